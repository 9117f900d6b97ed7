/*
 * Reminders (at.remind): for every event that matches, one entry in the
 * engine's queue per lead, for the next reminder of that lead only; when
 * it fires, the next one is queued (core/remind.h does the arithmetic,
 * recurring events included).  A change to an event re-plans its
 * reminders, or drops them when it is removed or no longer matches.
 *
 * What a reminder keeps per event is its id and the queue handle of each
 * lead, in an open-addressing table: about 16 + 8 x leads bytes, plus the
 * queue entries.  Everything else (the event's dates and rule) is read
 * from the store when an entry fires.  And only the reminders due up to a
 * horizon, ATT__REMIND_HORIZON ahead of the daemon's clock, are queued:
 * when the clock reaches the horizon, one queue entry moves it on by as
 * much and plans the events whose reminders fall in the new stretch,
 * found by a window query of the store (plus the recurring events), so
 * that memory follows the next four weeks, not the store's size.
 *
 * A date not known to the day ("early 2024") is reminded of honestly: the
 * default title names the date and its earliest day, and says it is not
 * yet known.  And each reminder asks, on the first of every month, about
 * the matching events whose date is still unknown and not yet past (one
 * more queue entry per reminder, kind 0), unless the store's setting
 * remind.ask-unknown is no; docs/daemon.md ("Dates still unknown").
 */
#include "daemon_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "settings.h"

#define EMPTY 0
#define GONE (-1)

static void queue_ask(att_daemon *d, att__job *j, att_time after);
static void queue_extend(att_daemon *d, att__job *j);

/* ---- the table: event id -> handles ------------------------------------ */

static size_t hash64(int64_t k) {
  uint64_t x = (uint64_t)k;
  x ^= x >> 33;
  x *= UINT64_C(0xff51afd7ed558ccd);
  x ^= x >> 33;
  return (size_t)x;
}

static long find(const att__remind *r, int64_t id) {
  size_t i;
  if (r->cap == 0) return -1;
  for (i = hash64(id) & (r->cap - 1);; i = (i + 1) & (r->cap - 1)) {
    if (r->keys[i] == id) return (long)i;
    if (r->keys[i] == EMPTY) return -1;
  }
}

/* Rehash into a table of ncap slots (a power of two). */
static int rehash(att__remind *r, size_t ncap) {
  size_t i, n = (size_t)r->spec.nleads;
  int64_t *nk;
  att_timeq_handle *nh;
  nk = calloc(ncap, sizeof *nk);
  nh = calloc(ncap * n, sizeof *nh);
  if (nk == NULL || nh == NULL) {
    free(nk);
    free(nh);
    return -1;
  }
  for (i = 0; i < r->cap; i++) {
    size_t k;
    if (r->keys[i] == EMPTY || r->keys[i] == GONE) continue;
    for (k = hash64(r->keys[i]) & (ncap - 1); nk[k] != EMPTY; k = (k + 1) & (ncap - 1)) {
    }
    nk[k] = r->keys[i];
    memcpy(&nh[k * n], &r->hs[i * n], n * sizeof *nh);
  }
  free(r->keys);
  free(r->hs);
  r->keys = nk;
  r->hs = nh;
  r->cap = ncap;
  r->used = r->live;
  return 0;
}

static int grow(att__remind *r) {
  /* mostly removed entries: rehash in place */
  return rehash(r, r->live * 4 < r->cap ? r->cap : r->cap ? r->cap * 2 : 64);
}

/* Room for `more` entries without a rehash (a scan plans them all). */
static int reserve(att__remind *r, size_t more) {
  size_t ncap = r->cap ? r->cap : 64;
  while ((r->used + more + 1) * 2 > ncap) ncap *= 2;
  return ncap == r->cap ? 0 : rehash(r, ncap);
}

/* Bring the slot where id would go into the cache ahead of time. */
static void prefetch(const att__remind *r, int64_t id) {
#if defined(__GNUC__)
  if (r->cap) {
    size_t i = hash64(id) & (r->cap - 1);
    __builtin_prefetch(&r->keys[i], 1);
    __builtin_prefetch(&r->hs[i * (size_t)r->spec.nleads], 1);
  }
#else
  (void)r, (void)id;
#endif
}

static long insert(att__remind *r, int64_t id) {
  size_t i;
  long at = find(r, id);
  if (at >= 0) return at;
  if ((r->used + 1) * 2 > r->cap && grow(r) != 0) return -1;
  for (i = hash64(id) & (r->cap - 1); r->keys[i] != EMPTY && r->keys[i] != GONE;
       i = (i + 1) & (r->cap - 1)) {
  }
  if (r->keys[i] == EMPTY) r->used++;
  r->keys[i] = id;
  memset(&r->hs[i * (size_t)r->spec.nleads], 0, (size_t)r->spec.nleads * sizeof *r->hs);
  r->live++;
  return (long)i;
}

