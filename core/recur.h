/*
 * Expansion of recurrence rules (core/rrule.h): the occurrences of an
 * event that recurs, following RFC 5545 for the subset attache accepts.
 * Days are UTC days, as for every instant of an event, unless the rule
 * has a zone (att_rrule_set_tz): then the occurrences keep dtstart's local
 * time of day in that zone across changes of its offset, and days are
 * the zone's.  docs/scheduling.md and docs/settings.md are the manual.
 */
#ifndef ATT_RECUR_H
#define ATT_RECUR_H

#include "date.h"
#include "rrule.h"

/*
 * The first occurrence strictly after `after` of rule r anchored at
 * dtstart (the event's earliest instant).  dtstart itself is always the
 * first occurrence and counts towards COUNT (RFC 5545), even when it does
 * not match the rule; every other occurrence falls at dtstart's UTC time
 * of day, on a day the rule selects, no later than UNTIL.  Parts that the
 * rule leaves out take their value from dtstart as RFC 5545 says
 * (FREQ=YEARLY alone repeats dtstart's month and day; FREQ=MONTHLY alone
 * its day of month, skipping months without it; FREQ=WEEKLY alone its
 * weekday).  Returns 0 and sets *next, or ATT_ENOTFOUND when there is no
 * further occurrence (the rule ended, or can never occur again), or
 * ATT_EINVAL when dtstart is not a usable instant (an open start).
 * With a zone in r, the same in the zone's local time: a local time that
 * falls in a gap moves on by the gap's length, one in an overlap is the
 * first of the two (RFC 5545), and UNTIL is compared as an instant.
 */
int att_recur_next(const att_rrule *r, att_time dtstart, att_time after,
                   att_time *next);

/* Up to n successive occurrences after `after` into out[]; returns how
 * many were written, or a negative code when the first cannot be computed
 * for another reason than the end of the rule. */
int att_recur_upcoming(const att_rrule *r, att_time dtstart, att_time after,
                       att_time *out, int n);

#endif
