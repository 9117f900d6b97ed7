/*
 * Queries for scripts, part of the attache.core module: core.select, the
 * cursor behind at.each, at.query and at.count (scripts/attache.lua),
 * and core.tally, the group counts behind at.tally.  A spec's options are
 * read by sel_parse, the core does every filter it can and sorts, and the
 * cursor hands the events out one at a time, calling a query's `where`
 * through lua_callk with a continuation (so that it may yield, and its
 * errors pass through as they are), a chunk ahead in id order when it
 * can ("Look-ahead" below).  docs/lua-api.md is the manual.
 */
#include "lua_util.h"
#include "lua_int.h"
#include "occur.h"
#include "tally.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cursor {
  att_store *st;
  int has_asof;  /* a query with as_of: its events are read as of asof */
  att_time asof;
  int64_t *ids;
  size_t n, pos;
  size_t taken; /* bytes of ids counted against the script's max-memory */
  att_occ *occ; /* an expanded query: the line of each id (core/occur.h) */
  int counted;  /* at.count's: n matches, no ids (att_store_count_query) */
  /* Look-ahead of cur:find (below): keep has a bit per id from keep_lo,
   * set for the events of the chunk [pos, chunk_end) that where has not
   * refused; the scan runs over its words [scan_w, scan_end). */
  int ahead;        /* 1: may look ahead; 0: not (stopped for good, or never) */
  int scanning;     /* where is being called on the chunk, in id order */
  uint64_t *keep;
  size_t keep_words, scan_w, scan_end;
  uint64_t scan_b;  /* the bits of keep[scan_w] not yet scanned */
  int64_t keep_lo, cur_id;
  size_t chunk;     /* the next chunk's size: AHEAD_FIRST, then the rest */
  size_t chunk_end; /* end of the chunk being scanned */
  size_t ahead_end; /* where has been called on [pos, ahead_end) */
  size_t *kept;     /* the positions in ids of those it kept, [ki, nkept) still to hand out */
  size_t nkept, ki, kept_cap;
  uint64_t epoch;   /* the store's at the start of the chunk */
} cursor;
#define AHEAD_FIRST 4096 /* the first chunk's size; the second is the rest */
#define AHEAD_MIN 256    /* fewer events left: where is called in order */

/* The cursor methods hold the cursor metatable as upvalue 1. */
static cursor *checkcursor(lua_State *L) {
  return attl_checkud(L, 1, 1, ATTL_CURSOR);
}

static const char *const sel_opts[] = {"from", "to",    "actor", "kind", "status", "tag",
                                       "text", "where", "sort",  "desc", "limit",  "expand",
                                       "as_of", NULL};

static const char *const sort_names[] = {"when",    "id",   "title",  "created",
                                         "updated", "kind", "status", "key", NULL};

/* Read as of the cursor's time (a query with as_of), and back to what
 * the store was read as before (was): the store is the script's, shared
 * by every query, and `attache run --as-of` may have set it. */
static int asof_begin(att_store *st, const cursor *c) {
  return c->has_asof ? att_store_asof(st, c->asof) : 0;
}

static void asof_end(att_store *st, const cursor *c, att_time was) {
  if (c->has_asof && att_store_asof_time(st) != was) att_store_asof(st, was);
}

/* A query error, with the name of the public function (each, query,
 * count) and no position: the Lua layer raises it at the caller's line. */
static int sel_error(lua_State *L, const char *fname, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  lua_pushfstring(L, "bad argument #1 to '%s' (", fname);
  lua_pushvfstring(L, fmt, ap);
  lua_pushliteral(L, ")");
  lua_concat(L, 3);
  va_end(ap);
  return lua_error(L);
}

/* A string or a list of strings (the option's value, at the stack top) as
 * an array, kept alive in the anchor table at index 4 until the call
 * returns. */
