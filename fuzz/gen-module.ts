/**
 * A structured generator of random *valid* WebAssembly 2.0 modules for
 * differential execution (detwasm vs the host's `WebAssembly`): integer-only
 * by default; with `floats`, f32/f64 values, locals, globals, parameters,
 * results, block types and every float instruction too.
 *
 * NaNs with floats: detwasm makes every NaN an arithmetic instruction produces
 * canonical, the host engine does not. The host runs `referenceBytes`, the
 * same module (same random choices) with every NaN-producing arithmetic
 * instruction followed by a canonicalizing sequence (`x == x ? x :
 * canonical NaN`, through a reserved local), so both must agree bit for bit.
 *
 * The generator is type-directed: `expr(t)` emits code that pushes exactly one
 * value of type t, `stmt()` emits code with no net stack effect. Branches may
 * leave the stack polymorphic (spec 3.3.5: code after `br` is still typed
 * against an arbitrary stack), which keeps every emitted sequence valid.
 *
 * Termination and determinism, whatever the random choices:
 *   - every loop has its own counter local; a branch back to a loop is only
 *     taken while that counter is below a small bound, so each loop runs at most
 *     K times per function activation;
 *   - every function (except `reset`) starts by decrementing a global call
 *     budget and traps with `unreachable` when it is exhausted, which bounds
 *     both recursion depth and total calls;
 *   - memories always have a small maximum, so `memory.grow` behaves the same on
 *     every engine.
 *
 * WebAssembly 3.0 features, each behind its option (off, the random choices
 * and so the modules are exactly those without it; the host side needs Node
 * 24, reference.ts): `multiMemory` (up to three memories, every memory
 * instruction and data segment naming one, copies between them),
 * `memory64` (each memory i64-addressed by chance: i64 addresses, sizes and
 * offsets, addresses and offsets at and past 2^32 that trap), `table64` (the
 * table i64-indexed), `exceptions` (tags, throw, throw_ref, try_table with
 * every catch clause kind, exnref locals and blocks; tag 0 is the import
 * env.t, which the host function throws instead of failing),
 * `functionReferences` (typed references `(ref null? $t)` to function types:
 * ref.func, ref.null, ref.as_non_null, br_on_null, br_on_non_null, call_ref,
 * return_call_ref with tail calls, typed locals (non-nullable ones set first
 * thing) and parameters) and `extendedConst` (add/sub/mul and global.get in
 * global initializers and segment offsets).
 */
import { Rng } from './prng.js';
import {
  Bytes, EXNREF, I32, I64, FUNCREF, REF_NULL, append, funcBody, functype, isTypedRef, moduleBytes, name, refTarget, refType, section, sleb32, slebBig,
  uleb, ulebBig, valtype, vec,
} from './encode.js';

export interface FuncSig {
  params: number[];
  results: number[];
}

export interface GenExport {
  name: string;
  kind: 'func' | 'global' | 'memory' | 'table';
  sig?: FuncSig;
}

export interface GeneratedModule {
  bytes: Uint8Array<ArrayBuffer>;
  /**
   * With floats: the module the host (reference) engine runs, `bytes` with
   * V8's NaNs canonicalized after every arithmetic instruction.
   */
  referenceBytes?: Uint8Array<ArrayBuffer>;
  /** Exported test functions `f<i>` with their signatures. */
  funcs: Array<{ name: string; sig: FuncSig }>;
  /** Names of the exported memories (`mem`, then `mem1`, ... with multiMemory); absent: `mem`. */
  memories?: string[];
  /** The module imports tag env.t (i32), which the host function throws (exceptions). */
  hostTag?: boolean;
  /** Exported globals `g<i>` and their types. */
  globals: Array<{ name: string; type: number; mutable: boolean }>;
  /** Number of table slots probed at the end (the table's initial size). */
  tableSize: number;
  seed: number;
}

export interface GenOptions {
  /** Upper bound on defined test functions. */
  maxFuncs: number;
  /** Expression nesting depth. */
  maxDepth: number;
  /** Statements per block. */
  maxStmts: number;
  /** Calls allowed per `reset` (bounds recursion). */
  callBudget: number;
  /** Generate f32/f64 code too. */
  floats?: boolean;
  /** Internal: emit the NaN-canonicalizing sequences (`referenceBytes`). */
  canonicalizeNaNs?: boolean;
  /** Generate tail calls too (return_call, return_call_indirect; WebAssembly 3.0). */
  tailCalls?: boolean;
  /** Up to three memories (WebAssembly 3.0). */
  multiMemory?: boolean;
  /** i64-addressed memories (WebAssembly 3.0). */
  memory64?: boolean;
  /** An i64-indexed table (WebAssembly 3.0). */
  table64?: boolean;
  /** Tags, throw, throw_ref, try_table, exnref (WebAssembly 3.0). */
  exceptions?: boolean;
  /** Typed function references, call_ref, br_on_null/non_null (WebAssembly 3.0). */
  functionReferences?: boolean;
  /** Extended constant expressions in global initializers and segment offsets (WebAssembly 3.0). */
  extendedConst?: boolean;
}

/** Every WebAssembly 3.0 option the generator has (tail calls included). */
export const WASM3_OPTIONS: Partial<GenOptions> = {
  tailCalls: true, multiMemory: true, memory64: true, table64: true, exceptions: true, functionReferences: true, extendedConst: true,
};

export const DEFAULT_GEN_OPTIONS: GenOptions = { maxFuncs: 5, maxDepth: 5, maxStmts: 4, callBudget: 40 };

export const F32 = 0x7d;
export const F64 = 0x7c;

/** The host import every generated module declares: env.h (i32) -> i32. */
export const HOST_IMPORT = { module: 'env', name: 'h' };
/** With exceptions, the tag (i32) the host function throws: env.t. */
export const HOST_TAG = { module: 'env', name: 't' };
/**
 * The host function's deterministic behaviour, shared by both engines'
 * harnesses: it fails for some arguments; with `hostTag` (exceptions) it
 * throws the tag env.t instead, for more of them (one in 16), so exceptions
 * cross host frames often.
 */
export function hostBehaviour(x: number, hostTag = false): number {
  if (hostTag && (x & 0xf) === 0xa) throw new HostThrow(x);
  if (!hostTag && (x & 0xff) === 0x5a) throw new HostFailure(x);
  return (Math.imul(x, 31) + 7) | 0;
}
/**
 * With exceptions (`hostTag`), what the host function does instead of
 * failing: it throws the imported tag env.t with payload `arg` (each engine's
 * harness adapter makes that its own exception).
 */
export class HostThrow {
  /** @param arg the host function's argument, the exception's payload */
  constructor(readonly arg: number) {}
}
export class HostFailure extends Error {
  constructor(readonly arg: number) {
    super(`host function refused ${arg}`);
    this.name = 'HostFailure';
  }
}

const INT_TYPES = [I32, I64];

/** Whether t is a number type (not a reference). */
function isNum(t: number): boolean {
  return t === I32 || t === I64 || t === F32 || t === F64;
}

/** Whether a local of type t starts with a default value (everything but a non-nullable reference). */
function defaultable(t: number): boolean {
  return !isTypedRef(t) || (t & 0xff) === REF_NULL;
}

function sameTypes(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}
const ALL_TYPES = [I32, I64, F32, F64];

interface Label {
  kind: 'block' | 'loop' | 'if' | 'func';
  /** Types a branch to this label carries (results, or params for a loop). */
  types: number[];
  /** For loops: the counter local bounding backward branches. */
  counter?: number;
  bound?: number;
}

interface ModuleCtx {
  rng: Rng;
  opts: GenOptions;
  /** The value types code is generated for (what crosses to JS: parameters and results of exported functions, globals). */
  valtypes: number[];
  /** `valtypes` and the reference types of locals, blocks and values that stay in wasm (typed references, exnref). */
  localTypes: number[];
  /** The typed references `(ref null? $t)` in `localTypes`. */
  refTypes: number[];
  types: FuncSig[];
  typeKeys: Map<string, number>;
  /** Function index space: [host import, ...defined]. */
  funcSigs: FuncSig[];
  funcTypeIdx: number[];
  globals: Array<{ type: number; mutable: boolean }>;
  budgetGlobal: number;
  /** Address type (I32 or I64), initial and maximum pages of each memory. */
  memories: Array<{ at: number; pages: number; max: number }>;
  tableSize: number;
  /** The table's address type (I64 with table64). */
  tableAt: number;
  /** Payload types of the tags (exceptions): tag 0 is the import env.t. */
  tags: number[][];
  passiveData: number; // index of the passive data segment
  numData: number;
  passiveElem: number; // index of the passive elem segment
  numElem: number;
  usesDataCount: boolean;
}

