/*
 * I/O faults the SQLite way (docs/reliability.md): for each operation of
 * the store (add, update, remove, batch commit, compaction, compaction
 * started by a commit, open, salvage, alert append), fail the k-th hooked
 * call (write, sync, rename, open, ftruncate, mmap, allocation; core/fault.h)
 * for k = 1, 2, ... until the operation completes without reaching k, once
 * failing only that call and once failing every call after it, with
 * several errnos and with short writes.  After each run:
 *   - the operation failed with a message naming the problem (or, for a
 *     fault the code retries or absorbs, succeeded);
 *   - the next operation on the same handle works once the fault is gone,
 *     or the handle refuses writes and says to reopen (a failed sync);
 *   - the store opens with the hook off, holding every acknowledged change
 *     exactly once and nothing of a failed operation (unless a sync failed,
 *     when the disk may hold either), and takes a write.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alertlog.h"
#include "error.h"
#include "fault.h"
#include "store.h"
#include "tap.h"
#include "testutil.h"

static char tmpl[64];
static char *root;
static int light; /* under valgrind: fewer modes */

/* ---- files ---------------------------------------------------------------- */

static int write_file(const char *path, const char *buf, size_t n) {
  FILE *f = fopen(path, "wb");
  int rc = 0;
  if (!f) return -1;
  if (n && fwrite(buf, 1, n, f) != n) rc = -1;
  if (fclose(f) != 0) rc = -1;
  return rc;
}

/* A store directory is flat: remove its files, then it. */
static void rm_store(const char *dir) {
  static const char *const names[] = {"lock", "snapshot", "journal", "alerts", "snapshot.tmp",
                                      "journal.tmp", NULL};
  for (int i = 0; names[i]; i++) {
    char p[PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/%s", dir, names[i]);
    unlink(p);
  }
  rmdir(dir);
}

static void rmrf(const char *dir) {
  char cmd[PATH_MAX + 16];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) printf("# could not remove %s\n", dir);
}

static const char *const store_files[] = {"lock", "snapshot", "journal", "alerts", NULL};

/* Copy the files of a store (a flat directory) from src to a fresh dst. */
static void copy_store(const char *src, const char *dst) {
  rm_store(dst);
  mkdir(dst, 0700);
  for (int i = 0; store_files[i]; i++) {
    char a[PATH_MAX + 16], b[PATH_MAX + 16], *buf;
    size_t n;
    snprintf(a, sizeof a, "%s/%s", src, store_files[i]);
    snprintf(b, sizeof b, "%s/%s", dst, store_files[i]);
    if ((buf = tu_read_file(a, &n)) != NULL) {
      write_file(b, buf, n);
      free(buf);
    }
  }
}

/* All the bytes of a store's files, to see that nothing was written. */
static char *store_bytes(const char *dir, size_t *len) {
  char *all = NULL;
  size_t n = 0;
  for (int i = 0; store_files[i]; i++) {
    char p[PATH_MAX], *buf, *t;
    size_t k;
    snprintf(p, sizeof p, "%s/%s", dir, store_files[i]);
    if ((buf = tu_read_file(p, &k)) == NULL) continue;
    t = realloc(all, n + k + 1);
    if (!t) {
      free(buf);
      break;
    }
    all = t;
    memcpy(all + n, buf, k);
    n += k;
    free(buf);
  }
  *len = n;
  return all;
}

/* ---- the model: what the store must hold ---------------------------------- */

typedef struct ment { char key[24]; long rev; int live; } ment;
typedef struct model { ment e[64]; int n; } model;

static void m_set(model *m, const char *key, long rev, int live) {
  for (int i = 0; i < m->n; i++)
    if (strcmp(m->e[i].key, key) == 0) {
      m->e[i].rev = rev;
      m->e[i].live = live;
      return;
    }
  if (m->n < 64) {
    snprintf(m->e[m->n].key, sizeof m->e[0].key, "%s", key);
    m->e[m->n].rev = rev;
    m->e[m->n++].live = live;
  }
}

