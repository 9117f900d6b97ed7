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

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "error.h"
#include "store.h"

typedef struct att_limits {
  uint64_t instructions; /* VM instructions per call; 0 = no limit */
  size_t memory;         /* bytes of Lua memory per script; 0 = no limit */
  size_t string_max;     /* longest string a library function may build */
  double seconds;        /* wall-clock time per call; 0 = no limit */
  int allow_debug;       /* expose the debug library */
} att_limits;

/* Defaults, documented in docs/sandbox.md (and `attache run --help`). */
void att_limits_default(att_limits *l);

/* Directories (or single files) a script may read or write.  Entries are
 * absolute and canonical (no symlinks, no ".."): add them with
 * att_paths_add, which resolves them.  Writing implies reading. */
typedef struct att_paths {
  char **read;
  size_t nread;
  char **write;
  size_t nwrite;
  /* The output directory (at.outdir(): relative report paths are in it),
   * one of write[]; NULL: none.  Set it with att_paths_set_out. */
  const char *out;
} att_paths;

/* Resolve path and add it to the read (write = 0) or write list.  A write
 * directory that does not exist yet is accepted when its parent exists; it
 * is created on the script's first write into it.  0, or a negative code
 * with a message naming the path. */
int att_paths_add(att_paths *p, const char *path, int write);
/* att_paths_add(p, path, 1), and the result is the output directory. */
int att_paths_set_out(att_paths *p, const char *path);
void att_paths_free(att_paths *p);

enum { ATT_LOG_ERROR, ATT_LOG_WARN, ATT_LOG_INFO, ATT_LOG_DEBUG };

/* Where messages go: one formatted message (a script's error with its
 * traceback after "\nstack traceback:") at a level (ATT_LOG_*), from a
 * script (its path) or NULL for attache itself. */
typedef void (*att_log_fn)(void *ud, int level, const char *script, const char *msg);

typedef struct att_engine {
  att_store *store; /* may be NULL (no store, or `attache check`) */
  /* Why store is NULL, for the script that tries to use it ("no store at
   * DIR; create one with 'attache init'"); NULL: no reason known. */
  const char *nostore;
  att_limits limits;
  att_paths paths;
  /* The engine's clock (simulated in the daemon's replay); NULL: system. */
  att_time (*now)(void *ud);
  void *now_ud;
  /* Where errors of scripts and messages go; NULL: stderr. */
  att_log_fn log;
  void *log_ud;
  uint64_t errors; /* errors in scripts, counted */
  /* Where at.alert goes (bindings/alerts/alerts.h); NULL: alerts are refused. */
  struct att_alerts *alerts;
  /* The daemon running the scripts (bindings/daemon/daemon.h); NULL outside
   * `attache serve`: schedules, rules and reminders are then refused (run)
   * or only checked (check). */
  struct att_daemon *daemon;
  /* Who the store's writes are made by while no script's code runs (the
   * user, given to the store when it is opened); NULL: unknown.  While a
   * script's code runs its own author is the store's (att_script_set_author);
   * author_now is the one set (NULL: author), kept by the host. */
  const char *author;
  const char *author_now;
} att_engine;

att_time att_engine_now(const att_engine *e);
/* The message fmt, ... to e->log; without one (e or e->log NULL), to
 * stderr as "attache: [warning: ]message", escaped for a terminal, debug
 * messages dropped. */
