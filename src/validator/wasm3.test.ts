/**
 * The WebAssembly 3.0 front end (and the wide-arithmetic and custom-page-sizes
 * proposals): each feature validates with its switch on, is a PolicyError
 * naming it with the switch off, and its typical invalid modules are
 * InvalidErrors. GC, SIMD, relaxed SIMD and legacy exceptions are PolicyErrors
 * with every preset. Text is converted by wasm-tools (wat3.ts).
 */
import { decode } from '../decoder/index.js';
import { MEMARG_EXT, Op } from '../decoder/opcodes.js';
import { CONCRETE } from '../decoder/valtype.js';
import { resolveConfig, type FeaturesConfig } from '../config.js';
import { CompileError, InvalidError, PolicyError } from '../errors.js';
import { validate } from './index.js';
import { wat3 } from './testutil.js';

const V3: FeaturesConfig = { preset: '3.0' };
const ALL: FeaturesConfig = { preset: '3.0', wideArithmetic: true, customPageSizes: true };
const V2: FeaturesConfig = { preset: '2.0' };

type Expect = 'valid' | { invalid: string } | { policy: string } | { malformed: string };
const T = '(type $t (func (result i32)))';
const cases: Array<[string, string, FeaturesConfig, Expect]> = [
  // tail calls
  ['return_call', '(module (func $f (result i32) (return_call $f)))', V3, 'valid'],
  ['return_call off', '(module (func $f (result i32) (return_call $f)))', { preset: '3.0', tailCall: false }, { policy: 'tail-call' }],
  ['return_call results', '(module (func $g (result i64) (i64.const 0)) (func (result i32) (return_call $g)))', V3, { invalid: 'type mismatch' }],
  ['return_call_indirect', `(module ${T} (table 1 funcref) (func (result i32) (return_call_indirect (type $t) (i32.const 0))))`, V3, 'valid'],
  ['return_call_ref', `(module ${T} (func (param (ref $t)) (result i32) (return_call_ref $t (local.get 0))))`, V3, 'valid'],
  // extended constants
  ['const add', '(module (global i32 (i32.add (i32.const 1) (i32.mul (i32.const 2) (i32.const 3)))))', V3, 'valid'],
  ['const add off', '(module (global i32 (i32.add (i32.const 1) (i32.const 2))))', V2, { policy: 'extended-const' }],
  ['const i64 sub', '(module (global i64 (i64.sub (i64.const 1) (i64.const 2))))', V3, 'valid'],
  ['const mixed', '(module (global i64 (i64.add (i32.const 1) (i64.const 2))))', V3, { invalid: 'type mismatch' }],
  ['earlier global', '(module (global $a i32 (i32.const 1)) (global i32 (global.get $a)))', V3, 'valid'],
  ['earlier global, 2.0', '(module (global $a i32 (i32.const 1)) (global i32 (global.get $a)))', V2, { invalid: 'unknown global 0' }],
  ['later global', '(module (global i32 (global.get 1)) (global $a i32 (i32.const 1)))', V3, { invalid: 'unknown global 1' }],
  ['mutable global', '(module (global $a (mut i32) (i32.const 1)) (global i32 (global.get $a)))', V3, { invalid: 'constant expression required' }],
  // multiple memories
  ['two memories', '(module (memory 1) (memory $m 1) (func (drop (i32.load $m (i32.const 0))) (i32.store8 $m (i32.const 0) (i32.const 1))))', V3, 'valid'],
  ['two memories, 2.0', '(module (memory 1) (memory 1))', V2, { invalid: 'multiple memories' }],
  ['memory.copy between', '(module (memory 1) (memory i64 1) (func (memory.copy 0 1 (i32.const 0) (i64.const 0) (i32.const 0))))', V3, 'valid'],
  ['unknown memory', '(module (memory 1) (func (drop (memory.size 1))))', V3, { invalid: 'unknown memory 1' }],
  ['data in memory 1', '(module (memory 1) (memory 1) (data (memory 1) (i32.const 0) "a"))', V3, 'valid'],
  // memory64, table64
  ['memory64', '(module (memory i64 1) (func (result i64) (drop (i32.load (i64.const 0))) (memory.grow (i64.const 1))))', V3, 'valid'],
  ['memory64 i32 address', '(module (memory i64 1) (func (drop (i32.load (i32.const 0)))))', V3, { invalid: 'type mismatch' }],
  ['memory64 off', '(module (memory i64 1))', V2, { policy: 'memory64' }],
  ['32-bit offset too big', '(module (memory 1) (func (drop (i32.load offset=0x100000000 (i32.const 0)))))', V3, { invalid: 'offset out of range' }],
  ['64-bit offset', '(module (memory i64 1) (func (drop (i32.load offset=0x100000000 (i64.const 0)))))', V3, 'valid'],
  ['table64', '(module (table i64 1 funcref) (func (result i64) (table.size 0)) (func (drop (table.get 0 (i64.const 0)))))', V3, 'valid'],
  ['table64 i32 index', '(module (table i64 1 funcref) (func (drop (table.get 0 (i32.const 0)))))', V3, { invalid: 'type mismatch' }],
  ['memory64 limit', '(module (memory i64 0x1000000000001))', V3, { invalid: 'memory size must be at most' }],
  // exceptions
  ['throw', '(module (tag $e (param i32)) (func (param i32) (throw $e (local.get 0))))', V3, 'valid'],
  ['try_table', '(module (tag $e (param i32)) (func (result i32) (block $h (result i32) (try_table (catch $e $h) (throw $e (i32.const 1))) (i32.const 0))))', V3, 'valid'],
  ['catch_ref', '(module (tag $e (param i32)) (func (result i32 exnref) (block $h (result i32 exnref) (try_table (catch_ref $e $h)) (unreachable))))', V3, 'valid'],
  ['catch_all_ref + throw_ref', '(module (func (block $h (result exnref) (try_table (catch_all_ref $h)) (return)) (throw_ref)))', V3, 'valid'],
  ['catch label type', '(module (tag $e (param i32)) (func (result i64) (block $h (result i64) (try_table (catch $e $h)) (i64.const 0))))', V3, { invalid: 'type mismatch' }],
  ['tag with results', '(module (type $t (func (result i32))) (tag (type $t)))', V3, { invalid: 'non-empty tag result type' }],
  ['exceptions off', '(module (tag $e))', V2, { policy: 'exceptions' }],
  ['exnref off', '(module (func (param exnref)))', { preset: '3.0', exceptions: false }, { policy: 'exceptions' }],
  // typed function references
  ['call_ref', `(module ${T} (func (param (ref $t)) (result i32) (call_ref $t (local.get 0))))`, V3, 'valid'],
  ['call_ref nullable', `(module ${T} (func (param (ref null $t)) (result i32) (call_ref $t (local.get 0))))`, V3, 'valid'],
  ['ref.as_non_null', `(module ${T} (func (param (ref null $t)) (result (ref $t)) (ref.as_non_null (local.get 0))))`, V3, 'valid'],
  ['nullable for non-null', `(module ${T} (func (param (ref null $t)) (result (ref $t)) (local.get 0)))`, V3, { invalid: 'type mismatch' }],
  ['br_on_null', `(module ${T} (func (param (ref null $t)) (result (ref $t)) (block (br_on_null 0 (local.get 0)) (return)) (unreachable)))`, V3, 'valid'],
  ['br_on_non_null', `(module ${T} (func (param (ref null $t)) (result (ref $t)) (br_on_non_null 0 (local.get 0)) (unreachable)))`, V3, 'valid'],
  ['subtype of funcref', `(module ${T} (func (param (ref $t)) (result funcref) (local.get 0)))`, V3, 'valid'],
  ['equivalent types', '(module (type $a (func)) (type $b (func)) (func (param (ref $a)) (result (ref $b)) (local.get 0)))', V3, 'valid'],
  ['different types', '(module (type $a (func)) (type $b (func (param i32))) (func (param (ref $a)) (result (ref $b)) (local.get 0)))', V3, { invalid: 'type mismatch' }],
  ['ref.func type', '(module (type $a (func)) (func $f) (elem declare func $f) (func (result (ref $a)) (ref.func $f)))', V3, 'valid'],
  ['uninitialized local', `(module ${T} (func (local (ref $t)) (drop (local.get 0))))`, V3, { invalid: 'uninitialized local' }],
  ['initialized local', `(module ${T} (func (param (ref $t)) (local (ref $t)) (local.set 1 (local.get 0)) (drop (local.get 1))))`, V3, 'valid'],
  ['local unset after block', `(module ${T} (func (param (ref $t)) (local (ref $t)) (block (local.set 1 (local.get 0))) (drop (local.get 1))))`, V3, { invalid: 'uninitialized local' }],
  ['typed select', `(module ${T} (func (param (ref $t) (ref $t) i32) (result (ref $t)) (select (result (ref $t)) (local.get 0) (local.get 1) (local.get 2))))`, V3, 'valid'],
  ['untyped select of refs', `(module ${T} (func (param (ref $t) (ref $t) i32) (result (ref $t)) (select (local.get 0) (local.get 1) (local.get 2))))`, V3, { invalid: 'type mismatch' }],
  ['table initializer', '(module (func $f) (table 1 (ref func) (ref.func $f)))', V3, 'valid'],
  ['non-null table without init', '(module (table 1 (ref func)))', V3, { invalid: 'type mismatch' }],
  ['typed refs off', `(module ${T} (func (param (ref $t))))`, V2, { policy: 'function-references' }],
  ['forward type reference', '(module (type (func (param (ref 1)))) (type (func)))', V3, { invalid: 'unknown type 1' }],
  // wide arithmetic, custom page sizes (not in the 3.0 preset)
  ['add128', '(module (func (param i64 i64 i64 i64) (result i64 i64) (i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3))))', ALL, 'valid'],
  ['mul_wide_s', '(module (func (param i64 i64) (result i64 i64) (i64.mul_wide_s (local.get 0) (local.get 1))))', ALL, 'valid'],
  ['wide arithmetic off', '(module (func (param i64 i64) (result i64 i64) (i64.mul_wide_u (local.get 0) (local.get 1))))', V3, { policy: 'wide-arithmetic' }],
  ['page size 1', '(module (memory 1 (pagesize 1)))', ALL, 'valid'],
  ['page size 2', '(module (memory 1 (pagesize 2)))', ALL, { invalid: 'invalid custom page size' }],
  ['custom page sizes off', '(module (memory 1 (pagesize 1)))', V3, { policy: 'custom-page-sizes' }],
  // out of scope: never malformed or invalid
  ['struct type', '(module (type (struct)))', ALL, { policy: 'gc' }],
  ['rec group', '(module (rec (type (func))))', ALL, { policy: 'gc' }],
  ['sub type', '(module (type (sub (func))))', ALL, { policy: 'gc' }],
  ['anyref', '(module (func (param anyref)))', ALL, { policy: 'gc' }],
  ['ref.i31', '(module (func (drop (ref.i31 (i32.const 0)))))', ALL, { policy: 'gc' }],
  ['ref.eq', '(module (func (param eqref eqref) (result i32) (ref.eq (local.get 0) (local.get 1))))', ALL, { policy: 'gc' }],
  ['legacy try', '(module (func try catch_all end))', ALL, { policy: 'legacy-exceptions' }],
  ['v128', '(module (func (drop (v128.const i64x2 0 0))))', ALL, { policy: 'simd' }],
];

