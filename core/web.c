/*
 * The web page (web.h): sessions and their cookies, CSRF and Origin
 * checks, routing, the static files, and the calls of the API the pages
 * are made from.  The pages themselves are web_pages.c and web_form.c.
 */
#include "web.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>


#include "error.h"
#include "secret.h"
#include "termsafe.h"
#include "web_int.h"

struct att_web {
  att_api *api;
  att_web_opts o;
  att__wsess s[ATT_WEB_SESSIONS];
  size_t ns;
  int refused; /* the API refused the token of this request's session */
  /* This request's page may be made elsewhere (att_web_req.offload_ok),
   * and the API offloaded one of its reads: the page is to be made by
   * att_web_read, for view. */
  int offload_ok, deferred;
  att_web_view view;
  /* Making a page in another process (att_web_read): the API's reads
   * come from st, already let through; today is now.  Else NULL. */
  att_store *st;
  att_time now;
};

#define COOKIE "attache_session"

static int64_t mono_ms(void *ud) {
  struct timespec ts;
  (void)ud;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int att_web_open(att_api *api, const att_web_opts *o, att_web **out) {
  att_web *w = calloc(1, sizeof *w);
  *out = NULL;
  if (!w) return att__err(ATT_ENOMEM, "out of memory");
  if (o) w->o = *o;
  if (!w->o.now_ms) w->o.now_ms = mono_ms;
  w->api = api;
  *out = w;
  return 0;
}

static void sess_drop(att_web *w, size_t i) {
  att_wipe(w->s[i].token, strlen(w->s[i].token));
  free(w->s[i].token);
  w->s[i] = w->s[--w->ns];
  memset(&w->s[w->ns], 0, sizeof w->s[w->ns]);
}

void att_web_close(att_web *w) {
  if (!w) return;
  while (w->ns) sess_drop(w, 0);
  free(w);
}

int att_web_path(const char *p) {
  return p && (!strcmp(p, "/") || !strcmp(p, "/ui") || !strncmp(p, "/ui/", 4));
}

/* ---- the HTML buffer -------------------------------------------------- */

void att__hb_e(att__sb *b, const char *s) {
  const char *run = s;
  if (!s) return;
  for (; *s; s++) {
    const char *rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '"' ? "&quot;"
                      : *s == '\'' ? "&#39;" : NULL;
    /* Direction controls, line separators and C1 controls as \uXXXX,
     * as the command line shows them (an override in a title reversed
     * the rest of the page); s is NUL-terminated, so 4 bytes bound the
     * look. */
    unsigned cp;
    size_t n = (unsigned char)*s >= 0x80 ? att_termsafe_char(s, 4, &cp) : 0;
    if (n) {
      att__sb_put(b, run, (size_t)(s - run));
      att__sb_f(b, "\\u%04X", cp);
      s += n - 1;
      run = s + 1;
      continue;
    }
    if (!rep) continue;
    att__sb_put(b, run, (size_t)(s - run));
    att__sb_s(b, rep);
    run = s + 1;
  }
  att__sb_put(b, run, (size_t)(s - run));
}

void att__hb_q(att__sb *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      att__sb_put(b, s, 1);
    } else {
      char e[3] = {'%', hex[c >> 4], hex[c & 15]};
      att__sb_put(b, e, 3);
    }
  }
}

/* ---- sessions ----------------------------------------------------------- */

