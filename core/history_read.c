/*
 * Reading the history (docs/history.md): the versions of an event from
 * every place they are kept (the history segments, the main snapshot, the
 * journal), the list of changes, one version or change, reads as of a
 * past time, and putting a removed event back.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "store_int.h"

/* A version of an event, wherever it is kept, is an att__hv (strings and
 * JSON belong to the store). */
typedef att__hv hver;

typedef struct hvec {
  hver *v;
  size_t n, cap;
} hvec;

static int hvec_push(hvec *h, const hver *x) {
  if (h->n == h->cap) {
    size_t c = h->cap ? h->cap * 2 : 16;
    hver *v = realloc(h->v, c * sizeof *v);
    if (!v) return att__err(ATT_ENOMEM, "out of memory reading the history");
    h->v = v;
    h->cap = c;
  }
  h->v[h->n++] = *x;
  return 0;
}

static int by_seq(const void *a, const void *b) {
  const hver *x = a, *y = b;
  if (x->v.seq_from != y->v.seq_from) return x->v.seq_from < y->v.seq_from ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* Version at ord of snapshot s. */
static int snap_ver(const att__snap *s, uint64_t ord, hver *out) {
  const att__ident *e;
  int rc;
  memset(out, 0, sizeof *out);
  if ((rc = att__snap_ident(s, ord, &e)) != 0 || (rc = att__snap_vers(s, ord, &out->v)) != 0 ||
      (rc = att__snap_json(s, ord, &out->json, &out->len)) != 0)
    return rc;
  out->id = e->id;
  out->author = att__snap_strat(s, out->v.author);
  out->reason = att__snap_strat(s, out->v.reason);
  if (out->v.rev == 0 && out->v.op != ATT_CHANGE_PRUNE) {
    /* written before history was kept: the revision from the record */
    att_event ev;
    if ((rc = att_event_from_json(out->json, out->len, ATT_EV_STORED, &ev)) != 0)
      return att__errctx(ATT_ECORRUPT, "stored event %lld does not read back", (long long)e->id);
    out->v.rev = ev.rev;
    att_event_free(&ev);
  }
  return 0;
}

/* The journal's change i as a version (a removal: the state removed is
 * found by the caller). */
static void jh_ver(const att_store *st, size_t i, hver *out) {
  const att__jh *h = &st->jh[i];
  memset(out, 0, sizeof *out);
  out->id = h->id;
  out->v.tx_from = h->tx;
  out->v.tx_to = ATT_TIME_MAX;
  out->v.seq_from = h->seq;
  out->v.batch = h->batch;
  out->v.rev = h->rev;
  out->v.op = (uint32_t)h->op;
  out->author = h->author ? h->author : "";
  out->reason = h->reason ? h->reason : "";
  out->json = h->json;
  out->len = h->len;
  for (size_t k = i + 1; k < st->njh; k++)
    if (st->jh[k].id == h->id) {
      out->v.tx_to = st->jh[k].tx;
      out->v.seq_to = st->jh[k].seq;
      break;
    }
}

/* Every version of event id, by seq: the segments', the main snapshot's,
 * the journal's.  A removal made in the journal gets the state removed as
 * its JSON, as a segment keeps it. */
static int versions(att_store *st, int64_t id, hvec *out) {
  int rc;
  int64_t ord;
  memset(out, 0, sizeof *out);
  if ((rc = att__segs_open(st)) != 0) return rc;
  for (size_t i = 0; i < st->nsegs; i++) {
    uint64_t lo, hi;
    if ((rc = att__snap_find_range(&st->segs[i], id, &lo, &hi)) != 0) goto fail;
    for (uint64_t k = lo; k < hi; k++) {
      hver x;
      uint32_t o;
      if ((rc = att__snap_idix(&st->segs[i], k, &o)) != 0 || (rc = snap_ver(&st->segs[i], o, &x)) != 0 ||
          (rc = hvec_push(out, &x)) != 0)
        goto fail;
    }
  }
  ord = att__snap_find(&st->snap, id);
  if (ord < -1) {
    rc = (int)ord;
    goto fail;
  }
  if (ord >= 0) {
    hver x;
    const att__ov *e = att__ov_find(&st->ov, id);
    if ((rc = snap_ver(&st->snap, (uint64_t)ord, &x)) != 0) goto fail;
    if (e && e->jhi) {
      x.v.tx_to = e->first_tx;
      x.v.seq_to = e->first_seq;
    }
    if ((rc = hvec_push(out, &x)) != 0) goto fail;
  }
  for (size_t i = 0; i < st->njh; i++) {
    hver x;
    if (st->jh[i].id != id) continue;
    jh_ver(st, i, &x);
    if ((rc = hvec_push(out, &x)) != 0) goto fail;
  }
  if (out->n > 1) qsort(out->v, out->n, sizeof *out->v, by_seq);
  for (size_t i = 1; i < out->n; i++)
    if (out->v[i].v.op == ATT_CHANGE_REMOVE && out->v[i].json == NULL) {
      out->v[i].json = out->v[i - 1].json;
      out->v[i].len = out->v[i - 1].len;
      out->v[i].v.rev = out->v[i - 1].v.rev;
    }
  return 0;
fail:
  free(out->v);
  memset(out, 0, sizeof *out);
  return rc;
}

/* ---- changes ------------------------------------------------------------ */

const char *att_change_op_name(int op) {
  switch (op) {
  case ATT_CHANGE_ADD: return "add";
  case ATT_CHANGE_UPDATE: return "update";
  case ATT_CHANGE_REMOVE: return "remove";
  case ATT_CHANGE_RESTORE: return "restore";
  case ATT_CHANGE_PRUNE: return "prune";
  default: return "change";
  }
}

void att_change_filter_init(att_change_filter *f) {
  memset(f, 0, sizeof *f);
  f->since = ATT_TIME_MIN;
  f->until = ATT_TIME_MAX;
}

void att_changes_free(att_change *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(v[i].author);
    free(v[i].reason);
  }
  free(v);
}

