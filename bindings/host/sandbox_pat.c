/*
 * The sandbox's string.find, match, gmatch and gsub: Lua 5.4's pattern
 * language matched by our own backtracking matcher, so that its work is
 * counted against the call's budget (stock Lua's matcher runs inside C,
 * where no hook reaches: string.rep("a", 600):find(".-.-.-b") takes 45 s).
 * Same syntax, results and error messages as Lua's (tested against it).
 */
#define _GNU_SOURCE /* memmem */
#include "host_int.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stddef.h>
#include <string.h>

/* ---- patterns -------------------------------------------------------- */

/*
 * Lua 5.4's pattern language, matched by our own backtracking matcher so
 * that its work is counted: every step of the matcher (one per pattern
 * item tried, one per character a repetition scans) is charged to the
 * call's budget in batches of PM_BATCH, so a pathological pattern ends
 * with the budget error instead of running for minutes inside C.  The
 * recursion is bounded as in Lua (PM_MAXDEPTH, "pattern too complex").
 */
#define PM_MAXCAP 32
#define PM_MAXDEPTH 200
#define PM_UNFINISHED (-1)
#define PM_POSITION (-2)
#define PM_BATCH 4096u
#define PM_SPECIALS "^$*+?.([%-"

typedef struct pm {
  const char *src, *src_end, *p_end;
  lua_State *L;
  unsigned steps;
  int depth; /* recursion left */
  int ncap;
  struct {
    const char *init;
    ptrdiff_t len;
  } cap[PM_MAXCAP];
} pm;

static void pm_init(pm *m, lua_State *L, const char *s, size_t ls, const char *p, size_t lp) {
  m->L = L;
  m->src = s;
  m->src_end = s + ls;
  m->p_end = p + lp;
  m->steps = 0;
  m->depth = PM_MAXDEPTH;
  m->ncap = 0;
}

static void pm_flush(pm *m) {
  unsigned n = m->steps;
  m->steps = 0;
  if (n) att_lua_charge(m->L, n);
}

static void pm_step(pm *m, size_t n) {
  if (n >= PM_BATCH - m->steps) {
    att_lua_charge(m->L, (uint64_t)m->steps + n);
    m->steps = 0;
  } else {
    m->steps += (unsigned)n;
  }
}

/* Past the single-character class that starts at p.  A set is scanned
 * to its end, each time: its length is charged. */
static const char *pm_class_end(pm *m, const char *p) {
  const char *start = p;
  char c = *p++;
  if (c == '%') {
    if (p >= m->p_end) luaL_error(m->L, "malformed pattern (ends with '%%')");
    return p + 1;
  }
  if (c == '[') {
    if (*p == '^') p++;
    do { /* the first character is part of the set, even a ']' */
      if (p >= m->p_end) luaL_error(m->L, "malformed pattern (missing ']')");
      c = *p++;
      if (c == '%' && p < m->p_end) p++;
    } while (*p != ']');
    pm_step(m, (size_t)(p - start));
    return p + 1;
  }
  return p;
}

static int pm_class(int c, int cl) {
  int r;
  switch (tolower(cl)) {
  case 'a': r = isalpha(c); break;
  case 'c': r = iscntrl(c); break;
  case 'd': r = isdigit(c); break;
  case 'g': r = isgraph(c); break;
  case 'l': r = islower(c); break;
  case 'p': r = ispunct(c); break;
  case 's': r = isspace(c); break;
  case 'u': r = isupper(c); break;
  case 'w': r = isalnum(c); break;
  case 'x': r = isxdigit(c); break;
  case 'z': r = c == 0; break; /* deprecated, still in Lua 5.4 */
  default: return cl == c;
  }
  if (isupper(cl)) r = !r;
  return r != 0;
}

/* c in the set [...] that runs from p (at '[') to ec (at its ']')? */
static int pm_set(int c, const char *p, const char *ec) {
  int yes = 1;
  p++;
  if (*p == '^') {
    yes = 0;
    p++;
  }
  for (; p < ec; p++) {
    if (*p == '%') {
      p++;
      if (pm_class(c, (unsigned char)*p)) return yes;
    } else if (p[1] == '-' && p + 2 < ec) {
      if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2]) return yes;
      p += 2;
    } else if ((unsigned char)*p == c) {
      return yes;
    }
  }
  return !yes;
}

/* Does the character at s match the class p..ep?  Testing a set scans it:
 * its length is charged (a set of 250,000 characters tested at each of
 * 250,000 positions is 6e10 comparisons). */
