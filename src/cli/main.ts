/**
 * The `detwasm` command line: run, validate, inspect, wast.
 * Compiled to dist/cjs/src/cli/main.js; bin/detwasm.js calls `main`.
 * Every failure is one line on stderr and a distinct exit code (args.ts EXIT).
 */
import { performance } from 'perf_hooks';
import { resolveConfig, type EngineConfig } from '../config.js';
import { decode } from '../decoder/index.js';
import type { DecodedModule, functype, memtype, tabletype } from '../decoder/module.js';
import { valtypeName } from '../decoder/module.js';
import { indexSpaces } from '../decoder/spaces.js';
import { writeFileSync } from 'fs';
import { Engine, Store, formatStep, type TraceStep } from '../index.js';
import { EXIT, USAGE, UsageError, parseArgs, type Command } from './args.js';
import { loadModule, readFile, requireWabt } from './load.js';
import type { FileResult as WastFileResult } from '../../spec-tests/results.js';
import { describeFailure, verboseDetails } from './report.js';
import { listSections } from './sections.js';
import { formatFuncType, formatValue, jsonValue, parseValues, resultList } from './values.js';
import { processStdin, readTree, writeBack } from './wasi.js';
import { Wasi, wasiEngineConfig } from '../wasi/index.js';
import type { FileTree } from '../wasi/vfs.js';

/** Where output goes; tests may capture it. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** A WASI program's output bytes (default: `out`/`err` of their UTF-8 text, without a newline added). */
  write?(stream: 'stdout' | 'stderr', bytes: Uint8Array): void;
  /** A WASI program's standard input (default: empty). */
  stdin?(): Uint8Array;
}

const processIo: Io = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  write: (stream, bytes) => (stream === 'stdout' ? process.stdout : process.stderr).write(bytes),
  stdin: processStdin,
};

/** Runs the CLI and returns the exit code (never throws). */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(argv);
  } catch (e) {
    return fail(io, e, 'usage', argv.includes('--verbose'), false);
  }
  switch (command.kind) {
    case 'help':
      io.out(USAGE);
      return EXIT.ok;
    case 'version':
      io.out(version());
      return EXIT.ok;
    case 'run':
      return guarded(io, command, command.file, () => run(command, io));
    case 'validate':
      return guarded(io, command, command.file, () => validateCmd(command, io));
    case 'inspect':
      return guarded(io, command, command.file, () => inspect(command, io));
    case 'wast':
      return guarded(io, command, command.files.join(' '), () => wast(command, io));
  }
}

type WithCommon = Exclude<Command, { kind: 'help' } | { kind: 'version' }>;

/** A failure that already carries the context of where it happened. */
class Located extends Error {
  constructor(readonly original: unknown, readonly context: string, readonly suffix = '') {
    super('located');
  }
}

async function guarded(io: Io, cmd: WithCommon, context: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof Located) return fail(io, e.original, e.context, cmd.verbose, cmd.json, e.suffix);
    return fail(io, e, context, cmd.verbose, cmd.json);
  }
}

function fail(io: Io, err: unknown, context: string, verbose: boolean, json: boolean, suffix = ''): number {
  const f = describeFailure(err, context);
  f.message = (f.message + suffix).replace(/\s*\n\s*/g, ' ');
  io.err(`detwasm: ${f.message}`);
  if (verbose) io.err(verboseDetails(err));
  if (json) {
    const where = f.funcIndex === undefined ? {} : { funcIndex: f.funcIndex, funcName: f.funcName, backtrace: f.backtrace };
    io.out(JSON.stringify({ ok: false, error: { kind: f.kind, code: f.code, message: f.message, exitCode: f.exitCode, ...where } }));
  }
  return f.exitCode;
}

function version(): string {
  // dist/cjs/src/cli/main.js → ../../../../package.json; src/cli/main.ts (tests) → ../../package.json
  for (const rel of ['../../../../package.json', '../../package.json']) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const pkg = require(rel);
      if (pkg?.name === 'detwasm') return `detwasm ${pkg.version}`;
    } catch {
      // try the next location
    }
  }
  return 'detwasm (unknown version)';
}

function engineConfig(cmd: { features: EngineConfig['features'] }): EngineConfig {
  return { features: cmd.features };
}

