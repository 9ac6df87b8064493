/**
 * detwasm/wasi: a deterministic WASI preview 1 host (`wasi_snapshot_preview1`)
 * for detwasm, with an in-memory file system, captured standard streams,
 * virtual clocks and a seeded random generator. It uses no Node-only API.
 *
 * ```ts
 * import { runWasi } from 'detwasm/wasi';
 * const r = runWasi(bytes, { args: ['wc', '/data/in.txt'], preopens: { '/data': { 'in.txt': 'a b\n' } }, gas: 1e9 });
 * r.exitCode; r.stdout; r.files['/data/in.txt']; r.gasUsed;
 * ```
 */
import type { EngineConfig } from '../config.js';
import { Engine, Module, Store, type Instance } from '../index.js';
import { Wasi, type WasiOptions } from './host.js';

export { Wasi, WasiExit, exitOf } from './host.js';
export type { WasiOptions, WasiClockOptions, WasiGasCosts, WasiLimits, OutputSink } from './host.js';
export type { FileTree } from './vfs.js';
export { ERRNO } from './abi.js';

/** Options of `runWasi`: the WASI options plus the engine and the gas budget. */
export interface RunWasiOptions extends WasiOptions {
  /**
   * Engine configuration for a module given as bytes. `features.floats` is
   * on unless set here: WASI programs (C, Rust, ...) nearly always contain
   * float code, and detwasm's floats are deterministic (canonical NaNs).
   */
  config?: EngineConfig;
  /** Gas budget of the run's store; omit to run unmetered. */
  budget?: number | bigint;
}

/** What `runWasi` returns. */
export interface WasiRunResult {
  /** The exit code: 0 when `_start` returned, else proc_exit's code. */
  exitCode: number;
  /** Captured standard output (empty when streamed to a callback). */
  stdout: Uint8Array;
  /** Captured standard error (empty when streamed to a callback). */
  stderr: Uint8Array;
  /** Every regular file under the preopened directories after the run, by full guest path. */
  files: Record<string, Uint8Array>;
  /** Every directory under the preopened directories after the run. */
  directories: string[];
  /** Gas used by the run (instantiation included; 0 when unmetered). */
  gasUsed: number;
  /** The host, e.g. for `readFile`. */
  wasi: Wasi;
  /** The instance that ran. */
  instance: Instance;
}

/** The engine configuration `runWasi` uses: `config` with floats on unless it says otherwise. */
export function wasiEngineConfig(config: EngineConfig = {}): EngineConfig {
  return { ...config, features: { floats: true, ...(config.features ?? {}) } };
}

/**
 * Compiles (when given bytes), instantiates and runs a WASI command:
 * `_start` under a fresh `Wasi` host and a fresh store. Floats are on by
 * default (see `RunWasiOptions.config`). A trap, out of gas included, is
 * thrown as the `Trap`; proc_exit is an ordinary result (`exitCode`).
 */
export function runWasi(program: Uint8Array | Module, options: RunWasiOptions = {}): WasiRunResult {
  const { config, budget, ...wasiOptions } = options;
  let module: Module;
  if (program instanceof Module) {
    if (config !== undefined) throw new TypeError('runWasi: config applies to a module given as bytes; compile the Module with your engine instead');
    module = program;
  } else {
    module = new Engine(wasiEngineConfig(config)).compile(program);
  }
  const wasi = new Wasi(wasiOptions);
  const store = new Store(module.engine, budget === undefined ? {} : { gas: budget });
  const instance = store.instantiate(module, wasi.imports());
  const exitCode = wasi.start(instance);
  return {
    exitCode, stdout: wasi.stdout, stderr: wasi.stderr, files: wasi.files(), directories: wasi.directories(),
    gasUsed: store.gasUsed, wasi, instance,
  };
}
