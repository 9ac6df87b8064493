/**
 * Function body validation: the operand and control stack algorithm of the
 * spec's appendix "Validation Algorithm" (WebAssembly 2.0 A.3, with the 3.0
 * additions behind their feature switches), over the decoded instruction
 * stream of `opcodes.ts`.
 *
 * The stacks are typed arrays reused across functions and grown by doubling,
 * so validating an instruction allocates nothing. Operand types are valtype
 * numbers (valtype.ts); 0 is the spec's `Unknown` (the bottom type of
 * unreachable code). Reference types match by the subtyping of typed function
 * references (`matchesType`); non-defaultable locals follow the local
 * initialization rules of spec 3.0 (3.3.5, 3.3.8: set by local.set/tee,
 * unset again after the end of the enclosing block).
 */
import { InvalidError, LimitError } from '../errors.js';
import { DEFAULT_LIMITS } from '../config.js';
import type { valtype } from '../decoder/module.js';
import { valtypeName } from '../decoder/module.js';
import { BLOCKTYPE_EMPTY, MEMARG_EXT, Op, isAtomicOp, isFloatOp, isRelaxedSimdOp, isSimdOp } from '../decoder/opcodes.js';
import type { Context } from './context.js';
import {
  BOT_REF, EXNREF, EXTERNREF, F32, F64, FUNCREF, I32, I64, NON_NULL, V128, concreteIndex, isNullable, isNumType, isRefType,
  matchesType, refOfIndex, withNullability,
} from '../decoder/valtype.js';
import { rejectFeature, rejectSimd, rejectThreads } from './policy.js';

const UNKNOWN = 0;

/** Control frame kinds: the opcode that opened the frame (block 0x02, loop, if, else); the function body is 0. */
const K_FUNC = 0;
const K_LOOP = Op.loop;
const K_IF = Op.if;
const K_ELSE = Op.else;

const EMPTY: readonly valtype[] = Object.freeze([]);
/** `[t]` for every one-byte value type, so a single-result blocktype needs no allocation. */
const SINGLE: Array<readonly valtype[]> = [];
for (const t of [I32, I64, F32, F64, V128, FUNCREF, EXTERNREF, EXNREF]) SINGLE[t] = Object.freeze([t]);
/** `[t]` for the other value types (reference types with a heap type), made on first use. */
const SINGLE_REF = new Map<number, readonly valtype[]>();
function single(t: number): readonly valtype[] {
  if (t < 0x80) return SINGLE[t];
  let ts = SINGLE_REF.get(t);
  if (ts === undefined) {
    ts = Object.freeze([t]);
    SINGLE_REF.set(t, ts);
  }
  return ts;
}
/** The label type of catch_ref / catch_all_ref: (ref exn). */
const REF_EXN = EXNREF + NON_NULL;

/**
 * Numeric instructions with a fixed signature (spec 3.3.1), by op (< 0x110):
 * up to two operands of type SIG_IN[op] and one result of type SIG_OUT[op].
 * SIG_OUT[op] === 0 means "not in the table" (handled by the big switch).
 */
const SIG_TABLE_SIZE = 0x110;
const SIG_ARITY = new Uint8Array(SIG_TABLE_SIZE);
const SIG_IN = new Uint8Array(SIG_TABLE_SIZE);
const SIG_OUT = new Uint8Array(SIG_TABLE_SIZE);
function sig(lo: number, hi: number, arity: number, tin: number, tout: number): void {
  for (let op = lo; op <= hi; op++) {
    SIG_ARITY[op] = arity;
    SIG_IN[op] = tin;
    SIG_OUT[op] = tout;
  }
}
sig(0x45, 0x45, 1, I32, I32); // i32.eqz
sig(0x46, 0x4f, 2, I32, I32); // i32 comparisons
sig(0x50, 0x50, 1, I64, I32); // i64.eqz
sig(0x51, 0x5a, 2, I64, I32); // i64 comparisons
sig(0x5b, 0x60, 2, F32, I32); // f32 comparisons
sig(0x61, 0x66, 2, F64, I32); // f64 comparisons
sig(0x67, 0x69, 1, I32, I32); // i32.clz ctz popcnt
sig(0x6a, 0x78, 2, I32, I32); // i32 arithmetic
sig(0x79, 0x7b, 1, I64, I64); // i64.clz ctz popcnt
sig(0x7c, 0x8a, 2, I64, I64); // i64 arithmetic
sig(0x8b, 0x91, 1, F32, F32); // f32 abs .. sqrt
sig(0x92, 0x98, 2, F32, F32); // f32 add .. copysign
sig(0x99, 0x9f, 1, F64, F64); // f64 abs .. sqrt
sig(0xa0, 0xa6, 2, F64, F64); // f64 add .. copysign
sig(0xa7, 0xa7, 1, I64, I32); // i32.wrap_i64
sig(0xa8, 0xa9, 1, F32, I32); // i32.trunc_f32_s/u
sig(0xaa, 0xab, 1, F64, I32); // i32.trunc_f64_s/u
sig(0xac, 0xad, 1, I32, I64); // i64.extend_i32_s/u
sig(0xae, 0xaf, 1, F32, I64); // i64.trunc_f32_s/u
sig(0xb0, 0xb1, 1, F64, I64); // i64.trunc_f64_s/u
sig(0xb2, 0xb3, 1, I32, F32); // f32.convert_i32_s/u
sig(0xb4, 0xb5, 1, I64, F32); // f32.convert_i64_s/u
sig(0xb6, 0xb6, 1, F64, F32); // f32.demote_f64
sig(0xb7, 0xb8, 1, I32, F64); // f64.convert_i32_s/u
sig(0xb9, 0xba, 1, I64, F64); // f64.convert_i64_s/u
sig(0xbb, 0xbb, 1, F32, F64); // f64.promote_f32
sig(0xbc, 0xbc, 1, F32, I32); // i32.reinterpret_f32
sig(0xbd, 0xbd, 1, F64, I64); // i64.reinterpret_f64
sig(0xbe, 0xbe, 1, I32, F32); // f32.reinterpret_i32
sig(0xbf, 0xbf, 1, I64, F64); // f64.reinterpret_i64
// 0xc0..0xc4 sign extension: handled in the switch (feature flag).
sig(0x100, 0x101, 1, F32, I32); // i32.trunc_sat_f32_s/u
sig(0x102, 0x103, 1, F64, I32); // i32.trunc_sat_f64_s/u
sig(0x104, 0x105, 1, F32, I64); // i64.trunc_sat_f32_s/u
sig(0x106, 0x107, 1, F64, I64); // i64.trunc_sat_f64_s/u