/* Take the event's entries out of the queue and the table. */
static void drop(att_daemon *d, att__remind *r, int64_t id) {
  long at = find(r, id);
  size_t n = (size_t)r->spec.nleads;
  if (at < 0) return;
  for (size_t k = 0; k < n; k++)
    if (r->hs[(size_t)at * n + k]) att_timeq_remove(&d->q, r->hs[(size_t)at * n + k], NULL);
  r->keys[at] = GONE;
  r->live--;
}

/* If no lead of the slot has an entry left, free the slot. */
static void tidy(att__remind *r, long at) {
  size_t n = (size_t)r->spec.nleads;
  for (size_t k = 0; k < n; k++)
    if (r->hs[(size_t)at * n + k]) return;
  r->keys[at] = GONE;
  r->live--;
}

/* ---- memory counted against the owner's max-memory --------------------- */

static size_t table_bytes(size_t cap, int nleads) {
  return cap * (sizeof(int64_t) + (size_t)nleads * sizeof(att_timeq_handle));
}

/* The table of cap slots and, at most, one queue entry per lead of each
 * of the live events. */
static size_t want_bytes(const att__remind *r, size_t cap, size_t live) {
  return table_bytes(cap, r->spec.nleads) + live * (size_t)r->spec.nleads * ATT_DAEMON_QENTRY_BYTES;
}

/* The capacity reserve() gives for `more` entries. */
static size_t cap_for(const att__remind *r, size_t more) {
  size_t ncap = r->cap ? r->cap : 64;
  while ((r->used + more + 1) * 2 > ncap) ncap *= 2;
  return ncap;
}

size_t att__remind_plan_bytes(size_t n, int nleads) {
  size_t cap = 64;
  while ((n + 1) * 2 > cap) cap *= 2;
  return table_bytes(cap, nleads) + n * (size_t)nleads * ATT_DAEMON_QENTRY_BYTES;
}

void att__remind_reserved(att__job *j, size_t bytes) { j->rem->charged += bytes; }

/* Raise the reminder's charge to `want` bytes: 0, or -1 (the message set)
 * when the owner's max-memory has no room for them. */
static int charge_up(att__job *j, size_t want) {
  att__remind *r = j->rem;
  if (want <= r->charged) return 0;
  if (j->owner->s == NULL || att_script_mem_take(j->owner->s, want - r->charged) != 0) return -1;
  r->charged = want;
  return 0;
}

/* Bring the charge down to what the reminder holds now. */
static void settle(att__job *j) {
  att__remind *r = j->rem;
  size_t want = want_bytes(r, r->cap, r->live);
  if (r->charged <= want) return;
  if (j->owner->s) att_script_mem_give(j->owner->s, r->charged - want);
  r->charged = want;
}

att__remind *att__remind_new(void) {
  att__remind *r = calloc(1, sizeof *r);
  if (r) {
    att_remind_spec_init(&r->spec);
    r->where = r->message = LUA_NOREF;
    r->horizon = ATT_TIME_MIN; /* nothing planned before the first scan */
  }
  return r;
}

void att__remind_unplan(att_daemon *d, att__job *j) {
  att__remind *r = j->rem;
  if (r == NULL) return;
  if (att_timeq_size(&d->q) == 0) { /* the daemon is closing: nothing to take out */
    r->ask_h = r->ext_h = 0;
    if (r->cap) memset(r->keys, 0, r->cap * sizeof *r->keys);
    r->live = r->used = 0;
    settle(j);
    return;
  }
  for (size_t i = 0; i < r->cap; i++)
    if (r->keys[i] != EMPTY && r->keys[i] != GONE) drop(d, r, r->keys[i]);
  if (r->ask_h) att_timeq_remove(&d->q, r->ask_h, NULL);
  if (r->ext_h) att_timeq_remove(&d->q, r->ext_h, NULL);
  r->ask_h = r->ext_h = 0;
  settle(j);
}

void att__remind_free(att_daemon *d, att__job *j) {
  att__remind *r = j->rem;
  lua_State *L = j->owner->s ? att_script_L(j->owner->s) : NULL;
  if (r == NULL) return;
  att__remind_unplan(d, j);
  if (j->owner->s) att_script_mem_give(j->owner->s, r->charged);
  if (L && r->where != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, r->where);
  if (L && r->message != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, r->message);
  free(r->name);
  free(r->level);
  free(r->msgtext);
  free(r->kind);
  free(r->status);
  for (int k = 0; k < r->spec.nleads; k++) free(r->leads[k]);
  for (size_t k = 0; k < r->nactors; k++) free(r->actors[k]);
  for (size_t k = 0; k < r->ntags; k++) free(r->tags[k]);
  free(r->actors);
  free(r->tags);
  free(r->keys);
  free(r->hs);
  free(r);
  j->rem = NULL;
}

/* ---- matching and planning --------------------------------------------- */

static int in_list(const att_strv *v, const char *s) {
  for (size_t i = 0; i < v->n; i++)
    if (strcmp(v->v[i], s) == 0) return 1;
  return 0;
}

