/*
 * The snapshot writer's tapes and external sorts (core/spill.c, issue 17:
 * an import or a compaction holds a few MiB, not every event's index
 * entries).  Whatever the memory budget, a sort gives the order a sort in
 * memory gives and a tape gives back what was put; a snapshot (and a
 * history segment) written through temporary files is byte for byte the
 * one written in memory.  A failure while spilling (no memory, a write,
 * the temporary file) fails the compaction cleanly: the store as it was,
 * nothing left behind in its directory.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"
#include "spill.h"
#include "store.h"
#include "tap.h"
#include "testutil.h"

static char tmpl[] = "/tmp/att-spill-XXXXXX";

/* Each fault point below is a copy of the store and two compactions,
 * about 1.2 s under ASan (sanitizers make opening and closing files and
 * mappings slow) and 0.05 s without: there, and under valgrind, the
 * points are a sample. */
#if defined(__SANITIZE_ADDRESS__)
#define SLOW_BUILD 1
#else
#define SLOW_BUILD 0
#endif
static const char *root;

/* ---- tapes ----------------------------------------------------------------- */

static void test_tape(size_t budget) {
  unsigned long long rs = 0x9e3779b97f4a7c15ull + budget;
  size_t cap = 1 << 20, len = 0;
  unsigned char *ref = malloc(cap), chunk[400], got[2000];
  att__tape t;
  int bad = 0;
  att__tape_init(&t, root, budget);
  for (int i = 0; i < 3000; i++) {
    size_t n = tu_rnd(&rs, 300);
    for (size_t k = 0; k < n; k++) chunk[k] = (unsigned char)tu_rnd(&rs, 256);
    att__tape_put(&t, chunk, n);
    memcpy(ref + len, chunk, n);
    len += n;
  }
  ok(t.err == 0 && t.size == len, "tape, budget %zu: %zu bytes put", budget, len);
  ok((t.fd >= 0) == (len > budget), "tape, budget %zu: in a file only past its budget", budget);
  for (int i = 0; i < 2000 && !bad; i++) {
    size_t off = tu_rnd(&rs, (unsigned)len), n = tu_rnd(&rs, sizeof got);
    if (off + n > len) n = len - off;
    if (att__tape_read(&t, off, got, n) != 0 || memcmp(got, ref + off, n) != 0) {
      printf("# read of %zu bytes at %zu differs\n", n, off);
      bad = 1;
    }
  }
  ok(!bad, "tape, budget %zu: 2,000 reads at random give back what was put", budget);
  ok(att__tape_read(&t, len - 1, got, 2) != 0, "tape: a read past the end is refused");
  att__tape_free(&t);
  free(ref);
}

/* ---- sorts ------------------------------------------------------------------- */

enum { FIXED, RADIX, VAR };
static const char *mode_name[] = {"32-byte records", "uint64 (radix)", "strings"};

static int rec_cmp(const void *a, size_t na, const void *b, size_t nb) {
  int c = memcmp(a, b, na < nb ? na : nb);
  return c ? c : na < nb ? -1 : na > nb;
}

typedef struct vrec { unsigned char b[48]; size_t n; } vrec;
static size_t g_rsize;
static int vrec_qcmp(const void *a, const void *b) {
  const vrec *x = a, *y = b;
  if (g_rsize == 8) {
    uint64_t u, v;
    memcpy(&u, x->b, 8);
    memcpy(&v, y->b, 8);
    return u < v ? -1 : u > v;
  }
  return rec_cmp(x->b, x->n, y->b, y->n);
}

