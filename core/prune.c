/*
 * Pruning the history (docs/history.md, "Dropping old history"): the
 * versions a store no longer needs to answer for any time at or after a
 * bound are dropped, and the prune is itself a change, kept like any
 * other.  A prune is a compaction that rewrites, without what it drops,
 * every history segment that holds some of it; its own change is an
 * entry of the new segment, for event 0 (no event), its JSON the bound.
 * All or nothing: the new snapshot's rename is the commit point, as for
 * every compaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "store_int.h"

/*
 * What the history before B holds: a version replaced before B, a
 * removal made before B (the event was gone by then), and an earlier
 * prune.  A version replaced at or after B is kept, even when it was
 * made before: it is what an as-of read at B finds.
 */
int att__prune_drops(const att__vers *v, att_time before) {
  if (v->op == ATT_CHANGE_REMOVE || v->op == ATT_CHANGE_PRUNE) return v->tx_from < before;
  return v->tx_to < before;
}

int att__prune_entry_bound(const char *json, uint32_t len, att_time *before) {
  const char *v;
  size_t vlen;
  char buf[64];
  if (att_event_scan_member(json, len, "before", &v, &vlen) != 1 || vlen < 2 || vlen - 2 >= sizeof buf ||
      v[0] != '"')
    return -1;
  memcpy(buf, v + 1, vlen - 2);
  buf[vlen - 2] = '\0';
  return att_time_parse(buf, before) == 0 ? 0 : -1;
}

int att__prune_read_bound(att_store *st) {
  st->pr_seq = 0;
  st->pr_before = ATT_TIME_MIN;
  st->pr_tx = ATT_TIME_MIN;
  for (size_t i = 0; i < st->nsegs; i++) {
    const att__snap *g = &st->segs[i];
    uint64_t lo, hi;
    int rc;
    if ((rc = att__snap_find_range(g, 0, &lo, &hi)) != 0) return rc;
    for (uint64_t k = lo; k < hi; k++) {
      uint32_t o;
      att__vers v;
      const char *j;
      uint32_t len;
      att_time b;
      if ((rc = att__snap_idix(g, k, &o)) != 0 || (rc = att__snap_vers(g, o, &v)) != 0 ||
          (rc = att__snap_json(g, o, &j, &len)) != 0)
        return rc;
      if (v.op != ATT_CHANGE_PRUNE || att__prune_entry_bound(j, len, &b) != 0)
        return att__err(ATT_ECORRUPT, "history segment %llu: entry %u is not a prune's; 'attache fsck' reports",
                        (unsigned long long)st->snap.segs[i].gen, o);
      if (v.seq_from > st->pr_seq) {
        st->pr_seq = v.seq_from;
        st->pr_tx = v.tx_from;
      }
      if (b > st->pr_before) st->pr_before = b;
    }
  }
  return 0;
}

int att_store_pruned(att_store *st, att_time *before, uint64_t *seq) {
  int rc;
  *before = ATT_TIME_MIN;
  *seq = 0;
  if ((rc = att__segs_open(st)) != 0) return rc;
  *before = st->pr_before;
  *seq = st->pr_seq;
  return st->pr_seq != 0;
}

/* Keep of v[0..n) what the bound does not drop; how many went. */
static uint64_t filter(att__hv *v, size_t *n, att_time before) {
  size_t k = 0;
  for (size_t i = 0; i < *n; i++)
    if (!att__prune_drops(&v[i].v, before)) v[k++] = v[i];
  {
    uint64_t gone = *n - k;
    *n = k;
    return gone;
  }
}