function typeIndex(m: ModuleCtx, sig: FuncSig): number {
  const key = `${sig.params.join(',')}>${sig.results.join(',')}`;
  let i = m.typeKeys.get(key);
  if (i === undefined) {
    i = m.types.length;
    m.types.push(sig);
    m.typeKeys.set(key, i);
  }
  return i;
}

function randomTypes(rng: Rng, max: number, valtypes: number[]): number[] {
  const n = rng.int(max + 1);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(rng.pick(valtypes));
  return out;
}

const I32_BINOPS = range(0x6a, 0x78);
const I32_CMPS = range(0x46, 0x4f);
const I64_BINOPS = range(0x7c, 0x8a);
const I64_CMPS = range(0x51, 0x5a);
const I32_UNOPS = [0x67, 0x68, 0x69, 0xc0, 0xc1];
const I64_UNOPS = [0x79, 0x7a, 0x7b, 0xc2, 0xc3, 0xc4];
/** [opcode, natural alignment exponent] */
const I32_LOADS: Array<[number, number]> = [[0x28, 2], [0x2c, 0], [0x2d, 0], [0x2e, 1], [0x2f, 1]];
const I64_LOADS: Array<[number, number]> = [[0x29, 3], [0x30, 0], [0x31, 0], [0x32, 1], [0x33, 1], [0x34, 2], [0x35, 2]];
const I32_STORES: Array<[number, number]> = [[0x36, 2], [0x3a, 0], [0x3b, 1]];
const I64_STORES: Array<[number, number]> = [[0x37, 3], [0x3c, 0], [0x3d, 1], [0x3e, 2]];

/** Float instructions by operand type: [opcode, produces a NaN by arithmetic (needs canonicalizing on the host)]. */
const F32_UNOPS: Array<[number, boolean]> = [[0x8b, false], [0x8c, false], [0x8d, true], [0x8e, true], [0x8f, true], [0x90, true], [0x91, true]];
const F64_UNOPS: Array<[number, boolean]> = [[0x99, false], [0x9a, false], [0x9b, true], [0x9c, true], [0x9d, true], [0x9e, true], [0x9f, true]];
const F32_BINOPS: Array<[number, boolean]> = [[0x92, true], [0x93, true], [0x94, true], [0x95, true], [0x96, true], [0x97, true], [0x98, false]];
const F64_BINOPS: Array<[number, boolean]> = [[0xa0, true], [0xa1, true], [0xa2, true], [0xa3, true], [0xa4, true], [0xa5, true], [0xa6, false]];
const F32_CMPS = range(0x5b, 0x60);
const F64_CMPS = range(0x61, 0x66);
/** Float values worth testing (bits): zeros, infinities, NaNs with payloads and signs, subnormals, ties, integer-range edges. */
const F32_EDGES = [
  0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fa00001, 0xff812345, 1, 0x807fffff, 0x00800000,
  0x3f800000, 0xbf800000, 0x3f000000, 0xbfc00000, 0x40200000, 0x4b000001, 0x4f000000, 0xcf000000, 0x4effffff, 0x4f800000,
  0x5f000000, 0xdf000000, 0x5f800000, 0x7f7fffff, 0x3effffff,
];
const F64_EDGES_HI = [
  0, 0x80000000, 0x7ff00000, 0xfff00000, 0x7ff80000, 0xfff80000, 0x7ff40000, 0x00000000, 0x000fffff, 0x00100000,
  0x3ff00000, 0xbff00000, 0x3fe00000, 0xbff80000, 0x40040000, 0x43300000, 0x43400000, 0x41e00000, 0xc1e00000, 0x41efffff,
  0x41f00000, 0x43e00000, 0xc3e00000, 0x43f00000, 0x7fefffff, 0x3fdfffff,
];
function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}

class FuncGen {
  readonly code: Bytes = [];
  /** Types of all locals, parameters first. */
  readonly locals: number[];
  readonly numParams: number;
  private labels: Label[] = [];
  private scratch = new Map<number, number[]>();
  /** Loop counters: never read or written by random code, or loops could run forever. */
  private reserved = new Set<number>();

  /** With floats: the reserved locals of the host variant's NaN canonicalization. */
  private canonLocal = new Map<number, number>();
  /** Locals below this index may be non-nullable references (set by the prologue); later ones never are. */
  private readonly nonDefaultableLocals: number;

  constructor(private m: ModuleCtx, private sig: FuncSig) {
    this.locals = [...sig.params];
    this.numParams = sig.params.length;
    const extra = m.rng.int(4);
    for (let i = 0; i < extra; i++) this.locals.push(m.rng.pick(m.localTypes));
    // one local of each non-nullable reference type at least (set in the prologue), so `localOfType` always finds one
    for (const t of m.refTypes) if (!defaultable(t) && !this.locals.includes(t)) this.locals.push(t);
    this.nonDefaultableLocals = this.locals.length;
    if (m.opts.floats) {
      for (const t of [F32, F64]) {
        const l = this.newLocal(t);
        this.reserved.add(l);
        this.canonLocal.set(t, l);
      }
    }
  }

  /**
   * Emits float instruction `op` leaving a value of type t; when it can make a
   * NaN by arithmetic and this is the host variant, canonicalizes it:
   * `local.tee c; const NaN; local.get c; local.get c; eq; select`.
   */
  private floatOp(op: number, nan: boolean, t: number): void {
    this.emit(op);
    if (!nan || !this.m.opts.canonicalizeNaNs) return;
    const c = this.canonLocal.get(t)!;
    this.emit(0x22, ...uleb(c));
    if (t === F32) this.emit(0x43, 0x00, 0x00, 0xc0, 0x7f);
    else this.emit(0x44, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f);
    this.emit(0x20, ...uleb(c), 0x20, ...uleb(c), t === F32 ? 0x5b : 0x61, 0x1b);
  }

  /** A float constant of type t (bits: edges, their neighbours, random). */
  private floatConst(t: number): void {
    const r = this.rng;
    if (t === F32) {
      const bits = r.chance(0.5) ? r.pick(F32_EDGES) + (r.chance(0.3) ? r.range(-2, 2) : 0) : r.u32();
      this.emit(0x43, ...le32(bits));
    } else {
      const hi = r.chance(0.5) ? r.pick(F64_EDGES_HI) : r.u32();
      const lo = r.chance(0.5) ? r.pick([0, 1, 0xffffffff, 0x80000000]) : r.u32();
      this.emit(0x44, ...le32(lo), ...le32(hi));
    }
  }

  private get rng(): Rng {
    return this.m.rng;
  }

  private emit(...bytes: number[]): void {
    for (const b of bytes) this.code.push(b);
  }

  private newLocal(t: number): number {
    if (!defaultable(t)) throw new Error('gen-module: a non-nullable local after the prologue would be read unset');
    this.locals.push(t);
    return this.locals.length - 1;
  }

  /** A scratch local of type t (reused), for discarding values. */
  private scratchLocal(t: number): number {
    let list = this.scratch.get(t);
    if (!list) this.scratch.set(t, (list = []));
    if (list.length === 0 || this.rng.chance(0.2)) list.push(this.newLocal(t));
    return this.rng.pick(list);
  }

  private localOfType(t: number): number | undefined {
    const cands: number[] = [];
    for (let i = 0; i < this.locals.length; i++) if (this.locals[i] === t && !this.reserved.has(i)) cands.push(i);
    return cands.length ? this.rng.pick(cands) : undefined;
  }

  private globalOfType(t: number, mutable: boolean): number | undefined {
    const cands: number[] = [];
    this.m.globals.forEach((g, i) => {
      if (g.type === t && (!mutable || g.mutable) && i !== this.m.budgetGlobal) cands.push(i);
    });
    return cands.length ? this.rng.pick(cands) : undefined;
  }

  /** Emits the whole body: prologue, statements, results, `end`. */
  body(): Bytes {
    const m = this.m;
    // Call budget prologue: if (budget == 0) unreachable; budget -= 1.
    this.emit(0x23, ...uleb(m.budgetGlobal), 0x45, 0x04, 0x40, 0x00, 0x0b);
    this.emit(0x23, ...uleb(m.budgetGlobal), 0x41, 0x01, 0x6b, 0x24, ...uleb(m.budgetGlobal));
    // Non-nullable locals are set before anything (at the top level, so they count as set everywhere).
    for (let l = this.numParams; l < this.nonDefaultableLocals; l++) {
      if (defaultable(this.locals[l])) continue;
      this.refFunc(refTarget(this.locals[l]));
      this.emit(0x21, ...uleb(l));
    }
    this.labels.push({ kind: 'func', types: this.sig.results });
    this.stmts(m.opts.maxDepth);
    for (const t of this.sig.results) this.expr(t, m.opts.maxDepth);
    this.labels.pop();
    this.emit(0x0b);
    return this.code;
  }

