/*
 * Undo, revert and restore (docs/history.md, "Undo, revert, restore"):
 * the changes that reverse recorded changes of the store, worked out as a
 * plan that can be shown before it is applied, and applied as one write.
 *
 * A plan reverses a set of changes (one change, or a whole write: the
 * changes sharing a batch).  For each event they touched it holds one
 * step: an add (or a restore) is undone by removing the event; an update
 * by writing back, as a new revision, the state the event had before the
 * first change of the set; a remove by restoring that state with the same
 * id, key and links.  History is append-only: nothing is erased, and the
 * reversal is itself recorded, so it can be reversed in turn (a redo).
 *
 * A plan is refused (ATT_ECONFLICT, with a message naming them) when:
 * - a later change, not in the set, touched one of the events (revert it
 *   first);
 * - an event to remove is linked from events that stay;
 * - a state to bring back holds a key another event has taken since, or
 *   links to an event that is removed now.
 * What a plan cannot bring back without asking is said in its notes: the
 * links of other events to a restored event that a forced removal dropped
 * (unless their changes are part of the set).
 */
#ifndef ATT_REVERT_H
#define ATT_REVERT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* What the reversal does to one event. */
typedef struct att_revert_step {
  int op;              /* ATT_CHANGE_REMOVE, _UPDATE or _RESTORE */
  int64_t id;          /* the event */
  uint64_t first, last; /* the first and last change of the set to it */
  int64_t cur_rev;     /* its revision now (the removed one when removed) */
  int64_t to_rev;      /* the revision whose state comes back (0: remove) */
  char *cur_json;      /* its stored JSON now (NULL when removed) */
  size_t cur_len;
  char *json;          /* the state written back (NULL for a removal) */
  size_t len;
  /* After att_revert_apply: the change that did it and the revision made
   * (0 for a removal). */
  uint64_t new_seq;
  int64_t new_rev;
} att_revert_step;

typedef struct att_reversal {
  att_change *changes; /* the changes reversed, oldest first */
  size_t nchanges;
  att_revert_step *steps; /* one per event, in the order of its first change */
  size_t nsteps;
  char **notes;        /* what is not brought back, in sentences */
  size_t nnotes;
  char reason[160];    /* the default reason: "revert of change 42" */
  uint64_t new_batch;  /* after att_revert_apply: the write's first change */
} att_reversal;

void att_reversal_init(att_reversal *r);
void att_reversal_free(att_reversal *r);

/* The plan that reverses changes seqs[0..n) (any order; duplicates are
 * ignored).  ATT_ENOTFOUND for a change number that does not exist (the
 * message says which is the newest), ATT_ECONFLICT as above, ATT_EINVAL
 * for a change that cannot be reversed (a prune of history).  r is
 * initialised here; free it with att_reversal_free whatever the result. */
int att_revert_plan(att_store *st, const uint64_t *seqs, size_t n, att_reversal *r);
/* The plan that reverses the whole write change seq belongs to. */
int att_revert_plan_batch(att_store *st, uint64_t seq, att_reversal *r);
/* Undo: the plan that reverses the newest write made by author (NULL or
 * "": the writes of unknown authors).  Only the newest: if that write was
 * itself an undo, this plan redoes what it undid.  ATT_ENOTFOUND when the
 * author made no write. */
int att_undo_plan(att_store *st, const char *author, att_reversal *r);
/* Restore: the plan that brings removed event id back (it reverses the
 * change that removed it, alone).  ATT_EEXISTS when the event is live,
 * ATT_ENOTFOUND when no event ever had that id. */
int att_restore_plan(att_store *st, int64_t id, att_reversal *r);

/* Apply a plan as one write (att_store_begin .. commit) with reason (NULL:
 * r->reason), then clear the store's reason (att_store_set_reason NULL).
 * A failure rolls the whole write back: nothing changes.  On success the
 * steps' new_seq and new_rev, and r->new_batch, are filled. */
int att_revert_apply(att_store *st, att_reversal *r, const char *reason);

#endif
