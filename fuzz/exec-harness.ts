/**
 * Runs a generated module on an engine (through an `EngineAdapter`) and
 * records everything observable: each call's results or trap class, the host
 * call log, and the final memories, globals and table null-ness.
 */
import { createHash } from 'crypto';
import { EXNREF } from './encode.js';
import { GeneratedModule, HostFailure, HostThrow, generateArgs, hostBehaviour } from './gen-module.js';
import { Rng } from './prng.js';

/** The observable instance surface both engines provide (wrapped per engine). */
export interface AdapterInstance {
  call(name: string, args: Array<number | bigint | null>): unknown;
  /** The bytes of exported memory `name`. */
  memoryBytes(name: string): Uint8Array;
  globalValue(name: string): number | bigint;
  /** With `hostTag`: the tag imported as env.t (an uncaught exception of it is shown with its payload). */
  hostTag?: unknown;
  /** Gas used by the store so far; when given, each call's line ends with it (the resume check, resume-fuzz.ts). */
  gasUsed?(): number;
}

export interface EngineAdapter {
  readonly name: string;
  /** The reference engine: runs a generated module's `referenceBytes` (NaNs canonicalized) when it has them. */
  readonly reference?: boolean;
  /**
   * Compiles and instantiates; `h` is the host import env.h; with `hostTag`
   * the module also imports a tag env.t (see `hostEnv`).
   */
  instantiate(bytes: Uint8Array<ArrayBuffer>, h: (x: number) => number, hostTag?: boolean): AdapterInstance;
  /** Maps an exception thrown by a call to a trap class (see `TrapClass`), or null if it is not a trap. */
  trapClass(e: unknown): TrapClass | null;
}

/**
 * Engine-neutral trap classes. V8 reports a null entry and a signature
 * mismatch in call_indirect with one message, and uses one message for every
 * table index out of bounds, so those pairs share a class.
 */
export type TrapClass =
  | 'unreachable'
  | 'memory_oob'
  | 'div_by_zero'
  | 'int_overflow'
  | 'indirect_null_or_mismatch'
  | 'table_oob'
  | 'stack_exhausted'
  | 'null_reference'
  | 'host'
  | 'out_of_gas'
  /** A wasm exception nothing caught, leaving the call (WebAssembly 3.0). */
  | 'exception';

/** The JS API's tag and exception classes of an engine (`WebAssembly.Tag`, `WebAssembly.Exception`). */
export interface ExceptionApi {
  /** `new Tag({ parameters })`. */
  Tag: new (type: { parameters: string[] }) => unknown;
  /** `new Exception(tag, payload)`. */
  Exception: new (tag: never, payload: unknown[]) => unknown;
}

/**
 * The env imports of a generated module on one engine: `h`, and with
 * `hostTag` a new tag env.t (i32) of the engine's own Tag class, thrown by
 * `h` (as that engine's Exception) where the harness's host throws HostThrow.
 */
export function hostEnv(h: (x: number) => number, hostTag: boolean | undefined, api: ExceptionApi): Record<string, WebAssembly.ImportValue> {
  if (!hostTag) return { h };
  const t = new api.Tag({ parameters: ['i32'] });
  return {
    t: t as WebAssembly.ImportValue,
    h: (x: number): number => {
      try {
        return h(x);
      } catch (e) {
        if (e instanceof HostThrow) throw new api.Exception(t as never, [e.arg]);
        throw e;
      }
    },
  };
}

