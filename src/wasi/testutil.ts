/**
 * The WASI example programs (examples/wasi/*.c, built by examples/wasi/build.sh)
 * and the runs the tests make of them: arguments, environment, input files,
 * and the expected standard output and files.
 */
import * as fs from 'fs';
import * as path from 'path';

export const EXAMPLES = path.resolve(__dirname, '../../examples/wasi');

/** The bytes of examples/wasi/NAME.wasm. */
export function program(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(EXAMPLES, name + '.wasm')));
}

/** One run of an example program. */
export interface Case {
  program: string;
  args: string[];
  env: Record<string, string>;
  /** Contents of the preopened directory /data. */
  data: Record<string, string>;
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Regular files under /data after the run. */
  files: Record<string, string>;
}

export const INPUT = 'The quick brown fox\njumps over\tthe lazy dog.\n\n  caf\u00e9 cr\u00e8me br\u00fbl\u00e9e  \nno newline at the end';

export const CASES: Record<string, Case> = {};

const SUB = 'one two\nthree\n';

CASES.wc = {
  program: 'wc', args: ['wc', '/data/input.txt', '/data/sub/a.txt', '/data/missing.txt'], env: {},
  data: { 'input.txt': INPUT, 'sub/a.txt': SUB },
  exitCode: 1,
  stdout: '      4      17      93 /data/input.txt\n      2       3      14 /data/sub/a.txt\n      6      20     107 total\n',
  stderr: 'wc: /data/missing.txt: No such file or directory\n',
  files: { '/data/input.txt': INPUT, '/data/sub/a.txt': SUB },
};

CASES.files = {
  program: 'files', args: ['files', '/data'], env: {},
  data: { 'input.txt': INPUT, 'sub/a.txt': SUB, 'b.bin': '\u0000\u0001\u0002' },
  exitCode: 0,
  stdout: [
    '/data: 3 entries', '  b.bin 3 bytes', '  input.txt 93 bytes', '  sub/',
    'mkdir out: ok', 'mkdir out again: File exists', 'open log.txt: ok', 'size by lseek: 126', 'tell after write: 6',
    'pread: line #: 1 squared is', 'ftruncate 40: ok', 'rename log.txt renamed.txt: ok', 'stat log.txt: No such file or directory',
    'mkdir out/tmp: ok', 'rmdir out/tmp (not empty): Directory not empty', 'unlink out/tmp/x: ok', 'rmdir out/tmp: ok',
    'unlink out (a directory): Is a directory', 'open missing.txt: No such file or directory',
    'open ../escape.txt: Capabilities insufficient',
    '/data: 5 entries', '  b.bin 3 bytes', '  input.txt 93 bytes', '  new.txt 19 bytes', '  out/', '  sub/',
    '/data/out: 1 entries', '  renamed.txt 40 bytes', '',
  ].join('\n'),
  stderr: '',
  files: {
    '/data/b.bin': '\u0000\u0001\u0002', '/data/input.txt': INPUT, '/data/new.txt': 'written by files.c\n',
    '/data/out/renamed.txt': 'line #: 1 squared is 1\nline 2: 2 squared', '/data/sub/a.txt': SUB,
  },
};

/** Lines of info's output that depend on the clocks or on randomness (they differ under node:wasi). */
export const INFO_CLOCK_AND_RANDOM_LINES = ['realtime=', 'monotonic=', 'slept at least 1.5 ms: ', 'slept ns=', 'date=', 'random='];

CASES.info = {
  program: 'info', args: ['info', 'alpha', 'beta gamma', ''], env: { HOME: '/home/user', LANG: 'C.UTF-8', EMPTY: '' },
  data: {},
  exitCode: 0,
  stdout: [
    'argc=4', 'argv[0]=info', 'argv[1]=alpha', 'argv[2]=beta gamma', 'argv[3]=',
    'env HOME=/home/user', 'env LANG=C.UTF-8', 'env EMPTY=',
    // default clocks: real time starts at 1,700,000,000 s, every clock_time_get adds 1 ms, the 1.5 ms sleep adds 1.5 ms
    'realtime=1700000000.001000000', 'monotonic=0.002000000', 'slept at least 1.5 ms: yes', 'slept ns=2500000',
    'date=2023-11-14 22:13:20 UTC',
    // xoshiro128** seeded with SplitMix64(0): outputs 0xdec9045d 0x9a089d75 ... as little-endian bytes
    'random=5d04c9de759d089a62d377ab0564e1c3',
    'sqrt(4.5)=2.1213203435596424 sin=-0.97753011766509701 exp=3.493427e+19 pow=1.651',
    'float=1.5 rounded=4502', '',
  ].join('\n'),
  stderr: '',
  files: {},
};

CASES.exit = {
  program: 'exit', args: ['exit', '7'], env: {}, data: {},
  exitCode: 7, stdout: 'exiting with 7\n', stderr: 'to stderr before exit\n', files: {},
};