function ms(t: number): string {
  return t < 10 ? t.toFixed(2) : t < 100 ? t.toFixed(1) : t.toFixed(0);
}

/** Stores clamp budgets to Number.MAX_SAFE_INTEGER (src/gas/README.md); show the budget actually used. */
function gasBudget(gas: bigint | undefined): number | undefined {
  if (gas === undefined) return undefined;
  return gas <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(gas) : Number.MAX_SAFE_INTEGER;
}

/** The module the name of whose imports makes a module a WASI program. */
const WASI_MODULE = 'wasi_snapshot_preview1';

async function run(cmd: Extract<Command, { kind: 'run' }>, io: Io): Promise<number> {
  const { bytes } = await loadModule(cmd.file);
  let isWasi = false, isCommand = false;
  try {
    const resolved = resolveConfig(engineConfig(cmd));
    const m = decode(bytes, resolved.limits, resolved.features);
    isWasi = m.imports.some((i) => i.module === WASI_MODULE);
    isCommand = m.exports.some((e) => e.name === '_start' && e.kind === 'func');
  } catch {
    // a module that does not decode: compiling it below reports why
  }
  if (!isWasi && (cmd.dirs.length > 0 || cmd.env.length > 0)) {
    throw new UsageError(`run: --dir and --env are for WASI programs; ${cmd.file} does not import ${WASI_MODULE}`);
  }
  if (isWasi && isCommand && cmd.invoke === undefined) return runWasiProgram(cmd, io, bytes);
  if (cmd.invoke === undefined && cmd.args.length > 0) throw new UsageError('run: arguments given without --invoke NAME');
  const config = isWasi ? wasiEngineConfig(engineConfig(cmd)) : engineConfig(cmd);
  const engine = new Engine(config);
  // a WASI reactor called with --invoke gets the WASI imports (no directories or environment from the command line)
  const wasi = isWasi ? new Wasi({ args: [cmd.file], stdout: (b) => writeOut(io, 'stdout', b), stderr: (b) => writeOut(io, 'stderr', b) }) : null;

  const t0 = performance.now();
  const module = engine.compile(bytes);
  const t1 = performance.now();
  const decoded = decode(bytes, resolveConfig(config).limits, resolveConfig(config).features);
  const types = indexSpaces(decoded).funcTypes;

  // Resolve the export to call before instantiating, so usage errors come first.
  let target = cmd.invoke;
  if (target === undefined && decoded.exports.some((e) => e.name === '_start' && e.kind === 'func')) target = '_start';
  let type: functype | undefined;
  let args: unknown[] = [];
  if (target !== undefined) {
    const exp = decoded.exports.find((e) => e.name === target);
    if (!exp || exp.kind !== 'func') {
      const funcs = decoded.exports.filter((e) => e.kind === 'func').map((e) => e.name);
      const why = exp ? `"${target}" is a ${exp.kind}, not a function` : `no export named "${target}"`;
      throw new UsageError(`${cmd.file}: ${why} (exported functions: ${funcs.join(', ') || 'none'})`);
    }
    type = types[exp.index];
    args = parseValues(cmd.args, type.params, target);
  }

  const budget = gasBudget(cmd.gas);
  const store = new Store(engine, { ...(budget !== undefined ? { gas: budget } : {}), ...observers(cmd, io) });
  const gasLine = () =>
    budget !== undefined ? `gas used: ${String(store.gasUsed)} of ${budget}` : 'gas used: unmetered (pass --gas N to meter)';

  const call = `${target}(${cmd.args.join(', ')})`;
  let phase = 'instantiate';
  try {
    const t2 = performance.now();
    const instance = store.instantiate(module, wasi ? wasi.imports() : {});
    if (wasi) wasi.initialize(instance);
    const t3 = performance.now();
    const instantiation = store.gasUsed;
    let results: unknown[] = [];
    if (target !== undefined && type !== undefined) {
      phase = call;
      const fn = instance.exports[target] as (...a: unknown[]) => unknown;
      results = resultList(fn(...args), type.results.length);
    }
    const t4 = performance.now();
    const times = { compile: t1 - t0, instantiate: t3 - t2, run: t4 - t3 };
    if (cmd.json) {
      io.out(JSON.stringify({
        ok: true,
        invoke: target ?? null,
        results: results.map(jsonValue),
        resultTypes: type ? type.results.map(valtypeName) : [],
        gasUsed: budget !== undefined ? String(store.gasUsed) : null,
        gasBudget: budget !== undefined ? String(budget) : null,
        timeMs: times,
      }));
    } else {
      if (target === undefined) {
        const funcs = decoded.exports.filter((e) => e.kind === 'func').map((e) => e.name);
        io.err(`instantiated ${cmd.file}; no --invoke given (exported functions: ${funcs.join(', ') || 'none'})`);
      }
      for (const r of results) io.out(formatValue(r));
      io.err(gasLine());
      if (cmd.profile !== undefined) printProfile(cmd, io, store, instantiation);
      io.err(`time: compile ${ms(times.compile)} ms, instantiate ${ms(times.instantiate)} ms, run ${ms(times.run)} ms`);
    }
    return EXIT.ok;
  } catch (e) {
    const used = budget !== undefined ? ` [gas used ${String(store.gasUsed)} of ${budget}]` : '';
    throw new Located(e, `${cmd.file}: ${phase}`, used);
  }
}

