/**
 * Instruction decoding (spec 5.4): turns the bytes of a function body or a
 * constant expression into a decoded stream (layout in `opcodes.ts`).
 *
 * Only the binary grammar is checked here: opcodes exist, immediates are
 * well-formed, `else`/`end` nest properly and the expression ends with the
 * `end` matching its implicit outer block. Everything about types and index
 * ranges is the validator's job.
 */
import { LimitError, PolicyError } from '../errors.js';
import type { Features, Limits } from '../config.js';
import { Reader } from './reader.js';
import { MEMARG_EXT, PREFIX_FC, PREFIX_FD, PREFIX_FE, BLOCKTYPE_EMPTY, IMMEDIATE_KIND } from './opcodes.js';
import { readHeaptype, readValtype, rejectGc, valtypeAfter } from './types.js';
import { NON_NULL } from './valtype.js';

/**
 * Largest chunk the arena grows to by doubling, in slots (1 MiB). SPEED: past
 * it new chunks keep this size (bigger only for an expression that needs it),
 * so a big module allocates and zeroes about the slots it uses, not up to 4x
 * (the doubled chunks plus the half-empty last one).
 */
const CHUNK_CAP = 1 << 18;

/**
 * The Int32Array arena the decoder writes records into, one per module:
 * expressions are written one after another and each decoded expression is a
 * view of its part (no copy). When an expression does not fit, a chunk twice
 * as big is started and only that expression's part moves there; earlier
 * views keep the old chunk. So the module holds at most about twice the slots
 * of its expressions.
 */
export class InstrWriter {
  buf: Int32Array = new Int32Array(1024);
  /** Where the expression being decoded starts in `buf`. */
  start = 0;
  len = 0;
  /** Instructions in the expression last decoded (set when it is complete). */
  count = 0;
  /** Kinds of the open blocks of the expression being decoded (scratch). */
  ctl: Uint8Array = new Uint8Array(16);

  /** Starts a new expression after the ones already taken. */
  reset(): void {
    this.start = this.len;
  }

  /** Make room for `n` more slots. */
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const used = this.len - this.start;
    let size = Math.min(this.buf.length * 2, CHUNK_CAP);
    while (size < used + n) size *= 2;
    const next = new Int32Array(size);
    next.set(this.buf.subarray(this.start, this.len));
    this.buf = next;
    this.start = 0;
    this.len = used;
  }

  push(v: number): void {
    this.buf[this.len++] = v;
  }

  /** What was written since the last reset, as a view (later expressions go after it). */
  take(): Int32Array {
    return this.buf.subarray(this.start, this.len);
  }
}


export interface ExprOptions {
  limits: Limits;
  /**
   * The engine's features. Only `multiMemory` changes the binary grammar
   * here: without it memory instructions keep WebAssembly 2.0's reserved
   * zero bytes and memarg flags of 32 or more are malformed, as in 2.0.
   */
  features: Features;
  /**
   * True inside the code section of a module without a data count section:
   * memory.init and data.drop are then malformed (spec 5.5.13).
   */
  noDataCount: boolean;
  /** The function whose body this is, for error reports. */
  funcIndex?: number;
}

const CTL_BLOCK = 0; // block or loop
const CTL_IF = 1; // if, before its else
const CTL_ELSE = 2; // if, after its else

/** Largest sub-opcode after each prefix that has a dense number. */
const PREFIX_RANGE: Record<number, number> = { 0xfc: 0x100, 0xfd: 0x200, 0xfe: 0x100 };
const PREFIX_BASE: Record<number, number> = { 0xfc: PREFIX_FC, 0xfd: PREFIX_FD, 0xfe: PREFIX_FE };

/**
 * Decode instructions from `r` up to and including the `end` that closes the
 * expression; returns the stream. `r` is left just after that `end`.
 */
