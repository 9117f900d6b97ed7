/*
 * Firing alerts: what at.alert, the daemon's reminders and every other
 * rule call to tell someone something.  An alert is first appended to the
 * store's alert log (core/alertlog.h, synced), so that its key fires once
 * across restarts and across processes, and only then sent to the outputs
 * the operator configured: the terminal (one readable line on stdout), a
 * JSON Lines file, and a command that receives the alert as JSON on its
 * standard input.  docs/alerts.md is the manual.
 *
 * An alert's text is kept as the script gave it (it must be UTF-8); what
 * reaches a terminal shows control characters and direction controls
 * escaped, and its JSON has them as \u escapes.
 *
 * The command output is off unless the operator turns it on
 * (--alert-command CMD, or alert-command = CMD in the config file): a
 * script never chooses what runs.  Commands run through /bin/sh -c with a
 * time limit; a command that fails or overruns is logged with its exit
 * status, and the alert stays fired.
 *
 * Receivers (webhooks, mailboxes; alert-receiver.NAME.OPTION in the config
 * file) get an alert through the store's outbox (core/outbox.h): after the
 * log, one delivery per receiver its routes name is queued and synced,
 * then sent with libcurl and retried with backoff until acknowledged or
 * past its retry period.  In the daemon on the real clock the transfers
 * run on its libuv loop (att_alerts_attach); elsewhere one attempt is made
 * at once, bounded by the receiver's timeout.
 */
#ifndef ATT_ALERTS_H
#define ATT_ALERTS_H

#include <stdio.h>

#include "alertlog.h"
#include "host.h"

/* Where an alert may go: bits of `to`. */
enum {
  ATT_ALERT_TO_STDOUT = 1,
  ATT_ALERT_TO_FILE = 2,
  ATT_ALERT_TO_COMMAND = 4,
  /* Every output the operator configured (the default of at.alert). */
  ATT_ALERT_TO_CONFIGURED = 0
};

/* The operator's choice of outputs, filled from the config file and the
 * command line (att_alert_outputs_set), then given to att_alerts_open,
 * which copies it. */
typedef struct att_alert_outputs {
  int to_stdout;   /* the readable line on stdout (default 1) */
  char *file;      /* JSON Lines file to append to; NULL: none */
  char *command;   /* shell command fed the alert on stdin; NULL: none */
  double timeout;  /* seconds a command may run (default 10) */
  /* Wait for each command before returning from att_alerts_fire, so that
   * what commands print comes in a fixed order: set for `attache run` and
   * for the daemon on a simulated clock.  Otherwise commands run in the
   * background and are reaped by att_alerts_poll. */
  int wait;
  FILE *out;       /* where the readable line goes; NULL: stdout */
  /* Receivers, routes and retries as the config file gave them
   * (alert-receiver.NAME.OPTION, alert-route, alert-retry-*): key and
   * value pairs, checked as a whole by att_alert_outputs_check and
   * att_alerts_open. */
  char **conf;
  size_t nconf;    /* pairs */
} att_alert_outputs;

#define ATT_ALERT_TIMEOUT_DEFAULT 10.0

/* The alerts of an engine (e->alerts), made by att_alerts_open. */
typedef struct att_alerts att_alerts;

/* The defaults: stdout on, no file, no command. */
void att_alert_outputs_init(att_alert_outputs *o);
void att_alert_outputs_free(att_alert_outputs *o);
/*
 * Set one output from a config key or a command-line option (without the
 * dashes; '_' may stand for '-'): alert-command, alert-file, alert-timeout,
 * alert-stdout.  1 if key is one of these and value is good, 0 if key is
 * not an alert key, or a negative code with a message saying what is
 * accepted.
 */
int att_alert_outputs_set(att_alert_outputs *o, const char *key, const char *value);

/*
 * Check the receivers and routes as a whole (each receiver has what its
 * type needs, its secret file or variable can be read, each route names
 * receivers that exist and, with a store st, actors and kinds it knows),
 * without sending anything.  0, or a negative code
 * with a message that names the receiver or route and what is accepted;
 * a secret is never part of it.  With summary, a line for people of what
 * is configured ("2 receivers (ops: webhook, mail: email), 1 route").
 */
int att_alert_outputs_check(const att_alert_outputs *o, att_store *st, char *summary, size_t cap);

