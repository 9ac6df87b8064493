/**
 * Hostile guests: every WASI function called from wasm with bad pointers,
 * lengths, descriptors and flags returns the errno POSIX/WASI gives
 * (EFAULT out of bounds, EBADF, EINVAL, ...), leaves memory untouched when it
 * fails, and never throws a JS exception (only proc_exit exits).
 */
import { Engine, Store, type Instance } from '../index.js';
import { wat } from '../interpreter/testutil.js';
import { ERRNO as E, Wasi, WasiExit, exitOf, wasiEngineConfig, type WasiOptions } from './index.js';
import { Xoshiro128 } from './random.js';

const SIGS = Object.entries(new Wasi().imports().wasi_snapshot_preview1).map(([name, f]) => ({
  name,
  params: f.type.params.map((t) => (t === 0x7e ? 'i64' : 'i32')),
  results: f.type.results.map(() => 'i32'),
}));

/** A module importing every WASI function and exporting a pass-through of each, with one page of memory (or none). */
async function passThrough(withMemory: boolean): Promise<Uint8Array> {
  const imports = SIGS.map((s) => `(import "wasi_snapshot_preview1" "${s.name}" (func $${s.name} (param ${s.params.join(' ')}) (result ${s.results.join(' ')})))`);
  const funcs = SIGS.map((s) => `(func (export "${s.name}") (param ${s.params.join(' ')}) (result ${s.results.join(' ')}) ${s.params.map((_, i) => `local.get ${i}`).join(' ')} call $${s.name})`);
  return wat(`(module ${imports.join('\n')} ${withMemory ? '(memory (export "memory") 1)' : ''} ${funcs.join('\n')})`);
}

let withMem: Uint8Array, noMem: Uint8Array;
beforeAll(async () => {
  withMem = await passThrough(true);
  noMem = await passThrough(false);
});

const OPTIONS: WasiOptions = {
  args: ['prog', 'arg'], env: { A: 'b' }, stdin: 'input',
  preopens: { '/data': { 'f.txt': 'hello', sub: { 'g.txt': 'x' }, empty: {} } },
};

function setup(bytes = withMem, options = OPTIONS): { wasi: Wasi; x: Record<string, (...a: unknown[]) => number>; mem: Uint8Array; instance: Instance } {
  const engine = new Engine(wasiEngineConfig());
  const wasi = new Wasi(options);
  const instance = new Store(engine, { gas: 1e12 }).instantiate(engine.compile(bytes), wasi.imports());
  const memory = instance.exports.memory as { buffer: ArrayBuffer } | undefined;
  return { wasi, x: instance.exports as never, mem: memory ? new Uint8Array(memory.buffer) : new Uint8Array(0), instance };
}

const PAGE = 65536;
const enc = new TextEncoder();

