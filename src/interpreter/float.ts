/**
 * Float semantics (WebAssembly 2.0, spec 4.3 "Numerics"), written once as
 * small pure functions over raw bits for the execution loop to call or inline.
 *
 * Representation: an f32 is its IEEE 754 bits in one int32 (the low slot of a
 * value, high slot 0); an f64 is its bits as two int32 words (lo, hi) in two
 * adjacent slots of an `Int32Array`. Values are turned into JS doubles only
 * inside one of these functions and come back as bits, so no NaN payload
 * ever depends on what a JS engine does with a double.
 *
 * Determinism (spec 4.3.3, "NaN propagation"): every NaN an arithmetic
 * function here produces is the canonical NaN (f32 0x7fc00000, f64
 * 0x7ff8000000000000; spec 4.3.3 allows it for every input). The bitwise
 * instructions (abs, neg, copysign, and reinterpret/loads/stores/constants,
 * which need no function) keep payloads exactly.
 *
 * Calling conventions: f32 operands and results are bits (`number`, int32),
 * passed by value; f64 (and i64) operands are slot indices of `S` and results
 * are written to `S[d]`, `S[d + 1]`; every function reads all its operands before it
 * writes, so `d` may equal an operand. Nothing allocates.
 *
 * Rounding: + - * / sqrt of f32 operands computed in double and rounded once
 * to f32 (`Math.fround`) is the correctly rounded f32 result (the double
 * format has more than 2p+2 bits of precision for p = 24), so f32 arithmetic
 * needs no special code. i64 -> f32 conversion does (see `f32FromU64`).
 */
import { Trap } from '../errors.js';

/** Scratch for f32 <-> bits. */
const F32 = new Float32Array(1);
const U32 = new Int32Array(F32.buffer);
/** Scratch for f64 <-> (lo, hi) words. */
const F64 = new Float64Array(1);
const W64 = new Int32Array(F64.buffer);
/** Index of the low / high word of a double in `W64` (platform byte order). */
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

/** The canonical f32 NaN (spec 4.3.3: sign 0, payload 2^22). */
export const F32_CANONICAL_NAN = 0x7fc00000;
/** The high word of the canonical f64 NaN 0x7ff8000000000000 (its low word is 0). */
export const F64_CANONICAL_NAN_HI = 0x7ff80000;

const TWO32 = 4294967296;

// ---------------------------------------------------------------- bits <-> numbers

/** The value of f32 bits `b` as a double (exact; a NaN payload is not kept). */
export function f32Val(b: number): number {
  U32[0] = b;
  return F32[0];
}

/**
 * The f32 bits of double `x` rounded to f32 (round to nearest, ties to even,
 * spec 4.3.1 "Rounding"); any NaN becomes the canonical NaN.
 */
export function f32Bits(x: number): number {
  if (x !== x) return F32_CANONICAL_NAN;
  F32[0] = x;
  return U32[0];
}

/** The value of the f64 at slots `i`, `i + 1` of `S` (lo, hi). */
export function f64At(S: Int32Array, i: number): number {
  W64[LO] = S[i];
  W64[HI] = S[i + 1];
  return F64[0];
}

/** The value of the f64 with words (lo, hi). */
export function f64Val(lo: number, hi: number): number {
  W64[LO] = lo;
  W64[HI] = hi;
  return F64[0];
}

/** Writes the f64 bits of `x` to `S[d]` (lo), `S[d + 1]` (hi); any NaN becomes the canonical NaN. */
export function putF64(S: Int32Array, d: number, x: number): void {
  if (x !== x) {
    S[d] = 0;
    S[d + 1] = F64_CANONICAL_NAN_HI;
    return;
  }
  F64[0] = x;
  S[d] = W64[LO];
  S[d + 1] = W64[HI];
}

/**
 * Writes integer-valued double `t` (-2^63 <= t < 2^64) as an i64 (two's
 * complement modulo 2^64) to `S[d]` (lo), `S[d + 1]` (hi).
 */
export function putI64(S: Int32Array, d: number, t: number): void {
  const hi = Math.floor(t / TWO32); // exact: t / 2^32 only moves the exponent
  S[d] = t - hi * TWO32; // in [0, 2^32): stored modulo 2^32
  S[d + 1] = hi;
}

