/*
 * The web page's reading pages (web.h): the frame every page shares, the
 * agenda of a week or a month, the timeline with its search, an event's
 * page with its history, and the alerts.  Each is made from the API's
 * JSON; every value in it goes through att__hb_e.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "error.h"
#include "store.h"
#include "web_int.h"

/* ---- the frame ------------------------------------------------------------ */

void att__web_page(att__sb *b, const att__wsess *s, const char *title, const char *current) {
  static const char *const nav[][2] = {
      {"/ui/agenda", "Agenda"}, {"/ui/events", "Timeline"}, {"/ui/new", "Add"}, {"/ui/alerts", "Alerts"}};
  att__sb_s(b, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
  att__hb_e(b, title);
  att__sb_s(b, " · attache</title>\n<link rel=\"stylesheet\" href=\"/ui/static/app.css\">\n"
               "<link rel=\"icon\" href=\"/ui/static/icon.svg\" type=\"image/svg+xml\">\n"
               "<script src=\"/ui/static/app.js\" defer></script>\n</head>\n<body>\n"
               "<a class=\"skip\" href=\"#main\">Skip to the content</a>\n<header>\n"
               "<p class=\"brand\">attache</p>\n");
  if (s) {
    att__sb_s(b, "<nav aria-label=\"Pages\">\n<ul>\n");
    for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
      if (!strcmp(nav[i][1], "Add") && !strcmp(s->role, "reader")) continue;
      att__sb_f(b, "<li><a href=\"%s\"%s>%s</a></li>\n", nav[i][0],
                current && !strcmp(current, nav[i][1]) ? " aria-current=\"page\"" : "", nav[i][1]);
    }
    att__sb_s(b, "</ul>\n</nav>\n<form method=\"post\" action=\"/ui/logout\" class=\"who\">\n"
                 "<input type=\"hidden\" name=\"csrf\" value=\"");
    att__hb_e(b, s->csrf);
    att__sb_s(b, "\">\n<span>");
    att__hb_e(b, s->user);
    att__sb_s(b, " <small>(");
    att__hb_e(b, s->role);
    att__sb_s(b, ")</small></span>\n<button type=\"submit\">Log out</button>\n</form>\n");
  }
  att__sb_s(b, "</header>\n<main id=\"main\"");
  if (s) att__sb_s(b, " data-live=\"/ui/changes\"");
  att__sb_s(b, ">\n");
}

void att__web_end(att__sb *b) { att__sb_s(b, "</main>\n</body>\n</html>\n"); }

int att__web_finish(att__sb *b, att_api_res *rs, int status) {
  if (b->oom) {
    free(b->p);
    return ATT_ENOMEM;
  }
  rs->status = status;
  rs->body = b->p;
  rs->body_len = b->n;
  rs->content_type = "text/html; charset=utf-8";
  rs->html = 1;
  return 0;
}

const char *att__web_errmsg(const cJSON *o, const char *dflt) {
  const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "error"), *m = cJSON_GetObjectItemCaseSensitive(e, "message");
  return cJSON_IsString(m) ? m->valuestring : dflt;
}

int att__web_error(const att__wsess *s, att_api_res *rs, int status, const char *msg) {
  att__sb b = {0};
  att__web_page(&b, s, "Error", NULL);
  att__sb_f(&b, "<h1>%s</h1>\n<p class=\"error\" role=\"alert\">", status == 404   ? "Not found"
                                                                    : status == 403 ? "Not allowed"
                                                                    : status == 429 ? "Too many requests"
                                                                                    : "Something went wrong");
  att__hb_e(&b, msg);
  att__sb_s(&b, "</p>\n");
  att__web_end(&b);
  return att__web_finish(&b, rs, status);
}

/* The API's answer was not a 200: its error, as a page (401: the token was
 * removed or changed; log in again). */
