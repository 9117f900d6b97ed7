/*
 * Unit tests of the time queue and the clock (core/timeq.c): FIFO order of
 * equal due times, handles (remove, re-plan, stale ones), random
 * operations against a plain array kept in order, the simulated and real
 * clocks, and a timing of one million adds and pops (printed only).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "tap.h"
#include "timeq.h"

static uint64_t rng = 0xD1B54A32D192ED03ull;
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng % n);
}

static void test_basic(void) {
  att_timeq q;
  att_timeq_item it;
  att_timeq_handle h[6], stale;
  int i, data = 7;

  att_timeq_init(&q);
  is_int(att_timeq_peek(&q, &it), ATT_ENOTFOUND, "peek on empty");
  is_int(att_timeq_pop(&q, &it), ATT_ENOTFOUND, "pop on empty");
  ok(att_timeq_add(&q, 100, 1, 10, &data, &h[0]) == 0, "add");
  ok(att_timeq_add(&q, 50, 2, 20, NULL, &h[1]) == 0, "add earlier");
  ok(att_timeq_add(&q, 100, 3, 30, NULL, &h[2]) == 0, "add equal");
  ok(att_timeq_add(&q, 100, 4, 40, NULL, &h[3]) == 0, "add equal");
  ok(h[0] && h[1] != h[0], "distinct non-zero handles");
  is_int(att_timeq_size(&q), 4, "size");
  ok(att_timeq_peek(&q, &it) == 0 && it.id == 20 && it.due == 50 &&
         it.handle == h[1],
     "peek gives the earliest with its handle");
  is_int(att_timeq_size(&q), 4, "peek leaves it");
  ok(att_timeq_get(&q, h[0], &it) == 0 && it.data == &data && it.kind == 1,
     "get by handle");
  is_int(att_timeq_pop_due(&q, 49, &it), ATT_ENOTFOUND, "nothing due at 49");
  ok(att_timeq_pop_due(&q, 50, &it) == 0 && it.id == 20, "due at 50");
  ok(att_timeq_pop(&q, &it) == 0 && it.id == 10, "equal times: first added first");
  stale = it.handle;
  is_int(att_timeq_remove(&q, stale, NULL), ATT_ENOTFOUND,
         "a popped entry's handle is stale");
  ok(strstr(att_errmsg(), "handle") != NULL, "message: %s", att_errmsg());
  is_str(att_err_name(att_timeq_get(&q, stale, NULL)), "ATT_ENOTFOUND",
         "get with a stale handle");
  is_int(att_timeq_replan(&q, stale, 5), ATT_ENOTFOUND, "re-plan with a stale handle");
  ok(att_timeq_add(&q, 1, 5, 50, NULL, &h[4]) == 0, "add reuses the slot");
  ok(h[4] != stale, "with a new handle");
  is_int(att_timeq_get(&q, stale, NULL), ATT_ENOTFOUND,
         "the old handle does not reach the new entry");
  ok(att_timeq_remove(&q, h[4], &it) == 0 && it.id == 50, "remove by handle");
  /* Re-plan to the same time: goes behind the others. */
  ok(att_timeq_replan(&q, h[2], 100) == 0, "re-plan 30 to the same time");
  ok(att_timeq_pop(&q, &it) == 0 && it.id == 40, "40 now comes first");
  ok(att_timeq_replan(&q, h[2], 10) == 0, "re-plan earlier");
  ok(att_timeq_add(&q, 10, 6, 60, NULL, &h[5]) == 0, "add at 10");
  ok(att_timeq_pop(&q, &it) == 0 && it.id == 30 && it.due == 10, "30 at 10");
  ok(att_timeq_pop(&q, &it) == 0 && it.id == 60, "then 60");
  is_int(att_timeq_size(&q), 0, "empty again");
  is_int(att_timeq_remove(&q, 0, NULL), ATT_ENOTFOUND, "handle 0");
  is_int(att_timeq_remove(&q, UINT64_C(0xFFFFFFFF00000099), NULL), ATT_ENOTFOUND,
         "unknown handle");
  for (i = 0; i < 3; i++) att_timeq_add(&q, ATT_TIME_MAX - i, 0, (uint64_t)i, NULL, NULL);
  att_timeq_add(&q, ATT_TIME_MIN, 0, 9, NULL, NULL);
  ok(att_timeq_pop(&q, &it) == 0 && it.id == 9, "extreme times");
  ok(att_timeq_pop(&q, &it) == 0 && it.id == 2, "ATT_TIME_MAX - 2");
  att_timeq_free(&q);
  is_int(att_timeq_size(&q), 0, "freed");
}

