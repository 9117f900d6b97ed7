/*
 * The daemon: `attache serve` runs the scripts of a directory on a libuv
 * loop, with schedules (at.every, at.cron, at.at), rules (at.on) and
 * reminders (at.remind).  docs/daemon.md is the manual.
 *
 * The engine keeps its own queue of due times (core/timeq.h) on its own
 * clock, real or simulated; libuv only wakes it (one uv_timer), watches the
 * scripts directory, polls the store for changes made by other processes
 * and turns signals into flags.  A simulated run (--now T --until T2) is
 * the same code as a real one, only the clock jumps.  Every call into a
 * script goes through att_script_call (bindings/host/host.h).
 *
 * The files: daemon.c (the loop, the handles, the life cycle of scripts,
 * the state file and the lock), daemon_jobs.c (schedules, rules, the queue
 * of store changes), daemon_remind.c (reminders), daemon_log.c (the log),
 * daemon_restart.c (restarting in place without a stuck script),
 * daemon_compact.c (compaction in a child), lua_sched.c (the Lua
 * functions).  This header is what the rest of the program uses; what
 * those files share is in daemon_int.h.
 */
#ifndef ATT_DAEMON_H
#define ATT_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "date.h"
#include "host.h"

enum { ATT_DAEMON_REAL = 1, ATT_DAEMON_SIM, ATT_DAEMON_ONCE };

#define ATT_HTTP_LISTEN_MAX 8

/* How much the daemon logs: errors only, the default, or debug lines too. */
enum { ATT_VERB_QUIET = 0, ATT_VERB_NORMAL = 1, ATT_VERB_DEBUG = 2 };

/* What a run did that its exit status should say (att_daemon_run fills
 * it when the run ends). */
typedef struct att_daemon_report {
  uint64_t load_errors; /* versions of scripts that failed to load */
  /* A simulated run that did nothing because STORE/daemon.state says the
   * work up to state_done (at or past --until) was done; else 0. */
  int state_ahead;
  att_time state_done;
} att_daemon_report;

typedef struct att_daemon_opts {
  const char *scripts_dir; /* every *.lua in it is a script */
  int mode;                /* ATT_DAEMON_* */
  att_time start, until;   /* the simulated run (ATT_DAEMON_SIM) */
  int64_t grace;           /* seconds: how far back missed work is made up */
  int use_state;           /* read and write STORE/daemon.state */
  int verbosity;           /* ATT_VERB_* */
  int log_json;            /* JSON Lines on stderr */
  int rule_depth;          /* changes by rules, in a chain, that fire rules */
  int watch;               /* watch the scripts directory (real clock) */
  /* The program's whole argument vector: a script stuck in C past its
   * grace makes the daemon re-execute itself with it (daemon_restart.c).
   * NULL: the process ends instead. */
  char *const *argv;
  att_daemon_report *report; /* NULL, or filled when the run ends */
  /* The HTTP server (real clock only; daemon_http.c): where it listens
   * ("127.0.0.1:8080", "[::1]:8080", "unix:PATH"); plain HTTP on an
   * address other than loopback only when insecure; the seconds a request
   * has to arrive (0: 10); connections at once (0: 10000); each user's
   * requests a second (0: the API's 20), with three times as many at once. */
  struct {
    const char *listen[ATT_HTTP_LISTEN_MAX];
    size_t nlisten;
    int insecure, timeout, max_conn;
    /* a request that holds the loop longer is logged, in milliseconds
     * (negative: the default, 10; 0: every request) */
    int slow_ms;
    double rate;
    int trust_proxy; /* take the client's address from X-Real-IP of local peers */
    const char *reports; /* the reports' directory (NAME.lua), or NULL */
  } http;
} att_daemon_opts;

#define ATT_DAEMON_GRACE_DEFAULT 86400
#define ATT_DAEMON_RULE_DEPTH 8
/* Changes made by rules in one turn (the dispatch of the changes a
 * callback, a main chunk or other processes made): past it, rules stop
 * until the next turn. */
#define ATT_DAEMON_RULE_CASCADE 1000

void att_daemon_opts_init(att_daemon_opts *o);

/* What one entry of the engine's queue costs, counted against the
 * max-memory of the script it runs for: a slot and a heap node (56 bytes
 * in core/timeq.c), twice, for the room the arrays keep as they grow. */
#define ATT_DAEMON_QENTRY_BYTES 112

/*
 * Run the daemon over the store in store_dir with the engine e (limits,
 * paths and alerts set up; e->store NULL: the daemon opens the store
 * itself, with its clock for created/updated and its change callback).
 * Takes STORE/daemon.lock, loads the scripts, runs until the simulated
 * run ends, --once is done, or SIGINT/SIGTERM; then closes every handle.
 * 0, or a negative code with a message when it could not start.
 */
int att_daemon_run(att_engine *e, const char *store_dir, const att_daemon_opts *o);
/* `attache __read` (hidden): the reader process `attache serve --listen`
 * starts for the reads that scan the store (daemon_reader.c). */
int att__reader_main(const char *store_dir);

/* ---- for `attache check` ------------------------------------------------- */

/* Mark the state of a script that `attache check` loads: at.every, at.on...
 * then check their arguments and count them, without running anything. */
void att_sched_check_mode(lua_State *L);
/* "2 schedules, 1 rule" for what the script registered, into buf; 0 when
 * it registered nothing (buf is then ""). */
int att_sched_check_summary(lua_State *L, char *buf, size_t cap);

/* Add at.every, at.cron, at.at, at.on and at.remind (lua_sched.c) to the
 * attache module; the program calls it once at start-up.  Outside `serve`
 * they raise "works in scripts run by 'attache serve'". */
void att_daemon_lua_extend(void);

#endif
