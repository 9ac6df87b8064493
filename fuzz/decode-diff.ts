/**
 * Differential decoding/validation: detwasm's accept/reject of a binary vs
 * the host's `WebAssembly.validate`, modulo the determinism policy and the
 * post-2.0 proposals the host supports and detwasm (a 2.0 engine) rejects.
 *
 * Both "modulo" cases are checked independently with wabt's binary reader:
 *   - a PolicyError must come with a module that really uses f32/f64/v128 or
 *     shared memory/atomics (wabt disassembles it and we look for those tokens);
 *   - a host-accepted module detwasm rejects as malformed/invalid is "expected"
 *     only when wabt rejects it with 2.0 features but accepts it with the later
 *     proposals (exceptions, tail calls, extended-const, ...) switched on;
 *   - a PolicyError naming a post-2.0 proposal the configuration has off is a
 *     feature-flag rejection, expected when the host accepts (the host
 *     implements that proposal; wabt cannot tell, e.g. an empty tag section
 *     reads as valid with 2.0 features).
 */
import { decode } from '../src/decoder/index.js';
import { validate } from '../src/validator/index.js';
import { resolveConfig, ResolvedConfig } from '../src/config.js';
import { CompileError, PolicyError } from '../src/errors.js';

export type DetwasmVerdict =
  | { kind: 'accept' }
  | { kind: 'malformed' | 'invalid' | 'policy' | 'limit' | 'unsupported'; message: string; feature?: string }
  | { kind: 'crash'; message: string };

const CONFIG: ResolvedConfig = resolveConfig();

/** Runs detwasm's front end (decode + validate) on the bytes. */
export function detwasmVerdict(bytes: Uint8Array): DetwasmVerdict {
  try {
    validate(decode(bytes, CONFIG.limits), CONFIG);
    return { kind: 'accept' };
  } catch (e) {
    if (e instanceof CompileError) {
      const kind = e.code as 'malformed' | 'invalid' | 'policy' | 'limit' | 'unsupported';
      return { kind, message: e.message, feature: e instanceof PolicyError ? e.feature : undefined };
    }
    const err = e as Error;
    return { kind: 'crash', message: `${err?.name}: ${err?.message}\n${err?.stack?.split('\n').slice(1, 4).join('\n')}` };
  }
}

type WabtModule = { toText(o: object): string; validate(): void; destroy(): void };
type WabtApi = { readWasm(b: Uint8Array, o: Record<string, boolean>): WabtModule };

const FEATURES_2_0 = {
  mutable_globals: true, sat_float_to_int: true, sign_extension: true, multi_value: true,
  bulk_memory: true, reference_types: true, simd: true, threads: true,
  exceptions: false, tail_call: false, extended_const: false, function_references: false, gc: false,
  memory64: false, multi_memory: false, relaxed_simd: false,
};
const FEATURES_LATER = {
  ...FEATURES_2_0, exceptions: true, tail_call: true, extended_const: true, function_references: true,
  gc: true, memory64: true, multi_memory: true, relaxed_simd: true,
};

function wabtReads(wabt: WabtApi, bytes: Uint8Array, features: Record<string, boolean>): WabtModule | null {
  let m: WabtModule | null = null;
  try {
    m = wabt.readWasm(bytes, { readDebugNames: false, ...features });
    m.validate();
    return m;
  } catch {
    m?.destroy();
    return null;
  }
}

/**
 * 'yes' if the binary uses floats, SIMD or threads, 'no' if it provably does
 * not (wabt reads it and its text mentions none), 'unknown' if wabt cannot read it.
 */
export function usesRejectedFeature(wabt: WabtApi, bytes: Uint8Array): 'yes' | 'no' | 'unknown' {
  let m: WabtModule | null = null;
  try {
    m = wabt.readWasm(bytes, { readDebugNames: false, ...FEATURES_LATER, check: false });
    const text = m.toText({ foldExprs: false, inlineExport: false }).replace(/"(?:[^"\\]|\\.)*"/g, '""');
    return /f32|f64|v128|i8x16|i16x8|i32x4|i64x2|\bshared\b|atomic/.test(text) ? 'yes' : 'no';
  } catch {
    return 'unknown';
  } finally {
    m?.destroy();
  }
}

/** True when wabt says the module needs a post-2.0 proposal to be valid. */
export function needsLaterProposal(wabt: WabtApi, bytes: Uint8Array): boolean {
  const strict = wabtReads(wabt, bytes, FEATURES_2_0);
  if (strict) {
    strict.destroy();
    return false;
  }
  const later = wabtReads(wabt, bytes, FEATURES_LATER);
  if (later) {
    later.destroy();
    return true;
  }
  return false;
}

