/*
 * Internals of the store shared by its files: the on-disk layouts of the
 * journal and the snapshot (docs/store.md is their description for people),
 * the in-memory overlay of journal changes, and the store object itself.
 */
#ifndef ATT_STORE_INT_H
#define ATT_STORE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "store.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "attache store files are little-endian; this host is not"
#endif

/* ---- journal --------------------------------------------------------- */

/* A hint to fetch the cache line at p (readers that jump around the
 * mapping); nothing where the compiler has no such builtin. */
#if defined(__GNUC__)
#define ATT__PREFETCH(p) __builtin_prefetch(p)
#else
#define ATT__PREFETCH(p) ((void)(p))
#endif

#define ATT__JMAGIC "ATTJRNL1"
#define ATT__JHDR 32         /* file header size */
#define ATT__RHDR 16         /* record header size */
#define ATT__RMAGIC 0xA7CEu  /* in every record header */
#define ATT__RMAX (64u << 20) /* largest record payload */

/* NEXTID: the id high-water mark (u64) made durable when ids handed out
 * by a write that did not commit (a rollback, a cut-off crash remnant)
 * would otherwise be given again. */
/* ABORT (u64, the same mark) ends a batch that rolled back after it
 * handed out ids: replay skips the batch's changes and keeps the mark. */
/* META (format of history, docs/history.md): the first record of a
 * write that changes events: i64 transaction time, u32 author length, u32
 * reason length, the author's bytes, the reason's.  The write's changes
 * share them; each change's number (seq) is the snapshot's next_seq plus
 * the changes applied before it, so it is never written. */
enum { ATT__R_PUT = 1, ATT__R_DEL = 2, ATT__R_COMMIT = 3, ATT__R_NEXTID = 4, ATT__R_ABORT = 5,
       ATT__R_META = 6 };
enum { ATT__RF_END = 1 }; /* last record of a batch */

/* One decoded record; payload points into the caller's buffer. */
typedef struct att__rec {
  int type;
  int flags;
  const char *payload;
  uint32_t len;
} att__rec;

void att__jhdr_encode(unsigned char h[ATT__JHDR], uint64_t gen);
int att__jhdr_decode(const unsigned char *h, size_t n, uint64_t *gen);
/* Encode a record header for payload p[len] into h. */
void att__rhdr_encode(unsigned char h[ATT__RHDR], int type, int flags,
                      const void *p, uint32_t len);
/* Decode the record at buf[0..n): 1 = a whole valid record (*used bytes),
 * 0 = incomplete (needs more bytes), -1 = invalid. */
int att__rec_decode(const unsigned char *buf, size_t n, att__rec *r, size_t *used);

/* ---- snapshot -------------------------------------------------------- */

#define ATT__SMAGIC "ATTSNAP1"
#define ATT__SHDR 512
#define ATT__NCLASS 5 /* time classes by span */
enum { ATT__F_ACTOR, ATT__F_KIND, ATT__F_STATUS, ATT__F_TAG, ATT__NFIELD };
/* BCRC (format version 2): one CRC-32C per block of each index section
 * from IDTAB to STR, in section order, so that a reader verifies only the
 * blocks it reads.  A block of the id table is one entry (queries read
 * entries scattered all over it: a time window at 1M events touches every
 * 64 KiB of it); of the other sections, ATT__BLK bytes (a page) from the
 * section's start (the last block may be short).  A page, because the
 * reader touches that page anyway: a larger block makes it touch pages it
 * does not read, and a first touch costs more than the checksum
 * (docs/performance.md). */
/* Format version 3 adds VERS (one att__vers per id table entry: the
 * change that made each version, and for a history segment the one that
 * replaced it), with block checksums in BCRC after STR's, and SEGS (the
 * main snapshot's list of history segments, att__segent).  In the file
 * VERS comes before BCRC and SEGS after it. */
/* A history segment also has IDIX: its positions (u32) in order of
 * (id, seq), for the versions of one event; its id table is in the order
 * of the changes that made the versions (seq), so that an as-of read at
 * time T reads only the positions made by then (a prefix), and a
 * segment's versions lie in a range of replacement times.  IDIX's block
 * checksums follow VERS's. */
/* Format version 5 adds TKEY, one att__tkent per entry of the time index
 * (same order): the entry's dates and its event's id, so that a walk of
 * the time index decides its candidates, and answers a query by id or by
 * date or a count, without reading the id table (whose entries it reaches
 * at random, each first touch mapping 64 KiB of it).  Its block checksums
 * follow IDIX's; in the file it comes after IDIX. */
