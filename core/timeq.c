/*
 * The queue of due times: a binary min-heap of slot numbers over an array
 * of slots.  A slot knows its place in the heap, so an entry can be removed
 * or re-planned through its handle in O(log n); the handle carries the
 * slot's generation, so a handle kept after its entry left the queue is
 * recognised as stale instead of reaching whatever reused the slot.
 * Entries are ordered by (due, seq); seq grows with every add and re-plan,
 * which makes equal due times first-in first-out and every run repeatable.
 * The heap holds copies of (due, seq) next to the slot number, so that
 * sifting compares neighbouring memory instead of chasing slots.
 */
#include "timeq.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"

#define NOPOS UINT32_MAX
#define SLOTS_MAX (UINT32_MAX / 2)

struct att__timeq_node {
  att_time due;
  uint64_t seq;
  uint32_t slot;
};

struct att__timeq_slot {
  uint64_t id;
  void *data;
  int kind;
  uint32_t pos;  /* index in heap[], NOPOS when free */
  uint32_t gen;  /* bumped when the slot is freed */
  uint32_t next; /* next free slot + 1, while free */
};

typedef struct att__timeq_slot slot;
typedef struct att__timeq_node node;

void att_timeq_init(att_timeq *q) { memset(q, 0, sizeof *q); }

void att_timeq_free(att_timeq *q) {
  free(q->slots);
  free(q->heap);
  memset(q, 0, sizeof *q);
}

size_t att_timeq_size(const att_timeq *q) { return q->n; }

static int before(const node *x, const node *y) {
  return x->due < y->due || (x->due == y->due && x->seq < y->seq);
}

static void place(att_timeq *q, uint32_t i, const node *nd) {
  q->heap[i] = *nd;
  q->slots[nd->slot].pos = i;
}

static void sift_up(att_timeq *q, uint32_t i) {
  node nd = q->heap[i];
  while (i > 0) {
    uint32_t parent = (i - 1) / 2;
    if (!before(&nd, &q->heap[parent])) break;
    place(q, i, &q->heap[parent]);
    i = parent;
  }
  place(q, i, &nd);
}

static void sift_down(att_timeq *q, uint32_t i) {
  node nd = q->heap[i];
  for (;;) {
    uint32_t c = 2 * i + 1;
    if (c >= q->n) break;
    if (c + 1 < q->n && before(&q->heap[c + 1], &q->heap[c])) c++;
    if (!before(&q->heap[c], &nd)) break;
    place(q, i, &q->heap[c]);
    i = c;
  }
  place(q, i, &nd);
}

/* Restore the order around position i after its key changed. */
static void fix(att_timeq *q, uint32_t i) {
  if (i > 0 && before(&q->heap[i], &q->heap[(i - 1) / 2]))
    sift_up(q, i);
  else
    sift_down(q, i);
}

static att_timeq_handle handle_of(const att_timeq *q, uint32_t s) {
  return ((uint64_t)q->slots[s].gen << 32) | (uint64_t)(s + 1);
}

static int lookup(const att_timeq *q, att_timeq_handle h, uint32_t *s) {
  uint32_t i = (uint32_t)(h & 0xFFFFFFFFu), gen = (uint32_t)(h >> 32);
  if (i == 0 || i > q->nslots || q->slots[i - 1].gen != gen ||
      q->slots[i - 1].pos == NOPOS)
    return att__err(ATT_ENOTFOUND,
                    "time queue: no entry for this handle (it was run or "
                    "removed)");
  *s = i - 1;
  return 0;
}

static void fill(const att_timeq *q, uint32_t s, att_timeq_item *out) {
  const slot *e = &q->slots[s];
  const node *nd = &q->heap[e->pos];
  out->due = nd->due;
  out->seq = nd->seq;
  out->kind = e->kind;
  out->id = e->id;
  out->data = e->data;
  out->handle = handle_of(q, s);
}

int att_timeq_add(att_timeq *q, att_time due, int kind, uint64_t id,
                  void *data, att_timeq_handle *h) {
  uint32_t s;
  slot *e;
  if (q->free_head) {
    s = q->free_head - 1;
    q->free_head = q->slots[s].next;
  } else {
    if (q->nslots == q->cap) {
      uint32_t ncap = q->cap ? q->cap * 2 : 64;
      slot *ns;
      node *nh;
      if (q->cap >= SLOTS_MAX)
        return att__err(ATT_ENOMEM, "time queue: too many entries");
      ns = realloc(q->slots, (size_t)ncap * sizeof *ns);
      if (!ns) return att__err(ATT_ENOMEM, "time queue: out of memory");
      q->slots = ns;
      nh = realloc(q->heap, (size_t)ncap * sizeof *nh);
      if (!nh) return att__err(ATT_ENOMEM, "time queue: out of memory");
      q->heap = nh;
      q->cap = ncap;
    }
    s = q->nslots++;
    q->slots[s].gen = 1;
  }
  e = &q->slots[s];
  e->id = id;
  e->data = data;
  e->kind = kind;
  e->next = 0;
  q->heap[q->n].due = due;
  q->heap[q->n].seq = q->next_seq++;
  q->heap[q->n].slot = s;
  e->pos = q->n++;
  sift_up(q, e->pos);
  if (h) *h = handle_of(q, s);
  return 0;
}

