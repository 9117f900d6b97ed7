/*
 * attache.core: the raw C layer of the `attache` module, over the engine's
 * store.  scripts/attache.lua builds the public API on it (at.each,
 * at.query and at.count are written in Lua there; at.batch is here, so
 * that a batch cannot outlive the call that opened it).  Queries (the
 * cursor, the group counts) are in lua_query.c.
 *
 * Misuse raises a Lua-style error ("bad argument #1 to 'add' (table
 * expected, got nil)"); an expected failure (an invalid event, an unknown
 * id or key, a conflict, a date that cannot be read) returns nil and the
 * core's message, unchanged.  docs/lua-api.md is the manual.
 */
#include "lua_util.h"
#include "lua_int.h"
#include "alerts.h" /* a batch holds its alerts */
#include "author.h" /* att_reason_check */
#include "json.h" /* the one message for a NUL, for a big integer */
#include "timeq.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

/* Nesting of tables turned into JSON (the core accepts 500). */
#define JSON_DEPTH 400


/* ---- check helpers ------------------------------------------------------ */

void attl_protect(lua_State *L) {
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
}

static int freebox_gc(lua_State *L) {
  void **box = lua_touserdata(L, 1);
  free(*box);
  *box = NULL;
  return 0;
}

void *attl_freebox(lua_State *L) {
  void **box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = NULL;
  if (luaL_newmetatable(L, "attache.freebox")) {
    lua_pushcfunction(L, freebox_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return box;
}

int attl_fail(lua_State *L) {
  lua_pushnil(L);
  lua_pushstring(L, att_errmsg());
  return 2;
}

int attl_failf(lua_State *L, const char *fmt, ...) {
  va_list ap;
  lua_pushnil(L);
  va_start(ap, fmt);
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  return 2;
}

att_store *attl_store(lua_State *L) {
  att_engine *e = att_lua_engine(L);
  if (!e || !e->store)
    luaL_error(L, "%s", e && e->nostore ? e->nostore : "no store is open for this script");
  return e->store;
}

att_time attl_now(lua_State *L) {
  att_engine *e = att_lua_engine(L);
  return e ? att_engine_now(e) : att_time_now();
}

static int null_tostring(lua_State *L) {
  lua_pushliteral(L, "null");
  return 1;
}

void attl_null_push(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, "attache.null.value") != LUA_TNIL) return;
  lua_pop(L, 1);
  lua_newuserdatauv(L, 1, 0);
  if (luaL_newmetatable(L, ATTL_NULL)) {
    lua_pushcfunction(L, null_tostring);
    lua_setfield(L, -2, "__tostring");
    attl_protect(L);
  }
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, "attache.null.value");
}

int attl_isnull(lua_State *L, int idx) {
  return luaL_testudata(L, idx, ATTL_NULL) != NULL;
}

void *attl_checkud(lua_State *L, int idx, int up, const char *tname) {
  void *p = lua_touserdata(L, idx);
  if (p && lua_getmetatable(L, idx)) {
    int same = lua_rawequal(L, -1, lua_upvalueindex(up));
    lua_pop(L, 1);
    if (same) return p;
  }
  return luaL_checkudata(L, idx, tname);
}

/* The id of argument idx: an event object, an id, or a key (or an id in a
 * string, "42").  1 with *id; 0 when a key or id names no event (nil and
 * the message are pushed). */
static int id_arg(lua_State *L, att_store *st, int idx, int64_t *id) {
  attl_event *e = attl_event_test(L, idx);
  att_event ev;
  int isint;
  if (e) {
    *id = attl_event_id(e);
    return 1;
  }
  if (lua_type(L, idx) == LUA_TNUMBER) {
    *id = lua_tointegerx(L, idx, &isint);
    if (!isint || *id <= 0) luaL_argerror(L, idx, "an id is a whole number from 1");
    return 1;
  }
  if (lua_type(L, idx) != LUA_TSTRING) {
    luaL_argerror(L, idx, lua_pushfstring(L, "id, key or event expected, got %s",
                                          luaL_typename(L, idx)));
  }
  if (att_store_lookup(st, lua_tostring(L, idx), &ev) != 0) {
    attl_fail(L);
    return 0;
  }
  *id = ev.id;
  att_event_free(&ev);
  return 1;
}

