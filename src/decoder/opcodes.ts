/**
 * Instruction numbering and the layout of decoded instruction streams.
 *
 * Every instruction gets one dense number `op`:
 *   - single-byte opcodes keep their byte value (0x00..0xFF),
 *   - 0xFC-prefixed `sub` becomes 0x100 + sub (bulk memory, saturating truncation),
 *   - 0xFD-prefixed `sub` becomes 0x200 + sub (SIMD, sub < 0x200),
 *   - 0xFE-prefixed `sub` becomes 0x400 + sub (threads/atomics, sub < 0x100),
 *   - a load or store (0x28..0x3E) whose memarg names a memory other than 0
 *     or has an offset of 2^32 or more (multi-memory, memory64) becomes
 *     `MEMARG_EXT` + its byte (0x528..0x53E), with the longer record below;
 *     with memory 0 and a 32-bit offset it keeps its byte and its record.
 *
 * A decoded stream (function body or constant expression) is an Int32Array of
 * records `[op, byteOffset, ...immediates]`. `byteOffset` is the offset of the
 * instruction's first byte in the module binary (for error messages). u32
 * immediates are stored as their 32-bit pattern: read them with `>>> 0`.
 *
 * Immediates by instruction (see `immediateKind`):
 *   block, loop, if          [blocktype]  the blocktype as a signed 33-bit value:
 *                            >= 0 a type index; -64 (0x40) empty; otherwise the
 *                            negative s7 value of a valtype byte (i32 0x7F -> -1,
 *                            i64 -> -2, f32 -> -3, f64 -> -4, v128 -> -5,
 *                            funcref 0x70 -> -16, externref 0x6F -> -17;
 *                            constants in `valtype.ts`).
 *                            A reference type (typed function references,
 *                            exnref) is stored as minus its valtype number
 *                            (valtype.ts): exnref 0x69 -> -23 like the
 *                            one-byte types; (ref func) 0x170 -> -0x170 and
 *                            concrete types -(0x10000 + ...), all < -128.
 *                            So: bt >= 0 type index; -128 <= bt < 0 the
 *                            valtype bt + 128; bt < -128 the valtype -bt.
 *   br, br_if                [labelidx]
 *   br_table                 [n, l_0, ..., l_{n-1}, l_default]
 *   call, return_call        [funcidx]
 *   call_indirect,
 *   return_call_indirect     [typeidx, tableidx]
 *   call_ref, return_call_ref [typeidx]
 *   select_t (0x1C)          [n, t_0, ..., t_{n-1}]  (valtype numbers, valtype.ts)
 *   local.*, global.*        [idx]
 *   table.get, table.set     [tableidx]
 *   loads/stores             [align, offset]  (align is the exponent; memory 0,
 *                            offset < 2^32 as a u32 pattern)
 *   loads/stores + MEMARG_EXT [align, offset_lo, memidx, offset_hi]  (the
 *                            first two slots as in the short form; the u64
 *                            offset is offset_hi * 2^32 + offset_lo, halves
 *                            as u32 patterns)
 *   memory.size/grow         [memidx]
 *   i32.const, f32.const     [bits]
 *   i64.const, f64.const     [lo, hi]
 *   ref.null                 [reftype]  (the valtype number of (ref null ht):
 *                            0x70 funcref, 0x6F externref, 0x69 exnref, or a
 *                            concrete (ref null t); valtype.ts)
 *   ref.func                 [funcidx]
 *   memory.init              [dataidx, memidx]
 *   data.drop                [dataidx]
 *   memory.copy              [dstmem, srcmem]
 *   memory.fill              [memidx]
 *   table.init               [elemidx, tableidx]
 *   elem.drop                [elemidx]
 *   table.copy               [dsttable, srctable]
 *   table.grow/size/fill     [tableidx]
 *   throw                    [tagidx]
 *   throw_ref                []
 *   try_table (0x1F)         [blocktype, n, (kind, tagidx, labelidx) x n]
 *                            kind 0 catch, 1 catch_ref, 2 catch_all,
 *                            3 catch_all_ref; tagidx is 0 for the catch_all kinds
 *   ref.as_non_null          []
 *   br_on_null, br_on_non_null [labelidx]
 *   i64.add128, i64.sub128,
 *   i64.mul_wide_s/u (0x113..0x116) []
 *   SIMD / atomics           see `immediateKind` (a memarg's memory index and
 *                            the high half of its offset are not stored: the
 *                            validator rejects SIMD and atomics)
 *
 * Legacy exception instructions (try, catch, catch_all, delegate, rethrow),
 * GC instructions (ref.eq, the 0xFB prefix) are rejected while decoding
 * with a PolicyError ('legacy-exceptions', 'gc').
 */

