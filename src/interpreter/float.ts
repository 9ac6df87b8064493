/**
 * Float semantics (WebAssembly 2.0, spec 4.3 "Numerics"), written once as
 * small pure functions for the execution loop to call or inline.
 *
 * Representation: a value takes two int32 slots of the value stack `S`
 * (DESIGN.md): an f32 is its IEEE 754 bits in the low slot (the high slot is
 * not part of the value), an f64 its bits as (lo, hi) in slots (2k, 2k + 1).
 * Values are read as JS doubles only inside one of these functions and are
 * written back as bits, so no NaN payload ever depends on what a JS engine
 * does with a double between instructions.
 *
 * Stack views: the functions read and write floats through typed-array views
 * of the stack's own buffer, `G = new Float32Array(S.buffer)` (G[i] is the
 * f32 in slot i) and `F = new Float64Array(S.buffer)` (F[i >> 1] is the f64
 * in slots i, i + 1; `S` must start at byte 0 of its buffer). That costs one
 * typed-array access per operand instead of a copy through a scratch buffer
 * (measured 3-4x faster per operation in V8). The f64 view gives the (lo, hi)
 * layout only on little-endian platforms, which every JS engine detwasm
 * targets runs on (`LITTLE_ENDIAN`; the loop must create the views again
 * whenever the stack is reallocated). Slot arguments (`d`, `a`, `b`) are slot
 * indices of `S`; every function reads all its operands before it writes,
 * so `d` may equal an operand. Nothing allocates.
 *
 * Determinism (spec 4.3.3, NaN propagation): every NaN an arithmetic
 * function produces is the canonical NaN (f32 0x7fc00000, f64
 * 0x7ff8000000000000), which the spec allows for every input. The bitwise
 * instructions (abs, neg, copysign here; reinterpret, loads, stores,
 * constants need no function) keep payloads exactly.
 *
 * Rounding: + - * / sqrt of f32 operands computed in double and rounded once
 * to f32 (a store into a Float32Array rounds to nearest, ties to even) is the
 * correctly rounded f32 result: the double format has more than 2p + 2 bits of
 * precision for p = 24. i64 -> f32 conversion needs more care (`f32FromU64`).
 *
 * Besides the stack functions, `f32Val`/`f32Bits`/`f64Val`/`f64At`/`putF64`
 * convert between bits and numbers anywhere else (globals, the JS API).
 */
import { Trap } from '../errors.js';

/** Scratch for f32 <-> bits. */
const F32S = new Float32Array(1);
const U32S = new Int32Array(F32S.buffer);
/** Scratch for f64 <-> (lo, hi) words. */
const F64S = new Float64Array(1);
const W64S = new Int32Array(F64S.buffer);

/** True on little-endian platforms, where a Float64Array view of the stack holds f64 as (lo, hi) slot pairs. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Index of the low / high word of a double in `W64S` (platform byte order). */
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

/** The canonical f32 NaN (spec 4.3.3: sign 0, payload 2^22). */
export const F32_CANONICAL_NAN = 0x7fc00000;
/** The high word of the canonical f64 NaN 0x7ff8000000000000 (its low word is 0). */
export const F64_CANONICAL_NAN_HI = 0x7ff80000;

const TWO32 = 4294967296;

// ---------------------------------------------------------------- bits <-> numbers (anywhere)

/** The value of f32 bits `b` as a double (exact; a NaN's payload is not kept). */
export function f32Val(b: number): number {
  U32S[0] = b;
  return F32S[0];
}

/**
 * The f32 bits of double `x` rounded to f32 (round to nearest, ties to even,
 * spec 4.3.1); any NaN becomes the canonical NaN.
 */
export function f32Bits(x: number): number {
  if (x !== x) return F32_CANONICAL_NAN;
  F32S[0] = x;
  return U32S[0];
}

/** The value of the f64 at words `W[i]` (lo), `W[i + 1]` (hi) of any Int32Array. */
export function f64At(W: Int32Array, i: number): number {
  W64S[LO] = W[i];
  W64S[HI] = W[i + 1];
  return F64S[0];
}

/** The value of the f64 with words (lo, hi). */
export function f64Val(lo: number, hi: number): number {
  W64S[LO] = lo;
  W64S[HI] = hi;
  return F64S[0];
}

/** Writes the f64 bits of `x` to `W[d]` (lo), `W[d + 1]` (hi) of any Int32Array; any NaN becomes the canonical NaN. */
export function putF64(W: Int32Array, d: number, x: number): void {
  if (x !== x) {
    W[d] = 0;
    W[d + 1] = F64_CANONICAL_NAN_HI;
    return;
  }
  F64S[0] = x;
  W[d] = W64S[LO];
  W[d + 1] = W64S[HI];
}

