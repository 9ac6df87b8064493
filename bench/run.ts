/**
 * The detwasm benchmark: `npm run bench` (= build, then node dist/cjs/bench/run.js).
 *
 * Runs every program (programs.ts) on every peer, checks every checksum
 * against the host's own WebAssembly, prints a table of per-unit time ratios
 * vs native with geometric means, measures compile throughput, instantiation
 * and heap per instance of detwasm, and writes bench/results.json.
 *
 * Each in-process (peer, program) cell runs in a worker thread of this process
 * so that a hung or crashing peer is cut off at --timeout and reported, not
 * fatal. Command-line peers (wabt's wasm-interp) run as child processes.
 *
 * Options:
 *   --quick           tiny n, one run per cell, no extras (smoke run)
 *   --only a,b        only these programs
 *   --peers a,b       only these peers (native always runs: it gives the checksums)
 *   --timeout SEC     per-cell time limit (default 30)
 *   --no-extra        skip compile/instantiate/heap measurements
 *   --out FILE        results file (default bench/results.json; --quick writes nothing unless given)
 *   --list            print the programs and peers and exit
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Worker, isMainThread, workerData, parentPort } from 'worker_threads';
import { BENCH_DIR, findProgram, FLOAT_PAIRS, loadProgram, PROGRAMS, WIDTH_PAIRS, type Program } from './programs.js';
import { findInProcessPeer, IN_PROCESS_PEERS, nativePeer } from './peers.js';
import { CLI_PEERS, cliPeerVersion, measureCli } from './cli-peers.js';
import { DEFAULT_OPTIONS, errorText, measureInProcess, median, type CellResult, type MeasureOptions } from './measure.js';
import { ratioToNative, writeChart } from './chart.js';
import { measureCompile, measureHeap, measureInstantiate, measureInstructionCounts } from './extra.js';
import { measureSnapshot, printSnapshot } from './snapshot.js';

/** Rounds of the gas-overhead measurement. */
const GAS_ROUNDS = 3;

const ALL_PEERS = [...IN_PROCESS_PEERS.map((p) => p.name), ...CLI_PEERS.map((p) => p.name)];

interface Args {
  quick: boolean;
  only: string[] | null;
  peers: string[];
  timeoutSec: number;
  extra: boolean;
  out: string | null;
  list: boolean;
}

