/*
 * Occurrences of events (occur.h): stepping through a recurring event's
 * starts, the occurrences in a window, and the expanded listing of a
 * query.  A recurring event is found whatever its own date (the 1953
 * anniversary shows in 2025): every candidate that starts before the
 * window's end is looked at.  The snapshot's postings of recurring events
 * say which of its events recur; the others (the journal's, and a store
 * read as of a past time) are read, and only those whose stored text has
 * a `recur` are parsed.
 */
#include "occur.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "event.h"
#include "recur.h"
#include "store.h"
#include "store_int.h"

int att_occur_init(att_occur *oc, const char *when, const char *recur) {
  att_bounds b;
  int rc;
  memset(oc, 0, sizeof *oc);
  if (!when) return att__err(ATT_EINVAL, "occurrences: the event has no date");
  if ((rc = att_edtf_parse(when, &b, NULL, 0)) < 0) return rc;
  oc->earliest = b.earliest;
  oc->latest = b.latest;
  if (recur && *recur) {
    if ((rc = att_rrule_parse(recur, &oc->rule, NULL, 0)) < 0) return rc;
    oc->has_rule = 1;
  }
  return 0;
}

int att_occur_next(const att_rrule *rule, att_time dtstart, att_time after,
                   att_time *start) {
  if (rule) return att_recur_next(rule, dtstart, after, start);
  if (dtstart <= after) return att__err(ATT_ENOTFOUND, "no occurrence after that");
  *start = dtstart;
  return 0;
}

/* a - b, saturating at the ends of att_time (b >= 0). */
static att_time sub_sat(att_time a, int64_t b) {
  return a < ATT_TIME_MIN + b ? ATT_TIME_MIN : a - b;
}

/* Does the rule step occurrences (or is the event its only one)?  An open
 * start leaves nothing to count from. */
static const att_rrule *stepping(const att_occur *oc) {
  return oc->has_rule && oc->earliest != ATT_TIME_MIN && oc->earliest != ATT_TIME_MAX ? &oc->rule
                                                                                     : NULL;
}

att_time att_occur_end(const att_occur *oc, att_time start) {
  if (!stepping(oc)) return oc->latest;
  /* An open or unknown end lasts no time in an occurrence: shifted, it
   * would run past the end of time (and wrap round to the year
   * -292277022655). */
  if (oc->latest == ATT_TIME_MAX) return start;
  return start > ATT_TIME_MAX - (oc->latest - oc->earliest) ? ATT_TIME_MAX
                                                           : start + (oc->latest - oc->earliest);
}

int att_occur_in(const att_occur *oc, att_time from, att_time to, att_time *out,
                 size_t cap) {
  const att_rrule *rule = stepping(oc);
  att_time s, after;
  int64_t len;
  size_t n = 0;
  int rc;
  if (from > to) return 0;
  if (!rule) {
    if (oc->earliest > to || oc->latest < from) return 0;
    if (cap == 0) return att__err(ATT_ERANGE, "more than 0 occurrences in the window");
    out[0] = oc->earliest;
    return 1;
  }
  len = att_occur_end(oc, oc->earliest) - oc->earliest;
  /* The first occurrence that may overlap starts at from - len at the
   * earliest; the first occurrence is the event's own start. */
  after = sub_sat(sub_sat(from, len), 1);
  for (rc = att_occur_next(rule, oc->earliest, after, &s); rc == 0 && s <= to;
       rc = att_occur_next(rule, oc->earliest, s, &s)) {
    if (n == cap)
      return att__err(ATT_ERANGE, "more than %zu occurrences in the window", cap);
    out[n++] = s;
  }
  if (rc < 0 && rc != ATT_ENOTFOUND) return rc;
  att__errclear();
  return (int)n;
}

static int64_t day_of(att_time t) { return t / 86400 - (t % 86400 < 0); }

/* One end of an occurrence: its day, or its instant. */
static int end_text(att_time t, int timed, char *buf, size_t cap) {
  if (timed) return att_time_format(t, buf, cap);
  return att_time_day(t, buf, cap) == 0 ? 0 : att__err(ATT_ERANGE, "no room for a date");
}

