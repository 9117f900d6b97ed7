/*
 * attache through its C API, for the benchmarks.
 *
 *   peer_attache query STORE QUERIES   the window+actor queries of
 *                                      `gen --queries` (att_store_query)
 *   peer_attache rss STORE QUERIES     RSS after open, after the first
 *                                      query, and with every event read
 *   peer_attache adds STORE K          a compaction (which empties the
 *                                      journal), K durable single adds
 *                                      (each its own sync), then 4080 - K
 *                                      adds in one batch; fdatasync alone
 *                                      for comparison
 *
 * Times are wall clock (CLOCK_MONOTONIC) around the calls only: parsing the
 * query file or building the events is outside.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "store.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long rss_kb(const char *field) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long v = -1;
  size_t n = strlen(field);
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, field, n)) v = atol(line + n + 1);
  if (f) fclose(f);
  return v;
}

static void check(int rc, const char *what) {
  if (rc < 0) {
    fprintf(stderr, "peer_attache: %s: %s\n", what, att_errmsg());
    exit(1);
  }
}

typedef struct q {
  char actor[128];
  long long from, to;
} q;

static q *read_queries(const char *path, size_t *nq) {
  FILE *f = fopen(path, "r");
  if (!f) { perror(path); exit(1); }
  q *v = NULL;
  size_t n = 0, cap = 0;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    if (n == cap) v = realloc(v, (cap = cap ? 2 * cap : 1024) * sizeof *v);
    char *t1 = strchr(line, '\t');
    if (!t1) continue;
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

static size_t run_query(att_store *st, const q *x) {
  att_query aq;
  att_query_init(&aq);
  const char *actors[1] = {x->actor};
  aq.actors = actors;
  aq.nactors = 1;
  aq.from = x->from;
  aq.to = x->to;
  aq.sort = ATT_SORT_ID; /* SQLite returns them in no promised order */
  int64_t *ids = NULL;
  size_t n = 0;
  check(att_store_query(st, &aq, &ids, &n), "query");
  free(ids);
  return n;
}

static int query(const char *dir, const char *qpath, int rss) {
  size_t nq;
  q *v = read_queries(qpath, &nq);
  att_store_opts o = {0};
  o.flags = ATT_OPEN_READ;
  att_store *st;
  double t0 = now_s();
  check(att_store_open(dir, &o, &st), dir);
  double t1 = now_s();
  if (rss) {
    long r_open = rss_kb("VmRSS:");
    size_t h = run_query(st, &v[0]);
    double t2 = now_s();
    long r_q = rss_kb("VmRSS:");
    /* every event read once: the whole store resident */
    att_query all;
    att_query_init(&all);
    all.sort = ATT_SORT_ID;
    int64_t *ids;
    size_t n;
    check(att_store_query(st, &all, &ids, &n), "query all");
    uint64_t text = 0, sum = 0;
    for (size_t i = 0; i < n; i++) {
      const char *j;
      size_t len;
      check(att_store_json(st, ids[i], &j, &len), "json");
      text += len;
      sum += (unsigned char)j[len / 2];
    }
    free(ids);
    long r_all = rss_kb("VmRSS:");
    printf("open %.6f s, RSS %ld KB; first query %ld hits, %.6f s, RSS %ld KB; "
           "all %zu events read: RSS %ld KB, text %llu bytes, %.0f bytes/event beyond the text (%u)\n",
           t1 - t0, r_open, (long)h, t2 - t1, r_q, n, r_all, (unsigned long long)text,
           n ? ((double)r_all * 1024 - (double)text) / n : 0, (unsigned)(sum & 1));
    att_store_close(st);
    return 0;
  }
  size_t hits = 0;
  for (size_t i = 0; i < nq; i++) hits += run_query(st, &v[i]);
  double t2 = now_s();
  printf("%zu queries, %zu hits, %.3f s (%.1f us/query, %.0f queries/s); open %.3f s; peak RSS %ld KB\n",
         nq, hits, t2 - t1, (t2 - t1) / nq * 1e6, nq / (t2 - t1), t1 - t0, rss_kb("VmHWM:"));
  att_store_close(st);
  free(v);
  return 0;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static const char EV[] =
    "{\"title\":\"Japan and Cambodia hold talks on demining\",\"kind\":\"talks\","
    "\"status\":\"planned\",\"when\":\"2026-03~\",\"actors\":[\"Japan\",\"Cambodia\"],"
    "\"tags\":[\"demining\"],\"notes\":\"Added by the benchmark.\"}";

static int adds(const char *dir, int k) {
  att_store_opts o = {0};
  o.flags = ATT_OPEN_WRITE;
  att_store *st;
  check(att_store_open(dir, &o, &st), dir);
  double *lat = malloc(k * sizeof *lat);

  /* The compaction first: it also empties the journal, so that the adds
   * below stay under its threshold and no commit compacts. */
  double t = now_s();
  check(att_store_compact(st), "compact");
  double tc = now_s() - t;
  long rss_c = rss_kb("VmHWM:");
  unsigned long long nc = (unsigned long long)att_store_count(st);

  /* fdatasync alone: 100 bytes appended and synced, in the store's directory */
  char path[4096];
  snprintf(path, sizeof path, "%s/bench.sync", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) { perror(path); return 1; }
  char buf[100];
  memset(buf, 'x', sizeof buf);
  for (int i = 0; i < k; i++) {
    double t = now_s();
    if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf || fdatasync(fd) != 0) { perror("sync"); return 1; }
    lat[i] = now_s() - t;
  }
  close(fd);
  unlink(path);
  qsort(lat, k, sizeof *lat, cmp_d);
  double sync_med = lat[k / 2];

  for (int i = 0; i < k; i++) {
    att_event ev;
    check(att_event_from_json(EV, sizeof EV - 1, 0, &ev), "event");
    double t = now_s();
    check(att_store_add(st, &ev), "add");
    lat[i] = now_s() - t;
    att_event_free(&ev);
  }
  qsort(lat, k, sizeof *lat, cmp_d);
  printf("single durable add: median %.0f us, p90 %.0f us (fdatasync alone: median %.0f us) over %d adds\n",
         lat[k / 2] * 1e6, lat[k * 9 / 10] * 1e6, sync_med * 1e6, k);

  /* many adds sharing one sync (kept under the journal's compaction
   * threshold of 4096 records with the single adds, so the commit does not
   * compact) */
  int nb = 4096 - k - 16;
  att_event *evs = calloc(nb, sizeof *evs);
  for (int i = 0; i < nb; i++)
    check(att_event_from_json(EV, sizeof EV - 1, 0, &evs[i]), "event");
  t = now_s();
  check(att_store_begin(st), "begin");
  for (int i = 0; i < nb; i++) check(att_store_add(st, &evs[i]), "add");
  check(att_store_commit(st), "commit");
  double tb = now_s() - t;
  for (int i = 0; i < nb; i++) att_event_free(&evs[i]);
  free(evs);
  printf("batch: %d adds in one commit: %.3f s = %.0f adds/s\n", nb, tb, nb / tb);

  printf("compaction of %llu events: %.3f s; peak RSS %ld KB\n", nc, tc, rss_c);
  att_store_close(st);
  free(lat);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && !strcmp(argv[1], "query")) return query(argv[2], argv[3], 0);
  if (argc == 4 && !strcmp(argv[1], "rss")) return query(argv[2], argv[3], 1);
  if (argc == 4 && !strcmp(argv[1], "adds")) return adds(argv[2], atoi(argv[3]));
  fprintf(stderr, "usage: peer_attache query STORE QUERIES | rss STORE QUERIES | adds STORE K\n");
  return 2;
}
