/*
 * The history's oracle (issue 15): random sequences of adds, updates,
 * removals and restores, single and in batches (some rolled back), by
 * several authors, on a simulated clock that sometimes stands still, with
 * compactions and reopenings in between.  A model keeps every committed
 * change.  Then thousands of as-of reads (queries with filters, gets by id
 * and key, counts) at random times are checked against a brute-force
 * replay of the model up to that time, and the change list, every version
 * and the state before and after each change against the model.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "store.h"
#include "store_int.h" /* att__match: the same predicate for the model */
#include "tap.h"
#include "testutil.h"

static att_time g_now;
static att_time clock_now(void *ud) {
  (void)ud;
  return g_now;
}

typedef struct mchange {
  uint64_t seq;
  att_time tx;
  int op;
  int64_t id, rev;
  char author[16], reason[32];
  char *json; /* the state after (NULL for a remove) */
} mchange;

static mchange *mc;
static size_t nmc, cmc;
static uint64_t next_seq = 1;

static unsigned rnd_state = 12345;
static unsigned rnd(unsigned n) {
  rnd_state = rnd_state * 1103515245u + 12345u;
  return (rnd_state >> 8) % n;
}

static const char *kinds[] = {"meeting", "visit", "talks", "agreement"};
static const char *actors[] = {"JPN", "KHM", "THA", "VNM", "LAO"};
static const char *authors[] = {"alice", "bob", "rule:agenda.lua"};

/* A random event as JSON (key given or none). */
static void random_json(char *buf, size_t cap, int n, const char *key) {
  char acts[64] = "";
  int na = 1 + (int)rnd(3);
  for (int i = 0, first = 1; i < na; i++) {
    const char *a = actors[(rnd(5) + (unsigned)i * 2) % 5];
    if (strstr(acts, a)) continue;
    snprintf(acts + strlen(acts), sizeof acts - strlen(acts), "%s\"%s\"", first ? "" : ",", a);
    first = 0;
  }
  snprintf(buf, cap,
           "{\"title\":\"event %d v%u\",\"kind\":\"%s\",\"when\":\"%d-%02u\",\"actors\":[%s]%s%s%s}",
           n, rnd(1000), kinds[rnd(4)], 2000 + (int)rnd(30), 1 + rnd(12), acts,
           key ? ",\"key\":\"" : "", key ? key : "", key ? "\"" : "");
}

static void note(att_store *st, int op, int64_t id, const char *author, const char *reason,
                 mchange *pend, size_t *np) {
  mchange *m = &pend[(*np)++];
  const char *j;
  size_t len;
  memset(m, 0, sizeof *m);
  m->op = op;
  m->id = id;
  m->tx = g_now;
  snprintf(m->author, sizeof m->author, "%s", author);
  snprintf(m->reason, sizeof m->reason, "%s", reason);
  if (op != ATT_CHANGE_REMOVE && att_store_json(st, id, &j, &len) == 0) {
    att_event ev;
    m->json = strndup(j, len);
    if (att_event_from_json(j, len, ATT_EV_STORED, &ev) == 0) {
      m->rev = ev.rev;
      att_event_free(&ev);
    }
  }
}

static void commit_pending(mchange *pend, size_t np) {
  for (size_t i = 0; i < np; i++) {
    if (nmc == cmc) {
      cmc = cmc ? cmc * 2 : 256;
      mc = realloc(mc, cmc * sizeof *mc);
    }
    pend[i].seq = next_seq++;
    mc[nmc++] = pend[i];
  }
}

/* The model: the state of id after every change with tx <= t (NULL:
 * absent), and the last change to id (any time). */
static const mchange *model_at(int64_t id, att_time t) {
  const mchange *last = NULL;
  for (size_t i = 0; i < nmc; i++)
    if (mc[i].id == id && mc[i].tx <= t) last = &mc[i];
  return last && last->op != ATT_CHANGE_REMOVE ? last : NULL;
}

static const mchange *model_last(int64_t id) {
  const mchange *last = NULL;
  for (size_t i = 0; i < nmc; i++)
    if (mc[i].id == id) last = &mc[i];
  return last;
}

static int64_t max_id;

