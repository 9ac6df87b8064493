/**
 * The public run-time classes (spec 4.2 "Runtime Structure", WebAssembly JS
 * API): `Store`, `Instance`, `Memory`, `Table`, `Global`, `HostFunc`,
 * `Caller`. `Store`, `Instance`, `Memory`, `Table` and `Global` are handles
 * to the internal instances of instances.ts, which the interpreter works on:
 * `internals(handle)` is the one way from a handle to its instance,
 * `handleOf(instance)` the way back (README.md "Runtime objects"). Also the
 * helpers around them: compiled code per function (`compiledOf`), exported
 * function wrappers (`wrapperOf`), trap locations and JS value conversions.
 */
import type { functype, globaltype, valtype } from '../decoder/module.js';
import { CONCRETE, EXTERNREF, F32, F64, FUNCREF, I32, I64, abstractHeap, isExnRef, isNullable } from '../decoder/valtype.js';
import { DEFAULT_LIMITS, checkKeys, type Limits } from '../config.js';
import { Trap, type TrapFrame } from '../errors.js';
import { f32Bits, f32Val, f64At, putF64 } from './float.js';
import type { CompiledFunc } from './compiler.js';
import { GasProfiler, Tracer, type ExecHook, type GasProfile, type TraceStep } from './profile.js';
import type { Module, Engine, EngineState, ModuleState } from './engine.js';
import type { Exception, Tag } from './exn.js';
import type { RestoreImports, Restored } from './snapshot.js';
import { FuncInst, GlobalInst, MemoryInst, ModuleInst, StoreState, TableInst, type ExnInst, type TagInst } from './instances.js';


/** Marks exported function wrappers: `wrapper[FUNC_INST]` is the function instance. */
export const FUNC_INST = Symbol('detwasm.funcInst');

/** Process-wide structural function type ids (call_indirect compares ids). */
const typeIdMap = new Map<string, number>();
export function typeIdOf(t: functype): number {
  const key = t.params.join(',') + '>' + t.results.join(',');
  let id = typeIdMap.get(key);
  if (id === undefined) {
    id = typeIdMap.size + 1;
    typeIdMap.set(key, id);
  }
  return id;
}

/** A wasm function's frame in a trap backtrace: its index in its module and its name-section name. */
export function frameOf(f: FuncInst): TrapFrame {
  const m = f.instance!.module;
  const funcIndex = m.vm.numImportedFuncs + f.codeIndex;
  return { funcIndex, name: m.funcName(funcIndex) };
}

/**
 * Adds one interpreter activation's frames to a trap that unwinds through it:
 * `top` is the running function, `fns[from..to-1]` its callers (innermost last).
 */
export function locateTrap(t: Trap, top: FuncInst, fns: readonly (FuncInst | undefined)[], from: number, to: number): void {
  const frames = [frameOf(top)];
  for (let d = to - 1; d >= from; d--) frames.push(frameOf(fns[d]!));
  t._addFrames(frames);
}

/** Returns the compiled code of a wasm function in its store's variant (metered or not), compiling it on first use. */
export function compiledOf(f: FuncInst): CompiledFunc {
  if (f.compiled !== null) return f.compiled;
  const cf = f.instance!.module.compiled(f.codeIndex, f.store.metered);
  f.compiled = cf;
  f.entryPc = cf.entryPc;
  f.entryGas = cf.entryGas;
  f.paramSlots = cf.paramSlots;
  f.localSlots = cf.localSlots;
  f.frameSlots = cf.frameSlots;
  f.code = cf.code;
  return cf;
}

/** `new Memory(descriptor)`: sizes in 64 KiB pages. */
export interface MemoryDescriptor {
  /** Initial size in pages (a bigint for address type 'i64'). */
  initial: number | bigint;
  /** Maximum size in pages (grows beyond it fail); none = up to the engine limit. A bigint for address type 'i64'. */
  maximum?: number | bigint;
  /** Address type (JS API `AddressType`): 'i32' (default) or 'i64' (memory64; sizes and deltas are bigints). */
  address?: AddressType;
}

export { PAGE_SIZE, memoryWork, FIXED_BACKING_MAX } from './instances.js';

/**
 * The JS API's address types of memories and tables: with 'i64' (memory64,
 * table64) the sizes, deltas and indices the JS API takes and returns are
 * bigints, with 'i32' numbers.
 */
export type AddressType = 'i32' | 'i64';

/**
 * A linear memory (spec 4.2.8, JS API `WebAssembly.Memory`): a handle to a
 * memory instance (instances.ts `MemoryInst`, which describes its backing
 * stores). As in the JS API ("Memory objects": grow, "refresh the memory
 * buffer"), the ArrayBuffer `buffer` returned is the same object until the
 * memory grows; every successful grow, `grow(0)` and wasm's `memory.grow`
 * included, detaches it (its byteLength becomes 0) and `buffer` then returns
 * a new one. A failed grow changes nothing. Once the memory has moved to a
 * resizable backing store, `buffer` is that resizable ArrayBuffer
 * (`resizable` is true, `maxByteLength` the reservation); the host must not
 * `resize` or transfer it.
 *
 * The page limit of `grow` is the `maxMemoryPages` of the engine of the
 * store the memory belongs to, which is the store that created it
 * (instantiating a module that defines it) or, for a memory made with
 * `new Memory()`, the first store that imports it; until then the default
 * limit (16,384 pages). Wasm's `memory.grow` uses the running engine's limit.
 */
