/**
 * Traps say where they happened: `funcIndex`, `funcName`, `backtrace` (wasm
 * frames, innermost first) and "in function N ($name)" at the end of the message.
 */
import { Engine, Store, HostFunc, Trap } from '../index';
import { thrown, wat } from './testutil';
import { functionNames } from './names';
import { internals } from './runtime';

const CHAIN = `(module
  (import "env" "h" (func $h (param i32)))
  (func $main (export "main") (param i32 i32) (result i32) (call $mid (local.get 0) (local.get 1)))
  (func $mid (param i32 i32) (result i32) (call $div (local.get 0) (local.get 1)))
  (func $div (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $callh (export "callh") (param i32) (call $h (local.get 0)))
  (func $rec (export "rec") (call $rec)))`;

async function setup(text: string, opts: { names?: boolean; gas?: number; imports?: Record<string, Record<string, unknown>> } = {}) {
  const engine = new Engine();
  const store = new Store(engine, opts.gas === undefined ? {} : { gas: opts.gas });
  const module = engine.compile(await wat(text, { names: opts.names ?? true }));
  const instance = store.instantiate(module, opts.imports ?? { env: { h: () => {} } });
  return { store, exports: instance.exports as Record<string, any> };
}

test('the trapping function, its name and the wasm backtrace', async () => {
  const s = await setup(CHAIN);
  const e = thrown(() => s.exports.main(1, 0));
  expect(e).toBeInstanceOf(Trap);
  expect(e.code).toBe('integer_divide_by_zero');
  expect([e.funcIndex, e.funcName]).toEqual([3, 'div']);
  expect(e.backtrace).toEqual([
    { funcIndex: 3, name: 'div' },
    { funcIndex: 2, name: 'mid' },
    { funcIndex: 1, name: 'main' },
  ]);
  expect(e.message).toBe('integer divide by zero in function 3 ($div)');
  expect(e.reason).toBe('integer divide by zero');
  // called directly, the backtrace is that one frame; the store stays usable
  expect(thrown(() => s.exports.div(1, 0)).backtrace).toEqual([{ funcIndex: 3, name: 'div' }]);
  expect(s.exports.main(7, 2)).toBe(3);
});

test('without a name section: index only', async () => {
  const s = await setup(CHAIN, { names: false });
  const e = thrown(() => s.exports.main(1, 0));
  expect([e.funcIndex, e.funcName, e.message]).toEqual([3, undefined, 'integer divide by zero in function 3']);
  expect(e.backtrace.map((f: { funcIndex: number }) => f.funcIndex)).toEqual([3, 2, 1]);
});

test('a host failure is located at the wasm function that called the host', async () => {
  const s = await setup(CHAIN, {
    imports: { env: { h: (n: number) => { if (n === 1) throw new Error('boom'); if (n === 2) throw new Trap('unreachable'); } } },
  });
  const host = thrown(() => s.exports.callh(1));
  expect([host.code, host.funcIndex, host.message]).toEqual(['host', 4, 'host function failed: boom in function 4 ($callh)']);
  const passed = thrown(() => s.exports.callh(2));
  expect([passed.code, passed.funcIndex]).toEqual(['unreachable', 4]);
});

test('re-entrant calls: the inner frames come first, then the outer ones', async () => {
  let inner: (a: number, b: number) => number = () => 0;
  const s = await setup(CHAIN, { imports: { env: { h: (n: number) => inner(n, 0) } } });
  inner = s.exports.main;
  const e = thrown(() => s.exports.callh(5));
  expect(e.code).toBe('integer_divide_by_zero');
  expect(e.backtrace.map((f: { funcIndex: number }) => f.funcIndex)).toEqual([3, 2, 1, 4]);
  expect(e.message).toBe('integer divide by zero in function 3 ($div)');
});

test('out of gas at a call is located in the callee whose first block could not be paid', async () => {
  const s = await setup(CHAIN, { gas: 1_000_000 });
  const before = s.store.gasUsed;
  s.exports.main(1, 1);
  const full = s.store.gasUsed - before;
  for (let budget = 0; budget < full; budget++) {
    s.store.gasRemaining = budget;
    const e = thrown(() => s.exports.main(1, 1));
    expect(e.code).toBe('out_of_gas');
    // located in a function of the chain, with its callers below it
    expect([1, 2, 3]).toContain(e.funcIndex);
    expect(e.backtrace.map((f: { funcIndex: number }) => f.funcIndex)).toEqual([3, 2, 1].slice(3 - e.funcIndex));
  }
});