int att_timeq_peek(const att_timeq *q, att_timeq_item *out) {
  if (q->n == 0) return att__err(ATT_ENOTFOUND, "time queue: empty");
  if (out) fill(q, q->heap[0].slot, out);
  return 0;
}

/* Take slot s (at heap position i) out of the heap and free it. */
static void take(att_timeq *q, uint32_t s) {
  uint32_t i = q->slots[s].pos;
  q->n--;
  if (i != q->n) {
    place(q, i, &q->heap[q->n]);
    fix(q, i); /* the moved entry may belong above or below */
  }
  q->slots[s].pos = NOPOS;
  q->slots[s].gen++;
  if (q->slots[s].gen == 0) q->slots[s].gen = 1;
  q->slots[s].data = NULL;
  q->slots[s].next = q->free_head;
  q->free_head = s + 1;
}

int att_timeq_pop(att_timeq *q, att_timeq_item *out) {
  uint32_t s;
  if (q->n == 0) return att__err(ATT_ENOTFOUND, "time queue: empty");
  s = q->heap[0].slot;
  if (out) fill(q, s, out);
  take(q, s);
  return 0;
}

int att_timeq_pop_due(att_timeq *q, att_time now, att_timeq_item *out) {
  if (q->n == 0 || q->heap[0].due > now)
    return ATT_ENOTFOUND; /* the normal case: no message needed */
  return att_timeq_pop(q, out);
}

int att_timeq_remove(att_timeq *q, att_timeq_handle h, att_timeq_item *out) {
  uint32_t s = 0;
  int rc;
  if ((rc = lookup(q, h, &s)) < 0) return rc;
  if (out) fill(q, s, out);
  take(q, s);
  return 0;
}

int att_timeq_replan(att_timeq *q, att_timeq_handle h, att_time due) {
  uint32_t s = 0, i;
  int rc;
  if ((rc = lookup(q, h, &s)) < 0) return rc;
  i = q->slots[s].pos;
  q->heap[i].due = due;
  q->heap[i].seq = q->next_seq++;
  fix(q, i);
  return 0;
}

int att_timeq_get(const att_timeq *q, att_timeq_handle h, att_timeq_item *out) {
  uint32_t s = 0;
  int rc;
  if ((rc = lookup(q, h, &s)) < 0) return rc;
  if (out) fill(q, s, out);
  return 0;
}

/* ---- the clock ---- */

int64_t att_time_now_ms(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return 0; /* (POSIX: the clock is always there) */
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

att_time att_time_now(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return 0;
  return (att_time)ts.tv_sec;
}

void att_clock_init_real(att_clock *c) {
  memset(c, 0, sizeof *c);
  c->mode = ATT_CLOCK_REAL;
  c->until = ATT_TIME_MAX;
  c->now = att_time_now();
}

int att_clock_init_sim(att_clock *c, att_time start, att_time until) {
  if (until < start)
    return att__err(ATT_EINVAL,
                    "simulated clock: the end comes before the start");
  memset(c, 0, sizeof *c);
  c->mode = ATT_CLOCK_SIM;
  c->now = start;
  c->until = until;
  return 0;
}

att_time att_clock_now(att_clock *c) {
  if (c->mode == ATT_CLOCK_REAL) {
    int64_t ms = att_time_now_ms();
    c->now = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  }
  return c->now;
}

int att_clock_plan(att_clock *c, const att_timeq *q, int64_t *wait_ms) {
  att_time due;
  if (wait_ms) *wait_ms = 0;
  if (c->mode == ATT_CLOCK_SIM) {
    if (q->n == 0 || (due = q->heap[0].due) > c->until) {
      if (c->until != ATT_TIME_MAX && c->until > c->now) c->now = c->until;
      return ATT_CLOCK_DONE;
    }
    if (due > c->now) c->now = due;
    return ATT_CLOCK_RUN;
  }
  {
    int64_t ms = att_time_now_ms(), delay;
    c->now = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    if (q->n == 0) return ATT_CLOCK_IDLE;
    due = q->heap[0].due;
    if (due <= c->now) return ATT_CLOCK_RUN;
    /* due is after now, so at least a millisecond away. */
    delay = due > ms / 1000 + 3600 ? 3600 * 1000 : due * 1000 - ms;
    if (delay > 3600 * 1000) delay = 3600 * 1000;
    if (delay < 1) delay = 1;
    if (wait_ms) *wait_ms = delay;
    return ATT_CLOCK_WAIT;
  }
}
