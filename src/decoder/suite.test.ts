/**
 * Conformance of the decoder against the official spec test suite (top-level
 * WebAssembly 2.0 *.wast files of $WASM_TESTSUITE):
 *  - every `(module binary ...)` inside `assert_malformed` must throw
 *    MalformedError, every other binary module must decode without one;
 *  - every text module (except `module quote` and modules inside
 *    assert_malformed) that wabt converts must decode.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decode } from './index.js';
import { MalformedError } from '../errors.js';
import { Imm, PREFIX_FC, PREFIX_FD, PREFIX_FE, immediateKind, instrLength } from './opcodes.js';
import type { DecodedModule, expr } from './module.js';

const SUITE = process.env.WASM_TESTSUITE ?? path.join(__dirname, '../../../shared/wasm-testsuite');

interface ModuleForm {
  /** The enclosing top-level command, e.g. 'module', 'assert_malformed'. */
  command: string;
  kind: 'binary' | 'quote' | 'text';
  /** Bytes for binary modules. */
  bytes?: Uint8Array;
  /** Source text of the `(module ...)` form for text modules. */
  text?: string;
  line: number;
}

/** Position just after the form starting at `start` (which is '('), skipping strings and comments. */
function skipForm(src: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < src.length) {
    const c = src[i];
    if (c === '"') {
      i++;
      while (src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === ';' && src[i + 1] === ';') {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? src.length : nl + 1;
    } else if (c === '(' && src[i + 1] === ';') {
      i = skipBlockComment(src, i);
    } else if (c === '(') {
      depth++;
      i++;
    } else if (c === ')') {
      depth--;
      i++;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  throw new Error('unbalanced form');
}

function skipBlockComment(src: string, i: number): number {
  let depth = 0;
  while (i < src.length) {
    if (src[i] === '(' && src[i + 1] === ';') {
      depth++;
      i += 2;
    } else if (src[i] === ';' && src[i + 1] === ')') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  throw new Error('unterminated block comment');
}

/** Skip whitespace and comments. */
function skipSpace(src: string, i: number): number {
  for (;;) {
    if (i >= src.length) return i;
    const c = src[i];
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') i++;
    else if (c === ';' && src[i + 1] === ';') {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? src.length : nl + 1;
    } else if (c === '(' && src[i + 1] === ';') i = skipBlockComment(src, i);
    else return i;
  }
}

/** Decode a wast string literal starting at the opening quote; returns bytes and the position after it. */
function readString(src: string, i: number): { bytes: number[]; next: number } {
  const out: number[] = [];
  i++; // opening quote
  while (src[i] !== '"') {
    const c = src[i];
    if (c === '\\') {
      const e = src[i + 1];
      if (/[0-9a-fA-F]/.test(e)) {
        out.push(parseInt(src.slice(i + 1, i + 3), 16));
        i += 3;
        continue;
      }
      i += 2;
      if (e === 'n') out.push(10);
      else if (e === 't') out.push(9);
      else if (e === 'r') out.push(13);
      else if (e === '"' || e === "'" || e === '\\') out.push(e.charCodeAt(0));
      else if (e === 'u') {
        const close = src.indexOf('}', i);
        const cp = parseInt(src.slice(i + 1, close), 16);
        out.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
        i = close + 1;
      } else throw new Error(`bad escape \\${e}`);
    } else {
      const cp = src.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      out.push(...Buffer.from(ch, 'utf8'));
      i += ch.length;
    }
  }
  return { bytes: out, next: i + 1 };
}

/** Read an atom (keyword or $id) at i. */
function readAtom(src: string, i: number): { atom: string; next: number } {
  let j = i;
  while (j < src.length && !/[\s()";]/.test(src[j])) j++;
  return { atom: src.slice(i, j), next: j };
}

function lineOf(src: string, pos: number): number {
  let n = 1;
  for (let i = 0; i < pos; i++) if (src.charCodeAt(i) === 10) n++;
  return n;
}

/** Parse a `(module ...)` form starting at `start`. */
function parseModule(src: string, start: number, end: number, command: string): ModuleForm {
  let i = skipSpace(src, start + 1);
  let a = readAtom(src, i); // 'module'
  i = skipSpace(src, a.next);
  if (src[i] === '$') {
    a = readAtom(src, i);
    i = skipSpace(src, a.next);
  }
  const line = lineOf(src, start);
  if (src[i] !== '(' && src[i] !== ')' && src[i] !== '"') {
    a = readAtom(src, i);
    if (a.atom === 'binary') {
      const bytes: number[] = [];
      i = skipSpace(src, a.next);
      while (src[i] === '"') {
        const s = readString(src, i);
        for (const b of s.bytes) bytes.push(b);
        i = skipSpace(src, s.next);
      }
      return { command, kind: 'binary', bytes: Uint8Array.from(bytes), line };
    }
    if (a.atom === 'quote') return { command, kind: 'quote', line };
    throw new Error(`unexpected module keyword ${a.atom} at line ${line}`);
  }
  return { command, kind: 'text', text: src.slice(start, end), line };
}

/** Every module form of a wast script, with its top-level command. */
function scanWast(src: string): ModuleForm[] {
  const forms: ModuleForm[] = [];
  let i = skipSpace(src, 0);
  while (i < src.length) {
    if (src[i] !== '(') throw new Error(`unexpected ${src[i]} at line ${lineOf(src, i)}`);
    const end = skipForm(src, i);
    const head = readAtom(src, skipSpace(src, i + 1));
    if (head.atom === 'module') {
      forms.push(parseModule(src, i, end, 'module'));
    } else {
      // the first nested (module ...) of an assertion, if any
      let j = skipSpace(src, head.next);
      while (j < end - 1) {
        if (src[j] === '(') {
          const sub = readAtom(src, skipSpace(src, j + 1));
          const subEnd = skipForm(src, j);
          if (sub.atom === 'module') {
            forms.push(parseModule(src, j, subEnd, head.atom));
            break;
          }
          j = skipSpace(src, subEnd);
        } else if (src[j] === '"') {
          j = skipSpace(src, readString(src, j).next);
        } else {
          j = skipSpace(src, readAtom(src, j).next);
        }
      }
    }
    i = skipSpace(src, end);
  }
  return forms;
}

/**
 * wabt leaves out the data count section when a module has no data segments,
 * even if its code uses data indices; the spec's encoder adds it. Insert an
 * empty one (count 0) before the code section the way the spec encoder would.
 */
function withDataCount(bytes: Uint8Array): Uint8Array {
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p];
    let size = 0;
    let shift = 0;
    let q = p + 1;
    for (;;) {
      const b = bytes[q++];
      size += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) break;
    }
    if (id === 10 || id === 11) break;
    p = q + size;
  }
  const out = new Uint8Array(bytes.length + 3);
  out.set(bytes.subarray(0, p), 0);
  out.set([12, 1, 0], p);
  out.set(bytes.subarray(p), p + 3);
  return out;
}

// ---- re-encoding of decoded streams, to check them against the original bytes ----

function uleb(out: number[], v: number): void {
  v = v >>> 0;
  do {
    const b = v & 0x7f;
    v >>>= 7;
    out.push(v ? b | 0x80 : b);
  } while (v);
}

function sleb(out: number[], v: bigint): void {
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && !(b & 0x40)) || (v === -1n && b & 0x40)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

function word(out: number[], w: number): void {
  out.push(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff);
}

/** Encode a decoded stream back to bytes; also checks the recorded byte offsets. */
function encodeStream(code: Int32Array, baseOffset: number): number[] {
  const out: number[] = [];
  let pc = 0;
  while (pc < code.length) {
    const op = code[pc];
    if (code[pc + 1] !== baseOffset + out.length) throw new Error(`offset of op ${op} is ${code[pc + 1]}, expected ${baseOffset + out.length}`);
    if (op < PREFIX_FC) out.push(op);
    else if (op < PREFIX_FD) (out.push(0xfc), uleb(out, op - PREFIX_FC));
    else if (op < PREFIX_FE) (out.push(0xfd), uleb(out, op - PREFIX_FD));
    else (out.push(0xfe), uleb(out, op - PREFIX_FE));
    const a = code[pc + 2];
    const b = code[pc + 3];
    switch (immediateKind(op)) {
      case Imm.none: break;
      case Imm.blocktype:
        if (a < 0) out.push(a + 0x80);
        else sleb(out, BigInt(a));
        break;
      case Imm.idx: uleb(out, a); break;
      case Imm.idx2: uleb(out, a); uleb(out, b); break;
      case Imm.zero: out.push(0); break;
      case Imm.idxZero: uleb(out, a); out.push(0); break;
      case Imm.zero2: out.push(0, 0); break;
      case Imm.fence: out.push(0); break;
      case Imm.brTable: for (let i = 0; i <= a + 1; i++) uleb(out, code[pc + 2 + i]); break;
      case Imm.selectT: uleb(out, a); for (let i = 0; i < a; i++) out.push(code[pc + 3 + i]); break;
      case Imm.memarg: uleb(out, a); uleb(out, b); break;
      case Imm.memargLane: uleb(out, a); uleb(out, b); out.push(code[pc + 4]); break;
      case Imm.lane: out.push(a); break;
      case Imm.i32: sleb(out, BigInt(a)); break;
      case Imm.i64: sleb(out, (BigInt(b) << 32n) | BigInt(a >>> 0)); break;
      case Imm.f32: word(out, a); break;
      case Imm.f64: word(out, a); word(out, b); break;
      case Imm.v128: for (let i = 0; i < 4; i++) word(out, code[pc + 2 + i]); break;
      case Imm.reftype: out.push(a); break;
      default: throw new Error(`bad op ${op}`);
    }
    pc += instrLength(code, pc);
  }
  if (pc !== code.length) throw new Error('instrLength overran the stream');
  return out;
}

function sameBytes(a: number[], bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== bytes[at + i]) return false;
  return true;
}

/**
 * Re-encode every function body and constant expression of `m` and compare it
 * with the binary (wabt writes canonical LEB128 immediates). Returns the
 * number of instruction streams checked.
 */
const opsSeen = new Set<number>();

function roundTrip(m: DecodedModule, bytes: Uint8Array): number {
  let streams = 0;
  for (const c of m.codes) for (let pc = 0; pc < c.body.length; pc += instrLength(c.body, pc)) opsSeen.add(c.body[pc]);
  const checkExpr = (e: expr | null) => {
    if (!e) return;
    const enc = encodeStream(e.code, e.offset);
    if (!sameBytes(enc, bytes, e.offset)) throw new Error(`constant expression at ${e.offset} does not round-trip`);
    streams++;
  };
  for (const g of m.globals) checkExpr(g.init);
  for (const el of m.elems) {
    checkExpr(el.offsetExpr);
    for (const e of el.exprs ?? []) checkExpr(e);
  }
  for (const d of m.datas) checkExpr(d.offsetExpr);
  for (const c of m.codes) {
    // skip the body size, then the locals
    let p = c.offset;
    while (bytes[p] & 0x80) p++;
    p++;
    const bodyStart = p;
    const enc: number[] = [];
    uleb(enc, c.locals.length);
    for (const l of c.locals) (uleb(enc, l.count), enc.push(l.type));
    const instrStart = bodyStart + enc.length;
    enc.push(...encodeStream(c.body, instrStart));
    if (enc.length !== c.size || !sameBytes(enc, bytes, bodyStart)) {
      throw new Error(`function body at ${c.offset} does not round-trip`);
    }
    streams++;
  }
  return streams;
}

const files = fs
  .readdirSync(SUITE)
  .filter((f) => f.endsWith('.wast'))
  .sort();

describe('spec test suite: binary modules', () => {
  test('suite directory has the 2.0 files', () => {
    expect(files).toContain('binary.wast');
    expect(files.length).toBeGreaterThan(100);
  });

  const counts = { malformed: 0, wellFormed: 0, text: 0, textSkipped: 0, dataCountAdded: 0, streamsRoundTripped: 0 };
  let wabt: any;
  beforeAll(async () => {
    wabt = await require('wabt')();
  });
  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`decoder suite: ${JSON.stringify(counts)}`);
  });

  for (const file of files) {
    test(file, () => {
      const src = fs.readFileSync(path.join(SUITE, file), 'utf8');
      const failures: string[] = [];
      for (const m of scanWast(src)) {
        if (m.kind === 'binary') {
          let error: unknown = null;
          try {
            decode(m.bytes!);
          } catch (e) {
            error = e;
          }
          if (m.command === 'assert_malformed') {
            counts.malformed++;
            if (!(error instanceof MalformedError)) {
              failures.push(`${file}:${m.line}: expected MalformedError, got ${error === null ? 'success' : String(error)}`);
            }
          } else {
            counts.wellFormed++;
            if (error instanceof MalformedError) failures.push(`${file}:${m.line}: ${m.command}: ${String(error)}`);
            else if (error !== null && m.command !== 'assert_invalid') {
              failures.push(`${file}:${m.line}: ${m.command}: unexpected ${String(error)}`);
            }
          }
        } else if (m.kind === 'text' && m.command !== 'assert_malformed') {
          let bytes: Uint8Array;
          let mod: any = null;
          try {
            mod = wabt.parseWat(file, new Uint8Array(Buffer.from(m.text!, 'utf8')), {
              simd: true,
              reference_types: true,
              bulk_memory: true,
              multi_value: true,
              sign_extension: true,
              sat_float_to_int: true,
              mutable_globals: true,
            });
            mod.resolveNames();
            bytes = new Uint8Array(mod.toBinary({}).buffer);
          } catch {
            counts.textSkipped++;
            continue;
          } finally {
            if (mod) mod.destroy();
          }
          try {
            let decoded: DecodedModule;
            try {
              decoded = decode(bytes);
            } catch (e) {
              if (!(e instanceof MalformedError && e.reason === 'data count section required')) throw e;
              bytes = withDataCount(bytes);
              decoded = decode(bytes);
              counts.dataCountAdded++;
            }
            counts.streamsRoundTripped += roundTrip(decoded, bytes);
            counts.text++;
          } catch (e) {
            failures.push(`${file}:${m.line}: text module (${m.command}): ${String(e)}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  }

  test('threads proposal: atomics in text modules decode and round-trip', () => {
    const src = fs.readFileSync(path.join(SUITE, 'proposals/threads/atomic.wast'), 'utf8');
    let checked = 0;
    let atomicOps = 0;
    for (const m of scanWast(src)) {
      if (m.kind !== 'text' || m.command === 'assert_malformed') continue;
      const mod = wabt.parseWat('atomic.wast', new Uint8Array(Buffer.from(m.text!, 'utf8')), { threads: true });
      let bytes: Uint8Array;
      try {
        mod.resolveNames();
        bytes = new Uint8Array(mod.toBinary({}).buffer);
      } finally {
        mod.destroy();
      }
      const decoded = decode(bytes);
      roundTrip(decoded, bytes);
      for (const c of decoded.codes) {
        for (let pc = 0; pc < c.body.length; pc += instrLength(c.body, pc)) if (c.body[pc] >= PREFIX_FE) atomicOps++;
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(3);
    expect(atomicOps).toBeGreaterThan(60);
  });

  test('counts', () => {
    expect(counts.malformed).toBeGreaterThan(700);
    expect(counts.wellFormed).toBeGreaterThan(50);
    expect(counts.text).toBeGreaterThan(1000);
    expect(counts.streamsRoundTripped).toBeGreaterThan(8000);
    // the suite uses every instruction of 2.0 except none, so every op the
    // decoder accepts (below the 0xFE prefix) must have been seen
    const legal: number[] = [];
    for (let op = 0; op < PREFIX_FE; op++) if (immediateKind(op) !== Imm.illegal) legal.push(op);
    const unseen = legal.filter((op) => !opsSeen.has(op)).map((op) => op.toString(16));
    console.log(`ops: ${legal.length} legal below 0xFE, unseen: ${unseen.join(' ')}`);
    expect(unseen).toEqual([]);
  });
});
