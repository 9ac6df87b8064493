/**
 * Every f32/f64 instruction against the engine's own WebAssembly, bit for
 * bit: each is wrapped in a function that takes and returns raw bits (i32 /
 * i64, through reinterpret), so no JS double ever holds a float under test.
 * Where the native result is a NaN from an arithmetic instruction, detwasm
 * must give exactly the canonical NaN (positive; isa.ts); everything else
 * must be identical, traps included.
 */
import { Engine, Store } from '../index';
import { listingOf, rng, wat } from './testutil.js';

const CANON32 = 0x7fc00000;
const CANON64 = 0x7ff8000000000000n;

type Kind = 'bin' | 'un' | 'cmp' | 'cvt';
interface Case { name: string; kind: Kind; from: 'f32' | 'f64' | 'i32' | 'i64'; to: 'f32' | 'f64' | 'i32' | 'i64'; arith: boolean }

const cases: Case[] = [];
for (const w of ['f32', 'f64'] as const) {
  for (const o of ['add', 'sub', 'mul', 'div', 'min', 'max']) cases.push({ name: `${w}.${o}`, kind: 'bin', from: w, to: w, arith: true });
  cases.push({ name: `${w}.copysign`, kind: 'bin', from: w, to: w, arith: false });
  for (const o of ['ceil', 'floor', 'trunc', 'nearest', 'sqrt']) cases.push({ name: `${w}.${o}`, kind: 'un', from: w, to: w, arith: true });
  for (const o of ['abs', 'neg']) cases.push({ name: `${w}.${o}`, kind: 'un', from: w, to: w, arith: false });
  for (const o of ['eq', 'ne', 'lt', 'gt', 'le', 'ge']) cases.push({ name: `${w}.${o}`, kind: 'cmp', from: w, to: 'i32', arith: false });
}
for (const i of ['i32', 'i64'] as const) {
  for (const f of ['f32', 'f64'] as const) {
    for (const s of ['s', 'u']) {
      cases.push({ name: `${i}.trunc_${f}_${s}`, kind: 'cvt', from: f, to: i, arith: false });
      cases.push({ name: `${i}.trunc_sat_${f}_${s}`, kind: 'cvt', from: f, to: i, arith: false });
      cases.push({ name: `${f}.convert_${i}_${s}`, kind: 'cvt', from: i, to: f, arith: true });
    }
  }
}
cases.push({ name: 'f32.demote_f64', kind: 'cvt', from: 'f64', to: 'f32', arith: true });
cases.push({ name: 'f64.promote_f32', kind: 'cvt', from: 'f32', to: 'f64', arith: true });

const bitsType = (t: string) => (t === 'f32' || t === 'i32' ? 'i32' : 'i64');
const asFloat = (t: string, e: string) => (t === 'f32' ? `(f32.reinterpret_i32 ${e})` : t === 'f64' ? `(f64.reinterpret_i64 ${e})` : e);
const asBits = (t: string, e: string) => (t === 'f32' ? `(i32.reinterpret_f32 ${e})` : t === 'f64' ? `(i64.reinterpret_f64 ${e})` : e);

function moduleText(): string {
  const fns = cases.map((c, k) => {
    const p = bitsType(c.from);
    const body = c.kind === 'bin' || c.kind === 'cmp'
      ? `(${c.name} ${asFloat(c.from, '(local.get 0)')} ${asFloat(c.from, '(local.get 1)')})`
      : `(${c.name} ${asFloat(c.from, '(local.get 0)')})`;
    const params = c.kind === 'bin' || c.kind === 'cmp' ? `(param ${p} ${p})` : `(param ${p})`;
    return `(func (export "f${k}") ${params} (result ${bitsType(c.to)}) ${asBits(c.to, body)})`;
  });
  return `(module ${fns.join('\n')})`;
}

/** A deterministic xorshift generator (the test must be reproducible). */

