/*
 * The store: opening (snapshot + journal replay), reading, writing with one
 * sync per change or batch, recovery of a torn journal tail, pick-up of
 * other processes' changes, and compaction into a new snapshot.
 *
 * Files in the store directory (docs/store.md):
 *   lock      flock()ed exclusively by a writer for each change or batch
 *   snapshot  immutable, mapped (snapshot.c)
 *   journal   records appended since that snapshot (journal.c)
 * A compaction writes snapshot.tmp and journal.tmp of the next generation
 * and renames them over the old ones, snapshot first.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "fault.h"
#include "store_int.h"
#include "timeq.h"

#define COMPACT_BYTES (16u << 20)
#define WBUF_FLUSH (1u << 20)

static int load(att_store *st, int report);
static void unload(att_store *st);
static void changes_clear(att_store *st);
static int mark_next_id(att_store *st, int64_t hw);
static int64_t tail_max_id(att_store *st, uint64_t from);

static void notice(att_store *st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void notice(att_store *st, const char *fmt, ...) {
  char buf[512];
  va_list ap;
  if (!st->opts.notice) return;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  st->opts.notice(st->opts.ud, buf);
}

static att_time now(att_store *st) {
  if (st->opts.now) return st->opts.now(st->opts.ud);
  return att_time_now();
}

att_time att__store_now(att_store *st) { return now(st); }

int att__store_reload(att_store *st) {
  unload(st);
  return load(st, 0);
}

static int pathof(const att_store *st, char *buf, const char *name) {
  return att__path(buf, PATH_MAX, st->dir, name);
}

/* ---- creating --------------------------------------------------------- */

static int mkdirs(const char *dir) {
  char buf[PATH_MAX];
  size_t n = strlen(dir);
  if (n == 0 || n >= sizeof buf) return att__err(ATT_EINVAL, "store directory \"%s\" is not a usable path", dir);
  memcpy(buf, dir, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] != '/' && buf[i] != '\0') continue;
    buf[i] = '\0';
    if (mkdir(buf, 0700) != 0 && errno != EEXIST)
      return att__err(ATT_EIO, "cannot create directory \"%s\": %s", buf, strerror(errno));
    buf[i] = i == n ? '\0' : '/';
  }
  return 0;
}

static int no_events(void *ud, att__snapin *in) {
  (void)ud, (void)in;
  return 0;
}

/* Write a fresh journal of generation gen at dir/name (synced). */
static int journal_create(const char *path, uint64_t gen) {
  unsigned char h[ATT__JHDR];
  int fd = att__create_tmp(path, O_WRONLY, 0600), rc;
  if (fd < 0) return fd;
  att__jhdr_encode(h, gen);
  rc = att__write_all(fd, h, sizeof h);
  if (rc == 0 && (att__fault(ATT_FAULT_SYNC) || fdatasync(fd) != 0))
    rc = att__err(ATT_EIO, "cannot sync \"%s\": %s", path, strerror(errno));
  close(fd);
  return rc;
}

int att_store_init(const char *dir) { return att_store_init_ex(dir, 0); }

int att_store_init_ex(const char *dir, int flags) {
  char p[PATH_MAX], q[PATH_MAX];
  struct stat sb;
  int rc, fd;
  if ((rc = att__dir_prepare(dir, flags & ATT_INIT_FORCE)) < 0) return rc;
  if (rc == 1 && (rc = mkdirs(dir)) != 0) return rc;
  if ((rc = att__path(p, sizeof p, dir, "snapshot")) != 0) return rc;
  if (lstat(p, &sb) == 0) return att__err(ATT_EEXISTS, "a store already exists in \"%s\"", dir);
  if ((rc = att__path(p, sizeof p, dir, "lock")) != 0) return rc;
  fd = att__open(p, O_RDWR | O_CREAT, 0600);
  if (fd < 0) return att__open_err(p, "create");
  close(fd);
  if ((rc = att__path(p, sizeof p, dir, "journal.tmp")) != 0 ||
      (rc = journal_create(p, 1)) != 0 || (rc = att__path(q, sizeof q, dir, "journal")) != 0)
    return rc;
  if (att__fault(ATT_FAULT_RENAME) || rename(p, q) != 0) return att__err(ATT_EIO, "cannot rename \"%s\": %s", p, strerror(errno));
  if ((rc = att__path(p, sizeof p, dir, "snapshot.tmp")) != 0 ||
      (rc = att__snap_write(p, 1, 1, no_events, NULL, NULL, 0)) != 0 ||
      (rc = att__path(q, sizeof q, dir, "snapshot")) != 0)
    return rc;
  if (att__fault(ATT_FAULT_RENAME) || rename(p, q) != 0) return att__err(ATT_EIO, "cannot rename \"%s\": %s", p, strerror(errno));
  return att__fsync_dir(dir);
}

/* ---- replaying the journal -------------------------------------------- */

typedef struct pending {
  int type;
  int64_t id;
  att_event ev;
  char *json;
  uint32_t len;
  /* META: its time, author and reason (copies) */
  att_time tx;
  char *author, *reason;
} pending;

static void pend_free(pending *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    att_event_free(&p[i].ev);
    free(p[i].json);
    free(p[i].author);
    free(p[i].reason);
    p[i].json = p[i].author = p[i].reason = NULL;
  }
}

