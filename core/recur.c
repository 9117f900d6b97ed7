/*
 * Expansion of recurrence rules.
 *
 * The rule is read the way RFC 5545 defines it: the time line is cut into
 * periods of FREQ (years, months, weeks starting on Monday, days), every
 * INTERVAL-th period counting from the one that holds dtstart is kept, and
 * in a kept period the days that pass every BY* filter are occurrences.
 * For this subset the RFC's "expand" and "limit" rules both come down to
 * filters on single days, so a period is scanned day by day, skipping
 * months that BYMONTH leaves out.  The Gregorian calendar repeats every
 * 400 years, so a rule with no occurrence in 400 * INTERVAL years after a
 * point has none after it at all.
 */
#include "recur.h"

#include <string.h>

#include "error.h"
#include "tz.h"

#define DAY INT64_C(86400)
/* Days of 400 Gregorian years (also a whole number of weeks). */
#define CYCLE INT64_C(146097)
/* dtstart must lie within this many days of the epoch (2.7 million
 * years), so that every day we scan converts to seconds safely. */
#define DAY_LIMIT INT64_C(1000000000)

typedef struct rctx {
  const att_rrule *r;
  att_time dtstart;
  int64_t d0;  /* dtstart's day */
  int64_t tod; /* dtstart's time of day */
  int64_t y0;
  int m0;
  int wd0;         /* 0 = Monday */
  uint16_t months; /* 0 = every month */
  uint32_t mdays, mdays_neg;
  uint8_t wmask;   /* weekdays given without an ordinal, bit 0 = Monday */
  int nord;        /* entries of r->byday with an ordinal */
  int by_month_scope; /* ordinals count within the month (else the year) */
} rctx;

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

static int weekday(int64_t day) { /* 0 = Monday; 1970-01-01 was a Thursday */
  return (int)(((day % 7) + 10) % 7);
}

static void setup(rctx *x, const att_rrule *r, att_time dtstart) {
  int i, md0;
  memset(x, 0, sizeof *x);
  x->r = r;
  x->dtstart = dtstart;
  x->d0 = floor_div(dtstart, DAY);
  x->tod = dtstart - x->d0 * DAY;
  att_civil_from_days(x->d0, &x->y0, &x->m0, &md0);
  x->wd0 = weekday(x->d0);
  x->months = r->bymonth;
  x->mdays = r->bymonthday;
  x->mdays_neg = r->bymonthday_neg;
  for (i = 0; i < r->nbyday; i++) {
    if (r->byday[i].ord == 0)
      x->wmask |= (uint8_t)(1u << r->byday[i].wday);
    else
      x->nord++;
  }
  /* What the rule leaves out comes from dtstart (RFC 5545, 3.3.10). */
  if (!r->nbyday && !(r->bymonthday | r->bymonthday_neg)) {
    if (r->freq == ATT_FREQ_YEARLY) {
      if (!x->months) x->months = (uint16_t)(1u << x->m0);
      x->mdays = UINT32_C(1) << md0;
    } else if (r->freq == ATT_FREQ_MONTHLY) {
      x->mdays = UINT32_C(1) << md0;
    } else if (r->freq == ATT_FREQ_WEEKLY) {
      x->wmask = (uint8_t)(1u << x->wd0);
    }
  }
  x->by_month_scope = r->freq == ATT_FREQ_MONTHLY ||
                      (r->freq == ATT_FREQ_YEARLY && r->bymonth);
}

/* Does day D (in month m of year y, day of month d) pass every filter? */
static int day_ok(const rctx *x, int64_t D, int64_t y, int m, int d) {
  int dim = att_days_in_month(y, m), wd, i;
  if (x->months && !((x->months >> m) & 1)) return 0;
  if (x->mdays | x->mdays_neg) {
    if (!((x->mdays >> d) & 1) && !((x->mdays_neg >> (dim - d + 1)) & 1))
      return 0;
  }
  if (!x->wmask && !x->nord) return 1;
  wd = weekday(D);
  if ((x->wmask >> wd) & 1) return 1;
  for (i = 0; i < x->r->nbyday; i++) {
    int ord = x->r->byday[i].ord, nth, nthneg;
    if (!ord || x->r->byday[i].wday != wd) continue;
    if (x->by_month_scope) {
      nth = (d - 1) / 7 + 1;
      nthneg = -((dim - d) / 7 + 1);
    } else {
      int64_t jan1 = att_days_from_civil(y, 1, 1);
      int yday = (int)(D - jan1);
      int diy = (int)(att_days_from_civil(y + 1, 1, 1) - jan1);
      nth = yday / 7 + 1;
      nthneg = -((diy - 1 - yday) / 7 + 1);
    }
    if (ord == nth || ord == nthneg) return 1;
  }
  return 0;
}

