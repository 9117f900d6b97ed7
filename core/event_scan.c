/*
 * Reading members of an event's stored JSON without parsing it.
 *
 * The store keeps each event as the compact JSON that att_event_to_json
 * writes, checked when it was written and checksummed since.  A reader
 * that needs one plain string of it (the daemon planning a million
 * reminders wants `when` and `recur`) can find it in the text instead of
 * building the whole event: a scan of the top-level members that skips
 * strings with memchr.  Event objects in Lua read their simple fields
 * the same way (bindings/lua/lua_event.c).  Anything it cannot read plainly
 * (escapes, text that is not compact JSON) is left to the parser.
 */
#include <string.h>

#include "event.h"

/* Past the closing quote of the string whose opening quote is at p, or
 * NULL when it does not end before e.  A quote ends the string unless an
 * odd run of backslashes precedes it. */
static const char *str_end(const char *p, const char *e) {
  const char *s = ++p;
  for (;;) {
    const char *q = p < e ? memchr(p, '"', (size_t)(e - p)) : NULL, *b;
    if (!q) return NULL;
    for (b = q; b > s && b[-1] == '\\'; b--) {}
    if (((q - b) & 1) == 0) return q + 1;
    p = q + 1;
  }
}

/* Past the end of the value at p (compact JSON), or NULL. */
static const char *value_end(const char *p, const char *e) {
  int depth = 0;
  do {
    if (p >= e) return NULL;
    if (*p == '"') {
      if ((p = str_end(p, e)) == NULL) return NULL;
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

/* Step to the next item of an object or array opened by `open`: 1 with
 * *at on it, 0 at the closing bracket, -1 when the text is not compact. */
static int step(att_scan *it, char open, char close, const char **at) {
  const char *p = it->p, *e = it->e;
  if (!it->started) {
    if (e - p < 2 || *p != open) return -1;
    it->started = 1;
    if (*++p == close) {
      it->p = p;
      return 0;
    }
  } else {
    if (p >= e) return -1;
    if (*p == close) return 0;
    if (*p++ != ',') return -1;
  }
  *at = p;
  return 1;
}

int att_scan_next(att_scan *it, const char **key, size_t *klen, const char **val,
                  size_t *vlen) {
  const char *p = NULL, *ke, *ve;
  int rc = step(it, '{', '}', &p);
  if (rc != 1) return rc;
  if (p >= it->e || *p != '"' || (ke = str_end(p, it->e)) == NULL) return -1;
  if (ke >= it->e || *ke != ':') return -1;
  if ((ve = value_end(ke + 1, it->e)) == NULL) return -1;
  *key = p + 1;
  *klen = (size_t)(ke - p - 2);
  *val = ke + 1;
  *vlen = (size_t)(ve - ke - 1);
  it->p = ve;
  return 1;
}

int att_scan_elem(att_scan *it, const char **val, size_t *vlen) {
  const char *p = NULL, *ve;
  int rc = step(it, '[', ']', &p);
  if (rc != 1) return rc;
  if ((ve = value_end(p, it->e)) == NULL) return -1;
  *val = p;
  *vlen = (size_t)(ve - p);
  it->p = ve;
  return 1;
}

int att_scan_str(const char *val, size_t vlen, const char **s, size_t *n) {
  if (vlen == 4 && memcmp(val, "null", 4) == 0) return 0;
  if (vlen < 2 || *val != '"' || str_end(val, val + vlen) != val + vlen ||
      memchr(val, '\\', vlen))
    return -1;
  *s = val + 1;
  *n = vlen - 2;
  return 1;
}

int att_event_scan_str(const char *json, size_t len, const char *name, const char **s,
                       size_t *n) {
  const char *v;
  size_t vl;
  int rc = att_event_scan_member(json, len, name, &v, &vl);
  return rc == 1 ? att_scan_str(v, vl, s, n) : rc;
}

int att_event_scan_member(const char *json, size_t len, const char *name, const char **val,
                          size_t *vlen) {
  att_scan it;
  const char *k;
  size_t kl, nl = strlen(name);
  int rc;
  att_scan_begin(&it, json, len);
  while ((rc = att_scan_next(&it, &k, &kl, val, vlen)) == 1)
    if (kl == nl && memcmp(k, name, nl) == 0) return 1;
  return rc;
}