/* 1 if the store holds exactly the model's live events at their revisions. */
static int m_matches(att_store *st, const model *m, char *why, size_t cap) {
  uint64_t live = 0;
  for (int i = 0; i < m->n; i++) {
    att_event ev;
    int rc = att_store_get_key(st, m->e[i].key, &ev);
    if (m->e[i].live) {
      live++;
      if (rc != 0 || ev.rev != m->e[i].rev) {
        snprintf(why, cap, "%s: %s (rev %ld, want %ld)", m->e[i].key, rc ? "missing" : "wrong revision",
                 rc ? 0L : (long)ev.rev, m->e[i].rev);
        if (rc == 0) att_event_free(&ev);
        return 0;
      }
      att_event_free(&ev);
    } else if (rc == 0) {
      att_event_free(&ev);
      snprintf(why, cap, "%s: present, should be gone", m->e[i].key);
      return 0;
    }
  }
  if (att_store_count(st) != live) {
    snprintf(why, cap, "%llu events, want %llu", (unsigned long long)att_store_count(st),
             (unsigned long long)live);
    return 0;
  }
  return 1;
}

static int add_key(att_store *st, const char *key) {
  char j[160];
  att_event ev;
  int rc;
  snprintf(j, sizeof j, "{\"title\":\"event %s\",\"when\":\"2024-03\",\"key\":\"%s\",\"actors\":[\"KHM\",\"JPN\"],\"tags\":[\"t%zu\"]}",
           key, key, strlen(key) % 3);
  if ((rc = att_event_from_json(j, strlen(j), 0, &ev)) != 0) return rc;
  rc = att_store_add(st, &ev);
  att_event_free(&ev);
  return rc;
}

static int update_key(att_store *st, const char *key) {
  att_event ev;
  int rc = att_store_get_key(st, key, &ev);
  if (rc) return rc;
  /* a change each time (an update that changes nothing writes nothing) */
  free(ev.title);
  if ((ev.title = malloc(40)) != NULL) snprintf(ev.title, 40, "changed for rev %lld", (long long)ev.rev + 1);
  rc = ev.title ? att_store_update(st, &ev) : ATT_ENOMEM;
  att_event_free(&ev);
  return rc;
}

static int remove_key(att_store *st, const char *key) {
  att_event ev;
  int rc = att_store_get_key(st, key, &ev);
  if (rc) return rc;
  rc = att_store_remove(st, ev.id);
  att_event_free(&ev);
  return rc;
}

static att_store *open_w(const char *dir) {
  att_store_opts o = {0};
  att_store *st = NULL;
  o.flags = ATT_OPEN_WRITE;
  if (att_store_open(dir, &o, &st) != 0) return NULL;
  return st;
}

/* ---- the operations ------------------------------------------------------- */

/* Each does its operation on st and puts into *after the model as it is
 * if the operation succeeds. */
typedef int (*op_fn)(att_store *st, model *after);

static int op_add(att_store *st, model *m) {
  m_set(m, "new", 1, 1);
  return add_key(st, "new");
}
static int op_update(att_store *st, model *m) {
  m_set(m, "k5", 2, 1); /* an event of the snapshot */
  return update_key(st, "k5");
}
static int op_update_j(att_store *st, model *m) {
  m_set(m, "k2", 3, 1); /* an event of the journal, at revision 2 */
  return update_key(st, "k2");
}
static int op_remove(att_store *st, model *m) {
  m_set(m, "k11", 0, 0);
  return remove_key(st, "k11");
}
static int op_batch(att_store *st, model *m) {
  int rc = att_store_begin(st);
  if (rc) return rc;
  for (int i = 0; i < 5; i++) {
    char k[16];
    snprintf(k, sizeof k, "b%d", i);
    /* A failed add inside a batch may leave the batch going without it
     * (nothing was appended) or abandon it (commit then fails). */
    if (add_key(st, k) == 0) m_set(m, k, 1, 1);
  }
  if (update_key(st, "k12") == 0) m_set(m, "k12", 2, 1);
  if (remove_key(st, "k13") == 0) m_set(m, "k13", 0, 0);
  return att_store_commit(st);
}
/* An event of about 40 KB (long notes), so that a few of them fill the
 * journal's write buffer and a batch writes part of itself before its
 * commit. */
