/*
 * Unit tests of time zones (core/tz.c) against the system's tzdata:
 * names accepted and refused (with a did-you-mean), offsets, local times
 * around the daylight-saving changes of Europe/London, America/New_York
 * and Australia/Sydney (the gap and the overlap, and their messages), a
 * zone without daylight saving (Asia/Phnom_Penh), the display forms, and
 * that the process's own TZ is left as it was.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "error.h"
#include "recur.h"
#include "rrule.h"
#include "tap.h"
#include "testutil.h"
#include "tz.h"

static att_time T(const char *s) { return tu_time(s); }

static int has(const char *msg, const char *part) { return strstr(msg, part) != NULL; }

/* local -> UTC, as RFC 3339, or "ERR" with the message in *msg. */
static const char *l2u(const char *zone, int y, int mo, int d, int h, int mi, int which, char *buf,
                       int *off) {
  att_time t;
  if (att_tz_local_to_utc_ex(zone, y, mo, d, h, mi, 0, which, &t, off) != 0) return "ERR";
  att_time_format(t, buf, 40);
  return buf;
}

static void names(void) {
  static const char *const good[] = {"UTC", "Asia/Phnom_Penh", "Europe/London", "America/New_York",
                                     "Australia/Sydney", "America/Argentina/Buenos_Aires",
                                     "Etc/GMT+7", "US/Eastern"};
  static const char *const bad[] = {"", "Asia/Phnom Penh", "../../etc/passwd", "Asia/../Europe/London",
                                    "/usr/share/zoneinfo/UTC", "Mars/Olympus_Mons", "zone.tab",
                                    "Asia/", "Asia//Tokyo", "right/UTC", "tzdata.zi", "Asia",
                                    "EST5EDT,M3.2.0,M11.1.0", "Local"};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++)
    is_int(att_tz_check(good[i]), 0, "zone %s is accepted", good[i]);
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int rc = att_tz_check(bad[i]);
    is_int(rc, ATT_EINVAL, "zone \"%s\" is refused", bad[i]);
    ok(has(att_errmsg(), "IANA name"), "its message says what a zone is: %s", att_errmsg());
  }
  att_tz_check("Asia/Phnom_Pen");
  ok(has(att_errmsg(), "did you mean \"Asia/Phnom_Penh\"?"), "a typo gets a did-you-mean: %s", att_errmsg());
  att_tz_check("asia/phnom_penh");
  ok(has(att_errmsg(), "did you mean \"Asia/Phnom_Penh\"?"), "the wrong case too: %s", att_errmsg());
  att_tz_check("Phnom_Penh");
  ok(has(att_errmsg(), "did you mean \"Asia/Phnom_Penh\"?"), "the city alone too: %s", att_errmsg());
  att_tz_check("Europe/Londn");
  ok(has(att_errmsg(), "\"Europe/London\""), "Europe/Londn: %s", att_errmsg());
  att_tz_check("Mars/Olympus_Mons");
  ok(!has(att_errmsg(), "did you mean"), "nothing close: no guess (%s)", att_errmsg());
  ok(att_tz_offset("Nowhere/Town", 0, NULL) == ATT_EINVAL, "a conversion in an unknown zone is refused");
}

static void offsets(void) {
  int off = 1;
  is_int(att_tz_offset("Asia/Phnom_Penh", T("2023-12-18T03:00:00Z"), &off), 0, "Phnom Penh offset");
  is_int(off, 7 * 3600, "Phnom Penh is UTC+07 in December");
  att_tz_offset("Asia/Phnom_Penh", T("2024-06-18T03:00:00Z"), &off);
  is_int(off, 7 * 3600, "and in June (no daylight saving)");
  att_tz_offset("Europe/London", T("2024-07-01T12:00:00Z"), &off);
  is_int(off, 3600, "London in July: BST");
  att_tz_offset("Europe/London", T("2024-01-01T12:00:00Z"), &off);
  is_int(off, 0, "London in January: GMT");
  att_tz_offset("America/New_York", T("2024-01-01T12:00:00Z"), &off);
  is_int(off, -5 * 3600, "New York in January: EST");
  att_tz_offset("Australia/Sydney", T("2024-01-01T12:00:00Z"), &off);
  is_int(off, 11 * 3600, "Sydney in January: AEDT (southern summer)");
  att_tz_offset("Australia/Sydney", T("2024-07-01T12:00:00Z"), &off);
  is_int(off, 10 * 3600, "Sydney in July: AEST");
  att_tz_offset("UTC", T("2024-07-01T12:00:00Z"), &off);
  is_int(off, 0, "UTC");
}

