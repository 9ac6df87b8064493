/**
 * The internal bytecode: instruction numbers and operand layouts.
 *
 * A compiled function is one `Int32Array` of records `[op, operands...]`.
 * Operands named `dst`, `a`, `b`, `c`, `addr`, `val`, ... are slot offsets
 * relative to the frame pointer `fp` (every wasm value occupies two slots, see
 * DESIGN.md); `target` operands are absolute positions in the same array; `imm`
 * operands are constants. The numbers are dense from 0 so that `exec`'s single
 * `switch` compiles to a jump table; exec.ts spells them as literals (with the
 * name in a comment, checked by bytecode.test.ts) because a property lookup in
 * a `case` label would defeat the jump table.
 */
export const Ops = {
  UNREACHABLE: 0, // []
  GAS: 1, // [k]  charge k (static cost of the basic block that starts here)
  // Branches carry the gas charge of the block they enter (see compiler.ts emitBranchOp):
  BR: 2, // [target, k]
  BR_IF: 3, // [c, target, k, fallPc, kFall]  jump when S[c] != 0
  BR_IFZ: 4, // [c, target, k, fallPc, kFall]  jump when S[c] == 0
  BR_TABLE: 5, // [idx, n, (target, k) x (n+1)]  (the last is the default)
  RETURN: 6, // []
  CALL: 7, // [funcidx, argOff, retPc, kRet]  callee frame starts at fp + argOff; kRet charged on return
  CALL_INDIRECT: 8, // [typeidx, tableidx, idx, argOff, retPc, kRet]
  COPY: 9, // [dst, src]  both slots
  CONST32: 10, // [dst, v]
  CONST64: 11, // [dst, lo, hi]
  SELECT: 12, // [dst, a, b, c]
  GLOBAL_GET: 13, // [dst, g]
  GLOBAL_SET: 14, // [g, src]
  GLOBAL_GET_REF: 15, // [dst, g]
  GLOBAL_SET_REF: 16, // [g, src]
  COPY_BR: 17, // [dst, src, target, k]  COPY then BR
  COPY2: 18, // [d1, s1, d2, s2]  COPY d1 s1, then COPY d2 s2
  BR_TABLE_LOAD: 19, // [addr, offset, imm, k, n, (target, k) x (n+1)]  BR_TABLE on an i32.load (address as for loads)

  // loads [dst, addr, offset, imm, k]: effective address u32((S[addr] << k) + imm) + offset
  I32_LOAD: 20, I64_LOAD: 21, I32_LOAD8_S: 22, I32_LOAD8_U: 23, I32_LOAD16_S: 24, I32_LOAD16_U: 25,
  I64_LOAD8_S: 26, I64_LOAD8_U: 27, I64_LOAD16_S: 28, I64_LOAD16_U: 29, I64_LOAD32_S: 30, I64_LOAD32_U: 31,
  // stores [addr, val, offset, imm, k]
  I32_STORE: 32, I64_STORE: 33, I32_STORE8: 34, I32_STORE16: 35, I64_STORE8: 36, I64_STORE16: 37, I64_STORE32: 38,
  MEMORY_SIZE: 39, // [dst]
  MEMORY_GROW: 40, // [dst, n]

  // i32 unary [dst, a]
  I32_EQZ: 41, I32_CLZ: 42, I32_CTZ: 43, I32_POPCNT: 44, I32_EXTEND8_S: 45, I32_EXTEND16_S: 46,

  // i32 binary [dst, a, b]; the same order + 30 is the variant [dst, a, imm]
  I32_EQ: 50, I32_NE: 51, I32_LT_S: 52, I32_LT_U: 53, I32_GT_S: 54, I32_GT_U: 55, I32_LE_S: 56, I32_LE_U: 57,
  I32_GE_S: 58, I32_GE_U: 59, I32_ADD: 60, I32_SUB: 61, I32_MUL: 62, I32_DIV_S: 63, I32_DIV_U: 64, I32_REM_S: 65,
  I32_REM_U: 66, I32_AND: 67, I32_OR: 68, I32_XOR: 69, I32_SHL: 70, I32_SHR_S: 71, I32_SHR_U: 72, I32_ROTL: 73,
  I32_ROTR: 74,
  I32_EQ_IMM: 80, I32_NE_IMM: 81, I32_LT_S_IMM: 82, I32_LT_U_IMM: 83, I32_GT_S_IMM: 84, I32_GT_U_IMM: 85,
  I32_LE_S_IMM: 86, I32_LE_U_IMM: 87, I32_GE_S_IMM: 88, I32_GE_U_IMM: 89, I32_ADD_IMM: 90, I32_SUB_IMM: 91,
  I32_MUL_IMM: 92, I32_DIV_S_IMM: 93, I32_DIV_U_IMM: 94, I32_REM_S_IMM: 95, I32_REM_U_IMM: 96, I32_AND_IMM: 97,
  I32_OR_IMM: 98, I32_XOR_IMM: 99, I32_SHL_IMM: 100, I32_SHR_S_IMM: 101, I32_SHR_U_IMM: 102, I32_ROTL_IMM: 103,
  I32_ROTR_IMM: 104,
  I32_ADD_SHL_IMM: 105, // [dst, x, i, k, imm]  S[x] + imm + (S[i] << k)
  I32_SHL_ADD_IMM: 108, // [dst, x, k, imm]  (S[x] << k) + imm
  I32_LOAD_IDX: 106, // [dst, x, i, offset, imm, k]  i32.load at u32(S[x] + imm + (S[i] << k)) + offset
  I32_STORE_IDX: 107, // [x, i, val, offset, imm, k]  i32.store at the same address

  // i64 unary [dst, a]
  I64_EQZ: 110, I64_CLZ: 111, I64_CTZ: 112, I64_POPCNT: 113, I64_EXTEND8_S: 114, I64_EXTEND16_S: 115,
  I64_EXTEND32_S: 116, I64_EXTEND_I32_S: 117, I64_EXTEND_I32_U: 118,
  // i64 binary [dst, a, b]
  I64_EQ: 120, I64_NE: 121, I64_LT_S: 122, I64_LT_U: 123, I64_GT_S: 124, I64_GT_U: 125, I64_LE_S: 126,
  I64_LE_U: 127, I64_GE_S: 128, I64_GE_U: 129, I64_ADD: 130, I64_SUB: 131, I64_MUL: 132, I64_DIV_S: 133,
  I64_DIV_U: 134, I64_REM_S: 135, I64_REM_U: 136, I64_AND: 137, I64_OR: 138, I64_XOR: 139, I64_SHL: 140,
  I64_SHR_S: 141, I64_SHR_U: 142, I64_ROTL: 143, I64_ROTR: 144,

  // i64 binary with a constant right operand [dst, a, lo, hi] (= i64 op + 80; no div/rem)
  I64_EQ_IMM: 200, I64_NE_IMM: 201, I64_LT_S_IMM: 202, I64_LT_U_IMM: 203, I64_GT_S_IMM: 204, I64_GT_U_IMM: 205, I64_LE_S_IMM: 206, I64_LE_U_IMM: 207,
  I64_GE_S_IMM: 208, I64_GE_U_IMM: 209, I64_ADD_IMM: 210, I64_SUB_IMM: 211, I64_MUL_IMM: 212, I64_AND_IMM: 217, I64_OR_IMM: 218, I64_XOR_IMM: 219, I64_SHL_IMM: 220, I64_SHR_S_IMM: 221, I64_SHR_U_IMM: 222, I64_ROTL_IMM: 223, I64_ROTR_IMM: 224,
  // constant-count shifts/rotates specialised by the compiler (i64ImmRecord), same layout [dst, a, x, y]:
  // *_LO: count k in 1..31, x = k, y = 32 - k; *_HI: x = k - 32 (y unused);
  // ROTL_HI: rotl by k in 33..63, x = k - 32, y = 64 - k
  I64_SHL_IMM_LO: 225, I64_SHL_IMM_HI: 226, I64_SHR_S_IMM_LO: 227, I64_SHR_S_IMM_HI: 228,
  I64_SHR_U_IMM_LO: 229, I64_SHR_U_IMM_HI: 230, I64_ROTL_IMM_LO: 231, I64_ROTL_IMM_HI: 232,
  I64_MUL_IMM_SMALL: 233, // [dst, a, b, 0]  i64.mul by a constant 0 <= b < 2^21

  REF_IS_NULL: 150, // [dst, a]
  REF_FUNC: 151, // [dst, funcidx]
  TABLE_GET: 152, // [dst, idx, t]
  TABLE_SET: 153, // [t, idx, val]
  TABLE_SIZE: 154, // [dst, t]
  TABLE_GROW: 155, // [dst, init, n, t]
  TABLE_FILL: 156, // [t, i, val, n]
  TABLE_COPY: 157, // [dt, st, d, s, n]
  TABLE_INIT: 158, // [t, e, d, s, n]
  ELEM_DROP: 159, // [e]
  MEMORY_INIT: 160, // [seg, d, s, n]
  DATA_DROP: 161, // [seg]
  MEMORY_COPY: 162, // [d, s, n]
  MEMORY_FILL: 163, // [d, val, n]

  // fused compare-and-branch [a, b, target, k, fallPc, kFall]: jump when `S[a] cmp S[b]` (i32)
  BR_IF_EQ: 170, BR_IF_NE: 171, BR_IF_LT_S: 172, BR_IF_LT_U: 173, BR_IF_GT_S: 174, BR_IF_GT_U: 175,
  BR_IF_LE_S: 176, BR_IF_LE_U: 177, BR_IF_GE_S: 178, BR_IF_GE_U: 179,
  // fused compare-with-constant-and-branch [a, imm, target, k, fallPc, kFall]
  BR_IF_EQ_IMM: 180, BR_IF_NE_IMM: 181, BR_IF_LT_S_IMM: 182, BR_IF_LT_U_IMM: 183, BR_IF_GT_S_IMM: 184,
  BR_IF_GT_U_IMM: 185, BR_IF_LE_S_IMM: 186, BR_IF_LE_U_IMM: 187, BR_IF_GE_S_IMM: 188, BR_IF_GE_U_IMM: 189,
  // fused i64 compare-and-branch [a, b, target, k, fallPc, kFall]: jump when `S[a] cmp S[b]` (i64)
  BR_IF_I64_EQ: 234, BR_IF_I64_NE: 235, BR_IF_I64_LT_S: 236, BR_IF_I64_LT_U: 237, BR_IF_I64_GT_S: 238,
  BR_IF_I64_GT_U: 239, BR_IF_I64_LE_S: 240, BR_IF_I64_LE_U: 241, BR_IF_I64_GE_S: 242, BR_IF_I64_GE_U: 243,
  // fused i64 compare-with-constant-and-branch [a, lo, hi, target, k, fallPc, kFall]
  BR_IF_I64_EQ_IMM: 244, BR_IF_I64_NE_IMM: 245, BR_IF_I64_LT_S_IMM: 246, BR_IF_I64_LT_U_IMM: 247,
  BR_IF_I64_GT_S_IMM: 248, BR_IF_I64_GT_U_IMM: 249, BR_IF_I64_LE_S_IMM: 250, BR_IF_I64_LE_U_IMM: 251,
  BR_IF_I64_GE_S_IMM: 252, BR_IF_I64_GE_U_IMM: 253,
  // fused i64.eqz and branch [a, target, k, fallPc, kFall]: jump when the i64 S[a] == 0 (EQZ) / != 0 (NEZ)
  BR_IF_I64_EQZ: 254, BR_IF_I64_NEZ: 255,
} as const;

