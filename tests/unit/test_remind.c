/*
 * Unit tests of reminder instants (core/remind.c): leads and their
 * messages, event spans from EDTF, anchors and their resolution, recurring
 * events, reminders at the same instant, and random cases checked against
 * a list of occurrences.  The grammar of leads (the LEAD dialect of
 * core/duration.c) is tested with the other dialect in test_duration.c.
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "error.h"
#include "recur.h"
#include "remind.h"
#include "rrule.h"
#include "tap.h"
#include "testutil.h"

static att_time T(const char *s) { return tu_time(s); }

static const char *fmt(att_time t, char *buf) {
  att_time_format(t, buf, 40);
  return buf;
}

static void test_leads(void) {
  static const struct {
    const char *in;
    int64_t secs;
    const char *canon;
  } good[] = {
      {"7d", 7 * 86400, "1w"},     {"1d", 86400, "1d"},
      {"2h", 7200, "2h"},          {"30m", 1800, "30m"},
      {"1w", 7 * 86400, "1w"},     {"1d12h", 129600, "1d12h"},
      {"0", 0, "0"},               {"0m", 0, "0"},
      {"1W2D", 9 * 86400, "1w2d"}, {"90m", 5400, "1h30m"},
      {"36525d", INT64_C(36525) * 86400, "5217w6d"},
  };
  static const struct {
    const char *in;
    int code;
    const char *msg;
  } bad[] = {
      {"", ATT_EINVAL, "lead \"\": empty"},
      {"7", ATT_EINVAL, "lead \"7\": the number has no unit"},
      {"d", ATT_EINVAL, "lead \"d\": expected a number"},
      {"7x", ATT_EINVAL, "lead \"7x\": unknown unit at \"x\""},
      {"-1d", ATT_EINVAL, "so it has no sign"},
      {"1.5d", ATT_EINVAL, "unknown unit at \".5d\""},
      {"7dd", ATT_EINVAL, "unknown unit"},
      {"36526d", ATT_ERANGE, "too long"},
      {"99999999999999999999w", ATT_ERANGE, "too long"},
  };
  size_t i;
  for (i = 0; i < sizeof good / sizeof good[0]; i++) {
    int64_t v = -1;
    char buf[32];
    is_int(att_lead_parse(good[i].in, &v), 0, "lead %s", good[i].in);
    is_int(v, good[i].secs, "lead %s in seconds", good[i].in);
    ok(att_lead_format(v, buf, sizeof buf) == 0, "format %s", good[i].in);
    is_str(buf, good[i].canon, "lead %s is shown as %s", good[i].in,
           good[i].canon);
  }
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int64_t v;
    is_int(att_lead_parse(bad[i].in, &v), bad[i].code, "lead \"%s\" refused",
           bad[i].in);
    ok(strstr(att_errmsg(), bad[i].msg) != NULL, "message: %s", att_errmsg());
  }
  {
    int64_t v;
    att_lead_parse("7x", &v);
  }
  ok(strstr(att_errmsg(), "30m, 2h, 1d, 2w, 3mo, 1y") != NULL,
     "an error lists the accepted forms");
  {
    char b[4];
    is_int(att_lead_format(86400 * 8 + 60, b, sizeof b), ATT_ERANGE,
           "a small buffer is refused");
    is_int(att_lead_format(61, b, sizeof b), ATT_ERANGE, "no room for 1m1s");
  }
  {
    /* Calendar leads (issue 14): shown by component, counted back on the
     * calendar. */
    static const struct {
      const char *in, *canon, *from, *back;
    } t[] = {
        {"3mo", "3mo", "2024-04-15T00:00:00Z", "2024-01-15T00:00:00Z"},
        {"1 year", "1y", "2024-02-29T00:00:00Z", "2023-02-28T00:00:00Z"},
        {"1y2mo1w", "1y2mo1w", "2024-03-31T10:00:00Z", "2023-01-24T10:00:00Z"},
        {"1mo", "1mo", "2024-03-31T00:00:00Z", "2024-02-29T00:00:00Z"},
        {"45s", "45s", "2024-01-01T00:00:00Z", "2023-12-31T23:59:15Z"},
        {"1h1d", "1d1h", "2024-01-02T01:00:00Z", "2024-01-01T00:00:00Z"},
    };
    for (i = 0; i < sizeof t / sizeof t[0]; i++) {
      att_duration d;
      att_time at;
      char buf[64], a[40];
      is_int(att_lead_read(t[i].in, &d), 0, "lead %s", t[i].in);
      is_int(att_lead_text(&d, buf, sizeof buf), 0, "text of %s", t[i].in);
      is_str(buf, t[i].canon, "lead %s is shown as %s", t[i].in, t[i].canon);
      is_int(att_lead_back(T(t[i].from), &d, &at), 0, "back from %s", t[i].from);
      is_str(fmt(at, a), t[i].back, "%s before %s", t[i].in, t[i].from);
    }
  }
}

