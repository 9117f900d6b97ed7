/*
 * The crash campaign (docs/reliability.md).  Writers (child processes
 * linked with the core) work on one store as fast as they can: they add
 * events, some linked to earlier events (by id or by key), update them
 * (changing their links), remove them (plainly; refused with ATT_ELINKED
 * when others link to them; or forced, which drops those links), and open
 * batches that they commit or roll back on purpose.  The harness sends
 * SIGKILL at random moments to one or both of them.
 *
 * A writer tells the harness, through a pipe, what it is about to do (an
 * intent) and what came of it; a change is reported as acknowledged only
 * after the call returned success.  Every id that att_store_add hands out
 * inside a batch is reported ("seen") as soon as the call returns, before
 * the commit; so is an id left in the event by an add that was refused.
 *
 * After each kill the harness opens the store (it must open), has
 * att_store_verify check it, and checks:
 *   - every acknowledged change is there: an added event at its
 *     acknowledged revision or later, with its acknowledged links (less
 *     those a forced removal dropped), and an acknowledged removal absent;
 *   - nothing else is there but what was in flight at the kill (one add
 *     per writer, or a batch, whole or not at all), and no event twice;
 *   - every link of every live event names a live, other event;
 *   - the history keeps every acknowledged change (issue 15): each
 *     acknowledged revision reads back (att_store_version), each
 *     acknowledged removal is in its event's change list, the change
 *     numbers rise and each event's revisions follow one another; the
 *     writers also prune what is older than 2 s now and then, and a
 *     revision a prune dropped is accepted only if the change that
 *     replaced it went with it (test_history is the oracle of what a
 *     prune keeps; here, kills land in prunes);
 *   - ids are never reused: no live event has an id handed out to a write
 *     that did not commit (a batch rolled back or killed, an add refused),
 *     no id is handed out twice, and the next add after reopening gets an
 *     id greater than every id ever handed out.
 * The store lives on across rounds, so compactions (every 4096 records)
 * are killed too; the harness counts the kills that left a compaction's
 * files.
 *
 *   crash_campaign [ROUNDS]      (default 60; `make test-crash` runs 1000)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "event.h"
#include "store.h"

#define MAXL 3      /* links per event, at most */
#define NMINE 4096  /* events a writer keeps track of */
#define MAXBATCH 8  /* adds in one batch, at most */
#define NW 2        /* writers, at most */

/* ---- what a writer reports ------------------------------------------- */

enum {
  M_INTENT = 1, /* about to do op (M_ADD, M_UPD, M_DEL, M_FORCE) on id */
  M_ADD,        /* acknowledged add: id at rev 1 with links */
  M_UPD,        /* acknowledged update: id at rev with links */
  M_DEL,        /* acknowledged plain removal of id */
  M_FORCE,      /* acknowledged forced removal of id */
  M_REFUSED,    /* the intent was refused (rev: the code); an add's id if it left one */
  M_BEGIN,      /* a batch is open */
  M_SEEN,       /* att_store_add handed out id inside the batch (links) */
  M_COMMIT,     /* the batch is committed: its seen ids are acknowledged */
  M_ROLLBACK,   /* the batch was rolled back (rev 1: its commit failed) */
  M_LINKED,     /* a plain removal of a linked event was refused, as it must be */
  M_BAD,        /* something that must not happen (rev: what; id) */
  M_ROLLING     /* about to roll the batch back */
};
enum { BAD_REMOVED_LINKED = 1, BAD_FORCE_LEFT_LINK, BAD_OLD_READ };

typedef struct msg {
  int32_t type, who;
  int64_t id, rev;
  int64_t to[MAXL];
  int32_t nl, op;
} msg;

static unsigned long long rng = 0x2545F4914F6CDD1Dull;
static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

/* ---- the writer ------------------------------------------------------ */

typedef struct own {
  int64_t id, rev; /* rev: the revision acknowledged to this writer */
  int64_t to[MAXL];
  int nl;
  char key[48];
} own;

static own mine[NMINE];
static int nmine;
static int wfd, wwho;
static int64_t whi;         /* the largest id this writer has seen */
static int64_t wremoved;    /* an id this writer removed (acknowledged) */

static void send_to(int type, int64_t id, int64_t rev, const int64_t *to, int nl, int op) {
  msg m;
  memset(&m, 0, sizeof m);
  m.type = type;
  m.who = wwho;
  m.id = id;
  m.rev = rev;
  m.op = op;
  for (int i = 0; i < nl && i < MAXL; i++) m.to[m.nl++] = to[i];
  if (write(wfd, &m, sizeof m) != (ssize_t)sizeof m) _exit(4);
}

/* With the links of ev (resolved: ids). */
static void send(int type, int64_t id, int64_t rev, const att_event *ev, int op) {
  int64_t to[MAXL] = {0};
  int nl = 0;
  if (ev)
    for (size_t i = 0; i < ev->nlinks && i < MAXL; i++) to[nl++] = ev->links[i].id;
  send_to(type, id, rev, to, nl, op);
}

static void die(int code, const char *what) {
  fprintf(stderr, "crash writer %d: %s: %s\n", wwho, what, att_errmsg());
  _exit(code);
}

static own *find_own(int64_t id) {
  for (int i = 0; i < nmine; i++)
    if (mine[i].id == id) return &mine[i];
  return NULL;
}

static void keep_own(const att_event *ev) {
  own *o = find_own(ev->id);
  if (!o) {
    if (nmine == NMINE) return;
    o = &mine[nmine++];
  }
  o->id = ev->id;
  o->rev = ev->rev;
  o->nl = 0;
  for (size_t i = 0; i < ev->nlinks && i < MAXL; i++) o->to[o->nl++] = ev->links[i].id;
  snprintf(o->key, sizeof o->key, "%s", ev->key ? ev->key : "");
  if (ev->id > whi) whi = ev->id;
}

static void drop_own(int64_t id) {
  for (int i = 0; i < nmine; i++) {
    if (mine[i].id == id) {
      mine[i] = mine[--nmine];
      i--;
      continue;
    }
    /* A forced removal dropped this writer's links to id as well. */
    for (int k = 0; k < mine[i].nl; k++)
      if (mine[i].to[k] == id) {
        memmove(&mine[i].to[k], &mine[i].to[k + 1], (size_t)(mine[i].nl - k - 1) * sizeof(int64_t));
        mine[i].nl--;
        k--;
      }
  }
}

