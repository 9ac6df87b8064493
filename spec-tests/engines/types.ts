/**
 * The engine adapter interface: everything the runner needs from a
 * WebAssembly implementation. Two backends implement it: `native` (the host's
 * own `WebAssembly`) and `detwasm`.
 */
import type { WastValue } from '../wast.js';

/** What kind of failure an engine error is, in the terms of the spec scripts. */
export type ErrorKind =
  | 'malformed'
  | 'invalid'
  | 'policy'
  | 'limit'
  /** a compile error the engine does not classify further (native) */
  | 'compile'
  | 'link'
  | 'trap'
  /** an uncaught wasm exception (exception handling) */
  | 'exception'
  /**
   * the call cannot be expressed through the engine's JS API (native: v128
   * signatures), or the engine cannot run the module yet (detwasm with
   * floats on: float instructions, `CompileError('unsupported')`)
   */
  | 'unsupported'
  /** anything else: a bug in the engine or the runner */
  | 'other';

export interface ClassifiedError {
  kind: ErrorKind;
  /**
   * For traps: the detwasm trap codes (see src/errors.ts `TrapCode`) the error
   * may stand for. One code for detwasm; native engines are vaguer.
   */
  trapCodes: string[];
  /** For policy errors: the rejected feature. */
  feature?: string;
  message: string;
  /** The error's reason in the spec's words, without location (detwasm `CompileError.reason`), when known. */
  reason?: string;
}

export type Imports = Record<string, Record<string, unknown>>;

export interface EngineAdapter {
  readonly name: string;
  /**
   * A reference backend (native): what its JS API cannot express (v128
   * values, NaN payloads) is skipped instead of failed.
   */
  readonly reference: boolean;
  /** True when the engine must reject floats/SIMD/threads (detwasm): accepting such a module is a failure. */
  readonly enforcesPolicy: boolean;
  /** False when malformed and invalid modules raise the same error (native). */
  readonly distinguishesMalformed: boolean;
  /** False when v128 values cannot be passed to or returned from exports. */
  readonly supportsV128: boolean;
  /** False when NaN payloads do not survive the trip through JS numbers. */
  readonly preservesNaNPayloads: boolean;
  /** True when the engine accepts float modules (native; detwasm with `floats`): using floats is then no policy violation. */
  readonly allowsFloats: boolean;
  /** Compiles (decodes and validates) a binary. */
  compile(bytes: Uint8Array): unknown;
  /** Instantiates a compiled module (runs the start function). */
  instantiate(module: unknown, imports: Imports): unknown;
  /** The instance's exports in the form another instantiation accepts as an import module. */
  exports(instance: unknown): Record<string, unknown>;
  /** The `spectest` host module (a fresh one per script). */
  spectest(): Record<string, unknown>;
  /** Calls an exported function and returns its results as a list. */
  invoke(instance: unknown, name: string, args: WastValue[], resultCount: number): unknown[];
  /** Reads an exported global. */
  get(instance: unknown, name: string): unknown;
  classify(error: unknown): ClassifiedError;
  /** Gas charged so far in a metered run (undefined when unmetered or not supported). */
  gasUsed?(): number | undefined;
}
