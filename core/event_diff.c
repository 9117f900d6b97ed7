/*
 * The field diff of two stored versions of an event (event_diff.h): the
 * table of fields (event_fields.h) walked once, each field compared by
 * its type, and its change written for a person and kept as JSON for a
 * program.  Both versions are read with cJSON (att_json_parse), never by
 * hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "error.h"
#include "event_diff.h"
#include "event_fields.h"
#include "json.h"

/* How many characters before the first difference a shortened value keeps. */
#define CONTEXT 20

static const char ELLIPSIS[] = "\xE2\x80\xA6"; /* U+2026 */

/* ---- a growing string -------------------------------------------------- */

typedef struct sbuf {
  char *p;
  size_t n, cap;
  int bad;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t len) {
  if (b->bad) return;
  if (b->n + len + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    char *p;
    while (cap < b->n + len + 1) cap *= 2;
    if ((p = realloc(b->p, cap)) == NULL) {
      b->bad = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, len);
  b->n += len;
  b->p[b->n] = '\0';
}

static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

/* The text built (malloc'd), or NULL when out of memory. */
static char *sb_take(sbuf *b) {
  char *p;
  if (b->bad) {
    free(b->p);
    return NULL;
  }
  if (b->p == NULL) return calloc(1, 1);
  p = b->p;
  b->p = NULL;
  return p;
}

/* ---- one value as a person reads it ------------------------------------ */

static int is_cont(char c) { return ((unsigned char)c & 0xC0) == 0x80; }

static size_t count_chars(const char *s, size_t len) {
  size_t i, n = 0;
  for (i = 0; i < len; i++)
    if (!is_cont(s[i])) n++;
  return n;
}

/* The code point at s (valid UTF-8 assumed; a stray byte is itself), and
 * its length in *len. */
static unsigned long code_at(const char *s, size_t *len) {
  const unsigned char *u = (const unsigned char *)s;
  if (u[0] < 0x80) return *len = 1, u[0];
  if ((u[0] & 0xE0) == 0xC0 && is_cont(s[1])) return *len = 2, ((u[0] & 0x1FUL) << 6) | (u[1] & 0x3F);
  if ((u[0] & 0xF0) == 0xE0 && is_cont(s[1]) && is_cont(s[2]))
    return *len = 3, ((u[0] & 0x0FUL) << 12) | ((u[1] & 0x3FUL) << 6) | (u[2] & 0x3F);
  if ((u[0] & 0xF8) == 0xF0 && is_cont(s[1]) && is_cont(s[2]) && is_cont(s[3]))
    return *len = 4, ((u[0] & 0x07UL) << 18) | ((u[1] & 0x3FUL) << 12) |
                         ((u[2] & 0x3FUL) << 6) | (u[3] & 0x3F);
  return *len = 1, u[0];
}

/* White space a reader would take for a space (Unicode's Zs, the line and
 * paragraph separators, the zero-width space and the byte order mark). */
static int uni_space(unsigned long c) {
  return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

/* Would s, shown bare, be misread?  json: a user field's string, which
 * must not pass for a JSON number, literal, array or object either. */
static int needs_quotes(const char *s, int json) {
  size_t i, len;
  if (*s == '\0' || strcmp(s, "(none)") == 0 || strstr(s, "->") != NULL) return 1;
  if (json && (strchr("-0123456789[{\"", *s) != NULL || strcmp(s, "true") == 0 ||
               strcmp(s, "false") == 0 || strcmp(s, "null") == 0))
    return 1;
  for (i = 0; s[i]; i += len) {
    unsigned long c = code_at(s + i, &len);
    if (c <= 0x20 || c == 0x7F || c == '"' || c == '\\' || c == ',' || uni_space(c)) return 1;
  }
  return 0;
}

static void put_quoted(sbuf *b, const char *s) {
  char esc[8];
  sb_add(b, "\"", 1);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      esc[0] = '\\', esc[1] = (char)c;
      sb_add(b, esc, 2);
    } else if (c == '\n') sb_add(b, "\\n", 2);
    else if (c == '\t') sb_add(b, "\\t", 2);
    else if (c == '\r') sb_add(b, "\\r", 2);
    else if (c < 0x20 || c == 0x7F) {
      snprintf(esc, sizeof esc, "\\u%04x", c);
      sb_add(b, esc, 6);
    } else sb_add(b, s, 1);
  }
  sb_add(b, "\"", 1);
}

