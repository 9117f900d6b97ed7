/*
 * Inside the web page (core/web.h): the one function that escapes text
 * for HTML (pages are written into an att__sb, core/strbuf.h), the
 * sessions, and the pages' calls of the API.
 */
#ifndef ATT_WEB_INT_H
#define ATT_WEB_INT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "date.h"
#include "strbuf.h"
#include "web.h"

/* Text or an attribute's value: & < > " ' escaped (NULL: nothing). */
void att__hb_e(att__sb *b, const char *s);
/* A query parameter's value, percent-encoded (for links built here). */
void att__hb_q(att__sb *b, const char *s);

/* A session: who is logged in, with which token, and its CSRF token. */
typedef struct att__wsess {
  char id[65], csrf[65];
  char *token;
  char user[65], role[16];
  int64_t last;
} att__wsess;

/* One call of the API as the session's user: the answer's status, its
 * body parsed (*out, NULL when not JSON; free with cJSON_Delete), its
 * ETag into etag[48] if given. */
typedef struct att__wcall {
  const char *method, *path;
  const att_api_param *params;
  size_t nparams;
  const char *body, *if_match;
} att__wcall;
int att__web_call(att_web *w, const att__wsess *s, const att_web_req *rq, const att__wcall *c, cJSON **out,
                  char *etag);

/* The pages (web_pages.c): each writes its whole answer into rs. */
void att__web_page(att__sb *b, const att__wsess *s, const char *title, const char *current);
void att__web_end(att__sb *b);
int att__web_finish(att__sb *b, att_api_res *rs, int status);
/* The API's error message in o ({"error": {"message"}}), or a fallback. */
const char *att__web_errmsg(const cJSON *o, const char *dflt);
int att__web_error(const att__wsess *s, att_api_res *rs, int status, const char *msg);

int att__web_agenda(att_web *w, const att__wsess *s, const att_web_req *rq, att_api_res *rs);
int att__web_timeline(att_web *w, const att__wsess *s, const att_web_req *rq, att_api_res *rs);
int att__web_event(att_web *w, const att__wsess *s, const att_web_req *rq, const char *which, att_api_res *rs);
int att__web_alerts(att_web *w, const att__wsess *s, const att_web_req *rq, att_api_res *rs);
/* The form (web_form.c): blank, or an event's to edit (which != NULL);
 * and what it posts. */
int att__web_form(att_web *w, const att__wsess *s, const att_web_req *rq, const char *which, att_api_res *rs);
int att__web_save(att_web *w, const att__wsess *s, const att_web_req *rq, const char *which, att_api_res *rs);

/* The store's clock (the API's). */
att_time att__web_now(att_web *w);

/* The form field's value, or NULL. */
const char *att__web_field(const att_web_req *rq, const char *name);

#endif