/* Index of the period that holds day D (D >= d0), counting from dtstart's. */
static int64_t period_of(const rctx *x, int64_t D) {
  int64_t y;
  int m, d;
  switch (x->r->freq) {
  case ATT_FREQ_YEARLY:
    att_civil_from_days(D, &y, &m, &d);
    return y - x->y0;
  case ATT_FREQ_MONTHLY:
    att_civil_from_days(D, &y, &m, &d);
    return (y - x->y0) * 12 + (m - x->m0);
  case ATT_FREQ_WEEKLY:
    return floor_div((D - weekday(D)) - (x->d0 - x->wd0), 7);
  default:
    return D - x->d0;
  }
}

/* First and last day of period p. */
static void period_days(const rctx *x, int64_t p, int64_t *first,
                        int64_t *last) {
  int64_t y, mi;
  int m;
  switch (x->r->freq) {
  case ATT_FREQ_YEARLY:
    *first = att_days_from_civil(x->y0 + p, 1, 1);
    *last = att_days_from_civil(x->y0 + p + 1, 1, 1) - 1;
    break;
  case ATT_FREQ_MONTHLY:
    mi = (x->m0 - 1) + p;
    y = x->y0 + floor_div(mi, 12);
    m = (int)(mi - floor_div(mi, 12) * 12) + 1;
    *first = att_days_from_civil(y, m, 1);
    *last = *first + att_days_in_month(y, m) - 1;
    break;
  case ATT_FREQ_WEEKLY:
    *first = x->d0 - x->wd0 + 7 * p;
    *last = *first + 6;
    break;
  default:
    *first = *last = x->d0 + p;
    break;
  }
}

/* The first day >= from (and >= d0) in a kept period that passes the
 * filters; -1 with no such day within the repetition horizon or before
 * `stop` (the day of UNTIL). */
static int scan(const rctx *x, int64_t from, int64_t stop, int64_t *hit) {
  int64_t I = x->r->interval, p, horizon, first, last, D;
  if (from < x->d0) from = x->d0;
  horizon = from + CYCLE * I + 7 * I + 400;
  p = period_of(x, from);
  if (p % I != 0) {
    p += I - p % I;
    period_days(x, p, &first, &last);
    from = first;
  }
  for (;; p += I) {
    period_days(x, p, &first, &last);
    if (first > horizon || first > stop) return -1;
    D = first > from ? first : from;
    while (D <= last && D <= stop) {
      int64_t y;
      int m, d;
      att_civil_from_days(D, &y, &m, &d);
      if (x->months && !((x->months >> m) & 1)) {
        D += att_days_in_month(y, m) - d + 1; /* the next month */
        continue;
      }
      if (day_ok(x, D, y, m, d)) {
        *hit = D;
        return 0;
      }
      D++;
    }
  }
}

static int none_after(att_time after) {
  char buf[40];
  if (att_time_format(after, buf, sizeof buf) < 0) buf[0] = '\0';
  return att__err(ATT_ENOTFOUND, "the rule has no occurrence after %s", buf);
}

static int recur_next_utc(const att_rrule *r, att_time dtstart, att_time after, att_time *next);

/* A zone: the rule runs on the zone's local time as if it were UTC (a
 * "floating" time line), and each local occurrence is turned into its
 * instant.  Both time lines run the same way, so the first local
 * occurrence whose instant is after `after` is found by starting a day
 * (more than any offset change) before after's local time. */
