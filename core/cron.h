/*
 * Cron schedules: the classic five fields (minute hour day-of-month month
 * day-of-week) and the @daily-style shortcuts, evaluated in the local time
 * zone (TZ), with the daylight-saving rules of docs/scheduling.md.
 */
#ifndef ATT_CRON_H
#define ATT_CRON_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"

/* Flags of att_cron.flags: which fields were written with a leading '*'. */
#define ATT_CRON_MDAY_ANY 1u /* day of month is '*' or '*' with a step */
#define ATT_CRON_WDAY_ANY 2u /* day of week likewise */
#define ATT_CRON_HOUR_ANY 4u /* hour likewise: fires in both passes of a
                                repeated hour (see att_cron_next) */

typedef struct att_cron {
  uint64_t minutes; /* bit m (0..59) */
  uint32_t hours;   /* bit h (0..23) */
  uint32_t mdays;   /* bit d (1..31) */
  uint16_t months;  /* bit m (1..12) */
  uint8_t wdays;    /* bit w (0..6), 0 = Sunday */
  uint8_t flags;    /* ATT_CRON_*_ANY */
} att_cron;

/*
 * Parse "0 8 * * MON-FRI", "0,30 9-17 * * 1-5", "@daily".  Fields are separated
 * by spaces or tabs; each is a comma-separated list of items: '*', a value,
 * a range a-b, each optionally followed by a step /n; a single value with a
 * step (5/15) runs to the end of the field's range.  Months JAN-DEC and days
 * SUN-SAT are accepted in any case; 0 and 7 are both Sunday.  Shortcuts:
 * @yearly @annually @monthly @weekly @daily @midnight @hourly.  On failure
 * ATT_EINVAL with a message naming the field, the value and the accepted
 * range.  An expression that can never fire ("0 0 31 2 *") parses; it is
 * att_cron_next that says it never fires.
 */
int att_cron_parse(const char *expr, att_cron *c);

/*
 * The first firing instant strictly after `after`, in the local time zone
 * of TZ (tzset() is called).  A day matches if the month matches and, when
 * both day fields are restricted, the day of month OR the day of week
 * matches, otherwise both (classic cron).  Daylight saving: a local time
 * that is skipped (spring forward) fires once at the first minute after
 * the gap when the hour field is restricted, and not at all when it is
 * '*' (or '*' with a step); a local time that happens twice (fall back)
 * fires only at its first occurrence when the hour is restricted, and at
 * both when it is '*'.  Returns 0, ATT_ENOTFOUND (with a message saying
 * why) when the expression never fires, or ATT_ERANGE when `after` is
 * outside years 0001-9999 or the time zone cannot convert it.
 */
int att_cron_next(const att_cron *c, att_time after, att_time *next);

/* Up to n successive firing times after `after` into out[]; returns how
 * many were written (n unless the expression stops firing) or a negative
 * code when not even the first can be computed. */
int att_cron_upcoming(const att_cron *c, att_time after, att_time *out, int n);

/*
 * For documentation and debugging: the next n times, one line each, as
 * "2024-03-31 03:00 CEST Sun  2024-03-31T01:00:00Z", into buf[cap].
 * Returns the number of lines, or a negative code (ATT_ERANGE if buf is
 * too small).
 */
int att_cron_render(const att_cron *c, att_time after, int n, char *buf,
                    size_t cap);

#endif
