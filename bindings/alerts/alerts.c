/*
 * Firing alerts (see alerts.h): the alert is checked, recorded once in the
 * store's alert log (core's att_alertlog_fire_once: the key, across
 * processes, under the log's lock), then sent to its outputs: the readable
 * line on stdout and the JSON Lines file here, the command in alert_cmd.c,
 * the receivers through the outbox in alert_outbox.c.
 */
#include "alerts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert_int.h"
#include "curl_dl.h"
#include "duration.h"
#include "error.h"
#include "silence.h"
#include "termsafe.h"
#include "text.h"

/* ---- outputs ---------------------------------------------------------- */

void att_alert_outputs_init(att_alert_outputs *o) {
  memset(o, 0, sizeof *o);
  o->to_stdout = 1;
  o->timeout = ATT_ALERT_TIMEOUT_DEFAULT;
}

void att_alert_outputs_free(att_alert_outputs *o) {
  size_t i;
  free(o->file);
  free(o->command);
  o->file = o->command = NULL;
  for (i = 0; i < 2 * o->nconf; i++) free(o->conf[i]);
  free(o->conf);
  o->conf = NULL;
  o->nconf = 0;
}

static int set_string(char **slot, const char *key, const char *value) {
  char *s;
  if (value[0] == '\0') return att__err(ATT_EINVAL, "%s needs a value", key);
  if (!(s = strdup(value))) return att__err(ATT_ENOMEM, "out of memory");
  free(*slot);
  *slot = s;
  return 1;
}

int att_alert_outputs_set(att_alert_outputs *o, const char *key, const char *value) {
  char k[32];
  size_t i;
  int rc;
  if (!strncmp(key, "alert-", 6) && (rc = att__conf_set(o, key, value)) != 0) return rc;
  for (i = 0; key[i] && i < sizeof k - 1; i++) k[i] = key[i] == '_' ? '-' : key[i];
  k[i] = '\0';
  if (key[i] != '\0' || strncmp(k, "alert-", 6) != 0) return 0;
  if (!strcmp(k, "alert-command")) return set_string(&o->command, k, value);
  if (!strcmp(k, "alert-file")) return set_string(&o->file, k, value);
  if (!strcmp(k, "alert-timeout")) {
    double v = 0;
    if (att_seconds_read(value, &v) != 0 || !(v > 0 && v <= 86400))
      return att__err(ATT_EINVAL, "alert-timeout \"%s\": expected seconds, more than 0 and at "
                                  "most 86400, e.g. 10 or 2.5",
                      value);
    o->timeout = v;
    return 1;
  }
  if (!strcmp(k, "alert-stdout")) {
    if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "on") || !strcmp(value, "1"))
      o->to_stdout = 1;
    else if (!strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "off") ||
             !strcmp(value, "0"))
      o->to_stdout = 0;
    else
      return att__err(ATT_EINVAL, "alert-stdout \"%s\": expected true or false", value);
    return 1;
  }
  return 0;
}

/* ---- set-up ----------------------------------------------------------- */

static void on_notice(void *ud, const char *msg) {
  att_engine_log(ud, ATT_LOG_WARN, NULL, "%s", msg);
}

static int copy_outputs(att_alert_outputs *dst, const att_alert_outputs *src) {
  size_t i;
  *dst = *src;
  dst->file = dst->command = NULL;
  dst->conf = NULL;
  dst->nconf = 0;
  if ((src->file && !(dst->file = strdup(src->file))) ||
      (src->command && !(dst->command = strdup(src->command)))) {
    att_alert_outputs_free(dst);
    return att__err(ATT_ENOMEM, "out of memory");
  }
  for (i = 0; i < src->nconf; i++)
    if (att__conf_set(dst, src->conf[2 * i], src->conf[2 * i + 1]) < 0) {
      att_alert_outputs_free(dst);
      return att__err(ATT_ENOMEM, "out of memory");
    }
  if (!(dst->timeout > 0)) dst->timeout = ATT_ALERT_TIMEOUT_DEFAULT;
  return 0;
}

