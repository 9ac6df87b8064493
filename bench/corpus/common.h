/* Shared definitions of the detwasm benchmark corpus. Integer-only: no float
 * or double anywhere. Every program exports `run(n)`, does n units of work of
 * roughly constant size, and returns a checksum of everything it computed. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;
typedef long long i64;
#define NOINLINE __attribute__((noinline))
#define EXPORT(name) __attribute__((export_name(name)))

/* xorshift32: the corpus' deterministic input generator. */
static inline u32 rng_next(u32 *s) {
  u32 x = *s;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *s = x;
  return x;
}
#endif
