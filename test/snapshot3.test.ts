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
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, requireBuild } from './helpers.js';
import { wat3 } from '../src/validator/testutil.js';

// the built package, as the child uses it
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = () => require(path.join(ROOT, 'dist/cjs/src/index.js')) as typeof import('../src/index');

/** A deterministic xorshift generator. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

const CONFIG = { features: { preset: '3.0' as const } };

const hostH = (x: number) => (Math.imul(x, 2654435761) ^ 0x5bd1e995) | 0;

/** The library: a tag, a memory and a memory64, and a function that writes to the memory64 and throws. */
export const LIB3 = `(module
  (tag $e (export "e") (param i32 i64))
  (memory $m0 (export "mem0") 1 2)
  (memory $m1 (export "mem1") i64 2 4)
  (func (export "thrower") (param i32)
    (i64.store $m1 (i64.extend_i32_u (i32.shl (i32.and (local.get 0) (i32.const 255)) (i32.const 3))) (i64.extend_i32_u (local.get 0)))
    (throw $e (local.get 0) (i64.mul (i64.extend_i32_u (local.get 0)) (i64.const 7)))))`;

/** The main module (see the file comment). */
export const MAIN3 = `(module
  (type $ft (func (param i32) (result i32)))
  (import "lib" "e" (tag $e (param i32 i64)))
  (import "env" "t" (tag $t (param i32)))
  (import "lib" "thrower" (func $thrower (param i32)))
  (import "env" "h" (func $h (param i32) (result i32)))
  (import "lib" "mem0" (memory $m0 1 2))
  (import "lib" "mem1" (memory $m1 i64 2 4))
  (memory $own (export "own") 1 3)
  (table $t64 i64 2 funcref)
  (elem (table $t64) (i64.const 0) func $sq)
  (table $xt 2 exnref)
  (global $last (mut exnref) (ref.null exn))
  (elem declare func $sq)
  (func $sq (type $ft) (i32.add (i32.mul (local.get 0) (local.get 0)) (i32.const 1)))
  (func $tc (param i32 i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (return (local.get 1))))
    (return_call $tc (i32.sub (local.get 0) (i32.const 1)) (i32.add (i32.mul (local.get 1) (i32.const 31)) (local.get 0))))
  (func $catchit (param $i i32) (result i32)
    (local $x exnref) (local $a i32) (local $b i64)
    (block $h (result i32 i64 exnref)
      (try_table (catch_ref $e $h) (call $thrower (local.get $i)))
      (unreachable))
    (local.set $x) (local.set $b) (local.set $a)
    ;; an exnref in a local while the host pauses
    (local.set $a (i32.add (local.get $a) (call $h (local.get $a))))
    (global.set $last (local.get $x))
    (table.set $xt (i32.const 1) (local.get $x))
    ;; rethrown from the table, caught by tag again
    (block $h2 (result i32 i64)
      (try_table (catch $e $h2) (throw_ref (table.get $xt (i32.const 1))))
      (unreachable))
    (i32.wrap_i64) (i32.add) (local.get $a) (i32.add) (i32.wrap_i64 (local.get $b)) (i32.add))
  (func $inhandler (param $i i32) (result i32)
    ;; a host pause inside a try_table region, then a throw caught by it; and the host's tag
    (block $h3 (result i32 i64)
      (try_table (catch $e $h3)
        (drop (call $h (local.get $i)))
        (call $thrower (i32.add (local.get $i) (i32.const 3))))
      (unreachable))
    (i32.wrap_i64) (i32.add)
    (block $h4 (result i32)
      (try_table (catch $t $h4) (throw $t (i32.mul (local.get $i) (i32.const 5))))
      (unreachable))
    (i32.add))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $acc i32) (local $p i64)
    (loop $l
      ;; an exception kept in the global by an earlier iteration (maybe before a snapshot) is thrown again
      (if (i32.eqz (ref.is_null (global.get $last)))
        (then
          (local.set $acc (i32.add (local.get $acc)
            (block $hg (result i32 i64)
              (try_table (catch $e $hg) (throw_ref (global.get $last)))
              (unreachable))
            (drop)))))
      (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 17)) (call $catchit (local.get $i))))
      (local.set $acc (i32.add (local.get $acc) (call $tc (i32.and (local.get $i) (i32.const 63)) (local.get $acc))))
      (local.set $acc (i32.add (local.get $acc) (call_ref $ft (local.get $i) (ref.func $sq))))
      (local.set $acc (i32.add (local.get $acc) (call_indirect $t64 (type $ft) (local.get $acc) (i64.const 0))))
      (if (i32.eqz (i32.and (local.get $i) (i32.const 7))) (then (local.set $acc (i32.add (local.get $acc) (call $inhandler (local.get $i))))))
      ;; multi-memory: the own memory, memory 0 of the library, its memory64
      (i32.store $own (i32.shl (i32.and (local.get $i) (i32.const 1023)) (i32.const 2)) (local.get $acc))
      (memory.copy $m0 $own (i32.const 8192) (i32.shl (i32.and (local.get $i) (i32.const 511)) (i32.const 2)) (i32.const 64))
      (local.set $p (i64.add (i64.const 65536) (i64.extend_i32_u (i32.shl (i32.and (local.get $i) (i32.const 4095)) (i32.const 3)))))
      (i64.store $m1 (local.get $p) (i64.add (i64.load $m1 (i64.sub (local.get $p) (i64.const 8))) (i64.extend_i32_s (local.get $acc))))
      (memory.copy $m1 $m1 (i64.const 1024) (local.get $p) (i64.const 16))
      (local.set $acc (i32.add (local.get $acc) (i32.wrap_i64 (i64.load $m1 (i64.const 1024)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $acc)))`;