static int outbox_exists(const char *store_dir) {
  int fd = att_store_file(store_dir, "outbox", O_RDONLY, 0);
  if (fd < 0) return 0;
  close(fd);
  return 1;
}

/* The receivers and routes, with the store to read the routes' actor
 * names and kinds.  Without the engine's store (serve: the daemon opens
 * its own later), they are read without one first, and again with the
 * store opened for reading only when a route names actors or kinds. */
static int build_conf(att_engine *e, const char *store_dir, att_alerts *al) {
  att_store *st = e->store;
  att_store_opts so;
  int rc = att__conf_build(&al->o, st, &al->conf), names = 0;
  if (rc != 0 || st) return rc;
  for (size_t i = 0; i < al->conf.nroutes; i++)
    names |= al->conf.routes[i].vals[ATT__M_ACTOR] || al->conf.routes[i].vals[ATT__M_KIND];
  if (!names) return 0;
  att__conf_free(&al->conf);
  memset(&so, 0, sizeof so);
  so.flags = ATT_OPEN_READ;
  if ((rc = att_store_open(store_dir, &so, &st)) != 0) return rc;
  rc = att__conf_build(&al->o, st, &al->conf);
  att_store_close(st);
  return rc;
}

int att_alerts_open(att_engine *e, const char *store_dir, const att_alert_outputs *o) {
  att_alerts *al;
  int rc;
  if (e->alerts) return att__err(ATT_EINVAL, "alerts are already set up for this engine");
  if (!(al = calloc(1, sizeof *al))) return att__err(ATT_ENOMEM, "out of memory");
  al->e = e;
  al->filefd = -1;
  if ((rc = copy_outputs(&al->o, o)) != 0 || (rc = build_conf(e, store_dir, al)) != 0 ||
      (rc = att_alertlog_open_shared(store_dir, on_notice, e, &al->log)) != 0)
    goto fail;
  /* The outbox, when there are receivers, or deliveries left from when
   * there were (they are listed, and fail for want of their receiver). */
  if (al->conf.nrecv || outbox_exists(store_dir)) {
    if (al->conf.nrecv && (rc = att__curl_load()) != 0) goto fail;
    if (al->conf.nrecv && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      rc = att__err(ATT_EIO, "cannot set up libcurl for the alert receivers");
      goto fail;
    }
    al->curl = al->conf.nrecv != 0;
    if ((rc = att_outbox_open(store_dir, 0, on_notice, e, &al->outbox)) != 0) goto fail;
  }
  if (al->o.file) {
    al->filefd = open(al->o.file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (al->filefd < 0) {
      rc = att__err(ATT_EIO, "alert file \"%s\": cannot open it for appending: %s", al->o.file,
                    strerror(errno));
      goto fail;
    }
  }
  e->alerts = al;
  return 0;
fail:
  e->alerts = al;
  att_alerts_close(e);
  return rc;
}

void att_alerts_close(att_engine *e) {
  att_alerts *al = e ? e->alerts : NULL;
  if (!al) return;
  att_alerts_release(e, 0);
  att__alert_cmd_finish(al);
  att_alerts_detach(e);
  att_outbox_close(al->outbox);
  att__conf_free(&al->conf);
  if (al->curl) curl_global_cleanup();
  att_alertlog_close(al->log);
  if (al->filefd >= 0) close(al->filefd);
  att_alert_outputs_free(&al->o);
  free(al);
  e->alerts = NULL;
}

/* ---- stdout and the file ---------------------------------------------- */

int att_alert_print(FILE *f, const att_alert *a, int show_key) {
  att_alert c = *a;
  char *key = NULL, *buf = NULL, *p;
  size_t cap;
  int rc = 0, keyed = 0;
  /* The fields escaped, then formatted: an escape never spans two. */
  c.title = att_termsafe_dup(a->title ? a->title : "", a->title ? strlen(a->title) : 0, 0);
  c.body = a->body ? att_termsafe_dup(a->body, strlen(a->body), ATT_TS_MULTILINE) : NULL;
  c.level = a->level ? att_termsafe_dup(a->level, strlen(a->level), 0) : NULL;
  key = show_key && a->key ? att_termsafe_dup(a->key, strlen(a->key), 0) : NULL;
  if (!c.title || (a->body && !c.body) || (a->level && !c.level) || (show_key && a->key && !key)) {
    rc = att__err(ATT_ENOMEM, "out of memory");
    goto done;
  }
  cap = 128 + strlen(c.title) + (c.body ? strlen(c.body) : 0) + (c.level ? strlen(c.level) : 0);
  if (!(buf = malloc(cap))) {
    rc = att__err(ATT_ENOMEM, "out of memory");
    goto done;
  }
  if ((rc = att_alert_format(&c, buf, cap)) != 0) goto done;
  /* The key goes at the end of the first line, where the eye looks; the
   * body's further lines are indented so that every alert starts at the
   * left margin. */
  for (p = buf; *p; p++) {
    if (*p == '\n') {
      if (key && !keyed++) fprintf(f, "  key: %s", key);
      fputs("\n    ", f);
    } else {
      fputc(*p, f);
    }
  }
  if (key && !keyed) fprintf(f, "  key: %s", key);
  fputc('\n', f);
done:
  free(c.title);
  free(c.body);
  free(c.level);
  free(key);
  free(buf);
  return rc;
}

/* The readable line on the terminal output. */
static void put_line(att_alerts *al, const att_alert *a) {
  FILE *f = al->o.out ? al->o.out : stdout;
  if (att_alert_print(f, a, 0) != 0)
    att_engine_log(al->e, ATT_LOG_WARN, a->script, "alert \"%s\": cannot print it: %s", a->title,
                   att_errmsg());
  fflush(f);
}

/* Write all of buf to fd; 0 or -1 with errno. */
int att__alert_write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t w = write(fd, buf, len);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    buf += w;
    len -= (size_t)w;
  }
  return 0;
}

