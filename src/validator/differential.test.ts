/**
 * Differential test: random, structurally well-formed function bodies (mostly
 * type-incorrect in interesting ways: unreachable code, branches, block
 * parameters, select, br_table) are validated by detwasm and by the host's
 * `WebAssembly.validate` (V8); both must agree on every module. No floats or
 * SIMD are generated, so the policy never decides.
 */
import { decode } from '../decoder/index.js';
import { resolveConfig } from '../config.js';
import { CompileError } from '../errors.js';
import { validate } from './index.js';
import { uleb, sleb, section, I32, I64, FUNCREF, EXTERNREF } from '../decoder/testutil.js';
import { prng, FUZZ_SEED as SEED, FUZZ_SCALE as SCALE } from './testutil.js';

/** Types: 0 [] -> [], 1 [i32] -> [i32], 2 [i32 i64] -> [i64 i32], 3 [] -> [i32 i32], 4 [i32] -> []. */
const TYPES: Array<[number[], number[]]> = [[[], []], [[I32], [I32]], [[I32, I64], [I64, I32]], [[], [I32, I32]], [[I32], []]];
const BLOCKTYPES = [0x40, I32, I64, FUNCREF, 0, 1, 2, 3, 4]; // 0..4 are type indices (s33)

/** Leaf instructions (no nesting) with their immediates. */
function leaf(r: () => number, depth: number): number[] {
  const pick = (n: number) => Math.floor(r() * n);
  switch (pick(34)) {
    case 0: case 1: case 2: return [0x41, ...sleb(pick(5))]; // i32.const
    case 3: return [0x42, ...sleb(pick(5))]; // i64.const
    case 4: return [0x1a]; // drop
    case 5: return [0x1b]; // select
    case 6: return [0x1c, 1, [I32, I64, FUNCREF][pick(3)]]; // select t
    case 7: case 8: return [0x20, pick(5)]; // local.get (4 is unknown)
    case 9: return [0x21, pick(4)]; // local.set
    case 10: return [0x22, pick(4)]; // local.tee
    case 11: return [0x23, pick(2)]; // global.get
    case 12: return [0x24, pick(2)]; // global.set (1 is immutable)
    case 13: return [0x6a]; // i32.add
    case 14: return [0x7c]; // i64.add
    case 15: return [0x45]; // i32.eqz
    case 16: return [0x50]; // i64.eqz
    case 17: return [0xa7]; // i32.wrap_i64
    case 18: return [0xac]; // i64.extend_i32_s
    case 19: return [0x0c, pick(depth + 2)]; // br (may be out of range)
    case 20: return [0x0d, pick(depth + 2)]; // br_if
    case 21: { // br_table
      const n = pick(4);
      const ls: number[] = [];
      for (let i = 0; i <= n; i++) ls.push(pick(depth + 1));
      return [0x0e, n, ...ls];
    }
    case 22: return [0x0f]; // return
    case 23: return [0x00]; // unreachable
    case 24: return [0x01]; // nop
    case 25: return [0x10, pick(2)]; // call 0 ([i32] -> [i32]) or 1 ([] -> [])
    case 26: return [0xd0, [FUNCREF, EXTERNREF][pick(2)]]; // ref.null
    case 27: return [0xd1]; // ref.is_null
    case 28: return [0xd2, pick(2)]; // ref.func (1 is undeclared)
    case 29: return [0x28, pick(4), 0]; // i32.load align (3 is too large)
    case 30: return [0x3f, 0]; // memory.size
    case 31: return [0x25, 0]; // table.get 0
    case 32: return [0x11, pick(5), 0]; // call_indirect type, table 0
    default: return [0xfc, 9, 0]; // data.drop 0
  }
}

function body(r: () => number, depth: number, budget: { n: number }): number[] {
  const out: number[] = [];
  const len = Math.floor(r() * 6);
  for (let i = 0; i < len && budget.n > 0; i++) {
    budget.n--;
    const x = r();
    if (x < 0.2 && depth < 6) {
      const op = [0x02, 0x03, 0x04][Math.floor(r() * 3)];
      const bt = BLOCKTYPES[Math.floor(r() * BLOCKTYPES.length)];
      out.push(op, bt, ...body(r, depth + 1, budget));
      if (op === 0x04 && r() < 0.6) out.push(0x05, ...body(r, depth + 1, budget));
      out.push(0x0b);
    } else {
      out.push(...leaf(r, depth));
    }
  }
  return out;
}

/**
 * A type-directed generator: tracks the operand types like a compiler would
 * and mostly emits well-typed code (so valid modules are common and rules
 * such as "if without else" or br_table arity matter), with a small chance
 * of a deliberate mistake per instruction.
 */
