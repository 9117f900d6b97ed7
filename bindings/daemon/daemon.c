/*
 * The daemon's loop: the engine's clock and queue driven by libuv, the life
 * cycle of the scripts (load in name order, reload on change, drop on
 * delete), the state file that lets missed work be made up after a
 * restart, and the lock that keeps a second daemon off the store.
 *
 * libuv only wakes the engine: one timer (`wake`) set to the next due time
 * by att_clock_plan, a one-second timer that picks up changes other
 * processes made to the store, a watch on the scripts directory (debounced
 * by a timer), and signal handles that only set flags and wake the loop.
 * On a simulated clock nothing waits: the wake timer is re-armed at zero
 * until the run is over (in slices, so that a signal is still seen).
 */
#include "daemon_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alerts.h"
#include "strbuf.h"

#define SLICE 512           /* queue entries run before libuv looks around */
#define DEBOUNCE_MS 200     /* quiet time after a change to the scripts */
#define SCRIPT_MAX (16 << 20)
#define STATE_FILE "daemon.state"
#define LOCK_FILE "daemon.lock"

void att_daemon_opts_init(att_daemon_opts *o) {
  memset(o, 0, sizeof *o);
  o->mode = ATT_DAEMON_REAL;
  o->grace = ATT_DAEMON_GRACE_DEFAULT;
  o->use_state = 1;
  o->verbosity = ATT_VERB_NORMAL;
  o->rule_depth = ATT_DAEMON_RULE_DEPTH;
  o->watch = 1;
  o->http.slow_ms = -1;
}

/* ---- helpers for the other files ----------------------------------------- */

att_daemon *att__daemon_of(lua_State *L) {
  att_engine *e = att_lua_engine(L);
  return e ? e->daemon : NULL;
}

att__dscript *att__dscript_of(att_daemon *d, lua_State *L) {
  att_script *s = att_lua_script(L);
  if (d->loading && d->loading->s == s) return d->loading;
  for (size_t i = 0; i < d->nscripts; i++)
    if (d->scripts[i]->s == s) return d->scripts[i];
  return NULL;
}

att_time att__now(att_daemon *d) { return att_clock_now(&d->clock); }

att_time att__plan_from(att_daemon *d) { return d->started ? att__now(d) : d->base; }

att_time att__plan_after(att_daemon *d) {
  if (d->started) return att__now(d);
  return d->base_done ? d->base : d->base - 1;
}

static att_time engine_now(void *ud) { return att__now(ud); }

static void on_notice(void *ud, const char *msg) { att__log(ud, ATT_LOG_WARN, NULL, "%s", msg); }

/* What the store lets go of after a compaction (the replaced files, the
 * journal's events) is freed on libuv's thread pool: 20 to 30 ms at
 * 100,000 events, which the loop must not wait for (docs/performance.md). */
static void garbage_work(uv_work_t *w) { att_garbage_free(w->data); }

static void garbage_done(uv_work_t *w, int status) {
  if (status == UV_ECANCELED) att_garbage_free(w->data); /* never ran */
  free(w);
}

static void release(void *ud, att_garbage *g) {
  att_daemon *d = ud;
  uv_work_t *w = malloc(sizeof *w);
  if (w != NULL) w->data = g;
  if (w == NULL || uv_queue_work(&d->loop, w, garbage_work, garbage_done) != 0) {
    free(w);
    att_garbage_free(g);
  }
}

/* A no-op on the pool, at start: its threads are made before a request
 * would wait for that. */
static void nothing_work(uv_work_t *w) { (void)w; }
static void nothing_done(uv_work_t *w, int status) {
  (void)status;
  free(w);
}

static char *path_join(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s", a, b);
  return p;
}

/* ---- the lock and the state file ---------------------------------------- */

