/*
 * Reminder instants.  A reminder falls `lead` seconds before an anchor:
 * the event's start or end, resolved to one instant of that (often fuzzy)
 * date.  For a recurring event, occurrence k begins at o_k (att_occur_next
 * from the event's earliest instant) and its anchor moves with it, so the
 * reminder of lead L for occurrence k is at o_k + (anchor - earliest) - L.
 * Finding the next one after T is then a single att_occur_next call per
 * lead: the first occurrence after T + L - (anchor - earliest).
 */
#include "remind.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "error.h"
#include "occur.h"
#include "store.h"
#include "text.h"

#define LEAD_FORMS \
  "a number and a unit: 30m, 2h, 1d, 2w, 3mo, 1y (or the names: 3 months, " \
  "1 year), or several, such as 1d12h"

/* The lead dialect of the duration grammar (duration.h), in the words a
 * lead's messages have always used (docs/scheduling.md shows one). */
int att_lead_read(const char *s, att_duration *out) {
  att_duration_error e;
  const char *why;
  char q[80];

  if (!s) return att__err(ATT_EINVAL, "lead: none given; a lead is " LEAD_FORMS);
  att__show_as(q, sizeof q, s, strlen(s), SIZE_MAX, ATT_SHOW_BARE);
  if (att_duration_scan(s, ATT_DURATION_LEAD, out, &e) == 0) return 0;
  why = att_duration_fault_text(e.fault);
  switch (e.fault) {
  case ATT_DURATION_RANGE:
    return att__err(ATT_ERANGE,
                    "lead \"%s\": too long; at most 100 years (36525d)", q);
  case ATT_DURATION_NUMBER:
  case ATT_DURATION_UNIT:
    return att__err(ATT_EINVAL, "lead \"%s\": %s at \"%.8s\"; a lead is " LEAD_FORMS,
                    q, why, s + e.at);
  default:
    return att__err(ATT_EINVAL, "lead \"%s\": %s; a lead is " LEAD_FORMS, q, why);
  }
}

int att_lead_parse(const char *s, int64_t *secs) {
  att_duration d;
  int rc;
  if ((rc = att_lead_read(s, &d)) < 0) return rc;
  /* Within ATT_LEAD_MAX, so none of this overflows. */
  *secs = (d.years * 12 + d.months) * INT64_C(2629800) + d.days * 86400 + d.seconds;
  return 0;
}

int att_lead_format(int64_t secs, char *buf, size_t cap) {
  static const char units[] = "wdhms";
  static const int64_t mult[] = {7 * 86400, 86400, 3600, 60, 1};
  size_t o = 0;
  int k, w;
  if (cap == 0) return att__err(ATT_ERANGE, "lead: no room for the text");
  if (secs < 0 || secs > ATT_LEAD_MAX)
    return att__err(ATT_ERANGE, "lead: %lld seconds is not a lead",
                    (long long)secs);
  buf[0] = '\0';
  if (secs == 0) {
    if (cap < 2) return att__err(ATT_ERANGE, "lead: no room for the text");
    strcpy(buf, "0");
    return 0;
  }
  for (k = 0; k < 5; k++) {
    if (secs < mult[k]) continue;
    w = snprintf(buf + o, cap - o, "%lld%c", (long long)(secs / mult[k]),
                 units[k]);
    if (w < 0 || (size_t)w >= cap - o)
      return att__err(ATT_ERANGE, "lead: no room for the text");
    o += (size_t)w;
    secs %= mult[k];
  }
  return 0;
}

int att_lead_text(const att_duration *lead, char *buf, size_t cap) {
  int64_t months = lead->years * 12 + lead->months;
  int64_t secs = lead->days * 86400 + lead->seconds;
  size_t o = 0;
  int w;
  if (cap == 0) return att__err(ATT_ERANGE, "lead: no room for the text");
  buf[0] = '\0';
  if (months == 0) return att_lead_format(secs, buf, cap);
  if (months >= 12) {
    w = snprintf(buf, cap, "%lldy", (long long)(months / 12));
    if (w < 0 || (size_t)w >= cap) return att__err(ATT_ERANGE, "lead: no room for the text");
    o = (size_t)w;
  }
  if (months % 12) {
    w = snprintf(buf + o, cap - o, "%lldmo", (long long)(months % 12));
    if (w < 0 || (size_t)w >= cap - o)
      return att__err(ATT_ERANGE, "lead: no room for the text");
    o += (size_t)w;
  }
  return secs ? att_lead_format(secs, buf + o, cap - o) : 0;
}

