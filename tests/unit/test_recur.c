/*
 * Unit tests of RRULE expansion (core/recur.c): hand-checked sequences,
 * then many random rules against a day-by-day oracle written from RFC 5545
 * (same occurrences, and the same answer from random points in between).
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "error.h"
#include "recur.h"
#include "rrule.h"
#include "tap.h"
#include "testutil.h"

static att_time T(const char *s) { return tu_time(s); }

/* Occurrences after `after`: want[] as RFC 3339, then "END" if the rule
 * must stop there. */
static void seq(const char *rule, const char *dtstart, const char *after,
                const char *const *want, int n) {
  att_rrule r;
  att_time t = T(after), got;
  int i, rc;
  if (!ok(att_rrule_parse(rule, &r, NULL, 0) == 0, "%s parses", rule)) {
    printf("# %s\n", att_errmsg());
    return;
  }
  for (i = 0; i < n; i++) {
    char g[40], w[40];
    rc = att_recur_next(&r, T(dtstart), t, &got);
    if (strcmp(want[i], "END") == 0) {
      is_int(rc, ATT_ENOTFOUND, "%s from %s: no occurrence after #%d", rule,
             dtstart, i);
      return;
    }
    if (rc < 0) {
      ok(0, "%s from %s: #%d: %s", rule, dtstart, i + 1, att_errmsg());
      return;
    }
    att_time_format(got, g, sizeof g);
    att_time_format(T(want[i]), w, sizeof w);
    is_str(g, w, "%s from %s after %s: #%d", rule, dtstart, after, i + 1);
    t = got;
  }
}

#define SEQ(rule, dtstart, after, ...)                                 \
  do {                                                                 \
    static const char *const w_[] = {__VA_ARGS__};                     \
    seq(rule, dtstart, after, w_, (int)(sizeof w_ / sizeof w_[0]));    \
  } while (0)

