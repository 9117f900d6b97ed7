/*
 * Unit tests of a store's settings (core/settings.c): defaults, every
 * key's accepted and refused values (the message names what is accepted
 * and nothing changes), lists, the file written atomically and read back,
 * values of a later version kept, a damaged file refused by load and
 * reported by verify, a link where the file belongs refused, concurrent
 * edits not lost, and the date context filled from the settings.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "settings.h"
#include "store.h"
#include "tap.h"
#include "testutil.h"

static char dir[256];

static void put_file(const char *text) {
  char p[512];
  FILE *f;
  snprintf(p, sizeof p, "%s/settings.json", dir);
  f = fopen(p, "w");
  fputs(text, f);
  fclose(f);
}

static char *file_text(void) {
  char p[512];
  size_t n;
  snprintf(p, sizeof p, "%s/settings.json", dir);
  return tu_read_file(p, &n);
}

static void defaults(void) {
  att_settings *s = NULL;
  att_date_ctx c;
  is_int(att_settings_load(dir, &s), 0, "a store without settings.json loads");
  is_str(att_settings_get(s, "date.fiscal-start"), "4", "fiscal years start in April by default");
  is_str(att_settings_get(s, "date.fiscal-name"), "start", "named by their start year");
  ok(att_settings_get(s, "date.hemisphere") == NULL, "hemisphere unset");
  ok(att_settings_get(s, "date.day-first") == NULL, "day-first unset");
  is_str(att_settings_get(s, "display.tz"), "UTC", "display zone UTC");
  ok(att_settings_get(s, "vocab.kinds") == NULL, "no extra kinds");
  ok(att_settings_get(s, "no.such") == NULL, "an unknown key has no value");
  is_int(att_settings_is_set(s, "display.tz"), 0, "defaults are not set");
  is_int(att_settings_fiscal_start(s), 4, "typed: 4");
  is_int(att_settings_fiscal_by_end(s), 0, "typed: by start");
  is_int(att_settings_hemisphere(s), 0, "typed: no hemisphere");
  is_int(att_settings_day_first(s), -1, "typed: day-first unset");
  att_date_ctx_init(&c, 1000);
  att_settings_date_ctx(s, &c);
  ok(c.ref == 1000 && c.fiscal_start == 4 && c.fiscal_by_end == 0 && c.hemisphere == 0 && c.day_first == -1 &&
         strcmp(c.tz, "UTC") == 0,
     "the date context gets the defaults, ref untouched");
  att_settings_free(s);
}

/* key, value, 0 or the message part of a refusal, canonical */
static const struct {
  const char *key, *in, *err, *canon;
} cases[] = {
    {"date.fiscal-start", "10", NULL, "10"},
    {"date.fiscal-start", "october", NULL, "10"},
    {"date.fiscal-start", "Oct", NULL, "10"},
    {"date.fiscal-start", " 7 ", NULL, "7"},
    {"date.fiscal-start", "13", "give 1 to 12 or a month's name", NULL},
    {"date.fiscal-start", "0", "give 1 to 12", NULL},
    {"date.fiscal-start", "ju", "is not a month", NULL},
    {"date.fiscal-start", "4x", "is not a month", NULL},
    {"date.fiscal-name", "END", NULL, "end"},
    {"date.fiscal-name", "finish", "give start (FY2024 starts in 2024, as in Japan) or end", NULL},
    {"date.hemisphere", "South", NULL, "south"},
    {"date.hemisphere", "east", "give north or south", NULL},
    {"date.day-first", "yes", NULL, "yes"},
    {"date.day-first", "false", NULL, "no"},
    {"date.day-first", "maybe", "give yes or no", NULL},
    {"display.tz", "Asia/Phnom_Penh", NULL, "Asia/Phnom_Penh"},
    {"display.tz", "Asia/Phnom_Pen", "did you mean \"Asia/Phnom_Penh\"", NULL},
    {"display.tz", "../etc/passwd", "IANA name", NULL},
    {"vocab.kinds", "summit, workshop,summit", NULL, "summit,workshop"},
    {"vocab.kinds", "Summit", "is not a word of the vocabulary", NULL},
    {"vocab.statuses", "tentative,re scheduled", "\"re scheduled\" is not a word", NULL},
    {"no.such", "1", "the settings are date.fiscal-start, date.fiscal-name", NULL},
};

