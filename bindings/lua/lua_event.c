/*
 * Event objects for scripts (metatable "attache.event"), part of the
 * attache.core module.
 *
 * An event object is read like a table (ev.title, ev.when, ev.actors) and
 * is read-only: changes go through at.update.  It shows the state of the
 * event when it was read, and ev.rev says which revision that is.
 *
 * Reading must be cheap, because a script may filter a million events with
 * at.each{where = function(ev) ... end}.  An object read from the store
 * is one userdata holding the id and a copy of the stored JSON text, with
 * no finalizer, so that the collector frees it like a string.  Simple
 * fields (strings, numbers, when, created, updated) and the helpers
 * has_actor and has_tag are served by scanning that text; the event is
 * parsed and validated by the core only when a script asks for a list,
 * an object or the whole event (ev.actors, ev.source, ev:totable()), or
 * when a string holds escapes.  The parsed event lives in a second
 * userdata (metatable "attache.event.parsed", whose finalizer frees what
 * the core allocated) kept as the user value of the object.  Objects made
 * by at.add and at.update hold the parsed event from the start.
 *
 * An object denotes one stored revision of one event: its id and a 64-bit
 * hash of the revision's stored text (its signature).  Two objects are
 * equal when both agree, and an object may be written (at.update,
 * at.remove) only while the store still holds that very revision: an
 * object whose batch was rolled back, whose event was removed or changed
 * since, is stale.  The hash, not the revision number, decides, because a
 * revision number comes back after a rollback (an update rolled back
 * showed revision 2; the next committed update is revision 2 too).
 *
 * The functions of this file know the metatable as their first upvalue and
 * check their argument by comparing metatables, not by a registry lookup
 * by name.
 */
#include "lua_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "event_fields.h"
#include "text.h"

struct attl_event {
  int64_t id;
  att_event *ev; /* the parsed event (in the userdata that is user value 1), NULL until needed */
  int have_bounds, have_sig;
  uint64_t sig;      /* hash of the stored text of this revision, once computed */
  att_bounds bounds; /* of `when`, once computed */
  size_t len;        /* bytes of stored JSON in json[]; 0 when parsed from the start */
  char json[];
};

/* The metatable of the userdata that holds a parsed event. */
#define ATTL_EVENT_PARSED "attache.event.parsed"

/* That userdata: the event first (attl_event_holder gives its address),
 * then the bytes of C memory it is counted for against the script's
 * max-memory, given back by its finalizer. */
typedef struct holder {
  att_event ev;
  size_t taken;
} holder;

/* What the core allocates for a parsed event, about: the strings of its
 * stored text plus a pointer or two per list element. */
#define PARSED_BYTES(len) (sizeof(att_event) + 2 * (size_t)(len) + 64)

/* The registry key of the event metatable, for a lookup cheaper than by
 * name when an object is made. */
static const char mt_key = 0;

/* The fields are those of the table in core/event_fields.h (att_field,
 * att_fields); ev.NAME reads field NAME, in the way its type says. */
#define F_COUNT ATT_F_COUNT

static const char methods_list[] = "methods: has_actor, has_tag, stale, totable, json, event";

/* ---- check helpers ------------------------------------------------------ */

/* Reading a field scans the stored text, and making an object copies it:
 * work that grows with the event.  Small events cost about what the VM
 * instructions around them count; a big one (notes, fields of up to 1 MB)
 * is charged by its size, so that a loop re-reading it meets the budget
 * and the deadline. */
static void charge_len(lua_State *L, size_t len) {
  if (len >= 4096) att_lua_charge(L, len / 64);
}

attl_event *attl_event_test(lua_State *L, int idx) {
  return luaL_testudata(L, idx, ATTL_EVENT);
}

/* The event at idx.  The functions of this file hold the metatable as
 * upvalue 1: a pointer comparison, with luaL_checkudata (and its message)
 * for anything else. */
static attl_event *checkev(lua_State *L, int idx) {
  return attl_checkud(L, idx, 1, ATTL_EVENT);
}

int64_t attl_event_id(const attl_event *e) {
  return e->id;
}

