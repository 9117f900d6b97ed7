/*
 * gen: realistic synthetic diplomatic events for the benchmarks, the same
 * ones for the same N and seed.
 *
 *   gen N [--seed S] [--icews FILE] [--format jsonl|remind]
 *   gen --queries K [--seed S] [--icews FILE]
 *
 * jsonl   N events as JSON Lines (the input of `attache import`, about 400
 *         bytes a line).
 * remind  the same N events as a Remind file: two REM lines per event, 7
 *         days and 1 day before the first day the event could start (the
 *         equivalent of at.remind{before = {"7d", "1d"}}).
 * queries K random window+actor queries, one a line: actor, from and to in
 *         seconds since the epoch, from and to in RFC 3339.
 *
 * The skew comes from the real ICEWS sample (--icews, default
 * ../shared/data/icews-2018-sample.tab from the source tree): every event
 * is built on one row of it drawn at random, so its actors (the source and
 * target countries, paired as in the real data), its kind (mapped from the
 * CAMEO code) and its place (the city) have the real shares: India is in
 * about 19% of the events, the United States 10%, North Korea 6.5%, then a
 * long tail of 148 countries.  Without the file, a table of the top counts
 * (measured once on that file) stands in.
 *
 * Dates run over the 30 years 1997-2026; about a third are fuzzy (months,
 * quarters, early/mid/late thirds of a year or a month, approximate ~, whole
 * years), 5% are periods of one to five years (a few open-ended), the rest
 * days (some with a time of day).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- random numbers: splitmix64 ---------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd64(void) {
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
static double rndf(void) { return (double)(rnd64() >> 11) / 9007199254740992.0; }
static int rndi(int n) { return (int)(rndf() * n); }
static int chance(double p) { return rndf() < p; }

/* ---- calendar ------------------------------------------------------------ */

static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int days_in_month(int y, int m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return dm[m - 1];
}

#define YEAR0 1997
#define YEARS 30
/* "Now" for statuses: events after it are to come. */
#define NOW_DAY days_from_civil(2025, 7, 1)

/* ---- the real sample ------------------------------------------------------ */

typedef struct row {
  int src, dst;  /* country index, -1 for none */
  int kind;      /* index in kinds[] */
  char *city;    /* NULL for none */
} row;

static const char *const kinds[] = {"meeting", "visit", "call", "talks",
                                    "agreement", "policy", "anniversary",
                                    "statement", "election", "deployment",
                                    "other"};
enum { K_MEETING, K_VISIT, K_CALL, K_TALKS, K_AGREEMENT, K_POLICY,
       K_ANNIV, K_STATEMENT, K_ELECTION, K_DEPLOY, K_OTHER };

static char **countries;
static long *ccount;
static int ncountries;
static row *rows;
static int nrows;
/* cumulative counts of countries, for a draw with the real skew */
static long *ccum;
static long ctotal;

/* The CAMEO code of a row to a kind. */
static int kind_of(const char *c) {
  if (!strcmp(c, "036")) return K_MEETING;
  if (!strcmp(c, "041")) return K_CALL;  /* discuss by telephone */
  if (!strcmp(c, "042") || !strcmp(c, "043")) return K_VISIT;
  if (!strcmp(c, "044")) return K_MEETING;
  if (!strncmp(c, "057", 3)) return K_AGREEMENT;
  if (!strncmp(c, "06", 2)) return K_AGREEMENT;
  if (!strncmp(c, "03", 2) || !strncmp(c, "04", 2)) return K_TALKS;
  if (!strncmp(c, "07", 2) || !strncmp(c, "08", 2)) return K_POLICY;
  if (c[0] == '0' || !strncmp(c, "10", 2) || !strncmp(c, "11", 2) ||
      !strncmp(c, "12", 2) || !strncmp(c, "13", 2) || !strncmp(c, "14", 2))
    return K_STATEMENT;
  if (!strncmp(c, "15", 2) || !strncmp(c, "19", 2) || !strncmp(c, "20", 2)) return K_DEPLOY;
  if (c[0] == '1') return K_STATEMENT;
  return K_OTHER;
}

static int country(const char *name) {
  if (!strcmp(name, "NA") || !*name)
    return -1;
  for (int i = 0; i < ncountries; i++)
    if (!strcmp(countries[i], name)) {
      ccount[i]++;
      return i;
    }
  countries = realloc(countries, (ncountries + 1) * sizeof *countries);
  ccount = realloc(ccount, (ncountries + 1) * sizeof *ccount);
  countries[ncountries] = strdup(name);
  ccount[ncountries] = 1;
  return ncountries++;
}

