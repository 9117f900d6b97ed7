/*
 * Unit tests of the RRULE subset (core/rrule.c): valid rules and their
 * canonical text, the parsed fields, and one failing rule per check with
 * the part and the value named in the message.
 */
#include <string.h>

#include "date.h"
#include "error.h"
#include "rrule.h"
#include "tap.h"

static const struct {
  const char *in, *canon;
} good[] = {
    {"FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=17",
     "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=17"},
    {"freq=weekly;byday=mo,we", "FREQ=WEEKLY;BYDAY=MO,WE"},
    {"BYDAY=FR,MO;FREQ=WEEKLY;INTERVAL=2",
     "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR"},
    {"FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=-1FR"},
    {"FREQ=MONTHLY;BYDAY=+1MO", "FREQ=MONTHLY;BYDAY=1MO"},
    {"FREQ=MONTHLY;BYDAY=-1MO,MO,2MO,TU,1MO",
     "FREQ=MONTHLY;BYDAY=MO,1MO,2MO,-1MO,TU"},
    {"FREQ=DAILY;INTERVAL=1", "FREQ=DAILY"},
    {"FREQ=DAILY;INTERVAL=0007", "FREQ=DAILY;INTERVAL=7"},
    {"FREQ=DAILY;COUNT=10", "FREQ=DAILY;COUNT=10"},
    {"FREQ=DAILY;INTERVAL=1000;COUNT=100000",
     "FREQ=DAILY;INTERVAL=1000;COUNT=100000"},
    {"FREQ=YEARLY;UNTIL=20281231", "FREQ=YEARLY;UNTIL=20281231"},
    {"FREQ=YEARLY;UNTIL=20281231t090000z",
     "FREQ=YEARLY;UNTIL=20281231T090000Z"},
    {"FREQ=YEARLY;UNTIL=20240229", "FREQ=YEARLY;UNTIL=20240229"},
    {"RRULE:FREQ=YEARLY", "FREQ=YEARLY"},
    {"rrule:Freq=Yearly", "FREQ=YEARLY"},
    {"FREQ=MONTHLY;BYMONTHDAY=-1,1,15,+20",
     "FREQ=MONTHLY;BYMONTHDAY=1,15,20,-1"},
    {"FREQ=YEARLY;BYMONTH=02,1", "FREQ=YEARLY;BYMONTH=1,2"},
    {"FREQ=YEARLY;BYDAY=20MO", "FREQ=YEARLY;BYDAY=20MO"},
    {"FREQ=YEARLY;BYDAY=-53SU", "FREQ=YEARLY;BYDAY=-53SU"},
    {"FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"},
    {"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
     "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"},
    {"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-30",
     "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-30"},
    {"FREQ=DAILY;BYMONTH=1;BYMONTHDAY=1;BYDAY=SA,SU",
     "FREQ=DAILY;BYMONTH=1;BYMONTHDAY=1;BYDAY=SA,SU"},
    {"BYDAY=SU,SA,FR,TH,WE,TU,MO;COUNT=3;FREQ=WEEKLY",
     "FREQ=WEEKLY;COUNT=3;BYDAY=MO,TU,WE,TH,FR,SA,SU"},
};

