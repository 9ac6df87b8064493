/**
 * The instruction set of the internal bytecode, declared once.
 *
 * Every internal op is one row: its name (the wasm instruction it implements,
 * or what it fuses, with a suffix that says its operand kinds: `s` a frame
 * slot, `i` an immediate, e.g. `i32.add_ss`, `i32.add_si`,
 * `br_if_i32_lt_s_si`), its operand fields in record order, and its semantics
 * as a TypeScript fragment for the execution loop. Families (every i32 binary
 * op in slot and immediate form, every comparison as a value and as a fused
 * branch, ...) are built by loops, so each semantic is written once here.
 *
 * `scripts/gen-isa.js` derives everything else from these rows when the
 * project is built: the op numbers (dense, in row order), record lengths,
 * field positions and the compiler's translation tables
 * (`ops.ts`), and the cases of the execution loop's one `switch`
 * (`exec.ts`, from `exec.template.ts`). Neither generated file is committed;
 * `isa.test.ts` checks that they match this table.
 *
 * Template language (expanded by the generator):
 *  - `$f` — operand field `f`: a slot field reads as its absolute stack index
 *    `fp + code[pc + i]`, any other field as its word `code[pc + i]`; a `target`
 *    field (branch target and the gas it charges, two words) as its position `pc + i`.
 *  - `@END` — the position after the record's fixed fields (`pc + length`).
 *  - `@OP(name)` — the number of op `name`.
 *  - `CHARGE(x);` — take `x` gas, or trap `out_of_gas` leaving the gas untouched
 *    (and pc at the instruction, which a resumed call runs again);
 *    `CHARGE_PENDING(x);` the same where the state has already moved on (pc
 *    is where to continue): a resumed call first charges `x` (resume.ts).
 *  - `JUMP(j);` — continue at the target stored at position `j`, charging the
 *    gas stored after it (branches carry the first block charge of where they go).
 *  - `LOAD_INSTANCE;` — load the instance-dependent locals of `f`'s instance.
 * A row whose `next` is 'auto' gets `pc += length; break;` appended; a
 * control row (`next: 'self'`) sets `pc` itself; a prefix row (`next:
 * 'fall'`) moves `pc` to the fields the case of the row `fallInto` reads
 * and falls through into that case (the generator places it right after). A row with `cond` is a
 * two-way branch on that condition with fields `target` and `fall`.
 */

/** What an operand word means. */
export type FieldKind =
  /** A frame slot (every value takes two, see DESIGN.md). */
  | 'slot'
  /** A 32-bit immediate (constant, index, offset, shift count). */
  | 'imm'
  /** A branch target and the gas charged when taking it: two words. */
  | 'target'
  /** The number of extra (target, gas) pairs after the fixed fields (br_table). */
  | 'count';

/** One row of the table. */
export interface OpDef {
  /** Name: the wasm instruction and a suffix with its operand kinds. */
  name: string;
  /** Operand fields in record order. */
  fields: ReadonlyArray<readonly [string, FieldKind]>;
  /** Semantics: a fragment of the execution loop (see the template language above). */
  exec: string;
  /** 'auto': the generator advances pc past the record; 'self': the fragment sets pc; 'fall': the fragment sets pc, then the case of `fallInto` runs. */
  next: 'auto' | 'self' | 'fall';
  /** A prefix row (`next: 'fall'`): the row whose case runs next, on the record after this one. */
  fallInto?: string;
  /** Two-way branch condition (fields `target` and `fall`). */
  cond?: string;
  /** Rows with the same group share one case body (the first row's), told apart by `@OP`. */
  group?: string;
  /** The wasm instruction(s) (decoder numbers, src/decoder/opcodes.ts) this op translates directly. */
  wasm?: number | readonly number[];
  /** How the compiler translates `wasm`: a load, a store, a unary or a binary op. */
  shape?: 'load' | 'store' | 'unary' | 'binary';
  /** The variant of a binary op with a constant right operand (i32 immediate or i64 pair). */
  immForm?: string;
  /** An op that can end a function: its form that also returns (compiler emitReturn; rows made by `withReturn`). */
  retForm?: string;
  /** Fused compare-and-branch: the op branching when this comparison is true / false. */
  brIfTrue?: string;
  brIfFalse?: string;
  /**
   * Rarely run: its case is in execCold, outside the main loop, which keeps
   * the loop within the bytecode size V8 optimizes (README.md, "Speed").
   * A cold op may not set pc; it sees exec's names, gas through the store.
   */
  cold?: boolean;
  /** One-line description for the disassembler and documentation. */
  doc: string;
}

const rows: OpDef[] = [];

const S: FieldKind = 'slot';
const I: FieldKind = 'imm';
const T: FieldKind = 'target';

function fieldsOf(spec: string): Array<[string, FieldKind]> {
  if (spec === '') return [];
  return spec.split(' ').map((f) => {
    const [name, kind] = f.split(':');
    return [name, kind === 's' ? S : kind === 't' ? T : kind === 'n' ? 'count' : I];
  });
}

/**
 * Adds a row. `fields` is `name:kind ...` with kinds s (slot), i (immediate),
 * t (target), n (count).
 */
function op(name: string, fields: string, exec: string, doc: string, extra: Partial<OpDef> = {}): void {
  rows.push({ name, fields: fieldsOf(fields), exec, next: 'auto', doc, ...extra });
}

/** Adds a fused two-way branch: jumps to `target` when `cond` holds, else to `fall`. */
function branch(name: string, fields: string, pre: string, cond: string, doc: string): void {
  const all = cond === 'true' ? `${fields} target:t` : `${fields} target:t fall:t`;
  rows.push({ name, fields: fieldsOf(all.trim()), exec: pre, next: 'self', cond, doc });
}

/**
 * The end of a control row whose earlier lines changed state they read (a
 * counter step, a loaded value kept in a slot that may be its own address:
 * `p = p->next`): continue at the target stored at position `j` with its
 * charge pending there, so a call resumed after out of gas does not run
 * those lines again (JUMP charges at the row, which a resumed call reruns).
 */
const JUMP_PENDING = (j: string) => `const j = ${j};
pc = code[j];
const k = code[j + 1];
CHARGE_PENDING(k);
break;`;

// ---------------------------------------------------------------- control
op('unreachable', '', "trap('unreachable');\n", 'trap', { next: 'self' });
op('gas', 'k:i', 'const k = $k;\nCHARGE(k);', 'charge k: the static cost of the basic block that starts here');
branch('br', '', '', 'true', 'jump');
branch('br_if_s', 'c:s', '', 'S[$c] !== 0', 'jump when S[c] != 0');
branch('br_if_eqz_s', 'c:s', '', 'S[$c] === 0', 'jump when S[c] == 0');
op('br_table_s', 'idx:s n:n', `const i = S[$idx] >>> 0;
const n = $n;
const j = @END + 2 * (i < n ? i : n);
JUMP(j);`, 'jump to the target at S[idx] (n+1 (target, gas) pairs follow, the last is the default)', { next: 'self' });
/**
 * `return` and the rows that end a function with it (`withReturn`) leave the
 * switch to the loop's one copy of the return (exec.template.ts, label `leave`).
 */
op('return', '', 'RETURN_TO_CALLER;', 'return to the caller (results are in the frame\'s first slots)', { next: 'self' });

/**
 * Calls: the callee's frame starts at the caller's argument slots, so
 * arguments and results are never copied. `ret` is the return site: the pc
 * after the call and the gas of the caller's block there, charged on return.
 */
/**
 * The callee of a call group (direct / through a table / through a reference)
 * into `callee`, and its frame base into `nfp`; `extra(op)` adds lines per
 * form (the return site of a non-tail call).
 */
const selectCallee = (direct: string, indirect: string, ref: string, extra: (op: string) => string) => `if (code[pc] === @OP(${direct})) {
  callee = funcs[$func] ?? inst.func($func);
  nfp = fp + $args;${extra('')}
} else if (code[pc] === @OP(${indirect})) {
  const tab = inst.tables[$table@${indirect}];
  const i = S[$idx@${indirect}] >>> 0;
  if (i >= tab.elems.length) trap('undefined_element');
  const c = tab.elems[i] as FuncInst | null;
  if (c === null) trap('uninitialized_element');
  if (c.typeId !== inst.typeIds[$type@${indirect}]) trap('indirect_call_type_mismatch');
  callee = c;
  nfp = fp + $args@${indirect};${extra('@' + indirect)}
} else {
  const c = store.refs[S[$ref@${ref}]] as FuncInst | null;
  if (c === null) trap('null_reference');
  callee = c;
  nfp = fp + $args@${ref};${extra('@' + ref)}
}
`;

const CALL = `let ret: number;
${selectCallee('call', 'call_indirect_s', 'call_ref_s', (at) => `\n  ret = $ret${at};`)}if (callee.host) {
  const tail = false;
  HOST_CALL;
  pc = code[ret];
  if (SUSPENDED) {
    // the host's results come later (resume): then the block after the call is charged
    suspendAt(store, callee, nfp, pc, fp, code[ret + 1]);
    return true;
  }
  const k = code[ret + 1];
  CHARGE_PENDING(k);
  break;
}
if (depth >= maxDepth) trap('call_stack_exhausted');
cs[3 * depth] = code[ret];
cs[3 * depth + 1] = fp;
cs[3 * depth + 2] = code[ret + 1];
depth++;
fp = nfp;
ENTER_CALLEE;`;
/**
 * Call prefixes (SPEED: one or two dispatches less per call): the copies of
 * the last arguments, in a copy's or copy2's record with another op number,
 * then the call's record, which runs next without a dispatch (the
 * encoder's `callPrefix`). A copy2 prefix does its first copy and falls
 * into the copy prefix with pc on its second (`dst2`, `src2` are then
 * `dst`, `src` two words on).
 */
const COPY_ARG = `const d = $dst, s = $src;
COPY_VALUE;
pc += 3;`;
const COPY2_ARG = `const d = $dst, s = $src;
COPY_VALUE;
pc += 2;`;
op('copy2_call', 'dst:s src:s dst2:s src2:s', COPY2_ARG, 'copy two values (the last arguments), then the call, call_indirect_s or call_ref_s record after it', { next: 'fall', fallInto: 'copy_call' });
op('copy_call', 'dst:s src:s', COPY_ARG, 'copy one value (the last argument), then the call, call_indirect_s or call_ref_s record after it', { next: 'fall', fallInto: 'call' });
op('call', 'func:i args:i ret:t', CALL, 'call function `func`; its frame starts at slot `args`', { next: 'self', group: 'call' });
op('call_indirect_s', 'type:i table:i idx:s args:i ret:t', CALL,
  'call the function at S[idx] of table `table`, checking its type against `type`', { next: 'self', group: 'call' });
op('call_ref_s', 'ref:s args:i ret:t', CALL, 'call the function reference S[ref] (null traps)', { next: 'self', group: 'call' });
op('copy2_call_local', 'dst:s src:s dst2:s src2:s', COPY2_ARG, 'copy two values (the last arguments), then the call_local record after it', { next: 'fall', fallInto: 'copy_call_local' });
op('copy_call_local', 'dst:s src:s', COPY_ARG, 'copy one value (the last argument), then the call_local record after it', { next: 'fall', fallInto: 'call_local' });
/**
 * A call of a function defined in the calling module (the compiler knows it
 * from the index: not an import): never a host function, always in the
 * running instance, so neither is checked.
 */
op('call_local', 'func:i args:i ret:t', `if (code[pc] !== @OP(call_local)) {
  if (code[pc] === @OP(i32.add_si_call_local)) {
    S[$dst@i32.add_si_call_local] = S[$a@i32.add_si_call_local] + $b@i32.add_si_call_local;
    pc += 4;
  } else {
    S[$dst@const32_call_local] = $v@const32_call_local;
    pc += 3;
  }
}
callee = funcs[$func] ?? inst.func($func);
if (depth >= maxDepth) trap('call_stack_exhausted');
const ret = $ret;
cs[3 * depth] = code[ret];
cs[3 * depth + 1] = fp;
cs[3 * depth + 2] = code[ret + 1];
depth++;
fp += $args;
ENTER_CALLEE_LOCAL;`, 'call function `func` of this module (not an import); its frame starts at slot `args`', { next: 'self', group: 'call_local' });
/**
 * The last argument computed by an i32.add_si (`f(n - 1)`), then the
 * call_local record after it, in one dispatch (SPEED: fib's recursion; the
 * compiler's addCallPrefix): a member of call_local's case, which does the
 * add first (the copy prefixes fall into that case, so this cannot be one).
 */
op('i32.add_si_call_local', 'dst:s a:s b:i', '', 'i32.add_si (the last argument), then the call_local record after it', { next: 'self', group: 'call_local' });
/** A constant last argument (`f(x, 1)`), then the call_local record after it, in one dispatch: as i32.add_si_call_local. */
op('const32_call_local', 'dst:s v:i', '', 'const32 (the last argument), then the call_local record after it', { next: 'self', group: 'call_local' });

/**
 * Tail calls (return_call, return_call_indirect, return_call_ref): the
 * callee replaces the running function's frame. Its arguments (at slot
 * `args`, above the frame's locals) move to the frame's base (a forward copy:
 * the destination is below the source), and the callee starts there at the
 * same call depth, so unbounded tail recursion runs in constant stack and
 * the call-depth limit does not count tail calls. The callee returns to this
 * function's caller, charging the return-site gas the caller pushed. A host
 * callee runs at the frame's base, then this function returns its results.
 */
const TAIL_CALL = `${selectCallee('return_call', 'return_call_indirect_s', 'return_call_ref_s', () => '')}for (let i = 0, n = 2 * callee.type.params.length; i < n; i++) S[fp + i] = S[nfp + i];
if (callee.host) {
  const tail = true;
  nfp = fp;
  HOST_CALL;
  RETURN_TO_CALLER;
}
ENTER_CALLEE;`;
op('return_call', 'func:i args:i', TAIL_CALL, 'tail call of function `func` (arguments at slot `args`)', { next: 'self', group: 'return_call' });
op('return_call_indirect_s', 'type:i table:i idx:s args:i', TAIL_CALL,
  'tail call of the function at S[idx] of table `table`, checking its type against `type`', { next: 'self', group: 'return_call' });
op('return_call_ref_s', 'ref:s args:i', TAIL_CALL, 'tail call of the function reference S[ref] (null traps)', { next: 'self', group: 'return_call' });