static int add_big(att_store *st, const char *key) {
  static char j[41000];
  att_event ev;
  int rc, n = snprintf(j, sizeof j, "{\"title\":\"big %s\",\"when\":\"2024-04\",\"key\":\"%s\",\"notes\":\"", key, key);
  memset(j + n, 'n', 40000);
  snprintf(j + n + 40000, sizeof j - (size_t)n - 40000, "\"}");
  if ((rc = att_event_from_json(j, strlen(j), 0, &ev)) != 0) return rc;
  rc = att_store_add(st, &ev);
  att_event_free(&ev);
  return rc;
}
/* A batch that writes part of itself before its commit (past the write
 * buffer's 1 MB): a fault in that write, or after it, must leave the
 * journal as it was (a full disk made the store unopenable: the batch's
 * abort record was written over its partly written records). */
static int op_big_batch(att_store *st, model *m) {
  model mine = *m;
  int rc = att_store_begin(st), ok = 1;
  if (rc) return rc;
  for (int i = 0; i < 30 && ok; i++) {
    char k[16];
    snprintf(k, sizeof k, "g%d", i);
    if (add_big(st, k) == 0) m_set(&mine, k, 1, 1);
    else ok = 0;
  }
  rc = att_store_commit(st);
  if (ok) *m = mine; /* the store as it is if the batch was kept */
  return rc;
}
static int op_compact(att_store *st, model *m) {
  (void)m;
  return att_store_compact(st);
}
static int op_add_autocompact(att_store *st, model *m) {
  m_set(m, "new", 1, 1);
  return add_key(st, "new");
}

/* ---- the campaign ---------------------------------------------------------- */

typedef struct mode { int persist, err; const char *name; } mode;
static const mode modes[] = {
  {0, EIO, "once EIO"},
  {1, ENOSPC, "every call after, ENOSPC"},
  {0, ATT_FAULT_SHORT, "once short write (EIO elsewhere)"},
  {1, ATT_FAULT_SHORT, "short writes (EIO elsewhere)"},
  {0, EINTR, "once EINTR"},
  {1, ATT_FAULT_SHORTFAIL, "a short write, then ENOSPC"},
};
#define NMODES (sizeof modes / sizeof modes[0])

static long total_runs, total_injected, total_absorbed;

/* A message that names the problem. */
static int clear_message(const char *msg, int err) {
  if (!msg || !msg[0]) return 0;
  if (err > 0 && strstr(msg, strerror(err))) return 1;
  if (err == ATT_FAULT_SHORT && strstr(msg, strerror(EIO))) return 1;
  if (err == ATT_FAULT_SHORTFAIL && strstr(msg, strerror(ENOSPC))) return 1;
  return strstr(msg, "out of memory") || strstr(msg, "abandoned") || strstr(msg, "refuses");
}

