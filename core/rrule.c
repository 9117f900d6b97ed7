/*
 * Recurrence rules: parsing, checking and canonical printing of the
 * iCalendar RRULE subset an event's "recur" may hold (see rrule.h).  Every
 * message names the part that is wrong and what is accepted; the rule
 * itself is quoted at the front, since it is usually typed by hand.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "text.h"
#include "rrule.h"
#include "tz.h"

#define RULE_MAX 512
#define SUPPORTED "FREQ, INTERVAL, COUNT, UNTIL, BYMONTH, BYMONTHDAY, BYDAY"

static const char *const wdays[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

enum {
  P_FREQ,
  P_INTERVAL,
  P_COUNT,
  P_UNTIL,
  P_BYMONTH,
  P_BYMONTHDAY,
  P_BYDAY,
  P_N
};
static const char *const part_names[P_N] = {
    "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYMONTH", "BYMONTHDAY", "BYDAY"};

/* Parts of RFC 5545 we know but do not support, for a better message. */
static const char *const unsupported[] = {"BYSECOND",  "BYMINUTE", "BYHOUR",
                                          "BYYEARDAY", "BYWEEKNO", "BYSETPOS",
                                          "WKST",      NULL};

typedef struct ctx {
  const char *rule; /* as given, for messages */
  size_t len;
} ctx;

