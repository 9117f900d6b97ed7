/*
 * Queries over the store: candidates come from the narrowest index of the
 * snapshot (a posting list of an actor, tag, kind or status, or the time
 * classes), are checked against every other filter, merged with the
 * journal's overlay, then sorted and cut to the limit.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "spill.h"
#include "store_int.h"

void att_query_init(att_query *q) {
  memset(q, 0, sizeof *q);
  q->from = ATT_TIME_MIN;
  q->to = ATT_TIME_MAX;
}

/* ---- predicates on parsed events -------------------------------------- */

static int has_word(const char *hay, const char *w, size_t wn) {
  if (!hay) return 0;
  for (; *hay; hay++) {
    size_t i = 0;
    while (i < wn && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)w[i])) i++;
    if (i == wn) return 1;
  }
  return 0;
}

int att__text_match(const att_event *ev, const char *text) {
  const char *w = text;
  while (*w) {
    size_t n;
    int found;
    while (*w && isspace((unsigned char)*w)) w++;
    if (!*w) break;
    for (n = 0; w[n] && !isspace((unsigned char)w[n]); n++) {}
    found = has_word(ev->title, w, n) || has_word(ev->notes, w, n) || has_word(ev->where, w, n) ||
            has_word(ev->key, w, n);
    for (size_t i = 0; !found && i < ev->npeople; i++) found = has_word(ev->people[i].name, w, n);
    if (!found) return 0;
    w += n;
  }
  return 1;
}

/* Do an event's dates [e, l] meet q's window, as q->within says? */
int att__in_window(att_time e, att_time l, const att_query *q) {
  switch (q->within) {
  case ATT_WITHIN_START: return e >= q->from && e <= q->to;
  case ATT_WITHIN_END: return l >= q->from && l <= q->to;
  default: return e <= q->to && l >= q->from;
  }
}

#define in_window att__in_window

int att__match(const att_event *ev, const att_query *q) {
  if (q->recurs_only && !(ev->recur && *ev->recur)) return 0;
  if (!in_window(ev->bounds.earliest, ev->bounds.latest, q) &&
      !(q->recurring && ev->recur && *ev->recur && ev->bounds.earliest <= q->to))
    return 0;
  if (q->kind && (!ev->kind || strcmp(ev->kind, q->kind) != 0)) return 0;
  if (q->status && (!ev->status || strcmp(ev->status, q->status) != 0)) return 0;
  for (size_t i = 0; i < q->nactors; i++)
    if (!att_event_has_actor(ev, q->actors[i])) return 0;
  for (size_t i = 0; i < q->ntags; i++)
    if (!att_event_has_tag(ev, q->tags[i])) return 0;
  if (q->text && !att__text_match(ev, q->text)) return 0;
  return 1;
}

/* ---- results ----------------------------------------------------------- */

typedef struct hit {
  int64_t id, e, l, created, updated;
  char *s; /* sort string, when sorting by one */
} hit;

typedef struct hits {
  hit *v;
  size_t n, cap;
  /* When the hits were gathered from the time classes in date order, each
   * class is a sorted run starting at runs[i]: a merge replaces the sort. */
  size_t runs[ATT__NCLASS + 2];
  int nruns;
  int counting; /* only count them (att_store_count_query): v stays NULL */
  uint64_t *posbits; /* att__query_bits: the snapshot's hits as bits of their positions */
  size_t nbits;      /* the bits set */
  /* query_by_id's posbits (tkwant): a walk of the time bounds over few
   * candidates keeps its hits as hits (tkhits), their ids from the
   * bounds, so that they cost no read of the id table (snap_query). */
  int tkwant, tkhits;
  /* In date order from the time bounds (walk_merged, stream_merge): the
   * snapshot's hits, merged across the time classes as walked, straight
   * into ids and dates; set off by snap_query when it takes its
   * candidates otherwise. */
  int stream, sbounds; /* sbounds: the dates too, in sb */
  int64_t *sid;
  att_bounds *sb;
  size_t sn, scap;
} hits;

static int sort_key_string(int sort) {
  return sort == ATT_SORT_TITLE || sort == ATT_SORT_KIND || sort == ATT_SORT_STATUS ||
         sort == ATT_SORT_KEY;
}

static const char *sort_string(const att_event *ev, int sort) {
  switch (sort) {
  case ATT_SORT_TITLE: return ev->title;
  case ATT_SORT_KIND: return ev->kind;
  case ATT_SORT_STATUS: return ev->status;
  default: return ev->key;
  }
}

static int hits_add(hits *h, const att_event *ev, int64_t id, int64_t e, int64_t l, int64_t cr,
                    int64_t up, int sort) {
  hit *x;
  if (h->counting) {
    h->n++;
    return 0;
  }
  if (h->stream) {
    if (h->sn == h->scap) {
      size_t c = h->scap ? h->scap * 2 : 256;
      int64_t *v = realloc(h->sid, c * sizeof *v);
      att_bounds *b = v && h->sbounds ? realloc(h->sb, c * sizeof *b) : NULL;
      if (v) h->sid = v;
      if (b) h->sb = b;
      if (!v || (h->sbounds && !b)) return att__err(ATT_ENOMEM, "out of memory for query results");
      h->scap = c;
    }
    if (h->sbounds) h->sb[h->sn] = (att_bounds){e, l};
    h->sid[h->sn++] = id;
    return 0;
  }
  if (h->n == h->cap) {
    size_t c = h->cap ? h->cap * 2 : 256;
    hit *v = realloc(h->v, c * sizeof *v);
    if (!v) return att__err(ATT_ENOMEM, "out of memory for query results");
    h->v = v;
    h->cap = c;
  }
  x = &h->v[h->n];
  *x = (hit){id, e, l, cr, up, NULL};
  if (ev && sort_key_string(sort)) {
    const char *s = sort_string(ev, sort);
    if (s && !(x->s = strdup(s))) return att__err(ATT_ENOMEM, "out of memory for query results");
  }
  h->n++;
  return 0;
}