export class Memory {
  /** @internal The memory instance (read it with `internals`). */
  private readonly inst: MemoryInst;
  constructor(descriptor: MemoryDescriptor) {
    checkKeys(descriptor, ['initial', 'maximum', 'shared', 'address'], 'Memory descriptor');
    if ((descriptor as { shared?: unknown })?.shared) {
      throw new TypeError('Memory: shared memories are not supported (threads are rejected by the determinism policy)');
    }
    const is64 = addressIs64(descriptor.address, 'Memory');
    const initial = toAddress(descriptor?.initial, is64, 'Memory: initial');
    const maximum = descriptor.maximum === undefined ? undefined : toAddress(descriptor.maximum, is64, 'Memory: maximum');
    if (initial > 65536 || (maximum !== undefined && (maximum > 65536 || maximum < initial))) {
      throw new RangeError('Memory: invalid limits');
    }
    this.inst = new MemoryInst(initial, maximum);
    this.inst.is64 = is64;
    this.inst.handle = this;
  }
  get [Symbol.toStringTag](): string {
    return 'WebAssembly.Memory';
  }
  /** The memory's bytes; the same ArrayBuffer until the next grow, which detaches it. */
  get buffer(): ArrayBuffer {
    return this.inst.buffer();
  }
  /** Current size in pages (detwasm extension; the JS API has `buffer.byteLength / 65536`). */
  get pages(): number {
    return this.inst.pages;
  }
  /**
   * Grows by `delta` pages; returns the old size. Throws RangeError when it
   * cannot grow (JS API). The page limit: see the class comment. For an i64
   * memory `delta` and the result are bigints.
   */
  grow(delta: number | bigint): number | bigint {
    const m = this.inst;
    const r = m.grow(toAddress(delta, m.is64, 'Memory.grow: delta'), m.limit);
    if (r < 0) throw new RangeError('Memory.grow: cannot grow');
    return m.is64 ? BigInt(r) : r;
  }
}

export type RefKind = 'funcref' | 'externref';

/** `new Table(descriptor, init?)`: element type and sizes in elements. */
export interface TableDescriptor {
  /** 'funcref' (JS API spelling: 'anyfunc') or 'externref'. */
  element: 'funcref' | 'anyfunc' | 'externref';
  /** Initial number of elements (a bigint for address type 'i64'). */
  initial: number | bigint;
  /** Maximum number of elements; none = up to the engine limit. A bigint for address type 'i64'. */
  maximum?: number | bigint;
  /** Address type (JS API `AddressType`): 'i32' (default) or 'i64' (table64; sizes, deltas and indices are bigints). */
  address?: AddressType;
}

/**
 * A table (spec 4.2.7, JS API `WebAssembly.Table`): a handle to a table
 * instance (instances.ts `TableInst`). Elements are exported functions or
 * null (funcref) or any values (externref).
 */
export class Table {
  /** @internal The table instance (read it with `internals`). */
  private readonly inst: TableInst;
  constructor(descriptor: TableDescriptor, init?: unknown) {
    checkKeys(descriptor, ['element', 'initial', 'maximum', 'address'], 'Table descriptor');
    const el = descriptor?.element;
    if (el !== 'funcref' && el !== 'anyfunc' && el !== 'externref') throw new TypeError('Table: element must be funcref or externref');
    const elemtype = el === 'externref' ? EXTERNREF : FUNCREF;
    const is64 = addressIs64(descriptor.address, 'Table');
    const initial = toAddress(descriptor.initial, is64, 'Table: initial');
    const maximum = descriptor.maximum === undefined ? undefined : toAddress(descriptor.maximum, is64, 'Table: maximum');
    if (maximum !== undefined && maximum < initial) throw new RangeError('Table: maximum below initial');
    if (initial > DEFAULT_LIMITS.maxTableSize) throw new RangeError('Table: initial size too large');
    const t = new TableInst(elemtype, [], maximum);
    t.is64 = is64;
    const v = init === undefined ? tableDefault(t) : tableFromJS(t, init);
    t.elems = new Array(initial).fill(v);
    t.handle = this;
    this.inst = t;
  }
  get [Symbol.toStringTag](): string {
    return 'WebAssembly.Table';
  }
  /** Number of elements (a bigint for an i64 table). */
  get length(): number | bigint {
    const t = this.inst;
    return t.is64 ? BigInt(t.elems.length) : t.elems.length;
  }
  /** Element `index` (a bigint for an i64 table): an exported function or null (funcref), any value (externref); RangeError past the end; TypeError for an exnref table (an exnref has no JS form). */
  get(index: number | bigint): unknown {
    const t = this.inst;
    const i = toAddress(index, t.is64, 'Table.get: index');
    if (i >= t.elems.length) throw new RangeError('Table.get: index out of bounds');
    if (isExnRef(t.linkElem)) throw new TypeError('Table.get: an exnref value cannot go to JS');
    const v = t.elems[i];
    return t.elemtype === FUNCREF && v !== null ? wrapperOf(v as FuncInst) : v;
  }
  /** Sets element `index` (a bigint for an i64 table; omitted value: null / undefined); RangeError past the end, TypeError for a non-wasm function in a funcref table. */
  set(index: number | bigint, value?: unknown): void {
    const t = this.inst;
    const i = toAddress(index, t.is64, 'Table.set: index');
    if (i >= t.elems.length) throw new RangeError('Table.set: index out of bounds');
    t.elems[i] = value === undefined ? tableDefault(t) : tableFromJS(t, value);
  }
  /** Adds `delta` elements set to `init`; returns the old length. RangeError beyond the maximum. For an i64 table `delta` and the result are bigints. */
  grow(delta: number | bigint, init?: unknown): number | bigint {
    const t = this.inst;
    const d = toAddress(delta, t.is64, 'Table.grow: delta');
    const v = init === undefined ? tableDefault(t) : tableFromJS(t, init);
    const r = t.grow(d, v, t.limit);
    if (r < 0) throw new RangeError('Table.grow: cannot grow');
    return t.is64 ? BigInt(r) : r;
  }
}

