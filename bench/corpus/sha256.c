/* A hash: SHA-256 (FIPS 180-4) over a generated message of n 64-byte blocks.
 * Returns the xor of the eight digest words. */
#include "common.h"

static const u32 K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static u32 H[8];
static u8 block[64];

static inline u32 rotr(u32 x, u32 r) { return (x >> r) | (x << (32 - r)); }

NOINLINE static void compress(const u8 *p) {
  u32 w[64];
  for (int t = 0; t < 16; t++)
    w[t] = ((u32)p[4 * t] << 24) | ((u32)p[4 * t + 1] << 16) | ((u32)p[4 * t + 2] << 8) | p[4 * t + 3];
  for (int t = 16; t < 64; t++) {
    u32 s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    u32 s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  u32 a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5], g = H[6], h = H[7];
  for (int t = 0; t < 64; t++) {
    u32 t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
    u32 t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h;
}

static void put_be32(u8 *p, u32 v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }

EXPORT("run") u32 run(u32 n) {
  static const u32 init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                              0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  for (int i = 0; i < 8; i++) H[i] = init[i];
  u32 seed = 0x9e3779b9u;
  for (u32 i = 0; i < n; i++) {
    for (int j = 0; j < 64; j += 4) put_be32(block + j, rng_next(&seed));
    compress(block);
  }
  /* Padding block: 0x80, zeros, then the message length in bits (64-bit big-endian). */
  for (int j = 0; j < 64; j++) block[j] = 0;
  block[0] = 0x80;
  u64 bits = (u64)n * 512u;
  put_be32(block + 56, (u32)(bits >> 32));
  put_be32(block + 60, (u32)bits);
  compress(block);
  u32 x = 0;
  for (int i = 0; i < 8; i++) x ^= H[i];
  return x;
}

/* Known-answer self test: SHA-256("abc") starts with ba7816bf and ends with f20015ad. */
EXPORT("selftest") u32 selftest(void) {
  static const u32 init[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                              0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  for (int i = 0; i < 8; i++) H[i] = init[i];
  for (int j = 0; j < 64; j++) block[j] = 0;
  block[0] = 'a'; block[1] = 'b'; block[2] = 'c'; block[3] = 0x80;
  block[63] = 24;
  compress(block);
  return H[0] == 0xba7816bfu && H[7] == 0xf20015adu;
}
