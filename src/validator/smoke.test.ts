import { validateWat } from './testutil.js';
test('smoke', async () => {
  const vm = await validateWat(`(module (func (param i32) (result i32) (block (result i32) (local.get 0) (i32.const 1) (i32.add))))`);
  expect(vm.maxStackHeights[0]).toBe(2);
  await expect(validateWat(`(module (func (result i32) (i64.const 1)))`)).rejects.toThrow('type mismatch');
});
