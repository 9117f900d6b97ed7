/*
 * attache.core: the raw C layer of the `attache` module, over the engine's
 * store.  scripts/attache.lua builds the public API on it (at.each,
 * at.query and at.count are written in Lua there; at.batch is here, so
 * that a batch cannot outlive the call that opened it).  A query's
 * `where` is called by the cursor (cur:find) through lua_callk with a
 * continuation, so that it may yield, and its errors pass through as they
 * are.
 *
 * Misuse raises a Lua-style error ("bad argument #1 to 'add' (table
 * expected, got nil)"); an expected failure (an invalid event, an unknown
 * id or key, a conflict, a date that cannot be read) returns nil and the
 * core's message, unchanged.  docs/lua-api.md is the manual.
 */
#include "lua_util.h"
#include "lua_int.h"
#include "author.h" /* att_reason_check */
#include "json.h" /* the one message for a NUL, for a big integer */
#include "occur.h"
#include "tally.h"

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

typedef struct cursor {
  att_store *st;
  int has_asof;  /* a query with as_of: its events are read as of asof */
  att_time asof;
  int64_t *ids;
  size_t n, pos;
  size_t taken; /* bytes of ids counted against the script's max-memory */
  att_occ *occ; /* an expanded query: the line of each id (core/occur.h) */
  int counted;  /* at.count's: n matches, no ids (att_store_count_query) */
  /* Look-ahead of cur:find (below): keep has a bit per id from keep_lo,
   * set for the events of the chunk [pos, chunk_end) that where has not
   * refused; the scan runs over its words [scan_w, scan_end). */
  int ahead;        /* 1: may look ahead; 0: not (stopped for good, or never) */
  int scanning;     /* where is being called on the chunk, in id order */
  uint64_t *keep;
  size_t keep_words, scan_w, scan_end;
  uint64_t scan_b;  /* the bits of keep[scan_w] not yet scanned */
  int64_t keep_lo, cur_id;
  size_t chunk;     /* the next chunk's size: AHEAD_FIRST, then the rest */
  size_t chunk_end; /* end of the chunk being scanned */
  size_t ahead_end; /* where has been called on [pos, ahead_end) */
  size_t *kept;     /* the positions in ids of those it kept, [ki, nkept) still to hand out */
  size_t nkept, ki, kept_cap;
  uint64_t epoch;   /* the store's at the start of the chunk */
} cursor;
#define AHEAD_FIRST 4096 /* the first chunk's size; the second is the rest */
#define AHEAD_MIN 256    /* fewer events left: where is called in order */

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
  return e ? att_engine_now(e) : (att_time)time(NULL);
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