static void test_spans(void) {
  att_span sp;
  char a[40], b[40];
  ok(att_span_from_edtf("2023-12-17", &sp) == 0, "a day");
  is_str(fmt(sp.start.earliest, a), "2023-12-17T00:00:00Z", "day: start earliest");
  is_str(fmt(sp.end.latest, b), "2023-12-17T23:59:59Z", "day: end latest");
  ok(att_span_from_edtf("2024/2028", &sp) == 0, "a period of years");
  is_str(fmt(sp.start.latest, a), "2024-12-31T23:59:59Z", "start is 2024");
  is_str(fmt(sp.end.earliest, b), "2028-01-01T00:00:00Z", "end is 2028");
  ok(att_span_from_edtf("2024-01~/2024-04~", &sp) == 0, "early 2024");
  is_str(fmt(sp.start.latest, a), "2024-01-31T23:59:59Z", "starts in January");
  is_str(fmt(sp.end.earliest, b), "2024-04-01T00:00:00Z", "ends in April");
  ok(att_span_from_edtf("1985-04-12/..", &sp) == 0 && sp.end.latest == ATT_TIME_MAX &&
         sp.end.earliest == ATT_TIME_MAX, "open end");
  ok(att_span_from_edtf("/2024", &sp) == 0 && sp.start.earliest == ATT_TIME_MIN,
     "unknown start");
  is_int(att_span_from_edtf("2024-13", &sp), ATT_EINVAL, "a bad date is refused");
}