export function decodeExpr(r: Reader, w: InstrWriter, opts: ExprOptions): Int32Array {
  w.reset();
  // SPEED: the writer's buffer and length live in locals while decoding; they
  // are synced with `w` around every growth and when the expression is done.
  let buf = w.buf;
  let len = w.len;
  let ctl = w.ctl;
  let depth = 0;
  let count = 0;
  const i64Halves = [0, 0];
  const multiMemory = opts.features.multiMemory;
  const memory64 = opts.features.memory64;
  /** memarg flags at or above this are malformed (5.4.6; 32 without multi-memory, as in 2.0) */
  const flagsLimit = multiMemory ? 128 : 32;
  const noDataCount = opts.noDataCount;
  // SPEED: the opcode byte and one-byte indices and i32 constants (most
  // immediates) are read here from the binary; longer ones through `r`.
  const bytes = r.bytes;
  const end = r.end;
  // SPEED: the position lives in a local (a field written and read back every
  // instruction puts a store-to-load round trip on the loop's critical path);
  // `r.pos` is set from it at each instruction for the immediates read
  // through `r`, and read back after them.
  let pos = r.pos;
  for (;;) {
    const at = pos;
    // Out of bytes between instructions, before the closing end: at the end of
    // the binary that is a truncated module ("unexpected end ..."); a function
    // body or section that ends while more bytes follow lacks its end (the
    // reference interpreter's messages in binary.wast).
    if (at >= end) {
      r.pos = at;
      if (end === bytes.length) r.eof();
      r.fail('END opcode expected', at);
    }
    const b = bytes[at];
    pos = at + 1;
    r.pos = pos;
    let op = b;
    if (b >= 0xfc && b <= 0xfe) {
      const sub = r.u32();
      pos = r.pos;
      if (sub >= PREFIX_RANGE[b]) illegalOpcode(r, at, b, sub);
      op = PREFIX_BASE[b] + sub;
    }
    // SPEED: a direct table load: op is a byte or a prefixed op below its prefix's range
    const kind = IMMEDIATE_KIND[op];
    if (kind === 255 /* Imm.illegal */) {
      if (b === 0xfb) rejectGc('GC instruction (0xfb prefix)', at);
      illegalOpcode(r, at, b, op === b ? undefined : op - PREFIX_BASE[b]);
    }
    if (len + 6 > buf.length) {
      w.len = len;
      w.ensure(6);
      buf = w.buf;
      len = w.len;
    }
    buf[len++] = op;
    buf[len++] = at;
    count++;
    // SPEED: the case labels are number literals (the Imm name in a comment): a
    // label like `Imm.none` is a property load evaluated at run time, case after
    // case, so V8 cannot turn the switch into a jump table.
    switch (kind) {
      case 0: // Imm.none
        if (op === 0x0b) {
          // end
          if (depth === 0) {
            w.len = len;
            w.count = count;
            return w.take();
          }
          depth--;
        } else if (op === 0x05) {
          // else: only once, directly inside an if (5.4.1)
          if (depth === 0 || ctl[depth - 1] !== CTL_IF) r.fail('END opcode expected', at);
          ctl[depth - 1] = CTL_ELSE;
        }
        break;
      case 19: // Imm.tryTable
      case 1: { // Imm.blocktype
        if (kind === 1) buf[len++] = blocktype(r);
        else {
          w.len = len;
          tryTableImmediates(r, w);
          buf = w.buf;
          len = w.len;
        }
        if (depth === ctl.length) {
          const next = new Uint8Array(ctl.length * 2);
          next.set(ctl);
          ctl = w.ctl = next;
        }
        ctl[depth++] = op === 0x04 ? CTL_IF : CTL_BLOCK;
        pos = r.pos;
        break;
      }
      case 2: { // Imm.idx
        if (noDataCount && op === PREFIX_FC + 9) r.fail('data count section required', at);
        const p = pos;
        const x = p < end ? bytes[p] : 0x80;
        if (x < 0x80) {
          pos = p + 1;
          buf[len++] = x;
        } else if (p + 1 < end && bytes[p + 1] < 0x80) {
          // two bytes
          pos = p + 2;
          buf[len++] = (x & 0x7f) | (bytes[p + 1] << 7);
        } else {
          buf[len++] = r.u32();
          pos = r.pos;
        }
        break;
      }
      case 3: // Imm.idx2
        buf[len++] = r.u32();
        buf[len++] = r.u32();
        pos = r.pos;
        break;
      case 4: // Imm.zero (a memory index with multi-memory)
        buf[len++] = multiMemory ? r.u32() : r.zeroByte();
        pos = r.pos;
        break;
      case 5: // Imm.idxZero
        if (noDataCount) r.fail('data count section required', at);
        buf[len++] = r.u32();
        buf[len++] = multiMemory ? r.u32() : r.zeroByte();
        pos = r.pos;
        break;
      case 6: // Imm.zero2
        buf[len++] = multiMemory ? r.u32() : r.zeroByte();
        buf[len++] = multiMemory ? r.u32() : r.zeroByte();
        pos = r.pos;
        break;
      case 7: // Imm.fence
        r.zeroByte();
        pos = r.pos;
        break;
      case 8: { // Imm.brTable
        const countAt = r.pos;
        const n = r.count(); // each target takes at least one byte
        if (n > opts.limits.maxBrTableTargets) {
          throw new LimitError('maxBrTableTargets', opts.limits.maxBrTableTargets, n, countAt, opts.funcIndex);
        }
        w.len = len;
        w.ensure(n + 2);
        buf = w.buf;
        len = w.len;
        buf[len++] = n;
        for (let i = 0; i <= n; i++) buf[len++] = r.u32();
        pos = r.pos;
        break;
      }
      case 9: { // Imm.selectT
        const n = r.count();
        w.len = len;
        w.ensure(n + 1);
        buf = w.buf;
        len = w.len;
        buf[len++] = n;
        for (let i = 0; i < n; i++) buf[len++] = readValtype(r);
        pos = r.pos;
        break;
      }
      case 10: { // Imm.memarg
        const flagsAt = pos;
        if (flagsAt + 1 < end && !memory64) {
          const f = bytes[flagsAt], o = bytes[flagsAt + 1];
          if (f < 32 && o < 0x80) {
            // the 2.0 form with a one-byte offset
            pos = flagsAt + 2;
            buf[len++] = f;
            buf[len++] = o;
            break;
          }
          if (f < 32 && flagsAt + 2 < end && bytes[flagsAt + 2] < 0x80) {
            // ... with a two-byte offset
            pos = flagsAt + 3;
            buf[len++] = f;
            buf[len++] = (o & 0x7f) | (bytes[flagsAt + 2] << 7);
            break;
          }
        }
        const flags = r.u32();
        if (flags < 32 && !memory64) {
          // SPEED: the 2.0 form (memory 0, u32 offset) without further calls
          buf[len++] = flags;
          buf[len++] = r.u32();
          pos = r.pos;
          break;
        }
        if (flags >= flagsLimit) r.fail('malformed memop flags', flagsAt);
        len = memargRest(r, flags, memory64, op, buf, len);
        pos = r.pos;
        break;
      }
      case 18: { // Imm.memargLane
        const flagsAt = r.pos;
        const flags = r.u32();
        if (flags >= flagsLimit) r.fail('malformed memop flags', flagsAt);
        if (flags & 0x40) r.u32();
        memargOffset(r, memory64, i64Halves);
        buf[len++] = flags & 0x3f;
        buf[len++] = i64Halves[0];
        buf[len++] = r.u8();
        pos = r.pos;
        break;
      }
      case 17: // Imm.lane
        buf[len++] = r.u8();
        pos = r.pos;
        break;
      case 11: { // Imm.i32
        const p = pos;
        const x = p < end ? bytes[p] : 0x80;
        if (x < 0x80) {
          // one byte: bit 6 is the sign
          pos = p + 1;
          buf[len++] = x < 0x40 ? x : x - 0x80;
        } else if (p + 1 < end && bytes[p + 1] < 0x80) {
          // two bytes: bit 6 of the second is the sign
          const y = bytes[p + 1];
          pos = p + 2;
          buf[len++] = ((x & 0x7f) | (y << 7)) - (y < 0x40 ? 0 : 0x4000);
        } else {
          buf[len++] = r.s32();
          pos = r.pos;
        }
        break;
      }
      case 12: { // Imm.i64
        const p = pos;
        const x = p < end ? bytes[p] : 0x80;
        if (x < 0x80) {
          // one byte: bit 6 is the sign
          pos = p + 1;
          buf[len++] = x < 0x40 ? x : x - 0x80;
          buf[len++] = x < 0x40 ? 0 : -1;
          break;
        }
        r.s64(i64Halves);
        buf[len++] = i64Halves[0];
        buf[len++] = i64Halves[1];
        pos = r.pos;
        break;
      }
      case 13: // Imm.f32
        buf[len++] = word(r);
        pos = r.pos;
        break;
      case 14: // Imm.f64
        buf[len++] = word(r);
        buf[len++] = word(r);
        pos = r.pos;
        break;
      case 16: // Imm.v128
        buf[len++] = word(r);
        buf[len++] = word(r);
        buf[len++] = word(r);
        buf[len++] = word(r);
        pos = r.pos;
        break;
      case 21: // Imm.heaptype
        buf[len++] = readHeaptype(r, true);
        pos = r.pos;
        break;
      case 22: // Imm.legacy
        rejectLegacy(b, at, opts.funcIndex);
      case 23: // Imm.gc
        rejectGc(`GC instruction 0x${b.toString(16)}`, at);
      default:
        illegalOpcode(r, at, b, op === b ? undefined : op - PREFIX_BASE[b]);
    }
  }
}

