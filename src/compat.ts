/**
 * `detwasm/compat`: the standard `WebAssembly` JS API (as in browsers and
 * Node) on top of detwasm, so code written against the standard API runs on
 * detwasm by changing its import:
 *
 *   import { WebAssembly } from 'detwasm/compat';
 *   const { instance } = await WebAssembly.instantiate(bytes, imports);
 *
 * Floats are on by default here (`features.floats`; most compiler output
 * uses some float code): they run deterministically, every NaN an arithmetic
 * instruction produces being the canonical NaN. A NaN crossing into JS is a
 * JS NaN (its payload is not observable from JS).
 *
 * Differences from the native API: modules using SIMD or threads (or floats,
 * when a `config` switches them off) are rejected (`CompileError`, a detwasm
 * `PolicyError`) by the determinism policy; `RuntimeError` is detwasm's
 * `Trap` (with a stable `.code`). The
 * default namespace runs unmetered in one shared store (so instances can link
 * to each other's exports as in the standard API); `createWebAssembly({ gas })`
 * gives a metered namespace whose `store.gasUsed` can be read.
 *
 * No Node-only API here: this file also runs in browsers.
 */
import { Engine, Global, Memory, Store, Table, Trap } from './index.js';
import type { Module as CoreModule } from './index.js';
import type { EngineConfig } from './config.js';
import { CompileError, LinkError } from './errors.js';

export type BufferSourceLike = ArrayBuffer | ArrayBufferView;
export type ImportObject = Record<string, Record<string, unknown>>;
export type ImportExportKind = 'function' | 'table' | 'memory' | 'global';
export interface ModuleImportDescriptor {
  module: string;
  name: string;
  kind: ImportExportKind;
}
export interface ModuleExportDescriptor {
  name: string;
  kind: ImportExportKind;
}

export interface CompatOptions {
  /** Engine to compile with (default: `new Engine(config)`). */
  engine?: Engine;
  /**
   * Engine configuration when no engine is given (features, limits, gas
   * schedule). Unlike the core `Engine`'s default, `features.floats` defaults
   * to true; `{ features: { floats: false } }` switches floats off.
   */
  config?: EngineConfig;
  /**
   * Store every instance of this namespace lives in (default: one new store in
   * which host exceptions pass through wasm unchanged, as natively).
   */
  store?: Store;
  /** Gas budget of the default store; omitted = unmetered. */
  gas?: number | bigint;
}

/** Copies the bytes of a BufferSource (the JS API copies too: later changes to the buffer do not affect the module). */
function copyBytes(source: unknown, where: string): Uint8Array {
  if (ArrayBuffer.isView(source)) {
    return new Uint8Array(source.buffer.slice(source.byteOffset, source.byteOffset + source.byteLength));
  }
  // Object.prototype.toString works across realms (iframes, vm contexts) where instanceof does not.
  const tag = Object.prototype.toString.call(source);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]') {
    return new Uint8Array((source as ArrayBuffer).slice(0));
  }
  throw new TypeError(`${where}: Argument 0 must be a buffer source`);
}

function kindName(kind: string): ImportExportKind {
  return kind === 'func' ? 'function' : (kind as ImportExportKind);
}

function readU32(bytes: Uint8Array, pos: number): [number, number] {
  let result = 0;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[pos++];
    if (b === undefined) return [0, bytes.length + 1];
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
  }
}

/** Custom sections named `name` (spec 5.5.3), walking the section headers of a valid binary. */
function customSections(bytes: Uint8Array, name: string): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const decoder = new TextDecoder();
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos];
    const [size, start] = readU32(bytes, pos + 1);
    const end = start + size;
    if (id === 0) {
      const [len, at] = readU32(bytes, start);
      if (decoder.decode(bytes.subarray(at, at + len)) === name) out.push(bytes.slice(at + len, end).buffer);
    }
    pos = end;
  }
  return out;
}

/** `config` with floats on unless it says otherwise. */
function compatConfig(config: EngineConfig | undefined): EngineConfig {
  return { ...config, features: { floats: true, ...config?.features } };
}

