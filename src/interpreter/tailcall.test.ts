/**
 * Tail calls (return_call, return_call_indirect, return_call_ref): the callee
 * replaces the caller's frame, so tail recursion runs in constant stack; gas
 * is charged as for calls; host callees return their results to the caller's caller.
 */
import { Engine, Store, HostFunc, Trap } from '../index.js';
import { wat3 } from '../validator/testutil.js';

const FEATURES = { preset: '3.0' } as const;

function setup(text: string, opts: { gas?: number; imports?: Record<string, Record<string, unknown>>; maxCallDepth?: number } = {}) {
  const engine = new Engine({ features: FEATURES, ...(opts.maxCallDepth ? { limits: { maxCallDepth: opts.maxCallDepth } } : {}) });
  const store = new Store(engine, opts.gas === undefined ? {} : { gas: opts.gas });
  const instance = store.instantiate(engine.compile(wat3([text])[0]), opts.imports);
  return { store, exports: instance.exports as Record<string, any> };
}

const LOOPS = `(module
  (type $t (func (param i64 i64) (result i64)))
  (table 1 funcref) (elem (i32.const 0) $ind)
  (func $count (export "count") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n)) (then (local.get $acc))
      (else (return_call $count (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (i64.const 1))))))
  (func $ind (export "ind") (param $n i64) (param $acc i64) (result i64)
    (local $pad i32)
    (if (result i64) (i64.eqz (local.get $n)) (then (local.get $acc))
      (else (return_call_indirect (type $t) (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (i64.const 2)) (i32.const 0)))))
  (func $ref (export "ref") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n)) (then (local.get $acc))
      (else (return_call_ref $t (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (i64.const 3)) (ref.func $ref)))))
  (elem declare func $ref)
  (func $even (export "even") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1)) (else (return_call $odd (i32.sub (local.get 0) (i32.const 1))))))
  (func $odd (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0)) (else (return_call $even (i32.sub (local.get 0) (i32.const 1))))))
  (func (export "nested") (param i64) (result i64 i32)
    (call $count (local.get 0) (i64.const 5)) (i32.const 7)))`;

describe('tail calls', () => {
  test('10^7 self tail calls run in constant stack', () => {
    const { exports } = setup(LOOPS, { maxCallDepth: 100 });
    expect(exports.count(10_000_000n, 0n)).toBe(10_000_000n);
  });
  test('return_call_indirect and return_call_ref loop without growing the call stack', () => {
    const { exports } = setup(LOOPS, { maxCallDepth: 50 });
    expect(exports.ind(100_000n, 0n)).toBe(200_000n);
    expect(exports.ref(100_000n, 1n)).toBe(300_001n);
    expect(exports.even(1_000_001)).toBe(0);
    expect(exports.nested(10n)).toEqual([15n, 7]);
  });
  test('gas: a tail call costs what a call costs', () => {
    const text = (instr: string) => `(module
      (func $f (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
      (func (export "g") (param i32) (result i32) (${instr} $f (local.get 0))))`;
    const run = (instr: string) => {
      const { store, exports } = setup(text(instr), { gas: 1000 });
      expect(exports.g(4)).toBe(5);
      return store.gasUsed;
    };
    expect(run('return_call')).toBe(run('call'));
  });
  test('traps: null reference, undefined element, type mismatch', () => {
    const { exports } = setup(`(module
      (type $v (func)) (type $i (func (param i32)))
      (table 2 funcref) (elem (i32.const 0) $v)
      (func $v)
      (func (export "null") (return_call_ref $v (ref.null $v)))
      (func (export "oob") (return_call_indirect (type $v) (i32.const 5)))
      (func (export "uninit") (return_call_indirect (type $v) (i32.const 1)))
      (func (export "mismatch") (return_call_indirect (type $i) (i32.const 0) (i32.const 0))))`);
    const code = (f: () => void) => { try { f(); } catch (e) { return (e as Trap).code; } return 'none'; };
    expect(code(exports.null)).toBe('null_reference');
    expect(code(exports.oob)).toBe('undefined_element');
    expect(code(exports.uninit)).toBe('uninitialized_element');
    expect(code(exports.mismatch)).toBe('indirect_call_type_mismatch');
  });
  test('a host callee returns its results to the tail caller\'s caller', () => {
    const seen: number[] = [];
    const { exports } = setup(`(module
      (import "env" "h" (func $h (param i32 i32) (result i32 i32)))
      (func $t (param i32) (result i32 i32) (return_call $h (local.get 0) (i32.const 10)))
      (func (export "f") (param i32) (result i32)
        (call $t (local.get 0)) (i32.add) (i32.const 100) (i32.add))
      (func (export "direct") (param i32) (result i32 i32) (return_call $h (local.get 0) (i32.const 1))))`, {
      imports: { env: { h: new HostFunc({ params: ['i32', 'i32'], results: ['i32', 'i32'] }, (_c: unknown, a: number, b: number) => { seen.push(a, b); return [a * 2, b]; }) } },
    });
    expect(exports.f(3)).toBe(116);
    expect(exports.direct(4)).toEqual([8, 1]);
    expect(seen).toEqual([3, 10, 4, 1]);
  });
});
