/**
 * The engines the differential tests compare against the host's
 * WebAssembly: detwasm through its public API, metered (a gas budget makes a
 * hang impossible) and unmetered (the bytecode without gas instructions).
 */
import { detwasmAdapter } from './detwasm-adapter.js';
import type { EngineAdapter } from './exec-harness.js';

export const ENGINES_UNDER_TEST: EngineAdapter[] = [
  { ...detwasmAdapter({ gas: 1_000_000_000 }), name: 'detwasm (metered)' },
  { ...detwasmAdapter({ gas: null }), name: 'detwasm (unmetered)' },
];
