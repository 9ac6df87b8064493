/**
 * Long-running fuzz CLI: `npm run fuzz -- [--seconds N] [--seed S] [--only exec|decode|resume] [--floats] [--tail-calls]
 * [--wasm3 | --multi-memory --memory64 --table64 --exceptions --function-references --extended-const] [--resume] [--save]`.
 * Runs the differential execution fuzzer and the differential decoding fuzzer
 * for N seconds each against detwasm and the host's WebAssembly, prints
 * statistics and findings, and with --save writes minimized findings to
 * fuzz/regressions/ (exec-<seed>.wasm + .json, decode-<hash>.wasm). With
 * --resume the execution fuzzer's time is shared with the resume check
 * (resume-fuzz.ts; findings saved as resume-<seed>.wasm + .json); `--only
 * resume` runs that check alone.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decodeCorpus, runDecodeFuzz } from './decode-fuzz.js';
import { ENGINES_UNDER_TEST, HANG_GUARD } from './engines.js';
import { runExecFuzz } from './exec-fuzz.js';
import { resumeStats } from './detwasm-adapter.js';
import { runResumeFuzz } from './resume-fuzz.js';
import { hashBytes } from './exec-harness.js';
import { GenOptions, WASM3_OPTIONS } from './gen-module.js';
import { IN_PROCESS_REFERENCE, node24Reference } from './reference.js';

/** Command-line flags of the generator options (each WebAssembly 3.0 one needs the Node 24 reference). */
const OPTION_FLAGS: Array<[string, keyof GenOptions]> = [
  ['floats', 'floats'], ['tail-calls', 'tailCalls'], ['multi-memory', 'multiMemory'], ['memory64', 'memory64'], ['table64', 'table64'],
  ['exceptions', 'exceptions'], ['function-references', 'functionReferences'], ['extended-const', 'extendedConst'],
];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const seconds = Number(arg('seconds', '60'));
  const seed = Number(arg('seed', String(Date.now() % 1_000_000_000)));
  const only = arg('only', 'all');
  const save = process.argv.includes('--save');
  // --floats: generated modules use f32/f64 too (the host runs them with NaNs canonicalized)
  // --tail-calls: return_call / return_call_indirect too (WebAssembly 3.0; Node 20 has them)
  // --wasm3: every WebAssembly 3.0 option (or one at a time, OPTION_FLAGS); the host side then runs in Node 24
  const options: Partial<GenOptions> = process.argv.includes('--wasm3') ? { ...WASM3_OPTIONS } : {};
  for (const [flag, key] of OPTION_FLAGS) if (process.argv.includes(`--${flag}`)) options[key] = true as never;
  const needs24 = OPTION_FLAGS.some(([, key]) => key !== 'floats' && key !== 'tailCalls' && options[key]);
  const reference = needs24 ? node24Reference() : IN_PROCESS_REFERENCE;
  const outDir = path.resolve(arg('out', path.join('fuzz', 'regressions')));
  let findings = 0;
  console.log(`fuzz: seed ${seed}, ${seconds}s per fuzzer, options ${JSON.stringify(options)}, reference ${reference.name}`);

  // --resume: the resume check (resume-fuzz.ts) takes a share of the execution time too
  // (--only resume: the resume check alone)
  const resume = process.argv.includes('--resume') || only === 'resume';
  const shares = (only === 'resume' ? 0 : ENGINES_UNDER_TEST.length) + (resume ? 1 : 0);
  if (only === 'all' || only === 'exec' || only === 'resume') {
   for (const adapter of only === 'resume' ? [] : ENGINES_UNDER_TEST) {
    const t0 = Date.now();
    const r = runExecFuzz({ adapter, guard: HANG_GUARD, firstSeed: seed, deadline: t0 + (seconds * 1000) / shares, maxFindings: 50, options, reference });
    console.log(`exec on ${adapter.name}: ${r.modules} modules (seeds ${seed}..${seed + r.modules - 1}), ${r.calls} calls in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
    console.log(`  host outcomes: ${[...r.outcomes].map(([k, v]) => `${k}=${v}`).join(', ')}`);
    for (const f of r.findings) {
      findings++;
      console.log(`  MISMATCH (${f.engine}) seed ${f.seed} options ${JSON.stringify(f.options)} (${f.module.bytes.length} bytes)\n    host:    ${f.diff.a}\n    detwasm: ${f.diff.b}`);
      if (save) {
        fs.mkdirSync(outDir, { recursive: true });
        const base = path.join(outDir, `exec-${f.seed}`);
        fs.writeFileSync(`${base}.wasm`, f.module.bytes);
        const { bytes: _bytes, ...meta } = f.module;
        // (referenceBytes, a float module's NaN-canonicalized twin, as a plain array: JSON has no bytes)
        const referenceBytes = meta.referenceBytes ? Array.from(meta.referenceBytes) : undefined;
        fs.writeFileSync(`${base}.json`, JSON.stringify({ ...meta, referenceBytes, engine: f.engine, options: f.options, reference: needs24 ? 'node24' : undefined, host: f.diff.a, detwasm: f.diff.b }, null, 2) + '\n');
      }
    }
   }
   if (resume) {
    const t0 = Date.now();
    const r = runResumeFuzz({ firstSeed: seed, deadline: t0 + (seconds * 1000) / shares, maxFindings: 50, options });
    console.log(`resume check: ${r.modules} modules (seeds ${seed}..${seed + r.modules - 1}), ${r.calls} calls, ${resumeStats.pauses} pauses in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
    for (const f of r.findings) {
      findings++;
      console.log(`  RESUME MISMATCH seed ${f.seed} policy ${JSON.stringify(f.policy)} options ${JSON.stringify(f.options)} (${f.module.bytes.length} bytes)\n    unpaused: ${f.diff.a}\n    resumed:  ${f.diff.b}`);
      if (save) {
        fs.mkdirSync(outDir, { recursive: true });
        const base = path.join(outDir, `resume-${f.seed}`);
        fs.writeFileSync(`${base}.wasm`, f.module.bytes);
        const { bytes: _bytes, referenceBytes: _ref, ...meta } = f.module;
        fs.writeFileSync(`${base}.json`, JSON.stringify({ ...meta, options: f.options, policy: f.policy, unpaused: f.diff.a, resumed: f.diff.b }, null, 2) + '\n');
      }
    }
   }
  }

  if (only === 'all' || only === 'decode') {
    const t0 = Date.now();
    const corpus = await decodeCorpus();
    const r = await runDecodeFuzz({ seed, deadline: t0 + seconds * 1000, corpus, maxFindings: 200, execute: true });
    console.log(`decode: ${r.cases} mutants of ${corpus.length} seed binaries in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
    for (const [k, v] of [...r.stats].sort()) console.log(`  ${k}: ${v}`);
    for (const f of r.disputed.slice(0, 5)) {
      console.log(`  DISPUTED ${f.reason} from ${f.origin} [${f.mutations}]\n    ${f.detail.slice(0, 300)}`);
      if (save) {
        fs.mkdirSync(outDir, { recursive: true });
        fs.writeFileSync(path.join(outDir, `disputed-${hashBytes(f.bytes).replace(':', '-')}.wasm`), f.bytes);
      }
    }
    const seen = new Set<string>();
    for (const f of r.findings) {
      findings++;
      const sig = `${f.reason}|${f.detail.slice(0, 80)}`;
      if (seen.has(sig)) continue;
      seen.add(sig);
      console.log(`  FINDING ${f.reason} from ${f.origin} [${f.mutations}]\n    ${f.detail.slice(0, 400)}\n    minimized (${f.minimized.length} bytes): ${Buffer.from(f.minimized).toString('hex').slice(0, 300)}`);
      if (save) {
        fs.mkdirSync(outDir, { recursive: true });
        fs.writeFileSync(path.join(outDir, `decode-${hashBytes(f.minimized).replace(':', '-')}.wasm`), f.minimized);
      }
    }
  }
  console.log(`fuzz: ${findings} finding(s)`);
  process.exitCode = findings ? 1 : 0;
}

main().catch(e => {
  console.error(e);
  process.exitCode = 2;
});
