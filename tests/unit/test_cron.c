/*
 * Unit tests of cron schedules (core/cron.c): parsing and its messages,
 * hand-checked next times in UTC and in zones with and without daylight
 * saving, impossible schedules, and a minute-by-minute oracle around every
 * daylight-saving change of 2024 in the tested zones.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cron.h"
#include "date.h"
#include "error.h"
#include "tap.h"
#include "testutil.h"

static void set_tz(const char *tz) {
  setenv("TZ", tz, 1);
  tzset();
}

static att_time T(const char *s) { return tu_time(s); }

/* The next time after `after` (RFC 3339) as RFC 3339 UTC, or the error. */
static const char *next_of(const char *expr, const char *after, char *buf) {
  att_cron c;
  att_time t;
  int rc;
  if ((rc = att_cron_parse(expr, &c)) < 0) return att_err_name(rc);
  if ((rc = att_cron_next(&c, T(after), &t)) < 0) return att_err_name(rc);
  att_time_format(t, buf, 40);
  return buf;
}

/* Checks a chain of next times: want[] are RFC 3339 instants (offsets). */
static void chain(const char *tz, const char *expr, const char *after,
                  const char *const *want, int n) {
  att_cron c;
  att_time t = T(after), got;
  int i, rc;
  set_tz(tz);
  if (!ok(att_cron_parse(expr, &c) == 0, "%s parses", expr)) return;
  for (i = 0; i < n; i++) {
    char g[40], w[40];
    rc = att_cron_next(&c, t, &got);
    if (rc < 0) {
      ok(0, "%s in %s: step %d: %s", expr, tz, i, att_errmsg());
      return;
    }
    att_time_format(got, g, sizeof g);
    att_time_format(T(want[i]), w, sizeof w);
    is_str(g, w, "%s in %s after %s: #%d is %s", expr, tz, after, i + 1,
           want[i]);
    t = got;
  }
}

#define CHAIN(tz, expr, after, ...)                                     \
  do {                                                                  \
    static const char *const w_[] = {__VA_ARGS__};                      \
    chain(tz, expr, after, w_, (int)(sizeof w_ / sizeof w_[0]));        \
  } while (0)

