/**
 * Compiler: one validated function body -> internal bytecode (bytecode.ts).
 *
 * Frame layout (DESIGN.md): every value takes two int32 slots; local i lives at
 * slot 2*i (parameters first), the operand-stack value at height h at slot
 * 2*(numLocals + h). Both are known at compile time, so instructions address
 * their operands directly ("register style") instead of pushing and popping.
 *
 * The compiler keeps a compile-time model of the operand stack whose entries
 * say where each value currently is:
 *   CANON  in its own stack slot,
 *   LOCAL  still in a local's slot (`local.get` emits nothing: the consumer
 *          reads the local directly),
 *   C32/C64 a constant not yet written anywhere (`i32.const` emits nothing;
 *          i32 binary ops take it as an immediate operand).
 * Entries are "materialized" (copied to their own slot) when needed: before
 * the local they refer to is overwritten, at block boundaries, for branch and
 * call operands. Speed tricks (each comment marked SPEED):
 *  - local.get / const cost no instruction;
 *  - `local.set x` right after an instruction retargets that instruction's
 *    destination to x (no copy);
 *  - an i32 comparison (or eqz) followed by br_if / if becomes one fused
 *    compare-and-branch instruction;
 *  - i32/i64 binary ops with a constant right operand take it as an immediate;
 *  - loads and stores fold a preceding `i32.shl`/`i32.add` by constants into
 *    their address, and `x + (i << k)` is one instruction (array indexing),
 *    folding a preceding `x = y + imm` too, and `(i << k) + imm` is one
 *    instruction; i32.load/i32.store take such an
 *    `x + imm + (i << k)` address in one instruction;
 *  - two consecutive copies are one COPY2; an i32.load feeding a br_table
 *    is one BR_TABLE_LOAD;
 *  - `i32.wrap_i64` emits nothing; `i32.const 0; local.set x` on a declared
 *    local not yet written in straight-line entry code emits nothing;
 *  - branches carry their value moves, precomputed, and the gas charge of the
 *    block they enter (as do calls for the callee's first block and for the
 *    block after the call), so no separate GAS dispatch runs on those edges.
 *
 * Gas (see src/gas/schedule.ts for the costs). What counts as executed: every
 * instruction control passes through, in the order of the body:
 *  - `block`, `loop`, `if` when entered (a loop's `loop` once, not per
 *    iteration: branches to a loop go to the instruction after `loop`);
 *  - `else` when the then-arm falls through to it (not when `if` jumps to the
 *    else-arm); `end` when control falls through to it from the previous
 *    instruction (not when reached by a branch, nor by `if` without `else`
 *    jumping over its then-arm); the function's final `end` likewise;
 *  - br/br_if/br_table/return/call/call_indirect/unreachable themselves; an
 *    untaken br_if counts once.
 * The compiler splits the body into basic blocks at every label (after
 * `loop`, `if`, `else`, `end`) and after every br_if, branch, return, call and
 * call_indirect, and emits one GAS instruction charging the block's summed
 * static costs at its start (none when the sum is 0). So a block is charged
 * in full before any of its instructions runs; when an instruction traps in
 * the middle of a block, the instructions after it in that block have been
 * charged too. Calls end a block, so a callee's out_of_gas never includes
 * the caller's instructions after the call.
 */
import type { ValidatedModule } from '../validator/index.js';
import type { GasSchedule } from '../gas/schedule.js';
import { BLOCKTYPE_EMPTY, instrLength } from '../decoder/opcodes.js';
import { Ops, IMM_DELTA, IMM64_DELTA } from './bytecode.js';

export interface CompiledFunc {
  code: Int32Array;
  /** Slots of parameters. */
  paramSlots: number;
  /** Slots of parameters and locals. */
  localSlots: number;
  /** Slots of the whole frame (locals + operand stack). */
  frameSlots: number;
  /**
   * SPEED: where a call enters the function and the gas it charges on entry:
   * when the body starts with `GAS k` the CALL instruction charges k itself
   * and starts after it.
   */
  entryPc: number;
  entryGas: number;
}

/**
 * A CompiledFunc. SPEED: a class, not an object literal: V8 tracks how long
 * the objects of each literal live and, once most outlive a young-generation
 * collection (as compiled functions do, cached by their module), switches the
 * literal to old-space allocation and discards the optimized compiler to do
 * so, in the middle of compiling a big module; objects made by `new` are not
 * tracked that way.
 */
class Compiled implements CompiledFunc {
  constructor(
    public code: Int32Array,
    public paramSlots: number,
    public localSlots: number,
    public frameSlots: number,
    public entryPc: number,
    public entryGas: number,
  ) {}
}

// SPEED: `var` (never reassigned): reading a module-level `const` from a function costs a
// temporal-dead-zone check per access in V8, a `var` does not.
var CANON = 0, LOCAL = 1, C32 = 2, C64 = 3;
var K_BLOCK = 0, K_LOOP = 1, K_IF = 2, K_FUNC = 3;

interface Ctrl {
  kind: number;
  /** Operand height at entry, below the block's parameters. */
  height: number;
  nParams: number;
  nResults: number;
  /** Label position for loops (branch target), -1 otherwise. */
  loopPc: number;
  /** Code positions to patch with the label position at `end`. */
  fixups: number[];
  /** For `if`: position of the false-branch target operand, -1 once patched. */
  elseFixup: number;
  unreachable: boolean;
}

function unaryI32(op: number): number {
  switch (op) {
    case 0x45: return Ops.I32_EQZ;
    case 0x67: return Ops.I32_CLZ;
    case 0x68: return Ops.I32_CTZ;
    case 0x69: return Ops.I32_POPCNT;
    case 0xc0: return Ops.I32_EXTEND8_S;
    case 0xc1: return Ops.I32_EXTEND16_S;
    case 0x50: return Ops.I64_EQZ;
    case 0x79: return Ops.I64_CLZ;
    case 0x7a: return Ops.I64_CTZ;
    case 0x7b: return Ops.I64_POPCNT;
    case 0xc2: return Ops.I64_EXTEND8_S;
    case 0xc3: return Ops.I64_EXTEND16_S;
    case 0xc4: return Ops.I64_EXTEND32_S;
    case 0xac: return Ops.I64_EXTEND_I32_S;
    case 0xad: return Ops.I64_EXTEND_I32_U;
    case 0xd1: return Ops.REF_IS_NULL;
    default: return -1;
  }
}

function binaryOp(op: number): number {
  if (op >= 0x46 && op <= 0x4f) return Ops.I32_EQ + (op - 0x46);
  if (op >= 0x6a && op <= 0x78) return Ops.I32_ADD + (op - 0x6a);
  if (op >= 0x51 && op <= 0x5a) return Ops.I64_EQ + (op - 0x51);
  if (op >= 0x7c && op <= 0x8a) return Ops.I64_ADD + (op - 0x7c);
  return -1;
}

