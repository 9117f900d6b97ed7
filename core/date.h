/*
 * Dates as precise as the sources: EDTF (ISO 8601-2) values and friendly
 * input.
 *
 * Every value has an earliest and a latest instant, in seconds since
 * 1970-01-01T00:00:00Z (UTC, proleptic Gregorian calendar).  A day-precision
 * value covers the whole day in UTC: 2023-12-17 is [2023-12-17T00:00:00Z,
 * 2023-12-17T23:59:59Z].  Open or unknown ends of an interval are
 * ATT_TIME_MIN / ATT_TIME_MAX.  docs/dates.md is the manual.
 */
#ifndef ATT_DATE_H
#define ATT_DATE_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t att_time; /* seconds since the Unix epoch, UTC */

#define ATT_TIME_MIN INT64_MIN
#define ATT_TIME_MAX INT64_MAX

/* Longest canonical EDTF text we produce, including the NUL. */
#define ATT_DATE_MAX 128

typedef struct att_bounds {
  att_time earliest; /* first second covered */
  att_time latest;   /* last second covered (inclusive) */
} att_bounds;

/*
 * Parse strict EDTF (Level 0, Level 1, and Level 2 sub-year groupings 21-41).
 * On success fills *b (if not NULL) and writes the canonical form into
 * canon[cap] (if not NULL), and returns 0.  On failure returns ATT_EINVAL and
 * leaves a message naming the value, what is wrong, and the accepted forms.
 * parse(print(parse(s))) == parse(s), and print is idempotent.
 */
int att_edtf_parse(const char *s, att_bounds *b, char *canon, size_t cap);

/*
 * Parse what a person types: strict EDTF, or a friendly form (see
 * docs/dates.md): "December 17, 2023", "17 Dec 2023", "Dec 2023",
 * "2024-Q1", "Q1 2024", "early/mid/late 2024", "2024-28" and "2024–2028"
 * (a span of years), and relative forms resolved against `ref` ("next year",
 * "the coming year", "early next year", "in November", "today", ...).
 * `YYYY-NN` with NN >= 13 is read as a span of years, never as an EDTF
 * season.  Writes the EDTF it stands for into edtf[cap]; fills *b if not NULL.
 * On failure returns ATT_EINVAL with a message that lists the accepted forms.
 */
int att_date_friendly(const char *s, att_time ref, char *edtf, size_t cap,
                      att_bounds *b);

/* Calendar helpers shared by the core. */
int64_t att_days_from_civil(int64_t y, int m, int d); /* days since epoch */
void att_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
int att_days_in_month(int64_t y, int m);

/* RFC 3339 UTC timestamp "2023-12-18T09:30:00Z" into buf (>= 32 bytes). */
int att_time_format(att_time t, char *buf, size_t cap);
/* Parse an RFC 3339 timestamp (Z or offset) into *t. */
int att_time_parse(const char *s, att_time *t);


#endif
