import { decode } from './index.js';
import { MalformedError, LimitError } from '../errors.js';
import { DEFAULT_LIMITS, type Limits } from '../config.js';
import { Op, PREFIX_FC, PREFIX_FD, PREFIX_FE, BLOCKTYPE_EMPTY, instrLength } from './opcodes.js';
import { type Bytes, uleb, sleb, str, vec, section, HEADER, mod, I32, I64, FUNCREF, EXTERNREF, functype, typeSec, funcSec, body, codeSec, withBody } from './testutil.js';

function decodeError(bytes: Uint8Array, limits?: Limits): unknown {
  try {
    decode(bytes, limits);
  } catch (e) {
    return e;
  }
  return null;
}

function expectMalformed(bytes: Uint8Array, reason: string, offset?: number): void {
  const err = decodeError(bytes);
  expect(err).toBeInstanceOf(MalformedError);
  expect((err as MalformedError).reason).toBe(reason);
  if (offset !== undefined) expect((err as MalformedError).offset).toBe(offset);
}

function expectLimit(bytes: Uint8Array, limit: keyof Limits, max: number): void {
  const err = decodeError(bytes, { ...DEFAULT_LIMITS, [limit]: max });
  expect(err).toBeInstanceOf(LimitError);
  expect((err as LimitError).limit).toBe(limit);
  // and the default limits accept it
  expect(decodeError(bytes)).toBeNull();
}

/** The records of a stream as arrays (op, offset, immediates...). */
function records(code: Int32Array): number[][] {
  const out: number[][] = [];
  for (let pc = 0; pc < code.length; pc += instrLength(code, pc)) out.push(Array.from(code.subarray(pc, pc + instrLength(code, pc))));
  return out;
}
/** Records without byte offsets. */
const ops = (code: Int32Array) => records(code).map(([op, , ...imm]) => [op, ...imm]);
const bodyOps = (instrs: Bytes) => ops(decode(withBody(instrs)).codes[0].body);

// ---- preamble ----
describe('preamble', () => {
  test('the empty module', () => {
    const m = decode(mod());
    expect(m.types).toEqual([]);
    expect(m.byteLength).toBe(8);
    expect(m.start).toBeNull();
    expect(m.dataCount).toBeNull();
  });
  test.each([
    [[], 'unexpected end'],
    [[0x00, 0x61, 0x73], 'unexpected end'],
    [[0x01], 'unexpected end'], // the magic is read whole before it is compared (binary.wast)
    [[0x00, 0x61, 0x73, 0x6d], 'unexpected end'],
    [[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00], 'unexpected end'],
    [[0x00, 0x41, 0x53, 0x4d, 0x01, 0x00, 0x00, 0x00], 'magic header not detected'],
    [[0xef, 0xbb, 0xbf, 0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], 'magic header not detected'],
    [[0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00], 'unknown binary version'],
    [[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x01], 'unknown binary version'],
    [[0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00], 'unknown binary version'],
  ])('%j: %s', (bytes, reason) => {
    expectMalformed(Uint8Array.from(bytes), reason);
  });
});