static void put_file(att_alerts *al, const att_alert *a, const char *json, size_t len) {
  /* One write per line: with O_APPEND a reader never sees two alerts
   * interleaved, even when several processes share the file. */
  if (att__alert_write_all(al->filefd, json, len) != 0)
    att_engine_log(al->e, ATT_LOG_WARN, a->script, "alert %s%s%s: cannot append to \"%s\": %s",
                   a->key ? "\"" : "", a->key ? a->key : a->title, a->key ? "\"" : "", al->o.file,
                   strerror(errno));
}

/* ---- firing ----------------------------------------------------------- */

/* The alert as one JSON line with room for a line feed, the direction
 * controls, C1 and DEL as \u escapes: the same JSON, safe to cat. */
static char *safe_json(const att_alert *a) {
  char *j = att_alert_to_json(a), *safe;
  size_t n;
  if (!j) return NULL;
  n = att_termsafe_json(NULL, 0, j, strlen(j));
  if ((safe = malloc(n + 2)) != NULL) att_termsafe_json(safe, n + 1, j, strlen(j));
  free(j);
  return safe;
}

static unsigned configured(const att_alerts *al) {
  return (al->o.to_stdout ? ATT_ALERT_TO_STDOUT : 0u) | (al->o.file ? ATT_ALERT_TO_FILE : 0u) |
         (al->o.command ? ATT_ALERT_TO_COMMAND : 0u);
}

