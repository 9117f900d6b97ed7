/*
 * The sandbox's table library functions that loop in C: insert, remove,
 * move and concat rewritten with the semantics of Lua 5.4's (same checks,
 * same order of reads and writes, same messages), with each element
 * charged to the call's budget; sort, unpack and pack wrap the stock
 * functions and charge each comparison or element.
 *
 * Stock Lua trusts the length a table reports: table.remove on a table
 * whose __len returns math.maxinteger loops for ever inside C, where no
 * hook runs.  Here the loop charges as it goes, so the budget or the
 * deadline ends it.
 */
#include "sandbox_int.h"

#include <lauxlib.h>
#include <limits.h>

#include "host_int.h"

/* ---- check helpers --------------------------------------------------- */

#define TAB_R 1 /* read */
#define TAB_W 2 /* write */
#define TAB_L 4 /* length */
#define TAB_RW (TAB_R | TAB_W)

/* Has the metatable on top of the stack the field `key` (raw)? */
static int has_field(lua_State *L, const char *key) {
  int r;
  lua_pushstring(L, key);
  r = lua_rawget(L, -2) != LUA_TNIL;
  lua_pop(L, 1);
  return r;
}

/* As stock: a table, or a value whose metatable has the metamethods the
 * operation needs. */
static void check_tab(lua_State *L, int arg, int what) {
  if (lua_type(L, arg) == LUA_TTABLE) return;
  if (lua_getmetatable(L, arg)) {
    int ok = (!(what & TAB_R) || has_field(L, "__index")) &&
             (!(what & TAB_W) || has_field(L, "__newindex")) &&
             (!(what & TAB_L) || has_field(L, "__len"));
    lua_pop(L, 1);
    if (ok) return;
  }
  luaL_checktype(L, arg, LUA_TTABLE); /* raises the usual message */
}

static lua_Integer tab_len(lua_State *L, int arg, int what) {
  check_tab(L, arg, what | TAB_L);
  return luaL_len(L, arg);
}

/* ---- functions ------------------------------------------------------- */

int att__sb_tinsert(lua_State *L) {
  lua_Integer e = tab_len(L, 1, TAB_RW), pos, i;
  sb_meter m;
  e = (lua_Integer)((lua_Unsigned)e + 1u); /* the first empty slot */
  switch (lua_gettop(L)) {
  case 2:
    pos = e;
    break;
  case 3:
    pos = luaL_checkinteger(L, 2);
    luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2, "position out of bounds");
    sb_meter_init(&m, L);
    for (i = e; i > pos; i--) { /* t[i] = t[i - 1] */
      sb_tick(&m, 2);
      lua_geti(L, 1, i - 1);
      lua_seti(L, 1, i);
    }
    sb_meter_done(&m);
    break;
  default:
    return luaL_error(L, "wrong number of arguments to 'insert'");
  }
  lua_seti(L, 1, pos);
  return 0;
}

int att__sb_tremove(lua_State *L) {
  lua_Integer size = tab_len(L, 1, TAB_RW);
  lua_Integer pos = luaL_optinteger(L, 2, size);
  sb_meter m;
  if (pos != size) /* a given position must be in [1, size + 1] */
    luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 2,
                  "position out of bounds");
  lua_geti(L, 1, pos); /* the result */
  sb_meter_init(&m, L);
  for (; pos < size; pos++) { /* t[pos] = t[pos + 1] */
    sb_tick(&m, 2);
    lua_geti(L, 1, pos + 1);
    lua_seti(L, 1, pos);
  }
  sb_meter_done(&m);
  lua_pushnil(L);
  lua_seti(L, 1, pos);
  return 1;
}

int att__sb_tmove(lua_State *L) {
  lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);
  lua_Integer t = luaL_checkinteger(L, 4), n, i;
  int tt = !lua_isnoneornil(L, 5) ? 5 : 1;
  sb_meter m;
  check_tab(L, 1, TAB_R);
  check_tab(L, tt, TAB_W);
  if (e >= f) {
    luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
    n = e - f + 1;
    luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
    sb_meter_init(&m, L);
    if (t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ))) {
      for (i = 0; i < n; i++) {
        sb_tick(&m, 2);
        lua_geti(L, 1, f + i);
        lua_seti(L, tt, t + i);
      }
    } else { /* overlapping, destination after the source: backwards */
      for (i = n - 1; i >= 0; i--) {
        sb_tick(&m, 2);
        lua_geti(L, 1, f + i);
        lua_seti(L, tt, t + i);
      }
    }
    sb_meter_done(&m);
  }
  lua_pushvalue(L, tt);
  return 1;
}

static void add_field(lua_State *L, luaL_Buffer *b, lua_Integer i, sb_meter *m) {
  size_t len;
  lua_geti(L, 1, i);
  if (!lua_isstring(L, -1))
    luaL_error(L, "invalid value (at index %I) in table for 'concat'", (LUAI_UACINT)i);
  lua_tolstring(L, -1, &len);
  sb_tick(m, 1 + len / SB_BYTES_PER_UNIT);
  luaL_addvalue(b);
}

int att__sb_tconcat(lua_State *L) {
  luaL_Buffer b;
  lua_Integer last = tab_len(L, 1, TAB_R), i;
  size_t lsep;
  const char *sep = luaL_optlstring(L, 2, "", &lsep);
  sb_meter m;
  i = luaL_optinteger(L, 3, 1);
  last = luaL_optinteger(L, 4, last);
  sb_meter_init(&m, L);
  luaL_buffinit(L, &b);
  for (; i < last; i++) {
    add_field(L, &b, i, &m);
    sb_tick(&m, lsep / SB_BYTES_PER_UNIT);
    luaL_addlstring(&b, sep, lsep);
  }
  if (i == last) add_field(L, &b, i, &m); /* the last, unless the range was empty */
  sb_meter_done(&m);
  luaL_pushresult(&b);
  return 1;
}

/* table.unpack and table.pack: the stock functions (upvalue 1); the
 * number of values is bounded by the stack (about a million), each is
 * charged. */
int att__sb_tunpack(lua_State *L) {
  int n;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  n = lua_gettop(L);
  att_lua_charge(L, (uint64_t)n);
  return n;
}

int att__sb_tpack(lua_State *L) {
  att_lua_charge(L, (uint64_t)lua_gettop(L));
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

/* The comparison table.sort makes, charged: the script's function
 * (upvalue 1) or `<`. */
static int sort_less(lua_State *L) {
  att_lua_charge(L, 4); /* the comparison and the reads around it */
  if (lua_isnil(L, lua_upvalueindex(1))) {
    lua_pushboolean(L, lua_compare(L, 1, 2, LUA_OPLT));
  } else {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 2, 1);
  }
  return 1;
}

/* table.sort: the stock quicksort (upvalue 1), given a comparison that
 * charges, so that a huge __len or a comparison in C cannot run for ever. */
int att__sb_tsort(lua_State *L) {
  if (lua_isnoneornil(L, 2) || lua_type(L, 2) == LUA_TFUNCTION) {
    lua_settop(L, 2); /* (anything else: the stock sort says what is wrong) */
    lua_pushcclosure(L, sort_less, 1);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 0);
  return 0;
}
