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
