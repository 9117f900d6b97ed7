/*
 * Writing a snapshot (layout in store_int.h and docs/store.md).  The writer
 * takes each event's stored JSON and the few fields its indexes need, never
 * a parsed event, so compaction copies records from the old snapshot
 * without parsing them.  Index values are interned and ranked once, and the
 * (field, value, position) postings are sorted as 64-bit integers.
 * Written to a temporary name and synced; store.c renames it into place.
 * The writes go to the disk as they are made, a few MiB at a time
 * (sync_file_range), rather than all at the final sync: a snapshot of a
 * large store left dirty in memory would be flushed at once, and every
 * other writer's sync on the same disk (the daemon's adds) would wait
 * behind it.
 */
#define _GNU_SOURCE /* sync_file_range */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crc32c.h"
#include "error.h"
#include "fault.h"
#include "spill.h"
#include "store_int.h"

int att__test_snap_version;
/* The format written: the current one, or the one a test asks for. */
#define SNAPV ((uint32_t)(att__test_snap_version ? att__test_snap_version : ATT__SVERSION))

/* ---- a buffered writer that tracks offsets and section checksums ------- */

/* While `blocks` is set (an index section), the writer also keeps one
 * CRC-32C per block of `bsize` bytes from the section's start (bcrc, nb):
 * an entry of the id table, ATT__BLK bytes of the other sections. */
typedef struct wr {
  FILE *f;
  uint64_t off;
  uint64_t flushed; /* written to the disk up to here (wr_trickle) */
  uint32_t crc;
  int err;
  int blocks;
  size_t bsize;
  uint64_t sect_off; /* where the current section starts */
  uint32_t bcrc;     /* the current block's checksum so far */
  att__tape bcrcs;   /* the finished blocks' */
} wr;

static void wr_block_end(wr *w) {
  att__tape_put(&w->bcrcs, &w->bcrc, sizeof w->bcrc);
  if (w->bcrcs.err && !w->err) w->err = w->bcrcs.err;
  w->bcrc = 0;
}

/* Send what was written since the last call to the disk, once there is
 * WINDOW of it, and wait for the window before that one to be written:
 * never more than two windows dirty.  Only pacing: errors are the final
 * sync's to report. */
