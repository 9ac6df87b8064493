/**
 * exec's optimized code is thrown away after each of a realm's first
 * RETIER_LIMIT calls from JS that ran for RETIER_AFTER_MS (retier.ts, RATIONALE.md "The loop's
 * entry is warmed up"). Checked in V8 itself (`%GetOptimizationStatus` under
 * --allow-natives-syntax), on the built package.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { ROOT, requireBuild } from './helpers.js';

/** Runs `body` in a fresh Node process with the package's exec and retier modules in scope; returns its JSON output. */
function run(body: string): unknown {
  const dist = JSON.stringify(path.join(ROOT, 'dist/cjs/src'));
  const script = `
    const { Engine, Store } = require(${dist} + '/index.js');
    const { exec } = require(${dist} + '/interpreter/exec.js');
    const retier = require(${dist} + '/interpreter/retier.js');
    const { WARM_UP_MODULE } = require(${dist} + '/interpreter/engine.js');
    const optimized = () => (%GetOptimizationStatus(exec) & 16) !== 0;
    // TurboFan compiles exec on a background thread and installs the code
    // before w's next call: a compile inside a call would count as its time
    const optimize = (w) => { %OptimizeFunctionOnNextCall(exec, 'concurrent'); w(1); %WaitForBackgroundOptimization(); %FinalizeOptimization(); };
    ${body}`;
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' });
  return JSON.parse(out);
}

test("retierExec deoptimizes exec's optimized code (it depends on the epoch's holder), RETIER_LIMIT times", () => {
  requireBuild();
  const out = run(`
    const e = new Engine();
    const w = new Store(e).instantiate(e.compile(new Uint8Array(WARM_UP_MODULE))).exports.w;
    retier.retierState.timedLeft = 0; // only the calls below retier (a loaded machine may make any call long)
    w(50);
    w(50);
    const r = [];
    for (let k = 0; k <= retier.RETIER_LIMIT; k++) {
      optimize(w);
      w(50);
      r.push(optimized());
      retier.retierExec();
      r.push(optimized());
    }
    // w(50) sums 50 words of zeroed memory
    console.log(JSON.stringify([retier.RETIER_LIMIT, r, w(50), retier.retierPending()]));`);
  expect(out).toEqual([2, [true, false, true, false, true, true], 0, false]);
});

test("the warm-up's calls do not count; a call of RETIER_AFTER_MS does, a shorter one does not", () => {
  requireBuild();
  const out = run(`
    const e = new Engine();
    const s = new Store(e);
    const w = s.instantiate(e.compile(new Uint8Array(WARM_UP_MODULE))).exports.w;
    const afterWarmUp = retier.retierPending();
    w(10);
    const afterShort = retier.retierPending();
    let n = 1e5, t = 0;
    // a call that runs for RETIER_AFTER_MS (grown until it does)
    const long = [];
    while (retier.retierPending()) { const t0 = Date.now(); w(n); t = Date.now() - t0; if (t >= retier.RETIER_AFTER_MS) long.push(n); else n *= 2; }
    console.log(JSON.stringify([afterWarmUp, afterShort, long.length]));`);
  expect(out).toEqual([true, true, 2]);
});
