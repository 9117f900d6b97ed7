/*
 * History (docs/history.md): every change kept with its number, time,
 * author and reason.  The journal's changes are held here in order (jh);
 * a compaction writes the versions they replaced into a history segment,
 * a file in the snapshot's own format (history.<gen>) whose VERS section
 * says when each version was made and replaced; the main snapshot lists
 * its segments.  This file reads that history: changes, versions, and the
 * state before and after a change.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "fault.h"
#include "grow.h"
#include "store_int.h"

/* ---- META records ------------------------------------------------------ */

int att__meta_encode(att_time tx, const char *author, const char *reason, unsigned char **p,
                     uint32_t *len) {
  size_t al = author ? strlen(author) : 0, rl = reason ? strlen(reason) : 0;
  uint32_t a32 = (uint32_t)al, r32 = (uint32_t)rl;
  unsigned char *b;
  if (al > 4096 || rl > 65536) return att__err(ATT_EINVAL, "author or reason too long");
  if (!(b = malloc(16 + al + rl + 1))) return att__err(ATT_ENOMEM, "out of memory");
  memcpy(b, &tx, 8);
  memcpy(b + 8, &a32, 4);
  memcpy(b + 12, &r32, 4);
  if (al) memcpy(b + 16, author, al);
  if (rl) memcpy(b + 16 + al, reason, rl);
  *p = b;
  *len = (uint32_t)(16 + al + rl);
  return 0;
}

int att__meta_decode(const char *p, uint32_t len, att_time *tx, const char **author,
                     uint32_t *alen, const char **reason, uint32_t *rlen) {
  uint32_t a, r;
  if (len < 16) return -1;
  memcpy(tx, p, 8);
  memcpy(&a, p + 8, 4);
  memcpy(&r, p + 12, 4);
  if ((uint64_t)a + r != len - 16u) return -1;
  if (memchr(p + 16, '\0', (size_t)a + r) != NULL) return -1;
  *author = p + 16;
  *alen = a;
  *reason = p + 16 + a;
  *rlen = r;
  return 0;
}

int att__hist_meta(att_store *st) {
  unsigned char *p = NULL;
  uint32_t len = 0;
  att_time t;
  int rc;
  if (st->meta_done) return 0;
  t = att__store_now(st);
  st->wtx = t > st->last_tx ? t : st->last_tx;
  st->wbatch = st->next_seq;
  if ((rc = att__meta_encode(st->wtx, st->author, st->reason, &p, &len)) != 0) return rc;
  rc = att__store_append(st, ATT__R_META, 0, p, len);
  free(p);
  if (rc == 0) st->meta_done = 1;
  return rc;
}

static int set_str(char **dst, const char *v) {
  char *c = NULL;
  if (v && *v && !(c = strdup(v))) return att__err(ATT_ENOMEM, "out of memory");
  free(*dst);
  *dst = c;
  return 0;
}

int att_store_set_author(att_store *st, const char *author) { return set_str(&st->author, author); }
int att_store_set_reason(att_store *st, const char *reason) { return set_str(&st->reason, reason); }

/* ---- the journal's changes -------------------------------------------- */

static void jh_free1(att__jh *h) {
  free(h->author);
  free(h->reason);
  free(h->json);
  if (h->ev) {
    att_event_free(h->ev);
    free(h->ev);
  }
}

void att__jh_free(att__jh *v, size_t n, size_t cap) {
  for (size_t i = 0; i < n; i++) jh_free1(&v[i]);
  att__grow_free(v, cap * sizeof *v);
}

void att__jh_clear(att_store *st) {
  att__jh_free(st->jh, st->njh, st->cjh);
  st->jh = NULL;
  st->njh = st->cjh = 0;
}

/* The revision of live event id in the view, 0 if none. */
static int64_t live_rev(att_store *st, int64_t id) {
  const char *j, *v;
  size_t len, vlen;
  char num[24];
  if (att_store_json(st, id, &j, &len) != 0) return 0;
  if (att_event_scan_member(j, len, "rev", &v, &vlen) != 1 || vlen == 0 || vlen >= sizeof num) return 0;
  memcpy(num, v, vlen);
  num[vlen] = '\0';
  return strtoll(num, NULL, 10);
}

