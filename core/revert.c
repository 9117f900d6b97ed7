/*
 * Undo, revert and restore (revert.h): the plan that reverses recorded
 * changes, worked out from the store's history (att_store_changes,
 * att_store_change_states) and checked against the present, then applied
 * as one write.
 */
#include "revert.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* ---- a growing message ------------------------------------------------ */

typedef struct msgbuf {
  char *p;
  size_t n, cap;
  int oom;
  size_t items;
  int64_t ev;  /* the event of the later changes named, */
  int evs;     /* and whether several events have some */
} msgbuf;

static void mb_add(msgbuf *m, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void mb_add(msgbuf *m, const char *fmt, ...) {
  va_list ap;
  int k;
  if (m->oom) return;
  for (;;) {
    size_t room = m->cap - m->n;
    va_start(ap, fmt);
    k = m->p ? vsnprintf(m->p + m->n, room, fmt, ap) : -2;
    va_end(ap);
    if (k == -1) {
      m->oom = 1;
      return;
    }
    if (k >= 0 && (size_t)k < room) {
      m->n += (size_t)k;
      return;
    }
    {
      size_t cap = m->cap ? m->cap * 2 : 256;
      char *q;
      while (k > 0 && cap - m->n <= (size_t)k) cap *= 2;
      if ((q = realloc(m->p, cap)) == NULL) {
        m->oom = 1;
        return;
      }
      m->p = q;
      m->cap = cap;
    }
  }
}

/* One more item of a list of conflicts: "; " between them. */
static void mb_item(msgbuf *m) {
  if (m->items++) mb_add(m, "; ");
}

/* ---- small helpers ---------------------------------------------------- */

static const char *who(const att_change *c) {
  return c->author && *c->author ? c->author : "an unknown author";
}

/* "2024-03-02" */
static const char *day(att_time t, char buf[40]) {
  if (att_time_day(t, buf, 40) < 0) snprintf(buf, 40, "(a bad time)");
  return buf;
}

static const char *verb(int op) {
  switch (op) {
    case ATT_CHANGE_ADD: return "added";
    case ATT_CHANGE_UPDATE: return "changed";
    case ATT_CHANGE_REMOVE: return "removed";
    case ATT_CHANGE_RESTORE: return "restored";
    default: return "touched";
  }
}

/* The integer member `name` of stored JSON; 0 when absent. */
static int64_t json_int(const char *json, size_t len, const char *name) {
  const char *v;
  size_t vlen;
  char buf[32];
  if (att_event_scan_member(json, len, name, &v, &vlen) != 1 || vlen == 0 || vlen >= sizeof buf)
    return 0;
  memcpy(buf, v, vlen);
  buf[vlen] = '\0';
  return strtoll(buf, NULL, 10);
}

static char *dup_text(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

static int cmp_seq(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static int in_set(const att_reversal *r, uint64_t seq) {
  size_t lo = 0, hi = r->nchanges;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (r->changes[mid].seq == seq) return 1;
    if (r->changes[mid].seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return 0;
}

static const att_change *set_change(const att_reversal *r, uint64_t seq) {
  size_t i;
  for (i = 0; i < r->nchanges; i++)
    if (r->changes[i].seq == seq) return &r->changes[i];
  return NULL;
}

static att_revert_step *step_of(att_reversal *r, int64_t id) {
  size_t i;
  for (i = 0; i < r->nsteps; i++)
    if (r->steps[i].id == id) return &r->steps[i];
  return NULL;
}

/* The newest change number, 0 when there is none. */
static uint64_t newest_seq(att_store *st) {
  att_change_filter f;
  att_change *v = NULL;
  size_t n = 0;
  uint64_t seq = 0;
  att_change_filter_init(&f);
  f.limit = 1;
  if (att_store_changes(st, &f, &v, &n) == 0 && n > 0) seq = v[0].seq;
  att_changes_free(v, n);
  return seq;
}

/* Every change of event id, oldest first. */
static int event_changes(att_store *st, int64_t id, att_change **v, size_t *n) {
  att_change_filter f;
  att_change_filter_init(&f);
  f.id = id;
  f.oldest_first = 1;
  return att_store_changes(st, &f, v, n);
}

static int add_note(att_reversal *r, const msgbuf *m) {
  char **v;
  if (m->oom || m->p == NULL) return ATT_ENOMEM;
  if ((v = realloc(r->notes, (r->nnotes + 1) * sizeof *v)) == NULL) return ATT_ENOMEM;
  r->notes = v;
  if ((v[r->nnotes] = dup_text(m->p, m->n)) == NULL) return ATT_ENOMEM;
  r->nnotes++;
  return 0;
}

/* "change 42", "changes 42-44", "changes 42, 45": the set, for reasons. */
static void name_set(const att_reversal *r, char *buf, size_t cap) {
  size_t i, n = 0;
  int contiguous = 1;
  if (r->nchanges == 1) {
    snprintf(buf, cap, "change %llu", (unsigned long long)r->changes[0].seq);
    return;
  }
  for (i = 1; i < r->nchanges; i++)
    if (r->changes[i].seq != r->changes[i - 1].seq + 1) contiguous = 0;
  if (contiguous) {
    snprintf(buf, cap, "changes %llu-%llu", (unsigned long long)r->changes[0].seq,
             (unsigned long long)r->changes[r->nchanges - 1].seq);
    return;
  }
  n = (size_t)snprintf(buf, cap, "changes");
  for (i = 0; i < r->nchanges && n < cap; i++)
    n += (size_t)snprintf(buf + n, cap - n, "%s %llu", i ? "," : "",
                          (unsigned long long)r->changes[i].seq);
}

/* ---- the plan ----------------------------------------------------------- */

void att_reversal_init(att_reversal *r) { memset(r, 0, sizeof *r); }

void att_reversal_free(att_reversal *r) {
  size_t i;
  att_changes_free(r->changes, r->nchanges);
  for (i = 0; i < r->nsteps; i++) {
    free(r->steps[i].cur_json);
    free(r->steps[i].json);
  }
  free(r->steps);
  for (i = 0; i < r->nnotes; i++) free(r->notes[i]);
  free(r->notes);
  att_reversal_init(r);
}

/* Read the changes of the set, sorted and without duplicates. */
static int read_set(att_store *st, const uint64_t *seqs, size_t n, att_reversal *r) {
  uint64_t *s;
  size_t i, k = 0;
  int rc = 0;
  if (n == 0) return att__err(ATT_EINVAL, "no change to reverse");
  if ((s = malloc(n * sizeof *s)) == NULL) return ATT_ENOMEM;
  memcpy(s, seqs, n * sizeof *s);
  qsort(s, n, sizeof *s, cmp_seq);
  if ((r->changes = calloc(n, sizeof *r->changes)) == NULL) {
    free(s);
    return ATT_ENOMEM;
  }
  for (i = 0; i < n && rc == 0; i++) {
    if (i > 0 && s[i] == s[i - 1]) continue;
    rc = att_store_change(st, s[i], &r->changes[k]);
    if (rc == ATT_ENOTFOUND) {
      uint64_t top = newest_seq(st), pseq;
      att_time pbefore;
      if (att_store_pruned(st, &pbefore, &pseq) == 1 && s[i] < pseq)
        ; /* older than the history kept: att_store_change said so */
      else if (top == 0)
        rc = att__err(ATT_ENOTFOUND, "there is no change %llu: the store has no changes yet",
                      (unsigned long long)s[i]);
      else
        rc = att__err(ATT_ENOTFOUND,
                      "there is no change %llu (changes are numbered 1 to %llu; some may "
                      "have been pruned)",
                      (unsigned long long)s[i], (unsigned long long)top);
    } else if (rc == 0) {
      k++;
      r->nchanges = k;
      if (r->changes[k - 1].op == ATT_CHANGE_PRUNE)
        rc = att__err(ATT_EINVAL,
                      "change %llu pruned the history older than it; a prune cannot be "
                      "reversed (the versions it dropped are gone)",
                      (unsigned long long)s[i]);
    }
  }
  free(s);
  return rc;
}

/* The steps, one per event, each with its states; later changes that
 * touched an event are conflicts, said in m. */
static int make_steps(att_store *st, att_reversal *r, msgbuf *m) {
  size_t i, j;
  int rc = 0;
  if ((r->steps = calloc(r->nchanges, sizeof *r->steps)) == NULL) return ATT_ENOMEM;
  for (i = 0; i < r->nchanges; i++) {
    att_revert_step *s = step_of(r, r->changes[i].id);
    if (s == NULL) {
      s = &r->steps[r->nsteps++];
      s->id = r->changes[i].id;
      s->first = r->changes[i].seq;
    }
    s->last = r->changes[i].seq;
  }
  for (i = 0; i < r->nsteps && rc == 0; i++) {
    att_revert_step *s = &r->steps[i];
    const att_change *first = set_change(r, s->first), *last = set_change(r, s->last);
    att_change *hist = NULL;
    size_t nh = 0;
    const char *cur;
    size_t clen;
    int live, conflicted = 0;
    char d[40];
    if ((rc = event_changes(st, s->id, &hist, &nh)) < 0) break;
    for (j = 0; j < nh; j++) {
      if (hist[j].seq <= s->first || in_set(r, hist[j].seq)) continue;
      mb_item(m);
      mb_add(m, "change %llu by %s on %s %s event %lld after change %llu",
             (unsigned long long)hist[j].seq, who(&hist[j]), day(hist[j].tx, d),
             verb(hist[j].op), (long long)s->id, (unsigned long long)s->first);
      conflicted = 1;
      if (m->ev != 0 && m->ev != s->id) m->evs = 1;
      m->ev = s->id;
    }
    att_changes_free(hist, nh);
    rc = att_store_json(st, s->id, &cur, &clen);
    live = rc == 0;
    if (rc == ATT_ENOTFOUND) rc = 0;
    if (rc < 0) break;
    if (live) {
      if ((s->cur_json = dup_text(cur, clen)) == NULL) {
        rc = ATT_ENOMEM;
        break;
      }
      s->cur_len = clen;
      s->cur_rev = json_int(cur, clen, "rev");
    } else {
      s->cur_rev = last->rev;
    }
    if (conflicted) continue;
    if (live != (last->op != ATT_CHANGE_REMOVE)) {
      mb_item(m);
      mb_add(m, "event %lld is not as change %llu left it (it is %s now)", (long long)s->id,
             (unsigned long long)s->last, live ? "live" : "removed");
      continue;
    }
    if (first->op == ATT_CHANGE_ADD || first->op == ATT_CHANGE_RESTORE) {
      s->op = live ? ATT_CHANGE_REMOVE : 0; /* added and removed in the set: nothing */
    } else {
      char *after = NULL;
      size_t alen = 0;
      rc = att_store_change_states(st, s->first, &s->json, &s->len, &after, &alen);
      free(after);
      if (rc < 0) break;
      if (s->json == NULL) {
        rc = att__err(ATT_ECORRUPT, "the history lacks the state of event %lld before change %llu",
                      (long long)s->id, (unsigned long long)s->first);
        break;
      }
      s->to_rev = json_int(s->json, s->len, "rev");
      s->op = live ? ATT_CHANGE_UPDATE : ATT_CHANGE_RESTORE;
    }
  }
  return rc;
}

/* Whether the plan leaves event id live: a step decides, else the store. */
static int live_after(att_store *st, att_reversal *r, int64_t id) {
  const att_revert_step *s = step_of(r, id);
  const char *j;
  size_t n;
  if (s && s->op == ATT_CHANGE_REMOVE) return 0;
  if (s && s->op == ATT_CHANGE_RESTORE) return 1;
  return att_store_json(st, id, &j, &n) == 0;
}

/* Whether event id links to `to` in the state the plan leaves it in (its
 * present state when the plan does not touch it). */
static int links_after(att_store *st, att_reversal *r, int64_t id, int64_t to) {
  const att_revert_step *s = step_of(r, id);
  att_event ev;
  size_t i;
  int found = 0;
  if (s && s->op == ATT_CHANGE_REMOVE) return 0;
  if (s && s->json) {
    if (att_event_from_json(s->json, s->len, ATT_EV_STORED, &ev) != 0) return 1;
  } else if (att_store_get(st, id, &ev) != 0) {
    return 0;
  }
  for (i = 0; i < ev.nlinks; i++)
    if (ev.links[i].id == to) found = 1;
  att_event_free(&ev);
  return found;
}

/* Removing an event others link to: a conflict naming them (a reversal
 * never drops links by force). */
static int check_linkers(att_store *st, att_reversal *r, const att_revert_step *s, msgbuf *m) {
  struct att_linker *l = NULL;
  size_t n = 0, i;
  int rc = att_store_linkers(st, s->id, &l, &n);
  if (rc < 0) return rc;
  for (i = 0; i < n; i++) {
    if (!links_after(st, r, l[i].from, s->id)) continue;
    mb_item(m);
    mb_add(m,
           "event %lld links to event %lld (%s), which reversing change %llu would remove; "
           "remove that link first",
           (long long)l[i].from, (long long)s->id, l[i].rel, (unsigned long long)s->first);
  }
  free(l);
  return 0;
}

/* The state to bring back: its key must be free (or freed by the plan)
 * and its links must name events that stay live. */
static int check_state(att_store *st, att_reversal *r, const att_revert_step *s, msgbuf *m) {
  att_event ev, other;
  size_t i;
  int rc = att_event_from_json(s->json, s->len, ATT_EV_STORED, &ev);
  if (rc < 0)
    return att__errctx(rc, "the state of event %lld at revision %lld", (long long)s->id,
                       (long long)s->to_rev);
  if (ev.key && att_store_get_key(st, ev.key, &other) == 0) {
    if (other.id != s->id) {
      const att_revert_step *o = step_of(r, other.id);
      int freed = 0;
      if (o && o->op == ATT_CHANGE_REMOVE) freed = 1;
      if (o && o->json) {
        att_event oe;
        if (att_event_from_json(o->json, o->len, ATT_EV_STORED, &oe) == 0) {
          freed = oe.key == NULL || strcmp(oe.key, ev.key) != 0;
          att_event_free(&oe);
        }
      }
      if (!freed) {
        mb_item(m);
        mb_add(m,
               "event %lld at revision %lld has the key \"%s\", which event %lld holds now; "
               "give event %lld another key first",
               (long long)s->id, (long long)s->to_rev, ev.key, (long long)other.id,
               (long long)other.id);
      }
    }
    att_event_free(&other);
  }
  for (i = 0; i < ev.nlinks; i++) {
    att_change *v = NULL;
    size_t n = 0;
    att_change_filter f;
    char d[40];
    if (live_after(st, r, ev.links[i].id)) continue;
    mb_item(m);
    mb_add(m, "event %lld at revision %lld links to event %lld (%s), which ", (long long)s->id,
           (long long)s->to_rev, (long long)ev.links[i].id, ev.links[i].rel);
    att_change_filter_init(&f);
    f.id = ev.links[i].id;
    f.limit = 1;
    if (step_of(r, ev.links[i].id))
      mb_add(m, "this reversal removes");
    else if (att_store_changes(st, &f, &v, &n) == 0 && n == 1 && v[0].op == ATT_CHANGE_REMOVE)
      mb_add(m, "change %llu by %s on %s removed; restore %lld first",
             (unsigned long long)v[0].seq, who(&v[0]), day(v[0].tx, d),
             (long long)ev.links[i].id);
    else
      mb_add(m, "is not in the store");
    att_changes_free(v, n);
  }
  att_event_free(&ev);
  return 0;
}

/* A restored event: the links of others to it that the write which
 * removed it dropped (rm --force) come back only if their changes are in
 * the set; else a note says so. */
static int note_dropped(att_store *st, att_reversal *r, const att_revert_step *s) {
  const att_change *rm = set_change(r, s->last);
  att_change_filter f;
  att_change *v = NULL;
  size_t n = 0, i, k;
  int rc;
  att_change_filter_init(&f);
  f.since = rm->tx;
  f.until = rm->tx;
  f.oldest_first = 1;
  if ((rc = att_store_changes(st, &f, &v, &n)) < 0) return rc;
  for (i = 0; i < n && rc == 0; i++) {
    char *before = NULL, *after = NULL;
    size_t blen = 0, alen = 0;
    att_event b;
    if (v[i].batch != rm->batch || v[i].id == s->id || v[i].op != ATT_CHANGE_UPDATE ||
        in_set(r, v[i].seq))
      continue;
    if (att_store_change_states(st, v[i].seq, &before, &blen, &after, &alen) == 0 && before &&
        att_event_from_json(before, blen, ATT_EV_STORED, &b) == 0) {
      for (k = 0; k < b.nlinks && rc == 0; k++) {
        msgbuf m = {0};
        if (b.links[k].id != s->id || links_after(st, r, v[i].id, s->id)) continue;
        mb_add(&m,
               "event %lld linked to event %lld (%s) until change %llu dropped that link "
               "when it was removed; that link is not brought back (reversing the whole "
               "write of change %llu would bring it back)",
               (long long)v[i].id, (long long)s->id, b.links[k].rel,
               (unsigned long long)v[i].seq, (unsigned long long)rm->batch);
        rc = add_note(r, &m);
        free(m.p);
      }
      att_event_free(&b);
    }
    free(before);
    free(after);
  }
  att_changes_free(v, n);
  return rc;
}

int att_revert_plan(att_store *st, const uint64_t *seqs, size_t n, att_reversal *r) {
  msgbuf m = {0};
  size_t i, k;
  int rc;
  char set[96];
  att_reversal_init(r);
  if ((rc = read_set(st, seqs, n, r)) < 0) return rc;
  name_set(r, set, sizeof set);
  snprintf(r->reason, sizeof r->reason, "revert of %s", set);
  if ((rc = make_steps(st, r, &m)) < 0) goto out;
  if (m.items == 0) {
    for (i = 0; i < r->nsteps && rc == 0; i++) {
      const att_revert_step *s = &r->steps[i];
      if (s->op == ATT_CHANGE_REMOVE) rc = check_linkers(st, r, s, &m);
      else if (s->json) rc = check_state(st, r, s, &m);
      if (rc == 0 && s->op == ATT_CHANGE_RESTORE) rc = note_dropped(st, r, s);
    }
    if (rc < 0) goto out;
    if (m.items)
      mb_add(&m, "; nothing was changed");
  } else {
    mb_add(&m, "; revert %s first%s, or change ", m.items == 1 ? "that change" : "those changes",
           m.items == 1 ? "" : " (the newest first)");
    if (m.evs || m.ev == 0) mb_add(&m, "those events by hand");
    else
      mb_add(&m, "event %lld by hand", (long long)m.ev);
  }
  if (m.oom) {
    rc = ATT_ENOMEM;
  } else if (m.items) {
    rc = att__err(ATT_ECONFLICT, "cannot reverse %s: %s", set, m.p);
  } else {
    /* Steps with nothing to do (an event added and removed in the set). */
    for (i = k = 0; i < r->nsteps; i++) {
      if (r->steps[i].op == 0) {
        free(r->steps[i].cur_json);
        free(r->steps[i].json);
        continue;
      }
      r->steps[k++] = r->steps[i];
    }
    r->nsteps = k;
    if (k == 0)
      rc = att__err(ATT_EINVAL,
                    "%s left nothing to reverse: the events it added it also removed", set);
  }
out:
  free(m.p);
  return rc;
}

/* The change numbers of the write change seq belongs to. */
static int batch_seqs(att_store *st, uint64_t seq, uint64_t **out, size_t *nout) {
  att_change c;
  att_change_filter f;
  att_change *v = NULL;
  size_t n = 0, i;
  int rc;
  uint64_t *s;
  *out = NULL;
  *nout = 0;
  if ((rc = att_store_change(st, seq, &c)) < 0) {
    if (rc != ATT_ENOTFOUND) return rc;
    /* read_set words it with the range of numbers. */
    if ((*out = malloc(sizeof **out)) == NULL) return ATT_ENOMEM;
    (*out)[0] = seq;
    *nout = 1;
    return 0;
  }
  att_change_filter_init(&f);
  f.since = c.tx;
  f.until = c.tx;
  f.oldest_first = 1;
  rc = att_store_changes(st, &f, &v, &n);
  if (rc == 0 && (s = malloc((n + 1) * sizeof *s)) != NULL) {
    size_t k = 0;
    for (i = 0; i < n; i++)
      if (v[i].batch == c.batch) s[k++] = v[i].seq;
    if (k == 0) s[k++] = seq;
    *out = s;
    *nout = k;
  } else if (rc == 0) {
    rc = ATT_ENOMEM;
  }
  att_changes_free(v, n);
  free(c.author);
  free(c.reason);
  return rc;
}

int att_revert_plan_batch(att_store *st, uint64_t seq, att_reversal *r) {
  uint64_t *s;
  size_t n;
  int rc;
  att_reversal_init(r);
  if ((rc = batch_seqs(st, seq, &s, &n)) < 0) return rc;
  rc = att_revert_plan(st, s, n, r);
  free(s);
  return rc;
}

int att_undo_plan(att_store *st, const char *author, att_reversal *r) {
  att_change_filter f;
  att_change *v = NULL;
  size_t n = 0;
  int rc;
  char set[96];
  att_reversal_init(r);
  att_change_filter_init(&f);
  f.author = author ? author : "";
  f.limit = 1;
  if ((rc = att_store_changes(st, &f, &v, &n)) < 0) return rc;
  if (n == 0) {
    if (author && *author)
      return att__err(ATT_ENOTFOUND, "nothing to undo: %s has made no change to this store",
                      author);
    return att__err(ATT_ENOTFOUND,
                    "nothing to undo: no change to this store was made by an unknown author "
                    "(set ATTACHE_AUTHOR to the name your changes were made under)");
  }
  if (v[0].op == ATT_CHANGE_PRUNE) {
    rc = att__err(ATT_EINVAL,
                  "your last change, %llu, pruned the history; a prune cannot be undone "
                  "(revert an earlier change by its number instead)",
                  (unsigned long long)v[0].seq);
  } else {
    rc = att_revert_plan_batch(st, v[0].seq, r);
    if (r->nchanges) {
      name_set(r, set, sizeof set);
      snprintf(r->reason, sizeof r->reason, "undo of %s", set);
    }
  }
  att_changes_free(v, n);
  return rc;
}

int att_restore_plan(att_store *st, int64_t id, att_reversal *r) {
  att_change_filter f;
  att_change *v = NULL;
  size_t n = 0;
  const char *j;
  size_t jl;
  int rc;
  uint64_t seq;
  att_reversal_init(r);
  if ((rc = att_store_json(st, id, &j, &jl)) == 0)
    return att__err(ATT_EEXISTS, "event %lld is not removed (it is at revision %lld); there is "
                                 "nothing to restore",
                    (long long)id, (long long)json_int(j, jl, "rev"));
  if (rc != ATT_ENOTFOUND) return rc;
  att_change_filter_init(&f);
  f.id = id;
  f.limit = 1;
  if ((rc = att_store_changes(st, &f, &v, &n)) < 0) return rc;
  if (n == 0 || v[0].op != ATT_CHANGE_REMOVE) {
    att_time b;
    uint64_t p;
    char bt[40];
    att_changes_free(v, n);
    if (id < att_store_next_id(st) && att_store_pruned(st, &b, &p) == 1 &&
        att_time_format(b, bt, sizeof bt) >= 0)
      return att__err(ATT_ENOTFOUND, "event %lld cannot be restored: it has no change in the history "
                                     "kept (change %llu dropped the history before %s)",
                      (long long)id, (unsigned long long)p, bt);
    return att__err(ATT_ENOTFOUND, "no event %lld was ever in the store; there is nothing to restore",
                    (long long)id);
  }
  seq = v[0].seq;
  att_changes_free(v, n);
  rc = att_revert_plan(st, &seq, 1, r);
  snprintf(r->reason, sizeof r->reason, "restore of event %lld (removed by change %llu)",
           (long long)id, (unsigned long long)seq);
  return rc;
}

/* ---- applying it -------------------------------------------------------- */

/* Inside the write: the event is still where the plan found it. */
static int still(att_store *st, const att_revert_step *s) {
  const char *j;
  size_t n;
  int rc = att_store_json(st, s->id, &j, &n);
  if (rc == 0 && s->cur_json && json_int(j, n, "rev") == s->cur_rev) return 0;
  if (rc == ATT_ENOTFOUND && s->cur_json == NULL) return 0;
  if (rc < 0 && rc != ATT_ENOTFOUND) return rc;
  return att__err(ATT_ECONFLICT,
                  "event %lld was changed by another writer since the plan was made; "
                  "nothing was changed (run the command again to see the new plan)",
                  (long long)s->id);
}

static int apply_step(att_store *st, const att_revert_step *s) {
  att_event ev;
  int rc = still(st, s);
  if (rc < 0) return rc;
  if (s->op == ATT_CHANGE_REMOVE) return att_store_remove(st, s->id);
  if ((rc = att_event_from_json(s->json, s->len, ATT_EV_STORED, &ev)) < 0)
    return att__errctx(rc, "the state of event %lld at revision %lld", (long long)s->id,
                       (long long)s->to_rev);
  ev.id = s->id;
  if (s->op == ATT_CHANGE_UPDATE) {
    ev.rev = s->cur_rev; /* refused if it moved on */
    rc = att_store_update(st, &ev);
  } else {
    rc = att_store_restore(st, &ev);
  }
  att_event_free(&ev);
  return rc;
}

int att_revert_apply(att_store *st, att_reversal *r, const char *reason) {
  size_t i;
  int rc;
  if (r->nsteps == 0 && r->nchanges == 0) return att__err(ATT_EINVAL, "nothing to reverse");
  if ((rc = att_store_set_reason(st, reason ? reason : r->reason)) < 0) return rc;
  if ((rc = att_store_begin(st)) == 0) {
    for (i = 0; i < r->nsteps && rc == 0; i++) {
      rc = apply_step(st, &r->steps[i]);
      if (rc < 0) rc = att__errctx(rc, "event %lld", (long long)r->steps[i].id);
    }
    if (rc == 0) rc = att_store_commit(st);
    else
      att_store_rollback(st);
  }
  att_store_set_reason(st, NULL);
  if (rc < 0) return rc;
  /* The changes just made: the newest of each event (the write lock is
   * released, so another writer may have come after; the batch tells). */
  for (i = 0; i < r->nsteps; i++) {
    att_change_filter f;
    att_change *v = NULL;
    size_t n = 0;
    att_change_filter_init(&f);
    f.id = r->steps[i].id;
    f.limit = 1;
    if (att_store_changes(st, &f, &v, &n) == 0 && n == 1) {
      r->steps[i].new_seq = v[0].seq;
      r->steps[i].new_rev = v[0].op == ATT_CHANGE_REMOVE ? 0 : v[0].rev;
      if (i == 0) r->new_batch = v[0].batch;
    }
    att_changes_free(v, n);
  }
  return 0;
}
