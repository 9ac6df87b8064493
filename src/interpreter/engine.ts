/**
 * `Engine` (configuration; decode -> validate -> `Module`) and `Module`
 * (a validated module with its lazily compiled bytecode, shared by all
 * instances in all stores of the engine).
 */
import { resolveConfig, type EngineConfig, type ResolvedConfig } from '../config.js';
import { decode } from '../decoder/index.js';
import { validate, type ValidatedModule } from '../validator/index.js';
import { CompileError } from '../errors.js';
import { compileCost, resolveGasSchedule, type GasSchedule } from '../gas/schedule.js';
import { CodeArena, compileFunction, type CompiledFunc } from './compiler.js';
import { instantiate } from './instantiate.js';
import { makeWrapper } from './call.js';
import { functionNames } from './names.js';
import { restore, snapshotOf, type RestoreImports, type Restored } from './snapshot.js';
import { hash64Hex } from './hash.js';
import { valtypeName, type functype, type limits, type memtype, type tabletype } from '../decoder/module.js';

import { Store } from './runtime.js';
import type { FuncInst, ModuleInst, StoreState } from './instances.js';
import { armRetier } from './retier.js';

/** The kind of an import or export, spelled as in the JS API. */
export type ExternKindName = 'function' | 'table' | 'memory' | 'global' | 'tag';

/**
 * The type of an import or export (in the spirit of the JS API's type
 * reflection proposal): value types by name ('i32', 'i64', 'funcref',
 * 'externref', 'exnref', '(ref 3)', '(ref null func)'...), sizes in pages
 * (memory) or elements (table). `address: 'i64'` marks a 64-bit memory or
 * table (memory64), `pageSize` a memory's page size in bytes when it is not
 * 65536 (custom page sizes). A tag has the parameters of its exception.
 */
export type ExternTypeDesc =
  | { params: string[]; results: string[] }
  | { element: string; minimum: number; maximum?: number; address?: 'i64' }
  | { minimum: number; maximum?: number; address?: 'i64'; pageSize?: number }
  | { value: string; mutable: boolean }
  | { parameters: string[] };

function limitsDesc(l: limits): { minimum: number; maximum?: number } {
  return l.max === undefined ? { minimum: l.min } : { minimum: l.min, maximum: l.max };
}

function funcDesc(t: functype): ExternTypeDesc {
  return { params: t.params.map(valtypeName), results: t.results.map(valtypeName) };
}

function tableDesc(t: tabletype): ExternTypeDesc {
  const d: ExternTypeDesc = { element: valtypeName(t.elemtype), ...limitsDesc(t.limits) };
  if (t.is64) d.address = 'i64';
  return d;
}

function memoryDesc(t: memtype): ExternTypeDesc {
  const d: { minimum: number; maximum?: number; address?: 'i64'; pageSize?: number } = limitsDesc(t.limits);
  if (t.is64) d.address = 'i64';
  if (t.pageSizeLog2 !== 16) d.pageSize = 2 ** t.pageSizeLog2;
  return d;
}

function tagDesc(t: functype): ExternTypeDesc {
  return { parameters: t.params.map(valtypeName) };
}

const KIND_NAMES: Record<string, ExternKindName> = { func: 'function', table: 'table', memory: 'memory', global: 'global', tag: 'tag' };

/**
 * What compiling and running need of an engine: its resolved configuration
 * and gas schedule, and the entry points to the parts the runtime objects do
 * not import (snapshot.ts, call.ts). The public `Engine` is a handle to one
 * (runtime.ts `internals`).
 */
export class EngineState {
  /** The resolved configuration (features, limits, gas). */
  readonly config: ResolvedConfig;
  /** The gas schedule `config.gas` resolves to (every cost the compiler places). */
  readonly schedule: GasSchedule;
  constructor(
    /** The public `Engine` standing for this state. */
    readonly handle: Engine,
    config: EngineConfig,
  ) {
    this.config = resolveConfig(config);
    this.schedule = resolveGasSchedule(this.config.gas);
  }

  /** `Store.snapshot` (snapshot.ts; reached through the engine so the runtime objects need no import of it). */
  snapshot(store: StoreState): Uint8Array {
    return snapshotOf(store);
  }

  /** `Store.restore` (snapshot.ts). */
  restore(modules: readonly Module[], bytes: Uint8Array, imports?: RestoreImports): Restored {
    return restore(this.handle, modules, bytes, imports);
  }

