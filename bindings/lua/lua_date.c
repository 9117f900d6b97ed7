/*
 * Dates and durations for scripts, part of the attache.core module.
 *
 * A date value (metatable "attache.date") is an EDTF value with its two
 * bounds, the earliest and latest instants it covers.  An instant is a date
 * whose bounds are equal: at.now(), d:earliest(), date + duration.  Dates
 * order by their bounds (earliest first, then latest), the order in which
 * the store sorts events.
 *
 * A duration ("attache.duration") is kept by component, years, months,
 * days and seconds, so that calendar arithmetic is exact and repeatable:
 * months are added on the calendar with the day clamped to the month's
 * length (Jan 31 + 1 month is Feb 29 in 2024), days and seconds on the
 * clock (a UTC day is always 86400 seconds).  docs/lua-api.md is the manual.
 */
#include "lua_util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY INT64_C(86400)
/* Years a date can reach (64-bit seconds, as in docs/dates.md). */
#define YEAR_MIN INT64_C(-292277022656)
#define YEAR_MAX INT64_C(292277026595)

static const char dur_forms[] =
    "write a number and a unit: 7d, 2h, 30m, 45s, 1w, 3mo, 1y, or several: "
    "1d12h, 1y6mo, -2h (y years, mo months, w weeks, d days, h hours, "
    "m minutes, s seconds)";

/* ---- check helpers ------------------------------------------------------ */

static int add64(int64_t a, int64_t b, int64_t *r) {
  if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b)) return -1;
  *r = a + b;
  return 0;
}

static int mul64(int64_t a, int64_t b, int64_t *r) {
  if (a > 0) {
    if (b > 0 ? a > INT64_MAX / b : b < INT64_MIN / a) return -1;
  } else if (a < 0) {
    if (b > 0 ? a < INT64_MIN / b : (b < 0 && a < INT64_MAX / b)) return -1;
  }
  *r = a * b;
  return 0;
}

static int sub64(int64_t a, int64_t b, int64_t *r) {
  if ((b < 0 && a > INT64_MAX + b) || (b > 0 && a < INT64_MIN + b)) return -1;
  *r = a - b;
  return 0;
}

/* -a, or -1 for INT64_MIN (whose negation does not exist). */
static int neg64(int64_t a, int64_t *r) {
  if (a == INT64_MIN) return -1;
  *r = -a;
  return 0;
}

static int64_t floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* t split into whole days and the seconds of its day (0 to 86399), with
 * no product that could overflow near the ends of the range. */
static void day_split(att_time t, int64_t *days, int64_t *secs) {
  int64_t q = t / DAY, r = t % DAY;
  if (r < 0) q--, r += DAY;
  *days = q;
  *secs = r;
}

/* The same durations negated: -1 when a component is INT64_MIN. */
static int dur_neg(const attl_duration *d, attl_duration *r) {
  if (neg64(d->years, &r->years) || neg64(d->months, &r->months) ||
      neg64(d->days, &r->days) || neg64(d->seconds, &r->seconds))
    return -1;
  return 0;
}

/* The readers of date and duration text scan the whole string (its
 * length, its spaces) before they refuse a long one: that work is
 * charged to the budget. */
static void charge_text(lua_State *L, int idx) {
  size_t n;
  lua_tolstring(L, idx, &n);
  att_lua_charge(L, n / 64 + 1);
}

/* Make sure the metatables exist (the event code may push dates into a
 * state where the module was never required, as `list --where` does). */
static void metatables(lua_State *L);

static void setmeta(lua_State *L, const char *name) {
  if (luaL_getmetatable(L, name) == LUA_TNIL) {
    lua_pop(L, 1);
    metatables(L);
    luaL_getmetatable(L, name);
  }
  lua_setmetatable(L, -2);
}

attl_date *attl_date_test(lua_State *L, int idx) {
  return luaL_testudata(L, idx, ATTL_DATE);
}

