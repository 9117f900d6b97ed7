/*
 * Unit tests of occurrences (core/occur.c): the occurrences of an event in
 * a window, stepping, the expanded listing of a store (the 1953
 * anniversary in the week of each 9 January), and a property over
 * generated recurring events and windows: the occurrences a listing shows
 * are the occurrences the reminders plan for (core/remind.c), one by one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "error.h"
#include "occur.h"
#include "remind.h"
#include "rrule.h"
#include "tap.h"
#include "testutil.h"

static att_time T(const char *s) { return tu_time(s); }

static const char *fmt(att_time t, char *buf) {
  att_time_format(t, buf, 40);
  return buf;
}

static void test_in(void) {
  att_occur oc;
  att_time v[16];
  char a[40];
  int n;

  ok(att_occur_init(&oc, "1953-01-09", "FREQ=YEARLY") == 0, "the anniversary");
  n = att_occur_in(&oc, T("2025-01-06T00:00:00Z"), T("2025-01-12T23:59:59Z"), v, 16);
  is_int(n, 1, "once in the week of 9 January 2025");
  is_str(fmt(v[0], a), "2025-01-09T00:00:00Z", "on 9 January 2025");
  n = att_occur_in(&oc, T("2025-01-10T00:00:00Z"), T("2025-12-31T23:59:59Z"), v, 16);
  is_int(n, 0, "not after it in 2025");
  n = att_occur_in(&oc, T("2020-01-01T00:00:00Z"), T("2024-12-31T23:59:59Z"), v, 16);
  is_int(n, 5, "five times in 2020-2024");
  n = att_occur_in(&oc, T("1900-01-01T00:00:00Z"), T("1953-01-08T23:59:59Z"), v, 16);
  is_int(n, 0, "never before its first");
  n = att_occur_in(&oc, T("1953-01-09T12:00:00Z"), T("1953-01-09T12:00:00Z"), v, 16);
  is_int(n, 1, "an occurrence that overlaps the window by its span");
  n = att_occur_in(&oc, T("2000-01-01T00:00:00Z"), T("2030-12-31T23:59:59Z"), v, 4);
  is_int(n, ATT_ERANGE, "more than cap: an error, not a cut");

  /* A three-day event each month: an occurrence that began before the
   * window still overlaps it. */
  ok(att_occur_init(&oc, "2024-01-30/2024-02-01", "FREQ=MONTHLY") == 0, "a span");
  n = att_occur_in(&oc, T("2024-04-01T00:00:00Z"), T("2024-04-02T00:00:00Z"), v, 16);
  is_int(n, 1, "the March occurrence runs into April");
  is_str(fmt(v[0], a), "2024-03-30T00:00:00Z", "from 30 March");

  /* COUNT ends the rule. */
  ok(att_occur_init(&oc, "2024-01-01", "FREQ=DAILY;COUNT=3") == 0, "count");
  n = att_occur_in(&oc, T("2024-01-01T00:00:00Z"), T("2024-12-31T00:00:00Z"), v, 16);
  is_int(n, 3, "three days");

  /* A plain event occurs once, over its bounds. */
  ok(att_occur_init(&oc, "2024", NULL) == 0, "plain");
  is_int(att_occur_in(&oc, T("2024-06-01T00:00:00Z"), T("2024-06-02T00:00:00Z"), v, 16), 1,
         "a plain event in the window");
  is_str(fmt(v[0], a), "2024-01-01T00:00:00Z", "at its earliest");
  is_int(att_occur_in(&oc, T("2025-06-01T00:00:00Z"), T("2025-06-02T00:00:00Z"), v, 16), 0,
         "not outside");
  is_int(att_occur_init(&oc, "2024", "FREQ=SOMETIMES"), ATT_EINVAL, "a bad rule");
}

static uint32_t rng = 2463534242u;
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng % n;
}

/* The occurrences a listing shows and those the reminders plan for, over
 * generated events and windows: with a lead of 0 anchored at the earliest
 * start, a reminder falls at each occurrence's start, so the reminders in
 * [a, b] are the occurrences that start in [a, b]. */
