/**
 * Conformance of the validator against the official test suite (top-level
 * WebAssembly 2.0 `.wast` files): every `assert_invalid` module must be
 * rejected with `InvalidError` (or a policy rejection when it uses
 * f32/f64/v128: floats are typed, so in practice only SIMD modules), every
 * other module must validate (or get a policy rejection when it uses
 * f32/f64/v128). `module quote` forms and malformed-module
 * assertions are not the validator's business and are skipped.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decode } from '../decoder/index.js';
import { resolveConfig } from '../config.js';
import { CompileError, InvalidError, PolicyError } from '../errors.js';
import { validate } from './index.js';
import { loadWabt, WABT_FEATURES } from './testutil.js';
import { binaryModuleBytes, scanWast, usesFloatsOrSimd, type WastModule } from './wast-scan.js';

const SUITE = process.env.WASM_TESTSUITE ?? path.join(__dirname, '..', '..', '..', 'shared', 'wasm-testsuite');
const files = fs.readdirSync(SUITE).filter((f) => f.endsWith('.wast')).sort();
const config = resolveConfig();

/** Commands whose module is not the validator's concern. */
const SKIP_HEADS = new Set(['assert_malformed']);

const messageMismatches: string[] = [];
const totals = {
  invalidRejected: 0, // assert_invalid -> InvalidError
  invalidPolicy: 0, // assert_invalid using floats/SIMD -> PolicyError / unsupported
  validAccepted: 0, // valid integer-only module validates
  validPolicy: 0, // valid module using floats/SIMD -> PolicyError
  quoteSkipped: 0,
  wabtRejected: 0, // wabt could not encode the text
};

/**
 * wabt writes no data count section when a module has no data segments; the
 * spec's encoder does when the code uses memory.init / data.drop. Add it
 * (count 0) so "unknown data segment" stays a validation error.
 */
function addDataCount(bytes: Uint8Array): Uint8Array {
  const ids: Array<[number, number]> = []; // [id, start]
  let p = 8;
  while (p < bytes.length) {
    const start = p;
    const id = bytes[p++];
    let size = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[p++];
      size |= (b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    ids.push([id, start]);
    p += size;
  }
  if (ids.some(([id]) => id === 12 || id === 11)) return bytes;
  const code = ids.find(([id]) => id === 10);
  const at = code ? code[1] : bytes.length;
  const out = new Uint8Array(bytes.length + 3);
  out.set(bytes.subarray(0, at));
  out.set([12, 1, 0], at);
  out.set(bytes.subarray(at), at + 3);
  return out;
}

async function encode(m: WastModule): Promise<Uint8Array | null> {
  if (m.kind === 'binary') return binaryModuleBytes(m.text);
  const wabt = await loadWabt();
  let parsed;
  try {
    parsed = wabt.parseWat('suite.wat', new Uint8Array(Buffer.from(m.text, 'utf8')), WABT_FEATURES);
  } catch {
    return null;
  }
  try {
    const bytes = new Uint8Array(parsed.toBinary({}).buffer);
    return /memory\.init|data\.drop/.test(m.text) ? addDataCount(bytes) : bytes;
  } catch {
    return null;
  } finally {
    parsed.destroy();
  }
}

function outcome(bytes: Uint8Array): unknown {
  try {
    validate(decode(bytes, config.limits), config);
    return null;
  } catch (e) {
    return e;
  }
}

const isPolicy = (e: unknown): boolean =>
  e instanceof PolicyError || (e instanceof CompileError && e.code === 'unsupported');

describe('validator against the spec test suite', () => {
  test.each(files)('%s', async (file) => {
    const src = fs.readFileSync(path.join(SUITE, file), 'utf8');
    const failures: string[] = [];
    for (const cmd of scanWast(src)) {
      const m = cmd.module;
      if (!m || SKIP_HEADS.has(cmd.head)) continue;
      if (m.kind === 'quote') { totals.quoteSkipped++; continue; }
      const bytes = await encode(m);
      if (!bytes) { totals.wabtRejected++; continue; }
      const floats = usesFloatsOrSimd(m.text);
      const e = outcome(bytes);
      const where = `${file}:${m.line} ${cmd.head}`;
      const got = e === null ? 'valid' : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      if (cmd.head === 'assert_invalid') {
        if (e instanceof InvalidError) {
          totals.invalidRejected++;
          const expected = /"([^"]*)"\s*\)\s*$/.exec(cmd.text)?.[1] ?? '';
          if (!e.reason.startsWith(expected)) messageMismatches.push(`${where}: expected "${expected}", got "${e.reason}"`);
        }
        else if (floats && isPolicy(e)) totals.invalidPolicy++;
        else failures.push(`${where}: expected invalid, got ${got}`);
      } else if (floats) {
        if (isPolicy(e)) totals.validPolicy++;
        else failures.push(`${where}: expected a policy rejection, got ${got}`);
      } else {
        if (e === null) totals.validAccepted++;
        else failures.push(`${where}: expected valid, got ${got}`);
      }
    }
    expect(failures).toEqual([]);
  });

  // Runs after the per-file tests (jest runs a file's tests in order).
  test('counts and messages', () => {
    // The pinned suite (see /work/shared/wasm-testsuite/PINNED): 2,147 assert_invalid
    // commands, one of them a `module quote`.
    expect(totals).toEqual({
      invalidRejected: 1478,
      invalidPolicy: 668, // all in simd_*.wast: SIMD is rejected on sight
      validAccepted: 681,
      validPolicy: 1031,
      quoteSkipped: 1,
      wabtRejected: 0,
    });
    // Our reason starts with the spec's message for every integer-only invalid
    // module, except where wabt encodes `(select (result))` as an untyped select.
    expect(messageMismatches).toEqual([
      'select.wast:323 assert_invalid: expected "invalid result arity", got "type mismatch: expected a value, but the stack is empty"',
    ]);
  });
});