static void test_next(void) {
  att_remind_spec s;
  att_span sp;
  att_rrule r;
  att_remind_hit h;
  char a[40], b[40];

  /* Talks "in November" 2024, a week and a day before. */
  att_remind_spec_init(&s);
  ok(att_remind_spec_add(&s, "7d") == 0 && att_remind_spec_add(&s, "1d") == 0,
     "two leads");
  is_int(att_remind_spec_add(&s, "7x"), ATT_EINVAL, "a bad lead");
  is_int(s.nleads, 2, "not added");
  att_span_from_edtf("2024-11", &sp);
  ok(att_remind_next(&s, &sp, NULL, T("2024-01-01T00:00:00Z"), &h) == 0, "next");
  is_str(fmt(h.at, a), "2024-10-25T00:00:00Z", "7 days before 1 November");
  is_int(h.lead, 0, "lead 0");
  is_str(fmt(h.occurrence, b), "2024-11-01T00:00:00Z", "the occurrence");
  ok(att_remind_next(&s, &sp, NULL, h.at, &h) == 0 && h.lead == 1, "then 1d");
  is_str(fmt(h.at, a), "2024-10-31T00:00:00Z", "a day before");
  is_int(att_remind_next(&s, &sp, NULL, h.at, &h), ATT_ENOTFOUND, "then none");
  s.resolve = ATT_RESOLVE_LATEST;
  ok(att_remind_next(&s, &sp, NULL, T("2024-01-01T00:00:00Z"), &h) == 0,
     "resolved to the latest instant");
  is_str(fmt(h.at, a), "2024-11-23T23:59:59Z", "7 days before the end of November");

  /* A policy 2024-28: when it comes into force, and before it expires. */
  att_remind_spec_init(&s);
  att_remind_spec_add(&s, "0");
  att_span_from_edtf("2024/2028", &sp);
  ok(att_remind_next(&s, &sp, NULL, T("2023-12-18T00:00:00Z"), &h) == 0 &&
         h.at == T("2024-01-01T00:00:00Z"), "comes into force on 2024-01-01");
  s.anchor = ATT_ANCHOR_END;
  s.leads[0] = att_duration_seconds(86400);
  ok(att_remind_next(&s, &sp, NULL, T("2023-12-18T00:00:00Z"), &h) == 0, "end");
  is_str(fmt(h.at, a), "2028-12-30T23:59:59Z", "a day before the latest end");
  s.resolve = ATT_RESOLVE_EARLIEST;
  att_remind_next(&s, &sp, NULL, T("2023-12-18T00:00:00Z"), &h);
  is_str(fmt(h.at, a), "2027-12-31T00:00:00Z", "end resolved to its earliest");
  att_span_from_edtf("2024/..", &sp);
  is_int(att_remind_next(&s, &sp, NULL, 0, &h), ATT_ENOTFOUND, "open end");
  ok(strstr(att_errmsg(), "end is open") != NULL, "says so: %s", att_errmsg());

  /* The 70th anniversary, and every one after: a yearly rule. */
  att_remind_spec_init(&s);
  att_remind_spec_add(&s, "1w");
  att_span_from_edtf("1953-01-09", &sp);
  att_rrule_parse("FREQ=YEARLY", &r, NULL, 0);
  ok(att_remind_next(&s, &sp, &r, T("2022-06-01T00:00:00Z"), &h) == 0, "yearly");
  is_str(fmt(h.at, a), "2023-01-02T00:00:00Z", "a week before 9 January 2023");
  is_str(fmt(h.occurrence, b), "2023-01-09T00:00:00Z", "the 70th anniversary");
  ok(att_remind_next(&s, &sp, &r, h.at, &h) == 0 &&
         h.at == T("2024-01-02T00:00:00Z"), "and again in 2024");
  ok(att_remind_next(&s, &sp, &r, T("2024-01-01T23:59:59Z"), &h) == 0 &&
         h.at == T("2024-01-02T00:00:00Z"), "the same from just before");
  ok(att_remind_next(&s, &sp, &r, T("2024-01-05T00:00:00Z"), &h) == 0 &&
         h.at == T("2025-01-02T00:00:00Z"), "between reminder and event: next year");
  /* With COUNT the rule ends. */
  att_rrule_parse("FREQ=YEARLY;COUNT=2", &r, NULL, 0);
  is_int(att_remind_next(&s, &sp, &r, T("1954-01-03T00:00:00Z"), &h),
         ATT_ENOTFOUND, "COUNT=2: nothing after the second");
  /* A three-day event each year, reminded a day before its end. */
  att_remind_spec_init(&s);
  att_remind_spec_add(&s, "1d");
  s.anchor = ATT_ANCHOR_END;
  att_span_from_edtf("2024-03-01/2024-03-03", &sp);
  att_rrule_parse("FREQ=YEARLY", &r, NULL, 0);
  ok(att_remind_next(&s, &sp, &r, T("2024-12-01T00:00:00Z"), &h) == 0, "end of a span");
  is_str(fmt(h.at, a), "2025-03-02T23:59:59Z", "a day before the end in 2025");
  is_str(fmt(h.anchor, b), "2025-03-03T23:59:59Z", "anchor moved with the occurrence");
  /* An open start cannot anchor a rule. */
  att_remind_spec_init(&s);
  att_remind_spec_add(&s, "1d");
  att_span_from_edtf("../2024", &sp);
  is_int(att_remind_next(&s, &sp, &r, 0, &h), ATT_ENOTFOUND, "open start");
  att_remind_spec_init(&s);
  is_int(att_remind_next(&s, &sp, NULL, 0, &h), ATT_ENOTFOUND, "no leads");
  is_int(att_remind_next_lead(&s, &sp, NULL, 3, 0, &h), ATT_EINVAL, "bad lead number");
}