#define WINDOW (4u << 20)
static void wr_trickle(wr *w) {
  int fd;
  if (w->off - w->flushed < WINDOW || fflush(w->f) != 0) return;
  fd = fileno(w->f);
  if (w->flushed >= WINDOW)
    (void)sync_file_range(fd, (off_t)(w->flushed - WINDOW), WINDOW,
                          SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
  (void)sync_file_range(fd, (off_t)w->flushed, (off_t)(w->off - w->flushed), SYNC_FILE_RANGE_WRITE);
  w->flushed = w->off;
}

static void wr_put(wr *w, const void *p, size_t n) {
  if (n == 0 || w->err) return;
  if (att__fault(ATT_FAULT_WRITE)) w->err = errno;
  else if (fwrite(p, 1, n, w->f) != n) w->err = errno ? errno : EIO;
  w->crc = att_crc32c(w->crc, p, n);
  if (w->blocks) {
    const unsigned char *c = p;
    uint64_t pos = w->off - w->sect_off;
    size_t left = n;
    while (left) {
      size_t room = w->bsize - (size_t)(pos % w->bsize), take = left < room ? left : room;
      w->bcrc = att_crc32c(w->bcrc, c, take);
      c += take;
      left -= take;
      pos += take;
      if (pos % w->bsize == 0) wr_block_end(w);
    }
  }
  w->off += n;
  wr_trickle(w);
}

static void wr_align(wr *w) {
  static const unsigned char zero[8];
  if (w->off % 8) wr_put(w, zero, 8 - w->off % 8);
}

static void sect_begin(wr *w, att__shdr *h, int s) {
  wr_align(w);
  h->sect[s].off = w->off;
  w->crc = 0;
  w->sect_off = w->off;
  w->bcrc = 0;
  w->blocks = (s >= ATT__S_IDTAB && s <= ATT__S_STR) || s == ATT__S_VERS || s == ATT__S_IDIX ||
              s == ATT__S_TKEY;
  w->bsize = s == ATT__S_IDTAB ? sizeof(att__ident) : ATT__BLK;
}

static void sect_end(wr *w, att__shdr *h, int s) {
  h->sect[s].len = w->off - h->sect[s].off;
  h->sect[s].crc = w->crc;
  if (w->blocks && h->sect[s].len % w->bsize) wr_block_end(w); /* a short last block */
  w->blocks = 0;
}

/* ---- time classes ------------------------------------------------------- */

static int span_class(att_time e, att_time l) {
  uint64_t span;
  if (e == ATT_TIME_MIN || l == ATT_TIME_MAX) return ATT__NCLASS - 1;
  span = (uint64_t)l - (uint64_t)e;
  if (span < 86400ull) return 0;
  if (span < 32ull * 86400) return 1;
  if (span < 400ull * 86400) return 2;
  if (span < 4000ull * 86400) return 3;
  return 4;
}

/* The records of the external sorts: a time key; (id, position) of a
 * history segment's IDIX; a key is (position, its bytes). */
typedef struct tkey { int64_t e, l, id; uint32_t ord; int32_t cls; } tkey;
typedef struct idpos { int64_t id; uint64_t ord; } idpos;

static int tkey_cmp(const void *a, size_t na, const void *b, size_t nb) {
  tkey x, y;
  (void)na;
  (void)nb;
  memcpy(&x, a, sizeof x);
  memcpy(&y, b, sizeof y);
  if (x.cls != y.cls) return x.cls < y.cls ? -1 : 1;
  if (x.e != y.e) return x.e < y.e ? -1 : 1;
  if (x.l != y.l) return x.l < y.l ? -1 : 1;
  if (x.id != y.id) return x.id < y.id ? -1 : 1;
  return x.ord < y.ord ? -1 : x.ord > y.ord; /* versions of one event */
}

static int idpos_cmp(const void *a, size_t na, const void *b, size_t nb) {
  idpos x, y;
  (void)na;
  (void)nb;
  memcpy(&x, a, sizeof x);
  memcpy(&y, b, sizeof y);
  if (x.id != y.id) return x.id < y.id ? -1 : 1;
  return x.ord < y.ord ? -1 : x.ord > y.ord;
}

/* Keys in byte order (strcmp's), then by position: the same key may be
 * in several versions of a history segment. */
static int keyrec_cmp(const void *a, size_t na, const void *b, size_t nb) {
  size_t m = (na < nb ? na : nb) - 4;
  int c = memcmp((const char *)a + 4, (const char *)b + 4, m);
  uint32_t x, y;
  if (c) return c;
  if (na != nb) return na < nb ? -1 : 1;
  memcpy(&x, a, 4);
  memcpy(&y, b, 4);
  return x < y ? -1 : x > y;
}

/* ---- interned index values ---------------------------------------------- */

typedef struct intern {
  struct slot { uint64_t hash; uint32_t sid; } *slots;
  size_t nslots;
  const char **str; /* by sid */
  uint32_t n, cap;
} intern;

static uint64_t hash_str(const char *s) {
  uint64_t h = 0xcbf29ce484222325ull;
  while (*s) h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
  return h | 1;
}

static int intern_grow(intern *t) {
  size_t ns = t->nslots ? t->nslots * 2 : 1024;
  struct slot *s = att__fault(ATT_FAULT_ALLOC) ? NULL : calloc(ns, sizeof *s);
  if (!s) return -1;
  for (size_t i = 0; i < t->nslots; i++) {
    size_t j;
    if (!t->slots[i].hash) continue;
    for (j = t->slots[i].hash & (ns - 1); s[j].hash; j = (j + 1) & (ns - 1)) {}
    s[j] = t->slots[i];
  }
  free(t->slots);
  t->slots = s;
  t->nslots = ns;
  return 0;
}

/* The id of string s (which must outlive the table; *isnew says whether
 * it was added now, for the caller to put a copy of its own in its
 * place); -1 on no memory. */
static int64_t intern_id(intern *t, const char *s, int *isnew) {
  uint64_t h = hash_str(s);
  size_t i;
  *isnew = 0;
  if ((t->n + 1) * 2 > t->nslots && intern_grow(t)) return -1;
  for (i = h & (t->nslots - 1); t->slots[i].hash; i = (i + 1) & (t->nslots - 1))
    if (t->slots[i].hash == h && strcmp(t->str[t->slots[i].sid], s) == 0) return t->slots[i].sid;
  *isnew = 1;
  if (t->n == t->cap) {
    uint32_t c = t->cap ? t->cap * 2 : 1024;
    const char **v = realloc(t->str, c * sizeof *v);
    if (!v) return -1;
    t->str = v;
    t->cap = c;
  }
  t->str[t->n] = s;
  t->slots[i].hash = h;
  t->slots[i].sid = t->n;
  return t->n++;
}

static const char **g_rank_str; /* qsort has no context argument in C11 */
static int sid_cmp(const void *a, const void *b) {
  return strcmp(g_rank_str[*(const uint32_t *)a], g_rank_str[*(const uint32_t *)b]);
}

/* ---- the writer's state ---------------------------------------------------- */

/* Copies of strings of events the caller will free (imports), in chunks. */
typedef struct arena { char **chunks; size_t nchunks, used, size; } arena;

static const char *arena_dup(arena *a, const char *s) {
  size_t n = strlen(s) + 1;
  if (a->nchunks == 0 || a->used + n > a->size) {
    size_t sz = n > (1u << 16) ? n : (1u << 16);
    char **c = realloc(a->chunks, (a->nchunks + 1) * sizeof *c);
    if (!c) return NULL;
    a->chunks = c;
    if (!(c[a->nchunks] = malloc(sz))) return NULL;
    a->nchunks++;
    a->used = 0;
    a->size = sz;
  }
  memcpy(a->chunks[a->nchunks - 1] + a->used, s, n);
  a->used += n;
  return a->chunks[a->nchunks - 1] + a->used - n;
}

/*
 * What grows with the number of events is never held whole in memory:
 * the id table and the versions go to tapes in position order, the time
 * keys, postings, keys and (id, position) pairs to external sorts, each
 * within att__spill_budget bytes; finish reads them back in the order of
 * the file's sections.  What stays in memory grows with the number of
 * distinct values (actors, kinds, statuses, tags, authors, reasons).
 */
struct att__snapw {
  char *path;
  char *dir; /* for the tapes */
  int fd;
  wr w;
  att__shdr h;
  att__tape ids;  /* att__ident by position */
  att__tape vers; /* att__vers by position; author and reason as ids in hs */
  att__xsort *tk, *post, *keys, *idix;
  size_t n;
  uint64_t nkeys, keybytes;
  int64_t last_id;
  uint64_t last_seq;
  intern in;
  intern hs; /* authors and reasons (not ranked) */
  uint32_t kind;
  uint64_t next_seq;
  int64_t last_tx;
  att__segent *segs;
  size_t nsegs;
  arena ar;
  const att_store_opts *o;
  uint64_t expect;
  att__dupkey *dup;
  int keys_done;   /* att__snapw_keys ran */
  att__tape kents; /* the key index, its string offsets from the first key's */
  att__tape kstr;  /* the keys, in that order, each with its NUL */
};

/* field << 61 | sid << 32 | position: sorted as integers, a value's
 * postings come together in position order.  0 or an errno. */
static int sw_post(att__snapw *s, int field, const char *value, uint32_t ord, int copy) {
  int isnew;
  int64_t sid = intern_id(&s->in, value, &isnew);
  uint64_t p;
  if (sid < 0) return ENOMEM;
  if (copy && isnew) {
    /* A new value: keep our own copy of it. */
    const char *c = arena_dup(&s->ar, value);
    if (!c) return ENOMEM;
    s->in.str[sid] = c;
  }
  p = (uint64_t)field << 61 | (uint64_t)sid << 32 | ord;
  return att__xsort_put(s->post, &p, sizeof p);
}

/* The id of an author or reason in hs (copied), ATT__NOSTR on no memory. */
static uint32_t hs_id(att__snapw *s, const char *str) {
  int isnew;
  int64_t sid = intern_id(&s->hs, str, &isnew);
  if (sid < 0) return ATT__NOSTR;
  if (isnew) {
    const char *c = arena_dup(&s->ar, str);
    if (!c) return ATT__NOSTR;
    s->hs.str[sid] = c;
  }
  return (uint32_t)sid;
}

void att__snapw_history(att__snapw *s, uint32_t kind, uint64_t next_seq, int64_t last_tx,
                        const att__segent *segs, size_t nsegs) {
  s->kind = kind;
  s->next_seq = next_seq;
  s->last_tx = last_tx;
  free(s->segs);
  s->segs = NULL;
  s->nsegs = 0;
  if (nsegs && (s->segs = malloc(nsegs * sizeof *segs)) != NULL) {
    memcpy(s->segs, segs, nsegs * sizeof *segs);
    s->nsegs = nsegs;
  } else if (nsegs) {
    s->w.err = ENOMEM;
  }
}

static void sw_free(att__snapw *s) {
  att__tape_free(&s->ids);
  att__tape_free(&s->vers);
  att__xsort_free(s->tk);
  att__xsort_free(s->post);
  att__xsort_free(s->keys);
  att__xsort_free(s->idix);
  free(s->in.slots);
  free(s->in.str);
  free(s->hs.slots);
  free(s->hs.str);
  free(s->segs);
  for (size_t i = 0; i < s->ar.nchunks; i++) free(s->ar.chunks[i]);
  free(s->ar.chunks);
  free(s->path);
  free(s->dir);
  att__tape_free(&s->w.bcrcs);
  att__tape_free(&s->kents);
  att__tape_free(&s->kstr);
  free(s);
}

/* ---- the writer ------------------------------------------------------------- */

int att__snapw_begin(const char *path, const att_store_opts *o, uint64_t expect, att__snapw **out) {
  att__snapw *s = calloc(1, sizeof *s);
  char *slash;
  *out = NULL;
  if (!s || !(s->path = strdup(path)) || !(s->dir = strdup(path))) {
    if (s) free(s->path);
    free(s);
    return att__err(ATT_ENOMEM, "out of memory writing snapshot \"%s\"", path);
  }
  if ((slash = strrchr(s->dir, '/')) != NULL) *slash = '\0';
  else strcpy(s->dir, ".");
  s->o = o;
  s->expect = expect;
  att__tape_init(&s->ids, s->dir, att__spill_budget / 4);
  att__tape_init(&s->vers, s->dir, att__spill_budget / 4);
  att__tape_init(&s->w.bcrcs, s->dir, att__spill_budget / 8);
  att__tape_init(&s->kents, s->dir, att__spill_budget / 8);
  att__tape_init(&s->kstr, s->dir, att__spill_budget / 8);
  s->fd = -1;
  if (!(s->tk = att__xsort_new(s->dir, sizeof(tkey), tkey_cmp)) ||
      !(s->post = att__xsort_new(s->dir, 8, NULL)) || !(s->keys = att__xsort_new(s->dir, 0, keyrec_cmp)) ||
      !(s->idix = att__xsort_new(s->dir, sizeof(idpos), idpos_cmp))) {
    sw_free(s);
    return att__err(ATT_ENOMEM, "out of memory writing snapshot \"%s\"", path);
  }
  s->fd = att__create_tmp(path, O_WRONLY, 0600);
  if (s->fd < 0) {
    int rc = s->fd;
    sw_free(s);
    return rc;
  }
  s->w.f = fdopen(s->fd, "wb");
  if (!s->w.f) {
    int e = errno;
    close(s->fd);
    unlink(path);
    sw_free(s);
    return att__err(ATT_EIO, "cannot write \"%s\": %s", path, strerror(e));
  }
  setvbuf(s->w.f, NULL, _IOFBF, 1 << 20);
  {
    unsigned char zero[ATT__SHDR] = {0};
    wr_put(&s->w, zero, sizeof zero);
  }
  sect_begin(&s->w, &s->h, ATT__S_RECS);
  *out = s;
  return 0;
}

/* The message for a writer that failed with errno e. */
static int sw_fail(const att__snapw *s, int e) {
  if (e == ENOMEM) return att__err(ATT_ENOMEM, "out of memory writing snapshot \"%s\"", s->path);
  return att__err(ATT_EIO, "cannot write snapshot \"%s\" (or its temporary files in \"%s\"): %s", s->path,
                  s->dir, strerror(e));
}

int att__snapw_put(att__snapw *s, const att__snapin *in, int copy) {
  uint32_t crc, ord = (uint32_t)s->n;
  att__ident id;
  att__vers v;
  tkey tk;
  int e;
  if (s->n >= UINT32_MAX)
    return att__err(ATT_ERANGE, "a snapshot holds at most %u events", UINT32_MAX - 1);
  if (s->n > 0 && (s->kind == ATT__K_HIST ? in->v.seq_from <= s->last_seq : in->id <= s->last_id))
    return att__err(ATT_EINVAL, "internal: snapshot input out of %s order at event %lld",
                    s->kind == ATT__K_HIST ? "change" : "id", (long long)in->id);
  crc = att_crc32c(0, in->json, in->len);
  id = (att__ident){in->id, in->bounds.earliest, in->bounds.latest, in->created, in->updated, s->w.off};
  att__tape_put(&s->ids, &id, sizeof id);
  tk = (tkey){in->bounds.earliest, in->bounds.latest, in->id, ord,
              span_class(in->bounds.earliest, in->bounds.latest)};
  if ((e = att__xsort_put(s->tk, &tk, sizeof tk)) != 0) goto fail;
  if (in->key) {
    size_t kl = strlen(in->key);
    unsigned char rec[ATT__XS_MAXREC];
    if (kl > ATT__XS_MAXREC - 4)
      return att__err(ATT_ERANGE, "event %lld: a key of %zu bytes is longer than a snapshot holds (%d)",
                      (long long)in->id, kl, ATT__XS_MAXREC - 4);
    memcpy(rec, &ord, 4);
    memcpy(rec + 4, in->key, kl);
    if ((e = att__xsort_put(s->keys, rec, 4 + kl)) != 0) goto fail;
    s->nkeys++;
    s->keybytes += kl + 1;
  }
  if (s->kind == ATT__K_HIST) {
    idpos ip = {in->id, ord};
    if ((e = att__xsort_put(s->idix, &ip, sizeof ip)) != 0) goto fail;
  }
  wr_put(&s->w, &in->len, 4);
  wr_put(&s->w, &crc, 4);
  wr_put(&s->w, in->json, in->len);
  for (size_t k = 0; k < in->nactors; k++)
    if ((e = sw_post(s, ATT__F_ACTOR, in->actors[k], ord, copy)) != 0) goto fail;
  if (in->kind && (e = sw_post(s, ATT__F_KIND, in->kind, ord, copy)) != 0) goto fail;
  if (in->status && (e = sw_post(s, ATT__F_STATUS, in->status, ord, copy)) != 0) goto fail;
  if (in->recurs && SNAPV >= 4 && (e = sw_post(s, ATT__F_STATUS, ATT__RECUR_MARK, ord, 0)) != 0)
    goto fail;
  for (size_t k = 0; k < in->ntags; k++)
    if ((e = sw_post(s, ATT__F_TAG, in->tags[k], ord, copy)) != 0) goto fail;
  v = in->v;
  v.author = v.reason = ATT__NOSTR;
  e = ENOMEM;
  if (in->author && (v.author = hs_id(s, in->author)) == ATT__NOSTR) goto fail;
  if (in->reason && (v.reason = hs_id(s, in->reason)) == ATT__NOSTR) goto fail;
  att__tape_put(&s->vers, &v, sizeof v);
  s->last_id = in->id;
  s->last_seq = in->v.seq_from;
  s->n++;
  if (s->o && s->o->progress && (s->n % 65536 == 0 || s->n == s->expect))
    s->o->progress(s->o->ud, "writing snapshot", s->n, s->expect > s->n ? s->expect : s->n);
  if ((e = s->ids.err ? s->ids.err : s->vers.err ? s->vers.err : s->w.err) != 0) goto fail;
  return 0;
fail:
  return sw_fail(s, e);
}

uint64_t att__snapw_count(const att__snapw *s) { return s->n; }

void att__snapw_dupkey(att__snapw *s, att__dupkey *out) {
  s->dup = out;
  memset(out, 0, sizeof *out);
}

/* Two events of a main snapshot at positions x and y hold key k. */
static int dup_key(att__snapw *s, uint32_t x, uint32_t y, const char *k, size_t kl) {
  att__ident a, b;
  int e;
  if ((e = att__tape_read(&s->ids, (uint64_t)x * sizeof a, &a, sizeof a)) != 0 ||
      (e = att__tape_read(&s->ids, (uint64_t)y * sizeof b, &b, sizeof b)) != 0)
    return sw_fail(s, e);
  if (s->dup) {
    size_t n = kl < sizeof s->dup->key - 1 ? kl : sizeof s->dup->key - 1;
    s->dup->a = a.id < b.id ? a.id : b.id;
    s->dup->b = a.id < b.id ? b.id : a.id;
    memcpy(s->dup->key, k, n);
    s->dup->key[n] = '\0';
  }
  return att__err(ATT_EEXISTS, "key \"%.*s\" is held by two events (%lld and %lld); keys are unique",
                  (int)kl, k, (long long)(a.id < b.id ? a.id : b.id), (long long)(a.id < b.id ? b.id : a.id));
}

void att__snapw_abort(att__snapw *s) {
  if (!s) return;
  fclose(s->w.f);
  unlink(s->path);
  sw_free(s);
}

/* Copy n bytes of tape t from off into the file. */
static int copy_tape(wr *w, att__tape *t, uint64_t off, uint64_t n) {
  unsigned char buf[65536];
  while (n) {
    size_t k = n < sizeof buf ? (size_t)n : sizeof buf;
    int e = att__tape_read(t, off, buf, k);
    if (e) return e;
    wr_put(w, buf, k);
    off += k;
    n -= k;
  }
  return w->err;
}

int att__snapw_keys(att__snapw *s) {
  char prev[ATT__XS_MAXREC];
  const void *rec;
  size_t rn, pl = 0;
  uint32_t pord = 0, off = 0;
  int e, more;
  if (s->keys_done) return 0;
  s->keys_done = 1;
  if ((e = att__xsort_done(s->keys)) != 0) return sw_fail(s, e);
  while ((more = att__xsort_next(s->keys, &rec, &rn)) > 0) {
    att__keyent k;
    memcpy(&k.ord, rec, 4);
    if (s->kind != ATT__K_HIST) {
      /* Equal keys come together: this one against the one before. */
      if (off > 0 && rn - 4 == pl && memcmp(prev, (const char *)rec + 4, pl) == 0)
        return dup_key(s, pord, k.ord, prev, pl);
      pl = rn - 4;
      pord = k.ord;
      memcpy(prev, (const char *)rec + 4, pl);
    }
    k.str = off;
    att__tape_put(&s->kents, &k, sizeof k);
    att__tape_put(&s->kstr, (const char *)rec + 4, rn - 4);
    att__tape_put(&s->kstr, "", 1);
    off += (uint32_t)(rn - 4 + 1);
  }
  if (more < 0) return sw_fail(s, -more);
  if ((e = s->kents.err ? s->kents.err : s->kstr.err) != 0) return sw_fail(s, e);
  att__xsort_free(s->keys);
  s->keys = NULL;
  return 0;
}

/* A value's postings after the merge: where they are in the tape of
 * positions, and how many. */
typedef struct group { uint64_t fs; uint64_t start, count; } group;

int att__snapw_finish(att__snapw *s, uint64_t gen, uint64_t next_id) {
  att__shdr *hp = &s->h;
  wr *w = &s->w;
  uint32_t *rank = NULL, *bysid = NULL;
  uint64_t *stroff = NULL, keybase = 0, hsbase = 0, *hsoff = NULL, *gorder = NULL;
  group *groups = NULL;
  size_t ngroups = 0, cgroups = 0;
  att__tape ords, tks;
  const void *rec;
  size_t rn;
  int rc = 0, e = 0, more;
  unsigned char hbuf[ATT__SHDR];

  att__tape_init(&ords, s->dir, att__spill_budget / 4);
  att__tape_init(&tks, s->dir, att__spill_budget / 8);
  sect_end(w, hp, ATT__S_RECS);
  sect_begin(w, hp, ATT__S_IDTAB);
  if ((e = copy_tape(w, &s->ids, 0, s->ids.size)) != 0) goto fail;
  sect_end(w, hp, ATT__S_IDTAB);

  /* Time classes, each sorted by (earliest, latest, id). */
  if ((e = att__xsort_done(s->tk)) != 0) goto fail;
  sect_begin(w, hp, ATT__S_TIME);
  {
    size_t i = 0;
    int c = 0;
    hp->tclass[0] = 0;
    while ((more = att__xsort_next(s->tk, &rec, &rn)) > 0) {
      tkey k;
      int64_t span;
      memcpy(&k, rec, sizeof k);
      while (c < k.cls) hp->tclass[++c] = i;
      span = (k.e == ATT_TIME_MIN || k.l == ATT_TIME_MAX) ? INT64_MAX
                                                          : (int64_t)((uint64_t)k.l - (uint64_t)k.e);
      if (span > hp->maxspan[k.cls]) hp->maxspan[k.cls] = span;
      wr_put(w, &k.ord, 4);
      if (SNAPV >= 5) {
        att__tkent t = {k.e, k.l, k.id};
        att__tape_put(&tks, &t, sizeof t);
      }
      i++;
    }
    if (more < 0) {
      e = -more;
      goto fail;
    }
    while (c < ATT__NCLASS) hp->tclass[++c] = i;
  }
  sect_end(w, hp, ATT__S_TIME);
  att__xsort_free(s->tk);
  s->tk = NULL;

  /* Rank the interned values so that integer order is string order. */
  if (s->in.n >= (1u << 29)) {
    rc = att__err(ATT_ERANGE, "a snapshot holds at most %u distinct actors, tags, kinds and statuses", 1u << 29);
    goto out;
  }
  rank = att__fault(ATT_FAULT_ALLOC) ? NULL : malloc((s->in.n + 1) * sizeof *rank);
  bysid = malloc((s->in.n + 1) * sizeof *bysid);
  stroff = malloc((s->in.n + 1) * sizeof *stroff);
  if (!rank || !bysid || !stroff) goto nomem;
  for (uint32_t i = 0; i < s->in.n; i++) bysid[i] = i;
  g_rank_str = s->in.str;
  if (s->in.n) qsort(bysid, s->in.n, sizeof *bysid, sid_cmp);
  {
    uint64_t off = 0;
    for (uint32_t r = 0; r < s->in.n; r++) {
      rank[bysid[r]] = r;
      stroff[r] = off;
      off += strlen(s->in.str[bysid[r]]) + 1;
    }
    keybase = off;
    off += s->keybytes;
    hsbase = off;
    for (uint32_t i = 0; i < s->hs.n; i++) off += strlen(s->hs.str[i]) + 1;
    if (off > UINT32_MAX) {
      rc = att__err(ATT_ERANGE, "snapshot string table over 4 GiB");
      goto out;
    }
  }

  /* The postings merged in (field, value id, position) order: their
   * positions to a tape, each value's run of them noted. */
  if ((e = att__xsort_done(s->post)) != 0) goto fail;
  {
    uint64_t at = 0;
    while ((more = att__xsort_next(s->post, &rec, &rn)) > 0) {
      uint64_t p;
      uint32_t ord;
      memcpy(&p, rec, 8);
      ord = (uint32_t)p;
      if (ngroups == 0 || groups[ngroups - 1].fs != p >> 32) {
        if (ngroups == cgroups) {
          size_t c = cgroups ? cgroups * 2 : 256;
          group *g = realloc(groups, c * sizeof *g);
          if (!g) goto nomem;
          groups = g;
          cgroups = c;
        }
        groups[ngroups++] = (group){p >> 32, at, 0};
      }
      groups[ngroups - 1].count++;
      att__tape_put(&ords, &ord, 4);
      at++;
    }
    if (more < 0) {
      e = -more;
      goto fail;
    }
    if (ords.err) {
      e = ords.err;
      goto fail;
    }
  }
  att__xsort_free(s->post);
  s->post = NULL;
  /* Each value's order in the file: field, then rank (string order). */
  if (!(gorder = malloc((ngroups + 1) * sizeof *gorder))) goto nomem;
  for (size_t g = 0; g < ngroups; g++) {
    uint64_t field = groups[g].fs >> 29, sid = groups[g].fs & 0x1fffffff;
    gorder[g] = field << 61 | (uint64_t)rank[sid] << 32 | g;
  }
  if (att__radix64(gorder, ngroups)) goto nomem;

  if (!s->keys_done && (rc = att__snapw_keys(s)) != 0) goto out;
  sect_begin(w, hp, ATT__S_KEYS);
  for (uint64_t i = 0; i < s->nkeys;) {
    att__keyent k[1024];
    size_t n = s->nkeys - i < 1024 ? (size_t)(s->nkeys - i) : 1024;
    if ((e = att__tape_read(&s->kents, i * sizeof *k, k, n * sizeof *k)) != 0) goto fail;
    for (size_t j = 0; j < n; j++) k[j].str += (uint32_t)keybase;
    wr_put(w, k, n * sizeof *k);
    i += n;
  }
  hp->nkeys = s->nkeys;
  sect_end(w, hp, ATT__S_KEYS);
  att__tape_free(&s->kents);
  att__tape_free(&s->ids);

  sect_begin(w, hp, ATT__S_DICT);
  {
    uint64_t at = 0;
    int f = 0;
    hp->dict[0] = 0;
    for (size_t i = 0; i < ngroups; i++) {
      const group *g = &groups[(uint32_t)gorder[i]];
      int field = (int)(gorder[i] >> 61);
      att__dictent d = {(uint32_t)stroff[(gorder[i] >> 32) & 0x1fffffff], (uint32_t)at, (uint32_t)g->count};
      while (f < field) hp->dict[++f] = i;
      wr_put(w, &d, sizeof d);
      at += g->count;
    }
    while (f < ATT__NFIELD) hp->dict[++f] = ngroups;
  }
  sect_end(w, hp, ATT__S_DICT);

  sect_begin(w, hp, ATT__S_POST);
  for (size_t i = 0; i < ngroups; i++) {
    const group *g = &groups[(uint32_t)gorder[i]];
    if ((e = copy_tape(w, &ords, g->start * 4, g->count * 4)) != 0) goto fail;
  }
  sect_end(w, hp, ATT__S_POST);
  att__tape_free(&ords);

  sect_begin(w, hp, ATT__S_STR);
  for (uint32_t r = 0; r < s->in.n; r++) wr_put(w, s->in.str[bysid[r]], strlen(s->in.str[bysid[r]]) + 1);
  if ((e = copy_tape(w, &s->kstr, 0, s->kstr.size)) != 0) goto fail;
  att__tape_free(&s->kstr);
  if (SNAPV >= 3 && s->hs.n) {
    if (!(hsoff = malloc(s->hs.n * sizeof *hsoff))) goto nomem;
    for (uint32_t i = 0, off = (uint32_t)hsbase; i < s->hs.n; i++) {
      hsoff[i] = off;
      off += (uint32_t)strlen(s->hs.str[i]) + 1;
      wr_put(w, s->hs.str[i], strlen(s->hs.str[i]) + 1);
    }
  }
  sect_end(w, hp, ATT__S_STR);
  if (SNAPV >= 3) {
    /* Versions: their strings as offsets now. */
    sect_begin(w, hp, ATT__S_VERS);
    for (size_t i = 0; i < s->n;) {
      att__vers v[1024];
      size_t k = s->n - i < 1024 ? s->n - i : 1024;
      if ((e = att__tape_read(&s->vers, i * sizeof *v, v, k * sizeof *v)) != 0) goto fail;
      for (size_t j = 0; j < k; j++) {
        if (v[j].author != ATT__NOSTR) v[j].author = (uint32_t)hsoff[v[j].author];
        if (v[j].reason != ATT__NOSTR) v[j].reason = (uint32_t)hsoff[v[j].reason];
      }
      wr_put(w, v, k * sizeof *v);
      i += k;
    }
    sect_end(w, hp, ATT__S_VERS);
    /* A history segment's positions by (id, seq): position order is seq
     * order. */
    sect_begin(w, hp, ATT__S_IDIX);
    if (s->kind == ATT__K_HIST) {
      if ((e = att__xsort_done(s->idix)) != 0) goto fail;
      while ((more = att__xsort_next(s->idix, &rec, &rn)) > 0) {
        idpos ip;
        uint32_t o;
        memcpy(&ip, rec, sizeof ip);
        o = (uint32_t)ip.ord;
        wr_put(w, &o, 4);
      }
      if (more < 0) {
        e = -more;
        goto fail;
      }
    }
    sect_end(w, hp, ATT__S_IDIX);
  }
  if (SNAPV >= 5) {
    /* The time index's dates and ids, in its order (written after IDIX:
     * the block checksums are in section order). */
    if (tks.err) {
      e = tks.err;
      goto fail;
    }
    sect_begin(w, hp, ATT__S_TKEY);
    if ((e = copy_tape(w, &tks, 0, tks.size)) != 0) goto fail;
    sect_end(w, hp, ATT__S_TKEY);
  }
  att__tape_free(&tks);
  att__tape_free(&s->vers);
  if (SNAPV >= 2) {
    sect_begin(w, hp, ATT__S_BCRC);
    w->blocks = 0;
    if ((e = copy_tape(w, &w->bcrcs, 0, w->bcrcs.size)) != 0) goto fail;
    sect_end(w, hp, ATT__S_BCRC);
  }
  if (SNAPV >= 3) {
    sect_begin(w, hp, ATT__S_SEGS);
    w->blocks = 0;
    wr_put(w, s->segs, s->nsegs * sizeof *s->segs);
    sect_end(w, hp, ATT__S_SEGS);
    hp->next_seq = s->next_seq;
    hp->last_tx = s->last_tx;
    hp->kind = s->kind;
  }
  wr_align(w);

  memcpy(hp->magic, ATT__SMAGIC, 8);
  hp->version = SNAPV;
  hp->gen = gen;
  hp->count = s->n;
  hp->next_id = next_id;
  hp->file_size = w->off;
  att__shdr_encode(hp, hbuf);
  if (fflush(w->f) != 0 && !w->err) w->err = errno ? errno : EIO;
  if (!w->err && (att__fault(ATT_FAULT_WRITE) || pwrite(s->fd, hbuf, sizeof hbuf, 0) != (ssize_t)sizeof hbuf)) w->err = errno ? errno : EIO;
  if (!w->err && (att__fault(ATT_FAULT_SYNC) || fdatasync(s->fd) != 0)) w->err = errno ? errno : EIO;
  if (w->err) rc = att__err(ATT_EIO, "cannot write snapshot \"%s\": %s", s->path, strerror(w->err));
  goto out;
nomem:
  e = ENOMEM;
fail:
  rc = sw_fail(s, e);
out:
  if (fclose(w->f) != 0 && rc == 0)
    rc = att__err(ATT_EIO, "cannot close snapshot \"%s\": %s", s->path, strerror(errno));
  free(rank);
  free(bysid);
  free(stroff);
  free(hsoff);
  free(groups);
  free(gorder);
  att__tape_free(&ords);
  att__tape_free(&tks);
  if (rc) unlink(s->path);
  sw_free(s);
  return rc;
}

int att__snap_write(const char *path, uint64_t gen, uint64_t next_id, att__snap_next next,
                    void *ud, const att_store_opts *o, uint64_t expect) {
  att__snapw *s;
  int rc = att__snapw_begin(path, o, expect, &s);
  if (rc) return rc;
  for (;;) {
    att__snapin in;
    int more = next(ud, &in);
    if (more < 0) {
      att__snapw_abort(s);
      return more;
    }
    if (!more) break;
    if ((rc = att__snapw_put(s, &in, 0)) != 0) {
      att__snapw_abort(s);
      return rc;
    }
  }
  return att__snapw_finish(s, gen, next_id);
}

void att__snapin_event(att__snapin *in, const att_event *ev, const char *json, uint32_t len) {
  in->id = ev->id;
  in->json = json;
  in->len = len;
  in->bounds = ev->bounds;
  in->created = ev->created;
  in->updated = ev->updated;
  in->key = ev->key;
  in->kind = ev->kind;
  in->status = ev->status;
  in->actors = (const char *const *)ev->actors.v;
  in->nactors = ev->actors.n;
  in->tags = (const char *const *)ev->tags.v;
  in->ntags = ev->tags.n;
  in->recurs = ev->recur && *ev->recur;
  memset(&in->v, 0, sizeof in->v);
  in->v.tx_from = ev->updated;
  in->v.tx_to = ATT_TIME_MAX;
  in->v.rev = ev->rev;
  in->v.op = ev->rev <= 1 ? ATT_CHANGE_ADD : ATT_CHANGE_UPDATE;
  in->author = in->reason = NULL;
}