static int take_lock(att_daemon *d) {
  char *p = path_join(d->store_dir, LOCK_FILE), buf[32];
  int fd;
  ssize_t n;
  if (p == NULL) return att__err(ATT_ENOMEM, "out of memory");
  fd = att_store_file(d->store_dir, LOCK_FILE, O_RDWR | O_CREAT, 0600);
  if (fd < 0) {
    free(p);
    return fd;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    n = pread(fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    att__err(ATT_EBUSY, "another 'attache serve' is running on the store %s%s%s%s; stop it "
                        "first (one daemon per store)",
             d->store_dir, buf[0] ? " (pid " : "", buf, buf[0] ? ")" : "");
    close(fd);
    free(p);
    return ATT_EBUSY;
  }
  n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
  if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n) { /* only informative */
  }
  free(p);
  d->lockfd = fd;
  return 0;
}

/* The last instant the previous run processed fully; 0 and *t, or -1.
 * Its at.every origins go to d->every_state (att__every_origin). */
static int read_state(att_daemon *d, att_time *t) {
  char line[1024];
  att__sb ev = {0};
  int fd = att_store_file(d->store_dir, STATE_FILE, O_RDONLY, 0), rc = -1;
  FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
  if (f == NULL) {
    if (fd >= 0) close(fd);
    else if (fd != ATT_EIO || errno != ENOENT) att__log(d, ATT_LOG_WARN, NULL, "%s", att_errmsg());
    return -1;
  }
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    if (strncmp(line, "processed ", 10) == 0 && att_time_parse(line + 10, t) == 0) rc = 0;
    else if (strncmp(line, "every\t", 6) == 0) att__sb_f(&ev, "%s\n", line);
  }
  fclose(f);
  free(d->every_state);
  d->every_state = ev.oom ? NULL : ev.p;
  if (ev.oom) free(ev.p);
  if (rc != 0) att__log(d, ATT_LOG_WARN, NULL, "%s: unreadable; ignored", d->state_path);
  return rc;
}

/* Written whole or not at all: a temporary file, synced, renamed. */
static void write_state(att_daemon *d, att_time t) {
  char ts[40], *tmp, *body;
  att__sb b = {0};
  int fd, n, ok;
  if (!d->o.use_state || t == d->saved) return;
  att_time_format(t, ts, sizeof ts);
  att__sb_f(&b, "attache daemon state 1\nprocessed %s\n", ts);
  att__every_state(d, &b); /* each at.every's origin: its phase goes on */
  if (b.oom || (tmp = malloc(strlen(d->state_path) + 5)) == NULL) {
    free(b.p);
    return;
  }
  body = b.p;
  n = (int)b.n;
  sprintf(tmp, "%s.tmp", d->state_path);
  fd = att_store_file(d->store_dir, STATE_FILE ".tmp", O_WRONLY | O_EXCL, 0600);
  ok = fd >= 0 && write(fd, body, (size_t)n) == n && fsync(fd) == 0;
  if (fd >= 0) close(fd);
  if (ok && rename(tmp, d->state_path) == 0) {
    int dfd = open(d->store_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      if (fsync(dfd) != 0) { /* the rename stands; only its durability is unsure */
      }
      close(dfd);
    }
    d->saved = t;
  } else {
    att__log(d, ATT_LOG_ERROR, NULL, "cannot write %s: %s", d->state_path, strerror(errno));
    unlink(tmp);
  }
  free(tmp);
  free(body);
}

/* Everything due up to the returned instant has been run. */
/* SIGINT and SIGTERM reach the loop through this handle (watchdog.c calls
 * uv_async_send from the signal handler); one daemon runs per process. */
static uv_async_t stop_async;
/* The due time of a job that a stop signal cut short (0: none): it was not
 * done, so the state file must not say so. */
static att_time cut_due;

static att_time processed(att_daemon *d) {
  att_timeq_item it;
  att_time now = att__now(d), p = now;
  if (att_timeq_peek(&d->q, &it) == 0 && it.due <= now) p = it.due - 1;
  if (cut_due && cut_due - 1 < p) p = cut_due - 1;
  return p;
}

void att__resume_mark(att_daemon *d) {
  att_time p;
  if (d->busy) return; /* a nested call: the outer one's mark stands */
  if (!d->started) {
    /* Loading at start-up: nothing after base is done yet. */
    p = d->base_done ? d->base : d->base - 1;
  } else {
    p = processed(d);
    if (d->firing_due && d->firing_due - 1 < p) p = d->firing_due - 1;
  }
  d->resume = p;
}

