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

const char *const att__snap_sect_name[ATT__NSECT] = {
    "records", "id table", "time index", "key index", "dictionary", "postings", "strings",
    "block checksums", "versions", "history segments", "id order of versions", "time bounds"};

/*
 * Which index checksums are verified when the snapshot is opened, and
 * which on first use.  Measured on a store of a million events
 * (docs/performance.md): the id table is 48 MB, the postings 20 MB, the
 * time index 4 MB; the key index, dictionary and strings about 2 MB
 * together.  Format version 2: the key index, dictionary and strings are
 * verified whole on their first use (att__snap_need, called before any
 * read of them), the list of history segments at open; the id table (entry by entry),
 * time index and postings (by 4 KiB) block by block, on the first read of
 * each block (att__snap_blk), so that a query pays for what it reads; a
 * query about to read much of the id table verifies it in one pass first
 * (att__snap_verify_all).  The block checksums (BCRC, 4 MB) are not
 * verified before use: a block is accepted only when its bytes match its
 * entry, and damage to the entry fails that match (a false match is the
 * 2^-32 chance of any CRC); when one fails, BCRC is verified whole to
 * name the section at fault.  At 10M events that left 60 MB to read and
 * checksum at every open, 20 ms of each command.  Version 1 (no block checksums):
 * the id table is verified whole at open, the time index and postings
 * whole on their first read.  The records are not an index: each
 * record's own checksum is verified whenever it is read.
 */
#define SECT_BIT(i) (1u << (i))
#define SMALL (SECT_BIT(ATT__S_KEYS) | SECT_BIT(ATT__S_DICT) | SECT_BIT(ATT__S_STR) | \
               SECT_BIT(ATT__S_SEGS))
#define BLOCKED (SECT_BIT(ATT__S_IDTAB) | SECT_BIT(ATT__S_TIME) | SECT_BIT(ATT__S_POST) | \
                 SECT_BIT(ATT__S_VERS) | SECT_BIT(ATT__S_IDIX) | SECT_BIT(ATT__S_TKEY))
#define EAGER_V1 (SMALL | SECT_BIT(ATT__S_IDTAB))
#define EAGER_V2 SECT_BIT(ATT__S_SEGS)
#define INDEXES (SMALL | BLOCKED | SECT_BIT(ATT__S_BCRC))

/* Block size of an index section (format 2): an entry of the id table,
 * ATT__BLK bytes of the others. */
static uint64_t blksize(int sect) { return sect == ATT__S_IDTAB ? sizeof(att__ident) : ATT__BLK; }
static uint64_t nblocks(int sect, uint64_t len) { return (len + blksize(sect) - 1) / blksize(sect); }

/* The message first: its values may be the handle's, which closing clears
 * (a snapshot cut short was "0 bytes, its header says 10000"). */
#define BAD(...) (att__err(ATT_ECORRUPT, __VA_ARGS__), att__snap_close(s), ATT_ECORRUPT)

static const char *snap_path(const att__snap *s) {
  return s->ck ? s->ck->path : "snapshot";
}

/* n bytes at off of the file into buf: 0, or ATT_EIO naming the file. */
static int read_at(const att__snap *s, char *buf, size_t n, uint64_t off) {
  size_t got = 0;
  while (got < n) {
    ssize_t r = pread(s->fd, buf + got, n - got, (off_t)(off + got));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      int e = r < 0 ? errno : 0;
      return att__err(ATT_EIO, "cannot read \"%s\" at byte %llu: %s", snap_path(s),
                      (unsigned long long)(off + got),
                      e ? strerror(e) : "the file is shorter than it was");
    }
    got += (size_t)r;
  }
  return 0;
}

/* The checksum of section i, computed from the file by reads of a few
 * pages at a time rather than through the mapping: touching a large
 * mapping page by page costs more than the checksum (measured on the 20 MB
 * postings of a million events: 10 ms mapped, 3.5 ms read). */
static int sect_crc(const att__snap *s, int i, uint32_t *crc) {
  enum { CHUNK = 1 << 16 };
  char *buf = malloc(CHUNK);
  uint64_t off = s->h.sect[i].off, end = off + s->h.sect[i].len;
  uint32_t c = 0;
  if (!buf) return att__err(ATT_ENOMEM, "out of memory checking \"%s\"", snap_path(s));
  while (off < end) {
    size_t want = end - off < CHUNK ? (size_t)(end - off) : CHUNK;
    int rc = read_at(s, buf, want, off);
    if (rc) {
      free(buf);
      return rc;
    }
    c = att_crc32c(c, buf, want);
    off += want;
  }
  free(buf);
  *crc = c;
  return 0;
}

/* Mark every block of section sect verified. */
static void blocks_ok(const att__snap *s, int sect) {
  struct att__snapck *ck = s->ck;
  uint64_t b = ck->base[sect], end = b + nblocks(sect, s->h.sect[sect].len);
  for (; b < end && (b & 63); b++) ck->ok[b >> 6] |= 1ull << (b & 63);
  for (; b + 64 <= end; b += 64) ck->ok[b >> 6] = ~0ull;
  for (; b < end; b++) ck->ok[b >> 6] |= 1ull << (b & 63);
}

/* The whole checksum of section sect (version 2: of the sections verified
 * whole; the others are verified by block). */
