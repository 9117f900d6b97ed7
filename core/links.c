/*
 * Referential integrity of links: a link names an existing, other event,
 * and an event that others link to is not removed from under them.
 *
 * Links may be given by key; they are resolved to ids when the event is
 * written (the store keeps ids, so renaming a key never breaks a link).
 * Whether every link of a write points at a live event, and whether a
 * removed event is still linked from one, is judged once per write, at
 * its commit, against the state the write leaves: so a batch may add an
 * event and the one that links to it in either order, or drop a link and
 * then remove its target.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fault.h"
#include "store_int.h"

/* 1 if id is live, 0 if not, or ATT_ECORRUPT (a damaged id table). */
static int live(att_store *st, int64_t id) {
  att__ov *e = att__ov_find(&st->ov, id);
  int64_t ord;
  if (e) return !e->deleted;
  ord = att__snap_find(&st->snap, id);
  return ord < -1 ? (int)ord : ord >= 0;
}

/* The id of the live event holding key, 0, or ATT_ECORRUPT. */
static int64_t key_id(att_store *st, const char *key) {
  att__ov *e = att__ov_find_key(&st->ov, key);
  const att__ident *o;
  int64_t ord;
  int rc;
  if (e) return e->id;
  ord = att__snap_find_key(&st->snap, key);
  if (ord < -1) return ord;
  if (ord < 0) return 0;
  if ((rc = att__snap_ident(&st->snap, (uint64_t)ord, &o)) != 0) return rc;
  return att__ov_find(&st->ov, o->id) ? 0 : o->id;
}

int att__links_resolve(att_store *st, att_event *ev) {
  for (size_t i = 0; i < ev->nlinks; i++) {
    att_link *l = &ev->links[i];
    int64_t id;
    if (!l->key) continue;
    if (ev->key && strcmp(ev->key, l->key) == 0)
      return att__err(ATT_EINVAL,
                      "event field \"links[%zu].key\": \"%s\" is this event's own key; a link "
                      "points to another event",
                      i, l->key);
    if ((id = key_id(st, l->key)) < 0) return (int)id;
    if (!id)
      return att__err(ATT_EINVAL,
                      "event field \"links[%zu].key\": no event has the key \"%s\"; a link "
                      "names an existing event, by id or by key",
                      i, l->key);
    free(l->key);
    l->key = NULL;
    l->id = id;
  }
  return 0;
}

/* The links of one event: every target live, none the event itself. */
static int check_event(att_store *st, const att_event *ev) {
  for (size_t i = 0; i < ev->nlinks; i++) {
    const att_link *l = &ev->links[i];
    int rc;
    if (l->id == ev->id)
      return att__err(ATT_EINVAL,
                      "event field \"links[%zu].id\": %lld is this event's own id; a link "
                      "points to another event",
                      i, (long long)l->id);
    rc = live(st, l->id);
    if (rc < 0) return rc;
    if (!rc)
      return att__err(ATT_EINVAL,
                      "event field \"links[%zu].id\": there is no event %lld%s; a link names "
                      "an existing event, by id or by key",
                      i, (long long)l->id, l->id < st->next_id ? " (it was removed)" : "");
  }
  return 0;
}

/* ---- who links to an event ------------------------------------------- */

typedef int (*linker_fn)(void *ud, int64_t from, const char *rel, int64_t to);

static int in_ids(const int64_t *ids, size_t n, int64_t id) {
  for (size_t i = 0; i < n; i++)
    if (ids[i] == id) return 1;
  return 0;
}

static int each_link(const att_event *ev, const int64_t *to, size_t nto, linker_fn fn, void *ud) {
  for (size_t i = 0; i < ev->nlinks; i++)
    if (in_ids(to, nto, ev->links[i].id)) {
      int rc = fn(ud, ev->id, ev->links[i].rel, ev->links[i].id);
      if (rc) return rc;
    }
  return 0;
}

/* The links of snapshot event ord, unless the overlay holds that event.
 * Stored text without a "links" member is passed over unparsed. */
static int snap_event_links(att_store *st, uint64_t o, const int64_t *to, size_t nto, linker_fn fn,
                            void *ud) {
  const att__ident *id;
  const char *json, *val;
  uint32_t len;
  size_t vlen;
  att_event ev;
  int rc;
  if ((rc = att__snap_ident(&st->snap, o, &id)) != 0) return rc;
  if (att__ov_find(&st->ov, id->id)) return 0;
  if ((rc = att__snap_json(&st->snap, o, &json, &len)) != 0) return rc;
  if (att_event_scan_member(json, len, "links", &val, &vlen) == 0) return 0;
  if ((rc = att__snap_event(&st->snap, o, &ev)) != 0) return rc;
  rc = each_link(&ev, to, nto, fn, ud);
  att_event_free(&ev);
  return rc;
}

