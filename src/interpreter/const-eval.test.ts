/** Constant expressions evaluated at instantiation (instantiate.ts evalConst), with extended constants. */
import { Engine, Global, Store } from '../index.js';
import { wat3 } from '../validator/testutil.js';

test('extended constants: i32/i64 add, sub, mul and global.get of earlier globals, imported and defined', () => {
  const [bytes] = wat3([`(module
    (import "env" "base" (global $base i32))
    (global $a i32 (i32.add (global.get $base) (i32.const 0x7fffffff)))
    (global $b i32 (i32.mul (global.get $a) (i32.sub (i32.const 3) (i32.const 5))))
    (global $c i64 (i64.mul (i64.sub (i64.const 0) (i64.const 0x100000000)) (i64.add (i64.const 0x100000000) (i64.const 1))))
    (export "a" (global $a)) (export "b" (global $b)) (export "c" (global $c)))`]);
  const engine = new Engine({ features: { extendedConst: true } });
  const store = new Store(engine);
  const inst = store.instantiate(engine.compile(bytes), { env: { base: new Global({ value: 'i32' }, 2) } });
  const get = (n: string) => (inst.exports[n] as Global).value;
  expect(get('a')).toBe((2 + 0x7fffffff) | 0);
  expect(get('b')).toBe(Math.imul((2 + 0x7fffffff) | 0, -2));
  expect(get('c')).toBe(BigInt.asIntN(64, -(2n ** 32n) * (2n ** 32n + 1n)));
});
