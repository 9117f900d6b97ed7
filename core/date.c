/*
 * Strict EDTF (ISO 8601-2) dates: the parser, the canonical printer and the
 * earliest/latest bounds, plus the calendar and RFC 3339 helpers the rest of
 * the core uses.
 *
 * What is accepted: Level 0 and Level 1 of the Library of Congress profile,
 * and from Level 2 only the sub-year groupings 21-41.  Every value is turned
 * into a small structure (one "point", or two for an interval) from which
 * both the canonical text and the bounds are derived, so the two can never
 * disagree.  docs/dates.md is the user manual and lists every choice made
 * here (season months, unknown interval ends, time zones).
 */
#include "date_int.h"
#include "error.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * The years whose every second fits in a 64-bit count of seconds: the
 * first second of year ATT__YEAR_MIN and the last of ATT__YEAR_MAX are
 * representable, the years around them are not (completely).
 */
#define ATT__YEAR_MIN INT64_C(-292277022656)
#define ATT__YEAR_MAX INT64_C(292277026595)

enum { P_YEAR = ATT__P_YEAR, P_MONTH, P_GROUP, P_DAY, P_TIME };
enum { TZ_NONE = ATT__TZ_NONE, TZ_Z, TZ_OFFSET };
enum { END_DATE = ATT__END_DATE, END_OPEN, END_UNKNOWN };

typedef att__point point;
typedef att__edtf edtf;

/*
 * Calendar.  Days are counted from 1970-01-01 in the proleptic Gregorian
 * calendar, using 400-year eras so that negative years need no special case.
 * Years are clamped to +-10^15, far beyond what 64-bit seconds can hold, so
 * that the arithmetic below can never overflow.
 */
#define ATT__CIVIL_YEAR_LIMIT INT64_C(1000000000000000)

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

static int is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int att_days_in_month(int64_t y, int m) {
  static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12) return 0;
  if (m == 2 && is_leap(y)) return 29;
  return dim[m - 1];
}