enum { ATT__S_RECS, ATT__S_IDTAB, ATT__S_TIME, ATT__S_KEYS, ATT__S_DICT,
       ATT__S_POST, ATT__S_STR, ATT__S_BCRC, ATT__S_VERS, ATT__S_SEGS, ATT__S_IDIX,
       ATT__S_TKEY, ATT__NSECT };
#define ATT__SVERSION 5 /* written; versions 1 (no BCRC) to 4 (no TKEY) are still read */
/* Format 4: the events that recur are posted under this value of the
 * status field (no status can hold a control character), so that a
 * search for recurring events reads their postings, not every event.
 * Format 3 has the same layout without it. */
#define ATT__RECUR_MARK "\x01recurs"
#define ATT__BLKSHIFT 12
#define ATT__BLK (1u << ATT__BLKSHIFT)

typedef struct att__sect {
  uint64_t off, len;
  uint32_t crc, pad;
} att__sect;

typedef struct att__shdr {
  char magic[8];
  uint32_t version;
  uint32_t hdr_crc; /* over the header with this field zero */
  uint64_t gen;
  uint64_t count;
  uint64_t next_id;
  uint64_t file_size;
  int64_t maxspan[ATT__NCLASS];         /* widest span in each class */
  uint64_t tclass[ATT__NCLASS + 1];     /* class c: TIME[tclass[c]..tclass[c+1]) */
  uint64_t dict[ATT__NFIELD + 1];       /* field f: DICT[dict[f]..dict[f+1]) */
  uint64_t nkeys;
  att__sect sect[ATT__NSECT]; /* version 5; 3 and 4 had ATT__S_TKEY of them */
  /* version 3 */
  uint64_t next_seq; /* the number the next change gets */
  int64_t last_tx;   /* the latest transaction time so far */
  uint32_t kind;     /* ATT__K_MAIN, or ATT__K_HIST: a history segment */
  uint32_t pad3;
} att__shdr;
enum { ATT__K_MAIN = 0, ATT__K_HIST = 1 };
_Static_assert(sizeof(att__shdr) <= ATT__SHDR, "the snapshot header fits its 512 bytes");
/* The header as each version has it in the file: version 1 ends before
 * sect[ATT__S_BCRC], version 2 before sect[ATT__S_VERS]; versions 3 and 4
 * end with the fields after sect, which then had no ATT__S_TKEY.  Its
 * checksum covers att__shdr_size bytes of the file. */
#define ATT__SHDR_V1 (offsetof(att__shdr, sect) + ATT__S_BCRC * sizeof(att__sect))
#define ATT__SHDR_V2 (offsetof(att__shdr, sect) + ATT__S_VERS * sizeof(att__sect))
#define ATT__SHDR_TAIL (sizeof(att__shdr) - offsetof(att__shdr, next_seq))
#define ATT__SHDR_V4 (offsetof(att__shdr, sect) + ATT__S_TKEY * sizeof(att__sect) + ATT__SHDR_TAIL)
size_t att__shdr_size(uint32_t version);
/* The header into its bytes in the file (for h->version, checksum
 * included), and back: 0, or -1 when the checksum does not hold. */
void att__shdr_encode(att__shdr *h, unsigned char out[ATT__SHDR]);
int att__shdr_decode(const unsigned char in[ATT__SHDR], att__shdr *h);

/* TKEY entry (format 5): the earliest and latest of an entry of the time
 * index, as in the id table, and its event's id. */
typedef struct att__tkent {
  int64_t e, l, id;
} att__tkent;

/* VERS entry: the version at the same position of the id table.  In the
 * main snapshot a live event's current version (tx_to ATT_TIME_MAX,
 * seq_to 0); in a history segment a version replaced by change seq_to at
 * tx_to, or a removal (op ATT_CHANGE_REMOVE: the record holds the state
 * removed; it is never a query's hit).  author and reason are offsets in
 * the strings section, UINT32_MAX for none. */
typedef struct att__vers {
  int64_t tx_from, tx_to;
  uint64_t seq_from, seq_to, batch;
  int64_t rev;
  uint32_t author, reason, op, pad;
} att__vers;
#define ATT__NOSTR UINT32_MAX

/* SEGS entry: a history segment, the file history.<gen>. */
typedef struct att__segent {
  uint64_t gen, file_size, count;
  int64_t min_tx, max_tx; /* of the versions' tx_from .. tx_to (removals excluded) */
  uint32_t hdr_crc, pad;
} att__segent;

typedef struct att__ident { /* IDTAB entry, sorted by id */
  int64_t id, earliest, latest, created, updated;
  uint64_t rec_off; /* file offset of the record: u32 len, u32 crc, JSON */
} att__ident;

typedef struct att__keyent { uint32_t str, ord; } att__keyent;
typedef struct att__dictent { uint32_t str, post, npost; } att__dictent;

