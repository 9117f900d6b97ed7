/*
 * Tests of undo, revert and restore (core/revert.c) on the store's
 * history, with a simulated clock: plans and their conflicts (later
 * changes, keys taken since, links to events removed since, linkers of an
 * event to remove), links dropped by a forced removal, recurring events,
 * undo of an undo, and that a failed reversal changes nothing.  Issue 15.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "error.h"
#include "revert.h"
#include "store.h"
#include "tap.h"
#include "testutil.h"

static char tmpl[] = "/tmp/att-revert-XXXXXX";
static char *root;
static int nstores;
static att_time clock_now;

static att_time fake_now(void *ud) {
  (void)ud;
  return clock_now;
}

static att_store *open_store(void) {
  static char buf[PATH_MAX];
  att_store_opts o = {0};
  att_store *st = NULL;
  snprintf(buf, sizeof buf, "%s/s%d", root, nstores++);
  if (att_store_init(buf) != 0) printf("# init %s: %s\n", buf, att_errmsg());
  o.flags = ATT_OPEN_WRITE;
  o.now = fake_now;
  o.author = "alice";
  if (att_store_open(buf, &o, &st) != 0) printf("# open %s: %s\n", buf, att_errmsg());
  clock_now = tu_time("2024-03-01T09:00:00Z");
  return st;
}

/* A day passes between writes, so that messages can name the day. */
static void tick(void) { clock_now += 86400; }

/* Apply the JSON merge patch to event id; 0 or the error. */
static int patch(att_store *st, int64_t id, const char *json) {
  att_event ev;
  cJSON *p = cJSON_Parse(json);
  int rc = att_store_get(st, id, &ev);
  if (p == NULL) return ATT_EINVAL;
  if (rc == 0) {
    rc = att_event_patch(&ev, p);
    if (rc == 0) rc = att_store_update(st, &ev);
    att_event_free(&ev);
  }
  cJSON_Delete(p);
  tick();
  return rc;
}

static int64_t add(att_store *st, const char *json) {
  int64_t id = tu_add(st, json);
  tick();
  return id;
}

/* The string field of event id ("" when absent, "(gone)" when removed). */
static char fieldbuf[512];
static const char *field(att_store *st, int64_t id, const char *name) {
  att_event ev;
  const char *s = NULL;
  if (att_store_get(st, id, &ev) != 0) return "(gone)";
  if (strcmp(name, "when") == 0) s = ev.when;
  else if (strcmp(name, "title") == 0) s = ev.title;
  else if (strcmp(name, "status") == 0) s = ev.status;
  else if (strcmp(name, "recur") == 0) s = ev.recur;
  else if (strcmp(name, "key") == 0) s = ev.key;
  snprintf(fieldbuf, sizeof fieldbuf, "%s", s ? s : "");
  att_event_free(&ev);
  return fieldbuf;
}

static int64_t rev_of(att_store *st, int64_t id) {
  att_event ev;
  int64_t r;
  if (att_store_get(st, id, &ev) != 0) return 0;
  r = ev.rev;
  att_event_free(&ev);
  return r;
}

static int nlinks_to(att_store *st, int64_t from, int64_t to) {
  att_event ev;
  size_t i;
  int n = 0;
  if (att_store_get(st, from, &ev) != 0) return -1;
  for (i = 0; i < ev.nlinks; i++)
    if (ev.links[i].id == to) n++;
  att_event_free(&ev);
  return n;
}

static uint64_t newest(att_store *st, att_change *out) {
  att_change_filter f;
  att_change *v = NULL;
  size_t n = 0;
  uint64_t seq = 0;
  att_change_filter_init(&f);
  f.limit = 1;
  if (att_store_changes(st, &f, &v, &n) == 0 && n == 1) {
    seq = v[0].seq;
    if (out) {
      *out = v[0];
      v[0].author = v[0].reason = NULL;
    }
  }
  att_changes_free(v, n);
  return seq;
}

