/**
 * Exception handling (WebAssembly 3.0, the standard `exnref` form): tags and
 * exceptions, as the JS API describes them (`WebAssembly.Tag`,
 * `WebAssembly.Exception`; `detwasm/compat` exposes these classes under
 * those names).
 *
 * An exception is one `Exception` object from `throw` to wherever it is
 * caught: a wasm `try_table` handler (the object is the exnref that
 * `catch_ref` / `catch_all_ref` give and `throw_ref` rethrows, by identity),
 * or JS code around a call into wasm, where it arrives as the thrown value
 * itself. A host function throwing an `Exception` throws it into wasm, where
 * handlers see it like one thrown by `throw`. Anything else a host function
 * throws depends on the store's `hostErrors`: with 'trap' (the core default)
 * it is a `Trap` (code `host`), which no handler catches (traps are not
 * exceptions); with 'propagate' (the compat store) it is, as in the JS API,
 * an exception with tag `JSTag` and the thrown value as its externref
 * payload, which `catch $jstag`, `catch_all` and the `_ref` forms catch, and
 * which leaves wasm for JS as the original value again. A `Trap` thrown by a
 * host function passes through every handler either way. Unwinding, the
 * search for a handler across frames, is in exec.template.ts (`unwind`).
 *
 * The payload is kept as the interpreter's value words while the exception
 * stays in the store that threw it (no conversion when wasm catches it) and
 * converted to JS values when JS asks (`getArg`) or when it enters another
 * store.
 */
import type { functype, valtype } from '../decoder/module.js';
import { checkKeys } from '../config.js';
import { EXNREF, EXTERNREF, abstractHeap, isExnRef, isRefType, valtypeName } from '../decoder/valtype.js';
import { parseValtype, typeIdOf } from './runtime.js';
import { ExnInst, TagInst, type StoreState } from './instances.js';
import { readValue, writePayloadValue } from './values.js';

/** The type of a tag, as the JS API's `WebAssembly.Tag` constructor takes it: the exception's parameters. */
export interface TagType {
  /** Value type names of the payload ('i32', 'i64', 'f32', 'f64', 'funcref', 'externref'). */
  parameters: string[];
}

/**
 * A tag (spec 4.2.x "tag instances"; JS API `WebAssembly.Tag`): a handle to
 * a tag instance (instances.ts `TagInst`), the identity an exception is
 * matched by and the types of its payload. Made by `new Tag(type)` or by
 * instantiating a module that defines one; exported and imported like the
 * other extern values.
 */
export class Tag {
  /** @internal The tag instance (read it with runtime.ts `internals`). */
  private readonly inst: TagInst;
  constructor(type: TagType) {
    checkKeys(type, ['parameters'], 'Tag type');
    const ps = type?.parameters;
    if (ps === undefined || ps === null || typeof (ps as unknown as Iterable<string>)[Symbol.iterator] !== 'function') {
      throw new TypeError('Tag: parameters must be a sequence of value types');
    }
    const ft: functype = { params: Array.from(ps, (p) => parseValtype(String(p))), results: [] };
    this.inst = new TagInst(ft, typeIdOf(ft));
    this.inst.handle = this;
  }
  /**
   * The tag's type (the JS API's type reflection): `{ parameters }`, value
   * type names as the constructor takes them. A typed reference parameter of
   * a module's tag is named by its heap type ('funcref', 'externref',
   * 'exnref'; the module's type index means nothing outside it).
   */
  type(): TagType {
    return { parameters: this.inst.type.params.map(jsTypeName) };
  }
  get [Symbol.toStringTag](): string {
    return 'WebAssembly.Tag';
  }
}

/** The public `Tag` of a tag instance (made on first use, then always the same object). */
export function tagHandle(t: TagInst): Tag {
  if (t.handle !== null) return t.handle;
  const h = Object.create(Tag.prototype) as { inst: TagInst };
  h.inst = t;
  t.handle = h as unknown as Tag;
  return t.handle;
}

/**
 * A tag instance of a module instance: payload types `type` from the module
 * in module-independent terms (types.ts `linkedFuncType`), `typeId` their
 * structural id (types.ts `typeIdsOf`).
 */
export function newTag(type: functype, typeId: number): TagInst {
  return new TagInst({ params: type.params.slice(), results: [] }, typeId);
}

/** A value type's JS API name (Tag.type): a numeric type's text-format name; a reference type by its heap type's abstract type. */
function jsTypeName(t: valtype): string {
  if (!isRefType(t)) return valtypeName(t);
  const heap = abstractHeap(t);
  return heap === EXTERNREF ? 'externref' : heap === EXNREF ? 'exnref' : 'funcref';
}

/** The tag instance of `JSTag`. */
const jsTag: TagInst = newTag({ params: [EXTERNREF], results: [] }, typeIdOf({ params: [EXTERNREF], results: [] }));

/**
 * `WebAssembly.JSTag`: the tag of the exceptions a JS value thrown by a host
 * function becomes inside wasm in a store with `hostErrors: 'propagate'` (see
 * the file comment); its one parameter is the externref thrown. A module
 * imports it to catch such exceptions by tag. `new Exception(JSTag, ...)` is a
 * TypeError, as in the JS API.
 */
