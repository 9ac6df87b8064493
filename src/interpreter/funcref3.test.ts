/** Typed function references (WebAssembly 3.0): call_ref, ref.as_non_null, br_on_null, br_on_non_null, typed values at the JS boundary. */
import { Engine, Exception, Store, Trap } from '../index.js';
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

describe('call_indirect matches function types structurally across modules (3.0 type equivalence, indices resolved)', () => {
  // The callee's type mentions (ref $t) / (ref null $t) at a different type index in each module.
  const callee = `(module
    (type $t (func (result i32)))
    (type $k (func (param (ref $t) (ref null $t)) (result i32)))
    (func $seven (type $t) (i32.const 7)) (elem declare func $seven)
    (func $f (type $k) (call_ref $t (local.get 0)))
    (table (export "tab") 2 funcref)
    (elem (table 0) (i32.const 0) func $f)
    (func (export "seven") (result (ref $t)) (ref.func $seven)))`;
  const setup2 = (caller: string) => {
    const engine = new Engine({ features: { preset: '3.0' } });
    const store = new Store(engine);
    const a = store.instantiate(engine.compile(wat3([callee])[0])).exports as any;
    const b = store.instantiate(engine.compile(wat3([caller])[0]), { a }).exports as any;
    return { a, b };
  };

  test('the same structural type at other indices matches', () => {
    const { b } = setup2(`(module
      (type (func (param i64)))
      (type (func (param i32)))
      (type $u (func (result i32)))
      (type $kk (func (param (ref $u) (ref null $u)) (result i32)))
      (import "a" "tab" (table 2 funcref))
      (func $s (type $u) (i32.const 7)) (elem declare func $s)
      (func (export "go") (result i32) (call_indirect (type $kk) (ref.func $s) (ref.null $u) (i32.const 0))))`);
    expect(b.go()).toBe(7);
  });

  test('a type whose referenced type differs (same index, other structure) does not match', () => {
    const { b } = setup2(`(module
      (type $t (func (result i64)))
      (type $k (func (param (ref $t) (ref null $t)) (result i32)))
      (import "a" "tab" (table 2 funcref))
      (func $s (type $t) (i64.const 7)) (elem declare func $s)
      (func (export "go") (result i32) (call_indirect (type $k) (ref.func $s) (ref.null $t) (i32.const 0))))`);
    expect(trapCode(() => b.go())).toBe('indirect_call_type_mismatch');
  });

  test('nullability is part of the type', () => {
    const { b } = setup2(`(module
      (type $t (func (result i32)))
      (type $k (func (param (ref null $t) (ref null $t)) (result i32)))
      (import "a" "tab" (table 2 funcref))
      (func (export "go") (result i32) (call_indirect (type $k) (ref.null $t) (ref.null $t) (i32.const 0))))`);
    expect(trapCode(() => b.go())).toBe('indirect_call_type_mismatch');
  });

  test('within one module, equivalent types mentioning different (equivalent) indices match', () => {
    const x = setup(`(module
      (type $t1 (func (result i32)))
      (type $t2 (func (result i32)))
      (type $k1 (func (param (ref $t1)) (result i32)))
      (type $k2 (func (param (ref $t2)) (result i32)))
      (func $seven (type $t1) (i32.const 7)) (elem declare func $seven)
      (func $f (type $k1) (call_ref $t1 (local.get 0)))
      (table 1 funcref) (elem (i32.const 0) func $f)
      (func (export "go") (result i32) (call_indirect (type $k2) (ref.func $seven) (i32.const 0))))`);
    expect(x.go()).toBe(7);
  });

  test('a self-referencing function type links and calls indirectly', () => {
    const { b } = setup2(`(module
      (type $r (func (param (ref null $r)) (result i32)))
      (import "a" "tab" (table 2 funcref))
      (func $g (type $r) (i32.const 3))
      (table $own 1 funcref) (elem (table $own) (i32.const 0) func $g)
      (global (export "gr") (ref null $r) (ref.null $r))
      (func (export "go") (result i32) (call_indirect $own (type $r) (ref.null $r) (i32.const 0))))`);
    expect(b.go()).toBe(3);
  });

  test('function and tag imports whose types mention typed references match by structure', () => {
    const engine = new Engine({ features: { preset: '3.0' } });
    const store = new Store(engine);
    const a = store.instantiate(engine.compile(wat3([`(module
      (type $t (func (result i32)))
      (type $k (func (param (ref null $t)) (result i32)))
      (tag (export "e") (param (ref null $t)))
      (func (export "f") (type $k) (i32.const 1)))`])[0])).exports as any;
    const importer = (t: string) => engine.compile(wat3([`(module (type (func (param i64))) (type $u (func (result ${t})))
      (import "a" "f" (func (param (ref null $u)) (result i32)))
      (import "a" "e" (tag (param (ref null $u)))))`])[0]);
    expect(() => store.instantiate(importer('i32'), { a })).not.toThrow();
    expect(() => store.instantiate(importer('i64'), { a })).toThrow(/function type mismatch/);
    const tagOnly = engine.compile(wat3([`(module (type $u (func (result i64))) (import "a" "e" (tag (param (ref null $u)))))`])[0]);
    expect(() => store.instantiate(tagOnly, { a })).toThrow(/tag type mismatch/);
  });
});

