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

/*
 * What the friendly reader needs besides the text: the reference instant of
 * relative forms and the user's conventions (the store's settings).  Fill it
 * with att_date_ctx_init() and change what the settings say.  The reader
 * writes the out fields.
 */
typedef struct att_date_ctx {
  att_time ref;         /* reference instant of relative forms (published date, else now) */
  int ref_is_published; /* 1 when ref is a source's published date (for the echo) */
  int fiscal_start;     /* month 1-12 a fiscal year starts in; 0 = default 4 (Japan, April-March) */
  int fiscal_by_end;    /* 1: FY2024 is the fiscal year ending in 2024 (US); 0: starting in 2024 (Japan) */
  int hemisphere;       /* 0 unset, 'N' or 'S': which season codes `autumn 2024` becomes */
  int day_first;        /* -1 unset (refuse ambiguous 05/06/2024), 0 month first, 1 day first */
  const char *tz;       /* default IANA zone for a local time typed without one; NULL = UTC */
  /* out */
  int used_ref;         /* set to 1 when the value depended on ref */
  char zone[64];        /* the IANA zone named in the input, "" when none */
} att_date_ctx;

/* Defaults: the given reference, fiscal years from April, no hemisphere
 * (seasons 21-24), ambiguous day/month order refused, UTC. */
void att_date_ctx_init(att_date_ctx *c, att_time ref);

/*
 * att_date_friendly() with the conventions of *c (see docs/dates.md): reads
 * s, writes its EDTF into edtf[cap] and its bounds into *b (if not NULL),
 * and sets c->used_ref and c->zone.  0 or ATT_EINVAL with a message.
 */
int att_date_read(const char *s, att_date_ctx *c, char *edtf, size_t cap,
                  att_bounds *b);

/*
 * A reading of an EDTF value for people ("Q3 2024", "early 2024",
 * "2024-2028", "around 20 May 2024", "18 Dec 2023 10:00 UTC"), which
 * att_date_read() (with default settings) reads back to the same EDTF.
 * Writes it into buf[cap]; 0, or ATT_EINVAL when edtf is not valid EDTF or
 * buf is too small.
 */
int att_date_human(const char *edtf, char *buf, size_t cap);

/* Longest human reading, including the NUL. */
#define ATT_DATE_HUMAN_MAX 160

/*
 * The human reading and the EDTF in brackets, as the echo of add shows a
 * date: "Q3 2024 [2024-35]"; "[2024-05-XX]" when the reading is the EDTF
 * itself.  The friendly reader reads it back (the bracketed EDTF, checked
 * against the words).  buf of ATT_DATE_HUMAN_MAX + ATT_DATE_MAX bytes is
 * enough.
 */
int att_date_human_edtf(const char *edtf, char *buf, size_t cap);

/* Calendar helpers shared by the core. */
int64_t att_days_from_civil(int64_t y, int m, int d); /* days since epoch */
void att_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
int att_days_in_month(int64_t y, int m);

/* RFC 3339 UTC timestamp "2023-12-18T09:30:00Z" into buf (>= 32 bytes). */
int att_time_format(att_time t, char *buf, size_t cap);
/* The UTC day of t, "2024-03-15": years before 0 with a sign, after 9999
 * with more digits ("-0044-03-15", "170000002-01-01"), as att_time_format
 * writes them; ".." for an open end (ATT_TIME_MIN or _MAX).  A day is
 * never made by cutting a date-time's text: "-0044-03-15T00:00:00Z" cut
 * at ten characters is "-0044-03-1".  24 bytes are enough. */
int att_time_day(att_time t, char *buf, size_t cap);
/* Parse an RFC 3339 timestamp (Z or offset) into *t. */
int att_time_parse(const char *s, att_time *t);


#endif
