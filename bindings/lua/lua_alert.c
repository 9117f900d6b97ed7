/*
 * at.alert{key=, title=, body=, level=, event=, to=, repeat=}: a script's
 * way to tell someone something (alerts.h does the firing).
 *
 * Returns true when the alert fired, false when its key had already fired
 * (an expected outcome, not an error: rules run again and again).  Misuse
 * raises: a missing title, an unknown field or level, an output the
 * operator has not configured (so that the key is not spent on an alert
 * nobody could receive).  A log that cannot be written returns nil and the
 * message.  The alert carries the engine's time (simulated in a replay)
 * and the script's file name.  docs/alerts.md is the manual.
 */
#include "alerts.h"
#include "lua_int.h"

#include <stdlib.h>
#include <string.h>

#include "lua_util.h"

typedef struct alert_args {
  const char *key, *title, *body, *level;
  int64_t event;
  unsigned to;
  int repeat;
} alert_args;

static const char *const fields[] = {"key", "title", "body", "level", "event", "to", "repeat", NULL};
static const char *const outputs[] = {"stdout", "file", "command", NULL};

/* ---- check helpers ------------------------------------------------------ */

static int field_error(lua_State *L, const char *fmt, const char *a, const char *b) {
  return luaL_argerror(L, 1, lua_pushfstring(L, fmt, a, b));
}

/* The string value on top (field k), NULL for nil; strings only. */
static const char *opt_string(lua_State *L, const char *k) {
  if (lua_isnil(L, -1)) return NULL;
  if (lua_type(L, -1) != LUA_TSTRING)
    field_error(L, "field '%s' must be a string, got %s", k, luaL_typename(L, -1));
  return lua_tostring(L, -1);
}

/* One output name at idx, as an ATT_ALERT_TO_* bit. */
static unsigned output_bit(lua_State *L, int idx) {
  const char *s = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
  for (int i = 0; s && outputs[i]; i++)
    if (strcmp(s, outputs[i]) == 0) return 1u << i;
  return (unsigned)field_error(L, "field 'to': unknown output '%s' (outputs: %s)",
                               s ? s : luaL_typename(L, idx), "stdout, file, command");
}

/* to = "stdout" or {"stdout", "file", ...}: the bits; 0 for nil (every
 * configured output). */
static unsigned to_arg(lua_State *L) {
  unsigned to = 0;
  lua_Integer i, n;
  if (lua_isnil(L, -1)) return 0;
  if (lua_type(L, -1) == LUA_TSTRING) return output_bit(L, -1);
  if (!lua_istable(L, -1))
    field_error(L, "field '%s' must be an output name or a list of them, got %s", "to",
                luaL_typename(L, -1));
  n = (lua_Integer)lua_rawlen(L, -1);
  if (n == 0) field_error(L, "field '%s' is an empty list; %s", "to", "name at least one output");
  for (i = 1; i <= n; i++) {
    lua_rawgeti(L, -1, i);
    to |= output_bit(L, -1);
    lua_pop(L, 1);
  }
  return to;
}

static int64_t event_arg(lua_State *L) {
  attl_event *ev = attl_event_test(L, -1);
  lua_Integer id;
  int isint;
  if (ev) return attl_event_id(ev);
  if (lua_isnil(L, -1)) return 0;
  id = lua_tointegerx(L, -1, &isint);
  if (lua_type(L, -1) != LUA_TNUMBER || !isint || id <= 0)
    field_error(L, "field 'event' must be an event or an id (a whole number from 1), got %s",
                lua_type(L, -1) == LUA_TNUMBER ? lua_tostring(L, -1) : luaL_typename(L, -1), "");
  return (int64_t)id;
}

/* Read and check the table at 1.  Strings stay in the table, which the
 * caller does not change, so the pointers stay valid. */