static int random_hex(char *out, size_t nbytes) {
  unsigned char r[32];
  size_t got = 0;
  static const char hex[] = "0123456789abcdef";
  while (got < nbytes) {
    ssize_t k = getrandom(r + got, nbytes - got, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return att__err(ATT_EIO, "cannot read random bytes from the system: %s", strerror(errno));
    got += (size_t)k;
  }
  for (size_t i = 0; i < nbytes; i++) {
    out[2 * i] = hex[r[i] >> 4];
    out[2 * i + 1] = hex[r[i] & 15];
  }
  out[2 * nbytes] = '\0';
  att_wipe(r, sizeof r);
  return 0;
}

/* The value of the cookie named COOKIE in a Cookie header, into v[65]. */
static int cookie_value(const char *h, char *v) {
  size_t nl = strlen(COOKIE);
  while (h && *h) {
    while (*h == ' ' || *h == ';') h++;
    if (!strncmp(h, COOKIE, nl) && h[nl] == '=') {
      const char *s = h + nl + 1, *e = s;
      while (*e && *e != ';' && *e != ' ') e++;
      if (e - s != 64) return 0;
      memcpy(v, s, 64);
      v[64] = '\0';
      return 1;
    }
    h = strchr(h, ';');
  }
  return 0;
}

/* The request's session, if its cookie names a live one: every session's
 * id is compared in full (att_secret_eq), so time says nothing of ids. */
static att__wsess *session_of(att_web *w, const att_web_req *rq) {
  char id[65];
  int64_t now = w->o.now_ms(w->o.ud);
  att__wsess *found = NULL;
  for (size_t i = 0; i < w->ns;) /* the idle ones go first */
    if (now - w->s[i].last > ATT_WEB_IDLE_MS) sess_drop(w, i);
    else i++;
  if (!cookie_value(rq->cookie, id)) return NULL;
  for (size_t i = 0; i < w->ns; i++)
    if (att_secret_eq(w->s[i].id, id, 64)) found = &w->s[i];
  if (found) found->last = now;
  return found;
}

static void cookie_set(att_web *w, att_api_res *rs, const char *id) {
  snprintf(rs->set_cookie, sizeof rs->set_cookie, COOKIE "=%s; Path=/ui; HttpOnly; SameSite=Strict%s%s", id,
           w->o.secure ? "; Secure" : "", *id ? "" : "; Max-Age=0");
}

/* ---- calls of the API ----------------------------------------------------- */

int att__web_call(att_web *w, const att__wsess *s, const att_web_req *rq, const att__wcall *c, cJSON **out,
                  char *etag) {
  att_api_req q;
  att_api_res r;
  char auth[160];
  int st;
  *out = NULL;
  memset(&q, 0, sizeof q);
  snprintf(auth, sizeof auth, "Bearer %s", s->token ? s->token : "");
  q.method = c->method;
  q.path = c->path;
  q.params = c->params;
  q.nparams = c->nparams;
  q.authorization = auth;
  q.if_match = c->if_match;
  /* The address counts wrong tokens only at the login (a session, s->id
   * set, was logged in already): ten wrong tokens from an address that
   * every local client shares ended every web session from it. */
  q.client = s->id[0] ? NULL : rq->client;
  q.body = c->body;
  q.body_len = c->body ? strlen(c->body) : 0;
  q.offload_ok = w->offload_ok && !strcmp(c->method, "GET");
  if ((w->st ? att_api_read(w->st, &q, &r) : att_api_handle(w->api, &q, &r)) != 0) {
    att_wipe(auth, sizeof auth);
    return -1;
  }
  att_wipe(auth, sizeof auth);
  if (r.offload) { /* the whole page is made elsewhere: stop here */
    w->deferred = 1;
    att_api_res_free(&r);
    return -1;
  }
  st = r.status;
  if (st == 401) w->refused = 1;
  if (r.body) *out = cJSON_ParseWithLength(r.body, r.body_len);
  if (etag) snprintf(etag, 48, "%s", r.etag);
  att_api_res_free(&r);
  return st;
}

att_time att__web_now(att_web *w) { return w->st ? w->now : att_api_now(w->api); }

const char *att__web_field(const att_web_req *rq, const char *name) {
  const char *v = NULL;
  for (size_t i = 0; i < rq->nform; i++)
    if (!strcmp(rq->form[i].name, name)) v = rq->form[i].value;
  return v;
}

/* ---- login ------------------------------------------------------------------ */

static const char *param(const att_web_req *rq, const char *name) {
  for (size_t i = 0; i < rq->nparams; i++)
    if (!strcmp(rq->params[i].name, name)) return rq->params[i].value;
  return NULL;
}

/* Where to go after logging in: a page of ours, or the agenda. */
static const char *next_ok(const char *n) {
  if (!n || strncmp(n, "/ui/", 4) != 0 || strlen(n) > 200) return "/ui/agenda";
  for (const char *p = n; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '/' ||
          *p == '-' || *p == '_'))
      return "/ui/agenda";
  return n;
}

