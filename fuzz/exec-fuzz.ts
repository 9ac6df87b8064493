/**
 * The differential execution fuzz loop: generate a module per seed, run it on
 * the host and on the engine under test, compare the records, and minimize
 * any mismatch (first by generator options, then by deleting bytes).
 */
import { EngineAdapter, RunRecord, diffRecords, runGenerated } from './exec-harness.js';
import { GenOptions, GeneratedModule, generateModule } from './gen-module.js';
import { IN_PROCESS_REFERENCE, Reference } from './reference.js';
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

/** Modules generated and sent to the reference at once. */
const BATCH = 64;

export function compareOn(adapter: EngineAdapter, gm: GeneratedModule, reference = IN_PROCESS_REFERENCE, host = reference.run([gm])[0]): { host: RunRecord; test: RunRecord; diff: ReturnType<typeof diffRecords> } {
  const test = runGenerated(adapter, gm);
  return { host, test, diff: diffRecords(host, test) };
}

/** Smaller generator options that still reproduce a mismatch for this seed, if any. */
export function shrinkOptions(adapter: EngineAdapter, seed: number, options: Partial<GenOptions>, deadline = Infinity, reference = IN_PROCESS_REFERENCE): Partial<GenOptions> {
  let best = { maxFuncs: 5, maxDepth: 5, maxStmts: 4, ...options };
  const fails = (o: Partial<GenOptions>): boolean => compareOn(adapter, generateModule(seed, o), reference).diff !== null;
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
 * `referenceBytes`, could not follow the deletions) nor with a reference
 * other than this process's (a child process per candidate is too slow):
 * returned as they are.
 */
export function shrinkModule(adapter: EngineAdapter, gm: GeneratedModule, deadline = Infinity, reference = IN_PROCESS_REFERENCE): GeneratedModule {
  if (gm.referenceBytes || reference !== IN_PROCESS_REFERENCE) return gm;
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
  /** Where the host side runs (default: this process's WebAssembly). */
  reference?: Reference;
  shrink?: boolean;
  /** Milliseconds spent minimizing one finding. */
  shrinkMs?: number;
  maxFindings?: number;
}): ExecFuzzResult {
  const outcomes = new Map<string, number>();
  const findings: ExecFinding[] = [];
  const shrunk = new Set<string>();
  const reference = opts.reference ?? IN_PROCESS_REFERENCE;
  let modules = 0;
  let calls = 0;
  const batch: Array<{ gm: GeneratedModule; host: RunRecord }> = [];
  for (let seed = opts.firstSeed; ; seed++) {
    if (opts.iterations !== undefined && modules >= opts.iterations) break;
    if (opts.deadline !== undefined && Date.now() >= opts.deadline) break;
    if (batch.length === 0) {
      const n = Math.min(BATCH, (opts.iterations ?? Infinity) - modules);
      const gms = Array.from({ length: n }, (_, i) => generateModule(seed + i, opts.options));
      reference.run(gms).forEach((host, i) => batch.push({ gm: gms[i], host }));
    }
    const { gm, host: hostRecord } = batch.shift()!;
    modules++;
    let adapter = opts.adapter;
    let { host, diff } = compareOn(opts.guard ?? adapter, gm, reference, hostRecord);
    if (opts.guard) {
      if (diff) adapter = opts.guard;
      else diff = diffRecords(host, runGenerated(adapter, gm));
    }
    for (const e of host.events) {
      const m = / -> (trap \w+|ERROR[^:]*|TypeError|.)/.exec(e);
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
      options = shrinkOptions(adapter, seed, options, deadline, reference);
      module = shrinkModule(adapter, generateModule(seed, options), deadline, reference);
      d = compareOn(adapter, module, reference).diff ?? diff;
    }
    findings.push({ engine: adapter.name, seed, options, module, diff: d });
    if (opts.maxFindings !== undefined && findings.length >= opts.maxFindings) break;
  }
  return { modules, calls, outcomes, findings };
}
