/*
 * Tests of the store: basic reads and writes, persistence, batches, keys,
 * queries against a brute-force oracle, torn tails cut at every byte, damage
 * in the middle, a failed sync, other processes' changes, and kill -9 of a
 * writer at random moments.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crc32c.h"
#include "error.h"
#include "fault.h"
#include "grow.h"
#include "store.h"
#include "store_int.h" /* white-box: the snapshot layout, to damage it */
#include "tap.h"
#include "testutil.h"


static char tmpl[] = "/tmp/att-store-XXXXXX";
static char *root;
static int nstores;
static char notes[4096];

static void on_notice(void *ud, const char *msg) {
  (void)ud;
  snprintf(notes, sizeof notes, "%s", msg);
}

static char *newdir(void) {
  static char buf[PATH_MAX];
  snprintf(buf, sizeof buf, "%s/s%d", root, nstores++);
  return buf;
}

static att_store *open_store(const char *dir, int flags) {
  att_store_opts o = {0};
  att_store *st = NULL;
  o.flags = flags;
  o.notice = on_notice;
  notes[0] = '\0';
  if (att_store_open(dir, &o, &st) != 0) return NULL;
  return st;
}

static int mkev(att_event *ev, const char *json) {
  return att_event_from_json(json, strlen(json), 0, ev);
}

static int64_t add_json(att_store *st, const char *json) {
  att_event ev;
  int64_t id;
  if (mkev(&ev, json) != 0) return -1;
  if (att_store_add(st, &ev) != 0) {
    att_event_free(&ev);
    return -1;
  }
  id = ev.id;
  att_event_free(&ev);
  return id;
}

static void rmrf(const char *dir) {
  char cmd[PATH_MAX + 16];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) printf("# could not remove %s\n", dir);
}

/* ---- basics ------------------------------------------------------------ */

static void test_crc(void) {
  is_int(att_crc32c(0, "123456789", 9), 0xE3069283u, "crc32c check value");
  is_int(att_crc32c(att_crc32c(0, "1234", 4), "56789", 5), 0xE3069283u, "crc32c continues");
  is_int(att__crc32c_sw(0, "123456789", 9), 0xE3069283u, "software crc32c check value");
  {
    unsigned char buf[1031];
    int same = 1;
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 131 + 7);
    for (size_t off = 0; off < 9; off++)
      for (size_t n = 0; n + off <= sizeof buf; n++)
        same &= att_crc32c(5, buf + off, n) == att__crc32c_sw(5, buf + off, n);
    ok(same, "hardware and software crc32c agree at every alignment and length");
  }
}

static void test_basic(void) {
  char *dir = newdir();
  att_store *st;
  att_event ev;
  int64_t a, b;
  struct stat sb;
  char p[PATH_MAX];

  is_int(att_store_open(dir, NULL, &st), ATT_ENOSTORE, "open of a missing store is ENOSTORE");
  ok(strstr(att_errmsg(), "attache init") != NULL, "and the message says how to create one");
  is_int(att_store_init(dir), 0, "init");
  is_int(att_store_init(dir), ATT_EEXISTS, "init twice is EEXISTS");
  for (const char *const *f = (const char *const[]){"lock", "snapshot", "journal", NULL}; *f; f++) {
    snprintf(p, sizeof p, "%s/%s", dir, *f);
    ok(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0600, "%s has mode 0600", *f);
  }
  st = open_store(dir, ATT_OPEN_WRITE);
  ok(st != NULL, "open for writing");
  a = add_json(st, "{\"title\":\"Ministers meet\",\"when\":\"2023-12-17\",\"key\":\"m1\",\"actors\":[\"KHM\",\"JPN\"]}");
  b = add_json(st, "{\"title\":\"Policy\",\"when\":\"2024/2028\",\"kind\":\"policy\"}");
  is_int(a, 1, "first id is 1");
  is_int(b, 2, "second id is 2");
  is_int(add_json(st, "{\"title\":\"Dup\",\"when\":\"2024\",\"key\":\"m1\"}"), -1, "duplicate key refused");
  ok(strstr(att_errmsg(), "m1") != NULL && strstr(att_errmsg(), "event 1") != NULL, "message names key and owner: %s", att_errmsg());
  is_int(att_store_count(st), 2, "count 2");
  is_int(att_store_get(st, a, &ev), 0, "get by id");
  is_str(ev.title, "Ministers meet", "title read back");
  is_int(ev.rev, 1, "rev 1");
  free(ev.title);
  ev.title = strdup("Ministers met");
  is_int(att_store_update(st, &ev), 0, "update");
  is_int(ev.rev, 2, "rev 2 after update");
  ev.rev = 1;
  is_int(att_store_update(st, &ev), ATT_ECONFLICT, "update from a stale revision is a conflict");
  att_event_free(&ev);
  is_int(att_store_lookup(st, "m1", &ev), 0, "lookup by key");
  is_int(ev.id, a, "key finds the event");
  att_event_free(&ev);
  is_int(att_store_lookup(st, "2", &ev), 0, "lookup by id text");
  is_str(ev.title, "Policy", "id text finds the event");
  att_event_free(&ev);
  is_int(att_store_remove(st, b), 0, "remove");
  is_int(att_store_get(st, b, &ev), ATT_ENOTFOUND, "removed is not found");
  is_int(att_store_remove(st, b), ATT_ENOTFOUND, "remove twice is not found");
  att_store_close(st);

  st = open_store(dir, ATT_OPEN_READ);
  ok(st != NULL, "reopen read-only");
  is_int(att_store_count(st), 1, "count after reopen");
  is_int(att_store_get(st, a, &ev), 0, "get after reopen");
  is_str(ev.title, "Ministers met", "update survived");
  is_int(ev.rev, 2, "rev survived");
  is_int(att_store_add(st, &ev), ATT_EREADONLY, "read-only store refuses writes");
  att_event_free(&ev);
  att_store_close(st);

  st = open_store(dir, ATT_OPEN_WRITE);
  is_int(att_store_compact(st), 0, "compact");
  is_int(att_store_count(st), 1, "count after compaction");
  is_int(add_json(st, "{\"title\":\"After\",\"when\":\"2025\"}"), 3, "ids are never reused, even after compaction");
  is_int(att_store_lookup(st, "m1", &ev), 0, "key found in the snapshot");
  att_event_free(&ev);
  att_store_close(st);
}

static void test_batch(void) {
  char *dir = newdir();
  att_store *st;
  att_event ev;
  att_store_init(dir);
  st = open_store(dir, ATT_OPEN_WRITE);
  is_int(att_store_begin(st), 0, "begin");
  for (int i = 0; i < 10; i++) {
    char j[128];
    snprintf(j, sizeof j, "{\"title\":\"b%d\",\"when\":\"2024-0%d\",\"key\":\"k%d\"}", i, i % 9 + 1, i);
    ok(add_json(st, j) > 0, "batch add %d", i);
  }
  is_int(add_json(st, "{\"title\":\"x\",\"when\":\"2024\",\"key\":\"k3\"}"), -1, "key used earlier in the same batch is refused");
  att_store_rollback(st);
  is_int(att_store_count(st), 0, "rollback leaves nothing");
  is_int(att_store_begin(st), 0, "begin again");
  for (int i = 0; i < 10; i++) {
    char j[128];
    snprintf(j, sizeof j, "{\"title\":\"b%d\",\"when\":\"2024\",\"key\":\"k%d\"}", i, i);
    add_json(st, j);
  }
  is_int(att_store_commit(st), 0, "commit");
  att_store_close(st);
  st = open_store(dir, ATT_OPEN_READ);
  is_int(att_store_count(st), 10, "committed batch survives reopen");
  is_int(att_store_get_key(st, "k9", &ev), 0, "batch key k9");
  att_event_free(&ev);
  att_store_close(st);
}

/* ---- queries against an oracle ------------------------------------------ */

static unsigned long long rng = 88172645463325252ull;
static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

static const char *actors[] = {"KHM", "JPN", "CDC", "ASEAN", "UN", "FRA"};
static const char *tags[] = {"defence", "demining", "economy", "cyber"};
static const char *kinds[] = {"meeting", "visit", "policy", "talks"};

