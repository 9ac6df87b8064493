/**
 * Differential test of float.ts against Node's own WebAssembly: one tiny
 * exported function per float instruction, built with wabt, whose operands and
 * result cross the JS boundary as integer bits (i32/i64 reinterpret wrappers),
 * so no NaN passes through a JS double on the native side. Inputs: edge values
 * (zeros, infinities, NaNs with payloads and signs, subnormals, 2^31/2^32/
 * 2^63/2^64 boundaries, ties, values around 2^24 and 2^53) and thousands of
 * random bit patterns. Non-NaN results must be bit-identical; where V8
 * produces a NaN from an arithmetic instruction we must produce exactly the
 * canonical NaN; bitwise instructions must keep payloads exactly.
 */
import { wat } from './testutil';
import { Rng } from '../../fuzz/prng';
import { Trap } from '../errors';
import * as F from './float';

const rng = new Rng(0xf10a7);
const rand32 = (): number => rng.u32() | 0;

// ---------------------------------------------------------------- inputs

const f32Edges: number[] = [
  0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fa00001, 0xff812345, 0x7fffffff, 0x7f800001,
  1, 0x80000001, 0x007fffff, 0x807fffff, 0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff,
  0x3f800000, 0xbf800000, 0x3f000000, 0xbf000000, 0x3effffff, 0xbeffffff, 0x3f000001, 0x3fc00000, 0xbfc00000,
  0x40200000, 0xc0200000, 0x40600000, 0x3f7fffff, 0xbf7fffff, 0x3f3fffff,
  0x4b000000, 0x4b000001, 0xcb000001, 0x4b7fffff, 0x4b800000, 0x4b800001, 0x4affffff, 0x4afffffe,
  0x4f000000, 0xcf000000, 0x4effffff, 0xceffffff, 0xcf000001, 0x4f800000, 0x4f7fffff,
  0x5f000000, 0xdf000000, 0x5effffff, 0xdf000001, 0x5f800000, 0x5f7fffff, 0xbf7ffffe, 0xbf800001,
].map((x) => x | 0);

function f64Bits(x: number): [number, number] {
  const f = new Float64Array([x]);
  const w = new Int32Array(f.buffer);
  return [w[0], w[1]];
}
const f64Values = [
  0, -0, Infinity, -Infinity, 1, -1, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 0.49999999999999994, -0.49999999999999994,
  5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308, -1.7976931348623157e308,
  2147483647, 2147483647.9, 2147483648, -2147483648, -2147483648.9, -2147483649, 4294967295, 4294967295.9, 4294967296, -0.9, -1.0000000000000002,
  2 ** 52, 2 ** 52 + 0.5, 2 ** 52 - 0.5, 2 ** 52 + 1, 2 ** 53, 2 ** 53 - 1, 2 ** 53 + 2, -(2 ** 53), 4503599627370495.5, -4503599627370495.5,
  2 ** 63, -(2 ** 63), 2 ** 63 - 1024, -(2 ** 63) - 2048, 2 ** 64, 2 ** 64 - 2048, 2 ** 24, 2 ** 24 + 1, 2 ** 24 - 1, 16777217.5,
  1 + 2 ** -24, 1 + 2 ** -24 + 2 ** -52, 1 + 2 ** -23 + 2 ** -24, 1 - 2 ** -25, 3.4028234663852886e38, 3.4028235677973366e38, 3.402823567797337e38,
  1.401298464324817e-45, 7.006492321624085e-46, 7.006492321624087e-46, 1.1754943508222875e-38, 0.1, -0.1, Math.PI, 1e300, 1e-300,
];
const f64Edges: [number, number][] = [
  ...f64Values.map(f64Bits),
  [0, 0x7ff80000], [0, 0xfff80000 | 0], [1, 0x7ff00000], [0x12345, 0x7ff80000], [-1, -1], [-1, 0x7fffffff], [0, 0x7ff40000], [7, 0xfff00000 | 0],
];