static int cmp64(int64_t a, int64_t b) { return a < b ? -1 : a > b; }

/* Date order: (earliest, latest, id) of one before the other's?  The
 * order of the time index's classes and of sort = WHEN. */
static inline int when_before(int64_t e1, int64_t l1, int64_t id1, int64_t e2, int64_t l2, int64_t id2) {
  return e1 != e2 ? e1 < e2 : l1 != l2 ? l1 < l2 : id1 < id2;
}

static int g_sort, g_desc; /* qsort has no context argument in C11 */

static int hit_cmp(const void *a, const void *b) {
  const hit *x = a, *y = b;
  int c = 0;
  switch (g_sort) {
  case ATT_SORT_WHEN:
    c = cmp64(x->e, y->e);
    if (!c) c = cmp64(x->l, y->l);
    break;
  case ATT_SORT_ID: break;
  case ATT_SORT_CREATED: c = cmp64(x->created, y->created); break;
  case ATT_SORT_UPDATED: c = cmp64(x->updated, y->updated); break;
  default:
    if (!x->s || !y->s) c = (x->s != NULL) - (y->s != NULL);
    else c = strcmp(x->s, y->s);
  }
  if (!c) c = cmp64(x->id, y->id);
  return g_desc ? -c : c;
}

/* Are the hits already in order?  (In id order they usually are: the
 * snapshot is walked by id.)  One pass instead of a sort. */
static int hits_sorted(const hits *h) {
  if (g_sort == ATT_SORT_ID && !g_desc) { /* without a call a hit: 6% of a pass over 1M */
    for (size_t i = 1; i < h->n; i++)
      if (h->v[i - 1].id > h->v[i].id) return 0;
    return 1;
  }
  for (size_t i = 1; i < h->n; i++)
    if (hit_cmp(&h->v[i - 1], &h->v[i]) > 0) return 0;
  return 1;
}

/* ---- the snapshot side ------------------------------------------------- */

/* What a candidate from a posting list costs against one of a walk of
 * the time bounds (which reads no id table for those it drops). */
#ifndef POST_COST
#define POST_COST 64
#endif

/* How far ahead a walk of the time index fetches id table entries. */
#define QUERY_AHEAD 8

/* A posting list; bits, when made, has bit ord set for each ord in it. */
typedef struct plist {
  uint64_t first;
  uint32_t n;
  uint64_t *bits;
} plist;

/* Is ord in the posting list?  1, 0, or an error code (a bad block or
 * entry of the postings). */
static int in_post(const att__snap *s, const plist *pl, uint32_t ord) {
  return att__snap_post_has(s, pl->first, pl->n, ord);
}

/* First index in time class c whose earliest is >= t (or > t if upper),
 * in *at: from TKEY (format 5), else the id table. */
static int time_bound(const att__snap *s, int c, att_time t, int upper, size_t *at) {
  size_t lo = s->h.tclass[c], hi = s->h.tclass[c + 1];
  int rc;
  if (s->tkey) {
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      const att__tkent *k;
      if ((rc = att__snap_tkent(s, mid, &k)) != 0) return rc;
      if (upper ? k->e <= t : k->e < t) lo = mid + 1;
      else hi = mid;
    }
    *at = lo;
    return 0;
  }
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    uint32_t ord = 0;
    const att__ident *id;
    att_time e;
    if ((rc = att__snap_pos(s, ATT__S_TIME, mid, &ord)) != 0 ||
        (rc = att__snap_ident(s, ord, &id)) != 0)
      return rc;
    e = id->earliest;
    if (upper ? e <= t : e < t) lo = mid + 1;
    else hi = mid;
  }
  *at = lo;
  return 0;
}

static att_time sat_sub(att_time a, int64_t b) {
  return (b > 0 && a < ATT_TIME_MIN + b) ? ATT_TIME_MIN : a - b;
}

/* The range of each time class that can overlap [from, to]; their total
 * in *total. */
static int time_ranges(const att__snap *s, const att_query *q, size_t lo[], size_t hi[],
                       uint64_t *total) {
  int rc;
  *total = 0;
  for (int c = 0; c < ATT__NCLASS; c++) {
    lo[c] = s->h.tclass[c];
    hi[c] = s->h.tclass[c + 1];
    /* By start, the earliest instants in [from, to] are a range of each
     * class; else those up to a class's widest span before from. */
    if (q->within == ATT_WITHIN_START && q->from != ATT_TIME_MIN &&
        (rc = time_bound(s, c, q->from, 0, &lo[c])) != 0)
      return rc;
    if (q->within != ATT_WITHIN_START && c != ATT__NCLASS - 1 && q->from != ATT_TIME_MIN &&
        (rc = time_bound(s, c, sat_sub(q->from, s->h.maxspan[c]), 0, &lo[c])) != 0)
      return rc;
    if (q->to != ATT_TIME_MAX && (rc = time_bound(s, c, q->to, 1, &hi[c])) != 0) return rc;
    if (hi[c] < lo[c]) hi[c] = lo[c];
    *total += hi[c] - lo[c];
  }
  return 0;
}

/* A filter's posting list asked of many candidates: a bit per event of
 * the snapshot, read in one pass in file order, makes each test one load
 * where a binary search took log2(n) loads at random (at 1M events, half
 * the time of a window+actor query).  Made when the candidates, times the
 * 16 or so loads of a search, outnumber the list's entries. */
static int post_bits(const att__snap *s, plist *pl, uint64_t candidates) {
  uint32_t ord = 0;
  int rc;
  if (pl->n < 256 || candidates * 16 < pl->n) return 0;
  if (!(pl->bits = calloc((size_t)(s->h.count + 63) / 64, sizeof *pl->bits)))
    return att__err(ATT_ENOMEM, "out of memory for a query");
  for (uint32_t i = 0; i < pl->n; i++) {
    if ((rc = att__snap_pos(s, ATT__S_POST, pl->first + i, &ord)) != 0) return rc;
    pl->bits[ord >> 6] |= (uint64_t)1 << (ord & 63);
  }
  return 0;
}

