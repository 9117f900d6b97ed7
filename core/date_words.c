/*
 * The words of friendly dates: month and weekday names, days, years,
 * small numbers and ordinals, as the friendly reader (date_friendly.c and
 * its phrase files) finds them in lower-cased input.
 */
#include "date_int.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *const att__month_names[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

static const char *const wday_names[7] = {"monday", "tuesday", "wednesday", "thursday",
                                          "friday", "saturday", "sunday"};

int att__all_digits(const char *t, size_t n) {
  size_t i;
  if (strlen(t) != n) return 0;
  for (i = 0; i < n; i++)
    if (!isdigit((unsigned char)t[i])) return 0;
  return 1;
}

int att__is(const char *t, const char *const *set) {
  for (; *set; set++)
    if (strcmp(t, *set) == 0) return 1;
  return 0;
}

/* A name in full, or its first three letters (four for "sept", "tues",
 * "thur", "thurs"), optionally with a final dot. */
static int name_of(const char *t, const char *const *names, int count) {
  size_t n = strlen(t);
  int i;
  if (n > 0 && t[n - 1] == '.') n--;
  if (n < 3) return 0;
  for (i = 0; i < count; i++) {
    size_t full = strlen(names[i]);
    char low[12];
    size_t k;
    for (k = 0; k < full && k < sizeof low - 1; k++) low[k] = (char)tolower((unsigned char)names[i][k]);
    low[k] = '\0';
    if (n == full && strncmp(t, low, n) == 0) return i + 1;
    if (n == 3 && strncmp(t, low, 3) == 0) return i + 1;
  }
  return 0;
}

int att__month_of(const char *t) {
  size_t n = strlen(t);
  if (n > 0 && t[n - 1] == '.') n--;
  if (n == 4 && strncmp(t, "sept", 4) == 0) return 9;
  return name_of(t, att__month_names, 12);
}

int att__wday_of(const char *t) {
  size_t n = strlen(t);
  if (n > 0 && t[n - 1] == '.') n--;
  if ((n == 4 && strncmp(t, "tues", 4) == 0)) return 2;
  if ((n == 4 && strncmp(t, "thur", 4) == 0) || (n == 5 && strncmp(t, "thurs", 5) == 0)) return 4;
  return name_of(t, wday_names, 7);
}

int att__day_of(const char *t) {
  int v = 0, k = 0;
  while (isdigit((unsigned char)t[k]) && k < 3) v = v * 10 + (t[k++] - '0');
  if (k == 0 || k > 2) return 0;
  if (t[k] && strcmp(t + k, "st") && strcmp(t + k, "nd") && strcmp(t + k, "rd") &&
      strcmp(t + k, "th"))
    return 0;
  return v >= 1 && v <= 31 ? v : 0;
}

int att__year_of(const char *t, int64_t *y) {
  int neg = t[0] == '-';
  const char *d = t + neg;
  if (!att__all_digits(d, 4)) return 0;
  *y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
  if (neg) {
    if (*y == 0) return 0;
    *y = -*y;
  }
  return 1;
}

int att__number_of(const char *t) {
  static const char *const w[] = {"one", "two",   "three", "four",  "five",  "six",
                                  "seven", "eight", "nine", "ten", "eleven", "twelve"};
  int i, v = 0;
  if (strcmp(t, "a") == 0 || strcmp(t, "an") == 0) return 1;
  for (i = 0; i < 12; i++)
    if (strcmp(t, w[i]) == 0) return i + 1;
  for (i = 0; t[i]; i++) {
    if (!isdigit((unsigned char)t[i]) || i >= 3) return 0;
    v = v * 10 + (t[i] - '0');
  }
  return v;
}

int att__ordinal_of(const char *t) {
  static const char *const w[] = {"first", "second", "third", "fourth"};
  static const char *const d[] = {"1st", "2nd", "3rd", "4th"};
  int i;
  for (i = 0; i < 4; i++)
    if (strcmp(t, w[i]) == 0 || strcmp(t, d[i]) == 0) return i + 1;
  return 0;
}

int64_t att__day_number(int64_t y, int m, int d) { return att_days_from_civil(y, m, d); }

int att__weekday(int64_t day) {
  /* 1970-01-01 was a Thursday (4). */
  int64_t r = (day + 3) % 7;
  if (r < 0) r += 7;
  return (int)r + 1;
}

void att__put_day(char *e, size_t cap, int64_t day) {
  int64_t y;
  int m, d;
  att_civil_from_days(day, &y, &m, &d);
  snprintf(e, cap, "%s%04lld-%02d-%02d", y < 0 ? "-" : "", (long long)(y < 0 ? -y : y), m, d);
}

int att__edtf_ok(const char *e, att_bounds *b) { return att_edtf_parse(e, b, NULL, 0) == 0; }
