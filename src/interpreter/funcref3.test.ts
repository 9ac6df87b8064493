/** Typed function references (WebAssembly 3.0): call_ref, ref.as_non_null, br_on_null, br_on_non_null, typed values at the JS boundary. */
import { Engine, Store, Trap } from '../index.js';
import { wat3 } from '../validator/testutil.js';

function setup(text: string) {
  const engine = new Engine({ features: { preset: '3.0' } });
  const store = new Store(engine);
  return store.instantiate(engine.compile(wat3([text])[0])).exports as Record<string, any>;
}
const trapCode = (f: () => unknown) => { try { f(); } catch (e) { return (e as Trap).code; } return 'none'; };

test('call_ref, ref.as_non_null, br_on_null and br_on_non_null', () => {
  const x = setup(`(module
    (type $ii (func (param i32) (result i32)))
    (func $inc (type $ii) (i32.add (local.get 0) (i32.const 1)))
    (elem declare func $inc)
    (func $pick (param i32) (result (ref null $ii)) (if (result (ref null $ii)) (local.get 0) (then (ref.func $inc)) (else (ref.null $ii))))
    (func (export "call") (param i32 i32) (result i32) (call_ref $ii (local.get 1) (call $pick (local.get 0))))
    (func (export "nonnull") (param i32) (result i32) (call_ref $ii (i32.const 5) (ref.as_non_null (call $pick (local.get 0)))))
    (func (export "on_null") (param i32) (result i32)
      (block $null (result i32)
        (i32.const -1)
        (br_on_null $null (call $pick (local.get 0)))
        (drop) (drop)
        (return (i32.const 100))))
    (func (export "on_non_null") (param i32) (result i32)
      (call_ref $ii (i32.const 41)
        (block $nn (result (ref $ii))
          (br_on_non_null $nn (call $pick (local.get 0)))
          (return (i32.const -2)))))
    (func (export "get") (param i32) (result (ref null $ii)) (call $pick (local.get 0)))
    (func (export "take") (param (ref $ii)) (result i32) (call_ref $ii (i32.const 1) (local.get 0))))`);
  expect(x.call(1, 41)).toBe(42);
  expect(trapCode(() => x.call(0, 41))).toBe('null_reference');
  expect(x.nonnull(1)).toBe(6);
  expect(trapCode(() => x.nonnull(0))).toBe('null_reference');
  expect(x.on_null(0)).toBe(-1);
  expect(x.on_null(1)).toBe(100);
  expect(x.on_non_null(0)).toBe(-2);
  expect(x.on_non_null(1)).toBe(42);
  expect(typeof x.get(1)).toBe('function');
  expect(x.get(1)(2)).toBe(3);
  expect(x.get(0)).toBe(null);
  expect(x.take(x.get(1))).toBe(2);
  expect(() => x.take(null)).toThrow(TypeError);
});

test('typed references in imports: globals match by subtyping across modules, tables exactly; table initializers', () => {
  const engine = new Engine({ features: { preset: '3.0' } });
  const store = new Store(engine);
  const a = store.instantiate(engine.compile(wat3([`(module
    (type $t (func (result i32)))
    (func $f (type $t) (i32.const 7)) (elem declare func $f)
    (global (export "g") (ref $t) (ref.func $f))
    (global (export "m") (mut (ref null $t)) (ref.null $t))
    (table (export "tab") 2 (ref $t) (ref.func $f)))`])[0])).exports as any;
  // a different module layout of the same structural type
  const imp = (decl: string) => `(module (type (func (param i64))) (type $u (func (result i32))) ${decl}
    (func (export "call") (result i32) (call_indirect (type $u) (i32.const 1))))`;
  const ok = store.instantiate(engine.compile(wat3([imp('(import "a" "g" (global (ref null $u))) (import "a" "tab" (table 2 (ref $u)))')])[0]), { a });
  expect((ok.exports as any).call()).toBe(7);
  store.instantiate(engine.compile(wat3([`(module (type $u (func (result i32))) (import "a" "g" (global funcref)))`])[0]), { a });
  const link = (decl: string) => () => store.instantiate(engine.compile(wat3([`(module (type $u (func (result i32))) (type $v (func)) ${decl})`])[0]), { a });
  expect(link('(import "a" "g" (global (ref $v)))')).toThrow(/global type mismatch/);
  expect(link('(import "a" "m" (global (mut funcref)))')).toThrow(/global type mismatch/);
  link('(import "a" "m" (global (mut (ref null $u))))')();
  expect(link('(import "a" "tab" (table 2 funcref))')).toThrow(/element type mismatch/);
});
