/*
 * The daemon's internals, shared by the files of bindings/daemon/ only:
 * the loaded scripts, their jobs, the queue of store changes, and the
 * functions each file gives the others.  daemon.h is the public face.
 */
#ifndef ATT_DAEMON_INT_H
#define ATT_DAEMON_INT_H

#include <uv.h>

#include "api.h"
#include "cron.h"
#include "daemon.h"
#include "lua_util.h"
#include "remind.h"
#include "timeq.h"
#include "web.h"

typedef struct att_daemon att_daemon;
typedef struct att__job att__job;
typedef struct att__remind att__remind;
typedef struct att__http att__http;
typedef struct att__rjob att__rjob;

/* A child process watched from the loop (daemon_child.c): started with
 * att_spawn (spawnproc.h: never fork, which would make the loop pay for its
 * memory), its end seen by a SIGCHLD watcher that reaps only its pid.
 * sig is the handle: its data is the caller's, and it is closed with
 * uv_close, also after a failed start. */
typedef struct att__child att__child;
typedef void (*att__child_exit)(att__child *c, int64_t status, int signum);
struct att__child {
  uv_signal_t sig; /* first: the watcher finds its child by it */
  pid_t pid;       /* 0 before the start and once reaped */
  att__child_exit exit_cb;
};
/* Start this program (the image the daemon runs, even once its file has
 * been replaced or removed) with argv (NULL-terminated; argv[0] is only
 * its name in ps) and fd as the child's 0, 1, 2
 * (-1: /dev/null); exit_cb runs once when it has ended (status, or the
 * signal that ended it; status -1: not known), after which the handle may
 * be closed.  0, or a negative attache error code with its message. */
int att__child_start(uv_loop_t *loop, att__child *c, char *const argv[], const int fd[3],
                     att__child_exit exit_cb);
/* Send a signal to a child that has not been reaped; 0 or a libuv error. */
int att__child_kill(att__child *c, int signum);
/* A channel for a child (a socket pair, as uv_spawn made): p (initialised
 * by the caller) gets this end, *child_fd the other, for att__child_start's
 * fd and to be closed after it.  to_child: the child reads it.  0 or a
 * libuv error. */
int att__child_pipe(uv_pipe_t *p, int to_child, int *child_fd);

enum { ATT__JOB_EVERY = 0, ATT__JOB_CRON, ATT__JOB_AT, ATT__JOB_RULE, ATT__JOB_REMIND,
       ATT__JOB_NTYPES };

/* A loaded script: one version of one file of the scripts directory. */
typedef struct att__dscript {
  char *name;        /* file name, the sort key and the name in the log */
  char *path;
  att_script *s;
  att__job *jobs, *last; /* in registration order */
  int njobs[ATT__JOB_NTYPES];
  /* The file as loaded, to see it change (and as last refused, so that a
   * broken version is reported once). */
  int64_t sig[4], badsig[4];
  int dirty; /* dead jobs to sweep */
  /* Names this version for the changes it made, to give back what they
   * hold once dispatched (0 until it makes one; daemon_jobs.c). */
  uint64_t serial;
  /* Left out: this version (badsig) was stuck in C before a restart. */
  int quarantined;
} att__dscript;

/* A script left out after a restart: its name and its file as it was. */
typedef struct att__quar {
  char *name;
  int64_t sig[4];
} att__quar;

struct att__job {
  int type; /* ATT__JOB_* */
  uint64_t id;
  att__dscript *owner;
  int fn; /* registry reference of the callback in the owner's state */
  int dead;
  att__job *next;
  att_timeq_handle qh; /* schedules: the queue entry, 0 if none */
  att_time at;         /* at.at: the instant */
  att_duration every;
  /* at.every: its runs are origin + k intervals (k >= 1), origin the
   * instant it was first planned from, kept in the state file across
   * restarts; anchor, a run of the series already passed (0: none) */
  att_time origin, anchor;
  att_cron cron;
  int op;            /* rules: ATT_CHANGE_* */
  /* rules with {field = ...}: the field names, each ended by a NUL, the
   * list by another ("status\0when\0\0"); NULL: every change */
  char *fields;
  char *what;        /* "every 1d", "cron 0 8 * * 1", "remind NAME" */
  att__remind *rem;  /* reminders */
  size_t charged;    /* bytes counted against the owner's max-memory */
};

/* A change to dispatch: copies of the old and new JSON.  depth is 0 for a
 * change made by a callback, a main chunk or another process, n + 1 for
 * one a rule made for a change of depth n.  The copies count against the
 * max-memory of the script that made the change (by: its serial) until
 * the change is dispatched. */
typedef struct att__change {
  int op, depth;
  int64_t id;
  char *old, *cur;
  size_t oldlen, curlen;
  uint64_t by;
  size_t charged;
} att__change;

