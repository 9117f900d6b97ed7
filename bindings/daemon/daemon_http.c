/*
 * The daemon's HTTP server (issue 16; docs/http.md): `attache serve
 * --listen ADDR` serves the JSON API (core/api.h), its OpenAPI description
 * and a stream of the store's changes (Server-Sent Events) on the daemon's
 * own libuv loop.  Requests are parsed by http-parser (Debian
 * libhttp-parser-dev); this file is the small server around it: the
 * listeners, the connections, and the limits a server shared by a desk
 * needs against slow, silent or hostile clients.
 *
 *  - A request (headers and body) must arrive within the request timeout
 *    of its first byte (408, then the connection closes); an idle
 *    connection closes after it too, and so does one whose answer the
 *    client does not read within it (x3).
 *  - Headers are at most 32 KiB, the URL 8 KiB, a header value we read
 *    4 KiB (431), a body ATT_API_BODY_MAX (413, from Content-Length before
 *    any of it is read, or as a chunked body grows).  Any error of the
 *    parser is 400 and the connection closes: what follows a malformed
 *    request is never read as another.
 *  - A connection costs its handles only: one read buffer serves all (a
 *    request is parsed inside the read callback), the URL and the body are
 *    allocated as they come and freed with the answer.  While an answer
 *    waits to be written, nothing more is read from its connection.
 *  - Past --max-connections, a new connection is closed at once.
 *
 * Requests are served on the loop, but the loop never waits for the disk:
 * a write's commit leaves its sync to us, its answer waits while the
 * journal is synced on libuv's thread pool (writes made meanwhile share
 * the next sync), and a 2xx still means durable.  The changes it made go
 * to the rules (att__drain) at once.  Nor does it scan the store: the
 * reads that do are answered by the reader process (daemon_reader.c).
 */
#define _GNU_SOURCE /* struct ucred, SO_PEERCRED */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <http_parser.h>

#include "api.h"
#include "curl_dl.h"
#include "daemon_int.h"
#include "error.h"
#include "host.h"
#include "store.h"
#include "web.h"

#define URL_MAX 8192
#define HEADER_MAX (32 * 1024)
#define VALUE_MAX 4096
#define SSE_QUEUE_MAX (256 * 1024) /* an event stream not read past this is dropped */
#define SSE_BEAT_MS 15000

enum { H_AUTH, H_IFMATCH, H_IFNONE, H_HOST, H_EXPECT, H_REALIP, H_COOKIE, H_ORIGIN, H_CTYPE, NHDR };
static const char *const hdr_names[NHDR] = {"authorization", "if-match", "if-none-match", "host", "expect",
                                            "x-real-ip", "cookie", "origin", "content-type"};

typedef union stream_u {
  uv_tcp_t tcp;
  uv_pipe_t pipe;
  uv_stream_t s;
  uv_handle_t h;
} stream_u;

typedef struct conn conn;
struct conn {
  stream_u io;
  uv_timer_t timer;
  http_parser p;
  att__http *srv;
  conn *prev, *next;
  int closing;     /* handles still to close */
  int close_after; /* close once the writes are done */
  int in_req, sse, paused, last_was_value, bad;
  int lingering; /* answered and shut down for writing: reading what still comes */
  uv_shutdown_t shut;
  size_t writes; /* pending */
  char client[64];
  int local; /* over a unix socket or from loopback: a proxy may be it */
  char *url;
  size_t url_len;
  char *body;
  size_t body_len, body_cap;
  char field[24];
  size_t field_len;
  int hv; /* the header whose value comes, or -1 */
  char *hdr[NHDR];
  /* An event stream's credentials, checked again before each change is
   * sent: its Authorization (GET /v1/changes) or its session's cookie
   * (GET /ui/changes, web_stream set). */
  char *sse_auth, *sse_cookie;
  int web_stream;
  uint64_t sse_ok_ms; /* loop time of the last check that held */
  size_t hlen[NHDR];
  char *held; /* input read but not parsed while the connection waits */
  size_t held_len;
  att__rjob *job; /* the report its answer waits for */
  att__rwait *rwait; /* the reader's answer it waits for */
  int head_only;      /* the request being answered is a HEAD */
  /* An answer to a write, held until the write is on disk (group commit,
   * below): its place in the server's list, and the answer. */
  conn *sw_prev, *sw_next;
  uint64_t ticket;
  char *sw_head, *sw_body;
  size_t sw_hlen, sw_blen;
};

struct att__http {
  att_daemon *d;
  uv_loop_t *loop;
  att_api *api;
  att_web *web; /* the web page, over the API (core/web.h) */
  att__reader *reader; /* the process that answers the reads that scan the store */
  const char *shipped[33]; /* the names of the reports that ship, NULL-ended */
  stream_u ls[ATT_HTTP_LISTEN_MAX];
  char *unix_path[ATT_HTTP_LISTEN_MAX];
  size_t nls;
  http_parser_settings set;
  conn head;
  size_t nconn, max_conn;
  size_t nsse; /* of them, event streams: a change walks the connections only if some */
  uint64_t timeout_ms;
  uv_timer_t beat;
  int beat_on, stopped;
  uint64_t sse_seq, requests;
  uint64_t longest_ns[2]; /* the longest a read [0] and a write [1] held the loop */
  /* and the most CPU time one took: the loop's own work, without the
   * time it waited for a CPU that other programs had (docs/performance.md) */
  uint64_t most_cpu_ns[2];
  uint64_t over10[2]; /* how many held it over 10 ms */
  char longest[2][96];    /* which: "GET /v1/agenda" */
  /* Each request that held the loop over slow_ns is logged (at most one
   * line a second; the others are counted into the next line). */
  uint64_t slow_ns, slow_logged_ns, slow_unlogged;
  /* Group commit: answers wait in sw (oldest first) for the sync that
   * covers their ticket; one sync runs at a time, on the thread pool. */
  conn sw;
  uint64_t tickets, covers;
  int syncing, sync_fd, next_fd, sync_err;
  uv_work_t sync_work;
  uint64_t syncs, synced_writes; /* for the log at exit */
};

static char rbuf[64 * 1024]; /* shared: a request is parsed inside the read callback */

static void on_alloc(uv_handle_t *h, size_t want, uv_buf_t *b);
static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b);
static int is_loopback(const struct sockaddr *sa);

/* ---- connections ---------------------------------------------------------- */

static void req_reset(conn *c) {
  free(c->url);
  free(c->body);
  for (int i = 0; i < NHDR; i++) free(c->hdr[i]), c->hdr[i] = NULL, c->hlen[i] = 0;
  c->url = c->body = NULL;
  c->url_len = c->body_len = c->body_cap = c->field_len = 0;
  c->hv = -1;
  c->last_was_value = c->bad = 0;
}