static void test_parse(void) {
  att_cron c;
  static const char *const bad[][2] = {
      {"", "0 fields, expected 5"},
      {"* * * *", "4 fields"},
      {"0 0 * * * 2024", "seconds or years are not supported"},
      {"60 * * * *", "minute field \"60\": 60 is out of range; accepted: 0-59"},
      {"0 24 * * *", "hour field \"24\": 24 is out of range; accepted: 0-23"},
      {"0 0 0 * *", "day-of-month field \"0\": 0 is out of range; accepted: 1-31"},
      {"0 0 32 * *", "day-of-month field \"32\""},
      {"0 0 * 13 *", "month field \"13\": 13 is out of range; accepted: 1-12 or JAN-DEC"},
      {"0 0 * * 8", "day-of-week field \"8\": 8 is out of range; accepted: 0-7 (0 and 7 are Sunday) or SUN-SAT"},
      {"0 0 * FOO *", "month field \"FOO\": \"FOO\" is not a month"},
      {"0 0 * * MONDAY", "\"MONDAY\" is not a day of the week"},
      {"x * * * *", "minute field \"x\": \"x\" is not a number"},
      {"JAN * * * *", "minute field \"JAN\""},
      {"5-1 * * * *", "the range 5-1 runs backwards"},
      {"*/0 * * * *", "the step 0 must be from 1 to 60"},
      {"*/ * * * *", "the step after '/' is missing"},
      {"1,,2 * * * *", "an empty item in the list"},
      {"1, * * * *", "an empty item"},
      {"*-5 * * * *", "'*' cannot be combined"},
      {"0 0 * * SAT-SUN", "the range SAT-SUN runs backwards"},
      {"1-/2 * * * *", "a value is missing"},
      {"@reboot", "unknown shortcut \"@reboot\""},
      {"@daily 5", "unexpected text after @daily"},
  };
  size_t i;

  ok(att_cron_parse("* * * * *", &c) == 0, "every minute");
  is_int(c.minutes, UINT64_C(0x0FFFFFFFFFFFFFFF), "minutes 0-59");
  is_int(c.hours, 0xFFFFFF, "hours 0-23");
  is_int(c.mdays, 0xFFFFFFFEu, "days 1-31");
  is_int(c.months, 0x1FFE, "months 1-12");
  is_int(c.wdays, 0x7F, "weekdays 0-6");
  is_int(c.flags, ATT_CRON_MDAY_ANY | ATT_CRON_WDAY_ANY | ATT_CRON_HOUR_ANY,
         "all stars");

  ok(att_cron_parse("*/15 1-5/2 1,15 jan-Mar,DEC 7", &c) == 0, "mixed");
  is_int(c.minutes, (1ull << 0) | (1ull << 15) | (1ull << 30) | (1ull << 45),
         "*/15");
  is_int(c.hours, (1 << 1) | (1 << 3) | (1 << 5), "1-5/2");
  is_int(c.mdays, (1u << 1) | (1u << 15), "1,15");
  is_int(c.months, (1 << 1) | (1 << 2) | (1 << 3) | (1 << 12), "jan-Mar,DEC");
  is_int(c.wdays, 1, "7 is Sunday");
  is_int(c.flags, 0, "nothing unrestricted");

  ok(att_cron_parse("0/20 0 * * fri-sat", &c) == 0, "0/20, fri-sat");
  is_int(c.minutes, (1ull << 0) | (1ull << 20) | (1ull << 40), "0/20 runs to 59");
  ok(att_cron_parse("0 0 * * 5-7", &c) == 0, "5-7");
  is_int(c.wdays, (1 << 5) | (1 << 6) | 1, "5-7 is FRI,SAT,SUN");
  ok(att_cron_parse("0 0 * * FRI-SUN", &c) < 0, "FRI-SUN (SUN = 0) is backwards");
  ok(att_cron_parse("0 0 */2 * 1", &c) == 0 &&
         c.flags == ATT_CRON_MDAY_ANY, "*/2 day of month counts as '*'");
  ok(att_cron_parse("0 0 *,1 * 1", &c) == 0 && c.flags == 0,
     "a list with '*' is restricted");
  ok(att_cron_parse("  0\t8  *  * \tMON-FRI  ", &c) == 0, "spaces and tabs");
  is_int(c.wdays, 0x3E, "MON-FRI");

  {
    static const char *const sc[][2] = {
        {"@yearly", "0 0 1 1 *"},  {"@annually", "0 0 1 1 *"},
        {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
        {"@daily", "0 0 * * *"},   {"@MIDNIGHT", "0 0 * * *"},
        {"@Hourly", "0 * * * *"},
    };
    for (i = 0; i < sizeof sc / sizeof sc[0]; i++) {
      att_cron a, b;
      ok(att_cron_parse(sc[i][0], &a) == 0 && att_cron_parse(sc[i][1], &b) == 0 &&
             memcmp(&a, &b, sizeof a) == 0,
         "%s is %s", sc[i][0], sc[i][1]);
    }
  }

  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = att_cron_parse(bad[i][0], &c);
    is_int(rc, ATT_EINVAL, "\"%s\" is refused", bad[i][0]);
    ok(strstr(att_errmsg(), bad[i][1]) != NULL, "message for \"%s\": %s",
       bad[i][0], att_errmsg());
  }
}

