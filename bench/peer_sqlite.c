/*
 * The SQLite peer of the benchmarks (C API).
 *
 *   peer_sqlite import DB EVENTS.jsonl   load the events: one transaction,
 *                                        prepared statements, each line
 *                                        parsed with cJSON; indexes on
 *                                        start, end and actor
 *   peer_sqlite query DB QUERIES [SECS]  the window+actor queries of
 *                                        `gen --queries` (stopping after
 *                                        SECS seconds)
 *   peer_sqlite rss DB QUERIES           open and answer the first query;
 *                                        print the peak RSS
 *   peer_sqlite rtree DB                 add the R*Tree (below) to a loaded DB
 *   peer_sqlite rquery DB QUERIES [SECS] the same queries through it
 *
 * Schema: ev(id INTEGER PRIMARY KEY, key UNIQUE, title, kind, status, edtf,
 * start, end, json) with start/end the event's earliest and latest second
 * (computed with the core's EDTF parser, so both sides agree on what a
 * fuzzy date covers; open ends are the 64-bit extremes), and actor(actor,
 * ev).  The json column keeps the whole line, as attache keeps the stored
 * JSON.  Indexes are built after the rows, inside the same transaction.
 * A window+actor query is
 *   SELECT ev.id FROM actor JOIN ev ON ev.id = actor.ev
 *   WHERE actor.actor = ? AND ev.start <= ? AND ev.end >= ?
 * and SQLite picks the plan (it uses the actor index and checks the dates
 * on each of the actor's rows, or the start index, whichever it estimates
 * cheaper; ANALYZE is run after the load so it can estimate).
 *
 * The R*Tree peer (issue 17) is how a user who knows SQLite answers the
 * same question: a two-dimensional rtree_i32(rid, a0, a1, s0, s1, +ev),
 * one row per (event, actor), the actor as an integer code (acode) in the
 * first dimension and the event's seconds in the second, clamped to 32
 * bits (an open end or a date past 2038 stays past every window the
 * benchmark asks about, so the answers are the same), queried with
 *   SELECT ev FROM rt WHERE a0 <= ?1 AND a1 >= ?1 AND s0 <= ?3 AND s1 >= ?2
 * after the actor's code is looked up (per query, in the timing).
 */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"

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

static void die(sqlite3 *db, const char *what) {
  fprintf(stderr, "peer_sqlite: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
  exit(1);
}

static void exec(sqlite3 *db, const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
    fprintf(stderr, "peer_sqlite: %s: %s\n", sql, err);
    exit(1);
  }
}

static const char *str(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v) {
  if (v) sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
  else sqlite3_bind_null(s, i);
}

