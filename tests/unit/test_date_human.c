/*
 * The print-reread property of dates (issue 14): every human reading that
 * att_date_human() prints, typed back into the friendly reader, gives the
 * same EDTF; so does the EDTF the program echoes in brackets.  Checked
 * over generated values of every shape strict EDTF and the friendly forms
 * produce: years, months, days, times with and without zones, groupings
 * 21-41, X digits, Y-years, negative years, qualifiers, intervals with
 * open and unknown ends, thirds, spans, ranges, fiscal years.  Prints the
 * counts; any mismatch fails.  The generator is a fixed-seed xorshift, so
 * a failure is reproducible.
 */
#include "date.h"
#include "date_int.h"
#include "error.h"
#include "tap.h"
#include "testutil.h"

#include <stdio.h>
#include <string.h>

/* Values read back: a quarter under valgrind (tu_light). */
static long n_values = 120000;

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rnd(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return rng_state = x;
}

static int pick(int n) { return (int)(rnd() % (uint64_t)n); }

/* A year: mostly modern, sometimes any four digits or negative. */
static int64_t gen_year(int allow_neg) {
  int k = pick(10);
  if (k < 6) return 1900 + pick(200);
  if (k < 9 || !allow_neg) return pick(10000);
  return -1 - pick(9999);
}

static int yput(char *s, size_t cap, int64_t y) {
  return snprintf(s, cap, "%s%04lld", y < 0 ? "-" : "", (long long)(y < 0 ? -y : y));
}

static const char quals[4] = {0, '~', '?', '%'};

/* Shapes, for the counts. */
enum { S_YEAR, S_MONTH, S_DAY, S_TIME, S_GROUP, S_XYEAR, S_XPART, S_YYEAR, S_PAIR, S_SPAN,
       S_THIRD, S_MTHIRD, S_DTHIRD, S_DRANGE, S_MRANGE, S_OPEN, S_UNKNOWN, S_FRIENDLY, S_COUNT };
static const char *const shape_names[S_COUNT] = {
    "year", "month", "day", "time", "grouping 21-41", "X year", "X month/day", "Y year",
    "interval of two points", "span of years", "third of a year", "third of a month",
    "third of a decade", "range of days", "range of months", "open end", "unknown end",
    "friendly phrase"};
/* Shapes whose wording may be the EDTF itself. */
static const int may_be_edtf[S_COUNT] = {[S_XPART] = 1, [S_YYEAR] = 1, [S_XYEAR] = 1,
                                         [S_PAIR] = 1, [S_OPEN] = 1, [S_UNKNOWN] = 1,
                                         [S_FRIENDLY] = 1};

/* One point (not a Y-year) into s; returns its shape. */
static int gen_point(char *s, size_t cap) {
  int k = pick(16), n;
  int64_t y = gen_year(1);
  int m = 1 + pick(12), d;
  char q = quals[pick(4)];
  d = 1 + pick(att_days_in_month(y, m));
  if (k < 3) {
    n = yput(s, cap, y);
    if (q) snprintf(s + n, cap - (size_t)n, "%c", q);
    return S_YEAR;
  }
  if (k < 6) {
    n = yput(s, cap, y);
    snprintf(s + n, cap - (size_t)n, "-%02d%s", m, q ? (char[2]){q, 0} : "");
    return S_MONTH;
  }
  if (k < 9) {
    n = yput(s, cap, y);
    snprintf(s + n, cap - (size_t)n, "-%02d-%02d%s", m, d, q ? (char[2]){q, 0} : "");
    return S_DAY;
  }
  if (k < 11) {
    static const int offs[] = {0, 60, 420, 540, 330, -300, -720, 840, 345, -30};
    int h = pick(24), mi = pick(4) ? pick(60) : 0, se = pick(2) ? 0 : pick(60), tz = pick(3);
    char frac[16] = "";
    if (y < 0) y = -y;
    d = 1 + pick(att_days_in_month(y, m));
    if (pick(10) == 0) snprintf(frac, sizeof frac, ".%0*d", 1 + pick(3), pick(100));
    if (pick(50) == 0) { h = 24; mi = se = 0; frac[0] = '\0'; }
    n = yput(s, cap, y);
    n += snprintf(s + n, cap - (size_t)n, "-%02d-%02dT%02d:%02d:%02d%s", m, d, h, mi, se, frac);
    if (tz == 1) snprintf(s + n, cap - (size_t)n, "Z");
    if (tz == 2) {
      int o = offs[pick(10)], a = o < 0 ? -o : o;
      snprintf(s + n, cap - (size_t)n, "%c%02d:%02d", o < 0 ? '-' : '+', a / 60, a % 60);
    }
    return S_TIME;
  }
  if (k < 13) {
    n = yput(s, cap, y);
    snprintf(s + n, cap - (size_t)n, "-%02d%s", 21 + pick(21), q ? (char[2]){q, 0} : "");
    return S_GROUP;
  }
  if (k < 15) {
    static const char *const xs[] = {"X", "XX"};
    int64_t a = y < 0 ? -y : y;
    if (pick(8) == 0) { snprintf(s, cap, "XXXX"); return S_XYEAR; }
    snprintf(s, cap, "%s%0*lld%s", y < 0 ? "-" : "", pick(2) ? 3 : 2,
             (long long)(pick(2) ? a / 10 : a / 100), "");
    if (strlen(s) - (y < 0) == 3) strcat(s, xs[0]);
    else strcat(s, xs[1]);
    return S_XYEAR;
  }
  {
    static const char *const forms[] = {"%04lld-XX", "%04lld-%02d-XX", "%04lld-XX-XX",
                                        "XXXX-XX", "XXXX-XX-XX"};
    int f = pick(5);
    snprintf(s, cap, forms[f], (long long)(y < 0 ? -y : y), m);
    return S_XPART;
  }
}

