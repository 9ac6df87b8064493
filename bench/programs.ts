/**
 * The benchmark programs: the C corpus (bench/corpus/*.c, built to the
 * committed .wasm by bench/build.sh) and the WAT microbenchmarks
 * (bench/micro/*.wat, converted with wabt at load time).
 *
 * Every program exports `run(n: i32)`, does n units of work of (roughly)
 * constant size whatever n is, and returns a checksum (i32 or i64) that
 * depends only on n. `n` is sized so one run takes ~50-300 ms on the host's
 * own WebAssembly engine (measured: Node 20, V8, x86-64); `quickN` is for the
 * smoke test.
 */
import * as fs from 'fs';
import * as path from 'path';

export type ResultType = 'i32' | 'i64';

export interface Program {
  name: string;
  kind: 'corpus' | 'micro';
  /** Path relative to the bench directory. */
  file: string;
  result: ResultType;
  /** Units of work per run for the native engine (~50-300 ms). */
  n: number;
  /** Units of work per run in --quick mode. */
  quickN: number;
  /** What one unit is. */
  unit: string;
  /** Uses f32/f64 (needs `features.floats`; the rest of the corpus is integer-only). */
  floats?: true;
}

export const PROGRAMS: readonly Program[] = [
  { name: 'fib', kind: 'corpus', file: 'corpus/fib.wasm', result: 'i32', n: 6000, quickN: 2, unit: 'fib(20) or fib(21), recursive' },
  { name: 'sha256', kind: 'corpus', file: 'corpus/sha256.wasm', result: 'i32', n: 600_000, quickN: 16, unit: 'one 64-byte SHA-256 block' },
  { name: 'i64arith', kind: 'corpus', file: 'corpus/i64arith.wasm', result: 'i64', n: 700_000, quickN: 16, unit: '64 rounds of xorshift/mul/div/rem/rotate on u64' },
  { name: 'i32arith', kind: 'corpus', file: 'corpus/i32arith.wasm', result: 'i32', n: 700_000, quickN: 16, unit: 'the i64arith unit on u32 (same C source)' },
  { name: 'sort', kind: 'corpus', file: 'corpus/sort.wasm', result: 'i32', n: 2200, quickN: 1, unit: 'quicksort + heapsort of 1024 words' },
  { name: 'lz', kind: 'corpus', file: 'corpus/lz.wasm', result: 'i32', n: 7000, quickN: 1, unit: 'LZ compress + decompress of 4 KiB' },
  { name: 'vm', kind: 'corpus', file: 'corpus/vm.wasm', result: 'i32', n: 900, quickN: 1, unit: 'one bytecode-VM run (primes + Collatz below 200)' },
  { name: 'indirect', kind: 'corpus', file: 'corpus/indirect.wasm', result: 'i32', n: 13_000, quickN: 2, unit: '1024 call_indirect through an 8-entry table' },
  { name: 'bulk', kind: 'corpus', file: 'corpus/bulk.wasm', result: 'i32', n: 60_000, quickN: 2, unit: '64 memory.copy + 16 memory.fill of up to 4 KiB' },
  { name: 'mixed', kind: 'corpus', file: 'corpus/mixed.wasm', result: 'i32', n: 40_000, quickN: 2, unit: 'one pass of linked list, 16-bit matrix, state machine and CRC-16 kernels (CoreMark-like)' },
  { name: 'nbody', kind: 'corpus', file: 'corpus/nbody.wasm', result: 'i64', n: 1_000_000, quickN: 16, unit: 'one f64 n-body step (5 bodies, 10 pairs)', floats: true },
  { name: 'matmul', kind: 'corpus', file: 'corpus/matmul.wasm', result: 'i32', n: 30_000, quickN: 2, unit: 'one f32 16x16 matrix product + frac', floats: true },
  { name: 'micro-locals', kind: 'micro', file: 'micro/locals.wat', result: 'i32', n: 200_000_000, quickN: 1000, unit: 'loop iteration: 12 local ops + 4 i32.add' },
  { name: 'micro-calls', kind: 'micro', file: 'micro/calls.wat', result: 'i32', n: 20_000_000, quickN: 1000, unit: 'loop iteration: 4 direct calls' },
  { name: 'micro-calls2', kind: 'micro', file: 'micro/calls2.wat', result: 'i32', n: 10_000_000, quickN: 1000, unit: 'loop iteration: 6 direct calls (0-4 params, 0-1 results) + 2 call_indirect' },
  { name: 'micro-memory', kind: 'micro', file: 'micro/memory.wat', result: 'i32', n: 60_000_000, quickN: 1000, unit: 'loop iteration: 4 stores + 4 loads' },
  { name: 'micro-i32', kind: 'micro', file: 'micro/i32.wat', result: 'i32', n: 40_000_000, quickN: 1000, unit: 'loop iteration: 12 i32 ops incl. mul, div_u, rotl' },
  { name: 'micro-i64', kind: 'micro', file: 'micro/i64.wat', result: 'i64', n: 40_000_000, quickN: 1000, unit: 'the micro-i32 iteration on i64' },
  { name: 'micro-f32', kind: 'micro', file: 'micro/f32.wat', result: 'i32', n: 15_000_000, quickN: 1000, unit: 'loop iteration: 11 f32 ops incl. div, abs + the counter (micro-i32 shape)', floats: true },
  { name: 'micro-f64', kind: 'micro', file: 'micro/f64.wat', result: 'i64', n: 15_000_000, quickN: 1000, unit: 'the micro-f32 iteration on f64', floats: true },
  { name: 'micro-brtable', kind: 'micro', file: 'micro/brtable.wat', result: 'i32', n: 200_000_000, quickN: 1000, unit: 'loop iteration: one 9-way br_table + one op' },
];

