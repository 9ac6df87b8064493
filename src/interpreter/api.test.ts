/**
 * Public API: linking, host functions, traps, recursion limits, multi-value,
 * Memory / Table / Global objects, store state after traps.
 */
import { Engine, Store, Memory, Table, Global, HostFunc, Trap, LinkError, CompileError, MalformedError, Caller } from '../index';
import { instantiateWat, thrown, wat } from './testutil';
import { internals } from './runtime';
import type { Instance } from './runtime';

describe('engine and module', () => {
  test('compile, validate, imports and exports', async () => {
    const e = new Engine();
    const bytes = await wat(`(module (import "env" "f" (func (param i32))) (import "env" "m" (memory 1))
      (global (export "g") i32 (i32.const 1)) (func (export "h")) (table (export "t") 1 funcref))`);
    const m = e.compile(bytes);
    expect(m.imports()).toEqual([
      { module: 'env', name: 'f', kind: 'function', type: { params: ['i32'], results: [] } },
      { module: 'env', name: 'm', kind: 'memory', type: { minimum: 1 } },
    ]);
    expect(m.exports()).toEqual([
      { name: 'g', kind: 'global', type: { value: 'i32', mutable: false } },
      { name: 'h', kind: 'function', type: { params: [], results: [] } },
      { name: 't', kind: 'table', type: { element: 'funcref', minimum: 1 } },
    ]);
    expect(e.validate(bytes)).toBe(true);
    expect(e.validate(new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0]))).toBe(false);
    expect(() => e.compile(new Uint8Array([1, 2, 3]))).toThrow(MalformedError);
    expect(() => e.compile(new Uint8Array([1, 2, 3]))).toThrow(CompileError);
  });

  test('export types follow the index spaces: imports first, then definitions', async () => {
    const m = new Engine().compile(await wat(`(module
      (import "a" "f" (func $f (param i64) (result i32 i64)))
      (import "a" "t" (table $t 2 10 externref))
      (import "a" "g" (global $g (mut i64)))
      (func $own (param i32 externref) (result funcref) ref.null func)
      (table $u 3 funcref) (memory $m 1 2) (global $h i32 (i32.const 0))
      (export "f" (func $f)) (export "own" (func $own)) (export "t" (table $t)) (export "u" (table $u))
      (export "g" (global $g)) (export "h" (global $h)) (export "m" (memory $m)))`));
    expect(Object.fromEntries(m.exports().map((e) => [e.name, e.type]))).toEqual({
      f: { params: ['i64'], results: ['i32', 'i64'] },
      own: { params: ['i32', 'externref'], results: ['funcref'] },
      t: { element: 'externref', minimum: 2, maximum: 10 },
      u: { element: 'funcref', minimum: 3 },
      g: { value: 'i64', mutable: true },
      h: { value: 'i32', mutable: false },
      m: { minimum: 1, maximum: 2 },
    });
    expect(m.imports()[1].type).toEqual({ element: 'externref', minimum: 2, maximum: 10 });
  });
});