static const char *const *sel_list(lua_State *L, const char *fname, const char *opt,
                                   size_t *n) {
  const char **v;
  int t = lua_gettop(L);
  size_t k = lua_type(L, t) == LUA_TTABLE ? lua_rawlen(L, t) : 1;
  if (lua_type(L, t) != LUA_TSTRING && lua_type(L, t) != LUA_TTABLE)
    sel_error(L, fname, "option '%s' takes a string or a list of strings, got %s", opt,
              luaL_typename(L, t));
  v = lua_newuserdatauv(L, (k ? k : 1) * sizeof *v, 0);
  lua_rawseti(L, 4, (lua_Integer)lua_rawlen(L, 4) + 1);
  if (lua_type(L, t) == LUA_TSTRING) {
    v[0] = lua_tostring(L, t);
  } else {
    for (size_t i = 0; i < k; i++) {
      if (lua_rawgeti(L, t, (lua_Integer)i + 1) != LUA_TSTRING)
        sel_error(L, fname, "option '%s' takes a string or a list of strings", opt);
      v[i] = lua_tostring(L, -1); /* held by the table */
      lua_pop(L, 1);
    }
  }
  *n = k;
  return v;
}

/*
 * What a query may cost the core before it returns its matches, charged
 * before it runs: the candidates of an index filter (an actor, a tag, a
 * kind, a status) are checked one by one and may all fail, so each such
 * query may scan the whole store; a text filter reads every candidate
 * and scans its text once per word.  A query by dates alone reads the time classes,
 * whose candidates are about its matches (charged after).
 */
static uint64_t query_cost(att_store *st, const att_query *q) {
  uint64_t all, cost;
  if (!q->nactors && !q->ntags && !q->kind && !q->status && !q->text)
    return q->nactors + q->ntags + 1;
  all = att_store_count(st);
  if (all == UINT64_MAX) { /* damaged: the query reports it */
    att__errclear();
    all = 0;
  }
  cost = all + q->nactors + q->ntags + 1;
  if (q->text) {
    /* About 1.6 us an event on 20,000 (the event is read and its texts
     * searched): 100 instructions' worth, and more for long words. */
    uint64_t per = strlen(q->text) / 4 + 100;
    cost = all > UINT64_MAX / per ? UINT64_MAX : cost + all * per;
  }
  return cost;
}

static const char *sel_string(lua_State *L, const char *fname, const char *opt) {
  if (lua_type(L, -1) != LUA_TSTRING)
    sel_error(L, fname, "option '%s' takes a string, got %s", opt, luaL_typename(L, -1));
  return lua_tostring(L, -1);
}

/*
 * core.select(spec, fname) -> cursor, where, limit.  The core does every
 * filter it can and sorts; `where` and, when there is one, `limit` are
 * applied by the Lua layer.
 */
/* What a query's spec (index 1) asks, read by sel_parse. */
typedef struct sel_spec {
  att_query q;
  lua_Integer limit;
  int haswhere, expand, has_asof;
  att_time asof;
} sel_spec;

/* Read the spec at index 1 for the public function fname (each, query,
 * count, tally): its `where` goes to index 3, the strings of its lists
 * are anchored in the table at index 4.  A bad option raises. */