// ---------------------------------------------------------------- moves, constants, globals
op('copy', 'dst:s src:s', `const d = $dst, s = $src;
COPY_VALUE;`, 'copy one value (two slots)');
branch('copy_br', 'dst:s src:s', `const d = $dst, s = $src;
COPY_VALUE;`, 'true', 'copy, then jump');
// the add is done when the jump charges, so out of gas there is a pause at the target (a resumed call does not add again)
op('i32.add_si_br', 'dst:s a:s b:i target:t', `S[$dst] = S[$a] + $b;
${JUMP_PENDING('$target')}`, 'i32.add_si, then jump (a loop step before its back edge)', { next: 'self' });
// (an i32 is its low slot, DESIGN.md: the copy moves that one)
op('i32.add_si_tee', 'dst:s a:s b:i dst2:s', `const v = S[$a] + $b;
S[$dst] = v;
S[$dst2] = v;`, 'i32.add_si, then a copy of its result (`x = y = a + b`, a saved and an advanced counter)');
op('copy2', 'dst:s src:s dst2:s src2:s', `let d = $dst, s = $src;
COPY_VALUE;
d = $dst2;
s = $src2;
COPY_VALUE;`, 'two copies, in order');
op('copy4', 'dst:s src:s dst2:s src2:s dst3:s src3:s dst4:s src4:s', `let d = $dst, s = $src;
COPY_VALUE;
d = $dst2;
s = $src2;
COPY_VALUE;
d = $dst3;
s = $src3;
COPY_VALUE;
d = $dst4;
s = $src4;
COPY_VALUE;`, 'four copies, in order (two copy2 in a row: a rotation of loop-carried locals, SHA-2\'s a..h)');
// SPEED: an i32 or f32 value is its low slot (DESIGN.md), so copies of them
// need not move the high slot: half the slot traffic of copy4 (SHA-2's
// rotation of its eight i32 working variables, 3.5% of sha256's time)
op('copy4_32', 'dst:s src:s dst2:s src2:s dst3:s src3:s dst4:s src4:s', `S[$dst] = S[$src];
S[$dst2] = S[$src2];
S[$dst3] = S[$src3];
S[$dst4] = S[$src4];`, 'copy4 of four i32/f32 values (the low slots only)');
op('const32', 'dst:s v:i', 'S[$dst] = $v;', 'write a 32-bit constant (i32; null reference)');
op('const64', 'dst:s lo:i hi:i', `const d = $dst;
S[d] = $lo;
S[d + 1] = $hi;`, 'write a 64-bit constant');
op('select', 'dst:s a:s b:s c:s', `// SPEED: no branch (a condition from a comparison of data, as in sorting, mispredicts often)
const m = -(S[$c] !== 0);
const a = $a, b = $b, d = $dst;
const lo = (S[a] & m) | (S[b] & ~m), hi = (S[a + 1] & m) | (S[b + 1] & ~m);
S[d] = lo;
S[d + 1] = hi;`, 'S[dst] = S[c] != 0 ? S[a] : S[b]');
op('select_i64_neg', 'dst:s a:s b:s x:s', `const m = S[$x + 1] >> 31; // -1 when the i64 S[x] < 0
const a = $a, b = $b, d = $dst;
const lo = (S[a] & m) | (S[b] & ~m), hi = (S[a + 1] & m) | (S[b + 1] & ~m);
S[d] = lo;
S[d + 1] = hi;`, 'S[dst] = S[x] < 0 (i64) ? S[a] : S[b] (select on i64.lt_s x 0, compiler select)');
op('select_i32_lt_s_si', 'dst:s a:s b:s x:s k:i', `const m = -(S[$x] < $k);
const a = $a, b = $b, d = $dst;
const lo = (S[a] & m) | (S[b] & ~m), hi = (S[a + 1] & m) | (S[b + 1] & ~m);
S[d] = lo;
S[d + 1] = hi;`, 'S[dst] = S[x] < k (i32) ? S[a] : S[b] (select on i32.lt_s x k, compiler select: a conditional move on a sign or a bound)');
op('global.get', 'dst:s g:i', `const cell = globalCells[$g];
const d = $dst;
S[d] = cell[0];
S[d + 1] = cell[1];`, 'read a numeric global');
op('global.set', 'g:i src:s', `const cell = globalCells[$g];
const s = $src;
cell[0] = S[s];
cell[1] = S[s + 1];`, 'write a numeric global');
op('global.get_ref', 'dst:s g:i', 'S[$dst] = store.intern(inst.globals[$g].ref);', 'read a reference global');
op('global.set_ref', 'g:i src:s', 'inst.globals[$g].ref = store.refs[S[$src]];', 'write a reference global');

// ---------------------------------------------------------------- memory
/**
 * Loads and stores take `[.., addr, offset, imm, k]`: the effective address is
 * u32((S[addr] << k) + imm) + u32 offset, where k and imm are a folded
 * `i32.shl` and `i32.add` by constants (array indexing, field offsets). The
 * sum may exceed 2^32: doubles are exact there.
 */
function ea(size: number | string): string {
  return `const ea = (((S[$addr] << $k) + $imm) >>> 0) + ($offset >>> 0);
if (ea + ${size} > memLen) trap('memory_out_of_bounds');\n`;
}
const LOAD_FIELDS = 'dst:s addr:s offset:i imm:i k:i';
const STORE_FIELDS = 'addr:s val:s offset:i imm:i k:i';
/** Writes the i64 `v` sign- or zero-extended from int32 (`hi` is its high word). */
function write64(v: string, hi: string): string {
  return `const v = ${v};
const d = $dst;
S[d] = v;
S[d + 1] = ${hi};`;
}
/** Loads and stores move bits: f32.load/f64.load are i32.load/i64.load (and stores likewise). */
/** The i32 loads' values at `ea`: [name, wasm, size, value]. */
const i32Loads: Array<[string, number | number[], number, string]> = [
  ['i32.load', [0x28, 0x2a], 4, 'dv.getInt32(ea, true)'],
  ['i32.load8_s', 0x2c, 1, '(u8[ea] << 24) >> 24'],
  ['i32.load8_u', 0x2d, 1, 'u8[ea]'],
  ['i32.load16_s', 0x2e, 2, 'dv.getInt16(ea, true)'],
  ['i32.load16_u', 0x2f, 2, 'dv.getUint16(ea, true)'],
];
const loads: Array<[string, number | number[], number, string]> = [
  ...i32Loads.map(([name, wasm, size, v]): [string, number | number[], number, string] => [name, wasm, size, `S[$dst] = ${v};`]),
  ['i64.load', [0x29, 0x2b], 8, 'const d = $dst;\nS[d] = dv.getInt32(ea, true);\nS[d + 1] = dv.getInt32(ea + 4, true);'],
  ['i64.load8_s', 0x30, 1, write64('(u8[ea] << 24) >> 24', 'v >> 31')],
  ['i64.load8_u', 0x31, 1, write64('u8[ea]', '0')],
  ['i64.load16_s', 0x32, 2, write64('dv.getInt16(ea, true)', 'v >> 31')],
  ['i64.load16_u', 0x33, 2, write64('dv.getUint16(ea, true)', '0')],
  ['i64.load32_s', 0x34, 4, write64('dv.getInt32(ea, true)', 'v >> 31')],
  ['i64.load32_u', 0x35, 4, write64('dv.getInt32(ea, true)', '0')],
];
/**
 * The narrow i64 loads share one case (no corpus program runs them often;
 * one case instead of six is room in the loop): the record's op, counted
 * from i64.load8_s in the order above, gives the width (1 << (j >> 1)
 * bytes) and the signedness (even j: signed).
 */
const I64_LOAD_NARROW = `const j = code[pc] - @OP(i64.load8_s);
const size = 1 << (j >> 1);
${ea('size')}const w = size === 4 ? dv.getInt32(ea, true) : size === 2 ? dv.getUint16(ea, true) : u8[ea];
const sh = 32 - 8 * size;
const d = $dst;
if ((j & 1) === 0) {
  const v = (w << sh) >> sh;
  S[d] = v;
  S[d + 1] = v >> 31;
} else {
  S[d] = w;
  S[d + 1] = 0;
}`;
for (const [name, wasm, size, body] of loads) {
  const narrow = name.startsWith('i64.load') && name !== 'i64.load';
  op(name, LOAD_FIELDS, narrow ? I64_LOAD_NARROW : ea(size) + body, `load ${size} bytes`, { wasm, shape: 'load', ...(narrow ? { group: 'i64.load_narrow' } : {}) });
}
const stores: Array<[string, number | number[], number, string, string?]> = [
  ['i32.store', [0x36, 0x38], 4, 'dv.setInt32(ea, S[$val], true);', 'store32'],
  ['i64.store', [0x37, 0x39], 8, 'const s = $val;\ndv.setInt32(ea, S[s], true);\ndv.setInt32(ea + 4, S[s + 1], true);'],
  ['i32.store8', 0x3a, 1, 'u8[ea] = S[$val];', 'store8'],
  ['i32.store16', 0x3b, 2, 'dv.setInt16(ea, S[$val], true);', 'store16'],
  ['i64.store8', 0x3c, 1, 'u8[ea] = S[$val];', 'store8'],
  ['i64.store16', 0x3d, 2, 'dv.setInt16(ea, S[$val], true);', 'store16'],
  ['i64.store32', 0x3e, 4, 'dv.setInt32(ea, S[$val], true);', 'store32'],
];
for (const [name, wasm, size, body, group] of stores) {
  op(name, STORE_FIELDS, ea(size) + body, `store ${size} bytes`, { wasm, shape: 'store', group });
}
/**
 * A load and the i32 binary op consuming it, as one op (compiler fuseLoadOp):
 * `S[dst] = load(ea) op S[b]` (`_s`) or `load(ea) op b` (`_i`). The ops are
 * commutative, so the load may be either operand. An out-of-bounds access
 * traps before anything is written, as the separate load does.
 */
const loadOps: Array<[string, string, 's' | 'i']> = [
  ['i32.load', 'add', 's'], ['i32.load', 'and', 'i'], ['i32.load16_s', 'mul', 's'],
  ['i32.load8_u', 'add', 's'], ['i32.load16_u', 'add', 's'],
];
const loadOpExpr: Record<string, (a: string, b: string) => string> = {
  add: (a, b) => `${a} + ${b}`, mul: (a, b) => `Math.imul(${a}, ${b})`, and: (a, b) => `${a} & ${b}`,
};
for (const [load, bin, form] of loadOps) {
  const [, , size, v] = i32Loads.find(([n]) => n === load)!;
  op(`${load}_${bin}_${form}`, `dst:s addr:s b:${form} offset:i imm:i k:i`,
    `${ea(size)}S[$dst] = ${loadOpExpr[bin](v, form === 's' ? 'S[$b]' : '$b')};`,
    `${load} then i32.${bin} with ${form === 's' ? 'S[b]' : 'constant b'}`);
}
op('i32.load_idx', 'dst:s x:s i:s offset:i imm:i k:i', `// the sum is exact in doubles (< 2^34); >>> 0 is the i32 wrap of the address
const ea = ((S[$x] + $imm + (S[$i] << $k)) >>> 0) + ($offset >>> 0);
if (ea + 4 > memLen) trap('memory_out_of_bounds');
S[$dst] = dv.getInt32(ea, true);`, 'i32.load at u32(S[x] + imm + (S[i] << k)) + offset');
op('i32.store_idx', 'x:s i:s val:s offset:i imm:i k:i', `const ea = ((S[$x] + $imm + (S[$i] << $k)) >>> 0) + ($offset >>> 0);
if (ea + 4 > memLen) trap('memory_out_of_bounds');
dv.setInt32(ea, S[$val], true);`, 'i32.store at u32(S[x] + imm + (S[i] << k)) + offset');
/**
 * An address computed into a local and loaded from at once (compiler
 * fuseLoadKeepAddr): `i32.load (local.tee p ((x << k) + imm))`, a pointer
 * step or an array element's address kept for the store that follows
 * (`p += 4; v = *p`, a swap). The local is written before the access, as
 * by the separate instructions, so a trap leaves the same state.
 */
op('i32.load_a', 'dst:s adst:s x:s offset:i imm:i k:i', `const a = (S[$x] << $k) + $imm;
S[$adst] = a;
const ea = (a >>> 0) + ($offset >>> 0);
if (ea + 4 > memLen) trap('memory_out_of_bounds');
S[$dst] = dv.getInt32(ea, true);`, 'S[adst] = (S[x] << k) + imm, then i32.load from it');
op('i32.load_ax', 'dst:s adst:s x:s i:s offset:i imm:i k:i', `// the sum is exact in doubles (< 2^34); the slot and >>> 0 wrap it alike
const a = S[$x] + $imm + (S[$i] << $k);
S[$adst] = a;
const ea = (a >>> 0) + ($offset >>> 0);
if (ea + 4 > memLen) trap('memory_out_of_bounds');
S[$dst] = dv.getInt32(ea, true);`, 'S[adst] = S[x] + imm + (S[i] << k) (an element\'s address, i32.add_shl_ssii), then i32.load from it');
op('br_table_load', 'addr:s offset:i imm:i k:i n:n', `${ea(4)}const i = dv.getInt32(ea, true) >>> 0;
const n = $n;
const j = @END + 2 * (i < n ? i : n);
JUMP(j);`, 'br_table on an i32.load (address as for loads)', { next: 'self' });
// (SPEED: a dispatch loop whose header copies its `pc` first runs the copy and the dispatch in one case)
op('copy_br_table_load_step', 'dst:s src:s', COPY_ARG, 'copy one value, then the br_table_load_step record after it (a dispatch loop\'s header)', { next: 'fall', fallInto: 'br_table_load_step' });
// the step is done when the jump charges, so out of gas there is a pause at the target (a resumed call does not step again)
op('br_table_load_step', 'dst:s a:s b:i dst2:s addr:s offset:i imm:i k:i n:n', `const v = S[$a] + $b;
S[$dst] = v;
S[$dst2] = v;
${ea(4)}const i = dv.getInt32(ea, true) >>> 0;
const n = $n;
${JUMP_PENDING('@END + 2 * (i < n ? i : n)')}`, 'i32.add_si_tee, then br_table_load (an interpreter\'s `op = code[pc++]; switch (op)`)', { next: 'self' });
op('memory.size', 'dst:s', 'S[$dst] = memLen / 65536;', 'memory size in pages');
op('memory.grow_s', 'dst:s n:s', `const n = S[$n] >>> 0;
// a grow that cannot succeed returns -1 without the per-page charge
if (memLen / 65536 + n <= Math.min(mem!.max ?? 65536, maxPages, 65536)) {
  const cost = n * perPage;
  CHARGE(cost);
}
S[$dst] = mem!.grow(n, maxPages);
u8 = mem!.u8;
dv = mem!.dv;
memLen = u8.length >>> 0;`, 'grow memory by S[n] pages');

// ---------------------------------------------------------------- other memories, 64-bit memories
/**
 * Multiple memories and memory64 (WebAssembly 3.0). The loop's fast path is
 * memory 0 with 32-bit addresses (the rows above). A 64-bit memory 0 with an
 * offset below 2^32 uses them too, behind `addr64_s`, which narrows the i64
 * address to a u32 word: an address of 2^32 or more becomes 2^32 - 1, so
 * any access from it ends past 2^32 and traps exactly while the memory is
 * smaller than 4 GiB (the deterministic page limit, maxMemoryPages <= 65535).
 * Everything else (memories other than 0, offsets of 2^32 or more) runs the
 * `_m` rows in execCold: the memory comes from the instance's memory array,
 * the effective address is computed exactly in doubles (exact below 2^53;
 * a larger sum is inexact but still far past any memory's end).
 */
const PER_BYTES_M = 'const cost = Math.ceil(n / 8) * perBytes8;\nCHARGE(cost);\n';
op('addr64_s', 'dst:s a:s', `const a = $a;
S[$dst] = S[a + 1] !== 0 ? -1 : S[a];`, 'an i64 address (memory64) as a u32 word, 2^32 - 1 when it is 2^32 or more');
/** An address or length operand of a memory `_m` op: the u64 at slot expression `x` when `is64` (a field) is set, else the u32. */
const u64At = (x: string, is64: string) => `((S[${x}] >>> 0) + (${is64} !== 0 ? (S[${x} + 1] >>> 0) * 4294967296 : 0))`;
/** Selects memory `$mem` of the instance for the cold `_m` rows (u8, dv, memLen are execCold's locals). */
const USE_MEM = `const mm = inst.memories[$mem];
u8 = mm.u8;
dv = mm.dv;
memLen = u8.length >>> 0;
`;
function eaM(size: number): string {
  return `${USE_MEM}const ea = ${u64At('$addr', '$a64')} + ($offhi >>> 0) * 4294967296 + ($offlo >>> 0);
if (ea + ${size} > memLen) trap('memory_out_of_bounds');\n`;
}
for (const [name, , size, body] of loads) {
  op(`${name}_m`, 'dst:s addr:s mem:i offlo:i offhi:i a64:i', eaM(size) + body, `${name} from memory \`mem\` (address i64 when a64), u64 offset`, { cold: true });
}
for (const [name, , size, body] of stores) {
  op(`${name}_m`, 'addr:s val:s mem:i offlo:i offhi:i a64:i', eaM(size) + body, `${name} to memory \`mem\` (address i64 when a64), u64 offset`, { cold: true });
}
op('memory.size_m', 'dst:s mem:i a64:i pg:i', `const d = $dst;
S[d] = inst.memories[$mem].u8.length / 2 ** $pg;
if ($a64 !== 0) S[d + 1] = 0;`, 'memory.size of memory `mem` in pages of 2^pg bytes (an i64 when a64)', { cold: true });
/**
 * memory.grow of another, 64-bit or custom-page-size memory. MemoryInst counts in
 * 64 KiB pages; a delta of n pages of 2^pg bytes is n * 2^pg / 65536 of them
 * (a fraction for small pages: exact in doubles, so sizes stay exact byte
 * counts). Gas: memory.grow.perPage per started 64 KiB.
 */
