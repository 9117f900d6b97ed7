/*
 * at.json.decode(s) and at.json.encode(v [, {indent = N}]).
 *
 * decode reads RFC 8259 JSON into Lua values: objects and arrays become
 * tables, null becomes at.null (so that arrays keep their length and
 * objects their keys), numbers without a fraction or exponent that fit
 * become integers.  Bad input returns nil and a message that gives the
 * line and column; a repeated key keeps its last value.
 *
 * encode writes compact JSON (or indented with {indent = N}) with the keys
 * of every object in byte order, so that the same value always gives the
 * same text.  A table is an array when its keys are exactly 1..n, an
 * object when they are all strings; an empty table is an empty array.
 * Dates and durations are written as their text, events as their fields
 * (ev:totable()).  What JSON cannot hold raises: functions, NaN, invalid
 * UTF-8, tables that mix a list with named fields or hold themselves.
 */
#include "lua_int.h"
#include "lua_util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h" /* att_utf8_len: the rule of core's UTF-8 check */

#define JSON_MAXDEPTH 200

/* ---- decode -------------------------------------------------------------- */

typedef struct jdec {
  lua_State *L;
  const char *s, *p, *end;
  int depth;
  unsigned steps;  /* values read since the last charge */
  const char *err; /* what went wrong at p, or NULL */
} jdec;

static int dfail(jdec *d, const char *msg) {
  if (!d->err) d->err = msg;
  return -1;
}

static void skip_ws(jdec *d) {
  while (d->p < d->end && (*d->p == ' ' || *d->p == '\t' || *d->p == '\n' || *d->p == '\r'))
    d->p++;
}

static int hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    int c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return -1;
  }
  *out = v;
  return 0;
}

static void add_utf8(luaL_Buffer *b, unsigned cp) {
  char u[4];
  size_t n;
  if (cp < 0x80) u[0] = (char)cp, n = 1;
  else if (cp < 0x800) u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  else if (cp < 0x10000)
    u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
    u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
  else
    u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
  luaL_addlstring(b, u, n);
}