  private stmts(d: number): void {
    const n = this.rng.int(this.m.opts.maxStmts + 1);
    for (let i = 0; i < n; i++) this.stmt(d);
  }

  private pushValues(types: number[], d: number): void {
    for (const t of types) this.expr(t, d);
  }

  /** Pops values of the given types (top of stack last in the list) into scratch locals. */
  private discard(types: number[]): void {
    for (let i = types.length - 1; i >= 0; i--) {
      if (this.rng.chance(0.5) || !defaultable(types[i])) this.emit(0x1a);
      else this.emit(0x21, ...uleb(this.scratchLocal(types[i])));
    }
  }

  /** Emits a blocktype for params -> results, registering a type index when needed. */
  private blocktype(params: number[], results: number[]): void {
    if (params.length === 0 && results.length === 0) this.emit(0x40);
    else if (params.length === 0 && results.length === 1 && this.rng.chance(0.7)) this.emit(...valtype(results[0]));
    else this.emit(...slebBig(BigInt(typeIndex(this.m, { params, results }))));
  }

  /** A block-like construct (block/loop/if) with params and results. Leaves `results` on the stack. */
  private structured(kind: 'block' | 'loop' | 'if', params: number[], results: number[], d: number): void {
    this.pushValues(params, d - 1);
    let label: Label;
    if (kind === 'loop') {
      const counter = this.newLocal(I32);
      this.reserved.add(counter);
      label = { kind, types: params, counter, bound: this.rng.range(1, 6) };
    } else {
      label = { kind, types: results };
    }
    if (kind === 'if') this.expr(I32, d - 1);
    this.emit(kind === 'block' ? 0x02 : kind === 'loop' ? 0x03 : 0x04);
    this.blocktype(params, results);
    this.labels.push(label);
    this.blockBody(params, results, d);
    if (kind === 'if' && (results.length !== params.length || !results.every((t, i) => t === params[i]) || this.rng.chance(0.6))) {
      this.emit(0x05);
      this.blockBody(params, results, d);
    }
    this.labels.pop();
    this.emit(0x0b);
  }

  /** Body of a block that starts with `params` on its stack and must end with `results`. */
  private blockBody(params: number[], results: number[], d: number): void {
    // Consume the params: either fold them into the first result or stash them.
    if (params.length === 1 && results.length >= 1 && params[0] === results[0] && isNum(params[0]) && this.rng.chance(0.5)) {
      // param becomes the first result after a unary/binary op.
      this.stmtsNoStack(d);
      const t = params[0];
      if (this.rng.chance(0.5)) {
        this.expr(t, d - 1);
        if (t === F32 || t === F64) {
          const [op, nan] = this.rng.pick(t === F32 ? F32_BINOPS : F64_BINOPS);
          this.floatOp(op, nan, t);
        } else this.emit(this.rng.pick(t === I32 ? I32_BINOPS : I64_BINOPS));
      } else if (t === F32 || t === F64) {
        const [op, nan] = this.rng.pick(t === F32 ? F32_UNOPS : F64_UNOPS);
        this.floatOp(op, nan, t);
      } else {
        this.emit(this.rng.pick(t === I32 ? I32_UNOPS : I64_UNOPS));
      }
      for (const r of results.slice(1)) this.expr(r, d - 1);
      return;
    }
    this.discard(params);
    this.stmts(d - 1);
    this.pushValues(results, d - 1);
  }

  /**
   * Statements while values are on the stack (still fine: statements are
   * stack-neutral). Kept separate for readability.
   */
  private stmtsNoStack(d: number): void {
    if (this.rng.chance(0.5)) this.stmt(d - 1);
  }

  /** Index (relative depth) of a label to branch to whose types are acceptable, or undefined. */
  private pickLabel(filter?: (l: Label) => boolean): number | undefined {
    const cands: number[] = [];
    for (let i = 0; i < this.labels.length; i++) {
      const l = this.labels[this.labels.length - 1 - i];
      if (!filter || filter(l)) cands.push(i);
    }
    return cands.length ? this.rng.pick(cands) : undefined;
  }

  private label(rel: number): Label {
    return this.labels[this.labels.length - 1 - rel];
  }

  /** Emits an i32 condition; for loop labels, the guard that bounds iterations (AND-ed in). */
  private branchCondition(l: Label, d: number): void {
    if (l.kind === 'loop') {
      // counter += 1; counter <= bound
      this.emit(0x20, ...uleb(l.counter!), 0x41, 0x01, 0x6a, 0x22, ...uleb(l.counter!));
      this.emit(0x41, ...sleb32(l.bound!), 0x4d);
      if (this.rng.chance(0.5)) {
        this.expr(I32, d - 1);
        this.emit(0x71); // and
      }
    } else {
      this.expr(I32, d - 1);
    }
  }

  /** Unconditional transfer (br / br_table / return): leaves the stack polymorphic. */
  private branchAway(d: number): void {
    const choice = this.rng.int(this.m.opts.exceptions ? 5 : 4);
    if (choice === 4) {
      this.throwAway(d);
      return;
    }
    if (choice === 0) {
      this.pushValues(this.sig.results, d - 1);
      this.emit(0x0f);
      return;
    }
    const rel = this.pickLabel(l => l.kind !== 'loop');
    if (rel === undefined) {
      this.emit(0x00);
      return;
    }
    const l = this.label(rel);
    this.pushValues(l.types, d - 1);
    if (choice === 1) {
      // br_table over labels with the same types (never loops: they need a guard).
      const key = l.types.join(',');
      const same: number[] = [];
      for (let i = 0; i < this.labels.length; i++) {
        const li = this.label(i);
        if (li.kind !== 'loop' && li.types.join(',') === key) same.push(i);
      }
      const n = this.rng.int(6);
      const targets: number[] = [];
      for (let i = 0; i < n; i++) targets.push(this.rng.pick(same));
      this.expr(I32, d - 1);
      this.emit(0x0e, ...uleb(n));
      for (const t of targets) this.emit(...uleb(t));
      this.emit(...uleb(rel));
    } else {
      this.emit(0x0c, ...uleb(rel));
    }
  }

  /** A memory for a memory instruction: 0, or any with multiMemory. */
  private memory(): number {
    return this.m.memories.length > 1 ? this.rng.int(this.m.memories.length) : 0;
  }

  /** The memories of address type `at`. */
  private memoriesOf(at: number): number[] {
    return range(0, this.m.memories.length - 1).filter(i => this.m.memories[i].at === at);
  }

  /** A memarg (alignment, memory index when not 0, offset); an i64 memory's offsets reach past 2^32. */
  private memarg(natural: number, mem = 0): void {
    const align = this.rng.int(natural + 1);
    let offset: number | bigint;
    if (this.m.memories[mem].at === I64 && this.rng.chance(0.1)) {
      offset = this.rng.pick([0x100000000n, 0xffffffffn, 0xfffffffffffffff0n, 0x7fffffffffffffffn, 1n << 40n]);
    } else {
      switch (this.rng.int(24)) {
        case 0: offset = this.rng.range(0, 0xffff); break;
        case 1: offset = this.rng.pick([0xffffffff, 0xfffffff0, 0x10000, 0xfffc, 0x7fffffff]); break;
        default: offset = this.rng.int(64);
      }
    }
    if (mem === 0) this.emit(...uleb(align));
    else this.emit(...uleb(align | 0x40), ...uleb(mem));
    this.emit(...ulebBig(BigInt(offset)));
  }

  /** An integer constant of type t (I32 or I64). */
  private intConst(t: number, v: number | bigint): void {
    if (t === I32) this.emit(0x41, ...sleb32(Number(v)));
    else this.emit(0x42, ...slebBig(BigInt(v)));
  }

  /** An address into memory `mem`: mostly in bounds, sometimes near the end or wild (at and past 2^32 for an i64 memory). */
  private address(d: number, mem = 0): void {
    const { at, pages } = this.m.memories[mem];
    const pageBytes = 65536 * pages;
    switch (this.rng.int(16)) {
      case 0: this.intConst(at, pageBytes - this.rng.int(16)); break;
      case 1: this.expr(at, d - 1); break;
      case 2: this.intConst(at, at === I32 ? this.rng.i32Interesting() : this.rng.i64Interesting()); break;
      case 3: case 4: {
        // (local & 0xff)
        this.expr(at, d - 1);
        this.intConst(at, 0xff);
        this.emit(at === I32 ? 0x71 : 0x83);
        break;
      }
      default:
        if (at === I64 && this.rng.chance(0.15)) this.intConst(at, (1n << 32n) + BigInt(this.rng.range(-8, 8)));
        else this.intConst(at, this.rng.int(256));
    }
  }

