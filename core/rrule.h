/*
 * Recurrence rules: the iCalendar RRULE subset of an event's `recur`
 * field (FREQ=YEARLY|MONTHLY|WEEKLY|DAILY, INTERVAL, COUNT, UNTIL,
 * BYMONTH, BYMONTHDAY, BYDAY; docs/scheduling.md section 2 is the
 * manual).  Parsed and validated here; core/recur.h expands the
 * occurrences.
 */
#ifndef ATT_RRULE_H
#define ATT_RRULE_H

#include <stdint.h>

#include "date.h"

#define ATT_RRULE_TZ_MAX 64

enum { ATT_FREQ_YEARLY = 1, ATT_FREQ_MONTHLY, ATT_FREQ_WEEKLY, ATT_FREQ_DAILY };

typedef struct att_rrule {
  int freq;
  int interval;   /* >= 1, default 1 */
  int count;      /* 0 = unbounded */
  int has_until;
  att_time until; /* inclusive */
  int until_date; /* UNTIL was a DATE: until is the last second of that day */
  uint16_t bymonth;    /* bit m (1..12) */
  uint32_t bymonthday; /* bit d (1..31) for positive days */
  uint32_t bymonthday_neg; /* bit d (1..31) for -d */
  struct {
    int8_t ord; /* 0 = every; -53..53 otherwise */
    uint8_t wday; /* 0 = MO .. 6 = SU */
  } byday[32];
  int nbyday;
  /* The IANA zone whose local time the occurrences keep (the event's tz;
   * core/recur.h), "" for UTC.  Not part of the rule's text. */
  char tz[ATT_RRULE_TZ_MAX];
} att_rrule;

/* Make r recur at dtstart's local time of day in zone (NULL or "": UTC),
 * across changes of the zone's offset.  ATT_EINVAL for a zone the
 * system's tzdata lacks (core/tz.h) or one longer than the field. */
int att_rrule_set_tz(att_rrule *r, const char *zone);

/* Parse "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=17".  Names and values are
 * case-insensitive and an "RRULE:" prefix is allowed; no white space.  The
 * canonical text is upper case, parts in the order FREQ, INTERVAL (left out
 * when 1), COUNT, UNTIL, BYMONTH, BYMONTHDAY, BYDAY, numbers without
 * leading zeros or '+', list values sorted (BYMONTHDAY: 1..31 then -1..-31;
 * BYDAY: by weekday MO..SU, then every, 1.., -1..).  A value listed twice is
 * an error.  BYDAY ordinals need MONTHLY or YEARLY (-5..5 with MONTHLY or
 * with BYMONTH); BYMONTHDAY is refused with WEEKLY.  At most 512 bytes.
 * UNTIL is YYYYMMDD or YYYYMMDDTHHMMSSZ (UTC) and excludes COUNT.
 * On failure ATT_EINVAL with a message naming the part and what is
 * accepted.  canon (if not NULL) receives the canonical text. */
int att_rrule_parse(const char *s, att_rrule *r, char *canon, size_t cap);

#endif