/* Read bytes [from, end of file) of the journal. */
static int read_tail(att_store *st, uint64_t from, unsigned char **buf, size_t *n) {
  struct stat sb;
  size_t len, got = 0;
  *buf = NULL;
  *n = 0;
  if (fstat(st->jfd, &sb) != 0) return att__err(ATT_EIO, "journal: cannot stat: %s", strerror(errno));
  if ((uint64_t)sb.st_size <= from) return 0;
  len = (size_t)((uint64_t)sb.st_size - from);
  if (att__fault(ATT_FAULT_ALLOC) || !(*buf = malloc(len))) return att__err(ATT_ENOMEM, "out of memory reading the journal (%zu bytes)", len);
  while (got < len) {
    ssize_t r = pread(st->jfd, *buf + got, len - got, (off_t)(from + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      free(*buf);
      *buf = NULL;
      return att__err(ATT_EIO, "journal: read failed: %s", strerror(errno));
    }
    if (r == 0) break;
    got += (size_t)r;
  }
  *n = got;
  return 0;
}

/* A copy of the current stored JSON of id (NULL, 0 if absent), for the
 * change callback's `old`. */
static int old_copy(att_store *st, int64_t id, char **old, size_t *len) {
  const char *j;
  *old = NULL;
  *len = 0;
  if (!st->opts.change || att_store_json(st, id, &j, len) != 0) {
    *len = 0;
    return 0;
  }
  if (att__fault(ATT_FAULT_ALLOC) || !(*old = malloc(*len + 1))) return att__err(ATT_ENOMEM, "out of memory");
  memcpy(*old, j, *len);
  (*old)[*len] = '\0';
  return 0;
}

/* Apply one committed batch to the view. */
static int apply(att_store *st, pending *p, size_t n, int report) {
  /* The write's META, if it has one (journals written before history was
   * kept do not: a put's time is then its `updated`). */
  att_time tx = ATT_TIME_MIN;
  const char *author = NULL, *reason = NULL;
  uint64_t batch = st->next_seq;
  st->epoch++;
  for (size_t i = 0; i < n; i++) {
    int op, rc;
    char *old = NULL;
    size_t oldlen = 0;
    att_time ctx;
    if (p[i].type == ATT__R_COMMIT) continue;
    if (p[i].type == ATT__R_META) {
      tx = p[i].tx;
      author = p[i].author;
      reason = p[i].reason;
      continue;
    }
    if (p[i].type == ATT__R_NEXTID) {
      /* A mark of its own; inside a batch it was a reservation, which the
       * batch's own puts make moot once it commits. */
      if (n == 1 && p[i].id > st->next_id && p[i].id <= ATT_EV_ID_MAX + 1) st->next_id = p[i].id;
      continue;
    }
    if (report && (rc = old_copy(st, p[i].id, &old, &oldlen)) != 0) return rc;
    ctx = tx != ATT_TIME_MIN ? tx : p[i].type == ATT__R_PUT ? p[i].ev.updated : st->last_tx;
    if (ctx < st->last_tx) ctx = st->last_tx;
    if (p[i].type == ATT__R_PUT) {
      int live = att__hist_live(st, p[i].id);
      op = p[i].ev.rev <= 1 ? ATT_CHANGE_ADD : live == 0 ? ATT_CHANGE_RESTORE : ATT_CHANGE_UPDATE;
      if (live < 0) {
        free(old);
        return live;
      }
      if (p[i].id >= st->next_id) st->next_id = p[i].id + 1;
      {
        char *hj = att__fault(ATT_FAULT_ALLOC) ? NULL : malloc(p[i].len + 1u);
        if (!hj) rc = att__err(ATT_ENOMEM, "out of memory replaying the journal");
        else {
          memcpy(hj, p[i].json, p[i].len + 1u);
          rc = att__jh_add(st, op, p[i].id, p[i].ev.rev, hj, p[i].len, ctx, author, reason, batch);
        }
      }
      if (rc == 0) rc = att__ov_put(&st->ov, p[i].id, &p[i].ev, p[i].json, p[i].len); /* takes json */
      else free(p[i].json);
      p[i].json = NULL;
    } else {
      op = ATT_CHANGE_REMOVE;
      rc = att__jh_add(st, op, p[i].id, 0, NULL, 0, ctx, author, reason, batch);
      if (rc == 0) rc = att__ov_put(&st->ov, p[i].id, NULL, NULL, 0);
    }
    if (rc == 0) rc = att__jh_note(st, p[i].id);
    if (op == ATT_CHANGE_RESTORE) op = ATT_CHANGE_ADD; /* for the callback */
    if (rc == 0 && report) {
      st->seen++;
      if (st->opts.change) st->opts.change(st->opts.ud, op, p[i].id, old, oldlen);
    }
    free(old);
    if (rc) return rc;
  }
  return 0;
}

/* Records of a write that count towards compaction: all but its change
 * record (META), so that history does not make compactions come sooner. */
static size_t changes_in(const pending *p, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += p[i].type != ATT__R_META;
  return k;
}

/* Is there an intact record anywhere in buf[from..n)?  Its offset, or -1. */
static int64_t find_intact(const unsigned char *buf, size_t n, size_t from) {
  for (size_t p = from; p + ATT__RHDR <= n; p++) {
    att__rec r;
    size_t used;
    if (buf[p + 10] != (ATT__RMAGIC & 0xff) || buf[p + 11] != (ATT__RMAGIC >> 8)) continue;
    if (att__rec_decode(buf + p, n - p, &r, &used) == 1) return (int64_t)p;
  }
  return -1;
}

/*
 * Replay the journal from st->jend.  Complete batches are applied; what
 * follows the last one is a tail: *tail_bytes is its length and *tail_recs
 * the whole records in it.  Damage followed by intact records is
 * ATT_ECORRUPT.
 */
static int replay(att_store *st, int report, uint64_t *tail_bytes, size_t *tail_recs) {
  unsigned char *buf;
  size_t n, pos = 0, done = 0, np = 0, cp = 0;
  pending *p = NULL;
  int rc = read_tail(st, st->jend, &buf, &n);
  *tail_bytes = 0;
  *tail_recs = 0;
  if (rc) return rc;
  while (pos < n) {
    att__rec r;
    size_t used;
    int d = att__rec_decode(buf + pos, n - pos, &r, &used);
    /* Incomplete (say, a damaged length reaching past the end): a torn
     * tail only if no intact record follows. */
    if (d == 0 && find_intact(buf, n, pos + 1) < 0) break;
    if (d <= 0) {
      int64_t at = find_intact(buf, n, pos + 1);
      if (at >= 0) {
        rc = att__err(ATT_ECORRUPT,
                      "journal \"%s/journal\" is damaged at byte %llu, and intact records follow "
                      "at byte %llu: this is not a torn write; nothing was changed (run "
                      "'attache fsck' to see more, 'attache fsck --salvage DIR' to copy what is intact)",
                      st->dir, (unsigned long long)(st->jend + pos),
                      (unsigned long long)(st->jend + (uint64_t)at));
        goto out;
      }
      break;
    }
    if (np == cp) {
      size_t c = cp ? cp * 2 : 16;
      pending *q = att__fault(ATT_FAULT_ALLOC) ? NULL : realloc(p, c * sizeof *q);
      if (!q) {
        rc = att__err(ATT_ENOMEM, "out of memory replaying the journal");
        goto out;
      }
      p = q;
      cp = c;
    }
    p[np].type = r.type;
    p[np].id = 0;
    p[np].json = NULL;
    p[np].len = 0;
    p[np].author = p[np].reason = NULL;
    att_event_init(&p[np].ev);
    if (r.type == ATT__R_META) {
      const char *a, *why;
      uint32_t alen, rlen;
      if (att__meta_decode(r.payload, r.len, &p[np].tx, &a, &alen, &why, &rlen) != 0) {
        rc = att__err(ATT_ECORRUPT, "journal \"%s/journal\": the change record at byte %llu is malformed",
                      st->dir, (unsigned long long)(st->jend + pos));
        goto out;
      }
      if ((alen && !(p[np].author = strndup(a, alen))) || (rlen && !(p[np].reason = strndup(why, rlen)))) {
        np++;
        rc = att__err(ATT_ENOMEM, "out of memory replaying the journal");
        goto out;
      }
    }
    if (r.type == ATT__R_PUT) {
      if ((rc = att_event_from_json(r.payload, r.len, ATT_EV_STORED, &p[np].ev)) != 0) {
        rc = att__errctx(ATT_ECORRUPT, "journal \"%s/journal\": record at byte %llu has a valid checksum but does not read back",
                         st->dir, (unsigned long long)(st->jend + pos));
        goto out;
      }
      p[np].id = p[np].ev.id;
      if (att__fault(ATT_FAULT_ALLOC) || !(p[np].json = malloc(r.len + 1))) {
        np++;
        rc = att__err(ATT_ENOMEM, "out of memory replaying the journal");
        goto out;
      }
      memcpy(p[np].json, r.payload, r.len);
      p[np].json[r.len] = '\0';
      p[np].len = r.len;
    } else if (r.type == ATT__R_DEL) {
      if (r.len != 8) {
        rc = att__err(ATT_ECORRUPT, "journal \"%s/journal\": removal record at byte %llu has %u bytes, expected 8",
                      st->dir, (unsigned long long)(st->jend + pos), r.len);
        goto out;
      }
      memcpy(&p[np].id, r.payload, 8);
    } else if (r.type == ATT__R_NEXTID || r.type == ATT__R_ABORT) {
      if (r.len != 8) {
        rc = att__err(ATT_ECORRUPT, "journal \"%s/journal\": id mark at byte %llu has %u bytes, expected 8",
                      st->dir, (unsigned long long)(st->jend + pos), r.len);
        goto out;
      }
      memcpy(&p[np].id, r.payload, 8);
    }
    np++;
    pos += used;
    if ((r.flags & ATT__RF_END) && r.type == ATT__R_ABORT) {
      /* A batch rolled back after it handed out ids: none of its changes
       * count, its mark does. */
      if (p[np - 1].id > st->next_id && p[np - 1].id <= ATT_EV_ID_MAX + 1) st->next_id = p[np - 1].id;
      pend_free(p, np);
      st->jrecords += changes_in(p, np);
      np = 0;
      done = pos;
    } else if (r.flags & ATT__RF_END) {
      if ((rc = apply(st, p, np, report)) != 0) goto out;
      pend_free(p, np);
      st->jrecords += changes_in(p, np);
      np = 0;
      done = pos;
    }
  }
  *tail_bytes = n - done;
  *tail_recs = np;
  st->jend += done;
out:
  pend_free(p, np);
  free(p);
  free(buf);
  return rc;
}

/* ---- opening ---------------------------------------------------------- */

static int open_journal(att_store *st, uint64_t *gen, uint64_t *size) {
  char p[PATH_MAX];
  unsigned char h[ATT__JHDR];
  struct stat sb;
  ssize_t r;
  int rc;
  if ((rc = pathof(st, p, "journal")) != 0) return rc;
  st->jfd = att__open(p, st->opts.flags & ATT_OPEN_WRITE ? O_RDWR : O_RDONLY, 0);
  if (st->jfd < 0) {
    if (errno == ENOENT) return att__err(ATT_ECORRUPT, "store \"%s\" has a snapshot but no journal", st->dir);
    return att__open_err(p, "open");
  }
  if (fstat(st->jfd, &sb) != 0) return att__err(ATT_EIO, "cannot stat \"%s\": %s", p, strerror(errno));
  st->jdev = sb.st_dev;
  st->jino = sb.st_ino;
  *size = (uint64_t)sb.st_size;
  r = pread(st->jfd, h, sizeof h, 0);
  if (r < 0) return att__err(ATT_EIO, "cannot read \"%s\": %s", p, strerror(errno));
  switch (att__jhdr_decode(h, (size_t)r, gen)) {
  case 1:
    return 0;
  case 0:
    *gen = 0; /* a header cut short: a journal created by a crashed writer */
    return 0;
  default:
    return att__err(ATT_ECORRUPT, "journal \"%s\" has a damaged header (first %d bytes)", p, ATT__JHDR);
  }
}

/* Try to learn whether a writer is active: 1 if none (we got a shared
 * lock, released at once), 0 if one is. */
static int no_writer(att_store *st) {
  if (flock(st->lockfd, LOCK_SH | LOCK_NB) != 0) return 0;
  flock(st->lockfd, LOCK_UN);
  return 1;
}

static int load(att_store *st, int report) {
  char p[PATH_MAX];
  int rc;
  for (int attempt = 0;; attempt++) {
    uint64_t jgen = 0, jsize = 0, tail = 0;
    size_t trecs;
    if ((rc = pathof(st, p, "snapshot")) != 0) return rc;
    if ((rc = att__snap_open(&st->snap, p)) != 0) {
      if (rc == ATT_ENOSTORE)
        return att__err(ATT_ENOSTORE, "no store in \"%s\" (create one with 'attache init')", st->dir);
      return rc;
    }
    if ((rc = open_journal(st, &jgen, &jsize)) != 0) return rc;
    st->gen = st->snap.h.gen;
    st->next_id = (int64_t)st->snap.h.next_id;
    st->next_seq = st->snap.h.next_seq ? st->snap.h.next_seq : 1;
    st->last_tx = st->snap.h.last_tx;
    st->jend = ATT__JHDR;
    st->jrecords = 0;
    if (jgen > st->gen) {
      /* A compaction renamed between our two opens: look again. */
      unload(st);
      if (attempt < 8) continue;
      return att__err(ATT_ECORRUPT, "journal of \"%s\" is of generation %llu, newer than its snapshot",
                      st->dir, (unsigned long long)jgen);
    }
    if (jgen < st->gen) {
      /* jgen 0: the header itself was cut short.  Otherwise a compaction
       * stopped between its renames: the journal is already in the
       * snapshot.  Either way nothing in it is to be replayed; a writer
       * replaces it. */
      st->jend = jsize;
      if (jgen == 0 && jsize > 0 && no_writer(st))
        notice(st, "journal of \"%s\": its header is cut short (%llu of %d bytes): read as empty, "
               "as nothing was ever written after it", st->dir, (unsigned long long)jsize, ATT__JHDR);
      return 0;
    }
    if ((rc = replay(st, report, &tail, &trecs)) != 0) return rc;
    if (tail > 0 && no_writer(st))
      notice(st,
             "journal of \"%s\": ignored an unfinished write at its end (%llu bytes from byte %llu, "
             "%zu whole record%s of a batch that never committed): it was never acknowledged%s",
             st->dir, (unsigned long long)tail, (unsigned long long)st->jend, trecs,
             trecs == 1 ? "" : "s",
             st->opts.flags & ATT_OPEN_WRITE ? "; it is removed at the next write" : "");
    return 0;
  }
}

static void unload(att_store *st) {
  st->epoch++;
  att__let_go(st);
}

int att_store_open(const char *dir, const att_store_opts *opts, att_store **out) {
  char p[PATH_MAX];
  att_store *st;
  int rc;
  *out = NULL;
  att__errclear();
  if (!(st = att__fault(ATT_FAULT_ALLOC) ? NULL : calloc(1, sizeof *st)) || !(st->dir = strdup(dir))) {
    free(st);
    return att__err(ATT_ENOMEM, "out of memory opening a store");
  }
  if (opts) st->opts = *opts;
  st->opts.author = NULL; /* not the caller's: ours, below */
  st->asof = ATT_TIME_MAX;
  if (opts && opts->author && !(st->author = strdup(opts->author))) {
    free(st->dir);
    free(st);
    return att__err(ATT_ENOMEM, "out of memory opening a store");
  }
  st->jfd = -1;
  st->snap.fd = -1;
  st->lockfd = -1;
  if ((rc = pathof(st, p, "lock")) != 0) goto fail;
  /* A writer opens the lock file for writing too, to say who holds it. */
  st->lockrw = (st->opts.flags & ATT_OPEN_WRITE) != 0;
  st->lockfd = att__open(p, st->lockrw ? O_RDWR : O_RDONLY, 0);
  if (st->lockfd < 0 && st->lockrw && (errno == EACCES || errno == EROFS)) {
    st->lockrw = 0;
    st->lockfd = att__open(p, O_RDONLY, 0);
  }
  if (st->lockfd < 0) {
    struct stat sb;
    if (errno == ENOENT && stat(dir, &sb) != 0)
      rc = att__err(ATT_ENOSTORE, "no store at \"%s\": the directory does not exist (create one with 'attache init')", dir);
    else if (errno == ENOENT)
      rc = att__err(ATT_ENOSTORE, "no store in \"%s\" (create one with 'attache init')", dir);
    else
      rc = att__open_err(p, "open");
    goto fail;
  }
  if ((rc = load(st, 0)) != 0) goto fail;
  {
    struct stat sb;
    if (stat(dir, &sb) == 0 && (sb.st_mode & 022))
      notice(st, "the store directory \"%s\" can be written by other users (mode %04o): they "
             "could replace its files; make it private with chmod 700 \"%s\"",
             dir, (unsigned)(sb.st_mode & 07777), dir);
  }
  *out = st;
  return 0;
fail:
  att_store_close(st);
  return rc;
}

void att_store_close(att_store *st) {
  if (!st) return;
  if (st->imp || st->imp_batch) att_store_import_abort(st);
  if (st->in_batch) att_store_rollback(st);
  if (st->unsynced && st->jfd >= 0 && fdatasync(st->jfd) != 0) { /* lazy commits nobody synced */
  }
  unload(st);
  if (st->lockfd >= 0) close(st->lockfd);
  free(st->wbuf);
  free(st->pend);
  free(st->author);
  free(st->reason);
  free(st->dir);
  free(st);
}

const char *att_store_dir(const att_store *st) { return st->dir; }

/* ---- refresh ---------------------------------------------------------- */

static int journal_replaced(att_store *st) {
  char p[PATH_MAX];
  struct stat sb;
  if (pathof(st, p, "journal") != 0 || lstat(p, &sb) != 0) return 0;
  return sb.st_ino != st->jino || sb.st_dev != st->jdev;
}

int att_store_refresh(att_store *st) {
  uint64_t tail, before = st->seen;
  size_t trecs;
  int rc;
  if (st->in_batch) return 0;
  /* What was appended to the journal we hold, even if it was replaced. */
  if ((rc = replay(st, 1, &tail, &trecs)) != 0) return rc;
  if (journal_replaced(st)) {
    int64_t known = st->next_id;
    unload(st);
    if ((rc = load(st, 1)) != 0) return rc;
    /* Everything else in the new snapshot was in the journal we just
     * read; events with ids we never saw came by another process's
     * import, written straight into the snapshot. */
    uint64_t lo = 0, hi = st->snap.h.count;
    const att__ident *e;
    while (lo < hi) { /* the first position with an id we never saw */
      uint64_t mid = lo + (hi - lo) / 2;
      if ((rc = att__snap_ident(&st->snap, mid, &e)) != 0) return rc;
      if (e->id < known) lo = mid + 1;
      else hi = mid;
    }
    for (uint64_t o = lo; o < st->snap.h.count; o++) {
      int64_t id;
      if ((rc = att__snap_ident(&st->snap, o, &e)) != 0) return rc;
      id = e->id;
      if (att__ov_find(&st->ov, id)) continue;
      st->seen++;
      if (st->opts.change) st->opts.change(st->opts.ud, ATT_CHANGE_ADD, id, NULL, 0);
    }
  }
  return st->seen - before > INT_MAX ? INT_MAX : (int)(st->seen - before);
}

/* ---- writing ---------------------------------------------------------- */

static int writable(att_store *st) {
  if (st->asof != ATT_TIME_MAX)
    return att__err(ATT_EINVAL, "store \"%s\" is being read as of a past time: it cannot be "
                    "changed that way (drop --as-of to change it)", st->dir);
  if (st->imp)
    return att__err(ATT_EINVAL, "store \"%s\" has an import open: add its events with att_store_import_add, then commit", st->dir);
  if (!(st->opts.flags & ATT_OPEN_WRITE))
    return att__err(ATT_EREADONLY, "store \"%s\" was opened read-only", st->dir);
  if (st->poisoned)
    return att__err(ATT_EPOISONED,
                    "store \"%s\" refuses writes: an earlier sync to disk failed, so what the "
                    "disk holds is uncertain; close and reopen the store", st->dir);
  return 0;
}

/* Replace a stale or cut-short journal with a fresh one (under the lock). */
static int journal_renew(att_store *st) {
  char p[PATH_MAX], q[PATH_MAX];
  int rc;
  if ((rc = pathof(st, p, "journal.tmp")) != 0 || (rc = pathof(st, q, "journal")) != 0) return rc;
  if ((rc = journal_create(p, st->gen)) != 0) return rc;
  if (att__fault(ATT_FAULT_RENAME) || rename(p, q) != 0) return att__err(ATT_EIO, "cannot rename \"%s\": %s", p, strerror(errno));
  if ((rc = att__fsync_dir(st->dir)) != 0) return rc;
  unload(st);
  return load(st, 1);
}

#define LOCK_WAIT_DEFAULT_MS 30000

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Who holds the lock, from its note (for a message; "" when it does
 * not say).  The note is left when its writer lets the lock go (writing
 * and clearing it each time cost two changes of the file per write, which
 * wait on the file system's journal when the disk is busy), so a note is
 * believed only if its pid holds an flock on this file (/proc/locks), or
 * when that cannot be known, if the process is alive. */
static void lock_holder(att_store *st, char *info, size_t cap) {
  ssize_t got = pread(st->lockfd, info, cap - 1, 0);
  long pid;
  struct stat sb;
  FILE *f;
  info[got > 0 ? got : 0] = '\0';
  info[strcspn(info, "\n")] = '\0';
  if (sscanf(info, "pid %ld", &pid) != 1 || pid <= 0) return;
  if ((f = fopen("/proc/locks", "re")) != NULL && fstat(st->lockfd, &sb) == 0) {
    char line[256];
    int held = 0;
    while (!held && fgets(line, sizeof line, f)) {
      long p;
      unsigned maj, min;
      unsigned long long ino;
      /* "1: FLOCK  ADVISORY  WRITE 4242 08:01:1234 0 EOF" */
      if (sscanf(line, "%*d: FLOCK %*s %*s %ld %x:%x:%llu", &p, &maj, &min, &ino) == 4 && p == pid &&
          ino == (unsigned long long)sb.st_ino && maj == major(sb.st_dev) && min == minor(sb.st_dev))
        held = 1;
    }
    fclose(f);
    if (!held) info[0] = '\0';
    return;
  }
  if (f) fclose(f);
  if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) info[0] = '\0';
}

/* Say who we are in the lock file, for the message the next one waiting
 * gets: written only when the note there is not ours already (the
 * daemon's writes of one second share one). */
static void lock_note(att_store *st) {
  time_t t = (time_t)att_time_now();
  struct tm tm;
  char since[32] = "", info[256], was[256];
  int n;
  ssize_t got;
  if (!st->lockrw) return;
  if (gmtime_r(&t, &tm)) strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &tm);
  n = snprintf(info, sizeof info, "pid %ld%s%s, since %s\n", (long)getpid(), st->opts.who ? ", " : "",
               st->opts.who ? st->opts.who : "", since);
  if (n <= 0 || n >= (int)sizeof info) return;
  got = pread(st->lockfd, was, sizeof was, 0);
  if (got == n && memcmp(was, info, (size_t)n) == 0) return;
  /* Only a note for others: a failure here changes nothing. */
  if (pwrite(st->lockfd, info, (size_t)n, 0) == n && got > n)
    if (ftruncate(st->lockfd, n) != 0) { /* the note is longer: harmless */ }
}