attl_duration *attl_duration_test(lua_State *L, int idx) {
  return luaL_testudata(L, idx, ATTL_DURATION);
}

static attl_date *checkdate(lua_State *L, int idx) {
  return luaL_checkudata(L, idx, ATTL_DATE);
}

static attl_duration *checkdur(lua_State *L, int idx) {
  return luaL_checkudata(L, idx, ATTL_DURATION);
}

void attl_date_push(lua_State *L, const char *edtf, const att_bounds *b) {
  attl_date *d = lua_newuserdatauv(L, sizeof *d, 0);
  d->b = *b;
  snprintf(d->edtf, sizeof d->edtf, "%s", edtf ? edtf : "");
  setmeta(L, ATTL_DATE);
}

/* An instant: its EDTF is the UTC timestamp when the year has four digits
 * (EDTF writes a time of day only then), else none. */
static void instant_fill(attl_date *d, att_time t) {
  int64_t y, days, secs;
  int m, dd;
  d->b.earliest = d->b.latest = t;
  d->edtf[0] = '\0';
  if (t == ATT_TIME_MIN || t == ATT_TIME_MAX) return;
  day_split(t, &days, &secs);
  att_civil_from_days(days, &y, &m, &dd);
  if (y < 0 || y > 9999 || att_time_format(t, d->edtf, sizeof d->edtf) != 0) d->edtf[0] = '\0';
}

void attl_instant_push(lua_State *L, att_time t) {
  attl_date d;
  instant_fill(&d, t);
  attl_date_push(L, d.edtf, &d.b);
}

void attl_duration_push(lua_State *L, const attl_duration *d) {
  attl_duration *p = lua_newuserdatauv(L, sizeof *p, 0);
  *p = *d;
  setmeta(L, ATTL_DURATION);
}

int attl_time_add(att_time t, const attl_duration *d, att_time *out) {
  int64_t months, secs, days, y, total, ny;
  int m, dd, nm, nd;
  if (t == ATT_TIME_MIN || t == ATT_TIME_MAX) {
    *out = t;
    return 0;
  }
  if (mul64(d->years, 12, &months) || add64(months, d->months, &months))
    goto range;
  if (months != 0) {
    day_split(t, &days, &secs);
    att_civil_from_days(days, &y, &m, &dd);
    if (mul64(y, 12, &total) || add64(total, m - 1, &total) || add64(total, months, &total))
      goto range;
    ny = floordiv(total, 12);
    if (ny < YEAR_MIN || ny > YEAR_MAX) goto range;
    nm = (int)(total - ny * 12) + 1;
    nd = dd;
    if (nd > att_days_in_month(ny, nm)) nd = att_days_in_month(ny, nm);
    if (mul64(att_days_from_civil(ny, nm, nd), DAY, &t) || add64(t, secs, &t)) goto range;
  }
  if (mul64(d->days, DAY, &secs) || add64(t, secs, &t) || add64(t, d->seconds, &t)) goto range;
  if (t == ATT_TIME_MIN || t == ATT_TIME_MAX) goto range;
  *out = t;
  return 0;
range:
  return att__err(ATT_ERANGE, "date arithmetic out of range: the result is not a "
                              "year attache can count (%lld to %lld)",
                  (long long)YEAR_MIN, (long long)YEAR_MAX);
}

/* An integer field of a date table, or `absent` when missing. */
static int64_t tfield(lua_State *L, int idx, const char *k, int64_t absent, int64_t lo,
                      int64_t hi) {
  int isint;
  int64_t v;
  int t = lua_getfield(L, idx, k);
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return absent;
  }
  v = lua_tointegerx(L, -1, &isint);
  if (!isint)
    return luaL_error(L, "field '%s' is not an integer in the date table (got %s)", k,
                      luaL_typename(L, -1));
  if (v < lo || v > hi) return luaL_error(L, "field '%s' is out-of-bound in the date table", k);
  lua_pop(L, 1);
  return v;
}

