/**
 * The package as users get it: `npm pack`, unpacked into a temporary
 * node_modules, then loaded by name with `require` and with ESM `import` in
 * fresh Node processes; plus the self-reference from inside the repo.
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

  beforeAll(() => {
    requireBuild();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'detwasm-pkg-'));
    const packOut = execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const tarball = path.join(tmp, JSON.parse(packOut)[0].filename);
    installed = path.join(tmp, 'node_modules', 'detwasm');
    fs.mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['xzf', tarball, '-C', installed, '--strip-components=1']);
  });

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the tarball ships dist, bin, examples and README, not sources or tests', () => {
    const has = (p: string) => fs.existsSync(path.join(installed, p));
    expect({
      cjs: has('dist/cjs/src/index.js'), esm: has('dist/esm/index.js'), esmType: has('dist/esm/package.json'),
      cli: has('dist/cjs/src/cli/main.js'), bin: has('bin/detwasm.js'), example: has('examples/fib.wat'),
      readme: has('README.md'), src: has('src'), test: has('test'),
    }).toEqual({ cjs: true, esm: true, esmType: true, cli: true, bin: true, example: true, readme: true, src: false, test: false });
    expect(JSON.parse(fs.readFileSync(path.join(installed, 'dist/esm/package.json'), 'utf8'))).toEqual({ type: 'module' });
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
  });

  test('TypeScript consumers get the declarations through the exports map (ESM and CommonJS)', () => {
    fs.writeFileSync(path.join(tmp, 'a.mts'), [
      "import { Engine, Store, Trap, type Features } from 'detwasm';",
      "import { WebAssembly, instantiate, type Module } from 'detwasm/compat';",
      'const e: Engine = new Engine({ features: { bulkMemory: false } as Partial<Features> });',
      'const s = new Store(e, { gas: 10 });',
      'const p: Promise<{ module: Module; instance: InstanceType<typeof WebAssembly.Instance> }> = instantiate(new Uint8Array(8));',
      // If the declarations were missing or `any`, this directive would be unused: error TS2578.
      '// @ts-expect-error an Engine is not a number',
      'const n: number = new Engine();',
      'void s; void p; void Trap; void n;',
    ].join('\n'));
    fs.writeFileSync(path.join(tmp, 'b.cts'), [
      "import d = require('detwasm');",
      "import c = require('detwasm/compat');",
      'const ok: boolean = c.WebAssembly.validate(new Uint8Array(8));',
      '// @ts-expect-error a Store is not a string',
      'const str: string = new d.Store(new d.Engine());',
      'void ok; void str;',
    ].join('\n'));
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    const r = spawnSync(process.execPath, [
      tsc, '--noEmit', '--strict', '--skipLibCheck', '--lib', 'es2022,dom', '--types', 'node',
      '--typeRoots', path.join(ROOT, 'node_modules/@types'), '--module', 'node16', '--moduleResolution', 'node16', 'a.mts', 'b.cts',
    ], { cwd: tmp, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
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
