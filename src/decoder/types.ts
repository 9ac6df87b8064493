/**
 * Types in the binary format (spec 5.3): value types, reference and heap
 * types, function types, limits, memory/table/global/tag types. Value types
 * are numbers as described in `valtype.ts`.
 *
 * GC types (rec groups, subtypes, struct and array types, the GC abstract
 * heap types) are a `PolicyError('gc')`: the engine has no switch for them.
 */
import { LimitError, PolicyError } from '../errors.js';
import type { Limits } from '../config.js';
import type { functype, globaltype, limits, memtype, tabletype, valtype } from './module.js';
import { Reader } from './reader.js';
import {
  CONCRETE, EXNREF, EXTERNREF, FUNCREF, GC_HEAP_TYPES, I32, NON_NULL, REF_NULL_PREFIX, REF_PREFIX, V128,
} from './valtype.js';

/** One-byte value types of WebAssembly 2.0 (numtype, vectype, funcref, externref; 5.3.1-5.3.4). */
export function isValtype(b: number): boolean {
  return (b >= V128 && b <= I32) || b === FUNCREF || b === EXTERNREF;
}

/** Rejects a GC type or heap type (no switch: always a PolicyError). */
export function rejectGc(what: string, offset: number): never {
  throw new PolicyError('gc', `${what} requires the gc feature, which is not supported`, offset);
}

/**
 * heaptype (5.3.3): an abstract heap type byte (func 0x70, extern 0x6F,
 * exn 0x69) or a non-negative s33 type index. Returns the reference type
 * with that heap type and the given nullability.
 */
export function readHeaptype(r: Reader, nullable: boolean): valtype {
  const at = r.pos;
  const b = r.peek();
  if (b >= 0x40 && b < 0x80) {
    r.pos++;
    if (b === FUNCREF || b === EXTERNREF || b === EXNREF) return nullable ? b : b + NON_NULL;
    if (GC_HEAP_TYPES.has(b)) rejectGc(`heap type 0x${b.toString(16)}`, at);
    r.fail(`malformed reference type 0x${b.toString(16)}`, at);
  }
  const x = r.s33();
  if (x < 0) r.fail('malformed heap type', at);
  // a type index of 2^30 or more cannot be in range (maxTypes); keep it out of range
  const t = Math.min(x, 0x3fffffff);
  return CONCRETE + 2 * t + (nullable ? 0 : 1);
}

/**
 * valtype (5.3.1-5.3.4) whose first byte `b` was already read at `at`:
 * a one-byte type, exnref, or `0x63 ht` (ref null ht) / `0x64 ht` (ref ht).
 * Returns -1 when `b` starts no value type (the caller reports it).
 */
export function valtypeAfter(r: Reader, b: number, at: number): valtype {
  if (isValtype(b) || b === EXNREF) return b;
  if (b === REF_NULL_PREFIX) return readHeaptype(r, true);
  if (b === REF_PREFIX) return readHeaptype(r, false);
  if (GC_HEAP_TYPES.has(b)) rejectGc(`reference type 0x${b.toString(16)}`, at);
  return -1;
}

export function readValtype(r: Reader): valtype {
  const at = r.pos;
  const b = r.u8();
  if (b >= V128 && b <= I32) return b; // SPEED: number types first
  const t = valtypeAfter(r, b, at);
  if (t < 0) r.fail(`malformed value type 0x${b.toString(16)}`, at);
  return t;
}

export function readReftype(r: Reader): valtype {
  const at = r.pos;
  const b = r.u8();
  const t = valtypeAfter(r, b, at);
  if (t < 0 || (t < NON_NULL && t !== FUNCREF && t !== EXTERNREF && t !== EXNREF)) {
    r.fail(`malformed reference type 0x${b.toString(16)}`, at);
  }
  return t;
}

/**
 * functype (5.3.6): 0x60 vec(valtype) vec(valtype). The reference interpreter
 * reads the 0x60 as a one-byte signed LEB128 (-0x20), so a byte with the
 * continuation bit is an over-long encoding there (binary-leb128.wast).
 * The GC forms of a type section entry (rec 0x4E, sub 0x50, sub final 0x4F,
 * struct 0x5F, array 0x5E) are a PolicyError('gc').
 */
