/*
 * Damaged stores (docs/reliability.md): a journal cut at every byte offset
 * of its last three records (and at a stride over the rest), a snapshot cut
 * at every byte offset, one- and two-byte corruptions of valid records in
 * the journal and the snapshot, a snapshot replaced by garbage, a missing
 * lock, journal or snapshot.  A torn tail opens with a message and the
 * events of the complete writes before it; anything else is refused with
 * an error naming the file (and, in the journal, the byte), or for damage
 * inside a snapshot's records or indexes, found by reading the event or by
 * att_store_verify (attache fsck); opening never changes the files; and
 * att_store_salvage (attache fsck --salvage) copies what is intact into a
 * store that opens and verifies.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "store.h"
#include "store_int.h" /* white-box: where the snapshot's sections are */
#include "tap.h"
#include "testutil.h"

static char root[64];
static int light;
static char note[1024];
static int nnotes;

static void on_notice(void *ud, const char *msg) {
  (void)ud;
  nnotes++;
  snprintf(note, sizeof note, "%s", msg);
}

static unsigned long long rng = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

static void write_file(const char *path, const unsigned char *buf, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f) return;
  if (n) fwrite(buf, 1, n, f);
  fclose(f);
}

static int same_file(const char *path, const unsigned char *buf, size_t n) {
  unsigned char *now;
  size_t k;
  int same;
  if ((now = tu_read_file(path, &k)) == NULL) return buf == NULL;
  same = k == n && memcmp(now, buf, n) == 0;
  free(now);
  return same;
}

static void rmrf(const char *dir) {
  char cmd[PATH_MAX + 16];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) printf("# could not remove %s\n", dir);
}

static att_store *open_st(const char *dir, int flags) {
  att_store_opts o = {0};
  att_store *st = NULL;
  o.flags = flags;
  o.notice = on_notice;
  note[0] = '\0';
  nnotes = 0;
  if (att_store_open(dir, &o, &st) != 0) return NULL;
  return st;
}

static att_time fixed_now(void *ud) {
  (void)ud;
  return 1700000000;
}

static int add(att_store *st, int i, size_t notes) {
  char j[4096];
  att_event ev;
  int rc;
  char pad[2048];
  if (notes >= sizeof pad) notes = sizeof pad - 1;
  memset(pad, 'a' + i % 26, notes);
  pad[notes] = '\0';
  snprintf(j, sizeof j,
           "{\"title\":\"event %d\",\"when\":\"2024-%02d-%02d\",\"key\":\"e%d\",\"actors\":[\"KHM\",\"A%d\"],"
           "\"tags\":[\"t%d\"],\"kind\":\"meeting\",\"notes\":\"%s\"}",
           i, 1 + i % 12, 1 + i % 28, i, i % 7, i % 5, pad);
  if ((rc = att_event_from_json(j, strlen(j), 0, &ev)) != 0) return rc;
  rc = att_store_add(st, &ev);
  att_event_free(&ev);
  return rc;
}

/* ---- the store under test -------------------------------------------------- */

static char dir[PATH_MAX - 64], jp[PATH_MAX], sp[PATH_MAX];
static unsigned char *jbuf, *sbuf; /* the intact files */
static size_t jlen, slen;
static long ends[512];  /* journal size after each write */
static long counts[512]; /* live events after it */
static int nw;

