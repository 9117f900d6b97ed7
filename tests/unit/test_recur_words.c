/*
 * Unit tests of recurrences in words (core/recur_words.c): every word and
 * phrase of docs/scheduling.md's table and the RRULE it becomes, rules
 * passed through in their canonical form, and refusals that name the
 * input and list what is accepted.  Each accepted phrase's rule is also
 * checked to parse as an RRULE, since that is what the store keeps.
 */
#include <string.h>

#include "error.h"
#include "recur_words.h"
#include "rrule.h"
#include "tap.h"

static void test_words(void) {
  static const struct {
    const char *in, *rule;
  } good[] = {
      {"daily", "FREQ=DAILY"},
      {"Weekly", "FREQ=WEEKLY"},
      {"fortnightly", "FREQ=WEEKLY;INTERVAL=2"},
      {"monthly", "FREQ=MONTHLY"},
      {"quarterly", "FREQ=MONTHLY;INTERVAL=3"},
      {"yearly", "FREQ=YEARLY"},
      {"annually", "FREQ=YEARLY"},
      {"every day", "FREQ=DAILY"},
      {"every week", "FREQ=WEEKLY"},
      {"every month", "FREQ=MONTHLY"},
      {"every year", "FREQ=YEARLY"},
      {"every quarter", "FREQ=MONTHLY;INTERVAL=3"},
      {"every other week", "FREQ=WEEKLY;INTERVAL=2"},
      {"every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"},
      {"every three months", "FREQ=MONTHLY;INTERVAL=3"},
      {"every 5 years", "FREQ=YEARLY;INTERVAL=5"},
      {"every 10 days", "FREQ=DAILY;INTERVAL=10"},
      {"every Monday", "FREQ=WEEKLY;BYDAY=MO"},
      {"every mondays", "FREQ=WEEKLY;BYDAY=MO"},
      {"every Thursday and Monday", "FREQ=WEEKLY;BYDAY=MO,TH"},
      {"every tue, thu and sat", "FREQ=WEEKLY;BYDAY=TU,TH,SA"},
      {"every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"},
      {"quarterly, 4 times", "FREQ=MONTHLY;INTERVAL=3;COUNT=4"},
      {"yearly 10 times", "FREQ=YEARLY;COUNT=10"},
      {"every Monday, twelve times", "FREQ=WEEKLY;COUNT=12;BYDAY=MO"},
      {"freq=yearly;bymonth=1", "FREQ=YEARLY;BYMONTH=1"},
      {"RRULE:FREQ=WEEKLY;INTERVAL=1", "FREQ=WEEKLY"},
  };
  static const char *const bad[] = {
      "",          "sometimes",        "every",        "every weeks",  "every 0 days",
      "every Funday", "every Monday and Monday", "yearly, other times", "weekly 1000 times",
      "every 2",   "FREQ=HOURLY",      "every 2 fortnights",
  };
  size_t i;
  char rule[600];
  att_rrule r;
  for (i = 0; i < sizeof good / sizeof good[0]; i++) {
    rule[0] = '\0';
    is_int(att_recur_words(good[i].in, rule, sizeof rule), 0, "\"%s\" is read", good[i].in);
    is_str(rule, good[i].rule, "\"%s\" becomes %s", good[i].in, good[i].rule);
    is_int(att_rrule_parse(rule, &r, NULL, 0), 0, "%s is an RRULE the store keeps", rule);
  }
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = att_recur_words(bad[i], rule, sizeof rule);
    is_int(rc, ATT_EINVAL, "\"%s\" is refused", bad[i]);
    ok(strstr(att_errmsg(), strchr(bad[i], '=') ? "FREQ" : "accepted") != NULL,
       "its message says what is accepted: %s", att_errmsg());
  }
}

int main(void) {
  test_words();
  return done_testing();
}