describe('bad pointers and lengths give EFAULT and write nothing', () => {
  let x: Record<string, (...a: unknown[]) => number>, mem: Uint8Array;
  beforeAll(() => {
    ({ x, mem } = setup());
    // an iovec at 0 pointing at 16 bytes at 100; a valid path "f.txt" at 200
    const dv = new DataView(mem.buffer);
    dv.setUint32(0, 100, true);
    dv.setUint32(4, 16, true);
    mem.set(enc.encode('f.txt'), 200);
    // an iovec at 8 whose buffer runs past the end of memory
    dv.setUint32(8, PAGE - 4, true);
    dv.setUint32(12, 8, true);
  });

  test.each(([
    ['args_get', [PAGE - 4, 0]],
    ['args_get', [0, PAGE - 3]],
    ['args_sizes_get', [PAGE - 2, 0]],
    ['args_sizes_get', [0, -1]],
    ['environ_get', [-8, 0]],
    ['environ_sizes_get', [0, PAGE]],
    ['clock_time_get', [0, 0n, PAGE - 7]],
    ['clock_res_get', [1, -1]],
    ['fd_write', [1, PAGE - 4, 1, 16]],
    ['fd_write', [1, 0, 0x7fffffff, 16]],
    ['fd_write', [1, 0, -1, 16]],
    ['fd_write', [1, 8, 1, 16]],
    ['fd_write', [1, 0, 1, PAGE - 2]],
    ['fd_read', [0, 8, 1, 16]],
    ['fd_read', [0, 0, 1, -4]],
    ['fd_fdstat_get', [1, PAGE - 23]],
    ['fd_filestat_get', [3, PAGE - 63]],
    ['fd_prestat_get', [3, -8]],
    ['fd_prestat_dir_name', [3, PAGE - 2, 5]],
    ['fd_readdir', [3, PAGE - 10, 100, 0n, 16]],
    ['fd_readdir', [3, 300, 100, 0n, PAGE]],
    ['path_open', [3, 0, PAGE - 2, 5, 0, 0n, 0n, 0, 16]],
    ['path_open', [3, 0, 200, 5, 0, 0n, 0n, 0, PAGE - 3]],
    ['path_open', [3, 0, 200, -1, 0, 0n, 0n, 0, 16]],
    ['path_filestat_get', [3, 0, 200, 5, PAGE - 8]],
    ['path_create_directory', [3, -100, 5]],
    ['path_rename', [3, 200, 5, 3, PAGE, 1]],
    ['path_unlink_file', [3, 0x7fffffff, 0x7fffffff]],
    ['path_readlink', [3, 200, 5, PAGE - 1, 10, 16]],
    ['random_get', [PAGE - 100, 101]],
    ['random_get', [0, -1]],
    ['poll_oneoff', [PAGE - 47, 0, 1, 16]],
    ['poll_oneoff', [0, 0, 0x10000000, 16]],
    ['poll_oneoff', [PAGE, 0, -0x80000000, 16]], // 2^31 subscriptions: 48 * 2^31 bytes, more than 2^32
    ['fd_seek', [3, 0n, 0, PAGE]], // a directory: EISDIR checked before the pointer
  ] as [string, unknown[]][]).map(([name, args]) => [name, args.map(String).join(', '), args] as const))('%s(%s)', (name, _, args) => {
    const before = mem.slice();
    const r = x[name](...args);
    expect(r).toBe(name === 'fd_seek' ? E.ISDIR : E.FAULT);
    expect(Buffer.compare(mem, before)).toBe(0); // (byte comparison: toEqual on 64 KiB arrays is slow)
  });
});

