/**
 * Instruction numbering and the layout of decoded instruction streams.
 *
 * Every instruction gets one dense number `op`:
 *   - single-byte opcodes keep their byte value (0x00..0xFF),
 *   - 0xFC-prefixed `sub` becomes 0x100 + sub (bulk memory, saturating truncation),
 *   - 0xFD-prefixed `sub` becomes 0x200 + sub (SIMD, sub < 0x200),
 *   - 0xFE-prefixed `sub` becomes 0x400 + sub (threads/atomics, sub < 0x100).
 *
 * A decoded stream (function body or constant expression) is an Int32Array of
 * records `[op, byteOffset, ...immediates]`. `byteOffset` is the offset of the
 * instruction's first byte in the module binary (for error messages). u32
 * immediates are stored as their 32-bit pattern: read them with `>>> 0`.
 *
 * Immediates by instruction (see `immediateKind`):
 *   block, loop, if          [blocktype]  the blocktype as a signed 33-bit value:
 *                            >= 0 a type index; -64 (0x40) empty; otherwise the
 *                            negative s7 value of a valtype byte (i32 0x7F -> -1,
 *                            i64 -> -2, f32 -> -3, f64 -> -4, v128 -> -5,
 *                            funcref 0x70 -> -16, externref 0x6F -> -17).
 *   br, br_if                [labelidx]
 *   br_table                 [n, l_0, ..., l_{n-1}, l_default]
 *   call                     [funcidx]
 *   call_indirect            [typeidx, tableidx]
 *   select_t (0x1C)          [n, t_0, ..., t_{n-1}]  (valtype bytes)
 *   local.*, global.*        [idx]
 *   table.get, table.set     [tableidx]
 *   loads/stores             [align, offset]  (align is the exponent, as encoded)
 *   memory.size/grow         [memidx]
 *   i32.const, f32.const     [bits]
 *   i64.const, f64.const     [lo, hi]
 *   ref.null                 [reftype byte]
 *   ref.func                 [funcidx]
 *   memory.init              [dataidx, memidx]
 *   data.drop                [dataidx]
 *   memory.copy              [dstmem, srcmem]
 *   memory.fill              [memidx]
 *   table.init               [elemidx, tableidx]
 *   elem.drop                [elemidx]
 *   table.copy               [dsttable, srctable]
 *   table.grow/size/fill     [tableidx]
 *   SIMD / atomics           see `immediateKind`
 */

export const PREFIX_FC = 0x100;
export const PREFIX_FD = 0x200;
export const PREFIX_FE = 0x400;

/** Blocktype encodings (signed 33-bit view of the byte). */
export const BLOCKTYPE_EMPTY = -64;