int att__snap_need(const att__snap *s, int sect) {
  struct att__snapck *ck = s->ck;
  uint32_t crc = 0;
  if (!ck || (ck->verified & SECT_BIT(sect))) return 0;
  if (s->h.version >= 2 && (BLOCKED & SECT_BIT(sect))) return 0;
  if (!(ck->failed & SECT_BIT(sect))) {
    int rc = sect_crc(s, sect, &crc);
    if (rc) return rc;
    if (crc == s->h.sect[sect].crc) {
      ck->verified |= SECT_BIT(sect);
      if (BLOCKED & SECT_BIT(sect)) blocks_ok(s, sect);
      return 0;
    }
    ck->failed |= SECT_BIT(sect);
  }
  return att__err(ATT_ECORRUPT,
                  "snapshot \"%s\": the %s section (bytes %llu to %llu) fails its checksum; "
                  "'attache fsck' reports, 'attache fsck --salvage DIR' copies what is intact",
                  ck->path, att__snap_sect_name[sect], (unsigned long long)s->h.sect[sect].off,
                  (unsigned long long)(s->h.sect[sect].off + s->h.sect[sect].len));
}

/* The stored checksum of block b (an index into BCRC). */
static uint32_t block_crc(const att__snap *s, uint64_t b) {
  uint32_t c;
  memcpy(&c, s->map + s->h.sect[ATT__S_BCRC].off + 4 * b, 4);
  return c;
}

/* Byte range [*from, *to) of block k of section sect, in the file. */
static void block_range(const att__snap *s, int sect, uint64_t k, uint64_t *from, uint64_t *to) {
  uint64_t len = s->h.sect[sect].len, bs = blksize(sect), a = k * bs, z = a + bs < len ? a + bs : len;
  *from = s->h.sect[sect].off + a;
  *to = s->h.sect[sect].off + z;
}

int att__snap_blk(const att__snap *s, int sect, uint64_t k) {
  struct att__snapck *ck = s->ck;
  uint64_t b = ck->base[sect] + k, from, to;
  if (s->h.version < 2) return att__snap_need(s, sect); /* whole; sets every block */
  block_range(s, sect, k, &from, &to);
  if (!((ck->bad[b >> 6] >> (b & 63)) & 1)) {
    if (att_crc32c(0, s->map + from, (size_t)(to - from)) == block_crc(s, b)) {
      ck->ok[b >> 6] |= 1ull << (b & 63);
      return 0;
    }
    ck->bad[b >> 6] |= 1ull << (b & 63);
  }
  {
    int rc = att__snap_need(s, ATT__S_BCRC); /* the block, or its checksum? */
    if (rc) return rc;
  }
  return att__err(ATT_ECORRUPT,
                  "snapshot \"%s\": the %s section fails its checksum in bytes %llu to %llu "
                  "(block %llu of %llu); 'attache fsck' reports, 'attache fsck --salvage DIR' "
                  "copies what is intact",
                  ck->path, att__snap_sect_name[sect], (unsigned long long)from,
                  (unsigned long long)to, (unsigned long long)k,
                  (unsigned long long)nblocks(sect, s->h.sect[sect].len));
}

void att__snap_verify_all(const att__snap *s, int sect) {
  struct att__snapck *ck = s->ck;
  uint64_t b, end;
  int bad = 0;
  if (s->h.version < 2) {
    (void)att__snap_need(s, sect); /* a failure is reported by the read */
    return;
  }
  /* Once every block passed, the next call returns here: the walk over
   * the bits alone was 1M steps at 1M events, on every query. */
  if (ck->verified & SECT_BIT(sect)) return;
  b = ck->base[sect];
  end = b + nblocks(sect, s->h.sect[sect].len);
  for (uint64_t k = 0; b < end; b++, k++) {
    uint64_t from, to;
    if ((ck->bad[b >> 6] >> (b & 63)) & 1) bad = 1;
    if (((ck->ok[b >> 6] | ck->bad[b >> 6]) >> (b & 63)) & 1) continue;
    block_range(s, sect, k, &from, &to);
    if (att_crc32c(0, s->map + from, (size_t)(to - from)) == block_crc(s, b)) {
      ck->ok[b >> 6] |= 1ull << (b & 63);
    } else {
      ck->bad[b >> 6] |= 1ull << (b & 63);
      bad = 1;
    }
  }
  if (!bad) ck->verified |= SECT_BIT(sect);
}

uint64_t att__snap_badblocks(const att__snap *s, int sect, uint64_t *from, uint64_t *to) {
  uint64_t n = 0;
  *from = *to = 0;
  if (s->h.version < 2 || !((BLOCKED & SECT_BIT(sect)) || (sect >= ATT__S_IDTAB && sect <= ATT__S_STR)) ||
      ((sect == ATT__S_VERS || sect == ATT__S_IDIX) && s->h.version < 3) ||
      (sect == ATT__S_TKEY && s->h.version < 5))
    return 0;
  for (uint64_t k = 0, nb = nblocks(sect, s->h.sect[sect].len); k < nb; k++) {
    uint64_t a, z;
    block_range(s, sect, k, &a, &z);
    if (att_crc32c(0, s->map + a, (size_t)(z - a)) != block_crc(s, s->ck->base[sect] + k) && n++ == 0) {
      *from = a;
      *to = z;
    }
  }
  return n;
}

int att__snap_badpos(const att__snap *s, int sect, uint64_t i, uint32_t v) {
  return att__err(ATT_ECORRUPT,
                  "snapshot \"%s\": %s entry %llu is %u, past the %llu events of the id table",
                  snap_path(s), att__snap_sect_name[sect], (unsigned long long)i, v,
                  (unsigned long long)s->h.count);
}

