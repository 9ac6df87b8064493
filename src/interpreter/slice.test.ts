/**
 * A metered call runs its loop in slices (exec.ts execSliced): when a slice's
 * gas runs out while budget is left, exec returns and is entered again where
 * it stopped. Nothing of it is visible: results, gasUsed, memory, traps with
 * their locations, out of gas (sync and resumable), host calls, async
 * suspensions and exceptions crossing slice boundaries are those of one
 * uninterrupted run. Small slices end at every kind of charge (block
 * starts, branches, returns, call entries, after host calls, dynamic costs).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Engine, Exception, Store, Trap, HostFunc, callAsync, callResumable, type ResumableCall, type Tag } from '../index';
import { callsLoopWat, memoryHash, thrown, wat } from './testutil';
import { wat3 } from '../validator/testutil';
import { internals } from './runtime';
import { GAS_SLICE } from './instances';

const CORPUS = path.join(__dirname, '../../bench/corpus');

/** Calls, returns, a host call, br_table, memory.grow, bulk ops and a deep recursion in one loop. */
const MIXED = callsLoopWat(640, `(func $div (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func $deep (param i32 i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (call $div (i32.const 1) (local.get 1)))
      (else (call $deep (i32.sub (local.get 0) (i32.const 1)) (local.get 1)))))`, `;; n iterations of a loop, then a division by d at recursion depth 20
  (func (export "loop_then_div") (param $n i32) (param $d i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (local.get $acc) (call $deep (i32.const 20) (local.get $d))))`);

const H = (x: number) => Math.imul(x, 2654435761) ^ 0x5bd1e995;

interface Run { store: Store; exports: Record<string, any> }

/** An instance of `bytes` in a store with `budget` gas whose slices are `slice` gas (Infinity: one slice). */
function make(bytes: Uint8Array, slice: number, budget = 1e12, imports: Record<string, Record<string, unknown>> = {}, config = {}): Run {
  const engine = new Engine({ features: { floats: true }, ...config });
  const store = new Store(engine, { gas: 1e12 });
  internals(store).gasSlice = slice;
  const inst = store.instantiate(engine.compile(bytes), imports);
  store.gasRemaining = budget;
  return { store, exports: inst.exports as Record<string, any> };
}

/** What a finished or failed call leaves: its value or error (code, message, location), the gas left and used, and the memory. */
function outcome(r: Run, call: () => unknown): unknown {
  const used0 = r.store.gasUsed;
  let value: unknown;
  try {
    value = call();
  } catch (e) {
    value = e instanceof Trap ? { code: e.code, message: e.message, funcIndex: e.funcIndex, backtrace: e.backtrace } : e;
  }
  return { value, left: r.store.gasRemaining, used: r.store.gasUsed - used0, memory: memoryHash(r.exports) };
}

const slicesOf = (r: Run) => internals(r.store).slicesEnded;

test('the default slice is GAS_SLICE instructions of the schedule', () => {
  expect(internals(new Store(new Engine(), { gas: 1 })).gasSlice).toBe(GAS_SLICE);
  expect(internals(new Store(new Engine({ gas: { base: 'unit', costs: { 'i32.add': 3 } } }), { gas: 1 })).gasSlice).toBe(3 * GAS_SLICE);
});

test('corpus programs crossing many slices give the result, gas and memory of one slice', () => {
  for (const [name, n] of [['fib', 1], ['sha256', 10], ['i64arith', 20], ['sort', 1], ['lz', 1], ['indirect', 3], ['bulk', 2], ['nbody', 40], ['matmul', 1], ['mixed', 1], ['vm', 1], ['i32arith', 10]] as const) {
    const bytes = fs.readFileSync(path.join(CORPUS, `${name}.wasm`));
    const one = make(bytes, Infinity);
    const want = outcome(one, () => one.exports.run(n));
    expect(slicesOf(one)).toBe(0);
    const used = (want as { used: number }).used;
    expect(used).toBeGreaterThan(30 * 1009);
    for (const slice of [1009, 65536]) {
      const r = make(bytes, slice);
      expect([name, slice, outcome(r, () => r.exports.run(n))]).toEqual([name, slice, want]);
      expect([name, slice, slicesOf(r) >= Math.floor(used / (4 * slice))]).toEqual([name, slice, true]);
      expect(internals(r.store).gasReserve).toBe(0);
    }
  }
});

test('a long loop with the default slice: many slices, the gas of one', async () => {
  const bytes = await wat(MIXED);
  const one = make(bytes, Infinity, 1e12, { env: { h: H } });
  const want = outcome(one, () => one.exports.loop_then_div(5_000_000, 3));
  const r = make(bytes, GAS_SLICE, 1e12, { env: { h: H } });
  expect(outcome(r, () => r.exports.loop_then_div(5_000_000, 3))).toEqual(want);
  expect((want as { used: number }).used).toBeGreaterThan(10 * GAS_SLICE);
  expect(slicesOf(r)).toBeGreaterThanOrEqual(10);
});