static void on_conn_closed(uv_handle_t *h) {
  conn *c = h->data;
  if (--c->closing > 0) return;
  c->prev->next = c->next;
  c->next->prev = c->prev;
  c->srv->nconn--;
  if (c->sse) c->srv->nsse--;
  if (c->sw_next) { /* closed while its write was being synced: never answered */
    c->sw_prev->sw_next = c->sw_next;
    c->sw_next->sw_prev = c->sw_prev;
    free(c->sw_head);
    free(c->sw_body);
  }
  att__report_detach(c->job);
  att__reader_detach(c->rwait);
  req_reset(c);
  free(c->held);
  free(c->sse_auth);
  free(c->sse_cookie);
  free(c);
}

static void conn_close(conn *c) {
  if (c->closing) return;
  c->closing = 2;
  uv_close((uv_handle_t *)&c->timer, on_conn_closed);
  uv_close(&c->io.h, on_conn_closed);
}

static void on_timeout(uv_timer_t *t);
static void arm(conn *c, uint64_t ms) {
  if (!c->closing) uv_timer_start(&c->timer, on_timeout, ms, 0);
}

static void on_shut(uv_shutdown_t *r, int status) {
  conn *c = r->data;
  if (status < 0) conn_close(c);
}

/* The last answer is written: shut the connection down for writing, and
 * read (and drop) what the client still sends for a moment before
 * closing, so that closing with its unread bytes does not reset the
 * connection before it has read the answer (a 413 to a body still on its
 * way). */
static void linger(conn *c) {
  if (c->lingering || c->closing) return;
  c->lingering = 1;
  c->shut.data = c;
  if (uv_shutdown(&c->shut, &c->io.s, on_shut) != 0) {
    conn_close(c);
    return;
  }
  uv_read_start(&c->io.s, on_alloc, on_read);
  arm(c, 2000);
}

typedef struct wreq {
  uv_write_t req;
  conn *c;
  char *head, *body;
} wreq;

static void feed(conn *c, const char *buf, size_t len);

static void on_written(uv_write_t *req, int status) {
  wreq *w = (wreq *)req;
  conn *c = w->c;
  free(w->head);
  free(w->body);
  free(w);
  c->writes--;
  if (status < 0) {
    conn_close(c);
    return;
  }
  if (c->writes > 0 || c->closing || c->sse || c->sw_next) return; /* sw_next: an answer is to come */
  if (c->close_after) {
    linger(c);
    return;
  }
  arm(c, c->srv->timeout_ms); /* idle, or the next request's time */
  if (c->paused) {             /* go on with what came meanwhile */
    char *held = c->held;
    size_t n = c->held_len;
    c->held = NULL;
    c->held_len = 0;
    c->paused = 0;
    http_parser_pause(&c->p, 0);
    feed(c, held, n);
    free(held);
    if (!c->paused && !c->close_after && !c->closing) uv_read_start(&c->io.s, on_alloc, on_read);
  }
}

/* Queue head and body (both malloc'd, taken) on c. */
static void write_out(conn *c, char *head, size_t hlen, char *body, size_t blen) {
  wreq *w;
  uv_buf_t b[2];
  if (c->closing || (w = malloc(sizeof *w)) == NULL) {
    free(head);
    free(body);
    if (!c->closing) conn_close(c);
    return;
  }
  w->c = c;
  w->head = head;
  w->body = body;
  b[0] = uv_buf_init(head, (unsigned)hlen);
  b[1] = uv_buf_init(body ? body : head, body ? (unsigned)blen : 0);
  c->writes++;
  if (uv_write(&w->req, &c->io.s, b, body && blen ? 2 : 1, on_written) != 0) {
    c->writes--;
    free(head);
    free(body);
    free(w);
    conn_close(c);
  }
}

/* The head of an answer; *len its length.  NULL when out of memory. */
static char *head_of(int status, const att_api_res *rs, size_t blen, int close, size_t *len) {
  char h[1024];
  int n = snprintf(h, sizeof h, "HTTP/1.1 %d %s\r\n", status, http_status_str((enum http_status)status));
#define ADD(...) n += snprintf(h + n, sizeof h - (size_t)n, __VA_ARGS__)
  if (rs && rs->content_type) ADD("Content-Type: %s\r\n", rs->content_type);
  if (status != 204 && status != 304 && !(rs && rs->stream)) ADD("Content-Length: %zu\r\n", blen);
  if (rs && rs->etag[0]) ADD("ETag: %s\r\n", rs->etag);
  if (rs && rs->location[0]) ADD("Location: %s\r\n", rs->location);
  if (rs && rs->allow) ADD("Allow: %s\r\n", rs->allow);
  if (rs && rs->www_authenticate) ADD("WWW-Authenticate: Bearer realm=\"attache\"\r\n");
  if (rs && rs->retry_after > 0) ADD("Retry-After: %d\r\n", rs->retry_after);
  if (rs && rs->set_cookie[0]) ADD("Set-Cookie: %s\r\n", rs->set_cookie);
  /* A page runs its own script and style only, and is never framed. */
  if (rs && rs->html)
    ADD("Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'\r\n"
        "X-Frame-Options: DENY\r\nReferrer-Policy: same-origin\r\n");
  ADD("Cache-Control: %s\r\nX-Content-Type-Options: nosniff\r\n",
      rs && rs->stream ? "no-cache" : "no-store");
  if (close) ADD("Connection: close\r\n");
  ADD("\r\n");
#undef ADD
  if (n < 0 || (size_t)n >= sizeof h) return NULL;
  *len = (size_t)n;
  return strdup(h);
}

/* Send status with rs's headers and body (taken), closing after it if
 * c->close_after; then wait for the client to read it. */
static void send_answer(conn *c, int status, const att_api_res *rs, char *body, size_t n) {
  size_t hl;
  char *head = body || n == 0 ? head_of(status, rs, n, c->close_after, &hl) : NULL;
  if (head == NULL) {
    free(body);
    conn_close(c);
    return;
  }
  if (c->head_only) { /* HEAD: the body's length, not the body */
    free(body);
    body = NULL;
    n = 0;
  }
  write_out(c, head, hl, body, n);
  arm(c, 3 * c->srv->timeout_ms);
}

/* An answer made here, not by the API: {"error": {...}}; then close if told. */
static void answer_error(conn *c, int status, const char *msg, int close) {
  att_api_res rs;
  size_t n = 0;
  char *body = att_api_error_body(status, msg);
  if (body) n = strlen(body);
  memset(&rs, 0, sizeof rs);
  rs.content_type = "application/json";
  if (status == 503) rs.retry_after = 1;
  if (close) c->close_after = 1;
  if (body == NULL) conn_close(c);
  else send_answer(c, status, &rs, body, n);
}

static void on_timeout(uv_timer_t *t) {
  conn *c = t->data;
  if (c->sse || c->job) return;
  if (c->writes > 0 || c->lingering) { /* the client does not read its answer, or lingered */
    conn_close(c);
  } else if (c->in_req) {
    c->in_req = 0;
    answer_error(c, 408, "the request did not arrive in time (the request timeout)", 1);
    uv_read_stop(&c->io.s);
  } else {
    conn_close(c); /* idle */
  }
}

