/*
 * Friendly dates that count from the reference date (the source's
 * published date, else today): days of the week, weeks, "in 3 days",
 * "within two weeks", "later this year", "by end of March".  Part of the
 * friendly reader (date_friendly.c); docs/dates.md has the table, with the
 * reference date used.  Weeks run Monday to Sunday (ISO 8601).
 */
#include "date_int.h"
#include "error.h"

#include <stdio.h>
#include <string.h>

static int64_t ref_day(att__fr *c) {
  att__fr_used_ref(c);
  return att__day_number(c->ry, c->rm, c->rd);
}

/* day, week, month, year (and plurals): 1-4, or 0. */
static int unit_of(const char *t) {
  static const char *const u[4] = {"day", "week", "month", "year"};
  int i;
  for (i = 0; i < 4; i++) {
    size_t l = strlen(u[i]);
    if (strncmp(t, u[i], l) == 0 && (t[l] == '\0' || (t[l] == 's' && t[l + 1] == '\0')))
      return i + 1;
  }
  return 0;
}

/* The day n months after day (clamped to the end of a shorter month). */
static int64_t add_months(int64_t day, int64_t n) {
  int64_t y;
  int m, d;
  att_civil_from_days(day, &y, &m, &d);
  {
    int64_t mm = y * 12 + (m - 1) + n;
    int64_t ny = mm / 12 - (mm % 12 < 0);
    int nm = (int)(mm - ny * 12) + 1;
    int dim = att_days_in_month(ny, nm);
    return att__day_number(ny, nm, d > dim ? dim : d);
  }
}

/* The day v units (u: 1 days, 2 weeks, 3 months, 4 years) from day: a
 * day exactly, a week's about that day, a month or a year about it. */
static void put_offset(int64_t day, int64_t v, int u, char *e) {
  int64_t y;
  int m, d;
  if (u == 1) {
    att__put_day(e, ATT__E, day + v);
  } else if (u == 2) {
    att__put_day(e, ATT__E, day + 7 * v);
    strcat(e, "~");
  } else {
    att_civil_from_days(add_months(day, u == 3 ? v : 12 * v), &y, &m, &d);
    if (u == 3) snprintf(e, ATT__E, "%04lld-%02d~", (long long)y, m);
    else snprintf(e, ATT__E, "%04lld~", (long long)y);
  }
}


static void put_days(char *e, int64_t d0, int64_t d1) {
  char a[40], b[40];
  att__put_day(a, sizeof a, d0);
  att__put_day(b, sizeof b, d1);
  snprintf(e, ATT__E, "%s/%s", a, b);
}

/* The last day of this week, month or year (unit 2-4) from day. */
static int64_t end_of(int64_t day, int unit) {
  int64_t y;
  int m, d;
  att_civil_from_days(day, &y, &m, &d);
  if (unit == 2) return day + (7 - att__weekday(day));
  if (unit == 3) return att__day_number(y, m, att_days_in_month(y, m));
  return att__day_number(y, 12, 31);
}

int att__fr_relative_point(att__fr *c, char **tok, int n, char *e) {
  int w, u, k;
  int64_t day;
  if (n == 1 && (strcmp(tok[0], "today") == 0 || strcmp(tok[0], "tomorrow") == 0 ||
                 strcmp(tok[0], "yesterday") == 0)) {
    day = ref_day(c) + (tok[0][0] == 'y' ? -1 : tok[0][2] == 'm' ? 1 : 0);
    att__put_day(e, ATT__E, day);
    return 0;
  }
  /* Tuesday, this Tuesday: the first on or after the reference day;
   * next Tuesday: the Tuesday of next week; last Tuesday: the latest
   * before the reference day. */
  if ((n == 1 && (w = att__wday_of(tok[0])) != 0) ||
      (n == 2 && (strcmp(tok[0], "this") == 0 || strcmp(tok[0], "coming") == 0 ||
                  strcmp(tok[0], "next") == 0 || strcmp(tok[0], "last") == 0) &&
       (w = att__wday_of(tok[1])) != 0)) {
    day = ref_day(c);
    if (n == 1 || tok[0][0] == 't' || tok[0][0] == 'c')
      day += (w - att__weekday(day) + 7) % 7;
    else if (tok[0][0] == 'n')
      day += 7 - (att__weekday(day) - 1) + (w - 1);
    else
      day -= (att__weekday(day) - w + 6) % 7 + 1;
    att__put_day(e, ATT__E, day);
    return 0;
  }
  if (n == 2 && strcmp(tok[1], "month") == 0 &&
      (strcmp(tok[0], "this") == 0 || strcmp(tok[0], "next") == 0 ||
       strcmp(tok[0], "coming") == 0 || strcmp(tok[0], "last") == 0)) {
    int64_t y = c->ry;
    int m = c->rm + (tok[0][0] == 'n' || tok[0][0] == 'c') - (tok[0][0] == 'l');
    att__fr_used_ref(c);
    if (m > 12) { m = 1; y++; }
    if (m < 1) { m = 12; y--; }
    snprintf(e, ATT__E, "%04lld-%02d", (long long)y, m);
    return 0;
  }
  /* in 3 days (that day), in two weeks (about that day), in 3 months,
   * in 2 years (about that month or year); 3 days ago likewise. */
  if (n == 3 && strcmp(tok[0], "in") == 0 && (k = att__number_of(tok[1])) != 0 &&
      (u = unit_of(tok[2])) != 0) {
    put_offset(ref_day(c), k, u, e);
    return 0;
  }
  if (n == 3 && strcmp(tok[2], "ago") == 0 && (k = att__number_of(tok[0])) != 0 &&
      (u = unit_of(tok[1])) != 0) {
    put_offset(ref_day(c), -(int64_t)k, u, e);
    return 0;
  }
  if (n == 2 && (strcmp(tok[0], "next") == 0 || strcmp(tok[0], "last") == 0 ||
                 strcmp(tok[0], "this") == 0) &&
      !unit_of(tok[1]) && !att__month_of(tok[1]) && strcmp(tok[1], "years") != 0) {
    static const char *const seasons[] = {"spring", "summer", "autumn", "fall", "winter", NULL};
    if (!att__is(tok[1], seasons))
      return att__fr_refuse(c, "\"%s\" is not a day of the week (Monday to Sunday, Mon, Tue, "
                               "...), nor week, month or year",
                            c->orig[tok + 1 - c->tok0]);
  }
  return ATT__NOMATCH;
}

