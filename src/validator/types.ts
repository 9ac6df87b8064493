/**
 * What validation hands to the later stages: the decoded module and its
 * index spaces (spec 3.4 "Modules": the parts of the context C the compiler
 * and the instantiation read).
 */
import type { DecodedModule } from '../decoder/module.js';
import type { IndexSpaces } from '../decoder/spaces.js';

/** A module that passed validation, with its index spaces (imports first). */
export interface ValidatedModule extends IndexSpaces {
  module: DecodedModule;
}

/** Statistics a caller can ask `validate` to fill (work counter for linearity tests). */
export interface ValidateStats {
  /** Instructions and other units of work processed. */
  steps: number;
}
