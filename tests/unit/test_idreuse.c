/*
 * Reproductions of two ways ids were given twice, found by the crash
 * campaign (tests/crash/crash.c; docs/reliability.md).  Both failed at
 * 91f6e48 (6 of 11 checks); 0069311 fixed them (a rolled-back batch now
 * ends with an ABORT record carrying the mark; a refused add clears the
 * event's id), and these stay as regression tests.
 *
 * 1. A writer that died inside att_store_rollback: wabort() cut the
 *    journal back to the batch's start (which removed the batch's durable
 *    id reservation, a NEXTID record), reloaded the view (unload + load,
 *    milliseconds on a real journal), and only then appended and synced
 *    the NEXTID mark that keeps the handed-out ids used.  Killed in
 *    between, the disk held no trace of the ids the batch had handed out,
 *    and the next add got them again.  Shown twice: deterministically, by
 *    making every write fail from the rollback on and ending the process
 *    there (the disk is then as a kill in that window left it), and with a
 *    real SIGKILL sent as soon as the journal is cut back (or, when it
 *    never is, once the rollback has returned).
 *
 * 2. A refused att_store_add (here: a link to a missing event) left the
 *    id it was about to use, and revision 1, in the caller's event; the
 *    next add got that id, and an update through the refused event then
 *    rewrote the other event (issue 11, finding 4, in C).  The same
 *    inside a batch.
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "fault.h"
#include "store.h"
#include "tap.h"
#include "testutil.h"

static char tmpl[] = "/tmp/att-idreuse-XXXXXX";
static char *root;
static int nstores;

static char *newdir(void) {
  static char buf[PATH_MAX];
  snprintf(buf, sizeof buf, "%s/s%d", root, nstores++);
  if (att_store_init(buf) != 0) printf("# init %s: %s\n", buf, att_errmsg());
  return buf;
}

static long long jsize(const char *dir) {
  char p[PATH_MAX + 16];
  struct stat sb;
  snprintf(p, sizeof p, "%s/journal", dir);
  return stat(p, &sb) == 0 ? (long long)sb.st_size : -1;
}

/* 1a: the mark after a rollback never reaches the disk; the process ends. */
static void test_rollback_mark_lost(void) {
  char *dir = newdir();
  int fds[2], status;
  int64_t seen[2] = {0, 0}, fresh;
  att_store *st;
  pid_t pid;
  if (pipe(fds) != 0) return;
  pid = fork();
  if (pid == 0) {
    close(fds[0]);
    st = tu_open_write(dir);
    tu_add(st, "{\"title\":\"a\",\"when\":\"2024\"}");
    att_store_begin(st);
    seen[0] = tu_add(st, "{\"title\":\"x\",\"when\":\"2024\"}");
    seen[1] = tu_add(st, "{\"title\":\"y\",\"when\":\"2024\"}");
    if (write(fds[1], seen, sizeof seen) != (ssize_t)sizeof seen) _exit(1);
    /* Every write from here fails: the rollback's cut and reload happen,
     * its NEXTID mark does not; then the process is gone. */
    att_fault_arm(1, 1, 1u << ATT_FAULT_WRITE, 5 /* EIO */);
    att_store_rollback(st);
    _exit(0);
  }
  close(fds[1]);
  if (read(fds[0], seen, sizeof seen) != (ssize_t)sizeof seen) seen[0] = seen[1] = 0;
  close(fds[0]);
  waitpid(pid, &status, 0);
  ok(seen[0] > 0 && seen[1] > seen[0], "a batch handed out ids %lld and %lld, then was rolled back",
     (long long)seen[0], (long long)seen[1]);
  st = tu_open_write(dir);
  fresh = tu_add(st, "{\"title\":\"real\",\"when\":\"2024\"}");
  ok(fresh > seen[1],
     "a writer gone inside att_store_rollback before its mark was written: the next add gets a new id "
     "(%lld > %lld)",
     (long long)fresh, (long long)seen[1]);
  att_store_close(st);
}

/* 1b: the same with a real SIGKILL, sent as soon as the journal is cut
 * back to where the batch began (or, if it never is, when the rollback
 * has returned): whenever the kill lands, the next add gets a new id. */