static int check_alert(const att_alerts *al, const att_alert *a, unsigned to) {
  static const struct { unsigned bit; const char *name, *how; } outs[] = {
      {ATT_ALERT_TO_STDOUT, "stdout", "alert-stdout = true in the config file"},
      {ATT_ALERT_TO_FILE, "file", "--alert-file FILE, or alert-file = FILE in the config file"},
      {ATT_ALERT_TO_COMMAND, "command",
       "--alert-command CMD, or alert-command = CMD in the config file"}};
  size_t i;
  int ok = 0;
  if (!a->title || !a->title[0]) return att__err(ATT_EINVAL, "an alert needs a title");
  /* The log is JSON, read back at the next start: text that is not UTF-8
   * would be a damaged line there.  Controls are kept (data is data) and
   * escaped wherever they are shown. */
  {
    const char *const texts[] = {a->title, a->key, a->body, a->level};
    static const char *const names[] = {"title", "key", "body", "level"};
    for (i = 0; i < 4; i++)
      if (texts[i] && att_utf8_check(texts[i], strlen(texts[i])) != 0)
        return att__err(ATT_EINVAL, "alert %s: %s; an alert's text must be UTF-8", names[i],
                        att_errmsg());
  }
  if (a->key && !a->key[0]) return att__err(ATT_EINVAL, "an alert key must not be empty");
  if (!a->level) ok = 1; /* the log and the line read it as "info" */
  for (i = 0; a->level && att_alert_levels[i]; i++) ok |= !strcmp(a->level, att_alert_levels[i]);
  if (!ok)
    return att__err(ATT_EINVAL, "alert level \"%s\": expected info, warn or urgent", a->level);
  for (i = 0; i < sizeof outs / sizeof outs[0]; i++)
    if ((to & outs[i].bit) && !(configured(al) & outs[i].bit))
      return att__err(ATT_EINVAL,
                      "alert output \"%s\" is not configured here; the operator turns it on "
                      "with %s",
                      outs[i].name, outs[i].how);
  return 0;
}

/*
 * The silence that holds a back (core/silence.h): the first that holds at
 * the time a is due and matches its level, script and its event's kind,
 * actors and tags; 0 if none.  A silence that cannot be read silences
 * nothing (an alert sent is better than one lost), and is logged.
 */
static int64_t silenced_by(att_engine *e, const att_alert *a) {
  att_silences s;
  att_alert_subject x;
  att_event ev;
  int64_t id = 0;
  if (!e->store) return 0;
  if (att_silences_read(att_store_dir(e->store), &s) != 0) {
    att_engine_log(e, ATT_LOG_WARN, a->script, "alert \"%s\" sent unsilenced: %s", a->title, att_errmsg());
    return 0;
  }
  if (s.n == 0) return 0;
  memset(&x, 0, sizeof x);
  x.level = a->level ? a->level : "info";
  x.script = a->script;
  att_event_init(&ev);
  if (a->event > 0 && att_store_get(e->store, a->event, &ev) == 0) {
    x.kind = ev.kind;
    x.actors = (const char *const *)ev.actors.v;
    x.nactors = ev.actors.n;
    x.tags = (const char *const *)ev.tags.v;
    x.ntags = ev.tags.n;
  }
  id = att_silences_match(&s, &x, a->at);
  att_event_free(&ev);
  att_silences_free(&s);
  return id;
}

/* ---- held for a batch ------------------------------------------------ */

struct att__held {
  att_alert a;
  int repeat;
  unsigned to;
};

static char *dup_opt(const char *s, int *oom) {
  char *d = s ? strdup(s) : NULL;
  if (s && !d) *oom = 1;
  return d;
}

/* Keep a copy of a until the batch ends: 1, 0 (its key is spent), or a
 * negative code. */
