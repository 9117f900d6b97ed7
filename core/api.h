/*
 * The JSON API over a store (issue 16; docs/http.md, "The JSON API"): one
 * request in, one answer out, with no HTTP in it.  The server (whichever
 * HTTP library carries it) parses the request, decodes the path and the
 * query, and gives them here; it sends back the status, the headers and
 * the body this fills.  So every route, status and message is tested
 * without a socket, and the server stays a thin adapter.
 *
 * Routes (all JSON; errors are {"error": {"status", "message"}} with the
 * message the command line gives):
 *
 *   GET    /v1/health              200, no token needed
 *   GET    /v1/events              the events matching actor=, tag=
 *                                  (repeatable), kind=, status=, from=,
 *                                  to=, text=, limit=, as `attache list`
 *   POST   /v1/events              add one (editor): 201, Location, ETag
 *   GET    /v1/events/ID|KEY       one, with its ETag ("REV")
 *   PATCH  /v1/events/ID|KEY       a JSON merge patch (editor), If-Match
 *   DELETE /v1/events/ID|KEY       remove (editor), If-Match
 *   GET    /v1/agenda              days= (7) from from= (today): every
 *                                  occurrence, in date order, filtered
 *   GET    /v1/events/ID/history   the event's changes, newest first
 *   GET    /v1/alerts              the alert log (reader), since=, limit=
 *   GET    /v1/calendar.ics        the events as iCalendar, with the
 *                                  filters of /v1/events; the token may be
 *                                  a feed token, given as token=; ETag and
 *                                  If-None-Match (304)
 *   GET    /v1/changes             (reader) 200 with stream set: the server
 *                                  then sends the store's changes as
 *                                  Server-Sent Events
 *   GET    /v1/dates?q=TEXT        (reader) how a typed date reads: its
 *                                  EDTF and its reading, or 400
 *   GET    /v1/whoami              (reader) the token's user and role
 *   GET    /v1/openapi.json        the OpenAPI description given in the
 *                                  options, no token needed
 *   GET    /v1/reports             (reader) the names of the reports
 *   GET    /v1/reports/NAME        (reader) 200 with report set: the
 *                                  server runs REPORTS/NAME.lua, or the
 *                                  shipped report ("attache:NAME")
 *
 * Every route but the health check needs an API token (Authorization:
 * Bearer att_...); a feed token is not one.  A write is recorded in the
 * history with the token's user as its author.  A change needs If-Match
 * with the event's current ETag (412 with the current event if it is
 * not, 428 without it), so two people cannot overwrite each other.
 * Each user's requests are limited in rate (429 with Retry-After); a
 * client address that sends 10 wrong tokens is locked out (401 whatever
 * it sends) until it has waited a minute, one more try per 6 seconds.
 */
#ifndef ATT_API_H
#define ATT_API_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef struct att_api_param {
  const char *name, *value; /* decoded */
} att_api_param;

typedef struct att_api_req {
  const char *method;          /* "GET", "POST", ... */
  const char *path;            /* decoded, without the query: "/v1/events/7" */
  const att_api_param *params; /* the query's parameters, decoded, in order */
  size_t nparams;
  const char *authorization;   /* the header's value, or NULL */
  const char *if_match;        /* the header's value, or NULL */
  const char *if_none_match;   /* the header's value, or NULL */
  const char *client;          /* the client's address ("127.0.0.1"), or NULL */
  const char *body;            /* the request's body (may be NULL when len is 0) */
  size_t body_len;
  /* The server answers the reads that scan the store (GET /v1/agenda,
   * /v1/events, /v1/calendar.ics) elsewhere: once authenticated and
   * within its rate, such a request is answered 200 with offload set and
   * nothing else, and the server gets its answer from att_api_read. */
  int offload_ok;
} att_api_req;

typedef struct att_api_res {
  int status;             /* 200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 412, 428, 429, 500 */
  char *body;             /* malloc'd, or NULL (204, 304) */
  size_t body_len;        /* its length */
  const char *content_type; /* "application/json" or "text/calendar; charset=utf-8" */
  char etag[48];          /* "\"3\"" for an event, a hash for a feed, else "" */
  char location[600];     /* for 201: "/v1/events/7"; the web page's 303s; else "" */
  const char *allow;      /* for 405: the methods the path takes */
  int www_authenticate;   /* for 401: send WWW-Authenticate: Bearer */
  int retry_after;        /* for 429: seconds, for Retry-After */
  int stream;             /* 200 of /v1/changes: the server streams what follows */
  /* 200 of /v1/reports/NAME: the server runs the report, whose file is
   * this (malloc'd; freed by att_api_res_free), off its loop, and answers
   * with what it prints. */
  char *report;
  /* The web page's (core/web.h): a Set-Cookie value (else ""), and html
   * set when the answer is a page, which the server sends with the
   * headers that keep it from being framed or running foreign script. */
  char set_cookie[200];
  int html;
  int offload; /* to be answered by att_api_read (offload_ok) */
} att_api_res;

/* What the API allows: each user's requests per second, and how many at
 * once (a token bucket per user, core/ratelimit.h); past it, 429 with
 * Retry-After.  now_ms: the clock, in milliseconds (NULL: the monotonic
 * clock); a test gives a simulated one. */
typedef struct att_api_opts {
  double rate;  /* requests a second per user (0: 20) */
  double burst; /* at once (0: 60) */
  int64_t (*now_ms)(void *ud);
  void *ud;
  /* The OpenAPI description that GET /v1/openapi.json answers (NULL: 404). */
  const char *openapi;
  size_t openapi_len;
  /* The directory of reports (NAME.lua) that /v1/reports lists and
   * /v1/reports/NAME names (NULL: none). */
  const char *reports;
  /* The reports that ship in the program, by name (NULL-ended; NULL:
   * none): listed too, and run as "attache:NAME" when the directory has
   * no NAME.lua of its own. */
  const char *const *shipped;
} att_api_opts;

typedef struct att_api att_api;

/* The API over st (which it uses, not owns); o may be NULL. */
int att_api_open(att_store *st, const att_api_opts *o, att_api **out);
void att_api_close(att_api *a);
/* The answer to a read that att_api_handle let through with offload (its
 * user authenticated, within its rate), made from st, which is refreshed
 * first: any handle on the store, read-only will do, in any process.  rs
 * as for att_api_handle. */
int att_api_read(att_store *st, const att_api_req *rq, att_api_res *rs);
/* The store's clock: what "today" is for the API's routes. */
att_time att_api_now(att_api *a);

/*
 * Answer rq, with the users of the store (users.json, read again whenever
 * it changed, so that a token made or removed by `attache user` counts at
 * the next request).  rs is
 * filled whatever happens; free it with att_api_res_free.  Returns 0, or
 * a negative code only when not even an answer could be made (out of
 * memory).
 */
int att_api_handle(att_api *a, const att_api_req *rq, att_api_res *rs);
void att_api_res_free(att_api_res *rs);

/* The body of an error answer, {"error":{"status":S,"message":M}}, with
 * M made valid UTF-8 (att_utf8_mend); malloc'd, NULL when out of memory.
 * Every error the API or its server answers is written by it. */
char *att_api_error_body(int status, const char *msg);

/* The largest body the API takes (a bigger one is 413, by the server). */
#define ATT_API_BODY_MAX (1 << 20)

#endif