static void test_utc(void) {
  char b[40];
  set_tz("UTC");
  is_str(next_of("* * * * *", "2024-01-01T00:00:00Z", b), "2024-01-01T00:01:00Z",
         "strictly after");
  is_str(next_of("* * * * *", "2024-01-01T00:00:30Z", b), "2024-01-01T00:01:00Z",
         "from the middle of a minute");
  is_str(next_of("0 8 * * 1", "2023-12-18T08:00:00Z", b), "2023-12-25T08:00:00Z",
         "Mondays 08:00");
  is_str(next_of("0 8 * * MON", "2023-12-18T07:59:59Z", b), "2023-12-18T08:00:00Z",
         "same day");
  is_str(next_of("@yearly", "2023-12-18T00:00:00Z", b), "2024-01-01T00:00:00Z",
         "@yearly");
  is_str(next_of("@monthly", "2024-01-31T23:59:00Z", b), "2024-02-01T00:00:00Z",
         "@monthly");
  is_str(next_of("@weekly", "2024-01-01T00:00:00Z", b), "2024-01-07T00:00:00Z",
         "@weekly is Sunday");
  is_str(next_of("@hourly", "2024-01-01T23:00:00Z", b), "2024-01-02T00:00:00Z",
         "@hourly over midnight");
  is_str(next_of("0 0 29 2 *", "2024-03-01T00:00:00Z", b), "2028-02-29T00:00:00Z",
         "29 February: next leap year");
  is_str(next_of("0 0 29 2 *", "2096-03-01T00:00:00Z", b), "2104-02-29T00:00:00Z",
         "29 February: 2100 is not a leap year");
  is_str(next_of("0 12 13 * 5", "2024-01-01T00:00:00Z", b), "2024-01-05T12:00:00Z",
         "OR rule: a Friday before the 13th");
  is_str(next_of("0 12 13 * 5", "2024-01-12T12:00:00Z", b), "2024-01-13T12:00:00Z",
         "OR rule: the 13th, a Saturday");
  is_str(next_of("0 12 */2 * 5", "2024-01-01T00:00:00Z", b), "2024-01-05T12:00:00Z",
         "*/2 with a weekday: odd days AND Fridays (5 Jan)");
  is_str(next_of("0 12 */2 * 5", "2024-01-05T12:00:00Z", b), "2024-01-19T12:00:00Z",
         "then 19 Jan (12 and 26 Jan are even)");
  is_str(next_of("0 12 13 * *", "2024-01-01T00:00:00Z", b), "2024-01-13T12:00:00Z",
         "day of month only");
  is_str(next_of("0 12 * * 5", "2024-01-06T00:00:00Z", b), "2024-01-12T12:00:00Z",
         "day of week only");
  is_str(next_of("30 9 31 * *", "2024-04-01T00:00:00Z", b), "2024-05-31T09:30:00Z",
         "31st skips April");
  is_str(next_of("59 23 31 12 *", "2023-12-31T23:59:00Z", b), "2024-12-31T23:59:00Z",
         "last minute of the year");
  is_str(next_of("0 0 31 2 *", "2024-01-01T00:00:00Z", b), "ATT_ENOTFOUND",
         "31 February never fires");
  ok(strstr(att_errmsg(), "never fires") && strstr(att_errmsg(), "February"),
     "and says so: %s", att_errmsg());
  is_str(next_of("0 0 30,31 2 *", "2024-01-01T00:00:00Z", b), "ATT_ENOTFOUND",
         "30/31 February never fires");
  is_str(next_of("0 0 31 4,6,9,11 *", "2024-01-01T00:00:00Z", b), "ATT_ENOTFOUND",
         "31 in 30-day months never fires");
  is_str(next_of("0 0 31 2 1", "2024-01-01T00:00:00Z", b), "2024-02-05T00:00:00Z",
         "31 February OR Mondays fires on Mondays of February");
  is_str(next_of("0 0 * * *", "9999-12-31T00:00:00Z", b), "ATT_ERANGE",
         "past year 9999");
  is_str(next_of("0 0 * * *", "1969-12-31T12:00:00Z", b), "1970-01-01T00:00:00Z",
         "before the epoch");
  is_str(next_of("0 0 * * THU", "1900-01-01T00:00:00Z", b), "1900-01-04T00:00:00Z",
         "1900-01-04 was a Thursday");

  CHAIN("UTC", "*/20 9-10 * * MON-FRI", "2024-01-05T10:30:00Z",
        "2024-01-05T10:40:00Z", "2024-01-08T09:00:00Z", "2024-01-08T09:20:00Z",
        "2024-01-08T09:40:00Z", "2024-01-08T10:00:00Z");
  CHAIN("UTC", "0 0 1 JAN,jul *", "2023-06-01T00:00:00Z",
        "2023-07-01T00:00:00Z", "2024-01-01T00:00:00Z", "2024-07-01T00:00:00Z");
  CHAIN("UTC", "15 14 1 * *", "2024-01-01T14:15:00Z", "2024-02-01T14:15:00Z",
        "2024-03-01T14:15:00Z");
}

