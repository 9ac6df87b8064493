/**
 * Compiler: one validated function body -> internal bytecode (isa.ts).
 *
 * Three parts, as in wasmi's translator:
 *  - the operand-stack model (stack.ts): where each value is at compile time
 *    (its slot, a local's slot, or a constant not yet written), so
 *    instructions address their operands directly ("register style");
 *  - the encoder (encoder.ts): writes records, places gas, and keeps the
 *    peephole view of the record just emitted;
 *  - translation (this file): one case per wasm instruction, the control
 *    stack, and the fusion rules, each a small named method.
 *
 * Speed tricks (each comment marked SPEED):
 *  - local.get / const cost no instruction (stack.ts);
 *  - `local.set x` right after an instruction retargets that instruction's
 *    destination to x (no copy);
 *  - a comparison (or eqz) followed by br_if / if becomes one fused
 *    compare-and-branch (fuseCompareBrIf, fuseCompareIf);
 *  - binary ops with a constant right operand take it as an immediate
 *    (i64 shifts/rotates by a constant are specialised, i64ImmOp), a
 *    subtraction from a constant too (subFromConst); an i64 shift by an i32
 *    just extended reads the i32 (shiftByExtended);
 *  - loads and stores fold a preceding `i32.shl`/`i32.add` by constants into
 *    their address (foldAddress), `x + (i << k)` and `(i << k) + imm` are one
 *    instruction, and i32.load/i32.store take an `x + imm + (i << k)`
 *    address in one instruction; a store of a value just loaded moves its
 *    address computation after the load to fold it (sinkAddress);
 *  - two consecutive copies are one copy2, four one copy4 (copy4_32 when
 *    all four move i32/f32 values, the low slots only: the type comes
 *    from the validated types, the local read or written or the function's
 *    result moved; a branch's moves to a label stay wide), a copy before br
 *    one copy_br (encoder.ts); an i32.load feeding a br_table is one
 *    br_table_load, with an i32.add_si_tee before it one br_table_load_step;
 *  - superinstructions over the record just emitted: `x ^ shift(y, k)`
 *    (fuseXorShift, fuseXorShift64), i64 xorshift steps each on the one
 *    before (fuseXorShiftSteps), three shifts of one value xor-ed
 *    (fuseRotXor), an i64 multiply by a constant feeding an add
 *    (fuseMulAdd), `(x >>> k) | c` on i64 (binary), a select on an i64's
 *    sign (select_i64_neg), `(a + b) + c` and `(a * b) * c` (fuseSame3), a load feeding
 *    a binary op (fuseLoadOp) or a branch (takeLoad, fuseLoadCompare), a
 *    counter step feeding a branch (addBranch, addBranch64 for i64 != k);
 *    in encoder.ts an i32.add_si before br is one i32.add_si_br and one
 *    whose result is copied at once one i32.add_si_tee;
 *  - float superinstructions, each step still rounded (fuseF64, fuseF64Store,
 *    fuseF64LoadSub, fuseF32Dot): `(a * b) * c`, `(a + b) + c`, `k / (a * b)`,
 *    an f64 load feeding f64.add / f64.sub, an f64.sub (of a product)
 *    feeding a store, `m += x` and `m -= x` on memory (x maybe `(a * b) * c`),
 *    and the f32 dot-product steps `load * load`, `s + load * load`,
 *    `(s + load * load) + p`; a constant left operand of f64.sub / f64.div
 *    is an immediate;
 *  - two records in one (appendStep, and the address steps fuseF32Dot and
 *    fuseF64Store take): an instruction joins the record right before it
 *    when the pair is a float row's (f64.sub_sl then f64.mul, the dot
 *    product's address add and pointer step, `p->f += ...`'s address), each
 *    step as alone;
 *  - a dot product's loop (its two f32 rows and the counter's branch back)
 *    as one f32.dot2_loop that runs its rounds in one dispatch (fuseDotLoop);
 *  - `i32.wrap_i64` emits nothing; `i32.const 0; local.set x` on a declared
 *    local not yet written in straight-line entry code emits nothing;
 *  - branches carry their value moves, precomputed, and the gas charge of the
 *    block they enter (as do calls for the callee's first block and for the
 *    block after the call), so no separate gas dispatch runs on those edges.
 *
 * Gas (costs: src/gas/schedule.ts; placement: encoder.ts). What counts as
 * executed: every instruction control passes through, in body order:
 *  - `block`, `loop`, `if` when entered (a loop's `loop` once, not per
 *    iteration: branches to a loop go to the instruction after `loop`);
 *  - `else` when the then-arm falls through to it (not when `if` jumps to the
 *    else-arm); `end` when control falls through to it from the previous
 *    instruction (not when reached by a branch, nor by `if` without `else`
 *    jumping over its then-arm); the function's final `end` likewise;
 *  - br/br_if/br_table/return/call/call_indirect/unreachable themselves; an
 *    untaken br_if counts once.
 * Blocks split at every label (after `loop`, `if`, `else`, `end`) and after
 * every br_if, branch, return, call and call_indirect.
 */
import type { ValidatedModule } from '../validator/index.js';
import type { GasSchedule } from '../gas/schedule.js';
import { BLOCKTYPE_EMPTY, MEMARG_EXT, FIXED_LENGTH, instrLength } from '../decoder/opcodes.js';
import { Encoder } from './encoder.js';
import { OperandStack, CANON, LOCAL, C32, C64, isNarrow } from './stack.js';
import {
  Op, F, DST_AT, OP_LENGTH, TARGET_AT, RET_FORM, OP_COUNT_AT, WASM_LOAD, WASM_STORE, WASM_UNARY, WASM_BINARY, IMM_FORM, IMM_PAIR, BR_IF_TRUE, BR_IF_FALSE,
  rec_none, rec_idx_n, rec_func_args_ret_retGas, rec_type_table_idx_args_ret_retGas,
  rec_dst_a_b_c, rec_dst_g, rec_g_src, rec_dst_addr_offset_imm_k, rec_addr_val_offset_imm_k,
  rec_dst_x_i_offset_imm_k, rec_dst_adst_x_offset_imm_k, rec_dst_adst_x_i_offset_imm_k, rec_x_i_val_offset_imm_k, rec_addr_offset_imm_k_n, rec_dst, rec_dst_n, rec_dst_a, rec_dst_a_b,
  rec_dst_x_i_k_imm, rec_dst_x_k_imm, rec_dst_a_lo_hi, rec_dst_func, rec_dst_idx_t, rec_t_idx_val, rec_dst_t,
  rec_func_args, rec_ref_args, rec_dst_a_b_c_d, rec_tag_args, rec_a, OP_NAMES, rec_dst_mem_a64_pg, rec_dst_n_mem_a64_pg, rec_seg_mem_a64_d_s_n,
  rec_dm_sm_da64_sa64_d_s_n, rec_dst_a_addr_offset_imm_k_dst2_b2_c2, rec_addr_a_b_offset_imm_k_c, rec_addr_a_offset_b_c_pd_pa_pi, rec_addr_offset_b_c_pa_a1_a2_a3_i1_i2_i3, rec_dst_a_lo_hi_b, rec_dst_ea, rec_ea_a_src_lo_hi, rec_dst_v,
  rec_dst_c_x_addr1_offset1_imm1_k1_addr2_offset2_imm2_k2_pd_pa_pb_pi, rec_mem_a64_d_val_n, rec_dst_addr_mem_offlo_offhi_a64, rec_addr_val_mem_offlo_offhi_a64,
  rec_type_table_idx_args, rec_ref_args_ret_retGas, rec_dst_a_b_k, rec_dst_a_b_x, rec_dst_a_b_x_y, rec_dst_a_t_x_y_u_v, rec_dst_a_lo_hi_k, rec_dst_a_x_y_lo_hi, rec_dst_a_t_w_x_y_u_v_p_q, rec_dst_addr_b_offset_imm_k, rec_dst_init_n_t, rec_t_i_val_n,
  rec_dt_st_d_s_n, rec_t_e_d_s_n, rec_e, rec_seg_d_s_n, rec_d_s_n, rec_d_val_n, rec_seg, rec_dst_a_b_dst2_addr_offset_imm_k_n, rec_dst_a_k1_k2,
  rec_dst_a_k1_k2_k3, rec_dst_a_t_x_u, rec_dst_a_t_w_x_u_p, rec_dst_a_b_x_k, rec_dst_a_k_c, OP_FIELDS, OP_SLOT_FIELDS,
} from './ops.js';
import { isRefType } from '../decoder/valtype.js';

/** A compiled function: its bytecode and frame size. */
export interface CompiledFunc {
  /** The records (isa.ts). */
  code: Int32Array;
  /** Slots of parameters. */
  paramSlots: number;
  /** Slots of parameters and locals. */
  localSlots: number;
  /** Slots of the whole frame (locals + operand stack). */
  frameSlots: number;
  /**
   * SPEED: where a call enters the function and the gas it charges on entry:
   * when the body starts with `gas k` the call instruction charges k itself
   * and starts after it.
   */
  entryPc: number;
  /** Gas charged by the call on entry (see entryPc). */
  entryGas: number;
  /**
   * The try_table regions (exception handling), innermost first, or null:
   * per region `start, end, n` and n catch clauses `tag, isRef, dst, target`
   * (tag -1: catch_all; isRef: the clause also gives the exnref; dst: the
   * label's first value slot; target: the label's position). A frame whose
   * position p (pc + 1 where an instruction throws, the return position of a
   * call) has start < p <= end (end extended past a `gas` record there, where
   * a call's return site may be folded) is inside the region.
   */
  handlers: Int32Array | null;
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
    public handlers: Int32Array | null,
  ) {}
}

/**
 * Where a module's compiled functions live: each function's code is a view of
 * a chunk shared with the functions compiled before it. SPEED: the encoder
 * writes a function straight into the free tail of the current chunk
 * (`open`), so its code is neither copied nor given an ArrayBuffer of its
 * own. Chunks start at 1 Ki words and double up to 64 Ki, so a small module
 * holds little and a big one leaves at most the tail of each chunk unused; a
 * function that outgrows the tail moves to a new chunk (`grow`), one of its
 * own when bigger than the next chunk (cut to its size when done).
 */
export class CodeArena {
  private buf = new Int32Array(0);
  private used = 0;
  /** Words of the next chunk. */
  private next = 1 << 10;

  /** The free tail of the current chunk, where the next function is written. */
  open(): Int32Array {
    return this.buf.subarray(this.used);
  }

  /**
   * The function being written (`cur[0..len)`, the view `open` or `grow`
   * gave) moved to the start of a new chunk with room for at least `min`
   * words; returns the new chunk.
   */
  grow(cur: Int32Array, len: number, min: number): Int32Array {
    let size = this.next;
    this.next = Math.min(2 * this.next, 1 << 16);
    while (size < min) size *= 2;
    const b = new Int32Array(size);
    b.set(cur.subarray(0, len));
    this.buf = b;
    this.used = 0;
    return b;
  }

  /** Ends the function being written: its first `n` words, as its code. */
  close(n: number): Int32Array {
    if (this.buf.length > 1 << 16) {
      // a chunk of its own: cut to size, and the next function starts a new chunk
      const code = this.buf.slice(0, n);
      this.buf = new Int32Array(0);
      this.used = 0;
      return code;
    }
    const code = this.buf.subarray(this.used, this.used + n);
    this.used += n;
    return code;
  }
}

/** Kinds of control frames. */
var K_BLOCK = 0, K_LOOP = 1, K_IF = 2, K_FUNC = 3;

/**
 * A control frame (block, loop, if, try_table, the function body). SPEED: a
 * class of one shape whose objects are reused from function to function
 * (FuncTranslator.frames), so entering a block allocates nothing.
 */
class Ctrl {
  kind = K_BLOCK;
  /** Operand height at entry, below the block's parameters. */
  height = 0;
  nParams = 0;
  nResults = 0;
  /** Label position for loops (branch target), -1 otherwise. */
  loopPc = -1;
  /** Code positions to patch with the label position at `end`. */
  fixups: number[] = [];
  /** For `if`: position of the false-branch target operand, -1 once patched. */
  elseFixup = -1;
  unreachable = false;
  /** try_table: where its body starts (-1 for other frames), its catch clauses (4 words each, see CompiledFunc.handlers) and the frames they branch to. */
  tryStart = -1;
  clauses: number[] | null = null;
  clauseTargets: Ctrl[] | null = null;
  /** Positions in `handlerWords` to patch with this label's position at `end` (catch clauses branching here). */
  handlerFixups: number[] = [];
}

/** Statistics for linearity tests. */
export interface CompileStats {
  steps: number;
}

/**
 * One function at a time: the translation state and rules. SPEED: one
 * translator serves every compilation (compileFunction never re-enters
 * itself), so its encoder buffer and stack arrays are reused and V8 sees one
 * object shape at every call site.
 */
class FuncTranslator {
  /** Output and gas placement. */
  readonly enc = new Encoder();
  /** The operand-stack model. */
  readonly st = new OperandStack(this.enc);
  private vm!: ValidatedModule;
  private m!: ValidatedModule['module'];
  private funcIndex = 0;
  private type!: ValidatedModule['funcTypes'][number];
  private nParams = 0;
  /** The control stack: frames[0..depth), frames[depth - 1] the innermost (`top`); the frames above are kept for reuse. */
  private frames: Ctrl[] = [];
  private depth = 0;
  private top: Ctrl = new Ctrl();
  /** Nesting depth inside unreachable code. */
  private skip = 0;
  /** Start of the last global.set record (emitReturn: the return may be its `_ret` form), -1 before any. */
  private globalSetStart = -1;
  /**
   * SPEED: while no label has been placed since entry, declared locals never
   * written still hold their zero initial value; `i32.const 0; local.set x`
   * on them emits nothing.
   */
  private straight = true;
  /** Locals written so far (see `straight`). */
  private written = new Uint8Array(64);
  /** foldAddress's other two results (no array allocated per load and store). */
  private foldedImm = 0;
  private foldedK = 0;
  /**
   * The i32.load (f32.load) last emitted right after an i32.add_ss record
   * (its start, loadAfterAdd) and that add's start (addBeforeLoad): fuseF32Dot
   * runs such an add in f32.add_mul_ll. -1: none.
   */
  private loadAfterAdd = -1;
  private addBeforeLoad = -1;
  /** Likewise an f64.mul_mul_sss emitted right after an i32.add_si record, and that add's start (fuseF64Store). */
  private mulAfterAddSi = -1;
  private addSiBeforeMul = -1;
  /** The f64.add_sl (fuseF64) or f64.sub_ls (fuseF64LoadSub) emitted right after the const record of its address (an f64.load_c's), -1: none (opMemConst). */
  private slConst = -1;
  /** The last two f64.step_mul_mul_add_mem emitted (the later in stepAt), -1: none (fuseStep3). */
  private stepAt = -1;
  private stepBefore = -1;
  /** The f64.mul_si last emitted, when an f64.load_c of its operand was the record right before it; -1 otherwise (opMemConst). */
  private mulSiAfterLoadC = -1;
  /** After dropLoad: the start of the last record, if it came after the dropped load (moved up), -1 otherwise. */
  private droppedLast = -1;
  /** The try_table regions of the function so far (CompiledFunc.handlers), and clause targets waiting for a function-level return stub. */
  private handlerWords: number[] = [];
  private returnStubFixups: number[] = [];
  /** Memory 0 is a 64-bit memory (its loads and stores go through memAccess). */
  private mem0is64 = false;
  /** Some table is a 64-bit table (its ops' operands are narrowed first: narrowTable64). */
  private hasTable64 = false;
  /** i64ImmOp's other two results: the immediate fields of the chosen op. */
  /** The load taken for a fused branch (takeLoad, fuseLoadCompare): its start. */
  private ldStart = 0;
  /** Its address slot, offset, folded immediate and shift (isa.ts LOAD_FIELDS). */
  private ldAddr = 0;
  private ldOffset = 0;
  private ldImm = 0;
  private ldK = 0;
  /** The op of the load eqzLoad found. */
  private ldOp = 0;
  /** Where the value of a load taken for a branch tested against 0 goes (takeLoad, eqzLoad): its temporary or a local. */
  private ldDst = 0;
  /** The comparison's other operand (fuseLoadCompare): a slot or a constant. */
  private ldOther = 0;
  private immX = 0;
  private immY = 0;

  compile(vm: ValidatedModule, codeIndex: number, metered: boolean, schedule: GasSchedule, arena: CodeArena, stats?: CompileStats): CompiledFunc {
    const enc = this.enc, st = this.st;
    const m = vm.module;
    this.vm = vm;
    this.m = m;
    this.funcIndex = vm.numImportedFuncs + codeIndex;
    const type = (this.type = vm.funcTypes[this.funcIndex]);
    const body = m.codes[codeIndex].body;
    const nLocals = type.params.length + m.codes[codeIndex].numLocals;
    enc.reset(metered, schedule.static, arena);
    st.reset(nLocals);
    st.localTypes(type.params, m.codes[codeIndex].locals);
    if (this.written.length < nLocals) this.written = new Uint8Array(nLocals);
    else this.written.fill(0, 0, nLocals);
    this.straight = true;
    this.nParams = type.params.length;
    this.mem0is64 = vm.memTypes.length > 0 && vm.memTypes[0].is64;
    if (this.handlerWords.length !== 0) this.handlerWords = [];
    if (this.returnStubFixups.length !== 0) this.returnStubFixups = [];
    this.hasTable64 = false;
    for (let i = 0; i < vm.tableTypes.length; i++) if (vm.tableTypes[i].is64) this.hasTable64 = true;
    this.skip = 0;
    this.globalSetStart = -1;
    this.depth = 0;
    this.pushCtrl(K_FUNC, 0, 0, type.results.length, -1);

    const len = body.length;
    // SPEED: the record length from the table here (instrLength only for the
    // variable-length records), the step count in a local
    let steps = 0;
    const wasmClass = WASM_CLASS, wasmIop = WASM_IOP, nClass = WASM_CLASS.length;
    for (let pc = 0; pc < len;) {
      steps++;
      const op = body[pc];
      const n = FIXED_LENGTH[op];
      if (!(this.top.unreachable && this.skipUnreachable(op))) {
        if (op === 0x20 || op === 0x41) this.leaf(op, body[pc + 2]);
        else if (op < nClass && wasmClass[op] === W_BINARY) {
          // SPEED: binary ops (a third of the rest) skip instr's call and
          // prelude (of which they need only this: they read no previous
          // record's position and have no table operand)
          enc.lastDst = -1;
          enc.charge(op);
          this.binary(wasmIop[op]);
        } else this.instr(op, body, pc);
      }
      pc += n !== 0 ? n : instrLength(body, pc);
    }
    st.steps += steps;
    if (this.returnStubFixups.length > 0) {
      // catch clauses whose label is the function's: their values are the results, then a return
      const stub = enc.len;
      rec_none(enc, Op.RETURN);
      for (const q of this.returnStubFixups) this.handlerWords[q] = stub;
    }
    enc.foldGas();
    this.fusePairs();
    if (stats) stats.steps += st.steps;
    const code = arena.close(enc.len);
    enc.done();
    const entryFolds = code.length > 1 && code[0] === Op.GAS;
    const handlers = this.handlerWords.length > 0 ? Int32Array.from(this.handlerWords) : null;
    // The translator outlives the compilation: holding the module would keep
    // it (its decoded code, types, everything) alive after its last use.
    this.vm = this.m = undefined!;
    this.type = undefined!;
    return new Compiled(code, 2 * type.params.length, 2 * nLocals, 2 * (nLocals + st.maxH) + 2, entryFolds ? 2 : 0, entryFolds ? code[1] : 0, handlers);
  }

