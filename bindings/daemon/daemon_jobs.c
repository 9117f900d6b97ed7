/*
 * The daemon's jobs: schedules (at.every, at.cron, at.at), rules (at.on)
 * and the queue of store changes that rules and reminders react to.
 *
 * A job belongs to one version of one script.  Cancelling a job only marks
 * it dead and takes its entries out of the engine's queue; the job itself
 * is freed by a sweep once no callback is running, because the code that
 * called the script may still hold it.  Store changes are copied when the
 * store reports them and dispatched after the callback that made them
 * returns, in order, never nested: a rule never runs inside another.
 */
#include "daemon_int.h"
#include "duration.h" /* att_duration_add */
#include "event_diff.h" /* at.on(op, {field = ...}, fn) */
#include "strbuf.h"     /* the state file's at.every lines */

#include <stdlib.h>
#include <string.h>

/* ---- the one way into a script ---------------------------------------- */

typedef struct tramp {
  att__pushfn push;
  void *ctx;
  int nres;
} tramp;

/* Runs protected: building the arguments may fail (the script's memory
 * cap), and must then be an error of the call, not a panic. */
static int trampoline(lua_State *L) {
  tramp *t = lua_touserdata(L, 1);
  int nargs;
  lua_settop(L, 0);
  nargs = t->push(L, t->ctx);
  lua_call(L, nargs, t->nres);
  return t->nres;
}

int att__call(att_daemon *d, att__dscript *ds, att__pushfn push, void *ctx, int nres) {
  lua_State *L = att_script_L(ds->s);
  tramp t;
  int rc;
  t.push = push;
  t.ctx = ctx;
  t.nres = nres;
  att__dscript *prev = d->calling;
  lua_pushcfunction(L, trampoline);
  lua_pushlightuserdata(L, &t);
  att__resume_mark(d);
  d->busy++;
  d->callbacks++;
  d->calling = ds; /* the changes it makes are charged to it */
  rc = att_script_call(ds->s, 1, nres);
  d->calling = prev;
  d->busy--;
  if (rc == ATT_SCRIPT_EXIT)
    att__log(d, ATT_LOG_INFO, ds->name, "os.exit(%d) ended the call",
             att_script_exit_code(ds->s));
  return rc;
}

/* ---- jobs --------------------------------------------------------------- */

