/**
 * Engine configuration: feature flags (the determinism policy), deterministic
 * resource limits, and the gas schedule override. Every stage reads its part
 * of the resolved configuration; nothing here depends on the host machine.
 */
import type { GasScheduleConfig } from './gas/schedule.js';

/**
 * WebAssembly features (the determinism policy and the proposals the engine
 * understands). A module using a switched-off feature gets a `PolicyError`
 * naming it. Floats, SIMD and threads are not deterministic: off in every
 * preset unless named.
 */
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
  /** return_call, return_call_indirect (and return_call_ref with function references). WebAssembly 3.0. */
  tailCall: boolean;
  /** i32/i64 add, sub, mul and global.get of earlier immutable globals in constant expressions. WebAssembly 3.0. */
  extendedConst: boolean;
  /** Several memories: memory indices on loads, stores, memory.* and data segments. WebAssembly 3.0. */
  multiMemory: boolean;
  /** 64-bit memories and tables (i64 addresses, sizes and offsets). WebAssembly 3.0. */
  memory64: boolean;
  /** Exception handling: tags, throw, throw_ref, try_table, exnref. WebAssembly 3.0. */
  exceptions: boolean;
  /** Typed function references: (ref $t), call_ref, ref.as_non_null, br_on_null/non_null, non-nullable locals. WebAssembly 3.0. */
  functionReferences: boolean;
  /** i64.add128, i64.sub128, i64.mul_wide_s/u (proposal, not part of 3.0). */
  wideArithmetic: boolean;
  /** Memory page sizes of 1 byte or 64 KiB declared in the memory type (proposal, not part of 3.0). */
  customPageSizes: boolean;
}

/** The standard versions a feature set can be pinned to. */
export type FeaturePreset = '1.0' | '2.0' | '3.0';

const NONE: Features = {
  signExtension: false, multiValue: false, bulkMemory: false, referenceTypes: false, mutableGlobals: true,
  saturatingFloatToInt: false, floats: false, simd: false, threads: false, tailCall: false, extendedConst: false,
  multiMemory: false, memory64: false, exceptions: false, functionReferences: false, wideArithmetic: false,
  customPageSizes: false,
};
const V2: Features = {
  ...NONE, signExtension: true, multiValue: true, bulkMemory: true, referenceTypes: true, saturatingFloatToInt: true,
};
const V3: Features = {
  ...V2, tailCall: true, extendedConst: true, multiMemory: true, memory64: true, exceptions: true, functionReferences: true,
};

/**
 * The feature set of each standard version, with floats, SIMD and threads off
 * (WebAssembly 1.0 includes the import/export of mutable globals; 3.0's GC,
 * relaxed SIMD and the legacy exception instructions are not supported and
 * have no switch).
 */
export const FEATURE_PRESETS: Readonly<Record<FeaturePreset, Readonly<Features>>> = Object.freeze({
  '1.0': Object.freeze(NONE),
  '2.0': Object.freeze(V2),
  '3.0': Object.freeze(V3),
});

/** The preset used when `features.preset` is not given. */
export const DEFAULT_PRESET: FeaturePreset = '2.0';

/** The default feature set (the `DEFAULT_PRESET`). */
export const DEFAULT_FEATURES: Readonly<Features> = FEATURE_PRESETS[DEFAULT_PRESET];

/**
 * What `EngineConfig.features` accepts: an optional preset, then per-feature
 * overrides, e.g. `{ preset: '3.0', floats: true, tailCall: false }`.
 */
export type FeaturesConfig = Partial<Features> & { preset?: FeaturePreset };

/**
 * The feature set of `config`: its preset (default `DEFAULT_PRESET`) with its
 * overrides applied. Throws a TypeError naming an unknown feature or preset,
 * or a feature whose value is not a boolean.
 */
