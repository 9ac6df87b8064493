/**
 * XXH32 (Yann Collet's xxHash, 32-bit variant; the algorithm as specified
 * in xxHash's doc/xxhash_spec.md) and `hash64`, two XXH32 of the same bytes
 * (seeds 0 and 1) computed in one pass: the integrity check of snapshots
 * (snapshot.ts) and the identity of modules and compiled code in them.
 *
 * Why XXH32: a snapshot of a large memory is hashed on every save and every
 * restore, and the check must stay within a small multiple of copying the
 * bytes. XXH32 needs only 32-bit multiplies (`Math.imul`), so it runs on
 * int32 words at memory speed in JS; FNV-1a 64 and SHA-256 are several times
 * slower without 64-bit integers. It detects accidental damage (truncation,
 * bit flips, a foreign file); it is not a defence against someone who
 * crafts a snapshot deliberately (no unkeyed hash is), which restore's
 * structural checks bound instead (snapshot.ts).
 */

const P1 = 0x9e3779b1 | 0;
const P2 = 0x85ebca77 | 0;
const P3 = 0xc2b2ae3d | 0;
const P4 = 0x27d4eb2f | 0;
const P5 = 0x165667b1 | 0;

/** Whether the host is little-endian (XXH32 reads its input as little-endian words). */
const LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** XXH32's tail and avalanche: bytes `[i, end)` of `b` after the stripes, total length `len`. */
function finish(h: number, b: Uint8Array, i: number, end: number, len: number): number {
  h = (h + len) | 0;
  for (; i + 4 <= end; i += 4) {
    const w = b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
    h = Math.imul(rotl((h + Math.imul(w, P3)) | 0, 17), P4);
  }
  for (; i < end; i++) h = Math.imul(rotl((h + Math.imul(b[i], P5)) | 0, 11), P1);
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The 32-bit words of `b[0, n)` (n a multiple of 4), as little-endian int32s: a view when aligned, else a copy. */
function words(b: Uint8Array, n: number): Int32Array {
  if (LITTLE && (b.byteOffset & 3) === 0) return new Int32Array(b.buffer, b.byteOffset, n >> 2);
  const w = new Int32Array(n >> 2);
  for (let k = 0; k < w.length; k++) {
    const i = 4 * k;
    w[k] = b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
  }
  return w;
}

/** XXH32 of `b` with `seed` (an unsigned 32-bit number). */
export function xxh32(b: Uint8Array, seed = 0): number {
  const len = b.length;
  let h: number;
  let i = 0;
  if (len >= 16) {
    const stripes = len & ~15;
    const w = words(b, stripes);
    let v1 = (seed + P1 + P2) | 0, v2 = (seed + P2) | 0, v3 = seed | 0, v4 = (seed - P1) | 0;
    for (let k = 0; k < w.length; k += 4) {
      v1 = Math.imul(rotl((v1 + Math.imul(w[k], P2)) | 0, 13), P1);
      v2 = Math.imul(rotl((v2 + Math.imul(w[k + 1], P2)) | 0, 13), P1);
      v3 = Math.imul(rotl((v3 + Math.imul(w[k + 2], P2)) | 0, 13), P1);
      v4 = Math.imul(rotl((v4 + Math.imul(w[k + 3], P2)) | 0, 13), P1);
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
    i = stripes;
  } else {
    h = (seed + P5) | 0;
  }
  return finish(h, b, i, len, len);
}

/**
 * 64 bits of check for `b`: [XXH32(b, 0), XXH32(b, 1)], computed in one pass
 * over the bytes (eight lanes instead of four).
 */
export function hash64(b: Uint8Array): [number, number] {
  const len = b.length;
  let h = (0 + P5) | 0, g = (1 + P5) | 0;
  let i = 0;
  if (len >= 16) {
    const stripes = len & ~15;
    const w = words(b, stripes);
    let a1 = (P1 + P2) | 0, a2 = P2, a3 = 0, a4 = (0 - P1) | 0;
    let b1 = (1 + P1 + P2) | 0, b2 = (1 + P2) | 0, b3 = 1, b4 = (1 - P1) | 0;
    for (let k = 0; k < w.length; k += 4) {
      const w1 = Math.imul(w[k], P2), w2 = Math.imul(w[k + 1], P2), w3 = Math.imul(w[k + 2], P2), w4 = Math.imul(w[k + 3], P2);
      a1 = Math.imul(rotl((a1 + w1) | 0, 13), P1);
      a2 = Math.imul(rotl((a2 + w2) | 0, 13), P1);
      a3 = Math.imul(rotl((a3 + w3) | 0, 13), P1);
      a4 = Math.imul(rotl((a4 + w4) | 0, 13), P1);
      b1 = Math.imul(rotl((b1 + w1) | 0, 13), P1);
      b2 = Math.imul(rotl((b2 + w2) | 0, 13), P1);
      b3 = Math.imul(rotl((b3 + w3) | 0, 13), P1);
      b4 = Math.imul(rotl((b4 + w4) | 0, 13), P1);
    }
    h = (rotl(a1, 1) + rotl(a2, 7) + rotl(a3, 12) + rotl(a4, 18)) | 0;
    g = (rotl(b1, 1) + rotl(b2, 7) + rotl(b3, 12) + rotl(b4, 18)) | 0;
    i = stripes;
  }
  return [finish(h, b, i, len, len), finish(g, b, i, len, len)];
}

/** `hash64` as 16 hex digits (seed 0's hash first): how messages and module identities show it. */
export function hash64Hex(b: Uint8Array): string {
  const [h, g] = hash64(b);
  return h.toString(16).padStart(8, '0') + g.toString(16).padStart(8, '0');
}
