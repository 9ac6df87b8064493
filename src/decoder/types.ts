/**
 * Types in the binary format (spec 5.3): value types, reference types,
 * function types, limits, memory/table/global types.
 */
import { LimitError } from '../errors.js';
import type { Limits } from '../config.js';
import type { functype, globaltype, limits, memtype, tabletype, valtype } from './module.js';
import { Reader } from './reader.js';
import { EXTERNREF, FUNCREF, I32, V128 } from './valtype.js';

/** numtype, vectype or reftype byte (5.3.1-5.3.4). */
export function isValtype(b: number): boolean {
  return (b >= V128 && b <= I32) || b === FUNCREF || b === EXTERNREF;
}

/** funcref or externref byte (5.3.3). */
export function isReftype(b: number): boolean {
  return b === FUNCREF || b === EXTERNREF;
}

export function readValtype(r: Reader): valtype {
  const at = r.pos;
  const b = r.u8();
  if (!isValtype(b)) r.fail(`malformed value type 0x${b.toString(16)}`, at);
  return b;
}

export function readReftype(r: Reader): number {
  const at = r.pos;
  const b = r.u8();
  if (!isReftype(b)) r.fail(`malformed reference type 0x${b.toString(16)}`, at);
  return b;
}

/**
 * functype (5.3.6): 0x60 vec(valtype) vec(valtype). The reference interpreter
 * reads the 0x60 as a one-byte signed LEB128 (-0x20), so a byte with the
 * continuation bit is an over-long encoding there (binary-leb128.wast).
 */
export function readFunctype(r: Reader, lim: Limits): functype {
  const at = r.pos;
  const tag = r.u8();
  if (tag !== 0x60) r.fail(tag & 0x80 ? 'integer representation too long: function type' : 'malformed function type', at);
  const params = resultType(r, lim);
  const results = resultType(r, lim);
  return { params, results };
}

function resultType(r: Reader, lim: Limits): valtype[] {
  const at = r.pos;
  const n = r.count();
  if (n > lim.maxFuncTypeArity) throw new LimitError('maxFuncTypeArity', lim.maxFuncTypeArity, n, at);
  const ts: valtype[] = new Array(n);
  for (let i = 0; i < n; i++) ts[i] = readValtype(r);
  return ts;
}

/**
 * limits (5.3.7) with the flags byte. Tables accept 0x00/0x01; memories also
 * the threads proposal's shared flags 0x02/0x03, decoded so that the
 * determinism policy (not the decoder) rejects shared memories. The reference
 * interpreter reads the flags as a LEB128 integer of 1 bit, hence its wording
 * for bad flags: too large a value first, then a continuation bit (binary.wast).
 */
function readLimits(r: Reader, allowShared: boolean): { limits: limits; shared: boolean } {
  const at = r.pos;
  const flags = r.u8();
  if ((flags & 0x7f) > (allowShared ? 3 : 1)) r.fail(`integer too large: limits flags 0x${flags.toString(16)}`, at);
  if (flags & 0x80) r.fail(`integer representation too long: limits flags 0x${flags.toString(16)}`, at);
  const min = r.u32();
  const max = flags & 1 ? r.u32() : undefined;
  return { limits: { min, max }, shared: (flags & 2) !== 0 };
}

/** tabletype (5.3.9): reftype limits. */
export function readTabletype(r: Reader): tabletype {
  const elemtype = readReftype(r);
  const { limits } = readLimits(r, false);
  return { limits, elemtype };
}

/** memtype (5.3.8). */
export function readMemtype(r: Reader): memtype {
  const { limits, shared } = readLimits(r, true);
  return { limits, shared };
}

/** globaltype (5.3.10): valtype mut, mut = 0x00 const | 0x01 var. */
export function readGlobaltype(r: Reader): globaltype {
  const valtype = readValtype(r);
  const at = r.pos;
  const m = r.u8();
  if (m > 1) r.fail('malformed mutability', at);
  return { valtype, mutable: m === 1 };
}
