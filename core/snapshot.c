/*
 * The snapshot: an immutable file holding every live event at one moment,
 * with its indexes (by id, time class, key, actor, kind, status, tag) laid
 * out so that the file is mapped and used as it is, never parsed whole.
 * Written to a temporary name, synced, then renamed into place by store.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32c.h"
#include "error.h"
#include "store_int.h"

/* ---- writing ---------------------------------------------------------- */

typedef struct wr {
  FILE *f;
  uint64_t off;
  uint32_t crc;
  int err;
} wr;

static void wr_put(wr *w, const void *p, size_t n) {
  if (n == 0 || w->err) return;
  if (fwrite(p, 1, n, w->f) != n) w->err = errno ? errno : EIO;
  w->crc = att_crc32c(w->crc, p, n);
  w->off += n;
}

static void wr_align(wr *w) {
  static const unsigned char zero[8];
  if (w->off % 8) wr_put(w, zero, 8 - w->off % 8);
}

static void sect_begin(wr *w, att__shdr *h, int s) {
  wr_align(w);
  h->sect[s].off = w->off;
  w->crc = 0;
}

static void sect_end(wr *w, att__shdr *h, int s) {
  h->sect[s].len = w->off - h->sect[s].off;
  h->sect[s].crc = w->crc;
}

static int span_class(const att_bounds *b) {
  uint64_t span;
  if (b->earliest == ATT_TIME_MIN || b->latest == ATT_TIME_MAX) return ATT__NCLASS - 1;
  span = (uint64_t)b->latest - (uint64_t)b->earliest;
  if (span < 86400ull) return 0;
  if (span < 32ull * 86400) return 1;
  if (span < 400ull * 86400) return 2;
  if (span < 4000ull * 86400) return 3;
  return 4;
}

typedef struct tkey { int64_t e, l, id; uint32_t ord; int cls; } tkey;
typedef struct pair { const char *s; uint32_t ord; int field; } pair;

static int tkey_cmp(const void *a, const void *b) {
  const tkey *x = a, *y = b;
  if (x->cls != y->cls) return x->cls < y->cls ? -1 : 1;
  if (x->e != y->e) return x->e < y->e ? -1 : 1;
  if (x->l != y->l) return x->l < y->l ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

static int pair_cmp(const void *a, const void *b) {
  const pair *x = a, *y = b;
  int c;
  if (x->field != y->field) return x->field < y->field ? -1 : 1;
  c = strcmp(x->s, y->s);
  if (c) return c;
  return x->ord < y->ord ? -1 : x->ord > y->ord;
}

static int pairs_add(pair **v, size_t *n, size_t *cap, const char *s, uint32_t ord, int field) {
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 1024;
    pair *p = realloc(*v, c * sizeof *p);
    if (!p) return -1;
    *v = p;
    *cap = c;
  }
  (*v)[(*n)++] = (pair){s, ord, field};
  return 0;
}

/* Copies of the strings the indexes need, in large chunks. */
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

static void arena_free(arena *a) {
  for (size_t i = 0; i < a->nchunks; i++) free(a->chunks[i]);
  free(a->chunks);
}

static int pairs_dup(arena *a, pair **v, size_t *n, size_t *cap, const char *s, uint32_t ord,
                     int field) {
  const char *c = arena_dup(a, s);
  return c ? pairs_add(v, n, cap, c, ord, field) : -1;
}

