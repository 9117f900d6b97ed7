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
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "fault.h"
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

/* As-of reads against the replayed model: k random times in [lo, hi]. */
typedef struct asof_tally { int nq, bad_q, nget, bad_get, bad_count; } asof_tally;
static void asof_round(att_store *st, att_time lo, att_time hi, int rounds, asof_tally *t) {
  for (int k = 0; k < rounds; k++) {
    att_time at = lo + (att_time)rnd((unsigned)(hi - lo + 1));
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
    if (att_store_asof(st, at) != 0 || att_store_query(st, &q, &got, &ng) != 0) {
      printf("# as-of query: %s\n", att_errmsg());
      t->bad_q++;
      continue;
    }
    want = malloc((size_t)(max_id + 1) * sizeof *want);
    for (int64_t id = 1; id <= max_id; id++) {
      const mchange *m = model_at(id, at);
      att_event ev;
      if (!m || att_event_from_json(m->json, strlen(m->json), ATT_EV_STORED, &ev) != 0) continue;
      if (att__match(&ev, &q)) want[nw++] = id;
      att_event_free(&ev);
    }
    t->nq++;
    if (!same_ids(got, ng, want, nw)) {
      if (t->bad_q++ < 5) printf("# as of %lld: %zu hits, the model has %zu\n", (long long)at, ng, nw);
    }
    free(got);
    free(want);
    /* gets by id and the count */
    for (int g = 0; g < 3; g++) {
      int64_t id = 1 + (int64_t)rnd((unsigned)max_id);
      const mchange *m = model_at(id, at);
      const char *j;
      size_t len;
      int rc = att_store_json(st, id, &j, &len);
      t->nget++;
      if (m ? (rc != 0 || len != strlen(m->json) || memcmp(j, m->json, len) != 0) : rc != ATT_ENOTFOUND) {
        if (t->bad_get++ < 5)
          printf("# get %lld as of %lld: rc %d, model %s\n", (long long)id, (long long)at, rc, m ? "has it" : "has none");
      }
    }
    if (k % 50 == 0) {
      uint64_t want_n = 0;
      for (int64_t id = 1; id <= max_id; id++) want_n += model_at(id, at) != NULL;
      if (att_store_count(st) != want_n) t->bad_count++;
    }
  }
  att_store_asof(st, ATT_TIME_MAX);
}

/* The change list (oldest first) against the model's changes that
 * pass keep(): count of those that disagree (or -1 when it fails). */
static int list_vs_model(att_store *st, att_time bound) {
  att_change_filter f;
  att_change *v;
  size_t n, k = 0;
  int bad = 0;
  att_change_filter_init(&f);
  f.oldest_first = 1;
  if (att_store_changes(st, &f, &v, &n) != 0) return -1;
  for (size_t i = 0; i < nmc; i++) {
    const mchange *m = &mc[i];
    if (m->op != ATT_CHANGE_PRUNE && m->tx < bound) continue;
    if (k >= n || v[k].seq != m->seq || v[k].id != m->id || v[k].tx != m->tx || v[k].op != m->op ||
        strcmp(v[k].author, m->author) || strcmp(v[k].reason, m->reason)) {
      if (bad++ < 3) printf("# change %llu (op %d, id %lld) not listed as made\n", (unsigned long long)m->seq, m->op, (long long)m->id);
      continue;
    }
    k++;
  }
  bad += (int)(n - k);
  att_changes_free(v, n);
  return bad;
}

/* What the model says a prune at `before` drops: the versions replaced
 * before it, the removals made before it. */
static int model_dropped(const mchange *m, att_time before) {
  if (m->op == ATT_CHANGE_REMOVE || m->op == ATT_CHANGE_PRUNE) return m->tx < before;
  for (const mchange *n = m + 1; n < mc + nmc; n++)
    if (n->id == m->id) return n->tx < before;
  return 0;
}

static void model_prune(att_store *st, att_time before, const char *author, const char *reason) {
  mchange p;
  (void)st;
  memset(&p, 0, sizeof p);
  p.op = ATT_CHANGE_PRUNE;
  p.tx = g_now;
  snprintf(p.author, sizeof p.author, "%s", author);
  snprintf(p.reason, sizeof p.reason, "%s", reason);
  (void)before;
  commit_pending(&p, 1);
}

/* The states before and after change mc[i] read back as the model has
 * them: 0 if so, 1 if not. */
static int states_vs_model(att_store *st, size_t i) {
  const mchange *m = &mc[i];
  char *b = NULL, *a = NULL;
  size_t bl, al;
  int bad = 0;
  if (att_store_change_states(st, m->seq, &b, &bl, &a, &al) != 0) return 1;
  if ((m->json == NULL) != (a == NULL) || (a && strcmp(a, m->json) != 0)) bad = 1;
  if (m->op == ATT_CHANGE_UPDATE || m->op == ATT_CHANGE_REMOVE) {
    const mchange *prev = NULL;
    for (size_t k = 0; k < i; k++)
      if (mc[k].id == m->id) prev = &mc[k];
    if (!b || !prev || !prev->json || strcmp(b, prev->json) != 0) bad = 1;
  }
  free(b);
  free(a);
  return bad;
}