export const PREFIX_FC = 0x100;
export const PREFIX_FD = 0x200;
export const PREFIX_FE = 0x400;
/** Added to a load/store byte for its extended-memarg form (see above). */
export const MEMARG_EXT = 0x500;

/** Blocktype encodings (signed 33-bit view of the byte). */
export const BLOCKTYPE_EMPTY = -64;

export const Op = {
  unreachable: 0x00,
  nop: 0x01,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  br_table: 0x0e,
  return: 0x0f,
  call: 0x10,
  call_indirect: 0x11,
  throw: 0x08,
  throw_ref: 0x0a,
  return_call: 0x12,
  return_call_indirect: 0x13,
  call_ref: 0x14,
  return_call_ref: 0x15,
  try_table: 0x1f,
  drop: 0x1a,
  select: 0x1b,
  select_t: 0x1c,
  local_get: 0x20,
  local_set: 0x21,
  local_tee: 0x22,
  global_get: 0x23,
  global_set: 0x24,
  table_get: 0x25,
  table_set: 0x26,
  i32_load: 0x28,
  i64_load: 0x29,
  f32_load: 0x2a,
  f64_load: 0x2b,
  i32_load8_s: 0x2c,
  i32_load8_u: 0x2d,
  i32_load16_s: 0x2e,
  i32_load16_u: 0x2f,
  i64_load8_s: 0x30,
  i64_load8_u: 0x31,
  i64_load16_s: 0x32,
  i64_load16_u: 0x33,
  i64_load32_s: 0x34,
  i64_load32_u: 0x35,
  i32_store: 0x36,
  i64_store: 0x37,
  f32_store: 0x38,
  f64_store: 0x39,
  i32_store8: 0x3a,
  i32_store16: 0x3b,
  i64_store8: 0x3c,
  i64_store16: 0x3d,
  i64_store32: 0x3e,
  memory_size: 0x3f,
  memory_grow: 0x40,
  i32_const: 0x41,
  i64_const: 0x42,
  f32_const: 0x43,
  f64_const: 0x44,

  i32_eqz: 0x45,
  i32_eq: 0x46,
  i32_ne: 0x47,
  i32_lt_s: 0x48,
  i32_lt_u: 0x49,
  i32_gt_s: 0x4a,
  i32_gt_u: 0x4b,
  i32_le_s: 0x4c,
  i32_le_u: 0x4d,
  i32_ge_s: 0x4e,
  i32_ge_u: 0x4f,
  i64_eqz: 0x50,
  i64_eq: 0x51,
  i64_ne: 0x52,
  i64_lt_s: 0x53,
  i64_lt_u: 0x54,
  i64_gt_s: 0x55,
  i64_gt_u: 0x56,
  i64_le_s: 0x57,
  i64_le_u: 0x58,
  i64_ge_s: 0x59,
  i64_ge_u: 0x5a,
  f32_eq: 0x5b, // 0x5b..0x66 f32/f64 comparisons
  f64_ge: 0x66,

  i32_clz: 0x67,
  i32_ctz: 0x68,
  i32_popcnt: 0x69,
  i32_add: 0x6a,
  i32_sub: 0x6b,
  i32_mul: 0x6c,
  i32_div_s: 0x6d,
  i32_div_u: 0x6e,
  i32_rem_s: 0x6f,
  i32_rem_u: 0x70,
  i32_and: 0x71,
  i32_or: 0x72,
  i32_xor: 0x73,
  i32_shl: 0x74,
  i32_shr_s: 0x75,
  i32_shr_u: 0x76,
  i32_rotl: 0x77,
  i32_rotr: 0x78,
  i64_clz: 0x79,
  i64_ctz: 0x7a,
  i64_popcnt: 0x7b,
  i64_add: 0x7c,
  i64_sub: 0x7d,
  i64_mul: 0x7e,
  i64_div_s: 0x7f,
  i64_div_u: 0x80,
  i64_rem_s: 0x81,
  i64_rem_u: 0x82,
  i64_and: 0x83,
  i64_or: 0x84,
  i64_xor: 0x85,
  i64_shl: 0x86,
  i64_shr_s: 0x87,
  i64_shr_u: 0x88,
  i64_rotl: 0x89,
  i64_rotr: 0x8a,
  f32_abs: 0x8b, // 0x8b..0xa6 f32/f64 arithmetic
  f64_copysign: 0xa6,
  i32_wrap_i64: 0xa7,
  i32_trunc_f32_s: 0xa8, // 0xa8..0xab float -> i32
  i64_extend_i32_s: 0xac,
  i64_extend_i32_u: 0xad,
  i64_trunc_f32_s: 0xae, // 0xae..0xb1 float -> i64
  f32_convert_i32_s: 0xb2, // 0xb2..0xbb int/float conversions
  i32_reinterpret_f32: 0xbc,
  i64_reinterpret_f64: 0xbd,
  f32_reinterpret_i32: 0xbe,
  f64_reinterpret_i64: 0xbf,
  i32_extend8_s: 0xc0,
  i32_extend16_s: 0xc1,
  i64_extend8_s: 0xc2,
  i64_extend16_s: 0xc3,
  i64_extend32_s: 0xc4,

  ref_null: 0xd0,
  ref_is_null: 0xd1,
  ref_func: 0xd2,
  ref_as_non_null: 0xd4,
  br_on_null: 0xd5,
  br_on_non_null: 0xd6,

  // 0xFC prefix
  i32_trunc_sat_f32_s: 0x100, // 0x100..0x107 saturating truncations (floats)
  i64_trunc_sat_f64_u: 0x107,
  memory_init: 0x108,
  data_drop: 0x109,
  memory_copy: 0x10a,
  memory_fill: 0x10b,
  table_init: 0x10c,
  elem_drop: 0x10d,
  table_copy: 0x10e,
  table_grow: 0x10f,
  table_size: 0x110,
  table_fill: 0x111,
  i64_add128: 0x113,
  i64_sub128: 0x114,
  i64_mul_wide_s: 0x115,
  i64_mul_wide_u: 0x116,
} as const;

