/**
 * The determinism policy and the feature flags (src/config.ts), as the
 * validator applies them. With `floats` off a module using f32/f64 gets a
 * `PolicyError`; with it on, float modules are accepted (floats run
 * deterministically: every NaN an arithmetic instruction produces is
 * canonical, see src/interpreter/float.ts), except float instructions in
 * function bodies while the execution loop has none (`FLOAT_INSTRUCTIONS`).
 * SIMD and threads are never executed: with their flag off a module using
 * them gets a `PolicyError`; with the flag on `CompileError('unsupported')`.
 */
import { CompileError, InvalidError, PolicyError } from '../errors.js';
import { DEFAULT_FEATURES, type Features } from '../config.js';
import { valtypeName } from '../decoder/module.js';

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export const FUNCREF = 0x70;
export const EXTERNREF = 0x6f;

/**
 * Whether the execution loop runs float instructions (arithmetic,
 * comparisons, conversions, float loads/stores and constants in function
 * bodies). While false, a module with `floats` on whose function bodies use
 * one gets `CompileError('unsupported')` at validation, never an error from
 * the compiler; float value types (params, results, locals, globals, block
 * and select types) and float constants in constant expressions are accepted.
 */
export const FLOAT_INSTRUCTIONS = false;

/** A module uses f32/f64 with floats off (`what` says where). Never returns. */
export function rejectFloats(what: string, offset?: number, funcIndex?: number): never {
  throw new PolicyError('floats', `${what} rejected by the determinism policy (floats)`, offset, funcIndex);
}

/** A module uses v128 or a SIMD instruction. Never returns. */
export function rejectSimd(f: Features, what: string, offset?: number, funcIndex?: number): never {
  if (f.simd) throw new CompileError('unsupported', `SIMD not supported: ${what}`, offset, funcIndex);
  throw new PolicyError('simd', `${what} rejected by the determinism policy (simd)`, offset, funcIndex);
}

/** A module uses a shared memory or an atomic instruction. Never returns. */
export function rejectThreads(f: Features, what: string, offset?: number, funcIndex?: number): never {
  if (f.threads) throw new CompileError('unsupported', `threads not supported: ${what}`, offset, funcIndex);
  throw new PolicyError('threads', `${what} rejected by the determinism policy (threads)`, offset, funcIndex);
}

/** A switched-off feature is used. Never returns. */
export function rejectFeature(feature: string, what: string, offset?: number, funcIndex?: number): never {
  throw new PolicyError(feature, `${what} requires the ${feature} feature, which is disabled`, offset, funcIndex);
}

/**
 * Applies the policy while a module is validated. Floats are typed like any
 * other value so that an invalid module is reported as invalid; a float
 * rejection is recorded at the first use and thrown by `finish()` once the
 * module is otherwise valid. SIMD and threads are rejected on sight.
 */
export class Policy {
  private floatWhat: string | null = null;
  private floatOffset: number | undefined;
  private floatFunc: number | undefined;
  private instrWhat: string | null = null;
  private instrOffset: number | undefined;
  private instrFunc: number | undefined;
  constructor(readonly features: Features) {}

  /**
   * Records a use of f32/f64 (the first one is reported). A use with a
   * `funcIndex` is a float instruction in that function's body (value types
   * go through `valtype`); one without is a float constant in a constant
   * expression.
   */
  float(what: string, offset?: number, funcIndex?: number): void {
    if (funcIndex !== undefined && this.instrWhat === null) {
      this.instrWhat = what;
      this.instrOffset = offset;
      this.instrFunc = funcIndex;
    }
    this.floatType(what, offset, funcIndex);
  }

  private floatType(what: string, offset?: number, funcIndex?: number): void {
    if (this.floatWhat !== null) return;
    this.floatWhat = what;
    this.floatOffset = offset;
    this.floatFunc = funcIndex;
  }

  /**
   * Throws the deferred float rejection: with floats off, a `PolicyError` for
   * the first float use; with floats on, `CompileError('unsupported')` for
   * the first float instruction while `FLOAT_INSTRUCTIONS` is false.
   */
  finish(): void {
    if (this.floatWhat === null) return;
    if (!this.features.floats) rejectFloats(this.floatWhat, this.floatOffset, this.floatFunc);
    if (!FLOAT_INSTRUCTIONS && this.instrWhat !== null) {
      throw new CompileError('unsupported', `float instructions are not executable yet: ${this.instrWhat}`, this.instrOffset, this.instrFunc);
    }
  }

  /**
   * Checks a value type used as a value (parameter, result, local, global,
   * block type, select type): i32/i64 always; funcref/externref with
   * reference types; f32/f64 recorded; v128 rejected.
   */
  valtype(t: number, what: string, offset?: number, funcIndex?: number): void {
    switch (t) {
      case I32:
      case I64:
        return;
      case F32:
      case F64:
        this.floatType(`${valtypeName(t)} ${what}`, offset, funcIndex);
        return;
      case V128:
        rejectSimd(this.features, `v128 ${what}`, offset, funcIndex);
      case FUNCREF:
      case EXTERNREF:
        if (!this.features.referenceTypes) rejectFeature('reference-types', `${valtypeName(t)} ${what}`, offset, funcIndex);
        return;
      default:
        throw new InvalidError(`invalid value type 0x${t.toString(16)} (${what})`, offset, funcIndex);
    }
  }
}

/**
 * SPEED: one Policy that is never freed. V8 drops an object
 * shape (map) once no object has it, and with it all optimized code that
 * embeds the shape ("weak objects" deoptimization): without this, every
 * garbage collection after the last module was compiled threw away the
 * optimized decoder and validator, which then ran unoptimized until V8
 * optimized them again.
 */
export const KEPT_POLICY = new Policy(DEFAULT_FEATURES);

/** Checks the element type of a table or element segment. */
export function checkRefType(t: number, f: Features, what: string, offset?: number, funcIndex?: number): void {
  if (t === FUNCREF) return;
  if (t === EXTERNREF) {
    if (!f.referenceTypes) rejectFeature('reference-types', `externref ${what}`, offset, funcIndex);
    return;
  }
  throw new InvalidError(`malformed reference type 0x${t.toString(16)} (${what})`, offset, funcIndex);
}

export function isNumType(t: number): boolean {
  return t === I32 || t === I64 || t === F32 || t === F64;
}

export function isRefType(t: number): boolean {
  return t === FUNCREF || t === EXTERNREF;
}