/* Every version and the states around every change kept. */
static void versions_vs_model(att_store *st, att_time before, const char *when) {
  int bad_v = 0, bad_gone = 0, bad_s = 0, nk = 0, ng = 0;
  for (size_t i = 0; i < nmc; i++) {
    const mchange *m = &mc[i];
    char *j = NULL, *b = NULL, *a = NULL;
    size_t len, bl, al;
    if (m->op == ATT_CHANGE_PRUNE) continue;
    if (m->json) {
      int rc = att_store_version(st, m->id, m->rev, &j, &len);
      if (model_dropped(m, before)) {
        ng++;
        if (rc != ATT_ENOTFOUND || !strstr(att_errmsg(), "not in the history kept")) bad_gone++;
      } else {
        nk++;
        if (rc != 0 || strcmp(j, m->json) != 0) bad_v++;
      }
      free(j);
    }
    if (m->tx < before) {
      if (att_store_change_states(st, m->seq, &b, &bl, &a, &al) != ATT_ENOTFOUND) bad_s++;
      free(b);
      free(a);
      continue;
    }
    bad_s += states_vs_model(st, i);
  }
  ok(bad_v == 0 && nk > 0, "%s: the %d revisions kept read back (%d wrong)", when, nk, bad_v);
  ok(bad_gone == 0 && ng > 0, "%s: the %d revisions dropped are refused as pruned (%d not)", when, ng, bad_gone);
  ok(bad_s == 0, "%s: the states around every change kept, none before the bound (%d wrong)", when, bad_s);
}

/*
 * Pruning: the history before a bound goes; every as-of read at or after
 * it still agrees with the model, earlier ones are refused, the change
 * list is the model's from the bound on plus the prune, and the prune
 * survives compaction and reopening; a failed prune changes nothing.
 */
