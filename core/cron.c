/*
 * Cron schedules: parsing of the five-field syntax and the search for the
 * next firing time in the local time zone.
 *
 * The search walks local (civil) minutes that match the fields and turns
 * each into the UTC instants that show that civil time, asking the C
 * library (localtime_r) for the offset in force.  A civil time can map to
 * no instant (the gap of a spring-forward change), one, or two (the
 * repeated hour of a fall-back change); docs/scheduling.md says which of
 * them fire.  Because a repeated hour makes civil order and instant order
 * differ, the search keeps the smallest instant found and stops only when
 * no later civil time can give a smaller one.
 */
#include "cron.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "error.h"

#define DAY INT64_C(86400)
/* Instants the search accepts: years 0001 to 9999. */
#define T_LO INT64_C(-62135596800)
#define T_HI INT64_C(253402300799)
/* A schedule that fires at all fires within this many days: the longest
 * wait is for 29 February, eight years across 2100. */
#define SEARCH_DAYS (366 * 12)

enum { F_MIN, F_HOUR, F_MDAY, F_MON, F_WDAY, F_N };

static const struct field {
  const char *name;
  int lo, hi;             /* accepted values */
  int star_hi;            /* upper end of '*' */
  const char *accepted;   /* for messages */
} fields[F_N] = {
    {"minute", 0, 59, 59, "0-59"},
    {"hour", 0, 23, 23, "0-23"},
    {"day-of-month", 1, 31, 31, "1-31"},
    {"month", 1, 12, 12, "1-12 or JAN-DEC"},
    {"day-of-week", 0, 7, 6, "0-7 (0 and 7 are Sunday) or SUN-SAT"},
};

static const char *const month_names[12] = {"JAN", "FEB", "MAR", "APR",
                                            "MAY", "JUN", "JUL", "AUG",
                                            "SEP", "OCT", "NOV", "DEC"};
static const char *const wday_names[7] = {"SUN", "MON", "TUE", "WED",
                                          "THU", "FRI", "SAT"};

