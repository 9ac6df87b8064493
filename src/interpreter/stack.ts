/**
 * The compiler's model of the operand stack at compile time.
 *
 * Frame layout (DESIGN.md): every value takes two int32 slots; local i lives
 * at slot 2*i (parameters first), the operand-stack value at height h at
 * slot 2*(numLocals + h) — its canonical slot. Both are known at compile
 * time, so instructions address their operands directly ("register style").
 * Each entry says where its value is now:
 *   CANON  in its canonical slot,
 *   LOCAL  still in a local's slot (`local.get` emits nothing: the consumer
 *          reads the local directly),
 *   C32/C64 a constant not yet written anywhere (`i32.const` emits nothing;
 *          binary ops take it as an immediate operand).
 * Entries are materialized (written to their canonical slot) when needed:
 * before the local they read is overwritten, at block boundaries, for branch
 * and call operands.
 */
import { Op, rec_dst_v, rec_dst_lo_hi } from './ops.js';
import type { Encoder } from './encoder.js';
import { I32, F32 } from '../decoder/valtype.js';
import type { valtype } from '../decoder/module.js';

/** Where an entry's value is (see the file comment). */
export var CANON = 0, LOCAL = 1, C32 = 2, C64 = 3;
// SPEED: `var`: reading a module-level `const` from a function costs a
// temporal-dead-zone check per access in V8, a `var` does not.

/** 1 for i32 and f32: a value in one slot, its high slot unread (DESIGN.md). */
export function isNarrow(t: valtype): number {
  return t === I32 || t === F32 ? 1 : 0;
}

/** The operand-stack model and which entries still read locals. */
export class OperandStack {
  /** Kind of each entry (CANON, LOCAL, C32, C64). */
  kinds = new Int32Array(64);
  /** LOCAL: the local's slot; C32/C64: the (low word of the) constant. */
  vals = new Int32Array(64);
  /** C64: the constant's high word. */
  his = new Int32Array(64);
  /** Height (entries). */
  h = 0;
  /** Largest height of the function so far. */
  maxH = 0;
  /** Entries below it are all CANON (keeps materializeAll linear overall). */
  pendingFrom = 0;
  /** Entries reading each local (LOCAL entries), by local index. */
  refCount = new Int32Array(64);
  /** Locals of the function, parameters included. */
  nLocals = 0;
  /** By local index: 1 when the local is an i32 or f32 (one slot of value, Encoder.copy `narrow`). */
  narrow = new Uint8Array(64);
  /** Work done, for the linearity tests (CompileStats). */
  steps = 0;
  /** Entries below it may hold values of the previous function. */
  private dirty = 0;

  constructor(private readonly enc: Encoder) {}

  /** Starts a function with `nLocals` locals. SPEED: the arrays are reused, cleared up to what was used. */
  reset(nLocals: number): void {
    this.kinds.fill(0, 0, this.dirty);
    this.vals.fill(0, 0, this.dirty);
    this.his.fill(0, 0, this.dirty);
    this.dirty = 0;
    this.h = 0;
    this.maxH = 0;
    this.pendingFrom = 0;
    this.steps = 0;
    this.nLocals = nLocals;
    if (this.refCount.length < nLocals) this.refCount = new Int32Array(nLocals);
    else this.refCount.fill(0, 0, nLocals);
  }
  /** The locals' types: `params`, then the declared runs (`narrow`). */
  localTypes(params: readonly number[], runs: ReadonlyArray<{ count: number; type: number }>): void {
    if (this.narrow.length < this.nLocals) this.narrow = new Uint8Array(this.nLocals);
    let i = 0;
    for (const t of params) this.narrow[i++] = isNarrow(t);
    for (const r of runs) {
      this.narrow.fill(isNarrow(r.type), i, i + r.count);
      i += r.count;
    }
  }

  /** The canonical slot of height i. */
  canon(i: number): number {
    return 2 * (this.nLocals + i);
  }