static void local_times(void) {
  char buf[48];
  int off = 0;
  /* Ordinary times */
  is_str(l2u("Asia/Phnom_Penh", 2023, 12, 18, 10, 0, 0, buf, &off), "2023-12-18T03:00:00Z", "10:00 in Phnom Penh");
  is_int(off, 7 * 3600, "at +07:00");
  is_str(l2u("Europe/London", 2024, 7, 1, 10, 0, 0, buf, &off), "2024-07-01T09:00:00Z", "10:00 BST");
  is_str(l2u("America/New_York", 2024, 1, 15, 10, 0, 0, buf, &off), "2024-01-15T15:00:00Z", "10:00 EST");
  /* Just before and after the changes */
  is_str(l2u("Europe/London", 2024, 3, 31, 0, 59, 0, buf, &off), "2024-03-31T00:59:00Z", "00:59 GMT before the gap");
  is_str(l2u("Europe/London", 2024, 3, 31, 2, 0, 0, buf, &off), "2024-03-31T01:00:00Z", "02:00 BST after it");
  is_int(off, 3600, "BST");

  /* The gaps: refused, naming both readings */
  is_str(l2u("Europe/London", 2024, 3, 31, 1, 30, 0, buf, &off), "ERR", "01:30 on 31 March 2024 does not exist in London");
  ok(has(att_errmsg(), "2024-03-31 01:30 does not exist in Europe/London"), "the message names it: %s", att_errmsg());
  ok(has(att_errmsg(), "2024-03-31 00:30 GMT") && has(att_errmsg(), "2024-03-31 02:30 BST"),
     "and both candidates (00:30 GMT, 02:30 BST)");
  is_str(l2u("America/New_York", 2024, 3, 10, 2, 30, 0, buf, &off), "ERR", "02:30 on 10 March 2024 in New York");
  ok(has(att_errmsg(), "01:30 EST") && has(att_errmsg(), "03:30 EDT"), "both candidates: %s", att_errmsg());
  is_str(l2u("Australia/Sydney", 2024, 10, 6, 2, 30, 0, buf, &off), "ERR", "02:30 on 6 October 2024 in Sydney");
  ok(has(att_errmsg(), "01:30 AEST") && has(att_errmsg(), "03:30 AEDT"), "both candidates: %s", att_errmsg());
  is_str(l2u("Europe/London", 2024, 3, 31, 1, 30, ATT_TZ_EARLIER, buf, &off), "ERR",
         "a gap stays refused even when an overlap's choice is given");

  /* The overlaps: refused unless one is chosen */
  is_str(l2u("Europe/London", 2024, 10, 27, 1, 30, 0, buf, &off), "ERR", "01:30 on 27 October 2024 happens twice in London");
  ok(has(att_errmsg(), "happens twice in Europe/London") && has(att_errmsg(), "01:30 BST") &&
         has(att_errmsg(), "01:30 GMT") && has(att_errmsg(), "+01:00") && has(att_errmsg(), "+00:00"),
     "both readings and their offsets: %s", att_errmsg());
  is_str(l2u("Europe/London", 2024, 10, 27, 1, 30, ATT_TZ_EARLIER, buf, &off), "2024-10-27T00:30:00Z", "the earlier is BST");
  is_int(off, 3600, "+01:00");
  is_str(l2u("Europe/London", 2024, 10, 27, 1, 30, ATT_TZ_LATER, buf, &off), "2024-10-27T01:30:00Z", "the later is GMT");
  is_int(off, 0, "+00:00");
  is_str(l2u("America/New_York", 2024, 11, 3, 1, 30, 0, buf, &off), "ERR", "01:30 on 3 November 2024 in New York");
  ok(has(att_errmsg(), "01:30 EDT") && has(att_errmsg(), "01:30 EST"), "both readings: %s", att_errmsg());
  is_str(l2u("Australia/Sydney", 2024, 4, 7, 2, 30, 0, buf, &off), "ERR", "02:30 on 7 April 2024 in Sydney");
  ok(has(att_errmsg(), "02:30 AEDT") && has(att_errmsg(), "02:30 AEST"), "both readings: %s", att_errmsg());
  is_str(l2u("Australia/Sydney", 2024, 4, 7, 2, 30, ATT_TZ_LATER, buf, &off), "2024-04-06T16:30:00Z", "the later is AEST");

  /* Phnom Penh has neither: every local time of the year is one instant */
  {
    int bad = 0;
    for (int day = 0; day < 366; day++) {
      int64_t y;
      int mo, d;
      att_time t;
      att_civil_from_days(att_days_from_civil(2024, 1, 1) + day, &y, &mo, &d);
      if (att_tz_local_to_utc("Asia/Phnom_Penh", y, mo, d, 2, 30, 0, &t, &off) != 0 ||
          t != att_days_from_civil(y, mo, d) * 86400 + 2 * 3600 + 1800 - 7 * 3600)
        bad++;
    }
    is_int(bad, 0, "Phnom Penh: 02:30 on each day of 2024 is 19:30Z the day before");
  }
  /* Fields out of range */
  is_str(l2u("UTC", 2023, 2, 29, 10, 0, 0, buf, &off), "ERR", "29 February 2023 is refused");
  ok(has(att_errmsg(), "day 29"), "naming the day: %s", att_errmsg());
  is_str(l2u("UTC", 2023, 2, 28, 24, 0, 0, buf, &off), "ERR", "24:00 is refused");
  is_str(l2u("UTC", 2023, 13, 1, 0, 0, 0, buf, &off), "ERR", "month 13 is refused");
}