static void rand_when(char *b, size_t n) {
  int y = 1990 + (int)rnd(40), m = 1 + (int)rnd(12), d = 1 + (int)rnd(28);
  switch (rnd(11)) {
  case 0: snprintf(b, n, "%d", y); break;
  case 1: snprintf(b, n, "%d-%02d", y, m); break;
  case 2: snprintf(b, n, "%d-%02d-%02d", y, m, d); break;
  case 3: snprintf(b, n, "%d-%d", y, 33 + (int)rnd(4)); break;
  case 4: snprintf(b, n, "%d/%d", y, y + (int)rnd(8)); break;
  case 5: snprintf(b, n, "%d-%02d-%02d/..", y, m, d); break;
  case 6: snprintf(b, n, "../%d", y); break;
  case 7: snprintf(b, n, "%d~", y); break;
  case 8:
    /* to the second */
    if (rnd(2)) snprintf(b, n, "%d-%02d-%02dT%02d:00:00Z", y, m, d, (int)rnd(24));
    else snprintf(b, n, "%d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)rnd(24), (int)rnd(60), (int)rnd(60));
    break;
  case 9: snprintf(b, n, "%d/%d", y - (int)rnd(60), y); break;
  case 10:
    if (rnd(3) == 0) {
      /* far: before 2113 BCE, after 6053 CE */
      static const char *far[] = {"-5000", "-4999-03-01/1990", "Y20000", "Y-20000", "-3000/2000"};
      snprintf(b, n, "%s", far[rnd(5)]);
      break;
    }
    /* fall through */
  default: snprintf(b, n, "%d-%02d-%02d", y, m, d); break;
  }
}

static void rand_event(char *b, size_t n, int i) {
  char when[64], act[128] = "", tg[128] = "";
  int na = (int)rnd(3), nt = (int)rnd(3);
  rand_when(when, sizeof when);
  for (int k = 0, used = 0; k < na; k++) {
    const char *a = actors[rnd(6)];
    if (strstr(act, a)) continue;
    used += snprintf(act + used, sizeof act - (size_t)used, "%s\"%s\"", used ? "," : "", a);
  }
  for (int k = 0, used = 0; k < nt; k++) {
    const char *t = tags[rnd(4)];
    if (strstr(tg, t)) continue;
    used += snprintf(tg + used, sizeof tg - (size_t)used, "%s\"%s\"", used ? "," : "", t);
  }
  snprintf(b, n,
           "{\"title\":\"Event %d %s\",\"when\":\"%s\",\"kind\":\"%s\",\"status\":\"%s\","
           "\"actors\":[%s],\"tags\":[%s]%s}",
           i, rnd(5) ? "talks" : "summit", when, kinds[rnd(4)], rnd(2) ? "planned" : "held", act, tg,
           rnd(3) ? "" : ",\"notes\":\"about Demining\"");
}

typedef struct model {
  att_event *ev; /* by id-1; title NULL when absent */
  size_t n;
} model;

static int g_osort, g_odesc;
static att_event *g_oev;
static int oracle_cmp(const void *a, const void *b) {
  const att_event *x = &g_oev[*(const int64_t *)a - 1], *y = &g_oev[*(const int64_t *)b - 1];
  int c = 0;
  if (g_osort == ATT_SORT_WHEN) {
    c = x->bounds.earliest < y->bounds.earliest ? -1 : x->bounds.earliest > y->bounds.earliest;
    if (!c) c = x->bounds.latest < y->bounds.latest ? -1 : x->bounds.latest > y->bounds.latest;
  } else if (g_osort == ATT_SORT_TITLE) {
    c = strcmp(x->title, y->title);
  }
  if (!c) c = x->id < y->id ? -1 : x->id > y->id;
  return g_odesc ? -c : c;
}

static int ci_contains(const char *h, const char *n) {
  size_t k = strlen(n);
  for (; *h; h++) {
    size_t i = 0;
    while (i < k && h[i] && (h[i] | 32) == (n[i] | 32)) i++;
    if (i == k) return 1;
  }
  return 0;
}

/* The oracle: a plain scan, written apart from the store's code. */
static size_t oracle(const model *m, const att_query *q, int64_t *out) {
  size_t k = 0;
  for (size_t i = 0; i < m->n; i++) {
    const att_event *e = &m->ev[i];
    int okk = e->title != NULL;
    if (okk && q->within == ATT_WITHIN_START)
      okk = e->bounds.earliest >= q->from && e->bounds.earliest <= q->to;
    else if (okk && q->within == ATT_WITHIN_END)
      okk = e->bounds.latest >= q->from && e->bounds.latest <= q->to;
    else if (okk)
      okk = e->bounds.earliest <= q->to && e->bounds.latest >= q->from;
    if (okk && q->kind) okk = e->kind && !strcmp(e->kind, q->kind);
    if (okk && q->status) okk = e->status && !strcmp(e->status, q->status);
    for (size_t a = 0; okk && a < q->nactors; a++) {
      int f = 0;
      for (size_t j = 0; j < e->actors.n; j++) f |= !strcmp(e->actors.v[j], q->actors[a]);
      okk = f;
    }
    for (size_t a = 0; okk && a < q->ntags; a++) {
      int f = 0;
      for (size_t j = 0; j < e->tags.n; j++) f |= !strcmp(e->tags.v[j], q->tags[a]);
      okk = f;
    }
    if (okk && q->text) okk = strstr(e->title, q->text) || (e->notes && ci_contains(e->notes, q->text));
    if (okk) out[k++] = e->id;
  }
  g_osort = q->sort;
  g_odesc = q->desc;
  g_oev = m->ev;
  qsort(out, k, sizeof *out, oracle_cmp);
  if (q->limit && q->limit < k) k = q->limit;
  return k;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* How many random queries a check asks: a quarter under valgrind, where
 * each takes 50 to 100 times longer (tu_light). */
static int light;
#define NQ(n) (light ? (n) / 4 : (n))

/* q asked as given, unordered and counted, against the oracle: 0, or
 * 1 (said, for the first few). */
static int check_one(att_store *st, const model *m, att_query q, int64_t *want, const char *phase,
                     int t, int bad) {
  int64_t *got;
  size_t ng, nw = oracle(m, &q, want);
  if (att_store_query(st, &q, &got, &ng) != 0) return 1;
  if (ng != nw || (nw && memcmp(got, want, nw * sizeof *got) != 0)) {
    if (bad < 3) printf("# %s query %d: got %zu ids, oracle %zu\n", phase, t, ng, nw);
    free(got);
    return 1;
  }
  free(got);
  /* Unordered (a count): as many, and without a limit the same ids. */
  q.unordered = 1;
  if (rnd(2)) q.sort = ATT_SORT_ID;
  if (att_store_query(st, &q, &got, &ng) != 0) return 1;
  if (!q.limit && nw) {
    qsort(got, ng, sizeof *got, cmp_i64);
    qsort(want, nw, sizeof *want, cmp_i64);
  }
  if (ng != nw || (!q.limit && nw && memcmp(got, want, nw * sizeof *got) != 0)) {
    if (bad < 3) printf("# %s query %d, unordered: got %zu ids, oracle %zu\n", phase, t, ng, nw);
    free(got);
    return 1;
  }
  free(got);
  /* Counted only: the number. */
  if (att_store_count_query(st, &q, &ng) != 0 || ng != nw) {
    if (bad < 3) printf("# %s query %d, counted: %zu, oracle %zu\n", phase, t, ng, nw);
    return 1;
  }
  return 0;
}

static int check_queries(att_store *st, const model *m, int nq, const char *phase) {
  int64_t *want = malloc((m->n + 1) * sizeof *want);
  int bad = 0;
  for (int t = 0; t < nq; t++) {
    att_query q;
    const char *qa[2], *qt[1];
    att_query_init(&q);
    if (rnd(3)) {
      /* Day boundaries, the last second of a day, and odd seconds. */
      int y = 1985 + (int)rnd(50), m = 1 + (int)rnd(12), d = 1 + (int)rnd(28);
      att_time adj[] = {0, -1, 1, 86399, 43210, 59, 60, -60, 30};
      q.from = att_days_from_civil(y, m, d) * 86400 + adj[rnd(9)];
      q.to = q.from + (att_time)rnd(3) * 86400 * (att_time)rnd(400) + adj[rnd(9)];
      if (rnd(16) == 0) { /* the far dates */
        q.from = att_days_from_civil(rnd(2) ? -4999 : 1800, 1, 1) * 86400 + adj[rnd(9)];
        q.to = att_days_from_civil(rnd(2) ? 9999 : 20001, 1, 1) * 86400 + adj[rnd(9)];
        /* the first and last instants of 32-bit minutes */
        if (rnd(3) == 0) q.from = (att_time)INT32_MIN * 60 + (att_time)rnd(2);
        if (rnd(3) == 0) q.to = (att_time)INT32_MAX * 60 + 59 - (att_time)rnd(2);
      }
      if (rnd(5) == 0) q.from = ATT_TIME_MIN;
      if (rnd(5) == 0) q.to = ATT_TIME_MAX;
      /* the anchors of reminders: the earliest or latest instant in it */
      if (rnd(4) == 0) q.within = rnd(2) ? ATT_WITHIN_START : ATT_WITHIN_END;
    }
    if (rnd(3) == 0) {
      qa[0] = actors[rnd(6)];
      qa[1] = actors[rnd(6)];
      q.actors = qa;
      q.nactors = 1 + rnd(2);
    }
    if (rnd(4) == 0) {
      qt[0] = tags[rnd(4)];
      q.tags = qt;
      q.ntags = 1;
    }
    if (rnd(4) == 0) q.kind = kinds[rnd(4)];
    if (rnd(5) == 0) q.status = rnd(2) ? "planned" : "held";
    if (rnd(8) == 0) q.text = rnd(2) ? "summit" : "Demining";
    q.sort = rnd(4) == 0 ? ATT_SORT_TITLE : rnd(3) == 0 ? ATT_SORT_ID : ATT_SORT_WHEN;
    q.desc = rnd(4) == 0;
    if (rnd(3) == 0) q.limit = 1 + rnd(20);
    bad += check_one(st, m, q, want, phase, t, bad);
  }
  free(want);
  return bad;
}

/* "YYYY-MM-DDThh:mm:ssZ" of t (UTC). */
static void fmt_instant(char *b, size_t n, att_time t) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(b, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Format 5 decides a window, and answers by id or date, from the time
 * bounds beside the time index, not the id table.  Events dated to the
 * second within a few minutes, and far in the past and future, asked
 * with a bound at every few seconds of those minutes (the bounds' own
 * seconds in and out), and at the edges of what 32-bit minutes would
 * have held (a first design kept minutes). */
static void test_bound_seconds(void) {
  char *dir = newdir(), json[512], a[40], b[40];
  att_store *st;
  model m = {0};
  int n = light ? 150 : 600, bad = 0, t = 0;
  const att_time base = att_days_from_civil(2024, 3, 1) * 86400 + 10 * 3600;
  static const char *far[] = {"-5000", "-4999-03-01/1990", "Y20000", "Y-20000", "-3000/2000",
                              "2024-03-01/.."};
  int64_t *want;
  att_store_init(dir);
  st = open_store(dir, ATT_OPEN_WRITE);
  m.ev = calloc((size_t)n + 16, sizeof *m.ev);
  att_store_begin(st);
  for (int i = 0; i < n + 6; i++) {
    att_event ev;
    att_time x = base + (att_time)rnd(300) - 150, y = x + (att_time)rnd(3) * (att_time)rnd(90);
    fmt_instant(a, sizeof a, x);
    fmt_instant(b, sizeof b, y);
    snprintf(json, sizeof json, "{\"title\":\"E%d\",\"when\":\"%s%s%s\",\"actors\":[\"%s\"]}", i,
             i >= n ? far[i - n] : a, i >= n || x == y ? "" : "/", i >= n || x == y ? "" : b,
             actors[rnd(2)]);
    if (mkev(&ev, json) != 0 || att_store_add(st, &ev) != 0) {
      printf("# bad event %s: %s\n", json, att_errmsg());
      bad++;
      continue;
    }
    m.ev[ev.id - 1] = ev;
    m.n = (size_t)ev.id;
  }
  att_store_commit(st);
  is_int(att_store_compact(st), 0, "compact %d events dated to the second", n + 6);
  ok(st->snap.tkey != NULL, "format %u: time bounds", st->snap.h.version);
  want = malloc((m.n + 1) * sizeof *want);
  for (att_time from = base - 160; from <= base + 160; from += light ? 7 : 3)
    for (int k = 0; k < 4; k++, t++) {
      att_query q;
      const char *qa[1] = {actors[0]};
      att_query_init(&q);
      q.from = from;
      q.to = from + (att_time)rnd(4) * (att_time)rnd(60);
      q.within = k == 1 ? ATT_WITHIN_START : k == 2 ? ATT_WITHIN_END : ATT_WITHIN_OVERLAP;
      q.sort = rnd(2) ? ATT_SORT_ID : ATT_SORT_WHEN;
      if (k == 3) {
        q.actors = qa;
        q.nactors = 1;
      }
      bad += check_one(st, &m, q, want, "minutes", t, bad);
    }
  {
    /* the first and last instants of 32-bit minutes, and the seconds
     * next to them */
    att_time edge[] = {(att_time)INT32_MIN * 60,      (att_time)INT32_MIN * 60 + 1,
                       (att_time)INT32_MIN * 60 - 1,  (att_time)INT32_MAX * 60 + 59,
                       (att_time)INT32_MAX * 60 + 58, (att_time)INT32_MAX * 60 + 60,
                       ATT_TIME_MIN,                  ATT_TIME_MAX,
                       base};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
      for (size_t j = 0; j < sizeof edge / sizeof edge[0]; j++)
        for (int k = 0; k < 3; k++, t++) {
          att_query q;
          att_query_init(&q);
          q.from = edge[i];
          q.to = edge[j];
          q.within = k == 1 ? ATT_WITHIN_START : k == 2 ? ATT_WITHIN_END : ATT_WITHIN_OVERLAP;
          q.sort = rnd(2) ? ATT_SORT_ID : ATT_SORT_WHEN;
          bad += check_one(st, &m, q, want, "minutes, far", t, bad);
        }
  }
  is_int(bad, 0, "%d windows with bounds in the events' minutes and far away agree with the oracle", t);
  free(want);
  att_store_close(st);
  for (size_t i = 0; i < m.n; i++) att_event_free(&m.ev[i]);
  free(m.ev);
}

static void test_oracle(void) {
  char *dir = newdir();
  att_store *st;
  model m = {0};
  int n = 3000;
  char json[1024];
  att_store_init(dir);
  st = open_store(dir, ATT_OPEN_WRITE);
  m.ev = calloc((size_t)n * 2, sizeof *m.ev);
  att_store_begin(st);
  for (int i = 0; i < n; i++) {
    att_event ev;
    rand_event(json, sizeof json, i);
    if (mkev(&ev, json) != 0 || att_store_add(st, &ev) != 0) {
      printf("# bad random event %s: %s\n", json, att_errmsg());
      continue;
    }
    m.ev[ev.id - 1] = ev;
    m.n = (size_t)ev.id;
  }
  att_store_commit(st);
  is_int(check_queries(st, &m, NQ(400), "journal only"), 0, "%d random queries agree with the oracle (journal)", NQ(400));
  is_int(att_store_compact(st), 0, "compact");
  is_int(check_queries(st, &m, NQ(400), "snapshot"), 0, "%d random queries agree with the oracle (snapshot)", NQ(400));
  {
    /* Format 4 (no time bounds) is still read, and answers the same;
     * the next compaction writes format 5 again. */
    uint64_t seq = st->snap.h.next_seq;
    att__test_snap_version = 4;
    is_int(att_store_compact(st), 0, "compact into format 4");
    att__test_snap_version = 0;
    att_store_close(st);
    st = open_store(dir, ATT_OPEN_WRITE);
    ok(st->snap.h.version == 4 && st->snap.tkey == NULL && st->snap.h.next_seq == seq &&
           st->snap.h.kind == ATT__K_MAIN,
       "a format-4 snapshot reopens (version %u, next change %llu)", st->snap.h.version,
       (unsigned long long)st->snap.h.next_seq);
    is_int(check_queries(st, &m, NQ(200), "snapshot v4"), 0, "%d random queries agree with the oracle (format 4)", NQ(200));
    is_int(att_store_compact(st), 0, "compact");
    ok(st->snap.h.version == ATT__SVERSION && st->snap.tkey != NULL && st->snap.h.next_seq == seq,
       "compaction writes format %d", ATT__SVERSION);
  }
  /* Changes over the snapshot: updates, removals, additions. */
  for (int i = 0; i < 600; i++) {
    int64_t id = 1 + rnd((unsigned)m.n);
    att_event ev;
    if (!m.ev[id - 1].title) continue;
    if (rnd(4) == 0) {
      att_store_remove(st, id);
      att_event_free(&m.ev[id - 1]);
      memset(&m.ev[id - 1], 0, sizeof ev);
    } else if (rnd(2)) {
      rand_event(json, sizeof json, (int)id + 100000);
      mkev(&ev, json);
      ev.id = id;
      if (att_store_update(st, &ev) == 0) {
        att_event_free(&m.ev[id - 1]);
        m.ev[id - 1] = ev;
      } else {
        att_event_free(&ev);
      }
    } else {
      rand_event(json, sizeof json, (int)m.n + 1);
      mkev(&ev, json);
      if (att_store_add(st, &ev) == 0) {
        m.ev[ev.id - 1] = ev;
        m.n = (size_t)ev.id;
      } else {
        att_event_free(&ev);
      }
    }
  }
  is_int(check_queries(st, &m, NQ(400), "snapshot+journal"), 0, "%d random queries agree with the oracle (snapshot + journal)", NQ(400));
  att_store_close(st);
  st = open_store(dir, ATT_OPEN_READ);
  is_int(check_queries(st, &m, NQ(300), "reopened"), 0, "%d random queries agree after reopening", NQ(300));
  att_store_close(st);
  for (size_t i = 0; i < m.n; i++) att_event_free(&m.ev[i]);
  free(m.ev);
}

/* ---- crash recovery ------------------------------------------------------ */

static long fsize(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0 ? (long)sb.st_size : -1;
}

static int copy_prefix(const char *from, const char *to, long n) {
  FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
  int c;
  long i = 0;
  if (!a || !b) return -1;
  while (i < n && (c = fgetc(a)) != EOF) fputc(c, b), i++;
  fclose(a);
  fclose(b);
  return 0;
}

static void test_torn(void) {
  char *dir = newdir(), jp[PATH_MAX], save[PATH_MAX], sizes_note[64];
  att_store *st;
  long full, ends[16];
  int nends = 0, bad = 0, msgs = 0;
  att_store_init(dir);
  snprintf(jp, sizeof jp, "%s/journal", dir);
  snprintf(save, sizeof save, "%s/journal.full", root);
  st = open_store(dir, ATT_OPEN_WRITE);
  ends[nends++] = fsize(jp);
  for (int i = 0; i < 4; i++) {
    char j[128];
    snprintf(j, sizeof j, "{\"title\":\"t%d\",\"when\":\"2024-0%d\"}", i, i + 1);
    add_json(st, j);
    ends[nends++] = fsize(jp);
  }
  att_store_begin(st); /* a batch of three */
  for (int i = 0; i < 3; i++) add_json(st, "{\"title\":\"batch\",\"when\":\"2025\"}");
  att_store_commit(st);
  ends[nends++] = fsize(jp);
  att_store_remove(st, 2);
  ends[nends++] = fsize(jp);
  att_store_close(st);
  full = fsize(jp);
  copy_prefix(jp, save, full);
  for (long cut = 0; cut <= full; cut++) {
    long expect = 0;
    int whole = 0;
    copy_prefix(save, jp, cut);
    for (int k = 0; k < nends; k++)
      if (ends[k] <= cut) whole = k;
    /* Events present after `whole` complete writes. */
    expect = whole <= 4 ? whole : whole == 5 ? 7 : 6;
    st = open_store(dir, ATT_OPEN_READ);
    if (!st || (long)att_store_count(st) != expect) {
      if (bad < 3) printf("# cut at %ld: %s, count %ld want %ld (%s)\n", cut, st ? "opened" : "failed",
                          st ? (long)att_store_count(st) : -1L, expect, att_errmsg());
      bad++;
    }
    if (cut != ends[whole] && cut != 0 && notes[0]) msgs++;
    else if (cut != ends[whole] && cut != 0 && bad < 3) {
      printf("# cut at %ld: no message\n", cut);
      bad++;
    }
    att_store_close(st);
  }
  snprintf(sizes_note, sizeof sizes_note, "%ld", full);
  is_int(bad, 0, "a journal cut at each of its %s byte offsets opens with a prefix of the writes", sizes_note);
  ok(msgs > 0, "and every cut inside a write says what was dropped (%d messages)", msgs);
  /* A writer removes the torn tail before appending. */
  copy_prefix(save, jp, ends[3] + 5);
  st = open_store(dir, ATT_OPEN_WRITE);
  ok(add_json(st, "{\"title\":\"after\",\"when\":\"2024\"}") > 0, "a writer appends after a torn tail");
  ok(strstr(notes, "removed") != NULL, "and says it removed the unfinished write: %s", notes);
  att_store_close(st);
  st = open_store(dir, ATT_OPEN_READ);
  is_int(att_store_count(st), 4, "three before the tear plus the new one");
  att_store_close(st);
}

static void test_damage(void) {
  char *dir = newdir(), jp[PATH_MAX];
  att_store *st;
  long mid;
  FILE *f;
  int c;
  att_store_init(dir);
  snprintf(jp, sizeof jp, "%s/journal", dir);
  st = open_store(dir, ATT_OPEN_WRITE);
  for (int i = 0; i < 5; i++) add_json(st, "{\"title\":\"d\",\"when\":\"2024\"}");
  att_store_close(st);
  mid = fsize(jp) / 2;
  f = fopen(jp, "r+b");
  fseek(f, mid, SEEK_SET);
  c = fgetc(f);
  fseek(f, mid, SEEK_SET);
  fputc(c ^ 0x40, f);
  fclose(f);
  st = open_store(dir, ATT_OPEN_READ);
  ok(st == NULL, "damage in the middle of the journal is refused");
  ok(strstr(att_errmsg(), "damaged at byte") && strstr(att_errmsg(), "intact records follow"),
     "with a message naming where: %s", att_errmsg());
}

static void flip(const char *path, long at) {
  FILE *f = fopen(path, "r+b");
  int c;
  fseek(f, at, SEEK_SET);
  c = fgetc(f);
  fseek(f, at, SEEK_SET);
  fputc(c ^ 0x40, f);
  fclose(f);
}

static int nnotes;
static void count_notice(void *ud, const char *msg) {
  (void)ud;
  nnotes++;
  snprintf(notes, sizeof notes, "%s", msg);
}

/* Offset of the record of the snapshot's k-th event, from its id table. */
static long snap_rec_off(const char *path, int k) {
  FILE *f = fopen(path, "rb");
  att__shdr h;
  uint64_t off = 0;
  if (!f) return -1;
  if (fread(&h, 1, sizeof h, f) == sizeof h) {
    fseek(f, (long)(h.sect[ATT__S_IDTAB].off + sizeof(att__ident) * (uint64_t)k +
                    offsetof(att__ident, rec_off)), SEEK_SET);
    if (fread(&off, 8, 1, f) != 1) off = 0;
  }
  fclose(f);
  return (long)off;
}

/* Events are read from the snapshot by a read of their record, in one
 * piece up to 1 KiB and in two beyond: records of every length around
 * that edge read back whole, the last record of the file too, and damage
 * past the first piece is found by the record's checksum. */
static void test_long_records(void) {
  char *dir = newdir(), sp[PATH_MAX];
  static const size_t lens[] = {1, 900, 1000, 1010, 1016, 1024, 1100, 5000, 60000};
  size_t n = sizeof lens / sizeof *lens;
  att_store *st;
  int bad = 0;
  att_store_init(dir);
  snprintf(sp, sizeof sp, "%s/snapshot", dir);
  st = open_store(dir, ATT_OPEN_WRITE);
  for (size_t i = 0; i < n; i++) {
    att_event ev;
    char *notes = malloc(lens[i] + 1);
    memset(notes, 'a' + (int)i, lens[i]);
    notes[lens[i]] = '\0';
    att_event_init(&ev);
    ev.title = strdup("long");
    ev.when = strdup("2024-05-20");
    ev.notes = notes;
    if (att_store_add(st, &ev) != 0) {
      printf("# notes of %zu bytes: %s\n", lens[i], att_errmsg());
      bad++;
    }
    att_event_free(&ev);
  }
  is_int(bad, 0, "%zu events with notes of 1 to 60000 bytes added", n);
  is_int(att_store_compact(st), 0, "... and compacted");
  att_store_close(st);
  st = open_store(dir, ATT_OPEN_READ);
  for (size_t i = 0; st && i < n; i++) {
    att_event ev;
    if (att_store_get(st, (int64_t)i + 1, &ev) != 0) {
      printf("# event %zu: %s\n", i + 1, att_errmsg());
      bad++;
      continue;
    }
    if (strlen(ev.notes ? ev.notes : "") != lens[i] || (lens[i] && ev.notes[lens[i] - 1] != 'a' + (int)i))
      bad++;
    att_event_free(&ev);
  }
  is_int(bad, 0, "each reads back whole from the snapshot");
  /* att_store_json_copy gives what att_store_json points to, read from
   * the file or copied from the journal, into one buffer grown as need be */
  if (st) att_store_close(st);
  st = open_store(dir, ATT_OPEN_WRITE);
  if (st) {
    char *buf = NULL;
    size_t cap = 0, len = 0, jlen = 0;
    const char *json;
    int64_t fresh = add_json(st, "{\"title\":\"in the journal\",\"when\":\"2024\"}");
    att_store_remove(st, 2);
    for (int64_t id = 1; id <= (int64_t)n + 1; id++) {
      int64_t want = id == (int64_t)n + 1 ? fresh : id;
      int rc1 = att_store_json(st, want, &json, &jlen), rc2;
      char *keep = rc1 == 0 ? strndup(json, jlen) : NULL;
      rc2 = att_store_json_copy(st, want, &buf, &cap, &len);
      if (rc1 != rc2 || (rc1 == 0 && (len != jlen || memcmp(buf, keep, len) != 0))) {
        printf("# event %lld: json %d, copy %d\n", (long long)want, rc1, rc2);
        bad++;
      }
      free(keep);
    }
    is_int(bad, 0, "att_store_json_copy agrees with att_store_json (snapshot, journal, removed)");
    ok(cap >= 60000, "... its buffer grown to the longest record (%zu bytes)", cap);
    free(buf);
    att_store_close(st);
  }
  /* a byte 3000 bytes into the 5000-byte record */
  flip(sp, snap_rec_off(sp, 7) + 8 + 3000);
  st = open_store(dir, ATT_OPEN_READ);
  if (st) {
    att_event ev;
    int rc = att_store_get(st, 8, &ev);
    if (rc == 0) att_event_free(&ev);
    ok(rc == ATT_ECORRUPT && strstr(att_errmsg(), "checksum"),
       "damage past the first kilobyte of a record is found: %s", att_errmsg());
    rc = att_store_get(st, 9, &ev);
    if (rc == 0) att_event_free(&ev);
    is_int(rc, 0, "the next record still reads");
    att_store_close(st);
  }
}

/* Offset of the payload of the journal's k-th put record (from 0). */
static long jput_off(const char *path, int k) {
  FILE *f = fopen(path, "rb");
  unsigned char h[ATT__RHDR];
  long off = ATT__JHDR, found = -1;
  if (!f) return -1;
  while (found < 0 && fseek(f, off, SEEK_SET) == 0 && fread(h, 1, sizeof h, f) == sizeof h) {
    uint32_t len = (uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16 | (uint32_t)h[7] << 24;
    if (h[8] == ATT__R_PUT && k-- == 0) found = off + ATT__RHDR;
    off += ATT__RHDR + (long)len;
  }
  fclose(f);
  return found;
}

static void test_salvage(void) {
  char dir[PATH_MAX], dst[PATH_MAX + 32], p[PATH_MAX + 32];
  att_store_opts o = {0};
  att_store *st;
  att_event ev;
  o.notice = count_notice;
  snprintf(dir, sizeof dir, "%s", newdir());
  att_store_init(dir);
  st = open_store(dir, ATT_OPEN_WRITE);
  for (int i = 0; i < 6; i++) add_json(st, "{\"title\":\"in snapshot\",\"when\":\"2023\"}");
  att_store_compact(st);
  for (int i = 0; i < 4; i++) add_json(st, "{\"title\":\"in journal\",\"when\":\"2024\"}");
  att_store_remove(st, 1);
  att_store_close(st);
  is_int(att_store_verify(dir, &o), 0, "verify: an intact store");

  /* Damage snapshot event 3 and the journal's second event. */
  snprintf(p, sizeof p, "%s/snapshot", dir);
  flip(p, snap_rec_off(p, 2) + 20);
  snprintf(p, sizeof p, "%s/journal", dir);
  flip(p, jput_off(p, 1) + 20);
  nnotes = 0;
  is_int(att_store_verify(dir, &o), ATT_ECORRUPT, "verify: a damaged store is reported damaged");
  ok(nnotes >= 3, "with reports for each part (%d)", nnotes);
  snprintf(dst, sizeof dst, "%s/salvaged", root);
  is_int(att_store_salvage(dir, dst, &o), 7, "salvage copies the 7 intact live events");
  is_int(att_store_salvage(dir, dst, &o), ATT_EEXISTS, "salvage refuses an existing destination");
  st = open_store(dst, ATT_OPEN_WRITE);
  ok(st != NULL, "the salvaged store opens");
  is_int(att_store_count(st), 7, "with 7 events");
  is_int(att_store_get(st, 3, &ev), ATT_ENOTFOUND, "the damaged snapshot event is gone");
  is_int(att_store_get(st, 1, &ev), ATT_ENOTFOUND, "the removed event stays removed");
  is_int(att_store_get(st, 10, &ev), 0, "ids are kept");
  is_str(ev.title, "in journal", "journal events are kept");
  att_event_free(&ev);
  is_int(add_json(st, "{\"title\":\"new\",\"when\":\"2025\"}"), 11, "new ids continue after the old ones");
  att_store_close(st);
  st = open_store(dir, ATT_OPEN_READ);
  ok(st == NULL, "the damaged original still refuses to open (it was not changed)");
}

static int nadds;
static void count_adds(void *ud, int op, int64_t id, const char *old, size_t len) {
  (void)ud, (void)id, (void)old, (void)len;
  if (op == ATT_CHANGE_ADD) nadds++;
}

/* Imports: straight into a new snapshot when large, a batch when small;
 * all or nothing; seen by other processes as additions. */
static void test_import(void) {
  char *dir = newdir(), json[1024];
  att_store_opts o = {0};
  att_store *st, *rd;
  model m = {0};
  int n = 6000;
  att_store_init(dir);
  st = open_store(dir, ATT_OPEN_WRITE);
  m.ev = calloc((size_t)n * 2, sizeof *m.ev);
  /* Some events in the snapshot, some in the journal, one removed. */
  for (int i = 0; i < 300; i++) {
    att_event ev;
    rand_event(json, sizeof json, i);
    mkev(&ev, json);
    if (att_store_add(st, &ev) == 0) m.ev[ev.id - 1] = ev, m.n = (size_t)ev.id;
    if (i == 150) att_store_compact(st);
  }
  att_store_remove(st, 7);
  att_event_free(&m.ev[6]);
  memset(&m.ev[6], 0, sizeof m.ev[6]);
  o.flags = ATT_OPEN_READ;
  o.change = count_adds;
  att_store_open(dir, &o, &rd);

  is_int(att_store_import_begin(st, (uint64_t)n), 0, "a large import begins");
  ok(add_json(st, "{\"title\":\"x\",\"when\":\"2024\"}") < 0, "nothing else is written while it is open");
  for (int i = 0; i < n; i++) {
    att_event ev, copy;
    rand_event(json, sizeof json, 1000 + i);
    mkev(&ev, json);
    if (i == 10) {
      free(ev.key);
      ev.key = strdup("imported-key");
    }
    if (att_store_import_add(st, &ev) != 0) {
      printf("# import_add: %s\n", att_errmsg());
      att_event_free(&ev);
      continue;
    }
    att_event_copy(&copy, &ev);
    m.ev[ev.id - 1] = copy;
    m.n = (size_t)ev.id;
    att_event_free(&ev);
  }
  /* (A key given twice within a large import is refused by its commit,
   * which then imports nothing: tests/unit/test_spill.c.) */
  is_int(att_store_import_commit(st), 0, "commit");
  is_int(att_store_count(st), 299 + n, "every event is there");
  is_int(check_queries(st, &m, NQ(300), "after import"), 0, "%d random queries agree with the oracle after the import", NQ(300));
  is_int(att_store_refresh(rd), n, "another process sees each imported event as an addition");
  is_int(nadds, n, "through its change callback");
  is_int(check_queries(rd, &m, 100, "reader after import"), 0, "and its queries agree with the oracle");
  att_store_close(rd);

  /* An import abandoned changes nothing; a small one is a plain batch. */
  is_int(att_store_import_begin(st, 5000), 0, "another large import");
  for (int i = 0; i < 100; i++) {
    att_event ev;
    mkev(&ev, "{\"title\":\"abandoned\",\"when\":\"2024\"}");
    att_store_import_add(st, &ev);
    att_event_free(&ev);
  }
  att_store_import_abort(st);
  is_int(att_store_count(st), 299 + n, "an abandoned import leaves nothing");
  is_int(att_store_import_begin(st, 3), 0, "a small import");
  {
    att_event ev;
    mkev(&ev, "{\"title\":\"small\",\"when\":\"2024\"}");
    is_int(att_store_import_add(st, &ev), 0, "adds");
    is_int(ev.id, (int64_t)m.n + 101, "ids continue after the abandoned import's: they are never given again");
    att_event_free(&ev);
  }
  is_int(att_store_import_commit(st), 0, "commits");
  att_store_close(st);
  st = open_store(dir, ATT_OPEN_READ);
  is_int(att_store_count(st), 300 + n, "all of it after reopening");
  att_store_close(st);
  for (size_t i = 0; i < m.n; i++) att_event_free(&m.ev[i]);
  free(m.ev);
}

static void test_poison(void) {
  char *dir = newdir();
  att_store *st;
  att_store_init(dir);
  st = open_store(dir, ATT_OPEN_WRITE);
  add_json(st, "{\"title\":\"ok\",\"when\":\"2024\"}");
  att_fault_arm(1, 1, 1u << ATT_FAULT_SYNC, EIO); /* the next syncs fail, as a disk's would */
  is_int(add_json(st, "{\"title\":\"lost\",\"when\":\"2024\"}"), -1, "a failed sync fails the add");
  ok(att_fault_off() >= 1, "the sync failed");
  is_int(add_json(st, "{\"title\":\"later\",\"when\":\"2024\"}"), -1, "and the store refuses writes after it");
  ok(strstr(att_errmsg(), "reopen") != NULL, "saying to reopen: %s", att_errmsg());
  att_store_close(st);
  st = open_store(dir, ATT_OPEN_WRITE);
  ok(add_json(st, "{\"title\":\"again\",\"when\":\"2024\"}") > 0, "after reopening, writes work");
  att_store_close(st);
}

/* Lazy sync (att_store_set_lazy_sync): a commit writes its records and
 * leaves the sync to the caller (the daemon syncs on a worker thread and
 * answers after).  No sync is made by the commit; the caller's sync is
 * what makes it durable; a failure of the caller's sync poisons the store
 * as a failure of its own would. */
static void test_lazy_sync(void) {
  char *dir = newdir();
  att_store *st, *rd;
  int fd, fd2, was;
  att_store_init(dir);
  st = open_store(dir, ATT_OPEN_WRITE);
  rd = open_store(dir, ATT_OPEN_READ);
  is_int(att_store_sync_take(st, &fd), 0, "nothing to take before any write");
  is_int(fd, -1, "so no descriptor");
  was = att_store_set_lazy_sync(st, 1);
  is_int(was, 0, "off by default");
  att_fault_arm(1, 1, 1u << ATT_FAULT_SYNC, EIO);
  ok(add_json(st, "{\"title\":\"lazy\",\"when\":\"2024\"}") == 1, "a lazy commit succeeds with every sync failing");
  ok(add_json(st, "{\"title\":\"lazy 2\",\"when\":\"2024\"}") == 2, "and so does the next");
  is_int(att_fault_off(), 0, "because it made no sync");
  is_int(att_store_refresh(rd), 2, "another handle reads both at once");
  is_int(att_store_sync_take(st, &fd), 0, "the caller takes the journal to sync");
  ok(fd >= 0, "a descriptor");
  is_int(att_store_sync_take(st, &fd2), 0, "a second take");
  is_int(fd2, -1, "finds nothing more to sync");
  is_int(fdatasync(fd), 0, "the caller syncs it");
  close(fd);
  ok(add_json(st, "{\"title\":\"lazy 3\",\"when\":\"2024\"}") == 3, "a third lazy commit");
  att_fault_arm(1, 1, 1u << ATT_FAULT_SYNC, EIO);
  is_int(att_store_sync(st), ATT_EPOISONED, "att_store_sync fails as the disk does");
  ok(att_fault_off() >= 1, "it did sync");
  ok(add_json(st, "{\"title\":\"refused\",\"when\":\"2024\"}") == -1 && strstr(att_errmsg(), "reopen"),
     "and the store refuses writes after it: %s", att_errmsg());
  att_store_close(st);
  st = open_store(dir, ATT_OPEN_WRITE);
  is_int(att_store_count(st), 3, "every lazy commit is in the store after reopening");
  att_store_set_lazy_sync(st, 1);
  add_json(st, "{\"title\":\"lazy 4\",\"when\":\"2024\"}");
  att_store_sync_failed(st);
  ok(add_json(st, "{\"title\":\"refused\",\"when\":\"2024\"}") == -1, "a failure of the caller's sync poisons it too");
  att_store_close(st);
  st = open_store(dir, ATT_OPEN_WRITE);
  is_int(att_store_set_lazy_sync(st, 0), 0, "a new handle syncs its commits");
  att_fault_arm(1, 1, 1u << ATT_FAULT_SYNC, EIO);
  is_int(add_json(st, "{\"title\":\"synced\",\"when\":\"2024\"}"), -1, "so a failing sync fails its add");
  att_fault_off();
  att_store_close(st);
  att_store_close(rd);
}

/* ---- other processes ------------------------------------------------------ */

static int changes[4], olds_right = 1;
static void on_change(void *ud, int op, int64_t id, const char *old, size_t len) {
  (void)ud, (void)id;
  changes[op]++;
  /* An add has no old state; an update or removal has the one before. */
  if ((op == ATT_CHANGE_ADD) != (old == NULL)) olds_right = 0;
  if (old && (len == 0 || old[0] != '{' || old[len - 1] != '}')) olds_right = 0;
}

static char seen[8][160];
static int nseen;
static void log_change(void *ud, int op, int64_t id, const char *old, size_t len) {
  (void)ud;
  if (nseen < 8)
    snprintf(seen[nseen++], sizeof seen[0], "%d %lld %.*s", op, (long long)id, old ? (int)(strchr(old, ',') - old) + 0 : 4,
             old ? old : "none");
  (void)len;
}

/* Own writes and others' are reported in order, with the state before. */
/* What an interrupted writer left is removed by the next write of a
 * long-lived handle too, though it no longer sweeps when the directory
 * has not changed since its last sweep. */
static void test_sweep(void) {
  char *dir = newdir(), p[PATH_MAX];
  const char *left[] = {"snapshot.tmp", "journal.tmp", "history.7.tmp", "users.json.tmp"};
  struct timespec old[2] = {{1000000000, 0}, {1000000000, 0}};
  att_store *st;
  int fd;
  att_store_init(dir);
  st = open_store(dir, ATT_OPEN_WRITE);
  /* A directory last changed long ago: its mtime can be trusted. */
  ok(utimensat(AT_FDCWD, dir, old, 0) == 0, "the directory's mtime set back");
  ok(add_json(st, "{\"title\":\"one\",\"when\":\"2024\"}") == 1, "a write sweeps and notes the mtime");
  ok(add_json(st, "{\"title\":\"two\",\"when\":\"2024\"}") == 2, "the next write has nothing to sweep");
  for (size_t i = 0; i < sizeof left / sizeof *left; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, left[i]);
    fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
    ok(fd >= 0 && write(fd, "x", 1) == 1, "another process left %s", left[i]);
    if (fd >= 0) close(fd);
    notes[0] = '\0';
    ok(add_json(st, "{\"title\":\"next\",\"when\":\"2024\"}") > 0, "the same handle writes again");
    ok(access(p, F_OK) != 0 && errno == ENOENT, "and removes %s", left[i]);
    ok(strstr(notes, left[i]) != NULL, "saying so: %s", notes);
    /* the directory as if long unchanged again, for the next round */
    utimensat(AT_FDCWD, dir, old, 0);
    add_json(st, "{\"title\":\"settle\",\"when\":\"2024\"}");
  }
  att_store_close(st);
}

static void test_changes(void) {
  char *dir = newdir();
  att_store_opts o = {0};
  att_store *st;
  att_event ev;
  att_store_init(dir);
  o.flags = ATT_OPEN_WRITE;
  o.change = log_change;
  att_store_open(dir, &o, &st);
  add_json(st, "{\"title\":\"first\",\"when\":\"2024\"}");
  att_store_get(st, 1, &ev);
  free(ev.title);
  ev.title = strdup("second");
  att_store_update(st, &ev);
  att_event_free(&ev);
  att_store_remove(st, 1);
  att_store_begin(st);
  add_json(st, "{\"title\":\"in batch\",\"when\":\"2024\"}");
  is_int(nseen, 3, "a batch's changes are reported at commit, not before");
  att_store_commit(st);
  att_store_close(st);
  is_int(nseen, 4, "four changes reported");
  is_str(seen[0], "1 1 none", "add: no old state");
  is_str(seen[1], "2 1 {\"id\":1", "update: the old state");
  is_str(seen[2], "3 1 {\"id\":1", "remove: the old state");
  is_str(seen[3], "1 2 none", "the batch's add");
}

/* What a refresh lets go of after another handle's compaction goes to the
 * release function (the daemon frees it on a worker thread): the store
 * reads and writes on meanwhile, the garbage holds the replaced files
 * open until it is freed, on another thread, and nothing leaks (ASan,
 * valgrind). */
static att_garbage *held[8];
static int nheld;

static void hold(void *ud, att_garbage *g) {
  (void)ud;
  if (nheld < 8) held[nheld++] = g;
  else att_garbage_free(g);
}

static int open_fds(void) {
  int n = 0;
  for (int fd = 0; fd < 1024; fd++) n += fcntl(fd, F_GETFD) != -1;
  return n;
}

static void *free_on_thread(void *g) {
  att_garbage_free(g);
  return NULL;
}

static void test_release(void) {
  char *dir = newdir();
  att_store *a, *b;
  const char *json;
  size_t len;
  int fds;
  pthread_t th;
  att_store_init(dir);
  a = open_store(dir, ATT_OPEN_WRITE);
  for (int i = 0; i < 50; i++) add_json(a, "{\"title\":\"by a\",\"when\":\"2024\",\"actors\":[\"KHM\"]}");
  att_store_set_release(a, hold, NULL);
  b = open_store(dir, ATT_OPEN_WRITE);
  add_json(b, "{\"title\":\"by b\",\"when\":\"2025\"}");
  is_int(att_store_compact(b), 0, "another handle compacts");
  att_store_close(b);
  fds = open_fds();
  is_int(att_store_refresh(a), 1, "the refresh sees the other handle's add");
  is_int(nheld, 1, "what it let go of went to the release function");
  is_int(att_store_count(a), 51, "and the store reads every event from the new files");
  ok(att_store_json(a, 50, &json, &len) == 0 && strstr(json, "\"by a\"") != NULL, "an event of its own journal, now read from the snapshot");
  ok(add_json(a, "{\"title\":\"after\",\"when\":\"2026\"}") == 52, "and writes on");
  is_int(open_fds(), fds + 2, "the replaced snapshot and journal stay open while the garbage is held");
  ok(pthread_create(&th, NULL, free_on_thread, held[0]) == 0 && pthread_join(th, NULL) == 0, "freed on another thread");
  nheld = 0;
  is_int(open_fds(), fds, "freeing it closed them");
  is_int(att_store_count(a), 52, "the store is unaffected");
  att_store_set_release(a, NULL, NULL);
  b = open_store(dir, ATT_OPEN_WRITE);
  att_store_compact(b);
  att_store_close(b);
  is_int(att_store_refresh(a), 0, "without a release function a refresh frees at once");
  is_int(nheld, 0, "nothing handed over");
  att_store_set_release(a, hold, NULL);
  att_store_close(a);
  is_int(nheld, 1, "closing hands over what the store held, too");
  att_garbage_free(held[0]);
  nheld = 0;
  att_garbage_free(NULL);
}

/* The journal's arrays grow past a compaction's worth of records (a
 * server takes writes while a compaction starts) through att__grow, and
 * keep every change, across a compaction of the handle's own and the
 * hand-over of a refresh past another's (freed on another thread). */
static void test_journal_growth(void) {
  char *dir = newdir();
  att_store *a, *b;
  pthread_t th;
  const int n = 3 * (int)ATT__COMPACT_RECORDS;
  int bad = 0;
  att_store_init(dir);
  a = open_store(dir, ATT_OPEN_WRITE | ATT_OPEN_NO_AUTOCOMPACT);
  is_int(att_store_begin(a), 0, "a batch");
  for (int i = 0; i < n; i++) add_json(a, "{\"title\":\"many\",\"when\":\"2024\"}");
  is_int(att_store_commit(a), 0, "%d adds committed", n);
  ok(a->ov.cap >= (size_t)n && a->ov.cap * sizeof *a->ov.v >= ATT__GROW_MAP,
     "the overlay holds %zu entries, %zu KiB: a mapping of its own", a->ov.cap, a->ov.cap * sizeof *a->ov.v >> 10);
  ok(a->cjh >= (size_t)n, "the history's changes: %zu", a->cjh);
  for (int64_t id = 1; id <= n; id += 97) {
    att_event ev;
    if (att_store_get(a, id, &ev) != 0) bad++;
    else bad += strcmp(ev.title, "many") != 0, att_event_free(&ev);
  }
  is_int(bad, 0, "every event read back");
  att_store_close(a);
  a = open_store(dir, ATT_OPEN_WRITE | ATT_OPEN_NO_AUTOCOMPACT);
  is_int(att_store_count(a), n, "the journal read again at open: %d events", n);
  is_int(att_store_compact(a), 0, "compaction frees the arrays");
  add_json(a, "{\"title\":\"after\",\"when\":\"2024\"}");
  ok(a->ov.cap < (size_t)n, "and they start small again (%zu)", a->ov.cap);
  is_int(att_store_begin(a), 0, "a batch");
  for (int i = 0; i < n; i++) add_json(a, "{\"title\":\"more\",\"when\":\"2025\"}");
  is_int(att_store_commit(a), 0, "%d more", n);
  att_store_set_release(a, hold, NULL);
  b = open_store(dir, ATT_OPEN_WRITE);
  is_int(att_store_compact(b), 0, "another handle compacts");
  att_store_close(b);
  is_int(att_store_refresh(a), 0, "the refresh hands the large arrays over");
  is_int(nheld, 1, "to the release function");
  ok(pthread_create(&th, NULL, free_on_thread, held[0]) == 0 && pthread_join(th, NULL) == 0, "freed on another thread");
  nheld = 0;
  is_int(att_store_count(a), 2 * n + 1, "every event read from the new snapshot");
  att_store_set_release(a, NULL, NULL);
  att_store_close(a);
}

/* The two ways a query tests a posting list: a binary search per
 * candidate when they are few, a bit per event made from the list when
 * they are many (core/query.c, post_bits).  Windows from one day (a few
 * candidates) to the whole span, with an actor every event has and one
 * a third of them have: each count as it must be, on the snapshot and
 * with the journal's events over it. */
static void test_query_paths(void) {
  char *dir = newdir();
  att_store *st;
  const int n = 4000;
  const int64_t d0 = att_days_from_civil(2001, 1, 1);
  const int widths[] = {1, 2, 10, 100, 1000, 4000};
  int bad = 0, asked = 0;
  att_store_init(dir);
  st = open_store(dir, ATT_OPEN_WRITE | ATT_OPEN_NO_AUTOCOMPACT);
  att_store_begin(st);
  for (int i = 0; i < n; i++) {
    char json[160];
    int64_t y;
    int m, d;
    att_civil_from_days(d0 + i, &y, &m, &d);
    snprintf(json, sizeof json, "{\"title\":\"day %d\",\"when\":\"%04lld-%02d-%02d\",\"actors\":[%s]}", i, (long long)y, m,
             d, i % 3 == 0 ? "\"JPN\",\"KHM\"" : "\"JPN\"");
    add_json(st, json);
  }
  att_store_commit(st);
  for (int phase = 0; phase < 2; phase++) {
    if (phase == 1) att_store_compact(st);
    asked = 0;
    for (size_t w = 0; w < sizeof widths / sizeof *widths; w++)
      for (int a = 0; a + widths[w] <= n; a += n / 7 + 1) {
        int from = a, to = a + widths[w] - 1, jpn = to - from + 1, khm = to / 3 - (from + 2) / 3 + 1;
        const char *both[] = {"JPN", "KHM"};
        for (int which = 0; which < 3; which++) {
          att_query q;
          int64_t *ids = NULL;
          size_t got = 0;
          att_query_init(&q);
          q.from = (d0 + from) * 86400;
          q.to = (d0 + to) * 86400 + 86399;
          q.actors = which == 1 ? both + 1 : both;
          q.nactors = which == 2 ? 2 : 1;
          asked++;
          if (att_store_query(st, &q, &ids, &got) != 0 || (int)got != (which == 0 ? jpn : khm)) {
            if (bad++ < 5)
              printf("# days %d-%d, %s%s: %zu, not %d\n", from, to, q.actors[0], q.nactors == 2 ? "+KHM" : "", got,
                     which == 0 ? jpn : khm);
          }
          free(ids);
        }
      }
    is_int(bad, 0, "%s: %d queries, one day to all %d, each count right", phase ? "snapshot" : "journal", asked, n);
  }
  att_store_close(st);
}

/* Finding an event by id in the snapshot: the first probe goes where a
 * dense table would have it and the search is bounded by how far ids are
 * apart (core/snapshot.c att__snap_find).  Every id is asked, present or
 * not, over tables from dense to mostly gaps: runs, lone survivors, the
 * first and last ids, and ids past either end. */
static void test_find_ids(void) {
  const int n = 3000;
  /* which ids survive: all; every third; a few runs far apart; the ends
   * and one in the middle */
  for (int pattern = 0; pattern < 4; pattern++) {
    char *dir = newdir();
    att_store *st;
    char keep[3001] = {0};
    int bad = 0;
    att_store_init(dir);
    st = open_store(dir, ATT_OPEN_WRITE | ATT_OPEN_NO_AUTOCOMPACT);
    att_store_begin(st);
    for (int i = 1; i <= n; i++) {
      char json[96];
      snprintf(json, sizeof json, "{\"title\":\"e%d\",\"when\":\"2001-01-01\"}", i);
      add_json(st, json);
      keep[i] = pattern == 0 || (pattern == 1 && i % 3 == 0) ||
                (pattern == 2 && (i <= 10 || (i >= 1500 && i < 1510) || i > 2990 || i == 777)) ||
                (pattern == 3 && (i == 1 || i == 1499 || i == n));
    }
    att_store_commit(st);
    att_store_begin(st);
    for (int i = 1; i <= n; i++)
      if (!keep[i]) att_store_remove(st, i);
    att_store_commit(st);
    is_int(att_store_compact(st), 0, "pattern %d: compacted", pattern);
    for (int64_t id = -2; id <= n + 3; id++) {
      const char *json;
      size_t len;
      int rc = att_store_json(st, id, &json, &len), want = id >= 1 && id <= n && keep[id];
      char title[16];
      snprintf(title, sizeof title, "\"e%lld\"", (long long)id);
      if (want ? rc != 0 || !strstr(json, title) : rc != ATT_ENOTFOUND) {
        if (bad++ < 5) printf("# pattern %d, id %lld: rc %d (%s)\n", pattern, (long long)id, rc, att_errmsg());
      }
    }
    is_int(bad, 0, "pattern %d: each of ids -2..%d found or not, as kept", pattern, n + 3);
    att_store_close(st);
  }
}

static void test_two_processes(void) {
  char *dir = newdir();
  att_store_opts o = {0};
  att_store *rd, *st;
  pid_t pid;
  int status;
  att_store_init(dir);
  o.flags = ATT_OPEN_READ;
  o.change = on_change;
  att_store_open(dir, &o, &rd);
  pid = fork();
  if (pid == 0) {
    st = open_store(dir, ATT_OPEN_WRITE);
    for (int i = 0; i < 5000; i++) add_json(st, "{\"title\":\"child\",\"when\":\"2024\"}");
    att_store_remove(st, 1);
    att_store_close(st);
    _exit(0);
  }
  st = open_store(dir, ATT_OPEN_WRITE);
  for (int i = 0; i < 200; i++) add_json(st, "{\"title\":\"parent\",\"when\":\"2023\"}");
  att_store_close(st);
  waitpid(pid, &status, 0);
  ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child writer exited");
  is_int(att_store_refresh(rd), 5201, "refresh after the other process compacted counts every change it saw");
  is_int(att_store_refresh(rd), 0, "and a second refresh sees nothing new");
  is_int(att_store_count(rd), 5199, "reader sees every event of both writers");
  ok(changes[ATT_CHANGE_ADD] > 0, "reader was told of additions (%d seen before compaction)", changes[ATT_CHANGE_ADD]);
  ok(olds_right, "each change came with the state before it (none for additions)");
  att_store_close(rd);
  st = open_store(dir, ATT_OPEN_READ);
  {
    att_query q;
    int64_t *ids;
    size_t n;
    att_query_init(&q);
    q.sort = ATT_SORT_ID;
    att_store_query(st, &q, &ids, &n);
    int dup = 0;
    for (size_t i = 1; i < n; i++) dup += ids[i] <= ids[i - 1];
    is_int(n, 5199, "5199 events listed");
    is_int(dup, 0, "ids unique and increasing: writers never interleaved");
    free(ids);
  }
  att_store_close(st);
}

/* A writer is killed at random moments; every add it acknowledged is found. */
static void test_kill9(void) {
  int rounds = 30, lost = 0, opened = 0;
  for (int r = 0; r < rounds; r++) {
    char *dir = newdir();
    int fds[2];
    pid_t pid;
    int64_t acked[4096];
    int nack = 0, want = 1 + (int)rnd(300);
    att_store *st;
    att_store_init(dir);
    if (pipe(fds) != 0) break;
    pid = fork();
    if (pid == 0) {
      close(fds[0]);
      st = open_store(dir, ATT_OPEN_WRITE);
      for (int i = 0;; i++) {
        char j[128];
        int64_t id;
        snprintf(j, sizeof j, "{\"title\":\"k%d\",\"when\":\"2024\",\"key\":\"key-%d\"}", i, i);
        if (i % 50 == 49) {
          att_store_begin(st);
          for (int k = 0; k < 20; k++) {
            snprintf(j, sizeof j, "{\"title\":\"b\",\"when\":\"2024\",\"key\":\"b-%d-%d\"}", i, k);
            add_json(st, j);
          }
          if (att_store_commit(st) != 0) _exit(3);
          id = -1;
        } else if ((id = add_json(st, j)) < 0) {
          _exit(2);
        }
        if (write(fds[1], &id, sizeof id) != sizeof id) _exit(4);
      }
    }
    close(fds[1]);
    while (nack < want) {
      int64_t id;
      ssize_t k = read(fds[0], &id, sizeof id);
      if (k != (ssize_t)sizeof id) break;
      acked[nack++] = id;
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(fds[0]);
    st = open_store(dir, ATT_OPEN_WRITE);
    if (st) {
      opened++;
      for (int i = 0; i < nack; i++) {
        att_event ev;
        if (acked[i] < 0) continue;
        if (att_store_get(st, acked[i], &ev) != 0) lost++;
        else att_event_free(&ev);
      }
      if (add_json(st, "{\"title\":\"after kill\",\"when\":\"2024\"}") < 0) lost++;
      att_store_close(st);
    } else {
      printf("# round %d: %s\n", r, att_errmsg());
    }
  }
  is_int(opened, rounds, "the store opens after each of %d kill -9s of a writer", rounds);
  is_int(lost, 0, "no acknowledged event is lost");
}

/* Large imports killed at random moments: each is there whole or not at
 * all, and every acknowledged one is there. */
static void test_kill_import(void) {
  int rounds = 8, bad = 0;
  for (int r = 0; r < rounds; r++) {
    char *dir = newdir();
    int fds[2], acked = 0, want = 1 + (int)rnd(3);
    pid_t pid;
    att_store *st;
    att_store_init(dir);
    if (pipe(fds) != 0) break;
    pid = fork();
    if (pid == 0) {
      close(fds[0]);
      st = open_store(dir, ATT_OPEN_WRITE);
      for (;;) {
        char j = 1;
        if (att_store_import_begin(st, 5000) != 0) _exit(2);
        for (int i = 0; i < 5000; i++) {
          att_event ev;
          mkev(&ev, "{\"title\":\"imported\",\"when\":\"2024-05\"}");
          if (att_store_import_add(st, &ev) != 0) _exit(5);
          att_event_free(&ev);
        }
        if (att_store_import_commit(st) != 0) _exit(3);
        if (write(fds[1], &j, 1) != 1) _exit(4);
      }
    }
    close(fds[1]);
    while (acked < want) {
      char j;
      if (read(fds[0], &j, 1) != 1) break;
      acked++;
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(fds[0]);
    st = open_store(dir, ATT_OPEN_READ);
    if (!st || (att_store_count(st) != (uint64_t)acked * 5000 && att_store_count(st) != (uint64_t)(acked + 1) * 5000)) {
      printf("# round %d: %s, %llu events after %d acknowledged imports\n", r, st ? "opened" : att_errmsg(),
             st ? (unsigned long long)att_store_count(st) : 0ull, acked);
      bad++;
    }
    att_store_close(st);
  }
  is_int(bad, 0, "imports killed at random moments: each whole or absent, none acknowledged lost");
}

int main(void) {
  root = mkdtemp(tmpl);
  if (!root) return 1;
  light = tu_light();
  test_crc();
  test_basic();
  test_batch();
  test_oracle();
  test_bound_seconds();
  test_query_paths();
  test_find_ids();
  test_torn();
  test_damage();
  test_long_records();
  test_salvage();
  test_import();
  test_poison();
  test_lazy_sync();
  test_sweep();
  test_changes();
  test_two_processes();
  test_release();
  test_journal_growth();
  test_kill9();
  test_kill_import();
  rmrf(root);
  return done_testing();
}
