/*
 * Work done in C on a script's behalf, charged to its call's budget: the
 * metered wrappers that the allow list (sandbox.c) puts around stock
 * library functions whose cost grows with their input or their output,
 * and our own versions of the few that cannot be bounded from outside
 * (string.rep, os.date, next).  docs/sandbox.md has the audit table: each
 * function of the allow list, its worst case, how it is bounded.
 */
#define _POSIX_C_SOURCE 200809L
#include "sandbox_int.h"

#include <lauxlib.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "host_int.h"
#include "timeq.h"

/* ---- the meter ------------------------------------------------------- */

void sb_meter_flush(sb_meter *m) {
  uint64_t n = m->pending;
  m->pending = 0;
  att_lua_charge(m->L, n);
}

void att__sb_charge_bytes(lua_State *L, size_t n) {
  att_lua_charge(L, 1u + (uint64_t)(n / SB_BYTES_PER_UNIT));
}

static size_t str_len(lua_State *L, int i) {
  return lua_type(L, i) == LUA_TSTRING ? lua_rawlen(L, i) : 0;
}

/* ---- metered wrappers ------------------------------------------------ */

/*
 * A stock function (upvalue 1) called with its arguments, its cost given
 * by upvalue 2, a set of SB_COST_* bits: before the call, one unit per
 * argument and the bytes of the string arguments it scans; after it, one
 * unit per result and the bytes of the string results it built.
 */
/* The fixed-size strings ("c2000000000") of a pack format, in bytes: a
 * result that long is refused before a buffer is asked for (the refusal of
 * a huge buffer costs a full emergency collection, out of any budget). */
static size_t pack_fixed(const char *f, size_t len) {
  size_t total = 0, i = 0;
  while (i < len) {
    if (f[i++] != 'c') continue;
    {
      size_t n = 0;
      while (i < len && f[i] >= '0' && f[i] <= '9') {
        n = n > (SIZE_MAX - 9) / 10 ? SIZE_MAX : n * 10 + (size_t)(f[i] - '0');
        i++;
      }
      total = n > SIZE_MAX - total ? SIZE_MAX : total + n;
    }
  }
  return total;
}

int att__sb_cost(lua_State *L) {
  lua_Integer how = lua_tointeger(L, lua_upvalueindex(2));
  int n = lua_gettop(L), i;
  size_t bytes = 0;
  if ((how & SB_COST_PACK) && lua_type(L, 1) == LUA_TSTRING) {
    size_t flen, max = att_lua_engine(L)->limits.string_max, fixed;
    const char *f = lua_tolstring(L, 1, &flen);
    if (max && (fixed = pack_fixed(f, flen)) > max)
      return luaL_error(L, "string.pack: the format asks for %I bytes of fixed-size strings, more than "
                           "the longest string a script may build (max-string, %I bytes)",
                        (lua_Integer)(fixed > (size_t)LUA_MAXINTEGER ? (size_t)LUA_MAXINTEGER : fixed),
                        (lua_Integer)max);
  }
  for (i = 1; i <= n; i++)
    if ((how & SB_COST_ALL) || (i <= 8 && (how & SB_COST_ARG(i)))) bytes += str_len(L, i);
  att_lua_charge(L, (uint64_t)n + 1u + bytes / SB_BYTES_PER_UNIT);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  n = lua_gettop(L);
  if (how & SB_COST_OUT) {
    bytes = 0;
    for (i = 1; i <= n; i++) bytes += str_len(L, i);
    att_lua_charge(L, (uint64_t)n + bytes / SB_BYTES_PER_UNIT);
  }
  if ((how & SB_COST_ITER) && n >= 1 && lua_type(L, 1) == LUA_TFUNCTION) {
    /* an iterator (file:lines): its results are metered as well */
    lua_pushvalue(L, 1);
    lua_pushinteger(L, SB_COST_OUT);
    lua_pushcclosure(L, att__sb_cost, 2);
    lua_replace(L, 1);
  }
  return n;
}

