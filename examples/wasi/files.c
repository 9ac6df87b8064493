/* files: lists a directory (sorted, with types and sizes), then creates,
 * writes, appends, seeks, renames and removes files and directories in it,
 * printing each step and its result. Usage: files DIR */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) { printf("opendir %s: %s\n", dir, strerror(errno)); return; }
  char *names[256];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 256) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("%s: %d entries\n", dir, n);
  for (int i = 0; i < n; i++) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    struct stat st;
    if (stat(path, &st) != 0) printf("  %s: stat: %s\n", names[i], strerror(errno));
    else if (S_ISDIR(st.st_mode)) printf("  %s/\n", names[i]);
    else printf("  %s %lld bytes\n", names[i], (long long)st.st_size);
    free(names[i]);
  }
}

static void step(const char *what, int r) {
  printf("%s: %s\n", what, r == 0 ? "ok" : strerror(errno));
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "/data";
  char p[512], q[512];
  list(dir);

  snprintf(p, sizeof p, "%s/out", dir);
  step("mkdir out", mkdir(p, 0755));
  step("mkdir out again", mkdir(p, 0755));

  snprintf(p, sizeof p, "%s/out/log.txt", dir);
  FILE *f = fopen(p, "w");
  if (!f) { printf("fopen: %s\n", strerror(errno)); return 1; }
  for (int i = 1; i <= 5; i++) fprintf(f, "line %d: %d squared is %d\n", i, i, i * i);
  fclose(f);
  f = fopen(p, "a");
  fputs("appended\n", f);
  fclose(f);

  int fd = open(p, O_RDWR);
  printf("open log.txt: %s\n", fd >= 0 ? "ok" : strerror(errno));
  off_t end = lseek(fd, 0, SEEK_END);
  printf("size by lseek: %lld\n", (long long)end);
  lseek(fd, 5, SEEK_SET);
  write(fd, "#", 1);
  printf("tell after write: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  char buf[64] = {0};
  pread(fd, buf, 20, 0);
  printf("pread: %.20s\n", buf);
  step("ftruncate 40", ftruncate(fd, 40));
  close(fd);

  snprintf(q, sizeof q, "%s/out/renamed.txt", dir);
  step("rename log.txt renamed.txt", rename(p, q));
  step("stat log.txt", access(p, F_OK));

  snprintf(p, sizeof p, "%s/out/tmp", dir);
  step("mkdir out/tmp", mkdir(p, 0755));
  snprintf(q, sizeof q, "%s/out/tmp/x", dir);
  f = fopen(q, "w");
  fputs("x", f);
  fclose(f);
  step("rmdir out/tmp (not empty)", rmdir(p));
  step("unlink out/tmp/x", unlink(q));
  step("rmdir out/tmp", rmdir(p));
  snprintf(p, sizeof p, "%s/out", dir);
  step("unlink out (a directory)", unlink(p));
  snprintf(p, sizeof p, "%s/missing.txt", dir);
  step("open missing.txt", open(p, O_RDONLY) >= 0 ? 0 : -1);
  snprintf(p, sizeof p, "%s/../escape.txt", dir);
  step("open ../escape.txt", open(p, O_RDONLY) >= 0 ? 0 : -1);

  snprintf(p, sizeof p, "%s/new.txt", dir);
  f = fopen(p, "w");
  fprintf(f, "%s\n", "written by files.c");
  fclose(f);
  list(dir);
  snprintf(p, sizeof p, "%s/out", dir);
  list(p);
  return 0;
}
