/*
 * Friendly date input: what a person types on the command line or passes to
 * at.date(), turned into strict EDTF.
 *
 * The reader tries strict EDTF first, except for YYYY-NN with NN of 13 or
 * more (the rule of docs/dates.md, "YYYY-NN": "2024-28" is the years 2024
 * to 2028, "2024-33" is refused as ambiguous); strict EDTF in square
 * brackets ("[2024-33]", as the program echoes it) is always read as
 * strict.  Otherwise the input is cut into lower-cased words and read as
 * an interval ("X to Y"), a phrase that stands for an interval (relative
 * forms in date_relative.c, seasons, fiscal years, decades, before and
 * since in date_phrase.c), or a point (here).  Each form writes EDTF text
 * that goes through att_edtf_parse(), so the bounds of a friendly date are
 * always those of the EDTF it is echoed as.  docs/dates.md lists every form.
 */
#include "date_int.h"
#include "error.h"
#include "text.h"
#include "tz.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAXLEN 200
#define MAXTOK 16

/* One line: the command line shows messages on one line. */
static const char friendly_forms[] =
    "accepted forms: dates 17 Dec 2023 | December 17, 2023 | 2023-12-17 | 20/05/2024 | "
    "18 Dec 2023 10:00 Asia/Phnom_Penh; periods Q1 2024 | H2 2024 | early 2024 | "
    "autumn 2024 | FY2024 | 15-17 March 2024 | Jan-Mar 2024 | 1990s | 20th century; spans "
    "2024-28 | 2024 to 2028 | since 2020 | before 2025 | around 20 May 2024 | c. 1953; "
    "relative today | next Tuesday | next week | in 3 days | within two weeks | by end of "
    "March | early next year | in November; strict EDTF in brackets [2024-33] (docs/dates.md)";

static const char *const noise[] = {"the", "of", "on", NULL};

int att__fr_fail(const att__fr *c, const char *why) {
  char q[200];
  return att__err(ATT_EINVAL, "cannot read the date \"%s\"%s%s; %s",
                  att__show_as(q, sizeof q, c->input, strlen(c->input), SIZE_MAX, ATT_SHOW_BARE),
                  why ? ": " : "", why ? why : "", friendly_forms);
}

int att__fr_refuse(const att__fr *c, const char *fmt, ...) {
  char q[200], why[700];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  return att__err(ATT_EINVAL, "cannot read the date \"%s\": %s",
                  att__show_as(q, sizeof q, c->input, strlen(c->input), SIZE_MAX, ATT_SHOW_BARE),
                  why);
}

void att__fr_used_ref(att__fr *c) { c->dc->used_ref = 1; }

int att__fr_year_expr(att__fr *c, char **tok, int n, int64_t *y) {
  if (n == 1) return att__year_of(tok[0], y);
  if (n == 2 && strcmp(tok[1], "year") == 0) {
    if (strcmp(tok[0], "this") == 0) *y = c->ry;
    else if (strcmp(tok[0], "next") == 0 || strcmp(tok[0], "coming") == 0) *y = c->ry + 1;
    else if (strcmp(tok[0], "last") == 0) *y = c->ry - 1;
    else return 0;
    att__fr_used_ref(c);
    return 1;
  }
  return 0;
}

/* The year of a form written without one ("November", "20 May"). */
int64_t att__fr_default_year(att__fr *c) {
  if (c->dy_ref) att__fr_used_ref(c);
  return c->dy;
}

static int day_ok(const att__fr *c, int64_t y, int m, int d) {
  if (d > att_days_in_month(y, m))
    return att__fr_refuse(c, "%s %04lld has %d days", att__month_names[m - 1], (long long)y,
                          att_days_in_month(y, m));
  return 0;
}

static int put_day(const att__fr *c, int64_t y, int m, int d, char *e) {
  int rc = day_ok(c, y, m, d);
  if (rc) return rc;
  snprintf(e, ATT__E, "%s%04lld-%02d-%02d", y < 0 ? "-" : "", (long long)(y < 0 ? -y : y), m, d);
  return 0;
}

static void put_month(int64_t y, int m, char *e) {
  snprintf(e, ATT__E, "%s%04lld-%02d", y < 0 ? "-" : "", (long long)(y < 0 ? -y : y), m);
}

static void put_year(int64_t y, char *e) {
  snprintf(e, ATT__E, "%s%04lld", y < 0 ? "-" : "", (long long)(y < 0 ? -y : y));
}

/* YYYY-NN with NN of 13 or more, exactly: the rule of docs/dates.md. */
static int yyyy_nn(const char *s, int64_t *y, int *nn) {
  if (strlen(s) != 7 || s[4] != '-' || !isdigit((unsigned char)s[5]) ||
      !isdigit((unsigned char)s[6]))
    return 0;
  {
    char four[5];
    memcpy(four, s, 4);
    four[4] = '\0';
    if (!att__year_of(four, y)) return 0;
  }
  *nn = (s[5] - '0') * 10 + (s[6] - '0');
  return *nn >= 13;
}

