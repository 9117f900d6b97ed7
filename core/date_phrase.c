/*
 * Friendly dates as press releases write them: seasons (by the hemisphere
 * setting), fiscal years (by the fiscal-year settings), decades and
 * centuries, ranges of days and months ("15-17 March 2024", "Jan-Mar
 * 2024"), the ends of months and years, and open intervals ("before 2025",
 * "since 2020").  Part of the friendly reader (date_friendly.c);
 * docs/dates.md has the table.
 */
#include "date_int.h"
#include "error.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static void put_y(char *e, size_t cap, int64_t y) {
  snprintf(e, cap, "%s%04lld", y < 0 ? "-" : "", (long long)(y < 0 ? -y : y));
}

/* spring..winter (fall too): 0-3, or -1. */
static int season_of(const char *t) {
  static const char *const s[] = {"spring", "summer", "autumn", "winter"};
  int i;
  if (strcmp(t, "fall") == 0) return 2;
  for (i = 0; i < 4; i++)
    if (strcmp(t, s[i]) == 0) return i;
  return -1;
}

/* "1990s", "1990's": the decade's first year, or -1; "2000s" sets *round. */
static int64_t decade_of(const char *t, int *round) {
  size_t n = strlen(t);
  int64_t y;
  char four[5];
  if (n == 5 && t[4] == 's') memcpy(four, t, 4);
  else if (n == 6 && t[4] == '\'' && t[5] == 's') memcpy(four, t, 4);
  else return -1;
  four[4] = '\0';
  if (!att__all_digits(four, 4) || four[3] != '0' || !att__year_of(four, &y)) return -1;
  *round = y % 100 == 0;
  return y;
}

/* "20th", "21st", "1st": 1-100, or 0. */
static int century_of(const char *t) {
  int v = 0, k = 0;
  while (isdigit((unsigned char)t[k]) && k < 3) v = v * 10 + (t[k++] - '0');
  if (k == 0 || v < 1 || v > 100) return 0;
  if (strcmp(t + k, "st") && strcmp(t + k, "nd") && strcmp(t + k, "rd") && strcmp(t + k, "th"))
    return 0;
  return v;
}

int att__fr_phrase_point(att__fr *c, char **tok, int n, char *e) {
  int s, hemi = 0, round, cent;
  int64_t y;
  /* [northern|southern] autumn [2024] */
  if (n >= 1 && (strcmp(tok[0], "northern") == 0 || strcmp(tok[0], "southern") == 0)) {
    hemi = tok[0][0] == 'n' ? 'N' : 'S';
    tok++;
    n--;
  }
  if (n >= 1 && (s = season_of(tok[0])) >= 0) {
    int code;
    if (n == 1) y = att__fr_default_year(c);
    else if (!att__fr_year_expr(c, tok + 1, n - 1, &y)) return ATT__NOMATCH;
    if (!hemi) hemi = c->dc->hemisphere;
    code = hemi == 'N' ? 25 + s : hemi == 'S' ? 29 + s : 21 + s;
    put_y(e, ATT__E, y);
    snprintf(e + strlen(e), ATT__E - strlen(e), "-%02d", code);
    return 0;
  }
  if (hemi) return ATT__NOMATCH;
  /* the 1990s; the 1900s is refused: the decade or the century? */
  if (n == 1 && (y = decade_of(tok[0], &round)) >= 0) {
    if (round)
      return att__fr_refuse(c,
                            "the %llds could be the decade %lld to %lld or the century %lld to "
                            "%lld; type %lld/%lld or %lld/%lld (or [%03lldX] or [%02lldXX])",
                            (long long)y, (long long)y, (long long)y + 9, (long long)y,
                            (long long)y + 99, (long long)y, (long long)y + 9, (long long)y,
                            (long long)y + 99, (long long)y / 10, (long long)y / 100);
    snprintf(e, ATT__E, "%03lldX", (long long)y / 10);
    return 0;
  }
  /* the 20th century: 1900 to 1999, as people use it */
  if (n == 2 && strcmp(tok[1], "century") == 0 && (cent = century_of(tok[0])) != 0) {
    snprintf(e, ATT__E, "%02dXX", cent - 1);
    return 0;
  }
  /* end of 2024: about December; beginning of 2024: about January */
  if (n >= 2 && (strcmp(tok[0], "end") == 0 || strcmp(tok[0], "beginning") == 0 ||
                 strcmp(tok[0], "start") == 0) &&
      att__fr_year_expr(c, tok + 1, n - 1, &y)) {
    put_y(e, ATT__E, y);
    strcat(e, tok[0][0] == 'e' ? "-12~" : "-01~");
    return 0;
  }
  return ATT__NOMATCH;
}

