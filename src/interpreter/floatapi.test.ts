/**
 * f32/f64 at the JS API boundary (features.floats on): parameters, results
 * and host-function values cross as numbers (ToWebAssemblyValue: ToNumber,
 * f32 rounded to nearest; a NaN enters wasm as the canonical NaN), globals
 * of float type hold their bits exactly, and float modules are refused
 * as today with floats off. Compared with Node's WebAssembly where the
 * behaviour is the JS API's.
 */
import { instantiateWat, thrown, wat } from './testutil';
import { Engine, Global, HostFunc, PolicyError, Store } from '../index';
import { CompileError } from '../errors';
import { invokeRaw } from './call';
import { internals } from './runtime';

const FLOATS = { features: { floats: true } };

const IDS = `(module
  (func (export "f64") (param f64) (result f64) (local.get 0))
  (func (export "f32") (param f32) (result f32) (local.get 0))
  (func (export "swap") (param f32 f64) (result f64 f32) (local.get 1) (local.get 0))
  (func (export "pick") (param f64 f64 i32) (result f64) (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "local") (result f64) (local f64) (local.get 0)))`;

const VALUES = [0, -0, 1, -1, 0.1, 1 / 3, 16777217, 2 ** 53 + 2, 5e-324, 1e-45, 3.4028235677973366e38, 1e300, Infinity, -Infinity, NaN, '2.5', true, null, undefined];

describe('float params and results', () => {
  test('cross as numbers, converted as by the native JS API', async () => {
    const { exports } = await instantiateWat(IDS, { config: FLOATS });
    const native = new WebAssembly.Instance(new WebAssembly.Module((await wat(IDS)) as Uint8Array<ArrayBuffer>)).exports as any;
    for (const v of VALUES) {
      expect([v, exports.f64(v)]).toEqual([v, native.f64(v)]);
      expect([v, exports.f32(v)]).toEqual([v, native.f32(v)]);
      expect(exports.swap(v, v)).toEqual(native.swap(v, v));
      expect(exports.pick(v, 7, 0)).toEqual(native.pick(v, 7, 0));
    }
    expect(Object.is(exports.f64(-0), -0)).toBe(true);
    expect(Object.is(exports.f32(-0), -0)).toBe(true);
    expect(exports.f32(0.1)).toBe(Math.fround(0.1));
    expect(exports.f32(16777217)).toBe(16777216); // ties to even
    expect(exports.local()).toBe(0);
    expect(Object.is(exports.local(), 0)).toBe(true);
  });

  test('a BigInt or a Symbol is a TypeError naming the argument', async () => {
    const { exports } = await instantiateWat(IDS, { config: FLOATS });
    const e = thrown(() => exports.f64(1n));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/argument 0 \(f64\)/);
    expect(() => exports.f32(Symbol('x'))).toThrow(TypeError);
  });

  test('host functions receive and return float numbers', async () => {
    const seen: unknown[] = [];
    const text = `(module
      (import "m" "h" (func $h (param f64 f32) (result f32 f64)))
      (func (export "call") (param f64 f32) (result f32 f64) (call $h (local.get 0) (local.get 1))))`;
    const { exports } = await instantiateWat(text, {
      config: FLOATS,
      imports: { m: { h: (a: number, b: number) => { seen.push(a, b); return [a, b]; } } },
    });
    expect(exports.call(0.1, 0.1)).toEqual([Math.fround(0.1), Math.fround(0.1)]);
    expect(seen).toEqual([0.1, Math.fround(0.1)]);
    const hf = new HostFunc({ params: ['f64'], results: ['f64'] }, (_c, x: number) => x * 2);
    const { exports: e2 } = await instantiateWat(`(module (import "m" "h" (func $h (param f64) (result f64)))
      (func (export "call") (param f64) (result f64) (call $h (local.get 0))))`, { config: FLOATS, imports: { m: { h: hf } } });
    expect(e2.call(1.25)).toBe(2.5);
  });
});

