/**
 * The first Store of a realm gives the execution loop its type feedback
 * (engine.ts `warmUpExec`, RATIONALE.md "The loop's entry is warmed up"):
 * V8 has allocated exec's feedback vector before any program runs, so a
 * program's first long call records the loop's entry. Checked in V8 itself
 * (`%DebugPrint` under --allow-natives-syntax), on the built package.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { ROOT, requireBuild } from './helpers.js';

/** What V8 says of exec's feedback after `setup` ran in a fresh process. */
function feedbackAfter(setup: string): string {
  const dist = JSON.stringify(path.join(ROOT, 'dist/cjs/src'));
  const script = `
    const { Engine, Store } = require(${dist} + '/index.js');
    const { exec } = require(${dist} + '/interpreter/exec.js');
    ${setup}
    %DebugPrint(exec);`;
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const line = /feedback vector: .*/.exec(out);
  if (!line) throw new Error('no feedback line in %DebugPrint output');
  return line[0];
}

test('exec has its feedback vector once a Store exists, before any call', () => {
  requireBuild();
  expect(feedbackAfter('')).not.toMatch(/feedback vector: 0x/); // a real check: nothing ran exec yet
  expect(feedbackAfter('new Store(new Engine());')).toMatch(/feedback vector: 0x/);
});

test('the warm-up leaves the user store untouched', () => {
  requireBuild();
  const out = execFileSync(process.execPath, ['-e', `
    const { Engine, Store } = require(${JSON.stringify(path.join(ROOT, 'dist/cjs/src/index.js'))});
    const s = new Store(new Engine(), { gas: 1000 });
    console.log(JSON.stringify([s.gasUsed, s.gasRemaining]));`], { encoding: 'utf8' });
  expect(JSON.parse(out)).toEqual([0, 1000]);
});

test('exec compiled from the feedback of the warm-up stays optimized through a metered call and a call continued after a slice', () => {
  requireBuild();
  // TurboFan compiles exec (synchronously here) from the feedback the
  // warm-up left; then the warm-up's loop runs metered, in a fresh call and
  // in one continued after slices: the `gas` record and the continued call's
  // prologue must have had feedback, or the code deoptimizes (with the
  // unmetered warm-up of one long call first it did, on Node 20 and 24)
  const dist = JSON.stringify(path.join(ROOT, 'dist/cjs/src'));
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--no-concurrent-recompilation', '-e', `
    const { Engine, Store } = require(${dist} + '/index.js');
    const { exec } = require(${dist} + '/interpreter/exec.js');
    const { internals } = require(${dist} + '/interpreter/runtime.js');
    const { WARM_UP_MODULE } = require(${dist} + '/interpreter/engine.js');
    const e = new Engine();
    const s = new Store(e, { gas: 1e12 });
    const w = s.instantiate(e.compile(new Uint8Array(WARM_UP_MODULE))).exports.w;
    %OptimizeFunctionOnNextCall(exec);
    w(50);
    const fresh = %GetOptimizationStatus(exec);
    internals(s).gasSlice = 16;
    w(50);
    console.log(JSON.stringify([fresh & 16, %GetOptimizationStatus(exec) & 16, internals(s).slicesEnded > 0]));`], { encoding: 'utf8' });
  expect(JSON.parse(out)).toEqual([16, 16, true]);
});
