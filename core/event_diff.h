/*
 * The difference between two stored versions of an event, field by field:
 * what `attache log` and `attache changes` show a person
 * ("when: 2024-01~/2024-04~ -> 2024-03-12", "actors: +KHM -THA") and what
 * their --json gives a program ({"field":"when","old":..,"new":..}).
 * docs/history.md ("Reading the history") is the manual.
 *
 * Items come in the order of the table of fields (event_fields.h); the
 * fields the store sets (id, rev, created, updated) are never items.
 * source is compared member by member ("source.published") and fields,
 * the user's own object, key by key ("fields.budget", in key order).
 *
 * The text of an item, after "FIELD: ":
 * - a value changed: "OLD -> NEW"; set where it was absent: "(none) ->
 *   NEW"; taken away: "OLD -> (none)";
 * - a list (actors, tags, people, links): the items added and removed,
 *   "+KHM +JPN -THA"; when only the order changed, "A, B -> B, A";
 * - an add (no before) or a removal (no after): the value alone
 *   ("KHM, JPN" for a list).
 * Values: `when` and source.published in their EDTF as stored; a person
 * as "Name, role (ACTOR)", a link as "rel=ID"; a string in double quotes
 * when it holds white space (Unicode spaces too), a comma, a quote, a
 * backslash or "->", or is empty or "(none)" (with \" \\ \n \t \r and
 * \u00XX inside the quotes); a user field's value as compact JSON, a
 * string quoted when it would read as a JSON value.  A value longer than
 * ATT_DIFF_TEXT_MAX characters is shortened with "…" around its first
 * difference from the other value; a list longer than ATT_DIFF_ITEMS_MAX
 * items ends "and N more".
 */
#ifndef ATT_EVENT_DIFF_H
#define ATT_EVENT_DIFF_H

#include <stddef.h>

struct cJSON;

/* Characters (code points) of one value shown; items of one list shown. */
#define ATT_DIFF_TEXT_MAX 60
#define ATT_DIFF_ITEMS_MAX 10

typedef struct att_diff_item {
  char *field;    /* "when", "source.published", "fields.budget" */
  char *text;     /* the change as a person reads it (above) */
  char *old_json; /* the value before, as compact JSON; NULL: absent */
  char *new_json; /* the value after; NULL: absent */
} att_diff_item;

typedef struct att_diff {
  att_diff_item *v; /* malloc'd */
  size_t n;
} att_diff;

/* The fields that differ between the stored JSON texts before[0..blen)
 * and after[0..alen) of one event; either may be NULL (an add has no
 * before, a removal no after; both NULL: no items).  *out is written,
 * not freed first.  0, or ATT_EINVAL (a text that is not a JSON object)
 * or ATT_ENOMEM with a message; on failure *out is empty. */
int att_event_diff(const char *before, size_t blen, const char *after, size_t alen,
                   att_diff *out);
void att_diff_free(att_diff *d);

/* The diff as a JSON array of {"field":NAME,"old":VALUE,"new":VALUE},
 * absent values null: a cJSON tree (cJSON_Delete it) or compact text
 * (malloc'd; free it).  NULL with a message when out of memory. */
struct cJSON *att_diff_to_cjson(const att_diff *d);
char *att_diff_to_json(const att_diff *d);

#endif
