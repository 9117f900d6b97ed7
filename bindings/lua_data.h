/*
 * Data files for scripts: at.csv (lua_csv.c) and at.json (lua_json.c).
 * They are raw functions of attache.core; scripts/attache.lua puts them in
 * the tables at.csv and at.json.  docs/lua-api.md is the manual.
 */
#ifndef ATT_LUA_DATA_H
#define ATT_LUA_DATA_H

#include <lua.h>

/* at.csv.rows(path [, opts]) -> iterator, nil, nil, closing handle */
int attl_csv_rows(lua_State *L);
/* at.json.decode(s) -> value | nil, message */
int attl_json_decode(lua_State *L);
/* at.json.encode(v [, opts]) -> string (raises on what JSON cannot hold) */
int attl_json_encode(lua_State *L);

#endif