att__job *att__job_new(att_daemon *d, att__dscript *ds, int type, int fnidx, const char *what) {
  lua_State *L = att_script_L(ds->s);
  /* The job and its entry in the queue count against the script's
   * max-memory: registering in a loop runs into the limit, not the
   * machine's (raises "not enough memory", nothing is registered). */
  size_t bytes = sizeof(att__job) + strlen(what) + 1 + ATT_DAEMON_QENTRY_BYTES;
  att__job *j;
  att_lua_mem_take(L, bytes);
  j = calloc(1, sizeof *j);
  if (j == NULL || (j->what = strdup(what)) == NULL) {
    free(j);
    att_script_mem_give(ds->s, bytes);
    luaL_error(L, "not enough memory");
    return NULL;
  }
  j->charged = bytes;
  j->type = type;
  j->id = ++d->next_id;
  j->owner = ds;
  j->fn = LUA_NOREF;
  if (fnidx) {
    lua_pushvalue(L, fnidx);
    j->fn = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  if (ds->last) ds->last->next = j;
  else ds->jobs = j;
  ds->last = j;
  ds->njobs[type]++;
  if (type == ATT__JOB_RULE) d->nrules++;
  if (type == ATT__JOB_REMIND) d->nremind++;
  return j;
}

static void job_free(att_daemon *d, att__job *j) {
  if (j->type == ATT__JOB_REMIND) att__remind_free(d, j);
  if (j->owner->s) att_script_mem_give(j->owner->s, j->charged);
  if (j->fn != LUA_NOREF && j->owner->s) luaL_unref(att_script_L(j->owner->s), LUA_REGISTRYINDEX, j->fn);
  free(j->what);
  free(j->fields);
  free(j);
}

void att__job_kill(att_daemon *d, att__job *j) {
  if (j->dead) return;
  j->dead = 1;
  j->owner->dirty = 1;
  j->owner->njobs[j->type]--;
  if (j->qh) att_timeq_remove(&d->q, j->qh, NULL);
  j->qh = 0;
  if (j->type == ATT__JOB_RULE) d->nrules--;
  if (j->type == ATT__JOB_REMIND) {
    att__remind_unplan(d, j);
    d->nremind--;
  }
}

int att__job_cancel(att_daemon *d, att__dscript *ds, uint64_t id) {
  att__job *j;
  for (j = ds->jobs; j; j = j->next)
    if (j->id == id) {
      if (j->dead) return 0;
      att__job_kill(d, j);
      return 1;
    }
  return 0;
}

void att__jobs_sweep(att_daemon *d, att__dscript *ds) {
  att__job **pp = &ds->jobs, *j;
  if (!ds->dirty || d->busy || d->draining) return;
  ds->last = NULL;
  while ((j = *pp) != NULL) {
    if (j->dead) {
      *pp = j->next;
      job_free(d, j);
    } else {
      ds->last = j;
      pp = &j->next;
    }
  }
  ds->dirty = 0;
}

void att__jobs_free(att_daemon *d, att__dscript *ds) {
  att__job *j, *next;
  for (j = ds->jobs; j; j = j->next) att__job_kill(d, j);
  for (j = ds->jobs; j; j = next) {
    next = j->next;
    job_free(d, j);
  }
  ds->jobs = ds->last = NULL;
  ds->dirty = 0;
}

/* ---- schedules -------------------------------------------------------- */

/* The first run of an at.every strictly after `after`: origin + k
 * intervals (k >= 1).  An interval of days and seconds is counted; one
 * of months is stepped, from the last run passed (anchor), as
 * att_duration_add steps (31 January, 29 February, 29 March). */
static int every_next(att__job *j, att_time after, att_time *due) {
  int64_t months = 0, secs = 0;
  att_time t, next;
  if (att_duration_norm(&j->every, &months, &secs) != 0) return -1;
  if (after < j->origin) after = j->origin;
  if (months == 0) {
    if (secs <= 0) return -1;
    if ((after - j->origin) / secs >= (ATT_TIME_MAX - j->origin) / secs - 1) return -1;
    *due = j->origin + ((after - j->origin) / secs + 1) * secs;
    return 0;
  }
  t = j->anchor && j->anchor <= after ? j->anchor : j->origin;
  for (long n = 0; n < 10000000; n++) {
    if (att_duration_add(t, &j->every, &next) != 0 || next <= t) return -1;
    if (next > after) {
      j->anchor = t;
      *due = next;
      return 0;
    }
    t = next;
  }
  return -1;
}

/* j's rank among its script's live at.every of the same interval: with
 * the script and the interval, what names it in the state file. */
static int every_rank(const att__job *j) {
  int rank = 0;
  for (const att__job *o = j->owner->jobs; o && o != j; o = o->next)
    if (o->type == ATT__JOB_EVERY && !o->dead && strcmp(o->what, j->what) == 0) rank++;
  return rank;
}

att_time att__every_origin(att_daemon *d, att__job *j, att_time from) {
  const char *p = d->every_state;
  int rank;
  if (d->started || p == NULL) return from;
  rank = every_rank(j);
  /* every TAB script TAB what TAB rank TAB origin */
  while (*p) {
    const char *e = strchr(p, '\n'), *f[5];
    size_t len = e ? (size_t)(e - p) : strlen(p), k = 0;
    char line[512];
    att_time t;
    if (len < sizeof line) {
      memcpy(line, p, len);
      line[len] = '\0';
      f[k++] = line;
      for (char *c = line; *c && k < 5; c++)
        if (*c == '\t') *c = '\0', f[k++] = c + 1;
      if (k == 5 && !strcmp(f[0], "every") && !strcmp(f[1], j->owner->name) && !strcmp(f[2], j->what) &&
          atoi(f[3]) == rank && att_time_parse(f[4], &t) == 0 && t <= from)
        return t;
    }
    p += len + (e != NULL);
  }
  return from;
}

void att__every_state(att_daemon *d, att__sb *b) {
  for (size_t i = 0; i < d->nscripts; i++) {
    const att__dscript *ds = d->scripts[i];
    for (const att__job *j = ds->jobs; j; j = j->next) {
      char ts[40];
      if (j->type != ATT__JOB_EVERY || j->dead || strchr(ds->name, '\t') || strchr(ds->name, '\n')) continue;
      att_time_format(j->origin, ts, sizeof ts);
      att__sb_f(b, "every\t%s\t%s\t%d\t%s\n", ds->name, j->what, every_rank(j), ts);
    }
  }
}

/* Queue the next run of a schedule strictly after `after`. */
void att__job_plan(att_daemon *d, att__job *j, att_time after) {
  att_time due;
  if (j->dead) return;
  switch (j->type) {
  case ATT__JOB_EVERY:
    if (every_next(j, after, &due) != 0 || due <= after) {
      att__log(d, ATT_LOG_WARN, j->owner->name, "%s: no next run after this", j->what);
      return;
    }
    break;
  case ATT__JOB_CRON:
    if (att_cron_next(&j->cron, after, &due) != 0) {
      att__log(d, ATT_LOG_WARN, j->owner->name, "%s: %s", j->what, att_errmsg());
      return;
    }
    break;
  case ATT__JOB_AT:
    due = j->at;
    if (due <= after) {
      att__log(d, ATT_LOG_WARN, j->owner->name, "%s: in the past; it does not run", j->what);
      att__job_kill(d, j);
      return;
    }
    break;
  default: return;
  }
  if (att_timeq_add(&d->q, due, 0, j->id, j, &j->qh) != 0) {
    att__log(d, ATT_LOG_ERROR, j->owner->name, "%s: cannot queue: %s", j->what, att_errmsg());
    j->qh = 0;
  }
}

typedef struct sched_ctx {
  att__job *j;
  att_time due, now;
  int late;
} sched_ctx;

static const char *const kind_names[] = {"every", "cron", "at", "rule", "remind"};

static int push_sched(lua_State *L, void *ud) {
  sched_ctx *c = ud;
  lua_rawgeti(L, LUA_REGISTRYINDEX, c->j->fn);
  lua_createtable(L, 0, 4);
  attl_instant_push(L, c->due);
  lua_setfield(L, -2, "due");
  attl_instant_push(L, c->now);
  lua_setfield(L, -2, "now");
  lua_pushboolean(L, c->late);
  lua_setfield(L, -2, "late");
  lua_pushstring(L, kind_names[c->j->type]);
  lua_setfield(L, -2, "kind");
  return 1;
}

/* The next run after one at `due` that ran at `now`: runs missed meanwhile
 * are not made up one by one (the late run stood for them).  A run due
 * exactly at `now` was not missed: it still runs (found by
 * tests/cli/serve_kill.sh: a daemon restarted at 12:00 made up a missed
 * noon job late, then skipped the one due at 12:00 that day). */
static void replan(att_daemon *d, att__job *j, att_time due, att_time now) {
  if (j->type == ATT__JOB_AT) {
    att__job_kill(d, j);
  } else if (j->type == ATT__JOB_EVERY) {
    att_time t = due, next;
    int n = 0;
    while (att_duration_add(t, &j->every, &next) == 0 && next > t && next < now && n < 100000) {
      t = next;
      n++;
    }
    att__job_plan(d, j, n < 100000 ? t : now);
  } else {
    att__job_plan(d, j, due >= now ? due : now - 1);
  }
}

void att__job_fire(att_daemon *d, const att_timeq_item *it) {
  att__job *j = it->data;
  sched_ctx c;
  if (j->type == ATT__JOB_REMIND) {
    att__remind_fire(d, j, it);
    return;
  }
  j->qh = 0;
  c.j = j;
  c.due = it->due;
  c.now = att__now(d);
  c.late = it->due < d->start_now;
  att__log(d, ATT_LOG_DEBUG, j->owner->name, "%s%s", j->what, c.late ? " (late)" : "");
  att__call(d, j->owner, push_sched, &c, 0);
  if (!j->dead) replan(d, j, it->due, att__now(d));
}

/* ---- store changes and rules ------------------------------------------ */

static char *dup_bytes(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

/* The script running now, whose writes these are (NULL: another
 * process's, seen by the poll). */
static att__dscript *writer(att_daemon *d) {
  att__dscript *ds = d->calling ? d->calling : d->loading;
  if (ds == NULL || ds->s == NULL) return NULL;
  if (ds->serial == 0) ds->serial = ++d->next_serial;
  return ds;
}

/* Give back what a dispatched change held to the script that made it, if
 * that version of it is still loaded. */
static void give_back(att_daemon *d, const att__change *c) {
  if (c->charged == 0) return;
  if (d->loading && d->loading->serial == c->by && d->loading->s) {
    att_script_mem_give(d->loading->s, c->charged);
    return;
  }
  for (size_t i = 0; i < d->nscripts; i++)
    if (d->scripts[i]->serial == c->by && d->scripts[i]->s) {
      att_script_mem_give(d->scripts[i]->s, c->charged);
      return;
    }
}

/* The store's change callback: keep a copy of both states, to dispatch
 * once the code that made the change has returned.  The copies count
 * against the writer's max-memory until then: a callback that writes in
 * a loop fills its own limit, not the machine.  A change that does not
 * fit is not dispatched (logged): its writer is out of memory anyway. */
void att__on_change(void *ud, int op, int64_t id, const char *old_json, size_t old_len) {
  att_daemon *d = ud;
  att__dscript *by;
  att__change *c;
  const char *cur;
  size_t curlen;
  att__http_changed(d, op, id); /* the web page's live updates */
  /* No rule or reminder to tell: dropped, once the daemon has started.
   * While it starts (the store open, the scripts loading) a change is
   * kept for the rules about to be set: a loading script's write brings
   * the store up to date, and what another process added since the
   * store was opened came in then (tests/cli/serve_startup.sh). */
  if (d->e->store == NULL || (d->started && d->nrules == 0 && d->nremind == 0)) return;
  /* Counted when made, not when dispatched: the rule calls that run
   * before the dispatch would otherwise multiply past the limit. */
  if (d->cur_depth >= 0) d->cascade++;
  if (d->npend == d->cappend) {
    size_t ncap = d->cappend ? d->cappend * 2 : 16;
    att__change *np = realloc(d->pend, ncap * sizeof *np);
    if (np == NULL) {
      att__log(d, ATT_LOG_ERROR, NULL, "out of memory: change to event %lld not dispatched",
               (long long)id);
      return;
    }
    d->pend = np;
    d->cappend = ncap;
  }
  c = &d->pend[d->npend];
  memset(c, 0, sizeof *c);
  c->op = op;
  c->id = id;
  c->depth = d->cur_depth + 1;
  if (old_json) c->old = dup_bytes(old_json, old_len), c->oldlen = old_len;
  if (op != ATT_CHANGE_REMOVE && att_store_json(d->e->store, id, &cur, &curlen) == 0)
    c->cur = dup_bytes(cur, curlen), c->curlen = curlen;
  if ((old_json && !c->old) || (op != ATT_CHANGE_REMOVE && !c->cur)) {
    free(c->old);
    free(c->cur);
    att__log(d, ATT_LOG_ERROR, NULL, "cannot read event %lld after its change; not dispatched",
             (long long)id);
    return;
  }
  if ((by = writer(d)) != NULL) {
    size_t n = 2 * sizeof *c + c->oldlen + c->curlen + 2;
    if (att_script_mem_take(by->s, n) != 0) {
      free(c->old);
      free(c->cur);
      if (d->dropped++ == 0) { /* once a turn: the writer goes on writing */
        d->e->errors++;
        att__log(d, ATT_LOG_ERROR, by->name,
                 "the change to event %lld is not dispatched to rules and reminders "
                 "(said once a turn): %s", (long long)id, att_errmsg());
      }
      return;
    }
    c->by = by->serial;
    c->charged = n;
  }
  d->npend++;
}

typedef struct rule_ctx {
  att__job *j;
  const att__change *c;
} rule_ctx;

static int push_rule(lua_State *L, void *ud) {
  rule_ctx *r = ud;
  const att__change *c = r->c;
  lua_rawgeti(L, LUA_REGISTRYINDEX, r->j->fn);
  if (c->op == ATT_CHANGE_REMOVE) attl_event_pushjson(L, c->id, c->old, c->oldlen);
  else attl_event_pushjson(L, c->id, c->cur, c->curlen);
  if (c->old) attl_event_pushjson(L, c->id, c->old, c->oldlen);
  else lua_pushnil(L);
  return 2;
}

static int stopping(const att_daemon *d) { return d->stop || att_interrupted(); }

/* Does the change touch one of the fields of rule j?  diff (computed
 * once for the change, on the first rule that asks: *have) holds the
 * fields that differ; "source" matches "source.url", and so on. */
static int fields_match(att_daemon *d, const att__job *j, const att__change *c, att_diff *diff,
                        int *have) {
  if (j->fields == NULL) return 1;
  if (!*have) {
    if (att_event_diff(c->old, c->oldlen, c->cur, c->curlen, diff) != 0) {
      att__log(d, ATT_LOG_ERROR, j->owner->name, "the change to event %lld: %s",
               (long long)c->id, att_errmsg());
      diff->v = NULL, diff->n = 0;
    }
    *have = 1;
  }
  for (const char *f = j->fields; *f; f += strlen(f) + 1) {
    size_t n = strlen(f);
    for (size_t i = 0; i < diff->n; i++) {
      const char *g = diff->v[i].field;
      if (strncmp(g, f, n) == 0 && (g[n] == '\0' || g[n] == '.')) return 1;
    }
  }
  return 0;
}

static void dispatch(att_daemon *d, const att__change *c) {
  size_t i;
  int rules = 1, have_diff = 0;
  att_diff diff = {NULL, 0};
  /* Whatever runs for this change, reminders included, makes changes one
   * level deeper (a where function may not write, but no path may start
   * a chain over at depth 0). */
  d->cur_depth = c->depth;
  /* Reminders follow every change, whoever made it. */
  for (i = 0; i < d->nscripts && !stopping(d); i++) {
    att__job *j, *end = d->scripts[i]->last;
    for (j = d->scripts[i]->jobs; j; j = j == end ? NULL : j->next)
      if (j->type == ATT__JOB_REMIND && !j->dead) att__remind_change(d, j, c);
  }
  if (c->depth > d->o.rule_depth || d->cascade > ATT_DAEMON_RULE_CASCADE) {
    rules = 0;
    if (!d->cascade_warned) {
      d->cascade_warned = 1;
      d->e->errors++;
      if (c->depth > d->o.rule_depth)
        att__log(d, ATT_LOG_ERROR, NULL,
                 "rules stopped: a chain of %d changes made by rules (event %lld); does a "
                 "rule change what it watches?", d->o.rule_depth, (long long)c->id);
      else
        att__log(d, ATT_LOG_ERROR, NULL,
                 "rules stopped: rules made more than %d changes in one turn (event %lld); "
                 "do rules make changes that fire them again?", ATT_DAEMON_RULE_CASCADE,
                 (long long)c->id);
    }
  }
  if (!rules) {
    d->cur_depth = -1;
    return;
  }
  for (i = 0; i < d->nscripts; i++) {
    att__dscript *ds = d->scripts[i];
    att__job *j, *end = ds->last;
    for (j = ds->jobs; j; j = j == end ? NULL : j->next) {
      rule_ctx r;
      if (j->type != ATT__JOB_RULE || j->dead || j->op != c->op) continue;
      if (!fields_match(d, j, c, &diff, &have_diff)) continue;
      r.j = j;
      r.c = c;
      att__call(d, ds, push_rule, &r, 0);
      if (stopping(d)) break; /* a signal: the changes left are dropped */
    }
  }
  att_diff_free(&diff);
  d->cur_depth = -1;
}

void att__drain(att_daemon *d) {
  size_t i;
  if (d->draining || d->busy) return;
  d->draining = 1;
  d->cascade = 0;
  d->cascade_warned = 0;
  while (d->headpend < d->npend) {
    att__change c = d->pend[d->headpend++];
    if (!stopping(d)) dispatch(d, &c); /* on a signal, the changes left are dropped */
    give_back(d, &c);
    free(c.old);
    free(c.cur);
  }
  d->npend = d->headpend = 0;
  d->dropped = 0;
  d->draining = 0;
  for (i = 0; i < d->nscripts; i++) att__jobs_sweep(d, d->scripts[i]);
}

/* At the end: the scripts are closed already, nothing is given back. */
void att__changes_free(att_daemon *d) {
  while (d->headpend < d->npend) {
    free(d->pend[d->headpend].old);
    free(d->pend[d->headpend].cur);
    d->headpend++;
  }
  free(d->pend);
  d->pend = NULL;
  d->npend = d->headpend = d->cappend = 0;
}