/** JS API DefaultValue of table `t`'s element type: null for funcref, undefined for externref; none (TypeError) for a non-nullable element type. */
function tableDefault(t: TableInst): unknown {
  if (t.linkElem !== 0 && !isNullable(t.linkElem)) throw new TypeError('Table: a value is required for a non-nullable element type');
  return t.elemtype === FUNCREF ? null : undefined;
}

/**
 * A JS value as an element of table `t` (JS API ToWebAssemblyValue): for a
 * typed function reference element type (`linkElem`) a wasm function of that
 * type (`funcRefFromJS`); for funcref an exported function's FuncInst or null;
 * null is a TypeError for a non-nullable type; else TypeError.
 */
function tableFromJS(t: TableInst, v: unknown): unknown {
  const lt = t.linkElem;
  if (isExnRef(lt)) throw new TypeError('Table: an exnref value cannot come from JS');
  if (lt !== 0 && abstractHeap(lt) !== EXTERNREF) return funcRefFromJS(v, lt, 'Table');
  if (v === null && lt !== 0 && !isNullable(lt)) throw new TypeError('Table: null is not a value of a non-nullable reference type');
  if (t.elemtype === FUNCREF) {
    if (v === null) return null;
    const f = typeof v === 'function' ? (v as any)[FUNC_INST] : undefined;
    if (!(f instanceof FuncInst)) throw new TypeError('Table: value is not a WebAssembly function (exported function) or null');
    return f;
  }
  return v;
}

/** Value types by name ('anyfunc' is the JS API's spelling of 'funcref'). */
export type ValueTypeName = 'i32' | 'i64' | 'f32' | 'f64' | 'funcref' | 'externref' | 'anyfunc';
/** `new Global(descriptor, init?)`. */
export interface GlobalDescriptor {
  /** The value type. */
  value: ValueTypeName;
  /** Whether `value` may be set (from JS and by `global.set`). */
  mutable?: boolean;
}

/**
 * A global (spec 4.2.9, JS API `WebAssembly.Global`): a handle to a global
 * instance (instances.ts `GlobalInst`). Values set from JS (constructor
 * `init`, `value =`) are converted as in the JS API: i32 with ToInt32 (a
 * BigInt is a TypeError), i64 with ToBigInt64 (a Number is a TypeError; see
 * `toI64`), f32/f64 with ToNumber (f32 rounded to nearest; a NaN stored as
 * the canonical NaN). Reading an f32/f64 gives a number; a NaN's payload is
 * not observable from JS.
 */
export class Global {
  /** @internal The global instance (read it with `internals`). */
  private readonly inst: GlobalInst;
  constructor(descriptor: GlobalDescriptor, init?: unknown) {
    checkKeys(descriptor, ['value', 'mutable'], 'Global descriptor');
    const v = descriptor?.value;
    let t: valtype;
    switch (v) {
      case 'i32': t = I32; break;
      case 'i64': t = I64; break;
      case 'funcref': case 'anyfunc': t = FUNCREF; break;
      case 'externref': t = EXTERNREF; break;
      case 'f32': t = F32; break;
      case 'f64': t = F64; break;
      default:
        throw new TypeError(`Global: unknown value type ${String(v)}`);
    }
    this.inst = new GlobalInst({ valtype: t, mutable: !!descriptor.mutable });
    this.inst.handle = this;
    if (init !== undefined) setGlobalFromJS(this.inst, init);
    else if (t === EXTERNREF) this.inst.ref = undefined;
  }
  /** The value: i32, f32 and f64 a number, i64 a bigint, funcref an exported function or null, externref any value. */
  get value(): unknown {
    const g = this.inst;
    const t = g.type.valtype;
    if (t === I32) return g.cell[0];
    // (an exnref global keeps its type in linkType, type.valtype says funcref)
    if (isExnRef(g.linkType)) throw new TypeError('Global: an exnref value cannot go to JS');
    if (t === I64) return i64ToBigInt(g.cell[0], g.cell[1]);
    if (t === F32) return f32Val(g.cell[0]);
    if (t === F64) return f64At(g.cell, 0);
    if (t === FUNCREF) return g.ref === null ? null : wrapperOf(g.ref as FuncInst);
    return g.ref;
  }
  set value(v: unknown) {
    if (isExnRef(this.inst.linkType)) throw new TypeError('Global: an exnref value cannot come from JS');
    if (!this.inst.type.mutable) throw new TypeError('Global: cannot set the value of an immutable global');
    setGlobalFromJS(this.inst, v);
  }
  /** The value (JS API `valueOf`). */
  valueOf(): unknown {
    return this.value;
  }
  get [Symbol.toStringTag](): string {
    return 'WebAssembly.Global';
  }
}

