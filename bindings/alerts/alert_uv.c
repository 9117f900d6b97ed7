/*
 * Deliveries on the daemon's libuv loop: a curl multi handle whose
 * sockets and timeout libuv watches, so that a slow or silent receiver
 * never holds the loop (each transfer ends at its receiver's timeout).
 *
 * libcurl says, through its socket callback, which sockets to watch for
 * what; each gets a uv_poll_t, told back to libcurl with
 * curl_multi_socket_action when it is ready.  Its timer callback asks for
 * one uv_timer_t.  A second timer wakes the outbox when the next retry is
 * due.  Finished transfers are collected with curl_multi_info_read and
 * their outcome recorded in the outbox (alert_outbox.c).
 *
 * Handles are freed in their close callbacks (libuv's rule); after
 * att_alerts_detach, the block that holds them goes when the last one
 * has closed, so the loop can end while the alerts live on.
 */
#include "alert_int.h"

#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "curl_dl.h"
#include "error.h"
#include "timeq.h"

typedef struct sock {
  uv_poll_t poll;
  curl_socket_t fd;
  struct att__uv *u;
  struct sock *prev, *next; /* the open ones */
} sock;

struct att__uv {
  att_alerts *al;    /* NULL once detached */
  uv_loop_t *loop;
  CURLM *multi;
  uv_timer_t timeout; /* libcurl's */
  uv_timer_t due;     /* the outbox's next retry */
  att__xfer *xfers;   /* in flight */
  size_t busy;
  int open;           /* handles not closed yet */
  sock *socks;        /* polls not closing yet */
};

static void on_closed(uv_handle_t *h) {
  struct att__uv *u = h->data;
  if (--u->open == 0 && !u->al) free(u);
}

static void on_closed_sock(uv_handle_t *h) {
  sock *k = h->data;
  struct att__uv *u = k->u;
  free(k);
  if (--u->open == 0 && !u->al) free(u);
}

static void sock_close(sock *k) {
  struct att__uv *u = k->u;
  if (uv_is_closing((uv_handle_t *)&k->poll)) return;
  if (k->prev) k->prev->next = k->next;
  else u->socks = k->next;
  if (k->next) k->next->prev = k->prev;
  uv_close((uv_handle_t *)&k->poll, on_closed_sock);
}


/* ---- finished transfers ----------------------------------------------------------- */

static void collect(struct att__uv *u) {
  CURLMsg *m;
  int left, any = 0;
  while (u->al && (m = curl_multi_info_read(u->multi, &left)) != NULL) {
    att__xfer *x = NULL, **pp;
    char *err;
    CURLcode code = m->data.result;
    CURL *h = m->easy_handle;
    if (m->msg != CURLMSG_DONE) continue;
    curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&x);
    curl_multi_remove_handle(u->multi, h);
    for (pp = &u->xfers; *pp && *pp != x; pp = &(*pp)->next) {}
    if (*pp) *pp = x->next;
    u->busy--;
    err = att__xfer_outcome(x, (int)code);
    att__xfer_done(u->al, x, err);
    att__xfer_free(x);
    free(x);
    any = 1;
  }
  if (any && u->al) att__outbox_pump(u->al); /* what waited for a free slot */
}

/* ---- libcurl's callbacks ---------------------------------------------------------- */

static void on_ready(uv_poll_t *p, int status, int events) {
  sock *k = p->data;
  struct att__uv *u = k->u;
  int flags = 0, running;
  if (status < 0) flags = CURL_CSELECT_ERR;
  if (events & UV_READABLE) flags |= CURL_CSELECT_IN;
  if (events & UV_WRITABLE) flags |= CURL_CSELECT_OUT;
  curl_multi_socket_action(u->multi, k->fd, flags, &running);
  collect(u);
}

static int on_socket(CURL *h, curl_socket_t fd, int what, void *ud, void *sockp) {
  struct att__uv *u = ud;
  sock *k = sockp;
  int events = 0;
  (void)h;
  if (what == CURL_POLL_REMOVE) {
    if (k) {
      curl_multi_assign(u->multi, fd, NULL);
      sock_close(k);
    }
    return 0;
  }
  if (!k) {
    if (!(k = calloc(1, sizeof *k))) return -1;
    k->fd = fd;
    k->u = u;
    if (uv_poll_init_socket(u->loop, &k->poll, fd) != 0) {
      free(k);
      return -1;
    }
    k->poll.data = k;
    u->open++;
    k->next = u->socks;
    if (u->socks) u->socks->prev = k;
    u->socks = k;
    curl_multi_assign(u->multi, fd, k);
  }
  if (what & CURL_POLL_IN) events |= UV_READABLE;
  if (what & CURL_POLL_OUT) events |= UV_WRITABLE;
  uv_poll_start(&k->poll, events, on_ready);
  return 0;
}