/* A string at p (on its opening quote): pushes it. */
static int dstring(jdec *d) {
  luaL_Buffer b;
  d->p++;
  luaL_buffinit(d->L, &b);
  for (;;) {
    const char *run = d->p;
    while (d->p < d->end && *d->p != '"' && *d->p != '\\' && (unsigned char)*d->p >= 0x20 &&
           (unsigned char)*d->p < 0x80)
      d->p++;
    luaL_addlstring(&b, run, (size_t)(d->p - run));
    if (d->p >= d->end) return dfail(d, "a string is not closed");
    if (*d->p == '"') break;
    if ((unsigned char)*d->p < 0x20) return dfail(d, "a control character in a string (escape it)");
    if (*d->p != '\\') {
      size_t n = att_utf8_len(d->p, (size_t)(d->end - d->p));
      if (n == 0) return dfail(d, "invalid UTF-8 in a string");
      luaL_addlstring(&b, d->p, n);
      d->p += n;
      continue;
    }
    if (d->end - d->p < 2) return dfail(d, "a string is not closed");
    switch (d->p[1]) {
    case '"': luaL_addchar(&b, '"'); break;
    case '\\': luaL_addchar(&b, '\\'); break;
    case '/': luaL_addchar(&b, '/'); break;
    case 'b': luaL_addchar(&b, '\b'); break;
    case 'f': luaL_addchar(&b, '\f'); break;
    case 'n': luaL_addchar(&b, '\n'); break;
    case 'r': luaL_addchar(&b, '\r'); break;
    case 't': luaL_addchar(&b, '\t'); break;
    case 'u': {
      unsigned cp, lo;
      if (d->end - d->p < 6 || hex4(d->p + 2, &cp) != 0)
        return dfail(d, "\\u is followed by four hexadecimal digits");
      if (cp >= 0xDC00 && cp <= 0xDFFF) return dfail(d, "a lone low surrogate in \\u escapes");
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (d->end - d->p < 12 || d->p[6] != '\\' || d->p[7] != 'u' ||
            hex4(d->p + 8, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
          return dfail(d, "a high surrogate in \\u escapes without its low surrogate");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        d->p += 6;
      }
      add_utf8(&b, cp);
      d->p += 4;
      break;
    }
    default: return dfail(d, "an unknown escape in a string");
    }
    d->p += 2;
  }
  d->p++;
  luaL_pushresult(&b);
  return 0;
}

static int dnumber(jdec *d) {
  const char *start = d->p;
  int isint = 1;
  char buf[64];
  if (d->p < d->end && *d->p == '-') d->p++;
  if (d->p >= d->end || *d->p < '0' || *d->p > '9') return dfail(d, "a number lacks its digits");
  if (*d->p == '0') {
    d->p++;
    if (d->p < d->end && *d->p >= '0' && *d->p <= '9')
      return dfail(d, "a number starts with 0 (leading zeros are not JSON)");
  } else {
    while (d->p < d->end && *d->p >= '0' && *d->p <= '9') d->p++;
  }
  if (d->p < d->end && *d->p == '.') {
    isint = 0;
    d->p++;
    if (d->p >= d->end || *d->p < '0' || *d->p > '9') return dfail(d, "a digit must follow '.'");
    while (d->p < d->end && *d->p >= '0' && *d->p <= '9') d->p++;
  }
  if (d->p < d->end && (*d->p == 'e' || *d->p == 'E')) {
    isint = 0;
    d->p++;
    if (d->p < d->end && (*d->p == '+' || *d->p == '-')) d->p++;
    if (d->p >= d->end || *d->p < '0' || *d->p > '9') return dfail(d, "an exponent lacks digits");
    while (d->p < d->end && *d->p >= '0' && *d->p <= '9') d->p++;
  }
  if ((size_t)(d->p - start) >= sizeof buf) {
    /* Very long numbers: let strtod read them from a Lua string. */
    lua_pushlstring(d->L, start, (size_t)(d->p - start));
    lua_pushnumber(d->L, strtod(lua_tostring(d->L, -1), NULL));
    lua_remove(d->L, -2);
    return 0;
  }
  memcpy(buf, start, (size_t)(d->p - start));
  buf[d->p - start] = '\0';
  if (isint) {
    long long v;
    errno = 0;
    v = strtoll(buf, NULL, 10);
    if (errno == 0) {
      lua_pushinteger(d->L, (lua_Integer)v);
      return 0;
    }
  }
  lua_pushnumber(d->L, strtod(buf, NULL));
  return 0;
}

static int dvalue(jdec *d);

static int dcontainer(jdec *d, int isobj) {
  lua_Integer n = 0;
  if (++d->depth > JSON_MAXDEPTH) return dfail(d, "nested more than 200 deep");
  luaL_checkstack(d->L, 4, "JSON nested too deeply");
  lua_newtable(d->L);
  d->p++;
  skip_ws(d);
  if (d->p < d->end && *d->p == (isobj ? '}' : ']')) {
    d->p++;
    d->depth--;
    return 0;
  }
  for (;;) {
    skip_ws(d);
    if (isobj) {
      if (d->p >= d->end || *d->p != '"') return dfail(d, "expected a string key");
      if (dstring(d) != 0) return -1;
      skip_ws(d);
      if (d->p >= d->end || *d->p != ':') return dfail(d, "expected ':' after a key");
      d->p++;
    }
    if (dvalue(d) != 0) return -1;
    if (isobj) lua_rawset(d->L, -3);
    else lua_rawseti(d->L, -2, ++n);
    skip_ws(d);
    if (d->p < d->end && *d->p == ',') {
      d->p++;
      continue;
    }
    if (d->p < d->end && *d->p == (isobj ? '}' : ']')) break;
    return dfail(d, isobj ? "expected ',' or '}'" : "expected ',' or ']'");
  }
  d->p++;
  d->depth--;
  return 0;
}

static int dword(jdec *d, const char *w) {
  size_t n = strlen(w);
  if ((size_t)(d->end - d->p) < n || memcmp(d->p, w, n) != 0) return dfail(d, "expected a value");
  d->p += n;
  return 0;
}

static int dvalue(jdec *d) {
  /* The text was paid for up front; the values are charged as they are
   * made, so that the deadline is checked inside a long decode too. */
  if (++d->steps == 256) {
    att_lua_charge(d->L, d->steps);
    d->steps = 0;
  }
  skip_ws(d);
  if (d->p >= d->end) return dfail(d, "expected a value, got the end of the text");
  switch (*d->p) {
  case '{': return dcontainer(d, 1);
  case '[': return dcontainer(d, 0);
  case '"': return dstring(d);
  case 't':
    if (dword(d, "true")) return -1;
    lua_pushboolean(d->L, 1);
    return 0;
  case 'f':
    if (dword(d, "false")) return -1;
    lua_pushboolean(d->L, 0);
    return 0;
  case 'n':
    if (dword(d, "null")) return -1;
    attl_null_push(d->L);
    return 0;
  default:
    if (*d->p == '-' || (*d->p >= '0' && *d->p <= '9')) return dnumber(d);
    return dfail(d, "expected a value");
  }
}

/* at.json.decode(s) -> value | nil, "JSON: line L, column C: what" */
static int attl_json_decode(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  jdec d;
  int top;
  att_lua_charge(L, len / 16 + 1);
  d.L = L;
  d.s = d.p = s;
  d.end = s + len;
  d.depth = 0;
  d.steps = 0;
  d.err = NULL;
  top = lua_gettop(L);
  if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) d.p += 3;
  if (dvalue(&d) == 0) {
    skip_ws(&d);
    if (d.p == d.end) return 1;
    dfail(&d, "text after the value");
  }
  lua_settop(L, top);
  {
    long line = 1, col = 1;
    for (const char *q = s; q < d.p; q++) {
      if (*q == '\n') line++, col = 1;
      else if (((unsigned char)*q & 0xC0) != 0x80) col++;
    }
    return attl_failf(L, "JSON: line %d, column %d: %s", (int)line, (int)col, d.err);
  }
}

