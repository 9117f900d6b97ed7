/*
 * Group counts (tally.h).  The query gives the matching events; each
 * dimension gives every event a few small codes (a dictionary entry of
 * the snapshot for actor, tag, kind and status; a year or month number),
 * and a map counts each pair of codes.  The snapshot's events are not
 * read: their values come from the postings (with one dimension, a count
 * of the matches among each value's postings; with two, each matching
 * position's codes gathered from the postings first), their dates from
 * the id table.  The journal's events are in memory, parsed; a store
 * read as of a past time reads each matching event as it was.
 */
#include "tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "error.h"
#include "event.h"
#include "store_int.h"

const char *const att_by_names[ATT_BY_N] = {"actor", "tag", "kind", "status", "year", "month"};

/* Tests set it to count every event from its parsed form: the oracle of
 * the counts from the postings. */
int att__test_tally_parse = 0;

#define NOMEM() att__err(ATT_ENOMEM, "out of memory counting events")
#define YEAR0 10000 /* year codes: year + YEAR0 (EDTF years are -9999..9999) */

/* ---- counts by a 64-bit key (open addressing; a key is stored + 1) ---- */

typedef struct cmap {
  uint64_t *k, *v;
  size_t n, cap;
} cmap;

static uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return x;
}

static int cmap_add(cmap *m, uint64_t key, uint64_t by) {
  size_t i;
  if ((m->n + 1) * 10 > m->cap * 7) {
    cmap g = {0};
    g.cap = m->cap ? m->cap * 2 : 256;
    if (!(g.k = calloc(g.cap, sizeof *g.k)) || !(g.v = malloc(g.cap * sizeof *g.v))) {
      free(g.k);
      return NOMEM();
    }
    for (size_t j = 0; j < m->cap; j++)
      if (m->k[j]) {
        for (i = mix(m->k[j]) & (g.cap - 1); g.k[i]; i = (i + 1) & (g.cap - 1)) {
        }
        g.k[i] = m->k[j];
        g.v[i] = m->v[j];
      }
    g.n = m->n;
    free(m->k);
    free(m->v);
    *m = g;
  }
  for (i = mix(key + 1) & (m->cap - 1); m->k[i] && m->k[i] != key + 1; i = (i + 1) & (m->cap - 1)) {
  }
  if (!m->k[i]) {
    m->k[i] = key + 1;
    m->v[i] = 0;
    m->n++;
  }
  m->v[i] += by;
  return 0;
}

/* ---- a dimension: the codes of an event's values ------------------------ */

typedef struct dim {
  att_by by;
  int field;       /* ATT__F_* of the postings fields; -1 for year and month */
  uint64_t base;   /* its dictionary: entries base .. base + ndict - 1 */
  uint64_t ndict;
  char **extra;    /* values the dictionary lacks (the journal's): code ndict + i */
  size_t nextra, cextra;
  uint32_t *off, *val; /* positions' codes, from the postings (two dimensions) */
} dim;

typedef struct codes {
  uint32_t *v;
  size_t n, cap;
} codes;

static int codes_add(codes *c, uint32_t v) {
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 16;
    uint32_t *p = realloc(c->v, cap * sizeof *p);
    if (!p) return NOMEM();
    c->v = p;
    c->cap = cap;
  }
  c->v[c->n++] = v;
  return 0;
}

static int field_of(att_by by) {
  switch (by) {
  case ATT_BY_ACTOR: return ATT__F_ACTOR;
  case ATT_BY_TAG: return ATT__F_TAG;
  case ATT_BY_KIND: return ATT__F_KIND;
  case ATT_BY_STATUS: return ATT__F_STATUS;
  default: return -1;
  }
}

/* The code of a value of a postings dimension: its dictionary entry, or
 * one of the values met outside it. */
