/*
 * Durations: one scanner for the text of both dialects (duration.h says
 * what each accepts), the canonical text, and calendar arithmetic.  Every
 * sum and product is checked before it is made, so no input, however
 * large, overflows (tests/unit/test_duration.c runs the edges under
 * UBSan).
 */
#include "duration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

#define DAY INT64_C(86400)

static const char script_forms[] =
    "write a number and a unit: 7d, 2h, 30m, 45s, 1w, 3mo, 1y, or several: "
    "1d12h, 1y6mo, -2h (y years, mo months, w weeks, d days, h hours, "
    "m minutes, s seconds; or the names: 3 months, 1 year, 2 weeks)";

/* ---- checked integer arithmetic ----------------------------------------- */

static int add64(int64_t a, int64_t b, int64_t *r) {
  if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b)) return -1;
  *r = a + b;
  return 0;
}

static int mul64(int64_t a, int64_t b, int64_t *r) {
  if (a > 0) {
    if (b > 0 ? a > INT64_MAX / b : b < INT64_MIN / a) return -1;
  } else if (a < 0) {
    if (b > 0 ? a < INT64_MIN / b : (b < 0 && a < INT64_MAX / b)) return -1;
  }
  *r = a * b;
  return 0;
}

static int sub64(int64_t a, int64_t b, int64_t *r) {
  if ((b < 0 && a > INT64_MAX + b) || (b > 0 && a < INT64_MIN + b)) return -1;
  *r = a - b;
  return 0;
}

/* -a; -1 for INT64_MIN, whose negation does not exist. */
static int neg64(int64_t a, int64_t *r) {
  if (a == INT64_MIN) return -1;
  *r = -a;
  return 0;
}

static int64_t floordiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int out_of_range(void) {
  return att__err(ATT_ERANGE, "duration out of range");
}

/* ---- the grammar --------------------------------------------------------- */

enum { Y, MO, D, S }; /* components */

/* Every name of every unit, in lower case; a unit is the whole run of
 * letters after a number, compared without case, so "7days" is 7d and
 * "1dd" is refused. */
static const struct unit {
  const char *name;
  int comp;     /* component it adds to */
  int64_t mul;  /* in that component's units */
} units[] = {
    {"y", Y, 1},      {"yr", Y, 1},       {"yrs", Y, 1},      {"year", Y, 1},
    {"years", Y, 1},  {"mo", MO, 1},      {"mos", MO, 1},     {"month", MO, 1},
    {"months", MO, 1}, {"w", D, 7},       {"wk", D, 7},       {"wks", D, 7},
    {"week", D, 7},   {"weeks", D, 7},    {"d", D, 1},        {"day", D, 1},
    {"days", D, 1},   {"h", S, 3600},     {"hr", S, 3600},    {"hrs", S, 3600},
    {"hour", S, 3600}, {"hours", S, 3600}, {"m", S, 60},      {"min", S, 60},
    {"mins", S, 60},  {"minute", S, 60},  {"minutes", S, 60}, {"s", S, 1},
    {"sec", S, 1},    {"secs", S, 1},     {"second", S, 1},   {"seconds", S, 1},
};
#define NUNITS (int)(sizeof units / sizeof units[0])

static int is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* The unit whose name is the run of letters at p: its index, the run's
 * length in *n; -1 if the run is empty or names no unit. */
static int unit_at(const char *p, size_t *n) {
  size_t k = 0;
  while (is_letter(p[k])) k++;
  *n = k;
  for (int i = 0; k > 0 && i < NUNITS; i++) {
    size_t j;
    if (strlen(units[i].name) != k) continue;
    for (j = 0; j < k; j++) {
      char c = p[j];
      if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
      if (c != units[i].name[j]) break;
    }
    if (j == k) return i;
  }
  return -1;
}

static int fault(att_duration_error *e, att_duration_fault f, const char *s,
                 const char *p) {
  if (e) {
    e->fault = f;
    e->at = (size_t)(p - s);
  }
  return f == ATT_DURATION_RANGE ? ATT_ERANGE : ATT_EINVAL;
}

