/*
 * The outbox of alerts on the command line (core/outbox.h, docs/alerts.md):
 * `attache alerts --pending` and `--failed` list the deliveries to
 * receivers that are still to be made or that gave up, and `attache
 * alerts retry ID...|--all` queues failed ones again for the daemon.
 *
 * Listing only reads the outbox (a daemon may be appending to it); retry
 * appends one record per delivery under the outbox's lock.  What a
 * delivery's error says was scrubbed of secrets when it was recorded;
 * what a script put in the alert is escaped for the terminal (cli_line).
 */
#include "cli.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outbox.h"
#include "termsafe.h"
#include "timeq.h"

static void on_notice(void *ud, const char *msg) {
  (void)ud;
  cli_line(stderr, "attache: %s", msg);
}

/* Open the outbox of the store (which must exist). */
static int open_outbox(cli_ctx *ctx, int readonly, att_outbox **ob) {
  att_store *st = NULL;
  int rc = cli_open(ctx, ATT_OPEN_READ, &st), r;
  if (st) att_store_close(st);
  if (rc != CLI_OK) return rc;
  if ((r = att_outbox_open(ctx->store_dir, readonly, on_notice, NULL, ob)) < 0)
    return cli_core_fail(r, "cannot read the outbox of alerts");
  return CLI_OK;
}

static cJSON *delivery_json(const att_delivery *d) {
  cJSON *o = cJSON_CreateObject(), *al;
  char t[40], *aj = att_alert_to_json(&d->alert);
  if (!o || !aj || !(al = cJSON_Parse(aj))) {
    free(aj);
    cJSON_Delete(o);
    return NULL;
  }
  free(aj);
  cJSON_AddStringToObject(o, "id", d->id);
  cJSON_AddStringToObject(o, "receiver", d->receiver);
  cJSON_AddStringToObject(o, "state", att_delivery_state_name(d->state));
  cJSON_AddNumberToObject(o, "attempts", d->attempts);
  att_time_format(d->queued, t, sizeof t);
  cJSON_AddStringToObject(o, "queued", t);
  if (d->state == ATT_DLV_PENDING) {
    att_time_format(d->next, t, sizeof t);
    cJSON_AddStringToObject(o, "next", t);
  }
  att_time_format(d->until, t, sizeof t);
  cJSON_AddStringToObject(o, "until", t);
  if (d->last) {
    att_time_format(d->last, t, sizeof t);
    cJSON_AddStringToObject(o, "last", t);
  }
  if (d->error) cJSON_AddStringToObject(o, "error", d->error);
  cJSON_AddItemToObject(o, "alert", al);
  return o;
}

/* One delivery for people: its id, state, receiver and timing, then the
 * alert's title and the last error. */
static int show(const att_delivery *d, int json) {
  char t[40], last[40];
  if (json) {
    cJSON *o = delivery_json(d);
    char *s = o ? cJSON_PrintUnformatted(o) : NULL, *safe = s ? att_termsafe_json_dup(s, strlen(s)) : NULL;
    cJSON_Delete(o);
    free(s);
    if (!safe) return -1;
    puts(safe);
    free(safe);
    return 0;
  }
  att_time_format(d->state == ATT_DLV_PENDING ? d->next : d->last, t, sizeof t);
  att_time_format(d->last, last, sizeof last);
  cli_line(stdout, "%s  %s  to %s  %u attempt%s, %s %s", d->id, att_delivery_state_name(d->state),
           d->receiver, d->attempts, d->attempts == 1 ? "" : "s",
           d->state == ATT_DLV_PENDING ? "next" : "last", d->state == ATT_DLV_PENDING || d->last ? t : "-");
  cli_line(stdout, "    [%s] %s", d->alert.level ? d->alert.level : "info", d->alert.title);
  if (d->error) cli_line(stdout, "    last error (%s): %s", last, d->error);
  return 0;
}

int cli_alerts_deliveries(cli_ctx *ctx, int pending, int failed, const char *key, int json) {
  att_outbox *ob = NULL;
  size_t i, shown = 0;
  int rc = open_outbox(ctx, 1, &ob);
  for (i = 0; rc == CLI_OK && i < att_outbox_count(ob); i++) {
    const att_delivery *d = att_outbox_at(ob, i);
    if (!((pending && d->state == ATT_DLV_PENDING) || (failed && d->state == ATT_DLV_FAILED))) continue;
    if (key && (!d->alert.key || strcmp(d->alert.key, key) != 0)) continue;
    if (show(d, json) != 0) rc = cli_fail("out of memory while listing the deliveries");
    shown++;
  }
  if (rc == CLI_OK && fflush(stdout) != 0) rc = cli_fail("cannot write the deliveries: output error");
  if (rc == CLI_OK && shown == 0 && ctx->out_tty)
    fprintf(stderr, "attache: no %s deliveries\n", pending && failed ? "pending or failed" : pending ? "pending" : "failed");
  att_outbox_close(ob);
  return rc;
}

/* Queue d again: due at once on any clock that made its last attempt
 * (the daemon's, simulated or real), tried for as long as the first
 * time (its retry period), counted from now or from that attempt. */
static int retry_one(att_outbox *ob, const att_delivery *d) {
  att_time now = att_time_now(), base = d->last > now ? d->last : now;
  att_time next = d->last ? d->last : d->queued, period = d->until - d->queued;
  int r;
  if (period < 60) period = 60;
  if ((r = att_outbox_retry(ob, d->id, now, next, base + period)) < 0)
    return cli_core_fail(r, "cannot queue %s again", d->id);
  cli_line(stdout, "queued again: %s (to %s)", d->id, d->receiver);
  return CLI_OK;
}

int cli_alerts_retry(cli_ctx *ctx, char **ids, int nids, int all) {
  att_outbox *ob = NULL;
  size_t i, n = 0;
  int rc, k, bad = 0;
  if (all == (nids > 0))
    return cli_usage(ctx, "alerts retry takes the ids of failed deliveries or --all "
                          "(attache alerts --failed lists them)");
  if ((rc = open_outbox(ctx, 0, &ob)) != CLI_OK) return rc;
  if (all) {
    for (i = 0; i < att_outbox_count(ob); i++) {
      const att_delivery *d = att_outbox_at(ob, i);
      if (d->state != ATT_DLV_FAILED) continue;
      if (retry_one(ob, d) != CLI_OK) bad++;
      else n++;
    }
    if (!bad && !n) cli_line(stderr, "attache: no failed deliveries to queue again");
  }
  for (k = 0; k < nids; k++) {
    const att_delivery *d = att_outbox_find(ob, ids[k]);
    if (!d) {
      cli_fail("no delivery '%s' in the outbox; 'attache alerts --failed' lists the failed ones", ids[k]);
      bad++;
    } else if (d->state != ATT_DLV_FAILED) {
      cli_fail("the delivery '%s' has not failed (it is %s); only failed ones are queued again", ids[k],
               att_delivery_state_name(d->state));
      bad++;
    } else if (retry_one(ob, d) != CLI_OK) {
      bad++;
    }
  }
  att_outbox_close(ob);
  return bad ? CLI_FAIL : CLI_OK;
}