static int value_code(const att__snap *s, dim *d, const char *v, uint32_t *code) {
  uint64_t lo = 0, hi = d->ndict;
  int rc;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2, p;
    uint32_t n;
    const char *w = "";
    int c;
    if ((rc = att__snap_dictent(s, d->base + mid, &w, &p, &n)) != 0) return rc;
    c = strcmp(w, v);
    if (c == 0) {
      *code = (uint32_t)mid;
      return 0;
    }
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  for (size_t i = 0; i < d->nextra; i++)
    if (strcmp(d->extra[i], v) == 0) {
      *code = (uint32_t)(d->ndict + i);
      return 0;
    }
  if (d->nextra == d->cextra) {
    size_t cap = d->cextra ? d->cextra * 2 : 16;
    char **p = realloc(d->extra, cap * sizeof *p);
    if (!p) return NOMEM();
    d->extra = p;
    d->cextra = cap;
  }
  if (!(d->extra[d->nextra] = strdup(v))) return NOMEM();
  *code = (uint32_t)(d->ndict + d->nextra++);
  return 0;
}

static int time_code(att_by by, att_time t, codes *c) {
  int64_t y;
  int m, day;
  if (t == ATT_TIME_MIN) return 0; /* open at its start: no year */
  att_civil_from_days(t >= 0 ? t / 86400 : -((-t + 86399) / 86400), &y, &m, &day);
  if (y < -9999 || y > 9999) return 0;
  return codes_add(c, by == ATT_BY_YEAR ? (uint32_t)(y + YEAR0) : (uint32_t)((y + YEAR0) * 12 + m - 1));
}

/* The codes of a parsed event in dimension d. */
static int event_codes(const att__snap *s, dim *d, const att_event *ev, codes *c) {
  const att_strv *v = d->by == ATT_BY_ACTOR ? &ev->actors : d->by == ATT_BY_TAG ? &ev->tags : NULL;
  const char *one = d->by == ATT_BY_KIND ? ev->kind : d->by == ATT_BY_STATUS ? ev->status : NULL;
  uint32_t code;
  int rc;
  c->n = 0;
  if (d->field < 0) return time_code(d->by, ev->bounds.earliest, c);
  for (size_t i = 0; v && i < v->n; i++)
    if ((rc = value_code(s, d, v->v[i], &code)) != 0 || (rc = codes_add(c, code)) != 0) return rc;
  if (one && *one && ((rc = value_code(s, d, one, &code)) != 0 || (rc = codes_add(c, code)) != 0))
    return rc;
  return 0;
}

/* Count every pair of codes (or every code, with one dimension). */
static int count_pairs(cmap *m, const codes *a, const codes *b, size_t nby) {
  int rc;
  for (size_t i = 0; i < a->n; i++) {
    if (nby == 1) {
      if ((rc = cmap_add(m, a->v[i], 1)) != 0) return rc;
      continue;
    }
    for (size_t j = 0; j < b->n; j++)
      if ((rc = cmap_add(m, (uint64_t)a->v[i] << 32 | b->v[j], 1)) != 0) return rc;
  }
  return 0;
}

/* ---- the snapshot's matching positions ---------------------------------- */

#define BIT(b, i) (((b)[(i) >> 6] >> ((i) & 63)) & 1u)

/* With one postings dimension: the matches among each value's postings. */
static int count_postings(const att__snap *s, const dim *d, const uint64_t *hit, cmap *m) {
  int rc;
  for (uint64_t i = 0; i < d->ndict; i++) {
    const char *v = "";
    uint64_t p, k = 0;
    uint32_t n, ord = 0;
    if ((rc = att__snap_dictent(s, d->base + i, &v, &p, &n)) != 0) return rc;
    for (uint32_t j = 0; j < n; j++) {
      if ((rc = att__snap_pos(s, ATT__S_POST, p + j, &ord)) != 0) return rc;
      k += BIT(hit, ord);
    }
    if (k && (rc = cmap_add(m, i, k)) != 0) return rc;
  }
  return 0;
}

/* The codes of each matching position in dimension d, from its postings:
 * off[ord] .. off[ord + 1] in val. */
