/*
 * The outbox of alerts (see outbox.h): the records of STORE/outbox, each
 * "CRC32C JSON\n", read in order into one state per delivery, and new
 * records appended under an exclusive flock of the file and synced.
 *
 * The deliveries live in an array in the order they were queued, with an
 * open-addressing index by id.  A process remembers how far it has read
 * the file (`known`); before each append, under the lock, it reads the
 * rest first, so that every process applies the records in file order.
 */
#include "outbox.h"

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

#include "crc32c.h"
#include "error.h"
#include "fault.h"
#include "store.h"

#define OUTBOX_FILE "outbox"

struct att_outbox {
  int fd;          /* the file, read-write (append) or read-only; -1: none */
  int readonly;
  int poisoned;    /* a sync failed: no more appends */
  char *path;
  off_t known;     /* bytes read and applied */
  size_t lines;    /* lines read and applied */
  att_delivery **v;
  size_t n, cap;
  size_t *index;   /* open addressing: position + 1; 0 = empty */
  size_t icap;
  void (*notice)(void *, const char *);
  void *ud;
};

const char *att_delivery_state_name(int state) {
  return state == ATT_DLV_DONE ? "done" : state == ATT_DLV_FAILED ? "failed" : "pending";
}

/* ---- the deliveries ------------------------------------------------------- */

static uint64_t hash(const char *s) {
  uint64_t h = 1469598103934665603u; /* FNV-1a */
  while (*s) h = (h ^ (unsigned char)*s++) * 1099511628211u;
  return h;
}

static void delivery_free(att_delivery *d) {
  if (!d) return;
  free(d->id);
  free(d->receiver);
  free(d->error);
  att_alert_free(&d->alert);
  free(d);
}

static int index_grow(att_outbox *ob) {
  size_t cap = ob->icap ? ob->icap * 2 : 64, i, j;
  size_t *ix = calloc(cap, sizeof *ix);
  if (!ix) return att__err(ATT_ENOMEM, "out of memory");
  for (i = 0; i < ob->n; i++) {
    for (j = hash(ob->v[i]->id) & (cap - 1); ix[j]; j = (j + 1) & (cap - 1)) {}
    ix[j] = i + 1;
  }
  free(ob->index);
  ob->index = ix;
  ob->icap = cap;
  return 0;
}

att_delivery *att_outbox_find(att_outbox *ob, const char *id) {
  size_t j;
  if (!ob->icap) return NULL;
  for (j = hash(id) & (ob->icap - 1); ob->index[j]; j = (j + 1) & (ob->icap - 1))
    if (!strcmp(ob->v[ob->index[j] - 1]->id, id)) return ob->v[ob->index[j] - 1];
  return NULL;
}

/* Take d into the outbox (its id is new). */
static int add(att_outbox *ob, att_delivery *d) {
  size_t j;
  if (ob->n == ob->cap) {
    size_t cap = ob->cap ? ob->cap * 2 : 16;
    att_delivery **v = realloc(ob->v, cap * sizeof *v);
    if (!v) return att__err(ATT_ENOMEM, "out of memory");
    ob->v = v;
    ob->cap = cap;
  }
  if ((ob->n + 1) * 2 > ob->icap && index_grow(ob) != 0) return ATT_ENOMEM;
  ob->v[ob->n++] = d;
  for (j = hash(d->id) & (ob->icap - 1); ob->index[j]; j = (j + 1) & (ob->icap - 1)) {}
  ob->index[j] = ob->n;
  return 0;
}

size_t att_outbox_count(const att_outbox *ob) { return ob->n; }
att_delivery *att_outbox_at(att_outbox *ob, size_t i) { return i < ob->n ? ob->v[i] : NULL; }

int att_outbox_next_due(const att_outbox *ob, att_time *when) {
  int found = 0;
  size_t i;
  for (i = 0; i < ob->n; i++) {
    const att_delivery *d = ob->v[i];
    if (d->state != ATT_DLV_PENDING || d->busy) continue;
    if (!found || d->next < *when) *when = d->next;
    found = 1;
  }
  return found;
}

att_time att_outbox_backoff(const char *id, unsigned attempt, att_time first_wait,
                            att_time max_wait) {
  att_time d = first_wait > 0 ? first_wait : 1, half;
  uint64_t h = hash(id) ^ ((uint64_t)attempt * 0x9e3779b97f4a7c15u);
  unsigned i;
  if (max_wait < d) max_wait = d;
  for (i = 1; i < attempt && d < max_wait; i++) d = d > max_wait / 2 ? max_wait : d * 2;
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9u;
  h ^= h >> 32;
  half = d / 2;
  d = half + (att_time)(h % (uint64_t)(d - half + 1));
  return d < 1 ? 1 : d;
}

