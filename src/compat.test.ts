/**
 * detwasm/compat against the native WebAssembly JS API: the same programs,
 * the same answers and the same kinds of errors.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as compat from './compat.js';
import { WebAssembly as W, createWebAssembly } from './compat.js';
import { Engine, PolicyError, SnapshotError, Store, Trap } from './index.js';
import { internals } from './interpreter/runtime';
import { wat3 } from './validator/testutil.js';

const native = globalThis.WebAssembly;
const EXAMPLES = path.join(__dirname, '..', 'examples');
const example = (name: string) => new Uint8Array(fs.readFileSync(path.join(EXAMPLES, name)));

let wabt: { parseWat(f: string, t: Uint8Array, features: object): { toBinary(o: object): { buffer: Uint8Array }; destroy(): void } };
beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  wabt = await require('wabt')();
});
function wat(text: string): Uint8Array {
  const m = wabt.parseWat('t.wat', new Uint8Array(Buffer.from(text, 'utf8')), { multi_value: true, bulk_memory: true, reference_types: true });
  try {
    return m.toBinary({}).buffer;
  } finally {
    m.destroy();
  }
}

/** Either API: the tests use only what both have in common. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Api = any;

/** Runs the same code against both APIs. */
async function both<T>(f: (api: Api) => Promise<T> | T): Promise<[T, T]> {
  return [await f(native), await f(W)];
}

