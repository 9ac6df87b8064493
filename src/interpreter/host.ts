/**
 * Host functions called from wasm, and the conversion of values between wasm
 * slots and JS (JS API ToJSValue / ToWebAssemblyValue). The execution loop
 * calls `callHost`; nothing here calls back into the loop (a host function
 * that calls wasm goes through an exported function, call.ts).
 */
import type { valtype } from '../decoder/module.js';
import { Trap } from '../errors.js';
import { Exception, exnFromJS } from './exn.js';
import { Caller, HostPause, handleOf } from './runtime.js';
import type { FuncInst, ModuleInst, StoreState } from './instances.js';
import { linkedFuncType } from './types.js';
import { checkNoExnref, readValue, writeValue } from './values.js';

export { readValue, writeValue };

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
export function stackTrap(e: unknown): Trap {
  return new Trap('call_stack_exhausted', 'JavaScript stack exhausted', { cause: e });
}

/**
 * What a host function's exception becomes (StoreOptions.hostErrors; a JS
 * stack overflow is call_stack_exhausted either way): with 'propagate', a
 * wasm exception with tag JSTag carrying it (exn.ts `exnFromJS`), which
 * call.ts and resume.ts turn back into the value when it leaves wasm.
 */
export function hostFailure(store: StoreState, e: unknown): unknown {
  if (e instanceof Trap) return e;
  // a wasm exception thrown (or rethrown) by the host goes on into wasm, where handlers may catch it
  if (e instanceof Exception) return e;
  if (isStackOverflow(e)) return stackTrap(e);
  if (store.propagateHostErrors) return exnFromJS(e);
  const msg = e instanceof Error ? e.message : String(e);
  return new Trap('host', msg, { cause: e });
}

/**
 * Calls host function f from wasm: arguments at slots nfp.., results written
 * back to nfp... Counts as one frame against maxCallDepth. Returns true when
 * the call suspends the activation instead (resume.ts): the host returned a
 * Promise inside `callAsync`, or called `Caller.pause` inside
 * `callResumable`; its results are written when the call is resumed.
 */
export function callHost(store: StoreState, f: FuncInst, nfp: number, callerInst: ModuleInst | null): boolean {
  const t = f.type;
  const depth = store.depth;
  if (depth >= store.limits.maxCallDepth) throw new Trap('call_stack_exhausted');
  const S = store.stack;
  // as if the host function threw the TypeError (a host trap, or the TypeError itself with hostErrors 'propagate')
  try {
    checkNoExnref(t, `host function ${hostName(f)}`);
  } catch (e) {
    throw hostFailure(store, e);
  }
  const args: unknown[] = new Array(t.params.length);
  for (let i = 0; i < args.length; i++) args[i] = readValue(store, S, nfp + 2 * i, t.params[i]);
  const sp = store.sp;
  store.sp = nfp + 2 * Math.max(t.params.length, t.results.length);
  store.depth = depth + 1;
  let r: unknown;
  try {
    const caller = new Caller(store.handle, callerInst !== null ? handleOf(callerInst) : null);
    r = f.explicitCaller ? f.fn!(caller, ...args) : f.fn!.apply(caller, args);
  } catch (e) {
    if (e instanceof HostPause) {
      const rc = store.resumable;
      if (rc !== null && !rc.async && rc.nesting === store.nesting) return suspend(store, 'host', e.payload);
      throw new Trap('host', 'Caller.pause outside callResumable (only a call started with callResumable can pause)', { cause: e });
    }
    throw hostFailure(store, e);
  } finally {
    store.sp = sp;
    store.depth = depth;
  }
  if (isThenable(r)) {
    const rc = store.resumable;
    if (rc !== null && rc.async && rc.nesting === store.nesting) return suspend(store, 'promise', r);
    // (a Promise must not reach wasm as a value: it was silently 0 before)
    Promise.resolve(r).catch(() => undefined); // (its rejection is not the program's business any more)
    throw new Trap('async_host', `host function ${hostName(f)} returned a Promise: call the export with callAsync (a synchronous call, or a host function called from inside another host function, cannot wait)`);
  }
  writeResults(store, linkedFuncType(t).results, r, nfp);
  return false;
}

function suspend(store: StoreState, reason: 'promise' | 'host', payload: unknown): boolean {
  store.suspendReason = reason;
  store.suspendPayload = payload;
  return true;
}

function isThenable(r: unknown): r is PromiseLike<unknown> {
  return r !== null && (typeof r === 'object' || typeof r === 'function') && typeof (r as { then?: unknown }).then === 'function';
}

/** How a host function is named in messages: its import name when known. */
function hostName(f: FuncInst): string {
  return f.hostName ?? `(import ${f.hostIndex})`;
}

/** Writes a host function's return value `r` as its results at `base` (after a resumed suspension too). */
export function writeHostResults(store: StoreState, f: FuncInst, r: unknown, base: number): void {
  writeResults(store, linkedFuncType(f.type).results, r, base);
}

/** Writes `r` as values of `results` (in module-independent terms, types.ts `linkedFuncType`) at `base`. */
function writeResults(store: StoreState, results: valtype[], r: unknown, base: number): void {
  try {
    if (results.length === 0) return;
    let S = store.stack;
    if (base + 2 * results.length > S.length) S = store.growStack(base + 2 * results.length);
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

