/**
 * Multiple memories and memory64 (WebAssembly 3.0): memory indices on every
 * access, i64 addresses with exact bounds past 4 GiB, the fast path for
 * memory 0 and the cold rows for the others.
 */
import { Engine, Memory, Store, Table, Trap } from '../index.js';
import { wat3 } from '../validator/testutil.js';

function setup(text: string, gas?: number) {
  const engine = new Engine({ features: { preset: '3.0' } });
  const store = new Store(engine, gas === undefined ? {} : { gas });
  const instance = store.instantiate(engine.compile(wat3([text])[0]));
  return { store, exports: instance.exports as Record<string, any> };
}
const trapCode = (f: () => unknown) => { try { f(); } catch (e) { return (e as Trap).code; } return 'none'; };

describe('memory64', () => {
  const { exports } = setup(`(module
    (memory i64 1)
    (func (export "load") (param i64) (result i32) (i32.load (local.get 0)))
    (func (export "load_off") (param i64) (result i32) (i32.load offset=0x100000000 (local.get 0)))
    (func (export "store") (param i64 i32) (i64.store32 (local.get 0) (i64.extend_i32_u (local.get 1))))
    (func (export "load8") (param i64) (result i32) (i32.load8_u (local.get 0)))
    (func (export "size") (result i64) (memory.size))
    (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
    (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2))))`);
  test('addresses below, at and past 4 GiB', () => {
    exports.store(65532n, 0x01020304);
    expect(exports.load(65532n)).toBe(0x01020304);
    expect(trapCode(() => exports.load(65533n))).toBe('memory_out_of_bounds');
    // 2^32 + 4: its low word is an in-bounds address
    expect(trapCode(() => exports.load(0x100000004n))).toBe('memory_out_of_bounds');
    expect(trapCode(() => exports.load8(0x100000000n))).toBe('memory_out_of_bounds');
    expect(trapCode(() => exports.load(-1n))).toBe('memory_out_of_bounds');
    expect(trapCode(() => exports.store(0x100000000n, 1))).toBe('memory_out_of_bounds');
    // a u64 offset of 2^32 with address 0
    expect(trapCode(() => exports.load_off(0n))).toBe('memory_out_of_bounds');
    expect(trapCode(() => exports.fill(0x100000000n, 0, 0n))).toBe('memory_out_of_bounds');
    expect(trapCode(() => exports.fill(0n, 0, 0x100000000n))).toBe('memory_out_of_bounds');
  });
  test('size and grow in i64; the deterministic page limit still governs', () => {
    expect(exports.size()).toBe(1n);
    expect(exports.grow(1n)).toBe(1n);
    expect(exports.size()).toBe(2n);
    expect(exports.grow(0x100000000n)).toBe(-1n);
    expect(exports.grow(1_000_000n)).toBe(-1n);
    expect(exports.size()).toBe(2n);
  });
});