  /** A small length or count operand of type `at` (sometimes huge, to test bounds). */
  private count(d: number, at = I32): void {
    if (this.rng.chance(0.15)) this.expr(at, d - 1);
    else if (this.rng.chance(0.1)) this.intConst(at, at === I32 ? this.rng.i32Interesting() : this.rng.i64Interesting());
    else this.intConst(at, this.rng.int(40));
  }

  private tableIndex(d: number): void {
    if (this.rng.chance(0.2)) this.expr(this.m.tableAt, d - 1);
    else this.intConst(this.m.tableAt, this.rng.int(this.m.tableSize + 3));
  }

  /** A funcref operand. */
  private funcref(d: number): void {
    switch (this.rng.int(3)) {
      case 0: this.emit(0xd0, FUNCREF); break;
      case 1: this.emit(0xd2, ...uleb(this.rng.int(this.m.funcSigs.length))); break;
      default: this.tableIndex(d); this.emit(0x25, 0x00);
    }
  }

  /** Calls function `f` (or indirectly through the table) and reduces its results to `want` (or none). */
  private call(d: number, want: number | null): boolean {
    const m = this.m;
    if (m.opts.functionReferences && this.rng.chance(0.25)) return this.callRef(d, want);
    const indirect = this.rng.chance(0.3);
    let sig: FuncSig;
    let funcIdx = 0;
    let typeIdx = 0;
    if (indirect) {
      typeIdx = this.rng.int(m.types.length);
      sig = m.types[typeIdx];
    } else {
      funcIdx = this.rng.int(m.funcSigs.length);
      sig = m.funcSigs[funcIdx];
    }
    if (want !== null && (sig.results.length === 0 || sig.results[0] !== want)) return false;
    this.pushValues(sig.params, d - 1);
    if (indirect) {
      this.tableIndex(d);
      this.emit(0x11, ...uleb(typeIdx), 0x00);
    } else {
      this.emit(0x10, ...uleb(funcIdx));
    }
    this.discard(want === null ? sig.results : sig.results.slice(1));
    return true;
  }

  /** `select` of two values of type t (d > 0): typed `select t` or, for numbers, untyped by chance. */
  private select(t: number, d: number): void {
    this.expr(t, d - 1);
    this.expr(t, d - 1);
    this.expr(I32, d - 1);
    if (isNum(t) && this.rng.chance(0.5)) this.emit(0x1b);
    else this.emit(0x1c, 0x01, ...valtype(t));
  }

  /** Pushes one value of type t. */
  expr(t: number, d: number): void {
    const r = this.rng;
    if (!isNum(t)) {
      this.refExpr(t, d);
      return;
    }
    if (d <= 0) {
      this.leaf(t);
      return;
    }
    if (this.wasm3Code && r.chance(0.08) && this.expr3(t, d)) return;
    if (t === F32 || t === F64) {
      this.floatExpr(t, d);
      return;
    }
    const is32 = t === I32;
    const w = [
      /*0 leaf*/ 6,
      /*1 unop*/ 3,
      /*2 binop*/ 8,
      /*3 compare*/ is32 ? 3 : 0,
      /*4 convert*/ 2,
      /*5 load*/ 3,
      /*6 memory.size/grow*/ this.memoriesOf(t).length ? 1 : 0,
      /*7 select*/ 2,
      /*8 local.tee*/ 1,
      /*9 call*/ 2,
      /*10 block/loop/if*/ 2,
      /*11 branch away*/ 1,
      /*12 br_if value*/ 1,
      /*13 table ops*/ is32 || t === this.m.tableAt ? 1 : 0,
    ];
    switch (r.weighted(w)) {
      case 0: this.leaf(t); return;
      case 1:
        this.expr(t, d - 1);
        this.emit(r.pick(is32 ? I32_UNOPS : I64_UNOPS));
        return;
      case 2:
        this.expr(t, d - 1);
        this.expr(t, d - 1);
        this.emit(r.pick(is32 ? I32_BINOPS : I64_BINOPS));
        return;
      case 3: {
        const u = r.pick(this.m.valtypes);
        if (u === F32 || u === F64) {
          this.expr(u, d - 1);
          this.expr(u, d - 1);
          this.emit(r.pick(u === F32 ? F32_CMPS : F64_CMPS));
          return;
        }
        if (r.chance(0.2)) {
          this.expr(u, d - 1);
          this.emit(u === I32 ? 0x45 : 0x50);
        } else {
          this.expr(u, d - 1);
          this.expr(u, d - 1);
          this.emit(r.pick(u === I32 ? I32_CMPS : I64_CMPS));
        }
        return;
      }
      case 4:
        if (this.m.opts.floats && r.chance(0.5)) {
          // from a float: trapping or saturating truncation, or reinterpret
          const from = r.pick([F32, F64]);
          this.expr(from, d - 1);
          const k = r.int(3);
          if (k === 2 && (from === F32) === is32) this.emit(is32 ? 0xbc : 0xbd);
          else {
            const base = is32 ? (from === F32 ? 0 : 2) : (from === F32 ? 4 : 6);
            if (k === 0) this.emit([0xa8, 0xaa, 0xae, 0xb0][base / 2] + r.int(2)); // trunc_*_s/u
            else this.emit(0xfc, ...uleb(base + r.int(2))); // trunc_sat_*_s/u
          }
          return;
        }
        if (is32) {
          this.expr(I64, d - 1);
          this.emit(0xa7);
        } else {
          this.expr(I32, d - 1);
          this.emit(r.pick([0xac, 0xad]));
        }
        return;
      case 5: {
        const [op, nat] = r.pick(is32 ? I32_LOADS : I64_LOADS);
        const mem = this.memory();
        this.address(d, mem);
        this.emit(op);
        this.memarg(nat, mem);
        return;
      }
      case 6: {
        const mems = this.memoriesOf(t);
        const mem = mems.length > 1 ? r.pick(mems) : mems[0];
        if (r.chance(0.4)) {
          this.emit(0x3f, ...uleb(mem));
        } else {
          if (r.chance(0.7)) this.intConst(t, r.int(3));
          else this.expr(t, d - 1);
          this.emit(0x40, ...uleb(mem));
        }
        return;
      }
      case 7:
        this.select(t, d);
        return;
      case 8: {
        const l = this.localOfType(t) ?? this.newLocal(t);
        this.expr(t, d - 1);
        this.emit(0x22, ...uleb(l));
        return;
      }
      case 9:
        for (let tries = 0; tries < 4; tries++) if (this.call(d, t)) return;
        this.leaf(t);
        return;
      case 10: {
        const params = randomTypes(r, 2, this.m.localTypes);
        const results = [t, ...randomTypes(r, 1, this.m.localTypes)];
        this.structured(r.pick(['block', 'loop', 'if'] as const), params, results, d);
        this.discard(results.slice(1));
        return;
      }
      case 11:
        this.branchAway(d);
        return;
      case 12: {
        // br_if to a label carrying exactly [t]; the value stays when not taken.
        const rel = this.pickLabel(l => l.types.length === 1 && l.types[0] === t);
        if (rel === undefined) {
          this.leaf(t);
          return;
        }
        this.expr(t, d - 1);
        this.branchCondition(this.label(rel), d);
        this.emit(0x0d, ...uleb(rel));
        return;
      }
      case 13:
        // table.size and table.grow give the table's address type, ref.is_null an i32
        switch (t !== this.m.tableAt ? 2 : is32 ? r.int(3) : r.int(2)) {
          case 0: this.emit(0xfc, ...uleb(0x10), 0x00); return; // table.size
          case 1: // table.grow
            this.funcref(d);
            this.count(d, this.m.tableAt);
            this.emit(0xfc, ...uleb(0x0f), 0x00);
            return;
          default: // ref.is_null (table.get i)
            this.tableIndex(d);
            this.emit(0x25, 0x00, 0xd1);
            return;
        }
      default:
        throw new Error('gen-module: expression case out of range');
    }
  }

