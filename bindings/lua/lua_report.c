/*
 * at.report's C part: iCalendar text from a list of events, through the
 * core's writer (core/ics.c), so that at.report.ics and `attache export
 * --format ics` write the same calendar.  scripts/report.lua checks the
 * options and calls core.ics(list, leads, domain, name), where list holds
 * event objects or JSON texts of events, and leads are lead texts ("7d").
 */
#include "lua_int.h"
#include "lua_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ics.h"
#include "remind.h"

/*
 * What attl_ics holds in C while it writes: the copies of the events and
 * the text.  In a userdata whose finalizer frees them, so that an error
 * (a bad item, the budget, the memory cap) leaks nothing, and whose bytes
 * count against the script's max-memory until they are freed.
 */
typedef struct ics_hold {
  att_event *evs;
  size_t n;     /* events initialised in evs */
  char *text;
  size_t taken; /* bytes counted for the script */
} ics_hold;

#define ATTL_ICS_HOLD "attache.ics.hold"

static void hold_release(lua_State *L, ics_hold *h) {
  size_t i;
  for (i = 0; i < h->n; i++) att_event_free(&h->evs[i]);
  free(h->evs);
  free(h->text);
  h->evs = NULL;
  h->text = NULL;
  h->n = 0;
  if (h->taken) att_script_mem_give(att_lua_script(L), h->taken);
  h->taken = 0;
}

static int hold_gc(lua_State *L) {
  hold_release(L, lua_touserdata(L, 1));
  return 0;
}

static ics_hold *hold_new(lua_State *L) {
  ics_hold *h = lua_newuserdatauv(L, sizeof *h, 0);
  memset(h, 0, sizeof *h);
  if (luaL_newmetatable(L, ATTL_ICS_HOLD)) {
    lua_pushcfunction(L, hold_gc);
    lua_setfield(L, -2, "__gc");
    attl_protect(L);
  }
  lua_setmetatable(L, -2);
  return h;
}

/* Count n more bytes held by h (raises "not enough memory" over the cap). */
static void hold_take(lua_State *L, ics_hold *h, size_t n) {
  att_lua_mem_take(L, n);
  h->taken += n;
}

/* About what a copy of ev holds in C. */
static size_t event_bytes(const att_event *ev) {
  size_t n = sizeof *ev + 64, i;
  const char *s[] = {ev->key, ev->title, ev->kind, ev->status, ev->when,
                     ev->recur, ev->where, ev->notes, ev->fields};
  for (i = 0; i < sizeof s / sizeof s[0]; i++)
    if (s[i]) n += strlen(s[i]) + 1;
  n += (ev->actors.n + ev->tags.n) * (ATT_EV_NAME_MAX / 4 + sizeof(char *));
  n += ev->npeople * sizeof *ev->people * 4 + ev->nlinks * (sizeof *ev->links + 16);
  if (ev->source) n += sizeof *ev->source + 256;
  return n;
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

static int attl_ics(lua_State *L) {
  att_ics_opts o;
  ics_hold *h;
  const att_event **ptrs;
  att_duration leads[ATT_REMIND_MAX_LEADS];
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
    if (lua_type(L, -1) != LUA_TSTRING || att_lead_read(lua_tostring(L, -1), &leads[i]) < 0)
      return luaL_error(L, "bad argument #2 to 'ics' (alarms[%d]: %s)", (int)i + 1,
                        lua_type(L, -1) == LUA_TSTRING ? att_errmsg() : "a lead such as \"7d\"");
    lua_pop(L, 1);
  }
  o.alarms = leads;
  o.nalarms = nleads;
  /* First what may raise (a bad item, the budget), then what allocates,
   * into a holder that frees it whatever raises. */
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
  h = hold_new(L);
  hold_take(L, h, (n ? n : 1) * sizeof *h->evs);
  if ((h->evs = calloc(n ? n : 1, sizeof *h->evs)) == NULL)
    return luaL_error(L, "not enough memory");
  for (i = 0; i < n; i++) {
    att_event_init(&h->evs[i]);
    h->n = i + 1;
    if (item(L, (int)i + 1, ptrs[i], &h->evs[i]) < 0)
      return luaL_error(L, "bad argument #1 to 'ics' (item %d: %s)", (int)i + 1, att_errmsg());
    hold_take(L, h, event_bytes(&h->evs[i]));
  }
  text = att_ics_calendar(h->evs, n, &o, &len);
  if (text == NULL) return luaL_error(L, "not enough memory");
  h->text = text;
  /* The text is as big as what it says: counted, then copied into Lua. */
  hold_take(L, h, len);
  att_lua_charge(L, len / 16 + 1);
  lua_pushlstring(L, text, len);
  hold_release(L, h);
  return 1;
}

void attl_open_report(lua_State *L) {
  static const luaL_Reg fns[] = {{"ics", attl_ics}, {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
}
