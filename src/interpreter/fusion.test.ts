/**
 * Register-style translation and superinstructions: semantics at the edges
 * (address wrap-around, aliasing of destinations and operands) and that the
 * folds actually happen (instruction counts of the compiled code).
 */
import { Engine, Store } from '../index';
import { compileFresh, instantiateWat, listingOf, resumeByUnits, rng, thrown, wat } from './testutil';
import { Op } from './ops';

async function listing(text: string, fn = 0, metered = false): Promise<string> {
  return listingOf(new Engine().compile(await wat(text)), fn, metered);
}

test('a folded i32.add of a constant wraps like i32.add before the offset is added', async () => {
  const s = await instantiateWat(`(module (memory 1) (data (i32.const 0) "\\2a\\00\\00\\00")
    (func (export "ld") (param i32) (result i32) (i32.load (i32.add (local.get 0) (i32.const 4))))
    (func (export "ldoff") (param i32) (result i32) (i32.load offset=8 (i32.add (local.get 0) (i32.const -1))))
    (func (export "st") (param i32) (i32.store8 (i32.add (local.get 0) (i32.const 4)) (i32.const 7)))
    (func (export "ld8") (param i32) (result i32) (i32.load8_u (i32.add (local.get 0) (i32.const 4)))))`);
  expect(s.exports.ld(-4)).toBe(42); // 0xFFFFFFFC + 4 wraps to 0
  expect(thrown(() => s.exports.ldoff(0)).code).toBe('memory_out_of_bounds'); // 0xFFFFFFFF + 8 does not wrap
  expect(thrown(() => s.exports.ldoff(-7)).code).toBe('memory_out_of_bounds'); // u32(-8) + 8 = 2^32
  expect(s.exports.ldoff(-7 + 8)).toBe(0); // 0 + 8
  s.exports.st(-3);
  expect(s.exports.ld8(-3)).toBe(7);
  expect(thrown(() => s.exports.ld(65533)).code).toBe('memory_out_of_bounds');
  const l = await listing('(module (memory 1) (func (param i32) (result i32) (i32.load (i32.add (local.get 0) (i32.const 4)))))');
  expect(l).not.toContain('I32_ADD_SI');
});

test('x + (i << k) in both operand orders', async () => {
  const s = await instantiateWat(`(module
    (func (export "a") (param i32 i32) (result i32) (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 3))))
    (func (export "b") (param i32 i32) (result i32) (i32.add (i32.shl (local.get 1) (i32.const 35)) (local.get 0)))
    (func (export "c") (param i32) (result i32) (local.set 0 (i32.add (local.get 0) (i32.shl (local.get 0) (i32.const 1)))) (local.get 0)))`);
  expect(s.exports.a(1, 5)).toBe(41);
  expect(s.exports.b(1, 5)).toBe(41); // shift count 35 & 31 = 3
  expect(s.exports.a(0, 0x40000000)).toBe(0);
  expect(s.exports.c(7)).toBe(21);
  expect(await listing('(module (func (param i32 i32) (result i32) (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 3)))))')).toContain('I32_ADD_SHL_SSII');
});

test('(i << k) + (y + imm) is one I32_ADD_SHL_SSII, and a constant added to it folds into its imm', async () => {
  const text = `(module (memory 1) (data (i32.const 8) "\\2a\\00\\00\\00\\07\\00\\00\\00")
    (func (export "a") (param i32 i32) (result i32) (i32.add (i32.shl (local.get 1) (i32.const 34)) (i32.add (local.get 0) (i32.const 32))))
    (func (export "b") (param i32 i32) (result i32)
      (i32.add (i32.add (i32.shl (local.get 1) (i32.const 2)) (i32.add (local.get 0) (i32.const 2147483647))) (i32.const 3)))
    (func (export "ld") (param i32 i32) (result i32) (local i32)
      (i32.add (i32.load (local.tee 2 (i32.add (i32.add (i32.shl (local.get 1) (i32.const 2)) (i32.add (local.get 0) (i32.const 32))) (i32.const -8))))
        (local.get 2)))
    (func (export "tee") (param i32 i32) (result i32) (local i32)
      (i32.add (i32.add (local.tee 2 (i32.shl (local.get 1) (i32.const 2))) (i32.add (local.get 0) (i32.const 4))) (local.get 2))))`;
  const s = await instantiateWat(text);
  expect(s.exports.a(5, 3)).toBe(5 + 32 + 12); // shift count 34 & 31 = 2
  expect(s.exports.a(-32, 0x40000000)).toBe(0); // wraps to 0
  expect(s.exports.b(1, 1)).toBe((1 + 2147483647 + 4 + 3) | 0); // imm 2147483647 + 3 wraps, the sum wraps alike
  expect(s.exports.b(-2147483647, -1)).toBe((-2147483647 + 2147483647 - 4 + 3) | 0);
  expect(s.exports.ld(-20, 1)).toBe(42 + 8); // address 4 + (-20 + 32) - 8 = 8
  expect(s.exports.ld(-16, 1)).toBe(7 + 12);
  expect(thrown(() => s.exports.ld(65536 - 24, 0)).code).toBe('memory_out_of_bounds');
  expect(s.exports.tee(10, 3)).toBe(12 + 14 + 12); // the shift kept in a local: not folded, same result
  expect(await listing(text, 0)).toMatch(/I32_ADD_SHL_SSII \d+ 0 2 34 32/); // [dst, x, i, k, imm]
  expect(await listing(text, 0)).not.toMatch(/I32_SHL|I32_ADD_SI /);
  expect(await listing(text, 1)).toMatch(/I32_ADD_SHL_SSII \d+ 0 2 2 -2147483646/);
  expect(await listing(text, 2)).toMatch(/I32_LOAD_AX \d+ 4 0 2 0 24 2\n/); // the tee'd address in local 2 (slot 4): [dst, adst, x, i, offset, imm, k]
  expect(await listing(text, 3)).toContain('I32_ADD_SI ');
});

test('base + (--i << k) with the base added before the step is one I32_LOAD_IDX after the step; not when the step writes the base', async () => {
  // a stack in memory popped by a counter stepped in between: (local.get b + 32) (local.tee i (i - 1)) << 2, added, loaded
  const text = `(module (memory 1) (data (i32.const 40) "\\01\\00\\00\\00\\02\\00\\00\\00\\03\\00\\00\\00")
    (func (export "pop") (param i32 i32) (result i32)
      (i32.add (i32.mul (i32.load (i32.add (i32.add (local.get 0) (i32.const 32)) (i32.shl (local.tee 1 (i32.add (local.get 1) (i32.const -1))) (i32.const 2))))
        (i32.const 100)) (local.get 1)))
    (func (export "same") (param i32) (result i32)
      (i32.load (i32.add (i32.add (local.get 0) (i32.const 32)) (i32.shl (local.tee 0 (i32.add (local.get 0) (i32.const -1))) (i32.const 2))))))`;
  const s = await instantiateWat(text);
  expect(s.exports.pop(8, 1)).toBe(100 * 1 + 0); // 8 + 32 + 0
  expect(s.exports.pop(8, 3)).toBe(100 * 3 + 2);
  expect(s.exports.pop(-32, 11)).toBe(100 * 1 + 10); // -32 + 32 + 40 = 40
  expect(thrown(() => s.exports.pop(-36, 0)).code).toBe('memory_out_of_bounds'); // -36 + 32 - 4 wraps to 2^32 - 8
  expect(s.exports.same(4)).toBe(3); // the base reads the local before the step: 4 + 32 + (3 << 2) = 48 (after it: 47, 768)
  expect(await listing(text, 0)).toMatch(/I32_ADD_SI\w* 2 2 -1\n\s+\d+: I32_LOAD_IDX \d+ 0 2 0 32 2\n/); // [dst, x, i, offset, imm, k]
  expect(await listing(text, 1)).toMatch(/I32_ADD_SI \d+ 0 32/);
});

test('(x << 16) >> 16 and (x << 24) >> 24 (signed) are one I32_EXTEND16_S_S / I32_EXTEND8_S_S; other shift pairs are not', async () => {
  const f = (name: string, k1: number, op: string, k2: number) =>
    `(func (export "${name}") (param i32) (result i32) (i32.${op} (i32.shl (local.get 0) (i32.const ${k1})) (i32.const ${k2})))`;
  const text = `(module ${f('s16', 16, 'shr_s', 16)} ${f('s8', 24, 'shr_s', 24)} ${f('s8w', 56, 'shr_s', 24)} ${f('mix', 16, 'shr_s', 8)} ${f('u16', 16, 'shr_u', 16)})`;
  const s = await instantiateWat(text);
  for (const x of [0, 1, 0x7fff, 0x8000, 0xffff, 0x12348765, -1, 0x80, 0x7f, 0x1ff, -0x80000000]) {
    expect([x, s.exports.s16(x)]).toEqual([x, (x << 16) >> 16]);
    expect([x, s.exports.s8(x)]).toEqual([x, (x << 24) >> 24]);
    expect([x, s.exports.s8w(x)]).toEqual([x, (x << 24) >> 24]); // shift count 56 & 31 = 24
    expect([x, s.exports.mix(x)]).toEqual([x, (x << 16) >> 8]);
    expect([x, s.exports.u16(x)]).toEqual([x, ((x << 16) >>> 16) | 0]);
  }
  expect(await listing(text, 0)).toMatch(/I32_EXTEND16_S_S/);
  expect(await listing(text, 1)).toMatch(/I32_EXTEND8_S_S/);
  expect(await listing(text, 2)).toMatch(/I32_EXTEND8_S_S/);
  expect(await listing(text, 3)).not.toMatch(/EXTEND/);
  expect(await listing(text, 4)).not.toMatch(/EXTEND/);
  for (const l of [await listing(text, 0), await listing(text, 1)]) expect(l).not.toMatch(/I32_SH/);
  // gas: one unit per wasm instruction, as unfused (get, const, shl, const, shr_s, end)
  const m = await instantiateWat(text, { config: { gas: 'unit' }, gas: 1000 });
  const g0 = m.store.gasUsed;
  m.exports.s16(5);
  expect(m.store.gasUsed - g0).toBe(6);
});

test('local.set retargets the producer; pending local.get values survive the overwrite', async () => {
  const s = await instantiateWat(`(module
    (func (export "swap") (param i32 i32) (result i32 i32)
      local.get 0 local.get 1 local.set 0 local.set 1 local.get 0 local.get 1)
    (func (export "old") (param i32) (result i32 i32)
      local.get 0 (local.set 0 (i32.add (local.get 0) (i32.const 1))) local.get 0)
    (func (export "tee") (param i32) (result i32)
      (i32.add (local.tee 0 (i32.mul (local.get 0) (i32.const 3))) (local.get 0))))`);
  expect(s.exports.swap(1, 2)).toEqual([2, 1]);
  expect(s.exports.old(5)).toEqual([5, 6]);
  expect(s.exports.tee(4)).toBe(24);
  const l = await listing('(module (func (param i32 i32) (local.set 1 (i32.add (local.get 0) (local.get 1)))))');
  expect(l.split('\n').length).toBe(2); // i32.add into the local + return
});

test('results overwrite parameter slots in the right order', async () => {
  const s = await instantiateWat(`(module
    (func (export "rot") (param i32 i32 i32) (result i32 i32 i32) local.get 2 local.get 0 local.get 1))`);
  expect(s.exports.rot(1, 2, 3)).toEqual([3, 1, 2]);
});

test('metered code charges taken branches and calls without separate GAS dispatches in loops', async () => {
  const l = await listing(`(module (func (param i32) (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))`, 0, true);
  // one GAS at the loop head (entered by fall-through), the back edge charges it itself
  expect(l.match(/GAS/g)!.length).toBe(1);
  expect(l).toMatch(/BR_IF_S \d+ (\d+) [1-9]/);
});

test('compilation work is linear in code size (deep stacks, many blocks)', async () => {
  const steps = async (n: number) => {
    const body = 'i32.const 1 '.repeat(n) + '(block) (if (local.get 0) (then)) '.repeat(n) + 'drop '.repeat(n);
    const e = new Engine();
    const m = e.compile(await wat(`(module (func (param i32) ${body}))`));
    const stats = { steps: 0 };
    compileFresh(m, 0, true, stats);
    return stats.steps;
  };
  const a = await steps(1000), b = await steps(4000);
  expect(b).toBeLessThanOrEqual(4 * a + 100);
});

test('br_table to a label with many results compiles in time linear in its targets (issue 21: was O(targets x arity))', async () => {
  const steps = async (targets: number, results: number) => {
    const t = 'i32 '.repeat(results);
    const body = `(block (result ${t}) ${'(i32.const 0) '.repeat(results)} (br_table ${'0 '.repeat(targets)}0 (local.get 0)))` + ' drop'.repeat(results);
    const e = new Engine();
    const m = e.compile(await wat(`(module (func (param i32) ${body}))`));
    const stats = { steps: 0 };
    compileFresh(m, 0, true, stats);
    return stats.steps;
  };
  const one = await steps(20000, 1), many = await steps(20000, 300);
  // the 300 values cost their own instructions once, not once per target
  expect(many).toBeLessThan(one + 20 * 300);
});

test('folded i32.shl + i32.add address arithmetic wraps like the separate instructions', async () => {
  const s = await instantiateWat(`(module (memory 1)
    (func (export "st") (param i32 i32) (i32.store offset=4 (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const 1024)) (local.get 1)))
    (func (export "ld") (param i32) (result i32) (i32.load offset=4 (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const 1024))))
    (func (export "ld0") (param i32) (result i32) (i32.load (i32.shl (local.get 0) (i32.const 34))))
    (func (export "raw") (param i32) (result i32) (i32.load (local.get 0))))`);
  s.exports.st(3, 77);
  expect(s.exports.raw(1024 + 12 + 4)).toBe(77);
  expect(s.exports.ld(3)).toBe(77);
  expect(s.exports.ld(0x40000003)).toBe(77); // (i << 2) wraps to 12
  expect(s.exports.ld(-253)).toBe(0); // (-253 << 2) + 1024 = 12 (mod 2^32), + 4 = 16
  expect(thrown(() => s.exports.ld(-257)).code).toBe('memory_out_of_bounds'); // (-257 << 2) + 1024 = -4 -> 2^32 - 4
  expect(s.exports.ld0(1040 / 4)).toBe(77); // shift count 34 & 31 = 2
  const l = await listing('(module (memory 1) (func (param i32) (result i32) (i32.load offset=4 (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const 1024)))))');
  expect(l).not.toMatch(/I32_SHL_SI|I32_ADD_SI/);
});

test('consecutive copies become COPY2 and keep their order (a swap through a temporary)', async () => {
  const text = `(module (func (export "swap") (param i32 i32) (result i32 i32) (local i32)
    local.get 0 local.set 2 local.get 1 local.set 0 local.get 2 local.set 1 local.get 0 local.get 1))`;
  const s = await instantiateWat(text);
  expect(s.exports.swap(3, 9)).toEqual([9, 3]);
  const l = await listing(text);
  // i32 values: the low slots only (COPY4_32)
  expect(l).toContain('COPY4_32 4 0 0 2 2 4 6 0');
  // seven copies (three local.set, four result moves) in three records, the last one with the return
  expect(l.split('\n').filter((x) => / COPY(2|4|4_32)?(_RET)? /.test(x))).toHaveLength(3);
  expect(l).toMatch(/ COPY_RET 2 8$/);
  // two results' moves in one copy2, with the return
  const two = '(module (func (export "two") (param i32 i32 i32 i32) (result i32 i32) local.get 2 local.get 3))';
  expect((await instantiateWat(two)).exports.two(1, 2, 3, 4)).toEqual([3, 4]);
  expect(await listing(two)).toMatch(/^ +0: COPY2_RET 0 4 2 6$/);
});

test('x + imm + (i << k) folds into i32.load / i32.store and wraps like the separate instructions', async () => {
  const text = `(module (memory 1) (data (i32.const 4) "\\2a\\00\\00\\00")
    (func (export "addr") (param i32 i32) (result i32)
      (i32.add (i32.add (local.get 0) (i32.const 8)) (i32.shl (local.get 1) (i32.const 2))))
    (func (export "ld") (param i32 i32) (result i32)
      (i32.load offset=4 (i32.add (i32.add (local.get 0) (i32.const 8)) (i32.shl (local.get 1) (i32.const 2)))))
    (func (export "st") (param i32 i32 i32)
      (i32.store offset=4 (i32.add (i32.add (local.get 0) (i32.const 8)) (i32.shl (local.get 1) (i32.const 2))) (local.get 2)))
    (func (export "stc") (param i32 i32)
      (i32.store (i32.add (i32.add (local.get 0) (i32.const 8)) (i32.shl (local.get 1) (i32.const 2))) (i32.const 99)))
    (func (export "at") (param i32) (result i32) (i32.load (local.get 0))))`;
  const s = await instantiateWat(text);
  expect(s.exports.addr(1, 3)).toBe(21);
  expect(s.exports.addr(-8, 0x40000000)).toBe(0); // -8 + 8 + (2^30 << 2) wraps to 0
  expect(s.exports.ld(-12, 1)).toBe(42); // u32(-12 + 8 + 4) = 0, + offset 4
  expect(s.exports.ld(-8, 0x40000000)).toBe(42); // the shift wraps to 0
  expect(thrown(() => s.exports.ld(-12, 0)).code).toBe('memory_out_of_bounds'); // (2^32 - 4) + 4: the offset does not wrap
  expect(thrown(() => s.exports.ld(-8, 0x3fffffff)).code).toBe('memory_out_of_bounds'); // same through the shift
  expect(thrown(() => s.exports.ld(65520, 3)).code).toBe('memory_out_of_bounds'); // 65540 + 4 > 65536
  s.exports.st(-12, 1, 77);
  expect(s.exports.at(4)).toBe(77);
  expect(thrown(() => s.exports.st(-12, 0, 1)).code).toBe('memory_out_of_bounds');
  s.exports.stc(-8, 0x40000001);
  expect(s.exports.at(4)).toBe(99);
  expect(await listing(text, 1)).toContain('I32_LOAD_IDX');
  expect(await listing(text, 1)).not.toContain('I32_ADD');
  expect(await listing(text, 2)).toContain('I32_STORE_IDX');
  expect(await listing(text, 3)).not.toContain('I32_STORE_IDX'); // a constant value: not folded
  expect(await listing(text, 0)).toMatch(/I32_ADD_SHL_SSII \d+ 0 2 2 8/); // [dst, x, i, k, imm]
});

test('an i32.load feeding br_table is one BR_TABLE_LOAD: cases, default, unsigned index, bounds, unit gas', async () => {
  const text = `(module (memory 1)
    (data (i32.const 4) "\\00\\00\\00\\00\\01\\00\\00\\00\\02\\00\\00\\00\\07\\00\\00\\00\\ff\\ff\\ff\\ff")
    (func (export "sw") (param i32) (result i32)
      (block (block (block (br_table 0 1 2 (i32.load offset=4 (i32.add (local.get 0) (i32.const -4)))))
        (return (i32.const 10))) (return (i32.const 11)))
      (i32.const 12)))`;
  const results: number[] = [];
  for (const metered of [false, true]) {
    const s = await instantiateWat(text, metered ? { config: { gas: 'unit' }, gas: 1e9 } : {});
    for (const a of [4, 8, 12, 16, 20]) results.push(s.exports.sw(a));
    expect(thrown(() => s.exports.sw(65533)).code).toBe('memory_out_of_bounds');
    expect(thrown(() => s.exports.sw(0)).code).toBe('memory_out_of_bounds'); // u32(0 - 4) + 4 = 2^32
    if (metered) {
      const before = s.store.gasUsed;
      s.exports.sw(4);
      // block x3, local.get, i32.const, i32.add, i32.load, br_table, i32.const, return
      expect(s.store.gasUsed - before).toBe(10);
    }
  }
  expect(results).toEqual([10, 11, 12, 12, 12, 10, 11, 12, 12, 12]);
  const l = await listing(text);
  expect(l).toContain('BR_TABLE_LOAD');
  expect(l).not.toContain('I32_LOAD');
});

