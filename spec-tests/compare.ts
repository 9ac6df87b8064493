/**
 * Checking actual results against the expected results of `assert_return`
 * (spec interpreter semantics: exact bit patterns for floats, `nan:canonical`
 * and `nan:arithmetic` patterns, reference identity for `ref.extern N`).
 */
import type { ExpectedResult, WastValue } from './wast.js';
import { f32ToBits, f64ToBits } from './numbers.js';
import { externObject, isExternObject, F32Bits, F64Bits } from './engines/values.js';

export interface CompareOptions {
  /** Treat a NaN whose payload differs as a skip instead of a failure (native backend). */
  nanPayloadUnobservable: boolean;
}

export type Verdict = { ok: true } | { ok: false; skip: boolean; message: string };

const OK: Verdict = { ok: true };

function isF32NaN(bits: number): boolean {
  return (bits & 0x7f800000) === 0x7f800000 && (bits & 0x007fffff) !== 0;
}
function isF64NaN(bits: bigint): boolean {
  return (bits & 0x7ff0000000000000n) === 0x7ff0000000000000n && (bits & 0x000fffffffffffffn) !== 0n;
}

export function formatValue(v: WastValue): string {
  switch (v.type) {
    case 'i32': return `(i32.const ${v.value})`;
    case 'i64': return `(i64.const ${v.value})`;
    case 'f32': return `(f32.const bits 0x${v.bits.toString(16)})`;
    case 'f64': return `(f64.const bits 0x${v.bits.toString(16)})`;
    case 'v128': return `(v128.const i8x16 ${Array.from(v.bytes).join(' ')})`;
    case 'funcref': return '(ref.null func)';
    case 'externref': return v.null ? '(ref.null extern)' : `(ref.extern ${v.id})`;
  }
}

export function formatExpected(e: ExpectedResult): string {
  switch (e.kind) {
    case 'value': return formatValue(e.value);
    case 'nan': return `(${e.type}.const nan:${e.which})`;
    case 'v128': return `(v128.const ${e.shape} ${e.lanes.map((l) => (l.kind === 'nan' ? `nan:${l.which}` : `0x${l.bits.toString(16)}`)).join(' ')})`;
    case 'anyfunc': return '(ref.func)';
    case 'anyextern': return '(ref.extern)';
    case 'either': return `(either ${e.options.map(formatExpected).join(' ')})`;
  }
}

export function formatActual(x: unknown): string {
  if (typeof x === 'bigint') return `${x}n`;
  if (x instanceof F32Bits) return `(f32 bits 0x${x.bits.toString(16)})`;
  if (x instanceof F64Bits) return `(f64 bits 0x${x.bits.toString(16)})`;
  if (typeof x === 'number') return Object.is(x, -0) ? '-0' : String(x);
  if (typeof x === 'function') return `[function ${x.name || 'anonymous'}]`;
  if (isExternObject(x)) return `[extern ${x.externId}]`;
  if (x instanceof Uint8Array) return `(v128 i8x16 ${Array.from(x).join(' ')})`;
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (typeof x === 'object') return `[object ${(x as object).constructor?.name ?? 'Object'}]`;
  return String(x);
}