static int passes(const att_store *st, const att_change_filter *f, const hver *x) {
  if (x->v.seq_from == 0) return 0; /* made before history was kept */
  /* made before the history kept (a prune): its state may be kept, as
   * what reads at the bound find, but not what it replaced */
  if (st->pr_seq && x->v.op != ATT_CHANGE_PRUNE && x->v.tx_from < st->pr_before) return 0;
  if (f->id && x->id != f->id) return 0;
  if (x->v.tx_from < f->since || x->v.tx_from > f->until) return 0;
  if (f->below && x->v.seq_from >= f->below) return 0;
  if (f->author && strcmp(f->author, x->author ? x->author : "") != 0) return 0;
  return 1;
}

static int to_change(const hver *x, att_change *c) {
  memset(c, 0, sizeof *c);
  c->seq = x->v.seq_from;
  c->batch = x->v.batch ? x->v.batch : x->v.seq_from;
  c->tx = x->v.tx_from;
  c->op = (int)x->v.op;
  c->id = x->id;
  c->rev = x->v.rev;
  if (!(c->author = strdup(x->author ? x->author : "")) || !(c->reason = strdup(x->reason ? x->reason : ""))) {
    free(c->author);
    c->author = NULL;
    return att__err(ATT_ENOMEM, "out of memory reading the history");
  }
  return 0;
}