/* Take the writer lock, waiting at most opts.lock_wait_ms for the writer
 * that holds it. */
static int take_lock(att_store *st) {
  int wait = st->opts.lock_wait_ms ? st->opts.lock_wait_ms : LOCK_WAIT_DEFAULT_MS;
  int64_t deadline = mono_ms() + (wait > 0 ? wait : 0);
  long nap_us = 1000;
  char info[256];
  for (;;) {
    if (flock(st->lockfd, LOCK_EX | LOCK_NB) == 0) break;
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK)
      return att__err(ATT_EIO, "cannot lock store \"%s\": %s", st->dir, strerror(errno));
    if (st->nowait) {
      lock_holder(st, info, sizeof info);
      return att__err(ATT_EBUSY,
                      "store \"%s\" is being written by another process (%s) at this moment; nothing was "
                      "changed: try again in a moment",
                      st->dir, info[0] ? info : "it did not say who it is");
    }
    if (st->opts.cancel && st->opts.cancel(st->opts.ud))
      return att__err(ATT_EBUSY,
                      "store \"%s\" is held by another writer, and the wait for it was cut short "
                      "(the script's time limit passed, or the program is stopping); nothing was changed",
                      st->dir);
    if (wait > 0 && mono_ms() >= deadline) {
      lock_holder(st, info, sizeof info);
      return att__err(ATT_EBUSY,
                      "store \"%s\" is held by another writer (%s) and was not released "
                      "within %d.%d s; nothing was changed (try again when it is done)",
                      st->dir, info[0] ? info : "a process that did not say who it is",
                      wait / 1000, wait % 1000 / 100);
    }
    {
      struct timespec ts = {0, nap_us * 1000};
      nanosleep(&ts, NULL);
      if (nap_us < 50000) nap_us *= 2;
    }
  }
  lock_note(st);
  return 0;
}

