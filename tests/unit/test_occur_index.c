/*
 * The candidates of an expanded listing (att_occur_candidates) come from
 * the window and from the snapshot's postings of recurring events
 * (format 4), not from every event that starts before the window's end.
 * A property over a generated store: for random windows and filters, the
 * occurrences att_store_occurrences gives are those of the old way (every
 * event from the start of time a candidate, each read to see whether it
 * recurs, where the listing asks the postings), line for line, in order:
 * with every event in the journal, after a compaction (a format-4
 * snapshot), with changes on top of it that give and take away recur
 * rules and remove events, and after a compaction written in format 3
 * (no postings of recurring events: the old way, read from the snapshot).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "event.h"
#include "occur.h"
#include "store.h"
#include "store_int.h"
#include "vocab.h" /* white-box: the postings of recurring events */
#include "tap.h"
#include "testutil.h"

#define NEV 700
#define NWIN 60

extern int att__test_snap_version;
extern int att__test_occur_read_all;

static unsigned long long rng = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

static const char *const actors[] = {"KHM", "JPN", "USA", "FRA"};
static const char *const kinds[] = {"meeting", "visit", "anniversary", "talks"};
static const char *const rules[] = {"FREQ=WEEKLY", "FREQ=MONTHLY;COUNT=6", "FREQ=YEARLY",
                                    "FREQ=DAILY;COUNT=20", "FREQ=WEEKLY;UNTIL=20230630T000000Z"};

static void event_json(int i, char *buf, size_t cap) {
  int y = 2015 + (int)rnd(12), m = 1 + (int)rnd(12), d = 1 + (int)rnd(28);
  char when[64], recur[96] = "";
  switch (rnd(4)) {
  case 0: snprintf(when, sizeof when, "%04d-%02d", y, m); break;
  case 1: snprintf(when, sizeof when, "%04d-%02d-%02d/%04d-%02d-%02d", y, m, d, y + (int)rnd(2), m, d); break;
  default: snprintf(when, sizeof when, "%04d-%02d-%02d", y, m, d);
  }
  if (rnd(5) == 0) snprintf(recur, sizeof recur, ",\"recur\":\"%s\"", rules[rnd(5)]);
  if (recur[0]) snprintf(when, sizeof when, "%04d-%02d-%02d", y, m, d);
  snprintf(buf, cap, "{\"title\":\"Event %d\",\"when\":\"%s\",\"kind\":\"%s\",\"actors\":[\"%s\"]%s}", i, when,
           kinds[rnd(4)], actors[rnd(4)], recur);
}

/* The old way: every event that starts by the end is a candidate, and
 * each is read to see whether it recurs (not told by the postings). */
static int old_way(att_store *st, const att_query *q, att_occ **out, size_t *n) {
  att_query all = *q;
  int64_t *ids = NULL;
  size_t nids = 0;
  int rc;
  all.from = ATT_TIME_MIN;
  all.limit = 0;
  all.recurring = 0;
  att__test_occur_read_all = 1;
  if ((rc = att_store_query(st, &all, &ids, &nids)) == 0) rc = att_occur_list(st, ids, NULL, nids, q, out, n);
  att__test_occur_read_all = 0;
  free(ids);
  return rc;
}

/* NWIN windows, some with a filter: 0 when every one agrees. */
static int compare(att_store *st, const char *phase, size_t *lines) {
  int bad = 0;
  *lines = 0;
  for (int w = 0; w < NWIN; w++) {
    att_query q;
    att_occ *a = NULL, *b = NULL;
    size_t na = 0, nb = 0;
    const char *actor[1];
    int y = 2015 + (int)rnd(13);
    att_query_init(&q);
    q.from = (att_time)((int64_t)(y - 1970) * 31556952) + (att_time)rnd(300) * 86400;
    q.to = q.from + (att_time)(1 + rnd(w % 3 == 0 ? 400 : 40)) * 86400;
    if (w % 4 == 1) actor[0] = actors[rnd(4)], q.actors = actor, q.nactors = 1;
    if (w % 4 == 2) q.kind = kinds[rnd(4)];
    if (w % 5 == 3) q.limit = 1 + rnd(10);
    if (att_store_occurrences(st, &q, &a, &na) != 0 || old_way(st, &q, &b, &nb) != 0) {
      printf("# %s, window %d: %s\n", phase, w, att_errmsg());
      bad++;
    } else if (na != (q.limit && q.limit < nb ? q.limit : nb) ||
               (na && memcmp(a, b, na * sizeof *a) != 0)) {
      printf("# %s, window %d: %zu lines, the old way %zu\n", phase, w, na, nb);
      bad++;
    } else {
      /* Unordered (a count): as many lines. */
      att_occ *c = NULL;
      size_t nc = 0;
      att_query u = q;
      u.unordered = 1;
      u.sort = ATT_SORT_ID;
      if (att_store_occurrences(st, &u, &c, &nc) != 0 || nc != na) {
        printf("# %s, window %d: %zu lines unordered, %zu in order\n", phase, w, nc, na);
        bad++;
      }
      free(c);
    }
    {
      /* Counted without the lines (at.count): as many, whatever of an
       * event the window asks for. */
      att_occ *c = NULL;
      size_t nc = 0, cnt = 0;
      att_query u = q;
      u.within = w % 6 == 4 ? ATT_WITHIN_START : w % 6 == 5 ? ATT_WITHIN_END : ATT_WITHIN_OVERLAP;
      if (att_store_occurrences(st, &u, &c, &nc) != 0 || att_occur_count(st, &u, &cnt) != 0 ||
          cnt != nc) {
        printf("# %s, window %d: counted %zu, %zu lines (%s)\n", phase, w, cnt, nc, att_errmsg());
        bad++;
      }
      free(c);
    }
    if (getenv("OCC_DEBUG")) printf("# %s %d: %zu %zu from %lld to %lld\n", phase, w, na, nb, (long long)q.from, (long long)q.to);
    *lines += na;
    free(a);
    free(b);
  }
  return bad;
}