describe('same results as the native API', () => {
  test('instantiate(bytes) → {module, instance}; exports compute the same values', async () => {
    const [a, b] = await both(async (api) => {
      const { module, instance } = await api.instantiate(example('hash.wasm'));
      const e = instance.exports as Record<string, (...args: number[]) => unknown>;
      return [module instanceof api.Module, instance instanceof api.Instance, e.run(4096), e.run(65536), e.fnv1a32(0, 100)];
    });
    expect(b).toEqual(a);
    expect(a).toEqual([true, true, 4905232055466566377n, -2479957013007382212n, expect.any(Number)]);
  });

  test('instantiate(Module) → Instance; new Module/new Instance; compile', async () => {
    const [a, b] = await both(async (api) => {
      const module = await api.compile(example('fib.wasm'));
      const viaPromise = await api.instantiate(module);
      const direct = new api.Instance(new api.Module(example('fib.wasm')));
      return [
        viaPromise instanceof api.Instance,
        (viaPromise.exports.fib as (n: number) => number)(15),
        (direct.exports.fib_i64 as (n: number) => bigint)(90),
      ];
    });
    expect(b).toEqual(a);
  });

  test('Module.imports / Module.exports / customSections', async () => {
    const withCustom = wat('(module (func (export "f")) (memory (export "m") 1))');
    // A custom section "meta" with payload 1 2 3, appended by hand.
    const custom = new Uint8Array([...withCustom, 0, 8, 4, 0x6d, 0x65, 0x74, 0x61, 1, 2, 3]);
    const [a, b] = await both((api) => {
      const host = new api.Module(example('host.wasm'));
      const m = new api.Module(custom);
      return [
        api.Module.imports(host),
        api.Module.exports(host),
        api.Module.customSections(m, 'meta').map((s: ArrayBuffer) => Array.from(new Uint8Array(s))),
        api.Module.customSections(m, 'other').length,
      ];
    });
    expect(b).toEqual(a);
    expect(a[0]).toEqual([
      { module: 'env', name: 'log', kind: 'function' },
      { module: 'env', name: 'charge', kind: 'function' },
      { module: 'env', name: 'random', kind: 'function' },
    ]);
    expect(a[2]).toEqual([[1, 2, 3]]);
  });

  test('validate', async () => {
    const [a, b] = await both((api) => [
      api.validate(example('fib.wasm')),
      api.validate(new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0])),
      api.validate(wat('(module (func (result i32) (i64.const 0)))')),
      api.validate(example('fib.wasm').buffer),
    ]);
    expect(b).toEqual(a);
    expect(a).toEqual([true, false, false, true]);
  });

  test('host functions, imported memory and globals, i64 across the boundary', async () => {
    const bytes = wat(`(module
      (import "env" "add64" (func $add64 (param i64 i64) (result i64)))
      (import "env" "mem" (memory 1))
      (import "env" "g" (global $g (mut i32)))
      (func (export "f") (param i64) (result i64)
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (i32.store (i32.const 8) (i32.const 0x01020304))
        (call $add64 (local.get 0) (i64.const 1))))`);
    const [a, b] = await both(async (api) => {
      const mem = new api.Memory({ initial: 1 });
      const g = new api.Global({ value: 'i32', mutable: true }, 41);
      const seen: unknown[] = [];
      const { instance } = await api.instantiate(bytes, {
        env: { add64: (x: bigint, y: bigint) => { seen.push(typeof x, typeof y); return x + y; }, mem, g },
      });
      const r = (instance.exports.f as (x: bigint) => bigint)(-(1n << 63n));
      return [r, seen, g.value, new Uint8Array(mem.buffer, 8, 4).join(',')];
    });
    expect(b).toEqual(a);
    expect(a[0]).toBe(-(1n << 63n) + 1n);
  });

  test('exported memory, table, global and function', async () => {
    const bytes = wat(`(module (memory (export "m") 1) (table (export "t") 2 funcref) (elem (i32.const 0) 0)
      (global (export "g") (mut i32) (i32.const 7)) (global (export "c") i64 (i64.const 9))
      (func (export "f") (param i32 i64) (result i32) (local.get 0)))`);
    const [a, b] = await both(async (api) => {
      const e = (await api.instantiate(bytes)).instance.exports;
      let immutable = 'no error';
      try {
        e.c.value = 1n;
      } catch (x) {
        immutable = (x as Error).constructor.name;
      }
      e.g.value = 8;
      return [
        e.m instanceof api.Memory, e.t instanceof api.Table, e.g instanceof api.Global,
        e.m.buffer.byteLength, e.m.grow(1), e.m.buffer.byteLength,
        e.t.length, e.t.get(0) === e.f, e.t.get(1), e.f.length, e.f(3, 4n),
        e.g.value, e.c.value, immutable,
      ];
    });
    expect(b).toEqual(a);
  });

  // JS API "Memory objects": the buffer is the same object until a grow, and every
  // successful grow (grow(0) and wasm's memory.grow included) detaches it.
  test('memory.buffer is detached by every grow, as natively: Memory.grow, grow(0), memory.grow', async () => {
    const bytes = wat(`(module (memory (export "m") 1 4)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
      (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0))))`);
    const [a, b] = await both(async (api) => {
      const e = (await api.instantiate(bytes)).instance.exports;
      const out: unknown[] = [];
      const b0 = e.m.buffer;
      out.push(b0 === e.m.buffer, b0.byteLength);
      new Uint8Array(b0)[5] = 42;
      out.push(e.m.grow(0), b0.byteLength, e.m.buffer === b0, e.m.buffer.byteLength, new Uint8Array(e.m.buffer)[5]);
      const b1 = e.m.buffer;
      out.push(e.grow(1), b1.byteLength, e.m.buffer.byteLength, new Uint8Array(e.m.buffer)[5], e.load(5));
      const b2 = e.m.buffer;
      out.push(e.grow(0), b2.byteLength, e.m.buffer.byteLength);
      const b3 = e.m.buffer;
      out.push(e.grow(100), b3.byteLength, e.m.buffer === b3); // a failed grow (-1) detaches nothing
      try {
        e.m.grow(100);
      } catch (x) {
        out.push((x as Error).constructor.name);
      }
      out.push(b3.byteLength, e.m.buffer === b3);
      // wasm writes after the grows are seen through the current buffer, and the other way round
      e.store(65536 + 3, 9);
      new Uint8Array(e.m.buffer)[65536 + 4] = 10;
      out.push(new Uint8Array(e.m.buffer)[65536 + 3], e.load(65536 + 4), e.m.grow(1), new Uint8Array(e.m.buffer)[65536 + 3]);
      return out;
    });
    expect(b).toEqual(a);
    expect(a.slice(0, 2)).toEqual([true, 65536]);
  });

  test('a host function grows the memory (from JS, or through wasm) in the middle of a wasm call', async () => {
    const bytes = wat(`(module (import "env" "h" (func $h (param i32)))
      (memory (export "m") 1 8)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "run") (param i32) (result i32)
        (i32.store8 (i32.const 100) (i32.const 1))
        (call $h (local.get 0))
        ;; the memory is bigger now: write and read past the old end
        (i32.store8 (i32.const 70000) (i32.const 2))
        (i32.add (i32.load8_u (i32.const 100)) (i32.load8_u (i32.const 70000)))))`);
    const [a, b] = await both(async (api) => {
      let exports: Api;
      let before: ArrayBuffer | undefined;
      const h = (how: number) => {
        before = exports.m.buffer;
        if (how === 0) exports.m.grow(1);
        else exports.grow(1);
      };
      exports = (await api.instantiate(bytes, { env: { h } })).instance.exports;
      const out: unknown[] = [];
      for (const how of [0, 1]) {
        out.push(exports.run(how), before!.byteLength, exports.m.buffer.byteLength, new Uint8Array(exports.m.buffer)[70000]);
      }
      return out;
    });
    expect(b).toEqual(a);
    expect(a).toEqual([3, 0, 131072, 2, 3, 0, 196608, 2]);
  });

  test('JS API details: [EnforceRange] sizes, exported functions are not constructors, toStringTag', async () => {
    const bytes = wat('(module (func (export "f") (result i32) i32.const 1))');
    const [a, b] = await both(async (api) => {
      const r = (f: () => unknown) => {
        try {
          return f();
        } catch (e) {
          return (e as Error).constructor.name;
        }
      };
      const f = (await api.instantiate(bytes)).instance.exports.f;
      return [
        r(() => new api.Memory({ initial: 1.5 }).buffer.byteLength),
        r(() => new api.Memory({ initial: 1 }).grow(1.9)),
        r(() => new api.Memory({ initial: NaN })),
        r(() => new api.Memory({ initial: -1 })),
        r(() => new api.Table({ element: 'anyfunc', initial: 2.7 }).length),
        r(() => new f()),
        'prototype' in f,
        Object.prototype.toString.call(new api.Memory({ initial: 0 })),
        Object.prototype.toString.call(new api.Table({ element: 'anyfunc', initial: 0 })),
        Object.prototype.toString.call(new api.Global({ value: 'i32' })),
      ];
    });
    expect(b).toEqual(a);
    expect(a.slice(0, 6)).toEqual([65536, 1, 'TypeError', 'TypeError', 2, 'TypeError']);
  });

  test('a re-exported import is a new exported function named by its index', async () => {
    const bytes = wat(`(module (import "m" "a" (func $a)) (import "m" "h" (func $h (result i32)))
      (export "h" (func $h)) (export "a" (func $a)))`);
    const [a, b] = await both(async (api) => {
      const h = () => 5;
      const e = (await api.instantiate(bytes, { m: { h, a() {} } })).instance.exports;
      return [e.h.name, e.a.name, e.h.length, e.h === h, e.h()];
    });
    expect(b).toEqual(a);
    expect(a).toEqual(['1', '0', 0, false, 5]);
  });

  test('exports object: frozen, no prototype', async () => {
    const [a, b] = await both(async (api) => {
      const { instance } = await api.instantiate(example('fib.wasm'));
      return [Object.isFrozen(instance.exports), Object.getPrototypeOf(instance.exports), Object.keys(instance.exports)];
    });
    expect(b).toEqual(a);
  });

  test('one instance imports another instance’s exported function', async () => {
    const [a, b] = await both(async (api) => {
      const { instance: lib } = await api.instantiate(example('fib.wasm'));
      const user = wat('(module (import "lib" "fib" (func $fib (param i32) (result i32))) (func (export "twice") (param i32) (result i32) (i32.mul (call $fib (local.get 0)) (i32.const 2))))');
      const { instance } = await api.instantiate(user, { lib: lib.exports as Record<string, unknown> });
      return (instance.exports.twice as (n: number) => number)(10);
    });
    expect(b).toEqual(a);
    expect(a).toBe(110);
  });
});