static void build(void) {
  att_store_opts o = {0};
  att_store *st;
  long live = 0;
  o.flags = ATT_OPEN_WRITE;
  o.now = fixed_now;
  att_store_init(dir);
  att_store_open(dir, &o, &st);
  for (int i = 0; i < 60; i++) live += add(st, i, (size_t)(i * 37 % 300)) == 0;
  att_store_compact(st);
  snprintf(jp, sizeof jp, "%s/journal", dir);
  snprintf(sp, sizeof sp, "%s/snapshot", dir);
  {
    struct stat sb;
    stat(jp, &sb);
    ends[0] = (long)sb.st_size;
    counts[0] = live;
    nw = 1;
  }
  for (int i = 60; i < 260; i++) {
    int what = i % 10;
    struct stat sb;
    if (what == 7) { /* an update */
      att_event ev;
      if (att_store_get(st, i / 3, &ev) == 0) {
        free(ev.title);
        ev.title = strdup("updated");
        att_store_update(st, &ev);
        att_event_free(&ev);
      }
    } else if (what == 8) { /* a removal */
      if (att_store_remove(st, i / 2) == 0) live--;
    } else if (what == 9 && i % 30 == 9) { /* a batch of three */
      att_store_begin(st);
      for (int k = 0; k < 3; k++) live += add(st, 1000 + i * 3 + k, 40) == 0;
      att_store_commit(st);
    } else {
      live += add(st, i, (size_t)(i * 53 % 700)) == 0;
    }
    stat(jp, &sb);
    if ((long)sb.st_size == ends[nw - 1]) continue; /* nothing written */
    ends[nw] = (long)sb.st_size;
    counts[nw++] = live;
  }
  att_store_close(st);
  jbuf = tu_read_file(jp, &jlen);
  sbuf = tu_read_file(sp, &slen);
}

static void restore(void) {
  write_file(jp, jbuf, jlen);
  write_file(sp, sbuf, slen);
}

/* Index of the last write wholly before byte `cut` of the journal. */
static int whole_before(long cut) {
  int w = 0;
  for (int k = 0; k < nw; k++)
    if (ends[k] <= cut) w = k;
  return w;
}

/* Read every live event of an opened store (find what damage reading finds). */
static int read_all(att_store *st, int *damaged) {
  int64_t *ids;
  size_t n;
  att_query q;
  att_query_init(&q);
  *damaged = 0;
  if (att_store_query(st, &q, &ids, &n) != 0) {
    *damaged = 1;
    return 0;
  }
  for (size_t i = 0; i < n; i++) {
    att_event ev;
    if (att_store_get(st, ids[i], &ev) == 0) att_event_free(&ev);
    else (*damaged)++;
  }
  free(ids);
  return (int)n;
}

/* ---- truncation --------------------------------------------------------------- */

static void test_journal_cuts(void) {
  long first = ends[nw - 4], cuts = 0, bad = 0, msgs = 0, written = 0;
  for (long cut = ATT__JHDR; cut <= (long)jlen; cut++) {
    int w = whole_before(cut);
    att_store *st;
    if (cut < first && (cut - ATT__JHDR) % (light ? 197 : 23) != 0) continue;
    cuts++;
    write_file(jp, jbuf, (size_t)cut);
    st = open_st(dir, ATT_OPEN_READ);
    if (!st || (long)att_store_count(st) != counts[w]) {
      if (bad++ < 5)
        printf("# journal cut at %ld: %s, %ld events, want %ld: %s\n", cut, st ? "opened" : "refused",
               st ? (long)att_store_count(st) : -1L, counts[w], att_errmsg());
    } else if (cut != ends[w]) {
      if (strstr(note, "unfinished write") && strstr(note, "journal")) msgs++;
      else if (bad++ < 5) printf("# journal cut at %ld: no message (%s)\n", cut, note);
    }
    att_store_close(st);
    if (!same_file(jp, jbuf, (size_t)cut) && bad++ < 5) printf("# journal cut at %ld: opening changed it\n", cut);
    /* One in 16: a writer cuts the tail off and appends. */
    if (cut % 16 == 0 && (st = open_st(dir, ATT_OPEN_WRITE)) != NULL) {
      written++;
      if (add(st, 5000, 10) != 0 && bad++ < 5) printf("# journal cut at %ld: write fails: %s\n", cut, att_errmsg());
      att_store_close(st);
      st = open_st(dir, ATT_OPEN_READ);
      if ((!st || (long)att_store_count(st) != counts[w] + 1) && bad++ < 5)
        printf("# journal cut at %ld, then a write: %ld events, want %ld\n", cut,
               st ? (long)att_store_count(st) : -1L, counts[w] + 1);
      att_store_close(st);
    }
  }
  restore();
  is_int(bad, 0, "journal (%zu bytes, %d writes) cut at %ld offsets (every one of the last three "
         "records): each opens with the complete writes before the cut, %ld torn tails with a "
         "message, files untouched; %ld then written to", jlen, nw, cuts, msgs, written);
}

