/**
 * An independent check that a module really uses a feature the determinism
 * policy or the engine rejects (floats, SIMD, threads; GC, relaxed SIMD and
 * the legacy exception instructions), so that a `PolicyError` from the
 * engine is only accepted as a reason to skip when the runner can confirm it.
 * Text modules are scanned token by token (comments and strings never count,
 * identifiers like `$f32` neither); binary modules are disassembled with wabt
 * and the text is scanned the same way.
 */
import { tokenize } from './lexer.js';
import { WABT_FEATURES, type Wabt } from './wat2wasm.js';
import type { WastModule } from './wast.js';

export type PolicyFeature = 'floats' | 'simd' | 'threads' | 'gc' | 'relaxed-simd' | 'legacy-exceptions';

/** Keywords of the GC proposal (types, heap types, instructions) that detwasm rejects as 'gc'. */
const GC_KEYWORDS = new Set([
  'rec', 'sub', 'final', 'struct', 'array', 'field', 'mut', 'i8', 'i16',
  'any', 'eq', 'i31', 'none', 'nofunc', 'noextern', 'noexn',
  'anyref', 'eqref', 'i31ref', 'structref', 'arrayref', 'nullref', 'nullfuncref', 'nullexternref', 'nullexnref',
  'ref.eq', 'ref.i31', 'ref.test', 'ref.cast', 'br_on_cast', 'br_on_cast_fail', 'any.convert_extern', 'extern.convert_any',
]);
const GC_PREFIX = /^(?:struct|array|i31)\./;
/** Legacy exception instructions (try/catch/delegate form). */
const LEGACY_EH = new Set(['try', 'delegate', 'rethrow']); // (catch, catch_all also name try_table's clauses)

const SIMD_SHAPE = /^(?:v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)(?:[._]|$)/;
/** f32/f64 as a whole word inside a keyword: `f32`, `f64.add`, `i32.trunc_f32_s`, `i64.reinterpret_f64`. */
const FLOAT_WORD = /(?:^|[._])f(?:32|64)(?:[._]|$)/;

/** The policy features a keyword token belongs to. */
export function keywordFeatures(keyword: string): PolicyFeature[] {
  if (keyword.startsWith('$') || keyword.startsWith('"')) return [];
  const found: PolicyFeature[] = [];
  if (SIMD_SHAPE.test(keyword) || /\bv128\b/.test(keyword)) found.push('simd');
  else if (FLOAT_WORD.test(keyword)) found.push('floats');
  if (keyword === 'shared' || keyword.includes('atomic')) found.push('threads');
  if (keyword.includes('relaxed')) found.push('relaxed-simd');
  if ((GC_KEYWORDS.has(keyword) && keyword !== 'mut') || GC_PREFIX.test(keyword)) found.push('gc');
  if (LEGACY_EH.has(keyword)) found.push('legacy-exceptions');
  return found;
}

/** The policy features used by the module text (UTF-8 bytes of a `(module ...)` form). */
export function textFeatures(text: Uint8Array): Set<PolicyFeature> {
  const features = new Set<PolicyFeature>();
  for (const t of tokenize(text)) {
    if (t.kind !== 'atom') continue;
    for (const f of keywordFeatures(t.text)) features.add(f);
  }
  return features;
}

/** The policy features used by a binary module; null when wabt cannot read it. */
export function binaryFeatures(wabt: Wabt, binary: Uint8Array): Set<PolicyFeature> | null {
  let text: string;
  let mod: ReturnType<Wabt['readWasm']> | undefined;
  try {
    mod = wabt.readWasm(binary, { readDebugNames: false, ...WABT_FEATURES, threads: true });
    text = mod.toText({ foldExprs: false, inlineExport: false });
  } catch {
    return null;
  } finally {
    mod?.destroy();
  }
  return textFeatures(new Uint8Array(Buffer.from(text, 'utf8')));
}

/** The policy features of a script module (`bytes`: its binary); null when wabt cannot read a binary module. */
export function moduleFeatures(wabt: Wabt, mod: WastModule, bytes: Uint8Array): Set<PolicyFeature> | null {
  return mod.source.kind === 'text' ? textFeatures(mod.source.bytes) : binaryFeatures(wabt, bytes);
}
