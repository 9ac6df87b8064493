/** Test helpers: WAT -> binary via wabt, and instantiation shortcuts. */
import { Engine, Memory, Store, callResumable, type Instance, type Module } from '../index.js';
import { compileFunction, type CompileStats, type CompiledFunc } from './compiler.js';
import { disassemble } from './bytecode.js';
import { internals } from './runtime.js';
import type { Finished } from './resume.js';
import { hash64 } from './hash.js';
import type { EngineConfig } from '../config.js';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const wabtPromise: Promise<any> = require('wabt')();

/** `names`: also write the name section (function names from `$ids`). */
export async function wat(text: string, opts: { names?: boolean } = {}): Promise<Uint8Array> {
  const wabt = await wabtPromise;
  const mod = wabt.parseWat('test.wat', new Uint8Array(Buffer.from(text, 'utf8')), { multi_value: true, bulk_memory: true, reference_types: true });
  try {
    return new Uint8Array(mod.toBinary({ write_debug_names: !!opts.names }).buffer);
  } finally {
    mod.destroy();
  }
}

export interface Setup {
  engine: Engine;
  store: Store;
  instance: Instance;
  exports: Record<string, any>;
}

export async function instantiateWat(
  text: string,
  opts: { config?: EngineConfig; gas?: number | bigint; imports?: Record<string, Record<string, unknown>> } = {},
): Promise<Setup> {
  const engine = new Engine(opts.config);
  const store = new Store(engine, opts.gas === undefined ? {} : { gas: opts.gas });
  const instance = store.instantiate(engine.compile(await wat(text)), opts.imports);
  return { engine, store, instance, exports: instance.exports as Record<string, any> };
}

/** Defined function `codeIndex` of `module` compiled afresh (not cached), counting compile steps into `stats` if given. */
export function compileFresh(module: Module, codeIndex: number, metered = false, stats?: CompileStats): CompiledFunc {
  const m = internals(module);
  return compileFunction(m.vm, codeIndex, metered, m.engine.schedule, stats);
}

/** The disassembly of defined function `codeIndex` of `module` (bytecode.ts `disassemble`). */
export function listingOf(module: Module, codeIndex: number, metered = false): string {
  return disassemble(compileFresh(module, codeIndex, metered).code);
}

/** Calls fn and returns the thrown error (fails the test if nothing is thrown). */
export function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an exception');
}

/** A seeded generator of unsigned 32-bit integers (xorshift32) for reproducible randomized tests. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

/**
 * Calls `fn(...args)` resumably and runs it to its end adding one unit of gas
 * to `store` at each pause, which must be out of gas: the finished call and
 * the number of pauses (resumed calls must give the uninterrupted result).
 */
export function resumeByUnits(store: Store, fn: unknown, ...args: unknown[]): { call: Finished; pauses: number } {
  let call = callResumable(fn as (...a: unknown[]) => unknown, ...args);
  let pauses = 0;
  while (!call.done) {
    if (call.reason !== 'out_of_gas') throw new Error(`resumeByUnits: paused for ${String(call.reason)}, not out of gas`);
    pauses++;
    store.gasRemaining = store.gasRemaining + 1;
    call = call.resume();
  }
  return { call, pauses };
}

/** FNV-1a over the bytes of every memory among `exports` (a state fingerprint for resume and snapshot tests). */
export function memoryHash(exports: Record<string, unknown>): string {
  let h = 0x811c9dc5;
  for (const v of Object.values(exports)) {
    if (!(v instanceof Memory)) continue;
    const b = new Uint8Array(v.buffer);
    for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 16777619);
  }
  return (h >>> 0).toString(16);
}

/** Writes snapshot `b`'s hash again (bytes 24..31, over everything from byte 32) after a test damaged it, so restore reads the damage; returns `b`. */
export function reseal(b: Uint8Array): Uint8Array {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const [h0, h1] = hash64(b.subarray(32));
  dv.setUint32(24, h0, true);
  dv.setUint32(28, h1, true);
  return b;
}

/**
 * A module whose exported `run(n)` loop makes calls and returns (a recursion
 * $rec), a host call (import "env" "h", i32 -> i32), a call_indirect, a
 * br_table, memory.grow and a memory.fill of `fillBytes` bytes per iteration.
 * The resume tests pause and resume it everywhere.
 */
export function callsLoopWat(fillBytes: number): string {
  return `(module
  (import "env" "h" (func $h (param i32) (result i32)))
  (memory (export "mem") 1 4)
  (table 2 funcref) (elem (i32.const 0) $sq $inc)
  (type $t (func (param i32) (result i32)))
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $rec (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $rec (i32.sub (local.get 0) (i32.const 1))) (call $rec (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "run") (param $n i32) (result i32) (local $acc i32) (local $i i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $rec (i32.and (local.get $i) (i32.const 7)))))
      (local.set $acc (i32.xor (local.get $acc) (call $h (local.get $i))))
      (local.set $acc (i32.add (local.get $acc) (call_indirect (type $t) (local.get $i) (i32.and (local.get $i) (i32.const 1)))))
      (block $b2 (block $b1 (block $b0 (br_table $b0 $b1 $b2 (i32.rem_u (local.get $i) (i32.const 3))))
          (i32.store (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 0xfffc)) (local.get $acc)) (br $b2))
        (if (i32.eq (i32.rem_u (local.get $i) (i32.const 50)) (i32.const 1)) (then (drop (memory.grow (i32.const 1)))))
        (memory.fill (i32.const 100) (local.get $i) (i32.const ${fillBytes})))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (i32.add (local.get $acc) (memory.size))))`;
}