#define NOFIELD INT64_MIN

/* {year=, month=, day=, hour=, min=, sec=}: as precise as the fields. */
static int date_from_table(lua_State *L, int idx, attl_date *out) {
  int64_t y = tfield(L, idx, "year", NOFIELD, YEAR_MIN, YEAR_MAX);
  int64_t mo = tfield(L, idx, "month", NOFIELD, 1, 12);
  int64_t d = tfield(L, idx, "day", NOFIELD, 1, 31);
  int64_t h = tfield(L, idx, "hour", NOFIELD, 0, 23);
  int64_t mi = tfield(L, idx, "min", 0, 0, 59);
  int64_t s = tfield(L, idx, "sec", 0, 0, 59);
  char buf[ATT_DATE_MAX];
  int n;
  if (y == NOFIELD) return luaL_error(L, "field 'year' missing in date table");
  if (d != NOFIELD && mo == NOFIELD) return luaL_error(L, "field 'month' missing in date table");
  if (h != NOFIELD && d == NOFIELD)
    return luaL_error(L, "field 'day' missing in date table (a time needs a day)");
  if (y > 9999 || y < -9999) {
    if (mo != NOFIELD)
      return luaL_error(L, "field 'year' is out-of-bound in the date table (a month or "
                           "day needs a year of at most four digits)");
    n = snprintf(buf, sizeof buf, "Y%lld", (long long)y);
  } else {
    n = snprintf(buf, sizeof buf, "%s%04lld", y < 0 ? "-" : "", (long long)(y < 0 ? -y : y));
    if (mo != NOFIELD) n += snprintf(buf + n, sizeof buf - (size_t)n, "-%02lld", (long long)mo);
    if (d != NOFIELD) n += snprintf(buf + n, sizeof buf - (size_t)n, "-%02lld", (long long)d);
    if (h != NOFIELD) {
      if (y < 0) return luaL_error(L, "field 'year' is out-of-bound in the date table (a "
                                      "time needs a year from 0 to 9999)");
      snprintf(buf + n, sizeof buf - (size_t)n, "T%02lld:%02lld:%02lldZ", (long long)h,
               (long long)mi, (long long)s);
    }
  }
  return att_edtf_parse(buf, &out->b, out->edtf, sizeof out->edtf);
}

int attl_date_arg(lua_State *L, int idx, att_time ref, attl_date *out, int arg,
                  const char *fname) {
  attl_date *d;
  int isint;
  lua_Integer t;
  idx = lua_absindex(L, idx);
  switch (lua_type(L, idx)) {
  case LUA_TSTRING:
    out->edtf[0] = '\0';
    charge_text(L, idx);
    return att_date_friendly(lua_tostring(L, idx), ref, out->edtf, sizeof out->edtf, &out->b);
  case LUA_TNUMBER:
    t = lua_tointegerx(L, idx, &isint);
    if (!isint)
      return luaL_error(L, "bad argument #%d to '%s' (number has no integer representation)",
                        arg, fname);
    instant_fill(out, t);
    return 0;
  case LUA_TTABLE:
    return date_from_table(L, idx, out);
  default:
    if ((d = attl_date_test(L, idx)) != NULL) {
      *out = *d;
      return 0;
    }
    return luaL_error(L, "bad argument #%d to '%s' (date expected: a string, a number "
                         "of seconds, a date table or an at.date value; got %s)",
                      arg, fname, luaL_typename(L, idx));
  }
}

/* The unit of a duration term at s; its length in *n, or 0. */
static int dur_unit(const char *s, size_t *n) {
  static const char *const units[] = {"mo", "y", "w", "d", "h", "m", "s", NULL};
  for (int i = 0; units[i]; i++) {
    size_t k = strlen(units[i]);
    if (strncmp(s, units[i], k) == 0) {
      *n = k;
      return units[i][0] == 'm' && k == 2 ? 'M' : units[i][0];
    }
  }
  *n = 0;
  return 0;
}

