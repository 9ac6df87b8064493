/**
 * Real programs through `detwasm/compat`: sql.js (SQLite) and QuickJS
 * (quickjs-emscripten), both devDependencies, each driven by a scenario
 * (real-programs/*.cjs) through the package's own Emscripten JS glue, once
 * with Node's WebAssembly and once with the global `WebAssembly` replaced by
 * detwasm's compat namespace (floats on by default there). The transcripts
 * (query results, evaluated values, the exported database bytes' hash) must
 * be equal. Both programs use float instructions throughout (number
 * formatting and parsing, REAL columns, Math).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { ROOT, DIST, requireBuild } from './helpers.js';

function transcript(scenario: string, engine: 'native' | 'detwasm'): string {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'test/real-programs', scenario), engine, DIST], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${scenario} on ${engine} exited with ${r.status}: ${r.stderr.slice(0, 2000)}`);
  return r.stdout;
}

beforeAll(() => requireBuild());

describe.each([
  ['sqljs.cjs', /^export \d+ [0-9a-f]+$/m, 20],
  ['quickjs.cjs', /^\(function fib\(n\).* value 17711 17711$/m, 19],
])('%s', (scenario, marker, lines) => {
  test('detwasm/compat gives the same transcript as native WebAssembly', () => {
    const native = transcript(scenario, 'native');
    expect(native).not.toMatch(/^failed/m);
    expect(native).toMatch(marker);
    expect(native.trim().split('\n').length).toBeGreaterThanOrEqual(lines);
    const ours = transcript(scenario, 'detwasm');
    const a = native.split('\n'), b = ours.split('\n');
    const first = a.findIndex((l, i) => l !== b[i]);
    expect({ firstDifference: first < 0 && a.length === b.length ? null : { native: a[first], detwasm: b[first] } }).toEqual({ firstDifference: null });
  }, 600_000);
});
