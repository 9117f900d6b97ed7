/*
 * Tests of core/silence.h: matchers are read as documented and bad ones
 * refused naming what is accepted; a silence matches an alert when every
 * field it gives holds one of its values, and only while it is active
 * (from its start to its end, unless ended early); silences are kept,
 * never removed, with who made and ended them; a damaged file is named
 * and found by fsck.  Against a brute-force model on random alerts.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "silence.h"
#include "tap.h"
#include "testutil.h"

static att_time g_now;
static att_time clock_now(void *ud) {
  (void)ud;
  return g_now;
}

static unsigned long long rng = 0x243F6A8885A308D3ull;
static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

static void matchers(void) {
  att_silence s;
  memset(&s, 0, sizeof s);
  is_int(att_silence_matcher(&s, "actor=KHM,THA"), 0, "actor=KHM,THA");
  ok(s.vals[ATT_SM_ACTOR] && !strcmp(s.vals[ATT_SM_ACTOR][0], "KHM") && !strcmp(s.vals[ATT_SM_ACTOR][1], "THA") &&
         !s.vals[ATT_SM_ACTOR][2],
     "two values");
  is_int(att_silence_matcher(&s, "actor=JPN"), ATT_EINVAL, "a field twice is refused");
  ok(strstr(att_errmsg(), "list its values with commas") != NULL, "saying how: %s", att_errmsg());
  is_int(att_silence_matcher(&s, "level=warn,urgent"), 0, "level=warn,urgent");
  is_int(att_silence_matcher(&s, "colour=red"), ATT_EINVAL, "an unknown field is refused");
  ok(strstr(att_errmsg(), "level, kind, actor, tag and script") != NULL, "naming the fields: %s", att_errmsg());
  is_int(att_silence_matcher(&s, "kind"), ATT_EINVAL, "no = is refused");
  is_int(att_silence_matcher(&s, "kind="), ATT_EINVAL, "no value is refused");
  is_int(att_silence_matcher(&s, "kind=a,,b"), ATT_EINVAL, "an empty value is refused");
  is_int(att_silence_matcher(&s, "tag=x\ny"), ATT_EINVAL, "a value of two lines is refused");
  is_int(att_silence_matcher(&s, "script=agenda.lua"), 0, "script=agenda.lua");
  att_silence_free(&s);
  memset(&s, 0, sizeof s);
  is_int(att_silence_matcher(&s, "level=loud"), ATT_EINVAL, "an unknown level is refused");
  ok(strstr(att_errmsg(), "info, warn or urgent") != NULL, "naming the levels: %s", att_errmsg());
  att_silence_free(&s);
}

/* The model: does silence s match alert x at t? */
static int model(const att_silence *s, const att_alert_subject *x, att_time t) {
  int f;
  if (s->expired != ATT_TIME_MAX || t < s->starts || t >= s->until) return 0;
  for (f = 0; f < ATT_SM_N; f++) {
    int hit = 0;
    if (!s->vals[f]) continue;
    for (char **p = s->vals[f]; *p; p++) {
      if (f == ATT_SM_LEVEL) hit |= x->level && !strcmp(*p, x->level);
      if (f == ATT_SM_KIND) hit |= x->kind && !strcmp(*p, x->kind);
      if (f == ATT_SM_SCRIPT) hit |= x->script && !strcmp(*p, x->script);
      if (f == ATT_SM_ACTOR)
        for (size_t i = 0; i < x->nactors; i++) hit |= !strcmp(*p, x->actors[i]);
      if (f == ATT_SM_TAG)
        for (size_t i = 0; i < x->ntags; i++) hit |= !strcmp(*p, x->tags[i]);
    }
    if (!hit) return 0;
  }
  return 1;
}

static const char *levels[] = {"info", "warn", "urgent"};
static const char *kinds[] = {"meeting", "visit", "policy"};
static const char *actors[] = {"KHM", "JPN", "THA", "CDC"};
static const char *tags[] = {"aid", "trade", "security"};
static const char *scripts[] = {"agenda.lua", "remind.lua"};

static char **pick(const char **from, unsigned n) {
  char **v = calloc(3, sizeof *v);
  unsigned a = rnd(n), b = rnd(n);
  v[0] = strdup(from[a]);
  if (b != a && rnd(2)) v[1] = strdup(from[b]);
  return v;
}