/* ---- parsing ---------------------------------------------------------- */

static int grow_append(char **buf, size_t *len, size_t *cap, const char *at, size_t n, size_t max) {
  if (*len + n > max) return -1;
  if (*len + n + 1 > *cap) {
    size_t nc = *cap ? *cap : 256;
    char *nb;
    while (nc < *len + n + 1) nc *= 2;
    if (nc > max + 1) nc = max + 1;
    if ((nb = realloc(*buf, nc)) == NULL) return -1;
    *buf = nb;
    *cap = nc;
  }
  memcpy(*buf + *len, at, n);
  *len += n;
  (*buf)[*len] = '\0';
  return 0;
}

static int on_begin(http_parser *p) {
  conn *c = p->data;
  req_reset(c);
  c->in_req = 1;
  c->head_only = 0;
  arm(c, c->srv->timeout_ms); /* the whole request from its first byte */
  return 0;
}

static int on_url(http_parser *p, const char *at, size_t n) {
  conn *c = p->data;
  size_t cap = c->url ? c->url_len + 1 : 0;
  if (grow_append(&c->url, &c->url_len, &cap, at, n, URL_MAX) != 0) {
    c->bad = 414;
    return -1;
  }
  return 0;
}

static int on_field(http_parser *p, const char *at, size_t n) {
  conn *c = p->data;
  if (c->last_was_value) c->field_len = 0, c->last_was_value = 0;
  for (size_t i = 0; i < n; i++) {
    char ch = at[i];
    if (ch >= 'A' && ch <= 'Z') ch = (char)(ch - 'A' + 'a');
    if (c->field_len < sizeof c->field - 1) c->field[c->field_len] = ch;
    c->field_len++;
  }
  return 0;
}

static int on_value(http_parser *p, const char *at, size_t n) {
  conn *c = p->data;
  if (!c->last_was_value) {
    c->last_was_value = 1;
    c->hv = -1;
    if (c->field_len < sizeof c->field) {
      c->field[c->field_len] = '\0';
      for (int i = 0; i < NHDR; i++)
        if (!strcmp(c->field, hdr_names[i])) c->hv = i;
    }
    if (c->hv >= 0 && c->hdr[c->hv]) { /* twice: which one counts would be a guess */
      c->bad = 400;
      return -1;
    }
    if (c->hv >= 0 && (c->hdr[c->hv] = calloc(1, 1)) == NULL) return -1;
  }
  if (c->hv >= 0) {
    size_t cap = c->hlen[c->hv] + 1;
    if (grow_append(&c->hdr[c->hv], &c->hlen[c->hv], &cap, at, n, VALUE_MAX) != 0) {
      c->bad = 431;
      return -1;
    }
  }
  return 0;
}

static int on_headers_done(http_parser *p) {
  conn *c = p->data;
  if (p->upgrade) { /* Upgrade or CONNECT: what follows would not be HTTP */
    c->bad = 1401;
    return -1;
  }
  if ((p->flags & F_CONTENTLENGTH) && p->content_length > ATT_API_BODY_MAX) {
    c->bad = 413;
    return -1;
  }
  if (p->http_major == 1 && p->http_minor >= 1 && !c->hdr[H_HOST]) {
    c->bad = 1400; /* 400, no Host (1400, 1401: 400 with their own message) */
    return -1;
  }
  if (c->hdr[H_EXPECT]) {
    if (strcasecmp(c->hdr[H_EXPECT], "100-continue") != 0) {
      c->bad = 417;
      return -1;
    }
    if (!c->closing) {
      static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
      char *h = strdup(cont);
      if (h) write_out(c, h, sizeof cont - 1, NULL, 0);
    }
  }
  return 0;
}

static int on_body(http_parser *p, const char *at, size_t n) {
  conn *c = p->data;
  if (grow_append(&c->body, &c->body_len, &c->body_cap, at, n, ATT_API_BODY_MAX) != 0) {
    c->bad = 413;
    return -1;
  }
  return 0;
}

/* ---- requests ------------------------------------------------------------- */

/* Percent-decode s (n bytes), '+' as a space in a query when plus; NULL on
 * a NUL in it or out of memory. */
static char *decode(const char *s, size_t n, int plus) {
  char *t = malloc(n + 1), *out;
  int len = 0;
  if (t == NULL) return NULL;
  for (size_t i = 0; i < n; i++) t[i] = plus && s[i] == '+' ? ' ' : s[i];
  t[n] = '\0';
  out = curl_easy_unescape(NULL, t, (int)n, &len);
  free(t);
  if (out == NULL) return NULL;
  if (memchr(out, '\0', (size_t)len)) {
    curl_free(out);
    return NULL;
  }
  t = strdup(out);
  curl_free(out);
  return t;
}

#define PARAM_MAX 64

typedef struct parsed {
  char *path;
  att_api_param params[PARAM_MAX];
  size_t n;
} parsed;

static void parsed_free(parsed *q) {
  free(q->path);
  for (size_t i = 0; i < q->n; i++) free((char *)q->params[i].name), free((char *)q->params[i].value);
}

/* name=value&... (a query, or a form's body) into q's parameters: NULL,
 * or 400's message. */
static const char *parse_pairs(const char *s, size_t len, parsed *q) {
  const char *end = s + len;
  while (s < end) {
    const char *amp = memchr(s, '&', (size_t)(end - s)), *e = amp ? amp : end, *eq;
    if (e > s) {
      if (q->n == PARAM_MAX) return "too many parameters (at most 64)";
      eq = memchr(s, '=', (size_t)(e - s));
      q->params[q->n].name = decode(s, (size_t)((eq ? eq : e) - s), 1);
      q->params[q->n].value = eq ? decode(eq + 1, (size_t)(e - eq - 1), 1) : strdup("");
      q->n++;
      if (!q->params[q->n - 1].name || !q->params[q->n - 1].value)
        return "a parameter has a NUL byte, or is not percent-encoded right";
    }
    s = e + 1;
  }
  return NULL;
}

/* The path and the query of c's URL, decoded: 0, or 400's message. */
static const char *parse_target(conn *c, parsed *q) {
  struct http_parser_url u;
  memset(q, 0, sizeof *q);
  http_parser_url_init(&u);
  if (!c->url || http_parser_parse_url(c->url, c->url_len, 0, &u) != 0 || !(u.field_set & (1 << UF_PATH)))
    return "the request's target is not a path";
  if ((q->path = decode(c->url + u.field_data[UF_PATH].off, u.field_data[UF_PATH].len, 0)) == NULL)
    return "the path has a NUL byte, or is not percent-encoded right";
  if (u.field_set & (1 << UF_QUERY))
    return parse_pairs(c->url + u.field_data[UF_QUERY].off, u.field_data[UF_QUERY].len, q);
  return NULL;
}

static void sse_start(conn *c);