/* A plain removal of id succeeded: it must not have been linked from an
 * event of this writer (only this writer removes its events, so those
 * links are still there). */
static void removed(int64_t id) {
  int linked = 0;
  for (int k = 0; k < nmine; k++)
    for (int l = 0; l < mine[k].nl; l++) linked |= mine[k].to[l] == id;
  if (linked) send(M_BAD, id, BAD_REMOVED_LINKED, NULL, 0);
  else send(M_DEL, id, 0, NULL, 0);
  drop_own(id);
  wremoved = id;
}

/* Up to MAXL links as JSON ("" for none): to own events by id or by key,
 * to the batch's own earlier adds by key, now and then to an event of any
 * writer found by id near the top (which may go away meanwhile). */
static int links_json(att_store *st, char *out, size_t cap, const own *batch, int nbatch, int64_t self,
                      int64_t *used) {
  int n = 0, want = (int)rnd(4);
  size_t o = 0;
  out[0] = '\0';
  if (want == 3 && rnd(2)) want = 1;
  for (int tries = 0; n < want && tries < 8; tries++) {
    static const char *const rels[] = {"follows", "part-of", "supersedes", "related"};
    const char *rel = rels[rnd(4)];
    int64_t id = 0;
    char key[48] = "";
    unsigned src = rnd(10);
    if (src < 2 && nbatch > 0) {
      const own *b = &batch[rnd((unsigned)nbatch)];
      id = b->id;
      snprintf(key, sizeof key, "%s", b->key);
    } else if (src < 8 && nmine > 0) {
      const own *m = &mine[rnd((unsigned)nmine)];
      id = m->id;
      if (rnd(2)) snprintf(key, sizeof key, "%s", m->key);
    } else if (whi > 0) {
      att_event ev;
      int64_t lo = whi > 300 ? whi - 300 : 1;
      id = lo + (int64_t)rnd((unsigned)(whi + 20 - lo));
      if (att_store_get(st, id, &ev) != 0) continue;
      if (ev.key && rnd(2)) snprintf(key, sizeof key, "%s", ev.key);
      att_event_free(&ev);
    }
    if (id <= 0 || id == self) continue;
    {
      int dup = 0;
      for (int k = 0; k < n; k++) dup |= used[k] == id;
      if (dup) continue;
    }
    used[n++] = id;
    if (key[0])
      o += (size_t)snprintf(out + o, cap - o, "%s{\"rel\":\"%s\",\"key\":\"%s\"}", o ? "," : ",\"links\":[", rel, key);
    else
      o += (size_t)snprintf(out + o, cap - o, "%s{\"rel\":\"%s\",\"id\":%lld}", o ? "," : ",\"links\":[", rel, (long long)id);
  }
  if (o) snprintf(out + o, cap - o, "]");
  return n;
}

static void make_event(att_event *ev, const char *key, const char *links) {
  char j[1024];
  snprintf(j, sizeof j, "{\"title\":\"crash %s\",\"when\":\"2024-05\",\"key\":\"%s\",\"actors\":[\"KHM\"]%s}", key,
           key, links);
  if (att_event_from_json(j, strlen(j), 0, ev) != 0) die(3, "event JSON");
}