/** Sets global `g` to the JS value `v` (JS API ToWebAssemblyValue, see `Global`). */
function setGlobalFromJS(g: GlobalInst, v: unknown): void {
  const t = g.type.valtype;
  if (t === I32) g.cell[0] = toI32(v);
  else if (t === I64) {
    const b = toI64(v);
    g.cell[0] = Number(BigInt.asIntN(32, b));
    g.cell[1] = Number(BigInt.asIntN(32, b >> 32n));
  } else if (t === F32) g.cell[0] = toF32Bits(v);
  else if (t === F64) putF64FromJS(g.cell, 0, v);
  else if (g.linkType !== 0 && abstractHeap(g.linkType) !== EXTERNREF) g.ref = funcRefFromJS(v, g.linkType, 'Global');
  else if (t === FUNCREF) {
    if (v === null) g.ref = null;
    else {
      const f = typeof v === 'function' ? (v as any)[FUNC_INST] : undefined;
      if (!(f instanceof FuncInst)) throw new TypeError('Global: value is not a WebAssembly function or null');
      g.ref = f;
    }
  } else g.ref = v;
}

/**
 * JS API ToWebAssemblyValue for a function reference type `t` in
 * module-independent terms (types.ts `linkType`): null (TypeError for a
 * non-nullable type) or the function instance of an exported wasm function,
 * which must have the referenced function type when `t` is concrete.
 */
export function funcRefFromJS(v: unknown, t: valtype, what: string): FuncInst | null {
  if (v === null) {
    if (!isNullable(t)) throw new TypeError(`${what}: null is not a value of a non-nullable reference type`);
    return null;
  }
  const f = typeof v === 'function' ? (v as { [FUNC_INST]?: unknown })[FUNC_INST] : undefined;
  if (!(f instanceof FuncInst)) throw new TypeError(`${what}: value is not a WebAssembly function or null`);
  if (t >= CONCRETE && f.typeId !== (t - CONCRETE) >>> 1) {
    throw new TypeError(`${what}: value is a WebAssembly function of another type than the reference type names`);
  }
  return f;
}

/** The internal instance a public handle stands for (the interpreter's way from the JS API objects to what it works on). */
export function internals(x: Memory): MemoryInst;
export function internals(x: Table): TableInst;
export function internals(x: Global): GlobalInst;
export function internals(x: Store): StoreState;
export function internals(x: Instance): ModuleInst;
export function internals(x: Tag): TagInst;
export function internals(x: Exception): ExnInst;
export function internals(x: Engine): EngineState;
export function internals(x: Module): ModuleState;
export function internals(x: Memory | Table | Global | Store | Instance | Tag | Exception | Engine | Module): MemoryInst | TableInst | GlobalInst | StoreState | ModuleInst | TagInst | ExnInst | EngineState | ModuleState {
  if (x instanceof Store) return x['state'];
  // An engine's or a module's handle holds its state in `state` (engine.ts, not imported here at run time), the others in `inst`.
  if ('state' in x) return x.state;
  return (x as unknown as { inst: MemoryInst | TableInst | GlobalInst | ModuleInst | TagInst | ExnInst }).inst;
}

/** The public handle of an internal instance (made on first use, then always the same object). */
export function handleOf(x: MemoryInst): Memory;
export function handleOf(x: TableInst): Table;
export function handleOf(x: GlobalInst): Global;
export function handleOf(x: ModuleInst): Instance;
export function handleOf(x: MemoryInst | TableInst | GlobalInst | ModuleInst): Memory | Table | Global | Instance {
  if (x.handle !== null) return x.handle;
  if (x instanceof ModuleInst) return (x.handle = new InstanceObject(x) as Instance);
  const proto = x instanceof MemoryInst ? Memory.prototype : x instanceof TableInst ? Table.prototype : Global.prototype;
  const h = Object.create(proto) as { inst: typeof x };
  h.inst = x;
  x.handle = h as never;
  return h as unknown as Memory | Table | Global;
}
/** A host function's wasm type: value type names ('i32', 'i64', 'f32', 'f64', 'funcref', 'externref'). */
export interface HostFuncType {
  params: string[];
  results: string[];
}

