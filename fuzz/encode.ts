/**
 * Binary encoding helpers (spec 5.2): LEB128, names, vectors and sections, for
 * the generators. Everything works on plain `number[]` byte lists.
 */

export type Bytes = number[];

/** Unsigned LEB128 of a u32 (spec 5.2.2). `pad` forces at least that many bytes (redundant 0x80s). */
export function uleb(n: number, pad = 0): Bytes {
  const out: Bytes = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0 || out.length + 1 < pad) byte |= 0x80;
    out.push(byte);
  } while (v !== 0 || out.length < pad);
  return out;
}

/** Signed LEB128 of an s32. */
export function sleb32(n: number): Bytes {
  return slebBig(BigInt(n | 0));
}

/** Signed LEB128 of a bigint (s33, s64). */
export function slebBig(n: bigint): Bytes {
  const out: Bytes = [];
  let v = n;
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export function name(s: string): Bytes {
  const b = Array.from(Buffer.from(s, 'utf8'));
  return [...uleb(b.length), ...b];
}

/** Appends `src` to `dst` without spreading (safe for very long arrays). */
export function append(dst: Bytes, src: ArrayLike<number>): Bytes {
  for (let i = 0; i < src.length; i++) dst.push(src[i]);
  return dst;
}

export function vec(items: Bytes[]): Bytes {
  const out = uleb(items.length);
  for (const it of items) append(out, it);
  return out;
}

export function section(id: number, body: Bytes): Bytes {
  return append([id, ...uleb(body.length)], body);
}

export const MAGIC_VERSION: Bytes = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export const I32 = 0x7f;
export const I64 = 0x7e;
export const FUNCREF = 0x70;
export const EXTERNREF = 0x6f;

export function functype(params: number[], results: number[]): Bytes {
  return [0x60, ...uleb(params.length), ...params, ...uleb(results.length), ...results];
}

/** Assembles a module from already-encoded sections (given in order). */
export function moduleBytes(sections: Bytes[]): Uint8Array<ArrayBuffer> {
  const out: Bytes = [...MAGIC_VERSION];
  for (const s of sections) append(out, s);
  return Uint8Array.from(out);
}

/** A function body (spec 5.5.13): locals as (count, type) runs, then code ending in `end`. */
export function funcBody(locals: Array<[number, number]>, code: Bytes): Bytes {
  const body: Bytes = [...uleb(locals.length)];
  for (const [n, t] of locals) body.push(...uleb(n), t);
  append(body, code);
  return append(uleb(body.length), body);
}