/* The window of anchors a stretch of reminders reaches back from: each
 * reminder of every lead due in the stretch has its anchor inside it. */
static void test_window(void) {
  att_remind_spec s;
  att_time from, to, a = T("2024-01-10T00:00:00Z"), b = T("2024-02-07T00:00:00Z");
  att_remind_spec_init(&s);
  att_remind_spec_add(&s, "1d");
  att_remind_spec_add(&s, "1mo");
  att_remind_spec_add(&s, "1y");
  att_remind_window(&s, a, b, &from, &to);
  is_int(from, T("2024-01-10T00:00:00Z"), "window: from the stretch's start (1d less a day of slack)");
  is_int(to, T("2025-02-08T00:00:00Z"), "window: to the end plus a leap year and a day");
  /* every anchor of a reminder in (a, b] lies within */
  for (att_time t = a + 3600; t <= b; t += 86400 / 2) {
    for (int k = 0; k < s.nleads; k++) {
      att_time anchor;
      if (att_duration_add(t, &s.leads[k], &anchor) != 0 || anchor < from || anchor > to) {
        ok(0, "window: the anchor of lead %d at %lld is outside", k, (long long)t);
        return;
      }
    }
  }
  ok(1, "window: every anchor of a reminder in the stretch lies within");
  att_remind_spec_init(&s);
  att_remind_window(&s, ATT_TIME_MIN + 10, ATT_TIME_MAX - 10, &from, &to);
  ok(from == ATT_TIME_MIN && to == ATT_TIME_MAX, "window: held within the range of instants");
}

static void test_times(void) {
  att_remind_spec s;
  att_span sp;
  att_rrule r;
  att_remind_hit out[64];
  int n, i, sorted = 1;

  /* A weekly meeting, reminded 7 and 14 days before: the 14d reminder of
   * one meeting and the 7d one of the previous fall together. */
  att_remind_spec_init(&s);
  att_remind_spec_add(&s, "7d");
  att_remind_spec_add(&s, "14d");
  att_span_from_edtf("2024-01-01T09:00:00Z", &sp);
  att_rrule_parse("FREQ=WEEKLY;COUNT=4", &r, NULL, 0);
  n = att_remind_times(&s, &sp, &r, T("2023-12-01T00:00:00Z"),
                       T("2024-12-31T00:00:00Z"), out, 64);
  is_int(n, 8, "four meetings, two leads");
  for (i = 1; i < n; i++)
    sorted &= out[i - 1].at < out[i].at ||
              (out[i - 1].at == out[i].at && out[i - 1].lead < out[i].lead);
  ok(sorted, "in order, equal instants by lead");
  ok(out[1].at == out[2].at && out[1].lead == 0 && out[2].lead == 1 &&
         out[1].occurrence == T("2024-01-01T09:00:00Z") &&
         out[2].occurrence == T("2024-01-08T09:00:00Z"),
     "both reminders of 2023-12-25T09:00 are there");
  is_int(att_remind_times(&s, &sp, &r, T("2023-12-01T00:00:00Z"),
                          T("2024-12-31T00:00:00Z"), out, 5),
         ATT_ERANGE, "more than the room given");
  n = att_remind_times(&s, &sp, &r, T("2023-12-25T09:00:00Z"),
                       T("2024-01-08T09:00:00Z"), out, 64);
  is_int(n, 4, "(after, until]: after excluded, until included");
}

/* Random events, rules and leads: att_remind_next against the smallest
 * reminder over a list of occurrences. */
static uint64_t rng = 0xA0761D6478BD642Full;
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng % n);
}