static int api_error(const att__wsess *s, att_api_res *rs, int st, const cJSON *o) {
  if (st == 401) {
    snprintf(rs->location, sizeof rs->location, "/ui/login");
    return att__web_finish(&(att__sb){0}, rs, 303);
  }
  if (st == 429) rs->retry_after = 1;
  return att__web_error(s, rs, st >= 400 ? st : 500, att__web_errmsg(o, "the API did not answer"));
}

static const char *str(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *param(const att_web_req *rq, const char *name) {
  for (size_t i = 0; i < rq->nparams; i++)
    if (!strcmp(rq->params[i].name, name)) return rq->params[i].value;
  return NULL;
}

/* An EDTF value as people read it, and the EDTF in a title. */
static void when_text(att__sb *b, const char *edtf) {
  char h[ATT_DATE_HUMAN_MAX];
  if (!edtf) return;
  att__sb_s(b, "<time title=\"");
  att__hb_e(b, edtf);
  att__sb_s(b, "\">");
  att__hb_e(b, att_date_human(edtf, h, sizeof h) == 0 ? h : edtf);
  att__sb_s(b, "</time>");
}

static void event_link(att__sb *b, const cJSON *ev, const char *title) {
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(ev, "id");
  att__sb_f(b, "<a href=\"/ui/events/%lld\">", cJSON_IsNumber(id) ? (long long)id->valuedouble : 0LL);
  att__hb_e(b, title ? title : "(untitled)");
  att__sb_s(b, "</a>");
}

static void badges(att__sb *b, const cJSON *ev) {
  const char *k = str(ev, "kind"), *st = str(ev, "status");
  if (k) {
    att__sb_s(b, " <span class=\"kind\">");
    att__hb_e(b, k);
    att__sb_s(b, "</span>");
  }
  if (st) {
    att__sb_s(b, " <span class=\"status\">");
    att__hb_e(b, st);
    att__sb_s(b, "</span>");
  }
}

/* ---- the agenda ------------------------------------------------------------- */

static const char *const wdays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                     "July",    "August",   "September", "October", "November", "December"};

/* "2024-03-11" as a day number, or 0 with *ok = 0. */
static int64_t day_of(const char *s, int *ok) {
  int y, m, d;
  char tail;
  *ok = s && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) >= 3 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
  return *ok ? att_days_from_civil(y, m, d) : 0;
}

static void day_iso(int64_t day, char *out, size_t cap) {
  int64_t y;
  int m, d;
  att_civil_from_days(day, &y, &m, &d);
  snprintf(out, cap, "%04lld-%02d-%02d", (long long)y, m, d);
}

static void day_heading(att__sb *b, int64_t day) {
  int64_t y;
  int m, d;
  att_civil_from_days(day, &y, &m, &d);
  /* 1970-01-01 was a Thursday (index 3) */
  att__sb_f(b, "%s %d %s %lld", wdays[(((day % 7) + 7) % 7 + 3) % 7], d, months[m - 1], (long long)y);
}

