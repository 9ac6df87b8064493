/**
 * Crossing the JS <-> wasm boundary: invoking a function from JS (exported
 * function wrappers, the start function), calling host functions from wasm,
 * and converting values (JS API ToJSValue / ToWebAssemblyValue).
 */
import { valtypeName, type valtype } from '../decoder/module.js';
import { CONCRETE, EXNREF, EXTERNREF, F32, F64, FUNCREF, I32, I64, abstractHeap, isNullable, isRefType } from '../decoder/valtype.js';
import { Trap } from '../errors.js';
import { Exception, setPayloadCodec } from './exn.js';
import { exec } from './exec.js';
import { f32Val, f64At } from './float.js';
import {
  Caller, FuncInst, FUNC_INST, MAX_REENTRANCY, compiledOf, i64ToBigInt, locateTrap, putF64FromJS, setWrapperFactory, toF32Bits, toI32, toI64, wrapperOf,
  type Instance, type Store,
} from './runtime.js';

/**
 * Writes JS value v as a wasm value of type t at slot s (ToWebAssemblyValue:
 * i32 ToInt32, i64 ToBigInt64 so a Number throws TypeError, f32/f64 ToNumber
 * so a BigInt throws TypeError; f32 rounded to nearest; a NaN enters wasm as
 * the canonical NaN).
 */
export function writeValue(store: Store, S: Int32Array, s: number, t: valtype, v: unknown): void {
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
      S[s] = store._intern(f);
      return;
    }
    case EXTERNREF:
      S[s] = store._intern(v);
      return;
    default:
      // typed references (WebAssembly 3.0): (ref null? func|extern|$t); exnref does not cross the JS boundary
      if (isRefType(t) && abstractHeap(t) !== EXNREF) {
        if (v === null && !isNullable(t)) throw new TypeError(`null is not a value of the non-nullable type ${valtypeName(t)}`);
        writeValue(store, S, s, abstractHeap(t) === EXTERNREF ? EXTERNREF : FUNCREF, v);
        return;
      }
      throw new TypeError(`unsupported value type 0x${t.toString(16)}`);
  }
}

/**
 * Reads the wasm value of type t at slot s as a JS value (ToJSValue; f32/f64
 * as a number: a NaN is a JS NaN, its payload not observable from JS).
 */
export function readValue(store: Store, S: Int32Array, s: number, t: valtype): unknown {
  switch (t) {
    case I32: return S[s];
    case I64: return i64ToBigInt(S[s], S[s + 1]);
    case F32: return f32Val(S[s]);
    case F64: return f64At(S, s);
    case FUNCREF: {
      const id = S[s];
      return id === 0 ? null : wrapperOf(store._refs[id] as FuncInst);
    }
    default: {
      const id = S[s];
      if (id === 0) return null;
      // typed function references (WebAssembly 3.0) are functions in JS, as funcref
      if (t >= CONCRETE || abstractHeap(t) === FUNCREF) return wrapperOf(store._refs[id] as FuncInst);
      return store._refs[id];
    }
  }
}

// Exception payloads (exn.ts) convert with the JS API's conversions above.
setPayloadCodec({
  write(store, w, i, t, v) {
    if (store !== null) { writeValue(store, w, i, t, v); return; }
    // a payload made in JS (new Exception): numbers converted, references only checked
    if (isRefType(t)) {
      if (v === null && !isNullable(t)) throw new TypeError(`null is not a value of the non-nullable type ${valtypeName(t)}`);
      if (abstractHeap(t) !== EXTERNREF && v !== null && !(typeof v === 'function' && (v as any)[FUNC_INST] instanceof FuncInst)) {
        throw new TypeError('value is not a WebAssembly function or null');
      }
      return;
    }
    writeValue(null as unknown as Store, w, i, t, v);
  },
  read(store, w, i, t) {
    return readValue(store as Store, w, i, t);
  },
});

/**
 * Whether `e` is the JS engine's "out of stack" error: a RangeError "Maximum
 * call stack size exceeded" (V8, JavaScriptCore) or an InternalError "too
 * much recursion" (SpiderMonkey).
 */
export function isStackOverflow(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e instanceof RangeError) return /call stack/i.test(e.message);
  return e.name === 'InternalError' && /recursion/i.test(e.message);
}