  /**
   * SPEED: the last pass: the first record of each dispatch pair (isa.ts
   * `pair`: op a right before op b) becomes a's prefix of b. When a pair's
   * first record is rewritten, the record before it is looked up again
   * with the new op (a chain of three, when a pair's second op is a prefix).
   */
  private fusePairs(): void {
    const b = this.enc.buf, n = this.enc.len;
    // SPEED: the tables in locals (an imported name is a property load per use);
    // the ops of the last two records and whether each may start a pair kept in
    // locals, so a record costs three table loads
    const countAt = OP_COUNT_AT, opLength = OP_LENGTH, fixedLength = FIXED_RECORD_LENGTH, pairFirst = PAIR_FIRST;
    let pps = -1, ps = -1, ppsOp = 0, psOp = 0, ppsFirst = false, psFirst = false;
    for (let pc = 0; pc < n;) {
      const op = b[pc];
      if (psFirst) {
        const p = pairOf(psOp, op);
        if (p >= 0) {
          b[ps] = p;
          psOp = p;
          if (ppsFirst) {
            const q = pairOf(ppsOp, p);
            if (q >= 0) { b[pps] = q; ppsOp = q; }
          }
        }
      }
      pps = ps; ppsOp = psOp; ppsFirst = pairFirst[psOp] >= 0 && ps >= 0;
      ps = pc; psOp = op; psFirst = pairFirst[op] >= 0;
      // (bytecode.ts opLength, inline)
      const fl = fixedLength[op];
      pc += fl !== 0 ? fl : opLength[op] + 2 * (b[pc + countAt[op]] + 1);
    }
  }

  /** Unreachable code is validated but never runs: nothing is emitted for it until its block's else/end. */
  private skipUnreachable(op: number): boolean {
    if (op === 0x02 || op === 0x03 || op === 0x04 || op === 0x1f) { this.skip++; return true; }
    if (op === 0x0b && this.skip > 0) { this.skip--; return true; }
    if (op === 0x05 && this.skip > 0) return true;
    return op !== 0x0b && op !== 0x05;
  }

  /**
   * Translates local.get and i32.const (the commonest instructions; they emit
   * nothing, stack.ts). SPEED: small enough to inline into the loop, so
   * they skip instr's prelude and switch.
   */
  private leaf(op: number, x: number): void {
    const enc = this.enc;
    enc.lastDst = -1;
    enc.charge(op);
    // SPEED: no instruction; consumers read the local's slot or take the constant.
    if (op === 0x20) this.st.pushLocal(2 * x);
    else this.st.pushC32(x);
  }

  /** Translates the instruction at body[pc] (local.get and i32.const: leaf; binary ops: binary, from the compile loop). */
  private instr(op: number, body: Int32Array, pc: number): void {
    const enc = this.enc, st = this.st;
    const prevDst = enc.lastDst, prevStart = enc.lastStart, prevOp = enc.lastOp;
    enc.lastDst = -1;
    // `else` and `end` count only when control falls through to them
    if ((op !== 0x05 && op !== 0x0b) || !this.top.unreachable) enc.charge(op);
    if (this.hasTable64) this.narrowTable64(op, body, pc);
    // SPEED: loads, stores and unary ops by table lookup (ops.ts, from
    // isa.ts's `wasm`/`shape`), before any switch: one load of the op's class
    // decides, so the other instructions pay one test.
    if (op < WASM_CLASS.length) {
      const cls = WASM_CLASS[op];
      if (cls !== W_OTHER) {
        const iop = WASM_IOP[op];
        if (cls === W_UNARY) {
          const a = st.operand(st.h - 1);
          st.pop();
          this.push(rec_dst_a(enc, iop, st.canon(st.h), a), iop);
        } else if (this.mem0is64) this.memAccess(op, 0, body[pc + 3], 0);
        else if (cls === W_LOAD) {
          if (op !== 0x2b || !this.loadF64Const(body[pc + 3])) this.load(iop, body[pc + 3]);
        }
        else this.store(iop, body[pc + 3]);
        return;
      }
    } else if (op >= MEMARG_EXT) {
      // a load or store with memory index and u64 offset (multi-memory, memory64)
      this.memAccess(op - MEMARG_EXT, body[pc + 4], body[pc + 3], body[pc + 5]);
      return;
    }
    // SPEED: V8 turns a switch into a jump table only when its number-literal
    // case labels are dense (spread < 3x the number of cases); otherwise it
    // compares case after case. The ops 0x00..0x44 are dense; the rest go to
    // instrOther's switch.
    switch (op) {
      case 0x00: // unreachable
        rec_none(enc, Op.UNREACHABLE);
        enc.split();
        this.setUnreachable();
        return;
      case 0x01: // nop
        return;
      case 0x02: // block
      case 0x03: // loop
      case 0x04: { // if
        const np = this.blockParams(body[pc + 2]), nr = this.blockResults(body[pc + 2]);
        if (op === 0x04) {
          // SPEED: `cmp; if` -> one fused compare-and-branch-when-false.
          let elsePos = this.fuseCompareIf(prevDst, prevStart, prevOp);
          if (elsePos < 0 && this.pendingCanon()) {
            // SPEED: `if` on a load just emitted: one fused branch-when-zero
            const ld = this.takeLoad();
            if (ld >= 0) elsePos = this.loadBranch(ld === Op.I32_LOAD ? Op.BR_IF_LOAD_Z : Op.BR_IF_LOAD8_U_Z, -1);
          }
          if (elsePos < 0) {
            const c = st.operand(st.h - 1);
            st.pop();
            st.materializeAll();
            elsePos = enc.branch(Op.BR_IF_EQZ_S, 1, c, 0);
          } else {
            st.pop();
          }
          this.pushCtrl(K_IF, st.h - np, np, nr, elsePos);
          enc.split();
        } else {
          st.materializeAll();
          const ctl = this.pushCtrl(op === 0x03 ? K_LOOP : K_BLOCK, st.h - np, np, nr, -1);
          if (op === 0x03) { enc.split(); this.straight = false; ctl.loopPc = enc.len; }
        }
        return;
      }
      case 0x05: { // else
        const c = this.top;
        if (!c.unreachable) {
          st.materializeFrom(c.height);
          c.fixups.push(enc.branch(Op.BR, 0, 0, 0));
        }
        this.placeLabel([c.elseFixup]);
        c.elseFixup = -1;
        c.unreachable = false;
        this.skip = 0;
        st.popTo(c.height);
        for (let i = 0; i < c.nParams; i++) st.pushCanon();
        return;
      }
      case 0x0b: { // end
        const c = this.top;
        const fallsThrough = !c.unreachable;
        if (c.kind === K_FUNC) {
          if (fallsThrough) this.emitReturn(prevDst);
          return;
        }
        if (fallsThrough) st.materializeFrom(c.height);
        this.skip = 0;
        this.popCtrl();
        const fixups = c.fixups;
        if (c.elseFixup >= 0) fixups.push(c.elseFixup);
        const reachable = fallsThrough || fixups.length > 0 || c.handlerFixups.length > 0;
        const labelPos = enc.len;
        if (c.clauses !== null) this.endTry(c, labelPos);
        for (const q of c.handlerFixups) this.handlerWords[q] = labelPos;
        this.placeLabel(fixups);
        st.popTo(c.height);
        for (let i = 0; i < c.nResults; i++) st.pushCanon();
        if (!reachable) this.setUnreachable();
        return;
      }
      case 0x0c: // br
        this.emitBr(body[pc + 2]);
        enc.split();
        this.setUnreachable();
        return;
      case 0x0d: // br_if
        this.brIf(body[pc + 2], prevDst, prevStart, prevOp);
        enc.split();
        return;
      case 0x0e: // br_table
        this.brTable(body, pc);
        enc.split();
        this.setUnreachable();
        return;
      case 0x0f: // return
        this.emitReturn(prevDst);
        enc.split();
        this.setUnreachable();
        return;
      case 0x10: { // call
        const f = body[pc + 2];
        const ft = this.vm.funcTypes[f];
        const np = ft.params.length;
        const iop = f >= this.vm.numImportedFuncs ? Op.CALL_LOCAL : Op.CALL;
        if (iop === Op.CALL_LOCAL && np > 0 && st.kinds[st.h - 1] === C32) {
          // SPEED: a constant last argument is written by the call's prefix (isa.ts const32_call_local)
          st.materializeRange(st.h - np, st.h - 1);
          rec_dst_v(enc, Op.CONST32_CALL_LOCAL, st.canon(st.h - 1), st.vals[st.h - 1]);
          st.kinds[st.h - 1] = CANON;
        } else {
          st.materializeFrom(st.h - np);
          if (iop === Op.CALL_LOCAL) {
            if (!enc.callPrefix(Op.COPY_CALL_LOCAL, Op.COPY2_CALL_LOCAL) && np > 0) this.addCallPrefix(st.h - 1);
          } else enc.callPrefix(Op.COPY_CALL, Op.COPY2_CALL);
        }
        enc.returnSite(rec_func_args_ret_retGas(enc, iop, f, st.canon(st.h - np), 0, 0), iop);
        this.callResults(np, ft.results.length);
        return;
      }
      case 0x11: { // call_indirect
        const ti = body[pc + 2], table = body[pc + 3];
        const ft = this.m.types[ti];
        const np = ft.params.length;
        const idx = st.operand(st.h - 1);
        st.pop();
        st.materializeFrom(st.h - np);
        enc.callPrefix(Op.COPY_CALL, Op.COPY2_CALL);
        enc.returnSite(rec_type_table_idx_args_ret_retGas(enc, Op.CALL_INDIRECT_S, ti, table, idx, st.canon(st.h - np), 0, 0), Op.CALL_INDIRECT_S);
        this.callResults(np, ft.results.length);
        return;
      }
      case 0x12: { // return_call
        const f = body[pc + 2];
        this.tailCall(Op.RETURN_CALL, this.vm.funcTypes[f].params.length, f, 0, -1);
        return;
      }
      case 0x13: { // return_call_indirect
        const ti = body[pc + 2];
        const idx = st.operand(st.h - 1);
        st.pop();
        this.tailCall(Op.RETURN_CALL_INDIRECT_S, this.m.types[ti].params.length, ti, body[pc + 3], idx);
        return;
      }
      case 0x14: { // call_ref
        const ft = this.m.types[body[pc + 2]];
        const np = ft.params.length;
        const ref = st.operand(st.h - 1);
        st.pop();
        st.materializeFrom(st.h - np);
        enc.callPrefix(Op.COPY_CALL, Op.COPY2_CALL);
        enc.returnSite(rec_ref_args_ret_retGas(enc, Op.CALL_REF_S, ref, st.canon(st.h - np), 0, 0), Op.CALL_REF_S);
        this.callResults(np, ft.results.length);
        return;
      }
      case 0x15: { // return_call_ref
        const ref = st.operand(st.h - 1);
        st.pop();
        this.tailCall(Op.RETURN_CALL_REF_S, this.m.types[body[pc + 2]].params.length, ref, 0, -1);
        return;
      }
      case 0x08: { // throw
        const np = this.vm.tagTypes[body[pc + 2]].params.length;
        st.materializeFrom(st.h - np);
        rec_tag_args(enc, Op.THROW, body[pc + 2], st.canon(st.h - np));
        enc.split();
        this.setUnreachable();
        return;
      }
      case 0x0a: { // throw_ref
        const a = st.operand(st.h - 1);
        st.pop();
        rec_a(enc, Op.THROW_REF_S, a);
        enc.split();
        this.setUnreachable();
        return;
      }
      case 0x1f: // try_table
        this.tryTable(body, pc);
        return;
      case 0x1a: // drop
        st.pop();
        return;
      case 0x1b: // select
      case 0x1c: { // select t*
        // SPEED: a select on `i64.lt_s x 0` just emitted: one select_i64_neg on x's sign
        const rs = enc.recStart, bb = enc.buf, L = F.I64_LT_S_SI;
        if (rs >= 0 && bb[rs] === Op.I64_LT_S_SI && bb[rs + L.lo] === 0 && bb[rs + L.hi] === 0 && st.takeProducer(st.h - 1, Op.I64_LT_S_SI) >= 0) {
          // the taken record's fields are still readable (read before operand() may emit)
          const x = bb[rs + L.a];
          const b = st.operand(st.h - 2);
          const a = st.operand(st.h - 3);
          st.pop(); st.pop(); st.pop();
          this.push(rec_dst_a_b_x(enc, Op.SELECT_I64_NEG, st.canon(st.h), a, b, x), Op.SELECT_I64_NEG);
          return;
        }
        // SPEED: a select on `i32.lt_s x k` just emitted: one select_i32_lt_s_si
        if (rs >= 0 && bb[rs] === Op.I32_LT_S_SI && st.takeProducer(st.h - 1, Op.I32_LT_S_SI) >= 0) {
          const C = F.I32_LT_S_SI, x = bb[rs + C.a], k = bb[rs + C.b];
          const b = st.operand(st.h - 2);
          const a = st.operand(st.h - 3);
          st.pop(); st.pop(); st.pop();
          this.push(rec_dst_a_b_x_k(enc, Op.SELECT_I32_LT_S_SI, st.canon(st.h), a, b, x, k), Op.SELECT_I32_LT_S_SI);
          return;
        }
        const c = st.operand(st.h - 1);
        const b = st.operand(st.h - 2);
        const a = st.operand(st.h - 3);
        st.pop(); st.pop(); st.pop();
        this.push(rec_dst_a_b_c(enc, Op.SELECT, st.canon(st.h), a, b, c), Op.SELECT);
        return;
      }
      case 0x21: // local.set
      case 0x22: // local.tee
        this.localSet(body[pc + 2], op === 0x22, prevDst);
        return;
      case 0x23: { // global.get
        const g = body[pc + 2];
        const isRef = isRefType(this.vm.globalTypes[g].valtype);
        this.push(rec_dst_g(enc, isRef ? Op.GLOBAL_GET_REF : Op.GLOBAL_GET, st.canon(st.h), g), -1);
        return;
      }
      case 0x24: { // global.set
        const g = body[pc + 2];
        const isRef = isRefType(this.vm.globalTypes[g].valtype);
        const src = st.operand(st.h - 1);
        st.pop();
        this.globalSetStart = rec_g_src(enc, isRef ? Op.GLOBAL_SET_REF : Op.GLOBAL_SET, g, src);
        return;
      }
      case 0x25: { // table.get
        const i = st.operand(st.h - 1);
        st.pop();
        this.push(rec_dst_idx_t(enc, Op.TABLE_GET_S, st.canon(st.h), i, body[pc + 2]), -1);
        return;
      }
      case 0x26: { // table.set
        const v = st.operand(st.h - 1);
        const i = st.operand(st.h - 2);
        st.pop(); st.pop();
        rec_t_idx_val(enc, Op.TABLE_SET_SS, body[pc + 2], i, v);
        return;
      }
      case 0x3f: { // memory.size
        const mi = body[pc + 2], mt = this.vm.memTypes[mi];
        if (mi === 0 && !mt.is64 && mt.pageSizeLog2 === 16) this.push(rec_dst(enc, Op.MEMORY_SIZE, st.canon(st.h)), -1);
        else this.push(rec_dst_mem_a64_pg(enc, Op.MEMORY_SIZE_M, st.canon(st.h), mi, mt.is64 ? 1 : 0, mt.pageSizeLog2), -1);
        return;
      }
      case 0x40: { // memory.grow
        const mi = body[pc + 2], mt = this.vm.memTypes[mi];
        const n = st.operand(st.h - 1);
        st.pop();
        if (mi === 0 && !mt.is64 && mt.pageSizeLog2 === 16) this.push(rec_dst_n(enc, Op.MEMORY_GROW_S, st.canon(st.h), n), -1);
        else this.push(rec_dst_n_mem_a64_pg(enc, Op.MEMORY_GROW_M, st.canon(st.h), n, mi, mt.is64 ? 1 : 0, mt.pageSizeLog2), -1);
        return;
      }
      case 0x42: // i64.const
      case 0x44: // f64.const (its bits)
        st.pushC64(body[pc + 2], body[pc + 3]);
        return;
      case 0x43: // f32.const (its bits)
        st.pushC32(body[pc + 2]);
        return;
      default:
        this.instrOther(op, body, pc);
    }
  }

  /** Translates the instructions above 0x44 that no table covers (reinterpretations, references, bulk memory and tables, wide arithmetic). */
  private instrOther(op: number, body: Int32Array, pc: number): void {
    const enc = this.enc, st = this.st;
    switch (op) {
      case 0xbc: // i32.reinterpret_f32
      case 0xbd: // i64.reinterpret_f64
      case 0xbe: // f32.reinterpret_i32
      case 0xbf: // f64.reinterpret_i64
        // values are their bits in the slots (isa.ts): nothing to emit
        return;
      case 0xd0: // ref.null
        st.pushC32(0);
        return;
      case 0xa7: // i32.wrap_i64
        // SPEED: an i32 is the low slot of the i64 it wraps: nothing to emit.
        if (st.kinds[st.h - 1] === C64) st.kinds[st.h - 1] = C32;
        return;
      case 0xd4: { // ref.as_non_null
        const a = st.operand(st.h - 1);
        st.pop();
        this.push(rec_dst_a(enc, Op.REF_AS_NON_NULL_S, st.canon(st.h), a), -1);
        return;
      }
      case 0xd5: // br_on_null
        this.brOnNull(body[pc + 2]);
        enc.split();
        return;
      case 0xd6: // br_on_non_null
        this.brOnNonNull(body[pc + 2]);
        enc.split();
        return;
      case 0xd2: // ref.func
        this.push(rec_dst_func(enc, Op.REF_FUNC, st.canon(st.h), body[pc + 2]), -1);
        return;
      case 0x108: { // memory.init
        const n = st.operand(st.h - 1), s = st.operand(st.h - 2), d = st.operand(st.h - 3);
        st.pop(); st.pop(); st.pop();
        const mi = body[pc + 3], mt = this.vm.memTypes[mi];
        if (mi === 0 && !mt.is64) rec_seg_d_s_n(enc, Op.MEMORY_INIT_SSS, body[pc + 2], d, s, n);
        else rec_seg_mem_a64_d_s_n(enc, Op.MEMORY_INIT_M, body[pc + 2], mi, mt.is64 ? 1 : 0, d, s, n);
        return;
      }
      case 0x109: // data.drop
        rec_seg(enc, Op.DATA_DROP, body[pc + 2]);
        return;
      case 0x10a: { // memory.copy
        const n = st.operand(st.h - 1), s = st.operand(st.h - 2), d = st.operand(st.h - 3);
        st.pop(); st.pop(); st.pop();
        const dm = body[pc + 2], sm = body[pc + 3];
        const d64 = this.vm.memTypes[dm].is64 ? 1 : 0, s64 = this.vm.memTypes[sm].is64 ? 1 : 0;
        if (dm === 0 && sm === 0 && d64 === 0) rec_d_s_n(enc, Op.MEMORY_COPY_SSS, d, s, n);
        else rec_dm_sm_da64_sa64_d_s_n(enc, Op.MEMORY_COPY_M, dm, sm, d64, s64, d, s, n);
        return;
      }
      case 0x10b: { // memory.fill
        const n = st.operand(st.h - 1), v = st.operand(st.h - 2), d = st.operand(st.h - 3);
        st.pop(); st.pop(); st.pop();
        const mi = body[pc + 2], mt = this.vm.memTypes[mi];
        if (mi === 0 && !mt.is64) rec_d_val_n(enc, Op.MEMORY_FILL_SSS, d, v, n);
        else rec_mem_a64_d_val_n(enc, Op.MEMORY_FILL_M, mi, mt.is64 ? 1 : 0, d, v, n);
        return;
      }
      case 0x10c: { // table.init
        const n = st.operand(st.h - 1), s = st.operand(st.h - 2), d = st.operand(st.h - 3);
        st.pop(); st.pop(); st.pop();
        rec_t_e_d_s_n(enc, Op.TABLE_INIT_SSS, body[pc + 3], body[pc + 2], d, s, n);
        return;
      }
      case 0x10d: // elem.drop
        rec_e(enc, Op.ELEM_DROP, body[pc + 2]);
        return;
      case 0x10e: { // table.copy
        const n = st.operand(st.h - 1), s = st.operand(st.h - 2), d = st.operand(st.h - 3);
        st.pop(); st.pop(); st.pop();
        rec_dt_st_d_s_n(enc, Op.TABLE_COPY_SSS, body[pc + 2], body[pc + 3], d, s, n);
        return;
      }
      case 0x10f: { // table.grow
        const n = st.operand(st.h - 1), init = st.operand(st.h - 2);
        st.pop(); st.pop();
        rec_dst_init_n_t(enc, Op.TABLE_GROW_SS, st.canon(st.h), init, n, body[pc + 2]);
        st.pushCanon();
        if (this.vm.tableTypes[body[pc + 2]].is64) this.extendTop();
        return;
      }
      case 0x110: // table.size
        this.push(rec_dst_t(enc, Op.TABLE_SIZE, st.canon(st.h), body[pc + 2]), -1);
        if (this.vm.tableTypes[body[pc + 2]].is64) this.extendTop();
        return;
      case 0x111: { // table.fill
        const n = st.operand(st.h - 1), v = st.operand(st.h - 2), i = st.operand(st.h - 3);
        st.pop(); st.pop(); st.pop();
        rec_t_i_val_n(enc, Op.TABLE_FILL_SSS, body[pc + 2], i, v, n);
        return;
      }
      case 0x113: // i64.add128
      case 0x114: { // i64.sub128
        const d = st.operand(st.h - 1), c = st.operand(st.h - 2), b = st.operand(st.h - 3), a = st.operand(st.h - 4);
        st.pop(); st.pop(); st.pop(); st.pop();
        rec_dst_a_b_c_d(enc, op === 0x113 ? Op.I64_ADD128_S : Op.I64_SUB128_S, st.canon(st.h), a, b, c, d);
        st.pushCanon(); st.pushCanon();
        return;
      }
      case 0x115: // i64.mul_wide_s
      case 0x116: { // i64.mul_wide_u
        const b = st.operand(st.h - 1), a = st.operand(st.h - 2);
        st.pop(); st.pop();
        rec_dst_a_b(enc, op === 0x115 ? Op.I64_MUL_WIDE_S_S : Op.I64_MUL_WIDE_U_S, st.canon(st.h), a, b);
        st.pushCanon(); st.pushCanon();
        return;
      }
      default:
        throw new Error(`compiler: unsupported instruction 0x${op.toString(16)} in function ${this.funcIndex}`);
    }
  }