static int gather(const att__snap *s, dim *d, const uint64_t *hit) {
  uint64_t count = s->h.count, total = 0;
  int rc;
  if (!(d->off = calloc(count + 1, sizeof *d->off))) return NOMEM();
  for (int pass = 0; pass < 2; pass++) {
    for (uint64_t i = 0; i < d->ndict; i++) {
      const char *v = "";
      uint64_t p;
      uint32_t n, ord = 0;
      if ((rc = att__snap_dictent(s, d->base + i, &v, &p, &n)) != 0) return rc;
      for (uint32_t j = 0; j < n; j++) {
        if ((rc = att__snap_pos(s, ATT__S_POST, p + j, &ord)) != 0) return rc;
        if (!BIT(hit, ord)) continue;
        if (pass == 0) d->off[ord + 1]++, total++;
        else d->val[d->off[ord]++] = (uint32_t)i;
      }
    }
    if (pass == 0) {
      for (uint64_t o = 0; o < count; o++) d->off[o + 1] += d->off[o];
      if (!(d->val = malloc((total ? total : 1) * sizeof *d->val))) return NOMEM();
    } else {
      /* off[ord] now ends each run: shift back to the starts */
      memmove(d->off + 1, d->off, count * sizeof *d->off);
      d->off[0] = 0;
    }
  }
  return 0;
}

static int position_codes(const att__snap *s, const dim *d, uint64_t ord, codes *c) {
  const att__ident *e;
  int rc;
  c->n = 0;
  if (d->field >= 0) {
    for (uint32_t i = d->off[ord]; i < d->off[ord + 1]; i++)
      if ((rc = codes_add(c, d->val[i])) != 0) return rc;
    return 0;
  }
  if ((rc = att__snap_ident(s, ord, &e)) != 0) return rc;
  return time_code(d->by, e->earliest, c);
}

/* With a postings dimension (f) and a time one (t): each match's date
 * code first, in one pass over the id table in position order, then each
 * value's matching postings with their codes.  No gather (at 10M events,
 * kind by year over a decade gathered 3.2M codes into 120 MB of arrays);
 * nor a read of the id table per value's postings (a pass each over the
 * same pages: 20% slower at 1M). */
static int count_postings_time(const att__snap *s, const dim *dims, int f, const uint64_t *hit,
                               cmap *m, codes *c) {
  const dim *d = &dims[f], *t = &dims[!f];
  uint32_t *tc = malloc((size_t)(s->h.count ? s->h.count : 1) * sizeof *tc);
  int rc = 0;
  if (!tc) return NOMEM();
  for (uint64_t w = 0; rc == 0 && w < (s->h.count + 63) / 64; w++)
    for (uint64_t bits = hit[w]; bits && rc == 0; bits &= bits - 1) {
      uint64_t ord = w * 64 + (uint64_t)__builtin_ctzll(bits);
      const att__ident *e;
      c->n = 0;
      if ((rc = att__snap_ident(s, ord, &e)) == 0 && (rc = time_code(t->by, e->earliest, c)) == 0)
        tc[ord] = c->n ? c->v[0] : UINT32_MAX;
    }
  for (uint64_t i = 0; rc == 0 && i < d->ndict; i++) {
    const char *v = "";
    uint64_t p;
    uint32_t n, ord = 0;
    if ((rc = att__snap_dictent(s, d->base + i, &v, &p, &n)) != 0) break;
    for (uint32_t j = 0; j < n; j++) {
      if ((rc = att__snap_pos(s, ATT__S_POST, p + j, &ord)) != 0) break;
      if (!BIT(hit, ord) || tc[ord] == UINT32_MAX) continue;
      if ((rc = cmap_add(m, f == 0 ? i << 32 | tc[ord] : (uint64_t)tc[ord] << 32 | i, 1)) != 0) break;
    }
  }
  free(tc);
  return rc;
}

static int count_positions(const att__snap *s, dim *dims, size_t nby, const uint64_t *hit,
                           cmap *m, codes *a, codes *b) {
  int rc;
  if (nby == 1 && dims[0].field >= 0) return count_postings(s, &dims[0], hit, m);
  if (nby == 2 && (dims[0].field >= 0) != (dims[1].field >= 0))
    return count_postings_time(s, dims, dims[0].field >= 0 ? 0 : 1, hit, m, b);
  for (size_t k = 0; k < nby; k++)
    if (dims[k].field >= 0 && (rc = gather(s, &dims[k], hit)) != 0) return rc;
  for (uint64_t w = 0; w < (s->h.count + 63) / 64; w++)
    for (uint64_t bits = hit[w]; bits; bits &= bits - 1) {
      uint64_t ord = w * 64 + (uint64_t)__builtin_ctzll(bits);
      if ((rc = position_codes(s, &dims[0], ord, a)) != 0 ||
          (nby == 2 && (rc = position_codes(s, &dims[1], ord, b)) != 0) ||
          (rc = count_pairs(m, a, b, nby)) != 0)
        return rc;
    }
  return 0;
}

