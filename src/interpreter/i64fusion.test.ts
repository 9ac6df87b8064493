/**
 * Fused i64 compare-and-branch (`i64.<cmp>` / `i64.eqz` followed by `br_if` or
 * `if`, right operand in a slot or a constant): every comparison taken and not
 * taken on signed/unsigned edge values and equal-high-word pairs, unmetered
 * and metered, with the executed-instruction count ('unit' schedule) of each
 * path counted by hand: the fusion must not change gas.
 */
import { Engine, Store } from '../index';
import { instantiateWat, listingOf, resumeByUnits, rng, wat } from './testutil';

const CMPS = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'] as const;
const s64 = (x: bigint) => BigInt.asIntN(64, x);
const u64 = (x: bigint) => BigInt.asUintN(64, x);
const REF: Record<(typeof CMPS)[number], (x: bigint, y: bigint) => boolean> = {
  eq: (x, y) => x === y, ne: (x, y) => x !== y,
  lt_s: (x, y) => s64(x) < s64(y), lt_u: (x, y) => u64(x) < u64(y),
  gt_s: (x, y) => s64(x) > s64(y), gt_u: (x, y) => u64(x) > u64(y),
  le_s: (x, y) => s64(x) <= s64(y), le_u: (x, y) => u64(x) <= u64(y),
  ge_s: (x, y) => s64(x) >= s64(y), ge_u: (x, y) => u64(x) >= u64(y),
};

// signed/unsigned edges and pairs whose high words are equal (only the unsigned low words decide)
const VALUES = [
  0n, 1n, -1n, 2n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x100000001n, -0x100000000n, -0xffffffffn,
  0x5_00000001n, 0x5_7fffffffn, 0x5_80000000n, 0x5_ffffffffn, -0x5_00000000n, -0x4_80000000n,
  (1n << 63n) - 1n, -(1n << 63n), -(1n << 63n) + 1n, 0x7fffffff_80000000n,
].map(s64);

// 'unit' gas of each path (README: block/if count when entered, br_if once, an `end`
// reached by a branch does not count; the else arm and the taken path have 2 nops)
const BRIF_TAKEN = 9, BRIF_FALL = 7, IF_TRUE = 7, IF_FALSE = 9;

function moduleText(): string {
  const fs: string[] = [];
  for (const op of CMPS) {
    const brif = (name: string, param: string, rhs: string) =>
      fs.push(`(func (export "${name}") (param ${param}) (result i32) block local.get 0 ${rhs} i64.${op} br_if 0 i32.const 0 return end nop nop i32.const 1)`);
    const iff = (name: string, param: string, rhs: string) =>
      fs.push(`(func (export "${name}") (param ${param}) (result i32) local.get 0 ${rhs} i64.${op} if (result i32) i32.const 1 else nop nop i32.const 0 end)`);
    brif(`${op}_brif`, 'i64 i64', 'local.get 1');
    iff(`${op}_if`, 'i64 i64', 'local.get 1');
    VALUES.forEach((v, i) => {
      brif(`${op}_brif_imm${i}`, 'i64', `i64.const ${v}`);
      iff(`${op}_if_imm${i}`, 'i64', `i64.const ${v}`);
    });
  }
  fs.push('(func (export "eqz_brif") (param i64) (result i32) block local.get 0 i64.eqz br_if 0 i32.const 0 return end nop nop i32.const 1)');
  fs.push('(func (export "eqz_if") (param i64) (result i32) local.get 0 i64.eqz if (result i32) i32.const 1 else nop nop i32.const 0 end)');
  return `(module ${fs.join('\n')})`;
}