static int pm_single(pm *m, const char *s, const char *p, const char *ep) {
  int c;
  if (s >= m->src_end) return 0;
  c = (unsigned char)*s;
  switch (*p) {
  case '.': return 1;
  case '%': return pm_class(c, (unsigned char)p[1]);
  case '[':
    pm_step(m, (size_t)(ep - p));
    return pm_set(c, p, ep - 1);
  default: return (unsigned char)*p == c;
  }
}

static const char *pm_match(pm *m, const char *s, const char *p);

static const char *pm_max(pm *m, const char *s, const char *p, const char *ep) {
  ptrdiff_t i = 0;
  while (pm_single(m, s + i, p, ep)) i++;
  pm_step(m, (size_t)i);
  for (; i >= 0; i--) { /* the longest first, then shorter */
    const char *r = pm_match(m, s + i, ep + 1);
    if (r) return r;
  }
  return NULL;
}

static const char *pm_min(pm *m, const char *s, const char *p, const char *ep) {
  for (;;) { /* the shortest first, then longer */
    const char *r = pm_match(m, s, ep + 1);
    if (r) return r;
    if (!pm_single(m, s, p, ep)) return NULL;
    s++;
  }
}

static const char *pm_open(pm *m, const char *s, const char *p, ptrdiff_t what) {
  const char *r;
  if (m->ncap >= PM_MAXCAP) luaL_error(m->L, "too many captures");
  m->cap[m->ncap].init = s;
  m->cap[m->ncap].len = what;
  m->ncap++;
  r = pm_match(m, s, p);
  if (r == NULL) m->ncap--;
  return r;
}

static const char *pm_close(pm *m, const char *s, const char *p) {
  const char *r;
  int l;
  for (l = m->ncap - 1; l >= 0; l--)
    if (m->cap[l].len == PM_UNFINISHED) break;
  if (l < 0) luaL_error(m->L, "invalid pattern capture");
  m->cap[l].len = s - m->cap[l].init;
  r = pm_match(m, s, p);
  if (r == NULL) m->cap[l].len = PM_UNFINISHED;
  return r;
}

static const char *pm_balance(pm *m, const char *s, const char *p) {
  int depth = 1;
  if (p + 1 >= m->p_end) luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
  if (s >= m->src_end || *s != p[0]) return NULL;
  while (++s < m->src_end) {
    pm_step(m, 1);
    if (*s == p[1]) {
      if (--depth == 0) return s + 1;
    } else if (*s == p[0]) {
      depth++;
    }
  }
  return NULL;
}

static const char *pm_backref(pm *m, const char *s, int digit) {
  int l = digit - '1';
  ptrdiff_t len;
  if (l < 0 || l >= m->ncap || m->cap[l].len == PM_UNFINISHED)
    luaL_error(m->L, "invalid capture index %%%d", l + 1);
  len = m->cap[l].len; /* a position capture never matches */
  pm_step(m, len > 0 ? (size_t)len : 0);
  if (len >= 0 && (size_t)(m->src_end - s) >= (size_t)len &&
      memcmp(m->cap[l].init, s, (size_t)len) == 0)
    return s + len;
  return NULL;
}

/* The end of the match of p at s, or NULL. */
static const char *pm_match(pm *m, const char *s, const char *p) {
  const char *ep;
  if (m->depth-- == 0) luaL_error(m->L, "pattern too complex");
  for (;;) {
    pm_step(m, 1);
    if (p == m->p_end) break;
    switch (*p) {
    case '(':
      s = (p + 1 < m->p_end && p[1] == ')') ? pm_open(m, s, p + 2, PM_POSITION)
                                             : pm_open(m, s, p + 1, PM_UNFINISHED);
      goto out;
    case ')':
      s = pm_close(m, s, p + 1);
      goto out;
    case '$':
      if (p + 1 == m->p_end) {
        if (s != m->src_end) s = NULL;
        goto out;
      }
      break; /* an ordinary '$' */
    case '%':
      if (p[1] == 'b') {
        s = pm_balance(m, s, p + 2);
        if (s == NULL) goto out;
        p += 4;
        continue;
      }
      if (p[1] == 'f') {
        int prev, cur;
        p += 2;
        if (*p != '[') luaL_error(m->L, "missing '[' after '%%f' in pattern");
        ep = pm_class_end(m, p);
        pm_step(m, 2 * (size_t)(ep - p)); /* two tests of the set */
        prev = s == m->src ? 0 : (unsigned char)s[-1];
        cur = s < m->src_end ? (unsigned char)*s : 0;
        if (!pm_set(prev, p, ep - 1) && pm_set(cur, p, ep - 1)) {
          p = ep;
          continue;
        }
        s = NULL;
        goto out;
      }
      if (isdigit((unsigned char)p[1])) {
        s = pm_backref(m, s, (unsigned char)p[1]);
        if (s == NULL) goto out;
        p += 2;
        continue;
      }
      break;
    default:
      break;
    }
    /* A single-character class, maybe with a repetition after it. */
    ep = pm_class_end(m, p);
    if (!pm_single(m, s, p, ep)) {
      if (*ep == '*' || *ep == '?' || *ep == '-') { /* zero times is fine */
        p = ep + 1;
        continue;
      }
      s = NULL;
      goto out;
    }
    switch (*ep) {
    case '?': {
      const char *r = pm_match(m, s + 1, ep + 1);
      if (r) {
        s = r;
        goto out;
      }
      p = ep + 1;
      continue;
    }
    case '+': s = pm_max(m, s + 1, p, ep); goto out;
    case '*': s = pm_max(m, s, p, ep); goto out;
    case '-': s = pm_min(m, s, p, ep); goto out;
    default:
      s++;
      p = ep;
      continue;
    }
  }
out:
  m->depth++;
  return s;
}

