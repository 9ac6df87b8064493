/**
 * The execution loop: one function, one dense `switch` over the internal
 * bytecode (bytecode.ts). Case labels are numeric literals with the op name in
 * a comment (bytecode.test.ts checks they agree with `Ops`): SPEED: V8 turns a
 * switch over dense integer literals into a jump table.
 *
 * SPEED: pc, fp, gas, the code array and the value stack are locals; wasm calls
 * push (return pc, fp) on the store's Int32Array call stack and the function on
 * a parallel array, so no JS recursion and no allocation per call or per
 * instruction. Memory views and instance tables are locals reloaded only when
 * they can change (memory.grow, host calls, calls and returns that switch
 * instance).
 *
 * Values: two int32 slots each (DESIGN.md); i64 is (lo, hi) and all i64
 * arithmetic except division runs on int32 pairs (division: exact steps on
 * doubles, see divmodU64; no BigInt). Every op reads all its
 * operands before writing its destination (the compiler may make a
 * destination equal to an operand).
 */
import { Trap } from '../errors.js';
import { resolveGasSchedule } from '../gas/schedule.js';
import { compiledOf, type FuncInst, type Store, type Instance, type Memory } from './runtime.js';
import { callHost } from './call.js';

const EMPTY_U8 = new Uint8Array(0);
const EMPTY_DV = new DataView(new ArrayBuffer(0));

function trap(code: ConstructorParameters<typeof Trap>[0]): never {
  throw new Trap(code);
}

function popcnt32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

/** Results of divmodU64 (module-level so the hot path allocates nothing). */
let QL = 0, QH = 0, RL = 0, RH = 0;