function writeOut(io: Io, stream: 'stdout' | 'stderr', bytes: Uint8Array): void {
  if (io.write) io.write(stream, bytes);
  else (stream === 'stdout' ? io.out : io.err)(new TextDecoder().decode(bytes).replace(/\n$/, ''));
}

/**
 * Runs a WASI command: `_start` with the program arguments, the mapped
 * directories and environment; returns the program's exit code. The
 * program's changes to the mapped directories are written back even when it
 * traps.
 */
async function runWasiProgram(cmd: Extract<Command, { kind: 'run' }>, io: Io, bytes: Uint8Array): Promise<number> {
  const config = wasiEngineConfig(engineConfig(cmd));
  const floats = resolveConfig(config).features.floats;
  const engine = new Engine(config);
  const module = engine.compile(bytes);
  const preopens: Record<string, FileTree> = {};
  const trees: { [name: string]: Uint8Array | FileTree }[] = [];
  for (const d of cmd.dirs) {
    if (Object.prototype.hasOwnProperty.call(preopens, d.guest)) throw new UsageError(`run: --dir maps two directories to ${d.guest}`);
    const tree = readTree(d.host);
    trees.push(tree);
    preopens[d.guest] = tree;
  }
  const wasi = new Wasi({
    args: [cmd.file, ...cmd.args],
    env: cmd.env,
    preopens,
    stdin: io.stdin ?? new Uint8Array(0), // read when the program first reads stdin
    stdout: (b) => writeOut(io, 'stdout', b),
    stderr: (b) => writeOut(io, 'stderr', b),
  });
  const budget = gasBudget(cmd.gas);
  const store = new Store(engine, { ...(budget !== undefined ? { gas: budget } : {}), ...observers(cmd, io) });
  const t0 = performance.now();
  let code: number;
  let instantiation = 0;
  try {
    const instance = store.instantiate(module, wasi.imports());
    instantiation = store.gasUsed;
    code = wasi.start(instance);
  } catch (e) {
    const used = budget !== undefined ? ` [gas used ${String(store.gasUsed)} of ${budget}]` : '';
    throw new Located(e, `${cmd.file}: _start`, used);
  } finally {
    const files = wasi.files(), dirs = wasi.directories();
    cmd.dirs.forEach((d, i) => writeBack(d, trees[i], files, dirs));
  }
  const ms_ = performance.now() - t0;
  const gas = budget !== undefined ? `gas used: ${String(store.gasUsed)} of ${budget}` : 'gas used: unmetered (pass --gas N to meter)';
  if (cmd.json) {
    io.out(JSON.stringify({
      ok: true, wasi: true, exitCode: code, floats,
      gasUsed: budget !== undefined ? String(store.gasUsed) : null, gasBudget: budget !== undefined ? String(budget) : null, timeMs: { run: ms_ },
    }));
  } else if (budget !== undefined || cmd.verbose) {
    io.err(`detwasm: WASI exit code ${code}, ${gas}, deterministic floats ${floats ? 'on' : 'off'}, run ${ms(ms_)} ms`);
  }
  if (cmd.profile !== undefined && !cmd.json) printProfile(cmd, io, store, instantiation);
  return code;
}

