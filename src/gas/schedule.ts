/**
 * The gas cost schedule.
 *
 * Every WebAssembly instruction has a static cost; a few instructions also have
 * a dynamic cost proportional to the work they do. The compiler sums the static
 * costs of each basic block into one `gas` instruction at the block's start
 * (see src/interpreter/compiler.ts); dynamic costs are charged by the
 * instruction itself before it has any effect.
 *
 * Schedules:
 *  - `'default'`: costs in the spirit of wasmi's fuel costs and the NEAR /
 *    CosmWasm gas tables: structural instructions that do no work at run time
 *    (`nop`, `block`, `loop`, `else`, `end`, `drop`) cost 0; plain arithmetic,
 *    locals, globals, constants and branches cost 1; loads and stores 2;
 *    i64.mul 2; divisions and remainders 4 (i32) or 8 (i64); `br_table` 2;
 *    `call` 5; `call_indirect` 8 (tail calls and `call_ref` like the matching
 *    call); `throw`/`throw_ref` 20 + 5 per frame unwound; `i64.add128`/`sub128`
 *    2, `i64.mul_wide_*` 4; `memory.grow` 10 + 64 per page; bulk memory
 *    instructions 4 + 1 per 8 bytes (rounded up); table instructions that
 *    move elements 4 + 1 per element. Floats (`features.floats`): constants,
 *    comparisons, the bitwise abs/neg/copysign, reinterpret, add, sub, mul,
 *    min, max and the exact conversions cost 1 like integer arithmetic;
 *    rounding (ceil, floor, trunc, nearest), f32.convert_i64_*, and
 *    float-to-int truncations (range checks, traps, i64 results as word
 *    pairs) 2; div and sqrt 4 like i32 division (a native divider or square
 *    root takes 10-20 cycles where an add takes 1-4); float loads and
 *    stores 2 like all loads and stores.
 *  - `'unit'`: every executed wasm instruction costs exactly 1 and there are
 *    no dynamic costs, so `gasUsed` equals the number of executed instructions
 *    (what counts as executed is defined in src/interpreter/compiler.ts).
 *  - `{ base?, costs? }`: `base` ('default' or 'unit') with overrides. Keys of
 *    `costs` are instruction names as in the text format (`'i64.div_s'`,
 *    `'call_indirect'`) or the dynamic cost keys of `DYNAMIC_KEYS`. Values are
 *    non-negative safe integers.
 */
import type { DecodedModule } from '../decoder/module.js';
import { checkKeys } from '../config.js';
import { MEMARG_EXT } from '../decoder/opcodes.js';

export type GasScheduleConfig = 'default' | 'unit' | { base?: 'default' | 'unit'; costs?: Record<string, number> };

/** Dynamic cost keys accepted in `GasScheduleConfig.costs`. */
export const DYNAMIC_KEYS = [
  'memory.grow.perPage', // per 64 KiB page added by memory.grow (a grow that fails costs only its static cost)
  'memory.perBytes8', // per started 8 bytes of memory.copy / memory.fill / memory.init
  'table.perElement', // per element of table.copy / table.fill / table.init, per element added by table.grow
  'instantiate.perGlobal', // per global a module defines, charged by instantiation
  'exception.perFrame', // per wasm frame an exception unwinds (leaves) on its way to a handler or out of the activation
] as const;

/** A resolved schedule: static cost per dense op number plus the dynamic costs. */
export interface GasSchedule {
  /** Static cost indexed by dense op number (src/decoder/opcodes.ts). */
  readonly static: Float64Array;
  readonly memoryGrowPerPage: number;
  readonly memoryPerBytes8: number;
  readonly tablePerElement: number;
  /** Per wasm frame an exception unwinds ('exception.perFrame'). */
  readonly exceptionPerFrame: number;
  readonly instantiatePerGlobal: number;
}

/** Text-format names of every WebAssembly 2.0 instruction (SIMD and threads excluded), by dense op number. */
export const OP_NAMES: ReadonlyMap<number, string> = buildNames();