static void test_dst(void) {
  /* Europe/Berlin 2024: 31 March 02:00 CET -> 03:00 CEST (01:00Z);
   * 27 October 03:00 CEST -> 02:00 CET (01:00Z). */
  CHAIN("Europe/Berlin", "30 2 * * *", "2024-03-29T12:00:00Z",
        "2024-03-30T02:30:00+01:00", "2024-03-31T03:00:00+02:00",
        "2024-04-01T02:30:00+02:00");
  CHAIN("Europe/Berlin", "0,30 2 * * *", "2024-03-30T12:00:00Z",
        "2024-03-31T03:00:00+02:00", "2024-04-01T02:00:00+02:00");
  CHAIN("Europe/Berlin", "30 2,3 * * *", "2024-03-30T12:00:00Z",
        "2024-03-31T03:00:00+02:00", "2024-03-31T03:30:00+02:00",
        "2024-04-01T02:30:00+02:00");
  CHAIN("Europe/Berlin", "0 3 * * *", "2024-03-30T12:00:00Z",
        "2024-03-31T03:00:00+02:00", "2024-04-01T03:00:00+02:00");
  CHAIN("Europe/Berlin", "30 * * * *", "2024-03-31T00:00:00+01:00",
        "2024-03-31T00:30:00+01:00", "2024-03-31T01:30:00+01:00",
        "2024-03-31T03:30:00+02:00");
  CHAIN("Europe/Berlin", "*/30 * * * *", "2024-03-31T01:00:00+01:00",
        "2024-03-31T01:30:00+01:00", "2024-03-31T03:00:00+02:00");
  CHAIN("Europe/Berlin", "30 2 * * *", "2024-10-26T12:00:00Z",
        "2024-10-27T02:30:00+02:00", "2024-10-28T02:30:00+01:00");
  CHAIN("Europe/Berlin", "30 2 * * *", "2024-10-27T02:45:00+02:00",
        "2024-10-28T02:30:00+01:00");
  CHAIN("Europe/Berlin", "30 2 * * *", "2024-10-27T02:10:00+01:00",
        "2024-10-28T02:30:00+01:00");
  CHAIN("Europe/Berlin", "0 * * * *", "2024-10-27T00:30:00+02:00",
        "2024-10-27T01:00:00+02:00", "2024-10-27T02:00:00+02:00",
        "2024-10-27T02:00:00+01:00", "2024-10-27T03:00:00+01:00");
  CHAIN("Europe/Berlin", "*/20 * * * *", "2024-10-27T02:50:00+02:00",
        "2024-10-27T02:00:00+01:00", "2024-10-27T02:20:00+01:00");
  CHAIN("Europe/Berlin", "0 9 * * 1", "2024-10-20T12:00:00Z",
        "2024-10-21T09:00:00+02:00", "2024-10-28T09:00:00+01:00");

  /* America/New_York 2024: 10 March 02:00 EST -> 03:00 EDT;
   * 3 November 02:00 EDT -> 01:00 EST. */
  CHAIN("America/New_York", "15 2 * * *", "2024-03-09T12:00:00Z",
        "2024-03-10T03:00:00-04:00", "2024-03-11T02:15:00-04:00");
  CHAIN("America/New_York", "30 1 * * *", "2024-11-02T12:00:00Z",
        "2024-11-03T01:30:00-04:00", "2024-11-04T01:30:00-05:00");
  CHAIN("America/New_York", "30 * * * *", "2024-11-03T00:00:00-04:00",
        "2024-11-03T00:30:00-04:00", "2024-11-03T01:30:00-04:00",
        "2024-11-03T01:30:00-05:00", "2024-11-03T02:30:00-05:00");
  CHAIN("America/New_York", "0 0 * * *", "2024-11-02T12:00:00Z",
        "2024-11-03T00:00:00-04:00", "2024-11-04T00:00:00-05:00");

  /* Asia/Tokyo: no daylight saving. */
  CHAIN("Asia/Tokyo", "0 9 * * *", "2024-03-30T00:00:00Z",
        "2024-03-31T09:00:00+09:00", "2024-04-01T09:00:00+09:00");
  CHAIN("Asia/Tokyo", "@daily", "2023-12-31T15:00:00Z", "2024-01-02T00:00:00+09:00");

  /* Australia/Sydney 2024: 7 April 03:00 AEDT -> 02:00 AEST;
   * 6 October 02:00 AEST -> 03:00 AEDT. */
  CHAIN("Australia/Sydney", "30 2 * * *", "2024-04-05T12:00:00Z",
        "2024-04-06T02:30:00+11:00", "2024-04-07T02:30:00+11:00",
        "2024-04-08T02:30:00+10:00");
  CHAIN("Australia/Sydney", "30 2 * * *", "2024-10-04T12:00:00Z",
        "2024-10-05T02:30:00+10:00", "2024-10-06T03:00:00+11:00",
        "2024-10-07T02:30:00+11:00");
  CHAIN("Australia/Sydney", "0 * * * *", "2024-04-07T01:30:00+11:00",
        "2024-04-07T02:00:00+11:00", "2024-04-07T02:00:00+10:00",
        "2024-04-07T03:00:00+10:00");
}

