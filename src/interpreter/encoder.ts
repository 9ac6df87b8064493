/**
 * Where the compiler writes bytecode records. The typed record emitters of
 * ops.ts (`rec_*`, generated from isa.ts) write into a `Sink` and return the
 * record's start, so the compiler names fields by position (`p + F.X.field`)
 * instead of counting back from the end.
 */

/** A growable int32 output buffer. */
export interface Sink {
  /** Words written. */
  len: number;
  /** The buffer, with room for `n` more words after `len`. */
  room(n: number): Int32Array;
}

/** The compiler's output buffer (one, reused for every function). */
export class Out implements Sink {
  /** The buffer; only `[0, len)` is meaningful, the rest reads as zeros. */
  buf = new Int32Array(4096);
  /** Words written. */
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
  /** Appends one word. */
  push(v: number): void {
    this.room(1)[this.len++] = v;
  }
}