/* A report ended: its answer, and the connection goes on. */
static void report_done(void *ud, int status, const char *ctype, char *body, size_t len) {
  conn *c = ud;
  att_api_res rs;
  c->job = NULL;
  memset(&rs, 0, sizeof rs);
  if (status != 200) {
    answer_error(c, status, body ? body : "the report failed", 0);
    free(body);
  } else {
    rs.content_type = ctype;
    send_answer(c, 200, &rs, body, len);
  }
}

/* ---- group commit ---------------------------------------------------------
 *
 * A write's commit leaves its sync to us (att_store_set_lazy_sync): its
 * answer waits here while the journal is synced on the thread pool, and
 * the writes made meanwhile share the next sync.  So the loop never waits
 * for the disk, and a 2xx still means durable.  One sync runs at a time;
 * a ticket says which sync an answer waits for.
 */

static void sync_start(att__http *srv);

static void sync_run(uv_work_t *w) {
  att__http *srv = w->data;
  srv->sync_err = fdatasync(srv->sync_fd) == 0 ? 0 : errno;
  close(srv->sync_fd);
}

static void sync_done(uv_work_t *w, int status) {
  att__http *srv = w->data;
  att_daemon *d = srv->d;
  int err = status == UV_ECANCELED ? ECANCELED : srv->sync_err;
  char msg[300];
  srv->syncing = 0;
  srv->syncs++;
  if (err) {
    snprintf(msg, sizeof msg,
             "the change was written, but its sync to disk failed (%s): it is not acknowledged, "
             "and the store refuses writes until the daemon is restarted", strerror(err));
    if (d->e->store) att_store_sync_failed(d->e->store);
    att__log(d, ATT_LOG_ERROR, NULL, "%s", msg);
  }
  while (srv->sw.sw_next != &srv->sw && srv->sw.sw_next->ticket <= srv->covers) {
    conn *c = srv->sw.sw_next;
    char *h = c->sw_head, *b = c->sw_body;
    srv->sw.sw_next = c->sw_next;
    c->sw_next->sw_prev = &srv->sw;
    c->sw_next = c->sw_prev = NULL;
    c->sw_head = c->sw_body = NULL;
    srv->synced_writes++;
    if (err) {
      free(h);
      free(b);
      answer_error(c, 500, msg, 1);
    } else {
      write_out(c, h, c->sw_hlen, b, c->sw_blen);
      arm(c, 3 * srv->timeout_ms); /* for the client to read it */
    }
  }
  if (srv->sw.sw_next != &srv->sw) sync_start(srv);
}

static void sync_start(att__http *srv) {
  srv->sync_fd = srv->next_fd;
  srv->next_fd = -1;
  srv->covers = srv->tickets;
  srv->syncing = 1;
  srv->sync_err = 0;
  srv->sync_work.data = srv;
  if (srv->sync_fd < 0) { /* nothing of theirs left unsynced (cannot happen) */
    sync_done(&srv->sync_work, 0);
    return;
  }
  if (uv_queue_work(srv->loop, &srv->sync_work, sync_run, sync_done) != 0) {
    sync_run(&srv->sync_work); /* no pool: here, as before */
    sync_done(&srv->sync_work, 0);
  }
}

/* After a request: if it committed a write, hold its answer (head and
 * body taken) until the write is synced: 1.  0: nothing to wait for.
 * -1: it could not be synced (the message says why); head and body are
 * the caller's. */
static int hold_for_sync(att__http *srv, conn *c, char *head, size_t hlen, char *body, size_t blen) {
  att_store *st = srv->d->e->store;
  int fd;
  if (st == NULL) return 0;
  if (att_store_sync_take(st, &fd) != 0) /* no descriptor to spare: sync here */
    return att_store_sync(st) == 0 ? 0 : -1;
  if (fd < 0) return 0;
  if (srv->next_fd >= 0) close(srv->next_fd); /* the same journal, or one a compaction replaced */
  srv->next_fd = fd;
  c->ticket = ++srv->tickets;
  c->sw_head = head;
  c->sw_hlen = hlen;
  c->sw_body = body;
  c->sw_blen = blen;
  c->sw_next = &srv->sw;
  c->sw_prev = srv->sw.sw_prev;
  srv->sw.sw_prev->sw_next = c;
  srv->sw.sw_prev = c;
  if (!srv->syncing) sync_start(srv);
  return 1;
}

/* The reader answered: send it on, and the connection goes on. */
static void read_done(void *ud, int status, const char *ctype, const char *etag, char *body, size_t len) {
  conn *c = ud;
  att_api_res rs;
  c->rwait = NULL;
  if (etag == NULL) { /* no answer from the reader: body says why */
    answer_error(c, status, body ? body : "the reader failed", 0);
    free(body);
    return;
  }
  memset(&rs, 0, sizeof rs);
  rs.content_type = ctype ? ctype : "application/json";
  rs.html = !strncmp(rs.content_type, "text/html", 9); /* a page: sent with its headers */
  if (etag) snprintf(rs.etag, sizeof rs.etag, "%s", etag);
  if (status == 304) {
    free(body);
    body = NULL;
    len = 0;
  }
  send_answer(c, status, &rs, body, len);
}

/* The answer to rq: the web page's (a form's body decoded), or the API's. */
static int serve(att__http *srv, conn *c, const parsed *q, const att_api_req *rq, att_api_res *rs) {
  att_web_req wr;
  parsed f;
  const char *why;
  int rc;
  if (!att_web_path(q->path)) return att_api_handle(srv->api, rq, rs);
  memset(&f, 0, sizeof f);
  if (c->hdr[H_CTYPE] && !strncasecmp(c->hdr[H_CTYPE], "application/x-www-form-urlencoded", 33) &&
      (why = parse_pairs(c->body ? c->body : "", c->body_len, &f)) != NULL) {
    parsed_free(&f);
    memset(rs, 0, sizeof *rs);
    rs->status = 400;
    rs->content_type = "text/plain; charset=utf-8";
    if ((rs->body = strdup(why)) == NULL) return ATT_ENOMEM;
    rs->body_len = strlen(why);
    return 0;
  }
  memset(&wr, 0, sizeof wr);
  wr.method = rq->method;
  wr.path = q->path;
  wr.params = q->params;
  wr.nparams = q->n;
  wr.form = f.params;
  wr.nform = f.n;
  wr.cookie = c->hdr[H_COOKIE];
  wr.origin = c->hdr[H_ORIGIN];
  wr.host = c->hdr[H_HOST];
  wr.client = rq->client;
  wr.offload_ok = rq->offload_ok;
  rc = att_web_handle(srv->web, &wr, rs);
  parsed_free(&f);
  return rc;
}