/* A writer: never returns. */
static void writer(const char *dir, int fd, int who, int round) {
  att_store_opts o = {0};
  att_store *st;
  o.flags = ATT_OPEN_WRITE;
  wfd = fd;
  wwho = who;
  if (att_store_open(dir, &o, &st) != 0) die(2, "open");
  rng ^= (unsigned long long)(who * 7919 + round) * 0x9E3779B97F4A7C15ull;
  rng ^= (unsigned long long)getpid() << 20;
  for (long i = 0;; i++) {
    char key[48], links[512];
    att_event ev;
    int rc;
    unsigned what = rnd(100);
    snprintf(key, sizeof key, "r%d-w%d-%ld", round, who, i);
    if (rnd(150) == 0) { /* `attache compact`, now and then, besides those every 4096 records */
      if (att_store_compact(st) != 0) die(10, "compact");
      continue;
    }
    if (rnd(1500) == 0) { /* `attache history prune` of what is older than 2 s */
      uint64_t dropped, seq;
      int prc = att_store_prune(st, (att_time)time(NULL) - 2, 0, &dropped, &seq);
      if (prc != 0 && prc != ATT_EINVAL) die(10, "prune"); /* EINVAL: the other writer pruned later */
      continue;
    }
    if (what < 32 || nmine < 4) { /* add, perhaps linked */
      int64_t to[MAXL];
      links_json(st, links, sizeof links, NULL, 0, 0, to);
      make_event(&ev, key, links);
      send(M_INTENT, 0, 0, NULL, M_ADD);
      rc = att_store_add(st, &ev);
      if (rc == 0) {
        send(M_ADD, ev.id, 1, &ev, 0);
        keep_own(&ev);
      } else if (rc == ATT_EINVAL) { /* a link's target went away meanwhile */
        send(M_REFUSED, ev.id, rc, NULL, M_ADD);
      } else
        die(5, "add");
      att_event_free(&ev);
    } else if (what < 34 && wremoved) { /* an add linked to a removed event: refused */
      snprintf(links, sizeof links, ",\"links\":[{\"rel\":\"follows\",\"id\":%lld}]", (long long)wremoved);
      make_event(&ev, key, links);
      send(M_INTENT, 0, 0, NULL, M_ADD);
      rc = att_store_add(st, &ev);
      if (rc == 0) die(5, "an add linked to a removed event was accepted");
      if (rc != ATT_EINVAL) die(5, "add linked to a removed event");
      send(M_REFUSED, ev.id, rc, NULL, M_ADD);
      att_event_free(&ev);
    } else if (what < 60) { /* update; half the time its links change */
      own *m = &mine[rnd((unsigned)nmine)];
      int64_t to[MAXL];
      int nto = 0, relink = (int)rnd(2);
      if (att_store_get(st, m->id, &ev) != 0) die(6, "get of an own event");
      if (ev.rev < m->rev) send(M_BAD, m->id, BAD_OLD_READ, NULL, 0);
      snprintf(links, sizeof links, "crash %s u%ld", m->key, i);
      {
        char *t = malloc(strlen(links) + 1);
        if (!t) die(6, "out of memory");
        memcpy(t, links, strlen(links) + 1);
        free(ev.title);
        ev.title = t;
      }
      for (size_t k = 0; k < ev.nlinks && nto < MAXL; k++) to[nto++] = ev.links[k].id;
      if (relink) {
        att_event nl;
        nto = links_json(st, links, sizeof links, NULL, 0, m->id, to);
        make_event(&nl, m->key, links);
        for (size_t k = 0; k < ev.nlinks; k++) {
          free(ev.links[k].rel);
          free(ev.links[k].key);
        }
        free(ev.links);
        ev.links = nl.links;
        ev.nlinks = nl.nlinks;
        nl.links = NULL;
        nl.nlinks = 0;
        att_event_free(&nl);
      }
      send_to(M_INTENT, m->id, 0, to, nto, M_UPD);
      rc = att_store_update(st, &ev);
      if (rc == 0) {
        send(M_UPD, ev.id, ev.rev, &ev, 0);
        keep_own(&ev);
      } else if (rc == ATT_EINVAL || rc == ATT_ECONFLICT) /* a target went; a forced removal changed it */
        send(M_REFUSED, m->id, rc, NULL, M_UPD);
      else
        die(6, "update");
      att_event_free(&ev);
    } else if (what < 69) { /* plain removal; refused if it is linked */
      int64_t id = mine[rnd((unsigned)nmine)].id;
      send(M_INTENT, id, 0, NULL, M_DEL);
      rc = att_store_remove(st, id);
      if (rc == 0)
        removed(id);
      else if (rc == ATT_ELINKED)
        send(M_LINKED, id, 0, NULL, 0);
      else
        die(7, "remove");
    } else if (what < 77) { /* an event this writer links to: refused, then forced */
      int64_t id = 0;
      for (int tries = 0; tries < 8 && !id; tries++) {
        own *m = &mine[rnd((unsigned)nmine)];
        if (m->nl && find_own(m->to[0])) id = m->to[0];
      }
      if (!id) id = mine[rnd((unsigned)nmine)].id;
      send(M_INTENT, id, 0, NULL, M_DEL);
      rc = att_store_remove(st, id);
      if (rc == ATT_ELINKED) {
        send(M_LINKED, id, 0, NULL, 0);
      } else if (rc == 0) {
        removed(id);
        continue;
      } else
        die(7, "remove of a linked event");
      send(M_INTENT, id, 0, NULL, M_FORCE);
      rc = att_store_remove_force(st, id);
      if (rc != 0) die(8, "forced removal");
      send(M_FORCE, id, 0, NULL, 0);
      drop_own(id);
      wremoved = id;
      {
        struct att_linker *lk;
        size_t n;
        if (att_store_linkers(st, id, &lk, &n) != 0) die(8, "linkers");
        if (n) send(M_BAD, id, BAD_FORCE_LEFT_LINK, NULL, 0);
        free(lk);
      }
    } else { /* a batch of adds, committed, or rolled back on purpose */
      own b[MAXBATCH];
      int nb = 0, n = (int)rnd(MAXBATCH) + (what < 95 ? 1 : 0), back = what >= 95;
      /* One batch in four works a while between its adds (a script
       * that computes), so that kills land inside batches too, not only
       * in their (slower) rollbacks. */
      int slow = rnd(4) == 0;
      if (att_store_begin(st) != 0) die(9, "begin");
      send(M_BEGIN, 0, 0, NULL, 0);
      for (int k = 0; k < n; k++) {
        snprintf(key, sizeof key, "r%d-w%d-%ld-b%d", round, who, i, k);
        int64_t to[MAXL];
        links_json(st, links, sizeof links, b, nb, 0, to);
        make_event(&ev, key, links);
        rc = att_store_add(st, &ev);
        if (rc == 0) {
          send(M_SEEN, ev.id, 1, &ev, 0);
          b[nb].id = ev.id;
          b[nb].rev = ev.rev;
          b[nb].nl = 0;
          for (size_t l = 0; l < ev.nlinks && l < MAXL; l++) b[nb].to[b[nb].nl++] = ev.links[l].id;
          snprintf(b[nb].key, sizeof b[nb].key, "%s", key);
          nb++;
        } else if (rc == ATT_EINVAL)
          send(M_REFUSED, ev.id, rc, NULL, M_ADD);
        else
          die(9, "add in a batch");
        att_event_free(&ev);
        if (slow) usleep(1000);
      }
      if (back) {
        send(M_ROLLING, 0, 0, NULL, 0);
        att_store_rollback(st);
        send(M_ROLLBACK, 0, 0, NULL, 0);
        continue;
      }
      rc = att_store_commit(st);
      if (rc == ATT_EINVAL) { /* a link's target went away meanwhile */
        send(M_ROLLBACK, 0, 1, NULL, 0);
        continue;
      }
      if (rc != 0) die(9, "commit");
      send(M_COMMIT, 0, 0, NULL, 0);
      for (int k = 0; k < nb; k++) {
        own *m = nmine < NMINE ? &mine[nmine++] : NULL;
        if (m) *m = b[k];
        if (b[k].id > whi) whi = b[k].id;
      }
    }
  }
}

/* ---- the harness's model --------------------------------------------- */

enum { S_NONE = 0, S_LIVE, S_GONE, S_UNCOMMITTED };
/* Why an id handed out was not committed. */
enum { O_ROLLBACK = 1, O_FAILED_COMMIT, O_KILLED_BATCH, O_KILLED_ROLLBACK, O_REFUSED_ADD, O_N };
static const char *const origin_name[O_N] = {"",
                                             "a rolled-back batch",
                                             "a batch whose commit failed",
                                             "a batch killed before its commit",
                                             "a batch killed while it was rolled back",
                                             "a refused add"};

typedef struct idstate {
  uint32_t rev;   /* acknowledged revision */
  uint32_t slot;  /* its acknowledged links in lks (0: none) */
  uint8_t st, origin;
  uint8_t nolinks; /* adopted after a kill: its links are not known */
} idstate;

typedef struct lkset {
  int64_t to[MAXL];
  int nl;
} lkset;

static idstate *ids;
static size_t nids;
static lkset *lks;
static size_t nlks, clks;
static int64_t max_handed; /* the largest id ever handed out (seen) */
static long nlive_model;   /* ids in S_LIVE */

