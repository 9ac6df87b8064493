/**
 * Memory used by decoding stays proportional to the input. A decoded
 * instruction takes two Int32 slots plus its immediates (layout in
 * opcodes.ts): at most 2 slots per input byte in general, 1 slot per byte of
 * br_table targets. The InstrWriter grows its Int32Array arena by doubling
 * (moving only the expression being decoded) and bodies are views into it, so
 * a br_table body costs at most about 3 x 4 bytes per input byte while it is
 * decoded (the chunk it ends in plus the smaller chunks left behind).
 *
 * The fuzz engineer's report (heap +100 MiB around a br_table of 1,000,001
 * targets) came from building that module with a JS number[] and spreads, not
 * from decoding: decode reads the count, checks it against maxBrTableTargets
 * and throws before allocating anything. The modules here are built in a
 * Uint8Array before measuring, so only decoding is measured. (This file has no
 * jest spies: a spy on Reader.u8 would record every call and fill the heap.)
 */
import { decode } from './index.js';
import { LimitError } from '../errors.js';
import { DEFAULT_LIMITS } from '../config.js';
import { Op, instrLength } from './opcodes.js';
import { I32, funcSec, functype, mod, typeSec, uleb } from './testutil.js';

const MiB = 1024 * 1024;

function heapNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * (i32) -> i32: `block block local.get 0 br_table [0 1 0 1 ...] 0 end i32.const 7 return end i32.const 9`
 * with `n` targets, built directly into a Uint8Array.
 */
function brTableModule(n: number): Uint8Array {
  const head = [0x02, 0x40, 0x02, 0x40, 0x20, 0x00, 0x0e, ...uleb(n)];
  const tail = [0x00, 0x0b, 0x41, 0x07, 0x0f, 0x0b, 0x41, 0x09, 0x0b];
  const bodySize = 1 + head.length + n + tail.length; // 1: the local group count (0)
  const sectionSize = 1 + uleb(bodySize).length + bodySize; // 1: the entry count (1)
  const prefix = [...mod(typeSec(functype([I32], [I32])), funcSec(0)), 10, ...uleb(sectionSize), 1, ...uleb(bodySize), 0x00, ...head];
  const out = new Uint8Array(prefix.length + n + tail.length);
  out.set(prefix, 0);
  for (let i = 0; i < n; i++) out[prefix.length + i] = i & 1;
  out.set(tail, prefix.length + n);
  return out;
}

describe('decoding memory is proportional to the input', () => {
  test(`br_table with maxBrTableTargets (${DEFAULT_LIMITS.maxBrTableTargets}) targets: heap grows by at most 12 bytes per input byte`, () => {
    const n = DEFAULT_LIMITS.maxBrTableTargets;
    const bytes = brTableModule(n);
    const before = heapNow();
    const m = decode(bytes);
    const grew = heapNow() - before;
    // the targets really are in the stream: [op, offset, count, targets..., default]
    const body = m.codes[0].body;
    let pc = 0;
    while (body[pc] !== Op.br_table) pc += instrLength(body, pc);
    expect(body[pc + 2]).toBe(n);
    expect(body[pc + 3 + n]).toBe(0);
    expect(grew).toBeLessThan(12 * bytes.length);
  });

  test('br_table with one target more: LimitError with under 1 MiB of heap growth', () => {
    const bytes = brTableModule(DEFAULT_LIMITS.maxBrTableTargets + 1);
    const before = heapNow();
    let error: unknown = null;
    try {
      decode(bytes);
    } catch (e) {
      error = e;
    }
    const grew = heapNow() - before;
    expect(error).toBeInstanceOf(LimitError);
    expect((error as LimitError).limit).toBe('maxBrTableTargets');
    expect(grew).toBeLessThan(1 * MiB);
  });
});
