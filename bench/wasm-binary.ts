/**
 * Small WebAssembly binary helpers for the benchmark (spec 5 "Binary Format"):
 * split a module into sections, add a parameterless wrapper export for
 * command-line interpreters, and build large modules for compile throughput.
 * They handle exactly the modules of this benchmark (no imports) and say so
 * when given anything else.
 */

export interface Section {
  id: number;
  /** The section's payload (without id and size). */
  payload: Uint8Array;
}

const MAGIC_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const SEC_TYPE = 1, SEC_IMPORT = 2, SEC_FUNCTION = 3, SEC_EXPORT = 7, SEC_CODE = 10;

export function encodeU32(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

export function encodeS32(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

/** A cursor over a byte array reading unsigned LEB128 (spec 5.2.2). */
class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  u32(): number {
    let result = 0, shift = 0;
    for (;;) {
      if (this.pos >= this.bytes.length) throw new Error(`wasm-binary: truncated LEB128 at ${this.pos}`);
      const b = this.bytes[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }
  bytesOf(n: number): Uint8Array {
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  name(): string {
    return Buffer.from(this.bytesOf(this.u32())).toString('utf8');
  }
}

export function readSections(bytes: Uint8Array): Section[] {
  for (let i = 0; i < 8; i++) {
    if (bytes[i] !== MAGIC_VERSION[i]) throw new Error('wasm-binary: not a WebAssembly 1.0 binary');
  }
  const r = new Reader(bytes);
  r.pos = 8;
  const sections: Section[] = [];
  while (r.pos < bytes.length) {
    const id = bytes[r.pos++];
    const size = r.u32();
    sections.push({ id, payload: r.bytesOf(size) });
  }
  return sections;
}

export function writeModule(sections: Section[]): Uint8Array {
  const parts: number[][] = [MAGIC_VERSION];
  let total = 8;
  for (const s of sections) {
    const head = [s.id, ...encodeU32(s.payload.length)];
    parts.push(head);
    total += head.length + s.payload.length;
  }
  const out = new Uint8Array(total);
  let pos = 0;
  out.set(MAGIC_VERSION, pos);
  pos += 8;
  for (let i = 0; i < sections.length; i++) {
    out.set(parts[i + 1], pos);
    pos += parts[i + 1].length;
    out.set(sections[i].payload, pos);
    pos += sections[i].payload.length;
  }
  return out;
}

/** A vector section payload: count, then the concatenated entries. */
function vecPayload(count: number, entries: ArrayLike<number>[]): Uint8Array {
  const head = encodeU32(count);
  let len = head.length;
  for (const e of entries) len += e.length;
  const out = new Uint8Array(len);
  out.set(head, 0);
  let pos = head.length;
  for (const e of entries) {
    out.set(e, pos);
    pos += e.length;
  }
  return out;
}

/** Splits a vector section payload into its count and the bytes after the count. */
function vecHead(payload: Uint8Array): { count: number; rest: Uint8Array } {
  const r = new Reader(payload);
  const count = r.u32();
  return { count, rest: payload.subarray(r.pos) };
}

function findExportedFunc(exportPayload: Uint8Array, name: string): number {
  const r = new Reader(exportPayload);
  const count = r.u32();
  for (let i = 0; i < count; i++) {
    const n = r.name();
    const kind = r.bytes[r.pos++];
    const index = r.u32();
    if (n === name && kind === 0) return index;
  }
  throw new Error(`wasm-binary: no exported function "${name}"`);
}

/**
 * A copy of `bytes` whose only export is `main: [] -> [result]`, which calls
 * the exported function `exportName` with the i32 argument `arg`. Command-line
 * interpreters (wabt's wasm-interp) run exports without arguments; this gives
 * them the program with its size parameter baked in. Cost: one call.
 */
export function withMainWrapper(bytes: Uint8Array, exportName: string, arg: number, result: 'i32' | 'i64'): Uint8Array {
  const sections = readSections(bytes).filter((s) => s.id !== 0);
  if (sections.some((s) => s.id === SEC_IMPORT)) throw new Error('wasm-binary: modules with imports are not supported');
  const get = (id: number): Section => {
    const s = sections.find((x) => x.id === id);
    if (!s) throw new Error(`wasm-binary: section ${id} missing`);
    return s;
  };
  const typeSec = get(SEC_TYPE), funcSec = get(SEC_FUNCTION), exportSec = get(SEC_EXPORT), codeSec = get(SEC_CODE);
  const target = findExportedFunc(exportSec.payload, exportName);

  const types = vecHead(typeSec.payload);
  const newType = types.count;
  typeSec.payload = vecPayload(types.count + 1, [types.rest, [0x60, 0x00, 0x01, result === 'i32' ? 0x7f : 0x7e]]);

  const funcs = vecHead(funcSec.payload);
  const newFunc = funcs.count; // no imported functions, so the code index is the function index
  funcSec.payload = vecPayload(funcs.count + 1, [funcs.rest, encodeU32(newType)]);

  const body = [0x00, 0x41, ...encodeS32(arg | 0), 0x10, ...encodeU32(target), 0x0b];
  const codes = vecHead(codeSec.payload);
  codeSec.payload = vecPayload(codes.count + 1, [codes.rest, [...encodeU32(body.length), ...body]]);

  const mainName = Buffer.from('main', 'utf8');
  exportSec.payload = vecPayload(1, [[...encodeU32(mainName.length), ...mainName, 0x00, ...encodeU32(newFunc)]]);
  return writeModule(sections);
}

/**
 * A module with `copies` copies of every defined function of `template`
 * (which must have no imports, and whose functions may only call function 0
 * or refer to things that stay where they are: types, memory, globals,
 * tables). Only function 0 stays exported. Used to build large modules from a
 * realistic template for compile-throughput and linearity measurements.
 */
export function replicateFunctions(template: Uint8Array, copies: number): Uint8Array {
  const sections = readSections(template).filter((s) => s.id !== 0);
  if (sections.some((s) => s.id === SEC_IMPORT)) throw new Error('wasm-binary: modules with imports are not supported');
  const funcSec = sections.find((s) => s.id === SEC_FUNCTION);
  const codeSec = sections.find((s) => s.id === SEC_CODE);
  if (!funcSec || !codeSec) throw new Error('wasm-binary: template has no functions');
  const funcs = vecHead(funcSec.payload);
  const codes = vecHead(codeSec.payload);
  funcSec.payload = vecPayload(funcs.count * copies, new Array(copies).fill(funcs.rest));
  codeSec.payload = vecPayload(codes.count * copies, new Array(copies).fill(codes.rest));
  return writeModule(sections);
}

/** Number of defined functions (code section entries) of a module. */
export function countFunctions(bytes: Uint8Array): number {
  const code = readSections(bytes).find((s) => s.id === SEC_CODE);
  return code ? vecHead(code.payload).count : 0;
}

/**
 * A module of `n` functions `[i32] -> [i32]` (n >= 2): function 0, exported as
 * `run`, calls function n - 1, which (like every other) returns its argument.
 * The instance-heap measurement's large module: what an instance costs when
 * its module has many functions, few of them ever referenced.
 */
export function manyFunctions(n: number): Uint8Array {
  const type = Uint8Array.of(0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f);
  const funcs = vecPayload(n, new Array(n).fill([0x00]));
  const exp = Uint8Array.of(0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x00);
  const runBody = [0x00, 0x20, 0x00, 0x10, ...encodeU32(n - 1), 0x0b];
  const other = [0x04, 0x00, 0x20, 0x00, 0x0b];
  const codes = vecPayload(n, [[runBody.length, ...runBody], ...new Array(n - 1).fill(other)]);
  return writeModule([
    { id: SEC_TYPE, payload: type },
    { id: SEC_FUNCTION, payload: funcs },
    { id: SEC_EXPORT, payload: exp },
    { id: SEC_CODE, payload: codes },
  ]);
}
