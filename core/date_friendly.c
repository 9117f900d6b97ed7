/*
 * Friendly date input: what a person types on the command line or passes to
 * at.date(), turned into strict EDTF.
 *
 * The reader tries strict EDTF first, except for the trap YYYY-NN with NN of
 * 13 or more, which people write for a span of years ("the 2024-28 policy")
 * and which is read that way.  Then it matches a short list of phrases
 * (month names, quarters, halves, early/mid/late, relative words) on the
 * lower-cased words.  Each phrase builds an EDTF string and that string goes
 * through att_edtf_parse(), so the bounds of a friendly date are always
 * those of the EDTF it is echoed as.  docs/dates.md lists every form.
 */
#include "date_int.h"
#include "error.h"
#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAXLEN 200
#define MAXTOK 12

static const char friendly_forms[] =
    "accepted forms:\n"
    "  EDTF: 2023-12-17, 2023-12, 2023, 2024-33, 2023-12-17T09:00:00+09:00,"
    " 2024/2028, 2004-06~, 1985-04-12/..\n"
    "  dates: December 17, 2023 | 17 Dec 2023 | Dec 17 | Dec 2023 | November\n"
    "  periods: 2024-Q1, Q1 2024, H2 2024, early/mid/late 2024,"
    " early December 2023\n"
    "  spans of years: 2024-28, 2024-2028, 2024\xe2\x80\x93" "2028, 2024 to 2028\n"
    "  relative to the reference date: today, yesterday, tomorrow,"
    " this/next/last year, this/next/last month, the coming year,"
    " early next year, in November";

