/*
 * The values a store's events hold in its indexed fields (actors, kinds,
 * statuses, tags), for the vocabulary (vocab.h): read from the
 * snapshot's dictionary (small, and checked when the snapshot opens)
 * and the journal's events, which are in memory.  No event is parsed.
 */
#include <string.h>

#include "error.h"
#include "store_int.h"
#include "vocab.h"

static int snap_field(att_vocab_field f) {
  switch (f) {
  case ATT_VOCAB_ACTOR: return ATT__F_ACTOR;
  case ATT_VOCAB_KIND: return ATT__F_KIND;
  case ATT_VOCAB_STATUS: return ATT__F_STATUS;
  default: return ATT__F_TAG;
  }
}

/* Does the journal's event ev hold value in field f? */
static int ev_holds(const att_event *ev, att_vocab_field f, const char *value) {
  switch (f) {
  case ATT_VOCAB_ACTOR: return att_event_has_actor(ev, value);
  case ATT_VOCAB_KIND: return ev->kind && strcmp(ev->kind, value) == 0;
  case ATT_VOCAB_STATUS: return ev->status && strcmp(ev->status, value) == 0;
  default: return att_event_has_tag(ev, value);
  }
}

int att_store_holds(att_store *st, att_vocab_field f, const char *value) {
  uint64_t first;
  uint32_t n = 0;
  int rc;
  if (st->snap.h.count > 0 &&
      (rc = att__snap_postings(&st->snap, snap_field(f), value, &first, &n)) != 0)
    return rc;
  if (n > 0) return 1;
  for (size_t i = 0; i < st->ov.n; i++)
    if (!st->ov.v[i].deleted && ev_holds(&st->ov.v[i].ev, f, value)) return 1;
  return 0;
}

static int each_of(const att_strv *v, int (*fn)(void *, const char *), void *ud) {
  for (size_t i = 0; i < v->n; i++) {
    int rc = fn(ud, v->v[i]);
    if (rc) return rc;
  }
  return 0;
}

int att_store_values(att_store *st, att_vocab_field f, int (*fn)(void *ud, const char *value),
                     void *ud) {
  const att__snap *s = &st->snap;
  int field = snap_field(f), rc;
  if (s->h.count > 0) {
    if ((rc = att__snap_need(s, ATT__S_DICT)) != 0 || (rc = att__snap_need(s, ATT__S_STR)) != 0)
      return rc;
    for (uint64_t i = s->h.dict[field]; i < s->h.dict[field + 1]; i++) {
      const char *v = "";
      uint64_t p;
      uint32_t n;
      if ((rc = att__snap_dictent(s, i, &v, &p, &n)) != 0) return rc;
      if (v[0] == '\x01') continue; /* ATT__RECUR_MARK: not a value of an event */
      if ((rc = fn(ud, v)) != 0) return rc;
    }
  }
  for (size_t i = 0; i < st->ov.n; i++) {
    const att_event *ev = &st->ov.v[i].ev;
    if (st->ov.v[i].deleted) continue;
    switch (f) {
    case ATT_VOCAB_ACTOR: rc = each_of(&ev->actors, fn, ud); break;
    case ATT_VOCAB_TAG: rc = each_of(&ev->tags, fn, ud); break;
    case ATT_VOCAB_KIND: rc = ev->kind ? fn(ud, ev->kind) : 0; break;
    default: rc = ev->status ? fn(ud, ev->status) : 0; break;
    }
    if (rc) return rc;
  }
  return 0;
}