/* The string at offset off of the strings section, for entry i of sect. */
static int snap_str(const att__snap *s, int sect, uint64_t i, uint32_t off, const char **out) {
  if (off < s->strlen) {
    *out = s->str + off;
    return 0;
  }
  *out = "";
  return att__err(ATT_ECORRUPT,
                  "snapshot \"%s\": %s entry %llu names string %u, past the %llu bytes of strings",
                  snap_path(s), att__snap_sect_name[sect], (unsigned long long)i, off,
                  (unsigned long long)s->strlen);
}

int att__snap_dictent(const att__snap *s, uint64_t i, const char **val, uint64_t *post,
                      uint32_t *n) {
  const att__dictent *d = &s->dict[i];
  uint64_t npost = s->h.sect[ATT__S_POST].len / 4;
  int rc;
  if ((rc = snap_str(s, ATT__S_DICT, i, d->str, val)) != 0) return rc;
  if ((uint64_t)d->post + d->npost > npost)
    return att__err(ATT_ECORRUPT,
                    "snapshot \"%s\": dictionary entry %llu (\"%s\") has postings %u to %llu, "
                    "past the %llu of the postings section",
                    snap_path(s), (unsigned long long)i, *val, d->post,
                    (unsigned long long)d->post + d->npost, (unsigned long long)npost);
  *post = d->post;
  *n = d->npost;
  return 0;
}

int att__snap_keyent(const att__snap *s, uint64_t i, const char **key, uint32_t *ord) {
  const att__keyent *k = &s->keys[i];
  int rc;
  if ((rc = snap_str(s, ATT__S_KEYS, i, k->str, key)) != 0) return rc;
  if (k->ord >= s->h.count) return att__snap_badpos(s, ATT__S_KEYS, i, k->ord);
  *ord = k->ord;
  return 0;
}

/* ---- the header in the file -------------------------------------------- */

size_t att__shdr_size(uint32_t version) {
  return version == 1 ? ATT__SHDR_V1 : version == 2 ? ATT__SHDR_V2 : version <= 4 ? ATT__SHDR_V4 : sizeof(att__shdr);
}

void att__shdr_encode(att__shdr *h, unsigned char out[ATT__SHDR]) {
  size_t n = att__shdr_size(h->version);
  memset(out, 0, ATT__SHDR);
  h->hdr_crc = 0;
  if (h->version >= 3 && h->version <= 4) {
    /* sect[ATT__S_TKEY] was not there: the fields after sect move up */
    memcpy(out, h, ATT__SHDR_V4 - ATT__SHDR_TAIL);
    memcpy(out + ATT__SHDR_V4 - ATT__SHDR_TAIL, &h->next_seq, ATT__SHDR_TAIL);
  } else {
    memcpy(out, h, n);
  }
  h->hdr_crc = att_crc32c(0, out, n);
  memcpy(out + offsetof(att__shdr, hdr_crc), &h->hdr_crc, sizeof h->hdr_crc);
}

int att__shdr_decode(const unsigned char in[ATT__SHDR], att__shdr *h) {
  unsigned char b[ATT__SHDR];
  uint32_t crc, zero = 0;
  size_t n;
  memcpy(b, in, ATT__SHDR);
  memcpy(&crc, b + offsetof(att__shdr, hdr_crc), sizeof crc);
  memcpy(b + offsetof(att__shdr, hdr_crc), &zero, sizeof zero);
  memset(h, 0, sizeof *h);
  memcpy(&h->version, b + offsetof(att__shdr, version), sizeof h->version);
  /* An unknown version is judged by the caller, on the latest layout. */
  n = att__shdr_size(h->version >= 1 && h->version <= ATT__SVERSION ? h->version : ATT__SVERSION);
  if (att_crc32c(0, b, n) != crc) return -1;
  if (h->version >= 3 && h->version <= 4) {
    memcpy(h, b, ATT__SHDR_V4 - ATT__SHDR_TAIL);
    memcpy(&h->next_seq, b + ATT__SHDR_V4 - ATT__SHDR_TAIL, ATT__SHDR_TAIL);
  } else {
    memcpy(h, b, n);
  }
  h->hdr_crc = crc;
  return 0;
}