static int undo(att_store *st, const char *author) {
  att_reversal r;
  int rc = att_undo_plan(st, author, &r);
  if (rc == 0) rc = att_revert_apply(st, &r, NULL);
  att_reversal_free(&r);
  tick();
  return rc;
}

static int revert(att_store *st, uint64_t seq, int batch) {
  att_reversal r;
  int rc = batch ? att_revert_plan_batch(st, seq, &r) : att_revert_plan(st, &seq, 1, &r);
  if (rc == 0) rc = att_revert_apply(st, &r, NULL);
  att_reversal_free(&r);
  tick();
  return rc;
}

static int has(const char *msg, const char *part) {
  if (strstr(msg, part)) return 1;
  printf("# message: %s\n#  lacks: %s\n", msg, part);
  return 0;
}

static void test_update(void) {
  att_store *st = open_store();
  att_change c;
  int64_t id = add(st, "{\"title\":\"CDC meeting\",\"when\":\"2024-01~/2024-04~\",\"status\":\"planned\"}");
  ok(id > 0, "an event");
  is_int(patch(st, id, "{\"when\":\"2024-03-12\",\"status\":\"confirmed\"}"), 0, "its date confirmed");
  is_int(undo(st, "alice"), 0, "undo");
  is_str(field(st, id, "when"), "2024-01~/2024-04~", "... the date is back");
  is_str(field(st, id, "status"), "planned", "... and the status");
  is_int(rev_of(st, id), 3, "... as a new revision (history is append-only)");
  is_int(newest(st, &c), 3, "... recorded as change 3");
  is_str(c.reason, "undo of change 2", "... with the reason 'undo of change 2'");
  is_str(c.author, "alice", "... by alice");
  free(c.author);
  free(c.reason);
  is_int(undo(st, "alice"), 0, "undo of the undo");
  is_str(field(st, id, "when"), "2024-03-12", "... is a redo: the confirmed date again");
  is_int(rev_of(st, id), 4, "... revision 4");
  is_int(newest(st, &c), 4, "... change 4");
  is_str(c.reason, "undo of change 3", "... 'undo of change 3'");
  free(c.author);
  free(c.reason);
  is_int(undo(st, "alice"), 0, "undo once more");
  is_str(field(st, id, "when"), "2024-01~/2024-04~", "... toggles back");
  {
    att_reversal r;
    uint64_t seq = 2;
    is_int(att_revert_plan(st, &seq, 1, &r), ATT_ECONFLICT,
           "change 2 cannot be reverted alone after the undos that followed it");
    ok(has(att_errmsg(), "change 3 by alice") && has(att_errmsg(), "change 5 by alice"),
       "... naming each of them");
    att_reversal_free(&r);
  }
  att_store_close(st);
}

static void test_add_remove(void) {
  att_store *st = open_store();
  int64_t a, b;
  a = add(st, "{\"title\":\"a\",\"when\":\"2024\",\"key\":\"k-a\"}");
  is_int(undo(st, "alice"), 0, "undo of an add");
  is_str(field(st, a, "title"), "(gone)", "... removes the event");
  is_int(undo(st, "alice"), 0, "undo of that undo");
  is_str(field(st, a, "key"), "k-a", "... brings it back with its id and key");
  is_int(rev_of(st, a), 2, "... at the revision after the removed one");
  b = add(st, "{\"title\":\"b\",\"when\":\"2024\",\"links\":[{\"rel\":\"follows\",\"key\":\"k-a\"}]}");
  ok(b > 0, "b follows a");
  is_int(att_store_remove(st, b), 0, "b removed");
  tick();
  is_int(undo(st, "alice"), 0, "undo of the removal");
  is_int(nlinks_to(st, b, a), 1, "... b is back with its link to a");
  att_store_close(st);
}

