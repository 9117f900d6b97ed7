/*
 * Occurrences of events: the one answer to "when does event E happen in
 * [a, b]", for `list`, at.query and at.each, reports, the timeline and the
 * daemon's reminders alike.  A plain event happens once, over its bounds;
 * a recurring one (its `recur`, core/rrule.h) at each start the rule gives
 * (att_recur_next from the event's earliest instant), its whole span moved
 * along.  docs/scheduling.md ("Occurrences") is the manual.
 */
#ifndef ATT_OCCUR_H
#define ATT_OCCUR_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "rrule.h"

typedef struct att_store att_store;
typedef struct att_query att_query;

/* An event as far as its occurrences go. */
typedef struct att_occur {
  att_time earliest, latest; /* the event's bounds: its first occurrence */
  att_rrule rule;
  int has_rule;
} att_occur;

/* From an event's strict EDTF `when` and its `recur` (NULL or "": none).
 * ATT_EINVAL as att_edtf_parse or att_rrule_parse. */
int att_occur_init(att_occur *oc, const char *when, const char *recur);

/*
 * The start of the first occurrence that starts strictly after `after`,
 * when the event's first occurrence starts at dtstart: for a rule,
 * att_recur_next; without one (rule NULL), dtstart itself.  0, or
 * ATT_ENOTFOUND when there is none, ATT_EINVAL when dtstart is open.  The
 * reminders (core/remind.c) and att_occur_in step with this one function.
 */
int att_occur_next(const att_rrule *rule, att_time dtstart, att_time after,
                   att_time *start);

/*
 * The occurrences that overlap [from, to] (an occurrence starting at s
 * spans [s, att_occur_end(oc, s)]), in order, their starts into
 * out[0..cap).  Returns how many, ATT_ERANGE (with a message) when there
 * are more than cap, or a negative code.  An event with no rule, or whose
 * `when` has an open start (nothing to count from), occurs once: itself.
 */
int att_occur_in(const att_occur *oc, att_time from, att_time to, att_time *out,
                 size_t cap);

/* The end of the occurrence that starts at start: start plus the span of
 * the event's `when`; an open or unknown end lasts no time in an
 * occurrence (the end is the start).  For an event that occurs once
 * (above), its own latest. */
att_time att_occur_end(const att_occur *oc, att_time start);

/* The most occurrences one event may show in one window (a minutely rule
 * over a year would be half a million): beyond it, ATT_ERANGE. */
#define ATT_OCCUR_MAX 100000

/* One line of an expanded listing: an event, or one occurrence of a
 * recurring event. */
typedef struct att_occ {
  int64_t id;
  att_time start, end; /* the occurrence's (or the event's) bounds */
  int recurring;       /* 1: an occurrence of a recurring event */
  int timed;           /* its event's `when` holds a time (att_occ_text) */
} att_occ;

/*
 * The date of an occurrence as EDTF: its day ("2025-01-09"), or its UTC
 * instant when the event is timed ("2025-01-09T09:00:00Z", timed: its
 * `when` holds a time), and "/" and the last day or instant when it spans
 * more than a day ("2025-03-30/2025-04-01"); an open start or end is
 * ".." ("../2024-05-31", an event listed as itself).  0 or ATT_ERANGE.
 */
int att_occ_text(att_time start, att_time end, int timed, char *buf, size_t cap);

/*
 * The lines of an expanded listing from candidates ids[0..n) (a query's
 * matches in its order, with att_occur_candidates applied to the query so
 * that recurring events are among them whatever their own dates): each
 * candidate that recurs, once per occurrence in [q->from, q->to]; each
 * other one if its own bounds overlap that window.  Sorted by q's order
 * (by when: each occurrence at its own start; by another key: the
 * candidates' order, each one's occurrences in date order) and cut to q's
 * limit.  bounds (or NULL): the candidates' dates, as
 * att_store_query_bounds gives them, spare a look-up of each.  *out is
 * malloc'd (free it).  0 or a negative code.
 */
int att_occur_list(att_store *st, const int64_t *ids, const att_bounds *bounds, size_t n,
                   const att_query *q, att_occ **out, size_t *nout);
/* Widen query q to the candidates of an expanded listing: the events in
 * its window, and those that recur and start by its end whatever their
 * span (a recurring event never occurs before its own start), found from
 * the snapshot's postings of recurring events (format 4; an older one is
 * read from the start of time); no limit. */
void att_occur_candidates(att_query *q);

/*
 * What `list --from A --to B` shows: the events of query q whose own bounds
 * overlap [q->from, q->to] and do not recur, and every occurrence in that
 * window of the events that recur (whatever their own dates), sorted by q's
 * order and cut to q's limit, as att_occur_list.  *out is malloc'd (free
 * it).  0 or a negative code.
 */
int att_store_occurrences(att_store *st, const att_query *q, att_occ **out, size_t *n);
/* How many lines att_store_occurrences would give, without listing them:
 * the events of q that do not recur, counted from the indexes, plus each
 * recurring candidate's occurrences in the window (those are read).  0 or
 * a negative code. */
int att_occur_count(att_store *st, const att_query *q, size_t *n);

#endif
