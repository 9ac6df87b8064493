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

/**
 * Instructions after WebAssembly 2.0 (the 2.0 suite cannot use them): legacy
 * exceptions, throw/throw_ref/try_table, tail calls and call_ref, ref.eq and
 * the typed-reference instructions, wide arithmetic, relaxed SIMD.
 */
const LATER_OPS = new Set<number>([
  0x06, 0x07, 0x08, 0x09, 0x0a, 0x12, 0x13, 0x14, 0x15, 0x18, 0x19, 0x1f, 0xd3, 0xd4, 0xd5, 0xd6,
  0x113, 0x114, 0x115, 0x116,
  ...Array.from({ length: 0x14 }, (_, i) => PREFIX_FD + 0x100 + i),
]);
import { uleb, sleb } from './testutil.js';
import { parseWast, commandModule } from '../../spec-tests/wast.js';
import { loadWabt, watToWasm, TextConversionError, WABT_FEATURES, type Wabt } from '../../spec-tests/wat2wasm.js';

const SUITE = process.env.WASM_TESTSUITE ?? path.join(__dirname, '../../../shared/wasm-testsuite');

// ---- re-encoding of decoded streams, to check them against the original bytes ----

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
    else if (op < PREFIX_FD) out.push(0xfc, ...uleb(op - PREFIX_FC));
    else if (op < PREFIX_FE) out.push(0xfd, ...uleb(op - PREFIX_FD));
    else out.push(0xfe, ...uleb(op - PREFIX_FE));
    const a = code[pc + 2];
    const b = code[pc + 3];
    switch (immediateKind(op)) {
      case Imm.none: break;
      case Imm.blocktype:
        if (a < 0) out.push(a + 0x80);
        else out.push(...sleb(a));
        break;
      case Imm.idx: out.push(...uleb(a)); break;
      case Imm.idx2: out.push(...uleb(a), ...uleb(b)); break;
      case Imm.zero: out.push(0); break;
      case Imm.idxZero: out.push(...uleb(a), 0); break;
      case Imm.zero2: out.push(0, 0); break;
      case Imm.fence: out.push(0); break;
      case Imm.brTable: for (let i = 0; i <= a + 1; i++) out.push(...uleb(code[pc + 2 + i])); break;
      case Imm.selectT: out.push(...uleb(a)); for (let i = 0; i < a; i++) out.push(code[pc + 3 + i]); break;
      case Imm.memarg: out.push(...uleb(a), ...uleb(b)); break;
      case Imm.memargLane: out.push(...uleb(a), ...uleb(b)); out.push(code[pc + 4]); break;
      case Imm.lane: out.push(a); break;
      case Imm.i32: out.push(...sleb(a)); break;
      case Imm.i64: out.push(...sleb((BigInt(b) << 32n) | BigInt(a >>> 0))); break;
      case Imm.f32: word(out, a); break;
      case Imm.f64: word(out, a); word(out, b); break;
      case Imm.v128: for (let i = 0; i < 4; i++) word(out, code[pc + 2 + i]); break;
      case Imm.reftype: case Imm.heaptype: out.push(a); break;
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
    enc.push(...uleb(c.locals.length));
    for (const l of c.locals) enc.push(...uleb(l.count), l.type);
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

  const counts = { malformed: 0, wellFormed: 0, text: 0, textSkipped: 0, streamsRoundTripped: 0 };
  let wabt: Wabt;
  beforeAll(async () => {
    wabt = await loadWabt();
  });
  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`decoder suite: ${JSON.stringify(counts)}`);
  });

  for (const file of files) {
    test(file, () => {
      const failures: string[] = [];
      for (const cmd of parseWast(fs.readFileSync(path.join(SUITE, file)))) {
        const m = commandModule(cmd);
        if (!m) continue;
        const where = `${file}:${cmd.line}: ${cmd.kind}`;
        if (m.source.kind === 'binary') {
          let error: unknown = null;
          try {
            decode(m.source.bytes);
          } catch (e) {
            error = e;
          }
          if (cmd.kind === 'assert_malformed') {
            counts.malformed++;
            if (!(error instanceof MalformedError)) {
              failures.push(`${where}: expected MalformedError, got ${error === null ? 'success' : String(error)}`);
            }
          } else {
            counts.wellFormed++;
            if (error instanceof MalformedError) failures.push(`${where}: ${String(error)}`);
            else if (error !== null && cmd.kind !== 'assert_invalid') failures.push(`${where}: unexpected ${String(error)}`);
          }
        } else if (m.source.kind === 'text' && cmd.kind !== 'assert_malformed') {
          let bytes: Uint8Array;
          try {
            bytes = watToWasm(wabt, m.source.bytes, file);
          } catch (e) {
            if (!(e instanceof TextConversionError)) throw e;
            counts.textSkipped++;
            continue;
          }
          try {
            counts.streamsRoundTripped += roundTrip(decode(bytes), bytes);
            counts.text++;
          } catch (e) {
            failures.push(`${where}: text module: ${String(e)}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  }

  test('threads proposal: atomics in text modules decode and round-trip', () => {
    const src = fs.readFileSync(path.join(SUITE, 'proposals/threads/atomic.wast'));
    let checked = 0;
    let atomicOps = 0;
    for (const cmd of parseWast(src)) {
      const m = commandModule(cmd);
      if (m?.source.kind !== 'text' || cmd.kind === 'assert_malformed') continue;
      const bytes = watToWasm(wabt, m.source.bytes, 'atomic.wast', { ...WABT_FEATURES, threads: true });
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
    // the suite uses every instruction of 2.0 except none, so every op of 2.0
    // the decoder accepts (below the 0xFE prefix) must have been seen
    const legal: number[] = [];
    for (let op = 0; op < PREFIX_FE; op++) if (immediateKind(op) !== Imm.illegal && !LATER_OPS.has(op)) legal.push(op);
    const unseen = legal.filter((op) => !opsSeen.has(op)).map((op) => op.toString(16));
    console.log(`ops: ${legal.length} legal below 0xFE, unseen: ${unseen.join(' ')}`);
    expect(unseen).toEqual([]);
  });
});