static void sel_parse(lua_State *L, const char *fname, sel_spec *x) {
  int isint;
  att_query_init(&x->q);
  x->limit = 0;
  x->haswhere = x->has_asof = 0;
  x->expand = 1;
  x->asof = ATT_TIME_MAX;
  if (lua_istable(L, 1)) {
    lua_pushnil(L);
    while (lua_next(L, 1)) {
      const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
      int opt = -1;
      for (int i = 0; k && sel_opts[i]; i++)
        if (strcmp(k, sel_opts[i]) == 0) opt = i;
      if (opt < 0)
        sel_error(L, fname,
                  "unknown option '%s'; options: from, to, actor, kind, status, tag, text, "
                  "where, sort, desc, limit, expand, as_of",
                  k ? k : luaL_typename(L, -2));
      switch (opt) {
      case 0: case 1: {
        attl_date d;
        int t = lua_type(L, -1);
        if (t != LUA_TSTRING && t != LUA_TNUMBER && t != LUA_TTABLE && !attl_date_test(L, -1))
          sel_error(L, fname, "option '%s' takes a date, got %s", k, luaL_typename(L, -1));
        if (attl_date_arg(L, -1, attl_now(L), &d, 1, fname) != 0)
          sel_error(L, fname, "option '%s': %s", k, att_errmsg());
        if (opt == 0) x->q.from = d.b.earliest;
        else x->q.to = d.b.latest;
        break;
      }
      case 2: x->q.actors = sel_list(L, fname, k, &x->q.nactors); break;
      case 5: x->q.tags = sel_list(L, fname, k, &x->q.ntags); break;
      case 3: x->q.kind = sel_string(L, fname, k); break;
      case 4: x->q.status = sel_string(L, fname, k); break;
      case 6: x->q.text = sel_string(L, fname, k); break;
      case 7:
        if (!lua_isfunction(L, -1))
          sel_error(L, fname, "option 'where' takes a function, got %s", luaL_typename(L, -1));
        lua_pushvalue(L, -1);
        lua_replace(L, 3);
        x->haswhere = 1;
        break;
      case 8: {
        const char *s = sel_string(L, fname, k);
        int code = -1;
        if (*s == '-') x->q.desc = 1, s++;
        for (int i = 0; sort_names[i]; i++)
          if (strcmp(s, sort_names[i]) == 0) code = i;
        if (code < 0)
          sel_error(L, fname, "sort by when, id, title, created, updated, kind, status or key "
                              "(a leading '-' sorts descending), not '%s'",
                    lua_tostring(L, -1));
        x->q.sort = code; /* the ATT_SORT_* codes follow sort_names */
        break;
      }
      case 9:
        if (lua_toboolean(L, -1)) x->q.desc = 1;
        break;
      case 11:
        if (!lua_isboolean(L, -1))
          sel_error(L, fname, "option 'expand' takes a boolean, got %s", luaL_typename(L, -1));
        x->expand = lua_toboolean(L, -1);
        break;
      case 12: {
        /* What the store held at the end of the time given (a day: once
         * every change of that day was made), as `--as-of` reads it. */
        attl_date d;
        int t = lua_type(L, -1);
        if (t != LUA_TSTRING && t != LUA_TNUMBER && t != LUA_TTABLE && !attl_date_test(L, -1))
          sel_error(L, fname, "option 'as_of' takes a date or time, got %s", luaL_typename(L, -1));
        if (attl_date_arg(L, -1, attl_now(L), &d, 1, fname) != 0)
          sel_error(L, fname, "option 'as_of': %s", att_errmsg());
        x->has_asof = 1;
        x->asof = d.b.latest;
        break;
      }
      default:
        x->limit = lua_tointegerx(L, -1, &isint);
        if (!isint || x->limit < 0)
          sel_error(L, fname, "option 'limit' takes a whole number from 0, got %s",
                    luaL_tolstring(L, -1, NULL));
        break;
      }
      lua_pop(L, 1);
    }
  }
}

