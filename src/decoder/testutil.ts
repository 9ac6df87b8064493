/**
 * Test helpers: a tiny builder of module binaries (spec 5.2 values, 5.5
 * sections) as plain byte arrays, for hand-written and generated modules.
 */

export type Bytes = number[];

/** Unsigned LEB128 (5.2.2) of a u32. */
export function uleb(v: number): Bytes {
  const out: Bytes = [];
  v = v >>> 0;
  do {
    const b = v & 0x7f;
    v >>>= 7;
    out.push(v ? b | 0x80 : b);
  } while (v);
  return out;
}

/** Signed LEB128 (5.2.2), shortest form. */
export function sleb(value: number | bigint): Bytes {
  const out: Bytes = [];
  let v = BigInt(value);
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && !(b & 0x40)) || (v === -1n && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export { I32, I64, FUNCREF, EXTERNREF } from './valtype.js';

/** A name (5.2.4): length, then UTF-8. */
export const str = (s: string): Bytes => [...uleb(Buffer.byteLength(s)), ...Buffer.from(s, 'utf8')];
export const vec = (items: Bytes[]): Bytes => [...uleb(items.length), ...items.flat()];
export const section = (id: number, content: Bytes): Bytes => [id, ...uleb(content.length), ...content];
export const HEADER: readonly number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
/** The preamble followed by the given sections. */
export const mod = (...sections: Bytes[]): Uint8Array => Uint8Array.from([...HEADER, ...sections.flat()]);

export const functype = (params: number[], results: number[]): Bytes => [0x60, ...vec(params.map((t) => [t])), ...vec(results.map((t) => [t]))];
export const typeSec = (...types: Bytes[]): Bytes => section(1, vec(types));
export const funcSec = (...typeidx: number[]): Bytes => section(3, vec(typeidx.map(uleb)));
export const codeSec = (...entries: Bytes[]): Bytes => section(10, vec(entries));

/** A code entry (5.5.13) from local groups `[count, valtype]` and raw instruction bytes (the final end is added). */
export const body = (instrs: Bytes, locals: Array<[number, number]> = []): Bytes => {
  const content = [...vec(locals.map(([n, t]) => [...uleb(n), t])), ...instrs, 0x0b];
  return [...uleb(content.length), ...content];
};

interface Around { before?: Bytes[]; after?: Bytes[] }

/** A module with one function of type [] -> [] whose code entry is `entry` (raw, sizes may lie). */
export const withCode = (entry: Bytes, extra: Around = {}): Uint8Array =>
  mod(typeSec(functype([], [])), funcSec(0), ...(extra.before ?? []), codeSec(entry), ...(extra.after ?? []));

/** A module with one function of type [] -> [] and the given body instructions. */
export const withBody = (instrs: Bytes, extra: Around = {}): Uint8Array => withCode(body(instrs), extra);
