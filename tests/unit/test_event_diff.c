/*
 * Unit tests of the field diff (core/event_diff.c): every kind of field
 * (words, strings, EDTF dates, lists of strings, people, links, source
 * member by member, the user's fields key by key), an add, a removal, no
 * change (and a change of rev and updated only, which is none), the
 * order of the table of fields, quoting and escapes, shortening of long
 * notes around their difference, Unicode, and the JSON form.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "error.h"
#include "event_diff.h"
#include "text.h"
#include "tap.h"

/* "field: text" lines of the diff of a and b (NULL: absent), or "ERR". */
static char got[8192];

static const char *diff(const char *a, const char *b) {
  att_diff d;
  size_t i, n = 0;
  got[0] = '\0';
  if (att_event_diff(a, a ? strlen(a) : 0, b, b ? strlen(b) : 0, &d) < 0) {
    snprintf(got, sizeof got, "ERR %s", att_errmsg());
    return got;
  }
  for (i = 0; i < d.n; i++)
    n += (size_t)snprintf(got + n, sizeof got - n, "%s: %s\n", d.v[i].field, d.v[i].text);
  att_diff_free(&d);
  return got;
}

static const char *json_of(const char *a, const char *b) {
  att_diff d;
  char *j;
  got[0] = '\0';
  if (att_event_diff(a, a ? strlen(a) : 0, b, b ? strlen(b) : 0, &d) < 0) return "ERR";
  j = att_diff_to_json(&d);
  snprintf(got, sizeof got, "%s", j ? j : "NULL");
  free(j);
  att_diff_free(&d);
  return got;
}

#define EV(rest) "{\"id\":7,\"title\":\"CDC meeting\",\"when\":\"2024-01~/2024-04~\"" rest "}"
#define EVW(when, rest) "{\"id\":7,\"title\":\"CDC meeting\",\"when\":\"" when "\"" rest "}"

static void test_none(void) {
  is_str(diff(EV(""), EV("")), "", "the same text: nothing");
  is_str(diff(EV(",\"rev\":1,\"updated\":\"2024-01-01T00:00:00Z\""),
              EV(",\"rev\":2,\"updated\":\"2024-02-01T00:00:00Z\"")),
         "", "rev and updated are not fields of the diff");
  is_str(diff(EV(",\"created\":\"2024-01-01T00:00:00Z\""), EV("")), "", "nor created");
  is_str(diff(NULL, NULL), "", "neither side: nothing");
  is_str(diff("{\"title\":\"x\",\"when\":\"2024\",\"tags\":[\"a\",\"b\"]}",
              "{\"tags\":[\"a\",\"b\"],\"when\":\"2024\",\"title\":\"x\"}"),
         "", "the members' order in the text does not matter");
}

static void test_values(void) {
  is_str(diff(EV(""), EVW("2024-03-12", "")), "when: 2024-01~/2024-04~ -> 2024-03-12\n",
         "when: the EDTF as stored");
  is_str(diff(EV(",\"status\":\"planned\""), EV(",\"status\":\"confirmed\"")),
         "status: planned -> confirmed\n", "a word");
  is_str(diff(EV(""), EV(",\"kind\":\"meeting\"")), "kind: (none) -> meeting\n",
         "a field set");
  is_str(diff(EV(",\"where\":\"Phnom Penh\""), EV("")), "where: \"Phnom Penh\" -> (none)\n",
         "a field taken away; quoted for its space");
  is_str(diff("{\"title\":\"CDC meeting\",\"when\":\"2024\"}",
              "{\"title\":\"CDC plenary\",\"when\":\"2024\"}"),
         "title: \"CDC meeting\" -> \"CDC plenary\"\n", "a title");
  is_str(diff(EV(",\"key\":\"cdc-1\""), EV(",\"key\":\"cdc-2\"")), "key: cdc-1 -> cdc-2\n",
         "a key");
  is_str(diff(EV(",\"tz\":\"Asia/Phnom_Penh\""), EV(",\"tz\":\"Asia/Tokyo\"")),
         "tz: Asia/Phnom_Penh -> Asia/Tokyo\n", "a zone");
  is_str(diff(EV(""), EV(",\"recur\":\"FREQ=YEARLY;BYMONTH=3\"")),
         "recur: (none) -> FREQ=YEARLY;BYMONTH=3\n", "a recurrence");
  is_str(diff(EVW("-0500", ""), EVW("2024-03-12T10:00:00+07:00", "")),
         "when: -0500 -> 2024-03-12T10:00:00+07:00\n", "EDTF is never quoted");
}