static void pm_push_one(pm *m, int i, const char *s, const char *e) {
  if (i >= m->ncap) {
    if (i != 0) luaL_error(m->L, "invalid capture index %%%d", i + 1);
    lua_pushlstring(m->L, s, (size_t)(e - s)); /* the whole match */
  } else {
    ptrdiff_t l = m->cap[i].len;
    if (l == PM_UNFINISHED) luaL_error(m->L, "unfinished capture");
    if (l == PM_POSITION) lua_pushinteger(m->L, (m->cap[i].init - m->src) + 1);
    else lua_pushlstring(m->L, m->cap[i].init, (size_t)l);
  }
}

static int pm_push_all(pm *m, const char *s, const char *e) {
  int n = (m->ncap == 0 && s) ? 1 : m->ncap, i;
  luaL_checkstack(m->L, n, "too many captures");
  for (i = 0; i < n; i++) pm_push_one(m, i, s, e);
  return n;
}

/* Lua's rule for a starting position: negative counts from the end. */
static size_t pm_start(lua_Integer pos, size_t len) {
  if (pos > 0) return (size_t)pos;
  if (pos == 0) return 1;
  if (pos < -(lua_Integer)len) return 1;
  return len + (size_t)pos + 1;
}

static int pm_plain(const char *p, size_t lp) {
  size_t i;
  for (i = 0; i < lp; i++)
    if (p[i] != '\0' && strchr(PM_SPECIALS, p[i])) return 0;
  return 1;
}

static int find_aux(lua_State *L, int find) {
  size_t ls, lp, init;
  const char *s = luaL_checklstring(L, 1, &ls), *p = luaL_checklstring(L, 2, &lp);
  init = pm_start(luaL_optinteger(L, 3, 1), ls) - 1;
  if (init > ls) {
    luaL_pushfail(L);
    return 1;
  }
  if (find && (lua_toboolean(L, 4) || pm_plain(p, lp))) {
    /* memmem is linear (two-way) in glibc; charge its scan anyway */
    const char *hit = lp == 0 ? s + init : memmem(s + init, ls - init, p, lp);
    att_lua_charge(L, (ls - init) / 16 + 1);
    if (hit) {
      lua_pushinteger(L, (hit - s) + 1);
      lua_pushinteger(L, (lua_Integer)((size_t)(hit - s) + lp));
      return 2;
    }
  } else {
    pm m;
    const char *s1 = s + init;
    int anchor = *p == '^';
    if (anchor) {
      p++;
      lp--;
    }
    pm_init(&m, L, s, ls, p, lp);
    do {
      const char *e;
      m.ncap = 0;
      m.depth = PM_MAXDEPTH;
      if ((e = pm_match(&m, s1, p)) != NULL) {
        pm_flush(&m);
        if (find) {
          lua_pushinteger(L, (s1 - s) + 1);
          lua_pushinteger(L, e - s);
          return pm_push_all(&m, NULL, NULL) + 2;
        }
        return pm_push_all(&m, s1, e);
      }
    } while (s1++ < m.src_end && !anchor);
    pm_flush(&m);
  }
  luaL_pushfail(L);
  return 1;
}

int att__sb_str_find(lua_State *L) { return find_aux(L, 1); }
int att__sb_str_match(lua_State *L) { return find_aux(L, 0); }

typedef struct pm_iter {
  size_t pos;     /* where the next search starts */
  ptrdiff_t last; /* end of the last match, -1 before the first */
} pm_iter;

