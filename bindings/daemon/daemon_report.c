/*
 * Reports over HTTP (GET /v1/reports/NAME; docs/http.md, "Reports"): the
 * daemon runs `attache run --as-of NOW REPORTS/NAME.lua name=value...` as
 * a child process, so that a report that reads the whole store never
 * holds the loop, and answers with what it prints.  --as-of makes the run
 * read-only; the sandbox's limits are those of `attache run`, with 10 s of
 * time and 256 MiB per call.  What it prints is kept up to 16 MiB; a
 * report still running after a minute is killed.  Its content type is
 * text/plain unless its first line says otherwise:
 *     -- content-type: text/html; charset=utf-8
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon_int.h"
#include "date.h"
#include "error.h"
#include "host.h"
#include "timeq.h"

#define OUT_MAX (16u << 20)
#define KILL_MS 60000

struct att__rjob {
  att__child proc;
  uv_pipe_t out, err;
  uv_timer_t timer;
  att_daemon *d;
  att__report_done done;
  void *ud; /* NULL once the client left */
  char *buf;
  size_t len, cap;
  char err_text[2048];
  size_t err_len;
  char ctype[128], name[80];
  int64_t status;
  int term_signal, open, over, killed;
};

static void job_free(att__rjob *j) {
  free(j->buf);
  free(j);
}

static void finish(att__rjob *j) {
  char msg[600];
  const char *last;
  if (j->ud == NULL) return;
  if (j->status == 0 && j->term_signal == 0 && !j->over) {
    j->done(j->ud, 200, j->ctype, j->buf, j->len);
    j->buf = NULL;
  } else {
    /* The first line of what it said on stderr says why: "attache:
     * FILE:LINE: message", a traceback after it. */
    j->err_text[j->err_len] = '\0';
    j->err_text[strcspn(j->err_text, "\n")] = '\0';
    last = j->err_text;
    if (!strncmp(last, "attache: ", 9)) last += 9;
    if (j->over) snprintf(msg, sizeof msg, "report %s printed more than 16 MiB", j->name);
    else if (j->killed) snprintf(msg, sizeof msg, "report %s was still running after %d s: stopped", j->name, KILL_MS / 1000);
    else if (j->term_signal) snprintf(msg, sizeof msg, "report %s ended on signal %d", j->name, j->term_signal);
    else snprintf(msg, sizeof msg, "report %s failed (exit %lld): %.400s", j->name, (long long)j->status, last);
    j->done(j->ud, 500, NULL, strdup(msg), strlen(msg));
  }
  j->ud = NULL;
}

static void on_closed(uv_handle_t *h) {
  att__rjob *j = h->data;
  if (--j->open > 0) return;
  finish(j);
  j->d->reports--;
  job_free(j);
}

static void on_exit_cb(att__child *p, int64_t status, int sig) {
  att__rjob *j = p->sig.data;
  j->status = status;
  j->term_signal = sig;
  uv_timer_stop(&j->timer);
  uv_close((uv_handle_t *)&j->timer, on_closed);
  uv_close((uv_handle_t *)&p->sig, on_closed);
}

static void on_kill(uv_timer_t *t) {
  att__rjob *j = t->data;
  j->killed = 1;
  att__child_kill(&j->proc, SIGKILL);
}

static void on_alloc(uv_handle_t *h, size_t want, uv_buf_t *b) {
  att__rjob *j = h->data;
  (void)want;
  static char sink[4096]; /* what is not kept */
  if ((uv_pipe_t *)h == &j->err) { /* its start says why (a traceback follows) */
    size_t room = sizeof j->err_text - 1 - j->err_len;
    *b = room ? uv_buf_init(j->err_text + j->err_len, (unsigned)room) : uv_buf_init(sink, sizeof sink);
    return;
  }
  if (j->cap - j->len < 16384 && !j->over) {
    size_t nc = j->cap ? j->cap * 2 : 65536;
    char *nb = nc <= OUT_MAX + 65536 ? realloc(j->buf, nc) : NULL;
    if (nb) j->buf = nb, j->cap = nc;
  }
  if (j->cap - j->len == 0) { /* past the limit (or out of memory): dropped */
    j->over = 1;
    *b = uv_buf_init(sink, sizeof sink);
    return;
  }
  *b = uv_buf_init(j->buf + j->len, (unsigned)(j->cap - j->len));
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b) {
  att__rjob *j = s->data;
  if (n < 0) {
    uv_close((uv_handle_t *)s, on_closed);
    return;
  }
  if ((uv_pipe_t *)s == &j->err) {
    if (b->base == j->err_text + j->err_len) j->err_len += (size_t)n;
    return;
  }
  if (b->base >= j->buf && b->base < j->buf + j->cap) j->len += (size_t)n;
  if (j->len > OUT_MAX) j->over = 1;
}

/* The first line's "-- content-type: TYPE", else text/plain; of a report
 * that ships ("attache:NAME"), or of a file. */