function buildNames(): Map<number, string> {
  const m = new Map<number, string>();
  const list: Array<[number, string]> = [
    [0x00, 'unreachable'], [0x01, 'nop'], [0x02, 'block'], [0x03, 'loop'], [0x04, 'if'], [0x05, 'else'],
    [0x0b, 'end'], [0x0c, 'br'], [0x0d, 'br_if'], [0x0e, 'br_table'], [0x0f, 'return'], [0x10, 'call'],
    [0x11, 'call_indirect'], [0x1a, 'drop'], [0x1b, 'select'], [0x1c, 'select_t'],
    [0x20, 'local.get'], [0x21, 'local.set'], [0x22, 'local.tee'], [0x23, 'global.get'], [0x24, 'global.set'],
    [0x25, 'table.get'], [0x26, 'table.set'],
    [0x28, 'i32.load'], [0x29, 'i64.load'], [0x2c, 'i32.load8_s'], [0x2d, 'i32.load8_u'],
    [0x2e, 'i32.load16_s'], [0x2f, 'i32.load16_u'], [0x30, 'i64.load8_s'], [0x31, 'i64.load8_u'],
    [0x32, 'i64.load16_s'], [0x33, 'i64.load16_u'], [0x34, 'i64.load32_s'], [0x35, 'i64.load32_u'],
    [0x36, 'i32.store'], [0x37, 'i64.store'], [0x3a, 'i32.store8'], [0x3b, 'i32.store16'],
    [0x3c, 'i64.store8'], [0x3d, 'i64.store16'], [0x3e, 'i64.store32'], [0x3f, 'memory.size'], [0x40, 'memory.grow'],
    [0x41, 'i32.const'], [0x42, 'i64.const'],
    [0x45, 'i32.eqz'], [0x46, 'i32.eq'], [0x47, 'i32.ne'], [0x48, 'i32.lt_s'], [0x49, 'i32.lt_u'], [0x4a, 'i32.gt_s'],
    [0x4b, 'i32.gt_u'], [0x4c, 'i32.le_s'], [0x4d, 'i32.le_u'], [0x4e, 'i32.ge_s'], [0x4f, 'i32.ge_u'],
    [0x50, 'i64.eqz'], [0x51, 'i64.eq'], [0x52, 'i64.ne'], [0x53, 'i64.lt_s'], [0x54, 'i64.lt_u'], [0x55, 'i64.gt_s'],
    [0x56, 'i64.gt_u'], [0x57, 'i64.le_s'], [0x58, 'i64.le_u'], [0x59, 'i64.ge_s'], [0x5a, 'i64.ge_u'],
    [0x67, 'i32.clz'], [0x68, 'i32.ctz'], [0x69, 'i32.popcnt'], [0x6a, 'i32.add'], [0x6b, 'i32.sub'], [0x6c, 'i32.mul'],
    [0x6d, 'i32.div_s'], [0x6e, 'i32.div_u'], [0x6f, 'i32.rem_s'], [0x70, 'i32.rem_u'], [0x71, 'i32.and'], [0x72, 'i32.or'],
    [0x73, 'i32.xor'], [0x74, 'i32.shl'], [0x75, 'i32.shr_s'], [0x76, 'i32.shr_u'], [0x77, 'i32.rotl'], [0x78, 'i32.rotr'],
    [0x79, 'i64.clz'], [0x7a, 'i64.ctz'], [0x7b, 'i64.popcnt'], [0x7c, 'i64.add'], [0x7d, 'i64.sub'], [0x7e, 'i64.mul'],
    [0x7f, 'i64.div_s'], [0x80, 'i64.div_u'], [0x81, 'i64.rem_s'], [0x82, 'i64.rem_u'], [0x83, 'i64.and'], [0x84, 'i64.or'],
    [0x85, 'i64.xor'], [0x86, 'i64.shl'], [0x87, 'i64.shr_s'], [0x88, 'i64.shr_u'], [0x89, 'i64.rotl'], [0x8a, 'i64.rotr'],
    [0xa7, 'i32.wrap_i64'], [0xac, 'i64.extend_i32_s'], [0xad, 'i64.extend_i32_u'],
    [0xc0, 'i32.extend8_s'], [0xc1, 'i32.extend16_s'], [0xc2, 'i64.extend8_s'], [0xc3, 'i64.extend16_s'], [0xc4, 'i64.extend32_s'],
    [0xd0, 'ref.null'], [0xd1, 'ref.is_null'], [0xd2, 'ref.func'],
    // floats
    [0x2a, 'f32.load'], [0x2b, 'f64.load'], [0x38, 'f32.store'], [0x39, 'f64.store'], [0x43, 'f32.const'], [0x44, 'f64.const'],
    [0x5b, 'f32.eq'], [0x5c, 'f32.ne'], [0x5d, 'f32.lt'], [0x5e, 'f32.gt'], [0x5f, 'f32.le'], [0x60, 'f32.ge'],
    [0x61, 'f64.eq'], [0x62, 'f64.ne'], [0x63, 'f64.lt'], [0x64, 'f64.gt'], [0x65, 'f64.le'], [0x66, 'f64.ge'],
    [0x8b, 'f32.abs'], [0x8c, 'f32.neg'], [0x8d, 'f32.ceil'], [0x8e, 'f32.floor'], [0x8f, 'f32.trunc'], [0x90, 'f32.nearest'],
    [0x91, 'f32.sqrt'], [0x92, 'f32.add'], [0x93, 'f32.sub'], [0x94, 'f32.mul'], [0x95, 'f32.div'], [0x96, 'f32.min'],
    [0x97, 'f32.max'], [0x98, 'f32.copysign'],
    [0x99, 'f64.abs'], [0x9a, 'f64.neg'], [0x9b, 'f64.ceil'], [0x9c, 'f64.floor'], [0x9d, 'f64.trunc'], [0x9e, 'f64.nearest'],
    [0x9f, 'f64.sqrt'], [0xa0, 'f64.add'], [0xa1, 'f64.sub'], [0xa2, 'f64.mul'], [0xa3, 'f64.div'], [0xa4, 'f64.min'],
    [0xa5, 'f64.max'], [0xa6, 'f64.copysign'],
    [0xa8, 'i32.trunc_f32_s'], [0xa9, 'i32.trunc_f32_u'], [0xaa, 'i32.trunc_f64_s'], [0xab, 'i32.trunc_f64_u'],
    [0xae, 'i64.trunc_f32_s'], [0xaf, 'i64.trunc_f32_u'], [0xb0, 'i64.trunc_f64_s'], [0xb1, 'i64.trunc_f64_u'],
    [0xb2, 'f32.convert_i32_s'], [0xb3, 'f32.convert_i32_u'], [0xb4, 'f32.convert_i64_s'], [0xb5, 'f32.convert_i64_u'],
    [0xb6, 'f32.demote_f64'], [0xb7, 'f64.convert_i32_s'], [0xb8, 'f64.convert_i32_u'], [0xb9, 'f64.convert_i64_s'],
    [0xba, 'f64.convert_i64_u'], [0xbb, 'f64.promote_f32'], [0xbc, 'i32.reinterpret_f32'], [0xbd, 'i64.reinterpret_f64'],
    [0xbe, 'f32.reinterpret_i32'], [0xbf, 'f64.reinterpret_i64'],
    [0x100, 'i32.trunc_sat_f32_s'], [0x101, 'i32.trunc_sat_f32_u'], [0x102, 'i32.trunc_sat_f64_s'], [0x103, 'i32.trunc_sat_f64_u'],
    [0x104, 'i64.trunc_sat_f32_s'], [0x105, 'i64.trunc_sat_f32_u'], [0x106, 'i64.trunc_sat_f64_s'], [0x107, 'i64.trunc_sat_f64_u'],
    [0x108, 'memory.init'], [0x109, 'data.drop'], [0x10a, 'memory.copy'], [0x10b, 'memory.fill'],
    [0x10c, 'table.init'], [0x10d, 'elem.drop'], [0x10e, 'table.copy'], [0x10f, 'table.grow'], [0x110, 'table.size'], [0x111, 'table.fill'],
    // WebAssembly 3.0 and the wide-arithmetic proposal
    [0x08, 'throw'], [0x0a, 'throw_ref'], [0x12, 'return_call'], [0x13, 'return_call_indirect'], [0x14, 'call_ref'],
    [0x15, 'return_call_ref'], [0x1f, 'try_table'], [0xd4, 'ref.as_non_null'], [0xd5, 'br_on_null'], [0xd6, 'br_on_non_null'],
    [0x113, 'i64.add128'], [0x114, 'i64.sub128'], [0x115, 'i64.mul_wide_s'], [0x116, 'i64.mul_wide_u'],
  ];
  for (const [op, name] of list) m.set(op, name);
  return m;
}