const i32Edges = [0, 1, -1, 2, 0x7fffffff, -0x80000000, 0x1000001, 0x1000003, -0x1000001, 0x7fffff80, 0x7fffffc0, 0x7fffffbf, 0xffffff80 | 0, 16777216, 123456789];

function i64Edges(): [number, number][] {
  const out: [number, number][] = [[0, 0], [1, 0], [-1, -1], [-1, 0x7fffffff], [0, -0x80000000], [1, -0x80000000], [-1, 0], [0, 1], [1, 0x200000], [-1, 0x1fffff], [0, 0x200000]];
  // ties and near-ties of f32 and f64 rounding at many magnitudes (the double-rounding cases)
  for (let e = 24; e < 64; e++) {
    for (const kept of [24, 53]) {
      if (e < kept) continue;
      const base = 1n << BigInt(e);
      const half = 1n << BigInt(e - kept);
      for (const m of [0n, 1n, 2n, 3n]) {
        for (const delta of [-1n, 0n, 1n]) {
          const v = base + (m * 2n * half) + half + delta;
          for (const s of [v, -v]) {
            const u = BigInt.asUintN(64, s);
            out.push([Number(BigInt.asIntN(32, u)), Number(BigInt.asIntN(32, u >> 32n))]);
          }
        }
      }
    }
  }
  return out;
}

/** A random f32 bit pattern: uniform bits, or a value near an interesting magnitude. */
function randF32(): number {
  switch (rng.u32() % 4) {
    case 0: return rand32();
    case 1: return (rng.u32() % 3 === 0 ? 0x7f800000 | rng.u32() : (rand32() & 0x80ffffff) | ((120 + (rng.u32() % 70)) << 23)) | 0;
    case 2: return (rand32() & 0x807fffff) | ((0x7f + (rng.u32() % 65)) << 23);
    default: return f32Edges[rng.u32() % f32Edges.length] + ((rng.u32() % 5) - 2) | 0;
  }
}
function randF64(): [number, number] {
  switch (rng.u32() % 4) {
    case 0: return [rand32(), rand32()];
    case 1: return [rand32(), (rand32() & 0x800fffff) | ((0x3ff + (rng.u32() % 70)) << 20)];
    case 2: return [rand32(), rand32() | 0x7ff00000];
    default: {
      const [lo, hi] = f64Edges[rng.u32() % f64Edges.length];
      return [(lo + (rng.u32() % 5) - 2) | 0, hi];
    }
  }
}
function randI64(): [number, number] {
  const bits = rng.u32() % 65;
  const lo = rand32(), hi = rand32();
  if (bits >= 32) return [lo, bits === 64 ? hi : hi & ((1 << (bits - 32)) - 1)];
  return [bits === 0 ? 0 : lo & (bits === 32 ? -1 : (1 << bits) - 1), 0];
}

const N_RANDOM = 3000;
const f32Inputs = [...f32Edges, ...Array.from({ length: N_RANDOM }, randF32)];
const f64Inputs = [...f64Edges, ...Array.from({ length: N_RANDOM }, randF64)];
const i32Inputs = [...i32Edges, ...Array.from({ length: N_RANDOM }, rand32)];
const i64Inputs = [...i64Edges(), ...Array.from({ length: N_RANDOM }, randI64)];
const f32Pairs: [number, number][] = [];
for (const a of f32Edges) for (const b of f32Edges) f32Pairs.push([a, b]);
for (let i = 0; i < N_RANDOM; i++) f32Pairs.push([randF32(), rng.u32() % 4 === 0 ? f32Edges[rng.u32() % f32Edges.length] : randF32()]);
const f64Pairs: [[number, number], [number, number]][] = [];
for (const a of f64Edges) for (const b of f64Edges) f64Pairs.push([a, b]);
for (let i = 0; i < N_RANDOM; i++) f64Pairs.push([randF64(), rng.u32() % 4 === 0 ? f64Edges[rng.u32() % f64Edges.length] : randF64()]);

// ---------------------------------------------------------------- the native module