const EDGE32 = [
  0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fa00000, 0x7f800001,
  0xffbfffff, 0x00000001, 0x807fffff, 0x007fffff, 0x3f000000, 0xbf000000, 0x3fc00000, 0xbfc00000, 0x40200000, 0xc0200000,
  0x3effffff, 0x4f000000, 0xcf000000, 0x4effffff, 0x4f800000, 0x4f7fffff, 0x5f000000, 0xdf000000, 0x5effffff, 0x5f800000,
  0x5f7fffff, 0x4b800000, 0x4b7fffff, 0x4b000001, 0x7f7fffff, 0xff7fffff, 0xbf7fffff, 0xcf000001, 0xdf000001, 0xbf800001,
].map((x) => x | 0);
const EDGE64: bigint[] = [
  0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n,
  0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff4000000000000n, 0x7ff0000000000001n, 0xfff7ffffffffffffn,
  0x0000000000000001n, 0x800fffffffffffffn, 0x3fe0000000000000n, 0xbfe0000000000000n, 0x3ff8000000000000n,
  0xbff8000000000000n, 0x4004000000000000n, 0xc004000000000000n, 0x3fdfffffffffffffn, 0x41e0000000000000n,
  0xc1e0000000000000n, 0x41dfffffffc00000n, 0x41efffffffe00000n, 0x41f0000000000000n, 0xc1e0000000200000n,
  0x43e0000000000000n, 0xc3e0000000000000n, 0x43dfffffffffffffn, 0x43f0000000000000n, 0x43efffffffffffffn,
  0xc3e0000000000001n, 0x4330000000000000n, 0x4340000000000000n, 0x433fffffffffffffn, 0x7fefffffffffffffn,
  0x36a0000000000000n, 0x3810000000000000n, 0x47efffffe0000000n, 0x47efffffefffffffn, 0x47efffff10000000n,
];
const EDGE_I64: bigint[] = [
  0n, 1n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, (1n << 53n) + 1n, (1n << 24n) + 1n, ((1n << 24n) + 1n) << 40n,
  (((1n << 24n) + 1n) << 39n) + 1n, 0xffffffffffffffffn - 1n, 0x0020000020000001n, -0x0020000020000001n, 0x7fffff8000000000n,
  0x7fffff8000000001n, 0x7fffff7fffffffffn, 0xffffff8000000000n,
];

function inputs(t: string, r: () => number, n: number): Array<number | bigint> {
  const u64 = () => (BigInt(r()) << 32n) | BigInt(r());
  if (t === 'i32' || t === 'f32') {
    const out: number[] = t === 'f32' ? [...EDGE32] : [0, 1, -1, 0x7fffffff, -0x80000000, 16777217, -16777217, 0x7fffff80];
    for (let i = 0; i < n; i++) out.push(i % 3 === 0 ? (r() & 0x807fffff) | (((r() % 20) + 117) << 23) : r() | 0);
    return out;
  }
  const out: bigint[] = t === 'f64' ? [...EDGE64] : [...EDGE_I64];
  for (let i = 0; i < n; i++) {
    const v = u64();
    out.push(BigInt.asIntN(64, i % 3 === 0 ? (v & 0x800fffffffffffffn) | (BigInt((r() % 140) + 960) << 52n) : v));
  }
  return out.map((v) => BigInt.asIntN(64, v));
}

function isNaNBits(t: string, v: number | bigint): boolean {
  if (t === 'f32') return ((v as number) & 0x7f800000) === 0x7f800000 && ((v as number) & 0x7fffff) !== 0;
  if (t === 'f64') {
    const b = BigInt.asUintN(64, v as bigint);
    return (b & 0x7ff0000000000000n) === 0x7ff0000000000000n && (b & 0xfffffffffffffn) !== 0n;
  }
  return false;
}

/** The result, or the trap: detwasm's Trap code; for native only whether it trapped (V8 says "float unrepresentable in integer range" for NaN and overflow alike). */
function run(f: (...a: unknown[]) => unknown, args: unknown[]): { v?: unknown; trap?: string } {
  try {
    return { v: f(...args) };
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) return { trap: 'trap' };
    return { trap: (e as { code?: string }).code ?? String(e) };
  }
}

