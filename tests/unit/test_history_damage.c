/*
 * Damage in a history segment (issue 15; docs/reliability.md): a store of
 * 300 events, each changed a few times and some removed, compacted so
 * that the replaced versions sit in a history segment (history.<gen>).
 * One byte of the segment is changed at a time (at a random place in
 * every 48-byte window of the header and every section: records, id table, time index,
 * keys, dictionary, postings, strings, block checksums, versions), and
 * then the store is opened and asked, as of six past times, the full
 * list, a kind, an actor and a window, and the change list, every
 * version of ten events, and fsck.  Every answer must be the intact
 * store's, or a clean error naming the segment; fsck must report every
 * change (padding, never read, is skipped: the header's bytes past its
 * checksummed fields, and those that align each section to 8 bytes); the present must answer as before.  Then
 * the same after a prune, in one byte of every 96 of the segment the
 * prune wrote, which holds its change (a version of event 0).  Run
 * under ASan in CI: a crash or a read outside the file fails it.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "store.h"
#include "store_int.h"
#include "tap.h"
#include "testutil.h"

static att_time g_now;
static att_time clock_now(void *ud) {
  (void)ud;
  return g_now;
}

/* One change in every win bytes: 3,600 changes of a 174 KB segment; ten
 * times fewer under valgrind (LD_PRELOAD names its preload, or ATT_WRAP
 * is set), as test_index_damage does. */
static uint64_t win = 48;

static char dir[PATH_MAX - 64], segpath[PATH_MAX];
static unsigned long long rng = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}
static void quiet(void *ud, const char *m) {
  (void)ud;
  (void)m;
}

static const char *kinds[] = {"meeting", "visit", "talks"};
static const char *actors[] = {"JPN", "KHM", "THA", "VNM"};

/* What the store answers: a text digest of the as-of queries, the
 * change list and some versions; the first error in *err. */
/* The as-of reads of answers(): six times from g_asof0, g_asof_step
 * apart (after a prune, from its bound on). */
static att_time g_asof0, g_asof_step = 400;

static void answers(att_store *st, char **out, size_t *n, int *err) {
  FILE *f = open_memstream(out, n);
  *err = 0;
  for (int k = 0; k < 6 && !*err; k++) {
    att_time t = g_asof0 + k * g_asof_step;
    for (int which = 0; which < 4 && !*err; which++) {
      att_query q;
      int64_t *ids;
      size_t m;
      static const char *one[1] = {"KHM"};
      att_query_init(&q);
      if (which == 1) q.kind = "visit";
      if (which == 2) q.actors = one, q.nactors = 1;
      if (which == 3) q.from = tu_time("2010-01-01T00:00:00Z"), q.to = tu_time("2015-12-31T00:00:00Z");
      q.sort = ATT_SORT_ID;
      if (att_store_asof(st, t) != 0 || att_store_query(st, &q, &ids, &m) != 0) {
        *err = 1;
        break;
      }
      fprintf(f, "asof %d q%d:", k, which);
      for (size_t i = 0; i < m; i++) {
        const char *j;
        size_t len;
        if (att_store_json(st, ids[i], &j, &len) != 0) {
          *err = 1;
          break;
        }
        fprintf(f, " %lld/%zu", (long long)ids[i], len);
      }
      fputc('\n', f);
      free(ids);
    }
  }
  att_store_asof(st, ATT_TIME_MAX);
  if (!*err) {
    att_change_filter cf;
    att_change *v;
    size_t m;
    att_change_filter_init(&cf);
    cf.oldest_first = 1;
    if (att_store_changes(st, &cf, &v, &m) != 0) *err = 1;
    else {
      for (size_t i = 0; i < m; i++)
        fprintf(f, "c %llu %lld %d %lld %s\n", (unsigned long long)v[i].seq, (long long)v[i].id, v[i].op,
                (long long)v[i].rev, v[i].author);
      att_changes_free(v, m);
    }
  }
  for (int64_t id = 1; id <= 300 && !*err; id += 30)
    for (int64_t rev = 1; rev <= 4; rev++) {
      char *j;
      size_t len;
      int rc = att_store_version(st, id, rev, &j, &len);
      if (rc == ATT_ENOTFOUND) continue;
      if (rc) {
        *err = 1;
        break;
      }
      fprintf(f, "v %lld %lld %zu\n", (long long)id, (long long)rev, len);
      free(j);
    }
  fclose(f);
}