/** Memory, table, bulk and a few other instructions: encoding, operand types, result types. */
const OPERAND_OPS: Array<[number[], number[], number[]]> = [
  [[0xfc, 11, 0], [I32, I32, I32], []], // memory.fill
  [[0xfc, 10, 0, 0], [I32, I32, I32], []], // memory.copy
  [[0xfc, 8, 0, 0], [I32, I32, I32], []], // memory.init 0
  [[0xfc, 9, 0], [], []], // data.drop 0
  [[0x36, 2, 0], [I32, I32], []], // i32.store
  [[0x37, 3, 0], [I32, I64], []], // i64.store
  [[0x37, 4, 0], [I32, I64], []], // i64.store, alignment too large
  [[0x3c, 0, 0], [I32, I64], []], // i64.store8
  [[0x29, 3, 0], [I32], [I64]], // i64.load
  [[0x2d, 0, 0], [I32], [I32]], // i32.load8_u
  [[0x2f, 2, 0], [I32], [I32]], // i32.load16_u, alignment too large
  [[0x40, 0], [I32], [I32]], // memory.grow
  [[0x26, 0], [I32, FUNCREF], []], // table.set
  [[0xfc, 15, 0], [FUNCREF, I32], [I32]], // table.grow
  [[0xfc, 17, 0], [I32, FUNCREF, I32], []], // table.fill
  [[0xfc, 16, 0], [], [I32]], // table.size
  [[0xfc, 12, 0, 0], [I32, I32, I32], []], // table.init 0 0
  [[0xfc, 13, 0], [], []], // elem.drop 0
  [[0xfc, 14, 0, 0], [I32, I32, I32], []], // table.copy 0 0
  [[0x11, 1, 0], [I32, I32], [I32]], // call_indirect (type 1) table 0
  [[0x11, 2, 0], [I32, I64, I32], [I64, I32]], // call_indirect (type 2): [i32 i64] -> [i64 i32]
  [[0x1c, 1, FUNCREF], [FUNCREF, FUNCREF, I32], [FUNCREF]], // select (result funcref)
  [[0x1b], [EXTERNREF, EXTERNREF, I32], [EXTERNREF]], // untyped select of references: invalid
];