describe('linking', () => {
  const IMPORTS = `(module
    (import "env" "f" (func (param i32) (result i32)))
    (import "env" "m" (memory 1 2))
    (import "env" "t" (table 2 funcref))
    (import "env" "g" (global (mut i32))))`;
  const good = () => ({
    env: {
      f: (x: number) => x,
      m: new Memory({ initial: 1, maximum: 2 }),
      t: new Table({ element: 'funcref', initial: 2 }),
      g: new Global({ value: 'i32', mutable: true }, 0),
    },
  });
  test('matching imports link', async () => {
    const e = new Engine();
    const m = e.compile(await wat(IMPORTS));
    expect(() => new Store(e).instantiate(m, good())).not.toThrow();
  });
  test.each([
    ['missing module', (i: any) => { delete i.env; }, 'unknown import'],
    ['missing function', (i: any) => { delete i.env.f; }, 'unknown import'],
    ['not a function', (i: any) => { i.env.f = 3; }, 'incompatible import type'],
    ['memory too small', (i: any) => { i.env.m = new Memory({ initial: 0, maximum: 2 }); },
      'incompatible import type: "env" "m": memory limits mismatch: expected at least 1 page, at most 2; got 0 pages, maximum 2'],
    ['memory without maximum', (i: any) => { i.env.m = new Memory({ initial: 1 }); },
      'memory limits mismatch: expected at least 1 page, at most 2; got 1 page, no maximum'],
    ['memory maximum too large', (i: any) => { i.env.m = new Memory({ initial: 1, maximum: 3 }); }, 'got 1 page, maximum 3'],
    ['table element type', (i: any) => { i.env.t = new Table({ element: 'externref', initial: 2 }); },
      'table element type mismatch: expected funcref, got externref'],
    ['table too small', (i: any) => { i.env.t = new Table({ element: 'funcref', initial: 1 }); }, 'table limits mismatch: expected at least 2 elements'],
    ['global mutability', (i: any) => { i.env.g = new Global({ value: 'i32' }, 0); }, 'global type mismatch: expected mut i32, got i32'],
    ['global type', (i: any) => { i.env.g = new Global({ value: 'i64', mutable: true }, 0n); }, 'global type mismatch: expected mut i32, got mut i64'],
    ['host function type', (i: any) => { i.env.f = new HostFunc({ params: ['i64'], results: ['i32'] }, () => 0); },
      'host function type mismatch: expected (i32) -> (i32), got (i64) -> (i32)'],
    ['memory given for table', (i: any) => { i.env.t = i.env.m; }, 'incompatible import type'],
  ])('%s -> LinkError', async (_name, mutate, msg) => {
    const e = new Engine();
    const m = e.compile(await wat(IMPORTS));
    const imports = good();
    mutate(imports);
    const err = thrown(() => new Store(e).instantiate(m, imports as any));
    expect(err).toBeInstanceOf(LinkError);
    expect(err.message).toContain(msg);
  });

  test('exported functions link as wasm functions with a type check', async () => {
    const e = new Engine();
    const store = new Store(e);
    const a = store.instantiate(e.compile(await wat('(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))')));
    const bytes = await wat(`(module (import "a" "add" (func $add (param i32 i32) (result i32)))
      (func (export "twice") (param i32) (result i32) local.get 0 local.get 0 call $add))`);
    const b = store.instantiate(e.compile(bytes), { a: { add: a.exports.add } });
    expect((b.exports.twice as any)(21)).toBe(42);
    // re-exported function keeps its identity
    const c = store.instantiate(e.compile(await wat('(module (import "a" "add" (func (param i32 i32) (result i32))) (export "same" (func 0)))')), { a: { add: a.exports.add } });
    expect(c.exports.same).toBe(a.exports.add);
    // wrong type
    const wrong = await wat('(module (import "a" "add" (func (param i64) (result i32))))');
    expect(thrown(() => store.instantiate(e.compile(wrong), { a: { add: a.exports.add } }))).toBeInstanceOf(LinkError);
  });

  test('out-of-bounds active segments trap at instantiation; earlier segments stay written', async () => {
    const e = new Engine();
    const store = new Store(e);
    const mem = new Memory({ initial: 1 });
    const m = e.compile(await wat(`(module (import "env" "m" (memory 1))
      (data (i32.const 0) "ab") (data (i32.const 65535) "cd"))`));
    const err = thrown(() => store.instantiate(m, { env: { m: mem } }));
    expect(err).toBeInstanceOf(Trap);
    expect(err.code).toBe('memory_out_of_bounds');
    expect(Array.from(new Uint8Array(mem.buffer, 0, 2))).toEqual([97, 98]);
  });
});