/* Which versions of a snapshot count: the present (the journal's overlay
 * has the newer states), or those alive at st->asof in the main snapshot
 * or in a history segment. */
enum { SRC_PRESENT, SRC_ASOF_MAIN, SRC_ASOF_SEG };

/* Is the version at ord alive for src?  1, 0, or an error code. */
static int alive(att_store *st, const att__snap *s, int src, uint32_t ord, int64_t id) {
  att__vers v;
  int rc;
  if (src == SRC_PRESENT) return att__ov_find(&st->ov, id) == NULL;
  if ((rc = att__snap_vers(s, ord, &v)) != 0) return rc;
  if (v.tx_from > st->asof) return 0;
  if (src == SRC_ASOF_MAIN) {
    const att__ov *e = att__ov_find(&st->ov, id);
    return !(e && e->jhi && e->first_tx <= st->asof);
  }
  return v.op != ATT_CHANGE_REMOVE && v.op != ATT_CHANGE_PRUNE && st->asof < v.tx_to;
}

/* Is ord in every posting list made into bits (but skip)? */
static int in_bits(const plist *pl, size_t npl, size_t skip, uint32_t ord) {
  for (size_t i = 0; i < npl; i++)
    if (i != skip && pl[i].bits && !((pl[i].bits[ord >> 6] >> (ord & 63)) & 1)) return 0;
  return 1;
}

/* Does a hit of q need its id table entry (beyond its id and dates)?  In
 * id or date order, or only counted, it does not. */
static int hit_needs_ident(const att_query *q, const hits *h) {
  return q->text || (!h->counting && !h->posbits && q->sort != ATT_SORT_ID && q->sort != ATT_SORT_WHEN);
}

/* A hit of the snapshot at ord, when only its position is wanted. */
static int hit_at(hits *h, uint32_t ord) {
  uint64_t m = 1ull << (ord & 63);
  h->nbits += (h->posbits[ord >> 6] & m) == 0;
  h->posbits[ord >> 6] |= m;
  return 0;
}

/* A hit of a walk of the time bounds at ord: its bit, or (no bits asked,
 * or query_by_id's few hits: tkhits) a hit with the id its bounds hold. */
static int tk_hit(hits *h, uint32_t ord, const att__tkent *tk, int sort) {
  return h->posbits && !h->tkhits ? hit_at(h, ord)
                                   : hits_add(h, NULL, tk->id, tk->e, tk->l, 0, 0, sort);
}

/* ord: a checked position in the id table; tk (format 5, from a walk of
 * the time index): its TKEY entry, else NULL.  The posting lists made
 * into bits are tested first, then the window on tk's dates: a candidate
 * they reject costs no read of the id table, whose entries a walk of the
 * time index reaches at random (a TLB miss each, and a first touch maps
 * 64 KiB around it).  A hit by id or date, or counted, reads none. */
static int snap_check(att_store *st, const att__snap *s, int src, const att_query *q, uint32_t ord,
                      const att__tkent *tk, const plist *pl, size_t npl, size_t skip, hits *h) {
  const att__ident *id;
  att_event ev;
  int rc;
  if (tk) {
    if (src == SRC_ASOF_SEG && ord >= st->made_by) return 0;
    if (!in_bits(pl, npl, skip, ord)) return 0;
    if (!in_window(tk->e, tk->l, q)) return 0;
    if (!hit_needs_ident(q, h)) {
      for (size_t i = 0; i < npl; i++)
        if (i != skip && !pl[i].bits && (rc = in_post(s, &pl[i], ord)) != 1) return rc;
      if ((rc = alive(st, s, src, ord, tk->id)) != 1) return rc;
      return tk_hit(h, ord, tk, q->sort);
    }
  }
  /* A segment's versions made after the time asked: its positions from
   * made_by on, rejected without a read. */
  if (src == SRC_ASOF_SEG && ord >= st->made_by) return 0;
  if (!in_bits(pl, npl, skip, ord)) return 0;
  if ((h->counting || h->posbits) && src == SRC_PRESENT && st->ov.n == 0 && q->from == ATT_TIME_MIN &&
      q->to == ATT_TIME_MAX && !q->text) {
    /* Counted, with no window and nothing in the journal: the postings
     * alone decide, and the id table is not read. */
    for (size_t i = 0; i < npl; i++)
      if (i != skip && !pl[i].bits && (rc = in_post(s, &pl[i], ord)) != 1) return rc;
    if (h->posbits) return hit_at(h, ord);
    h->n++;
    return 0;
  }
  if ((rc = att__snap_ident(s, ord, &id)) != 0) return rc;
  if (!in_window(id->earliest, id->latest, q)) return 0;
  for (size_t i = 0; i < npl; i++)
    if (i != skip && !pl[i].bits && (rc = in_post(s, &pl[i], ord)) != 1) return rc;
  if ((rc = alive(st, s, src, ord, id->id)) != 1) return rc;
  if (h->posbits && !q->text) return hit_at(h, ord);
  if (!q->text && !sort_key_string(q->sort))
    return hits_add(h, NULL, id->id, id->earliest, id->latest, id->created, id->updated, q->sort);
  if ((rc = att__snap_event(s, ord, &ev)) != 0) return rc;
  rc = (q->text && !att__text_match(&ev, q->text)) ? 0
       : h->posbits ? hit_at(h, ord)
                    : hits_add(h, &ev, id->id, id->earliest, id->latest, id->created, id->updated, q->sort);
  att_event_free(&ev);
  return rc;
}

/* The walk of the time index with TKEY, for hits that need no more of the
 * id table than their id (by id, or counted).  The minutes decide the
 * window (the id table only when they cannot); the candidates left are
 * sorted by position, which is id order, a chunk at a time, and each
 * posting list not made into bits is merged against them, galloping
 * forward: a run of nearby candidates reads nearby postings, where a
 * binary search per candidate started from the middle each time. */