static int import(const char *dbpath, const char *file) {
  double t0 = now_s();
  remove(dbpath);
  sqlite3 *db;
  if (sqlite3_open(dbpath, &db) != SQLITE_OK) die(db, dbpath);
  exec(db, "PRAGMA journal_mode=WAL");
  exec(db, "CREATE TABLE ev(id INTEGER PRIMARY KEY, key TEXT UNIQUE, title TEXT,"
           " kind TEXT, status TEXT, edtf TEXT, start INTEGER, end INTEGER, json TEXT)");
  exec(db, "CREATE TABLE actor(actor TEXT, ev INTEGER)");
  exec(db, "BEGIN");
  sqlite3_stmt *ins, *ina;
  if (sqlite3_prepare_v2(db, "INSERT INTO ev(key, title, kind, status, edtf, start, end, json)"
                             " VALUES(?,?,?,?,?,?,?,?)", -1, &ins, NULL) != SQLITE_OK)
    die(db, "prepare");
  if (sqlite3_prepare_v2(db, "INSERT INTO actor(actor, ev) VALUES(?,?)", -1, &ina, NULL) != SQLITE_OK)
    die(db, "prepare");
  FILE *f = fopen(file, "r");
  if (!f) { perror(file); return 1; }
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  long n = 0;
  while ((len = getline(&line, &cap, f)) > 0) {
    if (line[len - 1] == '\n') line[--len] = 0;
    cJSON *o = cJSON_ParseWithLength(line, (size_t)len);
    if (!o) { fprintf(stderr, "peer_sqlite: bad JSON on line %ld\n", n + 1); return 1; }
    const char *when = str(o, "when");
    att_bounds b;
    if (!when || att_edtf_parse(when, &b, NULL, 0) < 0) {
      fprintf(stderr, "peer_sqlite: bad date on line %ld\n", n + 1);
      return 1;
    }
    bind_text(ins, 1, str(o, "key"));
    bind_text(ins, 2, str(o, "title"));
    bind_text(ins, 3, str(o, "kind"));
    bind_text(ins, 4, str(o, "status"));
    bind_text(ins, 5, when);
    sqlite3_bind_int64(ins, 6, b.earliest);
    sqlite3_bind_int64(ins, 7, b.latest);
    sqlite3_bind_text(ins, 8, line, (int)len, SQLITE_STATIC);
    if (sqlite3_step(ins) != SQLITE_DONE) die(db, "insert");
    sqlite3_reset(ins);
    sqlite3_int64 id = sqlite3_last_insert_rowid(db);
    const cJSON *a, *actors = cJSON_GetObjectItemCaseSensitive(o, "actors");
    cJSON_ArrayForEach(a, actors) {
      if (!cJSON_IsString(a)) continue;
      sqlite3_bind_text(ina, 1, a->valuestring, -1, SQLITE_STATIC);
      sqlite3_bind_int64(ina, 2, id);
      if (sqlite3_step(ina) != SQLITE_DONE) die(db, "insert actor");
      sqlite3_reset(ina);
    }
    cJSON_Delete(o);
    n++;
  }
  fclose(f);
  free(line);
  sqlite3_finalize(ins);
  sqlite3_finalize(ina);
  exec(db, "CREATE INDEX ev_start ON ev(start)");
  exec(db, "CREATE INDEX ev_end ON ev(end)");
  exec(db, "CREATE INDEX actor_actor ON actor(actor, ev)");
  exec(db, "COMMIT");
  exec(db, "ANALYZE");
  exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close(db);
  printf("imported %ld events in %.3f s\n", n, now_s() - t0);
  return 0;
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

static const char QSQL[] =
    "SELECT ev.id FROM actor JOIN ev ON ev.id = actor.ev"
    " WHERE actor.actor = ?1 AND ev.start <= ?3 AND ev.end >= ?2";

static const char RSQL[] = "SELECT ev FROM rt WHERE a0 <= ?1 AND a1 >= ?1 AND s0 <= ?3 AND s1 >= ?2";

static sqlite3_stmt *code_of; /* rquery: actor -> code */

static long long clamp32(long long v) { return v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : v; }

static long run_query(sqlite3 *db, sqlite3_stmt *s, const q *x) {
  if (code_of) {
    long long code = -1;
    sqlite3_bind_text(code_of, 1, x->actor, -1, SQLITE_STATIC);
    if (sqlite3_step(code_of) == SQLITE_ROW) code = sqlite3_column_int64(code_of, 0);
    sqlite3_reset(code_of);
    if (code < 0) return 0;
    sqlite3_bind_int64(s, 1, code);
    sqlite3_bind_int64(s, 2, clamp32(x->from));
    sqlite3_bind_int64(s, 3, clamp32(x->to));
  } else {
    sqlite3_bind_text(s, 1, x->actor, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, x->from);
    sqlite3_bind_int64(s, 3, x->to);
  }
  long hits = 0;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    (void)sqlite3_column_int64(s, 0);
    hits++;
  }
  if (rc != SQLITE_DONE) die(db, "query");
  sqlite3_reset(s);
  return hits;
}

