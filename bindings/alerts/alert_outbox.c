/*
 * Deliveries to receivers through the outbox (core/outbox.h): routing an
 * alert that was just logged to receivers, queueing one delivery per
 * receiver (synced), then making them and recording each attempt, with
 * retries after a backoff until the receiver acknowledges or the retry
 * period (alert-retry-for) has passed.
 *
 * Who makes a delivery: the daemon, once attached (att_alerts_attach),
 * makes every due one, those queued by other processes too; `attache run`
 * makes one attempt at the alerts it fires, and queues them with their
 * next try a little later (a lease), so that a daemon running meanwhile
 * leaves them to it; a failure is then retried by the daemon.
 *
 * Times are the engine's (simulated in a replay).  The idempotency key of
 * a delivery is the alert's key and the receiver's name ("KEY/RECEIVER");
 * an alert without a key, or fired again with `repeat`, gets one of its
 * own ("KEY@TIME#RANDOM/RECEIVER"), so that the outbox never mistakes two
 * firings for one.
 */
#include "alert_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "event.h"

/* Transfers under way on the loop at most; the others wait their turn. */
#define MAX_INFLIGHT 32
/* How long after `attache run` queued a delivery the daemon may take it
 * over, beyond the receiver's timeout. */
#define RUN_LEASE 60
/* The most alerts one grouped message holds; the rest go in the next. */
#define GROUP_MAX 100

/* ---- routes ------------------------------------------------------------------ */

static int in_list(char *const *vals, const char *s) {
  for (; s && *vals; vals++)
    if (!strcmp(*vals, s)) return 1;
  return 0;
}

static int any_in(char *const *vals, const att_strv *v) {
  size_t i;
  for (i = 0; i < v->n; i++)
    if (in_list(vals, v->v[i])) return 1;
  return 0;
}

/* Mark in `want` (one flag per receiver) those the routes give a. */
static void route(att_alerts *al, const att_alert *a, char *want) {
  const att__conf *c = &al->conf;
  att_event ev;
  int have_ev = 0, need_ev = 0;
  size_t i, k;
  if (!c->nroutes) {
    memset(want, 1, c->nrecv);
    return;
  }
  memset(want, 0, c->nrecv);
  for (i = 0; i < c->nroutes; i++)
    need_ev |= c->routes[i].vals[ATT__M_KIND] || c->routes[i].vals[ATT__M_ACTOR] || c->routes[i].vals[ATT__M_TAG];
  att_event_init(&ev);
  if (need_ev && a->event && al->e->store && att_store_get(al->e->store, a->event, &ev) == 0) have_ev = 1;
  for (i = 0; i < c->nroutes; i++) {
    const att__route *rt = &c->routes[i];
    if (rt->vals[ATT__M_LEVEL] && !in_list(rt->vals[ATT__M_LEVEL], a->level ? a->level : "info")) continue;
    if (rt->vals[ATT__M_KIND] && !(have_ev && in_list(rt->vals[ATT__M_KIND], ev.kind))) continue;
    if (rt->vals[ATT__M_ACTOR] && !(have_ev && any_in(rt->vals[ATT__M_ACTOR], &ev.actors))) continue;
    if (rt->vals[ATT__M_TAG] && !(have_ev && any_in(rt->vals[ATT__M_TAG], &ev.tags))) continue;
    for (k = 0; k < rt->nrecv; k++) want[rt->recv[k]] = 1;
  }
  att_event_free(&ev);
}

/* ---- queueing ------------------------------------------------------------------ */

