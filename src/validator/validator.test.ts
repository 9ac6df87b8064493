/**
 * The validator's spec rules (typical invalid modules, with the spec
 * interpreter's messages), the polymorphic stack of unreachable code, and what
 * `ValidatedModule` carries for the compiler.
 */
import { decode } from '../decoder/index.js';
import { resolveConfig } from '../config.js';
import { InvalidError, MalformedError } from '../errors.js';
import { validate } from './index.js';
import { errorOf, validateWat, wat } from './testutil.js';

const invalid: Array<[message: string, wat: string]> = [
  ['unknown local 5', '(module (func (param i32) (local.get 5) (drop)))'],
  ['unknown local 2', '(module (func (param i32) (local i64) (local.set 2 (i32.const 0))))'],
  ['unknown label 1', '(module (func (br 1)))'],
  ['unknown label 2', '(module (func (block (br_table 0 2 (i32.const 0)))))'],
  ['unknown function 3', '(module (func (call 3)))'],
  ['unknown function 7', '(module (func (ref.func 7) (drop)))'],
  ['unknown global 1', '(module (global i32 (i32.const 0)) (func (drop (global.get 1))))'],
  ['unknown table 0', '(module (func (drop (table.size 0))))'],
  ['unknown table 0', '(module (type $t (func)) (func (call_indirect (type $t) (i32.const 0))))'],
  ['unknown memory 0', '(module (func (drop (memory.size))))'],
  ['unknown memory 0', '(module (func (drop (i32.load (i32.const 0)))))'],
  ['unknown memory 0', '(module (data (i32.const 0) "a"))'],
  ['unknown table 0', '(module (func) (elem (i32.const 0) 0))'],
  ['unknown data segment 1', '(module (memory 1) (data "a") (func (data.drop 1)))'],
  ['unknown elem segment 0', '(module (func (elem.drop 0)))'],
  ['global is immutable', '(module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))'],
  ['constant expression required', '(module (import "m" "g" (global (mut i32))) (global i32 (global.get 0)))'],
  ['constant expression required', '(module (memory 1) (data (offset (i32.const 0) (nop)) "a"))'],
  ['unknown global 0', '(module (global i32 (i32.const 0)) (global i32 (global.get 0)))'],
  ['type mismatch', '(module (global i64 (i32.const 0)))'],
  ['type mismatch', '(module (memory 1) (data (i64.const 0) "a"))'],
  ['invalid result arity', '(module (func (select (result i32 i32) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)) (drop) (drop)))'],
  ['multiple memories', '(module (memory 1) (memory 1))'],
  ['multiple memories', '(module (import "m" "mem" (memory 1)) (memory 1))'],
  ['size minimum must not be greater than maximum', '(module (memory 2 1))'],
  ['size minimum must not be greater than maximum', '(module (table 2 1 funcref))'],
  ['memory size must be at most 65536 pages (4GiB)', '(module (memory 65537))'],
  ['memory size must be at most 65536 pages (4GiB)', '(module (memory 0 65537))'],
  ['alignment must not be larger than natural', '(module (memory 1) (func (drop (i32.load align=8 (i32.const 0)))))'],
  ['alignment must not be larger than natural', '(module (memory 1) (func (i64.store8 align=2 (i32.const 0) (i64.const 0))))'],
  ['type mismatch', '(module (table 1 externref) (type $t (func)) (func (call_indirect (type $t) (i32.const 0))))'],
  ['undeclared function reference', '(module (func $f) (func (drop (ref.func $f))))'],
  ['duplicate export name', '(module (func (export "a")) (global (export "a") i32 (i32.const 0)))'],
  ['start function', '(module (func $s (param i32)) (start $s))'],
  ['start function', '(module (func $s (result i32) (i32.const 0)) (start $s))'],
  ['type mismatch', '(module (func (result i32) (i64.const 0)))'],
  ['type mismatch', '(module (func (i32.const 0)))'],
  ['type mismatch', '(module (func (result i32) (i32.const 0) (i32.const 0)))'],
  ['type mismatch', '(module (func (param i64) (drop (select (i32.const 1) (local.get 0) (i32.const 0)))))'],
  ['type mismatch', '(module (func (param funcref) (drop (select (local.get 0) (local.get 0) (i32.const 0)))))'],
  ['type mismatch', '(module (func (result i32) (i64.const 0) (if (param i64) (result i32) (i32.const 0) (then (drop) (i32.const 1)))))'],
  ['type mismatch', '(module (func (result i32) (i32.const 0) (if (result i32) (then (i32.const 1)))))'],
  ['type mismatch', '(module (func (block (result i32) (block (result i64) (br_table 0 1 (i64.const 0) (i32.const 0))) (drop) (i32.const 0)) (drop)))'],
  ['type mismatch', '(module (func (block (block (result i32) (br_table 0 1 (i32.const 0) (i32.const 0)))) ))'],
  ['type mismatch', '(module (func (result i32) (return (i64.const 1))))'],
  ['type mismatch', '(module (func (block (i32.const 1))))'],
  ['type mismatch', '(module (func (i32.const 0) (block (drop))))'],
  ['type mismatch', '(module (func (result i32) (i32.const 0) (loop (param i32) (result i32) (br 0 (i64.const 1)))))'],
  ['type mismatch', '(module (func (ref.is_null (i32.const 0)) (drop)))'],
  ['type mismatch', '(module (table 1 funcref) (elem externref (ref.null extern)) (func (table.init 0 (i32.const 0) (i32.const 0) (i32.const 0))))'],
  ['type mismatch', '(module (table 1 funcref) (table 1 externref) (func (table.copy 0 1 (i32.const 0) (i32.const 0) (i32.const 0))))'],
  ['type mismatch', '(module (table 1 externref) (func) (elem (table 0) (i32.const 0) func 0))'],
  ['type mismatch', '(module (table 1 funcref) (func (table.set 0 (i32.const 0) (ref.null extern))))'],
  ['type mismatch', '(module (func (unreachable) (i64.const 0) (i32.add) (drop)))'],
  ['type mismatch', '(module (func (result i32) (unreachable) (br 0 (i64.const 0))))'],
  ['type mismatch', '(module (func (call 1 (i64.const 0))) (func (param i32)))'],
];

