/*
 * Writing an event as JSON, by two roads that give the same bytes: a
 * cJSON tree (att_event_to_cjson; merge patches start from it) and a
 * writer straight from the struct into a buffer (att_event_to_json, the
 * fast one that the store, export and scripts use).  Both write the
 * members in the order of the table of fields (event_fields.h) and leave
 * out what is absent; tests/unit/test_event_fields.c compares the two.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "error.h"
#include "event_int.h"

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Adds that remember a failure, so building reads straight through. */
typedef struct builder {
  int bad;
} builder;

static void add(builder *b, cJSON *obj, const char *k, cJSON *v) {
  if (!v || !cJSON_AddItemToObject(obj, k, v)) {
    cJSON_Delete(v);
    b->bad = 1;
  }
}

static void add_str(builder *b, cJSON *obj, const char *k, const char *s) {
  if (s) add(b, obj, k, cJSON_CreateString(s));
}

static void add_strv(builder *b, cJSON *obj, const char *k,
                     const att_strv *sv) {
  cJSON *a;
  size_t i;
  if (sv->n == 0) return;
  a = cJSON_CreateArray();
  add(b, obj, k, a);
  if (b->bad) return;
  for (i = 0; i < sv->n; i++) {
    cJSON *s = cJSON_CreateString(sv->v[i] ? sv->v[i] : "");
    if (!s || !cJSON_AddItemToArray(a, s)) {
      cJSON_Delete(s);
      b->bad = 1;
      return;
    }
  }
}

static void add_time(builder *b, cJSON *obj, const char *k, att_time t) {
  char buf[64];
  if (t == 0) return;
  if (att_time_format(t, buf, sizeof buf) < 0) {
    b->bad = 1;
    return;
  }
  add_str(b, obj, k, buf);
}

static void add_people(builder *b, cJSON *obj, const char *k, const att_event *ev) {
  cJSON *a, *m;
  size_t i;
  if (!ev->npeople || b->bad) return;
  a = cJSON_CreateArray();
  add(b, obj, k, a);
  for (i = 0; i < ev->npeople && !b->bad; i++) {
    m = cJSON_CreateObject();
    if (!m || !cJSON_AddItemToArray(a, m)) {
      cJSON_Delete(m);
      b->bad = 1;
      break;
    }
    add_str(b, m, "name", ev->people[i].name);
    add_str(b, m, "role", ev->people[i].role);
    add_str(b, m, "actor", ev->people[i].actor);
  }
}

static void add_source(builder *b, cJSON *obj, const char *k, const att_source *s) {
  cJSON *m;
  if (!s || b->bad) return;
  m = cJSON_CreateObject();
  add(b, obj, k, m);
  if (b->bad) return;
#define X(e, name, member, flag) add_str(b, m, name, s->member);
  ATT_SOURCE_FIELDS(X)
#undef X
}

static void add_links(builder *b, cJSON *obj, const char *k, const att_event *ev) {
  cJSON *a, *m;
  size_t i;
  if (!ev->nlinks || b->bad) return;
  a = cJSON_CreateArray();
  add(b, obj, k, a);
  for (i = 0; i < ev->nlinks && !b->bad; i++) {
    m = cJSON_CreateObject();
    if (!m || !cJSON_AddItemToArray(a, m)) {
      cJSON_Delete(m);
      b->bad = 1;
      break;
    }
    add_str(b, m, "rel", ev->links[i].rel);
    if (ev->links[i].key) add_str(b, m, "key", ev->links[i].key);
    else add(b, m, "id", cJSON_CreateNumber((double)ev->links[i].id));
  }
}

static void add_fields(builder *b, cJSON *obj, const char *k, const char *fields) {
  cJSON *m;
  if (!fields || b->bad) return;
  m = cJSON_Parse(fields);
  if (!m)
    b->bad = 2; /* not validated, or out of memory */
  else
    add(b, obj, k, m);
}

/* How build writes a field of each type; the store's members are left
 * out of a user_only tree. */
#define ADD_ID(k, member) \
  if (!user_only && ev->member) add(&b, o, k, cJSON_CreateNumber((double)ev->member));
#define ADD_TIME(k, member) \
  if (!user_only) add_time(&b, o, k, ev->member);