static void test_sort(int mode, size_t budget, size_t n) {
  size_t saved = att__spill_budget, rsize = mode == FIXED ? 32 : mode == RADIX ? 8 : 0, i = 0;
  unsigned long long rs = 88172645463325252ull + (unsigned)mode * 7 + budget;
  vrec *ref = calloc(n, sizeof *ref);
  att__xsort *x;
  const void *rec;
  size_t rn;
  int more, bad = 0;
  att__spill_budget = budget;
  x = att__xsort_new(root, rsize, mode == RADIX ? NULL : rec_cmp);
  for (size_t k = 0; k < n; k++) {
    vrec *r = &ref[k];
    r->n = rsize ? rsize : 1 + tu_rnd(&rs, 40);
    /* A small alphabet: many records share prefixes, some are equal. */
    for (size_t j = 0; j < r->n; j++) r->b[j] = (unsigned char)(mode == VAR ? 'a' + tu_rnd(&rs, 3) : tu_rnd(&rs, 256));
    if (mode == RADIX && k % 3 == 0) memset(r->b + 2, 0, 6); /* small numbers too */
    if (att__xsort_put(x, r->b, r->n) != 0) bad = 1;
  }
  ok(!bad && att__xsort_done(x) == 0, "sort of %s, budget %zu: %zu records in", mode_name[mode], budget, n);
  g_rsize = rsize;
  qsort(ref, n, sizeof *ref, vrec_qcmp);
  while ((more = att__xsort_next(x, &rec, &rn)) > 0) {
    if (i >= n || rn != ref[i].n || memcmp(rec, ref[i].b, rn) != 0) {
      if (!bad) printf("# record %zu differs\n", i);
      bad = 1;
    }
    i++;
  }
  ok(more == 0 && !bad && i == n, "sort of %s, budget %zu: the order of a sort in memory", mode_name[mode],
     budget);
  if (budget < n * 8) ok(att__xsort_runs(x) > 2, "sort of %s, budget %zu: merged from %zu runs", mode_name[mode],
                         budget, att__xsort_runs(x));
  else ok(att__xsort_runs(x) == 0, "sort of %s, budget %zu: all in memory", mode_name[mode], budget);
  att__xsort_free(x);
  free(ref);
  att__spill_budget = saved;
}

/* ---- snapshots through the disk ----------------------------------------------- */

static att_time fixed_now(void *ud) {
  (void)ud;
  return tu_time("2026-01-02T03:04:05Z");
}

static att_store *open_fixed(const char *dir) {
  att_store_opts o = {0};
  att_store *st = NULL;
  o.flags = ATT_OPEN_WRITE;
  o.now = fixed_now;
  if (att_store_open(dir, &o, &st) != 0) printf("# open %s: %s\n", dir, att_errmsg());
  return st;
}

static const char *actors[] = {"JPN", "KHM", "USA", "IND", "PRK", "CHN", "FRA", "GBR"};
static const char *kinds[] = {"meeting", "visit", "talks", "agreement", "statement"};

static void event_json(char *buf, size_t cap, int i, int rev) {
  snprintf(buf, cap,
           "{\"title\":\"Event %d rev %d\",\"kind\":\"%s\",\"when\":\"%04d-%02d-%02d\","
           "\"actors\":[\"%s\",\"%s\"],\"tags\":[\"t%d\"]%s%d%s}",
           i, rev, kinds[i % 5], 2000 + i % 25, 1 + i % 12, 1 + i % 28, actors[i % 8], actors[(i % 8 + 1 + (i / 8) % 7) % 8],
           i % 17, i % 4 == 0 ? ",\"key\":\"k-" : ",\"where\":\"w", i, "\"");
}

static int same_file(const char *a, const char *b) {
  size_t na, nb;
  char *x = tu_read_file(a, &na), *y = tu_read_file(b, &nb);
  int same = x && y && na == nb && memcmp(x, y, na) == 0;
  free(x);
  free(y);
  return same;
}

/* Every file of dir a is the same in b (and b has no other). */
static int same_dir(const char *a, const char *b) {
  DIR *d = opendir(a);
  struct dirent *e;
  int same = d != NULL, na = 0, nb = 0;
  char pa[PATH_MAX], pb[PATH_MAX];
  while (d && (e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || strcmp(e->d_name, "lock") == 0) continue;
    na++;
    snprintf(pa, sizeof pa, "%s/%s", a, e->d_name);
    snprintf(pb, sizeof pb, "%s/%s", b, e->d_name);
    if (!same_file(pa, pb)) {
      printf("# %s differs\n", e->d_name);
      same = 0;
    }
  }
  if (d) closedir(d);
  if ((d = opendir(b)) != NULL) {
    while ((e = readdir(d)) != NULL)
      if (e->d_name[0] != '.' && strcmp(e->d_name, "lock") != 0) nb++;
    closedir(d);
  }
  return same && na == nb;
}

/* Copy the files of a store's directory (no subdirectories) into to,
 * emptied first.  In the process: a fork of an ASan process costs more
 * than the compaction it sets up. */