test('(i << k) + imm is one I32_SHL_ADD_SII, still folded into a load, and wraps', async () => {
  const text = `(module (memory 1) (data (i32.const 8) "\\2a")
    (func (export "f") (param i32) (result i32) (i32.add (i32.shl (local.get 0) (i32.const 34)) (i32.const 4)))
    (func (export "tee") (param i32) (result i32) (local i32)
      (i32.load8_u (local.tee 1 (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const 4)))) (local.get 1) (i32.add))
    (func (export "ld") (param i32) (result i32) (i32.load8_u (i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const 4)))))`;
  const s = await instantiateWat(text);
  expect(s.exports.f(3)).toBe(16); // shift count 34 & 31 = 2
  expect(s.exports.f(0x7fffffff)).toBe(0); // (2^31 - 1) << 2 = -4, + 4 wraps to 0
  expect(s.exports.tee(1)).toBe(42 + 8);
  expect(s.exports.ld(1)).toBe(42);
  expect(s.exports.ld(0x40000001)).toBe(42); // the shift wraps: 4 + 4
  expect(await listing(text, 0)).toMatch(/^\s+0: I32_SHL_ADD_SII \d+ 0 2 4$/m);
  expect(await listing(text, 1)).toContain('I32_SHL_ADD_SII 2 0 2 4'); // retargeted to local 1 by local.tee
  const ld = await listing(text, 2);
  expect(ld).not.toContain('I32_SHL');
  expect(ld).not.toContain('ADD');
});

test('x ^ shift(y, k) is one I32_XOR_<shift>_SSI in both operand orders, k mod 32, rotr as rotl', async () => {
  const shifts: Array<[string, (v: number, k: number) => number, string]> = [
    ['shl', (v, k) => v << k, 'I32_XOR_SHL_SSI'],
    ['shr_u', (v, k) => v >>> k, 'I32_XOR_SHR_U_SSI'],
    ['rotl', (v, k) => (v << k) | (v >>> (32 - k)), 'I32_XOR_ROTL_SSI'],
    ['rotr', (v, k) => (v >>> k) | (v << (32 - k)), 'I32_XOR_ROTL_SSI'],
  ];
  const ks = [0, 1, 13, 31, 32, 35];
  let funcs = '';
  for (const [name] of shifts) {
    for (const k of ks) {
      funcs += `(func (export "${name}${k}a") (param i32 i32) (result i32) (i32.xor (local.get 0) (i32.${name} (local.get 1) (i32.const ${k}))))
        (func (export "${name}${k}b") (param i32 i32) (result i32) (i32.xor (i32.${name} (local.get 1) (i32.const ${k})) (local.get 0)))`;
    }
  }
  const text = `(module ${funcs}
    (func (export "self") (param i32) (result i32) (local.set 0 (i32.xor (local.get 0) (i32.rotl (local.get 0) (i32.const 5)))) (local.get 0))
    (func (export "sigma") (param i32) (result i32)
      (i32.xor (i32.xor (i32.rotr (local.get 0) (i32.const 2)) (i32.rotr (local.get 0) (i32.const 13))) (i32.rotr (local.get 0) (i32.const 22)))))`;
  const s = await instantiateWat(text);
  const next = rng(7);
  for (let t = 0; t < 20; t++) {
    const x = next() | 0, y = next() | 0;
    for (const [name, f] of shifts) {
      for (const k of ks) {
        const want = x ^ f(y, k & 31);
        expect([name, k, s.exports[`${name}${k}a`](x, y)]).toEqual([name, k, want]);
        expect([name, k, s.exports[`${name}${k}b`](x, y)]).toEqual([name, k, want]);
      }
    }
    expect(s.exports.self(x)).toBe(x ^ ((x << 5) | (x >>> 27)));
    const r = (v: number, k: number) => (v >>> k) | (v << (32 - k));
    expect(s.exports.sigma(x)).toBe(r(x, 2) ^ r(x, 13) ^ r(x, 22));
  }
  for (let i = 0; i < shifts.length; i++) {
    for (const half of [0, 1]) {
      const l = await listing(text, (i * ks.length + 2) * 2 + half); // k = 13
      expect(l).toContain(shifts[i][2]);
      expect(l).not.toMatch(/I32_(SHL|SHR_U|ROTL|ROTR)_SI|I32_XOR_SS/);
    }
  }
  expect(await listing(text, shifts.length * ks.length * 2)).toMatch(/I32_XOR_ROTL_SSI 0 0 0 5/); // retargeted to local 0
  // Σ0: one op (rotr k as rotl 32 - k)
  expect(await listing(text, shifts.length * ks.length * 2 + 1)).toMatch(/^\s+0: I32_ROTL3_XOR_SIII 0 0 30 19 10\n\s+\d+: RETURN $/);
});

test('three shifts of one value xor-ed (SHA-2 Σ and σ) are one op in any operand order; two rotations one I32_ROTL2_XOR_SII', async () => {
  const rotl = (v: number, k: number) => (v << k) | (v >>> (32 - k));
  const rot = (k: number) => `(i32.rotl (local.get 0) (i32.const ${k}))`;
  const rotr = (k: number) => `(i32.rotr (local.get 0) (i32.const ${k}))`;
  const shr = (k: number) => `(i32.shr_u (local.get 0) (i32.const ${k}))`;
  const x2 = (a: string, b: string) => `(i32.xor ${a} ${b})`;
  const cases: Array<[string, string, (v: number, w: number) => number, string]> = [
    ['S0', x2(x2(rotr(2), rotr(13)), rotr(22)), (v) => rotl(v, 30) ^ rotl(v, 19) ^ rotl(v, 10), 'I32_ROTL3_XOR_SIII 0 0 30 19 10'],
    ['S0r', x2(x2(rot(0), rot(35)), rotr(10)), (v) => v ^ rotl(v, 3) ^ rotl(v, 22), 'I32_ROTL3_XOR_SIII 0 0 0 3 22'],
    ['s0', x2(x2(rotr(7), rotr(18)), shr(3)), (v) => rotl(v, 25) ^ rotl(v, 14) ^ (v >>> 3), 'I32_ROTL2_SHR_U_XOR_SIII 0 0 25 14 3'],
    ['s0r', x2(x2(rotr(17), rot(13)), shr(10)), (v) => rotl(v, 15) ^ rotl(v, 13) ^ (v >>> 10), 'I32_ROTL2_SHR_U_XOR_SIII 0 0 15 13 10'],
    ['r2', x2(rot(5), rotr(5)), (v) => rotl(v, 5) ^ rotl(v, 27), 'I32_ROTL2_XOR_SII 0 0 5 27'],
    // not one value: the fused xors of the shifts as before
    ['two', x2(x2(rot(5), '(i32.rotl (local.get 1) (i32.const 6))'), rot(7)), (v, w) => rotl(v, 5) ^ rotl(w, 6) ^ rotl(v, 7), 'I32_XOR_ROTL_SSI'],
    // a shift first, then rotations: only the last two are one op
    ['shr1', x2(x2(shr(3), rot(5)), rot(7)), (v) => (v >>> 3) ^ rotl(v, 5) ^ rotl(v, 7), 'I32_XOR_ROTL_SSI'],
    // the two rotations' xor not the last record: xor-ed as a slot
    ['outer', x2(rot(22), x2(rot(0), rot(35))), (v) => rotl(v, 22) ^ v ^ rotl(v, 3), 'I32_ROTL2_XOR_SII 6 0 0 3'],
  ];
  let funcs = '';
  for (const [name, body] of cases) funcs += `(func (export "${name}") (param i32 i32) (result i32) ${body})`;
  funcs += `(func (export "tee") (param i32) (result i32) (i32.xor (i32.xor ${rot(1)} ${rot(2)}) (i32.rotl (local.tee 0 (i32.const 7)) (i32.const 3))))`;
  const text = `(module ${funcs})`;
  const s = await instantiateWat(text);
  const next = rng(11);
  for (let t = 0; t < 50; t++) {
    const v = t === 0 ? -1 : t === 1 ? 0 : t === 2 ? -2147483648 : next() | 0, w = next() | 0;
    for (const [name, , f] of cases) expect([name, s.exports[name](v, w)]).toEqual([name, f(v, w) | 0]);
    expect(s.exports.tee(v)).toBe(rotl(v, 1) ^ rotl(v, 2) ^ rotl(7, 3));
  }
  for (let i = 0; i < cases.length; i++) {
    const l = await listing(text, i);
    expect(l).toContain(cases[i][3]);
    if (i < 5) expect(l.split('\n')).toHaveLength(2); // the op and return
  }
  // resumed one unit of gas at a time: same result
  const r = await instantiateWat(text, { config: { gas: 'unit' }, gas: 0 });
  const { call: c, pauses } = resumeByUnits(r.store, r.exports.S0, 0x12345678, 0);
  expect(c.value).toBe(rotl(0x12345678, 30) ^ rotl(0x12345678, 19) ^ rotl(0x12345678, 10));
  expect(pauses).toBeGreaterThan(5);
});

test('four copies in a row (a rotation of locals) are one COPY4, done in order', async () => {
  const text = `(module (func (export "rot") (param i32 i32 i32 i32 i32 i32) (result i32)
    (local.set 5 (local.get 4)) (local.set 4 (local.get 3)) (local.set 3 (local.get 2)) (local.set 2 (local.get 1))
    (local.set 1 (local.get 5))
    (i32.add (i32.add (i32.add (i32.mul (local.get 1) (i32.const 10000)) (i32.mul (local.get 2) (i32.const 1000)))
      (i32.add (i32.mul (local.get 3) (i32.const 100)) (i32.mul (local.get 4) (i32.const 10)))) (local.get 5)))
    (func (export "loop") (param i32) (result i32) (local i32 i32 i32 i32 i32 i32 i32 i32)
      (local.set 1 (i32.const 1)) (local.set 2 (i32.const 2)) (local.set 3 (i32.const 3)) (local.set 4 (i32.const 4))
      (loop $l
        (local.set 8 (i32.add (local.get 4) (local.get 1)))
        (local.set 7 (local.get 6)) (local.set 6 (local.get 5)) (local.set 5 (local.get 4)) (local.set 4 (local.get 3))
        (local.set 3 (local.get 2)) (local.set 2 (local.get 1)) (local.set 1 (local.get 8))
        (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (i32.xor (i32.xor (local.get 1) (i32.shl (local.get 4) (i32.const 8))) (i32.shl (local.get 7) (i32.const 16)))))`;
  const s = await instantiateWat(text);
  // 5 <- 4 <- 3 <- 2 <- 1 <- (old) 4 ... in order: 1 gets the new 5, the old 4
  expect(s.exports.rot(0, 1, 2, 3, 4, 5)).toBe(4 * 10000 + 1 * 1000 + 2 * 100 + 3 * 10 + 4);
  const ref = (n: number) => {
    let [x1, x2, x3, x4, x5, x6, x7] = [1, 2, 3, 4, 0, 0, 0];
    do {
      const x8 = (x4 + x1) | 0;
      [x7, x6, x5, x4, x3, x2, x1] = [x6, x5, x4, x3, x2, x1, x8];
    } while (--n !== 0);
    return x1 ^ (x4 << 8) ^ (x7 << 16);
  };
  for (const n of [1, 2, 7, 100]) expect(s.exports.loop(n)).toBe(ref(n));
  expect(await listing(text, 0)).toMatch(/COPY4_32 10 8 8 6 6 4 4 2\n\s+\d+: COPY 2 10/);
  expect((await listing(text, 1)).match(/COPY4_32/g)).toHaveLength(1);
  const r = await instantiateWat(text, { config: { gas: 'unit' }, gas: 0 });
  const { call: c, pauses } = resumeByUnits(r.store, r.exports.loop, 20);
  expect(c.value).toBe(ref(20));
  expect(pauses).toBeGreaterThan(20 * 10);
});

test('four copies of i32/f32 values move the low slots only (COPY4_32); with an i64 or f64 among them both slots (COPY4)', async () => {
  // the same swap through a temporary (three local.set, then the results) in each type
  const swap = (t: string) => `(func (export "${t}") (param ${t} ${t}) (result ${t} ${t}) (local ${t})
    local.get 0 local.set 2 local.get 1 local.set 0 local.get 2 local.set 1 local.get 0 local.get 1)`;
  const text = `(module ${swap('i32')} ${swap('f32')} ${swap('i64')} ${swap('f64')}
    (func (export "mixed") (param i32 i64) (result i64 i32) (local i32 i64)
      (local.set 2 (i32.add (local.get 0) (i32.const 1))) (local.set 3 (i64.add (local.get 1) (i64.const 1)))
      (local.set 0 (local.get 2)) (local.set 1 (local.get 3)) (local.set 2 (local.get 0)) (local.set 3 (local.get 1))
      (local.get 1) (local.get 0)))`;
  const floats = { features: { floats: true } };
  const bytes = await wat(text);
  const s = await instantiateWat(text, { config: floats });
  expect(s.exports.i32(3, -9)).toEqual([-9, 3]);
  expect(s.exports.f32(1.5, -2.25)).toEqual([-2.25, 1.5]);
  // the high words move: values past 2^32, and doubles whose low words are 0
  expect(s.exports.i64(0x123456789abcn, -0x7edcba987654n)).toEqual([-0x7edcba987654n, 0x123456789abcn]);
  expect(s.exports.f64(1e300, -0.5)).toEqual([-0.5, 1e300]);
  expect(s.exports.mixed(5, 0x7000000000000001n)).toEqual([0x7000000000000002n, 6]);
  const list = (fn: number) => listingOf(s.engine.compile(bytes), fn, false);
  expect(list(0)).toContain('COPY4_32 4 0 0 2 2 4 6 0');
  expect(list(1)).toContain('COPY4_32 4 0 0 2 2 4 6 0');
  expect(list(2)).toContain('COPY4 4 0 0 2 2 4 6 0');
  expect(list(3)).toContain('COPY4 4 0 0 2 2 4 6 0');
  expect(list(4)).toMatch(/ COPY4 /);
});

test('a return moving an f64 result into an f32 parameter\'s slot copies both slots (COPY4, not COPY4_32)', async () => {
  // The results go to the parameter slots: slot 0 is the f32 parameter's, but the value moved there is
  // the f64 result. The four copies (parameter 1 saved, then the three results) were once a COPY4_32,
  // the copy's type taken from the slot, and the f64 lost its high word (fuzz seed 679476226)
  const text = `(module (func (export "t") (param f32 f32) (result f64 i32 f32)
    (f64.add (f64.const 0.5) (f64.promote_f32 (local.get 0)))
    (i32.trunc_f32_s (local.get 0))
    (local.get 1)
    return))`;
  const floats = { features: { floats: true } };
  const bytes = await wat(text);
  for (const metered of [false, true]) {
    const s = await instantiateWat(text, { config: metered ? { ...floats, gas: 'unit' } : floats, gas: metered ? 1e9 : undefined });
    expect(s.exports.t(3.5, -2.25)).toEqual([4, 3, -2.25]);
    const l = listingOf(s.engine.compile(bytes), 0, metered);
    expect(l).toMatch(/ COPY4 /);
    expect(l).not.toContain('COPY4_32');
  }
});

test('(a + b) + c and c + (a + b) are one I32_ADD3_SSS and wrap like two i32.add', async () => {
  const text = `(module
    (func (export "l") (param i32 i32 i32) (result i32) (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2)))
    (func (export "r") (param i32 i32 i32) (result i32) (i32.add (local.get 2) (i32.add (local.get 0) (local.get 1))))
    (func (export "set") (param i32 i32 i32) (result i32) (local.set 0 (i32.add (local.get 0) (i32.add (local.get 0) (local.get 1)))) (local.get 0))
    (func (export "chain") (param i32 i32 i32) (result i32)
      (i32.add (local.get 0) (i32.add (local.get 1) (i32.add (local.get 2) (i32.add (local.get 0) (local.get 1)))))))`;
  const s = await instantiateWat(text);
  const next = rng(11);
  const cases = [[0x7fffffff, 0x7fffffff, 0x7fffffff], [-0x80000000, -0x80000000, -0x80000000], [-1, 1, 0], [5, 6, 7]];
  for (let t = 0; t < 20; t++) cases.push([next() | 0, next() | 0, next() | 0]);
  for (const [a, b, c] of cases) {
    expect(s.exports.l(a, b, c)).toBe((a + b + c) | 0);
    expect(s.exports.r(a, b, c)).toBe((a + b + c) | 0);
    expect(s.exports.set(a, b, c)).toBe((a + a + b) | 0);
    expect(s.exports.chain(a, b, c)).toBe((2 * a + 2 * b + c) | 0);
  }
  for (const f of [0, 1]) {
    const l = await listing(text, f);
    expect(l).toContain('I32_ADD3_SSS');
    expect(l).not.toContain('I32_ADD_SS');
  }
  expect(await listing(text, 2)).toMatch(/I32_ADD3_SSS 0 0 2 0/); // retargeted to local 0
  const chain = (await listing(text, 3)).split('\n');
  expect(chain.filter((x) => x.includes('I32_ADD3_SSS'))).toHaveLength(2); // (((0+1)+2)+1)+0: add3, add3
  expect(chain.filter((x) => x.includes('I32_ADD_SS'))).toHaveLength(0);
});

test('a load feeding an i32 binary op is one fused op: both operand orders, folded addresses, traps before any write', async () => {
  // [wasm load, wasm op, right operand (a local or a constant), fused op, reference]
  const cases: Array<[string, string, string, string, (v: number, y: number) => number]> = [
    ['i32.load', 'i32.add', '(local.get 1)', 'I32_LOAD_ADD_S', (v, y) => (v + y) | 0],
    ['i32.load', 'i32.and', '(i32.const 7)', 'I32_LOAD_AND_I', (v) => v & 7],
    ['i32.load16_s', 'i32.mul', '(local.get 1)', 'I32_LOAD16_S_MUL_S', (v, y) => Math.imul(v, y)],
    ['i32.load8_u', 'i32.add', '(local.get 1)', 'I32_LOAD8_U_ADD_S', (v, y) => (v + y) | 0],
    ['i32.load16_u', 'i32.add', '(local.get 1)', 'I32_LOAD16_U_ADD_S', (v, y) => (v + y) | 0],
  ];
  let funcs = '';
  cases.forEach(([load, bin, y], i) => {
    const ld = `(${load} offset=4 (i32.add (local.get 0) (i32.const 8)))`;
    funcs += `(func (export "a${i}") (param i32 i32) (result i32) (${bin} ${ld} ${y}))
      (func (export "b${i}") (param i32 i32) (result i32) (${bin} ${y} ${ld}))
      (func (export "t${i}") (param i32 i32) (result i32)
        (global.set 0 (i32.const 1)) (local.set 1 (${bin} ${ld} ${y})) (global.set 0 (i32.const 2)) (local.get 1))`;
  });
  const text = `(module (memory 1) (global (export "g") (mut i32) (i32.const 0))
    (data (i32.const 12) "\\f1\\82\\93\\a4") (data (i32.const 65532) "\\05\\86\\07\\88") ${funcs})`;
  const s = await instantiateWat(text);
  const u8 = new Uint8Array(65536);
  u8.set([0xf1, 0x82, 0x93, 0xa4], 12);
  u8.set([0x05, 0x86, 0x07, 0x88], 65532);
  const dv = new DataView(u8.buffer);
  const value = (load: string, ea: number) => load === 'i32.load' ? dv.getInt32(ea, true) : load === 'i32.load16_s' ? dv.getInt16(ea, true)
    : load === 'i32.load16_u' ? dv.getUint16(ea, true) : u8[ea];
  const size = (load: string) => load === 'i32.load' ? 4 : load === 'i32.load8_u' ? 1 : 2;
  cases.forEach(([load, , y, , f], i) => {
    for (const [addr, ea] of [[0, 12], [-8, 4], [65520 - size(load) + 4, 65536 - size(load)], [-7, 5]]) {
      for (const l1 of [3, -100000, 0x7fffffff]) {
        const want = f(value(load, ea), y.startsWith('(i32.const') ? 7 : l1);
        expect([i, addr, s.exports[`a${i}`](addr, l1)]).toEqual([i, addr, want]);
        expect([i, addr, s.exports[`b${i}`](addr, l1)]).toEqual([i, addr, want]);
      }
    }
    // past the end by one byte, and the (u32) address + offset not wrapping
    for (const addr of [65536 - 12 - size(load) + 1, -12, -9]) {
      s.exports.g.value = 0;
      expect(thrown(() => s.exports[`t${i}`](addr, 1)).code).toBe('memory_out_of_bounds');
      expect(s.exports.g.value).toBe(1); // the instructions before the access ran, the ones after did not
    }
  });
  for (let i = 0; i < cases.length; i++) {
    for (const f of [0, 1, 2]) {
      if (f === 1 && cases[i][2].startsWith('(i32.const')) continue; // a constant left operand stays a slot operand
      const l = await listing(text, 3 * i + f);
      expect(l).toContain(cases[i][3]);
      expect(l).not.toMatch(/ I32_LOAD(8_U|16_S|16_U)? | I32_(ADD|AND|MUL)_S[SI] /);
    }
  }
  expect(await listing(text, 2)).toMatch(/I32_LOAD_ADD_S 2 0 2 4 8 0/); // retargeted to local 1, which is also its operand
});