int att__web_agenda(att_web *w, const att__wsess *s, const att_web_req *rq, att_api_res *rs) {
  const char *span = param(rq, "span"), *from = param(rq, "from");
  int month = span && !strcmp(span, "month"), ok, st;
  int64_t start, today, y;
  int m, d, days;
  char fromiso[16], daysv[8], t[16];
  att_api_param ps[2];
  att__wcall c = {"GET", "/v1/agenda", ps, 2, NULL, NULL};
  cJSON *o = NULL, *occ, *x;
  att__sb b = {0};
  att_time now = att__web_now(w);
  today = (now - (((now % 86400) + 86400) % 86400)) / 86400;
  start = day_of(from, &ok);
  if (!ok) start = today;
  if (span && strcmp(span, "week") && strcmp(span, "month"))
    return att__web_error(s, rs, 400, "span: give week or month");
  att_civil_from_days(start, &y, &m, &d);
  if (month) {
    start = att_days_from_civil(y, m, 1);
    days = (int)(att_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - start);
  } else {
    start -= ((start % 7) + 7 + 3) % 7; /* back to Monday */
    days = 7;
  }
  day_iso(start, fromiso, sizeof fromiso);
  snprintf(daysv, sizeof daysv, "%d", days);
  ps[0] = (att_api_param){"from", fromiso};
  ps[1] = (att_api_param){"days", daysv};
  if ((st = att__web_call(w, s, rq, &c, &o, NULL)) < 0) return ATT_ENOMEM;
  if (st != 200) {
    int rc = api_error(s, rs, st, o);
    cJSON_Delete(o);
    return rc;
  }
  att__web_page(&b, s, "Agenda", "Agenda");
  att__sb_s(&b, "<h1>Agenda</h1>\n<p class=\"span\">");
  if (month) att__sb_f(&b, "%s %lld", months[m - 1], (long long)y);
  else {
    att__sb_s(&b, "Week of ");
    day_heading(&b, start);
  }
  att__sb_s(&b, "</p>\n<nav class=\"pager\" aria-label=\"Other weeks and months\">\n");
  {
    int64_t prev = month ? att_days_from_civil(m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1, 1) : start - 7,
            next = start + days;
    day_iso(prev, t, sizeof t);
    att__sb_f(&b, "<a href=\"/ui/agenda?span=%s&amp;from=%s\" rel=\"prev\">Previous %s</a>\n",
              month ? "month" : "week", t, month ? "month" : "week");
    att__sb_s(&b, "<a href=\"/ui/agenda?span=week\">This week</a>\n"
                  "<a href=\"/ui/agenda?span=month\">This month</a>\n");
    day_iso(next, t, sizeof t);
    att__sb_f(&b, "<a href=\"/ui/agenda?span=%s&amp;from=%s\" rel=\"next\">Next %s</a>\n",
              month ? "month" : "week", t, month ? "month" : "week");
  }
  att__sb_s(&b, "</nav>\n");
  occ = cJSON_GetObjectItemCaseSensitive(o, "occurrences");
  if (cJSON_GetArraySize(occ) == 0) att__sb_s(&b, "<p class=\"empty\">Nothing in this span.</p>\n");
  {
    int64_t open = INT64_MIN;
    cJSON_ArrayForEach(x, occ) {
      const char *date = str(x, "date");
      int64_t day = day_of(date, &ok);
      if (!ok) day = start;
      if (day < start) day = start; /* began before the span: shown on its first day */
      if (day != open) {
        if (open != INT64_MIN) att__sb_s(&b, "</ul>\n</section>\n");
        att__sb_s(&b, "<section class=\"day\">\n<h2>");
        day_heading(&b, day);
        if (day == today) att__sb_s(&b, " <span class=\"today\">today</span>");
        att__sb_s(&b, "</h2>\n<ul>\n");
        open = day;
      }
      {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(x, "id");
        att__sb_f(&b, "<li class=\"occ\" data-id=\"%lld\">", cJSON_IsNumber(id) ? (long long)id->valuedouble : 0LL);
      }
      event_link(&b, x, str(x, "title"));
      badges(&b, x);
      if (date && (strchr(date, 'T') || strchr(date, '/'))) {
        att__sb_s(&b, " <span class=\"when\">");
        att__hb_e(&b, date);
        att__sb_s(&b, "</span>");
      }
      if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(x, "recurring")))
        att__sb_s(&b, " <span class=\"recurs\" title=\"a recurring event\">recurs</span>");
      att__sb_s(&b, "</li>\n");
    }
    if (open != INT64_MIN) att__sb_s(&b, "</ul>\n</section>\n");
  }
  cJSON_Delete(o);
  att__web_end(&b);
  return att__web_finish(&b, rs, 200);
}

/* ---- the timeline and its search ------------------------------------------- */

static const char *const filters[][2] = {{"text", "Text"},     {"actor", "Actor"}, {"tag", "Tag"},
                                         {"kind", "Kind"},     {"status", "Status"}, {"from", "From"},
                                         {"to", "To"}};