/** True for every instruction that reads, writes or produces f32/f64 values. */
export function isFloatOp(op: number): boolean {
  return (
    (op >= 0x2a && op <= 0x2b) || // f32/f64.load
    (op >= 0x38 && op <= 0x39) || // f32/f64.store
    (op >= 0x43 && op <= 0x44) || // f32/f64.const
    (op >= 0x5b && op <= 0x66) || // float comparisons
    (op >= 0x8b && op <= 0xa6) || // float arithmetic
    (op >= 0xa8 && op <= 0xab) || // i32.trunc_f*
    (op >= 0xae && op <= 0xbf) || // i64.trunc_f*, converts, demote/promote, reinterprets
    (op >= 0x100 && op <= 0x107) // trunc_sat
  );
}

/** True for relaxed SIMD instructions (0xFD 0x100..0x113). */
export function isRelaxedSimdOp(op: number): boolean {
  return op >= PREFIX_FD + 0x100 && op < PREFIX_FE;
}

export function isSimdOp(op: number): boolean {
  return op >= PREFIX_FD && op < PREFIX_FE;
}

export function isAtomicOp(op: number): boolean {
  return op >= PREFIX_FE && op < PREFIX_FE + 0x100;
}

/*
 * ---------------------------------------------------------------------------
 * Immediate kinds (how each instruction is encoded in the binary and how its
 * immediates are laid out in a decoded stream). Added by the decoder.
 *
 *   Imm.none         no immediates                               record [op, off]
 *   Imm.blocktype    s33 block type (see above)                  [op, off, bt]
 *   Imm.idx          one u32 index (label, func, local, global,
 *                    table, data, elem)                          [op, off, x]
 *   Imm.idx2         two u32 indices (call_indirect typeidx
 *                    tableidx, table.init elemidx tableidx,
 *                    table.copy dst src)                         [op, off, x, y]
 *   Imm.zero         one reserved 0x00 byte, stored as index 0
 *                    (memory.size/grow/fill: memidx)             [op, off, 0]
 *   Imm.idxZero      u32 then a 0x00 byte (memory.init)          [op, off, x, 0]
 *   Imm.zero2        two 0x00 bytes (memory.copy)                [op, off, 0, 0]
 *   Imm.fence        one 0x00 byte, nothing stored (atomic.fence) [op, off]
 *   Imm.brTable      vec(labelidx) labelidx                      [op, off, n, l_0..l_{n-1}, l_default]
 *   Imm.selectT      vec(valtype)                                [op, off, n, t_0..t_{n-1}]
 *   Imm.memarg       u32 align exponent, u32 offset              [op, off, align, offset]
 *   Imm.i32          s32 (i32.const)                             [op, off, value]
 *   Imm.i64          s64 (i64.const)                             [op, off, lo, hi]
 *   Imm.f32          4 bytes little-endian                       [op, off, bits]
 *   Imm.f64          8 bytes little-endian                       [op, off, lo, hi]
 *   Imm.reftype      one reftype byte (ref.null)                 [op, off, t]
 *   Imm.v128         16 bytes (v128.const, i8x16.shuffle lanes)  [op, off, w0, w1, w2, w3]
 *                    (bytes 4k..4k+3 little-endian in word k)
 *   Imm.lane         one lane index byte                         [op, off, lane]
 *   Imm.memargLane   memarg then a lane index byte (v128.loadN_lane/storeN_lane)
 *                                                                [op, off, align, offset, lane]
 *   Imm.tryTable     blocktype vec(catch)                        [op, off, bt, n, (kind, x, l) x n]
 *   Imm.memargExt    memarg with memidx / u64 offset (MEMARG_EXT ops)
 *                                                                [op, off, align, offset_lo, memidx, offset_hi]
 *   Imm.heaptype     heaptype (ref.null)                          [op, off, reftype]
 *   Imm.legacy       legacy exception instruction: PolicyError while decoding
 *   Imm.gc           GC instruction: PolicyError while decoding
 * ---------------------------------------------------------------------------
 */