/* Every version that passes f, from every source (no JSON needed). */
static int all_versions(att_store *st, const att_change_filter *f, hvec *out) {
  int rc;
  memset(out, 0, sizeof *out);
  if (f->id) {
    hvec all;
    if ((rc = versions(st, f->id, &all)) != 0) return rc;
    for (size_t i = 0; i < all.n && rc == 0; i++)
      if (passes(st, f, &all.v[i])) rc = hvec_push(out, &all.v[i]);
    free(all.v);
    return rc;
  }
  if ((rc = att__segs_open(st)) != 0) return rc;
  for (size_t k = 0; k <= st->nsegs; k++) {
    const att__snap *s = k < st->nsegs ? &st->segs[k] : &st->snap;
    if (s->vers == NULL) continue; /* before history was kept: no changes known */
    for (uint64_t o = 0; o < s->h.count; o++) {
      hver x;
      const att__ident *e;
      memset(&x, 0, sizeof x);
      if ((rc = att__snap_ident(s, o, &e)) != 0 || (rc = att__snap_vers(s, o, &x.v)) != 0) goto fail;
      x.id = e->id;
      x.author = att__snap_strat(s, x.v.author);
      x.reason = att__snap_strat(s, x.v.reason);
      if (passes(st, f, &x) && (rc = hvec_push(out, &x)) != 0) goto fail;
    }
  }
  for (size_t i = 0; i < st->njh; i++) {
    hver x;
    jh_ver(st, i, &x);
    if (passes(st, f, &x) && (rc = hvec_push(out, &x)) != 0) goto fail;
  }
  return 0;
fail:
  free(out->v);
  memset(out, 0, sizeof *out);
  return rc;
}

int att_store_changes(att_store *st, const att_change_filter *f, att_change **out, size_t *n) {
  hvec v;
  size_t k;
  int rc;
  *out = NULL;
  *n = 0;
  if ((rc = all_versions(st, f, &v)) != 0) return rc;
  if (v.n > 1) qsort(v.v, v.n, sizeof *v.v, by_seq);
  k = f->limit && f->limit < v.n ? f->limit : v.n;
  if (k && !(*out = calloc(k, sizeof **out))) {
    free(v.v);
    return att__err(ATT_ENOMEM, "out of memory reading the history");
  }
  for (size_t i = 0; i < k; i++) {
    const hver *x = f->oldest_first ? &v.v[i] : &v.v[v.n - 1 - i];
    if ((rc = to_change(x, &(*out)[i])) != 0) {
      att_changes_free(*out, i);
      *out = NULL;
      free(v.v);
      return rc;
    }
  }
  *n = k;
  free(v.v);
  return 0;
}

/* The event a change was made to: 1 and *id (0: a prune's), 0 if there
 * is no such change (in the history kept), or an error. */
static int change_id(att_store *st, uint64_t seq, int64_t *id) {
  att_change_filter f;
  hvec v;
  int rc, found = 0;
  *id = 0;
  if (seq == 0) return 0;
  for (size_t i = 0; i < st->njh; i++)
    if (st->jh[i].seq == seq) {
      *id = st->jh[i].id;
      return 1;
    }
  att_change_filter_init(&f);
  f.below = seq + 1;
  if ((rc = all_versions(st, &f, &v)) != 0) return rc;
  for (size_t i = 0; i < v.n; i++)
    if (v.v[i].v.seq_from == seq) {
      *id = v.v[i].id;
      found = 1;
    }
  free(v.v);
  return found;
}

/* No change seq: say why (the history before it was pruned?). */
static int no_change(att_store *st, uint64_t seq) {
  if (st->pr_seq && seq < st->pr_seq) {
    char b[40];
    att_time_format(st->pr_before, b, sizeof b);
    return att__err(ATT_ENOTFOUND, "change %llu is older than the history kept: change %llu dropped "
                    "the history before %s", (unsigned long long)seq, (unsigned long long)st->pr_seq, b);
  }
  return att__err(ATT_ENOTFOUND, "no change %llu in store \"%s\"", (unsigned long long)seq, st->dir);
}

int att_store_change(att_store *st, uint64_t seq, att_change *out) {
  int64_t id;
  hvec v;
  int rc;
  memset(out, 0, sizeof *out);
  if ((rc = change_id(st, seq, &id)) < 0) return rc;
  if (rc == 0) return no_change(st, seq);
  if ((rc = versions(st, id, &v)) != 0) return rc;
  rc = ATT_ENOTFOUND;
  for (size_t i = 0; i < v.n; i++)
    if (v.v[i].v.seq_from == seq) rc = to_change(&v.v[i], out);
  free(v.v);
  if (rc == ATT_ENOTFOUND) return no_change(st, seq);
  return rc;
}