/* One value of any shape into s; returns its shape. */
static int gen_value(char *s, size_t cap) {
  int k = pick(20), shape;
  int64_t y = gen_year(0);
  char a[64], b[64];
  att_bounds ba, bb;
  switch (k) {
  case 0:
    snprintf(s, cap, "Y%s%lld", pick(2) ? "-" : "", (long long)(10000 + (int64_t)(rnd() % 1000000000000u)));
    return S_YYEAR;
  case 1: case 2:
    if (pick(2)) {
      gen_point(a, sizeof a);
      gen_point(b, sizeof b);
      if (att_edtf_parse(a, &ba, NULL, 0) || att_edtf_parse(b, &bb, NULL, 0)) return -1;
      if (bb.earliest < ba.earliest) snprintf(s, cap, "%s/%s", b, a);
      else snprintf(s, cap, "%s/%s", a, b);
      return S_PAIR;
    }
    /* two points of the same year, the shapes people mean */
    snprintf(s, cap, "%04lld-%02d%c/%04lld-%02d%c", (long long)y, 1 + pick(6), quals[pick(4)],
             (long long)y, 7 + pick(6), quals[pick(4)]);
    return S_PAIR;
  case 3:
    snprintf(s, cap, "%04lld/%04lld", (long long)y, (long long)(y + pick(30) > 9999 ? 9999 : y + pick(30)));
    return S_SPAN;
  case 4: {
    static const int first[3] = {1, 5, 9};
    int t = pick(3);
    snprintf(s, cap, "%04lld-%02d~/%04lld-%02d~", (long long)y, first[t], (long long)y, first[t] + 3);
    return S_THIRD;
  }
  case 5: {
    int m = 1 + pick(12), t = pick(3), d0 = 1 + 10 * t;
    int d1 = t == 2 ? att_days_in_month(y, m) : d0 + 9;
    snprintf(s, cap, "%04lld-%02d-%02d~/%04lld-%02d-%02d~", (long long)y, m, d0, (long long)y, m, d1);
    return S_MTHIRD;
  }
  case 6: {
    int64_t dec = y - y % 10;
    static const int o[3][2] = {{0, 3}, {4, 6}, {7, 9}};
    int t = pick(3);
    if (dec % 100 == 0) dec += 10;
    snprintf(s, cap, "%04lld~/%04lld~", (long long)(dec + o[t][0]), (long long)(dec + o[t][1]));
    return S_DTHIRD;
  }
  case 7: {
    int m = 1 + pick(12), dim = att_days_in_month(y, m), d0 = 1 + pick(dim), d1 = d0 + pick(dim - d0 + 1);
    snprintf(s, cap, "%04lld-%02d-%02d/%04lld-%02d-%02d", (long long)y, m, d0, (long long)y, m, d1);
    return S_DRANGE;
  }
  case 8: {
    int m0 = 1 + pick(12), m1 = m0 + pick(13 - m0);
    snprintf(s, cap, "%04lld-%02d/%04lld-%02d", (long long)y, m0, (long long)y, m1);
    return S_MRANGE;
  }
  case 9:
    gen_point(a, sizeof a);
    if (pick(2)) snprintf(s, cap, "%s/..", a);
    else snprintf(s, cap, "../%s", a);
    return S_OPEN;
  case 10:
    gen_point(a, sizeof a);
    if (pick(2)) snprintf(s, cap, "%s/", a);
    else snprintf(s, cap, "/%s", a);
    return S_UNKNOWN;
  case 11: case 12: {
    /* what the friendly phrases produce, from a random reference date */
    static const char *const phrases[] = {
        "next week", "this week", "in %d days", "in %d weeks", "in %d months", "within %d weeks",
        "within %d days", "later this year", "within this month", "by end of March",
        "by end of %d", "end of March %d", "end of %d", "next Tuesday", "last Friday",
        "FY%d", "H2 FY%d", "Q3 FY%d", "autumn %d", "winter %d", "early %d", "mid %d",
        "late %d", "around 20 May %d", "c. %d", "before %d", "since %d", "after %d",
        "%d to unknown", "early next year", "15-17 March %d", "Jan-Mar %d", "by mid-%d",
        "late %d0s", "%d0s", "%dth century", "18 Dec %d 10:00 Asia/Phnom_Penh",
        "1 Jul %d 10:00 Europe/London", "today", "3 days ago", "in November"};
    att_date_ctx c;
    char in[80];
    const char *p = phrases[pick((int)(sizeof phrases / sizeof *phrases))];
    int v = strstr(p, "%d0s") ? 120 + pick(80) : strstr(p, "th century") ? 11 + pick(9)
            : strstr(p, "days") || strstr(p, "weeks") || strstr(p, "months") ? 1 + pick(30)
            : (int)(1900 + pick(200));
    att_date_ctx_init(&c, (att_time)(rnd() % 8000000000u) - 2000000000);
    snprintf(in, sizeof in, p, v);
    if (att_date_read(in, &c, s, cap, NULL) != 0) return -1;
    return S_FRIENDLY;
  }
  default:
    shape = gen_point(s, cap);
    return shape;
  }
}

