/**
 * Resumable and asynchronous calls (wasmi's `call_resumable`, wasmtime's
 * `call_async`). detwasm keeps every wasm frame on its own stacks, so a call
 * can stop in the middle and continue later without holding a JS stack:
 *
 * - out of gas: `callResumable` returns a `Paused` call instead of throwing;
 *   after the budget is raised (`store.gasRemaining = ...`), `resume()`
 *   continues exactly where it stopped. Charges are atomic per basic block
 *   and an out-of-gas charge changes nothing, so any sequence of pauses and
 *   resumes charges the same total gas as one uninterrupted run, with the
 *   same result and memory.
 * - a host-initiated pause: a host function calls `caller.pause(payload)`;
 *   `callResumable` returns a `Paused` call with that payload, and
 *   `resume(value)` continues as if the host function had returned `value`.
 * - asynchronous host functions: inside `callAsync`, a host function may
 *   return a Promise; the call suspends at that host call without blocking,
 *   and continues with the settled value (a rejection surfaces exactly as if
 *   the host function had thrown it).
 *
 * Only host calls made by the call's own activation can suspend: a host
 * function that calls back into wasm runs that inner call synchronously, and
 * an async host function or a pause reached from there is an error (Trap
 * 'async_host' or 'host'), as is an out-of-gas there (it is final). While a
 * call is paused its store refuses every other call (TypeError) until it
 * is resumed to the end or cancelled.
 */
import { Trap } from '../errors.js';
import { Exception, exnToJS } from './exn.js';
import { linkedFuncType } from './types.js';
import { exec, execTraced } from './exec.js';
import { hostFailure, isStackOverflow, readValue, stackTrap, writeHostResults, writeValue } from './host.js';
import { funcName, invoke } from './call.js';
import { checkNoExnref } from './values.js';
import { Activation, FUNC_INST, compiledOf, locateTrap, type PausedCallState } from './runtime.js';
import { FuncInst, type StoreState } from './instances.js';

/** A call that ran to its end: `value` as an exported function returns it. */
export interface Finished {
  readonly done: true;
  /** The result: undefined, one value, or an array of values. */
  readonly value: unknown;
}

/** A call stopped in the middle; the store refuses other calls until it is resumed to its end or cancelled. */
export interface Paused {
  readonly done: false;
  /**
   * 'out_of_gas': raise `store.gasRemaining`, then `resume()`;
   * 'host': a host function called `caller.pause(payload)`: `resume(value)`
   * with what that host function returns.
   */
  readonly reason: 'out_of_gas' | 'host';
  /** The host's `caller.pause(payload)` payload; for 'out_of_gas' the Trap. */
  readonly payload: unknown;
  /** Continues the call; `value` is the pausing host function's return value (ignored for 'out_of_gas'). */
  resume(value?: unknown): ResumableCall;
  /** Abandons the call: its frames are dropped and the store is free again. */
  cancel(): void;
}

/** The state of a resumable call. */
export type ResumableCall = Finished | Paused;

/** One resumable call in progress: what its end restores. */
class Invocation {
  constructor(
    readonly store: StoreState,
    readonly f: FuncInst,
    /** Where the arguments and results are. */
    readonly base: number,
    /** The store's depth, stack top and resumable state before the call. */
    readonly depth: number,
    readonly sp: number,
    /** The entry nesting (host calls at that level may suspend). */
    readonly nesting: number,
    readonly async: boolean,
  ) {}
  /** Whether it ended (finished, threw or was cancelled). */
  ended = false;
  end(): void {
    if (this.ended) return;
    this.ended = true;
    const store = this.store;
    store.nesting = this.nesting - 1;
    store.depth = this.depth;
    store.sp = this.sp;
    store.resumable = null;
    store.paused = false;
    store.pausedState = null;
  }
}

/** The function instance behind an exported function, or TypeError. */
function funcOf(fn: unknown, what: string): FuncInst {
  const f = typeof fn === 'function' ? (fn as { [FUNC_INST]?: unknown })[FUNC_INST] : undefined;
  if (!(f instanceof FuncInst)) throw new TypeError(`${what}: not an exported WebAssembly function`);
  return f;
}

/** Starts `f` with `args` as a resumable call (async: host Promises suspend it). */
function start(fn: unknown, args: readonly unknown[], async: boolean, what: string): ResumableCall {
  const f = funcOf(fn, what);
  const store = f.store;
  if (store.paused) throw new TypeError(`${what}: the store has a paused call; resume it to its end or cancel it first`);
  if (store.nesting !== 0) throw new TypeError(`${what}: only from outside wasm (not from a host function called by wasm)`);
  if (f.host) return { done: true, value: invoke(f, args) };
  const t = f.type;
  checkNoExnref(t, `${what}: ${funcName(f)}`);
  const depth = store.depth, sp = store.sp, base = sp;
  const slots = 2 * Math.max(t.params.length, t.results.length);
  if (base + slots > store.stack.length) store.growStack(base + slots);
  const lt = linkedFuncType(t);
  for (let i = 0; i < t.params.length; i++) writeValue(store, store.stack, base + 2 * i, lt.params[i], args[i]);
  if (depth >= store.limits.maxCallDepth) throw new Trap('call_stack_exhausted');
  const cf = compiledOf(f);
  store.nesting++;
  const inv = new Invocation(store, f, base, depth, sp, store.nesting, async);
  store.resumable = { nesting: inv.nesting, async };
  store.depth = depth + 1;
  store.sp = base + cf.frameSlots;
  store.lastFunc = f;
  store.lastDepth = depth + 1;
  return step(inv, null);
}