/*
 * The snapshot's events that have links, found by searching the records
 * section for the member's name instead of reading every record: in the
 * stored (compact) JSON `"links":[` cannot occur inside a string (its
 * quotes would be escaped), so a record without it has no links; one
 * with it (its top-level member, or a name inside fields) is read whole.
 * Records lie in id order, so the record holding a hit is found by
 * binary search on the id table.  1 when the layout is not as expected
 * (the caller then reads every record, and nothing was reported yet),
 * else 0 or an error.
 */
static int snap_linkers_fast(att_store *st, const int64_t *to, size_t nto, linker_fn fn, void *ud) {
  const att__snap *s = &st->snap;
  const char *map = (const char *)s->map;
  uint64_t rbeg = s->h.sect[ATT__S_RECS].off, rend = rbeg + s->h.sect[ATT__S_RECS].len;
  const char *p = map + rbeg, *end = map + rend;
  uint64_t *ords = NULL;
  size_t nords = 0, cap = 0;
  int rc = 0;
  while (p < end && (p = memmem(p, (size_t)(end - p), "\"links\":[", 9)) != NULL) {
    uint64_t off = (uint64_t)(p - map), lo = 0, hi = s->h.count, ord;
    const att__ident *e;
    uint32_t n;
    while (lo < hi) { /* the first record starting after the hit */
      uint64_t mid = lo + (hi - lo) / 2;
      if ((rc = att__snap_ident(s, mid, &e)) != 0) goto out;
      if (e->rec_off <= off) lo = mid + 1;
      else hi = mid;
    }
    rc = 1;
    if (lo == 0) goto out;
    ord = lo - 1;
    if ((rc = att__snap_ident(s, ord, &e)) != 0) goto out;
    rc = 1;
    if (e->rec_off < rbeg || rend - e->rec_off < 8) goto out;
    memcpy(&n, map + e->rec_off, 4);
    if (n > rend - e->rec_off - 8 || off >= e->rec_off + 8 + n) goto out;
    if (nords == cap) {
      uint64_t *v = att__fault(ATT_FAULT_ALLOC) ? NULL : realloc(ords, (cap = cap ? cap * 2 : 64) * sizeof *v);
      if (!v) {
        rc = att__err(ATT_ENOMEM, "out of memory");
        goto out;
      }
      ords = v;
    }
    ords[nords++] = ord;
    p = map + e->rec_off + 8 + n;
  }
  rc = 0;
  for (size_t i = 0; rc == 0 && i < nords; i++) rc = snap_event_links(st, ords[i], to, nto, fn, ud);
out:
  free(ords);
  return rc;
}

/* Call fn for every link of a live event to one of to[0..nto). */
static int scan_linkers(att_store *st, const int64_t *to, size_t nto, linker_fn fn, void *ud) {
  int rc;
  for (size_t i = 0; i < st->ov.n; i++) {
    const att__ov *e = &st->ov.v[i];
    if (!e->deleted && e->ev.nlinks && (rc = each_link(&e->ev, to, nto, fn, ud)) != 0) return rc;
  }
  if ((rc = snap_linkers_fast(st, to, nto, fn, ud)) <= 0) return rc;
  for (uint64_t o = 0; o < st->snap.h.count; o++)
    if ((rc = snap_event_links(st, o, to, nto, fn, ud)) != 0) return rc;
  return 0;
}

typedef struct linkers {
  struct att_linker *v;
  size_t n, cap;
} linkers;

static int collect(void *ud, int64_t from, const char *rel, int64_t to) {
  linkers *l = ud;
  if (l->n == l->cap) {
    size_t c = l->cap ? l->cap * 2 : 8;
    struct att_linker *v = att__fault(ATT_FAULT_ALLOC) ? NULL : realloc(l->v, c * sizeof *v);
    if (!v) return att__err(ATT_ENOMEM, "out of memory");
    l->v = v;
    l->cap = c;
  }
  l->v[l->n].from = from;
  l->v[l->n].to = to;
  snprintf(l->v[l->n].rel, sizeof l->v[l->n].rel, "%s", rel ? rel : "");
  l->n++;
  return 0;
}

int att_store_linkers(att_store *st, int64_t id, struct att_linker **out, size_t *n) {
  linkers l = {NULL, 0, 0};
  int rc = scan_linkers(st, &id, 1, collect, &l);
  if (rc) {
    free(l.v);
    l.v = NULL;
    l.n = 0;
  }
  *out = l.v;
  *n = l.n;
  return rc;
}

/* "event 3 is linked from 4 (follows), 5 (related)" */
static int linked_err(const linkers *l) {
  char buf[400];
  size_t o = 0, shown = 0;
  int64_t to = l->v[0].to;
  buf[0] = '\0';
  for (size_t i = 0; i < l->n; i++) {
    int w;
    if (l->v[i].to != to) continue;
    if (shown == 8) {
      snprintf(buf + o, sizeof buf - o, ", ...");
      break;
    }
    w = snprintf(buf + o, sizeof buf - o, "%s%lld (%s)", shown ? ", " : "",
                 (long long)l->v[i].from, l->v[i].rel);
    if (w < 0 || (size_t)w >= sizeof buf - o) break;
    o += (size_t)w;
    shown++;
  }
  return att__err(ATT_ELINKED,
                  "event %lld is linked from %s; remove or change those links first, or "
                  "force the removal, which drops them in the same change",
                  (long long)to, buf);
}

