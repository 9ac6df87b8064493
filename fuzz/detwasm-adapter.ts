/**
 * detwasm behind the differential harness's `EngineAdapter`, through the
 * public API (src/index.ts, DESIGN.md "Public API"). Loaded with `require`
 * so this file type-checks before the API exists.
 */
import { Trap } from '../src/errors.js';
import { AdapterInstance, EngineAdapter, ExceptionApi, TrapClass, detwasmTrapClass, hostEnv } from './exec-harness.js';

/** The part of detwasm's public API the fuzzers use. */
export interface DetwasmApi {
  Engine: new (config?: object) => DetwasmEngine;
  Store: new (engine: DetwasmEngine, options?: { gas?: number | bigint }) => DetwasmStore;
  Memory: new (d: { initial: number; maximum?: number }) => unknown;
  HostFunc?: new (type: unknown, fn: (...a: unknown[]) => unknown) => unknown;
  Tag: ExceptionApi['Tag'];
  Exception: ExceptionApi['Exception'];
}
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