describe('same kinds of errors as the native API', () => {
  async function errorKind(api: Api, f: () => unknown): Promise<string> {
    try {
      await f();
      return 'no error';
    } catch (e) {
      for (const k of ['CompileError', 'LinkError', 'RuntimeError'] as const) if (e instanceof api[k]) return k;
      if (e instanceof TypeError) return 'TypeError';
      return `other: ${String(e)}`;
    }
  }

  test.each([
    ['malformed', (api: Api) => api.compile(new Uint8Array([1, 2, 3, 4]))],
    ['invalid', (api: Api) => new api.Module(wat('(module (func (result i32)))'))],
    ['missing import', (api: Api) => api.instantiate(example('host.wasm'), { env: {} })],
    ['missing import object', (api: Api) => api.instantiate(example('host.wasm'))],
    ['import module not an object', (api: Api) => api.instantiate(example('host.wasm'), { env: 5 } as never)],
    ['import is not a function', (api: Api) => api.instantiate(example('host.wasm'), { env: { log: 1, charge: () => 0, random: () => 0n } })],
    ['imported memory too small', (api: Api) => api.instantiate(wat('(module (import "env" "m" (memory 2)))'), { env: { m: new api.Memory({ initial: 1 }) } })],
    ['imported global of the wrong type', (api: Api) => api.instantiate(wat('(module (import "env" "g" (global i64)))'), { env: { g: new api.Global({ value: 'i32' }, 1) } })],
    ['imported global mutability mismatch', (api: Api) => api.instantiate(wat('(module (import "env" "g" (global (mut i32))))'), { env: { g: new api.Global({ value: 'i32' }, 1) } })],
    ['imported function of the wrong type', async (api: Api) => {
      const { instance } = await api.instantiate(example('fib.wasm'));
      return api.instantiate(wat('(module (import "env" "f" (func (param i64))))'), { env: { f: instance.exports.fib } });
    }],
    ['Number for an i64 parameter', async (api: Api) => {
      const { instance } = await api.instantiate(wat('(module (func (export "f") (param i64)))'));
      return instance.exports.f(1);
    }],
    ['not a buffer', (api: Api) => api.compile('wasm' as never)],
    ['Module.imports of a non-module', (api: Api) => api.Module.imports({} as never)],
    ['trap', async (api: Api) => {
      const { instance } = await api.instantiate(example('hash.wasm'));
      return (instance.exports.run as (n: number) => bigint)(1 << 20);
    }],
    ['trap in start', (api: Api) => api.instantiate(wat('(module (func $s unreachable) (start $s))'))],
  ])('%s', async (_name, f) => {
    const [a, b] = await both((api) => errorKind(api, () => f(api)));
    expect(b).toBe(a);
    expect(a).not.toBe('no error');
  });

  test('RuntimeError is detwasm’s Trap with a stable code', async () => {
    const { instance } = await W.instantiate(example('hash.wasm'));
    try {
      (instance.exports.run as (n: number) => bigint)(1 << 20);
      throw new Error('no trap');
    } catch (e) {
      expect(e).toBeInstanceOf(W.RuntimeError);
      expect(e).toBeInstanceOf(Trap);
      expect((e as Trap).code).toBe('memory_out_of_bounds');
    }
  });
});