/* Argument 1 of update and remove: raise on misuse here, in the function
 * the script called (its body runs later, protected, under another name). */
static void check_target(lua_State *L) {
  int isint;
  lua_Integer id;
  if (attl_event_test(L, 1) || lua_type(L, 1) == LUA_TSTRING) return;
  if (lua_type(L, 1) != LUA_TNUMBER)
    luaL_argerror(L, 1, lua_pushfstring(L, "id, key or event expected, got %s",
                                          luaL_typename(L, 1)));
  id = lua_tointegerx(L, 1, &isint);
  if (!isint || id <= 0) luaL_argerror(L, 1, "an id is a whole number from 1");
}

/*
 * The options table of add, update and remove at idx (nil: none): reason
 * (a string) and, where force is not NULL, force.  An unknown option or
 * a value of the wrong type raises; a reason that is not one line of at
 * most 500 bytes returns nil and the message (2 values pushed) as the
 * write would.  1 with *reason (NULL: none).
 */
static int write_opts(lua_State *L, int idx, const char *fname, const char **reason, const char *flag,
                      int *flagv) {
  *reason = NULL;
  if (lua_isnoneornil(L, idx)) return 1;
  if (!lua_istable(L, idx))
    return luaL_error(L, "bad argument #%d to '%s' (table expected, got %s)", idx, fname,
                      luaL_typename(L, idx));
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
    if (k && strcmp(k, "reason") == 0) {
      if (lua_type(L, -1) != LUA_TSTRING)
        return luaL_error(L, "bad argument #%d to '%s' (option reason takes a string, got %s)",
                          idx, fname, luaL_typename(L, -1));
      *reason = lua_tostring(L, -1); /* held by the table */
    } else if (k && flag && strcmp(k, flag) == 0) {
      *flagv = lua_toboolean(L, -1);
    } else {
      return luaL_error(L, "bad argument #%d to '%s' (unknown option %s; the options are %s%sreason)",
                        idx, fname, k ? k : luaL_typename(L, -2), flag ? flag : "", flag ? " and " : "");
    }
    lua_pop(L, 1);
  }
  if (*reason && att_reason_check("reason", *reason) != 0) {
    attl_fail(L);
    return 0;
  }
  return 1;
}

/* The reason of the write about to be made (NULL: none): 0, or nil and
 * the message pushed (2).  The core records it with the write's first
 * change; reason_end forgets it after a write outside a batch (inside
 * one, at.batch forgets it when the batch ends). */
static int reason_begin(lua_State *L, att_store *st, const char *reason) {
  if (reason && att_store_set_reason(st, reason) != 0) return attl_fail(L);
  return 0;
}

static void reason_end(att_store *st, const char *reason) {
  if (reason && !att_store_in_batch(st)) att_store_set_reason(st, NULL);
}

/* Call fn with the arguments on the stack while the reason given to
 * reason_begin is in force (had: one was); forgotten after, whatever fn
 * does (an error is raised again). */
static int with_reason(lua_State *L, att_store *st, int had, lua_CFunction fn) {
  int st_call;
  lua_pushcfunction(L, fn);
  lua_insert(L, 1);
  st_call = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
  reason_end(st, had ? "" : NULL);
  if (st_call != LUA_OK) return lua_error(L);
  return lua_gettop(L);
}

/* Lua value at idx as JSON, or NULL with a message in err.  An empty table
 * is an array when `emptyarray`, else an object. */