/** Builds a `WebAssembly`-shaped namespace bound to one engine and store. */
export function createWebAssembly(options: CompatOptions = {}) {
  const engine = options.engine ?? options.store?.engine ?? new Engine(compatConfig(options.config));
  let store: Store | undefined = options.store;
  const getStore = (): Store => (store ??= new Store(engine, { gas: options.gas, hostErrors: 'propagate' }));

  // Per-module state kept outside the class so it stays out of its public type.
  const cores = new WeakMap<object, CoreModule>();
  const sources = new WeakMap<object, Uint8Array>();
  const core = (m: Module): CoreModule => cores.get(m) as CoreModule;

  /** `WebAssembly.Module`: a compiled (decoded and validated) module. */
  class Module {
    constructor(bytes: BufferSourceLike) {
      const copy = copyBytes(bytes, 'WebAssembly.Module()');
      cores.set(this, engine.compile(copy));
      sources.set(this, copy);
    }

    /** The detwasm `Module` behind this one (for `Store.instantiate` and `compileCost`). */
    static core(module: Module): CoreModule {
      return core(checkModule(module, 'WebAssembly.Module.core()'));
    }

    static imports(module: Module): ModuleImportDescriptor[] {
      return core(checkModule(module, 'WebAssembly.Module.imports()')).imports().map((i) => ({
        module: i.module,
        name: i.name,
        kind: kindName(i.kind),
      }));
    }

    static exports(module: Module): ModuleExportDescriptor[] {
      return core(checkModule(module, 'WebAssembly.Module.exports()')).exports().map((e) => ({
        name: e.name,
        kind: kindName(e.kind),
      }));
    }

    static customSections(module: Module, sectionName: string): ArrayBuffer[] {
      const m = checkModule(module, 'WebAssembly.Module.customSections()');
      if (sectionName === undefined) throw new TypeError('WebAssembly.Module.customSections(): Argument 1 is required');
      return customSections(sources.get(m) as Uint8Array, String(sectionName));
    }

    get [Symbol.toStringTag](): string {
      return 'WebAssembly.Module';
    }
  }

  function checkModule(module: unknown, where: string): Module {
    if (!(module instanceof Module) || !cores.has(module)) throw new TypeError(`${where}: Argument 0 must be a WebAssembly.Module`);
    return module;
  }

  /** The JS API's checks on the import object (TypeError, before any linking). */
  function checkImportObject(module: Module, importObject: unknown, where: string): void {
    const imports = core(module).imports();
    if (importObject !== undefined && (importObject === null || typeof importObject !== 'object')) {
      throw new TypeError(`${where}: Argument 1 must be an object`);
    }
    if (imports.length === 0) return;
    if (importObject === undefined) throw new TypeError(`${where}: Imports argument must be present and must be an object`);
    imports.forEach((imp, index) => {
      const ns = (importObject as Record<string, unknown>)[imp.module];
      if (ns === null || (typeof ns !== 'object' && typeof ns !== 'function')) {
        throw new TypeError(`${where}: Import #${index} "${imp.module}": module is not an object or function`);
      }
    });
  }

  /** `WebAssembly.Instance`: an instantiated module; `exports` is a frozen object without prototype. */
  class Instance {
    readonly exports: Record<string, unknown>;

    constructor(module: Module, importObject?: ImportObject) {
      const m = checkModule(module, 'WebAssembly.Instance()');
      checkImportObject(m, importObject, 'WebAssembly.Instance()');
      const instance = getStore().instantiate(core(m), importObject ?? {});
      const exports = Object.create(null) as Record<string, unknown>;
      for (const name of Object.keys(instance.exports)) exports[name] = instance.exports[name];
      this.exports = Object.freeze(exports);
    }

    get [Symbol.toStringTag](): string {
      return 'WebAssembly.Instance';
    }
  }

  function validate(bytes: BufferSourceLike): boolean {
    return engine.validate(copyBytes(bytes, 'WebAssembly.validate()'));
  }

  async function compile(bytes: BufferSourceLike): Promise<Module> {
    return new Module(bytes);
  }

  function instantiate(bytes: BufferSourceLike, importObject?: ImportObject): Promise<{ module: Module; instance: Instance }>;
  function instantiate(module: Module, importObject?: ImportObject): Promise<Instance>;
  async function instantiate(
    source: BufferSourceLike | Module,
    importObject?: ImportObject,
  ): Promise<Instance | { module: Module; instance: Instance }> {
    if (source instanceof Module) return new Instance(source, importObject);
    const module = new Module(source as BufferSourceLike);
    return { module, instance: new Instance(module, importObject) };
  }

  /** Reads a fetch `Response` (or a promise of one). The MIME type is not checked. */
  async function responseBytes(source: unknown, where: string): Promise<ArrayBuffer> {
    const response = (await source) as { ok?: boolean; status?: number; arrayBuffer?: () => Promise<ArrayBuffer> };
    if (!response || typeof response.arrayBuffer !== 'function') throw new TypeError(`${where}: Argument 0 must be a Response`);
    if (response.ok === false) throw new TypeError(`${where}: HTTP status ${response.status} is not ok`);
    return response.arrayBuffer();
  }

  async function compileStreaming(source: unknown): Promise<Module> {
    return new Module(await responseBytes(source, 'WebAssembly.compileStreaming()'));
  }

  async function instantiateStreaming(
    source: unknown,
    importObject?: ImportObject,
  ): Promise<{ module: Module; instance: Instance }> {
    const module = new Module(await responseBytes(source, 'WebAssembly.instantiateStreaming()'));
    return { module, instance: new Instance(module, importObject) };
  }

  return {
    Module,
    Instance,
    Memory,
    Table,
    Global,
    CompileError,
    LinkError,
    /** Traps: detwasm's `Trap`, with a stable `.code` ('unreachable', 'out_of_gas', ...). */
    RuntimeError: Trap,
    validate,
    compile,
    instantiate,
    compileStreaming,
    instantiateStreaming,
    /** The detwasm engine behind this namespace. */
    engine,
    /** The detwasm store every instance of this namespace lives in (gasUsed, gasRemaining). */
    get store(): Store {
      return getStore();
    },
    [Symbol.toStringTag]: 'WebAssembly',
  };
}

export type WebAssemblyNamespace = ReturnType<typeof createWebAssembly>;

/** The default namespace: default engine configuration, unmetered, one shared store. */
export const WebAssembly: WebAssemblyNamespace = createWebAssembly();

export const Module = WebAssembly.Module;
export type Module = InstanceType<typeof Module>;
export const Instance = WebAssembly.Instance;
export type Instance = InstanceType<typeof Instance>;
export const validate = WebAssembly.validate;
export const compile = WebAssembly.compile;
export const instantiate = WebAssembly.instantiate;
export const compileStreaming = WebAssembly.compileStreaming;
export const instantiateStreaming = WebAssembly.instantiateStreaming;
export const RuntimeError = Trap;
export type RuntimeError = Trap;
export { CompileError, LinkError, Memory, Table, Global };
export default WebAssembly;
