/**
 * Calling wasm from JS: exported function wrappers (`makeWrapper`), `invoke`
 * (wrappers, the start function) and `invokeRaw` (raw value words, for tools
 * and tests). Host functions called from wasm are in host.ts.
 */
import { valtypeName } from '../decoder/module.js';
import { CONCRETE, F32, F64, I32, I64 } from '../decoder/valtype.js';
import { Trap } from '../errors.js';
import { exec, execTraced } from './exec.js';
import { Exception, exnToJS } from './exn.js';
import { linkedFuncType } from './types.js';
import { callHost, isStackOverflow, readValue, stackTrap, writeValue } from './host.js';
import { checkNoExnref } from './values.js';
import { FUNC_INST, MAX_REENTRANCY, compiledOf, locateTrap } from './runtime.js';
import { FuncInst, type StoreState } from './instances.js';
import { noteCall, retierPending } from './retier.js';

/** A conversion error of argument i of an exported function, saying which (same class: TypeError, or SyntaxError for an unparsable i64 string). */
function argumentError(f: FuncInst, i: number, e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const type = valtypeName(f.type.params[i]);
  const Ctor = e.constructor as new (message: string) => Error;
  return new Ctor(`${funcName(f)}: argument ${i} (${type}): ${e.message}`);
}

/** How errors name f: 'host function' or 'function <index>'. */
export function funcName(f: FuncInst): string {
  return f.host ? 'host function' : `function ${f.instance!.module.vm.numImportedFuncs + f.codeIndex}`;
}

/**
 * Invokes f with JS arguments (spec 4.5.5 "Invocation"); returns undefined,
 * one value, or an array for multiple results. The store's stacks are
 * restored whatever happens, so it stays usable after a trap.
 */
export function invoke(f: FuncInst, args: readonly unknown[]): unknown {
  const store = f.store;
  const t = f.type;
  const depth = store.depth;
  const sp = store.sp;
  const base = sp;
  checkNoExnref(t, funcName(f));
  let S = enter(store, t, base);
  for (let i = 0; i < t.params.length; i++) {
    try {
      // (a typed reference is checked against its type in module-independent terms)
      writeValue(store, S, base + 2 * i, t.params[i] >= CONCRETE ? linkedFuncType(t).params[i] : t.params[i], args[i]);
    } catch (e) {
      throw argumentError(f, i, e);
    }
  }
  store.nesting++;
  try {
    run(store, f, base, depth);
    S = store.stack;
    const n = t.results.length;
    if (n === 0) return undefined;
    if (n === 1) return readValue(store, S, base, t.results[0]);
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = readValue(store, S, base + 2 * i, t.results[i]);
    return out;
  } finally {
    store.nesting--;
    store.depth = depth;
    store.sp = sp;
  }
}

/**
 * The checks of a call from JS (no paused call in the store, the re-entry
 * cap) and room on the value stack at `base` for f's arguments and results;
 * returns the (possibly grown) stack.
 */
function enter(store: StoreState, t: FuncInst['type'], base: number): Int32Array {
  if (store.paused) throw new TypeError('the store has a paused call (callResumable): resume it to its end or cancel it first');
  if (store.nesting >= MAX_REENTRANCY) throw new Trap('call_stack_exhausted', 'too many nested host-to-wasm calls');
  const slots = 2 * Math.max(t.params.length, t.results.length);
  return base + slots > store.stack.length ? store.growStack(base + slots) : store.stack;
}

/** Runs f with its arguments at `base` (host or wasm), its results left at `base`. */
function run(store: StoreState, f: FuncInst, base: number, depth: number): void {
  if (f.host) {
    try {
      callHost(store, f, base, null);
    } catch (e) {
      throw e instanceof Exception ? exnToJS(e) : e;
    }
    return;
  }
  if (depth >= store.limits.maxCallDepth) throw new Trap('call_stack_exhausted');
  const cf = compiledOf(f);
  store.depth = depth + 1;
  store.sp = base + cf.frameSlots;
  // where a trap before exec's loop starts (its frame does not fit the value stack) is located
  store.lastFunc = f;
  store.lastDepth = depth + 1;
  // a profile counts from the start of a call from JS (nested calls continue it)
  const top = store.hook !== null && store.nesting === 1;
  if (top) store.hook!.begin(store.gas);
  try {
    if (store.hook !== null) execTraced(store, f, base);
    else if (retierPending()) execTimed(store, f, base);
    else exec(store, f, base);
  } catch (e) {
    // a JS stack overflow in the engine's own frames (the host entered with little stack left)
    const t = isStackOverflow(e) ? stackTrap(e) : e;
    // the frames of this activation: the function it stopped in and its callers
    if (t instanceof Trap) locateTrap(t, store.lastFunc!, store.callFns, depth + 1, store.lastDepth);
    // a JS value a host function threw leaves wasm as itself (exn.ts JSTag)
    throw t instanceof Exception ? exnToJS(t) : t;
  } finally {
    if (top) store.hook!.end(store.gas);
  }
}

/**
 * `exec`, timed: while a realm waits for its first long calls, each throws
 * exec's optimized code away once it ends, to be compiled again from the
 * feedback it left (retier.ts). A call that throws (a trap, out of gas)
 * counts too.
 */
function execTimed(store: StoreState, f: FuncInst, base: number): void {
  const t0 = Date.now();
  try {
    exec(store, f, base);
  } finally {
    noteCall(Date.now() - t0);
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
  const depth = store.depth;
  const sp = store.sp;
  const base = sp;
  const S = enter(store, t, base);
  for (let i = 0; i < args.length; i++) S[base + i] = args[i];
  store.nesting++;
  try {
    run(store, f, base, depth);
    const out = store.stack.slice(base, base + 2 * t.results.length);
    // the high slot of an i32 or f32 is not part of the value
    for (let j = 0; j < t.results.length; j++) if (t.results[j] === I32 || t.results[j] === F32) out[2 * j + 1] = 0;
    return out;
  } finally {
    store.nesting--;
    store.depth = depth;
    store.sp = sp;
  }
}

/**
 * The JS function for exported wasm function `f` (JS API "Exported Function");
 * runtime.ts `wrapperOf` caches it per function instance (through the engine,
 * which provides this factory, so the runtime objects need no import of the
 * invocation code).
 */
export function makeWrapper(f: FuncInst): (...args: unknown[]) => unknown {
  // an arrow function: like the JS API's exported functions, not a constructor (`new` is a TypeError)
  const w = (...args: unknown[]): unknown => invoke(f, args);
  Object.defineProperty(w, FUNC_INST, { value: f });
  Object.defineProperty(w, 'length', { value: f.type.params.length });
  // JS API "Exported Function": the name is the function index (of the defining instance;
  // for a re-exported import, of the importing one)
  const index = f.host ? f.hostIndex : f.instance!.module.vm.numImportedFuncs + f.codeIndex;
  Object.defineProperty(w, 'name', { value: String(index) });
  return w;
}
