/*
 * The script host: the engine that user scripts run in, and the sandboxed
 * Lua state of each script.
 *
 * One att_engine is shared by every script of a process (the store, the
 * engine's clock, the limits, the paths a script may use, the log).  Each
 * script gets its own lua_State built from an allow list (sandbox.c), with
 * an instruction budget per call and a memory cap, and the module
 * `attache` available through require.  Every call into user Lua goes
 * through att_script_call: one protected call with a traceback, whose
 * error is logged with script:line and counted, never fatal.
 */
#ifndef ATT_HOST_H
#define ATT_HOST_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "store.h"

typedef struct att_limits {
  uint64_t instructions; /* VM instructions per call; 0 = no limit */
  size_t memory;         /* bytes of Lua memory per script; 0 = no limit */
  size_t string_max;     /* longest string a library function may build */
  int allow_debug;       /* expose the debug library */
} att_limits;

/* Defaults, documented in docs/sandbox.md (and `attache run --help`). */
void att_limits_default(att_limits *l);

/* Directories (or single files) a script may read or write. */
typedef struct att_paths {
  char **read;
  size_t nread;
  char **write;
  size_t nwrite;
} att_paths;

enum { ATT_LOG_ERROR, ATT_LOG_WARN, ATT_LOG_INFO, ATT_LOG_DEBUG };

typedef struct att_engine {
  att_store *store; /* may be NULL for `attache check` */
  att_limits limits;
  att_paths paths;
  /* The engine's clock (simulated in the daemon's replay); NULL: system. */
  att_time (*now)(void *ud);
  void *now_ud;
  /* Where errors of scripts and messages go; NULL: stderr. */
  void (*log)(void *ud, int level, const char *script, const char *msg);
  void *log_ud;
  uint64_t errors; /* errors in scripts, counted */
} att_engine;

att_time att_engine_now(const att_engine *e);
void att_engine_log(att_engine *e, int level, const char *script, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

typedef struct att_script att_script;

/* A new sandboxed state for the script called `name` (its path, for
 * messages and for the directory `require` searches). NULL on no memory. */
att_script *att_script_new(att_engine *e, const char *name);
void att_script_free(att_script *s);
lua_State *att_script_L(att_script *s);
att_engine *att_script_engine(att_script *s);
const char *att_script_name(att_script *s);

/* Compile a text chunk (never binary) and leave it on the stack as a
 * function whose environment is the sandbox: 0, or a negative code with
 * the compiler's message in att_errmsg(). */
int att_script_load_file(att_script *s, const char *path);
int att_script_load_string(att_script *s, const char *code, size_t len, const char *chunkname);

/*
 * The one protected call into user Lua: the function and nargs arguments
 * are on the stack.  Resets the instruction budget, runs with a traceback
 * handler, and on error logs "script:line: message" with the traceback,
 * counts it, and returns a negative code (the message in att_errmsg()).
 * On success the nresults results are left on the stack.
 */
int att_script_call(att_script *s, int nargs, int nresults);

/* The engine and script of a state (for the bindings). */
att_engine *att_lua_engine(lua_State *L);
att_script *att_lua_script(lua_State *L);

/* The `attache` module's raw C layer; scripts/attache.lua builds on it. */
int luaopen_attache_core(lua_State *L);

#endif
