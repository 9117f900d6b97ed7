/*
 * The store: a directory holding every event, safe against crashes and
 * shared by several processes.  docs/store.md describes the files.
 *
 * Reads come from an immutable snapshot that is mapped, not parsed, with
 * the journal written since that snapshot replayed over it.  Every change
 * is appended to the journal and on disk (fdatasync) before the call
 * returns; a batch (att_store_begin .. att_store_commit) shares one sync and
 * is all-or-nothing.  Writers take an exclusive lock on the store; readers
 * take none and pick up what others appended with att_store_refresh().
 */
#ifndef ATT_STORE_H
#define ATT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

typedef struct att_store att_store;

enum {
  ATT_OPEN_READ = 0,   /* read-only: no lock, no writes */
  ATT_OPEN_WRITE = 1,  /* writes allowed (the lock is taken per write) */
  /* With WRITE: a write never compacts the store by itself, however long
   * the journal grows; the owner checks att_store_compact_due and
   * compacts elsewhere (the daemon runs `attache compact` in a child). */
  ATT_OPEN_NO_AUTOCOMPACT = 2
};

/* RESTORE: a removed event put back with its id (att_store_restore); the
 * change callback reports it as an ADD. */
enum { ATT_CHANGE_ADD = 1, ATT_CHANGE_UPDATE, ATT_CHANGE_REMOVE, ATT_CHANGE_RESTORE };

typedef struct att_store_opts {
  int flags; /* ATT_OPEN_* */
  /* Recovery and maintenance messages ("journal: dropped ..."). */
  void (*notice)(void *ud, const char *msg);
  /* Long work (compaction, import): done of total units of `what`. */
  void (*progress)(void *ud, const char *what, uint64_t done, uint64_t total);
  /* Each committed change, made here or seen by att_store_refresh(), in
   * order.  old_json is the event's stored JSON before the change (NULL
   * for an add), valid during the call; the new state is what
   * att_store_get / att_store_json read now. */
  void (*change)(void *ud, int op, int64_t id, const char *old_json, size_t old_len);
  /* The clock for created/updated (NULL: the system clock). */
  att_time (*now)(void *ud);
  void *ud;
  /* How long a write waits for another writer to release the store, in
   * milliseconds: 0 is the default (30 s), negative waits without end.
   * Past it the write fails with ATT_EBUSY naming the holder. */
  int lock_wait_ms;
  /* Who this process is, for the message another writer gets while this
   * one holds the lock ("attache serve"); NULL: only the pid. */
  const char *who;
  /* Asked while a write waits for the lock (about every 50 ms, with ud):
   * nonzero gives up at once with ATT_EBUSY (a script past its time
   * limit, a stop signal).  NULL: wait the whole lock_wait_ms. */
  int (*cancel)(void *ud);
  /* Who makes this process's changes, kept with each (docs/history.md):
   * NULL is "unknown".  att_store_set_author changes it later. */
  const char *author;
} att_store_opts;

/* Create an empty store in dir (created with mode 0700 if missing; an
 * existing empty directory is made private).  An existing store is
 * ATT_EEXISTS. */
int att_store_init(const char *dir);
/* The same with ATT_INIT_FORCE: an existing directory that is not empty
 * or that others can write is used anyway (made private, 0700).  Without
 * it such a directory is refused (ATT_EINVAL), as is one of another user. */
enum { ATT_INIT_FORCE = 1 };
int att_store_init_ex(const char *dir, int flags);
int att_store_open(const char *dir, const att_store_opts *opts, att_store **out);
void att_store_close(att_store *st);
const char *att_store_dir(const att_store *st);

/* Writes.  On success the change is on disk (or, inside a batch, will be
 * on commit).  add assigns id, rev 1, created and updated; update keeps id
 * and created, bumps rev and sets updated.  Key collisions are ATT_EEXISTS. */
int att_store_add(att_store *st, att_event *ev);
int att_store_update(att_store *st, att_event *ev);
int att_store_remove(att_store *st, int64_t id);

/* Links (docs/events.md): every link of an event names an existing,
 * other event; links given by key are stored as the id the key names.
 * This is checked when a write commits, so a batch may write an event and
 * the one it links to in any order.  A removal of an event that others
 * link to fails with ATT_ELINKED, naming them; att_store_remove_force
 * drops those links and removes the event in one write. */
int att_store_remove_force(att_store *st, int64_t id);
/* Every link of a live event to id: malloc'd (free it). */
struct att_linker {
  int64_t from, to;
  char rel[16];
};
int att_store_linkers(att_store *st, int64_t id, struct att_linker **out, size_t *n);

/* Batches: one lock, one sync, all or nothing. */
int att_store_begin(att_store *st);
int att_store_commit(att_store *st);
void att_store_rollback(att_store *st);