static int gmatch_next(lua_State *L) {
  size_t ls, lp;
  const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
  const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
  pm_iter *it = lua_touserdata(L, lua_upvalueindex(3));
  const char *src;
  pm m;
  pm_init(&m, L, s, ls, p, lp);
  for (src = s + it->pos; src <= m.src_end; src++) {
    const char *e;
    m.ncap = 0;
    m.depth = PM_MAXDEPTH;
    if ((e = pm_match(&m, src, p)) != NULL && (it->last < 0 || e != s + it->last)) {
      it->pos = (size_t)(e - s);
      it->last = e - s;
      pm_flush(&m);
      return pm_push_all(&m, src, e);
    }
  }
  it->pos = ls + 1;
  pm_flush(&m);
  return 0;
}

int att__sb_str_gmatch(lua_State *L) {
  size_t ls, init;
  pm_iter *it;
  luaL_checklstring(L, 1, &ls);
  luaL_checkstring(L, 2);
  init = pm_start(luaL_optinteger(L, 3, 1), ls) - 1;
  if (init > ls) init = ls + 1; /* after the end: nothing to find */
  lua_settop(L, 2);
  it = lua_newuserdatauv(L, sizeof *it, 0);
  it->pos = init;
  it->last = -1;
  lua_pushcclosure(L, gmatch_next, 3);
  return 1;
}

/* A replacement string: %0-%9 and %%. */
static void gsub_string(pm *m, luaL_Buffer *b, const char *s, const char *e) {
  lua_State *L = m->L;
  size_t l;
  const char *r = lua_tolstring(L, 3, &l), *end = r + l;
  /* The replacement is scanned at each match, even when it adds nothing
   * ("%1" for an empty capture): charged. */
  pm_step(m, 1 + l / 16);
  while (r < end) {
    const char *pct = memchr(r, '%', (size_t)(end - r));
    if (pct == NULL) {
      luaL_addlstring(b, r, (size_t)(end - r));
      break;
    }
    luaL_addlstring(b, r, (size_t)(pct - r));
    pm_step(m, 1);
    pct++;
    if (pct < end && *pct == '%') {
      luaL_addchar(b, '%');
    } else if (pct < end && *pct == '0') {
      luaL_addlstring(b, s, (size_t)(e - s));
    } else if (pct < end && isdigit((unsigned char)*pct)) {
      pm_push_one(m, *pct - '1', s, e);
      luaL_tolstring(L, -1, NULL); /* a position becomes its digits */
      lua_remove(L, -2);
      luaL_addvalue(b);
    } else {
      luaL_error(L, "invalid use of '%%' in replacement string");
    }
    r = pct + 1;
  }
}

static void gsub_value(pm *m, luaL_Buffer *b, const char *s, const char *e, int tr) {
  lua_State *L = m->L;
  if (tr == LUA_TFUNCTION) {
    int n;
    lua_pushvalue(L, 3);
    n = pm_push_all(m, s, e);
    lua_call(L, n, 1);
  } else if (tr == LUA_TTABLE) {
    pm_push_one(m, 0, s, e);
    lua_gettable(L, 3);
  } else {
    gsub_string(m, b, s, e);
    return;
  }
  if (!lua_toboolean(L, -1)) { /* false or nil: keep the original */
    lua_pop(L, 1);
    luaL_addlstring(b, s, (size_t)(e - s));
  } else if (!lua_isstring(L, -1)) {
    luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  } else {
    luaL_addvalue(b);
  }
}

int att__sb_str_gsub(lua_State *L) {
  size_t srcl, lp;
  const char *src = luaL_checklstring(L, 1, &srcl), *p = luaL_checklstring(L, 2, &lp);
  const char *last = NULL;
  int tr = lua_type(L, 3), anchor;
  lua_Integer max_n = luaL_optinteger(L, 4, (lua_Integer)srcl + 1), n = 0;
  luaL_Buffer b;
  pm m;
  luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION ||
                          tr == LUA_TTABLE, 3, "string/function/table");
  luaL_buffinit(L, &b);
  anchor = *p == '^';
  if (anchor) {
    p++;
    lp--;
  }
  pm_init(&m, L, src, srcl, p, lp);
  while (n < max_n) {
    const char *e;
    m.ncap = 0;
    m.depth = PM_MAXDEPTH;
    if ((e = pm_match(&m, src, p)) != NULL && e != last) {
      n++;
      gsub_value(&m, &b, src, e, tr);
      src = last = e;
    } else if (src < m.src_end) {
      luaL_addchar(&b, *src++);
    } else {
      break;
    }
    if (anchor) break;
  }
  luaL_addlstring(&b, src, (size_t)(m.src_end - src));
  pm_flush(&m);
  luaL_pushresult(&b);
  lua_pushinteger(L, n);
  return 2;
}