/* The value of the top-level member `name` of the stored JSON: its start,
 * and its end in *vend; NULL when absent (or when the text is not the
 * store's compact JSON: the parser then decides).  core/event_scan.c
 * does the scanning. */
static const char *member(const attl_event *ev, const char *name, const char **vend) {
  const char *v;
  size_t vl;
  if (att_event_scan_member(ev->json, ev->len, name, &v, &vl) != 1) return NULL;
  *vend = v + vl;
  return v;
}

/* A string member without escapes: 1 with its text in *s, *n; 0 when
 * absent; -1 when only the parser can read it. */
static int raw_string(const attl_event *ev, const char *name, const char **s, size_t *n) {
  const char *ve, *p = member(ev, name, &ve);
  if (!p) return 0;
  return att_scan_str(p, (size_t)(ve - p), s, n);
}

/* Is `want` an element of the string array member `name`?  1, 0, or -1
 * when only the parser can tell. */
static int raw_in_array(const attl_event *ev, const char *name, const char *want, size_t wl) {
  const char *ve, *p = member(ev, name, &ve), *v, *str;
  size_t vl, n;
  att_scan it;
  int rc;
  if (!p || *p == 'n') return 0;
  att_scan_begin(&it, p, (size_t)(ve - p));
  while ((rc = att_scan_elem(&it, &v, &vl)) == 1) {
    if (att_scan_str(v, vl, &str, &n) != 1) return -1;
    if (n == wl && memcmp(str, want, wl) == 0) return 1;
  }
  return rc < 0 ? -1 : 0;
}

/* Set the event metatable on the object at the top (list --where pushes
 * events into a state where the module may never have been required). */
static void setmeta(lua_State *L) {
  if (lua_rawgetp(L, LUA_REGISTRYINDEX, &mt_key) == LUA_TNIL) {
    lua_pop(L, 1);
    attl_event_open(L);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &mt_key);
  }
  lua_setmetatable(L, -2);
}

/* A new object, pushed; its metatable is set by the caller. */
static attl_event *newev_bare(lua_State *L, int64_t id, size_t len) {
  attl_event *e = lua_newuserdatauv(L, sizeof *e + len, 1);
  e->id = id;
  e->ev = NULL;
  e->have_bounds = 0;
  e->have_sig = 0;
  e->len = len;
  return e;
}

static attl_event *newev(lua_State *L, int64_t id, size_t len) {
  attl_event *e = newev_bare(L, id, len);
  setmeta(L);
  return e;
}

/* A parsed event, initialised empty, in a new userdata with a finalizer:
 * pushed. */
att_event *attl_event_holder(lua_State *L) {
  holder *h = lua_newuserdatauv(L, sizeof *h, 0);
  att_event *p = &h->ev;
  att_event_init(p);
  h->taken = 0;
  if (luaL_getmetatable(L, ATTL_EVENT_PARSED) == LUA_TNIL) {
    lua_pop(L, 1);
    attl_event_open(L);
    luaL_getmetatable(L, ATTL_EVENT_PARSED);
  }
  lua_setmetatable(L, -2);
  return p;
}

void attl_event_pushjson(lua_State *L, int64_t id, const char *json, size_t len) {
  attl_event *e = newev(L, id, len);
  memcpy(e->json, json, len);
}

/* The signature of a stored text: FNV-1a, 64 bits. */
static uint64_t text_sig(const char *s, size_t n) {
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= UINT64_C(0x100000001b3);
  }
  return h;
}

/* The signature of the stored text of event id now: 1 with *sig, or 0
 * with the core's code in *rc. */
static int store_sig(att_store *st, int64_t id, uint64_t *sig, int *rc) {
  const char *json;
  size_t len;
  if ((*rc = att_store_json(st, id, &json, &len)) != 0) return 0;
  *sig = text_sig(json, len);
  return 1;
}

/* The parsed event is moved into its holder before anything else is
 * allocated: a memory error leaves it to the collector, not leaked.  The
 * signature is taken from the store first (the text may be freed by what
 * an allocation runs). */
static int holder_fn(lua_State *L) {
  attl_event_holder(L);
  return 1;
}

