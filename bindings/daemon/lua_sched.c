/*
 * The Lua side of the daemon, part of attache.core: at.every, at.cron,
 * at.at, at.on and at.remind.  Each checks its arguments, then hands the
 * work to the daemon (daemon_jobs.c, daemon_remind.c) and returns a handle
 * (metatable "attache.job") whose :cancel() stops it.
 *
 * They work in scripts that `attache serve` runs.  Under `attache check`
 * they check their arguments and count what would be registered, and run
 * nothing; under `attache run` they raise an error that says so.
 */
#include "daemon_int.h"
#include "duration.h" /* att_duration_add */
#include "lua_util.h"

#include "alertlog.h"
#include "event_fields.h" /* at.on's field names */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ATTL_JOB "attache.job"
#define CHECK_KEY "attache.sched.check"

typedef struct jobref {
  uint64_t id; /* 0 under `attache check` */
  int type;
} jobref;

static const char *const type_names[] = {"every", "cron", "at", "on", "remind"};

/* ---- check helpers ------------------------------------------------------ */

/* An error at the line of the script that called fname. */
static int sched_error(lua_State *L, const char *fmt, ...) {
  va_list ap;
  luaL_where(L, 1);
  va_start(ap, fmt);
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  lua_concat(L, 2);
  return lua_error(L);
}

/* The daemon, or NULL under `attache check`; raises elsewhere. */
static att_daemon *daemon_for(lua_State *L, const char *fname) {
  att_daemon *d = att__daemon_of(L);
  if (d) return d;
  if (lua_getfield(L, LUA_REGISTRYINDEX, CHECK_KEY) == LUA_TTABLE) {
    lua_pop(L, 1);
    return NULL;
  }
  lua_pop(L, 1);
  sched_error(L, "at.%s works in scripts run by 'attache serve' (docs/daemon.md), not in "
                 "'attache run'",
              fname);
  return NULL;
}

static void check_count(lua_State *L, int type) {
  lua_getfield(L, LUA_REGISTRYINDEX, CHECK_KEY);
  lua_rawgeti(L, -1, type + 1);
  lua_pushinteger(L, lua_tointeger(L, -1) + 1);
  lua_rawseti(L, -3, type + 1);
  lua_pop(L, 2);
}

static void checkfn(lua_State *L, int idx, const char *fname) {
  if (lua_type(L, idx) != LUA_TFUNCTION)
    sched_error(L, "bad argument #%d to '%s' (function expected, got %s)", idx, fname,
                luaL_typename(L, idx));
}

static int j_cancel(lua_State *L);
static int j_tostring(lua_State *L);

/* The handle's metatable, made when the first handle is pushed. */
static void job_meta(lua_State *L) {
  static const luaL_Reg methods[] = {{"cancel", j_cancel}, {NULL, NULL}};
  if (luaL_newmetatable(L, ATTL_JOB)) {
    lua_pushcfunction(L, j_tostring);
    lua_setfield(L, -2, "__tostring");
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    attl_protect(L);
  }
  lua_pop(L, 1);
}

static int push_handle(lua_State *L, uint64_t id, int type) {
  jobref *r = lua_newuserdatauv(L, sizeof *r, 0);
  r->id = id;
  r->type = type;
  job_meta(L);
  luaL_setmetatable(L, ATTL_JOB);
  return 1;
}

/* The script registering, in the daemon.  Registering changes the
 * daemon's state: it is a write, refused in a read-only context (a
 * reminder's where function) and after the script's call has ended. */
static att__dscript *owner(lua_State *L, att_daemon *d, const char *action) {
  att__dscript *ds;
  att_lua_check_write(L, action);
  ds = att__dscript_of(d, L);
  if (ds == NULL || ds->s == NULL) sched_error(L, "this state is not a script of the daemon");
  return ds;
}

/* ---- functions ------------------------------------------------------------ */

