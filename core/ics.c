/*
 * iCalendar writer (RFC 5545); see ics.h for the mapping of events.
 *
 * The calendar is built in one growing buffer: each property is first
 * written whole into a scratch line, then folded into the output, so that
 * folding never has to know about escaping and escaping never about
 * folding.  Calendar programs read only years 0000-9999: a bound outside
 * them is treated like a fuzzy date (the other bound is used, or the
 * nearest representable day), with the EDTF kept.
 */
#include "ics.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "rrule.h"

#define ICS_FOLD 75 /* octets per physical line, CRLF not counted */

typedef struct buf {
  char *p;
  size_t len, cap;
  int oom;
} buf;

static void put(buf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    char *q;
    while (cap < b->len + n + 1) cap *= 2;
    if ((q = realloc(b->p, cap)) == NULL) {
      b->oom = 1;
      return;
    }
    b->p = q;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

static void putf(buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void putf(buf *b, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0) put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* ---- escaping and folding ------------------------------------------------ */

static void escape_into(buf *b, const char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '\\' || c == ';' || c == ',') {
      char e[2] = {'\\', (char)c};
      put(b, e, 2);
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && s[1] == '\n') s++;
      put(b, "\\n", 2);
    } else if ((c < 0x20 && c != '\t') || c == 0x7F) {
      put(b, " ", 1);
    } else {
      put(b, s, 1);
    }
  }
}

char *att_ics_escape(const char *s) {
  buf b = {0};
  puts_(&b, "");
  escape_into(&b, s);
  if (b.oom) {
    free(b.p);
    att__err(ATT_ENOMEM, "out of memory");
    return NULL;
  }
  return b.p;
}

/* The line, folded, with its CRLF. */
static void fold_into(buf *b, const char *line) {
  size_t len = strlen(line), pos = 0, room = ICS_FOLD;
  while (len - pos > room) {
    size_t cut = pos + room;
    /* Back up to the first byte of a UTF-8 character. */
    while (cut > pos && ((unsigned char)line[cut] & 0xC0) == 0x80) cut--;
    if (cut == pos) cut = pos + room; /* not UTF-8: cut anyway */
    put(b, line + pos, cut - pos);
    put(b, "\r\n ", 3);
    pos = cut;
    room = ICS_FOLD - 1; /* the leading space counts */
  }
  put(b, line + pos, len - pos);
  put(b, "\r\n", 2);
}

char *att_ics_fold(const char *line) {
  buf b = {0};
  fold_into(&b, line);
  if (b.oom) {
    free(b.p);
    att__err(ATT_ENOMEM, "out of memory");
    return NULL;
  }
  return b.p;
}

/* A property: name (with its parameters), then the value as given. */
static void prop_raw(buf *out, buf *line, const char *name, const char *value) {
  line->len = 0;
  puts_(line, name);
  puts_(line, ":");
  puts_(line, value);
  if (!line->oom) fold_into(out, line->p);
  else out->oom = 1;
}

/* A TEXT property: the value escaped. */
static void prop_text(buf *out, buf *line, const char *name, const char *value) {
  line->len = 0;
  puts_(line, name);
  puts_(line, ":");
  escape_into(line, value);
  if (!line->oom) fold_into(out, line->p);
  else out->oom = 1;
}

/* ---- dates ------------------------------------------------------------------ */

#define DAY 86400
/* 0000-01-01 and 9999-12-31, in days since the epoch. */
static int64_t day_min(void) { return att_days_from_civil(0, 1, 1); }
static int64_t day_max(void) { return att_days_from_civil(9999, 12, 31); }

/* The day of t, rounded down, without negating t: -INT64_MIN (an open
 * start, ../2024) does not exist (issue 12). */
static int64_t day_of(att_time t) {
  int64_t q = t / DAY;
  return t % DAY < 0 ? q - 1 : q;
}

static int in_range(att_time t) {
  if (t == ATT_TIME_MIN || t == ATT_TIME_MAX) return 0;
  return day_of(t) >= day_min() && day_of(t) <= day_max();
}

static void fmt_date(char *out, size_t cap, int64_t days) {
  int64_t y;
  int m, d;
  if (days < day_min()) days = day_min();
  if (days > day_max()) days = day_max();
  att_civil_from_days(days, &y, &m, &d);
  snprintf(out, cap, "%04d%02d%02d", (int)y, m, d);
}

