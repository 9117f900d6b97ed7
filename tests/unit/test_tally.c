/*
 * Group counts (core/tally.h) against a plain count: for random queries
 * and every one and every pair of dimensions, att_store_tally's rows are
 * those of counting each matching event's values one by one, from the
 * event read back and its date's year and month worked out here.  Over a
 * generated store with every event in the journal, after a compaction
 * (the postings count), with changes on top (the journal's values and
 * values no snapshot has), as of a past time, and from the events parsed
 * (att__test_tally_parse).  Events without a kind, without actors, with a
 * date open at its start, and values given twice are among them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "error.h"
#include "event.h"
#include "store.h"
#include "store_int.h"
#include "tally.h"
#include "tap.h"
#include "testutil.h"

extern int att__test_tally_parse;

#define NEV 900
/* Queries per check: a quarter under valgrind (tu_light). */
static int nq = 40;
#define NQ nq

static unsigned long long rng = 0x2545F4914F6CDD1Dull;
static unsigned rnd(unsigned n) { return tu_rnd(&rng, n); }

static const char *const actors[] = {"KHM", "JPN", "USA", "FRA", "Thailand"};
static const char *const kinds[] = {"meeting", "visit", "talks"};
static const char *const tags[] = {"economy", "defence", "health"};

static void event_json(int i, const char *extra, char *buf, size_t cap) {
  int y = 1998 + (int)rnd(30), m = 1 + (int)rnd(12), d = 1 + (int)rnd(28);
  char when[64], act[96] = "", kind[48] = "", tag[64] = "", status[40] = "";
  switch (rnd(6)) {
  case 0: snprintf(when, sizeof when, "%04d", y); break;
  case 1: snprintf(when, sizeof when, "%04d-%02d/%04d-%02d", y, m, y + 1, m); break;
  case 2: snprintf(when, sizeof when, "../%04d-%02d", y, m); break; /* open start */
  default: snprintf(when, sizeof when, "%04d-%02d-%02d", y, m, d);
  }
  if (rnd(6)) {
    unsigned a = rnd(5), b = rnd(5);
    if (a == b || rnd(2)) snprintf(act, sizeof act, ",\"actors\":[\"%s\"]", actors[a]);
    else snprintf(act, sizeof act, ",\"actors\":[\"%s\",\"%s\"]", actors[a], actors[b]);
  }
  if (rnd(5)) snprintf(kind, sizeof kind, ",\"kind\":\"%s\"", extra ? extra : kinds[rnd(3)]);
  if (rnd(3) == 0) snprintf(tag, sizeof tag, ",\"tags\":[\"%s\"]", tags[rnd(3)]);
  if (rnd(2)) snprintf(status, sizeof status, ",\"status\":\"%s\"", rnd(3) ? "held" : "planned");
  snprintf(buf, cap, "{\"title\":\"Event %d\",\"when\":\"%s\"%s%s%s%s}", i, when, act, kind, tag, status);
}

/* ---- the plain count ----------------------------------------------------- */

typedef struct prow {
  char k[2][40];
  uint64_t n;
} prow;

typedef struct plain {
  prow *v;
  size_t n, cap;
} plain;

static void plain_add(plain *p, const char *k0, const char *k1) {
  for (size_t i = 0; i < p->n; i++)
    if (!strcmp(p->v[i].k[0], k0) && !strcmp(p->v[i].k[1], k1 ? k1 : "")) {
      p->v[i].n++;
      return;
    }
  if (p->n == p->cap) p->v = realloc(p->v, (p->cap = p->cap ? p->cap * 2 : 64) * sizeof *p->v);
  snprintf(p->v[p->n].k[0], sizeof p->v[p->n].k[0], "%s", k0);
  snprintf(p->v[p->n].k[1], sizeof p->v[p->n].k[1], "%s", k1 ? k1 : "");
  p->v[p->n++].n = 1;
}