op('memory.grow_m', 'dst:s n:s mem:i a64:i pg:i', `const mm = inst.memories[$mem];
const ns = $n;
const n = ${u64At('ns', '$a64')};
const scale = 2 ** $pg / 65536;
let r = -1;
if (n * scale <= 65536) {
  const delta = n * scale;
  // a grow that cannot succeed returns -1 without the per-page charge
  if (mm.u8.length / 65536 + delta <= Math.min(mm.max ?? 65536, maxPages, 65536)) {
    const cost = Math.ceil(delta) * perPage;
    CHARGE(cost);
  }
  r = mm.grow(delta, maxPages);
}
const d = $dst;
S[d] = r < 0 ? -1 : r / scale;
if ($a64 !== 0) S[d + 1] = r < 0 ? -1 : 0;`, 'memory.grow of memory `mem` by S[n] pages of 2^pg bytes (i64 operand and result when a64)', { cold: true });
op('memory.fill_m', 'mem:i a64:i d:s val:s n:s', `${USE_MEM}const d = ${u64At('$d', '$a64')}, n = ${u64At('$n', '$a64')};
if (d + n > memLen) trap('memory_out_of_bounds');
${PER_BYTES_M}u8.fill(S[$val] & 255, d, d + n);`, 'memory.fill of memory `mem` (i64 operands when a64)', { cold: true });
op('memory.copy_m', 'dm:i sm:i da64:i sa64:i d:s s:s n:s', `const dmem = inst.memories[$dm], smem = inst.memories[$sm];
const d = ${u64At('$d', '$da64')}, s = ${u64At('$s', '$sa64')};
// n is an i64 only when both memories are 64-bit (spec 3.4.7 memory.copy)
const n = ${u64At('$n', '($da64 & $sa64)')};
if (s + n > smem.u8.length || d + n > dmem.u8.length) trap('memory_out_of_bounds');
${PER_BYTES_M}if (dmem === smem) dmem.u8.copyWithin(d, s, s + n);
else dmem.u8.set(smem.u8.subarray(s, s + n), d);`, 'memory.copy between memories `dm` and `sm`', { cold: true });
op('memory.init_m', 'seg:i mem:i a64:i d:s s:s n:s', `${USE_MEM}const seg = inst.datas[$seg];
const d = ${u64At('$d', '$a64')}, s = S[$s] >>> 0, n = S[$n] >>> 0;
if (s + n > seg.length || d + n > memLen) trap('memory_out_of_bounds');
${PER_BYTES_M}u8.set(seg.subarray(s, s + n), d);`, 'memory.init of memory `mem` (destination i64 when a64)', { cold: true });

// ---------------------------------------------------------------- i32 numeric
op('i32.eqz_s', 'dst:s a:s', 'S[$dst] = +(S[$a] === 0);', 'i32.eqz', { wasm: 0x45, shape: 'unary', brIfTrue: 'br_if_eqz_s', brIfFalse: 'br_if_s' });
const i32Unary: Array<[string, number, string]> = [
  ['clz', 0x67, 'Math.clz32(S[$a])'],
  ['ctz', 0x68, 'ctz32(S[$a])'],
  ['popcnt', 0x69, 'popcnt32(S[$a])'],
  ['extend8_s', 0xc0, '(S[$a] << 24) >> 24'],
  ['extend16_s', 0xc1, '(S[$a] << 16) >> 16'],
];
for (const [name, wasm, expr] of i32Unary) {
  op(`i32.${name}_s`, 'dst:s a:s', `S[$dst] = ${expr};`, `i32.${name}`, { wasm, shape: 'unary' });
}

/** The comparisons, in wasm opcode order, with their negations (for `cmp; if`: branch when false). */
const COMPARISONS: Array<[string, string]> = [
  ['eq', 'ne'], ['ne', 'eq'], ['lt_s', 'ge_s'], ['lt_u', 'ge_u'], ['gt_s', 'le_s'],
  ['gt_u', 'le_u'], ['le_s', 'gt_s'], ['le_u', 'gt_u'], ['ge_s', 'lt_s'], ['ge_u', 'lt_u'],
];
const JS_CMP: Record<string, string> = { eq: '===', ne: '!==', lt: '<', gt: '>', le: '<=', ge: '>=' };
/** i32 comparison `x cmp y` of two int32 expressions. */
function cmp32(c: string, x: string, y: string): string {
  const [rel, sign] = c.split('_');
  return sign === 'u' ? `${x} >>> 0 ${JS_CMP[rel]} ${y} >>> 0` : `${x} ${JS_CMP[rel]} ${y}`;
}

/**
 * An i32 binary op: `exec` computes `r` (or writes S[$dst] itself) from int32
 * operands `a` and `b`, given as expressions.
 */
interface Bin32 { name: string; wasm: number; body: (a: string, b: string) => string; }
const i32Binary: Bin32[] = [];
COMPARISONS.forEach(([c], i) => i32Binary.push({ name: c, wasm: 0x46 + i, body: (a, b) => `S[$dst] = +(${cmp32(c, a, b)});` }));
const simple32: Array<[string, (a: string, b: string) => string]> = [
  ['add', (a, b) => `${a} + ${b}`], ['sub', (a, b) => `${a} - ${b}`], ['mul', (a, b) => `Math.imul(${a}, ${b})`],
];
simple32.forEach(([name, e], i) => i32Binary.push({ name, wasm: 0x6a + i, body: (a, b) => `S[$dst] = ${e(a, b)};` }));
i32Binary.push(
  { name: 'div_s', wasm: 0x6d, body: (a, b) => `const a = ${a}, b = ${b};
if (b === 0) trap('integer_divide_by_zero');
if (a === -2147483648 && b === -1) trap('integer_overflow');
S[$dst] = a / b;` },
  { name: 'div_u', wasm: 0x6e, body: (a, b) => `const b = ${b} >>> 0;
if (b === 0) trap('integer_divide_by_zero');
S[$dst] = (${a} >>> 0) / b;` },
  { name: 'rem_s', wasm: 0x6f, body: (a, b) => `const b = ${b};
if (b === 0) trap('integer_divide_by_zero');
S[$dst] = ${a} % b;` },
  { name: 'rem_u', wasm: 0x70, body: (a, b) => `const b = ${b} >>> 0;
if (b === 0) trap('integer_divide_by_zero');
S[$dst] = (${a} >>> 0) % b;` },
);
const bits32: Array<[string, string]> = [['and', '&'], ['or', '|'], ['xor', '^'], ['shl', '<<'], ['shr_s', '>>'], ['shr_u', '>>>']];
bits32.forEach(([name, o], i) => i32Binary.push({ name, wasm: 0x71 + i, body: (a, b) => `S[$dst] = ${a} ${o} ${b};` }));
i32Binary.push(
  { name: 'rotl', wasm: 0x77, body: (a, b) => `const a = ${a}, k = ${b} & 31;
S[$dst] = (a << k) | (a >>> (32 - k));` },
  { name: 'rotr', wasm: 0x78, body: (a, b) => `const a = ${a}, k = ${b} & 31;
S[$dst] = (a >>> k) | (a << (32 - k));` },
);
const isCmp = (n: string) => COMPARISONS.some(([c]) => c === n);
const negOf = (n: string) => COMPARISONS.find(([c]) => c === n)![1];
for (const b of i32Binary) {
  const c = isCmp(b.name);
  op(`i32.${b.name}_ss`, 'dst:s a:s b:s', b.body('S[$a]', 'S[$b]'), `i32.${b.name}`, {
    wasm: b.wasm, shape: 'binary', immForm: `i32.${b.name}_si`,
    ...(c ? { brIfTrue: `br_if_i32_${b.name}_ss`, brIfFalse: `br_if_i32_${negOf(b.name)}_ss` } : {}),
  });
}
for (const b of i32Binary) {
  const c = isCmp(b.name);
  op(`i32.${b.name}_si`, 'dst:s a:s b:i', b.body('S[$a]', '$b'), `i32.${b.name} with a constant right operand`,
    c ? { brIfTrue: `br_if_i32_${b.name}_si`, brIfFalse: `br_if_i32_${negOf(b.name)}_si` } : {});
}
op('i32.sub_is', 'dst:s a:s b:i', 'S[$dst] = $b - S[$a];', 'i32.sub with a constant left operand (`0 - x`, `31 - x`)');
op('i32.add_shl_ssii', 'dst:s x:s i:s k:i imm:i', 'S[$dst] = S[$x] + $imm + (S[$i] << $k);', 'S[x] + imm + (S[i] << k) (array indexing)');
op('i32.shl_add_sii', 'dst:s x:s k:i imm:i', 'S[$dst] = (S[$x] << $k) + $imm;', '(S[x] << k) + imm');
/**
 * Bitwise pairs of SHA-2's Ch and Maj (and bit-select idioms generally):
 * `(a ^ b) & c` and `(a & b) ^ c` with the inner op just emitted (compiler
 * fuseSame3 with another inner op), `a & ~b` from `a & (b ^ -1)`.
 */
op('i32.xor_and_sss', 'dst:s a:s b:s c:s', 'S[$dst] = (S[$a] ^ S[$b]) & S[$c];', '(S[a] ^ S[b]) & S[c]');
op('i32.and_xor_sss', 'dst:s a:s b:s c:s', 'S[$dst] = (S[$a] & S[$b]) ^ S[$c];', '(S[a] & S[b]) ^ S[c]');
op('i32.andn_ss', 'dst:s a:s b:s', 'S[$dst] = S[$a] & ~S[$b];', 'S[a] & ~S[b] (i32.and of an i32.xor with -1)');
/** `(a << b) | c`, the shift by a variable count just emitted (compiler fuseSame3): bit packing (`buf |= v << n`), rotations by a variable count written with shifts. */
op('i32.shl_or_sss', 'dst:s a:s b:s c:s', 'S[$dst] = (S[$a] << S[$b]) | S[$c];', '(S[a] << S[b]) | S[c]');
op('i32.add3_sss', 'dst:s a:s b:s c:s', '// exact in doubles (|sum| < 2^33); the store wraps it\nS[$dst] = S[$a] + S[$b] + S[$c];', 'S[a] + S[b] + S[c] (two i32.add in a row, compiler fuseSame3)');
/**
 * `x ^ shift(y, k)` by a constant k (0..31), the shift just computed: SHA-2's
 * Σ/σ functions and xorshift generators (compiler fuseXorShift).
 */
const xorShifts: Array<[string, string]> = [
  ['rotl', '(v << k) | (v >>> (32 - k))'], ['shr_u', 'v >>> k'], ['shl', 'v << k'],
];
for (const [name, e] of xorShifts) {
  op(`i32.xor_${name}_ssi`, 'dst:s a:s b:s k:i', `const v = S[$b], k = $k;\nS[$dst] = S[$a] ^ (${e});`, `S[a] ^ i32.${name}(S[b], k)`);
}
/**
 * Xorshift steps on i32 (compiler fuseXorShiftSteps, as the i64 rows
 * below), each `t = s ^ shift(s, k)` on the step before's result: `t = s ^
 * (s << x)` written to S[t], then `t ^ (t >>> u)` to dst; with a third step
 * `w = t ^ (t >>> u)` written to S[w], then `w ^ (w << p)` to dst
 * (xorshift32's `s ^= s << 13; s ^= s >> 17; s ^= s << 5`). Every step's
 * result is written, in order, as the unfused steps do; SPEED: each value
 * is read once and carried in a local to the next step.
 */
const XORSHIFT32_SHL = `const a = S[$a];
let v = a ^ (a << $x);
S[$t] = v;`;
op('i32.xorshift2_si', 'dst:s a:s t:s x:i u:i', `${XORSHIFT32_SHL}
S[$dst] = v ^ (v >>> $u);`, 'S[t] = S[a] ^ i32.shl(S[a], x), then S[t] ^ i32.shr_u(S[t], u)');
op('i32.xorshift3_si', 'dst:s a:s t:s w:s x:i u:i p:i', `${XORSHIFT32_SHL}
v ^= v >>> $u;
S[$w] = v;
S[$dst] = v ^ (v << $p);`, 'i32.xorshift2_si into S[w], then S[w] ^ i32.shl(S[w], p)');
/** `i32.shr_u(S[a], k) | c` (compiler binary): a shifted value with its low bit forced (`(x >> 3) | 1`), i64.shr_u_or_si's i32 form. */
op('i32.shr_u_or_si', 'dst:s a:s k:i c:i', 'S[$dst] = (S[$a] >>> $k) | $c;', 'i32.shr_u(S[a], k) | c');
/**
 * Three shifts of one value xor-ed together, each by a constant (0..31):
 * SHA-2's Σ0/Σ1 (three rotations) and σ0/σ1 (two rotations and a shift);
 * the two-rotation op is the step between (compiler fuseRotXor).
 */
const ROTL = (k: string) => `((v << ${k}) | (v >>> (32 - ${k})))`;
op('i32.rotl2_xor_sii', 'dst:s a:s k1:i k2:i', `const v = S[$a];\nS[$dst] = ${ROTL('$k1')} ^ ${ROTL('$k2')};`, 'i32.rotl(S[a], k1) ^ i32.rotl(S[a], k2)');
op('i32.rotl3_xor_siii', 'dst:s a:s k1:i k2:i k3:i', `const v = S[$a], k1 = $k1, k2 = $k2, k3 = $k3;\nS[$dst] = ${ROTL('k1')} ^ ${ROTL('k2')} ^ ${ROTL('k3')};`, 'i32.rotl(S[a], k1) ^ i32.rotl(S[a], k2) ^ i32.rotl(S[a], k3) (SHA-2 Σ)');
op('i32.rotl2_shr_u_xor_siii', 'dst:s a:s k1:i k2:i k3:i', `const v = S[$a], k1 = $k1, k2 = $k2;\nS[$dst] = ${ROTL('k1')} ^ ${ROTL('k2')} ^ (v >>> $k3);`, 'i32.rotl(S[a], k1) ^ i32.rotl(S[a], k2) ^ i32.shr_u(S[a], k3) (SHA-2 σ)');
for (const [c] of COMPARISONS) {
  branch(`br_if_i32_${c}_ss`, 'a:s b:s', '', cmp32(c, 'S[$a]', 'S[$b]'), `jump when S[a] ${c} S[b] (i32)`);
}
for (const [c] of COMPARISONS) {
  branch(`br_if_i32_${c}_si`, 'a:s b:i', '', cmp32(c, 'S[$a]', '$b'), `jump when S[a] ${c} b (i32)`);
}

/** The end of a two-way branch row whose earlier lines changed state they read (JUMP_PENDING). */
const pendingJump = (cond: string) => JUMP_PENDING(`${cond} ? $target : $fall`);

/**
 * A load feeding a branch condition, as one fused branch (compiler
 * fuseLoadBranch): the loaded value tested against 0, or compared for
 * (in)equality with S[b] or constant b (the address as for loads). Out of
 * bounds traps before the branch, as the separate load does. The tests
 * against 0 also write the value to `dst` (its temporary, or the local a
 * `local.tee` kept it in: `p = p->next; if (p)`).
 */
for (const load of ['i32.load', 'i32.load8_u']) {
  const [, , size, v] = i32Loads.find(([n]) => n === load)!;
  const f = load.slice(4);
  const keep = `${ea(size)}const v = ${v};\nS[$dst] = v;\n`;
  const fields = 'dst:s addr:s offset:i imm:i k:i target:t fall:t';
  op(`br_if_${f}_nz`, fields, keep + pendingJump('v !== 0'), `S[dst] = the ${load}; jump when it is not 0`, { next: 'self' });
  op(`br_if_${f}_z`, fields, keep + pendingJump('v === 0'), `S[dst] = the ${load}; jump when it is 0`, { next: 'self' });
  for (const c of ['eq', 'ne']) {
    branch(`br_if_i32_${f}_${c}_s`, 'addr:s b:s offset:i imm:i k:i', ea(size), `${v} ${JS_CMP[c]} S[$b]`, `jump when the ${load} ${c} S[b]`);
    branch(`br_if_i32_${f}_${c}_i`, 'addr:s b:i offset:i imm:i k:i', ea(size), `${v} ${JS_CMP[c]} $b`, `jump when the ${load} ${c} b`);
  }
}

/**
 * A counter step and the branch on it (compiler fuseAddBranch): `S[dst] =
 * S[a] + b`, then the branch on the new value, compared with S[c] / constant
 * c or tested against 0 (the add is done when the branch charges: pendingJump).
 */
const addBranch = (cond: string) => `const v = (S[$a] + $b) | 0;
S[$dst] = v;
${pendingJump(cond)}`;
// the loop-counter comparisons only (each row costs the loop's bytecode budget)
for (const c of ['eq', 'ne', 'lt_u', 'gt_u']) {
  op(`br_if_add_si_i32_${c}_si`, 'dst:s a:s b:i c:i target:t fall:t', addBranch(cmp32(c, 'v', '$c')), `S[dst] = S[a] + b, then jump when S[dst] ${c} c (i32)`, { next: 'self' });
}
for (const c of ['lt_u', 'eq']) {
  op(`br_if_add_si_i32_${c}_ss`, 'dst:s a:s b:i c:s target:t fall:t', addBranch(cmp32(c, 'v', 'S[$c]')), `S[dst] = S[a] + b, then jump when S[dst] ${c} S[c] (i32)`, { next: 'self' });
}
op('br_if_add_si_nz', 'dst:s a:s b:i target:t fall:t', addBranch('v !== 0'), 'S[dst] = S[a] + b, then jump when it is not 0', { next: 'self' });