static void test_authors(void) {
  att_store *st = open_store();
  int64_t a, b;
  att_reversal r;
  a = add(st, "{\"title\":\"a\",\"when\":\"2024\"}");
  att_store_set_author(st, "bob");
  b = add(st, "{\"title\":\"b\",\"when\":\"2024\"}");
  att_store_set_author(st, "alice");
  is_int(patch(st, a, "{\"title\":\"a2\"}"), 0, "alice changes a after bob added b");
  att_store_set_author(st, "bob");
  is_int(undo(st, "bob"), 0, "bob's undo");
  is_str(field(st, b, "title"), "(gone)", "... undoes bob's add");
  is_str(field(st, a, "title"), "a2", "... not alice's later change");
  is_int(att_undo_plan(st, "carol", &r), ATT_ENOTFOUND, "carol has nothing to undo");
  ok(has(att_errmsg(), "nothing to undo"), "... says so");
  att_reversal_free(&r);
  is_int(att_undo_plan(st, NULL, &r), ATT_ENOTFOUND, "nothing by an unknown author");
  att_reversal_free(&r);
  att_store_close(st);
}

static void test_conflict(void) {
  att_store *st = open_store();
  int64_t a = add(st, "{\"title\":\"a\",\"when\":\"2024\"}");
  uint64_t n0;
  att_reversal r;
  uint64_t seq;
  is_int(patch(st, a, "{\"title\":\"a2\"}"), 0, "alice: change 2");
  att_store_set_author(st, "bob");
  is_int(patch(st, a, "{\"status\":\"held\"}"), 0, "bob: change 3, on 2024-03-03");
  n0 = newest(st, NULL);
  seq = 2;
  is_int(att_revert_plan(st, &seq, 1, &r), ATT_ECONFLICT, "reverting change 2 conflicts");
  ok(has(att_errmsg(), "change 3 by bob on 2024-03-03 changed event 1 after change 2"),
     "... naming the later change, its author and day");
  att_reversal_free(&r);
  is_int(undo(st, "alice"), ATT_ECONFLICT, "alice's undo conflicts the same way");
  is_int(newest(st, NULL), n0, "... and nothing was written");
  is_str(field(st, a, "title"), "a2", "... nor changed");
  is_int(revert(st, 3, 0), 0, "reverting bob's change 3 first");
  is_int(revert(st, 2, 0), ATT_ECONFLICT, "change 2 still conflicts with the revert of 3");
  ok(has(att_errmsg(), "change 4"), "... naming it");
  seq = 99;
  is_int(att_revert_plan(st, &seq, 1, &r), ATT_ENOTFOUND, "change 99 does not exist");
  ok(has(att_errmsg(), "there is no change 99") && has(att_errmsg(), "1 to 4"),
     "... said with the range of numbers");
  att_reversal_free(&r);
  att_store_close(st);
}

static void test_batch(void) {
  att_store *st = open_store();
  int64_t a = add(st, "{\"title\":\"a\",\"when\":\"2024\"}");
  int64_t b = add(st, "{\"title\":\"b\",\"when\":\"2024\"}");
  att_reversal r;
  uint64_t n0, seq;
  att_store_begin(st);
  patch(st, a, "{\"title\":\"a2\"}");
  patch(st, b, "{\"title\":\"b2\"}");
  patch(st, a, "{\"title\":\"a3\"}");
  is_int(att_store_commit(st), 0, "one write of three changes (3, 4, 5)");
  seq = 3;
  is_int(att_revert_plan(st, &seq, 1, &r), ATT_ECONFLICT,
         "change 3 alone conflicts with change 5 of the same write");
  att_reversal_free(&r);
  is_int(att_revert_plan_batch(st, 4, &r), 0, "the plan for the whole write of change 4");
  is_int((long long)r.nchanges, 3, "... reverses its three changes");
  is_int((long long)r.nsteps, 2, "... in two steps, one per event");
  is_str(r.reason, "revert of changes 3-5", "... 'revert of changes 3-5'");
  /* Another writer moves b on between the plan and its application: the
   * first step (a) is written in the batch, the second fails, and the
   * whole write is rolled back. */
  patch(st, b, "{\"title\":\"b3\"}");
  n0 = newest(st, NULL);
  is_int(att_revert_apply(st, &r, NULL), ATT_ECONFLICT, "applying a stale plan fails");
  is_int(newest(st, NULL), n0, "... no change was recorded");
  is_str(field(st, a, "title"), "a3", "... a is unchanged");
  is_str(field(st, b, "title"), "b3", "... b too");
  att_reversal_free(&r);
  is_int(revert(st, 4, 1), ATT_ECONFLICT, "the write still conflicts with b's later change");
  ok(has(att_errmsg(), "change 6 by alice on"), "... naming it");
  {
    int64_t c = add(st, "{\"title\":\"c\",\"when\":\"2024\"}");
    int64_t d = add(st, "{\"title\":\"d\",\"when\":\"2024\"}");
    att_change ch;
    att_store_begin(st);
    patch(st, c, "{\"title\":\"c2\"}");
    patch(st, d, "{\"title\":\"d2\"}");
    is_int(att_store_commit(st), 0, "another write of two changes (9, 10)");
    is_int(revert(st, 10, 1), 0, "the whole write is reverted");
    is_str(field(st, c, "title"), "c", "... c is back");
    is_str(field(st, d, "title"), "d", "... d is back");
    is_int(newest(st, &ch), 12, "... as changes 11 and 12");
    is_int((long long)ch.batch, 11, "... of one write");
    is_str(ch.reason, "revert of changes 9-10", "... with its reason");
    free(ch.author);
    free(ch.reason);
  }
  att_store_close(st);
}