static char *delivery_id(const att_alert *a, int repeat, const char *recv) {
  char at[40], rnd[20] = "";
  size_t n;
  char *id;
  if (!a->key || repeat) {
    unsigned char r[4] = {0, 0, 0, 0};
    if (getentropy(r, sizeof r) != 0) { /* then the address and the time differ */
      uintptr_t p = (uintptr_t)a;
      memcpy(r, &p, sizeof r);
    }
    att_time_format(a->at, at, sizeof at);
    snprintf(rnd, sizeof rnd, "#%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
  }
  n = (a->key ? strlen(a->key) : 5) + strlen(recv) + 64;
  if (!(id = malloc(n))) return NULL;
  if (rnd[0]) snprintf(id, n, "%s@%s%s/%s", a->key ? a->key : "alert", at, rnd, recv);
  else snprintf(id, n, "%s/%s", a->key, recv);
  return id;
}

static const char *what(const att_delivery *d) { return d->alert.key ? d->alert.key : d->alert.title; }

/* One attempt now, waiting for it (bounded by the receiver's timeout). */
static void deliver_now(att_alerts *al, att_delivery *d) {
  const att__recv *r = att__conf_recv(&al->conf, d->receiver);
  att__xfer x;
  char *err;
  if (!r) {
    size_t n = strlen(d->receiver) + 64;
    if ((err = malloc(n))) snprintf(err, n, "no receiver '%s' is configured any more", d->receiver);
    att__outbox_result(al, d, err);
    return;
  }
  if (att__xfer_init(&x, d, r, att_engine_now(al->e)) != 0) {
    att_engine_log(al->e, ATT_LOG_ERROR, d->alert.script, "alert \"%s\": %s: %s", what(d), d->receiver, att_errmsg());
    return;
  }
  d->busy = 1;
  err = att__xfer_perform(&x);
  att__xfer_done(al, &x, err);
  att__xfer_free(&x);
}

void att__outbox_fire(att_alerts *al, const att_alert *a, int repeat) {
  const att__conf *c = &al->conf;
  att_delivery *ds;
  char *want;
  int *queued;
  size_t i, n = 0;
  att_time now;
  int rc;
  if (!al->outbox || !c->nrecv) return;
  want = calloc(c->nrecv, 1);
  ds = calloc(c->nrecv, sizeof *ds);
  queued = calloc(c->nrecv, sizeof *queued);
  if (!want || !ds || !queued) {
    att_engine_log(al->e, ATT_LOG_ERROR, a->script, "alert \"%s\": out of memory for its deliveries", a->title);
    goto done;
  }
  route(al, a, want);
  now = att_engine_now(al->e);
  for (i = 0; i < c->nrecv; i++) {
    if (!want[i]) continue;
    ds[n].receiver = c->recv[i].name;
    ds[n].alert = *a; /* read only: the outbox copies it */
    ds[n].queued = now;
    ds[n].until = now + c->retry_for;
    /* A receiver that groups waits its group-wait for more; the daemon
     * sends the group (attache run leaves it to the daemon). */
    ds[n].next = c->recv[i].group_wait ? now + c->recv[i].group_wait
                 : al->delivering      ? now
                                       : now + (att_time)c->recv[i].timeout + RUN_LEASE;
    if (!(ds[n].id = delivery_id(a, repeat, c->recv[i].name))) {
      att_engine_log(al->e, ATT_LOG_ERROR, a->script, "alert \"%s\": out of memory for its deliveries", a->title);
      goto done;
    }
    n++;
  }
  if (!n) {
    att_engine_log(al->e, ATT_LOG_DEBUG, a->script, "alert \"%s\": no route leads to a receiver", a->key ? a->key : a->title);
    goto done;
  }
  if ((rc = att_outbox_queue(al->outbox, ds, n, queued)) < 0) {
    att_engine_log(al->e, ATT_LOG_ERROR, a->script, "alert \"%s\": cannot queue its deliveries: %s",
                   a->key ? a->key : a->title, att_errmsg());
    goto done;
  }
  if (al->delivering) {
    att__outbox_pump(al);
  } else {
    /* One attempt each, at once; but once a receiver failed in this
     * process, its further deliveries are left to the daemon, so that a
     * script firing many alerts does not wait a timeout for each. */
    for (i = 0; i < n; i++) {
      att_delivery *d = queued[i] ? att_outbox_find(al->outbox, ds[i].id) : NULL;
      att__recv *r = NULL;
      size_t k;
      for (k = 0; k < c->nrecv; k++)
        if (!strcmp(c->recv[k].name, ds[i].receiver)) r = &al->conf.recv[k];
      if (!d || att_interrupted()) continue;
      if (r && r->group_wait) {
        att_engine_log(al->e, ATT_LOG_INFO, a->script,
                       "alert \"%s\": %s groups alerts (group-wait); the delivery is left to the daemon", what(d),
                       d->receiver);
        continue;
      }
      if (r && r->failed) {
        att_engine_log(al->e, ATT_LOG_INFO, a->script,
                       "alert \"%s\": %s failed earlier in this run; the delivery is left to the daemon",
                       what(d), d->receiver);
        continue;
      }
      deliver_now(al, d);
      if (r && d->state != ATT_DLV_DONE) r->failed = 1;
    }
  }
done:
  for (i = 0; ds && i < n; i++) free(ds[i].id);
  free(ds);
  free(want);
  free(queued);
}

/* ---- attempts ------------------------------------------------------------------- */

static void span(att_time s, char *buf, size_t cap) {
  if (s % 86400 == 0) snprintf(buf, cap, "%lldd", (long long)(s / 86400));
  else if (s % 3600 == 0) snprintf(buf, cap, "%lldh", (long long)(s / 3600));
  else if (s % 60 == 0) snprintf(buf, cap, "%lldm", (long long)(s / 60));
  else snprintf(buf, cap, "%llds", (long long)s);
}

void att__outbox_result(att_alerts *al, att_delivery *d, char *error) {
  att_time now = att_engine_now(al->e), next = 0;
  unsigned n = d->attempts + 1;
  char when[40], per[32];
  int rc;
  d->busy = 0;
  if (!error) {
    rc = att_outbox_tried(al->outbox, d->id, now, NULL, 0);
    if (rc == 0)
      att_engine_log(al->e, ATT_LOG_INFO, d->alert.script, "alert \"%s\": delivered to %s (attempt %u)", what(d),
                     d->receiver, n);
  } else {
    att__conf_scrub(&al->conf, error);
    next = now + att_outbox_backoff(d->id, n, al->conf.retry_first, al->conf.retry_max);
    if (next > d->until) next = 0;
    rc = att_outbox_tried(al->outbox, d->id, now, error, next);
    att_time_format(next, when, sizeof when);
    span(al->conf.retry_for, per, sizeof per);
    if (rc == 0 && next)
      att_engine_log(al->e, ATT_LOG_WARN, d->alert.script, "alert \"%s\": %s: %s; tried again at %s (attempt %u)",
                     what(d), d->receiver, error, when, n);
    else if (rc == 0)
      att_engine_log(al->e, ATT_LOG_ERROR, d->alert.script,
                     "alert \"%s\": %s: %s; failed after %u attempt%s (alert-retry-for is %s); "
                     "'attache alerts retry' queues it again",
                     what(d), d->receiver, error, n, n == 1 ? "" : "s", per);
  }
  if (rc != 0) {
    /* Not recorded: made again later (at least once). */
    char msg[512];
    snprintf(msg, sizeof msg, "%s", att_errmsg());
    att__conf_scrub(&al->conf, msg);
    att_engine_log(al->e, ATT_LOG_ERROR, d->alert.script, "alert \"%s\": %s: cannot record the attempt: %s", what(d),
                   d->receiver, msg);
  }
  free(error);
}

void att__outbox_pump(att_alerts *al) {
  att_time now, when;
  size_t i;
  if (!al->outbox) return;
  if (att_outbox_refresh(al->outbox) != 0)
    att_engine_log(al->e, ATT_LOG_ERROR, NULL, "reading the outbox: %s", att_errmsg());
  if (!al->delivering) return; /* a receiver no longer configured fails in deliver_now */
  now = att_engine_now(al->e);
  for (i = 0; i < att_outbox_count(al->outbox); i++) {
    att_delivery *d = att_outbox_at(al->outbox, i);
    if (d->state != ATT_DLV_PENDING || d->busy || d->next > now) continue;
    if (att_interrupted()) return;
    if (!al->uv) {
      deliver_now(al, d);
      continue;
    }
    if (att__uv_busy(al) >= MAX_INFLIGHT) break;
    {
      const att__recv *r = att__conf_recv(&al->conf, d->receiver);
      att__xfer *x;
      if (!r) {
        deliver_now(al, d); /* records that the receiver is gone */
        continue;
      }
      att_delivery *grp[GROUP_MAX];
      size_t ng = 0;
      /* A receiver that groups: every delivery to it that is pending and
       * due within its group-wait goes in the same message, in the order
       * they were queued (the first names the group: a retry of the same
       * group has the same idempotency key). */
      for (size_t k = 0; r->group_wait && k < att_outbox_count(al->outbox) && ng < GROUP_MAX - 1; k++) {
        att_delivery *o = att_outbox_at(al->outbox, k);
        if (o == d || (o->state == ATT_DLV_PENDING && !o->busy && o->next <= now + r->group_wait &&
                       !strcmp(o->receiver, d->receiver)))
          grp[ng++] = o;
      }
      {
        size_t k = 0; /* d is in it, whatever the limit left out */
        while (k < ng && grp[k] != d) k++;
        if (k == ng) grp[ng++] = d;
      }
      if (!(x = malloc(sizeof *x)) || att__xfer_init_group(x, grp, ng, r, now) != 0) {
        free(x);
        att_engine_log(al->e, ATT_LOG_ERROR, d->alert.script, "alert \"%s\": %s: cannot start: %s", what(d),
                       d->receiver, att_errmsg());
        break;
      }
      for (size_t k = 0; k < ng; k++) grp[k]->busy = 1;
      if (ng > 1)
        att_engine_log(al->e, ATT_LOG_INFO, d->alert.script, "%zu alerts to %s go as one message (group-wait)", ng,
                       d->receiver);
      if (att__uv_start(al, x) != 0) {
        for (size_t k = 0; k < ng; k++) grp[k]->busy = 0; /* x is freed */
        att_engine_log(al->e, ATT_LOG_ERROR, d->alert.script, "alert \"%s\": %s: cannot start: %s", what(d),
                       d->receiver, att_errmsg());
        break;
      }
    }
  }
  if (al->uv) {
    if (att__uv_busy(al) >= MAX_INFLIGHT) att__uv_wake_at(al, now + 1);
    else if (att_outbox_next_due(al->outbox, &when)) att__uv_wake_at(al, when);
  }
}