/* ---- records -------------------------------------------------------------- */

static int get_time(cJSON *o, const char *name, att_time *t) {
  cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
  if (!cJSON_IsString(v)) return -1;
  return att_time_parse(v->valuestring, t) == 0 ? 0 : -1;
}

static const char *get_str(cJSON *o, const char *name) {
  cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Apply one record; -1 when it is not one. */
static int apply(att_outbox *ob, const char *json, size_t len) {
  cJSON *o = cJSON_ParseWithLength(json, len), *al;
  const char *op = get_str(o, "op"), *id = get_str(o, "id"), *err;
  att_delivery *d;
  att_time at = 0, next = 0, until = 0;
  int rc = -1;
  if (!cJSON_IsObject(o) || !op || !id) goto done;
  d = att_outbox_find(ob, id);
  if (!strcmp(op, "queue")) {
    const char *recv = get_str(o, "receiver");
    char *aj;
    rc = 0;
    if (d) goto done; /* queued twice: the first stands */
    al = cJSON_GetObjectItemCaseSensitive(o, "alert");
    if (!recv || !cJSON_IsObject(al) || !(d = calloc(1, sizeof *d))) {
      rc = -1;
      goto done;
    }
    aj = cJSON_PrintUnformatted(al);
    if (!aj || att_alert_from_json(aj, strlen(aj), &d->alert) != 0 || !(d->id = strdup(id)) ||
        !(d->receiver = strdup(recv)) || get_time(o, "queued", &d->queued) ||
        get_time(o, "until", &d->until) || get_time(o, "next", &d->next) || add(ob, d) != 0) {
      free(aj);
      delivery_free(d);
      rc = -1;
      goto done;
    }
    free(aj);
    d->state = ATT_DLV_PENDING;
  } else if (!strcmp(op, "try")) {
    if (!d || get_time(o, "at", &at)) goto done;
    d->attempts++;
    d->last = at;
    free(d->error);
    d->error = NULL;
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "ok"))) {
      d->state = ATT_DLV_DONE;
    } else {
      if (!(err = get_str(o, "error")) || !(d->error = strdup(err))) goto done;
      if (get_time(o, "next", &next) == 0) {
        d->state = ATT_DLV_PENDING;
        d->next = next;
      } else {
        d->state = ATT_DLV_FAILED;
      }
    }
    rc = 0;
  } else if (!strcmp(op, "retry")) {
    if (!d || get_time(o, "next", &next) || get_time(o, "until", &until)) goto done;
    d->state = ATT_DLV_PENDING;
    d->next = next;
    d->until = until;
    rc = 0;
  }
done:
  cJSON_Delete(o);
  return rc;
}

/* Check and apply the line (without its line feed). */
static int apply_line(att_outbox *ob, const char *line, size_t len) {
  char crc[9];
  unsigned long want;
  char *end;
  if (len < 10 || line[8] != ' ') return -1;
  memcpy(crc, line, 8);
  crc[8] = '\0';
  want = strtoul(crc, &end, 16);
  if (*end || (uint32_t)want != att_crc32c(0, line + 9, len - 9)) return -1;
  return apply(ob, line + 9, len - 9);
}

/* Read from `known` to the end and apply every whole line.  A torn or
 * damaged last line is cut off when the file is writable (we hold the
 * lock: no writer is half-way), else left alone; a damaged line before
 * the last is an error. */
static int read_rest(att_outbox *ob) {
  struct stat sb;
  char *buf, *p, *nl, *end;
  size_t size, lineno = ob->lines;
  off_t good;
  if (ob->fd < 0) return 0;
  if (fstat(ob->fd, &sb) != 0) return att__err(ATT_EIO, "outbox \"%s\": %s", ob->path, strerror(errno));
  if (sb.st_size <= ob->known) return 0;
  size = (size_t)(sb.st_size - ob->known);
  if (!(buf = malloc(size + 1))) return att__err(ATT_ENOMEM, "out of memory");
  {
    size_t got = 0;
    while (got < size) {
      ssize_t r = pread(ob->fd, buf + got, size - got, ob->known + (off_t)got);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      got += (size_t)r;
    }
    size = got;
  }
  buf[size] = '\0';
  good = ob->known;
  for (p = buf, end = buf + size; p < end; p = nl + 1) {
    lineno++;
    nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) break; /* torn */
    if (apply_line(ob, p, (size_t)(nl - p)) != 0) {
      if (nl + 1 < end) {
        free(buf);
        return att__err(ATT_ECORRUPT, "outbox \"%s\", line %zu is damaged; move the file away to "
                                      "start afresh (its pending deliveries are then dropped)",
                        ob->path, lineno);
      }
      break; /* the last line: torn by a crash */
    }
    good += (off_t)(nl + 1 - p);
    ob->lines++;
  }
  free(buf);
  if (good < ob->known + (off_t)size && !ob->readonly) {
    char msg[PATH_MAX + 128];
    snprintf(msg, sizeof msg, "outbox \"%s\": dropped an unfinished last record (%lld bytes) left by a crash",
             ob->path, (long long)(ob->known + (off_t)size - good));
    if (ob->notice) ob->notice(ob->ud, msg);
    if (ftruncate(ob->fd, good) != 0 || fdatasync(ob->fd) != 0)
      return att__err(ATT_EIO, "outbox \"%s\": cannot cut the unfinished record: %s", ob->path,
                      strerror(errno));
  }
  ob->known = good;
  return 0;
}