int att__jh_add(att_store *st, int op, int64_t id, int64_t rev, char *json, uint32_t len,
                att_time tx, const char *author, const char *reason, uint64_t batch) {
  att__jh *h;
  if (st->njh == st->cjh) {
    size_t c = st->cjh ? st->cjh * 2 : ATT__JOURNAL_FIRST;
    att__jh *v = att__fault(ATT_FAULT_ALLOC) ? NULL : att__grow(st->jh, st->cjh * sizeof *v, c * sizeof *v);
    if (!v) {
      free(json);
      return att__err(ATT_ENOMEM, "out of memory for the history");
    }
    st->jh = v;
    st->cjh = c;
  }
  if (op == ATT_CHANGE_REMOVE && rev == 0) rev = live_rev(st, id);
  h = &st->jh[st->njh];
  memset(h, 0, sizeof *h);
  h->seq = st->next_seq;
  h->batch = batch;
  h->tx = tx;
  h->op = op;
  h->id = id;
  h->rev = rev;
  h->len = len;
  if ((author && *author && !(h->author = strdup(author))) ||
      (reason && *reason && !(h->reason = strdup(reason)))) {
    free(h->author);
    free(json);
    return att__err(ATT_ENOMEM, "out of memory for the history");
  }
  h->json = json;
  st->njh++;
  st->next_seq++;
  if (tx > st->last_tx) st->last_tx = tx;
  return 0;
}

int att__jh_note(att_store *st, int64_t id) {
  att__ov *e = att__ov_find(&st->ov, id);
  const att__jh *h = &st->jh[st->njh - 1];
  if (!e) return att__err(ATT_EINVAL, "internal: no overlay entry for event %lld", (long long)id);
  if (e->jhi == 0) {
    e->first_seq = h->seq;
    e->first_tx = h->tx;
  }
  e->seq = h->seq;
  e->tx = h->tx;
  e->jhi = st->njh;
  return 0;
}

int att__hist_live(att_store *st, int64_t id) {
  const att__ov *e = att__ov_find(&st->ov, id);
  int64_t ord;
  if (e) return !e->deleted;
  ord = att__snap_find(&st->snap, id);
  if (ord < -1) return (int)ord;
  return ord >= 0;
}

void att__hist_snapin(const att_store *st, const att__ov *e, att__snapin *in) {
  const att__jh *h = e->jhi ? &st->jh[e->jhi - 1] : NULL;
  if (!h) return; /* not from this journal (salvage): as att__snapin_event made it */
  in->v.tx_from = h->tx;
  in->v.tx_to = ATT_TIME_MAX;
  in->v.seq_from = h->seq;
  in->v.seq_to = 0;
  in->v.batch = h->batch;
  in->v.rev = h->rev;
  in->v.op = (uint32_t)h->op;
  in->author = h->author;
  in->reason = h->reason;
}

/* ---- segments ---------------------------------------------------------- */

static int seg_path(const att_store *st, uint64_t gen, char *buf, size_t cap) {
  char name[40];
  snprintf(name, sizeof name, "history.%llu", (unsigned long long)gen);
  return att__path(buf, cap, st->dir, name);
}

void att__segs_close(att_store *st) {
  for (size_t i = 0; i < st->nsegs; i++) att__snap_close(&st->segs[i]);
  free(st->segs);
  st->segs = NULL;
  st->nsegs = 0;
  st->segs_open = 0;
  st->pr_seq = 0;
  st->pr_before = st->pr_tx = ATT_TIME_MIN;
}

static int segs_open(att_store *st, int retry);
int att__segs_open(att_store *st) { return segs_open(st, 1); }
static int att__segs_open_once(att_store *st) { return segs_open(st, 0); }

static int segs_open(att_store *st, int retry) {
  const att__snap *m = &st->snap;
  if (st->segs_open) return 0;
  if (m->nsegs && !(st->segs = calloc(m->nsegs, sizeof *st->segs)))
    return att__err(ATT_ENOMEM, "out of memory opening the history");
  for (size_t i = 0; i < m->nsegs; i++) {
    char p[PATH_MAX];
    const att__segent *g = &m->segs[i];
    int rc = seg_path(st, g->gen, p, sizeof p);
    if (rc == 0) rc = att__snap_open(&st->segs[i], p);
    if (rc == ATT_ENOSTORE && retry && !st->locked && !st->in_batch && !st->imp) {
      /* Another process compacted since we read the snapshot and merged
       * this segment into a newer one: read the store again (as a
       * refresh would), once. */
      for (size_t k = 0; k < i; k++) att__snap_close(&st->segs[k]);
      free(st->segs);
      st->segs = NULL;
      st->nsegs = 0;
      if ((rc = att__store_reload(st)) != 0) return rc;
      return att__segs_open_once(st);
    }
    if (rc == 0 && (st->segs[i].h.kind != ATT__K_HIST || st->segs[i].h.file_size != g->file_size ||
                    st->segs[i].h.hdr_crc != g->hdr_crc || st->segs[i].h.count != g->count)) {
      att__snap_close(&st->segs[i]);
      rc = att__err(ATT_ECORRUPT,
                    "history segment \"%s\" is not the one the snapshot lists (its size, "
                    "header or count differ); 'attache fsck' reports", p);
    }
    if (rc) {
      for (size_t k = 0; k < i; k++) att__snap_close(&st->segs[k]);
      free(st->segs);
      st->segs = NULL;
      return rc;
    }
    st->nsegs = i + 1;
  }
  {
    int rc = att__prune_read_bound(st);
    if (rc) {
      att__segs_close(st);
      return rc;
    }
  }
  st->segs_open = 1;
  return 0;
}

