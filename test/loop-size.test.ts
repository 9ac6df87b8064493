/**
 * The execution loop stays within what V8 optimizes: TurboFan does not
 * optimize a function whose bytecode is longer than
 * --max-optimized-bytecode-size (61,440 bytes in Node 20 to 24), and an
 * interpreter loop that V8 does not optimize runs more than ten times slower
 * (measured: fib 16 ms -> 220 ms when the float cases first pushed exec to
 * 62,462 bytes). Rare ops live in execCold (isa.ts `cold`) for this reason.
 * Measured on the built package (npm test builds first).
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { ROOT, requireBuild } from './helpers.js';

const LIMIT = 61_440;

function bytecodeLength(fn: string): number {
  const script = `
    const { Engine, Store } = require(${JSON.stringify(path.join(ROOT, 'dist/cjs/src/index.js'))});
    const e = new Engine();
    // (module (func (export "f") (result i32) i32.const 1))
    const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,5,1,96,0,1,127,3,2,1,0,7,5,1,1,102,0,0,10,6,1,4,0,65,1,11]);
    new Store(e).instantiate(e.compile(bytes)).exports.f();`;
  const out = execFileSync(process.execPath, ['--print-bytecode', `--print-bytecode-filter=${fn}`, '-e', script], {
    encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'],
  });
  const m = /Bytecode length: (\d+)/.exec(out);
  if (!m) throw new Error(`no bytecode printed for ${fn}`);
  return Number(m[1]);
}

test('exec, the main loop, is short enough for V8 to optimize', () => {
  requireBuild();
  const n = bytecodeLength('exec');
  // a real measurement, not a placeholder
  expect(n).toBeGreaterThan(10_000);
  expect(n).toBeLessThan(LIMIT);
});