static void values(void) {
  att_settings *s;
  att_settings_new(&s);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const char *before = att_settings_get(s, cases[i].key);
    char was[256];
    int rc;
    snprintf(was, sizeof was, "%s", before ? before : "(null)");
    rc = att_settings_set(s, cases[i].key, cases[i].in);
    if (cases[i].err) {
      const char *now = att_settings_get(s, cases[i].key);
      is_int(rc, ATT_EINVAL, "%s=\"%s\" is refused", cases[i].key, cases[i].in);
      ok(strstr(att_errmsg(), cases[i].err) && strstr(att_errmsg(), cases[i].key),
         "naming the key and what is accepted: %s", att_errmsg());
      is_str(now ? now : "(null)", was, "and the value is unchanged");
    } else {
      is_int(rc, 0, "%s=\"%s\" is accepted", cases[i].key, cases[i].in);
      is_str(att_settings_get(s, cases[i].key), cases[i].canon, "as %s", cases[i].canon);
    }
  }
  {
    const char *const *items;
    size_t n;
    is_int(att_settings_add(s, "vocab.kinds", "retreat"), 0, "add to a list");
    is_int(att_settings_add(s, "vocab.kinds", "retreat"), 0, "adding twice is no change");
    is_str(att_settings_get(s, "vocab.kinds"), "summit,workshop,retreat", "three kinds");
    is_int(att_settings_list(s, "vocab.kinds", &items, &n), 0, "the items");
    ok(n == 3 && strcmp(items[2], "retreat") == 0, "as a list");
    is_int(att_settings_remove(s, "vocab.kinds", "summit"), 0, "remove from it");
    is_int(att_settings_remove(s, "vocab.kinds", "summit"), ATT_ENOTFOUND, "not twice");
    ok(strstr(att_errmsg(), "workshop,retreat") != NULL, "the message lists what is there: %s", att_errmsg());
    is_int(att_settings_add(s, "display.tz", "UTC"), ATT_EINVAL, "a single-value key is not a list");
    is_int(att_settings_list(s, "display.tz", &items, &n), ATT_EINVAL, "nor listed as one");
    is_int(att_settings_set(s, "vocab.statuses", ""), 0, "an empty list");
    ok(!att_settings_is_set(s, "vocab.statuses"), "is unset");
  }
  is_int(att_settings_unset(s, "display.tz"), 0, "unset");
  is_str(att_settings_get(s, "display.tz"), "UTC", "back to the default");
  is_int(att_settings_unset(s, "nope"), ATT_EINVAL, "unset of an unknown key is refused");
  att_settings_free(s);
}

static void round_trip(void) {
  att_settings *s, *r;
  struct stat sb;
  char p[512], *text;
  att_settings_new(&s);
  att_settings_set(s, "date.fiscal-start", "oct");
  att_settings_set(s, "date.fiscal-name", "end");
  att_settings_set(s, "date.hemisphere", "south");
  att_settings_set(s, "date.day-first", "yes");
  att_settings_set(s, "display.tz", "Australia/Sydney");
  att_settings_set(s, "vocab.kinds", "summit,retreat");
  is_int(att_settings_save(dir, s), 0, "save");
  att_settings_free(s);
  snprintf(p, sizeof p, "%s/settings.json", dir);
  ok(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0600, "settings.json is 0600");
  snprintf(p, sizeof p, "%s/settings.json.tmp", dir);
  ok(lstat(p, &sb) != 0, "no temporary file is left");
  is_int(att_settings_load(dir, &r), 0, "load again");
  is_str(att_settings_get(r, "date.fiscal-start"), "10", "fiscal start");
  is_int(att_settings_fiscal_by_end(r), 1, "by end");
  is_int(att_settings_hemisphere(r), 'S', "south");
  is_int(att_settings_day_first(r), 1, "day first");
  is_str(att_settings_tz(r), "Australia/Sydney", "zone");
  is_str(att_settings_get(r, "vocab.kinds"), "summit,retreat", "kinds");
  {
    att_date_ctx c;
    att_date_ctx_init(&c, 0);
    att_settings_date_ctx(r, &c);
    ok(c.fiscal_start == 10 && c.fiscal_by_end == 1 && c.hemisphere == 'S' && c.day_first == 1 &&
           strcmp(c.tz, "Australia/Sydney") == 0,
       "the date context carries them");
  }
  att_settings_free(r);
  text = file_text();
  ok(text && strstr(text, "\"date.fiscal-start\":\t\"10\"") && strstr(text, "\"summit\""), "the file is JSON, values canonical");
  free(text);
}

static void later_keys(void) {
  att_settings *s;
  char *text;
  put_file("{\"date.hemisphere\": \"north\", \"future.key\": [1, 2], \"date.fiscal-start\": 1}");
  is_int(att_settings_load(dir, &s), 0, "a key of a later version is ignored");
  is_str(att_settings_get(s, "date.fiscal-start"), "1", "a number written by hand is read");
  att_settings_set(s, "date.hemisphere", "south");
  att_settings_save(dir, s);
  att_settings_free(s);
  text = file_text();
  ok(text && strstr(text, "future.key") && strstr(text, "south"), "and kept when another is changed");
  free(text);
}

static void say(void *ud, const char *msg) {
  char *acc = ud;
  snprintf(acc + strlen(acc), 4096 - strlen(acc), "%s%s", *acc ? " | " : "", msg);
}

static int set_kinds(att_settings *s, void *ud) { return att_settings_add(s, "vocab.kinds", ud); }

