/*
 * The diplomatic event: the model of PRODUCT.md section 1, its validation,
 * and its JSON form (through cJSON).
 *
 * An att_event owns all its strings (malloc'd, NUL-terminated, valid UTF-8).
 * Validation names the field, shows the value and says what is accepted.
 */
#ifndef ATT_EVENT_H
#define ATT_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "date.h"

struct cJSON;

typedef struct att_strv {
  char **v;
  size_t n;
} att_strv;

typedef struct att_person {
  char *name; /* required */
  char *role; /* optional (NULL) */
  char *actor; /* optional (NULL) */
} att_person;

typedef struct att_link {
  char *rel; /* follows, part-of, supersedes, related */
  int64_t id;
} att_link;

typedef struct att_source {
  char *title, *url, *publisher; /* optional (NULL) */
  char *published;               /* optional EDTF date (NULL) */
} att_source;

typedef struct att_event {
  int64_t id;  /* assigned by the store; 0 before */
  int64_t rev; /* 1 on add, +1 on every change; 0 before */
  char *key;   /* optional unique handle */
  char *title; /* required */
  char *kind;
  char *status;
  char *when; /* required; canonical strict EDTF once validated */
  char *recur; /* optional RRULE subset */
  char *where;
  char *notes;
  att_strv actors;
  att_strv tags;
  att_person *people;
  size_t npeople;
  att_source *source; /* NULL when absent */
  att_link *links;
  size_t nlinks;
  char *fields; /* compact JSON text of the "fields" object, or NULL */
  att_time created, updated; /* set by the store */
  att_bounds bounds;         /* from `when`, set by validation */
} att_event;

/* Flags for reading JSON. */
enum {
  /* The object is a stored record: id, rev, created, updated are present
   * and kept.  Without it they are accepted but ignored (the store assigns
   * them), so an export can be imported again. */
  ATT_EV_STORED = 1
};

/* Known kinds and statuses (the sets are open; these are documented). */
extern const char *const att_known_kinds[];
extern const char *const att_known_statuses[];
extern const char *const att_link_rels[];

void att_event_init(att_event *ev);
void att_event_free(att_event *ev);
int att_event_copy(att_event *dst, const att_event *src);

/* Read and validate an event from JSON text / a cJSON object.  Unknown
 * top-level fields, wrong types and invalid UTF-8 are errors.  On failure
 * *ev is left initialised-empty. */
int att_event_from_json(const char *text, size_t len, int flags, att_event *ev);
int att_event_from_cjson(const struct cJSON *obj, int flags, att_event *ev);

/* Check every rule and canonicalise `when` (strict EDTF) and fill bounds. */
int att_event_validate(att_event *ev);

/* Compact JSON, fixed field order, absent optionals omitted.  malloc'd. */
char *att_event_to_json(const att_event *ev);
struct cJSON *att_event_to_cjson(const att_event *ev);

/* Apply a JSON merge patch (RFC 7386) of user fields to *ev and
 * re-validate; on failure *ev is unchanged.  id, rev, created, updated in
 * the patch are errors. */
int att_event_patch(att_event *ev, const struct cJSON *patch);

/* 1 if the event lists this actor / tag (exact match). */
int att_event_has_actor(const att_event *ev, const char *actor);
int att_event_has_tag(const att_event *ev, const char *tag);

/* 0 if s[0..len) is valid UTF-8 (no overlongs, surrogates, > U+10FFFF). */
int att_utf8_check(const char *s, size_t len);

#endif
