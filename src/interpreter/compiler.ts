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
import { Out } from './encoder.js';
import {
  Op, F, DST_AT, OP_LENGTH, TARGET_AT, FALL_AT, WASM_LOAD, WASM_STORE, WASM_UNARY, WASM_BINARY, IMM_FORM, IMM_PAIR,
  BR_IF_TRUE, BR_IF_FALSE,
  rec_none, rec_k, rec_idx_n, rec_func_args_ret_retGas, rec_type_table_idx_args_ret_retGas, rec_dst_src, rec_dst_v,
  rec_dst_lo_hi, rec_dst_a_b_c, rec_dst_g, rec_g_src, rec_dst_addr_offset_imm_k, rec_addr_val_offset_imm_k,
  rec_dst_x_i_offset_imm_k, rec_x_i_val_offset_imm_k, rec_addr_offset_imm_k_n, rec_dst, rec_dst_n, rec_dst_a, rec_dst_a_b,
  rec_dst_x_i_k_imm, rec_dst_x_k_imm, rec_dst_a_lo_hi, rec_dst_func, rec_dst_idx_t, rec_t_idx_val, rec_dst_t,
  rec_dst_init_n_t, rec_t_i_val_n, rec_dt_st_d_s_n, rec_t_e_d_s_n, rec_e, rec_seg_d_s_n, rec_d_s_n, rec_d_val_n, rec_seg,
} from './ops.js';

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
    else if (k === C32) rec_dst_v(out, Op.CONST32, dst, vals[i]);
    else rec_dst_lo_hi(out, Op.CONST64, dst, vals[i], his[i]);
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
    if (k === C32) rec_dst_v(out, Op.CONST32, dst, vals[i]);
    else if (k === C64) rec_dst_lo_hi(out, Op.CONST64, dst, vals[i], his[i]);
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
      gasPos = rec_k(out, Op.GAS, 0) + F.GAS.k;
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
  function takeProducer(i: number, op: number): number {
    const st = recStart;
    if (st < labelPos || st + OP_LENGTH[op] !== out.len || out.buf[st] !== op || kinds[i] !== CANON || out.buf[st + 1] !== canon(i)) return -1;
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
    let st = takeProducer(i, Op.I32_SHL_ADD_SII);
    if (st >= 0) {
      foldedImm = out.buf[st + F.I32_SHL_ADD_SII.imm];
      foldedK = out.buf[st + F.I32_SHL_ADD_SII.k];
      return out.buf[st + F.I32_SHL_ADD_SII.x];
    }
    let addr = -1;
    st = takeProducer(i, Op.I32_ADD_SI);
    if (st >= 0) {
      addr = out.buf[st + F.I32_ADD_SI.a];
      foldedImm = out.buf[st + F.I32_ADD_SI.b];
      if (addr !== canon(i)) return addr;
    }
    st = takeProducer(i, Op.I32_SHL_SI);
    if (st >= 0) {
      addr = out.buf[st + F.I32_SHL_SI.a];
      foldedK = out.buf[st + F.I32_SHL_SI.b] & 31;
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
      rec_none(out, Op.RETURN);
      return;
    }
    // Results go to the parameter slots; a result still reading a local < n
    // could be overwritten by an earlier move, so such entries are copied out first.
    for (let i = h - n; i < h; i++) if (kinds[i] === LOCAL && vals[i] < 2 * n) materialize(i);
    for (let j = 0; j < n; j++) moveTo(h - n + j, 2 * j);
    rec_none(out, Op.RETURN);
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
    target(c, emitBranchOp(Op.BR, 0, 0, 0));
  }
  /**
   * Emits a branch and returns the position of its target operand.
   * Unconditional: [BR, target, k]; conditional on one slot: [op, c, target,
   * k, fallPc, kFall]; fused compare: [op, a, b, target, k, fallPc, kFall].
   * SPEED: the k operands are filled by `foldGas` at the end: when the
   * target (or the fall-through) starts with `GAS k'`, the branch charges k'
   * itself and jumps past it, saving one dispatch per taken branch.
   */
  /** A call's return site (`ret`: the pc after the call and its block's gas), folded like a branch's fall-through. */
  function returnSite(p: number, op: number) {
    const r = p + TARGET_AT[op];
    out.buf[r] = p + OP_LENGTH[op];
    folds.push(r, r + 1);
  }
  function emitCopy(dst: number, src: number) {
    if (copyStart >= labelPos && copyStart + OP_LENGTH[Op.COPY] === out.len && out.buf[copyStart] === Op.COPY) {
      // SPEED: two copies in a row (local.get/local.set chains, branch moves):
      // one copy2, done in that order (the copy's fields are copy2's first two)
      out.buf[copyStart] = Op.COPY2;
      const p = out.len, b = out.room(2);
      b[copyStart + F.COPY2.dst2] = dst;
      b[copyStart + F.COPY2.src2] = src;
      out.len = p + 2;
      copyStart = -1;
      return;
    }
    copyStart = rec_dst_src(out, Op.COPY, dst, src);
  }
  function emitBranchOp(op: number, nOperands: number, a: number, b: number, c = 0): number {
    if (op === Op.BR && copyStart >= labelPos && copyStart + OP_LENGTH[Op.COPY] === out.len && out.buf[copyStart] === Op.COPY) {
      // SPEED: a copy right before an unconditional branch: one copy_br (the copy's fields are its first two)
      const st = copyStart;
      copyStart = -1;
      const buf = out.room(OP_LENGTH[Op.COPY_BR] - OP_LENGTH[Op.COPY]);
      buf[st] = Op.COPY_BR;
      const tpos = st + F.COPY_BR.target;
      buf[tpos] = 0;
      buf[tpos + 1] = 0;
      out.len = st + OP_LENGTH[Op.COPY_BR];
      folds.push(tpos, tpos + 1);
      return tpos;
    }
    // the operands come first, then `target` (and `fall`), all zero until patched
    const p = out.len, buf = out.room(OP_LENGTH[op]);
    buf[p] = op;
    if (nOperands > 0) buf[p + 1] = a;
    if (nOperands > 1) buf[p + 2] = b;
    if (nOperands > 2) buf[p + 3] = c;
    out.len = p + OP_LENGTH[op];
    const tpos = p + TARGET_AT[op];
    buf[tpos] = 0;
    buf[tpos + 1] = 0;
    folds.push(tpos, tpos + 1);
    const fa = FALL_AT[op];
    if (fa !== 0) {
      buf[p + fa] = out.len;
      buf[p + fa + 1] = 0;
      folds.push(p + fa, p + fa + 1);
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
          rec_none(out, Op.UNREACHABLE);
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
              elsePos = emitBranchOp(Op.BR_IF_EQZ_S, 1, c, 0);
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
            c.fixups.push(emitBranchOp(Op.BR, 0, 0, 0));
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
              target(c, emitBranchOp(Op.BR_IF_S, 1, cond, 0));
            } else {
              const skipPos = emitBranchOp(Op.BR_IF_EQZ_S, 1, cond, 0);
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
          // loaded byte code): one br_table_load
          const ld = arity === 0 ? takeProducer(h - 1, Op.I32_LOAD) : -1;
          if (ld >= 0) {
            const b = out.buf, L = F.I32_LOAD;
            const addr = b[ld + L.addr], offset = b[ld + L.offset], imm = b[ld + L.imm], k = b[ld + L.k];
            pop();
            rec_addr_offset_imm_k_n(out, Op.BR_TABLE_LOAD, addr, offset, imm, k, n);
          } else {
            const idx = operand(h - 1);
            pop();
            for (let i = h - arity; i < h; i++) materialize(i);
            rec_idx_n(out, Op.BR_TABLE_S, idx, n);
          }
          // then n + 1 (target, gas) pairs, the last the default
          const tpos = out.len;
          const tb = out.room(2 * (n + 1));
          for (let i = 0; i <= n; i++) {
            const q = tpos + 2 * i;
            tb[q] = 0;
            tb[q + 1] = 0;
            folds.push(q, q + 1);
          }
          out.len = tpos + 2 * (n + 1);
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
          returnSite(rec_func_args_ret_retGas(out, Op.CALL, f, canon(h - np), 0, 0), Op.CALL);
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
          returnSite(rec_type_table_idx_args_ret_retGas(out, Op.CALL_INDIRECT_S, ti, table, idx, canon(h - np), 0, 0), Op.CALL_INDIRECT_S);
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
          const p = rec_dst_a_b_c(out, Op.SELECT, canon(h), a, b, c);
          pushCanon();
          produced(p, Op.SELECT);
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
          const p = rec_dst_g(out, isRef ? Op.GLOBAL_GET_REF : Op.GLOBAL_GET, canon(h), g);
          pushCanon();
          produced(p, -1);
          break;
        }
        case 0x24: { // global.set
          charge(op);
          const g = body[pc + 2];
          const isRef = isRefType(vm.globalTypes[g].valtype);
          const src = operand(h - 1);
          pop();
          rec_g_src(out, isRef ? Op.GLOBAL_SET_REF : Op.GLOBAL_SET, g, src);
          break;
        }
        case 0x25: { // table.get
          charge(op);
          const i = operand(h - 1);
          pop();
          const p = rec_dst_idx_t(out, Op.TABLE_GET_S, canon(h), i, body[pc + 2]);
          pushCanon();
          produced(p, -1);
          break;
        }
        case 0x26: { // table.set
          charge(op);
          const v = operand(h - 1);
          const i = operand(h - 2);
          pop(); pop();
          rec_t_idx_val(out, Op.TABLE_SET_SS, body[pc + 2], i, v);
          break;
        }
        case 0x3f: { // memory.size
          charge(op);
          const p = rec_dst(out, Op.MEMORY_SIZE, canon(h));
          pushCanon();
          produced(p, -1);
          break;
        }
        case 0x40: { // memory.grow
          charge(op);
          const n = operand(h - 1);
          pop();
          const p = rec_dst_n(out, Op.MEMORY_GROW_S, canon(h), n);
          pushCanon();
          produced(p, -1);
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
        case 0xd2: { // ref.func
          charge(op);
          const p = rec_dst_func(out, Op.REF_FUNC, canon(h), body[pc + 2]);
          pushCanon();
          produced(p, -1);
          break;
        }
        case 0x108: { // memory.init
          charge(op);
          const n = operand(h - 1), s = operand(h - 2), d = operand(h - 3);
          pop(); pop(); pop();
          rec_seg_d_s_n(out, Op.MEMORY_INIT_SSS, body[pc + 2], d, s, n);
          break;
        }
        case 0x109: // data.drop
          charge(op);
          rec_seg(out, Op.DATA_DROP, body[pc + 2]);
          break;
        case 0x10a: { // memory.copy
          charge(op);
          const n = operand(h - 1), s = operand(h - 2), d = operand(h - 3);
          pop(); pop(); pop();
          rec_d_s_n(out, Op.MEMORY_COPY_SSS, d, s, n);
          break;
        }
        case 0x10b: { // memory.fill
          charge(op);
          const n = operand(h - 1), v = operand(h - 2), d = operand(h - 3);
          pop(); pop(); pop();
          rec_d_val_n(out, Op.MEMORY_FILL_SSS, d, v, n);
          break;
        }
        case 0x10c: { // table.init
          charge(op);
          const n = operand(h - 1), s = operand(h - 2), d = operand(h - 3);
          pop(); pop(); pop();
          rec_t_e_d_s_n(out, Op.TABLE_INIT_SSS, body[pc + 3], body[pc + 2], d, s, n);
          break;
        }
        case 0x10d: // elem.drop
          charge(op);
          rec_e(out, Op.ELEM_DROP, body[pc + 2]);
          break;
        case 0x10e: { // table.copy
          charge(op);
          const n = operand(h - 1), s = operand(h - 2), d = operand(h - 3);
          pop(); pop(); pop();
          rec_dt_st_d_s_n(out, Op.TABLE_COPY_SSS, body[pc + 2], body[pc + 3], d, s, n);
          break;
        }
        case 0x10f: { // table.grow
          charge(op);
          const n = operand(h - 1), init = operand(h - 2);
          pop(); pop();
          rec_dst_init_n_t(out, Op.TABLE_GROW_SS, canon(h), init, n, body[pc + 2]);
          pushCanon();
          break;
        }
        case 0x110: { // table.size
          charge(op);
          const p = rec_dst_t(out, Op.TABLE_SIZE, canon(h), body[pc + 2]);
          pushCanon();
          produced(p, -1);
          break;
        }
        case 0x111: { // table.fill
          charge(op);
          const n = operand(h - 1), v = operand(h - 2), i = operand(h - 3);
          pop(); pop(); pop();
          rec_t_i_val_n(out, Op.TABLE_FILL_SSS, body[pc + 2], i, v, n);
          break;
        }
        default: {
          const small = op < WASM_LOAD.length;
          let iop = small ? WASM_LOAD[op] : -1;
          if (iop >= 0) {
            charge(op);
            if (iop === Op.I32_LOAD) {
              // SPEED: i32.load of x + imm + (i << k): one i32.load_idx
              const st = takeProducer(h - 1, Op.I32_ADD_SHL_SSII);
              if (st >= 0) {
                const b = out.buf, L = F.I32_ADD_SHL_SSII;
                const x = b[st + L.x], i = b[st + L.i], k = b[st + L.k], imm = b[st + L.imm];
                pop();
                const p = rec_dst_x_i_offset_imm_k(out, Op.I32_LOAD_IDX, canon(h), x, i, body[pc + 3], imm, k);
                pushCanon();
                produced(p, Op.I32_LOAD_IDX);
                break;
              }
            }
            // ea = u32((S[addr] << k) + imm) + offset, folding a preceding i32.shl /
            // i32.add by constants (SPEED: array indexing, field offsets)
            let addr = foldAddress(h - 1);
            const imm = foldedImm, k = foldedK;
            if (addr < 0) addr = operand(h - 1);
            pop();
            const p = rec_dst_addr_offset_imm_k(out, iop, canon(h), addr, body[pc + 3], imm, k);
            pushCanon();
            produced(p, iop);
            break;
          }
          iop = small ? WASM_STORE[op] : -1;
          if (iop >= 0) {
            charge(op);
            // Only for a value still in a local: the folded record's index operand may be the
            // slot of height h-1, where a constant value would be materialized first.
            if (iop === Op.I32_STORE && kinds[h - 1] === LOCAL) {
              // SPEED: i32.store to x + imm + (i << k): one i32.store_idx
              const st = takeProducer(h - 2, Op.I32_ADD_SHL_SSII);
              if (st >= 0) {
                const b = out.buf, L = F.I32_ADD_SHL_SSII;
                const x = b[st + L.x], i = b[st + L.i], k = b[st + L.k], imm = b[st + L.imm];
                const v = operand(h - 1);
                pop(); pop();
                rec_x_i_val_offset_imm_k(out, Op.I32_STORE_IDX, x, i, v, body[pc + 3], imm, k);
                break;
              }
            }
            // address as for loads
            let addr = foldAddress(h - 2);
            const imm = foldedImm, k = foldedK;
            const v = operand(h - 1);
            if (addr < 0) addr = operand(h - 2);
            pop(); pop();
            rec_addr_val_offset_imm_k(out, iop, addr, v, body[pc + 3], imm, k);
            break;
          }
          iop = small ? WASM_UNARY[op] : -1;
          if (iop >= 0) {
            charge(op);
            const a = operand(h - 1);
            pop();
            const p = rec_dst_a(out, iop, canon(h), a);
            pushCanon();
            produced(p, iop);
            break;
          }
          iop = small ? WASM_BINARY[op] : -1;
          if (iop >= 0) {
            charge(op);
            const immOp = IMM_FORM[iop];
            if (immOp >= 0 && IMM_PAIR[iop] === 0 && kinds[h - 1] === C32) {
              // SPEED: constant right operand becomes an immediate.
              const imm = vals[h - 1];
              pop();
              const sh = iop === Op.I32_ADD_SS ? takeProducer(h - 1, Op.I32_SHL_SI) : -1;
              if (sh >= 0) {
                // SPEED: (x << k) + imm (static array indexing) as one i32.shl_add_sii
                const x = out.buf[sh + F.I32_SHL_SI.a], k = out.buf[sh + F.I32_SHL_SI.b] & 31;
                pop();
                const p = rec_dst_x_k_imm(out, Op.I32_SHL_ADD_SII, canon(h), x, k, imm);
                pushCanon();
                produced(p, Op.I32_SHL_ADD_SII);
                break;
              }
              const a = operand(h - 1);
              pop();
              const p = rec_dst_a_b(out, immOp, canon(h), a, imm);
              pushCanon();
              produced(p, immOp);
              break;
            }
            if (immOp >= 0 && IMM_PAIR[iop] === 1 && kinds[h - 1] === C64) {
              // SPEED: constant right operand of an i64 op becomes an immediate pair.
              const lo = vals[h - 1], hi = his[h - 1];
              pop();
              const a = operand(h - 1);
              pop();
              const sop = i64ImmRecord(iop, lo, hi);
              const p = rec_dst_a_lo_hi(out, sop, canon(h), a, immX, immY);
              pushCanon();
              produced(p, sop);
              break;
            }
            if (iop === Op.I32_ADD_SS && (takeProducer(h - 1, Op.I32_SHL_SI) >= 0 || takeProducer(h - 2, Op.I32_SHL_SI) >= 0)) {
              // SPEED: x + (i << k) (array indexing) as one i32.add_shl_ssii; the taken
              // i32.shl_si record's fields are still readable at out.len
              const st = out.len;
              const shiftedTop = kinds[h - 1] === CANON && out.buf[st + DST_AT] === canon(h - 1);
              const i = out.buf[st + F.I32_SHL_SI.a], k = out.buf[st + F.I32_SHL_SI.b];
              // SPEED: (x + imm) + (i << k): the i32.add of a constant that produced x
              // right before is folded too
              let x = -1, imm = 0;
              if (shiftedTop) {
                const xs = takeProducer(h - 2, Op.I32_ADD_SI);
                if (xs >= 0) { x = out.buf[xs + F.I32_ADD_SI.a]; imm = out.buf[xs + F.I32_ADD_SI.b]; }
              }
              if (x < 0) x = operand(shiftedTop ? h - 2 : h - 1);
              pop(); pop();
              const p = rec_dst_x_i_k_imm(out, Op.I32_ADD_SHL_SSII, canon(h), x, i, k, imm);
              pushCanon();
              produced(p, Op.I32_ADD_SHL_SSII);
              break;
            }
            const b = operand(h - 1);
            const a = operand(h - 2);
            pop(); pop();
            const p = rec_dst_a_b(out, iop, canon(h), a, b);
            pushCanon();
            produced(p, iop);
            break;
          }
          throw new Error(`compiler: unsupported instruction 0x${op.toString(16)} in function ${funcIndex}`);
        }
      }
    }

    foldGas();
    if (stats) stats.steps += steps;
    const code = out.buf.slice(0, out.len);
    const entryFolds = code.length > 1 && code[0] === Op.GAS;
    return new Compiled(
      code,
      2 * type.params.length,
      2 * nLocals,
      2 * (nLocals + maxH) + 2,
      entryFolds ? 2 : 0,
      entryFolds ? code[1] : 0,
    );
  }

  /** Records that the record at `start` (op `iop`, -1 when it may not be fused) produced the top of stack. */
  function produced(start: number, iop: number) {
    prevRecStart = recStart;
    recStart = start;
    lastDst = start + DST_AT;
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
    return iop >= 0 && BR_IF_TRUE[iop] >= 0;
  }
  /** Record length of a fusable comparison. */
  function cmpRecordLength(iop: number): number {
    return OP_LENGTH[iop];
  }
  /**
   * Replaces the comparison record at `start` (the last emitted) by the fused
   * branch, which takes the comparison's operands (all fields but `dst`, in
   * order; gen-isa.js checks this); returns the position of its target operand.
   */
  function rewriteAsBranch(start: number, iop: number, whenFalse: boolean): number {
    const b = out.buf;
    const n = OP_LENGTH[iop] - 2;
    const x = b[start + 2], y = b[start + 3], z = b[start + 4];
    out.len = start;
    lastDst = -1;
    return emitBranchOp(whenFalse ? BR_IF_FALSE[iop] : BR_IF_TRUE[iop], n, x, y, z);
  }

  /** SPEED: see emitBranchOp. Runs when every label and GAS amount is final. */
  function foldGas() {
    const b = out.buf;
    for (let i = 0; i < folds.length; i += 2) {
      const tp = folds[i];
      const t = b[tp];
      if (t < out.len && b[t] === Op.GAS) {
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

/** i64ImmRecord's other two results: the immediate fields of the chosen op. */
var immX = 0, immY = 0;
/**
 * The op for an i64 op with a constant right operand (lo, hi); its two
 * immediate fields are left in immX, immY.
 * SPEED: shifts and rotates by a constant count (taken mod 64, spec 4.3.2
 * ishl/ishr/irotl) are specialised here so exec does not branch on the count:
 * 1..31 -> the *_si_lo op with (k, 32 - k); 32..63 -> the *_si_hi op with k - 32
 * (rotl: 33..63 -> rotl_si_hi with (k - 32, 64 - k)). Count 0 and rotate by 32
 * keep the generic op.
 */
function i64ImmRecord(iop: number, lo: number, hi: number): number {
  let k = lo & 63;
  switch (iop) {
    case Op.I64_SHL_SS: case Op.I64_SHR_S_SS: case Op.I64_SHR_U_SS: {
      if (k === 0) break;
      const small = k < 32;
      immX = small ? k : k - 32;
      immY = small ? 32 - k : 0;
      if (iop === Op.I64_SHL_SS) return small ? Op.I64_SHL_SI_LO : Op.I64_SHL_SI_HI;
      if (iop === Op.I64_SHR_S_SS) return small ? Op.I64_SHR_S_SI_LO : Op.I64_SHR_S_SI_HI;
      return small ? Op.I64_SHR_U_SI_LO : Op.I64_SHR_U_SI_HI;
    }
    case Op.I64_MUL_SS:
      // SPEED: 0 <= b < 2^21: (a_lo as u32) * b < 2^53 is exact in a double
      if (hi === 0 && lo >= 0 && lo < 0x200000) { immX = lo; immY = 0; return Op.I64_MUL_SI_SMALL; }
      break;
    case Op.I64_ROTL_SS: case Op.I64_ROTR_SS: {
      if (iop === Op.I64_ROTR_SS) k = (64 - k) & 63; // rotr k == rotl (64 - k)
      if (k === 0 || k === 32) break;
      if (k < 32) { immX = k; immY = 32 - k; return Op.I64_ROTL_SI_LO; }
      immX = k - 32; immY = 64 - k;
      return Op.I64_ROTL_SI_HI;
    }
  }
  immX = lo;
  immY = hi;
  return IMM_FORM[iop];
}