describe('multiple memories', () => {
  test('loads, stores, size, grow, fill, copy, init and data segments per memory', () => {
    const { exports } = setup(`(module
      (memory $a 1) (memory $b 2) (memory $c i64 1)
      (data (memory $b) (i32.const 8) "\\01\\02\\03\\04")
      (data $p "hello")
      (func (export "ld") (param i32) (result i32) (i32.load $b (local.get 0)))
      (func (export "ld_a") (param i32) (result i32) (i32.load $a (local.get 0)))
      (func (export "st_b") (param i32 i32) (i32.store $b (local.get 0) (local.get 1)))
      (func (export "ld8_c") (param i64) (result i32) (i32.load8_u $c (local.get 0)))
      (func (export "sizes") (result i32 i32 i64) (memory.size $a) (memory.size $b) (memory.size $c))
      (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
      (func (export "copy_bc") (memory.copy $c $b (i64.const 100) (i32.const 8) (i32.const 4)))
      (func (export "init_c") (memory.init $c $p (i64.const 200) (i32.const 0) (i32.const 5)))
      (func (export "fill_b") (param i32 i32 i32) (memory.fill $b (local.get 0) (local.get 1) (local.get 2))))`);
    expect(exports.ld(8)).toBe(0x04030201);
    expect(exports.ld_a(8)).toBe(0);
    exports.st_b(131068, 7);
    expect(exports.ld(131068)).toBe(7);
    expect(trapCode(() => exports.ld(131069))).toBe('memory_out_of_bounds');
    expect(trapCode(() => exports.ld_a(65533))).toBe('memory_out_of_bounds');
    expect(exports.sizes()).toEqual([1, 2, 1n]);
    expect(exports.grow_b(1)).toBe(2);
    expect(exports.sizes()).toEqual([1, 3, 1n]);
    exports.copy_bc();
    expect(exports.ld8_c(103n)).toBe(4);
    exports.init_c();
    expect(exports.ld8_c(204n)).toBe('o'.charCodeAt(0));
    exports.fill_b(0, 9, 4);
    expect(exports.ld(0)).toBe(0x09090909);
    expect(trapCode(() => exports.fill_b(196605, 1, 4))).toBe('memory_out_of_bounds');
  });
  test('several memories imported and exported', () => {
    const engine = new Engine({ features: { preset: '3.0' } });
    const store = new Store(engine);
    const a = store.instantiate(engine.compile(wat3([`(module (memory (export "m0") 1) (memory (export "m1") 1)
      (data (memory 1) (i32.const 0) "\\2a"))`])[0]));
    const b = store.instantiate(engine.compile(wat3([`(module (import "a" "m1" (memory 1)) (import "a" "m0" (memory 1))
      (func (export "f") (result i32) (i32.add (i32.load8_u 0 (i32.const 0)) (i32.load8_u 1 (i32.const 0)))))`])[0]), { a: a.exports as any });
    expect((b.exports as any).f()).toBe(42);
    expect(() => store.instantiate(engine.compile(wat3([`(module (import "a" "m0" (memory i64 1)))`])[0]), { a: a.exports as any })).toThrow(/address type/);
  });
});

describe('a memory 0 of more than 2 GiB', () => {
  // exec keeps the memory's length as a u32 (SPEED: compared without a float
  // conversion while it is below 2^31); past 2^31 the loop must still bound
  // every access exactly, after the optimized code first saw small lengths
  test('loads and stores past 2^31 and at the end, in an optimized loop', () => {
    const engine = new Engine({ limits: { maxMemoryPages: 40000 } });
    const store = new Store(engine, { gas: 1e12 });
    const module = engine.compile(wat3([`(module (memory 40000)
      (func (export "rw") (param i32 i32) (result i32)
        (i32.store (local.get 0) (local.get 1)) (i32.load (local.get 0))))`])[0]);
    const rw = store.instantiate(module).exports.rw as (a: number, v: number) => number;
    const end = 40000 * 65536;
    for (let k = 0; k < 100000; k++) rw(k * 4, k);
    expect(rw(0x80000064, 7)).toBe(7);
    expect(rw(end - 4, 9)).toBe(9);
    expect(trapCode(() => rw(end - 3, 1))).toBe('memory_out_of_bounds');
    for (let k = 0; k < 100000; k++) rw(0x80000000 + k * 4, k);
    expect(rw(0x9000000c, 11)).toBe(11);
    expect(trapCode(() => rw(end - 2, 1))).toBe('memory_out_of_bounds');
    expect(trapCode(() => rw(-1, 1))).toBe('memory_out_of_bounds');
  });
});

