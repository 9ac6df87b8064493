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

/** Unsigned LEB128 of a u64 (spec 5.2.2; memory64 offsets and limits). */
export function ulebBig(n: bigint): Bytes {
  const out: Bytes = [];
  let v = BigInt.asUintN(64, n);
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v !== 0n ? byte | 0x80 : byte);
  } while (v !== 0n);
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

export const EXNREF = 0x69;
/** Prefixes of the typed function references (spec 5.3.3): `(ref null $t)` and `(ref $t)`. */
export const REF_NULL = 0x63;
export const REF = 0x64;

/**
 * Value types are numbers: a one-byte type code (i32 0x7f ... exnref 0x69), or
 * a typed function reference `(ref null? $t)` as `(t + 1) << 8 | prefix`.
 */
export function refType(typeIdx: number, nullable: boolean): number {
  return ((typeIdx + 1) << 8) | (nullable ? REF_NULL : REF);
}

/** The type index a typed function reference points to (-1 for other types). */
export function refTarget(t: number): number {
  return (t >> 8) - 1;
}

/** Whether t is a typed function reference `(ref null? $t)`. */
export function isTypedRef(t: number): boolean {
  return t >= 0x100;
}

/** The encoding of value type t (a heap type index is an s33). */
export function valtype(t: number): Bytes {
  return isTypedRef(t) ? [t & 0xff, ...slebBig(BigInt(refTarget(t)))] : [t];
}

export function functype(params: number[], results: number[]): Bytes {
  return [0x60, ...uleb(params.length), ...params.flatMap(valtype), ...uleb(results.length), ...results.flatMap(valtype)];
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
  for (const [n, t] of locals) body.push(...uleb(n), ...valtype(t));
  append(body, code);
  return append(uleb(body.length), body);
}