export const JSTag: Tag = tagHandle(jsTag);

/**
 * An exception (JS API `WebAssembly.Exception`): a handle to an exception
 * instance (instances.ts `ExnInst`), a tag and its payload.
 * `new Exception(tag, payload)` makes one in JS (the payload converted to the
 * tag's types, TypeError when a value does not convert); wasm's `throw` makes
 * one too. Thrown out of wasm to JS as it is (an uncaught wasm exception is
 * this object, never a crash and never a `Trap`).
 */
export class Exception {
  /** @internal The exception instance (read it with runtime.ts `internals`). */
  private readonly inst: ExnInst;
  /** JS API `traceStack`: a stack trace string when asked for, else undefined. */
  readonly stack: string | undefined;
  constructor(tag: Tag, payload: Iterable<unknown>, options?: { traceStack?: boolean }) {
    if (!(tag instanceof Tag)) throw new TypeError('Exception: the first argument must be a WebAssembly.Tag');
    if (tag['inst'] === jsTag) throw new TypeError('Exception: the tag cannot be WebAssembly.JSTag (only a value JS throws into wasm has it)');
    if (payload === null || payload === undefined || typeof (payload as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError('Exception: the payload must be a sequence');
    }
    const values = Array.from(payload);
    const t = tag['inst'];
    const ps = t.type.params;
    if (values.length !== ps.length) throw new TypeError(`Exception: the tag has ${ps.length} parameters, the payload ${values.length} values`);
    if (ps.some(isExnRef)) throw new TypeError('Exception: an exnref payload value cannot come from JS');
    const e = new ExnInst(t, this);
    // convert now: a value that does not convert is a TypeError here (JS API), and JS values are normalized
    const w = new Int32Array(2 * ps.length);
    for (let i = 0; i < ps.length; i++) writePayloadValue(null, w, 2 * i, ps[i], values[i]);
    e.values = ps.map((p, i) => (isRefType(p) ? values[i] : readValue(null as unknown as StoreState, w, 2 * i, p)));
    this.inst = e;
    this.stack = options?.traceStack === true ? new Error().stack : undefined;
  }
  /** Whether the exception has tag `tag` (JS API). */
  is(tag: Tag): boolean {
    if (!(tag instanceof Tag)) throw new TypeError('Exception.is: expected a WebAssembly.Tag');
    return this.inst.tag === tag['inst'];
  }
  /** Payload value `index` (JS API): TypeError when `tag` is not the exception's tag, RangeError when out of range. */
  getArg(tag: Tag, index: number): unknown {
    if (!(tag instanceof Tag)) throw new TypeError('Exception.getArg: expected a WebAssembly.Tag');
    if (tag['inst'] !== this.inst.tag) throw new TypeError('Exception.getArg: the exception does not have this tag');
    const vs = exnValues(this.inst);
    const i = Number(index);
    if (!Number.isInteger(i) || i < 0 || i >= vs.length) throw new RangeError(`Exception.getArg: index ${String(index)} out of range`);
    return vs[i];
  }
  get [Symbol.toStringTag](): string {
    return 'WebAssembly.Exception';
  }
}

/** An exception thrown by wasm's `throw`: tag `tag`, the payload words of `store`; its public `Exception`. */
export function newException(tag: TagInst, words: Int32Array, store: StoreState): Exception {
  const x = Object.create(Exception.prototype) as { inst: ExnInst; stack: undefined };
  const e = new ExnInst(tag, x as unknown as Exception);
  e.words = words;
  e.store = store;
  x.inst = e;
  x.stack = undefined;
  return x as unknown as Exception;
}

/** The payload of `e` as JS values. */
export function exnValues(e: ExnInst): unknown[] {
  if (e.values === null) {
    const ps = e.tag.type.params, w = e.words!;
    e.values = ps.map((t, i) => readValue(e.store as StoreState, w, 2 * i, t));
  }
  return e.values;
}

/** The payload of `e` as value words of `store` (converted when the exception comes from JS or another store). */
export function exnWordsIn(e: ExnInst, store: StoreState): Int32Array {
  if (e.words !== null && e.store === store) return e.words;
  const ps = e.tag.type.params, vs = exnValues(e);
  const w = new Int32Array(2 * ps.length);
  for (let i = 0; i < ps.length; i++) writePayloadValue(store, w, 2 * i, ps[i], vs[i]);
  return w;
}

/** What value `e` thrown by a host function becomes in wasm (see the file comment): an exception with tag `JSTag` and payload `[e]`. */
export function exnFromJS(e: unknown): Exception {
  const x = Object.create(Exception.prototype) as { inst: ExnInst; stack: undefined };
  const inst = new ExnInst(jsTag, x as unknown as Exception);
  inst.values = [e];
  x.inst = inst;
  x.stack = undefined;
  return x as unknown as Exception;
}

/** What exception `x` is when it leaves wasm for JS: the value JS threw for a `JSTag` one (`exnFromJS`), else itself. */
export function exnToJS(x: Exception): unknown {
  const e = x['inst'];
  return e.tag === jsTag ? exnValues(e)[0] : x;
}