static void test_quoting(void) {
  is_str(diff(EV(",\"where\":\"a\\\"b\""), EV(",\"where\":\"a\\\\b\"")),
         "where: \"a\\\"b\" -> \"a\\\\b\"\n", "a quote and a backslash: quoted, escaped");
  is_str(diff(EV(",\"where\":\"a,b\""), EV(",\"where\":\"(none)\"")),
         "where: \"a,b\" -> \"(none)\"\n", "a comma, and the word for nothing, are quoted");
  is_str(diff(EV(",\"where\":\"a->b\""), EV("")), "where: \"a->b\" -> (none)\n",
         "an arrow is quoted");
  is_str(diff(EV(",\"notes\":\"one\\ntwo\\tthree\\r\""), EV("")),
         "notes: \"one\\ntwo\\tthree\\r\" -> (none)\n", "line breaks and tabs escaped");
  is_str(diff(EV(",\"notes\":\"a\\u0007b\""), EV("")), "notes: \"a\\u0007b\" -> (none)\n",
         "another control character as \\u");
}

static void test_lists(void) {
  is_str(diff(EV(",\"actors\":[\"THA\",\"JPN\"]"), EV(",\"actors\":[\"JPN\",\"KHM\"]")),
         "actors: +KHM -THA\n", "actors added and removed");
  is_str(diff(EV(""), EV(",\"actors\":[\"KHM\",\"JPN\"]")), "actors: +KHM +JPN\n",
         "a list where there was none");
  is_str(diff(EV(",\"tags\":[\"trade\"]"), EV("")), "tags: -trade\n", "a list taken away");
  is_str(diff(EV(",\"actors\":[\"KHM\",\"JPN\"]"), EV(",\"actors\":[\"JPN\",\"KHM\"]")),
         "actors: KHM, JPN -> JPN, KHM\n", "only the order changed");
  is_str(diff(EV(",\"tags\":[\"trade\"]"), EV(",\"tags\":[\"trade\",\"human rights\"]")),
         "tags: +\"human rights\"\n", "an item with a space is quoted");
  is_str(diff(EV(",\"people\":[{\"name\":\"A. Minister\",\"role\":\"Minister\",\"actor\":\"JPN\"}]"),
              EV(",\"people\":[{\"name\":\"Hun Manet\",\"role\":\"Prime Minister\","
                 "\"actor\":\"KHM\"},{\"name\":\"Sok\"}]")),
         "people: +\"Hun Manet, Prime Minister (KHM)\" +Sok -\"A. Minister, Minister (JPN)\"\n",
         "people: name, role (actor)");
  is_str(diff(EV(",\"people\":[{\"name\":\"Sok\",\"role\":\"Envoy\"}]"),
              EV(",\"people\":[{\"name\":\"Sok\",\"role\":\"Minister\"}]")),
         "people: +\"Sok, Minister\" -\"Sok, Envoy\"\n", "a person's role changed");
  is_str(diff(EV(",\"links\":[{\"rel\":\"related\",\"id\":2}]"),
              EV(",\"links\":[{\"rel\":\"follows\",\"id\":3}]")),
         "links: +follows=3 -related=2\n", "links as rel=ID");
  is_str(diff(EV(",\"tags\":[\"a\",\"a2\"]"), EV(",\"tags\":[\"a2\",\"b\",\"a\"]")),
         "tags: +b\n", "one added among the same ones moved");
  {
    char a[2048], b[2048], want[512];
    size_t n = 0, m = 0, i;
    n += (size_t)snprintf(a + n, sizeof a - n, "{\"title\":\"t\",\"when\":\"2024\",\"tags\":[");
    for (i = 0; i < 25; i++) n += (size_t)snprintf(a + n, sizeof a - n, "%s\"t%zu\"", i ? "," : "", i);
    snprintf(a + n, sizeof a - n, "]}");
    snprintf(b, sizeof b, "{\"title\":\"t\",\"when\":\"2024\"}");
    m += (size_t)snprintf(want + m, sizeof want - m, "tags: ");
    for (i = 0; i < 10; i++) m += (size_t)snprintf(want + m, sizeof want - m, "%s-t%zu", i ? " " : "", i);
    snprintf(want + m, sizeof want - m, " and 15 more\n");
    is_str(diff(a, b), want, "a long list: the first ten and how many more");
    m = 0;
    m += (size_t)snprintf(want + m, sizeof want - m, "tags: ");
    for (i = 0; i < 10; i++) m += (size_t)snprintf(want + m, sizeof want - m, "%st%zu", i ? ", " : "", i);
    snprintf(want + m, sizeof want - m, " and 15 more\n");
    got[0] = '\0';
    {
      const char *g = diff(NULL, a);
      const char *t = strstr(g, "tags: ");
      is_str(t, want, "the same in an add");
    }
  }
}