  /**
   * table64 (WebAssembly 3.0): the table ops read 32-bit indices and sizes,
   * so the i64 operands of an op on a 64-bit table are narrowed in place
   * first with addr64_s (2^32 or more -> 2^32 - 1, which is out of bounds of
   * every table: maxTableSize < 2^32), and i64 results (table.size,
   * table.grow; below 2^31) are sign-extended after it (`extendTop`).
   */
  private narrowTable64(op: number, body: Int32Array, pc: number): void {
    const st = this.st, tt = this.vm.tableTypes;
    const h = st.h;
    switch (op) {
      case 0x11: case 0x13: case 0x25: // call_indirect, return_call_indirect [type, table]; table.get [table]
        if (tt[body[pc + (op === 0x25 ? 2 : 3)]].is64) this.narrow(h - 1);
        return;
      case 0x26: // table.set: index below the value
        if (tt[body[pc + 2]].is64) this.narrow(h - 2);
        return;
      case 0x10f: // table.grow: the delta
        if (tt[body[pc + 2]].is64) this.narrow(h - 1);
        return;
      case 0x111: // table.fill: index and count
        if (tt[body[pc + 2]].is64) { this.narrow(h - 3); this.narrow(h - 1); }
        return;
      case 0x10e: { // table.copy [dst, src]: n is i64 when both are
        const d64 = tt[body[pc + 2]].is64, s64 = tt[body[pc + 3]].is64;
        if (d64) this.narrow(h - 3);
        if (s64) this.narrow(h - 2);
        if (d64 && s64) this.narrow(h - 1);
        return;
      }
      case 0x10c: // table.init [elem, table]: the destination index
        if (tt[body[pc + 3]].is64) this.narrow(h - 3);
        return;
    }
  }
  /** Narrows stack entry i (an i64) to a u32 word in its canonical slot (addr64_s). */
  private narrow(i: number): void {
    const st = this.st;
    const a = st.operand(i);
    if (st.kinds[i] === LOCAL) {
      st.refCount[st.vals[i] >> 1]--;
      st.kinds[i] = CANON;
    }
    rec_dst_a(this.enc, Op.ADDR64_S, st.canon(i), a);
  }
  /** Sign-extends the i32 on top of the stack to the i64 a 64-bit table's size or grow returns. */
  private extendTop(): void {
    const t = this.st.canon(this.st.h - 1);
    rec_dst_a(this.enc, Op.I64_EXTEND_I32_S_S, t, t);
    this.enc.lastDst = -1;
  }

  /**
   * A load or store `wop` (decoder numbering, short form) of memory `mem` at
   * u64 offset (offlo, offhi) that the fast path cannot take as it is
   * (isa.ts, "other memories, 64-bit memories"): a 64-bit memory 0 with an
   * offset below 2^32 narrows the address with addr64_s and uses the fast
   * rows; anything else is a cold `_m` row.
   */
  private memAccess(wop: number, mem: number, offlo: number, offhi: number): void {
    const st = this.st, enc = this.enc;
    const is64 = this.vm.memTypes[mem].is64;
    const load = WASM_LOAD[wop];
    const iop = load >= 0 ? load : WASM_STORE[wop];
    if (mem === 0 && offhi === 0 && is64) {
      if (load >= 0) {
        const a = st.operand(st.h - 1);
        st.pop();
        const t = st.canon(st.h);
        rec_dst_a(enc, Op.ADDR64_S, t, a);
        this.push(rec_dst_addr_offset_imm_k(enc, iop, t, t, offlo, 0, 0), iop);
      } else {
        const v = st.operand(st.h - 1), a = st.operand(st.h - 2);
        st.pop(); st.pop();
        const t = st.canon(st.h);
        rec_dst_a(enc, Op.ADDR64_S, t, a);
        rec_addr_val_offset_imm_k(enc, iop, t, v, offlo, 0, 0);
      }
      return;
    }
    const mop = MEM_M_OP[iop];
    if (load >= 0) {
      const a = st.operand(st.h - 1);
      st.pop();
      this.push(rec_dst_addr_mem_offlo_offhi_a64(enc, mop, st.canon(st.h), a, mem, offlo, offhi, is64 ? 1 : 0), -1);
    } else {
      const v = st.operand(st.h - 1), a = st.operand(st.h - 2);
      st.pop(); st.pop();
      rec_addr_val_mem_offlo_offhi_a64(enc, mop, a, v, mem, offlo, offhi, is64 ? 1 : 0);
    }
  }

  /**
   * A tail call (isa.ts TAIL_CALL): the np arguments are written to their
   * canonical slots (the callee's frame base moves them down at run time);
   * `a`, `b`, `c` are the record's fields before `args` (c < 0: two fields).
   */
  private tailCall(iop: number, np: number, a: number, b: number, c: number): void {
    const st = this.st, enc = this.enc;
    st.materializeFrom(st.h - np);
    const args = st.canon(st.h - np);
    if (iop === Op.RETURN_CALL) rec_func_args(enc, iop, a, args);
    else if (iop === Op.RETURN_CALL_REF_S) rec_ref_args(enc, iop, a, args);
    else rec_type_table_idx_args(enc, iop, a, b, c, args);
    enc.split();
    this.setUnreachable();
  }

  /** Pushes the value the record at `p` (op `iop`, -1: not fusable) produced in the top canonical slot. */
  private push(p: number, iop: number): void {
    this.st.pushCanon();
    this.enc.produced(p, iop);
  }

  /** After a call record: the arguments are replaced by the results (the callee's frame starts at the first argument). */
  private callResults(np: number, nr: number): void {
    const st = this.st;
    for (let i = 0; i < np; i++) st.pop();
    st.ensure(st.h + Math.max(np, nr));
    for (let i = 0; i < nr; i++) st.pushCanon();
    this.enc.split();
  }

  private localSet(x: number, tee: boolean, prevDst: number): void {
    const st = this.st, enc = this.enc;
    const i = st.h - 1;
    const k = st.kinds[i];
    if (k === LOCAL && st.vals[i] === 2 * x) {
      // local.set x of local.get x: nothing to do
      if (!tee) st.pop();
      return;
    }
    if (this.straight && x >= this.nParams && !this.written[x] &&
      ((k === C32 && st.vals[i] === 0) || (k === C64 && st.vals[i] === 0 && st.his[i] === 0))) {
      st.pop();
      if (tee) st.pushLocal(2 * x);
      return;
    }
    this.written[x] = 1;
    const before = enc.len;
    st.protectLocal(x);
    if (k === CANON && prevDst >= 0 && enc.len === before) {
      // SPEED: retarget the producing instruction's destination to the local.
      enc.buf[prevDst] = 2 * x;
    } else {
      st.moveTo(i, 2 * x, st.narrow[x] === 1);
    }
    st.pop();
    if (tee) st.pushLocal(2 * x);
  }

  private load(iop: number, offset: number): void {
    const st = this.st, enc = this.enc;
    if (iop === Op.I32_LOAD) {
      if (st.kinds[st.h - 1] === LOCAL && this.fuseLoadKeepAddr(offset)) return;
      // SPEED: i32.load of x + imm + (i << k): one i32.load_idx
      const sp = st.takeProducer(st.h - 1, Op.I32_ADD_SHL_SSII);
      if (sp >= 0) {
        const b = enc.buf, L = F.I32_ADD_SHL_SSII;
        const x = b[sp + L.x], i = b[sp + L.i], k = b[sp + L.k], imm = b[sp + L.imm];
        st.pop();
        this.push(rec_dst_x_i_offset_imm_k(enc, Op.I32_LOAD_IDX, st.canon(st.h), x, i, offset, imm, k), Op.I32_LOAD_IDX);
        return;
      }
      // SPEED: i32.load of x + y (base + byte index): one i32.load_idx with k = 0
      const ap = st.takeProducer(st.h - 1, Op.I32_ADD_SS);
      if (ap >= 0) {
        const b = enc.buf, L = F.I32_ADD_SS;
        const x = b[ap + L.a], i = b[ap + L.b];
        st.pop();
        this.push(rec_dst_x_i_offset_imm_k(enc, Op.I32_LOAD_IDX, st.canon(st.h), x, i, offset, 0, 0), Op.I32_LOAD_IDX);
        return;
      }
    }
    let addr = this.foldAddress(st.h - 1);
    const imm = this.foldedImm, k = this.foldedK;
    if (addr < 0) addr = st.operand(st.h - 1);
    st.pop();
    if (iop === Op.I32_LOAD) {
      const q = enc.recStart, p = enc.len;
      if (q >= enc.labelPos && q + OP_LENGTH[Op.I32_ADD_SS] === p && enc.buf[q] === Op.I32_ADD_SS) {
        this.addBeforeLoad = q;
        this.loadAfterAdd = p;
      } else if (p === this.loadAfterAdd) {
        this.loadAfterAdd = -1;
      }
    }
    this.push(rec_dst_addr_offset_imm_k(enc, iop, st.canon(st.h), addr, offset, imm, k), iop);
  }

  /** SPEED: f64.load from a constant address (below 2^32 with the offset) as one f64.load_c: no const record for the address. */
  private loadF64Const(offset: number): boolean {
    const st = this.st;
    if (st.kinds[st.h - 1] !== C32) return false;
    const ea = (st.vals[st.h - 1] >>> 0) + (offset >>> 0);
    // (a larger address is out of bounds: the generic load traps)
    if (ea > 0xffffffff) return false;
    st.pop();
    this.push(rec_dst_ea(this.enc, Op.F64_LOAD_C, st.canon(st.h), ea | 0), Op.F64_LOAD_C);
    return true;
  }

  /**
   * SPEED: `m += x` / `m -= x` on the f64 at a constant address: an f64.store
   * to it of an f64.add (either operand) / f64.sub (left operand) just
   * emitted, whose operand an f64.load_c of the same address emitted right
   * before into its temporary, as one f64.add_mem_c / f64.sub_mem_c; `m +=
   * v * k` (v an f64.load_c, k a constant) as one f64.load_mul_add_mem_c.
   */
  private opMemConst(offset: number): boolean {
    const st = this.st, enc = this.enc, b = enc.buf, h = st.h;
    if (st.kinds[h - 2] !== C32 || st.kinds[h - 1] !== CANON) return false;
    const rs = enc.recStart, ls = enc.prevRecStart;
    if (rs >= 0 && rs === this.slConst && (b[rs] === Op.F64_ADD_SL || b[rs] === Op.F64_SUB_LS) && rs + OP_LENGTH[Op.F64_ADD_SL] === enc.len && b[rs + DST_AT] === st.canon(h - 1)) {
      // `m + x` / `m - x` as an f64.add_sl / f64.sub_ls whose address a const record (from an f64.load_c) wrote to its temporary
      const cs = rs - OP_LENGTH[Op.CONST32], L = F.F64_ADD_SL, t = b[rs + L.addr];
      if (cs < enc.labelPos || b[cs] !== Op.CONST32 || b[cs + DST_AT] !== t || b[rs + L.offset] !== 0 || b[rs + L.imm] !== 0 || b[rs + L.k] !== 0) return false;
      const ea = (st.vals[h - 2] >>> 0) + (offset >>> 0);
      if ((b[cs + F.CONST32.v] >>> 0) !== ea || (t !== st.canon(h - 1) && t !== st.canon(h)) || b[rs + L.a] === t) return false;
      const other = b[rs + L.a], mop = b[rs] === Op.F64_ADD_SL ? Op.F64_ADD_MEM_C : Op.F64_SUB_MEM_C;
      // SPEED: `m += v * k` with v an f64.load_c: that load, the f64.mul_si right after it (the
      // record before the const record) and this op as one f64.load_mul_add_mem_c; the product's
      // temporary (the add's operand, in the slot of the sum) is read by nothing else
      const M = F.F64_MUL_SI, LC = OP_LENGTH[Op.F64_LOAD_C], lc = ls - LC;
      if (mop === Op.F64_ADD_MEM_C && ls >= 0 && ls === this.mulSiAfterLoadC && lc >= enc.labelPos && b[ls] === Op.F64_MUL_SI && ls + OP_LENGTH[Op.F64_MUL_SI] === cs &&
          other === st.canon(h - 1) && b[ls + DST_AT] === other && b[ls + M.a] === other && b[lc] === Op.F64_LOAD_C && b[lc + DST_AT] === other) {
        const src = b[lc + F.F64_LOAD_C.ea], lo = b[ls + M.lo], hi = b[ls + M.hi];
        enc.len = lc;
        enc.recStart = -1;
        enc.prevRecStart = -1;
        st.pop(); st.pop();
        rec_ea_a_src_lo_hi(enc, Op.F64_LOAD_MUL_ADD_MEM_C, ea | 0, 0, src, lo, hi);
        return true;
      }
      enc.len = cs;
      enc.recStart = -1;
      enc.prevRecStart = -1;
      st.pop(); st.pop();
      rec_ea_a_src_lo_hi(enc, mop, ea | 0, other, 0, 0, 0);
      return true;
    }
    if (rs < 0 || ls < 0 || ls < enc.labelPos) return false;
    const bop = b[rs];
    if ((bop !== Op.F64_ADD_SS && bop !== Op.F64_SUB_SS) || rs + OP_LENGTH[bop] !== enc.len || b[rs + DST_AT] !== st.canon(h - 1)) return false;
    if (b[ls] !== Op.F64_LOAD_C || ls + OP_LENGTH[Op.F64_LOAD_C] !== rs) return false;
    const ea = (st.vals[h - 2] >>> 0) + (offset >>> 0);
    if ((b[ls + F.F64_LOAD_C.ea] >>> 0) !== ea) return false;
    const t = b[ls + DST_AT], x = b[rs + F.F64_ADD_SS.a], y = b[rs + F.F64_ADD_SS.b];
    if (t !== st.canon(h - 1) && t !== st.canon(h)) return false;
    let other: number;
    if (x === t && y !== t) other = y;
    else if (bop === Op.F64_ADD_SS && y === t && x !== t) other = x;
    else return false;
    enc.len = ls;
    enc.recStart = -1;
    enc.prevRecStart = -1;
    st.pop(); st.pop();
    rec_ea_a_src_lo_hi(enc, bop === Op.F64_ADD_SS ? Op.F64_ADD_MEM_C : Op.F64_SUB_MEM_C, ea | 0, other, 0, 0, 0);
    return true;
  }

  /**
   * SPEED: i32.load from a local the last record just wrote with `(x << k) +
   * imm` (an i32.add_si, i32.shl_si or i32.shl_add_sii retargeted by
   * `local.tee`: a pointer step, an element address kept for a store) as
   * one i32.load_a, which writes the local too; `x + imm + (i << k)` (an
   * i32.add_shl_ssii) as one i32.load_ax.
   */
  private fuseLoadKeepAddr(offset: number): boolean {
    const st = this.st, enc = this.enc, b = enc.buf, rs = enc.recStart;
    if (rs < enc.labelPos) return false;
    const rop = b[rs];
    if ((rop !== Op.I32_ADD_SI && rop !== Op.I32_SHL_SI && rop !== Op.I32_SHL_ADD_SII && rop !== Op.I32_ADD_SHL_SSII) || rs + OP_LENGTH[rop] !== enc.len) return false;
    const adst = st.vals[st.h - 1];
    if (b[rs + DST_AT] !== adst) return false;
    if (rop === Op.I32_ADD_SHL_SSII) {
      const L = F.I32_ADD_SHL_SSII;
      const x = b[rs + L.x], i = b[rs + L.i], k = b[rs + L.k], imm = b[rs + L.imm];
      enc.len = rs;
      enc.recStart = enc.prevRecStart;
      enc.prevRecStart = -1;
      st.pop();
      this.push(rec_dst_adst_x_i_offset_imm_k(enc, Op.I32_LOAD_AX, st.canon(st.h), adst, x, i, offset, imm, k), Op.I32_LOAD_AX);
      return true;
    }
    let x: number, k = 0, imm = 0;
    if (rop === Op.I32_SHL_ADD_SII) {
      x = b[rs + F.I32_SHL_ADD_SII.x]; k = b[rs + F.I32_SHL_ADD_SII.k]; imm = b[rs + F.I32_SHL_ADD_SII.imm];
    } else if (rop === Op.I32_ADD_SI) {
      x = b[rs + F.I32_ADD_SI.a]; imm = b[rs + F.I32_ADD_SI.b];
    } else {
      x = b[rs + F.I32_SHL_SI.a]; k = b[rs + F.I32_SHL_SI.b] & 31;
    }
    enc.len = rs;
    enc.recStart = enc.prevRecStart;
    enc.prevRecStart = -1;
    st.pop();
    this.push(rec_dst_adst_x_offset_imm_k(enc, Op.I32_LOAD_A, st.canon(st.h), adst, x, offset, imm, k), Op.I32_LOAD_A);
    return true;
  }

  private store(iop: number, offset: number): void {
    const st = this.st, enc = this.enc;
    if (iop === Op.I64_STORE && (this.opMemConst(offset) || this.fuseF64Store(offset))) return;
    this.sinkAddress();
    // Not for a constant value: the folded record's index operand may be the
    // slot of height h-1, where a constant value would be materialized first.
    const vk = st.kinds[st.h - 1];
    if (iop === Op.I32_STORE && (vk === LOCAL || vk === CANON)) {
      // SPEED: i32.store to x + imm + (i << k): one i32.store_idx
      const sp = st.takeProducer(st.h - 2, Op.I32_ADD_SHL_SSII);
      if (sp >= 0) {
        const b = enc.buf, L = F.I32_ADD_SHL_SSII;
        const x = b[sp + L.x], i = b[sp + L.i], k = b[sp + L.k], imm = b[sp + L.imm];
        const v = st.operand(st.h - 1);
        st.pop(); st.pop();
        rec_x_i_val_offset_imm_k(enc, Op.I32_STORE_IDX, x, i, v, offset, imm, k);
        return;
      }
    }
    let addr = this.foldAddress(st.h - 2);
    const imm = this.foldedImm, k = this.foldedK;
    const v = st.operand(st.h - 1);
    if (addr < 0) addr = st.operand(st.h - 2);
    st.pop(); st.pop();
    rec_addr_val_offset_imm_k(enc, iop, addr, v, offset, imm, k);
  }

