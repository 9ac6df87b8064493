/**
 * The internal run-time instances (spec 4.2 "Runtime Structure"): function,
 * memory, table, global, tag, exception and module instances and the
 * store's state. The interpreter (the execution loop, instantiation,
 * invocation, host calls, snapshots) works on these; the public `Memory`,
 * `Table`, `Global`, `Instance` and `Store` of runtime.ts and `Tag` and
 * `Exception` of exn.ts are thin handles, each holding its instance in an
 * internal field that only runtime.ts `internals` reads, and an instance
 * knows its handle (`handle`; made on first use by runtime.ts `handleOf`,
 * for tags by exn.ts `tagHandle`). This module imports no other run-time
 * module (types only), so every module may import it. README.md "Runtime
 * objects" describes the split.
 */
import type { functype, globaltype } from '../decoder/module.js';
import { DEFAULT_LIMITS, type Limits } from '../config.js';
import { Trap } from '../errors.js';
import type { Global, Instance, Memory, PausedCallState, Store, Table } from './runtime.js';
import type { EngineState, ModuleState } from './engine.js';
import type { CompiledFunc } from './compiler.js';
import type { Exception, Tag } from './exn.js';
import type { ExecHook, GasProfiler } from './profile.js';
import type { GasSchedule } from '../gas/schedule.js';

