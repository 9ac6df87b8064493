/**
 * detwasm: deterministic, gas-metered WebAssembly in pure TypeScript.
 * The public API (see DESIGN.md and README.md).
 */
export { Engine, Module } from './interpreter/engine.js';
export { callResumable, callAsync } from './interpreter/resume.js';
export { snapshot, restore, SNAPSHOT_VERSION } from './interpreter/snapshot.js';
export type { Restored, RestoreImports } from './interpreter/snapshot.js';
export type { ResumableCall, Finished, Paused } from './interpreter/resume.js';
export { formatStep } from './interpreter/profile.js';
export type { GasProfile, FunctionGas, TraceStep } from './interpreter/profile.js';
export type { ExternKindName, ExternTypeDesc } from './interpreter/engine.js';
export { Store, Instance, Memory, Table, Global, HostFunc, Caller } from './interpreter/runtime.js';
export type { AddressType } from './interpreter/runtime.js';
export { Tag, Exception, JSTag, type TagType } from './interpreter/exn.js';
export type {
  StoreOptions, MemoryDescriptor, TableDescriptor, GlobalDescriptor, HostFuncType, ValueTypeName,
  ExportedFunction, ExportValue, Exports, WasmValue, WasmFunction, HostFunction, HostArgs, ImportValue, Imports,
} from './interpreter/runtime.js';
export { Trap, CompileError, MalformedError, InvalidError, PolicyError, LimitError, LinkError, SnapshotError } from './errors.js';
export type { TrapCode, TrapFrame, SnapshotErrorCode } from './errors.js';
export type { functype, valtype } from './decoder/module.js';
export type { EngineConfig, Features, FeaturePreset, FeaturesConfig, Limits } from './config.js';
export { DEFAULT_FEATURES, DEFAULT_LIMITS, DEFAULT_PRESET, FEATURE_PRESETS } from './config.js';
export type { GasScheduleConfig } from './gas/schedule.js';