/* ---- scripts -------------------------------------------------------------- */

static void file_sig(const struct stat *sb, int64_t sig[4]) {
  sig[0] = (int64_t)sb->st_ino;
  sig[1] = (int64_t)sb->st_size;
  sig[2] = (int64_t)sb->st_mtim.tv_sec;
  sig[3] = (int64_t)sb->st_mtim.tv_nsec;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t cap = 0, n = 0;
  if (f == NULL) return NULL;
  for (;;) {
    size_t got;
    if (n == cap) {
      char *nb;
      if (cap >= SCRIPT_MAX) break;
      cap = cap ? cap * 2 : 8192;
      if ((nb = realloc(buf, cap)) == NULL) break;
      buf = nb;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) {
      if (ferror(f)) break;
      fclose(f);
      *len = n;
      return buf ? buf : calloc(1, 1);
    }
  }
  fclose(f);
  free(buf);
  return NULL;
}

static void dscript_free(att_daemon *d, att__dscript *ds) {
  if (ds == NULL) return;
  att__jobs_free(d, ds);
  att_script_free(ds->s);
  free(ds->name);
  free(ds->path);
  free(ds);
}

static long script_index(att_daemon *d, const char *name) {
  for (size_t i = 0; i < d->nscripts; i++)
    if (strcmp(d->scripts[i]->name, name) == 0) return (long)i;
  return -1;
}

/* Put ds in the table in name order, replacing a script of the same name. */
static int put_script(att_daemon *d, att__dscript *ds) {
  long at = script_index(d, ds->name);
  size_t i;
  att__dscript **nv;
  if (at >= 0) {
    dscript_free(d, d->scripts[at]);
    d->scripts[at] = ds;
    return 0;
  }
  if ((nv = realloc(d->scripts, (d->nscripts + 1) * sizeof *nv)) == NULL) return -1;
  d->scripts = nv;
  for (i = d->nscripts; i > 0 && strcmp(nv[i - 1]->name, ds->name) > 0; i--) nv[i] = nv[i - 1];
  nv[i] = ds;
  d->nscripts++;
  return 0;
}

static void summary(const att__dscript *ds, char *buf, size_t cap) {
  static const char *const names[] = {"every", "cron", "at", "rule", "reminder"};
  size_t n = 0;
  buf[0] = '\0';
  for (int t = 0; t < ATT__JOB_NTYPES; t++)
    if (ds->njobs[t] && n < cap)
      n += (size_t)snprintf(buf + n, cap - n, "%s%d %s", n ? ", " : "", ds->njobs[t], names[t]);
  if (n == 0) snprintf(buf, cap, "nothing registered");
}

/* What a script writes is made by "rule:NAME.lua" (docs/history.md). */
static int set_author(att__dscript *ds) {
  char who[300];
  snprintf(who, sizeof who, "rule:%s", ds->name);
  return att_script_set_author(ds->s, who);
}

/*
 * Load (or reload) one script.  Its main chunk runs with d->loading set, so
 * that what it registers belongs to the new version; only when the chunk
 * succeeds does the new version replace the old one.
 */
