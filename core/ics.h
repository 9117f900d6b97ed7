/*
 * iCalendar (RFC 5545) from events: the writer behind `attache export
 * --format ics` and at.report.ics.  docs/reports.md gives the mapping:
 * one VEVENT per event; a day as an all-day event (DTSTART;VALUE=DATE and
 * an exclusive DTEND); a date-time in UTC; a period (2024/2028) from its
 * first to its last day; a fuzzy date (2024-01~/2024-04~, 2023-11, 2024)
 * on its earliest day with the EDTF kept in X-ATTACHE-EDTF; recur as
 * RRULE; a VALARM per lead when asked.  Lines end in CRLF and are folded
 * at 75 octets, never inside a UTF-8 character.
 */
#ifndef ATT_ICS_H
#define ATT_ICS_H

#include <stddef.h>
#include <stdint.h>

#include "duration.h"
#include "event.h"

typedef struct att_ics_opts {
  const char *domain;    /* UIDs are event-ID@domain; NULL: "attache" */
  const char *name;      /* X-WR-CALNAME; NULL: "attache" */
  const att_duration *alarms; /* leads before the start (remind.h): a VALARM each */
  size_t nalarms;
  att_time now; /* DTSTAMP of an event that has no created/updated time */
} att_ics_opts;

/* The calendar of evs[0..n) as text (malloc'd, NUL-terminated; *len gets
 * its length if len is not NULL).  NULL with ATT_ENOMEM. */
char *att_ics_calendar(const att_event *evs, size_t n, const att_ics_opts *o, size_t *len);

/* TEXT escaping (RFC 5545 3.3.11) of s (exposed for the tests).  Backslash, semicolon and comma are escaped,
 * line breaks become \n, other control characters spaces.  malloc'd;
 * NULL with ATT_ENOMEM. */
char *att_ics_escape(const char *s);

/* One content line folded (RFC 5545 3.1): CRLF after at most 75 octets,
 * continuation lines start with a space, a UTF-8 character is never
 * split.  malloc'd; NULL with ATT_ENOMEM. */
char *att_ics_fold(const char *line);

#endif
