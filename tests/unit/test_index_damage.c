/*
 * Damage in the snapshot's index sections (issue 11, finding 6;
 * docs/reliability.md).  A compacted store of 1,000 events (actors, tags,
 * kinds, statuses, keys, dates in every time class) has one byte of an
 * index section (id table, time index, key index, dictionary, postings,
 * strings, block checksums) changed at a time (at a random place in every
 * 8-byte window), and then is opened, queried (the full list,
 * a time window, an actor, a tag, a kind, a status, a window and an actor,
 * id order, keys, ids) and checked by fsck.  Run under ASan in CI: a crash
 * or an out-of-bounds read fails it.
 *
 * Two campaigns.  Plain: the byte is changed and nothing else; every
 * change must be found by open, a query or fsck, each error naming the
 * snapshot.  Forged: the checksums of the changed block and section (and
 * of the block checksums' section) and the header's are recomputed after
 * the change, as a buggy writer would leave them, so that only the
 * readers' bounds checks stand between the damage and a crash:
 * every answer is then right, wrong (counted), or a clean error, never a
 * crash.  In both, one in four (forged: eight) of the stores that still
 * open is compacted: compaction either refuses or gives a store whose
 * every query is right (it rebuilds the indexes from the records, which
 * the damage did not touch).
 *
 * Snapshot format 2 verifies the id table, time index and postings block
 * by block on first read: damage there is found by the query that reads
 * it (or by fsck), no longer at open.  A version-1 snapshot (written with
 * att__test_snap_version) must still open, answer, be verified as before
 * (the id table at open), and be compacted into version 2.
 */
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "crc32c.h"
#include "error.h"
#include "store.h"
#include "store_int.h" /* white-box: where the snapshot's sections are */
#include "tap.h"
#include "testutil.h"

#define NEV 1000

static char root[64], dir[PATH_MAX - 64], sp[PATH_MAX], jp[PATH_MAX];
static unsigned char *sbuf, *jbuf; /* the intact files */
static size_t slen, jlen;
static att__shdr hdr;
static int light;

/* Under ASan the plain campaign (whose findings are about logic, and which
 * the plain build runs in full) changes one byte in 32; the forged one,
 * where the bounds checks are what stands between damage and a crash, keeps
 * its density.  At one in 8 the ASan run took 522 s here, near ctest's 600. */
#if defined(__SANITIZE_ADDRESS__)
#define PLAIN_STRIDE 32
#else
#define PLAIN_STRIDE 8
#endif

static unsigned long long rng = 0x2545F4914F6CDD1Dull;
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

static void rmrf(const char *d) {
  char cmd[PATH_MAX + 16];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
  if (system(cmd) != 0) printf("# could not remove %s\n", d);
}

static void quiet(void *ud, const char *msg) {
  (void)ud;
  (void)msg;
}

/* ---- the store ---------------------------------------------------------- */

static const char *const actors[] = {"JPN", "KHM", "USA", "FRA", "CHN", "IND",
                                     "DEU", "BRA", "ZAF", "THA", "VNM", "LAO"};
static const char *const tags[] = {"trade", "security", "culture", "aid", "health", "energy"};
static const char *const kinds[] = {"visit", "meeting", "call", "treaty", "summit"};
static const char *const statuses[] = {"planned", "held", "cancelled"};

static void when_of(int i, char *w, size_t n) {
  int y = 1990 + i * 7 % 36, m = 1 + i % 12, d = 1 + i * 3 % 28;
  switch (i % 6) {
  case 0: case 1: snprintf(w, n, "%d-%02d-%02d", y, m, d); break; /* a day */
  case 2: snprintf(w, n, "%d-%02d", y, m); break;                  /* a month */
  case 3: snprintf(w, n, "%d", y); break;                          /* a year */
  case 4: snprintf(w, n, "%d/%d", y, y + 1 + i % 9); break;        /* years */
  default: snprintf(w, n, i % 12 == 5 ? "%d/.." : "%d/%d", y, y + 20); /* open or long */
  }
}