int att__snap_write(const char *path, uint64_t gen, uint64_t next_id, size_t n,
                    att__snap_next next, void *ud, const att_store_opts *o) {
  arena ar = {0};
  att__shdr h;
  wr w = {0};
  att__ident *ids = NULL;
  tkey *tk = NULL;
  pair *pairs = NULL, *keys = NULL;
  size_t npairs = 0, cpairs = 0, nkeys = 0, ckeys = 0;
  uint32_t *strofs = NULL;
  int fd, rc = 0;

  if (n > UINT32_MAX) return att__err(ATT_ERANGE, "a snapshot holds at most %u events", UINT32_MAX);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return att__err(ATT_EIO, "cannot create \"%s\": %s", path, strerror(errno));
  w.f = fdopen(fd, "wb");
  if (!w.f) {
    close(fd);
    return att__err(ATT_EIO, "cannot write \"%s\": %s", path, strerror(errno));
  }
  setvbuf(w.f, NULL, _IOFBF, 1 << 20);
  memset(&h, 0, sizeof h);
  {
    unsigned char zero[ATT__SHDR] = {0};
    wr_put(&w, zero, sizeof zero);
  }

  ids = malloc((n ? n : 1) * sizeof *ids);
  tk = malloc((n ? n : 1) * sizeof *tk);
  if (!ids || !tk) goto nomem;

  /* Records. */
  sect_begin(&w, &h, ATT__S_RECS);
  for (size_t i = 0; i < n; i++) {
    att__snapin in;
    const att_event *ev;
    uint32_t len, crc;
    if ((rc = next(ud, i, &in)) != 0) goto out;
    ev = in.ev;
    len = in.len;
    crc = att_crc32c(0, in.json, in.len);
    if (i > 0 && in.id <= ids[i - 1].id) {
      rc = att__err(ATT_EINVAL, "snapshot input out of id order at event %lld", (long long)in.id);
      goto out;
    }
    ids[i] = (att__ident){in.id, ev->bounds.earliest, ev->bounds.latest, ev->created,
                          ev->updated, w.off};
    tk[i] = (tkey){ev->bounds.earliest, ev->bounds.latest, in.id, (uint32_t)i,
                   span_class(&ev->bounds)};
    wr_put(&w, &len, 4);
    wr_put(&w, &crc, 4);
    wr_put(&w, in.json, len);
    if (ev->key && pairs_dup(&ar, &keys, &nkeys, &ckeys, ev->key, (uint32_t)i, 0)) goto nomem;
    for (size_t k = 0; k < ev->actors.n; k++)
      if (pairs_dup(&ar, &pairs, &npairs, &cpairs, ev->actors.v[k], (uint32_t)i, ATT__F_ACTOR)) goto nomem;
    if (ev->kind && pairs_dup(&ar, &pairs, &npairs, &cpairs, ev->kind, (uint32_t)i, ATT__F_KIND)) goto nomem;
    if (ev->status && pairs_dup(&ar, &pairs, &npairs, &cpairs, ev->status, (uint32_t)i, ATT__F_STATUS)) goto nomem;
    for (size_t k = 0; k < ev->tags.n; k++)
      if (pairs_dup(&ar, &pairs, &npairs, &cpairs, ev->tags.v[k], (uint32_t)i, ATT__F_TAG)) goto nomem;
    if (o && o->progress && (i % 65536 == 65535 || i + 1 == n))
      o->progress(o->ud, "writing snapshot", i + 1, n);
  }
  sect_end(&w, &h, ATT__S_RECS);

  sect_begin(&w, &h, ATT__S_IDTAB);
  wr_put(&w, ids, n * sizeof *ids);
  sect_end(&w, &h, ATT__S_IDTAB);

  /* Time classes, each sorted by (earliest, latest, id). */
  if (n) qsort(tk, n, sizeof *tk, tkey_cmp);
  sect_begin(&w, &h, ATT__S_TIME);
  for (size_t i = 0, c = 0; c <= ATT__NCLASS; c++) {
    h.tclass[c] = i;
    if (c == ATT__NCLASS) break;
    for (; i < n && tk[i].cls == (int)c; i++) {
      int64_t span = (tk[i].e == ATT_TIME_MIN || tk[i].l == ATT_TIME_MAX)
                         ? INT64_MAX
                         : (int64_t)((uint64_t)tk[i].l - (uint64_t)tk[i].e);
      if (span > h.maxspan[c]) h.maxspan[c] = span;
      wr_put(&w, &tk[i].ord, 4);
    }
  }
  sect_end(&w, &h, ATT__S_TIME);

  /* Strings: keys first, then field values, each run stored once. */
  if (nkeys) qsort(keys, nkeys, sizeof *keys, pair_cmp);
  if (npairs) qsort(pairs, npairs, sizeof *pairs, pair_cmp);
  strofs = malloc((nkeys + npairs + 1) * sizeof *strofs);
  if (!strofs) goto nomem;
  {
    uint64_t so = 0;
    for (size_t i = 0; i < nkeys; i++) {
      strofs[i] = (uint32_t)so;
      so += strlen(keys[i].s) + 1;
    }
    for (size_t i = 0; i < npairs; i++) {
      if (i > 0 && pairs[i].field == pairs[i - 1].field && strcmp(pairs[i].s, pairs[i - 1].s) == 0) {
        strofs[nkeys + i] = strofs[nkeys + i - 1];
        continue;
      }
      strofs[nkeys + i] = (uint32_t)so;
      so += strlen(pairs[i].s) + 1;
    }
    if (so > UINT32_MAX) {
      rc = att__err(ATT_ERANGE, "snapshot string table over 4 GiB");
      goto out;
    }
  }

  sect_begin(&w, &h, ATT__S_KEYS);
  for (size_t i = 0; i < nkeys; i++) {
    att__keyent k = {strofs[i], keys[i].ord};
    wr_put(&w, &k, sizeof k);
  }
  h.nkeys = nkeys;
  sect_end(&w, &h, ATT__S_KEYS);

  sect_begin(&w, &h, ATT__S_DICT);
  {
    uint64_t nd = 0;
    int f = 0;
    h.dict[0] = 0;
    for (size_t i = 0; i < npairs;) {
      size_t j = i;
      att__dictent d;
      while (j < npairs && pairs[j].field == pairs[i].field && strcmp(pairs[j].s, pairs[i].s) == 0) j++;
      while (f < pairs[i].field) h.dict[++f] = nd;
      d = (att__dictent){strofs[nkeys + i], (uint32_t)i, (uint32_t)(j - i)};
      wr_put(&w, &d, sizeof d);
      nd++;
      i = j;
    }
    while (f < ATT__NFIELD) h.dict[++f] = nd;
  }
  sect_end(&w, &h, ATT__S_DICT);

  sect_begin(&w, &h, ATT__S_POST);
  for (size_t i = 0; i < npairs; i++) wr_put(&w, &pairs[i].ord, 4);
  sect_end(&w, &h, ATT__S_POST);

  sect_begin(&w, &h, ATT__S_STR);
  for (size_t i = 0; i < nkeys; i++) wr_put(&w, keys[i].s, strlen(keys[i].s) + 1);
  for (size_t i = 0; i < npairs; i++)
    if (i == 0 || strofs[nkeys + i] != strofs[nkeys + i - 1])
      wr_put(&w, pairs[i].s, strlen(pairs[i].s) + 1);
  sect_end(&w, &h, ATT__S_STR);
  wr_align(&w);

  memcpy(h.magic, ATT__SMAGIC, 8);
  h.version = 1;
  h.gen = gen;
  h.count = n;
  h.next_id = next_id;
  h.file_size = w.off;
  h.hdr_crc = 0;
  h.hdr_crc = att_crc32c(0, &h, sizeof h);
  if (fflush(w.f) != 0 && !w.err) w.err = errno ? errno : EIO;
  if (!w.err && (pwrite(fd, &h, sizeof h, 0) != (ssize_t)sizeof h)) w.err = errno ? errno : EIO;
  if (!w.err && fdatasync(fd) != 0) w.err = errno ? errno : EIO;
  if (w.err) rc = att__err(ATT_EIO, "cannot write snapshot \"%s\": %s", path, strerror(w.err));
  goto out;
nomem:
  rc = att__err(ATT_ENOMEM, "out of memory writing snapshot \"%s\"", path);
out:
  if (fclose(w.f) != 0 && rc == 0)
    rc = att__err(ATT_EIO, "cannot close snapshot \"%s\": %s", path, strerror(errno));
  free(ids);
  free(tk);
  free(pairs);
  free(keys);
  free(strofs);
  arena_free(&ar);
  if (rc) unlink(path);
  return rc;
}