const big = (lo: number, hi: number): bigint => BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
const words = (b: bigint): [number, number] => [Number(BigInt.asIntN(32, b)), Number(BigInt.asIntN(32, b >> 32n))];
const isNaN32 = (b: number) => (b & 0x7fffffff) > 0x7f800000;
const isNaN64 = (lo: number, hi: number) => (hi & 0x7fffffff) > 0x7ff00000 || ((hi & 0x7fffffff) === 0x7ff00000 && lo !== 0);
const hex32 = (b: number) => '0x' + (b >>> 0).toString(16).padStart(8, '0');
const hex64 = (lo: number, hi: number) => hex32(hi) + (lo >>> 0).toString(16).padStart(8, '0');

const UN32 = ['abs', 'neg', 'sqrt', 'ceil', 'floor', 'trunc', 'nearest'];
const BIN32 = ['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign'];
const CMP = ['eq', 'ne', 'lt', 'gt', 'le', 'ge'];
const BITWISE = new Set(['abs', 'neg', 'copysign']);

function moduleText(): string {
  const fns: string[] = [];
  const f32 = (i: number) => `(f32.reinterpret_i32 (local.get ${i}))`;
  const f64 = (i: number) => `(f64.reinterpret_i64 (local.get ${i}))`;
  for (const op of UN32) {
    fns.push(`(func (export "f32.${op}") (param i32) (result i32) (i32.reinterpret_f32 (f32.${op} ${f32(0)})))`);
    fns.push(`(func (export "f64.${op}") (param i64) (result i64) (i64.reinterpret_f64 (f64.${op} ${f64(0)})))`);
  }
  for (const op of BIN32) {
    fns.push(`(func (export "f32.${op}") (param i32 i32) (result i32) (i32.reinterpret_f32 (f32.${op} ${f32(0)} ${f32(1)})))`);
    fns.push(`(func (export "f64.${op}") (param i64 i64) (result i64) (i64.reinterpret_f64 (f64.${op} ${f64(0)} ${f64(1)})))`);
  }
  for (const op of CMP) {
    fns.push(`(func (export "f32.${op}") (param i32 i32) (result i32) (f32.${op} ${f32(0)} ${f32(1)}))`);
    fns.push(`(func (export "f64.${op}") (param i64 i64) (result i32) (f64.${op} ${f64(0)} ${f64(1)}))`);
  }
  for (const s of ['s', 'u']) {
    for (const sat of ['', '_sat']) {
      fns.push(`(func (export "i32.trunc${sat}_f32_${s}") (param i32) (result i32) (i32.trunc${sat}_f32_${s} ${f32(0)}))`);
      fns.push(`(func (export "i32.trunc${sat}_f64_${s}") (param i64) (result i32) (i32.trunc${sat}_f64_${s} ${f64(0)}))`);
      fns.push(`(func (export "i64.trunc${sat}_f32_${s}") (param i32) (result i64) (i64.trunc${sat}_f32_${s} ${f32(0)}))`);
      fns.push(`(func (export "i64.trunc${sat}_f64_${s}") (param i64) (result i64) (i64.trunc${sat}_f64_${s} ${f64(0)}))`);
    }
    fns.push(`(func (export "f32.convert_i32_${s}") (param i32) (result i32) (i32.reinterpret_f32 (f32.convert_i32_${s} (local.get 0))))`);
    fns.push(`(func (export "f32.convert_i64_${s}") (param i64) (result i32) (i32.reinterpret_f32 (f32.convert_i64_${s} (local.get 0))))`);
    fns.push(`(func (export "f64.convert_i32_${s}") (param i32) (result i64) (i64.reinterpret_f64 (f64.convert_i32_${s} (local.get 0))))`);
    fns.push(`(func (export "f64.convert_i64_${s}") (param i64) (result i64) (i64.reinterpret_f64 (f64.convert_i64_${s} (local.get 0))))`);
  }
  fns.push(`(func (export "f32.demote_f64") (param i64) (result i32) (i32.reinterpret_f32 (f32.demote_f64 ${f64(0)})))`);
  fns.push(`(func (export "f64.promote_f32") (param i32) (result i64) (i64.reinterpret_f64 (f64.promote_f32 ${f32(0)})))`);
  return `(module ${fns.join('\n')})`;
}

