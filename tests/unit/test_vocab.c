/*
 * Tests of core/vocab.h: the edit distance (with transpositions, in
 * characters, blind to ASCII case), the ranking of suggestions and their
 * text, the values a store holds (from the journal and, after a
 * compaction, from the snapshot's dictionary) and the check of a kind or
 * status against the documented words, the settings' and the store's.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "tap.h"
#include "testutil.h"
#include "vocab.h"

static void distances(void) {
  static const struct {
    const char *a, *b;
    int max, want;
  } t[] = {
      {"planned", "planned", 3, 0},  {"planed", "planned", 3, 1},   {"meetng", "meeting", 3, 1},
      {"hled", "held", 3, 1},        {"teh", "the", 3, 1},          {"ab", "ba", 3, 1},
      {"Japan", "JAPAN", 3, 0},      {"japn", "Japan", 3, 1},       {"", "abc", 5, 3},
      {"abc", "", 5, 3},             {"", "", 0, 0},                {"kitten", "sitting", 5, 3},
      {"ca", "abc", 5, 3},           {"Türkiye", "Turkiye", 3, 1},  {"Türkiye", "TÜRKIYE", 3, 1},
      {"aaaaaaaa", "bbbbbbbb", 2, 3}, {"a", "abcdefgh", 2, 3},      {"confimred", "confirmed", 3, 1},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    is_int(att_edit_distance(t[i].a, t[i].b, t[i].max), t[i].want, "distance(\"%s\", \"%s\", max %d)",
           t[i].a, t[i].b, t[i].max);
    is_int(att_edit_distance(t[i].b, t[i].a, t[i].max), t[i].want, "symmetric for \"%s\", \"%s\"",
           t[i].a, t[i].b);
  }
  /* Longer than any word: never near. */
  {
    char big[600];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    is_int(att_edit_distance(big, big, 3), 4, "a word of 599 characters is near nothing");
  }
  is_int(att_suggest_reach("call"), 1, "reach of 4 characters");
  is_int(att_suggest_reach("planed"), 2, "reach of 6 characters");
  is_int(att_suggest_reach("anniversry"), 3, "reach of 10 characters");
}

static void suggestions(void) {
  att_suggest s;
  char buf[300];
  att_suggest_init(&s, "planed");
  att_suggest_offer(&s, "held", NULL);
  att_suggest_offer(&s, "planned", NULL);
  att_suggest_offer(&s, "plane", NULL);
  is_int((int)s.n, 2, "two words within reach");
  is_str(s.best[0].label, "planned", "the nearest first, then in the order offered (both 1)");
  is_str(att_suggest_text(&s, 1, buf, sizeof buf), "did you mean \"planned\" or \"plane\"?",
         "two in the text");
  att_suggest_init(&s, "xyzzy");
  att_suggest_offer(&s, "meeting", NULL);
  is_str(att_suggest_text(&s, 1, buf, sizeof buf), "", "nothing near: no text");
  /* One label offered by several names keeps its nearest. */
  att_suggest_init(&s, "Japn");
  att_suggest_offer(&s, "JAM", "JAM (Jamaica)");
  att_suggest_offer(&s, "JPN", "JPN (Japan)");
  att_suggest_offer(&s, "Japan", "JPN (Japan)");
  att_suggest_offer(&s, "JP", "JPN (Japan)");
  is_int((int)s.n, 1, "one label for Japan's names (JAM is 2 away)");
  is_str(att_suggest_text(&s, 0, buf, sizeof buf), "did you mean JPN (Japan)?", "unquoted label");
  /* At most ATT_SUGGEST_MAX, the nearest kept. */
  att_suggest_init(&s, "abcd");
  att_suggest_offer(&s, "abcx", NULL);
  att_suggest_offer(&s, "abxd", NULL);
  att_suggest_offer(&s, "axcd", NULL);
  att_suggest_offer(&s, "abcd", NULL);
  is_int((int)s.n, 3, "three at most");
  is_str(s.best[0].label, "abcd", "an exact match ranks first whenever it comes");
  is_str(att_suggest_text(&s, 1, buf, sizeof buf), "did you mean \"abcd\", \"abcx\" or \"abxd\"?",
         "three in the text");
}

