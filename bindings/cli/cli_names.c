/*
 * Names that catch typos, for the commands that take them (add, update,
 * and the filters of list and export): a kind or status the store does
 * not know is refused with the nearest known words, unless --new-value;
 * an actor typed by name becomes its code (core/actors.h).  The words,
 * the distance and the messages are the core's (vocab.h, actors.h);
 * this file adds what the command line says around them.
 * docs/names.md is the manual.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

void cli_names_init(cli_names *nm, att_store *st, int new_value) {
  memset(nm, 0, sizeof *nm);
  nm->st = st;
  nm->new_value = new_value;
}

void cli_names_free(cli_names *nm) {
  if (nm->orgs_read) att_orgs_free(&nm->orgs);
  if (nm->settings) att_settings_free(nm->settings);
  for (size_t i = 0; i < nm->nowned; i++) free(nm->owned[i]);
  free(nm->owned);
  free(nm->actors);
  memset(nm, 0, sizeof *nm);
}

/* The store's registry, read once. */
static int orgs(cli_names *nm, const att_orgs **out) {
  int rc;
  if (!nm->orgs_read) {
    if (nm->st && (rc = att_orgs_read(att_store_dir(nm->st), &nm->orgs)) != 0) return rc;
    nm->orgs_read = 1;
  }
  *out = &nm->orgs;
  return 0;
}

/* The store's extra words for f, read once. */
static int extra(cli_names *nm, att_vocab_field f, const char *const **items, size_t *n) {
  int rc;
  *items = NULL;
  *n = 0;
  if (nm->st == NULL) return 0;
  if (nm->settings == NULL && (rc = att_settings_load(att_store_dir(nm->st), &nm->settings)) != 0)
    return rc;
  return att_settings_list(nm->settings, att_vocab_setting(f), items, n);
}

static int check_word(cli_names *nm, att_vocab_field f, const char *value, const char *after) {
  const char *const *items;
  size_t n;
  int rc = extra(nm, f, &items, &n);
  if (rc == 0) rc = att_vocab_check(nm->st, f, value, items, n);
  if (rc == ATT_ENOTFOUND) return cli_fail("%s; %s", att_errmsg(), after);
  if (rc < 0) return cli_core_fail(rc, "cannot read the store's vocabulary");
  return CLI_OK;
}

static const char *keep(cli_names *nm, const char *s) {
  char **v = realloc(nm->owned, (nm->nowned + 1) * sizeof *v);
  if (v == NULL) return NULL;
  nm->owned = v;
  if ((v[nm->nowned] = strdup(s)) == NULL) return NULL;
  return v[nm->nowned++];
}

/* The code of a typed actor, or NULL after a message; with
 * new_value, an unknown one as typed. */
static const char *actor(cli_names *nm, const char *typed, int new_value, const char *after) {
  const att_orgs *r;
  char code[256];
  int rc = orgs(nm, &r);
  if (rc == 0) rc = att_actor_resolve(nm->st, r, typed, code, sizeof code);
  if (rc == ATT_ENOTFOUND && new_value) return typed;
  if (rc == ATT_ENOTFOUND) {
    char *msg = strdup(att_errmsg());
    if (att_org_code_check(typed) == 0)
      cli_fail("%s; 'attache actor add %s \"Full name\"' registers an organisation%s",
               msg ? msg : "unknown actor", typed, after);
    else
      cli_fail("%s; 'attache actor add CODE \"%s\"' registers an organisation%s",
               msg ? msg : "unknown actor", typed, after);
    free(msg);
    return NULL;
  }
  if (rc < 0) {
    cli_core_fail(rc, "actor \"%s\"", typed);
    return NULL;
  }
  if (strcmp(code, typed) == 0) return typed;
  return keep(nm, code);
}

const char *cli_names_actor(cli_names *nm, const char *typed) {
  return actor(nm, typed, nm->new_value, ", and --new-value keeps it as written");
}

const char *cli_names_known_actor(cli_names *nm, const char *typed) {
  return actor(nm, typed, 0, "");
}

/* Replace *s by the code of the actor it names. */
static int resolve_into(cli_names *nm, char **s) {
  const char *code = cli_names_actor(nm, *s);
  char *dup;
  if (code == NULL) return CLI_FAIL;
  if (code == *s) return CLI_OK;
  if ((dup = strdup(code)) == NULL) return cli_fail("out of memory");
  free(*s);
  *s = dup;
  return CLI_OK;
}

static int in_strv(const att_strv *v, const char *s) {
  for (size_t i = 0; v && i < v->n; i++)
    if (strcmp(v->v[i], s) == 0) return 1;
  return 0;
}

int cli_names_event(cli_names *nm, att_event *ev, const att_event *old) {
  const char *nv = "--new-value stores it as a new one";
  size_t i, k, out;
  int rc;
  if (!nm->new_value && ev->kind && !(old && old->kind && strcmp(old->kind, ev->kind) == 0) &&
      (rc = check_word(nm, ATT_VOCAB_KIND, ev->kind, nv)) != CLI_OK)
    return rc;
  if (!nm->new_value && ev->status &&
      !(old && old->status && strcmp(old->status, ev->status) == 0) &&
      (rc = check_word(nm, ATT_VOCAB_STATUS, ev->status, nv)) != CLI_OK)
    return rc;
  /* Actors the event had are left as they are; the others are resolved,
   * and two names of one party become one code. */
  for (i = 0, out = 0; i < ev->actors.n; i++) {
    if (!in_strv(old ? &old->actors : NULL, ev->actors.v[i]) &&
        (rc = resolve_into(nm, &ev->actors.v[i])) != CLI_OK)
      return rc;
    for (k = 0; k < out && strcmp(ev->actors.v[k], ev->actors.v[i]) != 0; k++) {}
    if (k < out) free(ev->actors.v[i]);
    else ev->actors.v[out++] = ev->actors.v[i];
  }
  ev->actors.n = out;
  for (i = 0; i < ev->npeople; i++) {
    int had = 0;
    if (ev->people[i].actor == NULL) continue;
    for (k = 0; old && k < old->npeople; k++)
      if (old->people[k].actor && strcmp(old->people[k].actor, ev->people[i].actor) == 0) had = 1;
    if (!had && (rc = resolve_into(nm, &ev->people[i].actor)) != CLI_OK) return rc;
  }
  return CLI_OK;
}

int cli_names_query(cli_names *nm, att_query *q) {
  const char *none = "no event can match it";
  int rc;
  if (q->kind && (rc = check_word(nm, ATT_VOCAB_KIND, q->kind, none)) != CLI_OK) return rc;
  if (q->status && (rc = check_word(nm, ATT_VOCAB_STATUS, q->status, none)) != CLI_OK) return rc;
  if (q->nactors == 0) return CLI_OK;
  if ((nm->actors = calloc(q->nactors, sizeof *nm->actors)) == NULL) return cli_fail("out of memory");
  for (size_t i = 0; i < q->nactors; i++)
    if ((nm->actors[i] = actor(nm, q->actors[i], 0, "")) == NULL) return CLI_FAIL;
  q->actors = nm->actors;
  return CLI_OK;
}
