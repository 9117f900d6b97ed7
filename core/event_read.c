/*
 * Reading an event from JSON (text or a cJSON tree), with the checks
 * cJSON does not make: invalid UTF-8, duplicate keys, NUL and raw control
 * characters in strings, trailing text, integers a double would round,
 * non-finite numbers.  Also the table of fields (event_fields.h) as data.
 *
 * Reading goes JSON text -> cJSON tree -> checks on the tree (types, known
 * fields) -> att_event -> att_event_validate (the rules on values), so the
 * value rules live in one place, event.c.  Writing is in event_write.c,
 * merge patches in event_patch.c.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "error.h"
#include "event_int.h"
#include "json.h"

#define SHOW_MAX ATT__EV_SHOW_MAX
#define PATH_MAX_LEN ATT__EV_PATH_MAX
#define DEPTH_MAX 500

/* ---- the table ---- */

const att_field_info att_fields[ATT_F_COUNT] = {
#define X(e, name, type, member, req, csv, flag) \
    {name, ATT_FT_##type, req, csv, flag, offsetof(att_event, member)},
    ATT_EVENT_FIELDS(X)
#undef X
};

const char *const att_field_names[ATT_F_COUNT + 1] = {
#define X(e, name, type, member, req, csv, flag) name,
    ATT_EVENT_FIELDS(X)
#undef X
    NULL};

const char *const att_source_keys[ATT_SRC_COUNT + 1] = {
#define X(e, name, member, flag) name,
    ATT_SOURCE_FIELDS(X)
#undef X
    NULL};

const char *const att_source_flags[ATT_SRC_COUNT] = {
#define X(e, name, member, flag) flag,
    ATT_SOURCE_FIELDS(X)
#undef X
};

int att_field_find(const char *name, size_t len) {
  int f;
  if (len == 0) return -1;
  /* (the first letter first: this runs for every member of every event
   * read, and a call of strncmp per field was a tenth of a query's time) */
  for (f = 0; f < ATT_F_COUNT; f++)
    if (att_fields[f].name[0] == name[0] && strncmp(att_fields[f].name, name, len) == 0 &&
        att_fields[f].name[len] == '\0')
      return f;
  return -1;
}

static const char *const person_keys[] = {"name", "role", "actor", NULL};
static const char *const link_keys[] = {"rel", "id", "key", NULL};

static int find(const char *s, const char *const *list) {
  int i;
  for (i = 0; list[i]; i++)
    if (s[0] == list[i][0] && strcmp(s, list[i]) == 0) return i;
  return -1;
}

/* "number 3", "string \"x\"", "an array [1,2]" ... for messages. */
const char *att__ev_describe(char *buf, size_t cap, const cJSON *it) {
  char q[SHOW_MAX + 48];
  char *p;
  const char *what;

  if (!it) {
    snprintf(buf, cap, "nothing");
  } else if (cJSON_IsString(it)) {
    snprintf(buf, cap, "string %s",
             att__show(q, sizeof q, it->valuestring, strlen(it->valuestring),
                       SHOW_MAX));
  } else if (cJSON_IsBool(it)) {
    snprintf(buf, cap, "boolean %s", cJSON_IsTrue(it) ? "true" : "false");
  } else if (cJSON_IsNull(it)) {
    snprintf(buf, cap, "null");
  } else if (cJSON_IsNumber(it) && !isfinite(it->valuedouble)) {
    snprintf(buf, cap, "a number out of range");
  } else if (cJSON_IsNumber(it)) {
    /* Exact for integers (cJSON would print 2^53 as 9.00719925474099e+15),
     * shortest of 15 or 17 digits otherwise. */
    double v = it->valuedouble;
    char num[64];
    if (v == floor(v) && fabs(v) < 1e18) {
      snprintf(num, sizeof num, "%.0f", v);
    } else {
      snprintf(num, sizeof num, "%.15g", v);
      if (strtod(num, NULL) != v) snprintf(num, sizeof num, "%.17g", v);
    }
    snprintf(buf, cap, "number %s", num);
  } else {
    what = cJSON_IsArray(it)    ? "array"
           : cJSON_IsObject(it) ? "object"
                                : "value";
    p = cJSON_PrintUnformatted(it);
    if (!p) {
      snprintf(buf, cap, "%s", what);
    } else {
      size_t n = strlen(p);
      if (n > SHOW_MAX) {
        /* Cut on a character boundary. */
        n = SHOW_MAX;
        while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80) n--;
        snprintf(buf, cap, "%s %.*s...", what, (int)n, p);
      } else {
        snprintf(buf, cap, "%s %s", what, p);
      }
      cJSON_free(p);
    }
  }
  return buf;
}

static int type_err(const char *field, const char *expected, const cJSON *it) {
  char d[SHOW_MAX + 64];
  return att__err(ATT_EINVAL, "event field \"%s\": expected %s, got %s", field,
                  expected, att__ev_describe(d, sizeof d, it));
}

/* ---- raw text ---- */

/* The bytes that end a plain run inside a string: the ones a JSON string
 * cannot hold as they are (cJSON escapes these when it prints). */