static int lock(int fd, int op) {
  int r;
  while ((r = flock(fd, op)) != 0 && errno == EINTR) {}
  return r;
}

int att_outbox_refresh(att_outbox *ob) {
  int rc;
  if (ob->fd < 0) return 0;
  if (!ob->readonly && lock(ob->fd, LOCK_EX) != 0)
    return att__err(ATT_EIO, "cannot lock the outbox \"%s\": %s", ob->path, strerror(errno));
  rc = read_rest(ob);
  if (!ob->readonly) flock(ob->fd, LOCK_UN);
  return rc;
}

int att_outbox_open(const char *dir, int readonly, void (*notice)(void *, const char *), void *ud,
                    att_outbox **out) {
  att_outbox *ob;
  char path[PATH_MAX];
  int rc;
  *out = NULL;
  if (snprintf(path, sizeof path, "%s/" OUTBOX_FILE, dir) >= (int)sizeof path)
    return att__err(ATT_EINVAL, "store path \"%s\" is too long", dir);
  if (!(ob = calloc(1, sizeof *ob)) || !(ob->path = strdup(path))) {
    free(ob);
    return att__err(ATT_ENOMEM, "out of memory");
  }
  ob->readonly = readonly;
  ob->notice = notice;
  ob->ud = ud;
  if (readonly && access(path, F_OK) != 0 && errno == ENOENT) {
    ob->fd = -1;
    *out = ob; /* nothing was ever queued */
    return 0;
  }
  ob->fd = att_store_file(dir, OUTBOX_FILE, readonly ? O_RDONLY : O_RDWR | O_APPEND | O_CREAT, 0600);
  if (ob->fd < 0) {
    rc = ob->fd;
    att_outbox_close(ob);
    return rc;
  }
  if ((rc = att_outbox_refresh(ob)) != 0) {
    att_outbox_close(ob);
    return rc;
  }
  *out = ob;
  return 0;
}

void att_outbox_close(att_outbox *ob) {
  size_t i;
  if (!ob) return;
  if (ob->fd >= 0) close(ob->fd);
  for (i = 0; i < ob->n; i++) delivery_free(ob->v[i]);
  free(ob->v);
  free(ob->index);
  free(ob->path);
  free(ob);
}

/* ---- appending ------------------------------------------------------------ */

typedef struct buf {
  char *p;
  size_t len, cap;
  int oom;
} buf;