test('every float instruction matches native WebAssembly bit for bit (NaNs canonical)', async () => {
  const bytes = await wat(moduleText());
  const native = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes))).exports as Record<string, (...a: unknown[]) => unknown>;
  const engine = new Engine({ features: { floats: true } });
  const det = new Store(engine).instantiate(engine.compile(bytes)).exports as Record<string, (...a: unknown[]) => unknown>;
  const r = rng(20261207);
  let checked = 0;
  const mismatches: string[] = [];
  cases.forEach((c, k) => {
    const xs = inputs(c.from, r, 300);
    const pairs: unknown[][] = c.kind === 'bin' || c.kind === 'cmp'
      ? xs.flatMap((x, i) => [[x, xs[(i * 7 + 3) % xs.length]], ...(i < 45 ? xs.slice(0, 45).map((y) => [x, y]) : [])])
      : xs.map((x) => [x]);
    for (const args of pairs) {
      const a = run(native[`f${k}`], args), b = run(det[`f${k}`], args);
      checked++;
      let ok: boolean;
      if (a.trap !== undefined || b.trap !== undefined) {
        // spec 4.3.3 trunc: NaN is an invalid conversion, anything else out of range an overflow
        ok = a.trap !== undefined && b.trap === (isNaNBits(c.from, args[0] as number | bigint) ? 'invalid_conversion' : 'integer_overflow');
      }
      else if (c.arith && isNaNBits(c.to, a.v as number | bigint)) ok = c.to === 'f32' ? b.v === CANON32 : BigInt.asUintN(64, b.v as bigint) === CANON64;
      else ok = a.v === b.v;
      if (!ok && mismatches.length < 20) mismatches.push(`${c.name}(${args.map(String).join(', ')}): native ${a.trap ?? String(a.v)}, detwasm ${b.trap ?? String(b.v)}`);
    }
  });
  expect(mismatches).toEqual([]);
  expect(checked).toBeGreaterThan(50_000);
});

test('float values keep their bits through locals, memory, select and calls; constants are bits', async () => {
  const text = `(module (memory 1)
    (func $id64 (param f64) (result f64) (local.get 0))
    (func (export "roundtrip64") (param i64) (result i64) (local f64)
      (local.set 1 (f64.reinterpret_i64 (local.get 0)))
      (f64.store (i32.const 8) (local.get 1))
      (i64.reinterpret_f64 (select (call $id64 (f64.load (i32.const 8))) (f64.const 1) (i32.const 1))))
    (func (export "roundtrip32") (param i32) (result i32)
      (f32.store (i32.const 4) (f32.reinterpret_i32 (local.get 0)))
      (i32.reinterpret_f32 (f32.load (i32.const 4))))
    (func (export "nanconst") (result i64) (i64.reinterpret_f64 (f64.const nan:0x4000000000001)))
    (func (export "negnan") (result i32) (i32.reinterpret_f32 (f32.neg (f32.const nan:0x200001))))
    (func (export "addnan") (result i32) (i32.reinterpret_f32 (f32.add (f32.const -nan:0x200001) (f32.const 1))))
    (func (export "loop") (param i32) (result i64) (local f64)
      (loop $l (local.set 1 (f64.add (local.get 1) (f64.const 0.1)))
        (br_if $l (i32.gt_s (local.tee 0 (i32.sub (local.get 0) (i32.const 1))) (i32.const 0))))
      (i64.reinterpret_f64 (local.get 1))))`;
  const bytes = await wat(text);
  const engine = new Engine({ features: { floats: true } });
  const ex = new Store(engine).instantiate(engine.compile(bytes)).exports as any;
  for (const v of [0x7ff4000000000001n, -0x0008000000000001n, 0x7ff0000000000001n, 1n, -0x8000000000000000n]) expect(ex.roundtrip64(v)).toBe(v);
  for (const v of [0x7fa00001, -0x00200001, 0x7f800001, -1]) expect(ex.roundtrip32(v)).toBe(v);
  expect(ex.nanconst()).toBe(0x7ff4000000000001n);
  expect(ex.negnan()).toBe(0xffa00001 | 0);
  expect(ex.addnan()).toBe(CANON32);
  const native = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes))).exports as any;
  expect(ex.loop(1000)).toBe(native.loop(1000));
});