static const char *group_name(int g, char *buf, size_t cap) {
  static const char *const seas[4] = {"spring", "summer", "autumn", "winter"};
  if (g >= 21 && g <= 24) snprintf(buf, cap, "%s", seas[g - 21]);
  else if (g <= 28) snprintf(buf, cap, "northern %s", seas[g - 25]);
  else if (g <= 32) snprintf(buf, cap, "southern %s", seas[g - 29]);
  else if (g <= 36) snprintf(buf, cap, "Q%d", g - 32);
  else if (g <= 39) snprintf(buf, cap, "%s third of", g == 37 ? "first" : g == 38 ? "middle" : "last");
  else snprintf(buf, cap, "H%d", g - 39);
  return buf;
}

/* YYYY-NN: a span of years, or refused. */
static int read_yyyy_nn(const att__fr *c, int64_t y, int nn, char *e) {
  int64_t end = y / 100 * 100 + nn;
  char g[40];
  if (nn >= 33 && nn <= 41)
    return att__fr_refuse(
        c,
        "YYYY-%02d could be %s %04lld (the EDTF grouping %02d) or the years "
        "%04lld to %04lld; type %s%s%04lld or %04lld/%04lld (or [%04lld-%02d] "
        "for the strict EDTF)",
        nn, group_name(nn, g, sizeof g), (long long)y, nn, (long long)y, (long long)end,
        group_name(nn, g, sizeof g), " ", (long long)y, (long long)y, (long long)end,
        (long long)y, nn);
  if (end == y) { /* "2024-24": no span, and never meant as one year */
    if (nn >= 21 && nn <= 32)
      return att__fr_refuse(
          c,
          "YYYY-NN is read as a span of years, and %04lld to %04lld is the one year; type "
          "%04lld, or, if you meant %s %04lld (the EDTF season %02d), type that or [%04lld-%02d]",
          (long long)y, (long long)end, (long long)y, group_name(nn, g, sizeof g), (long long)y, nn,
          (long long)y, nn);
    return att__fr_refuse(c, "YYYY-NN is read as a span of years, and %04lld to %04lld is the one year; type %04lld",
                          (long long)y, (long long)end, (long long)y);
  }
  if (end < y) {
    if (nn >= 21 && nn <= 32)
      return att__fr_refuse(
          c,
          "YYYY-NN is read as a span of years, and %04lld to %04lld runs "
          "backwards; write the span as %04lld/%04lld, or, if you meant %s "
          "%04lld (the EDTF season %02d), type that or [%04lld-%02d]",
          (long long)y, (long long)end, (long long)end, (long long)y,
          group_name(nn, g, sizeof g), (long long)y, nn, (long long)y, nn);
    return att__fr_refuse(c,
                          "YYYY-NN is read as a span of years, and %04lld to %04lld "
                          "runs backwards; write the span as %04lld/%04lld",
                          (long long)y, (long long)end, (long long)end, (long long)y);
  }
  snprintf(e, ATT__E, "%04lld/%04lld", (long long)y, (long long)end);
  return 0;
}

/* early/mid/late: thirds of a year (months) or of a month (days). */
static void put_third(int which, int64_t y, int m, char *e) {
  if (m == 0) {
    static const int first[3] = {1, 5, 9};
    snprintf(e, ATT__E, "%04lld-%02d~/%04lld-%02d~", (long long)y, first[which], (long long)y,
             first[which] + 3);
  } else {
    int d0 = 1 + 10 * which;
    int d1 = which == 2 ? att_days_in_month(y, m) : d0 + 9;
    snprintf(e, ATT__E, "%04lld-%02d-%02d~/%04lld-%02d-%02d~", (long long)y, m, d0,
             (long long)y, m, d1);
  }
}

static int third_of(const char *t) {
  return strcmp(t, "early") == 0 ? 0 : strcmp(t, "mid") == 0 ? 1
         : strcmp(t, "late") == 0 ? 2 : -1;
}

/* Quarter or half token "q1".."q4", "h1".."h2", "3q", "2h": the grouping or 0. */
static int group_of(const char *t) {
  if (strlen(t) != 2) return 0;
  if (t[0] == 'q' && t[1] >= '1' && t[1] <= '4') return 32 + (t[1] - '0');
  if (t[0] == 'h' && t[1] >= '1' && t[1] <= '2') return 39 + (t[1] - '0');
  if (t[1] == 'q' && t[0] >= '1' && t[0] <= '4') return 32 + (t[0] - '0');
  if (t[1] == 'h' && t[0] >= '1' && t[0] <= '2') return 39 + (t[0] - '0');
  return 0;
}

static void put_group(int64_t y, int g, char *e) {
  snprintf(e, ATT__E, "%s%04lld-%02d", y < 0 ? "-" : "", (long long)(y < 0 ? -y : y), g);
}

/* A time of day: "10:00", "10:00:05", "10:00:05.250", "24:00", with a
 * glued "z", "am" or "pm"; writes hh:mm:ss[.f] and the zone letter. */