// ---------------------------------------------------------------- i64 numeric
/** Writes the i64 result (lo, hi) to S[$dst]. */
function set64(lo: string, hi: string): string {
  return `const d = $dst;\nS[d] = ${lo};\nS[d + 1] = ${hi};`;
}
op('i64.eqz_s', 'dst:s a:s', `const a = $a;
S[$dst] = +((S[a] | S[a + 1]) === 0);`, 'i64.eqz', { wasm: 0x50, shape: 'unary', brIfTrue: 'br_if_i64_eqz_s', brIfFalse: 'br_if_i64_nez_s' });
const i64Unary: Array<[string, number, string]> = [
  ['clz', 0x79, `const a = $a, d = $dst;
const hi = S[a + 1];
S[d] = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(S[a]);
S[d + 1] = 0;`],
  ['ctz', 0x7a, `const a = $a, d = $dst;
const lo = S[a];
S[d] = lo !== 0 ? ctz32(lo) : 32 + ctz32(S[a + 1]);
S[d + 1] = 0;`],
  ['popcnt', 0x7b, `const a = $a, d = $dst;
S[d] = popcnt32(S[a]) + popcnt32(S[a + 1]);
S[d + 1] = 0;`],
  ['extend8_s', 0xc2, `const v = (S[$a] << 24) >> 24, d = $dst;
S[d] = v;
S[d + 1] = v >> 31;`],
  ['extend16_s', 0xc3, `const v = (S[$a] << 16) >> 16, d = $dst;
S[d] = v;
S[d + 1] = v >> 31;`],
];
for (const [name, wasm, body] of i64Unary) op(`i64.${name}_s`, 'dst:s a:s', body, `i64.${name}`, { wasm, shape: 'unary' });
const EXTEND_S = `const v = S[$a], d = $dst;
S[d] = v;
S[d + 1] = v >> 31;`;
op('i64.extend32_s_s', 'dst:s a:s', EXTEND_S, 'i64.extend32_s', { wasm: 0xc4, shape: 'unary', group: 'extend_s' });
op('i64.extend_i32_s_s', 'dst:s a:s', EXTEND_S, 'i64.extend_i32_s', { wasm: 0xac, shape: 'unary', group: 'extend_s' });
op('i64.extend_i32_u_s', 'dst:s a:s', `const v = S[$a], d = $dst;
S[d] = v;
S[d + 1] = 0;`, 'i64.extend_i32_u', { wasm: 0xad, shape: 'unary' });

/**
 * i64 comparison of (S[a], S[a + 1]) with (bl, bh): `pre` declares what the
 * condition `cond` reads. Signed and unsigned differ only in the high words.
 */
function cmp64(c: string, bl: string, bh: string): { pre: string; cond: string } {
  if (c === 'eq') return { pre: 'const a = $a;\n', cond: `S[a] === ${bl} && S[a + 1] === ${bh}` };
  if (c === 'ne') return { pre: 'const a = $a;\n', cond: `S[a] !== ${bl} || S[a + 1] !== ${bh}` };
  const [rel, sign] = c.split('_');
  const u = sign === 'u' ? ' >>> 0' : '';
  const strict = rel === 'lt' || rel === 'le' ? '<' : '>';
  return {
    pre: `const a = $a;\nconst ah = S[a + 1]${u}, bh = ${bh}${u};\n`,
    cond: `ah ${strict} bh || (ah === bh && S[a] >>> 0 ${JS_CMP[rel]} ${bl} >>> 0)`,
  };
}

/**
 * An i64 binary op on (al, ah) and (bl, bh) given as expressions: the body
 * writes S[$dst] (two slots); `a` is declared as the left operand's index.
 * `slot` is true for the slot form (b is declared as the right operand's index).
 */
interface Bin64 { name: string; wasm: number; body: (bl: string, bh: string) => string; imm: boolean; }
const i64Binary: Bin64[] = [];
COMPARISONS.forEach(([c], i) => i64Binary.push({
  name: c, wasm: 0x51 + i, imm: true,
  body: (bl, bh) => { const k = cmp64(c, bl, bh); return `${k.pre}S[$dst] = +(${k.cond});`; },
}));
/** The high word of the u32 x u32 product al * bl, plus the cross terms, mod 2^32. */
const MUL64 = (bl: string, bh: string) => `${MUL64_PRODUCT(bl, bh)}
${set64('Math.imul(al, bl)', 'hi')}`;
/** MUL64's product of S[$a] and (bl, bh): its high word `hi`, its low word Math.imul(al, bl). */
const MUL64_PRODUCT = (bl: string, bh: string) => `const a = $a;
const al = S[a], ah = S[a + 1], bl = ${bl}, bh = ${bh};
// low word: Math.imul is exact mod 2^32; high word: high half of the
// u32 x u32 product from 16-bit limbs (each limb product < 2^32, so
// Math.imul keeps its bits; SPEED: no double division) plus the
// cross terms mod 2^32.
const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
const p01 = Math.imul(a0, b1), p10 = Math.imul(a1, b0);
const mid = (Math.imul(a0, b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
const hi = (Math.imul(a1, b1) + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;`;
i64Binary.push(
  {
    name: 'add', wasm: 0x7c, imm: true,
    body: (bl, bh) => bl.startsWith('S[')
      ? `const a = $a;
const al = S[a], bl = ${bl};
const lo = (al + bl) | 0;
// carry out of the low word, from the top bits (Hacker's Delight 2-13);
// SPEED: no compare-and-branch, which mispredicts on random operands
const hi = (S[a + 1] + ${bh} + (((al & bl) | ((al | bl) & ~lo)) >>> 31)) | 0;
${set64('lo', 'hi')}`
      : `const a = $a;
const al = S[a], bl = ${bl};
const lo = (al + bl) | 0;
// carry out of the low word: the unsigned sum wrapped (a compare: with
// the usual small constants it is well predicted, unlike the slot form's)
const hi = (S[a + 1] + ${bh} + (lo >>> 0 < al >>> 0 ? 1 : 0)) | 0;
${set64('lo', 'hi')}`,
  },
  {
    name: 'sub', wasm: 0x7d, imm: true,
    body: (bl, bh) => bl.startsWith('S[')
      ? `const a = $a;
const al = S[a], bl = ${bl};
const lo = (al - bl) | 0;
// borrow out of the low word, from the top bits (Hacker's Delight 2-13);
// SPEED: no compare-and-branch, which mispredicts on random operands
const hi = (S[a + 1] - ${bh} - (((~al & bl) | ((~al | bl) & lo)) >>> 31)) | 0;
${set64('lo', 'hi')}`
      : `const a = $a;
const al = S[a], bl = ${bl};
// borrow out of the low word (a compare, see i64.add_si)
const hi = (S[a + 1] - ${bh} - (al >>> 0 < bl >>> 0 ? 1 : 0)) | 0;
${set64('(al - bl) | 0', 'hi')}`,
  },
  { name: 'mul', wasm: 0x7e, imm: true, body: MUL64 },
  {
    name: 'div_s', wasm: 0x7f, imm: false,
    body: () => `const a = $a, b = $b;
const al = S[a], bl = S[b];
if (S[a + 1] === al >> 31 && S[b + 1] === bl >> 31 && bl !== 0) {
  // SPEED: both operands fit in int32 (common) inline, no call: exact in
  // doubles, -2^31 <= quotient <= 2^31; high word floor(q * 2^-32) is the
  // sign without a branch
  const q = Math.trunc(al / bl);
  ${set64('q | 0', 'Math.floor(q * 2.3283064365386963e-10)').replace(/\n/g, '\n  ')}
} else {
  i64DivRem(S, $dst, a, b, 0);
}`,
  },
  {
    name: 'div_u', wasm: 0x80, imm: false,
    body: () => `const a = $a, b = $b;
const xl = S[a], xh = S[a + 1], yl = S[b], yh = S[b + 1];
if ((yl | yh) === 0) trap('integer_divide_by_zero');
// SPEED: inline, no call (never inlined into this big function), no BigInt
// and no data-dependent branch; the steps of divmodU64 and why they are exact
U64_DIV_HIGH_WORD;
const u = X / Y + 3.814697265625e-6;
let q = Math.floor(u);
if (u - q < 7.62939453125e-6) {
  if (q > 4294967295) q = 4294967295;
  U64_REM_SIGN;
  q += neg;
}
${set64('q | 0', 'qh | 0')}`,
  },
  {
    name: 'rem_s', wasm: 0x81, imm: false,
    body: () => `const a = $a, b = $b;
const al = S[a], bl = S[b];
if (S[a + 1] === al >> 31 && S[b + 1] === bl >> 31 && bl !== 0) {
  // SPEED: both operands fit in int32 inline, as in i64.div_s_ss
  const r = al % bl;
  ${set64('r | 0', 'Math.floor(r * 2.3283064365386963e-10)').replace(/\n/g, '\n  ')}
} else {
  i64DivRem(S, $dst, a, b, 2);
}`,
  },
  {
    name: 'rem_u', wasm: 0x82, imm: false,
    body: () => `const a = $a, b = $b, d = $dst;
const xl = S[a], xh = S[a + 1], yl = S[b], yh = S[b + 1];
if ((yl | yh) === 0) trap('integer_divide_by_zero');
// SPEED: inline, the steps of divmodU64 (r is needed anyway, so the sign
// test runs always)
U64_DIV_HIGH_WORD;
if (xr < 2097152) {
  // SPEED: x' < 2^53 (always when y < 2^21): X is exact, and floor(X / Y)
  // too (Y >= 2^53 > X gives 0; else Y is exact and a non-integer x' / y is
  // >= 1 / y below the next integer, more than its rounding error
  // x' / y * 2^-53), so r = X - q*Y < 2^53 is exact: no correction
  const r = X - Math.floor(X / Y) * Y;
  S[d] = r | 0;
  S[d + 1] = Math.floor(r * 2.3283064365386963e-10);
} else {
  let q = Math.floor(X / Y + 3.814697265625e-6);
  if (q > 4294967295) q = 4294967295;
  U64_REM_SIGN;
  const rlc = (rl + (yl & neg)) | 0;
  S[d] = rlc;
  S[d + 1] = Math.floor((R - neg * Y - (rlc >>> 0)) * 2.3283064365386963e-10 + 0.5) | 0;
}`,
  },
);
const bits64: Array<[string, string]> = [['and', '&'], ['or', '|'], ['xor', '^']];
bits64.forEach(([name, o], i) => i64Binary.push({
  name, wasm: 0x83 + i, imm: true,
  body: (bl, bh) => `const a = $a, d = $dst;
const hi = S[a + 1] ${o} ${bh};
S[d] = S[a] ${o} ${bl};
S[d + 1] = hi;`,
}));
/** Shifts by a count k read from `count` (taken mod 64, spec 4.3.2 ishl/ishr). */
const shift64: Array<[string, number, string, string]> = [
  ['shl', 0x86, 'S[d + 1] = (hi << k) | (lo >>> (32 - k)); S[d] = lo << k;', 'S[d + 1] = lo << (k - 32); S[d] = 0;'],
  ['shr_s', 0x87, 'S[d] = (lo >>> k) | (hi << (32 - k)); S[d + 1] = hi >> k;', 'S[d] = hi >> (k - 32); S[d + 1] = hi >> 31;'],
  ['shr_u', 0x88, 'S[d] = (lo >>> k) | (hi << (32 - k)); S[d + 1] = hi >>> k;', 'S[d] = hi >>> (k - 32); S[d + 1] = 0;'],
];
for (const [name, wasm, below, above] of shift64) {
  i64Binary.push({
    name, wasm, imm: true,
    body: (bl) => `const a = $a, d = $dst;
const k = ${bl} & 63;
const lo = S[a], hi = S[a + 1];
if (k === 0) { S[d] = lo; S[d + 1] = hi; }
else if (k < 32) { ${below} }
else { ${above} }`,
  });
}
/** Rotates: rotr k == rotl (64 - k); a rotl by 32 or more swaps the halves first. */
const ROT64 = (bl: string, rotr: string) => `const a = $a, d = $dst;
let k = ${bl} & 63;
if (code[pc] === @OP(${rotr})) k = (64 - k) & 63; // rotr k == rotl (64 - k)
let lo = S[a], hi = S[a + 1];
if (k >= 32) { const t = lo; lo = hi; hi = t; k -= 32; }
if (k === 0) { S[d] = lo; S[d + 1] = hi; }
else { S[d] = (lo << k) | (hi >>> (32 - k)); S[d + 1] = (hi << k) | (lo >>> (32 - k)); }`;
i64Binary.push(
  { name: 'rotl', wasm: 0x89, imm: true, body: (bl) => ROT64(bl, bl.startsWith('S[') ? 'i64.rotr_ss' : 'i64.rotr_si') },
  { name: 'rotr', wasm: 0x8a, imm: true, body: (bl) => ROT64(bl, bl.startsWith('S[') ? 'i64.rotr_ss' : 'i64.rotr_si') },
);
for (const b of i64Binary) {
  const c = isCmp(b.name);
  const rot = b.name === 'rotl' || b.name === 'rotr';
  const body = b.body('S[b]', 'S[b + 1]');
  // the slot form reads the right operand through `b`
  const exec = body.includes('const a = $a, b = $b') ? body : body.replace('const a = $a', 'const a = $a, b = $b');
  op(`i64.${b.name}_ss`, 'dst:s a:s b:s', exec, `i64.${b.name}`, {
    wasm: b.wasm, shape: 'binary', ...(b.imm ? { immForm: `i64.${b.name}_si` } : {}),
    ...(c ? { brIfTrue: `br_if_i64_${b.name}_ss`, brIfFalse: `br_if_i64_${negOf(b.name)}_ss` } : {}),
    ...(rot ? { group: 'i64.rot_ss' } : {}),
  });
}
for (const b of i64Binary) {
  if (!b.imm) continue;
  const c = isCmp(b.name);
  const rot = b.name === 'rotl' || b.name === 'rotr';
  op(`i64.${b.name}_si`, 'dst:s a:s lo:i hi:i', b.body('$lo', '$hi'), `i64.${b.name} with a constant right operand`, {
    ...(c ? { brIfTrue: `br_if_i64_${b.name}_si`, brIfFalse: `br_if_i64_${negOf(b.name)}_si` } : {}),
    ...(rot ? { group: 'i64.rot_si' } : {}),
  });
}
/**
 * Constant-count shifts and rotates, specialised by the compiler so the loop
 * does not branch on the count: `_lo` for a count k in 1..31 with x = k and
 * y = 32 - k; `_hi` for 32..63 with x = k - 32 (rotl: 33..63, y = 64 - k).
 */
