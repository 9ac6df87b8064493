/**
 * The deterministic generator behind `random_get`: xoshiro128** 1.1
 * (Blackman and Vigna, https://prng.di.unimi.it/xoshiro128starstar.c), whose
 * 128-bit state is seeded from a 64-bit seed with SplitMix64
 * (https://prng.di.unimi.it/splitmix64.c), as its authors recommend: the
 * first two SplitMix64 outputs, each split into its low and high 32-bit
 * words, are s[0], s[1] and s[2], s[3]. Not cryptographic: a guest that
 * knows the seed knows every byte.
 */

const MASK64 = (1n << 64n) - 1n;

/** One SplitMix64 step: the new state and its output. */
function splitmix64(state: bigint): [bigint, bigint] {
  const s = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = s;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [s, z ^ (z >> 31n)];
}

/** xoshiro128** with a SplitMix64-seeded state. */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** `seed` is taken modulo 2^64 (a negative number or bigint as its two's complement). */
  constructor(seed: number | bigint) {
    if (typeof seed === 'number' && !Number.isSafeInteger(seed)) throw new RangeError(`WASI seed must be an integer, got ${seed}`);
    const [st, a] = splitmix64(BigInt.asUintN(64, BigInt(seed)));
    const [, b] = splitmix64(st);
    this.s0 = Number(a & 0xffffffffn) | 0;
    this.s1 = Number(a >> 32n) | 0;
    this.s2 = Number(b & 0xffffffffn) | 0;
    this.s3 = Number(b >> 32n) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }
  /** The next 32-bit output (unsigned). */
  next(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }
  /** Fills `out` with the next ceil(length / 4) outputs, each as 4 little-endian bytes (the last one's extra bytes are dropped). */
  fill(out: Uint8Array): void {
    const n = out.length;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const v = this.next();
      out[i] = v;
      out[i + 1] = v >>> 8;
      out[i + 2] = v >>> 16;
      out[i + 3] = v >>> 24;
    }
    if (i < n) {
      const v = this.next();
      for (let k = 0; i < n; i++, k += 8) out[i] = v >>> k;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