/* ---- reading ---------------------------------------------------------- */

#define BAD(...) (att__snap_close(s), att__err(ATT_ECORRUPT, __VA_ARGS__))

int att__snap_open(att__snap *s, const char *path) {
  struct stat st;
  att__shdr h;
  uint32_t crc;
  memset(s, 0, sizeof *s);
  s->fd = open(path, O_RDONLY | O_CLOEXEC);
  if (s->fd < 0) {
    int e = errno;
    return att__err(e == ENOENT ? ATT_ENOSTORE : ATT_EIO, "cannot open \"%s\": %s", path,
                    strerror(e));
  }
  if (fstat(s->fd, &st) != 0) return BAD("cannot stat \"%s\": %s", path, strerror(errno));
  s->dev = st.st_dev;
  s->ino = st.st_ino;
  if ((uint64_t)st.st_size < ATT__SHDR)
    return BAD("snapshot \"%s\" is %lld bytes, shorter than its %d-byte header", path,
               (long long)st.st_size, ATT__SHDR);
  s->maplen = (size_t)st.st_size;
  s->map = mmap(NULL, s->maplen, PROT_READ, MAP_SHARED, s->fd, 0);
  if (s->map == MAP_FAILED) {
    s->map = NULL;
    return BAD("cannot map \"%s\": %s", path, strerror(errno));
  }
  memcpy(&h, s->map, sizeof h);
  if (memcmp(h.magic, ATT__SMAGIC, 8) != 0) return BAD("\"%s\" is not an attache snapshot (bad magic)", path);
  crc = h.hdr_crc;
  h.hdr_crc = 0;
  if (att_crc32c(0, &h, sizeof h) != crc) return BAD("snapshot \"%s\": header checksum mismatch", path);
  h.hdr_crc = crc;
  if (h.version != 1) return BAD("snapshot \"%s\": version %u, this attache reads version 1", path, h.version);
  if (h.file_size != s->maplen)
    return BAD("snapshot \"%s\" is %zu bytes, its header says %llu (truncated or extended)", path,
               s->maplen, (unsigned long long)h.file_size);
  for (int i = 0; i < ATT__NSECT; i++)
    if (h.sect[i].off % 8 || h.sect[i].off < ATT__SHDR || h.sect[i].off > s->maplen ||
        h.sect[i].len > s->maplen - h.sect[i].off)
      return BAD("snapshot \"%s\": section %d lies outside the file", path, i);
  if (h.sect[ATT__S_IDTAB].len != h.count * sizeof(att__ident) ||
      h.sect[ATT__S_TIME].len != h.count * 4 || h.tclass[ATT__NCLASS] != h.count ||
      h.sect[ATT__S_KEYS].len != h.nkeys * sizeof(att__keyent) ||
      h.sect[ATT__S_DICT].len != h.dict[ATT__NFIELD] * sizeof(att__dictent) ||
      h.sect[ATT__S_POST].len % 4 ||
      (h.sect[ATT__S_STR].len > 0 && s->map[h.sect[ATT__S_STR].off + h.sect[ATT__S_STR].len - 1] != 0))
    return BAD("snapshot \"%s\": index sizes do not agree with its header", path);
  for (int c = 0; c < ATT__NCLASS; c++)
    if (h.tclass[c] > h.tclass[c + 1]) return BAD("snapshot \"%s\": bad time classes", path);
  for (int f = 0; f < ATT__NFIELD; f++)
    if (h.dict[f] > h.dict[f + 1]) return BAD("snapshot \"%s\": bad dictionary ranges", path);
  s->h = h;
  s->ids = (const att__ident *)(s->map + h.sect[ATT__S_IDTAB].off);
  s->time = (const uint32_t *)(s->map + h.sect[ATT__S_TIME].off);
  s->keys = (const att__keyent *)(s->map + h.sect[ATT__S_KEYS].off);
  s->dict = (const att__dictent *)(s->map + h.sect[ATT__S_DICT].off);
  s->post = (const uint32_t *)(s->map + h.sect[ATT__S_POST].off);
  s->str = (const char *)(s->map + h.sect[ATT__S_STR].off);
  s->strlen = h.sect[ATT__S_STR].len;
  return 0;
}