static int cmp_id(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

static char dir[PATH_MAX];

static att_store *reopen(att_store *st) {
  att_store_opts o = {0};
  att_store *n = NULL;
  if (st) att_store_close(st);
  o.flags = ATT_OPEN_WRITE;
  o.now = clock_now;
  if (att_store_open(dir, &o, &n) != 0) printf("# reopen: %s\n", att_errmsg());
  return n;
}

/* One random write (or batch): the changes it commits join the model. */
static void random_write(att_store **stp, int n) {
  att_store *st = *stp;
  mchange pend[8];
  size_t np = 0;
  const char *author = authors[rnd(3)];
  char reason[32] = "";
  int batch = rnd(5) == 0, rollback = batch && rnd(4) == 0, ops = batch ? 1 + (int)rnd(4) : 1;
  if (rnd(3) == 0) snprintf(reason, sizeof reason, "reason %d", n);
  att_store_set_author(st, author);
  att_store_set_reason(st, reason[0] ? reason : NULL);
  if (batch && att_store_begin(st) != 0) return;
  for (int k = 0; k < ops; k++) {
    unsigned what = rnd(10);
    int64_t id = max_id ? 1 + (int64_t)rnd((unsigned)max_id) : 0;
    const mchange *last = id ? model_last(id) : NULL;
    char json[300];
    att_event ev;
    /* in a batch, an event this batch touched is left alone (the model's
     * "last" would be stale) */
    for (size_t i = 0; i < np; i++)
      if (pend[i].id == id) last = NULL, id = 0;
    if (what < 4 || !last) {
      char key[24];
      snprintf(key, sizeof key, "k%d-%d", n, k);
      random_json(json, sizeof json, n, rnd(3) == 0 ? key : NULL);
      if (att_event_from_json(json, strlen(json), 0, &ev) != 0) continue;
      if (att_store_add(st, &ev) == 0) {
        if (ev.id > max_id) max_id = ev.id;
        note(st, ATT_CHANGE_ADD, ev.id, author, reason, pend, &np);
      }
      att_event_free(&ev);
    } else if (last->op != ATT_CHANGE_REMOVE && what < 8) {
      random_json(json, sizeof json, n, NULL);
      if (att_event_from_json(json, strlen(json), 0, &ev) != 0) continue;
      ev.id = id;
      if (att_store_update(st, &ev) == 0) note(st, ATT_CHANGE_UPDATE, id, author, reason, pend, &np);
      att_event_free(&ev);
    } else if (last->op != ATT_CHANGE_REMOVE) {
      if (att_store_remove(st, id) == 0) note(st, ATT_CHANGE_REMOVE, id, author, reason, pend, &np);
    } else {
      /* a removal: put it back as it was before it */
      const mchange *before = NULL;
      for (size_t i = 0; i < nmc; i++)
        if (mc[i].id == id && mc[i].op != ATT_CHANGE_REMOVE) before = &mc[i];
      if (!before || att_event_from_json(before->json, strlen(before->json), ATT_EV_STORED, &ev) != 0)
        continue;
      if (att_store_restore(st, &ev) == 0) note(st, ATT_CHANGE_RESTORE, id, author, reason, pend, &np);
      att_event_free(&ev);
    }
    if (rnd(3) == 0) g_now += rnd(3);
  }
  if (batch && rollback) {
    att_store_rollback(st);
    for (size_t i = 0; i < np; i++) free(pend[i].json);
    np = 0;
  } else if (batch && att_store_commit(st) != 0) {
    printf("# commit: %s\n", att_errmsg());
    for (size_t i = 0; i < np; i++) free(pend[i].json);
    np = 0;
  }
  /* a batch's changes share the time of its first */
  for (size_t i = 1; i < np; i++) pend[i].tx = pend[0].tx;
  commit_pending(pend, np);
}

static int same_ids(int64_t *a, size_t na, int64_t *b, size_t nb) {
  if (na != nb) return 0;
  qsort(a, na, sizeof *a, cmp_id);
  qsort(b, nb, sizeof *b, cmp_id);
  return na == 0 || memcmp(a, b, na * sizeof *a) == 0;
}

int main(void) {
  att_store *st;
  att_time t0;
  int nq = 0, bad_q = 0, bad_get = 0, bad_count = 0, nget = 0;
  snprintf(dir, sizeof dir, "/tmp/attache-history-%d", (int)getpid());
  tu_rmrf(dir);
  g_now = t0 = tu_time("2024-01-01T00:00:00Z");
  if (att_store_init(dir) != 0 || !(st = reopen(NULL))) {
    printf("Bail out! %s\n", att_errmsg());
    return 1;
  }
  /* 700 writes, compactions and reopenings among them */
  int compactions = 0, reopens = 0;
  for (int n = 0; n < 700; n++) {
    random_write(&st, n);
    g_now += rnd(4);
    if (rnd(40) == 0 && att_store_compact(st) == 0) compactions++;
    if (rnd(60) == 0) st = reopen(st), reopens++;
  }
  ok(nmc > 500, "%zu changes made, %d compactions, %d reopenings", nmc, compactions, reopens);
  {
    /* Segments are merged as they come: a few, not one per compaction. */
    char cmd[PATH_MAX + 64];
    int nseg = -1;
    FILE *ls;
    snprintf(cmd, sizeof cmd, "ls %s | grep -c '^history\\.[0-9]*$'", dir);
    if ((ls = popen(cmd, "r")) != NULL) {
      if (fscanf(ls, "%d", &nseg) != 1) nseg = -1;
      pclose(ls);
    }
    ok(nseg >= 1 && nseg <= 6, "%d history segments after %d compactions", nseg, compactions);
    ok(att_store_verify(dir, &(att_store_opts){0}) == 0, "the store and its history verify");
  }

  /* The change list, oldest first, is the model's. */
  {
    att_change_filter f;
    att_change *v;
    size_t n;
    int same = 1;
    att_change_filter_init(&f);
    f.oldest_first = 1;
    is_int(att_store_changes(st, &f, &v, &n), 0, "the change list reads");
    if (n != nmc) same = 0;
    for (size_t i = 0; same && i < n; i++) {
      const mchange *m = &mc[i];
      if (v[i].seq != m->seq || v[i].id != m->id || v[i].tx != m->tx || strcmp(v[i].author, m->author) ||
          strcmp(v[i].reason, m->reason) || v[i].op != m->op ||
          (m->op != ATT_CHANGE_REMOVE && v[i].rev != m->rev)) {
        printf("# change %zu: store seq %llu id %lld op %d rev %lld tx %lld %s/%s; model seq %llu "
               "id %lld op %d rev %lld tx %lld %s/%s\n",
               i, (unsigned long long)v[i].seq, (long long)v[i].id, v[i].op, (long long)v[i].rev,
               (long long)v[i].tx, v[i].author, v[i].reason, (unsigned long long)m->seq,
               (long long)m->id, m->op, (long long)m->rev, (long long)m->tx, m->author, m->reason);
        same = 0;
      }
    }
    ok(same, "every change, with its number, time, event, revision, author and reason (%zu of %zu)", n, nmc);
    att_changes_free(v, n);
    f.oldest_first = 0;
    f.limit = 5;
    f.author = "bob";
    is_int(att_store_changes(st, &f, &v, &n), 0, "bob's last 5");
    {
      int good = n == 5;
      for (size_t i = 0; good && i < n; i++) good = strcmp(v[i].author, "bob") == 0 && (i == 0 || v[i].seq < v[i - 1].seq);
      ok(good, "newest first, all bob's");
    }
    att_changes_free(v, n);
  }

  /* Every version and the states around every change. */
  {
    int bad_v = 0, bad_s = 0;
    for (size_t i = 0; i < nmc; i++) {
      const mchange *m = &mc[i];
      char *j = NULL, *b = NULL, *a = NULL;
      size_t len, bl, al;
      if (m->json) {
        if (att_store_version(st, m->id, m->rev, &j, &len) != 0 || strcmp(j, m->json) != 0) bad_v++;
        free(j);
      }
      if (att_store_change_states(st, m->seq, &b, &bl, &a, &al) != 0) {
        bad_s++;
        continue;
      }
      if ((m->json == NULL) != (a == NULL) || (a && strcmp(a, m->json) != 0)) bad_s++;
      if (m->op == ATT_CHANGE_UPDATE || m->op == ATT_CHANGE_REMOVE) {
        const mchange *prev = NULL;
        for (size_t k = 0; k < i; k++)
          if (mc[k].id == m->id) prev = &mc[k];
        if (!b || !prev || !prev->json || strcmp(b, prev->json) != 0) bad_s++;
      }
      free(b);
      free(a);
    }
    ok(bad_v == 0, "every revision of every event reads back as written (%d wrong)", bad_v);
    ok(bad_s == 0, "the states before and after every change (%d wrong)", bad_s);
  }

  /* As-of reads at random times against the replayed model. */
  att_time t_end = g_now;
  for (int round = 0; round < 2; round++) {
    if (round == 1) {
      /* everything in history segments and one snapshot, then again */
      ok(att_store_compact(st) == 0, "a last compaction (%s)", att_errmsg());
      st = reopen(st);
    }
    for (int k = 0; k < 1100; k++) {
      att_time t = t0 - 2 + (att_time)rnd((unsigned)(t_end - t0 + 5));
      att_query q;
      int64_t *got, *want;
      size_t ng, nw = 0;
      att_query_init(&q);
      switch (rnd(5)) {
      case 1: q.kind = kinds[rnd(4)]; break;
      case 2: {
        static const char *one[1];
        one[0] = actors[rnd(5)];
        q.actors = one;
        q.nactors = 1;
        break;
      }
      case 3:
        q.from = tu_time("2010-01-01T00:00:00Z") + (att_time)rnd(10) * 31536000;
        q.to = q.from + 2 * 31536000;
        break;
      case 4: q.kind = kinds[rnd(4)], q.from = tu_time("2015-01-01T00:00:00Z"); break;
      default: break;
      }
      q.sort = rnd(2) ? ATT_SORT_WHEN : ATT_SORT_ID;
      if (att_store_asof(st, t) != 0 || att_store_query(st, &q, &got, &ng) != 0) {
        printf("# as-of query: %s\n", att_errmsg());
        bad_q++;
        continue;
      }
      want = malloc((size_t)(max_id + 1) * sizeof *want);
      for (int64_t id = 1; id <= max_id; id++) {
        const mchange *m = model_at(id, t);
        att_event ev;
        if (!m || att_event_from_json(m->json, strlen(m->json), ATT_EV_STORED, &ev) != 0) continue;
        if (att__match(&ev, &q)) want[nw++] = id;
        att_event_free(&ev);
      }
      nq++;
      if (!same_ids(got, ng, want, nw)) {
        if (bad_q++ < 5) printf("# as of %lld: %zu hits, the model has %zu\n", (long long)(t - t0), ng, nw);
      }
      free(got);
      free(want);
      /* gets by id and the count */
      for (int g = 0; g < 3; g++) {
        int64_t id = 1 + (int64_t)rnd((unsigned)max_id);
        const mchange *m = model_at(id, t);
        const char *j;
        size_t len;
        int rc = att_store_json(st, id, &j, &len);
        nget++;
        if (m ? (rc != 0 || len != strlen(m->json) || memcmp(j, m->json, len) != 0) : rc != ATT_ENOTFOUND) {
          if (bad_get++ < 5) printf("# get %lld as of %lld: rc %d, model %s\n", (long long)id, (long long)(t - t0), rc, m ? "has it" : "has none");
        }
      }
      if (k % 50 == 0) {
        uint64_t want_n = 0;
        for (int64_t id = 1; id <= max_id; id++) want_n += model_at(id, t) != NULL;
        if (att_store_count(st) != want_n) bad_count++;
      }
    }
  }
  att_store_asof(st, ATT_TIME_MAX);
  ok(nq >= 2000, "%d as-of queries asked", nq);
  ok(bad_q == 0, "every as-of query agrees with the replayed model (%d disagree)", bad_q);
  ok(bad_get == 0, "every as-of get agrees (%d of %d disagree)", bad_get, nget);
  ok(bad_count == 0, "as-of counts agree (%d disagree)", bad_count);

  /* Keys as of a time: the key of a version alive then. */
  {
    int nk = 0, badk = 0;
    for (size_t i = 0; i < nmc; i++) {
      const char *k;
      att_event ev;
      if (!mc[i].json || !(k = strstr(mc[i].json, "\"key\":\""))) continue;
      char key[32];
      sscanf(k + 7, "%31[^\"]", key);
      att_store_asof(st, mc[i].tx);
      /* alive at its own time unless replaced in the same second */
      const mchange *m = model_at(mc[i].id, mc[i].tx);
      int rc = att_store_get_key(st, key, &ev);
      nk++;
      if (m && strstr(m->json, key)) {
        if (rc != 0 || ev.id != mc[i].id) badk++;
      }
      if (rc == 0) att_event_free(&ev);
    }
    att_store_asof(st, ATT_TIME_MAX);
    ok(nk > 10 && badk == 0, "keys as of their time (%d looked up, %d wrong)", nk, badk);
  }
  {
    att_event ev;
    is_int(att_store_asof(st, t0 + 10), 0, "as of a past time");
    att_event_init(&ev);
    ev.title = strdup("x");
    is_int(att_store_add(st, &ev), ATT_EINVAL, "writes are refused while reading the past");
    att_event_free(&ev);
    att_store_asof(st, ATT_TIME_MAX);
  }
  att_store_close(st);
  for (size_t i = 0; i < nmc; i++) free(mc[i].json);
  free(mc);
  tu_rmrf(dir);
  return done_testing();
}
