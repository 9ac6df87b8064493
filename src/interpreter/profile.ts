/**
 * Where gas goes: a gas profiler and an instruction tracer. Both run through
 * `execTraced`, the execution loop generated with a hook before every
 * instruction (scripts/gen-isa.js); a store without them runs the plain loop,
 * so they cost nothing when off.
 *
 * Profile: every decrease of the gas counter is attributed to the function
 * running at the next instruction: a block's charge to the function whose
 * block it is (a call charges the callee's first block, a return the caller's
 * block after the call), dynamic costs to the function that executed the
 * instruction, and gas a host function charged (`consumeGas`) to the wasm
 * function that called it. So the self gas of all functions sums exactly to
 * the gas the profiled calls used. Inclusive gas counts a function's self gas
 * and that of everything it called, each call stack once (recursion is not
 * counted twice). The folded stacks (`a;b;c gas` lines) feed flame-graph tools.
 *
 * Trace: each executed internal instruction (after the compiler's fusions:
 * one record may stand for several wasm instructions) with its function,
 * bytecode offset, op name, fields — a slot field shows the slot's value
 * before the instruction runs — and the gas left.
 */
import { F, OP_FIELDS, OP_NAMES, OP_SLOT_FIELDS } from './ops.js';
import type { FuncInst } from './instances.js';

/** A wasm function's index in its module and name-section name. */
function frameOf(f: FuncInst): { funcIndex: number; name: string | undefined } {
  const m = f.instance!.module;
  const funcIndex = m.vm.numImportedFuncs + f.codeIndex;
  return { funcIndex, name: m.funcName(funcIndex) };
}

/** What the traced loop calls before every instruction. */
export interface ExecHook {
  step(f: FuncInst, pc: number, fp: number, depth: number, gas: number, code: Int32Array, S: Int32Array): void;
  /** A call from JS starts (not a nested one) with `gas` left. */
  begin(gas: number): void;
  /** That call ended (returned, trapped or paused) with `gas` left. */
  end(gas: number): void;
}

/** Gas of one function in a profile. */
export interface FunctionGas {
  /** Index in its module's function index space (imports first). */
  readonly funcIndex: number;
  /** Its name from the module's name section, when it has one. */
  readonly name: string | undefined;
  /** Gas charged while it was the running function. */
  readonly self: number;
  /** Its self gas plus that of everything it called. */
  readonly inclusive: number;
}

/** A gas profile (`store.profile()`). */
export interface GasProfile {
  /** Every function that used gas, by self gas, most first. */
  readonly functions: readonly FunctionGas[];
  /** Sum of all self gas: the gas the profiled calls used. */
  readonly total: number;
  /** Folded stacks, one `outer;inner;innermost gas` line per call stack. */
  readonly folded: string;
}

/** A node of the call-stack trie: a function under a parent stack. */
interface StackNode {
  readonly parent: number;
  readonly f: FuncInst;
  gas: number;
}

/** Collects a gas profile (StoreOptions.profile). */
export class GasProfiler implements ExecHook {
  private last = NaN;
  private lastFunc: FuncInst | null = null;
  private lastNode = 0;
  /** Trie of call stacks: node 0 is the root; children by (parent, function). */
  private readonly nodes: StackNode[] = [{ parent: -1, f: null as unknown as FuncInst, gas: 0 }];
  private readonly children = new Map<number, Map<FuncInst, number>>();
  /** The running stack: the node and function at each depth. */
  private readonly nodeAt: number[] = [0];
  private readonly funcAt: (FuncInst | null)[] = [null];

  step(f: FuncInst, _pc: number, _fp: number, depth: number, gas: number): void {
    const node = this.nodeFor(f, depth);
    const d = this.last - gas;
    if (d > 0) this.nodes[node].gas += d;
    this.last = gas;
    this.lastFunc = f;
    this.lastNode = node;
  }

  begin(gas: number): void {
    this.last = gas;
    this.lastFunc = null;
  }

  end(gas: number): void {
    if (this.last === this.last && this.lastFunc !== null) {
      const d = this.last - gas;
      if (d > 0) this.nodes[this.lastNode].gas += d;
    }
    this.last = NaN;
  }

  /** The trie node of `f` running at `depth` (the stack below as last seen). */
  private nodeFor(f: FuncInst, depth: number): number {
    if (this.funcAt[depth] === f && this.nodeAt[depth] !== undefined && depth < this.nodeAt.length) return this.nodeAt[depth];
    let d = depth - 1;
    while (d > 0 && this.funcAt[d] === undefined) d--;
    const parent = d >= 0 && this.nodeAt[d] !== undefined ? this.nodeAt[d] : 0;
    let kids = this.children.get(parent);
    if (kids === undefined) this.children.set(parent, (kids = new Map()));
    let id = kids.get(f);
    if (id === undefined) {
      id = this.nodes.length;
      this.nodes.push({ parent, f, gas: 0 });
      kids.set(f, id);
    }
    this.nodeAt.length = depth + 1;
    this.funcAt.length = depth + 1;
    this.nodeAt[depth] = id;
    this.funcAt[depth] = f;
    return id;
  }