void att__snap_close(att__snap *s) {
  if (s->map) munmap((void *)s->map, s->maplen);
  if (s->fd >= 0) close(s->fd);
  memset(s, 0, sizeof *s);
  s->fd = -1;
}

static const char *snap_str(const att__snap *s, uint32_t off) {
  return off < s->strlen ? s->str + off : "";
}

int64_t att__snap_find(const att__snap *s, int64_t id) {
  size_t lo = 0, hi = s->h.count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->ids[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return (lo < s->h.count && s->ids[lo].id == id) ? (int64_t)lo : -1;
}

int64_t att__snap_find_key(const att__snap *s, const char *key) {
  size_t lo = 0, hi = s->h.nkeys;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(snap_str(s, s->keys[mid].str), key);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid;
    else return s->keys[mid].ord < s->h.count ? (int64_t)s->keys[mid].ord : -1;
  }
  return -1;
}

const uint32_t *att__snap_postings(const att__snap *s, int field, const char *value,
                                   uint32_t *n) {
  size_t lo = s->h.dict[field], hi = s->h.dict[field + 1];
  uint64_t npost = s->h.sect[ATT__S_POST].len / 4;
  *n = 0;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(snap_str(s, s->dict[mid].str), value);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid;
    else {
      const att__dictent *d = &s->dict[mid];
      if ((uint64_t)d->post + d->npost > npost) return NULL;
      *n = d->npost;
      return s->post + d->post;
    }
  }
  return NULL;
}

