/**
 * The `detwasm` backend: the engine's public API (src/index.ts, see
 * DESIGN.md "Public API"). One `Engine` and one `Store` per script, so
 * registered instances can be linked into later modules; with a gas budget
 * the store is metered; with `floats` the engine has `features.floats` on.
 *
 * Functions whose parameters and results are all numbers are called through
 * `invokeRaw` (src/interpreter/call.ts): arguments go in and results come out
 * as raw words, f32/f64 results as `F32Bits`/`F64Bits`, so every float result
 * (NaN payloads, `nan:canonical`, `nan:arithmetic`) is checked bit for bit
 * and never passes through a JS number. Float globals are read from their
 * cells the same way.
 */
import type { EngineAdapter, ClassifiedError, Imports } from './types.js';
import type { WastValue } from '../wast.js';
import { toJS, resultList, argWords, fromWords, F32Bits, F64Bits } from './values.js';
import { invokeRaw } from '../../src/interpreter/call.js';
import { FUNC_INST, internals } from '../../src/interpreter/runtime.js';
import type { FuncInst } from '../../src/interpreter/instances.js';
import {
  Engine, Store, Memory, Table, Global, Instance, Module,
  MalformedError, InvalidError, PolicyError, LimitError, CompileError, LinkError, Trap, Exception,
} from '../../src/index.js';
import type { EngineOptions } from './index.js';

export function createDetwasmEngine(options: EngineOptions = {}): EngineAdapter {
  const features = options.floats ? { ...(options.features ?? {}), floats: true } : options.features;
  const engine = new Engine(features === undefined ? {} : { features });
  let store: Store | undefined;
  const getStore = (): Store => (store ??= new Store(engine, options.gas === undefined ? {} : { gas: options.gas }));

  return {
    name: 'detwasm',
    reference: false,
    enforcesPolicy: true,
    distinguishesMalformed: true,
    supportsV128: false,
    preservesNaNPayloads: true,
    allowsFloats: !!options.floats,
    compile(bytes: Uint8Array): unknown {
      return engine.compile(bytes);
    },
    instantiate(module: unknown, imports: Imports): unknown {
      return getStore().instantiate(module as Module, imports);
    },
    exports(instance: unknown): Record<string, unknown> {
      return (instance as Instance).exports;
    },
    spectest(): Record<string, unknown> {
      const print = (): void => {};
      return {
        global_i32: new Global({ value: 'i32' }, 666),
        global_i64: new Global({ value: 'i64' }, 666n),
        global_f32: new Global({ value: 'f32' }, 666.6),
        global_f64: new Global({ value: 'f64' }, 666.6),
        table: new Table({ element: 'funcref', initial: 10, maximum: 20 }),
        table64: new Table({ element: 'funcref', initial: 10n, maximum: 20n, address: 'i64' }),
        memory: new Memory({ initial: 1, maximum: 2 }),
        print, print_i32: print, print_i64: print, print_f32: print, print_f64: print,
        print_i32_f32: print, print_f64_f64: print,
      };
    },
    invoke(instance: unknown, name: string, args: WastValue[], resultCount: number): unknown[] {
      const f = (instance as Instance).exports[name];
      if (typeof f !== 'function') throw new Error(`no exported function "${name}"`);
      const t = ((f as unknown as Record<symbol, FuncInst>)[FUNC_INST]).type;
      const words = args.map(argWords);
      const numeric = [...t.params, ...t.results].every((v) => v === 0x7f || v === 0x7e || v === 0x7d || v === 0x7c);
      if (numeric && words.length === t.params.length && words.every((w) => w !== undefined)) {
        const out = invokeRaw(f, words.flat() as number[]);
        return t.results.map((v, j) => fromWords(v, out[2 * j], out[2 * j + 1]));
      }
      return resultList((f as (...a: unknown[]) => unknown)(...args.map(toJS)), resultCount);
    },
    get(instance: unknown, name: string): unknown {
      const g = (instance as Instance).exports[name];
      if (!(g instanceof Global)) throw new Error(`no exported global "${name}"`);
      const gi = internals(g);
      const t = gi.type.valtype;
      if (t === 0x7d) return new F32Bits(gi.cell[0] >>> 0);
      if (t === 0x7c) return new F64Bits(BigInt.asUintN(64, (BigInt(gi.cell[1]) << 32n) | BigInt(gi.cell[0] >>> 0)));
      return g.value;
    },
    gasUsed(): number | undefined {
      return options.gas === undefined ? undefined : (store?.gasUsed ?? 0);
    },
    classify(error: unknown): ClassifiedError {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof MalformedError) return { kind: 'malformed', trapCodes: [], message, reason: error.reason };
      if (error instanceof InvalidError) return { kind: 'invalid', trapCodes: [], message, reason: error.reason };
      if (error instanceof PolicyError) return { kind: 'policy', trapCodes: [], feature: error.feature, message };
      if (error instanceof LimitError) return { kind: 'limit', trapCodes: [], message };
      if (error instanceof CompileError && error.code === 'unsupported') return { kind: 'unsupported', trapCodes: [], message };
      if (error instanceof CompileError) return { kind: 'other', trapCodes: [], message: `CompileError(${error.code}): ${message}` };
      if (error instanceof LinkError) return { kind: 'link', trapCodes: [], message };
      if (error instanceof Trap) return { kind: 'trap', trapCodes: [error.code], message };
      if (error instanceof Exception) return { kind: 'exception', trapCodes: [], message: 'uncaught wasm exception' };
      return { kind: 'other', trapCodes: [], message: error instanceof Error ? `${error.name}: ${message}` : message };
    },
  };
}
