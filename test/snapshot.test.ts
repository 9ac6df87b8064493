/**
 * Snapshots across processes (README "Snapshots"), on the built package:
 * for every bench corpus program and the spec-like modules of
 * src/interpreter/snapshot.test.ts (two instances sharing a memory, a table
 * and a global; host calls; call_indirect; passive segments; memory.grow),
 * metered and unmetered, the call is paused at random points (out of gas
 * with small budgets, host pauses), snapshotted, and a fresh `node` process
 * (test/fixtures/snapshot-child.js) restores it, checks that a second
 * snapshot equals the first byte for byte, and finishes the call: the
 * result, the total gas used and the memories' hash must equal an
 * uninterrupted run's. Stores at rest are saved and continued the same way.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, requireBuild } from './helpers.js';
import { finishInChild, hostH, memoryHash, type Expected, type Job } from './fixtures/snapshot-common.js';
import { rng } from '../src/interpreter/testutil.js';

// the built package, as the child uses it
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = () => require(path.join(ROOT, 'dist/cjs/src/index.js')) as typeof import('../src/index');

const CONFIG = { features: { floats: true } };
const CORPUS: Array<[string, number]> = [
  ['fib', 1], ['sha256', 3], ['i64arith', 3], ['i32arith', 3], ['sort', 1], ['lz', 1], ['vm', 1], ['indirect', 1], ['bulk', 1], ['nbody', 4], ['matmul', 1],
];


/** One program: its module files, how to set it up, and the argument of run. */
interface Program {
  name: string;
  files: string[];
  n: number;
  metered: boolean;
  pausingHost: boolean;
}

async function spec(dir: string): Promise<string[]> {
  const { wat } = await import('../src/interpreter/testutil.js');
  const text = fs.readFileSync(path.join(ROOT, 'src/interpreter/snapshot.test.ts'), 'utf8');
  const grab = (name: string) => {
    const m = new RegExp('const ' + name + ' = `([\\s\\S]*?)`;').exec(text);
    if (m === null) throw new Error(`${name} not found in snapshot.test.ts`);
    return m[1];
  };
  const files = [path.join(dir, 'lib.wasm'), path.join(dir, 'main.wasm')];
  fs.writeFileSync(files[0], await wat(grab('LIB')));
  fs.writeFileSync(files[1], await wat(grab('MAIN')));
  return files;
}

test('snapshots at random pause points restore in a fresh process and finish with the uninterrupted result, gas and memory; a second snapshot is identical', async () => {
  requireBuild();
  const { Engine, Store, HostFunc, Memory, callResumable } = load();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'detwasm-snapshot-'));
  try {
    const worldFiles = await spec(dir);
    const programs: Program[] = [
      ...CORPUS.map(([name, n]) => ({ name, files: [path.join(ROOT, 'bench/corpus', `${name}.wasm`)], n, metered: true, pausingHost: false })),
      { name: 'spec-metered', files: worldFiles, n: 150, metered: true, pausingHost: true },
      { name: 'spec-unmetered', files: worldFiles, n: 150, metered: false, pausingHost: true },
    ];
    const r = rng(20261207);
    let total = 0, hostPauses = 0, gasPauses = 0;
    for (const p of programs) {
      const engine = new Engine(CONFIG);
      const modules = p.files.map((f) => engine.compile(fs.readFileSync(f)));
      const pausing = new HostFunc({ params: ['i32'], results: ['i32'] }, (caller, x) => caller.pause({ ask: x }));
      const setup = (pauseHost: boolean) => {
        const store = new Store(engine, p.metered ? { gas: 1e12 } : {});
        const imports: Record<string, Record<string, unknown>> = { env: { h: pauseHost ? pausing : hostH, cfg: 3 } };
        const instances = modules.map((m, i) => {
          const inst = store.instantiate(m, imports);
          if (i === 0 && modules.length > 1) imports.lib = inst.exports as Record<string, unknown>;
          return inst;
        });
        const ex = instances[instances.length - 1].exports as Record<string, any>;
        if (typeof ex.init === 'function') ex.init();
        return { store, instances, ex };
      };
      // the uninterrupted run
      const ref = setup(false);
      const value = ref.ex.run(p.n);
      const want = { value: String(value), gas: ref.store.gasUsed, mem: memoryHash(ref.instances, Memory) };
      const runGas = p.metered ? ref.store.gasUsed : 0;
      const jobs: Job[] = [];
      const expected: Expected[] = [];
      for (let round = 0; round < 3; round++) {
        const run = setup(p.pausingHost);
        if (p.metered) run.store.gasRemaining = r() % Math.max(1, Math.floor(runGas / (1 + (r() % 6))));
        let c = callResumable(run.ex.run, p.n);
        // go on through a random number of pauses first
        for (let k = r() % 4; k > 0 && !c.done; k--) {
          if (c.reason === 'host') c = c.resume(hostH((c.payload as { ask: number }).ask));
          else {
            run.store.gasRemaining = run.store.gasRemaining + 1 + (r() % Math.max(1, Math.floor(runGas / 8)));
            c = c.resume();
          }
        }
        if (c.done) continue;
        if (c.reason === 'host') hostPauses++;
        else gasPauses++;
        const file = path.join(dir, `${p.name}-${round}.snap`);
        fs.writeFileSync(file, run.store.snapshot());
        jobs.push({ file });
        expected.push({ file: path.basename(file), same: true, ...want });
        c.cancel();
      }
      // a store at rest after the run, continued with run(n) again on both sides
      const got = finishInChild(dir, p.name, p.n, ref, Memory, jobs, expected, { config: CONFIG, modules: p.files, pausingHost: p.pausingHost });
      expect([p.name, got]).toEqual([p.name, expected]);
      total += jobs.length;
    }
    expect(total).toBeGreaterThan(40);
    expect(gasPauses).toBeGreaterThan(20);
    expect(hostPauses).toBeGreaterThan(2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