/* How a scalar is shown. */
enum { SHOW_TEXT, SHOW_EDTF, SHOW_JSONSTR, SHOW_RAW };

/* s from byte `start` (a character boundary; "…" in front when not 0),
 * at most ATT_DIFF_TEXT_MAX characters ("…" after when cut), quoted as
 * `how` says. */
static void show(sbuf *b, const char *s, size_t start, int how) {
  sbuf seg = {0};
  size_t i = start, n = 0;
  char *t;
  if (start > 0) sb_str(&seg, ELLIPSIS);
  while (s[i] && n < ATT_DIFF_TEXT_MAX) {
    size_t j = i + 1;
    while (is_cont(s[j])) j++;
    i = j;
    n++;
  }
  sb_add(&seg, s + start, i - start);
  if (s[i]) sb_str(&seg, ELLIPSIS);
  if ((t = sb_take(&seg)) == NULL) {
    b->bad = 1;
    return;
  }
  if ((how == SHOW_TEXT || how == SHOW_JSONSTR) && needs_quotes(t, how == SHOW_JSONSTR))
    put_quoted(b, t);
  else sb_str(b, t);
  free(t);
}

/* Where two long values are shown from, so that their first difference is
 * in view: 0, or a character boundary a little before it (after a space
 * when one is near). */
static size_t window_start(const char *a, const char *b) {
  size_t p = 0, k, n = 0, j;
  if (count_chars(a, strlen(a)) <= ATT_DIFF_TEXT_MAX &&
      count_chars(b, strlen(b)) <= ATT_DIFF_TEXT_MAX)
    return 0;
  while (a[p] && a[p] == b[p]) p++;
  while (p > 0 && (is_cont(a[p]) || is_cont(b[p]))) p--;
  if (count_chars(a, p) + CONTEXT < ATT_DIFF_TEXT_MAX) return 0;
  for (k = p; k > 0 && n < CONTEXT;) {
    k--;
    if (!is_cont(a[k])) n++;
  }
  for (j = k; j + 1 < p; j++)
    if (a[j] == ' ') return j + 1;
  return k;
}

/* ---- the items of the diff --------------------------------------------- */

typedef struct dbuild {
  att_diff *d;
  size_t cap;
  int kind; /* 0 both, 1 add (no before), 2 removal (no after) */
} dbuild;

enum { BOTH = 0, ADDED = 1, REMOVED = 2 };

static int oom(void) { return att__err(ATT_ENOMEM, "out of memory while comparing versions"); }

/* Append an item: field (copied), text (taken), the values (printed). */
static int push(dbuild *db, const char *field, sbuf *text, const cJSON *o, const cJSON *n) {
  att_diff_item it;
  memset(&it, 0, sizeof it);
  if (db->d->n == db->cap) {
    size_t cap = db->cap ? db->cap * 2 : 8;
    att_diff_item *v = realloc(db->d->v, cap * sizeof *v);
    if (v == NULL) {
      free(text->p);
      return oom();
    }
    db->d->v = v;
    db->cap = cap;
  }
  it.text = sb_take(text);
  it.field = strdup(field);
  if (o) it.old_json = cJSON_PrintUnformatted(o);
  if (n) it.new_json = cJSON_PrintUnformatted(n);
  db->d->v[db->d->n++] = it;
  if (!it.text || !it.field || (o && !it.old_json) || (n && !it.new_json)) return oom();
  return 0;
}

/* A member that is present: not absent, not null. */
static const cJSON *member(const cJSON *obj, const char *name) {
  const cJSON *m = obj ? cJSON_GetObjectItemCaseSensitive(obj, name) : NULL;
  return m && !cJSON_IsNull(m) ? m : NULL;
}

static int type_err(const char *field, const char *want) {
  return att__err(ATT_EINVAL, "stored event: field \"%s\" is not %s", field, want);
}

