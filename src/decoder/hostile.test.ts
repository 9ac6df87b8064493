/**
 * Hostile input: the decoder's work is linear in the input and counts/lengths
 * never cause allocation before they are checked against the bytes present.
 * Work is counted, not timed: every byte the decoder consumes through
 * `Reader.u8` is one step, and no byte is read twice, so a decode never takes
 * more steps than the module has bytes.
 */
import fc from 'fast-check';
import { decode } from './index.js';
import { Reader } from './reader.js';
import { CompileError, MalformedError } from '../errors.js';
import { type Bytes, uleb, str, vec, section, HEADER, mod, body, withBody, withCode } from './testutil.js';

let steps = 0;
let spy: jest.SpyInstance;
beforeEach(() => {
  steps = 0;
  const original = Reader.prototype.u8;
  spy = jest.spyOn(Reader.prototype, 'u8').mockImplementation(function (this: Reader) {
    const b = original.call(this);
    steps++; // counted only when a byte was there to read
    return b;
  });
});
afterEach(() => spy.mockRestore());

/** Decode, returning the error (or null) and the steps taken. */
function run(bytes: Uint8Array): { error: unknown; steps: number } {
  steps = 0;
  let error: unknown = null;
  try {
    decode(bytes);
  } catch (e) {
    error = e;
  }
  return { error, steps };
}

/** A module exercising every section, used as a seed for mutations. */
function richModule(): Uint8Array {
  return mod(
    section(0, [...str('name'), 1, 2, 3]),
    section(1, vec([[0x60, 0x01, 0x7f, 0x01, 0x7f], [0x60, 0x00, 0x00]])),
    section(2, vec([[...str('env'), ...str('f'), 0x00, 0x00], [...str('env'), ...str('g'), 0x03, 0x7e, 0x00]])),
    section(3, vec([[1], [0]])),
    section(4, vec([[0x70, 0x01, 0x02, 0x10]])),
    section(5, vec([[0x01, 0x01, 0x02]])),
    section(6, vec([[0x7f, 0x01, 0x41, 0x2a, 0x0b]])),
    section(7, vec([[...str('run'), 0x00, 0x01], [...str('mem'), 0x02, 0x00]])),
    section(8, uleb(1)),
    section(9, vec([[0x00, 0x41, 0x00, 0x0b, ...vec([uleb(1), uleb(2)])], [0x05, 0x70, ...vec([[0xd2, 0x00, 0x0b]])]])),
    section(12, uleb(2)),
    section(10, vec([
      body([0x02, 0x40, 0x41, 0x00, 0x0e, 0x01, 0x00, 0x00, 0x0b, 0xfc, 0x09, 0x00], [[1, 0x7e]]),
      body([0x20, 0x00, 0x04, 0x7f, 0x41, 0x01, 0x05, 0x42, 0x7f, 0xa7, 0x0b, 0x28, 0x02, 0x00, 0x1c, 0x01, 0x7f, 0xfd, 0x0c, ...new Array(16).fill(7), 0x1a]),
    ])),
    section(11, vec([[0x00, 0x41, 0x00, 0x0b, ...vec([[0x61], [0x62]])], [0x01, ...vec([])]])),
  );
}

describe('work is bounded by the input size', () => {
  test('the seed module decodes, reading each byte at most once', () => {
    const bytes = richModule();
    const { error, steps } = run(bytes);
    expect(error).toBeNull();
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThanOrEqual(bytes.length);
  });

  test('decoding a 10x larger module takes ~10x the steps and output', () => {
    const build = (n: number) => {
      const bodies: Bytes[] = [];
      for (let i = 0; i < n; i++) bodies.push(body([0x41, 0x05, 0x02, 0x7f, 0x20, 0x00, 0x0b, 0x6a, 0x1a, 0x42, 0x80, 0x01, 0x1a], [[2, 0x7f]]));
      return mod(section(1, vec([[0x60, 0x00, 0x00]])), section(3, vec(bodies.map(() => [0]))), section(10, vec(bodies)));
    };
    const small = build(500);
    const large = build(5000);
    const a = run(small);
    const b = run(large);
    expect(a.error).toBeNull();
    expect(b.error).toBeNull();
    const ratio = b.steps / a.steps;
    expect(ratio).toBeGreaterThan(9.5);
    expect(ratio).toBeLessThan(10.5);
    const slots = (bytes: Uint8Array) => decode(bytes).codes.reduce((s, c) => s + c.body.length, 0);
    expect(slots(large) / slots(small)).toBeCloseTo(10, 0);
    // output size is linear in input size: at most 2 slots per byte
    expect(slots(large)).toBeLessThanOrEqual(2 * large.length);
  });

  test('deep nesting is linear too', () => {
    const depth = 20000;
    const instrs = [...new Array(depth).fill([0x02, 0x40]).flat(), ...new Array(depth).fill(0x0b)];
    const bytes = withBody(instrs);
    const { error, steps } = run(bytes);
    expect(error).toBeNull();
    expect(steps).toBeLessThanOrEqual(bytes.length);
  });
});

