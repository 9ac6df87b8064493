/**
 * float.ts against the official test suite's own expectations, without an
 * interpreter: the float files' modules are lists of one-instruction functions
 * (`(func (export "add") ... (f32.add (local.get $x) (local.get $y)))`), so
 * every `assert_return` / `assert_trap` on them is one call of the matching
 * float.ts function on raw words. Results are compared bit for bit
 * (`nan:canonical` / `nan:arithmetic` included, as patterns on the bits), traps
 * by their spec message. Needs $WASM_TESTSUITE (default spec-tests/testsuite).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseWast, type ExpectedResult, type WastValue } from '../../spec-tests/wast';
import { trapCodeFor } from '../../spec-tests/runner';
import { argWords } from '../../spec-tests/engines/values';
import { Trap } from '../errors';
import * as F from './float';

const ROOT = path.resolve(__dirname, '../..');
const SUITE = process.env.WASM_TESTSUITE ? path.resolve(ROOT, process.env.WASM_TESTSUITE) : path.join(ROOT, 'spec-tests/testsuite');

const S = new Int32Array(8);
const F64V = new Float64Array(S.buffer);
const F32V = new Float32Array(S.buffer);

/** Every float instruction on operands in slots 0 and 2, result in slots 4, 5. */
const OPS: Record<string, () => void> = {};
for (const t of ['f32', 'f64'] as const) {
  const V = t === 'f32' ? F32V : F64V;
  const fn = (name: string) => (F as any)[`${t}${name[0].toUpperCase()}${name.slice(1)}`];
  for (const op of ['add', 'sub', 'mul', 'div', 'min', 'max']) OPS[`${t}.${op}`] = () => fn(op)(V, S, 4, 0, 2);
  for (const op of ['sqrt', 'ceil', 'floor', 'trunc', 'nearest']) OPS[`${t}.${op}`] = () => fn(op)(V, S, 4, 0);
  for (const op of ['abs', 'neg']) OPS[`${t}.${op}`] = () => fn(op)(S, 4, 0);
  OPS[`${t}.copysign`] = () => fn('copysign')(S, 4, 0, 2);
  for (const op of ['eq', 'ne', 'lt', 'gt', 'le', 'ge']) OPS[`${t}.${op}`] = () => { S[4] = fn(op)(V, 0, 2); };
  for (const s of ['s', 'u']) {
    const S_ = s.toUpperCase();
    const W = t.toUpperCase();
    OPS[`i32.trunc_${t}_${s}`] = () => { S[4] = (F as any)[`i32Trunc${W}${S_}`](V, 0); };
    OPS[`i32.trunc_sat_${t}_${s}`] = () => { S[4] = (F as any)[`i32TruncSat${W}${S_}`](V, 0); };
    OPS[`i64.trunc_${t}_${s}`] = () => (F as any)[`i64Trunc${W}${S_}`](V, S, 4, 0);
    OPS[`i64.trunc_sat_${t}_${s}`] = () => (F as any)[`i64TruncSat${W}${S_}`](V, S, 4, 0);
    for (const from of ['i32', 'i64']) OPS[`${t}.convert_${from}_${s}`] = () => (F as any)[`${t}Convert${from.toUpperCase()}${S_}`](V, S, 4, 0);
  }
}
OPS['f32.demote_f64'] = () => F.f32DemoteF64(F32V, F64V, S, 4, 0);
OPS['f64.promote_f32'] = () => F.f64PromoteF32(F64V, F32V, S, 4, 0);
for (const r of ['f32.reinterpret_i32', 'f64.reinterpret_i64', 'i32.reinterpret_f32', 'i64.reinterpret_f64']) OPS[r] = () => { S[4] = S[0]; S[5] = S[1]; };

const isF32NaN = (b: number) => (b & 0x7fffffff) > 0x7f800000;
const isF64NaN = (b: bigint) => (b & 0x7fffffffffffffffn) > 0x7ff0000000000000n;

/** Whether the result words (S[4], S[5]) match `e` exactly (the spec's bitwise comparison). */
function matches(e: ExpectedResult, type: string): boolean {
  const lo = S[4], hi = S[5];
  const b64 = BigInt.asUintN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
  switch (e.kind) {
    case 'either': return e.options.some((o) => matches(o, type));
    case 'nan':
      if (e.type === 'f32') return isF32NaN(lo) && (e.which === 'canonical' ? (lo & 0x7fffffff) === 0x7fc00000 : (lo & 0x400000) !== 0);
      return isF64NaN(b64) && (e.which === 'canonical' ? (b64 & 0x7fffffffffffffffn) === 0x7ff8000000000000n : (b64 & 0x8000000000000n) !== 0n);
    case 'value': {
      const v = e.value as WastValue;
      if (v.type === 'i32') return lo === v.value;
      if (v.type === 'f32') return lo >>> 0 === v.bits >>> 0;
      if (v.type === 'i64') return b64 === BigInt.asUintN(64, v.value);
      if (v.type === 'f64') return b64 === v.bits;
      return false;
    }
    default: return false;
  }
}

const FILES = ['f32.wast', 'f64.wast', 'f32_cmp.wast', 'f64_cmp.wast', 'f32_bitwise.wast', 'f64_bitwise.wast', 'conversions.wast'];

describe.each(FILES)('%s', (file) => {
  test('every assertion on a one-instruction function holds for float.ts', () => {
    const commands = parseWast(fs.readFileSync(path.join(SUITE, file)));
    let exports = new Map<string, string>();
    let checked = 0;
    const failures: string[] = [];
    for (const cmd of commands) {
      if (cmd.kind === 'module' && cmd.module.source.kind === 'text') {
        const text = Buffer.from(cmd.module.source.bytes).toString('utf8');
        exports = new Map();
        for (const m of text.matchAll(/\(func \(export "([^"]+)"\)[^(]*(?:\((?:param|result)[^)]*\)\s*)*\(([a-z0-9_.]+) \(local\.get/g)) exports.set(m[1], m[2]);
        continue;
      }
      if (cmd.kind !== 'assert_return' && cmd.kind !== 'assert_trap') continue;
      const a = cmd.action;
      if (a.kind !== 'invoke') continue;
      const op = exports.get(a.name);
      if (op === undefined || OPS[op] === undefined) continue; // integer-only conversions (wrap, extend)
      S.fill(0x5a5a5a5a);
      a.args.forEach((v, i) => { const w = argWords(v)!; S[2 * i] = w[0]; S[2 * i + 1] = w[1]; });
      let trap: string | undefined;
      try {
        OPS[op]();
      } catch (e) {
        if (!(e instanceof Trap)) throw e;
        trap = e.code;
      }
      checked++;
      const where = `line ${cmd.line}: ${op}(${a.args.map((v) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString(16) : x))).join(', ')})`;
      if (cmd.kind === 'assert_trap') {
        if (trap !== trapCodeFor(cmd.message)) failures.push(`${where}: expected trap "${cmd.message}", got ${trap ?? 'a result'}`);
      } else if (trap !== undefined) {
        failures.push(`${where}: trapped ${trap}`);
      } else if (!matches(cmd.results[0], op)) {
        failures.push(`${where}: got words ${(S[4] >>> 0).toString(16)} ${(S[5] >>> 0).toString(16)}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(checked).toBeGreaterThan(file === 'conversions.wast' ? 500 : 300);
  });
});