static uint64_t thread_cpu_ns(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The time now, to the millisecond ("12:04:05.123Z"): to be laid beside
 * what else held the machine then (bench/late.py). */
static void clock_text(char *buf, size_t size) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  snprintf(buf, size, "%02d:%02d:%02d.%03ldZ", tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

/* A request held the loop ns (cpu_ns of it on the CPU): a line in the
 * log, as Redis's SLOWLOG keeps one, for an administrator (and the
 * benchmark) to find what held the server and when. */
static void slow_request(att__http *srv, const att_api_req *rq, const char *path, uint64_t ns, uint64_t cpu_ns) {
  char at[64], more[64] = "";
  uint64_t now = uv_hrtime();
  if (srv->slow_logged_ns && now - srv->slow_logged_ns < 1000000000u) {
    srv->slow_unlogged++;
    return;
  }
  if (srv->slow_unlogged)
    snprintf(more, sizeof more, " (and %llu more since the last such line)", (unsigned long long)srv->slow_unlogged);
  srv->slow_logged_ns = now;
  srv->slow_unlogged = 0;
  clock_text(at, sizeof at);
  att__log(srv->d, ATT_LOG_WARN, NULL, "slow request: %s %.60s held the loop %.2f ms (%.2f ms on the CPU), ended at %s%s",
           rq->method, path, (double)ns / 1e6, (double)cpu_ns / 1e6, at, more);
}

static int on_complete(http_parser *p) {
  conn *c = p->data;
  att__http *srv = c->srv;
  att_daemon *d = srv->d;
  att_api_req rq;
  att_api_res rs;
  parsed q;
  const char *why;
  int keep = http_should_keep_alive(p) && !srv->stopped, head = p->method == HTTP_HEAD, rc;
  size_t hl;
  char *h;
  uint64_t t0, c0;
  int held;
  c->in_req = 0;
  c->head_only = head;
  uv_timer_stop(&c->timer);
  srv->requests++;
  if ((why = parse_target(c, &q)) != NULL) {
    parsed_free(&q);
    answer_error(c, 400, why, 1);
    http_parser_pause(p, 1);
    c->paused = 1;
    return 0;
  }
  memset(&rq, 0, sizeof rq);
  rq.method = head ? "GET" : http_method_str((enum http_method)p->method);
  rq.path = q.path;
  rq.params = q.params;
  rq.nparams = q.n;
  rq.authorization = c->hdr[H_AUTH];
  rq.if_match = c->hdr[H_IFMATCH];
  rq.if_none_match = c->hdr[H_IFNONE];
  /* Behind a trusted proxy (on this machine), the client is the one it
   * names in X-Real-IP, which it sets itself (docs/http.md, "TLS"). */
  rq.client = d->o.http.trust_proxy && c->local && c->hdr[H_REALIP] && c->hdr[H_REALIP][0]
                  ? c->hdr[H_REALIP]
                  : c->client;
  rq.body = c->body;
  rq.body_len = c->body_len;
  rq.offload_ok = srv->reader != NULL; /* reads that scan the store: the reader's */
  t0 = uv_hrtime();
  c0 = thread_cpu_ns();
  /* A write that finds the store held by another process (an import,
   * a compaction) is 503 at once: the loop never waits for a lock. */
  if (d->e->store) att_store_set_nowait(d->e->store, 1), att_store_set_lazy_sync(d->e->store, 1);
  rc = serve(srv, c, &q, &rq, &rs);
  if (d->e->store) att_store_set_nowait(d->e->store, 0), att_store_set_lazy_sync(d->e->store, 0);
  if (rc != 0) {
    parsed_free(&q);
    answer_error(c, 500, "out of memory", 1);
    http_parser_pause(p, 1);
    c->paused = 1;
    return 0;
  }
  {
    int w = strcmp(rq.method, "GET") != 0 && strcmp(rq.method, "HEAD") != 0;
    if ((c0 = thread_cpu_ns() - c0) > srv->most_cpu_ns[w]) srv->most_cpu_ns[w] = c0;
    if ((t0 = uv_hrtime() - t0) > 10000000u) srv->over10[w]++;
    if (t0 > srv->slow_ns) slow_request(srv, &rq, q.path, t0, c0);
    if (t0 > srv->longest_ns[w]) {
      srv->longest_ns[w] = t0;
      size_t l = (size_t)snprintf(srv->longest[w], sizeof srv->longest[w], "%s %.60s, at ", rq.method, q.path);
      if (l < sizeof srv->longest[w]) clock_text(srv->longest[w] + l, sizeof srv->longest[w] - l);
    }
  }
  if (rs.offload) { /* the reader answers it; the loop goes on */
    int rrc;
    att_web_view v, *web = NULL;
    if (!keep) c->close_after = 1;
    if (att_web_path(q.path)) att_web_offloaded(srv->web, web = &v);
    rrc = att__reader_ask(srv->reader, &rq, web, att__now(d), read_done, c, &c->rwait);
    parsed_free(&q);
    att_api_res_free(&rs);
    if (rrc != 0) answer_error(c, rrc == ATT_EBUSY ? 503 : 500, att_errmsg(), !keep);
    req_reset(c);
    http_parser_pause(p, 1);
    c->paused = 1;
    return 0;
  }
  if (rs.report) { /* run off the loop; answered when it ends */
    if (!keep) c->close_after = 1;
    int rrc = att__report_run(d, rs.report, q.params, q.n, report_done, c, &c->job);
    if (rrc != 0) {
      int busy = rrc == ATT_EBUSY;
      parsed_free(&q);
      att_api_res_free(&rs);
      answer_error(c, busy ? 503 : 500, att_errmsg(), !keep);
    } else {
      parsed_free(&q);
      att_api_res_free(&rs);
    }
    req_reset(c);
    http_parser_pause(p, 1);
    c->paused = 1;
    return 0;
  }
  if (rs.stream && !head) { /* its credentials, checked again before each change */
    c->web_stream = att_web_path(q.path);
    c->sse_auth = c->hdr[H_AUTH] ? strdup(c->hdr[H_AUTH]) : NULL;
    c->sse_cookie = c->hdr[H_COOKIE] ? strdup(c->hdr[H_COOKIE]) : NULL;
  }
  parsed_free(&q);
  /* What the API wrote, it wrote as the token's user: the daemon's own
   * writes are the daemon's again. */
  if (d->e->store && att_store_set_author(d->e->store, d->e->author) != 0) att__errclear();
  if (!keep && !rs.stream) c->close_after = 1;
  /* A stream ends when the connection does: said with Connection: close. */
  h = head_of(rs.status, &rs, rs.body_len, !keep || rs.stream, &hl);
  if (h == NULL) {
    att_api_res_free(&rs);
    conn_close(c);
    return -1;
  }
  if (head) free(rs.body), rs.body = NULL, rs.body_len = 0;
  held = rs.stream ? 0 : hold_for_sync(srv, c, h, hl, rs.body, rs.body_len);
  if (held < 0) {
    free(h);
    att_api_res_free(&rs);
    req_reset(c);
    answer_error(c, 500, att_errmsg(), 1);
    http_parser_pause(p, 1);
    c->paused = 1;
    return 0;
  }
  if (!held) write_out(c, h, hl, rs.body, rs.body_len);
  rs.body = NULL;
  /* A HEAD of a stream is its head alone (it sent the stream, and held
   * the connection, and a request after it was never answered). */
  if (rs.stream && head) c->close_after = 1;
  else if (rs.stream) sse_start(c);
  att_api_res_free(&rs);
  req_reset(c);
  /* Nothing more from this client until its answer is written. */
  if (held || c->writes > 0 || c->sse || c->close_after) {
    http_parser_pause(p, 1);
    c->paused = 1;
    if (!c->sse) arm(c, 3 * srv->timeout_ms); /* for the client to read it */
  } else {
    arm(c, srv->timeout_ms);
  }
  /* The changes the request made, or found (refresh), go to the rules. */
  if (d->npend > d->headpend) att__changed(d);
  return 0;
}

/* Parse buf: the requests in it are answered; what comes after a pause is
 * held for when the connection goes on. */
static void feed(conn *c, const char *buf, size_t len) {
  size_t done = http_parser_execute(&c->p, &c->srv->set, buf, len);
  enum http_errno e = HTTP_PARSER_ERRNO(&c->p);
  if (c->closing) return;
  if (e == HPE_PAUSED) {
    if (done < len && !c->close_after && !c->sse) {
      char *h = realloc(c->held, c->held_len + len - done);
      if (h == NULL) {
        conn_close(c);
        return;
      }
      memcpy(h + c->held_len, buf + done, len - done);
      c->held = h;
      c->held_len += len - done;
    }
    if (!c->sse) uv_read_stop(&c->io.s); /* a stream reads on, to see its client go */
    return;
  }
  if (e != HPE_OK || c->p.upgrade) {
    char msg[200];
    int st = c->bad && c->bad < 1000 ? c->bad : 400;
    if (c->bad == 1400) snprintf(msg, sizeof msg, "an HTTP/1.1 request needs a Host header");
    else if (st == 413) snprintf(msg, sizeof msg, "the body is larger than %d bytes", ATT_API_BODY_MAX);
    else if (st == 414) snprintf(msg, sizeof msg, "the URL is longer than %d bytes", URL_MAX);
    else if (st == 431) snprintf(msg, sizeof msg, "a header is longer than %d bytes", VALUE_MAX);
    else if (st == 417) snprintf(msg, sizeof msg, "Expect: only 100-continue is understood");
    else if (c->bad == 1401 || c->p.upgrade)
      snprintf(msg, sizeof msg, "upgrades (Upgrade: ..., CONNECT) are not offered");
    else if (c->bad == 400) snprintf(msg, sizeof msg, "a header the server reads is given twice");
    else snprintf(msg, sizeof msg, "malformed HTTP: %s", http_errno_description(e));
    c->in_req = 0;
    answer_error(c, st, msg, 1);
    uv_read_stop(&c->io.s);
  }
}

static void on_alloc(uv_handle_t *h, size_t want, uv_buf_t *b) {
  (void)h;
  (void)want;
  *b = uv_buf_init(rbuf, sizeof rbuf);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b) {
  conn *c = s->data;
  if (n == 0) return;
  if (n < 0) {
    if ((c->writes == 0 && !c->sw_next) || n != UV_EOF || c->sse || c->lingering) conn_close(c);
    else uv_read_stop(s), c->close_after = 1; /* half-closed: the answers still go */
    return;
  }
  if (c->close_after || c->closing || c->sse || c->lingering) return;
  feed(c, b->base, (size_t)n);
}

static void on_accept(uv_stream_t *l, int status) {
  att__http *srv = l->data;
  conn *c;
  if (status < 0) return;
  if ((c = calloc(1, sizeof *c)) == NULL) return;
  c->srv = srv;
  if (l->type == UV_NAMED_PIPE) uv_pipe_init(srv->loop, &c->io.pipe, 0);
  else uv_tcp_init(srv->loop, &c->io.tcp);
  c->io.h.data = c;
  uv_timer_init(srv->loop, &c->timer);
  c->timer.data = c;
  c->hv = -1;
  c->next = &srv->head;
  c->prev = srv->head.prev;
  srv->head.prev->next = c;
  srv->head.prev = c;
  srv->nconn++;
  if (uv_accept(l, &c->io.s) != 0 || srv->nconn > srv->max_conn || srv->stopped) {
    conn_close(c);
    return;
  }
  if (l->type == UV_NAMED_PIPE) {
    /* The client is the user at the other end (the kernel says which):
     * wrong tokens lock out that user, not every client of the socket. */
    struct ucred cred;
    socklen_t clen = sizeof cred;
    uv_os_fd_t fd;
    if (uv_fileno(&c->io.h, &fd) == 0 && getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0)
      snprintf(c->client, sizeof c->client, "unix:uid=%lu", (unsigned long)cred.uid);
    else
      snprintf(c->client, sizeof c->client, "unix");
    c->local = 1;
  } else {
    struct sockaddr_storage sa;
    int len = sizeof sa;
    uv_tcp_nodelay(&c->io.tcp, 1);
    if (uv_tcp_getpeername(&c->io.tcp, (struct sockaddr *)&sa, &len) == 0) {
      if (sa.ss_family == AF_INET6) uv_ip6_name((struct sockaddr_in6 *)&sa, c->client, sizeof c->client);
      else uv_ip4_name((struct sockaddr_in *)&sa, c->client, sizeof c->client);
      c->local = is_loopback((struct sockaddr *)&sa);
    }
  }
  http_parser_init(&c->p, HTTP_REQUEST);
  c->p.data = c;
  arm(c, srv->timeout_ms); /* the first request must come in time too */
  uv_read_start(&c->io.s, on_alloc, on_read);
}

/* ---- the event stream ----------------------------------------------------- */

static int sse_allowed(att__http *srv, conn *c);

static void sse_write(conn *c, const char *text, size_t n) {
  char *t;
  if (c->closing) return;
  if (uv_stream_get_write_queue_size(&c->io.s) > SSE_QUEUE_MAX) { /* not read: dropped */
    conn_close(c);
    return;
  }
  if ((t = malloc(n)) == NULL) return;
  memcpy(t, text, n);
  write_out(c, t, n, NULL, 0);
}

static void on_beat(uv_timer_t *t) {
  att__http *srv = t->data;
  if (srv->nsse == 0) { /* no stream left: the beat stops until the next */
    uv_timer_stop(&srv->beat);
    srv->beat_on = 0;
    return;
  }
  for (conn *c = srv->head.next, *nx; c != &srv->head; c = nx) {
    nx = c->next;
    if (!c->sse || c->closing) continue;
    if (sse_allowed(srv, c)) sse_write(c, ": still here\n\n", 14);
    else conn_close(c);
  }
}

static void sse_start(conn *c) {
  att__http *srv = c->srv;
  c->sse = 1;
  srv->nsse++;
  uv_timer_stop(&c->timer);
  sse_write(c, "retry: 2000\n\n", 13);
  if (!srv->beat_on) {
    uv_timer_start(&srv->beat, on_beat, SSE_BEAT_MS, SSE_BEAT_MS);
    srv->beat_on = 1;
  }
}

/* Does the stream's user still hold what opened it?  A token that a lock,
 * a removal or a new token ended, a session logged out or ended: the
 * stream went on sending every change.  Asked as the request would be
 * (a cheap GET); only a refusal (401, 403) ends the stream, not a rate
 * limit or a failure to answer. */
static int sse_allowed(att__http *srv, conn *c) {
  att_api_res rs;
  int st;
  uint64_t now = uv_now(c->io.h.loop);
  /* At most a check a second a stream: a bulk import sends thousands of
   * changes, each check reads the users and counts in the user's rate. */
  if (c->sse_ok_ms && now - c->sse_ok_ms < 1000) return 1;
  if (c->web_stream) {
    att_web_req wr;
    att_api_param qp = {"q", "2024"};
    memset(&wr, 0, sizeof wr);
    wr.method = "GET";
    wr.path = "/ui/dates";
    wr.params = &qp;
    wr.nparams = 1;
    wr.cookie = c->sse_cookie;
    if (att_web_handle(srv->web, &wr, &rs) != 0) return 1;
  } else {
    att_api_req rq;
    memset(&rq, 0, sizeof rq);
    rq.method = "GET";
    rq.path = "/v1/whoami";
    rq.authorization = c->sse_auth;
    if (att_api_handle(srv->api, &rq, &rs) != 0) return 1;
  }
  st = rs.status;
  att_api_res_free(&rs);
  if (st == 401 || st == 403) return 0;
  c->sse_ok_ms = now ? now : 1;
  return 1;
}

void att__http_changed(att_daemon *d, int op, int64_t id) {
  att__http *srv = d->http;
  char ev[160];
  int n;
  static const char *const ops[] = {"?", "add", "update", "remove", "restore", "prune"};
  if (srv == NULL || srv->stopped) return;
  srv->sse_seq++;
  if (srv->nsse == 0) return;
  n = snprintf(ev, sizeof ev, "id: %llu\nevent: change\ndata: {\"op\":\"%s\",\"id\":%lld}\n\n",
               (unsigned long long)srv->sse_seq, op >= 1 && op <= 5 ? ops[op] : ops[0], (long long)id);
  for (conn *c = srv->head.next, *nx; c != &srv->head; c = nx) {
    nx = c->next;
    if (!c->sse || c->closing) continue;
    if (sse_allowed(srv, c)) sse_write(c, ev, (size_t)n);
    else conn_close(c);
  }
}

/* ---- listening ------------------------------------------------------------ */

static int is_loopback(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET)
    return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
  if (sa->sa_family == AF_INET6) {
    const unsigned char *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
    static const unsigned char one[16] = {[15] = 1}, mapped[12] = {[10] = 0xff, [11] = 0xff};
    return !memcmp(a, one, 16) || (!memcmp(a, mapped, 12) && a[12] == 127);
  }
  return 0;
}

/* "HOST:PORT", "[V6]:PORT" into sa; 0, or -1 with the reason in why. */
int att__http_addr(const char *spec, struct sockaddr_storage *sa, const char **why) {
  char host[64];
  const char *colon, *h = spec;
  size_t hl;
  char *end;
  long port;
  if (spec[0] == '[') {
    const char *rb = strchr(spec, ']');
    if (!rb || rb[1] != ':') return *why = "an IPv6 address is [ADDR]:PORT", -1;
    h = spec + 1;
    hl = (size_t)(rb - h);
    colon = rb + 1;
  } else {
    if ((colon = strrchr(spec, ':')) == NULL) return *why = "no port: give HOST:PORT", -1;
    hl = (size_t)(colon - spec);
  }
  if (hl == 0 || hl >= sizeof host) return *why = "no host: give HOST:PORT (127.0.0.1:8080)", -1;
  memcpy(host, h, hl);
  host[hl] = '\0';
  if (!strcmp(host, "localhost")) strcpy(host, "127.0.0.1");
  errno = 0;
  port = strtol(colon + 1, &end, 10);
  if (colon[1] == '\0' || *end || errno || port < 0 || port > 65535)
    return *why = "the port is a number from 0 to 65535 (0: any free port)", -1;
  memset(sa, 0, sizeof *sa);
  if (uv_ip4_addr(host, (int)port, (struct sockaddr_in *)sa) != 0 &&
      uv_ip6_addr(host, (int)port, (struct sockaddr_in6 *)sa) != 0)
    return *why = "the host is a numeric address (127.0.0.1, ::1) or localhost", -1;
  return 0;
}

/* A unix socket's file that nothing listens on any more is removed first. */
static int stale_socket(const char *path) {
  struct stat sb;
  struct sockaddr_un un;
  int fd, r;
  if (lstat(path, &sb) != 0) return 0;
  if (!S_ISSOCK(sb.st_mode)) return -1;
  if (strlen(path) >= sizeof un.sun_path) return -1;
  memset(&un, 0, sizeof un);
  un.sun_family = AF_UNIX;
  strcpy(un.sun_path, path);
  if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0) return -1;
  r = connect(fd, (struct sockaddr *)&un, sizeof un);
  close(fd);
  if (r == 0) return -1; /* someone listens */
  return unlink(path) == 0 ? 0 : -1;
}