int att__web_timeline(att_web *w, const att__wsess *s, const att_web_req *rq, att_api_res *rs) {
  att_api_param ps[20];
  size_t n = 0;
  att__wcall c = {"GET", "/v1/events", ps, 0, NULL, NULL};
  cJSON *o = NULL, *evs, *ev;
  att__sb b = {0};
  int st, limited;
  for (size_t i = 0; i < rq->nparams && n < 19; i++) /* the filters given, empty ones left out */
    for (size_t f = 0; f < sizeof filters / sizeof filters[0]; f++)
      if (!strcmp(rq->params[i].name, filters[f][0]) && rq->params[i].value[0]) ps[n++] = rq->params[i];
  ps[n++] = (att_api_param){"limit", "501"};
  c.nparams = n;
  if ((st = att__web_call(w, s, rq, &c, &o, NULL)) < 0) return ATT_ENOMEM;
  if (st != 200 && st != 400) {
    int rc = api_error(s, rs, st, o);
    cJSON_Delete(o);
    return rc;
  }
  att__web_page(&b, s, "Timeline", "Timeline");
  att__sb_s(&b, "<h1>Timeline</h1>\n<form id=\"search\" method=\"get\" action=\"/ui/events\" role=\"search\">\n");
  for (size_t f = 0; f < sizeof filters / sizeof filters[0]; f++) {
    const char *v = param(rq, filters[f][0]);
    att__sb_f(&b, "<p><label for=\"s-%s\">%s</label> <input id=\"s-%s\" name=\"%s\" value=\"", filters[f][0],
              filters[f][1], filters[f][0], filters[f][0]);
    att__hb_e(&b, v);
    att__sb_f(&b, "\"%s></p>\n", f >= 5 ? " placeholder=\"2024-Q1, mid March 2024\"" : "");
  }
  att__sb_s(&b, "<p><button type=\"submit\">Search</button> <a href=\"/ui/events\">Clear</a></p>\n</form>\n");
  if (st == 400) {
    att__sb_s(&b, "<p class=\"error\" role=\"alert\">");
    att__hb_e(&b, att__web_errmsg(o, "the search was refused"));
    att__sb_s(&b, "</p>\n");
  }
  evs = cJSON_GetObjectItemCaseSensitive(o, "events");
  limited = cJSON_GetArraySize(evs) > 500;
  if (st == 200 && cJSON_GetArraySize(evs) == 0) att__sb_s(&b, "<p class=\"empty\">No event matches.</p>\n");
  if (cJSON_GetArraySize(evs) > 0) att__sb_s(&b, "<ol class=\"timeline\">\n");
  {
    int k = 0;
    cJSON_ArrayForEach(ev, evs) {
      const cJSON *id = cJSON_GetObjectItemCaseSensitive(ev, "id"), *acts = cJSON_GetObjectItemCaseSensitive(ev, "actors"), *a;
      if (++k > 500) break;
      att__sb_f(&b, "<li data-id=\"%lld\">", cJSON_IsNumber(id) ? (long long)id->valuedouble : 0LL);
      when_text(&b, str(ev, "when"));
      att__sb_s(&b, " ");
      event_link(&b, ev, str(ev, "title"));
      badges(&b, ev);
      if (cJSON_GetArraySize(acts) > 0) {
        att__sb_s(&b, " <span class=\"actors\">");
        cJSON_ArrayForEach(a, acts) if (cJSON_IsString(a)) {
          att__sb_s(&b, a == acts->child ? "" : ", ");
          att__hb_e(&b, a->valuestring);
        }
        att__sb_s(&b, "</span>");
      }
      att__sb_s(&b, "</li>\n");
    }
  }
  if (cJSON_GetArraySize(evs) > 0) att__sb_s(&b, "</ol>\n");
  if (limited) att__sb_s(&b, "<p class=\"more\">The first 500 are shown: narrow the search to see the rest.</p>\n");
  cJSON_Delete(o);
  att__web_end(&b);
  return att__web_finish(&b, rs, st);
}

/* ---- an event's page --------------------------------------------------------- */

static void dt(att__sb *b, const char *name) {
  att__sb_f(b, "<dt>%s</dt><dd>", name);
}