let N: Record<string, (...a: unknown[]) => any>;
beforeAll(async () => {
  const inst = new WebAssembly.Instance(new WebAssembly.Module((await wat(moduleText())) as Uint8Array<ArrayBuffer>));
  N = inst.exports as any;
});

const S = new Int32Array(16);
const F64V = new Float64Array(S.buffer);
const F32V = new Float32Array(S.buffer);
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

/** Native outcome: a value or 'trap'. */
function nat<T>(f: () => T): T | 'trap' {
  try {
    return f();
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) return 'trap';
    throw e;
  }
}
/** Our outcome: a value or the trap code. */
function ours<T>(f: () => T): T | string {
  try {
    return f();
  } catch (e) {
    if (e instanceof Trap) return e.code;
    throw e;
  }
}

/** Compares an f32 result: NaN from an arithmetic op must be canonical on our side. */
function checkF32(what: string, arithmetic: boolean, native: number, mine: number): void {
  if (arithmetic && isNaN32(native)) {
    if (mine !== F.F32_CANONICAL_NAN) throw new Error(`${what}: expected canonical NaN, got ${hex32(mine)} (V8 ${hex32(native)})`);
  } else if ((native | 0) !== (mine | 0)) {
    throw new Error(`${what}: V8 ${hex32(native)}, ours ${hex32(mine)}`);
  }
}
function checkF64(what: string, arithmetic: boolean, native: bigint, lo: number, hi: number): void {
  const [nlo, nhi] = words(native);
  if (arithmetic && isNaN64(nlo, nhi)) {
    if (lo !== 0 || hi !== F.F64_CANONICAL_NAN_HI) throw new Error(`${what}: expected canonical NaN, got ${hex64(lo, hi)} (V8 ${hex64(nlo, nhi)})`);
  } else if (nlo !== lo || nhi !== hi) {
    throw new Error(`${what}: V8 ${hex64(nlo, nhi)}, ours ${hex64(lo, hi)}`);
  }
}