static int dup_json(const char *j, uint32_t len, char **out, size_t *olen) {
  if (!(*out = malloc((size_t)len + 1))) return att__err(ATT_ENOMEM, "out of memory");
  memcpy(*out, j, len);
  (*out)[len] = '\0';
  if (olen) *olen = len;
  return 0;
}

int att_store_version(att_store *st, int64_t id, int64_t rev, char **json, size_t *len) {
  hvec v;
  int rc;
  int64_t last = 0;
  *json = NULL;
  *len = 0;
  if ((rc = versions(st, id, &v)) != 0) return rc;
  for (size_t i = 0; i < v.n; i++) {
    if (v.v[i].v.op == ATT_CHANGE_REMOVE) continue;
    if (v.v[i].v.rev > last) last = v.v[i].v.rev;
    if (v.v[i].v.rev == rev) {
      rc = dup_json(v.v[i].json, v.v[i].len, json, len);
      free(v.v);
      return rc;
    }
  }
  free(v.v);
  if (st->pr_seq && rev >= 1 && (last == 0 ? id < st->next_id : rev < last)) {
    char b[40];
    att_time_format(st->pr_before, b, sizeof b);
    return att__err(ATT_ENOTFOUND, "revision %lld of event %lld is not in the history kept: change %llu "
                    "dropped the history before %s", (long long)rev, (long long)id,
                    (unsigned long long)st->pr_seq, b);
  }
  if (last == 0) return att__err(ATT_ENOTFOUND, "no event with id %lld, now or in its history", (long long)id);
  return att__err(ATT_ENOTFOUND, "event %lld has no revision %lld (its revisions are 1 to %lld)",
                  (long long)id, (long long)rev, (long long)last);
}

int att_store_change_states(att_store *st, uint64_t seq, char **before, size_t *blen, char **after,
                            size_t *alen) {
  int64_t id;
  hvec v;
  int rc = 0;
  size_t i;
  *before = *after = NULL;
  *blen = *alen = 0;
  if ((rc = change_id(st, seq, &id)) < 0) return rc;
  if (rc == 0) return no_change(st, seq);
  if ((rc = versions(st, id, &v)) != 0) return rc;
  for (i = 0; i < v.n && v.v[i].v.seq_from != seq; i++) {}
  if (i == v.n) {
    free(v.v);
    return no_change(st, seq);
  }
  rc = 0;
  if (v.v[i].v.op == ATT_CHANGE_REMOVE) {
    rc = dup_json(v.v[i].json, v.v[i].len, before, blen);
  } else {
    rc = dup_json(v.v[i].json, v.v[i].len, after, alen);
    if (rc == 0 && i > 0 && v.v[i].v.op == ATT_CHANGE_UPDATE && v.v[i - 1].v.op != ATT_CHANGE_REMOVE)
      rc = dup_json(v.v[i - 1].json, v.v[i - 1].len, before, blen);
  }
  free(v.v);
  if (rc) {
    free(*before);
    free(*after);
    *before = *after = NULL;
  }
  return rc;
}

/* ---- as of a past time ---------------------------------------------------- */

int att_store_asof(att_store *st, att_time t) {
  int rc;
  if (st->in_batch || st->imp) return att__err(ATT_EINVAL, "cannot read as of a past time inside a batch");
  if (t != ATT_TIME_MAX && (rc = att__segs_open(st)) != 0) return rc;
  if (t != ATT_TIME_MAX && st->pr_seq && t < st->pr_before) {
    char a[40], b[40];
    att_time_format(t, a, sizeof a);
    att_time_format(st->pr_before, b, sizeof b);
    return att__err(ATT_ERANGE, "cannot read as of %s: change %llu dropped the history before %s; "
                    "reads go back to %s", a, (unsigned long long)st->pr_seq, b, b);
  }
  st->asof = t;
  st->epoch++;
  return 0;
}

att_time att_store_asof_time(const att_store *st) { return st->asof; }