static void test_source_fields(void) {
  is_str(diff(EV(",\"source\":{\"title\":\"Press release\",\"published\":\"2024-01\"}"),
              EV(",\"source\":{\"title\":\"Press release\",\"url\":\"https://example.org/1\","
                 "\"published\":\"2024-02-03\"}")),
         "source.url: (none) -> https://example.org/1\n"
         "source.published: 2024-01 -> 2024-02-03\n",
         "source member by member, published as EDTF");
  is_str(diff(EV(""), EV(",\"source\":{\"publisher\":\"MOFA\"}")),
         "source.publisher: (none) -> MOFA\n", "a source where there was none");
  is_str(diff(EV(",\"fields\":{\"budget\":100,\"ok\":true,\"ref\":\"A-1\"}"),
              EV(",\"fields\":{\"budget\":200,\"new\":[1,\"x\"],\"ref\":\"A-1\"}")),
         "fields.budget: 100 -> 200\n"
         "fields.new: (none) -> [1,\"x\"]\n"
         "fields.ok: true -> (none)\n",
         "the user's fields key by key, in key order, as JSON");
  is_str(diff(EV(",\"fields\":{\"n\":\"100\"}"), EV(",\"fields\":{\"n\":100}")),
         "fields.n: \"100\" -> 100\n", "a string that reads as a number is quoted");
  is_str(diff(EV(",\"fields\":{\"who\":\"desk A\"}"), EV(",\"fields\":{\"who\":\"desk\"}")),
         "fields.who: \"desk A\" -> desk\n", "a plain string is not");
}

static void test_order(void) {
  const char *a = "{\"id\":7,\"key\":\"k1\",\"title\":\"t1\",\"kind\":\"call\","
                  "\"status\":\"held\",\"when\":\"2024\",\"recur\":\"FREQ=YEARLY\","
                  "\"tz\":\"UTC\",\"where\":\"w1\",\"actors\":[\"A\"],"
                  "\"people\":[{\"name\":\"p1\"}],\"tags\":[\"g1\"],"
                  "\"source\":{\"title\":\"s1\"},\"notes\":\"n1\","
                  "\"links\":[{\"rel\":\"related\",\"id\":1}],\"fields\":{\"f\":1},\"rev\":1}";
  const char *b = "{\"id\":7,\"key\":\"k2\",\"title\":\"t2\",\"kind\":\"visit\","
                  "\"status\":\"planned\",\"when\":\"2025\",\"recur\":\"FREQ=MONTHLY\","
                  "\"tz\":\"Asia/Tokyo\",\"where\":\"w2\",\"actors\":[\"B\"],"
                  "\"people\":[{\"name\":\"p2\"}],\"tags\":[\"g2\"],"
                  "\"source\":{\"title\":\"s2\"},\"notes\":\"n2\","
                  "\"links\":[{\"rel\":\"related\",\"id\":2}],\"fields\":{\"f\":2},\"rev\":2}";
  is_str(diff(a, b),
         "key: k1 -> k2\ntitle: t1 -> t2\nkind: call -> visit\nstatus: held -> planned\n"
         "when: 2024 -> 2025\nrecur: FREQ=YEARLY -> FREQ=MONTHLY\ntz: UTC -> Asia/Tokyo\n"
         "where: w1 -> w2\nactors: +B -A\npeople: +p2 -p1\ntags: +g2 -g1\n"
         "source.title: s1 -> s2\nnotes: n1 -> n2\nlinks: +related=2 -related=1\n"
         "fields.f: 1 -> 2\n",
         "every field, in the order of the table of fields");
}