#define WALK_CHUNK 65536

static int walk_flush(att_store *st, const att__snap *s, int src, const att_query *q,
                      plist *pl, size_t npl, uint64_t *cand, uint64_t *tmp, size_t nc,
                      uint64_t expect, hits *h) {
  int rc = 0, merge = 0;
  /* A list long beside the candidates is merged; a short one made into
   * bits, once (the walk tests them from then on), as post_bits judges
   * from the candidates the whole walk is expected to keep (1M events,
   * the bench's 2,000 window+actor queries: 435-470 us a query so,
   * 470-500 us with bits made for half or four times as many; 10M, a
   * year's count of a status held by 5M events: 750,000 candidates
   * merged a chunk at a time took 52 ms). */
  for (size_t i = 0; i < npl; i++) {
    size_t keep = 0;
    if (!pl[i].bits && (rc = post_bits(s, &pl[i], expect)) != 0) return rc;
    if (!pl[i].bits) {
      merge = 1;
      continue;
    }
    for (size_t k = 0; k < nc; k++)
      if ((pl[i].bits[cand[k] >> 38] >> ((cand[k] >> 32) & 63)) & 1) cand[keep++] = cand[k];
    nc = keep;
  }
  if (merge || (!h->counting && (!h->posbits || h->tkhits) && q->sort == ATT_SORT_ID))
    att__radix_hi32(cand, tmp, nc, s->h.count);
  for (size_t i = 0; i < npl; i++) {
    uint64_t j = 0;
    size_t keep = 0;
    if (pl[i].bits) continue;
    for (size_t k = 0; k < nc; k++) {
      if ((rc = att__snap_post_seek(s, pl[i].first, pl[i].n, &j, (uint32_t)(cand[k] >> 32))) < 0)
        return rc;
      if (rc == 1) cand[keep++] = cand[k];
    }
    nc = keep;
  }
  for (size_t k = 0; k < nc; k++) {
    const att__tkent *tk;
    uint32_t ord = (uint32_t)(cand[k] >> 32);
    if ((rc = att__snap_tkent(s, (uint32_t)cand[k], &tk)) != 0 ||
        (rc = alive(st, s, src, ord, tk->id)) < 0)
      return rc;
    if (rc == 1 && (rc = tk_hit(h, ord, tk, q->sort)) != 0) return rc;
  }
  return 0;
}

static int snap_walk_tkey(att_store *st, const att__snap *s, int src, const att_query *q,
                          const size_t *lo, const size_t *hi, plist *pl, size_t npl, hits *h) {
  uint64_t total = 0, walked = 0, kept = 0, *cand;
  size_t nc = 0, room;
  int rc = 0;
  for (int c = 0; c < ATT__NCLASS; c++) total += hi[c] - lo[c];
  room = total < WALK_CHUNK ? (size_t)total + 1 : WALK_CHUNK;
  cand = malloc(2 * room * sizeof *cand); /* and the sort's room */
  if (!cand) return att__err(ATT_ENOMEM, "out of memory for a query");
  for (int c = 0; c < ATT__NCLASS && rc == 0; c++)
    for (size_t i = lo[c]; i < hi[c]; i++) {
      const att__tkent *tk;
      uint32_t ord = 0;
      walked++;
      if ((rc = att__snap_pos(s, ATT__S_TIME, i, &ord)) != 0) break;
      if (src == SRC_ASOF_SEG && ord >= st->made_by) continue;
      if (!in_bits(pl, npl, (size_t)-1, ord)) continue;
      if ((rc = att__snap_tkent(s, i, &tk)) != 0) break;
      if (!in_window(tk->e, tk->l, q)) continue;
      cand[nc++] = (uint64_t)ord << 32 | i;
      kept++;
      if (nc == WALK_CHUNK) {
        /* as many more to come as the walk so far kept */
        uint64_t expect = (uint64_t)((double)kept * (double)total / (double)walked);
        if ((rc = walk_flush(st, s, src, q, pl, npl, cand, cand + room, nc, expect, h)) != 0) break;
        nc = 0;
      }
    }
  if (rc == 0 && nc) rc = walk_flush(st, s, src, q, pl, npl, cand, cand + room, nc, kept, h);
  free(cand);
  return rc;
}

/* The events that recur and end before q's window (those in it were
 * found by the window's pass), from their postings (format 4); each
 * checked against the other filters as snap_check does.  Their hits
 * come out of order: the runs are dropped, and all is sorted. */
static int snap_recurring(att_store *st, const att__snap *s, int src, const att_query *q,
                          const plist *pl, size_t npl, hits *h) {
  uint64_t first = 0;
  uint32_t n = 0, ord = 0;
  att_query all = *q;
  size_t had = h->n;
  int rc;
  if ((rc = att__snap_postings(s, ATT__F_STATUS, ATT__RECUR_MARK, &first, &n)) != 0) return rc;
  all.from = ATT_TIME_MIN;
  for (uint32_t i = 0; rc == 0 && i < n; i++) {
    const att__ident *id;
    if ((rc = att__snap_pos(s, ATT__S_POST, first + i, &ord)) != 0) break;
    if (src == SRC_ASOF_SEG && ord >= st->made_by) break;
    if ((rc = att__snap_ident(s, ord, &id)) != 0) break;
    /* after, or in the window */
    if (id->earliest > q->to || in_window(id->earliest, id->latest, q)) continue;
    rc = snap_check(st, s, src, &all, ord, NULL, pl, npl, (size_t)-1, h);
  }
  if (h->n > had) h->nruns = 0;
  return rc;
}

/* The time classes [lo[c], hi[c]) walked as one list in date order
 * (each class is sorted by earliest, latest, id: a merge of their
 * heads), each candidate checked by snap_check into h's stream. */
