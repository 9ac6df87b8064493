/**
 * Snapshots of WebAssembly 3.0 state across processes (README "Snapshots",
 * issue 18): two instances where the main one imports the library's tag, its
 * two memories (one of them memory64) and a host tag, defines a memory, a
 * table64 and an exnref table and global, and runs a loop of tail-call
 * loops (return_call), call_ref, call_indirect through the table64,
 * exceptions thrown in the library and caught in the main instance (by tag
 * identity across instances), exnrefs kept in a local, a table and a global
 * and thrown again (throw_ref) in later iterations, host calls inside
 * try_table regions, and copies within and between memories. Calls are
 * paused at random points (out of gas with small budgets, host pauses),
 * snapshotted, and a fresh `node` process (test/fixtures/snapshot-child.js)
 * restores each one, checks that a second snapshot equals it byte for byte
 * and finishes the call: result, total gas and the memories' hash must equal
 * an uninterrupted run's.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, requireBuild } from './helpers.js';
import { finishInChild, hostH, memoryHash, type Expected, type Job } from './fixtures/snapshot-common.js';
import { rng } from '../src/interpreter/testutil.js';
import { wat3 } from '../src/validator/testutil.js';
import { LIB3, MAIN3 } from './fixtures/snapshot3-modules.js';

// the built package, as the child uses it
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = () => require(path.join(ROOT, 'dist/cjs/src/index.js')) as typeof import('../src/index');

const CONFIG = { features: { preset: '3.0' as const } };


test('3.0 state (tags shared across instances, exnrefs in locals, tables and globals, tail calls, call_ref, table64, multi-memory, memory64): snapshots at random pauses finish in a fresh process with the uninterrupted result, gas and memory', () => {
  requireBuild();
  const { Engine, Store, HostFunc, Memory, Tag, callResumable } = load();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'detwasm-snapshot3-'));
  try {
    const files = [path.join(dir, 'lib3.wasm'), path.join(dir, 'main3.wasm')];
    const [lib, main] = wat3([LIB3, MAIN3]);
    fs.writeFileSync(files[0], lib);
    fs.writeFileSync(files[1], main);
    const programs = [
      { name: 'metered-host', n: 200, metered: true, pausingHost: true },
      { name: 'metered-gas', n: 200, metered: true, pausingHost: false },
      { name: 'unmetered-host', n: 200, metered: false, pausingHost: true },
    ];
    const r = rng(20261207);
    let total = 0, hostPauses = 0, gasPauses = 0, finalInUnwind = 0;
    for (const p of programs) {
      const engine = new Engine(CONFIG);
      const modules = files.map((f) => engine.compile(fs.readFileSync(f)));
      const pausing = new HostFunc({ params: ['i32'], results: ['i32'] }, (caller, x) => caller.pause({ ask: x }));
      const setup = (pauseHost: boolean) => {
        const store = new Store(engine, p.metered ? { gas: 1e12 } : {});
        const imports: Record<string, Record<string, unknown>> = { env: { h: pauseHost ? pausing : hostH, t: new Tag({ parameters: ['i32'] }) } };
        const l = store.instantiate(modules[0], imports);
        imports.lib = l.exports as Record<string, unknown>;
        const m = store.instantiate(modules[1], imports);
        return { store, instances: [l, m], ex: m.exports as Record<string, any> };
      };
      // the uninterrupted run
      const ref = setup(false);
      const value = ref.ex.run(p.n);
      const want = { value: String(value), gas: ref.store.gasUsed, mem: memoryHash(ref.instances, Memory) };
      const runGas = p.metered ? ref.store.gasUsed : 0;
      const jobs: Job[] = [];
      const expected: Expected[] = [];
      for (let round = 0; round < 12; round++) {
        const run = setup(p.pausingHost);
        if (p.metered) run.store.gasRemaining = r() % Math.max(1, Math.floor(runGas / (1 + (r() % 6))));
        let c: ReturnType<typeof callResumable>;
        try {
          c = callResumable(run.ex.run, p.n);
          for (let k = r() % (p.pausingHost ? 40 : 4); k > 0 && !c.done; k--) {
            if (c.reason === 'host') c = c.resume(hostH((c.payload as { ask: number }).ask));
            else {
              run.store.gasRemaining = run.store.gasRemaining + 1 + (r() % Math.max(1, Math.floor(runGas / 8)));
              c = c.resume();
            }
          }
        } catch (e) {
          // running out of gas to unwind an exception a host function raised is final, not a pause
          // (exec.template.ts `unwind`: resuming would call the host again), so there is nothing to snapshot
          if ((e as { code?: string }).code !== 'out_of_gas') throw e;
          finalInUnwind++;
          continue;
        }
        if (c.done) continue;
        if (c.reason === 'host') {
          hostPauses++;
          // the small budget may run out later unwinding a host's exception, which is final (see above): the
          // restored call gets enough gas to finish (a top-up does not change gasUsed)
          if (p.metered) run.store.gasRemaining = 1e12;
        } else gasPauses++;
        const file = path.join(dir, `${p.name}-${round}.snap`);
        fs.writeFileSync(file, run.store.snapshot());
        jobs.push({ file });
        expected.push({ file: path.basename(file), same: true, ...want });
        c.cancel();
      }
      // a store at rest after the run, continued with run(n) again on both sides
      const got = finishInChild(dir, p.name, p.n, ref, Memory, jobs, expected, { config: CONFIG, modules: files, pausingHost: p.pausingHost, hostTag: true });
      expect([p.name, got]).toEqual([p.name, expected]);
      total += jobs.length;
    }
    console.log(`snapshot3: ${total} snapshots, ${gasPauses} out-of-gas and ${hostPauses} host pauses; ${finalInUnwind} runs ran out of gas while unwinding (final)`);
    expect(total).toBeGreaterThan(15);
    expect(gasPauses).toBeGreaterThan(5);
    expect(hostPauses).toBeGreaterThan(5);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