static int fail(const ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int fail(const ctx *c, const char *fmt, ...) {
  char q[120], msg[700];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return att__err(ATT_EINVAL, "RRULE %s: %s",
                  att__show(q, sizeof q, c->rule, c->len, 80), msg);
}

/* An unsigned decimal of 1 to 9 digits. */
static int parse_uint(const char *v, size_t n, long *out) {
  size_t i;
  long x = 0;
  if (n == 0 || n > 9) return -1;
  for (i = 0; i < n; i++) {
    if (v[i] < '0' || v[i] > '9') return -1;
    x = x * 10 + (v[i] - '0');
  }
  *out = x;
  return 0;
}

static int parse_range(const ctx *c, const char *name, const char *v, size_t n,
                       long lo, long hi, long *out) {
  if (parse_uint(v, n, out) < 0 || *out < lo || *out > hi)
    return fail(c, "%s=%.*s: expected an integer from %ld to %ld", name, (int)n,
                v, lo, hi);
  return 0;
}

static int parse_until(const ctx *c, const char *v, size_t n, att_rrule *r) {
  long y = 0, mo = 0, d = 0, hh = 23, mi = 59, ss = 59;
  int date = n == 8;

  if (!(n == 8 || (n == 16 && v[8] == 'T' && v[15] == 'Z')) ||
      parse_uint(v, 4, &y) < 0 || parse_uint(v + 4, 2, &mo) < 0 ||
      parse_uint(v + 6, 2, &d) < 0 ||
      (!date &&
       (parse_uint(v + 9, 2, &hh) < 0 || parse_uint(v + 11, 2, &mi) < 0 ||
        parse_uint(v + 13, 2, &ss) < 0))) {
    if (n == 15 && v[8] == 'T')
      return fail(c,
                  "UNTIL=%.*s: a date-time must be in UTC, ending in 'Z' "
                  "(YYYYMMDDTHHMMSSZ)",
                  (int)n, v);
    return fail(c,
                "UNTIL=%.*s: expected a date YYYYMMDD (20241231) or a UTC "
                "date-time YYYYMMDDTHHMMSSZ (20241231T090000Z)",
                (int)n, v);
  }
  if (mo < 1 || mo > 12 || d < 1 || d > att_days_in_month(y, (int)mo))
    return fail(c, "UNTIL=%.*s: there is no such day", (int)n, v);
  if (hh > 23 || mi > 59 || ss > 59)
    return fail(c,
                "UNTIL=%.*s: there is no such time of day (hours 00-23, "
                "minutes and seconds 00-59)",
                (int)n, v);
  r->has_until = 1;
  r->until_date = date;
  r->until = att_days_from_civil(y, (int)mo, (int)d) * 86400 + hh * 3600 +
             mi * 60 + ss;
  return 0;
}

/* Calls fn on each comma-separated item of v[0..n). */
static int each_item(const ctx *c, const char *name, const char *v, size_t n,
                     int (*fn)(const ctx *, const char *, size_t, att_rrule *),
                     att_rrule *r) {
  size_t i = 0, j;
  int rc;
  for (;;) {
    for (j = i; j < n && v[j] != ','; j++) {
    }
    if (j == i)
      return fail(c,
                  "%s=%.*s: an empty item in the list; separate values "
                  "with single commas",
                  name, (int)n, v);
    if ((rc = fn(c, v + i, j - i, r)) < 0) return rc;
    if (j == n) return 0;
    i = j + 1;
  }
}

static int item_month(const ctx *c, const char *v, size_t n, att_rrule *r) {
  long m = 0;
  if (parse_range(c, "BYMONTH", v, n, 1, 12, &m) < 0) return ATT_EINVAL;
  if (r->bymonth & (1u << m)) return fail(c, "BYMONTH lists %ld twice", m);
  r->bymonth |= (uint16_t)(1u << m);
  return 0;
}

static int item_monthday(const ctx *c, const char *v, size_t n, att_rrule *r) {
  int neg = 0;
  long d = 0;
  uint32_t *set;
  if (n > 0 && (v[0] == '+' || v[0] == '-')) {
    neg = v[0] == '-';
    v++;
    n--;
  }
  if (parse_uint(v, n, &d) < 0 || d < 1 || d > 31)
    return fail(c,
                "BYMONTHDAY item %s%.*s: expected 1 to 31, or -31 to -1 "
                "counting from the end of the month",
                neg ? "-" : "", (int)n, v);
  set = neg ? &r->bymonthday_neg : &r->bymonthday;
  if (*set & (UINT32_C(1) << d))
    return fail(c, "BYMONTHDAY lists %s%ld twice", neg ? "-" : "", d);
  *set |= UINT32_C(1) << d;
  return 0;
}

static int item_day(const ctx *c, const char *v, size_t n, att_rrule *r) {
  int sign = 1, w, i;
  long ord = 0;
  size_t k = 0;
  const char *item = v;
  size_t itemlen = n;

  if (n > 0 && (v[0] == '+' || v[0] == '-')) {
    sign = v[0] == '-' ? -1 : 1;
    k = 1;
  }
  if (n < k + 2) goto bad;
  for (w = 0; w < 7; w++)
    if (memcmp(v + n - 2, wdays[w], 2) == 0) break;
  if (w == 7) goto bad;
  if (n - 2 > k) {
    if (parse_uint(v + k, n - 2 - k, &ord) < 0) goto bad;
    if (ord < 1 || ord > 53)
      return fail(c,
                  "BYDAY item %.*s: the number before the day must be 1 "
                  "to 53 (or -1 to -53), as in 2MO or -1FR",
                  (int)itemlen, item);
  } else if (k) {
    goto bad;
  }
  ord *= sign;
  for (i = 0; i < r->nbyday; i++)
    if (r->byday[i].wday == w && r->byday[i].ord == ord)
      return fail(c, "BYDAY lists %.*s twice", (int)itemlen, item);
  if (r->nbyday >= (int)(sizeof r->byday / sizeof r->byday[0]))
    return fail(c, "BYDAY lists more than %d days",
                (int)(sizeof r->byday / sizeof r->byday[0]));
  r->byday[r->nbyday].ord = (int8_t)ord;
  r->byday[r->nbyday].wday = (uint8_t)w;
  r->nbyday++;
  return 0;
bad:
  return fail(c,
              "BYDAY item %.*s: expected a day MO, TU, WE, TH, FR, SA or "
              "SU, optionally preceded by an ordinal (1MO = first Monday, "
              "-1FR = last Friday)",
              (int)itemlen, item);
}

static int day_rank(int ord) {
  return ord == 0 ? 0 : ord > 0 ? ord : 100 - ord;
}

/* Append to the canonical text; -1 when it does not fit. */
static int put(char *buf, size_t cap, size_t *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int put(char *buf, size_t cap, size_t *o, const char *fmt, ...) {
  va_list ap;
  int w;
  va_start(ap, fmt);
  w = vsnprintf(buf + *o, cap - *o, fmt, ap);
  va_end(ap);
  if (w < 0 || (size_t)w >= cap - *o) return -1;
  *o += (size_t)w;
  return 0;
}

static int print_canon(const att_rrule *r, char *buf, size_t cap) {
  static const char *const freqs[] = {"", "YEARLY", "MONTHLY", "WEEKLY",
                                      "DAILY"};
  size_t o = 0;
  int i, first, bad = 0;
  int64_t days, y;
  int mo, d;
  att_time secs;

  if (cap == 0) return -1;
  buf[0] = '\0';
  bad |= put(buf, cap, &o, "FREQ=%s", freqs[r->freq]);
  if (r->interval != 1) bad |= put(buf, cap, &o, ";INTERVAL=%d", r->interval);
  if (r->count) bad |= put(buf, cap, &o, ";COUNT=%d", r->count);
  if (r->has_until) {
    days = r->until >= 0 ? r->until / 86400 : -((-r->until + 86399) / 86400);
    secs = r->until - days * 86400;
    att_civil_from_days(days, &y, &mo, &d);
    bad |= put(buf, cap, &o, ";UNTIL=%04lld%02d%02d", (long long)y, mo, d);
    if (!r->until_date)
      bad |= put(buf, cap, &o, "T%02d%02d%02dZ", (int)(secs / 3600),
                 (int)(secs / 60 % 60), (int)(secs % 60));
  }
  if (r->bymonth) {
    bad |= put(buf, cap, &o, ";BYMONTH=");
    for (i = 1, first = 1; i <= 12; i++)
      if (r->bymonth & (1u << i)) {
        bad |= put(buf, cap, &o, "%s%d", first ? "" : ",", i);
        first = 0;
      }
  }
  if (r->bymonthday || r->bymonthday_neg) {
    bad |= put(buf, cap, &o, ";BYMONTHDAY=");
    first = 1;
    for (i = 1; i <= 31; i++)
      if (r->bymonthday & (UINT32_C(1) << i)) {
        bad |= put(buf, cap, &o, "%s%d", first ? "" : ",", i);
        first = 0;
      }
    for (i = 1; i <= 31; i++)
      if (r->bymonthday_neg & (UINT32_C(1) << i)) {
        bad |= put(buf, cap, &o, "%s-%d", first ? "" : ",", i);
        first = 0;
      }
  }
  if (r->nbyday) {
    bad |= put(buf, cap, &o, ";BYDAY=");
    for (i = 0; i < r->nbyday; i++) {
      if (r->byday[i].ord)
        bad |= put(buf, cap, &o, "%s%d%s", i ? "," : "", r->byday[i].ord,
                   wdays[r->byday[i].wday]);
      else
        bad |= put(buf, cap, &o, "%s%s", i ? "," : "", wdays[r->byday[i].wday]);
    }
  }
  return bad ? -1 : 0;
}

/* Would any listed positive month day fall in any listed month? */
static int monthdays_possible(const att_rrule *r) {
  int m, d;
  if (!r->bymonth || !r->bymonthday || r->bymonthday_neg) return 1;
  for (m = 1; m <= 12; m++) {
    if (!(r->bymonth & (1u << m))) continue;
    for (d = 1; d <= att_days_in_month(2000, m); d++) /* a leap year */
      if (r->bymonthday & (UINT32_C(1) << d)) return 1;
  }
  return 0;
}

int att_rrule_parse(const char *s, att_rrule *out, char *canon, size_t cap) {
  char up[RULE_MAX + 1];
  ctx c;
  att_rrule r;
  size_t len, i, start, end, eq;
  unsigned seen = 0;
  int p, rc;
  long v = 0;

  if (!s) return att__err(ATT_EINVAL, "RRULE: no rule given");
  len = strlen(s);
  c.rule = s;
  c.len = len;
  memset(&r, 0, sizeof r);
  r.interval = 1;
  if (len > RULE_MAX)
    return fail(&c, "too long (%zu bytes); at most %d are accepted", len,
                RULE_MAX);
  for (i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch <= ' ' || ch >= 0x7F)
      return fail(&c,
                  "%s at byte %zu; a rule is parts NAME=VALUE joined "
                  "by ';', with no spaces, such as "
                  "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=17",
                  ch == ' '    ? "a space"
                  : ch >= 0x80 ? "a non-ASCII character"
                               : "a control character",
                  i);
    up[i] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
  }
  up[len] = '\0';
  start = len >= 6 && memcmp(up, "RRULE:", 6) == 0 ? 6 : 0;
  if (start == len)
    return fail(&c, "the rule is empty; expected parts such as "
                    "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=17");

  for (i = start; i <= len; i = end + 1) {
    const char *part = up + i, *val;
    size_t plen, vlen;
    for (end = i; end < len && up[end] != ';'; end++) {
    }
    plen = end - i;
    if (plen == 0)
      return fail(&c,
                  "an empty part at byte %zu; parts are NAME=VALUE "
                  "joined by single ';'",
                  i);
    for (eq = 0; eq < plen && part[eq] != '='; eq++) {
    }
    if (eq == plen)
      return fail(&c,
                  "the part %.*s has no '='; parts are NAME=VALUE, "
                  "names are %s",
                  (int)plen, s + i, SUPPORTED);
    val = part + eq + 1;
    vlen = plen - eq - 1;
    for (p = 0; p < P_N; p++)
      if (strlen(part_names[p]) == eq && memcmp(part, part_names[p], eq) == 0)
        break;
    if (p == P_N) {
      int k;
      for (k = 0; unsupported[k]; k++)
        if (strlen(unsupported[k]) == eq &&
            memcmp(part, unsupported[k], eq) == 0)
          return fail(&c,
                      "the part %.*s is not supported; supported parts: "
                      "%s",
                      (int)eq, s + i, SUPPORTED);
      return fail(&c, "the part %.*s is not known; supported parts: %s",
                  (int)eq, s + i, SUPPORTED);
    }
    if (seen & (1u << p))
      return fail(&c, "%s is given twice; each part may appear once",
                  part_names[p]);
    seen |= 1u << p;
    if (vlen == 0) return fail(&c, "%s has no value", part_names[p]);
    switch (p) {
    case P_FREQ:
      if (vlen == 6 && memcmp(val, "YEARLY", 6) == 0)
        r.freq = ATT_FREQ_YEARLY;
      else if (vlen == 7 && memcmp(val, "MONTHLY", 7) == 0)
        r.freq = ATT_FREQ_MONTHLY;
      else if (vlen == 6 && memcmp(val, "WEEKLY", 6) == 0)
        r.freq = ATT_FREQ_WEEKLY;
      else if (vlen == 5 && memcmp(val, "DAILY", 5) == 0)
        r.freq = ATT_FREQ_DAILY;
      else
        return fail(&c,
                    "FREQ=%.*s is not supported; FREQ is YEARLY, "
                    "MONTHLY, WEEKLY or DAILY",
                    (int)vlen, s + (val - up));
      break;
    case P_INTERVAL:
      if (parse_range(&c, "INTERVAL", val, vlen, 1, 1000, &v) < 0)
        return ATT_EINVAL;
      r.interval = (int)v;
      break;
    case P_COUNT:
      if (parse_range(&c, "COUNT", val, vlen, 1, 100000, &v) < 0)
        return ATT_EINVAL;
      r.count = (int)v;
      break;
    case P_UNTIL:
      if ((rc = parse_until(&c, val, vlen, &r)) < 0) return rc;
      break;
    case P_BYMONTH:
      if ((rc = each_item(&c, "BYMONTH", val, vlen, item_month, &r)) < 0)
        return rc;
      break;
    case P_BYMONTHDAY:
      if ((rc = each_item(&c, "BYMONTHDAY", val, vlen, item_monthday, &r)) < 0)
        return rc;
      break;
    default:
      if ((rc = each_item(&c, "BYDAY", val, vlen, item_day, &r)) < 0) return rc;
      break;
    }
    if (end == len) break;
  }

  if (!r.freq)
    return fail(&c, "FREQ is required: FREQ=YEARLY, MONTHLY, WEEKLY or "
                    "DAILY");
  if (r.count && r.has_until)
    return fail(&c, "COUNT and UNTIL cannot both be given; a rule ends after "
                    "a number of times or at a date");
  if ((r.bymonthday | r.bymonthday_neg) && r.freq == ATT_FREQ_WEEKLY)
    return fail(&c, "BYMONTHDAY cannot be used with FREQ=WEEKLY; use "
                    "FREQ=MONTHLY, or BYDAY for days of the week");
  for (i = 0; i < (size_t)r.nbyday; i++) {
    int ord = r.byday[i].ord;
    if (!ord) continue;
    if (r.freq == ATT_FREQ_WEEKLY || r.freq == ATT_FREQ_DAILY)
      return fail(&c,
                  "BYDAY=%d%s: a numbered day (such as 1MO or -1FR) "
                  "needs FREQ=MONTHLY or FREQ=YEARLY; with FREQ=%s give the "
                  "day alone (MO)",
                  ord, wdays[r.byday[i].wday],
                  r.freq == ATT_FREQ_WEEKLY ? "WEEKLY" : "DAILY");
    if ((r.freq == ATT_FREQ_MONTHLY || r.bymonth) && (ord > 5 || ord < -5))
      return fail(&c,
                  "BYDAY=%d%s: within a month the number is 1 to 5 or "
                  "-1 to -5 (a month has at most five of each weekday)",
                  ord, wdays[r.byday[i].wday]);
  }
  if (!monthdays_possible(&r))
    return fail(&c, "BYMONTHDAY never falls in the months of BYMONTH, so "
                    "the rule never occurs");
  /* Insertion sort: at most 32 entries, by weekday then rank. */
  for (i = 1; i < (size_t)r.nbyday; i++) {
    size_t j = i;
    while (j > 0 &&
           (r.byday[j - 1].wday > r.byday[j].wday ||
            (r.byday[j - 1].wday == r.byday[j].wday &&
             day_rank(r.byday[j - 1].ord) > day_rank(r.byday[j].ord)))) {
      int8_t o = r.byday[j].ord;
      uint8_t w = r.byday[j].wday;
      r.byday[j] = r.byday[j - 1];
      r.byday[j - 1].ord = o;
      r.byday[j - 1].wday = w;
      j--;
    }
  }

  if (canon && print_canon(&r, canon, cap) < 0)
    return att__err(ATT_ERANGE,
                    "RRULE: the canonical text needs more than "
                    "%zu bytes",
                    cap);
  if (out) *out = r;
  return 0;
}

int att_rrule_set_tz(att_rrule *r, const char *zone) {
  int rc;
  if (!zone || !*zone) {
    r->tz[0] = '\0';
    return 0;
  }
  if (strlen(zone) >= sizeof r->tz)
    return att__err(ATT_EINVAL, "time zone \"%.80s\" is longer than %d bytes", zone,
                    ATT_RRULE_TZ_MAX - 1);
  if ((rc = att_tz_check(zone)) < 0) return rc;
  memcpy(r->tz, zone, strlen(zone) + 1);
  return 0;
}
