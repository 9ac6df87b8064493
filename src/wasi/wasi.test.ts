/**
 * The WASI host running real C programs (examples/wasi, clang + wasi-libc):
 * outputs and files byte for byte, exit codes, gas identical on every run,
 * and the host's own pieces (clocks, random_get, stdio sinks, options).
 */
import { Engine, Store, Trap } from '../index.js';
import { ERRNO, Wasi, WasiExit, exitOf, runWasi, wasiEngineConfig, type RunWasiOptions } from './index.js';
import { Xoshiro128 } from './random.js';
import { CASES, program, type Case } from './testutil.js';

const td = new TextDecoder();
const text = (files: Record<string, Uint8Array>) => Object.fromEntries(Object.entries(files).map(([p, b]) => [p, td.decode(b)]));

function run(c: Case, extra: RunWasiOptions = {}) {
  return runWasi(program(c.program), { args: c.args, env: c.env, preopens: { '/data': c.data }, budget: 1e12, ...extra });
}

describe('example programs', () => {
  test.each(Object.keys(CASES))('%s: stdout, stderr, exit code and files byte for byte', (name) => {
    const c = CASES[name];
    const r = run(c);
    expect(td.decode(r.stdout)).toBe(c.stdout);
    expect(td.decode(r.stderr)).toBe(c.stderr);
    expect(r.exitCode).toBe(c.exitCode);
    expect(text(r.files)).toEqual(c.files);
    expect(r.gasUsed).toBeGreaterThan(0);
  });

  test.each(Object.keys(CASES))('%s: the same output, files and gas on a second run', (name) => {
    const a = run(CASES[name]), b = run(CASES[name]);
    expect([b.stdout, b.stderr, b.exitCode, b.files, b.directories, b.gasUsed]).toEqual([a.stdout, a.stderr, a.exitCode, a.files, a.directories, a.gasUsed]);
  });

  test('unmetered runs give the same output', () => {
    const r = run(CASES.files, { budget: undefined });
    expect(td.decode(r.stdout)).toBe(CASES.files.stdout);
    expect(r.gasUsed).toBe(0);
  });

  test('the programs contain float code, run with floats on by default and are rejected with floats off', () => {
    expect(wasiEngineConfig().features).toEqual({ floats: true });
    expect(wasiEngineConfig({ features: { floats: false } }).features).toEqual({ floats: false });
    expect(() => runWasi(program('info'), { config: { features: { floats: false } } })).toThrow(/float/);
  });

  test('stdin is read by the program (wc without arguments)', () => {
    const r = runWasi(program('wc'), { args: ['wc'], stdin: 'a b\nc\n' });
    expect(td.decode(r.stdout)).toBe('      2       3       6 -\n');
  });

  test('stdin given as a function is read once, when the program first reads it', () => {
    let calls = 0;
    const stdin = () => { calls++; return 'x y z'; };
    expect(td.decode(runWasi(program('wc'), { args: ['wc'], stdin }).stdout)).toBe('      0       3       5 -\n');
    expect(calls).toBe(1);
    runWasi(program('exit'), { args: ['exit', '0'], stdin });
    expect(calls).toBe(1);
  });

  test('stdout and stderr streamed to callbacks are not captured', () => {
    const out: string[] = [], err: string[] = [];
    const r = runWasi(program('exit'), { args: ['exit', '0'], stdout: (b) => out.push(td.decode(b)), stderr: (b) => err.push(td.decode(b)) });
    expect([out.join(''), err.join(''), r.stdout.length, r.stderr.length, r.exitCode]).toEqual(['exiting with 0\n', 'to stderr before exit\n', 0, 0, 0]);
  });

  test('out of gas is a Trap, never an exit', () => {
    let caught: unknown;
    try {
      run(CASES.files, { budget: 50_000 });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Trap);
    expect((caught as Trap).code).toBe('out_of_gas');
  });

  test('WASI gas costs: base per call and per byte change gasUsed deterministically', () => {
    const g = (gas: RunWasiOptions['gas']) => run(CASES.wc, { gas }).gasUsed;
    const base0 = g({ base: 0, perByte: 0 }), base1 = g({ base: 1, perByte: 0 }), byte1 = g({ base: 0, perByte: 1 });
    expect(base1).toBeGreaterThan(base0);
    expect(byte1 - base0).toBeGreaterThanOrEqual(93 + 14); // at least the bytes of the two files read
    expect(g({})).toBe(run(CASES.wc).gasUsed);
  });
});