describe('table64', () => {
  test('i64 indices, sizes and deltas; indices of 2^32 or more are out of bounds', () => {
    const { exports } = setup(`(module
      (type $v (func (result i32)))
      (table $t i64 2 funcref) (elem (table $t) (i64.const 1) func $one)
      (func $one (result i32) (i32.const 1))
      (func (export "call") (param i64) (result i32) (call_indirect $t (type $v) (local.get 0)))
      (func (export "isnull") (param i64) (result i32) (ref.is_null (table.get $t (local.get 0))))
      (func (export "set") (param i64) (table.set $t (local.get 0) (ref.func $one)))
      (func (export "size") (result i64) (table.size $t))
      (func (export "grow") (param i64) (result i64) (table.grow $t (ref.null func) (local.get 0)))
      (func (export "fill") (param i64 i64) (table.fill $t (local.get 0) (ref.func $one) (local.get 1))))`);
    expect(exports.call(1n)).toBe(1);
    expect(trapCode(() => exports.call(0n))).toBe('uninitialized_element');
    expect(trapCode(() => exports.call(0x100000001n))).toBe('undefined_element');
    expect(exports.isnull(0n)).toBe(1);
    expect(trapCode(() => exports.isnull(0x100000000n))).toBe('table_out_of_bounds');
    expect(trapCode(() => exports.set(0x100000000n))).toBe('table_out_of_bounds');
    exports.set(0n);
    expect(exports.call(0n)).toBe(1);
    expect(exports.size()).toBe(2n);
    expect(exports.grow(3n)).toBe(2n);
    expect(exports.grow(0x100000000n)).toBe(-1n);
    expect(exports.size()).toBe(5n);
    exports.fill(2n, 3n);
    expect(exports.call(4n)).toBe(1);
    expect(trapCode(() => exports.fill(0x100000000n, 0n))).toBe('table_out_of_bounds');
    expect(trapCode(() => exports.fill(0n, 0x100000000n))).toBe('table_out_of_bounds');
  });
});

describe('custom page sizes', () => {
  test('a memory of 1-byte pages: size, grow and bounds in bytes; the page limit in 64 KiB pages still governs', () => {
    const engine = new Engine({ features: { preset: '3.0', customPageSizes: true }, limits: { maxMemoryPages: 2 } });
    const store = new Store(engine);
    const x = store.instantiate(engine.compile(wat3([`(module
      (memory 3 (pagesize 1))
      (func (export "size") (result i32) (memory.size))
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
      (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))`])[0])).exports as any;
    expect(x.size()).toBe(3);
    x.store8(2, 9);
    expect(x.load8(2)).toBe(9);
    expect(trapCode(() => x.load8(3))).toBe('memory_out_of_bounds');
    expect(x.grow(5)).toBe(3);
    expect(x.size()).toBe(8);
    expect(x.load8(7)).toBe(0);
    expect(trapCode(() => x.load8(8))).toBe('memory_out_of_bounds');
    expect(x.grow(131072 - 8)).toBe(8);
    expect(x.size()).toBe(131072);
    expect(x.grow(1)).toBe(-1);
  });
});