/* at.every(interval, fn) -> handle: first run one interval after now. */
int attl_every(lua_State *L) {
  att_duration dur;
  att_time now = attl_now(L), next;
  att_daemon *d;
  att__job *j;
  char what[128];
  luaL_checkany(L, 1);
  if (attl_duration_arg(L, 1, &dur, 1, "every") != 0)
    return sched_error(L, "bad argument #1 to 'every' (%s)", att_errmsg());
  if (att_duration_add(now, &dur, &next) != 0 || next <= now)
    return sched_error(L, "bad argument #1 to 'every' (the interval must be positive, got %s)",
                       luaL_tolstring(L, 1, NULL));
  checkfn(L, 2, "every");
  d = daemon_for(L, "every");
  if (d == NULL) {
    check_count(L, ATT__JOB_EVERY);
    return push_handle(L, 0, ATT__JOB_EVERY);
  }
  snprintf(what, sizeof what, "every %s", luaL_tolstring(L, 1, NULL));
  lua_pop(L, 1);
  j = att__job_new(d, owner(L, d, "at.every"), ATT__JOB_EVERY, 2, what);
  j->every = dur;
  /* Counted from its origin: the previous run's, when the state file
   * kept it (the run due meanwhile is then made up, late: planned from
   * the instant the previous run processed), else now. */
  j->origin = att__every_origin(d, j, att__plan_from(d));
  att__job_plan(d, j, j->origin == att__plan_from(d) ? j->origin : att__plan_after(d) < j->origin ? j->origin : att__plan_after(d));
  return push_handle(L, j->id, ATT__JOB_EVERY);
}

/* at.cron(expr, fn) -> handle */
int attl_cron(lua_State *L) {
  const char *expr = luaL_checkstring(L, 1);
  att_cron c;
  att_time next;
  att_daemon *d;
  att__job *j;
  char what[160];
  if (att_cron_parse(expr, &c) != 0)
    return sched_error(L, "bad argument #1 to 'cron' (%s)", att_errmsg());
  checkfn(L, 2, "cron");
  d = daemon_for(L, "cron");
  if (d == NULL) {
    if (att_cron_next(&c, attl_now(L), &next) == ATT_ENOTFOUND)
      att_engine_log(att_lua_engine(L), ATT_LOG_WARN, att_script_name(att_lua_script(L)),
                     "%s: at.cron \"%s\": %s", att_script_name(att_lua_script(L)), expr,
                     att_errmsg());
    check_count(L, ATT__JOB_CRON);
    return push_handle(L, 0, ATT__JOB_CRON);
  }
  snprintf(what, sizeof what, "cron %s", expr);
  j = att__job_new(d, owner(L, d, "at.cron"), ATT__JOB_CRON, 2, what);
  j->cron = c;
  att__job_plan(d, j, att__plan_after(d));
  return push_handle(L, j->id, ATT__JOB_CRON);
}

/* at.at(time, fn) -> handle: once, at the earliest instant of time. */
int attl_at(lua_State *L) {
  attl_date t;
  att_daemon *d;
  att__job *j;
  char what[80], ts[40];
  luaL_checkany(L, 1);
  if (attl_date_arg(L, 1, attl_now(L), &t, 1, "at") != 0)
    return sched_error(L, "bad argument #1 to 'at' (%s)", att_errmsg());
  if (t.b.earliest == ATT_TIME_MIN || t.b.earliest == ATT_TIME_MAX)
    return sched_error(L, "bad argument #1 to 'at' (an open date has no instant to run at)");
  checkfn(L, 2, "at");
  d = daemon_for(L, "at");
  if (d == NULL) {
    check_count(L, ATT__JOB_AT);
    return push_handle(L, 0, ATT__JOB_AT);
  }
  att_time_format(t.b.earliest, ts, sizeof ts);
  snprintf(what, sizeof what, "at %s", ts);
  j = att__job_new(d, owner(L, d, "at.at"), ATT__JOB_AT, 2, what);
  j->at = t.b.earliest;
  att__job_plan(d, j, att__plan_after(d));
  return push_handle(L, j->id, ATT__JOB_AT);
}

/* One name of the filter's field option (the value at the top): a field
 * of events that changes can touch, or a member of source or fields
 * ("source.url", "fields.budget").  Its length. */
