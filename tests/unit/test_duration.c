/*
 * Unit tests of durations (core/duration.c): every form the two dialects
 * read (SCRIPT, as at.duration and at.every; LEAD, as reminder leads,
 * --alarm, --grace and --since), where they differ, the refusals and
 * their messages, the canonical text, arithmetic on the calendar (month
 * ends, leap years, UTC with no daylight saving) and every operation at
 * the 64-bit edges, which must refuse rather than overflow (run under
 * UBSan by the sanitizer build).
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "duration.h"
#include "error.h"
#include "remind.h"
#include "tap.h"
#include "testutil.h"

#define DAY INT64_C(86400)

static att_time T(const char *s) { return tu_time(s); }

static const char *fmt(att_time t, char *buf) {
  if (att_time_format(t, buf, 40) != 0) snprintf(buf, 40, "@%lld", (long long)t);
  return buf;
}

static att_duration D(int64_t y, int64_t mo, int64_t d, int64_t s) {
  att_duration r;
  r.years = y, r.months = mo, r.days = d, r.seconds = s;
  return r;
}

static int same(const att_duration *a, const att_duration *b) {
  return a->years == b->years && a->months == b->months && a->days == b->days &&
         a->seconds == b->seconds;
}

/* The text up to the first ';': what scripts match of a message
 * (examples/lua/duration.lua). */
static const char *head(const char *msg, char *buf, size_t cap) {
  size_t n = strcspn(msg, ";");
  if (n >= cap) n = cap - 1;
  memcpy(buf, msg, n);
  buf[n] = '\0';
  return buf;
}

static void test_script_forms(void) {
  static const struct {
    const char *in;
    int64_t y, mo, d, s;
  } good[] = {
      {"7d", 0, 0, 7, 0},
      {"1w", 0, 0, 7, 0},
      {"2h", 0, 0, 0, 7200},
      {"30m", 0, 0, 0, 1800},
      {"45s", 0, 0, 0, 45},
      {"3mo", 0, 3, 0, 0},
      {"1y", 1, 0, 0, 0},
      {"1d12h", 0, 0, 1, 43200},
      {"2h30m", 0, 0, 0, 9000},
      {"1y6mo", 1, 6, 0, 0},
      {"1y2mo3d4h", 1, 2, 3, 14400},
      {"-2h", 0, 0, 0, -7200},
      {"+2h", 0, 0, 0, 7200},
      {"-1d2h", 0, 0, -1, -7200},    /* a sign carries over */
      {"1mo-1d", 0, 1, -1, 0},       /* mixed signs */
      {"-1d+2h", 0, 0, -1, 7200},
      {"0d", 0, 0, 0, 0},
      {"0s", 0, 0, 0, 0},
      {"1m1mo", 0, 1, 0, 60},        /* any order */
      {"1h1h", 0, 0, 0, 7200},       /* repeats add up */
      {"1s1m1h1d1w1mo1y", 1, 1, 8, 3661},
      {" 7d", 0, 0, 7, 0},           /* spaces before a term */
      {"7 d", 0, 0, 7, 0},           /* and between number and unit */
      {"1d 12h ", 0, 0, 1, 43200},
      {"  1  d  ", 0, 0, 1, 0},
      {"007d", 0, 0, 7, 0},
      /* Names and any case (issue 14: one grammar for leads too). */
      {"7days", 0, 0, 7, 0},         {"7min", 0, 0, 0, 420},
      {"7D", 0, 0, 7, 0},            {"1W", 0, 0, 7, 0},
      {"3 months", 0, 3, 0, 0},      {"1 year 2 weeks", 1, 0, 14, 0},
      {"1 hour 30 minutes", 0, 0, 0, 5400}, {"2 Days", 0, 0, 2, 0},
      {"0", 0, 0, 0, 0},
      {"9223372036854775807s", 0, 0, 0, INT64_MAX},
      {"-9223372036854775807s-1s", 0, 0, 0, INT64_MIN},
      {"1317624576693539401w", 0, 0, INT64_C(9223372036854775807), 0},
  };
  size_t i;
  for (i = 0; i < sizeof good / sizeof good[0]; i++) {
    att_duration d = D(9, 9, 9, 9), want = D(good[i].y, good[i].mo, good[i].d, good[i].s);
    is_int(att_duration_parse(good[i].in, &d), 0, "script \"%s\" reads", good[i].in);
    ok(same(&d, &want), "script \"%s\" is %lldy %lldmo %lldd %llds", good[i].in,
       (long long)good[i].y, (long long)good[i].mo, (long long)good[i].d,
       (long long)good[i].s);
  }
}

