import { parseWast } from './wast.js';
import { ScriptRunner, trapCodeFor } from './runner.js';
import { loadWabt, watToWasm, ensureDataCount, type Wabt } from './wat2wasm.js';
import { textFeatures, binaryFeatures, keywordFeatures } from './policy-scan.js';
import { createNativeEngine } from './engines/native.js';
import type { EngineAdapter } from './engines/types.js';
import type { FileResult } from './results.js';

let wabt: Wabt;
beforeAll(async () => {
  wabt = await loadWabt();
});

function run(script: string, engine: EngineAdapter = createNativeEngine()): FileResult {
  return new ScriptRunner(engine, wabt, 'test.wast').run(parseWast(script));
}

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

describe('runner with the native engine', () => {
  it('passes correct assertions and counts them per category', () => {
    const r = run(`
      (module
        (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
        (func (export "wide") (param i64) (result i64 i32) (local.get 0) (i32.const 7))
        (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
        (global (export "g") i32 (i32.const 42)))
      (assert_return (invoke "add" (i32.const 0x7fffffff) (i32.const 1)) (i32.const -0x80000000))
      (assert_return (invoke "wide" (i64.const -1)) (i64.const 0xffffffffffffffff) (i32.const 7))
      (assert_return (get "g") (either (i32.const 1) (i32.const 42)))
      (assert_trap (invoke "div" (i32.const 0)) "integer divide by zero")
      (assert_invalid (module (func (result i32))) "type mismatch")
      (assert_malformed (module binary "\\00asm\\02\\00\\00\\00") "unknown binary version")
      (assert_malformed (module quote "(func") "unexpected token")
    `);
    expect(r.failures).toEqual([]);
    expect([r.passed, r.failed, r.skipped]).toEqual([7, 0, 1]);
    expect(r.byCategory.assert_return).toEqual({ passed: 3, failed: 0, skipped: 0 });
    expect(r.skips[0].message).toMatch(/text format/);
  });

  it('reports wrong results, wrong traps and missing traps as failures', () => {
    const r = run(`
      (module
        (func (export "one") (result i32) (i32.const 1))
        (func (export "trap") unreachable))
      (assert_return (invoke "one") (i32.const 2))
      (assert_trap (invoke "trap") "integer overflow")
      (assert_trap (invoke "one") "unreachable")
      (assert_return (invoke "missing"))
    `);
    expect(r.failed).toBe(4);
    expect(r.failures.map((f) => f.line)).toEqual([5, 6, 7, 8]);
    expect(r.failures[0].message).toBe('expected (i32.const 2), got 1');
  });

  it('links registered modules and fails commands on a module that failed', () => {
    const r = run(`
      (module $A (func (export "f") (result i32) (i32.const 5)))
      (register "a" $A)
      (module $B (import "a" "f" (func $f (result i32))) (func (export "g") (result i32) (call $f)))
      (assert_return (invoke $B "g") (i32.const 5))
      (assert_unlinkable (module (import "a" "nope" (func))) "unknown import")
      (module $C (import "nowhere" "f" (func)))
      (assert_return (invoke $C "x") (i32.const 0))
    `);
    expect([r.passed, r.failed, r.skipped]).toEqual([5, 2, 0]);
    expect(r.failures[1].message).toMatch(/depends on a module that failed/);
  });

  it('compares float bit patterns and NaN classes', () => {
    const r = run(`
      (module (func (export "id") (param f64) (result f64) (local.get 0))
              (func (export "nan") (result f32) (f32.div (f32.const 0) (f32.const 0))))
      (assert_return (invoke "id" (f64.const -0)) (f64.const -0))
      (assert_return (invoke "id" (f64.const -0)) (f64.const 0))
      (assert_return (invoke "nan") (f32.const nan:canonical))
      (assert_return (invoke "nan") (f32.const 0))
    `);
    expect(r.failures.map((f) => f.line)).toEqual([5, 7]);
  });

  it('passes v128 values through a wrapper module and checks lanes', () => {
    const r = run(`
      (module (memory 1)
        (func (export "add") (param v128 v128) (result v128) (i32x4.add (local.get 0) (local.get 1)))
        (func (export "store") (param i32 v128) (v128.store (local.get 0) (local.get 1)))
        (func (export "load") (param i32) (result v128 i32) (v128.load (local.get 0)) (i32.const 9))
        (func (export "nan") (result v128) (f32x4.splat (f32.div (f32.const 0) (f32.const 0)))))
      (assert_return (invoke "add" (v128.const i32x4 1 2 3 -1) (v128.const i32x4 1 1 1 1)) (v128.const i32x4 2 3 4 0))
      (invoke "store" (i32.const 1) (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16))
      (assert_return (invoke "load" (i32.const 0)) (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15) (i32.const 9))
      (assert_return (invoke "nan") (v128.const f32x4 nan:canonical nan:canonical nan:canonical nan:canonical))
      (assert_return (invoke "nan") (v128.const f32x4 nan:canonical nan:canonical nan:canonical 0))
      (assert_return (invoke "add" (v128.const i32x4 0 0 0 0) (v128.const i32x4 0 0 0 0)) (v128.const i64x2 0 1))
    `);
    expect(r.failures.map((f) => f.line)).toEqual([11, 12]);
    expect(r.passed).toBe(5);
  });

  it('instantiates module definitions on demand, each instance separate', () => {
    const r = run(`
      (module definition $D (global $g (export "g") (mut i32) (i32.const 0))
        (func (export "inc") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g)))
      (module instance $I1 $D)
      (module instance $I2 $D)
      (assert_return (invoke $I1 "inc") (i32.const 1))
      (assert_return (invoke $I1 "inc") (i32.const 2))
      (assert_return (invoke $I2 "inc") (i32.const 1))
      (assert_return (get $I1 "g") (i32.const 2))
    `);
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(7);
  });

  it('turns an instantiation trap into a pass for assert_trap on a module', () => {
    const r = run(`(assert_trap (module (func $s unreachable) (start $s)) "unreachable")`);
    expect([r.passed, r.failed]).toEqual([1, 0]);
  });
});

