/*
 * The header of the Lua part (bindings/lua/) for the other parts, and what
 * the files of the `attache.core` module share: lua_attache.c (the
 * functions over the store), lua_event.c (event objects) and lua_date.c
 * (dates and durations; their arithmetic is core/duration.c's); the other
 * lua_*.c open through lua_int.h.  The prefix attl_ marks names that no
 * script sees.
 *
 * Conventions: misuse of a function raises a Lua-style error
 * (luaL_argerror and friends); an expected failure returns nil and the
 * core's message, through attl_fail().
 */
#ifndef ATT_LUA_UTIL_H
#define ATT_LUA_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <lauxlib.h>
#include <lua.h>

#include "date.h"
#include "duration.h"
#include "error.h"
#include "event.h"
#include "host.h"
#include "store.h"

struct cJSON;

/* Metatable names. */
#define ATTL_EVENT "attache.event"
#define ATTL_DATE "attache.date"
#define ATTL_DURATION "attache.duration"
#define ATTL_CURSOR "attache.cursor"
#define ATTL_NULL "attache.null"

/* ---- lua_attache.c -------------------------------------------------- */

/* Make the metatable on top of the stack unreachable from scripts: its
 * __metatable field is false, so getmetatable gives false and setmetatable
 * refuses to replace it.  Every metatable of the module gets it (finalizers
 * and methods stay the module's). */
void attl_protect(lua_State *L);
/* Add fns to the attache module (attache.core) from another part of the
 * program (daemon.h: the schedules); at start-up, before any script runs.
 * At most four such tables. */
void attl_extend(const luaL_Reg *fns);
/* nil and the message of the last core failure; returns 2. */
int attl_fail(lua_State *L);
/* nil and a formatted message; returns 2. */
int attl_failf(lua_State *L, const char *fmt, ...);
/* The engine's store; raises when the script runs without one. */
att_store *attl_store(lua_State *L);
/* The engine's clock (the system clock when no engine is set). */
att_time attl_now(lua_State *L);
/* The JSON null of event fields (at.null): push it / test for it. */
void attl_null_push(lua_State *L);
int attl_isnull(lua_State *L, int idx);
/* The userdata at idx when its metatable is the one at upvalue `up` of
 * the running C function (a pointer comparison, for methods called once
 * an event); else luaL_checkudata's check and message for tname. */
void *attl_checkud(lua_State *L, int idx, int up, const char *tname);

/* ---- lua_event.c ---------------------------------------------------- */

typedef struct attl_event attl_event;

/* Create the event metatable in this state (once). */
void attl_event_open(lua_State *L);
/* Push an event object holding a copy of the stored JSON text of event
 * id: its fields are parsed when first read. */
void attl_event_pushjson(lua_State *L, int64_t id, const char *json, size_t len);
/* Push an event object for a parsed event just written to st (its
 * signature is taken from st's text of it); takes what *ev owns and
 * leaves it initialised-empty. */
void attl_event_push(lua_State *L, att_store *st, att_event *ev);
/* A box for one malloc'd pointer, NULL, pushed on the stack: what it holds
 * when the box is collected is freed.  For C memory held across calls
 * that may raise (an allocation past the script's max-memory): made
 * before the memory, it cannot fail after it.  Free and clear it when
 * done. */
void *attl_freebox(lua_State *L);
/* A parsed event, initialised empty, owned by a new userdata pushed on
 * the stack (its finalizer frees what the event holds): a Lua error
 * while it is being filled leaks nothing. */
att_event *attl_event_holder(lua_State *L);
/* 0 if the event object at idx shows the revision st holds now, so that
 * it may be written; else a negative code with a message that says why
 * the object is stale, for the operation op ("update", "remove"). */
int attl_event_current(lua_State *L, int idx, att_store *st, const char *op);
/* Push the live event id from the store: 1, or 0 (nothing pushed) with
 * the core's code and message when it cannot be read. */
int attl_event_pushid(lua_State *L, att_store *st, int64_t id, int *rc);
/* The same, with the event metatable at index mt (no lookup: for loops). */
int attl_event_pushid_mt(lua_State *L, int mt, att_store *st, int64_t id, int *rc);
/* The same as of transaction time asof (a query with as_of): the store
 * is read as of it only while no Lua code runs, and read as before after. */
int attl_event_pushid_asof(lua_State *L, int mt, att_store *st, int64_t id, att_time asof,
                           int *rc);
/* The event object at idx, or NULL. */
attl_event *attl_event_test(lua_State *L, int idx);
int64_t attl_event_id(const attl_event *e);
/* The parsed event of the event object at idx (parsed now if need be);
 * raises if the stored text does not read back.  It lives as long as the
 * object. */
const att_event *attl_event_get(lua_State *L, int idx);
/* Push a cJSON value as Lua (objects and arrays as tables, null as
 * at.null). */
void attl_pushcjson(lua_State *L, const struct cJSON *v);

/* ---- lua_history.c -------------------------------------------------- */

/* ev:at(rev) -> that revision of the event | nil, message (a method of
 * events, docs/lua-api.md "History"). */
int attl_event_at(lua_State *L);

/* ---- lua_date.c ----------------------------------------------------- */

typedef struct attl_date {
  att_bounds b;
  char edtf[ATT_DATE_MAX]; /* "" for an instant that has no EDTF text */
} attl_date;

/* A duration value ("attache.duration") is a userdata holding a core
 * att_duration (core/duration.h): the grammar, the arithmetic and the
 * text are core's. */

/* Create the date and duration metatables and set the date functions
 * (now, date, edtf, duration, days, ...) in the table on top. */
void attl_date_open(lua_State *L);
void attl_date_push(lua_State *L, const char *edtf, const att_bounds *b);
/* An instant: earliest == latest == t. */
void attl_instant_push(lua_State *L, att_time t);
attl_date *attl_date_test(lua_State *L, int idx);
void attl_duration_push(lua_State *L, const att_duration *d);
att_duration *attl_duration_test(lua_State *L, int idx);
/*
 * Read a date argument: a date value, a number of seconds, a table
 * {year=, month=, day=, hour=, min=, sec=} or a string read as friendly
 * input against ref.  0, or ATT_EINVAL with the core's message (the
 * string could not be read); raises for a value of another type, naming
 * argument arg of function fname.
 */
int attl_date_arg(lua_State *L, int idx, att_time ref, attl_date *out, int arg,
                  const char *fname);
/* Read a duration argument: a duration value, a string ("7d", "2h30m",
 * read by att_duration_parse) or a number of seconds.  0, or ATT_EINVAL
 * or ATT_ERANGE with core's message; raises for other types.  Add it to
 * an instant with att_duration_add. */
int attl_duration_arg(lua_State *L, int idx, att_duration *out, int arg,
                      const char *fname);

#endif