static void test_script_refusals(void) {
  static const struct {
    const char *in;
    int code;
    att_duration_fault fault;
    size_t at;
    const char *why; /* after the first ';' */
  } bad[] = {
      {"", ATT_EINVAL, ATT_DURATION_EMPTY, 0, "; empty;"},
      {"   ", ATT_EINVAL, ATT_DURATION_EMPTY, 3, "; empty;"},
      {"7", ATT_EINVAL, ATT_DURATION_NOUNIT, 1, "; the number has no unit;"},
      {"7 ", ATT_EINVAL, ATT_DURATION_NOUNIT, 2, "; the number has no unit;"},
      {"1d7", ATT_EINVAL, ATT_DURATION_NOUNIT, 3, "no unit"},
      {"d", ATT_EINVAL, ATT_DURATION_NUMBER, 0, "; expected a number at \"d\";"},
      {"-", ATT_EINVAL, ATT_DURATION_NUMBER, 1, "expected a number at \"\""},
      {"- 2h", ATT_EINVAL, ATT_DURATION_NUMBER, 1, "expected a number at \" 2h\""},
      {"--2h", ATT_EINVAL, ATT_DURATION_NUMBER, 1, "expected a number"},
      {"P1D", ATT_EINVAL, ATT_DURATION_NUMBER, 0, "expected a number at \"P1D\""},
      {"a fortnight", ATT_EINVAL, ATT_DURATION_NUMBER, 0,
       "expected a number at \"a fortni\""},
      {"7x", ATT_EINVAL, ATT_DURATION_UNIT, 1, "; unknown unit at \"x\";"},
      {"7dd", ATT_EINVAL, ATT_DURATION_UNIT, 1, "unknown unit at \"dd\""},
      {"7 parsecs", ATT_EINVAL, ATT_DURATION_UNIT, 2, "unknown unit at \"parsecs\""},
      {"1.5d", ATT_EINVAL, ATT_DURATION_UNIT, 1, "unknown unit at \".5d\""},
      {"1e3s", ATT_EINVAL, ATT_DURATION_UNIT, 1, "unknown unit"},
      {"1d,2h", ATT_EINVAL, ATT_DURATION_NUMBER, 2, "expected a number"},
      {"1d\t2h", ATT_EINVAL, ATT_DURATION_NUMBER, 2, "expected a number"},
      {"9223372036854775808s", ATT_ERANGE, ATT_DURATION_RANGE, 0, "out of range"},
      {"99999999999999999999d", ATT_ERANGE, ATT_DURATION_RANGE, 0, "out of range"},
      {"9223372036854775807s1s", ATT_ERANGE, ATT_DURATION_RANGE, 20, "out of range"},
      {"1317624576693539402w", ATT_ERANGE, ATT_DURATION_RANGE, 0, "out of range"},
      {"-9223372036854775807s-2s", ATT_ERANGE, ATT_DURATION_RANGE, 22, "out of range"},
      {"99999999999999999999x", ATT_EINVAL, ATT_DURATION_UNIT, 20, "unknown unit"},
  };
  size_t i;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    att_duration d;
    att_duration_error e;
    char want[200], got[200];
    is_int(att_duration_scan(bad[i].in, ATT_DURATION_SCRIPT, &d, &e), bad[i].code,
           "script \"%s\" refused", bad[i].in);
    is_int(e.fault, bad[i].fault, "script \"%s\": fault %s", bad[i].in,
           att_duration_fault_text(bad[i].fault));
    is_int(e.at, bad[i].at, "script \"%s\": at %zu", bad[i].in, bad[i].at);
    is_int(att_duration_parse(bad[i].in, &d), bad[i].code, "parse \"%s\" refused",
           bad[i].in);
    snprintf(want, sizeof want, "cannot read the duration \"%s\"", bad[i].in);
    is_str(head(att_errmsg(), got, sizeof got), want, "message names the text");
    ok(strstr(att_errmsg(), bad[i].why) != NULL, "message says why: %s", att_errmsg());
    ok(strstr(att_errmsg(), "write a number and a unit: 7d, 2h, 30m, 45s, 1w, 3mo, 1y,") &&
           strstr(att_errmsg(), "(y years, mo months, w weeks, d days, h hours, m minutes, "
                                "s seconds; or the names: 3 months, 1 year, 2 weeks)"),
       "message lists the forms");
  }
  {
    att_duration d;
    is_int(att_duration_parse(NULL, &d), ATT_EINVAL, "no text");
    ok(strstr(att_errmsg(), "none given") != NULL, "no text: %s", att_errmsg());
  }
}