/* "7d", "1d12h", "-2h", "1mo-1d": terms of a number and a unit; a term
 * without a sign takes the sign of the term before it. */
static int dur_parse(const char *s, attl_duration *d) {
  const char *p = s;
  int neg = 0, terms = 0;
  memset(d, 0, sizeof *d);
  while (*p) {
    int64_t v = 0, *slot, mul = 1;
    size_t ul;
    int u;
    while (*p == ' ') p++;
    if (!*p) break;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    if (!isdigit((unsigned char)*p)) goto bad;
    while (isdigit((unsigned char)*p)) {
      if (mul64(v, 10, &v) || add64(v, *p - '0', &v)) goto bad;
      p++;
    }
    while (*p == ' ') p++;
    switch ((u = dur_unit(p, &ul))) {
    case 'y': slot = &d->years; break;
    case 'M': slot = &d->months; break;
    case 'w': slot = &d->days, mul = 7; break;
    case 'd': slot = &d->days; break;
    case 'h': slot = &d->seconds, mul = 3600; break;
    case 'm': slot = &d->seconds, mul = 60; break;
    case 's': slot = &d->seconds; break;
    default: goto bad;
    }
    p += ul;
    if (isalpha((unsigned char)*p)) goto bad;
    if (mul64(v, mul, &v) || add64(*slot, neg ? -v : v, slot)) goto bad;
    terms++;
  }
  if (terms > 0) return 0;
bad:
  return att__err(ATT_EINVAL, "cannot read the duration \"%s\"; %s", s, dur_forms);
}

int attl_duration_arg(lua_State *L, int idx, attl_duration *out, int arg,
                      const char *fname) {
  attl_duration *d;
  int isint;
  lua_Integer n;
  switch (lua_type(L, idx)) {
  case LUA_TSTRING:
    charge_text(L, idx);
    return dur_parse(lua_tostring(L, idx), out);
  case LUA_TNUMBER:
    n = lua_tointegerx(L, idx, &isint);
    if (!isint)
      return luaL_error(L, "bad argument #%d to '%s' (number has no integer representation)",
                        arg, fname);
    memset(out, 0, sizeof *out);
    out->seconds = n;
    return 0;
  default:
    if ((d = attl_duration_test(L, idx)) != NULL) {
      *out = *d;
      return 0;
    }
    return luaL_error(L, "bad argument #%d to '%s' (duration expected: a string such as "
                         "\"7d\", a number of seconds or an at.duration value; got %s)",
                      arg, fname, luaL_typename(L, idx));
  }
}

/* A date operand of a comparison: a date, or a number as an instant. */
static att_bounds cmp_operand(lua_State *L, int idx) {
  attl_date *d = attl_date_test(L, idx);
  att_bounds b;
  int isint;
  if (d) return d->b;
  b.earliest = b.latest = lua_tointegerx(L, idx, &isint);
  if (!isint || lua_type(L, idx) != LUA_TNUMBER)
    luaL_error(L, "attempt to compare a date with %s (compare dates, or a date with a "
                  "number of seconds)",
               luaL_typename(L, idx));
  return b;
}

static int cmp_bounds(att_bounds a, att_bounds b) {
  if (a.earliest != b.earliest) return a.earliest < b.earliest ? -1 : 1;
  if (a.latest != b.latest) return a.latest < b.latest ? -1 : 1;
  return 0;
}

/* Months and seconds of a duration, for equality and ordering. */
static void dur_norm(lua_State *L, const attl_duration *d, int64_t *months, int64_t *secs) {
  if (mul64(d->years, 12, months) || add64(*months, d->months, months) ||
      mul64(d->days, DAY, secs) || add64(*secs, d->seconds, secs))
    luaL_error(L, "duration out of range");
}

