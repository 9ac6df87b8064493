/**
 * Calling native exports whose signature involves v128 (which the JS API
 * cannot pass): a small wrapper module imports the function, loads every
 * argument from its memory, calls it, and stores every result back, so the
 * values cross as raw bytes. Results come back as numbers/bigints for
 * integers, `F32Bits`/`F64Bits` (exact bits) for floats and as 16-byte
 * `Uint8Array`s for v128.
 */
import type { FuncSig } from '../binary-info.js';
import type { WastValue } from '../wast.js';
import { F32Bits, F64Bits } from './values.js';

const SLOT = 16;
const RESULTS_AT = 1024;

function u32leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a non-negative i32 (an `i32.const` immediate: 64..127 need a second byte). */
function i32leb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>>= 7;
    if (n === 0 && (b & 0x40) === 0) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function section(id: number, content: number[]): number[] {
  return [id, ...u32leb(content.length), ...content];
}

function str(s: string): number[] {
  const b = Array.from(Buffer.from(s, 'utf8'));
  return [...u32leb(b.length), ...b];
}

/** Load and store instructions (without memarg) per valtype byte. */
const LOAD: Record<number, number[]> = { 0x7f: [0x28], 0x7e: [0x29], 0x7d: [0x2a], 0x7c: [0x2b], 0x7b: [0xfd, 0x00] };
const STORE: Record<number, number[]> = { 0x7f: [0x36], 0x7e: [0x37], 0x7d: [0x38], 0x7c: [0x39], 0x7b: [0xfd, 0x0b] };

/** Whether `sig` can go through memory (numbers and v128 only, within the slot area). */
export function wrappable(sig: FuncSig): boolean {
  return [...sig.params, ...sig.results].every((t) => LOAD[t] !== undefined)
    && sig.params.length * SLOT <= RESULTS_AT && sig.results.length * SLOT <= 65536 - RESULTS_AT;
}

function wrapperBinary(sig: FuncSig): Uint8Array {
  const functype = (p: number[], r: number[]): number[] => [0x60, ...u32leb(p.length), ...p, ...u32leb(r.length), ...r];
  const body: number[] = [];
  body.push(...u32leb(sig.results.length));
  for (const t of sig.results) body.push(1, t);
  sig.params.forEach((t, k) => body.push(0x41, ...i32leb(k * SLOT), ...LOAD[t], 0, 0));
  body.push(0x10, 0);
  for (let j = sig.results.length - 1; j >= 0; j--) body.push(0x21, ...u32leb(j));
  sig.results.forEach((t, j) => body.push(0x41, ...i32leb(RESULTS_AT + j * SLOT), 0x20, ...u32leb(j), ...STORE[t], 0, 0));
  body.push(0x0b);
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, ...functype(sig.params, sig.results), ...functype([], [])]),
    ...section(2, [1, ...str('m'), ...str('f'), 0x00, 0]),
    ...section(3, [1, 1]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...str('call'), 0x00, 1, ...str('mem'), 0x02, 0]),
    ...section(10, [1, ...u32leb(body.length), ...body]),
  ];
  return Uint8Array.from(bytes);
}

const wrapperModules = new Map<string, WebAssembly.Module>();
const wrappers = new WeakMap<object, { call: () => void; mem: WebAssembly.Memory }>();

function wrapperFor(f: (...a: unknown[]) => unknown, sig: FuncSig): { call: () => void; mem: WebAssembly.Memory } {
  let w = wrappers.get(f);
  if (!w) {
    const key = `${sig.params.join(',')}->${sig.results.join(',')}`;
    let m = wrapperModules.get(key);
    if (!m) {
      m = new WebAssembly.Module(wrapperBinary(sig) as Uint8Array<ArrayBuffer>);
      wrapperModules.set(key, m);
    }
    const inst = new WebAssembly.Instance(m, { m: { f } });
    w = { call: inst.exports.call as () => void, mem: inst.exports.mem as WebAssembly.Memory };
    wrappers.set(f, w);
  }
  return w;
}

/** Calls `f` (of type `sig`) with `args` through a wrapper; throws what the call throws. */
export function callThroughMemory(f: (...a: unknown[]) => unknown, sig: FuncSig, args: WastValue[]): unknown[] {
  const w = wrapperFor(f, sig);
  const view = new DataView(w.mem.buffer);
  const bytes = new Uint8Array(w.mem.buffer);
  args.forEach((a, k) => {
    const at = k * SLOT;
    switch (a.type) {
      case 'i32': view.setInt32(at, a.value, true); break;
      case 'i64': view.setBigInt64(at, a.value, true); break;
      case 'f32': view.setUint32(at, a.bits, true); break;
      case 'f64': view.setBigUint64(at, a.bits, true); break;
      case 'v128': bytes.set(a.bytes, at); break;
      default: throw new TypeError(`cannot pass ${a.type} through memory`);
    }
  });
  w.call();
  return sig.results.map((t, j) => {
    const at = RESULTS_AT + j * SLOT;
    switch (t) {
      case 0x7f: return view.getInt32(at, true);
      case 0x7e: return view.getBigInt64(at, true);
      case 0x7d: return new F32Bits(view.getUint32(at, true));
      case 0x7c: return new F64Bits(view.getBigUint64(at, true));
      default: return bytes.slice(at, at + SLOT);
    }
  });
}