static void test_lead(void) {
#define MO_AVG INT64_C(2629800)
  static const struct {
    const char *in;
    int64_t secs; /* as att_lead_parse gives it: a month is 1/12 of 365.25d */
    int64_t months;
  } good[] = {
      {"0", 0, 0},         {"0m", 0, 0},           {"30m", 1800, 0},
      {"2h", 7200, 0},     {"1d", DAY, 0},         {"7d", 7 * DAY, 0},
      {"1w", 7 * DAY, 0},  {"1d12h", 129600, 0},   {"1w2d3h4m", 9 * DAY + 3 * 3600 + 240, 0},
      {"1W2D", 9 * DAY, 0}, {"2H30M", 9000, 0},    {"90m", 5400, 0},
      {"36525d", ATT_LEAD_MAX, 0}, {"5217w6d", ATT_LEAD_MAX, 0}, {"007d", 7 * DAY, 0},
      /* One grammar with at.duration (issue 14): calendar units, seconds,
       * names, spaces, any order. */
      {"3mo", 3 * MO_AVG, 3},  {"1y", 12 * MO_AVG, 12},  {"1y6mo", 18 * MO_AVG, 18},
      {"100y", ATT_LEAD_MAX, 1200}, {"1 month", MO_AVG, 1}, {"2 weeks", 14 * DAY, 0},
      {"3 days", 3 * DAY, 0},  {"7days", 7 * DAY, 0},  {"1 hour 30 min", 5400, 0},
      {"1h1d", DAY + 3600, 0}, {"7d7d", 14 * DAY, 0},  {"45s", 45, 0},
      {"7 d", 7 * DAY, 0},     {" 7d", 7 * DAY, 0},    {"1Y2MO", 14 * MO_AVG, 14},
  };
  static const struct {
    const char *in;
    int code;
    att_duration_fault fault;
    size_t at;
    const char *msg;
  } bad[] = {
      {"", ATT_EINVAL, ATT_DURATION_EMPTY, 0,
       "lead \"\": empty; a lead is a number and a unit: 30m, 2h, 1d, 2w, 3mo, 1y (or "
       "the names: 3 months, 1 year), or several, such as 1d12h"},
      {"7", ATT_EINVAL, ATT_DURATION_NOUNIT, 1,
       "lead \"7\": the number has no unit; a lead is a number and a unit: 30m, 2h, 1d, "
       "2w, 3mo, 1y (or the names: 3 months, 1 year), or several, such as 1d12h"},
      {"d", ATT_EINVAL, ATT_DURATION_NUMBER, 0,
       "lead \"d\": expected a number at \"d\"; a lead is a number and a unit: 30m, 2h, "
       "1d, 2w, 3mo, 1y (or the names: 3 months, 1 year), or several, such as 1d12h"},
      {"7x", ATT_EINVAL, ATT_DURATION_UNIT, 1,
       "lead \"7x\": unknown unit at \"x\"; a lead is a number and a unit: 30m, 2h, 1d, "
       "2w, 3mo, 1y (or the names: 3 months, 1 year), or several, such as 1d12h"},
      {"-1d", ATT_EINVAL, ATT_DURATION_SIGN, 0,
       "lead \"-1d\": a lead counts back from its date, so it has no sign; a lead is a "
       "number and a unit: 30m, 2h, 1d, 2w, 3mo, 1y (or the names: 3 months, 1 year), or "
       "several, such as 1d12h"},
      {"+1d", ATT_EINVAL, ATT_DURATION_SIGN, 0, NULL},
      {"1d-1h", ATT_EINVAL, ATT_DURATION_SIGN, 2, NULL},
      {"1.5d", ATT_EINVAL, ATT_DURATION_UNIT, 1, NULL},
      {"1fortnight", ATT_EINVAL, ATT_DURATION_UNIT, 1, NULL},
      {"1dd", ATT_EINVAL, ATT_DURATION_UNIT, 1, NULL},
      {"1 d d", ATT_EINVAL, ATT_DURATION_NUMBER, 4, NULL},
      {"00", ATT_EINVAL, ATT_DURATION_NOUNIT, 2, NULL},
      {"P1D", ATT_EINVAL, ATT_DURATION_NUMBER, 0, NULL},
      {"36526d", ATT_ERANGE, ATT_DURATION_RANGE, 0,
       "lead \"36526d\": too long; at most 100 years (36525d)"},
      {"101y", ATT_ERANGE, ATT_DURATION_RANGE, 0, NULL},
      {"100y1s", ATT_ERANGE, ATT_DURATION_RANGE, 4, NULL},
      {"5217w7d", ATT_ERANGE, ATT_DURATION_RANGE, 5, NULL},
      {"99999999999999999999w", ATT_ERANGE, ATT_DURATION_RANGE, 0, NULL},
      {"99999999999999999999x", ATT_EINVAL, ATT_DURATION_UNIT, 20, NULL},
  };
  size_t i;
  for (i = 0; i < sizeof good / sizeof good[0]; i++) {
    int64_t v = -1;
    att_duration d;
    is_int(att_lead_parse(good[i].in, &v), 0, "lead \"%s\" reads", good[i].in);
    is_int(v, good[i].secs, "lead \"%s\" is %lld s", good[i].in, (long long)good[i].secs);
    is_int(att_duration_scan(good[i].in, ATT_DURATION_LEAD, &d, NULL), 0,
           "scan lead \"%s\"", good[i].in);
    ok(d.years * 12 + d.months == good[i].months &&
           (d.years * 12 + d.months) * MO_AVG + d.days * DAY + d.seconds == good[i].secs,
       "lead \"%s\" by component", good[i].in);
  }
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int64_t v = -1;
    att_duration d;
    att_duration_error e;
    is_int(att_duration_scan(bad[i].in, ATT_DURATION_LEAD, &d, &e), bad[i].code,
           "scan lead \"%s\" refused", bad[i].in);
    is_int(e.fault, bad[i].fault, "lead \"%s\": fault %s", bad[i].in,
           att_duration_fault_text(bad[i].fault));
    is_int(e.at, bad[i].at, "lead \"%s\": at %zu", bad[i].in, bad[i].at);
    is_int(att_lead_parse(bad[i].in, &v), bad[i].code, "lead \"%s\" refused", bad[i].in);
    is_int(v, -1, "lead \"%s\": nothing written", bad[i].in);
    if (bad[i].msg) is_str(att_errmsg(), bad[i].msg, "lead \"%s\": message", bad[i].in);
  }
  is_int(att_lead_parse(NULL, NULL), ATT_EINVAL, "no lead");
  ok(strncmp(att_errmsg(), "lead: none given; a lead is", 27) == 0, "no lead: %s",
     att_errmsg());
  {
    int64_t v;
    char big[200];
    memset(big, '9', sizeof big - 2);
    big[sizeof big - 2] = 'd';
    big[sizeof big - 1] = '\0';
    is_int(att_lead_parse(big, &v), ATT_ERANGE, "a long number is refused");
    ok(strstr(att_errmsg(), "...\": too long") != NULL, "its text is shortened: %s",
       att_errmsg());
    is_int(att_lead_parse("7\n", &v), ATT_EINVAL, "a control character");
    ok(strstr(att_errmsg(), "lead \"7\\x0a\"") != NULL, "is escaped: %s", att_errmsg());
  }
}