static int rtree(const char *dbpath) {
  double t0 = now_s();
  sqlite3 *db;
  if (sqlite3_open(dbpath, &db) != SQLITE_OK) die(db, dbpath);
  exec(db, "BEGIN");
  exec(db, "DROP TABLE IF EXISTS rt");
  exec(db, "DROP TABLE IF EXISTS acode");
  exec(db, "CREATE TABLE acode(code INTEGER PRIMARY KEY, actor TEXT UNIQUE)");
  exec(db, "INSERT INTO acode(actor) SELECT DISTINCT actor FROM actor ORDER BY actor");
  exec(db, "CREATE VIRTUAL TABLE rt USING rtree_i32(rid, a0, a1, s0, s1, +ev)");
  exec(db, "INSERT INTO rt(a0, a1, s0, s1, ev)"
           " SELECT c.code, c.code, max(min(ev.start, 2147483647), -2147483648),"
           " max(min(ev.end, 2147483647), -2147483648), ev.id"
           " FROM actor JOIN acode c ON c.actor = actor.actor JOIN ev ON ev.id = actor.ev");
  exec(db, "COMMIT");
  exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close(db);
  printf("R*Tree built in %.3f s\n", now_s() - t0);
  return 0;
}

/* mode: Q_BTREE, Q_RSS (the first query, then the RSS) or Q_RTREE */
enum { Q_BTREE, Q_RSS, Q_RTREE };

static int query(const char *dbpath, const char *qpath, int mode, double cap) {
  size_t nq;
  q *v = read_queries(qpath, &nq);
  double t0 = now_s();
  sqlite3 *db;
  if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) die(db, dbpath);
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(db, mode == Q_RTREE ? RSQL : QSQL, -1, &s, NULL) != SQLITE_OK) die(db, "prepare");
  if (mode == Q_RTREE &&
      sqlite3_prepare_v2(db, "SELECT code FROM acode WHERE actor = ?1", -1, &code_of, NULL) != SQLITE_OK)
    die(db, "prepare");
  if (mode == Q_RSS) {
    long h = run_query(db, s, &v[0]);
    printf("first query: %ld hits in %.6f s; RSS %ld KB, peak %ld KB\n", h,
           now_s() - t0, rss_kb("VmRSS:"), rss_kb("VmHWM:"));
    return 0;
  }
  double t1 = now_s();
  long hits = 0;
  size_t done = 0;
  for (; done < nq && (cap <= 0 || now_s() - t1 < cap); done++) hits += run_query(db, s, &v[done]);
  double t2 = now_s();
  nq = done;
  printf("%zu queries, %ld hits, %.3f s (%.1f us/query, %.0f queries/s); open %.3f s; peak RSS %ld KB\n",
         nq, hits, t2 - t1, (t2 - t1) / nq * 1e6, nq / (t2 - t1), t1 - t0, rss_kb("VmHWM:"));
  sqlite3_finalize(s);
  sqlite3_finalize(code_of);
  sqlite3_close(db);
  free(v);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && !strcmp(argv[1], "import")) return import(argv[2], argv[3]);
  if ((argc == 4 || argc == 5) && !strcmp(argv[1], "query"))
    return query(argv[2], argv[3], Q_BTREE, argc == 5 ? atof(argv[4]) : 0);
  if (argc == 4 && !strcmp(argv[1], "rss")) return query(argv[2], argv[3], Q_RSS, 0);
  if (argc == 3 && !strcmp(argv[1], "rtree")) return rtree(argv[2]);
  if ((argc == 4 || argc == 5) && !strcmp(argv[1], "rquery"))
    return query(argv[2], argv[3], Q_RTREE, argc == 5 ? atof(argv[4]) : 0);
  fprintf(stderr, "usage: peer_sqlite import DB EVENTS.jsonl | query DB QUERIES [SECS] | rss DB QUERIES"
                  " | rtree DB | rquery DB QUERIES [SECS]\n");
  return 2;
}
