/*
 * at.report's C part: iCalendar text from a list of events, through the
 * core's writer (core/ics.c), so that at.report.ics and `attache export
 * --format ics` write the same calendar.  scripts/report.lua checks the
 * options and calls core.ics(list, leads, domain, name), where list holds
 * event objects or JSON texts of events, and leads are lead texts ("7d").
 */
#include "lua_report.h"
#include "lua_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ics.h"
#include "remind.h"

/* Free the events of a failed or finished call. */
static void free_events(att_event *evs, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) att_event_free(&evs[i]);
  free(evs);
}

/* Item i (1-based) of the list into *ev, from the parsed event p or, when
 * p is NULL, from the JSON text in the list.  0, or a negative code with
 * the core's message.  Never raises. */
static int item(lua_State *L, int i, const att_event *p, att_event *ev) {
  size_t len;
  const char *s;
  int r;
  if (p) return att_event_copy(ev, p);
  lua_rawgeti(L, 1, i);
  s = lua_tolstring(L, -1, &len);
  r = att_event_from_json(s, len, ATT_EV_STORED, ev);
  if (r < 0) r = att_event_from_json(s, len, 0, ev);
  if (r == 0) r = att_event_validate(ev);
  lua_pop(L, 1);
  return r;
}

int attl_ics(lua_State *L) {
  att_ics_opts o;
  att_event *evs;
  const att_event **ptrs;
  int64_t leads[ATT_REMIND_MAX_LEADS];
  size_t n, nleads, i, len;
  char *text;

  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  memset(&o, 0, sizeof o);
  o.domain = luaL_optstring(L, 3, NULL);
  o.name = luaL_optstring(L, 4, NULL);
  o.now = attl_now(L);
  nleads = (size_t)luaL_len(L, 2);
  luaL_argcheck(L, nleads <= ATT_REMIND_MAX_LEADS, 2, "at most 16 alarms");
  for (i = 0; i < nleads; i++) {
    lua_rawgeti(L, 2, (lua_Integer)i + 1);
    if (lua_type(L, -1) != LUA_TSTRING || att_lead_parse(lua_tostring(L, -1), &leads[i]) < 0)
      return luaL_error(L, "bad argument #2 to 'ics' (alarms[%d]: %s)", (int)i + 1,
                        lua_type(L, -1) == LUA_TSTRING ? att_errmsg() : "a lead such as \"7d\"");
    lua_pop(L, 1);
  }
  o.alarms = leads;
  o.nalarms = nleads;
  /* First what may raise (a bad item, the budget), then what allocates:
   * nothing is leaked by an error. */
  n = (size_t)luaL_len(L, 1);
  ptrs = lua_newuserdatauv(L, (n ? n : 1) * sizeof *ptrs, 0);
  for (i = 0; i < n; i++) {
    int t = lua_rawgeti(L, 1, (lua_Integer)i + 1);
    if (attl_event_test(L, -1)) ptrs[i] = attl_event_get(L, -1);
    else if (t == LUA_TSTRING) ptrs[i] = NULL;
    else
      return luaL_error(L, "bad argument #1 to 'ics' (item %d is a %s, not an event)",
                        (int)i + 1, luaL_typename(L, -1));
    lua_pop(L, 1);
  }
  att_lua_charge(L, (uint64_t)n * 200);
  if ((evs = calloc(n ? n : 1, sizeof *evs)) == NULL) return luaL_error(L, "not enough memory");
  for (i = 0; i < n; i++) {
    att_event_init(&evs[i]);
    if (item(L, (int)i + 1, ptrs[i], &evs[i]) < 0) {
      char msg[512];
      snprintf(msg, sizeof msg, "%s", att_errmsg());
      free_events(evs, i + 1);
      return luaL_error(L, "bad argument #1 to 'ics' (item %d: %s)", (int)i + 1, msg);
    }
  }
  text = att_ics_calendar(evs, n, &o, &len);
  free_events(evs, n);
  if (text == NULL) return luaL_error(L, "not enough memory");
  lua_pushlstring(L, text, len);
  free(text);
  return 1;
}
