/**
 * detwasm measurements beyond run time: compile throughput and its linearity,
 * instantiation time, heap per instance, and executed instructions per unit
 * (for the i64-vs-i32 per-instruction comparison).
 */
import * as v8 from 'v8';
import * as vm from 'vm';
import { Engine, Store, type Module } from '../src/index.js';
import { loadProgram, PROGRAMS, type Program } from './programs.js';
import { internals } from '../src/interpreter/runtime.js';
import { countFunctions, manyFunctions, replicateFunctions } from './wasm-binary.js';
import { median, nowMs } from './measure.js';

/** `global.gc`, or one obtained by switching on --expose-gc at run time. */
export function getGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** Forces compilation of every defined function (detwasm compiles lazily on first call). */
function compileAllFunctions(module: Module, metered: boolean): number {
  const count = internals(module).vm.module.codes.length;
  for (let i = 0; i < count; i++) internals(module).compiled(i, metered);
  return count;
}

export interface CompilePoint {
  bytes: number;
  functions: number;
  /** engine.compile: decode + validate (median, ms). */
  decodeValidateMs: number;
  /** Compiling every function to bytecode, unmetered (median, ms). */
  compileMs: number;
  /** The same, metered (gas instructions placed), ms. */
  compileMeteredMs: number;
  /** bytes / (decodeValidateMs + compileMs), in MB/s (MB = 10^6 bytes). */
  mbPerSec: number;
}

export interface CompileResult {
  template: string;
  what: string;
  x1: CompilePoint;
  x10: CompilePoint;
  /** Time ratio (decode + validate + compile) of the 10x module to the 1x module. */
  ratio10x: number;
}

interface CompileSample {
  decodeValidateMs: number;
  compileMs: number;
  compileMeteredMs: number;
  functions: number;
}

function compileOnce(bytes: Uint8Array): CompileSample {
  const engine = new Engine();
  let t0 = nowMs();
  const module = engine.compile(bytes);
  const decodeValidateMs = nowMs() - t0;
  t0 = nowMs();
  const functions = compileAllFunctions(module, false);
  const compileMs = nowMs() - t0;
  t0 = nowMs();
  compileAllFunctions(module, true);
  return { decodeValidateMs, compileMs, compileMeteredMs: nowMs() - t0, functions };
}

function compilePoint(bytes: Uint8Array, samples: CompileSample[]): CompilePoint {
  const decodeValidateMs = median(samples.map((s) => s.decodeValidateMs));
  const compileMs = median(samples.map((s) => s.compileMs));
  return {
    bytes: bytes.length,
    functions: samples[0].functions,
    decodeValidateMs,
    compileMs,
    compileMeteredMs: median(samples.map((s) => s.compileMeteredMs)),
    mbPerSec: bytes.length / 1e6 / ((decodeValidateMs + compileMs) / 1000),
  };
}

/**
 * Compile throughput on the biggest corpus program replicated to >= `targetBytes`
 * (every defined function copied; calls keep pointing at the first copy), and
 * on a module 10x that size.
 */
export async function measureCompile(targetBytes: number, reps: number): Promise<CompileResult> {
  let biggest: { p: Program; bytes: Uint8Array } | undefined;
  for (const p of PROGRAMS.filter((x) => x.kind === 'corpus')) {
    const bytes = await loadProgram(p);
    if (!biggest || bytes.length > biggest.bytes.length) biggest = { p, bytes };
  }
  const { p, bytes } = biggest!;
  const copies = Math.max(1, Math.ceil(targetBytes / bytes.length));
  const m1 = replicateFunctions(bytes, copies);
  const m10 = replicateFunctions(bytes, copies * 10);
  compileOnce(m1); // warm-up of the decoder, validator and compiler code
  compileOnce(m1);
  // 1x and 10x alternate, so that a change of machine load hits both.
  const s1: CompileSample[] = [], s10: CompileSample[] = [];
  for (let i = 0; i < reps; i++) {
    s1.push(compileOnce(m1));
    s10.push(compileOnce(m10));
  }
  const x1 = compilePoint(m1, s1);
  const x10 = compilePoint(m10, s10);
  return {
    template: `${p.name}.wasm (${bytes.length} bytes, ${countFunctions(bytes)} functions) x${copies} and x${copies * 10}`,
    what: 'engine.compile (decode + validate) then compiles every defined function (detwasm compiles lazily on first call; this forces it); metered compile reported separately',
    x1,
    x10,
    ratio10x: (x10.decodeValidateMs + x10.compileMs) / (x1.decodeValidateMs + x1.compileMs),
  };
}

export interface InstantiateResult {
  program: string;
  /** new Store + store.instantiate of an already compiled module (median, µs). */
  detwasmUs: number;
  /** new WebAssembly.Instance of an already compiled module (median, µs), for reference. */
  nativeUs: number;
}