static void formats(void) {
  char buf[64];
  is_int(att_tz_format(T("2023-12-18T03:00:00Z"), "Asia/Phnom_Penh", buf, sizeof buf), 0, "format");
  is_str(buf, "2023-12-18 10:00 +07", "Phnom Penh, numeric abbreviation as tzdata has it");
  att_tz_format(T("2024-07-01T09:00:30Z"), "Europe/London", buf, sizeof buf);
  is_str(buf, "2024-07-01 10:00:30 BST", "seconds when not zero, BST");
  att_tz_format(T("2024-01-15T15:00:00Z"), "America/New_York", buf, sizeof buf);
  is_str(buf, "2024-01-15 10:00 EST", "EST");
  ok(att_tz_format(T("2024-01-15T15:00:00Z"), "UTC", buf, 8) == ATT_ERANGE, "too small a buffer is refused");
  is_int(att_tz_edtf(T("2023-12-18T03:00:00Z"), "Asia/Phnom_Penh", buf, sizeof buf), 0, "edtf");
  is_str(buf, "2023-12-18T10:00:00+07:00", "EDTF with the offset");
  att_tz_edtf(T("2024-01-15T15:00:00Z"), "America/New_York", buf, sizeof buf);
  is_str(buf, "2024-01-15T10:00:00-05:00", "a negative offset");
  {
    att_bounds b;
    ok(att_edtf_parse(buf, &b, NULL, 0) == 0 && b.earliest == T("2024-01-15T15:00:00Z"),
       "which reads back to the same instant");
  }
  ok(att_tz_edtf(T("1890-01-01T00:00:00Z"), "Asia/Phnom_Penh", buf, sizeof buf) == ATT_ERANGE,
     "local mean time (seconds in the offset) is refused for EDTF: %s", att_errmsg());
  {
    int64_t y;
    int mo, d, h, mi, s, off;
    is_int(att_tz_local("Australia/Sydney", T("2024-01-01T00:00:00Z"), &y, &mo, &d, &h, &mi, &s, &off), 0, "local");
    ok(y == 2024 && mo == 1 && d == 1 && h == 11 && mi == 0 && s == 0 && off == 39600, "11:00 AEDT on 1 January");
  }
}