/* ---- encode -------------------------------------------------------------- */

/* The output, in a userdata so that an error frees it with the GC. */
typedef struct jbuf {
  char *p;
  size_t n, cap;
  lua_Alloc alloc;
  void *aud;
  int indent;
} jbuf;

static int jbuf_gc(lua_State *L) {
  jbuf *b = lua_touserdata(L, 1);
  if (b->p) b->alloc(b->aud, b->p, b->cap, 0);
  b->p = NULL;
  return 0;
}

static void put(lua_State *L, jbuf *b, const char *s, size_t n) {
  if (b->cap - b->n < n) {
    size_t ncap = b->cap ? b->cap : 256;
    char *np;
    while (ncap - b->n < n) {
      if (ncap > ((size_t)-1) / 2) luaL_error(L, "not enough memory");
      ncap *= 2;
    }
    np = b->alloc(b->aud, b->p, b->cap, ncap);
    if (!np) luaL_error(L, "not enough memory");
    b->p = np;
    b->cap = ncap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
}

#define PUTS(L, b, lit) put(L, b, lit, sizeof lit - 1)

static void newline(lua_State *L, jbuf *b, int depth) {
  if (!b->indent) return;
  PUTS(L, b, "\n");
  for (int i = 0; i < depth * b->indent; i++) PUTS(L, b, " ");
}

/* Raise "bad argument #1 to 'encode' (PATH: what)". */
static int enc_error(lua_State *L, const char *path, const char *what) {
  return luaL_error(L, "bad argument #1 to 'encode' (%s%s%s)", path, *path ? ": " : "", what);
}

static void put_string(lua_State *L, jbuf *b, const char *s, size_t n, const char *path) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  att_lua_charge(L, n / 16 + 1); /* the same string may be written many times */
  PUTS(L, b, "\"");
  while (i < n) {
    size_t run = i;
    while (i < n && u[i] >= 0x20 && u[i] < 0x80 && u[i] != '"' && u[i] != '\\') i++;
    put(L, b, s + run, i - run);
    if (i >= n) break;
    if (u[i] >= 0x80) {
      size_t k = att_utf8_len(s + i, n - i);
      if (!k) enc_error(L, path, "a string is not valid UTF-8");
      put(L, b, s + i, k);
      i += k;
      continue;
    }
    switch (u[i]) {
    case '"': PUTS(L, b, "\\\""); break;
    case '\\': PUTS(L, b, "\\\\"); break;
    case '\n': PUTS(L, b, "\\n"); break;
    case '\r': PUTS(L, b, "\\r"); break;
    case '\t': PUTS(L, b, "\\t"); break;
    case '\b': PUTS(L, b, "\\b"); break;
    case '\f': PUTS(L, b, "\\f"); break;
    default: {
      char e[8];
      snprintf(e, sizeof e, "\\u%04x", u[i]);
      put(L, b, e, 6);
    }
    }
    i++;
  }
  PUTS(L, b, "\"");
}