static cJSON *tojson(lua_State *L, int idx, int depth, int emptyarray, char *err, size_t cap,
                     const char *path, uint64_t *work) {
  char sub[256];
  idx = lua_absindex(L, idx);
  ++*work;
  switch (lua_type(L, idx)) {
  case LUA_TBOOLEAN: return cJSON_CreateBool(lua_toboolean(L, idx));
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx)) {
      lua_Integer i = lua_tointeger(L, idx);
      if (i > INT64_C(9007199254740991) || i < -INT64_C(9007199254740991)) {
        char num[32];
        snprintf(num, sizeof num, "%lld", (long long)i);
        att_json_big_err("event", path, num, strlen(num)); /* the one message */
        snprintf(err, cap, "%s", att_errmsg());
        return NULL;
      }
      return cJSON_CreateNumber((double)i);
    } else {
      double d = lua_tonumber(L, idx);
      if (!isfinite(d)) {
        /* named as Lua code writes them (C's text for NaN is "-nan" or "nan") */
        snprintf(err, cap, "%s: %s cannot be stored (JSON numbers are finite)", path,
                 isnan(d) ? "NaN (0/0)" : d > 0 ? "infinity (math.huge)" : "-infinity (-math.huge)");
        return NULL;
      }
      return cJSON_CreateNumber(d);
    }
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    *work += n / 16;
    if (strlen(s) != n) {
      att_json_nul_err("event", path, strlen(s)); /* the one message */
      snprintf(err, cap, "%s", att_errmsg());
      return NULL;
    }
    return cJSON_CreateString(s);
  }
  case LUA_TTABLE: {
    size_t n = lua_rawlen(L, idx), count = 0;
    int isarray;
    cJSON *out;
    if (depth > JSON_DEPTH) {
      snprintf(err, cap, "%s: tables nested more than %d deep (or a table holds itself)", path,
               JSON_DEPTH);
      return NULL;
    }
    luaL_checkstack(L, 4, "tables nested too deeply");
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      count++;
      lua_pop(L, 1);
    }
    *work += count;
    isarray = count == 0 ? emptyarray : count == n;
    out = isarray ? cJSON_CreateArray() : cJSON_CreateObject();
    if (!out) break;
    if (isarray) {
      for (size_t i = 1; i <= n; i++) {
        cJSON *v;
        lua_rawgeti(L, idx, (lua_Integer)i);
        snprintf(sub, sizeof sub, "%s[%zu]", path, i);
        v = tojson(L, -1, depth + 1, 0, err, cap, sub, work);
        lua_pop(L, 1);
        if (!v) {
          cJSON_Delete(out);
          return NULL;
        }
        cJSON_AddItemToArray(out, v);
      }
      return out;
    }
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      cJSON *v;
      const char *k;
      if (lua_type(L, -2) != LUA_TSTRING) {
        snprintf(err, cap, "%s: a table mixes a list with named fields (key %s)", path,
                 luaL_typename(L, -2));
        lua_pop(L, 2);
        cJSON_Delete(out);
        return NULL;
      }
      {
        size_t kn;
        k = lua_tolstring(L, -2, &kn);
        snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", k);
        if (strlen(k) != kn) { /* a name cut at its NUL would be another name */
          att_json_nul_err("event", sub, (size_t)-1);
          snprintf(err, cap, "%s (in a name)", att_errmsg());
          lua_pop(L, 2);
          cJSON_Delete(out);
          return NULL;
        }
      }
      /* Lists of the event are arrays even when empty. */
      v = tojson(L, -1, depth + 1,
                 depth == 0 && (!strcmp(k, "actors") || !strcmp(k, "tags") ||
                                !strcmp(k, "people") || !strcmp(k, "links")),
                 err, cap, sub, work);
      lua_pop(L, 1);
      if (!v) {
        lua_pop(L, 1);
        cJSON_Delete(out);
        return NULL;
      }
      cJSON_AddItemToObject(out, k, v);
    }
    return out;
  }
  case LUA_TUSERDATA: {
    attl_date *d;
    attl_event *e;
    if (attl_isnull(L, idx)) return cJSON_CreateNull();
    if ((d = attl_date_test(L, idx)) != NULL) {
      if (!d->edtf[0]) {
        snprintf(err, cap, "%s: an open or out-of-range instant has no EDTF form", path);
        return NULL;
      }
      return cJSON_CreateString(d->edtf);
    }
    if (attl_duration_test(L, idx)) {
      cJSON *v = cJSON_CreateString(luaL_tolstring(L, idx, NULL));
      lua_pop(L, 1);
      return v;
    }
    if ((e = attl_event_test(L, idx)) != NULL) {
      snprintf(err, cap, "%s: an event cannot be stored inside another; store its id (%lld)",
               path, (long long)attl_event_id(e));
      return NULL;
    }
  }
  /* fall through */
  default:
    snprintf(err, cap, "%s: a %s cannot be stored (JSON holds strings, numbers, booleans, "
                       "tables and at.null)",
             path, luaL_typename(L, idx));
    return NULL;
  }
  snprintf(err, cap, "out of memory");
  return NULL;
}

