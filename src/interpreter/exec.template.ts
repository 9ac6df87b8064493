/**
 * The execution loop: one function, one dense `switch` over the internal
 * bytecode. This is the template: scripts/gen-isa.js writes exec.ts from it,
 * putting the cases of isa.ts at the `@isa:cases` line and expanding the
 * macros of isa.ts. How the loop is made fast: README.md, "Speed".
 *
 * Values: two int32 slots each (DESIGN.md); i64 is (lo, hi) and all i64
 * arithmetic except division runs on int32 pairs (division: exact steps on
 * doubles, see divmodU64; no BigInt); floats are their bits. Every op reads
 * all its operands before writing its destination (the compiler may make a
 * destination equal to an operand).
 */
import { Trap } from '../errors.js';
import { compiledOf, internals, type Activation } from './runtime.js';
import type { FuncInst, MemoryInst, ModuleInst, StoreState } from './instances.js';
import type { CompiledFunc } from './compiler.js';
import { callHost } from './host.js';
import { Exception, exnWordsIn, newException } from './exn.js';
import { Op } from './ops.js';
import { EXEC_EPOCH } from './retier.js';

const EMPTY_U8 = new Uint8Array(0);
const EMPTY_DV = new DataView(new ArrayBuffer(0));

function trap(code: ConstructorParameters<typeof Trap>[0]): never {
  throw new Trap(code);
}

/**
 * Out of gas (the remaining gas is untouched) at position `pc` of the frame at
 * `fp`, where a resumed call continues (exec's `finally` saves the function,
 * depth and gas). `pending` is gas the resumed call must charge before it
 * continues (CHARGE_PENDING sites, where pc has moved on), 0 where it runs
 * the instruction at pc again. The trap is remembered with the entry nesting
 * it came from, so `invokeResumable` can tell it from an out-of-gas thrown
 * elsewhere (a host's consumeGas, a nested call), which is final.
 */
function outOfGas(store: StoreState, pending: number, pc: number, fp: number): never {
  const t = new Trap('out_of_gas');
  store.lastPc = pc;
  store.lastFp = fp;
  store.pendingGas = pending;
  store.oogTrap = t;
  store.oogNesting = store.nesting;
  throw t;
}

