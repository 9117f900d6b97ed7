/*
 * Names as typed, made what the store keeps (names.h).
 */
#include "names.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

void att_names_init(att_names *nm, att_store *st, int new_value) {
  memset(nm, 0, sizeof *nm);
  nm->st = st;
  nm->new_value = new_value;
}

void att_names_free(att_names *nm) {
  if (nm->orgs_read) att_orgs_free(&nm->orgs);
  if (nm->settings) att_settings_free(nm->settings);
  memset(nm, 0, sizeof *nm);
}

int att_names_word(att_names *nm, att_vocab_field f, const char *value) {
  const char *const *items = NULL;
  size_t n = 0;
  int rc;
  if (nm->st && !nm->settings && (rc = att_settings_load(att_store_dir(nm->st), &nm->settings)) != 0)
    return rc;
  if (nm->settings && (rc = att_settings_list(nm->settings, att_vocab_setting(f), &items, &n)) != 0)
    return rc;
  return att_vocab_check(nm->st, f, value, items, n);
}

int att_names_actor(att_names *nm, const char *typed, int keep_unknown, char *code, size_t cap) {
  int rc;
  if (!nm->orgs_read) {
    if (nm->st && (rc = att_orgs_read(att_store_dir(nm->st), &nm->orgs)) != 0) return rc;
    nm->orgs_read = 1;
  }
  rc = att_actor_resolve(nm->st, &nm->orgs, typed, code, cap);
  if (rc == ATT_ENOTFOUND && keep_unknown) {
    att__errclear();
    if (strlen(typed) >= cap) return att__err(ATT_EINVAL, "an actor of more than %zu bytes", cap - 1);
    memcpy(code, typed, strlen(typed) + 1);
    return 0;
  }
  return rc;
}

/* *s made the code of the actor it names (field: for a refusal). */
static int resolve_into(att_names *nm, char **s, const char *field) {
  char code[256], *dup;
  int rc = att_names_actor(nm, *s, nm->new_value, code, sizeof code);
  if (rc == ATT_ENOTFOUND) {
    nm->bad_field = field;
    nm->bad_value = *s;
  }
  if (rc != 0 || strcmp(code, *s) == 0) return rc;
  if ((dup = strdup(code)) == NULL) return att__err(ATT_ENOMEM, "out of memory");
  free(*s);
  *s = dup;
  return 0;
}

static int in_strv(const att_strv *v, const char *s) {
  for (size_t i = 0; v && i < v->n; i++)
    if (strcmp(v->v[i], s) == 0) return 1;
  return 0;
}

static int word(att_names *nm, att_vocab_field f, const char *field, const char *value, const char *had) {
  int rc;
  if (nm->new_value || !value || (had && strcmp(had, value) == 0)) return 0;
  if ((rc = att_names_word(nm, f, value)) == ATT_ENOTFOUND) {
    nm->bad_field = field;
    nm->bad_value = value;
  }
  return rc;
}

int att_names_event(att_names *nm, att_event *ev, const att_event *old) {
  size_t i, k, out;
  int rc = 0;
  nm->bad_field = nm->bad_value = NULL;
  if ((rc = word(nm, ATT_VOCAB_KIND, "kind", ev->kind, old ? old->kind : NULL)) != 0 ||
      (rc = word(nm, ATT_VOCAB_STATUS, "status", ev->status, old ? old->status : NULL)) != 0)
    return rc;
  /* Actors the event had are left as they are; the others are resolved,
   * and two names of one party become one code.  Refused at i: the
   * actors not reached stay, after those done. */
  for (i = 0, out = 0; i < ev->actors.n; i++) {
    if (!in_strv(old ? &old->actors : NULL, ev->actors.v[i]) &&
        (rc = resolve_into(nm, &ev->actors.v[i], "actors")) != 0)
      break;
    for (k = 0; k < out && strcmp(ev->actors.v[k], ev->actors.v[i]) != 0; k++) {}
    if (k < out) free(ev->actors.v[i]);
    else ev->actors.v[out++] = ev->actors.v[i];
  }
  while (i < ev->actors.n) ev->actors.v[out++] = ev->actors.v[i++];
  ev->actors.n = out;
  if (rc != 0) return rc;
  for (i = 0; i < ev->npeople; i++) {
    int had = 0;
    if (ev->people[i].actor == NULL) continue;
    for (k = 0; old && k < old->npeople; k++)
      if (old->people[k].actor && strcmp(old->people[k].actor, ev->people[i].actor) == 0) had = 1;
    if (!had && (rc = resolve_into(nm, &ev->people[i].actor, "people")) != 0) return rc;
  }
  return 0;
}
