import * as fs from 'fs';
import * as path from 'path';
import { loadWabt } from './corpus.js';
import { classify, isLaterProposalOff } from './decode-diff.js';
import { decodeCorpus, runDecodeFuzz } from './decode-fuzz.js';
import { generateModule } from './gen-module.js';

const REGRESSIONS = path.join(__dirname, 'regressions');

describe('differential decoding and validation against the host WebAssembly', () => {
  test('classifier: integer modules agree, float modules are policy', async () => {
    const wabt = (await loadWabt()) as unknown as Parameters<typeof classify>[0];
    expect(classify(wabt, generateModule(3).bytes)).toMatchObject({ status: 'agree', detwasm: 'accept', v8: true });
    // (module (func (result f32) f32.const 1))
    const floatMod = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7d, 3, 2, 1, 0, 10, 9, 1, 7, 0, 0x43, 0, 0, 0x80, 0x3f, 0x0b]);
    expect(WebAssembly.validate(floatMod)).toBe(true);
    expect(classify(wabt, floatMod)).toMatchObject({ status: 'expected', detwasm: 'policy' });
    // The same module truncated: both reject.
    expect(classify(wabt, floatMod.slice(0, 20))).toMatchObject({ status: 'agree', v8: false });
    // A post-2.0 proposal the 2.0 configuration has off: the host (which implements
    // exceptions) accepts an empty tag section, detwasm rejects it by its feature flag.
    const emptyTags = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 13, 1, 0]);
    expect(WebAssembly.validate(emptyTags)).toBe(true);
    expect(classify(wabt, emptyTags)).toMatchObject({ status: 'expected', detwasm: 'policy', reason: expect.stringContaining('(exceptions)') });
    expect(isLaterProposalOff('exceptions')).toBe(true);
    expect(isLaterProposalOff('legacy-exceptions')).toBe(true);
    expect(isLaterProposalOff('bulk-memory')).toBe(false);
    expect(isLaterProposalOff('floats')).toBe(false);
  });

  test('fixed-seed mutation budget: no crash, no accept/reject disagreement, accepted mutants execute alike', async () => {
    Error.stackTraceLimit = 0;
    const corpus = await decodeCorpus(undefined, 100);
    expect(corpus.length).toBeGreaterThan(3000);
    const r = await runDecodeFuzz({ seed: 20261127, iterations: 6000, corpus, maxFindings: 20, execute: true });
    const report = r.findings.map(f => `${f.origin} [${f.mutations}] ${f.reason}: ${f.detail.slice(0, 300)} min=${Buffer.from(f.minimized).toString('hex').slice(0, 400)}`);
    expect(report).toEqual([]);
    // The budget must really exercise both sides.
    const kinds = [...r.stats.keys()].join('\n');
    expect(kinds).toMatch(/agree detwasm=accept host=accept/);
    expect(kinds).toMatch(/agree detwasm=invalid host=reject/);
    expect(kinds).toMatch(/agree detwasm=malformed host=reject/);
    // Accepted mutants were also executed on both engines.
    expect(r.stats.get('executed: agree') ?? 0).toBeGreaterThan(100);
  });

  const files = fs.existsSync(REGRESSIONS) ? fs.readdirSync(REGRESSIONS).filter(f => /^decode-.*\.wasm$/.test(f)) : [];
  if (files.length) test.each(files)('regression %s', async file => {
    const wabt = (await loadWabt()) as unknown as Parameters<typeof classify>[0];
    const bytes = Uint8Array.from(fs.readFileSync(path.join(REGRESSIONS, file)));
    const c = classify(wabt, bytes);
    expect({ status: c.status, reason: 'reason' in c ? c.reason : '' }).not.toMatchObject({ status: 'finding' });
  });
});