  /** The JS function for an exported wasm function (runtime.ts `wrapperOf` caches it). */
  wrap(f: FuncInst): (...args: unknown[]) => unknown {
    return makeWrapper(f);
  }

  /** Runs `warmUpExec` once per JS realm (the `Store` constructor calls it). */
  warmUp(): void {
    if (execWarm) return;
    execWarm = true;
    warmUpExec();
  }
}

/** Whether `warmUpExec` ran in this realm. */
let execWarm = false;

/**
 * A module exporting `w(n: i32) -> i32`, a loop of n iterations over memory:
 * `(loop (local.set 2 (i32.add (local.get 2) (i32.load (i32.and (local.get 1)
 * (i32.const 1020))))) (local.set 1 (i32.add (local.get 1) (i32.const 1)))
 * (br_if 0 (i32.lt_u (local.get 1) (local.get 0)))) (local.get 2)`.
 */
export const WARM_UP_MODULE = [
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00,
  0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x05, 0x01, 0x01, 0x77, 0x00, 0x00, 0x0a, 0x27, 0x01, 0x25, 0x01, 0x02, 0x7f, 0x03,
  0x40, 0x20, 0x02, 0x20, 0x01, 0x41, 0xfc, 0x07, 0x71, 0x28, 0x02, 0x00, 0x6a, 0x21, 0x02, 0x20, 0x01, 0x41, 0x01, 0x6a,
  0x21, 0x01, 0x20, 0x01, 0x20, 0x00, 0x49, 0x0d, 0x00, 0x0b, 0x20, 0x02, 0x0b,
];

/**
 * SPEED (V8): gives the execution loop its type feedback before the first
 * real call. V8 allocates a function's feedback only after it has run for a
 * while, and `exec` is called once per entry from JS, so a program's first
 * long call runs exec's prologue (the loads of the store's stack, code and
 * memory views) without recording what they load. When TurboFan then
 * compiles exec for its next entry, the prologue has no feedback: that code
 * deoptimizes on entry, and from then on every call runs in on-stack-
 * replacement code, whose loop does not know the stack and memory are an
 * Int32Array and a DataView: measured 25-35% slower (vm 117 vs 152 ms per
 * run, about half the processes; with --no-lazy-feedback-allocation or this
 * warm-up, every process is fast). Running a private module's loop through
 * exec (its first call allocates the feedback, the next two record the
 * prologue's) costs a few milliseconds once per realm, in a store of its own:
 * no other store, gas counter or instance sees it.
 */
function warmUpExec(): void {
  const engine = new Engine();
  const w = new Store(engine).instantiate(engine.compile(new Uint8Array(WARM_UP_MODULE))).exports.w as (n: number) => number;
  w(3000);
  w(1);
  w(1);
  armRetier();
}

/**
 * Compiles modules under one configuration: enabled features, resource
 * limits and the gas schedule (README "Configuration"). Stores are created
 * for an engine and run only its modules.
 */
export class Engine {
  /** @internal The engine's state (read it with `internals`). */
  readonly state: EngineState;
  /** Throws TypeError for an unknown gas schedule entry or a bad limit. */
  constructor(config: EngineConfig = {}) {
    this.state = new EngineState(this, config);
  }

  /**
   * Decodes and validates `bytes`; throws a `CompileError` subclass. The bytes
   * are copied first (as the JS API does): changing them afterwards does not
   * change the module (its data segments and names are views of the copy).
   */
  compile(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): Module {
    const u8 = copyBytes(bytes);
    const { config } = this.state;
    const vm = validate(decode(u8, config.limits, config.features), config);
    return new ModuleState(this.state, vm, u8).handle;
  }

/** True when `bytes` is a module this engine accepts. */
  validate(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): boolean {
    try {
      this.compile(bytes);
      return true;
    } catch (e) {
      if (e instanceof CompileError) return false;
      throw e;
    }
  }
}

