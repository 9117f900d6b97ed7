/*
 * The C functions of at.report (scripts/report.lua), registered in
 * attache.core by lua_attache.c.
 */
#ifndef ATT_LUA_REPORT_H
#define ATT_LUA_REPORT_H

#include <lua.h>

/* core.ics(list, leads [, domain [, name]]): iCalendar text. */
int attl_ics(lua_State *L);

#endif
