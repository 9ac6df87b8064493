/**
 * Differential execution, fixed seeds: random valid integer-only modules run
 * on detwasm (metered and unmetered) and on the host's WebAssembly; results,
 * trap kinds, host call logs, final memory, globals and table must agree.
 * `npm run fuzz` runs the same loop for longer with fresh seeds.
 */
import { ENGINES_UNDER_TEST, HANG_GUARD } from './engines.js';
import { runExecFuzz } from './exec-fuzz.js';

// Traps are exceptions; stack traces (source-mapped under jest) dominate the cost otherwise.
const savedLimit = Error.stackTraceLimit;
beforeAll(() => {
  Error.stackTraceLimit = 0;
});
afterAll(() => {
  Error.stackTraceLimit = savedLimit;
});

describe.each(ENGINES_UNDER_TEST)('random modules: $name vs host', adapter => {
  test.each([
    ['default shape', 1, 500, {}],
    ['small modules', 100_001, 1000, { maxFuncs: 2, maxDepth: 3, maxStmts: 2 }],
    ['deep expressions', 200_001, 200, { maxFuncs: 3, maxDepth: 8, maxStmts: 3 }],
    ['tail calls', 500_001, 300, { tailCalls: true }],
  ] as const)('%s: seeds %i.. (%i modules)', (_name, firstSeed, iterations, options) => {
    const r = runExecFuzz({ adapter, guard: HANG_GUARD, firstSeed, iterations, options, shrinkMs: 5_000, maxFindings: 3 });
    const report = r.findings.map(f => `seed ${f.seed} ${JSON.stringify(f.options)}: host ${f.diff.a} / ${f.engine} ${f.diff.b}`);
    expect(report).toEqual([]);
    expect(r.modules).toBe(iterations);
    // The budget exercises values and the main trap kinds (checked on the host's outcomes).
    const kinds = [...r.outcomes.keys()];
    for (const k of ['value', 'trap memory_oob', 'trap div_by_zero', 'trap table_oob']) expect(kinds).toContain(k);
  });
});