static void list_of(att__sb *b, const cJSON *arr) {
  const cJSON *a;
  cJSON_ArrayForEach(a, arr) if (cJSON_IsString(a)) {
    att__sb_s(b, a == arr->child ? "" : ", ");
    att__hb_e(b, a->valuestring);
  }
}

/* A link out: http(s) addresses only, never javascript: or data:. */
static void url_link(att__sb *b, const char *url, const char *text) {
  if (url && (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7))) {
    att__sb_s(b, "<a href=\"");
    att__hb_e(b, url);
    att__sb_s(b, "\" rel=\"noopener noreferrer\">");
    att__hb_e(b, text ? text : url);
    att__sb_s(b, "</a>");
  } else {
    att__hb_e(b, text ? text : url);
    if (url && text) {
      att__sb_s(b, " (");
      att__hb_e(b, url);
      att__sb_s(b, ")");
    }
  }
}

static void history_section(att__sb *b, const cJSON *h) {
  const cJSON *ch = cJSON_GetObjectItemCaseSensitive(h, "changes"), *x;
  att__sb_s(b, "<section id=\"history\">\n<h2>History</h2>\n");
  if (cJSON_GetArraySize(ch) == 0) {
    att__sb_s(b, "<p class=\"empty\">No change is on record (the store keeps its history from when it was "
                 "turned on).</p>\n</section>\n");
    return;
  }
  att__sb_s(b, "<table>\n<thead><tr><th scope=\"col\">When</th><th scope=\"col\">What</th>"
               "<th scope=\"col\">Revision</th><th scope=\"col\">Who</th><th scope=\"col\">Why</th></tr></thead>\n<tbody>\n");
  cJSON_ArrayForEach(x, ch) {
    const cJSON *rev = cJSON_GetObjectItemCaseSensitive(x, "rev");
    const char *who = str(x, "author");
    att__sb_s(b, "<tr><td>");
    att__hb_e(b, str(x, "at"));
    att__sb_s(b, "</td><td>");
    att__hb_e(b, str(x, "op"));
    {
      const cJSON *df = cJSON_GetObjectItemCaseSensitive(x, "diff"), *t;
      if (cJSON_GetArraySize(df) > 0) {
        att__sb_s(b, "<ul class=\"diff\">");
        cJSON_ArrayForEach(t, df) if (cJSON_IsString(t)) {
          att__sb_s(b, "<li>");
          att__hb_e(b, t->valuestring);
          att__sb_s(b, "</li>");
        }
        att__sb_s(b, "</ul>");
      }
    }
    att__sb_f(b, "</td><td>%lld</td><td>", cJSON_IsNumber(rev) ? (long long)rev->valuedouble : 0LL);
    att__hb_e(b, who && *who ? who : "unknown");
    att__sb_s(b, "</td><td>");
    att__hb_e(b, str(x, "reason"));
    att__sb_s(b, "</td></tr>\n");
  }
  att__sb_s(b, "</tbody>\n</table>\n</section>\n");
}