describe('host functions', () => {
  test('plain functions get wasm args, this = Caller; results converted', async () => {
    let seen: unknown[] = [];
    let self: any;
    const s = await instantiateWat(`(module (import "env" "h" (func $h (param i32 i64) (result i64)))
      (memory (export "mem") 1)
      (func (export "f") (result i64) i32.const -5 i64.const 0x100000000 call $h))`, {
      imports: { env: { h: function (this: Caller, a: number, b: bigint) { seen = [a, b]; self = this; return b + 1n; } } },
    });
    expect(s.exports.f()).toBe(0x100000001n);
    expect(seen).toEqual([-5, 0x100000000n]);
    expect(self).toBeInstanceOf(Caller);
    expect(self.memory).toBe(s.exports.mem);
    expect(self.instance).toBe(s.instance);
  });

  test('results are converted with ToWebAssemblyValue; multi-value results from arrays', async () => {
    const s = await instantiateWat(`(module
      (import "env" "i" (func $i (result i32))) (import "env" "j" (func $j (result i64)))
      (import "env" "mv" (func $mv (result i32 i64)))
      (func (export "i") (result i32) call $i) (func (export "j") (result i64) call $j)
      (func (export "mv") (result i32 i64) call $mv))`, {
      imports: { env: { i: () => 2 ** 32 + 7.9, j: () => 2n ** 64n + 5n, mv: () => [1, 2n] } },
    });
    expect(s.exports.i()).toBe(7);
    expect(s.exports.j()).toBe(5n);
    expect(s.exports.mv()).toEqual([1, 2n]);
  });

  test('HostFunc gets the caller explicitly and can read and write memory', async () => {
    const s = await instantiateWat(`(module (import "env" "sum" (func $sum (param i32 i32) (result i32)))
      (memory (export "mem") 1) (data (i32.const 16) "\\01\\02\\03\\04")
      (func (export "f") (result i32) i32.const 16 i32.const 4 call $sum))`, {
      imports: { env: { sum: new HostFunc({ params: ['i32', 'i32'], results: ['i32'] }, (caller, p: number, n: number) => {
        const u8 = new Uint8Array(caller.memory!.buffer);
        let t = 0;
        for (let i = 0; i < n; i++) t += u8[p + i];
        u8[0] = 99;
        return t;
      }) } },
    });
    expect(s.exports.f()).toBe(10);
    expect(new Uint8Array(s.exports.mem.buffer)[0]).toBe(99);
  });

  test('a host exception becomes Trap host with the cause; a Trap passes through; store stays usable', async () => {
    const boom = new Error('boom');
    let mode = 0;
    const s = await instantiateWat(`(module (import "env" "h" (func $h))
      (func (export "f") call $h) (func (export "ok") (result i32) i32.const 1))`, {
      imports: { env: { h: () => { if (mode === 0) throw boom; if (mode === 1) throw new Trap('unreachable'); } } },
    });
    const e = thrown(() => s.exports.f());
    expect(e).toBeInstanceOf(Trap);
    expect(e.code).toBe('host');
    expect(e.cause).toBe(boom);
    mode = 1;
    expect(thrown(() => s.exports.f()).code).toBe('unreachable');
    mode = 2;
    expect(s.exports.f()).toBeUndefined();
    expect(s.exports.ok()).toBe(1);
  });

  test("hostErrors: 'propagate' lets a host exception through unchanged; the store stays usable", async () => {
    const boom = new RangeError('boom');
    const engine = new Engine();
    const store = new Store(engine, { gas: 1000, hostErrors: 'propagate' });
    let fail = true;
    const inst = store.instantiate(engine.compile(await wat(`(module (import "env" "h" (func $h))
      (memory (export "mem") 1)
      (func (export "f") (i32.store8 (i32.const 0) (i32.const 7)) call $h (i32.store8 (i32.const 1) (i32.const 8))))`)),
      { env: { h: () => { if (fail) throw boom; } } });
    const f = inst.exports.f as () => void;
    expect(thrown(f)).toBe(boom);
    const mem = new Uint8Array((inst.exports.mem as Memory).buffer);
    expect([mem[0], mem[1]]).toEqual([7, 0]);
    fail = false;
    f();
    expect(new Uint8Array((inst.exports.mem as Memory).buffer)[1]).toBe(8);
  });

  test('re-entrancy: a host function calls back into wasm', async () => {
    const s = await instantiateWat('(module)');
    const store = s.store;
    const m = s.engine.compile(await wat(`(module (import "env" "h" (func $h (param i32) (result i32)))
      (func (export "f") (param i32) (result i32)
        local.get 0 i32.eqz if (result i32) i32.const 0 else local.get 0 i32.const 1 i32.sub call $h i32.const 1 i32.add end))`));
    let inst: any;
    inst = store.instantiate(m, { env: { h: (n: number) => inst.exports.f(n) } });
    expect(inst.exports.f(20)).toBe(20);
    // nesting is capped deterministically with call_stack_exhausted, not a JS RangeError
    const e = thrown(() => inst.exports.f(100000));
    expect(e).toBeInstanceOf(Trap);
    expect(e.code).toBe('call_stack_exhausted');
    expect(inst.exports.f(10)).toBe(10);
  });
});