/* Seconds in the average month and year (365.25 days), for the bound on a
 * lead and for att_lead_seconds. */
#define MONTH_AVG (INT64_C(2629800))

/* Whether a lead of these components stays within ATT_LEAD_MAX. */
static int lead_fits(const int64_t comp[4]) {
  int64_t m, t;
  if (comp[Y] < 0 || comp[MO] < 0 || comp[D] < 0 || comp[S] < 0) return 0;
  if (mul64(comp[Y], 12, &m) || add64(m, comp[MO], &m) || mul64(m, MONTH_AVG, &m) ||
      mul64(comp[D], DAY, &t) || add64(t, m, &t) || add64(t, comp[S], &t))
    return 0;
  return t <= ATT_LEAD_MAX;
}

int att_duration_scan(const char *s, int dialect, att_duration *out,
                      att_duration_error *e) {
  const int lead = dialect == ATT_DURATION_LEAD;
  const char *p = s;
  int64_t comp[4] = {0, 0, 0, 0};
  int neg = 0, terms = 0;

  if (e) {
    e->fault = ATT_DURATION_OK;
    e->at = 0;
  }
  if (strcmp(s, "0") == 0) {
    memset(out, 0, sizeof *out);
    return 0;
  }
  while (*p) {
    int64_t v = 0;
    int over = 0, u;
    size_t ul;
    const char *num;
    while (*p == ' ') p++;
    if (!*p) break;
    if (*p == '-' || *p == '+') {
      if (lead) return fault(e, ATT_DURATION_SIGN, s, p);
      neg = *p++ == '-';
    }
    num = p;
    /* Digits past 64 bits are read on (saturated) so that a unit after
     * them is still checked first. */
    while (*p >= '0' && *p <= '9') {
      if (!over && (mul64(v, 10, &v) || add64(v, *p - '0', &v))) over = 1;
      p++;
    }
    if (p == num) return fault(e, ATT_DURATION_NUMBER, s, p);
    while (*p == ' ') p++;
    if (!*p) return fault(e, ATT_DURATION_NOUNIT, s, p);
    if ((u = unit_at(p, &ul)) < 0) return fault(e, ATT_DURATION_UNIT, s, p);
    if (over || mul64(v, units[u].mul, &v) ||
        add64(comp[units[u].comp], neg ? -v : v, &comp[units[u].comp]))
      return fault(e, ATT_DURATION_RANGE, s, num);
    if (lead && !lead_fits(comp)) return fault(e, ATT_DURATION_RANGE, s, num);
    p += ul;
    terms++;
  }
  if (terms == 0) return fault(e, ATT_DURATION_EMPTY, s, p);
  out->years = comp[Y];
  out->months = comp[MO];
  out->days = comp[D];
  out->seconds = comp[S];
  return 0;
}

const char *att_duration_fault_text(att_duration_fault f) {
  switch (f) {
  case ATT_DURATION_OK: return "no fault";
  case ATT_DURATION_EMPTY: return "empty";
  case ATT_DURATION_NUMBER: return "expected a number";
  case ATT_DURATION_NOUNIT: return "the number has no unit";
  case ATT_DURATION_UNIT: return "unknown unit";
  case ATT_DURATION_SIGN: return "a lead counts back from its date, so it has no sign";
  case ATT_DURATION_RANGE: return "out of range";
  }
  return "unknown fault";
}

int att_duration_parse(const char *s, att_duration *out) {
  att_duration_error e;
  int rc;
  if (!s) return att__err(ATT_EINVAL, "cannot read the duration: none given; %s",
                          script_forms);
  if ((rc = att_duration_scan(s, ATT_DURATION_SCRIPT, out, &e)) == 0) return 0;
  /* The text up to the first ';' is what it always was: scripts match it
   * (examples/lua/duration.lua). */
  if (e.fault == ATT_DURATION_NUMBER || e.fault == ATT_DURATION_UNIT)
    return att__err(rc, "cannot read the duration \"%s\"; %s at \"%.8s\"; %s", s,
                    att_duration_fault_text(e.fault), s + e.at, script_forms);
  if (e.fault == ATT_DURATION_RANGE)
    return att__err(rc, "cannot read the duration \"%s\"; out of range at \"%.8s\" "
                        "(each of years, months, days and seconds fits 64 bits); %s",
                    s, s + e.at, script_forms);
  return att__err(rc, "cannot read the duration \"%s\"; %s; %s", s,
                  att_duration_fault_text(e.fault), script_forms);
}

