/**
 * The determinism policy and the feature flags (src/config.ts), as the
 * validator applies them. A module using floats, SIMD or threads with the flag
 * off gets a `PolicyError`. With `floats` on, floats run deterministically
 * (NaNs canonicalized, src/interpreter/isa.ts); SIMD and threads have no
 * execution mode: with their flag on a module gets `CompileError('unsupported')`.
 */
import { CompileError, InvalidError, PolicyError } from '../errors.js';
import { DEFAULT_FEATURES, type Features } from '../config.js';
import {
  CONCRETE, EXNREF, EXTERNREF, F32, F64, FUNCREF, I32, I64, NON_NULL, V128, concreteIndex, isRefType, valtypeName,
} from '../decoder/valtype.js';


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
  /** `numTypes`: the module's number of types (concrete reference types must name one). */
  constructor(
    readonly features: Features,
    readonly numTypes = 0,
  ) {}

  /**
   * Records a use of f32/f64 by instruction `op` (`what 0x<op>`). SPEED: the
   * message is built for the first use only, not for every float instruction.
   */
  floatOp(what: string, op: number, offset?: number, funcIndex?: number): void {
    if (this.floatWhat === null) this.float(`${what} 0x${op.toString(16)}`, offset, funcIndex);
  }

  /** Records a use of f32/f64 (the first one is reported). */
  float(what: string, offset?: number, funcIndex?: number): void {
    if (this.floatWhat !== null) return;
    this.floatWhat = what;
    this.floatOffset = offset;
    this.floatFunc = funcIndex;
  }

  /** Throws the deferred float rejection (floats off): a `PolicyError` for the first float use. */
  finish(): void {
    if (this.floatWhat !== null && !this.features.floats) rejectFloats(this.floatWhat, this.floatOffset, this.floatFunc);
  }

  /**
   * Checks a value type used as a value (parameter, result, local, global,
   * block type, select type): i32/i64 always; funcref/externref with
   * reference types; exnref and (ref exn) with exceptions; other reference
   * types with a heap type with function references (a concrete one must
   * name an existing type); f32/f64 recorded; v128 rejected.
   */
  valtype(t: number, what: string, offset?: number, funcIndex?: number): void {
    switch (t) {
      case I32:
      case I64:
        return;
      case F32:
      case F64:
        // SPEED: the message only for the first float use
        if (this.floatWhat === null) this.float(`${valtypeName(t)} ${what}`, offset, funcIndex);
        return;
      case V128:
        rejectSimd(this.features, `v128 ${what}`, offset, funcIndex);
      case FUNCREF:
      case EXTERNREF:
        if (!this.features.referenceTypes) rejectFeature('reference-types', `${valtypeName(t)} ${what}`, offset, funcIndex);
        return;
      case EXNREF:
        if (!this.features.exceptions) rejectFeature('exceptions', `exnref ${what}`, offset, funcIndex);
        return;
    }
    if (t >= NON_NULL) {
      if (!this.features.functionReferences) rejectFeature('function-references', `${valtypeName(t)} ${what}`, offset, funcIndex);
      if (t === EXNREF + NON_NULL && !this.features.exceptions) rejectFeature('exceptions', `${valtypeName(t)} ${what}`, offset, funcIndex);
      if (t >= CONCRETE) {
        const x = concreteIndex(t);
        if (x >= this.numTypes) throw new InvalidError(`unknown type ${x} (${what})`, offset, funcIndex);
        return;
      }
      if (t === FUNCREF + NON_NULL || t === EXTERNREF + NON_NULL || t === EXNREF + NON_NULL) return;
    }
    throw new InvalidError(`invalid value type 0x${t.toString(16)} (${what})`, offset, funcIndex);
  }

  /**
   * Checks a reference type (table element type, element segment type,
   * ref.null type): `valtype` plus being a reference; funcref is always
   * allowed here (MVP tables).
   */
  reftype(t: number, what: string, offset?: number, funcIndex?: number): void {
    if (!isRefType(t)) throw new InvalidError(`malformed reference type 0x${t.toString(16)} (${what})`, offset, funcIndex);
    if (t !== FUNCREF) this.valtype(t, what, offset, funcIndex); // funcref tables are MVP
  }
}
/** SPEED: keeps this class's object shape alive between modules (src/validator/README.md, "Object shapes"). */
export const KEPT_POLICY = new Policy(DEFAULT_FEATURES);