/* Imports: many adds, all or nothing, one sync.  `hint` is how many
 * events are coming; a large import (thousands, and a quarter of the store
 * or more) is written straight into a new snapshot instead of the journal.
 * import_add validates and assigns ids like att_store_add; its changes are
 * reported (opts.change) at commit.  Nothing else may be written on st
 * while an import is open. */
int att_store_import_begin(att_store *st, uint64_t hint);
/* The id the next event added will get.  While the caller holds the write
 * lock (an open import or batch) ids are given in sequence from it, so an
 * importer can map the ids of its file to new ones before adding anything,
 * forward links included. */
int64_t att_store_next_id(const att_store *st);
int att_store_import_add(att_store *st, att_event *ev);
/* A key already held in the store is refused by import_add; a key given
 * to two events of a large import is found by the commit, which then
 * fails with ATT_EEXISTS (nothing imported), and import_dup gives which
 * two events gave it, by their rank in the import (1 for the first event
 * added), and the key (valid until st is closed): 1, or 0 when the last
 * commit on st failed otherwise (or did not fail). */
int att_store_import_commit(att_store *st);
int att_store_import_dup(const att_store *st, uint64_t *a, uint64_t *b, const char **key);
void att_store_import_abort(att_store *st);

/* Reads.  ATT_ENOTFOUND when absent. */
int att_store_get(att_store *st, int64_t id, att_event *out);
int att_store_get_key(att_store *st, const char *key, att_event *out);
/* "42" is an id, anything else a key. */
int att_store_lookup(att_store *st, const char *id_or_key, att_event *out);
/* Number of live events; UINT64_MAX, with a message, when a damaged block
 * of the snapshot's id table keeps it from being counted. */
uint64_t att_store_count(att_store *st);

enum {
  ATT_SORT_WHEN = 0, /* earliest, then latest, then id */
  ATT_SORT_ID,
  ATT_SORT_TITLE,
  ATT_SORT_CREATED,
  ATT_SORT_UPDATED,
  ATT_SORT_KIND,
  ATT_SORT_STATUS,
  ATT_SORT_KEY
};

typedef struct att_query {
  att_time from, to; /* overlap with [earliest, latest]; MIN/MAX when unset */
  const char *const *actors; size_t nactors; /* every one must be listed */
  const char *const *tags; size_t ntags;     /* every one must be listed */
  const char *kind;   /* NULL = any */
  const char *status; /* NULL = any */
  const char *text;   /* words, case-insensitive, all must appear in
                         title, notes, where, key or people names */
  int sort;           /* ATT_SORT_* */
  int desc;
  size_t limit;       /* 0 = no limit */
  int collate;        /* strings sort in the locale's collation (strcoll),
                         not bytewise: for people (attache list) */
  int recurring;      /* also the events that recur and start by `to`,
                         whatever their span: the candidates of the
                         occurrences in [from, to] (att_occur_candidates) */
  int unordered;      /* the matches in any order (no sort): the caller
                         only counts them (with `limit`, any `limit` of
                         them) */
  int within;         /* ATT_WITHIN_*: what of the event [from, to] meets */
  int recurs_only;    /* only the events with a recur rule (a snapshot of
                         format 4 or later: att_occur_count) */
} att_query;

/* att_query.within: the events whose dates overlap [from, to] (the
 * default), or whose earliest instant (their start, at its earliest) or
 * latest (their end, at its latest) lies in it: the anchors of
 * reminders, read from the time index without the long periods and
 * whole years that merely overlap. */
enum { ATT_WITHIN_OVERLAP = 0, ATT_WITHIN_START, ATT_WITHIN_END };

void att_query_init(att_query *q);
/* Ids of matching events, in order.  *ids is malloc'd (free it). */
int att_store_query(att_store *st, const att_query *q, int64_t **ids, size_t *n);
/* As att_store_query, with each match's dates in *bounds (malloc'd, free
 * it; NULL on failure): from the indexes, not the events. */
int att_store_query_bounds(att_store *st, const att_query *q, int64_t **ids, att_bounds **bounds,
                           size_t *n);
/* How many events q matches (at most its limit), without listing them:
 * no ids built, nothing sorted (the events, not occurrences). */
int att_store_count_query(att_store *st, const att_query *q, size_t *n);

/* Pick up what other processes appended (and reload after their
 * compaction).  Calls opts.change for each change seen.  Returns the number
 * of changes seen, or a negative code. */
int att_store_refresh(att_store *st);

/* Fold the journal into a new snapshot.  Done automatically after a commit
 * when the journal is long (unless ATT_OPEN_NO_AUTOCOMPACT); callable by
 * hand. */
int att_store_compact(att_store *st);
/* 1 when the journal st has read is long enough for a compaction (4096
 * records or 16 MiB), else 0. */
