/*
 * The alert log (see alertlog.h): JSON Lines in STORE/alerts, one alert a
 * line, each synced before the alert goes to its outputs.  The keys of the
 * alerts that fired are kept in a hash set so that a key fires once.
 *
 * Two processes may fire on the same store (the daemon and `attache run`),
 * so a shared log checks and appends under an exclusive flock of the log
 * file, and a process that finds the log longer than it left it reads the
 * keys again first.
 */
#include "alertlog.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fault.h"
#include "store_int.h" /* att__open: the alert log is a file of the store */
#include "strset.h"
#include "text.h"

const char *const att_alert_levels[] = {"info", "warn", "urgent", NULL};

void att_alert_init(att_alert *a) { memset(a, 0, sizeof *a); }

void att_alert_free(att_alert *a) {
  free(a->key);
  free(a->title);
  free(a->body);
  free(a->level);
  free(a->script);
  att_alert_init(a);
}

char *att_alert_to_json(const att_alert *a) {
  cJSON *o = cJSON_CreateObject();
  char at[40], *s;
  if (!o) return NULL;
  att_time_format(a->at, at, sizeof at);
  cJSON_AddStringToObject(o, "at", at);
  if (a->key) cJSON_AddStringToObject(o, "key", a->key);
  cJSON_AddStringToObject(o, "level", a->level ? a->level : "info");
  cJSON_AddStringToObject(o, "title", a->title ? a->title : "");
  if (a->body) cJSON_AddStringToObject(o, "body", a->body);
  if (a->event) cJSON_AddNumberToObject(o, "event", (double)a->event);
  if (a->script) cJSON_AddStringToObject(o, "script", a->script);
  if (a->late) cJSON_AddBoolToObject(o, "late", 1);
  if (a->silenced) cJSON_AddNumberToObject(o, "silenced", (double)a->silenced);
  s = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  return s;
}

static int dupstr(cJSON *o, const char *name, char **out) {
  cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
  if (!v) return 0;
  if (!cJSON_IsString(v)) return -1;
  return (*out = strdup(v->valuestring)) ? 0 : -1;
}

int att_alert_from_json(const char *text, size_t len, att_alert *a) {
  cJSON *o = cJSON_ParseWithLength(text, len), *v;
  char *at = NULL;
  int rc = 0;
  att_alert_init(a);
  if (!cJSON_IsObject(o) || att_utf8_check(text, len) != 0) {
    cJSON_Delete(o);
    return att__err(ATT_EINVAL, "not a JSON object");
  }
  if (dupstr(o, "key", &a->key) || dupstr(o, "title", &a->title) || dupstr(o, "body", &a->body) ||
      dupstr(o, "level", &a->level) || dupstr(o, "script", &a->script) || dupstr(o, "at", &at) ||
      !at || att_time_parse(at, &a->at) != 0 || !a->title)
    rc = att__err(ATT_EINVAL, "an alert needs \"at\" (RFC 3339) and \"title\" (strings)");
  if (rc == 0 && (v = cJSON_GetObjectItemCaseSensitive(o, "event")) != NULL) {
    if (!cJSON_IsNumber(v) || v->valuedouble < 0) rc = att__err(ATT_EINVAL, "\"event\" is not an id");
    else a->event = (int64_t)v->valuedouble;
  }
  if (rc == 0) a->late = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "late"));
  if (rc == 0 && (v = cJSON_GetObjectItemCaseSensitive(o, "silenced")) != NULL) {
    if (!cJSON_IsNumber(v) || v->valuedouble < 1) rc = att__err(ATT_EINVAL, "\"silenced\" is not a silence's number");
    else a->silenced = (int64_t)v->valuedouble;
  }
  free(at);
  cJSON_Delete(o);
  if (rc) att_alert_free(a);
  return rc;
}

int att_alert_format(const att_alert *a, char *buf, size_t cap) {
  char at[40];
  int n;
  att_time_format(a->at, at, sizeof at);
  n = snprintf(buf, cap, "%s [%s] %s%s%s", at, a->level ? a->level : "info", a->title ? a->title : "",
               a->body ? ": " : "", a->body ? a->body : "");
  if (n >= 0 && a->event && (size_t)n < cap)
    n += snprintf(buf + n, cap - (size_t)n, " (event %lld)", (long long)a->event);
  if (n >= 0 && a->late && (size_t)n < cap) n += snprintf(buf + n, cap - (size_t)n, " [late]");
  if (n >= 0 && a->silenced && (size_t)n < cap)
    n += snprintf(buf + n, cap - (size_t)n, " [silenced by silence %lld]", (long long)a->silenced);
  return n < 0 ? att__err(ATT_EINVAL, "cannot format an alert") : 0;
}

/* ---- the log -------------------------------------------------------------- */