export function resolveFeatures(config: FeaturesConfig = {}): Features {
  if (typeof config !== 'object' || config === null) throw new TypeError('features: expected an object');
  const preset = config.preset ?? DEFAULT_PRESET;
  const base = FEATURE_PRESETS[preset as FeaturePreset];
  if (!Object.prototype.hasOwnProperty.call(FEATURE_PRESETS, preset) || base === undefined) {
    throw new TypeError(`features: unknown preset ${JSON.stringify(preset)} (valid presets: ${Object.keys(FEATURE_PRESETS).join(', ')})`);
  }
  const out: Features = { ...base };
  for (const key of Object.keys(config)) {
    if (key === 'preset') continue;
    if (!Object.prototype.hasOwnProperty.call(NONE, key)) {
      throw new TypeError(`features: unknown feature "${key}" (valid features: preset, ${Object.keys(NONE).join(', ')})`);
    }
    const v = (config as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw new TypeError(`features: ${key} must be true or false, got ${typeof v}`);
    (out as unknown as Record<string, boolean>)[key] = v;
  }
  return out;
}

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
  /** Memories, imported and defined (more than one needs the multiMemory feature). */
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

/** The default limits (the README's Limits table lists them). */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxModuleSize: 64 * 1024 * 1024,
  maxTypes: 1_000_000,
  maxFuncTypeArity: 1000,
  maxImports: 100_000,
  maxExports: 100_000,
  maxFunctions: 1_000_000,
  maxGlobals: 1_000_000,
  maxTables: 100_000,
  maxMemories: 100,
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

/** The keys `new Engine(config)` accepts. */
export const ENGINE_CONFIG_KEYS: readonly string[] = ['features', 'limits', 'gas'];

/** What `new Engine(config)` accepts. Every field is optional. */
export interface EngineConfig {
  /** A preset ('1.0', '2.0', '3.0'; default `DEFAULT_PRESET`) and per-feature overrides. */
  features?: FeaturesConfig;
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

/**
 * Fills in the defaults. Throws a `TypeError` for an unknown key in the
 * configuration or in `limits` (see `checkKeys`); `features` and `gas` are
 * checked where they are resolved.
 */
export function resolveConfig(config: EngineConfig = {}): ResolvedConfig {
  checkKeys(config, ENGINE_CONFIG_KEYS, 'Engine config');
  checkKeys(config.limits, Object.keys(DEFAULT_LIMITS), 'Engine config limits');
  return {
    features: resolveFeatures(config.features),
    limits: { ...DEFAULT_LIMITS, ...(config.limits ?? {}) },
    gas: config.gas ?? 'default',
  };
}

/**
 * Checks an options object of the public API: every own enumerable key of
 * `obj` must be one of `validKeys`, else a `TypeError` names the key, `where`
 * it was found and the valid keys (with the closest one when the key looks
 * misspelled), e.g. "Engine config limits: unknown key 'maxMemoryPage' (did
 * you mean 'maxMemoryPages'?); valid keys: maxModuleSize, ...". `undefined`
 * (an omitted options object) passes; anything else that is not an object is
 * a `TypeError`. Keys whose value is `undefined` count too: a misspelled key
 * is a mistake whatever its value.
 */
export function checkKeys(obj: unknown, validKeys: readonly string[], where: string): void {
  if (obj === undefined) return;
  if (obj === null || typeof obj !== 'object') throw new TypeError(`${where} must be an object, got ${obj === null ? 'null' : typeof obj}`);
  for (const key of Object.keys(obj)) {
    if (validKeys.includes(key)) continue;
    const near = closestKey(key, validKeys);
    const hint = near === undefined ? '' : ` (did you mean '${near}'?)`;
    throw new TypeError(`${where}: unknown key '${key}'${hint}; valid keys: ${validKeys.join(', ')}`);
  }
}

/** The valid key nearest to `key` (case-insensitive edit distance at most 2, or a case-only difference), if any. */
function closestKey(key: string, validKeys: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of validKeys) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance (insert, delete, substitute: 1 each). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