static int recur_next_zoned(const att_rrule *r, att_time dtstart, att_time after,
                            att_time *next) {
  att_rrule lr = *r;
  att_time ld, la, L = 0;
  int off, rc;
  lr.tz[0] = '\0';
  if (after < dtstart) {
    *next = dtstart;
    return 0;
  }
  if (dtstart <= -DAY_LIMIT * DAY || dtstart >= DAY_LIMIT * DAY || after >= DAY_LIMIT * DAY)
    return recur_next_utc(&lr, dtstart, after, next);
  if ((rc = att_tz_offset(r->tz, dtstart, &off)) != 0) return rc;
  ld = dtstart + off;
  if (r->has_until) {
    if ((rc = att_tz_offset(r->tz, r->until, &off)) != 0) return rc;
    lr.until = r->until + off;
  }
  if ((rc = att_tz_offset(r->tz, after, &off)) != 0) return rc;
  la = after + off - DAY;
  for (;;) {
    int64_t y, days;
    int mo, d, tod;
    att_time u;
    if ((rc = recur_next_utc(&lr, ld, la, &L)) != 0) {
      if (rc == ATT_ENOTFOUND) return none_after(after);
      return rc;
    }
    if (L == ld) {
      u = dtstart;
    } else {
      days = floor_div(L, DAY);
      tod = (int)(L - days * DAY);
      att_civil_from_days(days, &y, &mo, &d);
      rc = att_tz_local_to_utc_ex(r->tz, y, mo, d, tod / 3600, tod / 60 % 60, tod % 60,
                                  ATT_TZ_EARLIER | ATT_TZ_SHIFT_GAP, &u, NULL);
      if (rc != 0) return rc;
    }
    if (r->has_until && u > r->until) return none_after(after);
    if (u > after) {
      *next = u;
      return 0;
    }
    la = L;
  }
}

int att_recur_next(const att_rrule *r, att_time dtstart, att_time after,
                   att_time *next) {
  if (r && r->tz[0]) return recur_next_zoned(r, dtstart, after, next);
  return recur_next_utc(r, dtstart, after, next);
}

static int recur_next_utc(const att_rrule *r, att_time dtstart, att_time after,
                          att_time *next) {
  rctx x;
  int64_t stop, D, from;
  int n;

  if (!r || r->freq < ATT_FREQ_YEARLY || r->freq > ATT_FREQ_DAILY ||
      r->interval < 1)
    return att__err(ATT_EINVAL, "recurrence: not a parsed rule");
  if (dtstart <= -DAY_LIMIT * DAY || dtstart >= DAY_LIMIT * DAY)
    return att__err(ATT_EINVAL,
                    "recurrence: the event has no usable start instant (an "
                    "open or far-off start cannot anchor a rule)");
  if (after < dtstart) {
    *next = dtstart;
    return 0;
  }
  setup(&x, r, dtstart);
  stop = INT64_MAX;
  if (r->has_until) {
    if (r->until < dtstart) return none_after(after);
    stop = floor_div(r->until - x.tod, DAY);
  }
  if (!r->count) {
    /* The first day whose instant is after `after`. */
    from = floor_div(after - x.tod, DAY) + 1;
    if (from > DAY_LIMIT * 2) return none_after(after);
    if (scan(&x, from, stop, &D) < 0) return none_after(after);
    *next = D * DAY + x.tod;
    return 0;
  }
  /* COUNT: walk from dtstart, which is the first of them. */
  for (n = 1, from = x.d0;; from = D + 1) {
    if (scan(&x, from, stop, &D) < 0) return none_after(after);
    if (D == x.d0) continue; /* dtstart itself, already counted */
    if (++n > r->count) return none_after(after);
    if (D * DAY + x.tod > after) {
      *next = D * DAY + x.tod;
      return 0;
    }
  }
}

int att_recur_upcoming(const att_rrule *r, att_time dtstart, att_time after,
                       att_time *out, int n) {
  int i, rc;
  for (i = 0; i < n; i++) {
    rc = att_recur_next(r, dtstart, after, &out[i]);
    if (rc == ATT_ENOTFOUND) return i;
    if (rc < 0) return i ? i : rc;
    after = out[i];
  }
  return n;
}