/* A scalar field (a string, or a user field's JSON value). */
static int scalar(dbuild *db, const char *field, const cJSON *o, const cJSON *n, int how) {
  sbuf t = {0};
  const char *os, *ns;
  char *oj = NULL, *nj = NULL;
  int rc;
  if (!o && !n) return 0;
  if (o && n && cJSON_Compare(o, n, 1)) return 0;
  if (how != SHOW_RAW && ((o && !cJSON_IsString(o)) || (n && !cJSON_IsString(n))))
    return type_err(field, "a string");
  if (how == SHOW_RAW) {
    /* A user field: a string is shown as text, anything else as JSON. */
    if (o && !cJSON_IsString(o) && (oj = cJSON_PrintUnformatted(o)) == NULL) return oom();
    if (n && !cJSON_IsString(n) && (nj = cJSON_PrintUnformatted(n)) == NULL) {
      cJSON_free(oj);
      return oom();
    }
  }
  os = o ? (oj ? oj : o->valuestring) : NULL;
  ns = n ? (nj ? nj : n->valuestring) : NULL;
#define HOW(v, j) ((j) ? SHOW_RAW : how == SHOW_RAW ? SHOW_JSONSTR : how)
  if (db->kind != BOTH) {
    show(&t, os ? os : ns, 0, os ? HOW(o, oj) : HOW(n, nj));
  } else {
    size_t start = os && ns ? window_start(os, ns) : 0;
    if (os) show(&t, os, start, HOW(o, oj));
    else sb_str(&t, "(none)");
    sb_str(&t, " -> ");
    if (ns) show(&t, ns, start, HOW(n, nj));
    else sb_str(&t, "(none)");
  }
#undef HOW
  cJSON_free(oj);
  cJSON_free(nj);
  rc = push(db, field, &t, o, n);
  return rc;
}

/* One element of a list as a person reads it (malloc'd): a string as it
 * is, a person "Name, role (ACTOR)", a link "rel=ID"; anything else as
 * its JSON. */
static char *item_text(const cJSON *e) {
  sbuf t = {0};
  const cJSON *name = member(e, "name"), *rel = member(e, "rel");
  if (cJSON_IsString(e)) {
    sb_str(&t, e->valuestring);
  } else if (cJSON_IsObject(e) && cJSON_IsString(name)) {
    const cJSON *role = member(e, "role"), *actor = member(e, "actor");
    sb_str(&t, name->valuestring);
    if (cJSON_IsString(role)) {
      sb_str(&t, ", ");
      sb_str(&t, role->valuestring);
    }
    if (cJSON_IsString(actor)) {
      sb_str(&t, " (");
      sb_str(&t, actor->valuestring);
      sb_str(&t, ")");
    }
  } else if (cJSON_IsObject(e) && cJSON_IsString(rel)) {
    const cJSON *id = member(e, "id"), *key = member(e, "key");
    char num[32];
    sb_str(&t, rel->valuestring);
    sb_str(&t, "=");
    if (cJSON_IsNumber(id)) {
      snprintf(num, sizeof num, "%.0f", id->valuedouble);
      sb_str(&t, num);
    } else if (cJSON_IsString(key)) {
      sb_str(&t, key->valuestring);
    }
  } else {
    char *j = cJSON_PrintUnformatted(e);
    if (j == NULL) return NULL;
    sb_str(&t, j);
    cJSON_free(j);
  }
  return sb_take(&t);
}

/* Show element e of a list, after prefix ("+", "-", ", " or ""). */
static void put_item(sbuf *t, const char *prefix, const cJSON *e) {
  char *s = item_text(e);
  if (s == NULL) {
    t->bad = 1;
    return;
  }
  sb_str(t, prefix);
  show(t, s, 0, SHOW_TEXT);
  free(s);
}

/* "A, B, C" (at most ATT_DIFF_ITEMS_MAX, then "and N more"). */
static void put_joined(sbuf *t, const cJSON *a) {
  int i, n = cJSON_GetArraySize(a);
  char more[48];
  for (i = 0; i < n && i < ATT_DIFF_ITEMS_MAX; i++)
    put_item(t, i ? ", " : "", cJSON_GetArrayItem(a, i));
  if (n > ATT_DIFF_ITEMS_MAX) {
    snprintf(more, sizeof more, " and %d more", n - ATT_DIFF_ITEMS_MAX);
    sb_str(t, more);
  }
}

/* A list field: the elements added and removed (a multiset: each element
 * before is matched with one equal element after). */