/** The size of a 64 KiB page, the unit of memory sizes here. */
export const PAGE_SIZE = 65536;

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
 * A memory instance (spec 4.2.8): a linear memory's bytes, limits and backing
 * store. The public `Memory` (runtime.ts) is a handle to one.
 *
 * `u8` / `dv` are always views of exactly the memory's current size (the
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
 * after a read may copy once within `debt` (bytes copied because of reads,
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
 * `limit` is the page limit `grow` from JS uses: the `maxMemoryPages` of the
 * engine of the store the memory belongs to, which is the store that created
 * it (instantiating a module that defines it) or, for a memory made with
 * `new Memory()`, the first store that imports it; until then the default
 * limit (16,384 pages). Wasm's `memory.grow` uses the running engine's limit.
 */
export class MemoryInst {
  /** The memory's bytes: a view of exactly its current size (the execution loop holds it in a local, reloaded after every grow and host call). */
  u8: Uint8Array;
  /** A DataView of the same bytes (multi-byte loads and stores). */
  dv: DataView;
  /** Maximum size in 64 KiB pages (from the memory type or the descriptor), or undefined. */
  max: number | undefined;
  /** Page limit of `grow` called from JS (see the class comment). */
  limit: number = DEFAULT_LIMITS.maxMemoryPages;
  /** Whether a store owns the memory (`limit` is its engine's): set by instantiation. */
  owned = false;
  /** Address type i64 (memory64): from the memory type of a module that defines it or the descriptor's `address`; checked when linking, and the public `Memory` takes and gives bigint sizes for it. */
  is64 = false;
  /** log2 of the page size of the memory type (custom page sizes; sizes here stay in 64 KiB pages, fractions for small pages). */
  pageSizeLog2 = 16;
  /** The ArrayBuffer `buffer` handed out since the last grow (then the backing itself), or null. */
  private exposed: ArrayBuffer | null = null;
  /** The resizable backing store once the memory has moved to one, else null. */
  private rab: ArrayBuffer | null = null;
  /** Bytes copied on a fixed-length backing because `buffer` was read (see the class comment). */
  private debt = 0;
  /** The public `Memory` standing for this instance, once one was made (runtime.ts `handleOf`). */
  handle: Memory | null = null;
  /** A memory of `pages` 64 KiB pages (zeroed) and maximum `max` pages. */
  constructor(pages: number, max: number | undefined) {
    this.u8 = new Uint8Array(pages * PAGE_SIZE);
    memoryWork.allocated += pages * PAGE_SIZE;
    this.dv = new DataView(this.u8.buffer);
    this.max = max;
  }
  /** Current size in 64 KiB pages. */
  get pages(): number {
    return this.u8.length / PAGE_SIZE;
  }
  /** The memory's bytes as an ArrayBuffer of exactly its size; the same one until the next grow, which detaches it (see the class comment). */
  buffer(): ArrayBuffer {
    if (this.exposed !== null) return this.exposed;
    const size = this.u8.length;
    let buf = this.u8.buffer as ArrayBuffer;
    if (this.rab === null && buf.byteLength !== size) {
      // spare capacity: move to a resizable backing (one copy, the last), or compact (one copy per read)
      if (!this.toResizable(size, this.limit)) {
        const exact = new Uint8Array(size);
        exact.set(this.u8);
        this.debt += size;
        memoryWork.allocated += size;
        memoryWork.copied += size;
        buf = exact.buffer as ArrayBuffer;
        this.view(buf, size);
      }
      buf = this.u8.buffer as ArrayBuffer;
    }
    this.exposed = buf;
    return buf;
  }
  private view(buf: ArrayBuffer, size: number): void {
    this.u8 = new Uint8Array(buf, 0, size);
    this.dv = new DataView(buf, 0, size);
  }
  /**
   * JS API "refresh the memory buffer": detaches the ArrayBuffer handed out by
   * `buffer`, moving the bytes to a new ArrayBuffer that the views now use.
   */
  private refresh(): void {
    const exposed = this.exposed;
    if (exposed === null) return;
    this.exposed = null;
    const size = this.u8.length; // (read first: detaching empties the views)
    const moved = detach(exposed);
    // (a host that could only copy a resizable buffer gave a fixed-length copy: back to a fixed backing)
    this.rab = this.rab !== null && (moved as ResizableArrayBuffer).resizable === true ? moved : null;
    this.view(moved, size);
  }
  /**
   * Moves the bytes to a resizable ArrayBuffer of `size` bytes reserved up to
   * the memory's maximum under `limitPages` (one copy). False when the host
   * has no resizable ArrayBuffers or cannot reserve the address space.
   */
  private toResizable(size: number, limitPages: number): boolean {
    const pages = Math.min(this.max ?? 65536, limitPages, 65536);
    let rab: ArrayBuffer;
    try {
      rab = newResizable(size, Math.max(pages * PAGE_SIZE, size));
    } catch {
      return false;
    }
    if ((rab as ResizableArrayBuffer).resizable !== true) return false;
    new Uint8Array(rab).set(this.u8);
    memoryWork.allocated += size;
    memoryWork.copied += size;
    this.rab = rab;
    this.view(rab, size);
    return true;
  }
  /** memory.grow (spec 4.4.7): old size in pages, or -1 beyond the maximum or the engine limit. */
  grow(delta: number, limitPages: number): number {
    const old = this.u8.length / PAGE_SIZE;
    if (delta === 0) {
      this.refresh(); // JS API: even grow(0) detaches the old buffer
      return old;
    }
    const n = old + delta;
    const max = Math.min(this.max ?? 65536, limitPages, 65536);
    if (n > max) return -1;
    const size = n * PAGE_SIZE;
    const rab = this.rab;
    if (rab !== null && size > (rab as ResizableArrayBuffer).maxByteLength) {
      // imported into a store whose engine allows more pages than the reservation: reserve again
      this.refresh();
      this.rab = null;
      if (!this.toResizable(old * PAGE_SIZE, limitPages)) return this.growFixed(old, n, limitPages);
    }
    return this.rab !== null ? this.growResizable(old, n) : this.growFixed(old, n, limitPages);
  }
  /** memory.grow on a resizable backing store: detach what was handed out, then grow in place. */
  private growResizable(old: number, n: number): number {
    const size = n * PAGE_SIZE;
    try {
      (this.rab as ResizableArrayBuffer).resize(size); // (first: a failed grow changes nothing)
    } catch {
      return -1; // the host cannot commit the pages: the only non-deterministic failure, reported as -1
    }
    memoryWork.allocated += size - old * PAGE_SIZE;
    this.refresh();
    if (this.rab === null) return this.growFixed(old, n, n); // (the host could not move it; see refresh)
    this.view(this.rab, size);
    return old;
  }
  /** memory.grow on a fixed-length backing store (see the class comment). */
  private growFixed(old: number, n: number, limitPages: number): number {
    const backing = this.u8.buffer as ArrayBuffer;
    const oldSize = old * PAGE_SIZE, size = n * PAGE_SIZE;
    if (this.exposed === null && size <= backing.byteLength) {
      // bytes beyond the old size were never written (accesses are bounds-checked): still zero
      this.view(backing, size);
      return old;
    }
    if (size > FIXED_BACKING_MAX || (this.exposed !== null && this.debt + oldSize > size)) {
      // a large memory, or a copy caused by the host's reads beyond the debt bound: move (one last copy)
      if (this.toResizable(oldSize, limitPages)) return this.growResizable(old, n);
    }
    if (this.exposed !== null) this.debt += oldSize;
    const max = Math.min(this.max ?? 65536, 65536);
    const capacity = this.exposed !== null ? n : Math.max(n, Math.min(2 * (backing.byteLength / PAGE_SIZE), max, FIXED_BACKING_MAX / PAGE_SIZE));
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
    next.set(this.u8);
    this.refresh();
    this.view(next.buffer as ArrayBuffer, size);
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


/**
 * A table instance (spec 4.2.7): elements are `FuncInst | null` for funcref
 * tables and arbitrary JS values (null = null reference) for externref
 * tables. The public `Table` (runtime.ts) is a handle to one.
 */
export class TableInst {
  /** The elements. */
  elems: unknown[];
  /** Maximum number of elements, or undefined. */
  max: number | undefined;
  /** Element limit of `grow` called from JS: `maxTableSize` of the engine of the store the table belongs to (as `MemoryInst.limit`). */
  limit: number = DEFAULT_LIMITS.maxTableSize;
  /** Whether a store owns the table (`limit` is its engine's): set by instantiation. */
  owned = false;
  /** Address type i64 (table64): from the table type of a module that defines it or the descriptor's `address`; checked when linking, and the public `Table` takes and gives bigint sizes and indices for it. */
  is64 = false;
  /** A typed element type (function references) in module-independent terms (types.ts linkType), or 0: `elemtype`. A value set from JS must be of it (runtime.ts `funcRefFromJS`); a non-nullable one has no default value. */
  linkElem = 0;
  /** The element type: FUNCREF or EXTERNREF. */
  readonly elemtype: number;
  /** The public `Table` standing for this instance, once one was made (runtime.ts `handleOf`). */
  handle: Table | null = null;
  /** A table of `elemtype` with `elems` and maximum `max`. */
  constructor(elemtype: number, elems: unknown[], max: number | undefined) {
    this.elemtype = elemtype;
    this.elems = elems;
    this.max = max;
  }
  /** table.grow (spec 4.4.6): adds `delta` elements set to `value` up to the maximum and `limit`; the old size, or -1. */
  grow(delta: number, value: unknown, limit: number): number {
    const old = this.elems.length;
    const n = old + delta;
    if (n > Math.min(this.max ?? 0xffffffff, limit)) return -1;
    for (let i = 0; i < delta; i++) this.elems.push(value);
    return old;
  }
}

/**
 * A global instance (spec 4.2.9): numbers live in `cell` (lo, hi) as their
 * bits (f32 in `cell[0]`), references in `ref`. The public `Global`
 * (runtime.ts) is a handle to one.
 */
export class GlobalInst {
  /** The value cell: two int32 words (the interpreter reads and writes it in place). */
  readonly cell = new Int32Array(2);
  /** The value of a reference global (FuncInst, extern value or null). */
  ref: unknown = null;
  /** A typed reference type (function references) in module-independent terms (types.ts linkType), or 0: `type.valtype`. A value set from JS must be of it (runtime.ts `funcRefFromJS`). */
  linkType = 0;
  /** The public `Global` standing for this instance, once one was made (runtime.ts `handleOf`). */
  handle: Global | null = null;
  /** A global of type `type`, its value zero (null). */
  constructor(
    /** The global type. */
    readonly type: globaltype,
  ) {}
}

/**
 * The run-time state of a store (spec 4.2.3): the execution stacks, the gas
 * counter, the reference table, the state of a paused or suspended call and
 * the instances made in it. The public `Store` (runtime.ts) is a handle to
 * one; the execution loop, invocation, host calls, resumable calls and
 * snapshots work on it.
 */
export class StoreState {
  /** The engine of the store (configuration, gas schedule). */
  readonly engine: EngineState;
  /** Whether the store has a gas budget (metered bytecode runs). */
  readonly metered: boolean;
  /** Gas left (Infinity when unmetered). */
  gas: number;
  /** Sum of all budgets given; gas used = budget - gas. */
  budget: number;
  /** The value stack: two int32 slots per value (README "Runtime layout"). */
  stack: Int32Array;
  /** `stack` seen as f64 (element i = slots 2i, 2i + 1) and as f32 (element i = slot i): float ops read and write through them. */
  stackF64: Float64Array;
  stackF32: Float32Array;
  /** Top of the used part of `stack` (where a new entry frame may start). */
  sp = 0;
  /** Number of active frames (wasm and host). */
  depth = 0;
  /** Nested JS -> wasm entries. */
  nesting = 0;
  /** The wasm call stack: (return pc, fp, return-site gas) per frame. */
  readonly callStack: Int32Array;
  /**
   * The function of each frame of `callStack`, and at the running depth of
   * exec's activation the function that runs there (exec keeps no local for
   * it: a call writes its callee at the new depth, a return reads its caller).
   */
  readonly callFns: (FuncInst | undefined)[];
  /** The engine's limits. */
  readonly limits: Limits;
  /** The engine's gas schedule (the loop's per-byte, per-frame and per-page costs). */
  readonly schedule: GasSchedule;
  /** Reference table: id 0 = null; ids are only used on the value stack. */
  readonly refs: unknown[] = [null];
  /** The id of each value in `refs`. */
  readonly refIds = new Map<unknown, number>();
  /** Where the last interpreter activation stopped: its running function and call depth (exec.ts, for trap locations). */
  lastFunc: FuncInst | null = null;
  lastDepth = 0;
  /** StoreOptions.hostErrors === 'propagate'. */
  readonly propagateHostErrors: boolean;
  /** Where the last activation stopped (with `lastFunc`, `lastDepth`): what a resumed call continues from. */
  lastPc = 0;
  lastFp = 0;
  /** Gas the resumed call charges first (see exec.ts outOfGas and the host case of `call`). */
  pendingGas = 0;
  /** The last out-of-gas trap the loop threw and the entry nesting it came from (resume.ts). */
  oogTrap: Trap | null = null;
  oogNesting = -1;
  /** A host call that suspended the loop: its results' slot and the host function. */
  suspendedAt = -1;
  suspendedHost: FuncInst | null = null;
  /** Why and with what: 'promise' (the Promise to await) or 'host' (Caller.pause's payload). */
  suspendReason: 'promise' | 'host' = 'host';
  suspendPayload: unknown = undefined;
  /**
   * The resumable call in progress (resume.ts), null when none: its entry
   * nesting (host calls at that level may suspend) and mode; `paused` while
   * it is paused (the store then refuses other calls).
   */
  resumable: { nesting: number; async: boolean } | null = null;
  paused = false;
  /** The hook of the traced loop (profile and/or trace), null: the plain loop runs. */
  readonly hook: ExecHook | null;
  /** The gas profiler (StoreOptions.profile), or null. */
  readonly profiler: GasProfiler | null;
  /**
   * Snapshots: every instance made in this store, in creation order
   * (instantiate.ts adds it once linked). The store owns its instances, as a
   * wasmtime or wasmi Store does: they live as long as the store.
   */
  readonly instances: ModuleInst[] = [];
  /**
   * Whether instantiation adds its instances to `instances` (not a
   * `StoreOptions` key). The default store of `detwasm/compat` (compat.ts)
   * turns it off before its first instantiation: code written against the
   * WebAssembly JS API instantiates modules without ever seeing a store, so
   * a store that kept them all would only grow; its instances then live as
   * long as the program holds them, and `snapshot()` refuses the store
   * ('unsupported'), which cannot enumerate them.
   */
  recordsInstances = true;
  /** Snapshots: the paused call, while there is one (resume.ts). */
  pausedState: PausedCallState | null = null;
  /** The public `Store` standing for this state. */
  readonly handle: Store;

  /** The state of `handle`, a store of `engine` (with its `limits` and gas `schedule`) with gas budget `gas` (undefined: unmetered). */
  constructor(handle: Store, engine: EngineState, limits: Limits, schedule: GasSchedule, gas: number | undefined, hook: ExecHook | null, profiler: GasProfiler | null, propagateHostErrors: boolean) {
    this.handle = handle;
    this.hook = hook;
    this.profiler = profiler;
    this.engine = engine;
    this.propagateHostErrors = propagateHostErrors;
    this.limits = limits;
    this.schedule = schedule;
    if (gas === undefined) {
      this.metered = false;
      this.gas = Infinity;
      this.budget = Infinity;
    } else {
      this.metered = true;
      this.gas = gas;
      this.budget = gas;
    }
    this.stack = new Int32Array(Math.min(1 << 16, this.limits.maxValueStack));
    this.stackF64 = new Float64Array(this.stack.buffer, 0, this.stack.length >> 1);
    this.stackF32 = new Float32Array(this.stack.buffer);
    this.callStack = new Int32Array(3 * (this.limits.maxCallDepth + 2));
    this.callFns = [];
  }

  /** The reference id of a value (FuncInst or extern value); 0 for null. */
  intern(v: unknown): number {
    if (v === null) return 0;
    let id = this.refIds.get(v);
    if (id === undefined) {
      id = this.refs.length;
      this.refs.push(v);
      this.refIds.set(v, id);
    }
    return id;
  }

  /** Grows the value stack to at least `need` slots (doubling) or traps. */
  growStack(need: number): Int32Array {
    const max = this.limits.maxValueStack;
    if (need > max) throw new Trap('call_stack_exhausted', 'value stack limit reached');
    let size = this.stack.length;
    while (size < need) size *= 2;
    size = Math.min(size, max);
    const next = new Int32Array(size);
    next.set(this.stack);
    this.stack = next;
    this.stackF64 = new Float64Array(next.buffer, 0, size >> 1);
    this.stackF32 = new Float32Array(next.buffer);
    return next;
  }
}

/** A function instance (spec 4.2.6): a wasm function of a module instance, or a host function. */
export class FuncInst {
  /**
   * SPEED: the compiled bytecode in the variant its store runs (metered when
   * the store has a gas budget, which never changes), cached here on first
   * call (runtime.ts `compiledOf`): a call reads one field.
   */
  compiled: CompiledFunc | null = null;
  /**
   * SPEED: copies of `compiled`'s code and entry fields, set with it
   * (runtime.ts `compiledOf`): a call and a return read the function's own
   * object, one dependent load less than through `compiled`. `code` is null
   * until then (and for host functions).
   */
  code: Int32Array | null = null;
  /** Copy of CompiledFunc.entryPc (see `code`). */
  entryPc = 0;
  /** Copy of CompiledFunc.entryGas (see `code`). */
  entryGas = 0;
  /** Copy of CompiledFunc.paramSlots (see `code`). */
  paramSlots = 0;
  /** Copy of CompiledFunc.localSlots (see `code`). */
  localSlots = 0;
  /** Copy of CompiledFunc.frameSlots (see `code`). */
  frameSlots = 0;
  /** Its exported-function wrapper, once made (runtime.ts `wrapperOf`). */
  wrapper: ((...args: unknown[]) => unknown) | null = null;
  /** Host functions: the function index of the import that created it (the exported function's `name`). */
  hostIndex = -1;
  /** Host functions: the import's `module.name` (messages). */
  hostName: string | null = null;
  constructor(
    /** The store it belongs to. */
    readonly store: StoreState,
    /** Its function type and the type's structural id (call_indirect compares ids). */
    readonly type: functype,
    readonly typeId: number,
    /** Whether it is a host function. */
    readonly host: boolean,
    /** For wasm functions: the module instance and the index into its module's code section. */
    readonly instance: ModuleInst | null,
    readonly codeIndex: number,
    /** For host functions: the JS function and whether it takes the caller explicitly (HostFunc). */
    readonly fn: ((...args: any[]) => unknown) | null,
    readonly explicitCaller: boolean,
  ) {}
}

/**
 * A module instance (spec 4.2.5): a module's index spaces in a store and its
 * exports. The public `Instance` (runtime.ts) is a handle to one.
 */
export class ModuleInst {
  /** The exports by name (frozen once instantiated, no prototype): exported functions and Memory, Table, Global and Tag objects. */
  readonly exports: Record<string, unknown> = Object.create(null);
  /**
   * Function index space: imported functions first, then the module's own.
   * A defined function's FuncInst is made on first use (`func`), so an
   * instance of a module with many functions costs one array slot per
   * function, not one object, until the function is called, exported,
   * referenced or put in a table. Read it through `func` (the loop reads the
   * slot and calls `func` when it is empty).
   */
  funcs: (FuncInst | undefined)[] = [];
  /** Table index space. */
  tables: TableInst[] = [];
  /** The first memory (imported or defined), or null: the interpreter's fast path. */
  memory: MemoryInst | null = null;
  /** Memory index space (multiple memories; `memory` is its first entry). */
  memories: MemoryInst[] = [];
  /** Tag index space (exception handling). */
  tags: TagInst[] = [];
  /** Global index space. */
  globals: GlobalInst[] = [];
  /** The value cells of `globals`, in the same order (the interpreter's fast path). */
  globalCells: Int32Array[] = [];
  /** Structural type id of each type index (call_indirect compares them). */
  typeIds: Int32Array = new Int32Array(0);
  /** Element segments (resolved references); dropped = empty. */
  elems: unknown[][] = [];
  /** Data segments; dropped = empty. */
  datas: Uint8Array[] = [];
  /** The public `Instance` standing for this one, once one was made (runtime.ts `handleOf`). */
  handle: Instance | null = null;
  constructor(
    /** The module it instantiates. */
    readonly module: ModuleState,
    /** The store it lives in. */
    readonly store: StoreState,
  ) {}

  /** Function `i` of the function index space (see `funcs`: a defined function's instance is made here on first use). */
  func(i: number): FuncInst {
    const f = this.funcs[i];
    if (f !== undefined) return f;
    const vm = this.module.vm, codeIndex = i - vm.numImportedFuncs, ti = vm.module.funcs[codeIndex];
    return (this.funcs[i] = new FuncInst(this.store, vm.module.types[ti], this.typeIds[ti], false, this, codeIndex, null, false));
  }
}

/**
 * A tag instance (exception handling): the identity an exception is matched
 * by and its payload types. The public `Tag` (exn.ts) is a handle to one.
 */
export class TagInst {
  /** The public `Tag` standing for this instance, once one was made (exn.ts `tagHandle`). */
  handle: Tag | null = null;
  constructor(
    /** The payload types (a function type without results), concrete references in module-independent terms (types.ts `linkedFuncType`). */
    readonly type: functype,
    /** The structural id of `type` (types.ts `typeIdsOf`), what linking a tag import compares. */
    readonly typeId: number,
  ) {}
}

/**
 * An exception instance (exception handling): a tag and its payload. The
 * public `Exception` (exn.ts) is a handle to one, made with it: that object
 * is what wasm's `throw` throws through JS frames, what `catch_ref` gives as
 * the exnref and what `throw_ref` rethrows, by identity.
 */
export class ExnInst {
  /** The payload as value words (two per value) in `store`'s terms, or null until needed. */
  words: Int32Array | null = null;
  /** The store whose reference ids `words` uses (null: made in JS, `words` has no references). */
  store: StoreState | null = null;
  /** The payload as JS values, or null until asked for. */
  values: unknown[] | null = null;
  constructor(
    /** The tag. */
    readonly tag: TagInst,
    /** The public `Exception` standing for this instance. */
    readonly handle: Exception,
  ) {}
}
