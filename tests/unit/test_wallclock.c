/*
 * The wall clock as attache reads it agrees with the one other programs
 * read (clock_gettime, date(1)).  On Linux, time(NULL) reads the kernel's
 * coarse copy of the clock, which is a tick behind for a few milliseconds
 * after each second begins: a change made then was stamped with the
 * second before, and `attache log --since T`, T read from date(1) just
 * before the change, left it out (cli/history_log failed so, once in a
 * few hundred runs).  Each check waits, polling, for a second to begin
 * and at once reads the clock, or makes a change, as the store does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "store.h"
#include "tap.h"
#include "testutil.h"
#include "timeq.h"

/* Poll until the wall clock (clock_gettime) is in a later second than
 * when called: that second.  Gives up (returns 0) after three seconds. */
static att_time next_second(void) {
  struct timespec a;
  time_t s0, give_up;
  clock_gettime(CLOCK_REALTIME, &a);
  s0 = a.tv_sec;
  give_up = s0 + 3;
  do {
    clock_gettime(CLOCK_REALTIME, &a);
    if (a.tv_sec > give_up) return 0;
  } while (a.tv_sec == s0);
  return (att_time)a.tv_sec;
}

int main(void) {
  char dir[64];
  att_store *st;
  int behind = 0, tries = 3;

  /* The function every part reads the clock with. */
  for (int i = 0; i < tries; i++) {
    att_time s = next_second(), t = att_time_now();
    if (s == 0 || t < s) behind++;
  }
  is_int(behind, 0, "att_time_now is never behind clock_gettime as a second begins (%d tries)", tries);
  {
    att_time s = next_second();
    int64_t ms = att_time_now_ms();
    ok(s != 0 && ms >= (int64_t)s * 1000 && ms < ((int64_t)s + 2) * 1000,
       "att_time_now_ms reads the same clock (%lld ms, second %lld)", (long long)ms, (long long)s);
  }

  /* A change made as a second begins is stamped with that second. */
  snprintf(dir, sizeof dir, "/tmp/attache-wallclock-%d", (int)getpid());
  tu_rmrf(dir);
  if (att_store_init(dir) != 0 || !(st = tu_open_write(dir))) {
    printf("Bail out! %s\n", att_errmsg());
    return 1;
  }
  behind = 0;
  for (int i = 0; i < tries; i++) {
    att_time s = next_second();
    att_change c;
    int64_t id = tu_add(st, "{\"title\":\"t\",\"when\":\"2024-05-01\"}");
    if (id <= 0 || att_store_change(st, (uint64_t)i + 1, &c) != 0) {
      printf("# change %d: %s\n", i + 1, att_errmsg());
      behind++;
      continue;
    }
    if (s == 0 || c.tx < s) {
      printf("# change %d stamped %lld, made in second %lld\n", i + 1, (long long)c.tx, (long long)s);
      behind++;
    }
    free(c.author);
    free(c.reason);
  }
  is_int(behind, 0, "a change made as a second begins is stamped with it (%d changes)", tries);
  att_store_close(st);
  tu_rmrf(dir);
  return done_testing();
}