static int l_select(lua_State *L) {
  const char *fname = luaL_optstring(L, 2, "query");
  sel_spec x;
  att_query q;
  att_store *st;
  int64_t *ids = NULL;
  size_t n = 0;
  lua_Integer limit;
  int haswhere, expand, has_asof;
  att_time asof, was;
  cursor *c;
  lua_settop(L, 2);
  if (!lua_isnil(L, 1) && !lua_istable(L, 1))
    sel_error(L, fname, "table expected, got %s", luaL_typename(L, 1));
  st = attl_store(L);
  lua_pushnil(L);  /* 3: where */
  lua_newtable(L); /* 4: anchors */
  sel_parse(L, fname, &x);
  q = x.q;
  limit = x.limit;
  haswhere = x.haswhere;
  expand = x.expand;
  has_asof = x.has_asof;
  asof = x.asof;
  if (!haswhere) q.limit = (size_t)limit;
  /* A count without `where` never looks at the order, so the matches are
   * not sorted, nor their sort keys read: by date, that read every
   * match's dates (at 1M events, at.count{kind = "visit"}, 78k matches:
   * 46 ms, 6.9 ms without). */
  if (!haswhere && strcmp(fname, "count") == 0) {
    q.unordered = 1;
    q.sort = ATT_SORT_ID;
    q.desc = 0;
  }
  /* The cursor first, in its closed state, so that the ids it is given
   * are freed by its finalizer whatever raises after the query. */
  c = lua_newuserdatauv(L, sizeof *c, 0);
  memset(c, 0, sizeof *c);
  luaL_setmetatable(L, ATTL_CURSOR);
  was = att_store_asof_time(st);
  if (has_asof) {
    /* Only the core's work runs as of that time (nothing that may raise
     * in between), and the cursor reads each event as of it too. */
    c->has_asof = 1;
    c->asof = asof;
  }
  /* With a window on both sides, the occurrences of recurring events in
   * it (core/occur.h); `where` then sees each line, so the Lua layer
   * applies it and the limit. */
  expand = expand && q.from != ATT_TIME_MIN && q.to != ATT_TIME_MAX;
  if (expand && q.unordered) {
    /* at.count without where: the occurrences' number, from the indexes
     * but for the recurring events (at 1M events, a year's count of a
     * status: 5.9 ms when its 37,247 matches were listed, 2.0 ms) */
    int qrc;
    att_lua_charge(L, query_cost(st, &q));
    if ((qrc = asof_begin(st, c)) == 0) qrc = att_occur_count(st, &q, &n);
    asof_end(st, c, was);
    if (qrc != 0) return luaL_error(L, "%s", att_errmsg());
    c->counted = 1;
  } else if (expand) {
    att_query cq = q;
    att_occ *occ = NULL;
    size_t nocc = 0;
    if (haswhere) q.limit = 0;
    int qrc;
    /* the candidates' dates, in a box freed whatever raises */
    att_bounds **bounds = (att_bounds **)attl_freebox(L);
    att_occur_candidates(&cq);
    att_lua_charge(L, query_cost(st, &cq));
    if ((qrc = asof_begin(st, c)) == 0) qrc = att_store_query_bounds(st, &cq, &ids, bounds, &n);
    asof_end(st, c, was);
    if (qrc != 0) return luaL_error(L, "%s", att_errmsg());
    c->ids = ids; /* freed by the cursor whatever raises now */
    att_lua_charge(L, n);
    if ((qrc = asof_begin(st, c)) == 0) qrc = att_occur_list(st, ids, *bounds, n, &q, &occ, &nocc);
    asof_end(st, c, was);
    free(*bounds);
    *bounds = NULL;
    lua_pop(L, 1);
    if (qrc != 0) return luaL_error(L, "%s", att_errmsg());
    c->occ = occ;
    free(ids);
    c->ids = ids = NULL;
    if (nocc && (ids = malloc(nocc * sizeof *ids)) == NULL) return luaL_error(L, "out of memory");
    for (size_t i = 0; i < nocc; i++) ids[i] = occ[i].id;
    n = nocc;
    c->taken += nocc * sizeof *occ;
    att_lua_mem_take(L, nocc * sizeof *occ);
  } else if (q.unordered) {
    /* at.count without where: the number, not the list */
    int qrc;
    att_lua_charge(L, query_cost(st, &q));
    if ((qrc = asof_begin(st, c)) == 0) qrc = att_store_count_query(st, &q, &n);
    asof_end(st, c, was);
    if (qrc != 0) return luaL_error(L, "%s", att_errmsg());
    c->counted = 1;
  } else {
    int qrc;
    att_lua_charge(L, query_cost(st, &q));
    if ((qrc = asof_begin(st, c)) == 0) qrc = att_store_query(st, &q, &ids, &n);
    asof_end(st, c, was);
    if (qrc != 0) return luaL_error(L, "%s", att_errmsg());
  }
  c->st = st;
  c->ids = ids;
  c->n = n;
  /* where looks ahead (find_k) unless the order is the snapshot's
   * already, or events are read as of a time; in chunks from
   * AHEAD_FIRST for at.each and with a limit, else all at once. */
  c->ahead = haswhere && ids && !c->occ && !has_asof && !(q.sort == ATT_SORT_ID && !q.desc);
  c->chunk = strcmp(fname, "each") == 0 || limit > 0 ? AHEAD_FIRST : SIZE_MAX;
  att_lua_charge(L, n); /* the core's work grows with the matches */
  /* The ids are the script's memory for as long as it keeps the cursor
   * (finding 4 of issue 12: 2.8 GB of cursors under a 1.4 MB heap). */
  if (ids != NULL) {
    att_lua_mem_take(L, n * sizeof *ids);
    c->taken += n * sizeof *ids;
  }
  lua_pushvalue(L, 3);
  if (haswhere && limit > 0) lua_pushinteger(L, limit);
  else lua_pushnil(L);
  return 3;
}

/* ---- methods ------------------------------------------------------------- */