static int add(att_store *st, int i) {
  char j[1024], w[32], key[32] = "", kind[48] = "", status[48] = "", tg[96] = "";
  att_event ev;
  int rc;
  const char *a1 = actors[i % 12], *a2 = actors[(i * 5 + 3) % 12];
  when_of(i, w, sizeof w);
  if (i % 3) snprintf(key, sizeof key, ",\"key\":\"ev-%04d\"", i);
  if (i % 7) snprintf(kind, sizeof kind, ",\"kind\":\"%s\"", kinds[i % 5]);
  if (i % 4) snprintf(status, sizeof status, ",\"status\":\"%s\"", statuses[i % 3]);
  if (i % 5 == 1) snprintf(tg, sizeof tg, ",\"tags\":[\"%s\",\"%s\"]", tags[i % 6], tags[(i + 2) % 6]);
  else if (i % 5) snprintf(tg, sizeof tg, ",\"tags\":[\"%s\"]", tags[i % 6]);
  snprintf(j, sizeof j, "{\"title\":\"event %d\",\"when\":\"%s\",\"actors\":[\"%s\"%s%s%s]%s%s%s%s}", i,
           w, a1, a1 != a2 ? ",\"" : "", a1 != a2 ? a2 : "", a1 != a2 ? "\"" : "", tg, kind, status, key);
  if ((rc = att_event_from_json(j, strlen(j), 0, &ev)) != 0) return rc;
  rc = att_store_add(st, &ev);
  att_event_free(&ev);
  return rc;
}

static int build(void) {
  att_store_opts o = {0};
  att_store *st;
  int rc;
  o.flags = ATT_OPEN_WRITE;
  if ((rc = att_store_init(dir)) != 0 || (rc = att_store_open(dir, &o, &st)) != 0) return rc;
  rc = att_store_begin(st);
  for (int i = 0; rc == 0 && i < NEV; i++) rc = add(st, i);
  if (rc == 0) rc = att_store_commit(st);
  if (rc == 0) rc = att_store_compact(st);
  att_store_close(st);
  snprintf(sp, sizeof sp, "%s/snapshot", dir);
  snprintf(jp, sizeof jp, "%s/journal", dir);
  sbuf = tu_read_file(sp, &slen);
  jbuf = tu_read_file(jp, &jlen);
  if (!sbuf || !jbuf || slen < sizeof hdr) return -1;
  memcpy(&hdr, sbuf, sizeof hdr);
  return rc;
}

static void restore(void) {
  write_file(sp, sbuf, slen);
  write_file(jp, jbuf, jlen);
}

/* ---- the queries and their right answers ------------------------------------ */

#define NQ 9
#define NKEYS 6
static const int key_of[NKEYS] = {1, 2, 500, 998, 997, 4};      /* ev-%04d */
static const int64_t id_of[NKEYS] = {1, 2, 333, 999, 1000, 77}; /* att_store_get */

typedef struct answer {
  int64_t *ids[NQ];
  size_t n[NQ];
  char key_title[NKEYS][32], id_title[NKEYS][32];
} answer;

static void query_of(int k, att_query *q) {
  static const char *const jpn[] = {"JPN"}, *const two[] = {"KHM", "USA"}, *const sec[] = {"security"};
  att_query_init(q);
  switch (k) {
  case 0: break;                                                /* the full list */
  case 1: q->from = 1262304000; q->to = 1356998399; break;      /* 2010-2012 */
  case 2: q->actors = jpn; q->nactors = 1; break;
  case 3: q->tags = sec; q->ntags = 1; break;
  case 4: q->kind = "treaty"; break;
  case 5: q->status = "held"; break;
  case 6: q->actors = two; q->nactors = 2; q->from = 946684800; q->to = 1104537599; break;
  case 7: q->sort = ATT_SORT_ID; break;
  default: q->from = 1577836800; q->kind = "visit"; q->sort = ATT_SORT_ID; /* from 2020 */
  }
}

/* Run every query; -1 if one failed (the message in att_errmsg()). */
static int ask(att_store *st, answer *a) {
  int rc = 0;
  memset(a, 0, sizeof *a);
  for (int k = 0; k < NQ && rc == 0; k++) {
    att_query q;
    query_of(k, &q);
    rc = att_store_query(st, &q, &a->ids[k], &a->n[k]);
  }
  for (int k = 0; k < NKEYS && rc == 0; k++) {
    char key[32];
    att_event ev;
    snprintf(key, sizeof key, "ev-%04d", key_of[k]);
    if ((rc = att_store_get_key(st, key, &ev)) == 0) {
      snprintf(a->key_title[k], sizeof a->key_title[k], "%s", ev.title);
      att_event_free(&ev);
    }
    if (rc == 0 && (rc = att_store_get(st, id_of[k], &ev)) == 0) {
      snprintf(a->id_title[k], sizeof a->id_title[k], "%s", ev.title);
      att_event_free(&ev);
    }
  }
  return rc ? -1 : 0;
}