static int time_of(const char *t, char *hms, size_t cap, int *zulu) {
  int h = 0, m = 0, s = 0, k = 0, pm = -1;
  char frac[12] = "";
  size_t n;
  char buf[32];
  if (strlen(t) >= sizeof buf) return 0;
  strcpy(buf, t);
  n = strlen(buf);
  *zulu = 0;
  if (n > 1 && buf[n - 1] == 'z') { buf[--n] = '\0'; *zulu = 1; }
  if (n > 2 && (strcmp(buf + n - 2, "am") == 0 || strcmp(buf + n - 2, "pm") == 0)) {
    pm = buf[n - 2] == 'p';
    buf[n -= 2] = '\0';
  }
  if (!isdigit((unsigned char)buf[0])) return 0;
  while (isdigit((unsigned char)buf[k]) && k < 2) h = h * 10 + (buf[k++] - '0');
  if (buf[k] != ':') {
    if (buf[k] || pm < 0) return 0; /* "10am" */
  } else {
    k++;
    if (!isdigit((unsigned char)buf[k]) || !isdigit((unsigned char)buf[k + 1])) return 0;
    m = (buf[k] - '0') * 10 + (buf[k + 1] - '0');
    k += 2;
    if (buf[k] == ':') {
      k++;
      if (!isdigit((unsigned char)buf[k]) || !isdigit((unsigned char)buf[k + 1])) return 0;
      s = (buf[k] - '0') * 10 + (buf[k + 1] - '0');
      k += 2;
      if (buf[k] == '.') {
        size_t f = 0;
        k++;
        while (isdigit((unsigned char)buf[k]) && f < 10) frac[f++] = buf[k++];
        frac[f] = '\0';
        if (f == 0) return 0;
      }
    }
    if (buf[k]) return 0;
  }
  if (pm >= 0) {
    if (h < 1 || h > 12) return 0;
    h = h % 12 + (pm ? 12 : 0);
  }
  if (h > 24 || m > 59 || s > 59) return 0;
  snprintf(hms, cap, "%02d:%02d:%02d%s%s", h, m, s, frac[0] ? "." : "", frac);
  return 1;
}

/* A numeric offset: +07:00, +0700, +07, -05:00. */
static int offset_of(const char *t, char *out, size_t cap) {
  size_t n = strlen(t);
  if ((t[0] != '+' && t[0] != '-') || n < 3 || !isdigit((unsigned char)t[1]) ||
      !isdigit((unsigned char)t[2]))
    return 0;
  if (n == 3) { snprintf(out, cap, "%c%c%c:00", t[0], t[1], t[2]); return 1; }
  if (n == 5 && att__all_digits(t + 3, 2)) { snprintf(out, cap, "%c%c%c:%c%c", t[0], t[1], t[2], t[3], t[4]); return 1; }
  if (n == 6 && t[3] == ':' && att__all_digits(t + 4, 2)) { snprintf(out, cap, "%s", t); return 1; }
  return 0;
}

static const char *orig_of(const att__fr *c, char **tok, char **tok0) {
  return c->orig[tok - tok0];
}

/* A day, a time and maybe a zone: "18 Dec 2023 10:00 Asia/Phnom_Penh". */
static int day_time(att__fr *c, char **tok, int n, char *e, char **tok0) {
  int k, zulu, rc;
  char hms[24], day[ATT__E], off[16];
  const char *zone = NULL;
  for (k = 1; k < n; k++)
    if (time_of(tok[k], hms, sizeof hms, &zulu)) break;
  if (k >= n) return ATT__NOMATCH;
  rc = att__fr_point(c, tok, k, day);
  if (rc) return rc;
  if (strlen(day) != 10 && !(day[0] == '-' && strlen(day) == 11))
    return att__fr_refuse(c, "a time of day follows a day (18 Dec 2023 10:00), not \"%s\"", day);
  off[0] = '\0';
  if (k + 2 == n && !zulu) {
    const char *z = tok[k + 1], *zo = orig_of(c, tok + k + 1, tok0);
    if (strcmp(z, "utc") == 0 || strcmp(z, "gmt") == 0) {
      /* said to be UTC: the EDTF without an offset, which is UTC */
    } else if (strcmp(z, "z") == 0) {
      zulu = 1;
    } else if (offset_of(z, off, sizeof off)) {
    } else {
      zone = zo;
    }
  } else if (k + 1 != n) {
    return att__fr_refuse(c, "after the time comes a zone (UTC, +07:00, Asia/Phnom_Penh) and nothing else");
  }
  /* The default zone, unless it is UTC: a time without a zone is UTC. */
  if (!zone && !zulu && !off[0] && k + 1 == n && c->dc->tz && c->dc->tz[0] &&
      strcmp(c->dc->tz, "UTC") != 0 && strcmp(c->dc->tz, "Etc/UTC") != 0)
    zone = c->dc->tz;
  if (zone) {
    long long y;
    int mo, d, h, mi, sec, offs, named = zone != c->dc->tz;
    att_time t;
    if (strlen(zone) >= sizeof c->dc->zone)
      return att__fr_refuse(c, "the time zone name \"%.40s\" is too long", zone);
    if (att_tz_check(zone) != 0)
      return att__errctx(ATT_EINVAL, "cannot read the date \"%.100s\"", c->input);
    if (sscanf(day, "%lld-%d-%d", &y, &mo, &d) != 3 || sscanf(hms, "%d:%d:%d", &h, &mi, &sec) != 3)
      return att__fr_fail(c, NULL);
    if (strchr(hms, '.'))
      return att__fr_refuse(c, "a time in a named zone is given to the second, without a fraction");
    if (h == 24) return att__fr_refuse(c, "24:00 in a named zone: write 00:00 of the next day");
    if (att_tz_local_to_utc(zone, y, mo, d, h, mi, sec, &t, &offs) != 0)
      return att__errctx(ATT_EINVAL, "cannot read the date \"%.100s\"", c->input);
    if (offs % 60 != 0)
      return att__fr_refuse(c, "%s was %+d seconds from UTC then, not a whole number of minutes",
                            zone, offs);
    {
      int o = offs < 0 ? -offs : offs;
      snprintf(e, ATT__E, "%sT%s%c%02d:%02d", day, hms, offs < 0 ? '-' : '+', o / 3600,
               o / 60 % 60);
    }
    if (named) snprintf(c->dc->zone, sizeof c->dc->zone, "%s", zone);
    return 0;
  }
  snprintf(e, ATT__E, "%sT%s%s%s", day, hms, zulu ? "Z" : "", off);
  return 0;
}

