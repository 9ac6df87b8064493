/**
 * Engine configuration: feature flags (the determinism policy), deterministic
 * resource limits, and the gas schedule override. Every stage reads its part
 * of the resolved configuration; nothing here depends on the host machine.
 */
import type { GasScheduleConfig } from './gas/schedule.js';

/** WebAssembly features. Post-MVP 2.0 features default to on; non-deterministic ones are off. */
export interface Features {
  /** i32/i64 extend8_s, extend16_s, extend32_s. */
  signExtension: boolean;
  /** Multiple results for functions and blocks, block parameters. */
  multiValue: boolean;
  /** memory.copy/fill/init, data.drop, table.copy/init, elem.drop, passive segments, data count. */
  bulkMemory: boolean;
  /** funcref/externref values, multiple tables, table.* instructions, ref.* instructions. */
  referenceTypes: boolean;
  /** Import and export of mutable globals. */
  mutableGlobals: boolean;
  /** Non-trapping float-to-int conversions (only meaningful with floats). */
  saturatingFloatToInt: boolean;
  /**
   * f32/f64 types and instructions. Off by default (a float module gets a
   * `PolicyError`). On, floats are deterministic: every NaN an arithmetic
   * instruction produces is the canonical NaN, and the bitwise instructions
   * keep payloads (src/interpreter/float.ts). `detwasm/compat` turns it on.
   */
  floats: boolean;
  /** v128 and SIMD instructions. Not deterministic; always rejected. */
  simd: boolean;
  /** Shared memories and atomics. Not deterministic; always rejected. */
  threads: boolean;
}

export const DEFAULT_FEATURES: Readonly<Features> = Object.freeze({
  signExtension: true,
  multiValue: true,
  bulkMemory: true,
  referenceTypes: true,
  mutableGlobals: true,
  saturatingFloatToInt: true,
  floats: false,
  simd: false,
  threads: false,
});

/**
 * Deterministic resource limits. Decode-time and validation-time limits give a
 * `LimitError` (a `CompileError`); run-time limits give a deterministic trap or
 * a failing `memory.grow`/`table.grow` (-1).
 */
export interface Limits {
  /** Size of the module binary in bytes. */
  maxModuleSize: number;
  maxTypes: number;
  /** Parameters or results of one function type. */
  maxFuncTypeArity: number;
  maxImports: number;
  maxExports: number;
  /** Functions, imported and defined. */
  maxFunctions: number;
  maxGlobals: number;
  maxTables: number;
  maxMemories: number;
  maxElemSegments: number;
  maxDataSegments: number;
  /** Elements in one element segment. */
  maxElemSegmentLength: number;
  /** Locals of one function, parameters included. */
  maxLocals: number;
  /** Size in bytes of one function body. */
  maxFunctionBodySize: number;
  /** Targets of one br_table. */
  maxBrTableTargets: number;
  /** Nesting of block/loop/if in one function. */
  maxControlDepth: number;
  /** Operand stack height (values) of one function, computed by the validator. */
  maxOperandStack: number;
  /**
   * Memory size in 64 KiB pages; memory.grow beyond it returns -1. The default
   * (1 GiB) is one every supported host can really allocate, so growth never
   * fails for a host-dependent reason (which would break determinism).
   */
  maxMemoryPages: number;
  /** Table size in elements; table.grow beyond it returns -1. */
  maxTableSize: number;
  /** Length of a custom section name or import/export name, in bytes. */
  maxNameLength: number;
  /** Depth of nested calls (wasm and host, re-entrant calls included) before `call_stack_exhausted`. */
  maxCallDepth: number;
  /** Size of the value stack in 32-bit slots before `call_stack_exhausted`. */
  maxValueStack: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxModuleSize: 64 * 1024 * 1024,
  maxTypes: 1_000_000,
  maxFuncTypeArity: 1000,
  maxImports: 100_000,
  maxExports: 100_000,
  maxFunctions: 1_000_000,
  maxGlobals: 1_000_000,
  maxTables: 100_000,
  maxMemories: 1,
  maxElemSegments: 100_000,
  maxDataSegments: 100_000,
  maxElemSegmentLength: 10_000_000,
  maxLocals: 50_000,
  maxFunctionBodySize: 7_654_321,
  maxBrTableTargets: 1_000_000,
  maxControlDepth: 50_000,
  maxOperandStack: 100_000,
  maxMemoryPages: 16384,
  maxTableSize: 10_000_000,
  maxNameLength: 100_000,
  maxCallDepth: 10_000,
  maxValueStack: 8 * 1024 * 1024,
});

/** What `new Engine(config)` accepts. Every field is optional. */
export interface EngineConfig {
  features?: Partial<Features>;
  limits?: Partial<Limits>;
  /** Gas schedule: 'default', 'unit', or overrides of the default schedule. */
  gas?: GasScheduleConfig;
}

/** The configuration with every default filled in. */
export interface ResolvedConfig {
  features: Features;
  limits: Limits;
  gas: GasScheduleConfig;
}

export function resolveConfig(config: EngineConfig = {}): ResolvedConfig {
  return {
    features: { ...DEFAULT_FEATURES, ...(config.features ?? {}) },
    limits: { ...DEFAULT_LIMITS, ...(config.limits ?? {}) },
    gas: config.gas ?? 'default',
  };
}
