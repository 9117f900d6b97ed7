/*
 * The iCalendar writer (core/ics.c) at the ends of the date range: every
 * date the store accepts, open and unknown ends (whose bounds are
 * INT64_MIN and INT64_MAX), years before 0 and beyond 9999, and alarms
 * at the extreme leads.  Issue 12 found -INT64_MIN computed for `../2024`;
 * under UBSan (ATT_SANITIZE aborts on the first report) this test is the
 * check that no date makes the writer compute out of range.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ics.h"
#include "tap.h"

/* The calendar of one event {title, when} with the given alarms: its
 * text (malloc'd) or NULL. */
static char *calendar_of(const char *when, const att_duration *alarms, size_t nalarms) {
  char json[256];
  att_event ev;
  att_ics_opts o;
  char *text;
  att_event_init(&ev);
  snprintf(json, sizeof json, "{\"title\":\"t\",\"when\":\"%s\"}", when);
  if (att_event_from_json(json, strlen(json), 0, &ev) != 0 || att_event_validate(&ev) != 0) {
    att_event_free(&ev);
    return NULL;
  }
  memset(&o, 0, sizeof o);
  o.alarms = alarms;
  o.nalarms = nalarms;
  o.now = 1700000000;
  text = att_ics_calendar(&ev, 1, &o, NULL);
  att_event_free(&ev);
  return text;
}

int main(void) {
  static const char *const whens[] = {
      "../2024",       "2024/..",        "/2024",          "2024/",
      "../-9999",      "-9999/..",       "-9999",          "0000",
      "9999-12-31",    "Y170000002",     "Y-170000002",    "Y292277026595",
      "Y-292277022656", "../9999-12-31", "0000-01-01/..",  "-9999/9999",
      "2024-01-01T23:59:59Z/..",          "../1970-01-01T00:00:00Z",
      "-00XX",         "XXXX",           "2024-21~",       "../2024-01-01T00:00:00+14:00",
  };
  static const att_duration leads[] = {
      {0, 0, 0, 0},          {0, 0, 0, 1},         {0, 0, 0, -1},
      {0, 0, 1, 0},          {0, 0, 100000, 0},    {0, 0, -100000, 0},
      {1, 0, 0, 0},          {0, 3, 0, 0}};
  size_t i;
  char *text;

  for (i = 0; i < sizeof whens / sizeof whens[0]; i++) {
    text = calendar_of(whens[i], NULL, 0);
    ok(text != NULL, "a calendar for when = %s", whens[i]);
    ok(text && strstr(text, "BEGIN:VEVENT") && strstr(text, "DTSTART"),
       "... with one event and its start (%s)", whens[i]);
    free(text);
  }

  /* An open start is drawn on the latest day that is known. */
  text = calendar_of("../2024", NULL, 0);
  ok(text && strstr(text, "DTSTART;VALUE=DATE:20241231"),
     "../2024 sits on its latest day, 2024-12-31");
  free(text);

  /* Years that calendars cannot read are clamped to 0000-9999. */
  text = calendar_of("Y-292277022656", NULL, 0);
  ok(text && strstr(text, "DTSTART;VALUE=DATE:00000101"), "the earliest year is clamped to 0000");
  free(text);
  text = calendar_of("Y292277026595", NULL, 0);
  ok(text && strstr(text, "DTSTART;VALUE=DATE:99991231") && !strstr(text, "DTEND"),
     "the latest year is clamped to 9999, on its last day, without a DTEND (one day: RFC 5545)");
  free(text);

  /* Alarms: every lead, positive, negative and zero. */
  text = calendar_of("2024-06-01", leads, sizeof leads / sizeof leads[0]);
  ok(text && strstr(text, "TRIGGER:-P100000D") && strstr(text, "TRIGGER:P100000D") &&
         strstr(text, "TRIGGER:PT0S") && strstr(text, "TRIGGER:PT1S"),
     "alarms of 100000 days before and after, and of 0 and 1 s, are written");
  ok(text && strstr(text, "TRIGGER:-P366D") && strstr(text, "TRIGGER:-P92D"),
     "a year and three months before 2024-06-01 are the days back on the calendar");
  free(text);
  /* A calendar lead at the ends of the years: no date to count back to,
   * so a month of 1/12 of 365.25 days. */
  for (i = 0; i < sizeof whens / sizeof whens[0]; i++) {
    text = calendar_of(whens[i], leads + 6, 2);
    ok(text && strstr(text, "TRIGGER:-P"), "calendar alarms for when = %s", whens[i]);
    free(text);
  }

  return done_testing();
}