/* Remove what interrupted writers left (under the lock), unless the
 * directory has not changed since this handle last did: a file made
 * there changes its mtime.  The mtime is trusted only when it was at
 * least 50 ms old when read, so that the file system's coarse clock
 * cannot give a later entry the same time. */
static int sweep(att_store *st) {
  struct stat sb;
  struct timespec now;
  int rc;
  if (st->swept && stat(st->dir, &sb) == 0 && sb.st_mtim.tv_sec == st->swept_mtim.tv_sec &&
      sb.st_mtim.tv_nsec == st->swept_mtim.tv_nsec)
    return 0;
  st->swept = 0;
  if ((rc = att__tmp_sweep(st->dir, st->opts.notice, st->opts.ud)) != 0) return rc;
  if (stat(st->dir, &sb) == 0 && clock_gettime(CLOCK_REALTIME, &now) == 0 &&
      (double)(now.tv_sec - sb.st_mtim.tv_sec) + (double)(now.tv_nsec - sb.st_mtim.tv_nsec) / 1e9 >= 0.05) {
    st->swept_mtim = sb.st_mtim;
    st->swept = 1;
  }
  return 0;
}

int att_store_set_nowait(att_store *st, int on) {
  int was = st->nowait;
  st->nowait = on;
  return was;
}

int att_store_set_lazy_sync(att_store *st, int on) {
  int was = st->lazy_sync;
  st->lazy_sync = on;
  return was;
}

int att_store_sync_take(att_store *st, int *fd) {
  *fd = -1;
  if (!st->unsynced) return 0;
  if ((*fd = fcntl(st->jfd, F_DUPFD_CLOEXEC, 0)) < 0)
    return att__err(ATT_EIO, "journal of \"%s\": cannot keep it open to sync it: %s", st->dir,
                    strerror(errno));
  st->unsynced = 0;
  return 0;
}

void att_store_sync_failed(att_store *st) { st->poisoned = 1; }

int att_store_sync(att_store *st) {
  if (!st->unsynced) return 0;
  st->unsynced = 0;
  if (att__fault(ATT_FAULT_SYNC) || fdatasync(st->jfd) != 0) {
    st->poisoned = 1;
    return att__err(ATT_EPOISONED,
                    "journal of \"%s\": sync to disk failed (%s); the change is not acknowledged "
                    "and the store refuses writes until it is reopened",
                    st->dir, strerror(errno));
  }
  return 0;
}

static int lock_write(att_store *st) {
  struct stat sb;
  uint64_t jgen = 0;
  unsigned char h[ATT__JHDR];
  ssize_t r;
  int rc;
  if (st->locked) return 0;
  if ((rc = writable(st)) != 0) return rc;
  if ((rc = take_lock(st)) != 0) return rc;
  st->locked = 1;
  if ((rc = sweep(st)) != 0) goto fail;
  if ((rc = att_store_refresh(st)) < 0) goto fail;
  r = pread(st->jfd, h, sizeof h, 0);
  if (r < 0 || att__jhdr_decode(h, (size_t)r, &jgen) != 1 || jgen != st->gen) {
    if ((rc = journal_renew(st)) != 0) goto fail;
  }
  if (fstat(st->jfd, &sb) != 0) {
    rc = att__err(ATT_EIO, "journal: cannot stat: %s", strerror(errno));
    goto fail;
  }
  if ((uint64_t)sb.st_size > st->jend) {
    /* We hold the lock, so no one is writing this: a crash remnant. */
    notice(st, "journal of \"%s\": removed an unfinished write of %llu bytes at byte %llu, left by a process that stopped; it was never acknowledged",
           st->dir, (unsigned long long)((uint64_t)sb.st_size - st->jend), (unsigned long long)st->jend);
    /* Ids in it may have been handed out before the crash: never again. */
    int64_t hw = tail_max_id(st, st->jend) + 1;
    if (att__fault(ATT_FAULT_TRUNC) || ftruncate(st->jfd, (off_t)st->jend) != 0 ||
        att__fault(ATT_FAULT_SYNC) || fdatasync(st->jfd) != 0) {
      rc = att__err(ATT_EIO, "journal: cannot cut the unfinished write: %s", strerror(errno));
      goto fail;
    }
    if ((rc = mark_next_id(st, hw)) != 0) goto fail;
  }
  st->wlen = 0;
  st->broken = 0;
  st->batch_start = st->jend;
  st->id_reserved = 0;
  st->write_next_id = st->next_id;
  return 0;
fail:
  flock(st->lockfd, LOCK_UN);
  st->locked = 0;
  return rc;
}

static void unlock_write(att_store *st) {
  if (!st->locked) return;
  /* The note stays: lock_holder believes it only of a holder. */
  flock(st->lockfd, LOCK_UN);
  st->locked = 0;
}

/* Write out the buffer at the journal's write position. */
static int wflush(att_store *st) {
  size_t off = 0;
  uint64_t at = st->batch_start + st->wpos_flushed;
  while (off < st->wlen) {
    ssize_t w = att__fault(ATT_FAULT_WRITE) ? -1 : pwrite(st->jfd, st->wbuf + off, att__fault_len(st->wlen - off), (off_t)(at + off));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      st->wtorn = 1;
      return att__err(ATT_EIO, "journal of \"%s\": write failed: %s", st->dir, strerror(errno));
    }
    off += (size_t)w;
  }
  st->wpos_flushed += st->wlen;
  st->wlen = 0;
  return 0;
}

static int append(att_store *st, int type, int flags, const void *payload, uint32_t len) {
  size_t need = ATT__RHDR + (size_t)len;
  if (len > ATT__RMAX)
    return att__err(ATT_ERANGE, "event is %u bytes as JSON; the most a record holds is %u", len, ATT__RMAX);
  if (st->wlen + need > st->wcap) {
    size_t cap = st->wcap ? st->wcap : 65536;
    unsigned char *b;
    while (cap < st->wlen + need) cap *= 2;
    if (att__fault(ATT_FAULT_ALLOC) || !(b = realloc(st->wbuf, cap))) return att__err(ATT_ENOMEM, "out of memory for the journal buffer");
    st->wbuf = b;
    st->wcap = cap;
  }
  att__rhdr_encode(st->wbuf + st->wlen, type, flags, payload, len);
  memcpy(st->wbuf + st->wlen + ATT__RHDR, payload, len);
  st->wlen += need;
  st->nrec_pending++;
  if (st->wlen >= WBUF_FLUSH) return wflush(st);
  return 0;
}

int att__store_append(att_store *st, int type, int flags, const void *payload, uint32_t len) {
  return append(st, type, flags, payload, len);
}

