/*
 * Tests of links and ids (core/links.c, and the id high-water mark of
 * core/store.c): a link names an existing, other event, by id or by key;
 * a linked event is not removed from under its linkers unless forced; ids
 * are never given twice, after rollbacks, aborted imports, crashes,
 * reopening and compaction.  Issue 11, findings 1, 3 and 4.
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

static char tmpl[] = "/tmp/att-links-XXXXXX";
static char *root;
static int nstores;

static char *newdir(void) {
  static char buf[PATH_MAX];
  snprintf(buf, sizeof buf, "%s/s%d", root, nstores++);
  if (att_store_init(buf) != 0) printf("# init %s: %s\n", buf, att_errmsg());
  return buf;
}

static int64_t import_add(att_store *st, const char *json) {
  att_event ev;
  int64_t rc;
  if ((rc = att_event_from_json(json, strlen(json), 0, &ev)) != 0) return rc;
  rc = att_store_import_add(st, &ev);
  if (rc == 0) rc = ev.id;
  att_event_free(&ev);
  return rc;
}

/* Number of links of event id, or -1. */
static int nlinks(att_store *st, int64_t id) {
  att_event ev;
  int n;
  if (att_store_get(st, id, &ev) != 0) return -1;
  n = (int)ev.nlinks;
  att_event_free(&ev);
  return n;
}

/* The store in dir opens, and holds n events. */
static int reopens(const char *dir, uint64_t n) {
  att_store_opts o = {0};
  att_store *st = NULL;
  int ok;
  if (att_store_open(dir, &o, &st) != 0) {
    printf("# reopen: %s\n", att_errmsg());
    return 0;
  }
  ok = att_store_count(st) == n;
  if (!ok) printf("# %llu events, expected %llu\n", (unsigned long long)att_store_count(st), (unsigned long long)n);
  att_store_close(st);
  return ok && att_store_verify(dir, &o) == 0;
}

static void test_refs(void) {
  char *dir = newdir();
  att_store *st = tu_open_write(dir);
  int64_t a, b;
  is_int(tu_add(st, "{\"title\":\"a\",\"when\":\"2024\",\"links\":[{\"rel\":\"related\",\"id\":1}]}"), ATT_EINVAL,
         "a link to the id the event is about to get is refused (finding 1)");
  ok(strstr(att_errmsg(), "own id") != NULL, "... saying it is the event's own id");
  ok(reopens(dir, 0), "... and the store opens again");
  a = tu_add(st, "{\"title\":\"a\",\"when\":\"2024\",\"key\":\"k-a\"}");
  is_int(a, 1, "a refused add used no id");
  is_int(tu_add(st, "{\"title\":\"b\",\"when\":\"2024\",\"links\":[{\"rel\":\"related\",\"id\":999}]}"), ATT_EINVAL,
         "a link to a missing event is refused (finding 3)");
  is_int(tu_add(st, "{\"title\":\"b\",\"when\":\"2024\",\"key\":\"k-b\",\"links\":[{\"rel\":\"related\",\"key\":\"k-b\"}]}"),
         ATT_EINVAL, "a link to the event's own key is refused");
  b = tu_add(st, "{\"title\":\"b\",\"when\":\"2024\",\"key\":\"k-b\",\"links\":[{\"rel\":\"follows\",\"key\":\"k-a\"}]}");
  is_int(b, 2, "a link by key is accepted");
  {
    att_event ev;
    int got = att_store_get(st, b, &ev);
    ok(got == 0 && ev.nlinks == 1 && ev.links[0].id == a && ev.links[0].key == NULL,
       "... and stored as the id the key names");
    if (got == 0) att_event_free(&ev);
  }
  /* An update may not point at the event itself. */
  {
    att_event ev;
    att_store_get(st, a, &ev);
    ev.links = calloc(1, sizeof *ev.links);
    ev.nlinks = 1;
    ev.links[0].rel = strdup("related");
    ev.links[0].id = a;
    is_int(att_store_update(st, &ev), ATT_EINVAL, "an update linking the event to itself is refused");
    att_event_free(&ev);
  }
  /* Removal. */
  is_int(att_store_remove(st, a), ATT_ELINKED, "removing a linked event is refused");
  ok(strstr(att_errmsg(), "linked from 2 (follows)") != NULL, "... naming the linker");
  is_int(nlinks(st, b), 1, "... and nothing changed");
  /* In a batch, dropping the link and then removing the target is one
   * consistent write; the other order too, since the check is at commit. */
  att_store_begin(st);
  is_int(att_store_remove(st, a), 0, "in a batch, the removal waits for the commit's check");
  {
    att_event ev;
    att_store_get(st, b, &ev);
    att_event_free(&ev);
    att_store_get(st, b, &ev);
    free(ev.links[0].rel);
    free(ev.links);
    ev.links = NULL;
    ev.nlinks = 0;
    is_int(att_store_update(st, &ev), 0, "... the linker drops its link");
    att_event_free(&ev);
  }
  is_int(att_store_commit(st), 0, "... and the batch commits");
  ok(reopens(dir, 1), "the store opens with the one event left");
  att_store_close(st);
}

