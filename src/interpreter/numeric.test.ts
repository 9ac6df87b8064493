/**
 * Every integer instruction against a BigInt reference, on edge values and
 * pseudo-random values; i32 binary ops also with a constant right operand
 * (the immediate forms) and comparisons in fused compare-and-branch form
 * (slot and immediate right operands, both widths).
 */
import { instantiateWat, thrown, type Setup } from './testutil';
import { Trap } from '../errors';

const M64 = (1n << 64n) - 1n;
const s64 = (x: bigint) => BigInt.asIntN(64, x);
const u64 = (x: bigint) => BigInt.asUintN(64, x);
const s32 = (x: bigint) => BigInt.asIntN(32, x);
const u32 = (x: bigint) => BigInt.asUintN(32, x);
const b = (c: boolean) => (c ? 1n : 0n);

function clz(x: bigint, w: number): bigint {
  for (let i = w - 1; i >= 0; i--) if ((x >> BigInt(i)) & 1n) return BigInt(w - 1 - i);
  return BigInt(w);
}
function ctz(x: bigint, w: number): bigint {
  for (let i = 0; i < w; i++) if ((x >> BigInt(i)) & 1n) return BigInt(i);
  return BigInt(w);
}
function popcnt(x: bigint): bigint {
  let n = 0n;
  while (x) { n += x & 1n; x >>= 1n; }
  return n;
}

type Ref = (a: bigint, b: bigint) => bigint | 'div0' | 'overflow';

/** Reference semantics (spec 4.3.2) for width w; operands are given unsigned. */
function binRefs(w: 32 | 64): Record<string, Ref> {
  const W = BigInt(w);
  const S = w === 32 ? s32 : s64;
  const U = w === 32 ? u32 : u64;
  return {
    add: (x, y) => U(x + y), sub: (x, y) => U(x - y), mul: (x, y) => U(x * y),
    div_s: (x, y) => (y === 0n ? 'div0' : S(x) === -(1n << (W - 1n)) && S(y) === -1n ? 'overflow' : U(S(x) / S(y))),
    div_u: (x, y) => (y === 0n ? 'div0' : x / y),
    rem_s: (x, y) => (y === 0n ? 'div0' : U(S(x) % S(y))),
    rem_u: (x, y) => (y === 0n ? 'div0' : x % y),
    and: (x, y) => x & y, or: (x, y) => x | y, xor: (x, y) => x ^ y,
    shl: (x, y) => U(x << (y % W)), shr_s: (x, y) => U(S(x) >> (y % W)), shr_u: (x, y) => x >> (y % W),
    rotl: (x, y) => { const k = y % W; return U((x << k) | (x >> ((W - k) % W))); },
    rotr: (x, y) => { const k = y % W; return U((x >> k) | (x << ((W - k) % W))); },
    eq: (x, y) => b(x === y), ne: (x, y) => b(x !== y),
    lt_s: (x, y) => b(S(x) < S(y)), lt_u: (x, y) => b(x < y), gt_s: (x, y) => b(S(x) > S(y)), gt_u: (x, y) => b(x > y),
    le_s: (x, y) => b(S(x) <= S(y)), le_u: (x, y) => b(x <= y), ge_s: (x, y) => b(S(x) >= S(y)), ge_u: (x, y) => b(x >= y),
  };
}
const CMPS = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];

function values(w: 32 | 64): bigint[] {
  const W = BigInt(w);
  const out = new Set<bigint>();
  for (const v of [0n, 1n, 2n, 3n, 7n, 31n, 32n, 33n, 63n, 64n, 65n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x10000n]) {
    out.add(v);
    out.add(BigInt.asUintN(w, -v));
  }
  for (const k of [31n, 32n, 33n, 52n, 53n, 63n]) {
    if (k >= W) continue;
    out.add(1n << k); out.add((1n << k) - 1n); out.add((1n << k) + 1n); out.add(BigInt.asUintN(w, -(1n << k)));
  }
  out.add(BigInt.asUintN(w, 0x123456789abcdef0n));
  out.add(BigInt.asUintN(w, 0xfedcba9876543210n));
  // deterministic pseudo-random values (xorshift64)
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 8; i++) {
    x ^= (x << 13n) & M64; x ^= x >> 7n; x ^= (x << 17n) & M64;
    out.add(BigInt.asUintN(w, x));
    out.add(BigInt.asUintN(w, x >> BigInt(i * 2 + 1))); // smaller magnitudes
  }
  return [...out];
}

const BIN = ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr', ...CMPS];