/* "by end of March", "by March": the next March from the reference date. */
static int by_month(att__fr *c, char **tok, int n, int64_t *last) {
  int m;
  int64_t y;
  if (n >= 1 && (strcmp(tok[0], "end") == 0 || strcmp(tok[0], "close") == 0)) {
    tok++;
    n--;
  }
  if (n < 1 || (m = att__month_of(tok[0])) == 0) return 0;
  if (n == 1) {
    att__fr_used_ref(c);
    y = m >= c->rm ? c->ry : c->ry + 1;
  } else if (!att__fr_year_expr(c, tok + 1, n - 1, &y)) {
    return 0;
  }
  *last = att__day_number(y, m, att_days_in_month(y, m));
  return 1;
}

int att__fr_relative(att__fr *c, char **tok, int n, char *e) {
  int u, k, rc;
  int64_t day;
  /* this week, next week, last week: Monday to Sunday */
  if (n == 2 && strcmp(tok[1], "week") == 0 &&
      (strcmp(tok[0], "this") == 0 || strcmp(tok[0], "next") == 0 ||
       strcmp(tok[0], "coming") == 0 || strcmp(tok[0], "last") == 0)) {
    day = ref_day(c);
    day -= att__weekday(day) - 1;
    day += tok[0][0] == 'n' || tok[0][0] == 'c' ? 7 : tok[0][0] == 'l' ? -7 : 0;
    put_days(e, day, day + 6);
    return 0;
  }
  /* within two weeks, within 3 days: from the reference day to that day;
   * within this week/month/year, later this week/month/year: to its end */
  if (n == 3 && strcmp(tok[0], "within") == 0 && (k = att__number_of(tok[1])) != 0 &&
      (u = unit_of(tok[2])) != 0) {
    day = ref_day(c);
    put_days(e, day,
             u == 1 ? day + k : u == 2 ? day + 7 * k : add_months(day, u == 3 ? k : 12 * k));
    return 0;
  }
  if (n == 3 && (strcmp(tok[0], "within") == 0 || strcmp(tok[0], "later") == 0) &&
      strcmp(tok[1], "this") == 0 && (u = unit_of(tok[2])) >= 2) {
    day = ref_day(c);
    put_days(e, day, end_of(day, u));
    return 0;
  }
  if (n >= 2 && strcmp(tok[0], "by") == 0) {
    char x[ATT__E];
    const char *slash, *endp;
    int64_t last;
    att_bounds bx;
    day = ref_day(c);
    if (by_month(c, tok + 1, n - 1, &last)) {
      att__put_day(x, sizeof x, last);
      endp = x;
    } else {
      int off = strcmp(tok[1], "end") == 0 && n >= 3 ? 2 : 1;
      int64_t y;
      if (off == 2 && att__fr_year_expr(c, tok + 2, n - 2, &y)) {
        snprintf(x, sizeof x, "%04lld-12-31", (long long)y);
      } else {
        rc = att__fr_value(c, tok + off, n - off, x);
        if (rc) return rc;
      }
      slash = strchr(x, '/');
      endp = slash ? slash + 1 : x;
      if (!*endp || strcmp(endp, "..") == 0)
        return att__fr_refuse(c, "\"by\" needs a date with an end (by end of March, by 2025)");
    }
    if (!att__edtf_ok(endp, &bx)) return att__fr_fail(c, NULL);
    if (bx.earliest < day * 86400 && bx.latest >= day * 86400) {
      /* "by 2024" said in 2024: by the last day of it */
      att__put_day(x, sizeof x, bx.latest / 86400);
      endp = x;
    }
    {
      char start[40];
      att__put_day(start, sizeof start, day);
      if (bx.latest < day * 86400) snprintf(e, ATT__E, "../%.100s", endp);
      else snprintf(e, ATT__E, "%.20s/%.100s", start, endp);
    }
    return 0;
  }
  return ATT__NOMATCH;
}