/**
 * The trap a JS stack overflow crossing the engine boundary becomes. The
 * re-entry cap (MAX_REENTRANCY) keeps the engine's own frames far below any
 * supported stack, so this happens only when the host itself runs out of stack
 * (its own frames are deep, or it recurses): then the outcome depends on the
 * host, but it is still this trap, never a RangeError.
 */
function stackTrap(e: unknown): Trap {
  return new Trap('call_stack_exhausted', 'JavaScript stack exhausted', { cause: e });
}

/** What a host function's exception becomes (StoreOptions.hostErrors; a JS stack overflow is call_stack_exhausted either way). */
function hostFailure(store: Store, e: unknown): unknown {
  if (e instanceof Trap) return e;
  // a wasm exception thrown (or rethrown) by the host goes on into wasm, where handlers may catch it
  if (e instanceof Exception) return e;
  if (isStackOverflow(e)) return stackTrap(e);
  if (store._propagateHostErrors) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new Trap('host', msg, { cause: e });
}

/**
 * Calls host function f from wasm: arguments at slots nfp.., results written
 * back to nfp... Counts as one frame against maxCallDepth.
 */
export function callHost(store: Store, f: FuncInst, nfp: number, callerInst: Instance | null): void {
  const t = f.type;
  const depth = store._depth;
  if (depth >= store._limits.maxCallDepth) throw new Trap('call_stack_exhausted');
  const S = store._stack;
  const args: unknown[] = new Array(t.params.length);
  for (let i = 0; i < args.length; i++) args[i] = readValue(store, S, nfp + 2 * i, t.params[i]);
  const sp = store._sp;
  store._sp = nfp + 2 * Math.max(t.params.length, t.results.length);
  store._depth = depth + 1;
  let r: unknown;
  try {
    const caller = new Caller(store, callerInst);
    r = f.explicitCaller ? f.fn!(caller, ...args) : f.fn!.apply(caller, args);
  } catch (e) {
    throw hostFailure(store, e);
  } finally {
    store._sp = sp;
    store._depth = depth;
  }
  writeResults(store, t.results, r, nfp);
}

function writeResults(store: Store, results: valtype[], r: unknown, base: number): void {
  try {
    if (results.length === 0) return;
    let S = store._stack;
    if (base + 2 * results.length > S.length) S = store._growStack(base + 2 * results.length);
    if (results.length === 1) {
      writeValue(store, S, base, results[0], r);
      return;
    }
    if (r === null || typeof r !== 'object' || typeof (r as any)[Symbol.iterator] !== 'function') {
      throw new TypeError('host function must return an iterable for multiple results');
    }
    const arr = Array.from(r as Iterable<unknown>);
    if (arr.length !== results.length) throw new TypeError(`host function returned ${arr.length} values, expected ${results.length}`);
    for (let i = 0; i < arr.length; i++) writeValue(store, S, base + 2 * i, results[i], arr[i]);
  } catch (e) {
    throw hostFailure(store, e);
  }
}

/** A conversion error of argument i of an exported function, saying which (same class: TypeError, or SyntaxError for an unparsable i64 string). */
function argumentError(f: FuncInst, i: number, e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const where = f.host ? 'host function' : `function ${f.instance!._module._vm.numImportedFuncs + f.codeIndex}`;
  const type = valtypeName(f.type.params[i]);
  const Ctor = e.constructor as new (message: string) => Error;
  return new Ctor(`${where}: argument ${i} (${type}): ${e.message}`);
}

/**
 * Invokes f with JS arguments (spec 4.5.5 "Invocation"); returns undefined,
 * one value, or an array for multiple results. The store's stacks are
 * restored whatever happens, so it stays usable after a trap.
 */
export function invoke(f: FuncInst, args: readonly unknown[]): unknown {
  const store = f.store;
  const t = f.type;
  if (store._nesting >= MAX_REENTRANCY) throw new Trap('call_stack_exhausted', 'too many nested host-to-wasm calls');
  const depth = store._depth;
  const sp = store._sp;
  const base = sp;
  const slots = 2 * Math.max(t.params.length, t.results.length);
  let S = store._stack;
  if (base + slots > S.length) S = store._growStack(base + slots);
  for (let i = 0; i < t.params.length; i++) {
    try {
      writeValue(store, S, base + 2 * i, t.params[i], args[i]);
    } catch (e) {
      throw argumentError(f, i, e);
    }
  }
  store._nesting++;
  try {
    run(store, f, base, depth);
    S = store._stack;
    const n = t.results.length;
    if (n === 0) return undefined;
    if (n === 1) return readValue(store, S, base, t.results[0]);
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = readValue(store, S, base + 2 * i, t.results[i]);
    return out;
  } finally {
    store._nesting--;
    store._depth = depth;
    store._sp = sp;
  }
}

