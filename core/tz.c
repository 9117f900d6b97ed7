/*
 * Time zones through the C library and the system's tzdata (tz.h).
 *
 * A zone is checked once against the tzdata tree (the file must exist
 * inside it and begin as a zone file does), because the C library reads
 * an unknown TZ as UTC without a word.  Each conversion then sets TZ to
 * ":ZONE", calls tzset and localtime_r, and puts back the TZ the process
 * had.  A local time becomes an instant by trying the offsets in force a
 * day before and a day after it: the readings that agree with the offset
 * at the instant they give are the answers (none: a gap; two: an overlap).
 */
#include "tz.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "error.h"

#define DAY INT64_C(86400)
#define YEAR_LO (-9999)
#define YEAR_HI 9999

/* ---- the tzdata tree -------------------------------------------------- */

static const char *tzdir(void) {
  const char *d = getenv("TZDIR");
  return d && *d ? d : "/usr/share/zoneinfo";
}

/* Names that pass the check, so that a list of many events in a few zones
 * does not look at the file system for each. */
#define CACHE_N 16
static char cache[CACHE_N][ATT_TZ_NAME_MAX];
static char cache_dir[PATH_MAX];
static size_t cache_next;

static int cached(const char *zone) {
  if (strcmp(cache_dir, tzdir()) != 0) {
    memset(cache, 0, sizeof cache);
    snprintf(cache_dir, sizeof cache_dir, "%s", tzdir());
    return 0;
  }
  for (size_t i = 0; i < CACHE_N; i++)
    if (cache[i][0] && strcmp(cache[i], zone) == 0) return 1;
  return 0;
}

static void remember(const char *zone) {
  snprintf(cache[cache_next], ATT_TZ_NAME_MAX, "%s", zone);
  cache_next = (cache_next + 1) % CACHE_N;
}

/* The spelling rule of a zone name; NULL or what is wrong. */
static const char *bad_spelling(const char *z) {
  size_t n = strlen(z);
  if (n == 0) return "is empty";
  if (n >= ATT_TZ_NAME_MAX) return "is too long";
  if (z[0] == '/') return "is a path; give the zone's name (Area/City)";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)z[i];
    if (c == '/' && (z[i + 1] == '/' || z[i + 1] == '\0')) return "has an empty part";
    if ((i == 0 || z[i - 1] == '/') && c == '.') return "has a part that starts with '.'";
    if (!isalnum(c) && c != '/' && c != '_' && c != '-' && c != '+')
      return "holds a character that no zone name has (they use letters, digits, '/', '_', '-' and '+')";
  }
  if (strncmp(z, "right/", 6) == 0)
    return "counts leap seconds, which attache's times do not (use the name without \"right/\")";
  if (strcmp(z, "posixrules") == 0 || strcmp(z, "localtime") == 0 || strcmp(z, "Factory") == 0)
    return "is not a place's zone";
  return NULL;
}

/* 1 if the tzdata file for zone exists inside the tree and is a zone file
 * (begins "TZif"), 0 if not. */
static int zone_file(const char *zone) {
  char base[PATH_MAX], p[PATH_MAX], real[PATH_MAX], magic[4];
  struct stat sb;
  size_t bl;
  int fd, n;
  ssize_t r;
  if (!realpath(tzdir(), base)) return 0;
  n = snprintf(p, sizeof p, "%s/%s", base, zone);
  if (n < 0 || (size_t)n >= sizeof p || !realpath(p, real)) return 0;
  bl = strlen(base);
  if (strncmp(real, base, bl) != 0 || real[bl] != '/') return 0; /* a link out of the tree */
  if (stat(real, &sb) != 0 || !S_ISREG(sb.st_mode)) return 0;
  if ((fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) return 0;
  r = read(fd, magic, sizeof magic);
  close(fd);
  return r == 4 && memcmp(magic, "TZif", 4) == 0;
}

/* ---- did you mean ----------------------------------------------------- */

static int fold(int c) { return c == ' ' ? '_' : tolower(c); }

/* Edit distance of a and b with case and ' '/'_' folded; capped inputs. */
static size_t distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b), row[ATT_TZ_NAME_MAX + 1];
  if (la > ATT_TZ_NAME_MAX || lb > ATT_TZ_NAME_MAX) return SIZE_MAX;
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j], best = diag + (fold((unsigned char)a[i - 1]) != fold((unsigned char)b[j - 1]));
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      diag = up;
      row[j] = best;
    }
  }
  return row[lb];
}