static int listen_one(att__http *srv, const char *spec, int insecure) {
  att_daemon *d = srv->d;
  stream_u *l = &srv->ls[srv->nls];
  int rc;
  char shown[300];
  if (!strncmp(spec, "unix:", 5)) {
    const char *path = spec + 5;
    if (!*path) return att__err(ATT_EINVAL, "--listen %s: give unix:PATH", spec);
    if (stale_socket(path) != 0)
      return att__err(ATT_EIO, "--listen %s: %s is in use or is not a socket", spec, path);
    if ((rc = uv_pipe_init(srv->loop, &l->pipe, 0)) != 0) goto fail;
    l->h.data = srv;
    srv->nls++;
    if ((rc = uv_pipe_bind(&l->pipe, path)) != 0) goto fail;
    if ((srv->unix_path[srv->nls - 1] = strdup(path)) == NULL) return att__err(ATT_ENOMEM, "out of memory");
    snprintf(shown, sizeof shown, "unix:%s", path);
  } else {
    struct sockaddr_storage sa;
    const char *why;
    int len = sizeof sa;
    char host[64];
    if (att__http_addr(spec, &sa, &why) != 0) return att__err(ATT_EINVAL, "--listen %s: %s", spec, why);
    if (!insecure && !is_loopback((struct sockaddr *)&sa))
      return att__err(ATT_EINVAL,
                      "--listen %s: plain HTTP is served on loopback only (127.0.0.1, ::1); put a "
                      "TLS proxy in front (docs/http.md, \"TLS\"), or give --insecure to serve "
                      "plain HTTP on a network",
                      spec);
    if ((rc = uv_tcp_init(srv->loop, &l->tcp)) != 0) goto fail;
    l->h.data = srv;
    srv->nls++;
    if ((rc = uv_tcp_bind(&l->tcp, (struct sockaddr *)&sa, 0)) != 0) goto fail;
    if (uv_tcp_getsockname(&l->tcp, (struct sockaddr *)&sa, &len) == 0) {
      if (sa.ss_family == AF_INET6) {
        uv_ip6_name((struct sockaddr_in6 *)&sa, host, sizeof host);
        snprintf(shown, sizeof shown, "http://[%s]:%d/", host, ntohs(((struct sockaddr_in6 *)&sa)->sin6_port));
      } else {
        uv_ip4_name((struct sockaddr_in *)&sa, host, sizeof host);
        snprintf(shown, sizeof shown, "http://%s:%d/", host, ntohs(((struct sockaddr_in *)&sa)->sin_port));
      }
    }
  }
  if ((rc = uv_listen(&l->s, 1024, on_accept)) != 0) goto fail;
  att__log(d, ATT_LOG_INFO, NULL, "listening on %s", shown);
  return 0;
fail:
  return att__err(ATT_EIO, "--listen %s: %s", spec, uv_strerror(rc));
}

