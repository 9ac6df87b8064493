/**
 * Feature flags: with a post-MVP feature switched off, its instructions and
 * constructs are rejected with a PolicyError naming the feature; with the
 * defaults the same modules validate.
 */
import { PolicyError } from '../errors.js';
import type { Features } from '../config.js';
import { errorOf, validateWat } from './testutil.js';

type Case = [feature: keyof Features, policyName: string, what: string, wat: string];

const cases: Case[] = [
  ['signExtension', 'sign-extension', 'i32.extend8_s', '(module (func (result i32) (i32.extend8_s (i32.const 1))))'],
  ['signExtension', 'sign-extension', 'i32.extend16_s', '(module (func (result i32) (i32.extend16_s (i32.const 1))))'],
  ['signExtension', 'sign-extension', 'i64.extend32_s', '(module (func (result i64) (i64.extend32_s (i64.const 1))))'],

  ['multiValue', 'multi-value', 'function with two results', '(module (func (result i32 i32) (i32.const 1) (i32.const 2)))'],
  ['multiValue', 'multi-value', 'unused type with two results', '(module (type (func (result i32 i64))))'],
  ['multiValue', 'multi-value', 'block with a parameter', '(module (func (result i32) (i32.const 1) (block (param i32) (result i32))))'],
  ['multiValue', 'multi-value', 'loop with a parameter', '(module (func (i32.const 1) (loop (param i32) (drop))))'],

  ['bulkMemory', 'bulk-memory', 'memory.copy', '(module (memory 1) (func (memory.copy (i32.const 0) (i32.const 0) (i32.const 0))))'],
  ['bulkMemory', 'bulk-memory', 'memory.fill', '(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))'],
  ['bulkMemory', 'bulk-memory', 'memory.init', '(module (memory 1) (data "a") (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0))))'],
  ['bulkMemory', 'bulk-memory', 'data.drop', '(module (memory 1) (data "a") (func (data.drop 0)))'],
  ['bulkMemory', 'bulk-memory', 'table.copy', '(module (table 1 funcref) (func (table.copy (i32.const 0) (i32.const 0) (i32.const 0))))'],
  ['bulkMemory', 'bulk-memory', 'table.init', '(module (table 1 funcref) (elem func 0) (func (table.init 0 (i32.const 0) (i32.const 0) (i32.const 0))))'],
  ['bulkMemory', 'bulk-memory', 'elem.drop', '(module (elem func 0) (func (elem.drop 0)))'],
  ['bulkMemory', 'bulk-memory', 'passive data segment', '(module (memory 1) (data "abc"))'],
  ['bulkMemory', 'bulk-memory', 'passive element segment', '(module (func) (elem func 0))'],

  ['referenceTypes', 'reference-types', 'externref parameter', '(module (func (param externref)))'],
  ['referenceTypes', 'reference-types', 'funcref local', '(module (func (local funcref)))'],
  ['referenceTypes', 'reference-types', 'externref global', '(module (global externref (ref.null extern)))'],
  ['referenceTypes', 'reference-types', 'externref table', '(module (table 1 externref))'],
  ['referenceTypes', 'reference-types', 'two tables', '(module (table 1 funcref) (table 1 funcref))'],
  ['referenceTypes', 'reference-types', 'table.get', '(module (table 1 funcref) (func (drop (table.get 0 (i32.const 0)))))'],
  ['referenceTypes', 'reference-types', 'table.set', '(module (table 1 funcref) (func (param funcref) (table.set 0 (i32.const 0) (local.get 0))))'],
  ['referenceTypes', 'reference-types', 'table.size', '(module (table 1 funcref) (func (result i32) (table.size 0)))'],
  ['referenceTypes', 'reference-types', 'table.grow', '(module (table 1 funcref) (func (result i32) (table.grow 0 (ref.null func) (i32.const 1))))'],
  ['referenceTypes', 'reference-types', 'table.fill', '(module (table 1 funcref) (func (table.fill 0 (i32.const 0) (ref.null func) (i32.const 1))))'],
  ['referenceTypes', 'reference-types', 'ref.null', '(module (func (ref.null func) (drop)))'],
  ['referenceTypes', 'reference-types', 'ref.func', '(module (func $f (export "f")) (func (ref.func $f) (drop)))'],
  ['referenceTypes', 'reference-types', 'ref.is_null', '(module (func (result i32) (ref.is_null (ref.null func))))'],
  ['referenceTypes', 'reference-types', 'typed select', '(module (func (result i32) (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0))))'],
  ['referenceTypes', 'reference-types', 'call_indirect with table 1', '(module (table 1 funcref) (table $t 1 funcref) (func (call_indirect $t (i32.const 0))))'],
  ['referenceTypes', 'reference-types', 'declarative element segment', '(module (func) (elem declare func 0))'],

  ['mutableGlobals', 'mutable-globals', 'import of a mutable global', '(module (import "m" "g" (global (mut i32))))'],
  ['mutableGlobals', 'mutable-globals', 'export of a mutable global', '(module (global (export "g") (mut i32) (i32.const 0)))'],
];

describe.each(cases)('%s off', (feature, policyName, what, wat) => {
  test(`${what} is rejected`, async () => {
    const e = await errorOf(wat, { features: { [feature]: false } as Partial<Features> });
    expect(e).toBeInstanceOf(PolicyError);
    expect((e as PolicyError).feature).toBe(policyName);
    expect(e.message).toContain(policyName);
  });
  test(`${what} validates with the default features`, async () => {
    await expect(validateWat(wat)).resolves.toBeDefined();
  });
});

test('saturatingFloatToInt off rejects trunc_sat before the float policy', async () => {
  const e = await errorOf('(module (func (param i32) (result i32) (i32.trunc_sat_f32_s (f32.reinterpret_i32 (local.get 0)))))',
    { features: { saturatingFloatToInt: false } });
  expect(e).toBeInstanceOf(PolicyError);
  expect((e as PolicyError).feature).toBe('saturating-float-to-int');
});

test('MVP modules validate with every post-MVP feature off', async () => {
  const off = { signExtension: false, multiValue: false, bulkMemory: false, referenceTypes: false, mutableGlobals: false, saturatingFloatToInt: false };
  const vm = await validateWat(`(module
    (type $t (func (param i32) (result i32)))
    (import "m" "g" (global i32))
    (table 2 funcref) (memory 1 2)
    (global $c (mut i64) (i64.const 0))
    (func $f (type $t) (local i64)
      (block (result i32) (br_if 0 (local.get 0) (local.get 0)) (drop) (loop (br 0)) (i32.const 1))
      (call_indirect (type $t) (i32.const 0)))
    (elem (i32.const 0) $f $f)
    (data (i32.const 0) "hi")
    (export "f" (func $f)))`, { features: off });
  expect(vm.funcTypes).toHaveLength(1);
});