export const Imm = {
  none: 0,
  blocktype: 1,
  idx: 2,
  idx2: 3,
  zero: 4,
  idxZero: 5,
  zero2: 6,
  fence: 7,
  brTable: 8,
  selectT: 9,
  memarg: 10,
  i32: 11,
  i64: 12,
  f32: 13,
  f64: 14,
  reftype: 15,
  v128: 16,
  lane: 17,
  memargLane: 18,
  tryTable: 19,
  memargExt: 20,
  heaptype: 21,
  legacy: 22,
  gc: 23,
  /** Not an instruction (illegal opcode). */
  illegal: 255,
} as const;

/** Record length (in Int32Array slots) by immediate kind; -1 = variable. */
const RECORD_LENGTH: readonly number[] = [2, 3, 3, 4, 3, 4, 4, 2, -1, -1, 4, 3, 4, 3, 4, 3, 6, 3, 5, -1, 6, 3, -1, -1];

/** Number of dense op numbers (0x000..0x5FF). */
export const OP_COUNT = 0x600;

export const IMMEDIATE_KIND: Uint8Array = buildImmediateKinds();

function buildImmediateKinds(): Uint8Array {
  const k = new Uint8Array(OP_COUNT).fill(Imm.illegal);
  const set = (from: number, to: number, kind: number) => {
    for (let op = from; op <= to; op++) k[op] = kind;
  };
  // Control (spec 5.4.1)
  set(0x00, 0x01, Imm.none); // unreachable, nop
  set(0x02, 0x04, Imm.blocktype); // block, loop, if
  k[0x05] = Imm.none; // else
  k[0x0b] = Imm.none; // end
  set(0x0c, 0x0d, Imm.idx); // br, br_if
  k[0x0e] = Imm.brTable;
  k[0x0f] = Imm.none; // return
  k[0x10] = Imm.idx; // call
  k[0x11] = Imm.idx2; // call_indirect typeidx tableidx
  k[0x12] = Imm.idx; // return_call
  k[0x13] = Imm.idx2; // return_call_indirect typeidx tableidx
  k[0x14] = Imm.idx; // call_ref typeidx
  k[0x15] = Imm.idx; // return_call_ref typeidx
  k[0x08] = Imm.idx; // throw tagidx
  k[0x0a] = Imm.none; // throw_ref
  k[0x1f] = Imm.tryTable;
  for (const legacy of [0x06, 0x07, 0x09, 0x18, 0x19]) k[legacy] = Imm.legacy; // try catch rethrow delegate catch_all
  // Reference (5.4.2)
  k[0xd0] = Imm.heaptype;
  k[0xd1] = Imm.none;
  k[0xd2] = Imm.idx;
  k[0xd3] = Imm.gc; // ref.eq
  k[0xd4] = Imm.none; // ref.as_non_null
  set(0xd5, 0xd6, Imm.idx); // br_on_null, br_on_non_null
  // Parametric (5.4.3)
  set(0x1a, 0x1b, Imm.none);
  k[0x1c] = Imm.selectT;
  // Variable (5.4.4), table (5.4.5)
  set(0x20, 0x26, Imm.idx);
  // Memory (5.4.6)
  set(0x28, 0x3e, Imm.memarg);
  set(MEMARG_EXT + 0x28, MEMARG_EXT + 0x3e, Imm.memargExt);
  set(0x3f, 0x40, Imm.zero);
  // Numeric (5.4.7)
  k[0x41] = Imm.i32;
  k[0x42] = Imm.i64;
  k[0x43] = Imm.f32;
  k[0x44] = Imm.f64;
  set(0x45, 0xc4, Imm.none);
  // 0xFC prefix
  const FC = PREFIX_FC;
  set(FC + 0, FC + 7, Imm.none); // trunc_sat
  k[FC + 8] = Imm.idxZero; // memory.init dataidx 0x00
  k[FC + 9] = Imm.idx; // data.drop
  k[FC + 10] = Imm.zero2; // memory.copy 0x00 0x00
  k[FC + 11] = Imm.zero; // memory.fill 0x00
  k[FC + 12] = Imm.idx2; // table.init elemidx tableidx
  k[FC + 13] = Imm.idx; // elem.drop
  k[FC + 14] = Imm.idx2; // table.copy dst src
  set(FC + 15, FC + 17, Imm.idx); // table.grow/size/fill
  set(FC + 19, FC + 22, Imm.none); // i64.add128, sub128, mul_wide_s, mul_wide_u
  // 0xFD prefix: SIMD (spec 5.4.8, WebAssembly 2.0 final SIMD)
  const FD = PREFIX_FD;
  set(FD + 0x00, FD + 0x0b, Imm.memarg); // v128.load*, v128.store
  k[FD + 0x0c] = Imm.v128; // v128.const
  k[FD + 0x0d] = Imm.v128; // i8x16.shuffle
  set(FD + 0x0e, FD + 0x14, Imm.none); // swizzle, splats
  set(FD + 0x15, FD + 0x22, Imm.lane); // extract/replace_lane
  set(FD + 0x23, FD + 0x53, Imm.none); // comparisons, bitwise, any_true
  set(FD + 0x54, FD + 0x5b, Imm.memargLane); // load/store lane
  set(FD + 0x5c, FD + 0x5d, Imm.memarg); // load32_zero, load64_zero
  set(FD + 0x5e, FD + 0xff, Imm.none);
  set(FD + 0x100, FD + 0x113, Imm.none); // relaxed SIMD
  for (const unused of [0x9a, 0xa2, 0xa5, 0xa6, 0xaf, 0xb0, 0xb2, 0xb3, 0xb4, 0xbb, 0xc2, 0xc5, 0xc6, 0xcf, 0xd0, 0xd2, 0xd3, 0xd4, 0xe2, 0xee]) {
    k[FD + unused] = Imm.illegal;
  }
  // 0xFE prefix: threads (atomics)
  const FE = PREFIX_FE;
  set(FE + 0x00, FE + 0x02, Imm.memarg); // memory.atomic.notify, wait32, wait64
  k[FE + 0x03] = Imm.fence; // atomic.fence 0x00
  set(FE + 0x10, FE + 0x4e, Imm.memarg); // atomic loads, stores, rmw, cmpxchg
  return k;
}

