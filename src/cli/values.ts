/**
 * Command-line values ↔ WebAssembly values, by value type: i32 as a JS number,
 * i64 as a bigint (the JS API's conventions), references as null.
 */
import { valtypeName, type valtype } from '../decoder/module.js';
import { EXTERNREF, FUNCREF, I32, I64 } from '../decoder/valtype.js';
import { UsageError } from './args.js';

const INTEGER = /^([+-]?)(0x[0-9a-f]+(?:_[0-9a-f]+)*|[0-9]+(?:_[0-9]+)*)$/i;

/** Parses a decimal or 0x-hex integer, with optional sign and `_` separators. */
function parseInteger(text: string): bigint | null {
  const m = INTEGER.exec(text);
  if (!m) return null;
  const magnitude = BigInt(m[2].replace(/_/g, ''));
  return m[1] === '-' ? -magnitude : magnitude;
}

/**
 * Converts one argument to the value of type `type`. Integers may be given
 * signed or unsigned (i32: -2^31 .. 2^32-1; i64: -2^63 .. 2^64-1); they wrap
 * to the type's bit pattern the way the spec's text format reads them.
 */
export function parseValue(text: string, type: valtype, position: string): unknown {
  const name = valtypeName(type);
  switch (type) {
    case I32:
    case I64: {
      const bits = type === I32 ? 32 : 64;
      const v = parseInteger(text);
      if (v === null) throw new UsageError(`${position}: expected an ${name} integer, got "${text}"`);
      if (v < -(1n << BigInt(bits - 1)) || v >= 1n << BigInt(bits)) {
        throw new UsageError(`${position}: ${text} does not fit in ${name}`);
      }
      return bits === 32 ? Number(BigInt.asIntN(32, v)) : BigInt.asIntN(64, v);
    }
    case FUNCREF:
    case EXTERNREF:
      if (text !== 'null') throw new UsageError(`${position}: only "null" can be passed as ${name}`);
      return null;
    default:
      throw new UsageError(`${position}: values of type ${name} cannot be passed from the command line`);
  }
}

export function parseValues(texts: readonly string[], params: readonly valtype[], func: string): unknown[] {
  if (texts.length !== params.length) {
    const sig = params.map(valtypeName).join(', ');
    throw new UsageError(
      `${func} expects ${params.length} argument${params.length === 1 ? '' : 's'} (${sig}), got ${texts.length}`,
    );
  }
  return texts.map((t, i) => parseValue(t, params[i], `argument ${i + 1} of ${func}`));
}

/** The results of a call as returned by the API: undefined, one value or an array. */
export function resultList(result: unknown, arity: number): unknown[] {
  if (arity === 0) return [];
  if (arity === 1) return [result];
  return Array.isArray(result) ? result : [result];
}

export function formatValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint' || typeof v === 'number') return v.toString();
  if (typeof v === 'function') return `<funcref ${v.name || '?'}>`;
  return `<${typeof v}>`;
}

/** JSON-safe form: i64 as a decimal string. */
export function jsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' || v === null) return v;
  return formatValue(v);
}

export function formatFuncType(params: readonly valtype[], results: readonly valtype[]): string {
  const list = (ts: readonly valtype[]) => `(${ts.map(valtypeName).join(', ')})`;
  return `${list(params)} -> ${list(results)}`;
}
