/*
 * Tests of the alert log: append and read back, keys remembered across
 * reopening, a torn last line dropped with a message, a damaged line in the
 * middle refused, and the one-line format.
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
  return done_testing();
}
