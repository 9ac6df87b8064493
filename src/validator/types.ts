/**
 * What validation hands to the compiler: the decoded module plus everything
 * validation computes anyway (spec 3.4 "Modules": the context C).
 */
import type { DecodedModule, functype, globaltype, memtype, tabletype, valtype } from '../decoder/module.js';

export interface ValidatedModule {
  module: DecodedModule;
  /** Type of every function in the function index space, imports first (C.funcs). */
  funcTypes: functype[];
  /** Type index of every function in the function index space, imports first. */
  funcTypeIndices: Uint32Array;
  /** Number of imported functions, tables, memories, globals (they come first in each index space). */
  numImportedFuncs: number;
  numImportedTables: number;
  numImportedMems: number;
  numImportedGlobals: number;
  /** Type of every global in the global index space, imports first (C.globals). */
  globalTypes: globaltype[];
  /** Type of every table in the table index space, imports first (C.tables). */
  tableTypes: tabletype[];
  /** Type of every memory in the memory index space, imports first (C.mems). */
  memTypes: memtype[];
  /**
   * Per defined function (index into `module.codes`): maximum operand-stack
   * height in values (locals and parameters not counted).
   */
  maxStackHeights: Uint32Array;
  /** Per defined function: maximum nesting of block/loop/if (the function body itself not counted). */
  maxControlDepths: Uint32Array;
  /**
   * Declared function references (spec 3.4.10 C.refs): `refs[f] === 1` when
   * function f may be the operand of `ref.func` inside a function body.
   */
  refs: Uint8Array;
}

/** Parameter and result types of a blocktype (as encoded in instruction streams, see opcodes.ts). */
export interface BlockSig {
  params: readonly valtype[];
  results: readonly valtype[];
}

/** Statistics a caller can ask `validate` to fill (work counter for linearity tests). */
export interface ValidateStats {
  /** Instructions and other units of work processed. */
  steps: number;
}
