/* wc: counts lines, words and bytes of the files named on the command line
 * (standard input when none), as `wc` prints them. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

static int count(FILE *f, const char *name, long totals[3]) {
  long lines = 0, words = 0, bytes = 0;
  int in_word = 0;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    for (size_t i = 0; i < n; i++) {
      unsigned char c = (unsigned char)buf[i];
      bytes++;
      if (c == '\n') lines++;
      if (isspace(c)) in_word = 0;
      else if (!in_word) { in_word = 1; words++; }
    }
  }
  if (ferror(f)) { fprintf(stderr, "wc: %s: read error\n", name); return 1; }
  printf("%7ld %7ld %7ld %s\n", lines, words, bytes, name);
  totals[0] += lines; totals[1] += words; totals[2] += bytes;
  return 0;
}

int main(int argc, char **argv) {
  long totals[3] = {0, 0, 0};
  int status = 0;
  if (argc < 2) return count(stdin, "-", totals);
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) { fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno)); status = 1; continue; }
    status |= count(f, argv[i], totals);
    fclose(f);
  }
  if (argc > 2) printf("%7ld %7ld %7ld total\n", totals[0], totals[1], totals[2]);
  return status;
}
