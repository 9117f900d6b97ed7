/*
 * Reading the snapshot: an immutable file holding every live event at one
 * moment, with its indexes (by id, time class, key, actor, kind, status,
 * tag) laid out so that the file is mapped and used as it is, never parsed
 * whole.  snapwrite.c writes it.
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
#include "fault.h"
#include "store_int.h"

/* ---- reading ---------------------------------------------------------- */

#define BAD(...) (att__snap_close(s), att__err(ATT_ECORRUPT, __VA_ARGS__))

int att__snap_open(att__snap *s, const char *path) {
  struct stat st;
  att__shdr h;
  uint32_t crc;
  memset(s, 0, sizeof *s);
  s->fd = att__fault(ATT_FAULT_OPEN) ? -1 : open(path, O_RDONLY | O_CLOEXEC);
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
  s->map = att__fault(ATT_FAULT_MMAP) ? MAP_FAILED : mmap(NULL, s->maplen, PROT_READ, MAP_SHARED, s->fd, 0);
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
  const char *json = NULL; /* set when att__snap_json succeeds; gcc -O3 cannot tell */
  uint32_t len = 0;
  int rc = att__snap_json(s, ord, &json, &len);
  if (rc) return rc;
  rc = att_event_from_json(json, len, ATT_EV_STORED, ev);
  if (rc)
    return att__errctx(ATT_ECORRUPT, "snapshot: stored event %lld does not read back",
                       (long long)s->ids[ord].id);
  return 0;
}

/* ---- the indexes turned around, for compaction ------------------------- */

void att__snapinv_free(att__snapinv *inv) {
  free(inv->key);
  free(inv->kind);
  free(inv->status);
  free(inv->aoff);
  free(inv->toff);
  free(inv->actors);
  free(inv->tags);
  memset(inv, 0, sizeof *inv);
}

/* Lists per position of a many-valued field (actors, tags). */
static int invert_multi(const att__snap *s, int field, uint32_t **offp, const char ***valp) {
  uint64_t n = s->h.count, npost = s->h.sect[ATT__S_POST].len / 4, total = 0;
  uint32_t *off = calloc(n + 1, sizeof *off), *fill = NULL;
  const char **val = NULL;
  if (!off) return -1;
  for (uint64_t d = s->h.dict[field]; d < s->h.dict[field + 1]; d++) {
    const att__dictent *e = &s->dict[d];
    if ((uint64_t)e->post + e->npost > npost) goto bad;
    for (uint32_t k = 0; k < e->npost; k++) {
      uint32_t ord = s->post[e->post + k];
      if (ord >= n) goto bad;
      off[ord + 1]++;
    }
    total += e->npost;
  }
  for (uint64_t i = 0; i < n; i++) off[i + 1] += off[i];
  if (!(val = malloc((total ? total : 1) * sizeof *val)) || !(fill = malloc((n ? n : 1) * sizeof *fill))) goto nomem;
  memcpy(fill, off, n * sizeof *fill);
  for (uint64_t d = s->h.dict[field]; d < s->h.dict[field + 1]; d++) {
    const att__dictent *e = &s->dict[d];
    for (uint32_t k = 0; k < e->npost; k++) val[fill[s->post[e->post + k]]++] = snap_str(s, e->str);
  }
  free(fill);
  *offp = off;
  *valp = val;
  return 0;
bad:
  free(off);
  return att__err(ATT_ECORRUPT, "snapshot: a posting list points outside the id table");
nomem:
  free(off);
  free(val);
  free(fill);
  return att__err(ATT_ENOMEM, "out of memory reading the snapshot's indexes");
}

static int invert_single(const att__snap *s, int field, const char ***valp) {
  uint64_t n = s->h.count, npost = s->h.sect[ATT__S_POST].len / 4;
  const char **val = calloc(n ? n : 1, sizeof *val);
  if (!val) return att__err(ATT_ENOMEM, "out of memory reading the snapshot's indexes");
  for (uint64_t d = s->h.dict[field]; d < s->h.dict[field + 1]; d++) {
    const att__dictent *e = &s->dict[d];
    if ((uint64_t)e->post + e->npost > npost) goto bad;
    for (uint32_t k = 0; k < e->npost; k++) {
      uint32_t ord = s->post[e->post + k];
      if (ord >= n) goto bad;
      val[ord] = snap_str(s, e->str);
    }
  }
  *valp = val;
  return 0;
bad:
  free(val);
  return att__err(ATT_ECORRUPT, "snapshot: a posting list points outside the id table");
}

int att__snap_invert(const att__snap *s, att__snapinv *inv) {
  int rc;
  memset(inv, 0, sizeof *inv);
  if ((rc = invert_multi(s, ATT__F_ACTOR, &inv->aoff, &inv->actors)) != 0 ||
      (rc = invert_multi(s, ATT__F_TAG, &inv->toff, &inv->tags)) != 0 ||
      (rc = invert_single(s, ATT__F_KIND, &inv->kind)) != 0 ||
      (rc = invert_single(s, ATT__F_STATUS, &inv->status)) != 0)
    goto fail;
  if (!(inv->key = calloc(s->h.count ? s->h.count : 1, sizeof *inv->key))) {
    rc = att__err(ATT_ENOMEM, "out of memory reading the snapshot's indexes");
    goto fail;
  }
  for (uint64_t i = 0; i < s->h.nkeys; i++) {
    if (s->keys[i].ord >= s->h.count) {
      rc = att__err(ATT_ECORRUPT, "snapshot: the key index points outside the id table");
      goto fail;
    }
    inv->key[s->keys[i].ord] = snap_str(s, s->keys[i].str);
  }
  return 0;
fail:
  att__snapinv_free(inv);
  return rc;
}