/** The default static cost of an instruction (see the table in the file comment). */
function defaultCost(op: number): number {
  switch (op) {
    case 0x01: case 0x02: case 0x03: case 0x05: case 0x0b: case 0x1a:
      return 0; // nop, block, loop, else, end, drop: no run-time work
    case 0x0e: return 2; // br_table
    case 0x10: case 0x12: case 0x14: case 0x15: return 5; // call, return_call, call_ref, return_call_ref
    case 0x11: case 0x13: return 8; // call_indirect, return_call_indirect
    case 0x08: case 0x0a: return 20; // throw, throw_ref
    case 0x113: case 0x114: return 2; // i64.add128, i64.sub128
    case 0x115: case 0x116: return 4; // i64.mul_wide_s/u
    case 0x7e: return 2; // i64.mul
    case 0x6d: case 0x6e: case 0x6f: case 0x70: return 4; // i32 div/rem
    case 0x7f: case 0x80: case 0x81: case 0x82: return 8; // i64 div/rem
    case 0x40: return 10; // memory.grow (+ per page)
    case 0x108: case 0x10a: case 0x10b: return 4; // memory.init/copy/fill (+ per 8 bytes)
    case 0x10c: case 0x10e: case 0x10f: case 0x111: return 4; // table.init/copy/grow/fill (+ per element)
    case 0x25: case 0x26: return 2; // table.get/set
    case 0x95: case 0x91: case 0xa3: case 0x9f: return 4; // f32/f64 div, sqrt
    case 0x8d: case 0x8e: case 0x8f: case 0x90: case 0x9b: case 0x9c: case 0x9d: case 0x9e:
      return 2; // f32/f64 ceil, floor, trunc, nearest
    case 0xb4: case 0xb5: return 2; // f32.convert_i64_s/u (rounded once through a sticky bit)
    default:
      if ((op >= 0xa8 && op <= 0xb1 && op !== 0xac && op !== 0xad) || (op >= 0x100 && op <= 0x107)) {
        return 2; // float -> int truncations, trapping and saturating
      }
      if (op >= 0x28 && op <= 0x3e) return 2; // loads and stores
      return 1;
  }
}