static void test_snapshot_cuts(void) {
  long cuts = 0, bad = 0;
  for (size_t cut = 0; cut < slen; cut += light ? 101 : 1) {
    att_store *st;
    cuts++;
    write_file(sp, sbuf, cut);
    st = open_st(dir, ATT_OPEN_WRITE);
    if (st) {
      if (bad++ < 5) printf("# snapshot cut at %zu: opened\n", cut);
      att_store_close(st);
    } else if (!strstr(att_errmsg(), "snapshot") && bad++ < 5) {
      printf("# snapshot cut at %zu: message does not name the snapshot: %s\n", cut, att_errmsg());
    }
    if (!same_file(sp, sbuf, cut) && bad++ < 5) printf("# snapshot cut at %zu: changed\n", cut);
    if (!same_file(jp, jbuf, jlen) && bad++ < 5) printf("# snapshot cut at %zu: journal changed\n", cut);
  }
  restore();
  is_int(bad, 0, "snapshot (%zu bytes) cut at %ld offsets: each refused, naming the snapshot, files "
         "untouched", slen, cuts);
}

/* ---- corruption ----------------------------------------------------------------- */

static long salvaged, salvage_bad;

static void try_salvage(long cycle) {
  char dst[PATH_MAX];
  att_store_opts o = {0};
  att_store *st;
  int rc;
  snprintf(dst, sizeof dst, "%s/salvage%ld", root, cycle);
  rc = att_store_salvage(dir, dst, &o);
  if (rc < 0 || !(st = open_st(dst, ATT_OPEN_WRITE))) {
    if (salvage_bad++ < 5) printf("# cycle %ld: salvage: %s\n", cycle, att_errmsg());
  } else {
    if (add(st, 7000, 5) != 0 && salvage_bad++ < 5) printf("# cycle %ld: salvaged store: %s\n", cycle, att_errmsg());
    att_store_close(st);
    if (att_store_verify(dst, &o) != 0 && salvage_bad++ < 5)
      printf("# cycle %ld: the salvaged store does not verify\n", cycle);
    salvaged++;
  }
  rmrf(dst);
}

static void test_journal_flips(int cycles) {
  long bad = 0, refused = 0, torn = 0, hdr = 0, fsck_found = 0, pad = 0;
  att_store_opts vo = {0};
  for (int c = 0; c < cycles; c++) {
    unsigned char *b = malloc(jlen);
    size_t at = ATT__JHDR + rnd((unsigned)(jlen - ATT__JHDR)), at2 = at;
    att_store *st;
    memcpy(b, jbuf, jlen);
    if (c % 10 == 0) at = at2 = rnd(ATT__JHDR); /* the file header */
    b[at] ^= (unsigned char)(1 + rnd(255));
    if (c % 2) { /* a second byte, near or anywhere */
      at2 = c % 4 == 1 ? at + 1 + rnd(16) : ATT__JHDR + rnd((unsigned)(jlen - ATT__JHDR));
      if (at2 >= jlen) at2 = jlen - 1;
      if (at2 != at) b[at2] ^= (unsigned char)(1 + rnd(255));
    }
    write_file(jp, b, jlen);
    st = open_st(dir, ATT_OPEN_READ);
    if (st) {
      /* Only a damaged last write may pass, as a torn tail with a message. */
      size_t lo = at < at2 ? at : at2;
      int w = whole_before((long)lo);
      if (lo >= 28 && lo < ATT__JHDR && at2 < ATT__JHDR && (long)att_store_count(st) == counts[nw - 1]) {
        pad++; /* header bytes 28-31: zero padding, outside the checksum; nothing lost */
      } else if (lo < ATT__JHDR || w < nw - 2 || (long)att_store_count(st) != counts[w] || !nnotes) {
        if (bad++ < 5)
          printf("# cycle %d: bytes %zu,%zu damaged; opened with %ld events (whole writes before: %ld), "
                 "message: %s\n", c, at, at2, (long)att_store_count(st), counts[w], nnotes ? note : "none");
      } else {
        torn++;
      }
      att_store_close(st);
    } else {
      const char *m = att_errmsg();
      refused++;
      if (strstr(m, "header")) hdr++;
      if (!strstr(m, "journal") || (!strstr(m, "byte") && !strstr(m, "header"))) {
        if (bad++ < 5) printf("# cycle %d: the error does not say where: %s\n", c, m);
      }
      if (att_store_open(dir, &(att_store_opts){.flags = ATT_OPEN_WRITE}, &st) == 0) {
        if (bad++ < 5) printf("# cycle %d: refused for reading, opened for writing\n", c);
        att_store_close(st);
      }
    }
    if (!same_file(jp, b, jlen) && bad++ < 5) printf("# cycle %d: opening changed the journal\n", c);
    if (att_store_verify(dir, &vo) == ATT_ECORRUPT) fsck_found++;
    if (c % (light ? 50 : 10) == 0) try_salvage(c);
    free(b);
  }
  /* The length of a record in the middle made to reach past the end of
   * the file: it must not pass for a torn tail (later writes follow). */
  {
    unsigned char *b = malloc(jlen);
    uint32_t len = (uint32_t)jlen; /* more than what follows it, under the 64 MiB limit */
    att_store *st;
    memcpy(b, jbuf, jlen);
    memcpy(b + ends[nw / 2] + 4, &len, 4);
    write_file(jp, b, jlen);
    st = open_st(dir, ATT_OPEN_READ);
    ok(st == NULL, "a record in the middle whose length reaches past the end is refused, not taken "
       "for a torn tail: %s", st ? note : att_errmsg());
    att_store_close(st);
    free(b);
  }
  restore();
  is_int(bad, 0, "journal: %d one- and two-byte corruptions: %ld refused with the byte named (%ld "
         "in the header), %ld in the last write opened as a torn tail with a message, %ld in the "
         "header's unused last 4 bytes (nothing lost); files untouched; fsck reports %ld as damaged",
         cycles, refused, hdr, torn, pad, fsck_found);
}

