/**
 * A store stays usable after every kind of failure at every nesting level:
 * wasm -> host -> wasm -> host ... with traps, out of gas, host exceptions
 * (caught or not by the host in between), memory growth and top-ups, in a
 * seeded random order. After each top-level call the store's stacks are back
 * at rest, memory written before a failure is still there, and a plain call
 * still gives the right answer and the same gas as in a fresh store.
 */
import { Engine, Store, Trap, type Memory } from '../index';
import { wat } from './testutil';
import { MAX_REENTRANCY } from './runtime';
import { internals } from './runtime';

const MODULE = `(module
  (import "env" "host" (func $host (param i32 i32) (result i32)))
  (memory (export "mem") 1 64)
  ;; step(depth, action): counts the call in memory[depth*4], then either
  ;; recurses through the host (depth > 0) or performs the action (act)
  (func $step (export "step") (param $d i32) (param $a i32) (result i32)
    (i32.store (i32.shl (local.get $d) (i32.const 2))
      (i32.add (i32.load (i32.shl (local.get $d) (i32.const 2))) (i32.const 1)))
    (if (result i32) (i32.gt_s (local.get $d) (i32.const 0))
      (then (call $host (i32.sub (local.get $d) (i32.const 1)) (local.get $a)))
      (else (call $act (local.get $a)))))
  ;; act(a): 0 returns 42, 1 divides by zero, 2 recurses forever, 3 spins forever, 4 grows the memory
  (func $act (export "act") (param $a i32) (result i32)
    (block $out (result i32)
      (block $grow (block $spin (block $rec (block $div (block $ok
        (br_table $ok $div $rec $spin $grow (local.get $a)))
        (br $out (i32.const 42)))
        (br $out (i32.div_s (i32.const 1) (i32.const 0))))
        (br $out (call $rec (i32.const 0))))
        (loop $l (br $l)) (unreachable))
      (br $out (memory.grow (i32.const 1)))))
  (func $rec (param i32) (result i32) (call $rec (local.get 0)))
  (func (export "sum") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (local.get $n)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))`;

/** A tiny deterministic generator (xorshift32). */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

test('random nesting of traps, out of gas, host errors and growth leaves the store usable', async () => {
  const bytes = await wat(MODULE);
  const engine = new Engine();
  const random = rng(20261127);
  const store = new Store(engine, { gas: 1_000_000 });
  let catchInHost = false;
  let throwInHost = false;
  const exportsRef: { step?: (d: number, a: number) => number } = {};
  const inst = store.instantiate(engine.compile(bytes), {
    env: {
      host: (d: number, a: number) => {
        if (throwInHost && d === 0) throw new Error('host says no');
        if (!catchInHost) return exportsRef.step!(d, a);
        try {
          return exportsRef.step!(d, a);
        } catch (e) {
          if (!(e instanceof Trap)) throw e;
          return -1; // swallowed: the outer wasm continues
        }
      },
    },
  });
  const x = inst.exports as Record<string, any>;
  exportsRef.step = x.step;
  const mem = x.mem as Memory;
  const reference = new Store(engine, { gas: 1_000_000 });
  const refSum = reference.instantiate(engine.compile(bytes), { env: { host: () => 0 } }).exports.sum as (n: number) => number;
  const g0 = reference.gasUsed;
  expect(refSum(100)).toBe(5050);
  const sumGas = reference.gasUsed - g0;

  const expectedCounts = new Array(8).fill(0);
  const outcomes = new Map<string, number>();
  for (let round = 0; round < 300; round++) {
    const depth = Math.floor(random() * 6);
    const action = Math.floor(random() * 5);
    catchInHost = random() < 0.3;
    throwInHost = random() < 0.15;
    store.gasRemaining = action === 3 || random() < 0.2 ? Math.floor(random() * 3000) : 1_000_000;
    if (mem.pages >= 60 && action === 4) continue;
    let outcome: string;
    try {
      outcome = `ok ${x.step(depth, action)}`;
    } catch (e) {
      outcome = e instanceof Trap ? e.code : (e as Error).name;
    }
    const kind = outcome.split(' ')[0];
    outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
    // at rest after every top-level call
    expect([round, internals(store).depth, internals(store).sp, internals(store).nesting]).toEqual([round, 0, 0, 0]);
    // the per-depth call counters only ever grow (what was written stays written)
    const counts = Array.from(new Int32Array(mem.buffer, 0, 8));
    for (let i = 0; i < 8; i++) {
      expect(counts[i]).toBeGreaterThanOrEqual(expectedCounts[i]);
      expectedCounts[i] = counts[i];
    }
    // a plain call works and costs what it costs in a fresh store
    store.gasRemaining = 1_000_000;
    const before = store.gasUsed;
    expect(x.sum(100)).toBe(5050);
    expect(store.gasUsed - before).toBe(sumGas);
  }
  // the run exercised every kind of ending
  for (const k of ['ok', 'integer_divide_by_zero', 'call_stack_exhausted', 'out_of_gas', 'host']) {
    expect([k, (outcomes.get(k) ?? 0) > 0]).toEqual([k, true]);
  }
});

