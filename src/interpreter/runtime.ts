/**
 * Run-time objects (spec 4.2 "Runtime Structure"): function instances, memories,
 * tables, globals, the store and instances. The public classes (`Memory`,
 * `Table`, `Global`, `HostFunc`, `Caller`, `Store`, `Instance`) follow the
 * WebAssembly JS API; fields starting with `_` are internal to detwasm.
 */
import type { functype, globaltype, valtype } from '../decoder/module.js';
import { CONCRETE, EXTERNREF, F32, F64, FUNCREF, I32, I64, abstractHeap, isExnRef, isNullable } from '../decoder/valtype.js';
import { DEFAULT_LIMITS, checkKeys, type Limits } from '../config.js';
import { Trap, type TrapFrame } from '../errors.js';
import { f32Bits, f32Val, f64At, putF64 } from './float.js';
import type { CompiledFunc } from './compiler.js';
import { GasProfiler, Tracer, type ExecHook, type GasProfile, type TraceStep } from './profile.js';
import type { Module, Engine } from './engine.js';
import type { Tag } from './exn.js';
import type { RestoreImports, Restored } from './snapshot.js';

export const PAGE_SIZE = 65536;

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

/** A function instance (spec 4.2.6): a wasm function of an instance, or a host function. */
export class FuncInst {
  /** SPEED: compiled bytecode cached here (metered / unmetered), set on first call. */
  _cm: CompiledFunc | null = null;
  _cu: CompiledFunc | null = null;
  _wrapper: ((...args: unknown[]) => unknown) | null = null;
  /** Host functions: the function index of the import that created it (the exported function's `name`). */
  _hostIndex = -1;
  /** Host functions: the import's `module.name` (messages). */
  _hostName: string | null = null;
  constructor(
    readonly store: Store,
    readonly type: functype,
    readonly typeId: number,
    readonly host: boolean,
    /** For wasm functions: the instance and the index into its module's code section. */
    readonly instance: Instance | null,
    readonly codeIndex: number,
    /** For host functions: the JS function and whether it takes the caller explicitly (HostFunc). */
    readonly fn: ((...args: any[]) => unknown) | null,
    readonly explicitCaller: boolean,
  ) {}
}

