/**
 * The engines the benchmark compares. In-process peers load a module and give
 * a `run(n)` function; command-line peers (wabt's wasm-interp) run one process
 * per measurement (see cli-peers.ts).
 */
import { Engine, Store } from '../src/index.js';

export interface Prepared {
  run(n: number): unknown;
  /** Gas charged so far (metered detwasm only). */
  gasUsed?(): number;
}

export interface InProcessPeer {
  name: string;
  /** What is measured, for the report. */
  description: string;
  prepare(bytes: Uint8Array): Promise<Prepared>;
}

/** Budget of the metered store: effectively unlimited (the benchmark measures metering, not exhaustion). */
export const BENCH_GAS = Number.MAX_SAFE_INTEGER;

function runExport(exports: Record<string, unknown>): (n: number) => unknown {
  const run = exports.run;
  if (typeof run !== 'function') throw new Error('module has no exported function "run"');
  return run as (n: number) => unknown;
}

export const nativePeer: InProcessPeer = {
  name: 'native',
  description: "the host's own WebAssembly (V8 JIT): the speed limit",
  async prepare(bytes) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), {});
    return { run: runExport(instance.exports as Record<string, unknown>) };
  },
};

function detwasmPeer(metered: boolean): InProcessPeer {
  return {
    name: metered ? 'detwasm-gas' : 'detwasm',
    description: metered
      ? 'detwasm, default gas schedule, metered store (budget 2^53-1)'
      : 'detwasm, unmetered store (bytecode without gas instructions)',
    async prepare(bytes) {
      // floats on: the float programs need them; integer modules compile exactly as without
      const engine = new Engine({ features: { floats: true } });
      const module = engine.compile(bytes);
      const store = new Store(engine, metered ? { gas: BENCH_GAS } : {});
      const instance = store.instantiate(module, {});
      return { run: runExport(instance.exports), gasUsed: metered ? () => store.gasUsed : undefined };
    },
  };
}

export const detwasmGasPeer = detwasmPeer(true);
export const detwasmNoGasPeer = detwasmPeer(false);

export const polywasmPeer: InProcessPeer = {
  name: 'polywasm',
  description: 'polywasm 0.2 (npm): translates each function to JS source, then the JIT runs it (no traps, no metering)',
  async prepare(bytes) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { WebAssembly: P } = require('polywasm') as { WebAssembly: typeof WebAssembly };
    const instance = new P.Instance(new P.Module(bytes as Uint8Array<ArrayBuffer>), {});
    return { run: runExport(instance.exports as Record<string, unknown>) };
  },
};

export const IN_PROCESS_PEERS: readonly InProcessPeer[] = [
  nativePeer, detwasmGasPeer, detwasmNoGasPeer, polywasmPeer,
];

export function findInProcessPeer(name: string): InProcessPeer | undefined {
  return IN_PROCESS_PEERS.find((p) => p.name === name);
}