/* The two dialects read one grammar; they differ in sign and size only. */
static void test_dialects(void) {
  static const struct {
    const char *in;
    int script, lead;
  } t[] = {
      {"7d", 1, 1},    {"1d12h", 1, 1},  {"30m", 1, 1},   {"1w", 1, 1},
      {"0", 1, 1},     {"1W", 1, 1},     {"2H", 1, 1},    {"1y", 1, 1},
      {"1mo", 1, 1},   {"45s", 1, 1},    {"-1d", 1, 0},   {"+1d", 1, 0},
      {"1h1d", 1, 1},  {"1d1d", 1, 1},   {"7 d", 1, 1},   {" 7d", 1, 1},
      {"3 months", 1, 1}, {"1 year", 1, 1}, {"7days", 1, 1},
      {"1dd", 0, 0},   {"", 0, 0},       {"P1D", 0, 0},   {"1.5d", 0, 0},
      {"36526d", 1, 0}, {"101y", 1, 0},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    att_duration d;
    is_int(att_duration_scan(t[i].in, ATT_DURATION_SCRIPT, &d, NULL) == 0, t[i].script,
           "\"%s\" %s a script duration", t[i].in, t[i].script ? "is" : "is not");
    is_int(att_duration_scan(t[i].in, ATT_DURATION_LEAD, &d, NULL) == 0, t[i].lead,
           "\"%s\" %s a lead", t[i].in, t[i].lead ? "is" : "is not");
  }
}