static int match_fields(const att__remind *r, const att_event *ev) {
  if (r->kind && (!ev->kind || strcmp(r->kind, ev->kind) != 0)) return 0;
  if (r->status && (!ev->status || strcmp(r->status, ev->status) != 0)) return 0;
  for (size_t i = 0; i < r->nactors; i++)
    if (!in_list(&ev->actors, r->actors[i])) return 0;
  for (size_t i = 0; i < r->ntags; i++)
    if (!in_list(&ev->tags, r->tags[i])) return 0;
  return 1;
}

typedef struct ev_ctx {
  int fn;
  int64_t id;
  const char *json;
  size_t len;
  const char *lead;
  const att_remind_hit *hit;
  int late;
} ev_ctx;

static int push_where(lua_State *L, void *ud) {
  ev_ctx *c = ud;
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->fn);
  attl_event_pushjson(L, c->id, c->json, c->len);
  return 1;
}

/* The span and rule of an event's when, recur and tz (the zone whose
 * local time the occurrences keep); 0, or -1 when it has nothing to
 * remind of. */
static int span_from(const char *when, const char *recur, const char *tz, att_span *sp,
                     att_rrule *rule, int *has_rule) {
  *has_rule = 0;
  if (att_span_from_edtf(when, sp) != 0) return -1;
  if (recur && *recur) {
    if (att_rrule_parse(recur, rule, NULL, 0) != 0 || att_rrule_set_tz(rule, tz) != 0) return -1;
    *has_rule = 1;
  }
  return 0;
}

static int span_of(const att_event *ev, att_span *sp, att_rrule *rule, int *has_rule) {
  return span_from(ev->when, ev->recur, ev->tz, sp, rule, has_rule);
}

/* A plain string value into buf: 1, 0 when null, -1 when only the
 * parser can read it (or it does not fit). */
static int copy_str(const char *v, size_t vl, char *buf, size_t cap) {
  const char *s;
  size_t n;
  int rc = att_scan_str(v, vl, &s, &n);
  if (rc != 1) return rc;
  if (n >= cap) return -1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  return 1;
}

/* `when` and `recur` of stored JSON, which come one after the other: 0,
 * or -1 when only the parser can read them. */
static int scan_when(const char *json, size_t len, char *when, size_t wcap, char *recur,
                     size_t rcap) {
  att_scan it;
  const char *k, *v;
  size_t kl, vl;
  int rc;
  att_scan_begin(&it, json, len);
  while ((rc = att_scan_next(&it, &k, &kl, &v, &vl)) == 1)
    if (kl == 4 && memcmp(k, "when", 4) == 0) break;
  if (rc != 1 || copy_str(v, vl, when, wcap) != 1) return -1;
  *recur = '\0';
  rc = att_scan_next(&it, &k, &kl, &v, &vl);
  if (rc < 0) return -1;
  if (rc == 1 && kl == 5 && memcmp(k, "recur", 5) == 0) {
    if (copy_str(v, vl, recur, rcap) < 0) return -1;
    /* A zone after it (the rule keeps its local time): the parser reads it. */
    rc = att_scan_next(&it, &k, &kl, &v, &vl);
    if (rc < 0 || (rc == 1 && kl == 2 && memcmp(k, "tz", 2) == 0)) return -1;
  }
  return 0;
}

/* span_of from the stored JSON.  A stored event was validated when it was
 * written, so its `when` and `recur` are read straight from the text
 * (parsing the whole event for them cost 90% of planning); the parser is
 * the fallback for text the scan cannot read.  0, -1 (nothing to remind
 * of), or -2 when the event does not read (message set). */
static int stored_span(const char *json, size_t len, att_span *sp, att_rrule *rule,
                       int *has_rule) {
  char when[ATT_DATE_MAX + 1], recur[512];
  att_event ev;
  int rc;
  if (scan_when(json, len, when, sizeof when, recur, sizeof recur) == 0)
    return span_from(when, recur, NULL, sp, rule, has_rule);
  att_event_init(&ev);
  if (att_event_from_json(json, len, ATT_EV_STORED, &ev) != 0) return -2;
  rc = span_of(&ev, sp, rule, has_rule);
  att_event_free(&ev);
  return rc;
}

/* Whether the reminder's where function (if any) takes the event: 1, 0,
 * or -1 when the call was stopped by a limit (budget, time, os.exit). */