describe('traps and limits', () => {
  test('deep recursion -> call_stack_exhausted (not RangeError), store usable afterwards', async () => {
    const s = await instantiateWat(`(module
      (func $f (export "f") (param i32) (result i32) local.get 0 i32.eqz if (result i32) i32.const 0 else local.get 0 i32.const 1 i32.sub call $f i32.const 1 i32.add end)
      (func $inf (export "inf") call $inf))`);
    expect(s.exports.f(5000)).toBe(5000);
    const e = thrown(() => s.exports.inf());
    expect(e).toBeInstanceOf(Trap);
    expect(e.code).toBe('call_stack_exhausted');
    expect(s.exports.f(9000)).toBe(9000);
    const e2 = thrown(() => s.exports.f(20000));
    expect(e2.code).toBe('call_stack_exhausted');
  });

  test('value stack limit traps call_stack_exhausted', async () => {
    const s = await instantiateWat(`(module (func $f (export "f") (param i32) (result i32) (local i64 i64 i64 i64 i64 i64 i64 i64)
      local.get 0 i32.eqz if (result i32) i32.const 0 else local.get 0 i32.const 1 i32.sub call $f end))`,
    { config: { limits: { maxValueStack: 4096 } } });
    expect(s.exports.f(10)).toBe(0);
    expect(thrown(() => s.exports.f(1000)).code).toBe('call_stack_exhausted');
  });

  test('trap codes', async () => {
    const s = await instantiateWat(`(module (memory 1) (table 2 funcref) (elem (i32.const 0) $a)
      (type $v (func)) (type $i (func (result i32)))
      (func $a)
      (func (export "unreachable") unreachable)
      (func (export "oob") (result i32) i32.const 65534 i32.load)
      (func (export "oob_offset") (result i32) i32.const -1 i32.load offset=4294967295)
      (func (export "div") (result i32) i32.const 1 i32.const 0 i32.div_u)
      (func (export "ovf") (result i32) i32.const 0x80000000 i32.const -1 i32.div_s)
      (func (export "mismatch") i32.const 0 call_indirect (type $i) drop)
      (func (export "undef") i32.const 5 call_indirect (type $v))
      (func (export "uninit") i32.const 1 call_indirect (type $v))
      (func (export "tget") i32.const 9 table.get 0 drop)
      (func (export "fill") i32.const 65530 i32.const 0 i32.const 7 memory.fill))`);
    const codes: Record<string, string> = {
      unreachable: 'unreachable', oob: 'memory_out_of_bounds', oob_offset: 'memory_out_of_bounds', div: 'integer_divide_by_zero',
      ovf: 'integer_overflow', mismatch: 'indirect_call_type_mismatch', undef: 'undefined_element', uninit: 'uninitialized_element',
      tget: 'table_out_of_bounds', fill: 'memory_out_of_bounds',
    };
    for (const [name, code] of Object.entries(codes)) {
      const e = thrown(() => s.exports[name]());
      expect([name, e instanceof Trap, e.code]).toEqual([name, true, code]);
    }
  });

  test('memory.grow beyond maxMemoryPages returns -1', async () => {
    const s = await instantiateWat('(module (memory 1) (func (export "g") (param i32) (result i32) local.get 0 memory.grow))',
      { config: { limits: { maxMemoryPages: 4 } } });
    expect(s.exports.g(3)).toBe(1);
    expect(s.exports.g(1)).toBe(-1);
    expect(s.exports.g(0)).toBe(4);
  });
});