  /**
   * SPEED: a store whose value a load just produced into its temporary, right
   * after the store's address was computed (`p[i] = q[j]`, an interpreter's
   * stack push): swaps the two records, so the address computation is the
   * last one and folds into the store (foldAddress, i32.store_idx). Only
   * when the load does not write a slot the address computation reads; the
   * address is computed into its own temporary, which the load cannot read.
   */
  private sinkAddress(): void {
    const st = this.st, enc = this.enc, b = enc.buf, h = st.h;
    const vs = enc.recStart, as = enc.prevRecStart;
    if (as < enc.labelPos || vs < 0 || st.kinds[h - 1] !== CANON || st.kinds[h - 2] !== CANON) return;
    const vop = b[vs], aop = b[as];
    const vl = OP_LENGTH[vop], al = OP_LENGTH[aop];
    if (as + al !== vs || vs + vl !== enc.len || SINK_LOADS[vop] === 0) return;
    const v = st.canon(h - 1);
    if (b[vs + DST_AT] !== v || b[as + DST_AT] !== st.canon(h - 2)) return;
    // the address computation's operand slots (x [, i]): not the loaded value's
    if (aop === Op.I32_ADD_SHL_SSII) {
      if (b[as + F.I32_ADD_SHL_SSII.x] === v || b[as + F.I32_ADD_SHL_SSII.i] === v) return;
    } else if (aop === Op.I32_SHL_ADD_SII) {
      if (b[as + F.I32_SHL_ADD_SII.x] === v) return;
    } else if (aop === Op.I32_ADD_SI || aop === Op.I32_SHL_SI) {
      if (b[as + F.I32_ADD_SI.a] === v) return; // (both [dst, a, b])
    } else {
      return;
    }
    // SPEED: through a scratch array (records are a few words), not an allocated slice
    const a = SINK_SCRATCH;
    for (let q = 0; q < al; q++) a[q] = b[as + q];
    b.copyWithin(as, vs, vs + vl);
    for (let q = 0; q < al; q++) b[as + vl + q] = a[q];
    enc.prevRecStart = as;
    enc.recStart = as + vl;
  }

  /**
   * SPEED: address folding for loads and stores of entry i: up to `i32.shl`
   * by a constant followed by `i32.add` of a constant, or one i32.shl_add_sii;
   * returns addr and sets foldedImm, foldedK with address =
   * u32((S[addr] << foldedK) + foldedImm) (addr -1: nothing folded).
   */
  private foldAddress(i: number): number {
    const st = this.st, b = this.enc.buf;
    this.foldedImm = 0;
    this.foldedK = 0;
    let sp = st.takeProducer(i, Op.I32_SHL_ADD_SII);
    if (sp >= 0) {
      this.foldedImm = b[sp + F.I32_SHL_ADD_SII.imm];
      this.foldedK = b[sp + F.I32_SHL_ADD_SII.k];
      return b[sp + F.I32_SHL_ADD_SII.x];
    }
    let addr = -1;
    sp = st.takeProducer(i, Op.I32_ADD_SI);
    if (sp >= 0) {
      addr = b[sp + F.I32_ADD_SI.a];
      this.foldedImm = b[sp + F.I32_ADD_SI.b];
      if (addr !== st.canon(i)) return addr;
    }
    sp = st.takeProducer(i, Op.I32_SHL_SI);
    if (sp >= 0) {
      addr = b[sp + F.I32_SHL_SI.a];
      this.foldedK = b[sp + F.I32_SHL_SI.b] & 31;
    }
    return addr;
  }

  private binary(iop: number): void {
    const st = this.st, enc = this.enc;
    const immOp = IMM_FORM[iop];
    const top = st.kinds[st.h - 1];
    if (immOp >= 0 && IMM_PAIR[iop] === 0 && top === C32 && floatImm(iop, 0, st.vals[st.h - 1])) {
      // SPEED: constant right operand becomes an immediate.
      const imm = st.vals[st.h - 1];
      st.pop();
      // SPEED: the fusion rules below all take the record that produced the other operand
      if (st.produced(st.h - 1)) {
        if (iop === Op.I32_ADD_SS && this.fuseShlAdd(imm)) return;
        if (iop === Op.I32_SHR_S_SS && ((imm & 31) === 16 || (imm & 31) === 24) && this.fuseSext(imm & 31)) return;
        if (LOAD_OP_FIRST[immOp] >= 0 && this.fuseLoadOp(immOp, imm)) return;
        // SPEED: `(x >>> k) | c` with the shift just emitted: one i32.shr_u_or_si
        if (iop === Op.I32_OR_SS && st.takeProducer(st.h - 1, Op.I32_SHR_U_SI) >= 0) {
          // the taken record's fields are still readable at enc.len
          const sp = enc.len, L = F.I32_SHR_U_SI;
          const x = enc.buf[sp + L.a], k = enc.buf[sp + L.b] & 31;
          st.pop();
          this.push(rec_dst_a_k_c(enc, Op.I32_SHR_U_OR_SI, st.canon(st.h), x, k, imm), Op.I32_SHR_U_OR_SI);
          return;
        }
      }
      const a = st.operand(st.h - 1);
      st.pop();
      // (appendStep's test of the last record's op first: no call for the others)
      if (immOp === Op.I32_ADD_SI && enc.recStart >= 0 && enc.buf[enc.recStart] === Op.F32_MUL_LL_ADD2_S && this.addAfterDot(a, imm)) return;
      this.push(rec_dst_a_b(enc, immOp, st.canon(st.h), a, imm), immOp);
      return;
    }
    if (immOp >= 0 && IMM_PAIR[iop] === 1 && top === C64 && floatImm(iop, st.vals[st.h - 1], st.his[st.h - 1])) {
      // SPEED: constant right operand of an i64 op becomes an immediate pair.
      const lo = st.vals[st.h - 1], hi = st.his[st.h - 1];
      st.pop();
      // SPEED: `(x >>> k) | c` with the shift (k in 1..31) just emitted: one i64.shr_u_or_si
      if (iop === Op.I64_OR_SS && st.takeProducer(st.h - 1, Op.I64_SHR_U_SI_LO) >= 0) {
        // the taken record's fields are still readable at enc.len
        const sp = enc.len, L = F.I64_SHR_U_SI_LO;
        const x = enc.buf[sp + L.a], kx = enc.buf[sp + L.x], ky = enc.buf[sp + L.y];
        st.pop();
        this.push(rec_dst_a_x_y_lo_hi(enc, Op.I64_SHR_U_OR_SI, st.canon(st.h), x, kx, ky, lo, hi), Op.I64_SHR_U_OR_SI);
        return;
      }
      // opMemConst: an f64.mul_si whose operand an f64.load_c just wrote
      if (iop === Op.F64_MUL_SS) this.mulSiAfterLoadC = st.kinds[st.h - 1] === CANON && enc.produces(st.canon(st.h - 1)) && enc.buf[enc.recStart] === Op.F64_LOAD_C ? enc.len : -1;
      const a = st.operand(st.h - 1);
      st.pop();
      const sop = this.i64ImmOp(iop, lo, hi);
      this.push(rec_dst_a_lo_hi(enc, sop, st.canon(st.h), a, this.immX, this.immY), sop);
      return;
    }
    if ((iop === Op.F64_SUB_SS || iop === Op.F64_DIV_SS) && st.kinds[st.h - 2] === C64 && floatImm(iop, st.vals[st.h - 2], st.his[st.h - 2])) {
      // SPEED: a constant left operand of f64.sub / f64.div becomes an immediate (`1 - x`, `1 / x`)
      const lo = st.vals[st.h - 2], hi = st.his[st.h - 2];
      // SPEED: `k / (x * y)`, the product just emitted: one f64.mul_div_is
      if (iop === Op.F64_DIV_SS && st.takeProducer(st.h - 1, Op.F64_MUL_SS) >= 0) {
        const mp = enc.len, M = F.F64_MUL_SS, b = enc.buf;
        let x = b[mp + M.a], y = b[mp + M.b], mop: number = Op.F64_MUL_DIV_IS;
        // SPEED: `k / (x * sqrt(z))` (either operand), the f64.sqrt right before the product, into its
        // temporary (which only the product reads): one f64.sqrt_mul_div_is
        const qs = enc.recStart, qd = b[qs + DST_AT], h = st.h;
        if (qs >= enc.labelPos && qs + OP_LENGTH[Op.F64_SQRT_S] === mp && b[qs] === Op.F64_SQRT_S &&
            ((qd === st.canon(h) && y === qd && x !== qd) || (qd === st.canon(h - 1) && x === qd && y !== qd))) {
          if (x === qd) x = y;
          y = b[qs + F.F64_SQRT_S.a];
          mop = Op.F64_SQRT_MUL_DIV_IS;
          enc.len = qs;
          enc.recStart = -1;
          enc.prevRecStart = -1;
        }
        st.pop(); st.pop();
        this.push(rec_dst_a_lo_hi_b(enc, mop, st.canon(st.h), x, lo, hi, y), mop);
        return;
      }
      const a = st.operand(st.h - 1);
      st.pop(); st.pop();
      const sop = iop === Op.F64_SUB_SS ? Op.F64_SUB_IS : Op.F64_DIV_IS;
      this.push(rec_dst_a_lo_hi_b(enc, sop, st.canon(st.h), a, lo, hi, 0), sop);
      return;
    }
    if ((iop === Op.I32_SUB_SS || iop === Op.I64_SUB_SS) && this.subFromConst(iop)) return;
    // SPEED: the fusion rules below all take the record that produced one of the operands
    if (st.produced(st.h - 1) || st.produced(st.h - 2)) {
      if ((iop === Op.I64_SHL_SS || iop === Op.I64_SHR_U_SS || iop === Op.I64_SHR_S_SS || iop === Op.I64_ROTL_SS || iop === Op.I64_ROTR_SS) && this.shiftByExtended(iop)) return;
      if (iop === Op.I32_ADD_SS && this.fuseAddShl()) return;
      if ((iop === Op.I32_XOR_SS || iop === Op.I64_XOR_SS) && this.fuseXorShift(iop === Op.I64_XOR_SS)) return;
      if (iop === Op.I64_ADD_SS && this.fuseMulAdd()) return;
      if (iop === Op.I32_ADD_SS && this.fuseSame3(Op.I32_ADD_SS, Op.I32_ADD3_SSS)) return;
      if (iop === Op.I32_AND_SS && (this.fuseSame3(Op.I32_XOR_SS, Op.I32_XOR_AND_SSS) || this.fuseAndNot())) return;
      if (iop === Op.I32_XOR_SS && this.fuseSame3(Op.I32_AND_SS, Op.I32_AND_XOR_SSS)) return;
      if (iop === Op.I32_OR_SS && this.fuseSame3(Op.I32_SHL_SS, Op.I32_SHL_OR_SSS)) return;
      if (LOAD_OP_FIRST[iop] >= 0 && this.fuseLoadOp(iop, 0)) return;
      if (iop >= Op.F64_ADD_SS && iop <= Op.F64_MUL_SS && this.fuseF64(iop)) return;
      if ((iop === Op.F32_MUL_SS || iop === Op.F32_ADD_SS) && this.fuseF32Dot(iop)) return;
    }
    const b = st.operand(st.h - 1);
    const a = st.operand(st.h - 2);
    st.pop(); st.pop();
    if (iop === Op.F64_MUL_SS && this.mulAfterSubSl(a, b)) return;
    this.push(rec_dst_a_b(enc, iop, st.canon(st.h), a, b), iop);
  }

  /**
   * SPEED: the last record, when it is `rs` of op `from` with nothing after
   * it, becomes op `to` whose second step (fields from `dstField` on, already
   * in the record, zero) the caller fills in: two instructions in one
   * dispatch, each writing its slot as alone. Its second destination is the
   * new top of stack's producer for local.set / return retargeting; no
   * fusion rule takes the record (recStart -1).
   */
  private appendStep(from: number, to: number, dstField: number): number {
    const enc = this.enc, rs = enc.recStart;
    if (rs < 0 || rs < enc.labelPos || enc.buf[rs] !== from || rs + OP_LENGTH[from] !== enc.len) return -1;
    enc.buf[rs] = to;
    enc.buf[rs + dstField] = this.st.canon(this.st.h);
    this.st.pushCanon();
    enc.recStart = -1;
    enc.prevRecStart = -1;
    enc.lastDst = rs + dstField;
    enc.lastStart = rs;
    enc.lastOp = to;
    return rs;
  }

  /** SPEED: f64.mul_ss (operands a, b, popped) right after an f64.sub_sl (`dx = x - m; dx * y`): one f64.sub_sl_mul. */
  private mulAfterSubSl(a: number, b: number): boolean {
    const L = F.F64_SUB_SL_MUL;
    const rs = this.appendStep(Op.F64_SUB_SL, Op.F64_SUB_SL_MUL, L.dst2);
    if (rs < 0) return false;
    this.enc.buf[rs + L.b2] = a;
    this.enc.buf[rs + L.c2] = b;
    return true;
  }

  /** SPEED: i32.add_si (operand a, popped; imm) right after an f32.mul_ll_add2_s (a dot product's pointer step): one f32.mul_ll_add2_s_add. */
  private addAfterDot(a: number, imm: number): boolean {
    const L = F.F32_MUL_LL_ADD2_S_ADD;
    const rs = this.appendStep(Op.F32_MUL_LL_ADD2_S, Op.F32_MUL_LL_ADD2_S_ADD, L.pd);
    if (rs < 0) return false;
    this.enc.buf[rs + L.pa] = a;
    this.enc.buf[rs + L.pi] = imm;
    return true;
  }

  /** SPEED: `k - x` with a constant k (negation, `31 - x`) as one i32.sub_is / i64.sub_is. */
  private subFromConst(iop: number): boolean {
    const st = this.st, enc = this.enc, h = st.h;
    const k = st.kinds[h - 2], i64 = iop === Op.I64_SUB_SS;
    if (k !== (i64 ? C64 : C32) || st.kinds[h - 1] === k) return false;
    const lo = st.vals[h - 2], hi = st.his[h - 2];
    const a = st.operand(h - 1);
    st.pop(); st.pop();
    if (i64) this.push(rec_dst_a_lo_hi(enc, Op.I64_SUB_IS, st.canon(st.h), a, lo, hi), Op.I64_SUB_IS);
    else this.push(rec_dst_a_b(enc, Op.I32_SUB_IS, st.canon(st.h), a, lo), Op.I32_SUB_IS);
    return true;
  }

  /**
   * SPEED: an i64 shift or rotate whose count is an i32 just extended
   * (`i64.extend_i32_u/s`): the count is taken mod 64 from its low word, so
   * the op reads the i32 and the extension is dropped.
   */
  private shiftByExtended(iop: number): boolean {
    const st = this.st, enc = this.enc;
    let sp = st.takeProducer(st.h - 1, Op.I64_EXTEND_I32_U_S);
    if (sp < 0) sp = st.takeProducer(st.h - 1, Op.I64_EXTEND_I32_S_S);
    if (sp < 0) return false;
    // the taken record's fields are still readable at enc.len (read before operand() may emit)
    const b = enc.buf[sp + F.I64_EXTEND_I32_U_S.a];
    const a = st.operand(st.h - 2);
    st.pop(); st.pop();
    this.push(rec_dst_a_b(enc, iop, st.canon(st.h), a, b), iop);
    return true;
  }

  /**
   * SPEED: `(x << k) >> k` (signed) with k 16 or 24, the shift left just
   * emitted, as one i32.extend16_s / i32.extend8_s: how compilers sign-extend
   * a short or a char for a target without the sign-extension instructions.
   */
  private fuseSext(k: number): boolean {
    const st = this.st, enc = this.enc;
    if (enc.buf[enc.recStart] !== Op.I32_SHL_SI || (enc.buf[enc.recStart + F.I32_SHL_SI.b] & 31) !== k) return false;
    const sp = st.takeProducer(st.h - 1, Op.I32_SHL_SI);
    if (sp < 0) return false;
    const x = enc.buf[sp + F.I32_SHL_SI.a], op = k === 16 ? Op.I32_EXTEND16_S_S : Op.I32_EXTEND8_S_S;
    st.pop();
    this.push(rec_dst_a(enc, op, st.canon(st.h), x), op);
    return true;
  }

  /**
   * SPEED: `(x << k) + imm` (static array indexing) as one i32.shl_add_sii,
   * when the shift was just emitted; `(x + imm0 + (i << k)) + imm` (an
   * element's address, then a field or a neighbour of it) as one
   * i32.add_shl_ssii with imm0 + imm, when that was.
   */
  private fuseShlAdd(imm: number): boolean {
    const st = this.st, enc = this.enc;
    const ap = st.takeProducer(st.h - 1, Op.I32_ADD_SHL_SSII);
    if (ap >= 0) {
      const b = enc.buf, L = F.I32_ADD_SHL_SSII;
      const x = b[ap + L.x], i = b[ap + L.i], k = b[ap + L.k], imm0 = b[ap + L.imm];
      st.pop();
      this.push(rec_dst_x_i_k_imm(enc, Op.I32_ADD_SHL_SSII, st.canon(st.h), x, i, k, (imm0 + imm) | 0), Op.I32_ADD_SHL_SSII);
      return true;
    }
    const sp = st.takeProducer(st.h - 1, Op.I32_SHL_SI);
    if (sp < 0) return false;
    const x = enc.buf[sp + F.I32_SHL_SI.a], k = enc.buf[sp + F.I32_SHL_SI.b] & 31;
    st.pop();
    this.push(rec_dst_x_k_imm(enc, Op.I32_SHL_ADD_SII, st.canon(st.h), x, k, imm), Op.I32_SHL_ADD_SII);
    return true;
  }

  /**
   * SPEED: `x + (i << k)` (array indexing) as one i32.add_shl_ssii, when the
   * shift of either operand was just emitted; an `x = y + imm` emitted right
   * before it is folded too, and so is an `x = y + imm` emitted right after
   * the shift (`(i << k) + (y + imm)`: clang's order for an array in the frame).
   */
  private fuseAddShl(): boolean {
    const st = this.st, enc = this.enc;
    if (st.takeProducer(st.h - 1, Op.I32_SHL_SI) < 0 && st.takeProducer(st.h - 2, Op.I32_SHL_SI) < 0) {
      const ps = enc.prevRecStart;
      if (ps < 0 || enc.buf[ps] !== Op.I32_SHL_SI || enc.buf[enc.recStart] !== Op.I32_ADD_SI) return false;
      const lastDst = enc.lastDst, lastStart = enc.lastStart, lastOp = enc.lastOp, len = enc.len;
      const xs = st.takeProducer(st.h - 1, Op.I32_ADD_SI);
      if (xs < 0) return false;
      // the shift right before the add: taken too, or the add goes back as it was
      if (st.takeProducer(st.h - 2, Op.I32_SHL_SI) < 0) {
        enc.len = len;
        enc.prevRecStart = enc.recStart;
        enc.recStart = xs;
        enc.lastDst = lastDst; enc.lastStart = lastStart; enc.lastOp = lastOp;
        return false;
      }
      const b = enc.buf, L = F.I32_SHL_SI, sp = enc.len;
      const x = b[xs + F.I32_ADD_SI.a], imm = b[xs + F.I32_ADD_SI.b], i = b[sp + L.a], k = b[sp + L.b];
      st.pop(); st.pop();
      this.push(rec_dst_x_i_k_imm(enc, Op.I32_ADD_SHL_SSII, st.canon(st.h), x, i, k, imm), Op.I32_ADD_SHL_SSII);
      return true;
    }
    // the taken i32.shl_si record's fields are still readable at enc.len
    const sp = enc.len;
    const shiftedTop = st.kinds[st.h - 1] === CANON && enc.buf[sp + DST_AT] === st.canon(st.h - 1);
    const i = enc.buf[sp + F.I32_SHL_SI.a], k = enc.buf[sp + F.I32_SHL_SI.b];
    let x = -1, imm = 0;
    if (shiftedTop) {
      let xs = st.takeProducer(st.h - 2, Op.I32_ADD_SI);
      if (xs < 0) xs = this.skipLocalStep(st.h - 2);
      if (xs >= 0) { x = enc.buf[xs + F.I32_ADD_SI.a]; imm = enc.buf[xs + F.I32_ADD_SI.b]; }
    }
    if (x < 0) x = st.operand(shiftedTop ? st.h - 2 : st.h - 1);
    st.pop(); st.pop();
    this.push(rec_dst_x_i_k_imm(enc, Op.I32_ADD_SHL_SSII, st.canon(st.h), x, i, k, imm), Op.I32_ADD_SHL_SSII);
    return true;
  }