void att_engine_log(att_engine *e, int level, const char *script, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* The same with the destination given: fn(ud, ...), or stderr as above
 * when fn is NULL.  The daemon logs through it with its own fn before and
 * after its engine carries it. */
void att_log_to(att_log_fn fn, void *ud, int level, const char *script, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
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

/* Who the script's writes are made by (docs/history.md): the daemon's
 * "rule:NAME.lua", run's "USER via NAME.lua"; copied.  While any of its
 * code runs (each att_script_call) the store's author is this one, and
 * the one before is put back after.  NULL (the default): the engine's.
 * 0, or ATT_ENOMEM. */
int att_script_set_author(att_script *s, const char *author);
const char *att_script_author(const att_script *s);

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

/* att_script_call's code when the script called os.exit(n): nothing is
 * logged or counted, and att_script_exit_code() gives n (0-255). */
#define ATT_SCRIPT_EXIT ATT_EEXIT /* the script called os.exit (the error table) */
int att_script_exit_code(const att_script *s);

/* Lua memory in use by the script's state, and the most it has used. */
size_t att_script_memory(const att_script *s, size_t *peak);

/* The engine and script of a state (for the bindings). */
att_engine *att_lua_engine(lua_State *L);
att_script *att_lua_script(lua_State *L);

/* The `attache` module's raw C layer; scripts/attache.lua builds on it.
 * Inside a sandbox, require "attache.core" returns it, require "attache"
 * the embedded scripts/attache.lua, require "attache.NAME" any other
 * embedded scripts/NAME.lua. */
int luaopen_attache_core(lua_State *L);

/*
 * Library functions that do work in C count it against the call's budget,
 * as if it were VM instructions (pattern matching steps, table.move
 * elements, garbage collections): raises the budget error when it is
 * exhausted.  For bindings whose C work grows with the input.
 */
void att_lua_charge(lua_State *L, uint64_t units);

/* The check io.open makes, for bindings that open files (at.csv...): the
 * canonical path of `path` in out (PATH_MAX bytes) if the script may read
 * it (write = 0) or write it (write = 1: the file may not exist yet; a
 * planned output directory is made).  0, or -1 with the reason in why
 * ("not allowed: outside the directories this script may read ..."). */
int att_lua_path(lua_State *L, const char *path, int write, char *out, char *why,
                 size_t whylen);

/*
 * C memory held on a script's behalf (cursors, reminder plans, schedules,
 * report buffers, decoded JSON/CSV) counts against its max-memory, with
 * its Lua memory.  att_lua_mem_take raises "not enough memory" (as Lua
 * does) when n more bytes would pass the cap; att_script_mem_take is the
 * same without raising (0, or ATT_ENOMEM with a message); give returns
 * bytes taken (safe in __gc and after the call has ended).
 */
void att_lua_mem_take(lua_State *L, size_t n);
int att_script_mem_take(att_script *s, size_t n);
void att_script_mem_give(att_script *s, size_t n);

/*
 * Read-only contexts: a reminder's `where` function, a rule's match
 * function, `list --where`.  Between enter and leave (they nest), every
 * write a script can cause (the store, alerts, files, schedules) raises
 * "<what> may not write (<action>)".  Writes are refused as well outside
 * any att_script_call (a finalizer or a leftover closure run after the
 * script's call ended).  Every binding that writes calls
 * att_lua_check_write first; action names it ("at.add", "io.open for
 * writing").
 */
void att_script_readonly_enter(att_script *s, const char *what);
/* 1 if the script may write now: inside its call and not in a read-only
 * context (what att_lua_check_write checks, without raising). */
int att_script_writable(const att_script *s);
/* Where the at.batch open in the script's call began ("script:line: "),
 * for the message if the call ends with it still open; NULL or "" when
 * it closes. */
void att_script_batch_mark(att_script *s, const char *where);
/* Seconds on the monotonic clock (for deadlines). */
double att_monotonic(void);
void att_script_readonly_leave(att_script *s);
void att_lua_check_write(lua_State *L, const char *action);

/*
 * The watchdog (watchdog.c): a call's max-time holds even while C code
 * runs (a timer makes the hook fire at the next instruction), and a call
 * still running ATT__GRACE seconds past its deadline ends the process
 * (status ATT__STUCK_EXIT, a line on stderr); time spent waiting for a
 * CPU does not count, so a busy machine does not make a call look stuck.  att_watchdog_signals makes
 * SIGINT and SIGTERM stop the running call at its next instruction, call
 * wake(ud) (from the signal handler: it must be async-signal-safe, such as
 * uv_async_send), and end the process if the call is still running
 * ATT__GRACE later; att_interrupted() says a stop signal came.
 * att_watchdog_release gives the two signals back their default action.
 */
int att_watchdog_signals(void (*wake)(void *), void *ud);
void att_watchdog_release(void);
int att_interrupted(void);
/* The running call is past its deadline, or a stop signal came: C code
 * that waits (the store's lock) gives up.  att_watchdog_cancel is the same
 * as an att_store_opts.cancel callback. */
int att_watchdog_expired(void);
int att_watchdog_cancel(void *ud);
/* What to do with a call still stuck ATT__GRACE past its deadline, in
 * place of ending the process: fn(s, ud) runs in the signal handler, so
 * it must be async-signal-safe; the daemon re-executes itself without the
 * script (daemon_restart.c).  If fn returns, the process ends as above.
 * NULL restores the default; att_watchdog_release does too. */
void att_watchdog_on_stuck(void (*fn)(att_script *s, void *ud), void *ud);
#define ATT__GRACE 0.5
/* The grace leaves out the time the thread waited for a CPU, up to this
 * many graces on the wall clock. */
#define ATT__GRACE_WALL 10
/* The grace in force: ATT__GRACE, or ATTACHE_GRACE (seconds, 0.1 to 3600)
 * from the environment, for runs under valgrind and the like. */
double att_watchdog_grace(void);
#define ATT__STUCK_EXIT 3

/* A report that ships in the program (scripts/reports/NAME.lua): its
 * source (NUL-ended) and length, or NULL; and the i-th one's name (NULL
 * past the last), in name order. */
const char *att_shipped_report(const char *name, size_t *len);
const char *att_shipped_report_name(size_t i);
/* The script of a command written in Lua (scripts/cli/NAME.lua), or NULL. */
const char *att_shipped_command(const char *name, size_t *len);

#endif