describe('runner skips', () => {
  /** A fake engine that rejects every module with a policy error for `feature`. */
  function policyEngine(feature: string): EngineAdapter {
    const native = createNativeEngine();
    class FakePolicyError extends Error {}
    return {
      ...native,
      name: 'fake',
      reference: false,
      distinguishesMalformed: true,
      compile(): unknown { throw new FakePolicyError('floats are not allowed'); },
      classify(e: unknown) {
        if (e instanceof FakePolicyError) return { kind: 'policy', trapCodes: [], feature, message: e.message };
        return native.classify(e);
      },
    };
  }

  it('skips a policy-rejected module only when the runner confirms the feature', () => {
    const script = `
      (module $F (func (export "f") (result f32) (f32.const 1)))
      (assert_return (invoke $F "f") (f32.const 1))
      (register "F" $F)
      (module (func (export "i") (result i32) (i32.const 1)))
      (assert_invalid (module (func (result f64))) "type mismatch")
    `;
    const r = run(script, policyEngine('floats'));
    expect([r.passed, r.failed, r.skipped]).toEqual([1, 1, 3]);
    expect(r.policyAccepted).toBe(1);
    // the integer-only module is not skipped: its policy error is a failure
    expect(r.failures[0].line).toBe(5);
    expect(r.failures[0].message).toMatch(/does not use "floats"/);
    const wrongFeature = run(script, policyEngine('threads'));
    expect(wrongFeature.skipped).toBe(0);
  });

  it('skips link failures caused by a skipped registration, and only those', () => {
    const native = createNativeEngine();
    class FakePolicyError extends Error {}
    const floatsRejected: EngineAdapter = {
      ...native,
      name: 'fake',
      reference: false,
      distinguishesMalformed: true,
      compile(b: Uint8Array): unknown {
        if (binaryFeatures(wabt, b)?.has('floats')) throw new FakePolicyError('floats');
        return native.compile(b);
      },
      classify(e: unknown) {
        if (e instanceof FakePolicyError) return { kind: 'policy', trapCodes: [], feature: 'floats', message: 'floats' };
        return native.classify(e);
      },
    };
    const r = run(`
      (module (func (export "f") (param f32)) (func (export "g")))
      (register "test")
      (module (import "test" "g" (func)))
      (module (import "test" "g" (func)) (import "spectest" "print" (func)))
      (assert_unlinkable (module (import "test" "g" (func)) (import "spectest" "print" (func))) "unknown import")
      (assert_unlinkable (module (import "spectest" "nope" (func))) "unknown import")
    `, floatsRejected);
    expect(r.skips.map((n) => [n.line, n.category])).toEqual([[2, 'module'], [3, 'register'], [4, 'module'], [6, 'assert_unlinkable']]);
    expect(r.skips[2].message).toMatch(/imports from "test", a skipped module \(line 2/);
    // a module that also imports from elsewhere: its link error might have another cause, so it counts
    expect(r.failures.map((n) => n.line)).toEqual([5]);
    expect(r.passed).toBe(1);
  });

  it('fails an engine that must enforce the policy but accepts a float module', () => {
    const r = run(`
      (module (func (export "f") (result f32) (f32.const 1)))
      (assert_return (invoke "f") (f32.const 1))
      (module (func (export "g") (result i32) (i32.const 1)))
    `, { ...createNativeEngine(), enforcesPolicy: true, allowsFloats: false });
    expect(r.failures.map((f) => [f.line, f.message])).toEqual([
      [2, 'the engine accepted a module that uses floats (determinism policy)'],
      [3, 'depends on a module that failed (line 2)'],
    ]);
    expect(r.passed).toBe(1);
  });

  it('does not count f32 inside names, strings or comments as float use', () => {
    expect(textFeatures(bytes('(module (func $f32 (export "f64") ;; f32.add\n))'))).toEqual(new Set());
    expect(textFeatures(bytes('(module (func (result i32) (i32.trunc_f32_s (f32.const 1))))'))).toEqual(new Set(['floats']));
    expect(keywordFeatures('i32.reinterpret_f32')).toEqual(['floats']);
    expect(keywordFeatures('f32x4.add')).toEqual(['simd']);
    expect(keywordFeatures('i32.atomic.load')).toEqual(['threads']);
    expect(keywordFeatures('shared')).toEqual(['threads']);
    expect(keywordFeatures('i32.add')).toEqual([]);
  });

  it('scans binary modules through wabt', () => {
    const floaty = watToWasm(wabt, bytes('(module (func (param f64)))'));
    const plain = watToWasm(wabt, bytes('(module (func (param i64)))'));
    expect(binaryFeatures(wabt, floaty)).toEqual(new Set(['floats']));
    expect(binaryFeatures(wabt, plain)).toEqual(new Set());
    expect(binaryFeatures(wabt, Uint8Array.from([1, 2, 3]))).toBeNull();
  });
});

describe('text conversion', () => {
  const sectionIds = (b: Uint8Array): number[] => {
    const ids: number[] = [];
    let pos = 8;
    while (pos < b.length) {
      ids.push(b[pos]);
      let size = 0;
      let shift = 0;
      let k = pos + 1;
      for (;;) { const x = b[k++]; size |= (x & 0x7f) << shift; shift += 7; if (!(x & 0x80)) break; }
      pos = k + size;
    }
    return ids;
  };
  it('inserts a data count section before the code section for memory.init without data', () => {
    const b = watToWasm(wabt, bytes('(module (memory 1) (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0))))'));
    expect(sectionIds(b)).toEqual([1, 3, 5, 12, 10]);
    const dc = b.indexOf(12, 8);
    expect(Array.from(b.subarray(dc, dc + 3))).toEqual([12, 1, 0]);
  });
  it('leaves modules without memory.init/data.drop alone', () => {
    const b = watToWasm(wabt, bytes('(module (memory 1) (func))'));
    expect(sectionIds(b)).not.toContain(12);
    expect(ensureDataCount(b)).not.toBe(b); // ensureDataCount itself always adds one when absent
  });
});

describe('trap messages', () => {
  it('maps spec messages by prefix', () => {
    expect(trapCodeFor('uninitialized element 2')).toBe('uninitialized_element');
    expect(trapCodeFor('out of bounds memory access')).toBe('memory_out_of_bounds');
    expect(trapCodeFor('something else')).toBeUndefined();
  });
});

describe('runner with the detwasm engine', () => {
  const script = `
    (module
      (func $fac (export "fac") (param i64) (result i64)
        (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
          (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
      (func (export "oob") (result i32) (i32.load (i32.const 70000)))
      (memory 1))
    (assert_return (invoke "fac" (i64.const 20)) (i64.const 2432902008176640000))
    (assert_trap (invoke "oob") "out of bounds memory access")
    (assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
    (assert_invalid (module (type (func (param f32))) (func (result i32))) "type mismatch")
    (assert_malformed (module binary "\\00asm\\01\\00\\00\\00\\0b") "malformed section id")
    (module $F (func (export "f") (result f64) (f64.const 1)))
    (assert_return (invoke $F "f") (f64.const 1))
  `;
  it.each([[undefined], [1_000_000n]])('scores strictly (gas %p)', (gas) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createDetwasmEngine } = require('./engines/detwasm.js') as typeof import('./engines/detwasm.js');
    const r = run(script, createDetwasmEngine({ gas }));
    expect(r.failures).toEqual([]);
    expect([r.passed, r.failed, r.skipped]).toEqual([6, 0, 2]);
    expect(r.skips[0].message).toMatch(/^policy: module uses floats/);
  });
  it('reports out of gas as a failure of the assertion', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createDetwasmEngine } = require('./engines/detwasm.js') as typeof import('./engines/detwasm.js');
    const r = run(script, createDetwasmEngine({ gas: 10n }));
    expect(r.failures[0].message).toMatch(/out_of_gas/);
  });
});

