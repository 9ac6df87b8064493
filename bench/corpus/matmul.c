/* f32 arithmetic: a 16x16 single-precision matrix kernel. One unit = one
 * product C = A * B (4096 multiply-adds) followed by A = frac(C), which keeps
 * every value in [0, 1) so the work never degenerates. Returns a hash of the
 * bits of every product, so every f32 operation must round exactly as IEEE
 * 754 says (wasm has no fused multiply-add). Floats on purpose (see build.sh). */
#include "common.h"

#define N 16

static float A[N * N], B[N * N], C[N * N];

NOINLINE static void multiply(void) {
  for (int i = 0; i < N; i++) {
    for (int j = 0; j < N; j++) {
      float s = 0.0f;
      for (int k = 0; k < N; k++) s += A[i * N + k] * B[k * N + j];
      C[i * N + j] = s;
    }
  }
}

EXPORT("run") u32 run(u32 n) {
  u32 seed = 0x9e3779b9u;
  for (int i = 0; i < N * N; i++) {
    A[i] = (float)(rng_next(&seed) >> 8) * (1.0f / 16777216.0f);
    B[i] = (float)(rng_next(&seed) >> 8) * (1.0f / 16777216.0f) - 0.5f;
  }
  u32 h = 0;
  for (u32 u = 0; u < n; u++) {
    multiply();
    for (int i = 0; i < N * N; i++) {
      float c = C[i];
      u32 bits;
      __builtin_memcpy(&bits, &c, sizeof bits);
      h = (h ^ bits) * 0x01000193u;
      A[i] = c - __builtin_floorf(c);
    }
  }
  return h;
}
