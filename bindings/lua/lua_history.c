/*
 * The history in Lua (docs/lua-api.md "History"): at.history(ev), the
 * versions of one event, oldest first; ev:at(rev), one revision of it;
 * at.changes{...}, the store's changes, newest first, each with the
 * event before and after.  The core keeps them (core/history*.c); this
 * file only turns its records into Lua values.
 *
 * Misuse (a wrong type, an unknown option) raises; an id or key the
 * store never had, or a revision it never wrote, returns nil, message.
 */
#include "lua_int.h"
#include "lua_util.h"

#include "remind.h" /* att_lead_read: since = "7d" */

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#define CHANGES_BOX "attache.changes"
#define TEXT_BOX "attache.textbox"

/* ---- check helpers ------------------------------------------------------ */

/* The changes the core returned, owned by a userdata on the stack so that
 * a Lua error while they are turned into values leaks nothing. */
typedef struct changes_box {
  att_change *v;
  size_t n;
} changes_box;

static int changes_gc(lua_State *L) {
  changes_box *b = lua_touserdata(L, 1);
  att_changes_free(b->v, b->n);
  b->v = NULL;
  b->n = 0;
  return 0;
}

static changes_box *changes_new(lua_State *L) {
  changes_box *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->v = NULL;
  b->n = 0;
  if (luaL_newmetatable(L, CHANGES_BOX)) {
    lua_pushcfunction(L, changes_gc);
    lua_setfield(L, -2, "__gc");
    attl_protect(L);
  }
  lua_setmetatable(L, -2);
  return b;
}

/* Two texts (a version, the states around a change), likewise owned. */
typedef struct text_box {
  char *a, *b;
  size_t alen, blen;
} text_box;

static int text_gc(lua_State *L) {
  text_box *t = lua_touserdata(L, 1);
  free(t->a);
  free(t->b);
  t->a = t->b = NULL;
  return 0;
}

static text_box *text_new(lua_State *L) {
  text_box *t = lua_newuserdatauv(L, sizeof *t, 0);
  memset(t, 0, sizeof *t);
  if (luaL_newmetatable(L, TEXT_BOX)) {
    lua_pushcfunction(L, text_gc);
    lua_setfield(L, -2, "__gc");
    attl_protect(L);
  }
  lua_setmetatable(L, -2);
  return t;
}

static void text_clear(text_box *t) {
  free(t->a);
  free(t->b);
  memset(t, 0, sizeof *t);
}

static const char *op_name(int op) {
  return att_change_op_name(op);
}

/* The event argument idx names: an event object, an id, or a key of a
 * live event (or an id in a string).  1 with *id; 0 with nil, message
 * pushed when a key names no event. */
static int event_arg(lua_State *L, att_store *st, int idx, const char *fname, int64_t *id) {
  attl_event *e = attl_event_test(L, idx);
  att_event ev;
  int isint;
  if (e) {
    *id = attl_event_id(e);
    return 1;
  }
  if (lua_type(L, idx) == LUA_TNUMBER) {
    *id = lua_tointegerx(L, idx, &isint);
    if (!isint || *id <= 0)
      luaL_error(L, "bad argument #%d to '%s' (an id is a whole number from 1)", idx, fname);
    return 1;
  }
  if (lua_type(L, idx) != LUA_TSTRING)
    luaL_error(L, "bad argument #%d to '%s' (id, key or event expected, got %s)", idx, fname,
               luaL_typename(L, idx));
  if (att_store_lookup(st, lua_tostring(L, idx), &ev) != 0) {
    attl_fail(L);
    return 0;
  }
  *id = ev.id;
  att_event_free(&ev);
  return 1;
}

/* The fields of change c into the table on top. */
static void change_fields(lua_State *L, const att_change *c) {
  lua_pushinteger(L, (lua_Integer)c->seq);
  lua_setfield(L, -2, "seq");
  lua_pushinteger(L, (lua_Integer)c->batch);
  lua_setfield(L, -2, "batch");
  attl_instant_push(L, c->tx);
  lua_setfield(L, -2, "tx");
  lua_pushstring(L, op_name(c->op));
  lua_setfield(L, -2, "op");
  lua_pushinteger(L, (lua_Integer)c->id);
  lua_setfield(L, -2, "id");
  lua_pushinteger(L, (lua_Integer)c->rev);
  lua_setfield(L, -2, "rev");
  if (c->author && c->author[0]) {
    lua_pushstring(L, c->author);
    lua_setfield(L, -2, "author");
  }
  if (c->reason && c->reason[0]) {
    lua_pushstring(L, c->reason);
    lua_setfield(L, -2, "reason");
  }
}