static const struct {
  const char *in, *need1, *need2;
} bad[] = {
    {"", "empty", "FREQ=YEARLY"},
    {"RRULE:", "empty", "FREQ="},
    {"INTERVAL=2", "FREQ is required", "YEARLY"},
    {"FREQ=HOURLY", "FREQ=HOURLY", "YEARLY, MONTHLY, WEEKLY or DAILY"},
    {"FREQ=YEARLY;FREQ=MONTHLY", "FREQ is given twice", "once"},
    {"FREQ=YEARLY;BYSETPOS=1", "BYSETPOS is not supported",
     "supported parts: FREQ, INTERVAL, COUNT, UNTIL, BYMONTH, BYMONTHDAY, "
     "BYDAY"},
    {"FREQ=YEARLY;byhour=9", "byhour is not supported", "supported parts"},
    {"FREQ=YEARLY;WKST=MO", "WKST is not supported", "supported parts"},
    {"FREQ=YEARLY;X-FOO=1", "X-FOO is not known", "supported parts"},
    {"FREQ=DAILY;INTERVAL=0", "INTERVAL=0", "1 to 1000"},
    {"FREQ=DAILY;INTERVAL=1001", "INTERVAL=1001", "1 to 1000"},
    {"FREQ=DAILY;INTERVAL=-1", "INTERVAL=-1", "1 to 1000"},
    {"FREQ=DAILY;INTERVAL=99999999999", "INTERVAL=99999999999", "1 to 1000"},
    {"FREQ=DAILY;COUNT=0", "COUNT=0", "1 to 100000"},
    {"FREQ=DAILY;COUNT=100001", "COUNT=100001", "1 to 100000"},
    {"FREQ=DAILY;COUNT=abc", "COUNT=ABC", "integer"},
    {"FREQ=DAILY;COUNT=3;UNTIL=20240101", "COUNT and UNTIL", "cannot both"},
    {"FREQ=DAILY;UNTIL=2024", "UNTIL=2024", "YYYYMMDD"},
    {"FREQ=DAILY;UNTIL=2024-01-01", "UNTIL=2024-01-01", "YYYYMMDD"},
    {"FREQ=DAILY;UNTIL=20240230", "UNTIL=20240230", "no such day"},
    {"FREQ=DAILY;UNTIL=20231301", "UNTIL=20231301", "no such day"},
    {"FREQ=DAILY;UNTIL=20240101T090000", "UNTIL=20240101T090000", "UTC"},
    {"FREQ=DAILY;UNTIL=20240101T250000Z", "UNTIL=20240101T250000Z",
     "no such time"},
    {"FREQ=YEARLY;BYMONTH=13", "BYMONTH=13", "1 to 12"},
    {"FREQ=YEARLY;BYMONTH=0", "BYMONTH=0", "1 to 12"},
    {"FREQ=YEARLY;BYMONTH=1,1", "BYMONTH lists 1 twice", "RRULE"},
    {"FREQ=YEARLY;BYMONTH=1,,2", "BYMONTH=1,,2", "empty item"},
    {"FREQ=YEARLY;BYMONTH=1,", "BYMONTH=1,", "empty item"},
    {"FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY item 0", "1 to 31"},
    {"FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY item 32", "-31 to -1"},
    {"FREQ=MONTHLY;BYMONTHDAY=-32", "BYMONTHDAY item -32", "1 to 31"},
    {"FREQ=MONTHLY;BYMONTHDAY=-1,-1", "BYMONTHDAY lists -1 twice", "RRULE"},
    {"FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY", "FREQ=WEEKLY"},
    {"FREQ=WEEKLY;BYDAY=1MO", "BYDAY=1MO", "FREQ=MONTHLY or FREQ=YEARLY"},
    {"FREQ=DAILY;BYDAY=-1FR", "BYDAY=-1FR", "with FREQ=DAILY"},
    {"FREQ=MONTHLY;BYDAY=6MO", "BYDAY=6MO", "1 to 5"},
    {"FREQ=YEARLY;BYMONTH=3;BYDAY=-6TU", "BYDAY=-6TU", "1 to 5"},
    {"FREQ=YEARLY;BYDAY=54MO", "BYDAY item 54MO", "1 to 53"},
    {"FREQ=YEARLY;BYDAY=0MO", "BYDAY item 0MO", "1 to 53"},
    {"FREQ=WEEKLY;BYDAY=XX", "BYDAY item XX", "MO, TU, WE"},
    {"FREQ=WEEKLY;BYDAY=MONDAY", "BYDAY item MONDAY", "MO, TU, WE"},
    {"FREQ=WEEKLY;BYDAY=MO,MO", "BYDAY lists MO twice", "RRULE"},
    {"FREQ=WEEKLY;BYDAY=+MO", "BYDAY item +MO", "ordinal"},
    {"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30,31", "BYMONTHDAY", "never occurs"},
    {"FREQ=YEARLY; BYMONTH=2", "a space at byte 12", "no spaces"},
    {"FREQ=YEARLY;BYMONTH=\xC3\xA9", "a non-ASCII character", "byte 20"},
    {"FREQ=YEARLY;\tBYMONTH=1", "a control character", "byte 12"},
    {"FREQ=YEARLY;", "an empty part", "single ';'"},
    {"FREQ=YEARLY;;BYMONTH=1", "an empty part", "byte 12"},
    {"FREQ", "the part FREQ has no '='", "NAME=VALUE"},
    {"FREQ=", "FREQ has no value", "RRULE \"FREQ=\""},
    {"FREQ=YEARLY;BYDAY=", "BYDAY has no value", "RRULE"},
};