/* A cJSON tree owned by a userdata on the stack, so that a Lua error
 * raised while the tree is in use (a memory error under the script's cap)
 * does not leak it: the collector frees what the box still holds. */
static int box_gc(lua_State *L) {
  cJSON **b = lua_touserdata(L, 1);
  if (*b) cJSON_Delete(*b);
  *b = NULL;
  return 0;
}

static cJSON **box_new(lua_State *L) {
  cJSON **b = lua_newuserdatauv(L, sizeof *b, 0);
  *b = NULL;
  if (luaL_newmetatable(L, "attache.jsonbox")) {
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
    attl_protect(L);
  }
  lua_setmetatable(L, -2);
  return b;
}

/* The JSON of table argument arg (raises on what JSON cannot hold), held
 * by a box left on the top of the stack: free it with cJSON_Delete(*box)
 * and *box = NULL. */
static cJSON **table_arg(lua_State *L, int arg, const char *fname) {
  char err[512];
  uint64_t work = 0;
  cJSON **box = box_new(L);
  *box = tojson(L, arg, 0, 0, err, sizeof err, "", &work);
  /* Charged once the tree is in the box (an error frees it): a value
   * per node and a unit per 16 bytes of text. */
  att_lua_charge(L, work);
  if (!*box) luaL_error(L, "bad argument #%d to '%s' (%s)", arg, fname, err);
  return box;
}

static void box_free(cJSON **box) {
  cJSON_Delete(*box);
  *box = NULL;
}

/* t[name] without metamethods: the fields of an event table are data, and
 * no script code may run while C holds resources. */
static int rawfield(lua_State *L, int tidx, const char *name) {
  tidx = lua_absindex(L, tidx);
  lua_pushstring(L, name);
  return lua_rawget(L, tidx);
}

/* Replace the string member `name` of obj (read as friendly input against
 * ref) with its EDTF.  Date values were already written as EDTF. */
static int friendly_member(lua_State *L, int tidx, cJSON *obj, const char *name, att_time ref,
                           const char *what, att_bounds *b) {
  char edtf[ATT_DATE_MAX];
  int rc = 0;
  if (rawfield(L, tidx, name) == LUA_TSTRING) {
    if (att_date_friendly(lua_tostring(L, -1), ref, edtf, sizeof edtf, b) != 0)
      rc = att__errctx(ATT_EINVAL, "event field \"%s\"", what);
    else cJSON_ReplaceItemInObject(obj, name, cJSON_CreateString(edtf));
  } else if (b && attl_date_test(L, -1)) {
    *b = attl_date_test(L, -1)->b;
    rc = 1;
  } else {
    rc = 2;
  }
  lua_pop(L, 1);
  return rc; /* <0 error, 0 read from a string, 1 a date value, 2 neither */
}

/*
 * Friendly dates in a new event or a patch (table at tidx, JSON obj):
 * source.published counts from now; when counts from source.published
 * (the new one, else the event's, else now).
 */
