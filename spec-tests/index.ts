/**
 * Library entry of the spec test runner: `runWastFiles(files, options)`.
 * Used by `spec-tests/main.ts` and by the CLI's `detwasm wast FILE...`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runWastFile } from './run-file.js';
import { runInWorkers } from './pool.js';
import type { EngineName } from './engines/index.js';
import type { FileResult } from './results.js';
import type { FeaturesConfig } from '../src/config.js';

export { parseWast } from './wast.js';
export type { Command, WastModule, WastValue, ExpectedResult, Action } from './wast.js';
export { totals } from './results.js';
export type { FileResult, Totals, Counts, Category, Note } from './results.js';
export type { EngineName } from './engines/index.js';

export interface RunWastOptions {
  engine?: EngineName;
  /** Gas budget of every store (metered run). */
  gas?: bigint | number;
  /** detwasm: `features.floats` on. */
  floats?: boolean;
  /** Files run in parallel (worker threads). Default 2. */
  jobs?: number;
  /** Per-file time limit in ms (with workers). Default 60 000. */
  timeoutMs?: number;
  /** Run in worker threads (default: when the compiled worker is available). */
  isolate?: boolean;
  /** Text converter for text modules (default wabt). */
  text?: 'wabt' | 'wasm-tools';
  /** detwasm's feature configuration (default: the engine's default preset). */
  features?: FeaturesConfig;
  /** Called as each file finishes, with its index in `files`. */
  onResult?: (result: FileResult, index: number) => void;
}

const WORKER_SCRIPT = join(__dirname, 'worker.js');

/** Runs `.wast` files and returns one result per file, in the order given. */
export async function runWastFiles(files: string[], options: RunWastOptions = {}): Promise<FileResult[]> {
  const runOptions = {
    engine: options.engine ?? 'detwasm',
    gas: options.gas === undefined ? undefined : BigInt(options.gas),
    text: options.text,
    features: options.features,
    floats: !!options.floats,
  };
  const isolate = options.isolate ?? existsSync(WORKER_SCRIPT);
  if (isolate) {
    return runInWorkers(WORKER_SCRIPT, files, {
      ...runOptions,
      jobs: options.jobs ?? 2,
      timeoutMs: options.timeoutMs ?? 60_000,
      onResult: options.onResult,
    });
  }
  const results: FileResult[] = [];
  for (const [index, file] of files.entries()) {
    const r = await runWastFile(file, runOptions);
    options.onResult?.(r, index);
    results.push(r);
  }
  return results;
}

/** The test suite directory: `$WASM_TESTSUITE`, else spec-tests/testsuite of the repository. */
export function testsuiteDir(repoRoot: string): string {
  const env = process.env.WASM_TESTSUITE;
  return env ? resolve(repoRoot, env) : join(repoRoot, 'spec-tests', 'testsuite');
}

/** The top-level `*.wast` files of the suite (WebAssembly 2.0), sorted. */
export function topLevelWastFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.wast')).sort().map((f) => join(dir, f));
}

/**
 * Files of the WebAssembly 3.0 folders that are out of scope (GC, SIMD,
 * relaxed SIMD, legacy exceptions), by name, with the reason. Every other
 * file of `proposals/wasm-3.0` is run.
 */
export const OUT_OF_SCOPE_3_0: Readonly<Record<string, string>> = Object.freeze({
  'array.wast': 'gc', 'array_copy.wast': 'gc', 'array_fill.wast': 'gc', 'array_init_data.wast': 'gc',
  'array_init_elem.wast': 'gc', 'array_new_data.wast': 'gc', 'array_new_elem.wast': 'gc', 'binary-gc.wast': 'gc',
  'br_on_cast.wast': 'gc', 'br_on_cast_fail.wast': 'gc', 'extern.wast': 'gc', 'i31.wast': 'gc',
  'ref_cast.wast': 'gc', 'ref_eq.wast': 'gc', 'ref_test.wast': 'gc', 'struct.wast': 'gc',
  'type-canon.wast': 'gc', 'type-equivalence.wast': 'gc', 'type-rec.wast': 'gc', 'type-subtyping.wast': 'gc',
  'i16x8_relaxed_q15mulr_s.wast': 'relaxed SIMD', 'i32x4_relaxed_trunc.wast': 'relaxed SIMD',
  'i8x16_relaxed_swizzle.wast': 'relaxed SIMD', 'relaxed_dot_product.wast': 'relaxed SIMD',
  'relaxed_laneselect.wast': 'relaxed SIMD', 'relaxed_madd_nmadd.wast': 'relaxed SIMD', 'relaxed_min_max.wast': 'relaxed SIMD',
  'simd_address.wast': 'SIMD', 'simd_lane.wast': 'SIMD', 'simd_memory-multi.wast': 'SIMD',
  'legacy/rethrow.wast': 'legacy exceptions', 'legacy/throw.wast': 'legacy exceptions',
  'legacy/try_catch.wast': 'legacy exceptions', 'legacy/try_delegate.wast': 'legacy exceptions',
});

/** The feature set the 3.0 suite runs with: WebAssembly 3.0 plus the two proposals it includes. */
export const SUITE_3_0_FEATURES: FeaturesConfig = Object.freeze({ preset: '3.0', wideArithmetic: true, customPageSizes: true });

/**
 * The files of the 3.0 suite: `proposals/wasm-3.0/*.wast` except
 * `OUT_OF_SCOPE_3_0`, then `proposals/wide-arithmetic` and
 * `proposals/custom-page-sizes`, each sorted.
 */
export function wasm3WastFiles(dir: string): string[] {
  const folder = (sub: string): string[] => {
    const d = join(dir, 'proposals', sub);
    return readdirSync(d).filter((f) => f.endsWith('.wast')).sort().map((f) => join(d, f));
  };
  return [
    ...folder('wasm-3.0').filter((f) => !(f.slice(f.lastIndexOf('/') + 1) in OUT_OF_SCOPE_3_0)),
    ...folder('wide-arithmetic'),
    ...folder('custom-page-sizes'),
  ];
}
