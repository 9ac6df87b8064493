/**
 * `detwasm run` for WASI programs: real directories (`--dir HOST:GUEST`) are
 * read into the host's in-memory file system before the run and the
 * program's changes are written back after it (files created or changed,
 * files and directories removed); standard input is read from the process
 * when it is not a terminal.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { FileTree } from '../wasi/vfs.js';
import type { DirMapping } from './args.js';
import { IoError } from './load.js';

/** A directory tree read from disk: nested objects of file bytes (symbolic links followed; other kinds of file skipped). */
export function readTree(dir: string): { [name: string]: Uint8Array | FileTree } {
  const out: { [name: string]: Uint8Array | FileTree } = {};
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch (e) {
    throw new IoError(`cannot read directory ${dir}: ${(e as Error).message}`);
  }
  for (const name of names) {
    const p = path.join(dir, name);
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      continue; // a dangling link
    }
    if (st.isDirectory()) out[name] = readTree(p);
    else if (st.isFile()) out[name] = new Uint8Array(fs.readFileSync(p));
  }
  return out;
}

/** The files and directories of a tree by path relative to its root ('a/b.txt'; directories end in '/'). */
function flatten(tree: { [name: string]: Uint8Array | FileTree }, prefix = '', out = new Map<string, Uint8Array | null>()): Map<string, Uint8Array | null> {
  for (const [name, v] of Object.entries(tree)) {
    if (v instanceof Uint8Array) out.set(prefix + name, v);
    else {
      out.set(prefix + name + '/', null);
      flatten(v as { [name: string]: Uint8Array | FileTree }, prefix + name + '/', out);
    }
  }
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Writes the program's changes under one mapped directory back to disk:
 * `before` is what was read, `files`/`dirs` the host's state after the run
 * (full guest paths).
 */
export function writeBack(
  mapping: DirMapping, before: { [name: string]: Uint8Array | FileTree }, files: Record<string, Uint8Array>, dirs: readonly string[],
): void {
  const prefix = mapping.guest === '/' ? '/' : mapping.guest + '/';
  const old = flatten(before);
  const now = new Map<string, Uint8Array | null>();
  for (const d of dirs) if (d.startsWith(prefix)) now.set(d.slice(prefix.length) + '/', null);
  for (const [p, bytes] of Object.entries(files)) if (p.startsWith(prefix)) now.set(p.slice(prefix.length), bytes);
  const real = (rel: string) => path.join(mapping.host, ...rel.split('/').filter((s) => s !== ''));
  // removals first (files, then directories deepest first), so a name can change kind
  const gone = [...old.keys()].filter((k) => !now.has(k) || (now.get(k) === null) !== (old.get(k) === null));
  for (const k of gone.filter((k) => !k.endsWith('/'))) fs.rmSync(real(k), { force: true });
  for (const k of gone.filter((k) => k.endsWith('/')).sort().reverse()) fs.rmSync(real(k), { recursive: true, force: true });
  for (const [k, bytes] of [...now.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (bytes === null) fs.mkdirSync(real(k), { recursive: true });
    else {
      const was = old.get(k);
      if (was instanceof Uint8Array && equalBytes(was, bytes)) continue;
      fs.mkdirSync(path.dirname(real(k)), { recursive: true });
      fs.writeFileSync(real(k), bytes);
    }
  }
}

/** Standard input for the program: the process's, when it is not a terminal (empty otherwise, or when it cannot be read). */
export function processStdin(): Uint8Array {
  if (process.stdin.isTTY) return new Uint8Array(0);
  try {
    return new Uint8Array(fs.readFileSync(0));
  } catch {
    return new Uint8Array(0);
  }
}
