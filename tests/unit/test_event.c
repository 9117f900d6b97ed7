/*
 * Unit tests of the event model (core/event.c, core/event_read.c,
 * core/event_write.c, core/event_patch.c, core/utf8.c): a full round
 * trip, one failing input per rule with a check that the message names
 * the field and shows the value, invalid UTF-8 wherever a string can be,
 * duplicate keys, and merge patches.  test_event_fields.c walks the
 * table of fields.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "error.h"
#include "event.h"
#include "json.h"
#include "text.h"
#include "tap.h"

/* A stored record in canonical form: every field, in output order. */
static const char full_json[] =
    "{\"id\":7,\"key\":\"cdc-2024-policy-meeting\","
    "\"title\":\"Meeting at the CDC to endorse the 2024-28 policy\","
    "\"kind\":\"meeting\",\"status\":\"planned\",\"when\":\"2024-03~\","
    "\"recur\":\"FREQ=YEARLY;BYMONTH=3;BYDAY=1MO\",\"where\":\"Phnom Penh\","
    "\"actors\":[\"KHM\",\"JPN\",\"CDC\"],"
    "\"people\":[{\"name\":\"A. Minister\",\"role\":\"Minister\","
    "\"actor\":\"JPN\"},{\"name\":\"B. Official\"}],"
    "\"tags\":[\"policy\",\"d\xC3\xA9minage\"],"
    "\"source\":{\"title\":\"Press release\","
    "\"url\":\"https://example.org/press/1\",\"publisher\":\"MOFA\","
    "\"published\":\"2023-12-18\"},"
    "\"notes\":\"Line one.\\nLine two.\\tTabbed.\","
    "\"links\":[{\"rel\":\"follows\",\"id\":3},{\"rel\":\"part-of\",\"id\":5}],"
    "\"fields\":{\"budget\":1500000,\"ref\":[\"a\",{\"b\":null}],\"ok\":true},"
    "\"created\":\"2023-12-18T09:30:00Z\",\"updated\":\"2023-12-19T10:00:00Z\","
    "\"rev\":2}";

static const char *msg(void) { return att_errmsg(); }

static int has(const char *s) { return s && strstr(msg(), s) != NULL; }

static void round_trip(void) {
  att_event ev, back, cp;
  char *out, *out2;
  int rc;

  rc = att_event_from_json(full_json, strlen(full_json), ATT_EV_STORED, &ev);
  is_int(rc, 0, "full stored event reads (%s)", msg());
  is_int(ev.id, 7, "id kept with ATT_EV_STORED");
  is_int(ev.rev, 2, "rev kept");
  ok(ev.created > 0 && ev.updated > ev.created, "created and updated kept");
  is_str(ev.key, "cdc-2024-policy-meeting", "key");
  is_int(ev.actors.n, 3, "three actors");
  is_int(ev.npeople, 2, "two people");
  ok(ev.people[1].role == NULL && ev.people[1].actor == NULL,
     "absent person fields are NULL");
  ok(ev.source && strcmp(ev.source->published, "2023-12-18") == 0,
     "source.published");
  is_int(ev.nlinks, 2, "two links");
  is_int(ev.links[1].id, 5, "link id");
  is_str(ev.fields,
         "{\"budget\":1500000,\"ref\":[\"a\",{\"b\":null}],"
         "\"ok\":true}",
         "fields kept as compact JSON");
  ok(ev.bounds.earliest < ev.bounds.latest, "bounds filled from when");

  out = att_event_to_json(&ev);
  is_str(out, full_json, "to_json gives the canonical text back exactly");
  rc = att_event_from_json(out, strlen(out), ATT_EV_STORED, &back);
  is_int(rc, 0, "to_json output reads back");
  ok(att_event_equal(&ev, &back), "from_json(to_json(e)) == e");
  out2 = att_event_to_json(&back);
  is_str(out2, out, "to_json is stable");
  free(out2);
  att_event_free(&back);

  /* Without ATT_EV_STORED an export imports again, store fields dropped. */
  rc = att_event_from_json(out, strlen(out), 0, &back);
  is_int(rc, 0, "stored record imports without the flag");
  ok(back.id == 0 && back.rev == 0 && back.created == 0 && back.updated == 0,
     "id, rev, created, updated ignored without the flag");
  out2 = att_event_to_json(&back);
  ok(out2 && strncmp(out2, "{\"key\"", 6) == 0 &&
         strstr(out2, "\"rev\"") == NULL && strstr(out2, "\"created\"") == NULL,
     "unset store fields are left out of JSON");
  free(out2);
  att_event_free(&back);
  free(out);

  rc = att_event_copy(&cp, &ev);
  is_int(rc, 0, "copy");
  ok(att_event_equal(&cp, &ev), "copy is equal");
  ok(cp.title != ev.title && cp.people != ev.people, "copy is deep");
  free(cp.title);
  cp.title = strdup("Other");
  ok(!att_event_equal(&cp, &ev), "changed copy differs");
  att_event_free(&cp);

  ok(att_event_has_actor(&ev, "JPN"), "has_actor JPN");
  ok(!att_event_has_actor(&ev, "jpn"), "has_actor is exact");
  ok(att_event_has_tag(&ev, "d\xC3\xA9minage"), "has_tag");
  ok(!att_event_has_tag(&ev, "defence"), "has_tag absent");
  att_event_free(&ev);
  ok(ev.title == NULL && ev.actors.n == 0, "free leaves the event empty");
  att_event_free(&ev); /* twice is harmless */
}