typedef struct att__snap {
  int fd;
  dev_t dev;
  ino_t ino;
  const unsigned char *map;
  size_t maplen;
  att__shdr h;
  const att__ident *ids;
  const uint32_t *time;
  const att__keyent *keys;
  const att__dictent *dict;
  const uint32_t *post;
  const char *str;
  uint64_t strlen;
  const att__vers *vers;      /* NULL before version 3 */
  const uint32_t *idix;       /* a history segment's positions by (id, seq) */
  const att__tkent *tkey;     /* NULL before version 5 */
  const att__segent *segs;
  uint64_t nsegs;
  struct att__snapck *ck; /* the path and which checksums held (snapshot.c) */
} att__snap;

/* Nothing mapped is trusted (snapshot.c).  Format version 2: the small
 * sections (key index, dictionary, strings) and the block checksums are
 * verified whole when the snapshot opens; the id table (entry by entry),
 * the time index and the postings (by ATT__BLK bytes) block by block, the
 * first time a byte of a block is read, through the checked accessors
 * below.  A block that fails
 * stays failed.  Version 1 (no block checksums): the id table is verified
 * whole at open, the time index and postings whole on first use.  Every
 * entry is also checked where it points: 0, or ATT_ECORRUPT naming the
 * snapshot, the section, the entry (or byte range) and what is wrong. */
struct att__snapck {
  uint64_t *ok;  /* bit b: block b verified (b = base[sect] + block within sect) */
  uint64_t *bad; /* bit b: block b failed its checksum */
  uint64_t *recok; /* bit ord: record ord's checksum held (made on the first read) */
  uint64_t base[ATT__NSECT];
  unsigned verified; /* bit i: section i's whole checksum held (or is not required) */
  unsigned failed;   /* bit i: it did not */
  char path[];
};
extern const char *const att__snap_sect_name[ATT__NSECT];
int att__snap_need(const att__snap *s, int sect);
int att__snap_badpos(const att__snap *s, int sect, uint64_t i, uint32_t v);
/* Verify block k of section sect (the slow path of the accessors): 0 or
 * ATT_ECORRUPT naming the byte range. */
int att__snap_blk(const att__snap *s, int sect, uint64_t k);
static inline int att__snap_blkok(const att__snap *s, int sect, uint64_t k) {
  uint64_t b = s->ck->base[sect] + k;
  return (int)((s->ck->ok[b >> 6] >> (b & 63)) & 1);
}
/* Entry i of the time index or the postings (sect): a position in the id
 * table.  i itself must be inside the section (the caller's range comes
 * from the header or a checked dictionary entry). */
static inline int att__snap_pos(const att__snap *s, int sect, uint64_t i, uint32_t *ord) {
  uint32_t v;
  int rc;
  uint64_t k = (i * 4) >> ATT__BLKSHIFT;
  if (!att__snap_blkok(s, sect, k) && (rc = att__snap_blk(s, sect, k)) != 0) return rc;
  v = (sect == ATT__S_TIME ? s->time : s->post)[i];
  if (v < s->h.count) {
    *ord = v;
    return 0;
  }
  return att__snap_badpos(s, sect, i, v);
}
/* Entry i (< count) of TKEY (format 5), verified by its blocks (an entry
 * may straddle two). */
static inline int att__snap_tkent(const att__snap *s, uint64_t i, const att__tkent **out) {
  int rc;
  uint64_t k = (i * sizeof(att__tkent)) >> ATT__BLKSHIFT,
           k2 = (i * sizeof(att__tkent) + sizeof(att__tkent) - 1) >> ATT__BLKSHIFT;
  if (!att__snap_blkok(s, ATT__S_TKEY, k) && (rc = att__snap_blk(s, ATT__S_TKEY, k)) != 0) return rc;
  if (k2 != k && !att__snap_blkok(s, ATT__S_TKEY, k2) && (rc = att__snap_blk(s, ATT__S_TKEY, k2)) != 0)
    return rc;
  *out = &s->tkey[i];
  return 0;
}
/* fsck: does TKEY entry i agree with the time index and the id table?
 * 0, or ATT_ECORRUPT naming both. */
int att__snap_tkey_check(const att__snap *s, uint64_t i);
/* Entry ord (< count) of the id table, verified (its own block). */
static inline int att__snap_ident(const att__snap *s, uint64_t ord, const att__ident **out) {
  int rc;
  if (!att__snap_blkok(s, ATT__S_IDTAB, ord) && (rc = att__snap_blk(s, ATT__S_IDTAB, ord)) != 0)
    return rc;
  *out = &s->ids[ord];
  return 0;
}
/* VERS entry ord (< count), verified by its block, and the strings its
 * author and reason name verified; before version 3 one made from the id
 * table (tx_from = updated, seq 0, no author). */
