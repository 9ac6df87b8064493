/**
 * The resume check (`--only exec --resume`): every generated module runs on
 * detwasm metered twice or more, once with each call unpaused and once per
 * `ResumePolicy` with each call paused by out of gas, topped up and resumed
 * (`callResumable`, the API users have) until it ends. The records (results,
 * trap classes, host call log, memories, globals, table, and the gas used
 * after each call) must be equal: pausing at any unit of gas changes nothing
 * (README "Resume after out of gas"). No host reference is needed.
 */
import { ResumePolicy, resumingAdapter } from './detwasm-adapter.js';
import { EngineAdapter, diffRecords, runGenerated } from './exec-harness.js';
import { GenOptions, GeneratedModule, generateModule } from './gen-module.js';

/** The engine configuration of the checks (engines.ts: floats and every WebAssembly 3.0 feature). */
const CONFIG = { features: { preset: '3.0', floats: true } };

/** A module whose resumed record differs from its unpaused one. */
export interface ResumeFinding {
  seed: number;
  options: Partial<GenOptions>;
  policy: ResumePolicy;
  module: GeneratedModule;
  diff: { index: number; a: string; b: string };
}

export interface ResumeFuzzResult {
  modules: number;
  /** Calls of exported functions checked, and pauses made over all policies. */
  calls: number;
  findings: ResumeFinding[];
}

/** The policies a module of `seed` is checked with: one unit policy, two random ones. */
export function policiesFor(seed: number): ResumePolicy[] {
  return [{ kind: 'unit', seed }, { kind: 'random', seed: seed * 3 + 1 }, { kind: 'random', seed: seed * 3 + 2 }];
}

const UNPAUSED = resumingAdapter(CONFIG, null);
function resumed(policy: ResumePolicy): EngineAdapter {
  return resumingAdapter(CONFIG, policy);
}

/** The first difference between the unpaused and the resumed record of `gm` under `policy`, or null. */
export function resumeDiff(gm: GeneratedModule, policy: ResumePolicy): ReturnType<typeof diffRecords> {
  return diffRecords(runGenerated(UNPAUSED, gm), runGenerated(resumed(policy), gm));
}

/** Smaller generator options that still reproduce the difference for this seed and policy. */
function shrinkOptions(seed: number, options: Partial<GenOptions>, policy: ResumePolicy, deadline: number): Partial<GenOptions> {
  let best = { maxFuncs: 5, maxDepth: 5, maxStmts: 4, ...options };
  for (let progress = true; progress && Date.now() < deadline; ) {
    progress = false;
    for (const k of ['maxFuncs', 'maxDepth', 'maxStmts'] as const) {
      if (best[k] > 1) {
        const cand = { ...best, [k]: best[k] - 1 };
        if (resumeDiff(generateModule(seed, cand), policy)) {
          best = cand;
          progress = true;
        }
      }
    }
  }
  return best;
}

export function runResumeFuzz(opts: { firstSeed: number; iterations?: number; deadline?: number; options?: Partial<GenOptions>; maxFindings?: number; shrinkMs?: number }): ResumeFuzzResult {
  const findings: ResumeFinding[] = [];
  let modules = 0;
  let calls = 0;
  for (let seed = opts.firstSeed; ; seed++) {
    if (opts.iterations !== undefined && modules >= opts.iterations) break;
    if (opts.deadline !== undefined && Date.now() >= opts.deadline) break;
    const gm = generateModule(seed, opts.options);
    modules++;
    const base = runGenerated(UNPAUSED, gm);
    calls += base.events.filter(e => / \(gas \d+\)$/.test(e)).length;
    for (const policy of policiesFor(seed)) {
      const diff = diffRecords(base, runGenerated(resumed(policy), gm));
      if (!diff) continue;
      const options = shrinkOptions(seed, opts.options ?? {}, policy, Date.now() + (opts.shrinkMs ?? 10_000));
      const module = generateModule(seed, options);
      findings.push({ seed, options, policy, module, diff: resumeDiff(module, policy) ?? diff });
      break;
    }
    if (opts.maxFindings !== undefined && findings.length >= opts.maxFindings) break;
  }
  return { modules, calls, findings };
}