/* FY2024, FY 2024, fiscal year 2024, fiscal 2024: the year, or 0. */
static int fiscal_of(char **tok, int n, int64_t *y) {
  if (n == 1 && strncmp(tok[0], "fy", 2) == 0 && att__year_of(tok[0] + 2, y)) return 1;
  if (n == 2 && (strcmp(tok[0], "fy") == 0 || strcmp(tok[0], "fiscal") == 0) &&
      att__year_of(tok[1], y))
    return 1;
  if (n == 3 && strcmp(tok[0], "fiscal") == 0 && strcmp(tok[1], "year") == 0 &&
      att__year_of(tok[2], y))
    return 1;
  return 0;
}

/* Months first..first+len-1 counted from y-m, approximate at both ends. */
static void put_months(char *e, int64_t y, int m, int first, int len) {
  int64_t a = y * 12 + (m - 1) + first, b = a + len - 1;
  snprintf(e, ATT__E, "%04lld-%02d~/%04lld-%02d~", (long long)(a / 12), (int)(a % 12) + 1,
           (long long)(b / 12), (int)(b % 12) + 1);
}

static int day_range(const char *t, int *d0, int *d1) {
  char a[8], b[8];
  const char *dash = strchr(t, '-');
  size_t la;
  if (!dash || (la = (size_t)(dash - t)) >= sizeof a || strlen(dash + 1) >= sizeof b) return 0;
  memcpy(a, t, la);
  a[la] = '\0';
  strcpy(b, dash + 1);
  *d0 = att__day_of(a);
  *d1 = att__day_of(b);
  return *d0 && *d1;
}

static int put_day_range(att__fr *c, int64_t y, int m, int d0, int d1, char *e) {
  if (d1 > att_days_in_month(y, m) || d0 > att_days_in_month(y, m))
    return att__fr_refuse(c, "%s %04lld has %d days", att__month_names[m - 1], (long long)y,
                          att_days_in_month(y, m));
  if (d1 < d0)
    return att__fr_refuse(c, "the days %d to %d run backwards; write the earlier day first",
                          d0, d1);
  snprintf(e, ATT__E, "%04lld-%02d-%02d/%04lld-%02d-%02d", (long long)y, m, d0, (long long)y, m,
           d1);
  return 0;
}

/* One unit before or after a year, month or day EDTF (no qualifier). */
static int step(const char *x, int dir, char *e) {
  long long y;
  int m, d, neg = x[0] == '-';
  size_t n = strlen(x) - (size_t)neg;
  if (strpbrk(x, "~?%XY/T")) return 0;
  if (n == 4 && sscanf(x, "%lld", &y) == 1) {
    put_y(e, ATT__E, y + dir);
    return 1;
  }
  if (n == 7 && sscanf(x + neg, "%lld-%d", &y, &m) == 2 && m <= 12) {
    int64_t mm = (neg ? -y : y) * 12 + (m - 1) + dir, yy = mm / 12 - (mm % 12 < 0);
    put_y(e, ATT__E, yy);
    snprintf(e + strlen(e), ATT__E - strlen(e), "-%02d", (int)(mm - yy * 12) + 1);
    return 1;
  }
  if (n == 10 && sscanf(x + neg, "%lld-%d-%d", &y, &m, &d) == 3) {
    att__put_day(e, ATT__E, att__day_number(neg ? -y : y, m, d) + dir);
    return 1;
  }
  return 0;
}

/* "70th" (1st, 2nd, 3rd, Nth): N, else 0. */
static int ordinal_of(const char *t) {
  int v = 0, k = 0;
  while (isdigit((unsigned char)t[k]) && k < 4) v = v * 10 + (t[k++] - '0');
  if (k == 0 || v == 0 || t[k] == '\0' || strlen(t + k) != 2) return 0;
  if (strcmp(t + k, "st") == 0 || strcmp(t + k, "nd") == 0 || strcmp(t + k, "rd") == 0 ||
      strcmp(t + k, "th") == 0)
    return v;
  return 0;
}

/* The Nth anniversary of a point x (1953-01-09, 1953-01, 1953, with a
 * qualifier or not): the same with N added to its year (years 0-9999). */
