/**
 * The decoding/validation fuzz loop: mutate seed binaries (the test suite's
 * modules plus generated integer-only modules), classify each mutant against
 * the host, and minimize every finding.
 */
import { CorpusEntry, loadCorpus, loadWabt } from './corpus.js';
import { Classification, classify } from './decode-diff.js';
import { generateModule } from './gen-module.js';
import { executeMutant } from './mutant-exec.js';
import { mutate } from './mutate.js';
import { Rng } from './prng.js';
import { shrinkBytes } from './shrink.js';

export interface DecodeFinding {
  origin: string;
  mutations: string;
  reason: string;
  detail: string;
  bytes: Uint8Array<ArrayBuffer>;
  minimized: Uint8Array<ArrayBuffer>;
}

export interface DecodeFuzzResult {
  cases: number;
  stats: Map<string, number>;
  findings: DecodeFinding[];
  /** Host deviations (detwasm and wabt agree against the host), one sample per reason. */
  disputed: DecodeFinding[];
}

export async function decodeCorpus(files?: string[], generated = 200): Promise<CorpusEntry[]> {
  const corpus = await loadCorpus(files);
  for (let s = 1; s <= generated; s++) corpus.push({ file: 'generated', index: s, bytes: generateModule(0x10000 + s).bytes });
  return corpus;
}

function key(c: Classification): string {
  return `${c.status} detwasm=${typeof c.detwasm === 'string' ? c.detwasm : c.detwasm.kind} host=${c.v8 ? 'accept' : 'reject'}${'reason' in c ? ` (${c.reason})` : ''}`;
}

export async function runDecodeFuzz(opts: {
  seed: number;
  iterations?: number;
  deadline?: number;
  corpus: CorpusEntry[];
  maxFindings?: number;
  /** Also execute accepted mutants on both engines (see mutant-exec.ts). */
  execute?: boolean;
}): Promise<DecodeFuzzResult> {
  const wabt = (await loadWabt()) as unknown as Parameters<typeof classify>[0];
  const rng = new Rng(opts.seed);
  const stats = new Map<string, number>();
  const findings: DecodeFinding[] = [];
  const disputed: DecodeFinding[] = [];
  const seenReasons = new Set<string>();
  let cases = 0;
  const more = (): boolean =>
    (opts.iterations === undefined || cases < opts.iterations) && (opts.deadline === undefined || Date.now() < opts.deadline);
  while (more()) {
    const e = rng.pick(opts.corpus);
    let b = e.bytes;
    const whats: string[] = [];
    for (let k = rng.weighted([0, 6, 3, 1]); k > 0; k--) {
      const r = mutate(b, rng);
      b = r.bytes;
      whats.push(r.what);
    }
    cases++;
    const c = classify(wabt, b);
    const k = key(c);
    stats.set(k, (stats.get(k) ?? 0) + 1);
    if (opts.execute && c.status === 'agree' && c.detwasm === 'accept') {
      const x = executeMutant(b);
      const xk = `executed: ${x.status}${x.status === 'skipped' ? ` (${x.reason})` : ''}`;
      stats.set(xk, (stats.get(xk) ?? 0) + 1);
      if (x.status === 'mismatch') {
        const detail = `host: ${x.host} | detwasm: ${x.detwasm}`;
        const sig = `exec|${x.host.replace(/^.*-> /, '')}|${x.detwasm.replace(/^.*-> /, '')}`;
        let minimized = b;
        if (!seenReasons.has(sig)) {
          seenReasons.add(sig);
          minimized = shrinkBytes(b, cand => {
            const cc = classify(wabt, cand);
            if (cc.status !== 'agree' || cc.detwasm !== 'accept') return false;
            const xx = executeMutant(cand);
            return xx.status === 'mismatch';
          }, 1500);
        }
        findings.push({ origin: `${e.file}#${e.index}`, mutations: whats.join(' '), reason: 'execution mismatch', detail, bytes: b, minimized });
        if (opts.maxFindings !== undefined && findings.length >= opts.maxFindings) break;
      }
    }
    if (c.status === 'disputed') {
      if (disputed.length < 20) disputed.push({ origin: `${e.file}#${e.index}`, mutations: whats.join(' '), reason: c.reason, detail: JSON.stringify(c.detwasm), bytes: b, minimized: b });
      continue;
    }
    if (c.status !== 'finding') continue;
    const detail = JSON.stringify(c.detwasm);
    // Minimize once per distinct (reason, detwasm kind, error message prefix).
    const sig = `${c.reason}|${detail.slice(0, 80)}`;
    let minimized = b;
    if (!seenReasons.has(sig)) {
      seenReasons.add(sig);
      minimized = shrinkBytes(b, cand => {
        const cc = classify(wabt, cand);
        return cc.status === 'finding' && cc.reason === c.reason;
      }, 3000);
    }
    findings.push({ origin: `${e.file}#${e.index}`, mutations: whats.join(' '), reason: c.reason, detail, bytes: b, minimized });
    if (opts.maxFindings !== undefined && findings.length >= opts.maxFindings) break;
  }
  return { cases, stats, findings, disputed };
}