static void test_snapshot_flips(int cycles) {
  long bad = 0, at_open = 0, at_read = 0, by_fsck = 0, harmless = 0;
  att__shdr h;
  att_store_opts vo = {0};
  memcpy(&h, sbuf, sizeof h);
  for (int c = 0; c < cycles; c++) {
    unsigned char *b = malloc(slen);
    size_t at, at2;
    att_store *st;
    int damaged = 0, found = 0;
    memcpy(b, sbuf, slen);
    if (c % 8 == 0) at = rnd(ATT__SHDR);                                     /* header */
    else if (c % 8 < 5) at = h.sect[ATT__S_RECS].off + rnd((unsigned)h.sect[ATT__S_RECS].len); /* records */
    else at = ATT__SHDR + rnd((unsigned)(slen - ATT__SHDR));                 /* anywhere */
    at2 = at;
    b[at] ^= (unsigned char)(1 + rnd(255));
    if (c % 2) {
      at2 = at + 1 + rnd(8);
      if (at2 >= slen) at2 = slen - 1;
      if (at2 != at) b[at2] ^= (unsigned char)(1 + rnd(255));
    }
    write_file(sp, b, slen);
    st = open_st(dir, ATT_OPEN_READ);
    if (!st) {
      at_open++;
      found = 1;
      if (!strstr(att_errmsg(), "snapshot") && bad++ < 5)
        printf("# cycle %d: the error does not name the snapshot: %s\n", c, att_errmsg());
    } else {
      read_all(st, &damaged);
      if (damaged) at_read++, found = 1;
      att_store_close(st);
    }
    if (att_store_verify(dir, &vo) == ATT_ECORRUPT) {
      if (!found) by_fsck++;
      found = 1;
    }
    /* Bytes no checksum covers: section padding. */
    if (!found) {
      int covered = at < sizeof(att__shdr);
      for (int s = 0; s < ATT__NSECT; s++)
        if (at >= h.sect[s].off && at < h.sect[s].off + h.sect[s].len) covered = 1;
      if (covered && bad++ < 5) printf("# cycle %d: damage at byte %zu not found, not even by fsck\n", c, at);
      harmless++;
    }
    if (!same_file(sp, b, slen) && bad++ < 5) printf("# cycle %d: opening changed the snapshot\n", c);
    if (c % (light ? 50 : 10) == 0) try_salvage(100000 + c);
    free(b);
  }
  restore();
  is_int(bad, 0, "snapshot: %d one- and two-byte corruptions: %ld refused at open (naming the "
         "snapshot), %ld found reading the event, %ld found by fsck only, %ld in unchecked padding; "
         "files untouched", cycles, at_open, at_read, by_fsck, harmless);
}