int att__web_event(att_web *w, const att__wsess *s, const att_web_req *rq, const char *which, att_api_res *rs) {
  char path[200], hpath[220];
  att__wcall c = {"GET", path, NULL, 0, NULL, NULL};
  cJSON *ev = NULL, *h = NULL, *v, *x;
  att__sb b = {0};
  int st;
  const cJSON *id;
  if (strlen(which) > 128) return att__web_error(s, rs, 404, "no such event");
  snprintf(path, sizeof path, "/v1/events/%s", which);
  if ((st = att__web_call(w, s, rq, &c, &ev, NULL)) < 0) return ATT_ENOMEM;
  if (st != 200) {
    int rc = api_error(s, rs, st, ev);
    cJSON_Delete(ev);
    return rc;
  }
  snprintf(hpath, sizeof hpath, "%s/history", path);
  c.path = hpath;
  if (att__web_call(w, s, rq, &c, &h, NULL) < 0) {
    cJSON_Delete(ev);
    return ATT_ENOMEM;
  }
  id = cJSON_GetObjectItemCaseSensitive(ev, "id");
  att__web_page(&b, s, str(ev, "title") ? str(ev, "title") : "Event", NULL);
  att__sb_s(&b, "<article class=\"event\">\n<h1>");
  att__hb_e(&b, str(ev, "title"));
  att__sb_s(&b, "</h1>\n");
  if (strcmp(s->role, "reader"))
    att__sb_f(&b, "<p class=\"actions\"><a href=\"/ui/events/%lld/edit\">Edit</a></p>\n",
              cJSON_IsNumber(id) ? (long long)id->valuedouble : 0LL);
  att__sb_s(&b, "<dl>\n");
  dt(&b, "When");
  when_text(&b, str(ev, "when"));
  att__sb_s(&b, " <code>");
  att__hb_e(&b, str(ev, "when"));
  att__sb_s(&b, "</code></dd>\n");
  {
    static const char *const plain[][2] = {{"kind", "Kind"},   {"status", "Status"}, {"where", "Where"},
                                           {"recur", "Repeats"}, {"key", "Key"}};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
      if (str(ev, plain[i][0])) {
        dt(&b, plain[i][1]);
        att__hb_e(&b, str(ev, plain[i][0]));
        att__sb_s(&b, "</dd>\n");
      }
  }
  if (cJSON_GetArraySize(v = cJSON_GetObjectItemCaseSensitive(ev, "actors")) > 0) {
    dt(&b, "Actors");
    list_of(&b, v);
    att__sb_s(&b, "</dd>\n");
  }
  if (cJSON_GetArraySize(v = cJSON_GetObjectItemCaseSensitive(ev, "tags")) > 0) {
    dt(&b, "Tags");
    list_of(&b, v);
    att__sb_s(&b, "</dd>\n");
  }
  if (cJSON_GetArraySize(v = cJSON_GetObjectItemCaseSensitive(ev, "people")) > 0) {
    dt(&b, "People");
    att__sb_s(&b, "<ul>");
    cJSON_ArrayForEach(x, v) {
      att__sb_s(&b, "<li>");
      att__hb_e(&b, str(x, "name"));
      if (str(x, "role")) att__sb_s(&b, ", "), att__hb_e(&b, str(x, "role"));
      if (str(x, "actor")) att__sb_s(&b, " ("), att__hb_e(&b, str(x, "actor")), att__sb_s(&b, ")");
      att__sb_s(&b, "</li>");
    }
    att__sb_s(&b, "</ul></dd>\n");
  }
  if (cJSON_IsObject(v = cJSON_GetObjectItemCaseSensitive(ev, "source"))) {
    dt(&b, "Source");
    url_link(&b, str(v, "url"), str(v, "title"));
    if (str(v, "publisher")) att__sb_s(&b, ", "), att__hb_e(&b, str(v, "publisher"));
    if (str(v, "published")) att__sb_s(&b, ", "), when_text(&b, str(v, "published"));
    att__sb_s(&b, "</dd>\n");
  }
  if (cJSON_GetArraySize(v = cJSON_GetObjectItemCaseSensitive(ev, "links")) > 0) {
    dt(&b, "Links");
    att__sb_s(&b, "<ul>");
    cJSON_ArrayForEach(x, v) {
      const cJSON *lid = cJSON_GetObjectItemCaseSensitive(x, "id");
      att__sb_s(&b, "<li>");
      att__hb_e(&b, str(x, "rel"));
      att__sb_s(&b, " ");
      if (cJSON_IsNumber(lid))
        att__sb_f(&b, "<a href=\"/ui/events/%lld\">event %lld</a>", (long long)lid->valuedouble,
                  (long long)lid->valuedouble);
      else if (str(x, "key")) {
        att__sb_s(&b, "<a href=\"/ui/events/");
        att__hb_q(&b, str(x, "key"));
        att__sb_s(&b, "\">");
        att__hb_e(&b, str(x, "key"));
        att__sb_s(&b, "</a>");
      }
      att__sb_s(&b, "</li>");
    }
    att__sb_s(&b, "</ul></dd>\n");
  }
  if (str(ev, "notes")) {
    dt(&b, "Notes");
    att__sb_s(&b, "<p class=\"notes\">");
    att__hb_e(&b, str(ev, "notes"));
    att__sb_s(&b, "</p></dd>\n");
  }
  if (cJSON_IsObject(v = cJSON_GetObjectItemCaseSensitive(ev, "fields"))) {
    char *j = cJSON_Print(v);
    dt(&b, "Fields");
    att__sb_s(&b, "<pre>");
    att__hb_e(&b, j);
    att__sb_s(&b, "</pre></dd>\n");
    free(j);
  }
  {
    const cJSON *rev = cJSON_GetObjectItemCaseSensitive(ev, "rev");
    dt(&b, "Revision");
    att__sb_f(&b, "%lld", cJSON_IsNumber(rev) ? (long long)rev->valuedouble : 0LL);
    if (str(ev, "updated")) att__sb_s(&b, ", updated "), att__hb_e(&b, str(ev, "updated"));
    att__sb_s(&b, "</dd>\n");
  }
  att__sb_s(&b, "</dl>\n</article>\n");
  history_section(&b, h);
  cJSON_Delete(ev);
  cJSON_Delete(h);
  att__web_end(&b);
  return att__web_finish(&b, rs, 200);
}