/** A record exec's switch has no case for (a compiler bug): the error, out of exec's bytecode. */
function badOp(code: Int32Array, pc: number): never {
  throw new Error(`internal: bad bytecode ${code[pc]} at ${pc}`);
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
/** Index of the word holding the sign and exponent (1 on little-endian platforms), and of the other. */
const F64_HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;
/**
 * Float immediates as numbers without a trip through memory (isa.ts f32Imm,
 * f64Imm): a normal float is its significand m (the fraction bits and the
 * implicit 1, an integer below 2^24 / 2^53, exact in a double) times
 * +-2^(exponent - bias - fraction bits), which these tables hold by sign and
 * biased exponent; the product is the value itself, so it is exact. SPEED:
 * writing the two words of an f64 to a scratch array and reading it back as
 * a double stalls the read (the store cannot be forwarded): micro-f64 ran 35%
 * slower that way. The compiler uses the immediate forms for normal
 * constants only (compiler.ts floatImm).
 */
const POW2_F32 = new Float64Array(512);
const POW2_F64 = new Float64Array(4096);
{
  // exactly, from the bits of the power of two (normal, or subnormal for the smallest)
  const f = new Float64Array(1), w = new Int32Array(f.buffer);
  const pow2 = (p: number, neg: boolean): number => {
    w[0] = 0;
    w[1] = 0;
    if (p >= -1022) w[1] = (p + 1023) << 20;
    else if (p >= -1042) w[1] = 1 << (p + 1074 - 32);
    else w[0] = 1 << (p + 1074);
    if (neg) w[1] |= -2147483648;
    return f[0];
  };
  for (let e = 1; e < 255; e++) { POW2_F32[e] = pow2(e - 150, false); POW2_F32[256 + e] = pow2(e - 150, true); }
  for (let e = 1; e < 2047; e++) { POW2_F64[e] = pow2(e - 1075, false); POW2_F64[2048 + e] = pow2(e - 1075, true); }
}
// The value stack's float views (isa.ts) put the low word of an f64 first.
if (F64_HI !== 1) throw new Error('detwasm needs a little-endian host (every JavaScript engine it supports is)');

/**
 * The u64 (lo, hi) as the double nearest to its f32 rounding: rounded once
 * to f32 by the caller's Float32Array store (spec 4.3.3 convert; no double
 * rounding). Below 2^53 the double is exact. Above, the bits below the
 * double's 53 are dropped with round-to-odd (the lowest kept bit is set when
 * any dropped bit is): a value rounded to odd with at least 2 more bits than
 * the target rounds to the target correctly.
 */
function u64ToF32(lo: number, hi: number): number {
  const h = hi >>> 0;
  if (h < 0x200000) return h * 4294967296 + (lo >>> 0);
  const shift = 11 - Math.clz32(h); // bit length of the value - 53, in 1..11
  const mask = (1 << shift) - 1;
  const kept = (lo & ~mask) | ((lo & mask) !== 0 ? 1 << shift : 0);
  return h * 4294967296 + (kept >>> 0);
}

/**
 * Unsigned 64-bit division on int32 pairs: x = (xl, xh), y = (yl, yh) != 0;
 * sets (QL, QH) = x / y and (RL, RH) = x % y. No BigInt.
 * (i64.div_u_ss and i64.rem_u_ss inline the same steps: the macros
 * U64_DIV_HIGH_WORD and U64_REM_SIGN of isa.ts.)
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
  U64_DIV_HIGH_WORD;
  let q = Math.floor(X / Y + 3.814697265625e-6); // + 2^-18
  if (q > 4294967295) q = 4294967295;
  U64_REM_SIGN;
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

/**
 * i64.add128 / i64.sub128 (wide-arithmetic proposal): (S[a], S[b]) +/- (S[c], S[d])
 * as 128-bit numbers, each the low i64 then the high i64; the 128-bit result
 * is written as two i64 at S[dst] and S[dst + 2]. Word by word with the carry
 * (borrow) exact in doubles.
 */
function add128(S: Int32Array, dst: number, a: number, b: number, c: number, d: number, sub: boolean): void {
  const x0 = S[a] >>> 0, x1 = S[a + 1] >>> 0, x2 = S[b] >>> 0, x3 = S[b + 1] >>> 0;
  let y0 = S[c] >>> 0, y1 = S[c + 1] >>> 0, y2 = S[d] >>> 0, y3 = S[d + 1] >>> 0;
  let carry = 0;
  if (sub) {
    // x - y = x + ~y + 1
    y0 = ~y0 >>> 0; y1 = ~y1 >>> 0; y2 = ~y2 >>> 0; y3 = ~y3 >>> 0;
    carry = 1;
  }
  let t = x0 + y0 + carry;
  const r0 = t | 0; carry = t > 4294967295 ? 1 : 0;
  t = x1 + y1 + carry;
  const r1 = t | 0; carry = t > 4294967295 ? 1 : 0;
  t = x2 + y2 + carry;
  const r2 = t | 0; carry = t > 4294967295 ? 1 : 0;
  t = x3 + y3 + carry;
  S[dst] = r0; S[dst + 1] = r1; S[dst + 2] = r2; S[dst + 3] = t | 0;
}

/** Scratch limbs of mulWide (module-level: nothing allocated per instruction). */
const LIMBS = new Float64Array(8);

/**
 * i64.mul_wide_s/u (wide-arithmetic proposal): the 128-bit product of the
 * i64s S[a] and S[b], written as two i64 (low, high) at S[dst] and S[dst + 2].
 * Schoolbook on 16-bit limbs (every partial sum < 2^53, exact in doubles);
 * the signed product is the unsigned one minus (b << 64 when a < 0) and
 * (a << 64 when b < 0), mod 2^128 (two's complement).
 */
function mulWide(S: Int32Array, dst: number, a: number, b: number, signed: boolean): void {
  const al = S[a], ah = S[a + 1], bl = S[b], bh = S[b + 1];
  const x = [al & 0xffff, al >>> 16, ah & 0xffff, ah >>> 16];
  const y = [bl & 0xffff, bl >>> 16, bh & 0xffff, bh >>> 16];
  const r = LIMBS;
  r.fill(0);
  for (let i = 0; i < 4; i++) {
    let carry = 0;
    for (let j = 0; j < 4; j++) {
      const t = r[i + j] + x[i] * y[j] + carry;
      r[i + j] = t % 65536;
      carry = Math.floor(t / 65536);
    }
    r[i + 4] += carry;
  }
  let w2 = (r[4] + r[5] * 65536) >>> 0, w3 = (r[6] + r[7] * 65536) >>> 0;
  if (signed) {
    // subtract the other operand from the high i64 for each negative operand
    if (ah < 0) { const lo = w2 - (bl >>> 0); w3 = (w3 - (bh >>> 0) - (lo < 0 ? 1 : 0)) >>> 0; w2 = lo >>> 0; }
    if (bh < 0) { const lo = w2 - (al >>> 0); w3 = (w3 - (ah >>> 0) - (lo < 0 ? 1 : 0)) >>> 0; w2 = lo >>> 0; }
  }
  S[dst] = r[0] + r[1] * 65536;
  S[dst + 1] = r[2] + r[3] * 65536;
  S[dst + 2] = w2;
  S[dst + 3] = w3;
}

/** The exception a `throw` makes: tag `tag` of `inst`, its payload the tag's parameters at slot `a`. */
function throwException(store: StoreState, inst: ModuleInst, tag: number, S: Int32Array, a: number): Exception {
  const t = inst.tags[tag];
  return newException(t, S.slice(a, a + 2 * t.type.params.length), store);
}

/** hostCall's second result: whether the host function suspended the activation. */
let SUSPENDED = false;

/**
 * Calls host function `callee` from exec (host.ts callHost) with its
 * arguments at slot `nfp`, exec's gas in store.gas: returns the wasm
 * exception it raised (a handler may be in exec's activation) or null, and
 * sets SUSPENDED. Any other error goes on. `tail`: reached by a tail call,
 * which cannot suspend (the frame it would resume in is gone, so
 * callResumable / callAsync see an error there). Out of exec's loop: the
 * try/catch made exec's bytecode some 3 KB longer (README.md, "Speed").
 */
function hostCall(store: StoreState, callee: FuncInst, nfp: number, inst: ModuleInst, tail: boolean): Exception | null {
  SUSPENDED = false;
  const rc = store.resumable;
  if (tail) store.resumable = null;
  try {
    SUSPENDED = callHost(store, callee, nfp, inst);
    return null;
  } catch (e) {
    if (!(e instanceof Exception)) throw e;
    return e;
  } finally {
    if (tail) store.resumable = rc;
  }
}

/**
 * The state of an activation a host call suspended (its results come later,
 * resume.ts): the host and its frame, and where the caller continues, `pc`
 * after the call, charging `pending` (the block after the call) first.
 */
function suspendAt(store: StoreState, callee: FuncInst, nfp: number, pc: number, fp: number, pending: number): void {
  store.suspendedAt = nfp;
  store.suspendedHost = callee;
  store.pendingGas = pending;
  store.lastPc = pc;
  store.lastFp = fp;
}

/** unwind's results: the frame and position of the handler, and the gas left. */
let UF: FuncInst | null = null, UPC = 0, UFP = 0, UDEPTH = 0, UGAS = 0;

/**
 * The search for a handler of exception `x` (spec 4.4.x throw / throw_ref:
 * the innermost enclosing try_table whose catch clause matches, in the
 * running function, then in each caller of this activation). `p` is a
 * position inside the instruction where control is in each frame: pc + 1 in
 * the frame that threw, the return position in a caller (see
 * CompiledFunc.handlers). Every frame left behind costs `perFrame` gas,
 * charged at once before anything moves, so out of gas leaves the gas and
 * the activation untouched: at a throw or throw_ref it is a pause (a resumed
 * call runs the throw again); for an exception a host call raised it is
 * final (running the call again would call the host again). On a match:
 * writes the payload (and for the _ref clauses the exnref) to the label's
 * slots, sets UF, UPC, UFP, UDEPTH, UGAS and returns true; false, with the
 * gas charged, when no frame of the activation catches it.
 */
function unwind(store: StoreState, x: Exception, f: FuncInst, pc: number, fp: number, depth: number, entryDepth: number, gas: number, metered: boolean): boolean {
  const cs = store.callStack, fns = store.callFns;
  const perFrame = metered ? store.schedule.exceptionPerFrame : 0;
  const fp0 = fp;
  const op = compiledOf(f).code[pc];
  const pausable = op === Op.THROW || op === Op.THROW_REF_S;
  // a tail call to a host function that throws has already left its caller's try_table regions
  let p = op === Op.RETURN_CALL || op === Op.RETURN_CALL_INDIRECT_S || op === Op.RETURN_CALL_REF_S ? -1 : pc + 1;
  let q = -1;
  const d0 = depth;
  for (;;) {
    q = findHandler(compiledOf(f), f, x, p);
    if (q >= 0 || depth === entryDepth) break;
    depth--;
    f = fns[depth]!;
    p = cs[3 * depth];
    fp = cs[3 * depth + 1];
  }
  const cost = (d0 - depth) * perFrame;
  if (gas < cost) {
    if (pausable) outOfGas(store, 0, pc, fp0);
    trap('out_of_gas');
  }
  gas -= cost;
  if (q < 0) {
    store.gas = gas;
    return false;
  }
  const h = compiledOf(f).handlers!;
  const S = store.stack;
  let d = fp + h[q + 2];
  if (h[q] >= 0) {
    const w = exnWordsIn(internals(x), store);
    for (let j = 0; j < w.length; j++) S[d + j] = w[j];
    d += w.length;
  }
  if (h[q + 1] !== 0) {
    S[d] = store.intern(x);
    S[d + 1] = 0;
  }
  UF = f; UPC = h[q + 3]; UFP = fp; UDEPTH = depth; UGAS = gas;
  return true;
}

/** The catch clause (its index in cf.handlers) of function f that catches x at position p, or -1. */
function findHandler(cf: CompiledFunc, f: FuncInst, x: Exception, p: number): number {
  const h = cf.handlers;
  if (h === null) return -1;
  const code = cf.code;
  for (let i = 0; i < h.length; i += 3 + 4 * h[i + 2]) {
    const end = h[i + 1] + (code[h[i + 1]] === Op.GAS ? 2 : 0);
    if (!(h[i] < p && p <= end)) continue;
    for (let k = 0, q = i + 3; k < h[i + 2]; k++, q += 4) {
      const tag = h[q];
      if (tag < 0 || f.instance!.tags[tag] === internals(x).tag) return q;
    }
  }
  return -1;
}

/**
 * Runs wasm function `entry` whose frame (arguments in place) starts at
 * `entryFp`; or, with `resume`, continues a paused activation where it
 * stopped (resume.ts: its pending gas is charged first, or its error thrown
 * there). Returns true when a host function suspended the activation (its
 * state is then in the store, see the host case of `call`), false when the
 * entry function returned. Wasm exceptions (exn.ts) are handled where they
 * arise, by `throw`/`throw_ref` and by the host-call paths (isa.ts
 * CATCH_EXCEPTION). SPEED: a catch around the loop made the corpus programs
 * 5-13% slower (and a wrapper function around a separate loop function
 * 10-30%), so the loop has none.
 */
// @isa:variant-begin (scripts/gen-isa.js also writes this function as execTraced, with the hooks)
export function exec(store: StoreState, entry: FuncInst, entryFp: number, resume: Activation | null = null): boolean {
  TRACE_INIT;
  const metered = store.metered;
  const limits = store.limits;
  const maxDepth = limits.maxCallDepth;
  const perBytes8 = store.schedule.memoryPerBytes8;
  const cs = store.callStack;
  const fns = store.callFns;
  // SPEED: depth, fp and pc as int32 (| 0) from the start: a tagged input made
  // the loop keep fp tagged, converted at every slot access and call
  const entryDepth = (resume === null ? store.depth : resume.entryDepth) | 0;
  let depth = (resume === null ? entryDepth : resume.depth) | 0;
  let S = store.stack, SF64 = store.stackF64, SF32 = store.stackF32;
  // SPEED: the running function is fns[depth] (callers below it), not a
  // local of the loop: a call writes its callee there, a return reads it back
  const f = resume === null ? entry : resume.f;
  fns[depth] = f;
  // SPEED: the cached code read here, not through compiledOf: the optimized
  // loop inlines a call and uses its type feedback, which compiledOf, called
  // once per activation, may not have yet (then every later activation of the
  // optimized exec left it at this line and ran unoptimized until OSR)
  const cf = f.compiled ?? compiledOf(f);
  let code = cf.code;
  let fp = (resume === null ? entryFp : resume.fp) | 0;
  let pc = (resume === null ? 0 : resume.pc) | 0;
  let gas = store.gas;
  let inst: ModuleInst = f.instance!;
  let funcs = inst.funcs;
  let globalCells = inst.globalCells;
  let mem: MemoryInst | null = inst.memory;
  let u8 = mem !== null ? mem.u8 : EMPTY_U8;
  let dv = mem !== null ? mem.dv : EMPTY_DV;
  // SPEED: a u32 (every reload is `u8.length >>> 0`, memories are below 4 GiB):
  // TurboFan keeps it as a word and a bounds check `ea + n > memLen` is one
  // compare; the plain length is a double it converted (and checked) at every access
  let memLen = u8.length >>> 0;
  if (resume === null) {
    if (fp + cf.frameSlots > S.length) {
      store.growStack(fp + cf.frameSlots);
      RELOAD_STACK;
    }
    for (let i = fp + cf.paramSlots, e = fp + cf.localSlots; i < e; i++) S[i] = 0;
  }

  let callee: FuncInst;
  let nfp = 0;
  /** The wasm exception a case raised (CATCH_EXCEPTION), for the handling after the switch. */
  let exn: Exception = undefined!;
  try {
    if (resume !== null) {
      if (resume.error !== null) throw resume.error;
      const k = resume.pendingGas;
      CHARGE_PENDING(k);
    }
    for (;;) {
      TRACE_HOOK;
      // The cases' out-of-gas checks (pending 0: the instruction at pc runs
      // again on resume), memory bounds checks and wasm exceptions break to
      // these shared tails.
      caught: {
        oob: {
          oog: {
            switch (code[pc]) {
              // @isa:cases (scripts/gen-isa.js puts the cases of isa.ts here)
              default:
                badOp(code, pc);
            }
            continue;
          }
          outOfGas(store, 0, pc, fp);
        }
        trap('memory_out_of_bounds');
      }
      UNWIND_EXCEPTION;
    }
  } finally {
    // (gas is -1 while a host function runs: then the store's counter is the live one, isa.ts HOST_CALL)
    if (gas >= 0) store.gas = gas;
    // SPEED: where the activation stopped, for a trap's location (call.ts invoke
    // builds it from these and fns only when a trap unwinds; nothing is tracked
    // per instruction or call, and exec itself has no catch handler).
    store.lastFunc = fns[depth]!;
    // SPEED (V8): `| EXEC_EPOCH.epoch` (always 0) makes every optimized code
    // of exec depend on the map of the object holding it, which retier.ts
    // changes to have exec compiled again from a program's feedback
    store.lastDepth = depth | EXEC_EPOCH.epoch;
    // SPEED: pc and fp, where a paused call resumes, are saved by the pausing
    // sites (outOfGas, a suspended host call), not here: a value the finally
    // reads is kept live at every call inside the try (fib 4-9% slower).
  }
}
// @isa:variant-end

/**
 * The cold half of the loop: ops that run rarely (conversions, table, bulk
 * memory and reference ops, memory.size/grow), kept out of `exec` so that
 * exec stays within the bytecode size V8 optimizes (README.md, "Speed").
 * exec calls it with its gas in store.gas and reloads its memory views
 * after; the cases see the same names as exec's. Returns the next pc.
 */
function execCold(store: StoreState, inst: ModuleInst, S: Int32Array, fp: number, code: Int32Array, pc: number): number {
  let gas = store.gas;
  const SF64 = store.stackF64, SF32 = store.stackF32;
  const limits = store.limits;
  const maxPages = limits.maxMemoryPages;
  const maxTable = limits.maxTableSize;
  const sched = store.schedule;
  const perPage = sched.memoryGrowPerPage, perBytes8 = sched.memoryPerBytes8, perElem = sched.tablePerElement;
  const funcs = inst.funcs;
  const mem: MemoryInst | null = inst.memory;
  let u8 = mem !== null ? mem.u8 : EMPTY_U8;
  let dv = mem !== null ? mem.dv : EMPTY_DV;
  let memLen = u8.length;
  switch (code[pc]) {
    // @isa:cold-cases (scripts/gen-isa.js puts the cold cases of isa.ts here)
    default:
      throw new Error(`internal: bad cold bytecode ${code[pc]} at ${pc}`);
  }
  store.gas = gas;
  return pc;
}