/* A prune's own fields, from its record {"before", "dropped"}: bound
 * (the instant before which the history was dropped) and dropped. */
static void prune_fields(lua_State *L, const char *json, size_t len) {
  cJSON *o = json ? cJSON_ParseWithLength(json, len) : NULL;
  const cJSON *b = cJSON_GetObjectItemCaseSensitive(o, "before");
  const cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "dropped");
  att_time t;
  if (cJSON_IsString(b) && att_time_parse(b->valuestring, &t) == 0) {
    attl_instant_push(L, t);
    lua_setfield(L, -2, "bound");
  }
  if (cJSON_IsNumber(d)) {
    lua_pushinteger(L, (lua_Integer)d->valuedouble);
    lua_setfield(L, -2, "dropped");
  }
  cJSON_Delete(o);
}

/* ---- functions ----------------------------------------------------------- */

/*
 * at.history(ev | id | key) -> list | nil, message.  The versions of the
 * event, oldest first: {rev, seq, batch, tx, op, author, reason, event},
 * event being the event as that change left it (nil after a remove).
 */
static int l_history(lua_State *L) {
  att_store *st = attl_store(L);
  att_change_filter f;
  changes_box *b;
  text_box *t;
  int64_t id;
  int rc;
  luaL_checkany(L, 1);
  lua_settop(L, 1);
  if (!event_arg(L, st, 1, "history", &id)) return 2;
  b = changes_new(L); /* 2 */
  t = text_new(L);    /* 3 */
  att_change_filter_init(&f);
  f.id = id;
  f.oldest_first = 1;
  if ((rc = att_store_changes(st, &f, &b->v, &b->n)) != 0) return attl_fail(L);
  if (b->n == 0) return attl_failf(L, "no event with id %I in the store's history", (lua_Integer)id);
  att_lua_charge(L, b->n * 4);
  lua_createtable(L, (int)(b->n < 1000000 ? b->n : 0), 0);
  for (size_t i = 0; i < b->n; i++) {
    const att_change *c = &b->v[i];
    lua_createtable(L, 0, 9);
    change_fields(L, c);
    if (c->op != ATT_CHANGE_REMOVE) {
      if (att_store_version(st, c->id, c->rev, &t->a, &t->alen) != 0) return attl_fail(L);
      attl_event_pushjson(L, c->id, t->a, t->alen);
      text_clear(t);
      lua_setfield(L, -2, "event");
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static const char *const changes_opts[] = {"since", "to", "id", "author", "limit", NULL};

/* A date option of at.changes at the top: its first (since) or last
 * (until) instant. */
static att_time changes_date(lua_State *L, const char *k, int last) {
  attl_date d;
  int t = lua_type(L, -1);
  if (t != LUA_TSTRING && t != LUA_TNUMBER && t != LUA_TTABLE && !attl_date_test(L, -1))
    luaL_error(L, "bad argument #1 to 'changes' (option '%s' takes a date or time, got %s)", k,
               luaL_typename(L, -1));
  /* "7d": seven days back from now, as --since reads it */
  if (t == LUA_TSTRING) {
    att_duration back;
    att_time out;
    if (att_lead_read(lua_tostring(L, -1), &back) == 0 &&
        att_lead_back(attl_now(L), &back, &out) == 0)
      return out;
    att__errclear();
  }
  if (attl_date_arg(L, -1, attl_now(L), &d, 1, "changes") != 0)
    luaL_error(L, "bad argument #1 to 'changes' (option '%s': %s)", k, att_errmsg());
  return last ? d.b.latest : d.b.earliest;
}

/*
 * at.changes{since=, to=, id=, author=, limit=} -> list | nil, message.
 * The changes that pass, newest first: {seq, batch, tx, op, id, rev,
 * author, reason, before, after}, before and after the event on either
 * side of the change (nil for an add's before and a remove's after).
 */
static int l_changes(lua_State *L) {
  att_store *st = attl_store(L);
  att_change_filter f;
  changes_box *b;
  text_box *t;
  int rc;
  att_change_filter_init(&f);
  lua_settop(L, 1);
  if (!lua_isnil(L, 1) && !lua_istable(L, 1))
    return luaL_error(L, "bad argument #1 to 'changes' (table expected, got %s)",
                      luaL_typename(L, 1));
  if (lua_istable(L, 1)) {
    lua_pushnil(L);
    while (lua_next(L, 1)) {
      const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
      int opt = -1, isint;
      lua_Integer n;
      for (int i = 0; k && changes_opts[i]; i++)
        if (strcmp(k, changes_opts[i]) == 0) opt = i;
      switch (opt) {
      case 0: f.since = changes_date(L, k, 0); break;
      case 1: f.until = changes_date(L, k, 1); break;
      case 2: {
        int64_t id;
        if (!event_arg(L, st, lua_gettop(L), "changes", &id)) return 2;
        f.id = id;
        break;
      }
      case 3:
        if (lua_type(L, -1) != LUA_TSTRING)
          return luaL_error(L, "bad argument #1 to 'changes' (option 'author' takes a string, "
                               "got %s)", luaL_typename(L, -1));
        f.author = lua_tostring(L, -1); /* held by the table */
        break;
      case 4:
        n = lua_tointegerx(L, -1, &isint);
        if (!isint || n < 0)
          return luaL_error(L, "bad argument #1 to 'changes' (option 'limit' takes a whole "
                               "number from 0, got %s)", luaL_tolstring(L, -1, NULL));
        f.limit = (size_t)n;
        break;
      default:
        return luaL_error(L, "bad argument #1 to 'changes' (unknown option '%s'; options: "
                             "since, to, id, author, limit)",
                          k ? k : luaL_typename(L, -2));
      }
      lua_pop(L, 1);
    }
  }
  b = changes_new(L);
  t = text_new(L);
  if ((rc = att_store_changes(st, &f, &b->v, &b->n)) != 0) return attl_fail(L);
  att_lua_charge(L, b->n * 8);
  lua_createtable(L, (int)(b->n < 1000000 ? b->n : 0), 0);
  for (size_t i = 0; i < b->n; i++) {
    const att_change *c = &b->v[i];
    lua_createtable(L, 0, 10);
    change_fields(L, c);
    if (c->op != ATT_CHANGE_PRUNE) {
      if (att_store_change_states(st, c->seq, &t->a, &t->alen, &t->b, &t->blen) != 0)
        return attl_fail(L);
      if (t->a) {
        attl_event_pushjson(L, c->id, t->a, t->alen);
        lua_setfield(L, -2, "before");
      }
      if (t->b) {
        attl_event_pushjson(L, c->id, t->b, t->blen);
        lua_setfield(L, -2, "after");
      }
      text_clear(t);
    } else {
      if (att_store_change_states(st, c->seq, &t->a, &t->alen, &t->b, &t->blen) != 0)
        return attl_fail(L);
      prune_fields(L, t->b, t->blen);
      text_clear(t);
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* ---- methods ------------------------------------------------------------- */

/* ev:at(rev) -> the event at that revision | nil, message */
int attl_event_at(lua_State *L) {
  attl_event *e = attl_checkud(L, 1, 1, ATTL_EVENT);
  att_store *st;
  text_box *t;
  int isint;
  lua_Integer rev = lua_tointegerx(L, 2, &isint);
  if (!isint || rev < 1)
    return luaL_error(L, "bad argument #1 to 'at' (a revision is a whole number from 1, got %s)",
                      luaL_typename(L, 2));
  st = attl_store(L);
  t = text_new(L);
  if (att_store_version(st, attl_event_id(e), (int64_t)rev, &t->a, &t->alen) != 0)
    return attl_fail(L);
  attl_event_pushjson(L, attl_event_id(e), t->a, t->alen);
  text_clear(t);
  return 1;
}

/* ---- luaL_Reg arrays ----------------------------------------------------- */

static const luaL_Reg funcs[] = {{"history", l_history}, {"changes", l_changes}, {NULL, NULL}};

/* ---- luaopen ------------------------------------------------------------- */

void attl_open_history(lua_State *L) { luaL_setfuncs(L, funcs, 0); }
