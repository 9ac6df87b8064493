/**
 * Resumable and asynchronous calls (resume.ts): pausing at every out-of-gas
 * and resuming gives the same result, memory and total gas as one
 * uninterrupted run; async host functions give the same results, gas and
 * traps as synchronous ones; host-initiated pauses; calls in two stores
 * progress concurrently; a paused store refuses other calls.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Engine, Store, Trap, callAsync, callResumable, type Paused, type ResumableCall } from '../index';
import { callsLoopWat, memoryHash, rng, wat } from './testutil.js';
import { parseWast, type Command, type WastValue } from '../../spec-tests/wast';
import { loadWabt, watToWasm, ensureDataCount } from '../../spec-tests/wat2wasm';

const CORPUS = path.join(__dirname, '../../bench/corpus');
const PROGRAMS: Array<[string, number]> = [
  ['fib', 1], ['sha256', 3], ['i64arith', 3], ['sort', 1], ['lz', 1], ['vm', 1], ['indirect', 1], ['bulk', 1], ['nbody', 4], ['matmul', 1],
];

/** A module with calls, returns, host calls, br_table, memory.grow and bulk ops in one loop. */
const MIXED = callsLoopWat(64);

interface Prog { bytes: Uint8Array; n: number; imports: Record<string, Record<string, unknown>> }

async function programs(): Promise<Array<[string, Prog]>> {
  const out: Array<[string, Prog]> = PROGRAMS.map(([name, n]) => [name, { bytes: fs.readFileSync(path.join(CORPUS, `${name}.wasm`)), n, imports: {} }]);
  out.push(['mixed', { bytes: await wat(MIXED), n: 120, imports: { env: { h: (x: number) => Math.imul(x, 2654435761) ^ 0x5bd1e995 } } }]);
  return out;
}

function setup(p: Prog, budget: number) {
  const engine = new Engine({ features: { floats: true } });
  const store = new Store(engine, { gas: 1e12 });
  const inst = store.instantiate(engine.compile(p.bytes), p.imports);
  const base = store.gasUsed;
  store.gasRemaining = budget;
  return { store, exports: inst.exports as Record<string, any>, base };
}

test('pausing at every out-of-gas and resuming with random top-ups gives the uninterrupted result, memory and total gas', async () => {
  const r = rng(20261207);
  let pauses = 0;
  for (const [name, p] of await programs()) {
    const ref = setup(p, 1e12);
    const value = ref.exports.run(p.n);
    const gas = ref.store.gasUsed - ref.base;
    const hash = memoryHash(ref.exports);
    expect(gas).toBeGreaterThan(0);
    for (let round = 0; round < 6; round++) {
      const budget = r() % Math.max(1, Math.floor(gas / (1 + (r() % 8))));
      const run = setup(p, budget);
      let c: ResumableCall = callResumable(run.exports.run, p.n);
      while (!c.done) {
        expect([name, c.reason]).toEqual([name, 'out_of_gas']);
        pauses++;
        run.store.gasRemaining = run.store.gasRemaining + 1 + (r() % Math.max(1, Math.floor(gas / 4)));
        c = c.resume();
      }
      expect([name, round, c.value]).toEqual([name, round, value]);
      expect([name, round, run.store.gasUsed - run.base]).toEqual([name, round, gas]);
      expect([name, round, memoryHash(run.exports)]).toEqual([name, round, hash]);
    }
  }
  expect(pauses).toBeGreaterThan(100);
}, 120_000);

test('resuming with one unit of gas at a time still gives the same result and gas (every charge point)', async () => {
  const p: Prog = { bytes: await wat(MIXED), n: 12, imports: { env: { h: (x: number) => x * 3 } } };
  const ref = setup(p, 1e12);
  const value = ref.exports.run(p.n);
  const gas = ref.store.gasUsed - ref.base;
  const run = setup(p, 0);
  let c = callResumable(run.exports.run, p.n);
  let steps = 0;
  while (!c.done) {
    run.store.gasRemaining = run.store.gasRemaining + 1;
    c = c.resume();
    steps++;
  }
  expect(c.value).toBe(value);
  expect(run.store.gasUsed - run.base).toBe(gas);
  expect(steps).toBeGreaterThan(50);
});

