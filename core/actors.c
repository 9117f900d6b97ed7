/*
 * The store's registry of organisations (actors.json) and the resolving
 * of a typed actor into the code an event stores (actors.h).
 *
 * actors.json is {"actors": [{"code", "name", "aliases"}, ...]}, written
 * whole: a temporary file made afresh (O_EXCL, never through a link),
 * synced, renamed over the old one, and the directory synced, all under
 * the store's writer lock, so that a reader sees the old registry or the
 * new one and two writers never lose each other's change.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "actors.h"
#include "error.h"
#include "store_int.h"
#include "text.h"
#include "vocab.h"

#define FILE_NAME "actors.json"
#define TMP_NAME "actors.json.tmp"
#define CODE_MAX 32
#define NAME_MAX_ 200
#define ORGS_MAX 10000
#define ALIASES_MAX 50

int att__name_key(const char *s, char *buf, size_t cap); /* iso3166.c */

/* ---- checks --------------------------------------------------------------- */

int att_org_code_check(const char *code) {
  char show[64];
  size_t len = strlen(code), i;
  int lower = 0;
  if (len == 0)
    return att__err(ATT_EINVAL, "an empty actor code; a code is 1 to %d characters of A-Z, "
                    "0-9, '.', '_', '&' and '-', starting with a letter (CDC, ASEAN, UN)",
                    CODE_MAX);
  for (i = 0; i < len; i++) {
    char c = code[i];
    if (c >= 'a' && c <= 'z') lower = 1;
    else if (!((c >= 'A' && c <= 'Z') ||
               (i > 0 && ((c >= '0' && c <= '9') || c == '.' || c == '_' || c == '&' || c == '-'))))
      break;
  }
  if (i == len && lower) {
    char up[CODE_MAX + 1];
    if (len <= CODE_MAX) {
      for (i = 0; i <= len; i++) up[i] = (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 32 : code[i]);
      return att__err(ATT_EINVAL, "actor code %s has lower-case letters; codes are upper case, "
                      "as events store them: \"%s\"",
                      att__show(show, sizeof show, code, len, 40), up);
    }
  }
  if (i < len || len > CODE_MAX)
    return att__err(ATT_EINVAL, "actor code %s is not accepted; a code is 1 to %d characters "
                    "of A-Z, 0-9, '.', '_', '&' and '-', starting with a letter (CDC, ASEAN, UN)",
                    att__show(show, sizeof show, code, len, 40), CODE_MAX);
  return 0;
}

/* A name or an alias: UTF-8 text of 1 to NAME_MAX_ bytes, no control
 * characters, not only spaces. */