int att__links_check(att_store *st) {
  int64_t *gone = NULL;
  size_t ngone = 0;
  int rc = 0;
  for (size_t i = 0; i < st->npend && rc == 0; i++) {
    const att__ov *e;
    if (st->pend[i].op == ATT_CHANGE_REMOVE) {
      if (!gone && !(gone = att__fault(ATT_FAULT_ALLOC) ? NULL : malloc(st->npend * sizeof *gone)))
        return att__err(ATT_ENOMEM, "out of memory");
      gone[ngone++] = st->pend[i].id;
      continue;
    }
    e = att__ov_find(&st->ov, st->pend[i].id);
    if (e && !e->deleted) rc = check_event(st, &e->ev);
  }
  if (rc == 0 && ngone) {
    linkers l = {NULL, 0, 0};
    rc = scan_linkers(st, gone, ngone, collect, &l);
    if (rc == 0 && l.n) rc = linked_err(&l);
    free(l.v);
  }
  free(gone);
  return rc;
}

/* Without the links to id; 1 if any was dropped. */
static int drop_links(att_event *ev, int64_t id) {
  size_t k = 0;
  for (size_t i = 0; i < ev->nlinks; i++) {
    if (ev->links[i].id == id) {
      free(ev->links[i].rel);
      free(ev->links[i].key);
      continue;
    }
    ev->links[k++] = ev->links[i];
  }
  if (k == ev->nlinks) return 0;
  ev->nlinks = k;
  if (k == 0) {
    free(ev->links);
    ev->links = NULL;
  }
  return 1;
}

int att_store_remove_force(att_store *st, int64_t id) {
  linkers l = {NULL, 0, 0};
  int own = !att_store_in_batch(st), rc;
  /* Nothing is touched for an event that is not there (inside a caller's
   * batch, a partial change would stay). */
  if ((rc = live(st, id)) <= 0)
    return rc < 0 ? rc : att__err(ATT_ENOTFOUND, "no event with id %lld", (long long)id);
  if (own && (rc = att_store_begin(st)) != 0) return rc;
  rc = scan_linkers(st, &id, 1, collect, &l);
  for (size_t i = 0; rc == 0 && i < l.n; i++) {
    att_event ev;
    if (i > 0 && l.v[i].from == l.v[i - 1].from) continue;
    if ((rc = att_store_get(st, l.v[i].from, &ev)) != 0) break;
    if (drop_links(&ev, id)) {
      ev.rev = 0; /* whatever revision it is at: this is the store's own change */
      rc = att_store_update(st, &ev);
    }
    att_event_free(&ev);
  }
  free(l.v);
  if (rc == 0) rc = att_store_remove(st, id);
  if (!own) return rc;
  if (rc) {
    att_store_rollback(st);
    return rc;
  }
  return att_store_commit(st);
}

/* ---- imports written straight into a snapshot -------------------------- */

int att__links_note(att_store *st, const att_event *ev) {
  for (size_t i = 0; i < ev->nlinks; i++) {
    if (st->nimp_links == st->cimp_links) {
      size_t c = st->cimp_links ? st->cimp_links * 2 : 64;
      struct att__implink *v = att__fault(ATT_FAULT_ALLOC) ? NULL : realloc(st->imp_links, c * sizeof *v);
      if (!v) return att__err(ATT_ENOMEM, "out of memory");
      st->imp_links = v;
      st->cimp_links = c;
    }
    st->imp_links[st->nimp_links].from = ev->id;
    st->imp_links[st->nimp_links].to = ev->links[i].id;
    st->imp_links[st->nimp_links].i = i;
    st->nimp_links++;
  }
  return 0;
}

int att__links_check_import(att_store *st, int64_t first, int64_t end) {
  for (size_t k = 0; k < st->nimp_links; k++) {
    const struct att__implink *l = &st->imp_links[k];
    if (l->to == l->from)
      return att__err(ATT_EINVAL,
                      "imported event %lld: field \"links[%zu].id\": %lld is this event's own "
                      "id; a link points to another event",
                      (long long)l->from, l->i, (long long)l->to);
    int rc = (l->to >= first && l->to < end) ? 1 : live(st, l->to);
    if (rc < 0) return rc;
    if (rc) continue;
    return att__err(ATT_EINVAL,
                    "imported event %lld: field \"links[%zu].id\": there is no event %lld; a "
                    "link names an existing event, by id or by key",
                    (long long)l->from, l->i, (long long)l->to);
  }
  return 0;
}