function moduleText(w: 32 | 64, immValues: bigint[]): string {
  const t = `i${w}`;
  const fs: string[] = [];
  for (const op of BIN) {
    const rt = CMPS.includes(op) ? 'i32' : t;
    fs.push(`(func (export "${op}") (param ${t} ${t}) (result ${rt}) local.get 0 local.get 1 ${t}.${op})`);
    // through a local.set (destination retargeting) and a local.tee
    fs.push(`(func (export "${op}_set") (param ${t} ${t}) (result ${rt}) (local ${rt}) local.get 0 local.get 1 ${t}.${op} local.set 2 local.get 2)`);
    immValues.forEach((v, i) => {
      fs.push(`(func (export "${op}_imm${i}") (param ${t}) (result ${rt}) local.get 0 ${t}.const ${w === 32 ? s32(v) : s64(v)} ${t}.${op})`);
    });
    if (CMPS.includes(op)) {
      fs.push(`(func (export "${op}_brif") (param ${t} ${t}) (result i32) block local.get 0 local.get 1 ${t}.${op} br_if 0 i32.const 0 return end i32.const 1)`);
      fs.push(`(func (export "${op}_if") (param ${t} ${t}) (result i32) local.get 0 local.get 1 ${t}.${op} if (result i32) i32.const 1 else i32.const 0 end)`);
      immValues.forEach((v, i) => {
        const c = `${t}.const ${w === 32 ? s32(v) : s64(v)}`;
        fs.push(`(func (export "${op}_brif_imm${i}") (param ${t}) (result i32) block local.get 0 ${c} ${t}.${op} br_if 0 i32.const 0 return end i32.const 1)`);
        fs.push(`(func (export "${op}_if_imm${i}") (param ${t}) (result i32) local.get 0 ${c} ${t}.${op} if (result i32) i32.const 1 else i32.const 0 end)`);
      });
    }
  }
  for (const op of ['clz', 'ctz', 'popcnt', 'eqz', 'extend8_s', 'extend16_s', ...(w === 64 ? ['extend32_s'] : [])]) {
    const rt = op === 'eqz' ? 'i32' : t;
    fs.push(`(func (export "${op}") (param ${t}) (result ${rt}) local.get 0 ${t}.${op})`);
  }
  fs.push(`(func (export "eqz_brif") (param ${t}) (result i32) block local.get 0 ${t}.eqz br_if 0 i32.const 0 return end i32.const 1)`);
  fs.push(`(func (export "eqz_if") (param ${t}) (result i32) local.get 0 ${t}.eqz if (result i32) i32.const 1 else i32.const 0 end)`);
  if (w === 64) {
    fs.push('(func (export "wrap") (param i64) (result i32) local.get 0 i32.wrap_i64)');
    fs.push('(func (export "extend_i32_s") (param i32) (result i64) local.get 0 i64.extend_i32_s)');
    fs.push('(func (export "extend_i32_u") (param i32) (result i64) local.get 0 i64.extend_i32_u)');
  }
  return `(module ${fs.join('\n')})`;
}

function toJs(w: number, v: bigint): number | bigint {
  return w === 32 ? Number(s32(v)) : s64(v);
}

function call(f: (...a: unknown[]) => unknown, ...a: unknown[]): bigint | string {
  try {
    const r = f(...a);
    return typeof r === 'bigint' ? r : BigInt(r as number);
  } catch (e) {
    if (e instanceof Trap) return e.code === 'integer_divide_by_zero' ? 'div0' : e.code === 'integer_overflow' ? 'overflow' : e.code;
    throw e;
  }
}

function normalize(r: bigint | string, w: number, isCmp: boolean): bigint | string {
  if (typeof r === 'string') return r;
  return isCmp ? r : BigInt.asUintN(w, r);
}