static int snap_open(att__snap *s, const char *path, int raw) {
  struct stat st;
  att__shdr h;
  size_t plen = strlen(path);
  memset(s, 0, sizeof *s);
  s->fd = att__open(path, O_RDONLY, 0);
  if (s->fd < 0) {
    int e = errno;
    if (e == ENOENT) return att__err(ATT_ENOSTORE, "cannot open \"%s\": %s", path, strerror(e));
    return att__open_err(path, "open");
  }
  if (!(s->ck = att__fault(ATT_FAULT_ALLOC) ? NULL : malloc(sizeof *s->ck + plen + 1))) {
    att__snap_close(s);
    return att__err(ATT_ENOMEM, "cannot open \"%s\": out of memory", path);
  }
  memset(s->ck, 0, sizeof *s->ck);
  memcpy(s->ck->path, path, plen + 1);
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
  if (memcmp(s->map, ATT__SMAGIC, 8) != 0) return BAD("\"%s\" is not an attache snapshot (bad magic)", path);
  if (att__shdr_decode(s->map, &h) != 0) return BAD("snapshot \"%s\": header checksum mismatch", path);
  if (h.version < 1 || h.version > ATT__SVERSION)
    return BAD("snapshot \"%s\": version %u, this attache reads versions 1 to %d", path, h.version,
               ATT__SVERSION);
  if (h.file_size != s->maplen)
    return BAD("snapshot \"%s\" is %zu bytes, its header says %llu (truncated or extended)", path,
               s->maplen, (unsigned long long)h.file_size);
  for (int i = 0; i < (h.version == 1 ? ATT__S_BCRC : h.version == 2 ? ATT__S_VERS : h.version <= 4 ? ATT__S_TKEY : ATT__NSECT); i++)
    if (h.sect[i].off % 8 || h.sect[i].off < ATT__SHDR || h.sect[i].off > s->maplen ||
        h.sect[i].len > s->maplen - h.sect[i].off)
      return BAD("snapshot \"%s\": the %s section lies outside the file", path, att__snap_sect_name[i]);
  /* Positions in the id table are u32: a count beyond that is damage. */
  if (h.count > UINT32_MAX || h.nkeys > h.count ||
      h.sect[ATT__S_IDTAB].len != h.count * sizeof(att__ident) ||
      h.sect[ATT__S_TIME].len != h.count * 4 || h.tclass[0] != 0 || h.tclass[ATT__NCLASS] != h.count ||
      h.sect[ATT__S_KEYS].len != h.nkeys * sizeof(att__keyent) || h.dict[0] != 0 ||
      h.dict[ATT__NFIELD] > h.sect[ATT__S_DICT].len ||
      h.sect[ATT__S_DICT].len != h.dict[ATT__NFIELD] * sizeof(att__dictent) ||
      h.sect[ATT__S_POST].len % 4 || h.sect[ATT__S_STR].len > UINT32_MAX ||
      (h.sect[ATT__S_STR].len > 0 && s->map[h.sect[ATT__S_STR].off + h.sect[ATT__S_STR].len - 1] != 0) ||
      (h.version >= 3 && (h.sect[ATT__S_VERS].len != h.count * sizeof(att__vers) ||
                          h.sect[ATT__S_SEGS].len % sizeof(att__segent) != 0 ||
                          h.sect[ATT__S_IDIX].len != (h.kind == ATT__K_HIST ? h.count * 4 : 0) ||
                          h.kind > ATT__K_HIST)) ||
      h.sect[ATT__S_TKEY].len != (h.version >= 5 ? h.count * sizeof(att__tkent) : 0))
    return BAD("snapshot \"%s\": index sizes do not agree with its header", path);
  for (int c = 0; c < ATT__NCLASS; c++)
    if (h.tclass[c] > h.tclass[c + 1] || h.maxspan[c] < 0)
      return BAD("snapshot \"%s\": bad time classes", path);
  for (int f = 0; f < ATT__NFIELD; f++)
    if (h.dict[f] > h.dict[f + 1]) return BAD("snapshot \"%s\": bad dictionary ranges", path);
  {
    /* Blocks: one bit each (verified, failed), numbered as in BCRC. */
    uint64_t nb = 0, words;
    for (int i = ATT__S_IDTAB; i <= ATT__S_STR; i++) {
      s->ck->base[i] = nb;
      nb += nblocks(i, h.sect[i].len);
    }
    s->ck->base[ATT__S_VERS] = nb;
    nb += nblocks(ATT__S_VERS, h.sect[ATT__S_VERS].len);
    s->ck->base[ATT__S_IDIX] = nb;
    nb += nblocks(ATT__S_IDIX, h.sect[ATT__S_IDIX].len);
    s->ck->base[ATT__S_TKEY] = nb;
    nb += nblocks(ATT__S_TKEY, h.sect[ATT__S_TKEY].len);
    if (h.version >= 2 && h.sect[ATT__S_BCRC].len != nb * 4)
      return BAD("snapshot \"%s\": its block checksums do not match its sections", path);
    words = nb / 64 + 1;
    if (!(s->ck->ok = att__fault(ATT_FAULT_ALLOC) ? NULL : calloc(words, 8)) ||
        !(s->ck->bad = calloc(words, 8))) {
      att__snap_close(s);
      return att__err(ATT_ENOMEM, "cannot open \"%s\": out of memory", path);
    }
    if (raw) {
      s->ck->verified = INDEXES;
      memset(s->ck->ok, 0xff, words * 8);
    }
  }
  s->h = h;
  s->ids = (const att__ident *)(s->map + h.sect[ATT__S_IDTAB].off);
  s->time = (const uint32_t *)(s->map + h.sect[ATT__S_TIME].off);
  s->keys = (const att__keyent *)(s->map + h.sect[ATT__S_KEYS].off);
  s->dict = (const att__dictent *)(s->map + h.sect[ATT__S_DICT].off);
  s->post = (const uint32_t *)(s->map + h.sect[ATT__S_POST].off);
  s->str = (const char *)(s->map + h.sect[ATT__S_STR].off);
  s->strlen = h.sect[ATT__S_STR].len;
  if (h.version >= 3) {
    s->vers = (const att__vers *)(s->map + h.sect[ATT__S_VERS].off);
    s->segs = (const att__segent *)(s->map + h.sect[ATT__S_SEGS].off);
    s->nsegs = h.sect[ATT__S_SEGS].len / sizeof(att__segent);
    s->idix = (const uint32_t *)(s->map + h.sect[ATT__S_IDIX].off);
  }
  if (h.version >= 5) s->tkey = (const att__tkent *)(s->map + h.sect[ATT__S_TKEY].off);
  for (int i = 0; i < ATT__NSECT; i++) {
    int rc;
    if (((h.version == 1 ? EAGER_V1 : EAGER_V2) & SECT_BIT(i)) && (rc = att__snap_need(s, i)) != 0) {
      att__snap_close(s);
      return rc;
    }
  }
  return 0;
}