int main(void) {
  char dir[128], path[200];
  att_store_opts o = {0};
  att_store *st;
  att_silences all;
  int64_t id;
  att_time t0 = tu_time("2024-01-01T00:00:00Z");
  int nsil = 40;
  matchers();

  snprintf(dir, sizeof dir, "/tmp/attache-silence-%d", (int)getpid());
  snprintf(path, sizeof path, "%s/silences.json", dir);
  tu_rmrf(dir);
  o.flags = ATT_OPEN_WRITE;
  o.now = clock_now;
  g_now = t0;
  if (att_store_init(dir) != 0 || att_store_open(dir, &o, &st) != 0) {
    printf("Bail out! %s\n", att_errmsg());
    return 1;
  }
  att_store_set_author(st, "ana");
  {
    att_silence m;
    memset(&m, 0, sizeof m);
    is_int(att_silence_add(st, &m, ATT_TIME_MIN, t0 + 100, "why", &id), ATT_EINVAL,
           "a silence without a matcher is refused");
    att_silence_matcher(&m, "actor=KHM");
    is_int(att_silence_add(st, &m, ATT_TIME_MIN, t0 + 100, "", &id), ATT_EINVAL, "one without a reason is refused");
    is_int(att_silence_add(st, &m, ATT_TIME_MIN, t0, "why", &id), ATT_EINVAL, "one that ends as it begins is refused");
    ok(strstr(att_errmsg(), "would end before it begins") != NULL, "%s", att_errmsg());
    is_int(att_silence_add(st, &m, t0 + 200, t0 + 100, "why", &id), ATT_EINVAL,
           "one that ends before its start is refused");
    is_int(att_silence_add(st, &m, ATT_TIME_MIN, t0 + 100, "two\nlines", &id), ATT_EINVAL,
           "a reason of two lines is refused");
    ok(access(path, F_OK) != 0, "nothing was written");
    att_silence_free(&m);
  }

  /* Silences made one after another, each for a random while. */
  for (int i = 0; i < nsil; i++) {
    att_silence m;
    int ok_add;
    memset(&m, 0, sizeof m);
    g_now = t0 + i * 20;
    do {
      if (rnd(2)) m.vals[ATT_SM_ACTOR] = m.vals[ATT_SM_ACTOR] ? m.vals[ATT_SM_ACTOR] : pick(actors, 4);
      if (rnd(3) == 0) m.vals[ATT_SM_LEVEL] = m.vals[ATT_SM_LEVEL] ? m.vals[ATT_SM_LEVEL] : pick(levels, 3);
      if (rnd(3) == 0) m.vals[ATT_SM_KIND] = m.vals[ATT_SM_KIND] ? m.vals[ATT_SM_KIND] : pick(kinds, 3);
      if (rnd(4) == 0) m.vals[ATT_SM_TAG] = m.vals[ATT_SM_TAG] ? m.vals[ATT_SM_TAG] : pick(tags, 3);
      if (rnd(5) == 0) m.vals[ATT_SM_SCRIPT] = m.vals[ATT_SM_SCRIPT] ? m.vals[ATT_SM_SCRIPT] : pick(scripts, 2);
    } while (!m.vals[0] && !m.vals[1] && !m.vals[2] && !m.vals[3] && !m.vals[4]);
    {
      /* from now, or from a while ahead */
      att_time starts = rnd(3) ? ATT_TIME_MIN : g_now + rnd(300);
      att_time from = starts == ATT_TIME_MIN ? g_now : starts;
      ok_add = att_silence_add(st, &m, starts, from + 1 + rnd(1000), "test", &id) == 0 && id == i + 1;
    }
    if (!ok_add) ok(0, "silence %d: %s", i + 1, att_errmsg());
    att_silence_free(&m);
  }
  ok(1, "%d silences made, numbered 1 to %d", nsil, nsil);
  /* Bob ends a third of them, at t0 + 900: they hold no more. */
  att_store_set_author(st, "bob");
  g_now = t0 + 900;
  {
    int ended = 0;
    if (att_silences_read(dir, &all) != 0) return done_testing();
    for (size_t i = 0; i < all.n; i++)
      if (rnd(3) == 0) {
        if (att_silence_expire(st, all.v[i].id) == 0) ended++;
        else
          ok(0, "expire %lld: %s", (long long)all.v[i].id, att_errmsg());
      }
    ok(ended > 3, "bob ends %d silences", ended);
    att_silences_free(&all);
  }
  is_int(att_silence_expire(st, 999), ATT_ENOTFOUND, "an unknown silence");

  /* Read back: all kept, with who and when. */
  is_int(att_silences_read(dir, &all), 0, "the silences read back");
  {
    int good = all.n == (size_t)nsil, twice = 0;
    for (size_t i = 0; good && i < all.n; i++) {
      const att_silence *x = &all.v[i];
      good = x->id == (int64_t)i + 1 && !strcmp(x->author, "ana") && !strcmp(x->reason, "test") &&
             x->created == t0 + (att_time)i * 20 && x->starts >= x->created && x->until > x->starts &&
             (x->expired == ATT_TIME_MAX || (x->expired == t0 + 900 && x->expired_by && !strcmp(x->expired_by, "bob")));
      if (good && x->expired != ATT_TIME_MAX && !twice) {
        twice = 1;
        ok(att_silence_expire(st, x->id) == ATT_EINVAL && strstr(att_errmsg(), "already ended, at") &&
               strstr(att_errmsg(), "by bob"),
           "ending one twice is refused, naming who ended it: %s", att_errmsg());
      }
    }
    ok(good, "every silence is kept with its author, reason and times, and bob's ends");
  }

  /* Random alerts at random times against the model. */
  {
    int wrong = 0, silenced = 0, n = 5000;
    for (int k = 0; k < n; k++) {
      const char *as[2], *ts[2];
      att_alert_subject x;
      att_time t = t0 + rnd(2200);
      int64_t got, want = 0;
      memset(&x, 0, sizeof x);
      x.level = levels[rnd(3)];
      x.script = scripts[rnd(2)];
      if (rnd(5)) {
        x.kind = kinds[rnd(3)];
        x.nactors = rnd(3);
        for (size_t i = 0; i < x.nactors; i++) as[i] = actors[rnd(4)];
        x.ntags = rnd(3);
        for (size_t i = 0; i < x.ntags; i++) ts[i] = tags[rnd(3)];
        x.actors = as;
        x.tags = ts;
      }
      for (size_t i = 0; i < all.n && !want; i++)
        if (model(&all.v[i], &x, t)) want = all.v[i].id;
      got = att_silences_match(&all, &x, t);
      if (got != want) wrong++;
      silenced += want != 0;
    }
    ok(wrong == 0 && silenced > n / 20 && silenced < n * 19 / 20,
       "%d random alerts: %d silenced, every answer the model's (%d wrong)", n, silenced, wrong);
  }
  att_silences_free(&all);
  att_store_close(st);

  /* Damage: named, found by fsck. */
  {
    static const char *bad[] = {
        "[", "{\"silences\":{}}", "{\"silences\":[{\"id\":1}]}",
        "{\"silences\":[{\"id\":1,\"match\":{},\"created\":\"2024-01-01T00:00:00Z\",\"starts\":\"2024-01-01T00:00:00Z\",\"until\":\"2024-01-02T00:00:00Z\",\"author\":\"a\",\"reason\":\"r\"}]}",
        "{\"silences\":[{\"id\":1,\"match\":{\"level\":[\"loud\"]},\"created\":\"2024-01-01T00:00:00Z\",\"starts\":\"2024-01-01T00:00:00Z\",\"until\":\"2024-01-02T00:00:00Z\",\"author\":\"a\",\"reason\":\"r\"}]}",
        "{\"silences\":[{\"id\":1,\"match\":{\"actor\":[\"KHM\"]},\"created\":\"2024-01-02T00:00:00Z\",\"starts\":\"2024-01-02T00:00:00Z\",\"until\":\"2024-01-01T00:00:00Z\",\"author\":\"a\",\"reason\":\"r\"}]}",
    };
    size_t kn;
    char *keep = tu_read_file(path, &kn);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
      FILE *f = fopen(path, "w");
      fputs(bad[i], f);
      fclose(f);
      ok(att_silences_read(dir, &all) == ATT_ECORRUPT && strstr(att_errmsg(), "silences.json"),
         "damage %zu is named: %s", i, att_errmsg());
      ok(att_silences_verify(dir, NULL, NULL) == ATT_ECORRUPT, "and fsck finds it");
    }
    if (keep) {
      FILE *f = fopen(path, "w");
      fwrite(keep, 1, kn, f);
      fclose(f);
    }
    free(keep);
    ok(att_silences_verify(dir, NULL, NULL) == 0, "restored, it verifies");
  }
  tu_rmrf(dir);
  return done_testing();
}