int att__http_start(att_daemon *d) {
  att__http *srv = calloc(1, sizeof *srv);
  struct rlimit rl;
  int rc;
  if (srv == NULL) return att__err(ATT_ENOMEM, "out of memory");
  if ((rc = att__curl_load()) != 0) { /* its requests are decoded by libcurl */
    free(srv);
    return rc;
  }
  d->http = srv;
  srv->d = d;
  srv->loop = &d->loop;
  srv->head.next = srv->head.prev = &srv->head;
  srv->sw.sw_next = srv->sw.sw_prev = &srv->sw;
  srv->next_fd = srv->sync_fd = -1;
  srv->timeout_ms = (uint64_t)(d->o.http.timeout > 0 ? d->o.http.timeout : 10) * 1000;
  srv->max_conn = d->o.http.max_conn > 0 ? (size_t)d->o.http.max_conn : 10000;
  srv->slow_ns = (uint64_t)(d->o.http.slow_ms >= 0 ? d->o.http.slow_ms : 10) * 1000000u;
  /* Each connection is a descriptor: take what the hard limit allows. */
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rlim_t want = (rlim_t)srv->max_conn + 256;
    if (rl.rlim_cur < want) {
      rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
      setrlimit(RLIMIT_NOFILE, &rl);
      getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur < (rlim_t)srv->max_conn + 256 && rl.rlim_cur > 320) {
      att__log(d, ATT_LOG_WARN, NULL,
               "at most %llu connections: the limit on open files (ulimit -n) is %llu",
               (unsigned long long)(rl.rlim_cur - 256), (unsigned long long)rl.rlim_cur);
      srv->max_conn = (size_t)(rl.rlim_cur - 256);
    }
  }
  http_parser_set_max_header_size(HEADER_MAX);
  http_parser_settings_init(&srv->set);
  srv->set.on_message_begin = on_begin;
  srv->set.on_url = on_url;
  srv->set.on_header_field = on_field;
  srv->set.on_header_value = on_value;
  srv->set.on_headers_complete = on_headers_done;
  srv->set.on_body = on_body;
  srv->set.on_message_complete = on_complete;
  {
    att_api_opts ao;
    memset(&ao, 0, sizeof ao);
    ao.openapi = att__openapi_json;
    ao.openapi_len = att__openapi_json_len;
    ao.rate = d->o.http.rate;
    ao.reports = d->o.http.reports;
    for (size_t i = 0; i < sizeof srv->shipped / sizeof srv->shipped[0] - 1; i++)
      if ((srv->shipped[i] = att_shipped_report_name(i)) == NULL) break;
    ao.shipped = srv->shipped;
    ao.burst = 3 * d->o.http.rate;
    if ((rc = att_api_open(d->e->store, &ao, &srv->api)) != 0) return rc;
  }
  {
    att_web_opts wo;
    memset(&wo, 0, sizeof wo);
    wo.css = att__ui_css;
    wo.css_len = att__ui_css_len;
    wo.js = att__ui_js;
    wo.js_len = att__ui_js_len;
    wo.secure = d->o.http.trust_proxy; /* behind a proxy: it is there for TLS (docs/http.md) */
    if ((rc = att_web_open(srv->api, &wo, &srv->web)) != 0) return rc;
  }
  if ((srv->reader = att__reader_new(d)) == NULL) return att__err(ATT_ENOMEM, "out of memory");
  if ((rc = uv_timer_init(srv->loop, &srv->beat)) != 0)
    return att__err(ATT_EIO, "cannot start the server: %s", uv_strerror(rc));
  srv->beat.data = srv;
  for (size_t i = 0; i < d->o.http.nlisten; i++)
    if ((rc = listen_one(srv, d->o.http.listen[i], d->o.http.insecure)) != 0) return rc;
  return 0;
}

