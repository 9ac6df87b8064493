/* Recursive calls: naive Fibonacci. One unit = fib(20) or fib(21). */
#include "common.h"

NOINLINE static u32 fib(u32 k) {
  if (k < 2) return k;
  return fib(k - 1) + fib(k - 2);
}

EXPORT("run") u32 run(u32 n) {
  u32 sum = 0;
  for (u32 i = 0; i < n; i++) sum = sum * 31u + fib(20 + (i & 1));
  return sum;
}
