/*
 * Replays inputs through one fuzz harness without libFuzzer: every regular
 * file under each directory (or each file) named on the command line, in
 * sorted order.  Registered in ctest, it runs the kept corpus and every
 * crash reproducer in the plain and the sanitizer builds, so a fixed crash
 * stays fixed.  A failing property aborts, which fails the test.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Defined only by the harnesses that need set-up. */
#pragma weak LLVMFuzzerInitialize

static long replayed;

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  size_t n = 0, cap = 0, got;
  if (f == NULL) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return -1;
  }
  do {
    if (n == cap) {
      unsigned char *nb = realloc(buf, cap = cap ? cap * 2 : 4096);
      if (nb == NULL) abort();
      buf = nb;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  fclose(f);
  /* An exactly sized copy, so a read past the end is caught by ASan. */
  {
    unsigned char *exact = malloc(n ? n : 1);
    if (exact == NULL) abort();
    memcpy(exact, buf, n);
    free(buf);
    if (getenv("FUZZ_REPLAY_VERBOSE")) fprintf(stderr, "replay: %s\n", path);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
  }
  replayed++;
  return 0;
}

static int walk(const char *path) {
  struct stat sb;
  struct dirent **names;
  int n, i, rc = 0;
  if (stat(path, &sb) != 0) {
    fprintf(stderr, "replay: %s: no such file or directory\n", path);
    return -1;
  }
  if (!S_ISDIR(sb.st_mode)) return S_ISREG(sb.st_mode) ? run_file(path) : 0;
  n = scandir(path, &names, NULL, alphasort);
  if (n < 0) {
    fprintf(stderr, "replay: cannot list %s\n", path);
    return -1;
  }
  for (i = 0; i < n; i++) {
    const char *nm = names[i]->d_name;
    if (nm[0] != '.' && rc == 0) {
      size_t len = strlen(path) + strlen(nm) + 2;
      char *sub = malloc(len);
      if (sub == NULL) abort();
      snprintf(sub, len, "%s/%s", path, nm);
      rc = walk(sub);
      free(sub);
    }
    free(names[i]);
  }
  free(names);
  return rc;
}

int main(int argc, char **argv) {
  int i;
  if (argc < 2) {
    fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
    return 2;
  }
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  for (i = 1; i < argc; i++)
    if (walk(argv[i]) != 0) return 1;
  printf("replayed %ld inputs\n", replayed);
  return replayed > 0 ? 0 : 1;
}