#define ADD_STR(k, member) add_str(&b, o, k, ev->member);
#define ADD_EDTF(k, member) add_str(&b, o, k, ev->member);
#define ADD_STRV(k, member) add_strv(&b, o, k, &ev->member);
#define ADD_PEOPLE(k, member) add_people(&b, o, k, ev);
#define ADD_SOURCE(k, member) add_source(&b, o, k, ev->member);
#define ADD_LINKS(k, member) add_links(&b, o, k, ev);
#define ADD_FIELDS(k, member) add_fields(&b, o, k, ev->member);

cJSON *att__ev_build(const att_event *ev, int user_only, int *rc) {
  builder b = {0};
  cJSON *o = cJSON_CreateObject();

  *rc = ATT_ENOMEM;
  if (!o) {
    att__err(ATT_ENOMEM, "out of memory writing an event as JSON");
    return NULL;
  }
#define X(e, name, type, member, req, csv, flag) ADD_##type(name, member)
  ATT_EVENT_FIELDS(X)
#undef X
  if (b.bad) {
    cJSON_Delete(o);
    if (b.bad == 2)
      *rc = att__err(ATT_EINVAL, "event field \"fields\" does not hold JSON "
                                 "text (was the event validated?)");
    else
      att__err(ATT_ENOMEM, "out of memory writing an event as JSON");
    return NULL;
  }
  *rc = 0;
  return o;
}

cJSON *att_event_to_cjson(const att_event *ev) {
  int rc;
  return att__ev_build(ev, 0, &rc);
}

/* The text cJSON_PrintUnformatted gives for att__ev_build()'s tree, by the slow
 * road: kept for "fields" that are not in cJSON's own compact form. */
static char *to_json_cjson(const att_event *ev) {
  cJSON *o = att_event_to_cjson(ev), *f;
  char *s;
  if (!o) return NULL;
  f = cJSON_GetObjectItemCaseSensitive(o, "fields");
  if (f && att__ev_exact_numbers(f->child) < 0) {
    cJSON_Delete(o);
    att__err(ATT_ENOMEM, "out of memory writing an event as JSON");
    return NULL;
  }
  s = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  if (!s) att__err(ATT_ENOMEM, "out of memory writing an event as JSON");
  return s;
}

/*
 * att_event_to_json writes the same bytes straight from the struct, into a
 * buffer on the stack and then into one of exactly the right size; an
 * event too large for the first is written again straight into the
 * second.  The rules it follows are cJSON's printer's:
 * - strings: '"', '\\' and \b \f \n \r \t escaped with a backslash, other
 *   bytes below 0x20 as \u00xx (lowercase hex), every other byte (UTF-8,
 *   DEL, even invalid UTF-8) as is; '/' is not escaped;
 * - numbers: ids, revisions and link ids exactly (w_num); the numbers of
 *   "fields" in num_text's form (every digit: an integer below 2^53 as
 *   one, any other with the fewest digits that read back the same);
 * - "fields" is copied as is when it is already in that form
 *   (fields_len); otherwise the whole event takes the slow road, whose
 *   numbers are written by num_text too.
 */
#define W_STACK 4096

typedef struct wbuf {
  char *p;
  size_t n;   /* bytes of the text so far, whether they fitted or not */
  size_t cap; /* of p */
} wbuf;

/* A member name with its colon, after a comma unless it is the first. */
#define W_KEY(w, nth, k) w_key(w, nth, "\"" k "\":", sizeof(k) + 2)

static void w_put(wbuf *w, const char *s, size_t n) {
  if (w->n + n <= w->cap) memcpy(w->p + w->n, s, n);
  w->n += n;
}

static void w_ch(wbuf *w, char c) {
  if (w->n < w->cap) w->p[w->n] = c;
  w->n++;
}

static void w_key(wbuf *w, int *nth, const char *k, size_t n) {
  if ((*nth)++) w_ch(w, ',');
  w_put(w, k, n);
}

/* The escape of special byte c into o (at most 6 bytes); its length. */
static size_t w_escape(char *o, unsigned char c) {
  static const char hex[] = "0123456789abcdef";
  o[0] = '\\';
  switch (c) {
  case '"': o[1] = '"'; return 2;
  case '\\': o[1] = '\\'; return 2;
  case '\b': o[1] = 'b'; return 2;
  case '\f': o[1] = 'f'; return 2;
  case '\n': o[1] = 'n'; return 2;
  case '\r': o[1] = 'r'; return 2;
  case '\t': o[1] = 't'; return 2;
  default:
    memcpy(o + 1, "u00", 3);
    o[4] = hex[c >> 4];
    o[5] = hex[c & 15];
    return 6;
  }
}

