/* A mixed integer workload in the spirit of CoreMark: the four kernels it is
 * made of, each on its own data, one unit of work = one pass over all four.
 *  - list: a linked list of 64 nodes in memory, scrambled order; find, reverse
 *    and sum (pointer chasing, data-dependent loads).
 *  - matrix: 12x12 16-bit matrices, multiply-accumulate into 32 bits, add a
 *    constant, then a bit-extract pass (16-bit loads, i32.mul, shifts).
 *  - state: a byte-driven state machine over 256 bytes of input that
 *    classifies numbers (a dense switch on the state, compares on the byte).
 *  - crc: CRC-16 (CCITT, bitwise) over everything the others produced.
 * Returns the CRC, so every kernel's result is in the checksum. */
#include "common.h"

#define NODES 64
#define N 12
#define INPUT 256

typedef struct Node { struct Node *next; i32 data; i32 idx; } Node;

static Node nodes[NODES];
static Node *head;
static short ma[N * N], mb[N * N];
static i32 mc[N * N];
static u8 input[INPUT];
static u32 seed = 0x1234567;

static NOINLINE u16 crc16(u16 crc, u32 v, int bytes) {
  for (int b = 0; b < bytes; b++) {
    crc ^= (u16)((v >> (8 * b)) & 0xff) << 8;
    for (int i = 0; i < 8; i++) crc = (crc & 0x8000) ? (u16)((crc << 1) ^ 0x1021) : (u16)(crc << 1);
  }
  return crc;
}

static NOINLINE void init(void) {
  u32 order[NODES];
  seed = 0x1234567; /* the same input on every run */
  for (int i = 0; i < NODES; i++) order[i] = i;
  for (int i = NODES - 1; i > 0; i--) {
    u32 j = rng_next(&seed) % (u32)(i + 1);
    u32 t = order[i]; order[i] = order[j]; order[j] = t;
  }
  for (int i = 0; i < NODES; i++) {
    Node *n = &nodes[order[i]];
    n->data = (i32)(rng_next(&seed) & 0xffff);
    n->idx = i;
    n->next = i + 1 < NODES ? &nodes[order[i + 1]] : 0;
  }
  head = &nodes[order[0]];
  for (int i = 0; i < N * N; i++) {
    ma[i] = (short)(rng_next(&seed) & 0x3ff);
    mb[i] = (short)((rng_next(&seed) & 0x3ff) - 512);
  }
  for (int i = 0; i < INPUT; i++) {
    u32 r = rng_next(&seed) % 16;
    input[i] = r < 10 ? (u8)('0' + r) : r == 10 ? '.' : r == 11 ? 'e' : r == 12 ? '-' : r == 13 ? '+' : ',';
  }
}

static NOINLINE Node *find(Node *list, i32 data) {
  while (list && (list->data & 0xff) != data) list = list->next;
  return list;
}

static NOINLINE Node *reverse(Node *list) {
  Node *prev = 0;
  while (list) { Node *next = list->next; list->next = prev; prev = list; list = next; }
  return prev;
}

static NOINLINE u32 list_kernel(u32 k) {
  u32 sum = 0;
  for (i32 d = 0; d < 8; d++) {
    Node *n = find(head, (i32)((d * 37 + k) & 0xff));
    sum += n ? (u32)n->idx : 0xffu;
  }
  head = reverse(head);
  for (Node *n = head; n; n = n->next) sum = sum * 31 + (u32)n->data;
  return sum;
}

static NOINLINE u32 matrix_kernel(u32 k) {
  short add = (short)(k & 0x7f);
  for (int i = 0; i < N * N; i++) ma[i] = (short)(ma[i] + add);
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      i32 acc = 0;
      for (int x = 0; x < N; x++) acc += (i32)ma[i * N + x] * (i32)mb[x * N + j];
      mc[i * N + j] = acc;
    }
  u32 sum = 0;
  for (int i = 0; i < N * N; i++) sum += (u32)((mc[i] >> 2) & 0xf) * (u32)(i + 1);
  for (int i = 0; i < N * N; i++) ma[i] = (short)(ma[i] - add);
  return sum;
}

enum { START, INT, S1, FLOAT, EXP, S2, SCI, INVALID };

static NOINLINE u32 state_kernel(u32 k) {
  u32 counts[8] = {0};
  int state = START;
  for (int i = 0; i < INPUT; i++) {
    u8 c = input[(i + k) % INPUT];
    if (c == ',') { counts[state]++; state = START; continue; }
    int digit = c >= '0' && c <= '9';
    switch (state) {
      case START: state = digit ? INT : (c == '+' || c == '-') ? S1 : c == '.' ? FLOAT : INVALID; break;
      case S1: state = digit ? INT : c == '.' ? FLOAT : INVALID; break;
      case INT: state = digit ? INT : c == '.' ? FLOAT : c == 'e' ? S2 : INVALID; break;
      case FLOAT: state = digit ? FLOAT : c == 'e' ? S2 : INVALID; break;
      case S2: state = (c == '+' || c == '-') ? EXP : digit ? SCI : INVALID; break;
      case EXP: state = digit ? SCI : INVALID; break;
      case SCI: state = digit ? SCI : INVALID; break;
      default: break;
    }
  }
  u32 sum = 0;
  for (int i = 0; i < 8; i++) sum = sum * 65599 + counts[i];
  return sum;
}

EXPORT("run") u32 run(u32 n) {
  init();
  u16 crc = 0xffff;
  for (u32 k = 0; k < n; k++) {
    crc = crc16(crc, list_kernel(k), 4);
    crc = crc16(crc, matrix_kernel(k), 4);
    crc = crc16(crc, state_kernel(k), 4);
  }
  return crc;
}