/* The cursor methods hold the cursor metatable as upvalue 1. */
static cursor *checkcursor(lua_State *L) {
  return attl_checkud(L, 1, 1, ATTL_CURSOR);
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
        snprintf(err, cap, "%s: %s cannot be stored (JSON numbers are finite)", path,
                 lua_tostring(L, idx));
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

static const char *const sel_opts[] = {"from", "to",    "actor", "kind", "status", "tag",
                                       "text", "where", "sort",  "desc", "limit",  "expand",
                                       "as_of", NULL};

static const char *const sort_names[] = {"when",    "id",   "title",  "created",
                                         "updated", "kind", "status", "key", NULL};

/* Read as of the cursor's time (a query with as_of), and back to what
 * the store was read as before (was): the store is the script's, shared
 * by every query, and `attache run --as-of` may have set it. */
static int asof_begin(att_store *st, const cursor *c) {
  return c->has_asof ? att_store_asof(st, c->asof) : 0;
}

static void asof_end(att_store *st, const cursor *c, att_time was) {
  if (c->has_asof && att_store_asof_time(st) != was) att_store_asof(st, was);
}

/* A query error, with the name of the public function (each, query,
 * count) and no position: the Lua layer raises it at the caller's line. */
static int sel_error(lua_State *L, const char *fname, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  lua_pushfstring(L, "bad argument #1 to '%s' (", fname);
  lua_pushvfstring(L, fmt, ap);
  lua_pushliteral(L, ")");
  lua_concat(L, 3);
  va_end(ap);
  return lua_error(L);
}

/* A string or a list of strings (the option's value, at the stack top) as
 * an array, kept alive in the anchor table at index 4 until the call
 * returns. */
static const char *const *sel_list(lua_State *L, const char *fname, const char *opt,
                                   size_t *n) {
  const char **v;
  int t = lua_gettop(L);
  size_t k = lua_type(L, t) == LUA_TTABLE ? lua_rawlen(L, t) : 1;
  if (lua_type(L, t) != LUA_TSTRING && lua_type(L, t) != LUA_TTABLE)
    sel_error(L, fname, "option '%s' takes a string or a list of strings, got %s", opt,
              luaL_typename(L, t));
  v = lua_newuserdatauv(L, (k ? k : 1) * sizeof *v, 0);
  lua_rawseti(L, 4, (lua_Integer)lua_rawlen(L, 4) + 1);
  if (lua_type(L, t) == LUA_TSTRING) {
    v[0] = lua_tostring(L, t);
  } else {
    for (size_t i = 0; i < k; i++) {
      if (lua_rawgeti(L, t, (lua_Integer)i + 1) != LUA_TSTRING)
        sel_error(L, fname, "option '%s' takes a string or a list of strings", opt);
      v[i] = lua_tostring(L, -1); /* held by the table */
      lua_pop(L, 1);
    }
  }
  *n = k;
  return v;
}

/*
 * What a query may cost the core before it returns its matches, charged
 * before it runs: the candidates of an index filter (an actor, a tag, a
 * kind, a status) are checked one by one and may all fail, so each such
 * query may scan the whole store; a text filter reads every candidate
 * and scans its text once per word.  A query by dates alone reads the time classes,
 * whose candidates are about its matches (charged after).
 */
static uint64_t query_cost(att_store *st, const att_query *q) {
  uint64_t all, cost;
  if (!q->nactors && !q->ntags && !q->kind && !q->status && !q->text)
    return q->nactors + q->ntags + 1;
  all = att_store_count(st);
  if (all == UINT64_MAX) { /* damaged: the query reports it */
    att__errclear();
    all = 0;
  }
  cost = all + q->nactors + q->ntags + 1;
  if (q->text) {
    /* About 1.6 us an event on 20,000 (the event is read and its texts
     * searched): 100 instructions' worth, and more for long words. */
    uint64_t per = strlen(q->text) / 4 + 100;
    cost = all > UINT64_MAX / per ? UINT64_MAX : cost + all * per;
  }
  return cost;
}

static const char *sel_string(lua_State *L, const char *fname, const char *opt) {
  if (lua_type(L, -1) != LUA_TSTRING)
    sel_error(L, fname, "option '%s' takes a string, got %s", opt, luaL_typename(L, -1));
  return lua_tostring(L, -1);
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
 * core.select(spec, fname) -> cursor, where, limit.  The core does every
 * filter it can and sorts; `where` and, when there is one, `limit` are
 * applied by the Lua layer.
 */
/* What a query's spec (index 1) asks, read by sel_parse. */
typedef struct sel_spec {
  att_query q;
  lua_Integer limit;
  int haswhere, expand, has_asof;
  att_time asof;
} sel_spec;

/* Read the spec at index 1 for the public function fname (each, query,
 * count, tally): its `where` goes to index 3, the strings of its lists
 * are anchored in the table at index 4.  A bad option raises. */
static void sel_parse(lua_State *L, const char *fname, sel_spec *x) {
  int isint;
  att_query_init(&x->q);
  x->limit = 0;
  x->haswhere = x->has_asof = 0;
  x->expand = 1;
  x->asof = ATT_TIME_MAX;
  if (lua_istable(L, 1)) {
    lua_pushnil(L);
    while (lua_next(L, 1)) {
      const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
      int opt = -1;
      for (int i = 0; k && sel_opts[i]; i++)
        if (strcmp(k, sel_opts[i]) == 0) opt = i;
      if (opt < 0)
        sel_error(L, fname,
                  "unknown option '%s'; options: from, to, actor, kind, status, tag, text, "
                  "where, sort, desc, limit, expand, as_of",
                  k ? k : luaL_typename(L, -2));
      switch (opt) {
      case 0: case 1: {
        attl_date d;
        int t = lua_type(L, -1);
        if (t != LUA_TSTRING && t != LUA_TNUMBER && t != LUA_TTABLE && !attl_date_test(L, -1))
          sel_error(L, fname, "option '%s' takes a date, got %s", k, luaL_typename(L, -1));
        if (attl_date_arg(L, -1, attl_now(L), &d, 1, fname) != 0)
          sel_error(L, fname, "option '%s': %s", k, att_errmsg());
        if (opt == 0) x->q.from = d.b.earliest;
        else x->q.to = d.b.latest;
        break;
      }
      case 2: x->q.actors = sel_list(L, fname, k, &x->q.nactors); break;
      case 5: x->q.tags = sel_list(L, fname, k, &x->q.ntags); break;
      case 3: x->q.kind = sel_string(L, fname, k); break;
      case 4: x->q.status = sel_string(L, fname, k); break;
      case 6: x->q.text = sel_string(L, fname, k); break;
      case 7:
        if (!lua_isfunction(L, -1))
          sel_error(L, fname, "option 'where' takes a function, got %s", luaL_typename(L, -1));
        lua_pushvalue(L, -1);
        lua_replace(L, 3);
        x->haswhere = 1;
        break;
      case 8: {
        const char *s = sel_string(L, fname, k);
        int code = -1;
        if (*s == '-') x->q.desc = 1, s++;
        for (int i = 0; sort_names[i]; i++)
          if (strcmp(s, sort_names[i]) == 0) code = i;
        if (code < 0)
          sel_error(L, fname, "sort by when, id, title, created, updated, kind, status or key "
                              "(a leading '-' sorts descending), not '%s'",
                    lua_tostring(L, -1));
        x->q.sort = code; /* the ATT_SORT_* codes follow sort_names */
        break;
      }
      case 9:
        if (lua_toboolean(L, -1)) x->q.desc = 1;
        break;
      case 11:
        if (!lua_isboolean(L, -1))
          sel_error(L, fname, "option 'expand' takes a boolean, got %s", luaL_typename(L, -1));
        x->expand = lua_toboolean(L, -1);
        break;
      case 12: {
        /* What the store held at the end of the time given (a day: once
         * every change of that day was made), as `--as-of` reads it. */
        attl_date d;
        int t = lua_type(L, -1);
        if (t != LUA_TSTRING && t != LUA_TNUMBER && t != LUA_TTABLE && !attl_date_test(L, -1))
          sel_error(L, fname, "option 'as_of' takes a date or time, got %s", luaL_typename(L, -1));
        if (attl_date_arg(L, -1, attl_now(L), &d, 1, fname) != 0)
          sel_error(L, fname, "option 'as_of': %s", att_errmsg());
        x->has_asof = 1;
        x->asof = d.b.latest;
        break;
      }
      default:
        x->limit = lua_tointegerx(L, -1, &isint);
        if (!isint || x->limit < 0)
          sel_error(L, fname, "option 'limit' takes a whole number from 0, got %s",
                    luaL_tolstring(L, -1, NULL));
        break;
      }
      lua_pop(L, 1);
    }
  }
}

static int l_select(lua_State *L) {
  const char *fname = luaL_optstring(L, 2, "query");
  sel_spec x;
  att_query q;
  att_store *st;
  int64_t *ids = NULL;
  size_t n = 0;
  lua_Integer limit;
  int haswhere, expand, has_asof;
  att_time asof, was;
  cursor *c;
  lua_settop(L, 2);
  if (!lua_isnil(L, 1) && !lua_istable(L, 1))
    sel_error(L, fname, "table expected, got %s", luaL_typename(L, 1));
  st = attl_store(L);
  lua_pushnil(L);  /* 3: where */
  lua_newtable(L); /* 4: anchors */
  sel_parse(L, fname, &x);
  q = x.q;
  limit = x.limit;
  haswhere = x.haswhere;
  expand = x.expand;
  has_asof = x.has_asof;
  asof = x.asof;
  if (!haswhere) q.limit = (size_t)limit;
  /* A count without `where` never looks at the order, so the matches are
   * not sorted, nor their sort keys read: by date, that read every
   * match's dates (at 1M events, at.count{kind = "visit"}, 78k matches:
   * 46 ms, 6.9 ms without). */
  if (!haswhere && strcmp(fname, "count") == 0) {
    q.unordered = 1;
    q.sort = ATT_SORT_ID;
    q.desc = 0;
  }
  /* The cursor first, in its closed state, so that the ids it is given
   * are freed by its finalizer whatever raises after the query. */
  c = lua_newuserdatauv(L, sizeof *c, 0);
  memset(c, 0, sizeof *c);
  luaL_setmetatable(L, ATTL_CURSOR);
  was = att_store_asof_time(st);
  if (has_asof) {
    /* Only the core's work runs as of that time (nothing that may raise
     * in between), and the cursor reads each event as of it too. */
    c->has_asof = 1;
    c->asof = asof;
  }
  /* With a window on both sides, the occurrences of recurring events in
   * it (core/occur.h); `where` then sees each line, so the Lua layer
   * applies it and the limit. */
  expand = expand && q.from != ATT_TIME_MIN && q.to != ATT_TIME_MAX;
  if (expand && q.unordered) {
    /* at.count without where: the occurrences' number, from the indexes
     * but for the recurring events (at 1M events, a year's count of a
     * status: 5.9 ms when its 37,247 matches were listed, 2.0 ms) */
    int qrc;
    att_lua_charge(L, query_cost(st, &q));
    if ((qrc = asof_begin(st, c)) == 0) qrc = att_occur_count(st, &q, &n);
    asof_end(st, c, was);
    if (qrc != 0) return luaL_error(L, "%s", att_errmsg());
    c->counted = 1;
  } else if (expand) {
    att_query cq = q;
    att_occ *occ = NULL;
    size_t nocc = 0;
    if (haswhere) q.limit = 0;
    int qrc;
    /* the candidates' dates, in a box freed whatever raises */
    att_bounds **bounds = (att_bounds **)attl_freebox(L);
    att_occur_candidates(&cq);
    att_lua_charge(L, query_cost(st, &cq));
    if ((qrc = asof_begin(st, c)) == 0) qrc = att_store_query_bounds(st, &cq, &ids, bounds, &n);
    asof_end(st, c, was);
    if (qrc != 0) return luaL_error(L, "%s", att_errmsg());
    c->ids = ids; /* freed by the cursor whatever raises now */
    att_lua_charge(L, n);
    if ((qrc = asof_begin(st, c)) == 0) qrc = att_occur_list(st, ids, *bounds, n, &q, &occ, &nocc);
    asof_end(st, c, was);
    free(*bounds);
    *bounds = NULL;
    lua_pop(L, 1);
    if (qrc != 0) return luaL_error(L, "%s", att_errmsg());
    c->occ = occ;
    free(ids);
    c->ids = ids = NULL;
    if (nocc && (ids = malloc(nocc * sizeof *ids)) == NULL) return luaL_error(L, "out of memory");
    for (size_t i = 0; i < nocc; i++) ids[i] = occ[i].id;
    n = nocc;
    c->taken += nocc * sizeof *occ;
    att_lua_mem_take(L, nocc * sizeof *occ);
  } else if (q.unordered) {
    /* at.count without where: the number, not the list */
    int qrc;
    att_lua_charge(L, query_cost(st, &q));
    if ((qrc = asof_begin(st, c)) == 0) qrc = att_store_count_query(st, &q, &n);
    asof_end(st, c, was);
    if (qrc != 0) return luaL_error(L, "%s", att_errmsg());
    c->counted = 1;
  } else {
    int qrc;
    att_lua_charge(L, query_cost(st, &q));
    if ((qrc = asof_begin(st, c)) == 0) qrc = att_store_query(st, &q, &ids, &n);
    asof_end(st, c, was);
    if (qrc != 0) return luaL_error(L, "%s", att_errmsg());
  }
  c->st = st;
  c->ids = ids;
  c->n = n;
  /* where looks ahead (find_k) unless the order is the snapshot's
   * already, or events are read as of a time; in chunks from
   * AHEAD_FIRST for at.each and with a limit, else all at once. */
  c->ahead = haswhere && ids && !c->occ && !has_asof && !(q.sort == ATT_SORT_ID && !q.desc);
  c->chunk = strcmp(fname, "each") == 0 || limit > 0 ? AHEAD_FIRST : SIZE_MAX;
  att_lua_charge(L, n); /* the core's work grows with the matches */
  /* The ids are the script's memory for as long as it keeps the cursor
   * (finding 4 of issue 12: 2.8 GB of cursors under a 1.4 MB heap). */
  if (ids != NULL) {
    att_lua_mem_take(L, n * sizeof *ids);
    c->taken += n * sizeof *ids;
  }
  lua_pushvalue(L, 3);
  if (haswhere && limit > 0) lua_pushinteger(L, limit);
  else lua_pushnil(L);
  return 3;
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
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
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
    att_store_rollback(st);
    att_store_set_reason(st, NULL);
    att_lua_check_write(L, "at.batch");
  }
  if (att_store_commit(st) != 0) {
    att_store_set_reason(st, NULL);
    return attl_fail(L);
  }
  att_store_set_reason(st, NULL);
  lua_pushboolean(L, 1);
  return 1;
}

/* ---- methods ------------------------------------------------------------- */

/* Push the next event still in the store, or nil (returns 0).  The event
 * metatable is upvalue 2 of the cursor methods. */
static int cursor_push(lua_State *L, cursor *c) {
  int rc;
  while (c->ids && c->pos < c->n) {
    int64_t id = c->ids[c->pos++];
    /* Each step copies one event: charged, so that a loop of C calls
     * (cur:find with a C function as where) meets the deadline too. */
    att_lua_charge(L, 4);
    if (c->has_asof) {
      if (attl_event_pushid_asof(L, lua_upvalueindex(2), c->st, id, c->asof, &rc)) return 1;
      if (rc != ATT_ENOTFOUND) return luaL_error(L, "%s", att_errmsg());
      continue;
    }
    att_store_readahead(c->st, c->ids + c->pos - 1, c->n - c->pos + 1);
    if (attl_event_pushid_mt(L, lua_upvalueindex(2), c->st, id, &rc)) return 1;
    if (rc != ATT_ENOTFOUND) return luaL_error(L, "%s", att_errmsg());
  }
  lua_pushnil(L);
  return 0;
}

/* cursor:next() -> the next event still in the store, or nil */
static int c_next(lua_State *L) {
  cursor_push(L, checkcursor(L));
  return 1;
}

/*
 * Look-ahead.  In any order but the id's, the events of a query lie all
 * over the snapshot, whose records are in id order: a Lua filter over a
 * million events in date order spent more time waiting for memory than
 * running (0.82 s a pass, against 0.28 s by id).  So cur:find calls
 * where on a chunk of the events ahead in id order, keeps a bit for each
 * it accepts, and hands those out in the order asked (as a database
 * reads the rows an index found in the table's order: PostgreSQL's
 * bitmap heap scan).  at.each and a query with a limit take a first
 * chunk of AHEAD_FIRST events, then the rest: a loop left within the
 * first chunk has made at most AHEAD_FIRST calls.  A chunk must cover
 * much of the store for its records to be read in order: with where
 * keeping 78,000 of a million, a pass took 0.36 s in one chunk, 0.73 s
 * in chunks growing by 8 from 4,096 (the third, of 262,144 events, a
 * quarter of the store, read nearly at random), 0.82 s in order.  A
 * write to the store (the loop's, where's, anyone's) makes the verdicts
 * stale: the cursor then calls where in order from there on, as without
 * look-ahead.
 */

/* Is id's bit in keep set?  Cleared, in any case. */
static int keep_take(cursor *c, int64_t id) {
  uint64_t b = (uint64_t)(id - c->keep_lo), m = 1ull << (b & 63);
  int was = (c->keep[b >> 6] & m) != 0;
  c->keep[b >> 6] &= ~m;
  return was;
}

static void ahead_stop(lua_State *L, cursor *c) {
  if (c->keep) {
    att_script_mem_give(att_lua_script(L), c->keep_words * sizeof *c->keep);
    c->taken -= c->keep_words * sizeof *c->keep;
  }
  free(c->keep);
  c->keep = NULL;
  c->ahead = 0;
  c->scanning = 0;
  c->ahead_end = c->pos;
}

/* Start a chunk at pos when the cursor looks ahead: 1 if started. */
static int ahead_start(lua_State *L, cursor *c) {
  size_t left = c->n - c->pos, size, end, lw = SIZE_MAX, hw = 0;
  if (!c->ahead || !c->ids || left < AHEAD_MIN) return 0;
  if (!c->keep) {
    int64_t lo = c->ids[c->pos], hi = lo;
    for (size_t i = c->pos; i < c->n; i++) {
      if (c->ids[i] < lo) lo = c->ids[i];
      if (c->ids[i] > hi) hi = c->ids[i];
    }
    /* ids far sparser than a word per 64 events: in order */
    if ((uint64_t)(hi - lo) / 64 > left + 64) {
      c->ahead = 0;
      return 0;
    }
    c->keep_words = (size_t)((uint64_t)(hi - lo) / 64 + 1);
    att_lua_mem_take(L, c->keep_words * sizeof *c->keep);
    c->taken += c->keep_words * sizeof *c->keep;
    if (!(c->keep = calloc(c->keep_words, sizeof *c->keep))) return luaL_error(L, "out of memory");
    c->keep_lo = lo;
  }
  size = c->chunk < left ? c->chunk : left;
  c->chunk = SIZE_MAX;
  end = c->pos + size;
  for (size_t i = c->pos; i < end; i++) {
    size_t b = (size_t)(c->ids[i] - c->keep_lo), w = b >> 6;
    c->keep[w] |= 1ull << (b & 63);
    if (w < lw) lw = w;
    if (w > hw) hw = w;
  }
  att_lua_charge(L, size / 16);
  c->scan_w = lw;
  c->scan_b = c->keep[lw];
  c->scan_end = hw + 1;
  c->chunk_end = end;
  c->epoch = att_store_epoch(c->st);
  c->scanning = 1;
  return 1;
}

/* Push the next event of the chunk for where, in id order: 1, or 0 when
 * the scan is over (the chunk's verdicts then stand, unless the store
 * changed meanwhile). */
static int ahead_push(lua_State *L, cursor *c) {
  int rc;
  for (;;) {
    while (!c->scan_b && ++c->scan_w < c->scan_end) c->scan_b = c->keep[c->scan_w];
    if (!c->scan_b) break;
    c->cur_id = c->keep_lo + (int64_t)(c->scan_w * 64 + (size_t)__builtin_ctzll(c->scan_b));
    c->scan_b &= c->scan_b - 1;
    att_lua_charge(L, 4);
    if (attl_event_pushid_mt(L, lua_upvalueindex(2), c->st, c->cur_id, &rc)) return 1;
    if (rc != ATT_ENOTFOUND) return luaL_error(L, "%s", att_errmsg());
    keep_take(c, c->cur_id); /* removed since: not kept */
  }
  c->scanning = 0;
  if (att_store_epoch(c->st) != c->epoch) {
    ahead_stop(L, c);
    return 0;
  }
  /* The kept events' positions, in the order asked (the bits cleared
   * for the next chunk), so that they can be read ahead as handed out. */
  if (c->kept_cap < c->chunk_end - c->pos) {
    size_t cap = c->chunk_end - c->pos, *k;
    att_lua_mem_take(L, (cap - c->kept_cap) * sizeof *k);
    c->taken += (cap - c->kept_cap) * sizeof *k;
    if (!(k = realloc(c->kept, cap * sizeof *k))) return luaL_error(L, "out of memory");
    c->kept = k;
    c->kept_cap = cap;
  }
  c->nkept = c->ki = 0;
  for (size_t p = c->pos; p < c->chunk_end; p++)
    if (keep_take(c, c->ids[p])) c->kept[c->nkept++] = p;
  c->ahead_end = c->chunk_end;
  return 0;
}

/* where's verdict on the event ahead_push gave. */
static void ahead_verdict(cursor *c, int kept) {
  if (!kept && c->keep) keep_take(c, c->cur_id);
}

/* Push the next event of the chunk that where kept, in the order asked,
 * its successors' entries and records fetched ahead: 1, or 0 when none
 * is left (or the verdicts went stale: pos is then just after the last
 * one handed out). */
static int ahead_emit(lua_State *L, cursor *c) {
  int rc;
  if (att_store_epoch(c->st) != c->epoch) {
    ahead_stop(L, c);
    return 0;
  }
  while (c->ki < c->nkept) {
    int64_t next[16];
    size_t m = 0, p = c->kept[c->ki++];
    for (size_t j = c->ki - 1; j < c->nkept && m < 16; j++) next[m++] = c->ids[c->kept[j]];
    c->pos = p + 1;
    att_lua_charge(L, 4);
    att_store_readahead(c->st, next, m);
    if (attl_event_pushid_mt(L, lua_upvalueindex(2), c->st, c->ids[p], &rc)) return 1;
    if (rc != ATT_ENOTFOUND) return luaL_error(L, "%s", att_errmsg());
  }
  c->pos = c->ahead_end;
  return 0;
}

enum { K_INORDER, K_AHEAD };

/* The loop of cursor:find, entered with the last result of where on top
 * (and again after a yield inside where, as its continuation; ctx says
 * which call it was).  Stack: cursor, where, then the event and where's
 * result. */
static int find_k(lua_State *L, int status, lua_KContext ctx) {
  cursor *c = lua_touserdata(L, 1);
  (void)status;
  if (ctx == K_AHEAD) {
    ahead_verdict(c, lua_toboolean(L, -1));
  } else if (lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    return 1;
  }
  for (;;) {
    lua_settop(L, 2);
    if (c->scanning) {
      if (!ahead_push(L, c)) continue;
      lua_pushvalue(L, 2);
      lua_pushvalue(L, 3);
      lua_callk(L, 1, 1, K_AHEAD, find_k);
      ahead_verdict(c, lua_toboolean(L, -1));
      continue;
    }
    if (c->pos < c->ahead_end) {
      if (ahead_emit(L, c)) return 1;
      continue;
    }
    if (ahead_start(L, c)) continue;
    if (!cursor_push(L, c)) return 1;
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_callk(L, 1, 1, K_INORDER, find_k);
    if (lua_toboolean(L, -1)) {
      lua_pop(L, 1);
      return 1;
    }
  }
}

/* cursor:find(where) -> the next event still in the store for which
 * where(event) is true, or nil.  where is called as a Lua function would
 * call it: its errors pass through as they are, and it may yield. */
static int c_find(lua_State *L) {
  checkcursor(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_settop(L, 2);
  lua_pushboolean(L, 0);
  return find_k(L, LUA_OK, 0);
}

/* cursor:occurrence() -> the date (EDTF text) of the occurrence the last
 * event pushed stands for, or nil when it is an event itself; and
 * whether the cursor expands at all. */
static int c_occurrence(lua_State *L) {
  cursor *c = checkcursor(L);
  char text[2 * ATT_DATE_MAX + 2];
  const att_occ *o;
  lua_pushboolean(L, c->occ != NULL);
  if (!c->occ || c->pos == 0 || !c->ids) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  o = &c->occ[c->pos - 1];
  if (!o->recurring || att_occ_text(o->start, o->end, o->timed, text, sizeof text) != 0)
    lua_pushnil(L);
  else
    lua_pushstring(L, text);
  lua_insert(L, -2);
  return 2;
}

/* cursor:count() -> events left */
static int c_count(lua_State *L) {
  cursor *c = checkcursor(L);
  lua_pushinteger(L, (lua_Integer)(c->ids || c->counted ? c->n - c->pos : 0));
  return 1;
}

static int c_close(lua_State *L) {
  cursor *c = checkcursor(L);
  free(c->keep);
  c->keep = NULL;
  free(c->kept);
  c->kept = NULL;
  c->ahead = c->scanning = 0;
  c->ahead_end = c->nkept = c->ki = c->kept_cap = 0;
  free(c->ids);
  c->ids = NULL;
  free(c->occ);
  c->occ = NULL;
  if (c->taken) att_script_mem_give(att_lua_script(L), c->taken);
  c->taken = 0;
  return 0;
}

/* The counts, in a userdata that frees them when collected: building the
 * table from them may raise (out of the script's memory) and must not
 * leak them. */
static int tally_gc(lua_State *L) {
  att_tally_free(lua_touserdata(L, 1));
  return 0;
}

/* core.tally(spec, by1 [, by2]) -> {[v1] = n} or {[v1] = {[v2] = n}}: the
 * group counts of the query's events (core/tally.h), for at.tally. */
static int l_tally(lua_State *L) {
  static const char *const ignored[] = {"where", "sort", "desc", "limit", "expand", NULL};
  att_by by[2];
  size_t nby = lua_isnoneornil(L, 3) ? 1 : 2;
  sel_spec x;
  att_tally *tp;
  att_store *st;
  att_time was;
  size_t mem;
  int rc;
  for (size_t k = 0; k < nby; k++) {
    const char *b = lua_type(L, 2 + (int)k) == LUA_TSTRING ? lua_tostring(L, 2 + (int)k) : NULL;
    int found = -1;
    for (int i = 0; b && i < ATT_BY_N; i++)
      if (strcmp(b, att_by_names[i]) == 0) found = i;
    if (found < 0)
      return luaL_error(L, "bad argument #%d to 'tally' (count by actor, tag, kind, status, year or "
                           "month, not %s)",
                        2 + (int)k, b ? lua_pushfstring(L, "'%s'", b) : luaL_typename(L, 2 + (int)k));
    by[k] = (att_by)found;
  }
  if (nby == 2 && by[0] == by[1])
    return luaL_error(L, "bad argument #3 to 'tally' (counting by %s twice)", att_by_names[by[0]]);
  lua_settop(L, 1);
  if (!lua_isnil(L, 1) && !lua_istable(L, 1))
    sel_error(L, "tally", "table expected, got %s", luaL_typename(L, 1));
  for (int i = 0; lua_istable(L, 1) && ignored[i]; i++)
    if (lua_getfield(L, 1, ignored[i]) != LUA_TNIL)
      sel_error(L, "tally", "option '%s' is not one of tally's: from, to, actor, kind, status, tag, "
                            "text, as_of", ignored[i]);
    else
      lua_pop(L, 1);
  lua_pushliteral(L, "tally"); /* 2 */
  lua_pushnil(L);              /* 3: where */
  lua_newtable(L);             /* 4: anchors */
  st = attl_store(L);
  sel_parse(L, "tally", &x);
  /* Its work: the query's, then a pass over the matches and the postings;
   * its memory while it counts: the matches' ids, a bit per event, and
   * with two dimensions about 8 bytes per event (the postings gathered) */
  {
    uint64_t all = att_store_count(st);
    if (all == UINT64_MAX) all = 0; /* damaged: the query reports it */
    att_lua_charge(L, query_cost(st, &x.q) + all);
    mem = (size_t)all * (nby == 2 ? 17 : 9);
    att_lua_mem_take(L, mem);
  }
  tp = lua_newuserdatauv(L, sizeof *tp, 0);
  memset(tp, 0, sizeof *tp);
  if (luaL_newmetatable(L, "attache.tally")) {
    lua_pushcfunction(L, tally_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  was = att_store_asof_time(st);
  rc = x.has_asof ? att_store_asof(st, x.asof) : 0;
  if (rc == 0) rc = att_store_tally(st, &x.q, by, nby, tp);
  if (x.has_asof && att_store_asof_time(st) != was) att_store_asof(st, was);
  att_script_mem_give(att_lua_script(L), mem);
  if (rc != 0) return luaL_error(L, "%s", att_errmsg());
  lua_createtable(L, 0, (int)(tp->n < 1024 ? tp->n : 1024));
  for (size_t i = 0; i < tp->n; i++) {
    if (nby == 1) {
      lua_pushinteger(L, (lua_Integer)tp->rows[i].n);
      lua_setfield(L, -2, tp->rows[i].key[0]);
      continue;
    }
    if (lua_getfield(L, -1, tp->rows[i].key[0]) == LUA_TNIL) {
      lua_pop(L, 1);
      lua_newtable(L);
      lua_pushvalue(L, -1);
      lua_setfield(L, -3, tp->rows[i].key[0]);
    }
    lua_pushinteger(L, (lua_Integer)tp->rows[i].n);
    lua_setfield(L, -2, tp->rows[i].key[1]);
    lua_pop(L, 1);
  }
  att_tally_free(tp); /* now, not at the next collection */
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
                                 {"remove", l_remove}, {"select", l_select}, {"tally", l_tally}, {"batch", l_batch},
                                 {"outdir", l_outdir}, {NULL, NULL}};

static const luaL_Reg cursor_methods[] = {
    {"next", c_next}, {"find", c_find}, {"count", c_count}, {"occurrence", c_occurrence},
    {NULL, NULL}};

static const luaL_Reg cursor_meta[] = {{"__gc", c_close}, {"__close", c_close}, {NULL, NULL}};

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

/* The methods get the metatable as upvalue 1 and the event metatable as
 * upvalue 2. */
static void newmeta(lua_State *L, const char *name, const luaL_Reg *meta,
                    const luaL_Reg *methods) {
  if (luaL_newmetatable(L, name)) {
    luaL_setfuncs(L, meta, 0);
    attl_protect(L);
    lua_newtable(L);
    lua_pushvalue(L, -2);
    luaL_getmetatable(L, ATTL_EVENT);
    luaL_setfuncs(L, methods, 2);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
}

int luaopen_attache_core(lua_State *L) {
  attl_event_open(L);
  newmeta(L, ATTL_CURSOR, cursor_meta, cursor_methods);
  luaL_newlib(L, funcs);
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