int att__snap_vers(const att__snap *s, uint64_t ord, att__vers *out);
/* A pass over every event in position order (a compaction) has read
 * positions [from, to), whose records lie in [rec_from, rec_to): give
 * back the pages of the mapping it touched (read again from the file if
 * needed), so that the pass does not hold the whole snapshot in memory. */
void att__snap_drop(const att__snap *s, uint64_t from, uint64_t to, uint64_t rec_from, uint64_t rec_to);
/* The string at offset off of the strings section ("" for ATT__NOSTR):
 * an author or reason of a version att__snap_vers gave. */
const char *att__snap_strat(const att__snap *s, uint32_t off);
/* The versions of id: in the main snapshot positions [*lo, *hi) of the
 * id table; in a history segment entries [*lo, *hi) of IDIX, whose
 * positions att__snap_idix gives (by seq). */
int att__snap_find_range(const att__snap *s, int64_t id, uint64_t *lo, uint64_t *hi);
int att__snap_idix(const att__snap *s, uint64_t i, uint32_t *ord);
/* A history segment: how many of its versions (a prefix of its
 * positions) were made at or before t. */
int att__snap_made_by(const att__snap *s, att_time t, uint64_t *n);
/* Verify every block of section sect not verified yet, in file order:
 * for a reader about to read most of it in random order (a block read
 * alone costs a cache miss for its checksum).  A failed block is marked
 * and reported by the read of it. */
void att__snap_verify_all(const att__snap *s, int sect);
/* fsck: how many blocks of section sect fail their block checksum (0 for
 * version 1), and the byte range of the first. */
uint64_t att__snap_badblocks(const att__snap *s, int sect, uint64_t *from, uint64_t *to);
/* Dictionary entry i: its value and its postings (checked: inside the
 * postings section).  Key entry i: its key and position. */
int att__snap_dictent(const att__snap *s, uint64_t i, const char **val, uint64_t *post,
                      uint32_t *n);
int att__snap_keyent(const att__snap *s, uint64_t i, const char **key, uint32_t *ord);
/* For a checker (fsck): open without verifying or requiring any section
 * checksum; it verifies them itself and reads on past damage. */
int att__snap_open_raw(att__snap *s, const char *path);

/* One live event as the snapshot writer needs it: its stored JSON and
 * what the indexes take.  Strings must stay valid until the writer returns. */
typedef struct att__snapin {
  int64_t id;
  const char *json;
  uint32_t len;
  att_bounds bounds;
  att_time created, updated;
  const char *key, *kind, *status; /* NULL when absent */
  const char *const *actors;
  size_t nactors;
  const char *const *tags;
  size_t ntags;
  int recurs; /* has a recur rule: posted under ATT__RECUR_MARK (format 4) */
  /* The version's history (format 3): author and reason as strings
   * (NULL: none), the rest as in att__vers. */
  att__vers v;
  const char *author, *reason;
} att__snapin;
/* Fill *in with the next event (ids ascending): 1, 0 at the end, or an
 * error code. */
typedef int (*att__snap_next)(void *ud, att__snapin *in);
void att__snapin_event(att__snapin *in, const att_event *ev, const char *json, uint32_t len);

int att__snap_open(att__snap *s, const char *path);
void att__snap_close(att__snap *s);
/* A file's mapping and descriptor, let go of but not yet released. */
typedef struct att__mapping {
  const unsigned char *map;
  size_t len;
  int fd;
} att__mapping;
/* As att__snap_close, but the mapping and descriptor move to *m, for
 * att__mapping_release (on any thread). */
void att__snap_take(att__snap *s, att__mapping *m);
void att__mapping_release(att__mapping *m);
/* A snapshot being written, event by event (ids ascending): begin, put
 * each (copy: the writer keeps its own copies of the event's index strings,
 * for events the caller frees), then finish (indexes, header, sync) or
 * abort (the file is removed).  `expect` (events, if known) is for
 * progress.  att__snap_write does it all from an iterator. */
typedef struct att__snapw att__snapw;
int att__snapw_begin(const char *path, const att_store_opts *o, uint64_t expect, att__snapw **out);
int att__snapw_put(att__snapw *s, const att__snapin *in, int copy);
uint64_t att__snapw_count(const att__snapw *s);
int att__snapw_finish(att__snapw *s, uint64_t gen, uint64_t next_id);
/* Before finish: what a main snapshot's header and SEGS also say, or that
 * this is a history segment (kind ATT__K_HIST: versions by id, then seq;
 * removals are not indexed). */
