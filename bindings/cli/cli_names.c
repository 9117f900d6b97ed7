/*
 * Names that catch typos, for the commands that take them (add, update,
 * and the filters of list and export): a kind or status the store does
 * not know is refused with the nearest known words, unless --new-value;
 * an actor typed by name becomes its code.  The reading is the core's
 * (core/names.h, shared with the HTTP API); this file adds what the
 * command line says around its refusals.  docs/names.md is the manual.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

void cli_names_init(cli_names *nm, att_store *st, int new_value) {
  memset(nm, 0, sizeof *nm);
  att_names_init(&nm->core, st, new_value);
}

void cli_names_free(cli_names *nm) {
  att_names_free(&nm->core);
  for (size_t i = 0; i < nm->nowned; i++) free(nm->owned[i]);
  free(nm->owned);
  free(nm->actors);
  memset(nm, 0, sizeof *nm);
}

/* A refused word: the core's message and what the command can do. */
static int word_fail(int rc, const char *after) {
  if (rc == ATT_ENOTFOUND) return cli_fail("%s; %s", att_errmsg(), after);
  return cli_core_fail(rc, "cannot read the store's vocabulary");
}

/* A refused actor: the core's message, how to register it, and after. */
static int actor_fail(int rc, const char *typed, const char *after) {
  char *msg;
  if (rc != ATT_ENOTFOUND) return cli_core_fail(rc, "actor \"%s\"", typed);
  msg = strdup(att_errmsg());
  if (att_org_code_check(typed) == 0)
    cli_fail("%s; 'attache actor add %s \"Full name\"' registers an organisation%s",
             msg ? msg : "unknown actor", typed, after);
  else
    cli_fail("%s; 'attache actor add CODE \"%s\"' registers an organisation%s",
             msg ? msg : "unknown actor", typed, after);
  free(msg);
  return CLI_FAIL;
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
  char code[256];
  const char *kept;
  int rc = att_names_actor(&nm->core, typed, new_value, code, sizeof code);
  if (rc != 0) {
    actor_fail(rc, typed, after);
    return NULL;
  }
  if (strcmp(code, typed) == 0) return typed;
  if ((kept = keep(nm, code)) == NULL) cli_fail("out of memory");
  return kept;
}

const char *cli_names_actor(cli_names *nm, const char *typed) {
  return actor(nm, typed, nm->core.new_value, ", and --new-value keeps it as written");
}

const char *cli_names_known_actor(cli_names *nm, const char *typed) {
  return actor(nm, typed, 0, "");
}

int cli_names_event(cli_names *nm, att_event *ev, const att_event *old) {
  int rc = att_names_event(&nm->core, ev, old);
  if (rc == 0) return CLI_OK;
  if (rc == ATT_ENOTFOUND && nm->core.bad_field &&
      (!strcmp(nm->core.bad_field, "actors") || !strcmp(nm->core.bad_field, "people")))
    return actor_fail(rc, nm->core.bad_value, ", and --new-value keeps it as written");
  if (rc == ATT_ENOTFOUND) return word_fail(rc, "--new-value stores it as a new one");
  return cli_core_fail(rc, "cannot read the store's names");
}

int cli_names_query(cli_names *nm, att_query *q) {
  const char *none = "no event can match it";
  int rc;
  if (q->kind && (rc = att_names_word(&nm->core, ATT_VOCAB_KIND, q->kind)) != 0) return word_fail(rc, none);
  if (q->status && (rc = att_names_word(&nm->core, ATT_VOCAB_STATUS, q->status)) != 0)
    return word_fail(rc, none);
  if (q->nactors == 0) return CLI_OK;
  if ((nm->actors = calloc(q->nactors, sizeof *nm->actors)) == NULL) return cli_fail("out of memory");
  for (size_t i = 0; i < q->nactors; i++)
    if ((nm->actors[i] = actor(nm, q->actors[i], 0, "")) == NULL) return CLI_FAIL;
  q->actors = nm->actors;
  return CLI_OK;
}
