// Marks dist/esm as an ES module tree so Node loads its .js files as ESM.
const fs = require('fs');
fs.writeFileSync('dist/esm/package.json', JSON.stringify({ type: 'module' }) + '\n');