describe('f32/f64 arithmetic and comparisons match V8 bit for bit (NaNs canonical)', () => {
  test.each(UN32)('f32.%s', (op) => {
    const f = (F as any)[`f32${cap(op)}`];
    const fn = BITWISE.has(op) ? (d: number, a: number) => f(S, d, a) : (d: number, a: number) => f(F32V, S, d, a);
    for (const a of f32Inputs) {
      S[2] = a;
      fn(4, 2);
      checkF32(`f32.${op} ${hex32(a)}`, !BITWISE.has(op), N[`f32.${op}`](a), S[4]);
      fn(2, 2); // destination = operand
      if (S[2] !== S[4]) throw new Error(`f32.${op} in place differs`);
    }
  });
  test.each(UN32)('f64.%s', (op) => {
    const f = (F as any)[`f64${cap(op)}`];
    const fn = BITWISE.has(op) ? (S: Int32Array, d: number, a: number) => f(S, d, a) : (S: Int32Array, d: number, a: number) => f(F64V, S, d, a);
    for (const [lo, hi] of f64Inputs) {
      S[2] = lo; S[3] = hi;
      fn(S, 4, 2);
      checkF64(`f64.${op} ${hex64(lo, hi)}`, !BITWISE.has(op), N[`f64.${op}`](big(lo, hi)), S[4], S[5]);
      fn(S, 2, 2); // destination = operand
      if (S[2] !== S[4] || S[3] !== S[5]) throw new Error(`f64.${op} in place differs`);
    }
  });
  test.each(BIN32)('f32.%s', (op) => {
    const f = (F as any)[`f32${cap(op)}`];
    const fn = BITWISE.has(op) ? (d: number, a: number, b: number) => f(S, d, a, b) : (d: number, a: number, b: number) => f(F32V, S, d, a, b);
    for (const [a, b] of f32Pairs) {
      S[2] = a; S[4] = b;
      fn(6, 2, 4);
      checkF32(`f32.${op} ${hex32(a)} ${hex32(b)}`, !BITWISE.has(op), N[`f32.${op}`](a, b), S[6]);
      fn(4, 2, 4);
      if (S[4] !== S[6]) throw new Error(`f32.${op} in place differs`);
    }
  });
  test.each(BIN32)('f64.%s', (op) => {
    const f = (F as any)[`f64${cap(op)}`];
    const fn = BITWISE.has(op) ? (S: Int32Array, d: number, a: number, b: number) => f(S, d, a, b)
      : (S: Int32Array, d: number, a: number, b: number) => f(F64V, S, d, a, b);
    for (const [[alo, ahi], [blo, bhi]] of f64Pairs) {
      S[2] = alo; S[3] = ahi; S[4] = blo; S[5] = bhi;
      fn(S, 6, 2, 4);
      checkF64(`f64.${op} ${hex64(alo, ahi)} ${hex64(blo, bhi)}`, !BITWISE.has(op), N[`f64.${op}`](big(alo, ahi), big(blo, bhi)), S[6], S[7]);
      fn(S, 4, 2, 4); // destination = second operand
      if (S[4] !== S[6] || S[5] !== S[7]) throw new Error(`f64.${op} in place differs`);
    }
  });
  test.each(CMP)('f32.%s / f64.%s', (op) => {
    const f32 = (F as any)[`f32${cap(op)}`] as (G: Float32Array, a: number, b: number) => number;
    const f64 = (F as any)[`f64${cap(op)}`] as (F: Float64Array, a: number, b: number) => number;
    for (const [a, b] of f32Pairs) {
      S[2] = a; S[4] = b;
      const r = f32(F32V, 2, 4);
      if (r !== N[`f32.${op}`](a, b)) throw new Error(`f32.${op} ${hex32(a)} ${hex32(b)}: ours ${r}`);
    }
    for (const [[alo, ahi], [blo, bhi]] of f64Pairs) {
      S[0] = alo; S[1] = ahi; S[2] = blo; S[3] = bhi;
      const r = f64(F64V, 0, 2);
      if (r !== N[`f64.${op}`](big(alo, ahi), big(blo, bhi))) throw new Error(`f64.${op} ${hex64(alo, ahi)} ${hex64(blo, bhi)}: ours ${r}`);
    }
  });
});

