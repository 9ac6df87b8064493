/**
 * The WASI example programs (examples/wasi) through the built package:
 * identical stdout, stderr, files, exit codes and gas in two fresh Node
 * processes; the same stdout and files under Node's own `node:wasi` over a
 * real temporary directory (except the lines that show clocks and random
 * bytes); and the `detwasm run` CLI with --dir, --env, arguments and exit codes.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, requireBuild } from './helpers.js';
import { CASES, EXAMPLES, INFO_CLOCK_AND_RANDOM_LINES, type Case } from '../src/wasi/testutil.js';

const BIN = path.join(ROOT, 'bin/detwasm.js');
let tmp: string;

beforeAll(() => {
  requireBuild();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'detwasm-wasi-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Every file (path → UTF-8 text) and directory under `dir`, with paths as the guest sees them under `guest`. */
function readReal(dir: string, guest: string): { files: Record<string, string>; dirs: string[] } {
  const files: Record<string, string> = {}, dirs: string[] = [guest];
  const walk = (d: string, g: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (fs.statSync(p).isDirectory()) {
        dirs.push(`${g}/${name}`);
        walk(p, `${g}/${name}`);
      } else files[`${g}/${name}`] = fs.readFileSync(p, 'latin1');
    }
  };
  walk(dir, guest);
  return { files, dirs };
}

/** A fresh real directory holding a case's /data. */
function realData(c: Case, name: string): string {
  const dir = path.join(tmp, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [p, content] of Object.entries(c.data)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), content);
  }
  return dir;
}

const latin1 = (files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).map(([p, t]) => [p, Buffer.from(t, 'utf8').toString('latin1')]));

describe('two fresh processes', () => {
  const SCRIPT = `
    const { runWasi } = require(${JSON.stringify(path.join(ROOT, 'dist/cjs/src/wasi/index.js'))});
    const fs = require('fs');
    const cases = JSON.parse(process.argv[1]);
    const out = {};
    for (const [name, c] of Object.entries(cases)) {
      const r = runWasi(new Uint8Array(fs.readFileSync(${JSON.stringify(EXAMPLES)} + '/' + c.program + '.wasm')),
        { args: c.args, env: c.env, preopens: { '/data': c.data }, budget: 1e12 });
      const b64 = (u) => Buffer.from(u).toString('base64');
      out[name] = { exitCode: r.exitCode, stdout: b64(r.stdout), stderr: b64(r.stderr), gasUsed: r.gasUsed,
        files: Object.fromEntries(Object.entries(r.files).map(([p, b]) => [p, b64(b)])), directories: r.directories };
    }
    console.log(JSON.stringify(out));`;

  test('the same stdout, stderr, files, exit codes and gas in both, and the expected ones', () => {
    const once = () => {
      const r = spawnSync(process.execPath, ['-e', SCRIPT, JSON.stringify(CASES)], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout);
    };
    const a = once(), b = once();
    expect(b).toEqual(a);
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
    for (const [name, c] of Object.entries(CASES)) {
      expect([name, a[name].stdout, a[name].stderr, a[name].exitCode]).toEqual([name, b64(c.stdout), b64(c.stderr), c.exitCode]);
      expect(a[name].files).toEqual(Object.fromEntries(Object.entries(c.files).map(([p, t]) => [p, b64(t)])));
      expect(a[name].gasUsed).toBeGreaterThan(0);
    }
  });
});

