/*
 * Time zones: IANA zone names, read through the C library from the
 * system's tzdata (Debian's tzdata package, under $TZDIR or
 * /usr/share/zoneinfo).  No table of zones and no reader of their files
 * lives here: the C library does the work (TZ, tzset, localtime_r), and
 * the previous TZ of the process is restored after each call.  The
 * program is single-threaded; these functions are not thread-safe.
 *
 * docs/settings.md ("Time zones") is the manual.
 */
#ifndef ATT_TZ_H
#define ATT_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"

/* Longest zone name accepted, including the NUL. */
#define ATT_TZ_NAME_MAX 128

/* 0 if zone is an IANA name that the system's tzdata holds (a zone file
 * inside the tzdata tree, reached without leaving it); else ATT_EINVAL
 * with a message naming the zone, what is wrong and, where one is close,
 * "did you mean ...?".  Refused: "", names with "..", absolute paths,
 * characters other than letters, digits, '/', '_', '-' and '+', and every
 * name the C library would silently read as UTC (a name with no zone
 * file, a file that is not a zone). */
int att_tz_check(const char *zone);

/* The instant of the local time y-mo-d h:mi:s in zone into *out, and the
 * zone's offset east of UTC then, in seconds, into *offset_s (either may
 * be NULL).  A local time that does not exist (in the gap of a move to
 * summer time) is refused with ATT_EINVAL, naming the two instants that
 * surround the gap; one that happens twice (in the overlap of a move back)
 * is refused, naming both readings, unless `which` picks one:
 * ATT_TZ_EARLIER or ATT_TZ_LATER (ATT_TZ_STRICT: refuse). */
enum { ATT_TZ_STRICT = 0, ATT_TZ_EARLIER = 1, ATT_TZ_LATER = 2 };
/* Or'ed into `which`: a local time in a gap is read with the offset in
 * force before the gap, which moves it on by the gap's length (RFC 5545,
 * for the occurrences of a recurring event: 01:30 on the night London
 * moves to summer time becomes 02:30 BST). */
#define ATT_TZ_SHIFT_GAP 4
int att_tz_local_to_utc_ex(const char *zone, int64_t y, int mo, int d, int h,
                           int mi, int s, int which, att_time *out,
                           int *offset_s);
/* att_tz_local_to_utc_ex with ATT_TZ_STRICT. */
int att_tz_local_to_utc(const char *zone, int64_t y, int mo, int d, int h,
                        int mi, int s, att_time *out, int *offset_s);

/* The offset east of UTC, in seconds, of zone at instant t. */
int att_tz_offset(const char *zone, att_time t, int *offset_s);

/* The local civil time of instant t in zone (any pointer may be NULL). */
int att_tz_local(const char *zone, att_time t, int64_t *y, int *mo, int *d,
                 int *h, int *mi, int *s, int *offset_s);

/* "2023-12-18 10:00 +07" or "2024-03-31 02:30:15 BST": the local time of t
 * in zone, seconds only when not zero, and the zone's abbreviation (as
 * tzdata spells it; a numeric one where it has no letters). */
int att_tz_format(att_time t, const char *zone, char *buf, size_t cap);

/* EDTF with the exact offset: "2023-12-18T10:00:00+07:00" (the local
 * time of t in zone and its offset); a whole number of minutes. */
int att_tz_edtf(att_time t, const char *zone, char *buf, size_t cap);

#endif