/* The help text of the command-line options, for run and serve. */
#define ATT_ALERT_OPTIONS_HELP                                                 \
  "  --alert-file FILE  also append every alert to FILE as JSON Lines\n"       \
  "                     (created with mode 0600)\n"                           \
  "  --alert-command CMD   also run CMD with /bin/sh for every alert, the\n"   \
  "                     alert as JSON on its standard input (off unless\n"    \
  "                     given here or as alert-command in the config file)\n" \
  "  --alert-timeout SEC   seconds CMD may run before it is killed (10)\n"

/*
 * Set up alerts for the engine: open the alert log of the store in
 * store_dir and the file output, and keep a copy of the outputs in
 * e->alerts.  0, or a negative code with a message (a file that cannot be
 * opened, a damaged log).
 */
int att_alerts_open(att_engine *e, const char *store_dir, const att_alert_outputs *o);
/* Wait for the commands still running (each until its time limit), close
 * everything and set e->alerts to NULL.  Safe when nothing was opened. */
void att_alerts_close(att_engine *e);

struct uv_loop_s;
/*
 * The daemon delivers: pending deliveries (those queued by any process,
 * and their retries) are made by this process from now on.  With a loop
 * (the real clock) transfers run on it, never blocking it; without one
 * (a simulated clock) each due delivery is made at att_alerts_poll, one
 * at a time, bounded by its receiver's timeout.  0, or a negative code.
 * Without it (`attache run`) only the alerts this process fires get one
 * attempt, at once; their retries are left to the daemon.
 */
int att_alerts_attach(att_engine *e, struct uv_loop_s *loop);
/* Stop delivering on the loop: transfers under way are dropped (made
 * again at the next start: at least once) and the loop's handles closed,
 * so that the loop can end.  Safe when not attached. */
void att_alerts_detach(att_engine *e);

/*
 * Fire an alert: unless repeat is set, an alert whose key already fired
 * (in this process or any earlier or concurrent one on the same store)
 * is dropped; else it is appended to the log, synced, and sent to the
 * outputs in `to` (ATT_ALERT_TO_* bits; ATT_ALERT_TO_CONFIGURED for all
 * configured ones).  An alert without a key is never deduplicated.
 *
 * The caller fills title (required), and key, body, level (NULL reads as
 * "info"), event, script, at (the engine time it was due) and late as it
 * knows them; a is only read.
 *
 * 1 fired, 0 already fired, or a negative code with a message: ATT_EINVAL
 * for a bad alert or an output in `to` that is not configured (checked
 * before anything is written, so the key is not spent), ATT_EIO or
 * ATT_EPOISONED when the log cannot be written (then nothing is sent).
 * A failing output after the log was written is logged, not returned.
 */
int att_alerts_fire_to(att_engine *e, att_alert *a, int repeat, unsigned to);
int att_alerts_fire(att_engine *e, att_alert *a, int repeat);
/*
 * A batch's alerts go out with it (at.batch): from att_alerts_hold on, an
 * alert is checked and answered as att_alerts_fire_to answers (1, or 0
 * when its key is spent, in the log or by an alert held before it) but
 * only kept; att_alerts_release(e, 1) fires the kept alerts in order once
 * the batch has committed, att_alerts_release(e, 0) drops them when it is
 * rolled back, leaving their keys unspent.  Both are safe without alerts.
 * A held alert that cannot be fired at release is logged.
 */
void att_alerts_hold(att_engine *e);
void att_alerts_release(att_engine *e, int fire);

/*
 * Finish the work of background commands: feed their stdin, reap those
 * that ended (logging a failure with its exit status), kill those past
 * their time limit; read what other processes appended to the outbox and
 * (attached) start the deliveries that are due.  Never blocks, but for a
 * due delivery on a daemon without a loop.  The daemon calls it on each
 * turn of its loop (att_alerts_fire calls it too); returns how many
 * commands are still running.
 */
int att_alerts_poll(att_engine *e);

/*
 * The readable form of an alert on f: "TIME [level] title: body (event N)
 * [late]", the lines of the body after the first indented by four spaces,
 * and with show_key "  key: KEY" at the end of the first line.  Every
 * field is escaped for a terminal (att_termsafe; the body keeps its line
 * breaks and tabs): a script's alert can neither drive the terminal nor
 * pass for another alert.  0, or a negative code with a message.
 */
int att_alert_print(FILE *f, const att_alert *a, int show_key);

#endif
