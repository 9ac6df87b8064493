/** Feature presets and overrides (`EngineConfig.features`, resolveFeatures in config.ts). */
import { DEFAULT_FEATURES, DEFAULT_PRESET, FEATURE_PRESETS, resolveFeatures } from './config.js';
import { Engine } from './index.js';

test('the default is the 2.0 preset: 2.0 proposals on, 3.0 and the rest off', () => {
  expect(DEFAULT_PRESET).toBe('2.0');
  expect(resolveFeatures()).toEqual(DEFAULT_FEATURES);
  expect(DEFAULT_FEATURES.bulkMemory && DEFAULT_FEATURES.referenceTypes && DEFAULT_FEATURES.multiValue).toBe(true);
  expect(DEFAULT_FEATURES.tailCall || DEFAULT_FEATURES.memory64 || DEFAULT_FEATURES.exceptions).toBe(false);
});

test('presets: 1.0 has no post-MVP proposal, 3.0 adds the 3.0 ones; floats, SIMD, threads and the two later proposals are off in all', () => {
  const v1 = FEATURE_PRESETS['1.0'];
  expect([v1.signExtension, v1.multiValue, v1.bulkMemory, v1.referenceTypes, v1.saturatingFloatToInt]).toEqual([false, false, false, false, false]);
  expect(v1.mutableGlobals).toBe(true);
  const v3 = FEATURE_PRESETS['3.0'];
  for (const k of ['tailCall', 'extendedConst', 'multiMemory', 'memory64', 'exceptions', 'functionReferences'] as const) expect(v3[k]).toBe(true);
  for (const p of Object.values(FEATURE_PRESETS)) {
    expect([p.floats, p.simd, p.threads, p.wideArithmetic, p.customPageSizes]).toEqual([false, false, false, false, false]);
  }
});

test('overrides apply on top of the preset', () => {
  const f = resolveFeatures({ preset: '3.0', floats: true, tailCall: false });
  expect(f).toEqual({ ...FEATURE_PRESETS['3.0'], floats: true, tailCall: false });
  expect(resolveFeatures({ memory64: true })).toEqual({ ...FEATURE_PRESETS['2.0'], memory64: true });
  // the engine accepts exactly this shape
  expect(() => new Engine({ features: { preset: '3.0', floats: true, tailCall: false } })).not.toThrow();
});

test('an unknown feature or preset is a TypeError naming it and listing the valid ones', () => {
  expect(() => resolveFeatures({ tailCalls: true } as never)).toThrow(TypeError);
  expect(() => resolveFeatures({ tailCalls: true } as never)).toThrow(/unknown feature "tailCalls" \(valid features: preset, signExtension, .*tailCall.*customPageSizes\)/);
  expect(() => new Engine({ features: { preset: '4.0' } as never })).toThrow(/unknown preset "4.0" \(valid presets: 1.0, 2.0, 3.0\)/);
  expect(() => resolveFeatures({ tailCall: 'yes' } as never)).toThrow(/tailCall must be true or false/);
  expect(() => resolveFeatures({ toString: true } as never)).toThrow(/unknown feature "toString"/);
});