static size_t field_name(lua_State *L) {
  size_t n;
  const char *s, *dot;
  int f;
  if (lua_type(L, -1) != LUA_TSTRING)
    sched_error(L, "bad argument #2 to 'on' (option 'field' takes a field's name or a list of "
                   "them, got %s)", luaL_typename(L, -1));
  s = lua_tolstring(L, -1, &n);
  dot = memchr(s, '.', n);
  f = att_field_find(s, dot ? (size_t)(dot - s) : n);
  if (f < 0 || ATT_FT_STORE_SET(att_fields[f].type) ||
      (dot && f != ATT_F_SOURCE && f != ATT_F_FIELDS) || (dot && dot[1] == '\0') ||
      strlen(s) != n)
    sched_error(L, "bad argument #2 to 'on' (option 'field': \"%s\" is not a field a change "
                   "can touch; give title, when, status, actors... or source.NAME, fields.NAME)",
                s);
  return n;
}

/* The filter {field = NAME | {NAME, ...}} at idx as a NUL-separated list
 * ended by another NUL, in *out (malloc'd); raises on misuse. */
static char *on_filter(lua_State *L, int idx) {
  size_t total = 1, k, nitems;
  char *out, *p;
  int t;
  luaL_checkstack(L, 4, NULL);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (lua_type(L, -2) != LUA_TSTRING || strcmp(lua_tostring(L, -2), "field") != 0)
      sched_error(L, "bad argument #2 to 'on' (unknown option %s; the one option is field)",
                  lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : luaL_typename(L, -2));
    lua_pop(L, 1);
  }
  t = lua_getfield(L, idx, "field");
  if (t == LUA_TNIL) sched_error(L, "bad argument #2 to 'on' (option 'field' is missing)");
  nitems = t == LUA_TTABLE ? lua_rawlen(L, -1) : 1;
  if (t == LUA_TTABLE && nitems == 0)
    sched_error(L, "bad argument #2 to 'on' (option 'field' is an empty list)");
  for (k = 1; k <= nitems; k++) {
    if (t == LUA_TTABLE) lua_rawgeti(L, -1, (lua_Integer)k);
    total += field_name(L) + 1;
    if (t == LUA_TTABLE) lua_pop(L, 1);
  }
  /* (A few bytes: nothing after this may raise, so nothing leaks.) */
  if ((out = malloc(total)) == NULL) luaL_error(L, "not enough memory");
  p = out;
  for (k = 1; k <= nitems; k++) {
    if (t == LUA_TTABLE) lua_rawgeti(L, -1, (lua_Integer)k);
    memcpy(p, lua_tostring(L, -1), strlen(lua_tostring(L, -1)) + 1);
    p += strlen(p) + 1;
    if (t == LUA_TTABLE) lua_pop(L, 1);
  }
  *p = '\0';
  lua_pop(L, 1);
  return out;
}

/* at.on("add" | "update" | "remove" [, {field = NAME | {NAME, ...}}], fn)
 * -> handle.  With field, fn runs only for a change that touched one of
 * those fields (for an add, that the new event has; for a remove, that
 * the removed one had). */
int attl_on(lua_State *L) {
  static const char *const ops[] = {"add", "update", "remove", NULL};
  static const int codes[] = {ATT_CHANGE_ADD, ATT_CHANGE_UPDATE, ATT_CHANGE_REMOVE};
  const char *s = luaL_checkstring(L, 1);
  att_daemon *d;
  att__job *j;
  int op = -1, fnidx = 2;
  char what[32], *fields = NULL;
  for (int i = 0; ops[i]; i++)
    if (strcmp(s, ops[i]) == 0) op = i;
  if (op < 0)
    return sched_error(L, "bad argument #1 to 'on' (\"add\", \"update\" or \"remove\" "
                          "expected, got \"%s\")", s);
  if (lua_istable(L, 2)) fnidx = 3;
  checkfn(L, fnidx, "on");
  if (fnidx == 3) free(on_filter(L, 2)); /* checked now, kept below */
  d = daemon_for(L, "on");
  if (d == NULL) {
    check_count(L, ATT__JOB_RULE);
    return push_handle(L, 0, ATT__JOB_RULE);
  }
  snprintf(what, sizeof what, "on %s", ops[op]);
  j = att__job_new(d, owner(L, d, "at.on"), ATT__JOB_RULE, fnidx, what);
  j->op = codes[op];
  if (fnidx == 3) {
    fields = on_filter(L, 2);
    j->fields = fields;
  }
  return push_handle(L, j->id, ATT__JOB_RULE);
}