/* The shortest text that reads back as the same double; integral values
 * keep a ".0" so that they decode as floats again. */
static void put_float(lua_State *L, jbuf *b, double v, const char *path) {
  char s[40];
  if (!isfinite(v)) enc_error(L, path, "NaN and infinities are not JSON numbers");
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(s, sizeof s, "%.*g", prec, v);
    if (strtod(s, NULL) == v) break;
  }
  if (!strpbrk(s, ".eE")) strcat(s, ".0");
  put(L, b, s, strlen(s));
}

static int cmp_keys(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void encode(lua_State *L, jbuf *b, int idx, int depth, const char *path);

static void encode_table(lua_State *L, jbuf *b, int idx, int depth, const char *path) {
  size_t count = 0, n = lua_rawlen(L, idx), nstr = 0;
  char sub[256];
  const char **keys;
  if (depth >= JSON_MAXDEPTH)
    enc_error(L, path, "tables nested more than 200 deep (or a table holds itself)");
  luaL_checkstack(L, 6, "tables nested too deeply");
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    count++;
    if (lua_type(L, -2) == LUA_TSTRING) nstr++;
    lua_pop(L, 1);
  }
  att_lua_charge(L, count + 1);
  if (count == n) { /* an array (or empty) */
    PUTS(L, b, "[");
    for (size_t i = 1; i <= n; i++) {
      if (i > 1) PUTS(L, b, ",");
      newline(L, b, depth + 1);
      lua_rawgeti(L, idx, (lua_Integer)i);
      snprintf(sub, sizeof sub, "%s[%zu]", path, i);
      encode(L, b, lua_gettop(L), depth + 1, sub);
      lua_pop(L, 1);
    }
    if (n) newline(L, b, depth);
    PUTS(L, b, "]");
    return;
  }
  if (nstr != count)
    enc_error(L, path, nstr ? "a table mixes a list with named fields"
                            : "a table's keys are neither 1..n nor strings (an array with holes?)");
  /* The keys, sorted; the strings stay alive in the table. */
  keys = lua_newuserdatauv(L, count * sizeof *keys, 0);
  count = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    size_t kl;
    const char *k = lua_tolstring(L, -2, &kl);
    if (strlen(k) != kl) enc_error(L, path, "a key holds a NUL byte");
    keys[count++] = k;
    lua_pop(L, 1);
  }
  qsort(keys, count, sizeof *keys, cmp_keys);
  PUTS(L, b, "{");
  for (size_t i = 0; i < count; i++) {
    if (i) PUTS(L, b, ",");
    newline(L, b, depth + 1);
    snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", keys[i]);
    put_string(L, b, keys[i], strlen(keys[i]), sub);
    if (b->indent) PUTS(L, b, ": ");
    else PUTS(L, b, ":");
    lua_getfield(L, idx, keys[i]);
    encode(L, b, lua_gettop(L), depth + 1, sub);
    lua_pop(L, 1);
  }
  newline(L, b, depth);
  PUTS(L, b, "}");
  lua_pop(L, 1); /* keys */
}

