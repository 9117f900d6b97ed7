/*
 * Helpers shared by the C unit tests that work on store files: reading a
 * whole file into memory.
 */
#ifndef ATT_TESTUTIL_H
#define ATT_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>

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

#endif
