/*
 * attache add and attache update: events made from flags or JSON, and
 * changed field by field.
 *
 * Both build a JSON object (the event, or a merge patch) and hand it to the
 * core, which validates it; so the command line accepts exactly what a JSON
 * import accepts, and the messages come from one place.  Dates typed on the
 * command line are read as a person writes them and echoed back as EDTF.
 */
#include "cli.h"
#include "recur_words.h"
#include "event_fields.h"
#include "json.h"
#include "timeq.h"
#include "tz.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The options of add: a flag for each field of the table that has one
 * (core/event_fields.h), one for each member of source, and --json and
 * --print-json.  A field's flag returns O_FIELD + its att_field, a
 * member of source's O_SOURCE + its att_source_field. */
enum { O_JSON = 1, O_PRINT_JSON, O_NEW_VALUE, O_FIELD = 16, O_SOURCE = O_FIELD + ATT_F_COUNT };

static cli_opt add_opts[ATT_F_COUNT + ATT_SRC_COUNT + 5];

static const cli_opt *make_add_opts(void) {
  size_t n = 0;
  int f;
  if (add_opts[0].name) return add_opts;
  for (f = 0; f < ATT_F_COUNT; f++)
    if (att_fields[f].flag) {
      att_ftype t = att_fields[f].type;
      int many = t == ATT_FT_STRV || t == ATT_FT_PEOPLE || t == ATT_FT_LINKS || t == ATT_FT_FIELDS;
      add_opts[n++] = (cli_opt){att_fields[f].flag, 0, many ? CLI_MANY : 1, O_FIELD + f};
    }
  for (f = 0; f < ATT_SRC_COUNT; f++)
    add_opts[n++] = (cli_opt){att_source_flags[f], 0, 1, O_SOURCE + f};
  add_opts[n++] = (cli_opt){"json", 0, 1, O_JSON};
  add_opts[n++] = (cli_opt){"new-value", 0, 0, O_NEW_VALUE};
  add_opts[n++] = (cli_opt)CLI_REASON_OPT;
  add_opts[n] = (cli_opt){"print-json", 0, 0, O_PRINT_JSON};
  return add_opts;
}

/* A JSON value typed by a person for fields.NAME into *out: JSON if it
 * is JSON, else the text (att_json_loose); JSON that would not be kept
 * exactly (a string with \u0000, an integer beyond 2^53-1) is an error,
 * not text; `what` names the argument. */
static int loose_json(const char *what, const char *name, const char *s,
                      cJSON **out) {
  char root[256];
  int rc;
  snprintf(root, sizeof root, "fields.%s", name);
  if ((rc = att_json_loose("event", root, s, strlen(s), out)) < 0)
    return cli_core_fail(rc, "%s", what);
  return CLI_OK;
}

/* "related=3" into {"rel":"related","id":3}; "follows=cdc-2024" (not all
 * digits) into {"rel":"follows","key":"cdc-2024"}. */
static cJSON *parse_link(cli_ctx *ctx, const char *what, const char *s) {
  const char *eq = strchr(s, '=');
  const char *v = eq ? eq + 1 : "";
  int digits = *v != '\0' && strspn(v, "0123456789") == strlen(v);
  long long id = digits ? cli_count(v) : 0;
  cJSON *o;
  if (eq == NULL || eq == s || *v == '\0' || (digits && id <= 0)) {
    cli_usage(ctx, "%s \"%s\": a link is written REL=ID or REL=KEY, REL one of "
                   "follows, part-of, supersedes, related",
              what, s);
    return NULL;
  }
  o = cJSON_CreateObject();
  {
    char *rel = strndup(s, (size_t)(eq - s));
    cJSON_AddStringToObject(o, "rel", rel);
    free(rel);
  }
  if (digits) cJSON_AddNumberToObject(o, "id", (double)id);
  else cJSON_AddStringToObject(o, "key", v);
  return o;
}

/* Put a single-valued flag into obj; twice is a usage error. */
static int set_once(cli_ctx *ctx, cJSON *obj, const char *key,
                    const char *flag, const char *value) {
  if (cJSON_GetObjectItemCaseSensitive(obj, key) != NULL)
    return cli_usage(ctx, "%s given twice", flag);
  cJSON_AddStringToObject(obj, key, value);
  return CLI_OK;
}

static cJSON *sub_object(cJSON *obj, const char *key) {
  cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (s == NULL || !cJSON_IsObject(s)) {
    if (s) cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    s = cJSON_AddObjectToObject(obj, key);
  }
  return s;
}

static cJSON *sub_array(cJSON *obj, const char *key) {
  cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (s == NULL) s = cJSON_AddArrayToObject(obj, key);
  return s;
}