static int where_ok(att_daemon *d, att__job *j, int64_t id, const char *json, size_t len) {
  att__remind *r = j->rem;
  ev_ctx c;
  att_script *s = j->owner->s;
  lua_State *L;
  int top, rc, ok;
  if (r->where == LUA_NOREF) return 1;
  L = att_script_L(s);
  top = lua_gettop(L); /* a registration from a callback: its frame */
  memset(&c, 0, sizeof c);
  c.fn = r->where;
  c.id = id;
  c.json = json;
  c.len = len;
  /* A filter only reads: a write from it would re-plan, call it again
   * and write again, without end (issue 12, finding 3). */
  att_script_readonly_enter(s, "a reminder's where function");
  rc = att__call(d, j->owner, push_where, &c, 1);
  ok = rc == 0 && lua_toboolean(L, -1);
  att_script_readonly_leave(s);
  lua_settop(L, top);
  if (rc == ATT_ERANGE || rc == ATT_SCRIPT_EXIT) return -1;
  return ok;
}

/* Plan the reminders of one event (its stored JSON) after `after`, up to
 * the horizon; a lead that has an entry queued already keeps it (the scan
 * that extends the horizon meets events planned before).  `matched`: the
 * store's query has already checked kind, status, actors and tags.  0, or
 * -1 when the where function was stopped by a limit of its call (budget,
 * time, os.exit): in a scan, the rest would fail too. */
static int plan_event(att_daemon *d, att__job *j, int64_t id, const char *json, size_t len,
                      att_time after, int matched) {
  att__remind *r = j->rem;
  att_span sp;
  att_rrule rule;
  att_remind_hit hits[ATT_REMIND_MAX_LEADS];
  int want[ATT_REMIND_MAX_LEADS];
  int has_rule, ok = 1, rc, nwant = 0;
  long at = -1;
  if (!matched) {
    att_event ev;
    att_event_init(&ev);
    if (att_event_from_json(json, len, ATT_EV_STORED, &ev) != 0) {
      att__log(d, ATT_LOG_ERROR, j->owner->name, "%s: event %lld does not read: %s", j->what,
               (long long)id, att_errmsg());
      return 0;
    }
    ok = match_fields(r, &ev);
    att_event_free(&ev);
    if (!ok) return 0;
  }
  if ((rc = stored_span(json, len, &sp, &rule, &has_rule)) != 0) {
    if (rc == -2)
      att__log(d, ATT_LOG_ERROR, j->owner->name, "%s: event %lld does not read: %s", j->what,
               (long long)id, att_errmsg());
    return 0;
  }
  /* The leads with a reminder to queue, before the where function: it
   * is asked only of events that have one within the horizon. */
  at = find(r, id);
  for (int k = 0; k < r->spec.nleads; k++) {
    want[k] = !(at >= 0 && r->hs[(size_t)at * (size_t)r->spec.nleads + (size_t)k]) &&
              att_remind_next_lead(&r->spec, &sp, has_rule ? &rule : NULL, k, after, &hits[k]) == 0 &&
              hits[k].at <= r->horizon;
    nwant += want[k];
  }
  if (nwant == 0) return 0;
  if ((ok = where_ok(d, j, id, json, len)) < 0) return -1;
  if (!ok || j->dead) return 0; /* (where is read-only: the table is as it was) */
  for (int k = 0; k < r->spec.nleads; k++) {
    const att_remind_hit *hit = &hits[k];
    if (!want[k]) continue;
    if (at < 0) {
      /* A new event: room for it within the owner's max-memory first. */
      size_t ncap = r->cap;
      if ((r->used + 1) * 2 > r->cap) ncap = r->live * 4 < r->cap ? r->cap : r->cap ? r->cap * 2 : 64;
      if (charge_up(j, want_bytes(r, ncap, r->live + 1)) != 0) {
        if (!r->full) {
          d->e->errors++;
          att__log(d, ATT_LOG_ERROR, j->owner->name, "%s: event %lld gets no reminders: %s",
                   j->what, (long long)id, att_errmsg());
        }
        r->full = 1;
        break;
      }
      r->full = 0;
      if ((at = insert(r, id)) < 0) break;
    }
    if (att_timeq_add(&d->q, hit->at, 1 + k, (uint64_t)id, j,
                      &r->hs[(size_t)at * (size_t)r->spec.nleads + (size_t)k]) != 0)
      break;
  }
  if (at >= 0) tidy(r, at); /* nothing queued after all */
  return 0;
}

/* The query of a reminder's filters (kind, status, actors, tags), by id. */
static void remind_query(const att__remind *r, att_query *q) {
  att_query_init(q);
  q->sort = ATT_SORT_ID;
  q->kind = r->kind;
  q->status = r->status;
  q->actors = (const char *const *)r->actors;
  q->nactors = r->nactors;
  q->tags = (const char *const *)r->tags;
  q->ntags = r->ntags;
}

/* The horizon of a planning from `after`: the later of it and the
 * clock, plus ATT__REMIND_HORIZON. */
static att_time horizon_of(att_daemon *d, att_time after) {
  att_time now = att__now(d), t = now > after ? now : after;
  return t > ATT_TIME_MAX - ATT__REMIND_HORIZON ? ATT_TIME_MAX : t + ATT__REMIND_HORIZON;
}