describe('bad descriptors, flags, paths and values', () => {
  function call(name: string, ...args: unknown[]): number {
    return setup().x[name](...args);
  }
  /** Writes `path` at 200 and returns [ptr, len]. */
  function at200(s: ReturnType<typeof setup>, bytes: Uint8Array | string): [number, number] {
    const b = typeof bytes === 'string' ? enc.encode(bytes) : bytes;
    s.mem.set(b, 200);
    return [200, b.length];
  }
  const open = (s: ReturnType<typeof setup>, path: Uint8Array | string, oflags = 0, base = 0xffffn, fd = 3) =>
    s.x.path_open(fd, 0, ...at200(s, path), oflags, base, 0n, 0, 16);

  test('descriptors', () => {
    expect(call('fd_write', 9, 0, 0, 16)).toBe(E.BADF);
    expect(call('fd_write', -1, 0, 0, 16)).toBe(E.BADF);
    expect(call('fd_read', 1, 0, 0, 16)).toBe(E.BADF); // stdout is not readable
    expect(call('fd_write', 0, 0, 0, 16)).toBe(E.BADF); // stdin is not writable
    expect(call('fd_read', 3, 0, 0, 16)).toBe(E.ISDIR);
    expect(call('fd_close', 42)).toBe(E.BADF);
    expect(call('fd_renumber', 1, 42)).toBe(E.BADF);
    expect(call('fd_seek', 1, 0n, 0, 16)).toBe(E.SPIPE);
    expect(call('fd_tell', 0, 16)).toBe(E.SPIPE);
    expect(call('fd_pread', 0, 0, 0, 0n, 16)).toBe(E.SPIPE);
    expect(call('fd_prestat_get', 1, 16)).toBe(E.BADF);
    expect(call('fd_prestat_dir_name', 3, 0, 4)).toBe(E.NAMETOOLONG); // "/data" needs 5
    expect(call('fd_readdir', 1, 0, 10, 0n, 16)).toBe(E.NOTDIR);
    expect(call('path_open', 1, 0, 0, 1, 0, 0n, 0n, 0, 16)).toBe(E.NOTDIR);
    expect(call('fd_fdstat_set_rights', 0, (1n << 6n), 0n)).toBe(E.NOTCAPABLE); // stdin cannot gain FD_WRITE
  });

  test('paths', () => {
    const s = setup();
    expect(open(s, '')).toBe(E.NOENT);
    expect(open(s, '/data/f.txt')).toBe(E.NOTCAPABLE);
    expect(open(s, '../x')).toBe(E.NOTCAPABLE);
    expect(open(s, 'sub/../../x')).toBe(E.NOTCAPABLE);
    expect(open(s, 'sub/../f.txt')).toBe(E.SUCCESS);
    expect(open(s, new Uint8Array([0x66, 0xff]))).toBe(E.ILSEQ);
    expect(open(s, 'f\0')).toBe(E.INVAL);
    expect(open(s, 'x'.repeat(4097))).toBe(E.NAMETOOLONG);
    expect(open(s, 'x'.repeat(256), 1)).toBe(E.NAMETOOLONG);
    expect(open(s, '\u00e9'.repeat(128), 1)).toBe(E.NAMETOOLONG); // 256 bytes of UTF-8
    expect(open(s, '\u00e9'.repeat(127), 1)).toBe(E.SUCCESS);
    expect(open(s, 'f.txt/')).toBe(E.NOTDIR);
    expect(open(s, 'f.txt/x')).toBe(E.NOTDIR);
    expect(open(s, 'nope/x', 1)).toBe(E.NOENT);
    expect(open(s, 'f.txt', 1 | 4)).toBe(E.EXIST); // CREAT | EXCL
    expect(open(s, 'f.txt', 2)).toBe(E.NOTDIR); // DIRECTORY
    expect(open(s, 'sub', 8)).toBe(E.ISDIR); // TRUNC
    expect(open(s, 'sub', 0, 1n << 6n)).toBe(E.ISDIR); // FD_WRITE on a directory
    expect(open(s, 'f.txt', 16)).toBe(E.INVAL); // unknown oflags bit
    expect(s.x.path_create_directory(3, ...at200(s, 'sub'))).toBe(E.EXIST);
    expect(s.x.path_create_directory(3, ...at200(s, '.'))).toBe(E.EXIST);
    expect(s.x.path_remove_directory(3, ...at200(s, 'sub'))).toBe(E.NOTEMPTY);
    expect(s.x.path_remove_directory(3, ...at200(s, 'f.txt'))).toBe(E.NOTDIR);
    expect(s.x.path_remove_directory(3, ...at200(s, '.'))).toBe(E.BUSY);
    expect(s.x.path_unlink_file(3, ...at200(s, 'sub'))).toBe(E.ISDIR);
    expect(s.x.path_unlink_file(3, ...at200(s, 'nope'))).toBe(E.NOENT);
    expect(s.x.path_readlink(3, ...at200(s, 'f.txt'), 300, 10, 16)).toBe(E.INVAL);
    expect(s.x.path_symlink(...at200(s, 'f.txt'), 3, 300, 0)).toBe(E.NOENT);
    s.mem.set(enc.encode('ln'), 300);
    expect(s.x.path_symlink(...at200(s, 'f.txt'), 3, 300, 2)).toBe(E.NOTSUP);
    expect(s.x.path_link(3, 0, ...at200(s, 'f.txt'), 3, 300, 2)).toBe(E.NOTSUP);
    // rename: a directory into itself, a file over a directory, a directory over a file
    s.mem.set(enc.encode('sub/inner'), 300);
    expect(s.x.path_rename(3, ...at200(s, 'sub'), 3, 300, 9)).toBe(E.INVAL);
    expect(s.x.path_rename(3, ...at200(s, 'f.txt'), 3, 300, 3)).toBe(E.ISDIR);
    s.mem.set(enc.encode('f.txt'), 300);
    expect(s.x.path_rename(3, ...at200(s, 'empty'), 3, 300, 5)).toBe(E.NOTDIR);
    expect(s.x.path_rename(3, ...at200(s, 'nope'), 3, 300, 5)).toBe(E.NOENT);
    expect(s.wasi.directories()).toEqual(['/data', '/data/empty', '/data/sub']);
  });

  test('values and flags', () => {
    const s = setup();
    expect(s.x.clock_time_get(4, 0n, 16)).toBe(E.INVAL);
    expect(s.x.clock_res_get(-1, 16)).toBe(E.INVAL);
    expect(open(s, 'f.txt', 0, 0xffffn)).toBe(E.SUCCESS);
    const fd = new DataView(s.mem.buffer).getUint32(16, true);
    expect(s.x.fd_seek(fd, -1n, 0, 24)).toBe(E.INVAL);
    expect(s.x.fd_seek(fd, 0n, 3, 24)).toBe(E.INVAL);
    expect(s.x.fd_seek(fd, -1n << 62n, 2, 24)).toBe(E.INVAL);
    expect(s.x.fd_pread(fd, 0, 0, -1n, 24)).toBe(E.INVAL);
    expect(s.x.fd_filestat_set_size(fd, 1n << 40n)).toBe(E.FBIG);
    expect(s.x.fd_filestat_set_times(fd, 0n, 0n, 1 | 2)).toBe(E.INVAL);
    expect(s.x.fd_allocate(fd, 0n, 0n)).toBe(E.INVAL);
    expect(s.x.fd_advise(fd, 0n, 0n, 6)).toBe(E.INVAL);
    expect(s.x.fd_fdstat_set_flags(fd, 0x20)).toBe(E.INVAL);
    expect(s.x.poll_oneoff(0, 100, 0, 16)).toBe(E.INVAL);
    new DataView(s.mem.buffer).setUint8(1000 + 8, 7); // unknown subscription tag
    expect(s.x.poll_oneoff(1000, 2000, 1, 16)).toBe(E.INVAL);
    expect(s.x.proc_raise(9)).toBe(E.NOSYS);
    expect(s.x.sched_yield()).toBe(E.SUCCESS);
    for (const name of ['sock_accept', 'sock_recv', 'sock_send', 'sock_shutdown']) {
      const args = SIGS.find((g) => g.name === name)!.params.map(() => 0);
      expect([name, s.x[name](1, ...args.slice(1))]).toEqual([name, E.NOTSUP]);
      expect([name, s.x[name](99, ...args.slice(1))]).toEqual([name, E.BADF]);
    }
  });

  test('limits: maxOpenFiles (EMFILE) and maxFileSize (EFBIG)', () => {
    const s = setup(withMem, { ...OPTIONS, limits: { maxOpenFiles: 5, maxFileSize: 10 } });
    expect(open(s, 'f.txt')).toBe(E.SUCCESS); // fd 4
    expect(open(s, 'f.txt')).toBe(E.MFILE);
    const dv = new DataView(s.mem.buffer);
    dv.setUint32(0, 100, true);
    dv.setUint32(4, 11, true);
    expect(s.x.fd_write(4, 0, 1, 16)).toBe(E.FBIG);
    dv.setUint32(4, 10, true);
    expect(s.x.fd_write(4, 0, 1, 16)).toBe(E.SUCCESS);
  });

  test('a module without memory gets EFAULT (and can still exit)', () => {
    const s = setup(noMem);
    expect(s.x.fd_write(1, 0, 0, 0)).toBe(E.FAULT);
    expect(s.x.args_sizes_get(0, 4)).toBe(E.FAULT);
    expect(s.x.random_get(0, 0)).toBe(E.FAULT);
    expect(s.x.fd_close(1)).toBe(E.SUCCESS);
    expect(() => s.x.proc_exit(3)).toThrow(expect.objectContaining({ code: 'host' }));
  });
});