void att__http_stop(att_daemon *d) {
  att__http *srv = d->http;
  if (srv == NULL || srv->stopped) return;
  srv->stopped = 1;
  for (size_t i = 0; i < srv->nls; i++) {
    uv_close(&srv->ls[i].h, NULL);
    if (srv->unix_path[i]) unlink(srv->unix_path[i]);
  }
  if (srv->beat.loop) uv_close((uv_handle_t *)&srv->beat, NULL);
  att__reader_stop(srv->reader);
  for (conn *c = srv->head.next, *nx; c != &srv->head; c = nx) {
    nx = c->next;
    conn_close(c);
  }
}

void att__http_free(att_daemon *d) {
  att__http *srv = d->http;
  if (srv == NULL) return;
  if (srv->requests) {
    char w[256] = "";
    if (srv->longest_ns[1])
      snprintf(w, sizeof w, "; the longest write %.2f ms (%s; the most CPU time a write took: %.2f ms; "
               "%llu over 10 ms)", (double)srv->longest_ns[1] / 1e6, srv->longest[1],
               (double)srv->most_cpu_ns[1] / 1e6, (unsigned long long)srv->over10[1]);
    att__log(d, ATT_LOG_INFO, NULL,
             "served %llu HTTP request%s; the longest read held the loop %.2f ms (%s; the most CPU time "
             "a read took: %.2f ms; %llu over 10 ms)%s",
             (unsigned long long)srv->requests, srv->requests == 1 ? "" : "s",
             (double)srv->longest_ns[0] / 1e6, srv->longest[0][0] ? srv->longest[0] : "none",
             (double)srv->most_cpu_ns[0] / 1e6, (unsigned long long)srv->over10[0], w);
  }
  if (srv->syncs)
    att__log(d, ATT_LOG_INFO, NULL, "acknowledged %llu write%s after %llu sync%s to disk",
             (unsigned long long)srv->synced_writes, srv->synced_writes == 1 ? "" : "s",
             (unsigned long long)srv->syncs, srv->syncs == 1 ? "" : "s");
  if (srv->next_fd >= 0) close(srv->next_fd);
  att__reader_free(srv->reader);
  att_web_close(srv->web);
  att_api_close(srv->api);
  for (size_t i = 0; i < srv->nls; i++) free(srv->unix_path[i]);
  free(srv);
  d->http = NULL;
}