void att__sb_wrap_cost(lua_State *L, int idx, lua_Integer how) {
  idx = lua_absindex(L, idx);
  lua_pushvalue(L, idx);
  lua_pushinteger(L, how);
  lua_pushcclosure(L, att__sb_cost, 2);
  lua_replace(L, idx);
}

/* ---- string.rep ------------------------------------------------------ */

/* Lua 5.4's string.rep, with the result capped at limits.string_max
 * (max-string) and each copy charged: stock Lua loops n times even when
 * there is nothing to copy (string.rep("", math.maxinteger) never ends). */
#define SB_REP_PIECE ((size_t)1 << 20)
int att__sb_str_rep(lua_State *L) {
  size_t l, lsep, max = att_lua_engine(L)->limits.string_max, total;
  const char *s = luaL_checklstring(L, 1, &l);
  lua_Integer n = luaL_checkinteger(L, 2);
  const char *sep = luaL_optlstring(L, 3, "", &lsep);
  luaL_Buffer b;
  char *p;
  size_t done, unit, piece;
  if (n <= 0 || l + lsep == 0) { /* nothing, or n copies of nothing */
    lua_pushliteral(L, "");
    return 1;
  }
  if (l + lsep < l || l + lsep > (size_t)LUA_MAXINTEGER / (lua_Unsigned)n ||
      (max != 0 && (l + lsep) * (size_t)n - lsep > max)) {
    double want = ((double)l + (double)lsep) * (double)n - (double)lsep;
    if (max == 0 && l + lsep > (size_t)LUA_MAXINTEGER / (lua_Unsigned)n)
      return luaL_error(L, "resulting string too large");
    return luaL_error(L, "string.rep: the result would be %I bytes, longer than the "
                         "limit of %I (max-string)",
                      want >= 9.2e18 ? LUA_MAXINTEGER : (lua_Integer)want, (lua_Integer)max);
  }
  total = (size_t)n * l + (size_t)(n - 1) * lsep;
  p = luaL_buffinitsize(L, &b, total);
  /* One copy of s and sep, then the copies made so far copied after
   * them, in pieces of at most about SB_REP_PIECE bytes (whole copies),
   * each charged. */
  memcpy(p, s, l);
  done = l;
  if (lsep && done < total) {
    memcpy(p + done, sep, lsep);
    done += lsep;
  }
  unit = l + lsep;
  piece = SB_REP_PIECE / unit * unit;
  if (piece == 0) piece = unit;
  while (done < total) {
    size_t c = done < total - done ? done : total - done;
    if (c > piece) c = piece;
    att__sb_charge_bytes(L, c);
    memcpy(p + done, p, c);
    done += c;
  }
  luaL_pushresultsize(&b, total);
  return 1;
}

/* ---- utf8 ------------------------------------------------------------ */

/* A position as utf8's functions read it: negative counts from the end. */
static lua_Integer u_pos(lua_Integer pos, size_t len) {
  if (pos >= 0) return pos;
  if (pos < -(lua_Integer)len) return 0; /* (never negates mininteger) */
  return (lua_Integer)len + pos + 1;
}