test('an i32.add of a constant right before br is one I32_ADD_SI_BR; a loop iteration still charges every instruction', async () => {
  const text = `(module (func (export "sum") (param i32) (result i32) (local i32 i32)
    (block $done (loop $l
      (br_if $done (i32.ge_s (local.get 1) (local.get 0)))
      (local.set 2 (i32.add (local.get 2) (local.get 1)))
      (local.set 1 (i32.add (local.get 1) (i32.const 3)))
      (br $l)))
    (local.get 2)))`;
  const s = await instantiateWat(text, { config: { gas: 'unit' }, gas: 1e9 });
  const gas = (n: number) => {
    const before = s.store.gasUsed;
    const r = s.exports.sum(n);
    return [r, s.store.gasUsed - before];
  };
  const [r10, g10] = gas(30), [r13, g13] = gas(39);
  expect(r10).toBe(0 + 3 + 6 + 9 + 12 + 15 + 18 + 21 + 24 + 27);
  expect(r13).toBe(r10 + 30 + 33 + 36);
  // 3 more iterations x (local.get x2, i32.ge_s, br_if, local.get x2, i32.add, local.set, local.get, i32.const, i32.add, local.set, br)
  expect(g13 - g10).toBe(3 * 13);
  expect(await listing(text, 0, true)).toMatch(/I32_ADD_SI_BR 2 2 3 \d+ [1-9]/); // the back edge carries the loop block's gas
  // out of gas at the back edge's charge pauses after the add: resumed one unit at a time, the add runs once
  const r = await instantiateWat(text, { config: { gas: 'unit' }, gas: 0 });
  const { call: c, pauses } = resumeByUnits(r.store, r.exports.sum, 39);
  expect(c.value).toBe(r13);
  expect(pauses).toBeGreaterThan(13 * 13);
});

test('a load feeding br_if / if (tested against 0, or i32.eq / i32.ne) is one fused branch; out of bounds traps before it', async () => {
  const loads = [['i32.load', 'LOAD'], ['i32.load8_u', 'LOAD8_U']];
  let funcs = '';
  // each returns 1 when the branch is taken, 2 when not; the address is local 0 + 8 (offset 4)
  const conds = (ld: string) => [
    ['brnz', `(br_if $t ${ld})`],
    ['ifz', `(if ${ld} (then (br $t)))`],
    ['eqs', `(br_if $t (i32.eq ${ld} (local.get 1)))`],
    ['nes', `(br_if $t (i32.ne (local.get 1) ${ld}))`],
    ['eqi', `(br_if $t (i32.eq ${ld} (i32.const 0x82)))`],
    ['ifne', `(if (i32.ne ${ld} (i32.const 0x82)) (then (br $t)))`],
  ];
  for (const [load] of loads) {
    const ld = `(${load} offset=4 (i32.add (local.get 0) (i32.const 4)))`;
    for (const [name, body] of conds(ld)) {
      funcs += `(func (export "${load}_${name}") (param i32 i32) (result i32)
        (block $t (global.set 0 (i32.const 1)) ${body} (global.set 0 (i32.const 2)) (return (i32.const 2))) (i32.const 1))`;
    }
  }
  const text = `(module (memory 1) (global (export "g") (mut i32) (i32.const 0))
    (data (i32.const 8) "\\82\\00\\00\\00\\00\\00\\00\\00\\ff\\ff\\ff\\ff") (data (i32.const 65535) "\\82") ${funcs})`;
  const s = await instantiateWat(text);
  const u8 = new Uint8Array(65536);
  u8.set([0x82, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff], 8);
  u8[65535] = 0x82;
  const dv = new DataView(u8.buffer);
  loads.forEach(([load]) => {
    const size = load === 'i32.load' ? 4 : 1;
    const value = (ea: number) => (size === 4 ? dv.getInt32(ea, true) : u8[ea]);
    const want: Record<string, (v: number, l1: number) => boolean> = {
      brnz: (v) => v !== 0, ifz: (v) => v !== 0, eqs: (v, l1) => v === l1, nes: (v, l1) => v !== l1, eqi: (v) => v === 0x82, ifne: (v) => v !== 0x82,
    };
    for (const [name] of conds('')) {
      // ea = u32(l0 + 4) + 4: 8 (0x82), 12 (0), 16 (-1 / 0xff), u32(-4 + 4) + 4 = 4 (0), the last bytes
      for (const l0 of [0, 4, 8, -4, 65535 - 8 - size + 1]) {
        const ea = ((l0 + 4) >>> 0) + 4;
        for (const l1 of [0x82, 0, -1, 255]) {
          expect([load, name, l0, l1, s.exports[`${load}_${name}`](l0, l1)]).toEqual([load, name, l0, l1, want[name](value(ea), l1) ? 1 : 2]);
        }
      }
      for (const l0 of [65536 - 8 - size + 1, -5, -9]) {
        s.exports.g.value = 0;
        expect(thrown(() => s.exports[`${load}_${name}`](l0, 0)).code).toBe('memory_out_of_bounds');
        expect(s.exports.g.value).toBe(1);
      }
    }
  });
  const fused = ['BR_IF_X_NZ', 'BR_IF_X_Z', 'BR_IF_I32_X_EQ_S', 'BR_IF_I32_X_NE_S', 'BR_IF_I32_X_EQ_I', 'BR_IF_I32_X_EQ_I'];
  for (let i = 0; i < loads.length; i++) {
    for (let j = 0; j < fused.length; j++) {
      const l = await listing(text, i * fused.length + j);
      expect(l).toContain(' ' + fused[j].replace('X', loads[i][1]) + ' ');
      expect(l).not.toMatch(/ I32_LOAD(8_U)? | I32_(EQ|NE)_S[SI] | BR_IF_(EQZ_)?S /);
    }
  }
});

test('a counter step and the branch on its new value are one BR_IF_ADD_SI_* op: every comparison, br_if and if, wrap-around, resumable out of gas', async () => {
  const cmps = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
  const ref: Record<string, (x: number, y: number) => boolean> = {
    eq: (x, y) => x === y, ne: (x, y) => x !== y, lt_s: (x, y) => x < y, lt_u: (x, y) => x >>> 0 < y >>> 0,
    gt_s: (x, y) => x > y, gt_u: (x, y) => x >>> 0 > y >>> 0, le_s: (x, y) => x <= y, le_u: (x, y) => x >>> 0 <= y >>> 0,
    ge_s: (x, y) => x >= y, ge_u: (x, y) => x >>> 0 >= y >>> 0,
  };
  // each returns (taken ? 1 : 2) * 2^20 + (local 0 after the step & 0xfffff)
  const wrap = (body: string) => `(param i32 i32) (result i32) (block $t ${body} (return (i32.add (i32.const 0x200000) (i32.and (local.get 0) (i32.const 0xfffff)))))
    (i32.add (i32.const 0x100000) (i32.and (local.get 0) (i32.const 0xfffff)))`;
  let funcs = '';
  for (const c of cmps) {
    funcs += `(func (export "${c}_ss") ${wrap(`(br_if $t (i32.${c} (local.tee 0 (i32.add (local.get 0) (i32.const 3))) (local.get 1)))`)})
      (func (export "${c}_si") ${wrap(`(br_if $t (i32.${c} (local.tee 0 (i32.add (local.get 0) (i32.const -1))) (i32.const 5)))`)})
      (func (export "${c}_if") ${wrap(`(local.set 0 (i32.add (local.get 0) (i32.const 1))) (if (i32.${c} (local.get 0) (local.get 1)) (then (br $t)))`)})`;
  }
  funcs += `(func (export "nz") ${wrap('(br_if $t (local.tee 0 (i32.add (local.get 0) (i32.const -1))))')})
    (func (export "z") ${wrap('(if (local.tee 0 (i32.add (local.get 0) (i32.const 7))) (then (br $t)))')})`;
  const text = `(module ${funcs})`;
  const s = await instantiateWat(text);
  const out = (taken: boolean, v: number) => (taken ? 0x100000 : 0x200000) + (v & 0xfffff);
  const vals = [0, 1, 2, 4, 5, 6, -1, -2, -4, 0x7fffffff, 0x7ffffffe, -0x80000000, 0x7ffffffd];
  for (const x of vals) {
    for (const y of vals) {
      for (const c of cmps) {
        const a = (x + 3) | 0, b = (x - 1) | 0, d = (x + 1) | 0;
        expect([c, x, y, s.exports[`${c}_ss`](x, y)]).toEqual([c, x, y, out(ref[c](a, y), a)]);
        expect([c, x, y, s.exports[`${c}_si`](x, y)]).toEqual([c, x, y, out(ref[c](b, 5), b)]);
        expect([c, x, y, s.exports[`${c}_if`](x, y)]).toEqual([c, x, y, out(ref[c](d, y), d)]);
      }
    }
    expect(s.exports.nz(x, 0)).toBe(out(((x - 1) | 0) !== 0, x - 1));
    expect(s.exports.z(x, 0)).toBe(out(((x + 7) | 0) !== 0, x + 7));
  }
  // the fused rows: the loop-counter comparisons (an `if` branches on the negation)
  const neg: Record<string, string> = { eq: 'ne', ne: 'eq', lt_s: 'ge_s', lt_u: 'ge_u', gt_s: 'le_s', gt_u: 'le_u', le_s: 'gt_s', le_u: 'gt_u', ge_s: 'lt_s', ge_u: 'lt_u' };
  const rows = { SS: ['lt_u', 'eq'], SI: ['eq', 'ne', 'lt_u', 'gt_u'] };
  let fused = 0;
  for (let i = 0; i < cmps.length; i++) {
    for (const [f, form, c] of [[0, 'SS', cmps[i]], [1, 'SI', cmps[i]], [2, 'SS', neg[cmps[i]]]] as const) {
      const l = await listing(text, 3 * i + f);
      if (!rows[form].includes(c)) continue;
      fused++;
      expect(l).toContain(`BR_IF_ADD_SI_I32_${c.toUpperCase()}_${form} 0 0 `);
      expect(l).not.toMatch(/ I32_ADD_SI | BR_IF_I32_/);
    }
  }
  expect(fused).toBe(2 + 4 + 2);
  expect(await listing(text, 3 * cmps.length)).toContain('BR_IF_ADD_SI_NZ 0 0 -1 ');
});

test('i32.eq with the counter step as its right operand is one BR_IF_ADD_SI_I32_EQ_SS too (eq is symmetric); resumable one unit of gas at a time', async () => {
  const text = `(module
    (func (export "sw") (param i32 i32) (result i32)
      (block $t (br_if $t (i32.eq (local.get 1) (local.tee 0 (i32.add (local.get 0) (i32.const 3))))) (return (i32.sub (i32.const 0) (local.get 0))))
      (local.get 0))
    (func (export "cnt") (param i32) (result i32) (local i32 i32)
      (block $done (loop $l
        (local.set 2 (i32.add (local.get 2) (local.get 1)))
        (br_if $done (i32.eq (local.get 0) (local.tee 1 (i32.add (local.get 1) (i32.const 1)))))
        (br $l)))
      (local.get 2)))`;
  const s = await instantiateWat(text);
  for (const x of [0, -3, 5, 0x7fffffff, -0x80000000]) {
    for (const y of [3, 0, 8, -0x80000000 + 2, 0x7ffffffe]) {
      const v = (x + 3) | 0;
      expect([x, y, s.exports.sw(x, y)]).toEqual([x, y, v === y ? v : -v | 0]);
    }
  }
  expect(s.exports.cnt(10)).toBe(45);
  expect(await listing(text, 0)).toMatch(/BR_IF_ADD_SI_I32_EQ_SS 0 0 3 2 /);
  expect(await listing(text, 1)).toMatch(/BR_IF_ADD_SI_I32_EQ_SS 2 2 1 0 /);
  const r = await instantiateWat(text, { config: { gas: 'unit' }, gas: 0 });
  const { call: c, pauses } = resumeByUnits(r.store, r.exports.cnt, 12);
  expect(c.value).toBe(66);
  expect(pauses).toBeGreaterThan(12 * 8);
});

test('a counted loop on a fused step-and-branch: unit gas per iteration, and out of gas at its back edge resumes without stepping twice', async () => {
  const text = `(module (func (export "f") (param i32) (result i32) (local i32)
    (loop $l (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (br_if $l (i32.gt_u (local.tee 0 (i32.add (local.get 0) (i32.const -2))) (i32.const 1))))
    (local.get 1)))`;
  const s = await instantiateWat(text, { config: { gas: 'unit' }, gas: 1e9 });
  const run = (n: number) => { const g = s.store.gasUsed; const r = s.exports.f(n); return [r, s.store.gasUsed - g]; };
  const [r20, g20] = run(20), [r26, g26] = run(26);
  expect(r20).toBe(20 + 18 + 16 + 14 + 12 + 10 + 8 + 6 + 4 + 2);
  expect(r26).toBe(r20 + 26 + 24 + 22);
  // local.get x2, i32.add, local.set, local.get, i32.const, i32.add, local.tee, i32.const, i32.gt_u, br_if
  expect(g26 - g20).toBe(3 * 11);
  expect(await listing(text, 0, true)).toMatch(/BR_IF_ADD_SI_I32_GT_U_SI 0 0 -2 1 \d+ [1-9]/);
  const r = await instantiateWat(text, { config: { gas: 'unit' }, gas: 0 });
  const { call: c, pauses } = resumeByUnits(r.store, r.exports.f, 26);
  expect(c.value).toBe(r26);
  expect(pauses).toBeGreaterThan(13 * 11);
});

test('an i32.add of a constant whose result is copied right away (x = y = a + k) is one I32_ADD_SI_TEE', async () => {
  const text = `(module
    (func (export "step") (param i32) (result i32 i32 i32) (local i32 i32)
      local.get 0 local.tee 1 i32.const 1 i32.add local.tee 2 local.set 0 local.get 0 local.get 1 local.get 2)
    (func (export "both") (param i32 i32) (result i32)
      (local.set 1 (local.tee 0 (i32.add (local.get 0) (i32.const 5)))) (i32.sub (local.get 0) (i32.mul (local.get 1) (i32.const 3)))))`;
  const s = await instantiateWat(text);
  for (const x of [0, 41, -1, 0x7fffffff, -0x80000000]) {
    expect(s.exports.step(x)).toEqual([(x + 1) | 0, x, (x + 1) | 0]);
    const y = (x + 5) | 0;
    expect(s.exports.both(x, 99)).toBe((y - Math.imul(y, 3)) | 0);
  }
  expect(await listing(text, 0)).toMatch(/I32_ADD_SI_TEE 4 2 1 0/); // [dst, a, b, dst2]: local 2 = local 1 + 1, local 0 = local 2
  expect(await listing(text, 1)).toMatch(/^\s+0: I32_ADD_SI_TEE 0 0 5 2$/m);
  expect(await listing(text, 1)).not.toContain('COPY');
});

test('i32.load of x + y is one I32_LOAD_IDX (k = 0): the sum wraps to u32, the offset does not', async () => {
  const text = `(module (memory 1) (data (i32.const 8) "\\2a\\00\\00\\00") (data (i32.const 65532) "\\07\\00\\00\\00")
    (func (export "ld") (param i32 i32) (result i32) (i32.load offset=4 (i32.add (local.get 0) (local.get 1)))))`;
  const s = await instantiateWat(text);
  expect(s.exports.ld(2, 2)).toBe(42);
  expect(s.exports.ld(-4, 8)).toBe(42); // -4 + 8 = 4, + 4
  expect(s.exports.ld(0x7fffffff, -0x7fffffff + 4)).toBe(42);
  expect(s.exports.ld(-0x80000000, -0x80000000 + 4)).toBe(42); // the sum wraps past 2^32 to 4
  expect(s.exports.ld(65520, 8)).toBe(7);
  expect(thrown(() => s.exports.ld(65520, 9)).code).toBe('memory_out_of_bounds');
  expect(thrown(() => s.exports.ld(-4, 0)).code).toBe('memory_out_of_bounds'); // 2^32 - 4 + 4: the offset does not wrap
  const l = await listing(text);
  expect(l).toMatch(/^\s+0: I32_LOAD_IDX \d+ 0 2 4 0 0$/m); // [dst, x, i, offset, imm, k]
  expect(l).not.toContain('I32_ADD');
});

// ---------------------------------------------------------------- float superinstructions

/** Bits of f64 values at the edges (zeros, ones, subnormal, max, infinities, NaNs with payloads and signs) and ordinary ones. */
const F64_BITS: bigint[] = [
  0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n, 0x0000000000000001n, 0x800fffffffffffffn,
  0x7fefffffffffffffn, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n, 0xfff8000000000000n,
  0x7ff4000000000001n, 0x7ff0000000000001n, 0x3fb999999999999an, 0x400921fb54442d18n, 0xc00c000000000000n, 0x5fe0000000000000n,
].map((v) => BigInt.asIntN(64, v));
/** The same for f32. */
const F32_BITS: number[] = [
  0, 0x80000000, 0x3f800000, 0xbf800000, 0x00000001, 0x807fffff, 0x7f7fffff, 0x7f800000, 0xff800000, 0x7fc00000,
  0xffc00000, 0x7fa00001, 0x7f800001, 0x3dcccccd, 0x40490fdb, 0xc0600000, 0x5f000000,
].map((v) => v | 0);
/** F64_BITS and `n` random f64 bit patterns drawn with seed `seed`. */
function f64Operands(seed: number, n: number): bigint[] {
  const xs = [...F64_BITS];
  const r = rng(seed);
  for (let i = 0; i < n; i++) xs.push(BigInt.asIntN(64, (BigInt(r()) << 32n) | BigInt(r())));
  return xs;
}
const isNaN64 = (b: bigint) => (BigInt.asUintN(64, b) & 0x7fffffffffffffffn) > 0x7ff0000000000000n;
const isNaN32 = (b: number) => (b & 0x7fffffff) > 0x7f800000;

/** A module with floats on in detwasm (unmetered, or metered with the unit schedule and `gas` left after instantiation) and natively. */
async function floatModule(text: string, gas?: number) {
  const bytes = await wat(text);
  const native = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes))).exports as Record<string, any>;
  const engine = new Engine({ features: { floats: true }, ...(gas === undefined ? {} : { gas: 'unit' as const }) });
  const store = new Store(engine, gas === undefined ? {} : { gas: 1e6 });
  const det = store.instantiate(engine.compile(bytes)).exports as Record<string, any>;
  if (gas !== undefined) store.gasRemaining = gas;
  const module = engine.compile(bytes);
  const listing = (fn: number, metered = false) => listingOf(module, fn, metered);
  return { native, det, store, listing };
}

/**
 * `name(...args)` of `text`, metered with the unit schedule: returns its
 * value, after checking that paused at every unit of gas and resumed it
 * gives the same value and the same gas.
 */
async function resumableByUnits(text: string, name: string, ...args: unknown[]): Promise<unknown> {
  const m = await floatModule(text, 1e9);
  const g0 = m.store.gasUsed;
  const whole = m.det[name](...args);
  const gas = m.store.gasUsed - g0;
  const r = await floatModule(text, 0);
  const { call, pauses } = resumeByUnits(r.store, r.det[name], ...args);
  expect(call.value).toBe(whole);
  expect(r.store.gasUsed).toBe(gas);
  expect(pauses).toBe(gas);
  return whole;
}

/**
 * The fused op's result against native wasm: equal bits, or, where native
 * gives a NaN, exactly the canonical NaN (every fused float op is arithmetic).
 */
function sameFloat(w: 'f32' | 'f64', native: number | bigint, det: number | bigint): boolean {
  if (w === 'f64' ? isNaN64(native as bigint) : isNaN32(native as number)) return w === 'f64' ? BigInt.asUintN(64, det as bigint) === 0x7ff8000000000000n : det === 0x7fc00000;
  return native === det;
}