void att__remind_window(att_daemon *d, const att_remind_spec *spec, att_time after,
                        att_query *q) {
  att_remind_window(spec, after, horizon_of(d, after), &q->from, &q->to);
  q->within = att_remind_within(spec);
  q->recurring = !(q->from == ATT_TIME_MIN && q->to == ATT_TIME_MAX); /* else every event */
}

/* The events whose reminders may fall in (after, horizon], by id: those
 * whose dates meet the anchors such reminders count back from, and those
 * that recur. */
static int candidates(att_daemon *d, const att__remind *r, att_time after, int64_t **ids,
                      size_t *n) {
  att_query q;
  remind_query(r, &q);
  att__remind_window(d, &r->spec, after, &q);
  return att_store_query(d->e->store, &q, ids, n);
}

/* Plan every event whose reminders may fall in (after, horizon]. */
static void scan(att_daemon *d, att__job *j, att_time after) {
  att__remind *r = j->rem;
  int64_t *ids = NULL;
  char *text = NULL;
  size_t n = 0, i, planned = 0, textcap = 0;
  int stopped = 0;
  if (candidates(d, r, after, &ids, &n) != 0) {
    att__log(d, ATT_LOG_ERROR, j->owner->name, "%s: %s", j->what, att_errmsg());
    return;
  }
  /* The ids and the plan at most, within the owner's max-memory (mostly
   * taken when the reminder was registered, with the events then). */
  if (charge_up(j, want_bytes(r, cap_for(r, n), r->live + n) + n * sizeof *ids) != 0) {
    d->e->errors++;
    att__log(d, ATT_LOG_ERROR, j->owner->name, "%s: no reminders planned for %zu events: %s",
             j->what, n, att_errmsg());
    free(ids);
    settle(j);
    return;
  }
  if (reserve(r, n) != 0) {
    att__log(d, ATT_LOG_ERROR, j->owner->name, "%s: out of memory planning %zu events", j->what, n);
    free(ids);
    settle(j);
    return;
  }
  /* Each event's text is read into a buffer of the scan's own: the
   * candidates lie scattered over the records (at 10M events, 43,000 of
   * them 86 KB apart), where each first touch of the mapping was a page
   * fault; and where() may write to the store, so a copy is needed. */
  for (i = 0; i < n && !j->dead && !stopped; i++) {
    size_t len;
    if (i + 16 < n) prefetch(r, ids[i + 16]); /* the table is too big for the cache */
    if (att_store_json_copy(d->e->store, ids[i], &text, &textcap, &len) == 0) {
      stopped = plan_event(d, j, ids[i], text, len, after, 1) != 0 && r->where != LUA_NOREF;
      planned++;
    }
    if (att_interrupted()) break;
  }
  free(text);
  if (stopped) {
    d->e->errors++;
    att__log(d, ATT_LOG_ERROR, j->owner->name,
             "%s: planning stopped after %zu of %zu events: the where function reached the "
             "limits of the call (max-instructions, max-time)", j->what, planned, n);
  }
  free(ids);
  /* Most events may have nothing left to remind of: a sparse table
   * shrinks, and what it no longer holds is given back. */
  if (r->cap > 64 && (r->live + 1) * 8 <= r->cap) {
    size_t ncap = 64;
    while ((r->live + 1) * 2 > ncap) ncap *= 2;
    if (rehash(r, ncap) != 0) { /* keep the big table */
    }
  }
  settle(j);
  att__log(d, ATT_LOG_DEBUG, j->owner->name, "%s: %zu event%s with reminders", j->what,
           r->live, r->live == 1 ? "" : "s");
}

typedef struct scan_ctx {
  att_daemon *d;
  att__job *j;
  att_time after;
} scan_ctx;

static void queue_extend(att_daemon *d, att__job *j) {
  att__remind *r = j->rem;
  if (r == NULL || j->dead || r->ext_h || r->horizon == ATT_TIME_MAX) return;
  att_timeq_add(&d->q, r->horizon, ATT__REMIND_EXTEND, 0, j, &r->ext_h);
}

static int scan_fn(lua_State *L) {
  scan_ctx *c = lua_touserdata(L, 1);
  scan(c->d, c->j, c->after);
  return 0;
}

static int push_scan(lua_State *L, void *ud) {
  lua_pushcfunction(L, scan_fn);
  lua_pushlightuserdata(L, ud);
  return 1;
}

/*
 * A scan of a reminder.  Its where calls share one budget and one
 * deadline: those of the call that registered it (a callback), or else of
 * one call made for the scan (a main chunk's reminders are scanned once
 * it has loaded; each later stretch of the horizon), so that a where
 * function cannot spend a budget per event of the store.
 */
static void scan_call(att_daemon *d, att__job *j, att_time after) {
  att__remind *r = j->rem;
  scan_ctx c;
  if (r->where == LUA_NOREF || d->calling == j->owner || d->loading == j->owner) {
    scan(d, j, after);
    return;
  }
  c.d = d;
  c.j = j;
  c.after = after;
  att__call(d, j->owner, push_scan, &c, 0);
  d->callbacks--; /* the daemon's call, not a callback of the script */
}