/**
 * Writes integer-valued double `t` (-2^63 <= t < 2^64) as an i64 (two's
 * complement modulo 2^64) to `S[d]` (lo), `S[d + 1]` (hi).
 */
export function putI64(S: Int32Array, d: number, t: number): void {
  const hi = Math.floor(t / TWO32); // exact: dividing by 2^32 only moves the exponent
  S[d] = t - hi * TWO32; // in [0, 2^32): stored modulo 2^32
  S[d + 1] = hi;
}

// ---------------------------------------------------------------- result writers

/** f32 result `x` (a double, rounded by the store) to slot d; a NaN as the canonical NaN. */
function setF32(G: Float32Array, S: Int32Array, d: number, x: number): void {
  if (x !== x) S[d] = F32_CANONICAL_NAN;
  else G[d] = x;
}

/** f64 result `x` to slots d, d + 1; a NaN as the canonical NaN. */
function setF64(F: Float64Array, S: Int32Array, d: number, x: number): void {
  if (x !== x) {
    S[d] = 0;
    S[d + 1] = F64_CANONICAL_NAN_HI;
  } else F[d >> 1] = x;
}

// ---------------------------------------------------------------- f32 arithmetic (spec 4.3.3)

/** f32.add: fadd, rounded once. */
export function f32Add(G: Float32Array, S: Int32Array, d: number, a: number, b: number): void {
  setF32(G, S, d, G[a] + G[b]);
}
/** f32.sub: fsub. */
export function f32Sub(G: Float32Array, S: Int32Array, d: number, a: number, b: number): void {
  setF32(G, S, d, G[a] - G[b]);
}
/** f32.mul: fmul (the double product of two f32 values is exact). */
export function f32Mul(G: Float32Array, S: Int32Array, d: number, a: number, b: number): void {
  setF32(G, S, d, G[a] * G[b]);
}
/** f32.div: fdiv. */
export function f32Div(G: Float32Array, S: Int32Array, d: number, a: number, b: number): void {
  setF32(G, S, d, G[a] / G[b]);
}
/**
 * f32.min: fmin. `Math.min` already orders -0 below +0 and returns NaN when
 * either operand is NaN, as the spec does.
 */
export function f32Min(G: Float32Array, S: Int32Array, d: number, a: number, b: number): void {
  setF32(G, S, d, Math.min(G[a], G[b]));
}
/** f32.max: fmax (+0 above -0; NaN if either operand is NaN). */
export function f32Max(G: Float32Array, S: Int32Array, d: number, a: number, b: number): void {
  setF32(G, S, d, Math.max(G[a], G[b]));
}
/** f32.sqrt: fsqrt (sqrt of -0 is -0, of a negative number NaN). */
export function f32Sqrt(G: Float32Array, S: Int32Array, d: number, a: number): void {
  setF32(G, S, d, Math.sqrt(G[a]));
}
/** f32.ceil: fceil (exact; keeps the sign of zero, -0.5 -> -0). */
export function f32Ceil(G: Float32Array, S: Int32Array, d: number, a: number): void {
  setF32(G, S, d, Math.ceil(G[a]));
}
/** f32.floor: ffloor. */
export function f32Floor(G: Float32Array, S: Int32Array, d: number, a: number): void {
  setF32(G, S, d, Math.floor(G[a]));
}
/** f32.trunc: ftrunc. */
export function f32Trunc(G: Float32Array, S: Int32Array, d: number, a: number): void {
  setF32(G, S, d, Math.trunc(G[a]));
}
/** f32.nearest: fnearest, ties to even (see `nearest`). */
export function f32Nearest(G: Float32Array, S: Int32Array, d: number, a: number): void {
  setF32(G, S, d, nearest(G[a]));
}
/** f32.abs: clears the sign bit (bitwise: a NaN keeps its payload, spec 4.3.3 fabs). */
export function f32Abs(S: Int32Array, d: number, a: number): void {
  S[d] = S[a] & 0x7fffffff;
}
/** f32.neg: flips the sign bit (bitwise). */
export function f32Neg(S: Int32Array, d: number, a: number): void {
  S[d] = S[a] ^ 0x80000000;
}
/** f32.copysign: a's magnitude bits with b's sign bit (bitwise). */
export function f32Copysign(S: Int32Array, d: number, a: number, b: number): void {
  S[d] = (S[a] & 0x7fffffff) | (S[b] & 0x80000000);
}