describe('random arguments to every function', () => {
  test('every call returns an errno (0..76) or exits; no JS exception; memory size unchanged', () => {
    const rng = new Xoshiro128(20261207);
    const pick = <T>(xs: readonly T[]): T => xs[rng.next() % xs.length];
    const I32 = [0, 1, 2, 3, 4, 5, 8, 16, 24, 64, 200, 4096, PAGE - 64, PAGE - 8, PAGE - 1, PAGE, PAGE + 1, -1, -8, 0x7fffffff, -0x80000000];
    const I64 = [0n, 1n, 2n, 100n, -1n, 1n << 32n, 1n << 62n, -(1n << 63n), (1n << 63n) - 1n];
    let calls = 0, exits = 0;
    for (let round = 0; round < 40; round++) {
      const s = setup();
      // memory of random bytes with small numbers sprinkled in, so pointers find plausible structures
      const dv = new DataView(s.mem.buffer);
      for (let i = 0; i < 4096; i += 4) dv.setUint32(i, rng.next() % 3 === 0 ? rng.next() % 300 : rng.next(), true);
      s.mem.set(enc.encode('f.txt\0sub/g.txt\0empty\0new\0../x\0'), 200);
      for (let k = 0; k < 400; k++) {
        const sig = pick(SIGS);
        const args = sig.params.map((t) => (t === 'i64' ? pick(I64) : rng.next() % 4 === 0 ? rng.next() % 512 : pick(I32)));
        calls++;
        let r: unknown;
        try {
          r = s.x[sig.name](...args);
        } catch (e) {
          if (exitOf(e) instanceof WasiExit && sig.name === 'proc_exit') { exits++; continue; }
          throw new Error(`${sig.name}(${args.join(', ')}) threw ${e}`);
        }
        if (sig.name !== 'proc_exit' && !(typeof r === 'number' && r >= 0 && r <= 76)) throw new Error(`${sig.name}(${args.join(', ')}) returned ${String(r)}`);
        expect(s.mem.length).toBe(PAGE);
      }
    }
    expect(calls).toBe(16000);
    expect(exits).toBeGreaterThan(0);
  });
});

