/*
 * The alert log: every alert that fires (at.alert in any script, the
 * daemon's reminders), appended to `alerts` in the store directory as JSON
 * Lines and synced before the alert is sent on, so that a key fires once
 * across restarts and across processes (att_alertlog_fire_once).  A torn
 * last line (a crash while writing) is dropped with a message; a damaged
 * line elsewhere is an error naming the line.  docs/alerts.md describes
 * the format.
 */
#ifndef ATT_ALERTLOG_H
#define ATT_ALERTLOG_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"

typedef struct att_alert {
  char *key;    /* identity: fires once per key unless repeat */
  char *title;  /* required */
  char *body;   /* optional */
  char *level;  /* info, warn or urgent */
  int64_t event; /* the event it is about, 0 if none */
  char *script; /* the script that raised it */
  att_time at;  /* engine time it was due (simulated in a replay) */
  int late;     /* fired after its time (missed while the daemon was down) */
  int64_t silenced; /* the silence that held it back (core/silence.h), 0 if none */
} att_alert;

extern const char *const att_alert_levels[]; /* NULL-terminated */

void att_alert_init(att_alert *a);
void att_alert_free(att_alert *a);
/* One JSON line (no newline), malloc'd. */
char *att_alert_to_json(const att_alert *a);
int att_alert_from_json(const char *text, size_t len, att_alert *a);
/* "2024-01-08T08:00:00Z [warn] title — body (event 12)" into buf. */
int att_alert_format(const att_alert *a, char *buf, size_t cap);

typedef struct att_alertlog att_alertlog;

/* Open (creating, mode 0600) the log of the store in dir and load the keys
 * of what already fired.  notice (may be NULL) hears recovery messages. */
int att_alertlog_open(const char *dir, void (*notice)(void *, const char *), void *ud,
                      att_alertlog **out);
void att_alertlog_close(att_alertlog *l);
/* 1 if an alert with this key was logged. */
int att_alertlog_seen(const att_alertlog *l, const char *key);
/* Append and sync.  A failed sync is ATT_EPOISONED: no more appends. */
int att_alertlog_append(att_alertlog *l, const att_alert *a);

/* As att_alertlog_open, for a log that other processes fire on at the
 * same time (the daemon and `attache run` on one store): the keys are
 * loaded under an exclusive flock of the log, which
 * att_alertlog_fire_once takes again. */
int att_alertlog_open_shared(const char *dir, void (*notice)(void *, const char *), void *ud,
                             att_alertlog **out);
/*
 * Fire a once: under the lock of a shared log, read again what other
 * processes appended since this one last looked; then, unless repeat is
 * set, drop a whose key is there (an alert without a key is never
 * dropped); else append it and sync.  Only then may it go to its outputs.
 * 1 appended, 0 already fired, or a negative code (the log is then
 * unchanged, or ATT_EPOISONED).  On a log from att_alertlog_open, no other
 * process is expected: the same without the lock.
 */
int att_alertlog_fire_once(att_alertlog *l, const att_alert *a, int repeat);

/* Read the log of the store in dir: fn(ud, alert) for each alert with
 * at >= since, in order; fn returns nonzero to stop. */
int att_alertlog_read(const char *dir, att_time since,
                      int (*fn)(void *ud, const att_alert *a), void *ud);

#endif