/* Push the next event still in the store, or nil (returns 0).  The event
 * metatable is upvalue 2 of the cursor methods. */
static int cursor_push(lua_State *L, cursor *c) {
  int rc;
  while (c->ids && c->pos < c->n) {
    int64_t id = c->ids[c->pos++];
    /* Each step copies one event: charged, so that a loop of C calls
     * (cur:find with a C function as where) meets the deadline too. */
    att_lua_charge(L, 4);
    if (c->has_asof) {
      if (attl_event_pushid_asof(L, lua_upvalueindex(2), c->st, id, c->asof, &rc)) return 1;
      if (rc != ATT_ENOTFOUND) return luaL_error(L, "%s", att_errmsg());
      continue;
    }
    att_store_readahead(c->st, c->ids + c->pos - 1, c->n - c->pos + 1);
    if (attl_event_pushid_mt(L, lua_upvalueindex(2), c->st, id, &rc)) return 1;
    if (rc != ATT_ENOTFOUND) return luaL_error(L, "%s", att_errmsg());
  }
  lua_pushnil(L);
  return 0;
}

/* cursor:next() -> the next event still in the store, or nil */
static int c_next(lua_State *L) {
  cursor_push(L, checkcursor(L));
  return 1;
}

/*
 * Look-ahead.  In any order but the id's, the events of a query lie all
 * over the snapshot, whose records are in id order: a Lua filter over a
 * million events in date order spent more time waiting for memory than
 * running (0.82 s a pass, against 0.28 s by id).  So cur:find calls
 * where on a chunk of the events ahead in id order, keeps a bit for each
 * it accepts, and hands those out in the order asked (as a database
 * reads the rows an index found in the table's order: PostgreSQL's
 * bitmap heap scan).  at.each and a query with a limit take a first
 * chunk of AHEAD_FIRST events, then the rest: a loop left within the
 * first chunk has made at most AHEAD_FIRST calls.  A chunk must cover
 * much of the store for its records to be read in order: with where
 * keeping 78,000 of a million, a pass took 0.36 s in one chunk, 0.73 s
 * in chunks growing by 8 from 4,096 (the third, of 262,144 events, a
 * quarter of the store, read nearly at random), 0.82 s in order.  A
 * write to the store (the loop's, where's, anyone's) makes the verdicts
 * stale: the cursor then calls where in order from there on, as without
 * look-ahead.
 */

/* Is id's bit in keep set?  Cleared, in any case. */
static int keep_take(cursor *c, int64_t id) {
  uint64_t b = (uint64_t)(id - c->keep_lo), m = 1ull << (b & 63);
  int was = (c->keep[b >> 6] & m) != 0;
  c->keep[b >> 6] &= ~m;
  return was;
}

static void ahead_stop(lua_State *L, cursor *c) {
  if (c->keep) {
    att_script_mem_give(att_lua_script(L), c->keep_words * sizeof *c->keep);
    c->taken -= c->keep_words * sizeof *c->keep;
  }
  free(c->keep);
  c->keep = NULL;
  c->ahead = 0;
  c->scanning = 0;
  c->ahead_end = c->pos;
}

/* Start a chunk at pos when the cursor looks ahead: 1 if started. */
static int ahead_start(lua_State *L, cursor *c) {
  size_t left = c->n - c->pos, size, end, lw = SIZE_MAX, hw = 0;
  if (!c->ahead || !c->ids || left < AHEAD_MIN) return 0;
  if (!c->keep) {
    int64_t lo = c->ids[c->pos], hi = lo;
    for (size_t i = c->pos; i < c->n; i++) {
      if (c->ids[i] < lo) lo = c->ids[i];
      if (c->ids[i] > hi) hi = c->ids[i];
    }
    /* ids far sparser than a word per 64 events: in order */
    if ((uint64_t)(hi - lo) / 64 > left + 64) {
      c->ahead = 0;
      return 0;
    }
    c->keep_words = (size_t)((uint64_t)(hi - lo) / 64 + 1);
    att_lua_mem_take(L, c->keep_words * sizeof *c->keep);
    c->taken += c->keep_words * sizeof *c->keep;
    if (!(c->keep = calloc(c->keep_words, sizeof *c->keep))) return luaL_error(L, "out of memory");
    c->keep_lo = lo;
  }
  size = c->chunk < left ? c->chunk : left;
  c->chunk = SIZE_MAX;
  end = c->pos + size;
  for (size_t i = c->pos; i < end; i++) {
    size_t b = (size_t)(c->ids[i] - c->keep_lo), w = b >> 6;
    c->keep[w] |= 1ull << (b & 63);
    if (w < lw) lw = w;
    if (w > hw) hw = w;
  }
  att_lua_charge(L, size / 16);
  c->scan_w = lw;
  c->scan_b = c->keep[lw];
  c->scan_end = hw + 1;
  c->chunk_end = end;
  c->epoch = att_store_epoch(c->st);
  c->scanning = 1;
  return 1;
}