static void keeps_tz(void) {
  char buf[64];
  setenv("TZ", "America/New_York", 1);
  tzset();
  att_tz_format(0, "Asia/Phnom_Penh", buf, sizeof buf);
  is_str(getenv("TZ"), "America/New_York", "the process's TZ is put back");
  {
    time_t t = 0;
    struct tm tm;
    localtime_r(&t, &tm);
    is_int(tm.tm_hour, 19, "and the C library uses it again (19:00 EST on 31 December 1969)");
  }
  unsetenv("TZ");
  tzset();
  att_tz_format(0, "Asia/Phnom_Penh", buf, sizeof buf);
  ok(getenv("TZ") == NULL, "an unset TZ stays unset");
}

/* count occurrences of rule in zone from dtstart, as RFC 3339 */
static void occurrences(const char *rule, const char *zone, const char *start, int n, const char *const *want,
                        const char *what) {
  att_rrule r;
  att_time t[16], after;
  char buf[40];
  int got = 0, same = 1;
  if (att_rrule_parse(rule, &r, NULL, 0) != 0 || att_rrule_set_tz(&r, zone) != 0) {
    ok(0, "%s: rule %s in %s: %s", what, rule, zone, att_errmsg());
    return;
  }
  after = T(start) - 1;
  got = att_recur_upcoming(&r, T(start), after, t, n);
  is_int(got, n, "%s: %d occurrences", what, n);
  for (int i = 0; i < got && i < n; i++) {
    att_time_format(t[i], buf, sizeof buf);
    if (strcmp(buf, want[i]) != 0) {
      printf("#   occurrence %d: got %s, want %s\n", i, buf, want[i]);
      same = 0;
    }
  }
  ok(same, "%s: each at the same local time", what);
}

