/** The shipped examples stay buildable and runnable. */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { ROOT, requireBuild } from './helpers.js';

test('examples/*.wasm are up to date with their .wat sources', () => {
  execFileSync(process.execPath, [path.join(ROOT, 'examples/build.js'), '--check'], { cwd: ROOT, stdio: 'pipe' });
});

test('examples/host.mjs: host functions, memory, gas, trap and out of gas', () => {
  requireBuild();
  const out = execFileSync(process.execPath, [path.join(ROOT, 'examples/host.mjs')], { cwd: ROOT, encoding: 'utf8' });
  const lines = out.trim().split('\n');
  expect(lines[0]).toMatch(/^compiled: compile cost \d+ gas$/);
  expect(lines[1]).toBe('guest says: "hello from wasm"');
  expect(lines[2]).toMatch(/^gas used after greet: \d+$/);
  const charged = /^expensive\(500\) = (-?\d+), charged (\d+) gas \(500 by the host\)$/.exec(lines[3]);
  expect(charged).not.toBeNull();
  expect(Number(charged![2])).toBeGreaterThan(500);
  expect(lines[4]).toBe('divide(7, 2) = 3');
  expect(lines[5]).toBe('divide(1, 0) trapped: code=integer_divide_by_zero message="integer divide by zero in function 5 ($divide)"');
  expect(lines[6]).toMatch(/^spin\(1000000\) ran out of gas: gas used \d+, remaining \d+$/);
  expect(lines[7]).toMatch(/^after top-up: spin\(1000\) = 0, gas remaining \d+$/);
  // Deterministic: a second run prints exactly the same.
  expect(execFileSync(process.execPath, [path.join(ROOT, 'examples/host.mjs')], { cwd: ROOT, encoding: 'utf8' })).toBe(out);
});