static void read_args(lua_State *L, alert_args *a) {
  memset(a, 0, sizeof *a);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
    int f = -1;
    for (int i = 0; k && fields[i]; i++)
      if (strcmp(k, fields[i]) == 0) f = i;
    switch (f) {
    case 0: a->key = opt_string(L, k); break;
    case 1: a->title = opt_string(L, k); break;
    case 2: a->body = opt_string(L, k); break;
    case 3: a->level = opt_string(L, k); break;
    case 4: a->event = event_arg(L); break;
    case 5: a->to = to_arg(L); break;
    case 6:
      if (!lua_isnil(L, -1) && !lua_isboolean(L, -1))
        field_error(L, "field '%s' must be true or false, got %s", k, luaL_typename(L, -1));
      a->repeat = lua_toboolean(L, -1);
      break;
    default:
      field_error(L, "unknown field '%s' (fields: %s)", k ? k : luaL_typename(L, -2),
                  "key, title, body, level, event, to, repeat");
    }
    lua_pop(L, 1);
  }
  if (!a->title || !a->title[0]) field_error(L, "field '%s' is required%s", "title", " (a non-empty string)");
  if (a->key && !a->key[0]) field_error(L, "field '%s' must not be empty%s", "key", "");
  if (a->level && strcmp(a->level, "info") && strcmp(a->level, "warn") && strcmp(a->level, "urgent"))
    field_error(L, "field 'level': '%s' is not a level (levels: %s)", a->level, "info, warn, urgent");
}

/* ---- functions ---------------------------------------------------------- */

/* The file name of the script, as the daemon names scripts in its log
 * (and in the alerts of reminders): the same for every checkout. */
static const char *script_name(att_script *s) {
  const char *n = s ? att_script_name(s) : NULL, *slash = n ? strrchr(n, '/') : NULL;
  return slash && slash[1] ? slash + 1 : n;
}

static char *dup_or_null(const char *s, int *oom) {
  char *d;
  if (!s) return NULL;
  if (!(d = strdup(s))) *oom = 1;
  return d;
}

/* at.alert{...} -> true | false | nil, message */
static int attl_alert(lua_State *L) {
  att_engine *e = att_lua_engine(L);
  att_script *s = att_lua_script(L);
  alert_args args;
  att_alert a;
  int oom = 0, rc;
  /* An alert is a write (its key is spent, its log appended): refused in
   * read-only contexts and after the script's call has ended. */
  att_lua_check_write(L, "at.alert");
  read_args(L, &args);
  if (!e || !e->alerts)
    return luaL_error(L, "%s", e && !e->store && e->nostore
                                   ? e->nostore
                                   : "alerts are not available here: at.alert works in scripts "
                                     "run by 'attache serve' or 'attache run' on a store");
  /* Reading the past (--as-of, a report the daemon runs) writes nothing:
   * no alert either, as no change (an expected failure, as at.add's). */
  if (e->store && att_store_asof_time(e->store) != ATT_TIME_MAX) {
    char t[40];
    att_time_format(att_store_asof_time(e->store), t, sizeof t);
    lua_pushnil(L);
    lua_pushfstring(L, "no alert is sent while the store is read as of a past time (%s, --as-of): "
                       "reading the past changes nothing", t);
    return 2;
  }
  att_alert_init(&a);
  a.key = dup_or_null(args.key, &oom);
  a.title = dup_or_null(args.title, &oom);
  a.body = dup_or_null(args.body, &oom);
  a.level = dup_or_null(args.level ? args.level : "info", &oom);
  a.script = dup_or_null(script_name(s), &oom);
  a.event = args.event;
  a.at = att_engine_now(e);
  rc = oom ? att__err(ATT_ENOMEM, "out of memory") : att_alerts_fire_to(e, &a, args.repeat, args.to);
  att_alert_free(&a);
  if (rc == ATT_EINVAL || rc == ATT_ENOMEM) return luaL_error(L, "%s", att_errmsg());
  if (rc < 0) return attl_fail(L);
  lua_pushboolean(L, rc == 1);
  return 1;
}

void attl_open_alert(lua_State *L) {
  static const luaL_Reg fns[] = {{"alert", attl_alert}, {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
}