int att_lead_back(att_time t, const att_duration *lead, att_time *out) {
  att_duration neg;
  if (att_duration_neg(lead, &neg) < 0) return ATT_ERANGE;
  return att_duration_add(t, &neg, out);
}

/* The bounds of one side of an interval: "", ".." are open. */
static int side(const char *s, size_t n, int is_start, att_bounds *b) {
  char buf[ATT_DATE_MAX];
  if (n == 0 || (n == 2 && s[0] == '.' && s[1] == '.')) {
    b->earliest = b->latest = is_start ? ATT_TIME_MIN : ATT_TIME_MAX;
    return 0;
  }
  if (n >= sizeof buf) return ATT_EINVAL;
  memcpy(buf, s, n);
  buf[n] = '\0';
  return att_edtf_parse(buf, b, NULL, 0);
}

int att_span_from_edtf(const char *when, att_span *sp) {
  att_bounds all;
  const char *slash;
  int rc;
  if (!when) return att__err(ATT_EINVAL, "reminder: the event has no date");
  if ((rc = att_edtf_parse(when, &all, NULL, 0)) < 0) return rc;
  slash = strchr(when, '/');
  if (!slash) {
    sp->start = sp->end = all;
    return 0;
  }
  /* The whole value is valid, so each side of the '/' is too. */
  if (side(when, (size_t)(slash - when), 1, &sp->start) < 0 ||
      side(slash + 1, strlen(slash + 1), 0, &sp->end) < 0) {
    sp->start = sp->end = all;
    att__errclear();
  }
  return 0;
}

void att_remind_spec_init(att_remind_spec *spec) {
  memset(spec, 0, sizeof *spec);
  spec->anchor = ATT_ANCHOR_START;
  spec->resolve = ATT_RESOLVE_DEFAULT;
}

int att_remind_spec_add(att_remind_spec *spec, const char *lead) {
  att_duration v;
  int rc;
  if (spec->nleads >= ATT_REMIND_MAX_LEADS)
    return att__err(ATT_ERANGE, "reminder: at most %d leads",
                    ATT_REMIND_MAX_LEADS);
  if ((rc = att_lead_read(lead, &v)) < 0) return rc;
  spec->leads[spec->nleads++] = v;
  return 0;
}

/* Does the anchor resolve to the latest instant of its (often fuzzy)
 * start or end?  By default a start is its earliest, an end its latest. */
static int resolves_latest(const att_remind_spec *spec) {
  return spec->resolve == ATT_RESOLVE_LATEST ||
         (spec->resolve == ATT_RESOLVE_DEFAULT && spec->anchor == ATT_ANCHOR_END);
}

/* The anchor instant of the first occurrence. */
static int anchor_of(const att_remind_spec *spec, const att_span *sp,
                     att_time *a) {
  const att_bounds *b = spec->anchor == ATT_ANCHOR_END ? &sp->end : &sp->start;
  *a = resolves_latest(spec) ? b->latest : b->earliest;
  if (*a == ATT_TIME_MIN || *a == ATT_TIME_MAX)
    return att__err(ATT_ENOTFOUND, "reminder: the event's %s is open, so "
                    "there is nothing to remind of",
                    spec->anchor == ATT_ANCHOR_END ? "end" : "start");
  return 0;
}

/* a + b, saturating at the ends of att_time. */
static att_time add_sat(att_time a, int64_t b) {
  if (b > 0 && a > ATT_TIME_MAX - b) return ATT_TIME_MAX;
  if (b < 0 && a < ATT_TIME_MIN - b) return ATT_TIME_MIN;
  return a + b;
}

/* Whether a lead counts months or years (then it is not a fixed number
 * of seconds). */
static int calendar_lead(const att_duration *L) { return L->years || L->months; }