static idstate *at(int64_t id) {
  if (id <= 0 || id > INT64_C(1) << 40) {
    fprintf(stderr, "crash: id %lld out of range\n", (long long)id);
    exit(1);
  }
  if ((size_t)id >= nids) {
    size_t n = nids ? nids : 65536;
    idstate *v;
    while (n <= (size_t)id) n *= 2;
    if (!(v = realloc(ids, n * sizeof *v))) exit(1);
    memset(v + nids, 0, (n - nids) * sizeof *v);
    ids = v;
    nids = n;
  }
  return &ids[id];
}

static void set_links(idstate *s, const int64_t *to, int nl) {
  if (nl == 0) {
    s->slot = 0;
    return;
  }
  if (!s->slot) {
    if (nlks + 1 >= clks) {
      size_t c = clks ? clks * 2 : 4096;
      lkset *v = realloc(lks, c * sizeof *v);
      if (!v) exit(1);
      lks = v;
      clks = c;
    }
    if (nlks == 0) nlks = 1; /* slot 0 means none */
    s->slot = (uint32_t)nlks++;
  }
  memcpy(lks[s->slot].to, to, (size_t)nl * sizeof *to);
  lks[s->slot].nl = nl;
}

/* What each writer was doing, as far as the harness heard. */
typedef struct wstate {
  int intent;      /* M_ADD, M_UPD, M_DEL, M_FORCE, or 0 */
  int64_t intent_id;
  lkset intent_links;
  int in_batch, rolling;
  int nseen;
  int64_t seen[MAXBATCH];
  lkset seen_links[MAXBATCH];
} wstate;

/* Counters. */
static long hist_checks, hist_lost, hist_lists, hist_bad, hist_pruned;

/* Has the history been pruned? */
static int is_pruned(att_store *st) {
  att_time b;
  uint64_t seq;
  return att_store_pruned(st, &b, &seq) == 1;
}

/*
 * Revision rev of event id is missing: was it dropped by a prune, as it
 * must be exactly when the change that replaced it is older than the
 * bound (and so no longer listed)?  1 if the store was pruned, that
 * change (the update to rev + 1, or the removal of rev) is not listed,
 * and rev is not the live event's current revision.
 */
static int pruned_away(att_store *st, int64_t id, int64_t rev) {
  att_change_filter f;
  att_change *v = NULL;
  size_t nv = 0;
  att_event ev;
  int listed = 0, current;
  if (!is_pruned(st)) return 0;
  att_change_filter_init(&f);
  f.id = id;
  if (att_store_changes(st, &f, &v, &nv) != 0) return 0;
  for (size_t q = 0; q < nv; q++)
    listed |= (v[q].op != ATT_CHANGE_REMOVE && v[q].rev == rev + 1) || (v[q].op == ATT_CHANGE_REMOVE && v[q].rev == rev);
  att_changes_free(v, nv);
  if (att_store_get(st, id, &ev) == 0) {
    current = ev.rev == rev;
    att_event_free(&ev);
  } else {
    current = 0;
  }
  return !listed && !current;
}
static size_t hist_checked;
static long reused[O_N], twice, bad_writer, acks, n_links_made, n_link_changes, n_forced, n_removed, n_refused_rm,
    n_rollbacks, n_failed_commits, n_refused_adds, n_refused_upd, n_batches, n_seen, rev_twice, updates_in_flight;

static void note_reuse(int r, int64_t id, const char *how) {
  idstate *s = at(id);
  int o = s->origin < O_N ? s->origin : 0;
  if (reused[o]++ < 6)
    printf("# round %d: id %lld %s, but it was handed out before to %s\n", r, (long long)id, how, origin_name[o]);
}

/* A new id acknowledged or seen: it must never have been handed out.
 * Noted if it was; from then on it is what the writer says it is. */
static void fresh_id(int r, int64_t id, const char *how) {
  idstate *s = at(id);
  if (id > max_handed) max_handed = id;
  if (s->st == S_UNCOMMITTED) note_reuse(r, id, how);
  else if (s->st != S_NONE && twice++ < 3)
    printf("# round %d: id %lld %s, but it was handed out before\n", r, (long long)id, how);
  if (s->st == S_LIVE) nlive_model--;
  s->st = S_NONE;
}

static void make_live(int64_t id, int64_t rev, const int64_t *to, int nl, int nolinks) {
  idstate *s = at(id);
  if (s->st != S_LIVE) nlive_model++;
  s->st = S_LIVE;
  s->rev = (uint32_t)rev;
  s->nolinks = (uint8_t)nolinks;
  set_links(s, to, nl);
}

static void make_gone(int64_t id) {
  idstate *s = at(id);
  if (s->st == S_LIVE) nlive_model--;
  s->st = S_GONE;
  s->slot = 0;
}

static void uncommitted(int r, int64_t id, int origin) {
  idstate *s = at(id);
  if (id > max_handed) max_handed = id;
  if (s->st == S_LIVE) {
    /* A refused add left the id of an event that is there. */
    if (reused[origin]++ < 3)
      printf("# round %d: a refused add left id %lld, which is a live event's\n", r, (long long)id);
    return;
  }
  if (s->st == S_NONE) {
    s->st = S_UNCOMMITTED;
    s->origin = (uint8_t)origin;
  }
}

/* Acknowledged changes, for the history check: (id, rev) of a put, rev 0
 * for a removal. */
typedef struct hack { int64_t id, rev; } hack;
static hack *hacks;
static size_t nhacks, chacks;
static void hack_add(int64_t id, int64_t rev) {
  if (nhacks == chacks) {
    chacks = chacks ? chacks * 2 : 1024;
    hacks = realloc(hacks, chacks * sizeof *hacks);
    if (!hacks) exit(2);
  }
  hacks[nhacks++] = (hack){id, rev};
}