/* The oracle: entries in an array, the minimum found by a scan. */
typedef struct oent {
  att_time due;
  uint64_t seq, id;
  att_timeq_handle h;
} oent;

static void test_random(void) {
  att_timeq q;
  oent *o = malloc(sizeof *o * 20000);
  size_t n = 0, i, best;
  uint64_t seq = 0, nextid = 1;
  att_timeq_handle dead[64];
  int ndead = 0, bad = 0, ops = 0, k;
  att_timeq_item it;

  att_timeq_init(&q);
  for (k = 0; k < 200000 && !bad; k++) {
    uint32_t op = rnd(100);
    ops++;
    if (op < 40 || n == 0) {
      att_time due = (att_time)rnd(50) - 10; /* many ties */
      att_timeq_handle h;
      if (n >= 20000) continue;
      if (att_timeq_add(&q, due, (int)(nextid % 3), nextid, NULL, &h) < 0) bad++;
      o[n].due = due;
      o[n].seq = seq++;
      o[n].id = nextid++;
      o[n].h = h;
      n++;
    } else if (op < 65) {
      for (best = 0, i = 1; i < n; i++)
        if (o[i].due < o[best].due ||
            (o[i].due == o[best].due && o[i].seq < o[best].seq))
          best = i;
      if (op < 55) {
        if (att_timeq_pop(&q, &it) < 0 || it.id != o[best].id ||
            it.due != o[best].due || it.seq != o[best].seq || it.handle != o[best].h) {
          printf("# pop: got id %llu want %llu\n", (unsigned long long)it.id,
                 (unsigned long long)o[best].id);
          bad++;
        }
      } else {
        att_time now = (att_time)rnd(50) - 10;
        int rc = att_timeq_pop_due(&q, now, &it);
        if (o[best].due > now) {
          if (rc != ATT_ENOTFOUND) bad++;
          continue;
        }
        if (rc < 0 || it.id != o[best].id) bad++;
      }
      if (ndead < 64) dead[ndead++] = o[best].h;
      o[best] = o[--n];
    } else if (op < 80) {
      i = rnd((uint32_t)n);
      if (att_timeq_remove(&q, o[i].h, &it) < 0 || it.id != o[i].id) bad++;
      if (ndead < 64) dead[ndead++] = o[i].h;
      o[i] = o[--n];
    } else if (op < 95) {
      att_time due = (att_time)rnd(50) - 10;
      i = rnd((uint32_t)n);
      if (att_timeq_replan(&q, o[i].h, due) < 0) bad++;
      o[i].due = due;
      o[i].seq = seq++;
    } else if (ndead) {
      if (att_timeq_remove(&q, dead[rnd((uint32_t)ndead)], NULL) != ATT_ENOTFOUND)
        bad++;
    }
    if (att_timeq_size(&q) != n) bad++;
  }
  /* Drain: the order is the oracle's. */
  while (n && !bad) {
    for (best = 0, i = 1; i < n; i++)
      if (o[i].due < o[best].due ||
          (o[i].due == o[best].due && o[i].seq < o[best].seq))
        best = i;
    if (att_timeq_pop(&q, &it) < 0 || it.id != o[best].id) bad++;
    o[best] = o[--n];
  }
  is_int(bad, 0, "%d random operations agree with the array oracle", ops);
  is_int(att_timeq_size(&q), 0, "drained");
  att_timeq_free(&q);
  free(o);
}

