/**
 * The engines the differential tests compare against the host's
 * WebAssembly: detwasm through its public API, metered (a gas budget makes a
 * hang impossible) and unmetered (the bytecode without gas instructions).
 *
 * The metered budget (10^12) is far above what a generated module can use
 * (work is bounded by the generator) but covers the largest dynamic charge
 * one bulk instruction can make (2^32 elements), so the comparison checks
 * that metering never changes results; running out of gas is tested apart.
 */
import { compatAdapter, detwasmAdapter } from './detwasm-adapter.js';
import type { EngineAdapter } from './exec-harness.js';

export const METERED_GAS = 1_000_000_000_000;

/**
 * detwasm engines run with floats on (float modules from `generateModule(seed, { floats: true })`)
 * and every WebAssembly 3.0 feature (`WASM3_OPTIONS`); other modules compile the same.
 */
const FLOATS = { features: { preset: '3.0', floats: true } };

export const ENGINES_UNDER_TEST: EngineAdapter[] = [
  { ...detwasmAdapter({ gas: METERED_GAS, config: FLOATS }), name: 'detwasm (metered)' },
  { ...detwasmAdapter({ gas: null, config: FLOATS }), name: 'detwasm (unmetered)' },
  compatAdapter(),
];

/**
 * A hang detector: the 'unit' schedule has no dynamic costs and charges 1 per
 * executed instruction, so 10^8 gas is far beyond any generated module; an
 * out_of_gas here where the host finished means detwasm would loop.
 */
export const HANG_GUARD: EngineAdapter = { ...detwasmAdapter({ gas: 100_000_000, config: { gas: 'unit', ...FLOATS } }), name: 'detwasm (unit-metered guard)' };