test('f64 superinstructions (mul_mul, add/sub of a load, load minus, sub stored, m += x, m -= x) match native wasm bit for bit, NaNs canonical', async () => {
  const F = (x: string) => `(f64.reinterpret_i64 ${x})`;
  const text = `(module (memory 1)
    (func (export "mm") (param i64 i64 i64) (result i64) (i64.reinterpret_f64 (f64.mul (f64.mul ${F('(local.get 0)')} ${F('(local.get 1)')}) ${F('(local.get 2)')})))
    (func (export "mm2") (param i64 i64 i64) (result i64) (i64.reinterpret_f64 (f64.mul ${F('(local.get 2)')} (f64.mul ${F('(local.get 0)')} ${F('(local.get 1)')}))))
    (func (export "add_l") (param i64 i64) (result i64) (i64.store (i32.const 16) (local.get 1)) (i64.reinterpret_f64 (f64.add ${F('(local.get 0)')} (f64.load offset=8 (i32.const 8)))))
    (func (export "add_l2") (param i64 i64) (result i64) (i64.store (i32.const 16) (local.get 1)) (i64.reinterpret_f64 (f64.add (f64.load offset=8 (i32.const 8)) ${F('(local.get 0)')})))
    (func (export "sub_l") (param i64 i64) (result i64) (i64.store (i32.const 16) (local.get 1)) (i64.reinterpret_f64 (f64.sub ${F('(local.get 0)')} (f64.load offset=8 (i32.const 8)))))
    (func (export "sub_l2") (param i64 i64) (result i64) (i64.store (i32.const 16) (local.get 1)) (i64.reinterpret_f64 (f64.sub (f64.load offset=8 (i32.const 8)) ${F('(local.get 0)')})))
    (func (export "mul_l") (param i64 i64) (result i64) (i64.store (i32.const 16) (local.get 1)) (i64.reinterpret_f64 (f64.mul (f64.load offset=8 (i32.const 8)) ${F('(local.get 0)')})))
    (func (export "sub_st") (param i64 i64) (result i64) (f64.store offset=8 (i32.const 8) (f64.sub ${F('(local.get 0)')} ${F('(local.get 1)')})) (i64.load (i32.const 16)))
    (func (export "add_mem") (param i64 i64) (result i64) (local i32) (local.set 2 (i32.const 16))
      (i64.store (i32.const 16) (local.get 1))
      (f64.store offset=0 (local.get 2) (f64.add ${F('(local.get 0)')} (f64.load offset=0 (local.get 2)))) (i64.load (i32.const 16)))
    (func (export "sub_ls") (param i64 i64) (result i64) (i64.store (i32.const 16) (local.get 1)) (i64.reinterpret_f64 (f64.sub (f64.load offset=8 (i32.const 8)) ${F('(local.get 0)')})))
    (func (export "sub_ls2") (param i64 i64) (result i64) (i64.store (i32.const 16) (local.get 1))
      (i64.reinterpret_f64 (f64.sub (f64.load offset=8 (i32.const 8)) (f64.mul ${F('(local.get 0)')} ${F('(local.get 0)')}))))
    (func (export "sub_mem") (param i64 i64) (result i64) (local i32) (local.set 2 (i32.const 16))
      (i64.store (i32.const 16) (local.get 1))
      (f64.store offset=0 (local.get 2) (f64.sub (f64.load offset=0 (local.get 2)) (f64.mul ${F('(local.get 0)')} ${F('(local.get 1)')}))) (i64.load (i32.const 16)))
    (func (export "sub_sqrt") (param i64 i64) (result i64) (i64.store (i32.const 16) (local.get 1))
      (i64.reinterpret_f64 (f64.sub (f64.load offset=8 (i32.const 8)) (f64.sqrt ${F('(local.get 0)')})))))`;
  const { native, det, listing } = await floatModule(text);
  const xs = f64Operands(77, 40);
  const bad: string[] = [];
  for (const x of xs) for (const y of xs) {
    const z = xs[(xs.indexOf(x) * 5 + xs.indexOf(y)) % xs.length];
    for (const f of ['mm', 'mm2']) if (!sameFloat('f64', native[f](x, y, z), det[f](x, y, z))) bad.push(`${f}(${x}, ${y}, ${z})`);
    for (const f of ['add_l', 'add_l2', 'sub_l', 'sub_l2', 'mul_l', 'sub_st', 'add_mem', 'sub_ls', 'sub_ls2', 'sub_mem', 'sub_sqrt']) {
      if (!sameFloat('f64', native[f](x, y), det[f](x, y))) bad.push(`${f}(${x}, ${y}): native ${native[f](x, y)}, detwasm ${det[f](x, y)}`);
    }
  }
  expect(bad.slice(0, 10)).toEqual([]);
  expect(listing(0)).toContain('F64_MUL_MUL_SSS');
  expect(listing(1)).toContain('F64_MUL_MUL_SSS');
  for (const [fn, op] of [[2, 'F64_ADD_SL'], [3, 'F64_ADD_SL'], [4, 'F64_SUB_SL'], [7, 'F64_SUB_STORE'], [8, 'F64_ADD_MEM']] as const) {
    expect(listing(fn)).toContain(op);
  }
  // the load is the left operand of the subtraction (f64.sub_ls), or multiplied (not fused)
  expect(listing(5)).toContain('F64_SUB_LS');
  expect(listing(6)).toContain('F64_MUL_SS');
  expect(listing(8)).not.toMatch(/I64_LOAD \d+ 4 |F64_ADD_SL/);
  // load - y: y a local, or computed by one f64 op after the load (which then runs first); m -= x * y
  expect(listing(9)).toContain('F64_SUB_LS');
  expect(listing(10)).toMatch(/F64_MUL_SS (\d+) .*\n.*F64_SUB_LS \d+ \1 /);
  expect(listing(11)).toMatch(/F64_MUL_SS (\d+) .*\n.*F64_SUB_MEM 4 \1 0 /);
  expect(listing(11)).not.toMatch(/I64_LOAD \d+ 4 |F64_SUB_LS|I64_STORE 4 /);
  // sqrt is not among the ops the load may move after
  expect(listing(12)).toMatch(/F64_LOAD_C(.|\n)*F64_SQRT_S(.|\n)*F64_SUB_SS/);
});

test('f32 dot-product superinstructions (load * load, s + load * load, (s + load * load) + p) match native wasm bit for bit, NaNs canonical', async () => {
  const text = `(module (memory 1)
    (func (export "mul") (param i32 i32) (result i32) (local i32 i32) (local.set 2 (i32.const 4)) (local.set 3 (i32.const 8))
      (i32.store (i32.const 4) (local.get 0)) (i32.store (i32.const 12) (local.get 1))
      (i32.reinterpret_f32 (f32.mul (f32.load (local.get 2)) (f32.load offset=4 (local.get 3)))))
    (func (export "mad") (param i32 i32 i32) (result i32) (local i32 i32) (local.set 3 (i32.const 4)) (local.set 4 (i32.const 8))
      (i32.store (i32.const 4) (local.get 0)) (i32.store (i32.const 12) (local.get 1))
      (i32.reinterpret_f32 (f32.add (f32.reinterpret_i32 (local.get 2)) (f32.mul (f32.load (local.get 3)) (f32.load offset=4 (local.get 4))))))
    (func (export "madr") (param i32 i32 i32) (result i32) (local i32 i32) (local.set 3 (i32.const 4)) (local.set 4 (i32.const 8))
      (i32.store (i32.const 4) (local.get 0)) (i32.store (i32.const 12) (local.get 1))
      (i32.reinterpret_f32 (f32.add (f32.mul (f32.load (local.get 3)) (f32.load offset=4 (local.get 4))) (f32.reinterpret_i32 (local.get 2)))))
    (func (export "mad2") (param i32 i32 i32) (result i32) (local i32 i32) (local.set 3 (i32.const 4)) (local.set 4 (i32.const 8))
      (i32.store (i32.const 4) (local.get 0)) (i32.store (i32.const 12) (local.get 1)) (i32.store (i32.const 20) (local.get 2))
      (i32.reinterpret_f32 (f32.add (f32.mul (f32.load offset=16 (local.get 3)) (f32.load (local.get 3)))
        (f32.add (f32.mul (f32.load (local.get 3)) (f32.load offset=4 (local.get 4))) (f32.reinterpret_i32 (local.get 2))))))
    (func (export "mad3") (param i32 i32 i32) (result i32) (local i32 i32) (local.set 3 (i32.const 4)) (local.set 4 (i32.const 8))
      (i32.store (i32.const 4) (local.get 0)) (i32.store (i32.const 12) (local.get 1)) (i32.store (i32.const 20) (local.get 2))
      (f32.mul (f32.load offset=16 (local.get 3)) (f32.load offset=4 (local.get 4)))
      (f32.add (f32.reinterpret_i32 (local.get 1)) (f32.mul (f32.load (local.get 3)) (f32.load offset=4 (local.get 4))))
      f32.add i32.reinterpret_f32))`;
  const { native, det, listing } = await floatModule(text);
  const xs = [...F32_BITS];
  const r = rng(78);
  for (let i = 0; i < 40; i++) xs.push(r() | 0);
  const bad: string[] = [];
  for (const x of xs) for (const y of xs) {
    const z = xs[(xs.indexOf(x) * 7 + xs.indexOf(y)) % xs.length];
    if (!sameFloat('f32', native.mul(x, y), det.mul(x, y))) bad.push(`mul(${x}, ${y})`);
    for (const f of ['mad', 'madr', 'mad2', 'mad3']) if (!sameFloat('f32', native[f](x, y, z), det[f](x, y, z))) bad.push(`${f}(${x}, ${y}, ${z}): native ${native[f](x, y, z)}, detwasm ${det[f](x, y, z)}`);
  }
  expect(bad.slice(0, 10)).toEqual([]);
  expect(listing(0)).toContain('F32_MUL_LL ');
  expect(listing(1)).toContain('F32_MUL_LL_ADD_S');
  expect(listing(2)).toContain('F32_MUL_LL_ADD_S');
  expect(listing(1)).not.toMatch(/F32_MUL_SS|F32_ADD_SS|I32_LOAD /);
  // p1 + (p0 + s) and p1 + (s + p0), p1 computed first: f32.mul_ll, then one op
  for (const fn of [3, 4]) {
    expect(listing(fn)).toMatch(/F32_MUL_LL \d+(.|\n)*F32_MUL_LL_ADD2_S/);
    expect(listing(fn)).not.toMatch(/F32_MUL_SS|F32_ADD_SS|F32_MUL_LL_ADD_S/);
  }
});

test('fused float ops trap out of bounds before writing anything; a dot-product loop resumes one gas unit at a time', async () => {
  const text = `(module (memory 1)
    (func (export "mad") (param i32 i32) (result f32) (local f32) (local.set 2 (f32.const 1))
      (local.set 2 (f32.add (local.get 2) (f32.mul (f32.load (local.get 0)) (f32.load (local.get 1))))) (local.get 2))
    (func (export "st") (param i32 f64 f64) (f64.store (local.get 0) (f64.sub (local.get 1) (local.get 2))))
    (func (export "acc") (param i32 f64) (f64.store (local.get 0) (f64.add (local.get 1) (f64.load (local.get 0)))))
    (func (export "sl") (param i32 f64) (result f64) (f64.mul (local.get 1) (f64.load (local.get 0))))
    (func (export "dec") (param i32 f64) (f64.store (local.get 0) (f64.sub (f64.load (local.get 0)) (f64.mul (local.get 1) (local.get 1)))))
    (func (export "dot") (param $n i32) (result i64) (local $i i32) (local $s f32) (local $d f64) (local $p i32) (local $e f64) (local.set $e (f64.const 0.001))
      (loop $l
        (f32.store (i32.shl (local.get $i) (i32.const 2)) (f32.convert_i32_s (local.get $i)))
        (f64.store offset=4096 (i32.shl (local.get $i) (i32.const 3)) (f64.convert_i32_s (local.get $i)))
        (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (i32.shl (local.get $i) (i32.const 2))) (f32.load offset=4 (local.get $n)))))
        (f64.store offset=4096 (i32.shl (local.get $i) (i32.const 3))
          (f64.add (f64.mul (f64.mul (local.get $d) (f64.const 0.001)) (f64.load offset=4096 (i32.shl (local.get $i) (i32.const 3))))
            (f64.load offset=4096 (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $d (f64.sub (f64.load offset=4096 (i32.shl (local.get $i) (i32.const 3))) (local.get $d)))
        (local.set $p (i32.shl (local.get $i) (i32.const 3)))
        (f64.store offset=4096 (local.get $p) (f64.sub (f64.load offset=4096 (local.get $p)) (f64.mul (local.get $d) (local.get $e))))
        (local.set $d (f64.add (local.get $d) (f64.mul (f64.load offset=4096 (local.get $p)) (local.get $e))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (i64.add (i64.reinterpret_f64 (local.get $d)) (i64.extend_i32_u (i32.reinterpret_f32 (local.get $s))))))`;
  const { native, det, listing } = await floatModule(text);
  expect(det.mad(0, 65532)).toBe(1);
  expect(thrown(() => det.mad(0, 65533)).code).toBe('memory_out_of_bounds');
  expect(thrown(() => det.mad(65533, 0)).code).toBe('memory_out_of_bounds');
  expect(thrown(() => det.st(65529, 1, 2)).code).toBe('memory_out_of_bounds');
  expect(thrown(() => det.acc(65529, 1)).code).toBe('memory_out_of_bounds');
  expect(thrown(() => det.sl(65529, 1)).code).toBe('memory_out_of_bounds');
  expect(thrown(() => det.dec(65529, 1)).code).toBe('memory_out_of_bounds');
  const mem = new Uint8Array(det.memory?.buffer ?? new ArrayBuffer(0));
  expect(mem.length === 0 || mem.slice(65520).every((b) => b === 0)).toBe(true);
  det.st(65528, 1, 0.25);
  det.acc(65528, 2);
  expect(det.sl(65528, 2)).toBe(5.5);
  det.dec(65528, 0.5);
  expect(det.sl(65528, 1)).toBe(2.5);
  expect(listing(0)).toContain('F32_MUL_LL_ADD_S 4 4');
  for (const [fn, op] of [[1, 'F64_SUB_STORE'], [2, 'F64_ADD_MEM'], [3, 'F64_MUL_SS'], [4, 'F64_SUB_MEM']] as const) expect(listing(fn)).toContain(op);
  // the loop below runs every fused float op but f32.mul_ll alone
  const loop = listing(5);
  for (const op of ['F32_MUL_LL_ADD_S', 'F64_ADD_SL', 'F64_SUB_LS', 'F64_SUB_MEM', 'F64_MUL_SI']) expect(loop).toContain(op);
  // (each store's first call: dot reads memory an earlier call wrote)
  const expected = native.dot(300);
  expect(det.dot(300)).toBe(expected);
  expect(await resumableByUnits(text, 'dot', 300)).toBe(expected);
});

test('f64 steps joined in one dispatch (m -= (x * y) * z, m += (x * y) * z with its address step, d = x - m then d * y, (x + y) + z, k / (x * y), m = x - y * z) match native wasm bit for bit, each written value canonical, traps before writing; resumable one unit of gas at a time', async () => {
  const F = (x: string) => `(f64.reinterpret_i64 ${x})`;
  // each function stores m = the bits of its second argument at 16, runs the fused ops, and returns
  // what they wrote (m, or d stored by an f64.store, which keeps a NaN's bits, and the product)
  const text = `(module (memory 1)
    (func (export "mm_sub") (param i64 i64 i64 i64) (result i64) (local i32) (local.set 4 (i32.const 16))
      (i64.store (i32.const 16) (local.get 1))
      (f64.store (local.get 4) (f64.sub (f64.load (local.get 4)) (f64.mul (f64.mul ${F('(local.get 0)')} ${F('(local.get 2)')}) ${F('(local.get 3)')})))
      (i64.load (i32.const 16)))
    (func (export "mm_add") (param i64 i64 i64 i64) (result i64) (local i32) (local.set 4 (i32.const 16))
      (i64.store (i32.const 16) (local.get 1))
      (f64.store (local.get 4) (f64.add (f64.mul ${F('(local.get 2)')} (f64.mul ${F('(local.get 0)')} ${F('(local.get 3)')})) (f64.load (local.get 4))))
      (i64.load (i32.const 16)))
    (func (export "sub_mul") (param i64 i64 i64) (result i64) (local f64)
      (i64.store (i32.const 16) (local.get 1))
      (local.set 3 (f64.sub ${F('(local.get 0)')} (f64.load offset=8 (i32.const 8))))
      (f64.store (i32.const 24) (f64.mul (local.get 3) ${F('(local.get 2)')}))
      (f64.store (i32.const 32) (local.get 3))
      (i64.load (i32.const 24)))
    (func (export "sub_sq") (param i64 i64) (result i64) (local f64)
      (i64.store (i32.const 16) (local.get 1))
      (f64.store (i32.const 24) (f64.mul (local.tee 2 (f64.sub ${F('(local.get 0)')} (f64.load offset=8 (i32.const 8)))) (local.get 2)))
      (f64.store (i32.const 32) (local.get 2))
      (i64.load (i32.const 24)))
    (func (export "d") (result i64) (i64.load (i32.const 32)))
    (func (export "step_mm_add") (param i64 i64 i64 i64) (result i64) (local i32)
      (i64.store (i32.const 16) (local.get 1))
      (f64.store (local.tee 4 (i32.add (local.get 4) (i32.const 16)))
        (f64.add (f64.mul (f64.mul ${F('(local.get 0)')} ${F('(local.get 2)')}) ${F('(local.get 3)')}) (f64.load (local.get 4))))
      (i64.load (i32.const 16)))
    (func (export "add_add") (param i64 i64 i64) (result i64) (i64.reinterpret_f64 (f64.add ${F('(local.get 0)')} (f64.add ${F('(local.get 1)')} ${F('(local.get 2)')}))))
    (func (export "mul_div") (param i64 i64 i64) (result i64) (i64.reinterpret_f64 (f64.div (f64.const 0.01) (f64.mul ${F('(local.get 0)')} ${F('(local.get 1)')}))))
    (func (export "mul_sub_st") (param i64 i64 i64) (result i64)
      (f64.store (i32.const 24) (f64.sub ${F('(local.get 0)')} (f64.mul ${F('(local.get 1)')} ${F('(local.get 2)')}))) (i64.load (i32.const 24)))
    (func (export "oob") (param i32 f64) (f64.store (local.get 0) (f64.add (f64.load (local.get 0)) (f64.mul (f64.mul (local.get 1) (local.get 1)) (local.get 1)))))
    (func (export "oob2") (param i32 f64) (result f64) (local f64) (local.set 2 (f64.sub (local.get 1) (f64.load (local.get 0)))) (f64.mul (local.get 2) (local.get 1)))
    (func (export "loop") (param $n i32) (result i64) (local $i i32) (local $p i32) (local $d f64) (local $x f64) (local $q i32) (local $one f64)
      (local.set $x (f64.const 1.25))
      (local.set $one (f64.const 1))
      (loop $l
        (local.set $p (i32.shl (i32.and (local.get $i) (i32.const 7)) (i32.const 3)))
        (local.set $d (f64.sub (local.get $x) (f64.load offset=64 (local.get $p))))
        (local.set $x (f64.div (f64.mul (local.get $d) (local.get $d)) (f64.add (f64.mul (local.get $d) (local.get $d)) (f64.const 1))))
        (local.set $x (f64.div (f64.const 0.5) (f64.mul (f64.add (f64.mul (local.get $d) (local.get $d)) (f64.const 1))
          (f64.add (f64.add (f64.mul (local.get $d) (local.get $d)) (local.get $x)) (local.get $one)))))
        (f64.store offset=64 (local.tee $q (i32.add (local.get $p) (i32.const 8)))
          (f64.add (f64.mul (f64.mul (local.get $x) (local.get $d)) (local.get $x)) (f64.load offset=64 (local.get $q))))
        (f64.store offset=72 (local.get $p) (f64.sub (local.get $x) (f64.mul (local.get $d) (local.get $x))))
        (f64.store offset=8 (i32.const 200) (f64.add (f64.mul (local.get $x) (f64.const 0.5)) (f64.load offset=8 (i32.const 200))))
        (f64.store offset=64 (local.get $p) (f64.sub (f64.load offset=64 (local.get $p)) (f64.mul (f64.mul (local.get $d) (local.get $x)) (local.get $x))))
        (f64.store offset=64 (local.get $p) (f64.add (f64.mul (f64.mul (local.get $x) (local.get $d)) (local.get $d)) (f64.load offset=64 (local.get $p))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (i64.add (i64.add (i64.reinterpret_f64 (local.get $x)) (i64.load offset=64 (i32.const 8))) (i64.load (i32.const 208)))))`;
  const { native, det, listing } = await floatModule(text);
  const xs = f64Operands(79, 30);
  const bad: string[] = [];
  for (const x of xs) for (const y of xs) {
    const z = xs[(xs.indexOf(x) * 5 + xs.indexOf(y)) % xs.length], w = xs[(xs.indexOf(x) * 3 + xs.indexOf(y) * 7) % xs.length];
    for (const f of ['mm_sub', 'mm_add', 'step_mm_add']) if (!sameFloat('f64', native[f](x, y, z, w), det[f](x, y, z, w))) bad.push(`${f}(${x}, ${y}, ${z}, ${w})`);
    for (const f of ['add_add', 'mul_div', 'mul_sub_st']) if (!sameFloat('f64', native[f](x, y, z), det[f](x, y, z))) bad.push(`${f}(${x}, ${y}, ${z})`);
    for (const f of ['sub_mul', 'sub_sq']) {
      const n = native[f](x, y, z), d = det[f](x, y, z);
      if (!sameFloat('f64', n, d)) bad.push(`${f}(${x}, ${y}, ${z}): native ${n}, detwasm ${d}`);
      // d itself, written to its local as f64.sub alone writes it (a NaN canonical), then stored bitwise
      if (!sameFloat('f64', native.d(), det.d())) bad.push(`${f}(${x}, ${y}, ${z}) d: native ${native.d()}, detwasm ${det.d()}`);
    }
  }
  expect(bad.slice(0, 10)).toEqual([]);
  // [addr a offset b c pd pa pi]
  expect(listing(0)).toMatch(/^\s+\d+: F64_MUL_MUL_SUB_MEM 8 0 0 4 6 0 0 0$/m);
  expect(listing(1)).toMatch(/^\s+\d+: F64_MUL_MUL_ADD_MEM 8 0 0 6 4 0 0 0$/m); // z * (x * w) as (x * w) * z
  // the address `p = p + 16` (local.tee) computed right before the product, run first by the same record
  expect(listing(5)).toMatch(/^\s+\d+: F64_STEP_MUL_MUL_ADD_MEM 8 0 0 4 6 8 8 16$/m);
  expect(listing(5)).not.toMatch(/I32_ADD_SI|F64_MUL_MUL_SSS|F64_ADD_MEM/);
  expect(listing(6)).toMatch(/^\s+0: F64_ADD_ADD_SSS \d+ 2 4 0$/m);
  expect(listing(7)).toMatch(/^\s+0: F64_MUL_DIV_IS \d+ 0 \S+ \S+ 2$/m);
  expect(listing(8)).toMatch(/F64_MUL_SUB_STORE \d+ 0 2 0 0 0 4$/m);
  for (const fn of [0, 1]) expect(listing(fn)).not.toMatch(/F64_MUL_MUL_SSS|F64_(ADD|SUB)_MEM|F64_ADD_SL|F64_SUB_LS|I64_STORE \d+ 8 /);
  // the subtraction's local and the product's temporary: both written by one record
  // (m at the constant address 16: the const record writes it to the address slot, offset 0)
  expect(listing(2)).toMatch(/CONST32 (\d+) 16\n.*F64_SUB_SL_MUL 6 0 \1 0 0 0 (\d+) 6 4\n(.|\n)*I64_STORE \d+ \2 /);
  expect(listing(3)).toMatch(/CONST32 (\d+) 16\n.*F64_SUB_SL_MUL 4 0 \1 0 0 0 \d+ 4 4/);
  expect(listing(2) + listing(3)).not.toMatch(/F64_MUL_SS|F64_SUB_SL /);
  expect(thrown(() => det.oob(65529, 2)).code).toBe('memory_out_of_bounds');
  expect(thrown(() => det.oob2(65529, 2)).code).toBe('memory_out_of_bounds');
  det.oob(65528, 2);
  expect(det.oob2(65528, 1)).toBe(-7); // (1 - (0 + 2 * 2 * 2)) * 1
  const loop = listing(11);
  for (const op of ['F64_SUB_SL_MUL', 'F64_MUL_MUL_SUB_MEM', 'F64_MUL_MUL_ADD_MEM', 'F64_STEP_MUL_MUL_ADD_MEM', 'F64_ADD_ADD_SSS', 'F64_MUL_DIV_IS', 'F64_MUL_SUB_STORE', 'F64_ADD_MEM_C']) expect(loop).toContain(op);
  // (x stays in [0, 1): no NaN, whose bits native wasm does not fix; each call starts from the memory the last one left)
  const expected = native.loop(100);
  expect(det.loop(100)).toBe(expected);
  expect(await resumableByUnits(text, 'loop', 100)).toBe(expected);
});

