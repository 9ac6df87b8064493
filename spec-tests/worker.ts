/**
 * Worker thread entry: runs the files it is sent, one at a time, and posts
 * back each `FileResult`. The pool (pool.ts) kills and replaces a worker that
 * exceeds the per-file time limit or crashes.
 */
import { parentPort } from 'node:worker_threads';
import { runWastFile, type RunFileOptions } from './run-file.js';

export interface WorkerRequest { file: string; options: RunFileOptions }

if (parentPort) {
  const port = parentPort;
  port.on('message', (req: WorkerRequest) => {
    void runWastFile(req.file, req.options).then((result) => port.postMessage(result));
  });
}
