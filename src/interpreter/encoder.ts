/**
 * The encoder: where the compiler writes bytecode records, and the part of
 * the compiler that owns gas placement and the peephole view of "the record
 * just emitted".
 *
 * Records are written through the typed emitters of ops.ts (`rec_*`,
 * generated from isa.ts), which take a `Sink` and return the record's start,
 * so fields are named by position (`p + F.X.field`).
 *
 * Gas (costs in src/gas/schedule.ts; what counts as executed: compiler.ts).
 * The body is cut into basic blocks at every label and after every branch,
 * return and call (`split`); the first charged instruction of a block emits
 * a `gas k` record whose k accumulates the block's static costs (`charge`).
 * So a block is charged in full before any of its instructions runs; when an
 * instruction traps in the middle of a block, the instructions after it in
 * that block have been charged too. Calls end a block, so a callee's
 * out_of_gas never includes the caller's instructions after the call.
 * SPEED: every branch target, fall-through and call return site is recorded
 * (`folds`); `foldGas` makes the branch charge the `gas k` that starts its
 * destination itself and land after it, saving one dispatch per edge.
 */
import type { GasSchedule } from '../gas/schedule.js';
import type { CodeArena } from './compiler.js';
import { Op, F, OP_LENGTH, TARGET_AT, FALL_AT, DST_AT, rec_k, rec_dst_src } from './ops.js';

/** A growable int32 output buffer. */
export interface Sink {
  /** Words written. */
  len: number;
  /** The buffer, with room for `n` more words after `len`. */
  room(n: number): Int32Array;
}

/** The encoder's buffer between functions. */
const NO_CODE: Int32Array = new Int32Array(0);

/** Bytecode output, gas placement and the last-record peephole state of one compiled function at a time. */
export class Encoder implements Sink {
  /**
   * The buffer: a view of the free tail of the code arena, where the function
   * being compiled stays as its code (compiler.ts CodeArena). Only `[0, len)`
   * is meaningful; records write every field, so nothing reads the words
   * after `len`.
   */
  buf: Int32Array = NO_CODE;
  /** The arena the function is written into. */
  arena: CodeArena | null = null;
  /** Words written. */
  len = 0;
  /** Whether gas records are placed (a metered compile). */
  metered = false;
  /** Static cost of each wasm instruction (decoder numbering). */
  costs: GasSchedule['static'] = new Float64Array(0);
  /** The next charged instruction starts a new block (emits a `gas` record). */
  needGas = true;
  /** Position of the current block's gas amount. */
  gasPos = -1;
  /**
   * Position of the (target, gas) pair of every edge, for foldGas: folds[0..nFolds).
   * Only a metered compile records them (an unmetered one has no `gas` records to fold).
   */
  folds = new Int32Array(256);
  nFolds = 0;
  /** Start of the code after the last label: records before it may not be fused with what follows. */
  labelPos = 0;
  /** Start of the last value-producing record and of the one before (chains of takeProducer). */
  recStart = -1;
  prevRecStart = -1;
  /** The record before prevRecStart when that was produced (kept by takeProducer: skipLocalStep reads it). */
  prev2RecStart = -1;
  /** Position of the `dst` field of the record that produced the top of stack, its start and op (-1: none). */
  lastDst = -1;
  lastStart = -1;
  lastOp = -1;
  /** Start of the last emitted `copy` record, -1 when something came after it. */
  copyStart = -1;
  /** Start of the last `copy2` record made of two copies (see `copy`: a copy after it may make it a copy4; `callPrefix`), -1 when none. */
  copy2Start = -1;
  /** Whether the copy at copyStart, and both copies of the copy2 at copy2Start, move i32/f32 values (copy4_32). */
  copyNarrow = false;
  copy2Narrow = false;

  /** Start of the copy right before the last i32.add_si_tee made (a dispatch loop's header, compiler brTable), -1 when none. */
  teeCopyStart = -1;

