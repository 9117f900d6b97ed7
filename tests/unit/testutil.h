/*
 * Helpers shared by the C unit tests that work on stores and their files:
 * reading a whole file into memory, opening a store for writing, adding
 * an event given as JSON, removing a scratch directory, an instant from
 * its text, a small seeded random generator (xorshift: the same
 * sequence on every run), and whether the test runs under valgrind.
 */
#ifndef ATT_TESTUTIL_H
#define ATT_TESTUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "error.h"
#include "store.h"

/* An instant from its RFC 3339 text; a bad one stops the test (exit 2). */
static inline att_time tu_time(const char *s) {
  att_time t = 0;
  if (att_time_parse(s, &t) < 0) {
    printf("# bad time in test: %s\n", s);
    exit(2);
  }
  return t;
}

/* The whole file at path (malloc'd, one spare byte), its length in *n;
 * NULL if it cannot be read. */
static inline void *tu_read_file(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  long len;
  char *buf;
  *n = 0;
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  len = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = len < 0 ? NULL : malloc((size_t)len + 1);
  if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
    fclose(f);
    free(buf);
    return NULL;
  }
  fclose(f);
  *n = (size_t)len;
  return buf;
}

/* The store in dir, opened for writing; NULL (and a "#" line) if not. */
static inline att_store *tu_open_write(const char *dir) {
  att_store_opts o = {0};
  att_store *st = NULL;
  o.flags = ATT_OPEN_WRITE;
  if (att_store_open(dir, &o, &st) != 0) printf("# open %s: %s\n", dir, att_errmsg());
  return st;
}

/* Add the event in json: its id, or the (negative) error. */
static inline int64_t tu_add(att_store *st, const char *json) {
  att_event ev;
  int64_t rc;
  if ((rc = att_event_from_json(json, strlen(json), 0, &ev)) != 0) return rc;
  rc = att_store_add(st, &ev);
  if (rc == 0) rc = ev.id;
  att_event_free(&ev);
  return rc;
}

/* Remove a test's scratch directory and everything in it. */
static inline void tu_rmrf(const char *dir) {
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) printf("# could not remove %s\n", dir);
}

/* A number below n from a xorshift generator whose state the test keeps
 * (seeded with any non-zero value). */
static inline unsigned tu_rnd(unsigned long long *state, unsigned n) {
  *state ^= *state << 13;
  *state ^= *state >> 7;
  *state ^= *state << 17;
  return (unsigned)(*state % n);
}

/* Whether the test runs under valgrind (its preload library) or a
 * wrapper (ATT_WRAP), 20 to 50 times slower: there the point is memory
 * errors and leaks, and the long loops take a sample of their cases. */
static inline int tu_light(void) {
  const char *pre = getenv("LD_PRELOAD");
  return (pre && strstr(pre, "vgpreload")) || getenv("ATT_WRAP") != NULL;
}

#endif