static void answer_free(answer *a) {
  for (int k = 0; k < NQ; k++) free(a->ids[k]);
}

static int same(const answer *x, const answer *y) {
  for (int k = 0; k < NQ; k++)
    if (x->n[k] != y->n[k] || (x->n[k] && memcmp(x->ids[k], y->ids[k], x->n[k] * sizeof *x->ids[k])))
      return 0;
  for (int k = 0; k < NKEYS; k++)
    if (strcmp(x->key_title[k], y->key_title[k]) || strcmp(x->id_title[k], y->id_title[k])) return 0;
  return 1;
}

static answer truth;

/* ---- one damaged snapshot --------------------------------------------------- */

typedef struct tally {
  long changes, opened, at_open, at_query, by_fsck, unnoticed, wrong, compacted, compact_refused, bad;
  long per_sect[ATT__NSECT];
} tally;

static void complain(tally *t, const char *fmt, size_t at, int sect, const char *what) {
  if (t->bad++ < 8) {
    printf("# byte %zu (%s): ", at, att__snap_sect_name[sect]);
    printf(fmt, what);
    printf("\n");
  }
}

/* After compaction the store must answer every query right. */
static void try_compact(tally *t, size_t at, int sect) {
  att_store_opts o = {0};
  att_store *st;
  answer a;
  o.flags = ATT_OPEN_WRITE;
  o.notice = quiet;
  if (att_store_open(dir, &o, &st) != 0) return;
  if (att_store_compact(st) != 0) {
    t->compact_refused++;
    if (!strstr(att_errmsg(), "snapshot")) complain(t, "compaction refused without naming the snapshot: %s", at, sect, att_errmsg());
    att_store_close(st);
    return;
  }
  att_store_close(st);
  t->compacted++;
  o.flags = ATT_OPEN_READ;
  if (att_store_open(dir, &o, &st) != 0) {
    complain(t, "the compacted store does not open: %s", at, sect, att_errmsg());
    return;
  }
  if (ask(st, &a) != 0) complain(t, "the compacted store fails a query: %s", at, sect, att_errmsg());
  else if (!same(&a, &truth)) complain(t, "%s", at, sect, "compaction laundered the damage: wrong answers after it");
  answer_free(&a);
  att_store_close(st);
  if (att_store_verify(dir, &(att_store_opts){0}) != 0)
    complain(t, "the compacted store does not verify: %s", at, sect, att_errmsg());
}

static void one(tally *t, unsigned char *b, size_t at, int sect, int forged, long cevery) {
  att_store_opts o = {0};
  att_store *st;
  answer a;
  int found = 0;
  long at_open_before = t->at_open;
  t->changes++;
  write_file(sp, b, slen);
  o.notice = quiet;
  if (att_store_open(dir, &o, &st) != 0) {
    found = 1;
    t->at_open++;
    if (!strstr(att_errmsg(), "snapshot")) complain(t, "refused at open without naming the snapshot: %s", at, sect, att_errmsg());
  } else {
    if (ask(st, &a) != 0) {
      found = 1;
      t->at_query++;
      /* A forged id or key is simply not found: a wrong answer, which
       * only the checksums could have prevented. */
      if (!strstr(att_errmsg(), "snapshot")) {
        if (forged) t->wrong++, t->at_query--;
        else complain(t, "a query failed without naming the snapshot: %s", at, sect, att_errmsg());
      }
    } else if (!same(&a, &truth)) {
      t->wrong++;
    }
    answer_free(&a);
    att_store_close(st);
  }
  if (att_store_verify(dir, &o) != 0) {
    if (!found) t->by_fsck++;
    found = 1;
  }
  if (!found) {
    t->unnoticed++;
    t->per_sect[sect]++;
  }
  /* Compaction, where the store opens (the damage then lies in a section
   * verified on first use, or passed its checksum). */
  if (t->at_open == at_open_before && ++t->opened % cevery == 0) try_compact(t, at, sect);
  if (!forged && !found) complain(t, "%s", at, sect, "not found by open, a query or fsck");
  restore();
}