int att__snap_json(const att__snap *s, uint64_t ord, const char **json, uint32_t *len) {
  uint64_t off = s->ids[ord].rec_off;
  uint32_t n, crc;
  if (off < ATT__SHDR || off + 8 > s->maplen)
    return att__err(ATT_ECORRUPT, "snapshot: record of event %lld lies outside the file",
                    (long long)s->ids[ord].id);
  memcpy(&n, s->map + off, 4);
  memcpy(&crc, s->map + off + 4, 4);
  if (n > s->maplen - off - 8 || att_crc32c(0, s->map + off + 8, n) != crc)
    return att__err(ATT_ECORRUPT, "snapshot: record of event %lld at byte %llu is damaged (checksum mismatch)",
                    (long long)s->ids[ord].id, (unsigned long long)off);
  *json = (const char *)s->map + off + 8;
  *len = n;
  return 0;
}

int att__snap_event(const att__snap *s, uint64_t ord, att_event *ev) {
  const char *json;
  uint32_t len;
  int rc = att__snap_json(s, ord, &json, &len);
  if (rc) return rc;
  rc = att_event_from_json(json, len, ATT_EV_STORED, ev);
  if (rc)
    return att__errctx(ATT_ECORRUPT, "snapshot: stored event %lld does not read back",
                       (long long)s->ids[ord].id);
  return 0;
}

int att__snap_verify(const att__snap *s) {
  static const char *names[ATT__NSECT] = {"records", "id table", "time index", "key index",
                                          "dictionary", "postings", "strings"};
  for (int i = 0; i < ATT__NSECT; i++)
    if (att_crc32c(0, s->map + s->h.sect[i].off, s->h.sect[i].len) != s->h.sect[i].crc)
      return att__err(ATT_ECORRUPT, "snapshot: %s section (bytes %llu-%llu) fails its checksum",
                      names[i], (unsigned long long)s->h.sect[i].off,
                      (unsigned long long)(s->h.sect[i].off + s->h.sect[i].len));
  for (uint64_t i = 0; i < s->h.count; i++) {
    att_event ev;
    int rc = att__snap_event(s, i, &ev);
    if (rc) return rc;
    if (ev.id != s->ids[i].id) {
      att_event_free(&ev);
      return att__err(ATT_ECORRUPT, "snapshot: id table says %lld, record says %lld",
                      (long long)s->ids[i].id, (long long)ev.id);
    }
    att_event_free(&ev);
    if (i > 0 && s->ids[i].id <= s->ids[i - 1].id)
      return att__err(ATT_ECORRUPT, "snapshot: id table out of order at %llu", (unsigned long long)i);
  }
  return 0;
}