class TypedGen {
  out: number[] = [];
  stack: number[] = [];
  frames: Array<{ op: number; params: number[]; results: number[]; height: number }> = [];
  constructor(private r: () => number, private locals: number[], private mistake: number) {}
  pick(n: number): number { return Math.floor(this.r() * n); }
  konst(t: number): void {
    if (t === I32) this.out.push(0x41, ...sleb(this.pick(3)));
    else if (t === I64) this.out.push(0x42, ...sleb(this.pick(3)));
    else this.out.push(0xd0, t);
    this.stack.push(t);
  }
  /** Makes the values above the frame's height exactly `ts` (drops, then constants). */
  ensure(ts: number[]): void {
    const h = this.frames[this.frames.length - 1].height;
    if (this.stack.length - h === ts.length && ts.every((t, k) => this.stack[h + k] === t)) return;
    while (this.stack.length > h) { this.out.push(0x1a); this.stack.pop(); }
    for (const t of ts) this.konst(t);
  }
  labelTypes(d: number): number[] {
    const f = this.frames[this.frames.length - 1 - d];
    return f.op === 0x03 ? f.params : f.results;
  }
  sig(bt: number): [number[], number[]] {
    if (bt === 0x40) return [[], []];
    if (bt === I32 || bt === I64 || bt === FUNCREF) return [[], [bt]];
    return [TYPES[bt][0], TYPES[bt][1]];
  }
  top(k = 0): number | undefined {
    const f = this.frames[this.frames.length - 1];
    const i = this.stack.length - 1 - k;
    return i >= f.height ? this.stack[i] : undefined;
  }
  instr(depth: number, budget: { n: number }): void {
    if (this.r() < this.mistake) { this.out.push(...leaf(this.r, depth)); return; }
    const t0 = this.top();
    const t1 = this.top(1);
    const t2 = this.top(2);
    const choice = this.pick(19);
    if (choice === 0 && depth < 6) { this.block(depth, budget); return; }
    if (choice === 1) { // br / br_if / br_table / return
      const d = this.pick(this.frames.length);
      const lt = this.labelTypes(d);
      const kind = this.pick(4);
      if (kind === 0) { this.ensure(lt); this.out.push(0x0c, d); this.stack.length = this.frames[this.frames.length - 1].height; this.dead(depth); }
      else if (kind === 1) { this.ensure(lt); this.konst(I32); this.out.push(0x0d, d); this.stack.pop(); }
      else if (kind === 2) {
        const same: number[] = [];
        for (let k = 0; k < this.frames.length; k++) {
          const o = this.labelTypes(k);
          if (o.length === lt.length && o.every((t, m) => t === lt[m])) same.push(k);
        }
        const n = this.pick(4);
        const ls: number[] = [];
        // Now and then a target of another type (invalid unless the arities match and the stack is polymorphic).
        for (let k = 0; k <= n; k++) ls.push(this.r() < 0.1 ? this.pick(this.frames.length) : same[this.pick(same.length)]);
        this.ensure(lt); this.konst(I32); this.out.push(0x0e, n, ...ls);
        this.stack.length = this.frames[this.frames.length - 1].height; this.dead(depth);
      } else {
        this.ensure(this.frames[0].results); this.out.push(0x0f);
        this.stack.length = this.frames[this.frames.length - 1].height; this.dead(depth);
      }
      return;
    }
    if (choice === 2 && t0 === I32 && t1 !== undefined && t1 === t2 && (t1 === I32 || t1 === I64)) {
      if (this.pick(2)) this.out.push(0x1b); // select
      else this.out.push(0x1c, 1, t1); // select t
      this.stack.length -= 2;
      return;
    }
    if (choice === 3 && t0 !== undefined) { this.out.push(0x1a); this.stack.pop(); return; }
    if (choice === 4 && t0 === I32 && t1 === I32) { this.out.push(0x6a); this.stack.pop(); return; }
    if (choice === 5 && t0 === I64 && t1 === I64) { this.out.push(0x7c); this.stack.pop(); return; }
    if (choice === 6 && t0 === I32) { this.out.push([0x45, 0xac, 0x28][this.pick(3)]); const op = this.out[this.out.length - 1]; if (op === 0x28) this.out.push(2, 0); if (op === 0xac) this.stack[this.stack.length - 1] = I64; return; }
    if (choice === 7 && t0 === I64) { this.out.push(this.pick(2) ? 0x50 : 0xa7); this.stack[this.stack.length - 1] = I32; return; }
    if (choice === 8) { const x = this.pick(this.locals.length); this.out.push(0x20, x); this.stack.push(this.locals[x]); return; }
    if (choice === 9 && t0 !== undefined) {
      const xs = this.locals.map((t, k) => (t === t0 ? k : -1)).filter((k) => k >= 0);
      if (xs.length) { const tee = this.pick(2); this.out.push(tee ? 0x22 : 0x21, xs[this.pick(xs.length)]); if (!tee) this.stack.pop(); }
      return;
    }
    if (choice === 10) { this.out.push(0x23, 0); this.stack.push(I32); return; }
    if (choice === 11 && t0 === I32) { this.out.push(0x10, 0); return; } // call 0: [i32] -> [i32]
    if (choice === 12) { this.out.push(0xd2, 0); this.stack.push(FUNCREF); return; }
    if (choice === 13 && (t0 === FUNCREF || t0 === EXTERNREF)) { this.out.push(0xd1); this.stack[this.stack.length - 1] = I32; return; }
    if (choice === 14 && t0 === I32) { this.out.push(0x25, 0); this.stack[this.stack.length - 1] = FUNCREF; return; }
    if (choice >= 15 && choice <= 17) { this.withOperands(); return; }
    this.konst([I32, I32, I64, FUNCREF, EXTERNREF][this.pick(5)]);
  }
  /**
   * An instruction from OPERAND_OPS with its operands pushed as constants
   * just before it (now and then one operand of a wrong type).
   */
  withOperands(): void {
    const [bytes, operands, results] = OPERAND_OPS[this.pick(OPERAND_OPS.length)];
    for (const t of operands) this.konst(this.r() < 0.08 ? [I32, I64, FUNCREF, EXTERNREF][this.pick(4)] : t);
    this.out.push(...bytes);
    this.stack.length -= operands.length;
    this.stack.push(...results);
  }
  /** After an unconditional branch: maybe some (polymorphic) code, then the frame ends. */
  dead(depth: number): void {
    if (this.r() < 0.5) this.out.push(...leaf(this.r, depth));
    const f = this.frames[this.frames.length - 1];
    this.stack.length = f.height;
    this.unreachableFrames.add(this.frames.length - 1);
  }
  unreachableFrames = new Set<number>();
  block(depth: number, budget: { n: number }): void {
    const op = [0x02, 0x03, 0x04][this.pick(3)];
    const bt = BLOCKTYPES[this.pick(BLOCKTYPES.length)];
    const [ps, rs] = this.sig(bt);
    this.ensure(ps);
    if (op === 0x04) this.konst(I32);
    this.out.push(op, bt);
    if (op === 0x04) this.stack.pop();
    this.stack.length -= ps.length;
    const height = this.stack.length;
    this.frames.push({ op, params: ps, results: rs, height });
    this.stack.push(...ps);
    this.seq(depth + 1, budget);
    this.finish(rs);
    if (op === 0x04 && (this.r() < 0.7 || ps.length !== rs.length)) {
      this.out.push(0x05);
      this.stack.length = height;
      this.stack.push(...ps);
      this.unreachableFrames.delete(this.frames.length - 1);
      this.seq(depth + 1, budget);
      this.finish(rs);
    }
    this.out.push(0x0b);
    this.unreachableFrames.delete(this.frames.length - 1);
    this.frames.pop();
    this.stack.length = height;
    this.stack.push(...rs);
  }
  finish(rs: number[]): void {
    if (this.unreachableFrames.has(this.frames.length - 1)) return;
    this.ensure(rs);
  }
  seq(depth: number, budget: { n: number }): void {
    const len = this.pick(6);
    for (let k = 0; k < len && budget.n > 0 && !this.unreachableFrames.has(this.frames.length - 1); k++) {
      budget.n--;
      this.instr(depth, budget);
    }
  }
}