static void test_hand(void) {
  /* Relations established on 1953-01-09: a yearly anniversary. */
  SEQ("FREQ=YEARLY", "1953-01-09T00:00:00Z", "1900-01-01T00:00:00Z",
      "1953-01-09T00:00:00Z", "1954-01-09T00:00:00Z", "1955-01-09T00:00:00Z");
  SEQ("FREQ=YEARLY", "1953-01-09T00:00:00Z", "2023-06-01T00:00:00Z",
      "2024-01-09T00:00:00Z", "2025-01-09T00:00:00Z");
  SEQ("FREQ=YEARLY", "1953-01-09T00:00:00Z", "2023-01-08T23:59:59Z",
      "2023-01-09T00:00:00Z");
  SEQ("FREQ=YEARLY", "1953-01-09T00:00:00Z", "2023-01-09T00:00:00Z",
      "2024-01-09T00:00:00Z");
  /* Last Friday of the month. */
  SEQ("FREQ=MONTHLY;BYDAY=-1FR", "2024-01-26T09:00:00Z", "2024-01-26T09:00:00Z",
      "2024-02-23T09:00:00Z", "2024-03-29T09:00:00Z", "2024-04-26T09:00:00Z",
      "2024-05-31T09:00:00Z", "2024-06-28T09:00:00Z");
  /* dtstart not on the rule: it is still the first occurrence. */
  SEQ("FREQ=MONTHLY;BYDAY=-1FR", "2023-12-17T00:00:00Z", "2023-01-01T00:00:00Z",
      "2023-12-17T00:00:00Z", "2023-12-29T00:00:00Z", "2024-01-26T00:00:00Z");
  /* 29 February: leap years only, and 2100 is not one. */
  SEQ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "2024-02-29T00:00:00Z",
      "2024-02-29T00:00:00Z", "2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z");
  SEQ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "2024-02-29T00:00:00Z",
      "2096-02-29T00:00:00Z", "2104-02-29T00:00:00Z");
  SEQ("FREQ=YEARLY", "2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z",
      "2028-02-29T00:00:00Z");
  /* The 31st: months without one are skipped (RFC 5545). */
  SEQ("FREQ=MONTHLY;BYMONTHDAY=31", "2024-01-31T12:00:00Z",
      "2024-01-31T12:00:00Z", "2024-03-31T12:00:00Z", "2024-05-31T12:00:00Z",
      "2024-07-31T12:00:00Z", "2024-08-31T12:00:00Z", "2024-10-31T12:00:00Z",
      "2024-12-31T12:00:00Z", "2025-01-31T12:00:00Z");
  SEQ("FREQ=MONTHLY", "2024-01-31T00:00:00Z", "2024-01-31T00:00:00Z",
      "2024-03-31T00:00:00Z", "2024-05-31T00:00:00Z");
  SEQ("FREQ=MONTHLY;BYMONTHDAY=-1", "2024-01-31T00:00:00Z",
      "2024-01-31T00:00:00Z", "2024-02-29T00:00:00Z", "2024-03-31T00:00:00Z",
      "2024-04-30T00:00:00Z");
  SEQ("FREQ=MONTHLY;BYMONTHDAY=1,-1;COUNT=4", "2024-01-01T00:00:00Z",
      "2023-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "2024-01-31T00:00:00Z",
      "2024-02-01T00:00:00Z", "2024-02-29T00:00:00Z", "END");
  /* Every other week on Monday and Friday. */
  SEQ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR", "2024-01-01T08:00:00Z",
      "2024-01-01T08:00:00Z", "2024-01-05T08:00:00Z", "2024-01-15T08:00:00Z",
      "2024-01-19T08:00:00Z", "2024-01-29T08:00:00Z");
  /* Weekly from a Wednesday, Mondays only: the first week's Monday has
   * passed, so the next is in the kept week after. */
  SEQ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "2024-01-03T00:00:00Z",
      "2024-01-03T00:00:00Z", "2024-01-15T00:00:00Z", "2024-01-29T00:00:00Z");
  SEQ("FREQ=WEEKLY", "2024-01-03T10:30:00Z", "2024-01-10T10:29:59Z",
      "2024-01-10T10:30:00Z", "2024-01-17T10:30:00Z");
  /* COUNT counts dtstart. */
  SEQ("FREQ=DAILY;COUNT=3", "2024-01-01T09:00:00Z", "2023-12-01T00:00:00Z",
      "2024-01-01T09:00:00Z", "2024-01-02T09:00:00Z", "2024-01-03T09:00:00Z",
      "END");
  SEQ("FREQ=DAILY;COUNT=1", "2024-01-01T09:00:00Z", "2024-01-01T09:00:00Z",
      "END");
  /* UNTIL is inclusive; a DATE covers its whole day. */
  SEQ("FREQ=WEEKLY;UNTIL=20240115", "2024-01-01T09:00:00Z",
      "2024-01-01T09:00:00Z", "2024-01-08T09:00:00Z", "2024-01-15T09:00:00Z",
      "END");
  SEQ("FREQ=WEEKLY;UNTIL=20240115T085959Z", "2024-01-01T09:00:00Z",
      "2024-01-01T09:00:00Z", "2024-01-08T09:00:00Z", "END");
  SEQ("FREQ=DAILY;UNTIL=20240101T090000Z", "2024-01-01T09:00:00Z",
      "2024-01-01T09:00:00Z", "END");
  /* Ordinals within the year, and within the month with BYMONTH. */
  SEQ("FREQ=YEARLY;BYDAY=20MO", "2024-05-13T00:00:00Z", "2024-05-13T00:00:00Z",
      "2025-05-19T00:00:00Z", "2026-05-18T00:00:00Z");
  SEQ("FREQ=YEARLY;BYDAY=-1SU", "2024-12-29T00:00:00Z", "2024-12-29T00:00:00Z",
      "2025-12-28T00:00:00Z");
  SEQ("FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "2023-11-23T00:00:00Z",
      "2023-11-23T00:00:00Z", "2024-11-28T00:00:00Z", "2025-11-27T00:00:00Z");
  SEQ("FREQ=YEARLY;BYMONTH=1;BYDAY=MO", "2024-01-01T00:00:00Z",
      "2024-01-22T00:00:00Z", "2024-01-29T00:00:00Z", "2025-01-06T00:00:00Z");
  /* Friday the 13th: BYDAY and BYMONTHDAY together both have to hold. */
  SEQ("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", "2024-09-13T00:00:00Z",
      "2024-09-13T00:00:00Z", "2024-12-13T00:00:00Z", "2025-06-13T00:00:00Z",
      "2026-02-13T00:00:00Z", "2026-03-13T00:00:00Z");
  /* YEARLY with BYMONTHDAY alone expands to every month (RFC 5545). */
  SEQ("FREQ=YEARLY;BYMONTHDAY=1", "2024-01-01T00:00:00Z",
      "2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z");
  SEQ("FREQ=YEARLY;BYMONTH=3,9", "2023-12-17T00:00:00Z", "2023-12-17T00:00:00Z",
      "2024-03-17T00:00:00Z", "2024-09-17T00:00:00Z", "2025-03-17T00:00:00Z");
  SEQ("FREQ=DAILY;BYMONTH=1", "2023-12-30T00:00:00Z", "2023-12-30T00:00:00Z",
      "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z");
  SEQ("FREQ=DAILY;BYMONTH=1", "2023-12-30T00:00:00Z", "2024-01-31T00:00:00Z",
      "2025-01-01T00:00:00Z");
  SEQ("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO,-1MO", "2024-01-01T00:00:00Z",
      "2024-01-01T00:00:00Z", "2024-01-29T00:00:00Z", "2024-04-01T00:00:00Z",
      "2024-04-29T00:00:00Z", "2024-07-01T00:00:00Z");
  SEQ("FREQ=YEARLY;INTERVAL=4", "1991-10-23T00:00:00Z", "2023-01-01T00:00:00Z",
      "2023-10-23T00:00:00Z", "2027-10-23T00:00:00Z");
  /* Never again: odd years have no 29 February. */
  SEQ("FREQ=YEARLY;INTERVAL=2;BYMONTH=2;BYMONTHDAY=29", "2025-01-01T00:00:00Z",
      "2024-12-31T00:00:00Z", "2025-01-01T00:00:00Z", "END");
  /* Far back and far ahead. */
  SEQ("FREQ=YEARLY", "1066-10-14T00:00:00Z", "2024-01-01T00:00:00Z",
      "2024-10-14T00:00:00Z");
  SEQ("FREQ=DAILY;INTERVAL=7", "1970-01-01T00:00:00Z", "1969-12-31T00:00:00Z",
      "1970-01-01T00:00:00Z", "1970-01-08T00:00:00Z");
  {
    att_rrule r;
    att_time t;
    att_rrule_parse("FREQ=YEARLY", &r, NULL, 0);
    is_int(att_recur_next(&r, ATT_TIME_MIN, 0, &t), ATT_EINVAL,
           "an open start cannot anchor a rule");
    {
      att_time out[10];
      att_rrule_parse("FREQ=MONTHLY;COUNT=5", &r, NULL, 0);
      is_int(att_recur_upcoming(&r, T("2024-01-15T00:00:00Z"),
                                T("2024-02-01T00:00:00Z"), out, 10),
             4, "upcoming stops at COUNT (February to May)");
      is_int(out[3], T("2024-05-15T00:00:00Z"), "the last is May");
    }
  }
}

