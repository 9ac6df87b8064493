/* Integer arithmetic in one shape, compiled twice: with -DWIDTH=64 (i64-heavy:
 * xorshift, 64-bit multiply, divide, remainder, rotate) and with -DWIDTH=32 (the
 * same code on 32-bit words) so the two can be compared per instruction. */
#include "common.h"

#if WIDTH == 64
typedef u64 word;
typedef i64 sword;
#define BITS 64u
#define MUL_K 0x2545F4914F6CDD1DULL
#else
typedef u32 word;
typedef i32 sword;
#define BITS 32u
#define MUL_K 0x2C1B3C6Du
#endif

static inline word rotl(word x, unsigned r) { return (x << r) | (x >> (BITS - r)); }

EXPORT("run") word run(u32 n) {
  word s = (word)0x9E3779B97F4A7C15ULL;
  word acc = 1;
  for (u32 i = 0; i < n; i++) {
    for (u32 j = 0; j < 64; j++) {
      s ^= s << 13;
      s ^= s >> 7;
      s ^= s << 17;
      word m = s * MUL_K;
      word d = (m >> 3) | 1;
      acc += m / d;
      acc ^= m % (d >> 5 | 1);
      acc = rotl(acc, (unsigned)(s & 31) + 1) * 3 + (word)j;
      if ((sword)acc < 0) acc -= s; else acc += s >> 1;
    }
  }
  return acc;
}
