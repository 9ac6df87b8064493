/**
 * Regression tests for discrepancies the fuzzers found (fuzz/regressions/).
 *  - decode-*.wasm: detwasm's verdict is pinned in decode-expectations.json
 *    (cases where the host itself deviates from the spec are recorded there too);
 *  - exec-<seed>.wasm + .json: modules saved by `npm run fuzz -- --save`; detwasm
 *    must produce the host's record (Node 24's, in a child process, for modules
 *    saved with `"reference": "node24"`: WebAssembly 3.0 ones);
 *  - resume-<seed>.wasm + .json: modules saved by `npm run fuzz -- --resume --save`;
 *    paused and resumed by the saved policy, detwasm must give its unpaused record;
 *  - EXEC_CASES below: minimized execution mismatches as WAT.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadWabt } from './corpus.js';
import { detwasmVerdict } from './decode-diff.js';
import { ENGINES_UNDER_TEST } from './engines.js';
import { diffRecords, nativeAdapter, runGenerated } from './exec-harness.js';
import type { GeneratedModule } from './gen-module.js';
import { node24Reference } from './reference.js';
import type { ResumePolicy } from './detwasm-adapter.js';
import { resumeDiff } from './resume-fuzz.js';

const DIR = path.join(__dirname, 'regressions');

describe('decode regressions', () => {
  const expectations = JSON.parse(fs.readFileSync(path.join(DIR, 'decode-expectations.json'), 'utf8')) as Array<{ file: string; detwasm: string; host: boolean; note: string }>;
  test('every decode-*.wasm has an expectation', () => {
    const files = fs.readdirSync(DIR).filter(f => /^decode-.*\.wasm$/.test(f)).sort();
    expect(expectations.map(e => e.file).sort()).toEqual(files);
  });
  test.each(expectations.map(e => [e.file, e] as const))('%s', (file, e) => {
    const bytes = Uint8Array.from(fs.readFileSync(path.join(DIR, file)));
    expect(WebAssembly.validate(bytes)).toBe(e.host);
    expect(detwasmVerdict(bytes).kind).toBe(e.detwasm);
  });
});

/** Minimized execution mismatches: each module exports `t`, called with no arguments. */
const EXEC_CASES: Array<[string, string]> = [
  [
    // detwasm looped forever (unmetered) / ran out of gas (metered): `i32.const; i32.const <negative>;
    // i32.ne; if` was fused into a compare-and-branch with a bad target (fixed in the interpreter since).
    'fused compare with a negative constant operand before if',
    `(module (func (export "t") (result i32)
      i32.const 1 i32.const -1 i32.ne
      if (result i32) i32.const 10 else i32.const 20 end))`,
  ],
  [
    'the same inside an if with block parameters (the fuzzer\'s original shape)',
    `(module (global (mut i64) (i64.const -7))
      (func (export "t") (result i64 i64) (local i32 i64 i32 i32)
        local.get 0 i32.const 2097152 i32.xor
        global.get 0
        i32.const 65535 i32.const -1848397479 i32.ne
        if (param i32 i64) (result i64 i32)
          local.set 1 local.set 2 i64.const 1 local.get 2
        else
          local.set 1 local.set 2 i64.const -8 i32.const -12108052
        end
        drop i64.const 5))`,
  ],
  [
    'every fused i32 comparison against a negative constant, both branch directions',
    `(module (func (export "t") (result i32) (local i32)
      ${['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'].map((op, k) => `
        (local.set 0 (i32.add (i32.mul (local.get 0) (i32.const 3))
          (if (result i32) (i32.${op} (i32.const ${k - 5}) (i32.const -3)) (then (i32.const 1)) (else (i32.const 2)))))
        (block (br_if 0 (i32.${op} (i32.const -3) (i32.const ${k - 5}))) (local.set 0 (i32.add (local.get 0) (i32.const 7))))`).join('')}
      local.get 0))`,
  ],
  [
    // detwasm computed (x * c) * c: the fused f64.mul_mul_sss took the inner mul's record, then the
    // constant was materialized into the slot where that record had read its right operand (seed 666941613)
    // (c subnormal: a normal c would be the right operand's immediate, f64.mul_is, not a slot)
    'a fused (x * y) * c, y a temporary and c a constant (f64.mul_mul_sss, f64.add_add_sss)',
    `(module (func (export "t") (result f64 f64) (local f64 f64)
      f64.const 2 local.set 0 f64.const 9 local.set 1
      (f64.mul (f64.mul (local.get 0) (f64.sqrt (local.get 1))) (f64.const 0x1p-1030))
      (f64.add (f64.add (local.get 0) (f64.sqrt (local.get 1))) (f64.const 0x1p-1030))))`,
  ],
];