int att_store_compact_due(const att_store *st);

/* Open the file `name` of the store directory dir (the daemon's lock and
 * state, the alert log) as open(2) would with flags and mode, but never
 * through a symbolic link; with O_EXCL whatever stood at the name is
 * removed first (a temporary file made afresh).  The descriptor, or a
 * negative code with a message naming the file. */
int att_store_file(const char *dir, const char *name, int flags, int mode);
/* Is path (a file, existing or not: then its directory decides) inside
 * the store directory dir?  Its files are attache's alone: what writes
 * for a user (export -o, a script's io.open) refuses them. */
int att_store_dir_holds(const char *dir, const char *path);

/* Check every record of the store, reporting through opts->notice; never
 * writes.  0 if intact (an unfinished write at the journal's end is
 * reported, and is what opening recovers from), ATT_ECORRUPT if damaged. */
int att_store_verify(const char *dir, const att_store_opts *opts);
/* Copy every intact event of the store in dir into a new store at dst
 * (which must not exist), keeping ids, revisions and timestamps; report
 * what is lost through opts->notice.  Returns the number of events copied,
 * or a negative code.  Never writes to dir. */
int att_store_salvage(const char *dir, const char *dst, const att_store_opts *opts);

/* ---- history (core/history.c, docs/history.md) ------------------------ */

/* Every change is kept: its number (seq: 1, 2, ... in commit order, never
 * reused), its transaction time (the store's clock, never going back),
 * its author and reason, and the event's state before and after.
 * Compaction keeps it.  A write's changes share one time, author, reason
 * and batch (the seq of its first change). */

/* While on, a write that finds the store held by another writer fails
 * at once with ATT_EBUSY instead of waiting lock_wait_ms: a server's
 * request must not hold its loop while another process (an import, a
 * compaction) writes.  Returns the previous setting. */
int att_store_set_nowait(att_store *st, int on);

/* While on, a commit writes its records to the journal but leaves their
 * sync to disk to the caller, who makes them durable before it
 * acknowledges them: it takes a descriptor of the journal with
 * att_store_sync_take and calls fdatasync on it, on any thread.  A server
 * syncs on a worker thread, off its loop, and the writes made meanwhile
 * share the next sync (group commit).  Other processes read the records
 * at once, as they always could between a write and its sync; a later
 * sync of the journal by anyone, or a compaction (which syncs what it
 * read), makes them durable too.  Returns the previous setting. */
int att_store_set_lazy_sync(att_store *st, int on);
/* *fd: a descriptor of the journal (the caller's, to close) if commits
 * since the last call await their sync, else -1.  Syncing it makes every
 * one of them durable.  0, or an error code. */
int att_store_sync_take(att_store *st, int *fd);
/* The caller's sync failed: what it covered is uncertain, so the store
 * refuses writes until it is reopened, as after a failed sync of its own. */
void att_store_sync_failed(att_store *st);
/* Sync here, on this thread, what lazy commits left unsynced: 0 (also
 * when there was nothing), or ATT_EPOISONED as a failed sync of a commit. */
int att_store_sync(att_store *st);

/* What the store lets go of when it reads its files again (after a
 * compaction by any process, and when it closes): the replaced snapshot,
 * journal and history segments, and what it had read from the journal.
 * Freeing it takes time that grows with the journal and the snapshot:
 * 20 to 30 ms after a compaction of 100,000 events here, most of it
 * freeing the journal's events one by one, and the last close of a
 * replaced snapshot, which frees its blocks.  With a release function
 * set, the store hands it over instead, and the function frees it with
 * att_garbage_free, on any thread (it shares nothing with the store): a
 * server does it on a worker thread, off its loop.  NULL (the default):
 * freed at once.  Clear it before att_store_close if fn needs something
 * that is gone by then. */
typedef struct att_garbage att_garbage;
typedef void (*att_release_fn)(void *ud, att_garbage *g);
void att_store_set_release(att_store *st, att_release_fn fn, void *ud);
void att_garbage_free(att_garbage *g);

/* Who makes the writes that follow on st, and why (NULL: unknown / none);
 * copied.  Kept until changed. */
int att_store_set_author(att_store *st, const char *author);
int att_store_set_reason(att_store *st, const char *reason);

typedef struct att_change {
  uint64_t seq;    /* the change's number */
  uint64_t batch;  /* the seq of the first change of its write */
  att_time tx;     /* when it was committed */
  int op;          /* ATT_CHANGE_* */
  int64_t id;      /* the event */
  int64_t rev;     /* the revision it made; for a remove, the one removed */
  char *author;    /* malloc'd; "" when unknown */
  char *reason;    /* malloc'd; "" when none given */
} att_change;