/* ---- the alerts ----------------------------------------------------------------- */

int att__web_alerts(att_web *w, const att__wsess *s, const att_web_req *rq, att_api_res *rs) {
  char since[16];
  att_api_param ps[1] = {{"since", since}};
  att__wcall c = {"GET", "/v1/alerts", ps, 1, NULL, NULL};
  cJSON *o = NULL, *arr;
  att__sb b = {0};
  int st, n;
  att_time now = att__web_now(w);
  day_iso((now - (((now % 86400) + 86400) % 86400)) / 86400 - 30, since, sizeof since);
  if ((st = att__web_call(w, s, rq, &c, &o, NULL)) < 0) return ATT_ENOMEM;
  if (st != 200) {
    int rc = api_error(s, rs, st, o);
    cJSON_Delete(o);
    return rc;
  }
  att__web_page(&b, s, "Alerts", "Alerts");
  att__sb_s(&b, "<h1>Alerts</h1>\n<p>The alerts of the last 30 days, the newest first.</p>\n");
  arr = cJSON_GetObjectItemCaseSensitive(o, "alerts");
  n = cJSON_GetArraySize(arr);
  if (n == 0) att__sb_s(&b, "<p class=\"empty\">No alert in the last 30 days.</p>\n");
  else
    att__sb_s(&b, "<table class=\"alerts\">\n<thead><tr><th scope=\"col\">When</th><th scope=\"col\">Level</th>"
                  "<th scope=\"col\">Alert</th><th scope=\"col\">Event</th></tr></thead>\n<tbody>\n");
  for (int i = n - 1; i >= 0; i--) {
    const cJSON *a = cJSON_GetArrayItem(arr, i), *ev = cJSON_GetObjectItemCaseSensitive(a, "event");
    att__sb_s(&b, "<tr><td>");
    att__hb_e(&b, str(a, "at"));
    att__sb_s(&b, "</td><td class=\"level\">");
    att__hb_e(&b, str(a, "level"));
    att__sb_s(&b, "</td><td><strong>");
    att__hb_e(&b, str(a, "title"));
    att__sb_s(&b, "</strong>");
    if (str(a, "body")) att__sb_s(&b, "<br>"), att__hb_e(&b, str(a, "body"));
    att__sb_s(&b, "</td><td>");
    if (cJSON_IsNumber(ev))
      att__sb_f(&b, "<a href=\"/ui/events/%lld\">%lld</a>", (long long)ev->valuedouble, (long long)ev->valuedouble);
    att__sb_s(&b, "</td></tr>\n");
  }
  if (n) att__sb_s(&b, "</tbody>\n</table>\n");
  cJSON_Delete(o);
  att__web_end(&b);
  return att__web_finish(&b, rs, 200);
}
