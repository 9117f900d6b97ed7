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
  uint32_t *bcrcs;   /* the finished blocks' */
  size_t nb, cb;
} wr;

static void wr_block_end(wr *w) {
  if (w->nb == w->cb) {
    size_t c = w->cb ? w->cb * 2 : 256;
    uint32_t *v = realloc(w->bcrcs, c * sizeof *v);
    if (!v) {
      if (!w->err) w->err = ENOMEM;
      return;
    }
    w->bcrcs = v;
    w->cb = c;
  }
  w->bcrcs[w->nb++] = w->bcrc;
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
  w->blocks = (s >= ATT__S_IDTAB && s <= ATT__S_STR) || s == ATT__S_VERS || s == ATT__S_IDIX;
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

typedef struct tkey { int64_t e, l, id; uint32_t ord; int cls; } tkey;

static int tkey_cmp(const void *a, const void *b) {
  const tkey *x = a, *y = b;
  if (x->cls != y->cls) return x->cls < y->cls ? -1 : 1;
  if (x->e != y->e) return x->e < y->e ? -1 : 1;
  if (x->l != y->l) return x->l < y->l ? -1 : 1;
  if (x->id != y->id) return x->id < y->id ? -1 : 1;
  return x->ord < y->ord ? -1 : x->ord > y->ord; /* versions of one event */
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

/* The id of string s (which must outlive the table); -1 on no memory. */
static int64_t intern_id(intern *t, const char *s) {
  uint64_t h = hash_str(s);
  size_t i;
  if ((t->n + 1) * 2 > t->nslots && intern_grow(t)) return -1;
  for (i = h & (t->nslots - 1); t->slots[i].hash; i = (i + 1) & (t->nslots - 1))
    if (t->slots[i].hash == h && strcmp(t->str[t->slots[i].sid], s) == 0) return t->slots[i].sid;
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

/* LSD radix sort of 64-bit keys, 16 bits a pass. */
static int radix64(uint64_t *v, size_t n) {
  uint64_t *tmp = malloc((n ? n : 1) * sizeof *tmp), *a = v, *b = tmp;
  size_t *cnt = malloc(65536 * sizeof *cnt);
  if (!tmp || !cnt) {
    free(tmp);
    free(cnt);
    return -1;
  }
  for (int shift = 0; shift < 64; shift += 16) {
    size_t sum = 0;
    memset(cnt, 0, 65536 * sizeof *cnt);
    for (size_t i = 0; i < n; i++) cnt[(a[i] >> shift) & 0xffff]++;
    for (size_t d = 0; d < 65536; d++) {
      size_t c = cnt[d];
      cnt[d] = sum;
      sum += c;
    }
    for (size_t i = 0; i < n; i++) b[cnt[(a[i] >> shift) & 0xffff]++] = a[i];
    {
      uint64_t *t = a;
      a = b;
      b = t;
    }
  }
  /* Four passes: the sorted keys are back in v. */
  free(tmp);
  free(cnt);
  return 0;
}

typedef struct keyp { const char *s; uint32_t ord; } keyp;
static int keyp_cmp(const void *a, const void *b) {
  return strcmp(((const keyp *)a)->s, ((const keyp *)b)->s);
}

/* ---- the writer's state ---------------------------------------------------- */

/* Copies of strings of events the caller will free (imports), in chunks. */
typedef struct arena { char **chunks; size_t nchunks, used, size; } arena;

static const char *arena_dup(arena *a, const char *s) {
  size_t n = strlen(s) + 1;
  if (a->nchunks == 0 || a->used + n > a->size) {
    size_t sz = n > (1u << 20) ? n : (1u << 20);
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

struct att__snapw {
  char *path;
  int fd;
  wr w;
  att__shdr h;
  att__ident *ids;
  tkey *tk;
  keyp *keys;
  size_t n, cap, nkeys;
  uint64_t *post; /* field << 61 | rank-or-sid << 32 | ord */
  size_t npost, cpost;
  intern in;
  intern hs;      /* authors and reasons (not ranked) */
  att__vers *vers; /* by position; author and reason as ids in hs */
  uint32_t kind;
  uint64_t next_seq;
  int64_t last_tx;
  att__segent *segs;
  size_t nsegs;
  arena ar;
  const att_store_opts *o;
  uint64_t expect;
};

static int sw_post(att__snapw *s, int field, const char *value, uint32_t ord, int copy) {
  int64_t sid = intern_id(&s->in, value);
  if (sid < 0) return -1;
  if (copy && (uint32_t)sid == s->in.n - 1) {
    /* A new value: keep our own copy of it. */
    const char *c = arena_dup(&s->ar, value);
    if (!c) return -1;
    s->in.str[sid] = c;
  }
  if (s->npost == s->cpost) {
    size_t c = s->cpost ? s->cpost * 2 : 4096;
    uint64_t *p = realloc(s->post, c * sizeof *p);
    if (!p) return -1;
    s->post = p;
    s->cpost = c;
  }
  s->post[s->npost++] = (uint64_t)field << 61 | (uint64_t)sid << 32 | ord;
  return 0;
}

/* The id of an author or reason in hs (copied), ATT__NOSTR on no memory. */
static uint32_t hs_id(att__snapw *s, const char *str) {
  int64_t sid = intern_id(&s->hs, str);
  if (sid < 0) return ATT__NOSTR;
  if ((uint32_t)sid == s->hs.n - 1) {
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

static const att__snapw *g_idix; /* qsort has no context argument in C11 */
static int idix_cmp(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  int64_t ix = g_idix->ids[x].id, iy = g_idix->ids[y].id;
  if (ix != iy) return ix < iy ? -1 : 1;
  return x < y ? -1 : x > y;
}

static int sw_grow(att__snapw *s) {
  size_t c = s->cap ? s->cap * 2 : 1024;
  att__ident *ids = att__fault(ATT_FAULT_ALLOC) ? NULL : realloc(s->ids, c * sizeof *ids);
  tkey *tk;
  keyp *k;
  att__vers *v;
  if (!ids) return -1;
  s->ids = ids;
  if (!(v = realloc(s->vers, c * sizeof *v))) return -1;
  s->vers = v;
  if (!(tk = realloc(s->tk, c * sizeof *tk))) return -1;
  s->tk = tk;
  if (!(k = realloc(s->keys, c * sizeof *k))) return -1;
  s->keys = k;
  s->cap = c;
  return 0;
}

static void sw_free(att__snapw *s) {
  free(s->ids);
  free(s->tk);
  free(s->keys);
  free(s->post);
  free(s->in.slots);
  free(s->in.str);
  free(s->hs.slots);
  free(s->hs.str);
  free(s->vers);
  free(s->segs);
  for (size_t i = 0; i < s->ar.nchunks; i++) free(s->ar.chunks[i]);
  free(s->ar.chunks);
  free(s->path);
  free(s->w.bcrcs);
  free(s);
}

/* ---- the writer ------------------------------------------------------------- */

int att__snapw_begin(const char *path, const att_store_opts *o, uint64_t expect, att__snapw **out) {
  att__snapw *s = calloc(1, sizeof *s);
  *out = NULL;
  if (!s || !(s->path = strdup(path))) {
    free(s);
    return att__err(ATT_ENOMEM, "out of memory writing snapshot \"%s\"", path);
  }
  s->o = o;
  s->expect = expect;
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

int att__snapw_put(att__snapw *s, const att__snapin *in, int copy) {
  uint32_t crc, ord = (uint32_t)s->n;
  if (s->n >= UINT32_MAX)
    return att__err(ATT_ERANGE, "a snapshot holds at most %u events", UINT32_MAX - 1);
  if (s->n > 0 && (s->kind == ATT__K_HIST ? in->v.seq_from <= s->vers[s->n - 1].seq_from
                                           : in->id <= s->ids[s->n - 1].id))
    return att__err(ATT_EINVAL, "internal: snapshot input out of %s order at event %lld",
                    s->kind == ATT__K_HIST ? "change" : "id", (long long)in->id);
  if (s->n == s->cap && sw_grow(s)) goto nomem;
  crc = att_crc32c(0, in->json, in->len);
  s->ids[ord] = (att__ident){in->id, in->bounds.earliest, in->bounds.latest, in->created, in->updated, s->w.off};
  s->tk[ord] = (tkey){in->bounds.earliest, in->bounds.latest, in->id, ord,
                      span_class(in->bounds.earliest, in->bounds.latest)};
  if (in->key) {
    const char *k = copy ? arena_dup(&s->ar, in->key) : in->key;
    if (!k) goto nomem;
    s->keys[s->nkeys++] = (keyp){k, ord};
  }
  wr_put(&s->w, &in->len, 4);
  wr_put(&s->w, &crc, 4);
  wr_put(&s->w, in->json, in->len);
  for (size_t k = 0; k < in->nactors; k++)
    if (sw_post(s, ATT__F_ACTOR, in->actors[k], ord, copy)) goto nomem;
  if (in->kind && sw_post(s, ATT__F_KIND, in->kind, ord, copy)) goto nomem;
  if (in->status && sw_post(s, ATT__F_STATUS, in->status, ord, copy)) goto nomem;
  if (in->recurs && SNAPV >= 4 && sw_post(s, ATT__F_STATUS, ATT__RECUR_MARK, ord, 0))
    goto nomem;
  for (size_t k = 0; k < in->ntags; k++)
    if (sw_post(s, ATT__F_TAG, in->tags[k], ord, copy)) goto nomem;
  s->vers[ord] = in->v;
  s->vers[ord].author = s->vers[ord].reason = ATT__NOSTR;
  if (in->author && (s->vers[ord].author = hs_id(s, in->author)) == ATT__NOSTR) goto nomem;
  if (in->reason && (s->vers[ord].reason = hs_id(s, in->reason)) == ATT__NOSTR) goto nomem;
  s->n++;
  if (s->o && s->o->progress && (s->n % 65536 == 0 || s->n == s->expect))
    s->o->progress(s->o->ud, "writing snapshot", s->n, s->expect > s->n ? s->expect : s->n);
  if (s->w.err)
    return att__err(ATT_EIO, "cannot write snapshot \"%s\": %s", s->path, strerror(s->w.err));
  return 0;
nomem:
  return att__err(ATT_ENOMEM, "out of memory writing snapshot \"%s\"", s->path);
}

uint64_t att__snapw_count(const att__snapw *s) { return s->n; }

void att__snapw_abort(att__snapw *s) {
  if (!s) return;
  fclose(s->w.f);
  unlink(s->path);
  sw_free(s);
}

int att__snapw_finish(att__snapw *s, uint64_t gen, uint64_t next_id) {
  att__shdr *hp = &s->h;
  wr *w = &s->w;
  uint32_t *rank = NULL, *bysid = NULL;
  uint64_t *stroff = NULL, keybase = 0, hsbase = 0, *hsoff = NULL;
  int rc = 0;

  sect_end(w, hp, ATT__S_RECS);
  sect_begin(w, hp, ATT__S_IDTAB);
  wr_put(w, s->ids, s->n * sizeof *s->ids);
  sect_end(w, hp, ATT__S_IDTAB);

  /* Time classes, each sorted by (earliest, latest, id). */
  if (s->n) qsort(s->tk, s->n, sizeof *s->tk, tkey_cmp);
  sect_begin(w, hp, ATT__S_TIME);
  for (size_t i = 0, c = 0; c <= ATT__NCLASS; c++) {
    hp->tclass[c] = i;
    if (c == ATT__NCLASS) break;
    for (; i < s->n && s->tk[i].cls == (int)c; i++) {
      int64_t span = (s->tk[i].e == ATT_TIME_MIN || s->tk[i].l == ATT_TIME_MAX)
                         ? INT64_MAX
                         : (int64_t)((uint64_t)s->tk[i].l - (uint64_t)s->tk[i].e);
      if (span > hp->maxspan[c]) hp->maxspan[c] = span;
      wr_put(w, &s->tk[i].ord, 4);
    }
  }
  sect_end(w, hp, ATT__S_TIME);

  /* Rank the interned values so that integer order is string order, then
   * sort the postings as integers: field, value, position. */
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
    for (size_t i = 0; i < s->npost; i++) {
      uint64_t p = s->post[i], sid = (p >> 32) & 0x1fffffff;
      s->post[i] = (p & ~(0x1fffffffull << 32)) | (uint64_t)rank[sid] << 32;
    }
    if (s->npost && radix64(s->post, s->npost)) goto nomem;
    if (s->nkeys) qsort(s->keys, s->nkeys, sizeof *s->keys, keyp_cmp);
    for (size_t i = 0; i < s->nkeys; i++) off += strlen(s->keys[i].s) + 1;
    hsbase = off;
    for (uint32_t i = 0; i < s->hs.n; i++) off += strlen(s->hs.str[i]) + 1;
    if (off > UINT32_MAX) {
      rc = att__err(ATT_ERANGE, "snapshot string table over 4 GiB");
      goto out;
    }
  }

  sect_begin(w, hp, ATT__S_KEYS);
  {
    uint64_t off = keybase;
    for (size_t i = 0; i < s->nkeys; i++) {
      att__keyent k = {(uint32_t)off, s->keys[i].ord};
      wr_put(w, &k, sizeof k);
      off += strlen(s->keys[i].s) + 1;
    }
  }
  hp->nkeys = s->nkeys;
  sect_end(w, hp, ATT__S_KEYS);

  sect_begin(w, hp, ATT__S_DICT);
  {
    uint64_t nd = 0;
    int f = 0;
    hp->dict[0] = 0;
    for (size_t i = 0; i < s->npost;) {
      uint64_t grp = s->post[i] >> 32;
      int field = (int)(s->post[i] >> 61);
      size_t j = i;
      att__dictent d;
      while (j < s->npost && s->post[j] >> 32 == grp) j++;
      while (f < field) hp->dict[++f] = nd;
      d = (att__dictent){(uint32_t)stroff[grp & 0x1fffffff], (uint32_t)i, (uint32_t)(j - i)};
      wr_put(w, &d, sizeof d);
      nd++;
      i = j;
    }
    while (f < ATT__NFIELD) hp->dict[++f] = nd;
  }
  sect_end(w, hp, ATT__S_DICT);

  sect_begin(w, hp, ATT__S_POST);
  for (size_t i = 0; i < s->npost; i++) {
    uint32_t ord = (uint32_t)s->post[i];
    wr_put(w, &ord, 4);
  }
  sect_end(w, hp, ATT__S_POST);

  sect_begin(w, hp, ATT__S_STR);
  for (uint32_t r = 0; r < s->in.n; r++) wr_put(w, s->in.str[bysid[r]], strlen(s->in.str[bysid[r]]) + 1);
  for (size_t i = 0; i < s->nkeys; i++) wr_put(w, s->keys[i].s, strlen(s->keys[i].s) + 1);
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
    for (size_t i = 0; i < s->n; i++) {
      att__vers v = s->vers[i];
      if (v.author != ATT__NOSTR) v.author = (uint32_t)hsoff[v.author];
      if (v.reason != ATT__NOSTR) v.reason = (uint32_t)hsoff[v.reason];
      wr_put(w, &v, sizeof v);
    }
    sect_end(w, hp, ATT__S_VERS);
    /* A history segment's positions by (id, seq). */
    sect_begin(w, hp, ATT__S_IDIX);
    if (s->kind == ATT__K_HIST && s->n) {
      uint64_t *k = malloc(s->n * sizeof *k);
      if (!k) goto nomem;
      for (size_t i = 0; i < s->n; i++) k[i] = (uint64_t)i; /* position order is seq order */
      g_idix = s;
      qsort(k, s->n, sizeof *k, idix_cmp);
      for (size_t i = 0; i < s->n; i++) {
        uint32_t o = (uint32_t)k[i];
        wr_put(w, &o, 4);
      }
      free(k);
    }
    sect_end(w, hp, ATT__S_IDIX);
  }
  if (SNAPV >= 2) {
    sect_begin(w, hp, ATT__S_BCRC);
    w->blocks = 0;
    wr_put(w, w->bcrcs, w->nb * sizeof *w->bcrcs);
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
  hp->hdr_crc = 0;
  hp->hdr_crc = att_crc32c(0, hp, hp->version == 1   ? ATT__SHDR_V1
                                  : hp->version == 2 ? ATT__SHDR_V2
                                                     : sizeof *hp);
  if (fflush(w->f) != 0 && !w->err) w->err = errno ? errno : EIO;
  if (!w->err && (att__fault(ATT_FAULT_WRITE) || pwrite(s->fd, hp, sizeof *hp, 0) != (ssize_t)sizeof *hp)) w->err = errno ? errno : EIO;
  if (!w->err && (att__fault(ATT_FAULT_SYNC) || fdatasync(s->fd) != 0)) w->err = errno ? errno : EIO;
  if (w->err) rc = att__err(ATT_EIO, "cannot write snapshot \"%s\": %s", s->path, strerror(w->err));
  goto out;
nomem:
  rc = att__err(ATT_ENOMEM, "out of memory writing snapshot \"%s\"", s->path);
out:
  if (fclose(w->f) != 0 && rc == 0)
    rc = att__err(ATT_EIO, "cannot close snapshot \"%s\": %s", s->path, strerror(errno));
  free(rank);
  free(bysid);
  free(stroff);
  free(hsoff);
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