static void test_format(void) {
  static const struct {
    att_duration d;
    const char *text;
  } t[] = {
      {{0, 0, 7, 0}, "7d"},
      {{0, 0, 0, 5400}, "1h30m"},
      {{1, 6, 0, 0}, "1y6mo"},
      {{0, 1, -1, 0}, "1mo-1d"},
      {{0, 0, -1, -7200}, "-1d2h"},
      {{0, 0, -1, 7200}, "-1d+2h"},
      {{0, 0, 0, -5400}, "-1h30m"},
      {{0, 0, 0, 0}, "0s"},
      {{0, 0, 0, 59}, "59s"},
      {{0, 0, 2, 90061}, "2d25h1m1s"},
      {{1, 2, 3, 14400}, "1y2mo3d4h"},
      {{0, 0, 0, INT64_MAX}, "2562047788015215h30m7s"},
      {{0, 0, 0, INT64_MIN}, "-2562047788015215h30m8s"},
  };
  size_t i;
  for (i = 0; i < sizeof t / sizeof t[0]; i++) {
    char buf[ATT_DURATION_TEXT_MAX];
    att_duration back;
    is_int(att_duration_format(&t[i].d, buf, sizeof buf), 0, "format %s", t[i].text);
    is_str(buf, t[i].text, "text %s", t[i].text);
    /* The text reads back to a duration of the same length. */
    is_int(att_duration_parse(buf, &back), 0, "%s reads back", buf);
    {
      int eq = 0;
      att_duration_eq(&back, &t[i].d, &eq);
      ok(eq, "%s reads back the same", buf);
    }
  }
  {
    att_duration all = D(INT64_MIN, INT64_MIN, INT64_MIN, INT64_MIN);
    char buf[ATT_DURATION_TEXT_MAX], small[4];
    is_int(att_duration_format(&all, buf, sizeof buf), 0, "the longest text fits");
    is_str(buf,
           "-9223372036854775808y9223372036854775808mo9223372036854775808d"
           "2562047788015215h30m8s",
           "every component at INT64_MIN");
    is_int(att_duration_format(&t[9].d, small, sizeof small), ATT_ERANGE,
           "a small buffer is refused");
    is_int(att_duration_format(&t[7].d, small, 2), ATT_ERANGE, "no room for 0s");
    is_int(att_duration_format(&t[7].d, small, 3), 0, "room for 0s");
  }
}

static void add_is(const char *from, att_duration d, const char *want, const char *what) {
  char a[40];
  att_time t = -1;
  is_int(att_duration_add(T(from), &d, &t), 0, "%s", what);
  is_str(fmt(t, a), want, "%s: %s", what, want);
}