/* "20/05/2024", "05/20/2024", "20.05.2024": numbers, day and month by the
 * day_first setting or by which of them can be a month. */
static int numeric_date(att__fr *c, const char *t, char *e) {
  int a, b, n = 0;
  long long y;
  char sep, sep2, rest;
  if (sscanf(t, "%2d%c%2d%c%4lld%c%n", &a, &sep, &b, &sep2, &y, &rest, &n) != 5) return ATT__NOMATCH;
  if (sep != sep2 || (sep != '/' && sep != '.')) return ATT__NOMATCH;
  {
    /* the year has exactly four digits, the day and month one or two */
    const char *p = strrchr(t, sep);
    if (!att__all_digits(p + 1, 4)) return ATT__NOMATCH;
    if (!isdigit((unsigned char)t[0])) return ATT__NOMATCH;
  }
  if (sep == '.') {
    if (a >= 1 && a <= 31 && b >= 1 && b <= 12) return put_day(c, y, b, a, e);
    return att__fr_refuse(c, "a date with dots is day.month.year (20.05.2024), and %d.%d is "
                             "not a day and a month", a, b);
  }
  {
    int dm = a >= 1 && a <= 31 && b >= 1 && b <= 12 && a <= att_days_in_month(y, b);
    int md = b >= 1 && b <= 31 && a >= 1 && a <= 12 && b <= att_days_in_month(y, a);
    if (dm && md && a != b) {
      if (c->dc->day_first == 1) md = 0;
      else if (c->dc->day_first == 0) dm = 0;
      else
        return att__fr_refuse(
            c,
            "it could be %d %s %lld (day first) or %d %s %lld (month first); type "
            "%d %.3s %lld or %d %.3s %lld, or set the order (attache config "
            "date.day-first yes)",
            a, att__month_names[b - 1], y, b, att__month_names[a - 1], y, a,
            att__month_names[b - 1], y, b, att__month_names[a - 1], y);
    }
    if (dm) return put_day(c, y, b, a, e);
    if (md) return put_day(c, y, a, b, e);
    if (b >= 1 && b <= 12 && a >= 1 && a <= 31)
      return att__fr_refuse(c, "%s %lld has %d days", att__month_names[b - 1], y, att_days_in_month(y, b));
    return att__fr_refuse(c, "%d%c%d%c%lld is not a day and a month in either order", a, sep, b, sep, y);
  }
}

/* A one-word point: "november", "2024-q1", "q1-2024", "20/05/2024", a
 * strict EDTF day or month. */
static int one_word(att__fr *c, const char *t, const char *orig, char *e) {
  int64_t y;
  int m, g, nn;
  const char *dash = strchr(t, '-');
  if ((m = att__month_of(t)) != 0) {
    put_month(att__fr_default_year(c), m, e);
    return 0;
  }
  if (dash && dash > t) {
    char a[16], b[16];
    size_t la = (size_t)(dash - t);
    if (la < sizeof a && strlen(dash + 1) < sizeof b) {
      memcpy(a, t, la);
      a[la] = '\0';
      strcpy(b, dash + 1);
      if (att__year_of(a, &y) && (g = group_of(b)) != 0) { put_group(y, g, e); return 0; }
      if (att__year_of(b, &y) && (g = group_of(a)) != 0) { put_group(y, g, e); return 0; }
    }
  }
  if (yyyy_nn(t, &y, &nn)) return ATT__NOMATCH;
  if (strchr(orig, '/') == NULL && att_edtf_parse(orig, NULL, e, ATT__E) == 0) return 0;
  att__errclear();
  return numeric_date(c, t, e);
}

