/*
 * A set of strings (its own copies), for checks of uniqueness: alert keys
 * that fired, keys of the events of an import.
 */
#ifndef ATT_STRSET_H
#define ATT_STRSET_H

#include <stddef.h>

typedef struct att_strset {
  char **slots; /* open addressing; NULL = empty */
  size_t n, cap;
} att_strset;

/* 1 if s was added, 0 if it was there, ATT_ENOMEM. */
int att_strset_add(att_strset *set, const char *s);
int att_strset_has(const att_strset *set, const char *s);
void att_strset_free(att_strset *set);

#endif
