import fc from 'fast-check';
import { Reader, EOF_SECTION } from './reader.js';
import { decodeUtf8 } from './utf8.js';
import { MalformedError, LimitError } from '../errors.js';

function reader(bytes: number[]): Reader {
  return new Reader(Uint8Array.from(bytes));
}

function malformed(fn: () => unknown, reason: string, offset?: number): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(MalformedError);
  expect((err as MalformedError).reason).toBe(reason);
  if (offset !== undefined) expect((err as MalformedError).offset).toBe(offset);
}

/** Reference LEB128 encoders over bigint, with optional padding to `len` bytes. */
function ulebBig(v: bigint, len = 0): number[] {
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(b | 0x80);
  } while (v !== 0n || out.length < len);
  out[out.length - 1] &= 0x7f;
  return out;
}

function slebBig(v: bigint, len = 0): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && !(b & 0x40)) || (v === -1n && (b & 0x40) !== 0);
    if (done && out.length + 1 >= len) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

describe('u32', () => {
  test('canonical values', () => {
    for (const v of [0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 0x0fffffff, 0x10000000, 0x7fffffff, 0x80000000, 0xffffffff]) {
      expect(reader(ulebBig(BigInt(v))).u32()).toBe(v);
    }
  });
  test('random values, padded to any length up to 5 bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 5 }), (v, len) => {
        const r = reader(ulebBig(BigInt(v), len));
        expect(r.u32()).toBe(v);
        expect(r.atEnd()).toBe(true);
      }),
    );
  });
  test('6 bytes is too long', () => {
    malformed(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).u32(), 'integer representation too long', 4);
  });
  test('unused bits of the 5th byte must be zero', () => {
    malformed(() => reader([0xff, 0xff, 0xff, 0xff, 0x1f]).u32(), 'integer too large', 4);
    malformed(() => reader([0x80, 0x80, 0x80, 0x80, 0x70]).u32(), 'integer too large', 4);
    expect(reader([0xff, 0xff, 0xff, 0xff, 0x0f]).u32()).toBe(0xffffffff);
  });
  test('end of input inside an integer', () => {
    malformed(() => reader([0x80, 0x80]).u32(), 'unexpected end', 2);
    const r = new Reader(Uint8Array.from([0x80, 0x80, 0x00]), 0, 2, EOF_SECTION);
    malformed(() => r.u32(), 'unexpected end of section or function', 2);
  });
});

describe('s32', () => {
  test('random values, padded up to 5 bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.integer({ min: 0, max: 5 }), (v, len) => {
        const r = reader(slebBig(BigInt(v), len));
        expect(r.s32()).toBe(v);
        expect(r.atEnd()).toBe(true);
      }),
    );
  });
  test('sign extension bits of the 5th byte', () => {
    expect(reader([0x80, 0x80, 0x80, 0x80, 0x78]).s32()).toBe(-0x80000000);
    expect(reader([0xff, 0xff, 0xff, 0xff, 0x07]).s32()).toBe(0x7fffffff);
    malformed(() => reader([0xff, 0xff, 0xff, 0xff, 0x0f]).s32(), 'integer too large', 4);
    malformed(() => reader([0x80, 0x80, 0x80, 0x80, 0x70]).s32(), 'integer too large', 4);
    malformed(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).s32(), 'integer representation too long', 4);
  });
});

describe('s33', () => {
  test('random values, padded up to 5 bytes', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 32n), max: 2n ** 32n - 1n }), fc.integer({ min: 0, max: 5 }), (v, len) => {
        const r = reader(slebBig(v, len));
        expect(r.s33()).toBe(Number(v));
        expect(r.atEnd()).toBe(true);
      }),
    );
  });
  test('unused bits of the 5th byte', () => {
    malformed(() => reader([0x80, 0x80, 0x80, 0x80, 0x20]).s33(), 'integer too large', 4);
    malformed(() => reader([0x80, 0x80, 0x80, 0x80, 0x50]).s33(), 'integer too large', 4);
    malformed(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).s33(), 'integer representation too long', 4);
  });
});

describe('s64', () => {
  test('random values, padded up to 10 bytes', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer({ min: 0, max: 10 }), (v, len) => {
        const r = reader(slebBig(v, len));
        const out = [0, 0];
        r.s64(out);
        expect(r.atEnd()).toBe(true);
        expect(BigInt.asIntN(64, (BigInt(out[1]) << 32n) | BigInt(out[0] >>> 0))).toBe(v);
      }),
      { numRuns: 500 },
    );
  });
  test('edge values', () => {
    for (const v of [0n, -1n, 63n, -64n, 64n, -65n, 2n ** 31n, -(2n ** 31n), 2n ** 32n, 2n ** 63n - 1n, -(2n ** 63n)]) {
      const out = [0, 0];
      reader(slebBig(v)).s64(out);
      expect(BigInt.asIntN(64, (BigInt(out[1]) << 32n) | BigInt(out[0] >>> 0))).toBe(v);
    }
  });
  test('10th byte', () => {
    const pad = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80];
    malformed(() => reader([...pad, 0x02]).s64([0, 0]), 'integer too large', 9);
    malformed(() => reader([...pad, 0x7e]).s64([0, 0]), 'integer too large', 9);
    malformed(() => reader([...pad, 0x80, 0x00]).s64([0, 0]), 'integer representation too long', 9);
  });
});

describe('names and UTF-8', () => {
  test('valid strings round-trip', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const bytes = Buffer.from(s, 'utf8');
        expect(decodeUtf8(bytes, 0, bytes.length)).toBe(s);
      }),
    );
  });
  test('a byte order mark is kept', () => {
    expect(decodeUtf8(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41]), 0, 4)).toBe('\ufeffA');
  });
  test('long names', () => {
    const s = 'é'.repeat(10000);
    const b = Buffer.from(s, 'utf8');
    expect(decodeUtf8(b, 0, b.length)).toBe(s);
  });
  test.each([
    ['lone continuation byte', [0x80]],
    ['overlong 2-byte', [0xc0, 0x80]],
    ['overlong 2-byte (C1)', [0xc1, 0xbf]],
    ['overlong 3-byte', [0xe0, 0x80, 0x80]],
    ['overlong 4-byte', [0xf0, 0x8f, 0xbf, 0xbf]],
    ['surrogate', [0xed, 0xa0, 0x80]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['F5 lead byte', [0xf5, 0x80, 0x80, 0x80]],
    ['FF byte', [0xff]],
    ['truncated 3-byte', [0xe2, 0x82]],
    ['bad continuation', [0xe2, 0x28, 0xa1]],
  ])('%s is malformed', (_name, bytes) => {
    malformed(() => decodeUtf8(Uint8Array.from([0x41, ...bytes]), 0, bytes.length + 1), 'malformed UTF-8 encoding', 1);
  });
  test('name() checks length against the bytes left and maxNameLength', () => {
    malformed(() => reader([0x05, 0x41, 0x41]).name(100), 'unexpected end');
    const r = reader([0x03, 0x41, 0x42, 0x43]);
    expect(r.name(3)).toBe('ABC');
    expect(() => reader([0x03, 0x41, 0x42, 0x43]).name(2)).toThrow(LimitError);
  });
  test('count() rejects a count larger than the bytes left before anything is allocated', () => {
    malformed(() => reader([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]).count(), 'unexpected end');
    malformed(() => reader([0x02, 0x00]).count(), 'unexpected end');
    expect(reader([0x02, 0x00, 0x00]).count()).toBe(2);
  });
});
