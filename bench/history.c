/*
 * The history's benchmark (issue 15), through the C API.
 *
 *   history STORE EVENTS.jsonl QUERIES.tsv [CHANGES_PER_EVENT [EVERY]]
 *
 * Imports the events into a new store, on a clock that moves a second per
 * change, then updates them at random, CHANGES_PER_EVENT (2) times the
 * store's size, in batches, compacting every EVERY (65,536) changes (so
 * the replaced versions go into history segments, merged as they come).
 * Each compaction rewrites the whole snapshot: at 1M events issue 15's
 * 2 and 65,536 take about 8 minutes, so `make bench` gives 1 and 131,072
 * there (bench/run.sh).
 * Then it prints, each on a line of its own:
 *   - the window+actor queries of `gen --queries`, on the present and as
 *     of five past times (10% to 90% of the way through the changes), in
 *     microseconds per query, and the ratio;
 *   - the history's size: bytes of history segments per replaced version,
 *     and the snapshot's bytes per live event;
 *   - compaction with history (4,096 updates, then a compaction that
 *     writes the snapshot and a segment and merges) against compaction of
 *     the same events without history (a fresh import given the same
 *     4,096 updates), medians of 3.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "error.h"
#include "store.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void check(int rc, const char *what) {
  if (rc < 0) {
    fprintf(stderr, "history bench: %s: %s\n", what, att_errmsg());
    exit(1);
  }
}

static att_time g_clock = 1577836800; /* 2020-01-01 */
static att_time tick(void *ud) {
  (void)ud;
  return g_clock++;
}

static unsigned long long rng = 88172645463325252ull;
static uint64_t rnd(uint64_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng % n;
}

typedef struct q {
  char actor[128];
  long long from, to;
} q;

static q *read_queries(const char *path, size_t *nq) {
  FILE *f = fopen(path, "r");
  q *v = NULL;
  size_t n = 0, cap = 0;
  char line[512];
  if (!f) {
    perror(path);
    exit(1);
  }
  while (fgets(line, sizeof line, f)) {
    char *t1 = strchr(line, '\t');
    if (!t1) continue;
    if (n == cap) v = realloc(v, (cap = cap ? 2 * cap : 1024) * sizeof *v);
    *t1 = 0;
    snprintf(v[n].actor, sizeof v[n].actor, "%.120s", line);
    v[n].from = strtoll(t1 + 1, &t1, 10);
    v[n].to = strtoll(t1 + 1, NULL, 10);
    n++;
  }
  fclose(f);
  *nq = n;
  return v;
}

/* Microseconds per query over all of them, and the hits. */
static double run_queries(att_store *st, const q *v, size_t nq, size_t *hits) {
  double t0 = now_s();
  *hits = 0;
  for (size_t i = 0; i < nq; i++) {
    att_query aq;
    const char *actors[1] = {v[i].actor};
    int64_t *ids = NULL;
    size_t n = 0;
    att_query_init(&aq);
    aq.actors = actors;
    aq.nactors = 1;
    aq.from = v[i].from;
    aq.to = v[i].to;
    aq.sort = ATT_SORT_ID;
    check(att_store_query(st, &aq, &ids, &n), "query");
    *hits += n;
    free(ids);
  }
  return (now_s() - t0) * 1e6 / (double)nq;
}

static att_store *open_store(const char *dir, int flags) {
  att_store_opts o = {0};
  att_store *st;
  o.flags = flags;
  o.now = tick;
  check(att_store_open(dir, &o, &st), dir);
  return st;
}

static int64_t import(const char *dir, const char *jsonl) {
  FILE *f = fopen(jsonl, "r");
  char *line = NULL;
  size_t cap = 0;
  int64_t n = 0;
  att_store *st;
  if (!f) {
    perror(jsonl);
    exit(1);
  }
  check(att_store_init(dir), dir);
  st = open_store(dir, ATT_OPEN_WRITE);
  check(att_store_set_author(st, "import"), "author");
  check(att_store_import_begin(st, 1u << 30), "import");
  while (getline(&line, &cap, f) > 0) {
    att_event ev;
    if (att_event_from_json(line, strlen(line), 0, &ev) != 0) continue;
    check(att_store_import_add(st, &ev), "import add");
    att_event_free(&ev);
    n++;
  }
  check(att_store_import_commit(st), "import commit");
  att_store_close(st);
  free(line);
  fclose(f);
  return n;
}

static const char *statuses[] = {"planned", "confirmed", "held", "postponed"};

/* k updates of random events, in batches of up to 8192. */
static void updates(att_store *st, int64_t nev, uint64_t k) {
  uint64_t done = 0;
  while (done < k) {
    uint64_t b = k - done < 8192 ? k - done : 8192;
    check(att_store_begin(st), "begin");
    for (uint64_t i = 0; i < b; i++) {
      att_event ev;
      int64_t id = 1 + (int64_t)rnd((uint64_t)nev);
      if (att_store_get(st, id, &ev) != 0) continue;
      free(ev.status);
      ev.status = strdup(statuses[rnd(4)]);
      check(att_store_update(st, &ev), "update");
      att_event_free(&ev);
    }
    check(att_store_commit(st), "commit");
    done += b;
  }
}