describe('proc_exit', () => {
  test('start returns the code; WasiExit is the Trap cause of a direct _start call; propagate mode throws it as is', () => {
    const engine = new Engine(wasiEngineConfig());
    const module = engine.compile(program('exit'));
    const wasi = new Wasi({ args: ['exit', '300'] });
    expect(wasi.start(new Store(engine).instantiate(module, wasi.imports()))).toBe(300);
    expect(wasi.exitCode).toBe(300);

    const w2 = new Wasi({ args: ['exit', '-1'] });
    const inst = new Store(engine).instantiate(module, w2.imports());
    let caught: unknown;
    try {
      (inst.exports._start as () => void)();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(Trap);
    expect((caught as Trap).cause).toBeInstanceOf(WasiExit);
    expect(exitOf(caught)?.code).toBe(0xffffffff);

    const w3 = new Wasi({ args: ['exit', '9'] });
    const i3 = new Store(engine, { hostErrors: 'propagate' }).instantiate(module, w3.imports());
    expect(() => (i3.exports._start as () => void)()).toThrow(WasiExit);
    expect(w3.start(new Store(engine).instantiate(module, w3.imports()))).toBe(9);
  });
});

describe('clocks, random, options', () => {
  const infoLine = (r: ReturnType<typeof runWasi>, key: string) => td.decode(r.stdout).split('\n').find((l) => l.startsWith(key));

  test('clock start, step and perGas', () => {
    const info = CASES.info;
    const a = run(info, { clock: { start: 86_400_000_000_000n, step: 0 } });
    expect(infoLine(a, 'realtime=')).toBe('realtime=86400.000000000');
    expect(infoLine(a, 'date=')).toBe('date=1970-01-02 00:00:00 UTC');
    expect(infoLine(a, 'slept ns=')).toBe('slept ns=1500000');
    const b = run(info, { clock: { step: 0, perGas: 1 } });
    const gasTime = Number(/monotonic=0\.(\d+)/.exec(td.decode(b.stdout))![1]);
    expect(gasTime).toBeGreaterThan(0);
    expect(run(info, { clock: { step: 0, perGas: 1 } }).stdout).toEqual(b.stdout);
  });

  test('seeded random_get: another seed, other bytes; the same seed, the same bytes', () => {
    const r1 = infoLine(run(CASES.info, { seed: 1 }), 'random=');
    expect(r1).not.toBe('random=5d04c9de759d089a62d377ab0564e1c3');
    expect(infoLine(run(CASES.info, { seed: 1n }), 'random=')).toBe(r1);
  });

  test('xoshiro128** with SplitMix64 seeding matches the reference C code (seeds 0, 42, 2^64 - 1)', () => {
    // outputs of prng.di.unimi.it's xoshiro128starstar.c seeded with two splitmix64.c outputs, compiled with clang
    const first5 = (seed: bigint | number) => { const g = new Xoshiro128(seed); return [0, 1, 2, 3, 4].map(() => g.next()); };
    expect(first5(0)).toEqual([3737715805, 2584255861, 2876756834, 3286328325, 1553311962]);
    expect(first5(42n)).toEqual([1776835114, 4165204688, 17111135, 2317295270, 2792088233]);
    expect(first5(-1)).toEqual([477689756, 2493998634, 555695776, 607808419, 61340979]);
    const bytes = new Uint8Array(6);
    new Xoshiro128(0).fill(bytes);
    expect([...bytes]).toEqual([0x5d, 0x04, 0xc9, 0xde, 0x75, 0x9d]);
  });

  test('options are checked', () => {
    expect(() => new Wasi({ argz: [] } as never)).toThrow(/unknown key 'argz' \(did you mean 'args'\?\)/);
    expect(() => new Wasi({ clock: { stepp: 1 } as never })).toThrow(/unknown key 'stepp'/);
    expect(() => new Wasi({ args: ['a\0b'] })).toThrow(TypeError);
    expect(() => new Wasi({ env: { 'A=B': 'c' } })).toThrow(/invalid variable name/);
    expect(() => new Wasi({ preopens: { '/d': { 'a/..': 'x' } } })).toThrow(/invalid name/);
    expect(() => new Wasi({ preopens: { '/d': { a: 'x', 'a/b': 'y' } } })).toThrow(/both a file and a directory/);
    expect(() => new Wasi({ clock: { step: -1 } })).toThrow(RangeError);
    expect(() => new Wasi({ seed: 0.5 })).toThrow(RangeError);
    expect(() => runWasi(new Engine(wasiEngineConfig()).compile(program('exit')), { config: {} })).toThrow(/config applies to a module given as bytes/);
  });

  test('file trees: nested objects, maps, paths with slashes, empty directories, bytes', () => {
    const wasi = new Wasi({ preopens: { '/a': new Map<string, never>([['x/y.txt', 'Y' as never], ['empty', {} as never]]), '/b': { d: { 'e.bin': new Uint8Array([1, 2]) } } } });
    expect(Object.keys(wasi.files())).toEqual(['/a/x/y.txt', '/b/d/e.bin']);
    expect(wasi.directories()).toEqual(['/a', '/a/empty', '/a/x', '/b', '/b/d']);
    expect([...wasi.readFile('/b/d/e.bin')!]).toEqual([1, 2]);
    expect(wasi.readFile('/nope')).toBeUndefined();
  });

  test('fd_readdir lists a name longer than 255 bytes given by the embedder (C readdir)', () => {
    const long = 'n'.repeat(1500);
    const r = runWasi(program('files'), { args: ['files', '/data'], preopens: { '/data': { [long]: 'x' } } });
    expect(td.decode(r.stdout)).toContain(`/data: 1 entries\n  ${long}: stat: Filename too long\n`);
  });

  test('all 46 wasi_snapshot_preview1 functions are provided', () => {
    expect(Object.keys(new Wasi().imports().wasi_snapshot_preview1).sort()).toEqual([
      'args_get', 'args_sizes_get', 'clock_res_get', 'clock_time_get', 'environ_get', 'environ_sizes_get', 'fd_advise', 'fd_allocate',
      'fd_close', 'fd_datasync', 'fd_fdstat_get', 'fd_fdstat_set_flags', 'fd_fdstat_set_rights', 'fd_filestat_get', 'fd_filestat_set_size',
      'fd_filestat_set_times', 'fd_pread', 'fd_prestat_dir_name', 'fd_prestat_get', 'fd_pwrite', 'fd_read', 'fd_readdir', 'fd_renumber',
      'fd_seek', 'fd_sync', 'fd_tell', 'fd_write', 'path_create_directory', 'path_filestat_get', 'path_filestat_set_times', 'path_link',
      'path_open', 'path_readlink', 'path_remove_directory', 'path_rename', 'path_symlink', 'path_unlink_file', 'poll_oneoff', 'proc_exit',
      'proc_raise', 'random_get', 'sched_yield', 'sock_accept', 'sock_recv', 'sock_send', 'sock_shutdown',
    ]);
    expect(ERRNO.NOTCAPABLE).toBe(76);
  });
});