static void test_agree(void) {
  static const char *const rules[] = {
      "FREQ=YEARLY",          "FREQ=MONTHLY;BYDAY=-1FR",   "FREQ=WEEKLY;INTERVAL=2",
      "FREQ=DAILY;INTERVAL=3;COUNT=30", "FREQ=MONTHLY;BYMONTHDAY=31",
      "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "FREQ=WEEKLY;BYDAY=MO,WE,FR",
      "FREQ=MONTHLY;INTERVAL=2;COUNT=10", "FREQ=DAILY;UNTIL=20250301"};
  static const char *const whens[] = {"1953-01-09", "2023-12-17", "2024-02-29",
                                      "2024-01-30/2024-02-02", "2023-12-17T09:00:00Z",
                                      "2024-05-31"};
  int k, bad = 0, total = 0;
  for (k = 0; k < 500; k++) {
    const char *rule = rules[rnd(sizeof rules / sizeof rules[0])];
    const char *when = whens[rnd(sizeof whens / sizeof whens[0])];
    att_occur oc;
    att_remind_spec spec;
    att_span sp;
    att_remind_hit hits[400];
    att_time occ[400], a, b;
    int n, m, i, j = 0, same;
    if (att_occur_init(&oc, when, rule) != 0 || att_span_from_edtf(when, &sp) != 0) {
      bad++;
      continue;
    }
    a = T("2023-06-01T00:00:00Z") + (att_time)rnd(1000) * 86400 + (att_time)rnd(86400);
    b = a + (att_time)rnd(120) * 86400 + (att_time)rnd(86400);
    n = att_occur_in(&oc, a, b, occ, 400);
    att_remind_spec_init(&spec);
    att_remind_spec_add(&spec, "0");
    spec.resolve = ATT_RESOLVE_EARLIEST;
    m = att_remind_times(&spec, &sp, &oc.rule, a - 1, b, hits, 400);
    if (n < 0 || m < 0) {
      printf("# case %d: %s %s: listing %d, reminders %d\n", k, when, rule, n, m);
      bad++;
      continue;
    }
    /* The listing also shows an occurrence that began before a and still
     * runs into the window: the reminders planned it earlier. */
    same = 1;
    for (i = 0; i < n; i++) {
      if (occ[i] < a) continue;
      if (j >= m || hits[j].occurrence != occ[i] || hits[j].at != occ[i]) same = 0;
      j++;
    }
    if (j != m) same = 0;
    if (!same) {
      printf("# case %d: %s %s in [%lld, %lld]: %d listed, %d planned\n", k, when, rule,
             (long long)a, (long long)b, n, m);
      bad++;
    }
    total += m;
  }
  is_int(bad, 0, "500 generated events and windows: listing = reminders");
  ok(total > 1000, "and they held occurrences (%d)", total);
}

/* The expanded listing of a store. */
static void test_store(void) {
  char tmpl[] = "/tmp/att-occur.XXXXXX", dir[64], a[40];
  const char *root = mkdtemp(tmpl);
  att_store *st;
  att_query q;
  att_occ *v = NULL;
  size_t n = 0;
  int64_t anniv, meet, weekly;
  if (!root) {
    ok(0, "a scratch directory");
    return;
  }
  snprintf(dir, sizeof dir, "%s/s", root);
  if (att_store_init(dir) != 0 || (st = tu_open_write(dir)) == NULL) {
    ok(0, "a store: %s", att_errmsg());
    tu_rmrf(root);
    return;
  }
  anniv = tu_add(st, "{\"title\":\"Relations anniversary\",\"kind\":\"anniversary\","
                     "\"when\":\"1953-01-09\",\"recur\":\"FREQ=YEARLY\"}");
  meet = tu_add(st, "{\"title\":\"Meeting\",\"kind\":\"meeting\",\"when\":\"2025-01-07\"}");
  weekly = tu_add(st, "{\"title\":\"Weekly call\",\"kind\":\"meeting\",\"when\":"
                      "\"2025-01-02T09:00:00Z\",\"recur\":\"FREQ=WEEKLY\"}");
  tu_add(st, "{\"title\":\"Old\",\"kind\":\"meeting\",\"when\":\"2020-01-07\"}");
  ok(anniv > 0 && meet > 0 && weekly > 0, "events added");

  att_query_init(&q);
  q.from = T("2025-01-06T00:00:00Z");
  q.to = T("2025-01-12T23:59:59Z");
  ok(att_store_occurrences(st, &q, &v, &n) == 0, "the week of 9 January 2025");
  is_int((int64_t)n, 3, "a meeting, a call, the anniversary");
  if (n == 3) {
    is_int(v[0].id, meet, "the meeting first");
    is_int(v[0].recurring, 0, "not an occurrence");
    is_int(v[1].id, anniv, "then the anniversary");
    is_int(v[1].recurring, 1, "an occurrence");
    is_str(fmt(v[1].start, a), "2025-01-09T00:00:00Z", "on 9 January");
    ok(v[1].end == T("2025-01-09T23:59:59Z"), "for the day");
    is_int(v[2].id, weekly, "then the call");
    is_str(fmt(v[2].start, a), "2025-01-09T09:00:00Z", "on Thursday at nine");
  }
  free(v);

  q.kind = "meeting";
  q.to = T("2025-01-31T23:59:59Z");
  ok(att_store_occurrences(st, &q, &v, &n) == 0, "meetings in January");
  is_int((int64_t)n, 5, "the meeting and four calls");
  free(v);
  q.limit = 2;
  ok(att_store_occurrences(st, &q, &v, &n) == 0, "with a limit");
  is_int((int64_t)n, 2, "cut after expanding");
  free(v);
  q.limit = 0;
  q.sort = ATT_SORT_TITLE;
  ok(att_store_occurrences(st, &q, &v, &n) == 0, "by title");
  if (n == 5) {
    ok(v[0].id == meet && v[1].id == weekly && v[4].id == weekly &&
           v[1].start < v[2].start,
       "the meeting, then the call's occurrences in order");
  }
  free(v);
  att_store_close(st);
  tu_rmrf(root);
}