/** V8 (the host `WebAssembly`) error -> trap class. */
export function v8TrapClass(e: unknown): TrapClass | null {
  if (e instanceof HostFailure) return 'host';
  const { Exception } = WebAssembly as unknown as Partial<ExceptionApi>;
  if (Exception && e instanceof Exception) return 'exception';
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'stack_exhausted';
  if (!(e instanceof WebAssembly.RuntimeError)) return null;
  // Instantiation traps carry a prefix ("WebAssembly.Instance(): data segment is out of bounds").
  const m = e.message.replace(/^WebAssembly\.\w+\(\): /, '');
  if (m === 'unreachable') return 'unreachable';
  // (Node 24's V8 says which segment: "data segment 2 is out of bounds (offset 131062, length 15, memory size 131072)")
  if (m === 'memory access out of bounds' || m === 'data segment out of bounds' || /^data segment (\d+ )?is out of bounds/.test(m)) return 'memory_oob';
  if (m === 'divide by zero' || m === 'remainder by zero') return 'div_by_zero';
  // float -> int truncation out of range or of a NaN: detwasm's integer_overflow / invalid_conversion
  if (m === 'divide result unrepresentable' || m === 'float unrepresentable in integer range') return 'int_overflow';
  if (m === 'null function or function signature mismatch') return 'indirect_null_or_mismatch';
  // table.init reading past its (possibly dropped) element segment.
  if (m === 'table index is out of bounds' || m === 'element segment out of bounds') return 'table_oob';
  // call_ref / ref.as_non_null / throw_ref of null
  if (m === 'dereferencing a null pointer' || m === 'rethrowing null value') return 'null_reference';
  return null;
}

/** detwasm `Trap.code` -> trap class. */
export function detwasmTrapClass(code: string): TrapClass | null {
  switch (code) {
    case 'unreachable': return 'unreachable';
    case 'memory_out_of_bounds': return 'memory_oob';
    case 'integer_divide_by_zero': return 'div_by_zero';
    case 'integer_overflow':
    case 'invalid_conversion':
      return 'int_overflow';
    case 'indirect_call_type_mismatch':
    case 'uninitialized_element':
      return 'indirect_null_or_mismatch';
    case 'undefined_element':
    case 'table_out_of_bounds':
      return 'table_oob';
    case 'call_stack_exhausted': return 'stack_exhausted';
    case 'null_reference': return 'null_reference';
    case 'host': return 'host';
    case 'out_of_gas': return 'out_of_gas';
    default: return null;
  }
}

export const nativeAdapter: EngineAdapter = {
  name: 'v8',
  reference: true,
  instantiate(bytes, h, hostTag) {
    const mod = new WebAssembly.Module(bytes);
    const env = hostEnv(h, hostTag, WebAssembly as unknown as ExceptionApi);
    const inst = new WebAssembly.Instance(mod, { env });
    const ex = inst.exports as Record<string, unknown>;
    return {
      hostTag: env.t,
      call: (name, args) => (ex[name] as (...a: unknown[]) => unknown)(...args),
      memoryBytes: name => new Uint8Array((ex[name] as WebAssembly.Memory).buffer).slice(),
      globalValue: name => (ex[name] as WebAssembly.Global).value as number | bigint,
    };
  },
  trapClass: v8TrapClass,
};

export interface RunRecord {
  /** One line per event; two engines agree iff their records are equal. */
  events: string[];
}

function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `[${v.map(show).join(',')}]`;
  if (v === undefined) return 'void';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

/** Length and SHA-1 prefix of the bytes, to keep records small. */
export function hashBytes(b: Uint8Array): string {
  return `${b.length}:${createHash('sha1').update(b).digest('hex').slice(0, 16)}`;
}

/**
 * Runs every exported function of `gm` a few times with deterministic
 * arguments (derived from the module's seed), resetting the call budget before
 * each call.
 */
