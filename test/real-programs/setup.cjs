/**
 * Shared by the real-program scenarios: `node SCENARIO.cjs native|detwasm DIST_DIR`.
 * With `detwasm`, the global `WebAssembly` is replaced by `detwasm/compat` (from
 * the built DIST_DIR) before the package is loaded, so the package's own JS glue
 * compiles and runs its wasm on detwasm (floats on: the compat default).
 * Transcript lines go to stdout; the test compares both runs.
 */
'use strict';
const path = require('path');

const [engine, distDir] = process.argv.slice(2);
if (engine === 'detwasm') {
  const compat = require(path.join(distDir, 'cjs/src/compat.js'));
  globalThis.WebAssembly = compat.WebAssembly;
} else if (engine !== 'native') {
  throw new Error(`usage: SCENARIO.cjs native|detwasm DIST_DIR (got ${engine})`);
}

const lines = [];
/** Adds one transcript line. */
function log(...parts) {
  lines.push(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)))).join(' '));
}
/** Prints the transcript (call once at the end). */
function done() {
  process.stdout.write(lines.join('\n') + '\n');
}
module.exports = { engine, log, done };