describe('float results are checked bit for bit', () => {
  // identity functions: their results are exactly their (NaN-payload) arguments
  const ids = `
    (module
      (func (export "f32") (param f32) (result f32) (local.get 0))
      (func (export "f64") (param f64) (result f64) (local.get 0))
      (func (export "two") (param f64 f32) (result f32 f64) (local.get 1) (local.get 0))
      (global (export "g") f64 (f64.const nan:0x4000000000001)))`;

  function engines(): Array<[string, EngineAdapter]> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createDetwasmEngine } = require('./engines/detwasm.js') as typeof import('./engines/detwasm.js');
    return [['native', createNativeEngine()], ['detwasm --floats', createDetwasmEngine({ floats: true })]];
  }

  it.each(engines())('%s: payloads, signs, nan:canonical and nan:arithmetic by bits', (_name, engine) => {
    const r = run(`${ids}
      (assert_return (invoke "f32" (f32.const nan:0x200001)) (f32.const nan:0x200001))
      (assert_return (invoke "f32" (f32.const -nan)) (f32.const -nan))
      (assert_return (invoke "f32" (f32.const nan)) (f32.const nan:canonical))
      (assert_return (invoke "f32" (f32.const nan:0x600000)) (f32.const nan:arithmetic))
      (assert_return (invoke "f64" (f64.const -nan:0x4000000000001)) (f64.const -nan:0x4000000000001))
      (assert_return (invoke "f64" (f64.const -0)) (f64.const -0))
      (assert_return (invoke "two" (f64.const nan:0x1) (f32.const nan:0x1)) (f32.const nan:0x1) (f64.const nan:0x1))
    `, engine);
    expect(r.failures).toEqual([]);
    expect([r.passed, r.failed, r.skipped]).toEqual([8, 0, 0]);
  });

  it.each(engines())('%s: a different payload, sign or non-canonical NaN is a failure, not a skip', (_name, engine) => {
    const r = run(`${ids}
      (assert_return (invoke "f32" (f32.const nan:0x200001)) (f32.const nan:0x200002))
      (assert_return (invoke "f32" (f32.const nan)) (f32.const -nan))
      (assert_return (invoke "f32" (f32.const nan:0x600000)) (f32.const nan:canonical))
      (assert_return (invoke "f32" (f32.const nan:0x200000)) (f32.const nan:arithmetic))
      (assert_return (invoke "f64" (f64.const 0)) (f64.const -0))
      (assert_return (invoke "f64" (f64.const nan:0x1)) (f64.const nan:0x2))
    `, engine);
    expect([r.passed, r.failed, r.skipped]).toEqual([1, 6, 0]);
    expect(r.failures[0].message).toBe('expected (f32.const bits 0x7fa00002), got (f32 bits 0x7fa00001)');
  });

  it('detwasm reads float globals from their bits', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createDetwasmEngine } = require('./engines/detwasm.js') as typeof import('./engines/detwasm.js');
    const r = run(`${ids}
      (assert_return (get "g") (f64.const nan:0x4000000000001))
      (assert_return (get "g") (f64.const nan:0x4000000000002))`, createDetwasmEngine({ floats: true }));
    expect([r.passed, r.failed]).toEqual([2, 1]);
  });

  it('detwasm --floats: float modules run; floats off, a policy skip', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createDetwasmEngine } = require('./engines/detwasm.js') as typeof import('./engines/detwasm.js');
    const script = `(module (func (export "add") (param f32) (result f32) (f32.add (local.get 0) (local.get 0))))
      (assert_return (invoke "add" (f32.const 1)) (f32.const 2))`;
    const on = run(script, createDetwasmEngine({ floats: true }));
    expect([on.passed, on.failed, on.skipped]).toEqual([2, 0, 0]);
    const off = run(script, createDetwasmEngine({}));
    expect(off.skips[0].message).toMatch(/^policy: module uses floats/);
  });
});