test('unbounded host re-entry ends with call_stack_exhausted at MAX_REENTRANCY (32) nested entries, not a JS RangeError', async () => {
  const engine = new Engine();
  for (const hostErrors of ['trap', 'propagate'] as const) {
    const store = new Store(engine, { gas: 1e9, hostErrors });
    let entries = 0;
    let deepest = 0;
    const ref: { f?: () => void } = {};
    const inst = store.instantiate(engine.compile(await wat(`(module (import "env" "h" (func $h))
      (func $f (export "f") call $h) (func (export "ok") (result i32) i32.const 1))`)), {
      env: { h: () => { entries++; deepest = Math.max(deepest, internals(store).nesting); ref.f!(); } },
    });
    ref.f = inst.exports.f as () => void;
    const e = (() => { try { ref.f!(); } catch (x) { return x; } return undefined; })() as Trap;
    expect([hostErrors, e instanceof Trap, e.code, e.message]).toEqual([
      hostErrors, true, 'call_stack_exhausted', 'call stack exhausted: too many nested host-to-wasm calls in function 1',
    ]);
    expect([entries, deepest]).toEqual([MAX_REENTRANCY, MAX_REENTRANCY]);
    expect(MAX_REENTRANCY).toBe(32); // documented in README "Limits and costs"
    // every wasm activation the trap unwound through is in its backtrace
    expect(e.backtrace.length).toBe(MAX_REENTRANCY);
    expect([internals(store).depth, internals(store).sp, internals(store).nesting]).toEqual([0, 0, 0]);
    expect((inst.exports.ok as () => number)()).toBe(1);
  }
});

test('a JS stack overflow crossing the boundary is call_stack_exhausted in both hostErrors modes; other RangeErrors are host errors', async () => {
  const bytes = await wat(`(module (import "env" "h" (func $h (param i32)))
    (func (export "f") (param i32) (call $h (local.get 0))))`);
  const engine = new Engine();
  const recurse = (n: number): number => recurse(n + 1) + 1; // overflows the JS stack
  for (const hostErrors of ['trap', 'propagate'] as const) {
    const store = new Store(engine, { gas: 1000, hostErrors });
    const inst = store.instantiate(engine.compile(bytes), {
      env: { h: (k: number) => { if (k === 0) recurse(0); else throw new RangeError('not a stack overflow'); } },
    });
    const f = inst.exports.f as (k: number) => void;
    let e: unknown;
    try { f(0); } catch (x) { e = x; }
    expect(e).toBeInstanceOf(Trap);
    expect((e as Trap).code).toBe('call_stack_exhausted');
    expect((e as Trap).cause).toBeInstanceOf(RangeError);
    try { f(1); } catch (x) { e = x; }
    if (hostErrors === 'trap') expect([(e as Trap).code, ((e as Trap).cause as Error).message]).toEqual(['host', 'not a stack overflow']);
    else expect([(e as Error).constructor, (e as Error).message]).toEqual([RangeError, 'not a stack overflow']);
  }
});