static void load_script(att_daemon *d, const char *name, const struct stat *sb) {
  long old = script_index(d, name);
  att__dscript *ds = calloc(1, sizeof *ds), *prev = old >= 0 ? d->scripts[old] : NULL;
  char *code = NULL, chunk[300], info[200];
  size_t len = 0;
  int rc = -1, reloaded;
  if (ds == NULL || (ds->name = strdup(name)) == NULL ||
      (ds->path = path_join(d->o.scripts_dir, name)) == NULL) {
    att__log(d, ATT_LOG_ERROR, name, "out of memory");
    dscript_free(d, ds);
    return;
  }
  file_sig(sb, ds->sig);
  if ((code = slurp(ds->path, &len)) == NULL) {
    att__log(d, ATT_LOG_ERROR, name, "cannot read %s: %s", ds->path, strerror(errno));
  } else if ((ds->s = att_script_new(d->e, ds->path)) == NULL) {
    att__log(d, ATT_LOG_ERROR, name, "%s", att_errmsg());
  } else if (set_author(ds) != 0) {
    att__log(d, ATT_LOG_ERROR, name, "%s", att_errmsg());
  } else {
    snprintf(chunk, sizeof chunk, "@%s", name);
    if (att_script_load_string(ds->s, code, len, chunk) != 0) {
      att__log(d, ATT_LOG_ERROR, name, "%s", att_errmsg());
      d->e->errors++;
    } else {
      d->loading = ds;
      att__resume_mark(d);
      d->busy++;
      rc = att_script_call(ds->s, 0, 0);
      d->busy--;
      d->loading = NULL;
      if (rc == ATT_SCRIPT_EXIT) {
        att__log(d, ATT_LOG_ERROR, name, "the script called os.exit while loading");
        d->e->errors++;
      }
    }
  }
  free(code);
  if (rc != 0) {
    d->load_errors++;
    if (d->o.report) d->o.report->load_errors++; /* not a quarantine: a failure */
    if (prev && prev->s) {
      memcpy(prev->badsig, ds->sig, sizeof ds->sig);
      att__log(d, ATT_LOG_ERROR, name, "not reloaded: the previous version keeps running");
      dscript_free(d, ds);
    } else {
      /* Kept without a state, to know this version was refused. */
      att__jobs_free(d, ds);
      att_script_free(ds->s);
      ds->s = NULL;
      memcpy(ds->badsig, ds->sig, sizeof ds->sig);
      memset(ds->sig, 0, sizeof ds->sig);
      if (put_script(d, ds) != 0) dscript_free(d, ds);
    }
    return;
  }
  reloaded = prev && prev->s; /* put_script frees prev */
  if (put_script(d, ds) != 0) {
    att__log(d, ATT_LOG_ERROR, name, "out of memory");
    dscript_free(d, ds);
    return;
  }
  for (att__job *j = ds->jobs; j; j = j->next)
    if (j->type == ATT__JOB_REMIND && !j->dead) att__remind_scan(d, j, att__plan_after(d));
  d->loaded++;
  summary(ds, info, sizeof info);
  att__log(d, ATT_LOG_INFO, name, "%s (%s)", reloaded ? "reloaded" : "loaded", info);
}

/* The version of `name` that was stuck before a restart: kept without a
 * state, like a version that failed to load, until its file changes. */
static void quarantine(att_daemon *d, const char *name, const int64_t sig[4]) {
  att__dscript *ds = calloc(1, sizeof *ds);
  if (ds == NULL || (ds->name = strdup(name)) == NULL ||
      (ds->path = path_join(d->o.scripts_dir, name)) == NULL || put_script(d, ds) != 0) {
    dscript_free(d, ds);
    return;
  }
  memcpy(ds->badsig, sig, sizeof ds->badsig);
  ds->quarantined = 1;
  d->load_errors++;
  att__log(d, ATT_LOG_ERROR, name, "not loaded: this version was stuck inside a C function past "
                                   "its time limit, and the daemon restarted without it; it loads "
                                   "again when its file changes");
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_script(const char *n) {
  size_t l = strlen(n);
  return l > 4 && n[0] != '.' && strcmp(n + l - 4, ".lua") == 0;
}

/* Bring the loaded scripts in line with the directory; force: reload
 * every script (SIGHUP). */
static void rescan(att_daemon *d, int force) {
  DIR *dir = opendir(d->o.scripts_dir);
  struct dirent *de;
  char **names = NULL;
  size_t n = 0, cap = 0, i;
  if (dir == NULL) {
    att__log(d, ATT_LOG_ERROR, NULL, "cannot read the scripts directory %s: %s",
             d->o.scripts_dir, strerror(errno));
    return;
  }
  while ((de = readdir(dir)) != NULL) {
    if (!is_script(de->d_name)) continue;
    if (n == cap) {
      char **nv = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof *nv);
      if (nv == NULL) break;
      names = nv;
    }
    if ((names[n] = strdup(de->d_name)) != NULL) n++;
  }
  closedir(dir);
  if (n) qsort(names, n, sizeof *names, by_name);
  /* Scripts that are gone. */
  for (i = d->nscripts; i-- > 0;) {
    att__dscript *ds = d->scripts[i];
    if (n && bsearch(&ds->name, names, n, sizeof *names, by_name)) continue;
    if (ds->s) att__log(d, ATT_LOG_INFO, ds->name, "removed: its schedules, rules and "
                                                   "reminders are dropped");
    dscript_free(d, ds);
    memmove(&d->scripts[i], &d->scripts[i + 1], (d->nscripts - i - 1) * sizeof *d->scripts);
    d->nscripts--;
  }
  for (i = 0; i < n; i++) {
    struct stat sb;
    char *p = path_join(d->o.scripts_dir, names[i]);
    long at = script_index(d, names[i]);
    int64_t sig[4];
    if (p && stat(p, &sb) == 0 && S_ISREG(sb.st_mode)) {
      file_sig(&sb, sig);
      if (at < 0 && att__restart_quarantined(d, names[i], sig))
        quarantine(d, names[i], sig);
      else if (at < 0 || (force && d->scripts[at]->s) ||
          (memcmp(sig, d->scripts[at]->sig, sizeof sig) != 0 &&
           memcmp(sig, d->scripts[at]->badsig, sizeof sig) != 0))
        load_script(d, names[i], &sb);
    }
    free(p);
    free(names[i]);
    /* (at start-up the changes wait for every script's rules: the last
     * script may set the rule that a change made while the first loaded
     * is for; the daemon drains them once all have loaded) */
    if (d->started) att__drain(d);
  }
  free(names);
}

