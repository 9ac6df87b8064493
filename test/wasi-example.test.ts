/** The WASI example (examples/wasi.mjs) and programs (examples/wasi/) stay runnable and match the README. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, requireBuild } from './helpers.js';

test('examples/wasi.mjs: C programs under detwasm/wasi, the same output twice, shown in the README', () => {
  requireBuild();
  const run = () => execFileSync(process.execPath, [path.join(ROOT, 'examples/wasi.mjs')], { cwd: ROOT, encoding: 'utf8' });
  const out = run();
  const lines = out.trimEnd().split('\n');
  expect(lines.slice(0, 3)).toEqual([
    '      5       8      41 /data/poem.txt',
    '      1       2      12 /data/notes/todo.txt',
    '      6      10      53 total',
  ]);
  expect(lines[3]).toMatch(/^exit code 0, gas used \d+$/);
  expect(lines[4]).toMatch(/^files: exit code 0, 24 lines of output, gas used \d+$/);
  expect(lines.slice(5, 8)).toEqual([
    '  /data/in.txt: "x"', '  /data/new.txt: "written by files.c\\n"', '  /data/out/renamed.txt: "line #: 1 squared is 1\\nline 2: 2 squared"',
  ]);
  // clock start 0 with a 1 µs step, seed 7
  expect(lines.slice(8)).toEqual(['realtime=0.000001000', 'date=1970-01-01 00:00:00 UTC', expect.stringMatching(/^random=[0-9a-f]{32}$/)]);
  expect(run()).toBe(out);
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  expect(readme).toContain('```text\n' + out + '```');
  // the README's code excerpt in "WASI" is the example's own
  const section = readme.slice(readme.indexOf('## WASI'), readme.indexOf('## Configuration'));
  const excerpt = /^```js\n([\s\S]*?)^```$/m.exec(section)![1];
  const source = fs.readFileSync(path.join(ROOT, 'examples/wasi.mjs'), 'utf8');
  for (const line of excerpt.split('\n').filter((l) => l.trim() !== '')) expect({ line, inExample: source.includes(line) }).toEqual({ line, inExample: true });
});

test('examples/wasi: every C program has its built .wasm, a WASI command with float code', () => {
  const dir = path.join(ROOT, 'examples/wasi');
  const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.c')).sort();
  expect(sources).toEqual(['exit.c', 'files.c', 'info.c', 'wc.c']);
  for (const c of sources) {
    const m = new WebAssembly.Module(fs.readFileSync(path.join(dir, c.replace(/\.c$/, '.wasm'))));
    expect(WebAssembly.Module.exports(m).map((e) => e.name)).toContain('_start');
    expect(new Set(WebAssembly.Module.imports(m).map((i) => i.module))).toEqual(new Set(['wasi_snapshot_preview1']));
  }
  expect(fs.readFileSync(path.join(dir, 'build.sh'), 'utf8')).toContain('--target=wasm32-wasi');
});
