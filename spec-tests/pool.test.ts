import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInWorkers } from './pool.js';

/**
 * A stand-in worker script (plain JS, so no build is needed): answers "ok"
 * files at once, never answers "hang" files, and crashes on "crash" files.
 */
const FAKE_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ file }) => {
  if (file.endsWith('hang.wast')) return;
  if (file.endsWith('crash.wast')) process.exit(3);
  parentPort.postMessage({ file, passed: 1, failed: 0, skipped: 0, byCategory: {}, policyAccepted: 0, messageMismatches: [], failures: [], skips: [], ms: 0 });
});
`;

describe('worker pool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spec-pool-'));
  const script = join(dir, 'worker.js');
  writeFileSync(script, FAKE_WORKER);

  it('turns hanging and crashing files into failures and keeps going, results in input order', async () => {
    const files = ['a.wast', 'hang.wast', 'b.wast', 'crash.wast', 'c.wast', 'd.wast'].map((f) => join(dir, f));
    const seen: number[] = [];
    const results = await runInWorkers(script, files, {
      engine: 'native', jobs: 2, timeoutMs: 5000, onResult: (_r, index) => seen.push(index),
    });
    expect(results.map((r) => [r.file.replace(dir + '/', ''), r.passed, r.failed])).toEqual([
      ['a.wast', 1, 0], ['hang.wast', 0, 1], ['b.wast', 1, 0], ['crash.wast', 0, 1], ['c.wast', 1, 0], ['d.wast', 1, 0],
    ]);
    expect(results[1].failures[0].message).toBe('time limit of 5 s exceeded');
    expect(results[3].failures[0].message).toBe('worker crashed: exit code 3');
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