static void w_str(wbuf *w, const char *s) {
  const unsigned char *p = (const unsigned char *)s, *run;
  size_t len = strlen(s);
  char e[6], *o;

  if (w->n + 2 <= w->cap && (w->cap - w->n - 2) / 6 >= len) {
    /* Room for the worst case: write without looking at the end. */
    o = w->p + w->n;
    *o++ = '"';
    for (; *p; p++) {
      if (!att__ev_str_stop[*p])
        *o++ = (char)*p;
      else
        o += w_escape(o, *p);
    }
    *o++ = '"';
    w->n = (size_t)(o - w->p);
    return;
  }
  w_ch(w, '"');
  for (;;) {
    run = p;
    while (!att__ev_str_stop[*p]) p++;
    w_put(w, (const char *)run, (size_t)(p - run));
    if (*p == '\0') break;
    w_put(w, e, w_escape(e, *p));
    p++;
  }
  w_ch(w, '"');
}

/* An optional string member. */
static void w_opt(wbuf *w, int *nth, const char *k, size_t kn, const char *s) {
  if (!s) return;
  w_key(w, nth, k, kn);
  w_str(w, s);
}
#define W_OPT(w, nth, k, s) w_opt(w, nth, "\"" k "\":", sizeof(k) + 2, s)

/* Integers are written exactly, digit by digit (cJSON would print 15
 * significant digits and change ids from 10^15 up; they are capped at
 * 2^53 - 1, which a double reads back exactly). */
static int w_num(wbuf *w, int64_t v) {
  char buf[24], *end = buf + sizeof buf, *q = end;
  uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
  do {
    *--q = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) *--q = '-';
  w_put(w, q, (size_t)(end - q));
  return 0;
}

static void two(char *q, int v) {
  q[0] = (char)('0' + v / 10);
  q[1] = (char)('0' + v % 10);
}

/* att_time_format's text, quoted: digits written here for years 0-9999. */
static int w_time(wbuf *w, att_time t) {
  char buf[64];
  int64_t days = t / 86400, sod = t % 86400, y;
  int m, d;

  if (sod < 0) {
    sod += 86400;
    days--;
  }
  att_civil_from_days(days, &y, &m, &d);
  if (y >= 0 && y <= 9999) {
    memcpy(buf, "\"0000-00-00T00:00:00Z\"", 23);
    two(buf + 1, (int)(y / 100));
    two(buf + 3, (int)(y % 100));
    two(buf + 6, m);
    two(buf + 9, d);
    two(buf + 12, (int)(sod / 3600));
    two(buf + 15, (int)(sod / 60 % 60));
    two(buf + 18, (int)(sod % 60));
    w_put(w, buf, 22);
    return 0;
  }
  if (att_time_format(t, buf, sizeof buf) < 0) return -1;
  w_str(w, buf);
  return 0;
}

static void w_strv(wbuf *w, int *nth, const char *k, size_t kn,
                   const att_strv *sv) {
  size_t i;
  if (sv->n == 0) return;
  w_key(w, nth, k, kn);
  w_ch(w, '[');
  for (i = 0; i < sv->n; i++) {
    if (i) w_ch(w, ',');
    w_str(w, sv->v[i] ? sv->v[i] : "");
  }
  w_ch(w, ']');
}

static void w_people(wbuf *w, int *nth, const char *k, size_t kn, const att_event *ev) {
  size_t i;
  int m;
  if (!ev->npeople) return;
  w_key(w, nth, k, kn);
  w_ch(w, '[');
  for (i = 0; i < ev->npeople; i++) {
    if (i) w_ch(w, ',');
    w_ch(w, '{');
    m = 0;
    W_OPT(w, &m, "name", ev->people[i].name);
    W_OPT(w, &m, "role", ev->people[i].role);
    W_OPT(w, &m, "actor", ev->people[i].actor);
    w_ch(w, '}');
  }
  w_ch(w, ']');
}

static void w_source(wbuf *w, int *nth, const char *k, size_t kn, const att_source *s) {
  int m = 0;
  if (!s) return;
  w_key(w, nth, k, kn);
  w_ch(w, '{');
#define X(e, name, member, flag) W_OPT(w, &m, name, s->member);
  ATT_SOURCE_FIELDS(X)
#undef X
  w_ch(w, '}');
}