static void test_rollback_killed(void) {
  char *dir = newdir();
  int fds[2], go[2], status, hit = 0;
  int64_t seen = 0, fresh;
  long long before;
  att_store *st;
  pid_t pid;
  struct timespec t0, t;
  /* A journal of a few thousand records, so that the reload takes a while. */
  st = tu_open_write(dir);
  att_store_begin(st);
  for (int i = 0; i < 3000; i++) tu_add(st, "{\"title\":\"filler event with some text\",\"when\":\"2024-05\",\"actors\":[\"KHM\"]}");
  att_store_commit(st);
  att_store_close(st);
  before = jsize(dir);
  if (pipe(fds) != 0 || pipe(go) != 0) return;
  pid = fork();
  if (pid == 0) {
    char c;
    close(fds[0]);
    close(go[1]);
    st = tu_open_write(dir);
    att_store_begin(st);
    seen = tu_add(st, "{\"title\":\"x\",\"when\":\"2024\"}");
    if (write(fds[1], &seen, sizeof seen) != (ssize_t)sizeof seen) _exit(1);
    if (read(go[0], &c, 1) != 1) _exit(1);
    att_store_rollback(st);
    if (write(fds[1], "d", 1) != 1) _exit(1);
    pause();
    _exit(0);
  }
  close(fds[1]);
  close(go[0]);
  if (read(fds[0], &seen, sizeof seen) != (ssize_t)sizeof seen) seen = 0;
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  ok(jsize(dir) > before, "the batch's id reservation is on disk (journal %lld > %lld bytes)", jsize(dir), before);
  if (write(go[1], "g", 1) != 1) return;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    char c;
    if (jsize(dir) == before) { /* the cut: the journal is back to where the batch began */
      hit = 1;
      break;
    }
    if (read(fds[0], &c, 1) == 1) break; /* the rollback returned */
    clock_gettime(CLOCK_MONOTONIC, &t);
    if (t.tv_sec - t0.tv_sec > 5) break;
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  close(fds[0]);
  close(go[1]);
  st = tu_open_write(dir);
  fresh = tu_add(st, "{\"title\":\"real\",\"when\":\"2024\"}");
  ok(fresh > seen, "a writer killed %s: the next add gets a new id (%lld > %lld)",
     hit ? "inside att_store_rollback, after the journal was cut" : "after its rollback", (long long)fresh,
     (long long)seen);
  att_store_close(st);
}

/* 2: what a refused add leaves in the caller's event. */
static void test_refused_add(void) {
  char *dir = newdir();
  att_store *st = tu_open_write(dir);
  att_event ghost, real;
  const char *bad = "{\"title\":\"refused\",\"when\":\"2024\",\"links\":[{\"rel\":\"related\",\"id\":999}]}";
  const char *badkey = "{\"title\":\"refused\",\"when\":\"2024\",\"links\":[{\"rel\":\"related\",\"key\":\"nokey\"}]}";
  int rc;
  tu_add(st, "{\"title\":\"a\",\"when\":\"2024\"}");
  att_event_from_json(bad, strlen(bad), 0, &ghost);
  rc = att_store_add(st, &ghost);
  is_int(rc, ATT_EINVAL, "an add linked to a missing event is refused");
  printf("# the refused event holds id %lld, revision %lld\n", (long long)ghost.id, (long long)ghost.rev);
  {
    int64_t id = tu_add(st, "{\"title\":\"real\",\"when\":\"2024\"}");
    ok(id != ghost.id, "the next add does not get the id left in the refused event (%lld, %lld)",
       (long long)id, (long long)ghost.id);
    /* What a caller that kept the refused event can do with it. */
    for (size_t i = 0; i < ghost.nlinks; i++) free(ghost.links[i].rel);
    free(ghost.links);
    ghost.links = NULL;
    ghost.nlinks = 0;
    rc = att_store_update(st, &ghost);
    ok(rc != 0, "an update through the refused event is refused (it returned %d)", rc);
    if (att_store_get(st, id, &real) == 0) {
      is_str(real.title, "real", "the event added after it keeps its title");
      att_event_free(&real);
    }
  }
  att_event_free(&ghost);
  /* Inside a batch (links by id are checked at the commit; a link by key
   * is resolved, or refused, at once). */
  att_store_begin(st);
  att_event_from_json(badkey, strlen(badkey), 0, &ghost);
  rc = att_store_add(st, &ghost);
  is_int(rc, ATT_EINVAL, "in a batch, an add linked to a missing key is refused");
  {
    int64_t next = tu_add(st, "{\"title\":\"in batch\",\"when\":\"2024\"}");
    ok(next != ghost.id, "... and the next add in the batch does not get the id left in it (%lld, %lld)",
       (long long)next, (long long)ghost.id);
  }
  is_int(att_store_commit(st), 0, "the batch commits");
  att_event_free(&ghost);
  att_store_close(st);
}

int main(void) {
  root = mkdtemp(tmpl);
  if (!root) return 1;
  test_rollback_mark_lost();
  test_rollback_killed();
  test_refused_add();
  tu_rmrf(root);
  return done_testing();
}