describe('typed function references from JS are checked against the referenced type (JS API ToWebAssemblyValue)', () => {
  const MOD = `(module
    (type $ii (func (param i32) (result i32)))
    (type $v (func))
    (import "env" "get" (func $get (result (ref $ii))))
    (tag (export "e") (param (ref null $ii)))
    (func $inc (export "inc") (type $ii) (i32.add (local.get 0) (i32.const 1)))
    (func $nop (export "nop") (type $v))
    (global (export "g") (mut (ref null $ii)) (ref.null $ii))
    (table (export "t") 1 (ref null $ii))
    (func (export "take") (param (ref $ii)) (result i32) (call_ref $ii (i32.const 1) (local.get 0)))
    (func (export "from_host") (result i32) (call_ref $ii (i32.const 1) (call $get)))
    (func (export "call_global") (result i32) (call_ref $ii (i32.const 1) (ref.as_non_null (global.get 0))))
    (func (export "call_table") (result i32) (call_ref $ii (i32.const 1) (ref.as_non_null (table.get 0 (i32.const 0))))))`;
  const make = (get: () => unknown) => {
    const engine = new Engine({ features: { preset: '3.0' } });
    const store = new Store(engine);
    return store.instantiate(engine.compile(wat3([MOD])[0]), { env: { get } }).exports as Record<string, any>;
  };
  const wrong = /function of another type/;

  test('an exported function argument', () => {
    const x = make(() => null);
    expect(x.take(x.inc)).toBe(2);
    expect(() => x.take(x.nop)).toThrow(wrong);
    expect(() => x.take(() => 1)).toThrow(TypeError);
  });

  test('a host function result', () => {
    let x: Record<string, any> = {};
    x = make(() => x.nop);
    expect(trapCode(() => x.from_host())).toBe('host');
    let y: Record<string, any> = {};
    y = make(() => y.inc);
    expect(y.from_host()).toBe(2);
  });

  test('Global.value, Table.set and Table.grow of a typed global or table', () => {
    const x = make(() => null);
    expect(() => { x.g.value = x.nop; }).toThrow(wrong);
    expect(() => { x.g.value = () => 1; }).toThrow(TypeError);
    x.g.value = x.inc;
    expect(x.call_global()).toBe(2);
    expect(() => x.t.set(0, x.nop)).toThrow(wrong);
    expect(() => x.t.grow(1, x.nop)).toThrow(wrong);
    x.t.set(0, x.inc);
    expect(x.call_table()).toBe(2);
  });

  test('non-nullable typed tables: a value is required, null is a TypeError', () => {
    const engine = new Engine({ features: { preset: '3.0' } });
    const store = new Store(engine);
    const x = store.instantiate(engine.compile(wat3([`(module (type $ii (func (param i32) (result i32)))
      (func $inc (export "inc") (type $ii) (i32.add (local.get 0) (i32.const 1)))
      (table (export "t") 1 (ref $ii) (ref.func $inc)))`])[0])).exports as Record<string, any>;
    expect(() => x.t.set(0)).toThrow(/a value is required/);
    expect(() => x.t.set(0, null)).toThrow(/non-nullable/);
    expect(() => x.t.grow(1)).toThrow(/a value is required/);
    expect(x.t.grow(1, x.inc)).toBe(1);
  });

  test('an Exception payload for a tag with a typed reference parameter', () => {
    const x = make(() => null);
    expect(() => new Exception(x.e, [x.nop])).toThrow(wrong);
    expect(new Exception(x.e, [x.inc]).getArg(x.e, 0)).toBe(x.inc);
  });
});