/* utf8.len (upvalue 1): the bytes from i to j are scanned. */
int att__sb_utf8_len(lua_State *L) {
  size_t len = str_len(L, 1);
  lua_Integer i = u_pos(luaL_optinteger(L, 2, 1), len);
  lua_Integer j = u_pos(luaL_optinteger(L, 3, -1), len);
  if (j >= i) att__sb_charge_bytes(L, (size_t)(j - i) + 1u);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

/* utf8.offset (upvalue 1): the bytes between i and the result are
 * scanned; with no result, up to an end of the string. */
int att__sb_utf8_offset(lua_State *L) {
  size_t len = str_len(L, 1);
  lua_Integer n = luaL_checkinteger(L, 2);
  lua_Integer i = u_pos(luaL_optinteger(L, 3, n >= 0 ? 1 : (lua_Integer)len + 1), len);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  if (lua_isinteger(L, 1)) {
    lua_Integer r = lua_tointeger(L, 1);
    att__sb_charge_bytes(L, (size_t)(r > i ? r - i : i - r));
  } else {
    att__sb_charge_bytes(L, len);
  }
  return lua_gettop(L);
}

/* The iterator of utf8.codes (upvalue 1): it skips continuation bytes
 * from the position it is given, as far as they go. */
static int codes_next(lua_State *L) {
  size_t len = str_len(L, 1);
  lua_Integer n = lua_tointeger(L, 2), r;
  int nres;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  nres = lua_gettop(L);
  if (n >= 0 && (size_t)n < len) {
    r = nres >= 1 && lua_isinteger(L, 1) ? lua_tointeger(L, 1) : (lua_Integer)len;
    att__sb_charge_bytes(L, (size_t)(r > n ? r - n : 0));
  } else {
    att_lua_charge(L, 1);
  }
  return nres;
}

/* utf8.codes (upvalue 1), with its iterator metered. */
int att__sb_utf8_codes(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 3);
  lua_pushvalue(L, 1);
  lua_pushcclosure(L, codes_next, 1);
  lua_replace(L, 1);
  return 3;
}

/* ---- os.date --------------------------------------------------------- */

/* os.date (upvalue 1) for a long format: run in pieces of about
 * SB_DATE_PIECE bytes, never splitting a conversion, each piece charged
 * (a format of 32 MiB of "%c" would otherwise run for seconds in C).  All
 * pieces use one time, read once. */
#define SB_DATE_PIECE 1024
/* What strftime costs: a conversion (a locale's "%c" takes ~250 ns, ten
 * VM instructions' worth) more than the bytes it is given. */
#define SB_DATE_CONV 10u
static uint64_t date_cost(const char *f, size_t n) {
  const char *p = f, *end = f + n;
  uint64_t conv = 0;
  while ((p = memchr(p, '%', (size_t)(end - p))) != NULL) {
    conv++;
    if (++p < end) p++; /* the conversion's letter ("%%" is one) */
  }
  return 1u + n / SB_BYTES_PER_UNIT + conv * SB_DATE_CONV;
}

/* os.time(): the clock as attache reads it (att_time_now; Lua's reads
 * time(NULL), up to a tick behind); os.time(t) is Lua's. */