describe('float globals', () => {
  test('new Global({ value: f32 | f64 }) converts like ToWebAssemblyValue', () => {
    for (const v of VALUES) {
      for (const t of ['f32', 'f64'] as const) {
        const ours = new Global({ value: t, mutable: true }, v);
        const native = new WebAssembly.Global({ value: t, mutable: true }, v as number);
        expect([t, v, ours.value]).toEqual([t, v, native.value]);
        ours.value = v;
        native.value = v as number;
        expect([t, v, ours.valueOf()]).toEqual([t, v, native.valueOf()]);
      }
    }
    expect(new Global({ value: 'f64' }).value).toBe(0);
    expect(() => new Global({ value: 'f32' }, 1n)).toThrow(TypeError);
    expect(() => { new Global({ value: 'f64' }, 1).value = 2; }).toThrow(TypeError);
  });

  test('a NaN from JS is stored as the canonical NaN', () => {
    expect(internals(new Global({ value: 'f32' }, NaN)).cell[0]).toBe(0x7fc00000);
    const g = new Global({ value: 'f64' }, NaN);
    expect([internals(g).cell[0], internals(g).cell[1]]).toEqual([0, 0x7ff80000]);
  });

  test('module globals keep their constants bit for bit (NaN payloads included) and export as numbers', async () => {
    const text = `(module
      (global $a (export "a") f32 (f32.const nan:0x200001))
      (global $b (export "b") f64 (f64.const -nan:0x4000000000001))
      (global $c (export "c") (mut f64) (f64.const 2.5))
      (global $e (export "e") f32 (f32.const -0.1))
      (func (export "get") (result f64) (global.get $c))
      (func (export "set") (param f64) (global.set $c (local.get 0))))`;
    const { exports } = await instantiateWat(text, { config: FLOATS });
    expect(internals(exports.a as Global).cell[0]).toBe(0x7fa00001);
    expect([internals(exports.b as Global).cell[0], internals(exports.b as Global).cell[1]]).toEqual([1, 0xfff40000 | 0]);
    expect(exports.a.value).toBeNaN();
    expect(exports.e.value).toBe(Math.fround(-0.1));
    expect(exports.c.value).toBe(2.5);
    exports.set(-7.5);
    expect(exports.c.value).toBe(-7.5);
    exports.c.value = 1 / 3;
    expect(exports.get()).toBe(1 / 3);
  });

  test('imported float globals: a Global of the same type, or a Number for an immutable one', async () => {
    const text = `(module
      (import "m" "g" (global $g (mut f64)))
      (import "m" "k" (global $k f32))
      (import "m" "n" (global $n f64))
      (global (export "copy") f32 (global.get $k))
      (global (export "ncopy") f64 (global.get $n))
      (func (export "get") (result f64) (global.get $g))
      (func (export "k") (result f32) (global.get $k))
      (func (export "set") (param f64) (global.set $g (local.get 0))))`;
    const g = new Global({ value: 'f64', mutable: true }, 1.5);
    const n = new Global({ value: 'f64' }, 0);
    internals(n).cell[0] = 1; internals(n).cell[1] = 0xfff40000 | 0; // a NaN with a payload, as a module could export it
    const { exports } = await instantiateWat(text, { config: FLOATS, imports: { m: { g, k: 0.1, n } } });
    expect([internals(exports.ncopy as Global).cell[0], internals(exports.ncopy as Global).cell[1]]).toEqual([1, 0xfff40000 | 0]);
    expect(exports.get()).toBe(1.5);
    expect(exports.k()).toBe(Math.fround(0.1));
    expect(exports.copy.value).toBe(Math.fround(0.1));
    exports.set(-2);
    expect(g.value).toBe(-2);
    const engine = new Engine(FLOATS);
    const m = engine.compile(await wat(text));
    expect(() => new Store(engine).instantiate(m, { m: { g: new Global({ value: 'f32', mutable: true }), k: 1, n } })).toThrow(/global type mismatch/);
    expect(() => new Store(engine).instantiate(m, { m: { g, k: 1n, n } })).toThrow(/expected a Global or a Number/);
  });
});

describe('policy', () => {
  test('with floats off, float modules are refused with a PolicyError as before', async () => {
    const e = thrown(() => new Engine().compile(new Uint8Array(0)));
    expect(e).toBeInstanceOf(CompileError);
    const bytes = await wat(IDS);
    expect(thrown(() => new Engine().compile(bytes))).toBeInstanceOf(PolicyError);
  });

  test('with floats on, a float instruction in a function body compiles and runs', async () => {
    const bytes = await wat('(module (func (export "f") (param f64) (result f64) (f64.add (local.get 0) (local.get 0))))');
    expect(new Engine(FLOATS).validate(bytes)).toBe(true);
    const { exports } = await instantiateWat('(module (func (export "f") (param f64) (result f64) (f64.add (local.get 0) (local.get 0))))', { config: FLOATS });
    expect(exports.f(1.25)).toBe(2.5);
  });
});

describe('invokeRaw', () => {
  test('arguments and results as raw words: NaN payloads pass exactly, 32-bit results have a zero high word', async () => {
    const { exports } = await instantiateWat(`(module
      (func (export "id") (param f32 f64 i32 i64) (result f64 f32 i64 i32) (local.get 1) (local.get 0) (local.get 3) (local.get 2))
      (func (export "r") (param externref) (result i32) (i32.const 1)))`, { config: FLOATS });
    const out = invokeRaw(exports.id, [0x7fa00001, 77, 5, 0xfff40000 | 0, -1, 99, 7, 8]);
    expect(Array.from(out)).toEqual([5, 0xfff40000 | 0, 0x7fa00001, 0, 7, 8, -1, 0]);
    expect(() => invokeRaw(exports.r, [0, 0])).toThrow(/externref is not a number type/);
    expect(() => invokeRaw(exports.id, [1, 2])).toThrow(/expected 8 words/);
    expect(() => invokeRaw(() => 1, [])).toThrow(/not an exported function/);
  });
});