for (const metered of [false, true]) {
  test(`every i64 comparison in br_if and if, slot and constant right operand, ${metered ? "metered ('unit' gas counted per path)" : 'unmetered'}`, async () => {
    const engine = new Engine(metered ? { gas: 'unit' } : {});
    const store = new Store(engine, metered ? { gas: 1e15 } : {});
    const ex = store.instantiate(engine.compile(await wat(moduleText())), {}).exports as Record<string, (...a: bigint[]) => number>;
    const bad: string[] = [];
    let checked = 0;
    const run = (name: string, args: bigint[], want: boolean, brif: boolean) => {
      const before = store.gasUsed;
      const got = ex[name](...args);
      const gas = store.gasUsed - before;
      const wantGas = metered ? (brif ? (want ? BRIF_TAKEN : BRIF_FALL) : (want ? IF_TRUE : IF_FALSE)) : 0;
      if (got !== (want ? 1 : 0) || gas !== wantGas) bad.push(`${name}(${args.join(', ')}) = ${got} gas ${gas}, want ${want ? 1 : 0} gas ${wantGas}`);
      checked++;
    };
    for (const op of CMPS) {
      for (const x of VALUES) {
        VALUES.forEach((y, i) => {
          const want = REF[op](x, y);
          run(`${op}_brif`, [x, y], want, true);
          run(`${op}_if`, [x, y], want, false);
          run(`${op}_brif_imm${i}`, [x], want, true);
          run(`${op}_if_imm${i}`, [x], want, false);
        });
      }
    }
    for (const x of VALUES) {
      const before = store.gasUsed;
      expect([x, ex.eqz_brif(x), store.gasUsed - before]).toEqual([x, x === 0n ? 1 : 0, metered ? (x === 0n ? 8 : 6) : 0]);
      const mid = store.gasUsed;
      expect([x, ex.eqz_if(x), store.gasUsed - mid]).toEqual([x, x === 0n ? 1 : 0, metered ? (x === 0n ? 6 : 8) : 0]);
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(checked).toBe(CMPS.length * VALUES.length * VALUES.length * 4);
  });
}

test('i64 comparisons before br_if / if compile to one fused branch', async () => {
  const e = new Engine();
  const m = e.compile(await wat(moduleText()));
  const names = new Set<string>();
  const nFuncs = CMPS.length * (2 + 2 * VALUES.length) + 2;
  for (let f = 0; f < nFuncs; f++) {
    for (const metered of [false, true]) {
      const l = listingOf(m, f, metered);
      expect(l).not.toMatch(/ I64_(EQZ_S|(EQ|NE|[LG][TE]_[SU])_S[SI]) /);
      for (const x of l.matchAll(/BR_IF_I64_[A-Z_]+/g)) names.add(x[0]);
    }
  }
  // every fused i64 op is produced (the negated forms come from `if`)
  expect([...names].sort()).toEqual([
    ...CMPS.map((c) => `BR_IF_I64_${c.toUpperCase()}_SS`), ...CMPS.map((c) => `BR_IF_I64_${c.toUpperCase()}_SI`),
    'BR_IF_I64_EQZ_S', 'BR_IF_I64_NEZ_S',
  ].sort());
});

test('x ^ (y << k) and x ^ (y >>> k) on i64 (k in 1..31) are one fused op in both operand orders, retargeted, aliased', async () => {
  const ks = [1, 7, 13, 31];
  let funcs = '';
  for (const sh of ['shl', 'shr_u']) {
    for (const k of ks) {
      funcs += `(func (export "${sh}${k}a") (param i64 i64) (result i64) (i64.xor (local.get 0) (i64.${sh} (local.get 1) (i64.const ${k}))))
        (func (export "${sh}${k}b") (param i64 i64) (result i64) (i64.xor (i64.${sh} (local.get 1) (i64.const ${k})) (local.get 0)))
        (func (export "${sh}${k}x") (param i64 i64) (result i64) (local.set 0 (i64.xor (local.get 0) (i64.${sh} (local.get 0) (i64.const ${k})))) (local.get 0))`;
    }
  }
  const bytes = await wat(`(module ${funcs})`);
  const e = new Engine();
  const m = e.compile(bytes);
  const ex = new Store(e).instantiate(m).exports as Record<string, (a: bigint, b: bigint) => bigint>;
  const ref = (sh: string, v: bigint, k: number) => s64(sh === 'shl' ? v << BigInt(k) : u64(v) >> BigInt(k));
  for (const x of VALUES) {
    for (const y of VALUES) {
      for (const sh of ['shl', 'shr_u']) {
        for (const k of ks) {
          const want = s64(x ^ ref(sh, y, k));
          expect([sh, k, x, y, ex[`${sh}${k}a`](x, y)]).toEqual([sh, k, x, y, want]);
          expect([sh, k, x, y, ex[`${sh}${k}b`](x, y)]).toEqual([sh, k, x, y, want]);
        }
      }
    }
    for (const sh of ['shl', 'shr_u']) for (const k of ks) expect(ex[`${sh}${k}x`](x, 0n)).toBe(s64(x ^ ref(sh, x, k)));
  }
  ['shl', 'shr_u'].forEach((sh, i) => {
    for (let f = 0; f < 3; f++) {
      const l = listingOf(m, i * ks.length * 3 + 2 * 3 + f); // k = 13
      expect(l).toContain(`I64_XOR_${sh.toUpperCase()}_SI_LO`);
      expect(l).not.toMatch(/I64_(SHL|SHR_U)_SI_LO|I64_XOR_SS/);
      if (f === 2) expect(l).toMatch(/I64_XOR_\w+_SI_LO 0 0 0 13 19/); // retargeted to local 0, which is both operands
    }
  });
});

test('an i64 shift or rotate by an i32 just extended reads the i32 (count mod 64 of its low word): no extension op', async () => {
  const shifts: Array<[string, (v: bigint, k: bigint) => bigint]> = [
    ['shl', (v, k) => v << k], ['shr_s', (v, k) => s64(v) >> k], ['shr_u', (v, k) => u64(v) >> k],
    ['rotl', (v, k) => (u64(v) << k) | (u64(v) >> ((64n - k) & 63n))], ['rotr', (v, k) => (u64(v) >> k) | (u64(v) << ((64n - k) & 63n))],
  ];
  let funcs = '';
  for (const [sh] of shifts) {
    for (const ext of ['u', 's']) {
      funcs += `(func (export "${sh}_${ext}") (param i64 i32) (result i64) (i64.${sh} (local.get 0) (i64.extend_i32_${ext} (i32.add (local.get 1) (i32.const 1)))))`;
    }
  }
  // the extended value used elsewhere too: kept
  funcs += '(func (export "kept") (param i64 i32) (result i64) (local i64) (i64.shl (local.get 0) (local.tee 2 (i64.extend_i32_u (local.get 1)))) (local.get 2) i64.add)';
  const text = `(module ${funcs})`;
  const e = new Engine();
  const m = e.compile(await wat(text));
  const ex = new Store(e).instantiate(m).exports as Record<string, (a: bigint, b: number) => bigint>;
  const counts = [-1, 0, 1, 12, 30, 31, 32, 33, 62, 63, 64, 100, -65, 0x7ffffffe, -0x80000000];
  for (const x of VALUES) {
    for (const c of counts) {
      const k = BigInt(((c + 1) | 0) >>> 0) & 63n;
      shifts.forEach(([sh, f]) => {
        for (const ext of ['u', 's']) expect([sh, ext, x, c, ex[`${sh}_${ext}`](x, c)]).toEqual([sh, ext, x, c, s64(f(x, k))]);
      });
    }
    expect(ex.kept(x, 3)).toBe(s64((x << 3n) + 3n));
  }
  for (let f = 0; f < 10; f++) {
    const l = listingOf(m, f, false);
    expect(l).not.toContain('EXTEND');
    expect(l).toMatch(/I64_(SHL|SHR_S|SHR_U|ROTL|ROTR)_SS 0 0 6/); // the count read from the i32.add's slot
  }
  expect(listingOf(m, 10, false)).toContain('I64_EXTEND_I32_U_S');
});

test('k - x on i64 with a constant k is one I64_SUB_IS (borrow, wrap); resumable one unit of gas at a time', async () => {
  const ks = [0n, 1n, -1n, 0xffffffffn, 0x100000000n, -(1n << 63n), (1n << 63n) - 1n, 0x5_80000000n];
  let funcs = '';
  for (const k of ks) funcs += `(func (export "k${ks.indexOf(k)}") (param i64) (result i64) (i64.sub (i64.const ${k}) (local.get 0)))`;
  funcs += '(func (export "set") (param i64) (result i64) (local.set 0 (i64.sub (i64.const 0) (local.get 0))) (local.get 0))';
  const text = `(module ${funcs})`;
  const e = new Engine();
  const m = e.compile(await wat(text));
  const ex = new Store(e).instantiate(m).exports as Record<string, (a: bigint) => bigint>;
  for (const x of VALUES) {
    ks.forEach((k, i) => expect([k, x, ex[`k${i}`](x)]).toEqual([k, x, s64(k - x)]));
    expect(ex.set(x)).toBe(s64(-x));
  }
  for (let f = 0; f < ks.length; f++) {
    const l = listingOf(m, f, false);
    expect(l).toMatch(/^\s+0: I64_SUB_IS 0 0 -?\d+ -?\d+\n\s+\d+: RETURN $/);
  }
  expect(listingOf(m, ks.length, false)).toMatch(/I64_SUB_IS 0 0 0 0/); // retargeted to local 0
  const r = await instantiateWat(text, { config: { gas: 'unit' }, gas: 0 });
  const { call: c, pauses } = resumeByUnits(r.store, r.exports.k3, 5n);
  expect(c.value).toBe(0xffffffffn - 5n);
  expect(pauses).toBeGreaterThan(2);
});

test('an i64 counter step and br_if on its new value != a constant are one BR_IF_ADD_SI_I64_NE_SI: carries, same gas, resumable one unit at a time', async () => {
  // counts from `from` by `step` until the counter equals `to`; returns the iterations
  const loop = (step: bigint, to: bigint) => `(func (export "f${step < 0n ? 'm' : 'p'}${step < 0n ? -step : step}") (param i64) (result i64) (local i64)
    (loop $l
      (local.set 1 (i64.add (local.get 1) (i64.const 1)))
      (br_if $l (i64.ne (local.tee 0 (i64.add (local.get 0) (i64.const ${step}))) (i64.const ${to}))))
    (local.get 1))`;
  const cases: Array<[bigint, bigint, bigint]> = [
    [1n, 0xfffffffen, 0x100000003n], // the low word wraps, the high word carries
    [-1n, 0x100000002n, 0xfffffffdn], // a borrow
    [0x100000000n, 0n, 0x500000000n], // only the high word changes
    [3n, -7n, 5n],
  ];
  const text = `(module ${cases.map(([s, , to]) => loop(s, to)).join('\n')})`;
  const e = new Engine({ gas: 'unit' });
  const m = e.compile(await wat(text));
  const st = new Store(e, { gas: 1e9 });
  const ex = st.instantiate(m).exports as Record<string, (a: bigint) => bigint>;
  const name = (s: bigint) => `f${s < 0n ? 'm' : 'p'}${s < 0n ? -s : s}`;
  const gasOf: bigint[] = [];
  for (const [s, from, to] of cases) {
    const g = st.gasUsed;
    expect(ex[name(s)](from)).toBe((to - from) / s);
    gasOf.push(BigInt(st.gasUsed - g));
  }
  // 11 per iteration (local.get, i64.const, i64.add, local.set, local.get, i64.const, i64.add, local.tee, i64.const, i64.ne, br_if) and the same rest
  const rest = cases.map(([s, from, to], i) => gasOf[i] - 11n * ((to - from) / s));
  expect(new Set(rest).size).toBe(1);
  expect(rest[0]).toBeLessThan(11n);
  const l = listingOf(m, 0, true);
  expect(l).toMatch(/BR_IF_ADD_SI_I64_NE_SI 0 0 1 0 3 1 \d+ [1-9]/); // (to as lo, hi) = (3, 1); the back edge carries the loop's gas
  expect(l).not.toMatch(/I64_ADD_SI 0|BR_IF_I64_NE_SI/);
  const r = await instantiateWat(text, { config: { gas: 'unit' }, gas: 0 });
  const { call: c, pauses } = resumeByUnits(r.store, r.exports.fp1, 0xfffffffen);
  expect(c.value).toBe(5n);
  expect(BigInt(r.store.gasUsed)).toBe(gasOf[0]);
  expect(pauses).toBeGreaterThan(5 * 11);
});

test('xorshift steps on the value the step before wrote are one I64_XORSHIFT2_SI / I64_XORSHIFT3_SI: every step written, same values and gas as unfused', async () => {
  // a step: t = s ^ shift(s, k); `u` variants read s from param 1 in the first xor (no fusion: a != b), called with two equal params
  const step = (s: string, sh: string, k: number, left = s) => `(i64.xor (local.get ${left}) (i64.${sh} (local.get ${s}) (i64.const ${k})))`;
  const triples: Array<[number, number, number]> = [[13, 7, 17], [1, 31, 1], [31, 1, 31], [12, 25, 27]];
  let funcs = '';
  const names: string[] = [];
  triples.forEach(([k1, k2, k3], i) => {
    for (const u of ['', 'u']) {
      const left = u ? 1 : 0;
      // all steps in local 0 (Marsaglia's `s ^= s << a; s ^= s >> b; s ^= s << c`)
      funcs += `(func (export "same2${u}${i}") (param i64 i64) (result i64)
        (local.set 0 ${step('0', 'shl', k1, String(left))}) ${step('0', 'shr_u', k2)})
      (func (export "same3${u}${i}") (param i64 i64) (result i64)
        (local.set 0 ${step('0', 'shl', k1, String(left))}) (local.set 0 ${step('0', 'shr_u', k2)}) (local.set 0 ${step('0', 'shl', k3)}) (local.get 0))
      (func (export "apart3${u}${i}") (param i64 i64) (result i64) (local i64 i64 i64)
        (local.set 2 ${step('0', 'shl', k1, String(left))}) (local.set 3 ${step('2', 'shr_u', k2)}) (local.set 4 ${step('3', 'shl', k3)})
        (i64.add (i64.mul (local.get 4) (i64.const 3)) (i64.add (i64.mul (local.get 3) (i64.const 5)) (i64.add (local.get 2) (local.get 0)))))
      (func (export "stack2${u}${i}") (param i64 i64) (result i64)
        (i64.sub (local.tee 1 ${step('0', 'shl', k1, String(left))}) ${step('1', 'shr_u', k2)}))`;
    }
    names.push(`same2${i}`, `same3${i}`, `apart3${i}`, `stack2${i}`);
  });
  const bytes = await wat(`(module ${funcs})`);
  const e = new Engine({ gas: 'unit' });
  const m = e.compile(bytes);
  const st = new Store(e, { gas: 1e12 });
  const ex = st.instantiate(m).exports as Record<string, (a: bigint, b: bigint) => bigint>;
  const shl = (v: bigint, k: number) => s64(v << BigInt(k)), shr = (v: bigint, k: number) => s64(u64(v) >> BigInt(k));
  const rnd = rng(64);
  const values = [...VALUES, 0x100000001n, 0xffffffffn - 0x100000000n, ...Array.from({ length: 40 }, () => s64(BigInt(Math.floor(rnd() * 2 ** 32)) << 32n | BigInt(Math.floor(rnd() * 2 ** 32))))];
  for (const x of values) {
    triples.forEach(([k1, k2, k3], i) => {
      const t = s64(x ^ shl(x, k1)), w = s64(t ^ shr(t, k2)), r = s64(w ^ shl(w, k3));
      const want: Record<string, bigint> = {
        same2: w, same3: r, apart3: s64(r * 3n + w * 5n + t + x), stack2: s64(t - s64(t ^ shr(t, k2))),
      };
      for (const f of ['same2', 'same3', 'apart3', 'stack2']) {
        const g0 = st.gasUsed;
        const got = ex[`${f}${i}`](x, 0n);
        const g1 = st.gasUsed;
        const unfused = ex[`${f}u${i}`](x, x);
        expect([f, i, x, got, g1 - g0]).toEqual([f, i, x, want[f], st.gasUsed - g1]);
        expect(unfused).toBe(want[f]);
      }
    });
  }
  const listing = (f: string) => listingOf(m, funcs.split('(func ').slice(1).findIndex((s) => s.includes(`"${f}"`)), true);
  triples.forEach((_, i) => {
    expect(listing(`same2${i}`)).toContain('I64_XORSHIFT2_SI');
    expect(listing(`stack2${i}`)).toContain('I64_XORSHIFT2_SI');
    for (const f of [`same3${i}`, `apart3${i}`]) {
      expect(listing(f)).toContain('I64_XORSHIFT3_SI');
      expect(listing(f)).not.toMatch(/I64_XOR_SH|I64_XORSHIFT2/);
    }
    for (const f of ['same2', 'same3', 'apart3', 'stack2']) expect(listing(`${f}u${i}`)).not.toContain('XORSHIFT');
  });
});

test('(x >>> k) | c on i64 (k in 1..31) is one I64_SHR_U_OR_SI; a shift kept in a local or by 32..63 is not fused', async () => {
  const ks = [1, 9, 12, 31, 32, 40];
  const cs = [1n, 0x3ff0000000000000n, -1n, 0x80000000n, 0x1_00000000n, 0n];
  let funcs = '';
  const fn: Array<[string, number, bigint, boolean]> = [];
  ks.forEach((k, i) => cs.forEach((c, j) => {
    funcs += `(func (export "f${i}_${j}") (param i64) (result i64) (i64.or (i64.shr_u (local.get 0) (i64.const ${k})) (i64.const ${c})))
      (func (export "t${i}_${j}") (param i64) (result i64) (local i64) (i64.add (i64.or (local.tee 1 (i64.shr_u (local.get 0) (i64.const ${k}))) (i64.const ${c})) (local.get 1)))`;
    fn.push([`f${i}_${j}`, k, c, false], [`t${i}_${j}`, k, c, true]);
  }));
  const e = new Engine({ gas: 'unit' });
  const m = e.compile(await wat(`(module ${funcs})`));
  const st = new Store(e, { gas: 1e12 });
  const ex = st.instantiate(m).exports as Record<string, (a: bigint) => bigint>;
  for (const x of VALUES) {
    for (const [name, k, c, tee] of fn) {
      const sh = s64(u64(x) >> BigInt(k));
      const g = st.gasUsed;
      expect([name, x, ex[name](x)]).toEqual([name, x, s64((sh | c) + (tee ? sh : 0n))]);
      expect(st.gasUsed - g).toBe(tee ? 9 : 6); // every instruction and the function's end
    }
  }
  fn.forEach(([, k], f) => {
    const l = listingOf(m, f, true);
    if (f % 2 === 0 && k < 32) expect(l).toMatch(/I64_SHR_U_OR_SI/);
    else expect(l).not.toContain('I64_SHR_U_OR_SI');
  });
});

test('i64.mul by a constant 0 <= b < 2^21 is one I64_MUL_SI_SMALL, exact mod 2^64 (larger constants take i64.mul_si)', async () => {
  const bs = [0n, 1n, 3n, 0x2545n, 0x1fffffn, 0x200000n, 0x2545f491n, -3n];
  const e = new Engine();
  const m = e.compile(await wat(`(module ${bs.map((b, i) => `(func (export "m${i}") (param i64) (result i64) (i64.mul (local.get 0) (i64.const ${b})))`).join('\n')})`));
  const ex = new Store(e).instantiate(m).exports as Record<string, (a: bigint) => bigint>;
  const rnd = rng(21);
  const xs = [...VALUES, ...Array.from({ length: 60 }, () => s64(BigInt(rnd()) << 32n | BigInt(rnd())))];
  for (const x of xs) bs.forEach((b, i) => expect([x, b, ex[`m${i}`](x)]).toEqual([x, b, s64(x * b)]));
  bs.forEach((b, i) => expect(listingOf(m, i).includes('I64_MUL_SI_SMALL')).toBe(b >= 0n && b < 0x200000n));
});

test('select on i64.lt_s x 0 is one SELECT_I64_NEG on the sign of x (i64 and i32 values); another constant keeps the comparison', async () => {
  const text = `(module
    (func (export "s64") (param i64 i64 i64) (result i64) (select (local.get 1) (local.get 2) (i64.lt_s (local.get 0) (i64.const 0))))
    (func (export "s32") (param i64 i32 i32) (result i32) (select (local.get 1) (local.get 2) (i64.lt_s (local.get 0) (i64.const 0))))
    (func (export "sx") (param i64 i64 i64) (result i64) (select (i64.sub (i64.const 0) (local.get 1)) (local.get 2) (i64.lt_s (i64.add (local.get 0) (local.get 1)) (i64.const 0))))
    (func (export "k1") (param i64 i64 i64) (result i64) (select (local.get 1) (local.get 2) (i64.lt_s (local.get 0) (i64.const 1))))
    (func (export "kh") (param i64 i64 i64) (result i64) (select (local.get 1) (local.get 2) (i64.lt_s (local.get 0) (i64.const 0x100000000)))))`;
  const e = new Engine({ gas: 'unit' });
  const m = e.compile(await wat(text));
  const st = new Store(e, { gas: 1e12 });
  const ex = st.instantiate(m).exports as Record<string, (...a: Array<bigint | number>) => bigint | number>;
  const s32 = (v: bigint) => Number(BigInt.asIntN(32, v));
  for (const x of VALUES) {
    for (const y of VALUES) {
      const z = s64(~y);
      const cases: Array<[string, Array<bigint | number>, bigint | number]> = [
        ['s64', [x, y, z], x < 0n ? y : z],
        ['s32', [x, s32(y), s32(z)], x < 0n ? s32(y) : s32(z)],
        ['sx', [x, y, z], s64(x + y) < 0n ? s64(-y) : z],
        ['k1', [x, y, z], x < 1n ? y : z],
        ['kh', [x, y, z], x < 0x100000000n ? y : z],
      ];
      for (const [f, args, want] of cases) {
        const g = st.gasUsed;
        expect([f, ...args, ex[f](...args)]).toEqual([f, ...args, want]);
        expect([f, st.gasUsed - g]).toEqual([f, f === 'sx' ? 11 : 7]);
      }
    }
  }
  [true, true, true, false, false].forEach((fused, f) => {
    const l = listingOf(m, f, true);
    expect(l.includes('SELECT_I64_NEG')).toBe(fused);
    expect(l.includes('I64_LT_S_SI')).toBe(!fused);
  });
});

test('x * c + y and y + x * c on i64 (constant c, not a small one) are one I64_MUL_SI_ADD_S: carries, wraps, same gas', async () => {
  const cs = [0x2545f491n, 0x2545f4914f6cdd1dn, -1n, -0x100000000n, 0xffffffffn, 0x1_00000001n, 3n];
  let funcs = '';
  cs.forEach((c, i) => {
    funcs += `(func (export "a${i}") (param i64 i64) (result i64) (i64.add (i64.mul (local.get 0) (i64.const ${c})) (local.get 1)))
      (func (export "b${i}") (param i64 i64) (result i64) (i64.add (local.get 1) (i64.mul (local.get 0) (i64.const ${c}))))
      (func (export "s${i}") (param i64 i64) (result i64) (local.set 1 (i64.add (local.get 1) (i64.mul (local.get 1) (i64.const ${c})))) (local.get 1))
      (func (export "t${i}") (param i64 i64) (result i64) (local i64) (i64.add (i64.add (local.tee 2 (i64.mul (local.get 0) (i64.const ${c}))) (local.get 1)) (local.get 2)))`;
  });
  const e = new Engine({ gas: 'unit' });
  const m = e.compile(await wat(`(module ${funcs})`));
  const st = new Store(e, { gas: 1e12 });
  const ex = st.instantiate(m).exports as Record<string, (a: bigint, b: bigint) => bigint>;
  const rnd = rng(77);
  const xs = [...VALUES, ...Array.from({ length: 16 }, () => s64(BigInt(rnd()) << 32n | BigInt(rnd())))];
  for (const x of xs) {
    for (const y of xs) {
      cs.forEach((c, i) => {
        const want: Record<string, bigint> = { a: s64(x * c + y), b: s64(x * c + y), s: s64(y + y * c), t: s64(2n * x * c + y) };
        const gas: Record<string, number> = { a: 6, b: 6, s: 8, t: 9 }; // every instruction and the function's end
        for (const f of ['a', 'b', 's', 't']) {
          const g = st.gasUsed;
          expect([f, c, x, y, ex[`${f}${i}`](x, y)]).toEqual([f, c, x, y, want[f]]);
          expect(st.gasUsed - g).toBe(gas[f]);
        }
      });
    }
  }
  cs.forEach((c, i) => ['a', 'b', 's', 't'].forEach((f, j) => {
    expect(listingOf(m, 4 * i + j).includes('I64_MUL_SI_ADD_S')).toBe(f !== 't' && c !== 3n);
  }));
});