struct att_alertlog {
  int fd;
  int poisoned;
  char *path;
  att_strset keys; /* of the alerts that fired */
  /* A shared log (att_alertlog_open_shared): */
  int lockfd;  /* the log, read-only, for flock; -1 when not shared */
  off_t known; /* size of the log after our last look */
  char *dir;   /* the store: to read the log again, and for messages */
  void (*notice)(void *, const char *);
  void *ud;
};

static int key_add(att_alertlog *l, const char *key) {
  int rc = att_strset_add(&l->keys, key);
  return rc < 0 ? rc : 0;
}

int att_alertlog_seen(const att_alertlog *l, const char *key) { return att_strset_has(&l->keys, key); }

/* Read the whole log; for each complete line call fn.  *good is the length
 * of the part made of whole valid lines. */
static int scan(const char *path, att_time since, int (*fn)(void *, const att_alert *), void *ud,
                size_t *good, size_t *total) {
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  FILE *f = fd < 0 ? NULL : fdopen(fd, "rb");
  char *buf = NULL;
  size_t cap = 0, off = 0, lineno = 0;
  ssize_t n;
  int rc = 0;
  *good = *total = 0;
  if (!f) {
    if (fd >= 0) close(fd);
    return errno == ENOENT ? 0 : att__open_err(path, "read");
  }
  while ((n = getline(&buf, &cap, f)) > 0) {
    att_alert a;
    lineno++;
    *total += (size_t)n;
    if (buf[n - 1] != '\n') break; /* a torn last line */
    if (att_alert_from_json(buf, (size_t)n - 1, &a) != 0) {
      if (fgetc(f) == EOF) break; /* the last line: torn */
      rc = att__errctx(ATT_ECORRUPT, "alert log \"%s\", line %zu is damaged", path, lineno);
      break;
    }
    off += (size_t)n;
    *good = off;
    if (a.at >= since && fn && fn(ud, &a)) {
      att_alert_free(&a);
      break;
    }
    att_alert_free(&a);
  }
  free(buf);
  fclose(f);
  return rc;
}

static int load_key(void *ud, const att_alert *a) {
  return a->key ? (key_add(ud, a->key) != 0) : 0;
}

int att_alertlog_open(const char *dir, void (*notice)(void *, const char *), void *ud,
                      att_alertlog **out) {
  att_alertlog *l;
  char path[PATH_MAX];
  size_t good, total;
  int rc;
  *out = NULL;
  if (snprintf(path, sizeof path, "%s/alerts", dir) >= (int)sizeof path)
    return att__err(ATT_EINVAL, "store path \"%s\" is too long", dir);
  if (!(l = calloc(1, sizeof *l)) || !(l->path = strdup(path))) {
    free(l);
    return att__err(ATT_ENOMEM, "out of memory");
  }
  l->fd = l->lockfd = -1;
  if ((rc = scan(path, ATT_TIME_MIN, load_key, l, &good, &total)) != 0) goto fail;
  l->fd = att__open(path, O_WRONLY | O_CREAT, 0600);
  if (l->fd < 0) {
    rc = att__open_err(path, "open");
    goto fail;
  }
  if (total > good) {
    char msg[PATH_MAX + 128];
    snprintf(msg, sizeof msg, "alert log \"%s\": dropped an unfinished last line (%zu bytes) left by a crash",
             path, total - good);
    if (notice) notice(ud, msg);
    if (att__fault(ATT_FAULT_TRUNC) || ftruncate(l->fd, (off_t)good) != 0 || att__fault(ATT_FAULT_SYNC) ||
        fdatasync(l->fd) != 0) {
      rc = att__err(ATT_EIO, "alert log \"%s\": cannot cut the unfinished line: %s", path, strerror(errno));
      goto fail;
    }
  }
  if (lseek(l->fd, 0, SEEK_END) < 0) {
    rc = att__err(ATT_EIO, "alert log \"%s\": %s", path, strerror(errno));
    goto fail;
  }
  *out = l;
  return 0;
fail:
  att_alertlog_close(l);
  return rc;
}

void att_alertlog_close(att_alertlog *l) {
  if (!l) return;
  if (l->fd >= 0) close(l->fd);
  if (l->lockfd >= 0) close(l->lockfd);
  att_strset_free(&l->keys);
  free(l->path);
  free(l->dir);
  free(l);
}

/* flock, again when a signal interrupts the wait. */
static int lock(int fd, int op) {
  int r;
  while ((r = flock(fd, op)) != 0 && errno == EINTR) {}
  return r;
}