static const struct {
  const char *name, *expr;
} shortcuts[] = {
    {"@yearly", "0 0 1 1 *"},  {"@annually", "0 0 1 1 *"},
    {"@monthly", "0 0 1 * *"}, {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},   {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
};

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

static int upcase(int ch) { return ch >= 'a' && ch <= 'z' ? ch - 32 : ch; }

typedef struct pctx {
  const char *expr;
  const char *ftext; /* the whole field, for messages */
  size_t flen;
  int f;
} pctx;

static int perr(const pctx *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int perr(const pctx *p, const char *fmt, ...) {
  char why[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  return att__err(ATT_EINVAL, "cron \"%.200s\": %s field \"%.*s\": %s; accepted: %s",
                  p->expr, fields[p->f].name, (int)(p->flen > 60 ? 60 : p->flen),
                  p->ftext, why, fields[p->f].accepted);
}

/* One value: digits, or a three-letter name where the field has names. */
static int parse_value(const pctx *p, const char *s, size_t n, int *out) {
  const struct field *fd = &fields[p->f];
  size_t i;
  int v = 0;
  if (n == 0) return perr(p, "a value is missing");
  if (s[0] >= '0' && s[0] <= '9') {
    for (i = 0; i < n; i++) {
      if (s[i] < '0' || s[i] > '9')
        return perr(p, "\"%.*s\" is not a number", (int)n, s);
      if (v < 1000) v = v * 10 + (s[i] - '0');
    }
    if (v < fd->lo || v > fd->hi)
      return perr(p, "%.*s is out of range", (int)n, s);
    *out = v;
    return 0;
  }
  if (n == 3 && (p->f == F_MON || p->f == F_WDAY)) {
    const char *const *names = p->f == F_MON ? month_names : wday_names;
    int k, cnt = p->f == F_MON ? 12 : 7;
    for (k = 0; k < cnt; k++)
      if (upcase(s[0]) == names[k][0] && upcase(s[1]) == names[k][1] &&
          upcase(s[2]) == names[k][2]) {
        *out = p->f == F_MON ? k + 1 : k;
        return 0;
      }
  }
  if (p->f == F_MON || p->f == F_WDAY)
    return perr(p, "\"%.*s\" is not a %s", (int)n, s,
                p->f == F_MON ? "month" : "day of the week");
  return perr(p, "\"%.*s\" is not a number", (int)n, s);
}

/* One list item: '*', v, a-b, each with an optional /step. */
static int parse_item(const pctx *p, const char *s, size_t n, uint64_t *bits,
                      int *star) {
  const struct field *fd = &fields[p->f];
  size_t slash, dash;
  int lo, hi, step = 1, v, rc;
  int single = 0;

  for (slash = 0; slash < n && s[slash] != '/'; slash++) {
  }
  if (slash < n) {
    size_t i, sn = n - slash - 1;
    const char *ss = s + slash + 1;
    if (sn == 0) return perr(p, "the step after '/' is missing");
    step = 0;
    for (i = 0; i < sn; i++) {
      if (ss[i] < '0' || ss[i] > '9')
        return perr(p, "the step \"%.*s\" is not a number", (int)sn, ss);
      if (step < 1000) step = step * 10 + (ss[i] - '0');
    }
    if (step < 1 || step > fd->star_hi - fd->lo + 1)
      return perr(p, "the step %.*s must be from 1 to %d", (int)sn, ss,
                  fd->star_hi - fd->lo + 1);
  }
  if (slash == 1 && s[0] == '*') {
    lo = fd->lo;
    hi = fd->star_hi;
    *star = 1;
  } else {
    if (slash > 0 && s[0] == '*')
      return perr(p, "'*' cannot be combined with other values in one item");
    for (dash = 0; dash < slash && s[dash] != '-'; dash++) {
    }
    if ((rc = parse_value(p, s, dash, &lo)) < 0) return rc;
    if (dash < slash) {
      if ((rc = parse_value(p, s + dash + 1, slash - dash - 1, &hi)) < 0)
        return rc;
      if (hi < lo)
        return perr(p,
                    "the range %.*s runs backwards; write it as two ranges "
                    "or a list",
                    (int)slash, s);
    } else {
      hi = lo;
      single = 1;
    }
    /* "5/15" runs from 5 to the end of the field. */
    if (single && slash < n) hi = fd->star_hi;
  }
  for (v = lo; v <= hi; v += step)
    *bits |= UINT64_C(1) << (p->f == F_WDAY && v == 7 ? 0 : v);
  return 0;
}

static int parse_field(pctx *p, uint64_t *bits, int *star) {
  size_t i = 0, j;
  int rc;
  *bits = 0;
  *star = 0;
  for (;;) {
    for (j = i; j < p->flen && p->ftext[j] != ','; j++) {
    }
    if (j == i) return perr(p, "an empty item in the list");
    if ((rc = parse_item(p, p->ftext + i, j - i, bits, star)) < 0) return rc;
    if (j == p->flen) break;
    i = j + 1;
  }
  /* Only a field that is one '*' item counts as unrestricted. */
  if (*star && memchr(p->ftext, ',', p->flen)) *star = 0;
  return 0;
}

static int is_space(char ch) { return ch == ' ' || ch == '\t'; }

int att_cron_parse(const char *expr, att_cron *out) {
  const char *s, *fs[F_N + 1];
  size_t fl[F_N + 1];
  uint64_t bits[F_N];
  int star[F_N], nf = 0, f, rc;
  size_t k;
  att_cron c;
  pctx p;

  if (!expr) return att__err(ATT_EINVAL, "cron: no expression given");
  s = expr;
  while (is_space(*s)) s++;
  if (*s == '@') {
    size_t n = 0;
    while (s[n] && !is_space(s[n])) n++;
    for (k = 0; k < sizeof shortcuts / sizeof shortcuts[0]; k++) {
      size_t m = strlen(shortcuts[k].name), i;
      if (m != n) continue;
      for (i = 0; i < n && upcase(s[i]) == upcase(shortcuts[k].name[i]); i++) {
      }
      if (i == n) {
        const char *rest = s + n;
        while (is_space(*rest)) rest++;
        if (*rest)
          return att__err(ATT_EINVAL,
                          "cron \"%.200s\": unexpected text after %s",
                          expr, shortcuts[k].name);
        return att_cron_parse(shortcuts[k].expr, out);
      }
    }
    return att__err(ATT_EINVAL,
                    "cron \"%.200s\": unknown shortcut \"%.*s\"; accepted: "
                    "@yearly, @annually, @monthly, @weekly, @daily, "
                    "@midnight, @hourly",
                    expr, (int)(n > 40 ? 40 : n), s);
  }
  while (*s) {
    size_t n = 0;
    while (s[n] && !is_space(s[n])) n++;
    if (nf <= F_N) {
      fs[nf] = s;
      fl[nf] = n;
    }
    nf++;
    s += n;
    while (is_space(*s)) s++;
  }
  if (nf != F_N)
    return att__err(ATT_EINVAL,
                    "cron \"%.200s\": %d field%s, expected 5: minute hour "
                    "day-of-month month day-of-week (\"0 8 * * 1\"), or a "
                    "shortcut such as @daily%s",
                    expr, nf, nf == 1 ? "" : "s",
                    nf > F_N ? "; fields for seconds or years are not "
                               "supported"
                             : "");
  p.expr = expr;
  for (f = 0; f < F_N; f++) {
    p.f = f;
    p.ftext = fs[f];
    p.flen = fl[f];
    if ((rc = parse_field(&p, &bits[f], &star[f])) < 0) return rc;
  }
  memset(&c, 0, sizeof c);
  c.minutes = bits[F_MIN];
  c.hours = (uint32_t)bits[F_HOUR];
  c.mdays = (uint32_t)bits[F_MDAY];
  c.months = (uint16_t)bits[F_MON];
  c.wdays = (uint8_t)bits[F_WDAY];
  /* A '*' field counts as unrestricted whatever its step, as in Vixie cron:
   * a day of month of '*' with step 2 and a day of week of 1 runs on odd
   * days that are Mondays, not on odd days and on Mondays. */
  if (star[F_MDAY]) c.flags |= ATT_CRON_MDAY_ANY;
  if (star[F_WDAY]) c.flags |= ATT_CRON_WDAY_ANY;
  if (star[F_HOUR]) c.flags |= ATT_CRON_HOUR_ANY;
  if (out) *out = c;
  return 0;
}

/* ---- the search ---- */

/* Offset of local time from UTC at instant t, in seconds. */
static int local_offset(att_time t, int64_t *off) {
  time_t tt = (time_t)t;
  struct tm tm;
  if ((att_time)tt != t || !localtime_r(&tt, &tm)) return -1;
  *off = att_days_from_civil((int64_t)tm.tm_year + 1900, tm.tm_mon + 1,
                             tm.tm_mday) * DAY +
         tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec - t;
  return 0;
}

static int day_matches(const att_cron *c, int64_t day, int mday) {
  int wday = (int)(((day % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
  int md = (c->mdays >> mday) & 1, wd = (c->wdays >> wday) & 1;
  if (c->flags & (ATT_CRON_MDAY_ANY | ATT_CRON_WDAY_ANY)) return md && wd;
  return md || wd;
}

/* The first matching civil minute at or after civil second `from`
 * (a multiple of 60), or INT64_MAX when there is none before `limit`. */
static int64_t next_civil(const att_cron *c, int64_t from, int64_t limit) {
  int64_t day = floor_div(from, DAY), y;
  int sec = (int)(from - day * DAY), h = sec / 3600, mi = sec % 3600 / 60;
  int m, d;
  for (;;) {
    if (day * DAY > limit) return INT64_MAX;
    att_civil_from_days(day, &y, &m, &d);
    if (!((c->months >> m) & 1)) {
      day += att_days_in_month(y, m) - d + 1;
      h = mi = 0;
      continue;
    }
    if (!day_matches(c, day, d)) {
      day++;
      h = mi = 0;
      continue;
    }
    while (h < 24 && !((c->hours >> h) & 1)) {
      h++;
      mi = 0;
    }
    if (h < 24) {
      while (mi < 60 && !((c->minutes >> mi) & 1)) mi++;
      if (mi < 60) return day * DAY + h * 3600 + mi * 60;
      h++;
      mi = 0;
      continue;
    }
    day++;
    h = mi = 0;
  }
}

/* Why an expression can never fire, or NULL.  Only a restricted day of
 * month with an unrestricted day of week can be impossible. */
static const char *never_reason(const att_cron *c, char *buf, size_t cap) {
  static const char *const mnames[12] = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  int m, d, first = 0;
  if (!c->minutes || !c->hours || !c->months) return "no time matches";
  if (!(c->flags & ATT_CRON_WDAY_ANY) && !(c->flags & ATT_CRON_MDAY_ANY))
    return NULL;
  for (m = 1; m <= 12; m++) {
    if (!((c->months >> m) & 1)) continue;
    if (!first) first = m;
    for (d = 1; d <= att_days_in_month(2000, m); d++)
      if ((c->mdays >> d) & 1) return NULL;
  }
  for (d = 1; d <= 31 && !((c->mdays >> d) & 1); d++) {
  }
  snprintf(buf, cap, "no listed day of the month occurs in the listed months "
           "(day %d does not exist in %s)", d, mnames[first - 1]);
  return buf;
}

/* Where a spring-forward gap that hides civil second `cv` ends: the first
 * instant with offset `hi_off`, searched in [lo, hi]. */
static int gap_end(att_time lo, att_time hi, int64_t hi_off, att_time *out) {
  int64_t o;
  while (lo < hi) {
    att_time mid = lo + (hi - lo) / 2;
    if (local_offset(mid, &o) < 0) return -1;
    if (o == hi_off)
      hi = mid;
    else
      lo = mid + 1;
  }
  *out = lo;
  return 0;
}

int att_cron_next(const att_cron *c, att_time after, att_time *next) {
  int64_t o1, o2, ohi = 0, cv, limit, ob, oa;
  att_time best = 0;
  int have = 0, hour_any = (c->flags & ATT_CRON_HOUR_ANY) != 0;
  char why[160];
  const char *nr;

  if ((nr = never_reason(c, why, sizeof why)) != NULL)
    return att__err(ATT_ENOTFOUND, "cron: the schedule never fires: %s", nr);
  if (after < T_LO || after > T_HI - 2 * DAY)
    return att__err(ATT_ERANGE,
                    "cron: the instant %lld is outside the years 0001-9999",
                    (long long)after);
  tzset();
  if (local_offset(after, &o1) < 0 || local_offset(after + DAY, &o2) < 0)
    goto tzfail;
  cv = floor_div(after + (o1 < o2 ? o1 : o2), 60) * 60;
  limit = cv + SEARCH_DAYS * DAY;
  for (;;) {
    att_time cand[3];
    int64_t probes[3];
    int np = 0, nc = 0, i, j;

    cv = next_civil(c, cv, limit);
    if (cv == INT64_MAX) break;
    if (have && cv >= best + ohi) break;
    if (cv > T_HI) break;
    /* The offsets in force around cv; at most one change in two days. */
    if (local_offset(cv - DAY, &ob) < 0 || local_offset(cv + DAY, &oa) < 0)
      goto tzfail;
    probes[np++] = ob;
    if (oa != ob) probes[np++] = oa;
    for (i = 0; i < np; i++) {
      int64_t o;
      att_time t = cv - probes[i];
      if (local_offset(t, &o) < 0) goto tzfail;
      if (o != probes[i]) continue;
      for (j = nc; j > 0 && cand[j - 1] > t; j--) cand[j] = cand[j - 1];
      cand[j] = t;
      nc++;
    }
    if (nc == 0 && !hour_any && np == 2) {
      /* A skipped civil time: fire at the first whole minute after the
       * gap, which ends at the first instant with the new offset. */
      int64_t lo = cv - (ob > oa ? ob : oa), hi = cv - (ob < oa ? ob : oa), o;
      att_time t;
      if (gap_end(lo, hi, oa, &t) < 0 || local_offset(t, &o) < 0)
        goto tzfail;
      if (floor_div(t + o, 60) * 60 != t + o)
        t += 60 - ((t + o) - floor_div(t + o, 60) * 60);
      cand[nc++] = t;
    }
    /* A repeated civil time fires once unless the hour is '*'. */
    if (!hour_any && nc > 1) nc = 1;
    for (i = 0; i < nc; i++) {
      if (cand[i] > after && (!have || cand[i] < best)) {
        int64_t o3, o4;
        best = cand[i];
        have = 1;
        if (local_offset(best, &o3) < 0 || local_offset(best - DAY, &o4) < 0)
          goto tzfail;
        ohi = o1 > o2 ? o1 : o2;
        if (o3 > ohi) ohi = o3;
        if (o4 > ohi) ohi = o4;
      }
    }
    cv += 60;
  }
  if (!have)
    return att__err(ATT_ENOTFOUND,
                    "cron: the schedule does not fire within %d years after "
                    "the given time",
                    SEARCH_DAYS / 366);
  *next = best;
  return 0;
tzfail:
  return att__err(ATT_ERANGE,
                  "cron: the local time zone cannot convert the instant "
                  "%lld",
                  (long long)after);
}

int att_cron_upcoming(const att_cron *c, att_time after, att_time *out,
                      int n) {
  int i, rc;
  for (i = 0; i < n; i++) {
    if ((rc = att_cron_next(c, after, &out[i])) < 0) return i ? i : rc;
    after = out[i];
  }
  return n;
}

int att_cron_render(const att_cron *c, att_time after, int n, char *buf,
                    size_t cap) {
  size_t o = 0;
  int i, rc;
  if (cap == 0) return att__err(ATT_ERANGE, "cron: no room for the text");
  buf[0] = '\0';
  for (i = 0; i < n; i++) {
    att_time t;
    time_t tt;
    struct tm tm;
    char loc[64], utc[40];
    int w;
    if ((rc = att_cron_next(c, after, &t)) < 0) return i ? i : rc;
    tt = (time_t)t;
    if (!localtime_r(&tt, &tm) ||
        !strftime(loc, sizeof loc, "%Y-%m-%d %H:%M %Z %a", &tm))
      return att__err(ATT_ERANGE, "cron: cannot show the local time");
    att_time_format(t, utc, sizeof utc);
    w = snprintf(buf + o, cap - o, "%s  %s\n", loc, utc);
    if (w < 0 || (size_t)w >= cap - o) {
      buf[o] = '\0';
      return att__err(ATT_ERANGE, "cron: %zu bytes are not enough for %d "
                      "lines", cap, n);
    }
    o += (size_t)w;
    after = t;
  }
  return n;
}
