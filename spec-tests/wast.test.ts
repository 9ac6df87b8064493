import { parseWast, type Command } from './wast.js';
import { tokenize, WastSyntaxError } from './lexer.js';
import { parseI32, parseI64, parseF32Bits, parseF64Bits, f32ToBits, f64ToBits } from './numbers.js';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

function only<K extends Command['kind']>(cmds: Command[], kind: K): Command & { kind: K } {
  expect(cmds).toHaveLength(1);
  expect(cmds[0].kind).toBe(kind);
  return cmds[0] as Command & { kind: K };
}

describe('lexer: strings', () => {
  const bytesOf = (src: string): number[] => {
    const t = tokenize(new Uint8Array(Buffer.from(src, 'utf8')));
    expect(t).toHaveLength(1);
    if (t[0].kind !== 'string') throw new Error('not a string');
    return Array.from(t[0].bytes);
  };
  it('resolves the simple escapes', () => {
    expect(bytesOf('"\\t\\n\\r\\"\\\'\\\\"')).toEqual([9, 10, 13, 0x22, 0x27, 0x5c]);
  });
  it('resolves \\hh to a raw byte, not a code point', () => {
    expect(bytesOf('"\\00\\ff\\C3\\a9"')).toEqual([0, 0xff, 0xc3, 0xa9]);
  });
  it('encodes \\u{...} as UTF-8', () => {
    expect(bytesOf('"\\u{41}\\u{e9}\\u{20ac}\\u{1F600}"')).toEqual([0x41, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80]);
  });
  it('keeps literal UTF-8 bytes', () => {
    expect(bytesOf('"Å"')).toEqual([0xc3, 0x85]);
  });
  it('rejects unknown escapes and unterminated strings', () => {
    expect(() => tokenize(new Uint8Array(Buffer.from('"\\q"')))).toThrow(WastSyntaxError);
    expect(() => tokenize(new Uint8Array(Buffer.from('"abc')))).toThrow(/unterminated string/);
    expect(() => tokenize(new Uint8Array(Buffer.from('"\\u{d800}"')))).toThrow(/surrogate/);
  });
});

describe('lexer: comments', () => {
  const atoms = (src: string): string[] =>
    tokenize(new Uint8Array(Buffer.from(src))).map((t) => (t.kind === 'atom' ? t.text : t.kind));
  it('skips line comments and nested block comments', () => {
    expect(atoms('a ;; b c\nd (; e (; f ;) g ;) h')).toEqual(['a', 'd', 'h']);
  });
  it('does not treat comment markers inside strings as comments', () => {
    expect(atoms('"(; ;;" x')).toEqual(['string', 'x']);
  });
  it('counts lines through block comments', () => {
    const t = tokenize(new Uint8Array(Buffer.from('(;\n\n;) x')));
    expect(t[0].line).toBe(3);
  });
  it('rejects an unterminated block comment', () => {
    expect(() => tokenize(new Uint8Array(Buffer.from('(; (; ;)')))).toThrow(/unterminated block comment/);
  });
});

