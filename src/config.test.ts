/** Every options object of the public API rejects unknown keys (checkKeys). */
import { checkKeys, DEFAULT_LIMITS } from './config.js';
import { createWebAssembly } from './compat.js';
import { Engine, Global, HostFunc, Memory, Store, Table } from './index.js';

/** The TypeError `f` throws (fails the test when it throws nothing or something else). */
function typeError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TypeError);
    return (e as Error).message;
  }
  throw new Error('no TypeError');
}

describe('checkKeys', () => {
  test('passes known keys and an omitted object', () => {
    expect(() => checkKeys({ a: 1, b: undefined }, ['a', 'b'], 'x')).not.toThrow();
    expect(() => checkKeys(undefined, ['a'], 'x')).not.toThrow();
  });
  test('names the unknown key, where it is, and the valid keys; suggests the closest', () => {
    expect(typeError(() => checkKeys({ a: 1, colour: 2 }, ['a', 'color'], 'thing options')))
      .toBe("thing options: unknown key 'colour' (did you mean 'color'?); valid keys: a, color");
    expect(typeError(() => checkKeys({ zzzzzz: 1 }, ['a', 'color'], 'w'))).toBe("w: unknown key 'zzzzzz'; valid keys: a, color");
    expect(typeError(() => checkKeys({ A: 1 }, ['a'], 'w'))).toContain("(did you mean 'a'?)");
  });
  test('a key set to undefined is still checked; a non-object is a TypeError', () => {
    expect(typeError(() => checkKeys({ nope: undefined }, ['a'], 'w'))).toContain("unknown key 'nope'");
    expect(typeError(() => checkKeys(null, ['a'], 'w'))).toBe('w must be an object, got null');
    expect(typeError(() => checkKeys(5, ['a'], 'w'))).toBe('w must be an object, got number');
  });
});

describe('the public API rejects unknown keys', () => {
  const limitKeys = Object.keys(DEFAULT_LIMITS).join(', ');
  test.each([
    ['Engine config', () => new Engine({ limit: {} } as never), "Engine config: unknown key 'limit' (did you mean 'limits'?); valid keys: features, limits, gas"],
    ['limits', () => new Engine({ limits: { maxMemoryPage: 1 } as never }), `Engine config limits: unknown key 'maxMemoryPage' (did you mean 'maxMemoryPages'?); valid keys: ${limitKeys}`],
    ['gas schedule', () => new Engine({ gas: { bse: 'unit' } as never }), "gas schedule: unknown key 'bse' (did you mean 'base'?); valid keys: base, costs"],
    ['gas schedule costs', () => new Engine({ gas: { costs: { 'i64.div': 3 } } }), "gas schedule costs: unknown key 'i64.div' (did you mean"],
    ['Store options', () => new Store(new Engine(), { gass: 10 } as never), "Store options: unknown key 'gass' (did you mean 'gas'?); valid keys: gas, hostErrors"],
    ['Memory descriptor', () => new Memory({ initial: 1, maxium: 2 } as never), "Memory descriptor: unknown key 'maxium' (did you mean 'maximum'?); valid keys: initial, maximum, shared"],
    ['Table descriptor', () => new Table({ element: 'funcref', initial: 1, elem: 2 } as never), "Table descriptor: unknown key 'elem'"],
    ['Global descriptor', () => new Global({ value: 'i32', mutible: true } as never), "Global descriptor: unknown key 'mutible' (did you mean 'mutable'?); valid keys: value, mutable"],
    ['HostFunc type', () => new HostFunc({ params: [], result: [] } as never, () => 0), "HostFunc type: unknown key 'result' (did you mean 'results'?); valid keys: params, results"],
    ['createWebAssembly options', () => createWebAssembly({ gaz: 5 } as never), "createWebAssembly options: unknown key 'gaz' (did you mean 'gas'?); valid keys: engine, config, store, gas"],
    ['compat engine config', () => createWebAssembly({ config: { limits: { maxTable: 1 } } as never }), "Engine config limits: unknown key 'maxTable'"],
  ])('%s', (_name, f, message) => {
    expect(typeError(f)).toContain(message);
  });

  test('gas schedule costs list every valid key', () => {
    const m = typeError(() => new Engine({ gas: { costs: { nope: 1 } } }));
    for (const k of ['i32.add', 'call_indirect', 'memory.grow.perPage', 'memory.perBytes8', 'table.perElement']) expect(m).toContain(k);
  });

  test('valid options still work', () => {
    const engine = new Engine({ limits: { maxMemoryPages: 4 }, gas: { base: 'default', costs: { call: 10, 'memory.grow.perPage': 1 } } });
    expect(new Store(engine, { gas: 5, hostErrors: 'propagate' }).gasRemaining).toBe(5);
    expect(new Memory({ initial: 1, maximum: 2 }).pages).toBe(1);
    expect(new Table({ element: 'externref', initial: 2, maximum: 3 }).length).toBe(2);
    expect(new Global({ value: 'i64', mutable: true }, 3n).value).toBe(3n);
  });
});
