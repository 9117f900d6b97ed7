/*
 * Names as a person types them, made what the store keeps (docs/names.md):
 * the one reading of an event's kind, status and actors for every way an
 * event is written by hand (attache add and update, the HTTP API and its
 * web form), so that "Japan" is JPN, "meetng" is refused with the nearest
 * word, and two names of one party are one code, whichever way it came.
 * Imports and scripts store what they are given (names.md, "Not
 * resolved").
 */
#ifndef ATT_NAMES_H
#define ATT_NAMES_H

#include <stddef.h>

#include "actors.h"
#include "event.h"
#include "settings.h"
#include "vocab.h"

typedef struct att_names {
  att_store *st;          /* NULL: the documented words and ISO 3166 only */
  int new_value;          /* unknown kinds, statuses and actors kept as typed */
  att_orgs orgs;          /* the store's registry, read on first need */
  int orgs_read;
  att_settings *settings; /* vocab.kinds, vocab.statuses; read on first need */
  /* After ATT_ENOTFOUND from att_names_event: what was refused, the
   * field ("kind", "status", "actors" or "people") and the value as
   * typed (it points into the event). */
  const char *bad_field, *bad_value;
} att_names;

void att_names_init(att_names *nm, att_store *st, int new_value);
void att_names_free(att_names *nm);

/* A kind or status (f): 0 if the store knows it (the documented words,
 * its settings', every one an event holds), else ATT_ENOTFOUND with a
 * message naming the nearest; another negative code when the store's
 * settings cannot be read.  new_value is not consulted: a filter is
 * checked whatever it. */
int att_names_word(att_names *nm, att_vocab_field f, const char *value);

/* The code of an actor typed (att_actor_resolve: a value events hold,
 * an organisation, a country) into code[cap]: 0; with keep_unknown an
 * unknown one as typed; else ATT_ENOTFOUND naming the nearest. */
int att_names_actor(att_names *nm, const char *typed, int keep_unknown, char *code, size_t cap);

/* ev about to be written (old: the revision it changes, or NULL): its
 * kind and status must be known unless new_value; its actors and its
 * people's actors become codes (unknown ones kept with new_value), two
 * names of one party one code.  What old holds is left as it is.  0;
 * ATT_ENOTFOUND with bad_field and bad_value set (ev's actors stay a
 * valid list); another negative code. */
int att_names_event(att_names *nm, att_event *ev, const att_event *old);

#endif