const I64_SHIFT_FIELDS = 'dst:s a:s x:i y:i';
op('i64.shl_si_lo', I64_SHIFT_FIELDS, `const a = $a, d = $dst, sh = $x;
const lo = S[a];
S[d + 1] = (S[a + 1] << sh) | (lo >>> $y);
S[d] = lo << sh;`, 'i64.shl by 1..31');
op('i64.shl_si_hi', I64_SHIFT_FIELDS, `const a = $a, d = $dst;
S[d + 1] = S[a] << $x;
S[d] = 0;`, 'i64.shl by 32..63');
op('i64.shr_s_si_lo', I64_SHIFT_FIELDS, `const a = $a, d = $dst, sh = $x;
const hi = S[a + 1];
S[d] = (S[a] >>> sh) | (hi << $y);
S[d + 1] = hi >> sh;`, 'i64.shr_s by 1..31');
op('i64.shr_s_si_hi', I64_SHIFT_FIELDS, `const a = $a, d = $dst;
const hi = S[a + 1];
S[d] = hi >> $x;
S[d + 1] = hi >> 31;`, 'i64.shr_s by 32..63');
op('i64.shr_u_si_lo', I64_SHIFT_FIELDS, `const a = $a, d = $dst, sh = $x;
const hi = S[a + 1];
S[d] = (S[a] >>> sh) | (hi << $y);
S[d + 1] = hi >>> sh;`, 'i64.shr_u by 1..31');
op('i64.shr_u_si_hi', I64_SHIFT_FIELDS, `const a = $a, d = $dst;
S[d] = S[a + 1] >>> $x;
S[d + 1] = 0;`, 'i64.shr_u by 32..63');
op('i64.rotl_si_lo', I64_SHIFT_FIELDS, `const a = $a, d = $dst;
const lo = S[a], hi = S[a + 1], k = $x, r = $y;
S[d] = (lo << k) | (hi >>> r);
S[d + 1] = (hi << k) | (lo >>> r);`, 'i64.rotl by 1..31');
op('i64.rotl_si_hi', I64_SHIFT_FIELDS, `// halves swapped, then rotl by k - 32
const a = $a, d = $dst;
const lo = S[a], hi = S[a + 1], k = $x, r = $y;
S[d] = (hi << k) | (lo >>> r);
S[d + 1] = (lo << k) | (hi >>> r);`, 'i64.rotl by 33..63');
/** `x ^ (y << k)` and `x ^ (y >>> k)` for k in 1..31 (fields as the `_lo` shifts), the shift just computed: xorshift generators (compiler fuseXorShift). */
op('i64.xor_shl_si_lo', 'dst:s a:s b:s x:i y:i', `const a = $a, b = $b, d = $dst, sh = $x;
const lo = S[b], hi = S[b + 1];
const rlo = S[a] ^ (lo << sh);
S[d + 1] = S[a + 1] ^ ((hi << sh) | (lo >>> $y));
S[d] = rlo;`, 'S[a] ^ i64.shl(S[b], 1..31)');
op('i64.xor_shr_u_si_lo', 'dst:s a:s b:s x:i y:i', `const a = $a, b = $b, d = $dst, sh = $x;
const lo = S[b], hi = S[b + 1];
const rlo = S[a] ^ ((lo >>> sh) | (hi << $y));
S[d + 1] = S[a + 1] ^ (hi >>> sh);
S[d] = rlo;`, 'S[a] ^ i64.shr_u(S[b], 1..31)');
/** `S[a] * (lo, hi) + S[k]` (an i64.mul by a constant, i64.mul_si, feeding i64.add; compiler fuseMulAdd): LCGs, hashes. */
op('i64.mul_si_add_s', 'dst:s a:s lo:i hi:i k:s', `${MUL64_PRODUCT('$lo', '$hi')}
// the low words' sum as u32s is exact in doubles (< 2^33): the stores
// wrap the sums, the carry is its truncation * 2^-32
const k = $k, s = (Math.imul(al, bl) >>> 0) + (S[k] >>> 0);
const d = $dst;
S[d + 1] = hi + S[k + 1] + ((s * 2.3283064365386963e-10) | 0);
S[d] = s;`, 'S[a] * (lo, hi) + S[k] (i64)');
/** `i64.shr_u(S[a], 1..31) | (lo, hi)` (shift fields as the `_lo` shifts; compiler binary): `(x >> 12) | 0x3ff0000000000000` makes a random double's bits. */
op('i64.shr_u_or_si', 'dst:s a:s x:i y:i lo:i hi:i', `const a = $a, d = $dst, sh = $x;
const hi = S[a + 1];
S[d] = (S[a] >>> sh) | (hi << $y) | $lo;
S[d + 1] = (hi >>> sh) | $hi;`, 'i64.shr_u(S[a], 1..31) | (lo, hi)');
/**
 * Xorshift steps (compiler fuseXorShiftSteps), each `t = s ^ shift(s, k)`
 * with k in 1..31 (the `_lo` shifts' fields: x, u, p the counts, y, v, q
 * 32 minus them) on the step before's result: `t = s ^ (s << x)` written to
 * S[t], then `t ^ (t >>> u)` to dst; with a third step `w = t ^ (t >>> u)`
 * written to S[w], then `w ^ (w << p)` to dst (Marsaglia's xorshift64).
 * Every step's result is written, in order, as the unfused steps do.
 */
const XORSHIFT_SHL = `const a = $a, t = $t, d = $dst, sh = $x;
const l0 = S[a], h0 = S[a + 1];
let lo = l0 ^ (l0 << sh), hi = h0 ^ ((h0 << sh) | (l0 >>> $y));
S[t] = lo;
S[t + 1] = hi;
const u = $u;`;
op('i64.xorshift2_si', 'dst:s a:s t:s x:i y:i u:i v:i', `${XORSHIFT_SHL}
S[d] = lo ^ ((lo >>> u) | (hi << $v));
S[d + 1] = hi ^ (hi >>> u);`, 'S[t] = S[a] ^ i64.shl(S[a], 1..31), then S[t] ^ i64.shr_u(S[t], 1..31)');
op('i64.xorshift3_si', 'dst:s a:s t:s w:s x:i y:i u:i v:i p:i q:i', `${XORSHIFT_SHL}
lo ^= (lo >>> u) | (hi << $v);
hi ^= hi >>> u;
const w = $w, p = $p;
S[w] = lo;
S[w + 1] = hi;
S[d + 1] = hi ^ ((hi << p) | (lo >>> $q));
S[d] = lo ^ (lo << p);`, 'i64.xorshift2_si into S[w], then S[w] ^ i64.shl(S[w], 1..31)');
op('i64.sub_is', 'dst:s a:s lo:i hi:i', `const a = $a;
const al = S[a], bl = $lo;
// borrow out of the low word (a compare, see i64.add_si)
const hi = ($hi - S[a + 1] - (bl >>> 0 < al >>> 0 ? 1 : 0)) | 0;
${set64('(bl - al) | 0', 'hi')}`, 'i64.sub with a constant left operand (`0 - x`)');
op('i64.mul_si_small', 'dst:s a:s b:i unused:i', `const a = $a, d = $dst;
const b = $b;
// 0 <= b < 2^21, so the u32 x b product is < 2^53: exact as a double;
// its low word is ToInt32 (mod 2^32), its high word floor(p * 2^-32) (exact
// power-of-2 scaling; SPEED: a multiply, not a division)
const p = (S[a] >>> 0) * b;
// (p * 2^-32 < 2^21: truncating with | 0 is its floor; SPEED: int32 adds)
S[d + 1] = Math.imul(S[a + 1], b) + ((p * 2.3283064365386963e-10) | 0);
S[d] = p | 0;`, 'i64.mul by a constant 0 <= b < 2^21');
for (const [c] of COMPARISONS) {
  const k = cmp64(c, 'S[b]', 'S[b + 1]');
  branch(`br_if_i64_${c}_ss`, 'a:s b:s', k.pre.replace('const a = $a;', 'const a = $a, b = $b;'), k.cond, `jump when S[a] ${c} S[b] (i64)`);
}
for (const [c] of COMPARISONS) {
  const k = cmp64(c, '$lo', '$hi');
  branch(`br_if_i64_${c}_si`, 'a:s lo:i hi:i', k.pre, k.cond, `jump when S[a] ${c} (lo, hi) (i64)`);
}
/**
 * An i64 counter step and the branch on its new value (compiler
 * addBranch64): `S[dst] = S[a] + (lo, hi)`, then jump when it differs from
 * constant (clo, chi); the add is done when the branch charges its
 * destination (a pending-charge pause, as the i32 step-and-branch ops).
 */
op('br_if_add_si_i64_ne_si', 'dst:s a:s lo:i hi:i clo:i chi:i target:t fall:t', `const a = $a;
const al = S[a], bl = $lo;
const lo = (al + bl) | 0;
// carry out of the low word (a compare, see i64.add_si)
const hi = (S[a + 1] + $hi + (lo >>> 0 < al >>> 0 ? 1 : 0)) | 0;
const d = $dst;
S[d] = lo;
S[d + 1] = hi;
${JUMP_PENDING('lo !== $clo || hi !== $chi ? $target : $fall')}`, 'S[dst] = S[a] + (lo, hi), then jump when S[dst] != (clo, chi) (i64)', { next: 'self' });
branch('br_if_i64_eqz_s', 'a:s', 'const a = $a;\n', '(S[a] | S[a + 1]) === 0', 'jump when the i64 S[a] == 0');
branch('br_if_i64_nez_s', 'a:s', 'const a = $a;\n', '(S[a] | S[a + 1]) !== 0', 'jump when the i64 S[a] != 0');

// ---------------------------------------------------------------- f32 / f64
/**
 * Floats live in the slots as their raw bits (f32: one word; f64: lo, hi),
 * never as JS doubles between instructions, so no NaN payload depends on a
 * JS engine. Arithmetic reads the bits into a double through one shared
 * Float32Array/Float64Array (exact), computes, and writes the bits back;
 * every NaN it produces is written as the canonical NaN (f32 0x7fc00000, f64
 * 0x7ff8000000000000), so results are deterministic (WebAssembly
 * Nondeterminism.md: NaN bit patterns are the only float nondeterminism).
 * f32 results are rounded once: the double result of + - * / sqrt of f32
 * values is rounded to f32 by the Float32Array store, which is correct
 * because a double has more than 2 * 24 + 2 bits (spec 4.3.3, IEEE 754
 * 5.4). abs, neg, copysign, loads, stores, constants and reinterpretations
 * are bitwise: payloads are kept.
 */
/**
 * The f32 in slot index expression `s`, as a double. SPEED: through the
 * stack's Float32Array view (SF32; an f64 through SF64 at half the slot
 * index: values start at even slots, so f64s are 8-byte aligned), not through
 * a scratch array: one load instead of three.
 */
const f32 = (s: string) => `SF32[${s}]`;
/** The f64 in slot index expression `s`, as a double. */
const f64 = (s: string) => `SF64[(${s}) >> 1]`;
/**
 * The normal f32 with bits `b` (an immediate), as a double: its significand
 * times the power of two of its sign and exponent (exact; exec.template.ts
 * POW2_F32). Zeros, subnormals, infinities and NaNs never reach these forms
 * (compiler.ts floatImm).
 */
const f32Imm = (b: string) => `((${b} & 0x7fffff) + 0x800000) * POW2_F32[${b} >>> 23]`;
/** The normal f64 with bits (lo, hi) (immediates), as a double, likewise (POW2_F64). */
const f64Imm = (lo: string, hi: string) => `(((${hi} & 0xfffff) + 0x100000) * 4294967296 + (${lo} >>> 0)) * POW2_F64[${hi} >>> 20]`;
/** Writes double `r` (an identifier) as f32 to S[$dst] (the store rounds it), a NaN as the canonical NaN. */
const setF32 = (r: string) => `const d = $dst;
if (${r} === ${r}) SF32[d] = ${r};
else S[d] = 0x7fc00000;`;
/** Writes double `r` (an identifier) as f64 to S[dst] (default $dst, through a variable named `d`), a NaN as the canonical NaN. */
const setF64 = (r: string, dst = '$dst', d = 'd') => `const ${d} = ${dst};
if (${r} === ${r}) SF64[${d} >> 1] = ${r};
else {
  S[${d}] = 0;
  S[${d} + 1] = 0x7ff80000;
}`;
/**
 * nearest (roundTiesToEven, spec 4.3.3 fnearest): Math.round rounds ties
 * up, so a tie that went to an odd integer goes one down; -0.5 < x < 0 gives
 * -0 as Math.round does.
 */
const NEAREST = (x: string) => `let r = Math.round(${x});
if (r - ${x} === 0.5 && r % 2 !== 0) r -= 1;`;
const F_CMP: Array<[string, string]> = [['eq', '==='], ['ne', '!=='], ['lt', '<'], ['gt', '>'], ['le', '<='], ['ge', '>=']];
// one case for the six comparisons of a type, told apart by the op (SPEED: exec's bytecode budget;
// six cases took ~1.5 kB of it, one takes ~140 bytes and a few predicted compares)
for (const [w, read, , base] of [['f32', f32, setF32, 0x5b], ['f64', f64, setF64, 0x61]] as const) {
  const pick = F_CMP.slice(0, -1).map(([c, o]) => `o === @OP(${w}.${c}_ss) ? a ${o} b : `).join('');
  const cmp = `const o = code[pc], a = ${read('$a')}, b = ${read('$b')};
S[$dst] = (${pick}a ${F_CMP[F_CMP.length - 1][1]} b) ? 1 : 0;`;
  F_CMP.forEach(([c], i) => op(`${w}.${c}_ss`, 'dst:s a:s b:s', cmp, `${w}.${c}`, { wasm: base + i, shape: 'binary', group: `${w}.cmp` }));
}
for (const [w, read, set, base] of [['f32', f32, setF32, 0x8b], ['f64', f64, setF64, 0x99]] as const) {
  // bitwise: the sign bit of the (high) word
  const bitwise = (expr: string) => w === 'f32'
    ? `S[$dst] = ${expr};`
    : `const a = $a, d = $dst;\nconst lo = S[a];\nS[d + 1] = ${expr.replace(/\$a/g, 'a + 1').replace(/\$b/g, 'b + 1')};\nS[d] = lo;`;
  op(`${w}.abs_s`, 'dst:s a:s', bitwise('S[$a] & 0x7fffffff'), `${w}.abs (clears the sign bit)`, { wasm: base, shape: 'unary' });
  op(`${w}.neg_s`, 'dst:s a:s', bitwise('S[$a] ^ -2147483648'), `${w}.neg (flips the sign bit)`, { wasm: base + 1, shape: 'unary' });
  const un: Array<[string, string]> = [['ceil', 'Math.ceil(a)'], ['floor', 'Math.floor(a)'], ['trunc', 'Math.trunc(a)'], ['nearest', ''], ['sqrt', 'Math.sqrt(a)']];
  un.forEach(([name, e], i) => op(`${w}.${name}_s`, 'dst:s a:s',
    name === 'nearest' ? `const a = ${read('$a')};\n${NEAREST('a')}\n${set('r')}` : `const r = ${e.replace('(a)', `(${read('$a')})`)};\n${set('r')}`,
    `${w}.${name}`, { wasm: base + 2 + i, shape: 'unary' }));
  const bin: Array<[string, string]> = [['add', 'a + b'], ['sub', 'a - b'], ['mul', 'a * b'], ['div', 'a / b'], ['min', 'Math.min(a, b)'], ['max', 'Math.max(a, b)']];
  const withImm = new Set(['add', 'sub', 'mul', 'div']);
  bin.forEach(([name, e], i) => op(`${w}.${name}_ss`, 'dst:s a:s b:s', `const a = ${read('$a')}, b = ${read('$b')};
const r = ${e};
${set('r')}`, `${w}.${name}`, { wasm: base + 7 + i, shape: 'binary', ...(withImm.has(name) ? { immForm: `${w}.${name}_si` } : {}) }));
  // SPEED: a constant right operand as an immediate (its bits), as for integers: no const record per use.
  // mul (the hot one in the corpus) has a case of its own; add, sub and div share one, told apart by
  // the op (exec's bytecode budget)
  const shared = ['add', 'sub', 'div'];
  const pick = shared.slice(0, -1).map((n) => `o === @OP(${w}.${n}_si) ? ${bin.find(([b]) => b === n)![1]} : `).join('');
  for (const [name, e] of bin) {
    if (!withImm.has(name)) continue;
    const one = shared.includes(name);
    op(`${w}.${name}_si`, w === 'f32' ? 'dst:s a:s b:i' : 'dst:s a:s lo:i hi:i', `${one ? 'const o = code[pc];\n' : ''}const a = ${read('$a')}, b = ${w === 'f32' ? f32Imm('$b') : f64Imm('$lo', '$hi')};
const r = ${one ? `${pick}${bin.find(([b]) => b === shared[shared.length - 1])![1]}` : e};
${set('r')}`, `${w}.${name} with a constant right operand`, one ? { group: `${w}.bin_si` } : {});
  }
  // SPEED: a constant left operand of the operations that do not commute, for f64 (`1 - x`, `1 / x`);
  // one case for both (exec's bytecode budget), told apart by the op; f64.mul_div_is divides by the
  // product S[a] * S[b] of the f64.mul right before (`dt / (d2 * d)`), passed on as a double (see the
  // float superinstructions below), f64.sqrt_mul_div_is by S[a] * sqrt(S[b]), the f64.sqrt right
  // before that product too (`dt / (d2 * sqrt(d2))`), each rounded; the others do not read b
  if (w === 'f64') {
    const REV_IS = `const o = code[pc];
let b = ${f64('$a')};
if (o === @OP(f64.mul_div_is)) b = b * ${f64('$b')};
else if (o === @OP(f64.sqrt_mul_div_is)) b = b * Math.sqrt(${f64('$b')});
const a = ${f64Imm('$lo', '$hi')};
const r = o === @OP(f64.sub_is) ? a - b : a / b;
${set('r')}`;
    for (const name of ['sub', 'div']) {
      op(`f64.${name}_is`, 'dst:s a:s lo:i hi:i b:s', REV_IS, `f64.${name} with a constant left operand (b unused)`, { group: 'f64.rev_is' });
    }
    op('f64.mul_div_is', 'dst:s a:s lo:i hi:i b:s', REV_IS, 'the constant f64.div (S[a] f64.mul S[b]), each rounded (f64.mul feeding f64.div_is)', { group: 'f64.rev_is' });
    op('f64.sqrt_mul_div_is', 'dst:s a:s lo:i hi:i b:s', REV_IS, 'the constant f64.div (S[a] f64.mul f64.sqrt S[b]), each rounded (f64.sqrt feeding f64.mul_div_is)', { group: 'f64.rev_is' });
  }
  op(`${w}.copysign_ss`, 'dst:s a:s b:s', w === 'f32'
    ? 'S[$dst] = (S[$a] & 0x7fffffff) | (S[$b] & -2147483648);'
    : `const a = $a, b = $b, d = $dst;
const lo = S[a];
S[d + 1] = (S[a + 1] & 0x7fffffff) | (S[b + 1] & -2147483648);
S[d] = lo;`, `${w}.copysign (bitwise)`, { wasm: base + 13, shape: 'binary' });
}

