import { generateModule } from './gen-module.js';
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