/* Format 2: the index of the block holding byte `rel` of section sect in
 * the block checksums, and the block's bytes [*from, *to) in the file. */
static size_t block_of(const att__shdr *h, int sect, size_t rel, size_t *from, size_t *to) {
  /* the sections with block checksums, in the order of their checksums */
  static const int order[] = {ATT__S_IDTAB, ATT__S_TIME, ATT__S_KEYS, ATT__S_DICT, ATT__S_POST,
                              ATT__S_STR,   ATT__S_VERS, ATT__S_IDIX, ATT__S_TKEY};
  size_t base = 0, bs = sect == ATT__S_IDTAB ? sizeof(att__ident) : ATT__BLK;
  for (size_t k = 0; k < sizeof order / sizeof order[0] && order[k] != sect; k++) {
    int i = order[k];
    size_t b = i == ATT__S_IDTAB ? sizeof(att__ident) : ATT__BLK;
    base += (h->sect[i].len + b - 1) / b;
  }
  *from = h->sect[sect].off + rel / bs * bs;
  *to = *from + bs < h->sect[sect].off + h->sect[sect].len ? *from + bs : h->sect[sect].off + h->sect[sect].len;
  return base + rel / bs;
}

/* One byte changed (xor a random non-zero value) at a random place in each
 * window of `stride` bytes of every index section; compaction tried after
 * one change in `cevery` of those whose store opens. */
static void campaign(int forged, size_t stride, long cevery, tally *t) {
  unsigned char *b = malloc(slen);
  memcpy(b, sbuf, slen);
  memset(t, 0, sizeof *t);
  for (int s = ATT__S_IDTAB; s < ATT__NSECT; s++) {
    size_t off = hdr.sect[s].off, len = hdr.sect[s].len;
    for (size_t w = 0; w < len; w += stride) {
      size_t at = off + w + rnd((unsigned)(len - w < stride ? len - w : stride));
      unsigned char was = b[at];
      b[at] ^= (unsigned char)(1 + rnd(255));
      if (forged) {
        att__shdr h;
        memcpy(&h, b, sizeof h);
        if (s != ATT__S_BCRC && s != ATT__S_SEGS) { /* the block's own checksum first */
          size_t from, to, k = block_of(&h, s, at - off, &from, &to);
          uint32_t c = att_crc32c(0, b + from, to - from);
          memcpy(b + h.sect[ATT__S_BCRC].off + 4 * k, &c, 4);
          h.sect[ATT__S_BCRC].crc = att_crc32c(0, b + h.sect[ATT__S_BCRC].off, h.sect[ATT__S_BCRC].len);
        }
        h.sect[s].crc = att_crc32c(0, b + off, len);
        h.hdr_crc = 0;
        h.hdr_crc = att_crc32c(0, &h, sizeof h);
        memcpy(b, &h, sizeof h);
      }
      one(t, b, at, s, forged, cevery);
      b[at] = was;
      if (forged) {
        memcpy(b, sbuf, sizeof hdr);
        memcpy(b + hdr.sect[ATT__S_BCRC].off, sbuf + hdr.sect[ATT__S_BCRC].off, hdr.sect[ATT__S_BCRC].len);
      }
    }
  }
  free(b);
}

/* Format 2, one block: damage in one id table entry fails the reads of
 * that entry only, each time, naming the section and the bytes. */
