/*
 * Inside the alerts: what alerts.c (the log, stdout and the file),
 * alert_cmd.c (the command), alert_conf.c (receivers and routes),
 * alert_send.c (a request to a receiver), alert_uv.c (transfers on the
 * daemon's loop) and alert_outbox.c (queueing and retries) share.
 * Nothing outside this folder uses it; the public interface is alerts.h.
 */
#ifndef ATT_ALERT_INT_H
#define ATT_ALERT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "alerts.h"
#include "outbox.h"

/* ---- receivers and routes (alert_conf.c) ---------------------------------- */

enum { ATT__RECV_WEBHOOK = 1, ATT__RECV_EMAIL };
enum { ATT__TPL_GENERIC, ATT__TPL_SLACK, ATT__TPL_MATTERMOST, ATT__TPL_TEAMS };
enum { ATT__TLS_OFF, ATT__TLS_TRY, ATT__TLS_REQUIRED };

typedef struct att__recv {
  char *name;
  int type;          /* ATT__RECV_* */
  double timeout;    /* seconds for one attempt */
  char *url;         /* secret when it came from a file or the environment */
  int url_secret;    /* it did: scrubbed from messages */
  char *shown;       /* the URL as it may be shown: scheme://host[:port]/... */
  int tpl;           /* webhook: ATT__TPL_* */
  char *token;       /* webhook: bearer token (secret), or NULL */
  char *from;        /* email */
  char **to;
  size_t nto;
  char *username;
  char *password;    /* secret */
  int tls;           /* email over smtp://: ATT__TLS_* */
  int failed;        /* an attempt failed in this process (attache run) */
  att_time group_wait; /* > 0: alerts are held so long, then sent together */
} att__recv;

/* A route: the alerts it matches (every matcher must match; a matcher
 * matches when one of its values does) go to its receivers. */
enum { ATT__M_LEVEL, ATT__M_KIND, ATT__M_ACTOR, ATT__M_TAG, ATT__M_N };
typedef struct att__route {
  char **vals[ATT__M_N]; /* NULL-terminated; NULL: any */
  size_t *recv;          /* indexes into the receivers */
  size_t nrecv;
} att__route;

typedef struct att__conf {
  att__recv *recv;
  size_t nrecv;
  att__route *routes;
  size_t nroutes;      /* 0: every alert goes to every receiver */
  att_time retry_for;  /* how long a delivery is tried */
  att_time retry_first, retry_max; /* the backoff */
} att__conf;

#define ATT__RETRY_FOR_DEFAULT (24 * 3600)
#define ATT__RETRY_FIRST_DEFAULT 10
#define ATT__RETRY_MAX_DEFAULT 3600
#define ATT__RECV_TIMEOUT_DEFAULT 10.0

/* A config line of receivers, routes or retries (alerts.h's
 * att_alert_outputs_set passes them): 1 taken, 0 not one, or a negative
 * code with a message. */
int att__conf_set(att_alert_outputs *o, const char *key, const char *value);
/* Build (and check) the receivers and routes from o->conf, reading the
 * secrets.  0, or a negative code with a message without secrets. */
int att__conf_build(const att_alert_outputs *o, att_store *st, att__conf *c);
void att__conf_free(att__conf *c);
/* A receiver by name, or NULL. */
const att__recv *att__conf_recv(const att__conf *c, const char *name);
/* Replace every secret of c in msg (in place) by "***". */
void att__conf_scrub(const att__conf *c, char *msg);

/* ---- one request to a receiver (alert_send.c) ----------------------------- */

typedef struct att__xfer {
  void *curl;             /* CURL * */
  void *headers, *rcpt;   /* struct curl_slist * */
  char *body;
  size_t len, off;
  char errbuf[256];
  att_delivery *d;
  att_delivery **more;    /* a group's other deliveries (malloc'd), sent as one message with d */
  size_t nmore;
  const att__recv *r;
  struct att__xfer *next; /* in flight on the loop */
  int sync;               /* curl_easy_perform: interruptible by a signal */
} att__xfer;

/* Prepare the request of d to r (the engine time now for its Date).  0,
 * or a negative code with a message. */
int att__xfer_init(att__xfer *x, const att_delivery *d, const att__recv *r, att_time now);
/* The same for a group: ds[0..n) in one message (one request, one mail),
 * acknowledged or failed as a whole; its idempotency key is the first
 * delivery's id and "+N" (the others' count). */
int att__xfer_init_group(att__xfer *x, att_delivery *const *ds, size_t n, const att__recv *r, att_time now);
/* What became of a transfer, for each of its deliveries (err: taken). */
void att__xfer_done(att_alerts *al, att__xfer *x, char *err);
/* The outcome of a finished transfer (code: its CURLcode): NULL when the
 * receiver acknowledged, else what went wrong (malloc'd). */
char *att__xfer_outcome(att__xfer *x, int code);
void att__xfer_free(att__xfer *x);
/* Make the request now, waiting at most the receiver's timeout: NULL or
 * the error, as att__xfer_outcome. */
char *att__xfer_perform(att__xfer *x);

/* A command that is still running: its stdin may not be written yet. */
typedef struct att__alert_kid {
  pid_t pid;
  int wfd;         /* write end of its stdin; -1 once closed */
  char *buf;       /* the alert as JSON, one line */
  size_t len, off; /* written so far */
  double deadline; /* monotonic seconds */
  char *what;      /* "alert \"KEY\"", for messages */
  char *script;    /* the script that fired it, or NULL */
} att__alert_kid;

struct att__uv;

struct att_alerts {
  att_engine *e;
  att_alertlog *log;    /* shared: att_alertlog_fire_once */
  att__conf conf;       /* receivers and routes */
  att_outbox *outbox;   /* NULL: no receivers and no outbox file */
  int delivering;       /* attached: this process makes the due deliveries */
  int curl;             /* curl_global_init was called */
  struct att__uv *uv;   /* attached to a loop: its transfers */
  int filefd;           /* the JSON Lines output, or -1 */
  att_alert_outputs o;  /* owned copy */
  uint64_t fired;
  att__alert_kid *kids; /* background commands */
  size_t nkids, capkids;
  att__alert_kid *queue; /* commands waiting for one of those to end */
  size_t qhead, nqueue, capqueue;
  /* Alerts fired inside a batch, waiting for it to end (att_alerts_hold). */
  int holding;
  struct att__held *held;
  size_t nheld, capheld;
};

int att__alert_write_all(int fd, const char *buf, size_t len);
/* Start the command for alert a, fed json (len bytes, malloc'd: taken).
 * Problems are logged. */
void att__alert_cmd_start(att_alerts *al, const att_alert *a, char *json, size_t len);
/* Wait for every background command, each until its time limit. */
void att__alert_cmd_finish(att_alerts *al);

/* ---- the outbox (alert_outbox.c) and the loop (alert_uv.c) ----------------- */

/* Queue the deliveries of alert a (just logged) to the receivers its
 * routes name, and make or start them. */
void att__outbox_fire(att_alerts *al, const att_alert *a, int repeat);
/* Read others' appends; make or start what is due. */
void att__outbox_pump(att_alerts *al);
/* An attempt at d ended: record it (error NULL: acknowledged; taken). */
void att__outbox_result(att_alerts *al, att_delivery *d, char *error);
/* Start x on the loop (taken).  0, or a negative code (x is then freed). */
int att__uv_start(att_alerts *al, att__xfer *x);
/* Transfers under way on the loop. */
size_t att__uv_busy(const att_alerts *al);
/* Wake the outbox at engine time `when` (on the loop). */
void att__uv_wake_at(att_alerts *al, att_time when);

#endif