/**
 * The JS arguments of a host function whose wasm parameters are `P`: a tuple
 * (`['i32', 'i64']` gives `[number, bigint]`), or `any[]` when the types are
 * only known as `string[]`.
 */
export type HostArgs<P extends readonly string[]> = string[] extends P
  ? any[]
  : { -readonly [K in keyof P]: WasmValue<P[K]> };

/**
 * A host function with a declared type; `fn` receives the `Caller` first.
 * With the type written inline, `fn`'s arguments are typed from it:
 * `new HostFunc({ params: ['i32', 'i64'], results: [] }, (caller, a, b) => ...)`
 * gives `a: number`, `b: bigint`.
 */
export class HostFunc<const P extends readonly string[] = string[]> {
  /** The declared type (checked against the import at instantiation: LinkError on a mismatch). */
  readonly type: functype;
  /** `fn(caller, ...args)`: i32, f32 and f64 arguments arrive as numbers, i64 as bigints; return one value, or an iterable for several results. */
  constructor(type: { params: P; results: readonly string[] }, readonly fn: (caller: Caller, ...args: HostArgs<P>) => unknown) {
    if (typeof fn !== 'function') throw new TypeError('HostFunc: fn must be a function');
    checkKeys(type, ['params', 'results'], 'HostFunc type');
    this.type = { params: type.params.map(parseValtype), results: type.results.map(parseValtype) };
  }
}

/** A value type name → its binary encoding; TypeError for unknown names. */
export function parseValtype(s: string): valtype {
  switch (s) {
    case 'i32': return I32;
    case 'i64': return I64;
    case 'f32': return F32;
    case 'f64': return F64;
    case 'funcref': case 'anyfunc': return FUNCREF;
    case 'externref': return EXTERNREF;
    default:
      throw new TypeError(`unknown value type ${s}`);
  }
}

/** What a host function sees of its caller. */
export class Caller {
  /** `store`: the store the call runs in; `instance`: the calling instance (null when called directly from JS). */
  constructor(readonly store: Store, readonly instance: Instance | null) {}
  /** The calling instance's exported memory, else its first memory, else null. */
  get memory(): Memory | null {
    const m = this.instance ? internals(this.instance).memory : null;
    return m !== null ? handleOf(m) : null;
  }
  /**
   * Charges n gas (same rule as instructions: out_of_gas leaves the remaining
   * gas untouched). `n` is a non-negative integer (number or bigint; a
   * fraction, NaN or a negative amount is a RangeError, so gas stays integral).
   */
  consumeGas(n: number | bigint): void {
    this.store.consumeGas(n);
  }
  /** The store's remaining gas (Infinity when unmetered). */
  get gasRemaining(): number {
    return this.store.gasRemaining;
  }
  /**
   * Pauses the whole execution and hands control back to the embedder
   * (wasmi's resumable host trap): `callResumable` returns a `Paused` call
   * with reason 'host' and this `payload`; `paused.resume(value)` later
   * continues as if this host function had returned `value`. Only inside
   * `callResumable` (elsewhere a Trap 'host'). Never returns.
   */
  pause(payload?: unknown): never {
    throw new HostPause(payload);
  }
}

/** Thrown by `Caller.pause` (host.ts turns it into a suspension). */
export class HostPause {
  constructor(readonly payload: unknown) {}
}

/**
 * A paused interpreter activation (resume.ts): where it stopped and what the
 * resumed call does first (charge `pendingGas`, or throw `error` there).
 */
export class Activation {
  constructor(
    /** The running function, its pc and frame pointer, and the call depth. */
    readonly f: FuncInst,
    readonly pc: number,
    readonly fp: number,
    readonly depth: number,
    /** Depth of the activation's entry frame (its return ends the call). */
    readonly entryDepth: number,
    /** Gas to charge before continuing (0: run the instruction at pc again). */
    public pendingGas: number,
    /** An error to throw at pc instead (a rejected host Promise). */
    public error: unknown,
  ) {}
}

/**
 * The paused call of a store (resume.ts keeps it in `StoreState.pausedState`
 * while the call is paused; snapshot.ts saves and rebuilds it): the
 * invocation (entry function, where its arguments and results are, the
 * store's depth, stack top and nesting before it), the activation, the
 * suspended host call, and why it paused.
 */
export interface PausedCallState {
  /** The called (entry) function. */
  readonly f: FuncInst;
  /** Value-stack slot of its arguments and results. */
  readonly base: number;
  /** The store's call depth, stack top and JS -> wasm nesting before the call. */
  readonly depth: number;
  readonly sp: number;
  readonly nesting: number;
  /** Started by `callAsync` (its suspensions wait for Promises). */
  readonly async: boolean;
  /** Where the activation stopped and what it does first on resume. */
  readonly act: Activation;
  /** The host call that paused it (its function and results' slot), or null for out of gas. */
  readonly host: { readonly f: FuncInst; readonly nfp: number } | null;
  /** Why it paused, and the `Paused.payload`. */
  readonly reason: 'out_of_gas' | 'host';
  readonly payload: unknown;
}