test('slices ending at every kind of charge (calls, returns, host calls, br_table, memory.grow, bulk ops larger than a slice)', async () => {
  const bytes = await wat(MIXED);
  const one = make(bytes, Infinity, 1e12, { env: { h: H } });
  const want = outcome(one, () => one.exports.run(150));
  // (a host call every ~240 gas starts a fresh slice: slices of 64 and less end between them;
  // memory.fill's 80 gas does not fit one, the slice after is twice as long)
  for (const slice of [5, 11, 64]) {
    const r = make(bytes, slice, 1e12, { env: { h: H } });
    expect([slice, outcome(r, () => r.exports.run(150))]).toEqual([slice, want]);
    expect(slicesOf(r)).toBeGreaterThan(100);
  }
});

test('out of gas inside a slice: the trap, location and untouched gas of one slice; a resumable call pauses there and resumes', async () => {
  const bytes = await wat(MIXED);
  const ref = make(bytes, Infinity, 1e12, { env: { h: H } });
  const total = (outcome(ref, () => ref.exports.run(150)) as { used: number }).used;
  for (const budget of [total - 1, Math.floor(total / 2), Math.floor(total / 3) + 7]) {
    const one = make(bytes, Infinity, budget, { env: { h: H } });
    const want = outcome(one, () => one.exports.run(150)) as { value: { code: string } };
    expect(want.value.code).toBe('out_of_gas');
    for (const slice of [7, 64]) {
      const r = make(bytes, slice, budget, { env: { h: H } });
      expect([budget, slice, outcome(r, () => r.exports.run(150))]).toEqual([budget, slice, want]);
      expect(slicesOf(r)).toBeGreaterThan(0);
      // resumable: pauses at the real out of gas only, then finishes with the gas of one run
      const p = make(bytes, slice, budget, { env: { h: H } });
      const used0 = p.store.gasUsed;
      let c: ResumableCall = callResumable(p.exports.run, 150);
      expect(c.done).toBe(false);
      if (!c.done) {
        expect(c.reason).toBe('out_of_gas');
        expect(p.store.gasRemaining).toBe((want as unknown as { left: number }).left);
        p.store.gasRemaining = p.store.gasRemaining + total;
        c = c.resume();
      }
      expect(c.done).toBe(true);
      expect(p.store.gasUsed - used0).toBe(total);
    }
  }
});

test('a trap after many slices, deep in calls: the message and backtrace of one slice', async () => {
  const bytes = await wat(MIXED, { names: true });
  // (tiny slices: a shorter loop; every slice's end is a throw out of exec, slow through V8's
  // baseline code, which a slice that ends before the loop's first back edge runs in)
  for (const [slice, n] of [[10, 10_000], [1000, 100_000], [65536, 1_000_000]]) {
    const one = make(bytes, Infinity, 1e12, { env: { h: H } });
    const want = outcome(one, () => one.exports.loop_then_div(n, 0)) as { value: { backtrace: unknown[]; message: string } };
    expect(want.value.message).toBe('integer divide by zero in function 4 ($div)');
    expect(want.value.backtrace).toHaveLength(23); // $div, 21 $deep, loop_then_div
    const r = make(bytes, slice, 1e12, { env: { h: H } });
    expect([slice, outcome(r, () => r.exports.loop_then_div(n, 0))]).toEqual([slice, want]);
    expect(slicesOf(r)).toBeGreaterThan(4);
    // the store is usable afterwards, its gas whole
    expect(internals(r.store).gasReserve).toBe(0);
    expect(r.exports.div(7, 2)).toBe(3);
  }
});

test('a host function sees the whole budget, may charge more than a slice, and may call back into sliced wasm', async () => {
  const text = `(module
    (import "env" "h" (func $h (param i32) (result i32)))
    (func $spin (export "spin") (param $n i32) (result i32) (local $a i32)
      (loop $l (local.set $a (i32.add (local.get $a) (local.get $n)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))) (local.get $a))
    (func (export "run") (param $n i32) (result i32) (local $acc i32)
      (loop $l
        (local.set $acc (i32.add (i32.add (local.get $acc) (call $spin (i32.const 300))) (call $h (local.get $n))))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (local.get $acc)))`;
  const bytes = await wat(text);
  const go = (slice: number) => {
    const seen: unknown[] = [];
    let spin: (n: number) => number = () => 0;
    const h = new HostFunc({ params: ['i32'], results: ['i32'] }, (caller, n: number) => {
      seen.push(caller.store.gasRemaining, internals(caller.store).gasReserve);
      caller.consumeGas(5000);
      return spin(n * 7) + n;
    });
    const r = make(bytes, slice, 1e9, { env: { h } });
    spin = r.exports.spin;
    return { out: outcome(r, () => r.exports.run(40)), seen, slices: slicesOf(r) };
  };
  const one = go(Infinity);
  for (const slice of [5, 997]) {
    const r = go(slice);
    expect([slice, r.out, r.seen]).toEqual([slice, one.out, one.seen]);
    expect(r.slices).toBeGreaterThan(10);
  }
  // the host's reserve reads are 0: it never sees a slice
  expect(go(5).seen.filter((_, i) => i % 2 === 1).every((x) => x === 0)).toBe(true);
});