static int walk_merged(att_store *st, const att__snap *s, const att_query *q, const size_t lo[],
                       const size_t hi[], const plist *pl, size_t npl, size_t cap, hits *h) {
  size_t at[ATT__NCLASS];
  const att__tkent *head[ATT__NCLASS];
  uint32_t ord = 0;
  int rc = 0;
  for (int c = 0; c < ATT__NCLASS; c++) {
    at[c] = lo[c];
    head[c] = NULL;
    if (at[c] < hi[c] && (rc = att__snap_tkent(s, at[c], &head[c])) != 0) return rc;
  }
  for (;;) {
    int b = -1;
    for (int c = 0; c < ATT__NCLASS; c++) {
      const att__tkent *x = head[c], *y;
      if (!x) continue;
      if (b < 0) {
        b = c;
        continue;
      }
      y = head[b];
      if (when_before(x->e, x->l, x->id, y->e, y->l, y->id)) b = c;
    }
    if (b < 0 || (cap && h->sn >= cap)) return 0;
    if ((rc = att__snap_pos(s, ATT__S_TIME, at[b], &ord)) != 0 ||
        (rc = snap_check(st, s, SRC_PRESENT, q, ord, head[b], pl, npl, (size_t)-1, h)) != 0)
      return rc;
    head[b] = NULL;
    if (++at[b] < hi[b] && (rc = att__snap_tkent(s, at[b], &head[b])) != 0) return rc;
  }
}

static int snap_query(att_store *st, const att__snap *s, int src, const att_query *q, hits *h) {
  size_t npl = 0, best = (size_t)-1;
  uint64_t best_n = s->h.count, tn, ncand;
  size_t lo[ATT__NCLASS], hi[ATT__NCLASS];
  plist *pl;
  uint32_t ord = 0;
  int rc = 0, by_post, ahead, walk;
  att_query before;
  const att__tkent *tk = NULL;
  /* In date order with a limit, a time class gives no more than its
   * first `limit` hits (it is sorted as the results are; walked from its
   * end when they descend): the others could not be among the first
   * `limit` of all.  The id table is then verified entry by entry as
   * read, not first in one pass. */
  size_t cap = q->limit && q->sort == ATT_SORT_WHEN ? q->limit : 0;
  if (s->h.count == 0) return 0;
  if (q->recurring && s->h.version < 4) {
    /* No postings of the recurring events: every event that starts by
     * the end is a candidate (the caller reads which recur). */
    before = *q;
    before.from = ATT_TIME_MIN;
    before.recurring = 0;
    q = &before;
  }
  if (q->recurs_only && s->h.version < 4)
    return att__err(ATT_EINVAL, "snapshot format %u has no postings of its recurring events", s->h.version);
  pl = calloc(q->nactors + q->ntags + 3, sizeof *pl);
  if (!pl) return att__err(ATT_ENOMEM, "out of memory");
  /* Postings are read through the checked accessor (in_post) only. */
#define POST(field, value)                                                      \
  do {                                                                          \
    if ((rc = att__snap_postings(s, field, value, &pl[npl].first, &pl[npl].n)) != 0) \
      goto done;                                                                \
    if (!pl[npl].n) goto done; /* no event has it */                            \
    if (pl[npl].n < best_n) best_n = pl[npl].n, best = npl;                     \
    npl++;                                                                      \
  } while (0)
  for (size_t i = 0; i < q->nactors; i++) POST(ATT__F_ACTOR, q->actors[i]);
  for (size_t i = 0; i < q->ntags; i++) POST(ATT__F_TAG, q->tags[i]);
  if (q->kind) POST(ATT__F_KIND, q->kind);
  if (q->status) POST(ATT__F_STATUS, q->status);
  if (q->recurs_only) POST(ATT__F_STATUS, ATT__RECUR_MARK);
#undef POST
  if ((rc = time_ranges(s, q, lo, hi, &tn)) != 0) goto done;
  /* The candidates: the shortest posting list's, or the time ranges'. */
  /* With the time bounds a candidate of the time index costs about
   * 1/POST_COST of one from a posting list, whose id table entry is read
   * at random (at 10M events, a week's list of one actor read 0.7M of
   * them: 224 ms). */
  by_post = best != (size_t)-1 && best_n * (s->tkey ? POST_COST : 1) <= tn;
  ncand = by_post ? best_n : tn;
  /* Is the id table read for each candidate (fetched ahead, verified in
   * one pass first when much of it is)? */
  ahead = by_post || !s->tkey || hit_needs_ident(q, h);
  /* The walk of the time bounds in position order (snap_walk_tkey), or
   * in date order, class by class, below. */
  walk = !ahead && tn < s->h.count && q->sort != ATT_SORT_WHEN;
  /* In id order, the hits of few candidates are kept with the ids their
   * time bounds hold: as bits, each would be read back from the id
   * table, a first touch of the mapping (64 KiB of RSS) for each (at 1M
   * events, a quarter's list of India: 49 MB of RSS, where the target
   * is 16).  Many are kept as bits, 8 bytes a word of 64 events against
   * 48 a hit. */
  h->tkhits = h->tkwant && !by_post && s->tkey && ncand <= s->h.count / 4;
  /* A query that reads much of the id table (in time order: at random)
   * verifies it in one pass in file order first: at 1M events, a scan of
   * everything in time order took about 220 ms unchecked, 260 ms
   * verifying entry by entry as it went, 235 ms this way.  A walk of
   * the time bounds reads no entries (their dates are beside it), and
   * one that needs them reads those of the candidates it keeps: few of
   * a wide class's (at 10M events, a week's list of one
   * actor verified the whole 480 MB table: 224 ms, 0.13 s of it). */
  if (ncand >= s->h.count / 16 && !cap && ahead && (by_post || !s->tkey))
    att__snap_verify_all(s, ATT__S_IDTAB);
  /* The walk with TKEY merges each posting list with its candidates in
   * position order instead: no pass over every posting (at 1M events, a
   * year's count of a status held by half the events read 500,000
   * postings into bits for 75,000 candidates). */
  for (size_t i = 0; i < npl && !walk; i++)
    if (!(by_post && i == best) && (rc = post_bits(s, &pl[i], ncand)) != 0) goto done;
  if (h->stream && (by_post || walk || !s->tkey)) h->stream = 0;
  if (h->stream) {
    rc = walk_merged(st, s, q, lo, hi, pl, npl, cap, h);
  } else if (by_post) {
    /* Postings ascend: a segment's stop at the first version made after
     * the time asked. */
    for (uint32_t i = 0; rc == 0 && i < pl[best].n; i++)
      if ((rc = att__snap_pos(s, ATT__S_POST, pl[best].first + i, &ord)) == 0) {
        if (src == SRC_ASOF_SEG && ord >= st->made_by) break;
        rc = snap_check(st, s, src, q, ord, NULL, pl, npl, best, h);
      }
  } else if (walk) {
    rc = snap_walk_tkey(st, s, src, q, lo, hi, pl, npl, h);
  } else if (tn < s->h.count || q->sort == ATT_SORT_WHEN) {
    /* In date order the classes come out as sorted runs.  Their entries
     * of the id table lie all over it: fetched a few steps ahead. */
    for (int c = 0; c < ATT__NCLASS; c++) {
      size_t had = h->n;
      if (q->sort == ATT_SORT_WHEN && src == SRC_PRESENT) h->runs[h->nruns++] = h->n;
      if (cap && q->desc) { /* the latest first (the hits are sorted after) */
        for (size_t i = hi[c]; rc == 0 && i > lo[c] && h->n - had < cap; i--)
          if ((rc = att__snap_pos(s, ATT__S_TIME, i - 1, &ord)) == 0 &&
              (!s->tkey || (rc = att__snap_tkent(s, i - 1, &tk)) == 0))
            rc = snap_check(st, s, src, q, ord, tk, pl, npl, (size_t)-1, h);
        continue;
      }
      for (size_t i = lo[c]; rc == 0 && i < hi[c] && !(cap && h->n - had >= cap); i++) {
        /* A hint only: the entry is read (checked) when its turn comes. */
        if (ahead && i + QUERY_AHEAD < hi[c] && s->time[i + QUERY_AHEAD] < s->h.count &&
            in_bits(pl, npl, (size_t)-1, s->time[i + QUERY_AHEAD]) &&
            (!s->tkey || in_window(s->tkey[i + QUERY_AHEAD].e, s->tkey[i + QUERY_AHEAD].l, q)))
          ATT__PREFETCH(&s->ids[s->time[i + QUERY_AHEAD]]);
        if ((rc = att__snap_pos(s, ATT__S_TIME, i, &ord)) == 0 &&
            (!s->tkey || (rc = att__snap_tkent(s, i, &tk)) == 0))
          rc = snap_check(st, s, src, q, ord, tk, pl, npl, (size_t)-1, h);
      }
    }
  } else {
    for (uint64_t i = 0; rc == 0 && i < s->h.count; i++)
      rc = snap_check(st, s, src, q, (uint32_t)i, NULL, pl, npl, (size_t)-1, h);
  }
  if (rc == 0 && q->recurring) rc = snap_recurring(st, s, src, q, pl, npl, h);
done:
  for (size_t i = 0; i < npl; i++) free(pl[i].bits);
  free(pl);
  return rc;
}