typedef struct guess {
  const char *zone;
  char best[ATT_TZ_NAME_MAX];
  size_t dist;
} guess;

static void consider(guess *g, const char *name) {
  const char *slash = strrchr(name, '/');
  size_t d = distance(g->zone, name);
  if (slash && !strchr(g->zone, '/')) {
    size_t d2 = distance(g->zone, slash + 1);
    if (d2 < d) d = d2;
  }
  if (d < g->dist && zone_file(name)) {
    g->dist = d;
    snprintf(g->best, sizeof g->best, "%.*s", ATT_TZ_NAME_MAX - 1, name);
  }
}

/* Walk the tree below rel (depth-limited), considering each file. */
static void walk(guess *g, const char *base, const char *rel, int depth) {
  char p[PATH_MAX];
  DIR *d;
  struct dirent *e;
  snprintf(p, sizeof p, "%s%s%s", base, *rel ? "/" : "", rel);
  if (depth > 3 || !(d = opendir(p))) return;
  while ((e = readdir(d)) != NULL) {
    char sub[ATT_TZ_NAME_MAX * 2], full[PATH_MAX];
    struct stat sb;
    int n = snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
    if (e->d_name[0] == '.' || !isupper((unsigned char)e->d_name[0])) continue;
    if (n < 0 || (size_t)n >= ATT_TZ_NAME_MAX) continue;
    if (snprintf(full, sizeof full, "%s/%s", base, sub) >= (int)sizeof full) continue;
    if (lstat(full, &sb) != 0) continue;
    if (S_ISDIR(sb.st_mode)) walk(g, base, sub, depth + 1);
    else if (!bad_spelling(sub)) consider(g, sub);
  }
  closedir(d);
}

/* " (did you mean \"Asia/Phnom_Penh\"?)" or "". */
static void did_you_mean(const char *zone, char *out, size_t cap) {
  guess g;
  size_t n = strlen(zone);
  out[0] = '\0';
  if (n == 0 || n >= ATT_TZ_NAME_MAX) return;
  g.zone = zone;
  g.best[0] = '\0';
  g.dist = n / 3 > 2 ? n / 3 + 1 : 3; /* at most this far */
  walk(&g, tzdir(), "", 0);
  if (g.best[0]) snprintf(out, cap, "; did you mean \"%s\"?", g.best);
}

int att_tz_check(const char *zone) {
  const char *why;
  char dym[ATT_TZ_NAME_MAX + 32];
  if (zone == NULL) return att__err(ATT_EINVAL, "no time zone given");
  if (cached(zone)) return 0;
  why = bad_spelling(zone);
  if (!why && zone_file(zone)) {
    remember(zone);
    return 0;
  }
  did_you_mean(zone, dym, sizeof dym);
  if (why)
    return att__err(ATT_EINVAL,
                    "time zone \"%.200s\" %s; a zone is an IANA name such as Asia/Phnom_Penh, "
                    "Europe/London or UTC%s",
                    zone, why, dym);
  return att__err(ATT_EINVAL,
                  "time zone \"%.200s\" is not in the system's tzdata (%s); a zone is an IANA "
                  "name such as Asia/Phnom_Penh, Europe/London or UTC (install the tzdata "
                  "package for the list)%s",
                  zone, tzdir(), dym);
}

/* ---- conversions ------------------------------------------------------ */

/* Set TZ to the zone, saving the old value in *saved (free it with
 * leave).  0 or an error code. */
static int enter(const char *zone, char **saved) {
  const char *old = getenv("TZ");
  char v[ATT_TZ_NAME_MAX + 2];
  int rc;
  if ((rc = att_tz_check(zone)) != 0) return rc;
  *saved = NULL;
  if (old && !(*saved = strdup(old))) return att__err(ATT_ENOMEM, "out of memory");
  snprintf(v, sizeof v, ":%s", zone);
  if (setenv("TZ", v, 1) != 0) {
    free(*saved);
    return att__err(ATT_ENOMEM, "cannot set TZ: %s", strerror(errno));
  }
  tzset();
  return 0;
}

static void leave(char *saved) {
  if (saved) setenv("TZ", saved, 1);
  else unsetenv("TZ");
  tzset();
  free(saved);
}

/* The broken-down local time of t under the current TZ, with its offset. */
static int local_now(att_time t, struct tm *tm, int *off) {
  time_t tt = (time_t)t;
  int64_t civil;
  if ((att_time)tt != t || !localtime_r(&tt, tm))
    return att__err(ATT_ERANGE, "instant %lld is beyond what the C library converts", (long long)t);
  civil = att_days_from_civil((int64_t)tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday) * DAY +
          tm->tm_hour * 3600 + tm->tm_min * 60 + tm->tm_sec;
  *off = (int)(civil - t);
  return 0;
}

