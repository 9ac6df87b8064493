/**
 * A small seeded PRNG (xoshiro128**, seeded through splitmix32) so that every
 * fuzz case is reproducible from one 32-bit seed on every machine.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      // splitmix32
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  u32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (n <= 0) throw new RangeError(`Rng.int: empty range ${n}`);
    return Math.floor((this.u32() / 0x100000000) * n);
  }

  /** An integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 0x100000000 < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  /** Picks an index according to integer weights. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.int(total);
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** A 32-bit integer biased towards edge values. */
  i32Interesting(): number {
    switch (this.int(6)) {
      case 0: return this.pick(EDGE_I32);
      case 1: return this.range(-16, 16);
      case 2: return 1 << this.int(32);
      case 3: return this.pick(EDGE_I32) + this.range(-2, 2) | 0;
      default: return this.u32() | 0;
    }
  }

  /** A 64-bit integer (signed BigInt) biased towards edge values. */
  i64Interesting(): bigint {
    switch (this.int(6)) {
      case 0: return this.pick(EDGE_I64);
      case 1: return BigInt(this.range(-16, 16));
      case 2: return BigInt.asIntN(64, 1n << BigInt(this.int(64)));
      case 3: return BigInt.asIntN(64, this.pick(EDGE_I64) + BigInt(this.range(-2, 2)));
      case 4: return BigInt(this.i32Interesting());
      default: return BigInt.asIntN(64, (BigInt(this.u32()) << 32n) | BigInt(this.u32()));
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export const EDGE_I32: readonly number[] = [0, 1, -1, 2, -2, 0x7fffffff, -0x80000000, 0x7ffffffe, -0x7fffffff, 31, 32, 33, 63, 64, 0xff, 0xffff, 0x80, 0x8000, 65535, 65536];
export const EDGE_I64: readonly bigint[] = [
  0n, 1n, -1n, 2n, -2n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x7ffffffffffffffen, -0x7fffffffffffffffn,
  0x7fffffffn, -0x80000000n, 0xffffffffn, 0x100000000n, 63n, 64n, 65n, 32n, 0xffn, 0xffffn,
];
