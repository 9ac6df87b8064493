/**
 * f32/f64 values at the edges of the execution loop: between raw bits and JS
 * numbers for globals, the JS API and tools. The instructions themselves are
 * the rows of isa.ts (their semantics, rounding and NaN rules are explained
 * there); values inside the loop are always bits.
 *
 * A NaN that becomes bits here is the canonical NaN (f32 0x7fc00000, f64
 * 0x7ff8000000000000): which NaN a JS number holds is the JS engine's
 * business, so it is never let through. Bits that become a number lose a
 * NaN's payload, which JavaScript cannot observe anyway.
 */
/** Scratch for f32 <-> bits. */
const F32S = new Float32Array(1);
const U32S = new Int32Array(F32S.buffer);
/** Scratch for f64 <-> (lo, hi) words. */
const F64S = new Float64Array(1);
const W64S = new Int32Array(F64S.buffer);

/** Index of the low / high word of a double in `W64S` (platform byte order). */
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

/** The canonical f32 NaN (spec 4.3.3: sign 0, payload 2^22). */
export const F32_CANONICAL_NAN = 0x7fc00000;
/** The high word of the canonical f64 NaN 0x7ff8000000000000 (its low word is 0). */
export const F64_CANONICAL_NAN_HI = 0x7ff80000;

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

