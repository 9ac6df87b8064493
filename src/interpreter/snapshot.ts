/**
 * Snapshots (README "Snapshots"): a store as bytes — every instance's
 * memories, tables, globals and segment drop state, the gas counters, the
 * reference table, and a paused call (its frames, value stack, program
 * counters, pending gas and pending host call) — and a store rebuilt from
 * them, in this process or another one.
 *
 * Compiled code is a function of (module bytes, engine configuration, gas
 * schedule, metering), so a snapshot names functions by (instance, function
 * index) and keeps program counters as they are: restoring under the same
 * module bytes and engine configuration makes them valid again. The snapshot
 * records what it depends on and restore checks each before using anything:
 * the modules' hashes, the engine configuration and gas schedule, metering,
 * and the hash of the compiled code of every function with a paused frame.
 *
 * Format (version 2), little-endian:
 *
 *     0  magic      89 44 57 53 4E 50 0D 0A ("\x89DWSNP\r\n")
 *     8  u32        format version (2)
 *    12  u32        0 (reserved)
 *    16  f64        total length in bytes
 *    24  u32 x 2    hash64 (hash.ts: XXH32 seeds 0 and 1) of bytes [32, length)
 *    32  body       sections in this order: engine, modules, store, instance
 *                   functions, tags, reference table, memories, tables,
 *                   globals, instance state, paused call (see `snapshot` below)
 *
 * Version 2 (WebAssembly 3.0 state) added the tags section, exception
 * references (a tag and its payload words), each memory's byte length, page
 * size, address type (memory64) and maximum as a number, each table's
 * address type (table64) and heap type (func, extern, exn). Version 1
 * snapshots are refused ('version').
 *
 * Memories are saved page by page (64 KiB): a bitmap of the pages that are
 * not all zero, then those pages; a zero page costs one bit. Saving copies
 * each such page once, into the result; restoring copies it once, into the
 * new memory; both read it once more for the hash.
 *
 * Tags: a tag an instance defines is saved as (instance, tag index) and made
 * again from its module on restore, once, so every instance that imported it
 * shares it again (an exception thrown in one is caught in the other). A tag
 * from the host (`new Tag`) is saved by its type and re-linked by import name
 * from `imports` on restore when a `Tag` is given there (else a new tag of
 * that type, shared by the restored instances that imported it).
 *
 * What can be saved: function references of the store (as (instance,
 * index)); exception references (exnref) as their tag and payload (an
 * exception made in JS or another store whose payload has references:
 * 'unsupported'); externref values null, undefined, booleans, numbers, strings and
 * bigints (an object has an identity no bytes can carry: 'unsupported'); a
 * host pause's payload may also be arrays and plain objects of those (saved
 * by value). A call suspended by `callAsync` (it waits for a Promise) or a
 * call in progress (a snapshot taken from a host function) cannot be saved.
 *
 * Restore checks the hash first, then every index, size and program counter
 * it reads (a pc must be the start of an instruction of its function), so a
 * damaged snapshot is a `SnapshotError`, never a wrong execution. Someone who
 * crafts a snapshot with a valid hash can still choose the state (memory,
 * globals, stack values) as freely as the module's own code could, but not
 * make the interpreter run outside its functions' code.
 */
import { CONCRETE, EXNREF, EXTERNREF, F32, F64, FUNCREF, I32, I64, abstractHeap, isRefType } from '../decoder/valtype.js';
import { valtypeName, type functype } from '../decoder/module.js';
import { LinkError, SnapshotError, Trap } from '../errors.js';
import { opLength } from './bytecode.js';
import { Exception, Tag, exnWordsIn, newException, newTag, tagHandle } from './exn.js';
import { hash64, hash64Hex } from './hash.js';
import { linkType, linkedFuncType, typeIdsOf } from './types.js';
import { restorePaused, type Paused } from './resume.js';
import {
  Activation, FUNC_INST, HostFunc, Store, type Instance, compiledOf, handleOf, internals, typeIdOf, wrapperOf,
  type Imports, type PausedCallState,
} from './runtime.js';
import { FuncInst, GlobalInst, MemoryInst, ModuleInst, PAGE_SIZE, type StoreState, TableInst, type TagInst } from './instances.js';
import type { Engine, EngineState, Module, ModuleState } from './engine.js';

/** The first 8 bytes of every snapshot. */
const MAGIC = [0x89, 0x44, 0x57, 0x53, 0x4e, 0x50, 0x0d, 0x0a];
/** The format version this code writes and reads. */
export const SNAPSHOT_VERSION = 2;
const HEADER = 32;

/**
 * The host functions of a restored store: one import object for every
 * instance, or one per instance (in instance order).
 */
export type RestoreImports = Imports | Record<string, Record<string, unknown>> | readonly (Imports | Record<string, Record<string, unknown>>)[];

/** What `restore` rebuilds. */
export interface Restored {
  /** The store, with the snapshot's gas counters. */
  readonly store: Store;
  /** Its instances in creation order (their exports are new objects over the restored state). */
  readonly instances: Instance[];
  /** The paused call, to `resume()` or `cancel()`; null when the store was at rest. */
  readonly call: Paused | null;
}

// ------------------------------------------------------------------ fingerprints

/** A canonical JSON text of a configuration value: keys sorted, typed arrays as arrays, non-finite numbers as strings. */
function canon(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : JSON.stringify(String(v));
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (typeof v === 'bigint') return JSON.stringify(v.toString());
  if (ArrayBuffer.isView(v)) return canon(Array.from(v as unknown as ArrayLike<number>));
  if (Array.isArray(v)) return '[' + v.map(canon).join(',') + ']';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return '{' + Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => JSON.stringify(k) + ':' + canon(o[k])).join(',') + '}';
  }
  return JSON.stringify(String(v));
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** The engine configuration as saved (features, limits, gas configuration). */
function configText(engine: EngineState): string {
  return canon(engine.config);
}

/** The resolved gas schedule's hash (every cost the compiler places). */
function scheduleHash(engine: EngineState): string {
  return hash64Hex(utf8.encode(canon(engine.schedule)));
}

/** The first place two configuration texts differ, as "path: snapshot X, engine Y". */
function configDifference(saved: string, here: string): string {
  let a: unknown, b: unknown;
  try {
    a = JSON.parse(saved);
    b = JSON.parse(here);
  } catch {
    return 'the configuration';
  }
  const walk = (x: unknown, y: unknown, path: string): string | null => {
    if (typeof x === 'object' && x !== null && typeof y === 'object' && y !== null && Array.isArray(x) === Array.isArray(y)) {
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
      for (const k of keys) {
        const d = walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
        if (d !== null) return d;
      }
      return null;
    }
    return canon(x) === canon(y) ? null : `${path}: snapshot ${canon(x)}, this engine ${canon(y)}`;
  };
  return walk(a, b, '') ?? 'the configuration';
}

/** The hash of a function's compiled code and frame layout (what its saved pcs and frame pointers mean). */
function codeHash(f: FuncInst, metered: boolean): string {
  const cf = compiledOf(f);
  const layout = new Int32Array([cf.paramSlots, cf.localSlots, cf.frameSlots, cf.entryPc, cf.code.length]);
  const all = new Uint8Array(4 * (layout.length + cf.code.length));
  all.set(new Uint8Array(layout.buffer), 0);
  all.set(new Uint8Array(cf.code.buffer, cf.code.byteOffset, 4 * cf.code.length), 4 * layout.length);
  return hash64Hex(all);
}

// ------------------------------------------------------------------ writing