/* Merge the sorted runs of h (ascending): the ids of the first k into
 * out[0..k).
 * The run with the least head gives a streak of hits, up to the head of
 * the runner-up: most events fall in one or two classes, so the streaks
 * are long and each hit costs about one comparison. */
/* hit_cmp(x, y) < 0, inline in date order (a call a hit was 8% of a Lua
 * filter's pass over a million events in date order). */
static inline int before(const hit *x, const hit *y) {
  if (g_sort == ATT_SORT_WHEN && !g_desc)
    return when_before(x->e, x->l, x->id, y->e, y->l, y->id);
  return hit_cmp(x, y) < 0;
}

static void merge_runs(const hits *h, int64_t *out, att_bounds *bout, size_t k) {
  size_t head[ATT__NCLASS + 2], end[ATT__NCLASS + 2];
  for (int r = 0; r < h->nruns; r++) {
    head[r] = h->runs[r];
    end[r] = r + 1 < h->nruns ? h->runs[r + 1] : h->n;
  }
  for (size_t o = 0; o < k;) {
    int best = -1, next = -1;
    for (int r = 0; r < h->nruns; r++) {
      if (head[r] == end[r]) continue;
      if (best < 0 || before(&h->v[head[r]], &h->v[head[best]])) next = best, best = r;
      else if (next < 0 || before(&h->v[head[r]], &h->v[head[next]])) next = r;
    }
    do {
      const hit *x = &h->v[head[best]++];
      if (bout) bout[o] = (att_bounds){x->e, x->l};
      out[o++] = x->id;
    } while (o < k && head[best] < end[best] &&
           (next < 0 || before(&h->v[head[best]], &h->v[head[next]])));
  }
}

/* Sort strings in the locale's collation (LC_COLLATE): each replaced by
 * its strxfrm form, whose bytewise order is strcoll's. */
static int collate_keys(hits *h) {
  for (size_t i = 0; i < h->n; i++) {
    char *s = h->v[i].s, *k;
    size_t need;
    if (s == NULL) continue;
    need = strxfrm(NULL, s, 0) + 1;
    if ((k = malloc(need)) == NULL) return att__err(ATT_ENOMEM, "out of memory for query results");
    strxfrm(k, s, need);
    free(s);
    h->v[i].s = k;
  }
  return 0;
}

/* The journal's events that match q, added to h as hits (sorted by
 * sort: its string keys are copied when it has them). */
static int journal_hits(att_store *st, const att_query *q, hits *h, int sort) {
  for (size_t i = 0; i < st->ov.n; i++) {
    const att__ov *e = &st->ov.v[i];
    int rc;
    if (e->deleted || !att__match(&e->ev, q)) continue;
    if ((rc = hits_add(h, &e->ev, e->id, e->ev.bounds.earliest, e->ev.bounds.latest, e->ev.created,
                       e->ev.updated, sort)) != 0)
      return rc;
  }
  return 0;
}

