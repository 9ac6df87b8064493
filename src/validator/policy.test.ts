/**
 * The determinism policy: every use of f32/f64, v128/SIMD, shared memory and
 * atomics is rejected with a PolicyError naming the feature. With `floats` on,
 * float modules validate (deterministic floats, src/interpreter/isa.ts); with
 * SIMD or threads on, a module gets CompileError('unsupported').
 */
import { CompileError, InvalidError, PolicyError } from '../errors.js';
import { errorOf, validateWat } from './testutil.js';

const floatCases: Array<[string, string]> = [
  ['f32 parameter', '(module (func (param f32)))'],
  ['f64 parameter', '(module (func (param f64)))'],
  ['f32 result', '(module (func (result f32) (unreachable)))'],
  ['f64 result of an imported function', '(module (import "m" "f" (func (result f64))))'],
  ['unused f32 type', '(module (type (func (param f32))))'],
  ['f32 local', '(module (func (local f32)))'],
  ['f64 local', '(module (func (local i32 f64)))'],
  ['f32 global', '(module (global f32 (f32.const 0)))'],
  ['f64 mutable global', '(module (global (mut f64) (f64.const 1)))'],
  ['imported f32 global', '(module (import "m" "g" (global f32)))'],
  ['f32 block type', '(module (func (block (result f32) (unreachable)) (drop)))'],
  ['f64 if type', '(module (func (if (result f64) (i32.const 0) (then (unreachable)) (else (unreachable))) (drop)))'],
  ['f32 select type', '(module (func (param i32) (drop (select (result f32) (unreachable) (unreachable) (local.get 0)))))'],
  ['f32.const', '(module (func (drop (f32.const 1.5))))'],
  ['f64.add', '(module (func (result i64) (i64.reinterpret_f64 (f64.add (f64.reinterpret_i64 (i64.const 1)) (f64.reinterpret_i64 (i64.const 2))))))'],
  ['i32.trunc_f32_s', '(module (func (param i32) (result i32) (i32.trunc_f32_s (f32.reinterpret_i32 (local.get 0)))))'],
  ['f32.load', '(module (memory 1) (func (drop (f32.load (i32.const 0)))))'],
  ['f64.store', '(module (memory 1) (func (f64.store (i32.const 0) (f64.const 0))))'],
  ['i32.trunc_sat_f64_u', '(module (func (param i64) (result i32) (i32.trunc_sat_f64_u (f64.reinterpret_i64 (local.get 0)))))'],
];

describe('floats', () => {
  test.each(floatCases)('%s is rejected (policy floats)', async (_name, text) => {
    // a module whose only fault is using floats gets the policy error
    const e = await errorOf(text);
    expect(e).toBeInstanceOf(PolicyError);
    expect((e as PolicyError).feature).toBe('floats');
    expect((e as PolicyError).code).toBe('policy');
  });

  test.each(floatCases)('%s validates with floats: true', async (_name, text) => {
    await expect(validateWat(text, { features: { floats: true } })).resolves.toBeDefined();
  });

  test('with floats: true, an invalid float module is still invalid', async () => {
    const e = await errorOf('(module (func (result i32) (f32.const 0)))', { features: { floats: true } });
    expect(e).toBeInstanceOf(InvalidError);
  });

  test('f64.const in a global initializer is rejected as invalid (i64.reinterpret_f64 is not constant)', async () => {
    const e = await errorOf('(module (global i64 (i64.reinterpret_f64 (f64.const 0))))');
    expect(e).toBeInstanceOf(InvalidError);
  });

  test('the error names the function and offset of the first float use', async () => {
    const e = (await errorOf('(module (func) (func (drop (i32.const 0)) (drop (f64.const 1))))')) as PolicyError;
    expect(e.funcIndex).toBe(1);
    expect(e.offset).toBeGreaterThan(0);
    expect(e.message).toMatch(/f64\.const.*function 1, offset 0x/);
  });

  test('the error names the first float instruction, not a later one', async () => {
    const ops = '(f64.add (f64.reinterpret_i64 (i64.const 1)) (f64.reinterpret_i64 (i64.const 2)))';
    const arith = (await errorOf(`(module (memory 1) (func (drop ${ops}) (drop (f32.load (i32.const 0)))))`)) as PolicyError;
    expect(arith.reason).toBe('float instruction 0xbf rejected by the determinism policy (floats)');
    const load = (await errorOf(`(module (memory 1) (func (drop (f32.load (i32.const 0))) (drop ${ops})))`)) as PolicyError;
    expect(load.reason).toBe('float load 0x2a rejected by the determinism policy (floats)');
    const store = (await errorOf(`(module (memory 1) (func (f64.store (i32.const 0) ${ops})))`)) as PolicyError;
    expect(store.reason).toBe('float instruction 0xbf rejected by the determinism policy (floats)');
  });

  test('a float type is reported at its first use only', async () => {
    const e = (await errorOf('(module (func (local f64) (block (result f32) (unreachable)) (drop)))')) as PolicyError;
    expect(e.reason).toBe('f64 local rejected by the determinism policy (floats)');
  });

  test('a module that uses floats and is also invalid reports the invalidity', async () => {
    const e = await errorOf('(module (func (result i32) (f32.const 0)))');
    expect(e).toBeInstanceOf(InvalidError);
    expect((e as InvalidError).reason).toMatch(/^type mismatch/);
  });

  test('integer-only modules are not affected by floats: true', async () => {
    await expect(validateWat('(module (func (result i32) (i32.const 1)))', { features: { floats: true } })).resolves.toBeDefined();
  });
});

const simdCases: Array<[string, string]> = [
  ['v128 parameter', '(module (func (param v128)))'],
  ['v128 local', '(module (func (local v128)))'],
  ['v128 global', '(module (global v128 (v128.const i64x2 0 0)))'],
  ['v128 block type', '(module (func (block (result v128) (unreachable)) (drop)))'],
  ['SIMD instruction without v128 in any signature', '(module (func (result i32) (i8x16.extract_lane_s 0 (i8x16.splat (i32.const 1)))))'],
  ['v128.load', '(module (memory 1) (func (drop (v128.load (i32.const 0)))))'],
];

const threadCases: Array<[string, string]> = [
  ['shared memory', '(module (memory 1 1 shared))'],
  ['imported shared memory', '(module (import "m" "mem" (memory 1 1 shared)))'],
  ['atomic load', '(module (memory 1 1) (func (result i32) (i32.atomic.load (i32.const 0))))'],
  ['atomic rmw', '(module (memory 1 1) (func (result i64) (i64.atomic.rmw.add (i32.const 0) (i64.const 1))))'],
  ['atomic.fence', '(module (func (atomic.fence)))'],
];

describe.each([
  ['simd', simdCases],
  ['threads', threadCases],
] as const)('%s', (feature, cases) => {
  test.each(cases)(`%s is rejected (policy ${feature})`, async (_name, text) => {
    const e = await errorOf(text);
    expect(e).toBeInstanceOf(PolicyError);
    expect((e as PolicyError).feature).toBe(feature);
  });
  test.each(cases)(`%s with ${feature}: true is unsupported`, async (_name, text) => {
    const e = await errorOf(text, { features: { [feature]: true } });
    expect((e as CompileError).code).toBe('unsupported');
  });
});