function loadOp(op: number): number {
  switch (op) {
    case 0x28: return Ops.I32_LOAD;
    case 0x29: return Ops.I64_LOAD;
    case 0x2c: return Ops.I32_LOAD8_S;
    case 0x2d: return Ops.I32_LOAD8_U;
    case 0x2e: return Ops.I32_LOAD16_S;
    case 0x2f: return Ops.I32_LOAD16_U;
    case 0x30: return Ops.I64_LOAD8_S;
    case 0x31: return Ops.I64_LOAD8_U;
    case 0x32: return Ops.I64_LOAD16_S;
    case 0x33: return Ops.I64_LOAD16_U;
    case 0x34: return Ops.I64_LOAD32_S;
    case 0x35: return Ops.I64_LOAD32_U;
    default: return -1;
  }
}

function storeOp(op: number): number {
  switch (op) {
    case 0x36: return Ops.I32_STORE;
    case 0x37: return Ops.I64_STORE;
    case 0x3a: return Ops.I32_STORE8;
    case 0x3b: return Ops.I32_STORE16;
    case 0x3c: return Ops.I64_STORE8;
    case 0x3d: return Ops.I64_STORE16;
    case 0x3e: return Ops.I64_STORE32;
    default: return -1;
  }
}

/** Dense ops 0x00..0xff: every instruction the default case of the main loop handles is below 0x100. */
const OP_TABLE_SIZE = 0x100;
/**
 * SPEED: `f` tabulated for every op (one load in the main loop's default
 * case instead of a chain of switches); ops at or above OP_TABLE_SIZE map to -1.
 */
function opTable(f: (op: number) => number): Int16Array {
  const t = new Int16Array(OP_TABLE_SIZE);
  for (let op = 0; op < OP_TABLE_SIZE; op++) t[op] = f(op);
  return t;
}
const LOAD_OP = opTable(loadOp);
const STORE_OP = opTable(storeOp);
const UNARY_OP = opTable(unaryI32);
const BINARY_OP = opTable(binaryOp);

/**
 * Negation of comparison number `i` (0..9: eq, ne, lt_s, lt_u, gt_s, gt_u,
 * le_s, le_u, ge_s, ge_u, the order of both widths' ops), for `cmp; if` ->
 * branch-when-false.
 */
function negateCmp(i: number): number {
  switch (i) {
    case 0: return 1; // eq -> ne
    case 1: return 0; // ne -> eq
    case 2: return 8; // lt_s -> ge_s
    case 3: return 9; // lt_u -> ge_u
    case 4: return 6; // gt_s -> le_s
    case 5: return 7; // gt_u -> le_u
    case 6: return 4; // le_s -> gt_s
    case 7: return 5; // le_u -> gt_u
    case 8: return 2; // ge_s -> lt_s
    default: return 3; // ge_u -> lt_u
  }
}

/** Growable int32 output buffer. */
class Out {
  buf = new Int32Array(4096);
  len = 0;
  /** Clears what the previous function wrote, so the buffer reads as fresh (zeros past `len`). */
  reset(): void {
    this.buf.fill(0, 0, this.len);
    this.len = 0;
  }
  /** The buffer, with room for `n` more slots. SPEED: one capacity check per emitted record, not one per slot. */
  room(n: number): Int32Array {
    if (this.len + n > this.buf.length) this.grow(this.len + n);
    return this.buf;
  }
  private grow(min: number): void {
    let size = this.buf.length * 2;
    while (size < min) size *= 2;
    const n = new Int32Array(size);
    n.set(this.buf);
    this.buf = n;
  }
  push(v: number): void {
    this.room(1)[this.len++] = v;
  }
}

const sharedOut = new Out();

/**
 * Scratch arrays shared by all compilations (compileFunction never re-enters
 * itself): the compile-time operand stack (entries below `dirty` may hold
 * values of the previous function) and the per-local refCount / written
 * flags (cleared up to the function's local count on entry).
 */
const scratch = {
  kinds: new Int32Array(64),
  vals: new Int32Array(64),
  his: new Int32Array(64),
  dirty: 0,
  refCount: new Int32Array(64),
  written: new Uint8Array(64),
};

/** Statistics for linearity tests. */
export interface CompileStats {
  steps: number;
}

/**
 * Compiles defined function `codeIndex` of `vm` to bytecode (gas
 * instructions placed when `metered`).
 */
export const compileFunction: (
  vm: ValidatedModule,
  codeIndex: number,
  metered: boolean,
  schedule: GasSchedule,
  stats?: CompileStats,
) => CompiledFunc = makeCompiler();

/**
 * SPEED: the compiler's state and its helpers live in one closure made once
 * (compileFunction never re-enters itself), not in closures made anew for
 * every compiled function: V8 inlines a helper into the main loop only when
 * the call site always sees the same function object (a helper made per call
 * has no feedback of its own and stays a real call).
 */
