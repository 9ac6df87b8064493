/**
 * The engines the differential tests compare against the host: detwasm
 * (once its public API exists) — see detwasm-adapter.ts.
 */
import type { EngineAdapter } from './exec-harness.js';

export const ENGINES_UNDER_TEST: EngineAdapter[] = [];