/* ---- text ---------------------------------------------------------------- */

int att_duration_format(const att_duration *d, char *buf, size_t cap) {
  static const char *const names[6] = {"y", "mo", "d", "h", "m", "s"};
  int64_t parts[6], h, m, s = d->seconds;
  size_t o = 0;
  int prevneg = 0, any = 0;
  if (cap == 0) return att__err(ATT_ERANGE, "duration: no room for the text");
  /* Truncating division keeps every part of the seconds the same sign. */
  h = s / 3600;
  s -= h * 3600;
  m = s / 60;
  s -= m * 60;
  parts[0] = d->years, parts[1] = d->months, parts[2] = d->days;
  parts[3] = h, parts[4] = m, parts[5] = s;
  buf[0] = '\0';
  for (int i = 0; i < 6; i++) {
    int neg = parts[i] < 0, w;
    unsigned long long v;
    const char *sign;
    if (parts[i] == 0) continue;
    v = neg ? 0ull - (unsigned long long)parts[i] : (unsigned long long)parts[i];
    sign = !any ? (neg ? "-" : "") : neg != prevneg ? (neg ? "-" : "+") : "";
    w = snprintf(buf + o, cap - o, "%s%llu%s", sign, v, names[i]);
    if (w < 0 || (size_t)w >= cap - o)
      return att__err(ATT_ERANGE, "duration: no room for the text");
    o += (size_t)w;
    prevneg = neg;
    any = 1;
  }
  if (!any) {
    if (cap < 3) return att__err(ATT_ERANGE, "duration: no room for the text");
    memcpy(buf, "0s", 3);
  }
  return 0;
}

/* ---- arithmetic on durations --------------------------------------------- */

att_duration att_duration_seconds(int64_t n) {
  att_duration d = {0, 0, 0, 0};
  d.seconds = n;
  return d;
}

int att_duration_sum(const att_duration *a, const att_duration *b,
                     att_duration *out) {
  att_duration r;
  if (add64(a->years, b->years, &r.years) || add64(a->months, b->months, &r.months) ||
      add64(a->days, b->days, &r.days) || add64(a->seconds, b->seconds, &r.seconds))
    return out_of_range();
  *out = r;
  return 0;
}

int att_duration_neg(const att_duration *a, att_duration *out) {
  att_duration r;
  if (neg64(a->years, &r.years) || neg64(a->months, &r.months) ||
      neg64(a->days, &r.days) || neg64(a->seconds, &r.seconds))
    return out_of_range();
  *out = r;
  return 0;
}

int att_duration_diff(const att_duration *a, const att_duration *b,
                      att_duration *out) {
  att_duration nb = {0};
  if (att_duration_neg(b, &nb) != 0) return ATT_ERANGE;
  return att_duration_sum(a, &nb, out);
}

int att_duration_scale(const att_duration *a, int64_t n, att_duration *out) {
  att_duration r;
  if (mul64(a->years, n, &r.years) || mul64(a->months, n, &r.months) ||
      mul64(a->days, n, &r.days) || mul64(a->seconds, n, &r.seconds))
    return out_of_range();
  *out = r;
  return 0;
}

int att_duration_norm(const att_duration *d, int64_t *months, int64_t *secs) {
  int64_t m, s;
  if (mul64(d->years, 12, &m) || add64(m, d->months, &m) || mul64(d->days, DAY, &s) ||
      add64(s, d->seconds, &s))
    return out_of_range();
  *months = m;
  *secs = s;
  return 0;
}

int att_duration_eq(const att_duration *a, const att_duration *b, int *eq) {
  int64_t m1 = 0, s1 = 0, m2 = 0, s2 = 0; /* set by att_duration_norm; gcc -O2 cannot tell */
  if (att_duration_norm(a, &m1, &s1) || att_duration_norm(b, &m2, &s2))
    return ATT_ERANGE;
  *eq = m1 == m2 && s1 == s2;
  return 0;
}