describe('invalid modules', () => {
  test.each(invalid)('%s: %s', async (message, text) => {
    const e = await errorOf(text);
    expect(e).toBeInstanceOf(InvalidError);
    expect((e as InvalidError).reason.startsWith(message)).toBe(true);
  });
});

const valid: Array<[name: string, wat: string]> = [
  ['operands popped from the polymorphic stack', '(module (func (result i32) (unreachable) (i32.add)))'],
  ['select on an unknown type', '(module (func (result i64) (unreachable) (select)))'],
  ['select with one unknown operand', '(module (func (result i64) (unreachable) (i64.const 1) (i32.const 0) (select)))'],
  ['br_table to labels of equal arity through unreachable code', '(module (func (result i32) (block (result i32) (unreachable) (br_table 0 1))))'],
  ['br_table with the default of a loop (no values)', '(module (func (loop (block (br_table 0 1 (i32.const 0))))))'],
  ['code after br', '(module (func (result i32) (br 0 (i32.const 1)) (i64.const 0) (drop)))'],
  ['block with params and multiple results', '(module (func (result i32 i64) (i32.const 1) (i64.const 2) (block (param i32 i64) (result i32 i64))))'],
  ['if with params', '(module (func (param i32) (result i32) (local.get 0) (local.get 0) (if (param i32) (result i32) (then (i32.const 1) (i32.add)) (else))))'],
  ['if without else with matching params and results', '(module (func (param i32) (result i32) (local.get 0) (local.get 0) (if (param i32) (result i32) (then))))'],
  ['ref.func of a function declared in an element segment', '(module (func $f) (elem declare func $f) (func (drop (ref.func $f))))'],
  ['ref.func of an exported function', '(module (func $f (export "f")) (func (drop (ref.func $f))))'],
  ['ref.func of a function referenced by a global', '(module (func $f) (global funcref (ref.func $f)) (func (drop (ref.func $f))))'],
  ['typed select of references', '(module (func (param externref) (result externref) (select (result externref) (local.get 0) (ref.null extern) (i32.const 1))))'],
  ['constant global.get of an immutable import', '(module (import "m" "g" (global i32)) (global i32 (global.get 0)) (memory 1) (data (global.get 0) "x"))'],
  ['bulk memory with a data count section', '(module (memory 1) (data "abc") (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 3)) (data.drop 0)))'],
  ['table instructions', '(module (table $t 1 10 externref) (func (param externref) (result i32) (table.fill $t (i32.const 0) (local.get 0) (i32.const 1)) (drop (table.get $t (i32.const 0))) (table.grow $t (local.get 0) (i32.const 1))))'],
  ['memory size 65536 pages', '(module (memory 0 65536))'],
  ['sign extension', '(module (func (param i64) (result i64) (i64.extend32_s (local.get 0))))'],
];