for (const w of [32, 64] as const) {
  describe(`i${w}`, () => {
    const vals = values(w);
    const immVals = w === 32
      ? [0n, 1n, 5n, 31n, u32(-1n), 0x80000000n, 0x7fffffffn, 1000n]
      : [0n, 1n, 5n, 31n, 32n, 33n, 63n, 64n, 65n, 95n, 96n, 97n, 127n, 0x1fffffn, 0x200000n, u64(-1n), 0x80000000n, 0xffffffffn, 1n << 63n, 0x123456789abcdefn];
    let s: Setup;
    beforeAll(async () => {
      s = await instantiateWat(moduleText(w, immVals));
    });

    test('binary operators (plain and retargeted destination) match the BigInt reference', () => {
      const refs = binRefs(w);
      let checked = 0;
      for (const op of BIN) {
        const isCmp = CMPS.includes(op);
        for (const [xi, x] of vals.entries()) {
          for (const y of vals) {
            const want2 = refs[op](x, y);
            for (const name of xi < 16 ? [op, `${op}_set`] : [op]) {
              const got = normalize(call(s.exports[name], toJs(w, x), toJs(w, y)), w, isCmp);
              if (got !== want2) throw new Error(`i${w}.${op} via ${name}(${x}, ${y}): got ${String(got)}, want ${String(want2)}`);
              checked++;
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(1000);
    });

    test('comparisons fused into br_if and if match the reference', () => {
      const refs = binRefs(w);
      const bad: string[] = [];
      for (const op of CMPS) {
        for (const x of vals) for (const y of vals) {
          const want = refs[op](x, y);
          for (const name of [`${op}_brif`, `${op}_if`]) {
            const got = call(s.exports[name], toJs(w, x), toJs(w, y));
            if (got !== want) bad.push(`${name}(${x}, ${y}) = ${String(got)}, want ${String(want)}`);
          }
        }
      }
      expect(bad.slice(0, 5)).toEqual([]);
      for (const x of vals) {
        const want = x === 0n ? 1n : 0n;
        expect(call(s.exports.eqz_brif, toJs(w, x))).toBe(want);
        expect(call(s.exports.eqz_if, toJs(w, x))).toBe(want);
      }
    });

    test('immediate right operands (plain, and comparisons in br_if and if) match the reference', () => {
        const refs = binRefs(w);
        for (const op of BIN) {
          const isCmp = CMPS.includes(op);
          immVals.forEach((y, i) => {
            for (const x of vals) {
              const want = refs[op](x, y);
              const got = normalize(call(s.exports[`${op}_imm${i}`], toJs(w, x)), w, isCmp);
              if (got !== want) throw new Error(`i${w}.${op} imm (${x}, ${y}): got ${String(got)}, want ${String(want)}`);
              if (isCmp) {
                for (const name of [`${op}_brif_imm${i}`, `${op}_if_imm${i}`]) {
                  const g = call(s.exports[name], toJs(w, x));
                  if (g !== want) throw new Error(`${name}(${x}): got ${String(g)}, want ${String(want)}`);
                }
              }
            }
          });
        }
    });

    test('unary operators match the reference', () => {
      const W = BigInt(w);
      const S = w === 32 ? s32 : s64;
      const U = (v: bigint) => BigInt.asUintN(w, v);
      for (const x of vals) {
        expect([x, normalize(call(s.exports.clz, toJs(w, x)), w, false)]).toEqual([x, clz(x, w)]);
        expect([x, normalize(call(s.exports.ctz, toJs(w, x)), w, false)]).toEqual([x, ctz(x, w)]);
        expect([x, normalize(call(s.exports.popcnt, toJs(w, x)), w, false)]).toEqual([x, popcnt(x)]);
        expect(call(s.exports.eqz, toJs(w, x))).toBe(x === 0n ? 1n : 0n);
        expect(normalize(call(s.exports.extend8_s, toJs(w, x)), w, false)).toBe(U(BigInt.asIntN(8, x)));
        expect(normalize(call(s.exports.extend16_s, toJs(w, x)), w, false)).toBe(U(BigInt.asIntN(16, x)));
        if (w === 64) {
          expect(call(s.exports.extend32_s, toJs(w, x))).toBe(S(BigInt.asIntN(32, x)));
          expect(call(s.exports.wrap, toJs(w, x))).toBe(s32(x));
          const x32 = Number(s32(x));
          expect(call(s.exports.extend_i32_s, x32)).toBe(BigInt(x32));
          expect(call(s.exports.extend_i32_u, x32)).toBe(u32(BigInt(x32)));
        }
        void W;
      }
    });
  });
}

test('integer division traps carry their codes', async () => {
  const s = await instantiateWat(`(module
    (func (export "d") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_s)
    (func (export "r") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_s))`);
  expect(thrown(() => s.exports.d(1n, 0n)).code).toBe('integer_divide_by_zero');
  expect(thrown(() => s.exports.d(-(1n << 63n), -1n)).code).toBe('integer_overflow');
  expect(s.exports.r(-(1n << 63n), -1n)).toBe(0n);
});

test('i64 division and remainder on many random magnitudes match BigInt', async () => {
  const s = await instantiateWat(`(module
    (func (export "div_s") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_s)
    (func (export "div_u") (param i64 i64) (result i64) local.get 0 local.get 1 i64.div_u)
    (func (export "rem_s") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_s)
    (func (export "rem_u") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_u))`);
  let x = 0x243f6a8885a308d3n;
  const next = () => { x ^= (x << 13n) & M64; x ^= x >> 7n; x ^= (x << 17n) & M64; return x; };
  const bad: string[] = [];
  for (let i = 0; i < 20000; i++) {
    const a = next() >> (next() % 64n), b0 = next() >> (next() % 64n);
    const b = b0 === 0n ? 1n : b0;
    const sa = s64(a), sb = s64(b);
    const want = {
      div_u: s64(a / b), rem_u: s64(a % b),
      div_s: sa === -(1n << 63n) && sb === -1n ? null : s64(sa / sb), rem_s: s64(sa % sb),
    } as Record<string, bigint | null>;
    for (const op of ['div_u', 'rem_u', 'div_s', 'rem_s']) {
      const args = op.endsWith('_u') ? [s64(a), s64(b)] : [sa, sb];
      if (want[op] === null) continue;
      const got = s.exports[op](...args);
      if (got !== want[op]) bad.push(`${op}(${args[0]}, ${args[1]}) = ${got}, want ${want[op]}`);
    }
  }
  expect(bad.slice(0, 5)).toEqual([]);
});

test('select picks both words of either operand for any non-zero condition (i32, i64, f64 bits, funcref), and a comparison as a value is 0 or 1', async () => {
  const s = await instantiateWat(`(module (table 1 funcref) (elem (i32.const 0) 0)
    (func (export "s32") (param i32 i32 i32) (result i32) (select (local.get 0) (local.get 1) (local.get 2)))
    (func (export "s64") (param i64 i64 i32) (result i64) (select (local.get 0) (local.get 1) (local.get 2)))
    (func (export "f64") (param i64 i64 i32) (result i64)
      (i64.reinterpret_f64 (select (f64.reinterpret_i64 (local.get 0)) (f64.reinterpret_i64 (local.get 1)) (local.get 2))))
    (func (export "ref") (param i32) (result i32) (ref.is_null (select (result funcref) (ref.null func) (table.get 0 (i32.const 0)) (local.get 0))))
    (func (export "lt") (param i32 i32) (result i32) (i32.add (i32.lt_s (local.get 0) (local.get 1)) (i32.const 10)))
    (func (export "eqz") (param i64) (result i32) (i32.add (i64.eqz (local.get 0)) (i32.const 10))))`, { config: { features: { floats: true } } });
  const conds = [0, 1, -1, 2, -0x80000000, 0x7fffffff];
  const pairs: Array<[bigint, bigint]> = [[0n, -1n], [-1n, 0n], [0x1_00000002n, 0x3_00000004n], [-(1n << 63n), (1n << 63n) - 1n]];
  for (const c of conds) {
    expect(s.exports.s32(7, -9, c)).toBe(c !== 0 ? 7 : -9);
    for (const [x, y] of pairs) {
      expect(s.exports.s64(x, y, c)).toBe(c !== 0 ? x : y);
      expect(s.exports.f64(x, y, c)).toBe(c !== 0 ? x : y);
    }
    expect(s.exports.ref(c)).toBe(c !== 0 ? 1 : 0);
    expect(s.exports.lt(c, 1)).toBe(c < 1 ? 11 : 10);
  }
  for (const x of [0n, 1n, 1n << 32n, -1n]) expect(s.exports.eqz(x)).toBe(x === 0n ? 11 : 10);
});

test('the narrow i64 loads (one shared case) extend each width by its signedness and trap past the end at their own width', async () => {
  const loads = [['load8_s', 1, true], ['load8_u', 1, false], ['load16_s', 2, true], ['load16_u', 2, false], ['load32_s', 4, true], ['load32_u', 4, false]] as const;
  const funcs = loads.map(([n]) => `(func (export "${n}") (param i32) (result i64) (i64.load${n.slice(4)} offset=1 (local.get 0)))`).join('\n');
  const s = await instantiateWat(`(module (memory 1) (data (i32.const 8) "\\81\\82\\83\\84\\7f\\00\\ff\\ff")
    (data (i32.const 65528) "\\01\\02\\03\\04\\85\\86\\87\\f8") ${funcs})`);
  const mem = new Uint8Array(65536);
  mem.set([0x81, 0x82, 0x83, 0x84, 0x7f, 0x00, 0xff, 0xff], 8);
  mem.set([0x01, 0x02, 0x03, 0x04, 0x85, 0x86, 0x87, 0xf8], 65528);
  for (const [name, size, signed] of loads) {
    for (const a of [7, 8, 9, 10, 11, 12, 13, 65527, 65530, 65531, 65533, 65534, -1]) {
      const ea = (a >>> 0) + 1;
      if (ea + size > 65536) { expect([name, a, thrown(() => s.exports[name](a)).code]).toEqual([name, a, 'memory_out_of_bounds']); continue; }
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(mem[ea + i]);
      if (signed) v = BigInt.asIntN(size * 8, v);
      expect([name, a, s.exports[name](a)]).toEqual([name, a, v]);
    }
  }
});