struct att_daemon {
  att_engine *e;
  att_daemon_opts o;
  char *store_dir;
  uv_loop_t loop;
  uv_timer_t wake, poll, debounce;
  uv_fs_event_t watch;
  uv_signal_t sig[3];
  int watching, polling, nhandles;
  att_clock clock;
  att_timeq q;
  att_time start_now; /* the instant the run began: what is due before is late */
  att_time base;      /* work is planned from here at start-up */
  int base_done;      /* the previous run processed the instant base itself */
  att_time saved;     /* the instant last written to daemon.state */
  int started;        /* scripts loaded at start-up are planned from base */
  char *every_state;  /* the state file's "every" lines, read at start-up (NULL: none) */
  att__dscript **scripts; /* by name */
  size_t nscripts;
  att__dscript *loading; /* the script whose main chunk runs */
  uint64_t next_id;
  size_t nrules, nremind; /* live, to know whether changes matter */
  att__change *pend;
  size_t npend, cappend, headpend;
  int draining, cur_depth, cascade_warned;
  size_t cascade;         /* changes made by rules in this turn */
  att__dscript *calling;  /* the script whose callback runs (att__call) */
  uint64_t next_serial;
  size_t dropped;         /* changes not dispatched this turn (max-memory) */
  int busy; /* inside a call into Lua */
  int stop, hup, rescan, finished;
  att__child compactor; /* `attache compact`, while compacting */
  int compacting;
  uint64_t compact_began, compact_retry; /* uv_hrtime / uv_now */
  int lockfd;
  uint64_t callbacks, alerts, loaded, load_errors;
  char *state_path;
  /* Restarting in place (daemon_restart.c): what a restart would resume
   * from, set before each call; the due time of the job that runs (0:
   * none); and, in a restarted image, where to resume and what to leave out. */
  att_time resume, firing_due, resume_from;
  int resumed;
  att__quar *quar;
  size_t nquar;
  att__http *http; /* the HTTP server, or NULL (daemon_http.c) */
  int reports;     /* report processes running (daemon_report.c) */
};

/* daemon.c */
att_daemon *att__daemon_of(lua_State *L);
att__dscript *att__dscript_of(att_daemon *d, lua_State *L);
att_time att__now(att_daemon *d);
/* at.every's origin for j, a job being registered: the state file's,
 * when the previous run had the same schedule in the same script (its
 * name, its `what`, its rank among those), else `from`. */
att_time att__every_origin(att_daemon *d, att__job *j, att_time from);
/* The state file's "every" lines for the jobs now live, appended to b. */
struct att__sb;
void att__every_state(att_daemon *d, struct att__sb *b);

/* The instant new work is planned from: base while scripts load at
 * start-up, else now.  at.every counts its first interval from it. */
att_time att__plan_from(att_daemon *d);
/* The instant after which work is due (at.at, at.cron, reminders): at
 * start-up, work due at base itself is due unless the previous run (the
 * state file) processed that instant, so that what falls due exactly at
 * --now runs; else now (what is due now has run). */
att_time att__plan_after(att_daemon *d);
/* A line of the daemon's log (daemon_log.c's att__log_cb), formatted by
 * the engine's logger: att__log(d, level, script, fmt, ...). */
#define att__log(d, ...) att_log_to(att__log_cb, (d), __VA_ARGS__)

/* daemon_compact.c: run `attache compact` in a child when the journal is
 * long and none runs yet. */
void att__compact_check(att_daemon *d);

/* daemon_jobs.c */
att__job *att__job_new(att_daemon *d, att__dscript *ds, int type, int fnidx, const char *what);
void att__job_plan(att_daemon *d, att__job *j, att_time after);
int att__job_cancel(att_daemon *d, att__dscript *ds, uint64_t id);
void att__job_kill(att_daemon *d, att__job *j);
void att__jobs_sweep(att_daemon *d, att__dscript *ds);
void att__jobs_free(att_daemon *d, att__dscript *ds);
void att__job_fire(att_daemon *d, const att_timeq_item *it);
/* One call into a script: push(L, ctx) runs protected, pushes the function
 * and its arguments and returns how many arguments; the nres results are
 * left on the stack when the call succeeds (0), else a negative code. */
typedef int (*att__pushfn)(lua_State *L, void *ctx);
int att__call(att_daemon *d, att__dscript *ds, att__pushfn push, void *ctx, int nres);
void att__on_change(void *ud, int op, int64_t id, const char *old_json, size_t old_len);
void att__drain(att_daemon *d);
void att__changes_free(att_daemon *d);

/* daemon_remind.c */
att__remind *att__remind_new(void);
/* What planning n events with nleads leads holds at most: the table and
 * the queue entries, counted against the script's max-memory. */
size_t att__remind_plan_bytes(size_t n, int nleads);
/* Count `bytes` planned already (taken at registration) against the
 * reminder: the scan then works within them. */
void att__remind_reserved(att__job *j, size_t bytes);
void att__remind_free(att_daemon *d, att__job *j);
void att__remind_scan(att_daemon *d, att__job *j, att_time after);
/* Set q's window to the events whose reminders of `spec` may fall
 * between `after` and the horizon a planning from `after` reaches (the
 * events that recur included): what a scan plans. */
void att__remind_window(att_daemon *d, const att_remind_spec *spec, att_time after,
                        att_query *q);