static void check_words(void) {
  const char *extra[] = {"summit", "retreat"};
  is_int(att_vocab_check(NULL, ATT_VOCAB_STATUS, "planned", NULL, 0), 0, "a documented status");
  is_int(att_vocab_check(NULL, ATT_VOCAB_KIND, "anniversary", NULL, 0), 0, "a documented kind");
  is_int(att_vocab_check(NULL, ATT_VOCAB_STATUS, "planed", NULL, 0), ATT_ENOTFOUND, "planed");
  ok(strstr(att_errmsg(), "did you mean \"planned\"?") != NULL, "planed: %s", att_errmsg());
  ok(strstr(att_errmsg(), "status \"planed\"") != NULL, "the message names the value");
  is_int(att_vocab_check(NULL, ATT_VOCAB_KIND, "meeting", NULL, 0), 0, "meeting");
  is_int(att_vocab_check(NULL, ATT_VOCAB_KIND, "summit", NULL, 0), ATT_ENOTFOUND, "summit unknown");
  is_int(att_vocab_check(NULL, ATT_VOCAB_KIND, "summit", extra, 2), 0, "summit from the settings");
  is_int(att_vocab_check(NULL, ATT_VOCAB_KIND, "sumit", extra, 2), ATT_ENOTFOUND, "sumit");
  ok(strstr(att_errmsg(), "\"summit\"") != NULL, "a setting's word is suggested: %s", att_errmsg());
  is_int(att_vocab_check(NULL, ATT_VOCAB_ACTOR, "JPN", NULL, 0), ATT_EINVAL, "actors have no list");
}

static void store_values(const char *root) {
  char dir[4200];
  att_store *st;
  snprintf(dir, sizeof dir, "%s/s", root);
  if (!ok(att_store_init(dir) == 0, "init")) return;
  st = tu_open_write(dir);
  if (!st) return;
  is_int(att_store_holds(st, ATT_VOCAB_KIND, "signing"), 0, "an empty store holds nothing");
  ok(tu_add(st, "{\"title\":\"a\",\"when\":\"2024\",\"kind\":\"signing\",\"status\":\"ratified\","
                "\"actors\":[\"UNTAC\",\"KHM\"],\"tags\":[\"demining\"]}") > 0,
     "add");
  is_int(att_store_holds(st, ATT_VOCAB_KIND, "signing"), 1, "a kind from the journal");
  is_int(att_store_holds(st, ATT_VOCAB_STATUS, "ratified"), 1, "a status from the journal");
  is_int(att_store_holds(st, ATT_VOCAB_ACTOR, "UNTAC"), 1, "an actor from the journal");
  is_int(att_store_holds(st, ATT_VOCAB_TAG, "demining"), 1, "a tag from the journal");
  is_int(att_store_holds(st, ATT_VOCAB_KIND, "ratified"), 0, "fields are apart");
  is_int(att_vocab_check(st, ATT_VOCAB_KIND, "signing", NULL, 0), 0, "known once held");
  is_int(att_vocab_check(st, ATT_VOCAB_KIND, "signng", NULL, 0), ATT_ENOTFOUND, "signng");
  ok(strstr(att_errmsg(), "\"signing\"") != NULL, "a held word is suggested: %s", att_errmsg());
  ok(att_store_compact(st) == 0, "compact");
  att_store_close(st);
  st = tu_open_write(dir);
  if (!st) return;
  is_int(att_store_holds(st, ATT_VOCAB_KIND, "signing"), 1, "a kind from the snapshot");
  is_int(att_store_holds(st, ATT_VOCAB_ACTOR, "KHM"), 1, "an actor from the snapshot");
  is_int(att_store_holds(st, ATT_VOCAB_ACTOR, "khm"), 0, "held values are exact");
  ok(tu_add(st, "{\"title\":\"b\",\"when\":\"2024\",\"kind\":\"workshop\"}") > 0, "add another");
  is_int(att_vocab_check(st, ATT_VOCAB_KIND, "worksop", NULL, 0), ATT_ENOTFOUND, "worksop");
  ok(strstr(att_errmsg(), "\"workshop\"") != NULL, "journal and snapshot both offer: %s",
     att_errmsg());
  is_int(att_vocab_check(st, ATT_VOCAB_KIND, "signin", NULL, 0), ATT_ENOTFOUND, "signin");
  ok(strstr(att_errmsg(), "\"signing\"") != NULL, "the snapshot's dictionary offers: %s",
     att_errmsg());
  att_store_close(st);
}

int main(void) {
  char tmpl[] = "/tmp/att-vocab.XXXXXX";
  char *root = mkdtemp(tmpl);
  distances();
  suggestions();
  check_words();
  if (ok(root != NULL, "scratch directory")) {
    store_values(root);
    tu_rmrf(root);
  }
  return done_testing();
}