/* Change one byte in every `win` of segment segpath (seg[0..segn), its
 * intact bytes), ask answers() each time, and check against good. */
static void damage(const att_store_opts *o, const char *seg, size_t segn, const char *good, size_t goodn,
                   const char *what) {
  att_store *st;
  att__shdr h;
  memcpy(&h, seg, sizeof h);
  uint64_t end = 0;
  for (int i = 0; i < ATT__NSECT; i++)
    if (h.sect[i].off + h.sect[i].len > end) end = h.sect[i].off + h.sect[i].len;
  long changes = 0, at_open = 0, by_read = 0, fsck_only = 0, wrong = 0, unnoticed = 0, present_bad = 0;
  for (uint64_t w = 0; w + win <= end; w += win) {
    uint64_t at = w + rnd((unsigned)win);
    /* padding is never read: the header's bytes past its checksummed
     * fields, and the few that align each section to 8 bytes */
    int inside = at < sizeof(att__shdr);
    for (int i = 0; i < ATT__NSECT; i++) inside |= at >= h.sect[i].off && at < h.sect[i].off + h.sect[i].len;
    if (!inside) continue;
    unsigned char *bad = malloc(segn);
    memcpy(bad, seg, segn);
    bad[at] ^= (unsigned char)(1 + rnd(255));
    FILE *f = fopen(segpath, "wb");
    fwrite(bad, 1, segn, f);
    fclose(f);
    free(bad);
    changes++;
    if (att_store_open(dir, o, &st) != 0) {
      at_open++;
      continue;
    }
    char *got = NULL;
    size_t gotn = 0;
    int e = 0;
    answers(st, &got, &gotn, &e);
    if (e) {
      if (!strstr(att_errmsg(), "history.") && !strstr(att_errmsg(), "segment") && wrong < 3)
        printf("# byte %llu: an error that does not name the segment: %s\n", (unsigned long long)at, att_errmsg());
      by_read++;
    } else if (gotn != goodn || memcmp(got, good, goodn) != 0) {
      if (wrong++ < 3) printf("# byte %llu: a wrong answer\n", (unsigned long long)at);
    } else if (att_store_verify(dir, o) == ATT_ECORRUPT) {
      fsck_only++;
    } else {
      const char *where = "no section";
      for (int i = 0; i < ATT__NSECT; i++)
        if (at >= h.sect[i].off && at < h.sect[i].off + h.sect[i].len) where = att__snap_sect_name[i];
      if (unnoticed++ < 3)
        printf("# byte %llu (%s, at %llu of it): not noticed by anyone\n", (unsigned long long)at, where,
               (unsigned long long)(at - h.sect[ATT__S_STR].off));
    }
    {
      /* the present is untouched */
      att_query q;
      int64_t *ids;
      size_t m;
      att_query_init(&q);
      if (att_store_query(st, &q, &ids, &m) != 0) present_bad++;
      else free(ids);
    }
    free(got);
    att_store_close(st);
  }
  {
    FILE *f = fopen(segpath, "wb");
    fwrite(seg, 1, segn, f);
    fclose(f);
  }
  printf("# %ld changes: %ld refused at open, %ld by a read, %ld by fsck only, %ld wrong answers, "
         "%ld unnoticed\n", changes, at_open, by_read, fsck_only, wrong, unnoticed);
  ok(changes > (long)(end / win) / 2, "%s%ld one-byte changes in the segment (one in %llu bytes)", what,
     changes, (unsigned long long)win);
  ok(wrong == 0, "%sno wrong answer (%ld)", what, wrong);
  ok(unnoticed == 0, "%severy change found by a read or by fsck (%ld unnoticed)", what, unnoticed);
  ok(present_bad == 0, "%sthe present answers whatever the history's damage (%ld failed)", what,
     present_bad);
  ok(att_store_verify(dir, o) == 0, "%sthe restored segment verifies", what);
}

/* The first history segment of the store, read whole into a new buffer
 * (segpath names it), or NULL. */
