#!/usr/bin/env node
// The `detwasm` command: a shim that loads the compiled CLI (npm run build).
'use strict';
let cli;
try {
  cli = require('../dist/cjs/src/cli/main.js');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes('cli/main.js')) {
    process.stderr.write('detwasm: the CLI is not built; run `npm run build` first\n');
    process.exit(1);
  }
  throw e;
}
// `detwasm run ... | head -1`: a closed pipe ends the output quietly, without a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