/** Checks one actual value against one expected result. */
export function matchResult(expected: ExpectedResult, actual: unknown, opts: CompareOptions): Verdict {
  const mismatch = (): Verdict => ({ ok: false, skip: false, message: `expected ${formatExpected(expected)}, got ${formatActual(actual)}` });
  switch (expected.kind) {
    case 'either': {
      let skip: Verdict | undefined;
      for (const option of expected.options) {
        const v = matchResult(option, actual, opts);
        if (v.ok) return v;
        if (v.skip) skip = v;
      }
      return skip ?? mismatch();
    }
    case 'anyfunc':
      return actual !== null && actual !== undefined && !isExternObject(actual) ? OK : mismatch();
    case 'anyextern':
      return actual !== null && actual !== undefined ? OK : mismatch();
    case 'v128': {
      if (!(actual instanceof Uint8Array) || actual.length !== 16) return mismatch();
      const width = expected.shape === 'f64x2' || expected.shape === 'i64x2' ? 8
        : expected.shape === 'f32x4' || expected.shape === 'i32x4' ? 4 : expected.shape === 'i16x8' ? 2 : 1;
      const ok = expected.lanes.every((lane, k) => {
        let bits = 0n;
        for (let b = width - 1; b >= 0; b--) bits = (bits << 8n) | BigInt(actual[k * width + b]);
        switch (lane.kind) {
          case 'int': return bits === lane.bits;
          case 'f32': return bits === BigInt(lane.bits);
          case 'f64': return bits === lane.bits;
          case 'nan':
            if (width === 4) {
              const x = Number(bits);
              return isF32NaN(x) && (lane.which === 'canonical' ? (x & 0x7fffffff) === 0x7fc00000 : (x & 0x00400000) !== 0);
            }
            return isF64NaN(bits) && (lane.which === 'canonical'
              ? (bits & 0x7fffffffffffffffn) === 0x7ff8000000000000n : (bits & 0x0008000000000000n) !== 0n);
        }
      });
      return ok ? OK : mismatch();
    }
    case 'nan': {
      if (actual instanceof F32Bits || actual instanceof F64Bits) {
        // exact bits: no JS number in between
        if (expected.type === 'f32') {
          if (!(actual instanceof F32Bits) || !isF32NaN(actual.bits)) return mismatch();
          return (expected.which === 'canonical' ? (actual.bits & 0x7fffffff) === 0x7fc00000 : (actual.bits & 0x00400000) !== 0) ? OK : mismatch();
        }
        if (!(actual instanceof F64Bits) || !isF64NaN(actual.bits)) return mismatch();
        return (expected.which === 'canonical'
          ? (actual.bits & 0x7fffffffffffffffn) === 0x7ff8000000000000n : (actual.bits & 0x0008000000000000n) !== 0n) ? OK : mismatch();
      }
      if (typeof actual !== 'number') return mismatch();
      if (expected.type === 'f32') {
        if (Math.fround(actual) !== actual && !Number.isNaN(actual)) return mismatch();
        const bits = f32ToBits(actual);
        if (!isF32NaN(bits)) return mismatch();
        if (expected.which === 'canonical' && (bits & 0x7fffffff) !== 0x7fc00000) return mismatch();
        if (expected.which === 'arithmetic' && (bits & 0x00400000) === 0) return mismatch();
        return OK;
      }
      const bits = f64ToBits(actual);
      if (!isF64NaN(bits)) return mismatch();
      if (expected.which === 'canonical' && (bits & 0x7fffffffffffffffn) !== 0x7ff8000000000000n) return mismatch();
      if (expected.which === 'arithmetic' && (bits & 0x0008000000000000n) === 0n) return mismatch();
      return OK;
    }
    case 'value': {
      const v = expected.value;
      switch (v.type) {
        case 'i32':
          return typeof actual === 'number' && actual === v.value ? OK : mismatch();
        case 'i64': // the API's representation: a signed bigint
          return typeof actual === 'bigint' && actual === v.value ? OK : mismatch();
        case 'f32': {
          if (actual instanceof F32Bits) return actual.bits === v.bits >>> 0 ? OK : mismatch();
          if (typeof actual !== 'number') return mismatch();
          if (!Number.isNaN(actual) && Math.fround(actual) !== actual) return mismatch();
          const bits = f32ToBits(actual);
          if (bits === v.bits) return OK;
          if (opts.nanPayloadUnobservable && isF32NaN(bits) && isF32NaN(v.bits)) {
            return { ok: false, skip: true, message: 'NaN payload is not observable through JS numbers' };
          }
          return mismatch();
        }
        case 'f64': {
          if (actual instanceof F64Bits) return actual.bits === v.bits ? OK : mismatch();
          if (typeof actual !== 'number') return mismatch();
          const bits = f64ToBits(actual);
          if (bits === v.bits) return OK;
          if (opts.nanPayloadUnobservable && isF64NaN(bits) && isF64NaN(v.bits)) {
            return { ok: false, skip: true, message: 'NaN payload is not observable through JS numbers' };
          }
          return mismatch();
        }
        case 'funcref':
          return actual === null ? OK : mismatch();
        case 'externref':
          if (v.null) return actual === null ? OK : mismatch();
          return actual === externObject(v.id) ? OK : mismatch();
        case 'v128': {
          if (!(actual instanceof Uint8Array) || actual.length !== 16) return mismatch();
          return actual.every((b, k) => b === v.bytes[k]) ? OK : mismatch();
        }
      }
    }
  }
}