static void test_random(void) {
  static const char *const rules[] = {
      "FREQ=YEARLY", "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=WEEKLY;INTERVAL=2",
      "FREQ=DAILY;INTERVAL=3;COUNT=30", "FREQ=MONTHLY;BYMONTHDAY=31",
      "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", NULL};
  static const char *const whens[] = {"2023-12-17", "2024-11", "2024-33",
                                      "2024-01~/2024-04~", "2024-02-29",
                                      "2023-12-17T09:00:00+09:00"};
  static const char *const leads[] = {"0",   "30m", "2h", "1d",  "7d",
                                      "1w3d", "40d", "1mo", "1y", "2mo3d"};
  int k, bad = 0;
  for (k = 0; k < 300; k++) {
    att_remind_spec s;
    att_span sp;
    att_rrule r;
    att_remind_hit h;
    att_time occ[200], after;
    int nocc, nl = 1 + (int)rnd(3), i, j, rc, ri = (int)rnd(7);
    att_time want = ATT_TIME_MAX;
    int wantlead = -1;

    att_remind_spec_init(&s);
    for (i = 0; i < nl; i++) att_remind_spec_add(&s, leads[rnd(10)]);
    s.anchor = (int)rnd(2);
    s.resolve = (int)rnd(3);
    att_span_from_edtf(whens[rnd(6)], &sp);
    if (rules[ri]) att_rrule_parse(rules[ri], &r, NULL, 0);
    nocc = rules[ri] ? att_recur_upcoming(&r, sp.start.earliest,
                                          sp.start.earliest - 1, occ, 200)
                     : (occ[0] = sp.start.earliest, 1);
    after = sp.start.earliest - 60 * 86400 + (att_time)rnd(400) * 86400 +
            (att_time)rnd(86400);
    for (i = 0; i < nocc; i++)
      for (j = 0; j < nl; j++) {
        att_time anc = (s.anchor ? (s.resolve == ATT_RESOLVE_EARLIEST ? sp.end.earliest : sp.end.latest)
                                 : (s.resolve == ATT_RESOLVE_LATEST ? sp.start.latest : sp.start.earliest));
        att_time at;
        att_lead_back(occ[i] + (anc - sp.start.earliest), &s.leads[j], &at);
        if (at > after && (at < want || (at == want && j < wantlead))) {
          want = at;
          wantlead = j;
        }
      }
    rc = att_remind_next(&s, &sp, rules[ri] ? &r : NULL, after, &h);
    /* The list holds 200 occurrences: beyond them the oracle is blind. */
    if (nocc == 200 && (rc < 0 || h.at > want)) continue;
    if (wantlead < 0 ? rc != ATT_ENOTFOUND
                     : (rc < 0 || h.at != want || h.lead != wantlead)) {
      printf("# case %d: rule %s, got %lld lead %d, want %lld lead %d\n", k,
             rules[ri] ? rules[ri] : "none", rc < 0 ? -1LL : (long long)h.at,
             rc < 0 ? -1 : h.lead, (long long)want, wantlead);
      bad++;
    }
  }
  is_int(bad, 0, "300 random reminders agree with the occurrence list");
  {
    /* A calendar lead on a yearly anniversary: a month before 9 January
     * is 9 December, each year. */
    att_remind_spec s;
    att_span sp;
    att_rrule r;
    att_remind_hit h;
    char a[40];
    att_remind_spec_init(&s);
    att_remind_spec_add(&s, "1mo");
    att_span_from_edtf("1953-01-09", &sp);
    att_rrule_parse("FREQ=YEARLY", &r, NULL, 0);
    ok(att_remind_next(&s, &sp, &r, T("2024-01-01T00:00:00Z"), &h) == 0, "next");
    is_str(fmt(h.at, a), "2024-12-09T00:00:00Z", "a month before 9 January 2025");
    ok(att_remind_next(&s, &sp, &r, T("2023-12-08T00:00:00Z"), &h) == 0, "next");
    is_str(fmt(h.at, a), "2023-12-09T00:00:00Z", "a month before 9 January 2024");
  }
}

int main(void) {
  test_leads();
  test_spans();
  test_next();
  test_window();
  test_times();
  test_random();
  return done_testing();
}
