import { EXIT, UsageError, parseArgs, parseFeatures, parseGas } from './args.js';
import * as VT from '../decoder/valtype.js';
import { parseValue, parseValues, resultList, formatFuncType } from './values.js';

describe('parseArgs', () => {
  test('run with invoke, args (negative numbers are values), gas and features', () => {
    const c = parseArgs(['run', 'f.wat', '--invoke', 'add', '-5', '0x10', '--gas', '1_000', '--features', '-bulk-memory,multiValue']);
    expect(c).toEqual({
      kind: 'run', file: 'f.wat', invoke: 'add', args: ['-5', '0x10'], gas: 1000n, dirs: [], env: [],
      verbose: false, json: false, features: { bulkMemory: false, multiValue: true },
    });
  });

  test('--opt=value form, -- ends options', () => {
    const c = parseArgs(['run', '--gas=7', 'f.wasm', '--invoke=f', '--', '--json']);
    expect(c).toMatchObject({ kind: 'run', file: 'f.wasm', invoke: 'f', gas: 7n, args: ['--json'], json: false });
  });

  test('WASI: --dir, --env (repeatable) and program arguments after --', () => {
    const c = parseArgs(['run', 'p.wasm', '--dir', 'data', '--dir', '/tmp/x:/work', '--env', 'A=1', '--env=B=2=3', '--', 'a', '--b']);
    expect(c).toMatchObject({
      kind: 'run', file: 'p.wasm', invoke: undefined, args: ['a', '--b'], env: ['A=1', 'B=2=3'],
      dirs: [{ host: 'data', guest: 'data' }, { host: '/tmp/x', guest: '/work' }],
    });
  });

  test('help and version', () => {
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['run', 'x', '-h'])).toEqual({ kind: 'help' });
    expect(parseArgs(['--version'])).toEqual({ kind: 'version' });
  });

  test('wast takes several files and --gas', () => {
    expect(parseArgs(['wast', 'a.wast', 'b.wast', '--gas', '5'])).toMatchObject({ kind: 'wast', files: ['a.wast', 'b.wast'], gas: 5n });
  });

  test.each([
    [[], /missing command/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['run'], /run: missing FILE/],
    [['run', 'f', '--env', 'K'], /--env expects NAME=VALUE/],
    [['run', 'f', '--dir', ':x'], /--dir expects HOST\[:GUEST\]/],
    [['validate', 'f', '--env', 'K=V'], /--dir and --env are only valid for run/],
    [['run', 'f', '--invoke'], /--invoke expects a value/],
    [['run', 'f', '--gas', '-1'], /--gas expects a non-negative integer/],
    [['run', 'f', '--gas', '1.5'], /--gas expects a non-negative integer/],
    [['run', 'f', '--bogus'], /unknown option "--bogus"/],
    [['run', 'f', '--features', 'floatz'], /unknown feature "floatz"/],
    [['validate'], /expects exactly one FILE, got 0/],
    [['validate', 'a', 'b'], /expects exactly one FILE, got 2/],
    [['inspect', 'a', '--gas', '1'], /--gas is only valid for run and wast/],
    [['validate', 'a', '--invoke', 'f'], /--invoke is only valid for run/],
    [['run', 'f', '--verbose=1'], /--verbose takes no value/],
  ])('usage error for %j', (argv, message) => {
    expect(() => parseArgs(argv as string[])).toThrow(UsageError);
    expect(() => parseArgs(argv as string[])).toThrow(message as RegExp);
  });

  test('exit codes are distinct', () => {
    const codes = Object.values(EXIT);
    expect(new Set(codes).size).toBe(codes.length);
    expect(EXIT).toMatchObject({ usage: 2, compile: 3, link: 4, trap: 5, outOfGas: 6, io: 7 });
  });

  test('parseFeatures and parseGas', () => {
    expect(parseFeatures('+simd, -threads,reference-types')).toEqual({ simd: true, threads: false, referenceTypes: true });
    expect(parseFeatures('3.0,-tail-call,wide-arithmetic')).toEqual({ preset: '3.0', tailCall: false, wideArithmetic: true });
    expect(() => parseFeatures('4.0')).toThrow(/unknown feature "4.0".*presets: 1.0, 2.0, 3.0/);
    expect(parseGas('18446744073709551616')).toBe(1n << 64n);
  });
});

describe('values', () => {
  const { I32, I64, FUNCREF, F32 } = VT;
  test('i32 accepts signed and unsigned ranges and wraps to the bit pattern', () => {
    expect(parseValue('42', I32, 'a')).toBe(42);
    expect(parseValue('-2147483648', I32, 'a')).toBe(-2147483648);
    expect(parseValue('4294967295', I32, 'a')).toBe(-1);
    expect(parseValue('0xffff_ffff', I32, 'a')).toBe(-1);
    expect(parseValue('-0x10', I32, 'a')).toBe(-16);
    expect(() => parseValue('4294967296', I32, 'argument 1 of f')).toThrow('argument 1 of f: 4294967296 does not fit in i32');
    expect(() => parseValue('-2147483649', I32, 'a')).toThrow(/does not fit in i32/);
    expect(() => parseValue('1.5', I32, 'a')).toThrow(/expected an i32 integer, got "1.5"/);
    expect(() => parseValue('', I32, 'a')).toThrow(UsageError);
  });

  test('i64 gives bigint, wraps unsigned to signed', () => {
    expect(parseValue('18446744073709551615', I64, 'a')).toBe(-1n);
    expect(parseValue('-9223372036854775808', I64, 'a')).toBe(-(1n << 63n));
    expect(parseValue('0x7fffffffffffffff', I64, 'a')).toBe((1n << 63n) - 1n);
    expect(() => parseValue('18446744073709551616', I64, 'a')).toThrow(/does not fit in i64/);
  });

  test('references and unsupported types', () => {
    expect(parseValue('null', FUNCREF, 'a')).toBeNull();
    expect(() => parseValue('3', FUNCREF, 'a')).toThrow(/only "null"/);
    expect(() => parseValue('1', F32, 'a')).toThrow(/f32 cannot be passed/);
  });

  test('arity is checked', () => {
    expect(parseValues(['1', '2'], [I32, I64], 'f')).toEqual([1, 2n]);
    expect(() => parseValues(['1'], [I32, I64], 'f')).toThrow('f expects 2 arguments (i32, i64), got 1');
  });

  test('result lists and signatures', () => {
    expect(resultList(undefined, 0)).toEqual([]);
    expect(resultList(5, 1)).toEqual([5]);
    expect(resultList([1, 2n], 2)).toEqual([1, 2n]);
    expect(formatFuncType([I32, I64], [])).toBe('(i32, i64) -> ()');
  });
});