describe('every constructor of the facade behaves as the native one', () => {
  /** What an outcome looks like from outside: its kind, and for errors the fields the native constructors set. */
  function outcome(api: Api, f: () => unknown): unknown {
    let v: unknown;
    try {
      v = f();
    } catch (e) {
      const kind = ['CompileError', 'LinkError', 'RuntimeError'].find((k) => e instanceof api[k]) ?? (e as Error).constructor.name;
      return { throws: kind };
    }
    if (v instanceof Error) {
      return {
        error: ['CompileError', 'LinkError', 'RuntimeError'].find((k) => v instanceof api[k]),
        isError: v instanceof Error,
        name: v.name,
        message: v.message,
        ownMessage: Object.prototype.hasOwnProperty.call(v, 'message'),
        cause: (v as { cause?: unknown }).cause,
        ownCause: Object.prototype.hasOwnProperty.call(v, 'cause'),
        string: String(v),
        tag: Object.prototype.toString.call(v),
      };
    }
    for (const k of ['Module', 'Instance', 'Memory', 'Table', 'Global'] as const) {
      if (v instanceof api[k]) {
        const o = v as Record<string, any>;
        const detail = k === 'Memory' ? o.buffer.byteLength : k === 'Table' ? o.length : k === 'Global' ? String(o.value) : k === 'Instance' ? Object.keys(o.exports) : api.Module.exports(o);
        return { instance: k, detail, tag: Object.prototype.toString.call(v) };
      }
    }
    return { other: String(v) };
  }

  const ADD = () => wat('(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))');
  const cases: [string, (api: Api) => unknown][] = [];
  for (const k of ['CompileError', 'LinkError', 'RuntimeError']) {
    cases.push(
      [`new ${k}()`, (api) => new api[k]()],
      [`new ${k}(msg)`, (api) => new api[k]('Aborted(boom)')],
      [`new ${k}(number)`, (api) => new api[k](42)],
      [`new ${k}(msg, { cause })`, (api) => new api[k]('m', { cause: 'why' })],
      [`new ${k}(undefined, { cause: undefined })`, (api) => new api[k](undefined, { cause: undefined })],
      [`${k}(msg) without new`, (api) => api[k]('called')],
      [`a subclass of ${k}`, (api) => {
        class Sub extends api[k] {}
        const e = new (Sub as unknown as new (m: string) => Error)('sub');
        return e instanceof Sub ? e : 'not a Sub';
      }],
    );
  }
  cases.push(
    ['new Module(bytes)', (api) => new api.Module(ADD())],
    ['Module(bytes) without new', (api) => api.Module(ADD())],
    ['new Module() without bytes', (api) => new api.Module()],
    ['new Module(invalid bytes)', (api) => new api.Module(new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0]))],
    ['new Instance(module)', (api) => new api.Instance(new api.Module(ADD()))],
    ['Instance(module) without new', (api) => api.Instance(new api.Module(ADD()))],
    ['new Instance(not a module)', (api) => new api.Instance({})],
    ['new Memory({ initial, maximum })', (api) => new api.Memory({ initial: 1, maximum: 2 })],
    ['new Memory with an unknown key (ignored, as a WebIDL dictionary)', (api) => new api.Memory({ initial: 1, maxium: 2 })],
    ['Memory() without new', (api) => api.Memory({ initial: 1 })],
    ['new Memory() without descriptor', (api) => new api.Memory()],
    ['new Memory(maximum < initial)', (api) => new api.Memory({ initial: 2, maximum: 1 })],
    ['new Table({ element, initial })', (api) => new api.Table({ element: 'anyfunc', initial: 3 })],
    ['new Table with an unknown key', (api) => new api.Table({ element: 'externref', initial: 2, size: 9 })],
    ['new Table(bad element)', (api) => new api.Table({ element: 'i32', initial: 1 })],
    ['Table() without new', (api) => api.Table({ element: 'anyfunc', initial: 1 })],
    ['new Global({ value: i32 }, 7)', (api) => new api.Global({ value: 'i32', mutable: true }, 7)],
    ['new Global with an unknown key', (api) => new api.Global({ value: 'i64', mutible: true }, 5n)],
    ['new Global(i64, Number)', (api) => new api.Global({ value: 'i64' }, 1)],
    ['Global() without new', (api) => api.Global({ value: 'i32' }, 1)],
  );

  test.each(cases)('%s', (_name, f) => {
    expect(outcome(W, () => f(W))).toEqual(outcome(native, () => f(native)));
  });

  test('name and length of every constructor', () => {
    for (const k of ['Module', 'Instance', 'Memory', 'Table', 'Global', 'CompileError', 'LinkError', 'RuntimeError'] as const) {
      expect({ k, name: W[k].name, length: W[k].length }).toEqual({ k, name: native[k].name, length: native[k].length });
    }
  });

  test('a RuntimeError made by JS and thrown through wasm (Emscripten abort) arrives unchanged', async () => {
    const bytes = wat('(module (import "env" "abort" (func $abort)) (func $main (export "main") (call $abort)))');
    const [a, b] = await both(async (api) => {
      const made = new api.RuntimeError('Aborted(boom)');
      const { instance } = await api.instantiate(bytes, { env: { abort: () => { throw made; } } });
      try {
        instance.exports.main();
        return 'no error';
      } catch (e) {
        return { same: e === made, message: (e as Error).message, string: String(e), own: Object.keys(e as object) };
      }
    });
    expect(b).toEqual(a);
    expect(a).toMatchObject({ same: true, message: 'Aborted(boom)' });
    const made = new W.RuntimeError();
    const { instance } = await W.instantiate(bytes, { env: { abort: () => { throw made; } } });
    expect(() => (instance.exports.main as () => void)()).toThrow(made);
    // The location is still recorded (detwasm's extension), just not in the message.
    expect([made.message, made.funcIndex, made.backtrace.length]).toEqual(['', 1, 1]);
  });

  test('errors thrown by detwasm are instances of the facade classes, and a made RuntimeError keeps its code', async () => {
    await expect(W.compile(new Uint8Array([1, 2, 3]))).rejects.toBeInstanceOf(W.CompileError);
    await expect(W.instantiate(example('host.wasm'), { env: {} })).rejects.toBeInstanceOf(W.LinkError);
    const e = new W.RuntimeError('Aborted(x)');
    expect([e instanceof Trap, e.code, e.reason, e.message]).toEqual([true, 'host', 'Aborted(x)', 'Aborted(x)']);
  });
});