int att__snap_open(att__snap *s, const char *path) {
  return snap_open(s, path, 0);
}

int att__snap_open_raw(att__snap *s, const char *path) {
  return snap_open(s, path, 1);
}

void att__snap_take(att__snap *s, att__mapping *m) {
  m->map = s->map;
  m->len = s->maplen;
  m->fd = s->fd;
  if (s->ck) {
    free(s->ck->ok);
    free(s->ck->bad);
    free(s->ck->recok);
  }
  free(s->ck);
  memset(s, 0, sizeof *s);
  s->fd = -1;
}

void att__mapping_release(att__mapping *m) {
  if (m->map) munmap((void *)m->map, m->len);
  if (m->fd >= 0) close(m->fd);
  m->map = NULL;
  m->fd = -1;
}

void att__snap_close(att__snap *s) {
  att__mapping m;
  att__snap_take(s, &m);
  att__mapping_release(&m);
}

/*
 * The position of id in the id table, or -1.  Ids ascend and are unique
 * integers, so an entry d ids away from the one asked is at most d places
 * away: a first probe where the id would be if ids were dense (they nearly
 * are: given in order, few removed) bounds the search to a few entries,
 * on one page, which matters when a script reads a million events in date
 * order.  A plain binary search read ~20 entries, each on a page of its
 * own in a 48 MB table at 1M events: a page fault apiece on a cold
 * mapping.  Ids far from dense cost at most three reads more than that.
 */
/* Entry ord of the id table into *out, verified: through the mapping once
 * its block has passed, else by a read of it and of its block checksum
 * (a page of the mapping touched at random costs a fault of 20-25 us on
 * the benchmark machine, a read 2-3 us). */
static int ident_copy(const att__snap *s, uint64_t ord, int byread, att__ident *out) {
  const att__ident *e;
  int rc;
  if (byread && s->h.version >= 2 && !att__snap_blkok(s, ATT__S_IDTAB, ord)) {
    uint64_t b = s->ck->base[ATT__S_IDTAB] + ord;
    uint32_t crc;
    if ((rc = read_at(s, (char *)out, sizeof *out, s->h.sect[ATT__S_IDTAB].off + ord * sizeof *out)) != 0 ||
        (rc = read_at(s, (char *)&crc, 4, s->h.sect[ATT__S_BCRC].off + 4 * b)) != 0)
      return rc;
    if (att_crc32c(0, out, sizeof *out) == crc) {
      s->ck->ok[b >> 6] |= 1ull << (b & 63);
      return 0;
    }
    /* damaged: the mapped read names it */
  }
  if ((rc = att__snap_ident(s, ord, &e)) != 0) return rc;
  *out = *e;
  return 0;
}

/* att__snap_find, its entries read as ident_copy reads them, the one
 * found in *hit (when not NULL). */
static int64_t find_id(const att__snap *s, int64_t id, int byread, att__ident *hit) {
  size_t lo = 0, hi = s->h.count, mid;
  att__ident x, *e = &x;
  int64_t first, last;
  int rc, guess = 1;
  if (hi == 0) return -1;
  if ((rc = ident_copy(s, 0, byread, e)) != 0) return rc;
  first = e->id;
  if ((rc = ident_copy(s, hi - 1, byread, e)) != 0) return rc;
  last = e->id;
  if (id < first || id > last) return -1;
  while (lo < hi) {
    if (guess && last > first) { /* where a dense table would have it */
      double f = ((double)id - (double)first) / ((double)last - (double)first);
      mid = (size_t)(f * (double)(s->h.count - 1));
      if (mid < lo) mid = lo;
      if (mid >= hi) mid = hi - 1;
      guess = 0;
    } else {
      mid = lo + (hi - lo) / 2;
    }
    if ((rc = ident_copy(s, mid, byread, e)) != 0) return rc;
    if (e->id == id) {
      if (hit) *hit = *e;
      return (int64_t)mid;
    }
    if (e->id < id) {
      uint64_t d = (uint64_t)id - (uint64_t)e->id; /* it is at most d places after */
      lo = mid + 1;
      if (d < hi - mid) hi = mid + d + 1;
    } else {
      uint64_t d = (uint64_t)e->id - (uint64_t)id; /* at most d places before */
      hi = mid;
      if (d < mid - lo) lo = mid - d;
    }
  }
  return -1;
}

int64_t att__snap_find(const att__snap *s, int64_t id) {
  return find_id(s, id, 0, NULL);
}

int64_t att__snap_find_read(const att__snap *s, int64_t id, att__ident *e) {
  return find_id(s, id, 1, e);
}

int64_t att__snap_find_near(const att__snap *s, int64_t id, uint64_t near) {
  const att__ident *e;
  if (near + 1 < s->h.count && att__snap_ident(s, near + 1, &e) == 0 && e->id == id)
    return (int64_t)near + 1;
  if (near < s->h.count && att__snap_ident(s, near, &e) == 0 && e->id == id) return (int64_t)near;
  return find_id(s, id, 0, NULL); /* which reports a damaged block */
}

