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
import { compileFunction, type CompiledFunc } from './compiler.js';
import { instantiate } from './instantiate.js';
import { functionNames } from './names.js';
import type { Instance, Store } from './runtime.js';

export type ExternKindName = 'function' | 'table' | 'memory' | 'global';

const KIND_NAMES: Record<string, ExternKindName> = { func: 'function', table: 'table', memory: 'memory', global: 'global' };

export class Engine {
  readonly _config: ResolvedConfig;
  readonly _schedule: GasSchedule;
  constructor(config: EngineConfig = {}) {
    this._config = resolveConfig(config);
    this._schedule = resolveGasSchedule(this._config.gas);
  }

  /**
   * Decodes and validates `bytes`; throws a `CompileError` subclass. The bytes
   * are copied first (as the JS API does): changing them afterwards does not
   * change the module (its data segments and names are views of the copy).
   */
  compile(bytes: Uint8Array | ArrayBuffer): Module {
    // new Uint8Array(typedArray) copies (a subclass's slice may return a view)
    const u8 = bytes instanceof Uint8Array ? new Uint8Array(bytes) : new Uint8Array(bytes.slice(0));
    const decoded = decode(u8, this._config.limits);
    const vm = validate(decoded, this._config);
    return new Module(this, vm);
  }

  /** True when `bytes` is a module this engine accepts. */
  validate(bytes: Uint8Array | ArrayBuffer): boolean {
    try {
      this.compile(bytes);
      return true;
    } catch (e) {
      if (e instanceof CompileError) return false;
      throw e;
    }
  }
}

export class Module {
  /** Deterministic compile cost (src/gas/schedule.ts `compileCost`). */
  readonly compileCost: number;
  /** Compiled functions per code index: [unmetered, metered]. */
  private readonly _code: [(CompiledFunc | undefined)[], (CompiledFunc | undefined)[]] = [[], []];
  constructor(readonly _engine: Engine, readonly _vm: ValidatedModule) {
    this.compileCost = compileCost(_vm.module);
  }

  /** Name-section function names, parsed on first use (only traps ask). */
  private _names: Map<number, string> | undefined;

  /** The name-section name of function `funcIndex` (function index space), if any. */
  _funcName(funcIndex: number): string | undefined {
    this._names ??= functionNames(this._vm.module.customs);
    return this._names.get(funcIndex);
  }

  imports(): { module: string; name: string; kind: ExternKindName }[] {
    return this._vm.module.imports.map((i) => ({ module: i.module, name: i.name, kind: KIND_NAMES[i.desc.kind] }));
  }

  exports(): { name: string; kind: ExternKindName }[] {
    return this._vm.module.exports.map((e) => ({ name: e.name, kind: KIND_NAMES[e.kind] }));
  }

  /** Bytecode of defined function `codeIndex`, compiled on first use. */
  _compiled(codeIndex: number, metered: boolean): CompiledFunc {
    const cache = this._code[metered ? 1 : 0];
    let c = cache[codeIndex];
    if (c === undefined) {
      c = compileFunction(this._vm, codeIndex, metered, this._engine._schedule);
      cache[codeIndex] = c;
    }
    return c;
  }

  _instantiate(store: Store, imports: Record<string, Record<string, unknown>>): Instance {
    return instantiate(this, store, imports);
  }
}
