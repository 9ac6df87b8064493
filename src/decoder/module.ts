/**
 * The decoded module (spec 2.5 "Modules"), as the decoder hands it to the
 * validator. Names follow the spec's abstract syntax. Function bodies and
 * constant expressions are kept as instruction streams (see `opcodes.ts` for
 * their layout): immediates already decoded, so no later stage reads LEB128.
 */

/** A value type (encoding in `valtype.ts`). */
export type valtype = number;
/** A reference type (a `valtype` for which `isRefType` holds). */
export type reftype = number;

export { valtypeName } from './valtype.js';

/** spec 2.3.6 */
export interface functype {
  params: valtype[];
  results: valtype[];
}

/**
 * spec 2.3.7; `max` is undefined when absent. Values are u32 (0..2^32-1), or
 * u64 for 64-bit memories and tables, as numbers (exact below 2^53).
 */
export interface limits {
  min: number;
  max: number | undefined;
}

/** spec 2.3.8 (+ threads' `shared` flag, decoded so the policy can reject it). */
export interface memtype {
  limits: limits;
  shared: boolean;
  /** Address type i64 (memory64, limits flag bit 2); i32 otherwise. */
  is64: boolean;
  /** log2 of the page size in bytes (custom page sizes, limits flag bit 3); 16 (64 KiB) by default. */
  pageSizeLog2: number;
}

/** spec 2.3.9 */
export interface tabletype {
  limits: limits;
  elemtype: reftype;
  /** Address type i64 (table64, limits flag bit 2); i32 otherwise. */
  is64: boolean;
}

/** spec 2.3.10 */
export interface globaltype {
  valtype: valtype;
  mutable: boolean;
}

/** spec 2.5.11 */
export type importdesc =
  | { kind: 'func'; typeidx: number }
  | { kind: 'table'; type: tabletype }
  | { kind: 'memory'; type: memtype }
  | { kind: 'global'; type: globaltype }
  | { kind: 'tag'; typeidx: number };

export interface import_ {
  module: string;
  name: string;
  desc: importdesc;
  /** Byte offset of the import entry. */
  offset: number;
}

export type externkind = 'func' | 'table' | 'memory' | 'global' | 'tag';

/** spec 2.5.10 */
export interface export_ {
  name: string;
  kind: externkind;
  index: number;
  offset: number;
}

/**
 * A constant expression (spec 3.3.10): an instruction stream in the layout of
 * `opcodes.ts`, ending with `end`. `offset` is its byte offset in the binary.
 */
export interface expr {
  code: Int32Array;
  offset: number;
}

/** spec 2.5.6 */
export interface global {
  type: globaltype;
  init: expr;
  offset: number;
}

/** spec 2.5.7: element segment. */
export interface elem {
  type: reftype;
  mode: 'passive' | 'active' | 'declarative';
  /** For active segments. */
  table: number;
  /** For active segments. */
  offsetExpr: expr | null;
  /**
   * The initial values. For the function-index encodings (flags 0-3) `funcs`
   * holds the indices and `exprs` is null; for the expression encodings
   * (flags 4-7) `exprs` holds one constant expression per element.
   */
  funcs: Uint32Array | null;
  exprs: expr[] | null;
  /** Number of elements. */
  length: number;
  offset: number;
}

/** spec 2.5.8: data segment. */
export interface data {
  mode: 'passive' | 'active';
  memory: number;
  offsetExpr: expr | null;
  /** A view into the module binary. */
  init: Uint8Array;
  offset: number;
}

/**
 * A function body from the code section (spec 5.5.13). `locals` are the
 * declared locals run-length encoded as (count, valtype) pairs exactly as in the
 * binary; `numLocals` is their total (parameters excluded).
 */
export interface code {
  locals: Array<{ count: number; type: valtype }>;
  numLocals: number;
  /** The body's instructions (layout in `opcodes.ts`), ending with the final `end`. */
  body: Int32Array;
  /** Number of instructions in `body` (records, the final `end` included). */
  numInstrs: number;
  /** Byte offset of the body's size field, and the body's size in bytes. */
  offset: number;
  size: number;
}

export interface customsec {
  name: string;
  data: Uint8Array;
  offset: number;
}

/** spec 2.5: a decoded (not yet validated) module. */
export interface DecodedModule {
  types: functype[];
  imports: import_[];
  /** Type indices of the defined functions (function section). */
  funcs: number[];
  tables: tabletype[];
  /**
   * Per defined table: the initializer expression of the `0x40 0x00` table
   * form (typed function references), or null (elements start as null).
   */
  tableInits: (expr | null)[];
  mems: memtype[];
  /** Type indices of the defined tags (tag section, exception handling). */
  tags: number[];
  globals: global[];
  exports: export_[];
  start: number | null;
  elems: elem[];
  datas: data[];
  /** The data count section's value, or null when the section is absent. */
  dataCount: number | null;
  codes: code[];
  customs: customsec[];
  /** Size of the binary in bytes. */
  byteLength: number;
}