static void take(int r, wstate *w, const msg *m) {
  switch (m->type) {
  case M_INTENT:
    w->intent = m->op;
    w->intent_id = m->id;
    w->intent_links.nl = m->nl;
    memcpy(w->intent_links.to, m->to, sizeof m->to);
    return;
  case M_ADD:
    acks++;
    n_links_made += m->nl;
    fresh_id(r, m->id, "was acknowledged as added");
    make_live(m->id, 1, m->to, m->nl, 0);
    hack_add(m->id, 1);
    break;
  case M_UPD: {
    idstate *s = at(m->id);
    acks++;
    if (s->st == S_LIVE && m->rev > s->rev) {
      const lkset *L = s->slot ? &lks[s->slot] : NULL;
      if (m->nl != (L ? L->nl : 0) || (m->nl && memcmp(m->to, L->to, (size_t)m->nl * sizeof *m->to) != 0)) {
        n_link_changes++;
        n_links_made += m->nl;
      }
      s->rev = (uint32_t)m->rev;
      set_links(s, m->to, m->nl);
      hack_add(m->id, m->rev);
    } else if (s->st == S_LIVE && rev_twice++ < 3) /* only its writer updates it: revisions rise */
      printf("# round %d: event %lld was updated to revision %lld, but revision %lld was acknowledged before\n", r,
             (long long)m->id, (long long)m->rev, (long long)s->rev);
    break;
  }
  case M_DEL:
    acks++;
    n_removed++;
    make_gone(m->id);
    hack_add(m->id, 0);
    break;
  case M_FORCE:
    acks++;
    n_forced++;
    make_gone(m->id);
    hack_add(m->id, 0);
    break;
  case M_REFUSED:
    if (m->op == M_ADD) {
      n_refused_adds++;
      if (m->id > 0) uncommitted(r, m->id, O_REFUSED_ADD);
    } else
      n_refused_upd++;
    break;
  case M_LINKED:
    n_refused_rm++;
    break;
  case M_ROLLING:
    w->rolling = 1;
    for (int k = 0; k < w->nseen; k++) at(w->seen[k])->origin = O_KILLED_ROLLBACK;
    return;
  case M_BEGIN:
    w->rolling = 0;
    w->in_batch = 1;
    w->nseen = 0;
    return;
  case M_SEEN:
    n_seen++;
    fresh_id(r, m->id, "was handed out in a batch");
    if (w->nseen < MAXBATCH) {
      w->seen[w->nseen] = m->id;
      w->seen_links[w->nseen].nl = m->nl;
      memcpy(w->seen_links[w->nseen].to, m->to, sizeof m->to);
      w->nseen++;
      at(m->id)->st = S_UNCOMMITTED; /* until its commit */
      at(m->id)->origin = O_KILLED_BATCH;
    }
    return;
  case M_COMMIT:
    n_batches++;
    for (int k = 0; k < w->nseen; k++) {
      acks++;
      n_links_made += w->seen_links[k].nl;
      at(w->seen[k])->st = S_NONE;
      make_live(w->seen[k], 1, w->seen_links[k].to, w->seen_links[k].nl, 0);
      hack_add(w->seen[k], 1);
    }
    w->in_batch = 0;
    w->nseen = 0;
    break;
  case M_ROLLBACK:
    if (m->rev) n_failed_commits++;
    else n_rollbacks++;
    for (int k = 0; k < w->nseen; k++) at(w->seen[k])->origin = m->rev ? O_FAILED_COMMIT : O_ROLLBACK;
    w->in_batch = 0;
    w->nseen = 0;
    break;
  case M_BAD:
    if (m->rev == BAD_REMOVED_LINKED) make_gone(m->id);
    if (bad_writer++ < 5)
      printf("# round %d: writer %d: %s (event %lld)\n", r, m->who,
             m->rev == BAD_REMOVED_LINKED    ? "a plain removal of an event it links to succeeded"
             : m->rev == BAD_OLD_READ        ? "read an older revision of its event than was acknowledged"
                                             : "links to an event remain after its forced removal",
             (long long)m->id);
    break;
  }
  w->intent = 0;
}

/* A compaction file written since `since` (left by the writer just killed). */
static int fresh(const char *dir, const char *name, const struct timespec *since) {
  char p[PATH_MAX + 32];
  struct stat sb;
  snprintf(p, sizeof p, "%s/%s", dir, name);
  if (stat(p, &sb) != 0) return 0;
  return sb.st_mtim.tv_sec > since->tv_sec ||
         (sb.st_mtim.tv_sec == since->tv_sec && sb.st_mtim.tv_nsec >= since->tv_nsec);
}