  /** Pushes one f32 or f64 value (d > 0). */
  private floatExpr(t: number, d: number): void {
    const r = this.rng;
    const f32 = t === F32;
    const w = [
      /*0 leaf*/ 6,
      /*1 unop*/ 3,
      /*2 binop*/ 8,
      /*3 convert*/ 3,
      /*4 load*/ 2,
      /*5 select*/ 2,
      /*6 local.tee*/ 1,
      /*7 call*/ 2,
      /*8 block/loop/if*/ 2,
      /*9 branch away*/ 1,
      /*10 br_if value*/ 1,
    ];
    switch (r.weighted(w)) {
      case 0: this.leaf(t); return;
      case 1: {
        this.expr(t, d - 1);
        const [op, nan] = r.pick(f32 ? F32_UNOPS : F64_UNOPS);
        this.floatOp(op, nan, t);
        return;
      }
      case 2: {
        this.expr(t, d - 1);
        this.expr(t, d - 1);
        const [op, nan] = r.pick(f32 ? F32_BINOPS : F64_BINOPS);
        this.floatOp(op, nan, t);
        return;
      }
      case 3: {
        switch (r.int(3)) {
          case 0: { // convert_i32/i64_s/u
            const from = r.pick(INT_TYPES);
            this.expr(from, d - 1);
            this.emit((f32 ? (from === I32 ? 0xb2 : 0xb4) : (from === I32 ? 0xb7 : 0xb9)) + r.int(2));
            return;
          }
          case 1: // demote / promote
            this.expr(f32 ? F64 : F32, d - 1);
            this.floatOp(f32 ? 0xb6 : 0xbb, true, t);
            return;
          default: // reinterpret
            this.expr(f32 ? I32 : I64, d - 1);
            this.emit(f32 ? 0xbe : 0xbf);
            return;
        }
      }
      case 4: {
        const mem = this.memory();
        this.address(d, mem);
        this.emit(f32 ? 0x2a : 0x2b);
        this.memarg(f32 ? 2 : 3, mem);
        return;
      }
      case 5:
        this.select(t, d);
        return;
      case 6: {
        const l = this.localOfType(t) ?? this.newLocal(t);
        this.expr(t, d - 1);
        this.emit(0x22, ...uleb(l));
        return;
      }
      case 7:
        for (let tries = 0; tries < 4; tries++) if (this.call(d, t)) return;
        this.leaf(t);
        return;
      case 8: {
        const params = randomTypes(r, 2, this.m.valtypes);
        const results = [t, ...randomTypes(r, 1, this.m.valtypes)];
        this.structured(r.pick(['block', 'loop', 'if'] as const), params, results, d);
        this.discard(results.slice(1));
        return;
      }
      case 9:
        this.branchAway(d);
        return;
      default: {
        const rel = this.pickLabel(l => l.types.length === 1 && l.types[0] === t);
        if (rel === undefined) {
          this.leaf(t);
          return;
        }
        this.expr(t, d - 1);
        this.branchCondition(this.label(rel), d);
        this.emit(0x0d, ...uleb(rel));
      }
    }
  }

  private leaf(t: number): void {
    const r = this.rng;
    switch (r.int(4)) {
      case 0: {
        const l = this.localOfType(t);
        if (l !== undefined) {
          this.emit(0x20, ...uleb(l));
          return;
        }
        break;
      }
      case 1: {
        const g = this.globalOfType(t, false);
        if (g !== undefined) {
          this.emit(0x23, ...uleb(g));
          return;
        }
        break;
      }
    }
    if (t === I32) this.emit(0x41, ...sleb32(r.i32Interesting()));
    else if (t === I64) this.emit(0x42, ...slebBig(r.i64Interesting()));
    else this.floatConst(t);
  }

  /**
   * A tail call (return_call / return_call_indirect through the table) of a
   * function whose results are this function's; false when there is none.
   * Like every call it spends the call budget, so tail recursion ends too.
   */
  private tailCall(d: number): boolean {
    const m = this.m;
    const same = (sig: FuncSig) => sameTypes(sig.results, this.sig.results);
    if (m.opts.functionReferences && this.rng.chance(0.3)) {
      const ks = this.refTargets().filter(k => same(m.types[k]));
      if (ks.length === 0) return false;
      const k = this.rng.pick(ks);
      this.pushValues(m.types[k].params, d - 1);
      this.refExpr(refType(k, this.rng.chance(0.3)), d - 1);
      this.emit(0x15, ...uleb(k));
      return true;
    }
    if (this.rng.chance(0.3)) {
      const types = m.types.map((sig, i) => [sig, i] as const).filter(([sig]) => same(sig));
      if (types.length === 0) return false;
      const [sig, typeIdx] = this.rng.pick(types);
      this.pushValues(sig.params, d - 1);
      this.tableIndex(d);
      this.emit(0x13, ...uleb(typeIdx), 0x00);
      return true;
    }
    const funcs = m.funcSigs.map((sig, i) => [sig, i] as const).filter(([sig]) => same(sig));
    if (funcs.length === 0) return false;
    const [sig, funcIdx] = this.rng.pick(funcs);
    this.pushValues(sig.params, d - 1);
    this.emit(0x12, ...uleb(funcIdx));
    return true;
  }

  /** Whether code may use exceptions or typed references (their random choices are only made then). */
  private get wasm3Code(): boolean {
    return !!(this.m.opts.exceptions || this.m.opts.functionReferences);
  }

  /** The function types typed references point to. */
  private refTargets(): number[] {
    return [...new Set(this.m.refTypes.map(refTarget))];
  }

  /** ref.func of a function of type index k. */
  private refFunc(k: number): void {
    const funcs = range(0, this.m.funcTypeIdx.length - 1).filter(f => this.m.funcTypeIdx[f] === k);
    this.emit(0xd2, ...uleb(this.rng.pick(funcs)));
  }

  /** Pushes a value of reference type t: exnref, or a typed function reference. */
  private refExpr(t: number, d: number): void {
    const r = this.rng;
    if (t === EXNREF) {
      // a local (null until a handler stored an exception there) or null
      const l = this.localOfType(t);
      if (l !== undefined && r.chance(0.8)) this.emit(0x20, ...uleb(l));
      else this.emit(0xd0, EXNREF);
      return;
    }
    const k = refTarget(t);
    switch (d <= 0 ? 0 : r.int(7)) {
      case 1: // ref.as_non_null (traps on null)
        this.refExpr(refType(k, true), d - 1);
        this.emit(0xd4);
        return;
      case 2: { // br_on_null to a label without values; the reference, now non-null, stays
        const rel = this.pickLabel(l => l.kind !== 'loop' && l.types.length === 0);
        if (rel === undefined) break;
        this.refExpr(refType(k, true), d - 1);
        this.emit(0xd5, ...uleb(rel));
        return;
      }
      case 3:
        this.select(t, d);
        return;
      case 4:
        this.structured(r.pick(['block', 'loop', 'if'] as const), [], [t], d);
        return;
      case 5: {
        const l = this.localOfType(t);
        if (l === undefined) break;
        this.refExpr(t, d - 1);
        this.emit(0x22, ...uleb(l));
        return;
      }
    }
    const l = this.localOfType(t);
    const leaf = r.int(3);
    if (leaf === 0 && l !== undefined) this.emit(0x20, ...uleb(l));
    else if (leaf === 1 && defaultable(t)) this.emit(0xd0, ...slebBig(BigInt(k)));
    else this.refFunc(k);
  }

  /** call_ref through a typed reference (null traps), like `call`. */
  private callRef(d: number, want: number | null): boolean {
    const targets = this.refTargets();
    if (targets.length === 0) return false;
    const k = this.rng.pick(targets);
    const sig = this.m.types[k];
    if (want !== null && (sig.results.length === 0 || sig.results[0] !== want)) return false;
    this.pushValues(sig.params, d - 1);
    this.refExpr(refType(k, this.rng.chance(0.3)), d - 1);
    this.emit(0x14, ...uleb(k));
    this.discard(want === null ? sig.results : sig.results.slice(1));
    return true;
  }

  /** throw of a tag (its payload first) or throw_ref (a null exnref traps): leaves the stack polymorphic. */
  private throwAway(d: number): void {
    if (this.rng.chance(0.25)) {
      this.refExpr(EXNREF, d - 1);
      this.emit(0x0a);
      return;
    }
    const tag = this.rng.int(this.m.tags.length);
    this.pushValues(this.m.tags[tag], d - 1);
    this.emit(0x08, ...uleb(tag));
  }

  /** A random catch clause without its label, and the values it sends there. */
  private catchClause(): { bytes: Bytes; types: number[] } {
    const kind = this.rng.int(4); // catch, catch_ref, catch_all, catch_all_ref
    if (kind >= 2) return { bytes: [kind], types: kind === 3 ? [EXNREF] : [] };
    const tag = this.rng.int(this.m.tags.length);
    const params = this.m.tags[tag];
    return { bytes: [kind, ...uleb(tag)], types: kind === 1 ? [...params, EXNREF] : params };
  }

