/**
 * The built CLI (bin/detwasm.js → dist/cjs/src/cli/main.js), spawned as users
 * run it: one line on stderr and a distinct exit code per kind of failure.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, requireBuild } from './helpers.js';
import { wat3 } from '../src/validator/testutil.js';

const BIN = path.join(ROOT, 'bin/detwasm.js');
let tmp: string;

function detwasm(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: string | number[]): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, typeof content === 'string' ? content : Buffer.from(content));
  return p;
}

/** Exactly one line on stderr, no stack trace. */
function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0];
}

beforeAll(() => {
  requireBuild();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'detwasm-cli-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('run', () => {
  test('the README example: fib.wat with gas', () => {
    const r = detwasm('run', 'examples/fib.wat', '--invoke', 'fib', '20', '--gas', '1000000');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('6765\n');
    expect(r.stderr).toMatch(/^gas used: \d+ of 1000000$/m);
    expect(r.stderr).toMatch(/^time: compile [\d.]+ ms, instantiate [\d.]+ ms, run [\d.]+ ms$/m);
  });

  test('README shows the real output of its first command', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npx detwasm run examples/fib.wat --invoke fib 20 --gas 1000000');
    const shown = /```text\n(\d+)\ngas used: (\d+) of 1000000\n/.exec(readme);
    expect(shown).not.toBeNull();
    const r = detwasm('run', 'examples/fib.wat', '--invoke', 'fib', '20', '--gas', '1000000');
    expect([r.stdout.trim(), /gas used: (\d+)/.exec(r.stderr)?.[1]]).toEqual([shown![1], shown![2]]);
  });

  test('gas used is the same on every run', () => {
    const gas = () => /gas used: (\d+)/.exec(detwasm('run', 'examples/fib.wasm', '--invoke', 'fib', '15', '--gas', '1000000').stderr)?.[1];
    const first = gas();
    expect(first).toBeDefined();
    expect(gas()).toBe(first);
  });

  test('i64 results and arguments parsed by parameter type', () => {
    expect(detwasm('run', 'examples/fib.wasm', '--invoke', 'fib_i64', '90').stdout).toBe('2880067194370816120\n');
    expect(detwasm('run', 'examples/hash.wasm', '--invoke', 'run', '0x10000').stdout).toBe('-2479957013007382212\n');
  });

  test('--json', () => {
    const r = detwasm('run', 'examples/fib.wat', '--invoke', 'fib', '10', '--gas', '100000', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ ok: true, invoke: 'fib', results: [55], resultTypes: ['i32'], gasBudget: '100000' });
    expect(Number(j.gasUsed)).toBeGreaterThan(0);
  });

  test('without --invoke: instantiates and lists the exports', () => {
    const r = detwasm('run', 'examples/fib.wat');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no --invoke given \(exported functions: fib, fib_i64\)/);
  });
});

describe('failures: one line on stderr, exit code per kind', () => {
  test('usage (2): no command, unknown option, bad argument, missing export', () => {
    expect(detwasm()).toMatchObject({ code: 2 });
    expect(oneLine(detwasm().stderr)).toMatch(/^detwasm: missing command/);
    const bad = detwasm('run', 'examples/fib.wat', '--frob');
    expect(bad.code).toBe(2);
    expect(oneLine(bad.stderr)).toBe('detwasm: unknown option "--frob" for run; see detwasm --help');
    const arg = detwasm('run', 'examples/fib.wat', '--invoke', 'fib', 'twenty');
    expect(arg.code).toBe(2);
    expect(oneLine(arg.stderr)).toBe('detwasm: argument 1 of fib: expected an i32 integer, got "twenty"');
    const arity = detwasm('run', 'examples/fib.wat', '--invoke', 'fib');
    expect(arity.code).toBe(2);
    expect(oneLine(arity.stderr)).toBe('detwasm: fib expects 1 argument (i32), got 0');
    const missing = detwasm('run', 'examples/fib.wat', '--invoke', 'nope');
    expect(missing.code).toBe(2);
    expect(oneLine(missing.stderr)).toBe('detwasm: examples/fib.wat: no export named "nope" (exported functions: fib, fib_i64)');
  });

  test('I/O (7): file not found', () => {
    const r = detwasm('run', 'no/such/file.wasm');
    expect(r.code).toBe(7);
    expect(oneLine(r.stderr)).toBe('detwasm: cannot read no/such/file.wasm: no such file');
  });

  test('compile error (3): malformed binary, with byte offset', () => {
    const r = detwasm('validate', file('version.wasm', [0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]));
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toMatch(/^detwasm: .*version\.wasm: malformed module: unknown binary version \(at offset 0x4\)$/);
  });

  test('compile error (3): invalid module, with function index', () => {
    const r = detwasm('run', file('invalid.wat', '(module (func) (func (result i32) (i32.add (i32.const 1))))'));
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toMatch(/^detwasm: .*invalid\.wat: invalid module: type mismatch.*\(at function 1, offset 0x[0-9a-f]+\)$/);
  });

  test('compile error (3): determinism policy', () => {
    const r = detwasm('run', file('floats.wat', '(module (func (export "f") (result f32) (f32.const 1)))'), '--invoke', 'f');
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toMatch(/^detwasm: .*floats\.wat: policy error: .*f32.*determinism policy/);
  });

  test('compile error (3): resource limit', () => {
    // One function with 50001 locals (default limit maxLocals = 50000).
    const r = detwasm('validate', file('locals.wasm', [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 8, 1, 6, 1, 0xd1, 0x86, 0x03, 0x7f, 0x0b]));
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toMatch(/^detwasm: .*locals\.wasm: module exceeds a limit: limit exceeded: maxLocals is 50000/);
  });

  test('compile error (3): text format error with line and column', () => {
    const r = detwasm('run', file('syntax.wat', '(module\n  (fnuc))'));
    expect(r.code).toBe(3);
    expect(oneLine(r.stderr)).toMatch(/^detwasm: .*syntax\.wat: text format error: .*\(at .*syntax\.wat:2:\d+\)$/);
  });

  test('link error (4): unknown import', () => {
    const r = detwasm('run', file('import.wat', '(module (import "env" "missing" (func)))'));
    expect(r.code).toBe(4);
    expect(oneLine(r.stderr)).toMatch(/^detwasm: .*import\.wat: instantiate: link error: .*env.*missing/);
  });

  test('trap (5): in the invoked function and in the start function', () => {
    const div = file('div.wat', `(module (func (export "div") (param i32 i32) (result i32) (call $div (local.get 0) (local.get 1)))
      (func $div (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))`);
    expect(detwasm('run', div, '--invoke', 'div', '7', '-2').stdout).toBe('-3\n');
    const r = detwasm('run', div, '--invoke', 'div', '1', '0');
    expect(r.code).toBe(5);
    // where: the function index and its name from the text ($div), and the caller
    expect(oneLine(r.stderr)).toMatch(
      /^detwasm: .*div\.wat: div\(1, 0\): trap \(integer_divide_by_zero\): integer divide by zero in function 1 \(\$div\), called from function 0$/,
    );
    const start = detwasm('run', file('start.wat', '(module (func $s unreachable) (start $s))'));
    expect(start.code).toBe(5);
    expect(oneLine(start.stderr)).toMatch(/^detwasm: .*start\.wat: instantiate: trap \(unreachable\): unreachable executed in function 0 \(\$s\)$/);
    // --json carries the location too
    const j = detwasm('run', div, '--invoke', 'div', '1', '0', '--json');
    expect(JSON.parse(j.stdout).error).toMatchObject({
      kind: 'trap', code: 'integer_divide_by_zero', funcIndex: 1, funcName: 'div',
      backtrace: [{ funcIndex: 1, name: 'div' }, { funcIndex: 0 }],
    });
    // deep recursion: the callers are summarised, still one line
    const rec = detwasm('run', file('rec.wat', '(module (func $rec (export "rec") (call $rec)))'), '--invoke', 'rec');
    expect(rec.code).toBe(5);
    expect(oneLine(rec.stderr)).toMatch(
      /call stack exhausted in function 0 \(\$rec\), called from function 0 \(\$rec\), function 0 \(\$rec\), function 0 \(\$rec\), \.\.\. \(\d{4,} wasm frames\)$/,
    );
  });

  test('an uncaught wasm exception: the trap exit code (5), kind exception', () => {
    // (module (tag $e (param i32)) (func (export "f") (throw $e (i32.const 1))))
    const bin = file('throw.wasm', Array.from(wat3([`(module (tag $e (param i32)) (func (export "f") (throw $e (i32.const 1))))`])[0]));
    const r = detwasm('run', bin, '--invoke', 'f', '--features', '3.0');
    expect(r.code).toBe(5);
    expect(oneLine(r.stderr)).toMatch(/^detwasm: .*throw\.wasm: f\(\): uncaught wasm exception \(a tag with 1 parameter\)$/);
    const j = detwasm('run', bin, '--invoke', 'f', '--features', '3.0', '--json');
    expect(JSON.parse(j.stdout).error).toMatchObject({ kind: 'exception' });
  });

  test('out of gas (6)', () => {
    const r = detwasm('run', 'examples/fib.wat', '--invoke', 'fib', '25', '--gas', '1000');
    expect(r.code).toBe(6);
    expect(oneLine(r.stderr)).toMatch(/^detwasm: examples\/fib\.wat: fib\(25\): out of gas.* \[gas used \d+ of 1000\]$/);
  });

  test('--verbose adds the stack trace; --json reports the failure on stdout', () => {
    const r = detwasm('run', 'examples/fib.wat', '--invoke', 'fib', '25', '--gas', '1000', '--verbose');
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^\s+at /m);
    const j = detwasm('validate', file('bad.wasm', [1, 2, 3]), '--json');
    expect(j.code).toBe(3);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, error: { kind: 'compile', code: 'malformed', exitCode: 3 } });
  });
});

describe('wast', () => {
  const MODULE = `(module
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))
  (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
  (assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
  (assert_invalid (module (func (result i32))) "type mismatch")
  `;

  test('passing scripts: per-file line and totals, exit 0', () => {
    const ok = file('ok.wast', MODULE);
    const r = detwasm('wast', ok, '--gas', '1000000');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ok.wast: 4 passed, 0 failed, 0 skipped\n4 passed, 0 failed, 0 skipped\n');
  });

  test('a failing assertion: exit 8 and the failure shown', () => {
    const bad = file('bad.wast', MODULE + '(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 4))\n');
    const r = detwasm('wast', bad);
    expect(r.code).toBe(8);
    expect(r.stdout).toMatch(/^bad\.wast: 4 passed, 1 failed, 0 skipped\n +line 7 \(assert_return\): .*4.*\n4 passed, 1 failed, 0 skipped\n$/);
  });

  test('a missing script is an I/O error (7) before anything runs', () => {
    const r = detwasm('wast', file('fine.wast', MODULE), 'missing.wast');
    expect(r.code).toBe(7);
    expect(r.stdout).toBe('');
    expect(oneLine(r.stderr)).toBe('detwasm: cannot read missing.wast: no such file');
  });
});

describe('without the optional wabt package', () => {
  // The built CLI copied to a directory with no node_modules above it: what a user
  // of an installed detwasm gets when wabt (a devDependency) is not installed.
  let bare: string;
  const bareRun = (...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(bare, 'bin/detwasm.js'), ...args], { cwd: bare, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  beforeAll(() => {
    bare = fs.mkdtempSync(path.join(os.tmpdir(), 'detwasm-nowabt-'));
    for (const d of ['dist/cjs/src', 'dist/cjs/spec-tests', 'bin', 'examples']) {
      fs.cpSync(path.join(ROOT, d), path.join(bare, d), { recursive: true });
    }
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(bare, 'package.json'));
    fs.writeFileSync(path.join(bare, 't.wast'), '(module (func (export "f") (result i32) i32.const 1))\n(assert_return (invoke "f") (i32.const 1))\n');
    // the premise: wabt cannot be resolved from there
    const probe = spawnSync(process.execPath, ['-e', 'require.resolve("wabt")'], { cwd: bare, encoding: 'utf8' });
    expect(probe.status).not.toBe(0);
  });
  afterAll(() => fs.rmSync(bare, { recursive: true, force: true }));

  test('.wat input: exit 7 and a message that names the package and the fix', () => {
    const r = bareRun('run', 'examples/fib.wat', '--invoke', 'fib', '3');
    expect(r.code).toBe(7);
    expect(oneLine(r.stderr)).toBe(
      'detwasm: examples/fib.wat: converting WebAssembly text (.wat) needs the "wabt" package, which is not installed: run "npm install wabt", or pass a .wasm binary',
    );
    const j = bareRun('validate', 'examples/fib.wat', '--json');
    expect(j.code).toBe(7);
    expect(JSON.parse(j.stdout).error).toMatchObject({ kind: 'missing_package', code: 'wabt', exitCode: 7 });
    // binaries need no wabt
    expect(bareRun('run', 'examples/fib.wasm', '--invoke', 'fib', '10')).toMatchObject({ code: 0, stdout: '55\n' });
  });

  test('wast: exit 7 before running anything (not a failed assertion)', () => {
    const r = bareRun('wast', 't.wast');
    expect(r.code).toBe(7);
    expect(r.stdout).toBe('');
    expect(oneLine(r.stderr)).toBe('detwasm: t.wast: running .wast scripts needs the "wabt" package, which is not installed: run "npm install wabt"');
  });
});

describe('validate, inspect, help', () => {
  test('validate a valid module', () => {
    expect(detwasm('validate', 'examples/hash.wasm')).toMatchObject({ code: 0, stdout: 'examples/hash.wasm: valid\n' });
  });

  test('inspect lists imports, exports with types, sections and the compile cost', () => {
    const r = detwasm('inspect', 'examples/host.wasm');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('imports (3):\n  env.log: func (i32, i32) -> ()\n  env.charge: func (i32) -> ()\n  env.random: func () -> (i64)\n');
    expect(r.stdout).toContain('  memory: memory 1.. pages\n');
    expect(r.stdout).toContain('  divide: func (i32, i32) -> (i32)\n');
    expect(r.stdout).toMatch(/^functions: 4 defined \(\d+ bytes of code\), 3 imported$/m);
    expect(r.stdout).toMatch(/^  code +offset 0x[0-9a-f]{4} +\d+ bytes$/m);
    expect(r.stdout).toMatch(/^compile cost: \d+ gas$/m);
  });

  test('--help documents the exit codes; --version', () => {
    const r = detwasm('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Exit codes: 0 ok, 1 internal error, 2 usage, 3 compile error');
    expect(detwasm('--version').stdout).toMatch(/^detwasm \d+\.\d+\.\d+\n$/);
  });
});

describe('run --profile / --trace', () => {
  test('on the bench corpus, the per-function self gas (with instantiation) sums exactly to the gas used', () => {
    for (const [name, n] of [['fib', '1'], ['sha256', '2'], ['sort', '1'], ['vm', '1'], ['indirect', '1'], ['bulk', '1'], ['mixed', '1'], ['nbody', '2'], ['lz', '1']]) {
      const out = path.join(os.tmpdir(), `detwasm-profile-${process.pid}-${name}.folded`);
      const r = detwasm('run', `bench/corpus/${name}.wasm`, '--invoke', 'run', n, '--gas', '1000000000', '--profile=1000', '--profile-out', out, '--features', 'floats');
      expect([name, r.code]).toEqual([name, 0]);
      const used = Number(/gas used: (\d+) of/.exec(r.stderr)![1]);
      const rows = r.stderr.split('\n').filter((l) => /^\s+\d+\s+[\d.]+%/.test(l));
      const self = rows.reduce((s, l) => s + Number(l.trim().split(/\s+/)[0]), 0);
      expect([name, self]).toEqual([name, used]);
      const folded = fs.readFileSync(out, 'utf8').trim().split('\n').reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      expect([name, folded]).toEqual([name, used]);
      fs.rmSync(out);
    }
  });

  test('--trace=N prints the first N instructions, then says it stopped; bad values are usage errors', () => {
    const r = detwasm('run', 'examples/fib.wat', '--invoke', 'fib', '10', '--gas', '100000', '--trace=5');
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('trace: '));
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^trace: func 0 \(fib\) @0 gas k=\d+ gas=100000$/);
    expect(lines[5]).toBe('trace: (stopped after 5 instructions)');
    expect(detwasm('run', 'examples/fib.wat', '--trace=0').code).toBe(2);
    expect(detwasm('validate', 'examples/fib.wat', '--profile').code).toBe(2);
  });
});