/** A storage-like program: every step reads and writes keys through host functions. */
const STORAGE = `(module
  (import "kv" "get" (func $get (param i32) (result i64)))
  (import "kv" "put" (func $put (param i32 i64)))
  (func (export "run") (param $n i32) (result i64) (local $i i32) (local $v i64) (local $sum i64)
    (loop $l
      (local.set $v (call $get (i32.rem_u (local.get $i) (i32.const 7))))
      (local.set $v (i64.add (i64.mul (local.get $v) (i64.const 6364136223846793005)) (i64.extend_i32_u (local.get $i))))
      (call $put (i32.rem_u (i32.mul (local.get $i) (i32.const 3)) (i32.const 7)) (local.get $v))
      (local.set $sum (i64.xor (local.get $sum) (local.get $v)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $sum)))`;

function kvHost(async: boolean, r: () => number, rejectAt: number) {
  const data = new Map<number, bigint>();
  let calls = 0;
  const later = <T>(f: () => T): T | Promise<T> => {
    if (!async) return f();
    return new Promise<T>((resolve, reject) => setTimeout(() => {
      try { resolve(f()); } catch (e) { reject(e); }
    }, r() % 3));
  };
  const fail = () => {
    if (++calls === rejectAt) throw new Error(`storage unavailable at call ${calls}`);
  };
  return {
    data,
    imports: {
      kv: {
        get: (k: number) => later(() => { fail(); return data.get(k) ?? BigInt(k); }),
        put: (k: number, v: bigint) => later(() => { fail(); data.set(k, v); }),
      },
    },
  };
}

test('async host functions (random delays, some rejecting) give the same results, gas and traps as synchronous ones', async () => {
  const bytes = await wat(STORAGE);
  const r = rng(77);
  for (const [n, rejectAt] of [[40, 0], [25, 17], [10, 1], [60, 0], [30, 31]]) {
    const engine = new Engine();
    const sync = kvHost(false, r, rejectAt);
    const s1 = new Store(engine, { gas: 1e9 });
    const e1 = s1.instantiate(engine.compile(bytes), sync.imports).exports as any;
    let o1: unknown;
    try { o1 = e1.run(n); } catch (e) { o1 = `${(e as Trap).code}: ${(e as Error).message}`; }
    const async = kvHost(true, r, rejectAt);
    const s2 = new Store(engine, { gas: 1e9 });
    const e2 = s2.instantiate(engine.compile(bytes), async.imports).exports as any;
    let o2: unknown;
    try { o2 = await callAsync(e2.run, n); } catch (e) { o2 = `${(e as Trap).code}: ${(e as Error).message}`; }
    expect([n, o2]).toEqual([n, o1]);
    expect([n, s2.gasUsed]).toEqual([n, s1.gasUsed]);
    expect([...async.data]).toEqual([...sync.data]);
    if (rejectAt > 0 && rejectAt <= 3 * n) expect(String(o1)).toMatch(/^host: .*storage unavailable at call \d+/);
    // the store is usable afterwards
    expect(typeof e2.run).toBe('function');
  }
});

test('two instances in two stores awaiting async hosts progress concurrently, each with its single-run result', async () => {
  const bytes = await wat(STORAGE);
  const engine = new Engine();
  const order: string[] = [];
  const make = (tag: string) => {
    const data = new Map<number, bigint>();
    const store = new Store(engine, { gas: 1e9 });
    const ex = store.instantiate(engine.compile(bytes), {
      kv: {
        get: (k: number) => new Promise<bigint>((res) => setTimeout(() => { order.push(tag); res(data.get(k) ?? BigInt(k)); }, 1)),
        put: (k: number, v: bigint) => { data.set(k, v); },
      },
    }).exports as any;
    return { store, ex };
  };
  const a = make('a'), b = make('b');
  const [ra, rb] = await Promise.all([callAsync(a.ex.run, 20), callAsync(b.ex.run, 30)]);
  // single runs with a synchronous host
  const ref = (n: number) => {
    const data = new Map<number, bigint>();
    const s = new Store(engine, { gas: 1e9 });
    const ex = s.instantiate(engine.compile(bytes), { kv: { get: (k: number) => data.get(k) ?? BigInt(k), put: (k: number, v: bigint) => { data.set(k, v); } } }).exports as any;
    return [ex.run(n), s.gasUsed];
  };
  expect([ra, a.store.gasUsed]).toEqual(ref(20));
  expect([rb, b.store.gasUsed]).toEqual(ref(30));
  // interleaved, not one after the other
  const firstB = order.indexOf('b'), lastA = order.lastIndexOf('a');
  expect(firstB).toBeLessThan(lastA);
});