static void dur_string(const attl_duration *d, char *buf, size_t cap) {
  int64_t h, m, s, parts[6];
  static const char *const names[6] = {"y", "mo", "d", "h", "m", "s"};
  size_t o = 0;
  int prevneg = 0, any = 0;
  s = d->seconds;
  h = s / 3600;
  s -= h * 3600;
  m = s / 60;
  s -= m * 60;
  parts[0] = d->years, parts[1] = d->months, parts[2] = d->days;
  parts[3] = h, parts[4] = m, parts[5] = s;
  buf[0] = '\0';
  for (int i = 0; i < 6 && o < cap; i++) {
    int neg = parts[i] < 0;
    unsigned long long v;
    if (parts[i] == 0) continue;
    v = neg ? 0ull - (unsigned long long)parts[i] : (unsigned long long)parts[i];
    o += (size_t)snprintf(buf + o, cap - o, "%s%llu%s",
                          !any ? (neg ? "-" : "") : neg != prevneg ? (neg ? "-" : "+") : "",
                          v, names[i]);
    prevneg = neg;
    any = 1;
  }
  if (!any) snprintf(buf, cap, "0s");
}

/* ---- functions ----------------------------------------------------------- */

static int l_now(lua_State *L) {
  attl_instant_push(L, attl_now(L));
  return 1;
}

/* at.date(x [, ref]): ref is the reference date of relative forms. */
static int l_date(lua_State *L) {
  attl_date d, ref;
  att_time r;
  luaL_checkany(L, 1);
  if (attl_date_test(L, 1)) {
    lua_settop(L, 1);
    return 1;
  }
  if (lua_isnoneornil(L, 2)) {
    r = attl_now(L);
  } else {
    if (attl_date_arg(L, 2, attl_now(L), &ref, 2, "date") != 0) return attl_fail(L);
    r = ref.b.earliest;
  }
  if (attl_date_arg(L, 1, r, &d, 1, "date") != 0) return attl_fail(L);
  attl_date_push(L, d.edtf, &d.b);
  return 1;
}

/* at.edtf(s): strict EDTF only, as in the JSON "when" field. */
static int l_edtf(lua_State *L) {
  const char *s = luaL_checkstring(L, 1);
  char canon[ATT_DATE_MAX];
  att_bounds b;
  charge_text(L, 1);
  if (att_edtf_parse(s, &b, canon, sizeof canon) != 0) return attl_fail(L);
  attl_date_push(L, canon, &b);
  return 1;
}

static int l_duration(lua_State *L) {
  attl_duration d;
  luaL_checkany(L, 1);
  if (attl_duration_arg(L, 1, &d, 1, "duration") != 0) return attl_fail(L);
  attl_duration_push(L, &d);
  return 1;
}

/* at.days(n) and its kind: slot and multiplier in the upvalues. */
static int l_unit(lua_State *L) {
  attl_duration d;
  lua_Integer n = luaL_checkinteger(L, 1);
  int slot = (int)lua_tointeger(L, lua_upvalueindex(1));
  int64_t mul = lua_tointeger(L, lua_upvalueindex(2)), v;
  memset(&d, 0, sizeof d);
  if (mul64(n, mul, &v)) return luaL_argerror(L, 1, "duration out of range");
  if (slot == 0) d.years = v;
  else if (slot == 1) d.months = v;
  else if (slot == 2) d.days = v;
  else d.seconds = v;
  attl_duration_push(L, &d);
  return 1;
}

/* ---- methods ------------------------------------------------------------- */

static int d_earliest(lua_State *L) {
  attl_instant_push(L, checkdate(L, 1)->b.earliest);
  return 1;
}

static int d_latest(lua_State *L) {
  attl_instant_push(L, checkdate(L, 1)->b.latest);
  return 1;
}

static int d_edtf(lua_State *L) {
  attl_date *d = checkdate(L, 1);
  if (d->edtf[0]) lua_pushstring(L, d->edtf);
  else lua_pushnil(L);
  return 1;
}

