/**
 * Runs files in worker threads, `jobs` at a time, each with a time limit: a
 * file that hangs or crashes its worker becomes a failure, not a hung run.
 */
import { Worker } from 'node:worker_threads';
import { basename } from 'node:path';
import type { WorkerRequest } from './worker.js';
import type { RunFileOptions } from './run-file.js';
import { fileFailure, type FileResult } from './results.js';

export interface PoolOptions extends RunFileOptions {
  jobs: number;
  /** Per-file limit in milliseconds. */
  timeoutMs: number;
  /** Called as each file finishes (in completion order). */
  onResult?: (result: FileResult, index: number) => void;
}

export function runInWorkers(workerScript: string, files: string[], options: PoolOptions): Promise<FileResult[]> {
  const results: FileResult[] = new Array(files.length);
  const { jobs, timeoutMs, onResult, ...runOptions } = options;
  let next = 0;
  let done = 0;
  return new Promise((resolve) => {
    if (files.length === 0) { resolve(results); return; }
    const finish = (index: number, result: FileResult): void => {
      results[index] = result;
      done++;
      onResult?.(result, index);
      if (done === files.length) resolve(results);
    };
    const startWorker = (): void => {
      if (next >= files.length) return;
      // A file that allocates without bound crashes its own worker, not the run.
      const worker = new Worker(workerScript, { resourceLimits: { maxOldGenerationSizeMb: 1536 } });
      let index = -1;
      let timer: NodeJS.Timeout | undefined;
      let settled = true;
      const give = (): void => {
        if (next >= files.length) { void worker.terminate(); return; }
        index = next++;
        settled = false;
        timer = setTimeout(() => {
          settled = true;
          finish(index, fileFailure(basename(files[index]), `time limit of ${timeoutMs / 1000} s exceeded`));
          void worker.terminate();
          startWorker();
        }, timeoutMs);
        const req: WorkerRequest = { file: files[index], options: runOptions };
        worker.postMessage(req);
      };
      worker.on('message', (result: FileResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        finish(index, result);
        give();
      });
      const crashed = (why: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        finish(index, fileFailure(basename(files[index]), `worker crashed: ${why}`));
        startWorker();
      };
      worker.on('error', (e) => crashed(e?.message ?? String(e)));
      worker.on('exit', (code) => crashed(`exit code ${code}`));
      give();
    };
    for (let k = 0; k < Math.max(1, jobs); k++) startWorker();
  });
}
