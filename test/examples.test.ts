/** The shipped examples stay buildable and runnable. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
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

test('examples/contract.mjs: storage charged per byte, journaled writes committed on success, rolled back on any trap', () => {
  requireBuild();
  const run = () => execFileSync(process.execPath, [path.join(ROOT, 'examples/contract.mjs')], { cwd: ROOT, encoding: 'utf8' });
  const out = run();
  const gas = String.raw`gas used (\d+)`;
  const patterns = [
    String.raw`^mint\(1, 1000\) with 10000 gas: ok, 1 keys written, ${gas}$`,
    String.raw`^transfer\(1, 2, 300\) with 10000 gas: ok, 2 keys written, ${gas}$`,
    String.raw`^transfer\(2, 3, 500\) with 10000 gas: trap unreachable, 0 keys written and rolled back, ${gas}$`,
    String.raw`^airdrop\(1, 100, 50, 1\) with 10000 gas: trap out_of_gas, (\d+) keys written and rolled back, ${gas}$`,
    String.raw`^airdrop\(2, 200, 5, 100\) with 10000 gas: trap unreachable, 4 keys written and rolled back, ${gas}$`,
    String.raw`^airdrop\(1, 100, 3, 10\) with 10000 gas: ok, 4 keys written, ${gas}$`,
    String.raw`^balance_of\(1\) with 10000 gas: ok = 670, 0 keys written, ${gas}$`,
  ];
  const lines = out.trim().split('\n');
  expect(lines).toHaveLength(patterns.length + 1);
  const matches = patterns.map((p, i) => {
    const m = new RegExp(p).exec(lines[i]);
    expect({ line: lines[i], matches: m !== null }).toEqual({ line: lines[i], matches: true });
    return m!;
  });
  // The out-of-gas airdrop had written several keys before it ran out, the failing one 4
  // (2, 200, 201, 202); none of them stuck: account 1 paid only the committed transfers
  // (1000 - 300 - 3 * 10), account 2 kept its 300, accounts 200.. have nothing.
  expect(Number(matches[3][1])).toBeGreaterThan(2);
  expect(lines[patterns.length]).toBe('balances: 1=670 2=300 100=10 101=10 102=10');
  // The budget bounds every call, host charges included; storage makes calls cost more than their instructions.
  const used = matches.map((m) => Number(m[m.length - 1]));
  for (const g of used) expect(g).toBeLessThanOrEqual(10000);
  expect(used[3]).toBeGreaterThan(10000 - 300); // ran out: within one storage charge of the budget
  expect(used[1]).toBeGreaterThan(2 * (100 + 10 * 16)); // two writes of 8 + 8 bytes at least
  // Deterministic: a second run prints exactly the same, gas included; the README shows this output.
  expect(run()).toBe(out);
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Running smart contracts');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  // The README shows this output (a gas schedule change shows up here as a diff to copy).
  expect(/^```text\n([\s\S]*?)^```$/m.exec(section)?.[1]).toBe(out);
  // The README's code excerpts in "Running smart contracts" are the example's own lines.
  const dedent = (text: string) => text.split('\n').map((l) => l.trim()).join('\n');
  const source = dedent(fs.readFileSync(path.join(ROOT, 'examples/contract.mjs'), 'utf8'));
  const excerpts = [...section.matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => dedent(m[1].trimEnd()));
  expect(excerpts.length).toBe(2);
  for (const e of excerpts) expect({ excerpt: e, inExample: source.includes(e) }).toEqual({ excerpt: e, inExample: true });
});

test('examples/async-storage.mjs: async host functions with callAsync, out-of-gas pauses with callResumable', () => {
  const run = () => execFileSync(process.execPath, [path.join(ROOT, 'examples/async-storage.mjs')], { cwd: ROOT, encoding: 'utf8' });
  const out = run();
  const lines = out.trim().split('\n');
  expect(lines[0]).toMatch(/^bump\(7, 5, 3\) = 15, gas used \d+$/);
  expect(lines[1]).toBe('synchronous call: async_host');
  expect(lines[2]).toMatch(/^bump\(1, 2, 20\) = 40 after [1-9]\d* out-of-gas pauses$/);
  expect(run()).toBe(out);
});

test('examples/snapshot.mjs: paused by out of gas, snapshotted, finished in a child process with the uninterrupted result and gas', () => {
  requireBuild();
  const out = execFileSync(process.execPath, [path.join(ROOT, 'examples/snapshot.mjs')], { cwd: ROOT, encoding: 'utf8' });
  const lines = out.trim().split('\n');
  const ref = /^uninterrupted: run\(65536\) = (-?\d+), total gas used (\d+)$/.exec(lines[0]);
  expect(ref).not.toBeNull();
  expect(lines[1]).toMatch(/^paused: out_of_gas after \d+ gas$/);
  expect(Number(/after (\d+) gas/.exec(lines[1])![1])).toBeLessThan(Number(ref![2]) / 2);
  expect(lines[2]).toMatch(/^snapshot: \d+ bytes$/);
  expect(lines[3]).toBe(`child process: restored, run(65536) = ${ref![1]}, total gas used ${ref![2]}, memory 2 pages`);
  expect(lines[4]).toBe('damaged snapshot: checksum');
});
