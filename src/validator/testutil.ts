/**
 * Test helpers: WAT -> binary with wabt (no wabt validation, so invalid
 * modules can be built), then decode and validate.
 */
import { decode } from '../decoder/index.js';
import { resolveConfig, type EngineConfig, type Limits } from '../config.js';
import { validate } from './index.js';
import type { ValidatedModule, ValidateStats } from './types.js';

type Wabt = {
  parseWat(name: string, text: Uint8Array, features?: Record<string, boolean>): {
    toBinary(o: object): { buffer: Uint8Array };
    destroy(): void;
  };
};

let wabtPromise: Promise<Wabt> | undefined;
export function loadWabt(): Promise<Wabt> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  wabtPromise ??= (require('wabt') as () => Promise<Wabt>)();
  return wabtPromise;
}

/** Every wabt feature on, so wabt accepts whatever the policy must reject. */
export const WABT_FEATURES: Record<string, boolean> = {
  exceptions: false,
  mutable_globals: true,
  sat_float_to_int: true,
  sign_extension: true,
  simd: true,
  threads: true,
  multi_value: true,
  tail_call: false,
  bulk_memory: true,
  reference_types: true,
  annotations: false,
  gc: false,
  memory64: false,
  multi_memory: true,
  extended_const: false,
};

export async function wat(text: string): Promise<Uint8Array> {
  const wabt = await loadWabt();
  const m = wabt.parseWat('test.wat', new Uint8Array(Buffer.from(text, 'utf8')), WABT_FEATURES);
  try {
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}

/** Decodes and validates a WAT module. */
export async function validateWat(text: string, config: EngineConfig = {}, stats?: ValidateStats): Promise<ValidatedModule> {
  const c = resolveConfig(config);
  return validate(decode(await wat(text), c.limits), c, stats);
}

/** The error validating a WAT module throws; fails the test when it validates. */
export async function errorOf(text: string, config: EngineConfig = {}): Promise<Error> {
  try {
    await validateWat(text, config);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`module unexpectedly validated:\n${text}`);
}

/** Decodes with the default limits, then validates with `limits`, so the validator's own limit checks are what is tested. */
export async function validateWatWithLimits(text: string, limits: Partial<Limits>): Promise<ValidatedModule> {
  const c = resolveConfig({ limits });
  return validate(decode(await wat(text)), c);
}
