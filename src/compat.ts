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
 * `Trap` (with a stable `.code`), and one thrown by JS into wasm passes every
 * wasm handler (natively, `catch_all` and JSTag handlers catch it). The
 * default namespace runs unmetered in one shared store (so instances can link
 * to each other's exports as in the standard API); `createWebAssembly({ gas })`
 * gives a metered namespace whose `store.gasUsed` can be read.
 *
 * No Node-only API here: this file also runs in browsers.
 */
import { Engine, Global as CoreGlobal, Memory as CoreMemory, Store, Table as CoreTable, Trap, Tag as CoreTag, Exception as CoreException, JSTag as CoreJSTag } from './index.js';
import type { Module as CoreModule, ExportValue, Exports } from './index.js';
import { checkKeys, type EngineConfig } from './config.js';
import { CompileError as CoreCompileError, LinkError as CoreLinkError } from './errors.js';
import { internals } from './interpreter/runtime.js';

/** A module binary: an ArrayBuffer or a view of one (the JS API's BufferSource). */
export type BufferSourceLike = ArrayBuffer | ArrayBufferView;
/** The import object: `importObject[module][name]` (functions, Memory, Table, Global or a number/bigint for a global). */
export type ImportObject = Record<string, Record<string, unknown>>;
/** The JS API's names of the extern kinds. */
export type ImportExportKind = 'function' | 'table' | 'memory' | 'global';
/** One entry of `Module.imports(module)`. */
export interface ModuleImportDescriptor {
  /** The import's module name. */
  module: string;
  /** The import's name. */
  name: string;
  kind: ImportExportKind;
}
/** One entry of `Module.exports(module)`. */
export interface ModuleExportDescriptor {
  /** The export's name. */
  name: string;
  kind: ImportExportKind;
}

/** What `createWebAssembly(options)` accepts; unknown keys are a TypeError. */
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
   * Store every instance of this namespace lives in (default: one new store
   * with `hostErrors: 'propagate'`: a JS exception from an imported function is
   * a JSTag exception inside wasm and the same value again in JS, as natively).
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

/**
 * A native-style error constructor over a detwasm error class:
 * `new F(message?, options?)` and `F(message?, options?)` (the native error
 * constructors need no `new`) put `message` in `.message` (none: the
 * inherited empty message) and `options.cause` in `.cause`; `name` is the
 * JS API's name. The error is an instance of the detwasm class, and every
 * error detwasm throws of that class is `instanceof F` (they share the
 * prototype). Subclassing works (`class E extends WebAssembly.RuntimeError`).
 */
export type ErrorConstructorLike<E extends Error> = {
  new (message?: string, options?: { cause?: unknown }): E;
  (message?: string, options?: { cause?: unknown }): E;
  readonly prototype: E;
};

function nativeStyleError<E extends Error>(
  Core: abstract new (...args: any[]) => E,
  name: string,
  coreArgs: (message: string) => unknown[],
): ErrorConstructorLike<E> {
  const build = (args: unknown[], newTarget: Function): E => {
    const [message, options] = args;
    const e = Reflect.construct(Core, coreArgs(message === undefined ? '' : String(message)), newTarget) as E & { reason?: string };
    // As the native constructors (ECMA-262 NativeError): an own `message` only when one is given.
    delete (e as { message?: string }).message;
    if (message !== undefined) {
      Object.defineProperty(e, 'message', { value: String(message), writable: true, enumerable: false, configurable: true });
    }
    if ('reason' in e) e.reason = e.message;
    delete (e as { cause?: unknown }).cause;
    if (options !== null && typeof options === 'object' && 'cause' in options) {
      Object.defineProperty(e, 'cause', { value: (options as { cause: unknown }).cause, writable: true, enumerable: false, configurable: true });
    }
    Object.defineProperty(e, 'name', { value: name, writable: true, enumerable: false, configurable: true });
    if (e instanceof Trap) keepMessage(e);
    // detwasm's extra fields (code, reason, offset, funcIndex, ...) stay readable but are
    // not enumerable, so the error has no own enumerable key, as a native one.
    for (const key of Object.keys(e)) Object.defineProperty(e, key, { enumerable: false });
    return e;
  };
  return new Proxy(Core, {
    construct: (_target, args, newTarget) => build(args, newTarget),
    apply: (target, _this, args) => build(args, target),
    get: (target, key, receiver) => (key === 'name' ? name : key === 'length' ? 1 : Reflect.get(target, key, receiver)),
  }) as unknown as ErrorConstructorLike<E>;
}

/**
 * A `RuntimeError` made by JS and thrown through wasm (Emscripten's abort)
 * keeps its message, as natively: detwasm still records where it passed
 * (`funcIndex`, `funcName`, `backtrace`) but does not append the location to
 * the message as it does for its own traps.
 */
function keepMessage(trap: Trap): void {
  const addFrames = trap._addFrames;
  Object.defineProperty(trap, '_addFrames', {
    value(this: Trap, frames: Parameters<Trap['_addFrames']>[0]): void {
      const message = Object.getOwnPropertyDescriptor(this, 'message');
      addFrames.call(this, frames);
      if (message) Object.defineProperty(this, 'message', message);
      else delete (this as { message?: string }).message;
    },
    writable: true,
    enumerable: false,
    configurable: true,
  });
}

/**
 * A descriptor-taking class (`Memory`, `Table`, `Global`) that reads only the
 * descriptor members the JS API defines and ignores any other key, as WebIDL
 * dictionaries do (the core classes reject unknown keys instead).
 */
function nativeStyleDescriptor<C extends new (descriptor: any, ...rest: any[]) => object>(Core: C, members: readonly string[]): C {
  return new Proxy(Core, {
    construct(target, args, newTarget) {
      const [descriptor, ...rest] = args;
      let copy = descriptor;
      if (descriptor !== null && typeof descriptor === 'object') {
        copy = {};
        for (const m of members) {
          const v = (descriptor as Record<string, unknown>)[m];
          if (v !== undefined) copy[m] = v;
        }
      }
      return Reflect.construct(target, [copy, ...rest], newTarget);
    },
    // As the native constructors: `length` 1 (the descriptor; the initial value is optional).
    get: (target, key, receiver) => (key === 'length' ? 1 : Reflect.get(target, key, receiver)),
  });
}

/**
 * `WebAssembly.Memory`: detwasm's `Memory`; unknown descriptor keys are
 * ignored, as natively. `address: 'i64'` (memory64) makes sizes and deltas
 * bigints.
 */
export const Memory = nativeStyleDescriptor(CoreMemory, ['initial', 'maximum', 'shared', 'address']);
export type Memory = CoreMemory;
/**
 * `WebAssembly.Table`: detwasm's `Table`; unknown descriptor keys are
 * ignored, as natively. `address: 'i64'` (table64) makes sizes, deltas and
 * indices bigints.
 */
export const Table = nativeStyleDescriptor(CoreTable, ['element', 'initial', 'maximum', 'address']);
export type Table = CoreTable;
/** `WebAssembly.Global`: detwasm's `Global`; unknown descriptor keys are ignored, as natively. */
export const Global = nativeStyleDescriptor(CoreGlobal, ['value', 'mutable']);
export type Global = CoreGlobal;

/**
 * `WebAssembly.Tag` (exception handling): detwasm's `Tag`, `new Tag({ parameters: ['i32'] })`;
 * imported and exported like the other extern values; `type()` gives `{ parameters }`.
 */
export const Tag = CoreTag;
export type Tag = CoreTag;
/**
 * `WebAssembly.Exception`: detwasm's `Exception` (`new Exception(tag, payload)`,
 * `is(tag)`, `getArg(tag, index)`). A wasm exception nothing catches reaches
 * JS as one; one thrown by an imported function is thrown into wasm.
 */
export const Exception = CoreException;
export type Exception = CoreException;
/**
 * `WebAssembly.JSTag`: the tag under which wasm sees a JS value thrown by an
 * imported function (payload: that value, an externref). `catch $jstag` and
 * `catch_all` catch it; when it leaves wasm, JS gets the value itself. A
 * `RuntimeError` (detwasm `Trap`) thrown by JS is the exception: it passes
 * every wasm handler (natively, JSTag catches it too).
 */
export const JSTag = CoreJSTag;

/**
 * `WebAssembly.CompileError`: detwasm's `CompileError` (also the base of
 * `MalformedError`, `InvalidError`, `PolicyError`, `LimitError`). One made by
 * `new CompileError(message)` has code 'compile'.
 */
export const CompileError = nativeStyleError(CoreCompileError, 'CompileError', (m) => ['compile', m]);
export type CompileError = CoreCompileError;
/** `WebAssembly.LinkError`: detwasm's `LinkError` (code 'link'). */
export const LinkError = nativeStyleError(CoreLinkError, 'LinkError', (m) => [m]);
export type LinkError = CoreLinkError;
/**
 * `WebAssembly.RuntimeError`: detwasm's `Trap`, with a stable `.code`
 * ('unreachable', 'out_of_gas', ...). One made by `new RuntimeError(message)`
 * (as Emscripten's glue does for an abort) has code 'host': it comes from JS.
 */
export const RuntimeError = nativeStyleError(Trap, 'RuntimeError', () => ['host']);
export type RuntimeError = Trap;

/** The keys of `createWebAssembly(options)`. */
const COMPAT_OPTION_KEYS = ['engine', 'config', 'store', 'gas'];

/** `config` with floats on unless it says otherwise. */
function compatConfig(config: EngineConfig | undefined): EngineConfig {
  return { ...config, features: { floats: true, ...config?.features } };
}

/** Builds a `WebAssembly`-shaped namespace bound to one engine and store. */
export function createWebAssembly(options: CompatOptions = {}) {
  checkKeys(options, COMPAT_OPTION_KEYS, 'createWebAssembly options');
  const engine = options.engine ?? options.store?.engine ?? new Engine(compatConfig(options.config));
  let store: Store | undefined = options.store;
  // the default store does not keep its instances (StoreState.recordsInstances): JS API code instantiates
  // without ever seeing a store, and one that kept every instance would leak them; a store given in
  // `options.store` keeps its own (and can be snapshotted)
  const getStore = (): Store => {
    if (store === undefined) {
      store = new Store(engine, { gas: options.gas, hostErrors: 'propagate' });
      internals(store).recordsInstances = false;
    }
    return store;
  };

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

  // As natively, `length` counts the required arguments only.
  Object.defineProperty(Module, 'length', { value: 1 });

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

  /**
   * `WebAssembly.Instance`: an instantiated module; `exports` is a frozen
   * object without prototype. `E` types the exports (default `Exports`), e.g.
   * `new Instance<{ main: () => void }>(module)`.
   */
  class Instance<E extends Record<keyof E, ExportValue> = Exports> {
    readonly exports: E;

    constructor(module: Module, importObject?: ImportObject) {
      const m = checkModule(module, 'WebAssembly.Instance()');
      checkImportObject(m, importObject, 'WebAssembly.Instance()');
      const instance = getStore().instantiate(core(m), importObject ?? {});
      const exports = Object.create(null) as Record<string, ExportValue>;
      for (const name of Object.keys(instance.exports)) exports[name] = instance.exports[name];
      this.exports = Object.freeze(exports) as E;
    }

    get [Symbol.toStringTag](): string {
      return 'WebAssembly.Instance';
    }
  }

  Object.defineProperty(Instance, 'length', { value: 1 });

  function validate(bytes: BufferSourceLike): boolean {
    return engine.validate(copyBytes(bytes, 'WebAssembly.validate()'));
  }

  async function compile(bytes: BufferSourceLike): Promise<Module> {
    return new Module(bytes);
  }

  /**
   * Compiles and instantiates `bytes` (resolves to `{ module, instance }`), or
   * instantiates a compiled `Module` (resolves to the `Instance`). `E` types
   * the instance's exports.
   */
  function instantiate<E extends Record<keyof E, ExportValue> = Exports>(
    bytes: BufferSourceLike,
    importObject?: ImportObject,
  ): Promise<{ module: Module; instance: Instance<E> }>;
  function instantiate<E extends Record<keyof E, ExportValue> = Exports>(module: Module, importObject?: ImportObject): Promise<Instance<E>>;
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

  async function instantiateStreaming<E extends Record<keyof E, ExportValue> = Exports>(
    source: unknown,
    importObject?: ImportObject,
  ): Promise<{ module: Module; instance: Instance<E> }> {
    const module = new Module(await responseBytes(source, 'WebAssembly.instantiateStreaming()'));
    return { module, instance: new Instance<E>(module, importObject) };
  }

  return {
    Module,
    Instance,
    Memory,
    Table,
    Global,
    Tag,
    Exception,
    JSTag,
    CompileError,
    LinkError,
    /** Traps: detwasm's `Trap`, with a stable `.code` ('unreachable', 'out_of_gas', ...). */
    RuntimeError,
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

/** A `WebAssembly`-shaped namespace, as `createWebAssembly` builds it. */
export type WebAssemblyNamespace = ReturnType<typeof createWebAssembly>;

/** The default namespace: default engine configuration, unmetered, one shared store. */
export const WebAssembly: WebAssemblyNamespace = createWebAssembly();

/**
 * `WebAssembly.Module` of the default namespace: `new Module(bytes)` compiles
 * (a `CompileError` for a malformed, invalid or policy-rejected module);
 * static `imports`, `exports`, `customSections`, and `core` (the detwasm
 * `Module` behind it).
 */
export const Module = WebAssembly.Module;
/** A compiled module of the default namespace. */
export type Module = InstanceType<typeof Module>;
/**
 * `WebAssembly.Instance` of the default namespace: `new Instance(module,
 * importObject)` instantiates synchronously; `exports` is frozen and has no
 * prototype.
 */
export const Instance = WebAssembly.Instance;
/** An instance of the default namespace; `E` types its exports. */
export type Instance<E extends Record<keyof E, ExportValue> = Exports> = InstanceType<typeof Instance<E>>;
/** `WebAssembly.validate`: true for a module this engine compiles (false for float/SIMD/thread modules too). */
export const validate = WebAssembly.validate;
/** `WebAssembly.compile`: resolves to a `Module`. */
export const compile = WebAssembly.compile;
/** `WebAssembly.instantiate`: from bytes to `{ module, instance }`, or from a `Module` to an `Instance`. */
export const instantiate = WebAssembly.instantiate;
/** `WebAssembly.compileStreaming`: from a `fetch` Response (the MIME type is not checked). */
export const compileStreaming = WebAssembly.compileStreaming;
/** `WebAssembly.instantiateStreaming`: from a `fetch` Response to `{ module, instance }`. */
export const instantiateStreaming = WebAssembly.instantiateStreaming;
export default WebAssembly;
