/* Indirect calls through a function-pointer table (call_indirect). The index
 * comes from run-time data so the compiler cannot devirtualize. One unit = 1024
 * indirect calls. */
#include "common.h"

typedef u32 (*op_fn)(u32, u32);

NOINLINE static u32 f_add(u32 a, u32 b) { return a + b; }
NOINLINE static u32 f_sub(u32 a, u32 b) { return a - b; }
NOINLINE static u32 f_mul(u32 a, u32 b) { return a * (b | 1); }
NOINLINE static u32 f_xor(u32 a, u32 b) { return a ^ (b << 3); }
NOINLINE static u32 f_rot(u32 a, u32 b) { return (a << (b & 31)) | (a >> ((32 - b) & 31)); }
NOINLINE static u32 f_mix(u32 a, u32 b) { return (a ^ b) * 0x9E3779B1u; }
NOINLINE static u32 f_div(u32 a, u32 b) { return a / ((b & 0xFF) + 1) + b; }
NOINLINE static u32 f_sel(u32 a, u32 b) { return a > b ? a - b : b - a + 7; }

static op_fn table[8] = {f_add, f_sub, f_mul, f_xor, f_rot, f_mix, f_div, f_sel};

EXPORT("run") u32 run(u32 n) {
  u32 x = 0x12345678u, seed = 99;
  for (u32 i = 0; i < n; i++) {
    for (u32 j = 0; j < 1024; j++) {
      u32 r = rng_next(&seed);
      x = table[(r ^ x) & 7](x, r);
    }
  }
  return x;
}