static void w_links(wbuf *w, int *nth, const char *k, size_t kn, const att_event *ev) {
  size_t i;
  int m;
  if (!ev->nlinks) return;
  w_key(w, nth, k, kn);
  w_ch(w, '[');
  for (i = 0; i < ev->nlinks; i++) {
    if (i) w_ch(w, ',');
    w_ch(w, '{');
    m = 0;
    W_OPT(w, &m, "rel", ev->links[i].rel);
    if (ev->links[i].key) {
      W_OPT(w, &m, "key", ev->links[i].key);
    } else {
      W_KEY(w, &m, "id");
      w_num(w, ev->links[i].id);
    }
    w_ch(w, '}');
  }
  w_ch(w, ']');
}

/* How w_event writes a field of each type, in build()'s way. */
#define W_ARGS(k) w, &nth, "\"" k "\":", sizeof(k) + 2
#define W_ID(k, member)     \
  if (ev->member) {         \
    W_KEY(w, &nth, k);      \
    w_num(w, ev->member);   \
  }
#define W_TIME(k, member)                          \
  if (ev->member) {                                \
    W_KEY(w, &nth, k);                             \
    if (w_time(w, ev->member) < 0) return -1;      \
  }
#define W_STR(k, member) w_opt(W_ARGS(k), ev->member);
#define W_EDTF(k, member) w_opt(W_ARGS(k), ev->member);
#define W_STRV(k, member) w_strv(W_ARGS(k), &ev->member);
#define W_PEOPLE(k, member) w_people(W_ARGS(k), ev);
#define W_SOURCE(k, member) w_source(W_ARGS(k), ev->member);
#define W_LINKS(k, member) w_links(W_ARGS(k), ev);
#define W_FIELDS(k, member)                 \
  if (ev->member) {                         \
    W_KEY(w, &nth, k);                      \
    w_put(w, ev->member, fields_len);       \
  }

/* The members in att__ev_build()'s order; -1 when out of memory. */
static int w_event(wbuf *w, const att_event *ev, size_t fields_len) {
  int nth = 0;

  w_ch(w, '{');
#define X(e, name, type, member, req, csv, flag) W_##type(name, member)
  ATT_EVENT_FIELDS(X)
#undef X
  w_ch(w, '}');
  return 0;
}

/*
 * Numbers of "fields" are written exactly: cJSON prints a number with 15
 * significant digits whenever that comes within an epsilon of its value,
 * so 9007199254740991 came out as 9.00719925474099e+15 and 0.1 + 0.2 as
 * 0.3.  An integer (below 2^53) is written as one; any other number with
 * the fewest digits (15 to 17) that read back as the same double.
 */
void att__ev_num_text(double v, char buf[32]) {
  if (fabs(v) < 9007199254740992.0 && v == floor(v)) {
    snprintf(buf, 32, "%lld", (long long)v);
    return;
  }
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, 32, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) return;
  }
}

/* Turn every number of the tree into raw text in that form, so that
 * cJSON prints it as it is.  0, or -1 out of memory. */
int att__ev_exact_numbers(cJSON *it) {
  for (; it; it = it->next) {
    if (cJSON_IsNumber(it)) {
      char buf[32];
      att__ev_num_text(it->valuedouble, buf);
      if (!(it->valuestring = cJSON_malloc(strlen(buf) + 1))) return -1;
      memcpy(it->valuestring, buf, strlen(buf) + 1);
      it->type = cJSON_Raw;
    } else if ((cJSON_IsArray(it) || cJSON_IsObject(it)) && att__ev_exact_numbers(it->child) < 0) {
      return -1;
    }
  }
  return 0;
}


/* One string of "fields" at p (on its '"') in cJSON's printed form: the end
 * past the closing quote, or NULL. */