/* ---- at.remind ------------------------------------------------------------ */

typedef struct remind_args {
  const char *name, *kind, *status, *msgtext, *level;
  const char *leads[ATT_REMIND_MAX_LEADS];
  const char *actors[64], *tags[64];
  size_t nactors, ntags;
  int where, message; /* stack indexes, 0 if none */
  att_remind_spec spec;
} remind_args;

static const char *opt_string(lua_State *L, int t, const char *k, const char *what) {
  int ty = lua_getfield(L, t, k);
  lua_pop(L, 1); /* the table keeps the string alive */
  if (ty == LUA_TNIL) return NULL;
  if (ty != LUA_TSTRING)
    sched_error(L, "bad argument #1 to 'remind' (%s takes %s, got %s)", k, what,
                lua_typename(L, ty));
  lua_getfield(L, t, k);
  {
    const char *s = lua_tostring(L, -1);
    lua_pop(L, 1);
    return s;
  }
}

/* A string or a list of strings at t[k] into v. */
static size_t opt_list(lua_State *L, int t, const char *k, const char **v, size_t cap) {
  size_t n = 0;
  int ty = lua_getfield(L, t, k), li = lua_gettop(L);
  if (ty == LUA_TSTRING) {
    v[n++] = lua_tostring(L, li);
  } else if (ty == LUA_TTABLE) {
    size_t len = lua_rawlen(L, li);
    for (size_t i = 1; i <= len; i++) {
      if (lua_rawgeti(L, li, (lua_Integer)i) != LUA_TSTRING || n == cap)
        sched_error(L, "bad argument #1 to 'remind' (%s takes a string or a list of at most "
                       "%d strings)", k, (int)cap);
      v[n++] = lua_tostring(L, -1);
      lua_pop(L, 1);
    }
  } else if (ty != LUA_TNIL) {
    sched_error(L, "bad argument #1 to 'remind' (%s takes a string or a list of strings, got "
                   "%s)", k, lua_typename(L, ty));
  }
  lua_pop(L, 1);
  return n;
}

