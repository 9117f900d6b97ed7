/*
 * The reader (issue 16; docs/http.md, "Reads off the loop"): the reads of
 * the HTTP API that scan the store (GET /v1/agenda, /v1/events,
 * /v1/calendar.ics) are answered by a process of their own, so that the
 * daemon's loop never computes them.  The loop authenticates the request
 * and checks its rate (att_api_handle with offload_ok), then passes it to
 * the reader, which answers from a read-only store handle of its own
 * (att_api_read), refreshed before each request: a client reads its own
 * writes, which are in the journal before their 201.
 *
 * Not a thread: time zones are converted by setting TZ (core/tz.c), which
 * is the whole process's, and the loop converts them too.
 *
 * The reader is `attache --store DIR __read`, started with the first read
 * and again after it stops.  The protocol, over its stdin and stdout, in
 * order: a request is one line of JSON, {"now": T, "path": P, "params":
 * [[NAME, VALUE], ...], "inm": IF_NONE_MATCH}, with "web": {"user", "role",
 * "csrf"} when it is a page of the web page's; an answer is one line of
 * JSON, {"status": S, "type": CONTENT_TYPE, "etag": E, "len": N}, then N
 * bytes of body.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "daemon_int.h"
#include "error.h"
#include "store.h"
#include "web.h"

#define ANSWER_MAX (64u << 20) /* a body past this stops the reader */

/* ---- the reader process's side -------------------------------------------- */

static att_time req_now;
static att_time reader_now(void *ud) {
  (void)ud;
  return req_now;
}

static int answer_out(const att_api_res *rs) {
  cJSON *h = cJSON_CreateObject();
  char *line;
  int ok;
  cJSON_AddNumberToObject(h, "status", rs->status);
  cJSON_AddStringToObject(h, "type", rs->content_type ? rs->content_type : "application/json");
  cJSON_AddStringToObject(h, "etag", rs->etag);
  cJSON_AddNumberToObject(h, "len", (double)rs->body_len);
  line = cJSON_PrintUnformatted(h);
  cJSON_Delete(h);
  if (line == NULL) return -1;
  ok = printf("%s\n", line) > 0 && (rs->body_len == 0 || fwrite(rs->body, 1, rs->body_len, stdout) == rs->body_len) &&
       fflush(stdout) == 0;
  free(line);
  return ok ? 0 : -1;
}

static const char *str_or_empty(const cJSON *j) {
  return cJSON_IsString(j) ? j->valuestring : "";
}

/* The answer when not even one could be made. */
static void out_of_memory(att_api_res *rs) {
  rs->status = 500;
  rs->body = strdup("{\"error\":{\"status\":500,\"message\":\"out of memory\"}}");
  rs->body_len = rs->body ? strlen(rs->body) : 0;
}

static int serve_one(att_store *st, const char *line) {
  cJSON *o = cJSON_Parse(line), *ps, *p, *web;
  att_api_param *params = NULL;
  att_api_req rq;
  att_api_res rs;
  size_t n = 0;
  int rc;
  memset(&rq, 0, sizeof rq);
  memset(&rs, 0, sizeof rs);
  if (o == NULL || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "path"))) {
    cJSON_Delete(o);
    rs.status = 500;
    rs.body = "{\"error\":{\"status\":500,\"message\":\"the reader was sent a request it cannot read\"}}";
    rs.body_len = strlen(rs.body);
    return answer_out(&rs);
  }
  ps = cJSON_GetObjectItemCaseSensitive(o, "params");
  params = calloc((size_t)cJSON_GetArraySize(ps) + 1, sizeof *params);
  cJSON_ArrayForEach(p, ps) {
    cJSON *k = cJSON_GetArrayItem(p, 0), *v = cJSON_GetArrayItem(p, 1);
    if (params && cJSON_IsString(k) && cJSON_IsString(v)) {
      params[n].name = k->valuestring;
      params[n++].value = v->valuestring;
    }
  }
  req_now = (att_time)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "now"));
  rq.method = "GET";
  rq.path = cJSON_GetObjectItemCaseSensitive(o, "path")->valuestring;
  rq.params = params;
  rq.nparams = n;
  rq.if_none_match = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "inm"));
  if (params == NULL) {
    out_of_memory(&rs);
  } else if ((web = cJSON_GetObjectItemCaseSensitive(o, "web")) != NULL) {
    att_web_view v;
    att_web_req wr;
    memset(&wr, 0, sizeof wr);
    snprintf(v.user, sizeof v.user, "%s", str_or_empty(cJSON_GetObjectItemCaseSensitive(web, "user")));
    snprintf(v.role, sizeof v.role, "%s", str_or_empty(cJSON_GetObjectItemCaseSensitive(web, "role")));
    snprintf(v.csrf, sizeof v.csrf, "%s", str_or_empty(cJSON_GetObjectItemCaseSensitive(web, "csrf")));
    wr.method = "GET";
    wr.path = rq.path;
    wr.params = params;
    wr.nparams = n;
    if (att_web_read(st, &v, req_now, &wr, &rs) != 0 && rs.body == NULL) {
      out_of_memory(&rs);
    }
  } else if (att_api_read(st, &rq, &rs) != 0 && rs.body == NULL) {
    out_of_memory(&rs);
  }
  rc = answer_out(&rs);
  att_api_res_free(&rs);
  free(params);
  cJSON_Delete(o);
  return rc;
}