void att__snapw_history(att__snapw *s, uint32_t kind, uint64_t next_seq, int64_t last_tx,
                        const att__segent *segs, size_t nsegs);
void att__snapw_abort(att__snapw *s);
/* A main snapshot's keys are unique: finish fails with ATT_EEXISTS when
 * two events hold the same key (an import that gave one twice: its
 * events are checked against the store as they come, and against each
 * other here, where the keys are sorted anyway, so that an import holds
 * no set of its keys).  Before finish: where to say which. */
typedef struct att__dupkey {
  int64_t a, b; /* the two events' ids, 0 if no key was given twice */
  char key[256];
} att__dupkey;
void att__snapw_dupkey(att__snapw *s, att__dupkey *out);
/* Sort and check the keys now (finish does it if not done): 0, or the
 * ATT_EEXISTS above, before anything else of the snapshot is written.
 * No put may follow. */
int att__snapw_keys(att__snapw *s);
/* Write a snapshot of the events next() gives (ids ascending) to path, and
 * sync it.  `expect` (the number of events, if known) is for progress. */
int att__snap_write(const char *path, uint64_t gen, uint64_t next_id, att__snap_next next,
                    void *ud, const att_store_opts *o, uint64_t expect);
/* Ordinal of id, -1 if none, or ATT_ECORRUPT (below -1): callers pass
 * an error on, never take it for "not found". */
int64_t att__snap_find(const att__snap *s, int64_t id);
/* As att__snap_find, for a lookup alone: the entries it probes are read
 * from the file (not touched in the mapping) until their block has
 * passed; the entry found is copied to *e. */
int64_t att__snap_find_read(const att__snap *s, int64_t id, att__ident *e);
/* As att__snap_find, trying first the entries at near + 1 and near (a
 * reader in id order asks for the entry after the last one it found). */
int64_t att__snap_find_near(const att__snap *s, int64_t id, uint64_t near);
/* Ordinal of the event with this key, -1 if none, or ATT_ECORRUPT. */
int64_t att__snap_find_key(const att__snap *s, const char *key);
/* Postings of a value of a field: their first index in the postings
 * section and their count (0, 0 when absent); 0 or an error code. */
int att__snap_postings(const att__snap *s, int field, const char *value, uint64_t *first,
                       uint32_t *n);
/* 1 if ord is among the n ascending positions of the postings from first,
 * 0 if not, or ATT_ECORRUPT (a binary search through the checked reads). */
int att__snap_post_has(const att__snap *s, uint64_t first, uint64_t n, uint32_t ord);
/* For ascending ords asked in turn: move *j (an index into the n postings
 * at first, the last call's) to the first entry >= ord, galloping from
 * where it was; 1 if that entry is ord, 0 if not, or an error code. */
int att__snap_post_seek(const att__snap *s, uint64_t first, uint64_t n, uint64_t *j, uint32_t ord);
/* Stored JSON of ordinal ord, checksum verified. */
int att__snap_json(const att__snap *s, uint64_t ord, const char **json,
                   uint32_t *len);
/* The event at ordinal ord, parsed: att__snap_event from the mapping (for
 * scans, whose records lie near each other), att__snap_event_read by a
 * read of its record alone (for a lookup: a record reached at random cost
 * a page fault of 20-25 us here, with 64 KiB mapped around it; a read
 * 2-3 us and no mapping; but a scan of 1M records read one by one took
 * 18% longer than through the mapping). */
int att__snap_event(const att__snap *s, uint64_t ord, att_event *ev);
int att__snap_event_read(const att__snap *s, uint64_t ord, const att__ident *e, att_event *ev);
/* The stored JSON of ordinal ord read into *buf (grown to *cap, the
 * caller's to free) by a read of its record, checksum verified.  e: its
 * id table entry, verified (att__snap_find_read), or NULL to look it up. */
int att__snap_json_read(const att__snap *s, uint64_t ord, const att__ident *e, char **buf,
                        size_t *cap, uint32_t *len);

/* ---- overlay: the journal's changes since the snapshot ---------------- */

typedef struct att__ov {
  int64_t id;
  int deleted;
  /* the change that made this state, and the first change of this
   * journal to the event (whose time ends the snapshot's version) */
  uint64_t seq, first_seq;
  att_time tx, first_tx;
  size_t jhi; /* 1 + the index in st->jh of its latest change (0: none) */
  att_event ev; /* valid unless deleted */
  char *json;   /* its stored JSON (as in the journal), unless deleted */
  uint32_t len;
} att__ov;

/* A write compacts the store (or the daemon has it compacted) once the
 * journal holds this many records.  The journal's arrays (the overlay's
 * entries, the history's changes) start at ATT__JOURNAL_FIRST and double
 * through att__grow (grow.h), which copies nothing once they are large:
 * a server goes on taking writes while a compaction starts, and its
 * journal can reach many times this many records. */
