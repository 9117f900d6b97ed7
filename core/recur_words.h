/*
 * Recurrences as people say them ("yearly", "every other week", "every
 * Monday", "quarterly, 4 times"), read into the RRULE of an event's
 * `recur` field (core/rrule.h; the table is in docs/scheduling.md).
 */
#ifndef ATT_RECUR_WORDS_H
#define ATT_RECUR_WORDS_H

#include <stddef.h>

/* Room for a rule: an RRULE is at most 512 bytes (core/rrule.h). */
#define ATT_RECUR_MAX 520

/* Read in as words, or as an RRULE when it holds '=', into the canonical
 * rule (att_rrule_parse's text) in rule[cap].  ATT_EINVAL with a message
 * that lists the accepted words when it cannot be read. */
int att_recur_words(const char *in, char *rule, size_t cap);

#endif
