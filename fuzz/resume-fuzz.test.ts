/**
 * The resume check (resume-fuzz.ts), fixed seeds: generated modules run on
 * detwasm metered with every call paused by out of gas (at every unit, and at
 * random budgets) and resumed must give the record of the unpaused run, gas
 * used after each call included.
 */
import { UNIT_PAUSES, resumeStats, resumingAdapter } from './detwasm-adapter.js';
import { loadWabt } from './corpus.js';
import { runResumeFuzz } from './resume-fuzz.js';

const savedLimit = Error.stackTraceLimit;
beforeAll(() => {
  Error.stackTraceLimit = 0;
});
afterAll(() => {
  Error.stackTraceLimit = savedLimit;
});

test.each([
  ['integer modules', 700_001, 10, {}],
  ['float modules', 710_001, 15, { floats: true }],
  ['tail calls, deep expressions', 720_001, 15, { floats: true, tailCalls: true, maxFuncs: 3, maxDepth: 8, maxStmts: 3 }],
] as const)('%s: seeds %i.. (%i modules), resumed at every unit and at random budgets', (_name, firstSeed, iterations, options) => {
  const before = resumeStats.pauses;
  const r = runResumeFuzz({ firstSeed, iterations, options, shrinkMs: 3_000, maxFindings: 3 });
  expect(r.findings.map(f => `seed ${f.seed} ${JSON.stringify(f.policy)} ${JSON.stringify(f.options)}: unpaused ${f.diff.a} / resumed ${f.diff.b}`)).toEqual([]);
  expect(r.modules).toBe(iterations);
  expect(r.calls).toBeGreaterThan(iterations);
  expect(resumeStats.pauses - before).toBeGreaterThan(r.calls);
});

test('the unit policy pauses before every unit a short call charges; the record is the unpaused one', async () => {
  const wabt = await loadWabt();
  const m = wabt.parseWat('sum.wat', new Uint8Array(Buffer.from(`(module (func (export "f") (param i32) (result i32) (local i32)
    (loop (local.set 1 (i32.add (local.get 1) (local.get 0))) (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1)))`, 'utf8')), {});
  const bytes = Uint8Array.from(m.toBinary({}).buffer);
  m.destroy();
  const config = { features: { preset: '3.0', floats: true } };
  const plain = resumingAdapter(config, null).instantiate(bytes, () => 0);
  const unit = resumingAdapter(config, { kind: 'unit', seed: 1 }).instantiate(bytes, () => 0);
  for (const n of [1, 10, 100]) {
    const g0 = plain.gasUsed!(), u0 = unit.gasUsed!(), p0 = resumeStats.pauses;
    expect(unit.call('f', [n])).toBe(plain.call('f', [n]));
    const gas = plain.gasUsed!() - g0;
    expect(gas).toBeGreaterThan(n);
    expect(gas).toBeLessThan(UNIT_PAUSES);
    expect(unit.gasUsed!() - u0).toBe(gas);
    expect(resumeStats.pauses - p0).toBe(gas);
  }
  expect(unit.call('f', [100])).toBe(5050);
});
