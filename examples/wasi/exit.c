/* exit: writes to stdout and stderr, then exits with the code given as its
 * first argument (default 3) through exit(), which flushes stdio and calls
 * proc_exit. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int code = argc > 1 ? atoi(argv[1]) : 3;
  printf("exiting with %d\n", code);
  fprintf(stderr, "to stderr before exit\n");
  exit(code);
  printf("not reached\n");
}