/* ---- garbage and missing files --------------------------------------------------------- */

static void test_garbage(void) {
  size_t sizes[] = {0, 1, 100, ATT__SHDR, ATT__SHDR + 8, 0};
  long bad = 0;
  sizes[5] = slen;
  for (int i = 0; i < 6; i++) {
    unsigned char *g = malloc(sizes[i] + 1);
    att_store *st;
    for (size_t k = 0; k < sizes[i]; k++) g[k] = (unsigned char)rnd(256);
    if (i == 4 && sizes[i] >= 8) memcpy(g, ATT__SMAGIC, 8); /* the right magic, garbage after */
    write_file(sp, g, sizes[i]);
    st = open_st(dir, ATT_OPEN_WRITE);
    if (st || !strstr(att_errmsg(), "snapshot")) {
      if (bad++ < 5) printf("# garbage snapshot of %zu bytes: %s\n", sizes[i], st ? "opened" : att_errmsg());
      att_store_close(st);
    }
    if (!same_file(sp, g, sizes[i])) bad++;
    if (att_store_verify(dir, &(att_store_opts){0}) != ATT_ECORRUPT) {
      if (bad++ < 5) printf("# garbage snapshot of %zu bytes: fsck does not report it\n", sizes[i]);
    }
    free(g);
  }
  restore();
  is_int(bad, 0, "a snapshot replaced by garbage (6 sizes, one with the right magic) is refused "
         "naming the snapshot, and fsck reports it");
}

static void test_missing(void) {
  static const char *const files[] = {"lock", "journal", "snapshot"};
  char p[PATH_MAX + 16];
  for (int i = 0; i < 3; i++) {
    att_store *st;
    unsigned char *save;
    size_t n;
    char dst[PATH_MAX];
    int rc;
    snprintf(p, sizeof p, "%s/%s", dir, files[i]);
    save = tu_read_file(p, &n);
    unlink(p);
    st = open_st(dir, ATT_OPEN_WRITE);
    ok(st == NULL, "a missing %s: refused: %s", files[i], att_errmsg());
    ok(strstr(att_errmsg(), dir) != NULL, "naming the store");
    att_store_close(st);
    ok(same_file(jp, i == 1 ? NULL : jbuf, jlen) && same_file(sp, i == 2 ? NULL : sbuf, slen),
       "and nothing else changed");
    rc = att_store_verify(dir, &(att_store_opts){0});
    if (i == 0) /* fsck judges the data files; the lock holds none */
      ok(rc == 0, "fsck finds the data intact");
    else
      ok(rc != 0, "fsck reports it (%s)", att_errmsg());
    snprintf(dst, sizeof dst, "%s/salvage-missing-%d", root, i);
    rc = att_store_salvage(dir, dst, &(att_store_opts){0});
    if (i == 2) {
      ok(rc < 0, "salvage without a snapshot says there is no store: %s", att_errmsg());
    } else {
      ok(rc > 0 && (st = open_st(dst, ATT_OPEN_READ)) != NULL, "salvage without the %s copies %d events",
         files[i], rc);
      att_store_close(st);
    }
    rmrf(dst);
    write_file(p, save, n);
    free(save);
  }
}

int main(void) {
  int cycles;
  light = tu_light();
  cycles = light ? 60 : 1000;
  snprintf(root, sizeof root, "%s/att-damage-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
  if (!mkdtemp(root)) return 1;
  snprintf(dir, sizeof dir, "%s/s", root);
  build();
  ok(nw > 150 && jlen > 20000, "a large journal: %d writes, %zu bytes; a snapshot of %zu bytes", nw, jlen, slen);
  test_journal_cuts();
  test_snapshot_cuts();
  test_journal_flips(cycles);
  test_snapshot_flips(cycles);
  is_int(salvage_bad, 0, "salvage after %ld of the corruptions: each copy opens, takes a write and verifies",
         salvaged);
  test_garbage();
  test_missing();
  if (light) printf("# light mode (valgrind): fewer offsets and cycles\n");
  rmrf(root);
  return done_testing();
}
