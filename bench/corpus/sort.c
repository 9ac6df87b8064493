/* Sorting: each unit fills an array of 1024 words from the generator, sorts it
 * with recursive quicksort, sorts a copy with heapsort, checks that both agree
 * and folds the sorted array into the checksum. */
#include "common.h"

#define LEN 1024
static u32 a[LEN];
static u32 b[LEN];

NOINLINE static void quicksort(u32 *v, i32 lo, i32 hi) {
  while (lo < hi) {
    u32 pivot = v[lo + (hi - lo) / 2];
    i32 i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) { u32 t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
    }
    /* Recurse into the smaller half, loop on the larger one. */
    if (j - lo < hi - i) { quicksort(v, lo, j); lo = i; }
    else { quicksort(v, i, hi); hi = j; }
  }
}

static void sift_down(u32 *v, u32 root, u32 end) {
  for (;;) {
    u32 child = 2 * root + 1;
    if (child >= end) return;
    if (child + 1 < end && v[child] < v[child + 1]) child++;
    if (v[root] >= v[child]) return;
    u32 t = v[root]; v[root] = v[child]; v[child] = t;
    root = child;
  }
}

NOINLINE static void heapsort(u32 *v, u32 len) {
  for (u32 i = len / 2; i-- > 0;) sift_down(v, i, len);
  for (u32 end = len - 1; end > 0; end--) {
    u32 t = v[0]; v[0] = v[end]; v[end] = t;
    sift_down(v, 0, end);
  }
}

EXPORT("run") u32 run(u32 n) {
  u32 seed = 12345, sum = 0;
  for (u32 k = 0; k < n; k++) {
    for (u32 i = 0; i < LEN; i++) { u32 x = rng_next(&seed) % 100000u; a[i] = x; b[i] = x; }
    quicksort(a, 0, LEN - 1);
    heapsort(b, LEN);
    for (u32 i = 0; i < LEN; i++) {
      if (a[i] != b[i]) return 0xBADu;
      sum = sum * 33u + a[i] * (i + 1);
    }
  }
  return sum;
}
