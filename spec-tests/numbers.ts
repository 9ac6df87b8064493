/**
 * Numeric literals of the text format (spec 6.3.1 "Integers", 6.3.2 "Floating-Point").
 * Integers become their two's-complement bit pattern; floats become their exact
 * IEEE 754 bit pattern, rounded to nearest-even from the exact decimal or
 * hexadecimal value (no detour through a JS double, which would round twice).
 */

export class NumberSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NumberSyntaxError';
  }
}

const DEC_RE = /^[0-9](?:_?[0-9])*$/;
const HEX_RE = /^[0-9a-fA-F](?:_?[0-9a-fA-F])*$/;

/**
 * Parses an integer literal of `bits` width (signed or unsigned form) and
 * returns it as an unsigned bigint in [0, 2^bits).
 */
export function parseIntBits(text: string, bits: 32 | 64): bigint {
  let s = text;
  let negative = false;
  if (s.startsWith('+') || s.startsWith('-')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  let magnitude: bigint;
  if (s.startsWith('0x')) {
    const digits = s.slice(2);
    if (!HEX_RE.test(digits)) throw new NumberSyntaxError(`malformed integer literal "${text}"`);
    magnitude = BigInt('0x' + digits.replace(/_/g, ''));
  } else {
    if (!DEC_RE.test(s)) throw new NumberSyntaxError(`malformed integer literal "${text}"`);
    magnitude = BigInt(s.replace(/_/g, ''));
  }
  const limit = 1n << BigInt(bits);
  if (negative) {
    if (magnitude > limit / 2n) throw new NumberSyntaxError(`integer literal out of range "${text}"`);
    return (limit - magnitude) % limit;
  }
  if (magnitude >= limit) throw new NumberSyntaxError(`integer literal out of range "${text}"`);
  return magnitude;
}

/** An i32 literal as a signed JS number. */
export function parseI32(text: string): number {
  return Number(BigInt.asIntN(32, parseIntBits(text, 32)));
}

/** An i64 literal as a signed bigint. */
export function parseI64(text: string): bigint {
  return BigInt.asIntN(64, parseIntBits(text, 64));
}

interface FloatFormat {
  /** explicit fraction bits */
  mant: number;
  /** exponent field width */
  expBits: number;
  bias: number;
}
const F32: FloatFormat = { mant: 23, expBits: 8, bias: 127 };
const F64: FloatFormat = { mant: 52, expBits: 11, bias: 1023 };

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/**
 * Rounds the positive rational num/den to the format (round to nearest, ties
 * to even) and returns the bit pattern without sign.
 */
function roundRational(num: bigint, den: bigint, f: FloatFormat): bigint {
  const emin = 1 - f.bias;
  const emax = f.bias;
  // e = floor(log2(num/den))
  let e = bitLength(num) - bitLength(den);
  const scaledDen = e >= 0 ? den << BigInt(e) : den;
  const scaledNum = e >= 0 ? num : num << BigInt(-e);
  if (scaledNum < scaledDen) e--;
  if (e > emax + 1) return BigInt(2 ** f.expBits - 1) << BigInt(f.mant); // infinity
  const E = Math.max(e, emin);
  const shift = f.mant - E;
  let n = num;
  let d = den;
  if (shift >= 0) n <<= BigInt(shift);
  else d <<= BigInt(-shift);
  let q = n / d;
  const r2 = (n % d) * 2n;
  if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
  let exp = E;
  if (q >= 1n << BigInt(f.mant + 1)) { q >>= 1n; exp++; }
  if (exp > emax) return BigInt(2 ** f.expBits - 1) << BigInt(f.mant);
  if (q < 1n << BigInt(f.mant)) return q; // subnormal (or zero): exponent field 0
  return (BigInt(exp + f.bias) << BigInt(f.mant)) | (q - (1n << BigInt(f.mant)));
}

const HEXFLOAT_RE = /^0x([0-9a-fA-F](?:_?[0-9a-fA-F])*)?(?:\.([0-9a-fA-F](?:_?[0-9a-fA-F])*)?)?(?:[pP]([+-]?[0-9](?:_?[0-9])*))?$/;
const DECFLOAT_RE = /^([0-9](?:_?[0-9])*)(?:\.([0-9](?:_?[0-9])*)?)?(?:[eE]([+-]?[0-9](?:_?[0-9])*))?$/;

function parseFloatBits(text: string, f: FloatFormat): bigint {
  let s = text;
  let sign = 0n;
  if (s.startsWith('+') || s.startsWith('-')) {
    if (s[0] === '-') sign = 1n << BigInt(f.mant + f.expBits);
    s = s.slice(1);
  }
  const expAllOnes = BigInt(2 ** f.expBits - 1) << BigInt(f.mant);
  if (s === 'inf') return sign | expAllOnes;
  if (s === 'nan') return sign | expAllOnes | (1n << BigInt(f.mant - 1));
  if (s.startsWith('nan:0x')) {
    const digits = s.slice(6);
    if (!HEX_RE.test(digits)) throw new NumberSyntaxError(`malformed NaN literal "${text}"`);
    const payload = BigInt('0x' + digits.replace(/_/g, ''));
    if (payload === 0n || payload >= 1n << BigInt(f.mant)) throw new NumberSyntaxError(`NaN payload out of range "${text}"`);
    return sign | expAllOnes | payload;
  }
  let num: bigint;
  let den = 1n;
  if (s.startsWith('0x')) {
    const m = HEXFLOAT_RE.exec(s);
    if (!m || (m[1] === undefined)) throw new NumberSyntaxError(`malformed float literal "${text}"`);
    const intDigits = (m[1] ?? '').replace(/_/g, '');
    const fracDigits = (m[2] ?? '').replace(/_/g, '');
    num = BigInt('0x' + (intDigits + fracDigits || '0'));
    let exp2 = (m[3] ? Number(m[3].replace(/_/g, '')) : 0) - 4 * fracDigits.length;
    if (num === 0n) return sign;
    // Far outside the range every value rounds to 0 or infinity; clamp to keep the bigints small.
    const magnitude = bitLength(num) + exp2;
    if (magnitude > f.bias + 2) return sign | expAllOnes;
    if (magnitude < -f.bias - f.mant - 4) return sign;
    if (exp2 >= 0) num <<= BigInt(exp2);
    else den <<= BigInt(-exp2);
  } else {
    const m = DECFLOAT_RE.exec(s);
    if (!m) throw new NumberSyntaxError(`malformed float literal "${text}"`);
    const intDigits = m[1].replace(/_/g, '');
    const fracDigits = (m[2] ?? '').replace(/_/g, '');
    num = BigInt(intDigits + fracDigits);
    let exp10 = (m[3] ? Number(m[3].replace(/_/g, '')) : 0) - fracDigits.length;
    if (num === 0n) return sign;
    const digits = num.toString().length;
    // 10^(digits+exp10) bounds the value; clamp far-out exponents (f64 spans ~1e-324..1e308).
    if (digits + exp10 > 400) return sign | expAllOnes;
    if (digits + exp10 < -400) return sign;
    if (exp10 >= 0) num *= 10n ** BigInt(exp10);
    else den = 10n ** BigInt(-exp10);
  }
  return sign | roundRational(num, den, f);
}

/** An f32 literal as its 32-bit pattern (unsigned number). */
export function parseF32Bits(text: string): number {
  return Number(parseFloatBits(text, F32));
}

/** An f64 literal as its 64-bit pattern (unsigned bigint). */
export function parseF64Bits(text: string): bigint {
  return parseFloatBits(text, F64);
}

const f32Buf = new Float32Array(1);
const u32Buf = new Uint32Array(f32Buf.buffer);
const f64Buf = new Float64Array(1);
const u64Buf = new BigUint64Array(f64Buf.buffer);

export function f32FromBits(bits: number): number { u32Buf[0] = bits; return f32Buf[0]; }
export function f32ToBits(x: number): number { f32Buf[0] = x; return u32Buf[0]; }
export function f64FromBits(bits: bigint): number { u64Buf[0] = bits; return f64Buf[0]; }
export function f64ToBits(x: number): bigint { f64Buf[0] = x; return u64Buf[0]; }
