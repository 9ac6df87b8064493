import { WASM3_OPTIONS, generateModule } from './gen-module.js';
import { nativeAdapter, runGenerated } from './exec-harness.js';

describe('random module generator (checked against the host WebAssembly)', () => {
  test('1000 seeds produce modules the host validates', () => {
    const bad: number[] = [];
    for (let seed = 1; seed <= 1000; seed++) {
      const gm = generateModule(seed);
      if (!WebAssembly.validate(gm.bytes)) bad.push(seed);
    }
    if (bad.length) {
      const gm = generateModule(bad[0]);
      let reason = '';
      try { new WebAssembly.Module(gm.bytes); } catch (e) { reason = (e as Error).message; }
      throw new Error(`invalid modules for seeds ${bad.slice(0, 10).join(',')} (${bad.length}); first: ${reason}`);
    }
  });

  test('generation is reproducible from the seed', () => {
    for (const seed of [7, 99, 123456]) {
      expect(Buffer.from(generateModule(seed).bytes).equals(Buffer.from(generateModule(seed).bytes))).toBe(true);
    }
  });

  test('modules run to an end on the host and exercise both results and every trap class', () => {
    const seen = new Map<string, number>();
    for (let seed = 1; seed <= 150; seed++) {
      const gm = generateModule(seed);
      const rec = runGenerated(nativeAdapter, gm);
      for (const e of rec.events) {
        const m = / -> (trap \w+|ERROR[^:]*|.)/.exec(e);
        if (!m) continue;
        const key = m[1].startsWith('trap') || m[1].startsWith('ERROR') ? m[1] : 'value';
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }
    const keys = [...seen.keys()];
    if (process.env.FUZZ_VERBOSE) console.log(seen);
    expect(keys.filter(k => k.startsWith('ERROR'))).toEqual([]);
    for (const k of ['value', 'trap unreachable', 'trap memory_oob', 'trap div_by_zero', 'trap table_oob', 'trap indirect_null_or_mismatch']) {
      expect(keys).toContain(k);
    }
  });
});

describe('with floats', () => {
  test('1000 seeds produce valid modules, both the engine variant and the host variant', () => {
    let withFloatOps = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const gm = generateModule(seed, { floats: true });
      for (const [what, bytes] of [['bytes', gm.bytes], ['referenceBytes', gm.referenceBytes!]] as const) {
        if (!WebAssembly.validate(bytes)) {
          let reason = '';
          try { new WebAssembly.Module(bytes); } catch (e) { reason = (e as Error).message; }
          throw new Error(`seed ${seed}: invalid ${what}: ${reason}`);
        }
      }
      if (gm.referenceBytes!.length > gm.bytes.length) withFloatOps++;
    }
    // most modules have NaN-producing arithmetic, so their host variant is longer
    expect(withFloatOps).toBeGreaterThan(500);
  });

  test('floats off generates exactly the integer-only modules (no float types or reference variant)', () => {
    for (const seed of [3, 42, 777]) {
      const gm = generateModule(seed);
      expect(gm.referenceBytes).toBeUndefined();
      expect(Buffer.from(generateModule(seed, { floats: false }).bytes).equals(Buffer.from(gm.bytes))).toBe(true);
    }
  });

  test('the host variant runs to an end and gives canonical NaNs where the engine variant gives V8 NaNs', () => {
    const seen = new Map<string, number>();
    let differs = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const gm = generateModule(seed, { floats: true });
      const rec = runGenerated(nativeAdapter, gm);
      const raw = runGenerated(nativeAdapter, { ...gm, referenceBytes: undefined });
      if (rec.events.join('\n') !== raw.events.join('\n')) differs++;
      for (const e of rec.events) {
        const m = / -> (trap \w+|ERROR[^:]*|.)/.exec(e);
        if (!m) continue;
        const key = m[1].startsWith('trap') || m[1].startsWith('ERROR') ? m[1] : 'value';
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }
    const keys = [...seen.keys()];
    expect(keys.filter(k => k.startsWith('ERROR'))).toEqual([]);
    for (const k of ['value', 'trap int_overflow', 'trap memory_oob']) expect(keys).toContain(k);
    // V8's own NaNs (payloads, sign) reach memory in some modules: canonicalizing changes what is observed
    expect(differs).toBeGreaterThan(0);
  });
});

describe('with tail calls', () => {
  test('valid modules; many use return_call/return_call_indirect (rejected with tail calls off); off, the modules are the plain ones', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Engine, PolicyError } = require('../src/index.js');
    const on = new Engine({ features: { tailCall: true } });
    const off = new Engine();
    let tail = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const m = generateModule(seed, { tailCalls: true });
      expect(WebAssembly.validate(m.bytes)).toBe(true);
      on.compile(m.bytes);
      try {
        off.compile(m.bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(PolicyError);
        tail++;
      }
      expect(generateModule(seed, { tailCalls: false }).bytes).toEqual(generateModule(seed).bytes);
    }
    expect(tail).toBeGreaterThan(100);
  });
});

describe('with the WebAssembly 3.0 options', () => {
  test('detwasm (3.0 preset) compiles them, rejects them under 2.0; each option off leaves the plain modules', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Engine, PolicyError, MalformedError } = require('../src/index.js');
    const v3 = new Engine({ features: { preset: '3.0' } });
    const v2 = new Engine();
    let rejected = 0;
    for (let seed = 1; seed <= 200; seed++) {
      v3.compile(generateModule(seed, WASM3_OPTIONS).bytes);
      try {
        v2.compile(generateModule(seed, WASM3_OPTIONS).bytes);
      } catch (e) {
        // a PolicyError naming the feature, or the 2.0 error where 2.0 defines one (the tag import: README "Features")
        expect(e instanceof PolicyError || e instanceof MalformedError).toBe(true);
        rejected++;
      }
      const off = Object.fromEntries(Object.keys(WASM3_OPTIONS).map(k => [k, false]));
      expect(generateModule(seed, off).bytes).toEqual(generateModule(seed).bytes);
    }
    expect(rejected).toBe(200);
  });
});