static int base_point(att__fr *c, char **tok, int n, char *e, char **tok0) {
  int64_t y;
  int m, d, g, w, rc;
  if (n == 0) return ATT__NOMATCH;
  if ((rc = att__fr_relative_point(c, tok, n, e)) != ATT__NOMATCH) return rc;
  if ((rc = att__fr_phrase_point(c, tok, n, e)) != ATT__NOMATCH) return rc;
  if (n == 1) return one_word(c, tok[0], orig_of(c, tok, tok0), e);
  if (att__fr_year_expr(c, tok, n, &y)) { put_year(y, e); return 0; }
  if (n == 2 && (g = group_of(tok[0])) != 0 && att__year_of(tok[1], &y)) { put_group(y, g, e); return 0; }
  if (n == 2 && (g = group_of(tok[1])) != 0 && att__year_of(tok[0], &y)) { put_group(y, g, e); return 0; }
  /* first quarter 2024, second half 2024, middle third 2024 */
  if (n == 3 && att__year_of(tok[2], &y)) {
    int o = att__ordinal_of(tok[0]);
    if (o && strcmp(tok[1], "quarter") == 0) { put_group(y, 32 + o, e); return 0; }
    if (o && o <= 2 && strcmp(tok[1], "half") == 0) { put_group(y, 39 + o, e); return 0; }
    if (strcmp(tok[1], "third") == 0) {
      g = strcmp(tok[0], "first") == 0 ? 37 : strcmp(tok[0], "middle") == 0 || strcmp(tok[0], "second") == 0 ? 38
          : strcmp(tok[0], "last") == 0 || strcmp(tok[0], "third") == 0 ? 39 : 0;
      if (g) { put_group(y, g, e); return 0; }
    }
  }
  /* A weekday before a full date: checked, then dropped. */
  if ((w = att__wday_of(tok[0])) != 0 && n >= 2) {
    int64_t yy;
    long long py;
    int pm, pd;
    rc = base_point(c, tok + 1, n - 1, e, tok0);
    if (rc) return rc;
    if (sscanf(e, "%lld-%d-%d", &py, &pm, &pd) != 3 || strlen(e) != 10)
      return att__fr_refuse(c, "a day of the week goes before a day (Tue 19 Dec 2023)");
    yy = py;
    if (att__weekday(att__day_number(yy, pm, pd)) != w) {
      static const char *const names[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                           "Friday", "Saturday", "Sunday"};
      return att__fr_refuse(c, "%s is a %s, not a %s", e,
                            names[att__weekday(att__day_number(yy, pm, pd)) - 1], names[w - 1]);
    }
    return 0;
  }
  if ((rc = day_time(c, tok, n, e, tok0)) != ATT__NOMATCH) return rc;
  /* Month names with a day and/or a year. */
  if ((m = att__month_of(tok[0])) != 0) {
    if (n == 2 && att__year_of(tok[1], &y)) { put_month(y, m, e); return 0; }
    if (n == 2 && (d = att__day_of(tok[1])) != 0) return put_day(c, att__fr_default_year(c), m, d, e);
    if (n == 3 && (d = att__day_of(tok[1])) != 0 && att__year_of(tok[2], &y))
      return put_day(c, y, m, d, e);
  }
  if ((d = att__day_of(tok[0])) != 0 && (m = att__month_of(tok[1])) != 0) {
    if (n == 2) return put_day(c, att__fr_default_year(c), m, d, e);
    if (n == 3 && att__year_of(tok[2], &y)) return put_day(c, y, m, d, e);
  }
  return ATT__NOMATCH;
}

static const char *const approx_words[] = {"around", "about", "approximately", "approx.", "approx",
                                          "roughly", "circa", "c.", "ca.", "ca", "c", NULL};

int att__fr_point(att__fr *c, char **tok, int n, char *e) {
  char q = 0, *last = NULL, *lasto = NULL;
  size_t ll = 0;
  int rc;
  char **tok0 = c->tok0;
  if (n > 0 && att__is(tok[0], approx_words)) {
    q = '~';
    tok++;
    n--;
  }
  if (n > 1 && strcmp(tok[n - 1], "?") == 0) {
    q = q ? '%' : '?';
    n--;
  } else if (n > 0 && (ll = strlen(tok[n - 1])) > 1 && tok[n - 1][ll - 1] == '?' &&
             strchr(tok[n - 1], '/') == NULL) {
    q = q ? '%' : '?';
    last = tok[n - 1];
    lasto = c->orig[tok + n - 1 - c->tok0];
    last[ll - 1] = '\0';
    lasto[strlen(lasto) - 1] = '\0';
  }
  rc = base_point(c, tok, n, e, tok0);
  if (last) {
    last[ll - 1] = '?';
    lasto[strlen(lasto)] = '?';
  }
  if (rc || !q) return rc;
  {
    size_t el = strlen(e);
    char had = el && strchr("~?%", e[el - 1]) ? e[el - 1] : 0;
    if (strchr(e, '/') || strchr(e, 'X') || strchr(e, 'T') || e[0] == 'Y')
      return att__fr_refuse(c, "\"around\", \"c.\" and a final ? go with a year, a month, a "
                               "day or a season (around 20 May 2024, 1953?), not with %s",
                            e);
    if (had) {
      if (had == '%' || had == q) return 0;
      e[el - 1] = '%';
      return 0;
    }
    if (el + 1 >= ATT__E) return att__fr_fail(c, "it is too long");
    e[el] = q;
    e[el + 1] = '\0';
  }
  return 0;
}

