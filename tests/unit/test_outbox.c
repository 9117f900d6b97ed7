/*
 * Tests of the outbox of alerts (core/outbox.h): queue, attempts and
 * retries read back after reopening, a second handle (another process)
 * seeing the first one's records, an id queued twice kept once, a torn
 * last record cut off with a notice, a damaged middle record refused, and
 * the backoff: growing, capped, spread by its jitter, the same for the
 * same delivery and attempt.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "error.h"
#include "outbox.h"
#include "tap.h"

static char notes[512];
static void on_notice(void *ud, const char *msg) {
  (void)ud;
  snprintf(notes, sizeof notes, "%s", msg);
}

static void mk(att_delivery *d, const char *id, const char *recv, att_time now) {
  memset(d, 0, sizeof *d);
  att_alert_init(&d->alert);
  d->alert.key = strdup("cdc-meeting");
  d->alert.title = strdup("CDC meeting in a week");
  d->alert.level = strdup("warn");
  d->alert.at = now;
  d->id = strdup(id);
  d->receiver = strdup(recv);
  d->queued = now;
  d->until = now + 3600;
  d->next = now;
}

static void unmk(att_delivery *d) {
  att_alert_free(&d->alert);
  free(d->id);
  free(d->receiver);
}

static void append_raw(const char *dir, const char *text) {
  char path[256];
  int fd;
  snprintf(path, sizeof path, "%s/outbox", dir);
  fd = open(path, O_WRONLY | O_APPEND);
  if (fd >= 0) {
    if (write(fd, text, strlen(text)) < 0) perror("write");
    close(fd);
  }
}

static void states(void) {
  char tmpl[] = "/tmp/att-outbox-XXXXXX";
  char *dir = mkdtemp(tmpl);
  att_outbox *a, *b;
  att_delivery ds[3], *d;
  int queued[3];
  att_time t0 = 1700000000, when = 0;

  is_int(att_outbox_open(dir, 1, on_notice, NULL, &a), 0, "read-only on a store without an outbox");
  is_int(att_outbox_count(a), 0, "which is empty");
  att_outbox_close(a);

  is_int(att_outbox_open(dir, 0, on_notice, NULL, &a), 0, "open for appending");
  is_int(att_outbox_open(dir, 0, on_notice, NULL, &b), 0, "a second handle, as another process");
  mk(&ds[0], "cdc-meeting/ops", "ops", t0);
  mk(&ds[1], "cdc-meeting/mail", "mail", t0);
  mk(&ds[2], "cdc-meeting/ops", "ops", t0);
  is_int(att_outbox_queue(a, ds, 3, queued), 2, "three queued, one a duplicate id");
  ok(queued[0] && queued[1] && !queued[2], "the duplicate is the one left out");
  is_int(att_outbox_queue(b, ds, 1, queued), 0, "the other handle sees the id queued");
  is_int(att_outbox_count(b), 2, "and both deliveries");
  ok(att_outbox_next_due(a, &when) && when == t0, "the next due is the queue time");

  is_int(att_outbox_tried(a, "cdc-meeting/ops", t0, "HTTP status 500", t0 + 10), 0, "a failed attempt");
  is_int(att_outbox_tried(b, "cdc-meeting/mail", t0, NULL, 0), 0, "an acknowledged one, by the other");
  is_int(att_outbox_refresh(a), 0, "refresh");
  d = att_outbox_find(a, "cdc-meeting/mail");
  ok(d && d->state == ATT_DLV_DONE && d->attempts == 1, "the first handle sees it done");
  d = att_outbox_find(a, "cdc-meeting/ops");
  ok(d && d->state == ATT_DLV_PENDING && d->next == t0 + 10 && d->error &&
         !strcmp(d->error, "HTTP status 500"),
     "the failed one is pending, with its error and next try");
  ok(att_outbox_next_due(a, &when) && when == t0 + 10, "next due: the retry");
  is_int(att_outbox_retry(a, "cdc-meeting/ops", t0, t0, t0 + 60), ATT_EINVAL,
         "retry of a pending delivery is refused");
  is_int(att_outbox_tried(a, "cdc-meeting/ops", t0 + 10, "timed out", 0), 0, "failed for good");
  ok(att_outbox_find(a, "cdc-meeting/ops")->state == ATT_DLV_FAILED, "state failed");
  ok(!att_outbox_next_due(a, &when), "nothing due");
  is_int(att_outbox_retry(b, "nope", t0, t0, t0), ATT_ENOTFOUND, "retry of an unknown id");
  is_int(att_outbox_retry(b, "cdc-meeting/ops", t0 + 20, t0 + 20, t0 + 80), 0, "queued again");
  att_outbox_close(a);
  att_outbox_close(b);

  is_int(att_outbox_open(dir, 1, on_notice, NULL, &a), 0, "reopen read-only");
  d = att_outbox_find(a, "cdc-meeting/ops");
  ok(d && d->state == ATT_DLV_PENDING && d->attempts == 2 && d->next == t0 + 20 && d->until == t0 + 80,
     "the retried delivery reads back pending, 2 attempts");
  ok(d && d->alert.title && !strcmp(d->alert.title, "CDC meeting in a week") && d->queued == t0,
     "with its alert and queue time");
  is_str(att_delivery_state_name(att_outbox_find(a, "cdc-meeting/mail")->state), "done", "the other done");
  att_outbox_close(a);

  /* A torn record at the end: cut off with a notice. */
  append_raw(dir, "0badc0de {\"op\":\"try\",\"id\":\"cdc-meet");
  notes[0] = '\0';
  is_int(att_outbox_open(dir, 0, on_notice, NULL, &a), 0, "open with a torn last record");
  ok(strstr(notes, "unfinished last record") != NULL, "a notice says it was dropped");
  is_int(att_outbox_count(a), 2, "the deliveries are intact");
  att_outbox_close(a);
  /* A damaged record before the last: refused. */
  append_raw(dir, "00000000 {\"op\":\"try\"}\n");
  append_raw(dir, "00000000 {\"op\":\"try\"}\n");
  is_int(att_outbox_open(dir, 0, on_notice, NULL, &a), ATT_ECORRUPT, "a damaged middle record is refused");
  ok(strstr(att_errmsg(), "line 7") != NULL, "the message names the line: %s", att_errmsg());

  for (int i = 0; i < 3; i++) unmk(&ds[i]);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0) perror("rm");
}

static void backoff(void) {
  int spread = 0;
  for (unsigned n = 1; n <= 12; n++) {
    att_time w = att_outbox_backoff("k/ops", n, 10, 3600);
    att_time full = 10;
    for (unsigned i = 1; i < n && full < 3600; i++) full = full * 2 > 3600 ? 3600 : full * 2;
    ok(w >= full / 2 && w <= full, "attempt %u waits %lld s, in [%lld, %lld]", n, (long long)w,
       (long long)full / 2, (long long)full);
    is_int(att_outbox_backoff("k/ops", n, 10, 3600), w, "the same again for the same attempt");
    if (w != att_outbox_backoff("k/mail", n, 10, 3600)) spread++;
  }
  ok(spread >= 6, "another delivery waits differently (%d of 12 attempts)", spread);
  ok(att_outbox_backoff("x", 1, 0, 0) >= 1, "at least one second");
}

int main(void) {
  states();
  backoff();
  return done_testing();
}