static int copy_dir(const char *from, const char *to) {
  DIR *d;
  struct dirent *e;
  char a[PATH_MAX], b[PATH_MAX];
  int rc = 0;
  if ((d = opendir(to)) != NULL) {
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.') continue;
      snprintf(b, sizeof b, "%s/%s", to, e->d_name);
      unlink(b);
    }
    closedir(d);
  } else if (mkdir(to, 0700) != 0) {
    return -1;
  }
  if (!(d = opendir(from))) return -1;
  while (rc == 0 && (e = readdir(d)) != NULL) {
    size_t n;
    char *buf;
    FILE *f;
    if (e->d_name[0] == '.') continue;
    snprintf(a, sizeof a, "%s/%s", from, e->d_name);
    snprintf(b, sizeof b, "%s/%s", to, e->d_name);
    if (!(buf = tu_read_file(a, &n)) || !(f = fopen(b, "wb"))) {
      free(buf);
      rc = -1;
      break;
    }
    if (fwrite(buf, 1, n, f) != n) rc = -1;
    if (fclose(f) != 0) rc = -1;
    free(buf);
  }
  closedir(d);
  return rc;
}

/* A store of n events, some updated (by an author, with a reason) and
 * removed, compacted once (a history segment), with more changes in the
 * journal. */
static int build_store(const char *dir, int n) {
  att_store *st = att_store_init(dir) == 0 ? open_fixed(dir) : NULL;
  char js[512];
  int rc = st ? 0 : -1;
  for (int i = 0; i < n && rc == 0; i++) {
    event_json(js, sizeof js, i, 1);
    if (tu_add(st, js) < 0) rc = -1;
  }
  for (int pass = 0; pass < 2 && rc == 0; pass++) {
    att_store_set_author(st, pass ? "desk-b" : "desk-a");
    for (int i = pass; i < n && rc == 0; i += 7) {
      att_event ev;
      if (i % 101 == 3) continue; /* removed in the first pass */
      event_json(js, sizeof js, i, 2 + pass);
      if (att_event_from_json(js, strlen(js), 0, &ev) != 0) rc = -1;
      ev.id = i + 1;
      if (rc == 0 && att_store_update(st, &ev) != 0) rc = -1;
      att_event_free(&ev);
    }
    for (int i = 3 + pass; i < n && rc == 0; i += 101)
      if (att_store_remove(st, i + 1) != 0) rc = -1;
    if (pass == 0 && rc == 0 && att_store_compact(st) != 0) rc = -1;
  }
  if (rc) printf("# building %s: %s\n", dir, att_errmsg());
  if (st) att_store_close(st);
  return rc;
}

static int compact_with(const char *dir, size_t budget) {
  size_t saved = att__spill_budget;
  att_store *st = open_fixed(dir);
  int rc = -1;
  att__spill_budget = budget;
  if (st && (rc = att_store_compact(st)) != 0) printf("# compact %s: %s\n", dir, att_errmsg());
  att__spill_budget = saved;
  if (st) att_store_close(st);
  return rc;
}

static int import_with(const char *dir, size_t budget, int n) {
  size_t saved = att__spill_budget;
  att_store *st = open_fixed(dir);
  char js[512];
  int rc = st ? 0 : -1;
  att__spill_budget = budget;
  if (rc == 0) rc = att_store_import_begin(st, (uint64_t)n);
  for (int i = 0; i < n && rc == 0; i++) {
    att_event ev;
    event_json(js, sizeof js, i + 100000, 1);
    if ((rc = att_event_from_json(js, strlen(js), 0, &ev)) == 0) rc = att_store_import_add(st, &ev);
    att_event_free(&ev);
  }
  if (rc == 0) rc = att_store_import_commit(st);
  if (rc) printf("# import into %s: %s\n", dir, att_errmsg());
  att__spill_budget = saved;
  if (st) att_store_close(st);
  return rc;
}