  /**
   * try_table with `results` inside two blocks: the outer one is where both
   * ways out end, the inner one receives the first catch clause's values,
   * which the handler code drops, stores (an exnref into a local, for a later
   * throw_ref) or rethrows. Up to two more clauses go to any enclosing block
   * with their types. Leaves `results` on the stack.
   */
  private tryTable(results: number[], d: number): void {
    const r = this.rng;
    this.emit(0x02);
    this.blocktype([], results);
    this.labels.push({ kind: 'block', types: results });
    const first = this.catchClause();
    this.emit(0x02);
    this.blocktype([], first.types);
    this.labels.push({ kind: 'block', types: first.types });
    const clauses: Bytes[] = [[...first.bytes, 0]];
    for (let i = r.int(3); i > 0; i--) {
      const c = this.catchClause();
      const rel = this.pickLabel(l => l.kind !== 'loop' && sameTypes(l.types, c.types));
      if (rel !== undefined) clauses.push([...c.bytes, ...uleb(rel)]);
    }
    this.emit(0x1f);
    this.blocktype([], results);
    this.emit(...vec(clauses));
    this.labels.push({ kind: 'block', types: results });
    this.stmts(d - 1);
    this.pushValues(results, d - 1);
    this.labels.pop();
    this.emit(0x0b, 0x0c, 0x01); // end of try_table; br to the outer block
    this.labels.pop();
    this.emit(0x0b);
    // the handler, with the caught values on the stack
    if (first.types[first.types.length - 1] === EXNREF && r.chance(0.3)) this.emit(0x0a);
    else this.discard(first.types);
    this.stmts(d - 1);
    this.pushValues(results, d - 1);
    this.labels.pop();
    this.emit(0x0b);
  }

  /** Reference types in this module's code (typed references, exnref). */
  private refValueTypes(): number[] {
    return this.m.localTypes.filter(t => !isNum(t));
  }

  /** A WebAssembly 3.0 construct pushing a value of numeric type t; false when none fits. */
  private expr3(t: number, d: number): boolean {
    const r = this.rng;
    const refs = this.refValueTypes();
    const choices: Array<() => void> = [];
    if (this.m.opts.exceptions) choices.push(() => this.tryTable([t], d));
    if (t === I32 && refs.length) {
      choices.push(() => {
        this.refExpr(r.pick(refs), d - 1);
        this.emit(0xd1); // ref.is_null
      });
    }
    if (choices.length === 0) return false;
    r.pick(choices)();
    return true;
  }

  /** A stack-neutral WebAssembly 3.0 statement; false when none fits. */
  private stmt3(d: number): boolean {
    const r = this.rng;
    const choices: Array<() => boolean> = [];
    if (this.m.opts.exceptions) {
      choices.push(() => {
        const results = randomTypes(r, 2, this.m.localTypes);
        this.tryTable(results, d);
        this.discard(results);
        return true;
      });
      // if (c) throw
      choices.push(() => {
        this.expr(I32, d - 1);
        this.emit(0x04, 0x40);
        this.labels.push({ kind: 'if', types: [] });
        this.throwAway(d);
        this.labels.pop();
        this.emit(0x0b);
        return true;
      });
    }
    if (this.m.refTypes.length) {
      // br_on_non_null to a label whose last value is a typed reference
      choices.push(() => {
        const rel = this.pickLabel(l => l.kind !== 'loop' && l.types.length > 0 && isTypedRef(l.types[l.types.length - 1]));
        if (rel === undefined) return false;
        const types = this.label(rel).types;
        const rest = types.slice(0, -1);
        this.pushValues(rest, d - 1);
        this.refExpr(refType(refTarget(types[types.length - 1]), true), d - 1);
        this.emit(0xd6, ...uleb(rel));
        this.discard(rest);
        return true;
      });
      choices.push(() => {
        this.refExpr(r.pick(this.m.refTypes), d - 1);
        this.emit(0xd4, 0x1a); // ref.as_non_null; drop
        return true;
      });
    }
    return choices.length > 0 && r.pick(choices)();
  }

  /** Emits one stack-neutral statement. */
  stmt(d: number): void {
    const r = this.rng;
    const m = this.m;
    // (the random choice is only made with tail calls on: other modules stay byte-identical)
    if (m.opts.tailCalls && d > 0 && r.chance(0.06) && this.tailCall(d)) return;
    if (this.wasm3Code && d > 0 && r.chance(0.12) && this.stmt3(d)) return;
    if (d <= 0) {
      const t = r.pick(this.m.valtypes);
      const l = this.localOfType(t) ?? this.newLocal(t);
      this.leaf(t);
      this.emit(0x21, ...uleb(l));
      return;
    }
    const w = [
      /*0 local.set*/ 4,
      /*1 global.set*/ 2,
      /*2 store*/ 4,
      /*3 drop*/ 1,
      /*4 if/block/loop*/ 4,
      /*5 br_if*/ 2,
      /*6 branch away inside a block*/ 1,
      /*7 bulk memory*/ 2,
      /*8 table*/ 2,
      /*9 call*/ 3,
      /*10 host call*/ 1,
    ];
    switch (r.weighted(w)) {
      case 0: {
        const t = r.pick(this.m.localTypes);
        const l = this.localOfType(t) ?? this.newLocal(t);
        this.expr(t, d - 1);
        this.emit(0x21, ...uleb(l));
        return;
      }
      case 1: {
        const t = r.pick(this.m.valtypes);
        const g = this.globalOfType(t, true);
        if (g === undefined) return this.stmt(d - 1);
        this.expr(t, d - 1);
        this.emit(0x24, ...uleb(g));
        return;
      }
      case 2: {
        const t = r.pick(this.m.valtypes);
        const [op, nat] = t === F32 ? [0x38, 2] : t === F64 ? [0x39, 3] : r.pick(t === I32 ? I32_STORES : I64_STORES);
        const mem = this.memory();
        this.address(d, mem);
        this.expr(t, d - 1);
        this.emit(op);
        this.memarg(nat, mem);
        return;
      }
      case 3: {
        this.expr(r.pick(this.m.localTypes), d - 1);
        this.emit(0x1a);
        return;
      }
      case 4: {
        const params = r.chance(0.3) ? randomTypes(r, 2, this.m.localTypes) : [];
        const results = r.chance(0.3) ? randomTypes(r, 2, this.m.localTypes) : [];
        this.structured(r.pick(['block', 'loop', 'if'] as const), params, results, d);
        this.discard(results);
        return;
      }
      case 5: {
        const rel = this.pickLabel();
        if (rel === undefined) return;
        const l = this.label(rel);
        this.pushValues(l.types, d - 1);
        this.branchCondition(l, d);
        this.emit(0x0d, ...uleb(rel));
        this.discard(l.types);
        return;
      }
      case 6: {
        // block { stmts; br/br_table/return } — code after it is reachable again.
        this.emit(0x02, 0x40);
        this.labels.push({ kind: 'block', types: [] });
        this.stmts(d - 1);
        this.branchAway(d);
        this.labels.pop();
        this.emit(0x0b);
        return;
      }
      case 7: {
        switch (r.int(4)) {
          case 0: { // memory.fill d v n
            const mem = this.memory();
            this.address(d, mem); this.expr(I32, d - 1); this.count(d, m.memories[mem].at);
            this.emit(0xfc, ...uleb(0x0b), ...uleb(mem));
            return;
          }
          case 1: { // memory.copy d s n (n is i64 only between two i64 memories)
            const dst = this.memory();
            const src = this.memory();
            this.address(d, dst); this.address(d, src); this.count(d, m.memories[dst].at === I64 && m.memories[src].at === I64 ? I64 : I32);
            this.emit(0xfc, ...uleb(0x0a), ...uleb(dst), ...uleb(src));
            return;
          }
          case 2: { // memory.init seg d s n
            const mem = this.memory();
            this.address(d, mem); this.emit(0x41, ...sleb32(r.int(20))); this.count(d);
            this.emit(0xfc, ...uleb(0x08), ...uleb(r.int(m.numData)), ...uleb(mem));
            m.usesDataCount = true;
            return;
          }
          default:
            this.emit(0xfc, ...uleb(0x09), ...uleb(r.int(m.numData)));
            m.usesDataCount = true;
            return;
        }
      }
      case 8: {
        switch (r.int(5)) {
          case 0: // table.set i ref
            this.tableIndex(d); this.funcref(d);
            this.emit(0x26, 0x00);
            return;
          case 1: // table.fill i ref n
            this.tableIndex(d); this.funcref(d); this.count(d, m.tableAt);
            this.emit(0xfc, ...uleb(0x11), 0x00);
            return;
          case 2: // table.copy d s n
            this.tableIndex(d); this.tableIndex(d); this.count(d, m.tableAt);
            this.emit(0xfc, ...uleb(0x0e), 0x00, 0x00);
            return;
          case 3: // table.init seg d s n
            this.tableIndex(d); this.emit(0x41, ...sleb32(r.int(5))); this.count(d);
            this.emit(0xfc, ...uleb(0x0c), ...uleb(r.int(m.numElem)), 0x00);
            return;
          default:
            this.emit(0xfc, ...uleb(0x0d), ...uleb(r.int(m.numElem)));
            return;
        }
      }
      case 9:
        this.call(d, null);
        return;
      default:
        this.expr(I32, d - 1);
        this.emit(0x10, 0x00);
        this.discard([I32]);
    }
  }

