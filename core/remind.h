/*
 * Reminder instants: when to remind of an event, given leads ("7d", "1d",
 * "2h"), an anchor (the event's start or end) and, for a recurring event,
 * its rule, so that a yearly anniversary reminds every year.  This is the
 * arithmetic the daemon calls; it keeps no state.  docs/scheduling.md is
 * the manual.
 */
#ifndef ATT_REMIND_H
#define ATT_REMIND_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "duration.h" /* the grammar of leads, ATT_LEAD_MAX */
#include "rrule.h"

#define ATT_REMIND_MAX_LEADS 16

/*
 * A lead: how long before its anchor a reminder falls, in the one grammar
 * of lengths (duration.h, dialect LEAD): "30m", "2h", "1d", "2w", "3mo",
 * "1y", "1 month", or several ("1d12h"); "0" is the anchor itself.  Days,
 * hours and minutes count on the clock; months and years on the calendar
 * (3mo before 15 April is 15 January).
 *
 * att_lead_read: *out receives the lead.  ATT_EINVAL with a message that
 * quotes the lead and shows the accepted forms; ATT_ERANGE beyond
 * ATT_LEAD_MAX (100 years).
 * att_lead_parse: the same, in seconds, for where a lead has no date to
 * count back from (serve --grace): a month is then 1/12 of 365.25 days.
 */
int att_lead_read(const char *s, att_duration *out);
int att_lead_parse(const char *s, int64_t *secs);
/* The canonical text of a lead in seconds ("1w", "1d12h", "45s", "0"); 0
 * or ATT_ERANGE. */
int att_lead_format(int64_t secs, char *buf, size_t cap);
/* The canonical text of a lead ("3mo", "1y2w", "1d12h", "0"); the same as
 * att_lead_format for a lead without months. */
int att_lead_text(const att_duration *lead, char *buf, size_t cap);
/* *out = t - lead, months and years on the calendar; open ends stay open.
 * 0 or ATT_ERANGE. */
int att_lead_back(att_time t, const att_duration *lead, att_time *out);

enum { ATT_ANCHOR_START = 0, ATT_ANCHOR_END = 1 };
/* Which instant of a fuzzy start (or end) to use.  DEFAULT: the earliest
 * instant of the start, the latest of the end. */
enum { ATT_RESOLVE_DEFAULT = 0, ATT_RESOLVE_EARLIEST, ATT_RESOLVE_LATEST };

typedef struct att_remind_spec {
  att_duration leads[ATT_REMIND_MAX_LEADS]; /* before the anchor */
  int nleads;
  int anchor;  /* ATT_ANCHOR_* */
  int resolve; /* ATT_RESOLVE_* */
} att_remind_spec;

/* The span of an event: when it may start and when it may end.  For a
 * single date (2023-12-17, 2024-11, 2024-33~) both are its bounds; for an
 * interval A/B the start is A's bounds and the end B's; an open or
 * unknown end is ATT_TIME_MIN (start) or ATT_TIME_MAX (end). */
typedef struct att_span {
  att_bounds start, end;
} att_span;

/* Fill *sp from an event's strict EDTF `when`; ATT_EINVAL as
 * att_edtf_parse. */
int att_span_from_edtf(const char *when, att_span *sp);

/* spec with no leads, anchor START, resolve DEFAULT. */
void att_remind_spec_init(att_remind_spec *spec);
/* Parse and append a lead; ATT_EINVAL, ATT_ERANGE, or ATT_ERANGE when
 * there are already ATT_REMIND_MAX_LEADS. */
int att_remind_spec_add(att_remind_spec *spec, const char *lead);

/* One reminder: at `at`, for the occurrence that begins at `occurrence`
 * (the event's earliest instant, moved by the rule), whose anchor is
 * `anchor`, for leads[lead]. */
typedef struct att_remind_hit {
  att_time at;
  att_time occurrence;
  att_time anchor;
  int lead;
} att_remind_hit;

/*
 * The first reminder of lead number `lead` strictly after `after`.
 * Without a rule (rule NULL) the event occurs once; with one, occurrences
 * follow att_recur_next anchored at the event's earliest instant and the
 * whole span moves with each.  Returns 0, or ATT_ENOTFOUND when no
 * reminder is left (all in the past, the rule ended, or the anchor is an
 * open end), with a message; ATT_EINVAL for a bad lead number.  The
 * daemon keeps one queue entry per lead and, once it fires, asks for the
 * next one after its instant.
 */
int att_remind_next_lead(const att_remind_spec *spec, const att_span *sp,
                         const att_rrule *rule, int lead, att_time after,
                         att_remind_hit *hit);

/* Where the anchors of the reminders due in (after, until] can lie: a
 * reminder is its anchor less a lead, so they lie in [*from, *to], the
 * window widened by the leads' reach (a month 28 to 31 days, a year 365
 * or 366, and a day of slack each way), held within the range of
 * instants.  The daemon asks the store for the events that meet it. */
void att_remind_window(const att_remind_spec *spec, att_time after, att_time until,
                       att_time *from, att_time *to);
/* Which of an event's instants is the anchor, as att_query.within
 * (store.h) says it: ATT_WITHIN_START when it is the start at its
 * earliest (anchor "start", the default), ATT_WITHIN_END the end at its
 * latest (anchor "end"), else ATT_WITHIN_OVERLAP (an instant inside the
 * event's dates).  The events to ask for are then those whose that
 * instant lies in att_remind_window's [from, to]: a year-long policy
 * overlaps every window of its year, but starts in one. */
int att_remind_within(const att_remind_spec *spec);

/* The first reminder of any lead strictly after `after`; of reminders at
 * the same instant, the one with the lower lead index.  Two leads can fall
 * at the same instant (7d and 14d of a weekly event): to see both, use
 * att_remind_times or one att_remind_next_lead per lead. */
int att_remind_next(const att_remind_spec *spec, const att_span *sp,
                    const att_rrule *rule, att_time after, att_remind_hit *hit);

/* Every reminder in (after, until], in order, up to cap into out[];
 * returns how many (for catching up after a pause) or a negative code. */
int att_remind_times(const att_remind_spec *spec, const att_span *sp,
                     const att_rrule *rule, att_time after, att_time until,
                     att_remind_hit *out, int cap);

#endif