int att_occ_text(att_time start, att_time end, int timed, char *buf, size_t cap) {
  size_t k;
  int rc;
  if (cap < 3) return att__err(ATT_ERANGE, "no room for a date");
  if (start == ATT_TIME_MIN) /* an open start: the event itself */
    memcpy(buf, "..", 3);
  else if ((rc = end_text(start, timed, buf, cap)) < 0)
    return rc;
  if (start != ATT_TIME_MIN && end != ATT_TIME_MAX &&
      (timed ? end - start < 86400 : day_of(end) == day_of(start)))
    return 0;
  k = strlen(buf);
  if (k + 4 > cap) return att__err(ATT_ERANGE, "no room for a date");
  buf[k++] = '/';
  if (end == ATT_TIME_MAX) {
    memcpy(buf + k, "..", 3);
    return 0;
  }
  return end_text(end, timed, buf + k, cap - k);
}

/* ---- the expanded listing ----------------------------------------------- */

typedef struct list {
  att_occ *v;
  size_t n, cap;
  size_t *rank; /* the event's place in the query's order */
} list;

static int push(list *l, int64_t id, att_time s, att_time e, int rec, int timed, size_t rank) {
  if (l->n == l->cap) {
    size_t c = l->cap ? l->cap * 2 : 64;
    att_occ *v = realloc(l->v, c * sizeof *v);
    size_t *r;
    if (!v) return att__err(ATT_ENOMEM, "out of memory for occurrences");
    l->v = v;
    if (!(r = realloc(l->rank, c * sizeof *r)))
      return att__err(ATT_ENOMEM, "out of memory for occurrences");
    l->rank = r;
    l->cap = c;
  }
  l->v[l->n] = (att_occ){id, s, e, rec, timed};
  l->rank[l->n] = rank;
  l->n++;
  return 0;
}

static int g_bywhen, g_desc; /* qsort has no context argument in C11 */
static const list *g_list;

static int cmp64(int64_t a, int64_t b) { return a < b ? -1 : a > b; }

static int cmp_idx(const void *pa, const void *pb) {
  size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
  const att_occ *x = &g_list->v[a], *y = &g_list->v[b];
  int c = 0;
  if (g_bywhen) {
    c = cmp64(x->start, y->start);
    if (!c) c = cmp64(x->end, y->end);
    if (!c) c = cmp64(x->id, y->id);
  } else {
    c = cmp64((int64_t)g_list->rank[a], (int64_t)g_list->rank[b]);
    if (!c) c = cmp64(x->start, y->start);
  }
  return g_desc ? -c : c;
}

/* Whether stored text names a recur (a quick look before parsing). */
static int mentions_recur(const char *json, size_t len) {
  static const char key[] = "\"recur\"";
  for (size_t i = 0; i + sizeof key - 1 <= len; i++)
    if (json[i] == '"' && memcmp(json + i, key, sizeof key - 1) == 0) return 1;
  return 0;
}

/* The bounds of live event id, from the journal's overlay or the
 * snapshot's id table, without parsing it. */
static int bounds_of(att_store *st, int64_t id, att_time *e, att_time *l) {
  const att__ov *ov = att__ov_find(&st->ov, id);
  const att__ident *ident;
  int64_t ord;
  int rc;
  if (ov) {
    if (ov->deleted) return att__err(ATT_ENOTFOUND, "event %lld: deleted", (long long)id);
    *e = ov->ev.bounds.earliest;
    *l = ov->ev.bounds.latest;
    return 0;
  }
  if ((ord = att__snap_find(&st->snap, id)) < -1) return (int)ord;
  if (ord < 0) return att__err(ATT_ENOTFOUND, "event %lld: not found", (long long)id);
  if ((rc = att__snap_ident(&st->snap, (uint64_t)ord, &ident)) != 0) return rc;
  *e = ident->earliest;
  *l = ident->latest;
  return 0;
}

/* Add the occurrences of stored event id if it recurs: 1 if it does, 0 if
 * not, or a negative code. */
static int add_recurring(att_store *st, const att_query *q, int64_t id, size_t rank, list *l,
                         att_time *buf) {
  const char *json;
  size_t len;
  att_event ev;
  att_occur oc;
  int rc, k;
  if ((rc = att_store_json(st, id, &json, &len)) < 0) return rc;
  if (!mentions_recur(json, len)) return 0;
  att_event_init(&ev);
  if ((rc = att_event_from_json(json, len, ATT_EV_STORED, &ev)) < 0) goto out;
  if (!ev.recur || !*ev.recur) goto out; /* rc = 0 */
  if ((rc = att_occur_init(&oc, ev.when, ev.recur)) < 0) goto out;
  if ((rc = att_rrule_set_tz(&oc.rule, ev.tz)) < 0) goto out; /* its local time */
  if ((k = att_occur_in(&oc, q->from, q->to, buf, ATT_OCCUR_MAX)) < 0) {
    char why[200]; /* the message is rewritten below: copy it first */
    snprintf(why, sizeof why, "%s", att_errmsg());
    rc = att__err(k, "event %lld (recur %s): %s", (long long)id, ev.recur, why);
    goto out;
  }
  for (int i = 0; i < k && rc >= 0; i++)
    rc = push(l, id, buf[i], att_occur_end(&oc, buf[i]), 1,
              strchr(ev.when, 'T') != NULL, rank);
  if (rc >= 0) rc = 1;
out:
  att_event_free(&ev);
  return rc;
}

