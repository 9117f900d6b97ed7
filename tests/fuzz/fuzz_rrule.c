/*
 * Fuzz harness for recurrence rules (att_rrule_parse, att_recur_next).
 *
 * Input: an optional "@SECONDS:" prefix giving dtstart (default
 * 2024-01-15T09:30:00Z), then the rule.
 * Properties: the canonical text of an accepted rule parses to itself and
 * to the same rule; occurrences from just before dtstart start at dtstart,
 * strictly increase, fall at dtstart's UTC time of day, in a month BYMONTH
 * allows, no later than UNTIL, and no more than COUNT of them;
 * att_recur_upcoming agrees with chained att_recur_next.
 */
#include "fuzz.h"

#include "date.h"
#include "error.h"
#include "recur.h"
#include "rrule.h"

#define STEPS 12
#define CANON_MAX 1024

static int byday_cmp(const void *a, const void *b) {
  int x, y;
  x = ((const int8_t *)a)[0] * 8 + ((const uint8_t *)a)[1];
  y = ((const int8_t *)b)[0] * 8 + ((const uint8_t *)b)[1];
  return (x > y) - (x < y);
}

/* The same rule, whatever the order of its BYDAY list. */
static int same_rule(const att_rrule *a, const att_rrule *b) {
  att_rrule x = *a, y = *b;
  int i;
  if (x.freq != y.freq || x.interval != y.interval || x.count != y.count ||
      x.has_until != y.has_until || x.bymonth != y.bymonth ||
      x.bymonthday != y.bymonthday || x.bymonthday_neg != y.bymonthday_neg ||
      x.nbyday != y.nbyday)
    return 0;
  if (x.has_until && (x.until != y.until || x.until_date != y.until_date)) return 0;
  qsort(x.byday, (size_t)x.nbyday, sizeof x.byday[0], byday_cmp);
  qsort(y.byday, (size_t)y.nbyday, sizeof y.byday[0], byday_cmp);
  for (i = 0; i < x.nbyday; i++)
    if (x.byday[i].ord != y.byday[i].ord || x.byday[i].wday != y.byday[i].wday)
      return 0;
  return 1;
}

static int64_t day_of(att_time t) {
  int64_t d = t / 86400;
  if (t % 86400 < 0) d--;
  return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  att_time dtstart = 1705311000; /* 2024-01-15T09:30:00Z */
  att_time occ[STEPS], chain[STEPS], after;
  char *s, *c1 = malloc(CANON_MAX), *c2 = malloc(CANON_MAX);
  att_rrule r1, r2;
  int rc, n, i, nc = 0;
  if (c1 == NULL || c2 == NULL) abort();
  fuzz_at_prefix(&data, &size, &dtstart);
  s = fuzz_str(data, size);

  rc = att_rrule_parse(s, &r1, c1, CANON_MAX);
  if (rc != 0) {
    FUZZ_CHECK(rc == ATT_EINVAL || rc == ATT_ERANGE, "\"%s\": unexpected code %d", s, rc);
    FUZZ_CHECK(att_errmsg()[0] != '\0', "\"%s\": refused without a message", s);
    goto out;
  }
  rc = att_rrule_parse(c1, &r2, c2, CANON_MAX);
  FUZZ_CHECK(rc == 0, "\"%s\" -> canonical \"%s\" is refused: %s", s, c1, att_errmsg());
  FUZZ_CHECK(strcmp(c1, c2) == 0, "\"%s\": canonical \"%s\" prints as \"%s\"", s, c1, c2);
  FUZZ_CHECK(same_rule(&r1, &r2), "\"%s\": canonical \"%s\" is another rule", s, c1);

  n = att_recur_upcoming(&r1, dtstart, dtstart - 1, occ, STEPS);
  if (n < 0) {
    FUZZ_CHECK(n == ATT_EINVAL || n == ATT_ERANGE, "\"%s\" at %lld: code %d", s,
               (long long)dtstart, n);
    FUZZ_CHECK(att_errmsg()[0] != '\0', "\"%s\": failed without a message", s);
    goto out;
  }
  FUZZ_CHECK(n >= 1 && occ[0] == dtstart, "\"%s\": the first of %d occurrences "
             "is not dtstart %lld", s, n, (long long)dtstart);
  if (r1.count > 0)
    FUZZ_CHECK(n <= r1.count, "\"%s\": %d occurrences, COUNT=%d", s, n, r1.count);
  for (i = 1; i < n; i++) {
    int64_t y;
    int m, d;
    FUZZ_CHECK(occ[i] > occ[i - 1], "\"%s\": occurrence %d (%lld) is not after "
               "%lld", s, i, (long long)occ[i], (long long)occ[i - 1]);
    FUZZ_CHECK((occ[i] - dtstart) % 86400 == 0, "\"%s\": occurrence %lld is not "
               "at dtstart's time of day", s, (long long)occ[i]);
    if (r1.has_until)
      FUZZ_CHECK(occ[i] <= r1.until, "\"%s\": occurrence %lld after UNTIL %lld", s,
                 (long long)occ[i], (long long)r1.until);
    att_civil_from_days(day_of(occ[i]), &y, &m, &d);
    if (r1.bymonth)
      FUZZ_CHECK((r1.bymonth >> m) & 1, "\"%s\": occurrence %lld in month %d", s,
                 (long long)occ[i], m);
    if (r1.bymonthday && !r1.bymonthday_neg && !r1.nbyday)
      FUZZ_CHECK((r1.bymonthday >> d) & 1, "\"%s\": occurrence %lld on day %d", s,
                 (long long)occ[i], d);
  }
  for (after = dtstart - 1; nc < n; nc++) {
    rc = att_recur_next(&r1, dtstart, after, &chain[nc]);
    FUZZ_CHECK(rc == 0 && chain[nc] == occ[nc], "\"%s\": next #%d is %lld (rc %d), "
               "upcoming says %lld", s, nc, (long long)chain[nc], rc, (long long)occ[nc]);
    after = chain[nc];
  }
out:
  free(c1);
  free(c2);
  free(s);
  return 0;
}