describe('valid modules', () => {
  test.each(valid)('%s', async (_name, text) => {
    await expect(validateWat(text)).resolves.toBeDefined();
  });
});

test('memory.init without a data count section is malformed (spec 5.5.16)', async () => {
  // wabt writes no data count section when there are no data segments.
  const e = await errorOf('(module (memory 1) (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0))))');
  expect(e).toBeInstanceOf(MalformedError);
  expect(e.message).toMatch(/^data count section required/);
});

test('unknown type index in the function section (decoded module edited)', async () => {
  const m = decode(await wat('(module (func))'));
  m.funcs[0] = 9;
  expect(() => validate(m, resolveConfig())).toThrow(/^unknown type 9/);
});

test('unknown type index in a block type and in call_indirect (decoded module edited)', async () => {
  const m = decode(await wat('(module (table 1 funcref) (func (block) (call_indirect (i32.const 0))))'));
  const body = m.codes[0].body;
  expect(body[0]).toBe(0x02); // block [bt]
  body[2] = 4;
  expect(() => validate(m, resolveConfig())).toThrow(/^unknown type 4/);
});

test('an instruction after the function\'s final end is invalid, at its offset (decoded module edited)', async () => {
  const bytes = await wat('(module (func nop))');
  const m = decode(bytes);
  const body = m.codes[0].body; // [nop, at] [end, at]
  expect([body[0], body[2]]).toEqual([0x01, 0x0b]);
  body[0] = 0x0b;
  body[2] = 0x01;
  let err: InvalidError | undefined;
  try {
    validate(m, resolveConfig());
  } catch (e) {
    err = e as InvalidError;
  }
  expect(err).toBeInstanceOf(InvalidError);
  expect(err!.message).toMatch(/^instructions after the final end/);
  expect(err!.offset).toBe(body[3]);
  expect(bytes[err!.offset!]).toBe(0x0b); // the original end's byte, where the nop now stands
});

test('errors carry the function index and the byte offset of the instruction', async () => {
  const bytes = await wat('(module (func) (func (result i32) (i32.const 0) (i64.const 1) (i32.add)))');
  let err: InvalidError | undefined;
  try {
    validate(decode(bytes), resolveConfig());
  } catch (e) {
    err = e as InvalidError;
  }
  expect(err).toBeInstanceOf(InvalidError);
  expect(err!.funcIndex).toBe(1);
  expect(bytes[err!.offset!]).toBe(0x6a); // i32.add
  expect(err!.message).toMatch(/^type mismatch: expected i32, got i64 \(at function 1, offset 0x[0-9a-f]+\)$/);
});

