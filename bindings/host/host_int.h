/*
 * Internal to the script host (bindings/host/): the script's state, the
 * sandbox's hook and allocator, the watchdog's flags.  The rest of the
 * program uses host.h and its functions.
 */
#ifndef ATT_HOST_INT_H
#define ATT_HOST_INT_H

#include <lauxlib.h>

#include "host.h"

enum { ATT__STOP_NONE, ATT__STOP_BUDGET, ATT__STOP_TIME, ATT__STOP_EXIT, ATT__STOP_SIGNAL };

extern volatile sig_atomic_t att__interrupt; /* SIGINT or SIGTERM came (watchdog.c) */
void att__watch_begin(att_script *s);        /* a call (depth 0) starts and ends */
void att__watch_end(att_script *s);

struct att_script {
  att_engine *e;
  lua_State *L;
  char *name;        /* as given (messages, arg[0]) */
  char *dir;         /* canonical directory of the script, or NULL */
  size_t mem, mem_peak, mem_max; /* bytes of Lua memory; cap (0: none) */
  uint64_t used;     /* instructions and C work in this call */
  double deadline;   /* monotonic seconds; 0: none */
  int depth;         /* nesting of att_script_call */
  int stop;          /* ATT__STOP_*: set, it raises at every instruction */
  int exit_code;
  int warn_on, warn_cont;
  char warn[512];
  /* "script:line: " of the at.batch open in this script's call, or "" */
  char batch_at[160];
  int ro_depth;        /* nesting of read-only contexts */
  const char *ro_what; /* the outermost one ("a reminder's where function") */
  char *author;        /* att_script_set_author, or NULL */
  /* The coroutine a call of the script is running in (sandbox.c's resume
   * and wrap keep it), or NULL: where the watchdog sets the hook that
   * stops the call. */
  lua_State *volatile current;
};

#define ATT__HOOK_STEP 1000 /* instructions between two budget checks */
/* The hook a call runs under: the count hook every ATT__HOOK_STEP
 * instructions when the budget counts instructions; none otherwise (the
 * watchdog's timer and stop signals set it when they need it). */
void att__hook_arm(att_script *s, lua_State *L);

void *att__sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
void att__sandbox_hook(lua_State *L, lua_Debug *ar);
void att__sandbox_warn(void *ud, const char *msg, int tocont);
/* string.find, match, gmatch, gsub over the budgeted matcher (sandbox_pat.c). */
int att__sb_str_find(lua_State *L);
int att__sb_str_match(lua_State *L);
int att__sb_str_gmatch(lua_State *L);
int att__sb_str_gsub(lua_State *L);
/* Build the sandbox in a fresh state (run it with lua_pcall). */
int att__sandbox_open(lua_State *L);

#endif