int att_remind_next_lead(const att_remind_spec *spec, const att_span *sp,
                         const att_rrule *rule, int lead, att_time after,
                         att_remind_hit *hit) {
  att_time anchor, dtstart = sp->start.earliest, o, at, from;
  const att_duration *L;
  int64_t off;
  int rc;

  if (lead < 0 || lead >= spec->nleads)
    return att__err(ATT_EINVAL, "reminder: no lead number %d", lead);
  if ((rc = anchor_of(spec, sp, &anchor)) < 0) return rc;
  L = &spec->leads[lead];
  if (!rule) {
    if (att_lead_back(anchor, L, &at) < 0 || at <= after)
      return att__err(ATT_ENOTFOUND, "reminder: already past");
    hit->at = at;
    hit->occurrence = dtstart;
    hit->anchor = anchor;
    hit->lead = lead;
    return 0;
  }
  if (dtstart == ATT_TIME_MIN)
    return att__err(ATT_ENOTFOUND, "reminder: a recurring event needs a "
                    "start to count its occurrences from");
  off = anchor - dtstart; /* both finite: no overflow in the date range */
  /* The first occurrence whose anchor, less the lead, is after `after`:
   * its anchor is after after + L.  A lead in months moves by a day or
   * three with the month's length, so start three days early and step. */
  if (!calendar_lead(L))
    from = add_sat(after, L->days * 86400 + L->seconds);
  else if (att_duration_add(after, L, &from) < 0)
    return att__err(ATT_ENOTFOUND, "reminder: beyond the last date");
  else
    from = add_sat(from, -3 * 86400);
  rc = att_occur_next(rule, dtstart, add_sat(from, -off), &o);
  for (;;) {
    if (rc < 0) return rc;
    if (att_lead_back(o + off, L, &at) < 0) return ATT_ERANGE;
    if (at > after) break;
    rc = att_occur_next(rule, dtstart, o, &o);
  }
  hit->occurrence = o;
  hit->anchor = o + off;
  hit->at = at;
  hit->lead = lead;
  return 0;
}

void att_remind_window(const att_remind_spec *spec, att_time after, att_time until,
                       att_time *from, att_time *to) {
  const int64_t D = 86400;
  int64_t lo = spec->nleads ? INT64_MAX : 0, hi = spec->nleads ? INT64_MIN : 0;
  /* a lead's reach, ATT_LEAD_MAX, is 100 years: no overflow */
  for (int k = 0; k < spec->nleads; k++) {
    const att_duration *l = &spec->leads[k];
    int64_t base = l->days * D + l->seconds;
    int64_t a = base + l->years * (l->years >= 0 ? 365 : 366) * D +
                l->months * (l->months >= 0 ? 28 : 31) * D;
    int64_t b = base + l->years * (l->years >= 0 ? 366 : 365) * D +
                l->months * (l->months >= 0 ? 31 : 28) * D;
    if (a < lo) lo = a;
    if (b > hi) hi = b;
  }
  *from = add_sat(after, lo - D);
  *to = add_sat(until, hi + D);
}

int att_remind_within(const att_remind_spec *spec) {
  if (spec->anchor == ATT_ANCHOR_END)
    return resolves_latest(spec) ? ATT_WITHIN_END : ATT_WITHIN_OVERLAP;
  return resolves_latest(spec) ? ATT_WITHIN_OVERLAP : ATT_WITHIN_START;
}

int att_remind_next(const att_remind_spec *spec, const att_span *sp,
                    const att_rrule *rule, att_time after, att_remind_hit *hit) {
  att_remind_hit h;
  int i, have = 0, rc;
  for (i = 0; i < spec->nleads; i++) {
    rc = att_remind_next_lead(spec, sp, rule, i, after, &h);
    if (rc == ATT_ENOTFOUND) continue;
    if (rc < 0) return rc;
    if (!have || h.at < hit->at) *hit = h;
    have = 1;
  }
  if (!have) {
    if (spec->nleads == 0)
      return att__err(ATT_ENOTFOUND, "reminder: no leads given");
    return ATT_ENOTFOUND; /* with the message of the last lead */
  }
  return 0;
}

static int cmp_hit(const void *a, const void *b) {
  const att_remind_hit *x = a, *y = b;
  if (x->at != y->at) return x->at < y->at ? -1 : 1;
  return (x->lead > y->lead) - (x->lead < y->lead);
}

int att_remind_times(const att_remind_spec *spec, const att_span *sp,
                     const att_rrule *rule, att_time after, att_time until,
                     att_remind_hit *out, int cap) {
  int i, n = 0, rc;
  for (i = 0; i < spec->nleads; i++) {
    att_time t = after;
    att_remind_hit h;
    for (;;) {
      rc = att_remind_next_lead(spec, sp, rule, i, t, &h);
      if (rc == ATT_ENOTFOUND) break;
      if (rc < 0) return rc;
      if (h.at > until) break;
      if (n == cap)
        return att__err(ATT_ERANGE, "reminder: more than %d reminders in "
                        "the period", cap);
      out[n++] = h;
      t = h.at;
    }
  }
  qsort(out, (size_t)n, sizeof *out, cmp_hit);
  return n;
}