/* What the echo says of a date typed with --when or when=: whether it
 * counted from a reference date, and which (set where it is read). */
static struct {
  int used_ref, published;
  att_time ref;
} when_ref;

/* The zone given with --tz (or tz= before when= in update) is where a
 * local time typed without a zone is read; "local" is the display.tz
 * setting, which c holds already.  A zone tzdata lacks is refused. */
static int when_zone(cJSON *obj, att_date_ctx *c) {
  cJSON *tz = cJSON_GetObjectItemCaseSensitive(obj, "tz");
  int rc;
  if (!cJSON_IsString(tz)) return CLI_OK;
  if (strcmp(tz->valuestring, "local") == 0 && !cJSON_SetValuestring(tz, c->tz ? c->tz : "UTC"))
    return cli_fail("out of memory");
  if ((rc = att_tz_check(tz->valuestring)) < 0) return cli_core_fail(rc, "--tz");
  c->tz = tz->valuestring;
  return CLI_OK;
}

/* Read the date typed for when, noting its reference for the echo and
 * the zone it named (into obj's "tz", unless tz is given). */
static int read_when(const char *what, const char *in, att_time ref, int published,
                     cJSON *obj, const char *ev_zone, char edtf[ATT_DATE_MAX]) {
  att_date_ctx c;
  cJSON *tz = cJSON_GetObjectItemCaseSensitive(obj, "tz");
  if (cli_date_ctx_init(&c, ref) != CLI_OK) return CLI_FAIL;
  /* update: a local time is read where the event happens (its tz),
   * unless this command gives or removes the zone */
  if (ev_zone && tz == NULL) c.tz = ev_zone;
  if (when_zone(obj, &c) != CLI_OK || cli_date_read(what, in, &c, edtf, NULL) != CLI_OK)
    return CLI_FAIL;
  if (c.zone[0] && cJSON_IsString(tz) && strcmp(c.zone, tz->valuestring) != 0)
    return cli_fail("%s \"%s\" names the zone %s, but --tz says %s: give one", what, in, c.zone,
                    tz->valuestring);
  when_ref.used_ref = c.used_ref;
  when_ref.published = published;
  when_ref.ref = ref;
  if (c.zone[0] && !cJSON_GetObjectItemCaseSensitive(obj, "tz"))
    cJSON_AddStringToObject(obj, "tz", c.zone);
  return CLI_OK;
}

/* "when early 2024 [2024-01~/2024-04~] (from "early next year", counted
 * from published 2023-12-18)": the human reading, the EDTF in brackets
 * (which reads back as strict EDTF), what was typed, and the reference
 * date of a relative form. */
static void when_echo(char *buf, size_t cap, const att_event *ev, const char *typed) {
  char human[ATT_DATE_HUMAN_MAX], day[40], from[300] = "";
  size_t n;
  if (att_date_human(ev->when, human, sizeof human) != 0) snprintf(human, sizeof human, "%s", ev->when);
  if (typed && strcmp(typed, ev->when) != 0 && strcmp(typed, human) != 0)
    snprintf(from, sizeof from, "from \"%.200s\"", typed);
  if (typed && when_ref.used_ref) {
    att_time_day(when_ref.ref, day, sizeof day);
    n = strlen(from);
    snprintf(from + n, sizeof from - n, "%scounted from %s%s", n ? ", " : "",
             when_ref.published ? "published " : "today, ", day);
  }
  snprintf(buf, cap, "when %s [%s]%s%s%s", human, ev->when, from[0] ? " (" : "", from,
           from[0] ? ")" : "");
}

/* The recurrence as typed, when it was words ("yearly"): the echo then
 * shows the rule it became. */
static char recur_typed[200];

/* Read a recurrence in words or as an RRULE (core/recur_words.h). */
static int recur_read(const char *what, const char *in, char rule[ATT_RECUR_MAX]) {
  int rc = att_recur_words(in, rule, ATT_RECUR_MAX);
  if (rc < 0) return cli_core_fail(rc, "%s \"%s\"", what, in);
  if (strcmp(in, rule) != 0 && strchr(in, '=') == NULL)
    snprintf(recur_typed, sizeof recur_typed, "%.150s", in);
  return CLI_OK;
}

static void print_added(const char *verb, const att_event *ev,
                        const char *typed) {
  char w[600];
  when_echo(w, sizeof w, ev, typed);
  if (recur_typed[0] && ev->recur)
    cli_line(stdout, "%s %lld \"%s\" %s, recurring %s (from \"%s\")", verb, (long long)ev->id,
             ev->title, w, ev->recur, recur_typed);
  else
    cli_line(stdout, "%s %lld \"%s\" %s", verb, (long long)ev->id, ev->title, w);
}

