/*
 * Group counts of a query's events (att_store_tally): how many events per
 * actor, per kind and year, per actor and month...  The counting is done
 * here, from the snapshot's postings and id table, not by the caller
 * reading every event: at 1M events, events per actor is a pass over the
 * postings, not a million records parsed.
 */
#ifndef ATT_TALLY_H
#define ATT_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* What an event is counted by.  An event counts once under each value it
 * holds (two actors: once for each); one without a value (no kind, no
 * actor, a date open at its start for year and month) is not counted. */
typedef enum {
  ATT_BY_ACTOR,
  ATT_BY_TAG,
  ATT_BY_KIND,
  ATT_BY_STATUS,
  ATT_BY_YEAR,  /* of its earliest instant, UTC: "2024" */
  ATT_BY_MONTH, /* likewise: "2024-03" */
  ATT_BY_N
} att_by;

extern const char *const att_by_names[ATT_BY_N]; /* "actor", "tag", ... */

typedef struct att_tally_row {
  const char *key[2]; /* key[1] is NULL when counted by one thing */
  uint64_t n;
} att_tally_row;

typedef struct att_tally {
  att_tally_row *rows; /* sorted by key[0], then key[1] (bytes) */
  size_t n;
  char *text; /* (the keys' storage) */
} att_tally;

/* Count the events that q selects (its window, filters and `text`; the
 * events, not the occurrences of recurring ones; `sort` and `limit` are
 * not used) by one or two of `by` (nby 1 or 2, different).  0, or a
 * negative code with the message set (out is then empty). */
int att_store_tally(att_store *st, const att_query *q, const att_by *by, size_t nby,
                    att_tally *out);
void att_tally_free(att_tally *t);

#endif