/* The year a point was written with, when it was ("15 March" has none). */
static int64_t year_in(const char *e) {
  long long y = 0;
  sscanf(e, "%lld", &y);
  return (int64_t)y;
}

/* "X to Y": two points, or an unknown end; a start without a year takes
 * the end's ("15 March to 2 April 2024"). */
static int interval(att__fr *c, char **tok, int n, int k, char *e) {
  char a[ATT__E], b[ATT__E];
  int rc, used;
  int64_t y0;
  if (k == n - 2 && att__year_of(tok[0], &y0) && k == 1 && att__all_digits(tok[2], 2)) {
    int64_t y1 = y0 / 100 * 100 + (tok[2][0] - '0') * 10 + (tok[2][1] - '0');
    if (y1 < y0)
      return att__fr_refuse(c, "the span of years %04lld to %04lld runs backwards; write the "
                               "earlier year first", (long long)y0, (long long)y1);
    snprintf(e, ATT__E, "%04lld/%04lld", (long long)y0, (long long)y1);
    return 0;
  }
  if (k == n - 2 && strcmp(tok[n - 1], "unknown") == 0) {
    b[0] = '\0';
  } else {
    int save = c->dc->used_ref;
    c->dc->used_ref = 0;
    rc = att__fr_point(c, tok + k + 1, n - k - 1, b);
    if (rc == ATT__NOMATCH) return att__fr_fail(c, "the end of the interval is not a date");
    if (rc) return rc;
    used = c->dc->used_ref;
    c->dc->used_ref |= save;
    if (!used && b[0] != '.') {
      c->dy = year_in(b);
      c->dy_ref = 0;
    }
  }
  if (k == 1 && strcmp(tok[0], "unknown") == 0) {
    a[0] = '\0';
  } else {
    rc = att__fr_point(c, tok, k, a);
    if (rc == ATT__NOMATCH) return att__fr_fail(c, "the start of the interval is not a date");
    if (rc) return rc;
  }
  if (!a[0] && !b[0]) return att__fr_fail(c, "an interval needs a date at one end at least");
  snprintf(e, ATT__E, "%.60s/%.60s", a, b);
  {
    att_bounds ba, bb;
    if (a[0] && b[0] && att__edtf_ok(a, &ba) && att__edtf_ok(b, &bb) && bb.earliest < ba.earliest)
      return att__fr_refuse(c, "%s to %s runs backwards; write the earlier date first", a, b);
    att__errclear();
  }
  return 0;
}

int att__fr_value(att__fr *c, char **tok, int n, char *e) {
  int64_t y;
  int nn, rc, k, which, m;
  if (n == 0) return att__fr_fail(c, "it is empty");
  if (n == 1 && yyyy_nn(c->orig[tok - c->tok0], &y, &nn)) return read_yyyy_nn(c, y, nn, e);
  if (n == 1 && strlen(tok[0]) == 9 && tok[0][4] == '-' && att__all_digits(tok[0] + 5, 4)) {
    /* 2024-2028 */
    char a[5];
    int64_t y1;
    memcpy(a, tok[0], 4);
    a[4] = '\0';
    if (att__year_of(a, &y) && att__year_of(tok[0] + 5, &y1)) {
      if (y1 < y)
        return att__fr_refuse(c, "the span of years %04lld to %04lld runs backwards; write the "
                                 "earlier year first", (long long)y, (long long)y1);
      snprintf(e, ATT__E, "%04lld/%04lld", (long long)y, (long long)y1);
      return 0;
    }
  }
  if ((rc = att__fr_relative(c, tok, n, e)) != ATT__NOMATCH) return rc;
  if ((rc = att__fr_phrase(c, tok, n, e)) != ATT__NOMATCH) return rc;
  /* early/mid/late + a year expression or a month [year] */
  if ((which = third_of(tok[0])) >= 0 && n >= 2) {
    if (att__fr_year_expr(c, tok + 1, n - 1, &y)) { put_third(which, y, 0, e); return 0; }
    if ((m = att__month_of(tok[1])) != 0) {
      if (n == 2) { put_third(which, att__fr_default_year(c), m, e); return 0; }
      if (att__fr_year_expr(c, tok + 2, n - 2, &y)) { put_third(which, y, m, e); return 0; }
    }
    return att__fr_fail(c, "early, mid and late go before a year (early 2024, late next "
                           "year), a month (early December 2023) or a decade (late 1990s)");
  }
  for (k = 1; k < n - 1; k++)
    if (strcmp(tok[k], "to") == 0) return interval(c, tok, n, k, e);
  rc = att__fr_point(c, tok, n, e);
  return rc == ATT__NOMATCH ? att__fr_fail(c, NULL) : rc;
}

