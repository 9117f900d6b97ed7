/*
 * The diplomatic event: the model of docs/events.md, its validation,
 * and its JSON form (through cJSON).  Its fields are listed once, in
 * event_fields.h.
 *
 * An att_event owns all its strings (malloc'd, NUL-terminated, valid UTF-8).
 * Validation names the field, shows the value and says what is accepted.
 *
 * Decisions the command line and the manual rely on:
 * - Every string is non-empty valid UTF-8; an optional field that has no
 *   value is left out (or null), never "".  One-line fields (all but notes)
 *   hold no control characters; notes may hold tab and line breaks.
 * - title: at most ATT_EV_TITLE_MAX bytes, not only white space.
 * - key: 1-128 characters of A-Z a-z 0-9 . _ : -, starting with a letter or
 *   digit, and not all digits (a number on the command line is an id).
 * - kind, status: a lowercase word (a-z, 0-9, '-'), starting with a letter,
 *   at most 40 characters.  The sets are open; the known ones are listed.
 * - actors, tags: at most ATT_EV_LIST_MAX distinct strings of at most
 *   ATT_EV_NAME_MAX bytes, without white space at either end.
 * - id, rev and link ids: 1 .. 2^53-1, so that they survive any JSON reader.
 * - fields: numbers are IEEE doubles (as in JavaScript); duplicate keys are
 *   errors; {} is the same as no fields.  source {} is the same as none.
 * - when, source.published: strict EDTF, stored in canonical form.
 * - tz: an IANA zone the system's tzdata has (Asia/Phnom_Penh); `when`
 *   keeps the exact instant (with its UTC offset), tz where it is local.
 * - created, updated: RFC 3339, written in UTC to the second; 0 = unset.
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
  /* Input only: a link may name its target by key instead of id (id 0);
   * the store resolves it to the id, which is what it keeps. */
  char *key;
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
  char *tz;    /* optional IANA time zone where the event happens */
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

/* Caps, in bytes. */
#define ATT_EV_TITLE_MAX 1000
#define ATT_EV_KEY_MAX 128
#define ATT_EV_WORD_MAX 40         /* kind, status */
#define ATT_EV_NAME_MAX 200        /* an actor, a tag, a person's fields */
#define ATT_EV_TEXT_MAX 1000       /* where, source title and publisher */
#define ATT_EV_URL_MAX 2048        /* source url */
#define ATT_EV_NOTES_MAX 65536     /* notes */
#define ATT_EV_RECUR_MAX 512       /* recur */
#define ATT_EV_FIELDS_MAX 1048576  /* fields, as compact JSON */
#define ATT_EV_LIST_MAX 1000       /* elements of actors, tags, people, links */
#define ATT_EV_ID_MAX INT64_C(9007199254740991) /* 2^53-1 */

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
 * top-level fields, wrong types and invalid UTF-8 are errors, and so are
 * duplicate keys (at any depth), text after the object, NUL (\u0000) and
 * unescaped control characters in strings.  null stands for an absent
 * optional field.  *ev is written, not freed first; on failure it is left
 * initialised-empty.  Without ATT_EV_STORED, id, rev, created and updated
 * are still type-checked before they are dropped. */
int att_event_from_json(const char *text, size_t len, int flags, att_event *ev);
int att_event_from_cjson(const struct cJSON *obj, int flags, att_event *ev);

/* Check every rule and canonicalise `when` (strict EDTF) and fill bounds.
 * Also canonicalises recur, source.published and fields, and turns an empty
 * source into none.  On failure some of these may already be canonical;
 * the event is still safe to free or to fix and validate again. */
int att_event_validate(att_event *ev);

/* One top-level string member of an event's stored (compact) JSON, found
 * without parsing: 1 with its text in *s, *n (not NUL-terminated; it points
 * into json); 0 when absent or null; -1 when it holds escapes, is not a
 * string, or the text is not compact JSON (then parse the event). */
int att_event_scan_str(const char *json, size_t len, const char *name, const char **s,
                       size_t *n);
/* The text of the top-level member `name`, whatever its type: 1 with it in
 * *val, *vlen; 0 when absent; -1 when the text is not compact JSON. */
int att_event_scan_member(const char *json, size_t len, const char *name, const char **val,
                          size_t *vlen);

/* The top-level members of stored JSON one by one, for a reader that
 * wants several: att_scan_next gives 1 with the key (unquoted, raw: a
 * key with escapes equals no plain name) and the value's text, 0 at the
 * end, -1 when the text is not compact JSON.  Stored text lists its members in the writer's order
 * (id, key, title, kind, status, when, recur, where, ...), so a reader may
 * stop early.  att_scan_str reads a value as att_event_scan_str does. */
typedef struct att_scan {
  const char *p, *e;
  int started;
} att_scan;
void att_scan_begin(att_scan *it, const char *json, size_t len);
int att_scan_next(att_scan *it, const char **key, size_t *klen, const char **val,
                  size_t *vlen);
int att_scan_str(const char *val, size_t vlen, const char **s, size_t *n);
/* The elements of an array value (begin with the value's text): 1 with
 * the next element's text, 0 at the end, -1 when it is not compact. */
int att_scan_elem(att_scan *it, const char **val, size_t *vlen);

/* Compact JSON, fixed field order, absent optionals omitted (also empty
 * arrays; id, rev, created and updated when 0).  malloc'd: free() it.
 * NULL on failure, with a message. */
char *att_event_to_json(const att_event *ev);
struct cJSON *att_event_to_cjson(const att_event *ev);

/* Apply a JSON merge patch (RFC 7386) of user fields to *ev and
 * re-validate; on failure *ev is unchanged.  id, rev, created, updated in
 * the patch are errors. */
int att_event_patch(att_event *ev, const struct cJSON *patch);

/* 1 if the event lists this actor / tag (exact match). */
int att_event_has_actor(const att_event *ev, const char *actor);
int att_event_has_tag(const att_event *ev, const char *tag);

/* 1 if both events hold the same data (bounds included), else 0. */
int att_event_equal(const att_event *a, const att_event *b);

/* UTF-8 checks and the quoting of values in messages: core/text.h. */

#endif
