/*
 * Unit tests of the table of event fields (core/event_fields.h), walked
 * field by field: the table is consistent (names, CSV ranks, flags),
 * every field reads from JSON and is written back byte for byte by both
 * writers (the fast one and cJSON's), the store's fields are kept only
 * in a stored record, the CSV columns and the flags of `attache add` that
 * the table gives are the ones export, import and add have always had,
 * and the reader refuses an unknown or mistyped field with the messages
 * it has always given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "error.h"
#include "event.h"
#include "event_fields.h"
#include "text.h"
#include "tap.h"

/* A value of each field in canonical form, and a value of the wrong
 * type with the reader's message for it. */
static const struct {
  const char *value, *wrong, *message;
} sample[ATT_F_COUNT] = {
    [ATT_F_ID] = {"7", "\"x\"",
                  "event field \"id\": expected an integer from 1 to 9007199254740991, got "
                  "string \"x\""},
    [ATT_F_KEY] = {"\"cdc-2024\"", "5", "event field \"key\": expected a string, got number 5"},
    [ATT_F_TITLE] = {"\"Talks\"", "5", "event field \"title\": expected a string, got number 5"},
    [ATT_F_KIND] = {"\"meeting\"", "5", "event field \"kind\": expected a string, got number 5"},
    [ATT_F_STATUS] = {"\"held\"", "5", "event field \"status\": expected a string, got number 5"},
    [ATT_F_WHEN] = {"\"2024-03~\"", "5", "event field \"when\": expected a string, got number 5"},
    [ATT_F_TZ] = {"\"Asia/Phnom_Penh\"", "5", "event field \"tz\": expected a string, got number 5"},
    [ATT_F_RECUR] = {"\"FREQ=YEARLY\"", "5",
                     "event field \"recur\": expected a string, got number 5"},
    [ATT_F_WHERE] = {"\"Phnom Penh\"", "5",
                     "event field \"where\": expected a string, got number 5"},
    [ATT_F_ACTORS] = {"[\"KHM\",\"JPN\"]", "5",
                      "event field \"actors\": expected an array of strings, got number 5"},
    [ATT_F_PEOPLE] = {"[{\"name\":\"A\",\"role\":\"Minister\",\"actor\":\"JPN\"},{\"name\":\"B\"}]",
                      "5",
                      "event field \"people\": expected an array of objects {name, role, "
                      "actor}, got number 5"},
    [ATT_F_TAGS] = {"[\"policy\",\"d\xC3\xA9minage\"]", "{}",
                    "event field \"tags\": expected an array of strings, got object {}"},
    [ATT_F_SOURCE] = {"{\"title\":\"Press\",\"url\":\"https://example.org/1\","
                      "\"publisher\":\"MOFA\",\"published\":\"2023-12-18\"}",
                      "5",
                      "event field \"source\": expected an object {title, url, publisher, "
                      "published}, got number 5"},
    [ATT_F_NOTES] = {"\"One.\\nTwo.\\tTab \\\"q\\\" \\\\ /\"", "true",
                     "event field \"notes\": expected a string, got boolean true"},
    [ATT_F_LINKS] = {"[{\"rel\":\"follows\",\"id\":3},{\"rel\":\"part-of\",\"id\":5}]", "5",
                     "event field \"links\": expected an array of objects {rel, id} or {rel, "
                     "key}, got number 5"},
    [ATT_F_FIELDS] = {"{\"budget\":1500000,\"ratio\":0.1,\"ref\":[\"a\",{\"b\":null}],\"ok\":true}",
                      "5", "event field \"fields\": expected an object, got number 5"},
    [ATT_F_CREATED] = {"\"2023-12-18T09:30:00Z\"", "5",
                       "event field \"created\": expected an RFC 3339 timestamp string, got "
                       "number 5"},
    [ATT_F_UPDATED] = {"\"2023-12-19T10:00:00Z\"", "[]",
                       "event field \"updated\": expected an RFC 3339 timestamp string, got "
                       "array []"},
    [ATT_F_REV] = {"2", "0",
                   "event field \"rev\": expected an integer from 1 to 9007199254740991, got "
                   "number 0"},
};