static int login_page(att_api_res *rs, int status, const char *next, const char *msg) {
  att__sb b = {0};
  att__web_page(&b, NULL, "Log in", NULL);
  att__sb_s(&b, "<h1>Log in</h1>\n");
  if (msg) {
    att__sb_s(&b, "<p class=\"error\" role=\"alert\">");
    att__hb_e(&b, msg);
    att__sb_s(&b, "</p>\n");
  }
  att__sb_s(&b, "<form method=\"post\" action=\"/ui/login\" class=\"login\">\n"
                "<input type=\"hidden\" name=\"next\" value=\"");
  att__hb_e(&b, next_ok(next));
  att__sb_s(&b, "\">\n<p><label for=\"token\">API token</label>\n"
                "<input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" "
                "required spellcheck=\"false\" aria-describedby=\"token-help\"></p>\n"
                "<p id=\"token-help\" class=\"help\">The token that <code>attache user add NAME</code> or "
                "<code>attache user token NAME</code> printed.</p>\n"
                "<p><button type=\"submit\">Log in</button></p>\n</form>\n");
  att__web_end(&b);
  return att__web_finish(&b, rs, status);
}

static int login(att_web *w, const att_web_req *rq, att_api_res *rs) {
  const char *tok = att__web_field(rq, "token"), *next = next_ok(att__web_field(rq, "next"));
  att__wsess tmp, *s;
  att__wcall c = {"GET", "/v1/whoami", NULL, 0, NULL, NULL};
  cJSON *o = NULL, *u, *r;
  int st;
  memset(&tmp, 0, sizeof tmp);
  if (!tok || !*tok || strlen(tok) > 100) return login_page(rs, 401, next, "Give your API token.");
  tmp.token = (char *)tok;
  if ((st = att__web_call(w, &tmp, rq, &c, &o, NULL)) < 0) return ATT_ENOMEM;
  u = cJSON_GetObjectItemCaseSensitive(o, "user");
  r = cJSON_GetObjectItemCaseSensitive(o, "role");
  if (st != 200 || !cJSON_IsString(u) || !cJSON_IsString(r)) {
    char msg[600];
    snprintf(msg, sizeof msg, "%s", att__web_errmsg(o, "the token was refused"));
    cJSON_Delete(o);
    if (st == 429) rs->retry_after = 60;
    return login_page(rs, st == 200 ? 500 : st, next, msg);
  }
  if (w->ns == ATT_WEB_SESSIONS) { /* full: the longest idle goes */
    size_t old = 0;
    for (size_t i = 1; i < w->ns; i++)
      if (w->s[i].last < w->s[old].last) old = i;
    sess_drop(w, old);
  }
  s = &w->s[w->ns];
  memset(s, 0, sizeof *s);
  if (random_hex(s->id, 32) != 0 || random_hex(s->csrf, 32) != 0 || !(s->token = strdup(tok))) {
    cJSON_Delete(o);
    memset(s, 0, sizeof *s);
    return att__web_error(NULL, rs, 500, att_errmsg());
  }
  snprintf(s->user, sizeof s->user, "%s", u->valuestring);
  snprintf(s->role, sizeof s->role, "%s", r->valuestring);
  s->last = w->o.now_ms(w->o.ud);
  w->ns++;
  cJSON_Delete(o);
  cookie_set(w, rs, s->id);
  snprintf(rs->location, sizeof rs->location, "%s", next);
  return att__web_finish(&(att__sb){0}, rs, 303);
}

/* ---- routing ---------------------------------------------------------------- */

/* A write from a page of ours: the Origin, when sent, is this server,
 * and the form carries the session's CSRF token. */
static int same_origin(const att_web_req *rq) {
  const char *o = rq->origin, *h = rq->host;
  if (!o) return 1;
  if (!h) return 0;
  if (!strncmp(o, "http://", 7)) o += 7;
  else if (!strncmp(o, "https://", 8)) o += 8;
  else return 0;
  return !strcmp(o, h);
}

static int csrf_ok(const att__wsess *s, const att_web_req *rq) {
  const char *t = att__web_field(rq, "csrf");
  return t && strlen(t) == 64 && att_secret_eq(t, s->csrf, 64);
}