  /**
   * SPEED: `x = y + imm` into entry i's canonical slot, followed by a
   * `local.tee l (l + c)` that does not touch y or x (`base + (--sp << k)`:
   * an array in the frame indexed by a counter stepped first), when those two
   * are the last records: removes the first, moves the step into its place
   * and returns the removed record's start (its fields stay readable past
   * the end), or -1. The consumer then adds y + imm itself, after the step,
   * which reads neither.
   */
  private skipLocalStep(i: number): number {
    const st = this.st, enc = this.enc, b = enc.buf;
    const xs = enc.prev2RecStart, ss = enc.recStart, n = OP_LENGTH[Op.I32_ADD_SI];
    if (xs < enc.labelPos || ss !== xs + n || ss + n !== enc.len || st.kinds[i] !== CANON) return -1;
    if (b[xs] !== Op.I32_ADD_SI || b[ss] !== Op.I32_ADD_SI || b[xs + DST_AT] !== st.canon(i)) return -1;
    const x = b[xs + F.I32_ADD_SI.a], l = b[ss + F.I32_ADD_SI.dst];
    if (l >= 2 * st.nLocals || l === x || b[ss + F.I32_ADD_SI.a] === st.canon(i)) return -1;
    for (let j = i + 1; j < st.h; j++) if (st.kinds[j] === C32 || st.kinds[j] === C64) return -1;
    // swap the records: the step first, the add after it at the end, then take the add
    for (let k = 0; k < n; k++) { const t = b[xs + k]; b[xs + k] = b[ss + k]; b[ss + k] = t; }
    enc.len = ss;
    enc.recStart = enc.prevRecStart = enc.prev2RecStart = -1;
    enc.lastDst = -1;
    if (this.addSiBeforeMul >= xs) this.addSiBeforeMul = -1;
    return ss;
  }

  /**
   * SPEED: an i32 binary op `bop` (`_ss`, or `_si` with constant right
   * operand `imm`) with an operand a load just produced, as one
   * `<load>_<op>_s`/`_i` op (LOAD_OPS; the ops are commutative).
   */
  private fuseLoadOp(bop: number, imm: number): boolean {
    const st = this.st, enc = this.enc;
    const immForm = IMM_FORM[bop] < 0;
    // SPEED: starts at bop's first triple; most ops have none (the callers
    // test LOAD_OP_FIRST first: no call then)
    for (let j = LOAD_OP_FIRST[bop]; j >= 0 && j < LOAD_OPS.length; j += 3) {
      if (LOAD_OPS[j + 1] !== bop) continue;
      const load = LOAD_OPS[j];
      const top = st.takeProducer(st.h - 1, load) >= 0;
      if (!top && (immForm || st.takeProducer(st.h - 2, load) < 0)) continue;
      // the taken load's fields are still readable at enc.len (read before operand() may emit)
      const sp = enc.len, b = enc.buf, L = F.I32_LOAD;
      const addr = b[sp + L.addr], offset = b[sp + L.offset], limm = b[sp + L.imm], k = b[sp + L.k];
      const y = immForm ? imm : st.operand(top ? st.h - 2 : st.h - 1);
      st.pop();
      if (!immForm) st.pop();
      const fop = LOAD_OPS[j + 2];
      this.push(rec_dst_addr_b_offset_imm_k(enc, fop, st.canon(st.h), addr, y, offset, limm, k), fop);
      return true;
    }
    return false;
  }

  /**
   * SPEED: f64 superinstructions (isa.ts, each still two roundings): `(a * b)
   * * c` with the inner f64.mul just emitted (either operand) as one
   * f64.mul_mul_sss, `(a + b) + c` likewise as one f64.add_add_sss; an f64
   * load just emitted as the right operand of f64.add / sub (either operand
   * of add, which commutes) as one f64.<op>_sl.
   */
  private fuseF64(iop: number): boolean {
    const st = this.st, enc = this.enc;
    if (iop === Op.F64_MUL_SS) return this.fuseSame3(Op.F64_MUL_SS, Op.F64_MUL_MUL_SSS);
    if (iop === Op.F64_ADD_SS && this.fuseSame3(Op.F64_ADD_SS, Op.F64_ADD_ADD_SSS)) return true;
    const fop = iop === Op.F64_ADD_SS ? Op.F64_ADD_SL : Op.F64_SUB_SL;
    // (an f64.load_c too: see below)
    let cst = false;
    let top = st.takeProducer(st.h - 1, Op.I64_LOAD) >= 0;
    if (!top && st.takeProducer(st.h - 1, Op.F64_LOAD_C) >= 0) top = cst = true;
    if (!top && iop === Op.F64_SUB_SS) return this.fuseF64LoadSub();
    if (!top && st.takeProducer(st.h - 2, Op.I64_LOAD) < 0) {
      if (st.takeProducer(st.h - 2, Op.F64_LOAD_C) < 0) return false;
      cst = true;
    }
    const sp = enc.len, b = enc.buf, L = F.I64_LOAD;
    let addr: number, offset = 0, imm = 0, k = 0;
    if (cst) {
      // an f64.load_c becomes the const record writing its address (below 2^32) to its temporary, the
      // fused op's address slot: the op reads it before writing anything (as f64.load would have)
      addr = b[sp + DST_AT];
      rec_dst_v(enc, Op.CONST32, addr, b[sp + F.F64_LOAD_C.ea]);
    } else {
      addr = b[sp + L.addr]; offset = b[sp + L.offset]; imm = b[sp + L.imm]; k = b[sp + L.k];
    }
    const a = st.operand(top ? st.h - 2 : st.h - 1);
    st.pop(); st.pop();
    const p = rec_dst_a_addr_offset_imm_k_dst2_b2_c2(enc, fop, st.canon(st.h), a, addr, offset, imm, k, 0, 0, 0);
    this.push(p, fop);
    // opMemConst: an f64.add_sl whose address is a const record right before it
    if (cst && fop === Op.F64_ADD_SL && p === sp + OP_LENGTH[Op.CONST32]) this.slConst = p;
    else if (p === this.slConst) this.slConst = -1;
    return true;
  }

  /**
   * SPEED: `load - y` (`m -= y` before its store) as one f64.sub_ls: the load
   * is the last record (y a local), or the one before the single f64 op that
   * computes y. That op then runs first: it writes only its temporary, which
   * the load's address does not read, and reads neither the load's value nor
   * anything the load writes; a load that traps out of bounds still traps
   * before anything observable (the op's temporary is not).
   */
  private fuseF64LoadSub(): boolean {
    const st = this.st, enc = this.enc, b = enc.buf, L = F.I64_LOAD, LEN = OP_LENGTH[Op.I64_LOAD];
    const i = st.h - 2, slot = st.canon(i);
    if (st.kinds[i] !== CANON) return false;
    let ls = enc.recStart, xs = -1, y: number;
    const LC = OP_LENGTH[Op.F64_LOAD_C];
    if (st.kinds[i + 1] === LOCAL && ls >= enc.labelPos && ls + LC === enc.len && b[ls] === Op.F64_LOAD_C && b[ls + DST_AT] === slot) {
      // `m - y` from a constant address: the f64.load_c becomes the const record writing its address to its
      // temporary (same layout), the address slot of f64.sub_ls, which reads it before writing anything
      b[ls] = Op.CONST32;
      enc.recStart = -1;
      enc.prevRecStart = -1;
      y = st.vals[i + 1];
      st.pop(); st.pop();
      const p = rec_dst_a_addr_offset_imm_k_dst2_b2_c2(enc, Op.F64_SUB_LS, st.canon(st.h), y, slot, 0, 0, 0, 0, 0, 0);
      this.push(p, Op.F64_SUB_LS);
      this.slConst = p;
      return true;
    }
    if (st.kinds[i + 1] === LOCAL && ls >= enc.labelPos && ls + LEN === enc.len && b[ls] === Op.I64_LOAD && b[ls + DST_AT] === slot) {
      y = st.vals[i + 1];
    } else {
      xs = ls;
      ls = enc.prevRecStart;
      // (an f64.load_c likewise becomes the const record of its address, which stays where it is)
      const lc = xs >= 0 && ls >= enc.labelPos && xs === ls + LC && b[ls] === Op.F64_LOAD_C && b[ls + DST_AT] === slot;
      if (!lc && (xs < 0 || ls < enc.labelPos || xs !== ls + LEN || b[ls] !== Op.I64_LOAD || b[ls + DST_AT] !== slot)) return false;
      const xop = b[xs];
      if (xop !== Op.F64_MUL_MUL_SSS && xop !== Op.F64_ADD_ADD_SSS && xop !== Op.F64_MUL_SS && xop !== Op.F64_ADD_SS && xop !== Op.F64_SUB_SS && xop !== Op.F64_DIV_SS) return false;
      y = st.canon(i + 1);
      if (st.kinds[i + 1] !== CANON || xs + OP_LENGTH[xop] !== enc.len || b[xs + DST_AT] !== y || b[ls + L.addr] === y) return false;
      for (let q = xs + 2; q < enc.len; q++) if (b[q] === slot) return false;
      if (lc) {
        b[ls] = Op.CONST32;
        enc.recStart = -1;
        enc.prevRecStart = -1;
        st.pop(); st.pop();
        this.push(rec_dst_a_addr_offset_imm_k_dst2_b2_c2(enc, Op.F64_SUB_LS, st.canon(st.h), y, slot, 0, 0, 0, 0, 0, 0), Op.F64_SUB_LS);
        return true;
      }
    }
    const addr = b[ls + L.addr], offset = b[ls + L.offset], imm = b[ls + L.imm], k = b[ls + L.k];
    if (xs < 0) {
      enc.len = ls;
    } else {
      // the op moves to where the load was
      b.copyWithin(ls, xs, enc.len);
      enc.len -= LEN;
    }
    // the moved op (if any) is the record before f64.sub_ls (fuseF64Store takes an f64.mul_mul_sss there)
    enc.recStart = xs < 0 ? -1 : ls;
    enc.prevRecStart = -1;
    st.pop(); st.pop();
    const p = rec_dst_a_addr_offset_imm_k_dst2_b2_c2(enc, Op.F64_SUB_LS, st.canon(st.h), y, addr, offset, imm, k, 0, 0, 0);
    this.push(p, Op.F64_SUB_LS);
    if (p === this.slConst) this.slConst = -1;
    return true;
  }