/** The immediate kind of a dense op number (`Imm.illegal` for non-instructions). */
export function immediateKind(op: number): number {
  return op >= 0 && op < OP_COUNT ? IMMEDIATE_KIND[op] : Imm.illegal;
}

/**
 * Length in slots of the instruction record starting at `pc` of a decoded
 * stream, so other stages can walk a stream:
 * `for (let pc = 0; pc < code.length; pc += instrLength(code, pc))`.
 */
export function instrLength(code: Int32Array, pc: number): number {
  // SPEED: one table load for the fixed-length records (nearly all); the
  // kind numbers are literals (the Imm names in comments): `Imm.brTable` is
  // a property load at run time.
  const n = FIXED_LENGTH[code[pc]];
  if (n !== 0) return n;
  const kind = IMMEDIATE_KIND[code[pc]];
  if (kind === 8) return 4 + code[pc + 2]; // Imm.brTable
  if (kind === 9) return 3 + code[pc + 2]; // Imm.selectT
  return 4 + 3 * code[pc + 3]; // Imm.tryTable
}

/** Record length by dense op number for records of a fixed length, 0 for the variable ones (and non-instructions; instrLength). */
export const FIXED_LENGTH: Uint8Array = IMMEDIATE_KIND.map((kind) => (kind < RECORD_LENGTH.length && RECORD_LENGTH[kind] > 0 ? RECORD_LENGTH[kind] : 0));