/**
 * The rest of a memarg after its flags (memory index, u64 offset), written at
 * `len` of `buf` (room for 4 slots); a load or store naming a memory other
 * than 0 or with an offset of 2^32 or more becomes its MEMARG_EXT form
 * (opcodes.ts). Returns the new length.
 */
function memargRest(r: Reader, flags: number, memory64: boolean, op: number, buf: Int32Array, len: number): number {
  const memidx = flags & 0x40 ? r.u32() : 0;
  memargOffset(r, memory64, MEMARG_HALVES);
  buf[len++] = flags & 0x3f;
  buf[len++] = MEMARG_HALVES[0];
  if ((memidx !== 0 || MEMARG_HALVES[1] !== 0) && op <= 0x3e) {
    buf[len - 4] = op + MEMARG_EXT;
    buf[len++] = memidx;
    buf[len++] = MEMARG_HALVES[1];
  }
  return len;
}
const MEMARG_HALVES = [0, 0];

/** try_table's immediates (blocktype, vec(catch)) appended to `w`'s expression (record layout in opcodes.ts). */
function tryTableImmediates(r: Reader, w: InstrWriter): void {
  w.ensure(2);
  w.push(blocktype(r));
  const n = r.count();
  w.ensure(1 + 3 * n);
  w.push(n);
  for (let i = 0; i < n; i++) {
    const kAt = r.pos;
    const k = r.u8();
    if (k > 3) r.fail(`malformed catch clause 0x${k.toString(16)}`, kAt);
    w.push(k);
    w.push(k < 2 ? r.u32() : 0);
    w.push(r.u32());
  }
}