static int add_from_flags(cli_ctx *ctx, cli_parser *p, att_event *ev,
                          const char **typed_when, int *print_json, int *new_value) {
  cJSON *obj = cJSON_CreateObject(), *src = NULL, *fields = NULL;
  const char *when = NULL, *published = NULL, *json = NULL;
  char edtf[ATT_DATE_MAX], pub[ATT_DATE_MAX];
  att_bounds b;
  att_time ref = att_time_now();
  int o, f, rc = CLI_OK, nflags = 0;

  while (rc == CLI_OK && (o = cli_next(p)) != CLI_END) {
    if (o == CLI_BAD) rc = CLI_USAGE;
    else if (o == CLI_HELP) {
      cli_help("add", stdout);
      cJSON_Delete(obj);
      return -1;
    } else if (o == O_PRINT_JSON) {
      *print_json = 1;
      continue;
    } else if (o == O_NEW_VALUE) {
      *new_value = 1;
      continue;
    } else if (o == O_JSON) {
      if (json) rc = cli_usage(ctx, "--json given twice");
      json = p->arg;
      continue;
    } else if (o == CLI_O_REASON) {
      rc = cli_history_opt(ctx, o, p->arg);
      continue;
    }
    if (rc != CLI_OK) break;
    nflags++;
    if (o >= O_SOURCE) {
      if (o - O_SOURCE == ATT_SRC_PUBLISHED) {
        if (published) rc = cli_usage(ctx, "--published given twice");
        published = p->arg;
      } else {
        src = sub_object(obj, "source");
        rc = set_once(ctx, src, att_source_keys[o - O_SOURCE], p->name, p->arg);
      }
      continue;
    }
    f = o - O_FIELD;
    switch (att_fields[f].type) {
    case ATT_FT_STR:
      if (f == ATT_F_RECUR) { /* words ("yearly") or an RRULE */
        char rule[ATT_RECUR_MAX];
        if (recur_read("--recur", p->arg, rule) != CLI_OK) rc = CLI_FAIL;
        else rc = set_once(ctx, obj, att_fields[f].name, p->name, rule);
        break;
      }
      rc = set_once(ctx, obj, att_fields[f].name, p->name, p->arg);
      break;
    case ATT_FT_EDTF: /* when */
      if (when) rc = cli_usage(ctx, "--when given twice");
      when = p->arg;
      break;
    case ATT_FT_STRV:
      cJSON_AddItemToArray(sub_array(obj, att_fields[f].name), cJSON_CreateString(p->arg));
      break;
    case ATT_FT_PEOPLE: {
      cJSON *per = cli_person("--person", p->arg);
      if (per == NULL) rc = CLI_FAIL;
      else cJSON_AddItemToArray(sub_array(obj, "people"), per);
      break;
    }
    case ATT_FT_LINKS: {
      cJSON *l = parse_link(ctx, "--link", p->arg);
      if (l == NULL) rc = CLI_USAGE;
      else cJSON_AddItemToArray(sub_array(obj, "links"), l);
      break;
    }
    case ATT_FT_FIELDS: {
      const char *eq = strchr(p->arg, '=');
      char *name;
      if (eq == NULL || eq == p->arg) {
        rc = cli_usage(ctx, "--field \"%s\": write NAME=JSON (text that is not "
                            "JSON is kept as a string)",
                       p->arg);
        break;
      }
      fields = sub_object(obj, "fields");
      name = strndup(p->arg, (size_t)(eq - p->arg));
      if (cJSON_GetObjectItemCaseSensitive(fields, name)) {
        rc = cli_usage(ctx, "--field %s given twice", name);
      } else {
        cJSON *v = NULL;
        if ((rc = loose_json("--field", name, eq + 1, &v)) == CLI_OK)
          cJSON_AddItemToObject(fields, name, v);
      }
      free(name);
      break;
    }
    default: break; /* no flag: id, rev, source (by its members), created, updated */
    }
  }

  if (rc == CLI_OK) {
    if (json && (nflags || p->npos))
      rc = cli_usage(ctx, "--json OBJ takes the whole event: give the fields "
                          "in the JSON, not as flags or operands");
    else if (p->npos > 1 || (p->npos == 1 && strcmp(p->pos[0], "-") != 0))
      rc = cli_usage(ctx, "unexpected operand '%s' (only '-', to read JSON "
                          "from standard input)",
                     p->pos[p->npos - 1]);
    else if (p->npos == 1 && nflags)
      rc = cli_usage(ctx, "'-' reads the whole event as JSON from standard "
                          "input: give the fields in the JSON, not as flags");
    else if (!json && !p->npos && nflags == 0)
      rc = cli_usage(ctx, "nothing to add: give --title and --when at least");
  }
  if (rc != CLI_OK) {
    cJSON_Delete(obj);
    return rc;
  }

  if (json || p->npos) {
    size_t len = 0;
    char *text = json ? strdup(json) : cli_slurp("-", &len);
    int r;
    cJSON_Delete(obj);
    if (text == NULL) return cli_fail("cannot read standard input");
    if (json) len = strlen(text);
    r = att_event_from_json(text, len, 0, ev);
    free(text);
    if (r < 0) return cli_core_fail(r, "%s", json ? "--json" : "standard input");
    *typed_when = NULL;
    return CLI_OK;
  }

  if (published) {
    if (cli_date("--published", published, ref, pub, &b) != CLI_OK) {
      cJSON_Delete(obj);
      return CLI_FAIL;
    }
    if (b.earliest != ATT_TIME_MIN) ref = b.earliest;
    cJSON_AddStringToObject(sub_object(obj, "source"), "published", pub);
  }
  if (when) {
    if (read_when("--when", when, ref, published != NULL, obj, NULL, edtf) != CLI_OK) {
      cJSON_Delete(obj);
      return CLI_FAIL;
    }
    cJSON_AddStringToObject(obj, "when", edtf);
  }
  rc = att_event_from_cjson(obj, 0, ev);
  cJSON_Delete(obj);
  if (rc < 0) return cli_core_fail(rc, "cannot add the event");
  *typed_when = when;
  return CLI_OK;
}