static void test_add(void) {
  /* Month ends: the day is clamped to the month's length. */
  add_is("2024-01-31T00:00:00Z", D(0, 1, 0, 0), "2024-02-29T00:00:00Z", "Jan 31 + 1mo, leap");
  add_is("2023-01-31T00:00:00Z", D(0, 1, 0, 0), "2023-02-28T00:00:00Z", "Jan 31 + 1mo");
  add_is("2024-02-29T00:00:00Z", D(1, 0, 0, 0), "2025-02-28T00:00:00Z", "Feb 29 + 1y");
  add_is("2024-02-29T00:00:00Z", D(4, 0, 0, 0), "2028-02-29T00:00:00Z", "Feb 29 + 4y");
  add_is("2024-03-31T00:00:00Z", D(0, -1, 0, 0), "2024-02-29T00:00:00Z", "Mar 31 - 1mo");
  add_is("2024-05-31T00:00:00Z", D(0, 1, 0, 0), "2024-06-30T00:00:00Z", "May 31 + 1mo");
  add_is("2024-12-31T00:00:00Z", D(0, 1, 0, 0), "2025-01-31T00:00:00Z", "Dec 31 + 1mo");
  add_is("2024-01-15T00:00:00Z", D(0, -13, 0, 0), "2022-12-15T00:00:00Z", "- 13mo");
  add_is("2024-01-31T13:45:10Z", D(0, 1, 0, 0), "2024-02-29T13:45:10Z", "the time of day stays");
  /* Months first, then days: 1mo-1d from Jan 31 is Feb 28 (leap year). */
  add_is("2024-01-31T00:00:00Z", D(0, 1, -1, 0), "2024-02-28T00:00:00Z", "Jan 31 + 1mo-1d");
  add_is("2024-02-01T00:00:00Z", D(0, 0, 28, 0), "2024-02-29T00:00:00Z", "Feb 1 + 28d, leap");
  add_is("2023-02-01T00:00:00Z", D(0, 0, 28, 0), "2023-03-01T00:00:00Z", "Feb 1 + 28d");
  add_is("1900-02-28T00:00:00Z", D(0, 0, 1, 0), "1900-03-01T00:00:00Z", "1900 is not leap");
  add_is("2000-02-28T00:00:00Z", D(0, 0, 1, 0), "2000-02-29T00:00:00Z", "2000 is leap");
  add_is("2000-02-29T00:00:00Z", D(100, 0, 0, 0), "2100-02-28T00:00:00Z", "2100 is not leap");
  /* UTC has no daylight saving: a day is always 86400 seconds, across the
   * nights when Europe and the USA change their clocks. */
  add_is("2024-03-30T12:00:00Z", D(0, 0, 1, 0), "2024-03-31T12:00:00Z", "EU spring night");
  add_is("2024-10-26T12:00:00Z", D(0, 0, 1, 0), "2024-10-27T12:00:00Z", "EU autumn night");
  add_is("2024-03-09T12:00:00Z", D(0, 0, 0, 86400), "2024-03-10T12:00:00Z", "US spring night");
  add_is("1970-01-01T00:00:00Z", D(0, 0, 0, -1), "1969-12-31T23:59:59Z", "before the epoch");
  add_is("1970-01-01T00:00:30Z", D(0, 1, 0, 0), "1970-02-01T00:00:30Z", "months near 0");
  add_is("1969-12-31T23:59:59Z", D(0, 2, 0, 0), "1970-02-28T23:59:59Z", "months across 0");
  add_is("0000-03-31T00:00:00Z", D(0, -1, 0, 0), "0000-02-29T00:00:00Z", "year 0 is leap");
  add_is("2024-06-15T00:00:00Z", D(0, 0, 0, 0), "2024-06-15T00:00:00Z", "nothing added");
  {
    /* Years before 0 (no text: compare instants).  -4 and -400 are leap
     * years, -3 and -500 are not. */
    att_time t;
    att_duration d = D(1, 0, 0, 0);
    is_int(att_duration_add(att_days_from_civil(-4, 2, 29) * DAY, &d, &t), 0, "-4-02-29 + 1y");
    is_int(t, att_days_from_civil(-3, 2, 28) * DAY, "is -3-02-28");
    d = D(-100, 0, 0, 0);
    is_int(att_duration_add(att_days_from_civil(-400, 2, 29) * DAY, &d, &t), 0,
           "-400-02-29 - 100y");
    is_int(t, att_days_from_civil(-500, 2, 28) * DAY, "is -500-02-28");
    d = D(0, -1, 0, 0);
    is_int(att_duration_add(att_days_from_civil(-1, 1, 31) * DAY, &d, &t), 0,
           "-1-01-31 - 1mo");
    is_int(t, att_days_from_civil(-2, 12, 31) * DAY, "is -2-12-31");
  }
}

static void range_is(att_time t, att_duration d, const char *what) {
  att_time out = 12345;
  is_int(att_duration_add(t, &d, &out), ATT_ERANGE, "%s: out of range", what);
  is_int(out, 12345, "%s: nothing written", what);
  ok(strstr(att_errmsg(), "date arithmetic out of range") != NULL, "%s: %s", what,
     att_errmsg());
}

