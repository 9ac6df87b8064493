/**
 * The `detwasm` backend: the engine's public API (src/index.ts, see
 * DESIGN.md "Public API"). One `Engine` and one `Store` per script, so
 * registered instances can be linked into later modules; with a gas budget
 * the store is metered.
 */
import type { EngineAdapter, ClassifiedError, Imports } from './types.js';
import type { WastValue } from '../wast.js';
import { toJS, resultList } from './values.js';
import {
  Engine, Store, Memory, Table, Global, Instance, Module,
  MalformedError, InvalidError, PolicyError, LimitError, CompileError, LinkError, Trap,
} from '../../src/index.js';
import type { EngineOptions } from './index.js';

export function createDetwasmEngine(options: EngineOptions = {}): EngineAdapter {
  const engine = new Engine(options.features === undefined ? {} : { features: options.features });
  let store: Store | undefined;
  const getStore = (): Store => (store ??= new Store(engine, options.gas === undefined ? {} : { gas: options.gas }));

  return {
    name: 'detwasm',
    reference: false,
    enforcesPolicy: true,
    distinguishesMalformed: true,
    supportsV128: false,
    preservesNaNPayloads: true,
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
      // global_f32/global_f64 are omitted: floats are rejected by the determinism policy.
      return {
        global_i32: new Global({ value: 'i32' }, 666),
        global_i64: new Global({ value: 'i64' }, 666n),
        table: new Table({ element: 'funcref', initial: 10, maximum: 20 }),
        memory: new Memory({ initial: 1, maximum: 2 }),
        print, print_i32: print, print_i64: print,
      };
    },
    invoke(instance: unknown, name: string, args: WastValue[], resultCount: number): unknown[] {
      const f = (instance as Instance).exports[name];
      if (typeof f !== 'function') throw new Error(`no exported function "${name}"`);
      return resultList((f as (...a: unknown[]) => unknown)(...args.map(toJS)), resultCount);
    },
    get(instance: unknown, name: string): unknown {
      const g = (instance as Instance).exports[name];
      if (!(g instanceof Global)) throw new Error(`no exported global "${name}"`);
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
      if (error instanceof CompileError) return { kind: 'other', trapCodes: [], message: `CompileError(${error.code}): ${message}` };
      if (error instanceof LinkError) return { kind: 'link', trapCodes: [], message };
      if (error instanceof Trap) return { kind: 'trap', trapCodes: [error.code], message };
      return { kind: 'other', trapCodes: [], message: error instanceof Error ? `${error.name}: ${message}` : message };
    },
  };
}
