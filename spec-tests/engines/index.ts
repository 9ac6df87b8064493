/** Engine adapters by name. */
import type { EngineAdapter } from './types.js';
import type { FeaturesConfig } from '../../src/config.js';
import { createNativeEngine } from './native.js';

export type EngineName = 'native' | 'detwasm';
export const ENGINE_NAMES: readonly EngineName[] = ['native', 'detwasm'];

export interface EngineOptions {
  /** Gas budget of every store (metered run); undefined = unmetered. */
  gas?: bigint;
  /** detwasm's feature configuration (default: the engine's default preset). */
  features?: FeaturesConfig;
  /** detwasm: run with `features.floats` on (float modules validate and run instead of being skipped by policy). */
  floats?: boolean;
}

export function createEngine(name: EngineName, options: EngineOptions = {}): EngineAdapter {
  switch (name) {
    case 'native':
      return createNativeEngine();
    case 'detwasm': {
      // Loaded on demand so the runner works (with native) while src/index.ts is incomplete.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createDetwasmEngine } = require('./detwasm.js') as typeof import('./detwasm.js');
      return createDetwasmEngine(options);
    }
  }
}