int att__asof_json(att_store *st, int64_t id, const char **json, size_t *len) {
  hvec v;
  int rc, found = 0;
  if ((rc = versions(st, id, &v)) != 0) return rc;
  for (size_t i = v.n; i-- > 0;) {
    if (v.v[i].v.tx_from > st->asof) continue;
    if (v.v[i].v.op != ATT_CHANGE_REMOVE) {
      *json = v.v[i].json;
      *len = v.v[i].len;
      found = 1;
    }
    break;
  }
  free(v.v);
  return found;
}

/* Key of a stored JSON equal to key? */
static int json_has_key(const char *j, size_t len, const char *key) {
  const char *v;
  size_t vlen;
  if (att_event_scan_member(j, len, "key", &v, &vlen) != 1 || vlen < 2) return 0;
  return vlen - 2 == strlen(key) && memcmp(v + 1, key, vlen - 2) == 0;
}

static int try_key(att_store *st, int64_t cand, const char *key, int64_t *id) {
  const char *j = NULL;
  size_t len = 0;
  int rc = att__asof_json(st, cand, &j, &len);
  if (rc < 0) return rc;
  if (rc == 1 && json_has_key(j, len, key)) {
    *id = cand;
    return 1;
  }
  return 0;
}

int att__asof_key(att_store *st, const char *key, int64_t *id) {
  int rc;
  int64_t ord;
  if ((rc = att__segs_open(st)) != 0) return rc;
  ord = att__snap_find_key(&st->snap, key);
  if (ord < -1) return (int)ord;
  if (ord >= 0) {
    const att__ident *e;
    if ((rc = att__snap_ident(&st->snap, (uint64_t)ord, &e)) != 0) return rc;
    if ((rc = try_key(st, e->id, key, id)) != 0) return rc;
  }
  for (size_t i = 0; i < st->njh; i++)
    if (st->jh[i].json && json_has_key(st->jh[i].json, st->jh[i].len, key) &&
        (rc = try_key(st, st->jh[i].id, key, id)) != 0)
      return rc;
  for (size_t k = 0; k < st->nsegs; k++) {
    const att__snap *s = &st->segs[k];
    if ((rc = att__snap_need(s, ATT__S_KEYS)) != 0 || (rc = att__snap_need(s, ATT__S_STR)) != 0) return rc;
    for (uint64_t i = 0; i < s->h.nkeys; i++) {
      const char *kk;
      uint32_t o;
      const att__ident *e;
      if ((rc = att__snap_keyent(s, i, &kk, &o)) != 0) return rc;
      if (strcmp(kk, key) != 0) continue;
      if ((rc = att__snap_ident(s, o, &e)) != 0) return rc;
      if ((rc = try_key(st, e->id, key, id)) != 0) return rc;
    }
  }
  return 0;
}

/* ---- restore ---------------------------------------------------------------- */

int att_store_restore(att_store *st, att_event *ev) {
  hvec v;
  int rc, live;
  int64_t last = 0;
  if ((live = att__hist_live(st, ev->id)) < 0) return live;
  if (live) return att__err(ATT_EEXISTS, "event %lld is not removed: it cannot be restored", (long long)ev->id);
  if ((rc = versions(st, ev->id, &v)) != 0) return rc;
  for (size_t i = 0; i < v.n; i++)
    if (v.v[i].v.rev > last) last = v.v[i].v.rev;
  free(v.v);
  if (last == 0 && st->pr_seq && ev->id >= 1 && ev->id < st->next_id) {
    char b[40];
    att_time_format(st->pr_before, b, sizeof b);
    return att__err(ATT_ENOTFOUND, "event %lld cannot be restored: it was removed before %s, and change "
                    "%llu dropped the history before then", (long long)ev->id, b,
                    (unsigned long long)st->pr_seq);
  }
  if (last == 0)
    return att__err(ATT_ENOTFOUND, "no event %lld was ever removed from store \"%s\"", (long long)ev->id, st->dir);
  ev->rev = last;
  return att__store_put_restore(st, ev);
}