static void test_add_edges(void) {
  att_time t, last = att_days_from_civil(ATT_YEAR_MAX, 12, 31) * DAY + 86399;
  att_time first = att_days_from_civil(ATT_YEAR_MIN, 1, 1) * DAY;
  att_duration d;
  /* Open ends stay open, whatever is added. */
  d = D(INT64_MAX, INT64_MIN, INT64_MAX, INT64_MIN);
  is_int(att_duration_add(ATT_TIME_MIN, &d, &t), 0, "an open start");
  is_int(t, ATT_TIME_MIN, "stays open");
  is_int(att_duration_add(ATT_TIME_MAX, &d, &t), 0, "an open end");
  is_int(t, ATT_TIME_MAX, "stays open");
  /* The components at their edges. */
  range_is(0, D(INT64_MAX, 0, 0, 0), "INT64_MAX years");
  range_is(0, D(INT64_MIN, 0, 0, 0), "INT64_MIN years");
  range_is(0, D(INT64_MAX / 12, INT64_MAX % 12 + 1, 0, 0), "years and months overflow");
  range_is(0, D(0, INT64_MAX, 0, 0), "INT64_MAX months");
  range_is(0, D(0, INT64_MIN, 0, 0), "INT64_MIN months");
  range_is(0, D(0, 0, INT64_MAX, 0), "INT64_MAX days");
  range_is(0, D(0, 0, INT64_MIN, 0), "INT64_MIN days");
  range_is(1, D(0, 0, 0, INT64_MAX), "1 + INT64_MAX seconds");
  range_is(-2, D(0, 0, 0, INT64_MIN), "-2 + INT64_MIN seconds");
  range_is(0, D(0, 0, 0, INT64_MAX), "reaching ATT_TIME_MAX");
  range_is(-1, D(0, 0, 0, INT64_MIN + 1), "reaching ATT_TIME_MIN");
  range_is(ATT_TIME_MAX - 1, D(0, 0, 0, 1), "one second before the open end");
  range_is(ATT_TIME_MIN + 1, D(0, 0, 0, -1), "one second after the open start");
  range_is(last, D(0, 1, 0, 0), "a month after the last year");
  range_is(first, D(0, -1, 0, 0), "a month before the first year");
  range_is(0, D(ATT_YEAR_MAX, 0, 0, 0), "past the last year");
  /* Within the range, up to its ends. */
  d = D(0, 0, 0, 0);
  is_int(att_duration_add(last, &d, &t), 0, "the last second");
  d = D(0, -1, 0, 0);
  is_int(att_duration_add(last, &d, &t), 0, "a month back from the last second");
  is_int(t, att_days_from_civil(ATT_YEAR_MAX, 11, 30) * DAY + 86399, "Nov 30");
  d = D(0, 11, 0, 0);
  is_int(att_duration_add(first, &d, &t), 0, "11 months from the first second");
  is_int(t, att_days_from_civil(ATT_YEAR_MIN, 12, 1) * DAY, "Dec 1 of the first year");
  d = D(0, 0, 0, ATT_TIME_MAX - 1);
  is_int(att_duration_add(0, &d, &t), 0, "the largest instant that is not open");
  is_int(t, ATT_TIME_MAX - 1, "INT64_MAX - 1");
}

static void test_arith(void) {
  att_duration a = D(1, 2, 3, 4), b = D(-1, 1, 10, -4), r;
  att_duration big = D(INT64_MAX, 0, 0, 0), min = D(0, 0, 0, INT64_MIN);
  att_duration want;
  int c = 9, eq = 9;

  is_int(att_duration_sum(&a, &b, &r), 0, "sum");
  want = D(0, 3, 13, 0);
  ok(same(&r, &want), "by component");
  is_int(att_duration_diff(&a, &b, &r), 0, "difference");
  want = D(2, 1, -7, 8);
  ok(same(&r, &want), "by component");
  is_int(att_duration_neg(&a, &r), 0, "negation");
  want = D(-1, -2, -3, -4);
  ok(same(&r, &want), "by component");
  is_int(att_duration_scale(&a, -3, &r), 0, "product");
  want = D(-3, -6, -9, -12);
  ok(same(&r, &want), "by component");
  want = att_duration_seconds(-5);
  ok(want.seconds == -5 && !want.years && !want.months && !want.days, "seconds");

  r = D(7, 7, 7, 7);
  is_int(att_duration_sum(&big, &big, &r), ATT_ERANGE, "INT64_MAX + INT64_MAX");
  is_str(att_errmsg(), "duration out of range", "message");
  want = D(7, 7, 7, 7);
  ok(same(&r, &want), "nothing written");
  is_int(att_duration_neg(&min, &r), ATT_ERANGE, "-INT64_MIN");
  is_int(att_duration_diff(&a, &min, &r), ATT_ERANGE, "a - INT64_MIN");
  is_int(att_duration_diff(&min, &a, &r), ATT_ERANGE, "INT64_MIN - 4s");
  is_int(att_duration_scale(&min, -1, &r), ATT_ERANGE, "INT64_MIN * -1");
  is_int(att_duration_scale(&big, 2, &r), ATT_ERANGE, "INT64_MAX * 2");
  is_int(att_duration_scale(&a, INT64_MIN, &r), ATT_ERANGE, "4s * INT64_MIN");
  is_int(att_duration_scale(&min, 1, &r), 0, "INT64_MIN * 1");
  is_int(att_duration_scale(&big, 0, &r), 0, "INT64_MAX * 0");
  want = D(0, 0, 0, 0);
  ok(same(&r, &want), "is zero");

  {
    att_duration d1 = D(0, 0, 1, 0), h24 = D(0, 0, 0, 86400), y1 = D(1, 0, 0, 0),
                 mo12 = D(0, 12, 0, 0), h25 = D(0, 0, 0, 90000), mo1 = D(0, 1, 0, 0),
                 zero = D(0, 0, 0, 0);
    is_int(att_duration_eq(&d1, &h24, &eq), 0, "1d == 24h");
    is_int(eq, 1, "1d == 24h");
    is_int(att_duration_eq(&y1, &mo12, &eq), 0, "1y == 12mo");
    is_int(eq, 1, "1y == 12mo");
    is_int(att_duration_eq(&mo1, &d1, &eq), 0, "1mo == 1d");
    is_int(eq, 0, "1mo is not 1d");
    is_int(att_duration_cmp(&d1, &h25, &c), 0, "1d < 25h");
    is_int(c, -1, "1d < 25h");
    is_int(att_duration_cmp(&mo12, &y1, &c), 0, "12mo == 1y");
    is_int(c, 0, "12mo == 1y");
    is_int(att_duration_cmp(&y1, &mo1, &c), 0, "1y > 1mo");
    is_int(c, 1, "1y > 1mo");
    is_int(att_duration_cmp(&zero, &mo1, &c), 0, "0 < 1mo");
    is_int(c, -1, "0 < 1mo");
    is_int(att_duration_cmp(&mo1, &d1, &c), ATT_EINVAL, "months against days");
    is_str(att_errmsg(), "cannot compare the durations 1mo and 1d: a month or a year has "
                         "no fixed number of days", "message");
    is_int(att_duration_eq(&big, &d1, &eq), ATT_ERANGE, "years beyond 64 bits of months");
    is_str(att_errmsg(), "duration out of range", "message");
    big = D(0, 0, INT64_MAX / 86400 + 1, 0);
    is_int(att_duration_cmp(&d1, &big, &c), ATT_ERANGE, "days beyond 64 bits of seconds");
    big = D(0, 0, INT64_MAX / 86400, INT64_MAX % 86400 + 1);
    is_int(att_duration_norm(&big, &a.years, &a.seconds), ATT_ERANGE,
           "days and seconds beyond 64 bits");
  }
}

