/**
 * Function names from the custom "name" section (spec Appendix 7.4 "Custom
 * Sections", 7.4.1 "Name Section"; subsection id 1 = function names), used to
 * say where a trap happened. The name section is a custom section: a
 * malformed one must not make the module invalid, so any decoding problem
 * here just means "no names".
 */
import type { customsec } from '../decoder/module.js';

const FUNCTION_NAMES = 1;

/** funcidx -> name, from the first "name" custom section; empty when absent or malformed. */
export function functionNames(customs: readonly customsec[]): Map<number, string> {
  const sec = customs.find((c) => c.name === 'name');
  if (sec === undefined) return new Map();
  try {
    return readFunctionNames(sec.data);
  } catch {
    return new Map();
  }
}

class Cursor {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.bytes.length) throw new RangeError('name section: unexpected end');
      const b = this.bytes[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) throw new RangeError('name section: integer too large');
        return result;
      }
    }
    throw new RangeError('name section: integer representation too long');
  }
  bytesOf(n: number): Uint8Array {
    if (this.pos + n > this.bytes.length) throw new RangeError('name section: unexpected end');
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}

function readFunctionNames(data: Uint8Array): Map<number, string> {
  const names = new Map<number, string>();
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const r = new Cursor(data);
  while (r.pos < data.length) {
    const id = data[r.pos++];
    const size = r.u32();
    const body = new Cursor(r.bytesOf(size));
    if (id !== FUNCTION_NAMES) continue;
    const n = body.u32();
    for (let i = 0; i < n; i++) {
      const idx = body.u32();
      const len = body.u32();
      names.set(idx, utf8.decode(body.bytesOf(len)));
    }
    break;
  }
  return names;
}