/* ---- the loop ------------------------------------------------------------- */

static void on_closed(uv_handle_t *h) {
  att_daemon *d = h->data;
  d->nhandles--;
}

static void close_handle(uv_handle_t *h) {
  if (h->data == NULL || uv_is_closing(h)) return;
  uv_close(h, on_closed);
}

static void shutdown_loop(att_daemon *d) {
  if (d->finished) return;
  d->finished = 1;
  att_alerts_detach(d->e); /* its transfers and timers leave the loop */
  att__http_stop(d);
  close_handle((uv_handle_t *)&d->wake);
  close_handle((uv_handle_t *)&d->poll);
  close_handle((uv_handle_t *)&d->debounce);
  close_handle((uv_handle_t *)&d->watch);
  for (int i = 0; i < 3; i++) close_handle((uv_handle_t *)&d->sig[i]);
  close_handle((uv_handle_t *)&stop_async);
}

static void on_wake(uv_timer_t *t);

static void kick(att_daemon *d) {
  if (!d->finished) uv_timer_start(&d->wake, on_wake, 0, 0);
}

static void step(att_daemon *d) {
  int n = 0, fired = 0;
  if (d->e->alerts) att_alerts_poll(d->e);
  if (att_interrupted()) d->stop = 1;
  if (d->stop) {
    att__log(d, ATT_LOG_INFO, NULL, "stopping on a signal");
    write_state(d, processed(d));
    shutdown_loop(d);
    return;
  }
  if (d->hup) {
    d->hup = 0;
    att__log(d, ATT_LOG_INFO, NULL, "SIGHUP: reloading every script");
    rescan(d, 1);
  }
  if (d->rescan) {
    d->rescan = 0;
    rescan(d, 0);
  }
  for (;;) {
    int64_t wait = 0;
    att_time before = d->clock.now;
    int r = att_clock_plan(&d->clock, &d->q, &wait);
    att_timeq_item it;
    if (r == ATT_CLOCK_RUN) {
      if (n >= SLICE) {
        att__compact_check(d);
        kick(d);
        return;
      }
      /* On a simulated clock, all before the new instant is done. */
      if (d->clock.mode == ATT_CLOCK_SIM && d->clock.now > before &&
          before - d->saved >= 86400)
        write_state(d, before);
      if (att_timeq_pop_due(&d->q, d->clock.now, &it) != 0) continue;
      d->firing_due = it.due;
      att__job_fire(d, &it);
      d->firing_due = 0;
      if (att_interrupted()) { /* the job may have been cut short: not done */
        cut_due = it.due;
        kick(d);
        return;
      }
      att__drain(d);
      for (size_t i = 0; i < d->nscripts; i++) att__jobs_sweep(d, d->scripts[i]);
      /* Deliveries of alerts due by now (on a simulated clock, retries
       * are made as the clock passes their time). */
      if (d->e->alerts) att_alerts_poll(d->e);
      n++;
      fired = 1;
      continue;
    }
    if (r == ATT_CLOCK_DONE) {
      write_state(d, d->clock.now);
      att__compact_check(d); /* the loop waits for it to end */
      shutdown_loop(d);
      return;
    }
    if (fired || att__now(d) - d->saved >= 60) write_state(d, processed(d));
    att__compact_check(d);
    if (r == ATT_CLOCK_WAIT) uv_timer_start(&d->wake, on_wake, (uint64_t)wait, 0);
    else uv_timer_stop(&d->wake);
    return;
  }
}

