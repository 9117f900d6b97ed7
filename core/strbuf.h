/*
 * A growing text, for answers put together piece by piece (the API's
 * list, the web page's HTML).  Once out of memory it stays so (oom) and
 * takes no more, so a writer checks once at the end.  p is NUL-ended.
 */
#ifndef ATT_STRBUF_H
#define ATT_STRBUF_H

#include <stddef.h>

typedef struct att__sb {
  char *p;
  size_t n, cap;
  int oom;
} att__sb;

void att__sb_put(att__sb *b, const char *s, size_t n);
void att__sb_s(att__sb *b, const char *s);
void att__sb_f(att__sb *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