test('float arithmetic with a constant operand (immediate forms) matches native bit for bit', async () => {
  // normal constants are immediates (read as significand times a power of two: the smallest and
  // largest exponents, both signs); zeros, subnormals, infinities and NaNs stay constants in a slot
  const consts32 = [0x3f800000, 0xbf000000, 0x7fc00000, 0x7fa00001, 0xff800000, 0x00000001, 0x80000000, 0x4f000000, 0x3eaaaaab,
    0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff, 0x00ffffff, 0x807fffff, 0].map((x) => x | 0);
  const consts64 = [0x3ff0000000000000n, 0xbfe0000000000000n, 0x7ff8000000000000n, 0x7ff4000000000001n, 0xfff0000000000000n, 1n, 0x8000000000000000n, 0x400921fb54442d18n,
    0x0010000000000000n, 0x8010000000000000n, 0x7fefffffffffffffn, 0xffefffffffffffffn, 0x001fffffffffffffn, 0x3fb999999999999an, 0x800fffffffffffffn, 0n];
  const fns: string[] = [];
  const sigs: Array<['f32' | 'f64', string, number | bigint]> = [];
  for (const o of ['add', 'sub', 'mul', 'div']) {
    for (const c of consts32) {
      fns.push(`(func (export "g${sigs.length}") (param i32) (result i32) (i32.reinterpret_f32 (f32.${o} (f32.reinterpret_i32 (local.get 0)) (f32.reinterpret_i32 (i32.const ${c})))))`);
      sigs.push(['f32', o, c]);
    }
    for (const c of consts64) {
      fns.push(`(func (export "g${sigs.length}") (param i64) (result i64) (i64.reinterpret_f64 (f64.${o} (f64.reinterpret_i64 (local.get 0)) (f64.reinterpret_i64 (i64.const ${BigInt.asIntN(64, c)})))))`);
      sigs.push(['f64', o, c]);
    }
    // the constant on the left (f64.sub and f64.div have immediate forms for it)
    for (const c of consts64) {
      fns.push(`(func (export "g${sigs.length}") (param i64) (result i64) (i64.reinterpret_f64 (f64.${o} (f64.const ${f64Text(c)}) (f64.reinterpret_i64 (local.get 0)))))`);
      sigs.push(['f64', `${o} (left)`, c]);
    }
  }
  const bytes = await wat(`(module ${fns.join('\n')})`);
  const native = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(bytes))).exports as Record<string, (x: unknown) => unknown>;
  const engine = new Engine({ features: { floats: true } });
  const det = new Store(engine).instantiate(engine.compile(bytes)).exports as Record<string, (x: unknown) => unknown>;
  const r = rng(31337);
  const bad: string[] = [];
  let n = 0;
  sigs.forEach(([w, o, c], k) => {
    for (const x of inputs(w, r, 60)) {
      const a = native[`g${k}`](x), b = det[`g${k}`](x);
      n++;
      const ok = isNaNBits(w, a as number | bigint) ? (w === 'f32' ? b === CANON32 : BigInt.asUintN(64, b as bigint) === CANON64) : a === b;
      if (!ok && bad.length < 10) bad.push(`${w}.${o}(${String(x)}, const ${String(c)}): native ${String(a)}, detwasm ${String(b)}`);
    }
  });
  expect(bad).toEqual([]);
  expect(n).toBeGreaterThan(5000);
  // the immediate forms were used
  const m = engine.compile(bytes);
  const list = (k: number) => listingOf(m, k);
  expect(list(0)).toMatch(/F32_ADD_SI/);
  expect(list(2)).toMatch(/CONST32 .*F32_ADD_SS/s); // NaN
  expect(list(consts32.length)).toMatch(/F64_ADD_SI/);
  expect(list(consts32.length + 2)).toMatch(/CONST64 .*F64_ADD_SS/s);
  const sub = sigs.findIndex(([, o]) => o === 'sub (left)'), div = sigs.findIndex(([, o]) => o === 'div (left)');
  expect(list(sub)).toMatch(/F64_SUB_IS/);
  expect(list(div)).toMatch(/F64_DIV_IS/);
  expect(list(sub + 2)).toMatch(/CONST64 .*F64_SUB_SS/s);
});

/** An f64.const operand with bits `b` in the text format (its hexadecimal value, or a NaN with its payload). */
function f64Text(b: bigint): string {
  const u = BigInt.asUintN(64, b);
  const sign = u >> 63n ? '-' : '';
  const e = Number((u >> 52n) & 0x7ffn), m = u & 0xfffffffffffffn;
  if (e === 0x7ff) return m === 0n ? `${sign}inf` : `${sign}nan:0x${m.toString(16)}`;
  if (e === 0) return `${sign}0x0.${m.toString(16).padStart(13, '0')}p-1022`;
  return `${sign}0x1.${m.toString(16).padStart(13, '0')}p${e - 1023}`;
}
