/*
 * Fuzz harness for cron schedules (att_cron_parse, att_cron_next).
 *
 * Input: an optional "Z:" prefix (Z a digit) choosing the time zone (0 UTC,
 * 1 Europe/Paris, 2 America/New_York, 3 Australia/Lord_Howe, whose
 * daylight-saving shift is half an hour), an optional "@SECONDS:" start
 * (default 2024-03-01T00:00:00Z), then the expression.
 * Properties: once parsed, the successive firing times are strictly
 * increasing, each after the start, and each is a minute whose local time
 * matches the expression by a brute check of the broken-down time (or, in
 * a spring-forward gap, the first minute after a gap that swallowed a
 * matching minute); att_cron_upcoming agrees with chained att_cron_next;
 * in UTC no matching minute is skipped before the first firing (checked
 * when it is within two days).
 */
#include "fuzz.h"

#include <time.h>

#include "cron.h"
#include "error.h"

#define STEPS 8

static const char *const zones[] = {"UTC0", "Europe/Paris", "America/New_York",
                                    "Australia/Lord_Howe"};

/* The expression's verdict on a broken-down civil time (seconds ignored). */
static int civil_match(const att_cron *c, const struct tm *tm) {
  int mday_ok = (c->mdays >> tm->tm_mday) & 1;
  int wday_ok = (c->wdays >> tm->tm_wday) & 1;
  int day;
  if (!((c->minutes >> tm->tm_min) & 1) || !((c->hours >> tm->tm_hour) & 1) ||
      !((c->months >> (tm->tm_mon + 1)) & 1))
    return 0;
  if (!(c->flags & ATT_CRON_MDAY_ANY) && !(c->flags & ATT_CRON_WDAY_ANY))
    day = mday_ok || wday_ok;
  else
    day = mday_ok && wday_ok;
  return day;
}

/* Civil time of instant t as seconds on a UTC scale ("wall clock"). */
static int64_t wall(att_time t, struct tm *out) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (!localtime_r(&tt, &tm)) abort();
  if (out) *out = tm;
  return (int64_t)timegm(&tm);
}

static int fires_ok(const att_cron *c, att_time t) {
  struct tm tm;
  int64_t w = wall(t, &tm), wp = wall(t - 60, NULL), s;
  if (tm.tm_sec == 0 && civil_match(c, &tm)) return 1;
  /* A spring-forward gap just before t: the skipped civil minutes fire at
   * the first minute after it when the hour is restricted. */
  if (w - wp > 60 && !(c->flags & ATT_CRON_HOUR_ANY)) {
    for (s = wp - wp % 60 + 60; s < w; s += 60) {
      time_t st = (time_t)s;
      struct tm g;
      if (gmtime_r(&st, &g) && civil_match(c, &g)) return 1;
    }
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  att_time start = 1709251200; /* 2024-03-01T00:00:00Z */
  att_time next[STEPS], up[STEPS], after;
  int zone = 0, rc, i, n = 0, nu;
  att_cron c;
  char *s;

  if (size >= 2 && data[0] >= '0' && data[0] <= '9' && data[1] == ':') {
    zone = (data[0] - '0') % 4;
    data += 2;
    size -= 2;
  }
  fuzz_at_prefix(&data, &size, &start);
  s = fuzz_str(data, size);
  setenv("TZ", zones[zone], 1);
  tzset();

  rc = att_cron_parse(s, &c);
  if (rc != 0) {
    FUZZ_CHECK(rc == ATT_EINVAL, "\"%s\": unexpected code %d", s, rc);
    FUZZ_CHECK(att_errmsg()[0] != '\0', "\"%s\": refused without a message", s);
    goto out;
  }
  for (after = start; n < STEPS; n++) {
    rc = att_cron_next(&c, after, &next[n]);
    if (rc != 0) {
      FUZZ_CHECK(rc == ATT_ENOTFOUND || rc == ATT_ERANGE,
                 "\"%s\" after %lld: unexpected code %d", s, (long long)after, rc);
      FUZZ_CHECK(att_errmsg()[0] != '\0', "\"%s\": failed without a message", s);
      break;
    }
    FUZZ_CHECK(next[n] > after, "\"%s\" (TZ %s): next after %lld is %lld", s,
               zones[zone], (long long)after, (long long)next[n]);
    FUZZ_CHECK(fires_ok(&c, next[n]), "\"%s\" (TZ %s): fires at %lld, which "
               "does not match", s, zones[zone], (long long)next[n]);
    after = next[n];
  }
  nu = att_cron_upcoming(&c, start, up, STEPS);
  if (n > 0) {
    FUZZ_CHECK(nu == n, "\"%s\": upcoming gives %d times, next gives %d", s, nu, n);
    for (i = 0; i < n; i++)
      FUZZ_CHECK(up[i] == next[i], "\"%s\": upcoming[%d] %lld != next %lld", s, i,
                 (long long)up[i], (long long)next[i]);
  } else {
    FUZZ_CHECK(nu <= 0, "\"%s\": upcoming gives %d times, next none", s, nu);
  }
  /* In UTC nothing may be skipped before the first firing. */
  if (zone == 0 && n > 0 && next[0] - start <= 2 * 86400) {
    att_time t;
    for (t = start - ((start % 60) + 60) % 60 + 60; t < next[0]; t += 60) {
      time_t tt = (time_t)t;
      struct tm g;
      if (!gmtime_r(&tt, &g)) abort();
      FUZZ_CHECK(!civil_match(&c, &g), "\"%s\": %lld matches but the first "
                 "firing after %lld is %lld", s, (long long)t, (long long)start,
                 (long long)next[0]);
    }
  }
out:
  free(s);
  return 0;
}