#define ATT__COMPACT_RECORDS 4096u
#define ATT__JOURNAL_FIRST 64u

typedef struct att__overlay {
  att__ov *v;  /* entries, in order of first change */
  size_t n, cap; /* grown by att__grow (grow.h): never copied once large */
  int64_t *slots; /* open addressing: index+1 into v, 0 = empty */
  size_t nslots;
  /* key -> id, never deleted from: a hit is checked against the entry */
  struct att__ovkey { uint64_t hash; int64_t id; } *keys;
  size_t nkeys, nkslots;
} att__overlay;

att__ov *att__ov_find(const att__overlay *o, int64_t id);
/* Insert or replace; takes ownership of *ev and json (NULL = deletion). */
int att__ov_put(att__overlay *o, int64_t id, att_event *ev, char *json, uint32_t len);
void att__ov_free(att__overlay *o);
/* The overlay's live entry holding this key, or NULL. */
att__ov *att__ov_find_key(const att__overlay *o, const char *key);

/* ---- history: the journal's changes, kept for as-of reads ------------ */

/* A change applied from the journal (or made by this handle), in order:
 * what the next compaction writes into a history segment. */
typedef struct att__jh {
  uint64_t seq, batch;
  att_time tx;
  int op;             /* ATT_CHANGE_* */
  int64_t id, rev;
  char *author, *reason; /* malloc'd, NULL for none */
  char *json;         /* the state it made (a remove: NULL) */
  uint32_t len;
  att_event *ev;      /* json parsed, on first use by an as-of query */
} att__jh;

/* A write's META record: encode into a malloc'd payload; decode (0, or -1
 * when it is malformed; author and reason point into p, with lengths). */
int att__meta_encode(att_time tx, const char *author, const char *reason, unsigned char **p,
                     uint32_t *len);
int att__meta_decode(const char *p, uint32_t len, att_time *tx, const char **author,
                     uint32_t *alen, const char **reason, uint32_t *rlen);

/* ---- the store ------------------------------------------------------- */

struct att_store {
  char *dir;
  att_store_opts opts;
  /* Where the last event got from the snapshot lies, and how many were
   * got: see snap_get (store.c). */
  uint64_t last_rec, ngot;
  /* The position of the last event att_store_json found in the snapshot:
   * where it looks first for the next (att__snap_find_near). */
  uint64_t near;
  int lockfd;
  int lockrw;   /* lockfd is open for writing (to say who holds the lock) */
  /* The store directory's mtime after this handle's last sweep of
   * temporary files, when that can be trusted to change with the next
   * entry made (swept): unchanged, there is nothing to sweep. */
  struct timespec swept_mtim;
  int swept;
  int locked;   /* we hold the writer lock */
  int nowait;   /* a write finding the lock held fails at once (att_store_set_nowait) */
  att_release_fn release; /* frees what a reload lets go of (att_store_set_release) */
  int lazy_sync; /* commits leave their sync to the caller (att_store_set_lazy_sync) */
  int unsynced;  /* and some have not been handed to it yet (att_store_sync_take) */
  void *release_ud;
  int poisoned; /* a sync failed: no more writes */
  att__snap snap;
  int jfd;
  dev_t jdev;
  ino_t jino;
  uint64_t gen;
  uint64_t jend;     /* end of the last complete batch read */
  uint64_t jrecords; /* complete records in the journal */
  att__overlay ov;
  int64_t next_id;
  uint64_t seen; /* changes of other processes picked up by refresh */
  uint64_t epoch; /* bumped whenever text handed out may be freed */
  /* the write under way (one change, or a batch) */
  int in_batch;
  int broken;            /* a failure left journal and view apart: abandon */
  uint64_t batch_start;  /* journal offset where it began */
  uint64_t wpos_flushed; /* bytes of it already written to the file */
  /* A flush of it failed: bytes past wpos_flushed may be in the file (a
   * short write before ENOSPC), which an abort cuts off before anything
   * else is written there. */
  int wtorn;
  uint64_t nrec_pending; /* records appended by it */
  int64_t id_reserved;   /* ids below this are reserved on disk by it */
  int64_t write_next_id; /* next_id when it began */
  unsigned char *wbuf;   /* records not yet written */
  size_t wlen, wcap;
  struct att__change { int op; int64_t id; char *old; size_t oldlen; } *pend; /* reported on commit */
  /* an import: written straight into the next snapshot (imp), or, when
   * small, an ordinary batch (imp_batch) */
  struct att__snapw *imp;
  int imp_batch;
  int64_t imp_first;
  uint64_t imp_seq;
  att__dupkey imp_dup; /* what the last import's commit found given twice */
  size_t npend, cappend;
  /* an import's links (into the next snapshot), checked at its commit */
  struct att__implink { int64_t from, to; size_t i; } *imp_links;
  size_t nimp_links, cimp_links;
  /* history (history.c) */
  att__jh *jh;            /* the journal's changes, in order */
  size_t njh, cjh;
  uint64_t next_seq;      /* the number of the next change */
  att_time last_tx;       /* the latest transaction time applied */
  char *author, *reason;  /* of this handle's writes (NULL: none) */
  int meta_done;          /* the write under way has its META record */
  att_time wtx;           /* its transaction time */
  uint64_t wbatch;        /* the seq of its first change */
  att_time asof;          /* reads as of this time; ATT_TIME_MAX: now */
  uint64_t made_by;       /* the segment being queried: its versions made by then */
  att__snap *segs;        /* history segments, opened on first use */
  size_t nsegs;
  int segs_open;
  /* pruning (prune.c): the bound of the last prune (pr_seq 0: never
   * pruned), read from the segments when they are opened; and the prune
   * under way, done by the compaction that follows */
  att_time pr_before;
  uint64_t pr_seq;
  att_time pr_tx;
  int prune_on;
  att_time prune_before;
  uint64_t prune_dropped, prune_seq; /* what the last prune dropped, its change */
};