static int json_401(att_api_res *rs) {
  rs->status = 401;
  rs->content_type = "application/json";
  rs->body = strdup("{\"error\":{\"status\":401,\"message\":\"not logged in: log in at /ui/login\"}}");
  rs->body_len = rs->body ? strlen(rs->body) : 0;
  return rs->body ? 0 : ATT_ENOMEM;
}

static int static_file(att_api_res *rs, const char *text, size_t len, const char *type) {
  if (!text) return att__web_error(NULL, rs, 404, "no such file");
  if ((rs->body = malloc(len + 1)) == NULL) return ATT_ENOMEM;
  memcpy(rs->body, text, len);
  rs->body[len] = '\0';
  rs->body_len = len;
  rs->status = 200;
  rs->content_type = type;
  return 0;
}

static int redirect(att_api_res *rs, const char *to) {
  snprintf(rs->location, sizeof rs->location, "%s", to);
  return att__web_finish(&(att__sb){0}, rs, 303);
}

/* The page's icon: a white "a" on the accent blue. */
static const char icon[] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\"><rect width=\"32\" height=\"32\" "
    "rx=\"6\" fill=\"#0b5cad\"/><text x=\"16\" y=\"23\" font-family=\"sans-serif\" font-size=\"20\" "
    "font-weight=\"700\" text-anchor=\"middle\" fill=\"#fff\">a</text></svg>\n";

static int page(att_web *w, att__wsess *s, const att_web_req *rq, att_api_res *rs);

static int route(att_web *w, const att_web_req *rq, att_api_res *rs, att__wsess **sp) {
  const char *p = rq->path ? rq->path : "", *m = rq->method ? rq->method : "";
  int get = !strcmp(m, "GET"), post = !strcmp(m, "POST");
  att__wsess *s;
  if (!strcmp(p, "/") || !strcmp(p, "/ui") || !strcmp(p, "/ui/")) return redirect(rs, "/ui/agenda");
  if (!strncmp(p, "/ui/static/", 11)) {
    if (!get) return rs->allow = "GET", att__web_error(NULL, rs, 405, "use GET");
    if (!strcmp(p + 11, "app.css")) return static_file(rs, w->o.css, w->o.css_len, "text/css; charset=utf-8");
    if (!strcmp(p + 11, "icon.svg")) return static_file(rs, icon, sizeof icon - 1, "image/svg+xml");
    if (!strcmp(p + 11, "app.js"))
      return static_file(rs, w->o.js, w->o.js_len, "text/javascript; charset=utf-8");
    return att__web_error(NULL, rs, 404, "no such file");
  }
  if (!strcmp(p, "/ui/login")) {
    if (get) return login_page(rs, 200, param(rq, "next"), NULL);
    if (!post) return rs->allow = "GET, POST", att__web_error(NULL, rs, 405, "use GET or POST");
    if (!same_origin(rq)) return login_page(rs, 403, NULL, "This form was sent from another site.");
    return login(w, rq, rs);
  }
  *sp = s = session_of(w, rq);
  if (!strcmp(p, "/ui/dates") || !strcmp(p, "/ui/changes")) {
    att__wcall c = {"GET", p[4] == 'd' ? "/v1/dates" : "/v1/changes", rq->params, rq->nparams, NULL, NULL};
    cJSON *o = NULL;
    int st;
    if (!get) return rs->allow = "GET", att__web_error(s, rs, 405, "use GET");
    if (!s) return json_401(rs);
    if ((st = att__web_call(w, s, rq, &c, &o, NULL)) < 0) return ATT_ENOMEM;
    rs->status = st;
    if (p[4] == 'c' && st == 200) {
      cJSON_Delete(o);
      rs->stream = 1;
      rs->content_type = "text/event-stream";
      return 0;
    }
    rs->content_type = "application/json";
    rs->body = o ? cJSON_PrintUnformatted(o) : strdup("{}");
    cJSON_Delete(o);
    rs->body_len = rs->body ? strlen(rs->body) : 0;
    return rs->body ? 0 : ATT_ENOMEM;
  }
  if (!s) {
    char to[300];
    if (!get) return login_page(rs, 403, NULL, "Your session has ended: log in again.");
    snprintf(to, sizeof to, "/ui/login?next=%s", next_ok(p));
    return redirect(rs, to);
  }
  if (post) {
    if (!same_origin(rq) || !csrf_ok(s, rq))
      return att__web_error(s, rs, 403, "This form was not sent from this page (its CSRF token is missing or "
                                         "wrong): reload the page and send it again.");
    if (!strcmp(p, "/ui/logout")) {
      sess_drop(w, (size_t)(s - w->s));
      cookie_set(w, rs, "");
      return redirect(rs, "/ui/login");
    }
    if (!strcmp(p, "/ui/events")) return att__web_save(w, s, rq, NULL, rs);
    if (!strncmp(p, "/ui/events/", 11) && p[11] && !strchr(p + 11, '/'))
      return att__web_save(w, s, rq, p + 11, rs);
    return att__web_error(s, rs, 404, "no such page");
  }
  if (!get) return rs->allow = "GET, POST", att__web_error(s, rs, 405, "use GET or POST");
  w->offload_ok = rq->offload_ok;
  return page(w, s, rq, rs);
}