  /**
   * SPEED: dot products (isa.ts): f32.mul of two f32 loads just emitted, in
   * order, as one f32.mul_ll; f32.add of that product and another value (either
   * operand) as one f32.mul_ll_add_s, and f32.add of that sum and another
   * value as one f32.mul_ll_add2_s (a loop unrolled twice: `s + p0 + p1`).
   */
  private fuseF32Dot(iop: number): boolean {
    const st = this.st, enc = this.enc, b = enc.buf, L = F.F32_MUL_LL;
    if (iop === Op.F32_MUL_SS) {
      if (st.takeProducer(st.h - 1, Op.I32_LOAD) < 0) return false;
      const LD = F.I32_LOAD;
      let p = enc.len;
      const a2 = b[p + LD.addr], o2 = b[p + LD.offset], i2 = b[p + LD.imm], k2 = b[p + LD.k];
      if (st.takeProducer(st.h - 2, Op.I32_LOAD) < 0) {
        // only the right operand is a load: put it back as it was
        enc.len = p + OP_LENGTH[Op.I32_LOAD];
        enc.produced(p, Op.I32_LOAD);
        return false;
      }
      p = enc.len;
      const a1 = b[p + LD.addr], o1 = b[p + LD.offset], i1 = b[p + LD.imm], k1 = b[p + LD.k];
      st.pop(); st.pop();
      const d = st.canon(st.h);
      // SPEED: the i32.add_ss right before the first load (its address, `a + k`) runs first in the same dispatch
      const q = this.addBeforeLoad, LA = F.I32_ADD_SS;
      if (q >= enc.labelPos && this.loadAfterAdd === p && q + OP_LENGTH[Op.I32_ADD_SS] === p && b[q] === Op.I32_ADD_SS) {
        const pd = b[q + LA.dst], pa = b[q + LA.a], pb = b[q + LA.b];
        enc.len = q;
        this.push(rec_dst_c_x_addr1_offset1_imm1_k1_addr2_offset2_imm2_k2_pd_pa_pb_pi(enc, Op.F32_ADD_MUL_LL, d, d, d,
          a1, o1, i1, k1, a2, o2, i2, k2, pd, pa, pb, 0), Op.F32_ADD_MUL_LL);
        return true;
      }
      this.push(rec_dst_c_x_addr1_offset1_imm1_k1_addr2_offset2_imm2_k2_pd_pa_pb_pi(enc, Op.F32_MUL_LL, d, d, d,
        a1, o1, i1, k1, a2, o2, i2, k2, 0, 0, 0, 0), Op.F32_MUL_LL);
      return true;
    }
    // the product (f32.mul_ll; not f32.add_mul_ll, whose f32.add stays a record of its own) or the sum (f32.mul_ll_add_s) just emitted, on either side
    let from: number = Op.F32_MUL_LL;
    let top = st.takeProducer(st.h - 1, from) >= 0;
    if (!top && st.takeProducer(st.h - 2, from) < 0) {
      from = Op.F32_MUL_LL_ADD_S;
      top = st.takeProducer(st.h - 1, from) >= 0;
      if (!top && st.takeProducer(st.h - 2, from) < 0) return false;
    }
    // the taken record's fields are still readable at enc.len (read before operand() may emit)
    const p = enc.len;
    const f = [b[p + L.addr1], b[p + L.offset1], b[p + L.imm1], b[p + L.k1], b[p + L.addr2], b[p + L.offset2], b[p + L.imm2], b[p + L.k2]];
    const c0 = b[p + L.c];
    const y = st.operand(top ? st.h - 2 : st.h - 1);
    st.pop(); st.pop();
    const d = st.canon(st.h);
    const [fop, c, x] = from === Op.F32_MUL_LL ? [Op.F32_MUL_LL_ADD_S, y, d] : [Op.F32_MUL_LL_ADD2_S, c0, y];
    this.push(rec_dst_c_x_addr1_offset1_imm1_k1_addr2_offset2_imm2_k2_pd_pa_pb_pi(enc, fop, d, c, x, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], 0, 0, 0, 0), fop);
    return true;
  }

  /**
   * SPEED: the value an f64.store (i64.store row) stores, just computed: an
   * f64.sub as one f64.sub_store (f64.mul_sub_store when its right operand
   * is an f64.mul just emitted); an f64.add_sl / f64.sub_ls loading from
   * the same address (the same address slot, offset and folded fields:
   * `m += x`, `m -= x`) as one f64.add_mem / f64.sub_mem, or, when x is an
   * f64.mul_mul_sss right before, f64.mul_mul_add_mem / f64.mul_mul_sub_mem
   * (f64.step_mul_mul_add_mem when an i32.add_si, the address, came right
   * before the product).
   */
  private fuseF64Store(offset: number): boolean {
    const st = this.st, enc = this.enc;
    if (st.takeProducer(st.h - 1, Op.F64_SUB_SS) >= 0) {
      const sp = enc.len, L = F.F64_SUB_SS;
      const a = enc.buf[sp + L.a];
      let b = enc.buf[sp + L.b], c = 0, sop: number = Op.F64_SUB_STORE;
      const bTemp = b === st.canon(st.h), aLoaded = a === enc.buf[sp + DST_AT];
      // `x - y * z`, the product just emitted into the subtraction's right operand (its temporary): one f64.mul_sub_store
      if (bTemp && enc.takeProducer(Op.F64_MUL_SS, b) >= 0) {
        const mp = enc.len, M = F.F64_MUL_SS;
        b = enc.buf[mp + M.a];
        c = enc.buf[mp + M.b];
        sop = Op.F64_MUL_SUB_STORE;
      }
      st.pop();
      // the op writes only its temporary, which the address does not read: the address may fold across it
      let addr = this.foldAddress(st.h - 1);
      const imm = this.foldedImm, k = this.foldedK;
      if (addr < 0) addr = st.operand(st.h - 1);
      st.pop();
      // `p->f -= x * y`: S[a], the subtraction's temporary, loaded from this very address earlier in the block
      if (sop === Op.F64_MUL_SUB_STORE && aLoaded && this.dropLoad(a, addr, offset, imm, k)) sop = Op.F64_MUL_SUB_MEM;
      else if (sop === Op.F64_SUB_STORE && aLoaded && imm === 0 && k === 0 && this.dropLoad(a, addr, offset, 0, 0)) {
        // `p->f -= x` likewise, as f64.sub_mem (f64.mul_mul_sub_mem when x is a product (x * y) * z just computed)
        this.opMem(Op.F64_SUB_MEM, addr, b, offset, bTemp);
        return true;
      }
      rec_addr_a_b_offset_imm_k_c(enc, sop, addr, a, b, offset, imm, k, c);
      return true;
    }
    // `p->f += x`, the load first in wasm order (its temporary f64.add's left operand) and x computed after
    // it, as `p->f -= x` above (f64.add commutes: m + x is x + m)
    const as = enc.recStart, A = F.F64_ADD_SS, ad = st.canon(st.h - 1), ai = st.h - 2;
    if (as >= enc.labelPos && enc.buf[as] === Op.F64_ADD_SS && as + OP_LENGTH[Op.F64_ADD_SS] === enc.len && enc.buf[as + DST_AT] === ad && enc.buf[as + A.a] === ad &&
      (st.kinds[ai] === LOCAL || st.kinds[ai] === CANON)) {
      const addr = st.operand(ai), x = enc.buf[as + A.b];
      enc.len = as;
      const ok = this.dropLoad(ad, addr, offset, 0, 0, true);
      enc.len = as + OP_LENGTH[Op.F64_ADD_SS];
      if (ok && st.takeProducer(st.h - 1, Op.F64_ADD_SS) >= 0) {
        const xTemp = x === st.canon(st.h);
        if (!this.dropLoad(ad, addr, offset, 0, 0)) throw new Error('dropLoad: the checked load is gone');
        st.pop(); st.pop();
        this.opMem(Op.F64_ADD_MEM, addr, x, offset, xTemp);
        return true;
      }
    }
    const i = st.h - 2, L = F.F64_ADD_SL, rs = enc.recStart, b = enc.buf;
    // the store's address is a local or a temporary already written: no record of its own to fold
    if (st.kinds[i] !== LOCAL && st.kinds[i] !== CANON) return false;
    if (rs < 0 || (b[rs] !== Op.F64_ADD_SL && b[rs] !== Op.F64_SUB_LS) || b[rs + L.addr] !== st.operand(i) || b[rs + L.offset] !== offset || b[rs + L.imm] !== 0 || b[rs + L.k] !== 0) return false;
    const from = b[rs];
    // the f64.mul_mul_sss computing S[a] right before (`m += (x * y) * z`), into its temporary (at the
    // value's height or the one above), which nothing reads after the store
    const ms = enc.prevRecStart, M = F.F64_MUL_MUL_SSS;
    if (st.takeProducer(st.h - 1, from) < 0) return false;
    const a = b[rs + L.a], addr = b[rs + L.addr];
    const fuseMul = ms >= enc.labelPos && ms >= 0 && ms + OP_LENGTH[Op.F64_MUL_MUL_SSS] === rs && b[ms] === Op.F64_MUL_MUL_SSS &&
      b[ms + DST_AT] === a && (a === st.canon(st.h - 1) || a === st.canon(st.h));
    st.pop(); st.pop();
    if (fuseMul) {
      const x = b[ms + M.a], y = b[ms + M.b], z = b[ms + M.c];
      enc.len = ms;
      enc.recStart = -1;
      enc.prevRecStart = -1;
      // the i32.add_si right before the product (the address), if any, runs first in the same dispatch
      const q = this.addSiBeforeMul, A = F.I32_ADD_SI;
      if (from === Op.F64_ADD_SL && this.mulAfterAddSi === ms && q >= enc.labelPos && q + OP_LENGTH[Op.I32_ADD_SI] === ms && b[q] === Op.I32_ADD_SI) {
        const pd = b[q + A.dst], pa = b[q + A.a], pi = b[q + A.b];
        enc.len = q;
        this.fuseStep3(rec_addr_a_offset_b_c_pd_pa_pi(enc, Op.F64_STEP_MUL_MUL_ADD_MEM, addr, x, offset, y, z, pd, pa, pi));
        return true;
      }
      rec_addr_a_offset_b_c_pd_pa_pi(enc, from === Op.F64_ADD_SL ? Op.F64_MUL_MUL_ADD_MEM : Op.F64_MUL_MUL_SUB_MEM, addr, x, offset, y, z, 0, 0, 0);
      return true;
    }
    rec_addr_a_offset_b_c_pd_pa_pi(enc, from === Op.F64_ADD_SL ? Op.F64_ADD_MEM : Op.F64_SUB_MEM, addr, a, offset, 0, 0, 0, 0, 0);
    return true;
  }

  /**
   * After dropLoad: `m + S[x]` / `m - S[x]` (op f64.add_mem / f64.sub_mem) at
   * S[addr] + offset, or, when S[x] is a temporary (`xTemp`) an
   * f64.mul_mul_sss wrote as the last record, f64.mul_mul_add_mem /
   * f64.mul_mul_sub_mem in its place.
   */
  private opMem(op: number, addr: number, x: number, offset: number, xTemp: boolean): void {
    const enc = this.enc, b = enc.buf, ms = this.droppedLast, M = F.F64_MUL_MUL_SSS;
    if (xTemp && ms >= enc.labelPos && b[ms] === Op.F64_MUL_MUL_SSS && ms + OP_LENGTH[Op.F64_MUL_MUL_SSS] === enc.len && b[ms + DST_AT] === x) {
      enc.len = ms;
      enc.recStart = enc.prevRecStart = -1;
      enc.lastDst = -1;
      rec_addr_a_offset_b_c_pd_pa_pi(enc, op === Op.F64_ADD_MEM ? Op.F64_MUL_MUL_ADD_MEM : Op.F64_MUL_MUL_SUB_MEM, addr, b[ms + M.a], offset, b[ms + M.b], b[ms + M.c], 0, 0, 0);
      return;
    }
    rec_addr_a_offset_b_c_pd_pa_pi(enc, op, addr, x, offset, 0, 0, 0, 0, 0);
  }

  /**
   * SPEED (`p->f -= expr`, the load first in wasm order): removes the
   * i64.load (f64.load) record that wrote temporary `a` from the address
   * (addr, offset, imm, k) in the current block, when only LOAD_SINK ops
   * follow it, none of them naming `addr` or `a` in a slot field; the records
   * after it move up. The store that consumes `a` then loads it itself, from
   * the same address with the same bounds check: the ops in between write
   * only slots and trap only as loads do (memory_out_of_bounds, the trap the
   * dropped load gives), so what a trap leaves observable is unchanged, and
   * `addr` holds the same address at the store. Gas is charged per block,
   * before both. The positions this translator and the encoder keep of
   * records after the load are dropped (their fusions are not tried).
   */
  private dropLoad(a: number, addr: number, offset: number, imm: number, k: number, dry = false): boolean {
    const enc = this.enc, b = enc.buf, L = F.I64_LOAD, LEN = OP_LENGTH[Op.I64_LOAD], end = enc.len;
    if (addr === a) return false;
    let ls = -1, last = -1;
    for (let q = enc.labelPos; q < end; ) {
      last = q;
      const op = b[q];
      if (ls < 0) {
        if (op === Op.I64_LOAD && b[q + DST_AT] === a) {
          if (b[q + L.addr] !== addr || b[q + L.offset] !== offset || b[q + L.imm] !== imm || b[q + L.k] !== k) return false;
          ls = q;
        } else if (OP_COUNT_AT[op] !== 0) return false;
      } else {
        const at = LOAD_SINK[op];
        if (at === null) return false;
        for (const f of at) if (b[q + f] === addr || b[q + f] === a) return false;
      }
      q += OP_LENGTH[op];
    }
    if (ls < 0 || enc.gasPos >= ls) return false;
    for (let d = 0; d < this.depth; d++) if (this.frames[d].tryStart > ls) return false;
    if (dry) return true;
    this.droppedLast = last > ls ? last - LEN : -1;
    enc.removeRecord(ls, LEN);
    if (this.loadAfterAdd >= ls || this.addBeforeLoad >= ls) this.loadAfterAdd = this.addBeforeLoad = -1;
    if (this.mulAfterAddSi >= ls || this.addSiBeforeMul >= ls) this.mulAfterAddSi = this.addSiBeforeMul = -1;
    if (this.slConst >= ls) this.slConst = -1;
    if (this.stepAt >= ls || this.stepBefore >= ls) this.stepAt = this.stepBefore = -1;
    if (this.mulSiAfterLoadC >= ls) this.mulSiAfterLoadC = -1;
    if (this.globalSetStart >= ls) this.globalSetStart = -1;
    return true;
  }

  /**
   * SPEED: the third f64.step_mul_mul_add_mem in a row (just emitted at
   * `p3`, the two before it right before) on one pointer: the same address
   * slot, offset, b, c and pointer pa, none of which (nor a1..a3) is the
   * address slot, as one f64.step_mul_mul_add_mem3 (isa.ts).
   */
  private fuseStep3(p3: number): void {
    const enc = this.enc, b = enc.buf, L = OP_LENGTH[Op.F64_STEP_MUL_MUL_ADD_MEM], S = F.F64_STEP_MUL_MUL_ADD_MEM;
    const p2 = p3 - L, p1 = p2 - L;
    const ok = this.stepAt === p2 && this.stepBefore === p1 && p1 >= enc.labelPos && b[p1] === Op.F64_STEP_MUL_MUL_ADD_MEM && b[p2] === Op.F64_STEP_MUL_MUL_ADD_MEM;
    this.stepBefore = this.stepAt;
    this.stepAt = p3;
    if (!ok) return;
    const d = b[p3 + S.addr];
    for (const q of [p1, p2, p3]) {
      if (b[q + S.addr] !== d || b[q + S.pd] !== d || b[q + S.offset] !== b[p3 + S.offset] || b[q + S.b] !== b[p3 + S.b] || b[q + S.c] !== b[p3 + S.c] || b[q + S.pa] !== b[p3 + S.pa]) return;
      if (b[q + S.a] === d || b[q + S.b] === d || b[q + S.c] === d || b[q + S.pa] === d) return;
    }
    const offset = b[p3 + S.offset], y = b[p3 + S.b], z = b[p3 + S.c], pa = b[p3 + S.pa];
    const a1 = b[p1 + S.a], a2 = b[p2 + S.a], a3 = b[p3 + S.a], i1 = b[p1 + S.pi], i2 = b[p2 + S.pi], i3 = b[p3 + S.pi];
    enc.len = p1;
    enc.recStart = -1;
    enc.prevRecStart = -1;
    this.stepAt = this.stepBefore = -1;
    rec_addr_offset_b_c_pa_a1_a2_a3_i1_i2_i3(enc, Op.F64_STEP_MUL_MUL_ADD_MEM3, d, offset, y, z, pa, a1, a2, a3, i1, i2, i3);
  }

  /** SPEED: the i64 form of fuseXorShift, for i64.shl / i64.shr_u by 1..31 (the `_lo` shift ops). */
  private fuseXorShift64(): boolean {
    const st = this.st, enc = this.enc;
    for (let j = 0; j < XOR_SHIFTS64.length; j += 2) {
      const shift = XOR_SHIFTS64[j];
      const top = st.takeProducer(st.h - 1, shift) >= 0;
      if (!top && st.takeProducer(st.h - 2, shift) < 0) continue;
      // the taken shift record's fields are still readable at enc.len (read before operand() may emit)
      const sp = enc.len, L = F.I64_SHL_SI_LO;
      const y = enc.buf[sp + L.a], kx = enc.buf[sp + L.x], ky = enc.buf[sp + L.y];
      const x = st.operand(top ? st.h - 2 : st.h - 1);
      st.pop(); st.pop();
      const fop = XOR_SHIFTS64[j + 1];
      if (x === y && this.fuseXorShiftSteps(fop, y, kx, ky)) return true;
      this.push(rec_dst_a_b_x_y(enc, fop, st.canon(st.h), x, y, kx, ky), fop);
      return true;
    }
    return false;
  }

  /**
   * SPEED: `s ^ shift(s, k)` (fused op `fop`, k = kx, 32 - k = ky) right after
   * the record that wrote s, the xorshift steps before it: after `s = a ^ (a
   * << x)` (an i64.xor_shl_si_lo with a as both operands) a shr_u step makes
   * one i64.xorshift2_si, and after that a shl step one i64.xorshift3_si.
   * The fused record's dst is the top of stack's, as `fop`'s would be. The
   * i32 steps (i32.xor_shl_ssi, i32.xor_shr_u_ssi; ky unused) make
   * i32.xorshift2_si and i32.xorshift3_si the same way.
   */
  private fuseXorShiftSteps(fop: number, s: number, kx: number, ky: number): boolean {
    const st = this.st, enc = this.enc, b = enc.buf, rs = enc.recStart;
    if (rs < enc.labelPos || rs + OP_LENGTH[b[rs]] !== enc.len || b[rs + DST_AT] !== s) return false;
    const rop = b[rs];
    if (fop === Op.I32_XOR_SHR_U_SSI && rop === Op.I32_XOR_SHL_SSI) {
      const L = F.I32_XOR_SHL_SSI;
      const a = b[rs + L.a], x = b[rs + L.k];
      if (b[rs + L.b] !== a) return false;
      enc.len = rs;
      enc.recStart = -1; // the removed record's place is the fused record's
      this.push(rec_dst_a_t_x_u(enc, Op.I32_XORSHIFT2_SI, st.canon(st.h), a, s, x, kx), Op.I32_XORSHIFT2_SI);
      return true;
    }
    if (fop === Op.I32_XOR_SHL_SSI && rop === Op.I32_XORSHIFT2_SI) {
      const L = F.I32_XORSHIFT2_SI;
      const a = b[rs + L.a], t = b[rs + L.t], x = b[rs + L.x], u = b[rs + L.u];
      enc.len = rs;
      enc.recStart = -1;
      this.push(rec_dst_a_t_w_x_u_p(enc, Op.I32_XORSHIFT3_SI, st.canon(st.h), a, t, s, x, u, kx), Op.I32_XORSHIFT3_SI);
      return true;
    }
    if (fop === Op.I64_XOR_SHR_U_SI_LO && rop === Op.I64_XOR_SHL_SI_LO) {
      const L = F.I64_XOR_SHL_SI_LO;
      const a = b[rs + L.a], x = b[rs + L.x], y = b[rs + L.y];
      if (b[rs + L.b] !== a) return false;
      enc.len = rs;
      enc.recStart = -1; // the removed record's place is the fused record's
      this.push(rec_dst_a_t_x_y_u_v(enc, Op.I64_XORSHIFT2_SI, st.canon(st.h), a, s, x, y, kx, ky), Op.I64_XORSHIFT2_SI);
      return true;
    }
    if (fop === Op.I64_XOR_SHL_SI_LO && rop === Op.I64_XORSHIFT2_SI) {
      const L = F.I64_XORSHIFT2_SI;
      const a = b[rs + L.a], t = b[rs + L.t], x = b[rs + L.x], y = b[rs + L.y], u = b[rs + L.u], v = b[rs + L.v];
      enc.len = rs;
      enc.recStart = -1;
      this.push(rec_dst_a_t_w_x_y_u_v_p_q(enc, Op.I64_XORSHIFT3_SI, st.canon(st.h), a, t, s, x, y, u, v, kx, ky), Op.I64_XORSHIFT3_SI);
      return true;
    }
    return false;
  }

  /** SPEED: `x * c + y` or `y + x * c` (i64, constant c) with the i64.mul_si just emitted: one i64.mul_si_add_s. */
  private fuseMulAdd(): boolean {
    const st = this.st, enc = this.enc;
    const top = st.takeProducer(st.h - 1, Op.I64_MUL_SI) >= 0;
    if (!top && st.takeProducer(st.h - 2, Op.I64_MUL_SI) < 0) return false;
    // the taken record's fields are still readable at enc.len (read before operand() may emit)
    const sp = enc.len, L = F.I64_MUL_SI;
    const x = enc.buf[sp + L.a], lo = enc.buf[sp + L.lo], hi = enc.buf[sp + L.hi];
    const y = st.operand(top ? st.h - 2 : st.h - 1);
    st.pop(); st.pop();
    this.push(rec_dst_a_lo_hi_k(enc, Op.I64_MUL_SI_ADD_S, st.canon(st.h), x, lo, hi, y), Op.I64_MUL_SI_ADD_S);
    return true;
  }

  /**
   * SPEED: `(a op b) op c` or `c op (a op b)` with the inner `op` (a
   * commutative and associative-as-written `dst:s a:s b:s` op: i32.add,
   * f64.mul) just emitted, as one `fused` `dst:s a:s b:s c:s` op computing
   * `(a op b) op c`: `(a + b) + c` as i32.add3_sss (sums, dot products),
   * `(a * b) * c` as f64.mul_mul_sss. The inner op may be another one when
   * the outer is commutative: `(a ^ b) & c`, `(a << b) | c`.
   */
  private fuseSame3(op: number, fused: number): boolean {
    const st = this.st, enc = this.enc;
    const top = st.takeProducer(st.h - 1, op) >= 0;
    if (!top && st.takeProducer(st.h - 2, op) < 0) return false;
    // the taken record's fields are still readable at enc.len (read before operand() may emit)
    const sp = enc.len;
    const a = enc.buf[sp + F.I32_ADD_SS.a], b = enc.buf[sp + F.I32_ADD_SS.b];
    const c = st.operand(top ? st.h - 2 : st.h - 1);
    st.pop(); st.pop();
    if (fused === Op.F64_MUL_MUL_SSS) {
      // an i32.add_si right before (`p->f += x * y * z`'s address): fuseF64Store may run it first
      const q = enc.recStart, p = enc.len;
      if (q >= enc.labelPos && q + OP_LENGTH[Op.I32_ADD_SI] === p && enc.buf[q] === Op.I32_ADD_SI) {
        this.addSiBeforeMul = q;
        this.mulAfterAddSi = p;
      } else if (p === this.mulAfterAddSi) {
        this.mulAfterAddSi = -1;
      }
    }
    this.push(rec_dst_a_b_c(enc, fused, st.canon(st.h), a, b, c), fused);
    return true;
  }

  /** SPEED: `x & (y ^ -1)` in either operand order, the xor just emitted, as one i32.andn_ss (`x & ~y`). */
  private fuseAndNot(): boolean {
    const st = this.st, enc = this.enc, b = enc.buf, rs = enc.recStart;
    if (rs < 0 || b[rs] !== Op.I32_XOR_SI || b[rs + F.I32_XOR_SI.b] !== -1) return false;
    const top = st.takeProducer(st.h - 1, Op.I32_XOR_SI) >= 0;
    if (!top && st.takeProducer(st.h - 2, Op.I32_XOR_SI) < 0) return false;
    // the taken record's fields are still readable at enc.len (read before operand() may emit)
    const y = b[enc.len + F.I32_XOR_SI.a];
    const x = st.operand(top ? st.h - 2 : st.h - 1);
    st.pop(); st.pop();
    this.push(rec_dst_a_b(enc, Op.I32_ANDN_SS, st.canon(st.h), x, y), Op.I32_ANDN_SS);
    return true;
  }

  /**
   * SPEED: `x ^ shift(y, k)` (shl, shr_u, rotl, rotr by a constant) as one
   * i32.xor_<shift>_ssi when the shift of either operand was just emitted:
   * SHA-2's Σ/σ are rotl, xor_rotl, xor_rotl.
   */
  private fuseXorShift(i64: boolean): boolean {
    const st = this.st, enc = this.enc;
    if (i64) return this.fuseXorShift64();
    for (let j = 0; j < XOR_SHIFTS.length; j += 2) {
      const shift = XOR_SHIFTS[j];
      const top = st.takeProducer(st.h - 1, shift) >= 0;
      if (!top && st.takeProducer(st.h - 2, shift) < 0) continue;
      // the taken shift record's fields are still readable at enc.len (read before operand() may emit)
      const sp = enc.len, L = F.I32_SHL_SI;
      const y = enc.buf[sp + L.a];
      let k = enc.buf[sp + L.b] & 31;
      if (shift === Op.I32_ROTR_SI) k = (32 - k) & 31; // rotr k == rotl (32 - k)
      const fop = XOR_SHIFTS[j + 1];
      if (fop !== Op.I32_XOR_SHL_SSI && this.fuseRotXor(top ? st.h - 2 : st.h - 1, y, k, fop === Op.I32_XOR_ROTL_SSI)) return true;
      const x = st.operand(top ? st.h - 2 : st.h - 1);
      st.pop(); st.pop();
      if (x === y && fop !== Op.I32_XOR_ROTL_SSI && this.fuseXorShiftSteps(fop, y, k, 0)) return true;
      this.push(rec_dst_a_b_k(enc, fop, st.canon(st.h), x, y, k), fop);
      return true;
    }
    return false;
  }

  /**
   * SPEED: fuseXorShift's `x ^ shift(y, k)` (a rotl by k when `rot`, else
   * shr_u) where entry `xi` is rotations of the same y just emitted (an
   * i32.rotl_si / rotr_si, or an i32.rotl2_xor_sii): one op for SHA-2's
   * Σ (three rotations, i32.rotl3_xor_siii) and σ (two rotations and a shift,
   * i32.rotl2_shr_u_xor_siii), by way of i32.rotl2_xor_sii.
   */
  private fuseRotXor(xi: number, y: number, k: number, rot: boolean): boolean {
    const st = this.st, enc = this.enc, b = enc.buf;
    // the record before the taken shift; takeProducer checks it wrote entry xi
    // (y may not be that record's destination: the shift after it read its result)
    const rs = enc.recStart;
    if (rs < 0 || b[rs + F.I32_ROTL_SI.a] !== y || y === st.canon(xi)) return false;
    const rop = b[rs];
    if (rot && (rop === Op.I32_ROTL_SI || rop === Op.I32_ROTR_SI)) {
      if (st.takeProducer(xi, rop) < 0) return false;
      let k1 = b[rs + F.I32_ROTL_SI.b] & 31;
      if (rop === Op.I32_ROTR_SI) k1 = (32 - k1) & 31; // rotr k == rotl (32 - k)
      st.pop(); st.pop();
      this.push(rec_dst_a_k1_k2(enc, Op.I32_ROTL2_XOR_SII, st.canon(st.h), y, k1, k), Op.I32_ROTL2_XOR_SII);
      return true;
    }
    if (rop !== Op.I32_ROTL2_XOR_SII || st.takeProducer(xi, rop) < 0) return false;
    const k1 = b[rs + F.I32_ROTL2_XOR_SII.k1], k2 = b[rs + F.I32_ROTL2_XOR_SII.k2];
    st.pop(); st.pop();
    const fop = rot ? Op.I32_ROTL3_XOR_SIII : Op.I32_ROTL2_SHR_U_XOR_SIII;
    this.push(rec_dst_a_k1_k2_k3(enc, fop, st.canon(st.h), y, k1, k2, k), fop);
    return true;
  }

  /**
   * The op for an i64 op with a constant right operand (lo, hi); its two
   * immediate fields are left in immX, immY.
   * SPEED: shifts and rotates by a constant count (taken mod 64, spec 4.3.2
   * ishl/ishr/irotl) are specialised here so exec does not branch on the count:
   * 1..31 -> the *_si_lo op with (k, 32 - k); 32..63 -> the *_si_hi op with k - 32
   * (rotl: 33..63 -> rotl_si_hi with (k - 32, 64 - k)). Count 0 and rotate by 32
   * keep the generic op; i64.mul by 0 <= b < 2^21 is i64.mul_si_small.
   */
  private i64ImmOp(iop: number, lo: number, hi: number): number {
    let k = lo & 63;
    switch (iop) {
      case Op.I64_SHL_SS: case Op.I64_SHR_S_SS: case Op.I64_SHR_U_SS: {
        if (k === 0) break;
        const small = k < 32;
        this.immX = small ? k : k - 32;
        this.immY = small ? 32 - k : 0;
        if (iop === Op.I64_SHL_SS) return small ? Op.I64_SHL_SI_LO : Op.I64_SHL_SI_HI;
        if (iop === Op.I64_SHR_S_SS) return small ? Op.I64_SHR_S_SI_LO : Op.I64_SHR_S_SI_HI;
        return small ? Op.I64_SHR_U_SI_LO : Op.I64_SHR_U_SI_HI;
      }
      case Op.I64_MUL_SS:
        // (a_lo as u32) * b < 2^53 is exact in a double
        if (hi === 0 && lo >= 0 && lo < 0x200000) { this.immX = lo; this.immY = 0; return Op.I64_MUL_SI_SMALL; }
        break;
      case Op.I64_ROTL_SS: case Op.I64_ROTR_SS: {
        if (iop === Op.I64_ROTR_SS) k = (64 - k) & 63; // rotr k == rotl (64 - k)
        if (k === 0 || k === 32) break;
        if (k < 32) { this.immX = k; this.immY = 32 - k; return Op.I64_ROTL_SI_LO; }
        this.immX = k - 32;
        this.immY = 64 - k;
        return Op.I64_ROTL_SI_HI;
      }
    }
    this.immX = lo;
    this.immY = hi;
    return IMM_FORM[iop];
  }

  // ---------------------------------------------------------------- control

  /** Parameter and result counts of a blocktype (SPEED: two functions, no array per block). */
  private blockParams(bt: number): number {
    return bt >= 0 ? this.m.types[bt].params.length : 0;
  }
  private blockResults(bt: number): number {
    if (bt >= 0) return this.m.types[bt].results.length;
    return bt === BLOCKTYPE_EMPTY ? 0 : 1;
  }
  private labelArity(c: Ctrl): number {
    return c.kind === K_LOOP ? c.nParams : c.nResults;
  }
  /** Enters a control frame (a reused one when there is one); returns it. */
  private pushCtrl(kind: number, height: number, nParams: number, nResults: number, elseFixup: number): Ctrl {
    if (this.depth === this.frames.length) this.frames.push(new Ctrl());
    const c = this.frames[this.depth++];
    c.kind = kind;
    c.height = height;
    c.nParams = nParams;
    c.nResults = nResults;
    c.loopPc = -1;
    // SPEED: a fresh empty array costs less than truncating one (`length = 0` is a runtime call)
    if (c.fixups.length !== 0) c.fixups = [];
    c.elseFixup = elseFixup;
    c.unreachable = false;
    c.tryStart = -1;
    c.clauses = null;
    c.clauseTargets = null;
    if (c.handlerFixups.length !== 0) c.handlerFixups = [];
    this.top = c;
    return c;
  }
  /** Leaves the innermost control frame (its object stays valid until the next pushCtrl). */
  private popCtrl(): void {
    this.depth--;
    this.top = this.frames[this.depth - 1];
  }
  /** The frame of label `d` (relative depth). */
  private label(d: number): Ctrl {
    return this.frames[this.depth - 1 - d];
  }
  private placeLabel(fixups: number[]): void {
    this.straight = false;
    this.enc.placeLabel(fixups);
  }
  private setUnreachable(): void {
    const c = this.top;
    c.unreachable = true;
    this.st.popTo(c.height);
  }
  /** Writes a target field at position p for ctrl c (a loop's start, or a fixup at its end). */
  private target(c: Ctrl, p: number): void {
    if (c.kind === K_LOOP) this.enc.buf[p] = c.loopPc;
    else c.fixups.push(p);
  }

  /**
   * SPEED (isa.ts i32.add_si_call_local): the last argument, entry i, when
   * the last record is the i32.add_si or i32.sub_si that wrote it (`f(n - 1)`), becomes
   * i32.add_si_call_local: the add and the call_local record emitted next
   * in one dispatch.
   */
  private addCallPrefix(i: number): void {
    const st = this.st, b = this.enc.buf;
    let at = st.takeProducer(i, Op.I32_ADD_SI), imm: number;
    if (at >= 0) imm = b[at + F.I32_ADD_SI.b];
    else {
      // x - c is x + (-c) (mod 2^32)
      at = st.takeProducer(i, Op.I32_SUB_SI);
      if (at < 0) return;
      imm = -b[at + F.I32_SUB_SI.b] | 0;
    }
    rec_dst_a_b(this.enc, Op.I32_ADD_SI_CALL_LOCAL, b[at + F.I32_ADD_SI.dst], b[at + F.I32_ADD_SI.a], imm);
  }

  /** Moves the top n values to the result slots 0..n-1 and returns. */
  private emitReturn(prevDst: number): void {
    const st = this.st, enc = this.enc;
    const n = this.type.results.length;
    if (n === 1 && prevDst >= 0 && st.kinds[st.h - 1] === CANON) {
      // SPEED: the instruction that produced the result writes it to slot 0 directly.
      enc.buf[prevDst] = 0;
      // SPEED: and returns, when it is the last record (no label or gas record after it) and has such a form
      const p = enc.lastStart, op = p >= enc.labelPos ? enc.buf[p] : -1;
      if (op >= 0 && RET_FORM[op] >= 0 && p + OP_LENGTH[op] === enc.len) {
        enc.buf[p] = RET_FORM[op];
        return;
      }
      rec_none(enc, Op.RETURN);
      return;
    }
    // Results go to the parameter slots; a result still reading a local < n
    // could be overwritten by an earlier move, so such entries are copied out first.
    for (let i = st.h - n; i < st.h; i++) if (st.kinds[i] === LOCAL && st.vals[i] < 2 * n) st.materialize(i);
    for (let j = 0; j < n; j++) st.moveTo(st.h - n + j, 2 * j, isNarrow(this.type.results[j]) === 1);
    // SPEED: the last move, or a void function's last global.set, and the return in one dispatch
    const last = enc.len;
    const c = enc.copyStart, c2 = enc.copy2Start, g = this.globalSetStart;
    const p = c + OP_LENGTH[Op.COPY] === last ? c : c2 + OP_LENGTH[Op.COPY2] === last ? c2 : g + OP_LENGTH[Op.GLOBAL_SET] === last ? g : -1;
    if (p >= 0 && p >= enc.labelPos && (enc.buf[p] === Op.COPY || enc.buf[p] === Op.COPY2 || enc.buf[p] === Op.GLOBAL_SET)) {
      enc.buf[p] = RET_FORM[enc.buf[p]];
      return;
    }
    rec_none(enc, Op.RETURN);
  }

  /** True when a branch to c needs no value moves. */
  private noMoves(c: Ctrl): boolean {
    const st = this.st;
    const n = this.labelArity(c);
    st.steps += n;
    for (let j = 0; j < n; j++) {
      const i = st.h - n + j;
      if (st.kinds[i] !== CANON || i !== c.height + j) return false;
    }
    return true;
  }

  /** Unconditional branch to relative depth d (the label's values moved into place, then a jump). */
  private emitBr(d: number): void {
    const c = this.label(d);
    if (c.kind === K_FUNC) { this.emitReturn(-1); return; }
    const st = this.st;
    const n = this.labelArity(c);
    for (let j = 0; j < n; j++) st.moveTo(st.h - n + j, st.canon(c.height + j), false);
    this.target(c, this.enc.branch(Op.BR, 0, 0, 0));
  }

  private brIf(d: number, prevDst: number, prevStart: number, prevOp: number): void {
    const st = this.st, enc = this.enc;
    const c = this.label(d);
    if (c.kind !== K_FUNC && this.fuseCompareBrIf(prevDst, prevStart, prevOp, c)) {
      st.pop();
      return;
    }
    if (c.kind !== K_FUNC && this.labelValuesInPlace(c)) {
      // SPEED: br_if on a load just emitted: one fused branch
      const ld = this.takeLoad();
      if (ld >= 0) {
        st.pop();
        this.target(c, this.loadBranch(ld === Op.I32_LOAD ? Op.BR_IF_LOAD_NZ : Op.BR_IF_LOAD8_U_NZ, -1));
        return;
      }
      // SPEED: br_if on a counter just stepped (`local.tee x (x + k)`): one fused branch
      const as = this.topAddSi();
      if (as >= 0) {
        st.pop();
        this.target(c, this.addBranch(Op.BR_IF_ADD_SI_NZ, as, 0, false));
        return;
      }
    }
    const cond = st.operand(st.h - 1);
    st.pop();
    // materialize unconditionally: state changes must hold on both paths
    st.materializeFrom(st.h - this.labelArity(c));
    this.branchIf(c, d, cond, true);
  }

  /**
   * try_table bt catch*: a block whose body is a handler region
   * (CompiledFunc.handlers). The clauses' labels are relative to the
   * try_table's context; each gets the slot of its label's first value and
   * the label's position (patched at the label's `end`, a loop's start now,
   * or a return stub for the function's label). The body starts a block of
   * its own (nothing before it is fused into it), so the region is exact.
   */
  private tryTable(body: Int32Array, pc: number): void {
    const st = this.st, enc = this.enc;
    const bt = body[pc + 2], n = body[pc + 3];
    const np = this.blockParams(bt), nr = this.blockResults(bt);
    st.materializeAll();
    enc.split();
    const clauses: number[] = [];
    const targets: Ctrl[] = [];
    for (let i = 0; i < n; i++) {
      const kind = body[pc + 4 + 3 * i], tag = body[pc + 5 + 3 * i], l = body[pc + 6 + 3 * i];
      const c = this.label(l);
      clauses.push(kind >= 2 ? -1 : tag, kind & 1, c.kind === K_FUNC ? 0 : st.canon(c.height), c.kind === K_LOOP ? c.loopPc : -1);
      targets.push(c);
    }
    const c = this.pushCtrl(K_BLOCK, st.h - np, np, nr, -1);
    c.tryStart = enc.len;
    c.clauses = clauses;
    // remember which labels the clauses branch to (their positions are patched when the region is written)
    c.clauseTargets = targets;
  }

  /** At a try_table's `end` (its label at `labelPos`): writes its region to handlerWords. */
  private endTry(c: Ctrl, labelPos: number): void {
    const h = this.handlerWords, clauses = c.clauses!;
    const targets = c.clauseTargets!;
    const n = clauses.length / 4;
    h.push(c.tryStart, labelPos, n);
    for (let k = 0; k < n; k++) {
      const q = h.length;
      h.push(clauses[4 * k], clauses[4 * k + 1], clauses[4 * k + 2], clauses[4 * k + 3]);
      const t = targets[k];
      if (t.kind === K_FUNC) this.returnStubFixups.push(q + 3);
      else if (t.kind !== K_LOOP) t.handlerFixups.push(q + 3);
    }
  }

  /**
   * br_on_null d: branches with the values below the reference when it is
   * null (reference id 0); otherwise the reference stays on the stack.
   */
  /**
   * Branch to label `d` (control frame `c`, operands materialized) when slot
   * `cond` is non-zero (`whenNonZero`) or zero: one conditional branch when
   * the label takes no value moves, else the inverse branch over a full `br`.
   */
  private branchIf(c: Ctrl, d: number, cond: number, whenNonZero: boolean): void {
    const enc = this.enc;
    if (c.kind !== K_FUNC && this.noMoves(c)) {
      this.target(c, enc.branch(whenNonZero ? Op.BR_IF_S : Op.BR_IF_EQZ_S, 1, cond, 0));
    } else {
      const skipPos = enc.branch(whenNonZero ? Op.BR_IF_EQZ_S : Op.BR_IF_S, 1, cond, 0);
      this.emitBr(d);
      enc.buf[skipPos] = enc.len;
    }
  }
  private brOnNull(d: number): void {
    const st = this.st, enc = this.enc;
    const c = this.label(d);
    const r = st.operand(st.h - 1);
    const inLocal = st.kinds[st.h - 1] === LOCAL;
    st.pop();
    st.materializeFrom(st.h - this.labelArity(c));
    this.branchIf(c, d, r, false);
    if (inLocal) st.pushLocal(r);
    else st.pushCanon();
  }

  /** br_on_non_null d: branches with the reference (the label's last value) when it is not null; otherwise drops it. */
  private brOnNonNull(d: number): void {
    const st = this.st, enc = this.enc;
    const c = this.label(d);
    st.materializeFrom(st.h - this.labelArity(c));
    const r = st.canon(st.h - 1);
    this.branchIf(c, d, r, true);
    st.pop();
  }

  private brTable(body: Int32Array, pc: number): void {
    const st = this.st, enc = this.enc;
    const n = body[pc + 2];
    const arity = this.labelArity(this.label(body[pc + 3 + n]));
    // SPEED: an i32.load right before a br_table without values (a `switch` on a
    // loaded byte code): one br_table_load
    const ld = arity === 0 ? st.takeProducer(st.h - 1, Op.I32_LOAD) : -1;
    if (ld >= 0) {
      const b = enc.buf, L = F.I32_LOAD;
      const addr = b[ld + L.addr], offset = b[ld + L.offset], imm = b[ld + L.imm], k = b[ld + L.k];
      st.pop();
      // SPEED: and an i32.add_si_tee right before the load (`op = code[pc++]`): one br_table_load_step
      const ts = enc.recStart, T = F.I32_ADD_SI_TEE;
      if (ts >= enc.labelPos && ts + OP_LENGTH[Op.I32_ADD_SI_TEE] === enc.len && b[ts] === Op.I32_ADD_SI_TEE) {
        const dst = b[ts + T.dst], a = b[ts + T.a], c = b[ts + T.b], dst2 = b[ts + T.dst2];
        enc.len = ts;
        enc.recStart = -1;
        enc.prevRecStart = -1;
        // SPEED: and a copy right before that (a dispatch loop's header copying its pc): the copy is the step's prefix
        const cs = enc.teeCopyStart;
        if (cs >= enc.labelPos && cs + OP_LENGTH[Op.COPY] === ts && b[cs] === Op.COPY) b[cs] = Op.COPY_BR_TABLE_LOAD_STEP;
        enc.teeCopyStart = -1;
        rec_dst_a_b_dst2_addr_offset_imm_k_n(enc, Op.BR_TABLE_LOAD_STEP, dst, a, c, dst2, addr, offset, imm, k, n);
      } else {
        rec_addr_offset_imm_k_n(enc, Op.BR_TABLE_LOAD, addr, offset, imm, k, n);
      }
    } else {
      const idx = st.operand(st.h - 1);
      st.pop();
      st.materializeFrom(st.h - arity);
      rec_idx_n(enc, Op.BR_TABLE_S, idx, n);
    }
    // then n + 1 (target, gas) pairs, the last the default
    const tpos = enc.targets(n + 1);
    // Targets needing moves (or returns) get a stub after the table, one per distinct label.
    // Every target has the same arity (validation), so whether the values are already in
    // place is one test of the stack, done once: linear in the targets whatever the arity.
    let inPlace = true;
    for (let i = st.h - arity; i < st.h; i++) if (st.kinds[i] !== CANON) inPlace = false;
    const valuesAt = st.h - arity;
    // SPEED: made for the first target that needs a stub (most tables need none)
    let stubs: Map<number, number> | null = null;
    for (let i = 0; i <= n; i++) {
      const d = body[pc + 3 + i];
      const c = this.label(d);
      if (c.kind !== K_FUNC && inPlace && c.height === valuesAt) { this.target(c, tpos + 2 * i); continue; }
      if (stubs === null) stubs = new Map<number, number>();
      let s = stubs.get(d);
      if (s === undefined) {
        s = enc.len;
        stubs.set(d, s);
        this.emitBr(d);
      }
      enc.buf[tpos + 2 * i] = s;
    }
  }

  // ---------------------------------------------------------------- compare-and-branch fusion

  /**
   * SPEED: `cmp; if`: rewrites the comparison just emitted (start `ps`, op
   * `pop_`, dst at `pd`) into a branch-when-false to the (still unknown) else
   * position and returns that target's position; -1 when not fusable (only
   * when nothing else needs materializing before the branch).
   */
  private fuseCompareIf(pd: number, ps: number, pop_: number): number {
    if (!this.fusable(pd, ps, pop_) || !this.pendingCanon()) return -1;
    return this.rewriteAsBranch(ps, pop_, true);
  }
  /** Every stack entry below the top is in its canonical slot (an `if` needs nothing materialized). */
  private pendingCanon(): boolean {
    const st = this.st;
    for (let i = st.pendingFrom; i < st.h - 1; i++) if (st.kinds[i] !== CANON) return false;
    return true;
  }
  /** SPEED: `cmp; br_if`: the same, branching when true, when the label's values are already in place. */
  private fuseCompareBrIf(pd: number, ps: number, pop_: number, c: Ctrl): boolean {
    if (!this.fusable(pd, ps, pop_) || !this.labelValuesInPlace(c)) return false;
    const t = this.rewriteAsBranch(ps, pop_, false);
    this.target(c, t);
    if (c.kind === K_LOOP) this.fuseDotLoop(t);
    return true;
  }
  /**
   * SPEED: a loop whose body is an f32.add_mul_ll, an f32.mul_ll_add2_s_add
   * and the br_if_add_si_i32_ne_si back to its start (whose target field is
   * at `t`; the gas record the loop may start with before them): the first
   * record's op becomes f32.dot2_loop, whose record spans the three (isa.ts),
   * all at the same positions, so the branch's target and fall are patched
   * and folded as before.
   */
  private fuseDotLoop(t: number): void {
    const enc = this.enc, b = enc.buf;
    const cs = t - TARGET_AT[Op.BR_IF_ADD_SI_I32_NE_SI];
    const bs = cs - OP_LENGTH[Op.F32_MUL_LL_ADD2_S_ADD], as = bs - OP_LENGTH[Op.F32_ADD_MUL_LL];
    if (as < enc.labelPos || b[cs] !== Op.BR_IF_ADD_SI_I32_NE_SI || b[bs] !== Op.F32_MUL_LL_ADD2_S_ADD || b[as] !== Op.F32_ADD_MUL_LL) return;
    const start = b[t];
    if (start !== as && !(start + OP_LENGTH[Op.GAS] === as && b[start] === Op.GAS)) return;
    b[as] = Op.F32_DOT2_LOOP;
    enc.lastStart = -1;
    enc.lastOp = -1;
  }
  /** The values a branch to c carries (below the condition on top) are in their canonical slots at the label's height: no moves. */
  private labelValuesInPlace(c: Ctrl): boolean {
    const st = this.st;
    const n = this.labelArity(c);
    for (let j = 0; j < n; j++) {
      const i = st.h - 1 - n + j;
      if (st.kinds[i] !== CANON || i !== c.height + j) return false;
    }
    return true;
  }
  /** The record that produced the top of stack is a comparison and the last one emitted. */
  private fusable(pd: number, ps: number, iop: number): boolean {
    return pd >= 0 && iop >= 0 && BR_IF_TRUE[iop] >= 0 && ps + OP_LENGTH[iop] === this.enc.len;
  }
  /**
   * Replaces the comparison record at `start` (the last emitted) by the fused
   * branch, which takes the comparison's operands (all fields but `dst`, in
   * order; gen-isa.js checks this); returns the position of its target field.
   */
  private rewriteAsBranch(start: number, iop: number, whenFalse: boolean): number {
    const enc = this.enc, b = enc.buf;
    const n = OP_LENGTH[iop] - 2;
    const x = b[start + 2], y = b[start + 3], z = b[start + 4];
    const bop = whenFalse ? BR_IF_FALSE[iop] : BR_IF_TRUE[iop];
    const fused = this.fuseLoadCompare(start, bop, x, y);
    enc.len = start;
    enc.lastDst = -1;
    if (fused >= 0) {
      // the load before the comparison is dropped too (its fields are in ld*)
      enc.len = this.ldStart;
      return this.loadBranch(fused, this.ldOther);
    }
    // SPEED: i32.eqz of a load just emitted (into its temporary or a local): one load branch tested against 0
    if (iop === Op.I32_EQZ_S && this.eqzLoad(start, x)) {
      enc.len = this.ldStart;
      enc.recStart = -1;
      enc.prevRecStart = -1;
      const z = bop === Op.BR_IF_EQZ_S;
      return this.loadBranch(this.ldOp === Op.I32_LOAD ? (z ? Op.BR_IF_LOAD_Z : Op.BR_IF_LOAD_NZ) : (z ? Op.BR_IF_LOAD8_U_Z : Op.BR_IF_LOAD8_U_NZ), -1);
    }
    // SPEED: a counter step right before the comparison of its result: one fused step-and-branch
    const ab = ADD_BRANCH[bop], as = enc.prevRecStart;
    if (ab >= 0 && this.isAddSi(as, start, x)) return this.addBranch(ab, as, y, true);
    // (i32.eq is symmetric: the step may be its right operand)
    if (ab >= 0 && bop === Op.BR_IF_I32_EQ_SS && this.isAddSi(as, start, y)) return this.addBranch(ab, as, x, true);
    if (bop === Op.BR_IF_I64_NE_SI && as >= enc.labelPos && as + OP_LENGTH[Op.I64_ADD_SI] === start && b[as] === Op.I64_ADD_SI && b[as + DST_AT] === x) {
      return this.addBranch64(as, y, z);
    }
    return enc.branch(bop, n, x, y, z);
  }
  /** The record at `at` is an i32.add_si writing `slot` that ends at `end`, with no label before it. */
  private isAddSi(at: number, end: number, slot: number): boolean {
    const enc = this.enc, b = enc.buf;
    return at >= enc.labelPos && at + OP_LENGTH[Op.I32_ADD_SI] === end && b[at] === Op.I32_ADD_SI && b[at + DST_AT] === slot;
  }
  /** The start of the last record when it is an i32.add_si that wrote the top of stack (a local it set, or its temporary); -1 otherwise. */
  private topAddSi(): number {
    const st = this.st, enc = this.enc, i = st.h - 1, k = st.kinds[i];
    if (k !== LOCAL && k !== CANON) return -1;
    const slot = k === LOCAL ? st.vals[i] : st.canon(i);
    return this.isAddSi(enc.recStart, enc.len, slot) ? enc.recStart : -1;
  }
  /**
   * Replaces the i32.add_si at `as` (the last record) by step-and-branch `op`
   * (isa.ts: dst, a, b, [c,] targets) with `c` its comparison operand when
   * `hasC`; returns the position of its target field.
   */
  private addBranch(op: number, as: number, c: number, hasC: boolean): number {
    const enc = this.enc, b0 = enc.buf, L = F.I32_ADD_SI;
    const dst = b0[as + L.dst], a = b0[as + L.a], k = b0[as + L.b];
    enc.len = as;
    enc.lastDst = -1;
    enc.recStart = -1;
    enc.prevRecStart = -1;
    const p = enc.len;
    const t = enc.branch(op, 0, 0, 0);
    const b = enc.buf;
    b[p + 1] = dst;
    b[p + 2] = a;
    b[p + 3] = k;
    if (hasC) b[p + 4] = c;
    return t;
  }
  /** addBranch for an i64 counter: the i64.add_si at `as` and `!= (clo, chi)` as one br_if_add_si_i64_ne_si; returns its target position. */
  private addBranch64(as: number, clo: number, chi: number): number {
    const enc = this.enc, b0 = enc.buf, L = F.I64_ADD_SI;
    const dst = b0[as + L.dst], a = b0[as + L.a], lo = b0[as + L.lo], hi = b0[as + L.hi];
    enc.len = as;
    enc.recStart = -1;
    enc.prevRecStart = -1;
    const p = enc.len;
    const t = enc.branch(Op.BR_IF_ADD_SI_I64_NE_SI, 0, 0, 0);
    const b = enc.buf, B = F.BR_IF_ADD_SI_I64_NE_SI;
    b[p + B.dst] = dst;
    b[p + B.a] = a;
    b[p + B.lo] = lo;
    b[p + B.hi] = hi;
    b[p + B.clo] = clo;
    b[p + B.chi] = chi;
    return t;
  }

  /**
   * SPEED: for fused branch `bop` (an i32 eq/ne) about to replace the
   * comparison record at `start` with operands x, y: when the record right
   * before it is an i32.load / i32.load8_u of one operand into its own
   * temporary, the load-and-compare branch op (ld* set; -1: none).
   */
  private fuseLoadCompare(start: number, bop: number, x: number, y: number): number {
    const enc = this.enc, b = enc.buf, ls = enc.prevRecStart;
    if (ls < enc.labelPos || ls >= start) return -1;
    const lop = b[ls];
    if ((lop !== Op.I32_LOAD && lop !== Op.I32_LOAD8_U) || ls + OP_LENGTH[lop] !== start) return -1;
    let j = -1;
    for (let i = 0; i < LOAD_COMPARE.length; i += 3) if (LOAD_COMPARE[i] === bop && LOAD_COMPARE[i + 1] === lop) j = LOAD_COMPARE[i + 2];
    if (j < 0) return -1;
    const d = b[ls + DST_AT];
    // the loaded value must be a temporary (the comparison consumed it); eq and ne are symmetric
    if (d < this.st.canon(0)) return -1;
    const immForm = bop === Op.BR_IF_I32_EQ_SI || bop === Op.BR_IF_I32_NE_SI;
    if (d === x && (immForm || y !== d)) this.ldOther = y;
    else if (d === y && !immForm) this.ldOther = x;
    else return -1;
    const L = F.I32_LOAD;
    this.ldStart = ls;
    this.ldAddr = b[ls + L.addr]; this.ldOffset = b[ls + L.offset]; this.ldImm = b[ls + L.imm]; this.ldK = b[ls + L.k];
    return j;
  }
  /** Whether the record before the i32.eqz at `start` is an i32.load / i32.load8_u writing `x` (the eqz's operand), with no label between; sets ld*. */
  private eqzLoad(start: number, x: number): boolean {
    const enc = this.enc, b = enc.buf, ls = enc.prevRecStart, L = F.I32_LOAD;
    if (ls < enc.labelPos || ls >= start) return false;
    const lop = b[ls];
    if ((lop !== Op.I32_LOAD && lop !== Op.I32_LOAD8_U) || ls + OP_LENGTH[lop] !== start || b[ls + DST_AT] !== x) return false;
    this.ldOp = lop;
    this.ldStart = ls;
    this.ldDst = x;
    this.ldAddr = b[ls + L.addr]; this.ldOffset = b[ls + L.offset]; this.ldImm = b[ls + L.imm]; this.ldK = b[ls + L.k];
    return true;
  }
  /**
   * SPEED: when the top of stack is an i32.load / i32.load8_u just emitted,
   * into its temporary or (`local.tee`) a local the top reads, takes it (its
   * fields in ld*, its destination in ldDst) and returns its op; else -1.
   */
  private takeLoad(): number {
    const st = this.st, enc = this.enc, b = enc.buf, L = F.I32_LOAD, i = st.h - 1;
    let lop: number = Op.I32_LOAD;
    let sp: number;
    if (st.kinds[i] === LOCAL) {
      sp = enc.recStart;
      if (sp < enc.labelPos) return -1;
      lop = b[sp];
      if ((lop !== Op.I32_LOAD && lop !== Op.I32_LOAD8_U) || sp + OP_LENGTH[lop] !== enc.len || b[sp + DST_AT] !== st.vals[i]) return -1;
      this.ldDst = st.vals[i];
      enc.len = sp;
      enc.lastDst = -1;
      enc.recStart = enc.prevRecStart;
      enc.prevRecStart = -1;
    } else {
      sp = st.takeProducer(i, lop);
      if (sp < 0) { lop = Op.I32_LOAD8_U; sp = st.takeProducer(i, lop); }
      if (sp < 0) return -1;
      this.ldDst = st.canon(i);
    }
    this.ldStart = sp;
    this.ldAddr = b[sp + L.addr]; this.ldOffset = b[sp + L.offset]; this.ldImm = b[sp + L.imm]; this.ldK = b[sp + L.k];
    return lop;
  }
  /** Emits load branch `op` (isa.ts: addr, [b,] offset, imm, k, targets) from the ld* fields, `other` its b (-1: none); returns its target position. */
  private loadBranch(op: number, other: number): number {
    const enc = this.enc, p = enc.len;
    const t = enc.branch(op, 0, 0, 0);
    const b = enc.buf;
    let q = p + 1;
    if (op === Op.BR_IF_LOAD_NZ || op === Op.BR_IF_LOAD_Z || op === Op.BR_IF_LOAD8_U_NZ || op === Op.BR_IF_LOAD8_U_Z) b[q++] = this.ldDst;
    b[q++] = this.ldAddr;
    if (other !== -1 || op === Op.BR_IF_I32_LOAD_EQ_I || op === Op.BR_IF_I32_LOAD_NE_I || op === Op.BR_IF_I32_LOAD8_U_EQ_I || op === Op.BR_IF_I32_LOAD8_U_NE_I) b[q++] = other;
    b[q++] = this.ldOffset;
    b[q++] = this.ldImm;
    b[q] = this.ldK;
    return t;
  }
}

