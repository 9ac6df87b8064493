/**
 * Builders of hostile module binaries: extreme nesting, huge tables of branch
 * targets, huge local counts, and headers (counts, sizes, lengths) that lie
 * about what follows. Large bodies are built in typed arrays, not by spreading.
 */
import { Bytes, I32, append, funcBody, functype, moduleBytes, name, section, sleb32, uleb, vec } from './encode.js';

const TYPE_V_V = section(1, vec([functype([], [])]));
const TYPE_I_I = section(1, vec([functype([I32], [I32])]));

function oneFunc(typeSec: Bytes, body: Bytes, exportName = 'f'): Uint8Array<ArrayBuffer> {
  return moduleBytes([
    typeSec,
    section(3, vec([[0x00]])),
    section(7, vec([[...name(exportName), 0x00, 0x00]])),
    section(10, vec([body])),
  ]);
}

/** `n` nested blocks (or loops/ifs) around a single `nop`, in a () -> () function. */
export function nestedBlocks(n: number, kind: 'block' | 'loop' | 'if' = 'block'): Uint8Array<ArrayBuffer> {
  const code: Bytes = [];
  for (let i = 0; i < n; i++) {
    if (kind === 'if') code.push(0x41, 0x01);
    code.push(kind === 'block' ? 0x02 : kind === 'loop' ? 0x03 : 0x04, 0x40);
  }
  code.push(0x01);
  for (let i = 0; i < n; i++) code.push(0x0b);
  code.push(0x0b);
  return oneFunc(TYPE_V_V, funcBody([], code));
}

/**
 * (i32) -> i32: `block block ... br_table` with `n` targets; the selected
 * depth decides the returned value (0 when the default/outer block is taken).
 */
export function hugeBrTable(n: number): Uint8Array<ArrayBuffer> {
  // block $outer               ;; depth 1 from the br_table
  //   block $inner              ;; depth 0
  //     local.get 0
  //     br_table [0,1,0,1,...] default 0
  //   end
  //   i32.const 7 return
  // end
  // i32.const 9
  const code: Bytes = [0x02, 0x40, 0x02, 0x40, 0x20, 0x00];
  code.push(0x0e, ...uleb(n));
  for (let i = 0; i < n; i++) code.push(i & 1);
  code.push(0x00, 0x0b, 0x41, 0x07, 0x0f, 0x0b, 0x41, 0x09, 0x0b);
  return oneFunc(TYPE_I_I, funcBody([], code));
}

/** (i32) -> i32 with `n` declared i32 locals (plus the parameter); sets the last, returns it. */
export function manyLocals(n: number, runs = 1): Uint8Array<ArrayBuffer> {
  const locals: Array<[number, number]> = [];
  const per = Math.floor(n / runs);
  for (let i = 0; i < runs; i++) locals.push([i === runs - 1 ? n - per * (runs - 1) : per, I32]);
  const last = n; // parameter is local 0
  const code: Bytes = [0x20, 0x00, 0x21, ...uleb(last), 0x20, ...uleb(last), 0x0b];
  return oneFunc(TYPE_I_I, funcBody(locals, code));
}

/** A body declaring `count` locals in one run (e.g. 2^32-1) inside a tiny module. */
export function claimedLocals(runs: number[]): Uint8Array<ArrayBuffer> {
  const body: Bytes = [...uleb(runs.length)];
  for (const c of runs) body.push(...uleb(c), I32);
  body.push(0x0b);
  return oneFunc(TYPE_V_V, [...uleb(body.length), ...body]);
}

/** A section whose count field claims `count` entries but holds one. */
export function lyingCount(sectionId: 1 | 3 | 6 | 7 | 10 | 11, count: number): Uint8Array<ArrayBuffer> {
  switch (sectionId) {
    case 1: return moduleBytes([section(1, [...uleb(count), ...functype([], [])])]);
    case 3: return moduleBytes([TYPE_V_V, section(3, [...uleb(count), 0x00])]);
    case 6: return moduleBytes([section(6, [...uleb(count), I32, 0x00, 0x41, 0x00, 0x0b])]);
    case 7: return moduleBytes([TYPE_V_V, section(3, vec([[0x00]])), section(7, [...uleb(count), ...name('f'), 0x00, 0x00]), section(10, vec([funcBody([], [0x0b])]))]);
    case 10: return moduleBytes([TYPE_V_V, section(3, vec([[0x00]])), section(10, [...uleb(count), ...funcBody([], [0x0b])])]);
    case 11: return moduleBytes([section(5, vec([[0x00, 0x01]])), section(11, [...uleb(count), 0x00, 0x41, 0x00, 0x0b, 0x01, 0x61])]);
  }
}

/** A type section whose size field claims `size` bytes (more than the file has). */
export function lyingSectionSize(size: number): Uint8Array<ArrayBuffer> {
  return moduleBytes([[0x01, ...uleb(size), ...vec([functype([], [])])]]);
}

/** An active data segment that declares `length` bytes but carries only `present`. */
export function giantDataSegment(length: number, present = 3): Uint8Array<ArrayBuffer> {
  const seg: Bytes = [0x00, 0x41, 0x00, 0x0b, ...uleb(length)];
  for (let i = 0; i < present; i++) seg.push(0x61 + i);
  return moduleBytes([section(5, vec([[0x00, 0x01]])), section(11, [0x01, ...seg])]);
}

/** An export whose name claims `length` bytes. */
export function giantName(length: number): Uint8Array<ArrayBuffer> {
  return moduleBytes([section(7, [0x01, ...uleb(length), 0x61, 0x62, 0x00, 0x00])]);
}

/** A function body whose size field claims `size` bytes. */
export function lyingBodySize(size: number): Uint8Array<ArrayBuffer> {
  return moduleBytes([TYPE_V_V, section(3, vec([[0x00]])), section(10, [0x01, ...uleb(size), 0x00, 0x0b])]);
}

/** A memory (or table) type with extreme limits. */
export function extremeLimits(kind: 'memory' | 'table', min: number, max?: number): Uint8Array<ArrayBuffer> {
  const lim = max === undefined ? [0x00, ...uleb(min)] : [0x01, ...uleb(min), ...uleb(max)];
  return kind === 'memory' ? moduleBytes([section(5, vec([lim]))]) : moduleBytes([section(4, vec([[0x70, ...lim]]))]);
}

/** A large but honest module: `n` functions each `i32.const k; drop`, exported as f0..fn-1 (exports optional). */
export function manyFunctions(n: number, exportAll: boolean): Uint8Array<ArrayBuffer> {
  const funcs: Bytes = uleb(n);
  for (let i = 0; i < n; i++) funcs.push(0x00);
  const code: Bytes = uleb(n);
  for (let i = 0; i < n; i++) append(code, funcBody([], [0x41, ...sleb32(i), 0x1a, 0x0b]));
  const secs: Bytes[] = [TYPE_V_V, section(3, funcs)];
  if (exportAll) {
    const ex: Bytes = uleb(n);
    for (let i = 0; i < n; i++) append(ex, [...name(`f${i}`), 0x00, ...uleb(i)]);
    secs.push(section(7, ex));
  }
  secs.push(section(10, code));
  return moduleBytes(secs);
}