/* Push the next event of the chunk for where, in id order: 1, or 0 when
 * the scan is over (the chunk's verdicts then stand, unless the store
 * changed meanwhile). */
static int ahead_push(lua_State *L, cursor *c) {
  int rc;
  for (;;) {
    while (!c->scan_b && ++c->scan_w < c->scan_end) c->scan_b = c->keep[c->scan_w];
    if (!c->scan_b) break;
    c->cur_id = c->keep_lo + (int64_t)(c->scan_w * 64 + (size_t)__builtin_ctzll(c->scan_b));
    c->scan_b &= c->scan_b - 1;
    att_lua_charge(L, 4);
    if (attl_event_pushid_mt(L, lua_upvalueindex(2), c->st, c->cur_id, &rc)) return 1;
    if (rc != ATT_ENOTFOUND) return luaL_error(L, "%s", att_errmsg());
    keep_take(c, c->cur_id); /* removed since: not kept */
  }
  c->scanning = 0;
  if (att_store_epoch(c->st) != c->epoch) {
    ahead_stop(L, c);
    return 0;
  }
  /* The kept events' positions, in the order asked (the bits cleared
   * for the next chunk), so that they can be read ahead as handed out. */
  if (c->kept_cap < c->chunk_end - c->pos) {
    size_t cap = c->chunk_end - c->pos, *k;
    att_lua_mem_take(L, (cap - c->kept_cap) * sizeof *k);
    c->taken += (cap - c->kept_cap) * sizeof *k;
    if (!(k = realloc(c->kept, cap * sizeof *k))) return luaL_error(L, "out of memory");
    c->kept = k;
    c->kept_cap = cap;
  }
  c->nkept = c->ki = 0;
  for (size_t p = c->pos; p < c->chunk_end; p++)
    if (keep_take(c, c->ids[p])) c->kept[c->nkept++] = p;
  c->ahead_end = c->chunk_end;
  return 0;
}

/* where's verdict on the event ahead_push gave. */
static void ahead_verdict(cursor *c, int kept) {
  if (!kept && c->keep) keep_take(c, c->cur_id);
}

/* Push the next event of the chunk that where kept, in the order asked,
 * its successors' entries and records fetched ahead: 1, or 0 when none
 * is left (or the verdicts went stale: pos is then just after the last
 * one handed out). */
static int ahead_emit(lua_State *L, cursor *c) {
  int rc;
  if (att_store_epoch(c->st) != c->epoch) {
    ahead_stop(L, c);
    return 0;
  }
  while (c->ki < c->nkept) {
    int64_t next[16];
    size_t m = 0, p = c->kept[c->ki++];
    for (size_t j = c->ki - 1; j < c->nkept && m < 16; j++) next[m++] = c->ids[c->kept[j]];
    c->pos = p + 1;
    att_lua_charge(L, 4);
    att_store_readahead(c->st, next, m);
    if (attl_event_pushid_mt(L, lua_upvalueindex(2), c->st, c->ids[p], &rc)) return 1;
    if (rc != ATT_ENOTFOUND) return luaL_error(L, "%s", att_errmsg());
  }
  c->pos = c->ahead_end;
  return 0;
}

enum { K_INORDER, K_AHEAD };

/* The loop of cursor:find, entered with the last result of where on top
 * (and again after a yield inside where, as its continuation; ctx says
 * which call it was).  Stack: cursor, where, then the event and where's
 * result. */
