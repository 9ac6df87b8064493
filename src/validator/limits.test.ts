/**
 * Resource limits checked by the validator (config.limits): each limit
 * rejects a module that needs one more than allowed and accepts one that
 * needs exactly the limit.
 */
import { LimitError } from '../errors.js';
import type { Limits } from '../config.js';
import { validateWatWithLimits } from './testutil.js';

type Case = [limit: keyof Limits, needs: number, wat: string];

const nest = (n: number): string => '(block '.repeat(n) + ')'.repeat(n);

const cases: Case[] = [
  ['maxLocals', 4, '(module (func (param i32 i64) (local i32) (local i64)))'],
  ['maxControlDepth', 5, `(module (func ${nest(5)}))`],
  ['maxControlDepth', 3, '(module (func (block (loop (if (i32.const 0) (then))))))'],
  ['maxOperandStack', 4, '(module (func (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4) (drop) (drop) (drop) (drop)))'],
  ['maxOperandStack', 3, '(module (func (param i32) (result i32) (local.get 0) (block (param i32) (result i32) (i32.const 1) (i32.const 2) (i32.add) (i32.add))) (func (i32.const 1) (drop)))'],
  ['maxMemoryPages', 10, '(module (memory 10))'],
  ['maxMemoryPages', 7, '(module (import "m" "mem" (memory 7 100)))'],
  ['maxTableSize', 10, '(module (table 10 funcref))'],
  ['maxTableSize', 6, '(module (import "m" "t" (table 6 externref)))'],
  ['maxFunctions', 3, '(module (import "m" "f" (func)) (func) (func))'],
  ['maxGlobals', 3, '(module (import "m" "g" (global i32)) (global i32 (i32.const 0)) (global i64 (i64.const 0)))'],
  ['maxElemSegments', 2, '(module (table 1 funcref) (func) (elem (i32.const 0) 0) (elem func 0))'],
  ['maxDataSegments', 2, '(module (memory 1) (data (i32.const 0) "a") (data "b"))'],
  ['maxTables', 2, '(module (table 1 funcref) (table 1 externref))'],
];

describe.each(cases)('%s', (limit, needs, wat) => {
  test(`a module needing ${needs} is rejected with ${limit} = ${needs - 1}`, async () => {
    let err: unknown;
    try {
      await validateWatWithLimits(wat, { [limit]: needs - 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LimitError);
    expect((err as LimitError).limit).toBe(limit);
    expect((err as LimitError).maximum).toBe(needs - 1);
    expect((err as LimitError).code).toBe('limit');
  });
  test(`and accepted with ${limit} = ${needs}`, async () => {
    await expect(validateWatWithLimits(wat, { [limit]: needs })).resolves.toBeDefined();
  });
});

test('maxFunctionBodySize counts the body bytes', async () => {
  // body: 1 (local decl count 0) + 3 x (i32.const 1 = 2 bytes, drop = 1) + end = 11 bytes
  const wat = '(module (func (drop (i32.const 1)) (drop (i32.const 1)) (drop (i32.const 1))))';
  const vm = await validateWatWithLimits(wat, {});
  const size = vm.module.codes[0].size;
  expect(size).toBe(11);
  await expect(validateWatWithLimits(wat, { maxFunctionBodySize: size })).resolves.toBeDefined();
  await expect(validateWatWithLimits(wat, { maxFunctionBodySize: size - 1 })).rejects.toMatchObject({ limit: 'maxFunctionBodySize' });
});

test('the memory maximum is not limited by maxMemoryPages (the interpreter clamps it)', async () => {
  await expect(validateWatWithLimits('(module (memory 1 65536))', { maxMemoryPages: 2 })).resolves.toBeDefined();
});

test('operand stack and control depth limits name the function and the instruction', async () => {
  const wat = '(module (func) (func (i32.const 1) (i32.const 2) (drop) (drop)))';
  const vm = await validateWatWithLimits(wat, {});
  const at = vm.module.codes[1].body[4]; // byte offset of the second instruction
  await expect(validateWatWithLimits(wat, { maxOperandStack: 1 })).rejects.toMatchObject({ limit: 'maxOperandStack', funcIndex: 1, offset: at });
  const nested = '(module (func (block (nop) (block (nop)))))';
  const inner = (await validateWatWithLimits(nested, {})).module.codes[0].body[6]; // offset of the inner block
  await expect(validateWatWithLimits(nested, { maxControlDepth: 1 })).rejects.toMatchObject({ limit: 'maxControlDepth', funcIndex: 0, offset: inner });
});
