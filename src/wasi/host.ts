/**
 * A deterministic WASI preview 1 host (`wasi_snapshot_preview1`): every one
 * of the snapshot's 46 functions, over an in-memory file system, captured or
 * streamed standard streams, virtual clocks and a seeded generator. No
 * Node-only API: it runs wherever detwasm runs.
 *
 * Guest pointers and lengths are checked before anything is read or written:
 * out of bounds is `EFAULT`, a bad flag or value `EINVAL` (or the errno POSIX
 * gives the same mistake), and no guest input makes a host function throw a
 * JS exception; the only exceptions are `WasiExit` (proc_exit) and the
 * `out_of_gas` Trap of the gas charges.
 */
import { checkKeys } from '../config.js';
import { Trap } from '../errors.js';
import { Caller, HostFunc, Instance, type Memory } from '../index.js';
import { internals } from '../interpreter/runtime.js';
import {
  CLOCKID, ERRNO, EVENTTYPE, FDFLAGS, FILETYPE, FSTFLAGS, OFLAGS, RIGHTS, RIGHTS_DIR, RIGHTS_FILE, RIGHTS_STDIN,
  RIGHTS_STDOUT, SIZE, SUBSCRIPTION_CLOCK_ABSTIME, WHENCE,
} from './abi.js';
import { Xoshiro128 } from './random.js';
import { VDir, VFile, fillTree, walk, type FileTree, type VNode } from './vfs.js';

/**
 * Thrown by `proc_exit`: the program asked to exit with `code`. `Wasi.start`
 * catches it (also when the store wrapped it in a `Trap` with code 'host', as
 * stores do by default) and returns the code; a call of `_start` made
 * without `start` sees it as that Trap's `cause`, or as itself in a store
 * created with `hostErrors: 'propagate'`.
 */
export class WasiExit extends Error {
  /** The exit code (proc_exit's u32 argument: 0 to 2^32 - 1). */
  readonly code: number;
  constructor(code: number) {
    super(`WASI program exited with code ${code}`);
    this.name = 'WasiExit';
    this.code = code;
  }
}

/** Returns the `WasiExit` that `e` is or wraps (a Trap whose `cause` is one), else undefined. */
export function exitOf(e: unknown): WasiExit | undefined {
  if (e instanceof WasiExit) return e;
  if (e instanceof Trap && e.code === 'host' && e.cause instanceof WasiExit) return e.cause;
  return undefined;
}

/** Where a standard output stream goes: captured (read it from `Wasi.stdout`/`stderr`), or a callback per write. */
export type OutputSink = 'capture' | ((bytes: Uint8Array) => void);

/** The virtual clocks (all in nanoseconds; numbers or bigints). */
export interface WasiClockOptions {
  /** The real-time clock's value before any time has passed: ns since 1970-01-01T00:00:00Z (default 1,700,000,000 s = 2023-11-14T22:13:20Z). */
  start?: number | bigint;
  /** Time added by every `clock_time_get` call, before it reads the clock (default 1,000,000 ns = 1 ms). */
  step?: number | bigint;
  /** Time added per unit of gas the store has used (default 0); with a step of 0, time is driven by gas alone. */
  perGas?: number | bigint;
}

/** Gas that every WASI call charges: `base`, then `perByte` for every byte it moves. */
export interface WasiGasCosts {
  /** Charged when the call starts (default 100). */
  base?: number;
  /** Charged per byte moved between guest memory and the host before it is moved (default 1). */
  perByte?: number;
}

/** Deterministic resource limits of the host. */
export interface WasiLimits {
  /** Largest size of one file in bytes (default 64 MiB): writing or extending beyond it is `EFBIG`. */
  maxFileSize?: number;
  /** Most file descriptors open at once, standard streams included (default 1024): beyond it `EMFILE`. */
  maxOpenFiles?: number;
}

/** Options of `new Wasi(options)`; every key is optional. */
export interface WasiOptions {
  /** The program's arguments, `args[0]` being its name (default `['main']`). */
  args?: readonly string[];
  /** The environment, as an object (`{ HOME: '/' }`, in key order) or as `'K=V'` strings. */
  env?: Readonly<Record<string, string>> | readonly string[];
  /**
   * The bytes of standard input (a string is UTF-8; default empty), or a
   * function returning them, called once when the program first reads or
   * polls stdin (so a program that never reads it never waits for it).
   */
  stdin?: Uint8Array | string | (() => Uint8Array | string);
  /** Where standard output goes (default 'capture'). */
  stdout?: OutputSink;
  /** Where standard error goes (default 'capture'). */
  stderr?: OutputSink;
  /** Preopened directories: guest path (e.g. '/data') → its contents. They get fds 3, 4, ... in key order. */
  preopens?: Readonly<Record<string, FileTree>>;
  /** The virtual clocks. */
  clock?: WasiClockOptions;
  /** Seed of the `random_get` generator (xoshiro128** seeded by SplitMix64; default 0). */
  seed?: number | bigint;
  /** Gas charged per call. */
  gas?: WasiGasCosts;
  /** Resource limits. */
  limits?: WasiLimits;
}

const E = ERRNO;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const MAX_PATH = 4096;
const MAX_NAME = 255;
const U64_MAX = (1n << 64n) - 1n;

/** An open file descriptor. */
interface Fd {
  kind: 'stdin' | 'stdout' | 'stderr' | 'file' | 'dir';
  node: VNode | null;
  /** Read/write position of a file, or of stdin. */
  pos: number;
  /** `fdflags` (APPEND is honoured; the others are recorded). */
  flags: number;
  rightsBase: bigint;
  rightsInheriting: bigint;
  /** For a preopened directory: the guest path it was opened as. */
  preopen: string | null;
}

/** The guest memory seen by one host call. */
class Mem {
  readonly u8: Uint8Array;
  readonly dv: DataView;
  constructor(m: Memory) {
    const inst = internals(m);
    this.u8 = inst.u8;
    this.dv = inst.dv;
  }
  /**
   * Whether [ptr, ptr + len) lies in memory: `ptr` is a guest i32 (read as
   * unsigned); `len` a guest i32 (a negative one read as unsigned) or a
   * non-negative size computed by the host, which may exceed 2^32.
   */
  ok(ptr: number, len: number): boolean {
    return (ptr >>> 0) + (len < 0 ? len >>> 0 : len) <= this.u8.length;
  }
}

type Result = number;

/** Path resolution: the directory holding the last component, its name (null for "." / ".." / ""), and the node, if any. */
interface Resolved {
  parent: VDir;
  name: string | null;
  node: VNode | undefined;
  /** The path ends in "/" (or "." / ".."), so it must name a directory. */
  mustBeDir: boolean;
}