/**
 * Whether constant bits (lo, hi) may be the immediate of binary op `iop`:
 * for f32 (bits in `hi`) and f64 ops only a normal float (isa.ts f32Imm,
 * f64Imm read it as significand times power of two); zeros, subnormals,
 * infinities and NaNs stay constants in a slot. Any other op: true.
 */
function floatImm(iop: number, lo: number, hi: number): boolean {
  if (iop >= Op.F32_ADD_SS && iop <= Op.F32_DIV_SS) {
    const e = (hi >>> 23) & 255;
    return e !== 0 && e !== 255;
  }
  if (iop >= Op.F64_ADD_SS && iop <= Op.F64_DIV_SS) {
    const e = (hi >>> 20) & 2047;
    return e !== 0 && e !== 2047;
  }
  return true;
}

/** The cold `_m` row (isa.ts) of every fast load and store row, by op number (-1: none). */
const MEM_M_OP: Int16Array = (() => {
  const t = new Int16Array(OP_NAMES.length).fill(-1);
  OP_NAMES.forEach((name, i) => {
    const j = OP_NAMES.indexOf(`${name}_m`);
    if (j >= 0) t[i] = j;
  });
  return t;
})();

/** Classes of wasm instructions in WASM_CLASS (SPEED: `var`, no temporal-dead-zone check per use; stack.ts). */
var W_OTHER = 0, W_BINARY = 1, W_UNARY = 2, W_LOAD = 3, W_STORE = 4;
/**
 * The class of each wasm op below WASM_BINARY.length: which of ops.ts's
 * WASM_BINARY, WASM_UNARY, WASM_LOAD, WASM_STORE maps it (W_OTHER: none);
 * WASM_IOP holds the internal op it maps to.
 */