static void damaged(void) {
  static const struct {
    const char *text, *load, *verify;
  } bad[] = {
      {"{\"date.hemisphere\": ", "settings", "is not a JSON object"},
      {"[1,2]", "is not a JSON object", "is not a JSON object"},
      {"{\"date.hemisphere\": \"up\"}", "date.hemisphere: \"up\" is not accepted", "date.hemisphere"},
      {"{\"vocab.kinds\": \"summit\"}", "vocab.kinds: the value is not a list", "not a list"},
      {"{\"vocab.kinds\": [\"ok\", 3]}", "item 2 is not a string", "item 2"},
      {"{\"display.tz\": \"Nowhere/Town\"}", "Nowhere/Town", "Nowhere/Town"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    att_settings *s = NULL;
    char acc[4096] = "";
    put_file(bad[i].text);
    is_int(att_settings_load(dir, &s), ATT_EINVAL, "load refuses %s", bad[i].text);
    ok(strstr(att_errmsg(), bad[i].load) && strstr(att_errmsg(), "settings.json"),
       "naming the file and the fault: %s", att_errmsg());
    is_int(att_settings_verify(dir, say, acc), ATT_ECORRUPT, "verify reports it");
    ok(strstr(acc, bad[i].verify) != NULL, "as: %s", acc);
  }
  {
    char acc[4096] = "";
    put_file("{\"colour\": \"blue\"}");
    is_int(att_settings_verify(dir, say, acc), ATT_ECORRUPT, "verify reports an unknown key");
    ok(strstr(acc, "\"colour\", which is not a setting") != NULL, "%s", acc);
  }
  {
    /* A bad value does not stop an edit of another key, and is kept. */
    char *text;
    put_file("{\"date.hemisphere\": \"up\"}");
    is_int(att_settings_edit(dir, set_kinds, "summit"), 0,
           "an edit works beside a bad value");
    text = file_text();
    ok(text && strstr(text, "\"up\"") && strstr(text, "summit"), "which is kept for its owner to fix");
    free(text);
  }
}

static void links(void) {
  char p[512], victim[512];
  att_settings *s;
  struct stat sb;
  snprintf(p, sizeof p, "%s/settings.json", dir);
  snprintf(victim, sizeof victim, "%s.victim", dir);
  unlink(p);
  put_file("{}");
  rename(p, victim);
  ok(symlink(victim, p) == 0, "a link planted as settings.json");
  is_int(att_settings_load(dir, &s), ATT_ECORRUPT, "is refused by load");
  ok(strstr(att_errmsg(), "symbolic link") != NULL, "%s", att_errmsg());
  unlink(p);
  snprintf(p, sizeof p, "%s/settings.json.tmp", dir);
  ok(symlink(victim, p) == 0, "a link planted as settings.json.tmp");
  att_settings_new(&s);
  att_settings_set(s, "date.hemisphere", "north");
  is_int(att_settings_save(dir, s), 0, "save replaces the link, never writes through it");
  att_settings_free(s);
  {
    size_t n;
    char *v = tu_read_file(victim, &n);
    ok(v && n == 2 && memcmp(v, "{}", 2) == 0, "the file it pointed to is untouched");
    free(v);
  }
  ok(lstat(p, &sb) != 0, "and no temporary is left");
  unlink(victim);
}

/* Children each add a kind of their own at once: none is lost. */
static void concurrent(void) {
  enum { N = 6 };
  att_settings *s;
  char p[512];
  snprintf(p, sizeof p, "%s/settings.json", dir);
  unlink(p);
  for (int i = 0; i < N; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      char word[16];
      int rc = 0;
      for (int k = 0; k < 5 && rc == 0; k++) {
        snprintf(word, sizeof word, "k%d-%d", i, k);
        rc = att_settings_edit(dir, set_kinds, word);
      }
      _exit(rc == 0 ? 0 : 1);
    }
  }
  {
    int bad = 0, st;
    for (int i = 0; i < N; i++) {
      wait(&st);
      bad += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
    }
    is_int(bad, 0, "every edit succeeded");
  }
  is_int(att_settings_load(dir, &s), 0, "load");
  {
    const char *const *items;
    size_t n = 0;
    att_settings_list(s, "vocab.kinds", &items, &n);
    is_int(n, N * 5, "all %d kinds are there", N * 5);
  }
  att_settings_free(s);
}

static void no_store(void) {
  att_settings *s;
  char p[512];
  snprintf(p, sizeof p, "%s/none", dir);
  att_settings_new(&s);
  is_int(att_settings_save(p, s), ATT_ENOSTORE, "save where there is no store is refused");
  att_settings_free(s);
}

int main(void) {
  snprintf(dir, sizeof dir, "/tmp/att_settings_%ld", (long)getpid());
  if (att_store_init(dir) != 0) {
    printf("Bail out! cannot create %s: %s\n", dir, att_errmsg());
    return 1;
  }
  defaults();
  values();
  round_trip();
  later_keys();
  damaged();
  links();
  concurrent();
  no_store();
  tu_rmrf(dir);
  return done_testing();
}