void attl_event_push(lua_State *L, att_store *st, att_event *ev) {
  att_event *p;
  attl_event *e;
  uint64_t sig = 0;
  const char *json;
  size_t len = 0;
  int rc, have = store_sig(st, ev->id, &sig, &rc);
  if (att_store_json(st, ev->id, &json, &len) != 0) len = 0;
  /* The holder itself is made in a protected call: if that fails (the
   * script's memory is full), *ev is freed before the error goes on. */
  lua_pushcfunction(L, holder_fn);
  if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
    att_event_free(ev);
    lua_error(L);
  }
  p = lua_touserdata(L, -1);
  *p = *ev;
  att_event_init(ev);
  /* Held as long as the object: counted when the script has room.  The
   * write is made already, so this does not raise: at the limit the
   * object goes uncounted and the script's next allocation fails. */
  if (att_script_mem_take(att_lua_script(L), PARSED_BYTES(len)) == 0)
    ((holder *)p)->taken = PARSED_BYTES(len);
  else att__errclear();
  e = newev(L, p->id, 0);
  lua_rotate(L, -2, 1); /* event, holder */
  lua_setiuservalue(L, -2, 1);
  e->ev = p;
  e->sig = sig;
  e->have_sig = have;
}

/* The signature of the object at idx. */
static uint64_t sig_of(lua_State *L, int idx) {
  attl_event *e = lua_touserdata(L, idx);
  char *j;
  if (e->have_sig) return e->sig;
  if (e->len || e->ev == NULL) {
    e->sig = text_sig(e->json, e->len);
  } else {
    /* Not reached: objects without stored text are made by attl_event_push. */
    if ((j = att_event_to_json(e->ev)) == NULL) luaL_error(L, "%s", att_errmsg());
    e->sig = text_sig(j, strlen(j));
    free(j);
  }
  e->have_sig = 1;
  return e->sig;
}

/* The revision in a stored text, or 0. */
static int64_t text_rev(const char *json, size_t len) {
  const char *v;
  size_t vl;
  int64_t r = 0;
  if (att_event_scan_member(json, len, "rev", &v, &vl) != 1) return 0;
  for (size_t i = 0; i < vl && v[i] >= '0' && v[i] <= '9'; i++) r = r * 10 + (v[i] - '0');
  return r;
}

/* The stored text is the store's: an allocation may run a finalizer (a
 * dropped batch rolls back) that frees it.  So the object is made first
 * and the text read again if the store changed meanwhile. */
int attl_event_pushid(lua_State *L, att_store *st, int64_t id, int *rc) {
  const char *json;
  size_t len;
  for (;;) {
    uint64_t epoch = att_store_epoch(st);
    attl_event *e;
    if ((*rc = att_store_json(st, id, &json, &len)) != 0) return 0;
    e = newev(L, id, len);
    if (att_store_epoch(st) == epoch) {
      memcpy(e->json, json, len);
      charge_len(L, len);
      return 1;
    }
    lua_pop(L, 1);
  }
}

int attl_event_pushid_mt(lua_State *L, int mt, att_store *st, int64_t id, int *rc) {
  const char *json;
  size_t len;
  mt = lua_absindex(L, mt);
  for (;;) {
    uint64_t epoch = att_store_epoch(st);
    attl_event *e;
    if ((*rc = att_store_json(st, id, &json, &len)) != 0) return 0;
    e = newev_bare(L, id, len);
    if (att_store_epoch(st) == epoch) {
      memcpy(e->json, json, len);
      break;
    }
    lua_pop(L, 1);
  }
  lua_pushvalue(L, mt);
  lua_setmetatable(L, -2);
  charge_len(L, len);
  return 1;
}