/* History (history.c).  jh_add: note a change applied to the view (takes
 * json).  jh_clear: forget them (the view is read again).  meta: append
 * the META record before the first change of a write.  segs_open: open
 * the snapshot's history segments (once).  hist_segment: write the
 * history segment of a compaction (the versions the journal replaced) and
 * fill *ent; 0 with ent->count 0 when there is nothing to write. */
int att__jh_add(att_store *st, int op, int64_t id, int64_t rev, char *json, uint32_t len,
                att_time tx, const char *author, const char *reason, uint64_t batch);
/* After a change of id went into the overlay: its entry's seq and times. */
int att__jh_note(att_store *st, int64_t id);
/* A live overlay entry's history for the snapshot writer. */
att_time att__store_now(att_store *st);
int att__store_put_restore(att_store *st, att_event *ev);
int att__store_append(att_store *st, int type, int flags, const void *payload, uint32_t len);
void att__hist_snapin(const att_store *st, const att__ov *e, att__snapin *in);
/* Is id live in the view (1, 0), or an error. */
int att__hist_live(att_store *st, int64_t id);
void att__jh_clear(att_store *st);
void att__jh_free(att__jh *v, size_t n, size_t cap);
/* Let go of the view (release.c): the snapshot, segments, journal and
 * what was replayed from it, freed here or handed to st->release. */
void att__let_go(att_store *st);
int att__hist_meta(att_store *st);
int att__segs_open(att_store *st);
void att__segs_close(att_store *st);
void att__hist_sweep(att_store *st);
/* The history part of a compaction: write the segments it needs (gens
 * from *gen up; *gen becomes the generation of the new snapshot) and give
 * the list the new snapshot carries (malloc'd) and its change counter and
 * time.  A prune (st->prune_on) rewrites the segments without what it
 * drops, and adds its own change. */
int att__hist_manifest(att_store *st, uint64_t *gen, att__segent **segs, size_t *n,
                       uint64_t *next_seq, att_time *last_tx);

/* One version for a history segment being written (history.c): JSON and
 * strings belong to the caller. */
typedef struct att__hv {
  int64_t id;
  att__vers v;
  const char *author, *reason;
  const char *json;
  uint32_t len;
} att__hv;
/* Write versions v[0..n) (any order: sorted here by seq) as segment
 * history.<gen>, synced and in place, and fill *ent. */
int att__hist_write(att_store *st, uint64_t gen, att__hv *v, size_t n, att__segent *ent);
/* The versions the journal's changes replaced, and the removals they
 * made, appended to v at *n (room for 2 a change). */
int att__hist_journal_versions(att_store *st, att__hv *v, size_t *n);
/* Read versions [0, count) of an open segment into v (appended at *n). */
int att__hist_read_seg(const att__snap *g, att__hv *v, size_t *n);

/* Pruning (prune.c).  Does the version go when the history before
 * `before` is dropped?  A version replaced before it, a removal or a
 * prune made before it. */
int att__prune_drops(const att__vers *v, att_time before);
/* The prune part of a compaction (history.c calls it): every segment
 * without what st->prune_before drops, the journal's replaced versions
 * likewise, and the prune's own change. */
int att__prune_manifest(att_store *st, uint64_t *gen, att__segent **segs, size_t *n,
                        uint64_t *next_seq, att_time *last_tx);
