/**
 * Integer operators of WebAssembly (spec 4.3.2 "Integer Operations") as a
 * BigInt reference, and a module exporting one function per operator.
 */
import { I32, I64, funcBody, functype, moduleBytes, name, section, uleb, vec } from './encode.js';

export type ArithResult = bigint | 'div_by_zero' | 'int_overflow';

export interface ArithOp {
  name: string;
  opcode: number;
  params: number[];
  result: number;
  /** Reference semantics on unsigned representatives (0 <= x < 2^width); returns the unsigned result. */
  ref: (...args: bigint[]) => ArithResult;
}

const M32 = (1n << 32n) - 1n;
const M64 = (1n << 64n) - 1n;
const u = (w: number, x: bigint): bigint => BigInt.asUintN(w, x);
const s = (w: number, x: bigint): bigint => BigInt.asIntN(w, x);
const b = (c: boolean): bigint => (c ? 1n : 0n);

function clz(w: number, x: bigint): bigint {
  let n = 0n;
  for (let i = w - 1; i >= 0 && ((x >> BigInt(i)) & 1n) === 0n; i--) n++;
  return n;
}
function ctz(w: number, x: bigint): bigint {
  let n = 0n;
  for (let i = 0; i < w && ((x >> BigInt(i)) & 1n) === 0n; i++) n++;
  return n;
}
function popcnt(x: bigint): bigint {
  let n = 0n;
  for (; x; x >>= 1n) n += x & 1n;
  return n;
}
function rotl(w: number, x: bigint, k: bigint): bigint {
  const r = k % BigInt(w);
  return u(w, (x << r) | (x >> (BigInt(w) - r)));
}

function intOps(w: 32 | 64): ArithOp[] {
  const T = w === 32 ? I32 : I64;
  const base = w === 32 ? 0x6a : 0x7c; // add
  const cmpBase = w === 32 ? 0x46 : 0x51; // eq
  const W = BigInt(w);
  const min = 1n << (W - 1n);
  const p = `i${w}.`;
  const bin = (n: string, opcode: number, ref: (x: bigint, y: bigint) => ArithResult): ArithOp => ({ name: p + n, opcode, params: [T, T], result: T, ref });
  const cmp = (n: string, k: number, ref: (x: bigint, y: bigint) => boolean): ArithOp => ({
    name: p + n, opcode: cmpBase + k, params: [T, T], result: I32, ref: (x, y) => b(ref(x, y)),
  });
  const un = (n: string, opcode: number, ref: (x: bigint) => bigint, result = T): ArithOp => ({ name: p + n, opcode, params: [T], result, ref });
  return [
    bin('add', base, (x, y) => u(w, x + y)),
    bin('sub', base + 1, (x, y) => u(w, x - y)),
    bin('mul', base + 2, (x, y) => u(w, x * y)),
    bin('div_s', base + 3, (x, y) => {
      if (y === 0n) return 'div_by_zero';
      if (x === min && y === u(w, -1n)) return 'int_overflow';
      return u(w, s(w, x) / s(w, y));
    }),
    bin('div_u', base + 4, (x, y) => (y === 0n ? 'div_by_zero' : x / y)),
    bin('rem_s', base + 5, (x, y) => (y === 0n ? 'div_by_zero' : u(w, s(w, x) % s(w, y)))),
    bin('rem_u', base + 6, (x, y) => (y === 0n ? 'div_by_zero' : x % y)),
    bin('and', base + 7, (x, y) => x & y),
    bin('or', base + 8, (x, y) => x | y),
    bin('xor', base + 9, (x, y) => x ^ y),
    bin('shl', base + 10, (x, y) => u(w, x << (y % W))),
    bin('shr_s', base + 11, (x, y) => u(w, s(w, x) >> (y % W))),
    bin('shr_u', base + 12, (x, y) => x >> (y % W)),
    bin('rotl', base + 13, (x, y) => rotl(w, x, y)),
    bin('rotr', base + 14, (x, y) => rotl(w, x, (W - (y % W)) % W)),
    cmp('eq', 0, (x, y) => x === y),
    cmp('ne', 1, (x, y) => x !== y),
    cmp('lt_s', 2, (x, y) => s(w, x) < s(w, y)),
    cmp('lt_u', 3, (x, y) => x < y),
    cmp('gt_s', 4, (x, y) => s(w, x) > s(w, y)),
    cmp('gt_u', 5, (x, y) => x > y),
    cmp('le_s', 6, (x, y) => s(w, x) <= s(w, y)),
    cmp('le_u', 7, (x, y) => x <= y),
    cmp('ge_s', 8, (x, y) => s(w, x) >= s(w, y)),
    cmp('ge_u', 9, (x, y) => x >= y),
    un('eqz', cmpBase - 1, x => b(x === 0n), I32),
    un('clz', base - 3, x => clz(w, x)),
    un('ctz', base - 2, x => ctz(w, x)),
    un('popcnt', base - 1, x => popcnt(x)),
    un('extend8_s', w === 32 ? 0xc0 : 0xc2, x => u(w, s(8, x))),
    un('extend16_s', w === 32 ? 0xc1 : 0xc3, x => u(w, s(16, x))),
    ...(w === 64 ? [un('extend32_s', 0xc4, x => u(64, s(32, x)))] : []),
  ];
}

export const ARITH_OPS: ArithOp[] = [
  ...intOps(32),
  ...intOps(64),
  { name: 'i32.wrap_i64', opcode: 0xa7, params: [I64], result: I32, ref: x => x & M32 },
  { name: 'i64.extend_i32_s', opcode: 0xac, params: [I32], result: I64, ref: x => u(64, s(32, x)) },
  { name: 'i64.extend_i32_u', opcode: 0xad, params: [I32], result: I64, ref: x => x },
];
void M64;

/** A module exporting each operator as a function named after it. */
export function arithModule(): Uint8Array<ArrayBuffer> {
  const types = ARITH_OPS.map(op => functype(op.params, [op.result]));
  const bodies = ARITH_OPS.map(op => {
    const code: number[] = [];
    op.params.forEach((_, i) => code.push(0x20, i));
    code.push(op.opcode, 0x0b);
    return funcBody([], code);
  });
  return moduleBytes([
    section(1, vec(types)),
    section(3, vec(ARITH_OPS.map((_, i) => uleb(i)))),
    section(7, vec(ARITH_OPS.map((op, i) => [...name(op.name), 0x00, ...uleb(i)]))),
    section(10, vec(bodies)),
  ]);
}

/** JS API value of an unsigned representative. */
export function toJs(t: number, x: bigint): number | bigint {
  return t === I32 ? Number(BigInt.asIntN(32, x)) : BigInt.asIntN(64, x);
}

/** Unsigned representative of a JS API value. */
export function fromJs(t: number, v: number | bigint): bigint {
  return t === I32 ? BigInt.asUintN(32, BigInt(v as number)) : BigInt.asUintN(64, v as bigint);
}

export const EDGE32: bigint[] = [0n, 1n, 2n, 31n, 32n, 33n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0x80000001n, 0xfffffffen, 0xffffffffn];
export const EDGE64: bigint[] = [
  ...EDGE32, 63n, 64n, 65n, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n,
  0xfffffffffffffffen, 0xffffffffffffffffn, 0xffffffff00000000n, 0x00000000ffffffffn,
];