typedef att__hv hv;

/* A segment's versions go in the order of the changes that made them. */
static int hv_cmp(const void *a, const void *b) {
  const hv *x = a, *y = b;
  return x->v.seq_from < y->v.seq_from ? -1 : x->v.seq_from > y->v.seq_from;
}

/* The version of id that change h replaced: the journal's earlier change
 * of it (before index i), else the snapshot's. */
static int replaced(att_store *st, size_t i, hv *out) {
  const att__jh *h = &st->jh[i];
  int64_t ord;
  for (size_t k = i; k-- > 0;) {
    const att__jh *p = &st->jh[k];
    if (p->id != h->id) continue;
    if (p->op == ATT_CHANGE_REMOVE) return 0; /* a restore: the removal is its own entry */
    memset(out, 0, sizeof *out);
    out->id = p->id;
    out->v.tx_from = p->tx;
    out->v.seq_from = p->seq;
    out->v.batch = p->batch;
    out->v.rev = p->rev;
    out->v.op = (uint32_t)p->op;
    out->author = p->author;
    out->reason = p->reason;
    out->json = p->json;
    out->len = p->len;
    return 1;
  }
  ord = att__snap_find(&st->snap, h->id);
  if (ord < -1) return (int)ord;
  if (ord < 0) return 0;
  {
    const att__snap *s = &st->snap;
    int rc;
    memset(out, 0, sizeof *out);
    out->id = h->id;
    if ((rc = att__snap_vers(s, (uint64_t)ord, &out->v)) != 0 ||
        (rc = att__snap_json(s, (uint64_t)ord, &out->json, &out->len)) != 0)
      return rc;
    out->author = out->v.author == ATT__NOSTR ? NULL : att__snap_strat(s, out->v.author);
    out->reason = out->v.reason == ATT__NOSTR ? NULL : att__snap_strat(s, out->v.reason);
    if (out->v.rev == 0) {
      /* written before history was kept: its revision from the record */
      att_event ev;
      if ((rc = att_event_from_json(out->json, out->len, ATT_EV_STORED, &ev)) != 0)
        return att__errctx(ATT_ECORRUPT, "snapshot: stored event %lld does not read back",
                           (long long)h->id);
      out->v.rev = ev.rev;
      att_event_free(&ev);
    }
  }
  return 1;
}

int att__hist_journal_versions(att_store *st, hv *v, size_t *n) {
  for (size_t i = 0; i < st->njh; i++) {
    const att__jh *h = &st->jh[i];
    hv old;
    int r = replaced(st, i, &old);
    if (r < 0) return r;
    if (r == 1) {
      old.v.tx_to = h->tx;
      old.v.seq_to = h->seq;
      v[(*n)++] = old;
    }
    if (h->op == ATT_CHANGE_REMOVE && r == 1) {
      /* The removal: the state removed, never a hit. */
      hv *t = &v[(*n)++];
      *t = old;
      t->v.tx_from = h->tx;
      t->v.tx_to = ATT_TIME_MAX;
      t->v.seq_from = h->seq;
      t->v.seq_to = 0;
      t->v.batch = h->batch;
      t->v.op = ATT_CHANGE_REMOVE;
      t->author = h->author;
      t->reason = h->reason;
    }
  }
  return 0;
}

