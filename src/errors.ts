/**
 * Error classes of detwasm. Every class carries a stable `code` so callers can
 * branch on the kind of failure without parsing messages. The names follow the
 * WebAssembly JS API (`CompileError`, `LinkError`, `RuntimeError` ~ `Trap`).
 */

/** Base class of every error a module can get before it runs. */
export class CompileError extends Error {
  /** Stable machine-readable kind: 'malformed' | 'invalid' | 'policy' | 'limit' | 'unsupported'. */
  readonly code: string;
  /** Byte offset in the module binary the error refers to, when known. */
  readonly offset: number | undefined;
  /** Index of the function (in the function index space) the error refers to, when known. */
  readonly funcIndex: number | undefined;
  constructor(code: string, message: string, offset?: number, funcIndex?: number) {
    super(formatMessage(message, offset, funcIndex));
    this.name = 'CompileError';
    this.code = code;
    this.offset = offset;
    this.funcIndex = funcIndex;
    /** The message without the location suffix, as the spec phrases it. */
    this.reason = message;
  }
  readonly reason: string;
}

function formatMessage(message: string, offset?: number, funcIndex?: number): string {
  const where: string[] = [];
  if (funcIndex !== undefined) where.push(`function ${funcIndex}`);
  if (offset !== undefined) where.push(`offset 0x${offset.toString(16)}`);
  return where.length ? `${message} (at ${where.join(', ')})` : message;
}

/** The bytes are not a well-formed WebAssembly binary (spec 5, "malformed"). */
export class MalformedError extends CompileError {
  constructor(message: string, offset: number, funcIndex?: number) {
    super('malformed', message, offset, funcIndex);
    this.name = 'MalformedError';
  }
}

/** The module is well-formed but fails validation (spec 3, "invalid"). */
export class InvalidError extends CompileError {
  constructor(message: string, offset?: number, funcIndex?: number) {
    super('invalid', message, offset, funcIndex);
    this.name = 'InvalidError';
  }
}

/**
 * The module uses a feature the determinism policy or the engine's feature
 * flags reject (floats, SIMD, threads, or a switched-off proposal).
 */
export class PolicyError extends CompileError {
  /** The rejected feature, e.g. 'floats', 'simd', 'threads', 'bulk-memory'. */
  readonly feature: string;
  constructor(feature: string, message: string, offset?: number, funcIndex?: number) {
    super('policy', message, offset, funcIndex);
    this.name = 'PolicyError';
    this.feature = feature;
  }
}

/** The module exceeds one of the engine's deterministic resource limits. */
export class LimitError extends CompileError {
  /** Name of the limit in `EngineConfig.limits`. */
  readonly limit: string;
  /** The configured maximum. */
  readonly maximum: number;
  constructor(limit: string, maximum: number, actual: number | string, offset?: number, funcIndex?: number) {
    super('limit', `limit exceeded: ${limit} is ${maximum}, module needs ${actual}`, offset, funcIndex);
    this.name = 'LimitError';
    this.limit = limit;
    this.maximum = maximum;
  }
}

/** Instantiation failed because an import is missing or does not match. */
export class LinkError extends Error {
  readonly code: string;
  constructor(message: string, code = 'link') {
    super(message);
    this.name = 'LinkError';
    this.code = code;
  }
}

/** Stable trap codes. */
export type TrapCode =
  | 'unreachable'
  | 'memory_out_of_bounds'
  | 'integer_divide_by_zero'
  | 'integer_overflow'
  | 'indirect_call_type_mismatch'
  | 'undefined_element'
  | 'uninitialized_element'
  | 'table_out_of_bounds'
  | 'null_reference'
  | 'call_stack_exhausted'
  | 'out_of_gas'
  | 'host'
  | 'invalid_conversion'
  | 'async_host';

const TRAP_MESSAGES: Record<TrapCode, string> = {
  unreachable: 'unreachable executed',
  memory_out_of_bounds: 'out of bounds memory access',
  integer_divide_by_zero: 'integer divide by zero',
  integer_overflow: 'integer overflow',
  indirect_call_type_mismatch: 'indirect call type mismatch',
  undefined_element: 'undefined element',
  uninitialized_element: 'uninitialized element',
  table_out_of_bounds: 'out of bounds table access',
  null_reference: 'null reference',
  call_stack_exhausted: 'call stack exhausted',
  out_of_gas: 'out of gas',
  host: 'host function failed',
  invalid_conversion: 'invalid conversion',
  async_host: 'host function returned a Promise in a synchronous call',
};

