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
  /** Called as each file finishes, with its index in `files`. */
  onResult?: (result: FileResult, index: number) => void;
}

const WORKER_SCRIPT = join(__dirname, 'worker.js');

/** Runs `.wast` files and returns one result per file, in the order given. */
export async function runWastFiles(files: string[], options: RunWastOptions = {}): Promise<FileResult[]> {
  const runOptions = {
    engine: options.engine ?? 'detwasm',
    gas: options.gas === undefined ? undefined : BigInt(options.gas),
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
