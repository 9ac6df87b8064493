/** `detwasm inspect` of a WebAssembly 3.0 module (the built CLI, spawned): tags, memory64, typed references. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { wat3 } from '../validator/testutil.js';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin/detwasm.js');

test('inspect --features 3.0 describes tags, 64-bit memories and typed references', () => {
  if (!fs.existsSync(path.join(ROOT, 'dist/cjs/src/cli/main.js'))) throw new Error('run npm run build first');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'detwasm-inspect3-'));
  try {
    const [bytes] = wat3([`(module (type $t (func)) (import "m" "t" (tag (param i32)))
      (memory (export "mem") i64 1) (table (export "tab") 2 (ref null $t))
      (tag (export "e") (param i64 exnref)) (func (export "f") (param (ref $t))))`]);
    const file = path.join(tmp, 'm3.wasm');
    fs.writeFileSync(file, bytes);
    const r = spawnSync(process.execPath, [BIN, 'inspect', file, '--features', '3.0'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('imports (1):\n  m.t: tag (i32)\n');
    expect(r.stdout).toContain('  mem: memory i64 1.. pages\n  tab: table (ref null 0) 2..\n  e: tag (i64, exnref)\n  f: func ((ref 0)) -> ()\n');
    expect(r.stdout).toMatch(/^memories: 1, tables: 1, globals: 0, tags: 2, /m);
    expect(r.stdout).toMatch(/^ {2}tag +offset /m);
    // without the exceptions feature the tag import is malformed, as in WebAssembly 2.0
    const r2 = spawnSync(process.execPath, [BIN, 'inspect', file], { cwd: ROOT, encoding: 'utf8' });
    expect(r2.status).toBe(3);
    expect(r2.stderr).toContain('malformed import kind 0x4');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
