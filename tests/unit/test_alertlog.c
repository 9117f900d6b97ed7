/*
 * Tests of the alert log: append and read back, keys remembered across
 * reopening, a torn last line dropped with a message, a damaged line in the
 * middle refused, the one-line format, and firing once across two handles
 * on one log (as two processes do).
 */
#include <stdlib.h>
#include <unistd.h>

#include "alertlog.h"
#include "error.h"
#include "tap.h"

static char notes[512];
static void on_notice(void *ud, const char *msg) {
  (void)ud;
  snprintf(notes, sizeof notes, "%s", msg);
}

static int count;
static int counter(void *ud, const att_alert *a) {
  (void)ud, (void)a;
  count++;
  return 0;
}

static void mk(att_alert *a, const char *key, const char *title, att_time at) {
  att_alert_init(a);
  a->key = key ? strdup(key) : NULL;
  a->title = strdup(title);
  a->level = strdup("warn");
  a->at = at;
  a->event = 7;
}

/* Two shared handles on one log, as the daemon and `attache run` hold:
 * each sees what the other appended before it decides. */
static void fire_once(void) {
  char tmpl[] = "/tmp/att-alert-XXXXXX", path[256];
  char *dir = mkdtemp(tmpl);
  att_alertlog *l1, *l2, *l;
  att_alert a;

  is_int(att_alertlog_open_shared(dir, on_notice, NULL, &l1), 0, "shared: first handle");
  is_int(att_alertlog_open_shared(dir, on_notice, NULL, &l2), 0, "shared: second handle");
  mk(&a, "once", "fires once", 1700000000);
  is_int(att_alertlog_fire_once(l1, &a, 0), 1, "the first handle fires the key");
  is_int(att_alertlog_fire_once(l2, &a, 0), 0, "the second handle finds it fired");
  ok(att_alertlog_seen(l2, "once"), "and now knows the key");
  is_int(att_alertlog_fire_once(l1, &a, 0), 0, "the first handle does not fire it again");
  is_int(att_alertlog_fire_once(l2, &a, 1), 1, "repeat fires it again");
  att_alert_free(&a);
  mk(&a, "two", "from the second", 1700000001);
  is_int(att_alertlog_fire_once(l2, &a, 0), 1, "the second handle fires another key");
  is_int(att_alertlog_fire_once(l1, &a, 0), 0, "which the first finds fired");
  att_alert_free(&a);
  mk(&a, NULL, "no key", 1700000002);
  is_int(att_alertlog_fire_once(l1, &a, 0), 1, "an alert without a key fires");
  is_int(att_alertlog_fire_once(l2, &a, 0), 1, "every time");
  att_alert_free(&a);
  mk(&a, "", "", 1700000003);
  is_int(att_alertlog_fire_once(l1, &a, 0), ATT_EINVAL, "an alert without a title is refused");
  att_alert_free(&a);
  att_alertlog_close(l1);
  att_alertlog_close(l2);
  count = 0;
  att_alertlog_read(dir, ATT_TIME_MIN, counter, NULL);
  is_int(count, 5, "the log holds once, its repeat, two and the two without a key");

  /* A plain handle (one process) fires once too, without the lock. */
  is_int(att_alertlog_open(dir, on_notice, NULL, &l), 0, "plain handle");
  mk(&a, "two", "again", 1700000004);
  is_int(att_alertlog_fire_once(l, &a, 0), 0, "plain: a fired key is dropped");
  att_alert_free(&a);
  att_alertlog_close(l);
  snprintf(path, sizeof path, "%s/alerts", dir);
  unlink(path);
  rmdir(dir);
}

int main(void) {
  char tmpl[] = "/tmp/att-alert-XXXXXX", path[256], line[512];
  char *dir = mkdtemp(tmpl);
  att_alertlog *l;
  att_alert a;
  FILE *f;

  is_int(att_alertlog_open(dir, on_notice, NULL, &l), 0, "open a new log");
  ok(!att_alertlog_seen(l, "k1"), "nothing seen yet");
  mk(&a, "k1", "CDC meeting in 7 days", 1700000000);
  is_int(att_alertlog_append(l, &a), 0, "append");
  ok(att_alertlog_seen(l, "k1"), "its key is seen");
  att_alert_format(&a, line, sizeof line);
  is_str(line, "2023-11-14T22:13:20Z [warn] CDC meeting in 7 days (event 7)", "readable line");
  att_alert_free(&a);
  mk(&a, NULL, "no key, with body", 1700000100);
  a.body = strdup("a, b \"c\"\nd");
  a.late = 1;
  is_int(att_alertlog_append(l, &a), 0, "append without key");
  att_alert_free(&a);
  att_alertlog_close(l);

  is_int(att_alertlog_open(dir, on_notice, NULL, &l), 0, "reopen");
  ok(att_alertlog_seen(l, "k1"), "keys are remembered across reopening");
  att_alertlog_close(l);
  count = 0;
  is_int(att_alertlog_read(dir, ATT_TIME_MIN, counter, NULL), 0, "read");
  is_int(count, 2, "two alerts");
  count = 0;
  att_alertlog_read(dir, 1700000050, counter, NULL);
  is_int(count, 1, "since filters by time");

  /* A torn last line is dropped with a message. */
  snprintf(path, sizeof path, "%s/alerts", dir);
  f = fopen(path, "ab");
  fputs("{\"at\":\"2024-01-01T00:00:00Z\",\"title\":\"to", f);
  fclose(f);
  notes[0] = '\0';
  is_int(att_alertlog_open(dir, on_notice, NULL, &l), 0, "open with a torn last line");
  ok(strstr(notes, "unfinished last line") != NULL, "says it dropped it: %s", notes);
  mk(&a, "k2", "after", 1700000200);
  is_int(att_alertlog_append(l, &a), 0, "append after the tear");
  att_alert_free(&a);
  att_alertlog_close(l);
  count = 0;
  att_alertlog_read(dir, ATT_TIME_MIN, counter, NULL);
  is_int(count, 3, "three whole alerts");

  /* A damaged line in the middle is an error naming it. */
  {
    char cmd[512];
    snprintf(cmd, sizeof cmd, "sed -i '2s/.*/garbage/' '%s'", path);
    if (system(cmd) != 0) printf("# sed failed\n");
  }
  is_int(att_alertlog_open(dir, on_notice, NULL, &l), ATT_ECORRUPT, "a damaged middle line is refused");
  ok(strstr(att_errmsg(), "line 2") != NULL, "naming the line: %s", att_errmsg());
  unlink(path);
  rmdir(dir);
  fire_once();
  return done_testing();
}