// ---------------------------------------------------------------- f32 arithmetic (spec 4.3.3)

/** f32.add: fadd, rounded once to f32. */
export function f32Add(a: number, b: number): number {
  return f32Bits(f32Val(a) + f32Val(b));
}
/** f32.sub: fsub. */
export function f32Sub(a: number, b: number): number {
  return f32Bits(f32Val(a) - f32Val(b));
}
/** f32.mul: fmul (the double product of two f32 values is exact). */
export function f32Mul(a: number, b: number): number {
  return f32Bits(f32Val(a) * f32Val(b));
}
/** f32.div: fdiv. */
export function f32Div(a: number, b: number): number {
  return f32Bits(f32Val(a) / f32Val(b));
}
/** f32.sqrt: fsqrt (sqrt of -0 is -0, of a negative number NaN). */
export function f32Sqrt(a: number): number {
  return f32Bits(Math.sqrt(f32Val(a)));
}
/**
 * f32.min: fmin. `Math.min` already orders -0 below +0 and returns NaN when
 * either operand is NaN, as the spec does.
 */
export function f32Min(a: number, b: number): number {
  return f32Bits(Math.min(f32Val(a), f32Val(b)));
}
/** f32.max: fmax (+0 above -0; NaN if either operand is NaN). */
export function f32Max(a: number, b: number): number {
  return f32Bits(Math.max(f32Val(a), f32Val(b)));
}
/** f32.ceil: fceil (exact; keeps the sign of zero, -0.5 -> -0). */
export function f32Ceil(a: number): number {
  return f32Bits(Math.ceil(f32Val(a)));
}
/** f32.floor: ffloor. */
export function f32Floor(a: number): number {
  return f32Bits(Math.floor(f32Val(a)));
}
/** f32.trunc: ftrunc. */
export function f32Trunc(a: number): number {
  return f32Bits(Math.trunc(f32Val(a)));
}
/** f32.nearest: fnearest, round to the nearest integer, ties to even (see `nearest`). */
export function f32Nearest(a: number): number {
  return f32Bits(nearest(f32Val(a)));
}
/** f32.abs: clears the sign bit (bitwise: a NaN keeps its payload, spec 4.3.3 fabs). */
export function f32Abs(a: number): number {
  return a & 0x7fffffff;
}
/** f32.neg: flips the sign bit (bitwise). */
export function f32Neg(a: number): number {
  return a ^ 0x80000000;
}
/** f32.copysign: a's magnitude bits with b's sign bit (bitwise). */
export function f32Copysign(a: number, b: number): number {
  return (a & 0x7fffffff) | (b & 0x80000000);
}

/**
 * Rounds to the nearest integer, ties to even (spec 4.3.3 fnearest): the
 * sign of zero is kept (-0.5 -> -0). `Math.round` rounds ties up; a tie
 * rounded up to an odd integer is moved down by one. Values of magnitude
 * >= 2^52 (and infinities, NaN) are already integers.
 */