test('f64 at a constant address: f64.load_c keeps bits, m += x / m -= x there is one f64.add_mem_c / f64.sub_mem_c (native results bit for bit, NaNs canonical), traps', async () => {
  const F = (x: string) => `(f64.reinterpret_i64 ${x})`;
  const M = '(f64.load offset=8 (i32.const 32))';
  const op = (name: string, e: string, at = 'offset=8') => `(func (export "${name}") (param i64 i64) (result i64) (i64.store (i32.const 40) (local.get 1))
      (f64.store ${at} (i32.const 32) ${e}) (i64.load (i32.const 40)))`;
  const text = `(module (memory 1)
    (func (export "ldc") (param i64) (result i64) (i64.store (i32.const 40) (local.get 0)) (i64.reinterpret_f64 ${M}))
    ${op('addc', `(f64.add ${F('(local.get 0)')} ${M})`)}
    ${op('addc2', `(f64.add ${M} ${F('(local.get 0)')})`)}
    ${op('subc', `(f64.sub ${M} ${F('(local.get 0)')})`)}
    ${op('subc_rev', `(f64.sub ${F('(local.get 0)')} ${M})`)}
    ${op('other', `(f64.add ${F('(local.get 0)')} ${M})`, 'offset=16')}
    (func (export "oob") (param i32 f64) (result f64)
      (if (i32.eq (local.get 0) (i32.const 0)) (then (return (f64.load (i32.const 65529)))))
      (if (i32.eq (local.get 0) (i32.const 1)) (then (f64.store (i32.const 65529) (f64.add (local.get 1) (f64.load (i32.const 65529))))))
      (if (i32.eq (local.get 0) (i32.const 2)) (then (return (f64.load offset=0xffffffff (i32.const 8)))))
      (f64.store (i32.const 65528) (f64.add (f64.load (i32.const 65528)) (local.get 1)))
      (f64.load (i32.const 65528))))`;
  const { native, det, listing } = await floatModule(text);
  const xs = f64Operands(81, 30);
  const bad: string[] = [];
  for (const x of xs) {
    if (det.ldc(x) !== x) bad.push(`ldc(${x})`); // bits, NaN payloads too
    for (const y of xs) {
      for (const f of ['addc', 'addc2', 'subc', 'subc_rev']) if (!sameFloat('f64', native[f](x, y), det[f](x, y))) bad.push(`${f}(${x}, ${y})`);
      if (native.other(x, y) !== det.other(x, y)) bad.push(`other(${x}, ${y})`); // the store elsewhere: m stays y's bits
    }
  }
  expect(bad.slice(0, 10)).toEqual([]);
  expect(listing(0)).toMatch(/F64_LOAD_C \d+ 40\n/);
  expect(listing(0)).not.toMatch(/CONST32 \d+ 32|I64_LOAD \d+ \d+ 8 /);
  for (const fn of [1, 2]) expect(listing(fn)).toMatch(/^\s+\d+: F64_ADD_MEM_C 40 0 0 0 0$/m);
  expect(listing(3)).toMatch(/^\s+\d+: F64_SUB_MEM_C 40 0 0 0 0$/m);
  for (const fn of [1, 2, 3]) expect(listing(fn)).not.toMatch(/F64_LOAD_C|F64_(ADD|SUB)_SS|I64_STORE \d+ \d+ 8 /);
  // x - m, and m + x stored elsewhere: f64.sub_sl / f64.add_sl whose address slot a const record writes
  expect(listing(4)).toMatch(/CONST32 (\d+) 40\n.*F64_SUB_SL \d+ 0 \1 0 0 0 (.|\n)*I64_STORE \d+ \d+ 8 /);
  expect(listing(5)).toMatch(/CONST32 (\d+) 40\n.*F64_ADD_SL \d+ 0 \1 0 0 0 (.|\n)*I64_STORE \d+ \d+ 16 /);
  for (const k of [0, 1, 2]) expect(thrown(() => det.oob(k, 1)).code).toBe('memory_out_of_bounds');
  expect(det.oob(3, 1.5)).toBe(1.5);
  expect(det.oob(3, 1.5)).toBe(3);
  expect(listing(6)).toMatch(/F64_ADD_MEM_C 65528 /);
});

test('m += v * k at constant addresses is one f64.load_mul_add_mem_c, k / (x * sqrt(z)) one f64.sqrt_mul_div_is: native results bit for bit, NaNs canonical, traps before any store, gas resumable one unit at a time', async () => {
  const F = (x: string) => `(f64.reinterpret_i64 ${x})`;
  const text = `(module (memory 1)
    (func (export "lma") (param i64 i64) (result i64) (i64.store (i32.const 48) (local.get 0)) (i64.store (i32.const 40) (local.get 1))
      (f64.store offset=8 (i32.const 32) (f64.add (f64.mul (f64.load (i32.const 48)) (f64.const 0.01)) (f64.load offset=8 (i32.const 32))))
      (i64.load (i32.const 40)))
    (func (export "tee") (param i64 i64) (result i64) (local f64) (i64.store (i32.const 48) (local.get 0)) (i64.store (i32.const 40) (local.get 1))
      (f64.store (i32.const 40) (f64.add (local.tee 2 (f64.mul (f64.load (i32.const 48)) (f64.const 3.5))) (f64.load (i32.const 40))))
      (i64.reinterpret_f64 (local.get 2)))
    (func (export "m40") (result i64) (i64.load (i32.const 40)))
    (func (export "oob") (param i32) (f64.store (i32.const 8) (f64.const 2))
      (if (i32.eqz (local.get 0)) (then (f64.store (i32.const 8) (f64.add (f64.mul (f64.load (i32.const 65530)) (f64.const 0.5)) (f64.load (i32.const 8))))))
      (if (i32.eq (local.get 0) (i32.const 1)) (then (f64.store (i32.const 65530) (f64.add (f64.mul (f64.load (i32.const 8)) (f64.const 0.5)) (f64.load (i32.const 65530)))))))
    (func (export "m8") (result f64) (f64.load (i32.const 8)))
    (func (export "smd") (param i64 i64) (result i64) (i64.reinterpret_f64 (f64.div (f64.const 0.01) (f64.mul ${F('(local.get 0)')} (f64.sqrt ${F('(local.get 1)')})))))
    (func (export "smd2") (param i64 i64) (result i64) (i64.reinterpret_f64 (f64.div (f64.const 0.01) (f64.mul (f64.sqrt ${F('(local.get 1)')}) ${F('(local.get 0)')}))))
    (func (export "smd_tee") (param i64 i64) (result i64) (local f64)
      (f64.store (i32.const 0) (f64.div (f64.const 0.01) (f64.mul ${F('(local.get 0)')} (local.tee 2 (f64.sqrt ${F('(local.get 1)')})))))
      (i64.reinterpret_f64 (local.get 2)))
    (func (export "m0") (result i64) (i64.load (i32.const 0)))
    (func (export "loop") (param $n i32) (result i64) (local $i i32) (local $d f64)
      (f64.store (i32.const 16) (f64.const 0.75))
      (f64.store (i32.const 24) (f64.const 1.5))
      (loop $l
        (local.set $d (f64.add (f64.const 1) (f64.load (i32.const 24))))
        (f64.store (i32.const 16) (f64.div (f64.const 0.5) (f64.mul (local.get $d) (f64.sqrt (local.get $d)))))
        (f64.store offset=16 (i32.const 8) (f64.add (f64.mul (f64.load offset=8 (i32.const 8)) (f64.const 0.25)) (f64.load offset=16 (i32.const 8))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (i64.add (i64.load (i32.const 16)) (i64.load (i32.const 24)))))`;
  const { native, det, listing } = await floatModule(text);
  const xs = f64Operands(83, 30);
  const bad: string[] = [];
  for (const x of xs) for (const y of xs) {
    for (const f of ['lma', 'smd', 'smd2']) if (!sameFloat('f64', native[f](x, y), det[f](x, y))) bad.push(`${f}(${x}, ${y}): native ${native[f](x, y)}, detwasm ${det[f](x, y)}`);
    // the product or the sqrt tee'd to a local: not fused, the local written (a NaN canonical, as the op writes it)
    for (const [f, m] of [['tee', 'm40'], ['smd_tee', 'm0']]) {
      if (!sameFloat('f64', native[f](x, y), det[f](x, y))) bad.push(`${f}(${x}, ${y})`);
      if (!sameFloat('f64', native[m](), det[m]())) bad.push(`${f}(${x}, ${y}) stored`);
    }
  }
  expect(bad.slice(0, 10)).toEqual([]);
  // [ea a src lo hi]
  expect(listing(0)).toMatch(/^\s+\d+: F64_LOAD_MUL_ADD_MEM_C 40 0 48 \S+ \S+$/m);
  expect(listing(0)).not.toMatch(/F64_LOAD_C|F64_MUL_SI|F64_ADD_MEM_C|F64_ADD_SL/);
  expect(listing(1)).not.toMatch(/F64_LOAD_MUL_ADD_MEM_C/);
  expect(listing(1)).toMatch(/F64_MUL_SI 4 /);
  // [dst a lo hi b]: the product's operand and the sqrt's
  for (const fn of [5, 6]) {
    expect(listing(fn)).toMatch(/^\s+0: F64_SQRT_MUL_DIV_IS \d+ 0 \S+ \S+ 2$/m);
    expect(listing(fn)).not.toMatch(/F64_SQRT_S|F64_MUL_DIV_IS/);
  }
  expect(listing(7)).toMatch(/F64_SQRT_S 4 2\n(.|\n)*F64_MUL_DIV_IS /);
  // out of bounds: the load (nothing stored) or the store (m, in bounds, stays)
  for (const k of [0, 1]) {
    expect(thrown(() => det.oob(k)).code).toBe('memory_out_of_bounds');
    expect(det.m8()).toBe(2);
  }
  det.oob(2);
  expect(listing(3)).toMatch(/F64_LOAD_MUL_ADD_MEM_C 8 0 65530 (.|\n)*F64_LOAD_MUL_ADD_MEM_C 65530 0 8 /);
  const l = listing(9);
  for (const op of ['F64_LOAD_MUL_ADD_MEM_C', 'F64_SQRT_MUL_DIV_IS']) expect(l).toContain(op);
  const expected = native.loop(50);
  expect(det.loop(50)).toBe(expected);
  expect(await resumableByUnits(text, 'loop', 50)).toBe(expected);
});

test('`p->f -= x * y` with the load first and loads and arithmetic before the product is one f64.mul_sub_mem without the load (`p->f += x`, `p->f -= x`, with x a product of three: the f64.add_mem family): native results bit for bit, NaNs canonical, traps as before, not fused across a store, a global.set, a call or a write of the address, gas resumable one unit at a time', async () => {
  const F = (x: string) => `(f64.reinterpret_i64 ${x})`;
  // m at p + 8 minus (m at q f64.mul (x f64.sub m at q + 8)) f64.mul sqrt(z): nbody's `a->vx -= b->mass * dx * mag`
  const msm = (p: string, mid = '') => `(f64.store offset=8 ${p} (f64.sub (f64.load offset=8 ${p})
      (f64.mul (f64.mul (f64.load (local.get $q)) (f64.sub ${mid}${F('(local.get $x)')} (f64.load offset=8 (local.get $q)))) (f64.sqrt ${F('(local.get $z)')}))))`;
  const params = '(param $p i32) (param $q i32) (param $x i64) (param $z i64)';
  const text = `(module (memory 1) (global $g (mut i32) (i32.const 0))
    (func (export "st") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
    (func (export "ld") (param i32) (result i64) (i64.load (local.get 0)))
    (func (export "msm") ${params} ${msm('(local.get $p)')})
    (func (export "gset") ${params} ${msm('(local.get $p)', '(global.set $g (local.get $p)) ')})
    (func (export "stmid") ${params} ${msm('(local.get $p)', '(i64.store offset=8 (local.get $p) (local.get $z)) ')})
    (func (export "callmid") ${params} ${msm('(local.get $p)', '(call 0 (i32.add (local.get $p) (i32.const 8)) (local.get $z)) ')})
    (func (export "teemid") ${params} ${msm('(local.get $p)', '(local.set $p (local.get $q)) ')})
    (func (export "other") ${params} (f64.store offset=16 (local.get $p) (f64.sub (f64.load offset=8 (local.get $p))
      (f64.mul (f64.load (local.get $q)) (f64.sqrt ${F('(local.get $z)')})))))
    (func (export "add3") ${params} (f64.store offset=8 (local.get $p) (f64.add (f64.load offset=8 (local.get $p))
      (f64.mul (f64.mul (f64.load (local.get $q)) (f64.sqrt ${F('(local.get $z)')})) ${F('(local.get $x)')}))))
    (func (export "sub3") ${params} (f64.store offset=8 (local.get $p) (f64.sub (f64.load offset=8 (local.get $p))
      (f64.mul (f64.mul (f64.load (local.get $q)) (f64.sqrt ${F('(local.get $z)')})) ${F('(local.get $x)')}))))
    (func (export "add1") ${params} (f64.store offset=8 (local.get $p) (f64.add (f64.load offset=8 (local.get $p))
      (f64.div (f64.load (local.get $q)) ${F('(local.get $x)')}))))
    (func (export "sub1") ${params} (f64.store offset=8 (local.get $p) (f64.sub (f64.load offset=8 (local.get $p))
      (f64.sqrt (f64.sub ${F('(local.get $x)')} (f64.load offset=8 (local.get $q)))))))
    (func (export "add1st") ${params} (f64.store offset=8 (local.get $p) (f64.add (f64.load offset=8 (local.get $p))
      (f64.div (block (result f64) (i64.store (local.get $q) (local.get $z)) (f64.load (local.get $q))) ${F('(local.get $x)')}))))
    (func (export "loop") (param $n i32) (result i64) (local $i i32) (local $p i32) (local $q i32) (local $x i64) (local $z i64)
      (local.set $x (i64.reinterpret_f64 (f64.const 0.75)))
      (local.set $z (i64.reinterpret_f64 (f64.const 2)))
      (loop $l
        (local.set $p (i32.shl (i32.and (local.get $i) (i32.const 7)) (i32.const 3)))
        (local.set $q (i32.add (local.get $p) (i32.const 128)))
        ${msm('(local.get $p)')}
        (f64.store offset=128 (local.get $p) (f64.add (f64.load offset=128 (local.get $p)) (f64.const 0.5)))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (i64.add (i64.load offset=8 (i32.const 0)) (i64.load offset=16 (i32.const 48)))))`;
  const { native, det, listing } = await floatModule(text);
  // [addr a b offset imm k c]: p, the load's temporary (unused), the product of the sub_sl_mul, offset 8, sqrt(z)
  expect(listing(2)).toMatch(/F64_MUL_SUB_MEM 0 (\d+) \d+ 8 0 0 \d+\n/);
  expect(listing(2).match(/I64_LOAD /g)).toHaveLength(1); // m at q, which the subtraction f64.sub_sl_mul reads
  for (const fn of [3, 4, 5, 6, 7]) expect(listing(fn)).not.toMatch(/F64_MUL_SUB_MEM/);
  // `p->f += x * y * z`, `p->f -= x * y * z`, `p->f += x`, `p->f -= x` likewise: [addr a offset b c pd pa pi]
  expect(listing(8)).toMatch(/F64_MUL_MUL_ADD_MEM 0 \d+ 8 \d+ 4 0 0 0\n/);
  expect(listing(9)).toMatch(/F64_MUL_MUL_SUB_MEM 0 \d+ 8 \d+ 4 0 0 0\n/);
  expect(listing(10)).toMatch(/F64_ADD_MEM 0 \d+ 8 /);
  expect(listing(11)).toMatch(/F64_SUB_MEM 0 \d+ 8 /);
  for (const fn of [8, 9, 10]) expect(listing(fn).match(/I64_LOAD /g)).toHaveLength(1);
  expect(listing(11)).not.toMatch(/I64_LOAD/); // (m at q + 8: f64.sub_sl)
  expect(listing(12)).not.toMatch(/F64_ADD_MEM/); // a store between
  expect(listing(13)).toMatch(/F64_MUL_SUB_MEM /);
  const xs = f64Operands(87, 12);
  const r = rng(88);
  const bad: string[] = [];
  for (let round = 0; round < 300; round++) {
    const v = () => xs[r() % xs.length];
    const m = [v(), v(), v(), v(), v()];
    const x = v(), z = v();
    for (const f of ['msm', 'gset', 'stmid', 'callmid', 'teemid', 'other', 'add3', 'sub3', 'add1', 'sub1', 'add1st']) {
      for (const e of [native, det]) m.forEach((b, k) => e.st(256 + 8 * k, b));
      // p = 256, q = 272
      native[f](256, 272, x, z); det[f](256, 272, x, z);
      // the result at p + 8 (p + 16 for other), canonical if NaN; the rest bits as they were
      const at = f === 'other' ? 2 : 1;
      for (let k = 0; k < 5; k++) if (k === at ? !sameFloat('f64', native.ld(256 + 8 * k), det.ld(256 + 8 * k)) : native.ld(256 + 8 * k) !== det.ld(256 + 8 * k)) bad.push(`${f}(${x}, ${z}) at ${k}: native ${native.ld(256 + 8 * k)}, detwasm ${det.ld(256 + 8 * k)}`);
    }
  }
  expect(bad.slice(0, 10)).toEqual([]);
  // out of bounds: at p (the dropped load's address, checked by the store) and at q (a load between); memory unchanged
  det.st(65528, 5n); det.st(256, 7n);
  det.st(264, 9n);
  for (const f of ['msm', 'add3', 'sub3', 'add1', 'sub1']) {
    expect(thrown(() => det[f](65521, 256, 0n, 0n)).code).toBe('memory_out_of_bounds');
    expect(thrown(() => det[f](256, 65529, 0n, 0n)).code).toBe('memory_out_of_bounds');
  }
  expect([det.ld(65528), det.ld(256), det.ld(264)]).toEqual([5n, 7n, 9n]);
  const expected = native.loop(100);
  expect(det.loop(100)).toBe(expected);
  expect(await resumableByUnits(text, 'loop', 100)).toBe(expected);
});