static void test_between(void) {
  att_duration d, want;
  is_int(att_duration_between(T("2024-03-01T00:00:00Z"), T("2024-02-01T00:00:00Z"), &d), 0,
         "a month of 2024");
  want = D(0, 0, 29, 0);
  ok(same(&d, &want), "is 29 days");
  is_int(att_duration_between(0, 90000, &d), 0, "backwards");
  want = D(0, 0, -1, -3600);
  ok(same(&d, &want), "days and seconds of the same sign");
  is_int(att_duration_between(ATT_TIME_MIN, 0, &d), ATT_EINVAL, "an open start");
  is_str(att_errmsg(), "cannot subtract dates with an open start", "message");
  is_int(att_duration_between(0, ATT_TIME_MAX, &d), ATT_EINVAL, "an open end");
  is_int(att_duration_between(ATT_TIME_MAX - 1, ATT_TIME_MIN + 1, &d), ATT_ERANGE,
         "beyond 64 bits");
  is_str(att_errmsg(), "date difference out of range", "message");
  is_int(att_duration_between(ATT_TIME_MAX - 1, 0, &d), 0, "the largest difference");
  {
    att_time t;
    is_int(att_duration_add(0, &d, &t), 0, "adds back");
    is_int(t, ATT_TIME_MAX - 1, "to where it came from");
  }
}

/* Seconds in an option or a setting: decimal, nothing strtod adds. */
static void test_seconds(void) {
  static const struct {
    const char *in;
    double v;
  } good[] = {{"30", 30}, {"0.5", 0.5}, {"2.5s", 2.5}, {".25", 0.25}, {"0", 0}, {"10.", 10}, {"007", 7}};
  static const char *const bad[] = {"", "s", ".", "0x1p3", "0x10", "inf", "nan", "1e3", " 5", "5 ",
                                    "-1", "+1", "5ss", "5m", "1,5", NULL};
  int wrong = 0;
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    double v = -1;
    if (att_seconds_read(good[i].in, &v) != 0 || v != good[i].v) {
      printf("# \"%s\" read as %g\n", good[i].in, v);
      wrong++;
    }
  }
  for (int i = 0; bad[i]; i++) {
    double v = -1;
    if (att_seconds_read(bad[i], &v) == 0) {
      printf("# \"%s\" taken as %g\n", bad[i], v);
      wrong++;
    }
  }
  is_int(wrong, 0, "seconds: decimal digits, a fraction, an optional s; nothing else");
}

int main(void) {
  test_seconds();
  test_script_forms();
  test_script_refusals();
  test_lead();
  test_dialects();
  test_format();
  test_add();
  test_add_edges();
  test_arith();
  test_between();
  return done_testing();
}