describe('conversions match V8', () => {
  test.each(['i32.trunc_f32_s', 'i32.trunc_f32_u', 'i32.trunc_sat_f32_s', 'i32.trunc_sat_f32_u'])('%s', (name) => {
    const fn = (F as any)[name.replace(/^i32\.trunc_(sat_)?f32_(.)$/, (_m, sat, s) => `i32Trunc${sat ? 'Sat' : ''}F32${s.toUpperCase()}`)] as (G: Float32Array, a: number) => number;
    for (const a of f32Inputs) {
      S[2] = a;
      const n = nat(() => N[name](a));
      const m = ours(() => fn(F32V, 2));
      const expected = n === 'trap' ? (isNaN32(a) ? 'invalid_conversion' : 'integer_overflow') : n;
      if (m !== expected) throw new Error(`${name} ${hex32(a)}: V8 ${String(n)}, ours ${String(m)}`);
    }
  });
  test.each(['i32.trunc_f64_s', 'i32.trunc_f64_u', 'i32.trunc_sat_f64_s', 'i32.trunc_sat_f64_u'])('%s', (name) => {
    const fn = (F as any)[name.replace(/^i32\.trunc_(sat_)?f64_(.)$/, (_m, sat, s) => `i32Trunc${sat ? 'Sat' : ''}F64${s.toUpperCase()}`)] as (F: Float64Array, a: number) => number;
    for (const [lo, hi] of f64Inputs) {
      S[0] = lo; S[1] = hi;
      const n = nat(() => N[name](big(lo, hi)));
      const m = ours(() => fn(F64V, 0));
      const expected = n === 'trap' ? (isNaN64(lo, hi) ? 'invalid_conversion' : 'integer_overflow') : n;
      if (m !== expected) throw new Error(`${name} ${hex64(lo, hi)}: V8 ${String(n)}, ours ${String(m)}`);
    }
  });
  test.each(['i64.trunc_f32_s', 'i64.trunc_f32_u', 'i64.trunc_sat_f32_s', 'i64.trunc_sat_f32_u', 'i64.trunc_f64_s', 'i64.trunc_f64_u', 'i64.trunc_sat_f64_s', 'i64.trunc_sat_f64_u'])('%s', (name) => {
    const m = /^i64\.trunc_(sat_)?(f32|f64)_(.)$/.exec(name)!;
    const fn = (F as any)[`i64Trunc${m[1] ? 'Sat' : ''}${m[2].toUpperCase()}${m[3].toUpperCase()}`] as (V: Float32Array | Float64Array, S: Int32Array, d: number, a: number) => void;
    const inputs: [number, number][] = m[2] === 'f32' ? f32Inputs.map((a) => [a, 0]) : f64Inputs;
    for (const [lo, hi] of inputs) {
      S[0] = lo; S[1] = hi; S[2] = 0x5555; S[3] = 0x5555;
      const n = nat(() => N[name](m[2] === 'f32' ? lo : big(lo, hi)) as bigint);
      const mine = ours(() => { fn(m[2] === 'f32' ? F32V : F64V, S, 2, 0); return big(S[2], S[3]); });
      const nan = m[2] === 'f32' ? isNaN32(lo) : isNaN64(lo, hi);
      const expected = n === 'trap' ? (nan ? 'invalid_conversion' : 'integer_overflow') : n;
      if (mine !== expected) throw new Error(`${name} ${m[2] === 'f32' ? hex32(lo) : hex64(lo, hi)}: V8 ${String(n)}, ours ${String(mine)}`);
    }
  });
  test('f32.convert_i32_s/u, f64.convert_i32_s/u', () => {
    for (const x of i32Inputs) {
      S[2] = x;
      F.f32ConvertI32S(F32V, S, 4, 2);
      checkF32(`f32.convert_i32_s ${x}`, false, N['f32.convert_i32_s'](x), S[4]);
      F.f32ConvertI32U(F32V, S, 4, 2);
      checkF32(`f32.convert_i32_u ${x}`, false, N['f32.convert_i32_u'](x), S[4]);
      F.f64ConvertI32S(F64V, S, 0, 2);
      checkF64(`f64.convert_i32_s ${x}`, false, N['f64.convert_i32_s'](x), S[0], S[1]);
      F.f64ConvertI32U(F64V, S, 0, 2);
      checkF64(`f64.convert_i32_u ${x}`, false, N['f64.convert_i32_u'](x), S[0], S[1]);
    }
  });
  test('f32.convert_i64_s/u, f64.convert_i64_s/u (rounded once)', () => {
    for (const [lo, hi] of i64Inputs) {
      const b = big(lo, hi);
      S[0] = lo; S[1] = hi;
      F.f32ConvertI64S(F32V, S, 4, 0);
      checkF32(`f32.convert_i64_s ${b}`, false, N['f32.convert_i64_s'](b), S[4]);
      F.f32ConvertI64U(F32V, S, 4, 0);
      checkF32(`f32.convert_i64_u ${b}`, false, N['f32.convert_i64_u'](b), S[4]);
      F.f64ConvertI64S(F64V, S, 2, 0);
      checkF64(`f64.convert_i64_s ${b}`, false, N['f64.convert_i64_s'](b), S[2], S[3]);
      F.f64ConvertI64U(F64V, S, 0, 0);
      checkF64(`f64.convert_i64_u ${b}`, false, N['f64.convert_i64_u'](b), S[0], S[1]);
    }
  });
  test('f32.convert_i64_u rounds once where a double would round twice', () => {
    // 2^54 + 2^30 + 1: the double rounds to 2^54 + 2^30 (a tie for f32), which rounds to even 2^54;
    // the integer itself is above the tie and rounds up to 2^54 + 2^31
    const v = (1n << 54n) + (1n << 30n) + 1n;
    [S[0], S[1]] = words(v);
    F.f32ConvertI64U(F32V, S, 2, 0);
    expect(F32V[2]).toBe(2 ** 54 + 2 ** 31);
    [S[0], S[1]] = words(-v);
    F.f32ConvertI64S(F32V, S, 0, 0); // in place
    expect(F32V[0]).toBe(-(2 ** 54 + 2 ** 31));
  });
  test('f32.demote_f64, f64.promote_f32 (NaN canonical)', () => {
    for (const [lo, hi] of f64Inputs) {
      S[0] = lo; S[1] = hi;
      F.f32DemoteF64(F32V, F64V, S, 2, 0);
      checkF32(`f32.demote_f64 ${hex64(lo, hi)}`, true, N['f32.demote_f64'](big(lo, hi)), S[2]);
    }
    for (const a of f32Inputs) {
      S[2] = a;
      F.f64PromoteF32(F64V, F32V, S, 0, 2);
      checkF64(`f64.promote_f32 ${hex32(a)}`, true, N['f64.promote_f32'](a), S[0], S[1]);
    }
  });
});

