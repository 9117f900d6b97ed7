/*
 * Durations and time arithmetic: the one grammar of duration text ("7d",
 * "2h30m", "1y6mo", "-1d2h"), in the two dialects attache reads (a
 * script's at.duration and a reminder's lead), their canonical text, and
 * adding a duration to an instant on the calendar.  Pure C; the Lua module
 * (bindings/lua/lua_date.c) and the daemon's at.every are thin callers.
 * docs/lua-api.md ("Durations") and docs/scheduling.md ("Leads") are the
 * manuals.
 */
#ifndef ATT_DURATION_H
#define ATT_DURATION_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"

/* The years a date can reach (64-bit seconds, as in docs/dates.md); the
 * same limits as core/date.c's. */
#ifndef ATT_YEAR_MIN
#define ATT_YEAR_MIN INT64_C(-292277022656)
#define ATT_YEAR_MAX INT64_C(292277026595)
#endif

/*
 * A duration is kept by component so that calendar arithmetic is exact
 * and repeatable (as Tarantool's intervals are): years and months are
 * added on the calendar, the day clamped to the month's length; days and
 * seconds on the clock (a UTC day is always 86400 seconds).  Weeks are 7
 * days.  Components may have different signs ("1mo-1d").
 */
typedef struct att_duration {
  int64_t years, months, days, seconds;
} att_duration;

/* Room for the text of any duration, with its NUL. */
#define ATT_DURATION_TEXT_MAX 160

/*
 * The one grammar of lengths of time, read by every entry point (at.duration,
 * at.every, reminder leads, --alarm, --grace, --since).  Text is "0", or a
 * list of terms, a whole number and a unit, and nothing else; spaces may
 * come before a term and between its number and unit ("7 d", "3 months");
 * a unit is the whole run of letters after the number, in any case: y yr
 * year(s), mo month(s), w wk week(s), d day(s), h hr hour(s), m min
 * minute(s), s sec second(s) ("7days" is 7d; "1dd" is refused); units in
 * any order, repeated ones add up; each component fits 64 bits.  Neither
 * ISO 8601 ("P1D") nor fractions ("1.5d").
 *
 * The two dialects differ only in sign and size:
 * SCRIPT (at.duration; at.every, which wants it positive): a term may
 *   start with - or + and a term without a sign takes the sign of the one
 *   before it ("-1d2h" is minus 1d and 2h).
 * LEAD (reminder leads, --alarm, --grace, --since): no sign, and
 *   at most ATT_LEAD_MAX in all (a month counted as 1/12 of 365.25 days).
 */
enum { ATT_DURATION_SCRIPT = 0, ATT_DURATION_LEAD = 1 };

/* The longest lead: 100 years of 365.25 days. */
#define ATT_LEAD_MAX (INT64_C(36525) * 86400)

/* What is wrong with a text that does not read, and where. */
typedef enum att_duration_fault {
  ATT_DURATION_OK = 0,
  ATT_DURATION_EMPTY,  /* no term at all */
  ATT_DURATION_NUMBER, /* a term does not start with a number (at) */
  ATT_DURATION_NOUNIT, /* the text ends after a number */
  ATT_DURATION_UNIT,   /* not a unit of the dialect (at) */
  ATT_DURATION_SIGN,   /* LEAD: a sign (at) */
  ATT_DURATION_RANGE   /* beyond 64 bits (SCRIPT) or ATT_LEAD_MAX (LEAD) */
} att_duration_fault;

typedef struct att_duration_error {
  att_duration_fault fault;
  size_t at; /* offset in the text where the fault starts */
} att_duration_error;

/*
 * Read s in a dialect into *out.  0, or ATT_EINVAL (ATT_ERANGE for
 * ATT_DURATION_RANGE) with *e filled and NO message set: each caller words
 * its own (att_duration_parse, att_lead_parse).  e may be NULL.
 */
int att_duration_scan(const char *s, int dialect, att_duration *out,
                      att_duration_error *e);
/* A short phrase for a fault ("unknown unit"), for messages. */
const char *att_duration_fault_text(att_duration_fault f);

/*
 * Read a duration as at.duration does (dialect SCRIPT).  0, or ATT_EINVAL
 * (ATT_ERANGE when a component leaves 64 bits) with a message that quotes
 * the text, says what is wrong and lists the accepted forms.
 */
int att_duration_parse(const char *s, att_duration *out);

/* Seconds as a person writes them in an option or a setting: decimal
 * digits with an optional fraction and an optional "s" ("30", "0.5",
 * "2.5s"); 0, or -1 for anything else.  Not strtod's reading, which also
 * takes "0x1p3" (8), "inf", "nan", "1e3" and leading spaces. */
int att_seconds_read(const char *s, double *out);

/* The canonical text: components from years down with weeks as days and
 * seconds split into h, m, s ("1y6mo", "7d", "1h30m", "1mo-1d"), a sign
 * before a term only where it changes; "0s" for zero.  0, or ATT_ERANGE
 * when cap is too small (ATT_DURATION_TEXT_MAX always suffices). */
int att_duration_format(const att_duration *d, char *buf, size_t cap);

/* n seconds. */
att_duration att_duration_seconds(int64_t n);
/* *out = a + b, a - b, -a, a * n, component by component.  0, or
 * ATT_ERANGE "duration out of range" when a component leaves 64 bits
 * (INT64_MIN has no negation). */
int att_duration_sum(const att_duration *a, const att_duration *b,
                     att_duration *out);
int att_duration_diff(const att_duration *a, const att_duration *b,
                      att_duration *out);
int att_duration_neg(const att_duration *a, att_duration *out);
int att_duration_scale(const att_duration *a, int64_t n, att_duration *out);
/* The length in months (years and months) and in seconds (days and
 * seconds); 0 or ATT_ERANGE "duration out of range". */
int att_duration_norm(const att_duration *d, int64_t *months, int64_t *secs);
/* Whether a and b have the same length (1d == 24h, 1y == 12mo); 0 or
 * ATT_ERANGE. */
int att_duration_eq(const att_duration *a, const att_duration *b, int *eq);
/* *cmp < 0, 0, > 0 as a is shorter, as long, longer than b.  ATT_EINVAL
 * when one counts months and the other days or seconds (a month has no
 * fixed number of days), ATT_ERANGE as att_duration_norm. */
int att_duration_cmp(const att_duration *a, const att_duration *b, int *cmp);

/*
 * *out = t + d: years and months on the calendar (the day clamped: Jan 31
 * + 1 month is the end of February), then days and seconds.  Open ends
 * (ATT_TIME_MIN/MAX) stay open.  0, or ATT_ERANGE "date arithmetic out of
 * range" when the result leaves ATT_YEAR_MIN..ATT_YEAR_MAX or 64 bits.
 */
int att_duration_add(att_time t, const att_duration *d, att_time *out);
/*
 * The duration from b to a (a - b) in days and seconds of the same sign.
 * ATT_EINVAL when either is open (ATT_TIME_MIN/MAX), ATT_ERANGE when the
 * difference does not fit 64 bits.
 */
int att_duration_between(att_time a, att_time b, att_duration *out);

#endif