int main(void) {
  char tmpl[] = "/tmp/att-occidx.XXXXXX", dir[64], json[512];
  const char *root = mkdtemp(tmpl);
  att_store *st;
  int64_t ids[NEV];
  size_t lines = 0, nrec = 0;
  int bad;
  if (!root) return printf("Bail out! no scratch directory\n"), 1;
  snprintf(dir, sizeof dir, "%s/s", root);
  if (att_store_init(dir) != 0 || (st = tu_open_write(dir)) == NULL) {
    printf("Bail out! %s\n", att_errmsg());
    return 1;
  }
  {
    int failed = 0;
    for (int i = 0; i < NEV; i++) {
      event_json(i, json, sizeof json);
      nrec += strstr(json, "recur") != NULL;
      if ((ids[i] = tu_add(st, json)) <= 0 && failed++ == 0) printf("# %s: %s\n", json, att_errmsg());
    }
    ok(failed == 0, "%d events, %zu of them recurring (%d refused)", NEV, nrec, failed);
  }

  bad = compare(st, "journal", &lines);
  is_int(bad, 0, "every event in the journal: %d windows agree (%zu lines)", NWIN,
         lines);

  ok(att_store_compact(st) == 0, "compacted: %s", att_errmsg());
  {
    uint64_t first = 0;
    uint32_t n = 0;
    att__snap_postings(&st->snap, ATT__F_STATUS, ATT__RECUR_MARK, &first, &n);
    ok(st->snap.h.version >= 4 && n == nrec, "a format-4 (or later) snapshot posts the %zu recurring events (%u)", nrec,
       n);
  }
  bad = compare(st, "snapshot", &lines);
  is_int(bad, 0, "from the snapshot: %d windows agree (%zu lines)", NWIN, lines);

  /* Changes on top: recur rules given and taken away, events removed. */
  {
    int changed = 0;
    for (int i = 0; i < NEV; i += 7) {
      char when[32];
      att_event ev;
      if (att_store_get(st, ids[i], &ev) != 0) continue;
      if (i % 3 == 0) {
        att_event_free(&ev);
        changed += att_store_remove(st, ids[i]) == 0;
        continue;
      }
      if (ev.recur) {
        free(ev.recur);
        ev.recur = NULL;
      } else {
        snprintf(when, sizeof when, "2019-0%d-15", 1 + i % 9);
        free(ev.when);
        ev.when = strdup(when);
        ev.recur = strdup("FREQ=MONTHLY");
      }
      changed += att_store_update(st, &ev) == 0;
      att_event_free(&ev);
    }
    ok(changed > 60, "%d changes on top of the snapshot: %s", changed, att_errmsg());
  }
  bad = compare(st, "snapshot and journal", &lines);
  is_int(bad, 0,
         "the snapshot with changes in the journal: %d windows agree (%zu lines)", NWIN, lines);

  /* Format 3: no postings of recurring events; read the old way. */
  att__test_snap_version = 3;
  ok(att_store_compact(st) == 0, "compacted in format 3: %s", att_errmsg());
  att__test_snap_version = 0;
  ok(st->snap.h.version == 3, "the snapshot is format 3");
  bad = compare(st, "format 3", &lines);
  is_int(bad, 0, "from a format-3 snapshot: %d windows agree (%zu lines)", NWIN,
         lines);
  {
    /* The mark is no status of the store's vocabulary. */
    ok(att_store_compact(st) == 0 && att_store_holds(st, ATT_VOCAB_STATUS, "held") >= 0,
       "compacted in format 4 again");
  }
  att_store_close(st);
  tu_rmrf(root);
  return done_testing();
}
