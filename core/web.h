/*
 * The web page over the API (issue 16; docs/web.md): the agenda, the
 * timeline and its search, an event's page with its history, the form
 * that adds and edits events, and the alerts, as plain HTML made here
 * from the JSON the API answers (core/api.h), so the page sees exactly
 * what the API gives and the API's tokens, roles, limits and messages
 * hold for it too.  Like the API, it has no HTTP in it: the server gives
 * the decoded request and sends the answer this fills.
 *
 * A person logs in with an API token (POST /ui/login); the page keeps it
 * here, in memory, behind a random session id sent as an HttpOnly,
 * SameSite=Strict cookie.  Every form that writes carries the session's
 * CSRF token, and a request whose Origin is another site's is refused.
 * Every value from the store is escaped for HTML, and a link is only
 * ever to this server or to an http(s) address.
 *
 * Routes: /, /ui/login, /ui/logout, /ui/agenda, /ui/events (the timeline,
 * and POST: add), /ui/events/ID (and POST: change), /ui/events/ID/edit,
 * /ui/new, /ui/alerts, /ui/dates (JSON, the form's echo), /ui/changes
 * (the API's event stream) and /ui/static/{app.css,app.js}.
 */
#ifndef ATT_WEB_H
#define ATT_WEB_H

#include "api.h"

typedef struct att_web_req {
  const char *method;          /* "GET", "POST" */
  const char *path;            /* decoded, without the query */
  const att_api_param *params; /* the query, decoded */
  size_t nparams;
  const att_api_param *form;   /* an application/x-www-form-urlencoded body, decoded */
  size_t nform;
  const char *cookie;          /* the headers' values, or NULL */
  const char *origin;
  const char *host;
  const char *client;          /* the client's address, for the API's lockout */
  /* The pages made from a read that scans the store (the agenda, the
   * timeline and its search) are made elsewhere: once the session and
   * the API let such a GET through, it is answered with rs->offload set
   * and nothing else; att_web_offloaded says for whom, and att_web_read,
   * in any process, makes the page. */
  int offload_ok;
} att_web_req;

/* Whom a page is made for: what the page shows of its session. */
typedef struct att_web_view {
  char user[65], role[16], csrf[65];
} att_web_view;

typedef struct att_web_opts {
  const char *css, *js; /* the page's stylesheet and script */
  size_t css_len, js_len;
  int secure;           /* the page is served over TLS (a proxy's): cookies are Secure */
  int64_t (*now_ms)(void *ud); /* NULL: the monotonic clock */
  void *ud;
} att_web_opts;

typedef struct att_web att_web;

/* The page over api (used, not owned); o may be NULL. */
int att_web_open(att_api *api, const att_web_opts *o, att_web **out);
void att_web_close(att_web *w);

/* Whether the server gives path to the page: "/", "/ui" and "/ui/...". */
int att_web_path(const char *path);

/* Answer rq into rs (free it with att_api_res_free): 0, or a negative
 * code only when not even an answer could be made. */
int att_web_handle(att_web *w, const att_web_req *rq, att_api_res *rs);

/* After att_web_handle answered with rs->offload: whom the page is for. */
void att_web_offloaded(const att_web *w, att_web_view *v);
/* The page a GET rq asks for, that att_web_handle let through with
 * offload, for v, made from st (refreshed first: any handle on the
 * store, read-only will do) with now as today; rs as for att_web_handle. */
int att_web_read(att_store *st, const att_web_view *v, att_time now, const att_web_req *rq, att_api_res *rs);

/* Sessions idle longer than this are forgotten (milliseconds). */
#define ATT_WEB_IDLE_MS (8LL * 3600 * 1000)
/* At most this many sessions; past it, the longest idle is dropped. */
#define ATT_WEB_SESSIONS 1024

#endif