static const char *const months[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

typedef struct ctx {
  const char *input; /* as given, for messages */
  int64_t ry;        /* reference date */
  int rm, rd;
  char *out;
  size_t cap;
  att_bounds *b;
} ctx;

static int unreadable(const ctx *c, const char *why) {
  char q[200];
  return att__err(ATT_EINVAL, "cannot read the date \"%s\"%s%s; %s",
                  att__show_as(q, sizeof q, c->input, strlen(c->input), SIZE_MAX, ATT_SHOW_BARE),
                  why ? ": " : "", why ? why : "", friendly_forms);
}

/* Hand the EDTF we built to the strict parser for the echo and bounds. */
static int emit(const ctx *c, const char *edtf) {
  char q[200];
  if (att_edtf_parse(edtf, c->b, c->out, c->cap) != 0)
    return att__errctx(
        ATT_EINVAL, "the date \"%s\" reads as %s, which fails",
        att__show_as(q, sizeof q, c->input, strlen(c->input), SIZE_MAX, ATT_SHOW_BARE), edtf);
  return 0;
}

static int all_digits(const char *t, size_t n) {
  size_t i;
  if (strlen(t) != n) return 0;
  for (i = 0; i < n; i++)
    if (!isdigit((unsigned char)t[i])) return 0;
  return 1;
}

/* A month name, full, three letters, or "sept"; 1-12 or 0. */
static int month_of(const char *t) {
  int i;
  size_t n = strlen(t);
  if (n > 0 && t[n - 1] == '.') n--; /* "Dec." */
  if (n < 3) return 0;
  for (i = 0; i < 12; i++) {
    size_t full = strlen(months[i]);
    if (n == full && strncmp(t, months[i], n) == 0) return i + 1;
    if (n == 3 && strncmp(t, months[i], 3) == 0) return i + 1;
  }
  if (n == 4 && strncmp(t, "sept", 4) == 0) return 9;
  return 0;
}

/* A day of the month: 1-31, optionally 1st, 2nd, 17th; or 0. */
static int day_of(const char *t) {
  int v = 0, k = 0;
  while (isdigit((unsigned char)t[k]) && k < 3) v = v * 10 + (t[k++] - '0');
  if (k == 0 || k > 2) return 0;
  if (t[k] && strcmp(t + k, "st") && strcmp(t + k, "nd") &&
      strcmp(t + k, "rd") && strcmp(t + k, "th"))
    return 0;
  return v >= 1 && v <= 31 ? v : 0;
}

/* A four-digit year, 0 to 9999, or -1. */
static int64_t year_of(const char *t) {
  if (!all_digits(t, 4)) return -1;
  return (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 +
         (t[3] - '0');
}

/*
 * A year expression that uses all of tok[0..n): "2024", "this year",
 * "next year", "last year", "coming year".  Returns the year or -1.
 */
static int64_t year_expr(const ctx *c, char **tok, int n) {
  if (n == 1) return year_of(tok[0]);
  if (n == 2 && strcmp(tok[1], "year") == 0) {
    if (strcmp(tok[0], "this") == 0) return c->ry;
    if (strcmp(tok[0], "next") == 0 || strcmp(tok[0], "coming") == 0)
      return c->ry + 1;
    if (strcmp(tok[0], "last") == 0) return c->ry - 1;
  }
  return -1;
}

static int check_day(const ctx *c, int64_t y, int m, int d) {
  char why[120];
  if (d > att_days_in_month(y, m)) {
    snprintf(why, sizeof why, "%c%s %04lld has %d days",
             toupper((unsigned char)months[m - 1][0]), months[m - 1] + 1,
             (long long)y, att_days_in_month(y, m));
    return unreadable(c, why);
  }
  return 0;
}

static int emit_day(const ctx *c, int64_t y, int m, int d) {
  char e[40];
  if (check_day(c, y, m, d)) return ATT_EINVAL;
  snprintf(e, sizeof e, "%04lld-%02d-%02d", (long long)y, m, d);
  return emit(c, e);
}

static int emit_month(const ctx *c, int64_t y, int m) {
  char e[40];
  snprintf(e, sizeof e, "%04lld-%02d", (long long)y, m);
  return emit(c, e);
}

/* early/mid/late: thirds of a year (months) or of a month (days). */
static int emit_third(const ctx *c, int which, int64_t y, int m) {
  char e[80];
  if (m == 0) {
    static const int first[3] = {1, 5, 9};
    snprintf(e, sizeof e, "%04lld-%02d~/%04lld-%02d~", (long long)y,
             first[which], (long long)y, first[which] + 3);
  } else {
    int d0 = 1 + 10 * which;
    int d1 = which == 2 ? att_days_in_month(y, m) : d0 + 9;
    snprintf(e, sizeof e, "%04lld-%02d-%02d~/%04lld-%02d-%02d~", (long long)y,
             m, d0, (long long)y, m, d1);
  }
  return emit(c, e);
}

static int emit_span(const ctx *c, int64_t y0, int64_t y1, int two_digit,
                     int hyphen) {
  char e[40], q[200];
  if (y1 < y0) {
    if (two_digit && hyphen)
      return att__err(
          ATT_EINVAL,
          "cannot read the date \"%s\": YYYY-NN is read as a span of years, "
          "and %04lld to %04lld runs backwards; write the span as "
          "%04lld/%04lld, or, if you meant the strict EDTF season or grouping "
          "%02lld of %04lld (21-41: seasons, quarters, semesters), enter it "
          "as strict EDTF in the JSON \"when\" field, where 2024-21 is spring "
          "2024",
          att__show_as(q, sizeof q, c->input, strlen(c->input), SIZE_MAX, ATT_SHOW_BARE),
          (long long)y0, (long long)y1, (long long)y1, (long long)y0, (long long)(y1 % 100),
          (long long)y0);
    return att__err(ATT_EINVAL,
                    "cannot read the date \"%s\": the span of years %04lld "
                    "to %04lld runs backwards; write the earlier year first",
                    att__show_as(q, sizeof q, c->input, strlen(c->input), SIZE_MAX, ATT_SHOW_BARE),
                    (long long)y0, (long long)y1);
  }
  snprintf(e, sizeof e, "%04lld/%04lld", (long long)y0, (long long)y1);
  return emit(c, e);
}

/* "2024-28", "2024-2028", "2024" "to" "28": y0 and the end as written. */
static int span_end(const char *t, int64_t y0, int64_t *y1, int *two) {
  if (all_digits(t, 2)) {
    *y1 = y0 / 100 * 100 + (t[0] - '0') * 10 + (t[1] - '0');
    *two = 1;
    return 1;
  }
  if (all_digits(t, 4)) {
    *y1 = year_of(t);
    *two = 0;
    return 1;
  }
  return 0;
}

/* One word: "today", "november", "2024-q1", "h2-2024", "2024-28", ... */
static int one_word(const ctx *c, const char *t) {
  int64_t y, days;
  int m, d;
  const char *dash = strchr(t, '-');
  char e[40];

  days = att_days_from_civil(c->ry, c->rm, c->rd);
  if (strcmp(t, "today") == 0 || strcmp(t, "tomorrow") == 0 ||
      strcmp(t, "yesterday") == 0) {
    days += t[0] == 't' ? (t[2] == 'd' ? 0 : 1) : -1;
    att_civil_from_days(days, &y, &m, &d);
    return emit_day(c, y, m, d);
  }
  if ((m = month_of(t)) != 0) return emit_month(c, c->ry, m);
  if (dash && dash - t == 4 && isdigit((unsigned char)t[0]) &&
      isdigit((unsigned char)t[1]) && isdigit((unsigned char)t[2]) &&
      isdigit((unsigned char)t[3])) {
    /* The year is first: 2024-q1, 2024-h2, 2024-28, 2024-2028. */
    const char *r = dash + 1;
    y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
    if ((r[0] == 'q' && r[1] >= '1' && r[1] <= '4' && !r[2]) ||
        (r[0] == 'h' && r[1] >= '1' && r[1] <= '2' && !r[2])) {
      snprintf(e, sizeof e, "%04lld-%d", (long long)y,
               r[0] == 'q' ? 32 + (r[1] - '0') : 39 + (r[1] - '0'));
      return emit(c, e);
    }
    {
      int64_t y1;
      int two;
      if (span_end(r, y, &y1, &two) &&
          (!two || (r[0] - '0') * 10 + (r[1] - '0') >= 13))
        return emit_span(c, y, y1, two, 1);
    }
  }
  if (dash && (t[0] == 'q' || t[0] == 'h') && dash == t + 2) {
    /* q1-2024, h2-2024 */
    y = year_of(dash + 1);
    if (y >= 0 && ((t[0] == 'q' && t[1] >= '1' && t[1] <= '4') ||
                   (t[0] == 'h' && t[1] >= '1' && t[1] <= '2'))) {
      snprintf(e, sizeof e, "%04lld-%d", (long long)y,
               t[0] == 'q' ? 32 + (t[1] - '0') : 39 + (t[1] - '0'));
      return emit(c, e);
    }
  }
  return unreadable(c, NULL);
}

/* Quarter or half token "q1".."q4", "h1".."h2": the grouping or 0. */
static int group_of(const char *t) {
  if (t[0] == 'q' && t[1] >= '1' && t[1] <= '4' && !t[2]) return 32 + (t[1] - '0');
  if (t[0] == 'h' && t[1] >= '1' && t[1] <= '2' && !t[2]) return 39 + (t[1] - '0');
  return 0;
}

static int words(const ctx *c, char **tok, int n) {
  int64_t y, y1;
  int m, d, g, two, which;
  char e[40];

  if (n == 0) return unreadable(c, "it is empty");
  if (n == 1) return one_word(c, tok[0]);

  /* early/mid/late + a year expression or a month [year]. */
  which = strcmp(tok[0], "early") == 0 ? 0 : strcmp(tok[0], "mid") == 0 ? 1
          : strcmp(tok[0], "late") == 0 ? 2 : -1;
  if (which >= 0) {
    if ((y = year_expr(c, tok + 1, n - 1)) >= 0) return emit_third(c, which, y, 0);
    if ((m = month_of(tok[1])) != 0) {
      if (n == 2) return emit_third(c, which, c->ry, m);
      if ((y = year_expr(c, tok + 2, n - 2)) >= 0) return emit_third(c, which, y, m);
    }
    return unreadable(c, "early, mid and late go before a year (early 2024, "
                         "late next year) or a month (early December 2023)");
  }
  /* this/next/last year|month, coming year */
  if (n == 2 && strcmp(tok[1], "month") == 0) {
    int64_t yy = c->ry;
    int mm = c->rm;
    if (strcmp(tok[0], "next") == 0 || strcmp(tok[0], "coming") == 0) {
      if (++mm > 12) { mm = 1; yy++; }
    } else if (strcmp(tok[0], "last") == 0) {
      if (--mm < 1) { mm = 12; yy--; }
    } else if (strcmp(tok[0], "this") != 0) {
      return unreadable(c, NULL);
    }
    return emit_month(c, yy, mm);
  }
  if ((y = year_expr(c, tok, n)) >= 0) {
    snprintf(e, sizeof e, "%04lld", (long long)y);
    return emit(c, e);
  }
  /* Q1 2024, 2024 Q1, H2 2024, 2024 H2 */
  if (n == 2 && (g = group_of(tok[0])) != 0 && (y = year_of(tok[1])) >= 0) {
    snprintf(e, sizeof e, "%04lld-%d", (long long)y, g);
    return emit(c, e);
  }
  if (n == 2 && (g = group_of(tok[1])) != 0 && (y = year_of(tok[0])) >= 0) {
    snprintf(e, sizeof e, "%04lld-%d", (long long)y, g);
    return emit(c, e);
  }
  /* 2024 to 2028, 2024 to 28 (dashes were turned into "to") */
  if (n == 3 && strcmp(tok[1], "to") == 0 && (y = year_of(tok[0])) >= 0 &&
      span_end(tok[2], y, &y1, &two))
    return emit_span(c, y, y1, two, 0);
  /* Month names with a day and/or a year. */
  if ((m = month_of(tok[0])) != 0) {
    if (n == 2 && (y = year_of(tok[1])) >= 0) return emit_month(c, y, m);
    if (n == 2 && (d = day_of(tok[1])) != 0) return emit_day(c, c->ry, m, d);
    if (n == 3 && (d = day_of(tok[1])) != 0 && (y = year_of(tok[2])) >= 0)
      return emit_day(c, y, m, d);
  }
  if ((d = day_of(tok[0])) != 0 && (m = month_of(tok[1])) != 0) {
    if (n == 2) return emit_day(c, c->ry, m, d);
    if (n == 3 && (y = year_of(tok[2])) >= 0) return emit_day(c, y, m, d);
  }
  return unreadable(c, NULL);
}

/* YYYY-NN with NN >= 13, exactly: the span-of-years trap. */
static int is_span_trap(const char *s) {
  return strlen(s) == 7 && isdigit((unsigned char)s[0]) &&
         isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
         isdigit((unsigned char)s[3]) && s[4] == '-' &&
         isdigit((unsigned char)s[5]) && isdigit((unsigned char)s[6]) &&
         (s[5] - '0') * 10 + (s[6] - '0') >= 13;
}

void att_date_ctx_init(att_date_ctx *c, att_time ref) {
  memset(c, 0, sizeof *c);
  c->ref = ref;
  c->day_first = -1;
}

int att_date_friendly(const char *s, att_time ref, char *edtf, size_t cap,
                      att_bounds *b) {
  att_date_ctx c;
  att_date_ctx_init(&c, ref);
  return att_date_read(s, &c, edtf, cap, b);
}

int att_date_read(const char *s, att_date_ctx *dc, char *edtf, size_t cap,
                  att_bounds *b) {
  att_time ref = dc->ref;
  dc->used_ref = 0;
  dc->zone[0] = '\0';
  char norm[MAXLEN * 2 + 8], low[MAXLEN * 2 + 8], *tok[MAXTOK], *p;
  char strict_msg[1024];
  const char *rest;
  size_t i, o = 0, len;
  int n = 0, rc, looks_edtf;
  ctx c;

  if (!s) return att__err(ATT_EINVAL, "cannot read the date: no value given");
  c.input = s;
  c.out = edtf;
  c.cap = cap;
  c.b = b;
  {
    int64_t days = ref / 86400 - (ref % 86400 < 0);
    att_civil_from_days(days, &c.ry, &c.rm, &c.rd);
  }
  len = strlen(s);
  if (len > MAXLEN) return unreadable(&c, "it is too long");

  /* Collapse white space; dashes between words become " to ". */
  for (i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == 0xe2 && (unsigned char)s[i + 1] == 0x80 &&
        ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94)) {
      /* en dash, em dash */
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
  if (strncmp(rest, "in ", 3) == 0 || strncmp(rest, "In ", 3) == 0) rest += 3;

  /* Strict EDTF first, but never the YYYY-NN season trap.  When the input
   * looks like EDTF and no friendly form reads it either, the strict
   * parser's reason is the useful message. */
  if (!is_span_trap(rest) && att_edtf_parse(rest, b, edtf, cap) == 0) return 0;
  looks_edtf = rest[0] != '\0' && strspn(rest, "0123456789-/.:?~%XYZT+") == strlen(rest);
  if (looks_edtf) snprintf(strict_msg, sizeof strict_msg, "%s", att_errmsg());
  att__errclear();

  /* Words: lower case, commas dropped, "the" and "of" skipped. */
  for (i = 0; rest[i]; i++) low[i] = (char)tolower((unsigned char)rest[i]);
  low[i] = '\0';
  for (p = low; *p; p++)
    if (*p == ',') *p = ' ';
  for (p = strtok(low, " "); p; p = strtok(NULL, " ")) {
    if (strcmp(p, "the") == 0 || strcmp(p, "of") == 0) continue;
    if (strcmp(p, "-") == 0) p = (char *)"to"; /* "2024 - 2028" */
    if (n == MAXTOK) return unreadable(&c, "too many words");
    tok[n++] = p;
  }
  /* "mid-2024", "early-2024" */
  if (n == 1 && (strncmp(tok[0], "early-", 6) == 0 || strncmp(tok[0], "mid-", 4) == 0 ||
                 strncmp(tok[0], "late-", 5) == 0)) {
    p = strchr(tok[0], '-');
    *p = '\0';
    tok[1] = p + 1;
    n = 2;
  }
  if (c.ry < 1 || c.ry > 9998)
    return att__err(ATT_EINVAL, "cannot read the date: the reference date is "
                                "outside the years 0001 to 9998");
  rc = words(&c, tok, n);
  if (rc != 0 && looks_edtf && strstr(att_errmsg(), "accepted forms:"))
    return att__err(ATT_EINVAL, "%s", strict_msg);
  return rc;
}