/** The legacy exception instructions (try, catch, catch_all, delegate, rethrow) are not supported. */
function rejectLegacy(b: number, at: number, funcIndex: number | undefined): never {
  throw new PolicyError('legacy-exceptions', `legacy exception instruction 0x${b.toString(16)} (try/catch/rethrow/delegate) is not supported; use try_table`, at, funcIndex);
}

/** "illegal opcode" with the opcode in the reference interpreter's format ("illegal opcode fc 12"). */
function illegalOpcode(r: Reader, at: number, b: number, sub?: number): never {
  const hex = (x: number) => x.toString(16).padStart(2, '0');
  r.fail(`illegal opcode ${hex(b)}${sub === undefined ? '' : ` ${hex(sub)}`}`, at);
}

/**
 * A memarg's offset (5.4.6): a u64 with memory64 (the validator limits it to
 * u32 for 32-bit memories), a u32 (high half 0) otherwise, as in 2.0. The
 * flags before it hold the alignment exponent in bits 0-5 and, with
 * multi-memory, bit 6 saying a memory index follows; flags of 128 or more
 * are malformed, and without multi-memory, as in 2.0, so are flags of 32 or
 * more. Too-large exponents below that are left for the validator
 * ("alignment must not be larger than natural").
 */
function memargOffset(r: Reader, memory64: boolean, out: number[]): void {
  if (memory64) r.u64(out);
  else {
    out[0] = r.u32();
    out[1] = 0;
  }
}

/** Four raw bytes, little-endian, as an int32. */
function word(r: Reader): number {
  if (r.end - r.pos < 4) r.eof();
  const b = r.bytes;
  const p = r.pos;
  r.pos = p + 4;
  return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
}

/**
 * blocktype (5.4.1): 0x40 (empty), a single valtype byte, or a non-negative
 * s33 type index. Stored as in `opcodes.ts`; a type index of 2^31 or more
 * (necessarily out of range: a module cannot hold that many types) is stored
 * as 0x7FFFFFFF so that it stays an out-of-range index for the validator.
 */
function blocktype(r: Reader): number {
  const at = r.pos;
  const b = r.peek();
  if (b === 0x40) {
    r.pos++;
    return BLOCKTYPE_EMPTY;
  }
  if (b >= 0x40 && b < 0x80) {
    // a single-byte negative s33: must be a value type
    r.pos++;
    const t = valtypeAfter(r, b, at);
    if (t < 0) r.fail(`malformed value type 0x${b.toString(16)}`, at);
    return t < NON_NULL ? t - 0x80 : -t;
  }
  const x = r.s33();
  if (x < 0) r.fail('malformed block type', at);
  return x > 0x7fffffff ? 0x7fffffff : x;
}
/** SPEED: keeps this class's object shape alive between modules (src/validator/README.md, "Object shapes"). */
export const KEPT_INSTRWRITER = new InstrWriter();