static int in_list(const int64_t *v, size_t n, int64_t id) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (v[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && v[lo] == id;
}

static int cmp64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Do the stored links equal the expected ones less those to events that
 * are gone (a forced removal dropped them)? */
static int links_match(const att_event *ev, const int64_t *to, int nl, const int64_t *live, size_t nlive) {
  int64_t a[MAXL], b[ATT_EV_LIST_MAX];
  size_t na = 0, nb = 0;
  for (int k = 0; k < nl; k++)
    if (in_list(live, nlive, to[k])) a[na++] = to[k];
  for (size_t k = 0; k < ev->nlinks && nb < ATT_EV_LIST_MAX; k++) b[nb++] = ev->links[k].id;
  if (na != nb) return 0;
  qsort(a, na, sizeof *a, cmp64);
  qsort(b, nb, sizeof *b, cmp64);
  return memcmp(a, b, na * sizeof *a) == 0;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 60;
  char root[64], dir[PATH_MAX];
  long kills = 0, in_compaction = 0, in_batch = 0, in_rollback = 0, compactions_seen = 0, lost = 0, dup = 0, extra_bad = 0,
       opened = 0, verified = 0, changes_checked = 0, links_checked = 0, broken = 0, torn = 0,
       probes = 0, probe_bad = 0, back_again = 0;
  unsigned long long gen_before = 0;
  int64_t *touched = NULL;
  size_t ntouched = 0, ctouched = 0;
  int failed = 0;
  if (rounds <= 0) rounds = 60;
  snprintf(root, sizeof root, "%s/att-crash-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
  if (!mkdtemp(root)) return 1;
  snprintf(dir, sizeof dir, "%s/store", root);
  if (att_store_init(dir) != 0) return 1;
  rng ^= (unsigned long long)time(NULL);
  signal(SIGPIPE, SIG_IGN);
  for (int r = 0; r < rounds; r++) {
    int fds[2], nw = 1 + (int)rnd(NW);
    pid_t pid[NW];
    wstate ws[NW];
    struct timespec started;
    att_store *st;
    att_store_opts o = {0};
    memset(ws, 0, sizeof ws);
    ntouched = 0;
    clock_gettime(CLOCK_REALTIME, &started);
    if (pipe(fds) != 0) return 1;
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    for (int w = 0; w < nw; w++) {
      pid[w] = fork();
      if (pid[w] == 0) {
        close(fds[0]);
        writer(dir, fds[1], w, r);
      }
    }
    close(fds[1]);
    /* Let them run a random while, reading what they report, then kill
     * one (the other runs on a little) and the other. */
    {
      struct timespec t0, t;
      long want_us = 2000 + (long)rnd(r % 10 == 0 ? 400000 : 60000);
      int killed = 0;
      clock_gettime(CLOCK_MONOTONIC, &t0);
      for (;;) {
        msg m;
        ssize_t k = read(fds[0], &m, sizeof m);
        long us;
        if (k == (ssize_t)sizeof m) {
          if (m.who >= 0 && m.who < nw) take(r, &ws[m.who], &m);
          if (m.id > 0 && m.type != M_INTENT) {
            if (ntouched == ctouched) {
              ctouched = ctouched ? ctouched * 2 : 4096;
              if (!(touched = realloc(touched, ctouched * sizeof *touched))) return 1;
            }
            touched[ntouched++] = m.id;
          }
          continue;
        }
        if (k == 0) break; /* every writer is gone */
        clock_gettime(CLOCK_MONOTONIC, &t);
        us = (t.tv_sec - t0.tv_sec) * 1000000L + (t.tv_nsec - t0.tv_nsec) / 1000;
        if (killed < nw && us >= want_us * (killed + 1)) {
          kill(pid[killed], SIGKILL);
          killed++;
          kills++;
          if (fresh(dir, "snapshot.tmp", &started) || fresh(dir, "journal.tmp", &started)) in_compaction++;
          clock_gettime(CLOCK_REALTIME, &started); /* the next kill: only what is newer */
          continue;
        }
        if (k < 0) usleep(100);
      }
      for (int w = 0; w < nw; w++) {
        int status;
        waitpid(pid[w], &status, 0);
        if (!WIFSIGNALED(status)) {
          printf("# round %d: writer %d ended by itself (status %d)\n", r, w, WEXITSTATUS(status));
          failed = 1;
        }
        if (ws[w].in_batch) in_batch++;
        if (ws[w].in_batch && ws[w].rolling) in_rollback++;
      }
      close(fds[0]);
    }
    /* The check, on the store as the kills left it. */
    if (att_store_verify(dir, &(att_store_opts){0}) != 0) {
      printf("# round %d: verify: %s\n", r, att_errmsg());
      failed = 1;
    } else
      verified++;
    o.flags = ATT_OPEN_READ;
    if (att_store_open(dir, &o, &st) != 0) {
      printf("# round %d: the store does not open: %s\n", r, att_errmsg());
      failed = 1;
      break;
    }
    opened++;
    {
      att_query q;
      int64_t *live;
      size_t n;
      long unknown = 0, allowed = 0, seen_live = 0;
      uint64_t count = att_store_count(st);
      att_query_init(&q);
      q.sort = ATT_SORT_ID;
      if (att_store_query(st, &q, &live, &n) != 0) {
        printf("# round %d: query: %s\n", r, att_errmsg());
        failed = 1;
        n = 0;
        live = NULL;
      }
      for (size_t i = 1; i < n; i++)
        if (live[i] <= live[i - 1]) dup++;
      if (n != count) dup++;
      /* A batch open at the kill: all of it or nothing. */
      for (int w = 0; w < nw; w++) {
        wstate *W = &ws[w];
        int there = 0;
        int nb = 0;
        if (!W->in_batch) continue;
        /* Ids another write got since (counted as reused) say nothing. */
        for (int k = 0; k < W->nseen; k++)
          if (at(W->seen[k])->st == S_UNCOMMITTED &&
              (at(W->seen[k])->origin == O_KILLED_BATCH || at(W->seen[k])->origin == O_KILLED_ROLLBACK)) {
            W->seen[nb] = W->seen[k];
            W->seen_links[nb++] = W->seen_links[k];
          }
        W->nseen = nb;
        for (int k = 0; k < W->nseen; k++) there += in_list(live, n, W->seen[k]);
        if (there == W->nseen) {
          for (int k = 0; k < W->nseen; k++) {
            at(W->seen[k])->st = S_NONE;
            make_live(W->seen[k], 1, W->seen_links[k].to, W->seen_links[k].nl, 0);
          }
        } else if (there > 0 && torn++ < 5)
          printf("# round %d: %d of the %d events of a killed batch are there%s\n", r, there, W->nseen,
                 W->rolling ? " (killed while rolling it back)" : "");
      }
      /* An acknowledged removal in flight at the kill: it may have been done. */
      for (int w = 0; w < nw; w++)
        if ((ws[w].intent == M_DEL || ws[w].intent == M_FORCE) && !in_list(live, n, ws[w].intent_id))
          make_gone(ws[w].intent_id);
      for (int w = 0; w < nw; w++) allowed += ws[w].intent == M_ADD;
      /* Every live event: acknowledged, or what was in flight. */
      for (size_t i = 0; i < n; i++) {
        idstate *s = at(live[i]);
        if (s->st == S_LIVE) {
          seen_live++;
        } else if (s->st == S_GONE) {
          if (back_again++ < 5) printf("# round %d: event %lld is there; its removal was acknowledged\n", r, (long long)live[i]);
          make_live(live[i], 1, NULL, 0, 1); /* noted once */
          seen_live++;
        } else if (s->st == S_UNCOMMITTED) {
          note_reuse(r, live[i], "is a live event");
          make_live(live[i], 1, NULL, 0, 1);
          seen_live++;
        } else if (++unknown <= allowed) {
          att_event ev;
          if (live[i] > max_handed) max_handed = live[i];
          if (att_store_get(st, live[i], &ev) == 0) {
            make_live(live[i], ev.rev, NULL, 0, 1);
            att_event_free(&ev);
            seen_live++;
          }
        } else if (extra_bad++ < 5) {
          printf("# round %d: event %lld is there, but nothing acknowledged or in flight explains it\n", r,
                 (long long)live[i]);
        }
      }
      if (seen_live != nlive_model) {
        /* Find what is missing. */
        for (size_t id = 1; id < nids; id++)
          if (ids[id].st == S_LIVE && !in_list(live, n, (int64_t)id)) {
            if (lost++ < 5) printf("# round %d: acknowledged event %lld is missing\n", r, (long long)id);
            make_gone((int64_t)id);
          }
      }
      /* An update in flight at the kill sent only its intent: check its
       * event too (it has one revision or the other). */
      for (int w = 0; w < nw; w++)
        if (ws[w].intent == M_UPD && at(ws[w].intent_id)->st == S_LIVE) {
          if (ntouched == ctouched) {
            ctouched = ctouched ? ctouched * 2 : 4096;
            if (!(touched = realloc(touched, ctouched * sizeof *touched))) return 1;
          }
          touched[ntouched++] = ws[w].intent_id;
        }
      /* This round's changes, and a sample of the others: the revision,
       * and the links. */
      for (size_t i = 0; i < ntouched + 300 && n; i++) {
        att_event ev;
        int64_t id = i < ntouched ? touched[i] : live[rnd((unsigned)n)];
        idstate *s = at(id);
        int ok;
        if (s->st != S_LIVE) continue;
        changes_checked++;
        if (att_store_get(st, id, &ev) != 0) {
          if (lost++ < 5) printf("# round %d: acknowledged event %lld is missing\n", r, (long long)id);
          continue;
        }
        ok = ev.rev >= (int64_t)s->rev;
        if (!ok && lost++ < 5)
          printf("# round %d: event %lld at revision %lld, revision %lld was acknowledged\n", r,
                 (long long)id, (long long)ev.rev, (long long)s->rev);
        if (ok && !s->nolinks) {
          const lkset *L = s->slot ? &lks[s->slot] : NULL;
          ok = links_match(&ev, L ? L->to : NULL, L ? L->nl : 0, live, n);
          for (int w = 0; !ok && w < nw; w++)
            if (ws[w].intent == M_UPD && ws[w].intent_id == id)
              ok = links_match(&ev, ws[w].intent_links.to, ws[w].intent_links.nl, live, n);
          if (!ok && lost++ < 5) {
            printf("# round %d: event %lld (revision %lld) does not have its acknowledged links (", r,
                   (long long)id, (long long)ev.rev);
            for (int k = 0; L && k < L->nl; k++) printf("%s%lld", k ? " " : "", (long long)L->to[k]);
            printf("; it has");
            for (size_t k = 0; k < ev.nlinks; k++) printf(" %lld", (long long)ev.links[k].id);
            printf(")\n");
          }
        }
        att_event_free(&ev);
      }
      /* If the update in flight was done, it is what later rounds expect. */
      for (int w = 0; w < nw; w++) {
        idstate *s;
        att_event ev;
        if (ws[w].intent != M_UPD) continue;
        s = at(ws[w].intent_id);
        if (s->st != S_LIVE || att_store_get(st, ws[w].intent_id, &ev) != 0) continue;
        if (ev.rev > (int64_t)s->rev && links_match(&ev, ws[w].intent_links.to, ws[w].intent_links.nl, live, n)) {
          s->rev = (uint32_t)ev.rev;
          set_links(s, ws[w].intent_links.to, ws[w].intent_links.nl);
          updates_in_flight++;
        }
        att_event_free(&ev);
      }
      /* Every link of every live event names a live, other event. */
      for (size_t i = 0; i < n; i++) {
        const char *json, *val;
        size_t len, vlen;
        att_event ev;
        if (att_store_json(st, live[i], &json, &len) != 0) {
          printf("# round %d: event %lld does not read: %s\n", r, (long long)live[i], att_errmsg());
          failed = 1;
          continue;
        }
        if (att_event_scan_member(json, len, "links", &val, &vlen) == 0) continue;
        if (att_event_from_json(json, len, ATT_EV_STORED, &ev) != 0) {
          printf("# round %d: event %lld does not parse: %s\n", r, (long long)live[i], att_errmsg());
          failed = 1;
          continue;
        }
        for (size_t k = 0; k < ev.nlinks; k++) {
          links_checked++;
          if (ev.links[k].id == live[i] || !in_list(live, n, ev.links[k].id)) {
            if (broken++ < 5)
              printf("# round %d: event %lld links (%s) to %lld, which is %s\n", r, (long long)live[i],
                     ev.links[k].rel, (long long)ev.links[k].id,
                     ev.links[k].id == live[i] ? "itself" : "not there");
          }
        }
        att_event_free(&ev);
      }
      free(live);
    }
    {
      /* The history: every change acknowledged since the last round (and
       * 200 older ones at random) is in it, whatever compaction the kill
       * interrupted: each acknowledged revision reads back, each removal
       * is listed; the change list's numbers rise and each event's
       * revisions follow one another. */
      size_t from = hist_checked;
      for (size_t k = 0; k < nhacks - from + 200 && nhacks; k++) {
        size_t i = k < nhacks - from ? from + k : (size_t)rnd((unsigned)nhacks);
        hack *h = &hacks[i];
        hist_checks++;
        if (h->rev) {
          char *j = NULL;
          size_t len;
          if (att_store_version(st, h->id, h->rev, &j, &len) != 0) {
            if (pruned_away(st, h->id, h->rev)) hist_pruned++;
            else if (hist_lost++ < 5)
              printf("# round %d: revision %lld of event %lld was acknowledged; its history lacks it: %s\n", r,
                     (long long)h->rev, (long long)h->id, att_errmsg());
          }
          free(j);
        } else {
          att_change_filter f;
          att_change *v = NULL;
          size_t nv = 0;
          int found = 0;
          att_change_filter_init(&f);
          f.id = h->id;
          if (att_store_changes(st, &f, &v, &nv) == 0)
            for (size_t q = 0; q < nv; q++) found |= v[q].op == ATT_CHANGE_REMOVE;
          if (!found && is_pruned(st)) hist_pruned++; /* removed before the bound: dropped */
          else if (!found && hist_lost++ < 5)
            printf("# round %d: the removal of event %lld was acknowledged; its history lacks it\n", r,
                   (long long)h->id);
          att_changes_free(v, nv);
        }
      }
      hist_checked = nhacks;
      if (r % 10 == 0 || r == rounds) {
        att_change_filter f;
        att_change *v = NULL;
        size_t nv = 0;
        att_change_filter_init(&f);
        f.oldest_first = 1;
        if (att_store_changes(st, &f, &v, &nv) != 0) {
          printf("# round %d: the change list does not read: %s\n", r, att_errmsg());
          hist_bad++;
        } else {
          int64_t *lastrev = calloc((size_t)max_handed + 2, sizeof *lastrev);
          int pr = is_pruned(st);
          for (size_t q = 0; lastrev && q < nv; q++) {
            int64_t id = v[q].id;
            if (q && v[q].seq <= v[q - 1].seq && hist_bad++ < 5)
              printf("# round %d: change numbers do not rise at %llu\n", r, (unsigned long long)v[q].seq);
            if (id < 1 || id > max_handed) continue;
            if (v[q].op == ATT_CHANGE_REMOVE) continue;
            /* after a prune an event's kept changes may start past rev 1 */
            if (pr && lastrev[id] == 0) lastrev[id] = v[q].rev - 1;
            if (v[q].rev != lastrev[id] + 1 && hist_bad++ < 5)
              printf("# round %d: event %lld goes from revision %lld to %lld in its history\n", r,
                     (long long)id, (long long)lastrev[id], (long long)v[q].rev);
            lastrev[id] = v[q].rev;
          }
          free(lastrev);
          hist_lists++;
        }
        att_changes_free(v, nv);
      }
    }
    {
      /* Count compactions: the snapshot's generation moves. */
      FILE *f;
      char p[PATH_MAX + 16];
      unsigned long long g = 0;
      snprintf(p, sizeof p, "%s/snapshot", dir);
      if ((f = fopen(p, "rb")) != NULL) {
        unsigned char h[24];
        if (fread(h, 1, sizeof h, f) == sizeof h) memcpy(&g, h + 16, 8);
        fclose(f);
      }
      if (g != gen_before) compactions_seen += gen_before ? (long)(g - gen_before) : 0;
      gen_before = g;
    }
    att_store_close(st);
    /* The next add gets an id above every id ever handed out. */
    o.flags = ATT_OPEN_WRITE;
    if (att_store_open(dir, &o, &st) != 0) {
      printf("# round %d: the store does not open for writing: %s\n", r, att_errmsg());
      failed = 1;
      break;
    } else {
      att_event ev;
      char j[128];
      snprintf(j, sizeof j, "{\"title\":\"probe %d\",\"when\":\"2024-06\",\"key\":\"probe-%d\"}", r, r);
      if (att_event_from_json(j, strlen(j), 0, &ev) != 0 || att_store_add(st, &ev) != 0) {
        printf("# round %d: the probe add failed: %s\n", r, att_errmsg());
        failed = 1;
      } else {
        probes++;
        if (ev.id <= max_handed) {
          idstate *s = at(ev.id);
          if (probe_bad++ < 5)
            printf("# round %d: the first add after reopening got id %lld; ids up to %lld were handed out "
                   "(this one to %s)\n",
                   r, (long long)ev.id, (long long)max_handed,
                   s->st == S_UNCOMMITTED ? origin_name[s->origin < O_N ? s->origin : 0] : "an event");
        }
        fresh_id(r, ev.id, "was given to the probe add");
        make_live(ev.id, 1, NULL, 0, 0);
      }
      att_event_free(&ev);
      att_store_close(st);
    }
  }
  {
    long nreused = 0;
    for (int k = 0; k < O_N; k++) nreused += reused[k];
    printf("# crash campaign: %d rounds, %ld kill points (%ld inside a batch, %ld of them in its "
           "rollback; %ld while a compaction's files were out), %ld compactions completed\n",
           rounds, kills, in_batch, in_rollback, in_compaction, compactions_seen);
    printf("# changes acknowledged: %ld (%ld links made, %ld updates that changed links, %ld plain "
           "removals, %ld forced removals, %ld batches committed)\n",
           acks, n_links_made, n_link_changes, n_removed, n_forced, n_batches);
    printf("# refused as they must be: %ld removals of linked events, %ld adds and %ld updates whose "
           "link target went away or that a forced removal overtook, %ld batch commits\n",
           n_refused_rm, n_refused_adds, n_refused_upd, n_failed_commits);
    printf("# batches rolled back on purpose: %ld; ids handed out inside batches: %ld; updates killed in "
           "flight that were done: %ld\n",
           n_rollbacks, n_seen, updates_in_flight);
    printf("# store opened %ld times, verified intact %ld times: %ld acknowledged changes checked: %ld lost, "
           "%ld removals undone, %ld duplicated, %ld unexplained events, %ld torn batches\n",
           opened, verified, changes_checked, lost, back_again, dup, extra_bad, torn);
    printf("# links checked: %ld: %ld broken\n", links_checked, broken);
    printf("# history: %ld acknowledged changes looked up, %ld missing, %ld dropped by prunes as they must "
           "be; %ld change lists checked, %ld out of order\n",
           hist_checks, hist_lost, hist_pruned, hist_lists, hist_bad);
    printf("# ids: %ld reused (%ld after a rollback, %ld after a failed commit, %ld after a batch killed "
           "before its commit, %ld after a batch killed in its rollback, %ld after a refused add), %ld "
           "handed out twice; %ld revisions given twice; %ld adds after reopening, %ld below the "
           "high-water mark; writers saw %ld wrong outcomes\n",
           nreused, reused[O_ROLLBACK], reused[O_FAILED_COMMIT], reused[O_KILLED_BATCH],
           reused[O_KILLED_ROLLBACK], reused[O_REFUSED_ADD], twice, rev_twice, probes, probe_bad, bad_writer);
    free(ids);
    free(hacks);
    free(lks);
    free(touched);
    if (failed || lost || back_again || dup || extra_bad || torn || broken || nreused || twice || rev_twice ||
        hist_lost || hist_bad ||
        probe_bad || bad_writer || opened != rounds || verified != rounds) {
      printf("# the store is kept for a post-mortem: %s\nnot ok 1 - crash campaign\n1..1\n", dir);
      return 1;
    }
    {
      char cmd[PATH_MAX + 16];
      snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
      if (system(cmd) != 0) printf("# could not remove %s\n", root);
    }
  }
  printf("ok 1 - crash campaign: %ld kill points, nothing acknowledged lost, no broken link, no id "
         "reused\n1..1\n",
         kills);
  return 0;
}
