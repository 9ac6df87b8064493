/**
 * Value types (spec 2.3 / 5.3), the one set of value-type constants every
 * stage uses. A `valtype` is a number:
 *
 * - number types and v128, and the nullable abstract reference types
 *   funcref, externref and exnref, are their binary encoding byte
 *   (`I32` = 0x7F ... `EXTERNREF` = 0x6F, `EXNREF` = 0x69);
 * - the non-nullable abstract reference types `(ref func)`, `(ref extern)`,
 *   `(ref exn)` are that byte plus `NON_NULL` (0x100);
 * - a reference to a concrete type index t (typed function references) is
 *   `CONCRETE + 2t` for `(ref null t)` and `CONCRETE + 2t + 1` for `(ref t)`.
 *
 * So a valtype below 0x100 is exactly a one-byte type of WebAssembly 2.0, and
 * two valtypes are the same type when they are the same number (concrete
 * types after `canonicalTypes`, see the validator).
 */

/** i32 (0x7F). */
export const I32 = 0x7f;
/** i64 (0x7E). */
export const I64 = 0x7e;
/** f32 (0x7D). */
export const F32 = 0x7d;
/** f64 (0x7C). */
export const F64 = 0x7c;
/** v128 (0x7B). */
export const V128 = 0x7b;
/** funcref = (ref null func) (0x70). */
export const FUNCREF = 0x70;
/** externref = (ref null extern) (0x6F). */
export const EXTERNREF = 0x6f;
/** exnref = (ref null exn) (0x69, exception handling). */
export const EXNREF = 0x69;
/** Added to a nullable abstract reference type's byte: the non-nullable form. */
export const NON_NULL = 0x100;
/** Base of the concrete reference types: `CONCRETE + 2 * typeidx + (nullable ? 0 : 1)`. */
export const CONCRETE = 0x10000;

/** Binary prefix bytes of a reference type with a heap type (5.3.3): `ref null ht` and `ref ht`. */
export const REF_NULL_PREFIX = 0x63;
export const REF_PREFIX = 0x64;

/** The abstract heap types of WebAssembly 3.0's GC proposal (any, eq, i31, struct, array, none, nofunc, noextern, noexn), by byte. */
export const GC_HEAP_TYPES: ReadonlySet<number> = new Set([0x6e, 0x6d, 0x6c, 0x6b, 0x6a, 0x71, 0x73, 0x72, 0x74]);

/** True for i32, i64, f32, f64. */
export function isNumType(t: number): boolean {
  return t === I32 || t === I64 || t === F32 || t === F64;
}

/** True for every reference type. */
export function isRefType(t: number): boolean {
  return t === FUNCREF || t === EXTERNREF || t === EXNREF || t >= NON_NULL;
}

/** True for a reference type that admits null. */
export function isNullable(t: number): boolean {
  return t < NON_NULL || (t >= CONCRETE && (t & 1) === 0);
}

/** The concrete type index of a concrete reference type, or -1. */
export function concreteIndex(t: number): number {
  return t >= CONCRETE ? (t - CONCRETE) >>> 1 : -1;
}

/** The reference type with abstract heap type `byte` (0x70 func, 0x6F extern, 0x69 exn). */
export function refOfAbstract(byte: number, nullable: boolean): number {
  return nullable ? byte : byte + NON_NULL;
}

/** `(ref null t)` or `(ref t)` for type index t. */
export function refOfIndex(typeidx: number, nullable: boolean): number {
  return CONCRETE + 2 * typeidx + (nullable ? 0 : 1);
}

/** The same reference type with null admitted (`nullable`) or not. */
export function withNullability(t: number, nullable: boolean): number {
  if (t >= CONCRETE) return nullable ? t & ~1 : t | 1;
  const byte = t & 0xff;
  return nullable ? byte : byte + NON_NULL;
}

/** The abstract heap type byte of an abstract reference type (funcref/(ref func) -> 0x70), or -1 for a concrete one. */
export function abstractHeap(t: number): number {
  return t >= CONCRETE ? -1 : t & 0xff;
}

/**
 * True for exnref and (ref exn): exception references, which have no JS
 * value (the JS API throws a TypeError wherever one would cross to or from JS).
 */
export function isExnRef(t: number): boolean {
  return isRefType(t) && abstractHeap(t) === EXNREF;
}

const ABSTRACT_NAMES: Record<number, string> = { 0x70: 'func', 0x6f: 'extern', 0x69: 'exn' };

/** The text-format name of a value type: 'i32', 'funcref', '(ref func)', '(ref null 3)'. */
export function valtypeName(t: number): string {
  switch (t) {
    case I32: return 'i32';
    case I64: return 'i64';
    case F32: return 'f32';
    case F64: return 'f64';
    case V128: return 'v128';
    case FUNCREF: return 'funcref';
    case EXTERNREF: return 'externref';
    case EXNREF: return 'exnref';
  }
  if (t === BOT_REF) return '(ref bot)';
  if (t >= CONCRETE) return `(ref ${t & 1 ? '' : 'null '}${concreteIndex(t)})`;
  if (t >= NON_NULL && ABSTRACT_NAMES[t - NON_NULL] !== undefined) return `(ref ${ABSTRACT_NAMES[t - NON_NULL]})`;
  return `valtype(0x${t.toString(16)})`;
}

/**
 * The bottom reference type `(ref bot)` of the validation algorithm (spec 3.0
 * appendix): what `ref.as_non_null` and the branch-on-null instructions give
 * for an operand of unknown type in unreachable code. A subtype of every
 * reference type.
 */
export const BOT_REF = NON_NULL;

/**
 * Reference subtyping without GC (spec 3.0, 3.3.3 "Matching"): `a` matches
 * `b` when they are equal, or both are reference types, `b` admits null if
 * `a` does, and a's heap type is b's, or a concrete (function) type when b's
 * is func, or concrete types whose canonical indices (`canon[typeidx]`,
 * equivalent types share one) agree. 0 (the unknown operand type of
 * unreachable code) matches everything.
 */
export function matchesType(a: number, b: number, canon: ArrayLike<number>): boolean {
  if (a === b || a === 0) return true;
  if (!isRefType(a) || !isRefType(b)) return false;
  if (isNullable(a) && !isNullable(b)) return false;
  if (a === BOT_REF) return true;
  const ca = concreteIndex(a);
  const cb = concreteIndex(b);
  if (cb >= 0) return ca >= 0 && canon[ca] === canon[cb];
  const hb = abstractHeap(b);
  if (ca >= 0) return hb === FUNCREF;
  return abstractHeap(a) === hb;
}
