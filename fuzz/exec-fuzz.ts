/**
 * The differential execution fuzz loop: generate a module per seed, run it on
 * the host and on the engine under test, compare the records, and minimize
 * any mismatch (first by generator options, then by deleting bytes).
 */
import { EngineAdapter, RunRecord, diffRecords, nativeAdapter, runGenerated } from './exec-harness.js';
import { GenOptions, GeneratedModule, generateModule } from './gen-module.js';
import { shrinkBytes } from './shrink.js';

export interface ExecFinding {
  /** The adapter that disagreed with the host. */
  engine: string;
  seed: number;
  options: Partial<GenOptions>;
  module: GeneratedModule;
  diff: { index: number; a: string; b: string };
}

export interface ExecFuzzResult {
  modules: number;
  calls: number;
  outcomes: Map<string, number>;
  findings: ExecFinding[];
}

export function compareOn(adapter: EngineAdapter, gm: GeneratedModule): { host: RunRecord; test: RunRecord; diff: ReturnType<typeof diffRecords> } {
  const host = runGenerated(nativeAdapter, gm);
  const test = runGenerated(adapter, gm);
  return { host, test, diff: diffRecords(host, test) };
}

/** Smaller generator options that still reproduce a mismatch for this seed, if any. */
export function shrinkOptions(adapter: EngineAdapter, seed: number, options: Partial<GenOptions>, deadline = Infinity): Partial<GenOptions> {
  let best = { maxFuncs: 5, maxDepth: 5, maxStmts: 4, ...options };
  const fails = (o: Partial<GenOptions>): boolean => compareOn(adapter, generateModule(seed, o)).diff !== null;
  for (let progress = true; progress && Date.now() < deadline; ) {
    progress = false;
    for (const k of ['maxFuncs', 'maxDepth', 'maxStmts'] as const) {
      if (best[k] > 1) {
        const cand = { ...best, [k]: best[k] - 1 };
        if (fails(cand)) {
          best = cand;
          progress = true;
        }
      }
    }
  }
  return best;
}

/**
 * Deletes bytes of the module while the host still validates it and the
 * records still differ. Not for float modules (their host variant,
 * `referenceBytes`, could not follow the deletions): returned as they are.
 */
export function shrinkModule(adapter: EngineAdapter, gm: GeneratedModule, deadline = Infinity): GeneratedModule {
  if (gm.referenceBytes) return gm;
  const bytes = shrinkBytes(gm.bytes, b => {
    if (Date.now() >= deadline || !WebAssembly.validate(b)) return false;
    const cand = { ...gm, bytes: b };
    return compareOn(adapter, cand).diff !== null;
  }, 2000);
  return { ...gm, bytes };
}

export function runExecFuzz(opts: {
  adapter: EngineAdapter;
  /**
   * Runs first on every module; when it disagrees with the host the module is
   * reported against it and `adapter` is skipped. A small-budget metered
   * engine here turns a would-be hang of an unmetered adapter into a finding.
   */
  guard?: EngineAdapter;
  firstSeed: number;
  iterations?: number;
  deadline?: number;
  options?: Partial<GenOptions>;
  shrink?: boolean;
  /** Milliseconds spent minimizing one finding. */
  shrinkMs?: number;
  maxFindings?: number;
}): ExecFuzzResult {
  const outcomes = new Map<string, number>();
  const findings: ExecFinding[] = [];
  const shrunk = new Set<string>();
  let modules = 0;
  let calls = 0;
  for (let seed = opts.firstSeed; ; seed++) {
    if (opts.iterations !== undefined && modules >= opts.iterations) break;
    if (opts.deadline !== undefined && Date.now() >= opts.deadline) break;
    const gm = generateModule(seed, opts.options);
    modules++;
    let adapter = opts.adapter;
    let { host, diff } = opts.guard ? compareOn(opts.guard, gm) : compareOn(adapter, gm);
    if (opts.guard) {
      if (diff) adapter = opts.guard;
      else diff = diffRecords(host, runGenerated(adapter, gm));
    }
    for (const e of host.events) {
      const m = / -> (trap \w+|ERROR[^:]*|.)/.exec(e);
      if (!m) continue;
      calls++;
      const k = m[1].length === 1 ? 'value' : m[1];
      outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    }
    if (!diff) continue;
    let options = opts.options ?? {};
    let module = gm;
    let d = diff;
    // Minimize once per kind of mismatch (the two outcomes without arguments).
    const kind = `${diff.a.replace(/^.*-> /, '')} | ${diff.b.replace(/^.*-> /, '')}`;
    if (opts.shrink !== false && !shrunk.has(kind)) {
      shrunk.add(kind);
      const deadline = Date.now() + (opts.shrinkMs ?? 10_000);
      options = shrinkOptions(adapter, seed, options, deadline);
      module = shrinkModule(adapter, generateModule(seed, options), deadline);
      d = compareOn(adapter, module).diff ?? diff;
    }
    findings.push({ engine: adapter.name, seed, options, module, diff: d });
    if (opts.maxFindings !== undefined && findings.length >= opts.maxFindings) break;
  }
  return { modules, calls, outcomes, findings };
}