/* Make everything appended durable: the acknowledgement point. */
static int wsync(att_store *st) {
  int rc = wflush(st);
  if (rc) return rc;
  if (st->lazy_sync) {
    st->unsynced = 1; /* the caller syncs before it acknowledges */
  } else if (att__fault(ATT_FAULT_SYNC) || fdatasync(st->jfd) != 0) {
    st->poisoned = 1;
    return att__err(ATT_EPOISONED,
                    "journal of \"%s\": sync to disk failed (%s); the change is not acknowledged "
                    "and the store refuses writes until it is reopened",
                    st->dir, strerror(errno));
  }
  st->jend = st->batch_start + st->wpos_flushed;
  st->jrecords += st->nrec_pending - (st->meta_done ? 1 : 0); /* META does not count */
  return 0;
}

/* Nothing of a write is pending any more: the next starts at jend. */
static void wreset(att_store *st) {
  st->meta_done = 0;
  st->wlen = 0;
  st->wpos_flushed = 0;
  st->wtorn = 0;
  st->nrec_pending = 0;
  st->batch_start = st->jend;
}

/* Forget what the open write appended and read the store again.  A write
 * that handed out no ids the caller saw is cut off the journal.  One that
 * did (keep_ids: a batch) is not: cutting it would also cut its id
 * reservation, and a crash before a new mark was synced would leave no
 * trace of the ids.  An ABORT record carrying the mark ends it instead
 * (replay skips the batch's changes and keeps the mark), in one synced
 * write; if even that fails, the batch stays as an unfinished tail, whose
 * reservation the next writer keeps when it cuts the tail off. */
static void wabort(att_store *st, int keep_ids) {
  int64_t hw = st->next_id;
  st->wlen = 0;
  if (keep_ids && hw > st->write_next_id && st->locked && !st->poisoned) {
    uint64_t v = (uint64_t)hw;
    /* What a failed flush left past the records written whole goes
     * first: the ABORT record written over its start, the rest behind
     * it made the journal unreadable (a full disk, found from outside).
     * Cutting a file needs no room on the disk. */
    if (st->wtorn && (att__fault(ATT_FAULT_TRUNC) ||
                      ftruncate(st->jfd, (off_t)(st->batch_start + st->wpos_flushed)) != 0)) {
      st->jend = st->batch_start; /* an unfinished tail: the next writer cuts it off */
    } else {
      st->wtorn = 0;
      if (append(st, ATT__R_ABORT, ATT__RF_END, &v, 8) != 0 || wsync(st) != 0) st->jend = st->batch_start;
    }
  } else {
    if ((st->wpos_flushed || st->wtorn) &&
        (att__fault(ATT_FAULT_TRUNC) || ftruncate(st->jfd, (off_t)st->batch_start) != 0))
      st->poisoned = 1;
    st->jend = st->batch_start;
  }
  wreset(st);
  changes_clear(st);
  unload(st);
  if (load(st, 0) != 0) st->poisoned = 1;
  if (keep_ids && st->next_id < hw) st->next_id = hw; /* this handle never gives them again */
}

/* Make "ids below hw are used" durable, as one write of its own (under the
 * lock, with no write open). */
static int mark_next_id(att_store *st, int64_t hw) {
  uint64_t v = (uint64_t)hw;
  int rc;
  if (hw <= st->next_id) return 0;
  wreset(st);
  rc = append(st, ATT__R_NEXTID, ATT__RF_END, &v, 8);
  if (rc == 0) rc = wsync(st);
  wreset(st);
  if (rc == 0) st->next_id = hw;
  return rc;
}

/* The largest id put or reserved by the whole records in the journal from
 * byte `from` (an unfinished write), or 0. */
static int64_t tail_max_id(att_store *st, uint64_t from) {
  unsigned char *buf;
  size_t n, pos = 0;
  int64_t max = 0;
  if (read_tail(st, from, &buf, &n) != 0) return 0;
  while (pos < n) {
    att__rec r;
    size_t used;
    const char *v;
    size_t vlen;
    if (att__rec_decode(buf + pos, n - pos, &r, &used) != 1) break;
    if (r.type == ATT__R_NEXTID && r.len == 8) {
      int64_t id;
      memcpy(&id, r.payload, 8);
      if (id - 1 > max && id - 1 <= ATT_EV_ID_MAX) max = id - 1;
    } else if (r.type == ATT__R_PUT && att_event_scan_member(r.payload, r.len, "id", &v, &vlen) == 1 &&
        vlen > 0 && vlen < 20) {
      char num[20];
      memcpy(num, v, vlen);
      num[vlen] = '\0';
      int64_t id = strtoll(num, NULL, 10);
      if (id > max && id <= ATT_EV_ID_MAX) max = id;
    }
    pos += used;
  }
  free(buf);
  return max;
}

int att_store_compact_due(const att_store *st) {
  return st->jrecords >= ATT__COMPACT_RECORDS || st->jend >= COMPACT_BYTES;
}

static int maybe_compact(att_store *st) {
  if ((st->opts.flags & ATT_OPEN_NO_AUTOCOMPACT) || !att_store_compact_due(st)) return 0;
  return att_store_compact(st);
}

/* Note a change for the callback at commit, with the event's state before
 * it (call before the view changes). */
static int change_add(att_store *st, int op, int64_t id) {
  char *old;
  size_t len;
  int rc;
  if (st->npend == st->cappend) {
    size_t c = st->cappend ? st->cappend * 2 : 64;
    struct att__change *p = att__fault(ATT_FAULT_ALLOC) ? NULL : realloc(st->pend, c * sizeof *p);
    if (!p) return att__err(ATT_ENOMEM, "out of memory");
    st->pend = p;
    st->cappend = c;
  }
  if ((rc = old_copy(st, id, &old, &len)) != 0) return rc;
  st->pend[st->npend++] = (struct att__change){op, id, old, len};
  return 0;
}

static void changes_clear(att_store *st) {
  for (size_t i = 0; i < st->npend; i++) free(st->pend[i].old);
  st->npend = 0;
}

/* After a durable commit: report, release, compact if due. */
static int finish(att_store *st) {
  int rc = 0;
  if (st->opts.change)
    for (size_t i = 0; i < st->npend; i++)
      st->opts.change(st->opts.ud, st->pend[i].op, st->pend[i].id, st->pend[i].old, st->pend[i].oldlen);
  changes_clear(st);
  wreset(st);
  if (!st->in_batch) {
    /* The change is on disk: a failed compaction does not undo it, and
     * must not say it failed (the caller would redo it). */
    if (maybe_compact(st) != 0)
      notice(st, "the change is saved, but the compaction after it failed (it is tried again "
             "after later writes): %s", att_errmsg());
    unlock_write(st);
  }
  return rc;
}

static int end_write(att_store *st, int rc, int keep_ids);
/* One change: inside a batch it waits for commit, else it is synced now. */
static int begin_one(att_store *st) {
  return st->in_batch ? 0 : lock_write(st);
}

static int end_write(att_store *st, int rc, int keep_ids) {
  if (st->in_batch) return rc;
  if (rc == 0) rc = att__links_check(st);
  if (rc == 0) rc = wsync(st);
  if (rc) {
    if (rc != ATT_EPOISONED) wabort(st, keep_ids);
    changes_clear(st);
    unlock_write(st);
    return rc;
  }
  return finish(st);
}

/*
 * Ids handed out inside a batch are seen by its caller before the commit;
 * if the process dies first, they must not be given again.  So a batch
 * reserves them durably, ID_RESERVE at a time: a NEXTID record appended
 * without the "last" flag, and synced, before an id past the reservation
 * is handed out.  A crash leaves it in the unfinished tail, which the next
 * writer reads before it cuts the tail off (lock_write); a commit makes it
 * moot (apply ignores a NEXTID that is not a write of its own).
 */
#define ID_RESERVE 4096

static int reserve_id(att_store *st, int64_t id) {
  uint64_t v = (uint64_t)id + ID_RESERVE;
  int rc;
  if (id < st->id_reserved) return 0;
  if ((rc = append(st, ATT__R_NEXTID, 0, &v, 8)) != 0 || (rc = wflush(st)) != 0) {
    st->broken = 1;
    return rc;
  }
  if (att__fault(ATT_FAULT_SYNC) || fdatasync(st->jfd) != 0) {
    st->broken = 1;
    st->poisoned = 1;
    return att__err(ATT_EPOISONED,
                    "journal of \"%s\": sync to disk failed (%s); the batch is not kept and the "
                    "store refuses writes until it is reopened",
                    st->dir, strerror(errno));
  }
  st->id_reserved = (int64_t)v;
  return 0;
}

/* A single change that fails hands out no id: it may be given again. */
static int end_one(att_store *st, int rc) { return end_write(st, rc, 0); }

/* The snapshot's event at ord, for att_store_get: by a read of its
 * record alone, unless it lies within 64 KiB after the last one got (a
 * scan in id order) or so many have been got that a page of the mapping
 * (64 KiB mapped a fault) serves several (one in 128 of the events, a
 * record being 200-500 bytes).  At 10M events, a list of the 3,834
 * events of a week and an actor: 262 ms through the mapping, 123 ms by
 * reads, 716 MB -> 480 MB peak RSS; at 1M a list of 200,000 by reads
 * alone took 15% longer than through the mapping. */
static int snap_get(att_store *st, uint64_t ord, const att__ident *e, att_event *out) {
  int mapped = (e->rec_off >= st->last_rec && e->rec_off - st->last_rec < 65536) ||
               ++st->ngot * 128 >= st->snap.h.count;
  st->last_rec = e->rec_off;
  return mapped ? att__snap_event(&st->snap, ord, out) : att__snap_event_read(&st->snap, ord, e, out);
}

/* The snapshot's position of id (-1 if none) and its id table entry: read
 * alone while few events have been got (as snap_get reads records: at
 * 10M events, the week's list of an actor spent half its 180 ms in page
 * faults of the id table, one or two per event looked up), else through
 * the mapping. */