static void campaign(const char *name, const char *tpl, const model *m0, op_fn op, unsigned sites) {
  char dir[PATH_MAX], why[256];
  long runs = 0, injected = 0, absorbed = 0, bad = 0, maxk = 0;
  snprintf(dir, sizeof dir, "%s/work", root);
  for (size_t md = 0; md < NMODES; md++) {
    if (light && md != 0 && md != 1) continue;
    for (long k = 1;; k++) {
      model before = *m0, after = *m0;
      att_store *st;
      int rc, rc2, uncertain, n_inj;
      char msg[1024];
      copy_store(tpl, dir);
      if (!(st = open_w(dir))) {
        printf("# %s: the template does not open: %s\n", name, att_errmsg());
        bad++;
        break;
      }
      att_fault_arm(k, modes[md].persist, sites, modes[md].err);
      rc = op(st, &after);
      n_inj = (int)att_fault_off();
      snprintf(msg, sizeof msg, "%s", att_errmsg());
      runs++;
      if (n_inj == 0) { /* k is past the last hooked call: done */
        if (rc != 0) {
          printf("# %s, %s, k=%ld: failed without a fault: %s\n", name, modes[md].name, k, msg);
          bad++;
        }
        att_store_close(st);
        if (k > maxk) maxk = k;
        break;
      }
      injected += n_inj;
      uncertain = rc == ATT_EPOISONED;
      if (rc == 0) {
        absorbed++;
        before = after;
      } else if (!clear_message(msg, modes[md].err)) {
        if (bad++ < 10) printf("# %s, %s, k=%ld: unclear message: \"%s\"\n", name, modes[md].name, k, msg);
      }
      /* The next operation, with the fault gone, on the same handle. */
      rc2 = add_key(st, "after");
      if (rc2 == 0) {
        m_set(&before, "after", 1, 1);
        m_set(&after, "after", 1, 1);
      } else if (rc2 != ATT_EPOISONED || !strstr(att_errmsg(), "reopen")) {
        if (bad++ < 10)
          printf("# %s, %s, k=%ld: after \"%s\", the next add fails: %s\n", name, modes[md].name, k, msg,
                 att_errmsg());
      }
      att_store_close(st);
      /* Reopened with the hook off: every acknowledged change, once. */
      if (!(st = open_w(dir))) {
        if (bad++ < 10)
          printf("# %s, %s, k=%ld: after \"%s\", the store does not open: %s\n", name, modes[md].name, k,
                 msg, att_errmsg());
        continue;
      }
      if (!m_matches(st, &before, why, sizeof why)) {
        char why2[256];
        if (!uncertain || !m_matches(st, &after, why2, sizeof why2)) {
          if (bad++ < 10)
            printf("# %s, %s, k=%ld: after \"%s\" (rc %d): %s\n", name, modes[md].name, k, msg, rc, why);
        }
      }
      if ((rc2 = add_key(st, "again")) != 0 && bad++ < 10)
        printf("# %s, %s, k=%ld: reopened, an add fails: %s\n", name, modes[md].name, k, att_errmsg());
      att_store_close(st);
    }
  }
  total_runs += runs;
  total_injected += injected;
  total_absorbed += absorbed;
  is_int(bad, 0, "%s: %ld runs (k up to %ld), %ld faults injected, %ld absorbed by retries; every "
         "failure clear, nothing acknowledged lost, the next write works", name, runs, maxk, injected, absorbed);
}

/* Opening: a torn tail and a journal; the files are never written. */
static void campaign_open(const char *tpl, const model *m0) {
  char dir[PATH_MAX], why[256];
  long runs = 0, injected = 0, bad = 0;
  char *ref;
  size_t nref;
  snprintf(dir, sizeof dir, "%s/work", root);
  copy_store(tpl, dir);
  ref = store_bytes(dir, &nref);
  for (size_t md = 0; md < NMODES; md++) {
    for (long k = 1;; k++) {
      att_store *st = NULL;
      att_store_opts o = {0};
      int rc, n_inj;
      char *now;
      size_t nnow;
      o.flags = ATT_OPEN_WRITE;
      att_fault_arm(k, modes[md].persist, ATT_FAULT_ALL, modes[md].err);
      rc = att_store_open(dir, &o, &st);
      n_inj = (int)att_fault_off();
      runs++;
      injected += n_inj;
      if (rc == 0) {
        if (!m_matches(st, m0, why, sizeof why) && bad++ < 10) printf("# open k=%ld: %s\n", k, why);
        att_store_close(st);
      } else if (!clear_message(att_errmsg(), modes[md].err) && bad++ < 10) {
        printf("# open, %s, k=%ld: unclear message: \"%s\"\n", modes[md].name, k, att_errmsg());
      }
      now = store_bytes(dir, &nnow);
      if ((nnow != nref || memcmp(now, ref, nref) != 0) && bad++ < 10)
        printf("# open, %s, k=%ld: the files changed\n", modes[md].name, k);
      free(now);
      if (n_inj == 0) break;
    }
  }
  free(ref);
  total_runs += runs;
  total_injected += injected;
  is_int(bad, 0, "open: %ld runs, %ld faults injected; each fails with a clear message or opens "
         "whole, and never writes", runs, injected);
}

