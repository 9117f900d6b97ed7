/*
 * Actors by name: the countries of ISO 3166-1 and the store's registry
 * of organisations, so that what a person types ("Japan", "jp",
 * "Council for the Development of Cambodia") becomes the code an event
 * stores (JPN, CDC).  docs/names.md is the manual.
 *
 * The countries are read at run time from Debian's iso-codes
 * (/usr/share/iso-codes/json/iso_3166-1.json, or $ATTACHE_ISO3166), once
 * per process, on first use; the tree holds no table of countries, only
 * a few common short names that iso-codes lacks.  The registry is the
 * store's actors.json, replaced whole and atomically, under the store's
 * writer lock.
 */
#ifndef ATT_ACTORS_H
#define ATT_ACTORS_H

#include <stddef.h>

#include "store.h"

/* ---- ISO 3166-1 --------------------------------------------------------- */

typedef struct att_country {
  const char *alpha2, *alpha3;
  const char *name;     /* iso-codes' name ("Korea, Republic of") */
  const char *common;   /* its common name ("South Korea"), or NULL */
  const char *official; /* its official name, or NULL */
} att_country;

/* The table, loaded on the first call; ATT_EIO with a message naming the
 * file and the package to install when it cannot be read. */
int att_countries(const att_country **v, size_t *n);
/* The country that name stands for: an alpha-2 or alpha-3 code, its
 * name, common or official name, "Republic of Korea" for "Korea,
 * Republic of", or a common short name iso-codes lacks ("Russia");
 * without regard to case, spacing, a leading "the" or the accents of
 * Latin letters.  1 and *out, 0 if none, or a negative code. */
int att_country_find(const char *name, const att_country **out);
/* How a country is shown: its common name, else its name. */
const char *att_country_label(const att_country *c);
/* Free the table (for leak checkers); the next use loads it again. */
void att_countries_unload(void);

/* ---- the registry of organisations ------------------------------------- */

typedef struct att_org {
  char *code;     /* A-Z first, then A-Z 0-9 . _ & -; at most 32 */
  char *name;     /* the full name */
  char **aliases; /* other names it is typed as */
  size_t naliases;
} att_org;

typedef struct att_orgs {
  att_org *v;
  size_t n;
} att_orgs;

/* Read the registry of the store in dir (an absent file is an empty
 * registry); a damaged one is ATT_ECORRUPT naming the file. */
int att_orgs_read(const char *dir, att_orgs *out);
void att_orgs_free(att_orgs *r);
/* The organisation that name stands for (its code, name or an alias,
 * compared as att_country_find compares), or NULL. */
const att_org *att_orgs_find(const att_orgs *r, const char *name);
/* Write r as the registry of the store in dir, atomically (for fsck
 * --salvage, which takes the registry along into the new store; others
 * change it with att_org_register under the writer lock). */
int att_orgs_write(const char *dir, const att_orgs *r);
/* fsck: say what is wrong with dir/actors.json through say (it cannot
 * be read, or an entry breaks a rule); ATT_ECORRUPT if anything, else 0
 * (also when there is no file). */
int att_orgs_verify(const char *dir, void (*say)(void *, const char *), void *ud);
/* Is code well formed?  0, or ATT_EINVAL saying what a code is. */
int att_org_code_check(const char *code);

/* Add an organisation to the registry of st (or remove one), under the
 * store's writer lock, and replace actors.json atomically.  A code must
 * be well formed and new; neither it, its name nor an alias may stand
 * for a country or another organisation (the message names which).
 * remove: ATT_ENOTFOUND, with a did-you-mean, for an unknown code. */
int att_org_register(att_store *st, const char *code, const char *name,
                     const char *const *aliases, size_t naliases);
int att_org_unregister(att_store *st, const char *code);

/* ---- resolving ---------------------------------------------------------- */

/*
 * The actor a person typed, as the code to store, into code[cap]: a
 * value that events of st already hold, as written (st may be NULL);
 * else an organisation of orgs (may be NULL); else a country of ISO
 * 3166.  0 on success; ATT_ENOTFOUND with a message naming the nearest
 * countries, organisations and held actors; ATT_EIO when the country
 * table cannot be read.
 */
int att_actor_resolve(att_store *st, const att_orgs *orgs, const char *typed, char *code,
                      size_t cap);
/* As att_actor_resolve, without looking for the nearest names when none
 * matches: 1 with the code, 0 (no message), or a negative code.  For a
 * caller that tries many names, most of them no actor (a text's
 * capitalised phrases): a miss costs no search. */
int att_actor_lookup(att_store *st, const att_orgs *orgs, const char *typed, char *code,
                     size_t cap);

#endif