static int load_icews(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f)
    return -1;
  char line[8192];
  int first = 1;
  while (fgets(line, sizeof line, f)) {
    if (first) { first = 0; continue; }
    char *col[20] = {0};
    int n = 0;
    char *p = line;
    col[n++] = p;
    for (; *p && n < 20; p++)
      if (*p == '\t') { *p = 0; col[n++] = p + 1; }
    if (n < 16)
      continue;
    char *nl = strchr(col[n - 1], '\n');
    if (nl) *nl = 0;
    rows = realloc(rows, (nrows + 1) * sizeof *rows);
    row *r = &rows[nrows++];
    r->src = country(col[4]);
    r->dst = country(col[10]);
    if (r->dst == r->src) r->dst = -1;
    r->kind = kind_of(col[6]);
    r->city = strcmp(col[14], "NA") ? strdup(col[14]) : NULL;
  }
  fclose(f);
  return nrows > 0 ? 0 : -1;
}

/* Measured once on icews-2018-sample.tab (source and target countries):
 * the head of the distribution, used when the file is not there. */
static void builtin_sample(void) {
  static const struct { const char *c; int n; } top[] = {
      {"India", 1408}, {"United States", 742}, {"North Korea", 483},
      {"Russian Federation", 351}, {"China", 265}, {"Germany", 159},
      {"Canada", 158}, {"South Korea", 151}, {"Ukraine", 145},
      {"Japan", 130}, {"Philippines", 127}, {"Nigeria", 125},
      {"United Kingdom", 113}, {"Australia", 111}, {"France", 109},
      {"Spain", 107}, {"Israel", 103}, {"Malaysia", 96}, {"Italy", 94},
      {"Singapore", 90}};
  static const int kshare[] = {295, 139, 492, 1200, 60, 200, 0, 1200, 0,
                               100, 19}; /* per kind, from the CAMEO codes */
  for (size_t i = 0; i < sizeof top / sizeof *top; i++) {
    int c = country(top[i].c);
    ccount[c] = top[i].n;
  }
  for (int k = 0; k < 11; k++)
    for (int j = 0; j < kshare[k]; j++) {
      rows = realloc(rows, (nrows + 1) * sizeof *rows);
      row *r = &rows[nrows++];
      r->src = -1; r->dst = -1; r->kind = k; r->city = NULL;
    }
}

static void build_cum(void) {
  ccum = malloc(ncountries * sizeof *ccum);
  for (int i = 0; i < ncountries; i++)
    ccum[i] = (ctotal += ccount[i]);
}

static int draw_country(void) {
  long x = (long)(rndf() * ctotal);
  int lo = 0, hi = ncountries - 1;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (ccum[mid] > x) hi = mid; else lo = mid + 1;
  }
  return lo;
}

/* ---- words ------------------------------------------------------------------ */

static const char *const topics[] = {
    "trade", "security", "defence", "energy", "climate", "health",
    "migration", "fisheries", "demining", "cybersecurity", "education",
    "infrastructure", "investment", "nuclear", "maritime", "water",
    "agriculture", "tourism", "human-rights", "elections", "sanctions",
    "development-aid", "culture", "science", "space", "refugees",
    "counter-terrorism", "finance", "digital", "transport"};
#define NTOPICS (sizeof topics / sizeof *topics)

static const char *const words[] = {
    "the", "ministers", "discussed", "cooperation", "in", "a", "framework",
    "agreement", "delegation", "officials", "bilateral", "regional",
    "signed", "memorandum", "understanding", "joint", "statement", "called",
    "for", "further", "talks", "on", "implementation", "of", "commitments",
    "and", "reviewed", "progress", "ahead", "summit", "ambassador",
    "embassy", "reported", "that", "both", "sides", "agreed", "to",
    "expand", "programme", "funding", "working", "group", "will", "meet",
    "again", "next", "quarter", "according", "ministry", "spokesperson",
    "press", "release", "confirmed", "date", "not", "yet", "fixed",
    "sources", "said", "draft", "text", "under", "negotiation", "partners"};
#define NWORDS (sizeof words / sizeof *words)

static const char *const roles[] = {"foreign minister", "prime minister",
                                    "president", "ambassador",
                                    "defence minister", "envoy"};