/** A double's bits as int32 words (the sign of a remainder estimate in divmodU64). */
const F64 = new Float64Array(1);
const F64_WORDS = new Int32Array(F64.buffer);
/** Index of the word holding the sign and exponent (1 on little-endian platforms). */
const F64_HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * Unsigned 64-bit division on int32 pairs: x = (xl, xh), y = (yl, yh) != 0;
 * sets (QL, QH) = x / y and (RL, RH) = x % y. No BigInt.
 * (exec's I64_DIV_U and I64_REM_U inline the same steps.)
 *    0. y < 2^32: the quotient's high word first, qh = floor(xh / y), exact
 *       from doubles (a non-integer a / b of integers below 2^32 is >= 1 / b
 *       below the next integer, its rounding error < 2^32 / b * 2^-53 is not);
 *       x' = (xh - qh*y) * 2^32 + xl < y * 2^32 is left. Otherwise qh = 0, x' = x.
 *       Either way x / y = qh * 2^32 + x' / y with x' / y < 2^32, x' < 2^64.
 *    1. X, Y = x', y rounded to doubles and X / Y each round by a relative
 *       2^-53, so X / Y is within 3 * 2^-53 * 2^32 < 2^-19 of x' / y; adding
 *       2^-18 (rounding by <= 2^-21) gives u with x' / y < u < x' / y + 2^-17.
 *       So q = floor(u) is floor(x' / y) or one more, and exactly floor(x' / y)
 *       when u - q >= 2^-17 (x' / y > u - 2^-17 >= q): nearly always.
 *    2. Otherwise (u - q < 2^-17, or always when the remainder is needed; also
 *       when q = 2^32, clamped to 2^32 - 1, which is then exact) the sign of
 *       r = x' - q*y decides: q is one too big
 *       when r < 0. q <= floor(x' / y) + 1, so q*y <= x' + y < 2^65 and
 *       -y <= r < y. R = X - q*Y estimates r within 2^14: |X - x'| <= 2^10,
 *       q*|Y - y| <= q*y*2^-53 < 2^12, and the product and the subtraction
 *       (values < 2^65) round by <= 2^11 each. So when |R| >= 2^15, r has R's
 *       sign; otherwise |r| < 2^16 and r is its low word lo(r) as an int32,
 *       exact from Math.imul (x' and x have the same low word). SPEED: both read as sign bits and picked with a
 *       mask (the word of R's sign and exponent is below 0x40e00000 exactly when
 *       |R| < 2^15): no data-dependent branch (on r's sign it would mispredict
 *       when x / y sits on an integer, as in exact divisions or i64arith's
 *       m / (m >> 3 | 1)) and a short dependency chain.
 *    3. r = x' - q*y (= x mod y) of the corrected q: lo(r) + (y's low word when q was
 *       decremented) is exact mod 2^32; its high word is (R' - lo(r)) * 2^-32
 *       rounded to the nearest integer, R' = R (+ Y) within 2^15 of r, as
 *       floor(v + 0.5) (one roundsd; V8's Math.round adds a select).
 */
function divmodU64(xl: number, xh: number, yl: number, yh: number): void {
  const ylu = yl >>> 0, yhu = yh >>> 0;
  let xr = xh >>> 0, qh = 0;
  if (yhu === 0) {
    qh = Math.floor(xr / ylu);
    xr -= qh * ylu;
  }
  const X = xr * 4294967296 + (xl >>> 0), Y = yhu * 4294967296 + ylu;
  let q = Math.floor(X / Y + 3.814697265625e-6); // + 2^-18
  if (q > 4294967295) q = 4294967295;
  const R = X - q * Y;
  F64[0] = R;
  const hR = F64_WORDS[F64_HI];
  const rl = (xl - Math.imul(q, yl)) | 0;
  const small = ((hR & 0x7fffffff) - 0x40e00000) >> 31; // -1 when |R| < 2^15
  const neg = ((rl & small) | (hR & ~small)) >> 31; // -1 when r < 0
  const rlc = (rl + (yl & neg)) | 0;
  QL = (q + neg) | 0; QH = qh | 0;
  RL = rlc;
  RH = Math.floor((R - neg * Y - (rlc >>> 0)) * 2.3283064365386963e-10 + 0.5) | 0; // * 2^-32
}

/**
 * Signed i64 division and remainder (kind 0 div_s, 2 rem_s; exec inlines the
 * case where both operands fit in int32). SPEED: operands that fit in int32 use
 * one double division; the rest use divmodU64 on magnitudes.
 */
function i64DivRem(S: Int32Array, d: number, a: number, b: number, kind: number): void {
  const al = S[a], ah = S[a + 1], bl = S[b], bh = S[b + 1];
  if (bl === 0 && bh === 0) trap('integer_divide_by_zero');
  if (ah === al >> 31 && bh === bl >> 31) {
    // both fit in int32: exact in doubles (|quotient| <= 2^31)
    const r = kind === 0 ? Math.trunc(al / bl) : al % bl;
    S[d] = r | 0;
    S[d + 1] = r < 0 ? -1 : 0;
    return;
  }
  if (kind === 0 && al === 0 && ah === -2147483648 && bl === -1 && bh === -1) trap('integer_overflow');
  const xn = ah < 0, yn = bh < 0;
  // magnitudes (two's complement negation; -2^63 stays 2^63 as unsigned)
  const xl = xn ? -al | 0 : al, xh = xn ? (~ah + (al === 0 ? 1 : 0)) | 0 : ah;
  const yl = yn ? -bl | 0 : bl, yh = yn ? (~bh + (bl === 0 ? 1 : 0)) | 0 : bh;
  divmodU64(xl, xh, yl, yh);
  let lo: number, hi: number, neg: boolean;
  if (kind === 0) { lo = QL; hi = QH; neg = xn !== yn; } else { lo = RL; hi = RH; neg = xn; }
  if (neg) { const nl = -lo | 0; hi = (~hi + (lo === 0 ? 1 : 0)) | 0; lo = nl; }
  S[d] = lo;
  S[d + 1] = hi;
}

/** Runs wasm function `entry` whose frame (arguments in place) starts at `entryFp`. */
export function exec(store: Store, entry: FuncInst, entryFp: number): void {
  const metered = store._metered;
  const limits = store._limits;
  const maxDepth = limits.maxCallDepth;
  const maxPages = limits.maxMemoryPages;
  const maxTable = limits.maxTableSize;
  const sched = resolveGasSchedule(store.engine._config.gas);
  const perPage = sched.memoryGrowPerPage, perBytes8 = sched.memoryPerBytes8, perElem = sched.tablePerElement;
  const cs = store._callStack;
  const fns = store._callFns;
  const entryDepth = store._depth;
  let depth = entryDepth;
  let S = store._stack;
  let f = entry;
  let cf = compiledOf(f, metered);
  let code = cf.code;
  let fp = entryFp;
  let pc = 0;
  let gas = store._gas;
  let inst: Instance = f.instance!;
  let funcs = inst._funcs;
  let globalCells = inst._globalCells;
  let mem: Memory | null = inst._memory;
  let u8 = mem !== null ? mem._u8 : EMPTY_U8;
  let dv = mem !== null ? mem._dv : EMPTY_DV;
  let memLen = u8.length;
  if (fp + cf.frameSlots > S.length) S = store._growStack(fp + cf.frameSlots);
  for (let i = fp + cf.paramSlots, e = fp + cf.localSlots; i < e; i++) S[i] = 0;

  let callee: FuncInst;
  let nfp = 0;
  try {
    for (;;) {
      switch (code[pc]) {
        case 0: // UNREACHABLE
          trap('unreachable');
        case 1: { // GAS
          const k = code[pc + 1];
          // charge before the block runs; on failure the gas is left untouched
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc += 2;
          break;
        }
        // Branches carry the gas of the block they enter (compiler.ts emitBranchOp):
        // [.., target, k] taken, [.., fallPc, kFall] not taken.
        case 2: { // BR
          const k = code[pc + 2];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[pc + 1];
          break;
        }
        case 3: { // BR_IF
          const j = S[fp + code[pc + 1]] !== 0 ? pc + 2 : pc + 4;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 4: { // BR_IFZ
          const j = S[fp + code[pc + 1]] === 0 ? pc + 2 : pc + 4;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 5: { // BR_TABLE
          const i = S[fp + code[pc + 1]] >>> 0;
          const n = code[pc + 2];
          const j = pc + 3 + 2 * (i < n ? i : n);
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 19: { // BR_TABLE_LOAD [addr, offset, imm, k, n, (target, k) x (n+1)]
          const ea = (((S[fp + code[pc + 1]] << code[pc + 4]) + code[pc + 3]) >>> 0) + (code[pc + 2] >>> 0);
          if (ea + 4 > memLen) trap('memory_out_of_bounds');
          const i = dv.getInt32(ea, true) >>> 0;
          const n = code[pc + 5];
          const j = pc + 6 + 2 * (i < n ? i : n);
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 6: { // RETURN
          if (depth === entryDepth) return;
          depth--;
          f = fns[depth]!;
          pc = cs[3 * depth];
          fp = cs[3 * depth + 1];
          const k = cs[3 * depth + 2]; // gas of the caller's block after the call
          if (gas < k) trap('out_of_gas');
          gas -= k;
          code = (metered ? f._cm : f._cu)!.code;
          if (f.instance !== inst) {
            inst = f.instance!;
            funcs = inst._funcs;
            globalCells = inst._globalCells;
            mem = inst._memory;
            u8 = mem !== null ? mem._u8 : EMPTY_U8;
            dv = mem !== null ? mem._dv : EMPTY_DV;
            memLen = u8.length;
          }
          break;
        }
        case 7: // CALL
        case 8: { // CALL_INDIRECT
          let next: number;
          if (code[pc] === 7) {
            callee = funcs[code[pc + 1]];
            nfp = fp + code[pc + 2];
            next = pc + 3;
          } else {
            const tab = inst._tables[code[pc + 2]];
            const i = S[fp + code[pc + 3]] >>> 0;
            if (i >= tab._elems.length) trap('undefined_element');
            const c = tab._elems[i] as FuncInst | null;
            if (c === null) trap('uninitialized_element');
            if (c.typeId !== inst._typeIds[code[pc + 1]]) trap('indirect_call_type_mismatch');
            callee = c;
            nfp = fp + code[pc + 4];
            next = pc + 5;
          }
          if (callee.host) {
            store._gas = gas;
            store._depth = depth;
            try {
              callHost(store, callee, nfp, inst);
            } finally {
              // the host (and wasm it called back) charged store._gas; keep that even when it throws
              gas = store._gas;
            }
            S = store._stack;
            if (mem !== null) {
              u8 = mem._u8;
              dv = mem._dv;
              memLen = u8.length;
            }
            const k = code[next + 1];
            if (gas < k) trap('out_of_gas');
            gas -= k;
            pc = code[next];
            break;
          }
          if (depth >= maxDepth) trap('call_stack_exhausted');
          cs[3 * depth] = code[next];
          cs[3 * depth + 1] = fp;
          cs[3 * depth + 2] = code[next + 1];
          fns[depth] = f;
          depth++;
          f = callee;
          cf = metered ? f._cm ?? compiledOf(f, true) : f._cu ?? compiledOf(f, false);
          code = cf.code;
          fp = nfp;
          // SPEED: charge the callee's first block here (compiler.ts entryGas)
          const k = cf.entryGas;
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = cf.entryPc;
          if (fp + cf.frameSlots > S.length) S = store._growStack(fp + cf.frameSlots);
          for (let i = fp + cf.paramSlots, e = fp + cf.localSlots; i < e; i++) S[i] = 0;
          if (f.instance !== inst) {
            inst = f.instance!;
            funcs = inst._funcs;
            globalCells = inst._globalCells;
            mem = inst._memory;
            u8 = mem !== null ? mem._u8 : EMPTY_U8;
            dv = mem !== null ? mem._dv : EMPTY_DV;
            memLen = u8.length;
          }
          break;
        }
        case 9: { // COPY
          const d = fp + code[pc + 1], s = fp + code[pc + 2];
          S[d] = S[s];
          S[d + 1] = S[s + 1];
          pc += 3;
          break;
        }
        case 17: { // COPY_BR
          const d = fp + code[pc + 1], s = fp + code[pc + 2];
          S[d] = S[s];
          S[d + 1] = S[s + 1];
          const k = code[pc + 4];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[pc + 3];
          break;
        }
        case 18: { // COPY2
          let d = fp + code[pc + 1], s = fp + code[pc + 2];
          S[d] = S[s];
          S[d + 1] = S[s + 1];
          d = fp + code[pc + 3];
          s = fp + code[pc + 4];
          S[d] = S[s];
          S[d + 1] = S[s + 1];
          pc += 5;
          break;
        }
        case 10: // CONST32
          S[fp + code[pc + 1]] = code[pc + 2];
          pc += 3;
          break;
        case 11: { // CONST64
          const d = fp + code[pc + 1];
          S[d] = code[pc + 2];
          S[d + 1] = code[pc + 3];
          pc += 4;
          break;
        }
        case 12: { // SELECT
          const s = fp + (S[fp + code[pc + 4]] !== 0 ? code[pc + 2] : code[pc + 3]);
          const d = fp + code[pc + 1];
          const lo = S[s], hi = S[s + 1];
          S[d] = lo;
          S[d + 1] = hi;
          pc += 5;
          break;
        }
        case 13: { // GLOBAL_GET
          const c = globalCells[code[pc + 2]];
          const d = fp + code[pc + 1];
          S[d] = c[0];
          S[d + 1] = c[1];
          pc += 3;
          break;
        }
        case 14: { // GLOBAL_SET
          const c = globalCells[code[pc + 1]];
          const s = fp + code[pc + 2];
          c[0] = S[s];
          c[1] = S[s + 1];
          pc += 3;
          break;
        }
        case 15: // GLOBAL_GET_REF
          S[fp + code[pc + 1]] = store._intern(inst._globals[code[pc + 2]]._ref);
          pc += 3;
          break;
        case 16: // GLOBAL_SET_REF
          inst._globals[code[pc + 1]]._ref = store._refs[S[fp + code[pc + 2]]];
          pc += 3;
          break;

        // ---- loads [dst, addr, offset, imm, k]: effective address = u32((addr << k) + imm) + u32 offset
        // (may exceed 2^32; doubles are exact); k and imm are a folded i32.shl and i32.add by constants
        case 20: { // I32_LOAD
          const ea = (((S[fp + code[pc + 2]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 4 > memLen) trap('memory_out_of_bounds');
          S[fp + code[pc + 1]] = dv.getInt32(ea, true);
          pc += 6;
          break;
        }
        case 21: { // I64_LOAD
          const ea = (((S[fp + code[pc + 2]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 8 > memLen) trap('memory_out_of_bounds');
          const d = fp + code[pc + 1];
          S[d] = dv.getInt32(ea, true);
          S[d + 1] = dv.getInt32(ea + 4, true);
          pc += 6;
          break;
        }
        case 22: { // I32_LOAD8_S
          const ea = (((S[fp + code[pc + 2]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 1 > memLen) trap('memory_out_of_bounds');
          S[fp + code[pc + 1]] = (u8[ea] << 24) >> 24;
          pc += 6;
          break;
        }
        case 23: { // I32_LOAD8_U
          const ea = (((S[fp + code[pc + 2]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 1 > memLen) trap('memory_out_of_bounds');
          S[fp + code[pc + 1]] = u8[ea];
          pc += 6;
          break;
        }
        case 24: { // I32_LOAD16_S
          const ea = (((S[fp + code[pc + 2]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 2 > memLen) trap('memory_out_of_bounds');
          S[fp + code[pc + 1]] = dv.getInt16(ea, true);
          pc += 6;
          break;
        }
        case 25: { // I32_LOAD16_U
          const ea = (((S[fp + code[pc + 2]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 2 > memLen) trap('memory_out_of_bounds');
          S[fp + code[pc + 1]] = dv.getUint16(ea, true);
          pc += 6;
          break;
        }
        case 26: { // I64_LOAD8_S
          const ea = (((S[fp + code[pc + 2]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 1 > memLen) trap('memory_out_of_bounds');
          const v = (u8[ea] << 24) >> 24;
          const d = fp + code[pc + 1];
          S[d] = v;
          S[d + 1] = v >> 31;
          pc += 6;
          break;
        }
        case 27: { // I64_LOAD8_U
          const ea = (((S[fp + code[pc + 2]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 1 > memLen) trap('memory_out_of_bounds');
          const d = fp + code[pc + 1];
          S[d] = u8[ea];
          S[d + 1] = 0;
          pc += 6;
          break;
        }
        case 28: { // I64_LOAD16_S
          const ea = (((S[fp + code[pc + 2]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 2 > memLen) trap('memory_out_of_bounds');
          const v = dv.getInt16(ea, true);
          const d = fp + code[pc + 1];
          S[d] = v;
          S[d + 1] = v >> 31;
          pc += 6;
          break;
        }
        case 29: { // I64_LOAD16_U
          const ea = (((S[fp + code[pc + 2]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 2 > memLen) trap('memory_out_of_bounds');
          const d = fp + code[pc + 1];
          S[d] = dv.getUint16(ea, true);
          S[d + 1] = 0;
          pc += 6;
          break;
        }
        case 30: { // I64_LOAD32_S
          const ea = (((S[fp + code[pc + 2]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 4 > memLen) trap('memory_out_of_bounds');
          const v = dv.getInt32(ea, true);
          const d = fp + code[pc + 1];
          S[d] = v;
          S[d + 1] = v >> 31;
          pc += 6;
          break;
        }
        case 31: { // I64_LOAD32_U
          const ea = (((S[fp + code[pc + 2]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 4 > memLen) trap('memory_out_of_bounds');
          const d = fp + code[pc + 1];
          S[d] = dv.getInt32(ea, true);
          S[d + 1] = 0;
          pc += 6;
          break;
        }
        // ---- stores [addr, val, offset, imm, k]
        case 32: { // I32_STORE
          const ea = (((S[fp + code[pc + 1]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 4 > memLen) trap('memory_out_of_bounds');
          dv.setInt32(ea, S[fp + code[pc + 2]], true);
          pc += 6;
          break;
        }
        case 33: { // I64_STORE
          const ea = (((S[fp + code[pc + 1]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 8 > memLen) trap('memory_out_of_bounds');
          const s = fp + code[pc + 2];
          dv.setInt32(ea, S[s], true);
          dv.setInt32(ea + 4, S[s + 1], true);
          pc += 6;
          break;
        }
        case 34: // I32_STORE8
        case 36: { // I64_STORE8
          const ea = (((S[fp + code[pc + 1]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 1 > memLen) trap('memory_out_of_bounds');
          u8[ea] = S[fp + code[pc + 2]];
          pc += 6;
          break;
        }
        case 35: // I32_STORE16
        case 37: { // I64_STORE16
          const ea = (((S[fp + code[pc + 1]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 2 > memLen) trap('memory_out_of_bounds');
          dv.setInt16(ea, S[fp + code[pc + 2]], true);
          pc += 6;
          break;
        }
        case 38: { // I64_STORE32
          const ea = (((S[fp + code[pc + 1]] << code[pc + 5]) + code[pc + 4]) >>> 0) + (code[pc + 3] >>> 0);
          if (ea + 4 > memLen) trap('memory_out_of_bounds');
          dv.setInt32(ea, S[fp + code[pc + 2]], true);
          pc += 6;
          break;
        }
        case 39: // MEMORY_SIZE
          S[fp + code[pc + 1]] = memLen / 65536;
          pc += 2;
          break;
        case 40: { // MEMORY_GROW
          const n = S[fp + code[pc + 2]] >>> 0;
          // a grow that cannot succeed returns -1 without the per-page charge
          if (memLen / 65536 + n <= Math.min(mem!._max ?? 65536, maxPages, 65536)) {
            const cost = n * perPage;
            if (gas < cost) trap('out_of_gas');
            gas -= cost;
          }
          S[fp + code[pc + 1]] = mem!._grow(n, maxPages);
          u8 = mem!._u8;
          dv = mem!._dv;
          memLen = u8.length;
          pc += 3;
          break;
        }

        // ---- i32 unary [dst, a]
        case 41: // I32_EQZ
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] === 0 ? 1 : 0;
          pc += 3;
          break;
        case 42: // I32_CLZ
          S[fp + code[pc + 1]] = Math.clz32(S[fp + code[pc + 2]]);
          pc += 3;
          break;
        case 43: // I32_CTZ
          S[fp + code[pc + 1]] = ctz32(S[fp + code[pc + 2]]);
          pc += 3;
          break;
        case 44: // I32_POPCNT
          S[fp + code[pc + 1]] = popcnt32(S[fp + code[pc + 2]]);
          pc += 3;
          break;
        case 45: // I32_EXTEND8_S
          S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] << 24) >> 24;
          pc += 3;
          break;
        case 46: // I32_EXTEND16_S
          S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] << 16) >> 16;
          pc += 3;
          break;

        // ---- i32 binary [dst, a, b]
        case 50: // I32_EQ
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] === S[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 51: // I32_NE
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] !== S[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 52: // I32_LT_S
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] < S[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 53: // I32_LT_U
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >>> 0 < S[fp + code[pc + 3]] >>> 0 ? 1 : 0;
          pc += 4;
          break;
        case 54: // I32_GT_S
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] > S[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 55: // I32_GT_U
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >>> 0 > S[fp + code[pc + 3]] >>> 0 ? 1 : 0;
          pc += 4;
          break;
        case 56: // I32_LE_S
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] <= S[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 57: // I32_LE_U
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >>> 0 <= S[fp + code[pc + 3]] >>> 0 ? 1 : 0;
          pc += 4;
          break;
        case 58: // I32_GE_S
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >= S[fp + code[pc + 3]] ? 1 : 0;
          pc += 4;
          break;
        case 59: // I32_GE_U
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >>> 0 >= S[fp + code[pc + 3]] >>> 0 ? 1 : 0;
          pc += 4;
          break;
        case 60: // I32_ADD
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] + S[fp + code[pc + 3]];
          pc += 4;
          break;
        case 61: // I32_SUB
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] - S[fp + code[pc + 3]];
          pc += 4;
          break;
        case 62: // I32_MUL
          S[fp + code[pc + 1]] = Math.imul(S[fp + code[pc + 2]], S[fp + code[pc + 3]]);
          pc += 4;
          break;
        case 63: { // I32_DIV_S
          const a = S[fp + code[pc + 2]], b = S[fp + code[pc + 3]];
          if (b === 0) trap('integer_divide_by_zero');
          if (a === -2147483648 && b === -1) trap('integer_overflow');
          S[fp + code[pc + 1]] = a / b;
          pc += 4;
          break;
        }
        case 64: { // I32_DIV_U
          const b = S[fp + code[pc + 3]] >>> 0;
          if (b === 0) trap('integer_divide_by_zero');
          S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] >>> 0) / b;
          pc += 4;
          break;
        }
        case 65: { // I32_REM_S
          const b = S[fp + code[pc + 3]];
          if (b === 0) trap('integer_divide_by_zero');
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] % b;
          pc += 4;
          break;
        }
        case 66: { // I32_REM_U
          const b = S[fp + code[pc + 3]] >>> 0;
          if (b === 0) trap('integer_divide_by_zero');
          S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] >>> 0) % b;
          pc += 4;
          break;
        }
        case 67: // I32_AND
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] & S[fp + code[pc + 3]];
          pc += 4;
          break;
        case 68: // I32_OR
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] | S[fp + code[pc + 3]];
          pc += 4;
          break;
        case 69: // I32_XOR
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] ^ S[fp + code[pc + 3]];
          pc += 4;
          break;
        case 70: // I32_SHL
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] << S[fp + code[pc + 3]];
          pc += 4;
          break;
        case 71: // I32_SHR_S
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >> S[fp + code[pc + 3]];
          pc += 4;
          break;
        case 72: // I32_SHR_U
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >>> S[fp + code[pc + 3]];
          pc += 4;
          break;
        case 73: { // I32_ROTL
          const a = S[fp + code[pc + 2]], k = S[fp + code[pc + 3]] & 31;
          S[fp + code[pc + 1]] = (a << k) | (a >>> (32 - k));
          pc += 4;
          break;
        }
        case 74: { // I32_ROTR
          const a = S[fp + code[pc + 2]], k = S[fp + code[pc + 3]] & 31;
          S[fp + code[pc + 1]] = (a >>> k) | (a << (32 - k));
          pc += 4;
          break;
        }

        // ---- i32 binary with immediate right operand [dst, a, imm]
        case 80: // I32_EQ_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] === code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 81: // I32_NE_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] !== code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 82: // I32_LT_S_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] < code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 83: // I32_LT_U_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >>> 0 < code[pc + 3] >>> 0 ? 1 : 0;
          pc += 4;
          break;
        case 84: // I32_GT_S_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] > code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 85: // I32_GT_U_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >>> 0 > code[pc + 3] >>> 0 ? 1 : 0;
          pc += 4;
          break;
        case 86: // I32_LE_S_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] <= code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 87: // I32_LE_U_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >>> 0 <= code[pc + 3] >>> 0 ? 1 : 0;
          pc += 4;
          break;
        case 88: // I32_GE_S_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >= code[pc + 3] ? 1 : 0;
          pc += 4;
          break;
        case 89: // I32_GE_U_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >>> 0 >= code[pc + 3] >>> 0 ? 1 : 0;
          pc += 4;
          break;
        case 90: // I32_ADD_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] + code[pc + 3];
          pc += 4;
          break;
        case 91: // I32_SUB_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] - code[pc + 3];
          pc += 4;
          break;
        case 92: // I32_MUL_IMM
          S[fp + code[pc + 1]] = Math.imul(S[fp + code[pc + 2]], code[pc + 3]);
          pc += 4;
          break;
        case 93: { // I32_DIV_S_IMM
          const a = S[fp + code[pc + 2]], b = code[pc + 3];
          if (b === 0) trap('integer_divide_by_zero');
          if (a === -2147483648 && b === -1) trap('integer_overflow');
          S[fp + code[pc + 1]] = a / b;
          pc += 4;
          break;
        }
        case 94: { // I32_DIV_U_IMM
          const b = code[pc + 3] >>> 0;
          if (b === 0) trap('integer_divide_by_zero');
          S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] >>> 0) / b;
          pc += 4;
          break;
        }
        case 95: { // I32_REM_S_IMM
          const b = code[pc + 3];
          if (b === 0) trap('integer_divide_by_zero');
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] % b;
          pc += 4;
          break;
        }
        case 96: { // I32_REM_U_IMM
          const b = code[pc + 3] >>> 0;
          if (b === 0) trap('integer_divide_by_zero');
          S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] >>> 0) % b;
          pc += 4;
          break;
        }
        case 97: // I32_AND_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] & code[pc + 3];
          pc += 4;
          break;
        case 98: // I32_OR_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] | code[pc + 3];
          pc += 4;
          break;
        case 99: // I32_XOR_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] ^ code[pc + 3];
          pc += 4;
          break;
        case 100: // I32_SHL_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] << code[pc + 3];
          pc += 4;
          break;
        case 101: // I32_SHR_S_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >> code[pc + 3];
          pc += 4;
          break;
        case 102: // I32_SHR_U_IMM
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] >>> code[pc + 3];
          pc += 4;
          break;
        case 103: { // I32_ROTL_IMM
          const a = S[fp + code[pc + 2]], k = code[pc + 3] & 31;
          S[fp + code[pc + 1]] = (a << k) | (a >>> (32 - k));
          pc += 4;
          break;
        }
        case 104: { // I32_ROTR_IMM
          const a = S[fp + code[pc + 2]], k = code[pc + 3] & 31;
          S[fp + code[pc + 1]] = (a >>> k) | (a << (32 - k));
          pc += 4;
          break;
        }

        case 105: { // I32_ADD_SHL_IMM [dst, x, i, k, imm]
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] + code[pc + 5] + (S[fp + code[pc + 3]] << code[pc + 4]);
          pc += 6;
          break;
        }
        case 108: // I32_SHL_ADD_IMM [dst, x, k, imm]
          S[fp + code[pc + 1]] = (S[fp + code[pc + 2]] << code[pc + 3]) + code[pc + 4];
          pc += 5;
          break;
        case 106: { // I32_LOAD_IDX [dst, x, i, offset, imm, k]
          // the sum is exact in doubles (< 2^34); >>> 0 is the i32 wrap of the address
          const ea = ((S[fp + code[pc + 2]] + code[pc + 5] + (S[fp + code[pc + 3]] << code[pc + 6])) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 4 > memLen) trap('memory_out_of_bounds');
          S[fp + code[pc + 1]] = dv.getInt32(ea, true);
          pc += 7;
          break;
        }
        case 107: { // I32_STORE_IDX [x, i, val, offset, imm, k]
          const ea = ((S[fp + code[pc + 1]] + code[pc + 5] + (S[fp + code[pc + 2]] << code[pc + 6])) >>> 0) + (code[pc + 4] >>> 0);
          if (ea + 4 > memLen) trap('memory_out_of_bounds');
          dv.setInt32(ea, S[fp + code[pc + 3]], true);
          pc += 7;
          break;
        }

        // ---- i64 unary [dst, a]
        case 110: { // I64_EQZ
          const a = fp + code[pc + 2];
          S[fp + code[pc + 1]] = (S[a] | S[a + 1]) === 0 ? 1 : 0;
          pc += 3;
          break;
        }
        case 111: { // I64_CLZ
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const hi = S[a + 1];
          S[d] = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(S[a]);
          S[d + 1] = 0;
          pc += 3;
          break;
        }
        case 112: { // I64_CTZ
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const lo = S[a];
          S[d] = lo !== 0 ? ctz32(lo) : 32 + ctz32(S[a + 1]);
          S[d + 1] = 0;
          pc += 3;
          break;
        }
        case 113: { // I64_POPCNT
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          S[d] = popcnt32(S[a]) + popcnt32(S[a + 1]);
          S[d + 1] = 0;
          pc += 3;
          break;
        }
        case 114: { // I64_EXTEND8_S
          const v = (S[fp + code[pc + 2]] << 24) >> 24, d = fp + code[pc + 1];
          S[d] = v;
          S[d + 1] = v >> 31;
          pc += 3;
          break;
        }
        case 115: { // I64_EXTEND16_S
          const v = (S[fp + code[pc + 2]] << 16) >> 16, d = fp + code[pc + 1];
          S[d] = v;
          S[d + 1] = v >> 31;
          pc += 3;
          break;
        }
        case 116: // I64_EXTEND32_S
        case 117: { // I64_EXTEND_I32_S
          const v = S[fp + code[pc + 2]], d = fp + code[pc + 1];
          S[d] = v;
          S[d + 1] = v >> 31;
          pc += 3;
          break;
        }
        case 118: { // I64_EXTEND_I32_U
          const v = S[fp + code[pc + 2]], d = fp + code[pc + 1];
          S[d] = v;
          S[d + 1] = 0;
          pc += 3;
          break;
        }

        // ---- i64 binary [dst, a, b]
        case 120: { // I64_EQ
          const a = fp + code[pc + 2], b = fp + code[pc + 3];
          S[fp + code[pc + 1]] = S[a] === S[b] && S[a + 1] === S[b + 1] ? 1 : 0;
          pc += 4;
          break;
        }
        case 121: { // I64_NE
          const a = fp + code[pc + 2], b = fp + code[pc + 3];
          S[fp + code[pc + 1]] = S[a] !== S[b] || S[a + 1] !== S[b + 1] ? 1 : 0;
          pc += 4;
          break;
        }
        case 122: { // I64_LT_S
          const a = fp + code[pc + 2], b = fp + code[pc + 3];
          const ah = S[a + 1], bh = S[b + 1];
          S[fp + code[pc + 1]] = ah < bh || (ah === bh && S[a] >>> 0 < S[b] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        }
        case 123: { // I64_LT_U
          const a = fp + code[pc + 2], b = fp + code[pc + 3];
          const ah = S[a + 1] >>> 0, bh = S[b + 1] >>> 0;
          S[fp + code[pc + 1]] = ah < bh || (ah === bh && S[a] >>> 0 < S[b] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        }
        case 124: { // I64_GT_S
          const a = fp + code[pc + 2], b = fp + code[pc + 3];
          const ah = S[a + 1], bh = S[b + 1];
          S[fp + code[pc + 1]] = ah > bh || (ah === bh && S[a] >>> 0 > S[b] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        }
        case 125: { // I64_GT_U
          const a = fp + code[pc + 2], b = fp + code[pc + 3];
          const ah = S[a + 1] >>> 0, bh = S[b + 1] >>> 0;
          S[fp + code[pc + 1]] = ah > bh || (ah === bh && S[a] >>> 0 > S[b] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        }
        case 126: { // I64_LE_S
          const a = fp + code[pc + 2], b = fp + code[pc + 3];
          const ah = S[a + 1], bh = S[b + 1];
          S[fp + code[pc + 1]] = ah < bh || (ah === bh && S[a] >>> 0 <= S[b] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        }
        case 127: { // I64_LE_U
          const a = fp + code[pc + 2], b = fp + code[pc + 3];
          const ah = S[a + 1] >>> 0, bh = S[b + 1] >>> 0;
          S[fp + code[pc + 1]] = ah < bh || (ah === bh && S[a] >>> 0 <= S[b] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        }
        case 128: { // I64_GE_S
          const a = fp + code[pc + 2], b = fp + code[pc + 3];
          const ah = S[a + 1], bh = S[b + 1];
          S[fp + code[pc + 1]] = ah > bh || (ah === bh && S[a] >>> 0 >= S[b] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        }
        case 129: { // I64_GE_U
          const a = fp + code[pc + 2], b = fp + code[pc + 3];
          const ah = S[a + 1] >>> 0, bh = S[b + 1] >>> 0;
          S[fp + code[pc + 1]] = ah > bh || (ah === bh && S[a] >>> 0 >= S[b] >>> 0) ? 1 : 0;
          pc += 4;
          break;
        }
        case 130: { // I64_ADD
          const a = fp + code[pc + 2], b = fp + code[pc + 3], d = fp + code[pc + 1];
          const al = S[a], bl = S[b];
          const lo = (al + bl) | 0;
          // carry out of the low word, from the top bits (Hacker's Delight 2-13);
          // SPEED: no compare-and-branch, which mispredicts on random operands
          const hi = (S[a + 1] + S[b + 1] + (((al & bl) | ((al | bl) & ~lo)) >>> 31)) | 0;
          S[d] = lo;
          S[d + 1] = hi;
          pc += 4;
          break;
        }
        case 131: { // I64_SUB
          const a = fp + code[pc + 2], b = fp + code[pc + 3], d = fp + code[pc + 1];
          const al = S[a], bl = S[b];
          const lo = (al - bl) | 0;
          // borrow out of the low word, from the top bits (Hacker's Delight 2-13);
          // SPEED: no compare-and-branch, which mispredicts on random operands
          const hi = (S[a + 1] - S[b + 1] - (((~al & bl) | ((~al | bl) & lo)) >>> 31)) | 0;
          S[d] = lo;
          S[d + 1] = hi;
          pc += 4;
          break;
        }
        case 132: { // I64_MUL
          const a = fp + code[pc + 2], b = fp + code[pc + 3], d = fp + code[pc + 1];
          const al = S[a], ah = S[a + 1], bl = S[b], bh = S[b + 1];
          // low word: Math.imul is exact mod 2^32; high word: high half of the
          // u32 x u32 product from 16-bit limbs (each limb product < 2^32, so
          // Math.imul keeps its bits; SPEED: no double division) plus the
          // cross terms mod 2^32.
          const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
          const p01 = Math.imul(a0, b1), p10 = Math.imul(a1, b0);
          const mid = (Math.imul(a0, b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
          const hi = (Math.imul(a1, b1) + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
          S[d] = Math.imul(al, bl);
          S[d + 1] = hi;
          pc += 4;
          break;
        }
        case 133: { // I64_DIV_S
          const a = fp + code[pc + 2], b = fp + code[pc + 3];
          const al = S[a], bl = S[b];
          if (S[a + 1] === al >> 31 && S[b + 1] === bl >> 31 && bl !== 0) {
            // SPEED: both operands fit in int32 (common) inline, no call: exact in
            // doubles, -2^31 <= quotient <= 2^31; high word floor(q * 2^-32) is the
            // sign without a branch
            const q = Math.trunc(al / bl), d = fp + code[pc + 1];
            S[d] = q | 0;
            S[d + 1] = Math.floor(q * 2.3283064365386963e-10);
          } else {
            i64DivRem(S, fp + code[pc + 1], a, b, 0);
          }
          pc += 4;
          break;
        }
        case 134: { // I64_DIV_U
          const a = fp + code[pc + 2], b = fp + code[pc + 3], d = fp + code[pc + 1];
          const yl = S[b], yh = S[b + 1];
          if ((yl | yh) === 0) trap('integer_divide_by_zero');
          // SPEED: inline, no call (never inlined into this big function), no BigInt
          // and no data-dependent branch; the steps of divmodU64 and why they are exact
          const xl = S[a], ylu = yl >>> 0, yhu = yh >>> 0;
          let xr = S[a + 1] >>> 0, qh = 0;
          if (yhu === 0) {
            qh = Math.floor(xr / ylu);
            xr -= qh * ylu;
          }
          const X = xr * 4294967296 + (xl >>> 0), Y = yhu * 4294967296 + ylu;
          const u = X / Y + 3.814697265625e-6;
          let q = Math.floor(u);
          if (u - q < 7.62939453125e-6) {
            if (q > 4294967295) q = 4294967295;
            F64[0] = X - q * Y;
            const hR = F64_WORDS[F64_HI], rl = (xl - Math.imul(q, yl)) | 0;
            const small = ((hR & 0x7fffffff) - 0x40e00000) >> 31;
            q += ((rl & small) | (hR & ~small)) >> 31;
          }
          S[d] = q | 0;
          S[d + 1] = qh | 0;
          pc += 4;
          break;
        }
        case 135: { // I64_REM_S
          const a = fp + code[pc + 2], b = fp + code[pc + 3];
          const al = S[a], bl = S[b];
          if (S[a + 1] === al >> 31 && S[b + 1] === bl >> 31 && bl !== 0) {
            // SPEED: both operands fit in int32 inline, as in I64_DIV_S
            const r = al % bl, d = fp + code[pc + 1];
            S[d] = r | 0;
            S[d + 1] = Math.floor(r * 2.3283064365386963e-10);
          } else {
            i64DivRem(S, fp + code[pc + 1], a, b, 2);
          }
          pc += 4;
          break;
        }
        case 136: { // I64_REM_U
          const a = fp + code[pc + 2], b = fp + code[pc + 3], d = fp + code[pc + 1];
          const yl = S[b], yh = S[b + 1];
          if ((yl | yh) === 0) trap('integer_divide_by_zero');
          // SPEED: inline, the steps of divmodU64 (r is needed anyway, so the sign
          // test runs always)
          const xl = S[a], ylu = yl >>> 0, yhu = yh >>> 0;
          let xr = S[a + 1] >>> 0;
          if (yhu === 0) xr -= Math.floor(xr / ylu) * ylu;
          const X = xr * 4294967296 + (xl >>> 0), Y = yhu * 4294967296 + ylu;
          if (xr < 2097152) {
            // SPEED: x' < 2^53 (always when y < 2^21): X is exact, and floor(X / Y)
            // too (Y >= 2^53 > X gives 0; else Y is exact and a non-integer x' / y is
            // >= 1 / y below the next integer, more than its rounding error
            // x' / y * 2^-53), so r = X - q*Y < 2^53 is exact: no correction
            const r = X - Math.floor(X / Y) * Y;
            S[d] = r | 0;
            S[d + 1] = Math.floor(r * 2.3283064365386963e-10);
            pc += 4;
            break;
          }
          let q = Math.floor(X / Y + 3.814697265625e-6);
          if (q > 4294967295) q = 4294967295;
          const R = X - q * Y;
          F64[0] = R;
          const hR = F64_WORDS[F64_HI], rl = (xl - Math.imul(q, yl)) | 0;
          const small = ((hR & 0x7fffffff) - 0x40e00000) >> 31;
          const neg = ((rl & small) | (hR & ~small)) >> 31;
          const rlc = (rl + (yl & neg)) | 0;
          S[d] = rlc;
          S[d + 1] = Math.floor((R - neg * Y - (rlc >>> 0)) * 2.3283064365386963e-10 + 0.5) | 0;
          pc += 4;
          break;
        }
        case 137: { // I64_AND
          const a = fp + code[pc + 2], b = fp + code[pc + 3], d = fp + code[pc + 1];
          const hi = S[a + 1] & S[b + 1];
          S[d] = S[a] & S[b];
          S[d + 1] = hi;
          pc += 4;
          break;
        }
        case 138: { // I64_OR
          const a = fp + code[pc + 2], b = fp + code[pc + 3], d = fp + code[pc + 1];
          const hi = S[a + 1] | S[b + 1];
          S[d] = S[a] | S[b];
          S[d + 1] = hi;
          pc += 4;
          break;
        }
        case 139: { // I64_XOR
          const a = fp + code[pc + 2], b = fp + code[pc + 3], d = fp + code[pc + 1];
          const hi = S[a + 1] ^ S[b + 1];
          S[d] = S[a] ^ S[b];
          S[d + 1] = hi;
          pc += 4;
          break;
        }
        case 140: { // I64_SHL
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const k = S[fp + code[pc + 3]] & 63;
          const lo = S[a], hi = S[a + 1];
          if (k === 0) { S[d] = lo; S[d + 1] = hi; }
          else if (k < 32) { S[d + 1] = (hi << k) | (lo >>> (32 - k)); S[d] = lo << k; }
          else { S[d + 1] = lo << (k - 32); S[d] = 0; }
          pc += 4;
          break;
        }
        case 141: { // I64_SHR_S
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const k = S[fp + code[pc + 3]] & 63;
          const lo = S[a], hi = S[a + 1];
          if (k === 0) { S[d] = lo; S[d + 1] = hi; }
          else if (k < 32) { S[d] = (lo >>> k) | (hi << (32 - k)); S[d + 1] = hi >> k; }
          else { S[d] = hi >> (k - 32); S[d + 1] = hi >> 31; }
          pc += 4;
          break;
        }
        case 142: { // I64_SHR_U
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const k = S[fp + code[pc + 3]] & 63;
          const lo = S[a], hi = S[a + 1];
          if (k === 0) { S[d] = lo; S[d + 1] = hi; }
          else if (k < 32) { S[d] = (lo >>> k) | (hi << (32 - k)); S[d + 1] = hi >>> k; }
          else { S[d] = hi >>> (k - 32); S[d + 1] = 0; }
          pc += 4;
          break;
        }
        case 143: // I64_ROTL
        case 144: { // I64_ROTR
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          let k = S[fp + code[pc + 3]] & 63;
          if (code[pc] === 144) k = (64 - k) & 63; // rotr k == rotl (64 - k)
          let lo = S[a], hi = S[a + 1];
          if (k >= 32) { const t = lo; lo = hi; hi = t; k -= 32; }
          if (k === 0) { S[d] = lo; S[d + 1] = hi; }
          else { S[d] = (lo << k) | (hi >>> (32 - k)); S[d + 1] = (hi << k) | (lo >>> (32 - k)); }
          pc += 4;
          break;
        }

        // ---- i64 binary with immediate right operand [dst, a, lo, hi]
        case 200: { // I64_EQ_IMM
          const a = fp + code[pc + 2];
          S[fp + code[pc + 1]] = S[a] === code[pc + 3] && S[a + 1] === code[pc + 4] ? 1 : 0;
          pc += 5;
          break;
        }
        case 201: { // I64_NE_IMM
          const a = fp + code[pc + 2];
          S[fp + code[pc + 1]] = S[a] !== code[pc + 3] || S[a + 1] !== code[pc + 4] ? 1 : 0;
          pc += 5;
          break;
        }
        case 202: { // I64_LT_S_IMM
          const a = fp + code[pc + 2];
          const ah = S[a + 1], bh = code[pc + 4];
          S[fp + code[pc + 1]] = ah < bh || (ah === bh && S[a] >>> 0 < code[pc + 3] >>> 0) ? 1 : 0;
          pc += 5;
          break;
        }
        case 203: { // I64_LT_U_IMM
          const a = fp + code[pc + 2];
          const ah = S[a + 1] >>> 0, bh = code[pc + 4] >>> 0;
          S[fp + code[pc + 1]] = ah < bh || (ah === bh && S[a] >>> 0 < code[pc + 3] >>> 0) ? 1 : 0;
          pc += 5;
          break;
        }
        case 204: { // I64_GT_S_IMM
          const a = fp + code[pc + 2];
          const ah = S[a + 1], bh = code[pc + 4];
          S[fp + code[pc + 1]] = ah > bh || (ah === bh && S[a] >>> 0 > code[pc + 3] >>> 0) ? 1 : 0;
          pc += 5;
          break;
        }
        case 205: { // I64_GT_U_IMM
          const a = fp + code[pc + 2];
          const ah = S[a + 1] >>> 0, bh = code[pc + 4] >>> 0;
          S[fp + code[pc + 1]] = ah > bh || (ah === bh && S[a] >>> 0 > code[pc + 3] >>> 0) ? 1 : 0;
          pc += 5;
          break;
        }
        case 206: { // I64_LE_S_IMM
          const a = fp + code[pc + 2];
          const ah = S[a + 1], bh = code[pc + 4];
          S[fp + code[pc + 1]] = ah < bh || (ah === bh && S[a] >>> 0 <= code[pc + 3] >>> 0) ? 1 : 0;
          pc += 5;
          break;
        }
        case 207: { // I64_LE_U_IMM
          const a = fp + code[pc + 2];
          const ah = S[a + 1] >>> 0, bh = code[pc + 4] >>> 0;
          S[fp + code[pc + 1]] = ah < bh || (ah === bh && S[a] >>> 0 <= code[pc + 3] >>> 0) ? 1 : 0;
          pc += 5;
          break;
        }
        case 208: { // I64_GE_S_IMM
          const a = fp + code[pc + 2];
          const ah = S[a + 1], bh = code[pc + 4];
          S[fp + code[pc + 1]] = ah > bh || (ah === bh && S[a] >>> 0 >= code[pc + 3] >>> 0) ? 1 : 0;
          pc += 5;
          break;
        }
        case 209: { // I64_GE_U_IMM
          const a = fp + code[pc + 2];
          const ah = S[a + 1] >>> 0, bh = code[pc + 4] >>> 0;
          S[fp + code[pc + 1]] = ah > bh || (ah === bh && S[a] >>> 0 >= code[pc + 3] >>> 0) ? 1 : 0;
          pc += 5;
          break;
        }
        case 210: { // I64_ADD_IMM
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const al = S[a], bl = code[pc + 3];
          const lo = (al + bl) | 0;
          // carry out of the low word: the unsigned sum wrapped (a compare: with
          // the usual small constants it is well predicted, unlike I64_ADD's)
          const hi = (S[a + 1] + code[pc + 4] + (lo >>> 0 < al >>> 0 ? 1 : 0)) | 0;
          S[d] = lo;
          S[d + 1] = hi;
          pc += 5;
          break;
        }
        case 211: { // I64_SUB_IMM
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const al = S[a], bl = code[pc + 3];
          // borrow out of the low word (a compare, see I64_ADD_IMM)
          const hi = (S[a + 1] - code[pc + 4] - (al >>> 0 < bl >>> 0 ? 1 : 0)) | 0;
          S[d] = (al - bl) | 0;
          S[d + 1] = hi;
          pc += 5;
          break;
        }
        case 212: { // I64_MUL_IMM
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const al = S[a], ah = S[a + 1], bl = code[pc + 3], bh = code[pc + 4];
          // low word: Math.imul is exact mod 2^32; high word: high half of the
          // u32 x u32 product from 16-bit limbs (each limb product < 2^32, so
          // Math.imul keeps its bits; SPEED: no double division) plus the
          // cross terms mod 2^32.
          const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
          const p01 = Math.imul(a0, b1), p10 = Math.imul(a1, b0);
          const mid = (Math.imul(a0, b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
          const hi = (Math.imul(a1, b1) + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
          S[d] = Math.imul(al, bl);
          S[d + 1] = hi;
          pc += 5;
          break;
        }
        case 217: { // I64_AND_IMM
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const hi = S[a + 1] & code[pc + 4];
          S[d] = S[a] & code[pc + 3];
          S[d + 1] = hi;
          pc += 5;
          break;
        }
        case 218: { // I64_OR_IMM
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const hi = S[a + 1] | code[pc + 4];
          S[d] = S[a] | code[pc + 3];
          S[d + 1] = hi;
          pc += 5;
          break;
        }
        case 219: { // I64_XOR_IMM
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const hi = S[a + 1] ^ code[pc + 4];
          S[d] = S[a] ^ code[pc + 3];
          S[d + 1] = hi;
          pc += 5;
          break;
        }
        case 220: { // I64_SHL_IMM
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const k = code[pc + 3] & 63;
          const lo = S[a], hi = S[a + 1];
          if (k === 0) { S[d] = lo; S[d + 1] = hi; }
          else if (k < 32) { S[d + 1] = (hi << k) | (lo >>> (32 - k)); S[d] = lo << k; }
          else { S[d + 1] = lo << (k - 32); S[d] = 0; }
          pc += 5;
          break;
        }
        case 221: { // I64_SHR_S_IMM
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const k = code[pc + 3] & 63;
          const lo = S[a], hi = S[a + 1];
          if (k === 0) { S[d] = lo; S[d + 1] = hi; }
          else if (k < 32) { S[d] = (lo >>> k) | (hi << (32 - k)); S[d + 1] = hi >> k; }
          else { S[d] = hi >> (k - 32); S[d + 1] = hi >> 31; }
          pc += 5;
          break;
        }
        case 222: { // I64_SHR_U_IMM
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const k = code[pc + 3] & 63;
          const lo = S[a], hi = S[a + 1];
          if (k === 0) { S[d] = lo; S[d + 1] = hi; }
          else if (k < 32) { S[d] = (lo >>> k) | (hi << (32 - k)); S[d + 1] = hi >>> k; }
          else { S[d] = hi >>> (k - 32); S[d + 1] = 0; }
          pc += 5;
          break;
        }
        case 223: // I64_ROTL_IMM
        case 224: { // I64_ROTR_IMM
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          let k = code[pc + 3] & 63;
          if (code[pc] === 224) k = (64 - k) & 63; // rotr k == rotl (64 - k)
          let lo = S[a], hi = S[a + 1];
          if (k >= 32) { const t = lo; lo = hi; hi = t; k -= 32; }
          if (k === 0) { S[d] = lo; S[d + 1] = hi; }
          else { S[d] = (lo << k) | (hi >>> (32 - k)); S[d + 1] = (hi << k) | (lo >>> (32 - k)); }
          pc += 5;
          break;
        }

        case 225: { // I64_SHL_IMM_LO
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const lo = S[a];
          S[d + 1] = (S[a + 1] << code[pc + 3]) | (lo >>> code[pc + 4]);
          S[d] = lo << code[pc + 3];
          pc += 5;
          break;
        }
        case 226: { // I64_SHL_IMM_HI
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          S[d + 1] = S[a] << code[pc + 3];
          S[d] = 0;
          pc += 5;
          break;
        }
        case 227: { // I64_SHR_S_IMM_LO
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const hi = S[a + 1];
          S[d] = (S[a] >>> code[pc + 3]) | (hi << code[pc + 4]);
          S[d + 1] = hi >> code[pc + 3];
          pc += 5;
          break;
        }
        case 228: { // I64_SHR_S_IMM_HI
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const hi = S[a + 1];
          S[d] = hi >> code[pc + 3];
          S[d + 1] = hi >> 31;
          pc += 5;
          break;
        }
        case 229: { // I64_SHR_U_IMM_LO
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const hi = S[a + 1];
          S[d] = (S[a] >>> code[pc + 3]) | (hi << code[pc + 4]);
          S[d + 1] = hi >>> code[pc + 3];
          pc += 5;
          break;
        }
        case 230: { // I64_SHR_U_IMM_HI
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          S[d] = S[a + 1] >>> code[pc + 3];
          S[d + 1] = 0;
          pc += 5;
          break;
        }
        case 231: { // I64_ROTL_IMM_LO
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const lo = S[a], hi = S[a + 1], k = code[pc + 3], r = code[pc + 4];
          S[d] = (lo << k) | (hi >>> r);
          S[d + 1] = (hi << k) | (lo >>> r);
          pc += 5;
          break;
        }
        case 232: { // I64_ROTL_IMM_HI (halves swapped, then rotl by k - 32)
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const lo = S[a], hi = S[a + 1], k = code[pc + 3], r = code[pc + 4];
          S[d] = (hi << k) | (lo >>> r);
          S[d + 1] = (lo << k) | (hi >>> r);
          pc += 5;
          break;
        }
        case 233: { // I64_MUL_IMM_SMALL
          const a = fp + code[pc + 2], d = fp + code[pc + 1];
          const b = code[pc + 3];
          // 0 <= b < 2^21, so the u32 x b product is < 2^53: exact as a double;
          // its low word is ToInt32 (mod 2^32), its high word floor(p * 2^-32) (exact
          // power-of-2 scaling; SPEED: a multiply, not a division)
          const p = (S[a] >>> 0) * b;
          S[d + 1] = (Math.imul(S[a + 1], b) + Math.floor(p * 2.3283064365386963e-10)) | 0;
          S[d] = p | 0;
          pc += 5;
          break;
        }

        // ---- references and tables
        case 150: // REF_IS_NULL
          S[fp + code[pc + 1]] = S[fp + code[pc + 2]] === 0 ? 1 : 0;
          pc += 3;
          break;
        case 151: // REF_FUNC
          S[fp + code[pc + 1]] = store._intern(funcs[code[pc + 2]]);
          pc += 3;
          break;
        case 152: { // TABLE_GET [dst, idx, t]
          const tab = inst._tables[code[pc + 3]];
          const i = S[fp + code[pc + 2]] >>> 0;
          if (i >= tab._elems.length) trap('table_out_of_bounds');
          S[fp + code[pc + 1]] = store._intern(tab._elems[i]);
          pc += 4;
          break;
        }
        case 153: { // TABLE_SET [t, idx, val]
          const tab = inst._tables[code[pc + 1]];
          const i = S[fp + code[pc + 2]] >>> 0;
          if (i >= tab._elems.length) trap('table_out_of_bounds');
          tab._elems[i] = store._refs[S[fp + code[pc + 3]]];
          pc += 4;
          break;
        }
        case 154: // TABLE_SIZE [dst, t]
          S[fp + code[pc + 1]] = inst._tables[code[pc + 2]]._elems.length;
          pc += 3;
          break;
        case 155: { // TABLE_GROW [dst, init, n, t]
          const tab = inst._tables[code[pc + 4]];
          const n = S[fp + code[pc + 3]] >>> 0;
          // a grow that cannot succeed returns -1 without the per-element charge
          if (tab._elems.length + n <= Math.min(tab._max ?? 0xffffffff, maxTable)) {
            const cost = n * perElem;
            if (gas < cost) trap('out_of_gas');
            gas -= cost;
          }
          S[fp + code[pc + 1]] = tab._grow(n, store._refs[S[fp + code[pc + 2]]], maxTable);
          pc += 5;
          break;
        }
        // Bulk operations (spec 4.4.6 table.fill/copy/init, 4.4.7 memory.fill/copy/init):
        // the bounds check comes first, as in the spec, so an out-of-bounds op traps
        // without writing anything and without paying its per-element gas; only an
        // in-bounds op pays (src/gas/README.md), still before it has any effect.
        case 156: { // TABLE_FILL [t, i, val, n]
          const tab = inst._tables[code[pc + 1]];
          const i = S[fp + code[pc + 2]] >>> 0, n = S[fp + code[pc + 4]] >>> 0;
          if (i + n > tab._elems.length) trap('table_out_of_bounds');
          const cost = n * perElem;
          if (gas < cost) trap('out_of_gas');
          gas -= cost;
          tab._elems.fill(store._refs[S[fp + code[pc + 3]]], i, i + n);
          pc += 5;
          break;
        }
        case 157: { // TABLE_COPY [dt, st, d, s, n]
          const dt = inst._tables[code[pc + 1]], st = inst._tables[code[pc + 2]];
          const d = S[fp + code[pc + 3]] >>> 0, s = S[fp + code[pc + 4]] >>> 0, n = S[fp + code[pc + 5]] >>> 0;
          if (s + n > st._elems.length || d + n > dt._elems.length) trap('table_out_of_bounds');
          const cost = n * perElem;
          if (gas < cost) trap('out_of_gas');
          gas -= cost;
          if (dt === st) dt._elems.copyWithin(d, s, s + n);
          else for (let k = 0; k < n; k++) dt._elems[d + k] = st._elems[s + k];
          pc += 6;
          break;
        }
        case 158: { // TABLE_INIT [t, e, d, s, n]
          const tab = inst._tables[code[pc + 1]], seg = inst._elems[code[pc + 2]];
          const d = S[fp + code[pc + 3]] >>> 0, s = S[fp + code[pc + 4]] >>> 0, n = S[fp + code[pc + 5]] >>> 0;
          if (s + n > seg.length || d + n > tab._elems.length) trap('table_out_of_bounds');
          const cost = n * perElem;
          if (gas < cost) trap('out_of_gas');
          gas -= cost;
          for (let k = 0; k < n; k++) tab._elems[d + k] = seg[s + k];
          pc += 6;
          break;
        }
        case 159: // ELEM_DROP
          inst._elems[code[pc + 1]] = [];
          pc += 2;
          break;
        case 160: { // MEMORY_INIT [seg, d, s, n]
          const seg = inst._datas[code[pc + 1]];
          const d = S[fp + code[pc + 2]] >>> 0, s = S[fp + code[pc + 3]] >>> 0, n = S[fp + code[pc + 4]] >>> 0;
          if (s + n > seg.length || d + n > memLen) trap('memory_out_of_bounds');
          const cost = Math.ceil(n / 8) * perBytes8;
          if (gas < cost) trap('out_of_gas');
          gas -= cost;
          u8.set(seg.subarray(s, s + n), d);
          pc += 5;
          break;
        }
        case 161: // DATA_DROP
          inst._datas[code[pc + 1]] = EMPTY_U8;
          pc += 2;
          break;
        case 162: { // MEMORY_COPY [d, s, n]
          const d = S[fp + code[pc + 1]] >>> 0, s = S[fp + code[pc + 2]] >>> 0, n = S[fp + code[pc + 3]] >>> 0;
          if (s + n > memLen || d + n > memLen) trap('memory_out_of_bounds');
          const cost = Math.ceil(n / 8) * perBytes8;
          if (gas < cost) trap('out_of_gas');
          gas -= cost;
          u8.copyWithin(d, s, s + n);
          pc += 4;
          break;
        }
        case 163: { // MEMORY_FILL [d, val, n]
          const d = S[fp + code[pc + 1]] >>> 0, n = S[fp + code[pc + 3]] >>> 0;
          if (d + n > memLen) trap('memory_out_of_bounds');
          const cost = Math.ceil(n / 8) * perBytes8;
          if (gas < cost) trap('out_of_gas');
          gas -= cost;
          u8.fill(S[fp + code[pc + 2]] & 255, d, d + n);
          pc += 4;
          break;
        }

        // ---- fused compare-and-branch [a, b, target, k, fallPc, kFall]
        case 170: { // BR_IF_EQ
          const j = S[fp + code[pc + 1]] === S[fp + code[pc + 2]] ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 171: { // BR_IF_NE
          const j = S[fp + code[pc + 1]] !== S[fp + code[pc + 2]] ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 172: { // BR_IF_LT_S
          const j = S[fp + code[pc + 1]] < S[fp + code[pc + 2]] ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 173: { // BR_IF_LT_U
          const j = S[fp + code[pc + 1]] >>> 0 < S[fp + code[pc + 2]] >>> 0 ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 174: { // BR_IF_GT_S
          const j = S[fp + code[pc + 1]] > S[fp + code[pc + 2]] ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 175: { // BR_IF_GT_U
          const j = S[fp + code[pc + 1]] >>> 0 > S[fp + code[pc + 2]] >>> 0 ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 176: { // BR_IF_LE_S
          const j = S[fp + code[pc + 1]] <= S[fp + code[pc + 2]] ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 177: { // BR_IF_LE_U
          const j = S[fp + code[pc + 1]] >>> 0 <= S[fp + code[pc + 2]] >>> 0 ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 178: { // BR_IF_GE_S
          const j = S[fp + code[pc + 1]] >= S[fp + code[pc + 2]] ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 179: { // BR_IF_GE_U
          const j = S[fp + code[pc + 1]] >>> 0 >= S[fp + code[pc + 2]] >>> 0 ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        // ---- fused compare-with-constant-and-branch [a, imm, target, k, fallPc, kFall]
        case 180: { // BR_IF_EQ_IMM
          const j = S[fp + code[pc + 1]] === code[pc + 2] ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 181: { // BR_IF_NE_IMM
          const j = S[fp + code[pc + 1]] !== code[pc + 2] ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 182: { // BR_IF_LT_S_IMM
          const j = S[fp + code[pc + 1]] < code[pc + 2] ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 183: { // BR_IF_LT_U_IMM
          const j = S[fp + code[pc + 1]] >>> 0 < code[pc + 2] >>> 0 ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 184: { // BR_IF_GT_S_IMM
          const j = S[fp + code[pc + 1]] > code[pc + 2] ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 185: { // BR_IF_GT_U_IMM
          const j = S[fp + code[pc + 1]] >>> 0 > code[pc + 2] >>> 0 ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 186: { // BR_IF_LE_S_IMM
          const j = S[fp + code[pc + 1]] <= code[pc + 2] ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 187: { // BR_IF_LE_U_IMM
          const j = S[fp + code[pc + 1]] >>> 0 <= code[pc + 2] >>> 0 ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 188: { // BR_IF_GE_S_IMM
          const j = S[fp + code[pc + 1]] >= code[pc + 2] ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 189: { // BR_IF_GE_U_IMM
          const j = S[fp + code[pc + 1]] >>> 0 >= code[pc + 2] >>> 0 ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        // ---- fused i64 compare-and-branch [a, b, target, k, fallPc, kFall]
        // SPEED: `i64.<cmp>; br_if` / `i64.<cmp>; if` in one dispatch (compiler.ts rewriteAsBranch)
        case 234: { // BR_IF_I64_EQ
          const a = fp + code[pc + 1], b = fp + code[pc + 2];
          const j = S[a] === S[b] && S[a + 1] === S[b + 1] ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 235: { // BR_IF_I64_NE
          const a = fp + code[pc + 1], b = fp + code[pc + 2];
          const j = S[a] !== S[b] || S[a + 1] !== S[b + 1] ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 236: { // BR_IF_I64_LT_S
          const a = fp + code[pc + 1], b = fp + code[pc + 2];
          const ah = S[a + 1], bh = S[b + 1];
          const j = ah < bh || (ah === bh && S[a] >>> 0 < S[b] >>> 0) ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 237: { // BR_IF_I64_LT_U
          const a = fp + code[pc + 1], b = fp + code[pc + 2];
          const ah = S[a + 1] >>> 0, bh = S[b + 1] >>> 0;
          const j = ah < bh || (ah === bh && S[a] >>> 0 < S[b] >>> 0) ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 238: { // BR_IF_I64_GT_S
          const a = fp + code[pc + 1], b = fp + code[pc + 2];
          const ah = S[a + 1], bh = S[b + 1];
          const j = ah > bh || (ah === bh && S[a] >>> 0 > S[b] >>> 0) ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 239: { // BR_IF_I64_GT_U
          const a = fp + code[pc + 1], b = fp + code[pc + 2];
          const ah = S[a + 1] >>> 0, bh = S[b + 1] >>> 0;
          const j = ah > bh || (ah === bh && S[a] >>> 0 > S[b] >>> 0) ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 240: { // BR_IF_I64_LE_S
          const a = fp + code[pc + 1], b = fp + code[pc + 2];
          const ah = S[a + 1], bh = S[b + 1];
          const j = ah < bh || (ah === bh && S[a] >>> 0 <= S[b] >>> 0) ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 241: { // BR_IF_I64_LE_U
          const a = fp + code[pc + 1], b = fp + code[pc + 2];
          const ah = S[a + 1] >>> 0, bh = S[b + 1] >>> 0;
          const j = ah < bh || (ah === bh && S[a] >>> 0 <= S[b] >>> 0) ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 242: { // BR_IF_I64_GE_S
          const a = fp + code[pc + 1], b = fp + code[pc + 2];
          const ah = S[a + 1], bh = S[b + 1];
          const j = ah > bh || (ah === bh && S[a] >>> 0 >= S[b] >>> 0) ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 243: { // BR_IF_I64_GE_U
          const a = fp + code[pc + 1], b = fp + code[pc + 2];
          const ah = S[a + 1] >>> 0, bh = S[b + 1] >>> 0;
          const j = ah > bh || (ah === bh && S[a] >>> 0 >= S[b] >>> 0) ? pc + 3 : pc + 5;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        // ---- fused i64 compare-with-constant-and-branch [a, lo, hi, target, k, fallPc, kFall]
        case 244: { // BR_IF_I64_EQ_IMM
          const a = fp + code[pc + 1];
          const j = S[a] === code[pc + 2] && S[a + 1] === code[pc + 3] ? pc + 4 : pc + 6;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 245: { // BR_IF_I64_NE_IMM
          const a = fp + code[pc + 1];
          const j = S[a] !== code[pc + 2] || S[a + 1] !== code[pc + 3] ? pc + 4 : pc + 6;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 246: { // BR_IF_I64_LT_S_IMM
          const a = fp + code[pc + 1];
          const ah = S[a + 1], bh = code[pc + 3];
          const j = ah < bh || (ah === bh && S[a] >>> 0 < code[pc + 2] >>> 0) ? pc + 4 : pc + 6;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 247: { // BR_IF_I64_LT_U_IMM
          const a = fp + code[pc + 1];
          const ah = S[a + 1] >>> 0, bh = code[pc + 3] >>> 0;
          const j = ah < bh || (ah === bh && S[a] >>> 0 < code[pc + 2] >>> 0) ? pc + 4 : pc + 6;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 248: { // BR_IF_I64_GT_S_IMM
          const a = fp + code[pc + 1];
          const ah = S[a + 1], bh = code[pc + 3];
          const j = ah > bh || (ah === bh && S[a] >>> 0 > code[pc + 2] >>> 0) ? pc + 4 : pc + 6;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 249: { // BR_IF_I64_GT_U_IMM
          const a = fp + code[pc + 1];
          const ah = S[a + 1] >>> 0, bh = code[pc + 3] >>> 0;
          const j = ah > bh || (ah === bh && S[a] >>> 0 > code[pc + 2] >>> 0) ? pc + 4 : pc + 6;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 250: { // BR_IF_I64_LE_S_IMM
          const a = fp + code[pc + 1];
          const ah = S[a + 1], bh = code[pc + 3];
          const j = ah < bh || (ah === bh && S[a] >>> 0 <= code[pc + 2] >>> 0) ? pc + 4 : pc + 6;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 251: { // BR_IF_I64_LE_U_IMM
          const a = fp + code[pc + 1];
          const ah = S[a + 1] >>> 0, bh = code[pc + 3] >>> 0;
          const j = ah < bh || (ah === bh && S[a] >>> 0 <= code[pc + 2] >>> 0) ? pc + 4 : pc + 6;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 252: { // BR_IF_I64_GE_S_IMM
          const a = fp + code[pc + 1];
          const ah = S[a + 1], bh = code[pc + 3];
          const j = ah > bh || (ah === bh && S[a] >>> 0 >= code[pc + 2] >>> 0) ? pc + 4 : pc + 6;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 253: { // BR_IF_I64_GE_U_IMM
          const a = fp + code[pc + 1];
          const ah = S[a + 1] >>> 0, bh = code[pc + 3] >>> 0;
          const j = ah > bh || (ah === bh && S[a] >>> 0 >= code[pc + 2] >>> 0) ? pc + 4 : pc + 6;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        // ---- fused i64.eqz-and-branch [a, target, k, fallPc, kFall]
        case 254: { // BR_IF_I64_EQZ
          const a = fp + code[pc + 1];
          const j = (S[a] | S[a + 1]) === 0 ? pc + 2 : pc + 4;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        case 255: { // BR_IF_I64_NEZ
          const a = fp + code[pc + 1];
          const j = (S[a] | S[a + 1]) !== 0 ? pc + 2 : pc + 4;
          const k = code[j + 1];
          if (gas < k) trap('out_of_gas');
          gas -= k;
          pc = code[j];
          break;
        }
        default:
          throw new Error(`internal: bad bytecode ${code[pc]} at ${pc}`);
      }
    }
  } finally {
    store._gas = gas;
    // SPEED: where the activation stopped, for a trap's location (call.ts invoke
    // builds it from these and fns only when a trap unwinds; nothing is tracked
    // per instruction or call, and exec itself has no catch handler).
    store._lastFunc = f;
    store._lastDepth = depth;
  }
}