  /** Starts a function: empty output, no block open. */
  reset(metered: boolean, costs: GasSchedule['static'], arena: CodeArena): void {
    this.arena = arena;
    this.buf = arena.open();
    this.len = 0;
    this.metered = metered;
    this.costs = costs;
    this.needGas = true;
    this.gasPos = -1;
    this.nFolds = 0;
    this.labelPos = 0;
    this.recStart = -1;
    this.prevRecStart = -1;
    this.lastDst = -1;
    this.lastStart = -1;
    this.lastOp = -1;
    this.copyStart = -1;
    this.copy2Start = -1;
    this.teeCopyStart = -1;
  }

  /** The buffer, with room for `n` more words. SPEED: one capacity check per record, not one per word. */
  room(n: number): Int32Array {
    if (this.len + n > this.buf.length) this.grow(this.len + n);
    return this.buf;
  }
  private grow(min: number): void {
    // at least doubling: a big function moves O(its size) words in all
    this.buf = this.arena!.grow(this.buf, this.len, Math.max(min, 2 * this.len));
  }
  /** Ends the function (its code taken from the arena): holds neither the arena nor its chunk. */
  done(): void {
    this.buf = NO_CODE;
    this.arena = null;
  }

  /** Adds wasm instruction `op`'s static cost to the current block's gas record (placed on the block's first charge). */
  charge(op: number): void {
    // SPEED: small enough for V8 to inline everywhere; an unmetered compile pays one test.
    if (this.metered) this.chargeStatic(op);
  }
  private chargeStatic(op: number): void {
    const c = this.costs[op];
    if (c === 0) return;
    if (this.needGas) {
      this.gasPos = rec_k(this, Op.GAS, 0) + F.GAS.k;
      this.needGas = false;
      // a gas record between producer and consumer breaks "previous record"
      this.lastDst = -1;
    }
    this.buf[this.gasPos] += c;
  }
  /** Ends the current basic block; the next charged instruction starts a new one. */
  split(): void {
    this.needGas = true;
    this.lastDst = -1;
    this.labelPos = this.len;
  }
  /** Places a label here: patches `fixups` (target positions) with it and starts a block. */
  placeLabel(fixups: number[]): void {
    const pc = this.len;
    for (const p of fixups) this.buf[p] = pc;
    this.split();
  }

  /** Records that the record at `start` (op `iop`, -1 when it may not be fused) produced the top of stack. */
  produced(start: number, iop: number): void {
    this.prev2RecStart = this.prevRecStart;
    this.prevRecStart = this.recStart;
    this.recStart = start;
    this.lastDst = start + DST_AT;
    this.lastStart = start;
    this.lastOp = iop;
  }
  /**
   * Whether the last emitted record wrote `slot`, with no label in between:
   * takeProducer's condition without the op. SPEED: consumers try their
   * fusion rules only then.
   */
  produces(slot: number): boolean {
    const st = this.recStart;
    return st >= this.labelPos && st + OP_LENGTH[this.buf[st]] === this.len && this.buf[st + DST_AT] === slot;
  }
  /** Whether a word of the last record other than its destination is `slot` (maybe an immediate: then a false yes). */
  lastReads(slot: number): boolean {
    const st = this.recStart;
    if (st < 0) return false;
    for (let k = st + 1, e = st + OP_LENGTH[this.buf[st]]; k < e; k++) if (k !== st + DST_AT && this.buf[k] === slot) return true;
    return false;
  }
  /**
   * SPEED (superinstructions): when the last emitted record is an `op`
   * writing `slot`, with no label in between, removes it and returns its
   * start (its fields stay readable in buf); -1 otherwise. The consumer then
   * does the record's work itself.
   */
  takeProducer(op: number, slot: number): number {
    const st = this.recStart;
    if (st < this.labelPos || st + OP_LENGTH[op] !== this.len || this.buf[st] !== op || this.buf[st + DST_AT] !== slot) return -1;
    this.len = st;
    this.lastDst = -1;
    this.recStart = this.prevRecStart; // the record before may be taken next (chains)
    this.prevRecStart = -1;
    return st;
  }

  /**
   * Removes the record of `n` words at `at` (in the current block): the
   * records after it move up, and every position kept here at or after `at`
   * is forgotten (their fusions are not tried).
   */
  removeRecord(at: number, n: number): void {
    this.buf.copyWithin(at, at + n, this.len);
    this.len -= n;
    if (this.recStart >= at) this.recStart = -1;
    if (this.prevRecStart >= at) this.prevRecStart = -1;
    if (this.prev2RecStart >= at) this.prev2RecStart = -1;
    if (this.lastStart >= at) { this.lastDst = -1; this.lastStart = -1; this.lastOp = -1; }
    if (this.copyStart >= at) this.copyStart = -1;
    if (this.copy2Start >= at) this.copy2Start = -1;
    if (this.teeCopyStart >= at) this.teeCopyStart = -1;
  }