static const char *const syll[] = {"ka", "ri", "mo", "ta", "shi", "an", "el",
                                   "vo", "ne", "su", "lin", "dar", "pe", "go",
                                   "ha", "mi", "ro", "za"};
static const char *const publishers[] = {
    "Reuters", "Kyodo News", "Xinhua", "The Hindu", "Phnom Penh Post",
    "Associated Press", "Agence France-Presse", "Yonhap", "TASS",
    "Ministry of Foreign Affairs"};

/* ---- output ------------------------------------------------------------------ */

static void jstr(FILE *o, const char *s) {
  fputc('"', o);
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') fputc('\\', o);
    fputc(*s, o);
  }
  fputc('"', o);
}

static void name(char *buf, size_t cap) {
  size_t n = 0;
  int parts = 2 + rndi(2);
  for (int i = 0; i < parts; i++)
    n += (size_t)snprintf(buf + n, cap - n, "%s", syll[rndi(sizeof syll / sizeof *syll)]);
  buf[0] = (char)(buf[0] - 'a' + 'A');
  n += (size_t)snprintf(buf + n, cap - n, " ");
  size_t s = n;
  parts = 2 + rndi(3);
  for (int i = 0; i < parts; i++)
    n += (size_t)snprintf(buf + n, cap - n, "%s", syll[rndi(sizeof syll / sizeof *syll)]);
  buf[s] = (char)(buf[s] - 'a' + 'A');
}

/* One event's date: writes its EDTF into w and its first day into *first. */
static void draw_when(char *w, size_t cap, int64_t *first) {
  int64_t day0 = days_from_civil(YEAR0, 1, 1);
  int64_t span = days_from_civil(YEAR0 + YEARS, 1, 1) - day0;
  /* a mild upward trend: more recent years have more events */
  double u = rndf();
  int64_t day = day0 + (int64_t)(span * (0.35 * u + 0.65 * (1 - (1 - u) * (1 - u))));
  int y, m, d;
  civil_from_days(day, &y, &m, &d);
  double r = rndf();
  if (r < 0.57) { /* a day */
    snprintf(w, cap, "%04d-%02d-%02d", y, m, d);
  } else if (r < 0.62) { /* a day and a time */
    snprintf(w, cap, "%04d-%02d-%02dT%02d:%02d:00Z", y, m, d, 6 + rndi(13), 15 * rndi(4));
  } else if (r < 0.72) { /* a month */
    d = 1;
    snprintf(w, cap, "%04d-%02d", y, m);
  } else if (r < 0.76) { /* a quarter */
    int q = (m - 1) / 3;
    m = 3 * q + 1; d = 1;
    snprintf(w, cap, "%04d-%d", y, 33 + q);
  } else if (r < 0.81) { /* early, mid or late in a year */
    int t = rndi(3);
    m = 1 + 4 * t; d = 1;
    snprintf(w, cap, "%04d-%02d~/%04d-%02d~", y, m, y, m + 3);
  } else if (r < 0.85) { /* early, mid or late in a month */
    int t = rndi(3);
    d = 1 + 10 * t;
    int e = t == 2 ? days_in_month(y, m) : d + 9;
    snprintf(w, cap, "%04d-%02d-%02d~/%04d-%02d-%02d~", y, m, d, y, m, e);
  } else if (r < 0.89) { /* about a day */
    snprintf(w, cap, "%04d-%02d-%02d~", y, m, d);
  } else if (r < 0.92) { /* about a month */
    d = 1;
    snprintf(w, cap, "%04d-%02d~", y, m);
  } else if (r < 0.95) { /* a year */
    m = 1; d = 1;
    snprintf(w, cap, "%04d", y);
  } else if (r < 0.995) { /* a period of one to five years */
    int k = 1 + rndi(5);
    if (chance(0.5)) {
      m = 1; d = 1;
      snprintf(w, cap, "%04d/%04d", y, y + k);
    } else {
      int e = d > days_in_month(y + k, m) ? days_in_month(y + k, m) : d;
      snprintf(w, cap, "%04d-%02d-%02d/%04d-%02d-%02d", y, m, d, y + k, m, e);
    }
  } else { /* in force from a day on */
    snprintf(w, cap, "%04d-%02d-%02d/..", y, m, d);
  }
  *first = days_from_civil(y, m, d);
}

