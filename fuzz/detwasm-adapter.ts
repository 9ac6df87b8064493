/**
 * detwasm behind the differential harness's `EngineAdapter`, through the
 * public API (src/index.ts, DESIGN.md "Public API"). Loaded with `require`
 * so this file type-checks before the API exists.
 */
import { Trap } from '../src/errors.js';
import { AdapterInstance, EngineAdapter, ExceptionApi, TrapClass, detwasmTrapClass, hostEnv } from './exec-harness.js';
import { Rng } from './prng.js';

/** The part of detwasm's public API the fuzzers use. */
export interface DetwasmApi {
  Engine: new (config?: object) => DetwasmEngine;
  Store: new (engine: DetwasmEngine, options?: { gas?: number | bigint }) => DetwasmStore;
  Memory: new (d: { initial: number; maximum?: number }) => unknown;
  HostFunc?: new (type: unknown, fn: (...a: unknown[]) => unknown) => unknown;
  Tag: ExceptionApi['Tag'];
  Exception: ExceptionApi['Exception'];
  callResumable: (fn: unknown, ...args: unknown[]) => ResumableCall;
}
/** A call of `callResumable`: finished, or paused (README "Resume after out of gas"). */
export type ResumableCall = { done: true; value: unknown } | { done: false; reason: string; resume(): ResumableCall; cancel(): void };
export interface DetwasmEngine {
  compile(bytes: Uint8Array): unknown;
  validate(bytes: Uint8Array): boolean;
}
export interface DetwasmStore {
  instantiate(module: unknown, imports?: object): { exports: Record<string, unknown> };
  gasUsed: number | bigint;
  gasRemaining: number | bigint;
}

export function loadDetwasm(): DetwasmApi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../src/index.js') as DetwasmApi;
}

/** Bytes of an exported memory object, whatever accessor it offers. */
export function memoryBytes(mem: unknown): Uint8Array {
  const m = mem as { buffer?: ArrayBuffer | Uint8Array; bytes?: Uint8Array };
  if (m.buffer instanceof ArrayBuffer) return new Uint8Array(m.buffer).slice();
  if (m.buffer instanceof Uint8Array) return m.buffer.slice();
  if (m.bytes instanceof Uint8Array) return m.bytes.slice();
  throw new Error('detwasm Memory exposes neither .buffer nor .bytes');
}

/** `gas: null` runs unmetered; the default is a budget of 10^9. */
export function detwasmAdapter(options: { gas?: number | bigint | null; config?: object } = {}): EngineAdapter {
  const api = loadDetwasm();
  const engine = new api.Engine(options.config ?? {});
  const gas = options.gas === undefined ? 1_000_000_000 : options.gas;
  return {
    name: 'detwasm',
    instantiate(bytes, h, hostTag): AdapterInstance {
      const module = engine.compile(bytes);
      const store = new api.Store(engine, gas === null ? {} : { gas });
      const env = hostEnv(h, hostTag, api);
      const inst = store.instantiate(module, { env });
      const ex = inst.exports;
      return {
        hostTag: env.t,
        call: (name, args) => (ex[name] as (...a: unknown[]) => unknown)(...args),
        memoryBytes: name => memoryBytes(ex[name]),
        globalValue: name => (ex[name] as { value: number | bigint }).value,
      };
    },
    trapClass(e: unknown): TrapClass | null {
      if (e instanceof api.Exception) return 'exception';
      if (!(e instanceof Trap)) return null;
      // A failing host import surfaces as Trap 'host' with the original error as cause;
      // when that error is itself a trap of a nested (re-entrant) call, classify the
      // innermost trap, as the JS API propagates it unchanged.
      let t: Trap = e;
      while (t.code === 'host' && (t as Error & { cause?: unknown }).cause instanceof Trap) t = (t as Error & { cause?: unknown }).cause as Trap;
      return detwasmTrapClass(t.code);
    },
  };
}

/**
 * detwasm's standard JS API layer (src/compat.ts) behind the same adapter: a
 * fresh namespace (engine and store) per module, so the harness exercises the
 * JS API's conversions and error classes on top of the engine.
 */