  /** Locals after the parameters, run-length encoded. */
  declaredLocals(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = this.numParams; i < this.locals.length; i++) {
      const t = this.locals[i];
      if (out.length && out[out.length - 1][1] === t) out[out.length - 1][0]++;
      else out.push([1, t]);
    }
    return out;
  }
}

/**
 * Generates one module from a seed. With `floats`, also its host variant
 * (`referenceBytes`): the same random choices, NaNs canonicalized.
 */
export function generateModule(seed: number, options: Partial<GenOptions> = {}): GeneratedModule {
  const gm = generateOne(seed, { ...options, canonicalizeNaNs: false });
  if (options.floats) gm.referenceBytes = generateOne(seed, { ...options, canonicalizeNaNs: true }).bytes;
  return gm;
}

function generateOne(seed: number, options: Partial<GenOptions>): GeneratedModule {
  const rng = new Rng(seed);
  const opts = { ...DEFAULT_GEN_OPTIONS, ...options };
  const valtypes = opts.floats ? ALL_TYPES : INT_TYPES;
  const m: ModuleCtx = {
    rng, opts, valtypes, localTypes: valtypes, refTypes: [], types: [], typeKeys: new Map(), funcSigs: [], funcTypeIdx: [], globals: [], budgetGlobal: 0,
    memories: [], tableSize: 0, tableAt: I32, tags: [], passiveData: 0, numData: 0, passiveElem: 0, numElem: 0, usesDataCount: false,
  };
  const hostSig: FuncSig = { params: [I32], results: [I32] };
  m.funcSigs.push(hostSig);
  m.funcTypeIdx.push(typeIndex(m, hostSig));
  const nFuncs = rng.range(1, opts.maxFuncs);
  for (let i = 0; i < nFuncs; i++) {
    const sig: FuncSig = { params: randomTypes(rng, 3, m.valtypes), results: randomTypes(rng, rng.chance(0.2) ? 3 : 1, m.valtypes) };
    m.funcSigs.push(sig);
    m.funcTypeIdx.push(typeIndex(m, sig));
  }
  if (opts.functionReferences) {
    // typed references to the types of one or two functions, and functions taking one as their last parameter
    for (const k of new Set([rng.pick(m.funcTypeIdx.slice(1)), rng.pick(m.funcTypeIdx.slice(1))])) m.refTypes.push(refType(k, true), refType(k, false));
    for (let i = rng.int(3); i > 0; i--) {
      const sig: FuncSig = { params: [...randomTypes(rng, 2, m.valtypes), rng.pick(m.refTypes)], results: randomTypes(rng, 1, m.valtypes) };
      m.funcSigs.push(sig);
      m.funcTypeIdx.push(typeIndex(m, sig));
    }
  }
  if (opts.exceptions) {
    // sometimes a function with an exnref parameter or result: wasm calls it, JS gets a TypeError (JS API: exnref does not cross to JS)
    if (rng.chance(0.3)) {
      const sig: FuncSig = rng.chance(0.5)
        ? { params: randomTypes(rng, 2, m.valtypes), results: [EXNREF] }
        : { params: [...randomTypes(rng, 1, m.valtypes), EXNREF], results: randomTypes(rng, 1, m.valtypes) };
      m.funcSigs.push(sig);
      m.funcTypeIdx.push(typeIndex(m, sig));
    }
    // tag 0 is the host's import env.t (i32)
    m.tags.push([I32]);
    for (let i = rng.range(1, 3); i > 0; i--) m.tags.push(randomTypes(rng, 2, m.valtypes));
  }
  m.localTypes = [...m.valtypes, ...m.refTypes, ...(opts.exceptions ? [EXNREF] : [])];
  const resetSig: FuncSig = { params: [], results: [] };
  const resetType = typeIndex(m, resetSig);
  const probeSig: FuncSig = { params: [I32], results: [I32] };
  const probeType = typeIndex(m, probeSig);
  // A few extra types so call_indirect can name types no function has.
  for (let i = rng.int(3); i > 0; i--) typeIndex(m, { params: randomTypes(rng, 2, m.valtypes), results: randomTypes(rng, 2, m.valtypes) });
  const tagTypes = m.tags.map(params => typeIndex(m, { params, results: [] }));

  m.budgetGlobal = 0;
  m.globals.push({ type: I32, mutable: true });
  const nGlobals = rng.range(1, 5);
  const globalInits: Bytes[] = [[0x41, ...sleb32(opts.callBudget), 0x0b]];
  for (let i = 0; i < nGlobals; i++) {
    const t = rng.pick(m.valtypes);
    m.globals.push({ type: t, mutable: rng.chance(0.7) });
    globalInits.push(opts.extendedConst && (t === I32 || t === I64) ? [...extendedConstExpr(m, t, 2, m.globals.length - 1), 0x0b]
      : t === I32 ? [0x41, ...sleb32(rng.i32Interesting()), 0x0b]
        : t === I64 ? [0x42, ...slebBig(rng.i64Interesting()), 0x0b]
          : t === F32 ? [0x43, ...le32(rng.pick(F32_EDGES)), 0x0b] : [0x44, ...le32(rng.u32()), ...le32(rng.pick(F64_EDGES_HI)), 0x0b]);
  }
  const pages = rng.range(1, 2);
  m.memories.push({ at: I32, pages, max: pages + rng.int(3) });
  if (opts.multiMemory) {
    for (let i = rng.int(3); i > 0; i--) {
      const p = rng.range(0, 2);
      m.memories.push({ at: I32, pages: p, max: p + rng.int(3) });
    }
  }
  if (opts.memory64) for (const mem of m.memories) mem.at = rng.chance(0.6) ? I64 : I32;
  m.tableSize = rng.range(2, 8);
  if (opts.table64 && rng.chance(0.6)) m.tableAt = I64;
  m.numData = 1 + m.memories.length; // an active one per memory (the first at index 0), the passive one at index 1
  m.passiveData = 1;
  m.numElem = 3; // active, passive, declarative

  // Bodies (may add block types to m.types).
  const bodies: Bytes[] = [];
  for (let i = 1; i < m.funcSigs.length; i++) {
    const g = new FuncGen(m, m.funcSigs[i]);
    const code = g.body();
    bodies.push(funcBody(g.declaredLocals(), code));
  }
  const numFuncs = m.funcSigs.length; // host + defined
  const resetIdx = numFuncs;
  const probeIdx = numFuncs + 1;
  bodies.push(funcBody([], [0x41, ...sleb32(opts.callBudget), 0x24, 0x00, 0x0b]));
  // Sometimes a start function (spec 2.5.9): it runs during instantiation, may trap there.
  let startBody: Bytes | null = null;
  if (rng.chance(0.3)) {
    const g = new FuncGen(m, resetSig);
    const code = g.body();
    startBody = funcBody(g.declaredLocals(), code);
  }
  // probe(i) = i < table.size ? ref.is_null(table.get i) : -1 (i extended to i64 for a table64)
  const index = m.tableAt === I64 ? [0x20, 0x00, 0xad] : [0x20, 0x00];
  bodies.push(funcBody([], [
    ...index, 0xfc, ...uleb(0x10), 0x00, m.tableAt === I64 ? 0x54 : 0x49,
    0x04, I32, ...index, 0x25, 0x00, 0xd1, 0x05, 0x41, 0x7f, 0x0b, 0x0b,
  ]));

  const sections: Bytes[] = [];
  sections.push(section(1, vec(m.types.map(s => functype(s.params, s.results)))));
  const imports: Bytes[] = [[...name(HOST_IMPORT.module), ...name(HOST_IMPORT.name), 0x00, ...uleb(m.funcTypeIdx[0])]];
  if (opts.exceptions) imports.push([...name(HOST_TAG.module), ...name(HOST_TAG.name), 0x04, 0x00, ...uleb(tagTypes[0])]);
  sections.push(section(2, vec(imports)));
  const funcDecls: Bytes[] = m.funcTypeIdx.slice(1).map(t => uleb(t));
  funcDecls.push(uleb(resetType), uleb(probeType));
  if (startBody) {
    funcDecls.push(uleb(resetType));
    bodies.push(startBody);
  }
  sections.push(section(3, vec(funcDecls)));
  const table64 = m.tableAt === I64 ? 0x04 : 0;
  const tableMax = rng.chance(0.5) ? [0x01 | table64, ...uleb(m.tableSize), ...uleb(m.tableSize + rng.int(6))] : [table64, ...uleb(m.tableSize)];
  sections.push(section(4, vec([[FUNCREF, ...tableMax]])));
  sections.push(section(5, vec(m.memories.map(mem => [mem.at === I64 ? 0x05 : 0x01, ...uleb(mem.pages), ...uleb(mem.max)]))));
  if (m.tags.length > 1) sections.push(section(13, vec(tagTypes.slice(1).map(t => [0x00, ...uleb(t)]))));
  sections.push(section(6, vec(m.globals.map((g, i) => [g.type, g.mutable ? 1 : 0, ...globalInits[i]]))));
  const exportEntries: Bytes[] = [];
  const funcs: GeneratedModule['funcs'] = [];
  for (let i = 1; i < numFuncs; i++) {
    // JS can pass null for a nullable reference parameter, nothing for a non-nullable one
    if (!m.funcSigs[i].params.every(defaultable)) continue;
    exportEntries.push([...name(`f${i}`), 0x00, ...uleb(i)]);
    funcs.push({ name: `f${i}`, sig: m.funcSigs[i] });
  }
  exportEntries.push([...name('reset'), 0x00, ...uleb(resetIdx)]);
  exportEntries.push([...name('probe'), 0x00, ...uleb(probeIdx)]);
  const memories = m.memories.map((_, k) => (k === 0 ? 'mem' : `mem${k}`));
  memories.forEach((memName, k) => exportEntries.push([...name(memName), 0x02, ...uleb(k)]));
  const globals: GeneratedModule['globals'] = [];
  m.globals.forEach((g, i) => {
    exportEntries.push([...name(`g${i}`), 0x03, ...uleb(i)]);
    globals.push({ name: `g${i}`, type: g.type, mutable: g.mutable });
  });
  sections.push(section(7, vec(exportEntries)));
  if (startBody) sections.push(section(8, uleb(probeIdx + 1)));
  // Elements: active (flags 0) at 0 with some functions, passive (flags 1), declarative (flags 3) of all.
  const allFuncs = range(0, numFuncs - 1);
  const activeLen = rng.int(m.tableSize + 1);
  const activeFuncs = Array.from({ length: activeLen }, () => rng.int(numFuncs));
  const passiveFuncs = Array.from({ length: rng.range(1, 5) }, () => rng.int(numFuncs));
  sections.push(section(9, vec([
    [0x00, ...offsetExpr(m, m.tableAt, rng.int(m.tableSize - activeLen + 1)), ...vec(activeFuncs.map(f => uleb(f)))],
    [0x01, 0x00, ...vec(passiveFuncs.map(f => uleb(f)))],
    [0x03, 0x00, ...vec(allFuncs.map(f => uleb(f)))],
  ])));
  if (m.usesDataCount) sections.push(section(12, uleb(m.numData)));
  sections.push(section(10, vec(bodies)));
  const activeData = Array.from({ length: rng.range(0, 40) }, () => rng.int(256));
  const passiveData = Array.from({ length: rng.range(0, 24) }, () => rng.int(256));
  const data: Bytes[] = [
    [0x00, ...offsetExpr(m, m.memories[0].at, rng.int(200)), ...uleb(activeData.length), ...activeData],
    [0x01, ...uleb(passiveData.length), ...passiveData],
  ];
  for (let k = 1; k < m.memories.length; k++) {
    // (an empty segment into a memory of no pages: instantiation mostly succeeds)
    const { pages: p, at } = m.memories[k];
    const bytes = Array.from({ length: p ? rng.range(0, 16) : 0 }, () => rng.int(256));
    data.push([0x02, ...uleb(k), ...offsetExpr(m, at, p ? rng.int(p * 65536 - 8) : 0), ...uleb(bytes.length), ...bytes]);
  }
  sections.push(section(11, vec(data)));
  return {
    bytes: moduleBytes(sections), funcs, globals, tableSize: m.tableSize, seed,
    ...(m.memories.length > 1 ? { memories } : {}), ...(opts.exceptions ? { hostTag: true } : {}),
  };
}

