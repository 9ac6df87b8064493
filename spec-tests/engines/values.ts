/**
 * Script values ↔ JS values, shared by the adapters: i32 as number, i64 as
 * bigint, f32/f64 as number, null references as null, `ref.extern N` as one
 * host object per N (so identity can be checked when it comes back).
 */
import type { WastValue } from '../wast.js';
import { f32FromBits, f64FromBits } from '../numbers.js';

export interface ExternObject { readonly externId: number }

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