test('callAsync: an async host across slices gives the results and gas of one slice', async () => {
  const bytes = await wat(MIXED);
  const sync = make(bytes, Infinity, 1e12, { env: { h: H } });
  const want = outcome(sync, () => sync.exports.run(150));
  for (const slice of [7, 64]) {
    const r = make(bytes, slice, 1e12, { env: { h: (x: number) => Promise.resolve(H(x)) } });
    const used0 = r.store.gasUsed;
    const value = await callAsync(r.exports.run, 150);
    expect([slice, { value, left: r.store.gasRemaining, used: r.store.gasUsed - used0, memory: memoryHash(r.exports) }]).toEqual([slice, want]);
    expect(slicesOf(r)).toBeGreaterThan(100);
  }
});

test('exceptions across slices: unwinding charges beyond a slice, handlers several frames up, exceptions from a host; out of gas while unwinding', () => {
  const text = `(module
    (tag $e (export "e") (param i32))
    (import "env" "host" (func $host (param i32)))
    (func $deep (param i32) (if (i32.eqz (local.get 0)) (then (throw $e (i32.const 99)))) (call $deep (i32.sub (local.get 0) (i32.const 1))))
    (func $via_host (param i32) (if (i32.eqz (local.get 0)) (then (call $host (i32.const 5)))) (call $via_host (i32.sub (local.get 0) (i32.const 1))))
    (func (export "run") (param $n i32) (result i32) (local $acc i32)
      (loop $l
        (local.set $acc (i32.add (local.get $acc)
          (block $h (result i32) (try_table (catch $e $h) (call $deep (i32.and (local.get $n) (i32.const 31)))) (i32.const -1))))
        (local.set $acc (i32.add (local.get $acc)
          (block $h (result i32) (try_table (catch $e $h) (call $via_host (i32.and (local.get $n) (i32.const 15)))) (i32.const -1))))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (local.get $acc)))`;
  const bytes = wat3([text])[0];
  const go = (slice: number, budget: number) => {
    const engine = new Engine({ features: { preset: '3.0' } });
    const store = new Store(engine, { gas: 1e12 });
    internals(store).gasSlice = slice;
    let tag: Tag | null = null;
    const inst = store.instantiate(engine.compile(bytes), { env: { host: (x: number) => { throw new Exception(tag!, [x * 2]); } } });
    tag = inst.exports.e as unknown as Tag;
    store.gasRemaining = budget;
    const r = { store, exports: inst.exports as Record<string, any> };
    return { out: outcome(r, () => r.exports.run(200)), slices: internals(store).slicesEnded };
  };
  const one = go(Infinity, 1e12);
  const total = (one.out as { used: number }).used;
  // the unwinding of 31 frames costs 155: slices of 3 and 50 cannot hold it
  for (const slice of [3, 50]) {
    const r = go(slice, 1e12);
    expect([slice, r.out]).toEqual([slice, one.out]);
    expect(r.slices).toBeGreaterThan(10);
    // out of gas somewhere in the middle (some budgets end at an unwinding charge)
    for (let budget = Math.floor(total / 2); budget < Math.floor(total / 2) + 300; budget += 37) {
      expect([slice, budget, go(slice, budget).out]).toEqual([slice, budget, go(Infinity, budget).out]);
    }
  }
});

test('unmetered stores run in slices of ticks no one sees: the results of one slice, gasRemaining Infinity, gasUsed 0', async () => {
  const bytes = await wat(MIXED);
  const go = (slice: number) => {
    const engine = new Engine();
    const store = new Store(engine);
    internals(store).gasSlice = slice;
    const inst = store.instantiate(engine.compile(bytes), { env: { h: H } });
    const ex = inst.exports as Record<string, any>;
    const seen: unknown[] = [];
    return {
      out: [ex.loop_then_div(100_000, 3), ex.run(100), thrown(() => ex.loop_then_div(1000, 0)).message, memoryHash(ex), store.gasRemaining, store.gasUsed, seen],
      slices: internals(store).slicesEnded,
    };
  };
  const one = go(Infinity);
  expect(one.slices).toBe(0);
  const r = go(1000);
  expect(r.out).toEqual(one.out);
  // a loop's back edges and the calls of run: at least 100_000 ticks
  expect(r.slices).toBeGreaterThan(100);
  expect(internals(new Store(new Engine())).gasSlice).toBe(GAS_SLICE / 2);
});
