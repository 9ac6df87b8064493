/**
 * Script values ↔ JS values, shared by the adapters: i32 as number, i64 as
 * bigint, f32/f64 as number, null references as null, `ref.extern N` as one
 * host object per N (so identity can be checked when it comes back).
 */
import type { WastValue } from '../wast.js';
import { f32FromBits, f64FromBits } from '../numbers.js';

export interface ExternObject { readonly externId: number }

/**
 * An f32 result as its exact bits (an adapter that can read them returns
 * this instead of a JS number, so NaN payloads are checked bit for bit).
 */
export class F32Bits {
  constructor(readonly bits: number) {}
}
/** An f64 result as its exact bits (unsigned). */
export class F64Bits {
  constructor(readonly bits: bigint) {}
}

/** The words (two per value, as `invokeRaw` takes them) of a numeric argument; undefined for references and v128. */
export function argWords(v: WastValue): [number, number] | undefined {
  switch (v.type) {
    case 'i32': return [v.value | 0, 0];
    case 'f32': return [v.bits | 0, 0];
    case 'i64': case 'f64': {
      const b = BigInt.asUintN(64, BigInt(v.type === 'i64' ? v.value : v.bits));
      return [Number(BigInt.asIntN(32, b)), Number(BigInt.asIntN(32, b >> 32n))];
    }
    default: return undefined;
  }
}

/** A result of value type `t` (binary encoding) from its two words: i32 number, i64 bigint, f32/f64 bits. */
export function fromWords(t: number, lo: number, hi: number): unknown {
  switch (t) {
    case 0x7f: return lo | 0;
    case 0x7e: return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
    case 0x7d: return new F32Bits(lo >>> 0);
    case 0x7c: return new F64Bits(BigInt.asUintN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0)));
    default: throw new TypeError(`fromWords: not a number type 0x${t.toString(16)}`);
  }
}

const externObjects = new Map<number, ExternObject>();

export function externObject(id: number): ExternObject {
  let o = externObjects.get(id);
  if (!o) {
    o = Object.freeze({ externId: id });
    externObjects.set(id, o);
  }
  return o;
}

export function isExternObject(x: unknown): x is ExternObject {
  return typeof x === 'object' && x !== null && externObjects.get((x as ExternObject).externId) === x;
}

export function toJS(v: WastValue): unknown {
  switch (v.type) {
    case 'i32': return v.value;
    case 'i64': return v.value;
    case 'f32': return f32FromBits(v.bits);
    case 'f64': return f64FromBits(v.bits);
    case 'funcref': return null;
    case 'externref': return v.null ? null : externObject(v.id);
    case 'v128': throw new Error('v128 values cannot cross the JS API');
  }
}

/** Normalizes a call's return value to a list of `resultCount` values. */
export function resultList(ret: unknown, resultCount: number): unknown[] {
  if (resultCount === 0) return ret === undefined ? [] : [ret];
  if (resultCount === 1) return [ret];
  return Array.isArray(ret) ? ret : [ret];
}