static int d_seconds(lua_State *L) {
  attl_date *d = checkdate(L, 1);
  lua_pushinteger(L, d->b.earliest);
  lua_pushinteger(L, d->b.latest);
  return 2;
}

static int d_other(lua_State *L, const char *fname, att_bounds *b) {
  attl_date o;
  if (attl_date_arg(L, 2, attl_now(L), &o, 1, fname) != 0)
    return luaL_error(L, "bad argument #1 to '%s' (%s)", fname, att_errmsg());
  *b = o.b;
  return 0;
}

static int d_overlaps(lua_State *L) {
  attl_date *d = checkdate(L, 1);
  att_bounds o;
  d_other(L, "overlaps", &o);
  lua_pushboolean(L, d->b.earliest <= o.latest && o.earliest <= d->b.latest);
  return 1;
}

static int d_contains(lua_State *L) {
  attl_date *d = checkdate(L, 1);
  att_bounds o;
  d_other(L, "contains", &o);
  lua_pushboolean(L, d->b.earliest <= o.earliest && o.latest <= d->b.latest);
  return 1;
}

static int u_totable(lua_State *L) {
  attl_duration *d = checkdur(L, 1);
  lua_createtable(L, 0, 4);
  lua_pushinteger(L, d->years);
  lua_setfield(L, -2, "years");
  lua_pushinteger(L, d->months);
  lua_setfield(L, -2, "months");
  lua_pushinteger(L, d->days);
  lua_setfield(L, -2, "days");
  lua_pushinteger(L, d->seconds);
  lua_setfield(L, -2, "seconds");
  return 1;
}

/* ---- metamethods --------------------------------------------------------- */

static void date_string(const attl_date *d, char *buf, size_t cap) {
  if (d->edtf[0]) snprintf(buf, cap, "%s", d->edtf);
  else if (d->b.earliest == ATT_TIME_MIN || d->b.earliest == ATT_TIME_MAX) snprintf(buf, cap, "..");
  else snprintf(buf, cap, "@%lld", (long long)d->b.earliest);
}

static int d_tostring(lua_State *L) {
  char buf[ATT_DATE_MAX];
  date_string(checkdate(L, 1), buf, sizeof buf);
  lua_pushstring(L, buf);
  return 1;
}

static int d_eq(lua_State *L) {
  attl_date *a = attl_date_test(L, 1), *b = attl_date_test(L, 2);
  lua_pushboolean(L, a && b && cmp_bounds(a->b, b->b) == 0);
  return 1;
}

static int d_lt(lua_State *L) {
  lua_pushboolean(L, cmp_bounds(cmp_operand(L, 1), cmp_operand(L, 2)) < 0);
  return 1;
}

static int d_le(lua_State *L) {
  lua_pushboolean(L, cmp_bounds(cmp_operand(L, 1), cmp_operand(L, 2)) <= 0);
  return 1;
}

static void date_plus(lua_State *L, const attl_date *d, const attl_duration *u) {
  att_time t;
  if (attl_time_add(d->b.earliest, u, &t) != 0) luaL_error(L, "%s", att_errmsg());
  attl_instant_push(L, t);
}

static int d_add(lua_State *L) {
  attl_date *d = attl_date_test(L, 1);
  attl_duration *u = attl_duration_test(L, d ? 2 : 1);
  if (!d) d = attl_date_test(L, 2);
  if (!d || !u) return luaL_error(L, "attempt to add %s and %s (a date adds a duration: "
                                     "d + at.days(7))",
                                  luaL_typename(L, 1), luaL_typename(L, 2));
  date_plus(L, d, u);
  return 1;
}