int att__reader_main(const char *store_dir) {
  att_store_opts so;
  att_store *st = NULL;
  char *line = NULL;
  size_t cap = 0;
  int rc;
  memset(&so, 0, sizeof so);
  so.flags = ATT_OPEN_READ;
  so.now = reader_now;
  signal(SIGPIPE, SIG_IGN);
  if ((rc = att_store_open(store_dir, &so, &st)) != 0) {
    fprintf(stderr, "attache: the reader cannot open the store: %s\n", att_errmsg());
    return 1;
  }
  while (getline(&line, &cap, stdin) > 0)
    if (serve_one(st, line) != 0) break; /* the daemon is gone */
  free(line);
  att_store_close(st);
  return 0;
}

/* ---- the daemon's side ------------------------------------------------------ */

struct att__rwait {
  att__rwait *next;
  att__reader_done done;
  void *ud; /* NULL once the client left */
};

typedef struct rinst {
  att__child proc;
  uv_pipe_t in, out;
  att__reader *r;
  att__rwait *head, *tail; /* asked, answered in this order */
  char *buf;
  size_t len, cap;
  int open, dead, exited;
} rinst;

struct att__reader {
  att_daemon *d;
  rinst *cur;
  uint64_t started_ms; /* when cur started */
  uint64_t answered, starts;
};

att__reader *att__reader_new(att_daemon *d) {
  att__reader *r = calloc(1, sizeof *r);
  if (r) r->d = d;
  return r;
}

/* Every request still waiting on ri: 503, with why. */
static void fail_all(rinst *ri, const char *why) {
  while (ri->head) {
    att__rwait *w = ri->head;
    ri->head = w->next;
    if (w->ud) w->done(w->ud, 503, NULL, NULL, strdup(why), strlen(why));
    free(w);
  }
  ri->tail = NULL;
}

static void inst_closed(uv_handle_t *h) {
  rinst *ri = h->data;
  if (--ri->open > 0) return;
  fail_all(ri, "the reader process stopped; try again");
  free(ri->buf);
  free(ri);
}

/* ri is done with: its pending requests fail, its handles close, and the
 * next read starts another. */
static void inst_end(rinst *ri, const char *why) {
  if (ri->dead) return;
  ri->dead = 1;
  if (ri->r && ri->r->cur == ri) ri->r->cur = NULL;
  ri->r = NULL; /* which may be freed before these handles close */
  fail_all(ri, why);
  /* Its handle closes when it has exited (on_exit_cb), so that it is
   * reaped, not left a zombie. */
  if (!ri->exited) att__child_kill(&ri->proc, SIGKILL);
  if (!uv_is_closing((uv_handle_t *)&ri->in)) uv_close((uv_handle_t *)&ri->in, inst_closed);
  if (!uv_is_closing((uv_handle_t *)&ri->out)) uv_close((uv_handle_t *)&ri->out, inst_closed);
}

static void on_exit_cb(att__child *p, int64_t status, int sig) {
  rinst *ri = p->sig.data;
  char why[160];
  if (sig) snprintf(why, sizeof why, "the reader process ended on signal %d; try again", sig);
  else snprintf(why, sizeof why, "the reader process exited (status %lld); try again", (long long)status);
  if (!ri->dead && ri->r) att__log(ri->r->d, ATT_LOG_WARN, NULL, "%s", why);
  ri->exited = 1;
  inst_end(ri, why);
  uv_close((uv_handle_t *)&p->sig, inst_closed);
}