// ---- sections ----
describe('section framing', () => {
  test('malformed section id', () => {
    expectMalformed(mod([0x0e, 0x00]), 'malformed section id 14', 8);
    expectMalformed(mod([0x7f, 0x00]), 'malformed section id 127', 8);
  });
  test('section size beyond the end of the binary', () => {
    expectMalformed(mod([0x01, 0x07, 0x01, 0x60, 0x00, 0x00]), 'length out of bounds', 9);
  });
  test('section content shorter than its size', () => {
    // type section of size 5 holding one 3-byte type plus a stray byte
    expectMalformed(mod([0x01, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00]), 'section size mismatch', 14);
  });
  test('section content longer than its size', () => {
    // the section ends after the type's parameter count
    expectMalformed(mod([0x01, 0x03, 0x01, 0x60, 0x00, 0x00]), 'unexpected end of section or function', 13);
    expectMalformed(mod([0x01, 0x04, 0x01, 0x60, 0x00, 0x01, 0x7f]), 'unexpected end of section or function', 14);
  });
  test('vector count beyond the section', () => {
    expectMalformed(mod(section(1, [0x02, 0x60, 0x00, 0x00])), 'unexpected end of section or function');
  });
  test('duplicate and out-of-order sections', () => {
    expectMalformed(mod(typeSec(), typeSec()), 'unexpected content after last section', 11);
    expectMalformed(mod(section(3, vec([])), typeSec()), 'unexpected content after last section', 11);
    // data count (12) goes before code (10)
    expectMalformed(mod(codeSec(), section(12, uleb(0))), 'unexpected content after last section');
    expectMalformed(mod(section(11, vec([])), section(12, uleb(0))), 'unexpected content after last section');
    expect(decodeError(mod(section(12, uleb(0)), codeSec(), section(11, vec([]))))).toBeNull();
    // a second code section is reported before the function/code count mismatch (binary.wast)
    expectMalformed(mod(typeSec(functype([], [])), funcSec(0, 0), codeSec(body([])), codeSec(body([]))), 'unexpected content after last section');
  });
  test('every section in order, custom sections anywhere', () => {
    const custom = (n: string) => section(0, [...str(n), 1, 2, 3]);
    const bytes = mod(
      custom('a'),
      typeSec(functype([], [])),
      custom('b'),
      section(2, vec([[...str('m'), ...str('f'), 0x00, 0x00]])),
      funcSec(0),
      section(4, vec([[FUNCREF, 0x00, 0x01]])),
      section(5, vec([[0x00, 0x01]])),
      section(6, vec([[I32, 0x00, 0x41, 0x00, 0x0b]])),
      section(7, vec([[...str('e'), 0x00, 0x01]])),
      section(8, uleb(1)),
      section(9, vec([[0x00, 0x41, 0x00, 0x0b, ...vec([uleb(0)])]])),
      custom('c'),
      section(12, uleb(1)),
      codeSec(body([])),
      section(11, vec([[0x01, ...vec([[1], [2]])]])),
      custom('d'),
    );
    const m = decode(bytes);
    expect(m.customs.map((c) => c.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(Array.from(m.customs[0].data)).toEqual([1, 2, 3]);
    expect(m.customs[0].offset).toBe(8);
    expect(m.imports).toHaveLength(1);
    expect(m.funcs).toEqual([0]);
    expect(m.tables).toHaveLength(1);
    expect(m.mems).toHaveLength(1);
    expect(m.globals).toHaveLength(1);
    expect(m.exports).toEqual([{ name: 'e', kind: 'func', index: 1, offset: expect.any(Number) }]);
    expect(m.start).toBe(1);
    expect(m.elems).toHaveLength(1);
    expect(m.dataCount).toBe(1);
    expect(m.codes).toHaveLength(1);
    expect(m.datas).toHaveLength(1);
  });
  test('custom section names must be valid UTF-8 and fit the section', () => {
    expectMalformed(mod(section(0, [0x02, 0xc0, 0x80])), 'malformed UTF-8 encoding', 11);
    expectMalformed(mod(section(0, [0x05, 0x41])), 'unexpected end of section or function');
    expectMalformed(mod(section(0, [])), 'unexpected end of section or function');
    expect(decode(mod(section(0, [0x00]))).customs[0]).toMatchObject({ name: '' });
    expect(decode(mod(section(0, str('\u{10ffff}\ufeff')))).customs[0].name).toBe('\u{10ffff}\ufeff');
  });
});

describe('type section', () => {
  test('function types', () => {
    const m = decode(mod(typeSec(functype([I32, I64, FUNCREF, EXTERNREF, 0x7d, 0x7c, 0x7b], [I32]), functype([], []))));
    expect(m.types).toEqual([
      { params: [I32, I64, FUNCREF, EXTERNREF, 0x7d, 0x7c, 0x7b], results: [I32] },
      { params: [], results: [] },
    ]);
  });
  test('malformed', () => {
    expectMalformed(mod(typeSec([0x61, 0x00, 0x00])), 'malformed function type', 11);
    // 0x60 written as a two-byte LEB128 of -0x20 (binary-leb128.wast)
    expectMalformed(mod(typeSec([0xe0, 0x7f, 0x00, 0x00])), 'integer representation too long: function type', 11);
    expectMalformed(mod(typeSec([0x60, 0x01, 0x7a, 0x00])), 'malformed value type 0x7a', 13);
    expectMalformed(mod(typeSec([0x60, 0x01, 0x40, 0x00])), 'malformed value type 0x40', 13);
  });
});

describe('import section', () => {
  const imp = (desc: Bytes) => mod(section(2, vec([[...str('mod'), ...str('name'), ...desc]])));
  test('all four kinds', () => {
    expect(decode(imp([0x00, 0x05])).imports[0]).toEqual({ module: 'mod', name: 'name', desc: { kind: 'func', typeidx: 5 }, offset: 11 });
    expect(decode(imp([0x01, FUNCREF, 0x01, 0x02, 0x03])).imports[0].desc).toEqual({
      kind: 'table',
      type: { elemtype: FUNCREF, limits: { min: 2, max: 3 }, is64: false },
    });
    expect(decode(imp([0x02, 0x00, 0x80, 0x02])).imports[0].desc).toEqual({
      kind: 'memory',
      type: { limits: { min: 256, max: undefined }, shared: false, is64: false, pageSizeLog2: 16 },
    });
    expect(decode(imp([0x02, 0x03, 0x01, 0x02])).imports[0].desc).toEqual({
      kind: 'memory',
      type: { limits: { min: 1, max: 2 }, shared: true, is64: false, pageSizeLog2: 16 },
    });
    expect(decode(imp([0x03, I64, 0x01])).imports[0].desc).toEqual({ kind: 'global', type: { valtype: I64, mutable: true } });
  });
  test('malformed', () => {
    expectMalformed(imp([0x05, 0x00]), 'malformed import kind 0x5', 20);
    // a tag import (kind 4) is malformed without the exceptions feature, as in 2.0
    expectMalformed(imp([0x04, 0x00, 0x00]), 'malformed import kind 0x4', 20);
    expectMalformed(imp([0x01, I32, 0x00, 0x00]), 'malformed reference type 0x7f', 21);
    expectMalformed(imp([0x01, FUNCREF, 0x02, 0x00]), 'integer too large: limits flags 0x2', 22);
    expectMalformed(imp([0x02, 0x10, 0x00]), 'integer too large: limits flags 0x10', 21);
    expectMalformed(imp([0x01, FUNCREF, 0x08, 0x00]), 'integer too large: limits flags 0x8', 22);
    expectMalformed(imp([0x02, 0x81, 0x00, 0x00]), 'integer representation too long: limits flags 0x81', 21);
    expectMalformed(imp([0x03, I32, 0x02]), 'malformed mutability', 22);
    expectMalformed(imp([0x03, I32, 0xff]), 'malformed mutability', 22);
    expectMalformed(imp([0x03, 0x00, 0x00]), 'malformed value type 0x0', 21);
    expectMalformed(mod(section(2, vec([[...[0x01, 0xff], ...str('n'), 0x00, 0x00]]))), 'malformed UTF-8 encoding', 12);
    expectMalformed(mod(section(2, vec([[...str('m'), ...[0x02, 0xed, 0xa0], 0x00, 0x00]]))), 'malformed UTF-8 encoding');
  });
});

describe('function and code sections', () => {
  test('inconsistent lengths', () => {
    expectMalformed(mod(typeSec(functype([], [])), funcSec(0)), 'function and code section have inconsistent lengths', 14);
    expectMalformed(mod(typeSec(functype([], [])), codeSec(body([]))), 'function and code section have inconsistent lengths');
    expectMalformed(mod(typeSec(functype([], [])), funcSec(0, 0), codeSec(body([]))), 'function and code section have inconsistent lengths');
    expect(decodeError(mod(funcSec(), codeSec()))).toBeNull();
  });
  test('locals', () => {
    const m = decode(mod(typeSec(functype([I32], [])), funcSec(0), codeSec(body([], [[2, I32], [0, I64], [3, EXTERNREF]]))));
    expect(m.codes[0].locals).toEqual([
      { count: 2, type: I32 },
      { count: 0, type: I64 },
      { count: 3, type: EXTERNREF },
    ]);
    expect(m.codes[0].numLocals).toBe(5);
    expect(m.codes[0].offset).toBe(22);
  });
  test('too many locals (2^32 in total), without allocating', () => {
    const big = 0x40000000;
    expectMalformed(
      mod(typeSec(functype([], [])), funcSec(0), codeSec(body([], [[big, I32], [big, I64], [big, I32], [big, I64]]))),
      'too many locals',
    );
    expectMalformed(
      mod(typeSec(functype([], [])), funcSec(0), codeSec(body([], [[0xffffffff, I32], [1, I64]]))),
      'too many locals',
    );
  });
  test('2^32-1 locals are well-formed but exceed maxLocals', () => {
    const bytes = mod(typeSec(functype([], [])), funcSec(0), codeSec(body([], [[0xffffffff, I32]])));
    const err = decodeError(bytes);
    expect(err).toBeInstanceOf(LimitError);
    expect((err as LimitError).limit).toBe('maxLocals');
  });
  test('maxLocals counts parameters', () => {
    const bytes = mod(typeSec(functype([I32, I32], [])), funcSec(0), codeSec(body([], [[3, I32]])));
    expect(decodeError(bytes, { ...DEFAULT_LIMITS, maxLocals: 5 })).toBeNull();
    expect(decodeError(bytes, { ...DEFAULT_LIMITS, maxLocals: 4 })).toBeInstanceOf(LimitError);
  });
  test('malformed local type', () => {
    expectMalformed(mod(typeSec(functype([], [])), funcSec(0), codeSec(body([], [[1, 0x40]]))), 'malformed value type 0x40');
  });
  test('body must end exactly at its size', () => {
    // end, then a stray nop inside the body
    expectMalformed(mod(typeSec(functype([], [])), funcSec(0), codeSec([0x03, 0x00, 0x0b, 0x01])), 'section size mismatch');
    // missing end: with more sections after it, and at the end of the binary (binary.wast)
    expectMalformed(mod(typeSec(functype([], [])), funcSec(0), codeSec([0x02, 0x00, 0x01]), section(0, str('x'))), 'END opcode expected', 24);
    expectMalformed(mod(typeSec(functype([], [])), funcSec(0), codeSec([0x02, 0x00, 0x01])), 'unexpected end of section or function', 24);
    // cut inside an instruction
    expectMalformed(mod(typeSec(functype([], [])), funcSec(0), codeSec([0x03, 0x00, 0x41, 0x80])), 'unexpected end of section or function');
    // body size beyond the section
    expectMalformed(mod(typeSec(functype([], [])), funcSec(0), codeSec([0x09, 0x00, 0x0b])), 'unexpected end of section or function');
  });
  test('a function body stops at the end matching its implicit block', () => {
    expect(bodyOps([0x02, 0x40, 0x03, 0x7f, 0x0b, 0x0b])).toEqual([
      [Op.block, BLOCKTYPE_EMPTY],
      [Op.loop, -1],
      [Op.end],
      [Op.end],
      [Op.end],
    ]);
  });
  test('else only once and only inside if', () => {
    expect(bodyOps([0x04, 0x40, 0x05, 0x0b])).toEqual([[Op.if, BLOCKTYPE_EMPTY], [Op.else], [Op.end], [Op.end]]);
    expectMalformed(withBody([0x05]), 'END opcode expected');
    expectMalformed(withBody([0x02, 0x40, 0x05, 0x0b]), 'END opcode expected');
    expectMalformed(withBody([0x04, 0x40, 0x05, 0x05, 0x0b]), 'END opcode expected');
  });
  test('malformations inside a body name the function', () => {
    const imp = section(2, vec([[...str('m'), ...str('f'), 0x00, 0x00]]));
    const err = decodeError(mod(typeSec(functype([], [])), imp, funcSec(0, 0), codeSec(body([]), body([0xff]))));
    expect(err).toMatchObject({ reason: 'illegal opcode ff', funcIndex: 2 });
    expect(String((err as Error).message)).toMatch(/illegal opcode ff \(at function 2, offset 0x/);
    const lim = decodeError(withBody([0x41, 0x00, 0x0e, 0x02, 0x00, 0x00, 0x00]), { ...DEFAULT_LIMITS, maxBrTableTargets: 1 });
    expect(lim).toMatchObject({ limit: 'maxBrTableTargets', funcIndex: 0 });
  });
  test('instruction offsets are positions in the binary', () => {
    const bytes = withBody([0x01, 0x41, 0x80, 0x01, 0x1a]);
    const recs = records(decode(bytes).codes[0].body);
    for (const [op, off] of recs) expect(bytes[off]).toBe(op);
    expect(recs.map((r) => r[1])).toEqual([recs[0][1], recs[0][1] + 1, recs[0][1] + 4, recs[0][1] + 5]);
  });
});

describe('table, memory, global, export, start sections', () => {
  test('tables and memories', () => {
    const m = decode(mod(section(4, vec([[FUNCREF, 0x00, 0x00], [EXTERNREF, 0x01, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f]])), section(5, vec([[0x00, 0x00], [0x01, 0x00, 0x00]]))));
    expect(m.tables).toEqual([
      { elemtype: FUNCREF, limits: { min: 0, max: undefined }, is64: false },
      { elemtype: EXTERNREF, limits: { min: 1, max: 0xffffffff }, is64: false },
    ]);
    // two memories decode: "multiple memories" is the validator's business
    expect(m.mems).toHaveLength(2);
    expectMalformed(mod(section(4, vec([[0x41, 0x00, 0x00]]))), 'malformed reference type 0x41', 11);
    expectMalformed(mod(section(4, vec([[0x40, 0x01, FUNCREF, 0x00, 0x00]]))), 'malformed table', 12);
    expectMalformed(mod(section(5, vec([[0x10, 0x00]]))), 'integer too large: limits flags 0x10', 11);
    expectMalformed(mod(section(5, vec([[0x00, 0x80, 0x80, 0x80, 0x80, 0x10]]))), 'integer too large');
  });
  test('i32.const and indices of one, two and more LEB128 bytes (the one- and two-byte forms are read inline)', () => {
    const values = [0, 63, -64, 64, -65, 127, 128, 8191, -8192, 8192, -8193, 0x7fffffff, -0x80000000];
    for (const v of values) expect(bodyOps([0x41, ...sleb(v), 0x1a])).toEqual([[Op.i32_const, v], [Op.drop], [Op.end]]);
    // non-minimal two-byte forms
    expect(bodyOps([0x41, 0xff, 0x7f, 0x1a, 0x41, 0x80, 0x00, 0x1a])).toEqual([[Op.i32_const, -1], [Op.drop], [Op.i32_const, 0], [Op.drop], [Op.end]]);
    for (const x of [127, 128, 16383, 16384, 0x7fffffff]) expect(bodyOps([0x10, ...uleb(x)])).toEqual([[Op.call, x], [Op.end]]);
    // i64.const of one byte (read inline) and more
    for (const v of [0, 63, -64, 64, -65]) expect(bodyOps([0x42, ...sleb(v), 0x1a])).toEqual([[Op.i64_const, v, v < 0 ? -1 : 0], [Op.drop], [Op.end]]);
    // memarg offsets of one, two (read inline) and more bytes
    for (const o of [0, 127, 128, 16383, 16384]) {
      expect(bodyOps([0x41, 0x00, 0x28, 0x02, ...uleb(o), 0x1a])).toEqual([[Op.i32_const, 0], [Op.i32_load, 2, o], [Op.drop], [Op.end]]);
    }
    // a two-byte constant cut short by the end of the body
    expectMalformed(mod(typeSec(functype([], [])), funcSec(0), codeSec([0x03, 0x00, 0x41, 0x80])), 'unexpected end of section or function');
  });
  test('globals', () => {
    const m = decode(mod(section(6, vec([[I32, 0x01, 0x41, 0x7f, 0x0b], [FUNCREF, 0x00, 0xd2, 0x00, 0x0b]]))));
    expect(m.globals.map((g) => g.type)).toEqual([
      { valtype: I32, mutable: true },
      { valtype: FUNCREF, mutable: false },
    ]);
    expect(ops(m.globals[0].init.code)).toEqual([[Op.i32_const, -1], [Op.end]]);
    expect(m.globals[0].init.offset).toBe(13);
    expect(ops(m.globals[1].init.code)).toEqual([[Op.ref_func, 0], [Op.end]]);
    expectMalformed(mod(section(6, vec([[I32, 0x02, 0x41, 0x00, 0x0b]]))), 'malformed mutability', 12);
    // missing end of the initializer, with a section after it and at the end of the binary
    expectMalformed(mod(section(6, vec([[I32, 0x00, 0x41, 0x00]])), section(0, str('x'))), 'END opcode expected', 15);
    expectMalformed(mod(section(6, vec([[I32, 0x00, 0x41, 0x00]]))), 'unexpected end of section or function', 15);
    // non-constant instructions decode (the validator rejects them)
    expect(ops(decode(mod(section(6, vec([[I32, 0x00, 0x01, 0x41, 0x00, 0x0b]])))).globals[0].init.code)).toEqual([
      [Op.nop],
      [Op.i32_const, 0],
      [Op.end],
    ]);
  });
  test('exports', () => {
    const m = decode(mod(section(7, vec([0, 1, 2, 3].map((k) => [...str(`e${k}`), k, ...uleb(k + 300)])))));
    expect(m.exports.map((e) => [e.name, e.kind, e.index])).toEqual([
      ['e0', 'func', 300],
      ['e1', 'table', 301],
      ['e2', 'memory', 302],
      ['e3', 'global', 303],
    ]);
    expectMalformed(mod(section(7, vec([[...str('x'), 0x05, 0x00]]))), 'malformed export kind 0x5', 13);
    expectMalformed(mod(section(7, vec([[0x01, 0xc2, 0x00, 0x00]]))), 'malformed UTF-8 encoding', 12);
  });
  test('start', () => {
    expect(decode(mod(section(8, uleb(123456)))).start).toBe(123456);
    expectMalformed(mod(section(8, [0x00, 0x00])), 'section size mismatch');
  });
});

describe('element section: all eight encodings', () => {
  const expr0 = [0x41, 0x00, 0x0b];
  const refFunc = (i: number) => [0xd2, ...uleb(i), 0x0b];
  const refNull = (t: number) => [0xd0, t, 0x0b];
  const elem = (...segs: Bytes[]) => decode(mod(section(9, vec(segs)))).elems;
  test('flags 0: active, table 0, function indices', () => {
    const [e] = elem([0x00, ...expr0, ...vec([uleb(1), uleb(2)])]);
    expect(e).toMatchObject({ mode: 'active', table: 0, type: FUNCREF, exprs: null, length: 2, offset: 11 });
    expect(Array.from(e.funcs!)).toEqual([1, 2]);
    expect(ops(e.offsetExpr!.code)).toEqual([[Op.i32_const, 0], [Op.end]]);
  });
  test('flags 1: passive, elemkind, function indices', () => {
    const [e] = elem([0x01, 0x00, ...vec([uleb(7)])]);
    expect(e).toMatchObject({ mode: 'passive', type: FUNCREF, offsetExpr: null, length: 1 });
    expect(Array.from(e.funcs!)).toEqual([7]);
  });
  test('flags 2: active, explicit table, elemkind, function indices', () => {
    const [e] = elem([0x02, ...uleb(3), ...expr0, 0x00, ...vec([uleb(4), uleb(5), uleb(6)])]);
    expect(e).toMatchObject({ mode: 'active', table: 3, type: FUNCREF, length: 3 });
    expect(Array.from(e.funcs!)).toEqual([4, 5, 6]);
  });
  test('flags 3: declarative, elemkind, function indices', () => {
    const [e] = elem([0x03, 0x00, ...vec([uleb(0)])]);
    expect(e).toMatchObject({ mode: 'declarative', offsetExpr: null, length: 1 });
  });
  test('flags 4: active, table 0, expressions', () => {
    const [e] = elem([0x04, ...expr0, ...vec([refFunc(1), refNull(FUNCREF)])]);
    expect(e).toMatchObject({ mode: 'active', table: 0, type: FUNCREF, funcs: null, length: 2 });
    expect(e.exprs!.map((x) => ops(x.code))).toEqual([
      [[Op.ref_func, 1], [Op.end]],
      [[Op.ref_null, FUNCREF], [Op.end]],
    ]);
  });
  test('flags 5: passive, reftype, expressions', () => {
    const [e] = elem([0x05, EXTERNREF, ...vec([refNull(EXTERNREF)])]);
    expect(e).toMatchObject({ mode: 'passive', type: EXTERNREF, length: 1 });
  });
  test('flags 6: active, explicit table, reftype, expressions', () => {
    const [e] = elem([0x06, ...uleb(2), ...expr0, FUNCREF, ...vec([refFunc(0)])]);
    expect(e).toMatchObject({ mode: 'active', table: 2, type: FUNCREF, length: 1 });
  });
  test('flags 7: declarative, reftype, expressions', () => {
    const [e] = elem([0x07, FUNCREF, ...vec([refFunc(3)])]);
    expect(e).toMatchObject({ mode: 'declarative', type: FUNCREF, length: 1 });
  });
  test('malformed', () => {
    expectMalformed(mod(section(9, vec([[0x08, 0x00, ...vec([])]]))), 'malformed elements segment kind', 11);
    expectMalformed(mod(section(9, vec([[0x01, 0x01, ...vec([])]]))), 'malformed element kind', 12);
    expectMalformed(mod(section(9, vec([[0x05, I32, ...vec([refFunc(0)])]]))), 'malformed reference type 0x7f', 12);
    expectMalformed(mod(section(9, vec([[0x05, FUNCREF, ...vec([[0xf3, 0x00, 0x0b]])]]))), 'illegal opcode f3', 14);
    expectMalformed(mod(section(9, vec([[0x01, 0x00, 0x02, 0x00]]))), 'unexpected end of section or function');
  });
});

describe('data and data count sections', () => {
  test('flags 0, 1, 2', () => {
    const m = decode(mod(section(11, vec([[0x00, 0x41, 0x01, 0x0b, ...vec([[0xaa]])], [0x01, ...vec([[1], [2]])], [0x02, ...uleb(1), 0x41, 0x02, 0x0b, ...vec([])]]))));
    expect(m.datas.map((d) => [d.mode, d.memory, Array.from(d.init)])).toEqual([
      ['active', 0, [0xaa]],
      ['passive', 0, [1, 2]],
      ['active', 1, []],
    ]);
    expect(ops(m.datas[2].offsetExpr!.code)).toEqual([[Op.i32_const, 2], [Op.end]]);
    expect(m.datas[1].offsetExpr).toBeNull();
  });
  test('malformed', () => {
    expectMalformed(mod(section(11, vec([[0x03, ...vec([])]]))), 'malformed data segment kind', 11);
    expectMalformed(mod(section(11, [0x01, 0x01, 0x05, 0x61])), 'unexpected end of section or function');
  });
  test('data count must match the data section', () => {
    expectMalformed(mod(section(12, uleb(2)), section(11, vec([[0x01, ...vec([])]]))), 'data count and data section have inconsistent lengths');
    expectMalformed(mod(section(12, uleb(1))), 'data count and data section have inconsistent lengths', 8);
    expect(decode(mod(section(12, uleb(0)))).dataCount).toBe(0);
  });
  test('memory.init and data.drop need a data count section', () => {
    const init = [0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x08, 0x00, 0x00];
    const drop = [0xfc, 0x09, 0x00];
    const data = section(11, vec([[0x01, ...vec([])]]));
    expectMalformed(withBody(init, { after: [data] }), 'data count section required');
    expectMalformed(withBody(drop, { after: [data] }), 'data count section required');
    const ok = (instrs: Bytes) =>
      mod(typeSec(functype([], [])), funcSec(0), section(12, uleb(1)), codeSec(body(instrs)), data);
    expect(ops(decode(ok(init)).codes[0].body).slice(3)).toEqual([[Op.memory_init, 0, 0], [Op.end]]);
    expect(ops(decode(ok(drop)).codes[0].body)).toEqual([[Op.data_drop, 0], [Op.end]]);
    // other bulk instructions do not need it
    expect(decodeError(withBody([0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xfc, 0x0b, 0x00]))).toBeNull();
  });
});

describe('instructions', () => {
  test('illegal opcodes', () => {
    for (const b of [0x16, 0x17, 0x1d, 0x1e, 0x27, 0xc5, 0xcf, 0xd7, 0xe0, 0xff]) {
      expectMalformed(withBody([b]), `illegal opcode ${b.toString(16).padStart(2, '0')}`, 23);
    }
    expectMalformed(withBody([0xfc, 0x12]), 'illegal opcode fc 12', 23);
    expectMalformed(withBody([0xfc, 0x80, 0x80, 0x80, 0x80, 0x01]), 'illegal opcode fc 10000000', 23);
    expectMalformed(withBody([0xfd, 0x9a, 0x01]), 'illegal opcode fd 9a', 23);
    expectMalformed(withBody([0xfd, 0x94, 0x02]), 'illegal opcode fd 114', 23); // past relaxed SIMD
    expectMalformed(withBody([0xfe, 0x04]), 'illegal opcode fe 04', 23);
    expectMalformed(withBody([0xfe, 0x4f]), 'illegal opcode fe 4f', 23);
    expectMalformed(withBody([0xfc, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), 'integer representation too long');
  });
  test('zero bytes of memory.size/grow/fill/copy/init', () => {
    expect(bodyOps([0x3f, 0x00, 0x1a])).toEqual([[Op.memory_size, 0], [Op.drop], [Op.end]]);
    expectMalformed(withBody([0x3f, 0x01, 0x1a]), 'zero byte expected', 24);
    expectMalformed(withBody([0x3f, 0x80, 0x00, 0x1a]), 'zero byte expected', 24);
    expectMalformed(withBody([0x41, 0x00, 0x40, 0x01, 0x1a]), 'zero byte expected', 26);
    expectMalformed(withBody([0xfc, 0x0b, 0x01]), 'zero byte expected', 25);
    expectMalformed(withBody([0xfc, 0x0a, 0x00, 0x01]), 'zero byte expected', 26);
    expectMalformed(
      mod(typeSec(functype([], [])), funcSec(0), section(12, uleb(0)), codeSec(body([0xfc, 0x08, 0x00, 0x01]))),
      'zero byte expected',
    );
    expect(bodyOps([0xfc, 0x0a, 0x00, 0x00, 0xfc, 0x0b, 0x00])).toEqual([[Op.memory_copy, 0, 0], [Op.memory_fill, 0], [Op.end]]);
  });
  test('call_indirect carries a real table index', () => {
    expect(bodyOps([0x11, 0x02, 0x00, 0x11, 0x00, 0x85, 0x01])).toEqual([[Op.call_indirect, 2, 0], [Op.call_indirect, 0, 133], [Op.end]]);
  });
  test('block types', () => {
    expect(bodyOps([0x02, 0x40, 0x0b, 0x02, 0x7f, 0x0b, 0x02, 0x7e, 0x0b, 0x02, 0x70, 0x0b, 0x02, 0x6f, 0x0b, 0x02, 0x7b, 0x0b]).map((r) => r[1]).filter((x) => x !== undefined)).toEqual([
      -64, -1, -2, -16, -17, -5,
    ]);
    expect(bodyOps([0x02, 0x05, 0x0b])[0]).toEqual([Op.block, 5]);
    expect(bodyOps([0x03, 0x80, 0x01, 0x0b])[0]).toEqual([Op.loop, 128]);
    // type index 2^32-1 (out of range anyway) is clamped to 2^31-1
    expect(bodyOps([0x04, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x0b])[0]).toEqual([Op.if, 0x7fffffff]);
    expectMalformed(withBody([0x02, 0x41, 0x0b]), 'malformed value type 0x41', 24);
    expectMalformed(withBody([0x02, 0xff, 0x7f, 0x0b]), 'malformed block type', 24);
    expectMalformed(withBody([0x02, 0x80, 0x80, 0x80, 0x80, 0x20, 0x0b]), 'integer too large');
  });
  test('br_table', () => {
    expect(bodyOps([0x41, 0x00, 0x0e, 0x02, 0x00, 0x01, 0x80, 0x01])).toEqual([[Op.i32_const, 0], [Op.br_table, 2, 0, 1, 128], [Op.end]]);
    expect(bodyOps([0x41, 0x00, 0x0e, 0x00, 0x03])).toEqual([[Op.i32_const, 0], [Op.br_table, 0, 3], [Op.end]]);
    expectMalformed(withBody([0x41, 0x00, 0x0e, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]), 'unexpected end of section or function');
  });
  test('select with types', () => {
    expect(bodyOps([0x1c, 0x01, 0x7f, 0x1c, 0x00, 0x1c, 0x02, 0x7e, 0x70, 0x1b])).toEqual([
      [Op.select_t, 1, I32],
      [Op.select_t, 0],
      [Op.select_t, 2, I64, FUNCREF],
      [Op.select],
      [Op.end],
    ]);
    expectMalformed(withBody([0x1c, 0x01, 0x40]), 'malformed value type 0x40', 25);
  });
  test('variable, table and reference instructions', () => {
    expect(bodyOps([0x20, 0x01, 0x21, 0x02, 0x22, 0x03, 0x23, 0x04, 0x24, 0x05, 0x25, 0x06, 0x26, 0x07, 0xd0, 0x6f, 0xd1, 0xd2, 0x08])).toEqual([
      [Op.local_get, 1],
      [Op.local_set, 2],
      [Op.local_tee, 3],
      [Op.global_get, 4],
      [Op.global_set, 5],
      [Op.table_get, 6],
      [Op.table_set, 7],
      [Op.ref_null, EXTERNREF],
      [Op.ref_is_null],
      [Op.ref_func, 8],
      [Op.end],
    ]);
    expectMalformed(withBody([0xd0, 0x7f]), 'malformed reference type 0x7f', 24);
    expect(bodyOps([0xfc, 0x0c, 0x01, 0x02, 0xfc, 0x0d, 0x03, 0xfc, 0x0e, 0x04, 0x05, 0xfc, 0x0f, 0x06, 0xfc, 0x10, 0x07, 0xfc, 0x11, 0x08])).toEqual([
      [Op.table_init, 1, 2],
      [Op.elem_drop, 3],
      [Op.table_copy, 4, 5],
      [Op.table_grow, 6],
      [Op.table_size, 7],
      [Op.table_fill, 8],
      [Op.end],
    ]);
  });
  test('memarg', () => {
    expect(bodyOps([0x28, 0x02, 0x10, 0x36, 0x1f, 0xff, 0xff, 0xff, 0xff, 0x0f])).toEqual([
      [Op.i32_load, 2, 16],
      [Op.i32_store, 31, -1], // offset 2^32-1 as its bit pattern
      [Op.end],
    ]);
    expectMalformed(withBody([0x28, 0x20, 0x00]), 'malformed memop flags', 24);
    expectMalformed(withBody([0x28, 0x40, 0x00]), 'malformed memop flags', 24);
    expectMalformed(withBody([0x28, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00]), 'integer too large');
  });
  test('numeric constants', () => {
    expect(bodyOps([0x41, 0x80, 0x80, 0x80, 0x80, 0x78, 0x42, 0x7f, 0x42, 0x80, 0x80, 0x80, 0x80, 0x10])).toEqual([
      [Op.i32_const, -0x80000000],
      [Op.i64_const, -1, -1],
      [Op.i64_const, 0, 1],
      [Op.end],
    ]);
    expect(bodyOps([0x43, 0x00, 0x00, 0xc0, 0x7f, 0x44, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08])).toEqual([
      [Op.f32_const, 0x7fc00000],
      [Op.f64_const, 0x04030201, 0x08070605],
      [Op.end],
    ]);
    expectMalformed(withBody([0x43, 0x00, 0x00]), 'unexpected end of section or function');
    expectMalformed(withBody([0x41, 0x80, 0x80, 0x80, 0x80, 0x70]), 'integer too large');
  });
  test('every single-byte numeric op decodes without immediates', () => {
    const bytes: Bytes = [];
    for (let b = 0x45; b <= 0xc4; b++) bytes.push(b);
    const got = bodyOps(bytes);
    expect(got).toHaveLength(0xc4 - 0x45 + 2);
    expect(got.slice(0, -1).every((r, i) => r.length === 1 && r[0] === 0x45 + i)).toBe(true);
  });
  test('0xFC: saturating truncations', () => {
    const bytes: Bytes = [];
    for (let s = 0; s <= 7; s++) bytes.push(0xfc, s);
    expect(bodyOps(bytes).slice(0, -1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((s) => [PREFIX_FC + s]));
  });
  test('SIMD immediates', () => {
    const lanes = Array.from({ length: 16 }, (_, i) => i + 1);
    expect(
      bodyOps([
        0xfd, 0x00, 0x04, 0x08, // v128.load align=16 offset=8
        0xfd, 0x0c, ...lanes, // v128.const
        0xfd, 0x0d, ...lanes, // i8x16.shuffle
        0xfd, 0x15, 0x0f, // i8x16.extract_lane_s 15
        0xfd, 0x54, 0x00, 0x03, 0x07, // v128.load8_lane align=1 offset=3 lane 7
        0xfd, 0x5d, 0x03, 0x00, // v128.load64_zero
        0xfd, 0x80, 0x01, // i16x8.abs (sub-opcode 0x80 as 2-byte LEB)
        0xfd, 0xff, 0x01, // f64x2.convert_low_i32x4_u
      ]),
    ).toEqual([
      [PREFIX_FD + 0x00, 4, 8],
      [PREFIX_FD + 0x0c, 0x04030201, 0x08070605, 0x0c0b0a09, 0x100f0e0d],
      [PREFIX_FD + 0x0d, 0x04030201, 0x08070605, 0x0c0b0a09, 0x100f0e0d],
      [PREFIX_FD + 0x15, 15],
      [PREFIX_FD + 0x54, 0, 3, 7],
      [PREFIX_FD + 0x5d, 3, 0],
      [PREFIX_FD + 0x80],
      [PREFIX_FD + 0xff],
      [Op.end],
    ]);
    expectMalformed(withBody([0xfd, 0x0c, 0x00, 0x00]), 'unexpected end of section or function');
  });
  test('atomics', () => {
    expect(bodyOps([0xfe, 0x00, 0x02, 0x00, 0xfe, 0x03, 0x00, 0xfe, 0x10, 0x02, 0x04, 0xfe, 0x4e, 0x03, 0x00])).toEqual([
      [PREFIX_FE + 0x00, 2, 0],
      [PREFIX_FE + 0x03],
      [PREFIX_FE + 0x10, 2, 4],
      [PREFIX_FE + 0x4e, 3, 0],
      [Op.end],
    ]);
    expectMalformed(withBody([0xfe, 0x03, 0x01]), 'zero byte expected', 25);
  });
});

describe('limits', () => {
  test('maxModuleSize', () => {
    const err = decodeError(mod(section(0, str('abc'))), { ...DEFAULT_LIMITS, maxModuleSize: 10 });
    expect(err).toBeInstanceOf(LimitError);
    expect((err as LimitError).limit).toBe('maxModuleSize');
  });
  test('maxTypes', () => expectLimit(mod(typeSec(functype([], []), functype([], []))), 'maxTypes', 1));
  test('maxFuncTypeArity', () => {
    expectLimit(mod(typeSec(functype([I32, I32, I32], []))), 'maxFuncTypeArity', 2);
    expectLimit(mod(typeSec(functype([], [I32, I32, I32]))), 'maxFuncTypeArity', 2);
  });
  const imports = (n: number, desc: Bytes) => section(2, vec(Array.from({ length: n }, () => [...str('m'), ...str('n'), ...desc])));
  test('maxImports', () => expectLimit(mod(imports(3, [0x00, 0x00])), 'maxImports', 2));
  test('maxFunctions counts imported and defined functions', () => {
    expectLimit(mod(typeSec(functype([], [])), imports(2, [0x00, 0x00]), funcSec(0), codeSec(body([]))), 'maxFunctions', 2);
    expectLimit(mod(imports(3, [0x00, 0x00])), 'maxFunctions', 2);
    expectLimit(mod(typeSec(functype([], [])), funcSec(0, 0, 0), codeSec(body([]), body([]), body([]))), 'maxFunctions', 2);
  });
  test('maxGlobals', () => {
    expectLimit(mod(imports(1, [0x03, I32, 0x00]), section(6, vec([[I32, 0x00, 0x41, 0x00, 0x0b]]))), 'maxGlobals', 1);
  });
  test('maxTables', () => {
    expectLimit(mod(imports(1, [0x01, FUNCREF, 0x00, 0x00]), section(4, vec([[FUNCREF, 0x00, 0x00]]))), 'maxTables', 1);
  });
  test('maxExports', () => expectLimit(mod(section(7, vec([[...str('a'), 0, 0], [...str('b'), 0, 0]]))), 'maxExports', 1));
  test('maxElemSegments', () => expectLimit(mod(section(9, vec([[0x01, 0x00, 0x00], [0x01, 0x00, 0x00]]))), 'maxElemSegments', 1));
  test('maxElemSegmentLength', () => expectLimit(mod(section(9, vec([[0x01, 0x00, ...vec([uleb(0), uleb(0), uleb(0)])]]))), 'maxElemSegmentLength', 2));
  test('maxDataSegments', () => {
    expectLimit(mod(section(11, vec([[0x01, 0x00], [0x01, 0x00]]))), 'maxDataSegments', 1);
    expectLimit(mod(section(12, uleb(2)), section(11, vec([[0x01, 0x00], [0x01, 0x00]]))), 'maxDataSegments', 1);
  });
  test('maxFunctionBodySize', () => expectLimit(withBody([0x01, 0x01, 0x01, 0x01]), 'maxFunctionBodySize', 5));
  test('maxBrTableTargets', () => expectLimit(withBody([0x41, 0x00, 0x0e, 0x03, 0x00, 0x00, 0x00, 0x00]), 'maxBrTableTargets', 2));
  test('maxLocals', () => {
    const bytes = mod(typeSec(functype([], [])), funcSec(0), codeSec(body([], [[60000, I32]])));
    const err = decodeError(bytes);
    expect(err).toBeInstanceOf(LimitError);
    expect(err).toMatchObject({ limit: 'maxLocals', funcIndex: 0 });
  });
  test('maxNameLength', () => {
    expectLimit(mod(section(0, [...str('abcdef')])), 'maxNameLength', 5);
    expectLimit(mod(section(7, vec([[...str('abcdef'), 0, 0]]))), 'maxNameLength', 5);
    expectLimit(mod(imports(1, [0x00, 0x00])), 'maxNameLength', 0);
  });
});