/* The members a stored record always has, and those every event has. */
static int always(int f, int stored) {
  if (f == ATT_F_TITLE || f == ATT_F_WHEN) return 1;
  return stored && ATT_FT_STORE_SET(att_fields[f].type);
}

/* The JSON of an event holding the fields always(f, stored) and field
 * `with`, in the table's order; field `wrong` (-1: none) holds its wrong
 * value. */
static void make(char *buf, size_t cap, int stored, int with, int wrong) {
  size_t n = 0;
  int f, first = 1;
  n += (size_t)snprintf(buf + n, cap - n, "{");
  for (f = 0; f < ATT_F_COUNT; f++) {
    if (f != with && f != wrong && !always(f, stored)) continue;
    n += (size_t)snprintf(buf + n, cap - n, "%s\"%s\":%s", first ? "" : ",", att_fields[f].name,
                          f == wrong ? sample[f].wrong : sample[f].value);
    first = 0;
  }
  snprintf(buf + n, cap - n, "}");
}

static char *cjson_text(const att_event *ev) {
  cJSON *o = att_event_to_cjson(ev);
  char *s = o ? cJSON_PrintUnformatted(o) : NULL;
  cJSON_Delete(o);
  return s;
}

static void table(void) {
  static const char csv_header[] =
      "id,key,title,kind,status,when,recur,where,actors,tags,people,notes,source.title,"
      "source.url,source.publisher,source.published,links,fields,created,updated,rev,tz";
  static const char add_flags[] =
      "key title kind status when recur tz where actor person tag notes link field "
      "source-title source-url publisher published";
  const char *cols[ATT_CSV_NCOLS] = {0};
  char got[600], list[400];
  int f, g, rank_seen[ATT_F_COUNT] = {0}, ok_names = 1, ok_ranks = 1, ok_flags = 1;
  size_t n = 0, i;

  is_int(ATT_F_COUNT, 19, "19 fields");
  for (f = 0; f < ATT_F_COUNT; f++) {
    if (att_field_find(att_fields[f].name, strlen(att_fields[f].name)) != f ||
        strcmp(att_field_names[f], att_fields[f].name) != 0)
      ok_names = 0;
    if (att_fields[f].csv < 0 || att_fields[f].csv >= ATT_F_COUNT || rank_seen[att_fields[f].csv]++)
      ok_ranks = 0;
    for (g = 0; g < f; g++)
      if (att_fields[f].flag && att_fields[g].flag && strcmp(att_fields[f].flag, att_fields[g].flag) == 0)
        ok_flags = 0;
  }
  ok(ok_names && att_field_names[ATT_F_COUNT] == NULL, "each name finds its field");
  is_int(att_field_find("titles", 5), ATT_F_TITLE, "a name is found by its length");
  is_int(att_field_find("colour", 6), -1, "an unknown name is not found");
  ok(ok_ranks, "the CSV ranks are 0 .. %d, each once", ATT_F_COUNT - 1);
  ok(ok_flags, "no two fields share a flag");
  for (f = 0; f < ATT_F_COUNT; f++) {
    int store = f == ATT_F_ID || f == ATT_F_REV || f == ATT_F_CREATED || f == ATT_F_UPDATED;
    int req = f == ATT_F_TITLE || f == ATT_F_WHEN;
    if (ATT_FT_STORE_SET(att_fields[f].type) != store)
      ok(0, "%s: set by the store exactly when it is id, rev, created, updated", att_fields[f].name);
    if (att_fields[f].required != req)
      ok(0, "%s: required exactly when it is title or when", att_fields[f].name);
  }

  /* The CSV columns as cli_out.c makes them from the table. */
  for (f = 0; f < ATT_F_COUNT; f++) {
    if (att_fields[f].type != ATT_FT_SOURCE) {
      cols[ATT_CSV_COL(att_fields[f].csv)] = att_fields[f].name;
      continue;
    }
    for (g = 0; g < ATT_SRC_COUNT; g++) cols[ATT_CSV_COL(att_fields[f].csv) + g] = att_source_keys[g];
  }
  for (i = 0; i < ATT_CSV_NCOLS; i++) {
    const char *pre = "";
    if (!cols[i]) {
      ok(0, "CSV column %zu is given", i);
      continue;
    }
    if (i >= (size_t)ATT_CSV_COL(ATT_CSV_RANK_SOURCE) &&
        i < (size_t)ATT_CSV_COL(ATT_CSV_RANK_SOURCE) + ATT_SRC_COUNT)
      pre = "source.";
    n += (size_t)snprintf(got + n, sizeof got - n, "%s%s%s", i ? "," : "", pre, cols[i]);
  }
  is_str(got, csv_header, "every field has its CSV column, in export's order");

  n = 0;
  for (f = 0; f < ATT_F_COUNT; f++)
    if (att_fields[f].flag) n += (size_t)snprintf(got + n, sizeof got - n, "%s%s", n ? " " : "", att_fields[f].flag);
  for (g = 0; g < ATT_SRC_COUNT; g++) n += (size_t)snprintf(got + n, sizeof got - n, " %s", att_source_flags[g]);
  is_str(got, add_flags, "the flags of add");
  for (f = 0; f < ATT_F_COUNT; f++) {
    int want = !ATT_FT_STORE_SET(att_fields[f].type) && att_fields[f].type != ATT_FT_SOURCE;
    if ((att_fields[f].flag != NULL) != want)
      ok(0, "%s: a flag exactly when the user sets it and it is not source", att_fields[f].name);
  }
  is_str(att__join(list, sizeof list, att_source_keys), "title, url, publisher, published",
         "the members of source");
}