async function validateCmd(cmd: Extract<Command, { kind: 'validate' }>, io: Io): Promise<number> {
  const { bytes } = await loadModule(cmd.file);
  const engine = new Engine(engineConfig(cmd));
  engine.compile(bytes); // throws the CompileError that says why
  if (cmd.json) io.out(JSON.stringify({ ok: true, valid: true }));
  else io.out(`${cmd.file}: valid`);
  return EXIT.ok;
}

async function inspect(cmd: Extract<Command, { kind: 'inspect' }>, io: Io): Promise<number> {
  const { bytes, fromText } = await loadModule(cmd.file);
  const config = engineConfig(cmd);
  const engine = new Engine(config);
  const module = engine.compile(bytes);
  const m = decode(bytes, resolveConfig(config).limits, resolveConfig(config).features);
  const limits = (l: { min: number; max: number | undefined }) => (l.max === undefined ? `${l.min}..` : `${l.min}..${l.max}`);
  const tableText = (t: tabletype): string => `table ${t.is64 ? 'i64 ' : ''}${valtypeName(t.elemtype)} ${limits(t.limits)}`;
  const memoryText = (t: memtype): string =>
    `memory ${t.is64 ? 'i64 ' : ''}${limits(t.limits)} pages${t.pageSizeLog2 === 16 ? '' : ` of ${2 ** t.pageSizeLog2} bytes`}`;
  const describeImport = (d: DecodedModule['imports'][number]['desc']): string => {
    switch (d.kind) {
      case 'func': return `func ${formatFuncType(m.types[d.typeidx].params, m.types[d.typeidx].results)}`;
      case 'table': return tableText(d.type);
      case 'memory': return memoryText(d.type);
      case 'global': return `global ${d.type.mutable ? 'mut ' : ''}${valtypeName(d.type.valtype)}`;
      case 'tag': return `tag (${m.types[d.typeidx].params.map(valtypeName).join(', ')})`;
    }
  };
  const spaces = indexSpaces(m);
  const importedFuncs = spaces.numImportedFuncs;
  const describeExport = (e: DecodedModule['exports'][number]): string => {
    switch (e.kind) {
      case 'func': return `func ${formatFuncType(spaces.funcTypes[e.index].params, spaces.funcTypes[e.index].results)}`;
      case 'table': return tableText(spaces.tableTypes[e.index]);
      case 'memory': return memoryText(spaces.memTypes[e.index]);
      case 'tag': return `tag (${spaces.tagTypes[e.index].params.map(valtypeName).join(', ')})`;
      case 'global': {
        const t = spaces.globalTypes[e.index];
        return `global ${t.mutable ? 'mut ' : ''}${valtypeName(t.valtype)}`;
      }
    }
  };
  const sections = listSections(bytes);
  const codeBytes = m.codes.reduce((s, c) => s + c.size, 0);
  if (cmd.json) {
    io.out(JSON.stringify({
      ok: true,
      size: bytes.length,
      imports: m.imports.map((i) => ({ module: i.module, name: i.name, kind: i.desc.kind, type: describeImport(i.desc) })),
      exports: m.exports.map((e) => ({ name: e.name, kind: e.kind, type: describeExport(e) })),
      functions: { imported: importedFuncs, defined: m.funcs.length, codeBytes },
      sections: sections.map((s) => ({ name: s.name, offset: s.offset, size: s.size })),
      compileCost: String(module.compileCost),
    }));
    return EXIT.ok;
  }
  io.out(`${cmd.file}: ${bytes.length} bytes${fromText ? ' (converted from text)' : ''}`);
  io.out(`imports (${m.imports.length}):`);
  for (const i of m.imports) io.out(`  ${i.module}.${i.name}: ${describeImport(i.desc)}`);
  io.out(`exports (${m.exports.length}):`);
  for (const e of m.exports) io.out(`  ${e.name}: ${describeExport(e)}`);
  io.out(`functions: ${m.funcs.length} defined (${codeBytes} bytes of code), ${importedFuncs} imported`);
  io.out(`memories: ${spaces.memTypes.length}, tables: ${spaces.tableTypes.length}, globals: ${spaces.globalTypes.length}, tags: ${spaces.tagTypes.length}, data segments: ${m.datas.length}, elem segments: ${m.elems.length}`);
  io.out('sections:');
  for (const s of sections) io.out(`  ${s.name.padEnd(12)} offset 0x${s.offset.toString(16).padStart(4, '0')}  ${s.size} bytes`);
  io.out(`compile cost: ${String(module.compileCost)} gas`);
  return EXIT.ok;
}