/** Loads and stores: the value type and the natural alignment exponent (spec 3.3.7). */
const MEM_TYPE = new Uint8Array(0x40);
const MEM_ALIGN = new Uint8Array(0x40);
function setMem(op: number, t: number, align: number): void {
  MEM_TYPE[op] = t;
  MEM_ALIGN[op] = align;
}
setMem(Op.i32_load, I32, 2); setMem(Op.i64_load, I64, 3);
setMem(Op.f32_load, F32, 2); setMem(Op.f64_load, F64, 3);
setMem(Op.i32_load8_s, I32, 0); setMem(Op.i32_load8_u, I32, 0);
setMem(Op.i32_load16_s, I32, 1); setMem(Op.i32_load16_u, I32, 1);
setMem(Op.i64_load8_s, I64, 0); setMem(Op.i64_load8_u, I64, 0);
setMem(Op.i64_load16_s, I64, 1); setMem(Op.i64_load16_u, I64, 1);
setMem(Op.i64_load32_s, I64, 2); setMem(Op.i64_load32_u, I64, 2);
setMem(Op.i32_store, I32, 2); setMem(Op.i64_store, I64, 3);
setMem(Op.f32_store, F32, 2); setMem(Op.f64_store, F64, 3);
setMem(Op.i32_store8, I32, 0); setMem(Op.i32_store16, I32, 1);
setMem(Op.i64_store8, I64, 0); setMem(Op.i64_store16, I64, 1); setMem(Op.i64_store32, I64, 2);

function tname(t: number): string {
  return t === UNKNOWN ? 'unknown' : valtypeName(t);
}

/**
 * Validates function bodies of one module. Create one per module and call
 * `validate` for each defined function.
 */
export class FuncValidator {
  private vals = new Int32Array(256);
  private valsLen = 0;
  private ctrlKind = new Uint8Array(32);
  private ctrlBt = new Int32Array(32);
  private ctrlHeight = new Uint32Array(32);
  private ctrlUnreachable = new Uint8Array(32);
  /** Per control frame: the height of the initialized-locals stack when it was entered. */
  private ctrlInits = new Uint32Array(32);
  /**
   * Local initialization (spec 3.0): for a function with non-defaultable
   * locals, `initSet[x] === 1` when local x is set, and `inits` lists the
   * locals set since each enclosing block began (unset again at its end).
   */
  private hasNonDefaultable = false;
  /** Address type of memory 0 (I32, or I64 for memory64), 0 when the module has no memory. */
  private mem0Addr = 0;
  private initSet = new Uint8Array(0);
  private inits = new Uint32Array(16);
  private initsLen = 0;
  private ctrlLen = 0;
  /** Per control frame: the serial number of the last br_table that checked a branch to it. */
  private brSeen = new Int32Array(32);
  private brSerial = 0;
  /** Height and unreachable flag of the innermost control frame (cached from the arrays). */
  private height = 0;
  private unreachable = false;
  private maxHeight = 0;
  private maxDepth = 0;
  private funcIndex = 0;
  /** Byte offset of the instruction being validated (for limit errors raised while pushing). */
  private at = 0;
  /**
   * C.locals, run-length encoded as in the binary so that a function
   * declaring 50,000 locals in a few bytes costs a few entries, not 50,000:
   * parameters are runs of one; run k covers local indices
   * [runStart[k], runStart[k+1]) and has type runType[k].
   */
  private runStart = new Uint32Array(16);
  private runType = new Int32Array(16);
  private numRuns = 0;
  private numLocals = 0;
  private numParams = 0;
  private params0: readonly valtype[] = EMPTY;
  private readonly maxOperandStack: number;
  private readonly maxControlDepth: number;
  /** Work counter: instructions, br_table targets and branch type checks. */
  steps = 0;

  constructor(private readonly c: Context) {
    this.mem0Addr = c.mems === undefined || c.mems.length === 0 ? 0 : c.mems[0].is64 ? I64 : I32;
    this.maxOperandStack = c.limits.maxOperandStack;
    this.maxControlDepth = c.limits.maxControlDepth;
  }

  private fail(message: string, offset: number): never {
    throw new InvalidError(message, offset, this.funcIndex);
  }

  // ---- operand stack ----

  // SPEED: push, pop and local are small (their rare paths are functions of
  // their own): V8 inlines calls only up to a total bytecode size per caller,
  // and validate calls these at dozens of sites.
  private push(t: number): void {
    const len = this.valsLen;
    if (len === this.vals.length) this.growVals();
    this.vals[len] = t;
    this.valsLen = len + 1;
    if (len >= this.maxHeight) this.newMaxHeight(len + 1);
  }
  private growVals(): void {
    const grown = new Int32Array(this.vals.length * 2);
    grown.set(this.vals);
    this.vals = grown;
  }
  /** The operand stack reached height h, more than before in this function. */
  private newMaxHeight(h: number): void {
    this.maxHeight = h;
    if (h > this.maxOperandStack) {
      throw new LimitError('maxOperandStack', this.maxOperandStack, h, this.at, this.funcIndex);
    }
  }

  /** pop_val() and pop_val(expect) of the appendix; `expect` UNKNOWN accepts anything. */
  private pop(expect: number, offset: number): number {
    const len = this.valsLen;
    if (len === this.height) return this.popEmpty(expect, offset);
    const actual = this.vals[len - 1];
    this.valsLen = len - 1;
    if (actual !== expect && actual !== UNKNOWN && expect !== UNKNOWN && !matchesType(actual, expect, this.c.canon)) {
      this.popMismatch(expect, actual, offset);
    }
    return actual;
  }
  /** pop with nothing above the frame's height: Unknown in unreachable code, else a type mismatch. */
  private popEmpty(expect: number, offset: number): number {
    if (this.unreachable) return UNKNOWN;
    this.fail(`type mismatch: expected ${expect === UNKNOWN ? 'a value' : valtypeName(expect)}, but the stack is empty`, offset);
  }
  private popMismatch(expect: number, actual: number, offset: number): never {
    this.fail(`type mismatch: expected ${valtypeName(expect)}, got ${valtypeName(actual)}`, offset);
  }

  /**
   * pop_vals(ts). In unreachable code only the values actually above the
   * frame's height are checked (the rest are Unknown), so a branch to a
   * label with many results costs what was pushed, not the label's arity.
   */
  private popTypes(ts: readonly valtype[], offset: number): void {
    const n = ts.length;
    const avail = this.valsLen - this.height;
    if (n > avail && this.unreachable) {
      for (let i = n - 1; i >= n - avail; i--) this.pop(ts[i], offset);
      return;
    }
    for (let i = n - 1; i >= 0; i--) this.pop(ts[i], offset);
  }

  private pushTypes(ts: readonly valtype[]): void {
    for (let i = 0; i < ts.length; i++) this.push(ts[i]);
  }

