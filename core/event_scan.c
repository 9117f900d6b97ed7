/*
 * Reading one member of an event's stored JSON without parsing it.
 *
 * The store keeps each event as the compact JSON that att_event_to_json
 * writes, checked when it was written and checksummed since.  A reader
 * that needs one plain string of it (the daemon planning a million
 * reminders wants `when` and `recur`) can find it in the text instead of
 * building the whole event: a scan of the top-level members that skips
 * strings with memchr.  Anything it cannot read plainly (escapes, text
 * that is not compact JSON) is left to the parser.
 */
#include <string.h>

#include "event.h"

/* Past the closing quote of the string whose opening quote is at p; *esc
 * set when it holds escapes.  NULL when it does not end before e. */
static const char *str_end(const char *p, const char *e, int *esc) {
  for (p++; p < e;) {
    const char *q = memchr(p, '"', (size_t)(e - p));
    const char *b;
    size_t run = 0;
    if (!q) return NULL;
    /* An odd run of backslashes before the quote escapes it. */
    for (b = q; b > p && b[-1] == '\\'; b--) run++;
    if (run) *esc = 1;
    if (memchr(p, '\\', (size_t)(q - p))) *esc = 1;
    if (run % 2 == 0) return q + 1;
    p = q + 1;
  }
  return NULL;
}

/* Past the end of the value at p (compact JSON), or NULL. */
static const char *value_end(const char *p, const char *e) {
  int depth = 0, esc = 0;
  do {
    if (p >= e) return NULL;
    if (*p == '"') {
      if ((p = str_end(p, e, &esc)) == NULL) return NULL;
    } else if (*p == '{' || *p == '[') {
      depth++, p++;
    } else if (*p == '}' || *p == ']') {
      if (--depth < 0) return NULL;
      p++;
    } else if (depth > 0) {
      p++; /* a separator, or part of a number, literal or key */
    } else {
      while (p < e && *p != ',' && *p != '}' && *p != ']') p++;
    }
  } while (depth > 0);
  return p;
}

void att_scan_begin(att_scan *it, const char *json, size_t len) {
  it->p = json;
  it->e = json + len;
  it->started = 0;
}

int att_scan_next(att_scan *it, const char **key, size_t *klen, const char **val,
                  size_t *vlen) {
  const char *p = it->p, *e = it->e, *ke, *ve;
  int esc = 0;
  if (!it->started) {
    if (e - p < 2 || *p != '{') return -1;
    it->started = 1;
    p++;
    if (*p == '}') {
      it->p = p;
      return 0;
    }
  } else {
    if (p >= e) return -1;
    if (*p == '}') return 0;
    if (*p++ != ',') return -1;
  }
  if (p >= e || *p != '"' || (ke = str_end(p, e, &esc)) == NULL || esc) return -1;
  if (ke >= e || *ke != ':') return -1;
  if ((ve = value_end(ke + 1, e)) == NULL) return -1;
  *key = p + 1;
  *klen = (size_t)(ke - p - 2);
  *val = ke + 1;
  *vlen = (size_t)(ve - ke - 1);
  it->p = ve;
  return 1;
}

int att_scan_str(const char *val, size_t vlen, const char **s, size_t *n) {
  int esc = 0;
  if (vlen == 4 && memcmp(val, "null", 4) == 0) return 0;
  if (vlen < 2 || *val != '"' || str_end(val, val + vlen, &esc) != val + vlen || esc) return -1;
  *s = val + 1;
  *n = vlen - 2;
  return 1;
}

int att_event_scan_str(const char *json, size_t len, const char *name, const char **s,
                       size_t *n) {
  att_scan it;
  const char *k, *v;
  size_t kl, vl, nl = strlen(name);
  int rc;
  att_scan_begin(&it, json, len);
  while ((rc = att_scan_next(&it, &k, &kl, &v, &vl)) == 1)
    if (kl == nl && memcmp(k, name, nl) == 0) return att_scan_str(v, vl, s, n);
  return rc;
}