const WASM_CLASS = new Uint8Array(WASM_BINARY.length);
const WASM_IOP = new Int16Array(WASM_BINARY.length).fill(-1);
for (const [table, cls] of [[WASM_BINARY, W_BINARY], [WASM_LOAD, W_LOAD], [WASM_STORE, W_STORE], [WASM_UNARY, W_UNARY]] as const) {
  for (let op = 0; op < WASM_BINARY.length; op++) {
    if (op < table.length && table[op] >= 0 && WASM_CLASS[op] === W_OTHER) {
      WASM_CLASS[op] = cls;
      WASM_IOP[op] = table[op];
    }
  }
}

const translator = new FuncTranslator();

/** fusePairs: triples (first op, second op, the first's prefix op `a__b`), sorted by first op, from the names (isa.ts `pair`). */
const PAIRS: Int32Array = (() => {
  const t: number[][] = [];
  OP_NAMES.forEach((name, p) => {
    const i = name.indexOf('__');
    if (i < 0) return;
    const a = OP_NAMES.indexOf(name.slice(0, i)), b = OP_NAMES.indexOf(name.slice(i + 2));
    if (a < 0 || b < 0) throw new Error(`compiler: pair ${name}`);
    t.push([a, b, p]);
  });
  t.sort((x, y) => x[0] - y[0]);
  return Int32Array.from(t.flat());
})();
/**
 * dropLoad: the positions of the slot fields of each op that may come
 * between a dropped load and its store (null: may not), by op: f64
 * arithmetic, its fused forms that load (no store among them), loads into
 * slots, constants and i32 adds; ops that write only slots and trap, if at
 * all, only out of bounds.
 */
const LOAD_SINK: ReadonlyArray<readonly number[] | null> = OP_NAMES.map((name, op) =>
  /^(f64\.((add|sub|mul|div)_s[si]|(sub|div|mul_div|sqrt_mul_div)_is|(add|sub)_sl|sub_ls|sub_sl_mul|add_add_sss|mul_mul_sss|(sqrt|abs|neg)_s)|i(32|64)\.load|const(32|64)|i32\.add_s[si])$/.test(name)
    // (f64.add_sl, f64.sub_sl and f64.sub_ls leave dst2, b2 and c2 unused, written 0)
    ? OP_SLOT_FIELDS[op].filter((f) => !/_(sl|ls)$/.test(name) || !/2$/.test(f)).map((f) => 1 + OP_FIELDS[op].indexOf(f))
    : null);
/** fusePairs: where PAIRS's first triple with each first op starts (-1: none), by op. */
const PAIR_FIRST: Int16Array = (() => {
  const t = new Int16Array(OP_NAMES.length).fill(-1);
  for (let j = PAIRS.length - 3; j >= 0; j -= 3) t[PAIRS[j]] = j;
  return t;
})();
/** fusePairs: the length of each op's record when it is fixed (no count field), 0 otherwise. */
const FIXED_RECORD_LENGTH: Uint8Array = (() => {
  const t = new Uint8Array(OP_LENGTH.length);
  for (let op = 0; op < t.length; op++) if (OP_COUNT_AT[op] === 0) t[op] = OP_LENGTH[op];
  return t;
})();
/** fusePairs: the prefix op of first op `a` before second op `b`, -1 when they are no pair. */
function pairOf(a: number, b: number): number {
  for (let j = PAIR_FIRST[a]; j < PAIRS.length && PAIRS[j] === a; j += 3) if (PAIRS[j + 1] === b) return PAIRS[j + 2];
  return -1;
}
/** addBranch: the step-and-branch op of each fused i32 compare-and-branch op (-1: none), by name. */
const ADD_BRANCH: Int16Array = (() => {
  const t = new Int16Array(OP_NAMES.length).fill(-1);
  OP_NAMES.forEach((name, i) => {
    if (!/^br_if_i32_[a-z_]+_s[si]$/.test(name)) return;
    const j = OP_NAMES.indexOf(name.replace('br_if_i32_', 'br_if_add_si_i32_'));
    if (j >= 0) t[i] = j;
  });
  return t;
})();
/** sinkAddress: the loads (fast rows, memory 0) a store's value may come from (1), by op number. */
const SINK_LOADS: Uint8Array = (() => {
  const t = new Uint8Array(OP_NAMES.length);
  for (const op of WASM_LOAD) if (op >= 0) t[op] = 1;
  t[Op.I32_LOAD_IDX] = 1;
  return t;
})();
/** sinkAddress: holds the address record while the load moves before it (longer than any record). */
const SINK_SCRATCH = new Int32Array(Math.max(...OP_LENGTH));
/** fuseLoadCompare: triples (fused i32 eq/ne branch, load, the load-and-compare branch). */
const LOAD_COMPARE: readonly number[] = [
  Op.BR_IF_I32_EQ_SS, Op.I32_LOAD, Op.BR_IF_I32_LOAD_EQ_S, Op.BR_IF_I32_NE_SS, Op.I32_LOAD, Op.BR_IF_I32_LOAD_NE_S,
  Op.BR_IF_I32_EQ_SI, Op.I32_LOAD, Op.BR_IF_I32_LOAD_EQ_I, Op.BR_IF_I32_NE_SI, Op.I32_LOAD, Op.BR_IF_I32_LOAD_NE_I,
  Op.BR_IF_I32_EQ_SS, Op.I32_LOAD8_U, Op.BR_IF_I32_LOAD8_U_EQ_S, Op.BR_IF_I32_NE_SS, Op.I32_LOAD8_U, Op.BR_IF_I32_LOAD8_U_NE_S,
  Op.BR_IF_I32_EQ_SI, Op.I32_LOAD8_U, Op.BR_IF_I32_LOAD8_U_EQ_I, Op.BR_IF_I32_NE_SI, Op.I32_LOAD8_U, Op.BR_IF_I32_LOAD8_U_NE_I,
];
/** fuseLoadOp: triples (load, binary op, the fused op). */
const LOAD_OPS: readonly number[] = [
  Op.I32_LOAD, Op.I32_ADD_SS, Op.I32_LOAD_ADD_S, Op.I32_LOAD, Op.I32_AND_SI, Op.I32_LOAD_AND_I,
  Op.I32_LOAD16_S, Op.I32_MUL_SS, Op.I32_LOAD16_S_MUL_S, Op.I32_LOAD8_U, Op.I32_ADD_SS, Op.I32_LOAD8_U_ADD_S,
  Op.I32_LOAD16_U, Op.I32_ADD_SS, Op.I32_LOAD16_U_ADD_S,
];
/** fuseLoadOp: where LOAD_OPS's first triple with each binary op starts (-1: none), by op. */
const LOAD_OP_FIRST: Int16Array = (() => {
  const t = new Int16Array(OP_NAMES.length).fill(-1);
  for (let j = LOAD_OPS.length - 3; j >= 0; j -= 3) t[LOAD_OPS[j + 1]] = j;
  return t;
})();
/** fuseXorShift64: pairs (i64 shift by 1..31, the fused xor op). */
const XOR_SHIFTS64: readonly number[] = [Op.I64_SHL_SI_LO, Op.I64_XOR_SHL_SI_LO, Op.I64_SHR_U_SI_LO, Op.I64_XOR_SHR_U_SI_LO];
/** fuseXorShift: pairs (shift by a constant, the fused xor op). */
const XOR_SHIFTS: readonly number[] = [
  Op.I32_ROTL_SI, Op.I32_XOR_ROTL_SSI, Op.I32_ROTR_SI, Op.I32_XOR_ROTL_SSI,
  Op.I32_SHR_U_SI, Op.I32_XOR_SHR_U_SSI, Op.I32_SHL_SI, Op.I32_XOR_SHL_SSI,
];

/**
 * Compiles defined function `codeIndex` of `vm` to bytecode (gas records
 * placed when `metered`), its code kept in `arena` (by default one of its own).
 */
export function compileFunction(vm: ValidatedModule, codeIndex: number, metered: boolean, schedule: GasSchedule, stats?: CompileStats, arena: CodeArena = new CodeArena()): CompiledFunc {
  return translator.compile(vm, codeIndex, metered, schedule, arena, stats);
}