export interface StoreOptions {
  /** Gas budget; omit for an unmetered store. */
  gas?: number | bigint;
  /**
   * What an exception thrown by a host function becomes: 'trap' (default) a
   * `Trap` with code 'host' and the exception as `cause`; 'propagate', as the
   * WebAssembly JS API does (the compat entry uses this), inside wasm an
   * exception with tag `JSTag` that handlers may catch, and the thrown value
   * itself, unchanged, once it leaves wasm (exn.ts). A `Trap` thrown by a
   * host function passes through either way.
   */
  hostErrors?: 'trap' | 'propagate';
  /** Collect a gas profile of every call in this store (`store.profile()`; profile.ts). */
  profile?: boolean;
  /** Called with every executed instruction of every call in this store (profile.ts `TraceStep`). */
  trace?: (step: TraceStep) => void;
}

/**
 * Nesting of JS -> wasm entries (host functions calling back into wasm) before
 * call_stack_exhausted. Each level costs JS stack: up to ~5.5 KB while the
 * execution loop is not yet optimized by the JS engine (its interpreted frame
 * is ~4.7 KB), ~1 KB once it is (measured on Node 20 by `--stack-size`
 * bisection; test/reentry-stack.test.ts runs it on a 250 KB stack). 32 levels take at most ~180 KB, so on
 * a 256 KB stack (small-stack hosts, browser workers) the cap is reached the
 * same way — same trap, depth and gas — as on any larger stack.
 */
export const MAX_REENTRANCY = 32;

/**
 * A store (spec 4.2.3): owns the execution stacks, the gas counter and the
 * reference table of everything instantiated in it (a handle to its state,
 * instances.ts `StoreState`).
 *
 * Gas: with a budget, `gasRemaining` counts down and `gasUsed` counts what was
 * charged (top-ups by setting `gasRemaining` do not change `gasUsed`). Without
 * a budget the store is unmetered: bytecode without gas instructions runs,
 * `gasUsed` stays 0 and `gasRemaining` is `Infinity`. Gas values are JS numbers:
 * budgets above 2^53 are clamped to Number.MAX_SAFE_INTEGER.
 */
export class Store {
  readonly engine: Engine;
  /** @internal The store's state (read it with `internals`). */
  private readonly state: StoreState;

  constructor(engine: Engine, options: StoreOptions = {}) {
    checkKeys(options, ['gas', 'hostErrors', 'profile', 'trace'], 'Store options');
    if (options.trace !== undefined && typeof options.trace !== 'function') throw new TypeError('Store options: trace must be a function');
    const profiler = options.profile ? new GasProfiler() : null;
    let hook: ExecHook | null = options.trace !== undefined ? new Tracer(options.trace) : profiler;
    if (options.trace !== undefined && profiler !== null) hook = bothHooks(profiler, hook!);
    this.engine = engine;
    const gas = options.gas === undefined ? undefined : gasNumber(options.gas);
    this.state = new StoreState(this, engine.state, engine.state.config.limits, engine.state.schedule, gas, hook, profiler, options.hostErrors === 'propagate');
    engine.state.warmUp();
  }

  /**
   * Charges n gas to the store, as `Caller.consumeGas` does (out_of_gas
   * leaves the remaining gas untouched; a fraction, NaN or a negative amount
   * is a RangeError); nothing on an unmetered store. For example
   * `store.consumeGas(module.compileCost)` bills a module's compilation.
   */
  consumeGas(n: number | bigint): void {
    const k = Number(n);
    if (!(k >= 0) || !Number.isInteger(k)) throw new RangeError(`consumeGas: amount must be a non-negative integer, got ${String(n)}`);
    const s = this.state;
    if (s.gas < k) throw new Trap('out_of_gas');
    s.gas -= k;
  }

  /**
   * The gas profile of the calls made so far (a store created with
   * `profile: true`; else TypeError): gas per function, self and inclusive,
   * and folded stacks for flame graphs (profile.ts).
   */
  profile(): GasProfile {
    if (this.state.profiler === null) throw new TypeError('profile: create the store with { profile: true }');
    return this.state.profiler.result();
  }

  /** Gas charged so far (0 when unmetered); top-ups do not change it. */
  get gasUsed(): number {
    const s = this.state;
    return s.metered ? s.budget - s.gas : 0;
  }
  /** Gas left (Infinity when unmetered). */
  get gasRemaining(): number {
    return this.state.gas;
  }
  /** Sets the gas left (top up or lower it); TypeError on an unmetered store, RangeError for a negative amount. */
  set gasRemaining(v: number | bigint) {
    const s = this.state;
    if (!s.metered) throw new TypeError('gasRemaining: the store is unmetered (create it with a gas budget)');
    const n = gasNumber(v);
    s.budget += n - s.gas;
    s.gas = n;
  }
  /**
   * Instantiates `module` in this store (spec 4.5.4): links the imports
   * (`imports[module][name]`: functions, HostFunc, Memory, Table, Global or a
   * plain number/bigint for an immutable global), applies the segments and runs
   * the start function. Throws LinkError, or Trap from a segment or the start
   * function; TypeError for a module of another engine.
   *
   * `E` types the exports (a type only, not checked at run time), e.g.
   * `store.instantiate<{ run: (n: number) => number; memory: Memory }>(module)`;
   * by default every export is an `ExportValue`.
   */
  instantiate<E extends Record<keyof E, ExportValue> = Exports>(module: Module, imports?: Imports): Instance<E>;
  /** The same, for an import object already typed as a record of unknown values. */
  instantiate<E extends Record<keyof E, ExportValue> = Exports>(module: Module, imports?: Record<string, Record<string, unknown>>): Instance<E>;
  instantiate(module: Module, imports?: Record<string, Record<string, unknown>>): Instance {
    return handleOf(module.state.instantiate(this.state, imports ?? {}));
  }