/* ---- oracle ---- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng % n);
}

static int civil_of(att_time t, struct tm *tm) {
  time_t tt = (time_t)t;
  return localtime_r(&tt, tm) != NULL;
}

static int tm_matches(const att_cron *c, const struct tm *tm) {
  int md = (c->mdays >> tm->tm_mday) & 1, wd = (c->wdays >> tm->tm_wday) & 1;
  int day = (c->flags & (ATT_CRON_MDAY_ANY | ATT_CRON_WDAY_ANY)) ? md && wd
                                                                 : md || wd;
  return ((c->minutes >> tm->tm_min) & 1) && ((c->hours >> tm->tm_hour) & 1) &&
         ((c->months >> (tm->tm_mon + 1)) & 1) && day;
}

static int64_t off_of(att_time t) {
  struct tm tm;
  civil_of(t, &tm);
  return att_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) *
             86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec - t;
}

/* Does the schedule fire at instant t (a whole UTC minute; the tested
 * zones have whole-minute offsets)?  Written from the definition in
 * docs/scheduling.md, minute by minute. */
static int fires_at(const att_cron *c, att_time t) {
  struct tm tm, tp;
  int64_t o = off_of(t), op = off_of(t - 60), cv;
  civil_of(t, &tm);
  if (tm_matches(c, &tm)) {
    if (c->flags & ATT_CRON_HOUR_ANY) return 1;
    /* Has this civil time been seen in the last day?  Then not again. */
    if (o < off_of(t - 86400)) {
      att_time s;
      for (s = t - 60; s >= t - 86400; s -= 60) {
        civil_of(s, &tp);
        if (tp.tm_year == tm.tm_year && tp.tm_yday == tm.tm_yday &&
            tp.tm_hour == tm.tm_hour && tp.tm_min == tm.tm_min)
          return 0;
      }
    }
    return 1;
  }
  /* The first minute after a gap fires for any skipped matching minute. */
  if (!(c->flags & ATT_CRON_HOUR_ANY) && o > op) {
    for (cv = t + op; cv < t + o; cv += 60) {
      struct tm gt;
      int64_t days = cv >= 0 ? cv / 86400 : -((-cv + 86399) / 86400);
      int64_t y;
      int m, d, sec = (int)(cv - days * 86400);
      att_civil_from_days(days, &y, &m, &d);
      memset(&gt, 0, sizeof gt);
      gt.tm_year = (int)(y - 1900);
      gt.tm_mon = m - 1;
      gt.tm_mday = d;
      gt.tm_hour = sec / 3600;
      gt.tm_min = sec / 60 % 60;
      gt.tm_wday = (int)(((days % 7) + 11) % 7);
      if (tm_matches(c, &gt)) return 1;
    }
  }
  return 0;
}