static int list(dbuild *db, const char *field, const cJSON *o, const cJSON *n) {
  sbuf t = {0};
  int no, nn, i, k, shown = 0, more = 0;
  unsigned char *used_o = NULL, *used_n = NULL;
  const cJSON *e;
  if ((o && !cJSON_IsArray(o)) || (n && !cJSON_IsArray(n))) return type_err(field, "an array");
  no = o ? cJSON_GetArraySize(o) : 0;
  nn = n ? cJSON_GetArraySize(n) : 0;
  if (no == 0) o = NULL;
  if (nn == 0) n = NULL;
  if (!o && !n) return 0;
  if (o && n && cJSON_Compare(o, n, 1)) return 0;
  if (db->kind != BOTH) {
    put_joined(&t, o ? o : n);
    return push(db, field, &t, o, n);
  }
  used_o = calloc((size_t)no + 1, 1);
  used_n = calloc((size_t)nn + 1, 1);
  if (!used_o || !used_n) {
    free(used_o);
    free(used_n);
    return oom();
  }
  for (i = 0; i < no; i++)
    for (k = 0; k < nn; k++)
      if (!used_n[k] && cJSON_Compare(cJSON_GetArrayItem(o, i), cJSON_GetArrayItem(n, k), 1)) {
        used_o[i] = used_n[k] = 1;
        break;
      }
  /* Added first (in their new order), then removed (in their old order). */
  for (k = 0; k < nn; k++)
    if (!used_n[k]) {
      e = cJSON_GetArrayItem(n, k);
      if (shown < ATT_DIFF_ITEMS_MAX) put_item(&t, shown++ ? " +" : "+", e);
      else more++;
    }
  for (i = 0; i < no; i++)
    if (!used_o[i]) {
      e = cJSON_GetArrayItem(o, i);
      if (shown < ATT_DIFF_ITEMS_MAX) put_item(&t, shown++ ? " -" : "-", e);
      else more++;
    }
  if (more) {
    char m[48];
    snprintf(m, sizeof m, " and %d more", more);
    sb_str(&t, m);
  }
  if (shown == 0) { /* the same elements, in another order */
    put_joined(&t, o);
    sb_str(&t, " -> ");
    put_joined(&t, n);
  }
  free(used_o);
  free(used_n);
  return push(db, field, &t, o, n);
}

static int source(dbuild *db, const cJSON *o, const cJSON *n) {
  static const int edtf[ATT_SRC_COUNT] = {
#define X(e, name, m, flag) ATT_SRC_##e == ATT_SRC_PUBLISHED,
      ATT_SOURCE_FIELDS(X)
#undef X
  };
  char field[64];
  int i, rc;
  if ((o && !cJSON_IsObject(o)) || (n && !cJSON_IsObject(n))) return type_err("source", "an object");
  for (i = 0; i < ATT_SRC_COUNT; i++) {
    snprintf(field, sizeof field, "source.%s", att_source_keys[i]);
    rc = scalar(db, field, member(o, att_source_keys[i]), member(n, att_source_keys[i]),
                edtf[i] ? SHOW_EDTF : SHOW_TEXT);
    if (rc < 0) return rc;
  }
  return 0;
}

static int key_cmp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The user's fields, key by key in key order. */
static int user_fields(dbuild *db, const cJSON *o, const cJSON *n) {
  const char **keys;
  size_t nk = 0, i, cap;
  const cJSON *e;
  int rc = 0;
  if ((o && !cJSON_IsObject(o)) || (n && !cJSON_IsObject(n))) return type_err("fields", "an object");
  cap = (size_t)(o ? cJSON_GetArraySize(o) : 0) + (size_t)(n ? cJSON_GetArraySize(n) : 0);
  if ((keys = malloc((cap + 1) * sizeof *keys)) == NULL) return oom();
  if (o) cJSON_ArrayForEach(e, o) keys[nk++] = e->string;
  if (n)
    cJSON_ArrayForEach(e, n) if (!o || !cJSON_GetObjectItemCaseSensitive(o, e->string)) keys[nk++] = e->string;
  qsort(keys, nk, sizeof *keys, key_cmp);
  for (i = 0; i < nk && rc == 0; i++) {
    sbuf f = {0};
    char *name;
    sb_str(&f, "fields.");
    sb_str(&f, keys[i]);
    if ((name = sb_take(&f)) == NULL) {
      rc = oom();
      break;
    }
    rc = scalar(db, name, o ? cJSON_GetObjectItemCaseSensitive(o, keys[i]) : NULL,
                n ? cJSON_GetObjectItemCaseSensitive(n, keys[i]) : NULL, SHOW_RAW);
    free(name);
  }
  free(keys);
  return rc;
}