static att_store *prune_phase(att_store *st, att_time t0) {
  att_time t_mid = t0 + (g_now - t0) / 2, t_end;
  uint64_t dropped = 0, seq = 0, dry = 0, s0 = 0;
  att_time b0;
  asof_tally tal = {0};
  is_int(att_store_pruned(st, &b0, &s0), 0, "a store never pruned says so");
  is_int(att_store_prune(st, g_now + 3600, 0, &dropped, &seq), ATT_EINVAL, "a bound in the future is refused");
  ok(strstr(att_errmsg(), "in the future") != NULL, "and says why: %s", att_errmsg());
  is_int(att_store_prune(st, t_mid, 1, &dry, &seq), 0, "a dry run counts");
  ok(dry > 0 && seq == 0 && list_vs_model(st, ATT_TIME_MIN) == 0, "%llu versions would go; nothing changed",
     (unsigned long long)dry);
  /* A prune that fails at any write, sync, rename or allocation of its
   * own changes nothing; then one goes through. */
  {
    int bad = 0, tries = 0;
    att_store_set_author(st, "carol");
    att_store_set_reason(st, "retention: five years");
    for (long k = 1; k < 1000000; k += k < 100 ? 1 : k / 10) {
      int rc;
      att_fault_arm(k, 0, ATT_FAULT_ALL & ~(1u << ATT_FAULT_MMAP), EIO);
      rc = att_store_prune(st, t_mid, 0, &dropped, &seq);
      att_fault_off();
      if (rc == 0) break;
      tries++;
      st = reopen(st);
      att_store_set_author(st, "carol");
      att_store_set_reason(st, "retention: five years");
      if (list_vs_model(st, ATT_TIME_MIN) != 0 || att_store_pruned(st, &b0, &s0) != 0) bad++;
    }
    ok(tries > 5 && bad == 0, "a prune failing at each of its %d first faults changes nothing (%d did)", tries, bad);
  }
  model_prune(st, t_mid, "carol", "retention: five years");
  ok(seq == mc[nmc - 1].seq && dropped == dry, "the prune is change %llu, %llu versions dropped as counted",
     (unsigned long long)seq, (unsigned long long)dropped);
  is_int(att_store_pruned(st, &b0, &s0), 1, "the store says it was pruned");
  ok(b0 == t_mid && s0 == seq, "at the bound, by that change");
  ok(att_store_verify(dir, &(att_store_opts){0}) == 0, "the pruned store verifies (%s)", att_errmsg());
  {
    att_change c;
    is_int(att_store_change(st, seq, &c), 0, "the prune reads as a change");
    ok(c.op == ATT_CHANGE_PRUNE && c.id == 0 && !strcmp(c.author, "carol") && !strcmp(c.reason, "retention: five years"),
       "op prune, no event, its author and reason");
    free(c.author);
    free(c.reason);
    c.seq = 0;
    for (size_t i = 0; i < nmc && mc[i].tx < t_mid; i++) c.seq = mc[i].seq;
    is_int(att_store_change(st, c.seq, &c), ATT_ENOTFOUND, "a change before the bound is gone");
    ok(strstr(att_errmsg(), "older than the history kept") != NULL, "and says so: %s", att_errmsg());
  }
  is_int(att_store_asof(st, t_mid - 1), ATT_ERANGE, "reads before the bound are refused");
  ok(strstr(att_errmsg(), "dropped the history before") != NULL, "and say why: %s", att_errmsg());
  is_int(list_vs_model(st, t_mid), 0, "the change list is the model's from the bound on, and the prune");
  versions_vs_model(st, t_mid, "after the prune");
  asof_round(st, t_mid, g_now + 2, 400, &tal);
  /* a removal before the bound cannot be undone */
  {
    int tried = 0, bad = 0;
    for (int64_t id = 1; id <= max_id; id++) {
      const mchange *l = model_last(id);
      att_event ev;
      if (!l || l->op != ATT_CHANGE_REMOVE || l->tx >= t_mid) continue;
      att_event_init(&ev);
      ev.id = id;
      ev.title = strdup("back");
      tried++;
      if (att_store_restore(st, &ev) != ATT_ENOTFOUND || !strstr(att_errmsg(), "cannot be restored")) bad++;
      att_event_free(&ev);
    }
    ok(tried > 0 && bad == 0, "events removed before the bound cannot be restored (%d tried, %d not refused)", tried, bad);
  }
  /* More changes, compactions, reopenings: the prune stays. */
  for (int n = 0; n < 150; n++) {
    random_write(&st, 1000 + n);
    g_now += rnd(4);
    if (rnd(30) == 0) att_store_compact(st);
  }
  att_store_compact(st);
  st = reopen(st);
  t_end = g_now;
  is_int(list_vs_model(st, t_mid), 0, "after more changes and compactions, the list still starts at the bound");
  versions_vs_model(st, t_mid, "after more changes");
  asof_round(st, t_mid, t_end + 2, 400, &tal);
  is_int(att_store_asof(st, t_mid - 1), ATT_ERANGE, "reads before the bound are still refused");
  /* A second prune: not at or before the first's bound; later, yes. */
  att_store_set_author(st, "dave");
  att_store_set_reason(st, NULL);
  is_int(att_store_prune(st, t_mid, 0, &dropped, &seq), ATT_EINVAL, "a bound not past the last is refused");
  ok(strstr(att_errmsg(), "already pruned") != NULL, "and says why: %s", att_errmsg());
  {
    /* between the two prunes' times, so the first prune is kept */
    att_time t2 = t_mid + (mc[nmc - 1].tx - t_mid) / 4;
    for (size_t i = 0; i < nmc; i++)
      if (mc[i].op == ATT_CHANGE_PRUNE && mc[i].tx < t2) t2 = mc[i].tx;
    g_now += 2;
    is_int(att_store_prune(st, t2, 0, &dropped, &seq), 0, "a second prune, later (%s)", att_errmsg());
    model_prune(st, t2, "dave", "");
    st = reopen(st);
    is_int(list_vs_model(st, t2), 0, "both prunes listed, the changes from the new bound on");
    versions_vs_model(st, t2, "after a second prune");
    asof_round(st, t2, g_now + 2, 300, &tal);
  }
  ok(tal.nq >= 1000 && tal.bad_q == 0 && tal.bad_get == 0 && tal.bad_count == 0,
     "%d as-of reads at or after the bounds agree with the model (%d queries, %d gets, %d counts wrong)",
     tal.nq, tal.bad_q, tal.bad_get, tal.bad_count);
  ok(att_store_verify(dir, &(att_store_opts){0}) == 0, "the store verifies at the end (%s)", att_errmsg());
  return st;
}

int main(void) {
  att_store *st;
  att_time t0;
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
      char *j = NULL;
      size_t len;
      if (m->json) {
        if (att_store_version(st, m->id, m->rev, &j, &len) != 0 || strcmp(j, m->json) != 0) bad_v++;
        free(j);
      }
      bad_s += states_vs_model(st, i);
    }
    ok(bad_v == 0, "every revision of every event reads back as written (%d wrong)", bad_v);
    ok(bad_s == 0, "the states before and after every change (%d wrong)", bad_s);
  }

  /* As-of reads at random times against the replayed model. */
  att_time t_end = g_now;
  asof_tally tal = {0};
  for (int round = 0; round < 2; round++) {
    if (round == 1) {
      /* everything in history segments and one snapshot, then again */
      ok(att_store_compact(st) == 0, "a last compaction (%s)", att_errmsg());
      st = reopen(st);
    }
    asof_round(st, t0 - 2, t_end + 2, 1100, &tal);
  }
  ok(tal.nq >= 2000, "%d as-of queries asked", tal.nq);
  ok(tal.bad_q == 0, "every as-of query agrees with the replayed model (%d disagree)", tal.bad_q);
  ok(tal.bad_get == 0, "every as-of get agrees (%d of %d disagree)", tal.bad_get, tal.nget);
  ok(tal.bad_count == 0, "as-of counts agree (%d disagree)", tal.bad_count);

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
  st = prune_phase(st, t0);
  att_store_close(st);
  for (size_t i = 0; i < nmc; i++) free(mc[i].json);
  free(mc);
  tu_rmrf(dir);
  return done_testing();
}
