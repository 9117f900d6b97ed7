/*
 * The human reading of an EDTF value: what list, get, reports and alerts
 * show beside the EDTF ("Q3 2024", "early 2024", "2024-2028", "around 20
 * May 2024", "18 Dec 2023 10:00 UTC").  Every reading is a form that the
 * friendly reader (date_friendly.c) reads back to the same EDTF with its
 * default settings, and no reading depends on a setting or on today: no
 * fiscal years, no day-month numbers, no "next".  A value with no wording
 * of its own is shown as its EDTF, in brackets when bare EDTF would be read
 * differently (docs/dates.md, "YYYY-NN").  tests/unit/test_date_human.c
 * checks the round trip over 100,000 generated values.
 */
#include "date_int.h"
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const mon3[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

typedef struct hbuf {
  char *p;
  size_t cap, len;
} hbuf;

static void add(hbuf *h, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void add(hbuf *h, const char *fmt, ...) {
  va_list ap;
  int n;
  size_t room = h->len < h->cap ? h->cap - h->len : 0;
  va_start(ap, fmt);
  n = vsnprintf(room ? h->p + h->len : NULL, room, fmt, ap);
  va_end(ap);
  if (n > 0) h->len += (size_t)n;
}

static void add_year(hbuf *h, int64_t y) {
  add(h, "%s%04lld", y < 0 ? "-" : "", (long long)(y < 0 ? -y : y));
}

static const char *ordinal_suffix(int64_t n) {
  if (n % 100 >= 11 && n % 100 <= 13) return "th";
  return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

/* The EDTF text of one point (as date.c prints it). */
static void add_edtf_point(hbuf *h, const att__point *p) {
  char buf[ATT_DATE_MAX];
  att__edtf_print_point(p, buf, sizeof buf);
  add(h, "%s", buf);
}

static void add_point(hbuf *h, const att__point *p) {
  static const char *const seas[4] = {"spring", "summer", "autumn", "winter"};
  int around = p->qual == '~' || p->qual == '%', unsure = p->qual == '?' || p->qual == '%';
  if (p->yprefix || p->xmonth || p->xday || (p->xyear && (p->neg || p->xyear == 4)) ||
      (p->xyear == 1 && p->year % 100 == 0)) {
    add_edtf_point(h, p);
    return;
  }
  if (p->xyear == 1) {
    add(h, "the %04llds", (long long)p->year);
    return;
  }
  if (p->xyear == 2) {
    int64_t c = p->year / 100 + 1;
    add(h, "the %lld%s century", (long long)c, ordinal_suffix(c));
    return;
  }
  if (around) add(h, "around ");
  switch (p->prec) {
  case ATT__P_YEAR:
    add_year(h, p->year);
    break;
  case ATT__P_MONTH:
    add(h, "%s ", att__month_names[p->month - 1]);
    add_year(h, p->year);
    break;
  case ATT__P_DAY:
  case ATT__P_TIME:
    add(h, "%d %s ", p->day, mon3[p->month - 1]);
    add_year(h, p->year);
    if (p->prec == ATT__P_TIME) {
      add(h, " %02d:%02d", p->hour, p->min);
      if (p->sec || p->frac[0]) add(h, ":%02d", p->sec);
      if (p->frac[0]) add(h, ".%s", p->frac);
      if (p->tz == ATT__TZ_NONE) add(h, " UTC");
      else if (p->tz == ATT__TZ_Z) add(h, "Z");
      else {
        int o = p->tzoff < 0 ? -p->tzoff : p->tzoff;
        add(h, " %c%02d:%02d", p->tzoff < 0 ? '-' : '+', o / 60, o % 60);
      }
    }
    break;
  case ATT__P_GROUP: {
    int g = p->month;
    if (g <= 24) add(h, "%s ", seas[g - 21]);
    else if (g <= 28) add(h, "northern %s ", seas[g - 25]);
    else if (g <= 32) add(h, "southern %s ", seas[g - 29]);
    else if (g <= 36) add(h, "Q%d ", g - 32);
    else if (g <= 39) add(h, "%s third of ", g == 37 ? "first" : g == 38 ? "middle" : "last");
    else add(h, "H%d ", g - 39);
    add_year(h, p->year);
    break;
  }
  default:
    break;
  }
  if (unsure) add(h, "?");
}

static int plain(const att__point *p) {
  return !p->qual && !p->xyear && !p->xmonth && !p->xday && !p->yprefix;
}

/* early/mid/late: which third an interval of two points is, or -1. */
static int third(const att__point *a, const att__point *b) {
  if (a->qual != '~' || b->qual != '~' || a->xyear || b->xyear || a->year != b->year) return -1;
  if (a->prec == ATT__P_MONTH && b->prec == ATT__P_MONTH && !a->xmonth && !b->xmonth &&
      a->year >= 0) {
    if (a->month == 1 && b->month == 4) return 0;
    if (a->month == 5 && b->month == 8) return 1;
    if (a->month == 9 && b->month == 12) return 2;
  }
  return -1;
}

static int month_third(const att__point *a, const att__point *b) {
  if (a->qual != '~' || b->qual != '~' || a->prec != ATT__P_DAY || b->prec != ATT__P_DAY ||
      a->xyear || a->xmonth || a->xday || b->xday || b->xmonth || a->year != b->year ||
      a->month != b->month || a->year < 0)
    return -1;
  if (a->day == 1 && b->day == 10) return 0;
  if (a->day == 11 && b->day == 20) return 1;
  if (a->day == 21 && b->day == att_days_in_month(a->year, a->month)) return 2;
  return -1;
}

static int decade_third(const att__point *a, const att__point *b) {
  int64_t d = a->year - a->year % 10;
  if (a->qual != '~' || b->qual != '~' || a->prec != ATT__P_YEAR || b->prec != ATT__P_YEAR ||
      a->xyear || b->xyear || a->year < 0 || d % 100 == 0)
    return -1;
  if (a->year == d && b->year == d + 3) return 0;
  if (a->year == d + 4 && b->year == d + 6) return 1;
  if (a->year == d + 7 && b->year == d + 9) return 2;
  return -1;
}

/* "before 2025" for ../2024: the next year, month or day, or 0. */
static int before(hbuf *h, const att__point *p) {
  att__point n = *p;
  if (!plain(p) || p->neg != (p->year < 0)) return 0;
  if (p->prec == ATT__P_YEAR) {
    if (p->year >= 9999) return 0;
    n.year++;
  } else if (p->prec == ATT__P_MONTH) {
    if (++n.month > 12) {
      n.month = 1;
      if (++n.year > 9999) return 0;
    }
  } else if (p->prec == ATT__P_DAY) {
    int64_t y;
    att_civil_from_days(att_days_from_civil(p->year, p->month, p->day) + 1, &y, &n.month, &n.day);
    if (y > 9999) return 0;
    n.year = y;
  } else {
    return 0;
  }
  n.neg = n.year < 0;
  add(h, "before ");
  add_point(h, &n);
  return 1;
}

static void nice(hbuf *h, const att__edtf *v) {
  static const char *const which[3] = {"early", "mid", "late"};
  const att__point *a = &v->a, *b = &v->b;
  int t;
  if (!v->interval) {
    add_point(h, a);
    return;
  }
  if (v->aend == ATT__END_DATE && v->bend == ATT__END_DATE) {
    if (a->prec == ATT__P_YEAR && b->prec == ATT__P_YEAR && plain(a) && plain(b) &&
        a->year >= 0 && b->year >= 0) {
      add(h, "%04lld-%04lld", (long long)a->year, (long long)b->year);
      return;
    }
    if ((t = third(a, b)) >= 0) {
      add(h, "%s ", which[t]);
      add_year(h, a->year);
      return;
    }
    if ((t = month_third(a, b)) >= 0) {
      add(h, "%s %s ", which[t], att__month_names[a->month - 1]);
      add_year(h, a->year);
      return;
    }
    if ((t = decade_third(a, b)) >= 0) {
      add(h, "%s %04llds", which[t], (long long)(a->year - a->year % 10));
      return;
    }
    if (plain(a) && plain(b) && a->year == b->year && a->year >= 0) {
      if (a->prec == ATT__P_DAY && b->prec == ATT__P_DAY && a->month == b->month) {
        add(h, "%d-%d %s ", a->day, b->day, mon3[a->month - 1]);
        add_year(h, a->year);
        return;
      }
      if (a->prec == ATT__P_MONTH && b->prec == ATT__P_MONTH) {
        add(h, "%s-%s ", mon3[a->month - 1], mon3[b->month - 1]);
        add_year(h, a->year);
        return;
      }
    }
    add_point(h, a);
    add(h, " to ");
    add_point(h, b);
    return;
  }
  if (v->aend == ATT__END_DATE) {
    if (v->bend == ATT__END_OPEN) {
      add(h, "since ");
      add_point(h, a);
    } else {
      add_point(h, a);
      add(h, " to unknown");
    }
    return;
  }
  if (v->aend == ATT__END_OPEN) {
    if (!before(h, b)) {
      add(h, "until ");
      add_point(h, b);
    }
    return;
  }
  add(h, "unknown to ");
  add_point(h, b);
}

int att__date_human_nice(const char *edtf, char *buf, size_t cap) {
  att__edtf v;
  hbuf h;
  if (att__edtf_decode(edtf, &v) != 0) return ATT_EINVAL;
  h.p = buf;
  h.cap = cap;
  h.len = 0;
  nice(&h, &v);
  if (h.len >= cap) return att__err(ATT_EINVAL, "att_date_human: a buffer of %zu bytes is too small", cap);
  return 0;
}

int att_date_human(const char *edtf, char *buf, size_t cap) {
  char canon[ATT_DATE_MAX], back[ATT_DATE_MAX], text[ATT_DATE_HUMAN_MAX];
  att_date_ctx c;
  if (!buf || cap == 0) return att__err(ATT_EINVAL, "att_date_human: no buffer");
  buf[0] = '\0';
  if (att_edtf_parse(edtf, NULL, canon, sizeof canon) != 0) return ATT_EINVAL;
  att_date_ctx_init(&c, 0);
  /* The wording, if it reads back; else the EDTF, bare if it reads back,
   * else in brackets. */
  if (att__date_human_nice(canon, text, sizeof text) != 0 ||
      att_date_read(text, &c, back, sizeof back, NULL) != 0 || strcmp(back, canon) != 0) {
    if (att_date_read(canon, &c, back, sizeof back, NULL) == 0 && strcmp(back, canon) == 0)
      snprintf(text, sizeof text, "%s", canon);
    else
      snprintf(text, sizeof text, "[%s]", canon);
  }
  att__errclear();
  if (strlen(text) >= cap)
    return att__err(ATT_EINVAL, "att_date_human: a buffer of %zu bytes is too small for \"%s\"",
                    cap, text);
  memcpy(buf, text, strlen(text) + 1);
  return 0;
}

int att_date_human_edtf(const char *edtf, char *buf, size_t cap) {
  char human[ATT_DATE_HUMAN_MAX], canon[ATT_DATE_MAX];
  int n;
  if (att_edtf_parse(edtf, NULL, canon, sizeof canon) != 0) return ATT_EINVAL;
  if (att_date_human(canon, human, sizeof human) != 0) return ATT_EINVAL;
  if (human[0] == '[' || strcmp(human, canon) == 0) n = snprintf(buf, cap, "[%s]", canon);
  else n = snprintf(buf, cap, "%s [%s]", human, canon);
  if (n < 0 || (size_t)n >= cap)
    return att__err(ATT_EINVAL, "att_date_human_edtf: a buffer of %zu bytes is too small", cap);
  return 0;
}