static void content_type(const char *path, char *out, size_t cap) {
  char line[200];
  const char *src = strncmp(path, "attache:", 8) ? NULL : att_shipped_report(path + 8, NULL);
  FILE *f = src ? NULL : fopen(path, "r");
  snprintf(out, cap, "text/plain; charset=utf-8");
  int got = 0;
  if (src) got = snprintf(line, sizeof line, "%.*s", (int)strcspn(src, "\n"), src) > 0;
  else got = f && fgets(line, sizeof line, f) != NULL;
  if (got && !strncmp(line, "-- content-type: ", 17)) {
    char *t = line + 17;
    size_t n = strcspn(t, "\r\n");
    int okc = n > 0 && n < cap;
    for (size_t i = 0; i < n && okc; i++) okc = t[i] >= 0x20 && t[i] < 0x7f;
    if (okc) snprintf(out, cap, "%.*s", (int)n, t);
  }
  if (f) fclose(f);
}

int att__report_run(att_daemon *d, const char *path, const att_api_param *params, size_t n,
                    att__report_done done, void *ud, att__rjob **out) {
  char now[40], **argv;
  size_t k = 0;
  const char *base = strrchr(path, '/');
  int fd[3] = {-1, -1, -1};
  att__rjob *j;
  int rc;
  *out = NULL;
  if (d->reports >= ATT__REPORTS_MAX)
    return att__err(ATT_EBUSY, "%d reports are running; try again in a moment", ATT__REPORTS_MAX);
  const att_paths *pa = &d->e->paths;
  size_t fixed;
  if ((j = calloc(1, sizeof *j)) == NULL ||
      (argv = calloc(n + 24 + 2 * (pa->nread + pa->nwrite), sizeof *argv)) == NULL) {
    free(j);
    return att__err(ATT_ENOMEM, "out of memory");
  }
  j->d = d;
  j->done = done;
  j->ud = ud;
  if (!strncmp(path, "attache:", 8)) snprintf(j->name, sizeof j->name, "%s", path + 8);
  else snprintf(j->name, sizeof j->name, "%.*s", (int)(strlen(base ? base + 1 : path) - 4), base ? base + 1 : path);
  content_type(path, j->ctype, sizeof j->ctype);
  att_time_format(att_time_now(), now, sizeof now);
  argv[k++] = "attache";
  argv[k++] = "--store";
  argv[k++] = d->store_dir;
  argv[k++] = "run";
  argv[k++] = "--as-of"; /* the store as it is: read-only */
  argv[k++] = now;
  argv[k++] = "--max-time";
  argv[k++] = "10";
  argv[k++] = "--max-memory";
  argv[k++] = "256M";
  /* What the daemon's scripts may use, and nothing else: not the working
   * directory it was started from, no ./out there (--given-only), not
   * another config file; the paths it was given, said here. */
  argv[k++] = "--given-only";
  argv[k++] = "--config";
  argv[k++] = "/dev/null";
  for (size_t i = 0; i < pa->nread; i++) argv[k++] = "--read", argv[k++] = pa->read[i];
  for (size_t i = 0; i < pa->nwrite; i++)
    if (!pa->out || strcmp(pa->write[i], pa->out) != 0) argv[k++] = "--write", argv[k++] = pa->write[i];
  if (pa->out) argv[k++] = "--out", argv[k++] = (char *)pa->out;
  argv[k++] = (char *)path;
  fixed = k;
  for (size_t i = 0; i < n; i++) {
    size_t l = strlen(params[i].name) + strlen(params[i].value) + 2;
    if (!strcmp(params[i].name, "token")) continue; /* the feed token is not the report's */
    if ((argv[k] = malloc(l)) == NULL) break;
    snprintf(argv[k++], l, "%s=%s", params[i].name, params[i].value);
  }
  uv_pipe_init(&d->loop, &j->out, 0);
  uv_pipe_init(&d->loop, &j->err, 0);
  uv_timer_init(&d->loop, &j->timer);
  j->out.data = j->err.data = j->timer.data = j->proc.sig.data = j;
  if ((rc = att__child_pipe(&j->out, 0, &fd[1])) != 0 || (rc = att__child_pipe(&j->err, 0, &fd[2])) != 0) {
    att__err(ATT_EIO, "cannot make a pipe: %s", uv_strerror(rc));
    uv_signal_init(&d->loop, &j->proc.sig); /* closed below with the others */
    j->proc.sig.data = j;
  } else {
    rc = att__child_start(&d->loop, &j->proc, argv, fd, on_exit_cb);
  }
  for (int i = 1; i < 3; i++)
    if (fd[i] >= 0) close(fd[i]); /* the child's ends: it has them */
  for (size_t i = fixed; i < k; i++) free(argv[i]);
  free(argv);
  d->reports++;
  if (rc != 0) {
    j->ud = NULL; /* the caller answers from the code */
    j->open = 4;
    uv_close((uv_handle_t *)&j->proc.sig, on_closed);
    uv_close((uv_handle_t *)&j->out, on_closed);
    uv_close((uv_handle_t *)&j->err, on_closed);
    uv_close((uv_handle_t *)&j->timer, on_closed);
    return att__errctx(ATT_EIO, "cannot run the report");
  }
  j->open = 4;
  uv_read_start((uv_stream_t *)&j->out, on_alloc, on_read);
  uv_read_start((uv_stream_t *)&j->err, on_alloc, on_read);
  uv_timer_start(&j->timer, on_kill, KILL_MS, 0);
  *out = j;
  return 0;
}

void att__report_detach(att__rjob *j) {
  if (j) j->ud = NULL;
}