/* The values of ev under b, as text, in vals (at most 8). */
static size_t values(const att_event *ev, att_by b, char vals[8][40]) {
  size_t n = 0;
  const att_strv *v = b == ATT_BY_ACTOR ? &ev->actors : b == ATT_BY_TAG ? &ev->tags : NULL;
  if (v)
    for (size_t i = 0; i < v->n && n < 8; i++) snprintf(vals[n++], 40, "%s", v->v[i]);
  if (b == ATT_BY_KIND && ev->kind) snprintf(vals[n++], 40, "%s", ev->kind);
  if (b == ATT_BY_STATUS && ev->status) snprintf(vals[n++], 40, "%s", ev->status);
  if ((b == ATT_BY_YEAR || b == ATT_BY_MONTH) && ev->bounds.earliest != ATT_TIME_MIN) {
    int64_t days = ev->bounds.earliest / 86400, y;
    int m, d;
    if (ev->bounds.earliest % 86400 < 0) days--;
    att_civil_from_days(days, &y, &m, &d);
    if (b == ATT_BY_YEAR) snprintf(vals[n++], 40, "%04lld", (long long)y);
    else snprintf(vals[n++], 40, "%04lld-%02d", (long long)y, m);
  }
  return n;
}

static int prow_cmp(const void *a, const void *b) {
  const prow *x = a, *y = b;
  int c = strcmp(x->k[0], y->k[0]);
  return c ? c : strcmp(x->k[1], y->k[1]);
}

/* 0 when att_store_tally agrees with the plain count for q and by. */
static int check(att_store *st, const att_query *q, const att_by *by, size_t nby, const char *phase) {
  att_query all = *q;
  int64_t *ids = NULL;
  size_t n = 0;
  plain p = {0};
  att_tally t;
  int bad = 0;
  all.sort = ATT_SORT_ID;
  all.limit = 0; /* (a tally takes no limit) */
  if (att_store_query(st, &all, &ids, &n) != 0) return printf("# %s: query: %s\n", phase, att_errmsg()), 1;
  for (size_t i = 0; i < n; i++) {
    att_event ev;
    char a[8][40], b[8][40];
    size_t na, nb;
    if (att_store_get(st, ids[i], &ev) != 0) return printf("# get %lld: %s\n", (long long)ids[i], att_errmsg()), 1;
    na = values(&ev, by[0], a);
    nb = nby == 2 ? values(&ev, by[1], b) : 1;
    for (size_t x = 0; x < na; x++)
      for (size_t y = 0; y < nb; y++) plain_add(&p, a[x], nby == 2 ? b[y] : NULL);
    att_event_free(&ev);
  }
  free(ids);
  if (p.n) qsort(p.v, p.n, sizeof *p.v, prow_cmp);
  if (att_store_tally(st, q, by, nby, &t) != 0) {
    printf("# %s: tally: %s\n", phase, att_errmsg());
    free(p.v);
    return 1;
  }
  if (t.n != p.n) bad = 1;
  for (size_t i = 0; !bad && i < t.n; i++)
    if (strcmp(t.rows[i].key[0], p.v[i].k[0]) || strcmp(nby == 2 ? t.rows[i].key[1] : "", p.v[i].k[1]) ||
        t.rows[i].n != p.v[i].n || (nby == 1 && t.rows[i].key[1]))
      bad = 1;
  if (bad)
    printf("# %s, by %s%s%s: %zu rows, the plain count %zu (first: %s %s %llu)\n", phase, att_by_names[by[0]],
           nby == 2 ? " and " : "", nby == 2 ? att_by_names[by[1]] : "", t.n, p.n, p.n ? p.v[0].k[0] : "",
           p.n ? p.v[0].k[1] : "", p.n ? (unsigned long long)p.v[0].n : 0ull);
  att_tally_free(&t);
  free(p.v);
  return bad;
}

/* Random queries, each by every dimension and a random pair: the number
 * that disagree. */
