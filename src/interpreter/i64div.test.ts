/**
 * i64 division and remainder (the inline estimate-and-correct steps of exec's
 * I64_DIV_U / I64_REM_U and divmodU64) against BigInt:
 * operands around powers of two, quotients at 0, 1 and 2^32 - 1 with
 * remainders 0 and y - 1 (where the double estimate is off by one), divisors
 * just above 2^32, around 2^62 and up to 2^64 - 1; divisors below 2^32 (the
 * high word divided first).
 */
import { instantiateWat, type Setup } from './testutil';

const M64 = (1n << 64n) - 1n;
const s64 = (x: bigint) => BigInt.asIntN(64, x);
const u64 = (x: bigint) => BigInt.asUintN(64, x);

let s: Setup;
beforeAll(async () => {
  s = await instantiateWat(`(module
    (func (export "div_u") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_u)
    (func (export "rem_u") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_u)
    (func (export "div_s") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_s)
    (func (export "rem_s") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_s))`);
});

/** Checks all four ops on (x, y) (unsigned operands, y != 0); returns the mismatches. */
function check(x: bigint, y: bigint, bad: string[]): void {
  const X = s64(x), Y = s64(y);
  const want: Record<string, bigint> = { div_u: s64(x / y), rem_u: s64(x % y), rem_s: s64(X % Y) };
  if (!(X === -(1n << 63n) && Y === -1n)) want.div_s = s64(X / Y);
  for (const [op, w] of Object.entries(want)) {
    const got = s.exports[op](X, Y);
    if (got !== w) bad.push(`${op}(${u64(x)}, ${u64(y)}) = ${got}, want ${w}`);
  }
}

const edges: bigint[] = [];
for (let k = 0n; k < 64n; k++) for (const d of [-2n, -1n, 0n, 1n, 2n]) edges.push(u64((1n << k) + d));
edges.push(M64, M64 - 1n, 0x123456789abcdef0n, 0xfedcba9876543210n);

test('powers of two +-1, +-2 and max values as both operands', () => {
  const bad: string[] = [];
  for (const x of edges) for (const y of edges) if (y !== 0n) check(x, y, bad);
  expect(bad.slice(0, 5)).toEqual([]);
});

test('quotients 0, 1, 2, 2^20 +- 1, 2^32 - 1 with remainders 0, 1, y - 1 for divisors just above 2^32, around 2^62, near 2^64', () => {
  const divisors: bigint[] = [];
  for (const base of [1n << 32n, 1n << 33n, 1n << 43n, 1n << 44n, 1n << 52n, 1n << 53n, 1n << 61n, 1n << 62n, 1n << 63n]) {
    for (const d of [-3n, -1n, 0n, 1n, 3n, 0x12345n]) divisors.push(base + d);
  }
  divisors.push(0x1_0000_0001n, 0x1_ffff_ffffn, 0x3fff_ffff_ffff_ffffn, M64, M64 - 0x12345n);
  const bad: string[] = [];
  for (const y of divisors) {
    for (const q of [0n, 1n, 2n, 3n, 7n, 8n, 0xffn, 0x100n, 0xffffn, 0x10000n, 0xfffffn, 0x100000n, 0x100001n, 0xffff_fffen, 0xffff_ffffn]) {
      for (const r of [0n, 1n, y - 1n, y / 2n]) {
        const x = q * y + r;
        if (x <= M64) check(x, y, bad);
      }
    }
  }
  expect(bad.slice(0, 5)).toEqual([]);
});

test('divisors below 2^32 (small constants, around 2^21 and 2^31, 2^32 - 1): random dividends and multiples +0/+1/+(y-1)', () => {
  let v = 0x13198a2e03707344n;
  const next = () => { v ^= (v << 13n) & M64; v ^= v >> 7n; v ^= (v << 17n) & M64; return v; };
  const bad: string[] = [];
  for (const y of [1n, 2n, 3n, 7n, 10n, 1000n, 0xffffn, 0x1fffffn, 0x200000n, 0x200001n, 1000000000n, 0x7fffffffn, 0x80000000n, 0x80000001n, 0xfffffffen, 0xffffffffn]) {
    for (let i = 0; i < 300; i++) {
      const x = next() >> (next() % 64n);
      check(x, y, bad);
      const q = x / y;
      for (const r of [0n, 1n, y - 1n]) if (q * y + r <= M64) check(q * y + r, y, bad);
    }
  }
  expect(bad.slice(0, 5)).toEqual([]);
});

test('random operands with divisors >= 2^32 of every magnitude', () => {
  let v = 0x243f6a8885a308d3n;
  const next = () => { v ^= (v << 13n) & M64; v ^= v >> 7n; v ^= (v << 17n) & M64; return v; };
  const bad: string[] = [];
  for (let i = 0; i < 20000; i++) {
    const x = next() >> (next() % 64n);
    const y = next() >> (next() % 32n); // >= 2^32 unless the draw is tiny
    if (y === 0n) continue;
    check(x, y, bad);
    // a multiple of y plus 0 or y - 1: where the estimate is most often off by one
    const q = next() % (M64 / y + 1n);
    check(q * y, y, bad);
    if (q * y + y - 1n <= M64) check(q * y + y - 1n, y, bad);
  }
  expect(bad.slice(0, 5)).toEqual([]);
});