/**
 * Float superinstructions (compiler fuseF64, fuseF64Store, fuseF64LoadSub,
 * fuseF32Dot, appendStep): two or three wasm instructions in one dispatch, each still
 * rounded on its own (JS `*`, `+`, `-` on doubles are the IEEE 754 binary64
 * operations, as the separate rows compute them; an f32 step is rounded with
 * Math.fround before the next, as the separate f32 rows round when they
 * write; wasm has no fused multiply-add and neither do these rows).
 *
 * The value passed from one instruction to the next is never written to a
 * slot, so it is not canonicalized: that is invisible. If it is a NaN, the
 * next instruction (an arithmetic op, whose result is NaN when an operand
 * is) gives a NaN too, which is canonicalized where it is written; if it is
 * not, it is the exact value the first row would have written. Likewise a
 * value loaded from memory into an arithmetic op is read with getFloat64 /
 * getFloat32: a NaN's payload may be lost there, but the result is NaN and
 * written canonical. A result stored to memory is written as the row would
 * write it to a slot: any NaN as the canonical NaN.
 *
 * An out-of-bounds access traps before anything is written, as the separate
 * load or store does (the arithmetic writes only its temporary, which the
 * fused op does not write at all).
 *
 * Some rows also join a step whose result is written to a slot (an i32
 * address or pointer step, an f64.mul after an f64.sub_sl): they run the
 * steps in the wasm order and write every such slot as the separate row
 * does, so they need no argument at all; an address step that comes first
 * runs before the bounds check, as the separate add runs before the load
 * that traps.
 */
/** Writes double `r` (an identifier) as f64 to memory at `ea`, a NaN as the canonical NaN. */
const STORE_F64 = (r: string) => `if (${r} === ${r}) dv.setFloat64(ea, ${r}, true);
else {
  dv.setInt32(ea, 0, true);
  dv.setInt32(ea + 4, 0x7ff80000, true);
}`;
// `S[a] op load` (the load right before the op, its value consumed by it: add commutes, so either
// operand) and `load - S[a]`; one case for the three, told apart by the op. f64.sub_sl_mul is
// f64.sub_sl and then, in the same dispatch, the f64.mul_ss right after it (`dx = a - m; dx * y`):
// the two rows' steps in order, each writing its slot as alone (the other rows do not read dst2,
// b2 or c2).
const BIN_SL = `${ea(8)}const a = ${f64('$a')}, b = dv.getFloat64(ea, true);
const o = code[pc];
const r = o === @OP(f64.add_sl) ? a + b : o === @OP(f64.sub_sl) || o === @OP(f64.sub_sl_mul) ? a - b : b - a;
${setF64('r')}
if (o === @OP(f64.sub_sl_mul)) {
  const r2 = ${f64('$b2')} * ${f64('$c2')};
  ${setF64('r2', '$dst2', 'd2').replace(/\n/g, '\n  ')}
}`;
const BIN_SL_FIELDS = 'dst:s a:s addr:s offset:i imm:i k:i dst2:s b2:s c2:s';
for (const name of ['add', 'sub']) {
  op(`f64.${name}_sl`, BIN_SL_FIELDS, BIN_SL, `S[a] f64.${name} the f64 loaded as for loads (an f64.load feeding f64.${name}; dst2, b2, c2 unused)`, { group: 'f64.bin_sl' });
}
op('f64.sub_ls', BIN_SL_FIELDS, BIN_SL, 'the f64 loaded as for loads f64.sub S[a] (an f64.load, maybe one f64 op computing S[a], then f64.sub; dst2, b2, c2 unused)', { group: 'f64.bin_sl' });
op('f64.sub_sl_mul', BIN_SL_FIELDS, BIN_SL, 'f64.sub_sl, then S[dst2] = S[b2] f64.mul S[c2] (f64.mul_ss, which may read dst)', { group: 'f64.bin_sl' });
// `S[a] - S[b]` stored at once (the op's result consumed by an f64.store)
// (f64.mul_sub_store: `S[a] - S[b] * S[c]`, the f64.mul right before feeding the subtraction;
// f64.mul_sub_mem: `m - S[b] * S[c]`, m the f64 at the store's own address, whose load the compiler
// dropped (fuseF64Store: `p->f -= x * y`, the load first in wasm order, then loads and arithmetic
// only, none touching the address slot): the bounds check is the store's, the same 8 bytes, and the
// loads in between write only slots, so a trap is the same trap with nothing else observable; one
// case for the three)
const SUB_STORE = `${ea(8)}const o = code[pc];
let b = ${f64('$b')};
if (o !== @OP(f64.sub_store)) b = b * ${f64('$c')};
const r = (o === @OP(f64.mul_sub_mem) ? dv.getFloat64(ea, true) : ${f64('$a')}) - b;
${STORE_F64('r')}`;
op('f64.sub_store', 'addr:s a:s b:s offset:i imm:i k:i c:s', SUB_STORE, 'f64.sub of S[a], S[b] stored as f64.store does (an f64.sub feeding f64.store; c unused)', { group: 'f64.sub_store' });
op('f64.mul_sub_store', 'addr:s a:s b:s offset:i imm:i k:i c:s', SUB_STORE, 'S[a] f64.sub (S[b] f64.mul S[c]) stored as f64.store does (f64.mul feeding f64.sub_store), each rounded', { group: 'f64.sub_store' });
op('f64.mul_sub_mem', 'addr:s a:s b:s offset:i imm:i k:i c:s', SUB_STORE, 'the f64 at the address f64.sub (S[b] f64.mul S[c]), stored back (f64.mul_sub_store whose S[a] an f64.load from the same address wrote earlier in the block), each rounded (a unused)', { group: 'f64.sub_store' });
// `m += S[a]`, `m -= S[a]` on an f64 in memory: f64.add_sl / f64.sub_ls whose result is stored where it
// loaded from (same address slot and fields); with `_mul_mul`, S[a] is `(S[a] * S[b]) * S[c]`, the
// f64.mul_mul_sss right before them (its temporary, which nothing else reads, is not written: the
// product is passed on as a double, see above). f64.step_mul_mul_add_mem first runs the i32.add_si
// right before the product, `S[pd] = S[pa] + pi` (the address of `p->f += ...`), as alone. One case
// for the five (the others read neither pd, pa nor pi; add_mem and sub_mem neither b nor c). The
// address is S[addr] + offset (u32s): the compiler fuses only stores whose load folded no address
// arithmetic. SPEED: two code words fewer than a load's address (nbody).
const OP_MEM = `const o = code[pc];
if (o === @OP(f64.step_mul_mul_add_mem)) S[$pd] = (S[$pa] + $pi) | 0;
const ea = (S[$addr] >>> 0) + ($offset >>> 0);
if (ea + 8 > memLen) trap('memory_out_of_bounds');
let a = ${f64('$a')};
if (o !== @OP(f64.add_mem) && o !== @OP(f64.sub_mem)) a = a * ${f64('$b')} * ${f64('$c')};
const m = dv.getFloat64(ea, true);
const r = o === @OP(f64.sub_mem) || o === @OP(f64.mul_mul_sub_mem) ? m - a : a + m;
${STORE_F64('r')}`;
const OP_MEM_FIELDS = 'addr:s a:s offset:i b:s c:s pd:s pa:s pi:i';
op('f64.add_mem', OP_MEM_FIELDS, OP_MEM, 'S[a] plus the f64 at the address S[addr] + offset, stored back (f64.load, f64.add, f64.store to the same address; b, c unused)', { group: 'f64.op_mem' });
op('f64.sub_mem', OP_MEM_FIELDS, OP_MEM, 'the f64 at the address S[addr] + offset minus S[a], stored back (f64.load, f64.sub, f64.store to the same address; b, c unused)', { group: 'f64.op_mem' });
op('f64.mul_mul_add_mem', OP_MEM_FIELDS, OP_MEM, '(S[a] f64.mul S[b]) f64.mul S[c], plus the f64 at the address, stored back (f64.mul_mul_sss feeding f64.add_mem), each rounded', { group: 'f64.op_mem' });
op('f64.mul_mul_sub_mem', OP_MEM_FIELDS, OP_MEM, 'the f64 at the address minus (S[a] f64.mul S[b]) f64.mul S[c], stored back (f64.mul_mul_sss feeding f64.sub_mem), each rounded', { group: 'f64.op_mem' });
op('f64.step_mul_mul_add_mem', OP_MEM_FIELDS, OP_MEM, 'S[pd] = S[pa] i32.add pi, then f64.mul_mul_add_mem', { group: 'f64.op_mem' });
/**
 * Three f64.step_mul_mul_add_mem in a row on one pointer (compiler
 * fuseStep3): `q = p + i1; q->f += a1 * b * c; q = p + i2; ...` (a
 * 3-vector's components, `v->x += dx * m * s` for x, y, z), the three rows'
 * steps in order, each as alone (every store before the next step; S[addr]
 * is written once, with the last step's address, or with the address that
 * traps: nothing reads it in between). The compiler fuses them only when no
 * step's operands (pa, b, c, a1..a3) are the address slot, so S[pa], S[b]
 * and S[c] are read once. SPEED: one dispatch and 12 code words for what
 * was three and 24 (nbody's pair loop).
 */
op('f64.step_mul_mul_add_mem3', 'addr:s offset:i b:s c:s pa:s a1:s a2:s a3:s i1:i i2:i i3:i', `const d = $addr, lo = $offset >>> 0, p = S[$pa];
const b = ${f64('$b')}, m = ${f64('$c')};
let v = 0;
for (let k = @END - 6; k < @END - 3; k++) {
  v = (p + code[k + 3]) | 0;
  const ea = (v >>> 0) + lo;
  if (ea + 8 > memLen) {
    S[d] = v;
    trap('memory_out_of_bounds');
  }
  const r = ${f64('fp + code[k]')} * b * m + dv.getFloat64(ea, true);
  ${STORE_F64('r').replace(/\n/g, '\n  ')}
}
S[d] = v;`, 'f64.step_mul_mul_add_mem three times at S[pa] + i1, i2, i3 (as S[addr], offset) with a1, a2, a3 (b, c shared)');
// f64 at a constant address (`i32.const c; f64.load offset=o`: a global's field, an unrolled loop over a
// static array): the address c + o (below 2^32) is the field `ea`, so no const record writes c to a slot
// first. f64.load_c moves bits as i64.load does; f64.add_mem_c / f64.sub_mem_c are f64.add_mem /
// f64.sub_mem at such an address; f64.load_mul_add_mem_c is `m += v * k` there (v the f64 at a
// constant address, k a constant: `x += dt * vx` unrolled), f64.load_c, f64.mul_si and f64.add_mem_c
// in one dispatch, the product passed on as a double (see above; its temporary, which nothing else
// reads, is not written), both addresses checked before anything is stored. One case for the three
// (add_mem_c and sub_mem_c read neither src, lo nor hi; f64.load_mul_add_mem_c not a).
const EA_C = `const ea = $ea >>> 0;
if (ea + 8 > memLen) trap('memory_out_of_bounds');
`;
op('f64.load_c', 'dst:s ea:i', `${EA_C}const d = $dst;
S[d] = dv.getInt32(ea, true);
S[d + 1] = dv.getInt32(ea + 4, true);`, 'f64.load from the constant address ea (u32)');
const OP_MEM_C = `${EA_C}const o = code[pc];
let a: number;
if (o === @OP(f64.load_mul_add_mem_c)) {
  const ea2 = $src >>> 0;
  if (ea2 + 8 > memLen) trap('memory_out_of_bounds');
  a = dv.getFloat64(ea2, true) * (${f64Imm('$lo', '$hi')});
} else a = ${f64('$a')};
const m = dv.getFloat64(ea, true);
const r = o === @OP(f64.sub_mem_c) ? m - a : a + m;
${STORE_F64('r')}`;
const OP_MEM_C_FIELDS = 'ea:i a:s src:i lo:i hi:i';
op('f64.add_mem_c', OP_MEM_C_FIELDS, OP_MEM_C, 'S[a] plus the f64 at the constant address ea, stored back (f64.load_c, f64.add, f64.store to the same address; src, lo, hi unused)', { group: 'f64.op_mem_c' });
op('f64.sub_mem_c', OP_MEM_C_FIELDS, OP_MEM_C, 'the f64 at the constant address ea minus S[a], stored back (f64.load_c, f64.sub, f64.store to the same address; src, lo, hi unused)', { group: 'f64.op_mem_c' });
op('f64.load_mul_add_mem_c', OP_MEM_C_FIELDS, OP_MEM_C, '(the f64 at the constant address src f64.mul the constant (lo, hi)) plus the f64 at the constant address ea, stored back (f64.load_c, f64.mul_si, f64.add_mem_c), each rounded (a unused)', { group: 'f64.op_mem_c' });
/** The effective address (as for loads, fields addr<n> offset<n> imm<n> k<n>) of the n-th load of a fused op, checked for `size` bytes, as `ea<n>`. */
function eaN(n: number, size: number): string {
  return `const ea${n} = (((S[$addr${n}] << $k${n}) + $imm${n}) >>> 0) + ($offset${n} >>> 0);
if (ea${n} + ${size} > memLen) trap('memory_out_of_bounds');\n`;
}
const LOADS2 = 'addr1:s offset1:i imm1:i k1:i addr2:s offset2:i imm2:i k2:i';
// f32 products of two loads (dot products: the loads right before, consumed by the op). The
// product of two f32 is exact as a double; Math.fround rounds it once, as f32.mul does.
// One case for the five (f32.mul_ll reads neither `c` nor `x`, f32.mul_ll_add_s not `x`): the
// steps of a dot product unrolled twice, `s + a[k] * b[k] + p` (p the product of the step before).
// The loop's address arithmetic joins them: f32.add_mul_ll runs `S[pd] = S[pa] + S[pb]`
// (i32.add_ss, an address the loads may read) before f32.mul_ll, f32.mul_ll_add2_s_add runs
// `S[pd] = S[pa] + pi` (i32.add_si, a pointer's step) after f32.mul_ll_add2_s: the rows' steps in
// order, each as alone (the others do not read pd, pa, pb, pi).
const MUL_LL = `const o = code[pc];
if (o === @OP(f32.add_mul_ll)) S[$pd] = (S[$pa] + S[$pb]) | 0;
${eaN(1, 4)}${eaN(2, 4)}let r = dv.getFloat32(ea1, true) * dv.getFloat32(ea2, true);
if (o !== @OP(f32.mul_ll) && o !== @OP(f32.add_mul_ll)) {
  r = Math.fround(r) + ${f32('$c')};
  if (o !== @OP(f32.mul_ll_add_s)) r = Math.fround(r) + ${f32('$x')};
}
${setF32('r')}
if (o === @OP(f32.mul_ll_add2_s_add)) S[$pd] = (S[$pa] + $pi) | 0;`;
const MUL_LL_FIELDS = `dst:s c:s x:s ${LOADS2} pd:s pa:s pb:s pi:i`;
op('f32.mul_ll', MUL_LL_FIELDS, MUL_LL, 'f32.mul of two f32 loads (addresses as for loads; c, x, pd, pa, pb, pi unused)', { group: 'f32.mul_ll' });
op('f32.mul_ll_add_s', MUL_LL_FIELDS, MUL_LL, 'f32.mul_ll, then f32.add of S[c] (a dot product step), each rounded (x, pd, pa, pb, pi unused)', { group: 'f32.mul_ll' });
op('f32.mul_ll_add2_s', MUL_LL_FIELDS, MUL_LL, 'f32.mul_ll_add_s, then f32.add of S[x], each rounded (pd, pa, pb, pi unused)', { group: 'f32.mul_ll' });
op('f32.add_mul_ll', MUL_LL_FIELDS, MUL_LL, 'S[pd] = S[pa] i32.add S[pb], then f32.mul_ll (c, x, pi unused)', { group: 'f32.mul_ll' });
op('f32.mul_ll_add2_s_add', MUL_LL_FIELDS, MUL_LL, 'f32.mul_ll_add2_s, then S[pd] = S[pa] i32.add pi (pb unused)', { group: 'f32.mul_ll' });
/**
 * A dot product's loop, unrolled twice, as one op (compiler fuseDotLoop): the
 * records f32.add_mul_ll, f32.mul_ll_add2_s_add and br_if_add_si_i32_ne_si
 * back to the first, kept as they are (fields `op2`, `op3` are the second
 * and third records' op words), run in one dispatch for as long as the
 * branch goes back to this op. Each round runs the three rows' steps in
 * order, each as alone (the loads' bounds checks, NaN canonicalization,
 * rounding after every f32 step); the branch charges the loop's gas before
 * the next round, so an out-of-gas pause is at this op with that charge
 * pending, as after the separate branch. The fall-through leaves as the
 * branch does. SPEED: the fields are read once, not once per round (matmul:
 * a 16-term dot product, 8 rounds; 3 dispatches and ~45 field reads a round
 * before). The temporaries reuse names the other cases declare (Ignition
 * gives each distinct name a register, see gen-isa.js): o this op; d, p, a0,
 * b the first row's dst, pd, pa, pb; a, i, k, lo its first load's addr, imm,
 * k, offset and b1, b0, m, hi its second's; d2, s, u, q, n, t the second row's
 * dst, c, x, pd, pa, pi; al, mid, rk, ah and xl, ylu, w, xr its loads';
 * yh, X, R, neg the branch's dst, a, b, c; j, ret its target and fall; hR,
 * rlc the target's pc and gas (read once too: code does not change).
 */