static int compare(att_store *st, const char *phase, size_t *rows) {
  int bad = 0;
  *rows = 0;
  for (int k = 0; k < NQ; k++) {
    att_query q;
    const char *a[1], *tg[1];
    att_by pair[2];
    att_query_init(&q);
    if (k % 3 == 1) {
      q.from = (att_time)((int64_t)(2000 + rnd(25) - 1970) * 31556952);
      q.to = q.from + (att_time)(1 + rnd(2000)) * 86400;
    }
    if (k % 4 == 2) a[0] = actors[rnd(5)], q.actors = a, q.nactors = 1;
    if (k % 5 == 3) q.kind = kinds[rnd(3)];
    if (k % 7 == 4) tg[0] = tags[rnd(3)], q.tags = tg, q.ntags = 1;
    if (k % 9 == 5) q.limit = 3; /* not used by a tally */
    for (int b = 0; b < ATT_BY_N; b++) {
      att_by one = (att_by)b;
      bad += check(st, &q, &one, 1, phase);
    }
    pair[0] = (att_by)rnd(ATT_BY_N);
    do pair[1] = (att_by)rnd(ATT_BY_N);
    while (pair[1] == pair[0]);
    bad += check(st, &q, pair, 2, phase);
    {
      att_tally t;
      if (att_store_tally(st, &q, pair, 2, &t) == 0) *rows += t.n;
      att_tally_free(&t);
    }
  }
  return bad;
}

int main(void) {
  char tmpl[] = "/tmp/att-tally.XXXXXX", dir[64], json[512];
  const char *root = mkdtemp(tmpl);
  att_store *st;
  size_t rows = 0;
  int64_t ids[NEV];
  att_time mid = 0;
  int bad;
  if (!root) return printf("Bail out! no scratch directory\n"), 1;
  if (tu_light()) nq = 10;
  snprintf(dir, sizeof dir, "%s/s", root);
  if (att_store_init(dir) != 0 || (st = tu_open_write(dir)) == NULL) return printf("Bail out! %s\n", att_errmsg()), 1;
  for (int i = 0; i < NEV; i++) {
    event_json(i, NULL, json, sizeof json);
    if ((ids[i] = tu_add(st, json)) <= 0) return printf("Bail out! %s: %s\n", json, att_errmsg()), 1;
  }
  bad = compare(st, "journal", &rows);
  is_int(bad, 0, "every event in the journal: %d queries agree (%zu rows by pairs)", NQ, rows);

  ok(att_store_compact(st) == 0, "compacted: %s", att_errmsg());
  bad = compare(st, "snapshot", &rows);
  is_int(bad, 0, "from the snapshot's postings: %d queries agree (%zu rows)", NQ, rows);
  att__test_tally_parse = 1;
  bad = compare(st, "parsed", &rows);
  is_int(bad, 0, "from the events parsed: %d queries agree (%zu rows)", NQ, rows);
  att__test_tally_parse = 0;

  mid = (att_time)time(NULL); /* (changes in this second are in it too) */
  {
    int changed = 0;
    for (int i = 0; i < NEV; i += 5) {
      if (i % 3 == 0) {
        changed += att_store_remove(st, ids[i]) == 0;
        continue;
      }
      /* a kind no snapshot has, and new values for the others */
      event_json(i, i % 2 ? "press-conference" : NULL, json, sizeof json);
      {
        att_event ev;
        if (att_event_from_json(json, strlen(json), 0, &ev) != 0) continue;
        ev.id = ids[i];
        changed += att_store_update(st, &ev) == 0;
        att_event_free(&ev);
      }
    }
    for (int i = 0; i < 50; i++) {
      event_json(NEV + i, NULL, json, sizeof json);
      changed += tu_add(st, json) > 0;
    }
    ok(changed > 150, "%d changes on top of the snapshot: %s", changed, att_errmsg());
  }
  bad = compare(st, "snapshot and journal", &rows);
  is_int(bad, 0, "the snapshot with changes in the journal: %d queries agree (%zu rows)",
         NQ, rows);
  ok(att_store_asof(st, mid) == 0, "read as of before the changes: %s", att_errmsg());
  bad = compare(st, "as of", &rows);
  is_int(bad, 0, "as of a past time: %d queries agree (%zu rows)", NQ, rows);
  att_store_asof(st, ATT_TIME_MAX);
  {
    att_by b[2] = {ATT_BY_KIND, ATT_BY_KIND};
    att_tally t;
    att_query q;
    att_query_init(&q);
    ok(att_store_tally(st, &q, b, 2, &t) == ATT_EINVAL && t.n == 0,
       "by the same thing twice: refused (%s)", att_errmsg());
  }
  att_store_close(st);
  tu_rmrf(root);
  return done_testing();
}