static int64_t snap_find(att_store *st, int64_t id, att__ident *e) {
  const att__ident *m;
  int64_t ord;
  int rc;
  if ((st->ngot + 1) * 128 < st->snap.h.count) return att__snap_find_read(&st->snap, id, e);
  if ((ord = att__snap_find(&st->snap, id)) < 0) return ord;
  if ((rc = att__snap_ident(&st->snap, (uint64_t)ord, &m)) != 0) return rc;
  *e = *m;
  return ord;
}

static int find_live(att_store *st, int64_t id, att_event *out);

/* Is key used by an event other than id?  ATT_EEXISTS with a message. */
static int key_free(att_store *st, const char *key, int64_t id) {
  att__ov *e;
  int64_t ord = -1;
  if (!key) return 0;
  e = att__ov_find_key(&st->ov, key);
  if (e && e->id != id)
    return att__err(ATT_EEXISTS, "key \"%s\" is already used by event %lld; keys are unique", key, (long long)e->id);
  if (!e && (ord = att__snap_find_key(&st->snap, key)) < -1) return (int)ord;
  if (!e && ord >= 0) {
    const att__ident *o;
    int64_t other;
    int rc = att__snap_ident(&st->snap, (uint64_t)ord, &o);
    if (rc) return rc;
    other = o->id;
    if (other != id && !att__ov_find(&st->ov, other))
      return att__err(ATT_EEXISTS, "key \"%s\" is already used by event %lld; keys are unique", key,
                      (long long)other);
  }
  return 0;
}

/* Append a PUT of ev and apply it to the view. */
static int put(att_store *st, att_event *ev, int op) {
  char *json;
  uint32_t len;
  att_event copy;
  int rc;
  if ((rc = att__links_resolve(st, ev)) != 0) return rc;
  /* The one rule for records: the validator every stored record passes
   * when it is read, applied to the event exactly as it is stored (with
   * its id, rev and links resolved: a link to itself, or the same link
   * twice by id and by key, is refused here).  That the JSON written
   * reads back as this event is the writer's own property, fuzzed by
   * fuzz_event; fuzz_store reopens the store after every write. */
  if ((rc = att_event_validate(ev)) != 0) {
    if (rc == ATT_ENOMEM) return rc;
    return att__errctx(ATT_EINVAL, "event %lld was not written: it would not read back",
                       (long long)ev->id);
  }
  json = att_event_to_json(ev);
  st->epoch++;
  if (json && att__fault(ATT_FAULT_ALLOC)) {
    free(json);
    json = NULL;
  }
  if (!json) return att__err(ATT_ENOMEM, "out of memory writing event");
  len = (uint32_t)strlen(json);
  if ((rc = att_event_copy(&copy, ev)) != 0) {
    free(json);
    return rc;
  }
  if ((rc = change_add(st, op == ATT_CHANGE_RESTORE ? ATT_CHANGE_ADD : op, ev->id)) != 0) {
    att_event_free(&copy);
    free(json);
    return rc;
  }
  /* From here a failure leaves the journal and the view apart: the write
   * (or the batch) is abandoned. */
  rc = att__hist_meta(st);
  if (rc == 0) rc = append(st, ATT__R_PUT, st->in_batch ? 0 : ATT__RF_END, json, len);
  if (rc == 0) {
    char *hj = att__fault(ATT_FAULT_ALLOC) ? NULL : malloc(len + 1);
    if (!hj) rc = att__err(ATT_ENOMEM, "out of memory writing event");
    else {
      memcpy(hj, json, len + 1);
      rc = att__jh_add(st, op, ev->id, ev->rev, hj, len, st->wtx, st->author, st->reason, st->wbatch);
    }
  }
  if (rc) {
    att_event_free(&copy);
    free(json);
    st->broken = 1;
    return rc;
  }
  if ((rc = att__ov_put(&st->ov, ev->id, &copy, json, len)) != 0 || (rc = att__jh_note(st, ev->id)) != 0) {
    att_event_free(&copy);
    st->broken = 1;
    return rc;
  }
  if (ev->id >= st->next_id) st->next_id = ev->id + 1;
  return 0;
}

int att_store_add(att_store *st, att_event *ev) {
  int rc;
  if ((rc = writable(st)) != 0) return rc;
  /* Validated again, though every caller in the tree (the command line,
   * at.add, import) built ev with att_event_from_json or _cjson, which
   * validate: store.h promises it to any caller, who may fill an
   * att_event by hand, and the check must come before the key is looked
   * up and with the event's own message (put() checks once more, after
   * the id and links are set, and says "would not read back").  It costs
   * about 1.4 us an event, against the sync of a write. */
  if ((rc = att_event_validate(ev)) != 0) return rc;
  if ((rc = begin_one(st)) != 0) return rc;
  if ((rc = key_free(st, ev->key, 0)) == 0 && (!st->in_batch || (rc = reserve_id(st, st->next_id)) == 0)) {
    ev->id = st->next_id;
    ev->rev = 1;
    ev->created = ev->updated = now(st);
    rc = put(st, ev, ATT_CHANGE_ADD);
  }
  if ((rc = end_one(st, rc)) != 0) {
    /* Refused: the event was never stored, and carries no id that a
     * later add may get (an update through it would change that event). */
    ev->id = ev->rev = 0;
    ev->created = ev->updated = 0;
  }
  return rc;
}

int att_store_update(att_store *st, att_event *ev) {
  att_event cur;
  int64_t rev0 = ev->rev;
  att_time c0 = ev->created, u0 = ev->updated;
  int rc;
  if ((rc = writable(st)) != 0) return rc;
  /* Validated again for the reasons of att_store_add. */
  if ((rc = att_event_validate(ev)) != 0) return rc;
  if ((rc = begin_one(st)) != 0) return rc;
  if ((rc = find_live(st, ev->id, &cur)) == 0) {
    if (ev->rev != 0 && ev->rev != cur.rev)
      rc = att__err(ATT_ECONFLICT,
                    "event %lld was changed by someone else meanwhile (it is at revision %lld, "
                    "this change was made to revision %lld); read it again and redo the change",
                    (long long)ev->id, (long long)cur.rev, (long long)ev->rev);
    else if ((rc = key_free(st, ev->key, ev->id)) == 0) {
      /* An update that changes nothing is no change: no revision, no
       * entry in the history, no rule woken, held objects not stale.  ev
       * is then the stored event, its rev the same. */
      ev->rev = cur.rev;
      ev->created = cur.created;
      ev->updated = cur.updated;
      if (!att_event_equal(ev, &cur)) {
        ev->rev = cur.rev + 1;
        ev->updated = now(st);
        rc = put(st, ev, ATT_CHANGE_UPDATE);
      }
    }
    att_event_free(&cur);
  }
  if ((rc = end_one(st, rc)) != 0) {
    ev->rev = rev0; /* refused: as the caller gave it */
    ev->created = c0;
    ev->updated = u0;
  }
  return rc;
}

int att__store_put_restore(att_store *st, att_event *ev) {
  int64_t rev0 = ev->rev;
  att_time u0 = ev->updated;
  int rc;
  if ((rc = writable(st)) != 0) return rc;
  if ((rc = att_event_validate(ev)) != 0) return rc;
  if ((rc = begin_one(st)) != 0) return rc;
  if ((rc = key_free(st, ev->key, ev->id)) == 0) {
    ev->rev = rev0 + 1;
    ev->updated = now(st);
    if (ev->created == 0) ev->created = ev->updated;
    rc = put(st, ev, ATT_CHANGE_RESTORE);
  }
  if ((rc = end_one(st, rc)) != 0) {
    ev->rev = rev0;
    ev->updated = u0;
  }
  return rc;
}

int att_store_remove(att_store *st, int64_t id) {
  att_event cur;
  int rc;
  if ((rc = writable(st)) != 0) return rc;
  if ((rc = begin_one(st)) != 0) return rc;
  if ((rc = find_live(st, id, &cur)) == 0) {
    att_event_free(&cur);
    rc = change_add(st, ATT_CHANGE_REMOVE, id);
    if (rc == 0) rc = att__hist_meta(st);
    if (rc == 0) rc = append(st, ATT__R_DEL, st->in_batch ? 0 : ATT__RF_END, &id, 8);
    if (rc == 0)
      rc = att__jh_add(st, ATT_CHANGE_REMOVE, id, 0, NULL, 0, st->wtx, st->author, st->reason, st->wbatch);
    if (rc == 0) rc = att__ov_put(&st->ov, id, NULL, NULL, 0);
    if (rc == 0) rc = att__jh_note(st, id);
    if (rc) st->broken = 1;
  }
  return end_one(st, rc);
}

int att_store_begin(att_store *st) {
  int rc;
  if (st->in_batch) return att__err(ATT_EINVAL, "a batch is already open on store \"%s\"", st->dir);
  if ((rc = lock_write(st)) != 0) return rc;
  st->in_batch = 1;
  changes_clear(st);
  return 0;
}

int att_store_commit(att_store *st) {
  int rc;
  if (!st->in_batch) return att__err(ATT_EINVAL, "no batch is open on store \"%s\"", st->dir);
  if (st->broken) {
    att_store_rollback(st);
    return att__err(ATT_EIO, "the batch on store \"%s\" was abandoned after a failed write; nothing of it was kept", st->dir);
  }
  st->in_batch = 0;
  if (st->nrec_pending == 0) {
    unlock_write(st);
    return 0;
  }
  rc = att__links_check(st);
  if (rc == 0) rc = append(st, ATT__R_COMMIT, ATT__RF_END, "", 0);
  return end_write(st, rc, 1);
}