static void normalising(void) {
  static const struct {
    const char *in, *out;
  } t[] = {
      /* empty arrays, {} and null are the same as absent */
      {"{\"title\":\"T\",\"when\":\"2023\",\"actors\":[],\"tags\":[],"
       "\"people\":[],\"links\":[],\"source\":{},\"fields\":{},"
       "\"where\":null,\"notes\":null,\"key\":null}",
       "{\"title\":\"T\",\"when\":\"2023\"}"},
      /* members in any order come out in the fixed order */
      {"{\"tags\":[\"x\"],\"when\":\"2024/2028\",\"title\":\"T\","
       "\"kind\":\"policy\"}",
       "{\"title\":\"T\",\"kind\":\"policy\",\"when\":\"2024/2028\","
       "\"tags\":[\"x\"]}"},
      /* recur is stored canonical */
      {"{\"title\":\"T\",\"when\":\"2023-12-17\",\"recur\":"
       "\"freq=yearly;bymonthday=17;bymonth=12\"}",
       "{\"title\":\"T\",\"when\":\"2023-12-17\",\"recur\":"
       "\"FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=17\"}"},
      /* fields made compact, numbers printed the cJSON way */
      {"{\"title\":\"T\",\"when\":\"2023\",\"fields\": { \"a\" : 1.0 , "
       "\"b\" : [ ] , \"c\":\"\\u00e9\" } }",
       "{\"title\":\"T\",\"when\":\"2023\",\"fields\":{\"a\":1,\"b\":[],"
       "\"c\":\"\xC3\xA9\"}}"},
      /* person fields in a fixed order too */
      {"{\"title\":\"T\",\"when\":\"2023\",\"people\":[{\"actor\":\"JPN\","
       "\"name\":\"N\"}],\"source\":{\"url\":\"u\",\"title\":\"t\"}}",
       "{\"title\":\"T\",\"when\":\"2023\",\"people\":[{\"name\":\"N\","
       "\"actor\":\"JPN\"}],\"source\":{\"title\":\"t\",\"url\":\"u\"}}"},
      /* surrounding white space is fine */
      {"  \n{\"title\":\"T\",\"when\":\"2023\"}\r\n\t ",
       "{\"title\":\"T\",\"when\":\"2023\"}"},
      /* a title may have other Unicode and white space inside */
      {"{\"title\":\"\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x87\xAF\","
       "\"when\":\"2023\"}",
       "{\"title\":\"\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x87\xAF\","
       "\"when\":\"2023\"}"},
  };
  size_t i;
  for (i = 0; i < sizeof t / sizeof t[0]; i++) {
    att_event ev, back;
    char *out = NULL, *out2 = NULL;
    int rc = att_event_from_json(t[i].in, strlen(t[i].in), 0, &ev);
    is_int(rc, 0, "normalise %zu reads (%s)", i, msg());
    if (rc == 0) out = att_event_to_json(&ev);
    is_str(out, t[i].out, "normalise %zu: canonical JSON", i);
    if (out && att_event_from_json(out, strlen(out), 0, &back) == 0) {
      ok(att_event_equal(&ev, &back), "normalise %zu: round trip", i);
      out2 = att_event_to_json(&back);
      is_str(out2, out, "normalise %zu: stable", i);
      att_event_free(&back);
    } else {
      ok(0, "normalise %zu: round trip", i);
      ok(0, "normalise %zu: stable", i);
    }
    free(out);
    free(out2);
    att_event_free(&ev);
  }
}

/* Inputs that fail; the message must hold both strings. */
typedef struct bad {
  const char *extra; /* members of an object, or a whole text (see below) */
  int flags;
  const char *field, *value;
} bad;

#define BASE "\"title\":\"T\",\"when\":\"2023-12-17\""
#define STORED_BASE                                                            \
  "\"id\":1,\"rev\":1,\"created\":\"2023-12-18T09:30:00Z\",\"updated\":"       \
  "\"2023-12-18T09:30:00Z\","