/** One wasm frame of a trap's backtrace. */
export interface TrapFrame {
  /** Index of the function in its module's function index space (imports first). */
  readonly funcIndex: number;
  /** The function's name from the module's name section, when it has one. */
  readonly name: string | undefined;
}

/**
 * A WebAssembly trap (the JS API's `RuntimeError`).
 *
 * When wasm code was running, the trap says where: `funcIndex` / `funcName`
 * are the innermost wasm function (for a `host` trap or a `Trap` thrown by a
 * host function: the wasm function that called the host), `backtrace` lists
 * the wasm frames, innermost first (host functions between them are not
 * listed), and the message ends with "in function N ($name)". A trap while
 * instantiating outside any function (an out-of-bounds active segment) has no
 * location: `funcIndex` undefined, `backtrace` empty.
 */
export class Trap extends Error {
  readonly code: TrapCode;
  /** The message without the location, e.g. 'integer divide by zero'. */
  readonly reason: string;
  /** The innermost wasm function's index, when the trap happened in wasm code. */
  funcIndex: number | undefined = undefined;
  /** The innermost wasm function's name-section name, when it has one. */
  funcName: string | undefined = undefined;
  /** The wasm call stack at the trap, innermost first. */
  backtrace: TrapFrame[] = [];
  constructor(code: TrapCode, detail?: string, options?: { cause?: unknown }) {
    const reason = detail ? `${TRAP_MESSAGES[code]}: ${detail}` : TRAP_MESSAGES[code];
    super(reason, options as ErrorOptions);
    this.name = 'Trap';
    this.code = code;
    this.reason = reason;
  }

  /**
   * Appends the frames of one interpreter activation (innermost first) as the
   * trap leaves it; the first activation to see the trap sets its location.
   * Internal: called by the interpreter, not per instruction but once per
   * activation the trap unwinds through.
   */
  _addFrames(frames: TrapFrame[]): void {
    if (frames.length === 0) return;
    if (this.backtrace.length === 0) {
      this.funcIndex = frames[0].funcIndex;
      this.funcName = frames[0].name;
      this.message = `${this.reason} in ${formatFrame(frames[0])}`;
    }
    for (const f of frames) this.backtrace.push(f);
  }
}

/** "function 3 ($div)" or "function 3". */
export function formatFrame(f: TrapFrame): string {
  return f.name === undefined ? `function ${f.funcIndex}` : `function ${f.funcIndex} ($${f.name})`;
}

/**
 * Stable codes of `SnapshotError`:
 * - 'truncated': the bytes end before the snapshot does (or its length field disagrees);
 * - 'bad_magic': not a detwasm snapshot;
 * - 'version': a snapshot format this detwasm does not read;
 * - 'checksum': the content does not match its hash (damaged);
 * - 'malformed': intact but inconsistent content (an index or size out of range);
 * - 'engine_mismatch': made under another engine configuration (features, limits, gas schedule) or metering;
 * - 'module_mismatch': no module given for one of its instances, or a module that does not fit;
 * - 'code_mismatch': a paused function compiles to other bytecode here (another detwasm version);
 * - 'unsupported': state that cannot be saved (a running or `callAsync` call, an object externref).
 */
export type SnapshotErrorCode =
  | 'truncated' | 'bad_magic' | 'version' | 'checksum' | 'malformed'
  | 'engine_mismatch' | 'module_mismatch' | 'code_mismatch' | 'unsupported';

/**
 * A store could not be saved as a snapshot, or snapshot bytes could not be
 * restored; `code` says why, the message what does not match (README "Snapshots").
 */
export class SnapshotError extends Error {
  /** Stable machine-readable kind (see `SnapshotErrorCode`). */
  readonly code: SnapshotErrorCode;
  constructor(code: SnapshotErrorCode, message: string) {
    super(`snapshot: ${message}`);
    this.name = 'SnapshotError';
    this.code = code;
  }
}