static int name_check(const char *what, const char *s) {
  char show[120];
  size_t len = strlen(s), i;
  int rc;
  for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t'); i++) {}
  if (i == len) return att__err(ATT_EINVAL, "an empty %s; give the organisation's %s", what, what);
  if (len > NAME_MAX_)
    return att__err(ATT_EINVAL, "%s %s is longer than %d bytes", what,
                    att__show(show, sizeof show, s, len, 60), NAME_MAX_);
  if ((rc = att_utf8_check(s, len)) != 0) return att__errctx(rc, "%s", what);
  for (i = 0; i < len; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
      return att__err(ATT_EINVAL, "%s %s holds a control character", what,
                      att__show(show, sizeof show, s, len, 60));
  return 0;
}

/* ---- the registry in memory ----------------------------------------------- */

static void org_free(att_org *o) {
  for (size_t k = 0; k < o->naliases; k++) free(o->aliases[k]);
  free(o->aliases);
  free(o->code);
  free(o->name);
}

void att_orgs_free(att_orgs *r) {
  for (size_t i = 0; i < r->n; i++) org_free(&r->v[i]);
  free(r->v);
  r->v = NULL;
  r->n = 0;
}

static int same_name(const char *a, const char *b) {
  char ka[256], kb[256];
  if (att__name_key(a, ka, sizeof ka) != 0 || att__name_key(b, kb, sizeof kb) != 0) return 0;
  return strcmp(ka, kb) == 0;
}

const att_org *att_orgs_find(const att_orgs *r, const char *name) {
  if (r == NULL) return NULL;
  for (size_t i = 0; i < r->n; i++) {
    const att_org *o = &r->v[i];
    if (same_name(o->code, name) || same_name(o->name, name)) return o;
    for (size_t k = 0; k < o->naliases; k++)
      if (same_name(o->aliases[k], name)) return o;
  }
  return NULL;
}

static int org_push(att_orgs *r, const char *code, const char *name, const char *const *aliases,
                    size_t naliases) {
  att_org *v = realloc(r->v, (r->n + 1) * sizeof *v), *o;
  if (v == NULL) return att__err(ATT_ENOMEM, "out of memory");
  r->v = v;
  o = &v[r->n];
  memset(o, 0, sizeof *o);
  o->code = strdup(code);
  o->name = strdup(name);
  o->aliases = calloc(naliases ? naliases : 1, sizeof *o->aliases);
  r->n++;
  if (!o->code || !o->name || !o->aliases) return att__err(ATT_ENOMEM, "out of memory");
  for (size_t k = 0; k < naliases; k++) {
    if ((o->aliases[k] = strdup(aliases[k])) == NULL) return att__err(ATT_ENOMEM, "out of memory");
    o->naliases++;
  }
  return 0;
}

/* Does name stand for a country, or an organisation of r other than
 * self?  0 if neither; else ATT_EEXISTS naming it (or an error). */
static int name_free(const att_orgs *r, const att_org *self, const char *what, const char *name) {
  const att_country *c;
  const att_org *o;
  int rc = att_country_find(name, &c);
  if (rc < 0) return rc;
  if (rc)
    return att__err(ATT_EEXISTS, "%s \"%s\" stands for the country %s (%s) of ISO 3166; an "
                    "organisation needs a name of its own",
                    what, name, att_country_label(c), c->alpha3);
  o = att_orgs_find(r, name);
  if (o && o != self)
    return att__err(ATT_EEXISTS, "%s \"%s\" already stands for %s (\"%s\") in the registry",
                    what, name, o->code, o->name);
  return 0;
}

/* Check the last organisation of r against the others and the countries. */
static int org_check(const att_orgs *r, const att_org *o) {
  int rc;
  if ((rc = att_org_code_check(o->code)) != 0) return rc;
  if ((rc = name_check("name", o->name)) != 0) return rc;
  if (o->naliases > ALIASES_MAX)
    return att__err(ATT_EINVAL, "%s has %zu aliases; at most %d", o->code, o->naliases, ALIASES_MAX);
  for (size_t i = 0; i < r->n; i++)
    if (&r->v[i] != o && strcmp(r->v[i].code, o->code) == 0)
      return att__err(ATT_EEXISTS, "%s is already registered (\"%s\"); 'attache actor rm %s' "
                      "removes it first",
                      o->code, r->v[i].name, o->code);
  if ((rc = name_free(r, o, "code", o->code)) != 0) return rc;
  if ((rc = name_free(r, o, "name", o->name)) != 0) return rc;
  for (size_t k = 0; k < o->naliases; k++) {
    if ((rc = name_check("alias", o->aliases[k])) != 0) return rc;
    if ((rc = name_free(r, o, "alias", o->aliases[k])) != 0) return rc;
  }
  return 0;
}

/* ---- the file ------------------------------------------------------------- */

static int bad_file(const char *path, const char *fmt, const char *detail) {
  char why[600];
  snprintf(why, sizeof why, fmt, detail);
  return att__err(ATT_ECORRUPT, "the registry of actors \"%s\" is damaged: %s; restore it from "
                  "a backup, or remove it (its organisations are then unknown, and can be "
                  "added again with 'attache actor add')",
                  path, why);
}

static int from_json(const char *path, const char *text, size_t len, att_orgs *out) {
  cJSON *doc = cJSON_ParseWithLength(text, len), *arr, *it;
  int rc = 0;
  if (doc == NULL) return bad_file(path, "%s", "not JSON");
  arr = cJSON_GetObjectItemCaseSensitive(doc, "actors");
  if (!cJSON_IsArray(arr)) rc = bad_file(path, "%s", "no \"actors\" list");
  if (rc) arr = NULL;
  cJSON_ArrayForEach(it, arr) {
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(it, "code");
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(it, "aliases"), *x;
    const char *al[ALIASES_MAX];
    size_t na = 0;
    if (!cJSON_IsString(c) || !cJSON_IsString(n) || (a && !cJSON_IsArray(a))) {
      rc = bad_file(path, "%s", "an entry without a code and a name");
      break;
    }
    cJSON_ArrayForEach(x, a) {
      if (!cJSON_IsString(x) || na == ALIASES_MAX) break;
      al[na++] = x->valuestring;
    }
    if (x != NULL) {
      rc = bad_file(path, "entry %s: aliases are a list of at most 50 names", c->valuestring);
      break;
    }
    if (out->n == ORGS_MAX) {
      rc = bad_file(path, "%s", "more than 10000 organisations");
      break;
    }
    if ((rc = org_push(out, c->valuestring, n->valuestring, al, na)) != 0) break;
    if ((rc = org_check(out, &out->v[out->n - 1])) != 0) {
      rc = bad_file(path, "%s", att_errmsg());
      break;
    }
  }
  cJSON_Delete(doc);
  if (rc) att_orgs_free(out);
  return rc;
}

int att_orgs_read(const char *dir, att_orgs *out) {
  char p[4096], *text;
  size_t len;
  int rc;
  memset(out, 0, sizeof *out);
  if ((rc = att__file_read(dir, FILE_NAME, p, sizeof p, &text, &len)) == ATT_ERANGE)
    return bad_file(p, "%s", "not a regular file of at most 8 MiB");
  if (rc != 0 || text == NULL) return rc;
  rc = from_json(p, text, len, out);
  free(text);
  return rc;
}

int att_orgs_verify(const char *dir, void (*say)(void *, const char *), void *ud) {
  att_orgs r;
  char msg[1200];
  if (att_orgs_read(dir, &r) == 0) {
    att_orgs_free(&r);
    return 0;
  }
  snprintf(msg, sizeof msg, "actors: %s", att_errmsg());
  say(ud, msg);
  return ATT_ECORRUPT;
}

static char *to_json(const att_orgs *r) {
  cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "actors");
  char *text;
  for (size_t i = 0; i < r->n; i++) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "code", r->v[i].code);
    cJSON_AddStringToObject(o, "name", r->v[i].name);
    if (r->v[i].naliases)
      cJSON_AddItemToObject(o, "aliases",
                            cJSON_CreateStringArray((const char *const *)r->v[i].aliases,
                                                    (int)r->v[i].naliases));
    cJSON_AddItemToArray(arr, o);
  }
  text = cJSON_Print(doc);
  cJSON_Delete(doc);
  return text;
}