static const bad bads[] = {
    /* the shape of the input */
    {"[1,2]", 0, "expected a JSON object", "array [1,2]"},
    {"!\"just a string\"", 0, "expected a JSON object", "just a string"},
    {"!42", 0, "expected a JSON object", "number 42"},
    {"!", 0, "event", "empty"},
    {"!   \n", 0, "event", "empty"},
    {"{\"title\":", 0, "not valid JSON", "ends too early"},
    {"{\"title\":\"T", 0, "not valid JSON", "ends too early"},
    {"{\"title\":\"T\",\"when\":\"2023\"]", 0, "not valid JSON near byte",
     "\"]\""},
    {"{\"title\":\"T\",,\"when\":\"2023\"}", 0, "not valid JSON near byte",
     "when"},
    {"{" BASE "} x", 0, "unexpected text after", "\"x\""},
    {"{" BASE "}{" BASE "}", 0, "unexpected text after", "{"},
    {"{\"title\":\"T\",\"title\":\"U\",\"when\":\"2023\"}", 0, "\"title\"",
     "appears twice"},
    {"{\"title\":\"a\nb\",\"when\":\"2023\"}", 0, "raw control character",
     "0x0A"},
    {"{\"title\":\"a\\u0000b\",\"when\":\"2023\"}", 0, "\\u0000", "NUL"},
    {"{\"title\":\"a\\\\u0000b\",\"when\":\"2023\"}", 0, NULL, NULL},
    /* unknown fields */
    {BASE ",\"colour\":\"red\"", 0, "event field \"colour\" is not known",
     "put your own data under \"fields\""},
    {BASE ",\"Title\":\"x\"", 0, "\"Title\" is not known",
     "known fields: id, key, title"},
    /* title */
    {"\"when\":\"2023\"", 0, "\"title\" is required", "non-empty string"},
    {"\"title\":null,\"when\":\"2023\"", 0, "\"title\" is required", "string"},
    {"\"title\":3,\"when\":\"2023\"", 0,
     "event field \"title\": expected a string", "got number 3"},
    {"\"title\":\"\",\"when\":\"2023\"", 0, "\"title\" is empty", "leave"},
    {"\"title\":\"  \\u3000 \",\"when\":\"2023\"", 0, "\"title\"",
     "only white space"},
    {"\"title\":\"bell\\u0007\",\"when\":\"2023\"", 0, "\"title\"", "U+0007"},
    {"\"title\":\"two\\nlines\",\"when\":\"2023\"", 0, "\"title\"", "U+000A"},
    {"\"title\":[\"T\"],\"when\":\"2023\"", 0, "\"title\"", "array [\"T\"]"},
    /* when */
    {"\"title\":\"T\"", 0, "\"when\" is required", "EDTF"},
    {"\"title\":\"T\",\"when\":\"2023-13-01\"", 0,
     "event field \"when\": \"2023-13-01\" is not a valid EDTF date",
     "2023-13-01"},
    {"\"title\":\"T\",\"when\":\"December 17, 2023\"", 0, "\"when\"",
     "December 17, 2023"},
    {"\"title\":\"T\",\"when\":2023", 0, "\"when\": expected a string",
     "number 2023"},
    /* key */
    {BASE ",\"key\":\"has space\"", 0, "\"key\"", "\"has space\""},
    {BASE ",\"key\":\"42\"", 0, "\"key\": \"42\" is all digits", "event id"},
    {BASE ",\"key\":\"-x\"", 0, "\"key\"", "begins with '-'"},
    {BASE ",\"key\":\"a/b\"", 0, "\"key\"", "'/'"},
    {BASE ",\"key\":\"caf\xC3\xA9\"", 0, "\"key\"", "non-ASCII"},
    {BASE ",\"key\":\"\"", 0, "\"key\" is empty", "leave the field out"},
    {BASE ",\"key\":7", 0, "\"key\": expected a string", "number 7"},
    {BASE ",\"key\":\"k123456789012345678901234567890123456789012345678901234"
          "56789012345678901234567890123456789012345678901234567890123456789"
          "012345678\"",
     0, "\"key\"", "129 bytes, at most 128"},
    /* kind and status */
    {BASE ",\"kind\":3", 0,
     "event field \"kind\": expected a string, got number 3", "3"},
    {BASE ",\"kind\":\"Meeting\"", 0, "\"kind\": \"Meeting\"", "lowercase"},
    {BASE ",\"kind\":\"state visit\"", 0, "\"kind\"", "known: meeting, visit"},
    {BASE ",\"kind\":\"9-a\"", 0, "\"kind\"", "\"9-a\""},
    {BASE ",\"kind\":\"abcdefghijabcdefghijabcdefghijabcdefghijx\"", 0,
     "\"kind\"", "at most 40"},
    {BASE ",\"status\":\"In Force\"", 0, "\"status\": \"In Force\"",
     "known: planned, confirmed"},
    {BASE ",\"status\":true", 0, "\"status\"", "boolean true"},
    /* recur */
    {BASE ",\"recur\":\"FREQ=HOURLY\"", 0, "event field \"recur\"", "HOURLY"},
    {BASE ",\"recur\":\"FREQ=YEARLY;BYSETPOS=1\"", 0, "\"recur\"", "BYSETPOS"},
    {BASE ",\"recur\":12", 0, "\"recur\"", "number 12"},
    /* where, notes */
    {BASE ",\"where\":[\"Tokyo\"]", 0, "\"where\": expected a string",
     "array [\"Tokyo\"]"},
    {BASE ",\"where\":\"\"", 0, "\"where\" is empty", "null"},
    {BASE ",\"notes\":{}", 0, "\"notes\": expected a string", "object {}"},
    {BASE ",\"notes\":\"nul\\u0001\"", 0, "\"notes\"", "U+0001"},
    /* actors and tags */
    {BASE ",\"actors\":\"KHM\"", 0, "\"actors\": expected an array",
     "string \"KHM\""},
    {BASE ",\"actors\":[\"KHM\",1]", 0, "\"actors[1]\": expected a string",
     "number 1"},
    {BASE ",\"actors\":[\"JPN\",\"KHM\",\"JPN\"]", 0, "\"actors\": \"JPN\"",
     "twice"},
    {BASE ",\"actors\":[\"\"]", 0, "\"actors[0]\" is empty", "leave"},
    {BASE ",\"actors\":[\" JPN\"]", 0, "\"actors[0]\": \" JPN\"",
     "white space"},
    {BASE ",\"actors\":[null]", 0, "\"actors[0]\": expected a string", "null"},
    {BASE ",\"tags\":[\"defence\",\"defence\"]", 0, "\"tags\": \"defence\"",
     "twice"},
    {BASE ",\"tags\":{\"a\":1}", 0, "\"tags\": expected an array",
     "object {\"a\":1}"},
    /* people */
    {BASE ",\"people\":{}", 0, "\"people\": expected an array", "object"},
    {BASE ",\"people\":[\"A\"]", 0, "\"people[0]\": expected an object",
     "string \"A\""},
    {BASE ",\"people\":[{\"role\":\"x\"}]", 0, "\"people[0].name\" is required",
     "name"},
    {BASE ",\"people\":[{\"name\":\"A\",\"email\":\"x\"}]", 0,
     "\"people[0]\": the key \"email\" is not known", "name, role, actor"},
    {BASE ",\"people\":[{\"name\":\"A\"},{\"name\":5}]", 0,
     "\"people[1].name\": expected a string", "number 5"},
    {BASE ",\"people\":[{\"name\":\"A\",\"name\":\"B\"}]", 0, "people[0]",
     "\"name\" appears twice"},
    {BASE ",\"people\":[{\"name\":\"A\",\"role\":\"\"}]", 0,
     "\"people[0].role\" is empty", "leave"},
    /* source */
    {BASE ",\"source\":\"press\"", 0, "\"source\": expected an object",
     "string \"press\""},
    {BASE ",\"source\":{\"title\":\"a\",\"isbn\":\"1\"}", 0,
     "\"source\": the key \"isbn\" is not known",
     "title, url, publisher, published"},
    {BASE ",\"source\":{\"published\":\"2023-12-45\"}", 0,
     "\"source.published\": \"2023-12-45\" is not a valid EDTF date", "45"},
    {BASE ",\"source\":{\"url\":3}", 0, "\"source.url\": expected a string",
     "number 3"},
    /* links */
    {BASE ",\"links\":[{\"rel\":\"cites\",\"id\":3}]", 0,
     "\"links[0].rel\": \"cites\"", "follows, part-of, supersedes, related"},
    {BASE ",\"links\":[{\"rel\":\"follows\",\"id\":0}]", 0, "\"links[0].id\"",
     "got number 0"},
    {BASE ",\"links\":[{\"rel\":\"follows\",\"id\":1.5}]", 0, "\"links[0].id\"",
     "number 1.5"},
    {BASE ",\"links\":[{\"rel\":\"follows\",\"id\":\"3\"}]", 0,
     "\"links[0].id\"", "string \"3\""},
    {BASE ",\"links\":[{\"rel\":\"follows\"}]", 0,
     "\"links[0]\" names no event", "\"key\" (a string)"},
    {BASE ",\"links\":[{\"rel\":\"follows\",\"id\":3,\"key\":\"k\"}]", 0,
     "\"links[0]\" has both an id and a key", "one of them"},
    {BASE ",\"key\":\"k\",\"links\":[{\"rel\":\"follows\",\"key\":\"k\"}]", 0,
     "\"links[0].key\": \"k\" is this event's own key", "another event"},
    {BASE ",\"links\":[{\"rel\":\"follows\",\"key\":\"9\"}]", 0,
     "\"links[0].key\"", "all digits"},
    {BASE ",\"links\":[{\"id\":4}]", 0, "\"links[0].rel\" is required",
     "follows"},
    {BASE ",\"links\":[{\"rel\":\"follows\",\"id\":3,\"note\":1}]", 0,
     "\"links[0]\": the key \"note\"", "rel, id"},
    {BASE ",\"links\":[{\"rel\":\"related\",\"id\":3},"
          "{\"rel\":\"related\",\"id\":3}]",
     0, "\"links\"", "listed twice"},
    {BASE ",\"links\":[{\"rel\":\"related\",\"id\":9007199254740992}]", 0,
     "\"links[0].id\"", "9007199254740991"},
    {STORED_BASE BASE ",\"links\":[{\"rel\":\"related\",\"id\":1}]",
     ATT_EV_STORED, "\"links[0].id\"", "own id"},
    /* fields */
    {BASE ",\"fields\":[1]", 0, "\"fields\": expected an object", "array [1]"},
    {BASE ",\"fields\":\"x\"", 0, "\"fields\": expected an object",
     "string \"x\""},
    {BASE ",\"fields\":{\"a\":1,\"a\":2}", 0, "event field \"fields\"",
     "the key \"a\" appears twice"},
    {BASE ",\"fields\":{\"x\":{\"b\":1,\"c\":[{\"b\":1,\"b\":2}]}}", 0,
     "event field \"fields.x.c[0]\"", "the key \"b\" appears twice"},
    {BASE ",\"fields\":{\"x\":1e999}", 0, "event field \"fields.x\"", "finite"},
    /* store fields */
    {BASE, ATT_EV_STORED, "\"id\" is required in a stored record", "store"},
    {"\"id\":1,\"rev\":1,\"created\":\"2023-12-18T09:30:00Z\"," BASE,
     ATT_EV_STORED, "\"updated\" is required", "stored record"},
    {"\"id\":-1,\"rev\":1,\"created\":\"2023-12-18T09:30:00Z\","
     "\"updated\":\"2023-12-18T09:30:00Z\"," BASE,
     ATT_EV_STORED, "\"id\"", "number -1"},
    {"\"id\":\"5\"," BASE, 0, "\"id\"", "string \"5\""},
    {"\"rev\":0," BASE, 0, "\"rev\"", "number 0"},
    {"\"id\":1,\"rev\":1,\"created\":\"yesterday\","
     "\"updated\":\"2023-12-18T09:30:00Z\"," BASE,
     ATT_EV_STORED, "\"created\": \"yesterday\"", "RFC 3339"},
    {"\"updated\":5," BASE, 0, "\"updated\"", "number 5"},
};