static int unreadable;
static void salvage_notice(void *ud, const char *msg) {
  (void)ud;
  if (strstr(msg, "snapshot: cannot") || strstr(msg, "journal: cannot")) unreadable = 1;
}

static void campaign_salvage(const char *tpl, const model *m0) {
  char dir[PATH_MAX], dst[PATH_MAX], why[256];
  long runs = 0, injected = 0, bad = 0;
  char *ref;
  size_t nref;
  long partial = 0;
  att_store_opts o = {0};
  o.notice = salvage_notice;
  snprintf(dir, sizeof dir, "%s/work", root);
  snprintf(dst, sizeof dst, "%s/salvaged", root);
  copy_store(tpl, dir);
  ref = store_bytes(dir, &nref);
  for (size_t md = 0; md < NMODES; md++) {
    if (light && md > 1) continue;
    for (long k = 1;; k++) {
      att_store *st;
      int rc, n_inj;
      char *now;
      size_t nnow;
      rm_store(dst);
      unreadable = 0;
      att_fault_arm(k, modes[md].persist, ATT_FAULT_ALL, modes[md].err);
      rc = att_store_salvage(dir, dst, &o);
      n_inj = (int)att_fault_off();
      runs++;
      injected += n_inj;
      if (rc < 0 && !clear_message(att_errmsg(), modes[md].err) && bad++ < 10)
        printf("# salvage, %s, k=%ld: unclear message: \"%s\"\n", modes[md].name, k, att_errmsg());
      now = store_bytes(dir, &nnow);
      if ((nnow != nref || memcmp(now, ref, nref) != 0) && bad++ < 10)
        printf("# salvage, %s, k=%ld: the source changed\n", modes[md].name, k);
      free(now);
      if (rc < 0) { /* again, without the fault, into a fresh place */
        rm_store(dst);
        rc = att_store_salvage(dir, dst, &o);
      }
      if (rc < 0 || !(st = open_w(dst))) {
        if (bad++ < 10) printf("# salvage, %s, k=%ld: %s\n", modes[md].name, k, att_errmsg());
      } else {
        /* A file the salvage could not read is reported (as damage) and
         * what it held is not in the copy. */
        if (!m_matches(st, m0, why, sizeof why)) {
          if (unreadable) partial++;
          else if (bad++ < 10) printf("# salvage, %s, k=%ld: the copy: %s\n", modes[md].name, k, why);
        }
        att_store_close(st);
      }
      if (n_inj == 0) break;
    }
  }
  free(ref);
  total_runs += runs;
  total_injected += injected;
  is_int(bad, 0, "salvage: %ld runs, %ld faults injected; the source never changes, a failure is "
         "clear, and a salvage without the fault copies every event (%ld completed without a file "
         "it could not read, and said so)", runs, injected, partial);
}

/* ---- the alert log ---------------------------------------------------------- */

typedef struct keycount { const char *key[8]; int n[8]; int nk; } keycount;
static int kc_fn(void *ud, const att_alert *a) {
  keycount *kc = ud;
  for (int i = 0; i < kc->nk; i++)
    if (a->key && strcmp(a->key, kc->key[i]) == 0) kc->n[i]++;
  return 0;
}