static void test_restore(void) {
  att_store *st = open_store();
  int64_t x, y, z, k;
  att_reversal r;
  char j[256];
  uint64_t rm;
  y = add(st, "{\"title\":\"y\",\"when\":\"2024\"}");
  snprintf(j, sizeof j,
           "{\"title\":\"x\",\"when\":\"2024\",\"key\":\"k-x\",\"links\":[{\"rel\":\"follows\",\"id\":%lld}]}",
           (long long)y);
  x = add(st, j);
  snprintf(j, sizeof j, "{\"title\":\"z\",\"when\":\"2024\",\"links\":[{\"rel\":\"related\",\"id\":%lld}]}",
           (long long)x);
  z = add(st, j);
  is_int(att_restore_plan(st, x, &r), ATT_EEXISTS, "a live event cannot be restored");
  att_reversal_free(&r);
  is_int(att_restore_plan(st, 77, &r), ATT_ENOTFOUND, "nor one that never was");
  att_reversal_free(&r);
  is_int(att_store_remove_force(st, x), 0, "x removed by force, dropping z's link to it");
  tick();
  rm = newest(st, NULL);
  is_int(nlinks_to(st, z, x), 0, "... z lost its link");
  is_int(att_restore_plan(st, x, &r), 0, "the plan to restore x");
  is_int((long long)r.nsteps, 1, "... restores x alone");
  is_int((long long)r.nnotes, 1, "... and notes one link it does not bring back");
  if (r.nnotes) ok(has(r.notes[0], "event 3 linked to event 2 (related)"), "... z's");
  is_int(att_revert_apply(st, &r, NULL), 0, "restored");
  att_reversal_free(&r);
  tick();
  is_str(field(st, x, "key"), "k-x", "x is back with its key");
  is_int(nlinks_to(st, x, y), 1, "... and its own link");
  is_int(nlinks_to(st, z, x), 0, "... z's link is not brought back silently");
  is_int(undo(st, "alice"), 0, "undo the restore");
  is_str(field(st, x, "title"), "(gone)", "... x is removed again");
  is_int(revert(st, rm, 1), ATT_ECONFLICT, "reverting the forced removal conflicts (restored and removed since)");
  ok(has(att_errmsg(), "restored event 2"), "... naming the restore");

  /* The key was taken since. */
  k = add(st, "{\"title\":\"k\",\"when\":\"2024\",\"key\":\"k-x\"}");
  is_int(att_restore_plan(st, x, &r), ATT_ECONFLICT, "restoring x when its key is taken");
  ok(has(att_errmsg(), "\"k-x\", which event 4 holds now"), "... names the event that holds it");
  att_reversal_free(&r);
  is_int(att_store_remove(st, k), 0, "the other event removed");
  tick();
  /* Its link names an event removed since. */
  is_int(att_store_remove(st, y), 0, "y removed");
  tick();
  is_int(att_restore_plan(st, x, &r), ATT_ECONFLICT, "restoring x while y is removed");
  ok(has(att_errmsg(), "links to event 1 (follows)") && has(att_errmsg(), "restore 1 first"),
     "... names y and its removal");
  att_reversal_free(&r);
  att_store_close(st);
}