  /**
   * Checks that the top of the stack matches `ts` without changing it (the
   * appendix's `push_vals(pop_vals(ts))` for br_table targets); values below
   * the frame's height in unreachable code count as Unknown.
   */
  private peekTypes(ts: readonly valtype[], offset: number): void {
    const n = ts.length;
    const avail = this.valsLen - this.height;
    if (n > avail && !this.unreachable) {
      this.fail(`type mismatch: branch expects ${n} values, the stack has ${avail}`, offset);
    }
    const first = n > avail ? n - avail : 0;
    for (let i = first; i < n; i++) {
      const actual = this.vals[this.valsLen - n + i];
      if (actual !== ts[i] && actual !== UNKNOWN && !matchesType(actual, ts[i], this.c.canon)) {
        this.fail(`type mismatch: branch expects ${valtypeName(ts[i])}, got ${valtypeName(actual)}`, offset);
      }
    }
    this.steps += n - first;
  }

  // ---- control stack ----

  private params(bt: number): readonly valtype[] {
    return bt >= 0 ? this.c.types[bt].params : EMPTY;
  }

  private results(bt: number): readonly valtype[] {
    if (bt >= 0) return this.c.types[bt].results;
    if (bt === BLOCKTYPE_EMPTY) return EMPTY;
    return bt >= -128 ? SINGLE[bt + 128] : single(-bt);
  }

  /** The types a branch to the frame `depth` labels out passes (label_types). */
  private labelTypes(depth: number): readonly valtype[] {
    const i = this.ctrlLen - 1 - depth;
    return this.ctrlKind[i] === K_LOOP ? this.params(this.ctrlBt[i]) : this.results(this.ctrlBt[i]);
  }

  private pushCtrl(kind: number, bt: number): void {
    if (this.ctrlLen === this.ctrlKind.length) {
      const n = this.ctrlKind.length * 2;
      const k = new Uint8Array(n); k.set(this.ctrlKind); this.ctrlKind = k;
      const b = new Int32Array(n); b.set(this.ctrlBt); this.ctrlBt = b;
      const h = new Uint32Array(n); h.set(this.ctrlHeight); this.ctrlHeight = h;
      const u = new Uint8Array(n); u.set(this.ctrlUnreachable); this.ctrlUnreachable = u;
      const seen = new Int32Array(n); seen.set(this.brSeen); this.brSeen = seen;
      const ini = new Uint32Array(n); ini.set(this.ctrlInits); this.ctrlInits = ini;
    }
    const i = this.ctrlLen++;
    this.ctrlKind[i] = kind;
    this.ctrlBt[i] = bt;
    this.ctrlHeight[i] = this.valsLen;
    this.ctrlUnreachable[i] = 0;
    this.ctrlInits[i] = this.initsLen;
    this.height = this.valsLen;
    this.unreachable = false;
    // The function frame does not count as nesting.
    if (this.ctrlLen - 1 > this.maxDepth) {
      this.maxDepth = this.ctrlLen - 1;
      if (this.maxDepth > this.maxControlDepth) {
        throw new LimitError('maxControlDepth', this.maxControlDepth, this.maxDepth, this.at, this.funcIndex);
      }
    }
    if (kind !== K_FUNC) this.pushTypes(this.params(bt));
  }

  /** pop_ctrl(): checks the frame's results are on the stack and nothing else; returns the frame's index. */
  private popCtrl(offset: number): number {
    const i = this.ctrlLen - 1;
    this.popTypes(this.results(this.ctrlBt[i]), offset);
    if (this.valsLen !== this.ctrlHeight[i]) {
      this.fail(`type mismatch: ${this.valsLen - this.ctrlHeight[i]} values left on the stack at the end of the block`, offset);
    }
    this.ctrlLen--;
    if (this.hasNonDefaultable) this.resetInits(this.ctrlInits[i]);
    if (i > 0) {
      this.height = this.ctrlHeight[i - 1];
      this.unreachable = this.ctrlUnreachable[i - 1] === 1;
    }
    return i;
  }

  /** Unsets the locals set since the init stack had height `h`. */
  private resetInits(h: number): void {
    while (this.initsLen > h) this.initSet[this.inits[--this.initsLen]] = 0;
  }

  /** Records that local x (of type t) is set: a non-defaultable local becomes initialized (only called when the function has such locals). */
  private setLocal(x: number, t: number): void {
    if (isNullable(t) || this.initSet[x] === 1) return;
    this.initSet[x] = 1;
    if (this.initsLen === this.inits.length) {
      const g = new Uint32Array(this.inits.length * 2); g.set(this.inits); this.inits = g;
    }
    this.inits[this.initsLen++] = x;
  }

  private setUnreachable(): void {
    const i = this.ctrlLen - 1;
    this.valsLen = this.ctrlHeight[i];
    this.ctrlUnreachable[i] = 1;
    this.unreachable = true;
  }

  /** Checks a blocktype immediate (spec 3.2.9 "Block Types": a type index or an optional value type). */
  private checkBlockType(bt: number, offset: number): void {
    const f = this.c.features;
    if (bt >= 0) {
      if (bt >= this.c.types.length) this.fail(`unknown type ${bt}`, offset);
      const ft = this.c.types[bt];
      if (!f.multiValue && (ft.params.length > 0 || ft.results.length > 1)) {
        rejectFeature('multi-value', 'block type with parameters or several results', offset, this.funcIndex);
      }
    } else if (bt !== BLOCKTYPE_EMPTY) {
      if (bt < -128) {
        this.c.policy.valtype(-bt, 'block type', offset, this.funcIndex);
        return;
      }
      const t = bt + 128;
      if (bt < -64 || SINGLE[t] === undefined) this.fail(`invalid block type ${bt}`, offset);
      this.c.policy.valtype(t, 'block type', offset, this.funcIndex);
    }
  }

  /** Checks memory x exists (multi-memory for x > 0); returns its address type (I32, or I64 for memory64). */
  private memAddr(x: number, offset: number): number {
    if (x >= this.c.mems.length) this.fail(`unknown memory ${x}`, offset);
    return this.c.mems[x].is64 ? I64 : I32;
  }

  private checkMemory(offset: number): void {
    this.memAddr(0, offset);
  }

  private checkTable(x: number, offset: number): number {
    if (x >= this.c.tables.length) this.fail(`unknown table ${x}`, offset);
    return this.c.tables[x].elemtype;
  }

  /** The address type of table x (I64 for table64), which must exist. */
  private tableAddr(x: number): number {
    return this.c.tables[x].is64 ? I64 : I32;
  }