export function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: null, peers: ALL_PEERS, timeoutSec: 30, extra: true, out: null, list: false };
  let outGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench: ${a} needs a value`);
      return v;
    };
    if (a === '--quick') args.quick = true;
    else if (a === '--only') args.only = value().split(',').filter(Boolean);
    else if (a === '--peers') args.peers = value().split(',').filter(Boolean);
    else if (a === '--timeout') args.timeoutSec = Number(value());
    else if (a === '--no-extra') args.extra = false;
    else if (a === '--out') { args.out = value(); outGiven = true; }
    else if (a === '--list') args.list = true;
    else throw new Error(`bench: unknown option ${a} (see bench/run.ts)`);
  }
  for (const p of args.peers) if (!ALL_PEERS.includes(p)) throw new Error(`bench: unknown peer "${p}" (known: ${ALL_PEERS.join(', ')})`);
  if (args.only) for (const n of args.only) findProgram(n);
  if (!(args.timeoutSec > 0)) throw new Error('bench: --timeout must be a positive number of seconds');
  if (!outGiven && !args.quick) args.out = path.join(BENCH_DIR, 'results.json');
  if (args.quick) args.extra = false;
  return args;
}

interface CellJob {
  peer: string;
  program: string;
  opts: MeasureOptions;
  /** Peers timed interleaved with `peer` in the same worker (measure.ts). */
  companions: string[];
}

/** Worker side: measure one cell and post the result. */
async function workerMain(job: CellJob): Promise<void> {
  const peer = findInProcessPeer(job.peer)!;
  const program = findProgram(job.program);
  let result: CellResult;
  try {
    const companions = job.companions.map((c) => findInProcessPeer(c)!);
    result = await measureInProcess(peer, program, await loadProgram(program), job.opts, companions);
  } catch (e) {
    result = { peer: job.peer, program: job.program, status: 'failed', error: errorText(e) };
  }
  parentPort!.postMessage(result);
}

/** Runs one in-process cell in a worker thread with a time limit. */
function runCellInWorker(job: CellJob, timeoutMs: number): Promise<CellResult> {
  return new Promise((resolve) => {
    const base = { peer: job.peer, program: job.program };
    let settled = false;
    const finish = (r: CellResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const worker = new Worker(__filename, { workerData: { benchCell: job } });
    const timer = setTimeout(() => finish({ ...base, status: 'timeout', error: `exceeded ${(timeoutMs / 1000).toFixed(0)} s` }), timeoutMs);
    worker.on('message', (r: CellResult) => finish(r));
    worker.on('error', (e) => finish({ ...base, status: 'failed', error: `worker: ${errorText(e)}` }));
    worker.on('exit', (code) => finish({ ...base, status: 'failed', error: `worker exited (code ${code}) without a result` }));
  });
}

const expectedCache = new Map<string, string>();

/** The native engine's checksum of `program` at `n` (the reference for every peer). */
async function expectedChecksum(program: Program, n: number): Promise<string> {
  const key = `${program.name}:${n}`;
  let v = expectedCache.get(key);
  if (v === undefined) {
    const cell = await measureInProcess(nativePeer, { ...program, quickN: n }, await loadProgram(program), { ...DEFAULT_OPTIONS, quick: true });
    if (cell.status !== 'ok') throw new Error(`native engine failed on ${program.name}: ${cell.error}`);
    v = cell.checksum!;
    expectedCache.set(key, v);
  }
  return v;
}

export async function checkCell(cell: CellResult, program: Program): Promise<CellResult> {
  if (cell.status !== 'ok' || cell.n === undefined) return cell;
  const expected = await expectedChecksum(program, cell.n);
  if (cell.checksum !== expected) return { ...cell, expected, status: 'wrong', error: `checksum ${cell.checksum}, native ${expected} (n=${cell.n})` };
  for (const [name, c] of Object.entries(cell.companions ?? {})) {
    const e = await expectedChecksum(program, c.n);
    if (c.checksum !== e) return { ...cell, expected, status: 'wrong', error: `companion ${name}: checksum ${c.checksum}, native ${e} (n=${c.n})` };
  }
  return { ...cell, expected };
}

function geomean(xs: number[]): number | null {
  if (xs.length === 0) return null;
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

function fmtRatio(x: number | null | undefined): string {
  if (x === null || x === undefined || !isFinite(x)) return '-';
  return x >= 100 ? `${x.toFixed(0)}x` : x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`;
}

function fmtNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} us`;
  return `${ns.toFixed(2)} ns`;
}

function cellText(cell: CellResult | undefined, native: CellResult | undefined): string {
  if (!cell) return '';
  if (cell.status === 'ok') return fmtRatio(ratioToNative(cell, native));
  return { failed: 'FAIL', timeout: 'timeout', wrong: 'WRONG', unavailable: 'n/a', ok: '' }[cell.status];
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ')).join('\n');
}

interface Target {
  name: string;
  target: string;
  value: string;
  met: boolean | null;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const programs = args.only ? args.only.map(findProgram) : [...PROGRAMS];
  const peers = ['native', ...args.peers.filter((p) => p !== 'native')];
  if (args.list) {
    for (const p of PROGRAMS) console.log(`${p.name.padEnd(14)} ${p.kind.padEnd(6)} n=${p.n}  unit: ${p.unit}`);
    for (const p of IN_PROCESS_PEERS) console.log(`${p.name.padEnd(14)} ${p.description}`);
    for (const p of CLI_PEERS) console.log(`${p.name.padEnd(14)} ${p.description}`);
    return 0;
  }
  const opts: MeasureOptions = { ...DEFAULT_OPTIONS, quick: args.quick };
  const timeoutMs = args.timeoutSec * 1000;
  const loadStart = os.loadavg()[0];
  console.log(`detwasm bench: node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown cpu'} x${os.cpus().length}, ${args.quick ? 'quick' : 'full'} mode, timeout ${args.timeoutSec} s per cell, load average ${loadStart.toFixed(1)}`);
  if (loadStart > os.cpus().length) console.log(`warning: the machine is busy (load ${loadStart.toFixed(1)} on ${os.cpus().length} cpus): timings will be noisy`);

  const cells: Record<string, Record<string, CellResult>> = {};
  for (const program of programs) {
    cells[program.name] = {};
    for (const peerName of peers) {
      let cell: CellResult;
      const cli = CLI_PEERS.find((p) => p.name === peerName);
      if (cli) {
        try {
          cell = measureCli(cli, program, await loadProgram(program), opts, timeoutMs);
        } catch (e) {
          cell = { peer: peerName, program: program.name, status: 'failed', error: errorText(e) };
        }
      } else {
        const companions = peerName === 'native' ? [] : ['native'];
        cell = await runCellInWorker({ peer: peerName, program: program.name, opts, companions }, timeoutMs);
      }
      try {
        cell = await checkCell(cell, program);
      } catch (e) {
        cell = { ...cell, status: 'failed', error: `no reference checksum: ${errorText(e)}` };
      }
      cells[program.name][peerName] = cell;
      const what = cell.status === 'ok' ? `${fmtNs(cell.perUnitNs!)}/unit, n=${cell.n}` : `${cell.status}: ${cell.error}`;
      console.error(`  ${program.name} / ${peerName}: ${what}`);
    }
  }

  // Table of per-unit time ratios vs native.
  const others = peers.filter((p) => p !== 'native');
  const rows: string[][] = [['program', 'native/unit', ...others]];
  for (const program of programs) {
    const native = cells[program.name].native;
    rows.push([program.name, native.status === 'ok' ? fmtNs(native.perUnitNs!) : native.status, ...others.map((p) => cellText(cells[program.name][p], native))]);
  }
  const geo: Record<string, Record<string, number | null>> = {};
  for (const kind of ['corpus', 'micro'] as const) {
    const ps = programs.filter((p) => p.kind === kind);
    if (ps.length === 0) continue;
    geo[kind] = {};
    const cellsOf = (peer: string): string => {
      const ratios: number[] = [];
      for (const p of ps) {
        const r = ratioToNative(cells[p.name][peer], cells[p.name].native);
        if (r !== null && r > 0) ratios.push(r);
      }
      geo[kind][peer] = geomean(ratios);
      return ratios.length === ps.length ? fmtRatio(geo[kind][peer]) : `${fmtRatio(geo[kind][peer])} (${ratios.length}/${ps.length})`;
    };
    rows.push([`geomean ${kind}`, '', ...others.map(cellsOf)]);
  }
  const abs: string[][] = [['program', 'unit', ...peers]];
  for (const program of programs) {
    abs.push([program.name, program.unit, ...peers.map((p) => {
      const c = cells[program.name][p];
      return c.status === 'ok' ? fmtNs(c.perUnitNs!) : c.status;
    })]);
  }
  console.log('\nMedian time per unit of work:\n');
  console.log(table(abs));
  console.log('\nTime per unit of work, as a multiple of the native engine (lower is better; each peer against native runs\ninterleaved with its own in the same worker, command-line peers against the native column):\n');
  console.log(table(rows));
  const problems = programs.flatMap((p) => peers.map((q) => cells[p.name][q]).filter((c) => c.status !== 'ok'));
  if (problems.length) {
    console.log('\nNot ok (FAIL = error, WRONG = checksum differs from native, timeout, n/a = not installed):');
    for (const c of problems) console.log(`  ${c.program} / ${c.peer}: ${c.status}: ${c.error}`);
  }
  const notes = programs.flatMap((p) => peers.map((q) => cells[p.name][q]).filter((c) => c.note));
  if (notes.length) {
    console.log('\nCommand-line peers (one process per run):');
    for (const c of notes) console.log(`  ${c.program} / ${c.peer}: ${c.note}`);
  }
  const okCount = programs.reduce((s, p) => s + peers.filter((q) => cells[p.name][q].status === 'ok').length, 0);
  console.log(`\n${okCount} of ${programs.length * peers.length} cells ok; every ok checksum equals the native engine's at the same n.`);

  // Extras and targets.
  const targets: Target[] = [];
  const extra: Record<string, unknown> = {};
  // Gas overhead: metered and unmetered detwasm at the same n, in separate workers
  // run back to back (sharing one isolate would let each mode's type feedback
  // slow the other), GAS_ROUNDS rounds; the overhead is the median of the rounds.
  const gasOk = programs.filter((p) => cells[p.name]['detwasm-gas']?.status === 'ok' && cells[p.name].detwasm?.status === 'ok');
  if (gasOk.length && !args.quick) {
    const per: Array<{ program: string; overhead: number; rounds: number[] }> = [];
    for (const p of gasOk) {
      const n = cells[p.name]['detwasm-gas'].n!;
      const rounds: number[] = [];
      for (let r = 0; r < GAS_ROUNDS; r++) {
        const jobOpts = { ...opts, fixedN: n };
        const one = async (peer: string): Promise<CellResult> =>
          checkCell(await runCellInWorker({ peer, program: p.name, opts: jobOpts, companions: [] }, timeoutMs), p);
        // Alternate which mode runs first.
        const [g, u] = r % 2 === 0
          ? [await one('detwasm-gas'), await one('detwasm')]
          : await one('detwasm').then(async (x) => [await one('detwasm-gas'), x]);
        if (g.status === 'ok' && u.status === 'ok') rounds.push(g.perUnitNs! / u.perUnitNs! - 1);
      }
      if (rounds.length) per.push({ program: p.name, overhead: median(rounds), rounds });
    }
    const g = geomean(per.filter((x) => programs.find((p) => p.name === x.program)!.kind === 'corpus').map((x) => 1 + x.overhead));
    extra.gasOverhead = { perProgram: per, geomeanCorpus: g === null ? null : g - 1 };
    console.log(`\nGas on vs off (metered / unmetered detwasm - 1 at the same n, median of ${GAS_ROUNDS} back-to-back rounds): ` + per.map((x) => `${x.program} ${(x.overhead * 100).toFixed(0)}%`).join(', '));
    if (g !== null) targets.push({ name: 'gas on vs off, geomean corpus', target: '<= 5%', value: `${((g - 1) * 100).toFixed(1)}%`, met: g - 1 <= 0.05 });
  }
  if (geo.corpus?.['detwasm-gas'] != null && !args.quick) {
    const all = programs.filter((p) => p.kind === 'corpus').every((p) => cells[p.name]['detwasm-gas'].status === 'ok');
    targets.push({ name: 'geomean detwasm (gas on) / native, corpus', target: '<= 12', value: `${geo.corpus['detwasm-gas']!.toFixed(1)}${all ? '' : ' (not every program ok)'}`, met: all && geo.corpus['detwasm-gas']! <= 12 });
    const ratios = programs.filter((p) => p.kind === 'corpus').map((p) => ({ name: p.name, r: ratioToNative(cells[p.name]['detwasm-gas'], cells[p.name].native) }));
    const worst = ratios.reduce((a, b) => ((b.r ?? Infinity) > (a.r ?? Infinity) ? b : a));
    targets.push({ name: 'every corpus program, detwasm (gas on) / native', target: '<= 20', value: `worst ${worst.name} ${worst.r?.toFixed(1) ?? '-'}`, met: all && ratios.every((x) => x.r !== null && x.r <= 20) });
    const calls = cells['micro-calls2'] ? ratioToNative(cells['micro-calls2']['detwasm-gas'], cells['micro-calls2'].native) : null;
    if (cells['micro-calls2']) targets.push({ name: 'call micro (micro-calls2), detwasm (gas on) / native', target: '<= 15', value: calls === null ? '-' : calls.toFixed(1), met: calls !== null && calls <= 15 });
  }
  if (args.extra && peers.includes('detwasm-gas')) {
    try {
      const wanted = programs;
      const instr = await measureInstructionCounts(wanted);
      extra.instructionsPerUnit = instr;
      console.log('\ndetwasm executed wasm instructions per unit (unit gas schedule) and time per instruction:');
      const irows = [['program', 'instr/unit', 'native ns/instr', 'detwasm-gas ns/instr', 'detwasm ns/instr']];
      for (const p of wanted) {
        const per = (peer: string): string => {
          const c = cells[p.name][peer];
          return c?.status === 'ok' && instr[p.name] !== undefined ? (c.perUnitNs! / instr[p.name]).toFixed(2) : '-';
        };
        irows.push([p.name, instr[p.name]?.toFixed(1) ?? '-', per('native'), per('detwasm-gas'), per('detwasm')]);
      }
      console.log(table(irows));
      for (const w of WIDTH_PAIRS) {
        const a = cells[w.i64]?.['detwasm-gas'], b = cells[w.i32]?.['detwasm-gas'];
        if (a?.status !== 'ok' || b?.status !== 'ok') continue;
        const r = (a.perUnitNs! / instr[w.i64]) / (b.perUnitNs! / instr[w.i32]);
        targets.push({ name: `${w.i64} vs ${w.i32}: detwasm-gas time per instruction`, target: '<= 1.6x', value: `${r.toFixed(2)}x`, met: r <= 1.6 });
      }
      for (const w of FLOAT_PAIRS) {
        if (!wanted.some((p) => p.name === w.float)) continue;
        const a = cells[w.float]?.['detwasm-gas'], b = cells[w.i32]?.['detwasm-gas'];
        const name = `${w.float} vs ${w.i32}: detwasm-gas time per instruction`;
        if (a?.status !== 'ok' || b?.status !== 'ok' || instr[w.float] === undefined) {
          targets.push({ name, target: '<= 2x', value: `- (${w.float}: ${a?.status ?? 'not run'})`, met: a?.status === 'ok' ? null : false });
          continue;
        }
        const r = (a.perUnitNs! / instr[w.float]) / (b.perUnitNs! / instr[w.i32]);
        targets.push({ name, target: '<= 2x', value: `${r.toFixed(2)}x`, met: r <= 2 });
      }
    } catch (e) {
      console.log(`\ninstruction counts failed: ${errorText(e)}`);
      extra.instructionsPerUnit = { error: errorText(e) };
    }
  }
  if (args.extra && peers.some((p) => p.startsWith('detwasm'))) {
    try {
      const c = await measureCompile(1_000_000, 5);
      extra.compile = c;
      console.log(`\nCompile throughput (${c.template}; ${c.what}):`);
      for (const [k, pt] of [['1x', c.x1], ['10x', c.x10]] as const) {
        console.log(`  ${k}: ${(pt.bytes / 1e6).toFixed(2)} MB, ${pt.functions} functions: decode+validate ${pt.decodeValidateMs.toFixed(0)} ms, compile ${pt.compileMs.toFixed(0)} ms (metered ${pt.compileMeteredMs.toFixed(0)} ms) -> ${pt.mbPerSec.toFixed(1)} MB/s`);
      }
      console.log(`  10x module / 1x module time: ${c.ratio10x.toFixed(2)}`);
      targets.push({ name: 'compile throughput (decode + validate + compile)', target: '>= 50 MB/s', value: `${c.x1.mbPerSec.toFixed(1)} MB/s`, met: c.x1.mbPerSec >= 50 });
      targets.push({ name: 'compile linearity: 10x module time ratio', target: '<= 11x', value: `${c.ratio10x.toFixed(2)}x`, met: c.ratio10x <= 11 });
    } catch (e) {
      console.log(`\ncompile measurement failed: ${errorText(e)}`);
      extra.compile = { error: errorText(e) };
    }
    try {
      const inst = await measureInstantiate(['fib', 'sha256', 'bulk', 'lz'], 300);
      extra.instantiate = inst;
      console.log('\nInstantiate (new Store + instantiate of a compiled module; native: new WebAssembly.Instance), median:');
      for (const r of inst) console.log(`  ${r.program}: detwasm ${r.detwasmUs.toFixed(1)} us, native ${r.nativeUs.toFixed(1)} us`);
    } catch (e) {
      console.log(`\ninstantiate measurement failed: ${errorText(e)}`);
      extra.instantiate = { error: errorText(e) };
    }
    try {
      const heap = await measureHeap(['fib', 'bulk'], [50, 200]);
      extra.heap = heap;
      console.log('\nHeap per instance (process.memoryUsage after gc; ArrayBuffers = linear memory + store stacks):');
      for (const h of heap) {
        for (const [label, pts] of [['own store', h.ownStore], ['shared store', h.sharedStore]] as const) {
          console.log(`  ${h.program} (${h.functions} functions, memory ${h.memoryBytes / 1024} KiB), ${label}: ` +
            pts.map((p) => `x${p.instances}: heap ${(p.heapPerInstance / 1024).toFixed(1)} KiB + ArrayBuffers ${(p.arrayBuffersPerInstance / 1024).toFixed(1)} KiB`).join('; '));
        }
      }
      const many = heap.find((h) => h.functions >= 10_000);
      if (many) {
        const perFunc = many.ownStore[many.ownStore.length - 1].heapPerInstance / many.functions;
        targets.push({ name: `heap per instance per function of the module (${many.program}: no object per unreferenced function)`, target: '<= 16 bytes', value: `${perFunc.toFixed(1)} bytes`, met: perFunc <= 16 });
      }
      targets.push({ name: 'heap per instance bounded (per-instance cost at 200 instances within 25% + 4 KiB of at 50)', target: 'bounded', value: heap.map((h) => `${h.program}: ${h.bounded ? 'yes' : 'no'}`).join(', '), met: heap.every((h) => h.bounded) });
    } catch (e) {
      console.log(`\nheap measurement failed: ${errorText(e)}`);
      extra.heap = { error: errorText(e) };
    }
    try {
      const snap = measureSnapshot(64, 7);
      extra.snapshot = snap;
      printSnapshot(snap);
      for (const p of snap) {
        targets.push({ name: `snapshot of a 64 MiB memory (${p.fill}) vs a plain copy`, target: '< 10x', value: `${p.snapshotRatio.toFixed(2)}x`, met: p.snapshotRatio < 10 });
        targets.push({ name: `restore of a 64 MiB memory (${p.fill}) vs a plain copy`, target: '< 10x', value: `${p.restoreRatio.toFixed(2)}x`, met: p.restoreRatio < 10 });
      }
    } catch (e) {
      console.log(`\nsnapshot measurement failed: ${errorText(e)}`);
      extra.snapshot = { error: errorText(e) };
    }
  }
  const loadEnd = os.loadavg()[0];
  console.log(`\nload average: ${loadStart.toFixed(1)} at start, ${loadEnd.toFixed(1)} at end (${os.cpus().length} cpus)`);
  if (targets.length) {
    console.log('\nTargets:');
    for (const t of targets) console.log(`  [${t.met ? 'met' : 'MISSED'}] ${t.name}: ${t.value} (target ${t.target})`);
  }

  if (args.out) {
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      cpu: `${os.cpus()[0]?.model ?? 'unknown'} x${os.cpus().length}`,
      mode: args.quick ? 'quick' : 'full',
      loadAverage: { start: loadStart, end: loadEnd, cpus: os.cpus().length },
      method: 'per unit of work: median of timed runs after calibration and warm-up (bench/measure.ts); ratios are per-unit time / native per-unit time',
      peers: Object.fromEntries([
        ...IN_PROCESS_PEERS.filter((p) => peers.includes(p.name)).map((p) => [p.name, { description: p.description }]),
        ...CLI_PEERS.filter((p) => peers.includes(p.name)).map((p) => [p.name, { description: p.description, version: cliPeerVersion(p) }]),
      ]),
      programs: programs.map((p) => ({ ...p, cells: cells[p.name] })),
      geomean: geo,
      extra,
      targets,
    };
    fs.writeFileSync(args.out, JSON.stringify(results, null, 2) + '\n');
    const chart = args.out.replace(/\.json$/, '') + '.svg';
    writeChart(args.out, chart);
    console.log(`\nwrote ${path.relative(process.cwd(), args.out)} and ${path.relative(process.cwd(), chart)}`);
  }
  return 0;
}

if (!isMainThread && (workerData as { benchCell?: CellJob } | null)?.benchCell) {
  void workerMain((workerData as { benchCell: CellJob }).benchCell);
} else if (isMainThread && require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e instanceof Error ? e.stack : e);
      process.exit(2);
    },
  );
}