  /** Makes room for height n. */
  ensure(n: number): void {
    if (n > this.maxH) {
      this.maxH = n;
      if (n > this.dirty) this.dirty = n;
    }
    if (n <= this.kinds.length) return;
    let size = this.kinds.length * 2;
    while (size < n) size *= 2;
    const k = new Int32Array(size); k.set(this.kinds); this.kinds = k;
    const v = new Int32Array(size); v.set(this.vals); this.vals = v;
    const hh = new Int32Array(size); hh.set(this.his); this.his = hh;
  }
  private pending(): void {
    if (this.h < this.pendingFrom) this.pendingFrom = this.h;
  }
  /** Pushes a value in its canonical slot. */
  pushCanon(): void {
    this.ensure(this.h + 1);
    this.kinds[this.h++] = CANON;
  }
  /** Pushes a value still in local slot `slot`. */
  pushLocal(slot: number): void {
    this.ensure(this.h + 1);
    this.pending();
    this.kinds[this.h] = LOCAL;
    this.vals[this.h++] = slot;
    this.refCount[slot >> 1]++;
  }
  /** Pushes an i32 constant (also a null reference). */
  pushC32(v: number): void {
    this.ensure(this.h + 1);
    this.pending();
    this.kinds[this.h] = C32;
    this.vals[this.h++] = v;
  }
  /** Pushes an i64 constant. */
  pushC64(lo: number, hi: number): void {
    this.ensure(this.h + 1);
    this.pending();
    this.kinds[this.h] = C64;
    this.vals[this.h] = lo;
    this.his[this.h++] = hi;
  }
  /** Pops one entry. */
  pop(): void {
    const h = --this.h;
    if (this.kinds[h] === LOCAL) this.refCount[this.vals[h] >> 1]--;
  }
  /** Pops down to height n. */
  popTo(n: number): void {
    while (this.h > n) this.pop();
  }

  /** Writes entry i to its canonical slot (a copy or a constant store). */
  materialize(i: number): void {
    const k = this.kinds[i];
    if (k === CANON) return;
    const dst = this.canon(i);
    if (k === LOCAL) { this.enc.copy(dst, this.vals[i], this.narrow[this.vals[i] >> 1] === 1); this.refCount[this.vals[i] >> 1]--; }
    else if (k === C32) rec_dst_v(this.enc, Op.CONST32, dst, this.vals[i]);
    else rec_dst_lo_hi(this.enc, Op.CONST64, dst, this.vals[i], this.his[i]);
    this.kinds[i] = CANON;
  }
  /** Materializes entries from..h-1. */
  materializeFrom(from: number): void {
    this.materializeRange(from, this.h);
  }
  /** Materializes entries from..to-1. */
  materializeRange(from: number, to: number): void {
    for (let i = from; i < to; i++) this.materialize(i);
  }
  /** Materializes every entry (a block boundary). */
  materializeAll(): void {
    for (let i = this.pendingFrom; i < this.h; i++) { this.steps++; this.materialize(i); }
    this.pendingFrom = this.h;
  }
  /** Slot from which entry i can be read (constants are written first). */
  operand(i: number): number {
    const k = this.kinds[i];
    if (k === LOCAL) return this.vals[i];
    if (k !== CANON) this.materialize(i);
    return this.canon(i);
  }
  /**
   * Writes the value of entry i into slot dst (a copy or a constant store);
   * nothing if already there. `narrow`: the caller knows from the validated
   * types (the local's, the function result's) that the value is an i32 or
   * f32; a value still in a local has that local's type. A slot says nothing
   * of the type of the value moved into it (a return writes its results over
   * the parameters' slots).
   */
  moveTo(i: number, dst: number, narrow: boolean): void {
    const k = this.kinds[i];
    if (k === C32) rec_dst_v(this.enc, Op.CONST32, dst, this.vals[i]);
    else if (k === C64) rec_dst_lo_hi(this.enc, Op.CONST64, dst, this.vals[i], this.his[i]);
    else {
      const src = k === LOCAL ? this.vals[i] : this.canon(i);
      if (src !== dst) this.enc.copy(dst, src, k === LOCAL ? this.narrow[src >> 1] === 1 : narrow);
    }
  }
  /** Materializes every entry that still reads local x (before x is overwritten). */
  protectLocal(x: number): void {
    if (this.refCount[x] === 0) return;
    const slot = 2 * x;
    for (let i = this.h - 1; i >= 0 && this.refCount[x] > 0; i--) {
      this.steps++;
      if (this.kinds[i] === LOCAL && this.vals[i] === slot) this.materialize(i);
    }
  }
  /** Whether the last record produced entry i in its canonical slot (Encoder.produces). */
  produced(i: number): boolean {
    return this.kinds[i] === CANON && this.enc.produces(this.canon(i));
  }
  /**
   * Takes the last record when it is an `op` that produced entry i in its
   * canonical slot (Encoder.takeProducer). Not when an entry above i is a
   * constant whose canonical slot the record reads: the fused op's other
   * operand would be materialized there before the fused op reads the
   * record's operand (`(x * y) * 3.0`: y in slot h-1, then 3.0 written to it).
   */
  takeProducer(i: number, op: number): number {
    // SPEED: the last record's op first (Encoder.takeProducer's test), as most tries fail on it
    const rs = this.enc.recStart;
    if (rs < 0 || this.enc.buf[rs] !== op || this.kinds[i] !== CANON) return -1;
    for (let j = i + 1; j < this.h; j++) {
      if ((this.kinds[j] === C32 || this.kinds[j] === C64) && this.enc.lastReads(this.canon(j))) return -1;
    }
    return this.enc.takeProducer(op, this.canon(i));
  }
}