static void on_timeout(uv_timer_t *t) {
  struct att__uv *u = t->data;
  int running;
  curl_multi_socket_action(u->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  collect(u);
}

static int on_timer(CURLM *m, long ms, void *ud) {
  struct att__uv *u = ud;
  (void)m;
  if (ms < 0) uv_timer_stop(&u->timeout);
  else uv_timer_start(&u->timeout, on_timeout, (uint64_t)ms, 0);
  return 0;
}

static void on_due(uv_timer_t *t) {
  struct att__uv *u = t->data;
  if (u->al) att__outbox_pump(u->al);
}

/* ---- for the outbox ------------------------------------------------------------------ */

int att__uv_start(att_alerts *al, att__xfer *x) {
  struct att__uv *u = al->uv;
  if (!u || curl_multi_add_handle(u->multi, x->curl) != CURLM_OK) {
    att__xfer_free(x);
    free(x);
    return att__err(ATT_EIO, "cannot add a transfer to the loop");
  }
  x->next = u->xfers;
  u->xfers = x;
  u->busy++;
  return 0;
}

size_t att__uv_busy(const att_alerts *al) { return al->uv ? al->uv->busy : 0; }

void att__uv_wake_at(att_alerts *al, att_time when) {
  int64_t ms;
  if (!al->uv) return;
  /* The engine's real clock counts whole seconds: wake when `when` has
   * begun. */
  ms = (int64_t)when * 1000 - att_time_now_ms();
  uv_timer_start(&al->uv->due, on_due, ms > 0 ? (uint64_t)ms : 0, 0);
}

/* ---- attach and detach ---------------------------------------------------------------- */

int att_alerts_attach(att_engine *e, struct uv_loop_s *loop) {
  att_alerts *al = e ? e->alerts : NULL;
  struct att__uv *u;
  if (!al) return 0;
  al->delivering = 1;
  if (!loop || !al->outbox || !al->conf.nrecv) {
    att__outbox_pump(al);
    return 0;
  }
  if (!(u = calloc(1, sizeof *u)) || !(u->multi = curl_multi_init())) {
    free(u);
    return att__err(ATT_ENOMEM, "out of memory");
  }
  u->al = al;
  u->loop = loop;
  uv_timer_init(loop, &u->timeout);
  uv_timer_init(loop, &u->due);
  u->timeout.data = u->due.data = u;
  u->open = 2;
  curl_multi_setopt(u->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(u->multi, CURLMOPT_SOCKETDATA, u);
  curl_multi_setopt(u->multi, CURLMOPT_TIMERFUNCTION, on_timer);
  curl_multi_setopt(u->multi, CURLMOPT_TIMERDATA, u);
  al->uv = u;
  att__outbox_pump(al); /* what was pending before a restart */
  return 0;
}

void att_alerts_detach(att_engine *e) {
  att_alerts *al = e ? e->alerts : NULL;
  struct att__uv *u = al ? al->uv : NULL;
  att__xfer *x;
  if (!al) return;
  al->delivering = 0;
  if (!u) return;
  al->uv = NULL;
  /* Transfers under way are dropped, not recorded: the next start makes
   * them again (at least once; the idempotency key tells the receiver). */
  while ((x = u->xfers) != NULL) {
    u->xfers = x->next;
    x->d->busy = 0;
    for (size_t i = 0; i < x->nmore; i++) x->more[i]->busy = 0;
    curl_multi_remove_handle(u->multi, x->curl);
    att_engine_log(e, ATT_LOG_INFO, x->d->alert.script,
                   "alert \"%s\": the delivery to %s was under way at the stop; it is made again at the next start",
                   x->d->alert.key ? x->d->alert.key : x->d->alert.title, x->d->receiver);
    att__xfer_free(x);
    free(x);
  }
  u->busy = 0;
  curl_multi_cleanup(u->multi); /* may still REMOVE sockets: u lives on */
  u->multi = NULL;
  while (u->socks) sock_close(u->socks);
  u->al = NULL;
  uv_close((uv_handle_t *)&u->timeout, on_closed);
  uv_close((uv_handle_t *)&u->due, on_closed);
}