describe.each(ENGINES_UNDER_TEST)('exec regressions on $name', adapter => {
  let wabt: Awaited<ReturnType<typeof loadWabt>>;
  beforeAll(async () => {
    wabt = await loadWabt();
  });
  test.each(EXEC_CASES)('%s', (_name, text) => {
    const m = wabt.parseWat('case.wat', new Uint8Array(Buffer.from(text, 'utf8')), {});
    const bytes = Uint8Array.from(m.toBinary({}).buffer);
    m.destroy();
    const run = (a: typeof adapter): string => {
      try {
        const r = a.instantiate(bytes, () => 0).call('t', []);
        return JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
      } catch (e) {
        return `trap ${a.trapClass(e) ?? String(e)}`;
      }
    };
    expect(run(adapter)).toBe(run(nativeAdapter));
  });

  const saved = fs.readdirSync(DIR).filter(f => /^exec-\d+\.wasm$/.test(f));
  if (saved.length) {
    test.each(saved)('saved module %s', file => {
      const meta = JSON.parse(fs.readFileSync(path.join(DIR, file.replace(/\.wasm$/, '.json')), 'utf8')) as Omit<GeneratedModule, 'bytes' | 'referenceBytes'> & { reference?: string; referenceBytes?: number[] };
      const gm: GeneratedModule = {
        ...meta,
        bytes: Uint8Array.from(fs.readFileSync(path.join(DIR, file))),
        referenceBytes: meta.referenceBytes ? Uint8Array.from(meta.referenceBytes) : undefined,
      };
      const host = meta.reference === 'node24' ? node24Reference().run([gm])[0] : runGenerated(nativeAdapter, gm);
      expect(diffRecords(host, runGenerated(adapter, gm))).toBeNull();
    });
  }
});

describe('JS API layer (src/compat.ts) vs the host', () => {
  // Found by probing host-function return conversions: the JS API converts to i64 with
  // ToBigInt64 -> ToBigInt, which throws a TypeError for a Number (WebAssembly JS API 4.5.x
  // ToWebAssemblyValue). compat accepted 5 and 2^40 as i64 values.
  let bytes: Uint8Array<ArrayBuffer>;
  beforeAll(async () => {
    const wabt = await loadWabt();
    const m = wabt.parseWat('i64.wat', new Uint8Array(Buffer.from(`(module
      (import "env" "h64" (func $h64 (result i64)))
      (global (export "g64") (mut i64) (i64.const 1))
      (func (export "g") (result i64) (call $h64))
      (func (export "p") (param i64) (result i64) (local.get 0)))`, 'utf8')), {});
    bytes = Uint8Array.from(m.toBinary({}).buffer);
    m.destroy();
  });
  const outcome = (f: () => unknown): string => {
    try {
      return `value ${String(f())}`;
    } catch (e) {
      return e instanceof TypeError ? 'TypeError' : `other ${(e as Error)?.name}`;
    }
  };
  test.each([
    ['i64 parameter given the Number 5', (ex: Record<string, any>) => ex.p(5)], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['i64 parameter given the string "7"', (ex: Record<string, any>) => ex.p('7')], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['host function returning the Number 2^40 for i64', (ex: Record<string, any>) => ex.g()], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['i64 global set to the Number 3', (ex: Record<string, any>) => { ex.g64.value = 3; return ex.g64.value; }], // eslint-disable-line @typescript-eslint/no-explicit-any
    // JS API "Exported Function": name is ToString(index of the function); p is function 2.
    ['an exported function\'s name is its function index', (ex: Record<string, any>) => ex.p.name], // eslint-disable-line @typescript-eslint/no-explicit-any
  ])('%s', (_name, call) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const compat = require('../src/compat.js') as { createWebAssembly(o?: object): typeof WebAssembly };
    const imports = { env: { h64: () => 2 ** 40 } };
    const W = compat.createWebAssembly({});
    const host = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports;
    const ours = new W.Instance(new W.Module(bytes), imports).exports;
    expect(outcome(() => call(ours))).toBe(outcome(() => call(host)));
  });
});

describe('imports (found by executing accepted mutants)', () => {
  // imports.wast module #59 with its import's valtype byte mutated to externref: the
  // module imports spectest.memory (a Memory object) as an immutable externref global.
  // JS API "read the imports": a non-Global value for an immutable global of a reference
  // type is converted with ToWebAssemblyValue, so any JS value is an externref. V8
  // instantiates; detwasm (public API and compat) threw LinkError "expected a Global".
  test('a plain JS value satisfies an immutable externref global import (JS API layer)', async () => {
    const wabt = await loadWabt();
    const m = wabt.parseWat('ext.wat', new Uint8Array(Buffer.from(`(module
      (import "m" "e" (global $e externref))
      (func (export "r") (result externref) (global.get $e)))`, 'utf8')), {});
    const bytes = Uint8Array.from(m.toBinary({}).buffer);
    m.destroy();
    const value = { some: 'host object' };
    const imports = { m: { e: value } } as unknown as WebAssembly.Imports;
    expect((new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports.r as () => unknown)()).toBe(value);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const compat = require('../src/compat.js') as { createWebAssembly(o?: object): typeof WebAssembly };
    const W = compat.createWebAssembly({});
    const ours = new W.Instance(new W.Module(bytes), imports).exports as Record<string, () => unknown>;
    expect(ours.r()).toBe(value);
  });
});

/** resume-<seed>.wasm + .json: modules the resume check (`--resume --save`) found, paused and resumed by the saved policy. */
describe('resume regressions', () => {
  for (const file of fs.readdirSync(DIR).filter(f => /^resume-\d+\.wasm$/.test(f))) {
    test(`saved module ${file}`, () => {
      const meta = JSON.parse(fs.readFileSync(path.join(DIR, file.replace(/\.wasm$/, '.json')), 'utf8')) as Omit<GeneratedModule, 'bytes'> & { policy: ResumePolicy };
      const gm: GeneratedModule = { ...meta, bytes: Uint8Array.from(fs.readFileSync(path.join(DIR, file))) };
      expect(resumeDiff(gm, meta.policy)).toBeNull();
    });
  }
});