static void remind_read(lua_State *L, remind_args *a) {
  static const char *const known[] = {"name", "match", "where", "before", "anchor", "resolve",
                                      "message", "level", NULL};
  static const char *const mknown[] = {"actor", "kind", "status", "tag", NULL};
  const char *leads[ATT_REMIND_MAX_LEADS], *anchor, *resolve;
  size_t nleads, i;
  memset(a, 0, sizeof *a);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  for (lua_pushnil(L); lua_next(L, 1); lua_pop(L, 1)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
    int ok = 0;
    for (i = 0; k && known[i]; i++) ok |= strcmp(k, known[i]) == 0;
    if (!ok)
      sched_error(L, "bad argument #1 to 'remind' (unknown option '%s'; options: name, match, "
                     "where, before, anchor, resolve, message, level)",
                  k ? k : luaL_typename(L, -2));
  }
  if ((a->name = opt_string(L, 1, "name", "a string")) == NULL || !*a->name)
    sched_error(L, "bad argument #1 to 'remind' (name is required: it names the reminder in "
                   "alert keys)");
  if (strchr(a->name, ':'))
    sched_error(L, "bad argument #1 to 'remind' (name must not hold ':')");
  if (lua_getfield(L, 1, "match") == LUA_TTABLE) {
    int m = lua_gettop(L);
    for (lua_pushnil(L); lua_next(L, m); lua_pop(L, 1)) {
      const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
      int ok = 0;
      for (i = 0; k && mknown[i]; i++) ok |= strcmp(k, mknown[i]) == 0;
      if (!ok)
        sched_error(L, "bad argument #1 to 'remind' (match: unknown field '%s'; fields: actor, "
                       "kind, status, tag)", k ? k : luaL_typename(L, -2));
    }
    a->kind = opt_string(L, m, "kind", "a string");
    a->status = opt_string(L, m, "status", "a string");
    a->nactors = opt_list(L, m, "actor", a->actors, 64);
    a->ntags = opt_list(L, m, "tag", a->tags, 64);
  } else if (!lua_isnil(L, -1)) {
    sched_error(L, "bad argument #1 to 'remind' (match takes a table, got %s)",
                luaL_typename(L, -1));
  }
  lua_pop(L, 1);
  lua_getfield(L, 1, "where"); /* index 2 */
  if (!lua_isnil(L, 2) && !lua_isfunction(L, 2))
    sched_error(L, "bad argument #1 to 'remind' (where takes a function, got %s)",
                luaL_typename(L, 2));
  a->where = lua_isnil(L, 2) ? 0 : 2;
  lua_getfield(L, 1, "message"); /* index 3 */
  if (lua_type(L, 3) == LUA_TSTRING) a->msgtext = lua_tostring(L, 3);
  else if (lua_isfunction(L, 3)) a->message = 3;
  else if (!lua_isnil(L, 3))
    sched_error(L, "bad argument #1 to 'remind' (message takes a function or a string, got "
                   "%s)", luaL_typename(L, 3));
  nleads = opt_list(L, 1, "before", leads, ATT_REMIND_MAX_LEADS);
  if (nleads == 0) leads[nleads++] = "0";
  att_remind_spec_init(&a->spec);
  for (i = 0; i < nleads; i++) {
    if (att_remind_spec_add(&a->spec, leads[i]) != 0)
      sched_error(L, "bad argument #1 to 'remind' (before: %s)", att_errmsg());
    a->leads[i] = leads[i];
  }
  anchor = opt_string(L, 1, "anchor", "\"start\" or \"end\"");
  if (anchor && strcmp(anchor, "start") && strcmp(anchor, "end"))
    sched_error(L, "bad argument #1 to 'remind' (anchor is \"start\" or \"end\", not \"%s\")",
                anchor);
  a->spec.anchor = anchor && !strcmp(anchor, "end") ? ATT_ANCHOR_END : ATT_ANCHOR_START;
  resolve = opt_string(L, 1, "resolve", "\"earliest\" or \"latest\"");
  if (resolve && strcmp(resolve, "earliest") && strcmp(resolve, "latest"))
    sched_error(L, "bad argument #1 to 'remind' (resolve is \"earliest\" or \"latest\", not "
                   "\"%s\")", resolve);
  a->spec.resolve = !resolve ? ATT_RESOLVE_DEFAULT
                    : !strcmp(resolve, "earliest") ? ATT_RESOLVE_EARLIEST : ATT_RESOLVE_LATEST;
  a->level = opt_string(L, 1, "level", "\"info\", \"warn\" or \"urgent\"");
  if (a->level) {
    int ok = 0;
    for (i = 0; att_alert_levels[i]; i++) ok |= strcmp(a->level, att_alert_levels[i]) == 0;
    if (!ok)
      sched_error(L, "bad argument #1 to 'remind' (level is \"info\", \"warn\" or \"urgent\", "
                     "not \"%s\")", a->level);
  }
}

/* How many events pass the reminder's match: its planning holds memory
 * and does work in proportion. */
static size_t count_matching(lua_State *L, att_daemon *d, const remind_args *a) {
  att_query q;
  size_t n = 0;
  att_query_init(&q);
  q.kind = a->kind;
  q.status = a->status;
  q.actors = a->actors;
  q.nactors = a->nactors;
  q.tags = a->tags;
  q.ntags = a->ntags;
  att__remind_window(d, &a->spec, att__plan_after(d), &q);
  if (att_store_count_query(d->e->store, &q, &n) != 0)
    luaL_error(L, "at.remind: %s", att_errmsg());
  return n;
}

/* C memory for the script, after a collection if need be: 0 or -1. */
static int take(lua_State *L, size_t n) {
  att_script *s = att_lua_script(L);
  if (att_script_mem_take(s, n) == 0) return 0;
  lua_gc(L, LUA_GCCOLLECT);
  return att_script_mem_take(s, n);
}

static char *dupn(const char *s, int *bad) {
  char *p;
  if (s == NULL) return NULL;
  if ((p = strdup(s)) == NULL) *bad = 1;
  return p;
}

