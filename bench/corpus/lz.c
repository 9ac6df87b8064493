/* An LZ77-style compressor (hash-chain-free, LZ4-like greedy matcher) and its
 * decompressor. Each unit generates 4 KiB of word-salad text, compresses it,
 * decompresses it, checks the round trip and folds the compressed bytes into
 * the checksum. Format: token byte (literal count in the high nibble, match
 * length - 4 in the low nibble, 15 = extended by following bytes), literals,
 * 16-bit little-endian offset. */
#include "common.h"

#define IN_LEN 4096
#define HASH_BITS 12
static u8 in[IN_LEN];
static u8 out[IN_LEN + IN_LEN / 8 + 64];
static u8 back[IN_LEN];
static u16 table[1 << HASH_BITS];

static const char *const words[16] = {
  "the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ",
  "wasm ", "gas ", "meter ", "stack ", "frame ", "local ", "branch ", "table "};

static u32 gen(u32 *seed) {
  u32 len = 0;
  while (len < IN_LEN) {
    const char *w = words[rng_next(seed) & 15];
    while (*w && len < IN_LEN) in[len++] = (u8)*w++;
    if ((rng_next(seed) & 7) == 0 && len < IN_LEN) in[len++] = (u8)('0' + (*seed >> 8) % 10);
  }
  return len;
}

static inline u32 read32(const u8 *p) { return p[0] | (p[1] << 8) | (p[2] << 16) | ((u32)p[3] << 24); }
static inline u32 hash4(u32 v) { return (v * 2654435761u) >> (32 - HASH_BITS); }

static u8 *put_len(u8 *op, u32 len) {
  while (len >= 255) { *op++ = 255; len -= 255; }
  *op++ = (u8)len;
  return op;
}

NOINLINE static u32 compress(u32 len) {
  for (u32 i = 0; i < (1u << HASH_BITS); i++) table[i] = 0xFFFF;
  u32 ip = 0, anchor = 0;
  u8 *op = out;
  while (ip + 8 < len) {
    u32 v = read32(in + ip);
    u32 h = hash4(v);
    u32 ref = table[h];
    table[h] = (u16)ip;
    if (ref != 0xFFFF && ip - ref < 65536 && read32(in + ref) == v) {
      u32 mlen = 4;
      while (ip + mlen < len && in[ref + mlen] == in[ip + mlen]) mlen++;
      u32 lits = ip - anchor, ml = mlen - 4;
      u8 *tok = op++;
      *tok = (u8)(((lits < 15 ? lits : 15) << 4) | (ml < 15 ? ml : 15));
      if (lits >= 15) op = put_len(op, lits - 15);
      for (u32 k = 0; k < lits; k++) *op++ = in[anchor + k];
      u32 off = ip - ref;
      *op++ = (u8)off; *op++ = (u8)(off >> 8);
      if (ml >= 15) op = put_len(op, ml - 15);
      ip += mlen;
      anchor = ip;
    } else {
      ip++;
    }
  }
  u32 lits = len - anchor;
  *op++ = (u8)((lits < 15 ? lits : 15) << 4);
  if (lits >= 15) op = put_len(op, lits - 15);
  for (u32 k = 0; k < lits; k++) *op++ = in[anchor + k];
  return (u32)(op - out);
}

NOINLINE static u32 decompress(u32 clen) {
  u32 ip = 0, op = 0;
  for (;;) {
    u32 tok = out[ip++];
    u32 lits = tok >> 4;
    if (lits == 15) { u32 b; do { b = out[ip++]; lits += b; } while (b == 255); }
    for (u32 k = 0; k < lits; k++) back[op++] = out[ip++];
    if (ip >= clen) return op;
    u32 off = out[ip] | (out[ip + 1] << 8);
    ip += 2;
    u32 ml = tok & 15;
    if (ml == 15) { u32 b; do { b = out[ip++]; ml += b; } while (b == 255); }
    ml += 4;
    for (u32 k = 0; k < ml; k++, op++) back[op] = back[op - off];
  }
}

EXPORT("run") u32 run(u32 n) {
  u32 seed = 2463534242u, sum = 0;
  for (u32 k = 0; k < n; k++) {
    u32 len = gen(&seed);
    u32 clen = compress(len);
    if (decompress(clen) != len) return 0xBAD1u;
    for (u32 i = 0; i < len; i++) if (back[i] != in[i]) return 0xBAD2u;
    sum = sum * 31u + clen;
    for (u32 i = 0; i < clen; i += 7) sum = (sum ^ out[i]) * 16777619u;
  }
  return sum;
}