static const char *draw_status(int kind, int64_t first) {
  double r = rndf();
  if (first > NOW_DAY)
    return r < 0.55 ? "planned" : r < 0.85 ? "confirmed"
         : r < 0.95 ? "postponed" : "cancelled";
  if (kind == K_AGREEMENT)
    return r < 0.5 ? "in-force" : r < 0.75 ? "expired"
         : r < 0.9 ? "endorsed" : "draft";
  if (kind == K_POLICY)
    return r < 0.4 ? "endorsed" : r < 0.7 ? "in-force"
         : r < 0.9 ? "draft" : "expired";
  return r < 0.85 ? "held" : r < 0.9 ? "postponed"
       : r < 0.95 ? "cancelled" : NULL;
}

static void title(char *t, size_t cap, int kind, const char *a, const char *b,
                  const char *topic) {
  switch (kind) {
  case K_MEETING: snprintf(t, cap, "%s and %s leaders meet on %s", a, b, topic); break;
  case K_VISIT: snprintf(t, cap, "Official visit of the %s delegation to %s", a, b); break;
  case K_CALL: snprintf(t, cap, "Phone call between %s and %s on %s", a, b, topic); break;
  case K_TALKS: snprintf(t, cap, "%s-%s talks on %s", a, b, topic); break;
  case K_AGREEMENT: snprintf(t, cap, "%s-%s agreement on %s cooperation", a, b, topic); break;
  case K_POLICY: snprintf(t, cap, "%s national policy on %s", a, topic); break;
  case K_ANNIV: snprintf(t, cap, "Anniversary of %s-%s diplomatic relations", a, b); break;
  case K_STATEMENT: snprintf(t, cap, "%s statement on %s and %s", a, topic, b); break;
  case K_ELECTION: snprintf(t, cap, "%s general election", a); break;
  case K_DEPLOY: snprintf(t, cap, "%s deploys a %s mission near %s", a, topic, b); break;
  default: snprintf(t, cap, "%s and %s: %s", a, b, topic); break;
  }
}

static void event(FILE *o, long i, int64_t *first_out, char *title_out, size_t tcap) {
  const row *r = &rows[rndi(nrows)];
  int kind = r->kind;
  if (chance(0.02)) kind = K_ANNIV;
  else if (chance(0.01)) kind = K_ELECTION;

  int act[4], na = 0;
  if (r->src >= 0) act[na++] = r->src;
  if (r->dst >= 0) act[na++] = r->dst;
  int want = na ? na : 1 + (chance(0.6) ? 1 : 0);
  if (chance(0.15)) want = na + 1 + (chance(0.3) ? 1 : 0);
  if (want > 4) want = 4;
  for (int tries = 0; na < want && tries < 20; tries++) {
    int c = draw_country(), dup = 0;
    for (int k = 0; k < na; k++) dup |= act[k] == c;
    if (!dup) act[na++] = c;
  }
  if (kind == K_ELECTION || kind == K_POLICY) na = 1;

  char when[96];
  int64_t first;
  draw_when(when, sizeof when, &first);
  const char *topic = topics[rndi(NTOPICS)];
  char t[256];
  title(t, sizeof t, kind, countries[act[0]], na > 1 ? countries[act[1]] : "partners", topic);
  *first_out = first;
  snprintf(title_out, tcap, "%s", t);

  fputc('{', o);
  if (i % 10 == 0) fprintf(o, "\"key\":\"ev-%ld\",", i);
  fputs("\"title\":", o); jstr(o, t);
  fprintf(o, ",\"kind\":\"%s\"", kinds[kind]);
  const char *st = draw_status(kind, first);
  if (st) fprintf(o, ",\"status\":\"%s\"", st);
  fprintf(o, ",\"when\":\"%s\"", when);
  if (r->city && chance(0.7)) { fputs(",\"where\":", o); jstr(o, r->city); }
  fputs(",\"actors\":[", o);
  for (int k = 0; k < na; k++) {
    if (k) fputc(',', o);
    jstr(o, countries[act[k]]);
  }
  fputc(']', o);
  int nt = rndi(4);
  if (nt) {
    fprintf(o, ",\"tags\":[\"%s\"", topic);
    const char *prev = topic;
    for (int k = 1; k < nt; k++) {
      const char *x = topics[(int)(rndf() * rndf() * NTOPICS)];
      if (x == prev || x == topic) continue;
      fprintf(o, ",\"%s\"", x);
      prev = x;
    }
    fputc(']', o);
  }
  if (chance(0.2)) {
    char nm[64];
    name(nm, sizeof nm);
    fprintf(o, ",\"people\":[{\"name\":\"%s\",\"role\":\"%s\",\"actor\":", nm,
            roles[rndi(sizeof roles / sizeof *roles)]);
    jstr(o, countries[act[0]]);
    fputs("}]", o);
  }
  if (chance(0.3)) {
    fprintf(o, ",\"source\":{\"publisher\":\"%s\",\"url\":\"https://news.example.org/%ld\"}",
            publishers[rndi(sizeof publishers / sizeof *publishers)], i);
  }
  /* notes: a few sentences, 40 to 300 bytes */
  int len = 40 + rndi(200) + (chance(0.2) ? rndi(120) : 0), n = 0;
  fputs(",\"notes\":\"", o);
  int cap = 1;
  while (n < len) {
    const char *wd = words[rndi(NWORDS)];
    if (n) { fputc(' ', o); n++; }
    if (cap) { fputc(wd[0] - 'a' + 'A', o); fputs(wd + 1, o); cap = 0; }
    else fputs(wd, o);
    n += (int)strlen(wd);
    if (chance(0.1)) { fputc('.', o); n++; cap = 1; }
  }
  fputs(".\"}\n", o);
}