static int anniversary(att__fr *c, int nth, const char *x, char *e) {
  long long y = 0;
  int k = 0;
  while (isdigit((unsigned char)x[k]) && k < 5) y = y * 10 + (x[k++] - '0');
  if (k != 4 || (x[k] != '\0' && x[k] != '-' && x[k] != '~' && x[k] != '?' && x[k] != '%'))
    return att__fr_refuse(c, "an anniversary counts from a day, a month or a year between "
                             "0000 and 9999 (the 70th anniversary of 9 January 1953)");
  if (y + nth > 9999) return att__fr_refuse(c, "the anniversary falls after the year 9999");
  {
    size_t rest = strlen(x + k);
    if (rest + 5 > ATT__E) return att__fr_fail(c, NULL);
    int yy = (int)(y + nth); /* 0..9999, checked above */
    e[0] = (char)('0' + yy / 1000), e[1] = (char)('0' + yy / 100 % 10);
    e[2] = (char)('0' + yy / 10 % 10), e[3] = (char)('0' + yy % 10);
    memcpy(e + 4, x + k, rest + 1);
  }
  return 0;
}

int att__fr_phrase(att__fr *c, char **tok, int n, char *e) {
  int64_t y;
  int m, d0, d1, rc;
  char x[ATT__E];
  /* [the] 70th anniversary [of] 9 January 1953 ("the" and "of" are not
   * among the words) */
  {
    int nth;
    if (n >= 3 && (nth = ordinal_of(tok[0])) != 0 && strcmp(tok[1], "anniversary") == 0) {
      rc = att__fr_point(c, tok + 2, n - 2, x);
      if (rc == ATT__NOMATCH) return att__fr_fail(c, NULL);
      if (rc) return rc;
      return anniversary(c, nth, x, e);
    }
  }
  /* FY2024, H1 FY2024, Q3 FY2024 */
  {
    int len = 12, first = 0;
    char **ft = tok;
    int fn = n;
    if (n >= 2 && strlen(tok[0]) == 2 &&
        ((tok[0][0] == 'h' && (tok[0][1] == '1' || tok[0][1] == '2')) ||
         (tok[0][0] == 'q' && tok[0][1] >= '1' && tok[0][1] <= '4'))) {
      first = tok[0][0] == 'h' ? 6 * (tok[0][1] - '1') : 3 * (tok[0][1] - '1');
      len = tok[0][0] == 'h' ? 6 : 3;
      ft++;
      fn--;
    }
    if (fiscal_of(ft, fn, &y)) {
      int fs = c->dc->fiscal_start ? c->dc->fiscal_start : 4;
      int64_t sy = c->dc->fiscal_by_end && fs > 1 ? y - 1 : y;
      put_months(e, sy, fs, first, len);
      return 0;
    }
  }
  /* early/mid/late 1990s */
  if (n == 2 && (strcmp(tok[0], "early") == 0 || strcmp(tok[0], "mid") == 0 ||
                 strcmp(tok[0], "late") == 0)) {
    int round;
    int64_t dy = decade_of(tok[1], &round);
    if (dy >= 0) {
      static const int span[3][2] = {{0, 3}, {4, 6}, {7, 9}};
      int t = tok[0][0] == 'e' ? 0 : tok[0][0] == 'm' ? 1 : 2;
      if (round) return att__fr_phrase_point(c, tok + 1, 1, x); /* refuses the 1900s */
      snprintf(e, ATT__E, "%04lld~/%04lld~", (long long)(dy + span[t][0]),
               (long long)(dy + span[t][1]));
      return 0;
    }
  }
  /* end of March [2024]: its last third; beginning of March: its first */
  if (n >= 2 && (strcmp(tok[0], "end") == 0 || strcmp(tok[0], "beginning") == 0 ||
                 strcmp(tok[0], "start") == 0) &&
      (m = att__month_of(tok[1])) != 0) {
    int64_t yy;
    if (n == 2) yy = att__fr_default_year(c);
    else if (!att__fr_year_expr(c, tok + 2, n - 2, &yy)) return ATT__NOMATCH;
    if (tok[0][0] == 'e')
      snprintf(e, ATT__E, "%04lld-%02d-21~/%04lld-%02d-%02d~", (long long)yy, m, (long long)yy,
               m, att_days_in_month(yy, m));
    else
      snprintf(e, ATT__E, "%04lld-%02d-01~/%04lld-%02d-10~", (long long)yy, m, (long long)yy, m);
    return 0;
  }
  /* 15-17 March [2024], March 15-17 [2024], 15 to 17 March 2024 */
  {
    int at = -1, mi = -1;
    if (n >= 2 && day_range(tok[0], &d0, &d1) && (m = att__month_of(tok[1])) != 0) { at = 0; mi = 1; }
    else if (n >= 2 && (m = att__month_of(tok[0])) != 0 && day_range(tok[1], &d0, &d1)) { at = 1; mi = 1; }
    else if (n >= 4 && (d0 = att__day_of(tok[0])) != 0 && strcmp(tok[1], "to") == 0 &&
             (d1 = att__day_of(tok[2])) != 0 && (m = att__month_of(tok[3])) != 0) { at = 2; mi = 3; }
    else if (n >= 4 && (m = att__month_of(tok[0])) != 0 && (d0 = att__day_of(tok[1])) != 0 &&
             strcmp(tok[2], "to") == 0 && (d1 = att__day_of(tok[3])) != 0) { at = 3; mi = 3; }
    if (at >= 0) {
      int64_t yy;
      if (n == mi + 1) yy = att__fr_default_year(c);
      else if (!att__fr_year_expr(c, tok + mi + 1, n - mi - 1, &yy)) return ATT__NOMATCH;
      return put_day_range(c, yy, m, d0, d1, e);
    }
  }
  /* Jan-Mar 2024 */
  if (n >= 1 && strchr(tok[0], '-')) {
    char a[16], b[16];
    const char *dash = strchr(tok[0], '-');
    size_t la = (size_t)(dash - tok[0]);
    int m0, m1;
    if (la < sizeof a && strlen(dash + 1) < sizeof b) {
      memcpy(a, tok[0], la);
      a[la] = '\0';
      strcpy(b, dash + 1);
      if ((m0 = att__month_of(a)) != 0 && (m1 = att__month_of(b)) != 0) {
        int64_t yy;
        if (n == 1) yy = att__fr_default_year(c);
        else if (!att__fr_year_expr(c, tok + 1, n - 1, &yy)) return ATT__NOMATCH;
        if (m1 < m0)
          return att__fr_refuse(c, "the months run backwards; write the earlier month first");
        snprintf(e, ATT__E, "%04lld-%02d/%04lld-%02d", (long long)yy, m0, (long long)yy, m1);
        return 0;
      }
    }
  }
  /* between X and Y; from X to Y; from X (on, onwards) */
  if (n >= 4 && strcmp(tok[0], "between") == 0) {
    int k;
    for (k = 2; k < n - 1; k++)
      if (strcmp(tok[k], "and") == 0) {
        char *save = tok[k], *osave = c->orig[tok + k - c->tok0];
        tok[k] = c->orig[tok + k - c->tok0] = (char *)"to";
        rc = att__fr_value(c, tok + 1, n - 1, e);
        tok[k] = save;
        c->orig[tok + k - c->tok0] = osave;
        return rc;
      }
  }
  /* before, until, since, after, from ... on(wards) */
  {
    static const char *const until[] = {"until", "till", "til", "through", "thru", NULL};
    static const char *const since[] = {"since", "from", NULL};
    int k0 = 1, kn = n;
    const char *w = n >= 2 ? tok[0] : "";
    if (n >= 2 && (strcmp(tok[n - 1], "onwards") == 0 || strcmp(tok[n - 1], "onward") == 0 ||
                   strcmp(tok[n - 1], "on") == 0)) {
      if (strcmp(w, "from") == 0 || strcmp(w, "since") == 0) kn = n - 1;
      else { k0 = 0; kn = n - 1; w = "since"; }
    }
    if (strcmp(w, "up") == 0 && n >= 3 && strcmp(tok[1], "to") == 0) { w = "until"; k0 = 2; }
    if (strcmp(w, "from") == 0) {
      int k;
      for (k = 2; k < n - 1; k++)
        if (strcmp(tok[k], "to") == 0) return att__fr_value(c, tok + 1, n - 1, e);
    }
    if (strcmp(w, "before") == 0 || strcmp(w, "after") == 0 || att__is(w, until) ||
        att__is(w, since)) {
      if (kn - k0 < 1) return ATT__NOMATCH;
      rc = att__fr_point(c, tok + k0, kn - k0, x);
      if (rc == ATT__NOMATCH) return att__fr_fail(c, NULL);
      if (rc) return rc;
      if (strcmp(w, "before") == 0 || strcmp(w, "after") == 0) {
        char s2[ATT__E];
        int dir = w[0] == 'b' ? -1 : 1;
        if (!step(x, dir, s2))
          return att__fr_refuse(c, "\"%s\" goes with a year, a month or a day (%s 2025, %s May "
                                   "2024); for other dates write %s",
                                w, w, w, dir < 0 ? "until X" : "since X");
        snprintf(e, ATT__E, dir < 0 ? "../%s" : "%s/..", s2);
      } else {
        snprintf(e, ATT__E, att__is(w, until) ? "../%s" : "%s/..", x);
      }
      return 0;
    }
  }
  return ATT__NOMATCH;
}