/* Every field: read, then written by both writers, gives the same bytes;
 * read without ATT_EV_STORED, the store's fields are dropped. */
static void round_trips(void) {
  char in[2048], want[2048];
  att_event ev;
  char *fast, *slow;
  int f, rc;

  for (f = 0; f < ATT_F_COUNT; f++) {
    const char *name = att_fields[f].name;
    make(in, sizeof in, 1, f, -1);
    rc = att_event_from_json(in, strlen(in), ATT_EV_STORED, &ev);
    if (!is_int(rc, 0, "%s: a stored record with it reads", name)) {
      printf("# %s\n# %s\n", in, att_errmsg());
      continue;
    }
    fast = att_event_to_json(&ev);
    slow = cjson_text(&ev);
    is_str(fast, in, "%s: the fast writer gives it back", name);
    is_str(slow, in, "%s: the cJSON writer gives it back", name);
    free(fast);
    cJSON_free(slow);
    att_event_free(&ev);

    /* Not stored: the store's members are checked, then dropped. */
    make(in, sizeof in, 0, f, -1);
    make(want, sizeof want, 0, ATT_FT_STORE_SET(att_fields[f].type) ? -1 : f, -1);
    rc = att_event_from_json(in, strlen(in), 0, &ev);
    if (!is_int(rc, 0, "%s: an event with it reads", name)) continue;
    fast = att_event_to_json(&ev);
    slow = cjson_text(&ev);
    is_str(fast, want, "%s: kept unless set by the store (fast writer)", name);
    is_str(slow, want, "%s: kept unless set by the store (cJSON writer)", name);
    free(fast);
    cJSON_free(slow);
    att_event_free(&ev);
  }

  /* Each member of source alone. */
  for (f = 0; f < ATT_SRC_COUNT; f++) {
    snprintf(in, sizeof in, "{\"title\":\"Talks\",\"when\":\"2024\",\"source\":{\"%s\":\"%s\"}}",
             att_source_keys[f], f == ATT_SRC_PUBLISHED ? "2023-12" : "x");
    rc = att_event_from_json(in, strlen(in), 0, &ev);
    if (!is_int(rc, 0, "source.%s reads", att_source_keys[f])) continue;
    fast = att_event_to_json(&ev);
    slow = cjson_text(&ev);
    is_str(fast, in, "source.%s: the fast writer gives it back", att_source_keys[f]);
    is_str(slow, in, "source.%s: the cJSON writer gives it back", att_source_keys[f]);
    free(fast);
    cJSON_free(slow);
    att_event_free(&ev);
  }

  /* A stored record without one of the store's members. */
  for (f = 0; f < ATT_F_COUNT; f++) {
    char m[200];
    if (!ATT_FT_STORE_SET(att_fields[f].type)) continue;
    make(in, sizeof in, 1, -1, -1);
    /* Drop the member: make() without it is the record less f. */
    {
      char *p = strstr(in, att_fields[f].name) - 1, *e = strchr(p + strlen(att_fields[f].name) + 3, ',');
      if (p[-1] == ',') p--;
      else if (e) e++;
      memmove(p, e ? e : strchr(p, '}'), strlen(e ? e : strchr(p, '}')) + 1);
    }
    rc = att_event_from_json(in, strlen(in), ATT_EV_STORED, &ev);
    snprintf(m, sizeof m,
             "event field \"%s\" is required in a stored record (id, rev, created and updated "
             "are set by the store)",
             att_fields[f].name);
    is_int(rc, ATT_EINVAL, "a stored record without %s is refused", att_fields[f].name);
    is_str(att_errmsg(), m, "  with the message naming %s", att_fields[f].name);
  }
}

