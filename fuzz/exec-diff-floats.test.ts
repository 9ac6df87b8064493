/**
 * Differential execution with float code, fixed seeds: random valid modules
 * with f32/f64 (gen-module `floats`) run on detwasm (metered, unmetered, JS
 * API layer) and on the host's WebAssembly, which runs the variant with its
 * NaNs canonicalized after every arithmetic instruction; results, traps,
 * host calls, memory, globals and table must agree.
 */
import { ENGINES_UNDER_TEST, HANG_GUARD } from './engines.js';
import { runExecFuzz } from './exec-fuzz.js';

const savedLimit = Error.stackTraceLimit;
beforeAll(() => {
  Error.stackTraceLimit = 0;
});
afterAll(() => {
  Error.stackTraceLimit = savedLimit;
});

describe.each(ENGINES_UNDER_TEST)('random float modules: $name vs host', adapter => {
  test.each([
    ['default shape', 300_001, 300, { floats: true }],
    ['deep expressions', 400_001, 150, { floats: true, maxFuncs: 3, maxDepth: 8, maxStmts: 3 }],
  ] as const)('%s: seeds %i.. (%i modules)', (_name, firstSeed, iterations, options) => {
    const r = runExecFuzz({ adapter, guard: HANG_GUARD, firstSeed, iterations, options, shrinkMs: 5_000, maxFindings: 3 });
    const report = r.findings.map(f => `seed ${f.seed} ${JSON.stringify(f.options)}: host ${f.diff.a} / ${f.engine} ${f.diff.b}`);
    expect(report).toEqual([]);
    expect(r.modules).toBe(iterations);
    const kinds = [...r.outcomes.keys()];
    for (const k of ['value', 'trap int_overflow', 'trap memory_oob']) expect(kinds).toContain(k);
  });
});
