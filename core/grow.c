/*
 * Arrays that grow without a copy: malloc below ATT__GROW_MAP bytes, an
 * anonymous mapping from there, grown with mremap (the page tables move,
 * the pages are neither copied nor touched).  See grow.h.
 */
#define _GNU_SOURCE /* mremap */
#include "grow.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t pages(size_t n) {
  size_t pg = (size_t)sysconf(_SC_PAGESIZE);
  return (n + pg - 1) / pg * pg;
}

void *att__grow(void *p, size_t old, size_t size) {
  void *q;
  if (size < ATT__GROW_MAP) return realloc(p, size);
  if (p && old >= ATT__GROW_MAP) {
    q = mremap(p, pages(old), pages(size), MREMAP_MAYMOVE);
    return q == MAP_FAILED ? NULL : q;
  }
  /* Crossing into a mapping: the one copy, of less than ATT__GROW_MAP. */
  q = mmap(NULL, pages(size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (q == MAP_FAILED) return NULL;
  if (p) {
    memcpy(q, p, old);
    free(p);
  }
  return q;
}

void att__grow_free(void *p, size_t size) {
  if (!p) return;
  if (size >= ATT__GROW_MAP) munmap(p, pages(size));
  else free(p);
}