class Writer {
  private buf = new Uint8Array(4096);
  private dv = new DataView(this.buf.buffer);
  private pos = 0;
  private readonly parts: Uint8Array[] = [];
  private size = 0;
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let c = this.buf.length * 2;
    while (c < this.pos + n) c *= 2;
    const b = new Uint8Array(c);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.pos++] = v;
  }
  u32(v: number): void {
    if (!(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) throw new Error(`internal: snapshot u32 out of range: ${v}`);
    this.room(4);
    this.dv.setUint32(this.pos, v, true);
    this.pos += 4;
  }
  i32(v: number): void {
    this.room(4);
    this.dv.setInt32(this.pos, v, true);
    this.pos += 4;
  }
  f64(v: number): void {
    this.room(8);
    this.dv.setFloat64(this.pos, v, true);
    this.pos += 8;
  }
  str(s: string): void {
    const b = utf8.encode(s);
    this.u32(b.length);
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** Int32 words in bulk. */
  words(w: Int32Array): void {
    this.room(4 * w.length);
    for (let i = 0; i < w.length; i++) this.dv.setInt32(this.pos + 4 * i, w[i], true);
    this.pos += 4 * w.length;
  }
  /** Bytes copied only into the result (`finish`): a view of memory pages. */
  external(b: Uint8Array): void {
    this.flush();
    this.parts.push(b);
    this.size += b.length;
  }
  private flush(): void {
    if (this.pos === 0) return;
    this.parts.push(this.buf.slice(0, this.pos));
    this.size += this.pos;
    this.pos = 0;
  }
  /** The header and the body in one new array; the hash and length filled in. */
  finish(): Uint8Array {
    this.flush();
    const total = HEADER + this.size;
    const out = new Uint8Array(total);
    let o = HEADER;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    out.set(MAGIC, 0);
    const dv = new DataView(out.buffer);
    dv.setUint32(8, SNAPSHOT_VERSION, true);
    dv.setUint32(12, 0, true);
    dv.setFloat64(16, total, true);
    const [h, g] = hash64(out.subarray(HEADER));
    dv.setUint32(24, h, true);
    dv.setUint32(28, g, true);
    return out;
  }
}

/** Reference values: their tags. */
const R_NULL = 0, R_FUNC = 1, R_UNDEFINED = 2, R_FALSE = 3, R_TRUE = 4, R_NUMBER = 5, R_STRING = 6, R_BIGINT = 7, R_ARRAY = 8, R_OBJECT = 9, R_EXN = 10;

/** The heap type of a table's elements as saved: what restore lets its elements be. */
const HEAP_FUNC = 0, HEAP_EXTERN = 1, HEAP_EXN = 2;

/** What references are written with: where each function and each tag of the store is. */
interface RefIds {
  /** Each function instance's first place in an instance's function index space. */
  readonly funcs: FuncIds;
  /** Each tag's index in the tags section. */
  readonly tags: Map<TagInst, number>;
  /** The store being saved (an exception's payload words are in its terms). */
  readonly store: StoreState;
}

/** Where each function instance of the store is: its first place in an instance's function index space. */
type FuncIds = Map<FuncInst, [number, number]>;

function unsupported(what: string): SnapshotError {
  return new SnapshotError('unsupported', what);
}

function writeRef(w: Writer, v: unknown, ids: RefIds, what: string): void {
  if (v instanceof Exception) {
    writeExn(w, v, ids, what);
    return;
  }
  if (v instanceof FuncInst) {
    const at = ids.funcs.get(v);
    if (at === undefined) throw unsupported(`${what}: a function of another store`);
    w.u8(R_FUNC);
    w.u32(at[0]);
    w.u32(at[1]);
    return;
  }
  writeData(w, v, what, false, 0);
}

/**
 * An exception reference: its tag (index in the tags section) and payload
 * words in the store's terms (references as ids of the reference table).
 */
function writeExn(w: Writer, x: Exception, ids: RefIds, what: string): void {
  const e = internals(x);
  const t = ids.tags.get(e.tag);
  if (t === undefined) throw unsupported(`${what}: an exception whose tag no instance of the store has`);
  const ps = e.tag.type.params;
  let words: Int32Array;
  if (e.words !== null && e.store === ids.store) words = e.words;
  else if (ps.every(isNumType)) words = exnWordsIn(e, ids.store); // numbers only: nothing is interned
  else throw unsupported(`${what}: an exception made in JS or in another store with references in its payload`);
  w.u8(R_EXN);
  w.u32(t);
  w.u32(words.length);
  w.words(words);
}

/** A JS value: primitives; with `deep`, arrays and plain objects of them (host pause payloads). */
function writeData(w: Writer, v: unknown, what: string, deep: boolean, level: number): void {
  if (v === null) w.u8(R_NULL);
  else if (v === undefined) w.u8(R_UNDEFINED);
  else if (v === false) w.u8(R_FALSE);
  else if (v === true) w.u8(R_TRUE);
  else if (typeof v === 'number') {
    w.u8(R_NUMBER);
    w.f64(v);
  } else if (typeof v === 'string') {
    w.u8(R_STRING);
    w.str(v);
  } else if (typeof v === 'bigint') {
    w.u8(R_BIGINT);
    w.str(v.toString());
  } else if (deep && level < MAX_DATA_DEPTH && Array.isArray(v)) {
    w.u8(R_ARRAY);
    w.u32(v.length);
    for (const x of v) writeData(w, x, what, deep, level + 1);
  } else if (deep && level < MAX_DATA_DEPTH && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    const keys = Object.keys(v as object);
    w.u8(R_OBJECT);
    w.u32(keys.length);
    for (const k of keys) {
      w.str(k);
      writeData(w, (v as Record<string, unknown>)[k], what, deep, level + 1);
    }
  } else {
    const kind = typeof v === 'function' ? 'a function' : typeof v === 'symbol' ? 'a symbol' : 'an object';
    throw unsupported(`${what} is ${kind}; only null, undefined, booleans, numbers, strings and bigints${deep ? ' (and arrays and plain objects of them)' : ''} can be saved`);
  }
}

/** Nesting limit of saved arrays and objects (host pause payloads). */
const MAX_DATA_DEPTH = 64;

/** The memories of an instance (its memory index space, multi-memory). */
function memoriesOf(inst: ModuleInst): MemoryInst[] {
  return inst.memories;
}

/** Sets an instance's memory index space (`_memory` is its first entry, the interpreter's fast path). */
function setMemories(inst: ModuleInst, ms: MemoryInst[]): void {
  inst.memory = ms.length > 0 ? ms[0] : null;
  inst.memories = ms;
}

/** Number of tags an instance's module imports (its tag index space starts with them). */
function importedTagCount(inst: ModuleInst): number {
  return inst.module.vm.module.imports.filter((x) => x.desc.kind === 'tag').length;
}

/** The value type a `Global` or `Table` of a module's reference type `t` holds (numbers: `t` itself): funcref or externref, as instantiate.ts makes them. */
function storedType(t: number): number {
  if (!isRefType(t)) return t;
  return abstractHeap(t) === EXTERNREF ? EXTERNREF : FUNCREF;
}

/** The heap a reference type's values come from, as saved (a concrete function type is func). */
function heapOf(t: number): number {
  const h = abstractHeap(t);
  return h === EXTERNREF ? HEAP_EXTERN : h === EXNREF ? HEAP_EXN : HEAP_FUNC;
}

/** Whether `v` may be an element or value of a reference of heap `heap` (restore's check of saved references). */
function fitsHeap(v: unknown, heap: number): boolean {
  if (heap === HEAP_FUNC) return v === null || v instanceof FuncInst;
  if (heap === HEAP_EXN) return v === null || v instanceof Exception;
  return !(v instanceof FuncInst);
}

/** Index of each object in its store-wide list (first seen first). */
function indexAll<T>(lists: T[][]): Map<T, number> {
  const m = new Map<T, number>();
  for (const l of lists) for (const x of l) if (!m.has(x)) m.set(x, m.size);
  return m;
}

/** The wasm value types by their names in `Global` descriptors. */
function globalTypeName(t: number): 'i32' | 'i64' | 'f32' | 'f64' | 'funcref' | 'externref' {
  return t === I32 ? 'i32' : t === I64 ? 'i64' : t === F32 ? 'f32' : t === F64 ? 'f64' : t === EXTERNREF ? 'externref' : 'funcref';
}

function isNumType(t: number): boolean {
  return t === I32 || t === I64 || t === F32 || t === F64;
}

/** A tag parameter type a tag from outside the store may have (module-independent: numbers and abstract references). */
function isPortableType(t: number): boolean {
  return isNumType(t) || (isRefType(t) && t < CONCRETE);
}

/**
 * The value-stack slots a paused call uses: up to the end of the highest of
 * its frames (and of the pending host call's arguments and results).
 */
function liveSlots(store: StoreState, st: PausedCallState): number {
  const a = st.act, metered = store.metered;
  let top = a.fp + compiledOf(a.f).frameSlots;
  for (let d = a.entryDepth; d < a.depth; d++) top = Math.max(top, store.callStack[3 * d + 1] + compiledOf(store.callFns[d]!).frameSlots);
  if (st.host !== null) {
    const t = st.host.f.type;
    top = Math.max(top, st.host.nfp + 2 * Math.max(t.params.length, t.results.length));
  }
  return top;
}

/**
 * The store as bytes (the file comment has the format). Throws
 * `SnapshotError` 'unsupported' for state that cannot be saved.
 */
export function snapshot(store: Store): Uint8Array {
  return snapshotOf(internals(store));
}

/** `snapshot` of a store's state (`Store.snapshot` reaches it through the engine). */
export function snapshotOf(store: StoreState): Uint8Array {
  const st = store.pausedState;
  if (store.paused) {
    if (st === null) throw new Error('internal: a paused store without its paused call');
    if (st.async) throw unsupported('the store has a call suspended by callAsync (it waits for a Promise); only callResumable pauses can be saved');
  } else if (store.nesting !== 0) {
    throw unsupported('a call is running in the store (a snapshot from inside a host function); take it when the store is at rest or paused');
  }
  if (!store.recordsInstances) {
    throw unsupported('the store does not keep its instances (the default store of detwasm/compat drops them so that they can be collected), so a snapshot cannot enumerate them; give createWebAssembly({ store }) a Store to snapshot');
  }
  const engine = store.engine;
  const insts = store.instances;
  const w = new Writer();

  // ---- engine
  w.str(configText(engine));
  w.str(scheduleHash(engine));
  w.u8(store.metered ? 1 : 0);
  w.u8(store.propagateHostErrors ? 1 : 0);

  // ---- modules (distinct, in order of first use)
  const modIndex = indexAll(insts.map((i) => [i.module]));
  w.u32(modIndex.size);
  for (const m of modIndex.keys()) {
    w.str(m.hash());
    w.f64(m.bytes.length);
  }

  // ---- store
  w.f64(store.gas);
  w.f64(store.budget);
  w.u32(store.sp);
  w.u32(store.depth);
  w.u32(store.nesting);

  // ---- instances and their functions
  const funcIds: FuncIds = new Map();
  // (a defined function not made yet, an empty slot of ModuleInst.funcs, is written as made: kind 0)
  insts.forEach((inst, i) => inst.funcs.forEach((f, j) => { if (f !== undefined && !funcIds.has(f)) funcIds.set(f, [i, j]); }));
  w.u32(insts.length);
  insts.forEach((inst, i) => {
    w.u32(modIndex.get(inst.module)!);
    w.u32(inst.funcs.length);
    for (let j = 0; j < inst.funcs.length; j++) {
      const f = inst.funcs[j];
      const at = f === undefined ? undefined : funcIds.get(f)!;
      if (f === undefined || (at![0] === i && at![1] === j)) w.u8(f !== undefined && f.host ? 1 : 0);
      else {
        w.u8(2);
        w.u32(at![0]);
        w.u32(at![1]);
      }
    }
  });

  // ---- tags (before the reference table: exceptions name them). A tag an
  // instance defines is saved as where (its first definer); any other by its type.
  const tagIndex = indexAll(insts.map((i) => i.tags));
  const definedAt = new Map<TagInst, [number, number]>();
  insts.forEach((inst, i) => {
    const nImp = importedTagCount(inst);
    inst.tags.forEach((t, k) => { if (k >= nImp && !definedAt.has(t)) definedAt.set(t, [i, k]); });
  });
  w.u32(tagIndex.size);
  let n = 0;
  for (const t of tagIndex.keys()) {
    const at = definedAt.get(t);
    if (at !== undefined) {
      w.u8(0);
      w.u32(at[0]);
      w.u32(at[1]);
    } else {
      const ps = t.type.params;
      if (!ps.every(isPortableType)) throw unsupported(`tag ${n}: a tag from outside the store with typed function reference parameters`);
      w.u8(1);
      w.u32(ps.length);
      for (const p of ps) w.u32(p);
    }
    n++;
  }
  for (const inst of insts) {
    w.u32(inst.tags.length);
    for (const t of inst.tags) w.u32(tagIndex.get(t)!);
  }
  const ids: RefIds = { funcs: funcIds, tags: tagIndex, store };

  // ---- reference table (ids on the value stack point into it)
  w.u32(store.refs.length - 1);
  for (let k = 1; k < store.refs.length; k++) writeRef(w, store.refs[k], ids, `reference ${k}`);

  // ---- memories
  const memIndex = indexAll(insts.map(memoriesOf));
  w.u32(memIndex.size);
  for (const mem of memIndex.keys()) writeMemory(w, mem);

  // ---- tables
  const tabIndex = indexAll(insts.map((i) => i.tables));
  w.u32(tabIndex.size);
  n = 0;
  for (const t of tabIndex.keys()) {
    w.u8(heapOf(t.linkElem || t.elemtype));
    w.u8(t.is64 ? 1 : 0);
    w.u32(t.elems.length);
    w.u8(t.max === undefined ? 0 : 1);
    w.u32(t.max ?? 0);
    w.f64(t.limit);
    w.u8(t.owned ? 1 : 0);
    for (let k = 0; k < t.elems.length; k++) writeRef(w, t.elems[k], ids, `table ${n} element ${k}`);
    n++;
  }

  // ---- globals
  const globIndex = indexAll(insts.map((i) => i.globals));
  w.u32(globIndex.size);
  n = 0;
  for (const g of globIndex.keys()) {
    w.u32(g.type.valtype);
    w.u8(g.type.mutable ? 1 : 0);
    w.i32(g.cell[0]);
    w.i32(g.cell[1]);
    if (!isNumType(g.type.valtype)) writeRef(w, g.ref, ids, `global ${n}`);
    n++;
  }

  // ---- instance state
  insts.forEach((inst, i) => {
    w.u32(inst.tables.length);
    for (const t of inst.tables) w.u32(tabIndex.get(t)!);
    const ms = memoriesOf(inst);
    w.u32(ms.length);
    for (const m of ms) w.u32(memIndex.get(m)!);
    w.u32(inst.globals.length);
    for (const g of inst.globals) w.u32(globIndex.get(g)!);
    w.u32(inst.elems.length);
    inst.elems.forEach((seg, s) => {
      w.u32(seg.length);
      for (let k = 0; k < seg.length; k++) writeRef(w, seg[k], ids, `instance ${i} element segment ${s}`);
    });
    w.u32(inst.datas.length);
    for (const d of inst.datas) w.u8(d.length === 0 ? 1 : 0);
  });

  // ---- the paused call
  if (st === null) w.u8(0);
  else writePaused(w, store, st, ids);
  return w.finish();
}

/**
 * A memory: its size in bytes (custom page sizes make sizes that are not
 * whole 64 KiB pages), maximum (in 64 KiB pages, as `MemoryInst.max`: a
 * fraction for small pages, above 65536 for memory64), limit, owner, page
 * size and address type, then its 64 KiB pages (the last one may be partial).
 */
function writeMemory(w: Writer, mem: MemoryInst): void {
  const u8 = mem.u8;
  const len = u8.length;
  const pages = Math.ceil(len / PAGE_SIZE);
  w.f64(len);
  w.u8(mem.max === undefined ? 0 : 1);
  w.f64(mem.max ?? 0);
  w.f64(mem.limit);
  w.u8(mem.owned ? 1 : 0);
  w.u8(mem.pageSizeLog2);
  w.u8(mem.is64 ? 1 : 0);
  // the pages that are not all zero: a bitmap, then their bytes (runs of them as one part)
  const words = new Int32Array(u8.buffer, u8.byteOffset, len >> 2);
  const bitmap = new Int32Array((pages + 31) >> 5);
  const WORDS = PAGE_SIZE >> 2;
  for (let p = 0; p < pages; p++) {
    const end = Math.min((p + 1) * WORDS, words.length);
    let used = false;
    for (let k = p * WORDS; k < end && !used; k++) used = words[k] !== 0;
    // the bytes past the last whole word (a size that is not a multiple of 4)
    for (let k = 4 * end; p === pages - 1 && k < len && !used; k++) used = u8[k] !== 0;
    if (used) bitmap[p >> 5] |= 1 << (p & 31);
  }
  w.u32(bitmap.length);
  w.words(bitmap);
  let p = 0;
  while (p < pages) {
    if ((bitmap[p >> 5] & (1 << (p & 31))) === 0) {
      p++;
      continue;
    }
    let q = p + 1;
    while (q < pages && (bitmap[q >> 5] & (1 << (q & 31))) !== 0) q++;
    w.external(u8.subarray(p * PAGE_SIZE, Math.min(q * PAGE_SIZE, len)));
    p = q;
  }
}

function writePaused(w: Writer, store: StoreState, st: PausedCallState, ids: RefIds): void {
  const a = st.act;
  if (a.error !== null) throw unsupported('the paused call continues with a host error (callAsync)');
  w.u8(1);
  w.u8(st.reason === 'host' ? 1 : 0);
  if (st.reason === 'host') writeData(w, st.payload, 'the pause payload', true, 0);
  writeRef(w, st.f, ids, 'the called function');
  w.u32(st.base);
  w.u32(st.depth);
  w.u32(st.sp);
  w.u32(st.nesting);
  writeRef(w, a.f, ids, 'the running function');
  w.u32(a.pc);
  w.u32(a.fp);
  w.u32(a.depth);
  w.u32(a.entryDepth);
  w.f64(a.pendingGas);
  if (st.host === null) w.u8(0);
  else {
    w.u8(1);
    writeRef(w, st.host.f, ids, 'the pausing host function');
    w.u32(st.host.nfp);
  }
  // what the saved pcs and frame pointers mean: each frame function's compiled code
  const cs = store.callStack;
  const frames = new Set<FuncInst>([st.f, a.f]);
  for (let d = a.entryDepth; d < a.depth; d++) frames.add(store.callFns[d]!);
  w.u32(frames.size);
  for (const f of frames) {
    writeRef(w, f, ids, 'a frame function');
    w.str(codeHash(f, store.metered));
  }
  const slots = liveSlots(store, st);
  w.u32(slots);
  w.words(store.stack.subarray(0, slots));
  for (let d = a.entryDepth; d < a.depth; d++) {
    w.i32(cs[3 * d]);
    w.i32(cs[3 * d + 1]);
    w.i32(cs[3 * d + 2]);
    writeRef(w, store.callFns[d]!, ids, `frame ${d}`);
  }
}

// ------------------------------------------------------------------ reading

function malformed(what: string): SnapshotError {
  return new SnapshotError('malformed', what);
}

class Reader {
  pos = HEADER;
  readonly dv: DataView;
  constructor(readonly b: Uint8Array) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  private need(n: number, what: string): void {
    if (n > this.b.length - this.pos) throw malformed(`${what} runs past the end`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.b[this.pos++];
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i32(what: string): number {
    this.need(4, what);
    const v = this.dv.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  f64(what: string): number {
    this.need(8, what);
    const v = this.dv.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  str(what: string): string {
    const n = this.u32(what);
    this.need(n, what);
    let s: string;
    try {
      s = utf8Decoder.decode(this.b.subarray(this.pos, this.pos + n));
    } catch {
      throw malformed(`${what} is not UTF-8`);
    }
    this.pos += n;
    return s;
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  /** A count of items of at least `min` bytes each (so it cannot ask for more than the bytes left), at most `max`. */
  count(what: string, min: number, max = Infinity): number {
    const n = this.u32(what);
    if (n > max || n * min > this.b.length - this.pos) throw malformed(`${what}: ${n} is out of range`);
    return n;
  }
  /** A u32 below `limit`. */
  index(what: string, limit: number): number {
    const n = this.u32(what);
    if (n >= limit) throw malformed(`${what}: ${n} is out of range (< ${limit})`);
    return n;
  }
  bool(what: string): boolean {
    const v = this.u8(what);
    if (v > 1) throw malformed(`${what}: ${v} is not a flag`);
    return v === 1;
  }
  /** A non-negative integer saved as f64 (or Infinity when `infinite`). */
  amount(what: string, infinite: boolean): number {
    const v = this.f64(what);
    if (infinite && v === Infinity) return v;
    if (!(Number.isInteger(v) && v >= 0 && v <= Number.MAX_SAFE_INTEGER)) throw malformed(`${what}: ${v} is not a valid amount`);
    return v;
  }
}

/** Checks the header and the hash; returns the snapshot bytes, 4-byte aligned. */
function checkHeader(bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('restore: the snapshot must be a Uint8Array');
  for (let i = 0; i < Math.min(bytes.length, MAGIC.length); i++) {
    if (bytes[i] !== MAGIC[i]) throw new SnapshotError('bad_magic', 'not a detwasm snapshot (wrong magic bytes)');
  }
  if (bytes.length < HEADER) throw new SnapshotError('truncated', `${bytes.length} bytes, shorter than the ${HEADER}-byte header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (version !== SNAPSHOT_VERSION) throw new SnapshotError('version', `format version ${version}; this detwasm reads version ${SNAPSHOT_VERSION}`);
  const total = dv.getFloat64(16, true);
  if (dv.getUint32(12, true) !== 0 || !Number.isInteger(total) || total < HEADER) throw new SnapshotError('checksum', 'the header is damaged');
  if (bytes.length < total) throw new SnapshotError('truncated', `${bytes.length} bytes of a ${total}-byte snapshot`);
  if (bytes.length > total) throw new SnapshotError('malformed', `${bytes.length - total} bytes after the end of the snapshot`);
  // hashing reads words: an unaligned view is copied once
  const b = (bytes.byteOffset & 3) === 0 ? bytes : bytes.slice();
  const [h, g] = hash64(b.subarray(HEADER));
  if (h !== dv.getUint32(24, true) || g !== dv.getUint32(28, true)) throw new SnapshotError('checksum', 'the content does not match its hash (the snapshot is damaged)');
  return b;
}

/** The restore in progress: what the reader has rebuilt so far. */
interface Ctx {
  readonly store: StoreState;
  readonly r: Reader;
  readonly instances: ModuleInst[];
  /** The tags section, once read (exception references name its entries). */
  tags: TagInst[];
  /** Every exception read: their payloads' reference ids are checked once the reference table is complete. */
  readonly exns: Exception[];
}

function readFuncAt(c: Ctx, what: string): FuncInst {
  const i = c.r.index(`${what} (instance)`, c.instances.length);
  const j = c.r.index(`${what} (function)`, c.instances[i].funcs.length);
  return c.instances[i].func(j);
}

function readRef(c: Ctx, what: string): unknown {
  const tag = c.r.u8(what);
  if (tag === R_FUNC) return readFuncAt(c, what);
  if (tag === R_EXN) return readExn(c, what);
  return readDataTag(c.r, tag, what, false, 0);
}

/** An exception reference (`writeExn`): a new Exception of the store, with the saved payload words. */
function readExn(c: Ctx, what: string): Exception {
  const t = c.tags[c.r.index(`${what} (tag)`, c.tags.length)];
  const n = c.r.u32(`${what} (payload size)`);
  if (n !== 2 * t.type.params.length) throw malformed(`${what}: a payload of ${n} words for a tag of ${t.type.params.length} values`);
  const raw = c.r.bytes(4 * n, `${what} (payload)`);
  const words = new Int32Array(n);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let k = 0; k < n; k++) words[k] = dv.getInt32(4 * k, true);
  const x = newException(t, words, c.store);
  c.exns.push(x);
  return x;
}

/** The import object restore links instance `i`'s host imports from. */
function importsOf(imports: RestoreImports, i: number): Record<string, Record<string, unknown> | undefined> {
  const ns = Array.isArray(imports) ? (imports as readonly Imports[])[i] ?? {} : (imports as Imports);
  return ns as Record<string, Record<string, unknown> | undefined>;
}

function readData(r: Reader, what: string, deep: boolean, level: number): unknown {
  return readDataTag(r, r.u8(what), what, deep, level);
}

function readDataTag(r: Reader, tag: number, what: string, deep: boolean, level: number): unknown {
  switch (tag) {
    case R_NULL: return null;
    case R_UNDEFINED: return undefined;
    case R_FALSE: return false;
    case R_TRUE: return true;
    case R_NUMBER: return r.f64(what);
    case R_STRING: return r.str(what);
    case R_BIGINT: {
      const s = r.str(what);
      if (!/^-?[0-9]+$/.test(s)) throw malformed(`${what}: not a bigint`);
      return BigInt(s);
    }
  }
  if (deep && level < MAX_DATA_DEPTH && tag === R_ARRAY) {
    const n = r.count(what, 1);
    const out = new Array(n);
    for (let k = 0; k < n; k++) out[k] = readData(r, what, deep, level + 1);
    return out;
  }
  if (deep && level < MAX_DATA_DEPTH && tag === R_OBJECT) {
    const n = r.count(what, 5);
    const out: Record<string, unknown> = {};
    for (let k = 0; k < n; k++) {
      const key = r.str(what);
      Object.defineProperty(out, key, { value: readData(r, what, deep, level + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  throw malformed(`${what}: unknown value tag ${tag}`);
}

function funcTypeText(t: functype): string {
  return `(${t.params.map(valtypeName).join(', ')}) -> (${t.results.map(valtypeName).join(', ')})`;
}

/** A host function import of a restored instance, linked as `Store.instantiate` links it; `id` is the structural id of `t` (`typeIdsOf`). */
function linkHost(store: StoreState, t: functype, id: number, v: unknown, where: string): FuncInst {
  const incompatible = (why: string) => new LinkError(`incompatible import type: ${where}: ${why}`, 'incompatible_import');
  if (v === undefined) throw new LinkError(`unknown import: ${where} (restore re-links host functions by import name)`, 'unknown_import');
  if (typeof v === 'function' && (v as { [FUNC_INST]?: unknown })[FUNC_INST] instanceof FuncInst) {
    const g = (v as { [FUNC_INST]?: unknown })[FUNC_INST] as FuncInst;
    if (g.typeId !== id) throw incompatible(`function type mismatch: expected ${funcTypeText(t)}, got ${funcTypeText(g.type)}`);
    return new FuncInst(store, t, id, true, null, -1, (_c: unknown, ...a: unknown[]) => (v as (...x: unknown[]) => unknown)(...a), true);
  }
  if (v instanceof HostFunc) {
    if (typeIdOf(v.type) !== id) throw incompatible(`host function type mismatch: expected ${funcTypeText(t)}, got ${funcTypeText(v.type)}`);
    return new FuncInst(store, t, id, true, null, -1, v.fn as (...a: unknown[]) => unknown, true);
  }
  if (typeof v === 'function') return new FuncInst(store, t, id, true, null, -1, v as (...a: unknown[]) => unknown, false);
  throw incompatible('expected a function');
}

/** The record starts of a function's code (a saved pc must be one). */
function recordStarts(code: Int32Array): Uint8Array {
  const starts = new Uint8Array(code.length);
  for (let pc = 0; pc < code.length; pc += opLength(code, pc)) starts[pc] = 1;
  return starts;
}

/**
 * Rebuilds a store from `bytes` (made by `snapshot`): `engine` must have the
 * configuration the snapshot was made under, `modules` must include the
 * module of each instance (matched by the hash of its bytes; extra modules
 * are ignored), `imports` gives the host functions, re-linked by import name.
 * Instances are rebuilt, not instantiated: no segment is applied again and
 * no start function runs. Memories, tables and globals the instances
 * imported from the host are new objects holding the saved state (reach
 * them through exports). Throws `SnapshotError` (what does not match), or
 * `LinkError` for a missing or mistyped host function.
 */
export function restore(engineHandle: Engine, moduleHandles: readonly Module[], bytes: Uint8Array, imports: RestoreImports = {}): Restored {
  const engine = internals(engineHandle), modules = moduleHandles.map((m) => internals(m));
  const b = checkHeader(bytes);
  const r = new Reader(b);

  // ---- engine
  const config = r.str('engine configuration');
  const here = configText(engine);
  if (config !== here) throw new SnapshotError('engine_mismatch', `made under another engine configuration (${configDifference(config, here)})`);
  if (r.str('gas schedule') !== scheduleHash(engine)) throw new SnapshotError('engine_mismatch', 'made under another gas schedule (the same configuration resolves to other costs: another detwasm version?)');
  const metered = r.bool('metering');
  const propagate = r.bool('host errors');

  // ---- modules
  const nm = r.count('module count', 12);
  const byHash = new Map<string, ModuleState>();
  for (const m of modules) {
    if (m.engine !== engine) throw new TypeError('restore: a module compiled by a different engine than the one given');
    byHash.set(m.hash(), m);
  }
  const mods: ModuleState[] = [];
  for (let k = 0; k < nm; k++) {
    const h = r.str('module hash');
    const len = r.amount('module size', false);
    const m = byHash.get(h);
    if (m === undefined) {
      const given = modules.length === 0 ? 'none' : modules.map((x) => `${x.hash()} (${x.bytes.length} bytes)`).join(', ');
      throw new SnapshotError('module_mismatch', `module ${k} of the snapshot (hash ${h}, ${len} bytes) is not among the modules given (${given})`);
    }
    mods.push(m);
  }

  // ---- store
  const handle = new Store(engineHandle, metered ? { gas: 0, hostErrors: propagate ? 'propagate' : 'trap' } : { hostErrors: propagate ? 'propagate' : 'trap' });
  const gas = r.amount('gas', !metered);
  const budget = r.amount('budget', !metered);
  if (metered ? budget < gas : gas !== Infinity || budget !== Infinity) throw malformed('gas counters');
  const store = internals(handle);
  store.gas = gas;
  store.budget = budget;
  const sp = r.u32('stack top');
  const depth = r.u32('call depth');
  const nesting = r.u32('nesting');

  // ---- instances and their functions
  const ni = r.count('instance count', 8);
  const instances: ModuleInst[] = [];
  const c: Ctx = { store, r, instances, tags: [], exns: [] };
  for (let i = 0; i < ni; i++) {
    const module = mods[r.index(`instance ${i} module`, mods.length)];
    const vm = module.vm;
    const m = vm.module;
    const inst = new ModuleInst(module, store);
    const typeIds = typeIdsOf(m.types);
    inst.typeIds = typeIds;
    const nf = r.u32(`instance ${i} function count`);
    if (nf !== vm.numImportedFuncs + m.funcs.length) throw new SnapshotError('module_mismatch', `instance ${i} has ${nf} functions, its module ${vm.numImportedFuncs + m.funcs.length}`);
    const funcImports = m.imports.filter((x) => x.desc.kind === 'func');
    const ns = importsOf(imports, i);
    for (let j = 0; j < nf; j++) {
      const kind = r.u8(`instance ${i} function ${j}`);
      const imported = j < vm.numImportedFuncs;
      let f: FuncInst | undefined;
      if (kind === 0 && !imported) {
        f = undefined; // made on first use (ModuleInst.func)
      } else if (kind === 1 && imported) {
        const imp = funcImports[j];
        const typeidx = (imp.desc as { typeidx: number }).typeidx, t = m.types[typeidx];
        const space = ns[imp.module];
        const v = space !== undefined && space !== null ? space[imp.name] : undefined;
        f = linkHost(store, t, typeIds[typeidx], v, `"${imp.module}" "${imp.name}"${Array.isArray(imports) ? ` of instance ${i}` : ''}`);
        f.hostIndex = j;
        f.hostName = `${imp.module}.${imp.name}`;
      } else if (kind === 2 && imported) {
        const at = r.index(`instance ${i} function ${j} (instance)`, i);
        f = instances[at].func(r.index(`instance ${i} function ${j} (function)`, instances[at].funcs.length));
        if (f.typeId !== typeIds[(funcImports[j].desc as { typeidx: number }).typeidx]) throw malformed(`instance ${i} function ${j} has the wrong type`);
      } else {
        throw malformed(`instance ${i} function ${j}: kind ${kind}`);
      }
      inst.funcs.push(f);
    }
    instances.push(inst);
    store.instances.push(inst);
  }

  // ---- tags
  c.tags = readTags(c, imports);

  // ---- reference table
  const nr = r.count('reference count', 1);
  for (let k = 1; k <= nr; k++) {
    const v = readRef(c, `reference ${k}`);
    if (v === null || store.refIds.has(v)) throw malformed(`reference ${k} is null or repeated`);
    store.refs.push(v);
    store.refIds.set(v, k);
  }

  // ---- memories
  const memories: MemoryInst[] = [];
  const nmem = r.count('memory count', 18);
  for (let k = 0; k < nmem; k++) memories.push(readMemory(r, k, engine.config.limits.maxMemoryPages));

  // ---- tables
  const tables: TableInst[] = [];
  const nt = r.count('table count', 18);
  for (let k = 0; k < nt; k++) {
    const heap = r.u8(`table ${k} heap type`);
    if (heap > HEAP_EXN) throw malformed(`table ${k} heap type ${heap}`);
    const ext = heap === HEAP_EXTERN;
    const is64 = r.bool(`table ${k} address type`);
    const len = r.count(`table ${k} length`, 1, engine.config.limits.maxTableSize);
    const hasMax = r.bool(`table ${k} maximum`);
    const max = r.u32(`table ${k} maximum`);
    const limit = r.amount(`table ${k} limit`, false);
    const owned = r.bool(`table ${k} owner`);
    const elems = new Array(len);
    for (let e = 0; e < len; e++) {
      const v = readRef(c, `table ${k} element ${e}`);
      if (!fitsHeap(v, heap)) throw malformed(`table ${k} element ${e} is not a ${['function', 'extern', 'exception'][heap]} reference`);
      elems[e] = v;
    }
    const t = new TableInst(ext ? EXTERNREF : FUNCREF, elems, hasMax ? max : undefined);
    // an exnref table is a funcref-kind table whose link type says exn (instantiate.ts refStored); set again per instance below
    if (heap === HEAP_EXN) t.linkElem = EXNREF;
    t.is64 = is64;
    t.limit = limit;
    t.owned = owned;
    tables.push(t);
  }

  // ---- globals
  const globals: GlobalInst[] = [];
  const ng = r.count('global count', 13);
  for (let k = 0; k < ng; k++) {
    const vt = r.u32(`global ${k} type`);
    if (!isNumType(vt) && vt !== FUNCREF && vt !== EXTERNREF) throw malformed(`global ${k} type ${vt}`);
    const mutable = r.bool(`global ${k} mutability`);
    const g = new GlobalInst({ valtype: vt, mutable });
    g.cell[0] = r.i32(`global ${k}`);
    g.cell[1] = r.i32(`global ${k}`);
    if (!isNumType(vt)) g.ref = readRef(c, `global ${k}`);
    globals.push(g);
  }

  // ---- instance state
  for (let i = 0; i < ni; i++) {
    const inst = instances[i];
    const vm = inst.module.vm;
    const m = vm.module;
    const pick = <T>(list: T[], what: string, expected: number): T[] => {
      const n = r.u32(`instance ${i} ${what} count`);
      if (n !== expected) throw new SnapshotError('module_mismatch', `instance ${i} has ${n} ${what}s, its module ${expected}`);
      const out: T[] = [];
      for (let k = 0; k < n; k++) out.push(list[r.index(`instance ${i} ${what} ${k}`, list.length)]);
      return out;
    };
    inst.tables = pick(tables, 'table', vm.tableTypes.length);
    inst.tables.forEach((t, k) => {
      const tt = vm.tableTypes[k];
      if (t.elemtype !== storedType(tt.elemtype) || t.is64 !== tt.is64 || heapOf(t.linkElem || t.elemtype) !== heapOf(tt.elemtype)) {
        throw malformed(`instance ${i} table ${k} has the wrong element or address type`);
      }
      // the module-independent element type of a table the instance defines (typed function references; type ids are per process)
      if (k >= vm.numImportedTables && tt.elemtype !== FUNCREF && tt.elemtype !== EXTERNREF) t.linkElem = linkType(tt.elemtype, m.types);
    });
    setMemories(inst, pick(memories, 'memory', vm.memTypes.length));
    inst.memories.forEach((mem, k) => {
      const mt = vm.memTypes[k];
      if (mem.is64 !== mt.is64 || mem.pageSizeLog2 !== mt.pageSizeLog2) throw malformed(`instance ${i} memory ${k} has the wrong address type or page size`);
    });
    inst.globals = pick(globals, 'global', vm.globalTypes.length);
    inst.globals.forEach((g, k) => {
      const gt = vm.globalTypes[k].valtype;
      if (g.type.valtype !== storedType(gt)) throw malformed(`instance ${i} global ${k} has the wrong type`);
      if (k >= vm.numImportedGlobals && isRefType(gt) && gt !== FUNCREF && gt !== EXTERNREF) g.linkType = linkType(gt, m.types);
      if (isRefType(gt) && !fitsHeap(g.ref, heapOf(gt))) throw malformed(`instance ${i} global ${k} holds the wrong kind of reference`);
    });
    inst.globalCells = inst.globals.map((g) => g.cell);
    const ne = r.u32(`instance ${i} element segment count`);
    if (ne !== m.elems.length) throw new SnapshotError('module_mismatch', `instance ${i} has ${ne} element segments, its module ${m.elems.length}`);
    for (let s = 0; s < ne; s++) {
      const n = r.count(`instance ${i} element segment ${s} length`, 1);
      const vals = new Array(n);
      for (let k = 0; k < n; k++) vals[k] = readRef(c, `instance ${i} element segment ${s}`);
      inst.elems.push(vals);
    }
    const nd = r.u32(`instance ${i} data segment count`);
    if (nd !== m.datas.length) throw new SnapshotError('module_mismatch', `instance ${i} has ${nd} data segments, its module ${m.datas.length}`);
    for (let s = 0; s < nd; s++) inst.datas.push(r.bool(`instance ${i} data segment ${s}`) ? new Uint8Array(0) : m.datas[s].init);
    // exports, as instantiation makes them
    const mems = memoriesOf(inst);
    for (const e of m.exports) {
      let v: unknown;
      switch (e.kind) {
        case 'func': v = wrapperOf(inst.func(e.index)); break;
        case 'table': v = handleOf(inst.tables[e.index]); break;
        case 'memory': v = handleOf(mems[e.index]); break;
        case 'global': v = handleOf(inst.globals[e.index]); break;
        case 'tag': v = tagHandle(inst.tags[e.index]); break;
        default: continue;
      }
      (inst.exports as Record<string, unknown>)[e.name] = v;
    }
    Object.freeze(inst.exports);
  }

  // ---- the paused call
  let call: Paused | null = null;
  const pausedFlag = r.bool('paused call');
  if (pausedFlag) {
    call = readPaused(c, sp, depth, nesting);
  } else if (sp !== 0 || depth !== 0 || nesting !== 0) {
    throw malformed('a store at rest with frames');
  }
  if (r.pos !== b.length) throw malformed(`${b.length - r.pos} unread bytes at the end`);
  // every reference an exception's payload holds is an id of the (now complete) reference table
  for (const x of c.exns) {
    const e = internals(x);
    e.tag.type.params.forEach((p, k) => {
      if (isRefType(p) && !(e.words![2 * k] >= 0 && e.words![2 * k] < store.refs.length)) throw malformed(`an exception's payload value ${k} is not a reference of the store`);
    });
  }
  return { store: handle, instances: instances.map((i) => handleOf(i)), call };
}

/** A memory (`writeMemory`): allocated at its saved size, then its saved pages copied in. */
function readMemory(r: Reader, k: number, maxPages: number): MemoryInst {
  const len = r.amount(`memory ${k} size`, false);
  const hasMax = r.bool(`memory ${k} maximum`);
  const max = r.f64(`memory ${k} maximum`);
  const limit = r.amount(`memory ${k} limit`, false);
  const owned = r.bool(`memory ${k} owner`);
  const pageSizeLog2 = r.u8(`memory ${k} page size`);
  const is64 = r.bool(`memory ${k} address type`);
  const pages = Math.ceil(len / PAGE_SIZE);
  if (pageSizeLog2 > 16 || len % 2 ** pageSizeLog2 !== 0 || len > 65536 * PAGE_SIZE || (hasMax && !(max >= len / PAGE_SIZE))) {
    throw malformed(`memory ${k}: ${len} bytes, page size 2^${pageSizeLog2}, maximum ${hasMax ? max : 'none'}`);
  }
  const nw = r.u32(`memory ${k} page map`);
  if (nw !== (pages + 31) >> 5) throw malformed(`memory ${k} page map size`);
  const map = r.bytes(4 * nw, `memory ${k} page map`);
  let used = 0;
  for (let p = 0; p < pages; p++) if ((map[p >> 3] >> (p & 7)) & 1) used++;
  for (let p = pages; p < 32 * nw; p++) if ((map[p >> 3] >> (p & 7)) & 1) throw malformed(`memory ${k} page map marks page ${p} past the end`);
  // every saved page must be there before the memory is allocated
  if (used * PAGE_SIZE > r.b.length - r.pos + (len % PAGE_SIZE === 0 ? 0 : PAGE_SIZE)) throw malformed(`memory ${k} pages run past the end`);
  if (owned && (limit !== maxPages || len > maxPages * PAGE_SIZE)) throw malformed(`memory ${k}: ${len} bytes, limit ${limit} pages (this engine: ${maxPages})`);
  // allocated as instantiation does: empty, then grown to the size (a fraction of a 64 KiB page for small pages)
  const mem = new MemoryInst(0, undefined);
  let grown: number;
  try {
    grown = len > 0 ? mem.grow(len / PAGE_SIZE, Infinity) : 0;
  } catch (e) {
    throw new SnapshotError('unsupported', `memory ${k}: cannot allocate ${len} bytes (${e instanceof Error ? e.message : String(e)})`);
  }
  if (grown !== 0) throw new SnapshotError('unsupported', `memory ${k}: cannot allocate ${len} bytes`);
  mem.max = hasMax ? max : undefined;
  mem.limit = limit;
  mem.owned = owned;
  mem.pageSizeLog2 = pageSizeLog2;
  mem.is64 = is64;
  const u8 = mem.u8;
  let p = 0;
  while (p < pages) {
    if (((map[p >> 3] >> (p & 7)) & 1) === 0) {
      p++;
      continue;
    }
    let q = p + 1;
    while (q < pages && ((map[q >> 3] >> (q & 7)) & 1) !== 0) q++;
    const end = Math.min(q * PAGE_SIZE, len);
    u8.set(r.bytes(end - p * PAGE_SIZE, `memory ${k} pages`), p * PAGE_SIZE);
    p = q;
  }
  return mem;
}

/**
 * The tags section (see `snapshot`): each tag an instance defines made again
 * from its module, once, and shared by every instance whose tag list names
 * it; each other tag re-linked from `imports` by the import name of an
 * instance that imports it (a `Tag` of the same type), else a new tag of the
 * saved type. Then every instance's tag index space.
 */
function readTags(c: Ctx, imports: RestoreImports): TagInst[] {
  const { r, instances } = c;
  const nt = r.count('tag count', 5);
  const tags: (TagInst | null)[] = [];
  const hostTypes: (functype | null)[] = [];
  /** Where each defined tag is defined: "instance:index". */
  const defined = new Map<string, number>();
  for (let k = 0; k < nt; k++) {
    if (r.bool(`tag ${k} kind`)) {
      const n = r.count(`tag ${k} parameter count`, 4);
      const params: number[] = [];
      for (let j = 0; j < n; j++) {
        const p = r.u32(`tag ${k} parameter ${j}`);
        if (!isPortableType(p)) throw malformed(`tag ${k} parameter ${j}: type ${p}`);
        params.push(p);
      }
      tags.push(null);
      hostTypes.push({ params, results: [] });
    } else {
      const i = r.index(`tag ${k} instance`, instances.length);
      const inst = instances[i], m = inst.module.vm.module;
      const nImp = importedTagCount(inst);
      const at = r.u32(`tag ${k} index`);
      if (!(at >= nImp && at < nImp + m.tags.length) || defined.has(`${i}:${at}`)) throw malformed(`tag ${k}: instance ${i} defines no tag ${at}`);
      defined.set(`${i}:${at}`, k);
      tags.push(newTag(linkedFuncType(m.types[m.tags[at - nImp]]), typeIdsOf(m.types)[m.tags[at - nImp]]));
      hostTypes.push(null);
    }
  }
  const lists: number[][] = [];
  instances.forEach((inst, i) => {
    const m = inst.module.vm.module;
    const tagImports = m.imports.filter((x) => x.desc.kind === 'tag');
    const n = r.u32(`instance ${i} tag count`);
    if (n !== tagImports.length + m.tags.length) throw new SnapshotError('module_mismatch', `instance ${i} has ${n} tags, its module ${tagImports.length + m.tags.length}`);
    const list: number[] = [];
    for (let k = 0; k < n; k++) {
      const x = r.index(`instance ${i} tag ${k}`, nt);
      if (k >= tagImports.length ? defined.get(`${i}:${k}`) !== x : defined.get(`${i}:${k}`) !== undefined) throw malformed(`instance ${i} tag ${k}`);
      const typeidx = k < tagImports.length ? (tagImports[k].desc as { typeidx: number }).typeidx : m.tags[k - tagImports.length];
      const declared: functype = { params: m.types[typeidx].params, results: [] };
      const declaredId = typeIdsOf(m.types)[typeidx];
      if ((tags[x]?.typeId ?? typeIdOf(hostTypes[x]!)) !== declaredId) throw malformed(`instance ${i} tag ${k} has the wrong type`);
      if (k < tagImports.length && tags[x] === null) {
        // a tag from the host: the one the import object gives, by this import's name
        const imp = tagImports[k];
        const v = importsOf(imports, i)[imp.module]?.[imp.name];
        if (v instanceof Tag) {
          const given = internals(v);
          if (given.typeId !== declaredId) {
            throw new LinkError(`incompatible import type: "${imp.module}" "${imp.name}": tag type mismatch: expected ${funcTypeText(declared)}, got ${funcTypeText(given.type)}`, 'incompatible_import');
          }
          tags[x] = given;
        }
      }
      list.push(x);
    }
    lists.push(list);
  });
  const all = tags.map((t, k) => t ?? newTag(hostTypes[k]!, typeIdOf(hostTypes[k]!)));
  instances.forEach((inst, i) => { inst.tags = lists[i].map((x) => all[x]); });
  return all;
}

function readPaused(c: Ctx, sp: number, depth: number, nesting: number): Paused {
  const { r, store } = c;
  const metered = store.metered;
  const limits = store.limits;
  const reasonHost = r.bool('pause reason');
  const payload = reasonHost ? readData(r, 'the pause payload', true, 0) : new Trap('out_of_gas');
  const wasmFunc = (what: string): FuncInst => {
    const f = readRef(c, what);
    if (!(f instanceof FuncInst) || f.host) throw malformed(`${what} is not a wasm function`);
    return f;
  };
  const entry = wasmFunc('the called function');
  const base = r.u32('call base');
  const callDepth = r.u32('call depth');
  const callSp = r.u32('call stack top');
  const callNesting = r.u32('call nesting');
  const f = wasmFunc('the running function');
  const pc = r.u32('pc');
  const fp = r.u32('frame pointer');
  const actDepth = r.u32('activation depth');
  const entryDepth = r.u32('entry depth');
  const pendingGas = r.amount('pending gas', false);
  let host: { f: FuncInst; nfp: number } | null = null;
  if (r.bool('pending host call')) {
    const hf = readRef(c, 'the pausing host function');
    if (!(hf instanceof FuncInst) || !hf.host) throw malformed('the pausing function is not a host function');
    host = { f: hf, nfp: r.u32('host call frame') };
  }
  if (!reasonHost && host !== null) throw malformed('an out-of-gas pause with a host call');
  if (reasonHost && host === null) throw malformed('a host pause without its host call');
  if (callNesting !== 1 || nesting !== 1 || entryDepth !== callDepth + 1 || actDepth < entryDepth || actDepth > limits.maxCallDepth || depth > limits.maxCallDepth) {
    throw malformed('call depths');
  }
  // the compiled code the saved pcs and frame pointers refer to
  const frames = new Set<FuncInst>();
  const n = r.count('frame function count', 9);
  for (let k = 0; k < n; k++) {
    const g = wasmFunc('a frame function');
    const saved = r.str('code hash');
    if (frames.has(g)) throw malformed('frame function list');
    frames.add(g);
    if (codeHash(g, metered) !== saved) {
      const fi = g.instance!.module.vm.numImportedFuncs + g.codeIndex;
      throw new SnapshotError('code_mismatch', `function ${fi} of instance ${c.instances.indexOf(g.instance!)} compiles to other bytecode than when the snapshot was made (another detwasm version?)`);
    }
  }
  const inFrames = (g: FuncInst, what: string): FuncInst => {
    if (!frames.has(g)) throw malformed(`${what} is not in the frame function list`);
    return g;
  };
  inFrames(entry, 'the called function');
  inFrames(f, 'the running function');
  const slots = r.count('value stack size', 4, limits.maxValueStack);
  if (slots > store.stack.length) store.growStack(slots);
  const S = store.stack;
  const raw = r.bytes(4 * slots, 'value stack');
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let k = 0; k < slots; k++) S[k] = dv.getInt32(4 * k, true);
  // frames: each pc the start of an instruction, each frame inside the saved stack, callers below callees
  const starts = new Map<FuncInst, Uint8Array>();
  const checkFrame = (g: FuncInst, at: number, framePtr: number, what: string) => {
    const cf = compiledOf(g);
    let s = starts.get(g);
    if (s === undefined) {
      s = recordStarts(cf.code);
      starts.set(g, s);
    }
    if (!(at < cf.code.length && s[at] === 1)) throw malformed(`${what}: pc ${at} is not an instruction of its function`);
    if (framePtr + cf.frameSlots > slots) throw malformed(`${what}: the frame is outside the saved value stack`);
  };
  let lastFp = base;
  for (let d = entryDepth; d < actDepth; d++) {
    const rpc = r.i32(`frame ${d} pc`), rfp = r.i32(`frame ${d} fp`), rgas = r.i32(`frame ${d} gas`);
    const g = inFrames(wasmFunc(`frame ${d} function`), `frame ${d} function`);
    if (rfp < lastFp || (d === entryDepth && (rfp !== base || g !== entry)) || rgas < 0) throw malformed(`frame ${d}`);
    checkFrame(g, rpc, rfp, `frame ${d}`);
    store.callStack[3 * d] = rpc;
    store.callStack[3 * d + 1] = rfp;
    store.callStack[3 * d + 2] = rgas;
    store.callFns[d] = g;
    lastFp = rfp;
  }
  if (fp < lastFp || (actDepth === entryDepth && (fp !== base || f !== entry))) throw malformed('the running frame');
  checkFrame(f, pc, fp, 'the running frame');
  if (host !== null) {
    const t = host.f.type;
    if (host.nfp < fp || host.nfp + 2 * Math.max(t.params.length, t.results.length) > slots) throw malformed('the host call frame');
  }
  store.sp = sp;
  store.depth = depth;
  store.nesting = nesting;
  const act = new Activation(f, pc, fp, actDepth, entryDepth, pendingGas, null);
  return restorePaused(store, {
    f: entry, base, depth: callDepth, sp: callSp, nesting: callNesting, async: false,
    act, host, reason: reasonHost ? 'host' : 'out_of_gas', payload,
  });
}
