/**
 * Timing of one (peer, program) cell.
 *
 * Every program does n units of constant work, so a peer is timed at the n
 * that fits its speed and reported per unit: the native engine runs the
 * program's full n; a slower peer starts at n = 1 and grows n until one run
 * takes about `targetMs` (never beyond the full n). Then `warmup` more runs,
 * then `reps` timed runs; the cell's time is their median. The checksum of the
 * final n is reported for the caller to compare with the native engine's.
 */
import { normalizeChecksum, type Program } from './programs.js';
import type { InProcessPeer, Prepared } from './peers.js';

export type CellStatus = 'ok' | 'failed' | 'timeout' | 'wrong' | 'unavailable';

export interface CellResult {
  peer: string;
  program: string;
  status: CellStatus;
  /** Units of work per timed run. */
  n?: number;
  /** Timed runs (after warm-up). */
  runs?: number;
  /** Median and minimum wall time of one run (ms). */
  medianMs?: number;
  minMs?: number;
  /** medianMs / n, in ns. */
  perUnitNs?: number;
  checksum?: string;
  /** The native engine's checksum for the same n (set by the caller). */
  expected?: string;
  /** Gas charged per unit (metered detwasm). */
  gasPerUnit?: number;
  /** What went wrong (failed, timeout, wrong, unavailable). */
  error?: string;
  /** How the time was measured, when it is not simply in-process wall time. */
  note?: string;
  /**
   * Peers timed in the same worker, interleaved run by run with this one
   * (native at its full n; others at this cell's n), so that ratios between
   * them are not skewed by load that changes between cells.
   */
  companions?: Record<string, CompanionResult>;
}

export interface CompanionResult {
  n: number;
  medianMs: number;
  perUnitNs: number;
  checksum: string;
}

export interface MeasureOptions {
  /** Tiny fixed n, one run, no warm-up (smoke test). */
  quick: boolean;
  /** Wall time one calibrated run should take (ms). */
  targetMs: number;
  warmup: number;
  reps: number;
  /** Run exactly this n (no calibration). */
  fixedN?: number;
}

export const DEFAULT_OPTIONS: MeasureOptions = { quick: false, targetMs: 150, warmup: 2, reps: 5 };

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return `${e.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${e.message.split('\n')[0]}`;
  }
  return String(e);
}

/**
 * Grows n from 1 until `time(n)` reaches half the target or n reaches `nMax`.
 * Returns the final n (each step also serves as warm-up).
 */
export function calibrate(time: (n: number) => number, nMax: number, targetMs: number): number {
  let n = 1;
  for (;;) {
    let t = time(n);
    // A cold first run (lazy compilation, JIT tiers) can be many times slower than
    // the next: a run that seems long enough is timed again before n is settled.
    if (t >= targetMs / 2 && n < nMax) t = Math.min(t, time(n));
    if (t >= targetMs / 2 || n >= nMax) return n;
    const factor = t > 0.05 ? targetMs / t : 100;
    n = Math.min(nMax, Math.ceil(n * Math.min(100, Math.max(2, factor))));
  }
}

/** Measures one in-process peer on one program. Never throws: failures become the cell's status. */
export async function measureInProcess(
  peer: InProcessPeer,
  program: Program,
  bytes: Uint8Array,
  opts: MeasureOptions,
  companionPeers: readonly InProcessPeer[] = [],
): Promise<CellResult> {
  const cell: CellResult = { peer: peer.name, program: program.name, status: 'ok' };
  let prepared: Prepared;
  const companions: Array<{ peer: InProcessPeer; prepared: Prepared }> = [];
  try {
    prepared = await peer.prepare(bytes);
  } catch (e) {
    return { ...cell, status: 'failed', error: `load: ${errorText(e)}` };
  }
  try {
    for (const c of companionPeers) companions.push({ peer: c, prepared: await c.prepare(bytes) });
  } catch (e) {
    return { ...cell, status: 'failed', error: `load of a companion peer: ${errorText(e)}` };
  }
  let stage = 'run';
  try {
    let last: unknown;
    const timeRun = (n: number): number => {
      const t0 = nowMs();
      last = prepared.run(n);
      return nowMs() - t0;
    };
    let n: number;
    if (opts.quick) {
      n = program.quickN;
    } else if (opts.fixedN !== undefined) {
      n = opts.fixedN;
    } else if (peer.name === 'native') {
      n = program.n;
    } else {
      stage = 'calibration';
      n = calibrate(timeRun, program.n, opts.targetMs);
    }
    const companionN = companions.map((c) => (opts.quick ? program.quickN : c.peer.name === 'native' ? program.n : n));
    const companionTimes: number[][] = companions.map(() => []);
    const companionSums: Set<string>[] = companions.map(() => new Set());
    const timeCompanion = (k: number): number => {
      const t0 = nowMs();
      const v = companions[k].prepared.run(companionN[k]);
      const t = nowMs() - t0;
      companionSums[k].add(normalizeChecksum(v, program.result));
      return t;
    };
    stage = 'warm-up';
    for (let i = 0; i < (opts.quick ? 0 : opts.warmup); i++) {
      timeRun(n);
      for (let k = 0; k < companions.length; k++) timeCompanion(k);
    }
    stage = 'timed runs';
    const times: number[] = [];
    const sums = new Set<string>();
    const reps = opts.quick ? 1 : opts.reps;
    let gas0 = 0, gas1 = 0;
    for (let i = 0; i < reps; i++) {
      if (i === reps - 1 && prepared.gasUsed) gas0 = prepared.gasUsed();
      times.push(timeRun(n));
      if (i === reps - 1 && prepared.gasUsed) gas1 = prepared.gasUsed();
      sums.add(normalizeChecksum(last, program.result));
      for (let k = 0; k < companions.length; k++) companionTimes[k].push(timeCompanion(k));
    }
    if (sums.size !== 1) {
      return { ...cell, status: 'wrong', n, error: `checksum differs between runs of the same n: ${[...sums].join(', ')}` };
    }
    const medianMs = median(times);
    const companionResults: Record<string, CompanionResult> = {};
    companions.forEach((c, k) => {
      const m = median(companionTimes[k]);
      companionResults[c.peer.name] = { n: companionN[k], medianMs: m, perUnitNs: (m * 1e6) / companionN[k], checksum: [...companionSums[k]].join(' / ') };
    });
    return {
      ...cell,
      n,
      runs: reps,
      medianMs,
      minMs: Math.min(...times),
      perUnitNs: (medianMs * 1e6) / n,
      checksum: [...sums][0],
      gasPerUnit: prepared.gasUsed ? (gas1 - gas0) / n : undefined,
      companions: companions.length ? companionResults : undefined,
    };
  } catch (e) {
    return { ...cell, status: 'failed', error: `${stage}: ${errorText(e)}` };
  }
}