/* The page a GET asks for, for session s. */
static int page(att_web *w, att__wsess *s, const att_web_req *rq, att_api_res *rs) {
  const char *p = rq->path ? rq->path : "";
  if (!strcmp(p, "/ui/agenda")) return att__web_agenda(w, s, rq, rs);
  if (!strcmp(p, "/ui/events")) return att__web_timeline(w, s, rq, rs);
  if (!strcmp(p, "/ui/alerts")) return att__web_alerts(w, s, rq, rs);
  if (!strcmp(p, "/ui/new")) return att__web_form(w, s, rq, NULL, rs);
  if (!strncmp(p, "/ui/events/", 11) && p[11]) {
    const char *sl = strchr(p + 11, '/');
    char which[128];
    if (!sl) return att__web_event(w, s, rq, p + 11, rs);
    if (!strcmp(sl, "/edit") && (size_t)(sl - (p + 11)) < sizeof which) {
      memcpy(which, p + 11, (size_t)(sl - (p + 11)));
      which[sl - (p + 11)] = '\0';
      return att__web_form(w, s, rq, which, rs);
    }
  }
  if (!strcmp(p, "/ui/logout")) return redirect(rs, "/ui/agenda");
  return att__web_error(s, rs, 404, "no such page");
}

int att_web_handle(att_web *w, const att_web_req *rq, att_api_res *rs) {
  att__wsess *s = NULL;
  int rc;
  memset(rs, 0, sizeof *rs);
  w->refused = w->offload_ok = w->deferred = 0;
  rc = route(w, rq, rs, &s);
  w->offload_ok = 0;
  if (w->deferred && s) { /* made by att_web_read, for this session's user */
    att_api_res_free(rs);
    memset(rs, 0, sizeof *rs);
    rs->status = 200;
    rs->offload = 1;
    snprintf(w->view.user, sizeof w->view.user, "%s", s->user);
    snprintf(w->view.role, sizeof w->view.role, "%s", s->role);
    snprintf(w->view.csrf, sizeof w->view.csrf, "%s", s->csrf);
    return 0;
  }
  /* The user was removed or locked, or has a new token: the session ends
   * (unlocking the user does not bring it back). */
  if (w->refused && s && s >= w->s && s < w->s + w->ns) sess_drop(w, (size_t)(s - w->s));
  return rc;
}

void att_web_offloaded(const att_web *w, att_web_view *v) { *v = w->view; }

int att_web_read(att_store *st, const att_web_view *v, att_time now, const att_web_req *rq, att_api_res *rs) {
  att_web *w = calloc(1, sizeof *w);
  att__wsess s;
  int rc;
  memset(&s, 0, sizeof s);
  memset(rs, 0, sizeof *rs);
  if (w == NULL) return att__err(ATT_ENOMEM, "out of memory");
  w->st = st;
  w->now = now;
  snprintf(s.user, sizeof s.user, "%s", v->user);
  snprintf(s.role, sizeof s.role, "%s", v->role);
  snprintf(s.csrf, sizeof s.csrf, "%s", v->csrf);
  rc = page(w, &s, rq, rs);
  free(w);
  return rc;
}