describe('raw calls: poll_oneoff and fd_readdir semantics', () => {
  test('poll_oneoff: a sleep advances the clocks to the earliest deadline; fd subscriptions are ready at once', () => {
    const s = setup();
    const dv = new DataView(s.mem.buffer);
    const now = (): bigint => {
      expect(s.x.clock_time_get(1, 0n, 8)).toBe(E.SUCCESS);
      return dv.getBigUint64(8, true);
    };
    const clockSub = (at: number, userdata: bigint, timeout: bigint, abstime: boolean) => {
      s.mem.fill(0, at, at + 48);
      dv.setBigUint64(at, userdata, true);
      dv.setUint8(at + 8, 0);
      dv.setUint32(at + 16, 1, true); // monotonic
      dv.setBigUint64(at + 24, timeout, true);
      dv.setUint16(at + 40, abstime ? 1 : 0, true);
    };
    const t0 = now(); // 1 ms (one clock_time_get, default step)
    clockSub(1000, 11n, 5_000_000n, false);
    clockSub(1048, 22n, t0 + 1_000_000n, true);
    expect(s.x.poll_oneoff(1000, 2000, 2, 16)).toBe(E.SUCCESS);
    expect(dv.getUint32(16, true)).toBe(1);
    expect([dv.getBigUint64(2000, true), dv.getUint16(2008, true), dv.getUint8(2010)]).toEqual([22n, 0, 0]);
    expect(now()).toBe(t0 + 1_000_000n + 1_000_000n); // slept 1 ms, plus this call's step
    // stdin readable with 5 bytes ("input") and a clock: the fd event comes at once, the clock is not due
    s.mem.fill(0, 1000, 1048);
    dv.setBigUint64(1000, 33n, true);
    dv.setUint8(1008, 1);
    dv.setUint32(1016, 0, true);
    clockSub(1048, 44n, 1_000_000_000n, false);
    const t1 = now();
    expect(s.x.poll_oneoff(1000, 2000, 2, 16)).toBe(E.SUCCESS);
    expect(dv.getUint32(16, true)).toBe(1);
    expect([dv.getBigUint64(2000, true), dv.getUint16(2008, true), dv.getUint8(2010), dv.getBigUint64(2016, true)]).toEqual([33n, 0, 1, 5n]);
    expect(now()).toBe(t1 + 1_000_000n);
    // a closed fd: the event carries EBADF
    dv.setUint32(1016, 77, true);
    expect(s.x.poll_oneoff(1000, 2000, 1, 16)).toBe(E.SUCCESS);
    expect([dv.getUint32(16, true), dv.getUint16(2008, true)]).toEqual([1, E.BADF]);
  });

  test('fd_readdir: ".", "..", then sorted names; a full buffer is truncated and the cookie continues', () => {
    const s = setup();
    const dv = new DataView(s.mem.buffer);
    const read = (cookie: bigint, len: number): { used: number; names: string[]; next: bigint[] } => {
      s.mem.fill(0, 4096, 8192);
      expect(s.x.fd_readdir(3, 4096, len, cookie, 16)).toBe(E.SUCCESS);
      const used = dv.getUint32(16, true);
      const names: string[] = [], next: bigint[] = [];
      for (let p = 4096; p + 24 <= 4096 + used;) {
        const n = dv.getUint32(p + 16, true);
        next.push(dv.getBigUint64(p, true));
        names.push(new TextDecoder().decode(s.mem.subarray(p + 24, Math.min(p + 24 + n, 4096 + used))));
        p += 24 + n;
      }
      return { used, names, next };
    };
    const all = read(0n, 1000);
    expect(all.names).toEqual(['.', '..', 'empty', 'f.txt', 'sub']);
    expect(all.next).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(all.used).toBe(5 * 24 + 1 + 2 + 5 + 5 + 3);
    const part = read(0n, 60); // 25 + 26 bytes fit, then 9 bytes of the third entry's header
    expect(part.used).toBe(60);
    expect(read(3n, 1000).names).toEqual(['f.txt', 'sub']);
    expect(read(99n, 1000).used).toBe(0);
  });
});