static void fmt_utc(char *out, size_t cap, att_time t) {
  int64_t days = day_of(t), s = t % DAY;
  if (s < 0) s += DAY;
  char d[16];
  fmt_date(d, sizeof d, days);
  snprintf(out, cap, "%sT%02d%02d%02dZ", d, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
}

enum { W_DAY, W_TIME, W_PERIOD, W_FUZZY };

/* How an event's date is written: a day, an instant, a period, or fuzzy. */
static int classify(const att_event *ev) {
  const char *w = ev->when, *slash = strchr(w, '/');
  if (strpbrk(w, "~?%XY") || strstr(w, "..") || w[0] == '-' || w[0] == '/')
    return W_FUZZY;
  if (!in_range(ev->bounds.earliest) || !in_range(ev->bounds.latest)) return W_FUZZY;
  if (slash) return slash[1] ? W_PERIOD : W_FUZZY;
  if (strchr(w, 'T')) return W_TIME;
  if (strlen(w) == 10) return W_DAY;
  return W_FUZZY; /* a month, a year, a season */
}

/* The RRULE value with UNTIL of the same type as DTSTART (RFC 5545
 * 3.3.10): a DATE for all-day events, a UTC date-time otherwise. */
static void rrule_value(buf *b, const char *recur, int dates) {
  att_rrule r;
  char canon[600], *part, *save = NULL;
  int first = 1;
  if (att_rrule_parse(recur, &r, canon, sizeof canon) != 0) {
    puts_(b, recur); /* validated by the store: cannot happen */
    return;
  }
  for (part = strtok_r(canon, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
    if (!first) puts_(b, ";");
    first = 0;
    if (strncmp(part, "UNTIL=", 6) == 0 && r.has_until) {
      char v[32];
      if (dates) fmt_date(v, sizeof v, day_of(r.until));
      else fmt_utc(v, sizeof v, r.until);
      puts_(b, "UNTIL=");
      puts_(b, v);
    } else {
      puts_(b, part);
    }
  }
}

/* TRIGGER value: -P7D, -PT2H, -P1DT12H, PT0S. */
static void trigger(char *out, size_t cap, int64_t lead) {
  uint64_t a = lead < 0 ? 0u - (uint64_t)lead : (uint64_t)lead, d = a / DAY, s = a % DAY;
  int n = snprintf(out, cap, "%sP", lead > 0 ? "-" : "");
  if (d) n += snprintf(out + n, cap - (size_t)n, "%lluD", (unsigned long long)d);
  if (s || a == 0) {
    n += snprintf(out + n, cap - (size_t)n, "T");
    if (s / 3600) n += snprintf(out + n, cap - (size_t)n, "%lluH", (unsigned long long)(s / 3600));
    if (s / 60 % 60)
      n += snprintf(out + n, cap - (size_t)n, "%lluM", (unsigned long long)(s / 60 % 60));
    if (s % 60 || a == 0)
      snprintf(out + n, cap - (size_t)n, "%lluS", (unsigned long long)(s % 60));
  }
}

/* A lead in seconds before start.  RFC 5545 has no months in a TRIGGER,
 * so a lead in months or years is the exact number of days it spans back
 * from this event's start (3mo before 15 April: 91 days). */
static int64_t alarm_secs(const att_duration *lead, att_time start) {
  att_duration neg;
  att_time at;
  if (!lead->years && !lead->months) return lead->days * DAY + lead->seconds;
  if (att_duration_neg(lead, &neg) == 0 && att_duration_add(start, &neg, &at) == 0 &&
      start != ATT_TIME_MIN && start != ATT_TIME_MAX)
    return start - at;
  att__errclear();
  /* No start to count from: a month of 1/12 of 365.25 days. */
  return (lead->years * 12 + lead->months) * INT64_C(2629800) + lead->days * DAY + lead->seconds;
}

/* RFC 5545 STATUS of an attache status; NULL: none fits. */
static const char *ics_status(const char *s) {
  if (s == NULL) return NULL;
  if (!strcmp(s, "planned") || !strcmp(s, "postponed") || !strcmp(s, "draft"))
    return "TENTATIVE";
  if (!strcmp(s, "confirmed") || !strcmp(s, "held") || !strcmp(s, "endorsed") ||
      !strcmp(s, "in-force") || !strcmp(s, "expired"))
    return "CONFIRMED";
  if (!strcmp(s, "cancelled")) return "CANCELLED";
  return NULL;
}

/* ---- one event -------------------------------------------------------------- */

/* "2024-04-30", or ".." for an open end. */
static void day_text(char *out, size_t cap, att_time t) {
  if (att_time_day(t, out, cap) != 0) snprintf(out, cap, "?");
}

static void description(buf *d, const att_event *ev, int how) {
  size_t i;
  char e[40], l[40];
  if (ev->notes) {
    puts_(d, ev->notes);
    puts_(d, "\n\n");
  }
  if (how == W_FUZZY) {
    day_text(e, sizeof e, ev->bounds.earliest);
    day_text(l, sizeof l, ev->bounds.latest);
    putf(d, "Date: %s (not known to the day: between %s and %s)\n", ev->when, e, l);
  }
  if (ev->kind) putf(d, "Kind: %s\n", ev->kind);
  if (ev->status) putf(d, "Status: %s\n", ev->status);
  if (ev->actors.n) {
    puts_(d, "Actors: ");
    for (i = 0; i < ev->actors.n; i++) {
      if (i) puts_(d, ", ");
      puts_(d, ev->actors.v[i]);
    }
    puts_(d, "\n");
  }
  for (i = 0; i < ev->npeople; i++) {
    puts_(d, "Person: ");
    puts_(d, ev->people[i].name);
    if (ev->people[i].role) {
      puts_(d, ", ");
      puts_(d, ev->people[i].role);
    }
    if (ev->people[i].actor) {
      puts_(d, " (");
      puts_(d, ev->people[i].actor);
      puts_(d, ")");
    }
    puts_(d, "\n");
  }
  if (ev->source) {
    const att_source *s = ev->source;
    const char *parts[4], *sep = " ";
    int k;
    parts[0] = s->title;
    parts[1] = s->publisher;
    parts[2] = s->published;
    parts[3] = s->url;
    puts_(d, "Source:");
    for (k = 0; k < 4; k++) {
      if (parts[k] == NULL) continue;
      puts_(d, sep);
      if (k == 2) puts_(d, "published ");
      puts_(d, parts[k]);
      sep = "; ";
    }
    puts_(d, "\n");
  }
  while (d->len && d->p[d->len - 1] == '\n') d->p[--d->len] = '\0';
}

static void vevent(buf *out, buf *line, buf *tmp, const att_event *ev, size_t idx,
                   const att_ics_opts *o) {
  const char *domain = o->domain ? o->domain : "attache";
  int how = classify(ev), dates = how != W_TIME;
  char v[64], d1[16], d2[16];
  att_time stamp = ev->updated ? ev->updated : ev->created ? ev->created : o->now;
  att_time start = ev->bounds.earliest; /* where the alarms count back from */
  size_t i;

  prop_raw(out, line, "BEGIN", "VEVENT");
  tmp->len = 0;
  if (ev->id > 0) putf(tmp, "event-%lld@", (long long)ev->id);
  else putf(tmp, "event-item-%zu@", idx + 1);
  puts_(tmp, domain);
  if (!tmp->oom) prop_text(out, line, "UID", tmp->p);
  fmt_utc(v, sizeof v, stamp);
  prop_raw(out, line, "DTSTAMP", v);
  if (ev->created) {
    fmt_utc(v, sizeof v, ev->created);
    prop_raw(out, line, "CREATED", v);
  }
  if (ev->updated) {
    fmt_utc(v, sizeof v, ev->updated);
    prop_raw(out, line, "LAST-MODIFIED", v);
  }
  if (ev->rev > 1) {
    snprintf(v, sizeof v, "%lld", (long long)(ev->rev - 1));
    prop_raw(out, line, "SEQUENCE", v);
  }

  if (how == W_TIME) {
    fmt_utc(v, sizeof v, ev->bounds.earliest);
    prop_raw(out, line, "DTSTART", v);
  } else if (how == W_PERIOD && strchr(ev->when, 'T')) {
    dates = 0;
    fmt_utc(v, sizeof v, ev->bounds.earliest);
    prop_raw(out, line, "DTSTART", v);
    fmt_utc(v, sizeof v, ev->bounds.latest + 1);
    prop_raw(out, line, "DTEND", v);
  } else {
    /* A fuzzy date sits on its earliest day, or its latest when the
     * start is open or cannot be written. */
    int64_t first = day_of(ev->bounds.earliest), last = day_of(ev->bounds.latest);
    if (how == W_FUZZY) {
      if (!in_range(ev->bounds.earliest) && in_range(ev->bounds.latest)) first = last;
      else if (ev->bounds.earliest == ATT_TIME_MIN) first = day_min();
      else if (ev->bounds.earliest == ATT_TIME_MAX) first = day_max();
      last = first;
    }
    if (first < day_min()) first = day_min();
    if (first > day_max()) first = day_max();
    if (last < first) last = first;
    if (last >= day_max()) last = day_max() - 1;
    start = first * DAY;
    fmt_date(d1, sizeof d1, first);
    prop_raw(out, line, "DTSTART;VALUE=DATE", d1);
    /* DTEND is the day after, exclusive; on 9999-12-31 there is none to
     * write, and a DATE without DTEND lasts one day (RFC 5545, 3.6.1) */
    if (first < day_max()) {
      fmt_date(d2, sizeof d2, last + 1);
      prop_raw(out, line, "DTEND;VALUE=DATE", d2);
    }
  }
  if (ev->recur) {
    tmp->len = 0;
    rrule_value(tmp, ev->recur, dates);
    if (!tmp->oom) prop_raw(out, line, "RRULE", tmp->p);
  }

  tmp->len = 0;
  puts_(tmp, ev->title);
  if (how == W_FUZZY) putf(tmp, " [%s]", ev->when);
  if (!tmp->oom) prop_text(out, line, "SUMMARY", tmp->p);
  tmp->len = 0;
  puts_(tmp, "");
  description(tmp, ev, how);
  if (!tmp->oom && tmp->len) prop_text(out, line, "DESCRIPTION", tmp->p);
  if (ev->where) prop_text(out, line, "LOCATION", ev->where);
  if (ics_status(ev->status)) prop_raw(out, line, "STATUS", ics_status(ev->status));
  if (ev->kind || ev->tags.n) {
    /* A list of TEXT values: each escaped, the commas between them not. */
    line->len = 0;
    puts_(line, "CATEGORIES:");
    if (ev->kind) escape_into(line, ev->kind);
    for (i = 0; i < ev->tags.n; i++) {
      if (ev->kind || i) puts_(line, ",");
      escape_into(line, ev->tags.v[i]);
    }
    if (!line->oom) fold_into(out, line->p);
  }
  if (ev->source && ev->source->url) prop_raw(out, line, "URL", ev->source->url);
  if (dates) prop_raw(out, line, "TRANSP", "TRANSPARENT");
  if (ev->key) prop_text(out, line, "X-ATTACHE-KEY", ev->key);
  if (ev->kind) prop_text(out, line, "X-ATTACHE-KIND", ev->kind);
  if (ev->status) prop_text(out, line, "X-ATTACHE-STATUS", ev->status);
  prop_text(out, line, "X-ATTACHE-EDTF", ev->when);

  for (i = 0; i < o->nalarms; i++) {
    prop_raw(out, line, "BEGIN", "VALARM");
    prop_raw(out, line, "ACTION", "DISPLAY");
    prop_text(out, line, "DESCRIPTION", ev->title);
    trigger(v, sizeof v, alarm_secs(&o->alarms[i], start));
    prop_raw(out, line, "TRIGGER", v);
    prop_raw(out, line, "END", "VALARM");
  }
  prop_raw(out, line, "END", "VEVENT");
}

char *att_ics_calendar(const att_event *evs, size_t n, const att_ics_opts *o, size_t *len) {
  buf out = {0}, line = {0}, tmp = {0};
  size_t i;
  prop_raw(&out, &line, "BEGIN", "VCALENDAR");
  prop_raw(&out, &line, "VERSION", "2.0");
  prop_raw(&out, &line, "PRODID", "-//attache//attache calendar export//EN");
  prop_raw(&out, &line, "CALSCALE", "GREGORIAN");
  prop_text(&out, &line, "X-WR-CALNAME", o->name ? o->name : "attache");
  for (i = 0; i < n; i++) vevent(&out, &line, &tmp, &evs[i], i, o);
  prop_raw(&out, &line, "END", "VCALENDAR");
  free(line.p);
  free(tmp.p);
  if (out.oom || line.oom || tmp.oom) {
    free(out.p);
    att__err(ATT_ENOMEM, "out of memory");
    return NULL;
  }
  if (len) *len = out.len;
  return out.p;
}