  /**
   * The store as bytes (snapshot.ts, README "Snapshots"): every instance's
   * memories, tables, globals and segment state, the gas counters and the
   * paused call, if any. Throws `SnapshotError` ('unsupported') for state
   * that cannot be saved (a call running or suspended by `callAsync`, an
   * externref that is an object, an exception made in JS or another store
   * with references in its payload, a store that does not keep its
   * instances: `StoreState.recordsInstances`).
   */
  snapshot(): Uint8Array {
    return this.state.engine.snapshot(this.state);
  }

  /**
   * Rebuilds a store from `store.snapshot()` bytes (snapshot.ts `restore`):
   * `modules` the compiled modules of its instances (matched by their bytes'
   * hash), `imports` the host functions, re-linked by import name. Returns
   * the store, its instances and the paused call (or null).
   */
  static restore(engine: Engine, modules: readonly Module[], bytes: Uint8Array, imports?: RestoreImports): Restored {
    return engine.state.restore(modules, bytes, imports);
  }
}

function gasNumber(v: number | bigint): number {
  if (typeof v === 'bigint') {
    if (v < 0n) throw new RangeError('gas must be non-negative');
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  }
  if (typeof v !== 'number' || !(v >= 0)) throw new RangeError('gas must be a non-negative number');
  return Math.min(Math.floor(v), Number.MAX_SAFE_INTEGER);
}

/**
 * An exported wasm function as JS sees it (JS API "Exported Function"): i32
 * arguments and results are numbers, i64 bigints, funcref an exported function
 * or null, externref any value; no result is `undefined`, several an array.
 * `WasmFunction` spells out a precise signature.
 */
export type ExportedFunction = (...args: any[]) => any;

/** One export of an instance: a function, memory, table or global. */
export type ExportValue = ExportedFunction | Memory | Table | Global;

/**
 * The exports of an instance by name (the default type of
 * `Instance.exports`). Name the exports you rely on with a type argument,
 * `store.instantiate<{ run: (n: number) => number; memory: Memory }>(...)`,
 * or narrow a value with `instanceof Memory` / `typeof f === 'function'`.
 */
export type Exports = { readonly [name: string]: ExportValue };

/**
 * The JS type of a wasm value of type `T` (JS API ToJSValue): i32, f32 and
 * f64 a number, i64 a bigint, funcref an exported function or null,
 * externref any value (`unknown`); a name that is no value type gives `any`.
 */
export type WasmValue<T extends string> =
  T extends 'i32' | 'f32' | 'f64' ? number
  : T extends 'i64' ? bigint
  : T extends 'funcref' | 'anyfunc' ? ExportedFunction | null
  : T extends 'externref' ? unknown
  : any;

/**
 * An exported function typed by its wasm signature:
 * `WasmFunction<['i32', 'i64'], ['i64']>` is `(a: number, b: bigint) => bigint`;
 * no result gives `undefined`, several results a tuple.
 */
export type WasmFunction<P extends readonly string[] = [], R extends readonly string[] = []> = (
  ...args: { -readonly [K in keyof P]: WasmValue<P[K]> }
) => R extends readonly [] ? undefined
  : R extends readonly [infer One extends string] ? WasmValue<One>
  : { -readonly [K in keyof R]: WasmValue<R[K]> };

/**
 * A plain JS function given as an import: called with the wasm arguments
 * (i32 → number, i64 → bigint) and `this` = the `Caller`; returns the result
 * (an iterable for several results).
 */
export type HostFunction = (this: Caller, ...args: any[]) => unknown;

/**
 * One import value: a function (`HostFunction`, a `HostFunc`, or another
 * instance's exported function), a `Memory`, `Table` or `Global`, or a plain
 * number / bigint / reference for an immutable global.
 */
export type ImportValue = HostFunction | HostFunc | Memory | Table | Global | number | bigint | object | null;

/** The import object of `Store.instantiate`: `imports[module][name]`. */
export type Imports = { readonly [module: string]: { readonly [name: string]: ImportValue } };

/**
 * A module instance (spec 4.2.5), made by `Store.instantiate`: a handle to
 * its internal instance (instances.ts `ModuleInst`). `E` types its exports
 * (default `Exports`: every name maps to an `ExportValue`).
 */