export function compatAdapter(): EngineAdapter {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const compat = require('../src/compat.js') as { createWebAssembly(o?: object): typeof WebAssembly };
  /** The Exception class of the namespace of the last instantiation. */
  let exception: (new (...a: never[]) => unknown) | undefined;
  return {
    name: 'detwasm compat (JS API)',
    instantiate(bytes, h, hostTag): AdapterInstance {
      const W = compat.createWebAssembly({ config: { features: { preset: '3.0', floats: true } } });
      const env = hostEnv(h, hostTag, W as unknown as ExceptionApi);
      const inst = new W.Instance(new W.Module(bytes), { env });
      exception = (W as unknown as ExceptionApi).Exception;
      const ex = inst.exports as Record<string, unknown>;
      return {
        hostTag: env.t,
        call: (name, args) => (ex[name] as (...a: unknown[]) => unknown)(...args),
        memoryBytes: name => new Uint8Array((ex[name] as WebAssembly.Memory).buffer).slice(),
        globalValue: name => (ex[name] as WebAssembly.Global).value as number | bigint,
      };
    },
    trapClass(e: unknown): TrapClass | null {
      if (exception && e instanceof exception) return 'exception';
      if (e instanceof Trap) return detwasmTrapClass(e.code);
      // The JS API lets a host exception propagate unchanged.
      return e instanceof Error && e.name === 'HostFailure' ? 'host' : null;
    },
  };
}

/**
 * How a resumed call gets its gas (resume-fuzz.ts): `unit` starts with 0 and
 * adds 1 at each pause, so the call stops before every unit it charges, for
 * the first UNIT_PAUSES pauses of a call, then adds growing random amounts
 * (long calls); `random` starts with a random budget and adds random amounts.
 * Drawn from a generator seeded with `seed`.
 */
export interface ResumePolicy {
  kind: 'unit' | 'random';
  seed: number;
}

/** Pauses made by every resumed call so far (statistics). */
export const resumeStats = { pauses: 0 };

/** Pauses of one call paused at every unit before the steps grow. */
export const UNIT_PAUSES = 3000;
/** Pauses of one call after which the check gives up (an error in the record). */
const MAX_PAUSES = 200_000;
/** Gas of an unpaused call: far above what a generated module uses (engines.ts METERED_GAS). */
const PLENTY = 1_000_000_000_000;

/**
 * detwasm metered with each exported function called through
 * `callResumable`: paused by out of gas as `policy` says, then topped up and
 * resumed to the end; without a policy, one unpaused call with plenty of gas.
 * Either way each call's line in the record ends with the store's gasUsed,
 * so the two records agree only if pausing changed neither results, memory,
 * globals, the host call log nor the total gas. A call the host function
 * makes back into the instance runs synchronously (README: out of gas there
 * is final, not a pause), so it gets plenty of gas and leaves what the outer
 * call had, less what it used (at least 0).
 */
export function resumingAdapter(config: object, policy: ResumePolicy | null): EngineAdapter {
  const api = loadDetwasm();
  const engine = new api.Engine(config);
  const base = detwasmAdapter({ gas: PLENTY, config });
  return {
    name: policy ? `detwasm (resumed, ${policy.kind} ${policy.seed})` : 'detwasm (metered, unpaused)',
    instantiate(bytes, h, hostTag): AdapterInstance {
      const module = engine.compile(bytes);
      const store = new api.Store(engine, { gas: PLENTY });
      const env = hostEnv(h, hostTag, api);
      const ex = store.instantiate(module, { env }).exports;
      const rng = new Rng(policy ? policy.seed : 0);
      let active = false;
      const budget = (): number => Number(store.gasRemaining);
      const call = (name: string, args: unknown[]): unknown => {
        const fn = ex[name] as (...a: unknown[]) => unknown;
        if (!policy) {
          store.gasRemaining = PLENTY;
          return fn(...args);
        }
        if (active) {
          const left = budget();
          store.gasRemaining = left + PLENTY;
          try {
            return fn(...args);
          } finally {
            store.gasRemaining = Math.max(0, budget() - PLENTY);
          }
        }
        store.gasRemaining = policy.kind === 'unit' ? 0 : rng.int(2 ** rng.int(24));
        active = true;
        try {
          let c = api.callResumable(fn, ...args);
          for (let pauses = 1; !c.done; pauses++) {
            if (c.reason !== 'out_of_gas' || pauses > MAX_PAUSES) {
              c.cancel();
              throw new Error(`resume: paused for ${c.reason} (pause ${pauses})`);
            }
            const add = policy.kind === 'unit' ? (pauses <= UNIT_PAUSES ? 1 : 1 + rng.int(pauses)) : 1 + rng.int(2 ** rng.int(20));
            store.gasRemaining = budget() + add;
            resumeStats.pauses++;
            c = c.resume();
          }
          return c.value;
        } finally {
          active = false;
        }
      };
      return {
        hostTag: env.t,
        call,
        memoryBytes: name => memoryBytes(ex[name]),
        globalValue: name => (ex[name] as { value: number | bigint }).value,
        gasUsed: () => Number(store.gasUsed),
      };
    },
    trapClass: base.trapClass,
  };
}
