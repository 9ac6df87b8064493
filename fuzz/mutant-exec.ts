/**
 * Differential execution of arbitrary valid modules (the decode fuzzer's
 * accepted mutants and the suite's modules): instantiate on both engines,
 * call every exported function in export order with zero arguments, and
 * compare results, trap classes and the final exported memories.
 *
 * The host cannot be metered, so detwasm runs first with a small 'unit' gas
 * budget; a module that runs out of it (a possible infinite loop) is skipped
 * before the host ever runs it. Modules may import the spec suite's
 * `spectest` module (integer globals, table, memory, print functions); other
 * imports are skipped.
 */
import { createHash } from 'crypto';
import { decode } from '../src/decoder/index.js';
import { DEFAULT_LIMITS } from '../src/config.js';
import { LinkError, Trap } from '../src/errors.js';
import { loadDetwasm, memoryBytes } from './detwasm-adapter.js';
import { detwasmTrapClass, v8TrapClass } from './exec-harness.js';

export type MutantOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'agree'; calls: number }
  | { status: 'mismatch'; host: string; detwasm: string; index: number };

const api = loadDetwasm() as ReturnType<typeof loadDetwasm> & {
  Global: new (d: { value: string; mutable?: boolean }, v: unknown) => unknown;
  Table: new (d: { element: string; initial: number; maximum?: number }) => unknown;
};

const SPECTEST_NAMES = new Set(['print', 'print_i32', 'print_i64', 'global_i32', 'global_i64', 'table', 'memory']);

/** A fresh `spectest` import object for one engine (each instantiation gets its own). */
function spectest(host: boolean): Record<string, unknown> {
  const print = (): void => {};
  if (host) {
    return {
      print, print_i32: print, print_i64: print,
      global_i32: new WebAssembly.Global({ value: 'i32' }, 666),
      global_i64: new WebAssembly.Global({ value: 'i64' }, 666n),
      table: new WebAssembly.Table({ element: 'anyfunc', initial: 10, maximum: 20 }),
      memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
    };
  }
  return {
    print, print_i32: print, print_i64: print,
    global_i32: new api.Global({ value: 'i32' }, 666),
    global_i64: new api.Global({ value: 'i64' }, 666n),
    table: new api.Table({ element: 'funcref', initial: 10, maximum: 20 }),
    memory: new api.Memory({ initial: 1, maximum: 2 }),
  };
}
const guardEngine = new api.Engine({ gas: 'unit' });
const plainEngine = new api.Engine({});
const GUARD_GAS = 1_000_000;

function zeroArg(t: number): number | bigint | null {
  if (t === 0x7e) return 0n;
  if (t === 0x70 || t === 0x6f) return null;
  return 0;
}

function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `[${v.map(show).join(',')}]`;
  if (v === undefined) return 'void';
  if (v === null) return 'null';
  if (typeof v === 'function') return 'funcref';
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? String(v) : 'ref';
}

function record(instantiate: () => Record<string, unknown>, calls: Array<{ name: string; args: unknown[] }>, classify: (e: unknown) => string): string[] {
  const out: string[] = [];
  let ex: Record<string, unknown>;
  try {
    ex = instantiate();
  } catch (e) {
    out.push(`instantiate: ${classify(e)}`);
    return out;
  }
  for (const c of calls) {
    try {
      out.push(`${c.name} -> ${show((ex[c.name] as (...a: unknown[]) => unknown)(...c.args))}`);
    } catch (e) {
      out.push(`${c.name} -> ${classify(e)}`);
    }
  }
  for (const [name, v] of Object.entries(ex)) {
    if (v && typeof v === 'object' && 'buffer' in (v as object)) {
      try {
        const b = v instanceof WebAssembly.Memory ? new Uint8Array(v.buffer) : memoryBytes(v);
        out.push(`memory ${name}: ${b.length}:${createHash('sha1').update(b).digest('hex').slice(0, 16)}`);
      } catch (e) {
        out.push(`memory ${name}: ${classify(e)}`);
      }
    }
  }
  return out;
}

function classifyDetwasm(e: unknown): string {
  if (e instanceof Trap) return `trap ${detwasmTrapClass(e.code) ?? e.code}`;
  if (e instanceof LinkError) return 'link error';
  const err = e as Error;
  return `ERROR ${err?.name}: ${err?.message}`;
}

function classifyHost(e: unknown): string {
  const c = v8TrapClass(e);
  if (c) return `trap ${c}`;
  if (e instanceof WebAssembly.LinkError) return 'link error';
  const err = e as Error;
  return `ERROR ${err?.name}: ${err?.message}`;
}

/** Runs a module detwasm accepted on both engines; see the file comment. */
export function executeMutant(bytes: Uint8Array<ArrayBuffer>): MutantOutcome {
  let calls: Array<{ name: string; args: unknown[] }>;
  try {
    const m = decode(bytes, DEFAULT_LIMITS);
    if (m.imports.some(i => i.module !== 'spectest' || !SPECTEST_NAMES.has(i.name))) return { status: 'skipped', reason: 'imports' };
    calls = [];
    // Function index space: imported functions first (spec 2.5.1).
    const funcTypes: number[] = [];
    for (const i of m.imports) if (i.desc.kind === 'func') funcTypes.push(i.desc.typeidx);
    funcTypes.push(...m.funcs);
    for (const e of m.exports) {
      if (e.kind !== 'func') continue;
      const type = m.types[funcTypes[e.index]];
      calls.push({ name: e.name, args: type.params.map(zeroArg) });
    }
  } catch {
    return { status: 'skipped', reason: 'undecodable' };
  }
  // 1. detwasm under a small unit budget: anything that runs out of it is skipped.
  const guarded = record(() => {
    const store = new api.Store(guardEngine, { gas: GUARD_GAS });
    return store.instantiate(guardEngine.compile(bytes), { spectest: spectest(false) }).exports;
  }, calls, classifyDetwasm);
  if (guarded.some(l => l.endsWith('trap out_of_gas'))) return { status: 'skipped', reason: 'long-running' };
  if (guarded.some(l => l.endsWith('trap stack_exhausted'))) return { status: 'skipped', reason: 'deep recursion' };
  // 2. The host, and detwasm unmetered.
  const host = record(() => new WebAssembly.Instance(new WebAssembly.Module(bytes), { spectest: spectest(true) as WebAssembly.ModuleImports }).exports as Record<string, unknown>, calls, classifyHost);
  if (host.some(l => l.endsWith('trap stack_exhausted'))) return { status: 'skipped', reason: 'deep recursion (host)' };
  const plain = record(() => new api.Store(plainEngine, {}).instantiate(plainEngine.compile(bytes), { spectest: spectest(false) }).exports, calls, classifyDetwasm);
  for (const [name, d] of [['metered', guarded], ['unmetered', plain]] as const) {
    const n = Math.max(host.length, d.length);
    for (let i = 0; i < n; i++) {
      if (host[i] !== d[i]) return { status: 'mismatch', host: host[i] ?? '<none>', detwasm: `${d[i] ?? '<none>'} (${name})`, index: i };
    }
  }
  return { status: 'agree', calls: calls.length };
}
