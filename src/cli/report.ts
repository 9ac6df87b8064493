/**
 * Turns any error the CLI can meet into ONE line for stderr and an exit code
 * (see `EXIT`). Stack traces only with --verbose.
 */
import { CompileError, LinkError, Trap, formatFrame, type TrapFrame } from '../errors.js';
import { EXIT, UsageError } from './args.js';
import { IoError, MissingPackageError, WatError } from './load.js';
import { Exception } from '../interpreter/exn.js';
import { internals } from '../interpreter/runtime.js';

export interface Failure {
  exitCode: number;
  /** Short kind for --json output: usage, io, missing_package, compile, link, trap, out_of_gas, exception, internal. */
  kind: string;
  /** The one line (without the "detwasm: " prefix). */
  message: string;
  /** Stable sub-code: the CompileError/Trap/LinkError `code`, when there is one. */
  code?: string;
  /** Traps in wasm code: the innermost function, its name, and the wasm frames (innermost first, at most 50). */
  funcIndex?: number;
  funcName?: string;
  backtrace?: TrapFrame[];
}

/**
 * `context` says what was being done: e.g. "examples/fib.wat" or
 * "examples/fib.wat: fib(20)".
 */
export function describeFailure(err: unknown, context: string): Failure {
  if (err instanceof UsageError) return { exitCode: EXIT.usage, kind: 'usage', message: err.message };
  if (err instanceof IoError) return { exitCode: EXIT.io, kind: 'io', message: err.message };
  if (err instanceof MissingPackageError) {
    return { exitCode: EXIT.io, kind: 'missing_package', code: err.packageName, message: `${context}: ${err.message}` };
  }
  if (err instanceof WatError) {
    return { exitCode: EXIT.compile, kind: 'compile', code: 'malformed', message: `${context}: text format error: ${err.message}` };
  }
  if (err instanceof CompileError) {
    const what = COMPILE_KINDS[err.code] ?? `compile error (${err.code})`;
    return { exitCode: EXIT.compile, kind: 'compile', code: err.code, message: `${context}: ${what}: ${err.message}` };
  }
  if (err instanceof LinkError) {
    return { exitCode: EXIT.link, kind: 'link', code: err.code, message: `${context}: link error: ${err.message}` };
  }
  if (err instanceof Trap) {
    if (err.code === 'out_of_gas') {
      return { exitCode: EXIT.outOfGas, kind: 'out_of_gas', code: err.code, message: `${context}: ${err.message}${callers(err)}`, ...location(err) };
    }
    return { exitCode: EXIT.trap, kind: 'trap', code: err.code, message: `${context}: trap (${err.code}): ${err.message}${callers(err)}`, ...location(err) };
  }
  if (err instanceof Exception) {
    // a wasm exception nothing caught (exception handling): the trap exit code, its own kind
    const n = internals(err).tag.type.params.length;
    return { exitCode: EXIT.trap, kind: 'exception', message: `${context}: uncaught wasm exception (a tag with ${n} parameter${n === 1 ? '' : 's'})` };
  }
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { exitCode: EXIT.internal, kind: 'internal', message: `${context}: internal error: ${oneLine(text)} (rerun with --verbose for details)` };
}

/** Callers shown on the one line after "in function N ($name)". */
const SHOWN_CALLERS = 3;
/** Frames in --json's backtrace. */
const JSON_FRAMES = 50;

/** ", called from function 2 ($mid), function 1 ($main)" (a long backtrace ends with "... (N wasm frames)"). */
function callers(t: Trap): string {
  const rest = t.backtrace.slice(1);
  if (rest.length === 0) return '';
  const shown = rest.slice(0, SHOWN_CALLERS).map(formatFrame).join(', ');
  return rest.length > SHOWN_CALLERS ? `, called from ${shown}, ... (${t.backtrace.length} wasm frames)` : `, called from ${shown}`;
}

/** Trap location fields for --json. */
function location(t: Trap): Pick<Failure, 'funcIndex' | 'funcName' | 'backtrace'> {
  if (t.funcIndex === undefined) return {};
  return { funcIndex: t.funcIndex, funcName: t.funcName, backtrace: t.backtrace.slice(0, JSON_FRAMES) };
}

const COMPILE_KINDS: Record<string, string> = {
  malformed: 'malformed module',
  invalid: 'invalid module',
  policy: 'policy error',
  limit: 'module exceeds a limit',
  unsupported: 'unsupported feature',
};

function oneLine(s: string): string {
  const line = s.split('\n')[0];
  return line.length > 300 ? line.slice(0, 300) + '...' : line;
}

/** The full story for --verbose: stack and cause chain. */
export function verboseDetails(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && depth < 5; depth++) {
    parts.push(e instanceof Error ? e.stack ?? `${e.name}: ${e.message}` : String(e));
    e = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
    if (e !== undefined) parts.push('caused by:');
  }
  return parts.join('\n');
}
