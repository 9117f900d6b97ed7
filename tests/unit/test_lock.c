/*
 * Tests of the writer lock's bounded wait (core/store.c, take_lock): a
 * writer that cannot get the lock within opts.lock_wait_ms fails with
 * ATT_EBUSY, names the process that holds it, and changes nothing; once
 * the holder is done, the write goes through.  Issue 11, finding 5.
 */
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "store.h"
#include "tap.h"
#include "testutil.h"

static char tmpl[] = "/tmp/att-lock-XXXXXX";

static int64_t add(att_store *st, const char *title) {
  att_event ev;
  char j[128];
  int64_t rc;
  snprintf(j, sizeof j, "{\"title\":\"%s\",\"when\":\"2024\"}", title);
  if ((rc = att_event_from_json(j, strlen(j), 0, &ev)) != 0) return rc;
  rc = att_store_add(st, &ev);
  if (rc == 0) rc = ev.id;
  att_event_free(&ev);
  return rc;
}

int main(void) {
  char *root = mkdtemp(tmpl), dir[PATH_MAX], pidtext[32];
  int up[2], down[2];
  pid_t pid;
  att_store_opts o = {0};
  att_store *st = NULL;
  char c;
  if (!root) return 1;
  snprintf(dir, sizeof dir, "%s/s", root);
  if (att_store_init(dir) != 0 || pipe(up) != 0 || pipe(down) != 0) return 1;
  pid = fork();
  if (pid == 0) {
    att_store_opts ho = {0};
    att_store *h = NULL;
    ho.flags = ATT_OPEN_WRITE;
    ho.who = "the test's holder";
    if (att_store_open(dir, &ho, &h) != 0 || att_store_begin(h) != 0 || add(h, "held") <= 0) _exit(1);
    if (write(up[1], "x", 1) != 1) _exit(1);
    if (read(down[0], &c, 1) != 1) _exit(1);
    _exit(att_store_commit(h) == 0 ? 0 : 1);
  }
  ok(read(up[0], &c, 1) == 1, "a child holds the writer lock in an open batch");
  o.flags = ATT_OPEN_WRITE;
  o.lock_wait_ms = 200;
  is_int(att_store_open(dir, &o, &st), 0, "another writer opens the store (no lock needed)");
  is_int(add(st, "waiting"), ATT_EBUSY, "its add gives up after its bounded wait");
  snprintf(pidtext, sizeof pidtext, "pid %ld", (long)pid);
  ok(strstr(att_errmsg(), pidtext) != NULL, "... naming the holder's pid: %s", att_errmsg());
  ok(strstr(att_errmsg(), "the test's holder") != NULL, "... and who it said it is");
  ok(strstr(att_errmsg(), "nothing was changed") != NULL, "... and that nothing changed");
  is_int(att_store_refresh(st), 0, "nothing was written");
  is_int((long long)att_store_count(st), 0, "... the store is empty");
  ok(write(down[1], "x", 1) == 1, "the holder commits");
  {
    int status = 0;
    waitpid(pid, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "... and exits cleanly");
  }
  is_int(add(st, "after"), 2, "now the add goes through, after the holder's event");
  is_int((long long)att_store_count(st), 2, "both are stored");
  att_store_close(st);
  tu_rmrf(root);
  return done_testing();
}