/* The first scan, once. */
void att__remind_scan(att_daemon *d, att__job *j, att_time after) {
  att__remind *r = j->rem;
  if (r == NULL || r->scanned || j->dead) return;
  r->scanned = 1;
  queue_ask(d, j, after);
  r->horizon = horizon_of(d, after);
  scan_call(d, j, after);
  queue_extend(d, j);
}

/* The clock reached the horizon: move it on, and plan the events whose
 * reminders fall in the new stretch (those planned already keep their
 * entries).  Planning counts from the old horizon, not from the clock: a
 * reminder between the two, when the loop comes late, is late, not
 * lost. */
static void extend_fire(att_daemon *d, att__job *j, const att_timeq_item *it) {
  att__remind *r = j->rem;
  r->ext_h = 0;
  r->horizon = horizon_of(d, it->due);
  scan_call(d, j, it->due);
  if (!j->dead && j->rem) queue_extend(d, j);
}

void att__remind_change(att_daemon *d, att__job *j, const att__change *c) {
  drop(d, j->rem, c->id);
  if (c->op != ATT_CHANGE_REMOVE && c->cur)
    plan_event(d, j, c->id, c->cur, c->curlen, att__plan_after(d), 0);
  if (j->rem) settle(j);
}

/* ---- dates still unknown ------------------------------------------------- */

#define ASK_KIND 0 /* the queue entry of the monthly question; leads are 1.. */

/* Whether one side of a date (its start or its end) spans more than a
 * day: "early 2024", "2024-11", not "2024-11-05" nor an open end. */
static int unknown_day(const att_bounds *b) {
  return b->earliest != ATT_TIME_MIN && b->latest != ATT_TIME_MAX &&
         b->latest - b->earliest >= 86400;
}

/* The first instant of the month after the month of t (UTC). */
static att_time next_month(att_time t) {
  int64_t y;
  int m, dd;
  att_civil_from_days(t / 86400 - (t % 86400 < 0), &y, &m, &dd);
  if (++m > 12) m = 1, y++;
  return att_days_from_civil(y, m, 1) * 86400;
}

static void queue_ask(att_daemon *d, att__job *j, att_time after) {
  att__remind *r = j->rem;
  if (r == NULL || j->dead || r->ask_h || after == ATT_TIME_MAX) return;
  att_timeq_add(&d->q, next_month(after), ASK_KIND, 0, j, &r->ask_h);
}

/* The store's setting remind.ask-unknown, read each time (a change takes
 * effect at the next question); a damaged settings.json is logged and
 * counts as the default, yes. */
static int ask_on(att_daemon *d, att__job *j) {
  att_settings *set = NULL;
  const char *v;
  int on = 1;
  if (att_settings_load(att_store_dir(d->e->store), &set) != 0) {
    att__log(d, ATT_LOG_ERROR, j->owner->name, "%s: %s", j->what, att_errmsg());
    return 1;
  }
  v = att_settings_get(set, "remind.ask-unknown");
  if (v && strcmp(v, "no") == 0) on = 0;
  att_settings_free(set);
  return on;
}

/* The side of an event's date a reminder is anchored to, for the
 * questions: an approximate period ("early 2024", 2024-01~/2024-04~) is
 * one date not yet known, its whole span; a plain period (2024/2028) has
 * a start and an end of its own. */
static att_bounds ask_side(const att__remind *r, const char *when, const att_span *sp) {
  att_bounds b = r->spec.anchor == ATT_ANCHOR_END ? sp->end : sp->start;
  if (strchr(when, '/') && strpbrk(when, "~?%")) {
    b.earliest = sp->start.earliest;
    b.latest = sp->end.latest;
  }
  return b;
}