export type Classification =
  | { status: 'agree'; detwasm: DetwasmVerdict['kind']; v8: boolean }
  | { status: 'expected'; reason: string; detwasm: DetwasmVerdict['kind']; v8: boolean }
  | { status: 'finding'; reason: string; detwasm: DetwasmVerdict; v8: boolean }
  /** The host disagrees with detwasm, but wabt (2.0 features) agrees with detwasm: a host deviation, listed for review. */
  | { status: 'disputed'; reason: string; detwasm: DetwasmVerdict; v8: boolean };

/** wabt's verdict with exactly the 2.0 feature set (plus SIMD/threads, which only the policy rejects). */
export function wabtAccepts(wabt: WabtApi, bytes: Uint8Array): boolean {
  const m = wabtReads(wabt, bytes, FEATURES_2_0);
  m?.destroy();
  return m !== null;
}

/**
 * True when `feature` (a PolicyError's feature) names a post-2.0 proposal the
 * fuzzed configuration has off (exceptions, tail-call, ...) or one detwasm never
 * runs (legacy-exceptions, gc). The host implements these proposals, so it
 * accepts what detwasm rejects by its feature flags: not a disagreement. The
 * determinism policy's own features (floats, simd, threads) are checked
 * against the module's text instead (usesRejectedFeature).
 */
export function isLaterProposalOff(feature: string): boolean {
  if (feature === 'floats' || feature === 'simd' || feature === 'threads') return false;
  if (feature === 'legacy-exceptions' || feature === 'gc') return true;
  const key = feature.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()) as keyof typeof CONFIG.features;
  return key in CONFIG.features && CONFIG.features[key] === false;
}

/** Compares detwasm with the host on one binary. */
export function classify(wabt: WabtApi, bytes: Uint8Array<ArrayBuffer>): Classification {
  const d = detwasmVerdict(bytes);
  const v8 = WebAssembly.validate(bytes);
  if (d.kind === 'crash') return { status: 'finding', reason: 'detwasm threw a non-CompileError', detwasm: d, v8 };
  if (d.kind === 'policy') {
    const uses = usesRejectedFeature(wabt, bytes);
    if (uses === 'yes') return { status: 'expected', reason: 'policy: uses float/simd/threads', detwasm: d.kind, v8 };
    if (!v8 && uses === 'unknown') return { status: 'expected', reason: 'policy on a module nobody can read', detwasm: d.kind, v8 };
    if (!v8) return { status: 'expected', reason: 'policy on an invalid module (check order)', detwasm: d.kind, v8 };
    if (d.feature !== undefined && isLaterProposalOff(d.feature)) {
      return { status: 'expected', reason: `post-2.0 proposal off in detwasm's configuration (${d.feature})`, detwasm: d.kind, v8 };
    }
    return { status: 'finding', reason: `PolicyError (${d.feature}) but the module uses no float/simd/threads feature`, detwasm: d, v8 };
  }
  const accepted = d.kind === 'accept';
  if (accepted === v8) return { status: 'agree', detwasm: d.kind, v8 };
  if (!accepted && v8) {
    if (d.kind === 'limit') return { status: 'expected', reason: 'detwasm resource limit', detwasm: d.kind, v8 };
    if (needsLaterProposal(wabt, bytes)) return { status: 'expected', reason: 'post-2.0 proposal', detwasm: d.kind, v8 };
    // Known host leniency shared by V8 and wabt: an over-long (multi-byte) negative s33
    // blocktype read as 0x40/a valtype; spec 5.4.1 only allows type indices x >= 0 there.
    if (d.kind === 'malformed' && /malformed block type/.test(d.message)) {
      return { status: 'disputed', reason: 'host accepts an over-long negative s33 blocktype', detwasm: d, v8 };
    }
    if (!wabtAccepts(wabt, bytes)) return { status: 'disputed', reason: 'host accepts; detwasm and wabt reject', detwasm: d, v8 };
    return { status: 'finding', reason: 'host accepts, detwasm rejects', detwasm: d, v8 };
  }
  if (wabtAccepts(wabt, bytes)) return { status: 'disputed', reason: 'host rejects; detwasm and wabt accept', detwasm: d, v8 };
  return { status: 'finding', reason: 'host rejects, detwasm accepts', detwasm: d, v8 };
}