/** FNV-1a over every exported memory of every instance, in order (as the child computes it). */
function memoryHash(instances: Array<{ exports: Record<string, unknown> }>, Memory: unknown): string {
  let h = 0x811c9dc5;
  const seen = new Set<unknown>();
  for (const inst of instances) {
    for (const v of Object.values(inst.exports)) {
      if (!(v instanceof (Memory as new () => object)) || seen.has(v)) continue;
      seen.add(v);
      const b = new Uint8Array((v as { buffer: ArrayBuffer }).buffer);
      for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 16777619);
    }
  }
  return (h >>> 0).toString(16);
}

/** What the child prints for one snapshot. */
interface Expected {
  file: string;
  same: boolean;
  value: string;
  gas: number;
  mem: string;
}

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
      const jobs: Array<{ file: string; rest?: number }> = [];
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
          // running out of gas while an exception unwinds frames is final, not a pause (exec.template.ts
          // `unwind`: no resumable state exists mid-unwind), so there is nothing to snapshot there
          if ((e as { code?: string }).code !== 'out_of_gas') throw e;
          finalInUnwind++;
          continue;
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
      // a store at rest after the run (an exception in the global), continued with run(n) again on both sides
      const file = path.join(dir, `${p.name}-rest.snap`);
      fs.writeFileSync(file, ref.store.snapshot());
      const again = ref.ex.run(p.n);
      jobs.push({ file, rest: p.n });
      expected.push({ file: path.basename(file), same: true, value: String(again), gas: ref.store.gasUsed, mem: memoryHash(ref.instances, Memory) });

      const jobFile = path.join(dir, `${p.name}.json`);
      fs.writeFileSync(jobFile, JSON.stringify({ config: CONFIG, modules: files, pausingHost: p.pausingHost, hostTag: true, snapshots: jobs }));
      const out = execFileSync(process.execPath, [path.join(ROOT, 'test/fixtures/snapshot-child.js'), jobFile], { encoding: 'utf8', timeout: 120_000 });
      const got = out.trim().split('\n').map((l) => JSON.parse(l) as Expected);
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