int cli_cmd_add(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  att_event ev;
  att_store *st = NULL;
  const char *typed = NULL;
  int rc, print_json = 0, new_value = 0;

  att_event_init(&ev);
  cli_parser_init(&p, ctx, make_add_opts(), argc, argv);
  rc = add_from_flags(ctx, &p, &ev, &typed, &print_json, &new_value);
  if (rc < 0) { /* help */
    cli_parser_free(&p);
    return CLI_OK;
  }
  if (rc == CLI_OK) rc = cli_open(ctx, ATT_OPEN_WRITE, &st);
  if (rc == CLI_OK) { /* kinds, statuses and actors the store knows */
    cli_names nm;
    cli_names_init(&nm, st, new_value);
    rc = cli_names_event(&nm, &ev, NULL);
    cli_names_free(&nm);
  }
  if (rc == CLI_OK) {
    int r = att_store_add(st, &ev);
    if (r < 0) rc = cli_core_fail(r, "cannot add \"%s\"", ev.title);
  }
  if (rc == CLI_OK) {
    if (print_json) cli_json_line(stdout, &ev);
    else print_added("added", &ev, typed);
  }
  if (st) att_store_close(st);
  att_event_free(&ev);
  cli_parser_free(&p);
  return rc;
}

/* ---- update ------------------------------------------------------------ */

static const cli_opt update_opts[] = {{"json", 0, 1, O_JSON},
                                      {"print-json", 0, 0, O_PRINT_JSON},
                                      {"new-value", 0, 0, O_NEW_VALUE},
                                      CLI_REASON_OPT,
                                      {NULL, 0, 0, 0}};

static cJSON *strv_json(const att_strv *v) {
  cJSON *a = cJSON_CreateArray();
  size_t i;
  for (i = 0; i < v->n; i++) cJSON_AddItemToArray(a, cJSON_CreateString(v->v[i]));
  return a;
}

static cJSON *people_json(const att_event *ev) {
  cJSON *a = cJSON_CreateArray();
  size_t i;
  for (i = 0; i < ev->npeople; i++) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", ev->people[i].name);
    if (ev->people[i].role) cJSON_AddStringToObject(o, "role", ev->people[i].role);
    if (ev->people[i].actor) cJSON_AddStringToObject(o, "actor", ev->people[i].actor);
    cJSON_AddItemToArray(a, o);
  }
  return a;
}

static cJSON *links_json(const att_event *ev) {
  cJSON *a = cJSON_CreateArray();
  size_t i;
  for (i = 0; i < ev->nlinks; i++) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "rel", ev->links[i].rel);
    cJSON_AddNumberToObject(o, "id", (double)ev->links[i].id);
    cJSON_AddItemToArray(a, o);
  }
  return a;
}

/* The list `key` as it will be after the changes so far: the patch's copy,
 * made from the event the first time. */
static cJSON *working_list(cJSON *patch, const char *key, const att_event *ev) {
  cJSON *a = cJSON_GetObjectItemCaseSensitive(patch, key);
  if (a && cJSON_IsArray(a)) return a;
  int f = att_field_find(key, strlen(key));
  if (a) cJSON_DeleteItemFromObjectCaseSensitive(patch, key);
  if (att_fields[f].type == ATT_FT_STRV) a = strv_json(ATT_FIELD_STRV(ev, f));
  else if (att_fields[f].type == ATT_FT_PEOPLE) a = people_json(ev);
  else a = links_json(ev);
  cJSON_AddItemToObject(patch, key, a);
  return a;
}