/* at.remind{name=, match= | where=, before=, anchor=, resolve=, message=,
 * level=} -> handle */
int attl_remind(lua_State *L) {
  remind_args a;
  att_daemon *d;
  att__dscript *ds;
  att__remind *r;
  att__job *j;
  char what[200];
  int bad = 0, k;
  size_t n, plan, strbytes;
  remind_read(L, &a);
  d = daemon_for(L, "remind");
  if (d == NULL) { /* attache check: the names this script gave */
    if (lua_getfield(L, LUA_REGISTRYINDEX, "attache.check.remind") != LUA_TTABLE) {
      lua_pop(L, 1);
      lua_newtable(L);
      lua_pushvalue(L, -1);
      lua_setfield(L, LUA_REGISTRYINDEX, "attache.check.remind");
    }
    if (lua_getfield(L, -1, a.name) != LUA_TNIL)
      return sched_error(L, "bad argument #1 to 'remind' (name \"%s\" is already a reminder of this "
                            "script; a reminder's name is its alerts' key, so each one has its own)",
                         a.name);
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, a.name);
    lua_pop(L, 1);
    check_count(L, ATT__JOB_REMIND);
    return push_handle(L, 0, ATT__JOB_REMIND);
  }
  ds = owner(L, d, "at.remind");
  /* The name is the alerts' key (remind:NAME:EVENT:...): a second
   * reminder of the same name, in this script or another, had its alerts
   * taken for the first's and dropped without a word.  (The old version
   * of this script, being replaced, does not count.) */
  for (size_t i = 0; i <= d->nscripts; i++) { /* the scripts, then this one (maybe not among them yet) */
    const att__dscript *o = i < d->nscripts ? d->scripts[i] : ds;
    if (o != ds && strcmp(o->name, ds->name) == 0) continue;
    for (const att__job *x = o->jobs; x; x = x->next)
      if (x->type == ATT__JOB_REMIND && !x->dead && x->rem && strcmp(x->rem->name, a.name) == 0)
        return sched_error(L, "bad argument #1 to 'remind' (name \"%s\" is already a reminder of %s; "
                              "a reminder's name is its alerts' key, so each one has its own)",
                           a.name, o->name);
  }
  /* Planning reads every matching event with a reminder within the
   * horizon and keeps a table and queue entries for each: the work is charged to this call's budget and the
   * memory to the script's max-memory, before anything is registered
   * (issue 12, finding 4). */
  n = count_matching(L, d, &a);
  att_lua_charge(L, (uint64_t)n * (uint64_t)(1 + a.spec.nleads));
  plan = att__remind_plan_bytes(n, a.spec.nleads);
  strbytes = sizeof *r + (a.nactors + a.ntags + 2) * sizeof(char *) + strlen(a.name) + 1 +
             (a.kind ? strlen(a.kind) + 1 : 0) + (a.status ? strlen(a.status) + 1 : 0) +
             (a.msgtext ? strlen(a.msgtext) + 1 : 0) + (a.level ? strlen(a.level) + 1 : 0);
  for (k = 0; k < a.spec.nleads; k++) strbytes += strlen(a.leads[k]) + 1;
  for (k = 0; k < (int)a.nactors; k++) strbytes += strlen(a.actors[k]) + 1;
  for (k = 0; k < (int)a.ntags; k++) strbytes += strlen(a.tags[k]) + 1;
  snprintf(what, sizeof what, "remind %s", a.name);
  j = att__job_new(d, ds, ATT__JOB_REMIND, 0, what);
  if (take(L, plan + strbytes) != 0) {
    att__job_kill(d, j);
    return luaL_error(L, "at.remind: not enough memory to plan the reminder \"%s\": %I "
                         "events with %d lead%s take about %I KiB, more than is left of the "
                         "script's memory limit (max-memory, %I KiB)",
                      a.name, (lua_Integer)n, a.spec.nleads, a.spec.nleads == 1 ? "" : "s",
                      (lua_Integer)((plan + strbytes) / 1024),
                      (lua_Integer)(att_lua_engine(L)->limits.memory / 1024));
  }
  j->charged += strbytes;
  if ((r = att__remind_new()) == NULL) {
    att_script_mem_give(att_lua_script(L), plan);
    att__job_kill(d, j);
    return luaL_error(L, "not enough memory");
  }
  j->rem = r;
  r->spec = a.spec;
  att__remind_reserved(j, plan);
  r->name = dupn(a.name, &bad);
  r->kind = dupn(a.kind, &bad);
  r->status = dupn(a.status, &bad);
  r->msgtext = dupn(a.msgtext, &bad);
  r->level = dupn(a.level, &bad);
  for (k = 0; k < a.spec.nleads; k++) r->leads[k] = dupn(a.leads[k], &bad);
  r->actors = calloc(a.nactors + 1, sizeof *r->actors);
  r->tags = calloc(a.ntags + 1, sizeof *r->tags);
  if (!r->actors || !r->tags) bad = 1;
  for (size_t i = 0; !bad && i < a.nactors; i++) r->actors[r->nactors++] = dupn(a.actors[i], &bad);
  for (size_t i = 0; !bad && i < a.ntags; i++) r->tags[r->ntags++] = dupn(a.tags[i], &bad);
  if (bad) {
    att__job_kill(d, j);
    return luaL_error(L, "not enough memory");
  }
  if (a.where) {
    lua_pushvalue(L, a.where);
    r->where = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  if (a.message) {
    lua_pushvalue(L, a.message);
    r->message = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  /* A script's main chunk is planned once it has loaded (daemon.c). */
  if (d->loading != ds) att__remind_scan(d, j, att__plan_after(d));
  return push_handle(L, j->id, ATT__JOB_REMIND);
}

/* ---- methods ------------------------------------------------------------- */

/* handle:cancel() -> true if it was running, false if it had ended */
static int j_cancel(lua_State *L) {
  jobref *r = luaL_checkudata(L, 1, ATTL_JOB);
  att_daemon *d = att__daemon_of(L);
  att__dscript *ds;
  if (d != NULL && r->id != 0) att_lua_check_write(L, "handle:cancel");
  if (d == NULL || r->id == 0 || (ds = att__dscript_of(d, L)) == NULL) {
    lua_pushboolean(L, 0);
    return 1;
  }
  lua_pushboolean(L, att__job_cancel(d, ds, r->id));
  return 1;
}

static int j_tostring(lua_State *L) {
  jobref *r = luaL_checkudata(L, 1, ATTL_JOB);
  lua_pushfstring(L, "at.%s handle %I", type_names[r->type], (lua_Integer)r->id);
  return 1;
}

/* ---- check mode ---------------------------------------------------------- */

void att_sched_check_mode(lua_State *L) {
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, CHECK_KEY);
}