static int find_k(lua_State *L, int status, lua_KContext ctx) {
  cursor *c = lua_touserdata(L, 1);
  (void)status;
  if (ctx == K_AHEAD) {
    ahead_verdict(c, lua_toboolean(L, -1));
  } else if (lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    return 1;
  }
  for (;;) {
    lua_settop(L, 2);
    if (c->scanning) {
      if (!ahead_push(L, c)) continue;
      lua_pushvalue(L, 2);
      lua_pushvalue(L, 3);
      lua_callk(L, 1, 1, K_AHEAD, find_k);
      ahead_verdict(c, lua_toboolean(L, -1));
      continue;
    }
    if (c->pos < c->ahead_end) {
      if (ahead_emit(L, c)) return 1;
      continue;
    }
    if (ahead_start(L, c)) continue;
    if (!cursor_push(L, c)) return 1;
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_callk(L, 1, 1, K_INORDER, find_k);
    if (lua_toboolean(L, -1)) {
      lua_pop(L, 1);
      return 1;
    }
  }
}

/* cursor:find(where) -> the next event still in the store for which
 * where(event) is true, or nil.  where is called as a Lua function would
 * call it: its errors pass through as they are, and it may yield. */
static int c_find(lua_State *L) {
  checkcursor(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_settop(L, 2);
  lua_pushboolean(L, 0);
  return find_k(L, LUA_OK, 0);
}

/* cursor:occurrence() -> the date (EDTF text) of the occurrence the last
 * event pushed stands for, or nil when it is an event itself; and
 * whether the cursor expands at all. */
static int c_occurrence(lua_State *L) {
  cursor *c = checkcursor(L);
  char text[2 * ATT_DATE_MAX + 2];
  const att_occ *o;
  lua_pushboolean(L, c->occ != NULL);
  if (!c->occ || c->pos == 0 || !c->ids) {
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
  }
  o = &c->occ[c->pos - 1];
  if (!o->recurring || att_occ_text(o->start, o->end, o->timed, text, sizeof text) != 0)
    lua_pushnil(L);
  else
    lua_pushstring(L, text);
  lua_insert(L, -2);
  return 2;
}

/* cursor:count() -> events left */
static int c_count(lua_State *L) {
  cursor *c = checkcursor(L);
  lua_pushinteger(L, (lua_Integer)(c->ids || c->counted ? c->n - c->pos : 0));
  return 1;
}

static int c_close(lua_State *L) {
  cursor *c = checkcursor(L);
  free(c->keep);
  c->keep = NULL;
  free(c->kept);
  c->kept = NULL;
  c->ahead = c->scanning = 0;
  c->ahead_end = c->nkept = c->ki = c->kept_cap = 0;
  free(c->ids);
  c->ids = NULL;
  free(c->occ);
  c->occ = NULL;
  if (c->taken) att_script_mem_give(att_lua_script(L), c->taken);
  c->taken = 0;
  return 0;
}

/* The counts, in a userdata that frees them when collected: building the
 * table from them may raise (out of the script's memory) and must not
 * leak them. */
static int tally_gc(lua_State *L) {
  att_tally_free(lua_touserdata(L, 1));
  return 0;
}

/* core.tally(spec, by1 [, by2]) -> {[v1] = n} or {[v1] = {[v2] = n}}: the
 * group counts of the query's events (core/tally.h), for at.tally. */
static int l_tally(lua_State *L) {
  static const char *const ignored[] = {"where", "sort", "desc", "limit", "expand", NULL};
  att_by by[2];
  size_t nby = lua_isnoneornil(L, 3) ? 1 : 2;
  sel_spec x;
  att_tally *tp;
  att_store *st;
  att_time was;
  size_t mem;
  int rc;
  for (size_t k = 0; k < nby; k++) {
    const char *b = lua_type(L, 2 + (int)k) == LUA_TSTRING ? lua_tostring(L, 2 + (int)k) : NULL;
    int found = -1;
    for (int i = 0; b && i < ATT_BY_N; i++)
      if (strcmp(b, att_by_names[i]) == 0) found = i;
    if (found < 0)
      return luaL_error(L, "bad argument #%d to 'tally' (count by actor, tag, kind, status, year or "
                           "month, not %s)",
                        2 + (int)k, b ? lua_pushfstring(L, "'%s'", b) : luaL_typename(L, 2 + (int)k));
    by[k] = (att_by)found;
  }
  if (nby == 2 && by[0] == by[1])
    return luaL_error(L, "bad argument #3 to 'tally' (counting by %s twice)", att_by_names[by[0]]);
  lua_settop(L, 1);
  if (!lua_isnil(L, 1) && !lua_istable(L, 1))
    sel_error(L, "tally", "table expected, got %s", luaL_typename(L, 1));
  for (int i = 0; lua_istable(L, 1) && ignored[i]; i++)
    if (lua_getfield(L, 1, ignored[i]) != LUA_TNIL)
      sel_error(L, "tally", "option '%s' is not one of tally's: from, to, actor, kind, status, tag, "
                            "text, as_of", ignored[i]);
    else
      lua_pop(L, 1);
  lua_pushliteral(L, "tally"); /* 2 */
  lua_pushnil(L);              /* 3: where */
  lua_newtable(L);             /* 4: anchors */
  st = attl_store(L);
  sel_parse(L, "tally", &x);
  /* Its work: the query's, then a pass over the matches and the postings;
   * its memory while it counts: the matches' ids, a bit per event, and
   * with two dimensions about 8 bytes per event (the postings gathered) */
  {
    uint64_t all = att_store_count(st);
    if (all == UINT64_MAX) all = 0; /* damaged: the query reports it */
    att_lua_charge(L, query_cost(st, &x.q) + all);
    mem = (size_t)all * (nby == 2 ? 17 : 9);
    att_lua_mem_take(L, mem);
  }
  tp = lua_newuserdatauv(L, sizeof *tp, 0);
  memset(tp, 0, sizeof *tp);
  if (luaL_newmetatable(L, "attache.tally")) {
    lua_pushcfunction(L, tally_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  was = att_store_asof_time(st);
  rc = x.has_asof ? att_store_asof(st, x.asof) : 0;
  if (rc == 0) rc = att_store_tally(st, &x.q, by, nby, tp);
  if (x.has_asof && att_store_asof_time(st) != was) att_store_asof(st, was);
  att_script_mem_give(att_lua_script(L), mem);
  if (rc != 0) return luaL_error(L, "%s", att_errmsg());
  lua_createtable(L, 0, (int)(tp->n < 1024 ? tp->n : 1024));
  for (size_t i = 0; i < tp->n; i++) {
    if (nby == 1) {
      lua_pushinteger(L, (lua_Integer)tp->rows[i].n);
      lua_setfield(L, -2, tp->rows[i].key[0]);
      continue;
    }
    if (lua_getfield(L, -1, tp->rows[i].key[0]) == LUA_TNIL) {
      lua_pop(L, 1);
      lua_newtable(L);
      lua_pushvalue(L, -1);
      lua_setfield(L, -3, tp->rows[i].key[0]);
    }
    lua_pushinteger(L, (lua_Integer)tp->rows[i].n);
    lua_setfield(L, -2, tp->rows[i].key[1]);
    lua_pop(L, 1);
  }
  att_tally_free(tp); /* now, not at the next collection */
  return 1;
}

static const luaL_Reg cursor_methods[] = {
    {"next", c_next}, {"find", c_find}, {"count", c_count}, {"occurrence", c_occurrence},
    {NULL, NULL}};

static const luaL_Reg cursor_meta[] = {{"__gc", c_close}, {"__close", c_close}, {NULL, NULL}};

/* The methods get the metatable as upvalue 1 and the event metatable as
 * upvalue 2. */
static void newmeta(lua_State *L, const char *name, const luaL_Reg *meta,
                    const luaL_Reg *methods) {
  if (luaL_newmetatable(L, name)) {
    luaL_setfuncs(L, meta, 0);
    attl_protect(L);
    lua_newtable(L);
    lua_pushvalue(L, -2);
    luaL_getmetatable(L, ATTL_EVENT);
    luaL_setfuncs(L, methods, 2);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
}

/* Add core.select and core.tally to the module table at the top, and
 * make the cursor metatable (its methods get it as upvalue 1 and the
 * event metatable as upvalue 2). */
void attl_open_query(lua_State *L) {
  static const luaL_Reg fns[] = {{"select", l_select}, {"tally", l_tally}, {NULL, NULL}};
  newmeta(L, ATTL_CURSOR, cursor_meta, cursor_methods);
  luaL_setfuncs(L, fns, 0);
}