/* The snapshot's postings of its recurring events (format 4), where they
 * tell which candidates recur: in the live store, for the events that the
 * journal's overlay does not hold.  Elsewhere each candidate is read. */
typedef struct recur_post {
  int known;
  uint64_t first;
  uint32_t n;
} recur_post;

/* Tests set it to read every candidate: the way to check the postings. */
int att__test_occur_read_all = 0;

static int recur_post_init(att_store *st, recur_post *r) {
  int rc;
  memset(r, 0, sizeof *r);
  if (att__test_occur_read_all || st->asof != ATT_TIME_MAX || st->snap.h.version < 4 || st->snap.h.kind == ATT__K_HIST ||
      st->snap.h.count == 0)
    return 0;
  if ((rc = att__snap_postings(&st->snap, ATT__F_STATUS, ATT__RECUR_MARK, &r->first, &r->n)) != 0)
    return rc;
  r->known = 1;
  return 0;
}

/* 1 and id's bounds when the postings say that it does not recur (its
 * record is not read: at 1M events, a page mapped per candidate), 0 when
 * it must be read, or a negative code. */
static int plain_bounds(att_store *st, const recur_post *r, int64_t id, att_time *e, att_time *l) {
  const att__ident *ident;
  int64_t ord;
  int rc;
  if (!r->known || att__ov_find(&st->ov, id)) return 0;
  if ((ord = att__snap_find(&st->snap, id)) < -1) return (int)ord;
  if (ord < 0) return 0; /* (the read reports it) */
  if ((rc = att__snap_post_has(&st->snap, r->first, r->n, (uint32_t)ord)) != 0) return rc < 0 ? rc : 0;
  if ((rc = att__snap_ident(&st->snap, (uint64_t)ord, &ident)) != 0) return rc;
  *e = ident->earliest;
  *l = ident->latest;
  return 1;
}

/* Is id among the n ascending rids? */
static int among(const int64_t *rids, size_t n, int64_t id) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (rids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && rids[lo] == id;
}

/* The ids of the snapshot's recurring events, ascending (their postings
 * ascend by position, and so by id), into *rids. */
static int recurring_ids(att_store *st, const recur_post *rp, int64_t **rids) {
  int rc;
  *rids = malloc((rp->n ? rp->n : 1) * sizeof **rids);
  if (!*rids) return att__err(ATT_ENOMEM, "out of memory for occurrences");
  for (uint32_t j = 0; j < rp->n; j++) {
    const att__ident *e;
    uint32_t ord = 0;
    if ((rc = att__snap_pos(&st->snap, ATT__S_POST, rp->first + j, &ord)) != 0 ||
        (rc = att__snap_ident(&st->snap, ord, &e)) != 0)
      return rc;
    (*rids)[j] = e->id;
  }
  return 0;
}

