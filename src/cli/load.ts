/**
 * Reading module files for the CLI: `.wasm` as bytes, `.wat` (or any file
 * starting with text rather than the `\0asm` magic) converted with wabt, which
 * is loaded only when a text module is actually given.
 */
import * as fs from 'fs';

/** The file cannot be read (exit code 7). */
export class IoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IoError';
  }
}

/**
 * An optional package the command needs is not installed: `wabt`, for `.wat`
 * input and `wast` scripts (a devDependency of detwasm, so an installed detwasm
 * does not bring it). Exit code 7, like a file that cannot be read: the input
 * cannot be read as given.
 */
export class MissingPackageError extends Error {
  constructor(readonly packageName: string, readonly purpose: string, alternative?: string) {
    super(`${purpose} needs the "${packageName}" package, which is not installed: run "npm install ${packageName}"${alternative ? `, or ${alternative}` : ''}`);
    this.name = 'MissingPackageError';
  }
}

/** The text format could not be converted to a binary (a compile error, exit code 3). */
export class WatError extends Error {
  constructor(message: string, readonly line?: number, readonly column?: number) {
    super(message);
    this.name = 'WatError';
  }
}

export function readFile(file: string): Uint8Array {
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new IoError(`cannot read ${file}: is a directory`);
    return new Uint8Array(fs.readFileSync(file));
  } catch (e) {
    if (e instanceof IoError) throw e;
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new IoError(`cannot read ${file}: ${why}`);
  }
}

function isBinary(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x00 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
}

/** Features wabt should accept; detwasm's own policy decides afterwards. */
const WABT_FEATURES = {
  multi_value: true,
  bulk_memory: true,
  reference_types: true,
  sign_extension: true,
  mutable_globals: true,
  sat_float_to_int: true,
  simd: true,
  threads: true,
};

interface WabtModule {
  resolveNames(): void;
  toBinary(options: object): { buffer: Uint8Array };
  destroy(): void;
}
type Wabt = { parseWat(filename: string, text: Uint8Array, features: object): WabtModule };

let wabtPromise: Promise<Wabt> | undefined;

/** Throws MissingPackageError when `wabt` cannot be loaded (`purpose` says what needed it). */
export function requireWabt(purpose: string, alternative?: string): () => Promise<Wabt> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    return require('wabt');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') throw new MissingPackageError('wabt', purpose, alternative);
    throw e;
  }
}

function loadWabt(): Promise<Wabt> {
  if (!wabtPromise) wabtPromise = requireWabt('converting WebAssembly text (.wat)', 'pass a .wasm binary')();
  return wabtPromise;
}

/** Converts WebAssembly text to a binary module. Throws `WatError` with wabt's first message. */
export async function watToWasm(text: Uint8Array, filename: string): Promise<Uint8Array> {
  const wabt = await loadWabt();
  let mod: WabtModule;
  try {
    mod = wabt.parseWat(filename, text, WABT_FEATURES);
  } catch (e) {
    throw watError(e, filename);
  }
  try {
    mod.resolveNames();
    // the name section carries the $names, so traps can say "in function 3 ($div)"
    return mod.toBinary({ write_debug_names: true }).buffer;
  } catch (e) {
    throw watError(e, filename);
  } finally {
    mod.destroy();
  }
}

/** wabt reports "parseWat failed:\nfile:3:5: error: ...\n  context...": keep the first error line. */
function watError(e: unknown, filename: string): WatError {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text.split('\n').map((l) => l.trim());
  const first = lines.find((l) => /error:/.test(l)) ?? lines.find((l) => l && !/failed:$/.test(l)) ?? text;
  const m = /^(.*?):(\d+):(\d+): error: (.*)$/.exec(first);
  if (m) return new WatError(`${m[4]} (at ${filename}:${m[2]}:${m[3]})`, Number(m[2]), Number(m[3]));
  return new WatError(first.replace(/^error: /, ''));
}

/** Reads FILE and returns a binary module: converts text (.wat/.wast or non-binary content) with wabt. */
export async function loadModule(file: string): Promise<{ bytes: Uint8Array; fromText: boolean }> {
  const raw = readFile(file);
  if (isBinary(raw) || (file.endsWith('.wasm') && !looksLikeText(raw))) return { bytes: raw, fromText: false };
  return { bytes: await watToWasm(raw, file), fromText: true };
}

/** A .wasm file that starts with "(module" or a comment is most likely text saved with the wrong name. */
function looksLikeText(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return bytes[i] === 0x28 /* ( */ || (bytes[i] === 0x3b && bytes[i + 1] === 0x3b) /* ;; */;
}
