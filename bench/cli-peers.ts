/**
 * wabt's interpreter as a peer, run as a child process (one process per run):
 *  - `wabt-js`: `wasm-interp` of the wabt npm package (wabt's C++ interpreter
 *    compiled to wasm by Emscripten, so it runs on V8's JIT under node);
 *  - `wasm-interp`: Debian's native `wasm-interp` (apt package `wabt`), when
 *    installed.
 *
 * Neither takes a run-time argument for the export in every version (Debian's
 * 1.0.32 cannot), so each run gets a copy of the module whose only export
 * `main()` calls `run(n)` (wasm-binary.ts `withMainWrapper`), run with
 * `--run-all-exports`.
 *
 * What is measured: the wall time of the whole process (start-up, reading,
 * validating, instantiating and running the module). The process running
 * `run(0)` is timed too, and the per-unit time reported is
 * (median t(n) - median t(0)) / n; both raw times are in the cell's note and
 * in results.json.
 */
import * as childProcess from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { normalizeChecksum, type Program } from './programs.js';
import { withMainWrapper } from './wasm-binary.js';
import { calibrate, median, nowMs, type CellResult, type MeasureOptions } from './measure.js';

export interface CliPeer {
  name: string;
  description: string;
  /** Command and leading arguments, or a reason why the peer is not available. */
  command(): { cmd: string; args: string[] } | { unavailable: string };
}

export const wabtJsPeer: CliPeer = {
  name: 'wabt-js',
  description: "wabt 1.0.39 npm package: wabt's C++ interpreter compiled to wasm (Emscripten), child process `node wasm-interp`",
  command() {
    try {
      return { cmd: process.execPath, args: [require.resolve('wabt/bin/wasm-interp')] };
    } catch (e) {
      return { unavailable: `wabt npm package not found (${String(e)})` };
    }
  },
};

export const wasmInterpPeer: CliPeer = {
  name: 'wasm-interp',
  description: "Debian's native wabt wasm-interp (apt package wabt), child process",
  command() {
    const probe = childProcess.spawnSync('wasm-interp', ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) return { unavailable: 'wasm-interp not installed (apt-get install -y wabt)' };
    return { cmd: 'wasm-interp', args: [] };
  },
};

export const CLI_PEERS: readonly CliPeer[] = [wabtJsPeer, wasmInterpPeer];

export function cliPeerVersion(peer: CliPeer): string | undefined {
  const c = peer.command();
  if ('unavailable' in c) return undefined;
  const r = childProcess.spawnSync(c.cmd, [...c.args, '--version'], { encoding: 'utf8' });
  return r.stdout.trim() || undefined;
}

class CellTimeout extends Error {}

/** Measures a command-line peer; never throws. `timeoutMs` bounds the whole cell. */
export function measureCli(peer: CliPeer, program: Program, bytes: Uint8Array, opts: MeasureOptions, timeoutMs: number): CellResult {
  const cell: CellResult = { peer: peer.name, program: program.name, status: 'ok' };
  const c = peer.command();
  if ('unavailable' in c) return { ...cell, status: 'unavailable', error: c.unavailable };
  const deadline = nowMs() + timeoutMs;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'detwasm-bench-'));
  let last = '';
  const timeRun = (n: number): number => {
    const file = path.join(dir, `${program.name}-${n}.wasm`);
    if (!fs.existsSync(file)) fs.writeFileSync(file, withMainWrapper(bytes, 'run', n, program.result));
    const remaining = deadline - nowMs();
    if (remaining <= 0) throw new CellTimeout();
    const t0 = nowMs();
    const r = childProcess.spawnSync(c.cmd, [...c.args, file, '--run-all-exports'], { encoding: "utf8", timeout: Math.max(1, Math.floor(remaining)), maxBuffer: 1 << 20 });
    const t = nowMs() - t0;
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') throw new CellTimeout();
    if (r.error) throw r.error;
    const m = /main\(\) => (i32|i64):(-?\d+)/.exec(r.stdout);
    if (!m) throw new Error(`no result in output (exit ${r.status}): ${(r.stdout + r.stderr).trim().slice(0, 200)}`);
    last = normalizeChecksum(m[1] === 'i64' ? BigInt(m[2]) : Number(BigInt.asIntN(32, BigInt(m[2]))), program.result);
    return t;
  };
  try {
    const reps = opts.quick ? 1 : 3;
    const base: number[] = [];
    for (let i = 0; i < reps; i++) base.push(timeRun(0));
    const t0 = median(base);
    let n: number;
    if (opts.quick) n = program.quickN;
    // The run itself should take at least as long as the process start-up, or
    // start-up noise would decide the per-unit time.
    else n = calibrate((k) => timeRun(k) - t0, program.n, Math.max(opts.targetMs, 2 * t0));
    const times: number[] = [];
    const sums = new Set<string>();
    for (let i = 0; i < reps; i++) {
      times.push(timeRun(n));
      sums.add(last);
    }
    if (sums.size !== 1) return { ...cell, status: 'wrong', n, error: `checksum differs between runs: ${[...sums].join(', ')}` };
    const medianMs = median(times);
    if (!opts.quick && medianMs - t0 < t0 / 2) {
      return { ...cell, status: 'failed', n, error: `not measurable: ${medianMs.toFixed(1)} ms at n=${n} is not clearly above the ${t0.toFixed(1)} ms of run(0) (machine load?)` };
    }
    return {
      ...cell,
      n,
      runs: reps,
      medianMs,
      minMs: Math.min(...times),
      perUnitNs: (Math.max(0, medianMs - t0) * 1e6) / n,
      checksum: [...sums][0],
      note: `process wall time ${medianMs.toFixed(1)} ms at n=${n}; per unit = (that - ${t0.toFixed(1)} ms of the same process running run(0)) / n`,
    };
  } catch (e) {
    if (e instanceof CellTimeout) return { ...cell, status: 'timeout', error: `exceeded ${(timeoutMs / 1000).toFixed(0)} s` };
    return { ...cell, status: 'failed', error: e instanceof Error ? e.message : String(e) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
