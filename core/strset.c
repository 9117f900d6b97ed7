/*
 * The string set of strset.h: open addressing with linear probing over
 * FNV-1a hashes, grown at half full.
 */
#include "strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static uint64_t hash(const char *s) {
  uint64_t h = 0xcbf29ce484222325ull;
  while (*s) h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
  return h;
}

static int grow(att_strset *set) {
  size_t cap = set->cap ? set->cap * 2 : 64, i;
  char **v = calloc(cap, sizeof *v);
  if (!v) return att__err(ATT_ENOMEM, "out of memory for a set of keys");
  for (size_t j = 0; j < set->cap; j++) {
    if (!set->slots[j]) continue;
    for (i = hash(set->slots[j]) & (cap - 1); v[i]; i = (i + 1) & (cap - 1)) {}
    v[i] = set->slots[j];
  }
  free(set->slots);
  set->slots = v;
  set->cap = cap;
  return 0;
}

int att_strset_add(att_strset *set, const char *s) {
  size_t i;
  int rc;
  if ((set->n + 1) * 2 > set->cap && (rc = grow(set)) != 0) return rc;
  for (i = hash(s) & (set->cap - 1); set->slots[i]; i = (i + 1) & (set->cap - 1))
    if (strcmp(set->slots[i], s) == 0) return 0;
  if (!(set->slots[i] = strdup(s))) return att__err(ATT_ENOMEM, "out of memory for a set of keys");
  set->n++;
  return 1;
}

int att_strset_has(const att_strset *set, const char *s) {
  if (!set->cap) return 0;
  for (size_t i = hash(s) & (set->cap - 1); set->slots[i]; i = (i + 1) & (set->cap - 1))
    if (strcmp(set->slots[i], s) == 0) return 1;
  return 0;
}

void att_strset_free(att_strset *set) {
  for (size_t i = 0; i < set->cap; i++) free(set->slots[i]);
  free(set->slots);
  memset(set, 0, sizeof *set);
}
