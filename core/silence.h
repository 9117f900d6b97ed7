/*
 * Silences of alerts (issue 16; docs/alerts.md, "Silences"), as
 * Alertmanager has them: "no alert about KHM until 1 February, because
 * the desk is at the talks".  A silence matches alerts by level, kind,
 * actor, tag and script (each a list of values, any of which will do;
 * all the fields given must match) and holds for alerts due from its
 * start (by default when it is made) until its end, unless it is ended
 * early: then it holds no more.  A silenced alert is still
 * logged, marked with the silence, and goes to no output or receiver.
 *
 * The silences are the store's silences.json, replaced whole under the
 * writer lock as users.json is.  It is their record: a silence is never
 * removed, and each keeps who made it, when and why, and who expired it
 * and when, so that `attache silence list --all` answers "why did no one
 * hear about it".
 */
#ifndef ATT_SILENCE_H
#define ATT_SILENCE_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "store.h"

/* The fields a silence matches on. */
enum { ATT_SM_LEVEL, ATT_SM_KIND, ATT_SM_ACTOR, ATT_SM_TAG, ATT_SM_SCRIPT, ATT_SM_N };
extern const char *const att_silence_fields[ATT_SM_N]; /* "level", ... */

/* The most silences a store keeps, expired ones included. */
#define ATT_SILENCES_MAX 100000

typedef struct att_silence {
  int64_t id;              /* 1, 2, ...: never given twice */
  char **vals[ATT_SM_N];   /* NULL-terminated values of each field; NULL: any */
  att_time starts, until;  /* it holds for alerts due in [starts, until) */
  att_time created;        /* when it was made (the store's clock) */
  att_time expired;        /* when it was ended early (then it holds no more);
                            * ATT_TIME_MAX if not */
  char *author, *reason;   /* who made it and why */
  char *expired_by;        /* who ended it early, or NULL */
} att_silence;

typedef struct att_silences {
  att_silence *v;
  size_t n;
} att_silences;

/* What an alert is about: its level and script, and the kind, actors and
 * tags of its event (none if it has no event). */
typedef struct att_alert_subject {
  const char *level, *script, *kind;
  const char *const *actors;
  size_t nactors;
  const char *const *tags;
  size_t ntags;
} att_alert_subject;

/* Read a matcher "FIELD=V1,V2" into s (a field given twice is refused).
 * 0, or ATT_EINVAL naming the matcher and saying what is accepted. */
int att_silence_matcher(att_silence *s, const char *spec);
void att_silence_free(att_silence *s);

/* Read the silences of the store in dir (no file: none); a damaged file
 * is ATT_ECORRUPT naming it. */
int att_silences_read(const char *dir, att_silences *out);
void att_silences_free(att_silences *s);
/* Write them into dir atomically (fsck --salvage). */
int att_silences_write(const char *dir, const att_silences *s);
/* fsck: say what is wrong with dir/silences.json; ATT_ECORRUPT or 0. */
int att_silences_verify(const char *dir, void (*say)(void *, const char *), void *ud);

/* Does s hold for an alert due at t (started, not over, not ended)? */
int att_silence_active(const att_silence *s, att_time t);
/* The first silence that holds at t and matches x: its id, or 0. */
int64_t att_silences_match(const att_silences *s, const att_alert_subject *x, att_time t);

/* Add a silence with the matchers of m (at least one field), from
 * `starts` (ATT_TIME_MIN: now, the store's clock) until `until` (which
 * must be later), by the handle's author, with a reason (required, one
 * line); under the writer lock.  *id: its number. */
int att_silence_add(att_store *st, const att_silence *m, att_time starts, att_time until, const char *reason,
                    int64_t *id);
/* End silence id now: it holds no more.  ATT_ENOTFOUND if there is
 * none, ATT_EINVAL if it was ended already (the message says when and by
 * whom). */
int att_silence_expire(att_store *st, int64_t id);

#endif