describe('detwasm specifics', () => {
  test('an import that returns a Promise is a RuntimeError (Trap async_host) naming it, not a silent 0', async () => {
    // (module (import "env" "get" (func $g (result i32))) (func (export "f") (result i32) (call $g)))
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 2, 11, 1, 3, 101, 110, 118, 3, 103, 101, 116, 0, 0,
      3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 1, 10, 6, 1, 4, 0, 16, 0, 11]);
    const { instance } = await W.instantiate(bytes, { env: { get: async () => 7 } });
    let e: unknown;
    try { (instance.exports.f as () => number)(); } catch (x) { e = x; }
    expect(e).toBeInstanceOf(W.RuntimeError);
    expect((e as Trap).code).toBe('async_host');
    expect((e as Error).message).toMatch(/env\.get returned a Promise/);
  });

  test('a shared memory is a TypeError (threads are rejected by the determinism policy)', () => {
    expect(() => new W.Memory({ initial: 1, maximum: 1, shared: true } as never)).toThrow(/shared memories are not supported/);
  });


  const FLOATS = '(module (func (export "f") (param f64 f32) (result f32 f64) (local.get 1) (local.get 0)))';

  test('floats are on by default: f32/f64 params and results cross as numbers, as natively', async () => {
    const bytes = wat(FLOATS);
    type Api = { validate(b: Uint8Array<ArrayBuffer>): boolean; instantiate(b: Uint8Array<ArrayBuffer>): Promise<{ instance: { exports: Record<string, unknown> } }> };
    for (const api of [W as unknown as Api, native as unknown as Api]) {
      expect(api.validate(bytes as Uint8Array<ArrayBuffer>)).toBe(true);
      const { instance } = await api.instantiate(bytes as Uint8Array<ArrayBuffer>);
      const f = instance.exports.f as (a: unknown, b: unknown) => [number, number];
      expect(f(0.1, 0.1)).toEqual([Math.fround(0.1), 0.1]);
      expect(f(-0, NaN).map((x) => Object.is(x, -0) || Number.isNaN(x))).toEqual([true, true]);
      expect(() => f(1n, 1)).toThrow(TypeError);
    }
  });

  test('a namespace whose config switches floats off rejects float modules with a PolicyError', async () => {
    const off = createWebAssembly({ config: { features: { floats: false } } });
    const bytes = wat(FLOATS);
    expect(off.validate(bytes)).toBe(false);
    await expect(off.compile(bytes)).rejects.toBeInstanceOf(off.CompileError);
    await expect(off.compile(bytes)).rejects.toBeInstanceOf(PolicyError);
  });

  test('an exception thrown by an import passes through wasm unchanged, as natively', async () => {
    const boom = new RangeError('boom');
    const bytes = wat('(module (import "env" "f" (func)) (func (export "g") (call 0)))');
    type Instantiate = (b: Uint8Array<ArrayBuffer>, i: object) => Promise<{ instance: { exports: Record<string, unknown> } }>;
    for (const api of [W, globalThis.WebAssembly] as const) {
      const { instance } = await (api.instantiate as Instantiate)(bytes as Uint8Array<ArrayBuffer>, { env: { f: () => { throw boom; } } });
      let caught: unknown;
      try {
        (instance.exports.g as () => void)();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBe(boom);
    }
  });

  test('the module keeps a copy of the bytes', async () => {
    const bytes = wat('(module (memory (export "m") 1) (data (i32.const 0) "\\2a"))');
    const module = new W.Module(bytes);
    bytes.fill(0);
    const instance = new W.Instance(module);
    expect(new Uint8Array((instance.exports.m as { buffer: ArrayBuffer }).buffer)[0]).toBe(42);
  });

  test('createWebAssembly({ gas }) meters; the default namespace does not', async () => {
    const metered = createWebAssembly({ gas: 1_000_000 });
    const { instance } = await metered.instantiate(example('fib.wasm'));
    expect((instance.exports.fib as (n: number) => number)(10)).toBe(55);
    const used = BigInt(metered.store.gasUsed);
    expect(used).toBeGreaterThan(0n);
    const small = createWebAssembly({ gas: 100 });
    const { instance: i2 } = await small.instantiate(example('fib.wasm'));
    expect(() => (i2.exports.fib as (n: number) => number)(20)).toThrow(expect.objectContaining({ code: 'out_of_gas' }));
    const { instance: i3 } = await W.instantiate(example('fib.wasm'));
    (i3.exports.fib as (n: number) => number)(10);
    expect(BigInt(W.store.gasUsed)).toBe(0n);
  });

  test('streaming variants accept a Response-like object', async () => {
    const bytes = example('fib.wasm');
    const response = { ok: true, status: 200, arrayBuffer: async () => bytes.slice().buffer };
    const { instance } = await W.instantiateStreaming(Promise.resolve(response));
    expect((instance.exports.fib as (n: number) => number)(12)).toBe(144);
    expect(await W.compileStreaming(response)).toBeInstanceOf(W.Module);
    await expect(W.compileStreaming({ ok: false, status: 404, arrayBuffer: async () => new ArrayBuffer(0) })).rejects.toThrow(TypeError);
  });

  test('named exports are the namespace members', () => {
    expect(compat.Module).toBe(W.Module);
    expect(compat.Instance).toBe(W.Instance);
    expect(compat.instantiate).toBe(W.instantiate);
    expect(compat.RuntimeError).toBe(W.RuntimeError);
    expect(compat.Memory).toBe(W.Memory);
    expect(compat.default).toBe(W);
    expect(Object.prototype.toString.call(W)).toBe('[object WebAssembly]');
  });
});

