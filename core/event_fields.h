/*
 * The fields of an event, once: an X-macro table that the JSON reader
 * (event_read.c), both writers (event_write.c), merge patches
 * (event_patch.c), the Lua accessors (lua_event.c), the flags of
 * `attache add` and the FIELD=VALUE operands of `attache update`
 * (cli_add.c) and the CSV columns of export and import (cli_out.c,
 * cli_import.c) are generated from.
 *
 * ATT_EVENT_FIELDS(X) calls X(ENUM, NAME, TYPE, MEMBER, REQ, CSV, FLAG)
 * once per field, in the order of the JSON form (the writers' order,
 * which stored text keeps and readers of stored text rely on):
 *   ENUM    ATT_F_<ENUM> names the field in code (att_field);
 *   NAME    its JSON key, which is also its name in Lua (ev.NAME), in
 *           `attache update NAME=VALUE` and its CSV column;
 *   TYPE    how it is read and written (ATT_FT_<TYPE>, below): ID and
 *           TIME are set by the store (accepted in input but not kept,
 *           refused in a patch, ignored in a CSV import);
 *   MEMBER  its member of att_event;
 *   REQ     1 when a patch may not remove it;
 *   CSV     its rank among the CSV columns (source counts as one rank
 *           and gives its four columns, source.title .. source.published);
 *   FLAG    its flag in `attache add` without the dashes ("tag" for
 *           tags), or NULL when it has none.
 *
 * To add a plain field (a string, or a list of strings):
 *   1. a line here (anywhere in the JSON order; CSV rank: the next free
 *      one, after "rev", unless the CSV order must say otherwise);
 *   2. its member in att_event (event.h), freed and copied in event.c;
 *   3. its rule in att_event_validate (event.c), and att_event_equal.
 * The reader, the writers, the Lua accessor, the add flag, update's
 * NAME=VALUE and the CSV columns follow from the table.  The help of add
 * and update (main.c, docs/cli.md) and update's list of fields in its
 * "unknown field" message are text for people and say it by hand.  A
 * field of another type (an object, a number, a date) also needs its
 * case wherever the code switches on its ATT_F_ value.
 */
#ifndef ATT_EVENT_FIELDS_H
#define ATT_EVENT_FIELDS_H

#include <stddef.h>

/* clang-format off */
#define ATT_EVENT_FIELDS(X)                                   \
  /* ENUM    NAME       TYPE    MEMBER   REQ CSV FLAG      */ \
  X(ID,      "id",      ID,     id,      0,  0,  NULL)        \
  X(KEY,     "key",     STR,    key,     0,  1,  "key")       \
  X(TITLE,   "title",   STR,    title,   1,  2,  "title")     \
  X(KIND,    "kind",    STR,    kind,    0,  3,  "kind")      \
  X(STATUS,  "status",  STR,    status,  0,  4,  "status")    \
  X(WHEN,    "when",    EDTF,   when,    1,  5,  "when")      \
  X(RECUR,   "recur",   STR,    recur,   0,  6,  "recur")     \
  X(TZ,      "tz",      STR,    tz,      0,  18, "tz")        \
  X(WHERE,   "where",   STR,    where,   0,  7,  "where")     \
  X(ACTORS,  "actors",  STRV,   actors,  0,  8,  "actor")     \
  X(PEOPLE,  "people",  PEOPLE, people,  0,  10, "person")    \
  X(TAGS,    "tags",    STRV,   tags,    0,  9,  "tag")       \
  X(SOURCE,  "source",  SOURCE, source,  0,  12, NULL)        \
  X(NOTES,   "notes",   STR,    notes,   0,  11, "notes")     \
  X(LINKS,   "links",   LINKS,  links,   0,  13, "link")      \
  X(FIELDS,  "fields",  FIELDS, fields,  0,  14, "field")     \
  X(CREATED, "created", TIME,   created, 0,  15, NULL)        \
  X(UPDATED, "updated", TIME,   updated, 0,  16, NULL)        \
  X(REV,     "rev",     ID,     rev,     0,  17, NULL)

/* The members of source, in the JSON order: X(ENUM, NAME, MEMBER, FLAG),
 * MEMBER its member of att_source, FLAG its flag of `attache add`. */