function module(r: () => number, typed: boolean): Uint8Array<ArrayBuffer> {
  const types = TYPES.flatMap(([p, res]) => [0x60, p.length, ...p, res.length, ...res]);
  const fnType = Math.floor(r() * TYPES.length);
  const locals = [...TYPES[fnType][0], I32, I64, FUNCREF];
  let instrs: number[];
  if (typed) {
    const g = new TypedGen(r, locals, 0.03);
    g.frames.push({ op: 0, params: [], results: TYPES[fnType][1], height: 0 });
    g.seq(0, { n: 60 });
    g.finish(TYPES[fnType][1]);
    instrs = g.out;
  } else {
    instrs = body(r, 0, { n: 40 });
  }
  // Locals after the parameters: one i32, one i64, one funcref.
  const code = [3, 1, I32, 1, I64, 1, FUNCREF, ...instrs, 0x0b];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [TYPES.length, ...types]),
    ...section(3, [2, 1, fnType]), // function 0: [i32] -> [i32] (call target), function 1: random type
    ...section(4, [1, FUNCREF, 0x00, 1]), // table 1 funcref
    ...section(5, [1, 0x00, 1]), // memory 1
    ...section(6, [2, I32, 1, 0x41, 0, 0x0b, I64, 0, 0x42, 0, 0x0b]), // global 0 mut i32, global 1 i64
    ...section(9, [1, 0x03, 0x00, 1, 0]), // declarative elem: func 0
    ...section(12, [1]), // data count
    ...section(10, [2, ...uleb(4), 0, 0x20, 0, 0x0b, ...uleb(code.length), ...code]),
    ...section(11, [1, 0x01, 0]), // passive data segment, empty
  ];
  return new Uint8Array(bytes);
}

test.each<[string, boolean, number, number, number]>([
  ['random', false, 6000, 500, 5500],
  ['type-directed', true, 4000, 1500, 3900],
])('detwasm and V8 agree on %s function bodies', (_name, typed, count, minValid, maxValid) => {
  const r = prng(SEED ?? 20261127);
  count *= SCALE;
  minValid *= SCALE;
  maxValid *= SCALE;
  const config = resolveConfig();
  let valid = 0;
  const disagreements: string[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = module(r, typed);
    const host = WebAssembly.validate(bytes);
    let ours: boolean;
    let why = '';
    try {
      validate(decode(bytes), config);
      ours = true;
    } catch (e) {
      if (!(e instanceof CompileError) || e.code === 'malformed') throw e;
      ours = false;
      why = e.message;
    }
    if (ours) valid++;
    if (ours !== host && disagreements.length < 5) {
      disagreements.push(`#${i}: detwasm ${ours ? 'accepts' : `rejects (${why})`}, V8 ${host ? 'accepts' : 'rejects'}: ${Buffer.from(bytes).toString('hex')}`);
    }
  }
  expect(disagreements).toEqual([]);
  // Both outcomes are well represented, so the comparison means something.
  expect(valid).toBeGreaterThan(minValid);
  expect(valid).toBeLessThan(maxValid);
  // eslint-disable-next-line no-console
  console.log(`${_name}: ${valid} of ${count} valid`);
});