static void recurring(void) {
  /* A weekly meeting at 10:00 in London, across the change of 31 March. */
  static const char *const london[] = {"2024-03-18T10:00:00Z", "2024-03-25T10:00:00Z",
                                       "2024-04-01T09:00:00Z", "2024-04-08T09:00:00Z",
                                       "2024-10-21T09:00:00Z", "2024-10-28T10:00:00Z"};
  static const char *const london2[] = {"2024-10-21T09:00:00Z", "2024-10-28T10:00:00Z"};
  /* New York: 10 March and 3 November 2024. */
  static const char *const ny[] = {"2024-03-04T15:00:00Z", "2024-03-11T14:00:00Z"};
  /* Sydney: summer time ends on 7 April, starts on 6 October 2024. */
  static const char *const syd[] = {"2024-04-01T23:00:00Z", "2024-04-09T00:00:00Z"};
  static const char *const syd2[] = {"2024-09-30T00:00:00Z", "2024-10-06T23:00:00Z"};
  /* Phnom Penh: always 03:00Z. */
  static const char *const pp[] = {"2024-03-25T03:00:00Z", "2024-04-01T03:00:00Z", "2024-04-08T03:00:00Z"};
  /* Daily at 01:30 London: the day of the gap moves it an hour on (RFC
   * 5545), the day of the overlap takes the first of the two. */
  static const char *const gap[] = {"2024-03-30T01:30:00Z", "2024-03-31T01:30:00Z", "2024-04-01T00:30:00Z"};
  static const char *const ovl[] = {"2024-10-26T00:30:00Z", "2024-10-27T00:30:00Z", "2024-10-28T01:30:00Z"};
  static const char *const utc[] = {"2024-03-25T10:00:00Z", "2024-04-01T10:00:00Z"};
  att_rrule r;
  att_time t;
  occurrences("FREQ=WEEKLY;COUNT=6", "Europe/London", "2024-03-18T10:00:00Z", 2, london, "London weekly");
  {
    att_rrule_parse("FREQ=WEEKLY", &r, NULL, 0);
    att_rrule_set_tz(&r, "Europe/London");
    is_int(att_recur_next(&r, T("2024-03-18T10:00:00Z"), T("2024-03-26T00:00:00Z"), &t), 0, "next after 26 March");
    is_int(t, T("2024-04-01T09:00:00Z"), "is 1 April 10:00 BST (09:00Z)");
    is_int(att_recur_next(&r, T("2024-03-18T10:00:00Z"), T("2024-10-22T00:00:00Z"), &t), 0, "next after 22 October");
    is_int(t, T("2024-10-28T10:00:00Z"), "is 28 October 10:00 GMT (10:00Z)");
    is_int(att_recur_next(&r, T("2024-03-18T10:00:00Z"), T("2024-10-28T10:00:00Z") - 1, &t), 0, "a second before");
    is_int(t, T("2024-10-28T10:00:00Z"), "is that one");
    is_int(att_recur_next(&r, T("2024-03-18T10:00:00Z"), T("2024-10-28T10:00:00Z"), &t), 0, "at it");
    is_int(t, T("2024-11-04T10:00:00Z"), "is the next week's");
  }
  occurrences("FREQ=WEEKLY", "Europe/London", "2024-10-21T09:00:00Z", 2, london2, "London in October");
  occurrences("FREQ=WEEKLY", "America/New_York", "2024-03-04T15:00:00Z", 2, ny, "New York weekly");
  occurrences("FREQ=WEEKLY", "Australia/Sydney", "2024-04-01T23:00:00Z", 2, syd, "Sydney in April");
  occurrences("FREQ=WEEKLY", "Australia/Sydney", "2024-09-30T00:00:00Z", 2, syd2, "Sydney in October");
  occurrences("FREQ=WEEKLY", "Asia/Phnom_Penh", "2024-03-25T03:00:00Z", 3, pp, "Phnom Penh weekly");
  occurrences("FREQ=DAILY", "Europe/London", "2024-03-30T01:30:00Z", 3, gap, "daily across the gap");
  occurrences("FREQ=DAILY", "Europe/London", "2024-10-26T00:30:00Z", 3, ovl, "daily across the overlap");
  occurrences("FREQ=WEEKLY", "", "2024-03-25T10:00:00Z", 2, utc, "no zone: UTC");
  {
    /* COUNT and UNTIL keep their meaning. */
    att_rrule_parse("FREQ=WEEKLY;COUNT=2", &r, NULL, 0);
    att_rrule_set_tz(&r, "Europe/London");
    is_int(att_recur_next(&r, T("2024-03-25T10:00:00Z"), T("2024-03-25T10:00:00Z"), &t), 0, "COUNT=2: the second");
    is_int(t, T("2024-04-01T09:00:00Z"), "at 10:00 BST");
    is_int(att_recur_next(&r, T("2024-03-25T10:00:00Z"), t, &t), ATT_ENOTFOUND, "and no third");
    att_rrule_parse("FREQ=WEEKLY;UNTIL=20240401T090000Z", &r, NULL, 0);
    att_rrule_set_tz(&r, "Europe/London");
    is_int(att_recur_next(&r, T("2024-03-25T10:00:00Z"), T("2024-03-25T10:00:00Z"), &t), 0, "UNTIL: the instant itself");
    is_int(t, T("2024-04-01T09:00:00Z"), "is included");
  }
  ok(att_rrule_set_tz(&r, "Europe/Londn") == ATT_EINVAL, "an unknown zone is refused");
  ok(strstr(att_errmsg(), "did you mean \"Europe/London\"") != NULL, "%s", att_errmsg());
}

int main(void) {
  recurring();
  names();
  offsets();
  local_times();
  formats();
  keeps_tz();
  return done_testing();
}