test('three f64.step_mul_mul_add_mem on one pointer (`q = p + i; q->f += a * b * c` for x, y, z) are one f64.step_mul_mul_add_mem3: native results bit for bit, NaNs canonical, traps at each step after the steps before, gas resumable one unit at a time', async () => {
  const F = (x: string) => `(f64.reinterpret_i64 ${x})`;
  const step = (q: string, p: string, i: number, a: string) =>
    `(f64.store (local.tee ${q} (i32.add (local.get ${p}) (i32.const ${i}))) (f64.add (f64.mul (f64.mul ${a} ${F('(local.get $b)')}) ${F('(local.get $c)')}) (f64.load (local.get ${q}))))`;
  const params = '(param $p i32) (param $x i64) (param $y i64) (param $z i64) (param $b i64) (param $c i64) (result i32) (local $q i32)';
  const text = `(module (memory 1)
    (func (export "st") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
    (func (export "ld") (param i32) (result i64) (i64.load (local.get 0)))
    (func (export "v3") ${params}
      ${step('$q', '$p', 0, F('(local.get $x)'))} ${step('$q', '$p', 8, F('(local.get $y)'))} ${step('$q', '$p', 16, F('(local.get $z)'))}
      (local.get $q))
    (func (export "walk") ${params}
      ${step('$q', '$p', 8, F('(local.get $x)'))} ${step('$q', '$q', 8, F('(local.get $y)'))} ${step('$q', '$q', 8, F('(local.get $z)'))}
      (local.get $q))
    (func (export "loop") (param $n i32) (result i64) (local $i i32) (local $p i32) (local $q i32) (local $x f64) (local $y f64) (local $z f64) (local $b f64) (local $c f64)
      (local.set $x (f64.const 0.5))
      (local.set $b (f64.const 3))
      (local.set $c (f64.const 1.25))
      (loop $l
        (local.set $p (i32.shl (i32.and (local.get $i) (i32.const 7)) (i32.const 5)))
        (local.set $x (f64.mul (local.get $x) (f64.const 0.75)))
        (local.set $y (f64.add (local.get $x) (f64.const 1)))
        (local.set $z (f64.sub (local.get $x) (local.get $y)))
        (f64.store (local.tee $q (i32.add (local.get $p) (i32.const 64))) (f64.add (f64.mul (f64.mul (local.get $x) (local.get $b)) (local.get $c)) (f64.load (local.get $q))))
        (f64.store (local.tee $q (i32.add (local.get $p) (i32.const 72))) (f64.add (f64.mul (f64.mul (local.get $y) (local.get $b)) (local.get $c)) (f64.load (local.get $q))))
        (f64.store (local.tee $q (i32.add (local.get $p) (i32.const 80))) (f64.add (f64.mul (f64.mul (local.get $z) (local.get $b)) (local.get $c)) (f64.load (local.get $q))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (i64.add (i64.load offset=64 (i32.const 0)) (i64.load offset=80 (i32.const 32)))))`;
  const { native, det, listing } = await floatModule(text);
  // [addr offset b c pa a1 a2 a3 i1 i2 i3]
  expect(listing(2)).toMatch(/^\s+0: F64_STEP_MUL_MUL_ADD_MEM3 12 0 8 10 0 2 4 6 0 8 16\n\s+\d+: \S+ \d+ 12$/m);
  expect(listing(2)).not.toMatch(/F64_STEP_MUL_MUL_ADD_MEM |F64_MUL_MUL_ADD_MEM|I32_ADD_SI/);
  // each step's pointer is the address slot the step before wrote: three separate steps
  expect(listing(3).match(/F64_STEP_MUL_MUL_ADD_MEM /g)!.length).toBe(3);
  expect(listing(3)).not.toMatch(/MEM3/);
  expect(listing(4)).toMatch(/F64_STEP_MUL_MUL_ADD_MEM3 /);
  const xs = f64Operands(85, 12);
  const r = rng(86);
  const bad: string[] = [];
  for (let round = 0; round < 400; round++) {
    const v = () => xs[r() % xs.length];
    const m = [v(), v(), v(), v()];
    const args = [v(), v(), v(), v(), v()];
    for (const [f, untouched] of [['v3', 3], ['walk', 0]] as const) {
      for (const x of [native, det]) m.forEach((b, k) => x.st(256 + 8 * k, b));
      if (native[f](256, ...args) !== det[f](256, ...args)) bad.push(`${f} q`);
      const same = (k: number) => k === untouched ? native.ld(256 + 8 * k) === det.ld(256 + 8 * k) : sameFloat('f64', native.ld(256 + 8 * k), det.ld(256 + 8 * k));
      for (let k = 0; k < 4; k++) if (!same(k)) bad.push(`${f} ${args} at ${k}: native ${native.ld(256 + 8 * k)}, detwasm ${det.ld(256 + 8 * k)}`);
    }
  }
  expect(bad.slice(0, 10)).toEqual([]);
  // out of bounds at the third, second, first step: the steps before it stored, as natively
  const one = 0x3ff0000000000000n;
  for (const p of [65520, 65528, 65532]) {
    for (const x of [native, det]) for (let a = 65504; a < 65536; a += 8) x.st(a, one);
    expect(thrown(() => native.v3(p, one, one, one, one, one))).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(thrown(() => det.v3(p, one, one, one, one, one)).code).toBe('memory_out_of_bounds');
    for (let a = 65504; a < 65536; a += 8) expect([p, a, det.ld(a)]).toEqual([p, a, native.ld(a)]);
  }
  const expected = native.loop(40);
  expect(det.loop(40)).toBe(expected);
  expect(await resumableByUnits(text, 'loop', 40)).toBe(expected);
});

test("a dot-product loop's address add and pointer step join its f32 steps (f32.add_mul_ll, f32.mul_ll_add2_s_add): native results bit for bit, NaNs canonical, traps, gas resumable one unit at a time", async () => {
  // clang's shape of `for (k = 0; k < n; k += 2) s += a[k] * b[k * 16] + a[k + 1] * b[(k + 1) * 16]`:
  // the second product first (its address `a + k` tee'd), then s + the first, then + the second
  const text = `(module (memory 1)
    (func (export "set") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
    (func (export "dot") (param $a i32) (param $q i32) (param $n i32) (result i32) (local $k i32) (local $p i32) (local $s f32)
      (loop $l
        (f32.mul (f32.load offset=4 (local.tee $p (i32.add (local.get $a) (local.get $k)))) (f32.load offset=64 (local.get $q)))
        (f32.add (local.get $s) (f32.mul (f32.load (local.get $p)) (f32.load (local.get $q))))
        f32.add
        local.set $s
        (local.set $q (i32.add (local.get $q) (i32.const 128)))
        (br_if $l (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 8))) (local.get $n))))
      (i32.reinterpret_f32 (local.get $s))))`;
  const { native, det, listing } = await floatModule(text);
  const l = listing(1);
  // [dst c x | addr1 offset1 imm1 k1 | addr2 offset2 imm2 k2 | pd pa pb pi]
  expect(l).toMatch(/^\s+0: F32_ADD_MUL_LL (\d+) \1 \1 (\d+) 4 0 0 2 64 0 0 \2 0 6 0\n\s+\d+: F32_MUL_LL_ADD2_S_ADD 10 10 \1 \2 0 0 0 2 0 0 0 2 2 0 128\n\s+\d+: I32_ADD_SI 6 6 8\n/);
  expect(l).not.toMatch(/I32_ADD_SS|F32_MUL_LL |F32_MUL_LL_ADD_S |I32_ADD_SI 2 /);
  const r = rng(80);
  const bits = [...F32_BITS];
  for (let i = 0; i < 40; i++) bits.push(r() | 0);
  for (let round = 0; round < 30; round++) {
    for (let i = 0; i < 2048; i += 4) {
      // mostly ordinary values, sometimes one of the edge cases (NaNs, infinities, subnormals)
      const v = r() % 7 === 0 ? bits[r() % bits.length] : (0x3c000000 + (r() % 0x4000000)) ^ (r() & 0x80000000);
      native.set(i, v); det.set(i, v);
    }
    const n = native.dot(0, 256, 64), d = det.dot(0, 256, 64);
    expect([round, sameFloat('f32', n, d) ? 'same' : `native ${n}, detwasm ${d}`]).toEqual([round, 'same']);
  }
  // out of bounds: the second load of the first step; the add before it ran, nothing else did
  expect(thrown(() => det.dot(0, 65536 - 64, 16)).code).toBe('memory_out_of_bounds');
  expect(thrown(() => det.dot(65532, 0, 16)).code).toBe('memory_out_of_bounds');
  await resumableByUnits(text, 'dot', 0, 256, 64);
});

test("a dot-product loop of f32.add_mul_ll, f32.mul_ll_add2_s_add and its counter's branch back runs as one f32.dot2_loop: native results bit for bit, NaNs canonical, traps in a first and a later round, the gas of the separate ops, resumable one unit at a time", async () => {
  // the loop of the test above with a constant trip count (the branch a br_if_add_si_i32_ne_si); `dot`
  // indexes b with a shift and a memarg offset (k = 2, offset = 64), `dotn` is `dot` with the bound in a
  // local (no fused loop: the same instructions, so the same gas with the unit schedule)
  const loop = (bound: string) => `(loop $l
        (f32.mul (f32.load offset=4 (local.tee $p (i32.add (local.get $a) (local.get $k)))) (f32.load offset=64 (i32.shl (local.get $q) (i32.const 2))))
        (f32.add (local.get $s) (f32.mul (f32.load (local.get $p)) (f32.load offset=0 (i32.shl (local.get $q) (i32.const 2)))))
        f32.add
        local.set $s
        (local.set $q (i32.add (local.get $q) (i32.const 32)))
        (br_if $l (i32.ne (local.tee $k (i32.add (local.get $k) (i32.const 8))) ${bound})))`;
  const text = `(module (memory 1)
    (func (export "set") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
    (func (export "dot") (param $a i32) (param $q i32) (param $n i32) (result i32) (local $k i32) (local $p i32) (local $s f32)
      ${loop('(i32.const 64)')}
      (i32.reinterpret_f32 (local.get $s)))
    (func (export "dotn") (param $a i32) (param $q i32) (param $n i32) (result i32) (local $k i32) (local $p i32) (local $s f32)
      ${loop('(local.get $n)')}
      (i32.reinterpret_f32 (local.get $s))))`;
  const { native, det, listing } = await floatModule(text);
  // [dst c x | addr1 offset1 imm1 k1 | addr2 offset2 imm2 k2 | pd pa pb pi] op2 [the same] op3 [dst a b c | target | fall]
  const loopRe = new RegExp(`^\\s+(\\d+): F32_DOT2_LOOP (\\d+) \\2 \\2 (\\d+) 4 0 0 2 64 0 2 \\3 0 6 0 ${Op.F32_MUL_LL_ADD2_S_ADD} 10 10 \\2 \\3 0 0 0 2 0 0 2 2 2 0 32 ${Op.BR_IF_ADD_SI_I32_NE_SI} 6 6 8 64 \\1 0 \\d+ 0\n`, 'm');
  expect(listing(1)).toMatch(loopRe);
  expect(listing(1, true)).toContain('F32_DOT2_LOOP');
  expect(listing(2)).not.toContain('F32_DOT2_LOOP');
  const r = rng(81);
  const bits = [...F32_BITS];
  for (let i = 0; i < 40; i++) bits.push(r() | 0);
  for (let round = 0; round < 30; round++) {
    for (let i = 0; i < 4096; i += 4) {
      // mostly ordinary values, sometimes one of the edge cases (NaNs, infinities, subnormals)
      const v = r() % 7 === 0 ? bits[r() % bits.length] : (0x3c000000 + (r() % 0x4000000)) ^ (r() & 0x80000000);
      native.set(i, v); det.set(i, v);
    }
    const q = r() % 64;
    const n = native.dot(round * 4, q, 0), d = det.dot(round * 4, q, 0);
    expect([round, sameFloat('f32', n, d) ? 'same' : `native ${n}, detwasm ${d}`]).toEqual([round, 'same']);
    expect(det.dotn(round * 4, q, 64)).toBe(d);
  }
  // out of bounds in either load of the first product (the second product's addresses are below them),
  // in the first round and in later ones
  for (const [a, q] of [[65532, 0], [0, 16368], [65536, 0], [0, 16368 - 64], [65536 - 60, 0], [65536 - 32, 0]]) {
    expect([a, q, thrown(() => native.dot(a, q, 0)).message === undefined]).toEqual([a, q, false]);
    expect([a, q, thrown(() => det.dot(a, q, 0)).code]).toEqual([a, q, 'memory_out_of_bounds']);
  }
  const fused = await resumableByUnits(text, 'dot', 8, 3, 0);
  expect(await resumableByUnits(text, 'dotn', 8, 3, 64)).toBe(fused);
  const m = await floatModule(text, 1e9);
  let g = m.store.gasUsed;
  m.det.dot(8, 3, 0);
  const gFused = m.store.gasUsed - g;
  g = m.store.gasUsed;
  m.det.dotn(8, 3, 64);
  expect(m.store.gasUsed - g).toBe(gFused);
});

test('k - x with a constant k (negation, 31 - x) is one I32_SUB_IS and wraps; resumable one unit of gas at a time', async () => {
  const ks = [0, 1, 31, -1, 0x7fffffff, -0x80000000];
  let funcs = '';
  ks.forEach((k, i) => { funcs += `(func (export "k${i}") (param i32) (result i32) (i32.sub (i32.const ${k}) (local.get 0)))`; });
  funcs += '(func (export "set") (param i32) (result i32) (local.set 0 (i32.sub (i32.const 0) (local.get 0))) (local.get 0))';
  funcs += '(func (export "both") (result i32) (i32.sub (i32.const 5) (i32.const 7)))';
  const text = `(module ${funcs})`;
  const s = await instantiateWat(text);
  for (const x of [0, 1, -1, 31, 32, 0x7fffffff, -0x80000000, 123456789]) {
    ks.forEach((k, i) => expect([k, x, s.exports[`k${i}`](x)]).toEqual([k, x, (k - x) | 0]));
    expect(s.exports.set(x)).toBe(-x | 0);
  }
  expect(s.exports.both()).toBe(-2);
  for (let f = 0; f < ks.length; f++) expect(await listing(text, f)).toMatch(/^\s+0: I32_SUB_IS 0 0 -?\d+\n\s+\d+: RETURN $/);
  expect(await listing(text, ks.length)).toMatch(/I32_SUB_IS 0 0 0/); // retargeted to local 0
  const r = await instantiateWat(text, { config: { gas: 'unit' }, gas: 0 });
  const { call: c, pauses } = resumeByUnits(r.store, r.exports.k2, 40);
  expect(c.value).toBe(-9);
  expect(pauses).toBeGreaterThan(2);
});

test('a store of a value just loaded, its address computed right before the load, folds the address (the records swap); not when the load overwrites what the address reads', async () => {
  const text = `(module (memory (export "mem") 1) (data (i32.const 0) "\\01\\02\\03\\04\\05\\06\\07\\08")
    (func (export "idx") (param i32 i32 i32) (i32.store (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 2))) (i32.load (local.get 2))))
    (func (export "byte") (param i32 i32) (i32.store8 offset=3 (i32.add (local.get 0) (i32.const 1200)) (i32.load8_u offset=1 (local.get 1))))
    (func (export "shl") (param i32 i32) (i64.store (i32.shl (local.get 0) (i32.const 3)) (i64.load (local.get 1))))
    (func (export "tmp") (param i32 i32 i32 i32)
      (i32.store (i32.add (local.get 0) (i32.shl (i32.add (local.get 1) (local.get 2)) (i32.const 2))) (i32.load (local.get 3)))))`;
  const s = await instantiateWat(text);
  const { idx, byte, shl, tmp } = s.exports;
  const mem = () => new DataView(s.exports.mem.buffer);
  idx(200, 3, 1); // [212] = word at 1
  expect(mem().getUint32(212, true)).toBe(0x05040302);
  idx(-4, 0x40000001, 0); // (1 << 30 << 2) wraps: [-4 + 4] = [0]
  expect(mem().getUint32(0, true)).toBe(0x04030201);
  byte(100, 2); // [1303] = byte at 3
  expect(mem().getUint8(1303)).toBe(4);
  shl(2, 0); // [16..24] = [0..8]
  expect(mem().getBigUint64(16, true)).toBe(0x0807060504030201n);
  tmp(1000, 1, 2, 4); // [1012] = word at 4; the address from the sum (1 + 2) << 2
  expect(mem().getUint32(1012, true)).toBe(0x08070605);
  const before = mem().getUint32(0, true);
  expect(thrown(() => idx(0, 0, 65533)).code).toBe('memory_out_of_bounds'); // the load traps first
  expect(thrown(() => idx(65533, 0, 0)).code).toBe('memory_out_of_bounds'); // then the store
  expect(thrown(() => byte(65536 - 1203, 0)).code).toBe('memory_out_of_bounds');
  expect(thrown(() => shl(8192, 0)).code).toBe('memory_out_of_bounds');
  expect(mem().getUint32(0, true)).toBe(before);
  for (let f = 0; f < 3; f++) {
    const l = await listing(text, f);
    // (the load may be the first of a dispatch pair with the store)
    expect(l).toMatch(/^\s+0: I(32|64)_LOAD(8_U)?(__I32_STORE8)? /);
    expect(l.split('\n')).toHaveLength(3); // load, store (address folded), return
  }
  expect(await listing(text, 0)).toContain('I32_STORE_IDX 0 2 8 0 0 2');
  expect(await listing(text, 1)).toContain('I32_STORE8 0 6 3 1200 0');
  // the address reads the temporary the load writes: kept in order
  expect(await listing(text, 3)).toMatch(/I32_ADD_SHL_SSII 8 0 10 2 0\n\s+\d+: I32_LOAD 10 6 0 0 0\n\s+\d+: I32_STORE 8 10/);
  const r = await instantiateWat(text, { config: { gas: 'unit' }, gas: 0 });
  const { pauses } = resumeByUnits(r.store, r.exports.idx, 300, 1, 0);
  expect(new DataView(r.exports.mem.buffer).getUint32(304, true)).toBe(0x04030201);
  expect(pauses).toBeGreaterThan(3);
});

