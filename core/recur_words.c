/*
 * Recurrences as people say them: "yearly", "every other week", "every
 * Monday and Thursday", "quarterly, 4 times" turned into the RRULE that the
 * event's `recur` field keeps (core/rrule.h).  A text that holds '=' is a
 * rule already and is handed to att_rrule_parse as it is.  The table of
 * words is docs/scheduling.md, section 2.
 */
#include "recur_words.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "date_int.h"
#include "error.h"
#include "rrule.h"
#include "text.h"

#define MAXTOK 16

static const char words_help[] =
    "daily, weekly, fortnightly, monthly, quarterly, yearly (or annually), "
    "every day|week|month|year, every N days|weeks|months|years, every "
    "other week, every Monday (and Thursday ...), every weekday; add \", N "
    "times\" to stop after N; or an RRULE such as FREQ=YEARLY";

static const char *const day_codes[7] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

/* 1..999 from digits or a number word (date_words.c), "other" as 2; 0
 * if neither. */
static int number_of(const char *t) {
  return strcmp(t, "other") == 0 ? 2 : att__number_of(t);
}

/* A weekday name (date_words.c), also plural ("mondays"): 0..6, else -1. */
static int day_of(const char *t) {
  char one[16];
  size_t n = strlen(t);
  int w = att__wday_of(t);
  if (w == 0 && n > 1 && n < sizeof one && t[n - 1] == 's') {
    memcpy(one, t, n - 1);
    one[n - 1] = '\0';
    w = att__wday_of(one);
  }
  return w - 1;
}

/* The unit of "every N UNIT": its FREQ, else NULL. */
static const char *freq_of_unit(const char *t) {
  size_t n = strlen(t);
  if (n > 1 && t[n - 1] == 's') n--;
  if (n == 3 && strncmp(t, "day", 3) == 0) return "DAILY";
  if (n == 4 && strncmp(t, "week", 4) == 0) return "WEEKLY";
  if (n == 5 && strncmp(t, "month", 5) == 0) return "MONTHLY";
  if (n == 4 && strncmp(t, "year", 4) == 0) return "YEARLY";
  return NULL;
}

static int refuse(const char *in, const char *why) {
  char q[200];
  return att__err(ATT_EINVAL, "cannot read the recurrence \"%s\"%s%s; accepted: %s",
                  att__show_as(q, sizeof q, in, strlen(in), SIZE_MAX, ATT_SHOW_BARE),
                  why ? ": " : "", why ? why : "", words_help);
}

int att_recur_words(const char *in, char *rule, size_t cap) {
  char low[256], *tok[MAXTOK], *p;
  size_t n = 0, i, len = strlen(in);
  const char *freq = NULL;
  int interval = 1, count = 0, days = 0, k, w;
  char byday[40] = "";
  att_rrule r;

  if (strchr(in, '=') != NULL) { /* a rule already */
    if (att_rrule_parse(in, &r, rule, cap) != 0) return att__errctx(ATT_EINVAL, "recur");
    return 0;
  }
  if (len == 0 || len >= sizeof low) return refuse(in, len ? "too long" : "empty");
  for (i = 0; i <= len; i++) low[i] = (char)tolower((unsigned char)in[i]);
  /* words, with commas and "and" as separators */
  for (p = strtok(low, " \t,"); p != NULL; p = strtok(NULL, " \t,")) {
    if (strcmp(p, "and") == 0) continue;
    if (n == MAXTOK) return refuse(in, "too many words");
    tok[n++] = p;
  }
  /* a tail "N times" */
  if (n >= 3 && (strcmp(tok[n - 1], "times") == 0 || strcmp(tok[n - 1], "time") == 0)) {
    if ((count = number_of(tok[n - 2])) == 0 || strcmp(tok[n - 2], "other") == 0)
      return refuse(in, "the count before \"times\" is not a number");
    n -= 2;
  }
  if (n == 1) {
    const char *t = tok[0];
    if (strcmp(t, "daily") == 0) freq = "DAILY";
    else if (strcmp(t, "weekly") == 0) freq = "WEEKLY";
    else if (strcmp(t, "fortnightly") == 0) freq = "WEEKLY", interval = 2;
    else if (strcmp(t, "monthly") == 0) freq = "MONTHLY";
    else if (strcmp(t, "quarterly") == 0) freq = "MONTHLY", interval = 3;
    else if (strcmp(t, "yearly") == 0 || strcmp(t, "annually") == 0 || strcmp(t, "annual") == 0)
      freq = "YEARLY";
  } else if (n >= 2 && strcmp(tok[0], "every") == 0) {
    if (n == 2 && strcmp(tok[1], "quarter") == 0) {
      freq = "MONTHLY", interval = 3;
    } else if (n == 2 && strcmp(tok[1], "weekday") == 0) {
      freq = "WEEKLY";
      strcpy(byday, "MO,TU,WE,TH,FR");
    } else if (n == 2 && (freq = freq_of_unit(tok[1])) != NULL) {
      if (tok[1][strlen(tok[1]) - 1] == 's') return refuse(in, "say how many, or the unit alone");
    } else if (n == 3 && (k = number_of(tok[1])) > 0 && (freq = freq_of_unit(tok[2])) != NULL) {
      interval = k;
    } else {
      for (i = 1; i < n; i++) {
        if ((w = day_of(tok[i])) < 0) return refuse(in, NULL);
        if (days & (1 << w)) return refuse(in, "a weekday is named twice");
        days |= 1 << w;
      }
      freq = "WEEKLY";
      for (w = 0; w < 7; w++)
        if (days & (1 << w)) {
          if (byday[0]) strcat(byday, ",");
          strcat(byday, day_codes[w]);
        }
    }
  }
  if (freq == NULL) return refuse(in, NULL);
  {
    char buf[120];
    int m = snprintf(buf, sizeof buf, "FREQ=%s", freq);
    if (interval > 1) m += snprintf(buf + m, sizeof buf - (size_t)m, ";INTERVAL=%d", interval);
    if (count > 0) m += snprintf(buf + m, sizeof buf - (size_t)m, ";COUNT=%d", count);
    if (byday[0]) snprintf(buf + m, sizeof buf - (size_t)m, ";BYDAY=%s", byday);
    if (att_rrule_parse(buf, &r, rule, cap) != 0) return att__errctx(ATT_EINVAL, "recur");
  }
  return 0;
}