/* ---- oracle: every day from dtstart, checked from first principles ---- */

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng % n);
}

static int wday_of(int64_t day) { /* 0 = Monday */
  int64_t w = (day + 3) % 7;
  return (int)(w < 0 ? w + 7 : w);
}

/* Position of `day` among the days of the same weekday in [lo, hi]:
 * from the start (1..) and from the end (-1..), by counting. */
static void nth_in(int64_t day, int64_t lo, int64_t hi, int *pos, int *neg) {
  int64_t k;
  *pos = *neg = 0;
  for (k = day; k >= lo; k -= 7) (*pos)++;
  for (k = day; k <= hi; k += 7) (*neg)--;
}

static int oracle_day(const att_rrule *r, int64_t ds, int64_t D) {
  int64_t y, y0, ms, mo, k;
  int m, d, m0, d0, dim, i, wd = wday_of(D);
  int has_md = (r->bymonthday | r->bymonthday_neg) != 0;
  uint16_t months = r->bymonth;
  uint32_t mdays = r->bymonthday;
  int nday = r->nbyday, wdset = 0;

  att_civil_from_days(D, &y, &m, &d);
  att_civil_from_days(ds, &y0, &m0, &d0);
  dim = att_days_in_month(y, m);
  /* Period alignment, counted plainly. */
  switch (r->freq) {
  case ATT_FREQ_YEARLY:
    if ((y - y0) % r->interval) return 0;
    break;
  case ATT_FREQ_MONTHLY:
    mo = (y * 12 + m) - (y0 * 12 + m0);
    if (mo % r->interval) return 0;
    break;
  case ATT_FREQ_WEEKLY: {
    /* Mondays passed since dtstart's week began. */
    int64_t weeks = 0;
    for (k = ds - wday_of(ds) + 7; k <= D; k += 7) weeks++;
    if (weeks % r->interval) return 0;
    break;
  }
  default:
    if ((D - ds) % r->interval) return 0;
  }
  /* Defaults from dtstart. */
  if (!nday && !has_md) {
    if (r->freq == ATT_FREQ_YEARLY) {
      if (!months) months = (uint16_t)(1u << m0);
      mdays = 1u << d0;
      has_md = 1;
    } else if (r->freq == ATT_FREQ_MONTHLY) {
      mdays = 1u << d0;
      has_md = 1;
    } else if (r->freq == ATT_FREQ_WEEKLY) {
      wdset = 1 << wday_of(ds);
    }
  }
  if (months && !(months & (1u << m))) return 0;
  if (has_md && !(mdays & (1u << d)) &&
      !(r->bymonthday_neg & (1u << (dim - d + 1))))
    return 0;
  if (wdset) return (wdset >> wd) & 1;
  if (!nday) return 1;
  for (i = 0; i < nday; i++) {
    int pos, neg;
    if (r->byday[i].wday != wd) continue;
    if (!r->byday[i].ord) return 1;
    if (r->freq == ATT_FREQ_MONTHLY || r->bymonth) {
      ms = att_days_from_civil(y, m, 1);
      nth_in(D, ms, ms + dim - 1, &pos, &neg);
    } else {
      ms = att_days_from_civil(y, 1, 1);
      nth_in(D, ms, att_days_from_civil(y, 12, 31), &pos, &neg);
    }
    if (r->byday[i].ord == pos || r->byday[i].ord == neg) return 1;
  }
  return 0;
}