int attl_event_pushid_asof(lua_State *L, int mt, att_store *st, int64_t id, att_time asof,
                           int *rc) {
  att_time was = att_store_asof_time(st);
  const char *json;
  size_t len, len2;
  attl_event *e;
  mt = lua_absindex(L, mt);
  /* The store is read as of asof only while no Lua code can run or raise:
   * once for the length, then (the object made) again for the text. */
  for (;;) {
    if ((*rc = att_store_asof(st, asof)) == 0) *rc = att_store_json(st, id, &json, &len);
    att_store_asof(st, was);
    if (*rc != 0) return 0;
    e = newev_bare(L, id, len);
    if ((*rc = att_store_asof(st, asof)) == 0 &&
        (*rc = att_store_json(st, id, &json, &len2)) == 0 && len2 == len)
      memcpy(e->json, json, len);
    att_store_asof(st, was);
    if (*rc == 0 && len2 == len) break;
    lua_pop(L, 1);
    if (*rc != 0) return 0;
  }
  lua_pushvalue(L, mt);
  lua_setmetatable(L, -2);
  charge_len(L, len);
  return 1;
}

const att_event *attl_event_get(lua_State *L, int idx) {
  attl_event *e = lua_touserdata(L, idx);
  att_event *p;
  if (e->ev) return e->ev;
  idx = lua_absindex(L, idx);
  p = attl_event_holder(L);
  /* Counted before the core allocates: a script over its max-memory
   * gets the error and nothing is leaked. */
  att_lua_mem_take(L, PARSED_BYTES(e->len));
  ((holder *)p)->taken = PARSED_BYTES(e->len);
  if (att_event_from_json(e->json, e->len, ATT_EV_STORED, p) != 0)
    luaL_error(L, "event %lld does not read back: %s", (long long)e->id, att_errmsg());
  lua_setiuservalue(L, idx, 1);
  e->ev = p;
  return p;
}

static int64_t rev_of(lua_State *L, int idx);

int attl_event_current(lua_State *L, int idx, att_store *st, const char *op) {
  attl_event *e = lua_touserdata(L, idx);
  uint64_t mine;
  const char *json;
  size_t len;
  int64_t rev, cur;
  int rc;
  idx = lua_absindex(L, idx);
  mine = sig_of(L, idx);
  rev = rev_of(L, idx);
  /* Nothing is allocated from here on: the text stays valid. */
  if ((rc = att_store_json(st, e->id, &json, &len)) == ATT_ENOTFOUND)
    return att__err(ATT_ENOTFOUND,
                    "cannot %s event %lld: it is not in the store (it was removed, or the batch "
                    "that made it was rolled back); this object is stale",
                    op, (long long)e->id);
  if (rc != 0) return rc;
  if (text_sig(json, len) == mine) return 0;
  cur = text_rev(json, len);
  /* A newer revision: the conflict messages scripts already know. */
  if (cur > rev && strcmp(op, "remove") == 0)
    return att__err(ATT_ECONFLICT,
                    "event %lld was changed meanwhile (it is at revision %lld, this object "
                    "shows revision %lld); read it again and redo the change",
                    (long long)e->id, (long long)cur, (long long)rev);
  if (cur > rev)
    return att__err(ATT_ECONFLICT,
                    "event %lld was changed by someone else meanwhile (it is at revision %lld, "
                    "this change was made to revision %lld); read it again and redo the change",
                    (long long)e->id, (long long)cur, (long long)rev);
  return att__err(ATT_ECONFLICT,
                  "cannot %s event %lld: this object shows a revision %lld that the store "
                  "does not hold (the batch that made it was rolled back; the event is at "
                  "revision %lld); this object is stale: read it again",
                  op, (long long)e->id, (long long)rev, (long long)cur);
}

static int64_t rev_of(lua_State *L, int idx) {
  attl_event *e = lua_touserdata(L, idx);
  const char *ve, *p;
  if (e->ev) return e->ev->rev;
  if ((p = member(e, "rev", &ve)) != NULL && *p >= '0' && *p <= '9') {
    int64_t r = 0;
    for (; p < ve && *p >= '0' && *p <= '9'; p++) r = r * 10 + (*p - '0');
    return r;
  }
  return attl_event_get(L, idx)->rev;
}

