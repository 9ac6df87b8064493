#!/usr/bin/env node
// Rebuilds examples/*.wasm from examples/*.wat with wabt (a devDependency).
// The .wasm files are committed so the examples run without wabt;
// test/examples.test.ts checks they are up to date.
'use strict';
const fs = require('fs');
const path = require('path');

async function watToWasm(wabt, file) {
  const text = fs.readFileSync(file, 'utf8');
  // wabt copies a JS string as ASCII: pass UTF-8 bytes instead.
  const mod = wabt.parseWat(path.basename(file), new Uint8Array(Buffer.from(text, 'utf8')), {
    multi_value: true, bulk_memory: true, reference_types: true, sign_extension: true, mutable_globals: true,
  });
  try {
    mod.resolveNames();
    mod.validate();
    // the name section keeps the $names, so traps say "in function 5 ($divide)"
    return mod.toBinary({ canonicalize_lebs: true, write_debug_names: true }).buffer;
  } finally {
    mod.destroy();
  }
}

async function main() {
  const wabt = await require('wabt')();
  const dir = __dirname;
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.wat')).sort()) {
    const out = path.join(dir, name.replace(/\.wat$/, '.wasm'));
    const bytes = Buffer.from(await watToWasm(wabt, path.join(dir, name)));
    if (check) {
      const old = fs.existsSync(out) ? fs.readFileSync(out) : null;
      if (!old || !old.equals(bytes)) { console.error(`stale: ${path.relative(process.cwd(), out)}`); stale++; }
    } else {
      fs.writeFileSync(out, bytes);
      console.log(`${name} -> ${path.basename(out)} (${bytes.length} bytes)`);
    }
  }
  if (stale) process.exit(1);
}

main().catch((e) => { console.error(e.message); process.exit(1); });