static void test_clock(void) {
  att_clock c;
  att_timeq q;
  att_timeq_item it;
  int64_t ms;
  int order[8], n = 0, i;

  att_timeq_init(&q);
  is_int(att_clock_init_sim(&c, 100, 50), ATT_EINVAL, "until before start");
  ok(att_clock_init_sim(&c, 1000, 2000) == 0, "simulated 1000..2000");
  is_int(att_clock_now(&c), 1000, "starts at 1000");
  is_int(att_clock_plan(&c, &q, &ms), ATT_CLOCK_DONE, "empty: done");
  is_int(att_clock_now(&c), 2000, "and the clock is at until");

  att_clock_init_sim(&c, 1000, 2000);
  att_timeq_add(&q, 1500, 0, 1, NULL, NULL);
  att_timeq_add(&q, 1200, 0, 2, NULL, NULL);
  att_timeq_add(&q, 1200, 0, 3, NULL, NULL);
  att_timeq_add(&q, 2000, 0, 4, NULL, NULL);
  att_timeq_add(&q, 2001, 0, 5, NULL, NULL);
  att_timeq_add(&q, 900, 0, 6, NULL, NULL); /* already late */
  while (att_clock_plan(&c, &q, &ms) == ATT_CLOCK_RUN) {
    att_time now = att_clock_now(&c);
    while (att_timeq_pop_due(&q, now, &it) == 0) {
      order[n++] = (int)it.id;
      /* The work may queue more: a follow-up at the same instant runs
       * in this turn, after what was already due. */
      if (it.id == 2) att_timeq_add(&q, now, 0, 7, NULL, NULL);
    }
  }
  is_int(n, 6, "six entries ran");
  {
    static const int want[] = {6, 2, 3, 7, 1, 4};
    int same = n == 6;
    for (i = 0; i < n && same; i++) same = order[i] == want[i];
    ok(same, "in order: late first, equal times FIFO, follow-ups after");
  }
  is_int(att_clock_now(&c), 2000, "ends at until");
  is_int(att_timeq_size(&q), 1, "the entry after until stays queued");
  att_timeq_pop(&q, &it);

  att_clock_init_real(&c);
  is_int(att_clock_plan(&c, &q, &ms), ATT_CLOCK_IDLE, "real, empty: idle");
  att_timeq_add(&q, att_clock_now(&c) + 10, 0, 1, NULL, NULL);
  is_int(att_clock_plan(&c, &q, &ms), ATT_CLOCK_WAIT, "real: wait");
  ok(ms > 8000 && ms <= 10000, "about ten seconds (%lld ms)", (long long)ms);
  att_timeq_pop(&q, &it);
  att_timeq_add(&q, att_clock_now(&c) + 86400, 0, 1, NULL, NULL);
  att_clock_plan(&c, &q, &ms);
  is_int(ms, 3600000, "at most an hour");
  att_timeq_pop(&q, &it);
  att_timeq_add(&q, att_clock_now(&c) - 5, 0, 1, NULL, NULL);
  is_int(att_clock_plan(&c, &q, &ms), ATT_CLOCK_RUN, "real: due");
  ok(att_clock_now(&c) > 1700000000, "the real clock reads the system time");
  att_timeq_free(&q);
}

static double secs(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_timing(void) {
  att_timeq q;
  att_timeq_item it;
  double t0, t1, t2;
  int i, sorted = 1;
  att_time prev = ATT_TIME_MIN;
  enum { N = 1000000 };

  att_timeq_init(&q);
  t0 = secs();
  for (i = 0; i < N; i++)
    if (att_timeq_add(&q, (att_time)rnd(1u << 30), 0, (uint64_t)i, NULL, NULL) < 0)
      break;
  t1 = secs();
  is_int(att_timeq_size(&q), N, "one million entries");
  for (i = 0; i < N; i++) {
    if (att_timeq_pop(&q, &it) < 0 || it.due < prev) sorted = 0;
    prev = it.due;
  }
  t2 = secs();
  ok(sorted, "popped in order");
  printf("# 1M adds: %.3f s (%.0f ns each); 1M pops: %.3f s (%.0f ns each)\n",
         t1 - t0, (t1 - t0) * 1e9 / N, t2 - t1, (t2 - t1) * 1e9 / N);
  att_timeq_free(&q);
}

int main(void) {
  test_basic();
  test_random();
  test_clock();
  test_timing();
  return done_testing();
}