/* Remind: event() makes the same draws (its text goes to /dev/null); REM
 * lines 7 days and 1 day before the first day. */
static void remind_line(FILE *o, const char *t, int64_t day, int lead) {
  static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int y, m, d;
  civil_from_days(day - lead, &y, &m, &d);
  fprintf(o, "REM %d %s %d MSG %s: in %dd\n", d, mon[m - 1], y, t, lead);
}

int main(int argc, char **argv) {
  long n = -1, queries = -1;
  uint64_t seed = 42;
  const char *icews = NULL, *format = "jsonl";
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--icews") && i + 1 < argc) icews = argv[++i];
    else if (!strcmp(argv[i], "--format") && i + 1 < argc) format = argv[++i];
    else if (!strcmp(argv[i], "--queries") && i + 1 < argc) queries = atol(argv[++i]);
    else if (argv[i][0] != '-' && n < 0) n = atol(argv[i]);
    else {
      fprintf(stderr, "usage: gen N [--seed S] [--icews FILE] [--format jsonl|remind]\n"
                      "       gen --queries K [--seed S] [--icews FILE]\n");
      return 2;
    }
  }
  if (n < 0 && queries < 0) n = 1000;
  if (!icews) icews = "../shared/data/icews-2018-sample.tab";
  if (load_icews(icews) < 0) {
    fprintf(stderr, "gen: %s not readable: using the built-in table of the top actors\n", icews);
    builtin_sample();
  }
  build_cum();
  rng_state = seed;
  static char buf[1 << 16];
  setvbuf(stdout, buf, _IOFBF, sizeof buf);

  if (queries >= 0) {
    int64_t day0 = days_from_civil(YEAR0, 1, 1);
    int64_t span = days_from_civil(YEAR0 + YEARS, 1, 1) - day0;
    for (long i = 0; i < queries; i++) {
      int c = draw_country();
      int64_t from = day0 + (int64_t)(rndf() * span);
      int64_t len = 7 + rndi(84); /* a week to three months */
      int y0, m0, d0, y1, m1, d1;
      civil_from_days(from, &y0, &m0, &d0);
      civil_from_days(from + len - 1, &y1, &m1, &d1);
      printf("%s\t%lld\t%lld\t%04d-%02d-%02dT00:00:00Z\t%04d-%02d-%02dT23:59:59Z\n",
             countries[c], (long long)from * 86400,
             (long long)(from + len) * 86400 - 1, y0, m0, d0, y1, m1, d1);
    }
    return 0;
  }
  int rem = !strcmp(format, "remind");
  if (!rem && strcmp(format, "jsonl")) {
    fprintf(stderr, "gen: unknown format %s\n", format);
    return 2;
  }
  static FILE *sink;
  if (rem && !(sink = fopen("/dev/null", "w"))) return 1;
  char t[256];
  for (long i = 1; i <= n; i++) {
    int64_t first;
    event(rem ? sink : stdout, i, &first, t, sizeof t);
    if (rem) {
      remind_line(stdout, t, first, 7);
      remind_line(stdout, t, first, 1);
    }
  }
  return 0;
}
