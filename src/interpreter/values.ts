/**
 * Values between wasm slots (or payload words) and JS (JS API ToJSValue /
 * ToWebAssemblyValue): host calls, invocations from JS and exception
 * payloads all convert through these.
 */
import { valtypeName, type functype, type valtype } from '../decoder/module.js';
import { CONCRETE, EXNREF, EXTERNREF, F32, F64, FUNCREF, I32, I64, abstractHeap, isExnRef, isNullable, isRefType } from '../decoder/valtype.js';
import { f32Val, f64At } from './float.js';
import { FUNC_INST, funcRefFromJS, i64ToBigInt, putF64FromJS, toF32Bits, toI32, toI64, wrapperOf } from './runtime.js';
import { FuncInst, type StoreState } from './instances.js';

/**
 * JS API "call an Exported Function" (step 4) and "run a host function"
 * (step 2): a function with an exception reference among its parameters or
 * results cannot be called across the JS boundary, either way. The TypeError
 * comes before anything is converted or run.
 */
export function checkNoExnref(t: functype, where: string): void {
  if (t.params.some(isExnRef) || t.results.some(isExnRef)) {
    throw new TypeError(`${where}: a function with an exnref parameter or result cannot be called across the JS boundary`);
  }
}

/**
 * Writes JS value v as a wasm value of type t at slot s (ToWebAssemblyValue:
 * i32 ToInt32, i64 ToBigInt64 so a Number throws TypeError, f32/f64 ToNumber
 * so a BigInt throws TypeError; f32 rounded to nearest; a NaN enters wasm as
 * the canonical NaN).
 */
export function writeValue(store: StoreState, S: Int32Array, s: number, t: valtype, v: unknown): void {
  switch (t) {
    case I32:
      S[s] = toI32(v);
      return;
    case I64: {
      const b = toI64(v);
      S[s] = Number(BigInt.asIntN(32, b));
      S[s + 1] = Number(BigInt.asIntN(32, b >> 32n));
      return;
    }
    case F32:
      S[s] = toF32Bits(v);
      S[s + 1] = 0;
      return;
    case F64:
      putF64FromJS(S, s, v);
      return;
    case FUNCREF: {
      if (v === null) { S[s] = 0; return; }
      const f = typeof v === 'function' ? (v as any)[FUNC_INST] : undefined;
      if (!(f instanceof FuncInst)) throw new TypeError('value is not a WebAssembly function or null');
      S[s] = store.intern(f);
      return;
    }
    case EXTERNREF:
      S[s] = store.intern(v);
      return;
    default:
      // typed references (WebAssembly 3.0): (ref null? func|extern|$t); exnref does not cross the JS boundary
      if (isRefType(t) && abstractHeap(t) !== EXNREF) {
        if (v === null && !isNullable(t)) throw new TypeError(`null is not a value of the non-nullable type ${valtypeName(t)}`);
        if (abstractHeap(t) === EXTERNREF) S[s] = store.intern(v);
        else {
          // (a concrete `t` is in module-independent terms, types.ts linkType: the function's type must be the one it names)
          const f = funcRefFromJS(v, t, 'value');
          S[s] = f === null ? 0 : store.intern(f);
        }
        return;
      }
      throw new TypeError(`unsupported value type 0x${t.toString(16)}`);
  }
}

/**
 * Reads the wasm value of type t at slot s as a JS value (ToJSValue; f32/f64
 * as a number: a NaN is a JS NaN, its payload not observable from JS).
 */
export function readValue(store: StoreState, S: Int32Array, s: number, t: valtype): unknown {
  switch (t) {
    case I32: return S[s];
    case I64: return i64ToBigInt(S[s], S[s + 1]);
    case F32: return f32Val(S[s]);
    case F64: return f64At(S, s);
    case FUNCREF: {
      const id = S[s];
      return id === 0 ? null : wrapperOf(store.refs[id] as FuncInst);
    }
    default: {
      const id = S[s];
      if (id === 0) return null;
      // typed function references (WebAssembly 3.0) are functions in JS, as funcref
      if (t >= CONCRETE || abstractHeap(t) === FUNCREF) return wrapperOf(store.refs[id] as FuncInst);
      return store.refs[id];
    }
  }
}

/**
 * A payload value made in JS (`new Exception`, no store yet) converted to
 * words: numbers as `writeValue` does; a reference is only checked (it is
 * kept as the JS value and interned when the exception reaches a store).
 */
export function writePayloadValue(store: StoreState | null, w: Int32Array, i: number, t: valtype, v: unknown): void {
  if (store !== null) { writeValue(store, w, i, t, v); return; }
  if (isRefType(t)) {
    if (v === null && !isNullable(t)) throw new TypeError(`null is not a value of the non-nullable type ${valtypeName(t)}`);
    if (abstractHeap(t) !== EXTERNREF) funcRefFromJS(v, t, 'value');
    return;
  }
  writeValue(null as unknown as StoreState, w, i, t, v);
}