describe('huge claimed sizes in tiny modules fail fast', () => {
  const cases: Array<[string, Uint8Array, string]> = [
    ['type count 2^32-1', mod(section(1, uleb(0xffffffff))), 'unexpected end of section or function'],
    ['import count', mod(section(2, [...uleb(0xfffffff0), 0x00])), 'unexpected end of section or function'],
    ['function count', mod(section(3, [...uleb(0x7fffffff), 0x00])), 'unexpected end of section or function'],
    ['export count', mod(section(7, [...uleb(0xffffffff), 0x00])), 'unexpected end of section or function'],
    ['element count', mod(section(9, [...uleb(0xffffffff), 0x00])), 'unexpected end of section or function'],
    ['element segment length', mod(section(9, [0x01, 0x01, 0x00, ...uleb(0xffffffff), 0x00])), 'unexpected end of section or function'],
    ['data count vs data', mod(section(11, [0x01, 0x01, ...uleb(0xffffffff)])), 'unexpected end of section or function'],
    ['code count', mod(section(10, [...uleb(0xffffffff)])), 'unexpected end of section or function'],
    ['body size', withCode([...uleb(0xffffffff), 0x00]), 'unexpected end of section or function'],
    ['local groups', withCode([0x06, ...uleb(0xffffffff), 0x0b]), 'unexpected end of section or function'],
    ['2^32 locals', withCode(body([], [[0xffffffff, 0x7f], [1, 0x7e]])), 'too many locals'],
    ['br_table targets', withBody([0x41, 0x00, 0x0e, ...uleb(0xffffffff), 0x00]), 'unexpected end of section or function'],
    ['select types', withBody([0x1c, ...uleb(0xffffffff), 0x7f]), 'unexpected end of section or function'],
    ['name length', mod(section(0, [...uleb(0xffffffff), 0x61])), 'unexpected end of section or function'],
    ['section size', Uint8Array.from([...HEADER, 0x01, ...uleb(0xffffffff)]), 'length out of bounds'],
  ];
  test.each(cases)('%s', (_name, bytes, reason) => {
    const { error, steps } = run(bytes);
    expect(error).toBeInstanceOf(MalformedError);
    expect((error as MalformedError).reason).toBe(reason);
    expect(steps).toBeLessThanOrEqual(bytes.length);
  });
});

describe('arbitrary damage never crashes the decoder', () => {
  const isCompileError = (e: unknown) => e === null || e instanceof CompileError;

  test('every truncation of a valid module is malformed', () => {
    const bytes = richModule();
    // section boundaries up to the function section: prefixes ending there are
    // complete modules; every other prefix is malformed (functions without code,
    // a data count without data, or a cut-off section)
    const complete = new Set<number>([8]);
    for (let p = 8; bytes[p] !== 3; ) {
      let size = 0;
      let q = p + 1;
      for (let shift = 0; ; shift += 7) {
        const b = bytes[q++];
        size += (b & 0x7f) * 2 ** shift;
        if (!(b & 0x80)) break;
      }
      p = q + size;
      complete.add(p);
    }
    expect(complete.size).toBe(4);
    for (let n = 0; n < bytes.length; n++) {
      const { error, steps } = run(bytes.subarray(0, n));
      if (complete.has(n)) expect(error).toBeNull();
      else expect(error).toBeInstanceOf(MalformedError);
      expect(steps).toBeLessThanOrEqual(n);
    }
  });

  test('random byte mutations give a decoded module or a CompileError', () => {
    const seed = richModule();
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(seed.length - 1), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        (edits) => {
          const bytes = seed.slice();
          for (const e of edits) bytes[e.at] = e.value;
          const { error, steps } = run(bytes);
          if (!isCompileError(error)) throw error;
          expect(steps).toBeLessThanOrEqual(bytes.length);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('random insertions and deletions give a decoded module or a CompileError', () => {
    const seed = Array.from(richModule());
    fc.assert(
      fc.property(fc.nat(seed.length), fc.nat(4), fc.uint8Array({ maxLength: 6 }), (at, del, ins) => {
        const bytes = Uint8Array.from([...seed.slice(0, at), ...ins, ...seed.slice(at + del)]);
        const { error, steps } = run(bytes);
        if (!isCompileError(error)) throw error;
        expect(steps).toBeLessThanOrEqual(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });

  test('random bytes after a valid header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (tail) => {
        const { error } = run(Uint8Array.from([...HEADER, ...tail]));
        if (!isCompileError(error)) throw error;
      }),
      { numRuns: 2000 },
    );
  });
});