describe('numbers', () => {
  it('parses i32 in all notations and wraps the unsigned range', () => {
    expect(parseI32('0')).toBe(0);
    expect(parseI32('-1')).toBe(-1);
    expect(parseI32('0xffffffff')).toBe(-1);
    expect(parseI32('4_294_967_295')).toBe(-1);
    expect(parseI32('-0x8000_0000')).toBe(-2147483648);
    expect(parseI32('+0x7fffffff')).toBe(2147483647);
    expect(() => parseI32('0x1_0000_0000')).toThrow(/out of range/);
    expect(() => parseI32('-0x80000001')).toThrow(/out of range/);
    expect(() => parseI32('1__0')).toThrow(/malformed/);
  });
  it('parses i64 as signed bigint', () => {
    expect(parseI64('0xffffffffffffffff')).toBe(-1n);
    expect(parseI64('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parseI64('18446744073709551615')).toBe(-1n);
  });
  it('parses f32 exactly, without double rounding', () => {
    expect(parseF32Bits('1')).toBe(0x3f800000);
    expect(parseF32Bits('-0')).toBe(0x80000000);
    expect(parseF32Bits('0x1p-149')).toBe(1);
    expect(parseF32Bits('0x1.fffffep127')).toBe(0x7f7fffff);
    expect(parseF32Bits('inf')).toBe(0x7f800000);
    expect(parseF32Bits('-nan')).toBe(0xffc00000);
    expect(parseF32Bits('nan:0x200000')).toBe(0x7fa00000);
    // 1 + 2^-24 + 2^-60 rounds up in one step; via f64 it would round to 1 + 2^-24 and then tie to even (down).
    expect(parseF32Bits('0x1.00000100000000001p0')).toBe(0x3f800001);
    expect(parseF32Bits('1.000000059604644775390625000000000001')).toBe(0x3f800001);
    // exactly halfway between the largest f32 (odd significand) and 2^128: ties to even = infinity
    expect(parseF32Bits('340282356779733661637539395458142568448')).toBe(0x7f800000);
    expect(parseF32Bits('340282356779733661637539395458142568447')).toBe(0x7f7fffff);
    expect(parseF32Bits('1e-50')).toBe(0);
    expect(parseF32Bits('1e50')).toBe(0x7f800000);
    expect(parseF32Bits('0.1')).toBe(f32ToBits(0.1));
  });
  it('parses f64 with underscores, hex and exponents', () => {
    expect(parseF64Bits('1_000.000_1')).toBe(f64ToBits(1000.0001));
    expect(parseF64Bits('0.1e-3')).toBe(f64ToBits(0.0001));
    expect(parseF64Bits('0x1p-1074')).toBe(1n);
    expect(parseF64Bits('0x1.fffffffffffff8p1023')).toBe(0x7ff0000000000000n);
    expect(parseF64Bits('2.2250738585072011e-308')).toBe(0x000fffffffffffffn);
    expect(parseF64Bits('-0x0.8p-1')).toBe(0xbfd0000000000000n);
    expect(() => parseF64Bits('nan:0x0')).toThrow(/payload/);
  });
});

describe('commands', () => {
  it('keeps the exact source span of a text module', () => {
    const src = ';; header\n(module $M (func (export "f") (result i32) (i32.const 1)) ;; c\n)\n(assert_return (invoke "f") (i32.const 1))';
    const cmds = parseWast(src);
    expect(cmds).toHaveLength(2);
    const m = cmds[0];
    if (m.kind !== 'module') throw new Error('expected a module');
    expect(m.module.name).toBe('$M');
    expect(m.module.line).toBe(2);
    expect(m.module.source.kind).toBe('text');
    if (m.module.source.kind !== 'text') return;
    expect(text(m.module.source.bytes)).toBe('(module $M (func (export "f") (result i32) (i32.const 1)) ;; c\n)');
  });
  it('spans are byte offsets even after multi-byte characters', () => {
    const src = '(module (func (export "é€")))\n(module $B)';
    const cmds = parseWast(src);
    const b = cmds[1];
    if (b.kind !== 'module' || b.module.source.kind !== 'text') throw new Error('expected a text module');
    expect(text(b.module.source.bytes)).toBe('(module $B)');
  });
  it('concatenates binary module strings', () => {
    const m = only(parseWast('(module $b binary "\\00asm" "\\01\\00\\00\\00")'), 'module').module;
    expect(m.name).toBe('$b');
    expect(m.source).toEqual({ kind: 'binary', bytes: Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) });
  });
  it('keeps quoted modules as text', () => {
    const c = only(parseWast('(assert_malformed (module quote "(func" " i32.const)") "unexpected token")'), 'assert_malformed');
    expect(c.module.source).toEqual({ kind: 'quote', text: '(func i32.const)' });
    expect(c.message).toBe('unexpected token');
  });
  it('wraps bare top-level fields into one module', () => {
    const m = only(parseWast('(func) (memory 0) (func (export "f"))'), 'module').module;
    if (m.source.kind !== 'text') throw new Error('expected text');
    expect(text(m.source.bytes)).toBe('(module (func) (memory 0) (func (export "f")))');
  });
  it('parses actions with module names and all argument kinds', () => {
    const c = only(parseWast('(assert_return (invoke $M "f" (i32.const -1) (i64.const 0x10) (f32.const 1.5) (ref.null extern) (ref.extern 7)) (i32.const 2))'), 'assert_return');
    expect(c.action).toEqual({
      kind: 'invoke', module: '$M', name: 'f',
      args: [
        { type: 'i32', value: -1 }, { type: 'i64', value: 16n }, { type: 'f32', bits: 0x3fc00000 },
        { type: 'externref', null: true }, { type: 'externref', null: false, id: 7 },
      ],
    });
  });
  it('parses result patterns', () => {
    const c = only(parseWast('(assert_return (get "g") (f32.const nan:canonical) (f64.const nan:arithmetic) (ref.func) (ref.null func) (either (i32.const 1) (i32.const 2)))'), 'assert_return');
    expect(c.action).toEqual({ kind: 'get', module: undefined, name: 'g' });
    expect(c.results).toEqual([
      { kind: 'nan', type: 'f32', which: 'canonical' },
      { kind: 'nan', type: 'f64', which: 'arithmetic' },
      { kind: 'anyfunc' },
      { kind: 'value', value: { type: 'funcref', null: true } },
      { kind: 'either', options: [{ kind: 'value', value: { type: 'i32', value: 1 } }, { kind: 'value', value: { type: 'i32', value: 2 } }] },
    ]);
  });
  it('parses v128 constants into little-endian bytes', () => {
    const c = only(parseWast('(assert_return (invoke "v") (v128.const i16x8 1 -1 0x8000 0 0 0 0 258))'), 'assert_return');
    const r = c.results[0];
    if (r.kind !== 'value' || r.value.type !== 'v128') throw new Error('expected a v128 value');
    expect(Array.from(r.value.bytes)).toEqual([1, 0, 0xff, 0xff, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1]);
  });
  it('tells assert_trap on modules from assert_trap on actions', () => {
    const cmds = parseWast('(assert_trap (module (start 0) (func unreachable)) "unreachable")\n(assert_trap (invoke "f") "unreachable")');
    expect(cmds.map((c) => c.kind)).toEqual(['assert_trap_module', 'assert_trap']);
  });
  it('parses register, get and the remaining assertions', () => {
    const cmds = parseWast([
      '(register "M" $M)', '(register "N")', '(get $M "g")',
      '(assert_exhaustion (invoke "f") "call stack exhausted")',
      '(assert_invalid (module (func (result i32))) "type mismatch")',
      '(assert_unlinkable (module (import "a" "b" (func))) "unknown import")',
      '(assert_uninstantiable (module) "x")',
    ].join('\n'));
    expect(cmds.map((c) => [c.kind, c.line])).toEqual([
      ['register', 1], ['register', 2], ['action', 3], ['assert_exhaustion', 4],
      ['assert_invalid', 5], ['assert_unlinkable', 6], ['assert_uninstantiable', 7],
    ]);
    expect(cmds[0]).toMatchObject({ as: 'M', module: '$M' });
    expect(cmds[1]).toMatchObject({ as: 'N', module: undefined });
  });
  it('drops annotations from commands', () => {
    const c = only(parseWast('(assert_return (@note x (y)) (invoke "f" (@a) (i32.const 1)))'), 'assert_return');
    expect(c.action).toMatchObject({ name: 'f', args: [{ type: 'i32', value: 1 }] });
  });
  it('accepts reserved tokens inside annotations', () => {
    const c = only(parseWast('(module (@a , ; ] [ }} }x{ ({) ,{{};}] ;) (func)) ;; done'), 'module');
    expect(c.module.source.kind).toBe('text');
  });
  it('keeps a leading U+FEFF in names', () => {
    const c = only(parseWast('(invoke "\\ef\\bb\\bf")'), 'action');
    expect(c.action.name).toBe('\ufeff');
  });
  it('reports syntax errors with their line', () => {
    expect(() => parseWast('(module)\n(bogus)')).toThrow('line 2: unknown command "bogus"');
    expect(() => parseWast('(assert_return (invoke "f") (i32.const 0x1_0000_0000))')).toThrow(/out of range/);
    expect(() => parseWast('(module')).toThrow(/unclosed/);
  });
});