/** Runs f with its arguments at `base` (host or wasm), its results left at `base`. */
function run(store: Store, f: FuncInst, base: number, depth: number): void {
  if (f.host) {
    callHost(store, f, base, null);
    return;
  }
  if (depth >= store._limits.maxCallDepth) throw new Trap('call_stack_exhausted');
  const cf = compiledOf(f, store._metered);
  store._depth = depth + 1;
  store._sp = base + cf.frameSlots;
  // where a trap before exec's loop starts (its frame does not fit the value stack) is located
  store._lastFunc = f;
  store._lastDepth = depth + 1;
  try {
    exec(store, f, base);
  } catch (e) {
    // a JS stack overflow in the engine's own frames (the host entered with little stack left)
    const t = isStackOverflow(e) ? stackTrap(e) : e;
    // the frames of this activation: the function it stopped in and its callers
    if (t instanceof Trap) locateTrap(t, store._lastFunc!, store._callFns, depth + 1, store._lastDepth);
    throw t;
  }
}

/**
 * Invokes exported function `fn` with its arguments as raw value words and
 * returns its results the same way: two int32 words per value (i32 and f32:
 * the bits, then 0 — an argument's second word is ignored; i64 and f64: lo, hi). For tools and tests that need float
 * bits exactly (a JS number cannot carry a NaN's payload). Only for
 * functions whose parameters and results are all numbers (i32, i64, f32,
 * f64); TypeError otherwise. Traps and limits as `invoke`.
 */
export function invokeRaw(fn: unknown, args: ArrayLike<number>): Int32Array {
  const f = typeof fn === 'function' ? (fn as any)[FUNC_INST] : undefined;
  if (!(f instanceof FuncInst)) throw new TypeError('invokeRaw: not an exported function');
  const t = f.type;
  for (const v of [...t.params, ...t.results]) {
    if (v !== I32 && v !== I64 && v !== F32 && v !== F64) throw new TypeError(`invokeRaw: ${valtypeName(v)} is not a number type`);
  }
  if (args.length !== 2 * t.params.length) throw new TypeError(`invokeRaw: expected ${2 * t.params.length} words, got ${args.length}`);
  const store = f.store;
  if (store._nesting >= MAX_REENTRANCY) throw new Trap('call_stack_exhausted', 'too many nested host-to-wasm calls');
  const depth = store._depth;
  const sp = store._sp;
  const base = sp;
  const slots = 2 * Math.max(t.params.length, t.results.length);
  let S = store._stack;
  if (base + slots > S.length) S = store._growStack(base + slots);
  for (let i = 0; i < args.length; i++) S[base + i] = args[i];
  store._nesting++;
  try {
    run(store, f, base, depth);
    const out = store._stack.slice(base, base + 2 * t.results.length);
    // the high slot of an i32 or f32 is not part of the value
    for (let j = 0; j < t.results.length; j++) if (t.results[j] === I32 || t.results[j] === F32) out[2 * j + 1] = 0;
    return out;
  } finally {
    store._nesting--;
    store._depth = depth;
    store._sp = sp;
  }
}

setWrapperFactory((f: FuncInst) => {
  // an arrow function: like the JS API's exported functions, not a constructor (`new` is a TypeError)
  const w = (...args: unknown[]): unknown => invoke(f, args);
  Object.defineProperty(w, FUNC_INST, { value: f });
  Object.defineProperty(w, 'length', { value: f.type.params.length });
  // JS API "Exported Function": the name is the function index (of the defining instance;
  // for a re-exported import, of the importing one)
  const index = f.host ? f._hostIndex : f.instance!._module._vm.numImportedFuncs + f.codeIndex;
  Object.defineProperty(w, 'name', { value: String(index) });
  return w;
});