/* Add the record o as a line: "CRC JSON\n". */
static void put_record(buf *b, cJSON *o) {
  char *j = o ? cJSON_PrintUnformatted(o) : NULL;
  size_t n = j ? strlen(j) : 0;
  if (!j) {
    b->oom = 1;
    return;
  }
  if (b->len + n + 11 > b->cap) {
    size_t cap = (b->len + n + 11) * 2;
    char *p = realloc(b->p, cap);
    if (!p) {
      free(j);
      b->oom = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  snprintf(b->p + b->len, 10, "%08x ", (unsigned)att_crc32c(0, j, n));
  memcpy(b->p + b->len + 9, j, n);
  b->p[b->len + 9 + n] = '\n';
  b->len += n + 10;
  free(j);
}

static void add_time(cJSON *o, const char *name, att_time t) {
  char s[40];
  att_time_format(t, s, sizeof s);
  cJSON_AddStringToObject(o, name, s);
}

/* Write b at the end of the file and sync; then apply it.  With the lock
 * held. */
static int append(att_outbox *ob, const buf *b) {
  size_t off = 0;
  off_t start = ob->known;
  if (ob->poisoned)
    return att__err(ATT_EPOISONED, "outbox \"%s\": an earlier sync failed; restart the daemon", ob->path);
  while (off < b->len) {
    ssize_t w = att__fault(ATT_FAULT_WRITE) ? -1 : write(ob->fd, b->p + off, b->len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      int rc = att__err(ATT_EIO, "outbox \"%s\": write failed: %s", ob->path, strerror(errno));
      if (ftruncate(ob->fd, start) != 0) ob->poisoned = 1;
      return rc;
    }
    off += (size_t)w;
  }
  if (att__fault(ATT_FAULT_SYNC) || fdatasync(ob->fd) != 0) {
    ob->poisoned = 1;
    return att__err(ATT_EPOISONED, "outbox \"%s\": sync failed: %s", ob->path, strerror(errno));
  }
  return read_rest(ob); /* applies what was written */
}

/* Under the lock: catch up, build the records with fn, append them. */
static int locked_append(att_outbox *ob, int (*fn)(att_outbox *, buf *, void *), void *ud) {
  buf b = {NULL, 0, 0, 0};
  int rc;
  if (ob->readonly || ob->fd < 0) return att__err(ATT_EINVAL, "the outbox is open read-only");
  if (lock(ob->fd, LOCK_EX) != 0)
    return att__err(ATT_EIO, "cannot lock the outbox \"%s\": %s", ob->path, strerror(errno));
  rc = read_rest(ob);
  if (rc == 0) rc = fn(ob, &b, ud);
  if (rc == 0 && b.oom) rc = att__err(ATT_ENOMEM, "out of memory");
  if (rc == 0 && b.len) rc = append(ob, &b);
  flock(ob->fd, LOCK_UN);
  free(b.p);
  return rc;
}

typedef struct queue_args {
  const att_delivery *d;
  size_t n;
  int *queued;
  int count;
} queue_args;

static int build_queue(att_outbox *ob, buf *b, void *ud) {
  queue_args *q = ud;
  size_t i, k;
  for (i = 0; i < q->n; i++) {
    const att_delivery *d = &q->d[i];
    cJSON *o, *al;
    char *aj;
    int dup = att_outbox_find(ob, d->id) != NULL;
    for (k = 0; k < i && !dup; k++) dup = !strcmp(q->d[k].id, d->id);
    if (q->queued) q->queued[i] = !dup;
    if (dup) continue;
    if (!(aj = att_alert_to_json(&d->alert))) return att__err(ATT_ENOMEM, "out of memory");
    al = cJSON_Parse(aj);
    free(aj);
    o = cJSON_CreateObject();
    if (!o || !al) {
      cJSON_Delete(o);
      cJSON_Delete(al);
      return att__err(ATT_ENOMEM, "out of memory");
    }
    cJSON_AddStringToObject(o, "op", "queue");
    cJSON_AddStringToObject(o, "id", d->id);
    cJSON_AddStringToObject(o, "receiver", d->receiver);
    add_time(o, "queued", d->queued);
    add_time(o, "until", d->until);
    add_time(o, "next", d->next);
    cJSON_AddItemToObject(o, "alert", al);
    put_record(b, o);
    cJSON_Delete(o);
    q->count++;
  }
  return 0;
}

int att_outbox_queue(att_outbox *ob, const att_delivery *d, size_t n, int *queued) {
  queue_args q = {d, n, queued, 0};
  int rc = locked_append(ob, build_queue, &q);
  return rc < 0 ? rc : q.count;
}

typedef struct tried_args {
  const char *id, *error;
  att_time at, next, until;
  int retry;
} tried_args;

static int build_tried(att_outbox *ob, buf *b, void *ud) {
  tried_args *t = ud;
  att_delivery *d = att_outbox_find(ob, t->id);
  cJSON *o;
  if (!d) return att__err(ATT_ENOTFOUND, "no delivery %s in the outbox", t->id);
  if (t->retry && d->state != ATT_DLV_FAILED)
    return att__err(ATT_EINVAL, "the delivery %s has not failed (it is %s)", t->id,
                    att_delivery_state_name(d->state));
  if (!(o = cJSON_CreateObject())) return att__err(ATT_ENOMEM, "out of memory");
  cJSON_AddStringToObject(o, "op", t->retry ? "retry" : "try");
  cJSON_AddStringToObject(o, "id", t->id);
  add_time(o, "at", t->at);
  if (t->retry) {
    add_time(o, "next", t->next);
    add_time(o, "until", t->until);
  } else if (!t->error) {
    cJSON_AddBoolToObject(o, "ok", 1);
  } else {
    cJSON_AddStringToObject(o, "error", t->error);
    if (t->next) add_time(o, "next", t->next);
  }
  put_record(b, o);
  cJSON_Delete(o);
  return 0;
}

int att_outbox_tried(att_outbox *ob, const char *id, att_time at, const char *error,
                     att_time next) {
  tried_args t = {id, error, at, next, 0, 0};
  return locked_append(ob, build_tried, &t);
}

int att_outbox_retry(att_outbox *ob, const char *id, att_time at, att_time next, att_time until) {
  tried_args t = {id, NULL, at, next, until, 1};
  return locked_append(ob, build_tried, &t);
}