describe('exact properties', () => {
  test('arithmetic NaNs are canonical whatever the input payload and sign', () => {
    S[0] = 0xff800001 | 0; S[2] = 0;
    F.f32Add(F32V, S, 4, 0, 2);
    expect(S[4]).toBe(F.F32_CANONICAL_NAN);
    S[0] = 0xbf800000 | 0;
    F.f32Sqrt(F32V, S, 4, 0); // sqrt(-1)
    expect(S[4]).toBe(F.F32_CANONICAL_NAN);
    S[0] = 5; S[1] = 0xfff00000 | 0; // -sNaN payload 5
    F.f64Mul(F64V, S, 2, 0, 0);
    expect([S[2], S[3]]).toEqual([0, F.F64_CANONICAL_NAN_HI]);
    F.f64Nearest(F64V, S, 2, 0);
    expect([S[2], S[3]]).toEqual([0, F.F64_CANONICAL_NAN_HI]);
  });
  test('bitwise ops keep NaN payloads', () => {
    S[0] = 0x7f812345; S[2] = 0x80000000 | 0;
    F.f32Neg(S, 4, 0);
    expect(S[4]).toBe(0xff812345 | 0);
    F.f32Abs(S, 4, 4);
    expect(S[4]).toBe(0x7f812345);
    F.f32Copysign(S, 4, 0, 2);
    expect(S[4]).toBe(0xff812345 | 0);
    S[0] = 5; S[1] = 0xfff00000 | 0;
    F.f64Abs(S, 2, 0);
    expect([S[2], S[3]]).toEqual([5, 0x7ff00000]);
  });
  test('min/max order -0 below +0', () => {
    S[0] = 0; S[2] = 0x80000000 | 0;
    F.f32Min(F32V, S, 4, 0, 2);
    expect(S[4]).toBe(0x80000000 | 0);
    F.f32Max(F32V, S, 4, 2, 0);
    expect(S[4]).toBe(0);
  });
  test('the f64 view of the stack holds (lo, hi) slot pairs (little-endian)', () => {
    expect(F.LITTLE_ENDIAN).toBe(true);
    F64V[1] = 1.5;
    expect([S[2], S[3]]).toEqual([0, 0x3ff80000]);
    expect(F.f64At(S, 2)).toBe(1.5);
  });
  test('nearest rounds ties to even', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 4503599627370495.5].map(F.nearest)).toEqual([0, 2, 2, -0, -2, -2, 4503599627370496]);
    expect(Object.is(F.nearest(-0.5), -0)).toBe(true);
  });
  test('trunc traps carry the spec codes', () => {
    S[0] = 0x7fc00000; S[1] = 0x4f000000; S[2] = 0xcf000000 | 0;
    expect(ours(() => F.i32TruncF32S(F32V, 0))).toBe('invalid_conversion');
    expect(ours(() => F.i32TruncF32S(F32V, 1))).toBe('integer_overflow'); // 2^31
    expect(F.i32TruncF32S(F32V, 2)).toBe(-0x80000000); // -2^31
  });
});