static void test_forced_batch(void) {
  att_store *st = open_store();
  int64_t x, z;
  char j[256];
  x = add(st, "{\"title\":\"x\",\"when\":\"2024\"}");
  snprintf(j, sizeof j, "{\"title\":\"z\",\"when\":\"2024\",\"links\":[{\"rel\":\"part-of\",\"id\":%lld}]}",
           (long long)x);
  z = add(st, j);
  is_int(att_store_remove_force(st, x), 0, "x removed by force");
  tick();
  is_int(undo(st, "alice"), 0, "undo of the whole forced removal");
  is_str(field(st, x, "title"), "x", "... x is back");
  is_int(nlinks_to(st, z, x), 1, "... and so is z's link to it");
  att_store_close(st);
}

static void test_linked_add(void) {
  att_store *st = open_store();
  int64_t a, b;
  a = add(st, "{\"title\":\"a\",\"when\":\"2024\",\"key\":\"k-a\"}");
  att_store_set_author(st, "bob");
  b = add(st, "{\"title\":\"b\",\"when\":\"2024\",\"links\":[{\"rel\":\"follows\",\"key\":\"k-a\"}]}");
  att_store_set_author(st, "alice");
  is_int(undo(st, "alice"), ATT_ECONFLICT, "undoing the add of an event others link to");
  ok(has(att_errmsg(), "event 2 links to event 1 (follows)"), "... names the linker");
  is_str(field(st, a, "title"), "a", "... a stays");
  is_int(nlinks_to(st, b, a), 1, "... and b keeps its link (no forced removal)");
  att_store_close(st);
}

static void test_recur(void) {
  att_store *st = open_store();
  int64_t a = add(st, "{\"title\":\"weekly\",\"when\":\"2024-01-01\",\"recur\":\"FREQ=WEEKLY;COUNT=4\"}");
  uint64_t seq;
  char old[128];
  snprintf(old, sizeof old, "%s", field(st, a, "recur"));
  ok(*old != '\0', "a recurring event");
  is_int(patch(st, a, "{\"recur\":\"FREQ=MONTHLY;COUNT=2\"}"), 0, "its rule changed");
  seq = newest(st, NULL);
  is_int(patch(st, a, "{\"title\":\"weekly call\"}"), 0, "then its title, by alice again");
  is_int(revert(st, seq, 0), ATT_ECONFLICT, "revert of the rule's change alone conflicts with the title's");
  is_int(revert(st, seq + 1, 0), 0, "the title's change reverted");
  is_int(revert(st, seq, 0), ATT_ECONFLICT, "the rule's change conflicts with that revert too");
  is_int(undo(st, "alice"), 0, "undo of the revert");
  is_str(field(st, a, "title"), "weekly call", "... title back");
  {
    att_reversal r;
    uint64_t s2[2] = {seq, seq + 1};
    is_int(att_revert_plan(st, s2, 2, &r), ATT_ECONFLICT, "two of the changes without the later ones");
    ok(has(att_errmsg(), "change 4") && has(att_errmsg(), "change 5"), "... names both later ones");
    att_reversal_free(&r);
  }
  att_store_close(st);
  st = open_store();
  a = add(st, "{\"title\":\"weekly\",\"when\":\"2024-01-01\",\"recur\":\"FREQ=WEEKLY;COUNT=4\"}");
  patch(st, a, "{\"recur\":\"FREQ=MONTHLY;COUNT=2\"}");
  is_int(undo(st, "alice"), 0, "undo of a change of the rule");
  is_str(field(st, a, "recur"), old, "... brings the old rule back");
  att_store_close(st);
}