describe('values and objects', () => {
  test('multi-value functions and blocks', async () => {
    const s = await instantiateWat(`(module
      (func $swap (param i32 i64) (result i64 i32) local.get 1 local.get 0)
      (func (export "swap") (param i32 i64) (result i64 i32) local.get 0 local.get 1 call $swap)
      (func (export "blk") (param i32) (result i32 i32)
        local.get 0 i32.const 1
        block (param i32 i32) (result i32 i32) i32.add local.get 0 br 0 end)
      (func (export "loopsum") (param i32) (result i32)
        i32.const 0 local.get 0
        loop (param i32 i32) (result i32)
          local.tee 0 i32.add local.get 0 i32.const 1 i32.sub
          local.tee 0 local.get 0 br_if 0 drop
        end))`);
    expect(s.exports.swap(7, -3n)).toEqual([-3n, 7]);
    expect(s.exports.blk(5)).toEqual([6, 5]);
    expect(s.exports.loopsum(4)).toBe(10);
  });

  test('Memory, Table, Global objects', async () => {
    const s = await instantiateWat(`(module (memory (export "m") 1 3) (table (export "t") 2 5 funcref)
      (global (export "g") (mut i64) (i64.const -1)) (global (export "c") i32 (i32.const 9))
      (func $f (export "f") (result i32) i32.const 42) (elem (i32.const 0) $f)
      (func (export "call") (param i32) (result i32) local.get 0 call_indirect (result i32))
      (func (export "gg") (result i64) global.get 0))`);
    const { m, t, g, c } = s.exports;
    expect(m).toBeInstanceOf(Memory);
    expect(m.buffer.byteLength).toBe(65536);
    expect(m.grow(1)).toBe(1);
    expect(m.buffer.byteLength).toBe(131072);
    expect(() => m.grow(5)).toThrow(RangeError);
    expect(t.length).toBe(2);
    expect(t.get(0)).toBe(s.exports.f);
    expect(t.get(1)).toBeNull();
    t.set(1, s.exports.f);
    expect(s.exports.call(1)).toBe(42);
    expect(t.grow(2, s.exports.f)).toBe(2);
    expect(s.exports.call(3)).toBe(42);
    expect(g.value).toBe(-1n);
    g.value = 5n;
    expect(s.exports.gg()).toBe(5n);
    expect(c.valueOf()).toBe(9);
    expect(() => { c.value = 1; }).toThrow(TypeError);
    expect(() => new Global({ value: 'v128' } as any, 0)).toThrow(TypeError);
  });

  test('i64 crosses the boundary with ToBigInt64: a Number is a TypeError, booleans and numeric strings convert', async () => {
    const s = await instantiateWat(`(module (import "env" "h" (func $h (result i64)))
      (global (export "g") (mut i64) (i64.const 0))
      (func (export "id") (param i64) (result i64) local.get 0)
      (func (export "host") (result i64) call $h))`, {
      imports: { env: { h: () => 2 ** 40 } },
    });
    const { id, g } = s.exports;
    // exported function parameter
    expect(() => id(5)).toThrow(TypeError);
    expect(() => id(2 ** 40)).toThrow(TypeError);
    expect(() => id(undefined)).toThrow(TypeError);
    expect(() => id()).toThrow(TypeError); // a missing argument is undefined
    expect(() => id(null)).toThrow(TypeError);
    expect(() => id('x')).toThrow(SyntaxError);
    expect(id(true)).toBe(1n);
    expect(id(false)).toBe(0n);
    expect(id('5')).toBe(5n);
    expect(id(2n ** 64n + 3n)).toBe(3n); // wraps (ToBigInt64)
    expect(id({ valueOf: () => -2n })).toBe(-2n);
    // Global.value and the Global constructor
    expect(() => { g.value = 3; }).toThrow(TypeError);
    expect(g.value).toBe(0n);
    g.value = '7';
    expect(g.value).toBe(7n);
    expect(() => new Global({ value: 'i64' }, 3)).toThrow(TypeError);
    expect(() => new Global({ value: 'i64', mutable: true }, 1.5)).toThrow(TypeError);
    expect(new Global({ value: 'i64' }, true).value).toBe(1n);
    expect(new Global({ value: 'i64' }).value).toBe(0n); // no init: the default value
    // a host function's Number result for i64 fails like any host exception
    const e = thrown(() => s.exports.host());
    expect(e).toBeInstanceOf(Trap);
    expect(e.code).toBe('host');
    expect(e.cause).toBeInstanceOf(TypeError);
  });

  test('externref and funcref values cross the boundary', async () => {
    const s = await instantiateWat(`(module (table $t 4 externref)
      (func (export "id") (param externref) (result externref) local.get 0)
      (func (export "isnull") (param externref) (result i32) local.get 0 ref.is_null)
      (func (export "put") (param i32 externref) local.get 0 local.get 1 table.set $t)
      (func (export "get") (param i32) (result externref) local.get 0 table.get $t)
      (func $g (export "g") (result funcref) ref.func $g))`);
    const o = { x: 1 };
    expect(s.exports.id(o)).toBe(o);
    expect(s.exports.id(null)).toBeNull();
    expect(s.exports.isnull(null)).toBe(1);
    expect(s.exports.isnull(undefined)).toBe(0);
    s.exports.put(2, o);
    expect(s.exports.get(2)).toBe(o);
    expect(s.exports.g()).toBe(s.exports.g);
  });

  test('state written before a trap stays', async () => {
    const s = await instantiateWat(`(module (memory (export "m") 1) (global (export "g") (mut i32) (i32.const 0))
      (func (export "f") i32.const 0 i32.const 7 i32.store i32.const 3 global.set 0 unreachable))`);
    expect(thrown(() => s.exports.f()).code).toBe('unreachable');
    expect(new Uint8Array(s.exports.m.buffer)[0]).toBe(7);
    expect(s.exports.g.value).toBe(3);
  });
});