describe('the browser scenario (test/fixtures/scenario.mjs, run in Chromium by test/browser.test.ts)', () => {
  test('runs the same programs with the same inputs and, in Node, gives the expected output', () => {
    const esm = (f: string) => JSON.stringify(new URL('file://' + path.join(ROOT, f)).href);
    const script = `
      import * as detwasm from ${esm('dist/esm/index.js')};
      import * as compat from ${esm('dist/esm/compat.js')};
      import { scenario, WASI_RUNS } from ${esm('test/fixtures/scenario.mjs')};
      import { readFileSync } from 'node:fs';
      const load = async (name) => new Uint8Array(readFileSync(${JSON.stringify(path.join(ROOT, 'examples'))} + '/' + name));
      console.log(JSON.stringify({ runs: WASI_RUNS, wasi: (await scenario(detwasm, compat, load)).wasi }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const { runs, wasi } = JSON.parse(r.stdout);
    const inputs = Object.fromEntries(Object.entries(CASES).map(([k, c]) => [k, { program: c.program, args: c.args, env: c.env, data: c.data }]));
    expect(runs).toEqual(inputs);
    for (const [name, c] of Object.entries(CASES)) {
      expect(wasi[name]).toEqual({ exitCode: c.exitCode, stdout: c.stdout, stderr: c.stderr, files: c.files, gasUsed: expect.stringMatching(/^[1-9]\d*$/) });
    }
  });
});

describe("Node's node:wasi (real files, real clocks and randomness)", () => {
  const SCRIPT = `
    const { WASI } = require('node:wasi');
    const fs = require('fs');
    const [file, json, dir] = process.argv.slice(1);
    const c = JSON.parse(json);
    const wasi = new WASI({ version: 'preview1', args: c.args, env: c.env, preopens: { '/data': dir }, returnOnExit: true });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(file)), wasi.getImportObject());
    process.exitCode = wasi.start(instance);`;

  /** info's lines that show the clocks or random bytes: they differ under node:wasi by design. */
  const deterministicLines = (name: string, out: string) =>
    name === 'info' ? out.split('\n').filter((l) => !INFO_CLOCK_AND_RANDOM_LINES.some((p) => l.startsWith(p))).join('\n') : out;

  test.each(Object.keys(CASES))('%s: the same stdout, stderr, exit code and files as detwasm', (name) => {
    const c = CASES[name];
    const dir = realData(c, `node-${name}`);
    const r = spawnSync(process.execPath, ['--no-warnings', '-e', SCRIPT, path.join(EXAMPLES, c.program + '.wasm'), JSON.stringify(c), dir], { encoding: 'utf8' });
    expect(deterministicLines(name, r.stdout)).toBe(deterministicLines(name, c.stdout));
    expect(r.stderr).toBe(c.stderr);
    expect(r.status).toBe(c.exitCode);
    expect(readReal(dir, '/data').files).toEqual(latin1(c.files));
    if (name === 'info') {
      // the lines left out above are there, in the same shape
      for (const prefix of INFO_CLOCK_AND_RANDOM_LINES) expect(r.stdout).toMatch(new RegExp(`^${prefix.replace(/[.]/g, '\\.')}`, 'm'));
      expect(r.stdout).toMatch(/^random=[0-9a-f]{32}$/m);
    }
  });
});

describe('detwasm run (WASI programs)', () => {
  function detwasm(args: string[], input?: string) {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', input });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  test.each(Object.keys(CASES))('%s: --dir, --env and arguments; stdout/stderr passed through, exit code = the program\'s, files written back', (name) => {
    const c = CASES[name];
    const dir = realData(c, `cli-${name}`);
    const env = Object.entries(c.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
    // argv[0] is the file name as given on the command line
    const file = path.relative(ROOT, path.join(EXAMPLES, c.program + '.wasm'));
    const r = detwasm(['run', file, '--dir', `${dir}:/data`, ...env, '--', ...c.args.slice(1)]);
    const expected = name === 'info' ? c.stdout.replace('argv[0]=info', `argv[0]=${file}`) : c.stdout;
    expect([r.stdout, r.stderr, r.code]).toEqual([expected, c.stderr, c.exitCode]);
    expect(readReal(dir, '/data').files).toEqual(latin1(c.files));
  });

  test('--gas: the same gas on every run, reported on stderr with the floats setting; out of gas is exit code 6', () => {
    const c = CASES.wc;
    const gas = () => {
      const r = detwasm(['run', 'examples/wasi/wc.wasm', '--dir', `${realData(c, 'gas')}:/data`, '--gas', '1000000000', '--', '/data/input.txt']);
      expect(r.code).toBe(0);
      const m = /^detwasm: WASI exit code 0, gas used: (\d+) of 1000000000, deterministic floats on, run [\d.]+ ms$/m.exec(r.stderr);
      expect(m).not.toBeNull();
      return m![1];
    };
    expect(gas()).toBe(gas());
    const r = detwasm(['run', 'examples/wasi/wc.wasm', '--gas', '1000', '--', '/x']);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^detwasm: examples\/wasi\/wc.wasm: _start: out of gas in function \d+/);
  });

  test('stdin is passed to the program; --json reports the exit code', () => {
    const r = detwasm(['run', 'examples/wasi/wc.wasm'], 'one two\nthree\n');
    expect([r.stdout, r.code]).toEqual(['      2       3      14 -\n', 0]);
    const j = detwasm(['run', 'examples/wasi/exit.wasm', '--json', '--', '4']);
    expect(j.code).toBe(4);
    const last = JSON.parse(j.stdout.trim().split('\n').pop()!);
    expect(last).toMatchObject({ ok: true, wasi: true, exitCode: 4, floats: true });
  });

  test('a WASI reactor called with --invoke gets the WASI imports after _initialize', () => {
    const reactor = path.join(tmp, 'reactor.wat');
    fs.writeFileSync(reactor, `(module
      (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (global $ready (mut i32) (i32.const 0))
      (data (i32.const 16) "hi from a reactor\\n")
      (func (export "_initialize") (global.set $ready (i32.const 1)))
      (func (export "hello") (param $n i32) (result i32)
        (i32.store (i32.const 0) (i32.const 16))
        (i32.store (i32.const 4) (local.get $n))
        (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (i32.add (global.get $ready) (i32.load (i32.const 8)))))`);
    const r = detwasm(['run', reactor, '--invoke', 'hello', '18']);
    expect([r.code, r.stdout]).toEqual([0, 'hi from a reactor\n19\n']);
    // without --invoke it is only instantiated (it has no _start), as any module
    const i = detwasm(['run', reactor]);
    expect([i.code, i.stdout, i.stderr]).toEqual([0, '', expect.stringContaining('no --invoke given (exported functions: _initialize, hello)')]);
    expect(detwasm(['run', reactor, 'x'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/arguments given without --invoke/) });
  });

  test('usage errors: WASI options for a non-WASI module, arguments without --invoke, a missing directory', () => {
    expect(detwasm(['run', 'examples/fib.wasm', '--env', 'A=1'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--dir and --env are for WASI programs/) });
    expect(detwasm(['run', 'examples/fib.wasm', '1'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/arguments given without --invoke/) });
    expect(detwasm(['run', 'examples/wasi/wc.wasm', '--dir', path.join(tmp, 'nope') + ':/d'])).toMatchObject({ code: 7, stderr: expect.stringMatching(/cannot read directory/) });
  });
});