/** Pairs of programs of the same shape in i64 and i32 (for the per-instruction comparison). */
export const WIDTH_PAIRS: ReadonlyArray<{ i64: string; i32: string }> = [
  { i64: 'i64arith', i32: 'i32arith' },
  { i64: 'micro-i64', i32: 'micro-i32' },
];

/** Float programs of the same loop shape as an integer one (per-instruction cost of floats vs i32). */
export const FLOAT_PAIRS: ReadonlyArray<{ float: string; i32: string }> = [
  { float: 'micro-f32', i32: 'micro-i32' },
  { float: 'micro-f64', i32: 'micro-i32' },
];

export const BENCH_DIR = findBenchDir();

/** The bench source directory, from src (bench/) or from the build (dist/cjs/bench/). */
function findBenchDir(): string {
  const candidates = [__dirname, path.resolve(__dirname, '../../../bench')];
  for (const c of candidates) if (fs.existsSync(path.join(c, 'corpus', 'fib.wasm'))) return c;
  throw new Error(`bench: cannot find the bench directory (looked in ${candidates.join(', ')})`);
}

let wabtPromise: Promise<{ parseWat(name: string, text: Uint8Array, features?: object): { toBinary(o: object): { buffer: Uint8Array }; destroy(): void } }> | undefined;

/** The program's module binary (WAT sources are converted with the wabt npm package). */
export async function loadProgram(p: Program): Promise<Uint8Array> {
  const file = path.join(BENCH_DIR, p.file);
  const data = new Uint8Array(fs.readFileSync(file));
  if (!p.file.endsWith('.wat')) return data;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  wabtPromise ??= require('wabt')();
  const wabt = await wabtPromise!;
  const mod = wabt.parseWat(p.file, data, {});
  try {
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}

export function findProgram(name: string): Program {
  const p = PROGRAMS.find((x) => x.name === name);
  if (!p) throw new Error(`bench: unknown program "${name}" (known: ${PROGRAMS.map((x) => x.name).join(', ')})`);
  return p;
}

/** A checksum as an unsigned decimal string of its width, whatever JS type the engine returned. */
export function normalizeChecksum(v: unknown, type: ResultType): string {
  if (type === 'i32') {
    if (typeof v !== 'number' || !Number.isInteger(v)) return `not an i32: ${describeValue(v)}`;
    return String(v >>> 0);
  }
  if (typeof v !== 'bigint') return `not an i64 BigInt: ${describeValue(v)}`;
  return BigInt.asUintN(64, v).toString();
}

function describeValue(v: unknown): string {
  if (typeof v === 'object' && v !== null) return `${v.constructor?.name ?? 'object'} ${String(v)}`;
  return `${typeof v} ${String(v)}`;
}