static int friendly_dates(lua_State *L, int tidx, cJSON *obj, const att_event *cur) {
  att_time ref = attl_now(L);
  att_bounds b;
  int rc;
  cJSON *src = cJSON_GetObjectItemCaseSensitive(obj, "source");
  if (cur && cur->source && cur->source->published &&
      att_edtf_parse(cur->source->published, &b, NULL, 0) == 0)
    ref = b.earliest;
  if (rawfield(L, tidx, "source") == LUA_TTABLE && cJSON_IsObject(src)) {
    rc = friendly_member(L, lua_gettop(L), src, "published", attl_now(L), "source.published",
                         &b);
    if (rc < 0) {
      lua_pop(L, 1);
      return rc;
    }
    if (rc < 2 && b.earliest != ATT_TIME_MIN) ref = b.earliest;
  }
  lua_pop(L, 1);
  rc = friendly_member(L, tidx, obj, "when", ref, "when", NULL);
  return rc < 0 ? rc : 0;
}

/*
 * Run body (a C function, given the arguments on the stack) with the
 * store's write lock held, so that what it reads and what it writes are
 * one change.  Inside an open batch (at.batch) body runs as is: its errors
 * go to at.batch, which rolls the batch back.  Otherwise body runs in a
 * batch of its own, protected, so that no error (a memory error under the
 * script's cap, say) can leave that batch open: it commits when body
 * returns a result that is not nil, and is rolled back when body returns
 * nil (and a message) or raises (the error is raised again).
 */
static int locked(lua_State *L, att_store *st, lua_CFunction body) {
  int n, st_call, gc;
  if (att_store_in_batch(st)) return body(L);
  if (att_store_begin(st) != 0) return attl_fail(L);
  /* No finalizer of the script (the sandbox refuses __gc, but not with
   * --allow-debug) may run while this batch is open, write into it, and
   * see its acknowledged write rolled back with body's change: the
   * collector waits.  (Inside a finalizer lua_gc does nothing; the
   * collector is stopped then anyway.) */
  gc = lua_gc(L, LUA_GCISRUNNING);
  lua_gc(L, LUA_GCSTOP);
  lua_pushcfunction(L, body);
  lua_insert(L, 1);
  st_call = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
  n = lua_gettop(L);
  if (st_call != LUA_OK || n == 0 || lua_isnil(L, 1)) att_store_rollback(st);
  else if (att_store_commit(st) != 0) n = -1;
  if (gc == 1) lua_gc(L, LUA_GCRESTART);
  if (st_call != LUA_OK) return lua_error(L);
  return n < 0 ? attl_fail(L) : n;
}

/* ---- functions ----------------------------------------------------------- */

/* at.add(t [, {reason = TEXT, check = true}]) -> event | nil, message;
 * with check, true when the fields make an event, and nothing written. */
static int l_add(lua_State *L) {
  att_store *st;
  att_event ev;
  cJSON **obj;
  const char *reason;
  int rc, check = 0;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (!write_opts(L, 2, "add", &reason, "check", &check)) return 2;
  if (!check) att_lua_check_write(L, "at.add");
  st = attl_store(L);
  obj = table_arg(L, 1, "add");
  if ((rc = friendly_dates(L, 1, *obj, NULL)) == 0) rc = att_event_from_cjson(*obj, 0, &ev);
  box_free(obj);
  if (rc != 0) return attl_fail(L);
  if (check) {
    att_event_free(&ev);
    lua_pushboolean(L, 1);
    return 1;
  }
  if (reason_begin(L, st, reason) != 0) {
    att_event_free(&ev);
    return 2;
  }
  rc = att_store_add(st, &ev);
  reason_end(st, reason);
  if (rc != 0) {
    att_event_free(&ev);
    return attl_fail(L);
  }
  attl_event_push(L, st, &ev);
  return 1;
}

/* at.get(id | key | event) -> event | nil, message */
static int l_get(lua_State *L) {
  att_store *st;
  int64_t id;
  int rc;
  luaL_checkany(L, 1);
  st = attl_store(L);
  if (!id_arg(L, st, 1, &id)) return 2;
  if (!attl_event_pushid(L, st, id, &rc)) return attl_fail(L);
  return 1;
}