static void test_blocks(void) {
  unsigned char *b = malloc(slen);
  att_store *st;
  att_event ev;
  size_t at = hdr.sect[ATT__S_IDTAB].off + 332 * sizeof(att__ident) + 9; /* event 333's earliest */
  int rc1, rc2, rc3;
  char msg[512];
  memcpy(b, sbuf, slen);
  b[at] ^= 0x40;
  write_file(sp, b, slen);
  free(b);
  if (!ok(att_store_open(dir, &(att_store_opts){0}, &st) == 0, "a damaged id table entry: the store opens (%s)",
          att_errmsg())) {
    restore();
    return;
  }
  rc1 = att_store_get(st, 333, &ev);
  snprintf(msg, sizeof msg, "%s", att_errmsg());
  if (rc1 == 0) att_event_free(&ev);
  rc2 = att_store_get(st, 333, &ev);
  if (rc2 == 0) att_event_free(&ev);
  rc3 = att_store_get(st, 1000, &ev);
  if (rc3 == 0) att_event_free(&ev);
  is_int(rc1, ATT_ECORRUPT, "reading the damaged entry fails: %s", msg);
  {
    char want[96];
    snprintf(want, sizeof want, "bytes %llu to %llu", (unsigned long long)(at - 9),
             (unsigned long long)(at - 9 + sizeof(att__ident)));
    ok(strstr(msg, "snapshot") && strstr(msg, "id table") && strstr(msg, want),
       "... naming the snapshot, the section and %s", want);
  }
  is_int(rc2, ATT_ECORRUPT, "... and again: a failed block is never taken as good");
  is_int(rc3, 0, "an entry in another block reads");
  {
    att_query q;
    int64_t *ids = NULL;
    size_t n = 0;
    query_of(0, &q); /* by date: from the time bounds (format 5), no id table read */
    is_int(att_store_query(st, &q, &ids, &n), 0, "the full list by date answers from the time bounds");
    is_int((long long)n, NEV, "... every event, 333 among them");
    free(ids);
    ids = NULL;
    {
      /* by id, a month's few candidates: their ids from the time bounds
       * too (before, each hit's id was read back from the id table) */
      int has = 0;
      query_of(0, &q);
      q.from = 1283299200; /* 2010-09, event 333's month */
      q.to = 1285891199;
      q.sort = ATT_SORT_ID;
      int rq = att_store_query(st, &q, &ids, &n);
      is_int(rq, 0, "a month's list by id answers from the time bounds%s%s", rq ? ": " : "",
             rq ? att_errmsg() : "");
      for (size_t i = 0; i < n; i++) has |= ids[i] == 333;
      ok(has && n < NEV / 4, "... 333 among its %zu events", n);
      for (size_t i = 1; i < n; i++)
        if (ids[i - 1] >= ids[i]) {
          ok(0, "... in id order (%lld before %lld)", (long long)ids[i - 1], (long long)ids[i]);
          break;
        }
      free(ids);
      ids = NULL;
      query_of(0, &q);
    }
    q.sort = ATT_SORT_CREATED; /* reads every entry: the table is verified in one pass first */
    is_int(att_store_query(st, &q, &ids, &n), ATT_ECORRUPT, "the full list by creation fails: %s",
           att_errmsg());
    free(ids);
  }
  att_store_close(st);
  restore();
}

/* What open no longer reads (at 10M events, 60 MB at every command):
 * damage to a block's checksum is found by the read of that block and
 * named as the block checksums' damage; damage to the key index is
 * found by the first key looked up, while reads by id go on. */
static void test_lazy(void) {
  unsigned char *b = malloc(slen);
  att_store *st;
  att_event ev;
  int rc;
  /* the checksum of the id table entry of event 333 (block 332) */
  memcpy(b, sbuf, slen);
  b[hdr.sect[ATT__S_BCRC].off + 4 * 332 + 1] ^= 0x10;
  write_file(sp, b, slen);
  if (ok(att_store_open(dir, &(att_store_opts){0}, &st) == 0,
         "a damaged block checksum: the store opens (%s)", att_errmsg())) {
    rc = att_store_get(st, 1000, &ev);
    if (rc == 0) att_event_free(&ev);
    is_int(rc, 0, "an event whose checksum is intact reads");
    rc = att_store_get(st, 333, &ev);
    if (rc == 0) att_event_free(&ev);
    is_int(rc, ATT_ECORRUPT, "the event whose checksum is damaged fails");
    ok(strstr(att_errmsg(), "block checksums") != NULL,
       "... naming the block checksums, not the intact entry: %s", att_errmsg());
    att_store_close(st);
  }
  /* a byte of the key index */
  memcpy(b, sbuf, slen);
  b[hdr.sect[ATT__S_KEYS].off + 8 * (hdr.nkeys / 2) + 2] ^= 0x01;
  write_file(sp, b, slen);
  if (ok(att_store_open(dir, &(att_store_opts){0}, &st) == 0,
         "a damaged key index: the store opens (%s)", att_errmsg())) {
    rc = att_store_get(st, 500, &ev);
    if (rc == 0) att_event_free(&ev);
    is_int(rc, 0, "an event read by id");
    rc = att_store_get_key(st, "ev-0500", &ev);
    if (rc == 0) att_event_free(&ev);
    ok(rc == ATT_ECORRUPT && strstr(att_errmsg(), "key index"),
       "the first key looked up finds the damage: %s", att_errmsg());
    att_store_close(st);
  }
  free(b);
  restore();
}