static void test_add_remove(void) {
  const char *ev = "{\"id\":7,\"title\":\"CDC meeting\",\"kind\":\"meeting\","
                   "\"when\":\"2024-03-12\",\"actors\":[\"KHM\",\"JPN\"],"
                   "\"source\":{\"published\":\"2024-01\"},\"fields\":{\"a\":1},"
                   "\"created\":\"2024-01-01T00:00:00Z\",\"rev\":1}";
  const char *want = "title: \"CDC meeting\"\nkind: meeting\nwhen: 2024-03-12\n"
                     "actors: KHM, JPN\nsource.published: 2024-01\nfields.a: 1\n";
  is_str(diff(NULL, ev), want, "an add: each field with its value");
  is_str(diff(ev, NULL), want, "a removal: the same, what was removed");
  is_str(json_of(NULL, "{\"title\":\"x\",\"when\":\"2024\",\"tags\":[\"a\"]}"),
         "[{\"field\":\"title\",\"old\":null,\"new\":\"x\"},"
         "{\"field\":\"when\",\"old\":null,\"new\":\"2024\"},"
         "{\"field\":\"tags\",\"old\":null,\"new\":[\"a\"]}]",
         "an add in JSON: old is null");
  is_str(json_of("{\"title\":\"x\",\"when\":\"2024\"}", NULL),
         "[{\"field\":\"title\",\"old\":\"x\",\"new\":null},"
         "{\"field\":\"when\",\"old\":\"2024\",\"new\":null}]",
         "a removal in JSON: new is null");
}

static void test_json(void) {
  is_str(json_of(EV(",\"actors\":[\"THA\"],\"source\":{\"published\":\"2024\"},"
                    "\"fields\":{\"x\":{\"y\":[1]}}"),
                 EVW("2024-03-12", ",\"actors\":[\"KHM\"],\"fields\":{\"x\":{\"y\":[2]}}")),
         "[{\"field\":\"when\",\"old\":\"2024-01~/2024-04~\",\"new\":\"2024-03-12\"},"
         "{\"field\":\"actors\",\"old\":[\"THA\"],\"new\":[\"KHM\"]},"
         "{\"field\":\"source.published\",\"old\":\"2024\",\"new\":null},"
         "{\"field\":\"fields.x\",\"old\":{\"y\":[1]},\"new\":{\"y\":[2]}}]",
         "JSON: the values themselves, whole");
  is_str(json_of(EV(""), EV("")), "[]", "no change: an empty array");
  {
    char long_notes[512];
    int i, n = 0;
    for (i = 0; i < 20; i++) n += snprintf(long_notes + n, sizeof long_notes - n, "word%02d ", i);
    {
      char a[1024], want[1024];
      snprintf(a, sizeof a, "{\"title\":\"x\",\"when\":\"2024\",\"notes\":\"%s\"}", long_notes);
      snprintf(want, sizeof want, "[{\"field\":\"notes\",\"old\":\"%s\",\"new\":null}]",
               long_notes);
      is_str(json_of(a, "{\"title\":\"x\",\"when\":\"2024\"}"), want,
             "JSON: long notes are not shortened");
    }
  }
}

/* Characters (code points) of s. */
static size_t chars(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) n++;
  return n;
}