static int cmpd(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Median of 3: 4096 updates, then a timed compaction. */
static double compaction(const char *dir, int64_t nev) {
  double t[3];
  for (int i = 0; i < 3; i++) {
    att_store *st = open_store(dir, ATT_OPEN_WRITE | ATT_OPEN_NO_AUTOCOMPACT);
    updates(st, nev, 4096);
    double t0 = now_s();
    check(att_store_compact(st), "compact");
    t[i] = now_s() - t0;
    att_store_close(st);
  }
  qsort(t, 3, sizeof *t, cmpd);
  return t[1];
}

static uint64_t history_bytes(const char *dir, int *nseg) {
  DIR *d = opendir(dir);
  struct dirent *e;
  uint64_t sum = 0;
  *nseg = 0;
  while (d && (e = readdir(d)) != NULL) {
    char p[4096];
    struct stat sb;
    unsigned long long g;
    char tail;
    if (sscanf(e->d_name, "history.%llu%c", &g, &tail) != 1) continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    if (stat(p, &sb) == 0) sum += (uint64_t)sb.st_size, (*nseg)++;
  }
  if (d) closedir(d);
  return sum;
}

int main(int argc, char **argv) {
  const char *dir, *jsonl, *qpath;
  char bare[4096];
  int per = 2, nseg;
  uint64_t every = 65536;
  int64_t nev;
  size_t nq, hits;
  q *qs;
  if (argc < 4) {
    fprintf(stderr, "usage: history STORE EVENTS.jsonl QUERIES.tsv [CHANGES_PER_EVENT [EVERY]]\n");
    return 2;
  }
  if (strcmp(argv[1], "query") == 0) {
    /* history query STORE QUERIES: the queries alone, on a store made
     * before (for a profiler) */
    att_change_filter f;
    att_change *c;
    size_t n;
    att_time a, z;
    att_store *st = open_store(argv[2], ATT_OPEN_READ);
    qs = read_queries(argv[3], &nq);
    att_change_filter_init(&f);
    f.limit = 1;
    f.oldest_first = 1;
    check(att_store_changes(st, &f, &c, &n), "changes");
    a = n ? c[0].tx : 0;
    att_changes_free(c, n);
    f.oldest_first = 0;
    check(att_store_changes(st, &f, &c, &n), "changes");
    z = n ? c[0].tx : 0;
    att_changes_free(c, n);
    double present = run_queries(st, qs, nq, &hits), asof = 0;
    for (int m = 0; m < 5; m++) {
      size_t h2;
      check(att_store_asof(st, a + (z - a) * (2 * m + 1) / 10), "as of");
      double one = run_queries(st, qs, nq, &h2);
      printf("  as of %d0%%: %.1f us/query, %zu hits\n", 2 * m + 1, one, h2);
      asof += one / 5;
    }
    printf("present %.1f us/query, as of %.1f us/query, ratio %.2f\n", present, asof, asof / present);
    att_store_close(st);
    free(qs);
    return 0;
  }
  dir = argv[1];
  jsonl = argv[2];
  qpath = argv[3];
  if (argc > 4) per = atoi(argv[4]);
  if (argc > 5) every = strtoull(argv[5], NULL, 10);
  if (per < 1 || every < 1) {
    fprintf(stderr, "history: CHANGES_PER_EVENT and EVERY are whole numbers of at least 1\n");
    return 2;
  }
  qs = read_queries(qpath, &nq);
  if (nq > 2000) nq = 2000;

  /* The peer for compaction: the same events, no history. */
  snprintf(bare, sizeof bare, "%s.bare", dir);
  nev = import(bare, jsonl);
  double c_bare = compaction(bare, nev);

  import(dir, jsonl);
  att_time start = g_clock, marks[5];
  uint64_t total = (uint64_t)nev * (uint64_t)per, done = 0;
  double t0 = now_s();
  {
    att_store *st = open_store(dir, ATT_OPEN_WRITE | ATT_OPEN_NO_AUTOCOMPACT);
    check(att_store_set_author(st, "bench"), "author");
    int m = 0;
    while (done < total) {
      uint64_t b = total - done < every ? total - done : every;
      updates(st, nev, b);
      done += b;
      check(att_store_compact(st), "compact");
      while (m < 5 && done * 10 >= total * (uint64_t)(2 * m + 1)) marks[m++] = g_clock;
    }
    while (m < 5) marks[m++] = g_clock;
    att_store_close(st);
  }
  double t_changes = now_s() - t0;
  uint64_t hbytes = history_bytes(dir, &nseg);
  struct stat sb;
  char sp[4200];
  snprintf(sp, sizeof sp, "%s/snapshot", dir);
  stat(sp, &sb);
  printf("history: %lld events, %llu updates (plus %lld adds) in %.1f s; %d segments, %llu bytes "
         "(%.0f bytes per replaced version); snapshot %.0f bytes per live event\n",
         (long long)nev, (unsigned long long)total, (long long)nev, t_changes, nseg,
         (unsigned long long)hbytes, (double)hbytes / (double)total, (double)sb.st_size / (double)nev);

  {
    att_store *st = open_store(dir, ATT_OPEN_READ);
    double present, asof = 0;
    size_t h2;
    run_queries(st, qs, nq < 100 ? nq : 100, &hits); /* warm the cache */
    present = run_queries(st, qs, nq, &hits);
    for (int m = 0; m < 5; m++) {
      check(att_store_asof(st, marks[m]), "as of");
      run_queries(st, qs, nq < 100 ? nq : 100, &h2);
      asof += run_queries(st, qs, nq, &h2) / 5;
    }
    check(att_store_asof(st, ATT_TIME_MAX), "present");
    printf("queries: %zu window+actor queries: present %.1f us/query (%zu hits), as of 5 past "
           "times %.1f us/query; ratio %.2f\n",
           nq, present, hits, asof, asof / present);
    att_store_close(st);
  }
  double c_hist = compaction(dir, nev);
  printf("compaction: with history %.3f s, without %.3f s (medians of 3); ratio %.2f\n", c_hist, c_bare,
         c_hist / c_bare);
  (void)start;
  free(qs);
  return 0;
}