static void test_same_bytes(int n) {
  char base[PATH_MAX], mem[PATH_MAX], disk[PATH_MAX], tiny[PATH_MAX];
  snprintf(base, sizeof base, "%s/base", root);
  snprintf(mem, sizeof mem, "%s/mem", root);
  snprintf(disk, sizeof disk, "%s/disk", root);
  snprintf(tiny, sizeof tiny, "%s/tiny", root);
  ok(build_store(base, n) == 0, "a store of %d events with history", n);
  copy_dir(base, mem);
  copy_dir(base, disk);
  copy_dir(base, tiny);
  ok(compact_with(mem, 64u << 20) == 0, "compaction with everything in memory");
  ok(compact_with(disk, 16384) == 0, "compaction with a 16 KiB budget");
  ok(compact_with(tiny, 64) == 0, "compaction with a 64-byte budget");
  ok(same_dir(mem, disk), "the 16 KiB budget writes the same snapshot and history segments, byte for byte");
  ok(same_dir(mem, tiny), "the 64-byte budget too");

  /* An import into the store goes through the same writer. */
  copy_dir(base, mem);
  copy_dir(base, disk);
  ok(import_with(mem, 64u << 20, 5000) == 0 && import_with(disk, 1000, 5000) == 0,
     "an import of 5,000 events in memory and with a 1,000-byte budget");
  ok(same_dir(mem, disk), "the import writes the same files either way");
  {
    att_store *st = open_fixed(disk), *sb = open_fixed(base);
    att_event ev;
    int found = st && att_store_get_key(st, "k-100004", &ev) == 0;
    ok(found && sb && att_store_count(st) == att_store_count(sb) + 5000,
       "the imported store reads back: %llu events, keys found",
       st ? (unsigned long long)att_store_count(st) : 0);
    if (found) att_event_free(&ev);
    if (st) att_store_close(st);
    if (sb) att_store_close(sb);
  }
}

/* A large import holds no set of its keys: one given twice is found by
 * the commit, when the keys are sorted (through the disk here), and
 * nothing is imported. */
static void test_import_dup(void) {
  char dir[PATH_MAX], js[512];
  att_store *st;
  uint64_t a = 0, b = 0, before;
  const char *key = NULL;
  int rc = 0;
  size_t saved = att__spill_budget;
  snprintf(dir, sizeof dir, "%s/dup", root);
  if (att_store_init(dir) != 0 || !(st = open_fixed(dir))) {
    ok(0, "a store for the duplicate keys");
    return;
  }
  tu_add(st, "{\"title\":\"held\",\"when\":\"2024\",\"key\":\"k-held\"}");
  before = att_store_count(st);
  att__spill_budget = 512;
  ok(att_store_import_begin(st, 5000) == 0, "a large import begins");
  for (int i = 0; i < 5000 && rc == 0; i++) {
    att_event ev;
    /* The 4,001st event gives the key of the 29th again (keys k-<i>
     * for every fourth event, i from 0). */
    event_json(js, sizeof js, i == 4000 ? 28 : i, 1);
    if ((rc = att_event_from_json(js, strlen(js), 0, &ev)) == 0) rc = att_store_import_add(st, &ev);
    att_event_free(&ev);
  }
  ok(rc == 0, "every event is taken as it comes");
  {
    const char *clash = "{\"title\":\"clash\",\"when\":\"2025\",\"key\":\"k-held\"}";
    att_event ev;
    ok(att_event_from_json(clash, strlen(clash), 0, &ev) == 0 && att_store_import_add(st, &ev) == ATT_EEXISTS,
       "a key the store holds is refused at once: %s", att_errmsg());
    att_event_free(&ev);
  }
  rc = att_store_import_commit(st);
  ok(rc == ATT_EEXISTS, "the commit refuses a key given twice: %s", att_errmsg());
  ok(strstr(att_errmsg(), "\"k-28\"") && strstr(att_errmsg(), "the 29th and the 4001st"),
     "the message names the key and the two events by their rank");
  rc = att_store_import_dup(st, &a, &b, &key);
  ok(rc == 1 && a == 29 && b == 4001 && key && strcmp(key, "k-28") == 0,
     "att_store_import_dup: the 29th and the 4001st, key k-28 (got %llu, %llu)", (unsigned long long)a,
     (unsigned long long)b);
  ok(att_store_count(st) == before, "nothing was imported");
  att__spill_budget = saved;
  att_store_close(st);
  st = open_fixed(dir);
  ok(st && att_store_count(st) == before, "... and nothing is found after reopening");
  ok(st && att_store_import_dup(st, &a, &b, &key) == 0, "a fresh handle has no duplicate to tell");
  if (st) att_store_close(st);
}

/* ---- failures while spilling -------------------------------------------------- */

static int stray_files(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  while (d && (e = readdir(d)) != NULL)
    if (strstr(e->d_name, "tmp") || strstr(e->d_name, "spill")) {
      printf("# left behind: %s\n", e->d_name);
      n++;
    }
  if (d) closedir(d);
  return n;
}