int main(void) {
  long count[S_COUNT] = {0}, as_edtf[S_COUNT] = {0};
  long total = 0, mismatch = 0, bracket_bad = 0, bare_same = 0, bare_refused = 0,
       bare_trap = 0, bare_other = 0, nice_edtf_bad = 0, settings_bad = 0, skipped = 0;
  int shown = 0;
  char raw[ATT_DATE_MAX], canon[ATT_DATE_MAX], human[ATT_DATE_HUMAN_MAX],
      nice[ATT_DATE_HUMAN_MAX], back[ATT_DATE_MAX], br[ATT_DATE_MAX + 2];
  att_date_ctx c;

  if (tu_light()) n_values = 30000;
  while (total < n_values) {
    int shape = gen_value(raw, sizeof raw);
    att_time ref = (att_time)(rnd() % 8000000000u) - 2000000000; /* 1906 to 2159 */
    if (shape < 0 || att_edtf_parse(raw, NULL, canon, sizeof canon) != 0) {
      skipped++;
      att__errclear();
      continue;
    }
    total++;
    count[shape]++;
    if (att_date_human(canon, human, sizeof human) != 0) {
      if (shown++ < 10) printf("# no human reading of %s: %s\n", canon, att_errmsg());
      mismatch++;
      continue;
    }
    att_date_ctx_init(&c, ref);
    if (att_date_read(human, &c, back, sizeof back, NULL) != 0 || strcmp(back, canon) != 0) {
      if (shown++ < 10) printf("# %s -> \"%s\" -> %s\n", canon, human, back);
      mismatch++;
    }
    /* The wording before the safety net: only some shapes may need it. */
    att__date_human_nice(canon, nice, sizeof nice);
    if (strcmp(nice, human) != 0) {
      as_edtf[shape]++;
      if (!may_be_edtf[shape]) {
        nice_edtf_bad++;
        if (shown++ < 10) printf("# %s: the wording \"%s\" does not read back; shown as %s\n", canon, nice, human);
      }
    }
    /* The echo's EDTF, in brackets, alone and after the words. */
    snprintf(br, sizeof br, "[%s]", canon);
    if (att_date_read(br, &c, back, sizeof back, NULL) != 0 || strcmp(back, canon) != 0) bracket_bad++;
    {
      char both[ATT_DATE_HUMAN_MAX + ATT_DATE_MAX];
      if (att_date_human_edtf(canon, both, sizeof both) != 0 ||
          att_date_read(both, &c, back, sizeof back, NULL) != 0 || strcmp(back, canon) != 0) {
        bracket_bad++;
        if (shown++ < 10) printf("# \"%s\" does not read back as %s\n", both, canon);
      }
    }
    /* Bare EDTF: the same, refused, or the documented YYYY-NN span. */
    if (att_date_read(canon, &c, back, sizeof back, NULL) != 0) {
      bare_refused++;
    } else if (strcmp(back, canon) == 0) {
      bare_same++;
    } else if (strlen(canon) == 7 && canon[4] == '-' && strchr(back, '/')) {
      bare_trap++;
    } else {
      bare_other++;
      if (shown++ < 10) printf("# bare %s reads as %s\n", canon, back);
    }
    /* Readings do not depend on the settings (but seasons 21-24). */
    {
      att__edtf v;
      int season = att__edtf_decode(canon, &v) == 0 &&
                   ((v.a.prec == ATT__P_GROUP && v.a.month <= 24) ||
                    (v.interval && v.b.prec == ATT__P_GROUP && v.b.month <= 24));
      att_date_ctx_init(&c, ref);
      c.hemisphere = 'S';
      c.day_first = 0;
      c.fiscal_start = 10;
      c.fiscal_by_end = 1;
      c.tz = "Asia/Tokyo";
      if (!season && (att_date_read(human, &c, back, sizeof back, NULL) != 0 || strcmp(back, canon) != 0)) {
        settings_bad++;
        if (shown++ < 10) printf("# with settings, \"%s\" (%s) reads as %s\n", human, canon, back);
      }
    }
    att__errclear();
  }
  {
    int i;
    printf("# %ld values (%ld generated and not valid EDTF, skipped)\n", total, skipped);
    for (i = 0; i < S_COUNT; i++)
      printf("#   %-24s %7ld, by the safety net %ld\n", shape_names[i], count[i], as_edtf[i]);
    printf("# bare EDTF typed back: %ld the same, %ld refused, %ld read as a span of years "
           "(YYYY-NN), %ld otherwise\n", bare_same, bare_refused, bare_trap, bare_other);
  }
  ok(total >= n_values, "at least %ld values (%ld)", n_values, total);
  {
    int i, all = 1;
    for (i = 0; i < S_COUNT; i++) all &= count[i] > 0;
    ok(all, "every shape is generated");
  }
  is_int(mismatch, 0, "every human reading reads back to the same EDTF");
  is_int(nice_edtf_bad, 0, "every value with a wording of its own is shown in words");
  is_int(bracket_bad, 0, "every EDTF in brackets, alone or after its reading, reads back to itself");
  is_int(bare_other, 0, "bare EDTF reads back to itself, is refused, or is a YYYY-NN span");
  is_int(settings_bad, 0, "no reading depends on the settings (seasons 21-24 aside)");
  {
    char both[ATT_DATE_HUMAN_MAX + ATT_DATE_MAX], back2[ATT_DATE_MAX];
    att_date_human_edtf("2024-35", both, sizeof both);
    is_str(both, "Q3 2024 [2024-35]", "a reading with its EDTF");
    att_date_human_edtf("2024-05-XX", both, sizeof both);
    is_str(both, "[2024-05-XX]", "an EDTF that is its own reading, once");
    att_date_ctx_init(&c, 0);
    is_int(att_date_read("Q2 2024 [2024-35]", &c, back2, sizeof back2, NULL), ATT_EINVAL,
           "words that say another date than the brackets are refused");
    ok(strstr(att_errmsg(), "do not read as [2024-35]") != NULL, "... saying so: %s", att_errmsg());
  }
  return done_testing();
}