#define ATT_SOURCE_FIELDS(X)                            \
  X(TITLE,     "title",     title,     "source-title")  \
  X(URL,       "url",       url,       "source-url")    \
  X(PUBLISHER, "publisher", publisher, "publisher")     \
  X(PUBLISHED, "published", published, "published")
/* clang-format on */

/* How a field is read and written. */
typedef enum att_ftype {
  ATT_FT_ID,     /* an integer 1 .. 2^53-1, set by the store (id, rev) */
  ATT_FT_STR,    /* an optional string */
  ATT_FT_EDTF,   /* a string holding an EDTF date (a date in Lua) */
  ATT_FT_STRV,   /* an array of strings (att_strv) */
  ATT_FT_PEOPLE, /* an array of {name, role, actor} */
  ATT_FT_SOURCE, /* an object {title, url, publisher, published} */
  ATT_FT_LINKS,  /* an array of {rel, id} or {rel, key} */
  ATT_FT_FIELDS, /* a JSON object of the user's own, kept as text */
  ATT_FT_TIME    /* an RFC 3339 timestamp, set by the store */
} att_ftype;

typedef enum att_field {
#define ATT_X_(e, name, type, member, req, csv, flag) ATT_F_##e,
  ATT_EVENT_FIELDS(ATT_X_)
#undef ATT_X_
  ATT_F_COUNT
} att_field;

typedef enum att_source_field {
#define ATT_X_(e, name, member, flag) ATT_SRC_##e,
  ATT_SOURCE_FIELDS(ATT_X_)
#undef ATT_X_
  ATT_SRC_COUNT
} att_source_field;

/* The CSV rank of each field, as ATT_CSV_RANK_<ENUM>. */
enum {
#define ATT_X_(e, name, type, member, req, csv, flag) ATT_CSV_RANK_##e = csv,
  ATT_EVENT_FIELDS(ATT_X_)
#undef ATT_X_
  ATT_CSV_RANKS = ATT_F_COUNT
};

/* The CSV column of rank r (source's first) among all the columns; the
 * number of columns. */
#define ATT_CSV_COL(r) ((r) > ATT_CSV_RANK_SOURCE ? (r) + ATT_SRC_COUNT - 1 : (r))
#define ATT_CSV_NCOLS (ATT_F_COUNT + ATT_SRC_COUNT - 1)

/* One row of the table, for code that walks it at run time. */
typedef struct att_field_info {
  const char *name;     /* JSON key */
  att_ftype type;
  int required;         /* a patch may not remove it */
  int csv;              /* CSV rank */
  const char *flag;     /* add's flag without dashes, or NULL */
  size_t offset;        /* of its member in att_event */
} att_field_info;

/* The table, indexed by att_field (event_read.c); the members of source,
 * indexed by att_source_field, with their add flags. */
extern const att_field_info att_fields[ATT_F_COUNT];
extern const char *const att_field_names[ATT_F_COUNT + 1]; /* NULL-ended */
extern const char *const att_source_keys[ATT_SRC_COUNT + 1]; /* NULL-ended */
extern const char *const att_source_flags[ATT_SRC_COUNT];

/* The field named name[0..len), or -1. */
int att_field_find(const char *name, size_t len);

/* The member of field f in *ev, for code generic over a type: a STR or
 * EDTF field's text (NULL when absent), a STRV field's list, an ID
 * field's number, a TIME field's time. */
#define ATT_FIELD_STR(ev, f) (*(char *const *)((const char *)(ev) + att_fields[f].offset))
#define ATT_FIELD_STRV(ev, f) ((const att_strv *)((const char *)(ev) + att_fields[f].offset))
#define ATT_FIELD_ID(ev, f) (*(const int64_t *)((const char *)(ev) + att_fields[f].offset))
#define ATT_FIELD_TIME(ev, f) (*(const att_time *)((const char *)(ev) + att_fields[f].offset))

/* 1 for the fields the store sets (id, rev, created, updated). */
#define ATT_FT_STORE_SET(t) ((t) == ATT_FT_ID || (t) == ATT_FT_TIME)

#endif