int att_sched_check_summary(lua_State *L, char *buf, size_t cap) {
  static const char *const names[][2] = {{"schedule", "schedules"}, {"schedule", "schedules"},
                                         {"schedule", "schedules"}, {"rule", "rules"},
                                         {"reminder", "reminders"}};
  lua_Integer n[3] = {0, 0, 0};
  size_t len = 0;
  int any = 0;
  buf[0] = '\0';
  if (lua_getfield(L, LUA_REGISTRYINDEX, CHECK_KEY) != LUA_TTABLE) {
    lua_pop(L, 1);
    return 0;
  }
  for (int t = 0; t < ATT__JOB_NTYPES; t++) {
    lua_rawgeti(L, -1, t + 1);
    n[t < 3 ? 0 : t - 2] += lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  for (int k = 0; k < 3; k++) {
    int t = k == 0 ? 0 : k + 2;
    if (n[k] == 0 || len >= cap) continue;
    len += (size_t)snprintf(buf + len, cap - len, "%s%lld %s", any ? ", " : "",
                            (long long)n[k], names[t][n[k] != 1]);
    any = 1;
  }
  return any;
}

static const luaL_Reg sched_funcs[] = {{"every", attl_every}, {"cron", attl_cron}, {"at", attl_at},
                                       {"on", attl_on},       {"remind", attl_remind}, {NULL, NULL}};

void att_daemon_lua_extend(void) { attl_extend(sched_funcs); }