static void random_rule(char *buf, size_t cap, int *freq) {
  static const char *const freqs[] = {"YEARLY", "MONTHLY", "WEEKLY", "DAILY"};
  static const char *const wd[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
  size_t o;
  int f = (int)rnd(4), i, n;
  *freq = f + 1;
  o = (size_t)snprintf(buf, cap, "FREQ=%s", freqs[f]);
  if (rnd(2)) o += (size_t)snprintf(buf + o, cap - o, ";INTERVAL=%u", 1 + rnd(f == 0 ? 3 : 5));
  switch (rnd(4)) {
  case 0:
    o += (size_t)snprintf(buf + o, cap - o, ";COUNT=%u", 1 + rnd(40));
    break;
  case 1:
    o += (size_t)snprintf(buf + o, cap - o, ";UNTIL=20%02u%02u%02u%s", 24 + rnd(20),
                          1 + rnd(12), 1 + rnd(28), rnd(2) ? "T120000Z" : "");
    break;
  default:
    break;
  }
  if (rnd(3) == 0) {
    o += (size_t)snprintf(buf + o, cap - o, ";BYMONTH=%u", 1 + rnd(12));
    if (rnd(2)) o += (size_t)snprintf(buf + o, cap - o, ",%u", 1 + rnd(12));
  }
  if (f != 2 && rnd(3) == 0) {
    n = 1 + (int)rnd(3);
    o += (size_t)snprintf(buf + o, cap - o, ";BYMONTHDAY=");
    for (i = 0; i < n; i++)
      o += (size_t)snprintf(buf + o, cap - o, "%s%s%u", i ? "," : "",
                            rnd(3) == 0 ? "-" : "", 1 + rnd(31));
  }
  if (rnd(2)) {
    n = 1 + (int)rnd(3);
    o += (size_t)snprintf(buf + o, cap - o, ";BYDAY=");
    for (i = 0; i < n; i++) {
      int ord = 0;
      if (f <= 1 && rnd(2)) {
        ord = 1 + (int)rnd(f == 1 ? 5 : 5);
        if (f == 0 && rnd(3) == 0) ord = 1 + (int)rnd(53);
        if (rnd(2)) ord = -ord;
      }
      if (ord)
        o += (size_t)snprintf(buf + o, cap - o, "%s%d%s", i ? "," : "", ord, wd[rnd(7)]);
      else
        o += (size_t)snprintf(buf + o, cap - o, "%s%s", i ? "," : "", wd[rnd(7)]);
    }
  }
}

static void test_oracle(void) {
  int k, rules = 0, bad = 0, occ = 0, probes = 0, skipped = 0;
  for (k = 0; k < 700; k++) {
    char rule[200];
    att_rrule r;
    int freq, n = 0, cnt, i, mismatch = 0;
    int64_t ds, D, span;
    att_time dtstart, list[400], t, got;

    random_rule(rule, sizeof rule, &freq);
    if (att_rrule_parse(rule, &r, NULL, 0) < 0) {
      skipped++;
      continue;
    }
    rules++;
    ds = att_days_from_civil(2020 + rnd(8), 1 + (int)rnd(12), 1 + (int)rnd(28));
    if (rnd(4) == 0) ds += rnd(4); /* sometimes the 29th to the 31st */
    dtstart = ds * 86400 + (att_time)rnd(4) * 3600 * 6;
    span = freq == ATT_FREQ_YEARLY ? 366 * 60 : freq == ATT_FREQ_MONTHLY ? 366 * 12 : 366 * 4;
    /* The oracle's list: dtstart, then every selected day. */
    list[n++] = dtstart;
    cnt = 1;
    for (D = ds; D <= ds + span && n < 400; D++) {
      t = D * 86400 + (dtstart - ds * 86400);
      if (t == dtstart || !oracle_day(&r, ds, D)) continue;
      if (r.has_until && t > r.until) break;
      if (r.count && cnt >= r.count) break;
      cnt++;
      list[n++] = t;
    }
    if (r.has_until && r.until < dtstart) n = 1;
    /* The chain from before dtstart. */
    t = dtstart - 1;
    for (i = 0; i < n && !mismatch; i++) {
      int rc = att_recur_next(&r, dtstart, t, &got);
      if (rc < 0 || got != list[i]) {
        char a[40], b[40];
        att_time_format(list[i], a, sizeof a);
        att_time_format(rc < 0 ? 0 : got, b, sizeof b);
        printf("# %s from day %lld: #%d oracle %s, next %s %s\n", rule,
               (long long)ds, i + 1, a, b, rc < 0 ? att_errmsg() : "");
        mismatch = 1;
      }
      t = list[i];
      occ++;
    }
    /* Random points: the next one is the oracle's first later one. */
    for (i = 0; i < 20 && !mismatch && n > 1; i++) {
      att_time p = dtstart + (att_time)rnd(1000000) * (list[n - 1] - dtstart) / 1000000;
      int j, rc;
      for (j = 0; j < n && list[j] <= p; j++) {
      }
      if (j == n) continue;
      probes++;
      rc = att_recur_next(&r, dtstart, p, &got);
      if (rc < 0 || got != list[j]) {
        printf("# %s: from a point, got %lld want %lld\n", rule,
               (long long)(rc < 0 ? -1 : got), (long long)list[j]);
        mismatch = 1;
      }
    }
    bad += mismatch;
  }
  ok(rules > 400, "%d random rules (%d refused by the parser)", rules, skipped);
  is_int(bad, 0, "random rules agree with the day-by-day oracle (%d "
         "occurrences, %d probes)", occ, probes);
}

static void test_speed(void) {
  att_rrule r;
  att_time t = 0;
  int i, okc = 1;
  att_rrule_parse("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", &r, NULL, 0);
  for (i = 0; i < 2000; i++)
    okc &= att_recur_next(&r, T("1953-01-09T00:00:00Z"),
                          T("2023-01-01T00:00:00Z") + i * 86400, &t) == 0;
  ok(okc, "2000 look-ups of a leap-day rule");
}

int main(void) {
  test_hand();
  test_oracle();
  test_speed();
  return done_testing();
}