static int offset_in(att_time t, int *off) {
  struct tm tm;
  return local_now(t, &tm, off);
}

int att_tz_offset(const char *zone, att_time t, int *offset_s) {
  char *saved;
  int off = 0, rc = enter(zone, &saved);
  if (rc != 0) return rc;
  rc = offset_in(t, &off);
  leave(saved);
  if (rc == 0 && offset_s) *offset_s = off;
  return rc;
}

int att_tz_local(const char *zone, att_time t, int64_t *y, int *mo, int *d, int *h, int *mi,
                 int *s, int *offset_s) {
  char *saved;
  struct tm tm;
  int off = 0, rc = enter(zone, &saved);
  if (rc != 0) return rc;
  rc = local_now(t, &tm, &off);
  leave(saved);
  if (rc != 0) return rc;
  if (y) *y = (int64_t)tm.tm_year + 1900;
  if (mo) *mo = tm.tm_mon + 1;
  if (d) *d = tm.tm_mday;
  if (h) *h = tm.tm_hour;
  if (mi) *mi = tm.tm_min;
  if (s) *s = tm.tm_sec;
  if (offset_s) *offset_s = off;
  return 0;
}

/* Format under the current TZ (see att_tz_format). */
static int format_in(att_time t, char *buf, size_t cap) {
  struct tm tm;
  char abbr[64] = "";
  int off = 0, rc, n;
  if ((rc = local_now(t, &tm, &off)) != 0) return rc;
  if (strftime(abbr, sizeof abbr, "%Z", &tm) == 0 || !abbr[0]) {
    int o = off < 0 ? -off : off;
    snprintf(abbr, sizeof abbr, "%c%02d:%02d", off < 0 ? '-' : '+', o / 3600, o / 60 % 60);
  }
  if (tm.tm_sec)
    n = snprintf(buf, cap, "%04lld-%02d-%02d %02d:%02d:%02d %s", (long long)tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, abbr);
  else
    n = snprintf(buf, cap, "%04lld-%02d-%02d %02d:%02d %s", (long long)tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, abbr);
  if (n < 0 || (size_t)n >= cap) return att__err(ATT_ERANGE, "time text does not fit in %zu bytes", cap);
  return 0;
}

int att_tz_format(att_time t, const char *zone, char *buf, size_t cap) {
  char *saved;
  int rc = enter(zone, &saved);
  if (rc != 0) return rc;
  rc = format_in(t, buf, cap);
  leave(saved);
  return rc;
}

int att_tz_edtf(att_time t, const char *zone, char *buf, size_t cap) {
  int64_t y;
  int mo, d, h, mi, s, off, o, n, rc;
  if ((rc = att_tz_local(zone, t, &y, &mo, &d, &h, &mi, &s, &off)) != 0) return rc;
  o = off < 0 ? -off : off;
  if (o % 60)
    return att__err(ATT_ERANGE,
                    "in %s the offset from UTC then was %c%02d:%02d:%02d (local mean time), "
                    "which EDTF cannot write (it has minutes only); give the time in UTC",
                    zone, off < 0 ? '-' : '+', o / 3600, o / 60 % 60, o % 60);
  if (y < 0 || y > 9999) return att__err(ATT_ERANGE, "year %lld is beyond EDTF times (0000 to 9999)", (long long)y);
  n = snprintf(buf, cap, "%04lld-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", (long long)y, mo, d, h, mi,
               s, off < 0 ? '-' : '+', o / 3600, o / 60 % 60);
  if (n < 0 || (size_t)n >= cap) return att__err(ATT_ERANGE, "time text does not fit in %zu bytes", cap);
  return 0;
}

static int fields_ok(int64_t y, int mo, int d, int h, int mi, int s) {
  if (y < YEAR_LO || y > YEAR_HI)
    return att__err(ATT_ERANGE, "year %lld is out of range for a local time (%d to %d)", (long long)y,
                    YEAR_LO, YEAR_HI);
  if (mo < 1 || mo > 12) return att__err(ATT_EINVAL, "month %d is not 1 to 12", mo);
  if (d < 1 || d > att_days_in_month(y, mo))
    return att__err(ATT_EINVAL, "day %d is not in %04lld-%02d (1 to %d)", d, (long long)y, mo,
                    att_days_in_month(y, mo));
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59)
    return att__err(ATT_EINVAL, "%02d:%02d:%02d is not a time of day (00:00:00 to 23:59:59)", h, mi, s);
  return 0;
}