int att__hist_read_seg(const att__snap *g, hv *v, size_t *n) {
  int rc;
  for (uint64_t o = 0; o < g->h.count; o++) {
    const att__ident *e;
    hv *x = &v[*n];
    memset(x, 0, sizeof *x);
    if ((rc = att__snap_ident(g, o, &e)) != 0 || (rc = att__snap_vers(g, o, &x->v)) != 0 ||
        (rc = att__snap_json(g, o, &x->json, &x->len)) != 0)
      return rc;
    x->id = e->id;
    x->author = x->v.author == ATT__NOSTR ? NULL : att__snap_strat(g, x->v.author);
    x->reason = x->v.reason == ATT__NOSTR ? NULL : att__snap_strat(g, x->v.reason);
    (*n)++;
  }
  return 0;
}

/*
 * Segments are merged as a binary counter is carried: the new segment
 * takes in the newest ones while each is no more than twice what it
 * holds so far, so their sizes grow geometrically and each version is
 * rewritten a few times over its life.  But no merged segment grows past
 * an eighth of the history (or SEG_MIN versions): a segment holds the
 * versions replaced in a range of time, and an as-of read skips every
 * segment whose versions were all replaced before the time it asks, and
 * in the others reads only those made by then (a prefix).  Only the
 * segment whose range holds that time has versions to read and reject:
 * at most an eighth of the history.  A store keeps about eight segments
 * plus the logarithm of a segment's size in journals.
 */
#define SEG_MIN 65536u
static size_t merge_count(const att_store *st, uint64_t fresh) {
  const att__snap *m = &st->snap;
  size_t k = 0;
  uint64_t total = fresh, all = fresh, cap;
  for (size_t i = 0; i < m->nsegs; i++) all += m->segs[i].count;
  cap = all / 8 > SEG_MIN ? all / 8 : SEG_MIN;
  while (k < m->nsegs && m->segs[m->nsegs - 1 - k].count <= 2 * total &&
         total + m->segs[m->nsegs - 1 - k].count <= cap) {
    total += m->segs[m->nsegs - 1 - k].count;
    k++;
  }
  return k;
}

int att__hist_write(att_store *st, uint64_t gen, hv *v, size_t n, att__segent *ent) {
  char tmp[PATH_MAX], path[PATH_MAX];
  att__snapw *w = NULL;
  int rc;
  memset(ent, 0, sizeof *ent);
  qsort(v, n, sizeof *v, hv_cmp);
  if ((rc = seg_path(st, gen, path, sizeof path)) != 0) return rc;
  if (strlen(path) + 5 > sizeof tmp) return att__err(ATT_ERANGE, "store path too long: \"%s\"", st->dir);
  memcpy(tmp, path, strlen(path));
  memcpy(tmp + strlen(path), ".tmp", 5);
  if ((rc = att__snapw_begin(tmp, &st->opts, n, &w)) != 0) return rc;
  att__snapw_history(w, ATT__K_HIST, st->next_seq, st->last_tx, NULL, 0);
  ent->min_tx = ATT_TIME_MAX;
  ent->max_tx = ATT_TIME_MIN;
  for (size_t i = 0; i < n && rc == 0; i++) {
    att__snapin in;
    att_event ev;
    att_event_init(&ev);
    if (v[i].v.op == ATT_CHANGE_PRUNE) {
      /* A prune's own entry: no event, never a hit (prune.c). */
      att_time b;
      if (att__prune_entry_bound(v[i].json, v[i].len, &b) != 0) {
        rc = att__err(ATT_ECORRUPT, "history: the entry of change %llu (a prune) does not read back",
                      (unsigned long long)v[i].v.seq_from);
        break;
      }
      memset(&in, 0, sizeof in);
      in.json = v[i].json;
      in.len = v[i].len;
      in.bounds.earliest = in.bounds.latest = b;
      in.created = in.updated = v[i].v.tx_from;
    } else if ((rc = att_event_from_json(v[i].json, v[i].len, ATT_EV_STORED, &ev)) != 0) {
      rc = att__errctx(ATT_ECORRUPT, "history of event %lld does not read back", (long long)v[i].id);
      break;
    } else {
      att__snapin_event(&in, &ev, v[i].json, v[i].len);
    }
    in.id = v[i].id;
    in.v = v[i].v;
    in.author = v[i].author;
    in.reason = v[i].reason;
    rc = att__snapw_put(w, &in, 1);
    att_event_free(&ev);
    if (v[i].v.op != ATT_CHANGE_REMOVE && v[i].v.op != ATT_CHANGE_PRUNE) {
      if (v[i].v.tx_from < ent->min_tx) ent->min_tx = v[i].v.tx_from;
      if (v[i].v.tx_to > ent->max_tx) ent->max_tx = v[i].v.tx_to;
    }
  }
  if (rc) {
    att__snapw_abort(w);
    memset(ent, 0, sizeof *ent);
    return rc;
  }
  if ((rc = att__snapw_finish(w, gen, (uint64_t)st->next_id)) != 0) goto fail;
  {
    att__snap s;
    if ((rc = att__snap_open(&s, tmp)) != 0) goto fail;
    ent->gen = gen;
    ent->file_size = s.h.file_size;
    ent->count = s.h.count;
    ent->hdr_crc = s.h.hdr_crc;
    att__snap_close(&s);
  }
  if (att__fault(ATT_FAULT_RENAME) || rename(tmp, path) != 0) {
    rc = att__err(ATT_EIO, "compaction of \"%s\": cannot put its history segment in place: %s",
                  st->dir, strerror(errno));
    goto fail;
  }
  if (att__fsync_dir(st->dir) != 0) {
    rc = att__err(ATT_EIO, "compaction of \"%s\": cannot sync the directory: %s", st->dir,
                  strerror(errno));
    goto fail;
  }
  return 0;
fail:
  unlink(tmp);
  memset(ent, 0, sizeof *ent);
  return rc;
}