static int append_key(att_alertlog *l, const char *key) {
  att_alert a;
  int rc;
  att_alert_init(&a);
  a.key = (char *)key;
  a.title = (char *)"a title";
  a.level = (char *)"warn";
  a.at = 1700000000;
  rc = att_alertlog_append(l, &a);
  return rc;
}

static void campaign_alerts(void) {
  char dir[PATH_MAX], tpl[PATH_MAX];
  long runs = 0, injected = 0, bad = 0;
  att_alertlog *l;
  snprintf(tpl, sizeof tpl, "%s/alerts-tpl", root);
  snprintf(dir, sizeof dir, "%s/work", root);
  mkdir(tpl, 0700);
  if (att_alertlog_open(tpl, NULL, NULL, &l) == 0) {
    append_key(l, "old1");
    append_key(l, "old2");
    att_alertlog_close(l);
  }
  for (size_t md = 0; md < NMODES; md++) {
    int persist = modes[md].persist, err = modes[md].err;
    if (light && md > 1) continue;
    for (long k = 1;; k++) {
      int rc, acked = 0, acked2 = 0, n_inj;
      keycount kc = {{"old1", "old2", "new", "next", "reopened"}, {0}, 5};
      copy_store(tpl, dir);
      l = NULL;
      att_fault_arm(k, persist, ATT_FAULT_ALL, err);
      rc = att_alertlog_open(dir, NULL, NULL, &l);
      if (rc == 0) {
        rc = append_key(l, "new");
        acked = rc == 0;
      }
      n_inj = (int)att_fault_off();
      runs++;
      injected += n_inj;
      if (rc != 0 && !clear_message(att_errmsg(), err) && bad++ < 10)
        printf("# alerts, %s, k=%ld: unclear message: \"%s\"\n", modes[md].name, k, att_errmsg());
      /* The next append on the same log, the fault gone. */
      if (l) {
        int rc2 = append_key(l, "next");
        acked2 = rc2 == 0;
        if (rc2 != 0 && !(rc2 == ATT_EPOISONED && strstr(att_errmsg(), "restart")) && bad++ < 10)
          printf("# alerts, %s, k=%ld: after \"%s\" the next append fails: %s\n", modes[md].name, k,
                 rc ? "(failed)" : "(ok)", att_errmsg());
        att_alertlog_close(l);
        l = NULL;
      }
      /* Reopened: it opens, and each acknowledged alert is there once. */
      if (att_alertlog_open(dir, NULL, NULL, &l) != 0) {
        if (bad++ < 10)
          printf("# alerts, %s, k=%ld: the log does not open again: %s\n", modes[md].name, k, att_errmsg());
      } else {
        if (append_key(l, "reopened") != 0 && bad++ < 10)
          printf("# alerts, %s, k=%ld: reopened, an append fails: %s\n", modes[md].name, k, att_errmsg());
        att_alertlog_close(l);
        l = NULL;
        if (att_alertlog_read(dir, ATT_TIME_MIN, kc_fn, &kc) != 0) {
          if (bad++ < 10)
            printf("# alerts, %s, k=%ld: the log does not read: %s\n", modes[md].name, k, att_errmsg());
        } else if (kc.n[0] != 1 || kc.n[1] != 1 || kc.n[2] > 1 || (acked && kc.n[2] != 1) || kc.n[3] > 1 ||
                   (acked2 && kc.n[3] != 1) || kc.n[4] != 1) {
          if (bad++ < 10)
            printf("# alerts, %s, k=%ld: old1 x%d, old2 x%d, new x%d (acked %d), next x%d (acked %d), "
                   "reopened x%d\n", modes[md].name, k, kc.n[0], kc.n[1], kc.n[2], acked, kc.n[3], acked2,
                   kc.n[4]);
        }
      }
      if (n_inj == 0) break;
    }
  }
  total_runs += runs;
  total_injected += injected;
  is_int(bad, 0, "alert append: %ld runs, %ld faults injected; the log always reopens with each "
         "acknowledged alert once", runs, injected);
}

