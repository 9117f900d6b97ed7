/*
 * The parts of the attache module that live in their own files, shared by
 * bindings/lua/ only.  Each file opens its part as lstrlib.c opens the
 * string library: attl_open_X(L) adds its raw functions to the table on
 * top of the stack (attache.core, built by lua_attache.c), and
 * scripts/attache.lua puts them where scripts find them (at.csv, at.json,
 * at.report).  docs/lua-api.md is the manual.
 */
#ifndef ATT_LUA_INT_H
#define ATT_LUA_INT_H

#include <lua.h>

/* lua_alert.c: alert (at.alert{...}). */
void attl_open_alert(lua_State *L);
/* lua_csv.c: csv_rows (at.csv.rows(path [, opts]) -> iterator, nil, nil,
 * closing handle). */
void attl_open_csv(lua_State *L);
/* lua_json.c: json_decode (at.json.decode(s) -> value | nil, message) and
 * json_encode (at.json.encode(v [, opts]) -> string; raises on what JSON
 * cannot hold). */
void attl_open_json(lua_State *L);
/* lua_names.c: actor (at.actor(name) -> code | nil, message: a country
 * or organisation as a person names it, docs/names.md) and known
 * (at.known(field, value) -> true | nil, message). */
void attl_open_names(lua_State *L);
/* lua_history.c: history (at.history(ev) -> list of versions) and
 * changes (at.changes{...} -> list of change records). */
void attl_open_history(lua_State *L);
/* lua_report.c: ics (core.ics(list, leads [, domain [, name]]): the
 * iCalendar text of at.report.ics). */
void attl_open_report(lua_State *L);
/* lua_query.c: select (the cursor of at.each, at.query, at.count) and
 * tally (at.tally's group counts); makes the cursor metatable. */
void attl_open_query(lua_State *L);

#endif