/* Ask about one event if its date is still unknown and not yet past. */
static int ask_event(att_daemon *d, att__job *j, int64_t id, const char *json, size_t len,
                     att_time due) {
  att__remind *r = j->rem;
  att_span sp;
  att_event ev;
  att_alert a;
  char human[ATT_DATE_HUMAN_MAX], key[400], month[40], title[1200];
  int ok, rc;
  att_bounds side;
  att_remind_hit hit;
  att_event_init(&ev);
  if (att_event_from_json(json, len, ATT_EV_STORED, &ev) != 0 || (ev.recur && *ev.recur) ||
      att_span_from_edtf(ev.when, &sp) != 0) {
    att_event_free(&ev);
    return 0;
  }
  side = ask_side(r, ev.when, &sp);
  /* Not known to the day, not yet past, and its first reminder has come
   * (the question follows the reminder: a policy ending in 2028 is not
   * asked about in 2024). */
  if (!unknown_day(&side) || side.latest < due ||
      att_remind_next(&r->spec, &sp, NULL, ATT_TIME_MIN, &hit) != 0 || hit.at > due) {
    att_event_free(&ev);
    att__errclear();
    return 0;
  }
  if ((ok = where_ok(d, j, id, json, len)) <= 0 || j->dead) {
    att_event_free(&ev);
    return ok;
  }
  if (att_date_human(ev.when, human, sizeof human) != 0) snprintf(human, sizeof human, "%s", ev.when);
  snprintf(title, sizeof title, "%s, %s: the date is still unknown", ev.title, human);
  att_event_free(&ev);
  att_time_format(due, month, sizeof month);
  month[7] = '\0';
  snprintf(key, sizeof key, "ask:%s:%lld:%s", r->name, (long long)id, month);
  if (d->e->alerts == NULL) {
    att__log(d, ATT_LOG_INFO, j->owner->name, "question %s (alerts are off)", key);
    return 0;
  }
  att_alert_init(&a);
  a.key = key;
  a.title = title;
  a.level = r->level ? r->level : (char *)"info";
  a.event = id;
  a.script = j->owner->name;
  a.at = due;
  a.late = due < d->start_now;
  rc = att_alerts_fire(d->e, &a, 0);
  if (rc == 1) d->alerts++;
  if (rc < 0)
    att__log(d, ATT_LOG_ERROR, j->owner->name, "%s: alert %s: %s", j->what, key, att_errmsg());
  return 0;
}

/* The monthly question: every matching event whose date is still unknown
 * to the day, then the next first of the month. */
static void ask_fire(att_daemon *d, att__job *j, const att_timeq_item *it) {
  att__remind *r = j->rem;
  att_query q;
  int64_t *ids = NULL;
  size_t n = 0;
  r->ask_h = 0;
  if (ask_on(d, j)) {
    remind_query(r, &q);
    /* Not yet past, and its first reminder has come: it starts by the
     * longest lead after now (see ask_event). */
    att_remind_window(&r->spec, it->due, it->due, &q.from, &q.to);
    q.from = it->due;
    if (att_store_query(d->e->store, &q, &ids, &n) != 0)
      att__log(d, ATT_LOG_ERROR, j->owner->name, "%s: %s", j->what, att_errmsg());
    char *copy = NULL;
    size_t copycap = 0;
    for (size_t i = 0; i < n && !j->dead; i++) {
      size_t len;
      /* where() may write to the store: read from a copy of the text */
      if (att_store_json_copy(d->e->store, ids[i], &copy, &copycap, &len) != 0) continue;
      if (ask_event(d, j, ids[i], copy, len, it->due) < 0) i = n;
    }
    free(copy);
    free(ids);
  }
  if (!j->dead && j->rem) queue_ask(d, j, it->due);
}

/* ---- firing -------------------------------------------------------------- */

static int push_message(lua_State *L, void *ud) {
  ev_ctx *c = ud;
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->fn);
  attl_event_pushjson(L, c->id, c->json, c->len);
  lua_pushstring(L, c->lead);
  lua_createtable(L, 0, 5);
  attl_instant_push(L, c->hit->at);
  lua_setfield(L, -2, "due");
  attl_instant_push(L, c->hit->occurrence);
  lua_setfield(L, -2, "occurrence");
  attl_instant_push(L, c->hit->anchor);
  lua_setfield(L, -2, "anchor");
  lua_pushboolean(L, c->late);
  lua_setfield(L, -2, "late");
  lua_pushstring(L, c->lead);
  lua_setfield(L, -2, "lead");
  return 3;
}

/* Queue the next reminder of lead k after `after`. */
static void requeue(att_daemon *d, att__job *j, int64_t id, int k, const att_span *sp,
                    const att_rrule *rule, att_time after) {
  att__remind *r = j->rem;
  att_remind_hit hit;
  long at = find(r, id);
  if (at < 0) return;
  if (att_remind_next_lead(&r->spec, sp, rule, k, after, &hit) == 0 && hit.at <= r->horizon)
    att_timeq_add(&d->q, hit.at, 1 + k, (uint64_t)id, j,
                  &r->hs[(size_t)at * (size_t)r->spec.nleads + (size_t)k]);
  tidy(r, at);
}

static void raise_alert(att_daemon *d, att__job *j, const char *title, int64_t id,
                        const att_remind_hit *hit, const char *leadtxt, int late) {
  att__remind *r = j->rem;
  char key[512], occ[40];
  att_alert a;
  int rc;
  att_time_format(hit->occurrence, occ, sizeof occ);
  snprintf(key, sizeof key, "remind:%s:%lld:%s:%s", r->name, (long long)id, occ, leadtxt);
  att_alert_init(&a);
  a.key = key;
  a.title = (char *)title;
  a.level = r->level ? r->level : (char *)"warn";
  a.event = id;
  a.script = j->owner->name;
  a.at = hit->at;
  a.late = late;
  if (d->e->alerts == NULL) {
    att__log(d, ATT_LOG_INFO, j->owner->name, "reminder %s (alerts are off)", key);
    return;
  }
  rc = att_alerts_fire(d->e, &a, 0);
  if (rc == 1) d->alerts++;
  if (rc < 0)
    att__log(d, ATT_LOG_ERROR, j->owner->name, "%s: alert %s: %s", j->what, key, att_errmsg());
  else
    att__log(d, ATT_LOG_DEBUG, j->owner->name, "%s: %s %s%s", j->what, key,
             rc == 1 ? "fired" : "had fired already", late ? " (late)" : "");
}