async function wast(cmd: Extract<Command, { kind: 'wast' }>, io: Io): Promise<number> {
  for (const f of cmd.files) readFile(f); // I/O errors (exit 7) before anything runs
  requireWabt('running .wast scripts'); // the scripts' text modules are converted with wabt (exit 7 when missing)
  const features = Object.keys(cmd.features);
  if (features.length) throw new UsageError('wast: --features is not supported (spec scripts run with the default features)');
  // The spec runner (spec-tests/, compiled to dist/cjs/spec-tests) is loaded only for this command.
  const runner = await import('../../spec-tests/index.js');
  const SHOWN = 5;
  const done = new Map<number, WastFileResult>();
  let printed = 0;
  const show = (r: WastFileResult) => {
    io.out(`${r.file}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
    for (const f of r.failures.slice(0, SHOWN)) io.out(`    line ${f.line} (${f.category}): ${f.message.split('\n')[0]}`);
    if (r.failures.length > SHOWN) io.out(`    ... and ${r.failures.length - SHOWN} more failures`);
  };
  const results = await runner.runWastFiles(cmd.files, {
    engine: 'detwasm',
    gas: cmd.gas,
    onResult: cmd.json
      ? undefined
      : (r: WastFileResult, index: number) => {
          done.set(index, r);
          while (done.has(printed)) show(done.get(printed++)!);
        },
  });
  const t = runner.totals(results);
  if (cmd.json) io.out(JSON.stringify({ ok: t.failed === 0, totals: t, files: results }));
  else io.out(`${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  return t.failed > 0 ? EXIT.wastFailed : EXIT.ok;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}

/** The store options of --profile and --trace (trace lines go to stderr, the first N). */
function observers(cmd: Extract<Command, { kind: 'run' }>, io: Io): { profile?: boolean; trace?: (s: TraceStep) => void } {
  const o: { profile?: boolean; trace?: (s: TraceStep) => void } = {};
  if (cmd.profile !== undefined) o.profile = true;
  if (cmd.trace !== undefined) {
    let left = cmd.trace;
    o.trace = (s) => {
      if (left > 0) io.err(`trace: ${formatStep(s)}`);
      else if (left === 0) io.err(`trace: (stopped after ${cmd.trace} instructions)`);
      left--;
    };
  }
  return o;
}

/**
 * The gas profile after a run: the top N functions by self gas with their
 * inclusive gas, instantiation as its own line, so the column sums to the gas
 * used; folded stacks to --profile-out.
 */
function printProfile(cmd: Extract<Command, { kind: 'run' }>, io: Io, store: Store, instantiation: number): void {
  const p = store.profile();
  const total = instantiation + p.total;
  const pct = (g: number) => (total > 0 ? `${((100 * g) / total).toFixed(1)}%` : '-');
  io.err(`profile: gas per function (self = while it ran; inclusive = with what it called), ${total} in all`);
  io.err(`${'self'.padStart(14)} ${'%'.padStart(6)} ${'inclusive'.padStart(14)}  function`);
  if (instantiation > 0) io.err(`${String(instantiation).padStart(14)} ${pct(instantiation).padStart(6)} ${''.padStart(14)}  (instantiation)`);
  for (const f of p.functions.slice(0, cmd.profile)) {
    io.err(`${String(f.self).padStart(14)} ${pct(f.self).padStart(6)} ${String(f.inclusive).padStart(14)}  ${f.funcIndex}${f.name !== undefined ? ` (${f.name})` : ''}`);
  }
  if (p.functions.length > cmd.profile!) io.err(`  (${p.functions.length - cmd.profile!} more functions)`);
  if (cmd.profileOut !== undefined) {
    writeFileSync(cmd.profileOut, (instantiation > 0 ? `(instantiation) ${instantiation}\n` : '') + p.folded);
    io.err(`profile: folded stacks written to ${cmd.profileOut}`);
  }
}