export async function measureInstantiate(names: string[], reps: number): Promise<InstantiateResult[]> {
  const out: InstantiateResult[] = [];
  for (const name of names) {
    const p = PROGRAMS.find((x) => x.name === name)!;
    const bytes = await loadProgram(p);
    const engine = new Engine();
    const module = engine.compile(bytes);
    const nativeModule = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
    const d: number[] = [], n: number[] = [];
    for (let i = 0; i < reps; i++) {
      let t0 = nowMs();
      new Store(engine, {}).instantiate(module, {});
      d.push(nowMs() - t0);
      t0 = nowMs();
      new WebAssembly.Instance(nativeModule, {});
      n.push(nowMs() - t0);
    }
    out.push({ program: name, detwasmUs: median(d) * 1000, nativeUs: median(n) * 1000 });
  }
  return out;
}

export interface HeapPoint {
  instances: number;
  /** Per instance: JS heap (process.memoryUsage().heapUsed) growth, bytes. */
  heapPerInstance: number;
  /** Per instance: ArrayBuffer growth (linear memory, value and call stacks), bytes. */
  arrayBuffersPerInstance: number;
}

export interface HeapResult {
  program: string;
  /** Defined functions of the module. */
  functions: number;
  /** The module's initial linear memory, bytes. */
  memoryBytes: number;
  /** Each instance in its own Store (each store owns a value stack and a call stack). */
  ownStore: HeapPoint[];
  /** All instances in one Store. */
  sharedStore: HeapPoint[];
  /** Whether the per-instance cost at the larger count is within 25% (+4 KiB, GC noise) of the smaller one. */
  bounded: boolean;
}

function heapPoint(k: number, make: () => unknown): HeapPoint {
  const gc = getGc();
  gc();
  gc();
  const before = process.memoryUsage();
  const keep: unknown[] = [];
  for (let i = 0; i < k; i++) keep.push(make());
  gc();
  gc();
  const after = process.memoryUsage();
  const point = {
    instances: k,
    heapPerInstance: (after.heapUsed - before.heapUsed) / k,
    arrayBuffersPerInstance: (after.arrayBuffers - before.arrayBuffers) / k,
  };
  keep.length = 0;
  return point;
}

/** Heap per instance of `bytes` (exports `run(i32)`, called once with `runArg` first so its functions are compiled). */
function heapOf(program: string, bytes: Uint8Array, runArg: number, counts: [number, number]): HeapResult {
  const engine = new Engine();
  const module = engine.compile(bytes);
  const probe = new Store(engine, {}).instantiate(module, {});
  const mem = probe.exports.memory as { buffer: ArrayBuffer } | undefined;
  // Run once so the module's bytecode is compiled (shared by all instances) before counting.
  (probe.exports.run as (n: number) => unknown)(runArg);
  const ownStore = counts.map((k) => heapPoint(k, () => new Store(engine, {}).instantiate(module, {})));
  const shared = new Store(engine, {});
  const sharedStore = counts.map((k) => heapPoint(k, () => shared.instantiate(module, {})));
  const ok = (a: HeapPoint, b: HeapPoint): boolean =>
    // GC noise can make the smaller count's growth negative: compare with at least 0.
    b.heapPerInstance <= Math.max(0, a.heapPerInstance) * 1.25 + 4096 &&
    b.arrayBuffersPerInstance <= Math.max(0, a.arrayBuffersPerInstance) * 1.25 + 4096;
  return {
    program,
    functions: countFunctions(bytes),
    memoryBytes: mem ? mem.buffer.byteLength : 0,
    ownStore,
    sharedStore,
    bounded: ok(ownStore[0], ownStore[1]) && ok(sharedStore[0], sharedStore[1]),
  };
}

/**
 * Heap per instance of the named programs at `counts` instances, and of a
 * module of `manyFunctions` functions (manyFunctions in wasm-binary.ts) at a
 * tenth of those counts: what an instance costs does not grow with the
 * functions its module has but does not reference.
 */
export async function measureHeap(names: string[], counts: [number, number], manyFunctionsCount = 100_000): Promise<HeapResult[]> {
  const out: HeapResult[] = [];
  for (const name of names) {
    const p = PROGRAMS.find((x) => x.name === name)!;
    out.push(heapOf(name, await loadProgram(p), p.quickN, counts));
  }
  if (manyFunctionsCount > 0) {
    out.push(heapOf(`${manyFunctionsCount} functions`, manyFunctions(manyFunctionsCount), 1, [Math.max(1, counts[0] / 10), Math.max(2, counts[1] / 10)]));
  }
  return out;
}

/**
 * Executed wasm instructions per unit of every program, with the 'unit' gas
 * schedule (gasUsed = executed instructions, src/gas/schedule.ts), as
 * (count(2q) - count(q)) / q so a run's fixed start-up work cancels out.
 */
export async function measureInstructionCounts(programs: readonly Program[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const p of programs) {
    const bytes = await loadProgram(p);
    const engine = new Engine({ gas: 'unit', features: { floats: true } });
    let module: ReturnType<Engine['compile']>;
    try {
      module = engine.compile(bytes);
    } catch {
      continue; // a program detwasm cannot run (its cells failed too): no count
    }
    const count = (n: number): number => {
      const store = new Store(engine, { gas: Number.MAX_SAFE_INTEGER });
      const inst = store.instantiate(module, {});
      (inst.exports.run as (n: number) => unknown)(n);
      return store.gasUsed;
    };
    const q = p.kind === 'micro' ? 10_000 : Math.max(4, p.quickN * 4);
    out[p.name] = (count(2 * q) - count(q)) / q;
  }
  return out;
}