static int hold(att_alerts *al, const att_alert *a, int repeat, unsigned to) {
  struct att__held *h;
  int oom = 0;
  if (!repeat && a->key) {
    if (att_alertlog_seen(al->log, a->key)) return 0;
    for (size_t i = 0; i < al->nheld; i++)
      if (al->held[i].a.key && strcmp(al->held[i].a.key, a->key) == 0) return 0;
  }
  if (al->nheld == al->capheld) {
    size_t cap = al->capheld ? 2 * al->capheld : 8;
    void *p = realloc(al->held, cap * sizeof *al->held);
    if (!p) return att__err(ATT_ENOMEM, "out of memory");
    al->held = p;
    al->capheld = cap;
  }
  h = &al->held[al->nheld];
  h->a = *a;
  h->a.key = dup_opt(a->key, &oom);
  h->a.title = dup_opt(a->title, &oom);
  h->a.body = dup_opt(a->body, &oom);
  h->a.level = dup_opt(a->level, &oom);
  h->a.script = dup_opt(a->script, &oom);
  h->repeat = repeat;
  h->to = to;
  if (oom) {
    att_alert_free(&h->a);
    return att__err(ATT_ENOMEM, "out of memory");
  }
  al->nheld++;
  return 1;
}

void att_alerts_hold(att_engine *e) {
  if (e && e->alerts) e->alerts->holding = 1;
}

void att_alerts_release(att_engine *e, int fire) {
  att_alerts *al = e ? e->alerts : NULL;
  size_t n;
  if (!al) return;
  al->holding = 0;
  n = al->nheld;
  al->nheld = 0;
  for (size_t i = 0; i < n; i++) {
    struct att__held *h = &al->held[i];
    if (fire && att_alerts_fire_to(e, &h->a, h->repeat, h->to) < 0)
      att_engine_log(e, ATT_LOG_ERROR, h->a.script, "alert \"%s\" of a committed batch: %s",
                     h->a.title, att_errmsg());
    att_alert_free(&h->a);
  }
  free(al->held);
  al->held = NULL;
  al->capheld = 0;
}

/* ---- firing ------------------------------------------------------------ */

int att_alerts_fire_to(att_engine *e, att_alert *a, int repeat, unsigned to) {
  att_alerts *al = e ? e->alerts : NULL;
  char *json;
  size_t len;
  int rc, all = to == ATT_ALERT_TO_CONFIGURED;
  if (!al) return att__err(ATT_EINVAL, "alerts are not set up in this process");
  if ((rc = check_alert(al, a, to)) != 0) return rc;
  if (al->holding) return hold(al, a, repeat, to);
  if (all) to = configured(al);
  att_alerts_poll(e);
  a->silenced = silenced_by(e, a);
  if ((rc = att_alertlog_fire_once(al->log, a, repeat)) != 1) return rc;
  al->fired++;
  if (a->silenced) { /* logged, marked, and sent nowhere */
    att_engine_log(e, ATT_LOG_INFO, a->script, "alert \"%s\" held back by silence %lld", a->title,
                   (long long)a->silenced);
    return 1;
  }
  if (to & ATT_ALERT_TO_STDOUT) put_line(al, a);
  if (to & (ATT_ALERT_TO_FILE | ATT_ALERT_TO_COMMAND)) {
    if (!(json = safe_json(a))) {
      att_engine_log(e, ATT_LOG_WARN, a->script, "alert \"%s\": out of memory for its JSON", a->title);
    } else {
      len = strlen(json);
      json[len++] = '\n'; /* replaces the NUL: the buffer is used with its length */
      if (to & ATT_ALERT_TO_FILE) put_file(al, a, json, len);
      if (to & ATT_ALERT_TO_COMMAND) att__alert_cmd_start(al, a, json, len); /* takes json */
      else free(json);
    }
  }
  /* The receivers, when the alert goes wherever the operator said (a
   * script's `to` names only the outputs above). */
  if (all) att__outbox_fire(al, a, repeat);
  return 1;
}

int att_alerts_fire(att_engine *e, att_alert *a, int repeat) {
  return att_alerts_fire_to(e, a, repeat, ATT_ALERT_TO_CONFIGURED);
}