/* ---- the templates ------------------------------------------------------------ */

/* 10 events in the snapshot, 5 more in the journal, one updated, one
 * removed, and a torn tail. */
static void make_template(const char *dir, model *m) {
  att_store *st;
  char jp[PATH_MAX + 16], *buf;
  size_t n;
  memset(m, 0, sizeof *m);
  att_store_init(dir);
  st = open_w(dir);
  for (int i = 0; i < 15; i++) {
    char k[16];
    snprintf(k, sizeof k, "k%d", i);
    add_key(st, k);
    m_set(m, k, 1, 1);
    if (i == 9) att_store_compact(st);
  }
  update_key(st, "k2");
  m_set(m, "k2", 2, 1);
  remove_key(st, "k3");
  m_set(m, "k3", 0, 0);
  att_store_close(st);
  snprintf(jp, sizeof jp, "%s/journal", dir);
  if ((buf = tu_read_file(jp, &n)) != NULL) { /* the first 20 bytes of a record, again */
    FILE *f = fopen(jp, "ab");
    if (f) {
      fwrite(buf + 32, 1, 20, f);
      fclose(f);
    }
    free(buf);
  }
}

/* A journal one record short of the compaction threshold. */
static void make_template_full(const char *dir, model *m) {
  att_store *st;
  memset(m, 0, sizeof *m);
  att_store_init(dir);
  st = open_w(dir);
  add_key(st, "k0");
  m_set(m, "k0", 1, 1);
  for (int i = 1; i < 4095; i++) update_key(st, "k0");
  m_set(m, "k0", 4095, 1);
  att_store_close(st);
}

int main(void) {
  char tpl[PATH_MAX], tpl2[PATH_MAX];
  model m, m2;
  light = tu_light();
  /* tmpfs when there is one: thousands of runs, each with syncs. */
  snprintf(tmpl, sizeof tmpl, "%s/att-faults-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
  root = mkdtemp(tmpl);
  if (!root) return 1;
  snprintf(tpl, sizeof tpl, "%s/tpl", root);
  snprintf(tpl2, sizeof tpl2, "%s/tpl-full", root);
  make_template(tpl, &m);
  make_template_full(tpl2, &m2);

  campaign("add", tpl, &m, op_add, ATT_FAULT_ALL);
  campaign("update (snapshot event)", tpl, &m, op_update, ATT_FAULT_ALL);
  campaign("update (journal event)", tpl, &m, op_update_j, ATT_FAULT_ALL);
  campaign("remove", tpl, &m, op_remove, ATT_FAULT_ALL);
  campaign("batch commit", tpl, &m, op_batch, ATT_FAULT_ALL);
  campaign("batch written before its commit", tpl, &m, op_big_batch,
           (1u << ATT_FAULT_WRITE) | (1u << ATT_FAULT_SYNC) | (1u << ATT_FAULT_TRUNC));
  campaign("compaction", tpl, &m, op_compact, ATT_FAULT_ALL);
  /* The compaction a commit starts: its syncs, renames, opens, maps (the
   * thousands of writes and allocations of a big snapshot are covered by
   * "compaction" above). */
  campaign("add that starts a compaction", tpl2, &m2, op_add_autocompact,
           ATT_FAULT_ALL & ~(1u << ATT_FAULT_WRITE) & ~(1u << ATT_FAULT_ALLOC));
  campaign_open(tpl, &m);
  campaign_salvage(tpl, &m);
  campaign_alerts();
  printf("# fault injection: %ld runs, %ld faults injected, %ld absorbed by retries%s\n", total_runs,
         total_injected, total_absorbed, light ? " (light mode)" : "");
  rmrf(root);
  return done_testing();
}
