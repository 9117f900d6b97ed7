/*
 * The outbox of alerts: every delivery of an alert to a receiver (a
 * webhook, a mailbox) that is still to be made, and what became of it,
 * kept in STORE/outbox so that a delivery survives a restart of the
 * daemon and one that a receiver acknowledged is never made again.
 *
 * The file is append-only: one record a line, "CRC JSON", CRC being the
 * CRC-32C of the JSON in eight hex digits, synced before the call
 * returns.  A record queues a delivery (with a copy of the alert), tells
 * the outcome of one attempt (acknowledged, failed with an error and the
 * time of the next try, or failed for good), or queues a failed delivery
 * again.  Reading the records in order gives each delivery's state.  A
 * torn last line (a crash while writing) is cut off with a notice; a
 * damaged line elsewhere is an error naming the line.
 *
 * Several processes may append (the daemon, `attache run`, `attache alerts
 * retry`): each append is made under an exclusive flock of the file, after
 * reading what the others appended since (att_outbox_refresh does only
 * that).  Pure C: sending is the business of bindings/alerts.
 * docs/alerts.md describes the whole.
 */
#ifndef ATT_OUTBOX_H
#define ATT_OUTBOX_H

#include <stddef.h>

#include "alertlog.h"
#include "date.h"

/* What became of a delivery. */
enum { ATT_DLV_PENDING, ATT_DLV_DONE, ATT_DLV_FAILED };

typedef struct att_delivery {
  char *id;          /* the idempotency key: unique per alert and receiver */
  char *receiver;    /* the receiver's name */
  att_alert alert;   /* a copy of the alert */
  att_time queued;   /* when it was queued, on the engine's clock */
  att_time until;    /* no try after this: then it has failed */
  att_time next;     /* the next try (pending) */
  att_time last;     /* the last attempt; 0: none yet */
  unsigned attempts; /* attempts made */
  int state;         /* ATT_DLV_* */
  char *error;       /* the last attempt's error; NULL: none */
  int busy;          /* being sent by this process (never stored) */
} att_delivery;

typedef struct att_outbox att_outbox;

/* Open the outbox of the store in dir: readonly (`attache alerts`) reads
 * it as it is (no file: empty); else it is created (mode 0600) and a torn
 * last line is cut off, with a message to notice.  0, or a negative code
 * with a message. */
int att_outbox_open(const char *dir, int readonly, void (*notice)(void *, const char *), void *ud,
                    att_outbox **out);
void att_outbox_close(att_outbox *ob);

/* Read what other processes appended since this one last looked. */
int att_outbox_refresh(att_outbox *ob);

/* The deliveries, in the order they were first queued. */
size_t att_outbox_count(const att_outbox *ob);
att_delivery *att_outbox_at(att_outbox *ob, size_t i);
att_delivery *att_outbox_find(att_outbox *ob, const char *id);

/*
 * Queue the n deliveries d[0..n) (id, receiver, alert, queued, until and
 * next filled), in one append and one sync.  A delivery whose id is in
 * the outbox already is left out (queued[i] = 0; else 1, when queued is
 * not NULL).  The number queued, or a negative code (nothing was queued).
 */
int att_outbox_queue(att_outbox *ob, const att_delivery *d, size_t n, int *queued);
/*
 * The outcome of one attempt at `at`: error NULL means acknowledged (the
 * delivery is done for good); else it failed with error and is tried
 * again at next, or with next 0 has failed for good.  0, or a negative
 * code.
 */
int att_outbox_tried(att_outbox *ob, const char *id, att_time at, const char *error,
                     att_time next);
/* Queue a failed delivery again: tried at next, until until.  0, or
 * ATT_ENOTFOUND (no such delivery), ATT_EINVAL (it has not failed). */
int att_outbox_retry(att_outbox *ob, const char *id, att_time at, att_time next, att_time until);

/* The earliest next try among pending deliveries not busy: 1 and *when,
 * or 0 when there is none. */
int att_outbox_next_due(const att_outbox *ob, att_time *when);

/*
 * How long to wait after the attempt-th failed attempt (from 1):
 * first_wait doubled each time up to max_wait, the latter half spread by
 * a jitter drawn from the id and the attempt (so that many deliveries
 * failing together do not come back together, and a replay waits the
 * same).  At least one second.
 */
att_time att_outbox_backoff(const char *id, unsigned attempt, att_time first_wait,
                            att_time max_wait);

/* The name of a state: "pending", "done", "failed". */
const char *att_delivery_state_name(int state);

#endif