let binaries: Uint8Array[];
beforeAll(() => {
  binaries = wat3(cases.map((c) => c[1]));
});

function compile(bytes: Uint8Array, features: FeaturesConfig) {
  const config = resolveConfig({ features });
  return validate(decode(bytes, config.limits, config.features), config);
}

test.each(cases.map((c, i) => [c[0], i] as const))('%s', (_name, i) => {
  const [, , features, expected] = cases[i];
  let error: unknown;
  try {
    compile(binaries[i], features);
  } catch (e) {
    error = e;
  }
  if (expected === 'valid') {
    expect(error).toBeUndefined();
  } else if ('invalid' in expected) {
    expect(error).toBeInstanceOf(InvalidError);
    expect((error as InvalidError).reason.startsWith(expected.invalid)).toBe(true);
  } else if ('policy' in expected) {
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).feature).toBe(expected.policy);
  } else {
    expect(error).toBeInstanceOf(CompileError);
    expect((error as CompileError).code).toBe('malformed');
  }
});

describe('decoded records of new instructions (opcodes.ts layouts)', () => {
  let mods: Uint8Array[];
  beforeAll(() => {
    mods = wat3([
      '(module (memory 1) (memory 1) (func (drop (i32.load8_u 1 offset=5 align=1 (i32.const 0))) (drop (i32.load offset=7 (i32.const 0)))))',
      '(module (memory i64 1) (func (drop (i64.load offset=0x300000002 (i64.const 0)))))',
      '(module (tag $e (param i32)) (func (block $h (result i32) (try_table (catch $e $h) (catch_all 1)) (i32.const 0)) (drop)))',
      '(module (type $t (func)) (func $f (return_call $f)) (func (param (ref null $t)) (call_ref $t (local.get 0)) (drop (ref.null $t))))',
    ]);
  });
  const body = (bytes: Uint8Array, i = 0): Int32Array => {
    const c = resolveConfig({ features: V3 });
    return decode(bytes, c.limits, c.features).codes[i].body;
  };
  test('memory 1: extended memarg [align, offset_lo, memidx, offset_hi]; memory 0: the short form', () => {
    const b = body(mods[0]);
    // i32.const 0, then the extended load
    expect(Array.from(b.subarray(3, 9))).toEqual([MEMARG_EXT + Op.i32_load8_u, b[4], 0, 5, 1, 0]);
    expect(b[9]).toBe(Op.drop);
    expect(Array.from(b.subarray(14, 18))).toEqual([Op.i32_load, b[15], 2, 7]);
  });
  test('offset of 2^32 or more: extended form with the high half', () => {
    const b = body(mods[1]);
    expect(Array.from(b.subarray(4, 10))).toEqual([MEMARG_EXT + Op.i64_load, b[5], 3, 2, 0, 3]);
  });
  test('try_table: [bt, n, (kind, tag, label) x n]', () => {
    const b = body(mods[2]);
    const at = Array.from(b).indexOf(Op.try_table, 3);
    expect(Array.from(b.subarray(at + 2, at + 10))).toEqual([-64, 2, 0, 0, 0, 2, 0, 1]);
  });
  test('return_call [funcidx], call_ref [typeidx], ref.null [(ref null t)]', () => {
    expect(Array.from(body(mods[3], 0).subarray(0, 1)).concat(body(mods[3], 0)[2])).toEqual([Op.return_call, 0]);
    const b = body(mods[3], 1);
    expect([b[3], b[5]]).toEqual([Op.call_ref, 0]);
    expect([b[6], b[8]]).toEqual([Op.ref_null, CONCRETE]);
  });
});

test('maxMemories limits imported and defined memories together', () => {
  const [bytes] = wat3(['(module (import "m" "a" (memory 1)) (memory 1) (memory 1))']);
  const ok = resolveConfig({ features: V3, limits: { maxMemories: 3 } });
  expect(() => validate(decode(bytes, ok.limits, ok.features), ok)).not.toThrow();
  const tight = resolveConfig({ features: V3, limits: { maxMemories: 2 } });
  let error: unknown;
  try {
    validate(decode(bytes, tight.limits, tight.features), tight);
  } catch (e) {
    error = e;
  }
  expect(error).toMatchObject({ code: 'limit', limit: 'maxMemories', maximum: 2 });
});