static int d_sub(lua_State *L) {
  attl_date *a = checkdate(L, 1), *b;
  attl_duration *u, neg;
  if ((u = attl_duration_test(L, 2)) != NULL) {
    /* Checked before negating: -INT64_MIN is undefined (issue 12). */
    if (dur_neg(u, &neg) != 0)
      return luaL_error(L, "duration out of range: %s cannot be negated (a component is "
                           "math.mininteger)", luaL_tolstring(L, 2, NULL));
    date_plus(L, a, &neg);
    return 1;
  }
  if ((b = attl_date_test(L, 2)) != NULL) {
    attl_duration r;
    int64_t diff;
    if (a->b.earliest == ATT_TIME_MIN || a->b.earliest == ATT_TIME_MAX ||
        b->b.earliest == ATT_TIME_MIN || b->b.earliest == ATT_TIME_MAX)
      return luaL_error(L, "cannot subtract dates with an open start");
    if (sub64(a->b.earliest, b->b.earliest, &diff))
      return luaL_error(L, "date difference out of range");
    memset(&r, 0, sizeof r);
    r.days = diff / DAY;
    r.seconds = diff % DAY;
    attl_duration_push(L, &r);
    return 1;
  }
  return luaL_error(L, "attempt to subtract %s from a date (subtract a duration or a date)",
                    luaL_typename(L, 2));
}

static int concat(lua_State *L) {
  luaL_tolstring(L, 1, NULL);
  luaL_tolstring(L, 2, NULL);
  lua_concat(L, 2);
  return 1;
}

static int u_tostring(lua_State *L) {
  char buf[160];
  dur_string(checkdur(L, 1), buf, sizeof buf);
  lua_pushstring(L, buf);
  return 1;
}

static int u_eq(lua_State *L) {
  attl_duration *a = attl_duration_test(L, 1), *b = attl_duration_test(L, 2);
  int64_t m1, s1, m2, s2;
  if (!a || !b) {
    lua_pushboolean(L, 0);
    return 1;
  }
  dur_norm(L, a, &m1, &s1);
  dur_norm(L, b, &m2, &s2);
  lua_pushboolean(L, m1 == m2 && s1 == s2);
  return 1;
}

/* <0, 0, >0; raises when months meet days or seconds. */
static int u_cmp(lua_State *L) {
  char a[160], b[160];
  int64_t m1, s1, m2, s2;
  dur_norm(L, checkdur(L, 1), &m1, &s1);
  dur_norm(L, checkdur(L, 2), &m2, &s2);
  if (m1 == 0 && m2 == 0) return s1 < s2 ? -1 : s1 > s2;
  if (s1 == 0 && s2 == 0) return m1 < m2 ? -1 : m1 > m2;
  dur_string(checkdur(L, 1), a, sizeof a);
  dur_string(checkdur(L, 2), b, sizeof b);
  return luaL_error(L, "cannot compare the durations %s and %s: a month or a year has no "
                       "fixed number of days",
                    a, b);
}

static int u_lt(lua_State *L) {
  lua_pushboolean(L, u_cmp(L) < 0);
  return 1;
}

static int u_le(lua_State *L) {
  lua_pushboolean(L, u_cmp(L) <= 0);
  return 1;
}

static int u_arith(lua_State *L, int sign) {
  attl_duration *a = attl_duration_test(L, 1), *b = attl_duration_test(L, 2), r, nb;
  if (a && attl_date_test(L, 2) && sign > 0) return d_add(L);
  if (!a || !b)
    return luaL_error(L, "attempt to %s %s and %s (durations %s durations)",
                      sign > 0 ? "add" : "subtract", luaL_typename(L, 1), luaL_typename(L, 2),
                      sign > 0 ? "add" : "subtract");
  if (sign > 0) nb = *b;
  else if (dur_neg(b, &nb) != 0) return luaL_error(L, "duration out of range");
  if (add64(a->years, nb.years, &r.years) || add64(a->months, nb.months, &r.months) ||
      add64(a->days, nb.days, &r.days) || add64(a->seconds, nb.seconds, &r.seconds))
    return luaL_error(L, "duration out of range");
  attl_duration_push(L, &r);
  return 1;
}