int att_alertlog_open_shared(const char *dir, void (*notice)(void *, const char *), void *ud,
                             att_alertlog **out) {
  char path[PATH_MAX], *d;
  struct stat sb;
  att_alertlog *l;
  int fd, rc;
  *out = NULL;
  if (snprintf(path, sizeof path, "%s/alerts", dir) >= (int)sizeof path)
    return att__err(ATT_EINVAL, "store path \"%s\" is too long", dir);
  if (!(d = strdup(dir))) return att__err(ATT_ENOMEM, "out of memory");
  /* The lock is taken on the log itself, so that no other file appears in
   * the store; it must exist before the log is read under it. */
  if ((fd = att_store_file(dir, "alerts", O_RDONLY | O_CREAT, 0600)) < 0) {
    free(d);
    return fd;
  }
  if (lock(fd, LOCK_EX) != 0) {
    rc = att__err(ATT_EIO, "cannot lock the alert log \"%s\": %s", path, strerror(errno));
    close(fd);
    free(d);
    return rc;
  }
  rc = att_alertlog_open(dir, notice, ud, &l);
  if (rc == 0 && fstat(fd, &sb) == 0) l->known = sb.st_size;
  flock(fd, LOCK_UN);
  if (rc != 0) {
    close(fd);
    free(d);
    return rc;
  }
  l->lockfd = fd;
  l->dir = d;
  l->notice = notice;
  l->ud = ud;
  *out = l;
  return 0;
}

/* With the lock held: if another process appended since we last looked,
 * read the log again (as a new handle, whose keys, file and state this
 * one takes). */
static int catch_up(att_alertlog *l) {
  struct stat sb;
  att_alertlog *n;
  int rc;
  if (fstat(l->lockfd, &sb) != 0)
    return att__err(ATT_EIO, "alert log in \"%s\": %s", l->dir, strerror(errno));
  if (sb.st_size == l->known) return 0;
  if ((rc = att_alertlog_open(l->dir, l->notice, l->ud, &n)) != 0) return rc;
  close(l->fd);
  att_strset_free(&l->keys);
  l->fd = n->fd;
  l->poisoned = n->poisoned;
  l->keys = n->keys;
  n->fd = -1;
  memset(&n->keys, 0, sizeof n->keys);
  att_alertlog_close(n);
  if (fstat(l->lockfd, &sb) == 0) l->known = sb.st_size;
  return 0;
}

int att_alertlog_fire_once(att_alertlog *l, const att_alert *a, int repeat) {
  struct stat sb;
  int rc = 0;
  if (l->lockfd >= 0 && lock(l->lockfd, LOCK_EX) != 0)
    return att__err(ATT_EIO, "cannot lock the alert log in \"%s\": %s", l->dir, strerror(errno));
  if (l->lockfd >= 0) rc = catch_up(l);
  if (rc == 0 && !repeat && a->key && att_alertlog_seen(l, a->key)) {
    if (l->lockfd >= 0) flock(l->lockfd, LOCK_UN);
    return 0;
  }
  if (rc == 0) rc = att_alertlog_append(l, a);
  if (l->lockfd >= 0) {
    if (rc == 0 && fstat(l->lockfd, &sb) == 0) l->known = sb.st_size;
    flock(l->lockfd, LOCK_UN);
  }
  return rc == 0 ? 1 : rc;
}

int att_alertlog_append(att_alertlog *l, const att_alert *a) {
  char *json;
  size_t n, off = 0;
  off_t start;
  int rc = 0;
  if (l->poisoned)
    return att__err(ATT_EPOISONED, "alert log \"%s\": an earlier sync failed; restart the daemon", l->path);
  if (!a->title || !a->title[0]) return att__err(ATT_EINVAL, "an alert needs a title");
  if (att__fault(ATT_FAULT_ALLOC) || !(json = att_alert_to_json(a))) return att__err(ATT_ENOMEM, "out of memory");
  n = strlen(json);
  json[n] = '\n'; /* replaces the NUL: write n + 1 bytes */
  start = lseek(l->fd, 0, SEEK_CUR);
  while (off < n + 1) {
    ssize_t w = att__fault(ATT_FAULT_WRITE) ? -1 : write(l->fd, json + off, att__fault_len(n + 1 - off));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      rc = att__err(ATT_EIO, "alert log \"%s\": write failed: %s", l->path, strerror(errno));
      /* Cut off the part of the line that was written, or the next line
       * would be glued to it (and both lost at the next open). */
      if (start < 0 || ftruncate(l->fd, start) != 0 || lseek(l->fd, start, SEEK_SET) < 0) l->poisoned = 1;
      break;
    }
    off += (size_t)w;
  }
  free(json);
  if (rc == 0 && (att__fault(ATT_FAULT_SYNC) || fdatasync(l->fd) != 0)) {
    l->poisoned = 1;
    rc = att__err(ATT_EPOISONED, "alert log \"%s\": sync failed: %s", l->path, strerror(errno));
  }
  if (rc == 0 && a->key) rc = key_add(l, a->key);
  return rc;
}

int att_alertlog_read(const char *dir, att_time since, int (*fn)(void *, const att_alert *),
                      void *ud) {
  char path[PATH_MAX];
  size_t good, total;
  if (snprintf(path, sizeof path, "%s/alerts", dir) >= (int)sizeof path)
    return att__err(ATT_EINVAL, "store path \"%s\" is too long", dir);
  return scan(path, since, fn, ud, &good, &total);
}