  /**
   * Checks a load/store's memarg (record at `pc`, the extended-memarg form
   * when `ext`): memory index, alignment at most natural, a 32-bit memory's
   * offset below 2^32. Returns the memory's address type.
   */
  private memarg(base: number, code: Int32Array, pc: number, ext: boolean, offset: number): number {
    const at = this.memAddr(ext ? code[pc + 4] >>> 0 : 0, offset);
    if ((code[pc + 2] >>> 0) > MEM_ALIGN[base]) this.fail('alignment must not be larger than natural', offset);
    if (ext && code[pc + 5] !== 0 && at === I32) this.fail('offset out of range: a 32-bit memory needs an offset below 2^32', offset);
    return at;
  }

  /** Checks that `a` matches `b` (subtyping), failing with `what`. */
  private expectMatch(a: number, b: number, what: string, offset: number): void {
    if (!matchesType(a, b, this.c.canon)) this.fail(`type mismatch: ${what}: ${valtypeName(a)} does not match ${valtypeName(b)}`, offset);
  }

  /** Checks that `as` matches `bs` element-wise (same length). */
  private expectMatchAll(as: readonly valtype[], bs: readonly valtype[], what: string, offset: number): void {
    if (as.length !== bs.length) this.fail(`type mismatch: ${what}: ${as.length} values for ${bs.length}`, offset);
    for (let i = 0; i < as.length; i++) this.expectMatch(as[i], bs[i], what, offset);
  }

  /** pop_ref() (spec 3.0 appendix): a reference operand; Unknown gives (ref bot). */
  private popRef(offset: number): number {
    const t = this.pop(UNKNOWN, offset);
    if (t === UNKNOWN) return BOT_REF;
    if (!isRefType(t)) this.fail(`type mismatch: expected a reference, got ${valtypeName(t)}`, offset);
    return t;
  }

  /** A function type by type index (call_ref and friends). */
  private funcType(y: number, offset: number) {
    if (y >= this.c.types.length) this.fail(`unknown type ${y}`, offset);
    return this.c.types[y];
  }

  /** Tail call rule (spec 3.0 3.3.8): the callee's results must match the caller's. */
  private checkTailResults(results: readonly valtype[], offset: number): void {
    const own = this.results(this.ctrlBt[0]);
    if (results.length !== own.length) this.fail(`type mismatch: tail call results (${results.length}) differ from the function's (${own.length})`, offset);
    for (let i = 0; i < own.length; i++) this.expectMatch(results[i], own[i], 'tail call result', offset);
  }

  private addRun(start: number, t: number): void {
    if (this.numRuns === this.runStart.length) {
      const n = this.runStart.length * 2;
      const s = new Uint32Array(n); s.set(this.runStart); this.runStart = s;
      const t2 = new Int32Array(n); t2.set(this.runType); this.runType = t2;
    }
    this.runStart[this.numRuns] = start;
    this.runType[this.numRuns++] = t;
  }