/* Every live event of the store in dir as JSON, in id order (malloc'd). */
static char *contents(const char *dir) {
  att_store *st = open_fixed(dir);
  size_t cap = 1 << 16, len = 0;
  char *out = malloc(cap);
  if (!st || !out) {
    free(out);
    if (st) att_store_close(st);
    return NULL;
  }
  out[0] = '\0';
  for (int64_t id = 1; id < att_store_next_id(st); id++) {
    att_event ev;
    char *js;
    size_t k;
    if (att_store_get(st, id, &ev) != 0) continue;
    js = att_event_to_json(&ev);
    att_event_free(&ev);
    if (!js) break;
    k = strlen(js);
    while (len + k + 2 > cap) out = realloc(out, cap *= 2);
    memcpy(out + len, js, k);
    len += k;
    out[len++] = '\n';
    out[len] = '\0';
    free(js);
  }
  att_store_close(st);
  return out;
}

static void test_faults(int n) {
  char base[PATH_MAX], work[PATH_MAX], want[PATH_MAX];
  static const struct { unsigned sites; int err; const char *name; } cases[] = {
      {1u << ATT_FAULT_OPEN, EACCES, "open"}, {1u << ATT_FAULT_WRITE, ENOSPC, "write"},
      {1u << ATT_FAULT_ALLOC, ENOMEM, "alloc"}};
  char *wanted;
  snprintf(base, sizeof base, "%s/fbase", root);
  snprintf(work, sizeof work, "%s/fwork", root);
  snprintf(want, sizeof want, "%s/fwant", root);
  if (build_store(base, n) != 0) {
    ok(0, "a store for the fault runs");
    return;
  }
  copy_dir(base, want);
  ok(compact_with(want, 128) == 0, "the compaction without faults");
  wanted = contents(want);
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    long total, step, tried = 0, failed_clean = 0;
    size_t saved = att__spill_budget;
    att_store *st;
    /* How many calls of the site a whole compaction makes. */
    copy_dir(base, work);
    st = open_fixed(work);
    att__spill_budget = 128;
    att_fault_arm(LONG_MAX, 0, cases[c].sites, 0);
    att_store_compact(st);
    total = att_fault_calls();
    att_fault_off();
    att_store_close(st);
    /* Every open (a few dozen); a spread of the writes and allocations. */
    step = tu_light() || SLOW_BUILD ? total / 8 + 1 : cases[c].sites == 1u << ATT_FAULT_OPEN ? 1 : total / 25 + 1;
    for (long k = 1; k <= total; k += step) {
      int rc, clean;
      copy_dir(base, work);
      if (!(st = open_fixed(work))) break;
      att_fault_arm(k, 1, cases[c].sites, cases[c].err);
      rc = att_store_compact(st);
      att_fault_off();
      att_store_close(st);
      tried++;
      /* Failed with a message, or went through; either way nothing
       * left behind, every event as it was, and the next compaction
       * (without faults) goes through. */
      clean = stray_files(work) == 0 && (rc == 0 || att_errmsg()[0] != '\0');
      if (clean) {
        char *got = contents(work);
        clean = got && wanted && strcmp(got, wanted) == 0 && compact_with(work, 128) == 0;
        free(got);
      }
      if (clean) failed_clean++;
      else printf("# %s fault at call %ld of %ld: rc %d, %s\n", cases[c].name, k, total, rc, att_errmsg());
    }
    att__spill_budget = saved;
    ok(tried > 0 && failed_clean == tried, "%s faults at %ld of the %ld calls of a spilling compaction: each one clean",
       cases[c].name, tried, total);
  }
  free(wanted);
}

int main(void) {
  int n = tu_light() ? 600 : SLOW_BUILD ? 1500 : 3000;
  root = mkdtemp(tmpl);
  if (!root) {
    printf("Bail out! mkdtemp\n");
    return 1;
  }
  test_tape(1u << 30);
  test_tape(1000);
  test_tape(1);
  for (int m = FIXED; m <= VAR; m++) {
    test_sort(m, 64u << 20, 20000);
    test_sort(m, 4096, 20000);
    test_sort(m, 1, 2000);
  }
  test_same_bytes(n);
  test_import_dup();
  test_faults(tu_light() ? 200 : 400);
  tu_rmrf(root);
  return done_testing();
}