test('memory growth keeps contents, zero-fills new pages, and buffer is always exactly the memory size', async () => {
  const s = await instantiateWat(`(module (memory (export "m") 1 100)
    (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
    (func (export "st") (param i32 i32) local.get 0 local.get 1 i32.store)
    (func (export "ld") (param i32) (result i32) local.get 0 i32.load))`);
  const m = s.exports.m as Memory;
  s.exports.st(100, 7);
  for (let i = 1; i < 20; i++) {
    expect(s.exports.grow(1)).toBe(i);
    s.exports.st(i * 65536 + 8, i);
    if (i % 5 === 0) {
      expect(m.buffer.byteLength).toBe((i + 1) * 65536);
      expect(new DataView(m.buffer).getInt32(i * 65536 + 8, true)).toBe(i);
    }
  }
  expect(s.exports.ld(100)).toBe(7);
  for (let i = 1; i < 20; i++) expect(s.exports.ld(i * 65536 + 8)).toBe(i);
  expect(s.exports.ld(19 * 65536 + 12)).toBe(0);
  expect(thrown(() => s.exports.ld(20 * 65536)).code).toBe('memory_out_of_bounds');
  expect(m.grow(2)).toBe(20);
  expect(new Uint8Array(m.buffer).length).toBe(22 * 65536);
  expect(new Uint8Array(m.buffer).subarray(20 * 65536).every((b) => b === 0)).toBe(true);
});