function makeCompiler() {
  // SPEED: the state is `var`, not `let`/`const`: a `let` that the helpers
  // capture is checked for its temporal dead zone on every access (V8 emits a
  // hole check per read and write), `var` is not.
  // The function being compiled (set on entry of `compile`).
  var vm: ValidatedModule;
  var m: ValidatedModule['module'];
  var funcIndex = 0;
  var type: ValidatedModule['funcTypes'][number];
  var body: Int32Array;
  var nLocals = 0;
  var costs: GasSchedule['static'];
  var metered = false;
  // SPEED: one output buffer shared by all compilations; the result is a copy of its used part.
  var out = sharedOut;
  var steps = 0;

  // Compile-time operand stack. SPEED: shared scratch arrays (see `scratch`),
  // zeroed up to where the previous function wrote, so they read as fresh.
  var kinds = scratch.kinds, vals = scratch.vals, his = scratch.his;
  var h = 0;
  var maxH = 0;
  var refCount = scratch.refCount;
  // SPEED: while no label has been placed since entry, declared locals never
  // written still hold their zero initial value; `i32.const 0; local.set x`
  // on them emits nothing.
  var straight = true;
  var written = scratch.written;
  var nParams = 0;
  var ctrls: Ctrl[] = [];

  // Gas block state.
  var needGas = true;
  /** Pairs (target operand position, gas operand position) for foldGas. */
  var folds: number[] = [];
  var gasPos = -1;
  // Peephole state: position of the `dst` operand of the instruction that
  // produced the top of stack, its start and its op; -1 when not applicable.
  var lastDst = -1, lastStart = -1, lastOp = -1;
  // Start of the last emitted value-producing record, and of the code after the last label.
  var recStart = -1, prevRecStart = -1, labelPos = 0;
  var copyStart = -1; // start of the last emitted COPY
  var skip = 0; // nesting depth inside unreachable code


  var canon = (i: number) => 2 * (nLocals + i);

  function emit1(a: number) { out.push(a); }
  function emit2(a: number, b: number) {
    const p = out.len, buf = out.room(2);
    buf[p] = a; buf[p + 1] = b;
    out.len = p + 2;
  }
  function emit3(a: number, b: number, c: number) {
    const p = out.len, buf = out.room(3);
    buf[p] = a; buf[p + 1] = b; buf[p + 2] = c;
    out.len = p + 3;
  }
  function emit4(a: number, b: number, c: number, d: number) {
    const p = out.len, buf = out.room(4);
    buf[p] = a; buf[p + 1] = b; buf[p + 2] = c; buf[p + 3] = d;
    out.len = p + 4;
  }

  function ensure(n: number) {
    if (n > maxH) {
      maxH = n;
      if (n > scratch.dirty) scratch.dirty = n;
    }
    if (n <= kinds.length) return;
    let size = kinds.length * 2;
    while (size < n) size *= 2;
    const k = new Int32Array(size); k.set(kinds); kinds = scratch.kinds = k;
    const v = new Int32Array(size); v.set(vals); vals = scratch.vals = v;
    const hh = new Int32Array(size); hh.set(his); his = scratch.his = hh;
  }
  function pushCanon() { ensure(h + 1); kinds[h] = CANON; h++; }
  // Entries below `pendingFrom` are all CANON (keeps materializeAll linear overall).
  var pendingFrom = 0;
  function pending() { if (h < pendingFrom) pendingFrom = h; }
  function pushLocal(slot: number) { ensure(h + 1); pending(); kinds[h] = LOCAL; vals[h] = slot; refCount[slot >> 1]++; h++; }
  function pushC32(v: number) { ensure(h + 1); pending(); kinds[h] = C32; vals[h] = v; h++; }
  function pushC64(lo: number, hi: number) { ensure(h + 1); pending(); kinds[h] = C64; vals[h] = lo; his[h] = hi; h++; }
  function pop() {
    h--;
    if (kinds[h] === LOCAL) refCount[vals[h] >> 1]--;
  }
  function materialize(i: number) {
    const k = kinds[i];
    if (k === CANON) return;
    const dst = canon(i);
    if (k === LOCAL) { emitCopy(dst, vals[i]); refCount[vals[i] >> 1]--; }
    else if (k === C32) emit3(Ops.CONST32, dst, vals[i]);
    else emit4(Ops.CONST64, dst, vals[i], his[i]);
    kinds[i] = CANON;
  }
  function materializeAll() {
    for (let i = pendingFrom; i < h; i++) { steps++; materialize(i); }
    pendingFrom = h;
  }
  /** Slot from which the value at height i can be read (constants are written first). */
  function operand(i: number): number {
    const k = kinds[i];
    if (k === LOCAL) return vals[i];
    if (k !== CANON) materialize(i);
    return canon(i);
  }
  /** Writes the value of entry i into slot dst (a copy or a constant store); nothing if already there. */
  function moveTo(i: number, dst: number) {
    const k = kinds[i];
    if (k === C32) emit3(Ops.CONST32, dst, vals[i]);
    else if (k === C64) emit4(Ops.CONST64, dst, vals[i], his[i]);
    else {
      const src = k === LOCAL ? vals[i] : canon(i);
      if (src !== dst) emitCopy(dst, src);
    }
  }
  /** Materializes every entry that still reads local x (before x is overwritten). */
  function protectLocal(x: number) {
    if (refCount[x] === 0) return;
    const slot = 2 * x;
    for (let i = h - 1; i >= 0 && refCount[x] > 0; i--) {
      steps++;
      if (kinds[i] === LOCAL && vals[i] === slot) materialize(i);
    }
  }

  /** Adds op's static cost to the current block's GAS instruction (placed on the block's first charge). */
  function charge(op: number) {
    // SPEED: small enough for V8 to inline everywhere; an unmetered compile pays one test.
    if (metered) chargeStatic(op);
  }
  function chargeStatic(op: number) {
    const c = costs[op];
    if (c === 0) return;
    if (needGas) {
      emit2(Ops.GAS, 0);
      gasPos = out.len - 1;
      needGas = false;
      // SPEED/peephole: a GAS between producer and consumer breaks "previous instruction".
      lastDst = -1;
    }
    out.buf[gasPos] += c;
  }
  /** Ends the current basic block; the next charged instruction starts a new one. */
  function split() {
    needGas = true;
    lastDst = -1;
    labelPos = out.len;
  }
  /**
   * SPEED (superinstructions): if entry i was produced by the last emitted
   * record, an `op` writing entry i's own slot, with no label in between,
   * removes that record and returns its start (its operands stay readable in
   * out.buf); -1 otherwise. The consumer then does the record's work itself.
   */
  function takeProducer(i: number, op: number, len: number): number {
    const st = recStart;
    if (st < labelPos || st + len !== out.len || out.buf[st] !== op || kinds[i] !== CANON || out.buf[st + 1] !== canon(i)) return -1;
    out.len = st;
    lastDst = -1;
    recStart = prevRecStart; // the record before may be taken next (chains)
    prevRecStart = -1;
    return st;
  }
  // SPEED: foldAddress's other two results (no array allocated per load and store).
  var foldedImm = 0, foldedK = 0;
  /**
   * Address folding for loads and stores of entry i: up to `i32.shl` by a
   * constant followed by `i32.add` of a constant; returns addr and sets
   * foldedImm, foldedK with address = u32((S[addr] << foldedK) + foldedImm)
   * (addr -1: nothing folded).
   */
  function foldAddress(i: number): number {
    foldedImm = 0;
    foldedK = 0;
    let st = takeProducer(i, Ops.I32_SHL_ADD_IMM, 5);
    if (st >= 0) {
      foldedImm = out.buf[st + 4];
      foldedK = out.buf[st + 3];
      return out.buf[st + 2];
    }
    let addr = -1;
    st = takeProducer(i, Ops.I32_ADD_IMM, 4);
    if (st >= 0) {
      addr = out.buf[st + 2];
      foldedImm = out.buf[st + 3];
      if (addr !== canon(i)) return addr;
    }
    st = takeProducer(i, Ops.I32_SHL_IMM, 4);
    if (st >= 0) {
      addr = out.buf[st + 2];
      foldedK = out.buf[st + 3] & 31;
    }
    return addr;
  }
  function placeLabel(fixups: number[]) {
    straight = false;
    const pc = out.len;
    for (const p of fixups) out.buf[p] = pc;
    split();
  }

  /** Parameter and result counts of a blocktype (SPEED: two functions, no array per block). */
  function blockParams(bt: number): number {
    return bt >= 0 ? m.types[bt].params.length : 0;
  }
  function blockResults(bt: number): number {
    if (bt >= 0) return m.types[bt].results.length;
    return bt === BLOCKTYPE_EMPTY ? 0 : 1;
  }

  function labelArity(c: Ctrl): number {
    return c.kind === K_LOOP ? c.nParams : c.nResults;
  }

  /** Moves the top n values to the result slots 0..n-1 and returns. */
  function emitReturn(prevDst = -1) {
    const n = type.results.length;
    if (n === 1 && prevDst >= 0 && kinds[h - 1] === CANON) {
      // SPEED: the instruction that produced the result writes it to slot 0 directly.
      out.buf[prevDst] = 0;
      emit1(Ops.RETURN);
      return;
    }
    // Results go to the parameter slots; a result still reading a local < n
    // could be overwritten by an earlier move, so such entries are copied out first.
    for (let i = h - n; i < h; i++) if (kinds[i] === LOCAL && vals[i] < 2 * n) materialize(i);
    for (let j = 0; j < n; j++) moveTo(h - n + j, 2 * j);
    emit1(Ops.RETURN);
  }

  /** Emits the moves of a branch to ctrl c (values = top arity entries). */
  function emitMoves(c: Ctrl) {
    const n = labelArity(c);
    for (let j = 0; j < n; j++) moveTo(h - n + j, canon(c.height + j));
  }

  /** True when a branch to c needs no value moves. */
  function noMoves(c: Ctrl): boolean {
    const n = labelArity(c);
    for (let j = 0; j < n; j++) {
      const i = h - n + j;
      if (kinds[i] !== CANON || i !== c.height + j) return false;
    }
    return true;
  }

  /** Unconditional branch to relative depth d (moves + jump). */
  function emitBr(d: number) {
    const c = ctrls[ctrls.length - 1 - d];
    if (c.kind === K_FUNC) { emitReturn(); return; }
    emitMoves(c);
    emitJumpTo(c);
  }
  function emitJumpTo(c: Ctrl) {
    target(c, emitBranchOp(Ops.BR, 0, 0, 0));
  }
  /**
   * Emits a branch and returns the position of its target operand.
   * Unconditional: [BR, target, k]; conditional on one slot: [op, c, target,
   * k, fallPc, kFall]; fused compare: [op, a, b, target, k, fallPc, kFall].
   * SPEED: the k operands are filled by `foldGas` at the end: when the
   * target (or the fall-through) starts with `GAS k'`, the branch charges k'
   * itself and jumps past it, saving one dispatch per taken branch.
   */
  /** The (retPc, kRet) operands of a call, folded like a branch's fall-through. */
  function emitReturnSite() {
    const pos = out.len;
    out.push(pos + 2);
    out.push(0);
    folds.push(pos, pos + 1);
  }
  function emitCopy(dst: number, src: number) {
    if (copyStart >= labelPos && copyStart + 3 === out.len && out.buf[copyStart] === Ops.COPY) {
      // SPEED: two copies in a row (local.get/local.set chains, branch moves):
      // [COPY2, d1, s1, d2, s2], done in that order
      out.buf[copyStart] = Ops.COPY2;
      emit2(dst, src);
      copyStart = -1;
      return;
    }
    copyStart = out.len;
    emit3(Ops.COPY, dst, src);
  }
  function emitBranchOp(op: number, nOperands: number, a: number, b: number, c = 0): number {
    if (op === Ops.BR && copyStart >= labelPos && copyStart + 3 === out.len && out.buf[copyStart] === Ops.COPY) {
      // SPEED: a copy right before an unconditional branch: [COPY_BR, dst, src, target, k]
      out.buf[copyStart] = Ops.COPY_BR;
      copyStart = -1;
      const tpos = out.len;
      out.push(0);
      out.push(0);
      folds.push(tpos, tpos + 1);
      return tpos;
    }
    out.push(op);
    if (nOperands > 0) out.push(a);
    if (nOperands > 1) out.push(b);
    if (nOperands > 2) out.push(c);
    const tpos = out.len;
    out.push(0);
    out.push(0);
    folds.push(tpos, tpos + 1);
    if (op !== Ops.BR) {
      const fpos = out.len;
      out.push(fpos + 2);
      out.push(0);
      folds.push(fpos, fpos + 1);
    }
    return tpos;
  }
  /** Writes a target operand at out position p for ctrl c. */
  function target(c: Ctrl, p: number) {
    if (c.kind === K_LOOP) out.buf[p] = c.loopPc;
    else c.fixups.push(p);
  }

  function setUnreachable() {
    const c = ctrls[ctrls.length - 1];
    c.unreachable = true;
    while (h > c.height) pop();
  }

  function compile(
    vmIn: ValidatedModule,
    codeIndex: number,
    meteredIn: boolean,
    schedule: GasSchedule,
    stats?: CompileStats,
  ): CompiledFunc {
    vm = vmIn;
    metered = meteredIn;
    m = vm.module;
    funcIndex = vm.numImportedFuncs + codeIndex;
    type = vm.funcTypes[funcIndex];
    body = m.codes[codeIndex].body;
    nLocals = type.params.length + m.codes[codeIndex].numLocals;
    costs = schedule.static;
    out.reset();
    steps = 0;
    kinds = scratch.kinds; vals = scratch.vals; his = scratch.his;
    kinds.fill(0, 0, scratch.dirty);
    vals.fill(0, 0, scratch.dirty);
    his.fill(0, 0, scratch.dirty);
    scratch.dirty = 0;
    h = 0;
    maxH = 0;
    if (scratch.refCount.length < nLocals) {
      scratch.refCount = new Int32Array(nLocals);
      scratch.written = new Uint8Array(nLocals);
    } else {
      scratch.refCount.fill(0, 0, nLocals);
      scratch.written.fill(0, 0, nLocals);
    }
    refCount = scratch.refCount;
    straight = true;
    written = scratch.written;
    nParams = type.params.length;
    ctrls = [];
    needGas = true;
    folds = [];
    gasPos = -1;
    lastDst = -1; lastStart = -1; lastOp = -1;
    recStart = -1; prevRecStart = -1; labelPos = 0;
    copyStart = -1;
    pendingFrom = 0;
    skip = 0;

    ctrls.push({ kind: K_FUNC, height: 0, nParams: 0, nResults: type.results.length, loopPc: -1, fixups: [], elseFixup: -1, unreachable: false });

    const len = body.length;
    for (let pc = 0; pc < len; pc += instrLength(body, pc)) {
      steps++;
      const op = body[pc];
      const top = ctrls[ctrls.length - 1];
      if (top.unreachable) {
        // Unreachable code is validated but never runs: emit nothing for it.
        if (op === 0x02 || op === 0x03 || op === 0x04) { skip++; continue; }
        if (op === 0x0b && skip > 0) { skip--; continue; }
        if (op === 0x05 && skip > 0) continue;
        if (op !== 0x0b && op !== 0x05) continue;
      }
      const prevDst = lastDst, prevStart = lastStart, prevOp = lastOp;
      lastDst = -1;

      switch (op) {
        case 0x00: // unreachable
          charge(op);
          emit1(Ops.UNREACHABLE);
          split();
          setUnreachable();
          break;
        case 0x01: // nop
          charge(op);
          break;
        case 0x02: // block
        case 0x03: // loop
        case 0x04: { // if
          const np = blockParams(body[pc + 2]), nr = blockResults(body[pc + 2]);
          if (op === 0x04) {
            charge(op);
            // SPEED: `cmp; if` -> one fused compare-and-branch-when-false.
            let elsePos = tryFuseCondition(prevDst, prevStart, prevOp);
            const fused = elsePos >= 0;
            if (!fused) {
              const c = operand(h - 1);
              pop();
              materializeAll();
              elsePos = emitBranchOp(Ops.BR_IFZ, 1, c, 0);
            } else {
              pop();
            }
            const ctl: Ctrl = { kind: K_IF, height: h - np, nParams: np, nResults: nr, loopPc: -1, fixups: [], elseFixup: elsePos, unreachable: false };
            ctrls.push(ctl);
            split();
          } else {
            charge(op);
            materializeAll();
            const ctl: Ctrl = { kind: op === 0x03 ? K_LOOP : K_BLOCK, height: h - np, nParams: np, nResults: nr, loopPc: -1, fixups: [], elseFixup: -1, unreachable: false };
            if (op === 0x03) { split(); straight = false; ctl.loopPc = out.len; }
            ctrls.push(ctl);
          }
          break;
        }
        case 0x05: { // else
          const c = top;
          if (!c.unreachable) {
            charge(op);
            for (let i = c.height; i < h; i++) materialize(i);
            c.fixups.push(emitBranchOp(Ops.BR, 0, 0, 0));
          }
          placeLabel([c.elseFixup]);
          c.elseFixup = -1;
          c.unreachable = false;
          skip = 0;
          while (h > c.height) pop();
          for (let i = 0; i < c.nParams; i++) pushCanon();
          break;
        }
        case 0x0b: { // end
          const c = top;
          const fallsThrough = !c.unreachable;
          if (fallsThrough) {
            charge(op);
            if (c.kind === K_FUNC) { emitReturn(prevDst); break; }
            for (let i = c.height; i < h; i++) materialize(i);
          } else if (c.kind === K_FUNC) {
            break;
          }
          skip = 0;
          ctrls.pop();
          const fixups = c.fixups;
          if (c.elseFixup >= 0) fixups.push(c.elseFixup);
          const reachable = fallsThrough || fixups.length > 0;
          placeLabel(fixups);
          while (h > c.height) pop();
          for (let i = 0; i < c.nResults; i++) pushCanon();
          if (!reachable) setUnreachable();
          break;
        }
        case 0x0c: { // br
          charge(op);
          emitBr(body[pc + 2]);
          split();
          setUnreachable();
          break;
        }
        case 0x0d: { // br_if
          charge(op);
          const d = body[pc + 2];
          const c = ctrls[ctrls.length - 1 - d];
          if (c.kind !== K_FUNC && tryFuseBrIf(prevDst, prevStart, prevOp, c)) {
            pop();
          } else {
            const cond = operand(h - 1);
            pop();
            // materialize unconditionally: state changes must hold on both paths
            const arity = labelArity(c);
            for (let i = h - arity; i < h; i++) materialize(i);
            if (c.kind !== K_FUNC && noMoves(c)) {
              target(c, emitBranchOp(Ops.BR_IF, 1, cond, 0));
            } else {
              const skipPos = emitBranchOp(Ops.BR_IFZ, 1, cond, 0);
              emitBr(d);
              out.buf[skipPos] = out.len;
            }
          }
          split();
          break;
        }
        case 0x0e: { // br_table
          charge(op);
          const n = body[pc + 2];
          const c0 = ctrls[ctrls.length - 1 - body[pc + 3 + n]];
          const arity = labelArity(c0);
          // SPEED: an i32.load right before a br_table without values (a `switch` on a
          // loaded byte code): [BR_TABLE_LOAD, addr, offset, imm, k, n, (target, k) x (n + 1)]
          const ld = arity === 0 ? takeProducer(h - 1, Ops.I32_LOAD, 6) : -1;
          if (ld >= 0) {
            const b = out.buf;
            const addr = b[ld + 2], offset = b[ld + 3], imm = b[ld + 4], k = b[ld + 5];
            pop();
            emit4(Ops.BR_TABLE_LOAD, addr, offset, imm);
            emit2(k, n);
          } else {
            const idx = operand(h - 1);
            pop();
            for (let i = h - arity; i < h; i++) materialize(i);
            // [BR_TABLE, idx, n, (target, k) x (n + 1)]
            emit3(Ops.BR_TABLE, idx, n);
          }
          const tpos = out.len;
          for (let i = 0; i <= n; i++) {
            folds.push(out.len, out.len + 1);
            emit2(0, 0);
          }
          // Targets needing moves (or returns) get a stub after the table, one per distinct label.
          const stubs = new Map<number, number>();
          for (let i = 0; i <= n; i++) {
            const d = body[pc + 3 + i];
            const c = ctrls[ctrls.length - 1 - d];
            if (c.kind !== K_FUNC && noMoves(c)) { target(c, tpos + 2 * i); continue; }
            let s = stubs.get(d);
            if (s === undefined) {
              s = out.len;
              stubs.set(d, s);
              emitBr(d);
            }
            out.buf[tpos + 2 * i] = s;
          }
          split();
          setUnreachable();
          break;
        }
        case 0x0f: // return
          charge(op);
          emitReturn(prevDst);
          split();
          setUnreachable();
          break;
        case 0x10: { // call
          charge(op);
          const f = body[pc + 2];
          const ft = vm.funcTypes[f];
          const np = ft.params.length;
          for (let i = h - np; i < h; i++) materialize(i);
          // [CALL, f, argOff, retPc, kRet]: retPc/kRet fold the gas of the block after the call
          emit3(Ops.CALL, f, canon(h - np));
          emitReturnSite();
          for (let i = 0; i < np; i++) pop();
          ensure(h + Math.max(np, ft.results.length));
          for (let i = 0; i < ft.results.length; i++) pushCanon();
          split();
          break;
        }
        case 0x11: { // call_indirect
          charge(op);
          const ti = body[pc + 2], table = body[pc + 3];
          const ft = m.types[ti];
          const np = ft.params.length;
          const idx = operand(h - 1);
          pop();
          for (let i = h - np; i < h; i++) materialize(i);
          emit4(Ops.CALL_INDIRECT, ti, table, idx);
          emit1(canon(h - np));
          emitReturnSite();
          for (let i = 0; i < np; i++) pop();
          ensure(h + Math.max(np, ft.results.length));
          for (let i = 0; i < ft.results.length; i++) pushCanon();
          split();
          break;
        }
        case 0x1a: // drop
          charge(op);
          pop();
          break;
        case 0x1b: // select
        case 0x1c: { // select t*
          charge(op);
          const c = operand(h - 1);
          const b = operand(h - 2);
          const a = operand(h - 3);
          pop(); pop(); pop();
          emit4(Ops.SELECT, canon(h), a, b);
          emit1(c);
          pushCanon();
          produced(out.len - 4, out.len - 5, Ops.SELECT);
          break;
        }
        case 0x20: // local.get
          charge(op);
          // SPEED: no instruction; consumers read the local's slot.
          pushLocal(2 * body[pc + 2]);
          break;
        case 0x21: // local.set
        case 0x22: { // local.tee
          charge(op);
          const x = body[pc + 2];
          const i = h - 1;
          if (kinds[i] === LOCAL && vals[i] === 2 * x) {
            // local.set x of local.get x: nothing to do
            if (op === 0x21) pop();
            break;
          }
          if (straight && x >= nParams && !written[x] && ((kinds[i] === C32 && vals[i] === 0) || (kinds[i] === C64 && vals[i] === 0 && his[i] === 0))) {
            pop();
            if (op === 0x22) pushLocal(2 * x);
            break;
          }
          written[x] = 1;
          const before = out.len;
          protectLocal(x);
          if (kinds[i] === CANON && prevDst >= 0 && out.len === before) {
            // SPEED: retarget the producing instruction's destination to the local.
            out.buf[prevDst] = 2 * x;
          } else {
            moveTo(i, 2 * x);
          }
          pop();
          if (op === 0x22) pushLocal(2 * x);
          break;
        }
        case 0x23: { // global.get
          charge(op);
          const g = body[pc + 2];
          const isRef = isRefType(vm.globalTypes[g].valtype);
          emit3(isRef ? Ops.GLOBAL_GET_REF : Ops.GLOBAL_GET, canon(h), g);
          pushCanon();
          produced(out.len - 2, out.len - 3, -1);
          break;
        }
        case 0x24: { // global.set
          charge(op);
          const g = body[pc + 2];
          const isRef = isRefType(vm.globalTypes[g].valtype);
          const src = operand(h - 1);
          pop();
          emit3(isRef ? Ops.GLOBAL_SET_REF : Ops.GLOBAL_SET, g, src);
          break;
        }
        case 0x25: { // table.get
          charge(op);
          const i = operand(h - 1);
          pop();
          emit4(Ops.TABLE_GET, canon(h), i, body[pc + 2]);
          pushCanon();
          produced(out.len - 3, out.len - 4, -1);
          break;
        }
        case 0x26: { // table.set
          charge(op);
          const v = operand(h - 1);
          const i = operand(h - 2);
          pop(); pop();
          emit4(Ops.TABLE_SET, body[pc + 2], i, v);
          break;
        }
        case 0x3f: // memory.size
          charge(op);
          emit2(Ops.MEMORY_SIZE, canon(h));
          pushCanon();
          produced(out.len - 1, out.len - 2, -1);
          break;
        case 0x40: { // memory.grow
          charge(op);
          const n = operand(h - 1);
          pop();
          emit3(Ops.MEMORY_GROW, canon(h), n);
          pushCanon();
          produced(out.len - 2, out.len - 3, -1);
          break;
        }
        case 0x41: // i32.const
          charge(op);
          pushC32(body[pc + 2]);
          break;
        case 0x42: // i64.const
          charge(op);
          pushC64(body[pc + 2], body[pc + 3]);
          break;
        case 0xd0: // ref.null
          charge(op);
          pushC32(0);
          break;
        case 0xa7: // i32.wrap_i64
          charge(op);
          // SPEED: an i32 is the low slot of the i64 it wraps: nothing to emit.
          if (kinds[h - 1] === C64) kinds[h - 1] = C32;
          break;
        case 0xd2: // ref.func
          charge(op);
          emit3(Ops.REF_FUNC, canon(h), body[pc + 2]);
          pushCanon();
          produced(out.len - 2, out.len - 3, -1);
          break;
        case 0x108: { // memory.init
          charge(op);
          const n = operand(h - 1), s = operand(h - 2), d = operand(h - 3);
          pop(); pop(); pop();
          emit4(Ops.MEMORY_INIT, body[pc + 2], d, s);
          emit1(n);
          break;
        }
        case 0x109: // data.drop
          charge(op);
          emit2(Ops.DATA_DROP, body[pc + 2]);
          break;
        case 0x10a: { // memory.copy
          charge(op);
          const n = operand(h - 1), s = operand(h - 2), d = operand(h - 3);
          pop(); pop(); pop();
          emit4(Ops.MEMORY_COPY, d, s, n);
          break;
        }
        case 0x10b: { // memory.fill
          charge(op);
          const n = operand(h - 1), v = operand(h - 2), d = operand(h - 3);
          pop(); pop(); pop();
          emit4(Ops.MEMORY_FILL, d, v, n);
          break;
        }
        case 0x10c: { // table.init
          charge(op);
          const n = operand(h - 1), s = operand(h - 2), d = operand(h - 3);
          pop(); pop(); pop();
          emit4(Ops.TABLE_INIT, body[pc + 3], body[pc + 2], d);
          emit2(s, n);
          break;
        }
        case 0x10d: // elem.drop
          charge(op);
          emit2(Ops.ELEM_DROP, body[pc + 2]);
          break;
        case 0x10e: { // table.copy
          charge(op);
          const n = operand(h - 1), s = operand(h - 2), d = operand(h - 3);
          pop(); pop(); pop();
          emit4(Ops.TABLE_COPY, body[pc + 2], body[pc + 3], d);
          emit2(s, n);
          break;
        }
        case 0x10f: { // table.grow
          charge(op);
          const n = operand(h - 1), init = operand(h - 2);
          pop(); pop();
          emit4(Ops.TABLE_GROW, canon(h), init, n);
          emit1(body[pc + 2]);
          pushCanon();
          break;
        }
        case 0x110: // table.size
          charge(op);
          emit3(Ops.TABLE_SIZE, canon(h), body[pc + 2]);
          pushCanon();
          produced(out.len - 2, out.len - 3, -1);
          break;
        case 0x111: { // table.fill
          charge(op);
          const n = operand(h - 1), v = operand(h - 2), i = operand(h - 3);
          pop(); pop(); pop();
          emit4(Ops.TABLE_FILL, body[pc + 2], i, v);
          emit1(n);
          break;
        }
        default: {
          const small = op < OP_TABLE_SIZE;
          let iop = small ? LOAD_OP[op] : -1;
          if (iop >= 0) {
            charge(op);
            if (iop === Ops.I32_LOAD) {
              // SPEED: i32.load of x + imm + (i << k): [I32_LOAD_IDX, dst, x, i, offset, imm, k]
              const st = takeProducer(h - 1, Ops.I32_ADD_SHL_IMM, 6);
              if (st >= 0) {
                const x = out.buf[st + 2], i = out.buf[st + 3], k = out.buf[st + 4], imm = out.buf[st + 5];
                pop();
                emit4(Ops.I32_LOAD_IDX, canon(h), x, i);
                emit3(body[pc + 3], imm, k);
                pushCanon();
                produced(out.len - 6, out.len - 7, Ops.I32_LOAD_IDX);
                break;
              }
            }
            // [op, dst, addr, offset, imm, k]: ea = u32((S[addr] << k) + imm) + offset, folding a
            // preceding i32.shl / i32.add by constants (SPEED: array indexing, field offsets)
            let addr = foldAddress(h - 1);
            const imm = foldedImm, k = foldedK;
            if (addr < 0) addr = operand(h - 1);
            pop();
            emit4(iop, canon(h), addr, body[pc + 3]);
            emit2(imm, k);
            pushCanon();
            produced(out.len - 5, out.len - 6, iop);
            break;
          }
          iop = small ? STORE_OP[op] : -1;
          if (iop >= 0) {
            charge(op);
            // Only for a value still in a local: the folded record's index operand may be the
            // slot of height h-1, where a constant value would be materialized first.
            if (iop === Ops.I32_STORE && kinds[h - 1] === LOCAL) {
              // SPEED: i32.store to x + imm + (i << k): [I32_STORE_IDX, x, i, val, offset, imm, k]
              const st = takeProducer(h - 2, Ops.I32_ADD_SHL_IMM, 6);
              if (st >= 0) {
                const x = out.buf[st + 2], i = out.buf[st + 3], k = out.buf[st + 4], imm = out.buf[st + 5];
                const v = operand(h - 1);
                pop(); pop();
                emit4(Ops.I32_STORE_IDX, x, i, v);
                emit3(body[pc + 3], imm, k);
                break;
              }
            }
            // [op, addr, val, offset, imm, k] as for loads
            let addr = foldAddress(h - 2);
            const imm = foldedImm, k = foldedK;
            const v = operand(h - 1);
            if (addr < 0) addr = operand(h - 2);
            pop(); pop();
            emit4(iop, addr, v, body[pc + 3]);
            emit2(imm, k);
            break;
          }
          iop = small ? UNARY_OP[op] : -1;
          if (iop >= 0) {
            charge(op);
            const a = operand(h - 1);
            pop();
            emit3(iop, canon(h), a);
            pushCanon();
            produced(out.len - 2, out.len - 3, iop);
            break;
          }
          iop = small ? BINARY_OP[op] : -1;
          if (iop >= 0) {
            charge(op);
            if (iop < Ops.I64_EQ && kinds[h - 1] === C32) {
              // SPEED: constant right operand becomes an immediate.
              const imm = vals[h - 1];
              pop();
              const sh = iop === Ops.I32_ADD ? takeProducer(h - 1, Ops.I32_SHL_IMM, 4) : -1;
              if (sh >= 0) {
                // SPEED: (x << k) + imm (static array indexing) as one [dst, x, k, imm]
                const x = out.buf[sh + 2], k = out.buf[sh + 3] & 31;
                pop();
                emit4(Ops.I32_SHL_ADD_IMM, canon(h), x, k);
                emit1(imm);
                pushCanon();
                produced(out.len - 4, out.len - 5, Ops.I32_SHL_ADD_IMM);
                break;
              }
              const a = operand(h - 1);
              pop();
              emit4(iop + IMM_DELTA, canon(h), a, imm);
            } else if (iop >= Ops.I64_EQ && kinds[h - 1] === C64 && (iop < Ops.I64_DIV_S || iop > Ops.I64_REM_U)) {
              // SPEED: constant right operand of an i64 op becomes an immediate pair.
              const lo = vals[h - 1], hi = his[h - 1];
              pop();
              const a = operand(h - 1);
              pop();
              const [sop, x, y] = i64ImmRecord(iop, lo, hi);
              emit4(sop, canon(h), a, x);
              emit1(y);
              pushCanon();
              produced(out.len - 4, out.len - 5, sop);
              break;
            } else if (iop === Ops.I32_ADD && (takeProducer(h - 1, Ops.I32_SHL_IMM, 4) >= 0 || takeProducer(h - 2, Ops.I32_SHL_IMM, 4) >= 0)) {
              // SPEED: x + (i << k) (array indexing) as one instruction [dst, x, i, k]
              const st = out.len;
              const shiftedTop = kinds[h - 1] === CANON && out.buf[st + 1] === canon(h - 1);
              const i = out.buf[st + 2], k = out.buf[st + 3];
              // SPEED: (x + imm) + (i << k): the i32.add of a constant that produced x
              // right before is folded too [dst, x, i, k, imm]
              let x = -1, imm = 0;
              if (shiftedTop) {
                const xs = takeProducer(h - 2, Ops.I32_ADD_IMM, 4);
                if (xs >= 0) { x = out.buf[xs + 2]; imm = out.buf[xs + 3]; }
              }
              if (x < 0) x = operand(shiftedTop ? h - 2 : h - 1);
              pop(); pop();
              emit4(Ops.I32_ADD_SHL_IMM, canon(h), x, i);
              emit2(k, imm);
              pushCanon();
              produced(out.len - 5, out.len - 6, Ops.I32_ADD_SHL_IMM);
              break;
            } else {
              const b = operand(h - 1);
              const a = operand(h - 2);
              pop(); pop();
              emit4(iop, canon(h), a, b);
            }
            pushCanon();
            produced(out.len - 3, out.len - 4, out.buf[out.len - 4]);
            break;
          }
          throw new Error(`compiler: unsupported instruction 0x${op.toString(16)} in function ${funcIndex}`);
        }
      }
    }

    foldGas();
    if (stats) stats.steps += steps;
    const code = out.buf.slice(0, out.len);
    const entryFolds = code.length > 1 && code[0] === Ops.GAS;
    return new Compiled(
      code,
      2 * type.params.length,
      2 * nLocals,
      2 * (nLocals + maxH) + 2,
      entryFolds ? 2 : 0,
      entryFolds ? code[1] : 0,
    );
  }

  function produced(dstPos: number, start: number, iop: number) {
    prevRecStart = recStart;
    recStart = start;
    lastDst = dstPos;
    lastStart = start;
    lastOp = iop;
  }

  /**
   * SPEED: `i32.<cmp> ; if` / `i32.eqz ; if` (and the i64 ones): rewrites the
   * comparison in place into a branch-when-false to the (still unknown) else
   * position. Only when nothing else needs materializing before the branch.
   */
  /** Returns the else-target operand position, or -1 when not fusable. */
  function tryFuseCondition(pd: number, ps: number, pop_: number): number {
    if (pd < 0 || !isFusable(pop_) || ps + cmpRecordLength(pop_) !== out.len) return -1;
    // the branch must be the last emitted instruction and everything below must be in place
    for (let i = pendingFrom; i < h - 1; i++) if (kinds[i] !== CANON) return -1;
    return rewriteAsBranch(ps, pop_, true);
  }
  function tryFuseBrIf(pd: number, ps: number, pop_: number, c: Ctrl): boolean {
    if (pd < 0 || !isFusable(pop_) || ps + cmpRecordLength(pop_) !== out.len) return false;
    // values the branch carries must already be in place (cond itself is on top)
    const n = labelArity(c);
    for (let j = 0; j < n; j++) {
      const i = h - 1 - n + j;
      if (kinds[i] !== CANON || i !== c.height + j) return false;
    }
    target(c, rewriteAsBranch(ps, pop_, false));
    return true;
  }
  function isFusable(iop: number): boolean {
    return iop === Ops.I32_EQZ || iop === Ops.I64_EQZ ||
      (iop >= Ops.I32_EQ && iop <= Ops.I32_GE_U) || (iop >= Ops.I32_EQ_IMM && iop <= Ops.I32_GE_U_IMM) ||
      (iop >= Ops.I64_EQ && iop <= Ops.I64_GE_U) || (iop >= Ops.I64_EQ_IMM && iop <= Ops.I64_GE_U_IMM);
  }
  /** Record length of a fusable comparison: [op, dst, a] eqz, [op, dst, a, b|imm], [op, dst, a, lo, hi] i64 with a constant. */
  function cmpRecordLength(iop: number): number {
    return iop === Ops.I32_EQZ || iop === Ops.I64_EQZ ? 3 : iop >= Ops.I64_EQ_IMM ? 5 : 4;
  }
  /**
   * Replaces the comparison record at `start` (the last emitted) by a branch;
   * returns the position of its target operand.
   */
  function rewriteAsBranch(start: number, iop: number, whenFalse: boolean): number {
    const b = out.buf;
    const a = b[start + 2], x = b[start + 3], y = b[start + 4];
    out.len = start;
    lastDst = -1;
    if (iop === Ops.I32_EQZ) {
      // eqz a; br_if -> BR_IFZ a (for `if`, branch when false: BR_IF a)
      return emitBranchOp(whenFalse ? Ops.BR_IF : Ops.BR_IFZ, 1, a, 0);
    }
    if (iop === Ops.I64_EQZ) return emitBranchOp(whenFalse ? Ops.BR_IF_I64_NEZ : Ops.BR_IF_I64_EQZ, 1, a, 0);
    // comparison number i (see negateCmp) and the first fused op of the form
    let i: number, base: number, n = 2;
    if (iop >= Ops.I64_EQ_IMM) { i = iop - Ops.I64_EQ_IMM; base = Ops.BR_IF_I64_EQ_IMM; n = 3; }
    else if (iop >= Ops.I64_EQ) { i = iop - Ops.I64_EQ; base = Ops.BR_IF_I64_EQ; }
    else if (iop >= Ops.I32_EQ_IMM) { i = iop - Ops.I32_EQ_IMM; base = Ops.BR_IF_EQ_IMM; }
    else { i = iop - Ops.I32_EQ; base = Ops.BR_IF_EQ; }
    if (whenFalse) i = negateCmp(i);
    return emitBranchOp(base + i, n, a, x, y);
  }

  /** SPEED: see emitBranchOp. Runs when every label and GAS amount is final. */
  function foldGas() {
    const b = out.buf;
    for (let i = 0; i < folds.length; i += 2) {
      const tp = folds[i];
      const t = b[tp];
      if (t < out.len && b[t] === Ops.GAS) {
        b[folds[i + 1]] = b[t + 1];
        b[tp] = t + 2;
      }
    }
  }

  return compile;
}