describe('the default store does not keep its instances (StoreState.recordsInstances)', () => {
  test('instances made through compat are not retained by the store, and snapshotting it is SnapshotError unsupported, saying why', async () => {
    const ns = createWebAssembly();
    const bytes = wat('(module (memory (export "m") 1) (func (export "f") (result i32) (i32.const 7)))');
    for (let i = 0; i < 50; i++) {
      const { instance } = await ns.instantiate(bytes);
      expect((instance.exports as { f(): number }).f()).toBe(7);
      new ns.Instance(new ns.Module(bytes));
    }
    expect(internals(ns.store).instances.length).toBe(0);
    expect(internals(W.store).instances.length).toBe(0);
    let err: unknown;
    try {
      ns.store.snapshot();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SnapshotError);
    expect((err as SnapshotError).code).toBe('unsupported');
    expect((err as SnapshotError).message).toMatch(/does not keep its instances.*detwasm\/compat/);
  });
  test('a store given to createWebAssembly keeps its instances and can be snapshotted', async () => {
    const engine = new Engine({ features: { floats: true } });
    const store = new Store(engine);
    const ns = createWebAssembly({ store });
    await ns.instantiate(wat('(module (func (export "f") (result i32) (i32.const 7)))'));
    expect(internals(store).instances.length).toBe(1);
    expect(store.snapshot()).toBeInstanceOf(Uint8Array);
  });
});