/* A version-1 snapshot (no block checksums) opens, answers, is verified
 * as version 1 was (the id table at open, the time index and postings on
 * first use), and compaction writes version 2. */
static void test_v1(void) {
  char d1[PATH_MAX], p1[PATH_MAX + 16];
  att_store_opts o = {0};
  att_store *st;
  answer a;
  unsigned char *v1;
  size_t n1 = 0;
  att__shdr h;
  snprintf(d1, sizeof d1, "%s/v1", root);
  snprintf(p1, sizeof p1, "%s/snapshot", d1);
  o.flags = ATT_OPEN_WRITE;
  att__test_snap_version = 1;
  if (att_store_init(d1) == 0 && att_store_open(d1, &o, &st) == 0) {
    int rc = att_store_begin(st);
    for (int i = 0; rc == 0 && i < NEV; i++) rc = add(st, i);
    if (rc == 0) rc = att_store_commit(st);
    if (rc == 0) rc = att_store_compact(st);
    att_store_close(st);
  }
  att__test_snap_version = 0;
  v1 = tu_read_file(p1, &n1);
  if (!ok(v1 && n1 > sizeof h, "a version-1 snapshot written")) return;
  memcpy(&h, v1, sizeof h);
  ok(h.version == 1 && h.sect[ATT__S_BCRC].off == 0 && h.sect[ATT__S_BCRC].len == 0,
     "... version %u, no block checksums", h.version);
  o.flags = ATT_OPEN_READ;
  ok(att_store_open(d1, &o, &st) == 0 && ask(st, &a) == 0, "it opens and answers: %s", att_errmsg());
  ok(same(&a, &truth), "... the same as version 2");
  answer_free(&a);
  att_store_close(st);
  is_int(att_store_verify(d1, &(att_store_opts){0}), 0, "fsck finds it intact");
  { /* the id table, verified whole at open */
    unsigned char *b = malloc(n1);
    memcpy(b, v1, n1);
    b[h.sect[ATT__S_IDTAB].off + 100] ^= 1;
    write_file(p1, b, n1);
    ok(att_store_open(d1, &o, &st) != 0 && strstr(att_errmsg(), "id table"),
       "version 1: id table damage is refused at open: %s", att_errmsg());
    memcpy(b, v1, n1);
    b[h.sect[ATT__S_TIME].off + 8] ^= 1;
    write_file(p1, b, n1);
    if (ok(att_store_open(d1, &o, &st) == 0, "version 1: time index damage: the store opens")) {
      att_query q;
      int64_t *ids = NULL;
      size_t n = 0;
      query_of(1, &q);
      ok(att_store_query(st, &q, &ids, &n) == ATT_ECORRUPT && strstr(att_errmsg(), "time index"),
         "... a time query finds it: %s", att_errmsg());
      free(ids);
      att_store_close(st);
    }
    write_file(p1, v1, n1);
    free(b);
  }
  o.flags = ATT_OPEN_WRITE;
  if (att_store_open(d1, &o, &st) == 0) {
    is_int(att_store_compact(st), 0, "the version-1 store compacts");
    att_store_close(st);
  }
  free(v1);
  v1 = tu_read_file(p1, &n1);
  if (v1 && n1 > sizeof h) memcpy(&h, v1, sizeof h);
  ok(v1 && h.version == ATT__SVERSION && h.sect[ATT__S_BCRC].len > 0, "... into version %u, with block checksums",
     h.version);
  free(v1);
  o.flags = ATT_OPEN_READ;
  ok(att_store_open(d1, &o, &st) == 0 && ask(st, &a) == 0 && same(&a, &truth),
     "... which answers the same: %s", att_errmsg());
  answer_free(&a);
  att_store_close(st);
}