static int write_file(const char *dir, const att_orgs *r) {
  char *text = to_json(r);
  int rc;
  if (text == NULL) return att__err(ATT_ENOMEM, "out of memory");
  rc = att__file_replace(dir, FILE_NAME, TMP_NAME, text, NULL);
  free(text);
  return rc;
}

int att_orgs_write(const char *dir, const att_orgs *r) { return write_file(dir, r); }

/* Read, change and write the registry of st under its writer lock. */
static int with_registry(att_store *st, int (*change)(att_orgs *r, void *ud), void *ud) {
  att_orgs r;
  int rc;
  if ((rc = att_store_begin(st)) != 0) return rc;
  if ((rc = att_orgs_read(att_store_dir(st), &r)) == 0) {
    if ((rc = change(&r, ud)) == 0) rc = write_file(att_store_dir(st), &r);
    att_orgs_free(&r);
  }
  if (rc == 0) return att_store_commit(st);
  att_store_rollback(st);
  return rc;
}

struct reg_args {
  const char *code, *name;
  const char *const *aliases;
  size_t naliases;
};

static int do_register(att_orgs *r, void *ud) {
  const struct reg_args *a = ud;
  int rc;
  if (r->n == ORGS_MAX) return att__err(ATT_ERANGE, "the registry holds at most 10000 organisations");
  if ((rc = org_push(r, a->code, a->name, a->aliases, a->naliases)) != 0) return rc;
  return org_check(r, &r->v[r->n - 1]);
}