test('immutable global imports accept plain values (JS API), mutable ones need a Global', async () => {
  const e = new Engine();
  const m = e.compile(await wat(`(module (import "m" "i" (global $i i32)) (import "m" "j" (global $j i64))
    (import "m" "e" (global $e externref)) (import "m" "f" (global $f funcref))
    (func (export "i") (result i32) global.get $i) (func (export "j") (result i64) global.get $j)
    (func (export "e") (result externref) global.get $e) (func (export "f") (result funcref) global.get $f))`));
  const o = { host: true };
  const inst = new Store(e).instantiate(m, { m: { i: 5, j: 6n, e: o, f: null } });
  const x = inst.exports as any;
  expect([x.i(), x.j(), x.e(), x.f()]).toEqual([5, 6n, o, null]);
  expect(thrown(() => new Store(e).instantiate(m, { m: { i: 5n, j: 6n, e: o, f: null } }))).toBeInstanceOf(LinkError);
  expect(thrown(() => new Store(e).instantiate(m, { m: { i: 5, j: 6, e: o, f: null } }))).toBeInstanceOf(LinkError);
  expect(thrown(() => new Store(e).instantiate(m, { m: { i: 5, j: 6n, e: o, f: () => 1 } }))).toBeInstanceOf(LinkError);
  const mm = e.compile(await wat('(module (import "m" "g" (global (mut i32))))'));
  expect(thrown(() => new Store(e).instantiate(mm, { m: { g: 1 } }))).toBeInstanceOf(LinkError);
});

describe('engine.compile input', () => {
  test('compile copies the bytes: changing them afterwards does not change the module', async () => {
    const bytes = await wat('(module (memory (export "m") 1) (data (i32.const 0) "abc"))');
    const engine = new Engine();
    const module = engine.compile(bytes);
    const at = bytes.findIndex((b, i) => b === 0x61 && bytes[i + 1] === 0x62 && bytes[i + 2] === 0x63);
    expect(at).toBeGreaterThan(8);
    bytes[at] = 0x7a; // 'a' -> 'z' in the caller's buffer
    const inst = new Store(engine).instantiate(module);
    expect(new Uint8Array((inst.exports.m as { buffer: ArrayBuffer }).buffer, 0, 3)).toEqual(Uint8Array.from([0x61, 0x62, 0x63]));
  });

  test('compile accepts any buffer view or ArrayBuffer, and rejects other values with a TypeError', async () => {
    const bytes = await wat('(module (func (export "f") (result i32) i32.const 7))');
    const engine = new Engine();
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    for (const b of [bytes, bytes.slice().buffer, new DataView(padded.buffer, 3), Buffer.from(bytes)]) {
      const inst = new Store(engine).instantiate(engine.compile(b as Uint8Array));
      expect((inst.exports.f as () => number)()).toBe(7);
    }
    expect(() => engine.compile('\0asm' as never)).toThrow(TypeError);
    expect(() => engine.compile([0, 0x61, 0x73, 0x6d] as never)).toThrow(TypeError);
  });
});

describe('argument conversion errors and consumeGas amounts', () => {
  test('a bad argument says which function, which argument and its type; the class is kept', async () => {
    const s = await instantiateWat('(module (func $nop) (func (export "f") (param i32 i64) (result i32) local.get 0))');
    const big = thrown(() => s.exports.f(1n, 2n));
    expect(big).toBeInstanceOf(TypeError);
    expect(big.message).toMatch(/^function 1: argument 0 \(i32\): /);
    const num = thrown(() => s.exports.f(1, 2));
    expect(num).toBeInstanceOf(TypeError);
    expect(num.message).toMatch(/^function 1: argument 1 \(i64\): /);
    const str = thrown(() => s.exports.f(1, 'x'));
    expect(str).toBeInstanceOf(SyntaxError);
    expect(s.exports.f(5, 0n)).toBe(5); // the store is untouched
  });

  test('consumeGas takes non-negative integers only (number or bigint)', async () => {
    let amount: number | bigint = 0;
    const s = await instantiateWat('(module (import "env" "burn" (func $b)) (func (export "f") call $b))', {
      gas: 1000,
      imports: { env: { burn(this: Caller) { this.consumeGas(amount); } } },
    });
    for (const bad of [1.5, -1, NaN, -1n]) {
      amount = bad;
      const e = thrown(() => s.exports.f());
      expect([String(bad), e.code, e.cause instanceof RangeError]).toEqual([String(bad), 'host', true]);
    }
    const before = s.store.gasUsed;
    amount = 10n;
    s.exports.f();
    amount = 10;
    s.exports.f();
    expect(Number.isInteger(s.store.gasUsed)).toBe(true);
    expect(s.store.gasUsed - before).toBeGreaterThanOrEqual(20);
    amount = 2n ** 70n;
    expect(thrown(() => s.exports.f()).code).toBe('out_of_gas');
  });
});

