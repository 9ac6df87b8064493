/**
 * The package as users get it: `npm pack`, installed with `npm install
 * --offline` into an empty temporary project, then loaded by name with
 * `require` and with ESM `import` in fresh Node processes, type-checked by
 * tsc under every module resolution, and its CLI run; plus the
 * self-reference from inside the repo.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, requireBuild } from './helpers.js';

// (module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
const ADD = [0, 97, 115, 109, 1, 0, 0, 0, 1, 7, 1, 96, 2, 127, 127, 1, 127, 3, 2, 1, 0, 7, 7, 1, 3, 97, 100, 100, 0, 0, 10, 9, 1, 7, 0, 32, 0, 32, 1, 106, 11];
const BYTES = `new Uint8Array(${JSON.stringify(ADD)})`;

function node(cwd: string, args: string[]): string {
  return execFileSync(process.execPath, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

const CJS = `
  const d = require('detwasm');
  const { WebAssembly: W, Module, Instance } = require('detwasm/compat');
  const engine = new d.Engine();
  const store = new d.Store(engine, { gas: 1000 });
  const i = store.instantiate(engine.compile(${BYTES}), {});
  const c = new Instance(new Module(${BYTES}), {});
  console.log(JSON.stringify([i.exports.add(2, 3), c.exports.add(4, 5), W.validate(${BYTES}), typeof d.Trap, require('detwasm/package.json').name]));`;

const ESM = `
  import { Engine, Store, Trap } from 'detwasm';
  import { WebAssembly as W, Module, Instance } from 'detwasm/compat';
  import compatDefault from 'detwasm/compat';
  const engine = new Engine();
  const i = new Store(engine, { gas: 1000 }).instantiate(engine.compile(${BYTES}), {});
  const { instance } = await W.instantiate(${BYTES});
  console.log(JSON.stringify([i.exports.add(2, 3), instance.exports.add(4, 5), compatDefault === W, typeof Trap, new Instance(new Module(${BYTES})).exports.add(1, 1)]));`;

const EXPECTED_CJS = JSON.stringify([5, 9, true, 'function', 'detwasm']);
const EXPECTED_ESM = JSON.stringify([5, 9, true, 'function', 2]);

describe('package', () => {
  let tmp: string;
  let installed: string;
  let packInfo: { filename: string; size: number; unpackedSize: number; entryCount: number };

  beforeAll(() => {
    requireBuild();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'detwasm-pkg-'));
    const packOut = execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    packInfo = JSON.parse(packOut)[0];
    const tarball = path.join(tmp, packInfo.filename);
    // Installed as a user would, into an empty project; offline: the package has no dependencies.
    fs.writeFileSync(path.join(tmp, 'package.json'), '{ "private": true }\n');
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    installed = path.join(tmp, 'node_modules', 'detwasm');
  });

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the tarball ships the library, CLI, types, README, LICENSE and examples only', () => {
    const has = (p: string) => fs.existsSync(path.join(installed, p));
    expect({
      cjs: has('dist/cjs/src/index.js'), esm: has('dist/esm/index.js'), esmType: has('dist/esm/package.json'),
      types: has('dist/cjs/src/index.d.ts') && has('dist/esm/index.d.ts'), compatFolder: has('compat/package.json'),
      cli: has('dist/cjs/src/cli/main.js'), bin: has('bin/detwasm.js'), example: has('examples/fib.wat'),
      readme: has('README.md'), license: has('LICENSE'), src: has('src'), test: has('test'),
      bench: has('dist/cjs/bench') || has('bench'), spec: has('dist/cjs/spec-tests') || has('spec-tests'),
    }).toEqual({
      cjs: true, esm: true, esmType: true, types: true, compatFolder: true, cli: true, bin: true, example: true,
      readme: true, license: true, src: false, test: false, bench: false, spec: false,
    });
    expect(JSON.parse(fs.readFileSync(path.join(installed, 'dist/esm/package.json'), 'utf8'))).toEqual({ type: 'module' });
    expect(fs.readFileSync(path.join(installed, 'LICENSE'), 'utf8')).toContain('Apache License');
    // No source maps (their sources are not shipped), and no reference to one.
    const maps: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.map') || (e.name.endsWith('.js') && fs.readFileSync(p, 'utf8').includes('sourceMappingURL'))) {
          maps.push(path.relative(installed, p));
        }
      }
    };
    walk(path.join(installed, 'dist'));
    expect(maps).toEqual([]);
  });

  test('the README states the packed size', () => {
    const kb = (n: number) => Math.round(n / 1024);
    const line = (size: number, unpacked: number, files: number) => `\`npm pack\`: ${size} kB packed, ${unpacked} kB unpacked, ${files} files`;
    const m = /`npm pack`: (\d+) kB packed, (\d+) kB unpacked, (\d+) files/.exec(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\n/g, ' '));
    expect(m).not.toBeNull();
    const [stated, actual] = [[Number(m![1]), Number(m![2]), Number(m![3])], [kb(packInfo.size), kb(packInfo.unpackedSize), packInfo.entryCount]];
    // Within 10% (the README is rounded and changes with the code); else the failure shows the line to write.
    const close = stated.every((v, i) => Math.abs(v - actual[i]) <= actual[i] / 10);
    expect(close ? line(actual[0], actual[1], actual[2]) : line(stated[0], stated[1], stated[2])).toBe(line(actual[0], actual[1], actual[2]));
  });

  test('require() by package name (CommonJS)', () => {
    expect(node(tmp, ['-e', CJS])).toBe(EXPECTED_CJS);
  });

  test('import by package name (ESM)', () => {
    expect(node(tmp, ['--input-type=module', '-e', ESM])).toBe(EXPECTED_ESM);
  });

  test('self-reference from inside the repo, both module systems', () => {
    expect(node(ROOT, ['-e', CJS])).toBe(EXPECTED_CJS);
    expect(node(ROOT, ['--input-type=module', '-e', ESM])).toBe(EXPECTED_ESM);
  });

  test('the installed bin runs', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ detwasm: 'bin/detwasm.js' });
    expect(fs.readFileSync(path.join(installed, pkg.bin.detwasm), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(node(tmp, [path.join(installed, pkg.bin.detwasm), '--version'])).toBe(`detwasm ${pkg.version}`);
    expect(node(tmp, [path.join(installed, pkg.bin.detwasm), 'run', path.join(installed, 'examples/fib.wasm'), '--invoke', 'fib', '10'])).toBe('55');
    // The command npm linked, as `npx detwasm` runs it.
    const out = execFileSync(path.join(tmp, 'node_modules/.bin/detwasm'), ['run', 'node_modules/detwasm/examples/fib.wasm', '--invoke', 'fib', '20', '--gas', '1000000'], { cwd: tmp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe('6765\n');
  });

  /** Runs tsc (strict) on `files` in the temp project; returns its output ('' when clean). */
  function tsc(files: string[], options: string[]): string {
    const r = spawnSync(process.execPath, [
      path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--skipLibCheck', '--lib', 'es2022,dom',
      '--target', 'es2022', '--types', 'node', '--typeRoots', path.join(ROOT, 'node_modules/@types'), ...options, ...files,
    ], { cwd: tmp, encoding: 'utf8' });
    return (r.stdout + r.stderr).trim() + (r.status === 0 ? '' : `\n(exit ${r.status})`);
  }

  /** A consumer of both entry points; each @ts-expect-error fails (TS2578) if the types were missing or `any`. */
  const CONSUMER_ESM = [
    "import { Engine, Store, Trap, Memory, HostFunc, type Features, type ExportValue } from 'detwasm';",
    "import { WebAssembly, instantiate, RuntimeError, type Module } from 'detwasm/compat';",
    'const e: Engine = new Engine({ features: { bulkMemory: false } as Partial<Features> });',
    'const s = new Store(e, { gas: 10 });',
    'const p: Promise<{ module: Module; instance: InstanceType<typeof WebAssembly.Instance> }> = instantiate(new Uint8Array(8));',
    'const i = s.instantiate<{ add: (a: number, b: number) => number; memory: Memory }>(e.compile(new Uint8Array(8)));',
    'const sum: number = i.exports.add(1, 2);',
    'const v: ExportValue = s.instantiate(e.compile(new Uint8Array(8))).exports.x;',
    '// @ts-expect-error an export is not known to be callable without narrowing',
    'v(1);',
    '// @ts-expect-error an Engine is not a number',
    'const n: number = new Engine();',
    'const r: Trap = new RuntimeError("x");',
    '// @ts-expect-error a host function\'s i64 argument is a bigint',
    "new HostFunc({ params: ['i32', 'i64'], results: [] }, (_caller, a, b) => { const n: number = b; return a + n; });",
    'void s; void p; void Trap; void n; void sum; void r;',
  ].join('\n');
  const CONSUMER_CJS = [
    "import d = require('detwasm');",
    "import c = require('detwasm/compat');",
    'const ok: boolean = c.WebAssembly.validate(new Uint8Array(8));',
    '// @ts-expect-error a Store is not a string',
    'const str: string = new d.Store(new d.Engine());',
    'void ok; void str;',
  ].join('\n');

  test('TypeScript: both entry points resolve with types under node16, nodenext, bundler and node10', () => {
    fs.writeFileSync(path.join(tmp, 'a.mts'), CONSUMER_ESM);
    fs.writeFileSync(path.join(tmp, 'b.cts'), CONSUMER_CJS);
    fs.writeFileSync(path.join(tmp, 'c.ts'), CONSUMER_ESM);
    fs.writeFileSync(path.join(tmp, 'd.ts'), CONSUMER_CJS);
    expect({
      node16: tsc(['a.mts', 'b.cts'], ['--module', 'node16', '--moduleResolution', 'node16']),
      nodenext: tsc(['a.mts', 'b.cts'], ['--module', 'nodenext', '--moduleResolution', 'nodenext']),
      bundler: tsc(['c.ts'], ['--module', 'esnext', '--moduleResolution', 'bundler']),
      node10: tsc(['c.ts', 'd.ts'], ['--module', 'commonjs', '--moduleResolution', 'node10']),
    }).toEqual({ node16: '', nodenext: '', bundler: '', node10: '' });
  });

  test('node10 resolution uses the compat/ folder for detwasm/compat', () => {
    fs.writeFileSync(path.join(tmp, 'e.ts'), CONSUMER_CJS);
    expect(tsc(['e.ts'], ['--module', 'commonjs', '--moduleResolution', 'node10', '--traceResolution']))
      .toContain("Module name 'detwasm/compat' was successfully resolved to '" + path.join(fs.realpathSync(installed), 'dist/cjs/src/compat.d.ts') + "'");
  });

  test("the README's TypeScript examples compile under strict against the package", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    // Free variables the examples use: the module binary and an import object.
    fs.writeFileSync(path.join(tmp, 'readme-globals.d.ts'),
      'declare const bytes: Uint8Array<ArrayBuffer>;\ndeclare const imports: Record<string, Record<string, unknown>>;\n');
    const files = blocks.map((code, i) => {
      const name = `readme-${i}.mts`;
      fs.writeFileSync(path.join(tmp, name), code + '\nexport {};\n');
      return name;
    });
    expect(tsc(['readme-globals.d.ts', ...files], ['--module', 'node16', '--moduleResolution', 'node16'])).toBe('');
  });

  test('detwasm/wasi by package name: require and import run a WASI program shipped in examples/', () => {
    const prog = JSON.stringify(path.join(installed, 'examples/wasi/exit.wasm'));
    const cjs = `const { runWasi, Wasi, WasiExit } = require('detwasm/wasi');
      const r = runWasi(require('fs').readFileSync(${prog}), { args: ['exit', '3'] });
      console.log(JSON.stringify([r.exitCode, new TextDecoder().decode(r.stdout), typeof Wasi, typeof WasiExit]));`;
    const esm = `import { runWasi, Wasi, WasiExit } from 'detwasm/wasi';
      import { Engine } from 'detwasm';
      import { readFileSync } from 'node:fs';
      const r = runWasi(new Engine({ features: { floats: true } }).compile(readFileSync(${prog})), { args: ['exit', '3'] });
      console.log(JSON.stringify([r.exitCode, new TextDecoder().decode(r.stdout), typeof Wasi, typeof WasiExit]));`;
    const expected = JSON.stringify([3, 'exiting with 3\n', 'function', 'function']);
    expect(node(tmp, ['-e', cjs])).toBe(expected);
    expect(node(tmp, ['--input-type=module', '-e', esm])).toBe(expected);
    expect(fs.existsSync(path.join(installed, 'wasi/package.json'))).toBe(true);
  });

  test('detwasm/wasi types resolve under node16, bundler and node10 (through the wasi/ folder)', () => {
    const consumer = [
      "import { runWasi, Wasi, WasiExit, type WasiOptions, type WasiRunResult } from 'detwasm/wasi';",
      "const options: WasiOptions = { args: ['p'], env: { A: 'b' }, preopens: { '/d': { 'f.txt': 'x', sub: {} } }, clock: { step: 0n }, seed: 1 };",
      'const r: WasiRunResult = runWasi(new Uint8Array(8), { ...options, budget: 10 });',
      'const code: number = r.exitCode;',
      'const w = new Wasi(options);',
      "// @ts-expect-error exit codes are numbers",
      'const s: string = new WasiExit(1).code;',
      'void code; void w; void s;',
    ].join('\n');
    fs.writeFileSync(path.join(tmp, 'w.mts'), consumer);
    fs.writeFileSync(path.join(tmp, 'w.ts'), consumer);
    expect({
      node16: tsc(['w.mts'], ['--module', 'node16', '--moduleResolution', 'node16']),
      bundler: tsc(['w.ts'], ['--module', 'esnext', '--moduleResolution', 'bundler']),
      node10: tsc(['w.ts'], ['--module', 'commonjs', '--moduleResolution', 'node10']),
    }).toEqual({ node16: '', bundler: '', node10: '' });
    expect(tsc(['w.ts'], ['--module', 'commonjs', '--moduleResolution', 'node10', '--traceResolution']))
      .toContain("Module name 'detwasm/wasi' was successfully resolved to '" + path.join(fs.realpathSync(installed), 'dist/cjs/src/wasi/index.d.ts') + "'");
  });

  test('the ESM build of detwasm/wasi imports only its own relative modules (no node: or other packages)', () => {
    const dir = path.join(installed, 'dist/esm/wasi');
    const specifiers: string[] = [];
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.js'))) {
      const code = fs.readFileSync(path.join(dir, f), 'utf8');
      for (const m of code.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) specifiers.push(m[1]);
      expect({ f, node: /['"]node:|\brequire\(|\bprocess\.|\bBuffer\b/.test(code) }).toEqual({ f, node: false });
    }
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((s) => !s.startsWith('./') && !s.startsWith('../'))).toEqual([]);
  });

  test('the ESM build uses no Node-only API', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.js')) {
          const code = fs.readFileSync(p, 'utf8');
          for (const re of [/\brequire\(/, /\bprocess\./, /\bBuffer\b/, /from ['"](node:)?(fs|path|os|child_process|worker_threads|perf_hooks)['"]/]) {
            if (re.test(code)) offenders.push(`${path.relative(installed, p)}: ${re}`);
          }
        }
      }
    };
    walk(path.join(installed, 'dist/esm'));
    expect(offenders).toEqual([]);
  });
});
