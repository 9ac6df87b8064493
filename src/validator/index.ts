/**
 * The validator (spec chapter 3): `validate(module, config)`.
 */
import type { DecodedModule } from '../decoder/module.js';
import type { ResolvedConfig } from '../config.js';
import type { ValidatedModule, ValidateStats } from './types.js';

export type { ValidatedModule, ValidateStats, BlockSig } from './types.js';

/**
 * Validates a decoded module. Throws `InvalidError` (spec validation),
 * `PolicyError` (determinism policy / feature flags) or `LimitError`.
 * WORK IN PROGRESS: the signature is final; the body is being written.
 */
export function validate(module: DecodedModule, config: ResolvedConfig, stats?: ValidateStats): ValidatedModule {
  void module; void config; void stats;
  throw new Error('validate: not implemented yet');
}
