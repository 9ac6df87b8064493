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

/** V8's bytecode listing (--print-bytecode) of the functions named `fn`, after compiling and running a small module. */
function bytecode(fn: string): string {
  const script = `
    const { Engine, Store } = require(${JSON.stringify(path.join(ROOT, 'dist/cjs/src/index.js'))});
    const e = new Engine();
    // (module (func (export "f") (result i32) i32.const 1))
    const bytes = new Uint8Array([0,97,115,109,1,0,0,0,1,5,1,96,0,1,127,3,2,1,0,7,5,1,1,102,0,0,10,6,1,4,0,65,1,11]);
    new Store(e).instantiate(e.compile(bytes)).exports.f();`;
  return execFileSync(process.execPath, ['--print-bytecode', `--print-bytecode-filter=${fn}`, '-e', script], {
    encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'],
  });
}

function bytecodeLength(fn: string): number {
  const out = bytecode(fn);
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

// A switch over number-literal labels becomes a jump table (one indexed jump)
// only when its labels are dense (V8: spread < 3x the number of labels);
// otherwise V8 compares label after label, ~50 compares per instruction for
// the translator (measured: compile 10-15% slower). A case added far from the
// others silently turns the jump table off: these pin it.
test.each([
  ['exec', 'the execution loop'],
  ['instr', "the compiler's per-instruction translation"],
  ['validate', "the validator's per-instruction check"],
])('%s (%s) dispatches through a jump table', (fn) => {
  requireBuild();
  expect(bytecode(fn)).toMatch(/SwitchOnSmiNoFeedback/);
});
