/**
 * The gas profiler and the tracer (profile.ts): self gas sums exactly to the
 * gas used, inclusive gas and folded stacks are consistent, names come from
 * the name section; the tracer reports every executed instruction.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Engine, Store, formatStep, type TraceStep } from '../index';
import { wat } from './testutil';

const CORPUS = path.join(__dirname, '../../bench/corpus');

test('over the bench corpus, per-function self gas sums exactly to the gas used; inclusive and folded stacks agree', () => {
  for (const [name, n] of [['fib', 1], ['sha256', 4], ['sort', 1], ['lz', 1], ['vm', 1], ['indirect', 1], ['bulk', 1], ['mixed', 2], ['nbody', 8], ['matmul', 1], ['i64arith', 4]] as const) {
    const engine = new Engine({ features: { floats: true } });
    const store = new Store(engine, { gas: 1e12, profile: true });
    const ex = store.instantiate(engine.compile(fs.readFileSync(path.join(CORPUS, `${name}.wasm`)))).exports as any;
    const before = store.gasUsed;
    const plain = new Store(engine, { gas: 1e12 });
    const ref = plain.instantiate(engine.compile(fs.readFileSync(path.join(CORPUS, `${name}.wasm`)))).exports as any;
    const plainBefore = plain.gasUsed;
    expect(ex.run(n)).toEqual(ref.run(n));
    ex.run(n);
    ref.run(n);
    const p = store.profile();
    const used = store.gasUsed - before;
    expect([name, p.total]).toEqual([name, used]);
    expect([name, p.functions.reduce((s, f) => s + f.self, 0)]).toEqual([name, used]);
    expect(p.functions.every((f) => f.inclusive >= f.self && f.self >= 0)).toBe(true);
    // the exported entry function's inclusive gas is everything
    expect([name, Math.max(...p.functions.map((f) => f.inclusive))]).toEqual([name, used]);
    const folded = p.folded.trim().split('\n').map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
    expect([name, folded.reduce((a, b) => a + b, 0)]).toEqual([name, used]);
    // profiling changes nothing: the same gas as the plain store
    expect([name, used]).toEqual([name, plain.gasUsed - plainBefore]);
  }
});

test('self and inclusive gas by function, with name-section names; host gas counts to the calling function', async () => {
  const bytes = await wat(`(module
    (import "env" "pay" (func $pay (param i32)))
    (func $leaf (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
    (func $mid (param i32) (result i32) (call $pay (i32.const 100)) (call $leaf (call $leaf (local.get 0))))
    (func $rec (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (i32.add (call $mid (local.get 0)) (call $rec (i32.sub (local.get 0) (i32.const 1)))))))
    (func $main (export "main") (param i32) (result i32) (call $rec (local.get 0))))`, { names: true });
  const engine = new Engine();
  const store = new Store(engine, { gas: 1e9, profile: true });
  const ex = store.instantiate(engine.compile(bytes), { env: { pay(this: { consumeGas(n: number): void }, n: number) { this.consumeGas(n); } } }).exports as any;
  const before = store.gasUsed;
  expect(ex.main(5)).toBe(5 * 9 + 4 * 9 + 3 * 9 + 2 * 9 + 1 * 9);
  const p = store.profile();
  const by = Object.fromEntries(p.functions.map((f) => [f.name, f]));
  expect(Object.keys(by).sort()).toEqual(['leaf', 'main', 'mid', 'rec']);
  expect(p.total).toBe(store.gasUsed - before);
  // $mid pays 100 per call through the host: 5 calls
  expect(by.mid.self).toBeGreaterThanOrEqual(500);
  expect(by.mid.inclusive).toBe(by.mid.self + by.leaf.inclusive);
  // recursion counted once: $rec's inclusive is everything below main
  expect(by.rec.inclusive).toBe(p.total - by.main.self);
  expect(p.folded).toMatch(/^main;rec;rec;mid;leaf \d+$/m);
  // a store without profile: has none
  expect(() => new Store(engine).profile()).toThrow(/profile: true/);
});

test('the tracer reports every executed instruction with fields and gas; without it nothing is traced', async () => {
  const bytes = await wat(`(module (func $f (export "f") (param i32) (result i32) (local i32)
    (local.set 1 (i32.add (local.get 0) (i32.const 5)))
    (i32.mul (local.get 1) (local.get 1))))`, { names: true });
  const engine = new Engine();
  const steps: TraceStep[] = [];
  const store = new Store(engine, { gas: 1000, trace: (s) => steps.push(s) });
  const ex = store.instantiate(engine.compile(bytes)).exports as any;
  const before = store.gasRemaining;
  expect(ex.f(2)).toBe(49);
  const lines = steps.map(formatStep);
  expect(lines[0]).toMatch(/^func 0 \(f\) @0 gas k=\d+ gas=1000$/);
  expect(lines.some((l) => /i32\.add_si dst=\d+ a=2 b=5/.test(l))).toBe(true);
  // the function's last instruction and its return are one record (isa.ts withReturn)
  expect(lines[lines.length - 1]).toMatch(/ i32\.mul_ss_ret dst=-?\d+ a=7 b=7/);
  expect(steps[0].gas).toBe(before);
  expect(steps[steps.length - 1].gas).toBeLessThan(before);
  // trace and profile together
  const both = new Store(engine, { gas: 1000, trace: () => undefined, profile: true });
  const ex2 = both.instantiate(engine.compile(bytes)).exports as any;
  const b0 = both.gasUsed;
  ex2.f(2);
  expect(both.profile().total).toBe(both.gasUsed - b0);
  expect(() => new Store(engine, { trace: 1 as never })).toThrow(TypeError);
});