describe('WebAssembly 3.0 JS API (memory64 / table64 address types, JSTag, Tag.type)', () => {
  // What Chromium 153 (V8) answers for the same calls (recorded: this Node's V8 has no memory64 JS API).
  test("address 'i64': bigint sizes; a number there is a TypeError; unknown descriptor keys still ignored", () => {
    const m = new W.Memory({ address: 'i64', initial: 1n, maximum: 3n, other: 1 } as any);
    expect([m.buffer.byteLength, m.grow(1n)]).toEqual([65536, 1n]);
    const t = new W.Table({ address: 'i64', element: 'anyfunc', initial: 2n } as any);
    expect([t.length, t.grow(1n), t.get(0n)]).toEqual([2n, 2n, null]);
    const kind = (f: () => unknown) => { try { f(); return 'none'; } catch (e) { return (e as Error).constructor.name; } };
    expect([
      kind(() => m.grow(1)),
      kind(() => new W.Memory({ address: 'i64', initial: 1 } as any)),
      kind(() => new W.Memory({ address: 'i32', initial: 1n } as any)),
      kind(() => new W.Memory({ address: 'x', initial: 1 } as any)),
      kind(() => new W.Memory({ address: 'i64', initial: -1n } as any)),
      kind(() => new W.Memory({ address: 'i64', initial: 1n << 64n } as any)),
      kind(() => new W.Memory({ address: 'i64', initial: 1n << 40n } as any)),
      kind(() => new W.Memory({ address: 'i64', initial: 2n, maximum: 1n } as any)),
      kind(() => t.get(0)),
      kind(() => t.get(5n)),
      kind(() => t.set(1, null)),
      kind(() => t.grow(1)),
    ]).toEqual(['TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError', 'RangeError', 'RangeError',
      'TypeError', 'RangeError', 'TypeError', 'TypeError']);
  });

  test('JSTag: a JS exception from an import is caught by catch_all and catch $jstag, and reaches JS as itself', async () => {
    const api = createWebAssembly({ config: { features: { preset: '3.0' } } });
    expect(api.JSTag).toBe(compat.JSTag);
    expect(api.JSTag).toBeInstanceOf(api.Tag);
    expect(api.JSTag.type()).toEqual({ parameters: ['externref'] });
    expect(() => new api.Exception(api.JSTag, [1])).toThrow(TypeError);
    const boom = new Error('boom');
    const { instance } = await api.instantiate(wat3([`(module
      (import "js" "tag" (tag $js (param externref)))
      (import "env" "h" (func $h))
      (func (export "by_tag") (result externref)
        (block $c (result externref) (try_table (catch $js $c) (call $h)) (ref.null extern)))
      (func (export "uncaught") (call $h)))`])[0], { js: { tag: api.JSTag }, env: { h: () => { throw boom; } } });
    const x = instance.exports as any;
    expect(x.by_tag()).toBe(boom);
    expect(() => x.uncaught()).toThrow(boom);
  });
});