test('call stack exhaustion: located in the recursive function, one frame per level', async () => {
  const s = await setup(CHAIN);
  const e = thrown(() => s.exports.rec());
  expect([e.code, e.funcIndex, e.funcName]).toEqual(['call_stack_exhausted', 5, 'rec']);
  expect(e.backtrace.length).toBeGreaterThan(9000);
  expect(e.backtrace.every((f: { funcIndex: number }) => f.funcIndex === 5)).toBe(true);
});

test('the start function is located; an out-of-bounds segment at instantiation has no location', async () => {
  const engine = new Engine();
  const store = new Store(engine);
  const start = engine.compile(await wat('(module (func $nop) (func $s unreachable) (start $s))', { names: true }));
  const e = thrown(() => store.instantiate(start));
  expect([e.code, e.funcIndex, e.message]).toEqual(['unreachable', 1, 'unreachable executed in function 1 ($s)']);
  const seg = engine.compile(await wat('(module (memory 1) (data (i32.const 65535) "ab"))'));
  const d = thrown(() => store.instantiate(seg));
  expect([d.code, d.funcIndex, d.backtrace, d.message]).toEqual(['memory_out_of_bounds', undefined, [], 'out of bounds memory access: data segment 0']);
});

test('a function from another instance is located in its own module', async () => {
  const engine = new Engine();
  const store = new Store(engine);
  const lib = store.instantiate(engine.compile(await wat('(module (func $a) (func $boom (export "boom") unreachable))', { names: true })));
  const app = store.instantiate(engine.compile(await wat(`(module (import "lib" "boom" (func $imp))
    (func $run (export "run") call $imp))`, { names: true })), { lib: lib.exports as Record<string, unknown> });
  const e = thrown(() => (app.exports.run as () => void)());
  expect(e.backtrace).toEqual([{ funcIndex: 1, name: 'boom' }, { funcIndex: 1, name: 'run' }]);
});

describe('name section parsing', () => {
  const sec = (data: number[]) => [{ name: 'name', data: Uint8Array.from(data), offset: 0 }];
  test('function names subsection; other subsections skipped', () => {
    // module name subsection (0) "m", then function names (1): 0 -> "a", 5 -> "bc"
    expect([...functionNames(sec([0, 2, 1, 0x6d, 1, 8, 2, 0, 1, 0x61, 5, 2, 0x62, 0x63]))]).toEqual([[0, 'a'], [5, 'bc']]);
    expect(functionNames([]).size).toBe(0);
  });
  test('a malformed name section means no names, and the module still compiles', async () => {
    expect(functionNames(sec([1, 9, 1, 0])).size).toBe(0); // truncated
    expect(functionNames(sec([1, 4, 1, 0, 1, 0xff])).size).toBe(0); // invalid UTF-8
    // a module whose name section is garbage compiles and traps without a name
    const good = await wat('(module (func (export "f") unreachable))');
    const bytes = new Uint8Array([...good, 0, 8, 4, 0x6e, 0x61, 0x6d, 0x65, 1, 9, 1]);
    const engine = new Engine();
    const inst = new Store(engine).instantiate(engine.compile(bytes));
    const e = thrown(() => (inst.exports.f as () => void)());
    expect([e.funcIndex, e.funcName]).toEqual([0, undefined]);
  });
});

test('HostFunc traps thrown with consumeGas are located at the caller', async () => {
  const engine = new Engine();
  const store = new Store(engine, { gas: 100 });
  const m = engine.compile(await wat(`(module (import "env" "burn" (func $burn (param i32)))
    (func $f (export "f") (param i32) local.get 0 call $burn))`, { names: true }));
  const inst = store.instantiate(m, { env: { burn: new HostFunc({ params: ['i32'], results: [] }, (c, n: number) => c.consumeGas(n)) } });
  const e = thrown(() => (inst.exports.f as (n: number) => void)(1000));
  expect([e.code, e.funcIndex, e.funcName]).toEqual(['out_of_gas', 1, 'f']);
});

// Regression: a trap raised while exec set up its entry frame (before its loop)
// surfaced as "TypeError: Cannot read properties of null" from the locating code.
test('a trap while entering the first frame (value stack limit) is a located Trap', async () => {
  const engine = new Engine({ limits: { maxValueStack: 1024 } });
  const locals = '(local' + ' i64'.repeat(600) + ')';
  const store = new Store(engine);
  const inst = store.instantiate(engine.compile(await wat(`(module (func $big (export "big") ${locals}) (func (export "ok") (result i32) i32.const 1))`, { names: true })));
  const e = thrown(() => (inst.exports.big as () => void)());
  expect(e).toBeInstanceOf(Trap);
  expect([e.code, e.funcIndex, e.funcName]).toEqual(['call_stack_exhausted', 0, 'big']);
  expect((inst.exports.ok as () => number)()).toBe(1);
  expect([internals(store).depth, internals(store).sp, internals(store).nesting]).toEqual([0, 0, 0]);
});