static void on_wake(uv_timer_t *t) { step(t->data); }

void att__changed(att_daemon *d) {
  att__drain(d);
  kick(d);
}

static void on_poll(uv_timer_t *t) {
  att_daemon *d = t->data;
  int rc = att_store_refresh(d->e->store);
  if (d->e->alerts) att_alerts_poll(d->e); /* reap background alert commands */
  if (rc < 0) att__log(d, ATT_LOG_ERROR, NULL, "reading the store's changes: %s", att_errmsg());
  att__compact_check(d);
  /* The changes came in through the store's change callback. */
  if (d->npend > d->headpend) {
    att__drain(d);
    kick(d);
  }
}

static void on_debounce(uv_timer_t *t) {
  att_daemon *d = t->data;
  d->rescan = 1;
  kick(d);
}

static void on_dir(uv_fs_event_t *h, const char *file, int events, int status) {
  att_daemon *d = h->data;
  (void)events;
  if (status < 0) {
    att__log(d, ATT_LOG_ERROR, NULL, "watching %s: %s", d->o.scripts_dir, uv_strerror(status));
    return;
  }
  if (file == NULL || is_script(file)) uv_timer_start(&d->debounce, on_debounce, DEBOUNCE_MS, 0);
}

/* A signal only sets a flag; the loop acts on it in step(). */
static void on_signal(uv_signal_t *h, int signum) {
  att_daemon *d = h->data;
  if (signum == SIGHUP) d->hup = 1;
  else d->stop = 1;
  kick(d);
}

/* SIGINT, SIGTERM: the watchdog's handler stopped the running callback
 * (if any) and woke the loop here. */
static void on_stop(uv_async_t *h) {
  att_daemon *d = h->data;
  d->stop = 1;
  kick(d);
}

static void wake_on_stop(void *ud) { uv_async_send(ud); }

static int start_handles(att_daemon *d) {
  int rc;
  if ((rc = uv_timer_init(&d->loop, &d->wake)) != 0) return rc;
  d->wake.data = d;
  d->nhandles++;
  uv_timer_start(&d->wake, on_wake, 0, 0);
  /* SIGHUP through libuv; SIGINT and SIGTERM through the watchdog, which
   * also stops a callback that is running when they come. */
  if ((rc = uv_signal_init(&d->loop, &d->sig[2])) != 0) return rc;
  d->sig[2].data = d;
  d->nhandles++;
  if ((rc = uv_signal_start(&d->sig[2], on_signal, SIGHUP)) != 0) return rc;
  if ((rc = uv_async_init(&d->loop, &stop_async, on_stop)) != 0) return rc;
  stop_async.data = d;
  d->nhandles++;
  cut_due = 0;
  if (att_watchdog_signals(wake_on_stop, &stop_async) != 0) return UV_EINVAL;
  if (d->o.mode != ATT_DAEMON_REAL) return 0;
  if ((rc = uv_timer_init(&d->loop, &d->poll)) != 0) return rc;
  d->poll.data = d;
  d->nhandles++;
  uv_timer_start(&d->poll, on_poll, 1000, 1000);
  if ((rc = uv_timer_init(&d->loop, &d->debounce)) != 0) return rc;
  d->debounce.data = d;
  d->nhandles++;
  if (d->o.watch) {
    if ((rc = uv_fs_event_init(&d->loop, &d->watch)) != 0) return rc;
    d->watch.data = d;
    d->nhandles++;
    if ((rc = uv_fs_event_start(&d->watch, on_dir, d->o.scripts_dir, 0)) != 0)
      att__log(d, ATT_LOG_WARN, NULL, "cannot watch %s (%s): changes take effect on SIGHUP",
               d->o.scripts_dir, uv_strerror(rc));
  }
  return 0;
}