/** A wasm function's frame in a trap backtrace: its index in its module and its name-section name. */
export function frameOf(f: FuncInst): TrapFrame {
  const m = f.instance!._module;
  const funcIndex = m._vm.numImportedFuncs + f.codeIndex;
  return { funcIndex, name: m._funcName(funcIndex) };
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

/** Returns the compiled code of a wasm function, compiling it on first use. */
export function compiledOf(f: FuncInst, metered: boolean): CompiledFunc {
  const c = metered ? f._cm : f._cu;
  if (c !== null) return c;
  const compiled = f.instance!._module._compiled(f.codeIndex, metered);
  if (metered) f._cm = compiled;
  else f._cu = compiled;
  return compiled;
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

/**
 * The JS API's address types of memories and tables: with 'i64' (memory64,
 * table64) the sizes, deltas and indices the JS API takes and returns are
 * bigints, with 'i32' numbers.
 */
export type AddressType = 'i32' | 'i64';

/**
 * Work the memories of this process have done on the host, in bytes: backing
 * stores allocated (including pages committed by resizing a resizable one) and
 * bytes copied between backing stores. Engine-internal, monotonic; the hostile
 * tests (fuzz/hostile-memory.test.ts) assert on it instead of on wall time.
 */
export const memoryWork = { allocated: 0, copied: 0 };

/**
 * Largest fixed-length backing store a growing memory gets (64 MiB): growth
 * beyond it moves the memory to a resizable backing, so a large memory is
 * copied at most once however it grows.
 */
export const FIXED_BACKING_MAX = 64 * 1024 * 1024;

/**
 * A linear memory (spec 4.2.8).
 *
 * `_u8` / `_dv` are always views of exactly the memory's current size (the
 * execution loop reads them again after every grow and host call). The bytes
 * live in one of two kinds of backing store:
 *
 * - a fixed-length ArrayBuffer, possibly larger than the memory: growth doubles
 *   its capacity (bounded by the maximum and by FIXED_BACKING_MAX), so growth
 *   that nobody observes copies O(final size) bytes in total. This is the fast
 *   kind for the execution loop: V8 (Node 20, Chromium 156) runs DataView
 *   access to a resizable buffer about 9x slower in a micro-benchmark, and
 *   memory-bound bench programs up to ~1.5x slower.
 * - a resizable ArrayBuffer reserved up to the memory's page limit (virtual
 *   address space only: pages are committed as the memory grows), which grows
 *   in place and is detached without copying.
 *
 * `buffer` must be an ArrayBuffer of exactly the current size that the next
 * grow detaches (JS API). With a fixed-length backing, a grow after `buffer`
 * was read needs a new backing store (one copy), and reading `buffer` when the
 * backing has spare capacity needs a compacted one (one copy). Those copies
 * are caused by the host's reads, not paid by the guest's gas, so they are
 * bounded: reading `buffer` when the backing has spare capacity moves the
 * memory to a resizable backing (one copy) instead of compacting it; a grow
 * after a read may copy once within `_debt` (bytes copied because of reads,
 * at most the memory's size), beyond that it moves the memory; and growth
 * beyond FIXED_BACKING_MAX moves it. Once resizable, the memory never copies
 * again. Growing one page at a time while the host reads `buffer` after each
 * grow therefore copies at most about the final size in all, whatever the
 * host does (fuzz/hostile-memory.test.ts counts it with `memoryWork`). Hosts
 * without resizable ArrayBuffers (pre-2023 engines) or out of address space
 * to reserve stay on fixed-length backing stores.
 *
 * As in the JS API ("Memory objects": grow, "refresh the memory buffer"), the
 * ArrayBuffer `buffer` returned is the same object until the memory grows;
 * every successful grow, `grow(0)` and wasm's `memory.grow` included, detaches
 * it (its byteLength becomes 0) and `buffer` then returns a new one. A failed
 * grow changes nothing. Detaching uses `ArrayBuffer.prototype.transfer` or
 * `structuredClone` with a transfer list (both move the bytes, no copy); it
 * only happens when a buffer was handed out, so wasm code that grows a memory
 * nobody looked at pays nothing for it. Once the backing is resizable, the
 * `buffer` handed out is that resizable ArrayBuffer (`resizable` is true,
 * `maxByteLength` the reservation); the host must not `resize` or transfer it.
 *
 * `_limit` is the page limit `grow` from JS uses: the `maxMemoryPages` of the
 * engine of the store the memory belongs to, which is the store that created
 * it (instantiating a module that defines it) or, for a memory made with
 * `new Memory()`, the first store that imports it; until then the default
 * limit (16,384 pages). Wasm's `memory.grow` uses the running engine's limit.
 */
export class Memory {
  _u8: Uint8Array;
  _dv: DataView;
  _max: number | undefined;
  /** Page limit of `grow` called from JS (see the class comment). */
  _limit: number = DEFAULT_LIMITS.maxMemoryPages;
  /** Whether a store owns the memory (`_limit` is its engine's): set by instantiation. */
  _owned = false;
  /** Address type i64 (memory64): set for the memories a module defines, checked when linking. */
  _is64 = false;
  /** log2 of the page size of the memory type (custom page sizes; sizes here stay in 64 KiB pages, fractions for small pages). */
  _pageSizeLog2 = 16;
  /** The ArrayBuffer `buffer` handed out since the last grow (then the backing itself), or null. */
  private _exposed: ArrayBuffer | null = null;
  /** The resizable backing store once the memory has moved to one, else null. */
  private _rab: ArrayBuffer | null = null;
  /** Bytes copied on a fixed-length backing because `buffer` was read (see the class comment). */
  private _debt = 0;
  constructor(descriptor: MemoryDescriptor) {
    checkKeys(descriptor, ['initial', 'maximum', 'shared', 'address'], 'Memory descriptor');
    if ((descriptor as { shared?: unknown })?.shared) {
      throw new TypeError('Memory: shared memories are not supported (threads are rejected by the determinism policy)');
    }
    this._is64 = addressIs64(descriptor.address, 'Memory');
    const initial = toAddress(descriptor?.initial, this._is64, 'Memory: initial');
    const maximum = descriptor.maximum === undefined ? undefined : toAddress(descriptor.maximum, this._is64, 'Memory: maximum');
    if (initial > 65536 || (maximum !== undefined && (maximum > 65536 || maximum < initial))) {
      throw new RangeError('Memory: invalid limits');
    }
    this._u8 = new Uint8Array(initial * PAGE_SIZE);
    memoryWork.allocated += initial * PAGE_SIZE;
    this._dv = new DataView(this._u8.buffer);
    this._max = maximum;
  }
  get [Symbol.toStringTag](): string {
    return 'WebAssembly.Memory';
  }
  /** The memory's bytes; the same ArrayBuffer until the next grow, which detaches it. */
  get buffer(): ArrayBuffer {
    if (this._exposed !== null) return this._exposed;
    const size = this._u8.length;
    let buf = this._u8.buffer as ArrayBuffer;
    if (this._rab === null && buf.byteLength !== size) {
      // spare capacity: move to a resizable backing (one copy, the last), or compact (one copy per read)
      if (!this._toResizable(size, this._limit)) {
        const exact = new Uint8Array(size);
        exact.set(this._u8);
        this._debt += size;
        memoryWork.allocated += size;
        memoryWork.copied += size;
        buf = exact.buffer as ArrayBuffer;
        this._view(buf, size);
      }
      buf = this._u8.buffer as ArrayBuffer;
    }
    this._exposed = buf;
    return buf;
  }
  /** Current size in pages (detwasm extension; the JS API has `buffer.byteLength / 65536`). */
  get pages(): number {
    return this._u8.length / PAGE_SIZE;
  }
  /**
   * Grows by `delta` pages; returns the old size. Throws RangeError when it
   * cannot grow (JS API). The page limit is `_limit` (see the class comment).
   * For an i64 memory `delta` and the result are bigints.
   */
  grow(delta: number | bigint): number | bigint {
    const d = toAddress(delta, this._is64, 'Memory.grow: delta');
    const r = this._grow(d, this._limit);
    if (r < 0) throw new RangeError('Memory.grow: cannot grow');
    return this._is64 ? BigInt(r) : r;
  }
  private _view(buf: ArrayBuffer, size: number): void {
    this._u8 = new Uint8Array(buf, 0, size);
    this._dv = new DataView(buf, 0, size);
  }
  /**
   * JS API "refresh the memory buffer": detaches the ArrayBuffer handed out by
   * `buffer`, moving the bytes to a new ArrayBuffer that the views now use.
   */
  private _refresh(): void {
    const exposed = this._exposed;
    if (exposed === null) return;
    this._exposed = null;
    const size = this._u8.length; // (read first: detaching empties the views)
    const moved = detach(exposed);
    // (a host that could only copy a resizable buffer gave a fixed-length copy: back to a fixed backing)
    this._rab = this._rab !== null && (moved as ResizableArrayBuffer).resizable === true ? moved : null;
    this._view(moved, size);
  }
  /**
   * Moves the bytes to a resizable ArrayBuffer of `size` bytes reserved up to
   * the memory's maximum under `limitPages` (one copy). False when the host
   * has no resizable ArrayBuffers or cannot reserve the address space.
   */
  private _toResizable(size: number, limitPages: number): boolean {
    const pages = Math.min(this._max ?? 65536, limitPages, 65536);
    let rab: ArrayBuffer;
    try {
      rab = newResizable(size, Math.max(pages * PAGE_SIZE, size));
    } catch {
      return false;
    }
    if ((rab as ResizableArrayBuffer).resizable !== true) return false;
    new Uint8Array(rab).set(this._u8);
    memoryWork.allocated += size;
    memoryWork.copied += size;
    this._rab = rab;
    this._view(rab, size);
    return true;
  }
  /** memory.grow (spec 4.4.7): old size in pages, or -1 beyond the maximum or the engine limit. */
  _grow(delta: number, limitPages: number): number {
    const old = this._u8.length / PAGE_SIZE;
    if (delta === 0) {
      this._refresh(); // JS API: even grow(0) detaches the old buffer
      return old;
    }
    const n = old + delta;
    const max = Math.min(this._max ?? 65536, limitPages, 65536);
    if (n > max) return -1;
    const size = n * PAGE_SIZE;
    const rab = this._rab;
    if (rab !== null && size > (rab as ResizableArrayBuffer).maxByteLength) {
      // imported into a store whose engine allows more pages than the reservation: reserve again
      this._refresh();
      this._rab = null;
      if (!this._toResizable(old * PAGE_SIZE, limitPages)) return this._growFixed(old, n, limitPages);
    }
    return this._rab !== null ? this._growResizable(old, n) : this._growFixed(old, n, limitPages);
  }
  /** memory.grow on a resizable backing store: detach what was handed out, then grow in place. */
  private _growResizable(old: number, n: number): number {
    const size = n * PAGE_SIZE;
    try {
      (this._rab as ResizableArrayBuffer).resize(size); // (first: a failed grow changes nothing)
    } catch {
      return -1; // the host cannot commit the pages: the only non-deterministic failure, reported as -1
    }
    memoryWork.allocated += size - old * PAGE_SIZE;
    this._refresh();
    if (this._rab === null) return this._growFixed(old, n, n); // (the host could not move it; see _refresh)
    this._view(this._rab, size);
    return old;
  }
  /** memory.grow on a fixed-length backing store (see the class comment). */
  private _growFixed(old: number, n: number, limitPages: number): number {
    const backing = this._u8.buffer as ArrayBuffer;
    const oldSize = old * PAGE_SIZE, size = n * PAGE_SIZE;
    if (this._exposed === null && size <= backing.byteLength) {
      // bytes beyond the old size were never written (accesses are bounds-checked): still zero
      this._view(backing, size);
      return old;
    }
    if (size > FIXED_BACKING_MAX || (this._exposed !== null && this._debt + oldSize > size)) {
      // a large memory, or a copy caused by the host's reads beyond the debt bound: move (one last copy)
      if (this._toResizable(oldSize, limitPages)) return this._growResizable(old, n);
    }
    if (this._exposed !== null) this._debt += oldSize;
    const max = Math.min(this._max ?? 65536, 65536);
    const capacity = this._exposed !== null ? n : Math.max(n, Math.min(2 * (backing.byteLength / PAGE_SIZE), max, FIXED_BACKING_MAX / PAGE_SIZE));
    let next: Uint8Array;
    try {
      next = new Uint8Array(capacity * PAGE_SIZE);
    } catch {
      try {
        next = new Uint8Array(size);
      } catch {
        return -1; // the host is out of memory: the only non-deterministic failure, reported as -1
      }
    }
    memoryWork.allocated += next.length;
    memoryWork.copied += oldSize;
    next.set(this._u8);
    this._refresh();
    this._view(next.buffer as ArrayBuffer, size);
    return old;
  }
}

/** The ES2024 resizable ArrayBuffer members detwasm uses (the TypeScript target library is ES2022). */
interface ResizableArrayBuffer extends ArrayBuffer {
  readonly resizable: boolean;
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}

/** `new ArrayBuffer(size, { maxByteLength })`: resizable where the host supports it (else a fixed-length one, `resizable` undefined). */
function newResizable(size: number, maxByteLength: number): ArrayBuffer {
  return new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(size, { maxByteLength });
}

/**
 * Detaches `buf` and returns a new ArrayBuffer with its bytes (moved, not
 * copied; a resizable one stays resizable). A fixed-length buffer uses
 * ArrayBuffer.prototype.transfer (ES2024) where the host has it, a resizable
 * one structuredClone with a transfer list (Node 17+, every current browser):
 * measured on 256 MiB, Chromium 156's `transfer()` of a resizable buffer
 * copies it (500 ms) while its structuredClone moves it (0.03 ms), and Node
 * 20 has no `transfer()`. A host with neither gets a copy and the old buffer
 * stays attached (stale).
 */
function detach(buf: ArrayBuffer): ArrayBuffer {
  const clone = (globalThis as { structuredClone?: (v: unknown, o: { transfer: ArrayBuffer[] }) => unknown }).structuredClone;
  const transfer = (buf as { transfer?: () => ArrayBuffer }).transfer;
  if ((buf as ResizableArrayBuffer).resizable === true && typeof clone === 'function') return clone(buf, { transfer: [buf] }) as ArrayBuffer;
  if (typeof transfer === 'function') return transfer.call(buf);
  if (typeof clone === 'function') return clone(buf, { transfer: [buf] }) as ArrayBuffer;
  memoryWork.allocated += buf.byteLength;
  memoryWork.copied += buf.byteLength;
  return buf.slice(0);
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
 * A table (spec 4.2.7). Elements are `FuncInst | null` for funcref tables and
 * arbitrary JS values (null = null reference) for externref tables.
 */
export class Table {
  _elems: unknown[];
  _max: number | undefined;
  /** Element limit of `grow` called from JS: `maxTableSize` of the engine of the store the table belongs to (as `Memory._limit`). */
  _limit: number = DEFAULT_LIMITS.maxTableSize;
  /** Whether a store owns the table (`_limit` is its engine's): set by instantiation. */
  _owned = false;
  /** Address type i64 (table64): set for the tables a module defines, checked when linking. */
  _is64 = false;
  /** A typed element type (function references) in module-independent terms (instantiate.ts linkType), or 0: `_elemtype`. */
  _linkElem = 0;
  readonly _elemtype: number;
  constructor(descriptor: TableDescriptor, init?: unknown) {
    checkKeys(descriptor, ['element', 'initial', 'maximum', 'address'], 'Table descriptor');
    const el = descriptor?.element;
    if (el !== 'funcref' && el !== 'anyfunc' && el !== 'externref') throw new TypeError('Table: element must be funcref or externref');
    this._elemtype = el === 'externref' ? EXTERNREF : FUNCREF;
    this._is64 = addressIs64(descriptor.address, 'Table');
    const initial = toAddress(descriptor.initial, this._is64, 'Table: initial');
    const maximum = descriptor.maximum === undefined ? undefined : toAddress(descriptor.maximum, this._is64, 'Table: maximum');
    if (maximum !== undefined && maximum < initial) throw new RangeError('Table: maximum below initial');
    if (initial > DEFAULT_LIMITS.maxTableSize) throw new RangeError('Table: initial size too large');
    const v = init === undefined ? this._default() : this._fromJS(init);
    this._elems = new Array(initial).fill(v);
    this._max = maximum;
  }
  get [Symbol.toStringTag](): string {
    return 'WebAssembly.Table';
  }
  /** Number of elements (a bigint for an i64 table). */
  get length(): number | bigint {
    return this._is64 ? BigInt(this._elems.length) : this._elems.length;
  }
  /** Element `index` (a bigint for an i64 table): an exported function or null (funcref), any value (externref); RangeError past the end. */
  get(index: number | bigint): unknown {
    const i = toAddress(index, this._is64, 'Table.get: index');
    if (i >= this._elems.length) throw new RangeError('Table.get: index out of bounds');
    return this._toJS(this._elems[i]);
  }
  /** Sets element `index` (a bigint for an i64 table; omitted value: null / undefined); RangeError past the end, TypeError for a non-wasm function in a funcref table. */
  set(index: number | bigint, value?: unknown): void {
    const i = toAddress(index, this._is64, 'Table.set: index');
    if (i >= this._elems.length) throw new RangeError('Table.set: index out of bounds');
    this._elems[i] = value === undefined ? this._default() : this._fromJS(value);
  }
  /** JS API DefaultValue: null for funcref, undefined for externref; none (TypeError) for a non-nullable element type. */
  _default(): unknown {
    if (this._linkElem !== 0 && !isNullable(this._linkElem)) throw new TypeError('Table: a value is required for a non-nullable element type');
    return this._elemtype === FUNCREF ? null : undefined;
  }
  /** Adds `delta` elements set to `init`; returns the old length. RangeError beyond the maximum. For an i64 table `delta` and the result are bigints. */
  grow(delta: number | bigint, init?: unknown): number | bigint {
    const d = toAddress(delta, this._is64, 'Table.grow: delta');
    const v = init === undefined ? this._default() : this._fromJS(init);
    const r = this._grow(d, v, this._limit);
    if (r < 0) throw new RangeError('Table.grow: cannot grow');
    return this._is64 ? BigInt(r) : r;
  }
  /** table.grow (spec 4.4.6): old size or -1. */
  _grow(delta: number, value: unknown, limit: number): number {
    const old = this._elems.length;
    const n = old + delta;
    if (n > Math.min(this._max ?? 0xffffffff, limit)) return -1;
    for (let i = 0; i < delta; i++) this._elems.push(value);
    return old;
  }
  _toJS(v: unknown): unknown {
    if (this._elemtype === FUNCREF) return v === null ? null : wrapperOf(v as FuncInst);
    return v;
  }
  _fromJS(v: unknown): unknown {
    const lt = this._linkElem;
    if (lt !== 0 && abstractHeap(lt) !== EXTERNREF) return funcRefFromJS(v, lt, 'Table');
    if (v === null && lt !== 0 && !isNullable(lt)) throw new TypeError('Table: null is not a value of a non-nullable reference type');
    if (this._elemtype === FUNCREF) {
      if (v === null) return null;
      const f = typeof v === 'function' ? (v as any)[FUNC_INST] : undefined;
      if (!(f instanceof FuncInst)) throw new TypeError('Table: value is not a WebAssembly function (exported function) or null');
      return f;
    }
    return v;
  }
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
 * A global (spec 4.2.9): numbers live in `_cell` (lo, hi) as their bits (f32
 * in `_cell[0]`), references in `_ref`. Values set from JS (constructor
 * `init`, `value =`) are converted as in the JS API: i32 with ToInt32 (a
 * BigInt is a TypeError), i64 with ToBigInt64 (a Number is a TypeError; see
 * `toI64`), f32/f64 with ToNumber (f32 rounded to nearest; a NaN stored as
 * the canonical NaN). Reading an f32/f64 gives a number; a NaN's payload is
 * not observable from JS.
 */
export class Global {
  readonly _type: globaltype;
  readonly _cell = new Int32Array(2);
  _ref: unknown = null;
  /** A typed reference type (function references) in module-independent terms (instantiate.ts linkType), or 0: `_type.valtype`. */
  _linkType = 0;
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
    this._type = { valtype: t, mutable: !!descriptor.mutable };
    if (init !== undefined) this._setJS(init);
    else if (t === EXTERNREF) this._ref = undefined;
  }
  /** The value: i32, f32 and f64 a number, i64 a bigint, funcref an exported function or null, externref any value. */
  get value(): unknown {
    const t = this._type.valtype;
    if (t === I32) return this._cell[0];
    // (an exnref global keeps its type in _linkType, _type.valtype says funcref)
    if (isExnRef(this._linkType)) throw new TypeError('Global: an exnref value cannot go to JS');
    if (t === I64) return i64ToBigInt(this._cell[0], this._cell[1]);
    if (t === F32) return f32Val(this._cell[0]);
    if (t === F64) return f64At(this._cell, 0);
    if (t === FUNCREF) return this._ref === null ? null : wrapperOf(this._ref as FuncInst);
    return this._ref;
  }
  set value(v: unknown) {
    if (isExnRef(this._linkType)) throw new TypeError('Global: an exnref value cannot come from JS');
    if (!this._type.mutable) throw new TypeError('Global: cannot set the value of an immutable global');
    this._setJS(v);
  }
  /** The value (JS API `valueOf`). */
  valueOf(): unknown {
    return this.value;
  }
  get [Symbol.toStringTag](): string {
    return 'WebAssembly.Global';
  }
  _setJS(v: unknown): void {
    const t = this._type.valtype;
    if (t === I32) this._cell[0] = toI32(v);
    else if (t === I64) {
      const b = toI64(v);
      this._cell[0] = Number(BigInt.asIntN(32, b));
      this._cell[1] = Number(BigInt.asIntN(32, b >> 32n));
    } else if (t === F32) this._cell[0] = toF32Bits(v);
    else if (t === F64) putF64FromJS(this._cell, 0, v);
    else if (this._linkType !== 0 && abstractHeap(this._linkType) !== EXTERNREF) this._ref = funcRefFromJS(v, this._linkType, 'Global');
    else if (t === FUNCREF) {
      if (v === null) this._ref = null;
      else {
        const f = typeof v === 'function' ? (v as any)[FUNC_INST] : undefined;
        if (!(f instanceof FuncInst)) throw new TypeError('Global: value is not a WebAssembly function or null');
        this._ref = f;
      }
    } else this._ref = v;
  }
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
    return this.instance ? this.instance._memory : null;
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
 * The paused call of a store (resume.ts keeps it in `Store._pausedState`
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
   * `Trap` with code 'host' and the exception as `cause`; 'propagate' the
   * exception itself, unchanged, as the WebAssembly JS API does (the compat
   * entry uses this). A `Trap` thrown by a host function passes through either way.
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
 * reference table of everything instantiated in it.
 *
 * Gas: with a budget, `gasRemaining` counts down and `gasUsed` counts what was
 * charged (top-ups by setting `gasRemaining` do not change `gasUsed`). Without
 * a budget the store is unmetered: bytecode without gas instructions runs,
 * `gasUsed` stays 0 and `gasRemaining` is `Infinity`. Gas values are JS numbers:
 * budgets above 2^53 are clamped to Number.MAX_SAFE_INTEGER.
 */
export class Store {
  readonly engine: Engine;
  readonly _metered: boolean;
  _gas: number;
  /** Sum of all budgets given; gasUsed = _budget - _gas. */
  _budget: number;
  _stack: Int32Array;
  /** `_stack` seen as f64 (element i = slots 2i, 2i + 1) and as f32 (element i = slot i): float ops read and write through them. */
  _stackF64: Float64Array;
  _stackF32: Float32Array;
  /** Top of the used part of `_stack` (where a new entry frame may start). */
  _sp = 0;
  /** Number of active frames (wasm and host). */
  _depth = 0;
  /** Nested JS -> wasm entries. */
  _nesting = 0;
  readonly _callStack: Int32Array;
  readonly _callFns: (FuncInst | undefined)[];
  readonly _limits: Limits;
  /** Reference table: id 0 = null; ids are only used on the value stack. */
  readonly _refs: unknown[] = [null];
  readonly _refIds = new Map<unknown, number>();
  /** Where the last interpreter activation stopped: its running function and call depth (exec.ts, for trap locations). */
  _lastFunc: FuncInst | null = null;
  _lastDepth = 0;
  /** StoreOptions.hostErrors === 'propagate'. */
  readonly _propagateHostErrors: boolean;
  /** Where the last activation stopped (with `_lastFunc`, `_lastDepth`): what a resumed call continues from. */
  _lastPc = 0;
  _lastFp = 0;
  /** Gas the resumed call charges first (see exec.ts outOfGas and the host case of `call`). */
  _pendingGas = 0;
  /** The last out-of-gas trap the loop threw and the entry nesting it came from (resume.ts). */
  _oogTrap: Trap | null = null;
  _oogNesting = -1;
  /** A host call that suspended the loop: its results' slot and the host function. */
  _suspendedAt = -1;
  _suspendedHost: FuncInst | null = null;
  /** Why and with what: 'promise' (the Promise to await) or 'host' (Caller.pause's payload). */
  _suspendReason: 'promise' | 'host' = 'host';
  _suspendPayload: unknown = undefined;
  /**
   * The resumable call in progress (resume.ts), null when none: its entry
   * nesting (host calls at that level may suspend) and mode; `_paused` while
   * it is paused (the store then refuses other calls).
   */
  _resumable: { nesting: number; async: boolean } | null = null;
  _paused = false;
  /** The hook of the traced loop (profile and/or trace), null: the plain loop runs. */
  _hook: ExecHook | null;
  readonly _profiler: GasProfiler | null;
  /**
   * Snapshots: every instance made in this store, in creation order
   * (instantiate.ts adds it once linked). The store owns its instances, as a
   * wasmtime or wasmi Store does: they live as long as the store.
   */
  readonly _instances: Instance[] = [];
  /**
   * Whether instantiation adds its instances to `_instances` (internal, not a
   * `StoreOptions` key). The default store of `detwasm/compat` (compat.ts)
   * turns it off before its first instantiation: code written against the
   * WebAssembly JS API instantiates modules without ever seeing a store, so
   * a store that kept them all would only grow; its instances then live as
   * long as the program holds them, and `snapshot()` refuses the store
   * ('unsupported'), which cannot enumerate them.
   */
  _recordsInstances = true;
  /** Snapshots: the paused call, while there is one (resume.ts). */
  _pausedState: PausedCallState | null = null;

  constructor(engine: Engine, options: StoreOptions = {}) {
    checkKeys(options, ['gas', 'hostErrors', 'profile', 'trace'], 'Store options');
    if (options.trace !== undefined && typeof options.trace !== 'function') throw new TypeError('Store options: trace must be a function');
    this._profiler = options.profile ? new GasProfiler() : null;
    this._hook = options.trace !== undefined ? new Tracer(options.trace) : this._profiler;
    if (options.trace !== undefined && this._profiler !== null) this._hook = bothHooks(this._profiler, this._hook!);
    this.engine = engine;
    this._propagateHostErrors = options.hostErrors === 'propagate';
    this._limits = engine._config.limits;
    if (options.gas === undefined) {
      this._metered = false;
      this._gas = Infinity;
      this._budget = Infinity;
    } else {
      this._metered = true;
      this._gas = gasNumber(options.gas);
      this._budget = this._gas;
    }
    this._stack = new Int32Array(Math.min(1 << 16, this._limits.maxValueStack));
    this._stackF64 = new Float64Array(this._stack.buffer, 0, this._stack.length >> 1);
    this._stackF32 = new Float32Array(this._stack.buffer);
    this._callStack = new Int32Array(3 * (this._limits.maxCallDepth + 2));
    this._callFns = [];
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
    if (this._gas < k) throw new Trap('out_of_gas');
    this._gas -= k;
  }

  /**
   * The gas profile of the calls made so far (a store created with
   * `profile: true`; else TypeError): gas per function, self and inclusive,
   * and folded stacks for flame graphs (profile.ts).
   */
  profile(): GasProfile {
    if (this._profiler === null) throw new TypeError('profile: create the store with { profile: true }');
    return this._profiler.result();
  }

  /** Gas charged so far (0 when unmetered); top-ups do not change it. */
  get gasUsed(): number {
    return this._metered ? this._budget - this._gas : 0;
  }
  /** Gas left (Infinity when unmetered). */
  get gasRemaining(): number {
    return this._gas;
  }
  /** Sets the gas left (top up or lower it); TypeError on an unmetered store, RangeError for a negative amount. */
  set gasRemaining(v: number | bigint) {
    if (!this._metered) throw new TypeError('gasRemaining: the store is unmetered (create it with a gas budget)');
    const n = gasNumber(v);
    this._budget += n - this._gas;
    this._gas = n;
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
    return module._instantiate(this, imports ?? {});
  }

  /**
   * The store as bytes (snapshot.ts, README "Snapshots"): every instance's
   * memories, tables, globals and segment state, the gas counters and the
   * paused call, if any. Throws `SnapshotError` ('unsupported') for state
   * that cannot be saved (a call running or suspended by `callAsync`, an
   * externref that is an object, an exception made in JS or another store
   * with references in its payload, a store that does not keep its
   * instances: `_recordsInstances`).
   */
  snapshot(): Uint8Array {
    return this.engine._snapshot(this);
  }

  /**
   * Rebuilds a store from `store.snapshot()` bytes (snapshot.ts `restore`):
   * `modules` the compiled modules of its instances (matched by their bytes'
   * hash), `imports` the host functions, re-linked by import name. Returns
   * the store, its instances and the paused call (or null).
   */
  static restore(engine: Engine, modules: readonly Module[], bytes: Uint8Array, imports?: RestoreImports): Restored {
    return engine._restore(modules, bytes, imports);
  }

  /** The reference id of a value (FuncInst or extern value); 0 for null. */
  _intern(v: unknown): number {
    if (v === null) return 0;
    let id = this._refIds.get(v);
    if (id === undefined) {
      id = this._refs.length;
      this._refs.push(v);
      this._refIds.set(v, id);
    }
    return id;
  }

  /** Grows the value stack to at least `need` slots (doubling) or traps. */
  _growStack(need: number): Int32Array {
    const max = this._limits.maxValueStack;
    if (need > max) throw new Trap('call_stack_exhausted', 'value stack limit reached');
    let size = this._stack.length;
    while (size < need) size *= 2;
    size = Math.min(size, max);
    const next = new Int32Array(size);
    next.set(this._stack);
    this._stack = next;
    this._stackF64 = new Float64Array(next.buffer, 0, size >> 1);
    this._stackF32 = new Float32Array(next.buffer);
    return next;
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
 * A module instance (spec 4.2.5), made by `Store.instantiate`. `E` types its
 * exports (default `Exports`: every name maps to an `ExportValue`).
 */
export interface Instance<E extends object = Exports> {
  /** The exports by name (frozen, no prototype): functions, Memory, Table and Global objects. */
  readonly exports: E;
  /** The module it instantiates. */
  readonly _module: Module;
  /** The store it lives in. */
  readonly _store: Store;
  /** Function index space: imported functions first, then the module's own. */
  _funcs: FuncInst[];
  /** Table index space. */
  _tables: Table[];
  /** The memory (imported or defined), or null. */
  _memory: Memory | null;
  /** Memory index space (multiple memories; `_memory` is its first entry, the interpreter's fast path). */
  _memories: Memory[];
  /** Tag index space (exception handling; exn.ts `Tag`). */
  _tags: Tag[];
  /** Global index space. */
  _globals: Global[];
  /** The value cells of `_globals`, in the same order (the interpreter's fast path). */
  _globalCells: Int32Array[];
  /** Structural type id of each type index (call_indirect compares them). */
  _typeIds: Int32Array;
  /** Element segments (resolved references); dropped = empty. */
  _elems: unknown[][];
  /** Data segments; dropped = empty. */
  _datas: Uint8Array[];
}

/** The implementation of `Instance` (its exports are filled in by instantiate.ts). */
class InstanceObject {
  readonly exports: Record<string, unknown> = Object.create(null);
  _funcs: FuncInst[] = [];
  _tables: Table[] = [];
  _memory: Memory | null = null;
  _memories: Memory[] = [];
  _tags: Tag[] = [];
  _globals: Global[] = [];
  _globalCells: Int32Array[] = [];
  _typeIds: Int32Array = new Int32Array(0);
  /** Element segments (resolved references); dropped = empty. */
  _elems: unknown[][] = [];
  /** Data segments; dropped = empty. */
  _datas: Uint8Array[] = [];
  constructor(readonly _module: Module, readonly _store: Store) {}
}
Object.defineProperty(InstanceObject, 'name', { value: 'Instance' });

/**
 * The `Instance` class, for `instanceof Instance`. Instances are made by
 * `Store.instantiate` only.
 */
export const Instance: { new (module: Module, store: Store): Instance<any>; readonly prototype: Instance<any> } = InstanceObject;

/**
 * The exported-function wrapper of `f` (one per function instance), made by
 * its store's engine (`Engine._wrap`, call.ts `makeWrapper`): the runtime
 * objects never import the invocation code, which imports them.
 */
export function wrapperOf(f: FuncInst): (...args: unknown[]) => unknown {
  if (f._wrapper) return f._wrapper;
  const w = f.store.engine._wrap(f);
  f._wrapper = w;
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

/**
 * WebIDL `[EnforceRange] unsigned long` (the JS API's descriptors and deltas):
 * ToNumber, NaN and infinities are a TypeError, the fraction is dropped
 * (1.5 -> 1), and the result must be in 0..2^32-1.
 */
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