test('a host function pauses the whole call; resume continues with its result', async () => {
  const bytes = await wat(STORAGE);
  const engine = new Engine();
  const store = new Store(engine, { gas: 1e9 });
  const data = new Map<number, bigint>();
  const ex = store.instantiate(engine.compile(bytes), {
    kv: {
      get(this: { pause(p: unknown): never }, k: number) { return this.pause({ op: 'get', k }); },
      put: (k: number, v: bigint) => { data.set(k, v); },
    },
  }).exports as any;
  let c: ResumableCall = callResumable(ex.run, 15);
  let pauses = 0;
  while (!c.done) {
    expect(c.reason).toBe('host');
    const { k } = c.payload as { k: number };
    pauses++;
    // while paused the store refuses other calls
    expect(() => ex.run(1)).toThrow(/paused call/);
    c = c.resume(data.get(k) ?? BigInt(k));
  }
  expect(pauses).toBe(15);
  const s2 = new Store(engine, { gas: 1e9 });
  const d2 = new Map<number, bigint>();
  const ref = s2.instantiate(engine.compile(bytes), { kv: { get: (k: number) => d2.get(k) ?? BigInt(k), put: (k: number, v: bigint) => { d2.set(k, v); } } }).exports as any;
  expect(c.value).toBe(ref.run(15));
  expect(store.gasUsed).toBe(s2.gasUsed);
  // cancel frees the store
  const p = callResumable(ex.run, 3) as Paused;
  expect(p.done).toBe(false);
  p.cancel();
  expect(() => p.resume(1n)).toThrow(/already resumed or cancelled/);
  // (a synchronous call runs again: its host function may not pause there)
  expect(() => ex.run(0)).toThrow(/Caller.pause outside callResumable/);
});

test('a Promise in a synchronous call is Trap async_host naming the import, never a silent 0; pause outside callResumable is a host trap', async () => {
  const bytes = await wat(STORAGE);
  const engine = new Engine();
  const store = new Store(engine, { gas: 1e9 });
  const ex = store.instantiate(engine.compile(bytes), { kv: { get: async () => 1n, put: () => undefined } }).exports as any;
  let e: any;
  try { ex.run(3); } catch (x) { e = x; }
  expect(e).toBeInstanceOf(Trap);
  expect(e.code).toBe('async_host');
  expect(e.message).toMatch(/kv\.get returned a Promise: call the export with callAsync/);
  // the store is usable
  const s2 = new Store(engine, { gas: 1e9 });
  const ex2 = s2.instantiate(engine.compile(bytes), { kv: { get(this: { pause(): never }) { return this.pause(); }, put: () => undefined } }).exports as any;
  expect(() => ex2.run(1)).toThrow(/Caller.pause outside callResumable/);
  // the store is not left busy: the same call fails the same way again
  expect(() => ex.run(0)).toThrow(/kv\.get returned a Promise/);
});

test('out of gas inside a callAsync call is final, as in a synchronous call', async () => {
  const bytes = await wat(STORAGE);
  const engine = new Engine();
  const store = new Store(engine, { gas: 1e9 });
  const ex = store.instantiate(engine.compile(bytes), { kv: { get: async (k: number) => BigInt(k), put: () => undefined } }).exports as any;
  store.gasRemaining = 200;
  await expect(callAsync(ex.run, 50)).rejects.toMatchObject({ code: 'out_of_gas' });
  store.gasRemaining = 1e9;
  const again = await callAsync(ex.run, 2);
  await expect(callAsync(ex.run, 2)).resolves.toBe(again);
});