static char *first_segment(size_t *segn) {
  char p[PATH_MAX], name[64] = "";
  FILE *ls;
  char *seg;
  snprintf(p, sizeof p, "ls %s | grep '^history\\.[0-9]*$' | head -1", dir);
  ls = popen(p, "r");
  if (ls && fgets(name, sizeof name, ls)) name[strcspn(name, "\n")] = '\0';
  if (ls) pclose(ls);
  snprintf(segpath, sizeof segpath, "%s/%s", dir, name);
  seg = tu_read_file(segpath, segn);
  ok(seg != NULL && *segn > 4096, "a history segment of %zu bytes", *segn);
  return seg;
}

/* The store's first segment, read whole (*seg), and its answers intact
 * (*good), with o set to read; 0 if either cannot be had. */
static int intact(att_store_opts *o, char **seg, size_t *segn, char **good, size_t *goodn, int *err) {
  att_store *st;
  if (!(*seg = first_segment(segn))) return 0;
  o->flags = ATT_OPEN_READ;
  o->notice = quiet;
  if (att_store_open(dir, o, &st) != 0) return 0;
  answers(st, good, goodn, err);
  att_store_close(st);
  return 1;
}

int main(void) {
  att_store_opts o = {0};
  att_store *st;
  char *good = NULL, *seg = NULL;
  size_t goodn = 0, segn = 0;
  int err = 0;
  snprintf(dir, sizeof dir, "/tmp/attache-hdamage-%d", (int)getpid());
  tu_rmrf(dir);
  o.flags = ATT_OPEN_WRITE;
  o.now = clock_now;
  g_now = g_asof0 = tu_time("2024-01-01T00:00:00Z");
  if (att_store_init(dir) != 0 || att_store_open(dir, &o, &st) != 0) {
    printf("Bail out! %s\n", att_errmsg());
    return 1;
  }
  att_store_set_author(st, "alice");
  for (int i = 0; i < 300; i++) {
    char j[200], key[32] = "";
    if (i % 7 == 0) snprintf(key, sizeof key, ",\"key\":\"k%d\"", i);
    snprintf(j, sizeof j, "{\"title\":\"e%d\",\"kind\":\"%s\",\"when\":\"%d\",\"actors\":[\"%s\"]%s}", i,
             kinds[rnd(3)], 2000 + (int)rnd(25), actors[rnd(4)], key);
    tu_add(st, j);
    g_now += 3;
  }
  att_store_set_author(st, "bob");
  for (int r = 0; r < 600; r++) {
    int64_t id = 1 + (int64_t)rnd(300);
    att_event ev;
    g_now += 2;
    if (att_store_get(st, id, &ev) != 0) continue;
    if (rnd(20) == 0) {
      att_store_remove(st, id);
    } else {
      free(ev.kind);
      ev.kind = strdup(kinds[rnd(3)]);
      att_store_update(st, &ev);
    }
    att_event_free(&ev);
  }
  ok(att_store_compact(st) == 0, "the store compacts: %s", att_errmsg());
  att_store_close(st);
  if (tu_light()) win = 480;
  if (!intact(&o, &seg, &segn, &good, &goodn, &err)) return done_testing();
  ok(!err && goodn > 1000, "the intact store answers (%zu bytes of answers)", goodn);

  damage(&o, seg, segn, good, goodn, "");
  free(seg);
  free(good);
  seg = good = NULL;

  /* Again after a prune: its change is a version of event 0 in the
   * segment the prune writes, checked like the others. */
  o.flags = ATT_OPEN_WRITE;
  o.notice = NULL;
  g_now += 10;
  {
    uint64_t dropped = 0, seq = 0;
    att_time bound = tu_time("2024-01-01T00:00:00Z") + 900 + 600;
    if (att_store_open(dir, &o, &st) != 0) return done_testing();
    att_store_set_author(st, "carol");
    int rc = att_store_prune(st, bound, 0, &dropped, &seq);
    ok(rc == 0 && dropped > 100, "a prune drops %llu versions, as change %llu: %s",
       (unsigned long long)dropped, (unsigned long long)seq, rc ? att_errmsg() : "ok");
    att_store_close(st);
    g_asof0 = bound;
    g_asof_step = 100;
  }
  if (!intact(&o, &seg, &segn, &good, &goodn, &err)) return done_testing();
  ok(!err && goodn > 1000 && strstr(good, " 0 5 0 carol\n"),
     "the pruned store answers, its prune listed (%zu bytes of answers)", goodn);
  win *= 2;
  damage(&o, seg, segn, good, goodn, "pruned: ");
  free(seg);
  free(good);
  tu_rmrf(dir);
  return done_testing();
}