/* The first of the n postings at first that is >= ord, in *at (n if
 * none), searched for in [lo, hi) (the caller knows that P[hi] >= ord, or
 * hi is n): 1 if it is ord, 0 if not, or an error code. */
static int post_lower(const att__snap *s, uint64_t first, uint64_t n, uint64_t lo, uint64_t hi,
                      uint32_t ord, uint64_t *at) {
  uint32_t v = 0;
  int rc;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if ((rc = att__snap_pos(s, ATT__S_POST, first + mid, &v)) != 0) return rc;
    if (v < ord) lo = mid + 1;
    else hi = mid;
  }
  *at = lo;
  if (lo >= n) return 0;
  if ((rc = att__snap_pos(s, ATT__S_POST, first + lo, &v)) != 0) return rc;
  return v == ord;
}

int att__snap_post_has(const att__snap *s, uint64_t first, uint64_t n, uint32_t ord) {
  uint64_t at;
  return post_lower(s, first, n, 0, n, ord, &at);
}

int att__snap_post_seek(const att__snap *s, uint64_t first, uint64_t n, uint64_t *j, uint32_t ord) {
  uint64_t lo = *j, hi, step = 1;
  uint32_t v = 0;
  int rc;
  if (lo >= n) return 0;
  if ((rc = att__snap_pos(s, ATT__S_POST, first + lo, &v)) != 0) return rc;
  if (v >= ord) return v == ord;
  /* P[lo] < ord: gallop to a bound, then search between */
  for (;;) {
    if (lo + step >= n) {
      hi = n;
      break;
    }
    if ((rc = att__snap_pos(s, ATT__S_POST, first + lo + step, &v)) != 0) return rc;
    if (v >= ord) {
      hi = lo + step;
      break;
    }
    lo += step;
    step *= 2;
  }
  /* P[lo] < ord; P[hi] >= ord, or hi == n */
  return post_lower(s, first, n, lo + 1, hi, ord, j);
}

int att__snap_idix(const att__snap *s, uint64_t i, uint32_t *ord) {
  uint64_t k = (i * 4) >> ATT__BLKSHIFT;
  int rc;
  if (!att__snap_blkok(s, ATT__S_IDIX, k) && (rc = att__snap_blk(s, ATT__S_IDIX, k)) != 0) return rc;
  if (s->idix[i] >= s->h.count) return att__snap_badpos(s, ATT__S_IDIX, i, s->idix[i]);
  *ord = s->idix[i];
  return 0;
}

int att__snap_tkey_check(const att__snap *s, uint64_t i) {
  const att__tkent *t;
  const att__ident *e;
  uint32_t ord = 0;
  int rc;
  if (!s->tkey) return 0;
  if ((rc = att__snap_tkent(s, i, &t)) != 0) return rc;
  /* a bad time index entry is the time index's damage, reported with it */
  if (att__snap_pos(s, ATT__S_TIME, i, &ord) != 0) return 0;
  if ((rc = att__snap_ident(s, ord, &e)) != 0) return rc;
  if (t->id != e->id || t->e != e->earliest || t->l != e->latest)
    return att__err(ATT_ECORRUPT,
                    "snapshot \"%s\": time bounds entry %llu (id %lld, %lld to %lld) does not "
                    "agree with id table entry %u (id %lld, %lld to %lld)",
                    snap_path(s), (unsigned long long)i, (long long)t->id, (long long)t->e,
                    (long long)t->l, ord, (long long)e->id, (long long)e->earliest,
                    (long long)e->latest);
  return 0;
}

/* The id at entry i of IDIX. */
static int idix_id(const att__snap *s, uint64_t i, int64_t *id) {
  uint32_t o;
  const att__ident *e;
  int rc;
  if ((rc = att__snap_idix(s, i, &o)) != 0 || (rc = att__snap_ident(s, o, &e)) != 0) return rc;
  *id = e->id;
  return 0;
}

int att__snap_made_by(const att__snap *s, att_time t, uint64_t *n) {
  size_t lo = 0, hi = s->h.count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    att__vers v;
    int rc = att__snap_vers(s, mid, &v);
    if (rc) return rc;
    if (v.tx_from <= t) lo = mid + 1;
    else hi = mid;
  }
  *n = lo;
  return 0;
}

int att__snap_find_range(const att__snap *s, int64_t id, uint64_t *lo_out, uint64_t *hi_out) {
  size_t lo = 0, hi = s->h.count, a;
  const att__ident *e;
  int rc;
  if (s->h.kind == ATT__K_HIST) {
    int64_t v = 0;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if ((rc = idix_id(s, mid, &v)) != 0) return rc;
      if (v < id) lo = mid + 1;
      else hi = mid;
    }
    a = lo;
    hi = s->h.count;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if ((rc = idix_id(s, mid, &v)) != 0) return rc;
      if (v <= id) lo = mid + 1;
      else hi = mid;
    }
    *lo_out = a;
    *hi_out = lo;
    return 0;
  }
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if ((rc = att__snap_ident(s, mid, &e)) != 0) return rc;
    if (e->id < id) lo = mid + 1;
    else hi = mid;
  }
  a = lo;
  hi = s->h.count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if ((rc = att__snap_ident(s, mid, &e)) != 0) return rc;
    if (e->id <= id) lo = mid + 1;
    else hi = mid;
  }
  *lo_out = a;
  *hi_out = lo;
  return 0;
}