/**
 * Rounds to the nearest integer, ties to even (spec 4.3.3 fnearest), keeping
 * the sign of zero (-0.5 -> -0). `Math.round` rounds ties up; a tie rounded
 * up to an odd integer goes to the even one below. Magnitudes >= 2^52,
 * infinities and NaN come back unchanged.
 */
export function nearest(x: number): number {
  const r = Math.round(x);
  // r - x is exact for |x| < 2^52
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

// ---------------------------------------------------------------- f32 comparisons: 1 or 0 (false for NaN, except ne)

/** f32.eq. */
export function f32Eq(G: Float32Array, a: number, b: number): number {
  return G[a] === G[b] ? 1 : 0;
}
/** f32.ne. */
export function f32Ne(G: Float32Array, a: number, b: number): number {
  return G[a] !== G[b] ? 1 : 0;
}
/** f32.lt. */
export function f32Lt(G: Float32Array, a: number, b: number): number {
  return G[a] < G[b] ? 1 : 0;
}
/** f32.gt. */
export function f32Gt(G: Float32Array, a: number, b: number): number {
  return G[a] > G[b] ? 1 : 0;
}
/** f32.le. */
export function f32Le(G: Float32Array, a: number, b: number): number {
  return G[a] <= G[b] ? 1 : 0;
}
/** f32.ge. */
export function f32Ge(G: Float32Array, a: number, b: number): number {
  return G[a] >= G[b] ? 1 : 0;
}

// ---------------------------------------------------------------- f64 arithmetic

/** f64.add. */
export function f64Add(F: Float64Array, S: Int32Array, d: number, a: number, b: number): void {
  setF64(F, S, d, F[a >> 1] + F[b >> 1]);
}
/** f64.sub. */
export function f64Sub(F: Float64Array, S: Int32Array, d: number, a: number, b: number): void {
  setF64(F, S, d, F[a >> 1] - F[b >> 1]);
}
/** f64.mul. */
export function f64Mul(F: Float64Array, S: Int32Array, d: number, a: number, b: number): void {
  setF64(F, S, d, F[a >> 1] * F[b >> 1]);
}
/** f64.div. */
export function f64Div(F: Float64Array, S: Int32Array, d: number, a: number, b: number): void {
  setF64(F, S, d, F[a >> 1] / F[b >> 1]);
}
/** f64.min (see `f32Min`). */
export function f64Min(F: Float64Array, S: Int32Array, d: number, a: number, b: number): void {
  setF64(F, S, d, Math.min(F[a >> 1], F[b >> 1]));
}
/** f64.max (see `f32Max`). */
export function f64Max(F: Float64Array, S: Int32Array, d: number, a: number, b: number): void {
  setF64(F, S, d, Math.max(F[a >> 1], F[b >> 1]));
}
/** f64.sqrt. */
export function f64Sqrt(F: Float64Array, S: Int32Array, d: number, a: number): void {
  setF64(F, S, d, Math.sqrt(F[a >> 1]));
}
/** f64.ceil. */
export function f64Ceil(F: Float64Array, S: Int32Array, d: number, a: number): void {
  setF64(F, S, d, Math.ceil(F[a >> 1]));
}
/** f64.floor. */
export function f64Floor(F: Float64Array, S: Int32Array, d: number, a: number): void {
  setF64(F, S, d, Math.floor(F[a >> 1]));
}
/** f64.trunc. */
export function f64Trunc(F: Float64Array, S: Int32Array, d: number, a: number): void {
  setF64(F, S, d, Math.trunc(F[a >> 1]));
}
/** f64.nearest (ties to even, see `nearest`). */
export function f64Nearest(F: Float64Array, S: Int32Array, d: number, a: number): void {
  setF64(F, S, d, nearest(F[a >> 1]));
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

// ---------------------------------------------------------------- f64 comparisons

/** f64.eq. */
export function f64Eq(F: Float64Array, a: number, b: number): number {
  return F[a >> 1] === F[b >> 1] ? 1 : 0;
}
/** f64.ne. */
export function f64Ne(F: Float64Array, a: number, b: number): number {
  return F[a >> 1] !== F[b >> 1] ? 1 : 0;
}
/** f64.lt. */
export function f64Lt(F: Float64Array, a: number, b: number): number {
  return F[a >> 1] < F[b >> 1] ? 1 : 0;
}
/** f64.gt. */
export function f64Gt(F: Float64Array, a: number, b: number): number {
  return F[a >> 1] > F[b >> 1] ? 1 : 0;
}
/** f64.le. */
export function f64Le(F: Float64Array, a: number, b: number): number {
  return F[a >> 1] <= F[b >> 1] ? 1 : 0;
}
/** f64.ge. */
export function f64Ge(F: Float64Array, a: number, b: number): number {
  return F[a >> 1] >= F[b >> 1] ? 1 : 0;
}

// ---------------------------------------------------------------- int -> float (spec 4.3.4 convert)

/** f32.convert_i32_s: the i32 in slot a, rounded once (its double is exact). */
export function f32ConvertI32S(G: Float32Array, S: Int32Array, d: number, a: number): void {
  G[d] = S[a];
}
/** f32.convert_i32_u. */
export function f32ConvertI32U(G: Float32Array, S: Int32Array, d: number, a: number): void {
  G[d] = S[a] >>> 0;
}
/**
 * The unsigned 64-bit integer (lo, hi) as a double from which one rounding
 * to f32 gives the correctly rounded f32. Below 2^53 the double is the exact
 * integer. From 2^53 the double itself would be rounded first (rounding twice
 * can differ from rounding once), so the low 11 bits are folded into a sticky
 * bit at bit 11 (round to odd): the result is exact in a double (at most 53
 * significant bits) and lies on the same side of every f32 rounding boundary
 * (those are at least 2^29 apart there) as the integer.
 */
export function u64ForF32(lo: number, hi: number): number {
  const h = hi >>> 0;
  let l = lo >>> 0;
  if (h >= 0x200000) l = ((l & 0xfffff800) | ((l & 0x7ff) !== 0 ? 0x800 : 0)) >>> 0;
  return h * TWO32 + l;
}
/** f32.convert_i64_u: the i64 in slots a, a + 1 as unsigned, rounded once (`u64ForF32`). */
export function f32ConvertI64U(G: Float32Array, S: Int32Array, d: number, a: number): void {
  G[d] = u64ForF32(S[a], S[a + 1]);
}
/** f32.convert_i64_s: the magnitude rounded once, then the sign (rounding to nearest is symmetric). */
export function f32ConvertI64S(G: Float32Array, S: Int32Array, d: number, a: number): void {
  const lo = S[a], hi = S[a + 1];
  if (hi >= 0) {
    G[d] = u64ForF32(lo, hi);
    return;
  }
  // two's complement negation of (lo, hi); -2^63 becomes 2^63 as unsigned
  const nlo = (-lo) | 0;
  const nhi = nlo === 0 ? (-hi) | 0 : ~hi;
  G[d] = -u64ForF32(nlo, nhi);
}
/** f64.convert_i32_s (exact). */
export function f64ConvertI32S(F: Float64Array, S: Int32Array, d: number, a: number): void {
  F[d >> 1] = S[a];
}
/** f64.convert_i32_u (exact). */
export function f64ConvertI32U(F: Float64Array, S: Int32Array, d: number, a: number): void {
  F[d >> 1] = S[a] >>> 0;
}
/** f64.convert_i64_s: hi * 2^32 is exact, so the one addition rounds once. */
export function f64ConvertI64S(F: Float64Array, S: Int32Array, d: number, a: number): void {
  F[d >> 1] = S[a + 1] * TWO32 + (S[a] >>> 0);
}
/** f64.convert_i64_u: as `f64ConvertI64S` with the high word unsigned. */
export function f64ConvertI64U(F: Float64Array, S: Int32Array, d: number, a: number): void {
  F[d >> 1] = (S[a + 1] >>> 0) * TWO32 + (S[a] >>> 0);
}

// ---------------------------------------------------------------- float <-> float

/** f32.demote_f64: the f64 in slots a, a + 1 rounded once to f32 (spec 4.3.4 demote; NaN canonical). */
export function f32DemoteF64(G: Float32Array, F: Float64Array, S: Int32Array, d: number, a: number): void {
  setF32(G, S, d, F[a >> 1]);
}
/** f64.promote_f32: exact (spec 4.3.4 promote; NaN canonical). */
export function f64PromoteF32(F: Float64Array, G: Float32Array, S: Int32Array, d: number, a: number): void {
  setF64(F, S, d, G[a]);
}

// ---------------------------------------------------------------- float -> int (spec 4.3.4 trunc, trunc_sat)

/**
 * Math.trunc(x) when lo < x < hi (exclusive bounds: the largest invalid
 * double below the range and the smallest above, both exact); a NaN traps
 * `invalid_conversion`, anything else outside `integer_overflow`.
 */
function truncChecked(x: number, lo: number, hi: number): number {
  if (x !== x) throw new Trap('invalid_conversion');
  if (!(x > lo && x < hi)) throw new Trap('integer_overflow');
  return Math.trunc(x);
}

/** Below every valid i64 truncation input: -2^63 - 2048, the double just below -2^63. */
const I64_LO = -9223372036854777856;
const I64_HI = 9223372036854775808;
const U64_HI = 18446744073709551616;

/** i32.trunc_f32_s: the result (an int32). */
export function i32TruncF32S(G: Float32Array, a: number): number {
  return truncChecked(G[a], -2147483649, 2147483648) | 0;
}
/** i32.trunc_f32_u. */
export function i32TruncF32U(G: Float32Array, a: number): number {
  return truncChecked(G[a], -1, TWO32) | 0;
}
/** i32.trunc_f64_s. */
export function i32TruncF64S(F: Float64Array, a: number): number {
  return truncChecked(F[a >> 1], -2147483649, 2147483648) | 0;
}
/** i32.trunc_f64_u. */
export function i32TruncF64U(F: Float64Array, a: number): number {
  return truncChecked(F[a >> 1], -1, TWO32) | 0;
}
/** i64.trunc_f32_s: the i64 to slots d, d + 1. */
export function i64TruncF32S(G: Float32Array, S: Int32Array, d: number, a: number): void {
  putI64(S, d, truncChecked(G[a], I64_LO, I64_HI));
}
/** i64.trunc_f32_u. */
export function i64TruncF32U(G: Float32Array, S: Int32Array, d: number, a: number): void {
  putI64(S, d, truncChecked(G[a], -1, U64_HI));
}
/** i64.trunc_f64_s. */
export function i64TruncF64S(F: Float64Array, S: Int32Array, d: number, a: number): void {
  putI64(S, d, truncChecked(F[a >> 1], I64_LO, I64_HI));
}
/** i64.trunc_f64_u. */
export function i64TruncF64U(F: Float64Array, S: Int32Array, d: number, a: number): void {
  putI64(S, d, truncChecked(F[a >> 1], -1, U64_HI));
}

/** Saturating truncation to a signed 32-bit integer (spec 4.3.4 trunc_sat_s): NaN -> 0. */
function satS32(x: number): number {
  if (x !== x) return 0;
  if (x <= -2147483648) return -2147483648;
  if (x >= 2147483647) return 2147483647;
  return Math.trunc(x) | 0;
}
function satU32(x: number): number {
  if (!(x > 0)) return 0; // NaN, negative, zero
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
  } else if (x >= I64_HI) {
    S[d] = -1;
    S[d + 1] = 0x7fffffff;
  } else putI64(S, d, Math.trunc(x));
}
function satU64(S: Int32Array, d: number, x: number): void {
  if (!(x > 0)) {
    S[d] = 0;
    S[d + 1] = 0;
  } else if (x >= U64_HI) {
    S[d] = -1;
    S[d + 1] = -1;
  } else putI64(S, d, Math.trunc(x));
}

/** i32.trunc_sat_f32_s: the result (never traps). */
export function i32TruncSatF32S(G: Float32Array, a: number): number {
  return satS32(G[a]);
}
/** i32.trunc_sat_f32_u. */
export function i32TruncSatF32U(G: Float32Array, a: number): number {
  return satU32(G[a]);
}
/** i32.trunc_sat_f64_s. */
export function i32TruncSatF64S(F: Float64Array, a: number): number {
  return satS32(F[a >> 1]);
}
/** i32.trunc_sat_f64_u. */
export function i32TruncSatF64U(F: Float64Array, a: number): number {
  return satU32(F[a >> 1]);
}
/** i64.trunc_sat_f32_s: to slots d, d + 1. */
export function i64TruncSatF32S(G: Float32Array, S: Int32Array, d: number, a: number): void {
  satS64(S, d, G[a]);
}
/** i64.trunc_sat_f32_u. */
export function i64TruncSatF32U(G: Float32Array, S: Int32Array, d: number, a: number): void {
  satU64(S, d, G[a]);
}
/** i64.trunc_sat_f64_s. */
export function i64TruncSatF64S(F: Float64Array, S: Int32Array, d: number, a: number): void {
  satS64(S, d, F[a >> 1]);
}
/** i64.trunc_sat_f64_u. */
export function i64TruncSatF64U(F: Float64Array, S: Int32Array, d: number, a: number): void {
  satU64(S, d, F[a >> 1]);
}