/** Offset between an i32 binary op and its `[dst, a, imm]` variant. */
export const IMM_DELTA = 30;
/** Offset between an i64 binary op and its `[dst, a, lo, hi]` variant. */
export const IMM64_DELTA = 80;

/** Record length of each op (operands + 1); BR_TABLE (5 + 2n) and BR_TABLE_LOAD (8 + 2n) are variable. */
export function opLength(code: Int32Array, pc: number): number {
  const op = code[pc];
  if (op === Ops.BR_TABLE) return 5 + 2 * code[pc + 2];
  if (op === Ops.BR_TABLE_LOAD) return 8 + 2 * code[pc + 5];
  if (op >= 254) return 6; // fused i64.eqz and branch
  if (op >= 244) return 8; // fused i64 compare-with-constant and branch
  if (op >= 234) return 7; // fused i64 compare and branch
  if (op >= 200) return 5; // i64 with immediate
  if (op >= 170) return 7; // fused branches
  if (op >= 20 && op <= 38) return 6; // loads, stores
  if (op === Ops.I32_ADD_SHL_IMM) return 6;
  if (op === Ops.I32_SHL_ADD_IMM) return 5;
  if (op === Ops.I32_LOAD_IDX || op === Ops.I32_STORE_IDX) return 7;
  if ((op >= 41 && op <= 46) || (op >= 110 && op <= 118)) return 3; // unary
  if ((op >= 50 && op <= 104) || (op >= 120 && op <= 144)) return 4; // binary
  switch (op) {
    case Ops.UNREACHABLE: case Ops.RETURN: return 1;
    case Ops.BR_IF: case Ops.BR_IFZ: return 6;
    case Ops.BR: return 3;
    case Ops.GAS: case Ops.MEMORY_SIZE: case Ops.ELEM_DROP: case Ops.DATA_DROP: return 2;
    case Ops.CALL: return 5;
    case Ops.CALL_INDIRECT: return 7;
    case Ops.COPY: case Ops.CONST32: case Ops.GLOBAL_GET:
    case Ops.GLOBAL_SET: case Ops.GLOBAL_GET_REF: case Ops.GLOBAL_SET_REF: case Ops.MEMORY_GROW:
    case Ops.REF_IS_NULL: case Ops.REF_FUNC: case Ops.TABLE_SIZE: return 3;
    case Ops.CONST64: case Ops.COPY_BR: case Ops.TABLE_GET: case Ops.TABLE_SET: case Ops.MEMORY_COPY: case Ops.MEMORY_FILL: return 4;
    case Ops.SELECT: case Ops.COPY2: case Ops.TABLE_GROW: case Ops.TABLE_FILL: case Ops.MEMORY_INIT: return 5;
    case Ops.TABLE_COPY: case Ops.TABLE_INIT: return 6;
    default: throw new Error(`opLength: unknown op ${op}`);
  }
}

const NAMES: string[] = [];
for (const [k, v] of Object.entries(Ops)) NAMES[v] = k;

/** Human-readable listing of a compiled function (for debugging and tests). */
export function disassemble(code: Int32Array): string {
  const lines: string[] = [];
  for (let pc = 0; pc < code.length; pc += opLength(code, pc)) {
    const n = opLength(code, pc);
    lines.push(`${String(pc).padStart(5)}: ${NAMES[code[pc]] ?? code[pc]} ${Array.from(code.subarray(pc + 1, pc + n)).join(' ')}`);
  }
  return lines.join('\n');
}