int main(void) {
  char canon[600], big[700];
  att_rrule r;
  size_t i;
  int rc;

  for (i = 0; i < sizeof good / sizeof good[0]; i++) {
    char again[600];
    rc = att_rrule_parse(good[i].in, &r, canon, sizeof canon);
    is_int(rc, 0, "good[%zu] %s parses (%s)", i, good[i].in, att_errmsg());
    is_str(rc == 0 ? canon : NULL, good[i].canon, "good[%zu] canonical", i);
    rc = att_rrule_parse(canon, NULL, again, sizeof again);
    ok(rc == 0 && strcmp(again, canon) == 0, "good[%zu] canonical is stable",
       i);
  }

  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    att__errclear();
    rc = att_rrule_parse(bad[i].in, &r, canon, sizeof canon);
    is_int(rc, ATT_EINVAL, "bad[%zu] %s fails", i, bad[i].in);
    ok(strstr(att_errmsg(), bad[i].need1) != NULL, "bad[%zu] names '%s': %s", i,
       bad[i].need1, att_errmsg());
    ok(strstr(att_errmsg(), bad[i].need2) != NULL, "bad[%zu] says '%s'", i,
       bad[i].need2);
  }

  /* The parsed fields. */
  rc = att_rrule_parse("FREQ=MONTHLY;INTERVAL=3;COUNT=12;BYMONTH=1,12;"
                       "BYMONTHDAY=5,-2;BYDAY=2WE,-1SU",
                       &r, NULL, 0);
  is_int(rc, 0, "full rule without canon buffer");
  is_int(r.freq, ATT_FREQ_MONTHLY, "freq");
  is_int(r.interval, 3, "interval");
  is_int(r.count, 12, "count");
  is_int(r.has_until, 0, "no until");
  is_int(r.bymonth, (1 << 1) | (1 << 12), "bymonth bits");
  is_int(r.bymonthday, 1 << 5, "bymonthday bits");
  is_int(r.bymonthday_neg, 1 << 2, "bymonthday_neg bits");
  is_int(r.nbyday, 2, "two byday entries");
  ok(r.byday[0].wday == 2 && r.byday[0].ord == 2, "2WE");
  ok(r.byday[1].wday == 6 && r.byday[1].ord == -1, "-1SU");

  rc = att_rrule_parse("FREQ=DAILY", &r, NULL, 0);
  ok(rc == 0 && r.interval == 1 && r.count == 0 && r.nbyday == 0 &&
         r.bymonth == 0,
     "defaults: interval 1, unbounded, no filters");

  rc = att_rrule_parse("FREQ=YEARLY;UNTIL=20281231", &r, NULL, 0);
  ok(rc == 0 && r.has_until && r.until_date &&
         r.until == att_days_from_civil(2028, 12, 31) * 86400 + 86399,
     "UNTIL date: the last second of that day, inclusive");
  rc = att_rrule_parse("FREQ=YEARLY;UNTIL=20281231T090000Z", &r, NULL, 0);
  ok(rc == 0 && r.has_until && !r.until_date &&
         r.until == att_days_from_civil(2028, 12, 31) * 86400 + 9 * 3600,
     "UNTIL date-time: that second");
  rc = att_rrule_parse("FREQ=YEARLY;UNTIL=19691231T235959Z", &r, canon,
                       sizeof canon);
  ok(rc == 0 && r.until == -1 &&
         strcmp(canon, "FREQ=YEARLY;UNTIL=19691231T235959Z") == 0,
     "UNTIL before 1970 prints back: %s", canon);

  /* Limits of the text. */
  memset(big, 0, sizeof big);
  strcpy(big, "FREQ=DAILY;BYMONTHDAY=");
  for (i = strlen(big); i < 520; i++) big[i] = i % 2 ? ',' : '1';
  rc = att_rrule_parse(big, &r, canon, sizeof canon);
  ok(rc == ATT_EINVAL && strstr(att_errmsg(), "too long") &&
         strstr(att_errmsg(), "at most 512"),
     "too long: %s", att_errmsg());
  rc = att_rrule_parse("FREQ=YEARLY;BYMONTH=12", &r, canon, 10);
  is_int(rc, ATT_ERANGE, "canon buffer too small is ATT_ERANGE");
  rc = att_rrule_parse(NULL, &r, canon, sizeof canon);
  is_int(rc, ATT_EINVAL, "NULL rule");

  return done_testing();
}