int att_duration_cmp(const att_duration *a, const att_duration *b, int *cmp) {
  char ta[ATT_DURATION_TEXT_MAX], tb[ATT_DURATION_TEXT_MAX];
  int64_t m1 = 0, s1 = 0, m2 = 0, s2 = 0;
  if (att_duration_norm(a, &m1, &s1) || att_duration_norm(b, &m2, &s2))
    return ATT_ERANGE;
  if (m1 == 0 && m2 == 0) {
    *cmp = s1 < s2 ? -1 : s1 > s2;
    return 0;
  }
  if (s1 == 0 && s2 == 0) {
    *cmp = m1 < m2 ? -1 : m1 > m2;
    return 0;
  }
  att_duration_format(a, ta, sizeof ta);
  att_duration_format(b, tb, sizeof tb);
  return att__err(ATT_EINVAL, "cannot compare the durations %s and %s: a month or a "
                              "year has no fixed number of days", ta, tb);
}

/* ---- arithmetic on instants ---------------------------------------------- */

/* t split into whole days and the seconds of its day (0 to 86399), with
 * no product that could overflow near the ends of the range. */
static void day_split(att_time t, int64_t *days, int64_t *secs) {
  int64_t q = t / DAY, r = t % DAY;
  if (r < 0) q--, r += DAY;
  *days = q;
  *secs = r;
}

int att_duration_add(att_time t, const att_duration *d, att_time *out) {
  int64_t months, secs, days, y, total, ny;
  int m, dd, nm, nd;
  if (t == ATT_TIME_MIN || t == ATT_TIME_MAX) {
    *out = t;
    return 0;
  }
  if (mul64(d->years, 12, &months) || add64(months, d->months, &months)) goto range;
  if (months != 0) {
    day_split(t, &days, &secs);
    att_civil_from_days(days, &y, &m, &dd);
    if (mul64(y, 12, &total) || add64(total, m - 1, &total) || add64(total, months, &total))
      goto range;
    ny = floordiv(total, 12);
    if (ny < ATT_YEAR_MIN || ny > ATT_YEAR_MAX) goto range;
    nm = (int)(total - ny * 12) + 1;
    nd = dd;
    if (nd > att_days_in_month(ny, nm)) nd = att_days_in_month(ny, nm);
    if (mul64(att_days_from_civil(ny, nm, nd), DAY, &t) || add64(t, secs, &t)) goto range;
  }
  if (mul64(d->days, DAY, &secs) || add64(t, secs, &t) || add64(t, d->seconds, &t))
    goto range;
  if (t == ATT_TIME_MIN || t == ATT_TIME_MAX) goto range;
  *out = t;
  return 0;
range:
  return att__err(ATT_ERANGE, "date arithmetic out of range: the result is not a "
                              "year attache can count (%lld to %lld)",
                  (long long)ATT_YEAR_MIN, (long long)ATT_YEAR_MAX);
}

int att_duration_between(att_time a, att_time b, att_duration *out) {
  int64_t diff;
  if (a == ATT_TIME_MIN || a == ATT_TIME_MAX || b == ATT_TIME_MIN || b == ATT_TIME_MAX)
    return att__err(ATT_EINVAL, "cannot subtract dates with an open start");
  if (sub64(a, b, &diff)) return att__err(ATT_ERANGE, "date difference out of range");
  memset(out, 0, sizeof *out);
  out->days = diff / DAY;
  out->seconds = diff % DAY;
  return 0;
}

int att_seconds_read(const char *s, double *out) {
  const char *p = s;
  size_t digits = 0;
  char *end;
  double v;
  while (*p >= '0' && *p <= '9') p++, digits++;
  if (*p == '.')
    for (p++; *p >= '0' && *p <= '9'; p++) digits++;
  if (digits == 0) return -1;
  if (*p == 's') p++;
  if (*p != '\0') return -1;
  v = strtod(s, &end); /* the same digits, now known to be decimal */
  *out = v;
  return 0;
}