describe('ValidatedModule', () => {
  test('index spaces, imports first', async () => {
    const vm = await validateWat(`(module
      (type $v (func))
      (type $ii (func (param i32) (result i32)))
      (import "m" "f" (func $imp (type $ii)))
      (import "m" "g" (global $gi i64))
      (import "m" "t" (table 1 funcref))
      (import "m" "mem" (memory 1))
      (table 2 externref)
      (global $g (mut i32) (i32.const 0))
      (global $r funcref (ref.func $a))
      (func $a (type $v))
      (func $b (type $ii) (local i64 i64)
        (block (result i32) (block (result i32) (local.get 0) (call $imp) (local.get 0) (i32.add) (br 1))))
      (func $c (result i32) (i32.const 1) (i32.const 2) (i32.const 3) (i32.add) (i32.add))
      (elem declare func $c)
      (export "b" (func $b)))`);
    expect(vm.numImportedFuncs).toBe(1);
    expect(vm.numImportedGlobals).toBe(1);
    expect(vm.numImportedTables).toBe(1);
    expect(vm.numImportedMems).toBe(1);
    expect(vm.funcTypes.map((t) => [t.params.length, t.results.length])).toEqual([[1, 1], [0, 0], [1, 1], [0, 1]]);
    expect(vm.globalTypes.map((g) => [g.valtype, g.mutable])).toEqual([[0x7e, false], [0x7f, true], [0x70, false]]);
    expect(vm.tableTypes.map((t) => t.elemtype)).toEqual([0x70, 0x6f]);
    expect(vm.memTypes).toHaveLength(1);
    expect(vm.module.codes).toHaveLength(3);
  });

  test('C.refs: functions referenced by a global, an export or an element segment, not others', async () => {
    const mod = (target: string) => `(module
      (import "m" "f" (func $imp))
      (global $r funcref (ref.func $a))
      (func $a) (func $b) (func $c) (func $d)
      (elem declare func $c)
      (export "b" (func $b))
      (func (drop (ref.func ${target}))))`;
    for (const f of ['$a', '$b', '$c']) await expect(validateWat(mod(f))).resolves.toBeDefined();
    for (const f of ['$imp', '$d']) {
      const e = await errorOf(mod(f));
      expect((e as InvalidError).reason).toMatch(/^undeclared function reference/);
    }
  });
});

describe('work is linear in code size', () => {
  const pattern = `
    (block (result i32)
      (block (result i32)
        (loop (result i32)
          (local.get 0) (i32.const 1) (i32.add) (local.set 0)
          (br_if 0 (local.get 0))
          (br_table 1 2 1 2 2 (local.get 0) (local.get 0)))))
    (if (result i32) (then (call $g (i32.const 1) (i64.const 2))) (else (unreachable) (select)))
    (drop)`;
  const module = (n: number, funcs: number): string =>
    `(module (func $g (param i32 i64) (result i32) (local.get 0))` +
    `(func (local i32) ${pattern.repeat(n)})`.repeat(funcs) + ')';
  const steps = async (text: string): Promise<number> => {
    const stats = { steps: 0 };
    await validateWat(text, {}, stats);
    return stats.steps;
  };

  test('10x the instructions in one function costs 10x the steps', async () => {
    const s1 = await steps(module(100, 1));
    const s10 = await steps(module(1000, 1));
    expect(s1).toBeGreaterThan(100 * 15);
    expect(s10 / s1).toBeGreaterThan(9.5);
    expect(s10 / s1).toBeLessThan(10.5);
  });

  test('10x the functions costs 10x the steps', async () => {
    const s1 = await steps(module(10, 20));
    const s10 = await steps(module(10, 200));
    expect(s10 / s1).toBeGreaterThan(9.5);
    expect(s10 / s1).toBeLessThan(10.5);
  });

  test('10x the nesting depth costs 10x the steps', async () => {
    // Built by hand: wabt's text parser recurses too deeply for this.
    const nested = (n: number): Uint8Array => {
      const body = [0x00, ...Array(n).fill([0x02, 0x40]).flat(), ...Array(n + 1).fill(0x0b)];
      const leb = (v: number): number[] => {
        const out: number[] = [];
        do { let b = v & 0x7f; v >>>= 7; if (v) b |= 0x80; out.push(b); } while (v);
        return out;
      };
      const code = [0x01, ...leb(body.length), ...body];
      return new Uint8Array([
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: [] -> []
        0x03, 0x02, 0x01, 0x00, // function section
        0x0a, ...leb(code.length), ...code, // code section
      ]);
    };
    const steps = (n: number): number => {
      const stats = { steps: 0 };
      validate(decode(nested(n)), resolveConfig(), stats);
      return stats.steps;
    };
    const s1 = steps(2000);
    const s10 = steps(20000);
    expect(s10 / s1).toBeGreaterThan(9.5);
    expect(s10 / s1).toBeLessThan(10.5);
  });
});