void att_store_rollback(att_store *st) {
  if (!st->in_batch) return;
  st->in_batch = 0;
  wabort(st, 1);
  unlock_write(st);
}

/* ---- reading ---------------------------------------------------------- */

static int find_live(att_store *st, int64_t id, att_event *out) {
  att__ov *e = att__ov_find(&st->ov, id);
  att__ident ent;
  int64_t ord;
  if (st->asof != ATT_TIME_MAX) {
    const char *j;
    size_t len;
    int rc = att_store_json(st, id, &j, &len);
    return rc ? rc : att_event_from_json(j, len, ATT_EV_STORED, out);
  }
  if (e) {
    if (e->deleted) return att__err(ATT_ENOTFOUND, "event %lld was removed", (long long)id);
    return att_event_copy(out, &e->ev);
  }
  ord = snap_find(st, id, &ent);
  if (ord < -1) return (int)ord;
  if (ord < 0) return att__err(ATT_ENOTFOUND, "no event with id %lld", (long long)id);
  return snap_get(st, (uint64_t)ord, &ent, out);
}

int att_store_get(att_store *st, int64_t id, att_event *out) {
  att_event_init(out);
  return find_live(st, id, out);
}

int att_store_get_key(att_store *st, const char *key, att_event *out) {
  att__ov *e;
  int64_t ord;
  att_event_init(out);
  if (st->asof != ATT_TIME_MAX) {
    int64_t id = 0;
    int rc = att__asof_key(st, key, &id);
    if (rc < 0) return rc;
    if (rc == 0) return att__err(ATT_ENOTFOUND, "no event with key \"%s\" as of that time", key);
    return find_live(st, id, out);
  }
  if ((e = att__ov_find_key(&st->ov, key)) != NULL) return att_event_copy(out, &e->ev);
  ord = att__snap_find_key(&st->snap, key);
  if (ord < -1) return (int)ord;
  if (ord >= 0) {
    const att__ident *o;
    int rc = att__snap_ident(&st->snap, (uint64_t)ord, &o);
    if (rc) return rc;
    if (!att__ov_find(&st->ov, o->id)) return snap_get(st, (uint64_t)ord, o, out);
  }
  return att__err(ATT_ENOTFOUND, "no event with key \"%s\"", key);
}

int att_store_lookup(att_store *st, const char *s, att_event *out) {
  const char *c = s;
  if (*c) {
    while (*c >= '0' && *c <= '9') c++;
    if (*c == '\0' && c - s <= 18) return att_store_get(st, strtoll(s, NULL, 10), out);
  }
  return att_store_get_key(st, s, out);
}

uint64_t att_store_count(att_store *st) {
  uint64_t n = st->snap.h.count;
  if (st->asof != ATT_TIME_MAX) {
    att_query q;
    int64_t *ids;
    size_t k;
    att_query_init(&q);
    q.sort = ATT_SORT_ID;
    if (att_store_query(st, &q, &ids, &k) != 0) return UINT64_MAX;
    free(ids);
    return k;
  }
  for (size_t i = 0; i < st->ov.n; i++) {
    int64_t ord = att__snap_find(&st->snap, st->ov.v[i].id);
    int insnap = ord >= 0;
    if (ord < -1) return UINT64_MAX; /* damage: the message is set */
    if (insnap && st->ov.v[i].deleted) n--;
    else if (!insnap && !st->ov.v[i].deleted) n++;
  }
  return n;
}

/* ---- compaction ------------------------------------------------------- */

typedef struct live_iter {
  att_store *st;
  att_event cur;    /* the snapshot event last read */
  uint64_t sord;    /* next snapshot position */
  uint64_t dropped, dropped_rec; /* given back up to here (att__snap_drop) */
  size_t oi;        /* next overlay entry (sorted) */
  att__ov **ov;     /* live overlay entries sorted by id */
  size_t nov;
} live_iter;