/* ---- the rows ------------------------------------------------------------ */

/* The text of code c of dimension d into buf. */
static int code_text(const att__snap *s, const dim *d, uint32_t c, char *buf, size_t cap,
                     const char **out) {
  int rc;
  if (d->field < 0) {
    /* years before 0 with a sign, as EDTF writes them ("-0044") */
    long long y = d->by == ATT_BY_YEAR ? (long long)c - YEAR0 : (long long)(c / 12) - YEAR0;
    if (d->by == ATT_BY_YEAR)
      snprintf(buf, cap, "%s%04lld", y < 0 ? "-" : "", y < 0 ? -y : y);
    else
      snprintf(buf, cap, "%s%04lld-%02u", y < 0 ? "-" : "", y < 0 ? -y : y, c % 12 + 1);
    *out = buf;
    return 0;
  }
  if (c >= d->ndict) {
    *out = d->extra[c - d->ndict];
    return 0;
  }
  {
    uint64_t p;
    uint32_t n;
    if ((rc = att__snap_dictent(s, d->base + c, out, &p, &n)) != 0) return rc;
  }
  return 0;
}

static int row_cmp(const void *a, const void *b) {
  const att_tally_row *x = a, *y = b;
  int c = strcmp(x->key[0], y->key[0]);
  if (c || !x->key[1]) return c;
  return strcmp(x->key[1], y->key[1]);
}

static int make_rows(const att__snap *s, const dim *dims, size_t nby, const cmap *m, att_tally *out) {
  size_t len = 0, r = 0;
  char *p = NULL;
  int rc;
  /* twice: the length of the keys' text, then the rows */
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < m->cap; i++) {
      char b0[32], b1[32];
      const char *k0, *k1 = NULL;
      uint64_t key;
      if (!m->k[i]) continue;
      key = m->k[i] - 1;
      if ((rc = code_text(s, &dims[0], (uint32_t)(nby == 2 ? key >> 32 : key), b0, sizeof b0, &k0)) != 0 ||
          (nby == 2 && (rc = code_text(s, &dims[1], (uint32_t)key, b1, sizeof b1, &k1)) != 0))
        return rc;
      if (pass == 0) {
        len += strlen(k0) + 1 + (k1 ? strlen(k1) + 1 : 0);
        continue;
      }
      out->rows[r].key[0] = strcpy(p, k0);
      p += strlen(k0) + 1;
      out->rows[r].key[1] = k1 ? strcpy(p, k1) : NULL;
      if (k1) p += strlen(k1) + 1;
      out->rows[r++].n = m->v[i];
    }
    if (pass == 0) {
      if (!(out->text = malloc(len ? len : 1)) || !(out->rows = calloc(m->n ? m->n : 1, sizeof *out->rows)))
        return NOMEM();
      p = out->text;
    }
  }
  out->n = r;
  qsort(out->rows, out->n, sizeof *out->rows, row_cmp);
  return 0;
}

/* ---- att_store_tally ----------------------------------------------------- */

