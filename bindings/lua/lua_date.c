/*
 * Dates and durations for scripts, part of the attache.core module.
 *
 * A date value (metatable "attache.date") is an EDTF value with its two
 * bounds, the earliest and latest instants it covers.  An instant is a date
 * whose bounds are equal: at.now(), d:earliest(), date + duration.  Dates
 * order by their bounds (earliest first, then latest), the order in which
 * the store sorts events.
 *
 * A duration ("attache.duration") holds a core att_duration, kept by
 * component, years, months, days and seconds, so that calendar arithmetic
 * is exact and repeatable: months are added on the calendar with the day
 * clamped to the month's length (Jan 31 + 1 month is Feb 29 in 2024), days
 * and seconds on the clock (a UTC day is always 86400 seconds).  Its
 * grammar, text and arithmetic are core/duration.c's; this file only
 * turns Lua values into them and back.  docs/lua-api.md is the manual.
 */
#include "lua_util.h"
#include "host.h"
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY INT64_C(86400)

/* ---- check helpers ------------------------------------------------------ */

/* t split into whole days and the seconds of its day (0 to 86399), with
 * no product that could overflow near the ends of the range. */
static void day_split(att_time t, int64_t *days, int64_t *secs) {
  int64_t q = t / DAY, r = t % DAY;
  if (r < 0) q--, r += DAY;
  *days = q;
  *secs = r;
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

att_duration *attl_duration_test(lua_State *L, int idx) {
  return luaL_testudata(L, idx, ATTL_DURATION);
}

static attl_date *checkdate(lua_State *L, int idx) {
  return luaL_checkudata(L, idx, ATTL_DATE);
}

static att_duration *checkdur(lua_State *L, int idx) {
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

void attl_duration_push(lua_State *L, const att_duration *d) {
  att_duration *p = lua_newuserdatauv(L, sizeof *p, 0);
  *p = *d;
  setmeta(L, ATTL_DURATION);
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
  int64_t y = tfield(L, idx, "year", NOFIELD, ATT_YEAR_MIN, ATT_YEAR_MAX);
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

/* The store's settings (attache config: fiscal year, hemisphere, day
 * order, zone), read once per Lua state and kept in its registry; NULL
 * with no store.  A settings file that cannot be read is the error. */
static const char settings_key = 0;

static int settings_gc(lua_State *L) {
  att_settings **box = lua_touserdata(L, 1);
  if (box && *box) {
    att_settings_free(*box);
    *box = NULL;
  }
  return 0;
}

static int store_settings(lua_State *L, const att_settings **out) {
  att_engine *e = att_lua_engine(L);
  att_settings **box;
  int rc;
  *out = NULL;
  if (!e || !e->store) return 0;
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &settings_key) == LUA_TUSERDATA) {
    box = lua_touserdata(L, -1);
    *out = *box;
    lua_pop(L, 1);
    return 0;
  }
  lua_pop(L, 1);
  box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = NULL;
  lua_newtable(L);
  lua_pushcfunction(L, settings_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  if ((rc = att_settings_load(att_store_dir(e->store), box)) != 0) {
    lua_pop(L, 1);
    return rc;
  }
  lua_rawsetp(L, LUA_REGISTRYINDEX, &settings_key);
  *out = *box;
  return 0;
}

/* A date typed as text, read with the store's settings. */
static int read_text(lua_State *L, const char *s, att_time ref, attl_date *out) {
  const att_settings *set;
  att_date_ctx c;
  int rc = store_settings(L, &set);
  if (rc != 0) return rc;
  att_date_ctx_init(&c, ref);
  att_settings_date_ctx(set, &c);
  return att_date_read(s, &c, out->edtf, sizeof out->edtf, &out->b);
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
    return read_text(L, lua_tostring(L, idx), ref, out);
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

int attl_duration_arg(lua_State *L, int idx, att_duration *out, int arg,
                      const char *fname) {
  att_duration *d;
  int isint;
  lua_Integer n;
  switch (lua_type(L, idx)) {
  case LUA_TSTRING:
    charge_text(L, idx);
    return att_duration_parse(lua_tostring(L, idx), out);
  case LUA_TNUMBER:
    n = lua_tointegerx(L, idx, &isint);
    if (!isint)
      return luaL_error(L, "bad argument #%d to '%s' (number has no integer representation)",
                        arg, fname);
    *out = att_duration_seconds(n);
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
  att_duration d;
  luaL_checkany(L, 1);
  if (attl_duration_arg(L, 1, &d, 1, "duration") != 0) return attl_fail(L);
  attl_duration_push(L, &d);
  return 1;
}

/* at.days(n) and its kind: the duration of one unit in upvalue 1. */
static int l_unit(lua_State *L) {
  att_duration d;
  lua_Integer n = luaL_checkinteger(L, 1);
  const att_duration *unit = lua_touserdata(L, lua_upvalueindex(1));
  if (att_duration_scale(unit, n, &d) != 0) return luaL_argerror(L, 1, "duration out of range");
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

/* d:human(): "Q3 2024", "early 2024", "around 20 May 2024"; an instant
 * (a date made from seconds) reads as its UTC time. */
static int d_human(lua_State *L) {
  attl_date *d = checkdate(L, 1);
  char edtf[ATT_DATE_MAX], buf[ATT_DATE_HUMAN_MAX];
  if (d->edtf[0]) snprintf(edtf, sizeof edtf, "%s", d->edtf);
  else if (att_time_format(d->b.earliest, edtf, sizeof edtf) != 0) edtf[0] = '\0';
  if (!edtf[0] || att_date_human(edtf, buf, sizeof buf) != 0) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushstring(L, buf);
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
  att_duration *d = checkdur(L, 1);
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

static void date_plus(lua_State *L, const attl_date *d, const att_duration *u) {
  att_time t;
  if (att_duration_add(d->b.earliest, u, &t) != 0) luaL_error(L, "%s", att_errmsg());
  attl_instant_push(L, t);
}

static int d_add(lua_State *L) {
  attl_date *d = attl_date_test(L, 1);
  att_duration *u = attl_duration_test(L, d ? 2 : 1);
  if (!d) d = attl_date_test(L, 2);
  if (!d || !u) return luaL_error(L, "attempt to add %s and %s (a date adds a duration: "
                                     "d + at.days(7))",
                                  luaL_typename(L, 1), luaL_typename(L, 2));
  date_plus(L, d, u);
  return 1;
}

static int d_sub(lua_State *L) {
  attl_date *a = checkdate(L, 1), *b;
  att_duration *u, r;
  if ((u = attl_duration_test(L, 2)) != NULL) {
    /* Checked before negating: -INT64_MIN is undefined (issue 12). */
    if (att_duration_neg(u, &r) != 0)
      return luaL_error(L, "duration out of range: %s cannot be negated (a component is "
                           "math.mininteger)", luaL_tolstring(L, 2, NULL));
    date_plus(L, a, &r);
    return 1;
  }
  if ((b = attl_date_test(L, 2)) != NULL) {
    if (att_duration_between(a->b.earliest, b->b.earliest, &r) != 0)
      return luaL_error(L, "%s", att_errmsg());
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
  char buf[ATT_DURATION_TEXT_MAX];
  att_duration_format(checkdur(L, 1), buf, sizeof buf);
  lua_pushstring(L, buf);
  return 1;
}

static int u_eq(lua_State *L) {
  att_duration *a = attl_duration_test(L, 1), *b = attl_duration_test(L, 2);
  int eq = 0;
  if (a && b && att_duration_eq(a, b, &eq) != 0) return luaL_error(L, "%s", att_errmsg());
  lua_pushboolean(L, eq);
  return 1;
}

/* <0, 0, >0; raises when months meet days or seconds. */
static int u_cmp(lua_State *L) {
  const att_duration *a = checkdur(L, 1), *b = checkdur(L, 2);
  int c;
  if (att_duration_cmp(a, b, &c) != 0)
    return luaL_error(L, "%s", att_errmsg());
  return c;
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
  att_duration *a = attl_duration_test(L, 1), *b = attl_duration_test(L, 2), r;
  if (a && attl_date_test(L, 2) && sign > 0) return d_add(L);
  if (!a || !b)
    return luaL_error(L, "attempt to %s %s and %s (durations %s durations)",
                      sign > 0 ? "add" : "subtract", luaL_typename(L, 1), luaL_typename(L, 2),
                      sign > 0 ? "add" : "subtract");
  if ((sign > 0 ? att_duration_sum(a, b, &r) : att_duration_diff(a, b, &r)) != 0)
    return luaL_error(L, "%s", att_errmsg());
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
  att_duration *a = attl_duration_test(L, 1), r;
  int ni = a ? 2 : 1, isint;
  lua_Integer n;
  if (!a) a = checkdur(L, 2);
  n = lua_tointegerx(L, ni, &isint);
  if (!isint)
    return luaL_error(L, "attempt to multiply a duration by %s (durations multiply by a whole "
                         "number)",
                      lua_type(L, ni) == LUA_TNUMBER ? "a fraction" : luaL_typename(L, ni));
  if (att_duration_scale(a, n, &r) != 0) return luaL_error(L, "%s", att_errmsg());
  attl_duration_push(L, &r);
  return 1;
}

static int u_unm(lua_State *L) {
  att_duration r;
  if (att_duration_neg(checkdur(L, 1), &r) != 0) return luaL_error(L, "%s", att_errmsg());
  attl_duration_push(L, &r);
  return 1;
}

/* core.day(d) -> "2024-03-15": the UTC day d starts on, whatever its year
 * ("-0044-03-15"), ".." for an open end (att_time_day); for the reports'
 * start and end columns. */
static int l_day(lua_State *L) {
  char buf[32];
  if (att_time_day(checkdate(L, 1)->b.earliest, buf, sizeof buf) != 0) return luaL_error(L, "%s", att_errmsg());
  lua_pushstring(L, buf);
  return 1;
}

/* ---- luaL_Reg arrays ----------------------------------------------------- */

static const luaL_Reg date_funcs[] = {{"now", l_now},           {"date", l_date}, {"edtf", l_edtf},
                                      {"duration", l_duration}, {"day", l_day},   {NULL, NULL}};

/* at.years(n) ... at.seconds(n): one unit each, scaled by n. */
static const struct {
  const char *name;
  att_duration unit;
} units[] = {{"years", {1, 0, 0, 0}},    {"months", {0, 1, 0, 0}},  {"weeks", {0, 0, 7, 0}},
             {"days", {0, 0, 1, 0}},     {"hours", {0, 0, 0, 3600}}, {"minutes", {0, 0, 0, 60}},
             {"seconds", {0, 0, 0, 1}}, {NULL, {0, 0, 0, 0}}};

static const luaL_Reg date_methods[] = {
    {"earliest", d_earliest}, {"latest", d_latest},   {"edtf", d_edtf},   {"human", d_human},
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
    lua_pushlightuserdata(L, (void *)&units[i].unit);
    lua_pushcclosure(L, l_unit, 1);
    lua_setfield(L, -2, units[i].name);
  }
}
