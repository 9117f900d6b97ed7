/*
 * Checking a store and salvaging what is intact.  Unlike opening, which
 * refuses a damaged store, these read past damage: every record is judged
 * by its own checksum, damaged stretches are skipped and reported, and the
 * journal is resynchronised on the next intact record.  They never write to
 * the store they read.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32c.h"
#include "error.h"
#include "actors.h"
#include "silence.h"
#include "users.h"
#include "settings.h"
#include "store_int.h"

#define MAX_REPORTS 50 /* damaged records reported one by one */

typedef struct ck {
  const att_store_opts *o;
  int reports;
  int damaged;
} ck;

static void say(ck *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void say(ck *c, const char *fmt, ...) {
  char buf[768];
  va_list ap;
  if (!c->o || !c->o->notice) return;
  if (c->reports++ == MAX_REPORTS) {
    c->o->notice(c->o->ud, "... further reports left out");
    return;
  }
  if (c->reports > MAX_REPORTS) return;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  c->o->notice(c->o->ud, buf);
}

static int read_all(const char *path, unsigned char **buf, size_t *n) {
  struct stat sb;
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  size_t got = 0;
  *buf = NULL;
  *n = 0;
  if (fd < 0 && errno == ENOENT) return att__err(ATT_ENOTFOUND, "cannot open \"%s\": %s", path, strerror(errno));
  if (fd < 0) return att__open_err(path, "open");
  if (fstat(fd, &sb) != 0 || !(*buf = malloc((size_t)sb.st_size + 1))) {
    close(fd);
    return att__err(ATT_EIO, "cannot read \"%s\"", path);
  }
  while (got < (size_t)sb.st_size) {
    ssize_t r = read(fd, *buf + got, (size_t)sb.st_size - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  *n = got;
  return 0;
}

/* ---- the snapshot ---------------------------------------------------------- */

/* Every entry of the indexes that points somewhere (positions in the id
 * table, strings, postings), checked by the readers' own accessors: a
 * snapshot whose checksums hold can still have been written wrong.  The
 * first bad entry of each section is reported, with the count. */
static void scan_indexes(ck *c, const att__snap *s) {
  uint64_t bad[ATT__NSECT] = {0};
  char first[ATT__NSECT][256];
  const char *v = "";
  uint64_t p = 0;
  uint32_t n = 0, ord = 0;
#define NOTE(sect, call)                                                             \
  do {                                                                               \
    if ((call) != 0 && bad[sect]++ == 0)                                             \
      snprintf(first[sect], sizeof first[sect], "%s", att_errmsg());                \
  } while (0)
  for (uint64_t i = 0; i < s->h.count; i++) NOTE(ATT__S_TIME, att__snap_pos(s, ATT__S_TIME, i, &ord));
  if (s->tkey)
    for (uint64_t i = 0; i < s->h.count; i++) NOTE(ATT__S_TKEY, att__snap_tkey_check(s, i));
  for (uint64_t i = 0; i < s->h.nkeys; i++) NOTE(ATT__S_KEYS, att__snap_keyent(s, i, &v, &ord));
  if (s->h.kind == ATT__K_HIST)
    for (uint64_t i = 0; i < s->h.count; i++) NOTE(ATT__S_IDIX, att__snap_idix(s, i, &ord));
  for (uint64_t i = 0; i < s->h.dict[ATT__NFIELD]; i++) {
    int rc = att__snap_dictent(s, i, &v, &p, &n);
    NOTE(ATT__S_DICT, rc);
    for (uint32_t k = 0; rc == 0 && k < n; k++) NOTE(ATT__S_POST, att__snap_pos(s, ATT__S_POST, p + k, &ord));
  }
#undef NOTE
  for (int i = 0; i < ATT__NSECT; i++)
    if (bad[i]) {
      c->damaged = 1;
      say(c, "snapshot: the %s section has %llu bad entries (the first: %s)", att__snap_sect_name[i],
          (unsigned long long)bad[i], first[i]);
    }
}

/* Each event of the snapshot, judged alone; `keep` (if set) takes the good. */
/* A snapshot whose header cannot be read (a byte changed in it, the file
 * cut short) still holds its records, each with its own checksum, one
 * after the other from byte ATT__SHDR: [length][crc32c][JSON].  For
 * salvage (keep), they are read one by one until one does not verify;
 * next_id is then the highest id read plus one (the header held the
 * true one). */
static int scan_records(ck *c, const char *path, att__overlay *keep, int64_t *next_id) {
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  struct stat sb;
  unsigned char *buf = NULL;
  size_t n, pos = ATT__SHDR;
  uint64_t good = 0;
  int rc = 0;
  if (fd < 0 || fstat(fd, &sb) != 0 || sb.st_size <= ATT__SHDR) {
    if (fd >= 0) close(fd);
    return 0;
  }
  n = (size_t)sb.st_size;
  if (!(buf = malloc(n))) {
    close(fd);
    return att__err(ATT_ENOMEM, "out of memory");
  }
  if (pread(fd, buf, n, 0) != (ssize_t)n) n = 0;
  close(fd);
  while (pos + 8 <= n) {
    uint32_t len, crc;
    att_event ev;
    char *copy;
    memcpy(&len, buf + pos, 4);
    memcpy(&crc, buf + pos + 4, 4);
    if (len == 0 || len > ATT__RMAX || len > n - pos - 8 || att_crc32c(0, buf + pos + 8, len) != crc ||
        att_event_from_json((const char *)buf + pos + 8, len, ATT_EV_STORED, &ev) != 0)
      break;
    if (!(copy = malloc(len + 1))) {
      att_event_free(&ev);
      rc = att__err(ATT_ENOMEM, "out of memory");
      break;
    }
    memcpy(copy, buf + pos + 8, len);
    copy[len] = '\0';
    if (ev.id >= *next_id) *next_id = ev.id + 1;
    if ((rc = att__ov_put(keep, ev.id, &ev, copy, len)) != 0) break;
    good++;
    pos += 8 + (size_t)len;
  }
  free(buf);
  if (rc == 0)
    say(c, "snapshot: its header cannot be read, so its records were read one by one: %llu events "
        "intact (up to byte %zu); ids are given from %lld on, after the highest read (an event removed "
        "before the last compaction may have had a higher one)",
        (unsigned long long)good, pos, (long long)*next_id);
  return rc;
}

static int scan_snapshot(ck *c, const char *dir, att__snap *s, att__overlay *keep, uint64_t *gen,
                         int64_t *next_id) {
  char p[PATH_MAX];
  uint64_t good = 0;
  int rc;
  if ((rc = att__path(p, sizeof p, dir, "snapshot")) != 0) return rc;
  if ((rc = att__snap_open_raw(s, p)) != 0) {
    c->damaged = 1;
    say(c, "snapshot: %s", att_errmsg());
    return keep ? scan_records(c, p, keep, next_id) : 0;
  }
  *gen = s->h.gen;
  *next_id = (int64_t)s->h.next_id;
  for (int i = 0; i < ATT__NSECT; i++)
    if (att_crc32c(0, s->map + s->h.sect[i].off, s->h.sect[i].len) != s->h.sect[i].crc) {
      c->damaged = 1;
      say(c, "snapshot: the %s section (bytes %llu to %llu) fails its checksum", att__snap_sect_name[i],
          (unsigned long long)s->h.sect[i].off,
          (unsigned long long)(s->h.sect[i].off + s->h.sect[i].len));
    }
  for (int i = ATT__S_IDTAB; i < ATT__NSECT; i++) {
    uint64_t from, to, n = att__snap_badblocks(s, i, &from, &to);
    if (n) {
      c->damaged = 1;
      say(c, "snapshot: %llu block(s) of the %s section fail their block checksum (the first: "
          "bytes %llu to %llu)", (unsigned long long)n, att__snap_sect_name[i],
          (unsigned long long)from, (unsigned long long)to);
    }
  }
  scan_indexes(c, s);
  for (uint64_t i = 0; i < s->h.count; i++) {
    const char *json;
    uint32_t len;
    att_event ev;
    if (att__snap_json(s, i, &json, &len) != 0 || att_event_from_json(json, len, ATT_EV_STORED, &ev) != 0) {
      const att__ident *e = NULL; /* opened raw: every block reads */
      c->damaged = 1;
      (void)att__snap_ident(s, i, &e);
      say(c, "snapshot: event %lld (record at byte %llu) is damaged: %s", e ? (long long)e->id : 0LL,
          e ? (unsigned long long)e->rec_off : 0ULL, att_errmsg());
      continue;
    }
    good++;
    if (keep) {
      char *copy = malloc(len + 1);
      if (!copy) {
        att_event_free(&ev);
        return att__err(ATT_ENOMEM, "out of memory");
      }
      memcpy(copy, json, len);
      copy[len] = '\0';
      if ((rc = att__ov_put(keep, ev.id, &ev, copy, len)) != 0) {
        att_event_free(&ev);
        return rc;
      }
    } else {
      att_event_free(&ev);
    }
  }
  say(c, "snapshot: generation %llu, %llu of %llu events intact", (unsigned long long)s->h.gen,
      (unsigned long long)good, (unsigned long long)s->h.count);
  return 0;
}

/* ---- the history segments -------------------------------------------------- */

/* Each history segment the snapshot lists: its header agrees with the
 * list, every section and block checksum holds, every index entry points
 * inside its section, every version's record reads back as the event the
 * id table names and its VERS entry is in range.  A segment file the
 * snapshot does not list is reported (a compaction that stopped after
 * writing it leaves one; the next compaction replaces it). */
static void scan_history(ck *c, const char *dir, const att__snap *m) {
  uint64_t versions = 0, bad = 0;
  for (uint64_t k = 0; k < m->nsegs; k++) {
    const att__segent *g = &m->segs[k];
    char name[40], p[PATH_MAX];
    att__snap s;
    uint64_t good = 0;
    snprintf(name, sizeof name, "history.%llu", (unsigned long long)g->gen);
    if (att__path(p, sizeof p, dir, name) != 0) continue;
    if (att__snap_open_raw(&s, p) != 0) {
      c->damaged = 1;
      say(c, "history: %s", att_errmsg());
      continue;
    }
    if (s.h.kind != ATT__K_HIST || s.h.hdr_crc != g->hdr_crc || s.h.file_size != g->file_size ||
        s.h.count != g->count) {
      c->damaged = 1;
      say(c, "history: \"%s\" is not the segment the snapshot lists (its header, size or count differ)", p);
      att__snap_close(&s);
      continue;
    }
    for (int i = 0; i < ATT__NSECT; i++)
      if (att_crc32c(0, s.map + s.h.sect[i].off, s.h.sect[i].len) != s.h.sect[i].crc) {
        c->damaged = 1;
        say(c, "history: the %s section of \"%s\" (bytes %llu to %llu) fails its checksum",
            att__snap_sect_name[i], p, (unsigned long long)s.h.sect[i].off,
            (unsigned long long)(s.h.sect[i].off + s.h.sect[i].len));
      }
    for (int i = ATT__S_IDTAB; i < ATT__NSECT; i++) {
      uint64_t from, to, n = att__snap_badblocks(&s, i, &from, &to);
      if (n) {
        c->damaged = 1;
        say(c, "history: %llu block(s) of the %s section of \"%s\" fail their block checksum "
            "(the first: bytes %llu to %llu)", (unsigned long long)n, att__snap_sect_name[i], p,
            (unsigned long long)from, (unsigned long long)to);
      }
    }
    scan_indexes(c, &s);
    for (uint64_t i = 0; i < s.h.count; i++) {
      const char *json;
      uint32_t len;
      const att__ident *e = NULL;
      att__vers v;
      att_event ev;
      att_time b;
      (void)att__snap_ident(&s, i, &e);
      if (e && e->id == 0) {
        /* a prune's own entry: its bound, no event */
        if (att__snap_vers(&s, i, &v) != 0 || v.op != ATT_CHANGE_PRUNE || att__snap_json(&s, i, &json, &len) != 0 ||
            att__prune_entry_bound(json, len, &b) != 0 || v.seq_from >= m->h.next_seq) {
          c->damaged = 1;
          bad++;
          say(c, "history: version %llu of \"%s\" (a prune's entry) is damaged", (unsigned long long)i, p);
        } else {
          good++;
        }
        continue;
      }
      if (att__snap_json(&s, i, &json, &len) != 0 ||
          att_event_from_json(json, len, ATT_EV_STORED, &ev) != 0) {
        c->damaged = 1;
        bad++;
        say(c, "history: version %llu of \"%s\" (event %lld) is damaged: %s", (unsigned long long)i, p,
            e ? (long long)e->id : 0LL, att_errmsg());
        continue;
      }
      if (e && ev.id != e->id) {
        c->damaged = 1;
        bad++;
        say(c, "history: version %llu of \"%s\" holds event %lld where its id table says %lld",
            (unsigned long long)i, p, (long long)ev.id, (long long)e->id);
      } else if (att__snap_vers(&s, i, &v) != 0 || v.tx_from > v.tx_to || v.seq_from >= m->h.next_seq ||
                 v.op == ATT_CHANGE_PRUNE) {
        c->damaged = 1;
        bad++;
        say(c, "history: version %llu of \"%s\" (event %lld) has a bad change entry", (unsigned long long)i,
            p, (long long)ev.id);
      } else {
        good++;
      }
      att_event_free(&ev);
    }
    versions += good;
    att__snap_close(&s);
  }
  if (m->nsegs || m->vers)
    say(c, "history: %llu segment%s, %llu versions intact%s", (unsigned long long)m->nsegs,
        m->nsegs == 1 ? "" : "s", (unsigned long long)versions, bad ? " (damage reported above)" : "");
  {
    /* segment files the snapshot does not list */
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
      unsigned long long g;
      char tail;
      int listed = 0;
      if (sscanf(e->d_name, "history.%llu%c", &g, &tail) != 1) continue;
      for (uint64_t k = 0; k < m->nsegs; k++) listed |= m->segs[k].gen == g;
      if (!listed)
        say(c, "history: \"%s/%s\" is not listed by the snapshot: left by a compaction that "
            "stopped before its end; nothing in it was acknowledged as history (the next "
            "compaction replaces or ignores it)", dir, e->d_name);
    }
    if (d) closedir(d);
  }
}

/* ---- the journal ------------------------------------------------------------ */

typedef struct jop { int type; int64_t id; att_event ev; char *json; uint32_t len; } jop;

static void jops_free(jop *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    att_event_free(&v[i].ev);
    free(v[i].json);
  }
}

/* Every intact record; committed writes applied to `keep` (if set). */
static int scan_journal(ck *c, const char *dir, uint64_t snapgen, att__overlay *keep, int64_t *next_id) {
  int apply = 1; /* 0: a journal of another snapshot: only its ids count */
  char p[PATH_MAX];
  unsigned char *buf;
  size_t n, pos = ATT__JHDR, nops = 0, cops = 0;
  uint64_t gen = 0, records = 0, writes = 0, skipped = 0;
  jop *ops = NULL;
  int rc;
  if ((rc = att__path(p, sizeof p, dir, "journal")) != 0) return rc;
  if ((rc = read_all(p, &buf, &n)) != 0) {
    c->damaged = 1;
    say(c, "journal: %s", att_errmsg());
    return 0;
  }
  switch (att__jhdr_decode(buf, n, &gen)) {
  case 0:
    say(c, "journal: its header is cut short (%zu bytes); nothing was written after it", n);
    free(buf);
    return 0;
  case -1:
    c->damaged = 1;
    say(c, "journal: the header (first %d bytes) is damaged; reading the records anyway", ATT__JHDR);
    gen = snapgen;
    break;
  default:
    break;
  }
  if (gen < snapgen) {
    say(c, "journal: generation %llu, older than the snapshot's %llu: already folded into it, ignored",
        (unsigned long long)gen, (unsigned long long)snapgen);
    free(buf);
    return 0;
  }
  if (gen > snapgen && snapgen) {
    /* Opening refuses it (no compaction leaves this behind): so does the
     * check.  Salvage leaves it out: its changes continue a snapshot that
     * is not this one (an older one put back), and applied to this one
     * they made a store no one ever had (an update kept beside an event
     * removed before it). */
    c->damaged = 1;
    say(c, "journal: generation %llu is newer than the snapshot's %llu: the snapshot it continues is missing%s",
        (unsigned long long)gen, (unsigned long long)snapgen,
        keep ? "; its changes are left out of the copy, which holds the snapshot as it is (ids "
               "it gave are not given again)" : "");
    apply = 0;
  }
  while (pos < n) {
    att__rec r;
    size_t used;
    int d = att__rec_decode(buf + pos, n - pos, &r, &used);
    if (d <= 0) {
      size_t q = pos + 1;
      for (; q + ATT__RHDR <= n; q++)
        if (att__rec_decode(buf + q, n - q, &r, &used) == 1) break;
      if (q + ATT__RHDR > n) {
        say(c, "journal: an unfinished write at its end (%zu bytes from byte %zu) was never acknowledged and is dropped",
            n - pos, pos);
        break;
      }
      c->damaged = 1;
      say(c, "journal: bytes %zu to %zu are damaged; intact records resume at byte %zu", pos, q, q);
      if (nops) {
        say(c, "journal: the write in progress there (%zu records) is incomplete and is dropped", nops);
        skipped += nops;
        jops_free(ops, nops);
        nops = 0;
      }
      pos = q;
      continue;
    }
    records++;
    if (nops == cops) {
      size_t cc = cops ? cops * 2 : 16;
      jop *v = realloc(ops, cc * sizeof *v);
      if (!v) {
        rc = att__err(ATT_ENOMEM, "out of memory");
        goto out;
      }
      ops = v;
      cops = cc;
    }
    memset(&ops[nops], 0, sizeof ops[nops]);
    att_event_init(&ops[nops].ev);
    ops[nops].type = r.type;
    if (r.type == ATT__R_PUT) {
      if (att_event_from_json(r.payload, r.len, ATT_EV_STORED, &ops[nops].ev) != 0) {
        c->damaged = 1;
        say(c, "journal: the record at byte %zu has a valid checksum but does not read back: %s", pos, att_errmsg());
        pos += used;
        continue;
      }
      ops[nops].id = ops[nops].ev.id;
      if (keep) {
        if (!(ops[nops].json = malloc(r.len + 1))) {
          rc = att__err(ATT_ENOMEM, "out of memory");
          goto out;
        }
        memcpy(ops[nops].json, r.payload, r.len);
        ops[nops].json[r.len] = '\0';
        ops[nops].len = r.len;
      }
    } else if (r.type == ATT__R_DEL) {
      if (r.len != 8) {
        /* Opening refuses it: so does the check. */
        c->damaged = 1;
        say(c, "journal: the removal record at byte %zu has %u bytes, not 8", pos, r.len);
        pos += used;
        continue;
      }
      memcpy(&ops[nops].id, r.payload, 8);
    } else if (r.type == ATT__R_NEXTID || r.type == ATT__R_ABORT) {
      if (r.len != 8) {
        c->damaged = 1;
        say(c, "journal: the id mark at byte %zu has %u bytes, not 8", pos, r.len);
        pos += used;
        continue;
      }
      memcpy(&ops[nops].id, r.payload, 8);
    }
    nops++;
    pos += used;
    if (r.flags & ATT__RF_END) {
      writes++;
      if (r.type == ATT__R_ABORT) {
        /* A batch rolled back after it handed out ids: only its mark. */
        if (ops[nops - 1].id > *next_id) *next_id = ops[nops - 1].id;
        jops_free(ops, nops);
        nops = 0;
        continue;
      }
      for (size_t i = 0; keep && i < nops; i++) {
        if (ops[i].type == ATT__R_PUT) {
          if (ops[i].id >= *next_id) *next_id = ops[i].id + 1;
          if (!apply) continue;
          rc = att__ov_put(keep, ops[i].id, &ops[i].ev, ops[i].json, ops[i].len);
          ops[i].json = NULL;
          if (rc) goto out;
        } else if (ops[i].type == ATT__R_NEXTID) {
          if (nops == 1 && ops[i].id > *next_id) *next_id = ops[i].id;
        } else if (apply && ops[i].type == ATT__R_DEL && att__ov_find(keep, ops[i].id)) {
          if ((rc = att__ov_put(keep, ops[i].id, NULL, NULL, 0)) != 0) goto out;
        }
      }
      jops_free(ops, nops);
      nops = 0;
    }
  }
  say(c, "journal: generation %llu, %llu intact records in %llu complete writes%s",
      (unsigned long long)gen, (unsigned long long)records, (unsigned long long)writes,
      skipped ? " (some records of interrupted writes dropped)" : "");
  rc = 0;
out:
  jops_free(ops, nops);
  free(ops);
  free(buf);
  return rc;
}

int att_store_verify(const char *dir, const att_store_opts *opts) {
  ck c = {opts, 0, 0};
  att__snap s = {.fd = -1};
  uint64_t gen = 0;
  int64_t next_id = 1;
  int rc;
  char p[PATH_MAX];
  struct stat sb;
  int dirbad;
  if ((rc = att__path(p, sizeof p, dir, "snapshot")) != 0) return rc;
  if (lstat(p, &sb) != 0) return att__err(ATT_ENOSTORE, "no store in \"%s\"", dir);
  /* The directory first: a link where a file belongs is named before a
   * scan refuses to follow it. */
  dirbad = opts && opts->notice ? att__dir_report(dir, opts->notice, opts->ud) : 0;
  if (opts && opts->notice && att_settings_verify(dir, opts->notice, opts->ud) != 0) dirbad = 1;
  if (opts && opts->notice && att_orgs_verify(dir, opts->notice, opts->ud) != 0) dirbad = 1;
  if (opts && opts->notice && att_users_verify(dir, opts->notice, opts->ud) != 0) dirbad = 1;
  if (opts && opts->notice && att_silences_verify(dir, opts->notice, opts->ud) != 0) dirbad = 1;
  rc = scan_snapshot(&c, dir, &s, NULL, &gen, &next_id);
  if (rc == 0 && s.map) scan_history(&c, dir, &s);
  if (rc == 0) rc = scan_journal(&c, dir, gen, NULL, &next_id);
  att__snap_close(&s);
  if (rc) return rc;
  if (c.damaged)
    return att__err(ATT_ECORRUPT, "damaged records found (reported above); 'attache fsck --salvage DIR' copies what is intact into a new store");
  if (dirbad)
    return att__err(ATT_ECORRUPT, "every record is intact, but the store's directory, its "
                    "settings or its registry of actors are not as they should be "
                    "(reported above)");
  return 0;
}

/* ---- salvage ------------------------------------------------------------------ */

typedef struct sal_iter { att__ov **v; size_t n, i; } sal_iter;

static int sal_next(void *ud, att__snapin *in) {
  sal_iter *it = ud;
  if (it->i >= it->n) return 0;
  att__snapin_event(in, &it->v[it->i]->ev, it->v[it->i]->json, it->v[it->i]->len);
  it->i++;
  return 1;
}

static int ovp_cmp(const void *a, const void *b) {
  int64_t x = (*(att__ov *const *)a)->id, y = (*(att__ov *const *)b)->id;
  return x < y ? -1 : x > y;
}

int att_store_salvage(const char *dir, const char *dst, const att_store_opts *opts) {
  ck c = {opts, 0, 0};
  att__snap s = {.fd = -1};
  att__overlay keep;
  sal_iter it = {0};
  uint64_t gen = 0;
  int64_t next_id = 1;
  char p[PATH_MAX], q[PATH_MAX];
  struct stat sb;
  int rc;
  memset(&keep, 0, sizeof keep);
  if ((rc = att__path(p, sizeof p, dir, "snapshot")) != 0) return rc;
  if (stat(p, &sb) != 0) return att__err(ATT_ENOSTORE, "no store in \"%s\"", dir);
  if ((rc = att__path(q, sizeof q, dst, "snapshot")) != 0) return rc;
  if (stat(dst, &sb) == 0) return att__err(ATT_EEXISTS, "\"%s\" already exists; salvage writes a new store, give a path that does not exist", dst);
  rc = scan_snapshot(&c, dir, &s, &keep, &gen, &next_id);
  if (rc == 0) rc = scan_journal(&c, dir, gen, &keep, &next_id);
  att__snap_close(&s);
  if (rc) goto out;
  if (!(it.v = malloc((keep.n + 1) * sizeof *it.v))) {
    rc = att__err(ATT_ENOMEM, "out of memory");
    goto out;
  }
  for (size_t i = 0; i < keep.n; i++) {
    if (keep.v[i].deleted) continue;
    if (keep.v[i].id >= next_id) next_id = keep.v[i].id + 1;
    it.v[it.n++] = &keep.v[i];
  }
  if (it.n) qsort(it.v, it.n, sizeof *it.v, ovp_cmp);
  /* A link to an event that was not saved would make every later update
   * of the event that holds it fail (its target is gone): dropped, and
   * said. */
  for (size_t i = 0; i < it.n; i++) {
    att_event *ev = &it.v[i]->ev;
    size_t k, o = 0, dropped = 0;
    for (k = 0; k < ev->nlinks; k++) {
      const att__ov *t = att__ov_find(&keep, ev->links[k].id);
      if (t && !t->deleted) {
        ev->links[o++] = ev->links[k];
        continue;
      }
      say(&c, "event %lld: its link (%s) to event %lld is dropped: that event was not saved",
          (long long)ev->id, ev->links[k].rel ? ev->links[k].rel : "related", (long long)ev->links[k].id);
      free(ev->links[k].rel);
      free(ev->links[k].key);
      dropped++;
    }
    ev->nlinks = o;
    if (dropped) {
      char *j = att_event_to_json(ev);
      if (!j) {
        rc = att__err(ATT_ENOMEM, "out of memory");
        goto out;
      }
      free(it.v[i]->json);
      it.v[i]->json = j;
      it.v[i]->len = (uint32_t)strlen(j);
    }
  }
  if ((rc = att_store_init(dst)) != 0) goto out;
  if ((rc = att__path(p, sizeof p, dst, "snapshot.tmp")) != 0) goto out;
  if ((rc = att__snap_write(p, 1, (uint64_t)next_id, sal_next, &it, opts, it.n)) != 0) goto out;
  if (rename(p, q) != 0) {
    rc = att__err(ATT_EIO, "cannot rename \"%s\": %s", p, strerror(errno));
    goto out;
  }
  if ((rc = att__fsync_dir(dst)) != 0) goto out;
  {
    /* The settings go along when they read; else the new store has the
     * defaults, and fsck of the old one says what is wrong with them. */
    att_settings *set = NULL;
    char sp[PATH_MAX];
    struct stat ssb;
    if (att__path(sp, sizeof sp, dir, "settings.json") == 0 && lstat(sp, &ssb) == 0 &&
        att_settings_load(dir, &set) == 0 && (rc = att_settings_save(dst, set)) != 0) {
      att_settings_free(set);
      goto out;
    }
    att_settings_free(set);
    att__errclear();
  }
  {
    /* The registry of organisations too, when it reads. */
    att_orgs orgs;
    if (att_orgs_read(dir, &orgs) == 0) {
      if (orgs.n > 0 && (rc = att_orgs_write(dst, &orgs)) != 0) {
        att_orgs_free(&orgs);
        goto out;
      }
      att_orgs_free(&orgs);
    }
    att__errclear();
  }
  {
    /* And the users of the API, with their tokens' hashes, when they read. */
    att_users users;
    if (att_users_read(dir, &users) == 0) {
      if (users.n > 0 && (rc = att_users_write(dst, &users)) != 0) {
        att_users_free(&users);
        goto out;
      }
      att_users_free(&users);
    }
    att__errclear();
  }
  {
    /* And the silences, the record of who hid which alerts. */
    att_silences sil;
    if (att_silences_read(dir, &sil) == 0) {
      if (sil.n > 0 && (rc = att_silences_write(dst, &sil)) != 0) {
        att_silences_free(&sil);
        goto out;
      }
      att_silences_free(&sil);
    }
    att__errclear();
  }
  rc = it.n > INT_MAX ? INT_MAX : (int)it.n;
out:
  free(it.v);
  att__ov_free(&keep);
  return rc;
}