/* The EDTF of `when` into buf, and its bounds cached. */
static const char *when_of(lua_State *L, int idx, char buf[ATT_DATE_MAX]) {
  attl_event *e = lua_touserdata(L, idx);
  const char *s;
  size_t n;
  if (!e->ev && raw_string(e, "when", &s, &n) == 1 && n < ATT_DATE_MAX) {
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (!e->have_bounds && att_edtf_parse(buf, &e->bounds, NULL, 0) != 0)
      luaL_error(L, "event %lld does not read back: %s", (long long)e->id, att_errmsg());
  } else {
    const att_event *ev = attl_event_get(L, idx);
    snprintf(buf, ATT_DATE_MAX, "%s", ev->when);
    e->bounds = ev->bounds;
  }
  e->have_bounds = 1;
  return buf;
}

static att_bounds bounds_of(lua_State *L, int idx) {
  attl_event *e = lua_touserdata(L, idx);
  char buf[ATT_DATE_MAX];
  if (!e->have_bounds) when_of(L, idx, buf);
  return e->bounds;
}

static void pushstr(lua_State *L, const char *s) {
  if (s) lua_pushstring(L, s);
  else lua_pushnil(L);
}

static void pushstrv(lua_State *L, const att_strv *v) {
  lua_createtable(L, (int)v->n, 0);
  for (size_t i = 0; i < v->n; i++) {
    lua_pushstring(L, v->v[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

static void pushtime(lua_State *L, att_time t, int asdate) {
  char buf[40];
  if (t == 0) lua_pushnil(L);
  else if (asdate) attl_instant_push(L, t);
  else if (att_time_format(t, buf, sizeof buf) == 0) lua_pushstring(L, buf);
  else lua_pushnil(L);
}

void attl_pushcjson(lua_State *L, const cJSON *v) {
  const cJSON *c;
  lua_Integer i = 0;
  luaL_checkstack(L, 4, "fields nested too deeply");
  if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
    lua_newtable(L);
    for (c = v->child; c; c = c->next) {
      attl_pushcjson(L, c);
      if (cJSON_IsArray(v)) lua_rawseti(L, -2, ++i);
      else lua_setfield(L, -2, c->string);
    }
  } else if (cJSON_IsString(v)) {
    lua_pushstring(L, v->valuestring);
  } else if (cJSON_IsNumber(v)) {
    double d = v->valuedouble;
    if (d >= -9007199254740992.0 && d <= 9007199254740992.0 && d == (double)(int64_t)d)
      lua_pushinteger(L, (lua_Integer)d);
    else lua_pushnumber(L, d);
  } else if (cJSON_IsBool(v)) {
    lua_pushboolean(L, cJSON_IsTrue(v));
  } else {
    attl_null_push(L);
  }
}

static void pushfields(lua_State *L, const char *text) {
  cJSON *j;
  if (!text) {
    lua_pushnil(L);
    return;
  }
  charge_len(L, strlen(text) * 4); /* parsed, then made into tables */
  if ((j = cJSON_Parse(text)) == NULL) luaL_error(L, "not enough memory");
  attl_pushcjson(L, j);
  cJSON_Delete(j);
}

/* The source object; published as a date value (asdate) or as EDTF text. */
static void pushsource(lua_State *L, const att_source *s, int asdate) {
  if (!s) {
    lua_pushnil(L);
    return;
  }
  lua_createtable(L, 0, 4);
  pushstr(L, s->title);
  lua_setfield(L, -2, "title");
  pushstr(L, s->url);
  lua_setfield(L, -2, "url");
  pushstr(L, s->publisher);
  lua_setfield(L, -2, "publisher");
  if (s->published && asdate) {
    att_bounds b;
    if (att_edtf_parse(s->published, &b, NULL, 0) == 0) attl_date_push(L, s->published, &b);
    else lua_pushstring(L, s->published);
  } else {
    pushstr(L, s->published);
  }
  lua_setfield(L, -2, "published");
}

static void pushpeople(lua_State *L, const att_event *ev) {
  lua_createtable(L, (int)ev->npeople, 0);
  for (size_t i = 0; i < ev->npeople; i++) {
    lua_createtable(L, 0, 3);
    pushstr(L, ev->people[i].name);
    lua_setfield(L, -2, "name");
    pushstr(L, ev->people[i].role);
    lua_setfield(L, -2, "role");
    pushstr(L, ev->people[i].actor);
    lua_setfield(L, -2, "actor");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

static void pushlinks(lua_State *L, const att_event *ev) {
  lua_createtable(L, (int)ev->nlinks, 0);
  for (size_t i = 0; i < ev->nlinks; i++) {
    lua_createtable(L, 0, 2);
    lua_pushstring(L, ev->links[i].rel);
    lua_setfield(L, -2, "rel");
    lua_pushinteger(L, ev->links[i].id);
    lua_setfield(L, -2, "id");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

/* Push field f of the event at (absolute) idx as a script reads it: from
 * the stored text when its type allows, else from the parsed event. */
static void pushfield(lua_State *L, int idx, int f) {
  attl_event *e = lua_touserdata(L, idx);
  const att_event *ev;
  const char *s;
  size_t n;
  char buf[ATT_DATE_MAX];
  charge_len(L, e->len);
  if (f == ATT_F_ID) {
    lua_pushinteger(L, e->id);
    return;
  }
  if (f == ATT_F_REV) {
    lua_pushinteger(L, rev_of(L, idx));
    return;
  }
  switch (att_fields[f].type) {
  case ATT_FT_EDTF: /* when: a date */
    when_of(L, idx, buf);
    attl_date_push(L, buf, &e->bounds);
    return;
  case ATT_FT_STR:
    if (!e->ev) {
      int r = raw_string(e, att_fields[f].name, &s, &n);
      if (r == 0) lua_pushnil(L);
      if (r == 1) lua_pushlstring(L, s, n);
      if (r >= 0) return;
    }
    pushstr(L, ATT_FIELD_STR(attl_event_get(L, idx), f));
    return;
  case ATT_FT_TIME:
    if (!e->ev && raw_string(e, att_fields[f].name, &s, &n) == 1 && n < sizeof buf) {
      att_time t;
      memcpy(buf, s, n);
      buf[n] = '\0';
      if (att_time_parse(buf, &t) == 0) {
        attl_instant_push(L, t);
        return;
      }
    }
    pushtime(L, ATT_FIELD_TIME(attl_event_get(L, idx), f), 1);
    return;
  default: break;
  }
  ev = attl_event_get(L, idx);
  switch (att_fields[f].type) {
  case ATT_FT_STRV: pushstrv(L, ATT_FIELD_STRV(ev, f)); break;
  case ATT_FT_PEOPLE: pushpeople(L, ev); break;
  case ATT_FT_LINKS: pushlinks(L, ev); break;
  case ATT_FT_SOURCE: pushsource(L, ev->source, 1); break;
  case ATT_FT_FIELDS: pushfields(L, ev->fields); break;
  default: lua_pushnil(L); break; /* not reached: ID and TIME above */
  }
}

/* ---- methods ------------------------------------------------------------- */

static int has_in(lua_State *L, const char *field, int (*parsed)(const att_event *, const char *)) {
  attl_event *e = checkev(L, 1);
  size_t wl;
  const char *want = luaL_checklstring(L, 2, &wl);
  int r;
  charge_len(L, e->len);
  r = e->ev ? -1 : raw_in_array(e, field, want, wl);
  if (r < 0) r = parsed(attl_event_get(L, 1), want);
  lua_pushboolean(L, r);
  return 1;
}

static int m_has_actor(lua_State *L) {
  return has_in(L, "actors", att_event_has_actor);
}

static int m_has_tag(lua_State *L) {
  return has_in(L, "tags", att_event_has_tag);
}

/* A plain table of the whole event: strings for dates (EDTF for when and
 * source.published, RFC 3339 for created and updated), so that it can be
 * written as JSON or given back to at.add. */
static int m_totable(lua_State *L) {
  /* Set type by type in this order (id first, rev last): the order of
   * insertion decides where a key lands, and so the order of pairs(). */
  static const att_ftype order[] = {ATT_FT_STR,   ATT_FT_EDTF,   ATT_FT_STRV,
                                    ATT_FT_PEOPLE, ATT_FT_LINKS, ATT_FT_SOURCE,
                                    ATT_FT_FIELDS, ATT_FT_TIME};
  attl_event *e = checkev(L, 1);
  const att_event *ev = attl_event_get(L, 1);
  lua_createtable(L, 0, F_COUNT);
  lua_pushinteger(L, e->id);
  lua_setfield(L, -2, "id");
  for (size_t t = 0; t < sizeof order / sizeof *order; t++) {
    for (int f = 0; f < F_COUNT; f++) {
      if (att_fields[f].type != order[t]) continue;
      switch (order[t]) {
      case ATT_FT_STR:
      case ATT_FT_EDTF: pushstr(L, ATT_FIELD_STR(ev, f)); break;
      case ATT_FT_STRV: pushstrv(L, ATT_FIELD_STRV(ev, f)); break;
      case ATT_FT_PEOPLE: pushpeople(L, ev); break;
      case ATT_FT_LINKS: pushlinks(L, ev); break;
      case ATT_FT_SOURCE: pushsource(L, ev->source, 0); break;
      case ATT_FT_FIELDS: pushfields(L, ev->fields); break;
      default: pushtime(L, ATT_FIELD_TIME(ev, f), 0); break;
      }
      lua_setfield(L, -2, att_fields[f].name);
    }
  }
  lua_pushinteger(L, ev->rev);
  lua_setfield(L, -2, "rev");
  return 1;
}

static int m_json(lua_State *L) {
  attl_event *e = checkev(L, 1);
  char **j;
  charge_len(L, e->len);
  if (e->len) {
    lua_pushlstring(L, e->json, e->len);
    return 1;
  }
  j = attl_freebox(L); /* the text is freed if pushing it raises */
  if ((*j = att_event_to_json(e->ev)) == NULL) return luaL_error(L, "%s", att_errmsg());
  lua_pushstring(L, *j);
  free(*j);
  *j = NULL;
  return 1;
}

/* Does the store no longer hold this revision (changed since, removed,
 * or the batch that made it rolled back)? */
static int m_stale(lua_State *L) {
  attl_event *e = checkev(L, 1);
  att_store *st = attl_store(L);
  uint64_t mine = sig_of(L, 1), cur;
  int rc;
  if (store_sig(st, e->id, &cur, &rc)) lua_pushboolean(L, cur != mine);
  else if (rc == ATT_ENOTFOUND) lua_pushboolean(L, 1);
  else return luaL_error(L, "%s", att_errmsg());
  return 1;
}

/* ev:event(): the event itself (an occurrence's ev:event() is its event). */
static int m_event(lua_State *L) {
  checkev(L, 1);
  lua_settop(L, 1);
  return 1;
}

/* ---- metamethods --------------------------------------------------------- */

/* Upvalue 2 maps each name to a method, or to the number of a field. */
static int ev_index(lua_State *L) {
  char list[300];
  int t;
  checkev(L, 1);
  lua_pushvalue(L, 2);
  t = lua_rawget(L, lua_upvalueindex(2));
  if (t == LUA_TFUNCTION) return 1;
  if (t == LUA_TNUMBER) {
    pushfield(L, 1, (int)lua_tointeger(L, -1));
    return 1;
  }
  /* An event is no occurrence (at.query's expanded lines are): so that
   * `ev.occurrence` can be asked of either. */
  if (lua_type(L, 2) == LUA_TSTRING && strcmp(lua_tostring(L, 2), "occurrence") == 0) {
    lua_pushnil(L);
    return 1;
  }
  att__join(list, sizeof list, att_field_names);
  if (lua_type(L, 2) == LUA_TSTRING)
    return luaL_error(L, "event has no field '%s' (fields: %s; %s)", lua_tostring(L, 2), list,
                      methods_list);
  return luaL_error(L, "event fields are named by strings, not by %s (fields: %s; %s)",
                    luaL_typename(L, 2), list, methods_list);
}

static int ev_newindex(lua_State *L) {
  checkev(L, 1);
  return luaL_error(L, "events are read-only; use at.update(ev, {%s = ...})",
                    lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "field");
}

static int ev_tostring(lua_State *L) {
  attl_event *e = checkev(L, 1);
  char buf[ATT_DATE_MAX];
  const char *when = when_of(L, 1, buf);
  pushfield(L, 1, ATT_F_TITLE);
  lua_pushfstring(L, "#%I %s %s", (lua_Integer)e->id, when, lua_tostring(L, -1));
  return 1;
}

/* Equal: the same revision of the same event (id and signature). */
static int ev_eq(lua_State *L) {
  attl_event *a = attl_event_test(L, 1), *b = attl_event_test(L, 2);
  lua_pushboolean(L, a && b && a->id == b->id && sig_of(L, 1) == sig_of(L, 2));
  return 1;
}

/* Events order by date: earliest, then latest, then id. */
static int ev_cmp(lua_State *L) {
  attl_event *a = checkev(L, 1), *b = checkev(L, 2);
  att_bounds x = bounds_of(L, 1), y = bounds_of(L, 2);
  if (x.earliest != y.earliest) return x.earliest < y.earliest ? -1 : 1;
  if (x.latest != y.latest) return x.latest < y.latest ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id;
}

static int ev_lt(lua_State *L) {
  lua_pushboolean(L, ev_cmp(L) < 0);
  return 1;
}

static int ev_le(lua_State *L) {
  lua_pushboolean(L, ev_cmp(L) <= 0);
  return 1;
}

static int ev_concat(lua_State *L) {
  luaL_tolstring(L, 1, NULL);
  luaL_tolstring(L, 2, NULL);
  lua_concat(L, 2);
  return 1;
}

static int ev_next(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (lua_next(L, 1)) return 2;
  lua_pushnil(L);
  return 1;
}

/* pairs(ev) walks the fields of ev:totable(). */
static int ev_pairs(lua_State *L) {
  lua_pushcfunction(L, ev_next);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushcclosure(L, m_totable, 1);
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);
  lua_pushnil(L);
  return 3;
}

/* The finalizer of a parsed event's holder. */
static int parsed_gc(lua_State *L) {
  holder *h = lua_touserdata(L, 1);
  att_event_free(&h->ev);
  if (h->taken) att_script_mem_give(att_lua_script(L), h->taken);
  h->taken = 0;
  return 0;
}

/* ---- luaL_Reg arrays ----------------------------------------------------- */

static const luaL_Reg ev_methods[] = {{"has_actor", m_has_actor}, {"has_tag", m_has_tag},
                                      {"totable", m_totable},     {"json", m_json},
                                      {"stale", m_stale},         {"event", m_event},
                                      {"at", attl_event_at},      {NULL, NULL}};

static const luaL_Reg ev_meta[] = {{"__newindex", ev_newindex}, {"__tostring", ev_tostring},
                                   {"__eq", ev_eq},             {"__lt", ev_lt},
                                   {"__le", ev_le},             {"__concat", ev_concat},
                                   {"__pairs", ev_pairs},       {NULL, NULL}};

/* ---- luaopen ------------------------------------------------------------- */

/* The holders of parsed events: a finalizer, and no metatable for
 * getmetatable to give away. */
static void open_parsed(lua_State *L) {
  if (luaL_newmetatable(L, ATTL_EVENT_PARSED)) {
    lua_pushcfunction(L, parsed_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
}

void attl_event_open(lua_State *L) {
  int mt;
  open_parsed(L);
  if (!luaL_newmetatable(L, ATTL_EVENT)) {
    lua_pop(L, 1);
    return;
  }
  mt = lua_gettop(L);
  attl_protect(L);
  lua_pushvalue(L, mt);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &mt_key);
  /* Every function gets the metatable as upvalue 1 (see checkev). */
  lua_pushvalue(L, mt);
  luaL_setfuncs(L, ev_meta, 1);
  /* __index looks the name up once in one table: a method, or the number
   * of a field. */
  lua_pushvalue(L, mt);
  lua_createtable(L, 0, F_COUNT + 5);
  lua_pushvalue(L, mt);
  luaL_setfuncs(L, ev_methods, 1);
  for (int f = 0; f < F_COUNT; f++) {
    lua_pushinteger(L, f);
    lua_setfield(L, -2, att_fields[f].name);
  }
  lua_pushcclosure(L, ev_index, 2);
  lua_setfield(L, mt, "__index");
  lua_pop(L, 1);
}