describe("JS API address type 'i64' (memory64, table64): sizes, deltas and indices are bigints", () => {
  const thrown = (f: () => unknown): Error => { try { f(); } catch (e) { return e as Error; } throw new Error('did not throw'); };

  test('new Memory({ address: "i64" }): bigint initial / maximum, grow(bigint) returns a bigint; links to an i64 memory import only', () => {
    const m = new Memory({ address: 'i64', initial: 1n, maximum: 3n });
    expect(m.buffer.byteLength).toBe(65536);
    expect(m.grow(1n)).toBe(1n);
    expect(m.grow(0n)).toBe(2n);
    expect(() => m.grow(2n)).toThrow(RangeError);
    expect(() => m.grow(0xffffffffffffffffn)).toThrow(RangeError);
    const engine = new Engine({ features: { preset: '3.0' } });
    const store = new Store(engine);
    const imp64 = engine.compile(wat3(['(module (import "e" "m" (memory i64 1)) (func (export "size") (result i64) (memory.size)))'])[0]);
    expect((store.instantiate(imp64, { e: { m } }).exports as any).size()).toBe(2n);
    const imp32 = engine.compile(wat3(['(module (import "e" "m" (memory 1)))'])[0]);
    expect(() => store.instantiate(imp32, { e: { m } })).toThrow(/memory address type mismatch: expected i32/);
    expect(() => store.instantiate(imp64, { e: { m: new Memory({ initial: 1 }) } })).toThrow(/memory address type mismatch: expected i64/);
    // an exported i64 memory takes and returns bigints too
    const own = store.instantiate(engine.compile(wat3(['(module (memory (export "m") i64 1 2))'])[0])).exports.m as Memory;
    expect(own.grow(1n)).toBe(1n);
  });

  test('new Table({ address: "i64" }): bigint initial, length, get / set indices and grow; links to an i64 table import only', () => {
    const t = new Table({ address: 'i64', element: 'externref', initial: 2n, maximum: 4n }, 'x');
    expect(t.length).toBe(2n);
    expect(t.get(1n)).toBe('x');
    t.set(0n, 'y');
    expect(t.get(0n)).toBe('y');
    expect(t.grow(1n, 'z')).toBe(2n);
    expect(t.length).toBe(3n);
    expect(t.get(2n)).toBe('z');
    expect(() => t.get(3n)).toThrow(RangeError);
    expect(() => t.grow(2n)).toThrow(RangeError);
    const engine = new Engine({ features: { preset: '3.0' } });
    const store = new Store(engine);
    const imp64 = engine.compile(wat3(['(module (import "e" "t" (table i64 1 externref)) (func (export "size") (result i64) (table.size)))'])[0]);
    expect((store.instantiate(imp64, { e: { t } }).exports as any).size()).toBe(3n);
    const imp32 = engine.compile(wat3(['(module (import "e" "t" (table 1 externref)))'])[0]);
    expect(() => store.instantiate(imp32, { e: { t } })).toThrow(/table address type mismatch: expected i32/);
    const own = store.instantiate(engine.compile(wat3(['(module (table (export "t") i64 1 funcref))'])[0])).exports.t as Table;
    expect(own.length).toBe(1n);
    expect(own.get(0n)).toBe(null);
    expect(own.grow(2n)).toBe(1n);
  });

  test('bad input: TypeErrors naming the member and what is wrong; RangeErrors for limits', () => {
    // a number where a bigint is due (i64) and the reverse (i32)
    expect(thrown(() => new Memory({ address: 'i64', initial: 1 }))).toEqual(new TypeError('Memory: initial must be a bigint for address type i64, got number'));
    expect(thrown(() => new Memory({ address: 'i64', initial: 1n, maximum: 2 }))).toEqual(new TypeError('Memory: maximum must be a bigint for address type i64, got number'));
    expect(thrown(() => new Memory({ initial: 1n }))).toEqual(new TypeError('Memory: initial must be a number for address type i32, got a bigint'));
    expect(thrown(() => new Memory({ address: 'i64', initial: 1n }).grow(1))).toEqual(new TypeError('Memory.grow: delta must be a bigint for address type i64, got number'));
    expect(thrown(() => new Memory({ initial: 1 }).grow(1n))).toEqual(new TypeError('Memory.grow: delta must be a number for address type i32, got a bigint'));
    expect(thrown(() => new Table({ address: 'i64', element: 'funcref', initial: 1 }))).toEqual(new TypeError('Table: initial must be a bigint for address type i64, got number'));
    const t = new Table({ address: 'i64', element: 'funcref', initial: 1n });
    expect(thrown(() => t.get(0))).toEqual(new TypeError('Table.get: index must be a bigint for address type i64, got number'));
    expect(thrown(() => t.set(0, null))).toEqual(new TypeError('Table.set: index must be a bigint for address type i64, got number'));
    expect(thrown(() => t.grow(1))).toEqual(new TypeError('Table.grow: delta must be a bigint for address type i64, got number'));
    // outside 0..2^64-1
    expect(thrown(() => new Memory({ address: 'i64', initial: -1n }))).toEqual(new TypeError('Memory: initial must be in 0..2^64-1, got -1'));
    expect(thrown(() => new Table({ address: 'i64', element: 'externref', initial: 1n << 64n }))).toEqual(new TypeError('Table: initial must be in 0..2^64-1, got 18446744073709551616'));
    // unknown address types
    expect(thrown(() => new Memory({ address: 'i16' as any, initial: 1 }))).toEqual(new TypeError("Memory: address must be 'i32' or 'i64', got 'i16'"));
    expect(thrown(() => new Table({ address: 64 as any, element: 'funcref', initial: 1 }))).toEqual(new TypeError("Table: address must be 'i32' or 'i64', got 64"));
    // limits
    expect(() => new Memory({ address: 'i64', initial: 2n, maximum: 1n })).toThrow(RangeError);
    expect(() => new Memory({ address: 'i64', initial: 1n << 40n })).toThrow(RangeError);
    expect(() => new Table({ address: 'i64', element: 'funcref', initial: 2n, maximum: 1n })).toThrow(RangeError);
  });
});