/* The versions the journal replaced go into a history segment of their
 * own (history.<gen>), merged with the newest segments as above. */
static int hist_segment(att_store *st, uint64_t gen, att__segent *ent, size_t *merged) {
  hv *v = NULL;
  size_t n = 0, cap, nmerge = 0;
  uint64_t fresh = 0;
  int rc = 0;
  memset(ent, 0, sizeof *ent);
  *merged = 0;
  if (st->njh == 0) return 0;
  for (size_t i = 0; i < st->njh; i++) fresh += st->jh[i].op == ATT_CHANGE_REMOVE ? 2 : 1;
  nmerge = merge_count(st, fresh);
  cap = st->njh * 2;
  if (nmerge) {
    if ((rc = att__segs_open(st)) != 0) return rc;
    for (size_t k = st->nsegs - nmerge; k < st->nsegs; k++) cap += st->segs[k].h.count;
  }
  if (!(v = calloc(cap ? cap : 1, sizeof *v))) return att__err(ATT_ENOMEM, "out of memory compacting");
  /* The versions of the segments taken in, as they are. */
  for (size_t k = nmerge ? st->nsegs - nmerge : st->nsegs; k < st->nsegs && rc == 0; k++)
    rc = att__hist_read_seg(&st->segs[k], v, &n);
  if (rc == 0) rc = att__hist_journal_versions(st, v, &n);
  if (rc == 0 && n > 0 && (rc = att__hist_write(st, gen, v, n, ent)) == 0) *merged = nmerge;
  free(v);
  return rc;
}

int att__hist_manifest(att_store *st, uint64_t *gen, att__segent **segs, size_t *n,
                       uint64_t *next_seq, att_time *last_tx) {
  att__segent ent;
  size_t k = st->snap.nsegs, merged = 0;
  int rc;
  *segs = NULL;
  *n = 0;
  *next_seq = st->next_seq;
  *last_tx = st->last_tx;
  if (st->prune_on) return att__prune_manifest(st, gen, segs, n, next_seq, last_tx);
  if ((rc = hist_segment(st, *gen, &ent, &merged)) != 0) return rc;
  if (!(*segs = malloc((k + 1) * sizeof **segs))) return att__err(ATT_ENOMEM, "out of memory compacting");
  k -= merged; /* taken into the new one */
  if (k) memcpy(*segs, st->snap.segs, k * sizeof **segs);
  if (ent.count) (*segs)[k++] = ent;
  *n = k;
  return 0;
}

/* Remove the segment files of dir that the snapshot of generation gen
 * no longer lists (taken into a newer one, or left by a compaction that
 * stopped): under the writer lock, after that snapshot is in place. */
void att__hist_sweep(att_store *st) {
  DIR *d = opendir(st->dir);
  struct dirent *e;
  while (d && (e = readdir(d)) != NULL) {
    unsigned long long g;
    char tail, p[PATH_MAX];
    int listed = 0;
    if (sscanf(e->d_name, "history.%llu%c", &g, &tail) != 1 || g > st->snap.h.gen) continue;
    for (uint64_t k = 0; k < st->snap.nsegs; k++) listed |= st->snap.segs[k].gen == g;
    if (!listed && att__path(p, sizeof p, st->dir, e->d_name) == 0) unlink(p);
  }
  if (d) closedir(d);
}
