/*
 * What the fuzz harnesses share: the libFuzzer entry points, a check that
 * stops the run with a message when a property fails, and small helpers to
 * turn the fuzzer's bytes into the strings the parsers take.
 *
 * A harness is built two ways: with clang and -fsanitize=fuzzer (make fuzz),
 * and with any compiler together with replay.c, a main() that feeds it every
 * file of the corpus (ctest, plain and ASan builds).
 */
#ifndef ATT_FUZZ_H
#define ATT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A property failed: say which and where, then abort so that libFuzzer
 * saves the input as a crash and the replay driver fails. */
#define FUZZ_CHECK(cond, ...)                                              \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: property failed: %s\n  ", __FILE__,         \
              __LINE__, #cond);                                            \
      fprintf(stderr, __VA_ARGS__);                                        \
      fputc('\n', stderr);                                                 \
      abort();                                                             \
    }                                                                      \
  } while (0)

/* data[0..size) as a malloc'd NUL-terminated string (it ends at the first
 * NUL of the input, as a C caller would see it). */
static inline char *fuzz_str(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (s == NULL) abort();
  memcpy(s, data, size);
  s[size] = '\0';
  return s;
}

/* Read an optional "@SECONDS:" prefix (SECONDS may be negative) from
 * *p[0..*n): on a match *t is set and the prefix consumed. */
static inline int fuzz_at_prefix(const uint8_t **p, size_t *n, int64_t *t) {
  const uint8_t *s = *p;
  size_t i = 1;
  int neg = 0;
  uint64_t v = 0;
  if (*n < 3 || s[0] != '@') return 0;
  if (s[i] == '-') {
    neg = 1;
    i++;
  }
  if (i >= *n || s[i] < '0' || s[i] > '9') return 0;
  for (; i < *n && s[i] >= '0' && s[i] <= '9' && i < 20; i++)
    v = v * 10 + (uint64_t)(s[i] - '0');
  if (i >= *n || s[i] != ':' || v > (uint64_t)INT64_MAX) return 0;
  *t = neg ? -(int64_t)v : (int64_t)v;
  *p += i + 1;
  *n -= i + 1;
  return 1;
}

/* A new scratch directory in buf for a harness's stores: under /dev/shm
 * when there is one (each input syncs files), else $TMPDIR or /tmp.
 * Exits with a message when it cannot be made. */
static inline void fuzz_scratch_dir(char *buf, size_t cap, const char *who) {
  const char *tmp = getenv("TMPDIR");
  if (access("/dev/shm", W_OK) == 0) tmp = "/dev/shm";
  else if (tmp == NULL || *tmp == '\0') tmp = "/tmp";
  if (strlen(tmp) + 16 > cap) tmp = "/tmp";
  snprintf(buf, cap, "%s/attfuzzXXXXXX", tmp);
  if (mkdtemp(buf) == NULL) {
    fprintf(stderr, "%s: cannot make a directory %s\n", who, buf);
    exit(1);
  }
}

#endif