static int str_in(const cJSON *a, const char *s) {
  const cJSON *it;
  int i = 0;
  cJSON_ArrayForEach(it, a) {
    if (cJSON_IsString(it) && strcmp(it->valuestring, s) == 0) return i;
    i++;
  }
  return -1;
}

static char *trimdup(const char *s, size_t n) {
  while (n && (*s == ' ' || *s == '\t')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  return strndup(s, n);
}

/* actors=A,B / actors+=A / actors-=A (and tags).  Actors are named as
 * people type them (nm): "Japan" adds JPN, and removes it. */
static int edit_strings(cli_ctx *ctx, cli_names *nm, cJSON *patch, const att_event *ev,
                        const char *key, char op, const char *val) {
  cJSON *a;
  const char *p = val;
  if (op == '=') {
    cJSON_DeleteItemFromObjectCaseSensitive(patch, key);
    if (*val == '\0') {
      cJSON_AddNullToObject(patch, key);
      return CLI_OK;
    }
    a = cJSON_AddArrayToObject(patch, key);
  } else {
    a = working_list(patch, key, ev);
  }
  while (*p) {
    const char *c = strchr(p, ',');
    size_t n = c ? (size_t)(c - p) : strlen(p);
    char *item = trimdup(p, n);
    int at = str_in(a, item);
    if (*item == '\0') {
      free(item);
      return cli_usage(ctx, "%s%s%s: an empty name in the list", key,
                       op == '=' ? "=" : op == '+' ? "+=" : "-=", val);
    }
    if (nm && at < 0 && strcmp(key, "actors") == 0) {
      const char *code = cli_names_actor(nm, item);
      char *dup = code ? strdup(code) : NULL;
      free(item);
      if (dup == NULL) return CLI_FAIL;
      item = dup;
      at = str_in(a, item);
    }
    if (op == '-') {
      if (at < 0) {
        free(item);
        return cli_fail("%s-=%s: \"%.*s\" is not in the event's %s", key, val,
                        (int)n, p, key);
      }
      cJSON_DeleteItemFromArray(a, at);
    } else if (at < 0) {
      cJSON_AddItemToArray(a, cJSON_CreateString(item));
    }
    free(item);
    p += n;
    if (*p == ',') p++;
  }
  return CLI_OK;
}

static int edit_people(cli_ctx *ctx, cJSON *patch, const att_event *ev,
                       char op, const char *val) {
  cJSON *a, *it;
  char **specs;
  size_t n, i;
  int found = 0, idx = 0;
  (void)ctx;
  if (op == '=' && *val == '\0') {
    cJSON_DeleteItemFromObjectCaseSensitive(patch, "people");
    cJSON_AddNullToObject(patch, "people");
    return CLI_OK;
  }
  if (op == '-') {
    a = working_list(patch, "people", ev);
    for (it = a->child; it; idx++) {
      cJSON *next = it->next;
      cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");
      if (cJSON_IsString(nm) && strcmp(nm->valuestring, val) == 0) {
        cJSON_DeleteItemFromArray(a, idx--);
        found = 1;
      }
      it = next;
    }
    if (!found) return cli_fail("people-=%s: nobody of that name in the event", val);
    return CLI_OK;
  }
  if (op == '=') {
    cJSON_DeleteItemFromObjectCaseSensitive(patch, "people");
    a = cJSON_AddArrayToObject(patch, "people");
  } else {
    a = working_list(patch, "people", ev);
  }
  /* Several people are separated by ';' (escaped '\;' inside a part). */
  if (cli_split(val, ';', 1, &specs, &n) != 0) return cli_fail("out of memory");
  for (i = 0; i < n; i++) {
    cJSON *per = cli_person(op == '+' ? "people+=" : "people=", specs[i]);
    if (per == NULL) {
      cli_free_strs(specs, n);
      return CLI_FAIL;
    }
    cJSON_AddItemToArray(a, per);
  }
  cli_free_strs(specs, n);
  return CLI_OK;
}

static int edit_links(cli_ctx *ctx, cJSON *patch, const att_event *ev,
                      char op, const char *val) {
  cJSON *a, *it;
  int idx = 0, found = 0;
  if (op == '=' && *val == '\0') {
    cJSON_DeleteItemFromObjectCaseSensitive(patch, "links");
    cJSON_AddNullToObject(patch, "links");
    return CLI_OK;
  }
  if (op == '-') {
    long long id = cli_count(val);
    if (id <= 0) return cli_usage(ctx, "links-=%s: give the id the links point to", val);
    a = working_list(patch, "links", ev);
    for (it = a->child; it; idx++) {
      cJSON *next = it->next, *iid = cJSON_GetObjectItemCaseSensitive(it, "id");
      if (cJSON_IsNumber(iid) && (long long)iid->valuedouble == id) {
        cJSON_DeleteItemFromArray(a, idx--);
        found = 1;
      }
      it = next;
    }
    if (!found) return cli_fail("links-=%s: the event has no link to %s", val, val);
    return CLI_OK;
  }
  if (op == '=') {
    char **specs;
    size_t n, i;
    cJSON_DeleteItemFromObjectCaseSensitive(patch, "links");
    a = cJSON_AddArrayToObject(patch, "links");
    if (cli_split(val, ';', 1, &specs, &n) != 0) return cli_fail("out of memory");
    for (i = 0; i < n; i++) {
      cJSON *l = parse_link(ctx, "links=", specs[i]);
      if (l == NULL) {
        cli_free_strs(specs, n);
        return CLI_USAGE;
      }
      cJSON_AddItemToArray(a, l);
    }
    cli_free_strs(specs, n);
    return CLI_OK;
  }
  a = working_list(patch, "links", ev);
  it = parse_link(ctx, "links+=", val);
  if (it == NULL) return CLI_USAGE;
  cJSON_AddItemToArray(a, it);
  return CLI_OK;
}

/* The member of source named s (published is read as a date), or -1. */
static int source_member(const char *s) {
  int i;
  for (i = 0; i < ATT_SRC_COUNT; i++)
    if (strcmp(att_source_keys[i], s) == 0) return i;
  return -1;
}

/* The field a FIELD=VALUE operand names, into key ("source.published" for
 * published), and its op ('=', '+' or '-'); 0 if it names none. */
static int pair_key(const char *pair, char *key, size_t cap, char *op) {
  const char *eq = strchr(pair, '=');
  size_t n;
  if (eq == NULL || eq == pair) return 0;
  n = (size_t)(eq - pair);
  *op = '=';
  if (eq[-1] == '+' || eq[-1] == '-') *op = eq[-1], n--;
  if (n == 9 && strncmp(pair, "published", 9) == 0) return snprintf(key, cap, "source.published") > 0;
  return snprintf(key, cap, "%.*s", (int)n, pair) > 0;
}

/* A field set twice by the operands (title=A title=B), or set and added
 * to (actors=X actors+=Y): a usage error, never the last one kept
 * without a word.  Lists take += and -= as often as wanted. */
static int pairs_once(cli_ctx *ctx, char **pos, int n) {
  for (int i = 0; i < n; i++) {
    char ki[300], kj[300], oi, oj;
    if (!pair_key(pos[i], ki, sizeof ki, &oi)) continue;
    for (int j = 0; j < i; j++)
      if (pair_key(pos[j], kj, sizeof kj, &oj) && strcmp(ki, kj) == 0 && (oi == '=' || oj == '='))
        return cli_usage(ctx, "'%s' and '%s': %s given twice (a field is set once; a list "
                              "takes += and -= as often as wanted)",
                         pos[j], pos[i], ki);
  }
  return CLI_OK;
}

/* One FIELD=VALUE operand into the patch.  *typed_when is set for when=. */
static int apply_pair(cli_ctx *ctx, cli_names *nm, cJSON *patch, const att_event *ev,
                      const char *pair, att_time *ref, const char **typed_when,
                      char *when_edtf) {
  const char *eq = strchr(pair, '=');
  char op = '=', name[64];
  const char *val;
  size_t nlen;
  att_ftype type;
  int f;
  if (eq == NULL || eq == pair)
    return cli_usage(ctx, "'%s': write FIELD=VALUE (FIELD+=VALUE, FIELD-=VALUE "
                          "for lists)",
                     pair);
  val = eq + 1;
  nlen = (size_t)(eq - pair);
  if (eq[-1] == '+' || eq[-1] == '-') {
    op = eq[-1];
    nlen--;
  }
  if (nlen == 0 || nlen >= sizeof name)
    return cli_usage(ctx, "'%s': no field name before '='", pair);
  memcpy(name, pair, nlen);
  name[nlen] = '\0';

  f = att_field_find(name, nlen);
  type = f < 0 ? ATT_FT_ID : att_fields[f].type; /* ID: no NAME=VALUE */
  if (type == ATT_FT_STRV) return edit_strings(ctx, nm, patch, ev, name, op, val);
  if (type == ATT_FT_PEOPLE) return edit_people(ctx, patch, ev, op, val);
  if (type == ATT_FT_LINKS) return edit_links(ctx, patch, ev, op, val);
  if (op != '=')
    return cli_usage(ctx, "'%s': %c= works on lists only (actors, tags, "
                          "people, links)",
                     pair, op);
  if (type == ATT_FT_STR && f == ATT_F_RECUR && *val) { /* words or an RRULE */
    char rule[ATT_RECUR_MAX];
    if (recur_read("recur=", val, rule) != CLI_OK) return CLI_FAIL;
    cJSON_DeleteItemFromObjectCaseSensitive(patch, name);
    cJSON_AddStringToObject(patch, name, rule);
    return CLI_OK;
  }
  if (type == ATT_FT_STR) {
    cJSON_DeleteItemFromObjectCaseSensitive(patch, name);
    if (*val) cJSON_AddStringToObject(patch, name, val);
    else cJSON_AddNullToObject(patch, name);
    return CLI_OK;
  }
  if (type == ATT_FT_EDTF) { /* when */
    if (*val == '\0')
      return cli_fail("when=: 'when' is required and cannot be removed");
    {
      cJSON *ps = cJSON_GetObjectItemCaseSensitive(patch, "source");
      int pub = (ev->source && ev->source->published) ||
                cJSON_IsString(cJSON_GetObjectItemCaseSensitive(ps, "published"));
      if (read_when("when", val, *ref, pub, patch, ev->tz, when_edtf) != CLI_OK) return CLI_FAIL;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(patch, "when");
    cJSON_AddStringToObject(patch, "when", when_edtf);
    *typed_when = val;
    return CLI_OK;
  }
  if (strcmp(name, "published") == 0 || strcmp(name, "source.published") == 0) {
    cJSON *src = sub_object(patch, "source");
    char pub[ATT_DATE_MAX];
    att_bounds b;
    cJSON_DeleteItemFromObjectCaseSensitive(src, "published");
    if (*val == '\0') {
      cJSON_AddNullToObject(src, "published");
      return CLI_OK;
    }
    if (cli_date(name, val, att_time_now(), pub, &b) != CLI_OK)
      return CLI_FAIL;
    cJSON_AddStringToObject(src, "published", pub);
    if (b.earliest != ATT_TIME_MIN) *ref = b.earliest;
    return CLI_OK;
  }
  if (strncmp(name, "source.", 7) == 0 && source_member(name + 7) >= 0) {
    cJSON *src = sub_object(patch, "source");
    cJSON_DeleteItemFromObjectCaseSensitive(src, name + 7);
    if (*val) cJSON_AddStringToObject(src, name + 7, val);
    else cJSON_AddNullToObject(src, name + 7);
    return CLI_OK;
  }
  if (type == ATT_FT_SOURCE && *val == '\0') {
    cJSON_DeleteItemFromObjectCaseSensitive(patch, "source");
    cJSON_AddNullToObject(patch, "source");
    return CLI_OK;
  }
  if (type == ATT_FT_FIELDS && *val == '\0') {
    cJSON_DeleteItemFromObjectCaseSensitive(patch, "fields");
    cJSON_AddNullToObject(patch, "fields");
    return CLI_OK;
  }
  if (strncmp(name, "fields.", 7) == 0 && name[7] != '\0') {
    cJSON *fl = sub_object(patch, "fields"), *v = NULL;
    int rc = CLI_OK;
    cJSON_DeleteItemFromObjectCaseSensitive(fl, name + 7);
    if (*val) rc = loose_json(pair, name + 7, val, &v);
    else v = cJSON_CreateNull();
    if (rc == CLI_OK) cJSON_AddItemToObject(fl, name + 7, v);
    return rc;
  }
  /* Text for people, in the order of the manual: written by hand. */
  return cli_usage(ctx, "'%s': unknown field '%s' (fields: title, when, kind, "
                        "status, where, notes, key, recur, tz, actors, tags, "
                        "people, links, published, source.title, source.url, "
                        "source.publisher, fields.NAME)",
                   pair, name);
}

int cli_cmd_update(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  att_event ev;
  att_store *st = NULL;
  cJSON *patch = NULL;
  const char *json = NULL, *typed = NULL;
  char when_edtf[ATT_DATE_MAX];
  att_time ref;
  int o, i, rc = CLI_OK, print_json = 0, new_value = 0, batch = 0;
  cli_names nm;
  att_event old;

  att_event_init(&ev);
  att_event_init(&old);
  cli_names_init(&nm, NULL, 0);
  cli_parser_init(&p, ctx, update_opts, argc, argv);
  while (rc == CLI_OK && (o = cli_next(&p)) != CLI_END) {
    if (o == CLI_BAD) rc = CLI_USAGE;
    else if (o == CLI_HELP) {
      cli_help("update", stdout);
      cli_parser_free(&p);
      return CLI_OK;
    } else if (o == O_JSON) {
      if (json) rc = cli_usage(ctx, "--json given twice");
      json = p.arg;
    } else if (o == O_PRINT_JSON) print_json = 1;
    else if (o == O_NEW_VALUE) new_value = 1;
    else if (o == CLI_O_REASON) rc = cli_history_opt(ctx, o, p.arg);
  }
  if (rc == CLI_OK && p.npos == 0)
    rc = cli_usage(ctx, "which event? give its id or key");
  else if (rc == CLI_OK && p.npos == 1 && json == NULL)
    rc = cli_usage(ctx, "nothing to change: give FIELD=VALUE or --json PATCH");
  else if (rc == CLI_OK && p.npos > 1 && json)
    rc = cli_usage(ctx, "give either FIELD=VALUE operands or --json PATCH, "
                        "not both");
  if (rc == CLI_OK && json) {
    int r = att_json_parse("--json", "", json, strlen(json), &patch);
    if (r < 0)
      rc = cli_core_fail(r, "--json: not a merge patch such as "
                            "'{\"status\":\"held\",\"notes\":null}'");
    else if (!cJSON_IsObject(patch))
      rc = cli_fail("--json: not a JSON object (a merge patch such as "
                    "'{\"status\":\"held\",\"notes\":null}')");
  }
  if (rc == CLI_OK) rc = cli_open(ctx, ATT_OPEN_WRITE, &st);
  /* Read, change and write under the writer's lock, as one batch: a
   * change is made to the revision the store holds when it is made
   * (tags+=x to the tags as they are), however many others write at the
   * same moment; read before the lock, it failed when another writer
   * committed first ("changed by someone else meanwhile"). */
  if (rc == CLI_OK) {
    int r = att_store_begin(st);
    if (r < 0) rc = cli_core_fail(r, "cannot update \"%s\"", p.pos[0]);
    else batch = 1;
  }
  if (rc == CLI_OK) {
    int r = att_store_lookup(st, p.pos[0], &ev);
    if (r == ATT_ENOTFOUND)
      rc = cli_fail("no event with id or key \"%s\"", p.pos[0]);
    else if (r < 0)
      rc = cli_core_fail(r, "cannot read \"%s\"", p.pos[0]);
  }
  if (rc == CLI_OK) {
    cli_names_init(&nm, st, new_value);
    if (att_event_copy(&old, &ev) < 0) rc = cli_fail("out of memory");
  }
  if (rc == CLI_OK && patch == NULL) rc = pairs_once(ctx, p.pos + 1, p.npos - 1);
  if (rc == CLI_OK && patch == NULL) {
    patch = cJSON_CreateObject();
    ref = cli_event_ref(&ev);
    /* A new published date counts for when= whatever the order. */
    for (i = 1; i < p.npos && rc == CLI_OK; i++)
      if (strncmp(p.pos[i], "published=", 10) == 0 ||
          strncmp(p.pos[i], "source.published=", 17) == 0)
        rc = apply_pair(ctx, &nm, patch, &ev, p.pos[i], &ref, &typed, when_edtf);
    for (i = 1; i < p.npos && rc == CLI_OK; i++)
      if (strncmp(p.pos[i], "published=", 10) != 0 &&
          strncmp(p.pos[i], "source.published=", 17) != 0)
        rc = apply_pair(ctx, &nm, patch, &ev, p.pos[i], &ref, &typed, when_edtf);
  }
  if (rc == CLI_OK) {
    int r = att_event_patch(&ev, patch);
    if (r < 0) rc = cli_core_fail(r, "cannot update \"%s\"", p.pos[0]);
  }
  if (rc == CLI_OK) rc = cli_names_event(&nm, &ev, &old);
  if (rc == CLI_OK) {
    int r = att_store_update(st, &ev);
    if (r == 0) r = att_store_commit(st), batch = 0;
    if (r < 0) rc = cli_core_fail(r, "cannot update \"%s\"", p.pos[0]);
  }
  if (batch) att_store_rollback(st);
  if (rc == CLI_OK) {
    if (print_json) cli_json_line(stdout, &ev);
    else {
      char w[600];
      when_echo(w, sizeof w, &ev, typed);
      if (ev.rev == old.rev) /* nothing written: the event already held that */
        cli_line(stdout, "unchanged %lld \"%s\" (rev %lld): it already holds that", (long long)ev.id,
                 ev.title, (long long)ev.rev);
      else if (typed)
        cli_line(stdout, "updated %lld \"%s\" (rev %lld) %s", (long long)ev.id, ev.title,
                 (long long)ev.rev, w);
      else
        cli_line(stdout, "updated %lld \"%s\" (rev %lld)", (long long)ev.id, ev.title, (long long)ev.rev);
    }
  }
  cJSON_Delete(patch);
  cli_names_free(&nm);
  if (st) att_store_close(st);
  att_event_free(&old);
  att_event_free(&ev);
  cli_parser_free(&p);
  return rc;
}