describe('locals', () => {
  const fn = '(func (param i64 i32) (local i32 i32 i32) (local i64 i64) (local externref) (local i32)';
  // index: 0 i64, 1 i32, 2-4 i32, 5-6 i64, 7 externref, 8 i32
  const types = ['i64', 'i32', 'i32', 'i32', 'i32', 'i64', 'i64', 'externref', 'i32'];
  test.each(types.map((t, i) => [i, t] as const))('local %i has type %s', async (i, t) => {
    await expect(validateWat(`(module ${fn} (local.set ${i} (local.get ${i}))))`)).resolves.toBeDefined();
    const other = t === 'i32' ? '(i64.const 0)' : '(i32.const 0)';
    const e = await errorOf(`(module ${fn} (local.set ${i} ${other})))`);
    expect((e as InvalidError).reason).toMatch(/^type mismatch/);
  });
  test('one past the last local is unknown', async () => {
    const e = await errorOf(`(module ${fn} (drop (local.get 9))))`);
    expect((e as InvalidError).reason).toBe('unknown local 9');
  });
  test('many locals declared in few bytes cost neither memory nor work per local', () => {
    // 1000 functions, each declaring 49,999 i32 locals in 4 bytes and reading the last one.
    const leb = (v: number): number[] => {
      const out: number[] = [];
      do { let b = v & 0x7f; v >>>= 7; if (v) b |= 0x80; out.push(b); } while (v);
      return out;
    };
    const n = 1000;
    const body = [0x01, ...leb(49_999), 0x7f, 0x20, ...leb(49_998), 0x1a, 0x0b];
    const codes = Array(n).fill([body.length, ...body]).flat();
    const sec = (id: number, c: number[]) => [id, ...leb(c.length), ...c];
    const bytes = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      ...sec(1, [1, 0x60, 0, 0]),
      ...sec(3, [...leb(n), ...Array(n).fill(0)]),
      ...sec(10, [...leb(n), ...codes]),
    ]);
    const m = decode(bytes);
    const stats = { steps: 0 };
    const before = process.memoryUsage().arrayBuffers;
    validate(m, resolveConfig(), stats);
    const grew = process.memoryUsage().arrayBuffers - before;
    // Expanding the locals would take 50 MB.
    expect(grew).toBeLessThan(1_000_000);
    expect(stats.steps).toBeLessThan(10 * n);
  });
});

test('br_table type-checks each distinct label once', async () => {
  const text = (targets: number) => `(module (type $t (func (result i32 i32 i32 i32 i32)))
    (func (block (type $t) (block (type $t)
      (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
      (br_table ${'0 1 '.repeat(targets / 2)} 0 (i32.const 0))))
      (drop) (drop) (drop) (drop) (drop)))`;
  const steps = async (targets: number) => {
    const stats = { steps: 0 };
    await validateWat(text(targets), {}, stats);
    return stats.steps;
  };
  // One step per target; the five-value type check happens once per distinct label.
  expect((await steps(1000)) - (await steps(10))).toBe(990);
  // Still checked: a target of another arity is rejected.
  const e = await errorOf(text(10).replace('(br_table 0 1', '(br_table 0 2'));
  expect((e as InvalidError).reason).toMatch(/^type mismatch: br_table targets have different arities/);
});
