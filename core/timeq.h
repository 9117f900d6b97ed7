/*
 * The engine's queue of due times, and its clock.
 *
 * The daemon keeps every pending schedule, reminder and timer in one
 * att_timeq, ordered by due time and, for equal times, by the order in
 * which entries were added or re-planned, so that a run is deterministic.
 * The clock is real or simulated; a simulated clock jumps from one due
 * entry to the next as fast as the work allows, so both run the same
 * code.  libuv only wakes the loop after the delay att_clock_plan gives.
 */
#ifndef ATT_TIMEQ_H
#define ATT_TIMEQ_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"

/* A stable reference to a queued entry; 0 is never a valid handle.  A
 * handle goes stale when its entry is popped or removed, and is then
 * refused (ATT_ENOTFOUND), never mistaken for a newer entry. */
typedef uint64_t att_timeq_handle;

typedef struct att_timeq_item {
  att_time due;
  uint64_t seq; /* order of add/re-plan: earlier first among equal dues */
  int kind;     /* the caller's: schedule, reminder, timer, ... */
  uint64_t id;  /* the caller's */
  void *data;   /* the caller's, never touched */
  att_timeq_handle handle;
} att_timeq_item;

struct att__timeq_slot; /* internal */
struct att__timeq_node; /* internal */

typedef struct att_timeq {
  struct att__timeq_slot *slots; /* entries, by slot number */
  struct att__timeq_node *heap;  /* (due, seq, slot), a binary min-heap */
  uint32_t n;                    /* entries queued */
  uint32_t nslots, cap;          /* slots in use or free, and allocated */
  uint32_t free_head;            /* first free slot + 1, 0 if none */
  uint64_t next_seq;
} att_timeq;

void att_timeq_init(att_timeq *q);
void att_timeq_free(att_timeq *q); /* the data pointers are not freed */
size_t att_timeq_size(const att_timeq *q);

/* Queue an entry; *h (if not NULL) receives its handle.  ATT_ENOMEM. */
int att_timeq_add(att_timeq *q, att_time due, int kind, uint64_t id,
                  void *data, att_timeq_handle *h);
/* The earliest entry, left in place; ATT_ENOTFOUND when empty. */
int att_timeq_peek(const att_timeq *q, att_timeq_item *out);
/* Take the earliest entry out; ATT_ENOTFOUND when empty. */
int att_timeq_pop(att_timeq *q, att_timeq_item *out);
/* Take the earliest entry out if it is due at or before `now`;
 * ATT_ENOTFOUND when nothing is due. */
int att_timeq_pop_due(att_timeq *q, att_time now, att_timeq_item *out);
/* Take out the entry of handle h (O(log n)); *out (if not NULL) receives
 * it.  ATT_ENOTFOUND for a stale or unknown handle. */
int att_timeq_remove(att_timeq *q, att_timeq_handle h, att_timeq_item *out);
/* Move the entry of handle h to a new due time.  It takes a new sequence
 * number, as if added now: among entries due at the same time it comes
 * after those already queued.  The handle stays valid. */
int att_timeq_replan(att_timeq *q, att_timeq_handle h, att_time due);
/* Read the entry of handle h without changing it. */
int att_timeq_get(const att_timeq *q, att_timeq_handle h, att_timeq_item *out);

/* ---- the clock ---- */

enum { ATT_CLOCK_REAL = 1, ATT_CLOCK_SIM };

typedef struct att_clock {
  int mode;
  att_time now;   /* simulated: the current instant; real: last reading */
  att_time until; /* simulated: where the run ends (inclusive) */
} att_clock;

/* What the driver should do next (att_clock_plan). */
enum {
  ATT_CLOCK_RUN = 1, /* entries are due: pop them with att_timeq_pop_due */
  ATT_CLOCK_WAIT,    /* real clock: sleep *wait_ms, or until woken */
  ATT_CLOCK_IDLE,    /* real clock, empty queue: wait for outside events */
  ATT_CLOCK_DONE     /* simulated clock: nothing due up to `until` */
};

/* The wall clock (CLOCK_REALTIME), in seconds and in milliseconds: the
 * one way attache reads it.  Not time(NULL): on Linux that reads the
 * kernel's coarse copy of the clock, a tick behind clock_gettime and
 * date(1) for a few milliseconds after each second begins, so a change
 * made then was stamped with the second before (tests/unit/test_wallclock.c;
 * tests/layout.sh keeps time(NULL) out of the tree). */
att_time att_time_now(void);
int64_t att_time_now_ms(void);

void att_clock_init_real(att_clock *c);
/* A simulated clock from `start` to `until` (ATT_TIME_MAX: until the
 * queue is empty).  ATT_EINVAL if until < start. */
int att_clock_init_sim(att_clock *c, att_time start, att_time until);
/* The engine's now: the simulated instant, or the system's (UTC). */
att_time att_clock_now(att_clock *c);
/*
 * Decide the next step.  Simulated: if the earliest entry is due by
 * `until`, move now forward to it (never backwards) and return RUN;
 * otherwise move now to `until` (when finite) and return DONE.  Real: read
 * the system clock; RUN if the earliest entry is due, else WAIT with the
 * delay in milliseconds (rounded up, at most one hour so that a changed
 * system clock is noticed) or IDLE when the queue is empty.  wait_ms may
 * be NULL.
 */
int att_clock_plan(att_clock *c, const att_timeq *q, int64_t *wait_ms);

#endif