static void failures(void) {
  size_t i;
  char buf[2048], shown[300];
  for (i = 0; i < sizeof bads / sizeof bads[0]; i++) {
    const bad *b = &bads[i];
    att_event ev;
    const char *text = b->extra;
    int rc;
    /* Members of an object start with '"'; anything else is a whole
     * text, with a leading '!' to mark those that could look like members. */
    if (b->extra[0] == '!')
      snprintf(buf, sizeof buf, "%s", b->extra + 1);
    else if (b->extra[0] != '"')
      snprintf(buf, sizeof buf, "%s", b->extra);
    else
      snprintf(buf, sizeof buf, "{%s}", b->extra);
    text = buf;
    /* Escaped for the TAP line, which must stay one line. */
    att__show(shown, sizeof shown, text, strlen(text), 200);
    att__errclear();
    rc = att_event_from_json(text, strlen(text), b->flags, &ev);
    if (!b->field) {
      /* An escaped backslash before u0000 is not a NUL. */
      is_int(rc, 0, "bad[%zu] is in fact fine: %s (%s)", i, shown, msg());
      att_event_free(&ev);
      continue;
    }
    ok(rc == ATT_EINVAL && ev.title == NULL && ev.when == NULL,
       "bad[%zu] fails, event left empty: %s", i, shown);
    ok(has(b->field), "bad[%zu] message has '%s': %s", i, b->field, msg());
    ok(has(b->value), "bad[%zu] message has '%s'", i, b->value);
    att_event_free(&ev);
  }
}