static void on_alloc(uv_handle_t *h, size_t want, uv_buf_t *b) {
  rinst *ri = h->data;
  (void)want;
  if (ri->cap - ri->len < 65536) {
    size_t nc = ri->cap ? ri->cap * 2 : 262144;
    char *nb = nc <= ANSWER_MAX + 262144 ? realloc(ri->buf, nc) : NULL;
    if (nb) ri->buf = nb, ri->cap = nc;
  }
  *b = ri->cap > ri->len ? uv_buf_init(ri->buf + ri->len, (unsigned)(ri->cap - ri->len)) : uv_buf_init(NULL, 0);
}

/* The answers complete in buf, to the requests at the head. */
static void take_answers(rinst *ri) {
  for (;;) {
    char *nl = ri->len ? memchr(ri->buf, '\n', ri->len) : NULL;
    cJSON *h;
    size_t hl, blen;
    int status;
    char ctype[128], etag[48];
    if (nl == NULL) return;
    hl = (size_t)(nl - ri->buf) + 1;
    if ((h = cJSON_ParseWithLength(ri->buf, hl - 1)) == NULL) {
      inst_end(ri, "the reader process answered something it should not; try again");
      return;
    }
    blen = (size_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(h, "len"));
    status = (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(h, "status"));
    snprintf(ctype, sizeof ctype, "%s", str_or_empty(cJSON_GetObjectItemCaseSensitive(h, "type")));
    snprintf(etag, sizeof etag, "%s", str_or_empty(cJSON_GetObjectItemCaseSensitive(h, "etag")));
    cJSON_Delete(h);
    if (blen > ANSWER_MAX || ri->head == NULL) {
      inst_end(ri, "the reader process answered something it should not; try again");
      return;
    }
    if (ri->len - hl < blen) return; /* the rest of the body is to come */
    {
      att__rwait *w = ri->head;
      char *body = malloc(blen + 1);
      ri->head = w->next;
      if (ri->head == NULL) ri->tail = NULL;
      if (body) {
        memcpy(body, ri->buf + hl, blen);
        body[blen] = '\0';
      }
      memmove(ri->buf, ri->buf + hl + blen, ri->len - hl - blen);
      ri->len -= hl + blen;
      if (ri->r) ri->r->answered++;
      if (w->ud == NULL) free(body);
      else if (body == NULL) w->done(w->ud, 500, NULL, NULL, strdup("out of memory"), 13);
      else w->done(w->ud, status, ctype[0] ? ctype : NULL, etag, body, blen);
      free(w);
    }
  }
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b) {
  rinst *ri = s->data;
  if (ri->dead) return;
  if (n < 0) {
    inst_end(ri, "the reader process stopped; try again");
    return;
  }
  if (n == 0 || b->base == NULL) {
    if (b->base == NULL) inst_end(ri, "out of memory for the reader's answer");
    return;
  }
  ri->len += (size_t)n;
  take_answers(ri);
}

static rinst *inst_start(att__reader *r) {
  char *argv[5];
  int fd[3] = {-1, -1, 2}; /* its errors go where the daemon's log goes */
  rinst *ri;
  int rc;
  if ((ri = calloc(1, sizeof *ri)) == NULL) {
    att__err(ATT_ENOMEM, "out of memory");
    return NULL;
  }
  ri->r = r;
  argv[0] = "attache";
  argv[1] = "--store";
  argv[2] = r->d->store_dir;
  argv[3] = "__read";
  argv[4] = NULL;
  uv_pipe_init(&r->d->loop, &ri->in, 0);
  uv_pipe_init(&r->d->loop, &ri->out, 0);
  ri->in.data = ri->out.data = ri->proc.sig.data = ri;
  ri->open = 3;
  if ((rc = att__child_pipe(&ri->in, 1, &fd[0])) != 0 || (rc = att__child_pipe(&ri->out, 0, &fd[1])) != 0) {
    att__err(ATT_EIO, "cannot make a pipe: %s", uv_strerror(rc));
    uv_signal_init(&r->d->loop, &ri->proc.sig); /* closed below with the others */
    ri->proc.sig.data = ri;
    rc = ATT_EIO;
  } else {
    rc = att__child_start(&r->d->loop, &ri->proc, argv, fd, on_exit_cb);
  }
  for (int i = 0; i < 2; i++)
    if (fd[i] >= 0) close(fd[i]); /* the child's ends: it has them */
  if (rc != 0) {
    ri->dead = 1;
    uv_close((uv_handle_t *)&ri->proc.sig, inst_closed);
    uv_close((uv_handle_t *)&ri->in, inst_closed);
    uv_close((uv_handle_t *)&ri->out, inst_closed);
    att__errctx(ATT_EIO, "cannot start the reader");
    return NULL;
  }
  uv_read_start((uv_stream_t *)&ri->out, on_alloc, on_read);
  r->starts++;
  r->started_ms = uv_now(&r->d->loop);
  return ri;
}