  /** The type of local x (spec 3.3.5 C.locals[x]): parameters directly, declared locals by binary search over the runs. */
  private local(x: number, offset: number): number {
    if (x >= this.numLocals) this.unknownLocal(x, offset);
    if (x < this.numParams) return this.params0[x];
    return this.declaredLocal(x);
  }
  private unknownLocal(x: number, offset: number): never {
    this.fail(`unknown local ${x}`, offset);
  }
  /** The type of declared local x (below numLocals, not a parameter). */
  private declaredLocal(x: number): number {
    let lo = 0;
    let hi = this.numRuns - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.runStart[mid] <= x) lo = mid;
      else hi = mid - 1;
    }
    return this.runType[lo];
  }

  /**
   * Validates one function. `funcIndex` is its index in the function index
   * space, `typeidx` its type, `locals` the declared locals (runs of
   * count × type, as in the binary; parameters come from the type).
   */
  validate(funcIndex: number, typeidx: number, locals: ReadonlyArray<{ count: number; type: valtype }>, body: Int32Array): void {
    const c = this.c;
    const f = c.features;
    this.funcIndex = funcIndex;
    this.params0 = c.types[typeidx].params;
    this.numParams = this.params0.length;
    this.numRuns = 0;
    let next = this.numParams;
    let nonDefaultable = false;
    for (let k = 0; k < locals.length; k++) {
      const run = locals[k];
      if (run.count === 0) continue;
      c.policy.valtype(run.type, 'local', undefined, funcIndex);
      if (!isNullable(run.type)) nonDefaultable = true;
      this.addRun(next, run.type);
      next += run.count;
    }
    this.numLocals = next;
    this.hasNonDefaultable = nonDefaultable;
    this.initsLen = 0;
    if (nonDefaultable) {
      if (this.initSet.length < next) this.initSet = new Uint8Array(next);
      else this.initSet.fill(0, 0, next);
    }
    this.valsLen = 0;
    this.ctrlLen = 0;
    this.maxHeight = 0;
    this.maxDepth = 0;
    this.pushCtrl(K_FUNC, typeidx);
    const code = body;
    const n = code.length;
    let pc = 0;
    let steps = 0;
    while (pc < n) {
      const op = code[pc];
      const off = code[pc + 1];
      this.at = off;
      steps++;
      // SPEED: the case labels are number literals (the Op name in a comment) and
      // the switch is split by range: V8 makes a jump table of a switch only when
      // its labels are literals (a label like `Op.local_get` is a property load
      // evaluated case after case) and dense (spread < 3x the number of labels);
      // otherwise it compares label after label. 0x00..0x44 (control, variables,
      // memory, constants) are dense; the numeric ops with a fixed signature come
      // next (one table test), the rarer ops above go to a second switch.
      if (op <= 0x44) switch (op) {
        // ---- control instructions (spec 3.3.8) ----
        case 0x00: // Op.unreachable
          this.setUnreachable();
          pc += 2;
          break;
        case 0x01: // Op.nop
          pc += 2;
          break;
        case 0x02: // Op.block
        case 0x03: { // Op.loop
          const bt = code[pc + 2];
          this.checkBlockType(bt, off);
          this.popTypes(this.params(bt), off);
          this.pushCtrl(op, bt);
          pc += 3;
          break;
        }
        case 0x04: { // Op.if
          const bt = code[pc + 2];
          this.checkBlockType(bt, off);
          this.pop(I32, off);
          this.popTypes(this.params(bt), off);
          this.pushCtrl(K_IF, bt);
          pc += 3;
          break;
        }
        case 0x05: { // Op.else
          const i = this.ctrlLen - 1;
          if (this.ctrlKind[i] !== K_IF) this.fail('else without matching if', off);
          const bt = this.ctrlBt[i];
          this.popCtrl(off);
          this.pushCtrl(K_ELSE, bt);
          pc += 2;
          break;
        }
        case 0x0b: { // Op.end
          const i = this.popCtrl(off);
          const bt = this.ctrlBt[i];
          if (this.ctrlKind[i] === K_IF) {
            // An `if` without `else` has an empty else branch: [t1*] -> [t2*] needs t1* = t2*.
            const ps = this.params(bt);
            const rs = this.results(bt);
            let same = ps.length === rs.length;
            for (let k = 0; same && k < ps.length; k++) same = matchesType(ps[k], rs[k], c.canon);
            if (!same) this.fail('type mismatch: if without else must leave its parameters unchanged', off);
          }
          pc += 2;
          if (this.ctrlLen > 0) this.pushTypes(this.results(bt));
          else if (pc < n) this.fail('instructions after the final end', code[pc + 1]);
          break;
        }
        case 0x0c: { // Op.br
          const l = code[pc + 2] >>> 0;
          if (l >= this.ctrlLen) this.fail(`unknown label ${l}`, off);
          this.popTypes(this.labelTypes(l), off);
          this.setUnreachable();
          pc += 3;
          break;
        }
        case 0x0d: { // Op.br_if
          const l = code[pc + 2] >>> 0;
          if (l >= this.ctrlLen) this.fail(`unknown label ${l}`, off);
          const len = this.valsLen;
          if (len > this.height && this.vals[len - 1] === I32) this.valsLen = len - 1;
          else this.pop(I32, off);
          const ts = this.labelTypes(l);
          this.popTypes(ts, off);
          this.pushTypes(ts);
          pc += 3;
          break;
        }
        case 0x0e: { // Op.br_table
          const count = code[pc + 2] >>> 0;
          const m = code[pc + 3 + count] >>> 0;
          this.pop(I32, off);
          if (m >= this.ctrlLen) this.fail(`unknown label ${m}`, off);
          const arity = this.labelTypes(m).length;
          // Each distinct label (and each distinct type sequence) is type-checked once per br_table.
          const serial = ++this.brSerial;
          let last: readonly valtype[] | null = null;
          for (let k = 0; k < count; k++) {
            const l = code[pc + 3 + k] >>> 0;
            if (l >= this.ctrlLen) this.fail(`unknown label ${l}`, off);
            const frame = this.ctrlLen - 1 - l;
            if (this.brSeen[frame] === serial) continue;
            this.brSeen[frame] = serial;
            const ts = this.labelTypes(l);
            if (ts.length !== arity) {
              this.fail(`type mismatch: br_table targets have different arities (${ts.length} and ${arity})`, off);
            }
            if (ts === last) continue;
            last = ts;
            this.peekTypes(ts, off);
          }
          steps += count;
          this.popTypes(this.labelTypes(m), off);
          this.setUnreachable();
          pc += 4 + count;
          break;
        }
        case 0x0f: // Op.return
          this.popTypes(this.results(this.ctrlBt[0]), off);
          this.setUnreachable();
          pc += 2;
          break;
        case 0x10: { // Op.call
          const x = code[pc + 2] >>> 0;
          if (x >= c.funcs.length) this.fail(`unknown function ${x}`, off);
          const ft = c.funcs[x];
          this.popTypes(ft.params, off);
          this.pushTypes(ft.results);
          pc += 3;
          break;
        }
        case 0x12: { // Op.return_call
          if (!f.tailCall) rejectFeature('tail-call', 'return_call', off, funcIndex);
          const x = code[pc + 2] >>> 0;
          if (x >= c.funcs.length) this.fail(`unknown function ${x}`, off);
          const ft = c.funcs[x];
          this.popTypes(ft.params, off);
          this.checkTailResults(ft.results, off);
          this.setUnreachable();
          pc += 3;
          break;
        }
        case 0x14: // Op.call_ref
        case 0x15: { // Op.return_call_ref
          if (!f.functionReferences) rejectFeature('function-references', op === 0x14 ? 'call_ref' : 'return_call_ref', off, funcIndex);
          if (op === 0x15 && !f.tailCall) rejectFeature('tail-call', 'return_call_ref', off, funcIndex);
          const y = code[pc + 2] >>> 0;
          const ft = this.funcType(y, off);
          this.pop(refOfIndex(y, true), off);
          this.popTypes(ft.params, off);
          if (op === 0x15) {
            this.checkTailResults(ft.results, off);
            this.setUnreachable();
          } else this.pushTypes(ft.results);
          pc += 3;
          break;
        }
        case 0x08: { // Op.throw
          if (!f.exceptions) rejectFeature('exceptions', 'throw', off, funcIndex);
          const x = code[pc + 2] >>> 0;
          if (x >= c.tags.length) this.fail(`unknown tag ${x}`, off);
          this.popTypes(c.tags[x].params, off);
          this.setUnreachable();
          pc += 3;
          break;
        }
        case 0x0a: // Op.throw_ref
          if (!f.exceptions) rejectFeature('exceptions', 'throw_ref', off, funcIndex);
          this.pop(EXNREF, off);
          this.setUnreachable();
          pc += 2;
          break;
        case 0x1f: { // Op.try_table
          if (!f.exceptions) rejectFeature('exceptions', 'try_table', off, funcIndex);
          const bt = code[pc + 2];
          this.checkBlockType(bt, off);
          const n = code[pc + 3];
          // catch clauses: labels relative to the try_table's outside (spec 3.0 3.3.8)
          for (let k = 0; k < n; k++) {
            const kind = code[pc + 4 + 3 * k];
            const x = code[pc + 5 + 3 * k] >>> 0;
            const l = code[pc + 6 + 3 * k] >>> 0;
            if (l >= this.ctrlLen) this.fail(`unknown label ${l}`, off);
            const lts = this.labelTypes(l);
            let given: readonly valtype[] = EMPTY;
            if (kind < 2) {
              if (x >= c.tags.length) this.fail(`unknown tag ${x}`, off);
              given = c.tags[x].params;
            }
            if (kind === 1 || kind === 3) given = [...given, REF_EXN];
            this.expectMatchAll(given, lts, `catch clause ${k} for label ${l}`, off);
          }
          this.popTypes(this.params(bt), off);
          this.pushCtrl(0x02, bt);
          pc += 4 + 3 * n;
          break;
        }
        case 0x13: // Op.return_call_indirect
        case 0x11: { // Op.call_indirect
          const y = code[pc + 2] >>> 0;
          const x = code[pc + 3] >>> 0;
          if (x !== 0 && !f.referenceTypes) rejectFeature('reference-types', 'call_indirect with a table index other than 0', off, funcIndex);
          const et = this.checkTable(x, off);
          if (!matchesType(et, FUNCREF, c.canon)) this.fail(`type mismatch: call_indirect needs a funcref table, table ${x} holds ${valtypeName(et)}`, off);
          if (y >= c.types.length) this.fail(`unknown type ${y}`, off);
          const ft = c.types[y];
          this.pop(this.tableAddr(x), off);
          this.popTypes(ft.params, off);
          if (op === 0x13) { // Op.return_call_indirect
            if (!f.tailCall) rejectFeature('tail-call', 'return_call_indirect', off, funcIndex);
            this.checkTailResults(ft.results, off);
            this.setUnreachable();
          } else this.pushTypes(ft.results);
          pc += 4;
          break;
        }

        // ---- parametric instructions (spec 3.3.4) ----
        case 0x1a: // Op.drop
          this.pop(UNKNOWN, off);
          pc += 2;
          break;
        case 0x1b: { // Op.select
          const len = this.valsLen, vals = this.vals;
          if (len - 3 >= this.height && vals[len - 1] === I32 && vals[len - 2] === vals[len - 3] && isNumType(vals[len - 2])) {
            // two operands of one numeric type: the first stays as the result
            this.valsLen = len - 2;
            pc += 2;
            break;
          }
          this.pop(I32, off);
          const t1 = this.pop(UNKNOWN, off);
          const t2 = this.pop(UNKNOWN, off);
          if ((t1 !== UNKNOWN && !isNumType(t1)) || (t2 !== UNKNOWN && !isNumType(t2))) {
            this.fail(`type mismatch: select without a type needs numeric operands, got ${tname(t2)} and ${tname(t1)}`, off);
          }
          if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) {
            this.fail(`type mismatch: select operands differ (${valtypeName(t2)} and ${valtypeName(t1)})`, off);
          }
          this.push(t1 === UNKNOWN ? t2 : t1);
          pc += 2;
          break;
        }
        case 0x1c: { // Op.select_t
          const k = code[pc + 2] >>> 0;
          if (!f.referenceTypes) rejectFeature('reference-types', 'select with a type', off, funcIndex);
          if (k !== 1) this.fail(`invalid result arity ${k} of select`, off);
          const t = code[pc + 3];
          c.policy.valtype(t, 'select type', off, funcIndex);
          this.pop(I32, off);
          this.pop(t, off);
          this.pop(t, off);
          this.push(t);
          pc += 3 + k;
          break;
        }

        // ---- variable instructions (spec 3.3.5) ----
        // SPEED (here and in the cases below): push's and pop's common cases
        // are written out (V8 does not inline them at every site: see push).
        case 0x20: { // Op.local_get
          const x = code[pc + 2] >>> 0;
          const t = x < this.numParams ? this.params0[x] : this.local(x, off);
          if (this.hasNonDefaultable && !isNullable(t) && x >= this.numParams && this.initSet[x] === 0) {
            this.fail(`uninitialized local ${x}`, off);
          }
          const len = this.valsLen;
          if (len < this.maxHeight) {
            // (maxHeight <= vals.length)
            this.vals[len] = t;
            this.valsLen = len + 1;
          } else this.push(t);
          pc += 3;
          break;
        }
        case 0x21: { // Op.local_set
          const x = code[pc + 2] >>> 0;
          const t = x < this.numParams ? this.params0[x] : this.local(x, off);
          const len = this.valsLen;
          if (len > this.height && this.vals[len - 1] === t) this.valsLen = len - 1;
          else this.pop(t, off);
          if (this.hasNonDefaultable) this.setLocal(x, t);
          pc += 3;
          break;
        }
        case 0x22: { // Op.local_tee
          const x = code[pc + 2] >>> 0;
          const t = x < this.numParams ? this.params0[x] : this.local(x, off);
          const len = this.valsLen;
          // (a value of type t on top: popping and pushing it back changes nothing)
          if (len <= this.height || this.vals[len - 1] !== t) {
            this.pop(t, off);
            this.push(t);
          }
          if (this.hasNonDefaultable) this.setLocal(x, t);
          pc += 3;
          break;
        }
        case 0x23: { // Op.global_get
          const x = code[pc + 2] >>> 0;
          if (x >= c.globals.length) this.fail(`unknown global ${x}`, off);
          this.push(c.globals[x].valtype);
          pc += 3;
          break;
        }
        case 0x24: { // Op.global_set
          const x = code[pc + 2] >>> 0;
          if (x >= c.globals.length) this.fail(`unknown global ${x}`, off);
          const g = c.globals[x];
          if (!g.mutable) this.fail(`global is immutable: global.set of global ${x}`, off);
          this.pop(g.valtype, off);
          pc += 3;
          break;
        }

        // ---- table instructions (spec 3.3.6; table64: indices of the table's address type) ----
        case 0x25: { // Op.table_get
          if (!f.referenceTypes) rejectFeature('reference-types', 'table.get', off, funcIndex);
          const x = code[pc + 2] >>> 0;
          const t = this.checkTable(x, off);
          this.pop(this.tableAddr(x), off);
          this.push(t);
          pc += 3;
          break;
        }
        case 0x26: { // Op.table_set
          if (!f.referenceTypes) rejectFeature('reference-types', 'table.set', off, funcIndex);
          const x = code[pc + 2] >>> 0;
          const t = this.checkTable(x, off);
          this.pop(t, off);
          this.pop(this.tableAddr(x), off);
          pc += 3;
          break;
        }
        // ---- memory instructions (spec 3.3.7; multi-memory, memory64) ----
        case 0x2a: case 0x2b: // Op.f32_load, Op.f64_load
          c.policy.floatOp('float load', op, off, funcIndex);
        // fallthrough
        case 0x28: case 0x29: // Op.i32_load, Op.i64_load
        case 0x2c: case 0x2d: case 0x2e: case 0x2f: // Op.i32_load8_s, Op.i32_load8_u, Op.i32_load16_s, Op.i32_load16_u
        case 0x30: case 0x31: case 0x32: case 0x33: // Op.i64_load8_s, Op.i64_load8_u, Op.i64_load16_s, Op.i64_load16_u
        case 0x34: case 0x35: { // Op.i64_load32_s, Op.i64_load32_u
          // (the short memarg form: memory 0, offset < 2^32)
          if (this.mem0Addr === 0) this.fail('unknown memory 0', off);
          if ((code[pc + 2] >>> 0) > MEM_ALIGN[op]) this.fail('alignment must not be larger than natural', off);
          const len = this.valsLen;
          if (len > this.height && this.vals[len - 1] === this.mem0Addr) {
            this.vals[len - 1] = MEM_TYPE[op];
          } else {
            this.pop(this.mem0Addr, off);
            this.push(MEM_TYPE[op]);
          }
          pc += 4;
          break;
        }
        case 0x38: case 0x39: // Op.f32_store, Op.f64_store
          c.policy.floatOp('float store', op, off, funcIndex);
        // fallthrough
        case 0x36: case 0x37: // Op.i32_store, Op.i64_store
        case 0x3a: case 0x3b: // Op.i32_store8, Op.i32_store16
        case 0x3c: case 0x3d: case 0x3e: { // Op.i64_store8, Op.i64_store16, Op.i64_store32
          if (this.mem0Addr === 0) this.fail('unknown memory 0', off);
          if ((code[pc + 2] >>> 0) > MEM_ALIGN[op]) this.fail('alignment must not be larger than natural', off);
          const len = this.valsLen;
          if (len - 2 >= this.height && this.vals[len - 1] === MEM_TYPE[op] && this.vals[len - 2] === this.mem0Addr) {
            this.valsLen = len - 2;
          } else {
            this.pop(MEM_TYPE[op], off);
            this.pop(this.mem0Addr, off);
          }
          pc += 4;
          break;
        }
        case 0x3f: { // Op.memory_size
          this.push(this.memAddr(code[pc + 2] >>> 0, off));
          pc += 3;
          break;
        }
        case 0x40: { // Op.memory_grow
          const at = this.memAddr(code[pc + 2] >>> 0, off);
          this.pop(at, off);
          this.push(at);
          pc += 3;
          break;
        }
        // ---- numeric instructions not in the SIG tables (spec 3.3.1) ----
        case 0x41: { // Op.i32_const
          const len = this.valsLen;
          if (len < this.maxHeight) {
            this.vals[len] = I32;
            this.valsLen = len + 1;
          } else this.push(I32);
          pc += 3;
          break;
        }
        case 0x42: // Op.i64_const
          this.push(I64);
          pc += 4;
          break;
        case 0x43: // Op.f32_const
          c.policy.float('f32.const', off, funcIndex);
          this.push(F32);
          pc += 3;
          break;
        case 0x44: // Op.f64_const
          c.policy.float('f64.const', off, funcIndex);
          this.push(F64);
          pc += 4;
          break;
        default:
          this.fail(`unknown instruction 0x${op.toString(16)}`, off);
      } else if (op < SIG_TABLE_SIZE && SIG_OUT[op] !== 0) {
        if (op >= 0x100 && !f.saturatingFloatToInt) { // Op.i32_trunc_sat_f32_s and after
          rejectFeature('saturating-float-to-int', `instruction 0x${op.toString(16)}`, off, funcIndex);
        }
        if (isFloatOp(op)) c.policy.floatOp('float instruction', op, off, funcIndex);
        const tin = SIG_IN[op];
        const arity = SIG_ARITY[op];
        const vals = this.vals;
        const len = this.valsLen;
        if (len - arity >= this.height && vals[len - 1] === tin && vals[len - arity] === tin) {
          // SPEED: the operands are there with the expected type (the common case):
          // the result replaces them in place (the stack does not grow).
          vals[len - arity] = SIG_OUT[op];
          this.valsLen = len - arity + 1;
          pc += 2;
          continue;
        }
        this.pop(tin, off);
        if (arity === 2) this.pop(tin, off);
        this.push(SIG_OUT[op]);
        pc += 2;
        continue;
      } else switch (op) {
        // ---- reference instructions (spec 3.3.2) ----
        case 0xd0: { // Op.ref_null
          const t = code[pc + 2];
          if (!f.referenceTypes) rejectFeature('reference-types', 'ref.null', off, funcIndex);
          c.policy.reftype(t, 'ref.null type', off, funcIndex);
          this.push(t);
          pc += 3;
          break;
        }
        case 0xd1: { // Op.ref_is_null
          if (!f.referenceTypes) rejectFeature('reference-types', 'ref.is_null', off, funcIndex);
          this.popRef(off);
          this.push(I32);
          pc += 2;
          break;
        }
        case 0xd4: { // Op.ref_as_non_null
          if (!f.functionReferences) rejectFeature('function-references', 'ref.as_non_null', off, funcIndex);
          const t = this.popRef(off);
          this.push(withNullability(t, false));
          pc += 2;
          break;
        }
        case 0xd5: { // Op.br_on_null
          if (!f.functionReferences) rejectFeature('function-references', 'br_on_null', off, funcIndex);
          const l = code[pc + 2] >>> 0;
          if (l >= this.ctrlLen) this.fail(`unknown label ${l}`, off);
          const t = this.popRef(off);
          const ts = this.labelTypes(l);
          this.popTypes(ts, off);
          this.pushTypes(ts);
          this.push(withNullability(t, false));
          pc += 3;
          break;
        }
        case 0xd6: { // Op.br_on_non_null
          if (!f.functionReferences) rejectFeature('function-references', 'br_on_non_null', off, funcIndex);
          const l = code[pc + 2] >>> 0;
          if (l >= this.ctrlLen) this.fail(`unknown label ${l}`, off);
          const ts = this.labelTypes(l);
          if (ts.length === 0) this.fail(`type mismatch: br_on_non_null needs a label with a reference result, label ${l} has none`, off);
          const last = ts[ts.length - 1];
          if (!isRefType(last)) this.fail(`type mismatch: br_on_non_null needs a label with a reference result, got ${valtypeName(last)}`, off);
          const t = this.popRef(off);
          this.expectMatch(withNullability(t, false), last, 'br_on_non_null operand', off);
          const rest = ts.slice(0, ts.length - 1);
          this.popTypes(rest, off);
          this.pushTypes(rest);
          pc += 3;
          break;
        }
        case 0xd2: { // Op.ref_func
          if (!f.referenceTypes) rejectFeature('reference-types', 'ref.func', off, funcIndex);
          const x = code[pc + 2] >>> 0;
          if (x >= c.funcs.length) this.fail(`unknown function ${x}`, off);
          if (!c.refs[x]) this.fail(`undeclared function reference ${x}`, off);
          this.push(f.functionReferences ? refOfIndex(c.funcTypeIdx[x], false) : FUNCREF);
          pc += 3;
          break;
        }

        case 0x110: { // Op.table_size
          if (!f.referenceTypes) rejectFeature('reference-types', 'table.size', off, funcIndex);
          const x = code[pc + 2] >>> 0;
          this.checkTable(x, off);
          this.push(this.tableAddr(x));
          pc += 3;
          break;
        }
        case 0x10f: { // Op.table_grow
          if (!f.referenceTypes) rejectFeature('reference-types', 'table.grow', off, funcIndex);
          const x = code[pc + 2] >>> 0;
          const t = this.checkTable(x, off);
          const at = this.tableAddr(x);
          this.pop(at, off);
          this.pop(t, off);
          this.push(at);
          pc += 3;
          break;
        }
        case 0x111: { // Op.table_fill
          if (!f.referenceTypes) rejectFeature('reference-types', 'table.fill', off, funcIndex);
          const x = code[pc + 2] >>> 0;
          const t = this.checkTable(x, off);
          const at = this.tableAddr(x);
          this.pop(at, off);
          this.pop(t, off);
          this.pop(at, off);
          pc += 3;
          break;
        }
        case 0x10e: { // Op.table_copy
          if (!f.bulkMemory) rejectFeature('bulk-memory', 'table.copy', off, funcIndex);
          const dst = code[pc + 2] >>> 0;
          const src = code[pc + 3] >>> 0;
          if ((dst !== 0 || src !== 0) && !f.referenceTypes) rejectFeature('reference-types', 'table.copy with a table index other than 0', off, funcIndex);
          const t1 = this.checkTable(dst, off);
          const t2 = this.checkTable(src, off);
          if (!matchesType(t2, t1, c.canon)) this.fail(`type mismatch: table.copy from ${valtypeName(t2)} table to ${valtypeName(t1)} table`, off);
          const a1 = this.tableAddr(dst);
          const a2 = this.tableAddr(src);
          this.pop(a1 === I64 && a2 === I64 ? I64 : I32, off);
          this.pop(a2, off);
          this.pop(a1, off);
          pc += 4;
          break;
        }
        case 0x10c: { // Op.table_init
          if (!f.bulkMemory) rejectFeature('bulk-memory', 'table.init', off, funcIndex);
          const y = code[pc + 2] >>> 0;
          const x = code[pc + 3] >>> 0;
          if (x !== 0 && !f.referenceTypes) rejectFeature('reference-types', 'table.init with a table index other than 0', off, funcIndex);
          const t = this.checkTable(x, off);
          if (y >= c.elems.length) this.fail(`unknown elem segment ${y}`, off);
          if (!matchesType(c.elems[y], t, c.canon)) this.fail(`type mismatch: table.init of ${valtypeName(c.elems[y])} segment ${y} into ${valtypeName(t)} table ${x}`, off);
          this.pop(I32, off); this.pop(I32, off);
          this.pop(this.tableAddr(x), off);
          pc += 4;
          break;
        }
        case 0x10d: { // Op.elem_drop
          if (!f.bulkMemory) rejectFeature('bulk-memory', 'elem.drop', off, funcIndex);
          const y = code[pc + 2] >>> 0;
          if (y >= c.elems.length) this.fail(`unknown elem segment ${y}`, off);
          pc += 3;
          break;
        }

        case 0x10b: { // Op.memory_fill
          if (!f.bulkMemory) rejectFeature('bulk-memory', 'memory.fill', off, funcIndex);
          const at = this.memAddr(code[pc + 2] >>> 0, off);
          this.pop(at, off); this.pop(I32, off); this.pop(at, off);
          pc += 3;
          break;
        }
        case 0x10a: { // Op.memory_copy
          if (!f.bulkMemory) rejectFeature('bulk-memory', 'memory.copy', off, funcIndex);
          const a1 = this.memAddr(code[pc + 2] >>> 0, off);
          const a2 = this.memAddr(code[pc + 3] >>> 0, off);
          this.pop(a1 === I64 && a2 === I64 ? I64 : I32, off);
          this.pop(a2, off);
          this.pop(a1, off);
          pc += 4;
          break;
        }
        case 0x108: { // Op.memory_init
          if (!f.bulkMemory) rejectFeature('bulk-memory', 'memory.init', off, funcIndex);
          const at = this.memAddr(code[pc + 3] >>> 0, off);
          const x = code[pc + 2] >>> 0;
          if (x >= c.numDatas) this.fail(`unknown data segment ${x}`, off);
          this.pop(I32, off); this.pop(I32, off); this.pop(at, off);
          pc += 4;
          break;
        }
        case 0x109: { // Op.data_drop
          if (!f.bulkMemory) rejectFeature('bulk-memory', 'data.drop', off, funcIndex);
          const x = code[pc + 2] >>> 0;
          if (x >= c.numDatas) this.fail(`unknown data segment ${x}`, off);
          pc += 3;
          break;
        }

        // ---- wide arithmetic (proposal) ----
        case 0x113: // Op.i64_add128
        case 0x114: // Op.i64_sub128
          if (!f.wideArithmetic) rejectFeature('wide-arithmetic', op === 0x113 ? 'i64.add128' : 'i64.sub128', off, funcIndex);
          this.pop(I64, off); this.pop(I64, off); this.pop(I64, off); this.pop(I64, off);
          this.push(I64); this.push(I64);
          pc += 2;
          break;
        case 0x115: // Op.i64_mul_wide_s
        case 0x116: // Op.i64_mul_wide_u
          if (!f.wideArithmetic) rejectFeature('wide-arithmetic', op === 0x115 ? 'i64.mul_wide_s' : 'i64.mul_wide_u', off, funcIndex);
          this.pop(I64, off); this.pop(I64, off);
          this.push(I64); this.push(I64);
          pc += 2;
          break;

        case 0xc0: // Op.i32_extend8_s
        case 0xc1: // Op.i32_extend16_s
          if (!f.signExtension) rejectFeature('sign-extension', 'i32.extend8_s/extend16_s', off, funcIndex);
          this.pop(I32, off);
          this.push(I32);
          pc += 2;
          break;
        case 0xc2: // Op.i64_extend8_s
        case 0xc3: // Op.i64_extend16_s
        case 0xc4: // Op.i64_extend32_s
          if (!f.signExtension) rejectFeature('sign-extension', 'i64.extend8_s/extend16_s/extend32_s', off, funcIndex);
          this.pop(I64, off);
          this.push(I64);
          pc += 2;
          break;

        default:
          // SPEED: the extended-memarg loads and stores (MEMARG_EXT + 0x28..0x3e)
          // are handled here, not as cases: numbers that far from the others
          // would make the switch too sparse for a jump table.
          if (op >= MEMARG_EXT + 0x28 && op <= MEMARG_EXT + 0x3e) {
            const base = op - MEMARG_EXT;
            if (base === 0x2a || base === 0x2b || base === 0x38 || base === 0x39) {
              c.policy.floatOp('float load/store', base, off, funcIndex);
            }
            const at = this.memarg(base, code, pc, true, off);
            if (base <= 0x35) {
              this.pop(at, off);
              this.push(MEM_TYPE[base]);
            } else {
              this.pop(MEM_TYPE[base], off);
              this.pop(at, off);
            }
            pc += 6;
            break;
          }
          if (isRelaxedSimdOp(op)) rejectFeature('relaxed-simd', `relaxed SIMD instruction 0x${op.toString(16)}`, off, funcIndex);
          if (isSimdOp(op)) rejectSimd(f, `SIMD instruction 0x${op.toString(16)}`, off, funcIndex);
          if (isAtomicOp(op)) rejectThreads(f, `atomic instruction 0x${op.toString(16)}`, off, funcIndex);
          this.fail(`unknown instruction 0x${op.toString(16)}`, off);
      }
    }
    this.steps += steps;
    if (this.ctrlLen !== 0) throw new InvalidError('function body does not end with end', undefined, funcIndex);
  }
}

/** SPEED: keeps this class's object shape alive between modules (src/validator/README.md, "Object shapes"). */
export const KEPT_FUNCVALIDATOR = new FuncValidator({ limits: DEFAULT_LIMITS } as Context);