export function runGenerated(adapter: EngineAdapter, gm: GeneratedModule, callsPerFunc = 2): RunRecord {
  const events: string[] = [];
  const hostLog: string[] = [];
  let inst: AdapterInstance | undefined;
  let depth = 0;
  // (not a function with an exnref: its TypeError, a JS exception, would enter wasm, where V8 catches it with catch_all; README)
  const reentrant = gm.funcs.filter(f => !f.sig.params.includes(EXNREF) && !f.sig.results.includes(EXNREF));
  const h = (x: number): number => {
    hostLog.push(String(x));
    // Sometimes the host calls back into the instance (host -> wasm -> host ...);
    // traps of the inner call propagate out through the host function.
    if ((x & 0xf) === 1 && depth < 4 && inst && reentrant.length) {
      const f = reentrant[(x >>> 6) % reentrant.length];
      const args = generateArgs(new Rng(x), f.sig);
      depth++;
      try {
        hostLog.push(`reenter ${f.name} -> ${show(inst.call(f.name, args))}`);
      } finally {
        depth--;
      }
    }
    return hostBehaviour(x, gm.hostTag);
  };
  let instance: AdapterInstance;
  try {
    instance = inst = adapter.instantiate(adapter.reference && gm.referenceBytes ? gm.referenceBytes : gm.bytes, h, !!gm.hostTag);
  } catch (e) {
    events.push(`instantiate: ${describeError(adapter, e)}`);
    return { events };
  }
  const rng = new Rng(gm.seed ^ 0x5eed);
  for (const f of gm.funcs) {
    for (let k = 0; k < callsPerFunc; k++) {
      const args = generateArgs(rng, f.sig);
      let line = `${f.name}(${args.map(show).join(',')}) -> `;
      try {
        instance.call('reset', []);
        line += show(instance.call(f.name, args));
      } catch (e) {
        line += describeError(adapter, e, instance.hostTag);
      }
      if (instance.gasUsed) line += ` (gas ${instance.gasUsed()})`;
      events.push(line);
    }
  }
  events.push(`host calls: ${hostLog.join(',')}`);
  const attempt = (f: () => string): string => {
    try {
      return f();
    } catch (e) {
      return describeError(adapter, e);
    }
  };
  for (const name of gm.memories ?? ['mem']) events.push(`${name === 'mem' ? 'memory' : name}: ${attempt(() => hashBytes(instance.memoryBytes(name)))}`);
  for (const g of gm.globals) events.push(`${g.name} = ${attempt(() => show(instance.globalValue(g.name)))}`);
  const probes: string[] = [];
  for (let i = 0; i < gm.tableSize + 8; i++) {
    try {
      probes.push(show(instance.call('probe', [i])));
    } catch (e) {
      probes.push(describeError(adapter, e));
    }
  }
  events.push(`table: ${probes.join(',')}`);
  return { events };
}

/** An exception the JS API way: `is(tag)`, `getArg(tag, i)`. */
interface JsApiException {
  /** Whether the exception has tag `tag`. */
  is(tag: unknown): boolean;
  /** Payload value `index` (the tag must be the exception's). */
  getArg(tag: unknown, index: number): unknown;
}

/** The trap class of `e`; an uncaught exception of the host's tag env.t with its payload. */
function describeError(adapter: EngineAdapter, e: unknown, hostTag?: unknown): string {
  const cls = adapter.trapClass(e);
  if (cls === 'exception' && hostTag !== undefined && (e as JsApiException).is(hostTag)) return `trap exception env.t(${show((e as JsApiException).getArg(hostTag, 0))})`;
  if (cls) return `trap ${cls}`;
  // the JS API's TypeErrors at the boundary (an exnref parameter or result), whose messages differ by engine
  if (e instanceof TypeError) return 'TypeError';
  const err = e as Error;
  return `ERROR ${err?.name ?? typeof e}: ${err?.message ?? String(e)}`;
}

/** The first differing event, or null when both records agree. */
export function diffRecords(a: RunRecord, b: RunRecord): { index: number; a: string; b: string } | null {
  const n = Math.max(a.events.length, b.events.length);
  for (let i = 0; i < n; i++) {
    if (a.events[i] !== b.events[i]) return { index: i, a: a.events[i] ?? '<none>', b: b.events[i] ?? '<none>' };
  }
  return null;
}
