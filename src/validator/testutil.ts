/**
 * Test helpers: WAT -> binary with wabt (no wabt validation, so invalid
 * modules can be built), then decode and validate.
 */
import { decode } from '../decoder/index.js';
import { resolveConfig, type EngineConfig, type Limits } from '../config.js';
import { validate } from './index.js';
import type { ValidatedModule, ValidateStats } from './types.js';
import { loadWabt, WABT_FEATURES } from '../../spec-tests/wat2wasm.js';
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';

/** The 2.0 set plus threads and multi-memory, so wabt accepts what the policy and the validator must reject. */
const FEATURES = { ...WABT_FEATURES, threads: true, multi_memory: true };

/** WAT -> binary as wabt writes it (no DataCount fix, unlike spec-tests' watToWasm: some tests need its absence). */
export async function wat(text: string): Promise<Uint8Array> {
  const wabt = await loadWabt();
  const m = wabt.parseWat('test.wat', new Uint8Array(Buffer.from(text, 'utf8')), FEATURES);
  try {
    return new Uint8Array(m.toBinary({}).buffer);
  } finally {
    m.destroy();
  }
}

/** Decodes and validates a WAT module. */
export async function validateWat(text: string, config: EngineConfig = {}, stats?: ValidateStats): Promise<ValidatedModule> {
  const c = resolveConfig(config);
  return validate(decode(await wat(text), c.limits, c.features), c, stats);
}

/** The error validating a WAT module throws; fails the test when it validates. */
export async function errorOf(text: string, config: EngineConfig = {}): Promise<Error> {
  try {
    await validateWat(text, config);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`module unexpectedly validated:\n${text}`);
}

/** Decodes with the default limits, then validates with `limits`, so the validator's own limit checks are what is tested. */
export async function validateWatWithLimits(text: string, limits: Partial<Limits>): Promise<ValidatedModule> {
  const c = resolveConfig({ limits });
  return validate(decode(await wat(text), c.limits, c.features), c);
}

/** `DETWASM_FUZZ_SEED` / `DETWASM_FUZZ_SCALE` make the randomized tests run other or more cases (defaults: their fixed seed, scale 1). */
export const FUZZ_SEED = process.env.DETWASM_FUZZ_SEED ? Number(process.env.DETWASM_FUZZ_SEED) : undefined;
export const FUZZ_SCALE = process.env.DETWASM_FUZZ_SCALE ? Number(process.env.DETWASM_FUZZ_SCALE) : 1;

/** A small deterministic PRNG (mulberry32): numbers in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * WebAssembly 3.0 text → binary with wasm-tools' parser
 * (@bytecodealliance/jco-transpile, an ES module). Jest runs tests as
 * CommonJS without dynamic `import()`, so the texts are converted in one
 * child Node process per call.
 */
const SCRIPT = `
const [tools, texts] = JSON.parse(require('fs').readFileSync(0, 'utf8'));
import(tools).then(async (m) => {
  await m.$init;
  process.stdout.write(JSON.stringify(texts.map((t) => Buffer.from(m.tools.parse(t)).toString('hex'))));
});`;

/** The binaries of `texts`, in order (throws when one does not parse). */
export function wat3(texts: readonly string[]): Uint8Array[] {
  const pkg = dirname(dirname(require.resolve('@bytecodealliance/jco-transpile')));
  const tools = resolve(pkg, 'vendor', 'wasm-tools.js');
  const out = execFileSync(process.execPath, ['-e', SCRIPT], { input: JSON.stringify([tools, texts]), maxBuffer: 1 << 26 });
  return (JSON.parse(out.toString()) as string[]).map((h) => new Uint8Array(Buffer.from(h, 'hex')));
}