/** Runs (or continues) the call's activation until it ends or stops again. */
function step(inv: Invocation, resume: Activation | null): ResumableCall {
  const store = inv.store;
  store.paused = false;
  let suspended: boolean;
  if (store.hook !== null) store.hook.begin(store.gas);
  try {
    suspended = store.hook === null ? exec(store, inv.f, inv.base, resume) : execTraced(store, inv.f, inv.base, resume);
  } catch (e) {
    const t = isStackOverflow(e) ? stackTrap(e) : e;
    if (t === store.oogTrap && store.oogNesting === inv.nesting && !inv.async) {
      store.oogTrap = null;
      return paused(inv, 'out_of_gas', t, saved(inv, null));
    }
    if (t instanceof Trap) locateTrap(t, store.lastFunc!, store.callFns, inv.depth + 1, store.lastDepth);
    inv.end();
    // a JS value a host function threw leaves wasm as itself (exn.ts JSTag)
    throw t instanceof Exception ? exnToJS(t) : t;
  } finally {
    if (store.hook !== null) store.hook.end(store.gas);
  }
  if (!suspended) {
    const t = inv.f.type, S = store.stack;
    const n = t.results.length;
    let value: unknown;
    if (n === 1) value = readValue(store, S, inv.base, t.results[0]);
    else if (n > 1) {
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = readValue(store, S, inv.base + 2 * i, t.results[i]);
      value = out;
    }
    inv.end();
    return { done: true, value };
  }
  // a host pause (callResumable) or a Promise to wait for (callAsync: the payload)
  return paused(inv, 'host', store.suspendPayload, saved(inv, store.suspendedHost));
}

/** A suspended host call: its function and where its results go. */
interface PendingHost {
  readonly f: FuncInst;
  readonly nfp: number;
}

/** The activation as the store's last-stopped fields describe it (exec's `finally`). */
function saved(inv: Invocation, host: FuncInst | null): { act: Activation; host: PendingHost | null } {
  const s = inv.store;
  const act = new Activation(s.lastFunc!, s.lastPc, s.lastFp, s.lastDepth, inv.depth + 1, s.pendingGas, null);
  return { act, host: host === null ? null : { f: host, nfp: s.suspendedAt } };
}

function paused(inv: Invocation, reason: 'out_of_gas' | 'host', payload: unknown, state: { act: Activation; host: PendingHost | null }): Paused {
  inv.store.paused = true;
  // (snapshots: what a restored store rebuilds the paused call from)
  inv.store.pausedState = {
    f: inv.f, base: inv.base, depth: inv.depth, sp: inv.sp, nesting: inv.nesting, async: inv.async,
    act: state.act, host: state.host, reason, payload,
  };
  let used = false;
  const once = (what: string) => {
    if (used || inv.ended) throw new TypeError(`${what}: this paused call was already resumed or cancelled`);
    used = true;
    inv.store.pausedState = null;
  };
  return {
    done: false,
    reason,
    payload,
    resume(value?: unknown): ResumableCall {
      once('resume');
      return continueWith(inv, state, value, undefined, false);
    },
    cancel(): void {
      once('cancel');
      inv.end();
    },
    /** (callAsync) continues with the host's rejection. */
    _fail(error: unknown): ResumableCall {
      once('resume');
      return continueWith(inv, state, undefined, error, true);
    },
  } as Paused;
}

function continueWith(inv: Invocation, state: { act: Activation; host: PendingHost | null }, value: unknown, error: unknown, failed: boolean): ResumableCall {
  const store = inv.store;
  const { act, host } = state;
  if (host !== null) {
    if (failed) act.error = hostFailure(store, error);
    else {
      try {
        writeHostResults(store, host.f, value, host.nfp);
      } catch (e) {
        // a value that does not convert is the host function's error, as when it returns it
        act.error = e;
      }
    }
  }
  return step(inv, act);
}

/**
 * Calls exported function `fn` so that it can stop and continue later (see
 * the file comment): returns `Finished` or a `Paused` call. Only from outside
 * wasm; TypeError while the store has another paused call.
 */
export function callResumable(fn: unknown, ...args: unknown[]): ResumableCall {
  return start(fn, args, false, 'callResumable');
}

/**
 * Calls exported function `fn` with asynchronous host functions: a host
 * function may return a Promise, and the call continues when it settles
 * (several calls in different stores progress concurrently). Resolves to the
 * result as the exported function returns it; rejects with the Trap (or,
 * with `hostErrors: 'propagate'`, the host's error) as a synchronous call
 * throws it. Out of gas is final here, as in a synchronous call.
 */
export async function callAsync(fn: unknown, ...args: unknown[]): Promise<unknown> {
  let r = start(fn, args, true, 'callAsync');
  while (!r.done) {
    const p = r as Paused & { _fail(e: unknown): ResumableCall };
    let v: unknown;
    try {
      v = await (p.payload as PromiseLike<unknown>);
    } catch (e) {
      r = p._fail(e);
      continue;
    }
    r = p.resume(v);
  }
  return r.value;
}

/**
 * Snapshots (snapshot.ts): the paused call `state` of a restored store, whose
 * stacks already hold its frames, as a `Paused` call to resume or cancel.
 */
export function restorePaused(store: StoreState, state: PausedCallState): Paused {
  const inv = new Invocation(store, state.f, state.base, state.depth, state.sp, state.nesting, state.async);
  store.resumable = { nesting: inv.nesting, async: inv.async };
  return paused(inv, state.reason, state.payload, { act: state.act, host: state.host });
}