export function readFunctype(r: Reader, lim: Limits): functype {
  const at = r.pos;
  const tag = r.u8();
  if (tag !== 0x60) {
    if (tag === 0x4e || tag === 0x50 || tag === 0x4f || tag === 0x5f || tag === 0x5e) {
      rejectGc(`type section entry 0x${tag.toString(16)} (${GC_TYPE_FORMS[tag]})`, at);
    }
    r.fail(tag & 0x80 ? 'integer representation too long: function type' : 'malformed function type', at);
  }
  const params = resultType(r, lim);
  const results = resultType(r, lim);
  return { params, results };
}
const GC_TYPE_FORMS: Record<number, string> = { 0x4e: 'rec group', 0x50: 'sub type', 0x4f: 'final sub type', 0x5f: 'struct type', 0x5e: 'array type' };

function resultType(r: Reader, lim: Limits): valtype[] {
  const at = r.pos;
  const n = r.count();
  if (n > lim.maxFuncTypeArity) throw new LimitError('maxFuncTypeArity', lim.maxFuncTypeArity, n, at);
  const ts: valtype[] = new Array(n);
  for (let i = 0; i < n; i++) ts[i] = readValtype(r);
  return ts;
}

/** Limits flag bits (5.3.7 with threads, memory64 and custom-page-sizes). */
const HAS_MAX = 1;
const SHARED = 2;
const IS_64 = 4;
const PAGE_SIZE = 8;

/**
 * limits (5.3.7) with the flags byte: bit 0 a maximum follows, bit 1 shared
 * (threads; memories only, decoded so that the policy rejects it), bit 2
 * 64-bit address type (memory64/table64: u64 sizes), bit 3 a page size
 * exponent follows (custom page sizes; memories only). The validator checks
 * that the features are on. The reference interpreter reads the flags as a
 * LEB128 integer, hence its wording for bad flags: too large a value first,
 * then a continuation bit (binary.wast).
 */
function readLimits(r: Reader, allowed: number, wide: boolean): { limits: limits; flags: number; pageSizeLog2: number } {
  const at = r.pos;
  const flags = r.u8();
  if ((flags & 0x7f & ~allowed) !== 0) r.fail(`integer too large: limits flags 0x${flags.toString(16)}`, at);
  if (flags & 0x80) r.fail(`integer representation too long: limits flags 0x${flags.toString(16)}`, at);
  let min: number;
  let max: number | undefined;
  if (flags & IS_64 || wide) {
    min = u64Number(r);
    max = flags & HAS_MAX ? u64Number(r) : undefined;
  } else {
    min = r.u32();
    max = flags & HAS_MAX ? r.u32() : undefined;
  }
  let pageSizeLog2 = 16;
  if (flags & PAGE_SIZE) {
    const pAt = r.pos;
    pageSizeLog2 = r.u32();
    if (pageSizeLog2 > 64) r.fail('invalid custom page size', pAt);
  }
  return { limits: { min, max }, flags, pageSizeLog2 };
}

const halves = [0, 0];
/** A u64 as a number (exact below 2^53). */
function u64Number(r: Reader): number {
  r.u64(halves);
  return (halves[1] >>> 0) * 0x100000000 + (halves[0] >>> 0);
}

/**
 * tabletype (5.3.9): reftype limits (flags 0x00/0x01, and 0x04/0x05 for
 * table64). `wide`: sizes are u64 LEB128 for every address type, as in 3.0
 * (the validator bounds them); otherwise u32 for 32-bit ones, as in 2.0.
 */
export function readTabletype(r: Reader, wide = false): tabletype {
  const elemtype = readReftype(r);
  const { limits, flags } = readLimits(r, HAS_MAX | IS_64, wide);
  return { limits, elemtype, is64: (flags & IS_64) !== 0 };
}

/** memtype (5.3.8); `wide` as for `readTabletype`. */
export function readMemtype(r: Reader, wide = false): memtype {
  const { limits, flags, pageSizeLog2 } = readLimits(r, HAS_MAX | SHARED | IS_64 | PAGE_SIZE, wide);
  return { limits, shared: (flags & SHARED) !== 0, is64: (flags & IS_64) !== 0, pageSizeLog2 };
}

/** globaltype (5.3.10): valtype mut, mut = 0x00 const | 0x01 var. */
export function readGlobaltype(r: Reader): globaltype {
  const valtype = readValtype(r);
  const at = r.pos;
  const m = r.u8();
  if (m > 1) r.fail('malformed mutability', at);
  return { valtype, mutable: m === 1 };
}

/** tagtype (exception handling, 5.3.x): attribute 0x00 (exception), then a type index. */
export function readTagtype(r: Reader): number {
  const at = r.pos;
  const attr = r.u8();
  if (attr !== 0) r.fail(`malformed tag attribute 0x${attr.toString(16)}`, at);
  return r.u32();
}