/** Constant-expression opcodes of integer type t: [const, add, sub, mul]. */
function constOps(t: number): [number, number, number, number] {
  return t === I32 ? [0x41, 0x6a, 0x6b, 0x6c] : [0x42, 0x7c, 0x7d, 0x7e];
}

/** `t.const v` (v wrapped to t's width). */
function constInstr(t: number, v: bigint): Bytes {
  return t === I32 ? [0x41, ...sleb32(Number(BigInt.asIntN(32, v)))] : [0x42, ...slebBig(BigInt.asIntN(64, v))];
}

/** An immutable global of type t among the first `limit`, or undefined. */
function immutableGlobal(m: ModuleCtx, t: number, limit: number): number | undefined {
  const cands = range(0, limit - 1).filter(i => m.globals[i].type === t && !m.globals[i].mutable);
  return cands.length ? m.rng.pick(cands) : undefined;
}

/** An extended constant expression of integer type t (extendedConst): add/sub/mul of constants and immutable globals before `limit`. */
function extendedConstExpr(m: ModuleCtx, t: number, depth: number, limit: number): Bytes {
  const rng = m.rng;
  const k = rng.int(depth > 0 ? 5 : 2);
  if (k >= 2) return [...extendedConstExpr(m, t, depth - 1, limit), ...extendedConstExpr(m, t, depth - 1, limit), constOps(t)[k - 1]];
  const g = k === 1 ? immutableGlobal(m, t, limit) : undefined;
  if (g !== undefined) return [0x23, ...uleb(g)];
  return constInstr(t, t === I32 ? BigInt(rng.i32Interesting()) : rng.i64Interesting());
}

/**
 * A segment offset `off` of address type `at` (with its `end`): a constant,
 * or with extendedConst an expression worth `off` (a sum, a difference, or an
 * immutable global times 0 plus it).
 */
function offsetExpr(m: ModuleCtx, at: number, off: number): Bytes {
  const o = BigInt(off);
  if (!m.opts.extendedConst) return [...constInstr(at, o), 0x0b];
  const [, add, sub, mul] = constOps(at);
  const a = BigInt(m.rng.i32Interesting());
  switch (m.rng.int(4)) {
    case 1: return [...constInstr(at, o - a), ...constInstr(at, a), add, 0x0b];
    case 2: return [...constInstr(at, o + a), ...constInstr(at, a), sub, 0x0b];
    case 3: {
      const g = immutableGlobal(m, at, m.globals.length);
      if (g !== undefined) return [0x23, ...uleb(g), ...constInstr(at, 0n), mul, ...constInstr(at, o), add, 0x0b];
    }
  }
  return [...constInstr(at, o), 0x0b];
}

/**
 * Deterministic argument lists for calling a generated function (floats as JS
 * numbers). A NaN argument is the plain JS `NaN`: which NaN a JS number turns
 * into in wasm is up to the engine (JS API ToWebAssemblyValue), detwasm's is
 * canonical and so is V8's for `NaN` itself, while a NaN read from a typed
 * array may keep its payload in V8.
 */
export function generateArgs(rng: Rng, sig: FuncSig): Array<number | bigint | null> {
  return sig.params.map(t => {
    if (!isNum(t)) return null;
    if (t === I32) return rng.i32Interesting();
    if (t === I64) return rng.i64Interesting();
    const bits = rng.chance(0.5) ? rng.pick(F32_EDGES) : rng.u32();
    const v = t === F32
      ? new Float32Array(new Uint32Array([bits]).buffer)[0]
      : new Float64Array(new Uint32Array([rng.u32(), rng.chance(0.5) ? rng.pick(F64_EDGES_HI) : bits]).buffer)[0];
    return Number.isNaN(v) ? NaN : v;
  });
}

/** Little-endian bytes of a 32-bit word. */
function le32(x: number): Bytes {
  return [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff];
}

export { append };