  /**
   * Emits a copy of one value (two slots). `narrow`: the value is an i32 or
   * f32, whose high slot no instruction reads (four such copies in a row
   * are one copy4_32).
   */
  copy(dst: number, src: number, narrow = false): void {
    const cs = this.copyStart;
    if (cs >= this.labelPos && cs + OP_LENGTH[Op.COPY] === this.len && this.buf[cs] === Op.COPY) {
      // SPEED: the copy back of what the last copy wrote (a call's result stored to a local, then that local
      // as the next call's argument in the same slot): S[dst] already holds S[src], and the next copy may fuse
      if (this.buf[cs + F.COPY.dst] === src && this.buf[cs + F.COPY.src] === dst) return;
      // SPEED: two copies in a row (local.get/local.set chains, branch moves):
      // one copy2, done in that order (the copy's fields are copy2's first two)
      const c2 = this.copy2Start;
      if (c2 >= this.labelPos && c2 + OP_LENGTH[Op.COPY2] === cs && this.buf[c2] === Op.COPY2) {
        // SPEED: and a copy2 right before them (a rotation of loop-carried locals): one copy4
        const b = this.room(OP_LENGTH[Op.COPY4] - OP_LENGTH[Op.COPY2] - OP_LENGTH[Op.COPY]);
        b[c2] = this.copy2Narrow && this.copyNarrow && narrow ? Op.COPY4_32 : Op.COPY4;
        b[c2 + F.COPY4.dst3] = b[cs + F.COPY.dst];
        b[c2 + F.COPY4.src3] = b[cs + F.COPY.src];
        b[c2 + F.COPY4.dst4] = dst;
        b[c2 + F.COPY4.src4] = src;
        this.len = c2 + OP_LENGTH[Op.COPY4];
        this.copyStart = -1;
        this.copy2Start = -1;
        return;
      }
      const b = this.room(OP_LENGTH[Op.COPY2] - OP_LENGTH[Op.COPY]);
      b[cs] = Op.COPY2;
      b[cs + F.COPY2.dst2] = dst;
      b[cs + F.COPY2.src2] = src;
      this.len = cs + OP_LENGTH[Op.COPY2];
      this.copyStart = -1;
      this.copy2Start = cs;
      this.copy2Narrow = this.copyNarrow && narrow;
      return;
    }
    const rs = this.recStart;
    if (rs >= this.labelPos && rs + OP_LENGTH[Op.I32_ADD_SI] === this.len && this.buf[rs] === Op.I32_ADD_SI && this.buf[rs + DST_AT] === src) {
      // SPEED: a copy of what the i32.add_si just emitted wrote: one i32.add_si_tee (the add's fields are its first three)
      const b = this.room(OP_LENGTH[Op.I32_ADD_SI_TEE] - OP_LENGTH[Op.I32_ADD_SI]);
      b[rs] = Op.I32_ADD_SI_TEE;
      b[rs + F.I32_ADD_SI_TEE.dst2] = dst;
      this.len = rs + OP_LENGTH[Op.I32_ADD_SI_TEE];
      this.teeCopyStart = cs >= this.labelPos && cs + OP_LENGTH[Op.COPY] === rs && b[cs] === Op.COPY ? cs : -1;
      this.copyStart = -1;
      return;
    }
    this.copyStart = rec_dst_src(this, Op.COPY, dst, src);
    this.copyNarrow = narrow;
  }