export function nearest(x: number): number {
  const r = Math.round(x);
  // r - x is exact for |x| < 2^52; a tie rounded to odd goes to the even neighbour below
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

// ---------------------------------------------------------------- f32 comparisons (spec 4.3.3: false for NaN, except ne)

/** f32.eq: 1 or 0. */
export function f32Eq(a: number, b: number): number {
  return f32Val(a) === f32Val(b) ? 1 : 0;
}
/** f32.ne. */
export function f32Ne(a: number, b: number): number {
  return f32Val(a) !== f32Val(b) ? 1 : 0;
}
/** f32.lt. */
export function f32Lt(a: number, b: number): number {
  return f32Val(a) < f32Val(b) ? 1 : 0;
}
/** f32.gt. */
export function f32Gt(a: number, b: number): number {
  return f32Val(a) > f32Val(b) ? 1 : 0;
}
/** f32.le. */
export function f32Le(a: number, b: number): number {
  return f32Val(a) <= f32Val(b) ? 1 : 0;
}
/** f32.ge. */
export function f32Ge(a: number, b: number): number {
  return f32Val(a) >= f32Val(b) ? 1 : 0;
}

// ---------------------------------------------------------------- f64 arithmetic: (S, d, a, b) slots

/** f64.add: `S[d..] = S[a..] + S[b..]`. */
export function f64Add(S: Int32Array, d: number, a: number, b: number): void {
  putF64(S, d, f64At(S, a) + f64At(S, b));
}
/** f64.sub. */
export function f64Sub(S: Int32Array, d: number, a: number, b: number): void {
  putF64(S, d, f64At(S, a) - f64At(S, b));
}
/** f64.mul. */
export function f64Mul(S: Int32Array, d: number, a: number, b: number): void {
  putF64(S, d, f64At(S, a) * f64At(S, b));
}
/** f64.div. */
export function f64Div(S: Int32Array, d: number, a: number, b: number): void {
  putF64(S, d, f64At(S, a) / f64At(S, b));
}
/** f64.min (see `f32Min`). */
export function f64Min(S: Int32Array, d: number, a: number, b: number): void {
  putF64(S, d, Math.min(f64At(S, a), f64At(S, b)));
}
/** f64.max (see `f32Max`). */
export function f64Max(S: Int32Array, d: number, a: number, b: number): void {
  putF64(S, d, Math.max(f64At(S, a), f64At(S, b)));
}
/** f64.sqrt. */
export function f64Sqrt(S: Int32Array, d: number, a: number): void {
  putF64(S, d, Math.sqrt(f64At(S, a)));
}
/** f64.ceil. */
export function f64Ceil(S: Int32Array, d: number, a: number): void {
  putF64(S, d, Math.ceil(f64At(S, a)));
}
/** f64.floor. */
export function f64Floor(S: Int32Array, d: number, a: number): void {
  putF64(S, d, Math.floor(f64At(S, a)));
}
/** f64.trunc. */
export function f64Trunc(S: Int32Array, d: number, a: number): void {
  putF64(S, d, Math.trunc(f64At(S, a)));
}
/** f64.nearest (ties to even, see `nearest`). */
export function f64Nearest(S: Int32Array, d: number, a: number): void {
  putF64(S, d, nearest(f64At(S, a)));
}
/** f64.abs: clears the sign bit of the high word (bitwise, payload kept). */
export function f64Abs(S: Int32Array, d: number, a: number): void {
  const lo = S[a], hi = S[a + 1];
  S[d] = lo;
  S[d + 1] = hi & 0x7fffffff;
}
/** f64.neg: flips the sign bit (bitwise). */
export function f64Neg(S: Int32Array, d: number, a: number): void {
  const lo = S[a], hi = S[a + 1];
  S[d] = lo;
  S[d + 1] = hi ^ 0x80000000;
}
/** f64.copysign: a's magnitude with b's sign (bitwise). */
export function f64Copysign(S: Int32Array, d: number, a: number, b: number): void {
  const lo = S[a], hi = (S[a + 1] & 0x7fffffff) | (S[b + 1] & 0x80000000);
  S[d] = lo;
  S[d + 1] = hi;
}

// ---------------------------------------------------------------- f64 comparisons: operand slots -> 1 or 0

/** f64.eq. */
export function f64Eq(S: Int32Array, a: number, b: number): number {
  return f64At(S, a) === f64At(S, b) ? 1 : 0;
}
/** f64.ne. */
export function f64Ne(S: Int32Array, a: number, b: number): number {
  return f64At(S, a) !== f64At(S, b) ? 1 : 0;
}
/** f64.lt. */
export function f64Lt(S: Int32Array, a: number, b: number): number {
  return f64At(S, a) < f64At(S, b) ? 1 : 0;
}
/** f64.gt. */
export function f64Gt(S: Int32Array, a: number, b: number): number {
  return f64At(S, a) > f64At(S, b) ? 1 : 0;
}
/** f64.le. */
export function f64Le(S: Int32Array, a: number, b: number): number {
  return f64At(S, a) <= f64At(S, b) ? 1 : 0;
}
/** f64.ge. */
export function f64Ge(S: Int32Array, a: number, b: number): number {
  return f64At(S, a) >= f64At(S, b) ? 1 : 0;
}

// ---------------------------------------------------------------- int -> float (spec 4.3.4 convert)

/** f32.convert_i32_s: the int32 `x` rounded once to f32 (the double is exact). */
export function f32ConvertI32S(x: number): number {
  return f32Bits(x | 0);
}
/** f32.convert_i32_u. */
export function f32ConvertI32U(x: number): number {
  return f32Bits(x >>> 0);
}
/**
 * The f32 bits of the unsigned 64-bit integer (lo, hi), rounded once.
 * Below 2^53 the double hi * 2^32 + lo is exact and `Math.fround` rounds it
 * once. From 2^53 the double would round first (double rounding can differ
 * from rounding once), so the low 11 bits are folded into a sticky bit at
 * bit 11 (round to odd): the double is then exact (at most 53 significant
 * bits) and lies on the same side of every f32 rounding boundary, which
 * are at least 2^29 apart there, as the integer does.
 */
export function f32FromU64(lo: number, hi: number): number {
  const h = hi >>> 0;
  let l = lo >>> 0;
  if (h >= 0x200000) l = ((l & 0xfffff800) | ((l & 0x7ff) !== 0 ? 0x800 : 0)) >>> 0;
  return f32Bits(h * TWO32 + l);
}
/** f32.convert_i64_u: the i64 at (lo, hi) as unsigned. */
export function f32ConvertI64U(lo: number, hi: number): number {
  return f32FromU64(lo, hi);
}
/** f32.convert_i64_s: the magnitude rounded once (see `f32FromU64`), then the sign (rounding is symmetric). */
export function f32ConvertI64S(lo: number, hi: number): number {
  if (hi >= 0) return f32FromU64(lo, hi);
  // two's complement negation of (lo, hi); -2^63 becomes 2^63 as unsigned
  const nlo = (-lo) | 0;
  const nhi = nlo === 0 ? (-hi) | 0 : ~hi;
  return f32FromU64(nlo, nhi) | 0x80000000;
}
/** f64.convert_i32_s (exact). */
export function f64ConvertI32S(S: Int32Array, d: number, x: number): void {
  putF64(S, d, x | 0);
}
/** f64.convert_i32_u (exact). */
export function f64ConvertI32U(S: Int32Array, d: number, x: number): void {
  putF64(S, d, x >>> 0);
}
/** f64.convert_i64_s: hi * 2^32 is exact, so the one addition rounds once. */
export function f64ConvertI64S(S: Int32Array, d: number, a: number): void {
  const lo = S[a], hi = S[a + 1];
  putF64(S, d, hi * TWO32 + (lo >>> 0));
}
/** f64.convert_i64_u: as `f64ConvertI64S` with the high word unsigned. */
export function f64ConvertI64U(S: Int32Array, d: number, a: number): void {
  const lo = S[a], hi = S[a + 1];
  putF64(S, d, (hi >>> 0) * TWO32 + (lo >>> 0));
}

// ---------------------------------------------------------------- float <-> float

/** f32.demote_f64: the f64 at slot `a` rounded once to f32 (spec 4.3.4 demote; NaN canonical). */
export function f32DemoteF64(S: Int32Array, a: number): number {
  return f32Bits(f64At(S, a));
}
/** f64.promote_f32: f32 bits `a` to the f64 at `S[d..]`, exact (spec 4.3.4 promote; NaN canonical). */
export function f64PromoteF32(S: Int32Array, d: number, a: number): void {
  putF64(S, d, f32Val(a));
}

// ---------------------------------------------------------------- float -> int (spec 4.3.4 trunc, trunc_sat)

/**
 * Math.trunc(x) when lo < x < hi (exclusive bounds: the largest invalid
 * double below and the smallest above the range, both exact); NaN traps
 * `invalid_conversion`, anything else outside `integer_overflow`.
 */
function truncCheck(x: number, lo: number, hi: number): number {
  if (x !== x) throw new Trap('invalid_conversion');
  if (!(x > lo && x < hi)) throw new Trap('integer_overflow');
  return Math.trunc(x);
}

/** i32.trunc_f32_s: NaN traps `invalid_conversion`, out of range `integer_overflow`. */
export function i32TruncF32S(a: number): number {
  return truncCheck(f32Val(a), -2147483649, 2147483648) | 0;
}
/** i32.trunc_f32_u. */
export function i32TruncF32U(a: number): number {
  return truncCheck(f32Val(a), -1, TWO32) | 0;
}
/** i32.trunc_f64_s: the f64 at slot `a`. */
export function i32TruncF64S(S: Int32Array, a: number): number {
  return truncCheck(f64At(S, a), -2147483649, 2147483648) | 0;
}
/** i32.trunc_f64_u. */
export function i32TruncF64U(S: Int32Array, a: number): number {
  return truncCheck(f64At(S, a), -1, TWO32) | 0;
}
/** i64.trunc_f32_s: f32 bits `a`, the i64 to `S[d..]` (-2^63 - 2048 is the double below -2^63). */
export function i64TruncF32S(S: Int32Array, d: number, a: number): void {
  putI64(S, d, truncCheck(f32Val(a), -9223372036854777856, 9223372036854775808));
}
/** i64.trunc_f32_u. */
export function i64TruncF32U(S: Int32Array, d: number, a: number): void {
  putI64(S, d, truncCheck(f32Val(a), -1, 18446744073709551616));
}
/** i64.trunc_f64_s. */
export function i64TruncF64S(S: Int32Array, d: number, a: number): void {
  putI64(S, d, truncCheck(f64At(S, a), -9223372036854777856, 9223372036854775808));
}
/** i64.trunc_f64_u. */
export function i64TruncF64U(S: Int32Array, d: number, a: number): void {
  putI64(S, d, truncCheck(f64At(S, a), -1, 18446744073709551616));
}

/** Saturating truncation to a signed 32-bit range (spec 4.3.4 trunc_sat_s): NaN -> 0. */
function satS32(x: number): number {
  if (x !== x) return 0;
  if (x <= -2147483648) return -2147483648;
  if (x >= 2147483647) return 2147483647;
  return Math.trunc(x) | 0;
}
function satU32(x: number): number {
  if (!(x > 0)) return 0; // NaN, negative, -0
  if (x >= 4294967295) return -1;
  return Math.trunc(x) | 0;
}
function satS64(S: Int32Array, d: number, x: number): void {
  if (x !== x) {
    S[d] = 0;
    S[d + 1] = 0;
  } else if (x < -9223372036854775808) {
    S[d] = 0;
    S[d + 1] = -2147483648;
  } else if (x >= 9223372036854775808) {
    S[d] = -1;
    S[d + 1] = 0x7fffffff;
  } else putI64(S, d, Math.trunc(x));
}
function satU64(S: Int32Array, d: number, x: number): void {
  if (!(x > 0)) {
    S[d] = 0;
    S[d + 1] = 0;
  } else if (x >= 18446744073709551616) {
    S[d] = -1;
    S[d + 1] = -1;
  } else putI64(S, d, Math.trunc(x));
}

/** i32.trunc_sat_f32_s. */
export function i32TruncSatF32S(a: number): number {
  return satS32(f32Val(a));
}
/** i32.trunc_sat_f32_u. */
export function i32TruncSatF32U(a: number): number {
  return satU32(f32Val(a));
}
/** i32.trunc_sat_f64_s: the f64 at slot `a`. */
export function i32TruncSatF64S(S: Int32Array, a: number): number {
  return satS32(f64At(S, a));
}
/** i32.trunc_sat_f64_u. */
export function i32TruncSatF64U(S: Int32Array, a: number): number {
  return satU32(f64At(S, a));
}
/** i64.trunc_sat_f32_s: f32 bits `a`, the i64 to `S[d..]`. */
export function i64TruncSatF32S(S: Int32Array, d: number, a: number): void {
  satS64(S, d, f32Val(a));
}
/** i64.trunc_sat_f32_u. */
export function i64TruncSatF32U(S: Int32Array, d: number, a: number): void {
  satU64(S, d, f32Val(a));
}
/** i64.trunc_sat_f64_s. */
export function i64TruncSatF64S(S: Int32Array, d: number, a: number): void {
  satS64(S, d, f64At(S, a));
}
/** i64.trunc_sat_f64_u. */
export function i64TruncSatF64U(S: Int32Array, d: number, a: number): void {
  satU64(S, d, f64At(S, a));
}