static int ov_cmp(const void *a, const void *b) {
  const att__ov *x = *(att__ov *const *)a, *y = *(att__ov *const *)b;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* Every live event in id order: the snapshot's merged with the overlay's.
 * A snapshot event is read from its record (checksum verified) and read
 * back under the one rule for records, and its index entries are made
 * from what it holds: nothing of the old indexes is carried over, so
 * damage there cannot pass into the new snapshot.  Returns 2 for such an
 * event (its strings live until the next call: the writer copies them),
 * 1 for an overlay event, 0 at the end. */
static int live_next(void *ud, att__snapin *in) {
  live_iter *it = ud;
  att__snap *s = &it->st->snap;
  const att__ident *e = NULL;
  int rc;
  for (; it->sord < s->h.count; it->sord++) {
    if ((rc = att__snap_ident(s, it->sord, &e)) != 0) return rc;
    if (!att__ov_find(&it->st->ov, e->id)) break;
  }
  if (it->sord < s->h.count && (it->oi >= it->nov || e->id < it->ov[it->oi]->id)) {
    uint64_t o = it->sord++;
    int64_t id = e->id;
    if (o - it->dropped >= 16384) {
      att__snap_drop(s, it->dropped, o, it->dropped_rec, e->rec_off);
      it->dropped = o;
      it->dropped_rec = e->rec_off;
    }
    if ((rc = att__snap_json(s, o, &in->json, &in->len)) != 0) return rc;
    att_event_free(&it->cur);
    if (att_event_from_json(in->json, in->len, ATT_EV_STORED, &it->cur) != 0)
      return att__errctx(ATT_ECORRUPT, "snapshot of \"%s\": stored event %lld does not read back",
                         it->st->dir, (long long)id);
    if (it->cur.id != id)
      return att__err(ATT_ECORRUPT,
                      "snapshot of \"%s\": the id table says %lld where the record holds event "
                      "%lld; nothing was changed (run 'attache fsck')",
                      it->st->dir, (long long)id, (long long)it->cur.id);
    att__snapin_event(in, &it->cur, in->json, in->len);
    /* Its history: as the old snapshot has it. */
    if ((rc = att__snap_vers(s, o, &in->v)) != 0) return rc;
    in->author = in->v.author == ATT__NOSTR ? NULL : att__snap_strat(s, in->v.author);
    in->reason = in->v.reason == ATT__NOSTR ? NULL : att__snap_strat(s, in->v.reason);
    return 2;
  }
  if (it->oi >= it->nov) return 0;
  {
    att__ov *e = it->ov[it->oi++];
    att__snapin_event(in, &e->ev, e->json, e->len);
    att__hist_snapin(it->st, e, in);
  }
  return 1;
}

/* Start the next generation's snapshot with every live event in it (the
 * snapshot's records copied, the overlay's added), leaving the writer open
 * for more: an import's events.  Under the lock. */
static int gen_begin(att_store *st, uint64_t extra, att__snapw **w) {
  char tmp[PATH_MAX];
  live_iter it;
  int rc;
  *w = NULL;
  memset(&it, 0, sizeof it);
  it.st = st;
  it.dropped_rec = st->snap.h.sect[ATT__S_RECS].off;
  att_event_init(&it.cur);
  if ((rc = pathof(st, tmp, "snapshot.tmp")) != 0) return rc;
  if (att__fault(ATT_FAULT_ALLOC) || !(it.ov = malloc((st->ov.n + 1) * sizeof *it.ov))) {
    rc = att__err(ATT_ENOMEM, "out of memory compacting");
    goto out;
  }
  for (size_t i = 0; i < st->ov.n; i++)
    if (!st->ov.v[i].deleted) it.ov[it.nov++] = &st->ov.v[i];
  qsort(it.ov, it.nov, sizeof *it.ov, ov_cmp);
  if ((rc = att__snapw_begin(tmp, &st->opts, att_store_count(st) + extra, w)) != 0) goto out;
  for (;;) {
    att__snapin in;
    int more = live_next(&it, &in);
    if (more == 0) break;
    /* An overlay event's strings stay valid until the view is unloaded:
     * no copies. */
    rc = more < 0 ? more : att__snapw_put(*w, &in, more == 2);
    if (rc) {
      att__snapw_abort(*w);
      *w = NULL;
      break;
    }
  }
out:
  att_event_free(&it.cur);
  free(it.ov);
  return rc;
}

/* Finish the new generation's snapshot and put it in place with an empty
 * journal, then read the store again.  Under the lock. */
static int gen_install(att_store *st, att__snapw *w) {
  char sp[PATH_MAX], st_[PATH_MAX], jp[PATH_MAX], jt[PATH_MAX];
  uint64_t gen = st->gen + 1; /* a prune may take more: its segments' */
  int rc;
  if ((rc = pathof(st, sp, "snapshot")) || (rc = pathof(st, st_, "snapshot.tmp")) ||
      (rc = pathof(st, jp, "journal")) || (rc = pathof(st, jt, "journal.tmp"))) {
    att__snapw_abort(w);
    return rc;
  }
  {
    /* The versions the journal replaced go into history segments,
     * written and synced before the snapshot that lists them. */
    att__segent *segs;
    size_t n;
    uint64_t next_seq;
    att_time last_tx;
    if ((rc = att__hist_manifest(st, &gen, &segs, &n, &next_seq, &last_tx)) != 0) {
      att__snapw_abort(w);
      goto out;
    }
    att__snapw_history(w, ATT__K_MAIN, next_seq, last_tx, segs, n);
    free(segs);
  }
  if ((rc = att__snapw_finish(w, gen, (uint64_t)st->next_id)) != 0) goto out;
  if ((rc = journal_create(jt, gen)) != 0) goto out;
  /* The snapshot's rename is the commit point; the journal follows. */
  if (att__fault(ATT_FAULT_RENAME) || rename(st_, sp) != 0) {
    rc = att__err(ATT_EIO, "compaction of \"%s\": cannot put the new files in place: %s", st->dir,
                  strerror(errno));
    goto out;
  }
  /* The new snapshot is in place: whatever fails from here, the view is
   * read again, or later writes would go to the journal it supersedes
   * (and be ignored at the next open). */
  if (att__fsync_dir(st->dir) != 0 || att__fault(ATT_FAULT_RENAME) || rename(jt, jp) != 0 ||
      att__fsync_dir(st->dir) != 0)
    rc = att__err(ATT_EIO, "compaction of \"%s\": cannot put the new files in place: %s", st->dir,
                  strerror(errno));
  unload(st);
  {
    int rc2 = load(st, 0);
    if (rc2 != 0) {
      st->poisoned = 1; /* no view left: refuse writes until reopened */
      if (rc == 0) rc = rc2;
    }
  }
  /* Segments the new snapshot no longer lists (taken into its new one). */
  if (rc == 0) att__hist_sweep(st);
out:
  unlink(st_);
  unlink(jt);
  return rc;
}

int att_store_compact(att_store *st) {
  att__snapw *w;
  int rc, was_locked = st->locked;
  att_time asof = st->asof;
  if (st->in_batch || st->imp) return att__err(ATT_EINVAL, "cannot compact inside a batch");
  st->asof = ATT_TIME_MAX; /* the present is what is compacted */
  if (!was_locked && (rc = lock_write(st)) != 0) {
    st->asof = asof;
    return rc;
  }
  if ((rc = gen_begin(st, 0, &w)) == 0) rc = gen_install(st, w);
  st->asof = asof;
  if (!was_locked) unlock_write(st);
  return rc;
}

int att_store_prune(att_store *st, att_time before, int dry_run, uint64_t *dropped, uint64_t *seq) {
  att__snapw *w;
  int rc, was_locked = st->locked;
  *dropped = 0;
  *seq = 0;
  if ((rc = writable(st)) != 0) return rc;
  if (st->in_batch || st->imp) return att__err(ATT_EINVAL, "cannot prune the history inside a batch");
  if (st->asof != ATT_TIME_MAX)
    return att__err(ATT_EINVAL, "cannot prune the history while reading as of a past time");
  if (!was_locked && (rc = lock_write(st)) != 0) return rc;
  if ((rc = att__prune_check(st, before, dropped)) == 0 && !dry_run) {
    st->prune_on = 1;
    st->prune_before = before;
    if ((rc = gen_begin(st, 0, &w)) == 0) rc = gen_install(st, w);
    st->prune_on = 0;
    if (rc == 0) {
      *dropped = st->prune_dropped;
      *seq = st->prune_seq;
    }
  }
  if (!was_locked) unlock_write(st);
  return rc;
}

/* ---- imports ---------------------------------------------------------- */

/*
 * A large import skips the journal: its events are written, after every
 * live event, straight into the next generation's snapshot, which the
 * commit puts in place (all or nothing, one sync, each event written
 * once).  A small one, against a large store, is an ordinary batch:
 * rewriting a million events for ten would cost more than it saves.
 */
#define IMPORT_BULK_MIN 4096u

int64_t att_store_next_id(const att_store *st) { return st->next_id; }

int att_store_import_begin(att_store *st, uint64_t hint) {
  int rc;
  if ((rc = writable(st)) != 0) return rc;
  if (st->in_batch || st->imp) return att__err(ATT_EINVAL, "a batch is already open on store \"%s\"", st->dir);
  st->imp_dup.a = 0;
  if (hint < IMPORT_BULK_MIN || hint < att_store_count(st) / 4) {
    st->imp_batch = 1;
    return att_store_begin(st);
  }
  if ((rc = lock_write(st)) != 0) return rc;
  if ((rc = gen_begin(st, hint, &st->imp)) != 0) {
    unlock_write(st);
    return rc;
  }
  st->imp_first = st->next_id;
  st->imp_seq = st->next_seq;
  st->wtx = now(st) > st->last_tx ? now(st) : st->last_tx;
  st->wbatch = st->next_seq;
  return 0;
}

int att_store_import_add(att_store *st, att_event *ev) {
  att__snapin in;
  char *json;
  int rc;
  if (st->imp_batch) return att_store_add(st, ev);
  if (!st->imp) return att__err(ATT_EINVAL, "no import is open on store \"%s\"", st->dir);
  if ((rc = att_event_validate(ev)) != 0) return rc;
  /* Against the store now; against the import's other events at the
   * commit (att__snapw_dupkey). */
  if (ev->key && (rc = key_free(st, ev->key, 0)) != 0) return rc;
  if ((rc = att__links_resolve(st, ev)) != 0) return rc;
  if ((rc = reserve_id(st, st->next_id)) != 0) return rc;
  ev->id = st->next_id;
  ev->rev = 1;
  ev->created = ev->updated = now(st);
  /* The one rule for records, as in put(). */
  if ((rc = att_event_validate(ev)) != 0) {
    ev->id = ev->rev = 0;
    if (rc == ATT_ENOMEM) return rc;
    return att__errctx(ATT_EINVAL, "event %lld was not imported: it would not read back",
                       (long long)st->next_id);
  }
  if ((rc = att__links_note(st, ev)) != 0) return rc;
  if (!(json = att_event_to_json(ev))) return att__err(ATT_ENOMEM, "out of memory writing event");
  att__snapin_event(&in, ev, json, (uint32_t)strlen(json));
  in.v.tx_from = st->wtx;
  in.v.seq_from = st->next_seq;
  in.v.batch = st->wbatch;
  in.author = st->author;
  in.reason = st->reason;
  rc = att__snapw_put(st->imp, &in, 1);
  free(json);
  if (rc == 0) {
    st->next_id++;
    st->next_seq++;
    if (st->wtx > st->last_tx) st->last_tx = st->wtx;
  }
  return rc;
}

static void import_end(att_store *st) {
  st->imp = NULL;
  wreset(st);
  free(st->imp_links);
  st->imp_links = NULL;
  st->nimp_links = st->cimp_links = 0;
  unlock_write(st);
}

void att_store_import_abort(att_store *st) {
  if (st->imp_batch) {
    st->imp_batch = 0;
    att_store_rollback(st);
    return;
  }
  if (!st->imp) return;
  att__snapw_abort(st->imp);
  {
    /* The ids were handed out: never again.  The import's id
     * reservations in the journal are cut off, replaced by that mark. */
    int64_t hw = st->next_id;
    st->next_id = st->imp_first;
    st->next_seq = st->imp_seq; /* nothing of it was kept */
    if ((st->wpos_flushed || st->wtorn) &&
        (att__fault(ATT_FAULT_TRUNC) || ftruncate(st->jfd, (off_t)st->batch_start) != 0))
      st->poisoned = 1;
    wreset(st);
    if (st->poisoned || mark_next_id(st, hw) != 0) st->next_id = hw;
  }
  import_end(st);
}

/* English ordinal suffix: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st. */
static const char *ordsuf(long long n) {
  if (n % 100 >= 11 && n % 100 <= 13) return "th";
  return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

int att_store_import_dup(const att_store *st, uint64_t *a, uint64_t *b, const char **key) {
  if (!st->imp_dup.a) return 0;
  *a = (uint64_t)(st->imp_dup.a - st->imp_first + 1);
  *b = (uint64_t)(st->imp_dup.b - st->imp_first + 1);
  *key = st->imp_dup.key;
  return 1;
}

int att_store_import_commit(att_store *st) {
  int64_t first = st->imp_first, last;
  int rc;
  if (st->imp_batch) {
    st->imp_batch = 0;
    return att_store_commit(st);
  }
  if (!st->imp) return att__err(ATT_EINVAL, "no import is open on store \"%s\"", st->dir);
  last = st->next_id;
  if ((rc = att__links_check_import(st, first, last)) != 0) {
    att_store_import_abort(st);
    return rc;
  }
  /* Keys given twice in the import: found when the keys are sorted, and
   * refused before anything is written. */
  att__snapw_dupkey(st->imp, &st->imp_dup);
  if ((rc = att__snapw_keys(st->imp)) != 0) {
    if (rc == ATT_EEXISTS && st->imp_dup.a >= first)
      rc = att__err(ATT_EEXISTS,
                    "key \"%s\" is given to two events of this import (the %lld%s and the %lld%s added); "
                    "keys are unique; nothing was imported",
                    st->imp_dup.key, (long long)(st->imp_dup.a - first + 1), ordsuf(st->imp_dup.a - first + 1),
                    (long long)(st->imp_dup.b - first + 1), ordsuf(st->imp_dup.b - first + 1));
    else st->imp_dup.a = 0;
    att_store_import_abort(st);
    return rc;
  }
  st->imp_dup.a = 0;
  rc = gen_install(st, st->imp);
  if (rc != 0 && st->locked && !st->poisoned && mark_next_id(st, last) != 0) st->next_id = last;
  import_end(st);
  if (rc == 0 && st->opts.change)
    for (int64_t id = first; id < last; id++) st->opts.change(st->opts.ud, ATT_CHANGE_ADD, id, NULL, 0);
  return rc;
}