  /** The profile so far. */
  result(): GasProfile {
    const self = new Map<FuncInst, number>(), inclusive = new Map<FuncInst, number>();
    const lines: string[] = [];
    let total = 0;
    for (let id = 1; id < this.nodes.length; id++) {
      const n = this.nodes[id];
      if (n.gas === 0) continue;
      total += n.gas;
      self.set(n.f, (self.get(n.f) ?? 0) + n.gas);
      const seen = new Set<FuncInst>();
      const path: string[] = [];
      for (let a = id; a > 0; a = this.nodes[a].parent) {
        const g = this.nodes[a].f;
        path.push(label(g));
        if (seen.has(g)) continue;
        seen.add(g);
        inclusive.set(g, (inclusive.get(g) ?? 0) + n.gas);
      }
      lines.push(`${path.reverse().join(';')} ${n.gas}`);
    }
    const functions = [...inclusive.keys()].map((f) => {
      const fr = frameOf(f);
      return { funcIndex: fr.funcIndex, name: fr.name, self: self.get(f) ?? 0, inclusive: inclusive.get(f) ?? 0 };
    });
    functions.sort((a, b) => b.self - a.self || b.inclusive - a.inclusive || a.funcIndex - b.funcIndex);
    return { functions, total, folded: lines.sort().join('\n') + (lines.length ? '\n' : '') };
  }
}

/** A function in folded stacks: its name, else `func<index>`. */
function label(f: FuncInst): string {
  const fr = frameOf(f);
  return (fr.name ?? `func${fr.funcIndex}`).replace(/[;\s]/g, '_');
}

/** One executed instruction (StoreOptions.trace). */
export interface TraceStep {
  /** The running function's index and name-section name. */
  readonly funcIndex: number;
  readonly funcName: string | undefined;
  /** Offset of the instruction in the function's internal bytecode. */
  readonly pc: number;
  /** The internal op (src/interpreter/isa.ts), e.g. `i32.add_si`. */
  readonly op: string;
  /** Its fields: a slot field's value before the instruction runs (i32 view; `hi:lo` when the high word is set), any other field's word. */
  readonly fields: readonly (readonly [string, string])[];
  /** Gas left before the instruction runs (Infinity when unmetered). */
  readonly gas: number;
}

/** Calls `sink` for every executed instruction (StoreOptions.trace). */
export class Tracer implements ExecHook {
  constructor(private readonly sink: (step: TraceStep) => void) {}
  step(f: FuncInst, pc: number, fp: number, _depth: number, gas: number, code: Int32Array, S: Int32Array): void {
    const op = code[pc];
    // (a target field takes two words: its position and gas are shown as the position)
    const names = OP_FIELDS[op];
    const pos = F[OP_NAMES[op].toUpperCase().replace(/\./g, '_') as keyof typeof F] as Record<string, number>;
    const slotKinds = SLOT_FIELDS[op];
    const fields: Array<readonly [string, string]> = [];
    for (const n of names) {
      const w = code[pc + pos[n]];
      if (slotKinds.has(n)) {
        const lo = S[fp + w], hi = S[fp + w + 1];
        fields.push([n, hi === 0 || hi === lo >> 31 ? String(lo) : `${(hi >>> 0).toString(16)}:${(lo >>> 0).toString(16).padStart(8, '0')}`]);
      } else fields.push([n, String(w)]);
    }
    const fr = frameOf(f);
    this.sink({ funcIndex: fr.funcIndex, funcName: fr.name, pc, op: OP_NAMES[op], fields, gas });
  }
  begin(): void {}
  end(): void {}
}

/** The slot fields of each op. */
const SLOT_FIELDS: ReadonlyArray<ReadonlySet<string>> = OP_SLOT_FIELDS.map((names) => new Set(names));

/** Formats a trace step as one line: `func 3 ($fib) @12 i32.add_si dst=4 a=7 b=1 gas=99`. */
export function formatStep(s: TraceStep): string {
  const who = `func ${s.funcIndex}${s.funcName !== undefined ? ` (${s.funcName})` : ''}`;
  return `${who} @${s.pc} ${s.op} ${s.fields.map(([n, v]) => `${n}=${v}`).join(' ')}${s.gas === Infinity ? '' : ` gas=${s.gas}`}`.replace('  ', ' ');
}