const DOT_LOOP = `const o = pc;
const d = $dst, p = $pd, a0 = $pa, b = $pb;
const a = $addr1, i = $imm1, k = $k1, lo = $offset1 >>> 0;
const b1 = $addr2, b0 = $imm2, m = $k2, hi = $offset2 >>> 0;
const d2 = $dstB, s = $cB, u = $xB, q = $pdB, n = $paB, t = $piB;
const al = $addr1B, mid = $imm1B, rk = $k1B, ah = $offset1B >>> 0;
const xl = $addr2B, ylu = $imm2B, w = $k2B, xr = $offset2B >>> 0;
const yh = $dstC, X = $aC, R = $bC, neg = $cC, ret = $fall;
const j = $target, hR = code[j], rlc = code[j + 1];
for (;;) {
  S[p] = (S[a0] + S[b]) | 0;
  let ea1 = (((S[a] << k) + i) >>> 0) + lo;
  if (ea1 + 4 > memLen) trap('memory_out_of_bounds');
  let ea2 = (((S[b1] << m) + b0) >>> 0) + hi;
  if (ea2 + 4 > memLen) trap('memory_out_of_bounds');
  let r = dv.getFloat32(ea1, true) * dv.getFloat32(ea2, true);
  if (r === r) SF32[d] = r;
  else S[d] = 0x7fc00000;
  ea1 = (((S[al] << rk) + mid) >>> 0) + ah;
  if (ea1 + 4 > memLen) trap('memory_out_of_bounds');
  ea2 = (((S[xl] << w) + ylu) >>> 0) + xr;
  if (ea2 + 4 > memLen) trap('memory_out_of_bounds');
  r = dv.getFloat32(ea1, true) * dv.getFloat32(ea2, true);
  r = Math.fround(r) + SF32[s];
  r = Math.fround(r) + SF32[u];
  if (r === r) SF32[d2] = r;
  else S[d2] = 0x7fc00000;
  S[q] = (S[n] + t) | 0;
  const v = (S[X] + R) | 0;
  S[yh] = v;
  if (v === neg) break;
  pc = hR;
  CHARGE_PENDING(rlc);
  if (pc !== o) break;
}
if (pc === o) {
  pc = code[ret];
  const cost = code[ret + 1];
  CHARGE_PENDING(cost);
}
break;`;
const DOT_ROW = (sfx: string) => MUL_LL_FIELDS.split(' ').map((f) => f.replace(':', `${sfx}:`)).join(' ');
op('f32.dot2_loop', `${MUL_LL_FIELDS} op2:i ${DOT_ROW('B')} op3:i dstC:s aC:s bC:i cC:i target:t fall:t`, DOT_LOOP,
  'f32.add_mul_ll, f32.mul_ll_add2_s_add, br_if_add_si_i32_ne_si back to this op, looped in one dispatch', { next: 'self' });
op('f64.add_add_sss', 'dst:s a:s b:s c:s', `const r = ${f64('$a')} + ${f64('$b')} + ${f64('$c')};
${setF64('r')}`, '(S[a] f64.add S[b]) f64.add S[c]: two f64.add in a row, each rounded');
op('f64.mul_mul_sss', 'dst:s a:s b:s c:s', `const r = ${f64('$a')} * ${f64('$b')} * ${f64('$c')};
${setF64('r')}`, '(S[a] f64.mul S[b]) f64.mul S[c]: two f64.mul in a row, each rounded');

/**
 * Float -> integer truncation (spec 4.3.3 trunc / trunc_sat): NaN traps
 * invalid_conversion and a value whose truncation is out of range traps
 * integer_overflow; the saturating forms give 0 for NaN and the nearest
 * bound. `lo < x < hi` is the range before truncation. An i64 result is
 * split exactly: t is an integer below 2^64, so t / 2^32 is exact.
 */
const truncs: Array<[string, number, number, string, string, string, string]> = [
  // name, wasm, sat wasm, source, lower (exclusive), upper (exclusive), result width
  ['i32.trunc_f32_s', 0xa8, 0x100, 'f32', '-2147483649', '2147483648', 'i32s'],
  ['i32.trunc_f32_u', 0xa9, 0x101, 'f32', '-1', '4294967296', 'i32u'],
  ['i32.trunc_f64_s', 0xaa, 0x102, 'f64', '-2147483649', '2147483648', 'i32s'],
  ['i32.trunc_f64_u', 0xab, 0x103, 'f64', '-1', '4294967296', 'i32u'],
  ['i64.trunc_f32_s', 0xae, 0x104, 'f32', '-9223373136366403584', '9223372036854775808', 'i64s'],
  ['i64.trunc_f32_u', 0xaf, 0x105, 'f32', '-1', '18446744073709551616', 'i64u'],
  ['i64.trunc_f64_s', 0xb0, 0x106, 'f64', '-9223372036854777856', '9223372036854775808', 'i64s'],
  ['i64.trunc_f64_u', 0xb1, 0x107, 'f64', '-1', '18446744073709551616', 'i64u'],
];
/** Writes the integer-valued double t as i64 (lo, hi) words. */
const SET_I64_FROM_T = `const hi = Math.floor(t * 2.3283064365386963e-10);
const d = $dst;
S[d] = t - hi * 4294967296;
S[d + 1] = hi;`;
for (const [name, wasm, satWasm, src, lo, hi, res] of truncs) {
  const read = src === 'f32' ? f32('$a') : f64('$a');
  const write = res.startsWith('i32') ? 'S[$dst] = t;' : SET_I64_FROM_T;
  op(`${name}_s`, 'dst:s a:s', `const x = ${read};
if (x !== x) trap('invalid_conversion');
if (!(x > ${lo} && x < ${hi})) trap('integer_overflow');
const t = Math.trunc(x);
${write}`, name, { wasm, shape: 'unary' });
  // saturating: the bounds themselves (the storing of t wraps an unsigned i32 into the slot)
  const [min, max] = res === 'i32s' ? ['-2147483648', '2147483647'] : res === 'i32u' ? ['0', '4294967295']
    : res === 'i64s' ? ['-9223372036854775808', '9223372036854775807'] : ['0', '18446744073709551615'];
  const sat = res.startsWith('i32')
    ? `const x = ${read};
S[$dst] = x !== x ? 0 : x <= ${lo} ? ${min} : x >= ${hi} ? ${max} : Math.trunc(x);`
    : `const x = ${read};
const d = $dst;
if (x !== x) { S[d] = 0; S[d + 1] = 0; }
else if (x <= ${lo}) { S[d] = 0; S[d + 1] = ${res === 'i64s' ? '-2147483648' : '0'}; }
else if (x >= ${hi}) { S[d] = -1; S[d + 1] = ${res === 'i64s' ? '0x7fffffff' : '-1'}; }
else {
  const t = Math.trunc(x);
  const hi = Math.floor(t * 2.3283064365386963e-10);
  S[d] = t - hi * 4294967296;
  S[d + 1] = hi;
}`;
  op(`${name.replace('trunc', 'trunc_sat')}_s`, 'dst:s a:s', sat, `${name.replace('trunc', 'trunc_sat')} (saturating)`, { wasm: satWasm, shape: 'unary' });
}
/** Integer -> float (spec 4.3.3 convert): one rounding; i64 -> f32 through u64ToF32 (round to odd). */
op('f32.convert_i32_s_s', 'dst:s a:s', `const r = S[$a];\n${setF32('r')}`, 'f32.convert_i32_s', { wasm: 0xb2, shape: 'unary' });
op('f32.convert_i32_u_s', 'dst:s a:s', `const r = S[$a] >>> 0;\n${setF32('r')}`, 'f32.convert_i32_u', { wasm: 0xb3, shape: 'unary' });
op('f32.convert_i64_s_s', 'dst:s a:s', `const a = $a;
const lo = S[a], hi = S[a + 1];
// |x| as u64 (two's complement negation; -2^63 stays 2^63), converted, signed
const r = hi < 0 ? -u64ToF32(-lo | 0, (~hi + (lo === 0 ? 1 : 0)) | 0) : u64ToF32(lo, hi);
${setF32('r')}`, 'f32.convert_i64_s', { wasm: 0xb4, shape: 'unary' });
op('f32.convert_i64_u_s', 'dst:s a:s', `const a = $a;
const r = u64ToF32(S[a], S[a + 1]);
${setF32('r')}`, 'f32.convert_i64_u', { wasm: 0xb5, shape: 'unary' });
op('f32.demote_f64_s', 'dst:s a:s', `const r = ${f64('$a')};\n${setF32('r')}`, 'f32.demote_f64 (rounded by the Float32Array store)', { wasm: 0xb6, shape: 'unary' });
op('f64.convert_i32_s_s', 'dst:s a:s', `const r = S[$a];\n${setF64('r')}`, 'f64.convert_i32_s', { wasm: 0xb7, shape: 'unary' });
op('f64.convert_i32_u_s', 'dst:s a:s', `const r = S[$a] >>> 0;\n${setF64('r')}`, 'f64.convert_i32_u', { wasm: 0xb8, shape: 'unary' });
// hi * 2^32 is exact; adding the low word rounds once
op('f64.convert_i64_s_s', 'dst:s a:s', `const a = $a;
const r = S[a + 1] * 4294967296 + (S[a] >>> 0);
${setF64('r')}`, 'f64.convert_i64_s', { wasm: 0xb9, shape: 'unary' });
op('f64.convert_i64_u_s', 'dst:s a:s', `const a = $a;
const r = (S[a + 1] >>> 0) * 4294967296 + (S[a] >>> 0);
${setF64('r')}`, 'f64.convert_i64_u', { wasm: 0xba, shape: 'unary' });
op('f64.promote_f32_s', 'dst:s a:s', `const r = ${f32('$a')};\n${setF64('r')}`, 'f64.promote_f32 (exact)', { wasm: 0xbb, shape: 'unary' });

// ---------------------------------------------------------------- exceptions
/**
 * throw and throw_ref (exception handling, exn.ts): `unwind`
 * (exec.template.ts) finds the try_table that catches the Exception, frame by
 * frame, and the loop continues there (CATCH_EXCEPTION); otherwise it leaves
 * the activation as a JS exception. An Exception a host function throws is
 * handled the same way where the host was called. The payload of `throw` is
 * the tag's parameters at slot `args`.
 */
op('throw', 'tag:i args:s', `const x: Exception | null = throwException(store, inst, $tag, S, $args);
CATCH_EXCEPTION;`, 'throw an exception with tag `tag` (payload at slot `args`)', { next: 'self' });
op('throw_ref_s', 'a:s', `const x = store.refs[S[$a]] as Exception | null;
if (x === null || x === undefined) trap('null_reference');
CATCH_EXCEPTION;`, 'throw_ref: rethrow the exception S[a] (null traps)', { next: 'self' });

// ---------------------------------------------------------------- wide arithmetic (proposal)
/**
 * i64.add128 / i64.sub128 ((a, b) +/- (c, d) as 128-bit numbers, low halves
 * first) and i64.mul_wide_s/u (the 128-bit product of two i64): two i64
 * results at S[dst] (low half) and S[dst + 2] (high half). Run in execCold
 * through add128/mulWide (exec.template.ts), which read every operand before
 * writing.
 */
op('i64.add128_s', 'dst:s a:s b:s c:s d:s', 'add128(S, $dst, $a, $b, $c, $d, false);', 'i64.add128: two i64 results (low, high)');
op('i64.sub128_s', 'dst:s a:s b:s c:s d:s', 'add128(S, $dst, $a, $b, $c, $d, true);', 'i64.sub128: two i64 results (low, high)');
op('i64.mul_wide_s_s', 'dst:s a:s b:s', 'mulWide(S, $dst, $a, $b, true);', 'i64.mul_wide_s: the signed 128-bit product (low, high)');
op('i64.mul_wide_u_s', 'dst:s a:s b:s', 'mulWide(S, $dst, $a, $b, false);', 'i64.mul_wide_u: the unsigned 128-bit product (low, high)');

// ---------------------------------------------------------------- references and tables
op('ref.is_null_s', 'dst:s a:s', 'S[$dst] = S[$a] === 0 ? 1 : 0;', 'ref.is_null', { wasm: 0xd1, shape: 'unary' });
op('ref.as_non_null_s', 'dst:s a:s', `const r = S[$a];
if (r === 0) trap('null_reference');
S[$dst] = r;`, 'ref.as_non_null: traps on null');
op('ref.func', 'dst:s func:i', 'S[$dst] = store.intern(funcs[$func] ?? inst.func($func));', 'reference to function `func`');
op('table.get_s', 'dst:s idx:s t:i', `const tab = inst.tables[$t];
const i = S[$idx] >>> 0;
if (i >= tab.elems.length) trap('table_out_of_bounds');
S[$dst] = store.intern(tab.elems[i]);`, 'table.get');
op('table.set_ss', 't:i idx:s val:s', `const tab = inst.tables[$t];
const i = S[$idx] >>> 0;
if (i >= tab.elems.length) trap('table_out_of_bounds');
tab.elems[i] = store.refs[S[$val]];`, 'table.set');
op('table.size', 'dst:s t:i', 'S[$dst] = inst.tables[$t].elems.length;', 'table.size');
op('table.grow_ss', 'dst:s init:s n:s t:i', `const tab = inst.tables[$t];
const n = S[$n] >>> 0;
// a grow that cannot succeed returns -1 without the per-element charge
if (tab.elems.length + n <= Math.min(tab.max ?? 0xffffffff, maxTable)) {
  const cost = n * perElem;
  CHARGE(cost);
}
S[$dst] = tab.grow(n, store.refs[S[$init]], maxTable);`, 'table.grow');
/**
 * Bulk operations (spec 4.4.6 table.fill/copy/init, 4.4.7 memory.fill/copy/init):
 * the bounds check comes first, as in the spec, so an out-of-bounds op traps
 * without writing anything and without paying its per-element gas; only an
 * in-bounds op pays (src/gas/README.md), still before it has any effect.
 */