/* Every occurrence of every kind of `when` (closed, open or unknown at
 * either end, timed or not) under every kind of rule, in windows before,
 * around and long after it: its end is not before its start, its text
 * (att_occ_text) is EDTF that reads back and covers the occurrence's start,
 * and an event whose span overlaps a window is in it (a recurring one
 * with an open start, which has nothing to count from, as itself).  A
 * "since 2024" event recurring yearly used to end each occurrence in the
 * year -292277022655 (its open end shifted past the end of time). */
static void test_open_ends(void) {
  static const char *whens[] = {"2024-03-01", "2024-03-01/2024-03-03", "2024/..", "2024-03/",
                                "2024-03-01/", "../2024-05", "/2024-05-31",
                                "2024-03-01T10:00:00Z", "2024-03-01T10:00:00Z/..", NULL};
  static const char *rules[] = {NULL, "FREQ=YEARLY", "FREQ=MONTHLY", "FREQ=WEEKLY;BYDAY=MO,TH",
                                "FREQ=DAILY;COUNT=5", NULL};
  static const char *windows[][2] = {{"2020-01-01T00:00:00Z", "2020-12-31T23:59:59Z"},
                                     {"2024-02-01T00:00:00Z", "2024-04-30T23:59:59Z"},
                                     {"2026-01-01T00:00:00Z", "2026-01-31T23:59:59Z"},
                                     {"2900-06-01T00:00:00Z", "2900-06-30T23:59:59Z"}};
  int bad = 0, checked = 0, missing = 0;
  for (int w = 0; whens[w]; w++) {
    att_bounds b;
    if (att_edtf_parse(whens[w], &b, NULL, 0) != 0) {
      printf("# %s does not parse: %s\n", whens[w], att_errmsg());
      bad++;
      continue;
    }
    for (int r = 0; r < 5; r++) {
      att_occur oc;
      if (att_occur_init(&oc, whens[w], rules[r]) != 0) {
        bad++;
        continue;
      }
      for (size_t k = 0; k < sizeof windows / sizeof *windows; k++) {
        att_time from = T(windows[k][0]), to = T(windows[k][1]), v[64];
        int n = att_occur_in(&oc, from, to, v, 64);
        if (n < 0) {
          printf("# %s %s: %s\n", whens[w], rules[r] ? rules[r] : "-", att_errmsg());
          bad++;
          continue;
        }
        /* the event itself overlaps: a plain one, or one with nothing
         * to count from, is listed */
        if (n == 0 && b.earliest <= to && b.latest >= from && (!rules[r] || b.earliest == ATT_TIME_MIN)) {
          printf("# %s %s: missing from %s\n", whens[w], rules[r] ? rules[r] : "-", windows[k][0]);
          missing++;
        }
        for (int i = 0; i < n; i++) {
          att_time s = v[i], e = att_occur_end(&oc, s);
          char text[96];
          att_bounds tb;
          checked++;
          if (e < s || att_occ_text(s, e, strchr(whens[w], 'T') != NULL, text, sizeof text) != 0 ||
              att_edtf_parse(text, &tb, NULL, 0) != 0 || tb.earliest > s || tb.latest < s ||
              tb.latest < e || (e != ATT_TIME_MAX && tb.latest > e + 86399) ||
              e < from || s > to) {
            printf("# %s %s in %s: occurrence %lld..%lld reads \"%s\"\n", whens[w],
                   rules[r] ? rules[r] : "-", windows[k][0], (long long)s, (long long)e,
                   att_occ_text(s, e, 0, text, sizeof text) == 0 ? text : att_errmsg());
            bad++;
          }
        }
      }
    }
  }
  ok(checked > 100, "%d occurrences checked", checked);
  is_int(bad, 0, "each ends after it starts, and its text is EDTF that covers it");
  is_int(missing, 0, "an event that overlaps a window is in it");
}

int main(void) {
  test_in();
  test_agree();
  test_store();
  test_open_ends();
  return done_testing();
}
