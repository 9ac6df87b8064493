/**
 * A bounds-checked cursor over the module binary (spec 5.1, 5.2): bytes,
 * LEB128 integers (5.2.2), byte vectors and names (5.2.4).
 *
 * Every read stays below `end` (the end of the current section or function
 * body, or of the whole binary). Running past it is a `MalformedError` whose
 * message is `eofMessage` ("unexpected end" at the top level, "unexpected end
 * of section or function" inside a section, as the reference interpreter says).
 */
import { MalformedError, LimitError } from '../errors.js';
import { decodeUtf8 } from './utf8.js';

export const EOF_TOP = 'unexpected end';
export const EOF_SECTION = 'unexpected end of section or function';

export class Reader {
  readonly bytes: Uint8Array;
  pos: number;
  end: number;
  eofMessage: string;

  constructor(bytes: Uint8Array, pos = 0, end = bytes.length, eofMessage = EOF_TOP) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
    this.eofMessage = eofMessage;
  }

  fail(message: string, offset: number = this.pos): never {
    throw new MalformedError(message, offset);
  }

  eof(): never {
    throw new MalformedError(this.eofMessage, this.pos);
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  u8(): number {
    if (this.pos >= this.end) this.eof();
    return this.bytes[this.pos++];
  }

  /** The next byte without consuming it, or -1 at the end. */
  peek(): number {
    return this.pos < this.end ? this.bytes[this.pos] : -1;
  }

  /** A byte that must be 0x00 (reserved memory/table index bytes of 2.0). */
  zeroByte(): number {
    const at = this.pos;
    if (this.u8() !== 0) this.fail('zero byte expected', at);
    return 0;
  }

  /**
   * u32 in unsigned LEB128 (5.2.2): at most 5 bytes; the 5th byte may use only
   * its low 4 bits. Returns a non-negative number.
   */
  u32(): number {
    const b0 = this.u8();
    if (b0 < 0x80) return b0; // fast path
    let result = b0 & 0x7f;
    let shift = 7;
    for (let i = 1; ; i++) {
      const at = this.pos;
      const b = this.u8();
      if (i === 4) {
        if (b & 0x80) this.fail('integer representation too long', at);
        if (b & 0x70) this.fail('integer too large', at);
        return result + (b & 0x0f) * 0x10000000; // 2^28
      }
      result |= (b & 0x7f) << shift;
      if (!(b & 0x80)) return result >>> 0;
      shift += 7;
    }
  }

  /**
   * A vector length: every item takes at least one byte, so it must fit in
   * the bytes left. Checked before anything is allocated, so a huge claimed
   * count costs nothing. (Only this lower bound is checked up front, so that
   * an item that is cut short or malformed reports its own error, in the
   * reference interpreter's order.)
   */
  count(): number {
    const n = this.u32();
    if (n > this.end - this.pos) this.eof();
    return n;
  }

  /** s32 in signed LEB128: the 5th byte's unused bits must extend the sign. */
  s32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; ; i++) {
      const at = this.pos;
      const b = this.u8();
      if (i === 4) {
        if (b & 0x80) this.fail('integer representation too long', at);
        const high = b & 0x78; // bit 3 is the sign (bit 31), bits 4..6 unused
        if (high !== 0 && high !== 0x78) this.fail('integer too large', at);
        return result | (b << 28);
      }
      result |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) {
        if (b & 0x40 && shift < 32) result |= -1 << shift;
        return result;
      }
    }
  }

  /**
   * s33 in signed LEB128 (block types, 5.4.1), returned as a number in
   * [-2^32, 2^32).
   */
  s33(): number {
    let result = 0; // accumulated as a non-negative number below 2^35
    let scale = 1;
    for (let i = 0; ; i++) {
      const at = this.pos;
      const b = this.u8();
      if (i === 4) {
        if (b & 0x80) this.fail('integer representation too long', at);
        const high = b & 0x70; // bit 4 is the sign (bit 32), bits 5..6 unused
        if (high !== 0 && high !== 0x70) this.fail('integer too large', at);
        result += (b & 0x1f) * scale;
        return b & 0x10 ? result - 2 ** 33 : result;
      }
      result += (b & 0x7f) * scale;
      scale *= 128;
      if (!(b & 0x80)) return b & 0x40 ? result - scale : result;
    }
  }

  /**
   * s64 in signed LEB128 (i64.const), as its two 32-bit halves written to
   * `out[0]` (low) and `out[1]` (high).
   */
  s64(out: Int32Array | number[]): void {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; ; i++) {
      const at = this.pos;
      const b = this.u8();
      const g = b & 0x7f;
      if (i === 9) {
        if (b & 0x80) this.fail('integer representation too long', at);
        if (g !== 0 && g !== 0x7f) this.fail('integer too large', at); // bit 0 is bit 63
        hi |= g << 31;
        break;
      }
      if (shift < 28) {
        lo |= g << shift;
      } else if (shift === 28) {
        lo |= g << 28; // low 4 bits into lo
        hi |= g >>> 4;
      } else {
        hi |= g << (shift - 32);
      }
      shift += 7;
      if (!(b & 0x80)) {
        if (g & 0x40) {
          // sign-extend from bit `shift`
          if (shift < 32) {
            lo |= -1 << shift;
            hi = -1;
          } else {
            hi |= -1 << (shift - 32);
          }
        }
        break;
      }
    }
    out[0] = lo;
    out[1] = hi;
  }

  /**
   * u64 in unsigned LEB128 (memory64 limits and memarg offsets): at most 10
   * bytes, the 10th may use only its lowest bit. The two 32-bit halves are
   * written to `out[0]` (low) and `out[1]` (high), as unsigned patterns.
   */
  u64(out: Int32Array | number[]): void {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; ; i++) {
      const at = this.pos;
      const b = this.u8();
      const g = b & 0x7f;
      if (i === 9) {
        if (b & 0x80) this.fail('integer representation too long', at);
        if (g > 1) this.fail('integer too large', at);
        hi |= g << 31;
        break;
      }
      if (shift < 28) lo |= g << shift;
      else if (shift === 28) {
        lo |= g << 28;
        hi |= g >>> 4;
      } else hi |= g << (shift - 32);
      shift += 7;
      if (!(b & 0x80)) break;
    }
    out[0] = lo;
    out[1] = hi;
  }

  /** `n` raw bytes as a view into the binary. */
  bytesView(n: number): Uint8Array {
    if (n > this.end - this.pos) this.eof();
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A byte vector: u32 length then the bytes. */
  byteVec(): Uint8Array {
    const n = this.u32();
    return this.bytesView(n);
  }

  /** A name (5.2.4): u32 length, then that many bytes of valid UTF-8. */
  name(maxNameLength: number): string {
    const at = this.pos;
    const n = this.u32();
    if (n > this.end - this.pos) this.eof();
    if (n > maxNameLength) throw new LimitError('maxNameLength', maxNameLength, n, at);
    const start = this.pos;
    this.pos += n;
    return decodeUtf8(this.bytes, start, start + n);
  }
}

/** SPEED: keeps this class's object shape alive between modules (src/validator/README.md, "Object shapes"). */
export const KEPT_READER = new Reader(new Uint8Array(0));