test('an interpreter dispatch (op = code[++pc]; switch (op)) is one BR_TABLE_LOAD_STEP: the step is done once, also when out of gas at the jump resumes', async () => {
  const code = [0, 0, 1, 2, 0, 2, 7];
  const text = `(module (memory 1)
    (data (i32.const 64) "${code.map((c) => `\\0${c}\\00\\00\\00`).join('')}")
    (func (export "run") (param $pc i32) (result i32) (local $acc i32) (local $next i32)
      (loop $d
        (local.set $pc (local.tee $next (i32.add (local.get $pc) (i32.const 1))))
        (block $halt (block $c2 (block $c1 (block $c0
          (br_table $c0 $c1 $c2 $halt (i32.load offset=64 (i32.shl (local.get $pc) (i32.const 2)))))
          (local.set $acc (i32.add (local.get $acc) (i32.const 1))) (br $d))
          (local.set $acc (i32.mul (local.get $acc) (i32.const 3))) (br $d))
          (local.set $acc (i32.add (local.get $acc) (local.get $next))) (br $d)))
      (i32.add (i32.mul (local.get $acc) (i32.const 100)) (local.get $pc))))`;
  const ref = (pc: number) => {
    let acc = 0;
    for (;;) {
      const op = code[++pc];
      if (op === 0) acc += 1; else if (op === 1) acc *= 3; else if (op === 2) acc += pc; else return acc * 100 + pc;
    }
  };
  const s = await instantiateWat(text);
  expect(s.exports.run(-1)).toBe(ref(-1));
  expect(s.exports.run(2)).toBe(ref(2));
  expect(thrown(() => s.exports.run(20000)).code).toBe('memory_out_of_bounds');
  expect(await listing(text, 0, true)).toMatch(/BR_TABLE_LOAD_STEP 4 0 1 0 0 64 0 2 3 /); // the step's source is its destination
  expect(await listing(text, 0, true)).not.toMatch(/I32_ADD_SI_TEE|BR_TABLE_LOAD /);
  const m = await instantiateWat(text, { config: { gas: 'unit' }, gas: 1e6 });
  const g0 = m.store.gasUsed;
  expect(m.exports.run(-1)).toBe(ref(-1));
  const gas = m.store.gasUsed - g0;
  // one unit of gas at a time: the step runs once per dispatch (a plain charge would step twice on resume)
  const r = await instantiateWat(text, { config: { gas: 'unit' }, gas: 0 });
  const { call: c, pauses } = resumeByUnits(r.store, r.exports.run, -1);
  expect(c.value).toBe(ref(-1));
  expect(r.store.gasUsed).toBe(gas);
  expect(pauses).toBeGreaterThan(7);
});

test('i32.load from an address just computed into a local (local.tee of x + imm, x << k, (x << k) + imm; y + imm + (x << k): I32_LOAD_AX) is one I32_LOAD_A that writes the local too; wraps; traps out of bounds; resumable', async () => {
  // each returns [loaded, the local]; memory: 0x11223344 at 8, -1 at 12, 7 at 65532
  const addrs = [
    ['add', '(i32.add (local.get 0) (i32.const 4))', (x: number) => (x + 4) | 0],
    ['shl', '(i32.shl (local.get 0) (i32.const 34))', (x: number) => x << 2],
    ['shladd', '(i32.add (i32.shl (local.get 0) (i32.const 2)) (i32.const 4))', (x: number) => ((x << 2) + 4) | 0],
    ['idx', '(i32.add (i32.add (i32.shl (local.get 0) (i32.const 1)) (i32.add (local.get 0) (i32.const 8))) (i32.const -4))', (x: number) => ((x << 1) + x + 4) | 0],
  ] as const;
  let funcs = '';
  for (const [name, e] of addrs) {
    funcs += `(func (export "${name}") (param i32) (result i32 i32) (local i32)
      (i32.load offset=4 (local.tee 1 ${e})) (local.get 1))`;
  }
  // the address is the destination's own local and the loaded value overwrites it (p = *(p + 4))
  funcs += `(func (export "chase") (param i32) (result i32)
    (local.set 0 (i32.load (local.tee 0 (i32.add (local.get 0) (i32.const 4))))) (local.get 0))`;
  const text = `(module (memory 1) (data (i32.const 8) "\\44\\33\\22\\11\\ff\\ff\\ff\\ff") (data (i32.const 65532) "\\07") ${funcs})`;
  const s = await instantiateWat(text);
  const mem = new DataView(new ArrayBuffer(65536));
  mem.setInt32(8, 0x11223344, true);
  mem.setInt32(12, -1, true);
  mem.setInt32(65532, 7, true);
  for (const [name, , f] of addrs) {
    for (const x of [0, 1, 2, -1, -2, 0x3fffffff, 16381, 65528 - 4, 0x40000001]) {
      const a = f(x), ea = (a >>> 0) + 4;
      if (ea + 4 > 65536) expect([name, x, thrown(() => s.exports[name](x)).code]).toEqual([name, x, 'memory_out_of_bounds']);
      else expect([name, x, s.exports[name](x)]).toEqual([name, x, [mem.getInt32(ea, true), a]]);
    }
  }
  expect(s.exports.chase(4)).toBe(0x11223344);
  expect(s.exports.chase(-4 + 2 ** 32)).toBe(0); // u32 wrap: address 0
  expect(thrown(() => s.exports.chase(65530)).code).toBe('memory_out_of_bounds');
  for (let i = 0; i < 5; i++) {
    const l = await listing(text, i);
    expect(l).toContain(i === 3 ? ' I32_LOAD_AX ' : ' I32_LOAD_A ');
    expect(l).not.toMatch(/ I32_(ADD_SI|SHL_SI|SHL_ADD_SII|ADD_SHL_SSII|LOAD) /);
  }
  // gas: one unit per wasm instruction, as unfused (local.tee, add, get, const, load, local.get, end)
  const m = await instantiateWat(text, { config: { gas: 'unit' }, gas: 1000 });
  const g0 = m.store.gasUsed;
  m.exports.add(4);
  expect(m.store.gasUsed - g0).toBe(7);
  const g1 = m.store.gasUsed;
  m.exports.idx(4);
  expect(m.store.gasUsed - g1).toBe(13);
  const r = await instantiateWat(text, { config: { gas: 'unit' }, gas: 0 });
  const { call: c, pauses } = resumeByUnits(r.store, r.exports.idx, 1);
  expect(c.value).toEqual([mem.getInt32(11, true), 7]);
  expect(pauses).toBe(13);
});

test('a dispatch loop copying its pc at the loop head runs the copy as the prefix of BR_TABLE_LOAD_STEP; out of gas at the jump resumes without copying or stepping twice', async () => {
  const code = [0, 0, 1, 2, 0, 2, 7];
  const text = `(module (memory 1)
    (data (i32.const 64) "${code.map((c) => `\\0${c}\\00\\00\\00`).join('')}")
    (func (export "run") (param $pc i32) (result i32) (local $acc i32) (local $cur i32) (local $next i32)
      (loop $d
        (local.set $cur (local.get $pc))
        (local.set $pc (local.tee $next (i32.add (local.get $cur) (i32.const 1))))
        (block $halt (block $c2 (block $c1 (block $c0
          (br_table $c0 $c1 $c2 $halt (i32.load offset=64 (i32.shl (local.get $cur) (i32.const 2)))))
          (local.set $acc (i32.add (local.get $acc) (i32.const 1))) (br $d))
          (local.set $acc (i32.mul (local.get $acc) (i32.const 3))) (br $d))
          (local.set $acc (i32.add (local.get $acc) (local.get $next))) (br $d)))
      (i32.add (i32.mul (local.get $acc) (i32.const 100)) (i32.add (local.get $pc) (i32.mul (local.get $cur) (i32.const 1000))))))`;
  const ref = (pc: number) => {
    let acc = 0;
    for (;;) {
      const cur = pc;
      const op = code[cur];
      pc = cur + 1;
      if (op === 0) acc += 1; else if (op === 1) acc *= 3; else if (op === 2) acc += pc; else return acc * 100 + pc + cur * 1000;
    }
  };
  const s = await instantiateWat(text);
  expect(s.exports.run(0)).toBe(ref(0));
  expect(s.exports.run(3)).toBe(ref(3));
  expect(thrown(() => s.exports.run(20000)).code).toBe('memory_out_of_bounds');
  const l = await listing(text, 0, true);
  expect(l).toMatch(/COPY_BR_TABLE_LOAD_STEP 4 0\n *\d+: BR_TABLE_LOAD_STEP 6 4 1 0 4 64 0 2 3 /);
  expect(l).not.toMatch(/ COPY /);
  const m = await instantiateWat(text, { config: { gas: 'unit' }, gas: 1e6 });
  const g0 = m.store.gasUsed;
  expect(m.exports.run(0)).toBe(ref(0));
  const gas = m.store.gasUsed - g0;
  const r = await instantiateWat(text, { config: { gas: 'unit' }, gas: 0 });
  const { call: c, pauses } = resumeByUnits(r.store, r.exports.run, 0);
  expect(c.value).toBe(ref(0));
  expect(r.store.gasUsed).toBe(gas);
  expect(pauses).toBeGreaterThan(7);
});

test('a load kept in a local by local.tee and tested by br_if / if is one BR_IF_LOAD(8_U)_NZ / _Z that writes the local on both paths; out of bounds traps before it', async () => {
  let funcs = '';
  for (const load of ['i32.load', 'i32.load8_u']) {
    const ld = `(local.tee 1 (${load} offset=4 (local.get 0)))`;
    // returns local 1 * 10 + (1 taken / 2 not)
    funcs += `(func (export "${load}_br") (param i32) (result i32) (local i32)
      (block $t (br_if $t ${ld}) (return (i32.add (i32.mul (local.get 1) (i32.const 10)) (i32.const 2))))
      (i32.add (i32.mul (local.get 1) (i32.const 10)) (i32.const 1)))`;
    funcs += `(func (export "${load}_if") (param i32) (result i32) (local i32)
      (if ${ld} (then (return (i32.add (i32.mul (local.get 1) (i32.const 10)) (i32.const 1)))))
      (i32.add (i32.mul (local.get 1) (i32.const 10)) (i32.const 2)))`;
  }
  // a linked list: p = p->next while p (the sum of the nodes' values at p + 4)
  funcs += `(func (export "list") (param i32) (result i32) (local i32)
    (loop $l (local.set 1 (i32.add (local.get 1) (i32.load offset=4 (local.get 0))))
      (br_if $l (local.tee 0 (i32.load (local.get 0)))))
    (local.get 1))`;
  const text = `(module (memory 1)
    (data (i32.const 4) "\\05\\00\\00\\00\\00\\00\\00\\00\\00\\01\\00\\00")
    (data (i32.const 16) "\\20\\00\\00\\00\\03\\00\\00\\00") (data (i32.const 32) "\\00\\00\\00\\00\\04\\00\\00\\00") ${funcs})`;
  const s = await instantiateWat(text);
  for (const load of ['i32.load', 'i32.load8_u']) {
    const v = (p: number) => (load === 'i32.load' ? [5, 0, 256][p / 4] : [5, 0, 0][p / 4]);
    for (const p of [0, 4, 8]) {
      const x = v(p);
      expect([load, p, s.exports[`${load}_br`](p)]).toEqual([load, p, x * 10 + (x !== 0 ? 1 : 2)]);
      expect([load, p, s.exports[`${load}_if`](p)]).toEqual([load, p, x * 10 + (x !== 0 ? 1 : 2)]);
    }
    expect(thrown(() => s.exports[`${load}_br`](65534)).code).toBe('memory_out_of_bounds');
    expect(thrown(() => s.exports[`${load}_if`](-1)).code).toBe('memory_out_of_bounds');
  }
  expect(s.exports.list(16)).toBe(3 + 4);
  // out of gas at the branch after the load overwrote its own address local: resumed, it goes on from there
  expect(await resumableByUnits(text, 'list', 16)).toBe(3 + 4);
  const names = ['BR_IF_LOAD_NZ', 'BR_IF_LOAD_Z', 'BR_IF_LOAD8_U_NZ', 'BR_IF_LOAD8_U_Z', 'BR_IF_LOAD_NZ'];
  for (let i = 0; i < names.length; i++) {
    const l = await listing(text, i);
    // dst: local 1 (local 0 in the list), the address local 0
    expect(l).toMatch(new RegExp(` ${names[i]} ${i < 4 ? 2 : 0} 0 `));
    expect(l).not.toMatch(/ I32_LOAD(8_U)? \d+ 0 0 0 0\n| BR_IF_(EQZ_)?S /);
  }
});

test('(a ^ b) & c, (a & b) ^ c and a & ~b (SHA-2 Ch and Maj) are one I32_XOR_AND_SSS / I32_AND_XOR_SSS / I32_ANDN_SS in either operand order', async () => {
  const forms = [
    ['xa1', '(i32.and (i32.xor (local.get 0) (local.get 1)) (local.get 2))', (a: number, b: number, c: number) => (a ^ b) & c, 'I32_XOR_AND_SSS'],
    ['xa2', '(i32.and (local.get 2) (i32.xor (local.get 0) (local.get 1)))', (a: number, b: number, c: number) => (a ^ b) & c, 'I32_XOR_AND_SSS'],
    ['ax1', '(i32.xor (i32.and (local.get 0) (local.get 1)) (local.get 2))', (a: number, b: number, c: number) => (a & b) ^ c, 'I32_AND_XOR_SSS'],
    ['ax2', '(i32.xor (local.get 2) (i32.and (local.get 0) (local.get 1)))', (a: number, b: number, c: number) => (a & b) ^ c, 'I32_AND_XOR_SSS'],
    ['an1', '(i32.and (local.get 0) (i32.xor (local.get 1) (i32.const -1)))', (a: number, b: number) => a & ~b, 'I32_ANDN_SS'],
    ['an2', '(i32.and (i32.xor (local.get 1) (i32.const -1)) (local.get 0))', (a: number, b: number) => a & ~b, 'I32_ANDN_SS'],
    // the result into one of its own operands' locals (local.set retargets the fused op)
    ['self', '(local.set 0 (i32.and (i32.xor (local.get 0) (local.get 1)) (local.get 0))) (local.get 0)', (a: number, b: number) => (a ^ b) & a, 'I32_XOR_AND_SSS'],
    // not -1: no and-not (the and, the function's result, returns too: calls.test `_ret` rows)
    ['x5', '(i32.and (local.get 0) (i32.xor (local.get 1) (i32.const 5)))', (a: number, b: number) => a & (b ^ 5), 'I32_AND_SS_RET'],
  ] as const;
  const text = `(module ${forms.map(([n, e]) => `(func (export "${n}") (param i32 i32 i32) (result i32) ${e})`).join('\n')})`;
  const s = await instantiateWat(text);
  const r = rng(22);
  const vals = [0, -1, 1, 0x55555555, -0x80000000];
  for (let i = 0; i < 40; i++) vals.push(r() | 0);
  for (const [n, , f] of forms) {
    for (let i = 0; i + 2 < vals.length; i++) {
      const [a, b, c] = [vals[i], vals[i + 1], vals[i + 2]];
      expect([n, a, b, c, s.exports[n](a, b, c)]).toEqual([n, a, b, c, f(a, b, c)]);
    }
  }
  for (let i = 0; i < forms.length; i++) {
    const l = await listing(text, i);
    expect(l).toContain(` ${forms[i][3]} `);
    // one op and the return (the unfused and: an xor before it, the and returning)
    expect([i, l.replace(/\n *\d+: COPY \d+ \d+/, '').split('\n').length]).toEqual([i, 2]);
  }
});

test('i32.eqz of a load (into its temporary, or a local by local.tee) feeding br_if / if is one BR_IF_LOAD(8_U)_Z / _NZ; out of bounds traps before it', async () => {
  let funcs = '';
  for (const load of ['i32.load', 'i32.load8_u']) {
    // returns the kept value * 10 + (1 when the branch to $t is taken, 2 when not)
    funcs += `(func (export "${load}_br") (param i32) (result i32)
      (block $t (br_if $t (i32.eqz (${load} offset=4 (local.get 0)))) (return (i32.const 2))) (i32.const 1))`;
    funcs += `(func (export "${load}_if") (param i32) (result i32) (local i32)
      (if (i32.eqz (local.tee 1 (${load} offset=4 (local.get 0))))
        (then (return (i32.add (i32.mul (local.get 1) (i32.const 10)) (i32.const 1)))))
      (i32.add (i32.mul (local.get 1) (i32.const 10)) (i32.const 2)))`;
  }
  const text = `(module (memory 1) (data (i32.const 4) "\\05\\00\\00\\00\\00\\00\\00\\00\\00\\01\\00\\00") ${funcs})`;
  const s = await instantiateWat(text);
  for (const load of ['i32.load', 'i32.load8_u']) {
    const v = (p: number) => (load === 'i32.load' ? [5, 0, 256][p / 4] : [5, 0, 0][p / 4]);
    for (const p of [0, 4, 8]) {
      const x = v(p);
      expect([load, p, s.exports[`${load}_br`](p)]).toEqual([load, p, x === 0 ? 1 : 2]);
      expect([load, p, s.exports[`${load}_if`](p)]).toEqual([load, p, x * 10 + (x === 0 ? 1 : 2)]);
    }
    expect(thrown(() => s.exports[`${load}_br`](65534)).code).toBe('memory_out_of_bounds');
    expect(thrown(() => s.exports[`${load}_if`](-1)).code).toBe('memory_out_of_bounds');
  }
  // br_if branches when the value is 0; the if skips its `then` when it is not
  const names = ['BR_IF_LOAD_Z', 'BR_IF_LOAD_NZ 2', 'BR_IF_LOAD8_U_Z', 'BR_IF_LOAD8_U_NZ 2'];
  for (let i = 0; i < names.length; i++) {
    const l = await listing(text, i);
    expect(l).toContain(` ${names[i]} `);
    expect(l).not.toMatch(/ I32_LOAD(8_U)? | I32_EQZ_S | BR_IF_(EQZ_)?S /);
  }
  // gas as unfused: one unit per instruction (block, local.get, load, eqz, br_if, i32.const, end)
  const m = await instantiateWat(text, { config: { gas: 'unit' }, gas: 1000 });
  const g0 = m.store.gasUsed;
  expect(m.exports['i32.load_br'](4)).toBe(1);
  expect(m.store.gasUsed - g0).toBe(7);
});