typedef struct att_change_filter {
  int64_t id;          /* 0: every event */
  const char *author;  /* NULL: anyone */
  att_time since;      /* tx >= since (ATT_TIME_MIN: from the start) */
  att_time until;      /* tx <= until (ATT_TIME_MAX: to now) */
  uint64_t below;      /* seq < below (0: no bound): for paging */
  size_t limit;        /* 0: all */
  int oldest_first;    /* 0: newest first */
} att_change_filter;
void att_change_filter_init(att_change_filter *f);
/* The word for a change's op: "add", "update", "remove", "restore",
 * "prune" ("change" for any other). */
const char *att_change_op_name(int op);

/* The changes that pass f.  *out is malloc'd: free with att_changes_free. */
int att_store_changes(att_store *st, const att_change_filter *f, att_change **out, size_t *n);
void att_changes_free(att_change *v, size_t n);
/* One change by its number: ATT_ENOTFOUND if there is none (or it was
 * pruned). */
int att_store_change(att_store *st, uint64_t seq, att_change *out);

/* The stored JSON of event id at revision rev (any revision ever written,
 * removed events included), malloc'd and NUL-terminated. */
int att_store_version(att_store *st, int64_t id, int64_t rev, char **json, size_t *len);
/* The event's state just before change seq (NULL, 0 for an add) and just
 * after it (NULL, 0 for a remove), malloc'd. */
int att_store_change_states(att_store *st, uint64_t seq, char **before, size_t *blen,
                            char **after, size_t *alen);

/* As-of reads: after att_store_asof(st, t), every read of st (get, get_key,
 * lookup, json, query, count) answers from what the store held at
 * transaction time t (the state after every change with tx <= t);
 * ATT_TIME_MAX is the present again.  Writes fail while it is set. */
int att_store_asof(att_store *st, att_time t);
att_time att_store_asof_time(const att_store *st);

/* Put a removed event back, with its id (ev->id), links and key: the
 * change is a RESTORE, its revision one past the removed one.  ev holds
 * the state to restore (usually its last version).  ATT_EEXISTS if the
 * event is live, ATT_ENOTFOUND if the id was never used. */
int att_store_restore(att_store *st, att_event *ev);

/*
 * Drop the history older than `before` (`attache history prune`,
 * docs/history.md): the versions replaced before it, and the removals
 * made before it, go; every read as of `before` or later answers as it
 * did, and reads as of an earlier time are refused.  The prune is itself
 * a change (ATT_CHANGE_PRUNE, event 0, by the handle's author, with its
 * reason), kept like any other; it compacts the store.  `before` must be
 * later than the last prune's and not in the future (ATT_EINVAL).  With
 * dry_run nothing changes.  *dropped: versions dropped (or that would
 * be); *seq: the prune's change (0 on a dry run).
 */
enum { ATT_CHANGE_PRUNE = 5 };
int att_store_prune(att_store *st, att_time before, int dry_run, uint64_t *dropped, uint64_t *seq);
/* Has the history been pruned: 1 with the bound (reads as of an earlier
 * time are refused) and the last prune's change, 0 if never, or an
 * error. */
int att_store_pruned(att_store *st, att_time *before, uint64_t *seq);

/* ---- cheap reads (core/store_read.c) ---------------------------------- */

/* The stored JSON text of live event id (compact, as att_event_to_json
 * writes it; not NUL-terminated), without parsing it.  The text belongs to
 * the store and stays valid until the next write, refresh, compaction or
 * close of st.  ATT_ENOTFOUND when absent, ATT_ECORRUPT when its checksum
 * fails. */
int att_store_json(att_store *st, int64_t id, const char **json, size_t *len);
/* The same text copied into *buf (grown with realloc to *cap bytes; the
 * caller frees it), read from the snapshot's file with one read: for a
 * reader of events scattered over a large store (the daemon planning
 * reminders), where a first touch of each record's page of the mapping
 * costs a page fault (20-25 us here) and maps 64 KiB around it. */
int att_store_json_copy(att_store *st, int64_t id, char **buf, size_t *cap, size_t *len);
/* A hint from a reader that calls att_store_json for ids[0..n) in turn,
 * now for ids[0]: the store starts fetching into the cache what the next
 * few reads will need.  Changes nothing, never fails. */
void att_store_readahead(const att_store *st, const int64_t *ids, size_t n);
/* A number that changes whenever text from att_store_json may have been
 * freed (a write, a refresh, a rollback, a compaction): a caller that did
 * something in between which could touch the store (run a finalizer, say)
 * compares it before using the text. */
uint64_t att_store_epoch(const att_store *st);
/* 1 while a batch (att_store_begin .. commit/rollback) is open on st. */
int att_store_in_batch(const att_store *st);

#endif
