/**
 * Strict UTF-8 decoding for names (spec 5.2.4): shortest-form encodings only,
 * no surrogates (U+D800..U+DFFF), nothing above U+10FFFF. A byte order mark is
 * an ordinary character. Anything else is "malformed UTF-8 encoding", reported
 * at the offending sequence.
 */
import { MalformedError } from '../errors.js';

const MESSAGE = 'malformed UTF-8 encoding';

export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  let out = '';
  let chunk: number[] = [];
  let i = start;
  while (i < end) {
    const at = i;
    const b0 = bytes[i++];
    let cp: number;
    if (b0 < 0x80) {
      cp = b0;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      cp = ((b0 & 0x1f) << 6) | cont(bytes, i++, end, at);
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      const b1 = cont(bytes, i++, end, at);
      const b2 = cont(bytes, i++, end, at);
      cp = ((b0 & 0x0f) << 12) | (b1 << 6) | b2;
      if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) throw new MalformedError(MESSAGE, at);
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      const b1 = cont(bytes, i++, end, at);
      const b2 = cont(bytes, i++, end, at);
      const b3 = cont(bytes, i++, end, at);
      cp = ((b0 & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3;
      if (cp < 0x10000 || cp > 0x10ffff) throw new MalformedError(MESSAGE, at);
    } else {
      // 0x80..0xC1 (continuation or overlong 2-byte lead), 0xF5..0xFF
      throw new MalformedError(MESSAGE, at);
    }
    chunk.push(cp);
    if (chunk.length >= 4096) {
      out += String.fromCodePoint(...chunk);
      chunk = [];
    }
  }
  if (chunk.length) out += String.fromCodePoint(...chunk);
  return out;
}

/** The 6 payload bits of a continuation byte at `i`, which must exist. */
function cont(bytes: Uint8Array, i: number, end: number, at: number): number {
  if (i >= end) throw new MalformedError(MESSAGE, at);
  const b = bytes[i];
  if ((b & 0xc0) !== 0x80) throw new MalformedError(MESSAGE, at);
  return b & 0x3f;
}