/** A copy of the bytes of a buffer or view; TypeError for anything else (a string, a plain array). */
function copyBytes(bytes: unknown): Uint8Array {
  if (ArrayBuffer.isView(bytes)) {
    // a fresh Uint8Array over the same bytes, then slice: a copy (a subclass's own slice may be a view)
    return Uint8Array.prototype.slice.call(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes.slice(0));
  throw new TypeError('compile: expected the module bytes as a Uint8Array, another ArrayBuffer view or an ArrayBuffer');
}

/**
 * A decoded and validated module with its lazily compiled bytecode, shared
 * by every instance of it in every store of its engine. The public `Module`
 * is a handle to one (runtime.ts `internals`); module instances
 * (`ModuleInst.module`) refer to it.
 */
export class ModuleState {
  /** The public `Module` standing for this state. */
  readonly handle: Module;
  /** Compiled functions per code index: [unmetered, metered]. */
  private readonly code: [(CompiledFunc | undefined)[], (CompiledFunc | undefined)[]] = [[], []];
  /** Where the compiled functions' code lives (compiler.ts CodeArena). */
  private readonly arena = new CodeArena();
  /** `hash` once computed. */
  private hashHex: string | null = null;
  /** Name-section function names, parsed on first use (only traps and profiles ask). */
  private names: Map<number, string> | undefined;
  constructor(
    /** The engine that compiled it. */
    readonly engine: EngineState,
    /** The validated module: the decoded module and its index spaces (validator/index.ts). */
    readonly vm: ValidatedModule,
    /** The module's bytes (the engine's copy): snapshots identify a module by their hash. */
    readonly bytes: Uint8Array,
  ) {
    this.handle = new Module(this);
  }

  /** `hash64Hex` of the module's bytes (computed once): its identity in snapshots. */
  hash(): string {
    return (this.hashHex ??= hash64Hex(this.bytes));
  }

  /** The name-section name of function `funcIndex` (function index space), if any. */
  funcName(funcIndex: number): string | undefined {
    this.names ??= functionNames(this.vm.module.customs);
    return this.names.get(funcIndex);
  }

  /** Bytecode of defined function `codeIndex`, compiled on first use. */
  compiled(codeIndex: number, metered: boolean): CompiledFunc {
    const cache = this.code[metered ? 1 : 0];
    let c = cache[codeIndex];
    if (c === undefined) {
      c = compileFunction(this.vm, codeIndex, metered, this.engine.schedule, undefined, this.arena);
      cache[codeIndex] = c;
    }
    return c;
  }

  /** A new instance in `store` (instantiate.ts). */
  instantiate(store: StoreState, imports: Record<string, Record<string, unknown>>): ModuleInst {
    return instantiate(this, store, imports);
  }
}

/**
 * A decoded and validated module, compiled lazily per function and shared by
 * every instance of it in every store of its engine (`Engine.compile`).
 */
export class Module {
  /** Deterministic compile cost (src/gas/schedule.ts `compileCost`). */
  readonly compileCost: number;
  /** @internal The module's state (read it with `internals`). */
  readonly state: ModuleState;
  /** @internal Made by `Engine.compile` only. */
  constructor(state: ModuleState) {
    this.state = state;
    this.compileCost = compileCost(state.vm.module);
  }

  /** The engine that compiled the module (its stores run it). */
  get engine(): Engine {
    return this.state.engine.handle;
  }

  /**
   * The imports in order: module name, field name, kind and type, e.g.
   * `{ module: 'env', name: 'log', kind: 'function', type: { params: ['i32', 'i32'], results: [] } }`.
   */
  imports(): { module: string; name: string; kind: ExternKindName; type: ExternTypeDesc }[] {
    const m = this.state.vm.module;
    return m.imports.map((i) => {
      const d = i.desc;
      let type: ExternTypeDesc;
      switch (d.kind) {
        case 'func': type = funcDesc(m.types[d.typeidx]); break;
        case 'table': type = tableDesc(d.type); break;
        case 'memory': type = memoryDesc(d.type); break;
        case 'global': type = { value: valtypeName(d.type.valtype), mutable: d.type.mutable }; break;
        case 'tag': type = tagDesc(m.types[d.typeidx]); break;
      }
      return { module: i.module, name: i.name, kind: KIND_NAMES[d.kind], type };
    });
  }

  /** The exports in order: name, kind and type (as in `imports()`). */
  exports(): { name: string; kind: ExternKindName; type: ExternTypeDesc }[] {
    const vm = this.state.vm;
    const { funcTypes: funcs, tableTypes: tables, memTypes: mems, globalTypes: globals, tagTypes: tags } = vm;
    return vm.module.exports.map((e) => {
      let type: ExternTypeDesc;
      switch (e.kind) {
        case 'func': type = funcDesc(funcs[e.index]); break;
        case 'table': type = tableDesc(tables[e.index]); break;
        case 'memory': type = memoryDesc(mems[e.index]); break;
        case 'global': type = { value: valtypeName(globals[e.index].valtype), mutable: globals[e.index].mutable }; break;
        case 'tag': type = tagDesc(tags[e.index]); break;
      }
      return { name: e.name, kind: KIND_NAMES[e.kind], type };
    });
  }
}