void att__remind_fire(att_daemon *d, att__job *j, const att_timeq_item *it) {
  att__remind *r = j->rem;
  int k = it->kind - 1, has_rule, late = it->due < d->start_now;
  int64_t id = (int64_t)it->id;
  long at = find(r, id);
  size_t len, copycap = 0;
  char *copy = NULL, leadtxt[64], *title = NULL, dflt[1200];
  att_event ev;
  att_span sp;
  att_rrule rule;
  att_remind_hit hit;
  att_time now = att__now(d);
  if (it->kind == ASK_KIND) {
    ask_fire(d, j, it);
    return;
  }
  if (it->kind == ATT__REMIND_EXTEND) {
    extend_fire(d, j, it);
    return;
  }
  if (at < 0 || k < 0 || k >= r->spec.nleads) return;
  r->hs[(size_t)at * (size_t)r->spec.nleads + (size_t)k] = 0;
  att_event_init(&ev);
  /* a copy, read alone (where the event lies in a big store, a page of
   * the mapping costs a fault): the message function may write */
  if (att_store_json_copy(d->e->store, id, &copy, &copycap, &len) != 0) {
    tidy(r, at);
    goto out;
  }
  if (att_event_from_json(copy, len, ATT_EV_STORED, &ev) != 0 ||
      span_of(&ev, &sp, &rule, &has_rule) != 0) {
    tidy(r, at);
    goto out;
  }
  /* The hit that is due now (the event is as planned: changes re-plan). */
  if (att_remind_next_lead(&r->spec, &sp, has_rule ? &rule : NULL, k, it->due - 1, &hit) != 0 ||
      hit.at != it->due) {
    requeue(d, j, id, k, &sp, has_rule ? &rule : NULL, now > it->due ? now : it->due - 1);
    goto out;
  }
  att_lead_text(&r->spec.leads[k], leadtxt, sizeof leadtxt);
  if (r->message != LUA_NOREF) {
    ev_ctx c;
    lua_State *L = att_script_L(j->owner->s);
    memset(&c, 0, sizeof c);
    c.fn = r->message;
    c.id = id;
    c.json = copy;
    c.len = len;
    c.lead = r->leads[k];
    c.hit = &hit;
    c.late = late;
    if (att__call(d, j->owner, push_message, &c, 1) == 0) {
      if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER) {
        title = strdup(lua_tostring(L, -1));
      } else if (lua_toboolean(L, -1)) {
        att__log(d, ATT_LOG_ERROR, j->owner->name,
                 "%s: message returned a %s; it returns a string (or nil: no alert)", j->what,
                 luaL_typename(L, -1));
        d->e->errors++;
      } else {
        lua_settop(L, 0);
        goto next; /* nil or false: no alert this time */
      }
    }
    lua_settop(L, 0);
    if (j->dead) goto out;
  } else if (r->msgtext) {
    title = strdup(r->msgtext);
  }
  if (title == NULL) {
    char when[ATT_DATE_MAX + 32];
    const att_bounds *side = r->spec.anchor == ATT_ANCHOR_END ? &sp.end : &sp.start;
    if (has_rule) att_time_day(hit.occurrence, when, sizeof when);
    else snprintf(when, sizeof when, "%s", ev.when);
    if (!has_rule && unknown_day(side)) {
      /* Not "in 2d": the date is not known, only its earliest (or
       * latest) day, which the reminder counts from. */
      char human[ATT_DATE_HUMAN_MAX], day[40];
      if (att_date_human(ev.when, human, sizeof human) != 0)
        snprintf(human, sizeof human, "%s", ev.when);
      att_time_day(hit.anchor, day, sizeof day);
      snprintf(dflt, sizeof dflt, "%s, %s (date not yet known): %s %s", ev.title, human,
               hit.anchor == side->earliest ? "earliest" : "latest", day);
    } else if (strcmp(leadtxt, "0") == 0) {
      snprintf(dflt, sizeof dflt, "%s: now (%s)", ev.title, when);
    } else {
      snprintf(dflt, sizeof dflt, "%s: in %s (%s)", ev.title, leadtxt, when);
    }
    title = strdup(dflt);
  }
  if (title) raise_alert(d, j, title, id, &hit, leadtxt, late);
next:
  if (!j->dead) requeue(d, j, id, k, &sp, has_rule ? &rule : NULL, now > it->due ? now : it->due);
out:
  if (j->rem) settle(j);
  free(title);
  free(copy);
  att_event_free(&ev);
}