int64_t att_days_from_civil(int64_t y, int m, int d) {
  int64_t era, yoe, doy, doe, mp;
  if (y > ATT__CIVIL_YEAR_LIMIT) y = ATT__CIVIL_YEAR_LIMIT;
  if (y < -ATT__CIVIL_YEAR_LIMIT) y = -ATT__CIVIL_YEAR_LIMIT;
  if (m < 1) m = 1;
  if (m > 12) m = 12;
  /* Count from March so that the leap day is the last day of the year. */
  if (m <= 2) y -= 1;
  era = floor_div(y, 400);
  yoe = y - era * 400;
  mp = (m + 9) % 12;
  doy = (153 * mp + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void att_civil_from_days(int64_t days, int64_t *y, int *m, int *d) {
  int64_t z = days + 719468, era, doe, yoe, doy, mp, yy;
  int mm;
  era = floor_div(z, 146097);
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  mm = (int)(mp < 10 ? mp + 3 : mp - 9);
  yy = yoe + era * 400 + (mm <= 2);
  if (y) *y = yy;
  if (m) *m = mm;
  if (d) *d = (int)(doy - (153 * mp + 2) / 5 + 1);
}

/* Seconds of the first (or last) second of a day; 0 when out of range. */
static int day_start(int64_t days, att_time *t) {
  if (days > INT64_MAX / 86400 || days < INT64_MIN / 86400) return 0;
  *t = days * 86400;
  return 1;
}

static int day_end(int64_t days, att_time *t) {
  att_time s;
  if (!day_start(days, &s) || s > INT64_MAX - 86399) return 0;
  *t = s + 86399;
  return 1;
}

/*
 * Sub-year groupings 21-41: first month (1-12) and length in months.  The
 * winter of the northern hemisphere (24, 28) and the summer of the southern
 * one (30) start in December and run into the next year.  These are
 * meteorological seasons; see docs/dates.md.
 */
static void group_months(int g, int *first, int *len) {
  static const signed char tab[21][2] = {
      {3, 3},  {6, 3},  {9, 3},  {12, 3}, /* 21-24 spring..winter (north) */
      {3, 3},  {6, 3},  {9, 3},  {12, 3}, /* 25-28 spring..winter, north */
      {9, 3},  {12, 3}, {3, 3},  {6, 3},  /* 29-32 spring..winter, south */
      {1, 3},  {4, 3},  {7, 3},  {10, 3}, /* 33-36 quarters */
      {1, 4},  {5, 4},  {9, 4},           /* 37-39 quadrimesters */
      {1, 6},  {7, 6},                    /* 40-41 semesters */
  };
  if (g < 21 || g > 41) {
    *first = 1;
    *len = 12;
    return;
  }
  *first = tab[g - 21][0];
  *len = tab[g - 21][1];
}

/* Last day (days since epoch) of month m (1-based, may exceed 12) of y. */
static int64_t last_day_of(int64_t y, int m) {
  y += (m - 1) / 12;
  m = (m - 1) % 12 + 1;
  return att_days_from_civil(y, m, att_days_in_month(y, m));
}

/*
 * Bounds of one point.  Returns 0 on success, -1 when a bound does not fit
 * in 64-bit seconds.
 */
static int point_bounds(const point *p, att_bounds *b) {
  int64_t y0 = p->year, y1 = p->year, first, last;
  int m0 = 1, m1 = 12, d0 = 1, d1 = 0;

  if (p->xyear > 0) {
    static const int64_t span[5] = {1, 10, 100, 1000, 10000};
    /* The X digits hide the low digits; for a negative year the digits are
     * a magnitude, so the range runs the other way. */
    if (p->neg) {
      y0 = p->year - (span[p->xyear] - 1);
      y1 = p->year;
    } else {
      y1 = p->year + span[p->xyear] - 1;
    }
  }
  switch (p->prec) {
  case P_YEAR:
    break;
  case P_GROUP: {
    int len;
    group_months(p->month, &m0, &len);
    m1 = m0 + len - 1;
    break;
  }
  case P_MONTH:
    if (!p->xmonth) m0 = m1 = p->month;
    break;
  case P_DAY:
  case P_TIME:
    if (!p->xmonth) m0 = m1 = p->month;
    if (!p->xday) d0 = d1 = p->day;
    break;
  default:
    return -1;
  }
  first = att_days_from_civil(y0, m0, d0);
  last = d1 ? att_days_from_civil(y1, m1, d1) : last_day_of(y1, m1);

  if (p->prec == P_TIME) {
    att_time t;
    int64_t secs = (int64_t)p->hour * 3600 + p->min * 60 + p->sec -
                   (int64_t)p->tzoff * 60;
    if (!day_start(first, &t)) return -1;
    if ((secs > 0 && t > INT64_MAX - secs) || (secs < 0 && t < INT64_MIN - secs))
      return -1;
    b->earliest = b->latest = t + secs;
    return 0;
  }
  if (!day_start(first, &b->earliest) || !day_end(last, &b->latest)) return -1;
  return 0;
}

/* ---- printing ---- */

typedef struct sbuf {
  char *p;
  size_t cap, len;
} sbuf;

static void put(sbuf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void put(sbuf *b, const char *fmt, ...) {
  va_list ap;
  int n;
  size_t room = b->len < b->cap ? b->cap - b->len : 0;
  va_start(ap, fmt);
  n = vsnprintf(room ? b->p + b->len : NULL, room, fmt, ap);
  va_end(ap);
  if (n > 0) b->len += (size_t)n;
}

/* The common pieces without printf: they run for every stored date. */
static void put_ch(sbuf *b, char c) {
  if (b->len + 1 < b->cap) b->p[b->len] = c;
  b->len++;
}

static void put_2d(sbuf *b, char sep, int v) {
  if (sep) put_ch(b, sep);
  put_ch(b, (char)('0' + v / 10 % 10));
  put_ch(b, (char)('0' + v % 10));
}

static void put_year(sbuf *b, const point *p) {
  int64_t y = p->year;
  char digits[24];
  int i;
  if (p->yprefix) {
    put(b, "Y%s%lld", y < 0 ? "-" : "", (long long)(y < 0 ? -y : y));
    return;
  }
  {
    uint64_t u = y < 0 ? (uint64_t)0 - (uint64_t)y : (uint64_t)y;
    int n = 0;
    char rev[24];
    do rev[n++] = (char)('0' + u % 10), u /= 10;
    while (u);
    while (n < 4) rev[n++] = '0';
    for (i = 0; i < n; i++) digits[i] = rev[n - 1 - i];
    digits[n] = '\0';
  }
  for (i = 0; i < p->xyear; i++) digits[3 - i] = 'X';
  if (p->neg) put_ch(b, '-');
  for (i = 0; digits[i]; i++) put_ch(b, digits[i]);
}

static void put_point(sbuf *b, const point *p) {
  put_year(b, p);
  if (p->prec == P_GROUP) {
    put_2d(b, '-', p->month);
  } else if (p->prec >= P_MONTH) {
    if (p->xmonth)
      put(b, "-XX");
    else
      put_2d(b, '-', p->month);
    if (p->prec >= P_DAY) {
      if (p->xday)
        put(b, "-XX");
      else
        put_2d(b, '-', p->day);
    }
    if (p->prec == P_TIME) {
      put_2d(b, 'T', p->hour);
      put_2d(b, ':', p->min);
      put_2d(b, ':', p->sec);
      if (p->frac[0]) put(b, ".%s", p->frac);
      if (p->tz == TZ_Z) {
        put(b, "Z");
      } else if (p->tz == TZ_OFFSET) {
        int o = p->tzoff < 0 ? -p->tzoff : p->tzoff;
        put(b, "%c%02d:%02d", p->tzoff < 0 ? '-' : '+', o / 60, o % 60);
      }
    }
  }
  if (p->qual) put_ch(b, (char)p->qual);
}

void att__edtf_print_point(const att__point *p, char *out, size_t cap) {
  sbuf b;
  b.p = out;
  b.cap = cap;
  b.len = 0;
  put_point(&b, p);
  if (cap) out[b.len < cap ? b.len : cap - 1] = '\0';
}

static int edtf_print(const edtf *v, char *out, size_t cap) {
  sbuf b;
  int i;
  b.p = out;
  b.cap = cap;
  b.len = 0;
  if (!v->interval) {
    put_point(&b, &v->a);
  } else {
    for (i = 0; i < 2; i++) {
      int end = i ? v->bend : v->aend;
      if (i) put_ch(&b, '/');
      if (end == END_DATE)
        put_point(&b, i ? &v->b : &v->a);
      else if (end == END_OPEN)
        put(&b, "..");
    }
  }
  if (out && cap) out[b.len < cap ? b.len : cap - 1] = '\0';
  if (out && cap && b.len >= cap) return -1;
  return (int)b.len;
}

/* ---- parsing ---- */

const char att__edtf_forms[] =
    "accepted: YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm:ss with Z or "
    "+hh:mm, YYYY-GG for a season or grouping 21-41 (2024-33 is Q1), "
    "-YYYY, Y12345 for longer years, a final ? ~ or % (2004-06~), X for "
    "unspecified digits (201X, 2004-XX, 1985-04-XX), and intervals A/B "
    "with .. for an open end (2024/2028, 1985-04-12/..)";

typedef struct parser {
  const char *whole; /* the full input, for messages */
  const char *s;     /* the part being parsed */
  size_t n, i;
} parser;

static int perr(const parser *ps, const char *what) {
  char q[200];
  return att__err(ATT_EINVAL, "invalid EDTF date \"%s\": %s; %s",
                  att__show_as(q, sizeof q, ps->whole, strlen(ps->whole), SIZE_MAX, ATT_SHOW_BARE),
                  what, att__edtf_forms);
}

static int at(const parser *ps, size_t k) {
  return ps->i + k < ps->n ? (unsigned char)ps->s[ps->i + k] : -1;
}

static int isdig(int c) { return c >= '0' && c <= '9'; }

/* Two digits as a number, or -1. */
static int two(const parser *ps) {
  int a = at(ps, 0), b = at(ps, 1);
  if (!isdig(a) || !isdig(b)) return -1;
  return (a - '0') * 10 + (b - '0');
}

static const char *const month_names[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

static int parse_time(parser *ps, point *p) {
  char msg[160];
  int h, m, s = 0, sign;
  h = two(ps);
  if (h < 0 || at(ps, 2) != ':') return perr(ps, "a time is written hh:mm:ss after the T");
  ps->i += 3;
  m = two(ps);
  if (m < 0) return perr(ps, "a time is written hh:mm:ss after the T");
  ps->i += 2;
  if (at(ps, 0) == ':') {
    ps->i++;
    s = two(ps);
    if (s < 0) return perr(ps, "a time is written hh:mm:ss after the T");
    ps->i += 2;
    if (at(ps, 0) == '.') {
      size_t k = 0;
      ps->i++;
      if (!isdig(at(ps, 0))) return perr(ps, "a decimal point must be followed by digits");
      /* Digits beyond nanoseconds are dropped from the canonical form. */
      while (isdig(at(ps, 0))) {
        if (k < sizeof p->frac - 1) p->frac[k++] = ps->s[ps->i];
        ps->i++;
      }
      p->frac[k] = '\0';
    }
  }
  if (h == 24) {
    if (m != 0 || s != 0 || p->frac[0])
      return perr(ps, "24 is allowed only as 24:00:00, the end of the day");
  } else if (h > 23) {
    return perr(ps, "the hour must be 00 to 23");
  }
  if (m > 59) return perr(ps, "the minutes must be 00 to 59");
  if (s > 59) return perr(ps, "the seconds must be 00 to 59 (no leap seconds)");
  p->hour = h;
  p->min = m;
  p->sec = s;
  p->prec = P_TIME;

  /* Time zone: Z, +hh, +hhmm, +hh:mm (U+2212 MINUS SIGN accepted for -). */
  if (at(ps, 0) == 'Z') {
    ps->i++;
    p->tz = TZ_Z;
    return 0;
  }
  sign = 0;
  if (at(ps, 0) == '+') {
    sign = 1;
    ps->i++;
  } else if (at(ps, 0) == '-') {
    sign = -1;
    ps->i++;
  } else if (at(ps, 0) == 0xe2 && at(ps, 1) == 0x88 && at(ps, 2) == 0x92) {
    sign = -1;
    ps->i += 3;
  }
  if (!sign) return 0;
  h = two(ps);
  if (h < 0) return perr(ps, "a time zone offset is written +hh:mm, -hh:mm, +hh or Z");
  ps->i += 2;
  m = 0;
  if (at(ps, 0) == ':' || isdig(at(ps, 0))) {
    if (at(ps, 0) == ':') ps->i++;
    m = two(ps);
    if (m < 0) return perr(ps, "a time zone offset is written +hh:mm, -hh:mm, +hh or Z");
    ps->i += 2;
  }
  if (m > 59) return perr(ps, "the minutes of a time zone offset must be 00 to 59");
  if (sign < 0 && h == 0 && m == 0)
    return perr(ps, "the offset -00:00 is not allowed; write Z or +00:00 for UTC");
  if ((sign > 0 && h * 60 + m > 14 * 60) || (sign < 0 && h * 60 + m > 12 * 60)) {
    snprintf(msg, sizeof msg,
             "the time zone offset %c%02d:%02d is out of range (-12:00 to +14:00)",
             sign > 0 ? '+' : '-', h, m);
    return perr(ps, msg);
  }
  p->tz = TZ_OFFSET;
  p->tzoff = sign * (h * 60 + m);
  return 0;
}

/* A Y-prefixed year: Y12345 or Y-12345, five or more digits. */
static int parse_yyear(parser *ps, point *p) {
  int64_t v = 0;
  size_t digits = 0;
  char msg[200];
  ps->i++;
  if (at(ps, 0) == '-') {
    p->neg = 1;
    ps->i++;
  }
  if (at(ps, 0) == '0')
    return perr(ps, "the digits after Y must not start with 0");
  while (isdig(at(ps, 0))) {
    if (v > ATT__YEAR_MAX) {
      /* keep counting, the value is out of range anyway */
    } else {
      v = v * 10 + (at(ps, 0) - '0');
    }
    digits++;
    ps->i++;
  }
  if (digits < 5)
    return perr(ps, "a Y-prefixed year has five digits or more (Y12345); "
                    "shorter years are written with four digits");
  if (ps->i < ps->n)
    return perr(ps, "nothing may follow a Y-prefixed year (no month, day or "
                    "qualifier)");
  if (v > ATT__YEAR_MAX || (p->neg ? -v < ATT__YEAR_MIN : 0)) {
    snprintf(msg, sizeof msg,
             "the year is out of range: attache counts time in 64-bit "
             "seconds, which holds years %lld to %lld",
             (long long)ATT__YEAR_MIN, (long long)ATT__YEAR_MAX);
    return perr(ps, msg);
  }
  p->year = p->neg ? -v : v;
  p->yprefix = 1;
  p->prec = P_YEAR;
  return 0;
}

/*
 * One date (not an interval).  `in_interval` forbids the forms that stand
 * alone only.
 */
static int parse_point(parser *ps, point *p, int in_interval) {
  char msg[200];
  int k, xs = 0, c, v;
  int64_t y = 0;

  memset(p, 0, sizeof *p);
  if (ps->n == 0) return perr(ps, "the value is empty");
  if (at(ps, 0) == 'Y') {
    if (in_interval)
      return perr(ps, "a Y-prefixed year cannot be the end of an interval");
    return parse_yyear(ps, p);
  }
  if (at(ps, 0) == '-') {
    p->neg = 1;
    ps->i++;
  }
  for (k = 0; k < 4; k++) {
    c = at(ps, k);
    if (c == 'X') {
      xs++;
    } else if (isdig(c)) {
      if (xs) return perr(ps, "X may replace only the last digits of a year (201X, 20XX)");
      y = y * 10 + (c - '0');
    } else {
      if (k == 0 && ((c == 'y' && isdig(at(ps, 1))) ||
                     (c == 'x' && (at(ps, 1) == 'x' || isdig(at(ps, 1))))))
        return perr(ps, "letters in EDTF are upper case (Y12345, 20XX)");
      return perr(ps, "a year has four digits (0000 to 9999)");
    }
  }
  ps->i += 4;
  if (isdig(at(ps, 0)) || at(ps, 0) == 'X')
    return perr(ps, "a year with more than four digits needs the Y prefix "
                    "(Y12345)");
  for (k = 0; k < xs; k++) y *= 10;
  if (p->neg && y == 0 && xs == 0)
    return perr(ps, "the year -0000 does not exist; write 0000");
  if (p->neg && xs > 2)
    return perr(ps, "a negative year may hide at most its last two digits "
                    "(-20XX)");
  if (xs == 3)
    return perr(ps, "X may replace one, two or four digits of a year "
                    "(201X, 20XX, XXXX)");
  p->year = p->neg ? -y : y;
  p->xyear = xs;
  p->prec = P_YEAR;

  if (at(ps, 0) == '-') {
    ps->i++;
    if (at(ps, 0) == 'X' && at(ps, 1) == 'X') {
      if (xs != 0 && xs != 4)
        return perr(ps, "when the year has X digits, nothing may follow it "
                        "(201X, 20XX); XXXX-XX is allowed");
      p->xmonth = 1;
      p->prec = P_MONTH;
      ps->i += 2;
    } else {
      v = two(ps);
      if (v < 0) return perr(ps, "a month is two digits, 01 to 12 (or 21 to 41 for a season or grouping)");
      if (xs)
        return perr(ps, "a year with X digits cannot have a known month "
                        "(201X-05 is not Level 1; write 201X or 2015-XX)");
      ps->i += 2;
      if (isdig(at(ps, 0))) return perr(ps, "a month is two digits");
      if (v >= 1 && v <= 12) {
        p->month = v;
        p->prec = P_MONTH;
      } else if (v >= 21 && v <= 41) {
        p->month = v;
        p->prec = P_GROUP;
      } else {
        snprintf(msg, sizeof msg,
                 "%02d is neither a month (01 to 12) nor a season or "
                 "grouping (21 to 41)", v);
        return perr(ps, msg);
      }
    }
    if (p->prec == P_MONTH && at(ps, 0) == '-') {
      ps->i++;
      if (at(ps, 0) == 'X' && at(ps, 1) == 'X') {
        p->xday = 1;
        ps->i += 2;
      } else {
        v = two(ps);
        if (v < 0) return perr(ps, "a day is two digits, 01 to 31");
        if (p->xmonth)
          return perr(ps, "with an unspecified month the day must be XX too "
                          "(1985-XX-XX)");
        ps->i += 2;
        if (isdig(at(ps, 0))) return perr(ps, "a day is two digits");
        if (v < 1 || v > att_days_in_month(p->year, p->month)) {
          snprintf(msg, sizeof msg, "%s %04lld has %d days, not %02d",
                   month_names[p->month - 1], (long long)p->year,
                   att_days_in_month(p->year, p->month), v);
          return perr(ps, v < 1 ? "days start at 01" : msg);
        }
        p->day = v;
      }
      p->prec = P_DAY;
      if (at(ps, 0) == 'T') {
        if (p->xday || p->xmonth || p->xyear)
          return perr(ps, "a date with X digits cannot have a time");
        ps->i++;
        if ((k = parse_time(ps, p)) != 0) return k;
      }
    }
  }
  c = at(ps, 0);
  if (c == '?' || c == '~' || c == '%') {
    if (p->xyear || p->xmonth || p->xday)
      return perr(ps, "a date with X digits cannot also be qualified with ? ~ or %");
    if (p->prec == P_TIME)
      return perr(ps, "a date with a time cannot be qualified with ? ~ or %");
    p->qual = (char)c;
    ps->i++;
    c = at(ps, 0);
    if (c == '?' || c == '~' || c == '%')
      return perr(ps, "only one qualifier is allowed; % means both ? and ~");
    if (ps->i < ps->n)
      return perr(ps, "a qualifier goes at the end of the date (2004-06-11?); "
                      "qualifying single parts is not supported");
  }
  if (ps->i < ps->n) {
    c = at(ps, 0);
    if (c == '-' && p->prec == P_YEAR && p->xyear == 0)
      return perr(ps, "a month is two digits, 01 to 12 (or 21 to 41 for a season or grouping)");
    if (c == '?' || c == '~' || c == '%')
      return perr(ps, "a qualifier goes at the end of the date (2004-06-11?); "
                      "qualifying single parts is not supported");
    if (c == 'T' || c == 't')
      return perr(ps, "a time needs a full date: YYYY-MM-DDThh:mm:ss");
    if (c == ' ')
      return perr(ps, "spaces are not allowed in strict EDTF");
    snprintf(msg, sizeof msg, "unexpected text \"%.*s\" after the date",
             (int)(ps->n - ps->i > 40 ? 40 : ps->n - ps->i), ps->s + ps->i);
    return perr(ps, msg);
  }
  return 0;
}

static int range_err(const char *whole) {
  char q[200];
  return att__err(ATT_EINVAL,
                  "invalid EDTF date \"%s\": out of range: attache counts "
                  "time in 64-bit seconds, which holds years %lld to %lld",
                  att__show_as(q, sizeof q, whole, strlen(whole), SIZE_MAX, ATT_SHOW_BARE),
                  (long long)ATT__YEAR_MIN, (long long)ATT__YEAR_MAX);
}

static int edtf_parse(const char *s, edtf *v, att_bounds *bout) {
  parser ps;
  const char *slash;
  att_bounds ba, bb;
  char q[200];

  memset(v, 0, sizeof *v);
  if (!s) return att__err(ATT_EINVAL, "invalid EDTF date: no value given");
  ps.whole = s;
  slash = strchr(s, '/');
  if (!slash) {
    ps.s = s;
    ps.n = strlen(s);
    ps.i = 0;
    if (parse_point(&ps, &v->a, 0)) return ATT_EINVAL;
    if (point_bounds(&v->a, &ba)) return range_err(s);
    if (bout) *bout = ba;
    return 0;
  }
  if (strchr(slash + 1, '/'))
    return att__err(ATT_EINVAL,
                    "invalid EDTF date \"%s\": an interval has exactly one "
                    "/; %s",
                    att__show_as(q, sizeof q, s, strlen(s), SIZE_MAX, ATT_SHOW_BARE),
                    att__edtf_forms);
  v->interval = 1;
  {
    const char *part[2];
    size_t len[2];
    int i, *end[2];
    point *pt[2];
    part[0] = s;
    len[0] = (size_t)(slash - s);
    part[1] = slash + 1;
    len[1] = strlen(slash + 1);
    end[0] = &v->aend;
    end[1] = &v->bend;
    pt[0] = &v->a;
    pt[1] = &v->b;
    for (i = 0; i < 2; i++) {
      if (len[i] == 0) {
        *end[i] = END_UNKNOWN;
      } else if (len[i] == 2 && part[i][0] == '.' && part[i][1] == '.') {
        *end[i] = END_OPEN;
      } else {
        ps.s = part[i];
        ps.n = len[i];
        ps.i = 0;
        if (parse_point(&ps, pt[i], 1)) return ATT_EINVAL;
        *end[i] = END_DATE;
      }
    }
  }
  if (v->aend != END_DATE && v->bend != END_DATE)
    return att__err(ATT_EINVAL,
                    "invalid EDTF date \"%s\": an interval needs a date on "
                    "at least one side (1985-04-12/.., ../1985-04-12); %s",
                    att__show_as(q, sizeof q, s, strlen(s), SIZE_MAX, ATT_SHOW_BARE),
                    att__edtf_forms);
  ba.earliest = ATT_TIME_MIN;
  ba.latest = ATT_TIME_MAX;
  bb = ba;
  if (v->aend == END_DATE && point_bounds(&v->a, &ba))
    return range_err(s);
  if (v->bend == END_DATE && point_bounds(&v->b, &bb))
    return range_err(s);
  if (v->aend == END_DATE && v->bend == END_DATE &&
      bb.earliest < ba.earliest) {
    char t1[40], t2[40];
    att_time_format(ba.earliest, t1, sizeof t1);
    att_time_format(bb.earliest, t2, sizeof t2);
    return att__err(ATT_EINVAL,
                    "invalid EDTF interval \"%s\": the end begins (%s) before "
                    "the start (%s); write the earlier date first",
                    att__show_as(q, sizeof q, s, strlen(s), SIZE_MAX, ATT_SHOW_BARE), t2, t1);
  }
  if (bout) {
    bout->earliest = v->aend == END_DATE ? ba.earliest : ATT_TIME_MIN;
    bout->latest = v->bend == END_DATE ? bb.latest : ATT_TIME_MAX;
  }
  return 0;
}

int att__edtf_decode(const char *s, att__edtf *v) { return edtf_parse(s, v, NULL); }

int att_edtf_parse(const char *s, att_bounds *b, char *canon, size_t cap) {
  edtf v;
  att_bounds bb;
  int n;
  if (edtf_parse(s, &v, &bb)) return ATT_EINVAL;
  if (canon) {
    n = edtf_print(&v, canon, cap);
    if (n < 0) {
      char q[200];
      if (cap) canon[0] = '\0';
      return att__err(ATT_EINVAL,
                      "EDTF date \"%s\": the canonical form needs %d bytes, "
                      "only %zu given",
                      att__show_as(q, sizeof q, s, strlen(s), SIZE_MAX, ATT_SHOW_BARE),
                      edtf_print(&v, NULL, 0) + 1, cap);
    }
  }
  if (b) *b = bb;
  return 0;
}

/* ---- RFC 3339 ---- */

int att_time_format(att_time t, char *buf, size_t cap) {
  int64_t days = floor_div(t, 86400), y;
  int64_t sod = t % 86400;
  int m, d, n;
  if (sod < 0) sod += 86400;
  att_civil_from_days(days, &y, &m, &d);
  if (!buf) return att__err(ATT_EINVAL, "att_time_format: no buffer");
  /* Years outside 0000-9999 are not RFC 3339; they are printed with a sign
   * or with more digits, as ISO 8601 expanded years are. */
  n = snprintf(buf, cap, "%s%04lld-%02d-%02dT%02d:%02d:%02dZ", y < 0 ? "-" : "",
               (long long)(y < 0 ? -y : y), m, d, (int)(sod / 3600),
               (int)(sod / 60 % 60), (int)(sod % 60));
  if (n < 0 || (size_t)n >= cap)
    return att__err(ATT_EINVAL, "att_time_format: buffer of %zu bytes is too "
                                "small (32 are enough)", cap);
  return 0;
}

int att_time_day(att_time t, char *buf, size_t cap) {
  int64_t y;
  int m, d, n;
  if (!buf || cap == 0) return att__err(ATT_EINVAL, "att_time_day: no buffer");
  if (t == ATT_TIME_MIN || t == ATT_TIME_MAX) {
    n = snprintf(buf, cap, "..");
  } else {
    att_civil_from_days(floor_div(t, 86400), &y, &m, &d);
    n = snprintf(buf, cap, "%s%04lld-%02d-%02d", y < 0 ? "-" : "", (long long)(y < 0 ? -y : y), m, d);
  }
  if (n < 0 || (size_t)n >= cap)
    return att__err(ATT_EINVAL, "att_time_day: buffer of %zu bytes is too small (24 are enough)", cap);
  return 0;
}

int att_time_parse(const char *s, att_time *t) {
  char q[200];
  const char *what = "expected YYYY-MM-DDThh:mm:ss followed by Z or +hh:mm";
  int64_t y = 0;
  int mo, d, h, mi, se, off = 0, i, sign;
  size_t n, k;
  att_time r;
  const unsigned char *u = (const unsigned char *)s;

  if (!s) return att__err(ATT_EINVAL, "invalid timestamp: no value given");
  n = strlen(s);
#define D2(pos) ((pos) + 1 < n && isdig(u[pos]) && isdig(u[(pos) + 1]) ? \
                 (u[pos] - '0') * 10 + (u[(pos) + 1] - '0') : -1)
  for (i = 0; i < 4; i++) {
    if ((size_t)i >= n || !isdig(u[i])) goto bad;
    y = y * 10 + (u[i] - '0');
  }
  if (n < 19 || s[4] != '-' || s[7] != '-' || s[13] != ':' || s[16] != ':') goto bad;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') goto bad;
  mo = D2(5);
  d = D2(8);
  h = D2(11);
  mi = D2(14);
  se = D2(17);
  if (mo < 1 || mo > 12) { what = "the month must be 01 to 12"; goto bad; }
  if (d < 1 || d > att_days_in_month(y, mo)) { what = "no such day in that month"; goto bad; }
  if (h < 0 || h > 23 || mi < 0 || mi > 59) { what = "the time must be 00:00:00 to 23:59:59"; goto bad; }
  if (se < 0 || se > 59) { what = "the seconds must be 00 to 59 (leap seconds are not supported)"; goto bad; }
  k = 19;
  if (k < n && s[k] == '.') {
    /* Fractions of a second are dropped: instants are whole seconds. */
    k++;
    if (k >= n || !isdig(u[k])) goto bad;
    while (k < n && isdig(u[k])) k++;
  }
  if (k < n && (s[k] == 'Z' || s[k] == 'z')) {
    k++;
  } else if (k < n && (s[k] == '+' || s[k] == '-')) {
    int oh, om;
    sign = s[k] == '+' ? 1 : -1;
    oh = D2(k + 1);
    if (k + 3 >= n || s[k + 3] != ':') goto bad;
    om = D2(k + 4);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) { what = "the offset must be +hh:mm or -hh:mm"; goto bad; }
    off = sign * (oh * 60 + om);
    k += 6;
  } else {
    what = "the time zone (Z or +hh:mm) is missing";
    goto bad;
  }
  if (k != n) { what = "unexpected text at the end"; goto bad; }
#undef D2
  r = att_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - (int64_t)off * 60;
  if (t) *t = r;
  return 0;
bad:
  return att__err(ATT_EINVAL,
                  "invalid timestamp \"%s\": %s (RFC 3339, e.g. "
                  "2023-12-18T09:30:00Z or 2023-12-18T18:30:00+09:00)",
                  att__show_as(q, sizeof q, s, strlen(s), SIZE_MAX, ATT_SHOW_BARE), what);
}