describe('growth from JS uses the owning engine\'s limits', () => {
  test('Memory.grow and Table.grow of an instance\'s memory and table stop at its engine\'s maxMemoryPages / maxTableSize', async () => {
    const s = await instantiateWat('(module (memory (export "m") 1) (table (export "t") 1 funcref))', { config: { limits: { maxMemoryPages: 5, maxTableSize: 10 } } });
    const m = s.exports.m as Memory, t = s.exports.t as Table;
    expect(m.grow(4)).toBe(1);
    expect(() => m.grow(1)).toThrow(RangeError);
    expect(t.grow(9)).toBe(1);
    expect(() => t.grow(1)).toThrow(RangeError);
    // a standalone table: the default limit until the first store imports it
    const standalone = new Table({ element: 'funcref', initial: 1 });
    const engine = new Engine({ limits: { maxTableSize: 3 } });
    new Store(engine).instantiate(engine.compile(await wat('(module (import "e" "t" (table 1 funcref)))')), { e: { t: standalone } });
    expect(standalone.grow(2)).toBe(1);
    expect(() => standalone.grow(1)).toThrow(RangeError);
  });
});

describe('an instance makes a function object only for a function it uses', () => {
  // A module of N functions: run (exported) calls the last one; one more sits in a table.
  const N = 3000;
  const text = `(module
    (table 1 funcref) (elem (i32.const 0) 5)
    (func (export "run") (param i32) (result i32) (call ${N - 1} (local.get 0)))
    ${'(func (param i32) (result i32) (local.get 0))\n'.repeat(N - 1)}
    (func (export "viaTable") (param i32) (result i32) (call_indirect (param i32) (result i32) (local.get 0) (i32.const 0))))`;
  /** The function indices whose function instance exists. */
  const made = (i: Instance) => internals(i).funcs.flatMap((f, k) => (f === undefined ? [] : [k]));

  test('instantiation makes the exported and table functions only; a call makes its callee', async () => {
    const engine = new Engine();
    const module = engine.compile(await wat(text));
    const store = new Store(engine);
    const inst = store.instantiate(module);
    expect(internals(inst).funcs.length).toBe(N + 1);
    expect(made(inst)).toEqual([0, 5, N]);
    expect((inst.exports.run as (x: number) => number)(7)).toBe(7);
    expect(made(inst)).toEqual([0, 5, N - 1, N]);
    expect((inst.exports.viaTable as (x: number) => number)(8)).toBe(8);
  });

  test('a snapshot keeps the unmade ones unmade and the restored instance runs', async () => {
    const engine = new Engine();
    const module = engine.compile(await wat(text));
    const store = new Store(engine);
    const inst = store.instantiate(module);
    const bytes = store.snapshot();
    const r = Store.restore(engine, [module], bytes);
    expect(made(r.instances[0])).toEqual([0, 5, N]);
    expect(Buffer.from(r.store.snapshot()).equals(Buffer.from(bytes))).toBe(true);
    expect((r.instances[0].exports.run as (x: number) => number)(9)).toBe(9);
    expect((inst.exports.run as (x: number) => number)(9)).toBe(9);
    expect(Buffer.from(r.store.snapshot()).equals(Buffer.from(store.snapshot()))).toBe(true);
  });
});
