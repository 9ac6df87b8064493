/* info: prints its arguments, its environment, the time (real-time and
 * monotonic clocks, before and after a 1.5 ms sleep), random bytes and a few
 * floating-point results. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  for (char **e = environ; *e; e++) printf("env %s\n", *e);

  struct timespec rt, m0, m1;
  clock_gettime(CLOCK_REALTIME, &rt);
  clock_gettime(CLOCK_MONOTONIC, &m0);
  struct timespec nap = {0, 1500000};
  nanosleep(&nap, NULL);
  clock_gettime(CLOCK_MONOTONIC, &m1);
  printf("realtime=%lld.%09ld\n", (long long)rt.tv_sec, rt.tv_nsec);
  printf("monotonic=%lld.%09ld\n", (long long)m0.tv_sec, m0.tv_nsec);
  long long slept = (m1.tv_sec - m0.tv_sec) * 1000000000LL + (m1.tv_nsec - m0.tv_nsec);
  printf("slept at least 1.5 ms: %s\n", slept >= 1500000 ? "yes" : "no");
  printf("slept ns=%lld\n", slept);
  char date[64];
  time_t now = rt.tv_sec;
  strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", gmtime(&now));
  printf("date=%s UTC\n", date);

  unsigned char r[16];
  if (getentropy(r, sizeof r) != 0) { perror("getentropy"); return 1; }
  printf("random=");
  for (int i = 0; i < 16; i++) printf("%02x", r[i]);
  printf("\n");

  double x = argc + 0.5;
  printf("sqrt(%g)=%.17g sin=%.17g exp=%.6e pow=%.3f\n", x, sqrt(x), sin(x), exp(x * 10), pow(x, 1.0 / 3));
  float f = (float)x / 3.0f;
  printf("float=%.9g rounded=%ld\n", f, lround(x * 1000.4));
  return 0;
}