int att_org_register(att_store *st, const char *code, const char *name,
                     const char *const *aliases, size_t naliases) {
  struct reg_args a = {code, name, aliases, naliases};
  int rc;
  /* Checked before the lock too: a wrong command waits for no one. */
  if ((rc = att_org_code_check(code)) != 0 || (rc = name_check("name", name)) != 0) return rc;
  return with_registry(st, do_register, &a);
}

static int do_unregister(att_orgs *r, void *ud) {
  const char *code = ud;
  char near[200];
  att_suggest s;
  size_t i;
  for (i = 0; i < r->n && strcmp(r->v[i].code, code) != 0; i++) {}
  if (i == r->n) {
    att_suggest_init(&s, code);
    for (i = 0; i < r->n; i++) att_suggest_offer(&s, r->v[i].code, NULL);
    att_suggest_text(&s, 0, near, sizeof near);
    return att__err(ATT_ENOTFOUND, "no organisation %s in the registry%s%s ('attache actor "
                    "list' shows them)",
                    code, near[0] ? "; " : "", near);
  }
  org_free(&r->v[i]);
  memmove(&r->v[i], &r->v[i + 1], (r->n - i - 1) * sizeof r->v[0]);
  r->n--;
  return 0;
}

int att_org_unregister(att_store *st, const char *code) {
  return with_registry(st, do_unregister, (void *)code);
}

/* ---- resolving ------------------------------------------------------------ */

static int copy_code(const char *s, char *code, size_t cap) {
  if (strlen(s) >= cap) return att__err(ATT_ERANGE, "actor \"%.40s\" is too long", s);
  memcpy(code, s, strlen(s) + 1);
  return 0;
}

static int offer_held(void *ud, const char *v) {
  att_suggest_offer(ud, v, NULL);
  return 0;
}

int att_actor_lookup(att_store *st, const att_orgs *orgs, const char *typed, char *code,
                     size_t cap) {
  const att_country *c;
  const att_org *o;
  int rc;
  if (st && (rc = att_store_holds(st, ATT_VOCAB_ACTOR, typed)) != 0)
    return rc < 0 ? rc : (rc = copy_code(typed, code, cap)) < 0 ? rc : 1;
  if ((o = att_orgs_find(orgs, typed)) != NULL) return (rc = copy_code(o->code, code, cap)) < 0 ? rc : 1;
  if ((rc = att_country_find(typed, &c)) <= 0) return rc;
  return (rc = copy_code(c->alpha3, code, cap)) < 0 ? rc : 1;
}

int att_actor_resolve(att_store *st, const att_orgs *orgs, const char *typed, char *code,
                      size_t cap) {
  const att_country *v;
  char show[120], near[400], label[96];
  att_suggest s;
  size_t n;
  int rc;
  if ((rc = att_actor_lookup(st, orgs, typed, code, cap)) != 0) return rc < 0 ? rc : 0;

  att_suggest_init(&s, typed);
  if ((rc = att_countries(&v, &n)) < 0) return rc;
  for (size_t i = 0; i < n; i++) {
    const char *forms[5] = {v[i].alpha3, v[i].alpha2, v[i].name, v[i].common, v[i].official};
    snprintf(label, sizeof label, "%s (%s)", v[i].alpha3, att_country_label(&v[i]));
    for (int k = 0; k < 5; k++)
      if (forms[k]) att_suggest_offer(&s, forms[k], label);
  }
  for (size_t i = 0; orgs && i < orgs->n; i++) {
    snprintf(label, sizeof label, "%s (%.80s)", orgs->v[i].code, orgs->v[i].name);
    att_suggest_offer(&s, orgs->v[i].code, label);
    att_suggest_offer(&s, orgs->v[i].name, label);
    for (size_t k = 0; k < orgs->v[i].naliases; k++) att_suggest_offer(&s, orgs->v[i].aliases[k], label);
  }
  if (st && (rc = att_store_values(st, ATT_VOCAB_ACTOR, offer_held, &s)) < 0) return rc;
  att_suggest_text(&s, 0, near, sizeof near);
  return att__err(ATT_ENOTFOUND,
                  "unknown actor %s: not a country of ISO 3166 (by name or code), an "
                  "organisation of the store's registry, or an actor its events hold%s%s",
                  att__show(show, sizeof show, typed, strlen(typed), 80), near[0] ? "; " : "",
                  near);
}