int att__prune_check(att_store *st, att_time before, uint64_t *drops) {
  att_time now = att__store_now(st);
  char b[40], n[40];
  int rc;
  att__hv *v;
  size_t nv = 0;
  *drops = 0;
  if (now < st->last_tx) now = st->last_tx;
  att_time_format(before, b, sizeof b);
  att_time_format(now, n, sizeof n);
  if (before > now)
    return att__err(ATT_EINVAL, "cannot prune the history before %s: that is in the future (it is %s); "
                    "give a date or time up to now", b, n);
  if ((rc = att__segs_open(st)) != 0) return rc;
  if (st->pr_seq && before <= st->pr_before) {
    char p[40];
    att_time_format(st->pr_before, p, sizeof p);
    return att__err(ATT_EINVAL, "the history before %s was already pruned (change %llu), and %s is "
                    "not later: give a later date than %s", p, (unsigned long long)st->pr_seq, b, p);
  }
  for (size_t i = 0; i < st->nsegs; i++)
    for (uint64_t o = 0; o < st->segs[i].h.count; o++) {
      att__vers x;
      if ((rc = att__snap_vers(&st->segs[i], o, &x)) != 0) return rc;
      *drops += (uint64_t)att__prune_drops(&x, before);
    }
  if (!(v = calloc(st->njh * 2 + 1, sizeof *v))) return att__err(ATT_ENOMEM, "out of memory");
  if ((rc = att__hist_journal_versions(st, v, &nv)) == 0) *drops += filter(v, &nv, before);
  free(v);
  return rc;
}

int att__prune_manifest(att_store *st, uint64_t *gen, att__segent **segs, size_t *n,
                        uint64_t *next_seq, att_time *last_tx) {
  const att_time before = st->prune_before;
  const uint64_t seq = st->next_seq;
  att_time tx = att__store_now(st);
  att__hv *v = NULL;
  size_t k = 0, nv = 0;
  uint64_t dropped = 0;
  char json[160], b[40];
  int rc;
  if (tx < st->last_tx) tx = st->last_tx;
  if ((rc = att__segs_open(st)) != 0) return rc;
  if (!(*segs = malloc((st->nsegs + 1) * sizeof **segs))) return att__err(ATT_ENOMEM, "out of memory pruning");
  for (size_t i = 0; i < st->nsegs && rc == 0; i++) {
    const att__snap *g = &st->segs[i];
    uint64_t drops = 0;
    size_t m = 0;
    for (uint64_t o = 0; o < g->h.count && rc == 0; o++) {
      att__vers x;
      if ((rc = att__snap_vers(g, o, &x)) == 0) drops += (uint64_t)att__prune_drops(&x, before);
    }
    if (rc) break;
    dropped += drops;
    if (drops == 0) {
      (*segs)[k++] = st->snap.segs[i]; /* nothing of it goes: kept as it is */
      continue;
    }
    if (drops == g->h.count) continue; /* all of it goes */
    if (!(v = calloc(g->h.count, sizeof *v))) {
      rc = att__err(ATT_ENOMEM, "out of memory pruning");
      break;
    }
    if ((rc = att__hist_read_seg(g, v, &m)) == 0) {
      filter(v, &m, before);
      if ((rc = att__hist_write(st, *gen, v, m, &(*segs)[k])) == 0) {
        k++;
        (*gen)++;
      }
    }
    free(v);
    v = NULL;
  }
  /* The journal's replaced versions, and the prune's own change. */
  if (rc == 0 && !(v = calloc(st->njh * 2 + 1, sizeof *v))) rc = att__err(ATT_ENOMEM, "out of memory pruning");
  if (rc == 0 && (rc = att__hist_journal_versions(st, v, &nv)) == 0) {
    att__hv *p = &v[nv];
    dropped += filter(v, &nv, before);
    p = &v[nv++];
    att_time_format(before, b, sizeof b);
    snprintf(json, sizeof json, "{\"before\":\"%s\",\"dropped\":%llu}", b, (unsigned long long)dropped);
    memset(p, 0, sizeof *p);
    p->id = 0;
    p->v.tx_from = tx;
    p->v.tx_to = ATT_TIME_MAX;
    p->v.seq_from = seq;
    p->v.batch = seq;
    p->v.op = ATT_CHANGE_PRUNE;
    p->author = st->author;
    p->reason = st->reason;
    p->json = json;
    p->len = (uint32_t)strlen(json);
    if ((rc = att__hist_write(st, *gen, v, nv, &(*segs)[k])) == 0) k++;
  }
  free(v);
  if (rc) {
    free(*segs);
    *segs = NULL;
    return rc;
  }
  *n = k;
  *next_seq = seq + 1;
  *last_tx = tx;
  st->prune_dropped = dropped;
  st->prune_seq = seq;
  return 0;
}
