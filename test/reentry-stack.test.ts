/**
 * The wasm -> host -> wasm re-entry cap (MAX_REENTRANCY) does not depend on
 * the JS stack left: in a fresh process (the execution loop not yet optimized,
 * its largest frames) with `node --stack-size=250` (a 250 KB stack, what small-
 * stack hosts and browser workers have) nested re-entry ends exactly as with
 * Node's default stack: same trap code, depth and gas, in both hostErrors
 * modes, and no RangeError escapes. Runs the built package (npm run build).
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { DIST, requireBuild } from './helpers.js';
import { wat } from '../src/interpreter/testutil.js';

const CHILD = `
const d = require(process.argv[1]);
const bytes = Buffer.from(process.argv[2], 'base64');
const out = [];
for (const hostErrors of ['trap', 'propagate']) {
  for (const catchAt of [-1, 5]) {
    const engine = new d.Engine();
    const store = new d.Store(engine, { gas: 1e9, hostErrors });
    let max = 0, step;
    const inst = store.instantiate(engine.compile(bytes), { env: { host(x) {
      max = Math.max(max, x);
      if (x !== catchAt) return step(x);
      try { return step(x); } catch (e) { return -1000; } // this level swallows the trap and returns
    } } });
    step = inst.exports.step;
    const g0 = store.gasUsed;
    let r;
    try { r = { value: step(0) }; } catch (e) {
      let root = e;
      while (root && root.cause) root = root.cause;
      r = { error: e.constructor.name, code: e.code, root: root && root.constructor.name, reason: e.reason };
    }
    out.push({ hostErrors, catchAt, max, gas: store.gasUsed - g0, ...r });
  }
}
console.log(JSON.stringify(out));
`;

function run(bytes: Uint8Array, stackKB?: number): unknown {
  const args = [...(stackKB === undefined ? [] : [`--stack-size=${stackKB}`]), '-e', CHILD, path.join(DIST, 'cjs/src/index.js'), Buffer.from(bytes).toString('base64')];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' }));
}

test('nested re-entry ends the same under node --stack-size=250 as under the default stack', async () => {
  requireBuild();
  const bytes = await wat(`(module (import "env" "host" (func $host (param i32) (result i32)))
    (func (export "step") (param $d i32) (result i32)
      (i32.add (call $host (i32.add (local.get $d) (i32.const 1))) (i32.const 1))))`);
  const normal = run(bytes) as { max: number; code?: string; value?: number }[];
  // the cap is what ends it: depth 32, call_stack_exhausted (or the value of the level that caught it)
  expect(normal.map((r) => [r.max, r.code ?? r.value])).toEqual([[32, 'call_stack_exhausted'], [32, -1000 + 5], [32, 'call_stack_exhausted'], [32, -1000 + 5]]);
  expect(run(bytes, 250)).toEqual(normal);
});
