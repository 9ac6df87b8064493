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
 * throws stays a `Trap` (code `host`), which no handler catches (traps are
 * not exceptions). Unwinding, the search for a handler across frames, is in
 * exec.template.ts (`unwind`).
 *
 * The payload is kept as the interpreter's value words while the exception
 * stays in the store that threw it (no conversion when wasm catches it) and
 * converted to JS values when JS asks (`getArg`) or when it enters another
 * store.
 */
import type { functype, valtype } from '../decoder/module.js';
import { checkKeys } from '../config.js';
import { isRefType } from '../decoder/valtype.js';
import { parseValtype } from './runtime.js';
import type { StoreState } from './instances.js';
import { readValue, writePayloadValue } from './values.js';

/** The type of a tag, as the JS API's `WebAssembly.Tag` constructor takes it: the exception's parameters. */
export interface TagType {
  /** Value type names of the payload ('i32', 'i64', 'f32', 'f64', 'funcref', 'externref'). */
  parameters: string[];
}

/**
 * A tag (spec 4.2.x "tag instances"): the identity an exception is matched
 * by and the types of its payload. Made by `new Tag(type)` (JS API
 * `WebAssembly.Tag`) or by instantiating a module that defines one; exported
 * and imported like the other extern values.
 */
export class Tag {
  /** The payload types (a function type without results). */
  readonly _type: functype;
  constructor(type: TagType) {
    checkKeys(type, ['parameters'], 'Tag type');
    const ps = type?.parameters;
    if (ps === undefined || ps === null || typeof (ps as unknown as Iterable<string>)[Symbol.iterator] !== 'function') {
      throw new TypeError('Tag: parameters must be a sequence of value types');
    }
    this._type = { params: Array.from(ps, (p) => parseValtype(String(p))), results: [] };
  }
  /** A tag of a module instance (payload types from the module). */
  static _of(type: functype): Tag {
    const t = Object.create(Tag.prototype) as { _type: functype };
    t._type = { params: type.params.slice(), results: [] };
    return t as Tag;
  }
  get [Symbol.toStringTag](): string {
    return 'WebAssembly.Tag';
  }
}

/**
 * An exception (JS API `WebAssembly.Exception`): a tag and its payload.
 * `new Exception(tag, payload)` makes one in JS (the payload converted to the
 * tag's types, TypeError when a value does not convert); wasm's `throw` makes
 * one too. Thrown out of wasm to JS as it is (an uncaught wasm exception is
 * this object, never a crash and never a `Trap`).
 */
export class Exception {
  /** The tag. */
  readonly _tag: Tag;
  /** The payload as value words (two per value) in `_store`'s terms, or null until needed. */
  _words: Int32Array | null = null;
  /** The store whose reference ids `_words` uses (null: made in JS, `_words` has no references). */
  _store: StoreState | null = null;
  /** The payload as JS values, or null until asked for. */
  _values: unknown[] | null = null;
  /** JS API `traceStack`: a stack trace string when asked for, else undefined. */
  readonly stack: string | undefined;
  constructor(tag: Tag, payload: Iterable<unknown>, options?: { traceStack?: boolean }) {
    if (!(tag instanceof Tag)) throw new TypeError('Exception: the first argument must be a WebAssembly.Tag');
    if (payload === null || payload === undefined || typeof (payload as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError('Exception: the payload must be a sequence');
    }
    const values = Array.from(payload);
    const ps = tag._type.params;
    if (values.length !== ps.length) throw new TypeError(`Exception: the tag has ${ps.length} parameters, the payload ${values.length} values`);
    this._tag = tag;
    // convert now: a value that does not convert is a TypeError here (JS API), and JS values are normalized
    const w = new Int32Array(2 * ps.length);
    for (let i = 0; i < ps.length; i++) writePayloadValue(null, w, 2 * i, ps[i], values[i]);
    this._values = ps.map((t, i) => (isRefType(t) ? values[i] : readValue(null as unknown as StoreState, w, 2 * i, t)));
    this.stack = options?.traceStack === true ? new Error().stack : undefined;
  }
  /** An exception thrown by wasm's `throw`: the payload words of `store`. */
  static _fromWasm(tag: Tag, words: Int32Array, store: StoreState): Exception {
    const e = Object.create(Exception.prototype) as Exception & { _tag: Tag; stack: undefined };
    e._tag = tag;
    e._words = words;
    e._store = store;
    e._values = null;
    e.stack = undefined;
    return e;
  }
  /** Whether the exception has tag `tag` (JS API). */
  is(tag: Tag): boolean {
    if (!(tag instanceof Tag)) throw new TypeError('Exception.is: expected a WebAssembly.Tag');
    return this._tag === tag;
  }
  /** Payload value `index` (JS API): TypeError when `tag` is not the exception's tag, RangeError when out of range. */
  getArg(tag: Tag, index: number): unknown {
    if (!(tag instanceof Tag)) throw new TypeError('Exception.getArg: expected a WebAssembly.Tag');
    if (tag !== this._tag) throw new TypeError('Exception.getArg: the exception does not have this tag');
    const vs = this._jsValues();
    const i = Number(index);
    if (!Number.isInteger(i) || i < 0 || i >= vs.length) throw new RangeError(`Exception.getArg: index ${String(index)} out of range`);
    return vs[i];
  }
  /** The payload as JS values. */
  _jsValues(): unknown[] {
    if (this._values === null) {
      const ps = this._tag._type.params, w = this._words!;
      this._values = ps.map((t, i) => readValue(this._store as StoreState, w, 2 * i, t));
    }
    return this._values;
  }
  /** The payload as value words of `store` (converted when the exception comes from JS or another store). */
  _wordsIn(store: StoreState): Int32Array {
    if (this._words !== null && this._store === store) return this._words;
    const ps = this._tag._type.params, vs = this._jsValues();
    const w = new Int32Array(2 * ps.length);
    for (let i = 0; i < ps.length; i++) writePayloadValue(store, w, 2 * i, ps[i], vs[i]);
    return w;
  }
  get [Symbol.toStringTag](): string {
    return 'WebAssembly.Exception';
  }
}