/* Before a prune: refuse a bound in the future or not past the last
 * prune's; count the versions it would drop. */
int att__prune_check(att_store *st, att_time before, uint64_t *drops);
/* The last prune's bound, from the open segments (into st->pr_*). */
int att__prune_read_bound(att_store *st);
/* The entry of a prune: is it one, and its bound. */
int att__prune_entry_bound(const char *json, uint32_t len, att_time *before);
/* Read the store again (unload, load), as after another's compaction. */
int att__store_reload(att_store *st);
/* As-of reads (asof.c): the version of id alive at st->asof: 1 and its
 * JSON (owned by the store), 0 when there is none, or an error. */
int att__asof_json(att_store *st, int64_t id, const char **json, size_t *len);
int att__asof_query(att_store *st, const att_query *q, int64_t **ids, size_t *n);
int att__asof_key(att_store *st, const char *key, int64_t *id);

/* Links (links.c).  resolve: links given by key become ids (at write).
 * check: every change of the write under way leaves links to live,
 * other events, and no removed event linked (at commit).  note and
 * check_import: the same for an import written into a snapshot. */
int att__links_resolve(att_store *st, att_event *ev);
int att__links_check(att_store *st);
int att__links_note(att_store *st, const att_event *ev);
int att__links_check_import(att_store *st, int64_t first, int64_t end);

/* The store directory (storedir.c).  att__open: open(2) that never
 * follows a symbolic link (-1 and errno); att__open_err: the message for
 * its failure (a link is named as such).  att__create_tmp: a temporary
 * file made afresh (flags with O_CREAT | O_EXCL), whatever stood at its
 * name removed; the fd or an error code.  att__dir_prepare: the checks of init on an existing
 * directory (1 if it does not exist).  att__tmp_sweep: remove temporary
 * files left by an interrupted writer (under the lock).  att__dir_report:
 * fsck's findings on permissions, links and stray files. */
extern const char *const att__store_files[];
extern const char *const att__store_tmps[];
int att__open(const char *path, int flags, int mode);
int att__open_err(const char *path, const char *what);
int att__create_tmp(const char *path, int flags, int mode);
int att__dir_prepare(const char *dir, int force);
int att__tmp_sweep(const char *dir, void (*say)(void *, const char *), void *ud);
int att__dir_report(const char *dir, void (*say)(void *, const char *), void *ud);

/* Files of a store. */
int att__path(char *buf, size_t cap, const char *dir, const char *name);
int att__write_all(int fd, const void *p, size_t n);
int att__fsync_dir(const char *dir);
/* Replace dir/name with text and a newline, atomically: written to
 * dir/tmpname (made afresh, mode 0600), synced, renamed over name, and
 * the directory synced.  On a failure before the rename the old file
 * stays; *placed (if not NULL) says whether the new one took its place
 * (only the directory's sync failed: it may not survive a power loss). */
int att__file_replace(const char *dir, const char *name, const char *tmpname, const char *text,
                      int *placed);
/* Read dir/name whole into *text (malloc'd, NUL-terminated; NULL and 0
 * if there is no such file), its path into path[cap].  ATT_ERANGE,
 * without a message, if it is not a regular file of at most
 * ATT__SMALL_FILE_MAX bytes (the caller says the file is damaged). */
#define ATT__SMALL_FILE_MAX (8 << 20)
int att__file_read(const char *dir, const char *name, char *path, size_t cap, char **text, size_t *len);
/* Read dir/name with att__file_read and give it to parse (no file: 0,
 * out untouched); a file too large or not regular is bad(path, why). */
int att__file_load(const char *dir, const char *name, int (*bad)(const char *path, const char *why),
                   int (*parse)(const char *path, const char *text, size_t len, void *out), void *out);
/* For fsck: rc 0 is 0; else say the message of the last error and
 * return ATT_ECORRUPT. */
int att__say_damage(int rc, void (*say)(void *, const char *), void *ud);

/* Tests set this to 1 to write snapshots of format version 1. */
extern int att__test_snap_version;

/* Shared predicate for parsed events (overlay, text filter). */
int att__match(const att_event *ev, const att_query *q);
/* The matches of q in the present: the snapshot's as bits of their
 * positions (bits: a bit per snapshot event, zeroed by the caller), the
 * journal's ids in *ids (malloc'd, any order).  For counting by the
 * snapshot's indexes (tally.c) without a list of ids to look up. */
int att__query_bits(att_store *st, const att_query *q, uint64_t *bits, int64_t **ids, size_t *n);
/* Do dates [e, l] meet q's window, as q->within says? */
int att__in_window(att_time e, att_time l, const att_query *q);
int att__text_match(const att_event *ev, const char *text);

#endif