const cache = new Map<string, GasSchedule>();

/** Resolves a schedule configuration; throws `TypeError` on unknown keys or bad values. */
export function resolveGasSchedule(config: GasScheduleConfig = 'default'): GasSchedule {
  const key = typeof config === 'string' ? config : JSON.stringify(config);
  const hit = cache.get(key);
  if (hit) return hit;
  if (typeof config !== 'string') {
    checkKeys(config, ['base', 'costs'], 'gas schedule');
    checkKeys(config.costs, [...new Set([...OP_NAMES.values(), 'select_t', ...DYNAMIC_KEYS])], 'gas schedule costs');
  }
  const base = typeof config === 'string' ? config : config.base ?? 'default';
  if (base !== 'default' && base !== 'unit') throw new TypeError(`gas schedule: unknown base '${String(base)}'`);
  const unit = base === 'unit';
  const table = new Float64Array(MEMARG_EXT + 0x40);
  for (const op of OP_NAMES.keys()) table[op] = unit ? 1 : defaultCost(op);
  let memoryGrowPerPage = unit ? 0 : 64;
  let memoryPerBytes8 = unit ? 0 : 1;
  let tablePerElement = unit ? 0 : 1;
  let exceptionPerFrame = unit ? 0 : 5;
  let instantiatePerGlobal = unit ? 0 : 10;
  if (typeof config === 'object' && config.costs) {
    const byName = new Map<string, number>();
    for (const [op, name] of OP_NAMES) byName.set(name, op);
    for (const [name, value] of Object.entries(config.costs)) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        throw new TypeError(`gas schedule: cost of '${name}' must be a non-negative safe integer, got ${String(value)}`);
      }
      if (name === 'memory.grow.perPage') memoryGrowPerPage = value;
      else if (name === 'memory.perBytes8') memoryPerBytes8 = value;
      else if (name === 'table.perElement') tablePerElement = value;
      else if (name === 'exception.perFrame') exceptionPerFrame = value;
      else if (name === 'instantiate.perGlobal') instantiatePerGlobal = value;
      else {
        const op = byName.get(name);
        if (op === undefined) throw new TypeError(`gas schedule: unknown instruction '${name}'`);
        table[op] = value;
        if (op === 0x1b) table[0x1c] = value; // select and typed select share a cost unless both given
      }
    }
    if (config.costs['select_t'] !== undefined) table[0x1c] = config.costs['select_t'];
  }
  // a load or store with an extended memarg (another memory, a 64-bit offset) costs what its short form costs
  for (let op = 0x28; op <= 0x3e; op++) table[MEMARG_EXT + op] = table[op];
  const s: GasSchedule = { static: table, memoryGrowPerPage, memoryPerBytes8, tablePerElement, instantiatePerGlobal, exceptionPerFrame };
  cache.set(key, s);
  return s;
}