static int parse(const char *text, size_t len, cJSON **out) {
  int rc;
  *out = NULL;
  if (text == NULL) return 0;
  if ((rc = att_json_parse("stored event", NULL, text, len, out)) < 0) return rc;
  if (!cJSON_IsObject(*out)) {
    cJSON_Delete(*out);
    *out = NULL;
    return att__err(ATT_EINVAL, "stored event: not a JSON object");
  }
  return 0;
}

int att_event_diff(const char *before, size_t blen, const char *after, size_t alen,
                   att_diff *out) {
  cJSON *o = NULL, *n = NULL;
  dbuild db;
  int rc, f;
  memset(out, 0, sizeof *out);
  memset(&db, 0, sizeof db);
  db.d = out;
  db.kind = before && after ? BOTH : before ? REMOVED : ADDED;
  if ((rc = parse(before, blen, &o)) < 0 || (rc = parse(after, alen, &n)) < 0) goto done;
  if (!o && !n) goto done;
  for (f = 0; f < ATT_F_COUNT && rc == 0; f++) {
    const att_field_info *fi = &att_fields[f];
    const cJSON *a = member(o, fi->name), *b = member(n, fi->name);
    switch (fi->type) {
    case ATT_FT_STR: rc = scalar(&db, fi->name, a, b, SHOW_TEXT); break;
    case ATT_FT_EDTF: rc = scalar(&db, fi->name, a, b, SHOW_EDTF); break;
    case ATT_FT_STRV:
    case ATT_FT_PEOPLE:
    case ATT_FT_LINKS: rc = list(&db, fi->name, a, b); break;
    case ATT_FT_SOURCE: rc = source(&db, a, b); break;
    case ATT_FT_FIELDS: rc = user_fields(&db, a, b); break;
    case ATT_FT_ID:
    case ATT_FT_TIME: break; /* set by the store: not a change of the event */
    }
  }
done:
  cJSON_Delete(o);
  cJSON_Delete(n);
  if (rc < 0) att_diff_free(out);
  return rc;
}

void att_diff_free(att_diff *d) {
  size_t i;
  for (i = 0; d->v && i < d->n; i++) {
    free(d->v[i].field);
    free(d->v[i].text);
    cJSON_free(d->v[i].old_json);
    cJSON_free(d->v[i].new_json);
  }
  free(d->v);
  d->v = NULL;
  d->n = 0;
}

/* A value of an item back as a tree: null when absent. */
static cJSON *value(const char *json) {
  return json ? cJSON_Parse(json) : cJSON_CreateNull();
}

cJSON *att_diff_to_cjson(const att_diff *d) {
  cJSON *a = cJSON_CreateArray(), *o;
  size_t i;
  if (a == NULL) goto fail;
  for (i = 0; i < d->n; i++) {
    cJSON *f, *ov, *nv;
    if ((o = cJSON_CreateObject()) == NULL || !cJSON_AddItemToArray(a, o)) {
      cJSON_Delete(o);
      goto fail;
    }
    f = cJSON_CreateString(d->v[i].field);
    if (!f || !cJSON_AddItemToObject(o, "field", f)) {
      cJSON_Delete(f);
      goto fail;
    }
    ov = value(d->v[i].old_json);
    if (!ov || !cJSON_AddItemToObject(o, "old", ov)) {
      cJSON_Delete(ov);
      goto fail;
    }
    nv = value(d->v[i].new_json);
    if (!nv || !cJSON_AddItemToObject(o, "new", nv)) {
      cJSON_Delete(nv);
      goto fail;
    }
  }
  return a;
fail:
  cJSON_Delete(a);
  oom();
  return NULL;
}

char *att_diff_to_json(const att_diff *d) {
  cJSON *a = att_diff_to_cjson(d);
  char *t = a ? cJSON_PrintUnformatted(a) : NULL, *s = NULL;
  cJSON_Delete(a);
  if (t) s = strdup(t);
  cJSON_free(t);
  if (s == NULL) oom();
  return s;
}
