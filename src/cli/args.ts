/**
 * Command-line parsing for `detwasm`. Pure (no I/O) so it is unit-testable:
 * turns argv into a `Command` or throws `UsageError` with one clear line.
 */
import { FEATURE_PRESETS, type FeaturePreset, type Features, type FeaturesConfig } from '../config.js';

/** Exit codes, one per kind of failure (documented in README.md and `detwasm --help`). */
export const EXIT = Object.freeze({
  ok: 0,
  /** A failure that none of the kinds below describes (a bug): see --verbose. */
  internal: 1,
  usage: 2,
  /** Malformed, invalid, policy-rejected or over-limit module (binary or text). */
  compile: 3,
  link: 4,
  trap: 5,
  outOfGas: 6,
  /** The file cannot be read, or the `wabt` package that .wat input and `wast` need is not installed. */
  io: 7,
  /** `wast`: at least one assertion failed. */
  wastFailed: 8,
});

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CommonOptions {
  verbose: boolean;
  json: boolean;
  features: FeaturesConfig;
}

/** `--dir HOST[:GUEST]`: a real directory given to a WASI program as the preopened directory GUEST. */
export interface DirMapping {
  host: string;
  guest: string;
}

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | ({
      kind: 'run'; file: string; invoke: string | undefined; args: string[]; gas: bigint | undefined; dirs: DirMapping[]; env: string[];
      /** --profile[=N]: print the top N functions by gas (default 20); --profile-out FILE: folded stacks. */
      profile: number | undefined; profileOut: string | undefined;
      /** --trace[=N]: print the first N executed instructions (default 1000). */
      trace: number | undefined;
    } & CommonOptions)
  | ({ kind: 'validate'; file: string } & CommonOptions)
  | ({ kind: 'inspect'; file: string } & CommonOptions)
  | ({ kind: 'wast'; files: string[]; gas: bigint | undefined } & CommonOptions);

export const USAGE = `Usage: detwasm <command> [options]

Commands:
  run FILE [--invoke NAME] [ARGS...] [--gas N] [--features LIST]
                      instantiate FILE (.wasm or .wat) and call export NAME with ARGS
                      (without --invoke: calls "_start" if exported, else only instantiates)
  run FILE [--dir HOST[:GUEST]]... [--env K=V]... [--gas N] [-- ARGS...]
                      a WASI program (FILE imports wasi_snapshot_preview1): runs _start
                      with ARGS, stdout/stderr passed through, the directories
                      mapped (changes written back after the run); exits with the
                      program's exit code. Deterministic floats are on for WASI
                      programs (--features -floats turns them off)
  validate FILE       check that FILE is a valid module under the determinism policy
  inspect FILE        list imports, exports, section sizes and the compile cost
  wast FILE...        run WebAssembly spec test scripts (.wast)

Options:
  --invoke NAME       export to call (run)
  --gas N             gas budget (clamped to 2^53-1); without it execution is unmetered
  --features LIST     comma-separated feature switches, e.g. "-bulk-memory,multi-value"
                      (a leading "-" turns a feature off); a version (1.0, 2.0, 3.0)
                      selects that preset first, e.g. "3.0,-tail-call,wide-arithmetic"
  --profile[=N]       run: print gas per function (self and inclusive, top N, default
                      20) after the run; --profile-out FILE writes folded stacks
                      ("a;b;c gas" lines) for flame-graph tools
  --trace[=N]         run: print the first N executed instructions (default 1000) with
                      their bytecode offset, fields (slot values before) and gas left
  --dir HOST[:GUEST]   WASI: preopen real directory HOST as GUEST (default: HOST)
  --env K=V           WASI: an environment variable (repeatable)
  --json              print a machine-readable JSON result on stdout
  --verbose           print stack traces of errors
  -h, --help          this text;  --version  the version

Arguments are parsed by the export's parameter types: i32 and i64 as decimal or
0x-hex integers (negative allowed), funcref/externref as "null".

Exit codes: 0 ok, 1 internal error, 2 usage, 3 compile error (malformed, invalid,
policy, limit), 4 link error, 5 trap, 6 out of gas, 7 I/O error (or the "wabt"
package, needed for .wat input and wast, is not installed), 8 wast failures.`;

/** Feature names on the command line (kebab-case, as in the proposals) → `Features` keys. */
export const FEATURE_NAMES: Readonly<Record<string, keyof Features>> = Object.freeze({
  'sign-extension': 'signExtension',
  'multi-value': 'multiValue',
  'bulk-memory': 'bulkMemory',
  'reference-types': 'referenceTypes',
  'mutable-globals': 'mutableGlobals',
  'saturating-float-to-int': 'saturatingFloatToInt',
  'nontrapping-float-to-int': 'saturatingFloatToInt',
  floats: 'floats',
  simd: 'simd',
  threads: 'threads',
  'tail-call': 'tailCall',
  'extended-const': 'extendedConst',
  'multi-memory': 'multiMemory',
  memory64: 'memory64',
  exceptions: 'exceptions',
  'function-references': 'functionReferences',
  'wide-arithmetic': 'wideArithmetic',
  'custom-page-sizes': 'customPageSizes',
});