/* ---- start and end -------------------------------------------------------- */

static void plan_base(att_daemon *d) {
  att_time last, t = d->start_now;
  char a[40], b[40];
  /* Nothing was processed at t yet, unless the state file says so. */
  d->base = t;
  d->base_done = 0;
  if (d->resumed) { /* a restart in place: the previous image said where it was */
    att_time ignored;
    last = d->resume_from;
    if (d->o.use_state) read_state(d, &ignored); /* (for the at.every origins) */
  } else if (!d->o.use_state || read_state(d, &last) != 0)
    return;
  att_time_format(last, a, sizeof a);
  if (last >= t) {
    d->base = last;
    d->base_done = 1;
    if (d->o.report && d->o.mode == ATT_DAEMON_SIM && last >= d->o.until) {
      d->o.report->state_ahead = 1;
      d->o.report->state_done = last;
    }
    if (last > t)
      att__log(d, ATT_LOG_INFO, NULL, "%s says the work up to %s was done; it is not done again",
               STATE_FILE, a);
    return;
  }
  d->base = t - last > d->o.grace ? t - d->o.grace : last;
  d->base_done = d->base == last;
  att_time_format(d->base, b, sizeof b);
  if (d->base > last)
    att__log(d, ATT_LOG_INFO, NULL, "stopped at %s; making up what fell due since %s (grace)", a,
             b);
  else
    att__log(d, ATT_LOG_INFO, NULL, "stopped at %s; making up what fell due since", a);
}

static int open_store(att_daemon *d) {
  att_store_opts so;
  int rc;
  memset(&so, 0, sizeof so);
  so.flags = ATT_OPEN_WRITE | ATT_OPEN_NO_AUTOCOMPACT; /* daemon_compact.c */
  so.notice = on_notice;
  so.change = att__on_change;
  so.now = engine_now;
  so.cancel = att_watchdog_cancel; /* a callback past max-time stops waiting for the lock */
  so.author = d->e->author;
  so.ud = d;
  rc = att_store_open(d->store_dir, &so, &d->e->store);
  if (rc == ATT_ENOSTORE)
    return att__err(rc, "no store at %s; create one with 'attache init' (or choose another "
                        "with --store DIR or ATTACHE_STORE)", d->store_dir);
  if (rc < 0) return att__errctx(rc, "cannot open the store %s", d->store_dir);
  return 0;
}

static void cleanup(att_daemon *d) {
  /* Empty the queue first: the jobs then have no entries to take out one
   * by one (two million of them for a million events' reminders). */
  att_timeq_free(&d->q);
  att_timeq_init(&d->q);
  for (size_t i = 0; i < d->nscripts; i++) dscript_free(d, d->scripts[i]);
  free(d->scripts);
  free(d->every_state);
  d->every_state = NULL;
  att__changes_free(d);
  att_timeq_free(&d->q);
  att__http_free(d);
  if (d->e->store) att_store_close(d->e->store);
  d->e->store = NULL;
  d->e->daemon = NULL;
  d->e->now = NULL;
  d->e->log = NULL;
  if (d->lockfd >= 0) close(d->lockfd);
  att__restart_free(d);
  free(d->state_path);
  free(d->store_dir);
  free(d);
}