export const Op = {
  unreachable: 0x00,
  nop: 0x01,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  br_table: 0x0e,
  return: 0x0f,
  call: 0x10,
  call_indirect: 0x11,
  drop: 0x1a,
  select: 0x1b,
  select_t: 0x1c,
  local_get: 0x20,
  local_set: 0x21,
  local_tee: 0x22,
  global_get: 0x23,
  global_set: 0x24,
  table_get: 0x25,
  table_set: 0x26,
  i32_load: 0x28,
  i64_load: 0x29,
  f32_load: 0x2a,
  f64_load: 0x2b,
  i32_load8_s: 0x2c,
  i32_load8_u: 0x2d,
  i32_load16_s: 0x2e,
  i32_load16_u: 0x2f,
  i64_load8_s: 0x30,
  i64_load8_u: 0x31,
  i64_load16_s: 0x32,
  i64_load16_u: 0x33,
  i64_load32_s: 0x34,
  i64_load32_u: 0x35,
  i32_store: 0x36,
  i64_store: 0x37,
  f32_store: 0x38,
  f64_store: 0x39,
  i32_store8: 0x3a,
  i32_store16: 0x3b,
  i64_store8: 0x3c,
  i64_store16: 0x3d,
  i64_store32: 0x3e,
  memory_size: 0x3f,
  memory_grow: 0x40,
  i32_const: 0x41,
  i64_const: 0x42,
  f32_const: 0x43,
  f64_const: 0x44,

  i32_eqz: 0x45,
  i32_eq: 0x46,
  i32_ne: 0x47,
  i32_lt_s: 0x48,
  i32_lt_u: 0x49,
  i32_gt_s: 0x4a,
  i32_gt_u: 0x4b,
  i32_le_s: 0x4c,
  i32_le_u: 0x4d,
  i32_ge_s: 0x4e,
  i32_ge_u: 0x4f,
  i64_eqz: 0x50,
  i64_eq: 0x51,
  i64_ne: 0x52,
  i64_lt_s: 0x53,
  i64_lt_u: 0x54,
  i64_gt_s: 0x55,
  i64_gt_u: 0x56,
  i64_le_s: 0x57,
  i64_le_u: 0x58,
  i64_ge_s: 0x59,
  i64_ge_u: 0x5a,
  f32_eq: 0x5b, // 0x5b..0x66 f32/f64 comparisons
  f64_ge: 0x66,

  i32_clz: 0x67,
  i32_ctz: 0x68,
  i32_popcnt: 0x69,
  i32_add: 0x6a,
  i32_sub: 0x6b,
  i32_mul: 0x6c,
  i32_div_s: 0x6d,
  i32_div_u: 0x6e,
  i32_rem_s: 0x6f,
  i32_rem_u: 0x70,
  i32_and: 0x71,
  i32_or: 0x72,
  i32_xor: 0x73,
  i32_shl: 0x74,
  i32_shr_s: 0x75,
  i32_shr_u: 0x76,
  i32_rotl: 0x77,
  i32_rotr: 0x78,
  i64_clz: 0x79,
  i64_ctz: 0x7a,
  i64_popcnt: 0x7b,
  i64_add: 0x7c,
  i64_sub: 0x7d,
  i64_mul: 0x7e,
  i64_div_s: 0x7f,
  i64_div_u: 0x80,
  i64_rem_s: 0x81,
  i64_rem_u: 0x82,
  i64_and: 0x83,
  i64_or: 0x84,
  i64_xor: 0x85,
  i64_shl: 0x86,
  i64_shr_s: 0x87,
  i64_shr_u: 0x88,
  i64_rotl: 0x89,
  i64_rotr: 0x8a,
  f32_abs: 0x8b, // 0x8b..0xa6 f32/f64 arithmetic
  f64_copysign: 0xa6,
  i32_wrap_i64: 0xa7,
  i32_trunc_f32_s: 0xa8, // 0xa8..0xab float -> i32
  i64_extend_i32_s: 0xac,
  i64_extend_i32_u: 0xad,
  i64_trunc_f32_s: 0xae, // 0xae..0xb1 float -> i64
  f32_convert_i32_s: 0xb2, // 0xb2..0xbb int/float conversions
  i32_reinterpret_f32: 0xbc,
  i64_reinterpret_f64: 0xbd,
  f32_reinterpret_i32: 0xbe,
  f64_reinterpret_i64: 0xbf,
  i32_extend8_s: 0xc0,
  i32_extend16_s: 0xc1,
  i64_extend8_s: 0xc2,
  i64_extend16_s: 0xc3,
  i64_extend32_s: 0xc4,

  ref_null: 0xd0,
  ref_is_null: 0xd1,
  ref_func: 0xd2,

  // 0xFC prefix
  i32_trunc_sat_f32_s: 0x100, // 0x100..0x107 saturating truncations (floats)
  i64_trunc_sat_f64_u: 0x107,
  memory_init: 0x108,
  data_drop: 0x109,
  memory_copy: 0x10a,
  memory_fill: 0x10b,
  table_init: 0x10c,
  elem_drop: 0x10d,
  table_copy: 0x10e,
  table_grow: 0x10f,
  table_size: 0x110,
  table_fill: 0x111,
} as const;

/** True for every instruction that reads, writes or produces f32/f64 values. */
export function isFloatOp(op: number): boolean {
  return (
    (op >= 0x2a && op <= 0x2b) || // f32/f64.load
    (op >= 0x38 && op <= 0x39) || // f32/f64.store
    (op >= 0x43 && op <= 0x44) || // f32/f64.const
    (op >= 0x5b && op <= 0x66) || // float comparisons
    (op >= 0x8b && op <= 0xa6) || // float arithmetic
    (op >= 0xa8 && op <= 0xab) || // i32.trunc_f*
    (op >= 0xae && op <= 0xbf) || // i64.trunc_f*, converts, demote/promote, reinterprets
    (op >= 0x100 && op <= 0x107) // trunc_sat
  );
}

export function isSimdOp(op: number): boolean {
  return op >= PREFIX_FD && op < PREFIX_FE;
}

export function isAtomicOp(op: number): boolean {
  return op >= PREFIX_FE && op < PREFIX_FE + 0x100;
}
