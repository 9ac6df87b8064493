// Snapshots (README: "Snapshots"): run examples/hash.wasm to the middle of its
// work (it runs out of gas), save the paused store to a file, restore it in a
// child process and finish there, with the same result and total gas as one
// uninterrupted run. Run from the repo after `npm run build`:
//   node examples/snapshot.mjs
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Engine, Store, SnapshotError, callResumable, restore } from 'detwasm';

const engine = new Engine();
const module = engine.compile(readFileSync(new URL('./hash.wasm', import.meta.url)));

if (process.argv[2] === '--finish') {
  // The child: a fresh process with nothing but the module, the engine configuration and the snapshot.
  const { store, instances, call } = restore(engine, [module], readFileSync(process.argv[3]));
  store.gasRemaining = 100_000_000;
  const done = call.resume();
  const memory = instances[0].exports.memory;
  console.log(`child process: restored, run(65536) = ${done.value}, total gas used ${store.gasUsed}, memory ${memory.pages} pages`);
} else {
  // 1. The uninterrupted run, for comparison.
  const reference = new Store(engine, { gas: 100_000_000 });
  const value = reference.instantiate(module).exports.run(65536);
  console.log(`uninterrupted: run(65536) = ${value}, total gas used ${reference.gasUsed}`);

  // 2. The same work with too little gas: the call pauses in the middle.
  const store = new Store(engine, { gas: 100_000_000 });
  const { run } = store.instantiate(module).exports;
  store.gasRemaining = 500_000;
  const call = callResumable(run, 65536);
  console.log(`paused: ${call.reason} after ${store.gasUsed} gas`);

  // 3. Save it, finish it in another process.
  const dir = mkdtempSync(join(tmpdir(), 'detwasm-example-'));
  try {
    const file = join(dir, 'hash.snapshot');
    const bytes = store.snapshot();
    writeFileSync(file, bytes);
    console.log(`snapshot: ${bytes.length} bytes`);
    process.stdout.write(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--finish', file], { encoding: 'utf8' }));

    // 4. A damaged snapshot is refused, never run.
    const damaged = bytes.slice();
    damaged[damaged.length - 100] ^= 1;
    try {
      restore(engine, [module], damaged);
    } catch (e) {
      if (!(e instanceof SnapshotError)) throw e;
      console.log(`damaged snapshot: ${e.code}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