/**
 * Compile cost of a module, deterministic and linear in its size:
 * 1 per byte of the binary + 100 per defined function + 2 per instruction
 * of the function bodies and constant expressions' bodies.
 */
export const COMPILE_COST = { perByte: 1, perFunction: 100, perInstruction: 2 } as const;

export function compileCost(m: DecodedModule): number {
  // The decoder counted each body's instructions (code.numInstrs), so no second pass over the bodies.
  let instrs = 0;
  for (const c of m.codes) instrs += c.numInstrs;
  return COMPILE_COST.perByte * m.byteLength + COMPILE_COST.perFunction * m.codes.length + COMPILE_COST.perInstruction * instrs;
}

/**
 * Gas charged by instantiating `m` in a metered store, before anything is
 * allocated (src/interpreter/instantiate.ts): what the instance makes the host
 * allocate or copy, at the rates of the instructions that do the same work at
 * run time:
 *  - each initial page of a memory the module defines: `memory.grow.perPage`;
 *  - each initial element of a table it defines: `table.perElement`;
 *  - each entry of every element segment (resolved into the instance): `table.perElement`;
 *  - each started 8 bytes of every active data segment (copied into memory):
 *    `memory.perBytes8` (passive segments are charged by `memory.init`);
 *  - each global it defines: `instantiate.perGlobal`.
 * Imported memories, tables and globals cost nothing: their owner made them.
 */
export function instantiationCost(m: DecodedModule, s: GasSchedule): number {
  let pages = 0, elements = 0, bytes8 = 0;
  // 64 KiB pages, started ones for a custom page size (which is 64 KiB or 1 byte)
  for (const mt of m.mems) pages += Math.ceil(mt.limits.min * 2 ** (mt.pageSizeLog2 ?? 16) / 65536);
  for (const tt of m.tables) elements += tt.limits.min;
  for (const seg of m.elems) elements += seg.length;
  for (const d of m.datas) if (d.mode === 'active') bytes8 += Math.ceil(d.init.length / 8);
  return pages * s.memoryGrowPerPage + elements * s.tablePerElement + bytes8 * s.memoryPerBytes8 + m.globals.length * s.instantiatePerGlobal;
}
