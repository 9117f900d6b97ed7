/*
 * The overlay: events changed since the snapshot, by id, replayed from the
 * journal.  Entries keep their order of first change; a hash table of
 * indexes (open addressing, linear probing) finds them by id.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "grow.h"
#include "store_int.h"

static size_t slot_of(int64_t id, size_t nslots) {
  uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 17) & (nslots - 1);
}

att__ov *att__ov_find(const att__overlay *o, int64_t id) {
  if (o->nslots == 0) return NULL;
  for (size_t i = slot_of(id, o->nslots);; i = (i + 1) & (o->nslots - 1)) {
    int64_t s = o->slots[i];
    if (s == 0) return NULL;
    if (o->v[s - 1].id == id) return &o->v[s - 1];
  }
}

static int rehash(att__overlay *o, size_t nslots) {
  int64_t *slots = calloc(nslots, sizeof *slots);
  if (!slots) return att__err(ATT_ENOMEM, "out of memory for the journal index");
  for (size_t k = 0; k < o->n; k++) {
    size_t i = slot_of(o->v[k].id, nslots);
    while (slots[i] != 0) i = (i + 1) & (nslots - 1);
    slots[i] = (int64_t)k + 1;
  }
  free(o->slots);
  o->slots = slots;
  o->nslots = nslots;
  return 0;
}

static uint64_t str_hash(const char *s) {
  uint64_t h = 0xcbf29ce484222325ull;
  while (*s) h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
  return h | 1; /* 0 marks an empty slot */
}

static int key_add(att__overlay *o, const char *key, int64_t id) {
  uint64_t h = str_hash(key);
  size_t i;
  if ((o->nkeys + 1) * 2 > o->nkslots) {
    size_t ns = o->nkslots ? o->nkslots * 2 : 128;
    struct att__ovkey *k = calloc(ns, sizeof *k);
    if (!k) return att__err(ATT_ENOMEM, "out of memory for the journal key index");
    for (size_t j = 0; j < o->nkslots; j++) {
      if (o->keys[j].hash == 0) continue;
      for (i = (size_t)(o->keys[j].hash >> 7) & (ns - 1); k[i].hash; i = (i + 1) & (ns - 1)) {}
      k[i] = o->keys[j];
    }
    free(o->keys);
    o->keys = k;
    o->nkslots = ns;
  }
  for (i = (size_t)(h >> 7) & (o->nkslots - 1); o->keys[i].hash; i = (i + 1) & (o->nkslots - 1))
    if (o->keys[i].hash == h && o->keys[i].id == id) return 0;
  o->keys[i].hash = h;
  o->keys[i].id = id;
  o->nkeys++;
  return 0;
}

att__ov *att__ov_find_key(const att__overlay *o, const char *key) {
  uint64_t h;
  if (o->nkslots == 0) return NULL;
  h = str_hash(key);
  for (size_t i = (size_t)(h >> 7) & (o->nkslots - 1); o->keys[i].hash;
       i = (i + 1) & (o->nkslots - 1)) {
    att__ov *e;
    if (o->keys[i].hash != h) continue;
    e = att__ov_find(o, o->keys[i].id);
    if (e && !e->deleted && e->ev.key && strcmp(e->ev.key, key) == 0) return e;
  }
  return NULL;
}

int att__ov_put(att__overlay *o, int64_t id, att_event *ev, char *json, uint32_t len) {
  att__ov *e;
  if (ev && ev->key) {
    int rc = key_add(o, ev->key, id);
    if (rc) {
      free(json);
      return rc;
    }
  }
  e = att__ov_find(o, id);
  if (!e) {
    if (o->n == o->cap) {
      size_t cap = o->cap ? o->cap * 2 : ATT__JOURNAL_FIRST;
      att__ov *v = att__grow(o->v, o->cap * sizeof *v, cap * sizeof *v); /* grow.h */
      if (!v) {
        free(json);
        return att__err(ATT_ENOMEM, "out of memory for the journal");
      }
      o->v = v;
      o->cap = cap;
    }
    if ((o->n + 1) * 2 > o->nslots) {
      int rc = rehash(o, o->nslots ? o->nslots * 2 : 128);
      if (rc) {
        free(json);
        return rc;
      }
    }
    e = &o->v[o->n++];
    e->id = id;
    e->deleted = 1;
    e->json = NULL;
    e->seq = e->first_seq = 0;
    e->tx = e->first_tx = 0;
    e->jhi = 0;
    att_event_init(&e->ev);
    {
      size_t i = slot_of(id, o->nslots);
      while (o->slots[i] != 0) i = (i + 1) & (o->nslots - 1);
      o->slots[i] = (int64_t)o->n;
    }
  } else if (!e->deleted) {
    att_event_free(&e->ev);
  }
  free(e->json);
  e->json = NULL;
  e->len = 0;
  if (ev) {
    e->ev = *ev;
    e->deleted = 0;
    e->json = json;
    e->len = len;
    att_event_init(ev);
  } else {
    free(json);
    att_event_init(&e->ev);
    e->deleted = 1;
  }
  return 0;
}

void att__ov_free(att__overlay *o) {
  for (size_t k = 0; k < o->n; k++)
    if (!o->v[k].deleted) att_event_free(&o->v[k].ev), free(o->v[k].json);
  att__grow_free(o->v, o->cap * sizeof *o->v);
  free(o->slots);
  free(o->keys);
  memset(o, 0, sizeof *o);
}