/* Room for k results: *ids, and *bounds when asked (the caller frees
 * both on an error). */
static int out_alloc(int64_t **ids, att_bounds **bounds, size_t k) {
  if (!(*ids = malloc((k ? k : 1) * sizeof **ids)) ||
      (bounds && !(*bounds = malloc((k ? k : 1) * sizeof **bounds))))
    return att__err(ATT_ENOMEM, "out of memory for query results");
  return 0;
}

/*
 * The present in ascending id order.  The id table is sorted by id, so
 * the snapshot's hits are taken as bits of their positions and read out
 * in order, then merged with the journal's: no 48-byte hit each (at 1M
 * events a query of everything made, faulted in and copied 48 MB of them,
 * a fifth of a Lua filter's pass by id).
 */
static int query_by_id(att_store *st, const att_query *q, int64_t **ids, att_bounds **bounds,
                       size_t *n) {
  const att__snap *s = &st->snap;
  size_t words = (size_t)(s->h.count / 64 + 1), nb = 0, k, j = 0, o = 0;
  uint64_t *bits = calloc(words, sizeof *bits);
  hits h = {0};
  int rc;
  if (!bits) return att__err(ATT_ENOMEM, "out of memory for query results");
  h.posbits = bits;
  h.tkwant = 1;
  if ((rc = snap_query(st, s, SRC_PRESENT, q, &h)) != 0) goto out;
  h.posbits = NULL; /* the journal's hits, as hits (beside those of the time bounds) */
  if ((rc = journal_hits(st, q, &h, ATT_SORT_ID)) != 0) goto out;
  g_sort = ATT_SORT_ID;
  g_desc = 0;
  if (h.n && !hits_sorted(&h)) qsort(h.v, h.n, sizeof *h.v, hit_cmp);
  /* Counted as set: no pass over the words (without -mpopcnt a
   * popcount is a call, 6% of 2,000 window+actor queries at 1M). */
  nb = h.nbits;
  k = nb + h.n;
  if (q->limit && q->limit < k) k = q->limit;
  if ((rc = out_alloc(ids, bounds, k)) != 0) goto out;
  for (size_t w = 0, left = nb; w < words && o < k && left; w++) {
    for (uint64_t b = bits[w]; b && o < k; b &= b - 1, left--) {
      const att__ident *e;
      if ((rc = att__snap_ident(s, w * 64 + (uint64_t)__builtin_ctzll(b), &e)) != 0) goto out;
      for (; j < h.n && h.v[j].id < e->id && o < k; j++, o++) {
        (*ids)[o] = h.v[j].id;
        if (bounds) (*bounds)[o] = (att_bounds){h.v[j].e, h.v[j].l};
      }
      if (o == k) break;
      (*ids)[o] = e->id;
      if (bounds) (*bounds)[o] = (att_bounds){e->earliest, e->latest};
      o++;
    }
  }
  for (; j < h.n && o < k; j++, o++) {
    (*ids)[o] = h.v[j].id;
    if (bounds) (*bounds)[o] = (att_bounds){h.v[j].e, h.v[j].l};
  }
  *n = o;
out:
  free(bits);
  free(h.v); /* no sort strings: sorted by id */
  return rc;
}

/*
 * The present in date order, the snapshot's hits streamed in order
 * (walk_merged): the journal's hits sorted and merged with them.  At 1M
 * events a list of everything in date order wrote 48 MB of hits, then
 * merged them: 0.20 s, most of it waiting on memory.
 */
static int stream_merge(att_store *st, const att_query *q, hits *h, int64_t **ids, att_bounds **bounds,
                        size_t *n) {
  size_t k, i = 0, j = 0, o = 0;
  int rc;
  h->stream = 0; /* the journal's hits, as hits */
  if ((rc = journal_hits(st, q, h, ATT_SORT_WHEN)) != 0) return rc;
  g_sort = ATT_SORT_WHEN;
  g_desc = 0;
  if (h->n) qsort(h->v, h->n, sizeof *h->v, hit_cmp);
  k = h->sn + h->n;
  if (q->limit && q->limit < k) k = q->limit;
  if (h->n == 0 && k == h->sn) { /* nothing to merge: the stream is the answer */
    *ids = h->sid;
    h->sid = NULL;
    if (bounds) {
      *bounds = h->sb;
      h->sb = NULL;
    }
    *n = k;
    return 0;
  }
  if ((rc = out_alloc(ids, bounds, k)) != 0) return rc;
  while (o < k) {
    int snap;
    if (i == h->sn) snap = 0;
    else if (j == h->n) snap = 1;
    else {
      const hit *y = &h->v[j];
      snap = when_before(h->sb[i].earliest, h->sb[i].latest, h->sid[i], y->e, y->l, y->id);
    }
    if (snap) {
      if (bounds) (*bounds)[o] = h->sb[i];
      (*ids)[o++] = h->sid[i++];
    } else {
      if (bounds) (*bounds)[o] = (att_bounds){h->v[j].e, h->v[j].l};
      (*ids)[o++] = h->v[j++].id;
    }
  }
  *n = o;
  return 0;
}

/* The matches of q: their ids in *ids (and their dates in *bounds when
 * asked), or with counting only their number (no ids, no sort: q is
 * unordered). */