/* Unknown and mistyped fields, with the messages the reader gave before
 * it was generated from the table. */
static void refusals(void) {
  char in[2048];
  att_event ev;
  int f, rc;
  cJSON *patch;

  rc = att_event_from_json("{\"title\":\"x\",\"when\":\"2024\",\"colour\":1}", 38, 0, &ev);
  is_int(rc, ATT_EINVAL, "an unknown field is refused");
  is_str(att_errmsg(),
         "event field \"colour\" is not known; known fields: id, key, title, kind, status, when, "
         "recur, tz, where, actors, people, tags, source, notes, links, fields, created, updated, "
         "rev; put your own data under \"fields\"",
         "  with the list of known fields");
  for (f = 0; f < ATT_F_COUNT; f++) {
    make(in, sizeof in, 0, -1, f);
    rc = att_event_from_json(in, strlen(in), 0, &ev);
    is_int(rc, ATT_EINVAL, "%s of the wrong type is refused", att_fields[f].name);
    is_str(att_errmsg(), sample[f].message, "  with its message");
  }
  rc = att_event_from_json("{\"title\":\"x\",\"when\":\"2024\",\"source\":{\"url\":5}}", 46, 0, &ev);
  is_str(att_errmsg(), "event field \"source.url\": expected a string, got number 5",
         "a mistyped member of source");
  rc = att_event_from_json("{\"title\":\"x\",\"when\":\"2024\",\"source\":{\"page\":5}}", 47, 0, &ev);
  is_str(att_errmsg(),
         "event field \"source\": the key \"page\" is not known; a source has only title, url, "
         "publisher, published",
         "an unknown member of source");

  /* Patches: the store's fields and removing a required one. */
  make(in, sizeof in, 1, -1, -1);
  if (att_event_from_json(in, strlen(in), ATT_EV_STORED, &ev) != 0) {
    ok(0, "a stored record reads");
    return;
  }
  for (f = 0; f < ATT_F_COUNT; f++) {
    char p[200], m[200];
    if (ATT_FT_STORE_SET(att_fields[f].type)) {
      snprintf(p, sizeof p, "{\"%s\":%s}", att_fields[f].name, sample[f].value);
      snprintf(m, sizeof m, "event field \"%s\" is set by the store and cannot be changed",
               att_fields[f].name);
    } else if (att_fields[f].required) {
      snprintf(p, sizeof p, "{\"%s\":null}", att_fields[f].name);
      snprintf(m, sizeof m, "event field \"%s\" is required and cannot be removed",
               att_fields[f].name);
    } else {
      continue;
    }
    patch = cJSON_Parse(p);
    rc = att_event_patch(&ev, patch);
    cJSON_Delete(patch);
    is_int(rc, ATT_EINVAL, "patch %s is refused", p);
    is_str(att_errmsg(), m, "  with its message");
  }
  patch = cJSON_Parse("{\"colour\":1}");
  rc = att_event_patch(&ev, patch);
  cJSON_Delete(patch);
  is_int(rc, ATT_EINVAL, "a patch of an unknown field is refused");
  ok(strstr(att_errmsg(), "known fields: id, key, title,") != NULL, "  with the list of fields");
  att_event_free(&ev);
}

int main(void) {
  table();
  round_trips();
  refusals();
  return done_testing();
}