static const char *fp_string(const char *p) {
  unsigned c;
  for (p++;; p++) {
    c = (unsigned char)*p;
    if (c == '"') return p + 1;
    if (c < 0x20) return NULL; /* the end, or a raw control character */
    if (c != '\\') continue;
    c = (unsigned char)*++p;
    if (c == 'u') {
      /* \u0001 - \u001f, lowercase, and none of the ones with a letter. */
      unsigned lo, v;
      if (p[1] != '0' || p[2] != '0' || (p[3] != '0' && p[3] != '1'))
        return NULL;
      lo = (unsigned char)p[4];
      if (lo >= '0' && lo <= '9')
        v = lo - '0';
      else if (lo >= 'a' && lo <= 'f')
        v = lo - 'a' + 10;
      else
        return NULL;
      v += (p[3] == '1') ? 16u : 0u;
      if (v == 0 || v == '\b' || v == '\t' || v == '\n' || v == '\f' ||
          v == '\r')
        return NULL;
      p += 4;
    } else if (!(c == '"' || c == '\\' || c == 'b' || c == 'f' || c == 'n' ||
                 c == 'r' || c == 't')) {
      return NULL; /* \/ and the rest print differently, or are invalid */
    }
  }
}


/* One number at p in the form the writer gives it (num_text): the end,
 * or NULL.  An integer of up to 15 digits is its own form (not -0); any
 * other is read and written again to see. */
static const char *fp_number(const char *p) {
  const char *s = p, *digits;
  int plain = 1;
  size_t n;

  if (*p == '-') p++;
  digits = p;
  if (*p == '0')
    p++;
  else if (*p >= '1' && *p <= '9')
    while (is_digit(*p)) p++;
  else
    return NULL;
  if (*p == '.') {
    plain = 0;
    if (!is_digit(*++p)) return NULL;
    while (is_digit(*p)) p++;
  }
  if (*p == 'e' || *p == 'E') {
    plain = 0;
    p++;
    if (*p == '+' || *p == '-') p++;
    if (!is_digit(*p)) return NULL;
    while (is_digit(*p)) p++;
  }
  n = (size_t)(p - s);
  if (plain && p - digits <= 15 && !(*s == '-' && *digits == '0')) return p;
  if (n > 40) return NULL;
  {
    char num[48], t[32];
    memcpy(num, s, n);
    num[n] = '\0';
    att__ev_num_text(strtod(num, NULL), t);
    if (strlen(t) != n || memcmp(t, s, n) != 0) p = NULL;
  }
  return p;
}

#define FP_DEPTH 64

/* strlen(s) when cJSON reads s as one value and prints it as s again
 * (compact, nothing after it); 0 when not so or not sure. */
static size_t fields_len(const char *s) {
  char close[FP_DEPTH]; /* '}' or ']' of each open container */
  int depth = 0;
  const char *p = s;

  for (;;) {
    /* A value. */
    switch (*p) {
    case '{':
    case '[':
      if (depth == FP_DEPTH) return 0;
      close[depth++] = *p == '{' ? '}' : ']';
      p++;
      if (*p == close[depth - 1]) {
        p++;
        depth--;
        break;
      }
      if (close[depth - 1] == '}') goto key;
      continue;
    case '"': p = fp_string(p); break;
    case 't': p = strncmp(p, "true", 4) == 0 ? p + 4 : NULL; break;
    case 'f': p = strncmp(p, "false", 5) == 0 ? p + 5 : NULL; break;
    case 'n': p = strncmp(p, "null", 4) == 0 ? p + 4 : NULL; break;
    default: p = fp_number(p);
    }
    if (!p) return 0;
    /* After a value: close containers, or go on after a comma. */
    while (depth > 0 && *p == close[depth - 1]) {
      p++;
      depth--;
    }
    if (depth == 0) return *p ? 0 : (size_t)(p - s);
    if (*p != ',') return 0;
    p++;
    if (close[depth - 1] == ']') continue;
  key:
    if (*p != '"' || !(p = fp_string(p)) || *p != ':') return 0;
    p++;
  }
}

char *att_event_to_json(const att_event *ev) {
  char buf[W_STACK];
  wbuf w = {buf, 0, sizeof buf};
  size_t flen = 0, n;
  char *s;

  if (ev->fields && (flen = fields_len(ev->fields)) == 0)
    return to_json_cjson(ev);
  if (w_event(&w, ev, flen) < 0) goto oom;
  n = w.n;
  if (!(s = malloc(n + 1))) goto oom;
  if (n <= sizeof buf) {
    memcpy(s, buf, n);
  } else {
    w.p = s;
    w.n = 0;
    w.cap = n;
    if (w_event(&w, ev, flen) < 0 || w.n != n) {
      free(s);
      goto oom;
    }
  }
  s[n] = '\0';
  return s;
oom:
  att__err(ATT_ENOMEM, "out of memory writing an event as JSON");
  return NULL;
}