function isRefType(t: number): boolean {
  return t === 0x70 || t === 0x6f;
}

/**
 * The `[op, lo, hi]` tail of an i64 op with a constant right operand.
 * SPEED: shifts and rotates by a constant count (taken mod 64, spec 4.3.2
 * ishl/ishr/irotl) are specialised here so exec does not branch on the count:
 * 1..31 -> the *_LO op with (k, 32 - k); 32..63 -> the *_HI op with k - 32
 * (rotl: 33..63 -> ROTL_HI with (k - 32, 64 - k)). Count 0 and rotate by 32
 * keep the generic op.
 */
function i64ImmRecord(iop: number, lo: number, hi: number): [number, number, number] {
  let k = lo & 63;
  switch (iop) {
    case Ops.I64_SHL: case Ops.I64_SHR_S: case Ops.I64_SHR_U: {
      if (k === 0) break;
      const base = iop === Ops.I64_SHL ? Ops.I64_SHL_IMM_LO : iop === Ops.I64_SHR_S ? Ops.I64_SHR_S_IMM_LO : Ops.I64_SHR_U_IMM_LO;
      return k < 32 ? [base, k, 32 - k] : [base + 1, k - 32, 0];
    }
    case Ops.I64_MUL:
      // SPEED: 0 <= b < 2^21: (a_lo as u32) * b < 2^53 is exact in a double
      if (hi === 0 && lo >= 0 && lo < 0x200000) return [Ops.I64_MUL_IMM_SMALL, lo, 0];
      break;
    case Ops.I64_ROTL: case Ops.I64_ROTR: {
      if (iop === Ops.I64_ROTR) k = (64 - k) & 63; // rotr k == rotl (64 - k)
      if (k === 0 || k === 32) break;
      return k < 32 ? [Ops.I64_ROTL_IMM_LO, k, 32 - k] : [Ops.I64_ROTL_IMM_HI, k - 32, 64 - k];
    }
  }
  return [iop + IMM64_DELTA, lo, hi];
}