typedef struct wbuf {
  uv_write_t req;
  char *text;
} wbuf;

static void on_written(uv_write_t *req, int status) {
  wbuf *w = (wbuf *)req;
  (void)status; /* a reader that stopped is seen by its exit */
  free(w->text);
  free(w);
}

int att__reader_ask(att__reader *r, const att_api_req *rq, const att_web_view *web, att_time now,
                    att__reader_done done, void *ud, att__rwait **out) {
  cJSON *o, *ps;
  wbuf *wb;
  att__rwait *w;
  uv_buf_t b;
  size_t n;
  *out = NULL;
  if (r->cur == NULL) {
    /* One that stopped right after it started is not started again at once. */
    if (r->starts > 0 && uv_now(&r->d->loop) - r->started_ms < 1000)
      return att__err(ATT_EBUSY, "the reader process stopped; try again in a moment");
    if ((r->cur = inst_start(r)) == NULL) return att__errctx(ATT_EIO, "reads");
  }
  o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "now", (double)now);
  cJSON_AddStringToObject(o, "path", rq->path);
  ps = cJSON_AddArrayToObject(o, "params");
  for (size_t i = 0; i < rq->nparams; i++) {
    cJSON *p = cJSON_CreateArray();
    cJSON_AddItemToArray(p, cJSON_CreateString(rq->params[i].name));
    cJSON_AddItemToArray(p, cJSON_CreateString(rq->params[i].value));
    cJSON_AddItemToArray(ps, p);
  }
  if (rq->if_none_match) cJSON_AddStringToObject(o, "inm", rq->if_none_match);
  if (web) {
    cJSON *v = cJSON_AddObjectToObject(o, "web");
    cJSON_AddStringToObject(v, "user", web->user);
    cJSON_AddStringToObject(v, "role", web->role);
    cJSON_AddStringToObject(v, "csrf", web->csrf);
  }
  wb = malloc(sizeof *wb);
  w = calloc(1, sizeof *w);
  if (wb) wb->text = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  if (wb == NULL || w == NULL || wb->text == NULL) {
    if (wb) free(wb->text);
    free(wb);
    free(w);
    return att__err(ATT_ENOMEM, "out of memory");
  }
  n = strlen(wb->text);
  wb->text[n] = '\n'; /* over its NUL: the line's end */
  b = uv_buf_init(wb->text, (unsigned)n + 1);
  if (uv_write(&wb->req, (uv_stream_t *)&r->cur->in, &b, 1, on_written) != 0) {
    free(wb->text);
    free(wb);
    free(w);
    inst_end(r->cur, "the reader process stopped; try again");
    return att__err(ATT_EBUSY, "the reader process stopped; try again in a moment");
  }
  w->done = done;
  w->ud = ud;
  if (r->cur->tail) r->cur->tail->next = w;
  else r->cur->head = w;
  r->cur->tail = w;
  *out = w;
  return 0;
}

void att__reader_detach(att__rwait *w) {
  if (w) w->ud = NULL;
}

void att__reader_stop(att__reader *r) {
  if (r && r->cur) inst_end(r->cur, "the daemon is stopping");
}

void att__reader_free(att__reader *r) {
  if (r == NULL) return;
  if (r->answered)
    att__log(r->d, ATT_LOG_INFO, NULL, "answered %llu read%s in the reader process (started %llu time%s)",
             (unsigned long long)r->answered, r->answered == 1 ? "" : "s", (unsigned long long)r->starts,
             r->starts == 1 ? "" : "s");
  free(r);
}