/** Spec modules whose integer calls run long enough to pause (the suite at $WASM_TESTSUITE). */
const SPEC_FILES = ['fac.wast', 'call.wast', 'call_indirect.wast', 'loop.wast', 'br_table.wast', 'block.wast', 'if.wast', 'memory_grow.wast', 'local_tee.wast', 'return.wast', 'select.wast', 'br_if.wast', 'f64.wast', 'conversions.wast', 'memory_copy.wast', 'table_copy.wast'];

test('spec modules: every call of a script (integer and float), paused at random budgets and resumed, gives the uninterrupted results, traps and gas', async () => {
  const dir = process.env.WASM_TESTSUITE ?? path.join(__dirname, '../../spec-tests/testsuite');
  if (!fs.existsSync(path.join(dir, 'fac.wast'))) throw new Error(`the spec suite is not at ${dir} (set WASM_TESTSUITE)`);
  const wabt = await loadWabt();
  const r = rng(4242);
  const engine = new Engine({ features: { floats: true } });
  const f32 = new Float32Array(1), f32b = new Int32Array(f32.buffer), f64 = new Float64Array(1), f64b = new BigInt64Array(f64.buffer);
  const arg = (v: WastValue) => {
    if (v.type === 'i32' || v.type === 'i64') return v.value;
    if (v.type === 'f32') { f32b[0] = v.bits; return f32[0]; }
    if (v.type === 'f64') { f64b[0] = v.bits; return f64[0]; }
    return undefined;
  };
  const imports = { spectest: { print_i32: () => undefined, print: () => undefined, global_i32: 666 } };
  let calls = 0, pauses = 0;
  for (const file of SPEC_FILES) {
    // the same script on two stores: one called plainly, one resumably with small budgets
    let ref: Record<string, unknown> | null = null, res: Record<string, unknown> | null = null;
    let refStore: Store | null = null, resStore: Store | null = null;
    for (const cmd of parseWast(fs.readFileSync(path.join(dir, file))) as Command[]) {
      if (cmd.kind === 'module') {
        ref = res = null;
        const src = cmd.module.source;
        const bytes = src.kind === 'text' ? ensureDataCount(watToWasm(wabt, src.bytes)) : src.kind === 'binary' ? src.bytes : null;
        if (bytes === null || !engine.validate(bytes)) continue;
        try {
          refStore = new Store(engine, { gas: 1e12 });
          ref = refStore.instantiate(engine.compile(bytes), imports).exports as Record<string, unknown>;
          resStore = new Store(engine, { gas: 1e12 });
          res = resStore.instantiate(engine.compile(bytes), imports).exports as Record<string, unknown>;
        } catch {
          ref = res = null;
        }
        continue;
      }
      if (cmd.kind !== 'assert_return' && cmd.kind !== 'action' && cmd.kind !== 'assert_trap') continue;
      if (cmd.action.kind !== 'invoke' || cmd.action.module !== undefined || ref === null || res === null) continue;
      const args = cmd.action.args.map(arg);
      if (args.some((a) => a === undefined)) continue;
      const f = ref[cmd.action.name], g = res[cmd.action.name];
      if (typeof f !== 'function' || typeof g !== 'function') continue;
      const g0 = refStore!.gasUsed;
      let want: unknown;
      try { want = (f as (...a: unknown[]) => unknown)(...args); } catch (e) { want = `trap ${(e as Trap).code}`; }
      const wantGas = refStore!.gasUsed - g0;
      const h0 = resStore!.gasUsed;
      resStore!.gasRemaining = r() % Math.max(1, wantGas + 1);
      let got: unknown;
      try {
        let c = callResumable(g, ...args);
        while (!c.done) {
          pauses++;
          resStore!.gasRemaining = resStore!.gasRemaining + 1 + (r() % Math.max(40, Math.floor(wantGas / 8)));
          c = c.resume();
        }
        got = c.value;
      } catch (e) {
        got = `trap ${(e as Trap).code}`;
      }
      expect([file, cmd.line, got, resStore!.gasUsed - h0]).toEqual([file, cmd.line, want, wantGas]);
      resStore!.gasRemaining = 1e12;
      calls++;
    }
  }
  expect(calls).toBeGreaterThan(300);
  expect(pauses).toBeGreaterThan(300);
}, 120_000);