void att__remind_change(att_daemon *d, att__job *j, const att__change *c);
void att__remind_fire(att_daemon *d, att__job *j, const att_timeq_item *it);
void att__remind_unplan(att_daemon *d, att__job *j);

/* daemon_restart.c: read what a previous image left (ATTACHE__RESUME,
 * ATTACHE__QUARANTINE) and get ready to re-execute; whether the file of
 * `name` with signature sig is the version left out; the end. */
int att__restart_prepare(att_daemon *d);
int att__restart_quarantined(att_daemon *d, const char *name, const int64_t sig[4]);
void att__restart_free(att_daemon *d);
/* daemon.c: the instant up to which all is done if the call about to
 * start never returns (set in d->resume before each call). */
void att__resume_mark(att_daemon *d);

/* lua_sched.c: the Lua functions (att_daemon_lua_extend adds them). */
int attl_every(lua_State *L);
int attl_cron(lua_State *L);
int attl_at(lua_State *L);
int attl_on(lua_State *L);
int attl_remind(lua_State *L);

/* daemon.c: run the rules on the changes queued, then go on (a request
 * of the HTTP server made or found them). */
void att__changed(att_daemon *d);

/* daemon_http.c: the server of --listen (start: bind every address, or a
 * negative code with a message; stop: close the listeners and every
 * connection; free, after the loop ended).  changed: tell the event
 * streams of a change to the store. */
int att__http_start(att_daemon *d);
void att__http_stop(att_daemon *d);
void att__http_free(att_daemon *d);
void att__http_changed(att_daemon *d, int op, int64_t id);
/* daemon_report.c: run the report at path (its query's parameters as
 * name=value arguments) in a child; done(ud, status, content type, body,
 * length) is called when it ends (200, or 500 with a message as the
 * body; the body is malloc'd and given), unless detached first (the
 * client left).  At most ATT__REPORTS_MAX at once (ATT_EBUSY). */
#define ATT__REPORTS_MAX 2
typedef void (*att__report_done)(void *ud, int status, const char *ctype, char *body, size_t len);
int att__report_run(att_daemon *d, const char *path, const att_api_param *params, size_t n,
                    att__report_done done, void *ud, att__rjob **job);
void att__report_detach(att__rjob *j);

/* The reader (daemon_reader.c): the API's reads that scan the store, and
 * the web page's pages made from them (web set: for whom), answered by a
 * process of its own.  done gets the answer (body taken;
 * ctype NULL for JSON), or, with etag NULL, no answer: 503 or 500 and a
 * message as body. */
typedef struct att__reader att__reader;
typedef struct att__rwait att__rwait;
typedef void (*att__reader_done)(void *ud, int status, const char *ctype, const char *etag, char *body,
                                 size_t len);
att__reader *att__reader_new(att_daemon *d);
int att__reader_ask(att__reader *r, const att_api_req *rq, const att_web_view *web, att_time now,
                    att__reader_done done, void *ud, att__rwait **out);
void att__reader_detach(att__rwait *w);
void att__reader_stop(att__reader *r);
void att__reader_free(att__reader *r);
/* The OpenAPI description, docs/api/openapi.json, embedded at build time. */
extern const char att__openapi_json[];
extern const size_t att__openapi_json_len;
/* The web page's stylesheet and script (scripts/ui/), embedded. */
extern const char att__ui_css[], att__ui_js[];
extern const size_t att__ui_css_len, att__ui_js_len;

/* daemon_log.c */
void att__log_cb(void *ud, int level, const char *script, const char *msg);
void att__log_summary(att_daemon *d);

/* The reminder's options, filled by lua_sched.c. */
struct att__remind {
  char *name, *level, *msgtext;
  att_remind_spec spec;
  char *leads[ATT_REMIND_MAX_LEADS]; /* as written */
  char *kind, *status;
  char **actors, **tags;
  size_t nactors, ntags;
  int where, message; /* registry references, or LUA_NOREF */
  /* event id -> the queue entry of each lead (open addressing; key 0 is
   * empty, -1 a removed entry) */
  int64_t *keys;
  att_timeq_handle *hs;
  size_t cap, used, live;
  size_t charged; /* bytes of the table and queue counted for the owner */
  int scanned;    /* the store was scanned once: later changes re-plan */
  int full;       /* the last event was refused for max-memory (logged) */
  /* The monthly question about dates still unknown (daemon_remind.c):
   * its queue entry (kind 0, id 0), or 0. */
  att_timeq_handle ask_h;
  /* Reminders are planned only up to the horizon (daemon_remind.c):
   * the last instant whose reminders are queued, and the queue entry
   * (kind ATT__REMIND_EXTEND) that moves it on, or 0. */
  att_time horizon;
  att_timeq_handle ext_h;
};
/* The queue entry kind that extends a reminder's horizon (leads are 1 to
 * ATT_REMIND_MAX_LEADS, the monthly question 0). */
#define ATT__REMIND_EXTEND (ATT_REMIND_MAX_LEADS + 1)
/* How far ahead of the daemon's clock reminders are planned: 28 days. */
#define ATT__REMIND_HORIZON (28 * 86400)

#endif