static void test_force(void) {
  char *dir = newdir();
  att_store *st = tu_open_write(dir);
  int64_t a = tu_add(st, "{\"title\":\"a\",\"when\":\"2024\"}");
  int64_t c = tu_add(st, "{\"title\":\"c\",\"when\":\"2024\"}");
  char j[256];
  struct att_linker *l = NULL;
  size_t n = 0;
  snprintf(j, sizeof j,
           "{\"title\":\"b\",\"when\":\"2024\",\"links\":[{\"rel\":\"follows\",\"id\":%lld},"
           "{\"rel\":\"related\",\"id\":%lld},{\"rel\":\"related\",\"id\":%lld}]}",
           (long long)a, (long long)c, (long long)a);
  int64_t b = tu_add(st, j);
  ok(b > 0, "an event with two links to a and one to c");
  is_int(att_store_linkers(st, a, &l, &n), 0, "linkers of a");
  is_int((long long)n, 2, "... two links");
  free(l);
  /* In the snapshot too, found by searching the records: with a decoy,
   * a "links" name inside fields, and the text in a string. */
  ok(tu_add(st, "{\"title\":\"decoy \\\"links\\\":[\",\"when\":\"2024\",\"fields\":{\"links\":[1,2]}}") > 0,
     "an event with \"links\" in fields and in its title");
  is_int(att_store_compact(st), 0, "compacted");
  is_int(att_store_linkers(st, a, &l, &n), 0, "linkers of a, from the snapshot");
  is_int((long long)n, 2, "... the same two links, not the decoy");
  ok(n == 2 && l[0].from == b && l[1].from == b, "... both of b");
  free(l);
  is_int(att_store_remove(st, a), ATT_ELINKED, "a plain removal is refused");
  is_int(att_store_remove_force(st, a), 0, "a forced removal");
  is_int(nlinks(st, b), 1, "... dropped both links to it and kept the other");
  ok(reopens(dir, 3), "... in one durable change: the store opens with 3 events");
  att_store_close(st);
  st = tu_open_write(dir);
  is_int(nlinks(st, b), 1, "after reopening, the linker still has its other link");
  att_store_close(st);
}

/* Finding 4: an id handed out by a batch that rolled back is never given
 * again, whoever asks next and however the store was closed. */
static void test_ids(void) {
  char *dir = newdir();
  att_store *st = tu_open_write(dir), *other;
  int64_t kept, fresh;
  tu_add(st, "{\"title\":\"a\",\"when\":\"2024\"}");
  att_store_begin(st);
  kept = tu_add(st, "{\"title\":\"ghost\",\"when\":\"2024\"}");
  att_store_rollback(st);
  fresh = tu_add(st, "{\"title\":\"real\",\"when\":\"2024\"}");
  ok(fresh > kept, "after a rollback, the next add gets a new id (%lld > %lld)", (long long)fresh, (long long)kept);
  att_store_begin(st);
  kept = tu_add(st, "{\"title\":\"ghost\",\"when\":\"2024\"}");
  att_store_rollback(st);
  att_store_close(st);
  other = tu_open_write(dir);
  fresh = tu_add(other, "{\"title\":\"real\",\"when\":\"2024\"}");
  ok(fresh > kept, "... also in another handle opened after it (%lld > %lld)", (long long)fresh, (long long)kept);
  att_store_begin(other);
  kept = tu_add(other, "{\"title\":\"ghost\",\"when\":\"2024\"}");
  att_store_rollback(other);
  is_int(att_store_compact(other), 0, "compaction");
  att_store_close(other);
  other = tu_open_write(dir);
  fresh = tu_add(other, "{\"title\":\"real\",\"when\":\"2024\"}");
  ok(fresh > kept, "... and after a compaction (%lld > %lld)", (long long)fresh, (long long)kept);
  /* An aborted import, written straight into a snapshot. */
  is_int(att_store_import_begin(other, 5000), 0, "a bulk import");
  for (int i = 0; i < 10; i++) kept = import_add(other, "{\"title\":\"i\",\"when\":\"2024\"}");
  att_store_import_abort(other);
  fresh = tu_add(other, "{\"title\":\"real\",\"when\":\"2024\"}");
  ok(fresh > kept, "... after an aborted import (%lld > %lld)", (long long)fresh, (long long)kept);
  att_store_close(other);
  ok(reopens(dir, 5), "the store holds the 5 committed events");
}