int att_daemon_run(att_engine *e, const char *store_dir, const att_daemon_opts *o) {
  att_daemon *d = calloc(1, sizeof *d);
  int rc;
  if (d == NULL) return att__err(ATT_ENOMEM, "out of memory");
  d->e = e;
  d->o = *o;
  d->lockfd = -1;
  d->cur_depth = -1;
  att_timeq_init(&d->q);
  if ((d->store_dir = strdup(store_dir)) == NULL ||
      (d->state_path = path_join(store_dir, STATE_FILE)) == NULL) {
    cleanup(d);
    return att__err(ATT_ENOMEM, "out of memory");
  }
  att__restart_prepare(d);
  if (o->mode == ATT_DAEMON_SIM) {
    att_time from = o->start;
    /* Restarted in place: the simulated run goes on where it was. */
    if (d->resumed && d->resume_from > from) from = d->resume_from < o->until ? d->resume_from : o->until;
    if ((rc = att_clock_init_sim(&d->clock, from, o->until)) != 0) {
      cleanup(d);
      return rc;
    }
  } else if (o->mode == ATT_DAEMON_ONCE) {
    att_clock_init_real(&d->clock);
    att_clock_init_sim(&d->clock, d->clock.now, d->clock.now);
  } else {
    att_clock_init_real(&d->clock);
  }
  d->start_now = att__now(d);
  /* The store's own lock file is taken per write; ours for the daemon's
   * whole life.  The store must exist first. */
  if ((rc = open_store(d)) != 0 || (rc = take_lock(d)) != 0) {
    cleanup(d);
    return rc;
  }
  e->daemon = d;
  e->now = engine_now;
  e->now_ud = d;
  e->log = att__log_cb;
  e->log_ud = d;
  e->nostore = NULL;
  plan_base(d);
  if ((rc = uv_loop_init(&d->loop)) != 0) {
    cleanup(d);
    return att__err(ATT_EIO, "cannot start the event loop: %s", uv_strerror(rc));
  }
  if ((rc = start_handles(d)) != 0)
    rc = att__err(ATT_EIO, "cannot start the event loop: %s", uv_strerror(rc));
  else if (o->http.nlisten > 0)
    rc = att__http_start(d); /* its message says which address, and why */
  if (rc != 0) {
    att_watchdog_release();
    shutdown_loop(d);
    uv_run(&d->loop, UV_RUN_DEFAULT);
    uv_loop_close(&d->loop);
    cleanup(d);
    return rc;
  }
  {
    char t[40];
    att_time_format(d->start_now, t, sizeof t);
    att__log(d, ATT_LOG_INFO, NULL, "started on %s (%s clock), scripts from %s", d->store_dir,
             o->mode == ATT_DAEMON_REAL ? "real" : "simulated", o->scripts_dir);
    if (d->resumed) {
      att_time_format(d->resume_from, t, sizeof t);
      att__log(d, ATT_LOG_ERROR, d->nquar ? d->quar[0].name : NULL,
               "abandoned: still running inside a C function %.1f s past its time limit "
               "(max-time); the daemon restarted in place (pid %ld) without it and goes on from %s",
               att_watchdog_grace(), (long)getpid(), t);
    }
  }
  /* The daemon makes the deliveries of alerts to receivers: on the loop
   * with the real clock, else one at a time as the simulated clock goes. */
  if (att_alerts_attach(e, o->mode == ATT_DAEMON_REAL ? &d->loop : NULL) != 0)
    att__log(d, ATT_LOG_ERROR, NULL, "alert receivers: %s", att_errmsg());
  rescan(d, 0);
  d->started = 1;
  if (o->mode == ATT_DAEMON_REAL) { /* a simulated run has no one waiting on its loop */
    uv_work_t *w = malloc(sizeof *w);
    att_store_set_release(d->e->store, release, d);
    if (w != NULL && uv_queue_work(&d->loop, w, nothing_work, nothing_done) != 0) free(w);
  }
  att__drain(d);
  uv_run(&d->loop, UV_RUN_DEFAULT);
  att_store_set_release(d->e->store, NULL, NULL); /* no loop to free on from here */
  if (uv_loop_close(&d->loop) != 0) att__log(d, ATT_LOG_ERROR, NULL, "the loop did not close");
  att_watchdog_release();
  att__log_summary(d);
  fflush(stdout);
  cleanup(d);
  return 0;
}