export interface Instance<E extends object = Exports> {
  /** The exports by name (frozen, no prototype): functions, Memory, Table and Global objects. */
  readonly exports: E;
}

/** The implementation of `Instance` (made by `handleOf`). */
class InstanceObject {
  readonly exports: Record<string, unknown>;
  /** @internal The module instance (read it with `internals`). */
  private readonly inst: ModuleInst;
  constructor(inst: ModuleInst) {
    this.exports = inst.exports;
    this.inst = inst;
  }
}
Object.defineProperty(InstanceObject, 'name', { value: 'Instance' });

/**
 * The `Instance` class, for `instanceof Instance`. Instances are made by
 * `Store.instantiate` only.
 */
export const Instance: { new (...args: never): Instance<any>; readonly prototype: Instance<any> } = InstanceObject;

/**
 * The exported-function wrapper of `f` (one per function instance), made by
 * its store's engine (`EngineState.wrap`, call.ts `makeWrapper`): the runtime
 * objects never import the invocation code, which imports them.
 */
export function wrapperOf(f: FuncInst): (...args: unknown[]) => unknown {
  if (f.wrapper) return f.wrapper;
  const w = f.store.engine.wrap(f);
  f.wrapper = w;
  return w;
}

export function i64ToBigInt(lo: number, hi: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo >>> 0);
}

/** ToWebAssemblyValue for i32 (JS API): ToInt32(ToNumber(v)); BigInt throws TypeError. */
/**
 * ToWebAssemblyValue for f32 (JS API): ToNumber(v) (a BigInt or a Symbol
 * throws TypeError) rounded to f32, as bits. A NaN becomes the canonical NaN:
 * a JS NaN has no observable payload, so none is carried into wasm.
 */
export function toF32Bits(v: unknown): number {
  return f32Bits(+(v as number));
}

/** ToWebAssemblyValue for f64: ToNumber(v), written as bits to `S[d..]` (a NaN canonical). */
export function putF64FromJS(S: Int32Array, d: number, v: unknown): void {
  putF64(S, d, +(v as number));
}

export function toI32(v: unknown): number {
  if (typeof v === 'bigint') throw new TypeError('cannot convert a BigInt to i32');
  return (v as number) | 0;
}

/**
 * ToWebAssemblyValue for i64 (JS API): ToBigInt64(v). `BigInt.asIntN` applies
 * ToBigInt (ECMA-262 7.1.13) itself: a BigInt, a boolean (true -> 1n) or a
 * numeric string ("5" -> 5n) is accepted; a Number, undefined, null or a Symbol
 * throws TypeError (an unparsable string SyntaxError). `BigInt(v)` must not be
 * used here: it would accept integral Numbers.
 */
export function toI64(v: unknown): bigint {
  return BigInt.asIntN(64, v as bigint);
}

/** The JS API's `AddressType` of a descriptor: true for 'i64', false for 'i32' or none; TypeError otherwise. */
function addressIs64(address: unknown, what: string): boolean {
  if (address === undefined || address === 'i32') return false;
  if (address === 'i64') return true;
  throw new TypeError(`${what}: address must be 'i32' or 'i64', got ${typeof address === 'string' ? `'${address}'` : String(address)}`);
}

/**
 * JS API AddressValueToU64: a size, delta or index of an i32 memory or table
 * is a number converted to 0..2^32-1, of an i64 one a bigint in 0..2^64-1
 * (a number there, or a bigint for i32, is a TypeError as natively). The
 * result is a number (beyond 2^53 only approximately, which every limit
 * check still rejects).
 */
function toAddress(v: unknown, is64: boolean, what: string): number {
  if (!is64) {
    if (typeof v === 'bigint') throw new TypeError(`${what} must be a number for address type i32, got a bigint`);
    return toU32(v, what);
  }
  if (typeof v !== 'bigint') throw new TypeError(`${what} must be a bigint for address type i64, got ${typeof v}`);
  if (v < 0n || v > 0xffffffffffffffffn) throw new TypeError(`${what} must be in 0..2^64-1, got ${v}`);
  return Number(v);
}

/**
 * WebIDL `[EnforceRange] unsigned long` (the JS API's descriptors and deltas):
 * ToNumber, NaN and infinities are a TypeError, the fraction is dropped
 * (1.5 -> 1), and the result must be in 0..2^32-1.
 */
function toU32(v: unknown, what: string): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new TypeError(`${what} must be a finite number`);
  const i = Math.trunc(n);
  if (i < 0 || i > 0xffffffff) throw new TypeError(`${what} must be in 0..2^32-1, got ${i}`);
  return i + 0; // -0 -> 0
}

/** Both hooks, profile first. */
function bothHooks(a: ExecHook, b: ExecHook): ExecHook {
  return {
    step(f, pc, fp, depth, gas, code, S) {
      a.step(f, pc, fp, depth, gas, code, S);
      b.step(f, pc, fp, depth, gas, code, S);
    },
    begin(gas) {
      a.begin(gas);
      b.begin(gas);
    },
    end(gas) {
      a.end(gas);
      b.end(gas);
    },
  };
}