/* Invalid UTF-8 in every kind of place. */
static void utf8(void) {
  static const struct {
    const char *bytes, *why;
  } seqs[] = {
      {"\xC0\xAF", "overlong"},               /* '/' in two bytes */
      {"\xE0\x80\xAF", "overlong"},           /* '/' in three bytes */
      {"\xED\xA0\x80", "surrogate"},          /* U+D800 */
      {"\xED\xBF\xBF", "surrogate"},          /* U+DFFF */
      {"\xE2\x82", "truncated"},              /* euro sign cut short */
      {"\xF4\x90\x80\x80", "above U+10FFFF"}, /* U+110000 */
      {"\xF5\x80\x80\x80", "above U+10FFFF"},
      {"\x80", "continuation"},
      {"\xFF", "never used"},
  };
  static const struct {
    const char *fmt, *field;
  } places[] = {
      {"{\"title\":\"a%sb\",\"when\":\"2023\"}", "\"title\""},
      {"{\"title\":\"T\",\"when\":\"2023\",\"actors\":[\"JPN\",\"K%s\"]}",
       "\"actors[1]\""},
      {"{\"title\":\"T\",\"when\":\"2023\",\"fields\":{\"k%s\":1}}",
       "event field \"fields\": the key"},
      {"{\"title\":\"T\",\"when\":\"2023\",\"fields\":{\"a\":{\"b\":[\"x%s\"]}}"
       "}",
       "\"fields.a.b[0]\""},
      {"{\"title\":\"T\",\"when\":\"2023\",\"people\":[{\"name\":\"%s\"}]}",
       "\"people[0].name\""},
      {"{\"title\":\"T\",\"when\":\"2023\",\"source\":{\"title\":\"%s\"}}",
       "\"source.title\""},
      {"{\"title\":\"T\",\"when\":\"2023\",\"notes\":\"%s\"}", "\"notes\""},
      {"{\"title\":\"T\",\"when\":\"2023\",\"x%s\":1}",
       "event: the field name \"x"},
  };
  static const struct {
    const char *s;
    int valid;
  } raw[] = {
      {"", 1},
      {"plain", 1},
      {"\xC3\xA9", 1},
      {"\xE2\x82\xAC", 1},
      {"\xF0\x9D\x84\x9E", 1},
      {"\xF4\x8F\xBF\xBF", 1}, /* U+10FFFF */
      {"\xED\x9F\xBF", 1},     /* U+D7FF */
      {"\xEE\x80\x80", 1},     /* U+E000 */
      {"\xC1\xBF", 0},
      {"\xF0\x80\x80\xAF", 0},
      {"\xC3", 0},
      {"\xE2\x82\x41", 0},
      {"\xF0\x9D\x84", 0},
  };
  size_t i, j;
  char buf[256], hex[8];

  for (i = 0; i < sizeof raw / sizeof raw[0]; i++)
    is_int(att_utf8_check(raw[i].s, strlen(raw[i].s)) == 0, raw[i].valid,
           "att_utf8_check raw[%zu]", i);
  ok(att_utf8_check("a\xC3\xA9"
                    "b\xC3",
                    5) < 0 &&
         has("byte 4") && has("truncated"),
     "att_utf8_check gives the offset and why: %s", msg());

  for (j = 0; j < sizeof places / sizeof places[0]; j++) {
    for (i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
      att_event ev;
      int rc;
      /* fmt holds a single %s; the formats are test-local constants. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
      snprintf(buf, sizeof buf, places[j].fmt, seqs[i].bytes);
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
      snprintf(hex, sizeof hex, "\\x%02X", (unsigned char)seqs[i].bytes[0]);
      rc = att_event_from_json(buf, strlen(buf), 0, &ev);
      ok(rc == ATT_EINVAL && has(places[j].field) && has("not valid UTF-8") &&
             has(seqs[i].why) && has(hex),
         "invalid UTF-8 %zu in %s: %s", i, places[j].field, msg());
      att_event_free(&ev);
    }
  }
}

static void validate_struct(void) {
  att_event ev;
  char *out;

  att_event_init(&ev);
  ok(att_event_validate(&ev) == ATT_EINVAL && has("\"title\" is required"),
     "empty struct: title required");
  ev.title = strdup("T");
  ok(att_event_validate(&ev) == ATT_EINVAL && has("\"when\" is required"),
     "then when required");
  ev.when = strdup("2023-12-17");
  ev.fields = strdup(" { \"b\" : [1, 2], \"a\": {} } ");
  is_int(att_event_validate(&ev), 0, "valid struct (%s)", msg());
  is_str(ev.fields, "{\"b\":[1,2],\"a\":{}}", "fields made compact");
  free(ev.fields);
  ev.fields = strdup("{}");
  is_int(att_event_validate(&ev), 0, "fields {} validates");
  ok(ev.fields == NULL, "fields {} becomes none");
  ev.fields = strdup("[1]");
  ok(att_event_validate(&ev) == ATT_EINVAL && has("\"fields\"") &&
         has("array [1]"),
     "fields must be an object: %s", msg());
  free(ev.fields);
  ev.fields = strdup("{\"a\":1} 2");
  ok(att_event_validate(&ev) == ATT_EINVAL && has("fields") &&
         has("unexpected text"),
     "fields with trailing text: %s", msg());
  free(ev.fields);
  ev.fields = NULL;
  ev.source = calloc(1, sizeof *ev.source);
  is_int(att_event_validate(&ev), 0, "empty source validates");
  ok(ev.source == NULL, "empty source becomes none");
  ev.id = -3;
  ok(att_event_validate(&ev) == ATT_EINVAL && has("\"id\"") && has("-3"),
     "negative id: %s", msg());
  ev.id = 0;
  ev.actors.v = calloc(2, sizeof *ev.actors.v);
  ev.actors.n = 2;
  ev.actors.v[0] = strdup("KHM");
  ev.actors.v[1] = strdup("KHM");
  ok(att_event_validate(&ev) == ATT_EINVAL && has("\"actors\"") &&
         has("\"KHM\"") && has("at 0 and 1"),
     "duplicate actor in a struct: %s", msg());
  free(ev.actors.v[1]);
  ev.actors.v[1] = strdup("JPN");
  free(ev.title);
  ev.title = malloc(ATT_EV_TITLE_MAX + 2);
  memset(ev.title, 'x', ATT_EV_TITLE_MAX + 1);
  ev.title[ATT_EV_TITLE_MAX + 1] = '\0';
  ok(att_event_validate(&ev) == ATT_EINVAL && has("\"title\"") &&
         has("1001 bytes, at most 1000") && has("\"xxxx") &&
         strlen(msg()) < 400,
     "long title: cut in the message: %s", msg());
  ev.title[ATT_EV_TITLE_MAX] = '\0';
  is_int(att_event_validate(&ev), 0, "title of exactly the cap");
  out = att_event_to_json(&ev);
  ok(out && strstr(out, "\"actors\":[\"KHM\",\"JPN\"]"), "struct to JSON");
  free(out);
  att_event_free(&ev);
}

static att_event base_event(void) {
  static const char j[] =
      "{\"id\":9,\"key\":\"k1\",\"title\":\"T\",\"when\":\"2024\","
      "\"where\":\"Tokyo\",\"actors\":[\"JPN\"],\"source\":{\"title\":\"s\","
      "\"url\":\"u\"},\"fields\":{\"a\":1,\"n\":{\"x\":1,\"y\":2}},"
      "\"created\":\"2023-12-18T09:30:00Z\",\"updated\":\"2023-12-19T09:30:"
      "00Z\","
      "\"rev\":4}";
  att_event ev;
  if (att_event_from_json(j, strlen(j), ATT_EV_STORED, &ev) < 0)
    printf("# base event: %s\n", msg());
  return ev;
}

static void patches(void) {
  static const struct {
    const char *patch, *want; /* want NULL: an error holding need */
    const char *need;
  } t[] = {
      {"{\"title\":\"New\"}",
       "{\"id\":9,\"key\":\"k1\",\"title\":\"New\",\"when\":\"2024\","
       "\"where\":\"Tokyo\",\"actors\":[\"JPN\"],\"source\":{\"title\":\"s\","
       "\"url\":\"u\"},\"fields\":{\"a\":1,\"n\":{\"x\":1,\"y\":2}},"
       "\"created\":\"2023-12-18T09:30:00Z\","
       "\"updated\":\"2023-12-19T09:30:00Z\",\"rev\":4}",
       NULL},
      {"{\"where\":null,\"key\":null,\"actors\":null}",
       "{\"id\":9,\"title\":\"T\",\"when\":\"2024\",\"source\":{\"title\":"
       "\"s\",\"url\":\"u\"},\"fields\":{\"a\":1,\"n\":{\"x\":1,\"y\":2}},"
       "\"created\":\"2023-12-18T09:30:00Z\","
       "\"updated\":\"2023-12-19T09:30:00Z\",\"rev\":4}",
       NULL},
      {"{\"source\":{\"url\":null,\"publisher\":\"P\"},\"fields\":{\"a\":null,"
       "\"n\":{\"y\":null,\"z\":{\"deep\":null,\"k\":3}},\"b\":[1]}}",
       "{\"id\":9,\"key\":\"k1\",\"title\":\"T\",\"when\":\"2024\","
       "\"where\":\"Tokyo\",\"actors\":[\"JPN\"],\"source\":{\"title\":\"s\","
       "\"publisher\":\"P\"},\"fields\":{\"n\":{\"x\":1,\"z\":{\"k\":3}},"
       "\"b\":[1]},\"created\":\"2023-12-18T09:30:00Z\","
       "\"updated\":\"2023-12-19T09:30:00Z\",\"rev\":4}",
       NULL},
      {"{\"actors\":[\"KHM\",\"JPN\"],\"source\":{\"title\":null,\"url\":null},"
       "\"fields\":{\"a\":null,\"n\":null},\"kind\":\"talks\","
       "\"tags\":[\"defence\"],\"links\":[{\"rel\":\"follows\",\"id\":2}]}",
       "{\"id\":9,\"key\":\"k1\",\"title\":\"T\",\"kind\":\"talks\","
       "\"when\":\"2024\",\"where\":\"Tokyo\",\"actors\":[\"KHM\",\"JPN\"],"
       "\"tags\":[\"defence\"],\"links\":[{\"rel\":\"follows\",\"id\":2}],"
       "\"created\":\"2023-12-18T09:30:00Z\","
       "\"updated\":\"2023-12-19T09:30:00Z\",\"rev\":4}",
       NULL},
      {"{}", NULL, ""}, /* filled in below: no change */
      {"{\"title\":null}", NULL, "\"title\" is required and cannot be removed"},
      {"{\"when\":null}", NULL, "\"when\" is required and cannot be removed"},
      {"{\"id\":3}", NULL, "\"id\" is set by the store"},
      {"{\"rev\":5}", NULL, "\"rev\" is set by the store"},
      {"{\"created\":\"2023-01-01T00:00:00Z\"}", NULL,
       "\"created\" is set by the store"},
      {"{\"updated\":null}", NULL, "\"updated\" is set by the store"},
      {"{\"colour\":null}", NULL, "\"colour\" is not known"},
      {"{\"kind\":\"Bad Kind\"}", NULL, "\"kind\": \"Bad Kind\""},
      {"{\"when\":\"2023-13\"}", NULL, "\"when\": \"2023-13\""},
      {"{\"title\":\"\"}", NULL, "\"title\" is empty"},
      {"{\"actors\":[\"A\",\"A\"]}", NULL, "\"actors\": \"A\" is listed twice"},
      {"{\"links\":[{\"rel\":\"related\",\"id\":9}]}", NULL, "own id"},
      {"{\"fields\":{\"a\":1,\"a\":2}}", NULL, "\"a\" appears twice"},
      {"{\"title\":\"x\xC0\xAF\"}", NULL, "\"title\""},
      {"[1]", NULL, "expected a JSON object"},
      {"null", NULL, "expected a JSON object"},
  };
  size_t i;
  for (i = 0; i < sizeof t / sizeof t[0]; i++) {
    att_event ev = base_event(), before;
    cJSON *p = cJSON_Parse(t[i].patch);
    char *out;
    int rc;
    att_event_copy(&before, &ev);
    rc = att_event_patch(&ev, p);
    if (t[i].want || t[i].need[0] == '\0') {
      is_int(rc, 0, "patch %zu %s applies (%s)", i, t[i].patch, msg());
      out = att_event_to_json(&ev);
      if (t[i].want)
        is_str(out, t[i].want, "patch %zu result", i);
      else
        ok(att_event_equal(&ev, &before), "patch %zu changes nothing", i);
      free(out);
    } else {
      ok(rc == ATT_EINVAL && has(t[i].need), "patch %zu %s fails: %s", i,
         t[i].patch, msg());
      ok(att_event_equal(&ev, &before), "patch %zu: event unchanged", i);
    }
    cJSON_Delete(p);
    att_event_free(&ev);
    att_event_free(&before);
  }
}

static void to_cjson(void) {
  att_event ev = base_event();
  cJSON *j = att_event_to_cjson(&ev), *first;
  att_event back;
  ok(j && cJSON_IsObject(j), "to_cjson gives an object");
  first = j ? j->child : NULL;
  ok(first && strcmp(first->string, "id") == 0, "id first");
  is_int(att_event_from_cjson(j, ATT_EV_STORED, &back), 0, "from_cjson");
  ok(att_event_equal(&ev, &back), "cJSON round trip");
  att_event_free(&back);
  is_int(att_event_from_cjson(NULL, 0, &back), ATT_EINVAL, "NULL object");
  ok(has("expected a JSON object"), "NULL object message: %s", msg());
  cJSON_Delete(j);
  att_event_free(&ev);
}

static void odds_and_ends(void) {
  static const char two[] = "{\"title\":\"T\",\"when\":\"2023\"}garbage";
  static const char bom[] = "\xEF\xBB\xBF{\"title\":\"T\",\"when\":\"2023\"}";
  att_event ev;
  char *out;

  /* The text need not end in NUL: len decides. */
  is_int(att_event_from_json(two, strlen(two) - 7, 0, &ev), 0,
         "only len bytes are read (%s)", msg());
  att_event_free(&ev);
  ok(att_event_from_json(two, strlen(two), 0, &ev) == ATT_EINVAL &&
         has("\"garbage\""),
     "the same with the garbage: %s", msg());
  ok(att_event_from_json(two, sizeof two, 0, &ev) == ATT_EINVAL &&
         has("NUL byte at byte 34"),
     "a NUL byte inside len: %s", msg());
  /* cJSON skips a UTF-8 byte order mark; so do we. */
  is_int(att_event_from_json(bom, strlen(bom), 0, &ev), 0,
         "a byte order mark is skipped (%s)", msg());
  att_event_free(&ev);

  /* Leading and trailing white space in a title is kept as given. */
  {
    static const char sp[] = "{\"title\":\" T \",\"when\":\"2023\"}";
    is_int(att_event_from_json(sp, strlen(sp), 0, &ev), 0,
           "title with spaces around (%s)", msg());
  }
  is_str(ev.title, " T ", "title kept as given");
  att_event_free(&ev);

  /* An event whose fields were never validated does not print. */
  att_event_init(&ev);
  ev.title = strdup("T");
  ev.when = strdup("2023");
  ev.fields = strdup("{oops");
  out = att_event_to_json(&ev);
  ok(out == NULL && has("\"fields\" does not hold JSON"),
     "to_json with broken fields text: %s", msg());
  free(out);
  att_event_free(&ev);
}

/* to_json writes cJSON's bytes itself: these are the exact texts, so a
 * change of the stored form is caught. */
static void writer_exact(void) {
  static const struct {
    const char *in, *out;
  } cases[] = {
      /* quote, backslash, '/' (and \/ read as '/'), UTF-8 of 2, 3, 4 bytes
       * written as is, \u escapes read into UTF-8 */
      {"{\"title\":\"a\\\"b\\\\c/d\\/e \\u00e9 \xE2\x82\xAC \xF0\x9F\x98\x80 "
       "\\ud83d\\ude00 \xDF\xBF\xEF\xBF\xBF\xF4\x8F\xBF\xBF\",\"when\":\"2023\"}",
       "{\"title\":\"a\\\"b\\\\c/d/e \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 "
       "\xF0\x9F\x98\x80 \xDF\xBF\xEF\xBF\xBF\xF4\x8F\xBF\xBF\",\"when\":\"2023\"}"},
      /* line breaks and tabs in notes, \u0009 read as a tab */
      {"{\"title\":\"T\",\"when\":\"2023\",\"notes\":\"a\\nb\\tc\\r\\nd\\u0009\"}",
       "{\"title\":\"T\",\"when\":\"2023\",\"notes\":\"a\\nb\\tc\\r\\nd\\t\"}"},
      /* empty arrays and {} left out; members put in order */
      {"{\"fields\":{},\"links\":[],\"people\":[],\"tags\":[],\"actors\":[],"
       "\"when\":\"2023\",\"title\":\"T\",\"source\":{}}",
       "{\"title\":\"T\",\"when\":\"2023\"}"},
      /* a person with only a name, a source with only a url, links with
       * ids on both sides of 2^31, fields with every kind of value */
      {"{\"title\":\"T\",\"when\":\"2023\",\"people\":[{\"name\":\"N\"}],"
       "\"source\":{\"url\":\"https:\\/\\/x.org\\/a?b=1&c=\\\"2\\\"\"},"
       "\"links\":[{\"id\":2147483647,\"rel\":\"related\"},{\"rel\":\"follows\","
       "\"id\":2147483648},{\"rel\":\"part-of\",\"id\":999999999999999}],"
       "\"fields\":{\"s\":\"x\\u001fy\\/\",\"n\":-12,\"f\":0.1,\"e\":1E3,"
       "\"g\":-2.5e-7,\"t\":true,\"z\":null,\"a\":[[],{}],\"o\":{\"k\":[1]}}}",
       "{\"title\":\"T\",\"when\":\"2023\",\"people\":[{\"name\":\"N\"}],"
       "\"source\":{\"url\":\"https://x.org/a?b=1&c=\\\"2\\\"\"},"
       "\"links\":[{\"rel\":\"related\",\"id\":2147483647},{\"rel\":\"follows\","
       "\"id\":2147483648},{\"rel\":\"part-of\",\"id\":999999999999999}],"
       "\"fields\":{\"s\":\"x\\u001fy/\",\"n\":-12,\"f\":0.1,\"e\":1000,"
       "\"g\":-2.5e-07,\"t\":true,\"z\":null,\"a\":[[],{}],\"o\":{\"k\":[1]}}}"},
      /* a stored record: timestamps in UTC, large id and rev */
      {"{\"rev\":3000000000,\"updated\":\"2024-01-01T08:59:59+09:00\","
       "\"created\":\"0001-01-01T00:00:00Z\",\"title\":\"T\",\"when\":\"2023\","
       "\"id\":123456789012345}",
       "{\"id\":123456789012345,\"title\":\"T\",\"when\":\"2023\","
       "\"created\":\"0001-01-01T00:00:00Z\",\"updated\":\"2023-12-31T23:59:59Z\","
       "\"rev\":3000000000}"},
  };
  att_event ev, back;
  char *out, *out2, *big, *q;
  size_t i, n;

  for (i = 0; i < sizeof cases / sizeof *cases; i++) {
    int flags = strstr(cases[i].in, "\"rev\"") ? ATT_EV_STORED : 0;
    is_int(att_event_from_json(cases[i].in, strlen(cases[i].in), flags, &ev), 0,
           "awkward event %zu reads (%s)", i, msg());
    out = att_event_to_json(&ev);
    is_str(out, cases[i].out, "awkward event %zu: exact text", i);
    is_int(att_event_from_json(out, strlen(out), flags, &back), 0,
           "awkward event %zu reads back (%s)", i, msg());
    ok(att_event_equal(&ev, &back), "awkward event %zu round trips", i);
    out2 = att_event_to_json(&back);
    is_str(out2, out, "awkward event %zu: to_json is stable", i);
    free(out);
    free(out2);
    att_event_free(&ev);
    att_event_free(&back);
  }

  /* Not validated: every control character, DEL, bytes that are not
   * UTF-8, NULL in a list, years out of RFC 3339, fields not compact. */
  att_event_init(&ev);
  ev.title = strdup("\x01\x07\x08\x09\x0A\x0B\x0C\x0D\x0E\x1F\x7F\x80\xFF\"");
  ev.actors.v = calloc(2, sizeof *ev.actors.v);
  ev.actors.n = 2;
  ev.actors.v[1] = strdup("");
  ev.created = -INT64_C(62167219201); /* the second before year 0 */
  ev.updated = INT64_C(253402300800); /* 10000-01-01 */
  ev.fields = strdup(" { \"a\" : 1.0 , \"b\":\"\\/\\u001F\" } ");
  out = att_event_to_json(&ev);
  is_str(out,
         "{\"title\":\"\\u0001\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u001f"
         "\x7F\x80\xFF\\\"\",\"actors\":[\"\",\"\"],"
         "\"fields\":{\"a\":1,\"b\":\"/\\u001f\"},"
         "\"created\":\"-0001-12-31T23:59:59Z\","
         "\"updated\":\"10000-01-01T00:00:00Z\"}",
         "to_json of raw strings: cJSON's escapes, fields made compact");
  free(out);
  att_event_free(&ev);

  /* Longer than any buffer on the stack, with escapes all along. */
  att_event_init(&ev);
  ev.title = strdup("T");
  ev.when = strdup("2023");
  n = 3000;
  ev.notes = malloc(3 * n + 1);
  big = malloc(10 * n + 64);
  for (i = 0; i < n; i++) memcpy(ev.notes + 3 * i, "a\n\x01", 3);
  ev.notes[3 * n] = '\0';
  strcpy(big, "{\"title\":\"T\",\"when\":\"2023\",\"notes\":\"");
  q = big + strlen(big);
  for (i = 0; i < n; i++, q += 9) memcpy(q, "a\\n\\u0001", 9);
  strcpy(q, "\"}");
  out = att_event_to_json(&ev);
  ok(out && strcmp(out, big) == 0, "a long event with escapes, exact text");
  free(out);
  free(big);
  att_event_free(&ev);
}

static void known_lists(void) {
  size_t i;
  for (i = 0; att_known_kinds[i]; i++) {
  }
  is_int(i, 11, "eleven known kinds");
  for (i = 0; att_known_statuses[i]; i++) {
  }
  is_int(i, 9, "nine known statuses");
  for (i = 0; att_link_rels[i]; i++) {
  }
  is_int(i, 4, "four link relations");
}

/* Found by fuzzing: large ids kept exactly, and stored timestamps that
 * would not read back refused. */
static void fuzz_findings(void) {
  const char *big = "{\"id\":9007199254740991,\"title\":\"t\",\"when\":\"2024\","
                    "\"links\":[{\"rel\":\"related\",\"id\":9007199254740990}],"
                    "\"created\":\"2024-01-01T00:00:00Z\",\"updated\":\"2024-01-01T00:00:00Z\",\"rev\":1000000000000001}";
  att_event ev;
  char *out;
  is_int(att_event_from_json(big, strlen(big), ATT_EV_STORED, &ev), 0, "ids up to 2^53-1 are read");
  out = att_event_to_json(&ev);
  ok(out && strstr(out, "\"id\":9007199254740991,") && strstr(out, "\"id\":9007199254740990}") &&
         strstr(out, "\"rev\":1000000000000001"),
     "and written back exactly: %s", out ? out : "(null)");
  free(out);
  att_event_free(&ev);
  {
    const char *early = "{\"id\":1,\"title\":\"t\",\"when\":\"2024\",\"created\":\"0000-01-01T00:00:00+02:00\","
                        "\"updated\":\"2024-01-01T00:00:00Z\",\"rev\":1}";
    is_int(att_event_from_json(early, strlen(early), ATT_EV_STORED, &ev), ATT_EINVAL,
           "a stored timestamp before year 0000 in UTC is refused");
    ok(strstr(att_errmsg(), "0000 to 9999") != NULL, "saying why: %s", att_errmsg());
  }
}

/* att_event_scan_str finds what the parser reads, or says it cannot. */
static void scanning(void) {
  static const char *const texts[] = {
      ("{\"id\":3,\"title\":\"a \\\"quoted\\\" title \\\\\",\"kind\":\"visit\",\"when\":\"2024-05-01/2024-05-03\","
       "\"recur\":\"FREQ=YEARLY\",\"actors\":[\"KHM\",\"JPN\"],\"rev\":1}"),
      "{\"id\":4,\"title\":\"t\",\"source\":{\"title\":\"when\",\"url\":\"u\"},\"notes\":\"{[\\\"when\\\":\"}",
      "{\"id\":5,\"title\":\"t\\u00e9\",\"when\":\"2024~\",\"fields\":{\"when\":\"x\",\"n\":[1,{\"a\":null}]}}",
      "{\"title\":\"t\",\"when\":null}",
      "{\"title\":\"esc\",\"when\":\"20\\u00324\"}",
      "{}",
  };
  const char *s;
  size_t n;
  is_int(att_event_scan_str(texts[0], strlen(texts[0]), "when", &s, &n), 1, "when after a title with escapes");
  ok(n == 21 && memcmp(s, "2024-05-01/2024-05-03", n) == 0, "reads %.*s", (int)n, s);
  is_int(att_event_scan_str(texts[0], strlen(texts[0]), "recur", &s, &n), 1, "recur");
  ok(n == 11 && memcmp(s, "FREQ=YEARLY", n) == 0, "reads %.*s", (int)n, s);
  is_int(att_event_scan_str(texts[0], strlen(texts[0]), "title", &s, &n), -1, "a string with escapes is left to the parser");
  is_int(att_event_scan_str(texts[0], strlen(texts[0]), "actors", &s, &n), -1, "so is a list");
  is_int(att_event_scan_str(texts[0], strlen(texts[0]), "where", &s, &n), 0, "an absent member");
  is_int(att_event_scan_str(texts[1], strlen(texts[1]), "when", &s, &n), 0,
         "\"when\" inside an object or a string is not the member");
  is_int(att_event_scan_str(texts[2], strlen(texts[2]), "when", &s, &n), 1, "a member before nested fields");
  ok(n == 5 && memcmp(s, "2024~", 5) == 0, "reads %.*s", (int)n, s);
  is_int(att_event_scan_str(texts[2], strlen(texts[2]), "n", &s, &n), 0, "a nested key is not a member");
  is_int(att_event_scan_str(texts[3], strlen(texts[3]), "when", &s, &n), 0, "null reads as absent");
  is_int(att_event_scan_str(texts[4], strlen(texts[4]), "when", &s, &n), -1, "an escaped when goes to the parser");
  is_int(att_event_scan_str(texts[5], strlen(texts[5]), "when", &s, &n), 0, "an empty object");
  is_int(att_event_scan_str("{\"when\":\"2024", 13, "when", &s, &n), -1, "a cut text is refused");
  is_int(att_event_scan_str("[1]", 3, "when", &s, &n), -1, "so is a text that is not an object");
  {
    att_scan it;
    const char *k, *v;
    size_t kl, vl;
    char keys[200] = "";
    int rc;
    att_scan_begin(&it, texts[2], strlen(texts[2]));
    while ((rc = att_scan_next(&it, &k, &kl, &v, &vl)) == 1)
      snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%.*s=%zu ", (int)kl, k, vl);
    is_int(rc, 0, "the members one by one, to the end");
    is_str(keys, "id=1 title=9 when=7 fields=31 ", "each key with the length of its value");
    att_scan_begin(&it, "{}", 2);
    is_int(att_scan_next(&it, &k, &kl, &v, &vl), 0, "an empty object has no members");
    is_int(att_scan_next(&it, &k, &kl, &v, &vl), 0, "and stays at its end");
    att_scan_begin(&it, "{\"a\":1,\"b\" :2}", 14);
    is_int(att_scan_next(&it, &k, &kl, &v, &vl), 1, "a first member");
    is_int(att_scan_next(&it, &k, &kl, &v, &vl), -1, "then text that is not compact is refused");
  }
  /* Whatever the writer writes, the scan reads as the parser does. */
  for (size_t i = 0; i < 3; i += 2) {
    att_event ev;
    char *out;
    att_event_init(&ev);
    if (att_event_from_json(texts[i], strlen(texts[i]), 0, &ev) != 0 || att_event_validate(&ev) != 0) {
      ok(0, "text %zu reads: %s", i, att_errmsg());
      continue;
    }
    out = att_event_to_json(&ev);
    if (out) {
      int rc = att_event_scan_str(out, strlen(out), "when", &s, &n);
      ok(ev.when ? rc == 1 && strlen(ev.when) == n && memcmp(s, ev.when, n) == 0 : rc == 0,
         "written text %zu: the scan agrees with the parser on when", i);
      rc = att_event_scan_str(out, strlen(out), "kind", &s, &n);
      ok(ev.kind ? rc == 1 && strlen(ev.kind) == n && memcmp(s, ev.kind, n) == 0 : rc == 0,
         "and on kind");
    }
    free(out);
    att_event_free(&ev);
  }
}

/* Numbers as JSON writes them, and no other (RFC 8259): cJSON reads what
 * strtod reads, "036" as 36.  Every number of the table, alone, inside an
 * array and as a field's value: JSON text takes the good ones and
 * refuses the others; a value typed by a person keeps the others as the
 * text they are. */
static void json_numbers(void) {
  static const char *const good[] = {"0", "-0", "7", "-7", "10", "0.5", "-0.25", "1e5", "1E+5",
                                     "2e-3", "0e0", "123.456e-7", "9007199254740991", NULL};
  static const char *const bad[] = {"036", "-007", "00", "01.5", "1.", "-", "-.5", "1e", "1e+",
                                    "1E-", "0x1F", "1e5x", "12abc", "-01", NULL};
  int nbad = 0, nloose = 0;
  for (int i = 0; good[i]; i++) {
    char text[64];
    cJSON *j = NULL;
    const char *forms[] = {"%s", "[1,%s]", "{\"a\":{\"b\":%s}}"};
    for (int f = 0; f < 3; f++) {
      snprintf(text, sizeof text, forms[f], good[i]);
      if (att_json_parse("t", "", text, strlen(text), &j) != 0) {
        printf("# %s refused: %s\n", text, att_errmsg());
        nbad++;
      }
      cJSON_Delete(j);
      j = NULL;
    }
    if (att_json_loose("t", "fields.x", good[i], strlen(good[i]), &j) != 0 || !cJSON_IsNumber(j)) nloose++;
    cJSON_Delete(j);
  }
  is_int(nbad, 0, "JSON numbers are taken alone, in an array and in an object");
  is_int(nloose, 0, "and as a value typed for a field, as numbers");
  nbad = nloose = 0;
  for (int i = 0; bad[i]; i++) {
    char text[64];
    cJSON *j = NULL;
    const char *forms[] = {"%s", "[1,%s]", "{\"a\":{\"b\":%s}}"};
    for (int f = 0; f < 3; f++) {
      snprintf(text, sizeof text, forms[f], bad[i]);
      if (att_json_parse("t", "", text, strlen(text), &j) != ATT_EINVAL || j != NULL ||
          !strstr(att_errmsg(), "not a JSON number")) {
        printf("# %s: %s\n", text, j ? "taken" : att_errmsg());
        nbad++;
      }
      cJSON_Delete(j);
      j = NULL;
    }
    if (att_json_loose("t", "fields.x", bad[i], strlen(bad[i]), &j) != 0 || !cJSON_IsString(j) ||
        strcmp(j->valuestring, bad[i]) != 0)
      nloose++;
    cJSON_Delete(j);
  }
  is_int(nbad, 0, "other numbers are refused, saying why");
  is_int(nloose, 0, "and kept as the text they are when typed for a field");
  {
    cJSON *j = NULL;
    const char *t = "{\"a\":[1,{\"code\":036}]}";
    ok(att_json_parse("t", "", t, strlen(t), &j) == ATT_EINVAL &&
           strstr(att_errmsg(), "\"a[1].code\": \"036\" is not a JSON number (leading zeros") != NULL,
       "the refusal names the field (%s)", att_errmsg());
    ok(att_json_loose("t", "fields.x", "\"a\\u0000b\"", 10, &j) == ATT_EINVAL && j == NULL,
       "JSON that would be altered is still an error when typed (%s)", att_errmsg());
    ok(att_json_loose("t", "fields.x", "12345678901234567890", 20, &j) == ATT_EINVAL && j == NULL,
       "and so is an integer beyond 2^53-1 (%s)", att_errmsg());
    ok(att_json_loose("t", "fields.x", "JICA", 4, &j) == 0 && cJSON_IsString(j) &&
           strcmp(j->valuestring, "JICA") == 0,
       "a word is a string");
    cJSON_Delete(j);
  }
}

int main(void) {
  scanning();
  fuzz_findings();
  round_trip();
  normalising();
  failures();
  utf8();
  validate_struct();
  patches();
  to_cjson();
  odds_and_ends();
  writer_exact();
  known_lists();
  json_numbers();
  return done_testing();
}