const char *att__snap_strat(const att__snap *s, uint32_t off) {
  if (off == ATT__NOSTR || off >= s->strlen) return "";
  return s->str + off;
}

/* Give back the pages of the mapping from the one holding off to the one
 * holding end (that one is still being read): successive calls over a
 * section leave none behind.  A page given back that is read again is
 * only read again. */
static void drop_range(const att__snap *s, uint64_t off, uint64_t end) {
  long pg = sysconf(_SC_PAGESIZE);
  uint64_t a, b;
  if (pg <= 0 || !s->map || end > s->maplen) return;
  a = off / (uint64_t)pg * (uint64_t)pg;
  b = end / (uint64_t)pg * (uint64_t)pg;
  if (b > a) (void)madvise((void *)(uintptr_t)(s->map + a), (size_t)(b - a), MADV_DONTNEED);
}

void att__snap_drop(const att__snap *s, uint64_t from, uint64_t to, uint64_t rec_from, uint64_t rec_to) {
  if (to <= from || to > s->h.count) return;
  drop_range(s, rec_from, rec_to);
  drop_range(s, s->h.sect[ATT__S_IDTAB].off + from * sizeof(att__ident),
             s->h.sect[ATT__S_IDTAB].off + to * sizeof(att__ident));
  if (s->vers)
    drop_range(s, s->h.sect[ATT__S_VERS].off + from * sizeof(att__vers),
               s->h.sect[ATT__S_VERS].off + to * sizeof(att__vers));
  /* The id table's block checksums come first in BCRC, one an entry. */
  if (s->h.version >= 2)
    drop_range(s, s->h.sect[ATT__S_BCRC].off + from * 4, s->h.sect[ATT__S_BCRC].off + to * 4);
}

int att__snap_vers(const att__snap *s, uint64_t ord, att__vers *out) {
  if (s->vers == NULL) {
    const att__ident *e;
    int rc = att__snap_ident(s, ord, &e);
    if (rc) return rc;
    memset(out, 0, sizeof *out);
    out->tx_from = e->updated;
    out->tx_to = ATT_TIME_MAX;
    out->author = out->reason = ATT__NOSTR;
    out->op = ATT_CHANGE_UPDATE; /* unknown: before history was kept */
    return 0;
  }
  {
    uint64_t k = (ord * sizeof(att__vers)) >> ATT__BLKSHIFT;
    int rc;
    if (!att__snap_blkok(s, ATT__S_VERS, k) && (rc = att__snap_blk(s, ATT__S_VERS, k)) != 0) return rc;
    /* A block boundary may cut an entry (64 bytes into 4 KiB: never). */
    *out = s->vers[ord];
    /* its author and reason are read from the strings (att__snap_strat) */
    if ((out->author != ATT__NOSTR || out->reason != ATT__NOSTR) &&
        (rc = att__snap_need(s, ATT__S_STR)) != 0)
      return rc;
    if ((out->author != ATT__NOSTR && out->author >= s->strlen) ||
        (out->reason != ATT__NOSTR && out->reason >= s->strlen) || out->op < ATT_CHANGE_ADD ||
        (out->op > ATT_CHANGE_RESTORE && !(out->op == ATT_CHANGE_PRUNE && s->h.kind == ATT__K_HIST)))
      return att__err(ATT_ECORRUPT, "snapshot \"%s\": versions entry %llu is out of range",
                      snap_path(s), (unsigned long long)ord);
  }
  return 0;
}

int64_t att__snap_find_key(const att__snap *s, const char *key) {
  size_t lo = 0, hi = s->h.nkeys;
  int rc;
  if ((rc = att__snap_need(s, ATT__S_KEYS)) != 0 || (rc = att__snap_need(s, ATT__S_STR)) != 0)
    return rc;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *k = "";
    uint32_t ord = 0;
    int c;
    if ((rc = att__snap_keyent(s, mid, &k, &ord)) != 0) return rc;
    c = strcmp(k, key);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid;
    else return (int64_t)ord;
  }
  return -1;
}

int att__snap_postings(const att__snap *s, int field, const char *value, uint64_t *first,
                       uint32_t *n) {
  size_t lo = s->h.dict[field], hi = s->h.dict[field + 1];
  int rc;
  *first = 0;
  *n = 0;
  if ((rc = att__snap_need(s, ATT__S_DICT)) != 0 || (rc = att__snap_need(s, ATT__S_STR)) != 0)
    return rc;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *v = "";
    uint64_t p = 0;
    uint32_t k = 0;
    int c;
    if ((rc = att__snap_dictent(s, mid, &v, &p, &k)) != 0) return rc;
    c = strcmp(v, value);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid;
    else {
      *first = p;
      *n = k;
      return 0;
    }
  }
  return 0;
}

/* Where record ord starts (*off, its 8-byte head inside the records
 * section) and how many bytes of the section are left from there (*room),
 * from its checked id table entry *e. */