int main(void) {
  att_store *st;
  tally t;
  light = tu_light();
  snprintf(root, sizeof root, "%s/att-idx-XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
  if (!mkdtemp(root)) return 1;
  snprintf(dir, sizeof dir, "%s/s", root);
  if (!ok(build() == 0, "a compacted store of %d events: %s", NEV, att_errmsg())) {
    rmrf(root);
    return done_testing();
  }
  {
    size_t idx = 0;
    for (int s = ATT__S_IDTAB; s < ATT__NSECT; s++) {
      idx += hdr.sect[s].len;
      printf("# %s: %llu bytes\n", att__snap_sect_name[s], (unsigned long long)hdr.sect[s].len);
    }
    ok(hdr.count == NEV && hdr.nkeys > 600 && hdr.sect[ATT__S_POST].len > 4 * 3 * NEV,
       "snapshot of %zu bytes, %zu in index sections; %llu keys", slen, idx,
       (unsigned long long)hdr.nkeys);
    size_t nb = NEV; /* one per id table entry, one per ATT__BLK bytes of the others */
    for (int s = ATT__S_TIME; s <= ATT__S_STR; s++) nb += (hdr.sect[s].len + ATT__BLK - 1) / ATT__BLK;
    nb += (hdr.sect[ATT__S_VERS].len + ATT__BLK - 1) / ATT__BLK; /* format 3: the versions */
    nb += (hdr.sect[ATT__S_TKEY].len + ATT__BLK - 1) / ATT__BLK; /* format 5: the time bounds */
    ok(hdr.version == ATT__SVERSION && hdr.sect[ATT__S_BCRC].len == 4 * nb,
       "format %u: %llu block checksums (one per id table entry, one per %u bytes of the others)",
       hdr.version, (unsigned long long)hdr.sect[ATT__S_BCRC].len / 4, ATT__BLK);
  }
  {
    int rc = att_store_open(dir, &(att_store_opts){0}, &st);
    if (rc == 0) rc = ask(st, &truth);
    ok(rc == 0, "the intact store answers every query: %zu, %zu, %zu, %zu, %zu, %zu, %zu, %zu, %zu events",
       truth.n[0], truth.n[1], truth.n[2], truth.n[3], truth.n[4], truth.n[5], truth.n[6], truth.n[7],
       truth.n[8]);
    att_store_close(st);
  }
  ok(truth.n[0] == NEV && truth.n[1] > 0 && truth.n[2] > 0 && truth.n[3] > 0 && truth.n[4] > 0 &&
     truth.n[5] > 0 && truth.n[6] > 0 && truth.n[8] > 0, "every query has answers");

  test_blocks();
  test_lazy();
  test_v1();

  campaign(0, light ? 577 : PLAIN_STRIDE, light ? 16 : 4, &t);
  printf("# plain: %ld changes: %ld refused at open, %ld found by a query, %ld by fsck only, "
         "%ld unnoticed\n", t.changes, t.at_open, t.at_query, t.by_fsck, t.unnoticed);
  printf("# plain: compaction of the %ld stores that opened: %ld refused, %ld compacted\n",
         t.changes - t.at_open, t.compact_refused, t.compacted);
  is_int(t.bad, 0, "plain damage, %ld single-byte changes of the index sections: each found (%ld at "
         "open, %ld by a query, %ld by fsck only), each error naming the snapshot, no crash; "
         "compaction refuses or rebuilds right", t.changes, t.at_open, t.at_query, t.by_fsck);
  is_int(t.unnoticed, 0, "no plain change unnoticed");

  campaign(1, light ? 777 : 64, light ? 16 : 8, &t);
  printf("# forged (checksums recomputed): %ld changes: %ld refused at open, %ld failed a query, "
         "%ld wrong answers without an error, %ld found by fsck only, %ld unnoticed by all\n",
         t.changes, t.at_open, t.at_query, t.wrong, t.by_fsck, t.unnoticed);
  for (int s = ATT__S_IDTAB; s < ATT__NSECT; s++)
    if (t.per_sect[s]) printf("#   unnoticed in the %s: %ld\n", att__snap_sect_name[s], t.per_sect[s]);
  printf("# forged: compaction: %ld refused, %ld compacted\n", t.compact_refused, t.compacted);
  /* Every byte of a time bounds entry says something the id table also
   * says: fsck compares them. */
  is_int(t.per_sect[ATT__S_TKEY], 0, "forged changes to the time bounds: each found, by fsck at least");
  is_int(t.bad, 0, "forged damage, %ld changes with their checksums recomputed: no crash, every "
         "error names the snapshot; compaction refuses (%ld) or rebuilds a store whose every "
         "query is right (%ld)", t.changes, t.compact_refused, t.compacted);
  if (light) printf("# light mode (valgrind): one byte in 577 (forged: in 777), compaction after one in 16\n");
  answer_free(&truth);
  rmrf(root);
  return done_testing();
}