static void test_long(void) {
  char base[400], a[600], b[600];
  const char *g, *arrow;
  int i, n = 0;
  for (i = 0; i < 30; i++) n += snprintf(base + n, sizeof base - n, "line%02d ", i);
  /* 210 characters; the new notes add a sentence at the end */
  snprintf(a, sizeof a, "{\"title\":\"x\",\"when\":\"2024\",\"notes\":\"%s\"}", base);
  snprintf(b, sizeof b, "{\"title\":\"x\",\"when\":\"2024\",\"notes\":\"%sConfirmed.\"}", base);
  g = diff(a, b);
  ok(strncmp(g, "notes: \"\xE2\x80\xA6", 11) == 0, "long notes start with an ellipsis: %s", g);
  ok(strstr(g, "Confirmed.") != NULL, "the difference is in view");
  arrow = strstr(g, " -> ");
  ok(arrow != NULL && chars(g) < 2 * (ATT_DIFF_TEXT_MAX + 4) + 12, "both sides shortened (%zu)",
     chars(g));
  ok(strstr(g, "line29") != NULL && strstr(g, "line00") == NULL,
     "the common start is left out, the text before the change kept");
  /* a change at the start: shown from the start, cut at the end */
  snprintf(b, sizeof b, "{\"title\":\"x\",\"when\":\"2024\",\"notes\":\"Draft: %s\"}", base);
  g = diff(a, b);
  ok(strncmp(g, "notes: \"line00", 14) == 0 && strstr(g, "-> \"Draft: line00") != NULL,
     "a change at the start: from the start: %s", g);
  ok(strstr(g, "\xE2\x80\xA6\" -> ") != NULL, "cut at the end with an ellipsis");
  /* a long title in an add, alone */
  g = diff(NULL, a);
  ok(strstr(g, "notes: \"line00") != NULL && strstr(g, "\xE2\x80\xA6\"\n") != NULL,
     "an add: long notes from the start, cut: %s", g);
}

static void test_unicode(void) {
  char a[1024], b[1100];
  const char *g;
  int i, n;
  is_str(diff("{\"title\":\"R\xC3\xA9union\",\"when\":\"2024\"}",
              "{\"title\":\"R\xC3\xA9union \xC3\xA0 Phnom Penh\",\"when\":\"2024\"}"),
         "title: R\xC3\xA9union -> \"R\xC3\xA9union \xC3\xA0 Phnom Penh\"\n",
         "accented letters as they are");
  is_str(diff(EV(",\"tags\":[\"a\xC2\xA0" "b\"]"), EV(",\"tags\":[\"\xE6\x97\xA5\xE6\x9C\xAC\"]")),
         "tags: +\xE6\x97\xA5\xE6\x9C\xAC -\"a\xC2\xA0" "b\"\n",
         "a no-break space is quoted like a space; CJK as it is");
  /* 100 two-byte and three-byte characters: cut at a character, valid UTF-8 */
  n = snprintf(a, sizeof a, "{\"title\":\"x\",\"when\":\"2024\",\"notes\":\"");
  for (i = 0; i < 100; i++) n += snprintf(a + n, sizeof a - n, i % 2 ? "\xC3\xA9" : "\xE6\x97\xA5");
  snprintf(b, sizeof b, "%s\"}", a);
  snprintf(a + n, sizeof a - n, "\xF0\x9F\x98\x80\"}");
  g = diff(b, a);
  ok(att_utf8_check(g, strlen(g)) == 0, "shortened Unicode is valid UTF-8");
  ok(strstr(g, "\xF0\x9F\x98\x80") != NULL, "and shows the emoji that was added: %s", g);
}

static void test_errors(void) {
  att_diff d;
  ok(att_event_diff("[1]", 3, NULL, 0, &d) == ATT_EINVAL && d.n == 0 &&
         strstr(att_errmsg(), "object") != NULL,
     "not an object: refused (%s)", att_errmsg());
  ok(att_event_diff("{\"title\":", 9, NULL, 0, &d) == ATT_EINVAL, "not JSON: refused (%s)",
     att_errmsg());
  ok(att_event_diff(NULL, 0, "{\"title\":\"x\",\"when\":\"2024\",\"tags\":3}", 35, &d) ==
         ATT_EINVAL,
     "a list that is not an array: refused (%s)", att_errmsg());
  att_diff_free(&d);
}

int main(void) {
  test_none();
  test_values();
  test_quoting();
  test_lists();
  test_source_fields();
  test_order();
  test_add_remove();
  test_json();
  test_long();
  test_unicode();
  test_errors();
  return done_testing();
}
