/* A growing text (strbuf.h). */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void att__sb_put(att__sb *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    char *p;
    while (cap < b->n + n + 1) cap *= 2;
    if ((p = realloc(b->p, cap)) == NULL) {
      b->oom = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

void att__sb_s(att__sb *b, const char *s) { att__sb_put(b, s, strlen(s)); }

void att__sb_f(att__sb *b, const char *fmt, ...) {
  char t[512];
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(t, sizeof t, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  att__sb_put(b, t, (size_t)n < sizeof t ? (size_t)n : sizeof t - 1);
}