/** Whether a path component is longer than 255 bytes of UTF-8. */
function tooLong(name: string): boolean {
  // (a UTF-16 unit is 1 to 3 bytes of UTF-8)
  return name.length > MAX_NAME || (name.length * 3 > MAX_NAME && encoder.encode(name).length > MAX_NAME);
}

function toBig(v: number | bigint | undefined, dflt: bigint, what: string): bigint {
  if (v === undefined) return dflt;
  if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new RangeError(`${what} must be an integer, got ${v}`);
  const b = BigInt(v);
  if (b < 0n) throw new RangeError(`${what} must not be negative, got ${v}`);
  return b;
}

function costNumber(v: number | undefined, dflt: number, what: string): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${what} must be a non-negative integer, got ${v}`);
  return v;
}

function cstrings(list: readonly string[], what: string): Uint8Array[] {
  return list.map((s) => {
    if (typeof s !== 'string' || s.includes('\0')) throw new TypeError(`WASI ${what}: every entry must be a string without NUL characters`);
    return encoder.encode(s);
  });
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * A WASI preview 1 host for one program run. Pass `wasi.imports()` to
 * `store.instantiate`, then `wasi.start(instance)`; afterwards read
 * `stdout`, `stderr`, `exitCode` and the file system (`files()`,
 * `directories()`, `readFile()`).
 */
export class Wasi {
  /** The exit code once the program has finished (`start` returned), else null. */
  exitCode: number | null = null;
  private readonly args: Uint8Array[];
  private readonly env: Uint8Array[];
  private stdinSource: Uint8Array | (() => Uint8Array | string);
  private readonly sinks: { stdout: OutputSink; stderr: OutputSink };
  private readonly captured: { stdout: Uint8Array[]; stderr: Uint8Array[] } = { stdout: [], stderr: [] };
  private readonly fds = new Map<number, Fd>();
  private readonly roots: { path: string; dir: VDir }[] = [];
  private readonly rng: Xoshiro128;
  private readonly clockStart: bigint;
  private readonly clockStep: bigint;
  private readonly clockPerGas: bigint;
  private clockCalls = 0n;
  private slept = 0n;
  private lastStore: Caller['store'] | null = null;
  private readonly base: number;
  private readonly perByte: number;
  private readonly maxFileSize: number;
  private readonly maxOpenFiles: number;
  private nextIno = 1n;

  constructor(options: WasiOptions = {}) {
    checkKeys(options, ['args', 'env', 'stdin', 'stdout', 'stderr', 'preopens', 'clock', 'seed', 'gas', 'limits'], 'WASI options');
    checkKeys(options.clock, ['start', 'step', 'perGas'], 'WASI options clock');
    checkKeys(options.gas, ['base', 'perByte'], 'WASI options gas');
    checkKeys(options.limits, ['maxFileSize', 'maxOpenFiles'], 'WASI options limits');
    this.args = cstrings(options.args ?? ['main'], 'args');
    const env = options.env ?? {};
    const envList = Array.isArray(env)
      ? (env as readonly string[])
      : Object.entries(env as Record<string, string>).map(([k, v]) => {
          if (k === '' || k.includes('=')) throw new TypeError(`WASI env: invalid variable name ${JSON.stringify(k)}`);
          return `${k}=${v}`;
        });
    this.env = cstrings(envList, 'env');
    const stdin = options.stdin ?? new Uint8Array(0);
    if (typeof stdin !== 'string' && typeof stdin !== 'function' && !(stdin instanceof Uint8Array)) {
      throw new TypeError('WASI stdin must be a Uint8Array, a string or a function returning one');
    }
    this.stdinSource = typeof stdin === 'string' ? encoder.encode(stdin) : typeof stdin === 'function' ? stdin : stdin.slice();
    for (const k of ['stdout', 'stderr'] as const) {
      const s = options[k];
      if (s !== undefined && s !== 'capture' && typeof s !== 'function') throw new TypeError(`WASI ${k} must be 'capture' or a function`);
    }
    this.sinks = { stdout: options.stdout ?? 'capture', stderr: options.stderr ?? 'capture' };
    this.rng = new Xoshiro128(options.seed ?? 0);
    this.clockStart = toBig(options.clock?.start, 1_700_000_000n * 1_000_000_000n, 'WASI clock start');
    this.clockStep = toBig(options.clock?.step, 1_000_000n, 'WASI clock step');
    this.clockPerGas = toBig(options.clock?.perGas, 0n, 'WASI clock perGas');
    this.base = costNumber(options.gas?.base, 100, 'WASI gas base');
    this.perByte = costNumber(options.gas?.perByte, 1, 'WASI gas perByte');
    this.maxFileSize = costNumber(options.limits?.maxFileSize, 64 * 1024 * 1024, 'WASI limits maxFileSize');
    this.maxOpenFiles = costNumber(options.limits?.maxOpenFiles, 1024, 'WASI limits maxOpenFiles');

    const stdio = (kind: Fd['kind'], rights: bigint): Fd => ({ kind, node: null, pos: 0, flags: 0, rightsBase: rights, rightsInheriting: 0n, preopen: null });
    this.fds.set(0, stdio('stdin', RIGHTS_STDIN));
    this.fds.set(1, stdio('stdout', RIGHTS_STDOUT));
    this.fds.set(2, stdio('stderr', RIGHTS_STDOUT));
    const now = this.clockStart;
    let fd = 3;
    for (const [path, tree] of Object.entries(options.preopens ?? {})) {
      if (path === '' || path.includes('\0')) throw new TypeError(`WASI preopens: invalid guest path ${JSON.stringify(path)}`);
      const dir = new VDir(this.ino(), now);
      fillTree(dir, tree ?? {}, () => this.ino(), now, path);
      this.roots.push({ path, dir });
      this.fds.set(fd++, { kind: 'dir', node: dir, pos: 0, flags: 0, rightsBase: RIGHTS_DIR, rightsInheriting: RIGHTS_DIR | RIGHTS_FILE, preopen: path });
    }
  }

  /** Everything the program wrote to standard output (empty when it is streamed to a callback). */
  get stdout(): Uint8Array {
    return concat(this.captured.stdout);
  }
  /** Everything the program wrote to standard error (empty when it is streamed to a callback). */
  get stderr(): Uint8Array {
    return concat(this.captured.stderr);
  }

  /**
   * Every regular file under the preopened directories, by full guest path
   * ('/data/out/log.txt'), in sorted order; values are copies.
   */
  files(): Record<string, Uint8Array> {
    const out: Record<string, Uint8Array> = {};
    for (const { path, dir } of this.roots) walk(dir, path, (p, n) => { if (n.kind === 'file') out[p] = n.bytes(); });
    return out;
  }
  /** Every directory under the preopened directories (the preopens themselves included), by full guest path, sorted within each preopen. */
  directories(): string[] {
    const out: string[] = [];
    for (const { path, dir } of this.roots) {
      out.push(path);
      walk(dir, path, (p, n) => { if (n.kind === 'dir') out.push(p); });
    }
    return out;
  }
  /** The bytes of the file at a full guest path (a copy), or undefined when there is no such regular file. */
  readFile(path: string): Uint8Array | undefined {
    return this.files()[path];
  }

  /**
   * Calls the instance's `_start` (a WASI command) and returns its exit code:
   * 0 when `_start` returns, proc_exit's code when the program exits. A trap
   * (out of gas included) is thrown as the `Trap`.
   */
  start(instance: Instance): number {
    const start = (instance.exports as Record<string, unknown>)._start;
    if (typeof start !== 'function') throw new TypeError('WASI start: the instance exports no _start function (is it a WASI command?)');
    try {
      start();
      this.exitCode = 0;
    } catch (e) {
      const exit = exitOf(e);
      if (exit === undefined) throw e;
      this.exitCode = exit.code;
    }
    return this.exitCode;
  }

  /** Calls the instance's `_initialize` if it exports one (a WASI reactor); its exports can be called afterwards. */
  initialize(instance: Instance): void {
    const init = (instance.exports as Record<string, unknown>)._initialize;
    if (typeof init === 'function') init();
  }

  /** The import object: `{ wasi_snapshot_preview1: { args_get, ... } }` (all 46 functions, as `HostFunc`s). */
  imports(): { wasi_snapshot_preview1: Record<string, HostFunc> } {
    const funcs: Record<string, HostFunc> = {};
    for (const [name, [sig, fn]] of Object.entries(this.table())) {
      const params = [...sig].map((c) => (c === 'I' ? 'i64' : 'i32'));
      const results = name === 'proc_exit' ? [] : ['i32'];
      funcs[name] = new HostFunc({ params, results }, (caller: Caller, ...args: unknown[]) => {
        this.lastStore = caller.store;
        caller.consumeGas(this.base);
        return (fn as (c: Caller, ...a: unknown[]) => unknown)(caller, ...args);
      });
    }
    return { wasi_snapshot_preview1: funcs };
  }

  // ---- helpers --------------------------------------------------------------

  /** Standard input's bytes (calling the embedder's function on first use). */
  private get stdinBytes(): Uint8Array {
    const src = this.stdinSource;
    if (src instanceof Uint8Array) return src;
    const v = src();
    if (typeof v !== 'string' && !(v instanceof Uint8Array)) throw new TypeError('WASI stdin function must return a Uint8Array or a string');
    this.stdinSource = typeof v === 'string' ? encoder.encode(v) : v.slice();
    return this.stdinSource;
  }
  private ino(): bigint {
    return this.nextIno++;
  }
  private charge(caller: Caller, bytes: number): void {
    if (bytes > 0 && this.perByte > 0) caller.consumeGas(this.perByte * bytes);
  }
  private mem(caller: Caller): Mem | null {
    const m = caller.memory;
    return m === null ? null : new Mem(m);
  }
  /** Time passed on the virtual clocks (not counting the real-time start). */
  private elapsed(): bigint {
    const gas = this.lastStore === null ? 0 : this.lastStore.gasUsed;
    return this.clockCalls * this.clockStep + BigInt(gas) * this.clockPerGas + this.slept;
  }
  /** The current value of a clock without advancing it, or -1n for an unknown clock. */
  private clockNow(id: number): bigint {
    switch (id) {
      case CLOCKID.REALTIME: return this.clockStart + this.elapsed();
      case CLOCKID.MONOTONIC: case CLOCKID.PROCESS_CPUTIME_ID: case CLOCKID.THREAD_CPUTIME_ID: return this.elapsed();
      default: return -1n;
    }
  }
  /** Time stamped on file system changes: the real-time clock, not advanced. */
  private fsNow(): bigint {
    return this.clockStart + this.elapsed();
  }
  private emit(kind: 'stdout' | 'stderr', bytes: Uint8Array): void {
    const sink = this.sinks[kind];
    if (sink === 'capture') this.captured[kind].push(bytes);
    else sink(bytes);
  }
  private allocFd(entry: Fd): number {
    if (this.fds.size >= this.maxOpenFiles) return -1;
    let fd = 0;
    while (this.fds.has(fd)) fd++;
    this.fds.set(fd, entry);
    return fd;
  }
  /** Reads a guest path: EFAULT out of bounds, ENAMETOOLONG over 4096 bytes, EILSEQ for invalid UTF-8, EINVAL with a NUL. */
  private path(caller: Caller, m: Mem, ptr: number, len: number): string | number {
    if (!m.ok(ptr, len)) return E.FAULT;
    len >>>= 0;
    if (len > MAX_PATH) return E.NAMETOOLONG;
    this.charge(caller, len);
    const bytes = m.u8.subarray(ptr >>> 0, (ptr >>> 0) + len);
    if (bytes.includes(0)) return E.INVAL;
    try {
      return decoder.decode(bytes);
    } catch {
      return E.ILSEQ;
    }
  }
  /** Resolves `path` relative to directory `dir` (no escaping it with "..": ENOTCAPABLE). */
  private resolve(dir: VDir, path: string): Resolved | number {
    if (path === '') return E.NOENT;
    if (path.startsWith('/')) return E.NOTCAPABLE;
    const parts = path.split('/');
    const lastPart = parts[parts.length - 1];
    const mustBeDir = lastPart === '' || lastPart === '.' || lastPart === '..';
    const comps = parts.filter((p) => p !== '' && p !== '.');
    const stack: VDir[] = [dir];
    const top = () => stack[stack.length - 1];
    for (let i = 0; i < comps.length - 1; i++) {
      const c = comps[i];
      if (c === '..') {
        if (stack.length === 1) return E.NOTCAPABLE;
        stack.pop();
        continue;
      }
      if (tooLong(c)) return E.NAMETOOLONG;
      const next = top().entries.get(c);
      if (next === undefined) return E.NOENT;
      if (next.kind !== 'dir') return E.NOTDIR;
      stack.push(next);
    }
    if (comps.length === 0) return { parent: top(), name: null, node: top(), mustBeDir: true };
    const last = comps[comps.length - 1];
    if (last === '..') {
      if (stack.length === 1) return E.NOTCAPABLE;
      stack.pop();
      return { parent: top(), name: null, node: top(), mustBeDir: true };
    }
    if (tooLong(last)) return E.NAMETOOLONG;
    return { parent: top(), name: last, node: top().entries.get(last), mustBeDir };
  }
  /** The directory of a dir fd: EBADF for no fd, ENOTDIR for a non-directory. */
  private dirOf(fd: number): VDir | number {
    const f = this.fds.get(fd);
    if (f === undefined) return E.BADF;
    if (f.kind !== 'dir') return E.NOTDIR;
    return f.node as VDir;
  }
  /** Reads the path argument and resolves it against a dir fd. */
  private lookup(caller: Caller, m: Mem, fd: number, ptr: number, len: number): Resolved | number {
    const dir = this.dirOf(fd);
    if (typeof dir === 'number') return dir;
    const p = this.path(caller, m, ptr, len);
    if (typeof p === 'number') return p;
    return this.resolve(dir, p);
  }
  /** Reads an iovec array: EFAULT when it or any buffer is out of bounds; charges for the array. */
  private iovecs(caller: Caller, m: Mem, ptr: number, n: number): { bufs: number[]; lens: number[]; total: number } | number {
    n >>>= 0;
    if (!m.ok(ptr, n * SIZE.iovec) || n * SIZE.iovec > m.u8.length) return E.FAULT;
    this.charge(caller, n * SIZE.iovec);
    const bufs: number[] = [], lens: number[] = [];
    let total = 0;
    for (let i = 0; i < n; i++) {
      const at = (ptr >>> 0) + i * SIZE.iovec;
      const buf = m.dv.getUint32(at, true), len = m.dv.getUint32(at + 4, true);
      if (!m.ok(buf, len)) return E.FAULT;
      bufs.push(buf);
      lens.push(len);
      total += len;
    }
    return { bufs, lens, total };
  }
  private writeFilestat(m: Mem, ptr: number, node: VNode | null): void {
    const p = ptr >>> 0;
    m.u8.fill(0, p, p + SIZE.filestat);
    if (node === null) {
      m.dv.setUint8(p + 16, FILETYPE.CHARACTER_DEVICE);
      m.dv.setBigUint64(p + 24, 1n, true);
      return;
    }
    m.dv.setBigUint64(p + 8, node.ino, true);
    m.dv.setUint8(p + 16, node.kind === 'dir' ? FILETYPE.DIRECTORY : FILETYPE.REGULAR_FILE);
    m.dv.setBigUint64(p + 24, 1n, true);
    m.dv.setBigUint64(p + 32, BigInt(node.kind === 'dir' ? 0 : node.size), true);
    m.dv.setBigUint64(p + 40, node.atim, true);
    m.dv.setBigUint64(p + 48, node.mtim, true);
    m.dv.setBigUint64(p + 56, node.ctim, true);
  }
  /** Copies the iovecs' bytes from `src[offset..]` into guest memory; returns the count. */
  private scatter(m: Mem, io: { bufs: number[]; lens: number[] }, src: Uint8Array, offset: number, available: number): number {
    let done = 0;
    for (let i = 0; i < io.bufs.length && done < available; i++) {
      const k = Math.min(io.lens[i], available - done);
      m.u8.set(src.subarray(offset + done, offset + done + k), io.bufs[i]);
      done += k;
    }
    return done;
  }
  private gather(m: Mem, io: { bufs: number[]; lens: number[]; total: number }): Uint8Array {
    const out = new Uint8Array(io.total);
    let o = 0;
    for (let i = 0; i < io.bufs.length; i++) {
      out.set(m.u8.subarray(io.bufs[i], io.bufs[i] + io.lens[i]), o);
      o += io.lens[i];
    }
    return out;
  }
  /** Writes `bytes` into file `f` at `pos`: EFBIG past maxFileSize. */
  private writeAt(f: VFile, pos: number, bytes: Uint8Array): number {
    const end = pos + bytes.length;
    if (end > this.maxFileSize) return E.FBIG;
    if (end > f.size) f.resize(end);
    f.data.set(bytes, pos);
    f.mtim = f.ctim = this.fsNow();
    return E.SUCCESS;
  }
  private touch(dir: VDir): void {
    dir.mtim = dir.ctim = this.fsNow();
  }
  /** Shared by fd_read and fd_pread: reads at `pos` (or the fd's position) into the iovecs. */
  private read(caller: Caller, fd: number, iovs: number, iovsLen: number, at: bigint | null, outPtr: number): Result {
    const m = this.mem(caller);
    if (m === null) return E.FAULT;
    const f = this.fds.get(fd);
    if (f === undefined) return E.BADF;
    if (f.kind === 'dir') return E.ISDIR;
    if (f.kind === 'stdout' || f.kind === 'stderr' || (f.rightsBase & RIGHTS.FD_READ) === 0n) return E.BADF;
    if (at !== null && f.kind !== 'file') return E.SPIPE;
    if (!m.ok(outPtr, 4)) return E.FAULT;
    const io = this.iovecs(caller, m, iovs, iovsLen);
    if (typeof io === 'number') return io;
    const stdin = f.kind === 'stdin' ? this.stdinBytes : null;
    const src = stdin ?? (f.node as VFile).data;
    const size = stdin !== null ? stdin.length : (f.node as VFile).size;
    const pos = at === null ? f.pos : at > BigInt(size) ? size : Number(at);
    const n = Math.max(0, Math.min(io.total, size - pos));
    this.charge(caller, n);
    const done = this.scatter(m, io, src, pos, n);
    if (at === null) f.pos = pos + done;
    if (f.kind === 'file') (f.node as VFile).atim = this.fsNow();
    m.dv.setUint32(outPtr >>> 0, done, true);
    return E.SUCCESS;
  }
  /** Shared by fd_write and fd_pwrite. */
  private write(caller: Caller, fd: number, iovs: number, iovsLen: number, at: bigint | null, outPtr: number): Result {
    const m = this.mem(caller);
    if (m === null) return E.FAULT;
    const f = this.fds.get(fd);
    if (f === undefined) return E.BADF;
    if (f.kind === 'stdin' || f.kind === 'dir' || (f.rightsBase & RIGHTS.FD_WRITE) === 0n) return E.BADF;
    if (at !== null && f.kind !== 'file') return E.SPIPE;
    if (!m.ok(outPtr, 4)) return E.FAULT;
    const io = this.iovecs(caller, m, iovs, iovsLen);
    if (typeof io === 'number') return io;
    if (f.kind === 'file') {
      const file = f.node as VFile;
      const append = at === null && (f.flags & FDFLAGS.APPEND) !== 0;
      const pos = at !== null ? at : BigInt(append ? file.size : f.pos);
      if (io.total > 0 && pos + BigInt(io.total) > BigInt(this.maxFileSize)) return E.FBIG;
      this.charge(caller, io.total);
      const r = this.writeAt(file, Number(pos), this.gather(m, io));
      if (r !== E.SUCCESS) return r;
      if (at === null) f.pos = Number(pos) + io.total;
    } else {
      this.charge(caller, io.total);
      if (io.total > 0) this.emit(f.kind, this.gather(m, io));
    }
    m.dv.setUint32(outPtr >>> 0, io.total, true);
    return E.SUCCESS;
  }

  /** name → [parameter letters (i = i32, I = i64), implementation]. */
  private table(): Record<string, [string, (c: Caller, ...a: any[]) => number | void]> {
    return {
      args_get: ['ii', (c: Caller, argv: number, buf: number) => this.strings(c, this.args, argv, buf)],
      args_sizes_get: ['ii', (c: Caller, countPtr: number, sizePtr: number) => this.sizes(c, this.args, countPtr, sizePtr)],
      environ_get: ['ii', (c: Caller, envp: number, buf: number) => this.strings(c, this.env, envp, buf)],
      environ_sizes_get: ['ii', (c: Caller, countPtr: number, sizePtr: number) => this.sizes(c, this.env, countPtr, sizePtr)],

      clock_res_get: ['ii', (c: Caller, id: number, ptr: number) => {
        const m = this.mem(c);
        if (m === null || !m.ok(ptr, 8)) return E.FAULT;
        if (this.clockNow(id) < 0n) return E.INVAL;
        m.dv.setBigUint64(ptr >>> 0, this.clockStep > 0n ? this.clockStep : 1n, true);
        return E.SUCCESS;
      }],
      clock_time_get: ['iIi', (c: Caller, id: number, _precision: bigint, ptr: number) => {
        const m = this.mem(c);
        if (m === null || !m.ok(ptr, 8)) return E.FAULT;
        if (this.clockNow(id) < 0n) return E.INVAL;
        this.clockCalls++;
        m.dv.setBigUint64(ptr >>> 0, this.clockNow(id) & U64_MAX, true);
        return E.SUCCESS;
      }],

      fd_advise: ['iIIi', (_c: Caller, fd: number, offset: bigint, len: bigint, advice: number) => {
        const f = this.fds.get(fd);
        if (f === undefined) return E.BADF;
        if (advice >>> 0 > 5 || offset < 0n || len < 0n) return E.INVAL;
        return f.kind === 'file' ? E.SUCCESS : f.kind === 'dir' ? E.BADF : E.SPIPE;
      }],
      fd_allocate: ['iII', (_c: Caller, fd: number, offset: bigint, len: bigint) => {
        const f = this.fds.get(fd);
        if (f === undefined) return E.BADF;
        if (f.kind !== 'file') return f.kind === 'dir' ? E.BADF : E.SPIPE;
        if (offset < 0n || len <= 0n) return E.INVAL;
        const end = offset + len;
        if (end > BigInt(this.maxFileSize)) return E.FBIG;
        const file = f.node as VFile;
        if (Number(end) > file.size) {
          file.resize(Number(end));
          file.mtim = file.ctim = this.fsNow();
        }
        return E.SUCCESS;
      }],
      fd_close: ['i', (_c: Caller, fd: number) => (this.fds.delete(fd) ? E.SUCCESS : E.BADF)],
      fd_datasync: ['i', (_c: Caller, fd: number) => this.sync(fd)],
      fd_sync: ['i', (_c: Caller, fd: number) => this.sync(fd)],
      fd_fdstat_get: ['ii', (c: Caller, fd: number, ptr: number) => {
        const m = this.mem(c);
        const f = this.fds.get(fd);
        if (f === undefined) return E.BADF;
        if (m === null || !m.ok(ptr, SIZE.fdstat)) return E.FAULT;
        const p = ptr >>> 0;
        m.u8.fill(0, p, p + SIZE.fdstat);
        const type = f.kind === 'dir' ? FILETYPE.DIRECTORY : f.kind === 'file' ? FILETYPE.REGULAR_FILE : FILETYPE.CHARACTER_DEVICE;
        m.dv.setUint8(p, type);
        m.dv.setUint16(p + 2, f.flags, true);
        m.dv.setBigUint64(p + 8, f.rightsBase, true);
        m.dv.setBigUint64(p + 16, f.rightsInheriting, true);
        return E.SUCCESS;
      }],
      fd_fdstat_set_flags: ['ii', (_c: Caller, fd: number, flags: number) => {
        const f = this.fds.get(fd);
        if (f === undefined) return E.BADF;
        if (flags >>> 0 > 0x1f) return E.INVAL;
        f.flags = flags;
        return E.SUCCESS;
      }],
      fd_fdstat_set_rights: ['iII', (_c: Caller, fd: number, base: bigint, inheriting: bigint) => {
        const f = this.fds.get(fd);
        if (f === undefined) return E.BADF;
        const b = BigInt.asUintN(64, base), i = BigInt.asUintN(64, inheriting);
        if ((b & ~f.rightsBase) !== 0n || (i & ~f.rightsInheriting) !== 0n) return E.NOTCAPABLE;
        f.rightsBase = b;
        f.rightsInheriting = i;
        return E.SUCCESS;
      }],
      fd_filestat_get: ['ii', (c: Caller, fd: number, ptr: number) => {
        const m = this.mem(c);
        const f = this.fds.get(fd);
        if (f === undefined) return E.BADF;
        if (m === null || !m.ok(ptr, SIZE.filestat)) return E.FAULT;
        this.writeFilestat(m, ptr, f.node);
        return E.SUCCESS;
      }],
      fd_filestat_set_size: ['iI', (_c: Caller, fd: number, size: bigint) => {
        const f = this.fds.get(fd);
        if (f === undefined) return E.BADF;
        if (f.kind !== 'file') return f.kind === 'dir' ? E.ISDIR : E.INVAL;
        if (size < 0n) return E.INVAL;
        if (size > BigInt(this.maxFileSize)) return E.FBIG;
        const file = f.node as VFile;
        file.resize(Number(size));
        file.mtim = file.ctim = this.fsNow();
        return E.SUCCESS;
      }],
      fd_filestat_set_times: ['iIIi', (_c: Caller, fd: number, atim: bigint, mtim: bigint, flags: number) => {
        const f = this.fds.get(fd);
        if (f === undefined) return E.BADF;
        if (f.node === null) return E.SUCCESS;
        return this.setTimes(f.node, atim, mtim, flags);
      }],
      fd_pread: ['iiiIi', (c: Caller, fd: number, iovs: number, n: number, offset: bigint, out: number) =>
        offset < 0n ? E.INVAL : this.read(c, fd, iovs, n, offset, out)],
      fd_pwrite: ['iiiIi', (c: Caller, fd: number, iovs: number, n: number, offset: bigint, out: number) =>
        offset < 0n ? E.INVAL : this.write(c, fd, iovs, n, offset, out)],
      fd_read: ['iiii', (c: Caller, fd: number, iovs: number, n: number, out: number) => this.read(c, fd, iovs, n, null, out)],
      fd_write: ['iiii', (c: Caller, fd: number, iovs: number, n: number, out: number) => this.write(c, fd, iovs, n, null, out)],
      fd_prestat_get: ['ii', (c: Caller, fd: number, ptr: number) => {
        const m = this.mem(c);
        const f = this.fds.get(fd);
        if (f === undefined || f.preopen === null) return E.BADF;
        if (m === null || !m.ok(ptr, SIZE.prestat)) return E.FAULT;
        m.u8.fill(0, ptr >>> 0, (ptr >>> 0) + SIZE.prestat);
        m.dv.setUint32((ptr >>> 0) + 4, encoder.encode(f.preopen).length, true);
        return E.SUCCESS;
      }],
      fd_prestat_dir_name: ['iii', (c: Caller, fd: number, ptr: number, len: number) => {
        const m = this.mem(c);
        const f = this.fds.get(fd);
        if (f === undefined || f.preopen === null) return E.BADF;
        if (m === null || !m.ok(ptr, len)) return E.FAULT;
        const name = encoder.encode(f.preopen);
        if (len >>> 0 < name.length) return E.NAMETOOLONG;
        this.charge(c, name.length);
        m.u8.set(name, ptr >>> 0);
        return E.SUCCESS;
      }],
      fd_readdir: ['iiiIi', (c: Caller, fd: number, buf: number, len: number, cookie: bigint, usedPtr: number) => {
        const m = this.mem(c);
        const f = this.fds.get(fd);
        if (f === undefined) return E.BADF;
        if (f.kind !== 'dir') return E.NOTDIR;
        if (m === null || !m.ok(buf, len) || !m.ok(usedPtr, 4)) return E.FAULT;
        const dir = f.node as VDir;
        const names = ['.', '..', ...dir.sortedNames()];
        const start = cookie < 0n ? names.length : cookie > BigInt(names.length) ? names.length : Number(cookie);
        const cap = len >>> 0;
        let used = 0;
        for (let i = start; i < names.length && used < cap; i++) {
          const name = encoder.encode(names[i]);
          const node = i === 0 ? dir : i === 1 ? (dir.parent ?? dir) : dir.entries.get(names[i])!;
          const entry = new Uint8Array(SIZE.dirent + name.length);
          const edv = new DataView(entry.buffer);
          edv.setBigUint64(0, BigInt(i + 1), true);
          edv.setBigUint64(8, node.ino, true);
          edv.setUint32(16, name.length, true);
          edv.setUint8(20, node.kind === 'dir' ? FILETYPE.DIRECTORY : FILETYPE.REGULAR_FILE);
          entry.set(name, SIZE.dirent);
          const k = Math.min(SIZE.dirent + name.length, cap - used);
          this.charge(c, k);
          m.u8.set(entry.subarray(0, k), (buf >>> 0) + used);
          used += k;
        }
        m.dv.setUint32(usedPtr >>> 0, used, true);
        return E.SUCCESS;
      }],
      fd_renumber: ['ii', (_c: Caller, from: number, to: number) => {
        const f = this.fds.get(from);
        if (f === undefined || !this.fds.has(to)) return E.BADF;
        this.fds.delete(from);
        this.fds.set(to, f);
        return E.SUCCESS;
      }],
      fd_seek: ['iIii', (c: Caller, fd: number, offset: bigint, whence: number, out: number) => {
        const m = this.mem(c);
        const f = this.fds.get(fd);
        if (f === undefined) return E.BADF;
        if (f.kind === 'dir') return E.ISDIR;
        if (f.kind !== 'file') return E.SPIPE;
        if (m === null || !m.ok(out, 8)) return E.FAULT;
        const file = f.node as VFile;
        const from = whence === WHENCE.SET ? 0n : whence === WHENCE.CUR ? BigInt(f.pos) : whence === WHENCE.END ? BigInt(file.size) : -1n;
        if (from < 0n) return E.INVAL;
        const pos = from + offset;
        if (pos < 0n) return E.INVAL;
        if (pos > BigInt(Number.MAX_SAFE_INTEGER)) return E.OVERFLOW;
        f.pos = Number(pos);
        m.dv.setBigUint64(out >>> 0, pos, true);
        return E.SUCCESS;
      }],
      fd_tell: ['ii', (c: Caller, fd: number, out: number) => {
        const m = this.mem(c);
        const f = this.fds.get(fd);
        if (f === undefined) return E.BADF;
        if (f.kind === 'dir') return E.ISDIR;
        if (f.kind !== 'file') return E.SPIPE;
        if (m === null || !m.ok(out, 8)) return E.FAULT;
        m.dv.setBigUint64(out >>> 0, BigInt(f.pos), true);
        return E.SUCCESS;
      }],

      path_create_directory: ['iii', (c: Caller, fd: number, ptr: number, len: number) => {
        const m = this.mem(c);
        if (m === null) return E.FAULT;
        const r = this.lookup(c, m, fd, ptr, len);
        if (typeof r === 'number') return r;
        if (r.node !== undefined || r.name === null) return E.EXIST;
        const dir = new VDir(this.ino(), this.fsNow());
        dir.parent = r.parent;
        r.parent.entries.set(r.name, dir);
        this.touch(r.parent);
        return E.SUCCESS;
      }],
      path_filestat_get: ['iiiii', (c: Caller, fd: number, _flags: number, ptr: number, len: number, out: number) => {
        const m = this.mem(c);
        if (m === null) return E.FAULT;
        const r = this.lookup(c, m, fd, ptr, len);
        if (typeof r === 'number') return r;
        if (r.node === undefined) return E.NOENT;
        if (r.mustBeDir && r.node.kind !== 'dir') return E.NOTDIR;
        if (!m.ok(out, SIZE.filestat)) return E.FAULT;
        this.writeFilestat(m, out, r.node);
        return E.SUCCESS;
      }],
      path_filestat_set_times: ['iiiiIIi', (c: Caller, fd: number, _flags: number, ptr: number, len: number, atim: bigint, mtim: bigint, fst: number) => {
        const m = this.mem(c);
        if (m === null) return E.FAULT;
        const r = this.lookup(c, m, fd, ptr, len);
        if (typeof r === 'number') return r;
        if (r.node === undefined) return E.NOENT;
        if (r.mustBeDir && r.node.kind !== 'dir') return E.NOTDIR;
        return this.setTimes(r.node, atim, mtim, fst);
      }],
      path_link: ['iiiiiii', (c: Caller, oldFd: number, _flags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) => {
        // Hard links are not supported by this file system; the arguments are still checked.
        const m = this.mem(c);
        if (m === null) return E.FAULT;
        const a = this.lookup(c, m, oldFd, oldPtr, oldLen);
        if (typeof a === 'number') return a;
        const b = this.lookup(c, m, newFd, newPtr, newLen);
        if (typeof b === 'number') return b;
        if (a.node === undefined) return E.NOENT;
        if (b.node !== undefined) return E.EXIST;
        return a.node.kind === 'dir' ? E.PERM : E.NOTSUP;
      }],
      path_open: ['iiiiiIIii', (c: Caller, fd: number, _dirflags: number, ptr: number, len: number, oflags: number, base: bigint, inheriting: bigint, fdflags: number, out: number) =>
        this.open(c, fd, ptr, len, oflags, BigInt.asUintN(64, base), BigInt.asUintN(64, inheriting), fdflags, out)],
      path_readlink: ['iiiiii', (c: Caller, fd: number, ptr: number, len: number, buf: number, bufLen: number, usedPtr: number) => {
        const m = this.mem(c);
        if (m === null) return E.FAULT;
        const r = this.lookup(c, m, fd, ptr, len);
        if (typeof r === 'number') return r;
        if (!m.ok(buf, bufLen) || !m.ok(usedPtr, 4)) return E.FAULT;
        return r.node === undefined ? E.NOENT : E.INVAL; // there are no symbolic links
      }],
      path_remove_directory: ['iii', (c: Caller, fd: number, ptr: number, len: number) => {
        const m = this.mem(c);
        if (m === null) return E.FAULT;
        const r = this.lookup(c, m, fd, ptr, len);
        if (typeof r === 'number') return r;
        if (r.node === undefined) return E.NOENT;
        if (r.name === null) return r.node === r.parent && r.node.parent === null ? E.BUSY : E.INVAL;
        if (r.node.kind !== 'dir') return E.NOTDIR;
        if (r.node.entries.size > 0) return E.NOTEMPTY;
        r.parent.entries.delete(r.name);
        this.touch(r.parent);
        return E.SUCCESS;
      }],
      path_rename: ['iiiiii', (c: Caller, fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number) => {
        const m = this.mem(c);
        if (m === null) return E.FAULT;
        const a = this.lookup(c, m, fd, oldPtr, oldLen);
        if (typeof a === 'number') return a;
        const b = this.lookup(c, m, newFd, newPtr, newLen);
        if (typeof b === 'number') return b;
        return this.rename(a, b);
      }],
      path_symlink: ['iiiii', (c: Caller, oldPtr: number, oldLen: number, fd: number, newPtr: number, newLen: number) => {
        // Symbolic links are not supported by this file system; the arguments are still checked.
        const m = this.mem(c);
        if (m === null) return E.FAULT;
        const target = this.path(c, m, oldPtr, oldLen);
        if (typeof target === 'number') return target;
        const r = this.lookup(c, m, fd, newPtr, newLen);
        if (typeof r === 'number') return r;
        if (r.node !== undefined) return E.EXIST;
        return E.NOTSUP;
      }],
      path_unlink_file: ['iii', (c: Caller, fd: number, ptr: number, len: number) => {
        const m = this.mem(c);
        if (m === null) return E.FAULT;
        const r = this.lookup(c, m, fd, ptr, len);
        if (typeof r === 'number') return r;
        if (r.node === undefined) return E.NOENT;
        if (r.node.kind === 'dir') return E.ISDIR;
        if (r.mustBeDir) return E.NOTDIR;
        r.parent.entries.delete(r.name!);
        this.touch(r.parent);
        return E.SUCCESS;
      }],

      poll_oneoff: ['iiii', (c: Caller, inPtr: number, outPtr: number, n: number, neventsPtr: number) => this.poll(c, inPtr, outPtr, n, neventsPtr)],
      proc_exit: ['i', (_c: Caller, code: number) => {
        throw new WasiExit(code >>> 0);
      }],
      proc_raise: ['i', () => E.NOSYS],
      sched_yield: ['', () => E.SUCCESS],
      random_get: ['ii', (c: Caller, ptr: number, len: number) => {
        const m = this.mem(c);
        if (m === null || !m.ok(ptr, len)) return E.FAULT;
        this.charge(c, len >>> 0);
        this.rng.fill(m.u8.subarray(ptr >>> 0, (ptr >>> 0) + (len >>> 0)));
        return E.SUCCESS;
      }],

      sock_accept: ['iii', (_c: Caller, fd: number) => this.socket(fd)],
      sock_recv: ['iiiiii', (_c: Caller, fd: number) => this.socket(fd)],
      sock_send: ['iiiii', (_c: Caller, fd: number) => this.socket(fd)],
      sock_shutdown: ['ii', (_c: Caller, fd: number) => this.socket(fd)],
    };
  }

  /** Sockets: there are none (EBADF for a closed fd, else ENOTSUP). */
  private socket(fd: number): Result {
    return this.fds.has(fd) ? E.NOTSUP : E.BADF;
  }

  private sync(fd: number): Result {
    const f = this.fds.get(fd);
    if (f === undefined) return E.BADF;
    return f.kind === 'file' || f.kind === 'dir' ? E.SUCCESS : E.INVAL;
  }

  private setTimes(node: VNode, atim: bigint, mtim: bigint, flags: number): Result {
    if ((flags & FSTFLAGS.ATIM && flags & FSTFLAGS.ATIM_NOW) || (flags & FSTFLAGS.MTIM && flags & FSTFLAGS.MTIM_NOW) || flags >>> 0 > 15) return E.INVAL;
    const now = this.fsNow();
    if (flags & FSTFLAGS.ATIM) node.atim = BigInt.asUintN(64, atim);
    if (flags & FSTFLAGS.ATIM_NOW) node.atim = now;
    if (flags & FSTFLAGS.MTIM) node.mtim = BigInt.asUintN(64, mtim);
    if (flags & FSTFLAGS.MTIM_NOW) node.mtim = now;
    node.ctim = now;
    return E.SUCCESS;
  }

  private strings(caller: Caller, list: Uint8Array[], ptrs: number, buf: number): Result {
    const m = this.mem(caller);
    let size = 0;
    for (const s of list) size += s.length + 1;
    if (m === null || !m.ok(ptrs, list.length * 4) || !m.ok(buf, size)) return E.FAULT;
    this.charge(caller, size + list.length * 4);
    let at = buf >>> 0;
    for (let i = 0; i < list.length; i++) {
      m.dv.setUint32((ptrs >>> 0) + i * 4, at, true);
      m.u8.set(list[i], at);
      m.u8[at + list[i].length] = 0;
      at += list[i].length + 1;
    }
    return E.SUCCESS;
  }

  private sizes(caller: Caller, list: Uint8Array[], countPtr: number, sizePtr: number): Result {
    const m = this.mem(caller);
    if (m === null || !m.ok(countPtr, 4) || !m.ok(sizePtr, 4)) return E.FAULT;
    let size = 0;
    for (const s of list) size += s.length + 1;
    m.dv.setUint32(countPtr >>> 0, list.length, true);
    m.dv.setUint32(sizePtr >>> 0, size, true);
    return E.SUCCESS;
  }

  private open(c: Caller, fd: number, ptr: number, len: number, oflags: number, base: bigint, inheriting: bigint, fdflags: number, out: number): Result {
    const m = this.mem(c);
    if (m === null) return E.FAULT;
    const r = this.lookup(c, m, fd, ptr, len);
    if (typeof r === 'number') return r;
    if (!m.ok(out, 4)) return E.FAULT;
    if (oflags >>> 0 > 15 || fdflags >>> 0 > 0x1f) return E.INVAL;
    const creat = (oflags & OFLAGS.CREAT) !== 0, excl = (oflags & OFLAGS.EXCL) !== 0;
    const directory = (oflags & OFLAGS.DIRECTORY) !== 0, trunc = (oflags & OFLAGS.TRUNC) !== 0;
    const wantsWrite = (base & RIGHTS.FD_WRITE) !== 0n;
    let node = r.node;
    if (node !== undefined) {
      if (creat && excl) return E.EXIST;
      if (node.kind === 'dir') {
        if (trunc || wantsWrite) return E.ISDIR;
      } else {
        if (directory || r.mustBeDir) return E.NOTDIR;
      }
    } else {
      if (!creat) return E.NOENT;
      if (directory || r.mustBeDir || r.name === null) return r.mustBeDir ? E.ISDIR : E.INVAL;
      node = new VFile(this.ino(), new Uint8Array(0), this.fsNow());
      r.parent.entries.set(r.name, node);
      this.touch(r.parent);
    }
    const entry: Fd = node.kind === 'dir'
      ? { kind: 'dir', node, pos: 0, flags: fdflags, rightsBase: base & RIGHTS_DIR, rightsInheriting: inheriting, preopen: null }
      : { kind: 'file', node, pos: 0, flags: fdflags, rightsBase: base & RIGHTS_FILE, rightsInheriting: inheriting, preopen: null };
    const n = this.allocFd(entry);
    if (n < 0) return E.MFILE;
    if (trunc && node.kind === 'file' && node.size > 0) {
      node.resize(0);
      node.mtim = node.ctim = this.fsNow();
    }
    m.dv.setUint32(out >>> 0, n, true);
    return E.SUCCESS;
  }

  /** rename(2) semantics on the virtual file system. */
  private rename(a: Resolved, b: Resolved): Result {
    const src = a.node;
    if (src === undefined) return E.NOENT;
    if (a.name === null || b.name === null) return E.BUSY;
    if (src.kind !== 'dir' && (a.mustBeDir || b.mustBeDir)) return E.NOTDIR;
    const dst = b.node;
    if (dst === src) return E.SUCCESS;
    if (src.kind === 'dir') {
      for (let d: VDir | null = b.parent; d !== null; d = d.parent) if (d === src) return E.INVAL;
      if (dst !== undefined) {
        if (dst.kind !== 'dir') return E.NOTDIR;
        if (dst.entries.size > 0) return E.NOTEMPTY;
      }
    } else if (dst !== undefined && dst.kind === 'dir') {
      return E.ISDIR;
    }
    a.parent.entries.delete(a.name);
    b.parent.entries.set(b.name, src);
    if (src.kind === 'dir') src.parent = b.parent;
    src.ctim = this.fsNow();
    this.touch(a.parent);
    this.touch(b.parent);
    return E.SUCCESS;
  }

  /**
   * poll_oneoff: fd subscriptions are always ready (the streams and files
   * never block); clock subscriptions are met by advancing the virtual clock
   * to the earliest deadline when nothing else is ready (a sleep takes no
   * real time).
   */
  private poll(c: Caller, inPtr: number, outPtr: number, n: number, neventsPtr: number): Result {
    const m = this.mem(c);
    if (m === null) return E.FAULT;
    n >>>= 0;
    if (n === 0) return E.INVAL;
    if (!m.ok(inPtr, n * SIZE.subscription) || !m.ok(outPtr, n * SIZE.event) || !m.ok(neventsPtr, 4)) return E.FAULT;
    this.charge(c, n * (SIZE.subscription + SIZE.event));
    type Sub = { userdata: bigint; tag: number; clock: number; error: number; deadline: bigint; nbytes: bigint };
    const subs: Sub[] = [];
    for (let i = 0; i < n; i++) {
      const p = (inPtr >>> 0) + i * SIZE.subscription;
      const userdata = m.dv.getBigUint64(p, true);
      const tag = m.dv.getUint8(p + 8);
      const sub: Sub = { userdata, tag, clock: -1, error: E.SUCCESS, deadline: -1n, nbytes: 0n };
      if (tag === EVENTTYPE.CLOCK) {
        const id = m.dv.getUint32(p + 16, true);
        sub.clock = id;
        const timeout = m.dv.getBigUint64(p + 24, true);
        const flags = m.dv.getUint16(p + 40, true);
        const now = this.clockNow(id);
        if (now < 0n) sub.error = E.INVAL;
        else sub.deadline = flags & SUBSCRIPTION_CLOCK_ABSTIME ? timeout : now + timeout;
      } else if (tag === EVENTTYPE.FD_READ || tag === EVENTTYPE.FD_WRITE) {
        const f = this.fds.get(m.dv.getUint32(p + 16, true));
        if (f === undefined) sub.error = E.BADF;
        else if (tag === EVENTTYPE.FD_READ) {
          if (f.kind === 'stdin') sub.nbytes = BigInt(Math.max(0, this.stdinBytes.length - f.pos));
          else if (f.kind === 'file') sub.nbytes = BigInt(Math.max(0, (f.node as VFile).size - f.pos));
          else if (f.kind !== 'dir') sub.error = E.BADF;
          else sub.error = E.ISDIR;
        } else if (f.kind === 'stdin' || f.kind === 'dir') sub.error = E.BADF;
      } else {
        return E.INVAL;
      }
      subs.push(sub);
    }
    const immediate = subs.some((s) => s.tag !== EVENTTYPE.CLOCK || s.error !== E.SUCCESS);
    if (!immediate) {
      // Sleep: move the virtual time forward to the earliest deadline.
      let wait = -1n;
      for (const s of subs) {
        const w = s.deadline - this.clockNow(s.clock);
        if (wait < 0n || w < wait) wait = w;
      }
      if (wait > 0n) this.slept += wait;
    }
    // (the subscriptions were read above, so events may overwrite them)
    const nowOf = subs.map((s) => (s.tag === EVENTTYPE.CLOCK && s.error === E.SUCCESS ? this.clockNow(s.clock) : 0n));
    let count = 0;
    for (let i = 0; i < subs.length; i++) {
      const s = subs[i];
      const ready = s.tag !== EVENTTYPE.CLOCK || s.error !== E.SUCCESS || s.deadline <= nowOf[i];
      if (!ready) continue;
      const p = (outPtr >>> 0) + count * SIZE.event;
      m.u8.fill(0, p, p + SIZE.event);
      m.dv.setBigUint64(p, s.userdata, true);
      m.dv.setUint16(p + 8, s.error, true);
      m.dv.setUint8(p + 10, s.tag);
      if (s.tag !== EVENTTYPE.CLOCK) m.dv.setBigUint64(p + 16, s.nbytes, true);
      count++;
    }
    m.dv.setUint32(neventsPtr >>> 0, count, true);
    return E.SUCCESS;
  }
}