int att_occur_list(att_store *st, const int64_t *ids, const att_bounds *bounds, size_t n,
                   const att_query *q, att_occ **out, size_t *nout) {
  size_t i, *idx = NULL;
  att_time *buf = NULL;
  list l = {0};
  recur_post rp;
  int64_t *rids = NULL;
  int rc = 0, given;

  *out = NULL;
  *nout = 0;
  if (!(buf = malloc(ATT_OCCUR_MAX * sizeof *buf))) {
    rc = att__err(ATT_ENOMEM, "out of memory for occurrences");
    goto out;
  }
  if ((rc = recur_post_init(st, &rp)) != 0) goto out;
  /* With the candidates' dates given, a snapshot event that does not recur
   * is taken as it is: no look-up of its id (at 10M events, a week's
   * listing looked 40,000 up, each a page of the id table touched at
   * random).  Which recur: their postings, made into ids, when there are
   * fewer of them than candidates. */
  given = bounds && rp.known && rp.n <= n;
  if (given && (rc = recurring_ids(st, &rp, &rids)) != 0) goto out;
  for (i = 0; i < n; i++) {
    att_time e = 0, lt = 0;
    if (given && !att__ov_find(&st->ov, ids[i]) && !among(rids, rp.n, ids[i])) {
      e = bounds[i].earliest;
      lt = bounds[i].latest;
      if (e <= q->to && lt >= q->from && (rc = push(&l, ids[i], e, lt, 0, 0, i)) < 0) goto out;
      continue;
    }
    if ((rc = plain_bounds(st, &rp, ids[i], &e, &lt)) < 0) goto out;
    if (rc == 0) {
      if ((rc = add_recurring(st, q, ids[i], i, &l, buf)) < 0) goto out;
      if (rc == 1) continue;
      if ((rc = bounds_of(st, ids[i], &e, &lt)) < 0) goto out;
    }
    if (e <= q->to && lt >= q->from && (rc = push(&l, ids[i], e, lt, 0, 0, i)) < 0) goto out;
  }
  rc = 0;
  /* Sort an index (rank travels with each line), then lay the lines out. */
  if (l.n) {
    att_occ *v;
    if (!(idx = malloc(l.n * sizeof *idx)) || !(v = malloc(l.n * sizeof *v))) {
      rc = att__err(ATT_ENOMEM, "out of memory for occurrences");
      goto out;
    }
    for (i = 0; i < l.n; i++) idx[i] = i;
    g_bywhen = q->sort == ATT_SORT_WHEN;
    /* The candidates came in the query's order, descending included. */
    g_desc = g_bywhen && q->desc;
    g_list = &l;
    if (!q->unordered) qsort(idx, l.n, sizeof *idx, cmp_idx);
    g_list = NULL;
    for (i = 0; i < l.n; i++) v[i] = l.v[idx[i]];
    *out = v;
    *nout = q->limit && q->limit < l.n ? q->limit : l.n;
  }
out:
  free(rids);
  free(idx);
  free(buf);
  free(l.v);
  free(l.rank);
  return rc;
}

int att_store_occurrences(att_store *st, const att_query *q, att_occ **out, size_t *n) {
  att_query all = *q;
  int64_t *cand = NULL;
  size_t ncand = 0;
  int rc;
  *out = NULL;
  *n = 0;
  att_bounds *b = NULL;
  att_occur_candidates(&all);
  if ((rc = att_store_query_bounds(st, &all, &cand, &b, &ncand)) == 0)
    rc = att_occur_list(st, cand, b, ncand, q, out, n);
  free(cand);
  free(b);
  return rc;
}

int att_occur_count(att_store *st, const att_query *q, size_t *n) {
  att_query plain = *q, rec = *q;
  att_time *buf = NULL;
  int64_t *ids = NULL;
  size_t nids = 0, total = 0;
  recur_post rp;
  int rc;
  *n = 0;
  if ((rc = recur_post_init(st, &rp)) != 0) return rc;
  if (!rp.known) {
    /* No postings of the recurring events (as of a time, or an older
     * snapshot): the lines themselves. */
    att_occ *occ = NULL;
    plain.unordered = 1;
    rc = att_store_occurrences(st, &plain, &occ, n);
    free(occ);
    return rc;
  }
  /* Every match once, recurring or not, from the indexes... */
  plain.recurring = 0;
  plain.limit = 0;
  if ((rc = att_store_count_query(st, &plain, &total)) != 0) return rc;
  /* ...then each recurring candidate: its occurrences instead. */
  att_occur_candidates(&rec);
  rec.recurs_only = 1;
  rec.sort = ATT_SORT_ID;
  rec.desc = 0;
  rec.unordered = 1;
  if ((rc = att_store_query(st, &rec, &ids, &nids)) != 0) return rc;
  if (nids && !(buf = malloc(ATT_OCCUR_MAX * sizeof *buf))) {
    rc = att__err(ATT_ENOMEM, "out of memory for occurrences");
    goto out;
  }
  for (size_t i = 0; i < nids; i++) {
    att_time e = 0, l = 0;
    list one = {0};
    if ((rc = bounds_of(st, ids[i], &e, &l)) < 0) break;
    rc = add_recurring(st, q, ids[i], 0, &one, buf);
    free(one.v);
    free(one.rank);
    if (rc < 0) break;
    if (rc == 0) continue; /* its text holds no rule after all: counted as it is */
    if (att__in_window(e, l, &plain)) total--;
    total += one.n;
  }
  if (rc > 0) rc = 0;
  if (rc == 0) *n = q->limit && q->limit < total ? q->limit : total;
out:
  free(buf);
  free(ids);
  return rc;
}

void att_occur_candidates(att_query *q) {
  /* The events in the window, and those that recur and start by its end
   * (a recurring event never occurs before its own start). */
  q->recurring = 1;
  q->limit = 0;
}