export function parseFeatures(list: string): FeaturesConfig {
  const out: FeaturesConfig = {};
  for (const raw of list.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    if (Object.prototype.hasOwnProperty.call(FEATURE_PRESETS, item)) {
      out.preset = item as FeaturePreset;
      continue;
    }
    let on = true;
    let name = item;
    if (name.startsWith('-')) { on = false; name = name.slice(1); } else if (name.startsWith('+')) name = name.slice(1);
    const kebab = name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    const key = FEATURE_NAMES[kebab];
    if (key === undefined) {
      throw new UsageError(`unknown feature "${name}" in --features (known: ${Object.keys(FEATURE_NAMES).join(', ')}; presets: ${Object.keys(FEATURE_PRESETS).join(', ')})`);
    }
    out[key] = on;
  }
  return out;
}

/** `HOST[:GUEST]` of --dir (GUEST defaults to HOST; a GUEST must not be empty). */
export function parseDir(text: string): DirMapping {
  const colon = text.lastIndexOf(':');
  const host = colon >= 0 ? text.slice(0, colon) : text;
  const guest = colon >= 0 ? text.slice(colon + 1) : text;
  if (host === '' || guest === '') throw new UsageError(`--dir expects HOST[:GUEST], got "${text}"`);
  return { host, guest };
}

export function parseGas(text: string): bigint {
  if (!/^(0|[1-9][0-9_]*)$/.test(text)) throw new UsageError(`--gas expects a non-negative integer, got "${text}"`);
  return BigInt(text.replace(/_/g, ''));
}

/** True for a token that is an option rather than a value ("-5" and "-0x10" are values). */
function isOption(token: string): boolean {
  return token.startsWith('--') || (token.startsWith('-') && token.length > 1 && !/^-[0-9]/.test(token));
}

export function parseArgs(argv: readonly string[]): Command {
  if (argv.length === 0) throw new UsageError('missing command (run, validate, inspect, wast); see detwasm --help');
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') return { kind: 'help' };
  if (command === '--version' || command === '-v' || command === 'version') return { kind: 'version' };
  if (!['run', 'validate', 'inspect', 'wast'].includes(command)) {
    throw new UsageError(`unknown command "${command}" (expected run, validate, inspect or wast); see detwasm --help`);
  }

  const positional: string[] = [];
  let invoke: string | undefined;
  let gas: bigint | undefined;
  let features: FeaturesConfig = {};
  let verbose = false;
  let json = false;
  let help = false;
  let onlyValues = false;
  const dirs: DirMapping[] = [];
  const env: string[] = [];
  let profile: number | undefined, profileOut: string | undefined, trace: number | undefined;

  for (let i = 0; i < rest.length; i++) {
    const token = rest[i];
    if (onlyValues || !isOption(token)) { positional.push(token); continue; }
    if (token === '--') { onlyValues = true; continue; }
    const eq = token.indexOf('=');
    const name = eq > 0 ? token.slice(0, eq) : token;
    const inline = eq > 0 ? token.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      if (i + 1 >= rest.length) throw new UsageError(`${name} expects a value`);
      return rest[++i];
    };
    const flag = (): true => {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      return true;
    };
    switch (name) {
      case '--invoke': invoke = value(); break;
      case '--gas': gas = parseGas(value()); break;
      case '--features': features = { ...features, ...parseFeatures(value()) }; break;
      case '--dir': dirs.push(parseDir(value())); break;
      case '--env': {
        const v = value();
        if (!/^[^=]+=/.test(v)) throw new UsageError(`--env expects NAME=VALUE, got "${v}"`);
        env.push(v);
        break;
      }
      case '--profile': profile = inline === undefined ? 20 : parseCount(name, inline); break;
      case '--profile-out': profileOut = value(); break;
      case '--trace': trace = inline === undefined ? 1000 : parseCount(name, inline); break;
      case '--verbose': verbose = flag(); break;
      case '--json': json = flag(); break;
      case '-h': case '--help': help = flag(); break;
      default: throw new UsageError(`unknown option "${name}" for ${command}; see detwasm --help`);
    }
  }
  if (help) return { kind: 'help' };

  const common: CommonOptions = { verbose, json, features };
  const onlyFor = (what: string, allowed: string[]) => {
    if ((profile !== undefined || profileOut !== undefined || trace !== undefined) && !allowed.includes('profile')) {
      throw new UsageError(`--profile, --profile-out and --trace are only valid for run, not ${what}`);
    }
    if (invoke !== undefined && !allowed.includes('invoke')) throw new UsageError(`--invoke is only valid for run, not ${what}`);
    if (gas !== undefined && !allowed.includes('gas')) throw new UsageError(`--gas is only valid for run and wast, not ${what}`);
    if (dirs.length > 0 || env.length > 0) throw new UsageError(`--dir and --env are only valid for run, not ${what}`);
  };
  switch (command) {
    case 'run': {
      if (positional.length === 0) throw new UsageError('run: missing FILE');
      const [file, ...args] = positional;
      // (arguments without --invoke are a WASI program's; main checks that the module is one)
      return { kind: 'run', file, invoke, args, gas, dirs, env, profile: profile ?? (profileOut !== undefined ? 20 : undefined), profileOut, trace, ...common };
    }
    case 'validate':
    case 'inspect': {
      onlyFor(command, []);
      if (positional.length !== 1) throw new UsageError(`${command}: expects exactly one FILE, got ${positional.length}`);
      return { kind: command, file: positional[0], ...common };
    }
    default: {
      onlyFor(command, ['gas']);
      if (positional.length === 0) throw new UsageError('wast: missing FILE...');
      return { kind: 'wast', files: positional, gas, ...common };
    }
  }
}

/** A positive count of --profile=N / --trace=N. */
function parseCount(name: string, text: string): number {
  if (!/^[1-9][0-9]*$/.test(text)) throw new UsageError(`${name}=N expects a positive integer, got "${text}"`);
  return Number(text);
}