int att_store_tally(att_store *st, const att_query *q, const att_by *by, size_t nby, att_tally *out) {
  const att__snap *s = &st->snap;
  att_query all = *q;
  dim dims[2];
  cmap m = {0};
  codes a = {0}, b = {0};
  uint64_t *hit = NULL;
  int64_t *ids = NULL;
  size_t n = 0;
  int rc, live = st->asof == ATT_TIME_MAX && !att__test_tally_parse;
  memset(out, 0, sizeof *out);
  memset(dims, 0, sizeof dims);
  if (nby < 1 || nby > 2 || by[0] >= ATT_BY_N || (nby == 2 && (by[1] >= ATT_BY_N || by[1] == by[0])))
    return att__err(ATT_EINVAL, "tally: count by one or two different things");
  for (size_t k = 0; k < nby; k++) {
    dims[k].by = by[k];
    dims[k].field = field_of(by[k]);
    if (dims[k].field >= 0 && s->h.count > 0) {
      if ((rc = att__snap_need(s, ATT__S_DICT)) != 0 || (rc = att__snap_need(s, ATT__S_STR)) != 0)
        return rc;
      dims[k].base = s->h.dict[dims[k].field];
      dims[k].ndict = s->h.dict[dims[k].field + 1] - dims[k].base;
    }
  }
  all.unordered = 1;
  all.sort = ATT_SORT_ID;
  all.desc = 0;
  all.limit = 0;
  all.recurring = 0;
  if (live && s->h.count > 0 && !(hit = calloc((s->h.count + 63) / 64, sizeof *hit))) {
    rc = NOMEM();
    goto out;
  }
  if (live && q->from == ATT_TIME_MIN && q->to == ATT_TIME_MAX && !q->nactors && !q->ntags && !q->kind &&
      !q->status && !q->text) {
    /* Every event: the snapshot's but those the journal changed, and the
     * journal's; no query (at 1M events, it built 40 MB of matches). */
    for (uint64_t o = 0; o < s->h.count; o++) hit[o >> 6] |= 1ull << (o & 63);
    for (size_t i = 0; i < st->ov.n; i++) {
      const att__ov *ov = &st->ov.v[i];
      int64_t ord = s->h.count > 0 ? att__snap_find(s, ov->id) : -1;
      if (ord < -1) {
        rc = (int)ord;
        goto out;
      }
      if (ord >= 0) hit[(uint64_t)ord >> 6] &= ~(1ull << ((uint64_t)ord & 63));
      if (ov->deleted) continue;
      if ((rc = event_codes(s, &dims[0], &ov->ev, &a)) != 0 ||
          (nby == 2 && (rc = event_codes(s, &dims[1], &ov->ev, &b)) != 0) ||
          (rc = count_pairs(&m, &a, &b, nby)) != 0)
        goto out;
    }
  } else if (live) {
    /* The snapshot's matches straight into the bits, by position; the
     * journal's as ids (at 10M events, a decade's window listed 3.2M
     * ids, each then looked up for its position). */
    if (s->h.count == 0 && !(hit = calloc(1, sizeof *hit))) {
      rc = NOMEM();
      goto out;
    }
    if ((rc = att__query_bits(st, &all, hit, &ids, &n)) != 0) goto out;
  } else if ((rc = att_store_query(st, &all, &ids, &n)) != 0) {
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    const att__ov *ov = live ? att__ov_find(&st->ov, ids[i]) : NULL;
    att_event ev;
    int64_t ord;
    if (ov) { /* the journal's: in memory */
      if ((rc = event_codes(s, &dims[0], &ov->ev, &a)) != 0 ||
          (nby == 2 && (rc = event_codes(s, &dims[1], &ov->ev, &b)) != 0) ||
          (rc = count_pairs(&m, &a, &b, nby)) != 0)
        goto out;
      continue;
    }
    if (live) {
      if ((ord = att__snap_find(s, ids[i])) < -1) {
        rc = (int)ord;
        goto out;
      }
      if (ord >= 0) hit[(uint64_t)ord >> 6] |= 1ull << ((uint64_t)ord & 63);
      continue;
    }
    if ((rc = att_store_get(st, ids[i], &ev)) != 0) goto out;
    rc = event_codes(s, &dims[0], &ev, &a);
    if (rc == 0 && nby == 2) rc = event_codes(s, &dims[1], &ev, &b);
    if (rc == 0) rc = count_pairs(&m, &a, &b, nby);
    att_event_free(&ev);
    if (rc) goto out;
  }
  if (hit && (rc = count_positions(s, dims, nby, hit, &m, &a, &b)) != 0) goto out;
  rc = make_rows(s, dims, nby, &m, out);
out:
  if (rc) att_tally_free(out);
  for (size_t k = 0; k < 2; k++) {
    for (size_t i = 0; i < dims[k].nextra; i++) free(dims[k].extra[i]);
    free(dims[k].extra);
    free(dims[k].off);
    free(dims[k].val);
  }
  free(m.k);
  free(m.v);
  free(a.v);
  free(b.v);
  free(hit);
  free(ids);
  return rc;
}

void att_tally_free(att_tally *t) {
  free(t->rows);
  free(t->text);
  memset(t, 0, sizeof *t);
}