const PER_ELEM = 'const cost = n * perElem;\nCHARGE(cost);\n';
const PER_BYTES = 'const cost = Math.ceil(n / 8) * perBytes8;\nCHARGE(cost);\n';
op('table.fill_sss', 't:i i:s val:s n:s', `const tab = inst.tables[$t];
const i = S[$i] >>> 0, n = S[$n] >>> 0;
if (i + n > tab.elems.length) trap('table_out_of_bounds');
${PER_ELEM}tab.elems.fill(store.refs[S[$val]], i, i + n);`, 'table.fill');
op('table.copy_sss', 'dt:i st:i d:s s:s n:s', `const dt = inst.tables[$dt], st = inst.tables[$st];
const d = S[$d] >>> 0, s = S[$s] >>> 0, n = S[$n] >>> 0;
if (s + n > st.elems.length || d + n > dt.elems.length) trap('table_out_of_bounds');
${PER_ELEM}if (dt === st) dt.elems.copyWithin(d, s, s + n);
else for (let k = 0; k < n; k++) dt.elems[d + k] = st.elems[s + k];`, 'table.copy');
op('table.init_sss', 't:i e:i d:s s:s n:s', `const tab = inst.tables[$t], seg = inst.elems[$e];
const d = S[$d] >>> 0, s = S[$s] >>> 0, n = S[$n] >>> 0;
if (s + n > seg.length || d + n > tab.elems.length) trap('table_out_of_bounds');
${PER_ELEM}for (let k = 0; k < n; k++) tab.elems[d + k] = seg[s + k];`, 'table.init');
op('elem.drop', 'e:i', 'inst.elems[$e] = [];', 'elem.drop');
op('memory.init_sss', 'seg:i d:s s:s n:s', `const seg = inst.datas[$seg];
const d = S[$d] >>> 0, s = S[$s] >>> 0, n = S[$n] >>> 0;
if (s + n > seg.length || d + n > memLen) trap('memory_out_of_bounds');
${PER_BYTES}u8.set(seg.subarray(s, s + n), d);`, 'memory.init');
op('data.drop', 'seg:i', 'inst.datas[$seg] = EMPTY_U8;', 'data.drop');
op('memory.copy_sss', 'd:s s:s n:s', `const d = S[$d] >>> 0, s = S[$s] >>> 0, n = S[$n] >>> 0;
if (s + n > memLen || d + n > memLen) trap('memory_out_of_bounds');
${PER_BYTES}u8.copyWithin(d, s, s + n);`, 'memory.copy');
op('memory.fill_sss', 'd:s val:s n:s', `const d = S[$d] >>> 0, n = S[$n] >>> 0;
if (d + n > memLen) trap('memory_out_of_bounds');
${PER_BYTES}u8.fill(S[$val] & 255, d, d + n);`, 'memory.fill');

/**
 * An op and the function's `return` in one dispatch (SPEED: a short
 * function's last instruction is usually the one computing its result,
 * which the compiler writes to slot 0 directly; fib and the `indirect`
 * corpus program end every call this way). The compiler (emitReturn) uses
 * such a row when the op's record is the last one before the return, with
 * no label between. Gas is the block's, charged before, as for the two
 * records. The rows are one case (group 'ret'): a second switch runs the
 * op's step, then the one return after it (exec's bytecode budget: the
 * return inlined in each row cost ~370 bytes a row). The moves of results
 * to slot 0 (copy, copy2) and a void function's last global.set (the C
 * stack pointer's restore) have such forms too.
 */
const withReturn = ['i32.add_ss', 'i32.sub_ss', 'i32.mul_ss', 'i32.and_ss', 'i32.or_ss', 'i32.xor_ss',
  'i32.add_si', 'i32.sub_si', 'i32.mul_si', 'i32.and_si', 'i32.or_si', 'i32.xor_si', 'i32.shl_si', 'i32.shr_s_si', 'i32.shr_u_si',
  'i32.xor_shl_ssi', 'select', 'copy', 'copy2', 'global.set'];
{
  const steps: string[] = [];
  const retRows: OpDef[] = [];
  for (const name of withReturn) {
    const d = rows.find((r) => r.name === name);
    if (d === undefined || d.next !== 'auto' || d.cold) throw new Error(`withReturn: ${name} is not a straight-line op`);
    d.retForm = `${name}_ret`;
    // the fields read as the ret row's own (the case body is the group's first row's)
    const step = d.exec.replace(/\$(\w+)(?!@)/g, `$$$1@${d.retForm}`).replace(/\n*$/, '');
    steps.push(`case @OP(${d.retForm}): {\n${step.replace(/^/gm, '  ')}\n  break;\n}`);
    retRows.push({ name: d.retForm, fields: d.fields, exec: '', next: 'self', group: 'ret', doc: `${d.doc}, then return` });
  }
  retRows[0].exec = `switch (code[pc]) {\n${steps.join('\n').replace(/^/gm, '  ')}\n}\nRETURN_TO_CALLER;`;
  rows.push(...retRows);
}

/**
 * Macros of the execution loop shared by rows and by exec.template.ts.
 * LOAD_INSTANCE: after a call or return, `f` may belong to another
 * instance; its function table, globals and memory views are locals of the
 * loop (SPEED: loaded only when the instance changes, after memory.grow and
 * after host calls). A call or return tests the instance last and breaks
 * when it is the same, so the common path ends without a merge of those
 * locals (measured: fib 3%, indirect 3.5% faster than one `if` around the
 * loads followed by a shared tail).
 */
export const MACROS: Readonly<Record<string, string>> = {
  /** Copy the value (two slots) at slot s to slot d: every copy row's step. */
  COPY_VALUE: `S[d] = S[s];
S[d + 1] = S[s + 1];`,
  /** The value stack and its float views, after the store replaced them (growth, host calls). */
  RELOAD_STACK: `S = store.stack;
SF64 = store.stackF64;
SF32 = store.stackF32;`,
  /** Memory 0's views into the loop's locals, after code that may have grown it (host calls, execCold). */
  RELOAD_MEMORY: `if (mem !== null) {
  u8 = mem.u8;
  dv = mem.dv;
  memLen = u8.length >>> 0;
}`,
  /**
   * Enter wasm function `callee` whose frame starts at `fp` (a call or a
   * tail call): its code, stack room, zeroed locals, instance, and its first
   * block charged here (SPEED: CompiledFunc.entryGas).
   */
  ENTER_CALLEE: `CALLEE_FRAME;
CALLEE_CHARGE;
if (callee.instance === inst) break;
LOAD_INSTANCE;
break;`,
  /** ENTER_CALLEE for a callee of the running instance (call_local): no instance to reload. */
  ENTER_CALLEE_LOCAL: `CALLEE_FRAME;
CALLEE_CHARGE;
break;`,
  /** The callee's code, stack room and zeroed locals (ENTER_CALLEE). */
  CALLEE_FRAME: `fns[depth] = callee;
code = callee.code ?? compiledOf(callee).code;
if (fp + callee.frameSlots > S.length) {
  store.growStack(fp + callee.frameSlots);
  RELOAD_STACK;
}
// (two slots a value: a local's pair per step)
for (let i = fp + callee.paramSlots, e = fp + callee.localSlots; i < e; i += 2) {
  S[i] = 0;
  S[i + 1] = 0;
}`,
  /**
   * The callee's first instruction, its first block charged (ENTER_CALLEE;
   * out of gas here pauses in the callee, whose instance a resumed call
   * loads, so the charge may come before the instance switch).
   */
  CALLEE_CHARGE: `pc = callee.entryPc;
const k = callee.entryGas;
CHARGE_PENDING(k);`,
  /** The main loop's case for every cold op: exec's gas and memory views cross through the store. */
  EXEC_COLD: `store.gas = gas;
pc = execCold(store, inst, S, fp, code, pc);
gas = store.gas;
RELOAD_MEMORY;
break;`,
  /**
   * Unsigned 64-bit division, step 0 (exec.template.ts divmodU64 has the
   * proof): from int32 words xl, xh, yl, yh, the quotient's high word qh
   * (y < 2^32) and the rest x' = (xr, xl) as a double X, y as Y.
   */
  U64_DIV_HIGH_WORD: `const ylu = yl >>> 0, yhu = yh >>> 0;
let xr = xh >>> 0, qh = 0;
if (yhu === 0) {
  qh = Math.floor(xr / ylu);
  xr -= qh * ylu;
}
const X = xr * 4294967296 + (xl >>> 0), Y = yhu * 4294967296 + ylu;`,
  /**
   * Unsigned 64-bit division, step 2: for the estimate q (floor(x' / y) or
   * one more), R = X - q*Y, the exact low word rl of x' - q*y, and neg = -1
   * when q is one too big (r < 0), read from sign bits without a branch.
   */
  U64_REM_SIGN: `const R = X - q * Y;
F64[0] = R;
const hR = F64_WORDS[F64_HI], rl = (xl - Math.imul(q, yl)) | 0;
const small = ((hR & 0x7fffffff) - 0x40e00000) >> 31; // -1 when |R| < 2^15
const neg = ((rl & small) | (hR & ~small)) >> 31; // -1 when r < 0`,
  /**
   * Call host function \`callee\` with its arguments at slot \`nfp\`
   * (exec.template.ts hostCall; \`tail\`: reached by a tail call): exec's gas
   * crosses through the store, and \`gas\` is -1 meanwhile, so that when the
   * host throws, exec's \`finally\` keeps the store's counter (the host, and
   * wasm it called back, charged it). A wasm exception it raised may have a
   * handler in this activation; otherwise the stack and memory views are
   * reloaded (the host may have grown either).
   */
  HOST_CALL: `store.gas = gas;
store.depth = depth;
gas = -1;
const x = hostCall(store, callee, nfp, inst, tail);
gas = store.gas;
if (x !== null) {
  CATCH_EXCEPTION;
}
RELOAD_STACK;
RELOAD_MEMORY;`,
  /** Return from the running function: results are in its frame's first slots (exec.template.ts, after the switch). */
  RETURN_TO_CALLER: `if (depth === entryDepth) return false;
depth--;
callee = fns[depth]!;
pc = cs[3 * depth];
fp = cs[3 * depth + 1];
const rk = cs[3 * depth + 2]; // gas of the caller's block after the call
CHARGE_PENDING(rk);
code = callee.code!;
if (callee.instance === inst) break;
LOAD_INSTANCE;
break;`,
  /**
   * Wasm exception `x` raised at the running instruction: the loop's one
   * copy of the handler search (exec.template.ts, label `caught`: exec's
   * bytecode budget, ~90 bytes a site) continues at the handler `unwind`
   * finds in this activation, or leaves it with `x`.
   */
  CATCH_EXCEPTION: `exn = x;
break caught;`,
  /** The loop's handling of the wasm exception `exn` (CATCH_EXCEPTION), after the switch. */
  UNWIND_EXCEPTION: `if (!unwind(store, exn, fns[depth]!, pc, fp, depth, entryDepth, gas, metered)) {
  gas = store.gas; // with the unwinding charged
  throw exn;
}
callee = UF!;
depth = UDEPTH | 0;
fp = UFP | 0;
pc = UPC | 0;
gas = UGAS;
code = compiledOf(callee).code;
RELOAD_STACK;
LOAD_INSTANCE;`,
  /** The running function's instance and its memory 0 views into the loop's locals. */
  LOAD_INSTANCE: `inst = callee.instance!;
funcs = inst.funcs;
globalCells = inst.globalCells;
mem = inst.memory;
u8 = mem !== null ? mem.u8 : EMPTY_U8;
dv = mem !== null ? mem.dv : EMPTY_DV;
memLen = u8.length >>> 0;`,
};

/**
 * Dispatch pairs (SPEED): a record of op `a` right before a record of op `b`
 * (no label matters: both records stay whole) runs as one dispatch. The
 * compiler's last pass (compiler.ts fusePairs) gives the first record the
 * op `a__b`, a prefix row whose case does `a`'s work, moves pc to the next
 * record and falls through into `b`'s case. Nothing else changes: a branch
 * to the second record still finds a whole `b` (or, when the second is
 * itself a first of a pair, the prefix of `b`'s fields and work), and gas
 * is charged by `gas` records and branches, never by these ops. `b` may be
 * a prefix itself (a chain of three records in one dispatch). The traced
 * loop (a trace or profile is on) breaks after the prefix (`TRACE_PAIR`,
 * scripts/gen-isa.js), so its hook still sees every record. The pairs
 * are the commonest adjacent ops of the bench corpus outside calls and
 * floats; each costs the loop a copy of `a`'s case.
 */
function pair(a: string, b: string): void {
  const A = rows.find((r) => r.name === a), at = rows.findIndex((r) => r.name === b);
  // (one prefix per `b`: its case is the one right before b's. `a` is never
  // grouped, so a record rewritten to a prefix never reaches a group's case,
  // whose body may test its own op; `b` may be the first of a group.)
  const B = rows[at];
  if (!A || at < 0 || A.next !== 'auto' || A.cond !== undefined || A.group || (B.group && rows.find((r) => r.group === B.group) !== B) || rows[at - 1].fallInto === b) throw new Error(`isa: pair ${a} ${b}`);
  const len = 1 + A.fields.reduce((n, [, k]) => n + (k === 'target' ? 2 : 1), 0);
  rows.splice(at, 0, { name: `${a}__${b}`, fields: A.fields, exec: `${A.exec.replace(/\n*$/, '')}\npc += ${len};\nTRACE_PAIR;`, next: 'fall', fallInto: b, doc: `${a}, then the ${b} record after it` });
}
const PAIRS: Array<[string, string]> = [
  ['i32.add_si', 'i32.add_si'], ['i32.add_si', 'i32.load_idx'], ['i32.add_si', 'i32.add_si_br'], ['i32.add_si', 'i32.load'],
  ['i32.load_idx', 'i32.store'],
  ['i32.load16_s_mul_s', 'i32.load16_s_mul_s'], ['i32.add3_sss', 'i32.add3_sss'], ['i32.add_ss', 'i32.add_ss'],
  ['i32.xor_ss', 'i32.and_si'],
  ['i32.add_shl_ssii', 'i32.load_and_i'], ['i32.add_si', 'br_if_load8_u_z'], ['i32.add_si', 'i32.lt_u_si'],
  ['i32.load8_u', 'i32.store8'], ['i32.add_si', 'copy4_32'],
  // a table index loaded from memory, then the arguments' copies and the call (a dispatch table of function pointers)
  ['i32.load', 'copy2_call'],
];
for (const [a, b] of PAIRS) pair(a, b);

/**
 * The ops that run rarely, in execCold (OpDef.cold): three fused ops no
 * corpus program runs (i32.xor_rotl_ssi, i32.rotl2_xor_sii,
 * i32.load8_u_add_s: in execCold about as fast as their two unfused ops),
 * the i64 shifts and rotates by a constant the compiler does not specialise
 * (count 0, rotate by 32: i64ImmOp), i64 `<=` / `>=` against a constant as a
 * value (LLVM writes them as `<` / `>` against the next constant; in branches
 * they are the fused br_if rows), memory size/grow and memory.init, reference
 * and table ops, the rarer i64 bit counts and extensions, float rounding to
 * integers, copysign, float min/max, f32 sqrt (a slow operation itself,
 * so the call costs it relatively little; f32.div_ss stays: micro-f32 ran
 * 5% faster with it in the loop; f64.sqrt_s stays:
 * nbody ran 12% slower with it cold, a code-layout effect, and f32 abs and
 * neg stay: micro-f32 ran 2.16x micro-i32's time per instruction with them
 * cold, target <= 2x, and the two-step xorshift ops i32/i64.xorshift2_si
 * stay: micro-i32 and micro-i64 run two steps and were 17% and 27% slower
 * with them cold), and every conversion between integers
 * and floats. Their call costs a few loads and stores around the case, which
 * is why memory.copy and memory.fill (memcpy/memset in C built with bulk
 * memory: bench `bulk` ran 26% slower through execCold) stay in the loop, as
 * do the i32 bit counts, sign extensions and rotr, the narrow i64 loads and
 * stores (a byte or u32 read into a u64) and the float comparisons, which real
 * programs run in hot loops though the corpus does not.
 */
const COLD = /^(i64\.(add128|sub128|mul_wide_[su])_s$|i64\.(shl|shr_s|shr_u|rotl|rotr)_si$|i64\.(le|ge)_[su]_si$|i32\.(xor_rotl_ssi|rotl2_xor_sii|load8_u_add_s)$|memory\.(size|grow_s|init_sss)|global\.(get|set)_ref|ref\.|table\.|elem\.|data\.|i64\.(clz|ctz|popcnt|extend8_s|extend16_s)_s$|f(32|64)\.(ceil|trunc|nearest)_s$|f32\.sqrt_s$|f64\.floor_s$|f(32|64)\.copysign|f(32|64)\.(min|max)_ss$|i(32|64)\.trunc_|f(32|64)\.(convert|demote|promote))/;
for (const r of rows) if (COLD.test(r.name)) r.cold = true;

/** Every op, in op-number order. */
export const ISA: readonly OpDef[] = rows;