test('dispatch pairs: the first of two adjacent records becomes the prefix a__b of the second (every pair of isa.ts); branches into the second record, traps in it', async () => {
  // each: [name, params/locals, body, JS reference, the prefix op expected in the listing]
  const cases: Array<[string, string, (a: number, b: number, c: number) => number, string]> = [
    ['(local.set 0 (i32.add (local.get 0) (i32.const 7))) (local.set 1 (i32.add (local.get 1) (i32.const 9))) (i32.sub (local.get 0) (local.get 1))',
      'x', (a, b) => (a + 7 - (b + 9)) | 0, 'I32_ADD_SI__I32_ADD_SI'],
    ['(local.set 0 (i32.add (local.get 0) (i32.const 1))) (i32.add (local.get 0) (i32.load (i32.add (local.get 1) (i32.shl (local.get 2) (i32.const 2)))))',
      'x', (a, b, c) => (a + 1 + M.getInt32(((b + (c << 2)) >>> 0), true)) | 0, 'I32_ADD_SI__I32_LOAD_IDX'],
    ['(local.set 0 (i32.add (local.get 0) (i32.const 1))) (i32.xor (local.get 0) (i32.load offset=4 (local.get 1)))',
      'x', (a, b) => (a + 1) ^ M.getInt32((b >>> 0) + 4, true), 'I32_ADD_SI__I32_LOAD'],
    ['(i32.store offset=16 (local.get 2) (i32.load (i32.add (local.get 0) (local.get 1)))) (i32.load offset=16 (local.get 2))',
      'x', (a, b, c) => { M.setInt32((c >>> 0) + 16, M.getInt32((a + b) >>> 0, true), true); return M.getInt32((c >>> 0) + 16, true); }, 'I32_LOAD_IDX__I32_STORE'],
    ['(i32.add (i32.mul (i32.load16_s (local.get 0)) (local.get 1)) (i32.mul (i32.load16_s offset=2 (local.get 0)) (local.get 2)))',
      'x', (a, b, c) => (Math.imul(M.getInt16(a >>> 0, true), b) + Math.imul(M.getInt16((a >>> 0) + 2, true), c)) | 0, 'I32_LOAD16_S_MUL_S__I32_LOAD16_S_MUL_S'],
    ['(local.set 3 (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2))) (local.set 4 (i32.add (i32.add (local.get 1) (local.get 2)) (local.get 1))) (i32.xor (local.get 3) (local.get 4))',
      'x', (a, b, c) => ((a + b + c) ^ (b + c + b)) | 0, 'I32_ADD3_SSS__I32_ADD3_SSS'],
    ['(local.set 3 (i32.add (local.get 0) (local.get 1))) (local.set 4 (i32.add (local.get 1) (local.get 2))) (i32.xor (local.get 3) (local.get 4))',
      'x', (a, b, c) => ((a + b) ^ (b + c)) | 0, 'I32_ADD_SS__I32_ADD_SS'],
    ['(i32.sub (i32.and (i32.xor (local.get 0) (local.get 1)) (i32.const 255)) (local.get 2))', 'x', (a, b, c) => (((a ^ b) & 255) - c) | 0, 'I32_XOR_SS__I32_AND_SI'],
    ['(local.set 3 (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 2)))) (i32.xor (local.get 3) (i32.and (i32.load offset=8 (local.get 2)) (i32.const 7)))',
      'x', (a, b, c) => (a + (b << 2)) ^ (M.getInt32((c >>> 0) + 8, true) & 7), 'I32_ADD_SHL_SSII__I32_LOAD_AND_I'],
    ['(block $t (local.set 0 (i32.add (local.get 0) (i32.const 3))) (br_if $t (i32.eqz (i32.load8_u (local.get 1)))) (return (local.get 0))) (i32.sub (i32.const 0) (local.get 0))',
      'x', (a, b) => (M.getUint8(b >>> 0) === 0 ? -(a + 3) : a + 3) | 0, 'I32_ADD_SI__BR_IF_LOAD8_U_Z'],
    ['(i32.store8 offset=200 (local.get 1) (i32.load8_u (local.get 0))) (i32.load8_u offset=200 (local.get 1))',
      'x', (a, b) => { M.setUint8((b >>> 0) + 200, M.getUint8(a >>> 0)); return M.getUint8((b >>> 0) + 200); }, 'I32_LOAD8_U__I32_STORE8'],
    ['(local.set 0 (i32.add (local.get 0) (i32.const 3))) (i32.add (local.get 0) (i32.lt_u (local.get 1) (i32.const 100)))',
      'x', (a, b) => (a + 3 + ((b >>> 0) < 100 ? 1 : 0)) | 0, 'I32_ADD_SI__I32_LT_U_SI'],
      // an add, then a rotation of four i32 locals (SHA-2's loop tail)
    ['(local.set 0 (i32.add (local.get 0) (i32.const 7))) (local.set 4 (local.get 3)) (local.set 3 (local.get 2)) (local.set 2 (local.get 1)) (local.set 1 (local.get 0)) (i32.add (i32.add (i32.mul (local.get 1) (i32.const 1000)) (i32.mul (local.get 2) (i32.const 10))) (i32.sub (local.get 3) (local.get 4)))',
      'x', (a, b, c) => (Math.imul((a + 7) | 0, 1000) + Math.imul(b, 10) + c) | 0, 'I32_ADD_SI__COPY4_32'],
    // a table index loaded from memory (words 0, 1, 1, 0 at 1024), then the arguments' copies and the call
    ['(call_indirect (type $ii) (local.get 1) (local.get 2) (i32.load offset=1024 (i32.and (local.get 0) (i32.const 12))))',
      'x', (a, b, c) => (M.getInt32(1024 + (a & 12), true) === 0 ? b - c : b ^ c) | 0, 'I32_LOAD__COPY2_CALL'],
    // a loop whose back edge lands on the second record of a pair (and the first of the next)
    ['(local.set 0 (i32.and (local.get 0) (i32.const 15))) (local.set 1 (i32.add (local.get 1) (i32.const 100))) (loop $l (local.set 0 (i32.add (local.get 0) (i32.const -1))) (local.set 1 (i32.add (local.get 1) (i32.const 3))) (br_if $l (i32.gt_s (local.get 0) (i32.const 0)))) (local.get 1)',
      'x', (a, b) => (b + 100 + 3 * Math.max(a & 15, 1)) | 0, 'I32_ADD_SI__I32_ADD_SI'],
  ];
  // a counted loop whose add_si + add_si_br pair is its whole tail
  const loop = '(block $x (loop $l (br_if $x (i32.ge_s (local.get 0) (i32.const 10))) (local.set 1 (i32.add (local.get 1) (i32.const 3))) (local.set 0 (i32.add (local.get 0) (i32.const 1))) (br $l))) (local.get 1)';
  cases.push([loop, 'x', (a, b) => (b + 3 * Math.max(0, 10 - a)) | 0, 'I32_ADD_SI__I32_ADD_SI_BR']);
  const M = new DataView(new ArrayBuffer(65536));
  const r = rng(7);
  for (let i = 0; i < 256; i += 4) M.setInt32(i, r() | 0, true);
  [0, 1, 1, 0].forEach((k, i) => M.setInt32(1024 + 4 * i, k, true));
  const hex = Array.from(new Uint8Array(M.buffer, 0, 256), (x) => '\\' + x.toString(16).padStart(2, '0')).join('');
  const text = `(module (memory 1) (data (i32.const 0) "${hex}") (data (i32.const 1024) "\\00\\00\\00\\00\\01\\00\\00\\00\\01\\00\\00\\00\\00\\00\\00\\00")
    (type $ii (func (param i32 i32) (result i32))) (table 2 funcref) (elem (i32.const 0) $csub $cxor)
    ${cases.map(([body], i) => `(func (export "f${i}") (param i32 i32 i32) (result i32) (local i32 i32) ${body})`).join('\n')}
    (func $csub (type $ii) (i32.sub (local.get 0) (local.get 1))) (func $cxor (type $ii) (i32.xor (local.get 0) (local.get 1))))`;
  const s = await instantiateWat(text);
  let listings = '';
  const args: Array<[number, number, number]> = [[0, 0, 0], [4, 8, 12], [-1, 5, 3], [100, 1000, 7], [65530, 2, 1], [0x7fffffff, -3, 9]];
  for (let i = 0; i < cases.length; i++) {
    for (const [a, b, c] of args) {
      let want: number | string;
      try {
        want = cases[i][2](a, b, c);
      } catch {
        want = 'memory_out_of_bounds';
      }
      let got: number | string;
      try {
        got = s.exports[`f${i}`](a, b, c);
      } catch (e) {
        got = (e as { code: string }).code;
      }
      expect([i, a, b, c, got]).toEqual([i, a, b, c, want]);
    }
    const l = await listing(text, i);
    listings += l;
    expect([i, l]).toEqual([i, expect.stringContaining(` ${cases[i][3]} `)]);
  }
  // every pair of isa.ts is emitted by some case
  const pairs = Object.keys(Op).filter((name) => name.includes('__'));
  expect(pairs.length).toBeGreaterThan(10);
  for (const p of pairs) expect([p, listings.includes(` ${p} `)]).toEqual([p, true]);
  // a trace still sees every record (the traced loop dispatches a pair's second record itself): two load16_s_mul_s
  const steps: number[] = [];
  const engine = new Engine();
  const traced = new Store(engine, { trace: (st) => { if (st.funcIndex === 4) steps.push(st.pc); } }).instantiate(engine.compile(await wat(text))).exports as Record<string, any>;
  expect(traced.f4(5, 3, 7)).toBe(s.exports.f4(5, 3, 7));
  const records = (await listing(text, 4)).split('\n').map((line) => Number(/^\s*(\d+):/.exec(line)![1]));
  expect(steps).toEqual(records);
  // gas is the unfused count: one unit per wasm instruction executed
  const m = await instantiateWat(text, { config: { gas: 'unit' }, gas: 1e6 });
  const g0 = m.store.gasUsed;
  m.exports[`f${cases.length - 1}`](7, 0, 0);
  // block, loop; 13 per iteration (3); the exiting test (4); local.get and the function's end
  expect(m.store.gasUsed - g0).toBe(2 + 3 * 13 + 4 + 2);
});

test('i32 xorshift steps on the value the step before wrote are one I32_XORSHIFT3_SI (two steps I32_XORSHIFT2_SI): every step written, counts mod 32, same values and gas as unfused, resumable one unit of gas at a time', async () => {
  // a step: t = s ^ shift(s, k); `u` variants read s from param 1 in the first xor (no fusion: a != b), called with two equal params
  const step = (s: string, sh: string, k: number, left = s) => `(i32.xor (local.get ${left}) (i32.${sh} (local.get ${s}) (i32.const ${k})))`;
  const triples: Array<[number, number, number]> = [[13, 17, 5], [1, 31, 1], [31, 1, 31], [0, 32, 33], [-1, 7, 45]];
  let funcs = '';
  triples.forEach(([k1, k2, k3], i) => {
    for (const u of ['', 'u']) {
      const left = u ? '1' : '0';
      funcs += `(func (export "same2${u}${i}") (param i32 i32) (result i32)
        (local.set 0 ${step('0', 'shl', k1, left)}) ${step('0', 'shr_u', k2)})
      (func (export "same3${u}${i}") (param i32 i32) (result i32)
        (local.set 0 ${step('0', 'shl', k1, left)}) (local.set 0 ${step('0', 'shr_u', k2)}) (local.set 0 ${step('0', 'shl', k3)}) (local.get 0))
      (func (export "apart3${u}${i}") (param i32 i32) (result i32) (local i32 i32 i32)
        (local.set 2 ${step('0', 'shl', k1, left)}) (local.set 3 ${step('2', 'shr_u', k2)}) (local.set 4 ${step('3', 'shl', k3)})
        (i32.add (i32.mul (local.get 4) (i32.const 3)) (i32.add (i32.mul (local.get 3) (i32.const 5)) (i32.add (local.get 2) (local.get 0)))))
      (func (export "stack3${u}${i}") (param i32 i32) (result i32)
        (i32.sub (i32.const 1) (i32.xor (local.tee 1 (i32.xor (local.tee 1 ${step('0', 'shl', k1, left)}) (i32.shr_u (local.get 1) (i32.const ${k2}))))
          (i32.shl (local.get 1) (i32.const ${k3})))))`;
    }
  });
  const text = `(module ${funcs})`;
  const m = await instantiateWat(text, { config: { gas: 'unit' }, gas: 1e12 });
  const ex = m.exports;
  const r = rng(32);
  for (const x of [0, 1, -1, 0x7fffffff, -0x80000000, 0x12345678, ...Array.from({ length: 30 }, () => r() | 0)]) {
    triples.forEach(([k1, k2, k3], i) => {
      const t = x ^ (x << k1), w = t ^ (t >>> k2), v = w ^ (w << k3);
      const want: Record<string, number> = { same2: w, same3: v, apart3: (Math.imul(v, 3) + Math.imul(w, 5) + t + x) | 0, stack3: (1 - v) | 0 };
      for (const f of ['same2', 'same3', 'apart3', 'stack3']) {
        const g0 = m.store.gasUsed;
        const got = ex[`${f}${i}`](x, 0);
        const g1 = m.store.gasUsed;
        expect(ex[`${f}u${i}`](x, x)).toBe(want[f]);
        expect([f, i, x, got, g1 - g0]).toEqual([f, i, x, want[f], m.store.gasUsed - g1]);
      }
    });
  }
  const mod = new Engine().compile(await wat(text));
  const names = funcs.split('(func ').slice(1).map((s) => /"(\w+)"/.exec(s)![1]);
  const list = (f: string) => listingOf(mod, names.indexOf(f), true);
  triples.forEach((_, i) => {
    expect(list(`same2${i}`)).toContain('I32_XORSHIFT2_SI');
    for (const f of [`same3${i}`, `apart3${i}`, `stack3${i}`]) {
      expect(list(f)).toContain('I32_XORSHIFT3_SI');
      expect(list(f)).not.toMatch(/I32_XOR_SH|I32_XORSHIFT2/);
    }
    for (const f of ['same2', 'same3', 'apart3', 'stack3']) expect(list(`${f}u${i}`)).not.toContain('XORSHIFT');
  });
  const z = await instantiateWat(text, { config: { gas: 'unit' }, gas: 0 });
  const { call, pauses } = resumeByUnits(z.store, z.exports.apart30, 0x2468ace1);
  expect(call.value).toBe(ex.apart30(0x2468ace1, 0));
  expect(pauses).toBeGreaterThan(10);
});

test('(x >>> k) | c is one I32_SHR_U_OR_SI and select on i32.lt_s x k one SELECT_I32_LT_S_SI (i32 and i64 values): same values and gas as unfused, resumable one unit of gas at a time', async () => {
  const shifts: Array<[number, number]> = [[3, 1], [0, 0], [31, -2], [33, 0x40000000], [1, -0x80000000]];
  const bounds = [0, 5, -1, 0x7fffffff, -0x80000000];
  let funcs = '';
  shifts.forEach(([k, c], i) => {
    funcs += `(func (export "or${i}") (param i32 i32) (result i32) (i32.xor (i32.or (i32.shr_u (local.get 0) (i32.const ${k})) (i32.const ${c})) (local.get 1)))
      (func (export "oru${i}") (param i32 i32) (result i32) (i32.xor (i32.or (i32.shr_u (local.get 0) (i32.const ${k})) (local.get 1)) (i32.const ${c})))
      (func (export "orl${i}") (param i32 i32) (result i32) (local.set 1 (i32.or (i32.shr_u (local.get 0) (i32.const ${k})) (i32.const ${c}))) (local.get 1))`;
  });
  bounds.forEach((k, i) => {
    funcs += `(func (export "sel${i}") (param i32 i32 i32) (result i32) (i32.sub (select (local.get 1) (local.get 2) (i32.lt_s (local.get 0) (i32.const ${k}))) (local.get 0)))
      (func (export "selu${i}") (param i32 i32 i32) (result i32) (i32.sub (select (local.get 1) (local.get 2) (i32.lt_s (local.get 0) (local.get 0))) (local.get 0)))
      (func (export "sel64${i}") (param i32 i64 i64) (result i64) (local.set 1 (select (local.get 1) (local.get 2) (i32.lt_s (local.get 0) (i32.const ${k})))) (local.get 1))`;
  });
  const text = `(module ${funcs})`;
  const m = await instantiateWat(text, { config: { gas: 'unit' }, gas: 1e12 });
  const ex = m.exports;
  const r = rng(33);
  const xs = [0, 1, -1, 5, 4, 0x7fffffff, -0x80000000, ...Array.from({ length: 20 }, () => r() | 0)];
  for (const x of xs) {
    shifts.forEach(([k, c], i) => {
      const want = ((x >>> (k & 31)) | c);
      const g0 = m.store.gasUsed;
      expect([i, x, ex[`or${i}`](x, 7)]).toEqual([i, x, want ^ 7]);
      const g1 = m.store.gasUsed;
      expect(ex[`oru${i}`](x, 7)).toBe((x >>> (k & 31) | 7) ^ c);
      expect(m.store.gasUsed - g1).toBe(g1 - g0);
      expect(ex[`orl${i}`](x, 0)).toBe(want);
    });
    bounds.forEach((k, i) => {
      const g0 = m.store.gasUsed;
      expect([i, x, ex[`sel${i}`](x, 100, -100)]).toEqual([i, x, ((x < k ? 100 : -100) - x) | 0]);
      const g1 = m.store.gasUsed;
      ex[`selu${i}`](x, 100, -100);
      expect(m.store.gasUsed - g1).toBe(g1 - g0);
      expect(ex[`sel64${i}`](x, 0x123456789abcdefn, -0x1000000007n)).toBe(x < k ? 0x123456789abcdefn : -0x1000000007n);
    });
  }
  const mod = new Engine().compile(await wat(text));
  const names = funcs.split('(func ').slice(1).map((s) => /"(\w+)"/.exec(s)![1]);
  const list = (f: string) => listingOf(mod, names.indexOf(f), true);
  shifts.forEach((_, i) => {
    for (const f of [`or${i}`, `orl${i}`]) expect(list(f)).toContain('I32_SHR_U_OR_SI');
    expect(list(`orl${i}`)).toMatch(/I32_SHR_U_OR_SI 2 0 /); // written to local 1 directly
    expect(list(`oru${i}`)).not.toContain('I32_SHR_U_OR_SI');
  });
  bounds.forEach((_, i) => {
    for (const f of [`sel${i}`, `sel64${i}`]) expect(list(f)).toContain('SELECT_I32_LT_S_SI');
    expect(list(`selu${i}`)).not.toContain('SELECT_I32_LT_S_SI');
  });
  const z = await instantiateWat(text, { config: { gas: 'unit' }, gas: 0 });
  for (const [f, args] of [['or0', [12345, 7]], ['sel1', [3, 100, -100]], ['sel641', [9, 1n, 2n]]] as Array<[string, unknown[]]>) {
    const { call, pauses } = resumeByUnits(z.store, z.exports[f], ...args);
    expect(call.value).toBe(ex[f](...args));
    expect(pauses).toBeGreaterThan(2);
  }
});

test('(a << b) | c with a variable count is one I32_SHL_OR_SSS in either operand order, counts mod 32; same values and gas as unfused, resumable one unit of gas at a time', async () => {
  const text = `(module
    (func (export "left") (param i32 i32 i32) (result i32) (i32.xor (i32.or (i32.shl (local.get 0) (local.get 1)) (local.get 2)) (i32.const 5)))
    (func (export "right") (param i32 i32 i32) (result i32) (i32.xor (i32.or (local.get 2) (i32.shl (local.get 0) (local.get 1))) (i32.const 5)))
    (func (export "local") (param i32 i32 i32) (result i32) (local.set 2 (i32.or (local.get 2) (i32.shl (local.get 0) (local.get 1)))) (local.get 2))
    (func (export "unfused") (param i32 i32 i32) (result i32) (i32.xor (i32.or (i32.shl (local.get 0) (i32.const 3)) (local.get 2)) (i32.const 5))))`;
  const m = await instantiateWat(text, { config: { gas: 'unit' }, gas: 1e12 });
  const ex = m.exports;
  const r = rng(34);
  const vals = [0, 1, -1, 0x7fffffff, -0x80000000, ...Array.from({ length: 12 }, () => r() | 0)];
  for (const a of vals) {
    for (const b of [0, 1, 5, 31, 32, 33, -1, r() | 0]) {
      const c = r() | 0;
      const want = (a << b) | c;
      for (const f of ['left', 'right']) {
        const g0 = m.store.gasUsed;
        expect([f, a, b, c, ex[f](a, b, c)]).toEqual([f, a, b, c, want ^ 5]);
        const g1 = m.store.gasUsed;
        ex.unfused(a, b, c);
        expect(m.store.gasUsed - g1).toBe(g1 - g0);
      }
      expect(ex.local(a, b, c)).toBe(want);
    }
  }
  const mod = new Engine().compile(await wat(text));
  for (let f = 0; f < 3; f++) expect(listingOf(mod, f, true)).toContain('I32_SHL_OR_SSS');
  expect(listingOf(mod, 2, true)).toMatch(/I32_SHL_OR_SSS 4 0 2 4/); // written to local 2 directly
  expect(listingOf(mod, 3, true)).not.toContain('I32_SHL_OR_SSS');
  const z = await instantiateWat(text, { config: { gas: 'unit' }, gas: 0 });
  const { call, pauses } = resumeByUnits(z.store, z.exports.right, 0x1234567, 9, 0x55);
  expect(call.value).toBe(((0x1234567 << 9) | 0x55) ^ 5);
  expect(pauses).toBeGreaterThan(3);
});