static int u_add(lua_State *L) {
  return u_arith(L, 1);
}

static int u_sub(lua_State *L) {
  return u_arith(L, -1);
}

static int u_mul(lua_State *L) {
  attl_duration *a = attl_duration_test(L, 1), r;
  int ni = a ? 2 : 1, isint;
  lua_Integer n;
  if (!a) a = checkdur(L, 2);
  n = lua_tointegerx(L, ni, &isint);
  if (!isint)
    return luaL_error(L, "attempt to multiply a duration by %s (durations multiply by a whole "
                         "number)",
                      lua_type(L, ni) == LUA_TNUMBER ? "a fraction" : luaL_typename(L, ni));
  if (mul64(a->years, n, &r.years) || mul64(a->months, n, &r.months) ||
      mul64(a->days, n, &r.days) || mul64(a->seconds, n, &r.seconds))
    return luaL_error(L, "duration out of range");
  attl_duration_push(L, &r);
  return 1;
}

static int u_unm(lua_State *L) {
  attl_duration *a = checkdur(L, 1), r;
  if (dur_neg(a, &r) != 0) return luaL_error(L, "duration out of range");
  attl_duration_push(L, &r);
  return 1;
}

/* ---- luaL_Reg arrays ----------------------------------------------------- */

static const luaL_Reg date_funcs[] = {
    {"now", l_now}, {"date", l_date}, {"edtf", l_edtf}, {"duration", l_duration}, {NULL, NULL}};

static const struct {
  const char *name;
  int slot;
  int64_t mul;
} units[] = {{"years", 0, 1},  {"months", 1, 1},  {"weeks", 2, 7},   {"days", 2, 1},
             {"hours", 3, 3600}, {"minutes", 3, 60}, {"seconds", 3, 1}, {NULL, 0, 0}};

static const luaL_Reg date_methods[] = {
    {"earliest", d_earliest}, {"latest", d_latest},   {"edtf", d_edtf},
    {"seconds", d_seconds},   {"overlaps", d_overlaps}, {"contains", d_contains},
    {NULL, NULL}};

static const luaL_Reg date_meta[] = {
    {"__tostring", d_tostring}, {"__eq", d_eq},   {"__lt", d_lt},
    {"__le", d_le},             {"__add", d_add}, {"__sub", d_sub},
    {"__concat", concat},       {NULL, NULL}};

static const luaL_Reg dur_methods[] = {{"totable", u_totable}, {NULL, NULL}};

static const luaL_Reg dur_meta[] = {
    {"__tostring", u_tostring}, {"__eq", u_eq},   {"__lt", u_lt},   {"__le", u_le},
    {"__add", u_add},           {"__sub", u_sub}, {"__mul", u_mul}, {"__unm", u_unm},
    {"__concat", concat},       {NULL, NULL}};

/* ---- luaopen ------------------------------------------------------------- */

static void newmeta(lua_State *L, const char *name, const luaL_Reg *meta,
                    const luaL_Reg *methods) {
  if (!luaL_newmetatable(L, name)) {
    lua_pop(L, 1);
    return;
  }
  luaL_setfuncs(L, meta, 0);
  attl_protect(L);
  lua_newtable(L);
  luaL_setfuncs(L, methods, 0);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}

static void metatables(lua_State *L) {
  newmeta(L, ATTL_DATE, date_meta, date_methods);
  newmeta(L, ATTL_DURATION, dur_meta, dur_methods);
}

void attl_date_open(lua_State *L) {
  metatables(L);
  luaL_setfuncs(L, date_funcs, 0);
  for (int i = 0; units[i].name; i++) {
    lua_pushinteger(L, units[i].slot);
    lua_pushinteger(L, units[i].mul);
    lua_pushcclosure(L, l_unit, 2);
    lua_setfield(L, -2, units[i].name);
  }
}