static void encode(lua_State *L, jbuf *b, int idx, int depth, const char *path) {
  switch (lua_type(L, idx)) {
  case LUA_TNIL: PUTS(L, b, "null"); return;
  case LUA_TBOOLEAN:
    if (lua_toboolean(L, idx)) PUTS(L, b, "true");
    else PUTS(L, b, "false");
    return;
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) {
      char s[32];
      snprintf(s, sizeof s, "%lld", (long long)lua_tointeger(L, idx));
      put(L, b, s, strlen(s));
    } else {
      put_float(L, b, lua_tonumber(L, idx), path);
    }
    return;
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    put_string(L, b, s, n, path);
    return;
  }
  case LUA_TTABLE: encode_table(L, b, idx, depth, path); return;
  case LUA_TUSERDATA:
    if (attl_isnull(L, idx)) {
      PUTS(L, b, "null");
      return;
    }
    if (attl_date_test(L, idx) || attl_duration_test(L, idx)) {
      size_t n;
      const char *s = luaL_tolstring(L, idx, &n);
      put_string(L, b, s, n, path);
      lua_pop(L, 1);
      return;
    }
    if (attl_event_test(L, idx)) {
      lua_getfield(L, idx, "totable");
      lua_pushvalue(L, idx);
      lua_call(L, 1, 1);
      encode_table(L, b, lua_gettop(L), depth, path);
      lua_pop(L, 1);
      return;
    }
    break;
  default: break;
  }
  enc_error(L, path, lua_pushfstring(L, "a %s is not JSON (JSON holds strings, numbers, "
                                        "booleans, tables and at.null)",
                                     luaL_typename(L, idx)));
}

/* at.json.encode(v [, {indent = N}]) -> string */
static int attl_json_encode(lua_State *L) {
  jbuf *b;
  int indent = 0;
  luaL_checkany(L, 1);
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 2)) {
      if (lua_type(L, -2) != LUA_TSTRING || strcmp(lua_tostring(L, -2), "indent") != 0)
        return luaL_argerror(L, 2, "unknown option (options: indent)");
      lua_pop(L, 1);
    }
    lua_getfield(L, 2, "indent");
    indent = (int)luaL_optinteger(L, -1, 0);
    luaL_argcheck(L, indent >= 0 && indent <= 8, 2, "option 'indent' takes 0 to 8 spaces");
    lua_pop(L, 1);
  }
  lua_settop(L, 1);
  b = lua_newuserdatauv(L, sizeof *b, 0);
  memset(b, 0, sizeof *b);
  b->alloc = lua_getallocf(L, &b->aud);
  b->indent = indent;
  if (luaL_newmetatable(L, "attache.jsonbuf")) {
    lua_pushcfunction(L, jbuf_gc);
    lua_setfield(L, -2, "__gc");
    attl_protect(L);
  }
  lua_setmetatable(L, -2);
  encode(L, b, 1, 0, "");
  lua_pushlstring(L, b->p ? b->p : "", b->n);
  lua_pushcfunction(L, jbuf_gc); /* free the buffer now, not at the next GC */
  lua_pushvalue(L, 2);
  lua_call(L, 1, 0);
  return 1;
}

void attl_open_json(lua_State *L) {
  static const luaL_Reg fns[] = {{"json_decode", attl_json_decode}, {"json_encode", attl_json_encode}, {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
}