/* The part of at.update done under the lock (see locked). */
static int update_body(lua_State *L) {
  att_store *st = attl_store(L);
  attl_event *e = attl_event_test(L, 1);
  att_event *ev = attl_event_holder(L); /* freed by the collector on an error */
  cJSON **patch;
  int64_t id;
  int rc;
  if (e) {
    if (attl_event_current(L, 1, st, "update") != 0) return attl_fail(L);
    rc = att_event_copy(ev, attl_event_get(L, 1));
  } else {
    if (!id_arg(L, st, 1, &id)) return 2;
    rc = att_store_get(st, id, ev);
  }
  if (rc != 0) return attl_fail(L);
  patch = table_arg(L, 2, "update");
  if ((rc = friendly_dates(L, 2, *patch, ev)) == 0) rc = att_event_patch(ev, *patch);
  box_free(patch);
  if (rc == 0) rc = att_store_update(st, ev);
  if (rc != 0) return attl_fail(L);
  attl_event_push(L, st, ev);
  return 1;
}

/*
 * at.update(x, changes) -> event | nil, message.  changes is a JSON merge
 * patch as a table (at.null removes a field).  With an event object the
 * change is made to the revision it shows: if the store no longer holds
 * that revision (changed since, removed, rolled back), the object is stale
 * and nothing is written.  With an id or key the change is made to the
 * current revision.  Either way it is read and written under one lock.
 * The options {reason = TEXT} give the reason kept in the history.
 */
static int update_run(lua_State *L) { return locked(L, attl_store(L), update_body); }

static int l_update(lua_State *L) {
  att_store *st;
  const char *reason;
  att_lua_check_write(L, "at.update");
  luaL_checkany(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 3);
  if (!write_opts(L, 3, "update", &reason, NULL, NULL)) return 2;
  st = attl_store(L);
  check_target(L);
  if (reason_begin(L, st, reason) != 0) return 2;
  lua_settop(L, 2); /* the options go: the core holds a copy of the reason */
  return with_reason(L, st, reason != NULL, update_run);
}

/* The part of at.remove done under the lock. */
static int remove_body(lua_State *L) {
  att_store *st = attl_store(L);
  int64_t id;
  if (!id_arg(L, st, 1, &id)) return 2;
  if (attl_event_test(L, 1) && attl_event_current(L, 1, st, "remove") != 0)
    return attl_fail(L);
  if ((lua_toboolean(L, 2) ? att_store_remove_force(st, id) : att_store_remove(st, id)) != 0)
    return attl_fail(L);
  lua_pushboolean(L, 1);
  return 1;
}

/* at.remove(x [, {force = true, reason = TEXT}]) -> true | nil, message.  An event object
 * must show the revision the store holds (else it is stale and nothing is
 * removed).  An event others link to is removed only with force, which
 * drops their links to it in the same change. */
static int remove_run(lua_State *L) { return locked(L, attl_store(L), remove_body); }

static int l_remove(lua_State *L) {
  att_store *st;
  const char *reason;
  int force = 0;
  att_lua_check_write(L, "at.remove");
  luaL_checkany(L, 1);
  lua_settop(L, 2);
  if (!write_opts(L, 2, "remove", &reason, "force", &force)) return 2;
  st = attl_store(L);
  check_target(L);
  if (reason_begin(L, st, reason) != 0) return 2;
  lua_pushboolean(L, force);
  lua_replace(L, 2); /* the options go: the core holds a copy of the reason */
  return with_reason(L, st, reason != NULL, remove_run);
}

/*
 * at.batch(fn [, {reason = TEXT}]) -> true | nil, message.  Every change
 * fn makes is one
 * batch: one lock, one sync, all or nothing.  The batch belongs to this
 * call: fn is called so that it cannot yield (a yield inside fn is an
 * error), so the batch ends before at.batch returns, whatever fn does: an
 * error rolls it back and is raised again, a coroutine that dies inside
 * fn and is never closed holds nothing, and no script keeps the write
 * lock after its call.
 */
