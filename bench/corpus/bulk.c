/* Bulk memory: memcpy/memset of run-time sizes over a 256 KiB buffer, compiled
 * with -mbulk-memory so they become memory.copy / memory.fill. One unit = 64
 * copies and 16 fills of up to 4 KiB, then a sparse checksum of the buffer. */
#include "common.h"

#define BUF 262144u
static u8 buf[BUF];

EXPORT("run") u32 run(u32 n) {
  u32 seed = 7, sum = 0;
  __builtin_memset(buf, 0x5A, BUF);
  for (u32 i = 0; i < n; i++) {
    for (u32 k = 0; k < 64; k++) {
      u32 r = rng_next(&seed);
      u32 len = r & 4095;
      u32 src = (r >> 12) % (BUF - 4096);
      u32 dst = rng_next(&seed) % (BUF - 4096);
      __builtin_memmove(buf + dst, buf + src, len);
      buf[dst] ^= (u8)k;
    }
    for (u32 k = 0; k < 16; k++) {
      u32 r = rng_next(&seed);
      __builtin_memset(buf + (r % (BUF - 4096)), (int)(r >> 24), (r >> 8) & 4095);
    }
    for (u32 p = i & 255; p < BUF; p += 4093) sum = (sum ^ buf[p]) * 16777619u;
  }
  return sum;
}