int att__sb_os_time(lua_State *L) {
  if (lua_isnoneornil(L, 1)) {
    lua_pushinteger(L, (lua_Integer)att_time_now());
    return 1;
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

int att__sb_os_date(lua_State *L) {
  size_t len, start, pre = 0, max = att_lua_engine(L)->limits.string_max;
  const char *f = luaL_optlstring(L, 1, "%c", &len);
  luaL_Buffer b;
  if (f[0] == '!') pre = 1;
  if (lua_isnoneornil(L, 2)) { /* now, as attache reads it (att_time_now) */
    lua_settop(L, 1);
    lua_pushinteger(L, (lua_Integer)att_time_now());
  }
  if (len - pre <= SB_DATE_PIECE) {
    att_lua_charge(L, date_cost(f, len));
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
  }
  lua_settop(L, 2);
  luaL_buffinit(L, &b);
  for (start = pre; start < len;) {
    size_t end = start + SB_DATE_PIECE, i;
    if (end >= len) end = len;
    else { /* end after a whole conversion: find where one starts */
      for (i = start; i < end;) {
        if (f[i] != '%') i++;
        else if (i + 1 < len && (f[i + 1] == 'E' || f[i + 1] == 'O')) i += 3;
        else i += 2;
      }
      end = i < len ? i : len;
    }
    att_lua_charge(L, date_cost(f + start, end - start));
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushlstring(L, f, pre);
    lua_pushlstring(L, f + start, end - start);
    lua_concat(L, 2);
    lua_pushvalue(L, 2);
    lua_call(L, 2, 1);
    luaL_addvalue(&b);
    if (max && luaL_bufflen(&b) > max) /* as string.rep and format */
      return luaL_error(L, "os.date: the result would be longer than the longest string a script may "
                           "build (max-string, %I bytes)",
                        (lua_Integer)max);
    start = end;
  }
  luaL_pushresult(&b);
  return 1;
}

/* ---- next and pairs -------------------------------------------------- */

/*
 * next(t, k) scans from k to the next slot in use: one call on a table
 * whose million slots were emptied scans them all, and nothing outside
 * the table can tell how far it went.  So next is charged by the time it
 * took, read on the coarse clock (a few ns to read, a few ms per tick):
 * a call is charged a tick's worth when a tick passed during it, which
 * on average is the time it took.  SB_NS_PER_UNIT ns count as one unit.
 */
#define SB_NS_PER_UNIT 10
static int64_t coarse_ns(void) {
  struct timespec ts;
#ifdef CLOCK_MONOTONIC_COARSE
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
#else
  clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int att__sb_next(lua_State *L) {
  int64_t t0, t1;
  int more;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  t0 = coarse_ns();
  more = lua_next(L, 1);
  t1 = coarse_ns();
  if (t1 > t0) att_lua_charge(L, (uint64_t)(t1 - t0) / SB_NS_PER_UNIT);
  if (more) return 2;
  lua_pushnil(L);
  return 1;
}

static int pairs_done(lua_State *L, int status, lua_KContext k) {
  (void)L;
  (void)status;
  (void)k;
  return 3;
}

/* pairs, as stock, but iterating with the metered next. */
int att__sb_pairs(lua_State *L) {
  luaL_checkany(L, 1);
  if (luaL_getmetafield(L, 1, "__pairs") == LUA_TNIL) {
    lua_pushcfunction(L, att__sb_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
  }
  lua_pushvalue(L, 1);
  lua_callk(L, 1, 3, 0, pairs_done);
  return 3;
}

/* ---- load ------------------------------------------------------------ */

/* The reader that feeds a string chunk to the compiler in pieces, each
 * charged: compiling is the work that grows with the chunk. */
#define SB_LOAD_PIECE 4096
static int load_piece(lua_State *L) {
  size_t len;
  const char *s = lua_tolstring(L, lua_upvalueindex(1), &len);
  lua_Integer at = lua_tointeger(L, lua_upvalueindex(2));
  size_t n = (size_t)at < len ? len - (size_t)at : 0;
  if (n > SB_LOAD_PIECE) n = SB_LOAD_PIECE;
  if (n == 0) return 0;
  att_lua_charge(L, n); /* compiling costs about one unit per byte */
  lua_pushlstring(L, s + at, n);
  lua_pushinteger(L, at + (lua_Integer)n);
  lua_replace(L, lua_upvalueindex(2));
  return 1;
}

/* The longest name a long string chunk is given when load is given none:
 * stock Lua names it with the whole chunk, which it copies (strlen, the
 * string cache's strcmp, a new string) on every load, uncharged.  Messages
 * show at most LUA_IDSIZE bytes of the name's first line, so a prefix this
 * long reads the same in each of them. */
#define SB_LOAD_NAME (2 * LUA_IDSIZE)

/* Replace the string chunk at index 1 (a long one) with a metered reader,
 * naming it as load would have (a prefix: SB_LOAD_NAME).  A name given is
 * copied by the compiler: it is charged by its length. */
void att__sb_load_reader(lua_State *L) {
  if (lua_type(L, 2) == LUA_TSTRING) att_lua_charge(L, 1u + lua_rawlen(L, 2) / SB_BYTES_PER_UNIT);
  if (lua_type(L, 1) != LUA_TSTRING || lua_rawlen(L, 1) <= SB_LOAD_PIECE) {
    if (lua_type(L, 1) == LUA_TSTRING) att_lua_charge(L, lua_rawlen(L, 1));
    return;
  }
  if (lua_isnoneornil(L, 2)) {
    lua_pushlstring(L, lua_tostring(L, 1), SB_LOAD_NAME);
    lua_replace(L, 2);
  }
  lua_pushvalue(L, 1);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, load_piece, 2);
  lua_replace(L, 1);
}