static void random_expr(char *buf, size_t cap) {
  static const char *const mins[] = {"*", "0", "30", "*/15", "0,30", "5-10",
                                     "*/7", "59", "0/20", "1-50/7"};
  static const char *const hours[] = {"*", "2", "1-3", "*/2", "0,2,4",
                                      "3",  "1", "2,3", "*/3", "22-23"};
  static const char *const mdays[] = {"*", "*", "*", "1-15", "*/2", "6,27",
                                      "31", "30", "7", "3-8"};
  static const char *const months[] = {"*", "*", "*", "3,4", "10-11", "MAR",
                                       "OCT", "4", "*/2", "jan-jun"};
  static const char *const wdays[] = {"*", "*", "*", "0", "SUN", "1-5",
                                      "6,0", "sat", "*/2", "7"};
  snprintf(buf, cap, "%s %s %s %s %s", mins[rnd(10)], hours[rnd(10)],
           mdays[rnd(10)], months[rnd(10)], wdays[rnd(10)]);
}

static void test_oracle(void) {
  static const struct {
    const char *tz, *around;
  } zones[] = {
      {"Europe/Berlin", "2024-03-31T01:00:00Z"},
      {"Europe/Berlin", "2024-10-27T01:00:00Z"},
      {"America/New_York", "2024-03-10T07:00:00Z"},
      {"America/New_York", "2024-11-03T06:00:00Z"},
      {"Australia/Sydney", "2024-04-06T16:00:00Z"},
      {"Australia/Sydney", "2024-10-05T16:00:00Z"},
      {"Asia/Tokyo", "2024-03-31T01:00:00Z"},
      {"UTC", "2024-02-28T12:00:00Z"},
  };
  size_t z;
  int k, total = 0, bad = 0, fired = 0;
  for (z = 0; z < sizeof zones / sizeof zones[0]; z++) {
    att_time w0 = T(zones[z].around) - 2 * 86400, w1 = w0 + 4 * 86400;
    set_tz(zones[z].tz);
    for (k = 0; k < 60; k++) {
      char expr[80];
      att_cron c;
      att_time t, got, prev = w0 - 60;
      int rc, mismatch = 0;
      random_expr(expr, sizeof expr);
      if (att_cron_parse(expr, &c) < 0) {
        ok(0, "random expression %s parses: %s", expr, att_errmsg());
        continue;
      }
      total++;
      for (t = w0; t <= w1 && !mismatch; t += 60) {
        if (!fires_at(&c, t)) continue;
        fired++;
        rc = att_cron_next(&c, prev, &got);
        if (rc < 0 || got != t) {
          char a[40], b[40];
          att_time_format(t, a, sizeof a);
          att_time_format(rc < 0 ? 0 : got, b, sizeof b);
          printf("# %s in %s: oracle %s, next %s (%s)\n", expr, zones[z].tz,
                 a, rc < 0 ? att_errmsg() : b, rc < 0 ? "error" : "");
          mismatch = 1;
        }
        prev = t;
      }
      if (!mismatch) {
        rc = att_cron_next(&c, prev, &got);
        if (rc == 0 && got <= w1) {
          printf("# %s in %s: next fires inside the window where the oracle "
                 "does not\n", expr, zones[z].tz);
          mismatch = 1;
        }
      }
      bad += mismatch;
    }
  }
  is_int(bad, 0, "%d random expressions agree with the minute-by-minute "
         "oracle around DST changes (%d firings)", total, fired);
}

static void test_render(void) {
  att_cron c;
  char buf[512];
  int n;
  set_tz("Europe/Berlin");
  att_cron_parse("30 2 * * *", &c);
  n = att_cron_render(&c, T("2024-03-30T00:00:00Z"), 3, buf, sizeof buf);
  is_int(n, 3, "three lines");
  is_str(buf,
         "2024-03-30 02:30 CET Sat  2024-03-30T01:30:00Z\n"
         "2024-03-31 03:00 CEST Sun  2024-03-31T01:00:00Z\n"
         "2024-04-01 02:30 CEST Mon  2024-04-01T00:30:00Z\n",
         "rendered");
  ok(att_cron_render(&c, T("2024-03-30T00:00:00Z"), 3, buf, 20) == ATT_ERANGE,
     "a small buffer is refused");
  {
    att_time out[5];
    is_int(att_cron_upcoming(&c, T("2024-03-30T00:00:00Z"), out, 5), 5,
           "upcoming: five");
    is_int(out[1], T("2024-03-31T01:00:00Z"), "upcoming[1]");
  }
}

int main(void) {
  test_parse();
  test_utc();
  test_dst();
  test_oracle();
  test_render();
  set_tz("UTC");
  return done_testing();
}