/* The history survives compaction, and so does what undo needs. */
static void test_compact(void) {
  att_store *st = open_store();
  int64_t a = add(st, "{\"title\":\"a\",\"when\":\"2024\",\"key\":\"k-a\"}");
  is_int(patch(st, a, "{\"title\":\"a2\"}"), 0, "a changed");
  is_int(att_store_remove(st, a), 0, "a removed");
  tick();
  is_int(att_store_compact(st), 0, "the store compacted");
  is_int(undo(st, "alice"), 0, "undo of the removal after compaction");
  is_str(field(st, a, "title"), "a2", "... a is back at its last state");
  is_int(revert(st, 2, 0), ATT_ECONFLICT, "reverting the update conflicts with the removal since");
  is_int(att_store_compact(st), 0, "compacted again");
  is_int(undo(st, "alice"), 0, "undo of the restore");
  is_int(undo(st, "alice"), 0, "and its redo");
  is_str(field(st, a, "key"), "k-a", "... a is back with its key");
  att_store_close(st);
}

/* A write that added an event and removed it leaves nothing to reverse. */
static void test_cancelled(void) {
  att_store *st = open_store();
  att_reversal r;
  uint64_t n0;
  int64_t a;
  att_store_begin(st);
  a = add(st, "{\"title\":\"a\",\"when\":\"2024\"}");
  att_store_remove(st, a);
  is_int(att_store_commit(st), 0, "a write that adds and removes an event");
  n0 = newest(st, NULL);
  is_int(att_undo_plan(st, "alice", &r), ATT_EINVAL, "undo of it has nothing to do");
  ok(has(att_errmsg(), "left nothing to reverse"), "... and says so");
  att_reversal_free(&r);
  is_int(newest(st, NULL), n0, "... nothing written");
  att_store_close(st);
}

/* A store opened without an author: its writes are an unknown author's,
 * and undo with no author takes them. */
static void test_unknown_author(void) {
  static char buf[PATH_MAX];
  att_store_opts o = {0};
  att_store *st = NULL;
  int64_t a;
  att_change c;
  snprintf(buf, sizeof buf, "%s/s%d", root, nstores++);
  att_store_init(buf);
  o.flags = ATT_OPEN_WRITE;
  o.now = fake_now;
  if (att_store_open(buf, &o, &st) != 0) {
    ok(0, "open: %s", att_errmsg());
    return;
  }
  a = add(st, "{\"title\":\"a\",\"when\":\"2024\"}");
  is_int(patch(st, a, "{\"title\":\"a2\"}"), 0, "a change by an unknown author");
  is_int(undo(st, NULL), 0, "undo without an author");
  is_str(field(st, a, "title"), "a", "... undoes it");
  newest(st, &c);
  is_str(c.author, "", "... recorded without an author too");
  free(c.author);
  free(c.reason);
  is_int(undo(st, "alice"), ATT_ENOTFOUND, "alice has nothing to undo there");
  att_store_close(st);
}

static void test_nothing(void) {
  att_store *st = open_store();
  att_reversal r;
  uint64_t seq = 1;
  is_int(att_undo_plan(st, "alice", &r), ATT_ENOTFOUND, "nothing to undo in an empty store");
  ok(has(att_errmsg(), "nothing to undo"), "... said");
  att_reversal_free(&r);
  is_int(att_revert_plan(st, &seq, 1, &r), ATT_ENOTFOUND, "no change 1 in an empty store");
  ok(has(att_errmsg(), "no changes yet"), "... said");
  att_reversal_free(&r);
  att_store_close(st);
}

int main(void) {
  root = mkdtemp(tmpl);
  if (!root) return 1;
  test_update();
  test_add_remove();
  test_authors();
  test_conflict();
  test_batch();
  test_restore();
  test_forced_batch();
  test_linked_add();
  test_recur();
  test_compact();
  test_cancelled();
  test_unknown_author();
  test_nothing();
  tu_rmrf(root);
  return done_testing();
}