int att_tz_local_to_utc_ex(const char *zone, int64_t y, int mo, int d, int h, int mi, int s,
                           int which, att_time *out, int *offset_s) {
  char *saved;
  att_time t0, cand[3], ok[3];
  int offs[3], okoff[3], nok = 0, rc, o = 0;
  char when[48], a[96], b[96];
  if ((rc = fields_ok(y, mo, d, h, mi, s)) != 0) return rc;
  t0 = att_days_from_civil(y, mo, d) * DAY + h * 3600 + mi * 60 + s;
  if ((rc = enter(zone, &saved)) != 0) return rc;
  if ((rc = offset_in(t0 - DAY, &offs[0])) != 0 || (rc = offset_in(t0 + DAY, &offs[1])) != 0 ||
      (rc = offset_in(t0 - offs[0], &offs[2])) != 0)
    goto done;
  for (int i = 0; i < 3; i++) {
    int dup = 0;
    cand[i] = t0 - offs[i];
    if ((rc = offset_in(cand[i], &o)) != 0) goto done;
    for (int j = 0; j < nok; j++) dup |= ok[j] == cand[i];
    if (o == offs[i] && !dup) {
      /* keep them in order of time */
      int k = nok++;
      while (k > 0 && ok[k - 1] > cand[i]) ok[k] = ok[k - 1], okoff[k] = okoff[k - 1], k--;
      ok[k] = cand[i], okoff[k] = offs[i];
    }
  }
  snprintf(when, sizeof when, "%04lld-%02d-%02d %02d:%02d", (long long)y, mo, d, h, mi);
  if (s) snprintf(when + strlen(when), sizeof when - strlen(when), ":%02d", s);
  if (nok == 0 && (which & ATT_TZ_SHIFT_GAP)) {
    /* offs[0] is the offset a day before, in force before the gap */
    att_time u = t0 - offs[0];
    if ((rc = offset_in(u, &o)) != 0) goto done;
    if (out) *out = u;
    if (offset_s) *offset_s = o;
  } else if (nok == 1 || (nok > 1 && (which & 3) != ATT_TZ_STRICT)) {
    int k = nok > 1 && (which & 3) == ATT_TZ_LATER ? nok - 1 : 0;
    if (out) *out = ok[k];
    if (offset_s) *offset_s = okoff[k];
    rc = 0;
  } else if (nok == 0) {
    /* A gap: the time read with the offset before and after the change. */
    att_time early = t0 - (offs[0] > offs[1] ? offs[0] : offs[1]);
    att_time late = t0 - (offs[0] > offs[1] ? offs[1] : offs[0]);
    if (format_in(early, a, sizeof a) != 0 || format_in(late, b, sizeof b) != 0) a[0] = b[0] = '\0';
    rc = att__err(ATT_EINVAL,
                  "%s does not exist in %s: the clocks moved forward over it that day; "
                  "it is either %s or %s (give one of them, or the time with its offset "
                  "from UTC)",
                  when, zone, a, b);
  } else {
    char oa[16], ob[16];
    int x = okoff[0] < 0 ? -okoff[0] : okoff[0], z = okoff[nok - 1] < 0 ? -okoff[nok - 1] : okoff[nok - 1];
    if (format_in(ok[0], a, sizeof a) != 0 || format_in(ok[nok - 1], b, sizeof b) != 0) a[0] = b[0] = '\0';
    snprintf(oa, sizeof oa, "%c%02d:%02d", okoff[0] < 0 ? '-' : '+', x / 3600, x / 60 % 60);
    snprintf(ob, sizeof ob, "%c%02d:%02d", okoff[nok - 1] < 0 ? '-' : '+', z / 3600, z / 60 % 60);
    rc = att__err(ATT_EINVAL,
                  "%s happens twice in %s: the clocks moved back over it that day; it is "
                  "either %s (UTC%s) or %s (UTC%s): give the time with its offset "
                  "(%04lld-%02d-%02dT%02d:%02d%s or %s) to choose",
                  when, zone, a, oa, b, ob, (long long)y, mo, d, h, mi, oa, ob);
  }
done:
  leave(saved);
  return rc;
}

int att_tz_local_to_utc(const char *zone, int64_t y, int mo, int d, int h, int mi, int s,
                        att_time *out, int *offset_s) {
  return att_tz_local_to_utc_ex(zone, y, mo, d, h, mi, s, ATT_TZ_STRICT, out, offset_s);
}