const unsigned char att__ev_str_stop[256] = {
    [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1,
    [0x06] = 1, [0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0A] = 1, [0x0B] = 1,
    [0x0C] = 1, [0x0D] = 1, [0x0E] = 1, [0x0F] = 1, [0x10] = 1, [0x11] = 1,
    [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
    [0x18] = 1, [0x19] = 1, [0x1A] = 1, [0x1B] = 1, [0x1C] = 1, [0x1D] = 1,
    [0x1E] = 1, [0x1F] = 1, ['"'] = 1,  ['\\'] = 1};

/* The bytes that matter to prescan outside strings. */
static const unsigned char out_stop[256] = {
    [0] = 1,   ['"'] = 1, ['{'] = 1, ['['] = 1, ['}'] = 1, [']'] = 1,
    ['-'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
    ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1};

/* What the text holds that cJSON would alter without a word: a string
 * with a NUL (escaped as \u0000, or raw), which cJSON cuts short, or an
 * integer a double does not hold exactly, whose last digits it rounds.
 * Only the first is kept; `nth` counts strings (member names included) or
 * numbers in the order of the text, which is the order of cJSON's tree,
 * so that the tree can name the field (find_nth). */
enum { LOSS_NONE, LOSS_NUL, LOSS_BIG };
typedef struct loss {
  int kind;
  size_t nth;   /* the nth string or number of the text, from 0 */
  size_t byte;  /* where the NUL or the number is */
  size_t nlen;  /* the number's length */
} loss;

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* The value of four hex digits at s, or 0x10000 if they are not. */
static unsigned hex4(const char *s) {
  unsigned v = 0;
  for (int k = 0; k < 4; k++) {
    char c = s[k];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') v |= (unsigned)((c | 0x20) - 'a' + 10);
    else return 0x10000;
  }
  return v;
}

/* The end of the number at text[i] (a '-' or a digit); *plain when it has
 * no fraction or exponent; *bad, when it is not a JSON number (RFC 8259:
 * `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`), says why.
 * cJSON reads what strtod reads: "036" as 36, "1." as 1. */
static size_t number_end(const char *text, size_t len, size_t i, int *plain, const char **bad) {
  size_t d;
  *plain = 1;
  *bad = NULL;
  if (i < len && text[i] == '-') i++;
  d = i;
  while (i < len && is_digit(text[i])) i++;
  if (i == d) *bad = "a minus sign without digits after it";
  else if (text[d] == '0' && i - d > 1) *bad = "leading zeros are not JSON";
  if (i < len && text[i] == '.') {
    *plain = 0;
    d = ++i;
    while (i < len && is_digit(text[i])) i++;
    if (i == d && !*bad) *bad = "a decimal point without digits after it";
  }
  if (i < len && (text[i] == 'e' || text[i] == 'E')) {
    *plain = 0;
    i++;
    if (i < len && (text[i] == '+' || text[i] == '-')) i++;
    d = i;
    while (i < len && is_digit(text[i])) i++;
    if (i == d && !*bad) *bad = "an exponent without digits";
  }
  return i;
}

/* 1 if the integer s[0..n) (optional '-', digits) lies outside
 * -(2^53-1) .. 2^53-1, the integers a double holds with their neighbours. */
static int int_too_big(const char *s, size_t n) {
  static const char max[] = "9007199254740991";
  if (n && *s == '-') s++, n--;
  while (n > 1 && *s == '0') s++, n--;
  if (n != sizeof max - 1) return n > sizeof max - 1;
  return memcmp(s, max, n) > 0;
}

/* The first number of the text that is not a JSON number. */
typedef struct badnum {
  const char *why; /* NULL: none */
  size_t nth;      /* the nth number of the text, from 0 */
  size_t byte, end;
} badnum;

/* What cJSON lets through: NUL bytes outside strings and raw control
 * characters inside them (errors here; *notjson set for the first), what
 * *ls notes, and the first number that is not JSON, in *bn. */
static int prescan(const char *label, const char *text, size_t len, int *open,
                   loss *ls, badnum *bn, int *notjson) {
  size_t i, nstr = 0, nnum = 0;
  int in_str = 0;
  long depth = 0;

  *open = 0;
  ls->kind = LOSS_NONE;
  bn->why = NULL;
  for (i = 0; i < len; i++) {
    unsigned char c;
    /* Pass over the bytes that change nothing below, most of the text. */
    if (in_str)
      while (i < len && !att__ev_str_stop[(unsigned char)text[i]]) i++;
    else
      while (i < len && !out_stop[(unsigned char)text[i]]) i++;
    if (i == len) break;
    c = (unsigned char)text[i];
    if (c == 0 && !in_str)
      return *notjson = 1, att__err(ATT_EINVAL,
                      "%s: a NUL byte at byte %zu; JSON text "
                      "cannot hold one",
                      label, i);
    if (!in_str) {
      if (c == '"') {
        in_str = 1;
      } else if (c == '{' || c == '[') {
        if (++depth > CJSON_NESTING_LIMIT) /* cJSON's limit: its failure says nothing */
          return *notjson = 1, att__err(ATT_EINVAL,
                                        "%s: not valid JSON at byte %zu: arrays and objects nested "
                                        "more than %d deep",
                                        label, i, CJSON_NESTING_LIMIT);
      } else if (c == '}' || c == ']') {
        depth--;
      } else {
        int plain;
        const char *bad;
        size_t e = number_end(text, len, i, &plain, &bad);
        if (!bad && e < len && ((text[e] | 0x20) >= 'a' && (text[e] | 0x20) <= 'z'))
          bad = "letters after its digits: a JSON number is decimal";
        if (bad && !bn->why) {
          bn->why = bad;
          bn->nth = nnum;
          bn->byte = i;
          /* shown with what sticks to it ("0x1F", "1e5x") */
          for (bn->end = e; bn->end < len && (is_digit(text[bn->end]) || text[bn->end] == '.' ||
                                               ((text[bn->end] | 0x20) >= 'a' && (text[bn->end] | 0x20) <= 'z'));
               bn->end++) {}
        }
        if (plain && ls->kind == LOSS_NONE && int_too_big(text + i, e - i)) {
          ls->kind = LOSS_BIG;
          ls->nth = nnum;
          ls->byte = i;
          ls->nlen = e - i;
        }
        nnum++;
        i = e - 1;
      }
      continue;
    }
    if (c == '"') {
      in_str = 0;
      nstr++;
    } else if (c == 0) {
      if (ls->kind == LOSS_NONE) {
        ls->kind = LOSS_NUL;
        ls->nth = nstr;
        ls->byte = i;
      }
    } else if (c < 0x20) {
      return att__err(ATT_EINVAL,
                      "%s: a string holds the raw control character 0x%02X "
                      "at byte %zu; write it escaped (\\n, \\t, \\u%04X)",
                      label, c, i, c);
    } else if (c == '\\' && i + 1 < len) {
      i++;
      if (text[i] == 'u' && i + 4 < len && memcmp(text + i + 1, "0000", 4) == 0 &&
          ls->kind == LOSS_NONE) {
        ls->kind = LOSS_NUL;
        ls->nth = nstr;
        ls->byte = i - 1;
      }
      /* A UTF-16 surrogate escape must come in a pair, high then low:
       * cJSON refuses a lone one without saying why. */
      if (text[i] == 'u' && i + 4 < len) {
        unsigned u = hex4(text + i + 1), lo = i + 10 < len && text[i + 5] == '\\' && text[i + 6] == 'u'
                                                   ? hex4(text + i + 7)
                                                   : 0;
        if ((u >= 0xDC00 && u <= 0xDFFF) || (u >= 0xD800 && u <= 0xDBFF && !(lo >= 0xDC00 && lo <= 0xDFFF)))
          return *notjson = 1, att__err(ATT_EINVAL,
                                        "%s: not valid JSON at byte %zu: \\u%04X is half of a UTF-16 "
                                        "surrogate pair (\\uD800-\\uDBFF then \\uDC00-\\uDFFF) without "
                                        "the other half; write the character itself, or both halves",
                                        label, i - 1, u);
        if (u >= 0xD800 && u <= 0xDBFF) i += 6; /* the low half, checked */
      }
    }
  }
  /* Only used to explain a parse failure: the text was cut short. */
  *open = in_str || depth > 0;
  return 0;
}

static int is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int loss_err(const char *label, const char *root, const char *text,
                    const cJSON *j, const loss *ls);
static int badnum_err(const char *label, const char *root, const char *text,
                      const cJSON *j, const badnum *bn);

/* Parse exactly one JSON value from text[0..len); root is the value's
 * path in an event ("" for the event itself), for messages. */
static int parse_at(const char *label, const char *root, const char *text,
                    size_t len, cJSON **out, int *notjson) {
  const char *end = NULL;
  size_t off, i;
  cJSON *j;
  char q[SHOW_MAX + 48];
  int open;
  loss ls;
  badnum bn;

  *out = NULL;
  *notjson = 1; /* until only the checks of what it holds are left */
  for (i = 0; i < len && is_ws(text[i]); i++) {
  }
  if (i == len)
    return att__err(ATT_EINVAL,
                    "%s: the text is empty; expected a JSON "
                    "object",
                    label);
  *notjson = 0;
  if (prescan(label, text, len, &open, &ls, &bn, notjson) < 0) return ATT_EINVAL;
  j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
  *notjson = j == NULL || bn.why != NULL;
  if (bn.why) {
    int rc = badnum_err(label, root, text, j, &bn);
    cJSON_Delete(j);
    return rc;
  }
  if (!j) {
    off = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
    if (ls.kind != LOSS_NONE && ls.byte <= off)
      return loss_err(label, root, text, NULL, &ls);
    if (off >= len || open)
      return att__err(ATT_EINVAL,
                      "%s: not valid JSON: the text ends too "
                      "early (after %zu bytes), before the value is complete",
                      label, len);
    return att__err(ATT_EINVAL, "%s: not valid JSON near byte %zu: %s", label,
                    off, att__show(q, sizeof q, text + off, len - off, 30));
  }
  off = (size_t)(end - text);
  while (off < len && is_ws(text[off])) off++;
  if (off < len) {
    *notjson = 1;
    cJSON_Delete(j);
    return att__err(ATT_EINVAL,
                    "%s: unexpected text after the JSON value at byte %zu: %s; "
                    "give exactly one object",
                    label, off,
                    att__show(q, sizeof q, text + off, len - off, 30));
  }
  if (ls.kind != LOSS_NONE) {
    int rc = loss_err(label, root, text, j, &ls);
    if (rc < 0) {
      cJSON_Delete(j);
      return rc;
    }
  }
  *out = j;
  return 0;
}

static int parse(const char *label, const char *text, size_t len, cJSON **out) {
  int notjson;
  return parse_at(label, "", text, len, out, &notjson);
}

int att_json_parse(const char *label, const char *root, const char *text,
                   size_t len, cJSON **out) {
  int notjson;
  return parse_at(label, root ? root : "", text, len, out, &notjson);
}

int att_json_loose(const char *label, const char *root, const char *text,
                   size_t len, cJSON **out) {
  int notjson = 0, rc = parse_at(label, root ? root : "", text, len, out, &notjson);
  char *copy;
  if (rc == 0 || !notjson) return rc;
  att__errclear();
  if (!(copy = malloc(len + 1))) return att__err(ATT_ENOMEM, "out of memory");
  memcpy(copy, text, len);
  copy[len] = '\0';
  *out = cJSON_CreateString(copy);
  free(copy);
  return *out ? 0 : att__err(ATT_ENOMEM, "out of memory");
}

/* ---- checks on the tree ---- */

typedef att__ev_path path;

/* Appends ".seg" ("seg" first) or "[i]"; "..." once it is too long. */
static size_t path_push(path *p, const char *seg, int index, size_t i) {
  size_t old = p->len, w, dot = 0;
  char num[32], *q = num + sizeof num;

  if (index) {
    *--q = ']';
    do {
      *--q = (char)('0' + i % 10);
      i /= 10;
    } while (i);
    *--q = '[';
    seg = q;
    w = (size_t)(num + sizeof num - q);
  } else {
    dot = p->len ? 1 : 0;
    w = dot + strlen(seg);
  }
  if (p->len + w <= PATH_MAX_LEN) {
    if (dot) p->buf[p->len] = '.';
    memcpy(p->buf + p->len + dot, seg, w - dot);
    p->len += w;
    p->buf[p->len] = '\0';
  } else if (p->len < PATH_MAX_LEN + 3) {
    memcpy(p->buf + p->len, "...", 4);
    p->len += 3;
  }
  return old;
}

static void path_pop(path *p, size_t old) {
  p->len = old;
  p->buf[old] = '\0';
}

static const char *show_path(char *q, size_t cap, const path *p) {
  return att__show(q, cap, p->buf, p->len, PATH_MAX_LEN + 8);
}

/* Find the nth string (member names included) or number of the tree, in
 * the order of the text; 1 with its path in p (and *key the member name
 * when the string is one), 0 when there are fewer. */
static int find_nth(const cJSON *it, path *p, int kind, size_t *n,
                    size_t nth, const char **key) {
  const cJSON *c;
  size_t i, old;
  if (cJSON_IsString(it)) return kind == LOSS_NUL && (*n)++ == nth;
  if (cJSON_IsNumber(it)) return kind == LOSS_BIG && (*n)++ == nth;
  for (i = 0, c = it->child; c; c = c->next, i++) {
    if (cJSON_IsObject(it) && kind == LOSS_NUL && (*n)++ == nth) {
      *key = c->string;
      return 1;
    }
    old = cJSON_IsObject(it) ? path_push(p, c->string, 0, 0)
                             : path_push(p, NULL, 1, i);
    if (find_nth(c, p, kind, n, nth, key)) return 1;
    path_pop(p, old);
  }
  return 0;
}

/* The one message for a NUL in a string, wherever it comes from. */
int att_json_nul_err(const char *label, const char *field, size_t byte) {
  char at[48] = "";
  if (byte != (size_t)-1) snprintf(at, sizeof at, " at byte %zu", byte);
  if (field && *field)
    return att__err(ATT_EINVAL,
                    "event field %s holds a NUL byte (\\u0000)%s; text may "
                    "hold any character but NUL",
                    field, at);
  return att__err(ATT_EINVAL,
                  "%s: a string holds a NUL byte (\\u0000)%s; text may hold "
                  "any character but NUL",
                  label, at);
}

/* The one message for an integer a double does not hold exactly. */
int att_json_big_err(const char *label, const char *field, const char *num,
                     size_t len) {
  int n = (int)(len > SHOW_MAX ? SHOW_MAX : len);
  if (field && *field)
    return att__err(ATT_EINVAL,
                    "event field %s: the integer %.*s would lose digits; "
                    "integers from -9007199254740991 to 9007199254740991 "
                    "(2^53-1) are accepted: write a larger one as a string "
                    "(\"%.*s\")",
                    field, n, num, n, num);
  return att__err(ATT_EINVAL,
                  "%s: the integer %.*s would lose digits; integers from "
                  "-9007199254740991 to 9007199254740991 (2^53-1) are "
                  "accepted: write a larger one as a string (\"%.*s\")",
                  label, n, num, n, num);
}

/* 1 for the path of an id, rev or link id of an event (maybe an element
 * of an array of events): their range is checked with their type. */
static int int_field(const char *p) {
  if (*p == '[') {
    if ((p = strchr(p, ']')) == NULL) return 0;
    p += p[1] == '.' ? 2 : 1;
  }
  if (strcmp(p, "id") == 0 || strcmp(p, "rev") == 0) return 1;
  if (strncmp(p, "links[", 6) != 0) return 0;
  p = strchr(p, ']');
  return p && strcmp(p, "].id") == 0;
}

/* The error for what prescan noted, naming the field when the tree (j,
 * NULL when cJSON failed further on) shows which it is. */
/* A number that is not JSON, named by its field when cJSON read the text
 * (it reads "036" as 36) and the tree can say where it is. */
static int badnum_err(const char *label, const char *root, const char *text,
                      const cJSON *j, const badnum *bn) {
  path p;
  size_t n = 0;
  const char *key = NULL;
  char num[SHOW_MAX + 48], where[PATH_MAX_LEN + 64];
  const char *hint = strcmp(bn->why, "leading zeros are not JSON") == 0
                         ? "; a code with leading zeros is text: write it in quotes"
                         : "";
  p.len = 0;
  p.buf[0] = '\0';
  if (*root) path_push(&p, root, 0, 0);
  att__show(num, sizeof num, text + bn->byte, bn->end - bn->byte, 30);
  if (j && find_nth(j, &p, LOSS_BIG, &n, bn->nth, &key) && p.len)
    return att__err(ATT_EINVAL, "event field %s: %s is not a JSON number (%s%s)",
                    show_path(where, sizeof where, &p), num, bn->why, hint);
  return att__err(ATT_EINVAL, "%s: not valid JSON at byte %zu: %s is not a JSON number (%s%s)",
                  label, bn->byte, num, bn->why, hint);
}

static int loss_err(const char *label, const char *root, const char *text,
                    const cJSON *j, const loss *ls) {
  path p;
  size_t n = 0;
  const char *key = NULL;
  char q[PATH_MAX_LEN + 64], k[SHOW_MAX + 48], f[PATH_MAX_LEN + SHOW_MAX + 120];
  int found;

  p.len = 0;
  p.buf[0] = '\0';
  if (*root) path_push(&p, root, 0, 0);
  found = j && find_nth(j, &p, ls->kind, &n, ls->nth, &key);
  if (found && ls->kind == LOSS_BIG && int_field(p.buf)) return 0;
  if (!found) {
    if (ls->kind == LOSS_BIG)
      return att_json_big_err(label, p.len ? p.buf : NULL, text + ls->byte, ls->nlen);
    return att_json_nul_err(label, NULL, ls->byte);
  }
  if (ls->kind == LOSS_BIG)
    return att_json_big_err(label, p.buf, text + ls->byte, ls->nlen);
  if (key) {
    /* The name as cJSON kept it, that is up to the NUL. */
    snprintf(f, sizeof f, "%s, the name %s...", p.len ? show_path(q, sizeof q, &p) : "(the top level)",
             att__show(k, sizeof k, key, strlen(key), SHOW_MAX));
    return att_json_nul_err(label, f, ls->byte);
  }
  return att_json_nul_err(label, p.buf, ls->byte);
}

static int cmp_keys(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Objects with fewer keys are checked for duplicates pair by pair. */
#define DUP_SORT_MIN 32

static int dup_err(const path *p, const char *key) {
  char q[PATH_MAX_LEN + 64], v[SHOW_MAX + 48];
  att__show(v, sizeof v, key, strlen(key), SHOW_MAX);
  if (p->len == 0)
    return att__err(ATT_EINVAL,
                    "event: the field %s appears twice; each field "
                    "may appear once",
                    v);
  return att__err(ATT_EINVAL,
                  "event field %s: the key %s appears twice; keys in "
                  "an object must be unique",
                  show_path(q, sizeof q, p), v);
}

/* A string, number or literal that check_tree would pass. */
static int leaf_ok(const cJSON *it) {
  if (cJSON_IsString(it))
    return att_utf8_check(it->valuestring, strlen(it->valuestring)) == 0;
  if (cJSON_IsNumber(it)) return isfinite(it->valuedouble);
  return !cJSON_IsArray(it) && !cJSON_IsObject(it);
}

/* Every string and key UTF-8, keys unique, numbers finite, depth bounded. */
int att__ev_check_tree(const cJSON *it, path *p, int depth) {
  char q[PATH_MAX_LEN + 64], v[SHOW_MAX + 48];
  const cJSON *c;
  size_t n = 0, i, old;
  const char **keys;
  int rc;

  if (depth > DEPTH_MAX)
    return att__err(ATT_EINVAL, "event field %s: nested more than %d deep",
                    show_path(q, sizeof q, p), DEPTH_MAX);
  if (cJSON_IsString(it)) {
    size_t sl = strlen(it->valuestring);
    if (att_utf8_check(it->valuestring, sl) < 0)
      return att__errctx(
          ATT_EINVAL, "event field %s: %s is not valid UTF-8",
          show_path(q, sizeof q, p),
          att__show(v, sizeof v, it->valuestring, sl, SHOW_MAX));
    return 0;
  }
  if (cJSON_IsNumber(it)) {
    if (!isfinite(it->valuedouble))
      return att__err(ATT_EINVAL,
                      "event field %s: a number too large for a double; "
                      "numbers must be finite",
                      show_path(q, sizeof q, p));
    return 0;
  }
  if (!cJSON_IsArray(it) && !cJSON_IsObject(it)) return 0;

  for (c = it->child; c; c = c->next) n++;
  if (cJSON_IsObject(it)) {
    for (c = it->child; c; c = c->next) {
      size_t kl;
      if (!c->string)
        return att__err(ATT_EINVAL,
                        "event field %s: an object member has "
                        "no name",
                        show_path(q, sizeof q, p));
      kl = strlen(c->string);
      if (att_utf8_check(c->string, kl) < 0) {
        if (p->len == 0)
          return att__errctx(ATT_EINVAL,
                             "event: the field name %s is not valid UTF-8",
                             att__show(v, sizeof v, c->string, kl, SHOW_MAX));
        return att__errctx(ATT_EINVAL,
                           "event field %s: the key %s is not valid UTF-8",
                           show_path(q, sizeof q, p),
                           att__show(v, sizeof v, c->string, kl, SHOW_MAX));
      }
    }
    if (n > 1 && n < DUP_SORT_MIN) {
      /* Pairwise; the key named is the least duplicate, as after a sort. */
      const char *dup = NULL;
      const cJSON *a, *b;
      for (a = it->child; a; a = a->next)
        for (b = a->next; b; b = b->next)
          if (a->string[0] == b->string[0] &&
              strcmp(a->string, b->string) == 0 &&
              (!dup || strcmp(a->string, dup) < 0))
            dup = a->string;
      if (dup) return dup_err(p, dup);
    } else if (n > 1) {
      keys = malloc(n * sizeof *keys);
      if (!keys) return att__err(ATT_ENOMEM, "out of memory");
      for (i = 0, c = it->child; c; c = c->next) keys[i++] = c->string;
      qsort(keys, n, sizeof *keys, cmp_keys);
      for (i = 1; i < n; i++) {
        if (strcmp(keys[i - 1], keys[i]) == 0) {
          rc = dup_err(p, keys[i]);
          free(keys);
          return rc;
        }
      }
      free(keys);
    }
  }
  for (i = 0, c = it->child; c; c = c->next, i++) {
    /* The path is only made for a member that fails. */
    if (depth < DEPTH_MAX && leaf_ok(c)) continue;
    old = cJSON_IsObject(it) ? path_push(p, c->string, 0, 0)
                             : path_push(p, NULL, 1, i);
    rc = att__ev_check_tree(c, p, depth + 1);
    path_pop(p, old);
    if (rc < 0) return rc;
  }
  return 0;
}

/* ---- reading fields ---- */

/* The text of a string item: taken out of a tree that the reader owns
 * (steal; cJSON allocates with malloc, as "fields" already relies on),
 * copied otherwise. */
static int take_str(const cJSON *it, char **dst, int steal) {
  if (steal && !(it->type & cJSON_IsReference)) {
    *dst = it->valuestring;
    ((cJSON *)it)->valuestring = NULL;
    return 0;
  }
  *dst = strdup(it->valuestring);
  if (!*dst) return att__err(ATT_ENOMEM, "out of memory");
  return 0;
}

/* A string field: null leaves *dst NULL. */
static int get_str(const char *field, const cJSON *it, char **dst, int steal) {
  if (cJSON_IsNull(it)) return 0;
  if (!cJSON_IsString(it)) return type_err(field, "a string", it);
  return take_str(it, dst, steal);
}

/* get_str for member `member` of element i of array `field`; the name
 * ("people[2].role") is only made for a message. */
static int get_elem_str(const char *field, size_t i, const char *member,
                        const cJSON *it, char **dst, int steal) {
  char name[64];
  if (cJSON_IsNull(it)) return 0;
  if (cJSON_IsString(it)) return take_str(it, dst, steal);
  snprintf(name, sizeof name, "%s[%zu].%s", field, i, member);
  return type_err(name, "a string", it);
}

static int get_int(const char *field, const cJSON *it, int64_t *dst) {
  char d[SHOW_MAX + 64];
  double v;
  if (!cJSON_IsNumber(it))
    return att__err(ATT_EINVAL,
                    "event field \"%s\": expected an integer from 1 to %lld, "
                    "got %s",
                    field, (long long)ATT_EV_ID_MAX, att__ev_describe(d, sizeof d, it));
  v = it->valuedouble;
  if (!(v >= 1 && v <= (double)ATT_EV_ID_MAX) || v != floor(v))
    return att__err(ATT_EINVAL,
                    "event field \"%s\": expected an integer from 1 to %lld, "
                    "got %s",
                    field, (long long)ATT_EV_ID_MAX, att__ev_describe(d, sizeof d, it));
  *dst = (int64_t)v;
  return 0;
}

static int get_time(const char *field, const cJSON *it, att_time *dst) {
  char q[SHOW_MAX + 48];
  if (!cJSON_IsString(it))
    return type_err(field, "an RFC 3339 timestamp string", it);
  if (att_time_parse(it->valuestring, dst) < 0)
    return att__errctx(ATT_EINVAL,
                       "event field \"%s\": %s is not an RFC 3339 timestamp "
                       "such as \"2023-12-18T09:30:00Z\"",
                       field,
                       att__show(q, sizeof q, it->valuestring,
                                 strlen(it->valuestring), SHOW_MAX));
  /* In UTC it must stay within the years RFC 3339 writes (an offset can
   * push 0000-01-01 or 9999-12-31 out of them), or it would not read
   * back once stored. */
  if (*dst < att_days_from_civil(0, 1, 1) * 86400 ||
      *dst > att_days_from_civil(9999, 12, 31) * 86400 + 86399)
    return att__err(ATT_EINVAL,
                    "event field \"%s\": %s is outside the years 0000 to 9999 once in UTC",
                    field,
                    att__show(q, sizeof q, it->valuestring, strlen(it->valuestring), SHOW_MAX));
  return 0;
}

static size_t count_items(const cJSON *arr) {
  size_t n = 0;
  const cJSON *c;
  for (c = arr->child; c; c = c->next) n++;
  return n;
}

/* An array field; 0 with *n = 0 for null. */
static int get_array(const char *field, const char *what, const cJSON *it,
                     size_t *n) {
  *n = 0;
  if (cJSON_IsNull(it)) return 0;
  if (!cJSON_IsArray(it)) return type_err(field, what, it);
  *n = count_items(it);
  if (*n > ATT_EV_LIST_MAX)
    return att__err(ATT_EINVAL,
                    "event field \"%s\" has %zu elements; at most %d are "
                    "accepted",
                    field, *n, ATT_EV_LIST_MAX);
  return 0;
}

static int get_strv(const char *field, const cJSON *it, att_strv *sv,
                    int steal) {
  size_t n, i;
  const cJSON *c;
  char name[64];
  int rc;

  if ((rc = get_array(field, "an array of strings", it, &n)) < 0) return rc;
  if (n == 0) return 0;
  sv->v = calloc(n, sizeof *sv->v);
  if (!sv->v) return att__err(ATT_ENOMEM, "out of memory");
  sv->n = n;
  for (i = 0, c = it->child; c; c = c->next, i++) {
    if (!cJSON_IsString(c)) {
      snprintf(name, sizeof name, "%s[%zu]", field, i);
      return type_err(name, "a string", c);
    }
    if ((rc = take_str(c, &sv->v[i], steal)) < 0) return rc;
  }
  return 0;
}

/* Members of a small object with a fixed set of keys; the object is
 * element i of array `field`, or `field` itself when i is NO_INDEX. */
#define NO_INDEX ((size_t)-1)

static int check_keys(const char *field, size_t i, const cJSON *obj,
                      const char *const *keys, const char *what) {
  const cJSON *c;
  char list[200], q[SHOW_MAX + 48], name[64];
  for (c = obj->child; c; c = c->next)
    if (find(c->string, keys) < 0) {
      if (i != NO_INDEX) {
        snprintf(name, sizeof name, "%s[%zu]", field, i);
        field = name;
      }
      return att__err(
          ATT_EINVAL,
          "event field \"%s\": the key %s is not known; %s has "
          "only %s",
          field, att__show(q, sizeof q, c->string, strlen(c->string), SHOW_MAX),
          what, att__join(list, sizeof list, keys));
    }
  return 0;
}

static int get_people(const cJSON *it, att_event *ev, int steal) {
  size_t n, i;
  const cJSON *c, *m;
  char name[64];
  int rc;

  if ((rc = get_array("people", "an array of objects {name, role, actor}", it,
                      &n)) < 0)
    return rc;
  if (n == 0) return 0;
  ev->people = calloc(n, sizeof *ev->people);
  if (!ev->people) return att__err(ATT_ENOMEM, "out of memory");
  ev->npeople = n;
  for (i = 0, c = it->child; c; c = c->next, i++) {
    att_person *p = &ev->people[i];
    if (!cJSON_IsObject(c)) {
      snprintf(name, sizeof name, "people[%zu]", i);
      return type_err(name, "an object {name, role, actor}", c);
    }
    if ((rc = check_keys("people", i, c, person_keys, "a person")) < 0)
      return rc;
    m = cJSON_GetObjectItemCaseSensitive(c, "name");
    if (m && (rc = get_elem_str("people", i, "name", m, &p->name, steal)) < 0)
      return rc;
    m = cJSON_GetObjectItemCaseSensitive(c, "role");
    if (m && (rc = get_elem_str("people", i, "role", m, &p->role, steal)) < 0)
      return rc;
    m = cJSON_GetObjectItemCaseSensitive(c, "actor");
    if (m &&
        (rc = get_elem_str("people", i, "actor", m, &p->actor, steal)) < 0)
      return rc;
  }
  return 0;
}

static int get_source(const cJSON *it, att_event *ev, int steal) {
  const cJSON *c;
  char name[64];
  char **dst;
  int rc;

  if (cJSON_IsNull(it)) return 0;
  if (!cJSON_IsObject(it))
    return type_err("source", "an object {title, url, publisher, published}",
                    it);
  if ((rc = check_keys("source", NO_INDEX, it, att_source_keys, "a source")) < 0)
    return rc;
  ev->source = calloc(1, sizeof *ev->source);
  if (!ev->source) return att__err(ATT_ENOMEM, "out of memory");
  for (c = it->child; c; c = c->next) {
    switch ((att_source_field)find(c->string, att_source_keys)) {
#define X(e, name, member, flag) \
    case ATT_SRC_##e: dst = &ev->source->member; break;
      ATT_SOURCE_FIELDS(X)
#undef X
    default: continue; /* not reached: check_keys */
    }
    if (cJSON_IsNull(c)) continue;
    if (!cJSON_IsString(c)) {
      snprintf(name, sizeof name, "source.%s", c->string);
      return type_err(name, "a string", c);
    }
    if ((rc = take_str(c, dst, steal)) < 0) return rc;
  }
  return 0;
}

static int get_links(const cJSON *it, att_event *ev, int steal) {
  size_t n, i;
  const cJSON *c, *m;
  char name[64];
  int rc;

  if ((rc = get_array("links", "an array of objects {rel, id} or {rel, key}", it, &n)) < 0)
    return rc;
  if (n == 0) return 0;
  ev->links = calloc(n, sizeof *ev->links);
  if (!ev->links) return att__err(ATT_ENOMEM, "out of memory");
  ev->nlinks = n;
  for (i = 0, c = it->child; c; c = c->next, i++) {
    if (!cJSON_IsObject(c)) {
      snprintf(name, sizeof name, "links[%zu]", i);
      return type_err(name, "an object {rel, id}", c);
    }
    if ((rc = check_keys("links", i, c, link_keys, "a link")) < 0) return rc;
    m = cJSON_GetObjectItemCaseSensitive(c, "rel");
    if (m &&
        (rc = get_elem_str("links", i, "rel", m, &ev->links[i].rel, steal)) < 0)
      return rc;
    snprintf(name, sizeof name, "links[%zu].id", i);
    m = cJSON_GetObjectItemCaseSensitive(c, "id");
    if (m && !cJSON_IsNull(m)) {
      if ((rc = get_int(name, m, &ev->links[i].id)) < 0) return rc;
    }
    m = cJSON_GetObjectItemCaseSensitive(c, "key");
    if (m && !cJSON_IsNull(m) &&
        (rc = get_elem_str("links", i, "key", m, &ev->links[i].key, steal)) < 0)
      return rc;
    if (!ev->links[i].id && !ev->links[i].key)
      return att__err(ATT_EINVAL,
                      "event field \"links[%zu]\" names no event: give \"id\" "
                      "(a number) or \"key\" (a string)",
                      i);
  }
  return 0;
}

/* Compact text of a checked "fields" object; NULL for {} and null. */
static int get_fields(const cJSON *it, char **dst) {
  size_t n;
  cJSON *copy;
  if (cJSON_IsNull(it)) return 0;
  if (!cJSON_IsObject(it)) return type_err("fields", "an object", it);
  if (!it->child) return 0;
  if (!(copy = cJSON_Duplicate(it, 1)) || att__ev_exact_numbers(copy->child) < 0) {
    cJSON_Delete(copy);
    return att__err(ATT_ENOMEM, "out of memory");
  }
  *dst = cJSON_PrintUnformatted(copy);
  cJSON_Delete(copy);
  if (!*dst) return att__err(ATT_ENOMEM, "out of memory");
  n = strlen(*dst);
  if (n > ATT_EV_FIELDS_MAX)
    return att__err(ATT_EINVAL,
                    "event field \"fields\" is too large: %zu bytes as "
                    "compact JSON, at most %d are accepted",
                    n, ATT_EV_FIELDS_MAX);
  return 0;
}

int att__ev_fields_canon(char **fields) {
  cJSON *j;
  path p;
  char *text = NULL;
  int rc;

  rc = att_json_parse("event field \"fields\"", "fields", *fields, strlen(*fields), &j);
  if (rc < 0) return rc;
  p.len = 0;
  path_push(&p, "fields", 0, 0);
  if (!cJSON_IsObject(j))
    rc = type_err("fields", "an object", j);
  else if ((rc = att__ev_check_tree(j, &p, 1)) == 0)
    rc = get_fields(j, &text);
  cJSON_Delete(j);
  if (rc < 0) {
    cJSON_free(text);
    return rc;
  }
  if (text && strcmp(text, *fields) == 0) {
    cJSON_free(text);
    return 0;
  }
  free(*fields);
  *fields = text;
  return 0;
}

/* How from_tree reads a field of each type: into tmp, or, for the members
 * the store sets, into set (kept only for a stored record). */
#define READ_ID(name, c, member) get_int(name, c, &set.member)
#define READ_TIME(name, c, member) get_time(name, c, &set.member)
#define READ_STR(name, c, member) get_str(name, c, &tmp.member, steal)
#define READ_EDTF(name, c, member) get_str(name, c, &tmp.member, steal)
#define READ_STRV(name, c, member) get_strv(name, c, &tmp.member, steal)
#define READ_PEOPLE(name, c, member) get_people(c, &tmp, steal)
#define READ_SOURCE(name, c, member) get_source(c, &tmp, steal)
#define READ_LINKS(name, c, member) get_links(c, &tmp, steal)
#define READ_FIELDS(name, c, member) get_fields(c, &fields)
#define KEEP_ID(member) tmp.member = set.member;
#define KEEP_TIME(member) tmp.member = set.member;
#define KEEP_STR(member)
#define KEEP_EDTF(member)
#define KEEP_STRV(member)
#define KEEP_PEOPLE(member)
#define KEEP_SOURCE(member)
#define KEEP_LINKS(member)
#define KEEP_FIELDS(member)

/* steal: the tree belongs to the caller, who deletes it next; its strings
 * may be moved into the event instead of copied. */
static int from_tree(const cJSON *obj, int flags, att_event *ev, int steal) {
  /* The store's members a stored record must hold, in the order the
   * message names the first one missing. */
  static const att_field stored[] = {ATT_F_ID, ATT_F_REV, ATT_F_CREATED, ATT_F_UPDATED};
  att_event tmp, set;
  const cJSON *c;
  char d[SHOW_MAX + 64], list[300], q[SHOW_MAX + 48];
  char *fields = NULL;
  int rc = 0;
  unsigned long seen = 0;
  size_t i;
  path p;

  att_event_init(ev);
  att_event_init(&tmp);
  att_event_init(&set);
  if (!cJSON_IsObject(obj))
    return att__err(ATT_EINVAL, "event: expected a JSON object, got %s",
                    att__ev_describe(d, sizeof d, obj));
  p.len = 0;
  p.buf[0] = '\0';
  if ((rc = att__ev_check_tree(obj, &p, 0)) < 0) return rc;

  for (c = obj->child; c && rc == 0; c = c->next) {
    const char *k = c->string;
    int f = att_field_find(k, strlen(k));
    switch ((att_field)f) {
#define X(e, name, type, member, req, csv, flag) \
    case ATT_F_##e: rc = READ_##type(name, c, member); break;
      ATT_EVENT_FIELDS(X)
#undef X
    default:
      rc = att__err(ATT_EINVAL,
                    "event field %s is not known; known fields: %s; put your "
                    "own data under \"fields\"",
                    att__show(q, sizeof q, k, strlen(k), SHOW_MAX),
                    att__join(list, sizeof list, att_field_names));
      continue;
    }
    seen |= 1ul << f;
  }
  if (rc == 0 && (flags & ATT_EV_STORED)) {
    for (i = 0; rc == 0 && i < sizeof stored / sizeof *stored; i++)
      if (!(seen & (1ul << stored[i])))
        rc = att__err(ATT_EINVAL,
                      "event field \"%s\" is required in a stored record (id, "
                      "rev, created and updated are set by the store)",
                      att_fields[stored[i]].name);
#define X(e, name, type, member, req, csv, flag) KEEP_##type(member)
    ATT_EVENT_FIELDS(X)
#undef X
    for (i = 0; rc == 0 && i < tmp.nlinks; i++)
      if (tmp.links[i].key)
        rc = att__err(ATT_EINVAL,
                      "event field \"links[%zu]\" names its event by key in a "
                      "stored record; the store keeps links by id",
                      i);
  }
  /* fields was checked on the tree already; keep it out of validation. */
  if (rc == 0) rc = att_event_validate(&tmp);
  if (rc < 0) {
    cJSON_free(fields);
    att_event_free(&tmp);
    return rc;
  }
  tmp.fields = fields;
  *ev = tmp;
  return 0;
}

int att_event_from_cjson(const cJSON *obj, int flags, att_event *ev) {
  return from_tree(obj, flags, ev, 0);
}

int att_event_from_json(const char *text, size_t len, int flags,
                        att_event *ev) {
  cJSON *j;
  int rc;

  att_event_init(ev);
  if ((rc = parse("event", text, len, &j)) < 0) return rc;
  rc = from_tree(j, flags, ev, 1);
  cJSON_Delete(j);
  return rc;
}