static int run_query(att_store *st, const att_query *q, int64_t **ids, size_t *n, int counting,
                     uint64_t *posbits, att_bounds **bounds) {
  hits h = {0};
  int rc;
  if (bounds) *bounds = NULL;
  h.counting = counting;
  h.posbits = posbits;
  if (posbits && st->asof != ATT_TIME_MAX)
    return att__err(ATT_EINVAL, "a query into positions reads the present only");
  *ids = NULL;
  *n = 0;
  if (q->sort < ATT_SORT_WHEN || q->sort > ATT_SORT_KEY)
    return att__err(ATT_EINVAL, "unknown sort order %d", q->sort);
  if (st->asof != ATT_TIME_MAX) {
    /* As of a past time: the main snapshot's versions, the segments',
     * the journal's, each alive at that time (one per event). */
    if ((rc = att__segs_open(st)) != 0) goto out;
    if ((rc = snap_query(st, &st->snap, SRC_ASOF_MAIN, q, &h)) != 0) goto out;
    for (size_t i = 0; i < st->nsegs && rc == 0; i++) {
      const att__segent *g = &st->snap.segs[i];
      if (g->min_tx > st->asof || g->max_tx <= st->asof) continue; /* nothing alive then */
      if ((rc = att__snap_made_by(&st->segs[i], st->asof, &st->made_by)) != 0) break;
      if (st->made_by == 0) continue;
      rc = snap_query(st, &st->segs[i], SRC_ASOF_SEG, q, &h);
    }
    if (rc) goto out;
    h.nruns = 0;
    for (size_t i = 0; i < st->njh; i++) {
      att__jh *e = &st->jh[i];
      size_t k;
      if (e->op == ATT_CHANGE_REMOVE || e->tx > st->asof) continue;
      for (k = i + 1; k < st->njh && st->jh[k].id != e->id; k++) {}
      if (k < st->njh && st->jh[k].tx <= st->asof) continue; /* replaced by then */
      if (!e->ev) {
        att_event *ev = malloc(sizeof *ev);
        if (!ev) {
          rc = att__err(ATT_ENOMEM, "out of memory for query results");
          goto out;
        }
        if ((rc = att_event_from_json(e->json, e->len, ATT_EV_STORED, ev)) != 0) {
          free(ev);
          goto out;
        }
        e->ev = ev;
      }
      if (!att__match(e->ev, q)) continue;
      if ((rc = hits_add(&h, e->ev, e->id, e->ev->bounds.earliest, e->ev->bounds.latest,
                         e->ev->created, e->ev->updated, q->sort)) != 0)
        goto out;
    }
    goto sorted;
  }
  if (q->sort == ATT_SORT_ID && !q->desc && !q->unordered && !counting && !posbits) {
    rc = query_by_id(st, q, ids, bounds, n);
    goto out;
  }
  h.stream = q->sort == ATT_SORT_WHEN && !q->desc && !q->recurring && !q->unordered && !counting &&
             !posbits && st->snap.tkey != NULL;
  h.sbounds = bounds != NULL || st->ov.n > 0; /* asked for, or to merge with the journal's */
  if ((rc = snap_query(st, &st->snap, SRC_PRESENT, q, &h)) != 0) goto out;
  if (h.stream) {
    rc = stream_merge(st, q, &h, ids, bounds, n);
    goto out;
  }
  if (h.nruns) h.runs[h.nruns++] = h.n; /* the overlay's hits: one more run */
  if ((rc = journal_hits(st, q, &h, q->sort)) != 0) goto out;
  g_sort = q->sort;
  g_desc = q->desc;
  if (q->collate && sort_key_string(q->sort) && (rc = collate_keys(&h)) != 0) goto out;
  if (h.nruns && !q->desc && !q->unordered) {
    /* Sort the overlay's run alone, then merge: no sort of everything,
     * and a limit stops the merge early. */
    size_t k = (q->limit && q->limit < h.n) ? q->limit : h.n;
    size_t last = h.runs[h.nruns - 1];
    if (h.n > last) qsort(h.v + last, h.n - last, sizeof *h.v, hit_cmp);
    if ((rc = out_alloc(ids, bounds, k)) != 0) goto out;
    merge_runs(&h, *ids, bounds ? *bounds : NULL, k);
    *n = k;
    goto out;
  }
sorted:
  g_sort = q->sort;
  g_desc = q->desc;
  if (q->collate && sort_key_string(q->sort) && st->asof != ATT_TIME_MAX && (rc = collate_keys(&h)) != 0)
    goto out;
  if (h.n && !q->unordered && !hits_sorted(&h)) qsort(h.v, h.n, sizeof *h.v, hit_cmp);
  if (counting) {
    *n = (q->limit && q->limit < h.n) ? q->limit : h.n;
  } else {
    size_t k = (q->limit && q->limit < h.n) ? q->limit : h.n;
    if ((rc = out_alloc(ids, bounds, k)) != 0) goto out;
    for (size_t i = 0; i < k; i++) (*ids)[i] = h.v[i].id;
    for (size_t i = 0; bounds && i < k; i++) (*bounds)[i] = (att_bounds){h.v[i].e, h.v[i].l};
    *n = k;
  }
out:
  for (size_t i = 0; h.v && i < h.n; i++) free(h.v[i].s);
  free(h.v);
  free(h.sid);
  free(h.sb);
  if (rc) {
    free(*ids);
    *ids = NULL;
    if (bounds) {
      free(*bounds);
      *bounds = NULL;
    }
  }
  return rc;
}

int att_store_query(att_store *st, const att_query *q, int64_t **ids, size_t *n) {
  return run_query(st, q, ids, n, 0, NULL, NULL);
}

int att_store_query_bounds(att_store *st, const att_query *q, int64_t **ids, att_bounds **bounds,
                           size_t *n) {
  return run_query(st, q, ids, n, 0, NULL, bounds);
}

int att__query_bits(att_store *st, const att_query *q, uint64_t *bits, int64_t **ids, size_t *n) {
  att_query u = *q;
  u.unordered = 1;
  u.sort = ATT_SORT_ID;
  u.desc = 0;
  u.collate = 0;
  u.limit = 0;
  return run_query(st, &u, ids, n, 0, bits, NULL);
}

int att_store_count_query(att_store *st, const att_query *q, size_t *n) {
  att_query u = *q;
  int64_t *none = NULL;
  u.unordered = 1;
  u.sort = ATT_SORT_ID; /* no sort keys read */
  u.desc = 0;
  u.collate = 0;
  return run_query(st, &u, &none, n, 1, NULL, NULL);
}