void att_date_ctx_init(att_date_ctx *c, att_time ref) {
  memset(c, 0, sizeof *c);
  c->ref = ref;
  c->day_first = -1;
}

int att_date_friendly(const char *s, att_time ref, char *edtf, size_t cap, att_bounds *b) {
  att_date_ctx c;
  att_date_ctx_init(&c, ref);
  return att_date_read(s, &c, edtf, cap, b);
}

/* The strict reason of a refusal, without its list of forms. */
static void strict_reason(char *buf, size_t cap) {
  const char *m = att_errmsg(), *cut = strstr(m, "; accepted: ");
  size_t n = cut ? (size_t)(cut - m) : strlen(m);
  snprintf(buf, cap, "%.*s", (int)n, m);
}

int att_date_read(const char *s, att_date_ctx *dc, char *edtf, size_t cap, att_bounds *b) {
  char norm[MAXLEN * 2 + 8], low[MAXLEN * 2 + 8], orig[MAXLEN * 2 + 8];
  char *tok[MAXTOK], *otok[MAXTOK], *p, *q, *sp1, *sp2, *lead = NULL;
  char strict_msg[600], e[ATT__E];
  const char *rest;
  size_t i, o = 0, len;
  int n = 0, rc, looks_edtf;
  att__fr c;

  if (!dc) return att__err(ATT_EINVAL, "cannot read the date: no settings given");
  dc->used_ref = 0;
  dc->zone[0] = '\0';
  if (!s) return att__err(ATT_EINVAL, "cannot read the date: no value given");
  memset(&c, 0, sizeof c);
  c.input = s;
  c.dc = dc;
  {
    int64_t days = dc->ref / 86400 - (dc->ref % 86400 < 0);
    att_civil_from_days(days, &c.ry, &c.rm, &c.rd);
    /* Today is the day it is in the zone the date is read in (display.tz,
     * --tz): at 21:52 UTC it is already tomorrow in Kiritimati, and
     * "today 10:00" there was read as yesterday's.  A published date is a
     * day of its own, in no zone. */
    if (dc->tz && !dc->ref_is_published &&
        att_tz_local(dc->tz, dc->ref, &c.ry, &c.rm, &c.rd, NULL, NULL, NULL, NULL) != 0) {
      att__errclear();
      att_civil_from_days(days, &c.ry, &c.rm, &c.rd);
    }
    /* A far reference spoils only the forms that count from it: they are
     * read from a stand-in day and refused below. */
    if (c.ry < 1 || c.ry > 9998) {
      c.far_ref = 1;
      c.ry = 2000;
      c.rm = c.rd = 1;
    }
  }
  c.dy = c.ry;
  c.dy_ref = 1;
  len = strlen(s);
  if (len > MAXLEN) return att__fr_fail(&c, "it is too long");

  /* Collapse white space; dashes between words become " to ". */
  for (i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
        ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94)) {
      if (o > 0 && norm[o - 1] != ' ') norm[o++] = ' ';
      memcpy(norm + o, "to ", 3);
      o += 3;
      i += 2;
    } else if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      if (o > 0 && norm[o - 1] != ' ') norm[o++] = ' ';
    } else {
      norm[o++] = (char)ch;
    }
  }
  while (o > 0 && norm[o - 1] == ' ') o--;
  norm[o] = '\0';

  rest = norm;
  if ((strncmp(rest, "in ", 3) == 0 || strncmp(rest, "In ", 3) == 0) &&
      isdigit((unsigned char)rest[3]) && strspn(rest + 3, "0123456789") >= 4)
    rest += 3; /* "in 2024", "in 2024-03": strict EDTF after "in" */

  /* Strict EDTF in brackets, as the program echoes it: always strict.
   * After words ("Q3 2024 [2024-35]", copied from the echo), the words
   * must say the same. */
  len = strlen(rest);
  if (len >= 2 && rest[len - 1] == ']' && strchr(rest, '[')) {
    char inner[MAXLEN * 2 + 8], words[MAXLEN * 2 + 8], canon[ATT_DATE_MAX], again[ATT_DATE_MAX];
    const char *open = strrchr(rest, '[');
    size_t wl = (size_t)(open - rest);
    memcpy(inner, open + 1, len - wl - 2);
    inner[len - wl - 2] = '\0';
    if (wl == 0) return att_edtf_parse(inner, b, edtf, cap);
    if (rest[wl - 1] == ' ') {
      att_date_ctx wc = *dc;
      memcpy(words, rest, wl - 1);
      words[wl - 1] = '\0';
      if (att_edtf_parse(inner, NULL, canon, sizeof canon) != 0) return ATT_EINVAL;
      if (att_date_read(words, &wc, again, sizeof again, NULL) != 0 || strcmp(again, canon) != 0) {
        /* the human reading is made for the default settings */
        att_date_ctx_init(&wc, dc->ref);
        if (att_date_read(words, &wc, again, sizeof again, NULL) != 0 || strcmp(again, canon) != 0)
          return att__fr_refuse(&c, "the words \"%.80s\" do not read as [%s]; give one of them",
                                words, canon);
      }
      dc->used_ref = wc.used_ref;
      memcpy(dc->zone, wc.zone, sizeof dc->zone);
      return att_edtf_parse(canon, b, edtf, cap);
    }
  }
  /* Strict EDTF next, but never YYYY-NN with NN of 13 or more. */
  {
    int64_t y;
    int nn;
    if (!yyyy_nn(rest, &y, &nn) && att_edtf_parse(rest, b, edtf, cap) == 0) return 0;
  }
  looks_edtf = rest[0] != '\0' && strspn(rest, "0123456789-/.:?~%XYZT+") == strlen(rest) &&
               strchr(rest, '.') == NULL && strchr(rest, '/') == strrchr(rest, '/');
  if (looks_edtf) strict_reason(strict_msg, sizeof strict_msg);
  att__errclear();

  /* Words: lower case, commas dropped, "the", "of" and "on" skipped
   * where they lead into a date's words ("on the 17th of July"), refused
   * where they end them ("July the"), repeat, or begin with "of";
   * early-, mid- and late- split from what follows. */
  for (i = 0; rest[i]; i++) {
    low[i] = (char)tolower((unsigned char)rest[i]);
    orig[i] = rest[i] == ',' ? ' ' : rest[i];
    if (low[i] == ',') low[i] = ' ';
  }
  low[i] = orig[i] = '\0';
  for (p = strtok_r(low, " ", &sp1), q = strtok_r(orig, " ", &sp2); p && q;
       p = strtok_r(NULL, " ", &sp1), q = strtok_r(NULL, " ", &sp2)) {
    static const char *const pre[] = {"early-", "mid-", "late-", "middle-", NULL};
    const char *const *pp;
    if (att__is(p, noise)) {
      char why[48];
      if (lead && strcmp(lead, p) == 0) snprintf(why, sizeof why, "\"%s\" twice", p);
      else if (n == 0 && !lead && strcmp(p, "of") == 0)
        snprintf(why, sizeof why, "a date does not begin with \"of\"");
      else {
        lead = p;
        continue;
      }
      return att__fr_fail(&c, why);
    }
    lead = NULL;
    if (strcmp(p, "-") == 0) p = q = (char *)"to"; /* "2024 - 2028" */
    for (pp = pre; *pp; pp++) {
      size_t pl = strlen(*pp);
      if (strncmp(p, *pp, pl) == 0 && p[pl]) {
        if (n + 2 > MAXTOK) return att__fr_fail(&c, "too many words");
        p[pl - 1] = q[pl - 1] = '\0';
        tok[n] = p;
        otok[n++] = q;
        p += pl;
        q += pl;
        break;
      }
    }
    if (n == MAXTOK) return att__fr_fail(&c, "too many words");
    tok[n] = p;
    otok[n++] = q;
  }
  if (lead) {
    char why[48];
    snprintf(why, sizeof why, "a date does not end with \"%s\"", lead);
    return att__fr_fail(&c, why);
  }
  c.tok0 = tok;
  c.orig = otok;
  /* "in November", "in early 2024", but not "in 3 days" */
  if (n >= 2 && strcmp(tok[0], "in") == 0 &&
      !(n == 3 && att__number_of(tok[1]) &&
        (strncmp(tok[2], "day", 3) == 0 || strncmp(tok[2], "week", 4) == 0 ||
         strncmp(tok[2], "month", 5) == 0 || strncmp(tok[2], "year", 4) == 0))) {
    c.tok0 = tok + 1;
    c.orig = otok + 1;
    n--;
  }
  rc = att__fr_value(&c, c.tok0, n, e);
  if (c.far_ref && dc->used_ref) {
    char q2[200];
    return att__err(ATT_EINVAL,
                    "cannot read the date %s: it counts from the reference date, which is "
                    "outside the years 0001 to 9998; give the date itself (2024-05-20)",
                    att__show_as(q2, sizeof q2, s, strlen(s), SIZE_MAX, ATT_SHOW_QUOTED));
  }
  if (rc == 0) {
    char q2[200];
    if (att_edtf_parse(e, b, edtf, cap) != 0)
      return att__errctx(ATT_EINVAL, "the date \"%s\" reads as %s, which fails",
                         att__show_as(q2, sizeof q2, s, strlen(s), SIZE_MAX, ATT_SHOW_BARE), e);
    return 0;
  }
  if (looks_edtf && strstr(att_errmsg(), "accepted forms"))
    return att__err(ATT_EINVAL, "%s; %s", strict_msg, friendly_forms);
  return rc;
}