static int l_batch(lua_State *L) {
  att_store *st;
  att_script *s = att_lua_script(L);
  const char *where, *m, *reason;
  att_lua_check_write(L, "at.batch");
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_settop(L, 2);
  if (!write_opts(L, 2, "batch", &reason, NULL, NULL)) return 2;
  st = attl_store(L);
  if (att_store_in_batch(st))
    return luaL_error(L, "a batch is already open (at.batch calls do not nest)");
  if (reason_begin(L, st, reason) != 0) return 2;
  lua_settop(L, 1);
  luaL_where(L, 1); /* 2: "script:line: " of the caller */
  where = lua_tostring(L, 2);
  lua_pushvalue(L, 1);
  if (att_store_begin(st) != 0) {
    att_store_set_reason(st, NULL);
    return attl_fail(L);
  }
  att_script_batch_mark(s, where);
  att_alerts_hold(att_lua_engine(L)); /* its alerts go out with it */
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
    att_alerts_release(att_lua_engine(L), 0);
    att_store_rollback(st);
    att_store_set_reason(st, NULL); /* whatever a write inside gave */
    att_script_batch_mark(s, NULL);
    m = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    if (m && strstr(m, "attempt to yield") != NULL && strchr(m, '\n') == NULL &&
        strlen(m) < 64) {
      lua_pushfstring(L, "%sat.batch: the function yielded (%s); a batch cannot outlive the "
                         "call that opened it: it was rolled back",
                      where, m);
    }
    return lua_error(L);
  }
  att_script_batch_mark(s, NULL);
  /* fn cannot end the script's call, but the check stays next to the
   * write it guards. */
  if (!att_script_writable(s)) {
    att_alerts_release(att_lua_engine(L), 0);
    att_store_rollback(st);
    att_store_set_reason(st, NULL);
    att_lua_check_write(L, "at.batch");
  }
  if (att_store_commit(st) != 0) {
    att_alerts_release(att_lua_engine(L), 0);
    att_store_set_reason(st, NULL);
    return attl_fail(L);
  }
  att_store_set_reason(st, NULL);
  att_alerts_release(att_lua_engine(L), 1);
  lua_pushboolean(L, 1);
  return 1;
}

/* at.outdir(): the script's output directory, absolute, or nil (serve
 * without --out).  Relative report paths are relative to it. */
static int l_outdir(lua_State *L) {
  att_engine *e = att_lua_engine(L);
  if (e == NULL || e->paths.out == NULL) lua_pushnil(L);
  else lua_pushstring(L, e->paths.out);
  return 1;
}

/* ---- luaL_Reg arrays ----------------------------------------------------- */

static const luaL_Reg funcs[] = {{"add", l_add},       {"get", l_get},     {"update", l_update},
                                 {"remove", l_remove}, {"batch", l_batch},
                                 {"outdir", l_outdir}, {NULL, NULL}};

/* ---- luaopen ------------------------------------------------------------- */

/* Functions other parts of the program add to the module (the daemon's
 * schedules: daemon.h), registered at start-up before any script runs. */
#define MAX_EXT 4
static const luaL_Reg *ext[MAX_EXT];

void attl_extend(const luaL_Reg *fns) {
  for (int i = 0; i < MAX_EXT; i++) {
    if (ext[i] == fns) return;
    if (ext[i] == NULL) {
      ext[i] = fns;
      return;
    }
  }
}

int luaopen_attache_core(lua_State *L) {
  attl_event_open(L);
  luaL_newlib(L, funcs);
  attl_open_query(L);
  attl_open_alert(L);
  attl_open_csv(L);
  attl_open_json(L);
  attl_open_names(L);
  attl_open_report(L);
  attl_open_history(L);
  for (int i = 0; i < MAX_EXT && ext[i]; i++) luaL_setfuncs(L, ext[i], 0);
  attl_date_open(L);
  attl_null_push(L);
  lua_setfield(L, -2, "null");
  return 1;
}