/* A writer killed in the middle of a batch whose records reached the
 * journal: the ids it handed out are not given again. */
static void test_crash_ids(void) {
  char *dir = newdir();
  int fds[2];
  pid_t pid;
  int64_t last = 0, fresh;
  att_store *st;
  if (pipe(fds) != 0) return;
  pid = fork();
  if (pid == 0) {
    att_store *w = tu_open_write(dir);
    int64_t id = 0;
    close(fds[0]);
    att_store_begin(w);
    /* More than the writer's 1 MiB buffer, so the records reach the file. */
    for (int i = 0; i < 6000; i++)
      id = tu_add(w, "{\"title\":\"an event whose text makes its record long enough to fill "
                  "the buffer soon\",\"when\":\"2024-05-01\",\"notes\":\"padding padding padding "
                  "padding padding padding padding padding padding padding\"}");
    if (write(fds[1], &id, sizeof id) != (ssize_t)sizeof id) _exit(1);
    pause();
    _exit(0);
  }
  close(fds[1]);
  if (read(fds[0], &last, sizeof last) != (ssize_t)sizeof last) last = -1;
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  close(fds[0]);
  ok(last > 0, "a writer handed out ids up to %lld in a batch, then was killed", (long long)last);
  st = tu_open_write(dir);
  fresh = tu_add(st, "{\"title\":\"after\",\"when\":\"2024\"}");
  /* Every id it handed out was reserved on disk first. */
  ok(fresh > last, "the next writer skips the ids in the cut-off write (got %lld)", (long long)fresh);
  att_store_close(st);
  ok(reopens(dir, 1), "the store opens with the one event");
}

/* Imports written straight into a snapshot check links at their commit. */
static void test_import_links(void) {
  char *dir = newdir();
  att_store *st = tu_open_write(dir);
  char j[256];
  int64_t first;
  is_int(att_store_import_begin(st, 5000), 0, "a bulk import");
  first = import_add(st, "{\"title\":\"first\",\"when\":\"2024\"}");
  snprintf(j, sizeof j, "{\"title\":\"x\",\"when\":\"2024\",\"links\":[{\"rel\":\"related\",\"id\":%lld}]}",
           (long long)first + 2);
  ok(import_add(st, j) > 0, "an event linking forward, to the next one");
  ok(import_add(st, "{\"title\":\"y\",\"when\":\"2024\"}") > 0, "... which follows");
  is_int(att_store_import_commit(st), 0, "the import commits");
  is_int(nlinks(st, first + 1), 1, "... with its link");
  is_int(att_store_import_begin(st, 5000), 0, "another");
  import_add(st, "{\"title\":\"z\",\"when\":\"2024\",\"links\":[{\"rel\":\"related\",\"id\":99999}]}");
  is_int(att_store_import_commit(st), ATT_EINVAL, "an import with a link to a missing event is refused");
  att_store_close(st);
  ok(reopens(dir, 3), "... and nothing of it is kept");
}

int main(void) {
  root = mkdtemp(tmpl);
  if (!root) return 1;
  test_refs();
  test_force();
  test_ids();
  test_crash_ids();
  test_import_links();
  tu_rmrf(root);
  return done_testing();
}