static int rec_at(const att__snap *s, uint64_t ord, const att__ident *given, const att__ident **e,
                  uint64_t *off, uint64_t *room) {
  uint64_t rbeg = s->h.sect[ATT__S_RECS].off, rend = rbeg + s->h.sect[ATT__S_RECS].len;
  int rc;
  if (ord >= s->h.count)
    return att__err(ATT_ECORRUPT, "snapshot \"%s\": no event at position %llu of %llu",
                    snap_path(s), (unsigned long long)ord, (unsigned long long)s->h.count);
  if (given) *e = given;
  else if ((rc = att__snap_ident(s, ord, e)) != 0) return rc;
  *off = (*e)->rec_off;
  if (*off < rbeg || *off > rend || rend - *off < 8)
    return att__err(ATT_ECORRUPT, "snapshot \"%s\": record of event %lld lies outside the records section",
                    snap_path(s), (long long)(*e)->id);
  *room = rend - *off;
  return 0;
}

static int rec_damaged(const att__snap *s, const att__ident *e, uint64_t off) {
  return att__err(ATT_ECORRUPT, "snapshot \"%s\": record of event %lld at byte %llu is damaged (checksum mismatch)",
                  snap_path(s), (long long)e->id, (unsigned long long)off);
}

/*
 * A record read through the mapping has its checksum verified the first
 * time, as an index block has: a bit per record remembers it (none made
 * when there is no memory for them: then every read verifies).  At 1M
 * events a script's pass over every event spent 16% of its time
 * verifying again, each pass, the 470 MB of records it had verified.
 */
int att__snap_json(const att__snap *s, uint64_t ord, const char **json, uint32_t *len) {
  uint64_t off = 0, room = 0, *ok;
  uint32_t n, crc;
  const att__ident *e = NULL;
  int rc;
  if ((rc = rec_at(s, ord, NULL, &e, &off, &room)) != 0) return rc;
  memcpy(&n, s->map + off, 4);
  if (n > room - 8) return rec_damaged(s, e, off);
  if (s->ck && !s->ck->recok) s->ck->recok = calloc((size_t)(s->h.count / 64 + 1), sizeof *ok);
  ok = s->ck ? s->ck->recok : NULL;
  if (!ok || !((ok[ord >> 6] >> (ord & 63)) & 1)) {
    memcpy(&crc, s->map + off + 4, 4);
    if (att_crc32c(0, s->map + off + 8, n) != crc) return rec_damaged(s, e, off);
    if (ok) ok[ord >> 6] |= 1ull << (ord & 63);
  }
  *json = (const char *)s->map + off + 8;
  *len = n;
  return 0;
}


/* Room for need bytes in *buf (*cap of them now). */
static int reserve(char **buf, size_t *cap, size_t need) {
  char *nb;
  if (*cap >= need) return 0;
  if (!(nb = realloc(*buf, need))) return att__err(ATT_ENOMEM, "out of memory reading an event");
  *buf = nb;
  *cap = need;
  return 0;
}

/*
 * Record ord read from the file into *buf (grown as need be: *cap bytes,
 * the caller's to free), its JSON at (*buf)[0..*len), checked as
 * att__snap_json checks it.  A record reached at random costs one read,
 * 2-3 us, where the first touch of its page of the mapping cost 20-25 us
 * on this machine (a page fault, with the pages around it mapped too).
 */
int att__snap_json_read(const att__snap *s, uint64_t ord, const att__ident *given, char **buf,
                        size_t *cap, uint32_t *len) {
  enum { FIRST = 1024 }; /* most records: one read */
  uint64_t off = 0, room = 0;
  uint32_t n, crc;
  const att__ident *e = NULL;
  size_t first;
  int rc;
  if ((rc = rec_at(s, ord, given, &e, &off, &room)) != 0) return rc;
  first = room < FIRST ? (size_t)room : FIRST;
  if ((rc = reserve(buf, cap, FIRST)) != 0 || (rc = read_at(s, *buf, first, off)) != 0) return rc;
  memcpy(&n, *buf, 4);
  memcpy(&crc, *buf + 4, 4);
  if (n > room - 8) return rec_damaged(s, e, off);
  if ((size_t)n + 8 > first &&
      ((rc = reserve(buf, cap, (size_t)n + 8)) != 0 ||
       (rc = read_at(s, *buf + first, (size_t)n + 8 - first, off + first)) != 0))
    return rc;
  if (att_crc32c(0, *buf + 8, n) != crc) return rec_damaged(s, e, off);
  memmove(*buf, *buf + 8, n);
  *len = n;
  return 0;
}

/* The parse of record ord (json, len), or a damaged record's error. */
static int snap_parse(const att__snap *s, uint64_t ord, const char *json, uint32_t len,
                      att_event *ev) {
  int rc = att_event_from_json(json, len, ATT_EV_STORED, ev);
  if (rc) {
    const att__ident *e = NULL; /* verified by the read of the record */
    (void)att__snap_ident(s, ord, &e);
    return att__errctx(ATT_ECORRUPT, "snapshot: stored event %lld does not read back",
                       e ? (long long)e->id : 0LL);
  }
  return 0;
}

int att__snap_event(const att__snap *s, uint64_t ord, att_event *ev) {
  const char *json = NULL; /* set when att__snap_json succeeds; gcc -O3 cannot tell */
  uint32_t len = 0;
  int rc = att__snap_json(s, ord, &json, &len);
  return rc ? rc : snap_parse(s, ord, json, len, ev);
}

int att__snap_event_read(const att__snap *s, uint64_t ord, const att__ident *given, att_event *ev) {
  char *buf = NULL;
  size_t cap = 0;
  uint32_t len = 0;
  int rc = att__snap_json_read(s, ord, given, &buf, &cap, &len);
  if (rc == 0) rc = snap_parse(s, ord, buf, len, ev);
  free(buf);
  return rc;
}