  /**
   * SPEED (call prefixes, isa.ts `copy_call`): a copy or copy2 that is the
   * last record, with no label after it, becomes op `prefix` or `prefix2`,
   * whose case does the copies and runs the call record emitted next
   * without a dispatch. Returns whether it made one.
   */
  callPrefix(prefix: number, prefix2: number): boolean {
    const cs = this.copyStart, c2 = this.copy2Start;
    if (cs >= this.labelPos && cs + OP_LENGTH[Op.COPY] === this.len && this.buf[cs] === Op.COPY) {
      this.buf[cs] = prefix;
      this.copyStart = -1;
      return true;
    }
    if (c2 >= this.labelPos && c2 + OP_LENGTH[Op.COPY2] === this.len && this.buf[c2] === Op.COPY2) {
      this.buf[c2] = prefix2;
      this.copy2Start = -1;
      return true;
    }
    return false;
  }

  /**
   * Emits a branch whose first `n` fields are a, b, c and returns the
   * position of its `target` field (patched later: a label's fixup or a
   * loop's start). A two-way branch's `fall` is the next record.
   */
  branch(op: number, n: number, a: number, b: number, c = 0): number {
    const cs = this.copyStart;
    if (op === Op.BR && cs >= this.labelPos && cs + OP_LENGTH[Op.COPY] === this.len && this.buf[cs] === Op.COPY) {
      // SPEED: a copy right before an unconditional branch: one copy_br
      this.copyStart = -1;
      return this.extendToBranch(cs, Op.COPY, Op.COPY_BR);
    }
    const rs = this.recStart;
    if (op === Op.BR && rs >= this.labelPos && rs + OP_LENGTH[Op.I32_ADD_SI] === this.len && this.buf[rs] === Op.I32_ADD_SI) {
      // SPEED: an i32.add_si right before an unconditional branch (a counter or pointer step): one i32.add_si_br
      this.recStart = -1;
      this.lastDst = -1;
      return this.extendToBranch(rs, Op.I32_ADD_SI, Op.I32_ADD_SI_BR);
    }
    const p = this.len, w = this.room(OP_LENGTH[op]);
    w[p] = op;
    if (n > 0) w[p + 1] = a;
    if (n > 1) w[p + 2] = b;
    if (n > 2) w[p + 3] = c;
    this.len = p + OP_LENGTH[op];
    const t = p + TARGET_AT[op];
    w[t] = 0;
    w[t + 1] = 0;
    this.fold(t);
    const fa = FALL_AT[op];
    if (fa !== 0) {
      w[p + fa] = this.len;
      w[p + fa + 1] = 0;
      this.fold(p + fa);
    }
    return t;
  }
  /**
   * Rewrites the record `from` just emitted at `start` into branch `to`, whose
   * first fields are `from`'s, and returns the position of its `target` field
   * (zero until patched, as `branch` leaves it).
   */
  private extendToBranch(start: number, from: number, to: number): number {
    const w = this.room(OP_LENGTH[to] - OP_LENGTH[from]);
    w[start] = to;
    const t = start + TARGET_AT[to];
    w[t] = 0;
    w[t + 1] = 0;
    this.len = start + OP_LENGTH[to];
    this.fold(t);
    return t;
  }
  /** A call's return site (`ret`: the pc after the call record and its block's gas), folded like a fall-through. */
  returnSite(p: number, op: number): void {
    const r = p + TARGET_AT[op];
    this.buf[r] = p + OP_LENGTH[op];
    this.fold(r);
  }
  /** `n` (target, gas) pairs for a br_table, zero until patched; returns the first's position. */
  targets(n: number): number {
    const t = this.len, w = this.room(2 * n);
    for (let i = 0; i < n; i++) {
      const q = t + 2 * i;
      w[q] = 0;
      w[q + 1] = 0;
      this.fold(q);
    }
    this.len = t + 2 * n;
    return t;
  }

  /** Records the edge whose (target, gas) pair is at `t` (metered compiles only). */
  private fold(t: number): void {
    if (!this.metered) return;
    if (this.nFolds === this.folds.length) {
      const n = new Int32Array(2 * this.folds.length);
      n.set(this.folds);
      this.folds = n;
    }
    this.folds[this.nFolds++] = t;
  }

  /** See the file comment. Runs when every label and gas amount is final. */
  foldGas(): void {
    const b = this.buf, f = this.folds;
    for (let i = 0; i < this.nFolds; i++) {
      const tp = f[i];
      const t = b[tp];
      if (t < this.len && b[t] === Op.GAS) {
        b[tp + 1] = b[t + 1];
        b[tp] = t + 2;
      }
    }
  }
}
