/*
 * The web page's form (web.h): add an event, or edit one, with the date
 * forms the command line reads ("mid March 2024", "2024-Q2", "next
 * week"), read by the API's /v1/dates as the CLI reads them; the change
 * is the API's, with its If-Match, so an edit made on a stale page is
 * refused (412) and shown, never written over another's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "web_int.h"

/* The form's values, as strings: from an event, or as the person sent them. */
enum { F_TITLE, F_WHEN, F_KIND, F_STATUS, F_ACTORS, F_TAGS, F_WHERE, F_KEY, F_NOTES, NF };
static const char *const names[NF] = {"title", "when", "kind", "status", "actors", "tags", "where", "key", "notes"};
static const char *const labels[NF] = {"Title", "Date", "Kind", "Status", "Actors", "Tags", "Where", "Key", "Notes"};
static const char *const kinds[] = {"meeting", "visit",     "call",      "talks",      "agreement", "policy",
                                    "anniversary", "statement", "election", "deployment", "other", NULL};
static const char *const statuses[] = {"planned", "confirmed", "held", "postponed", "cancelled",
                                       "draft",   "endorsed",  "in-force", "expired", NULL};

/* An edit form carries, beside each field, what it showed there at
 * first (hidden orig-NAME fields): a field sent back as shown is left
 * out of the change, so that what the form cannot show exactly stays as
 * it is (a season's EDTF read back as a span of years, a tag holding a
 * comma split in two, notes sent back with the CRLF every browser uses,
 * an actor whose name holds a comma refused). */
typedef struct form {
  char *v[NF];    /* malloc'd or NULL */
  char *orig[NF]; /* an edit's first values, malloc'd or NULL */
  long long rev;
} form;

static void form_free(form *f) {
  for (int i = 0; i < NF; i++) free(f->v[i]), free(f->orig[i]);
}

/* s with each CRLF (and lone CR) as LF, in place: how a browser sends a
 * line break, read back as the line break it is. */
static char *lf(char *s) {
  char *o = s;
  for (const char *p = s; p && *p; p++) {
    if (*p == '\r' && p[1] == '\n') continue;
    *o++ = *p == '\r' ? '\n' : *p;
  }
  if (o) *o = '\0';
  return s;
}

/* Was field i sent back as the form first showed it? */
static int unchanged(const form *f, int i) {
  return f->orig[i] && f->v[i] && strcmp(f->orig[i], f->v[i]) == 0;
}

static char *joined(const cJSON *arr) {
  att__sb b = {0};
  const cJSON *a;
  cJSON_ArrayForEach(a, arr) if (cJSON_IsString(a)) {
    if (b.n) att__sb_s(&b, ", ");
    att__sb_s(&b, a->valuestring);
  }
  return b.oom ? (free(b.p), NULL) : b.p;
}

static void from_event(form *f, const cJSON *ev) {
  const cJSON *r = cJSON_GetObjectItemCaseSensitive(ev, "rev");
  for (int i = 0; i < NF; i++) {
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(ev, names[i]);
    if (cJSON_IsString(x)) f->v[i] = strdup(x->valuestring);
    else if (cJSON_IsArray(x)) f->v[i] = joined(x);
    f->orig[i] = lf(strdup(f->v[i] ? f->v[i] : ""));
  }
  f->rev = cJSON_IsNumber(r) ? (long long)r->valuedouble : 0;
}

static void from_post(form *f, const att_web_req *rq) {
  const char *r = att__web_field(rq, "rev");
  for (int i = 0; i < NF; i++) {
    char on[16];
    const char *x = att__web_field(rq, names[i]), *o;
    snprintf(on, sizeof on, "orig-%s", names[i]);
    o = att__web_field(rq, on);
    if (x) f->v[i] = lf(strdup(x));
    if (o) f->orig[i] = lf(strdup(o));
  }
  f->rev = r ? strtoll(r, NULL, 10) : 0;
}

/* A word of an open set (a kind, a status): typed, with the documented
 * words offered; the API reads it as the command line does (a word the
 * store's settings add is taken, a typo refused with the nearest, a new
 * one kept with the "new names" box).  A closed list offered neither the
 * store's own words nor a new one. */
static void open_choice(att__sb *b, int i, const char *const *known, const char *cur, const char *help) {
  att__sb_f(b, "<p><label for=\"f-%s\">%s</label>\n<input id=\"f-%s\" name=\"%s\" list=\"l-%s\" value=\"",
            names[i], labels[i], names[i], names[i], names[i]);
  att__hb_e(b, cur);
  att__sb_f(b, "\" autocomplete=\"off\" spellcheck=\"false\" aria-describedby=\"h-%s\">\n<datalist id=\"l-%s\">",
            names[i], names[i]);
  for (; *known; known++) att__sb_f(b, "<option value=\"%s\">", *known);
  att__sb_f(b, "</datalist>\n<small id=\"h-%s\" class=\"help\">%s</small></p>\n", names[i], help);
}

static void text_field(att__sb *b, int i, const char *v, const char *extra, const char *help) {
  att__sb_f(b, "<p><label for=\"f-%s\">%s</label>\n<input id=\"f-%s\" name=\"%s\" value=\"", names[i], labels[i],
            names[i], names[i]);
  att__hb_e(b, v);
  att__sb_f(b, "\"%s%s%s%s>", extra, help ? " aria-describedby=\"h-" : "", help ? names[i] : "", help ? "\"" : "");
  if (help) att__sb_f(b, "\n<small id=\"h-%s\" class=\"help\">%s</small>", names[i], help);
  att__sb_s(b, "</p>\n");
}

/* The form, with an error (msg, and the field it is about, or -1). */
static int render(const att__wsess *s, const char *which, const form *f, int status, const char *msg, int field,
                  att_api_res *rs) {
  att__sb b = {0};
  att__web_page(&b, s, which ? "Edit event" : "Add an event", which ? NULL : "Add");
  att__sb_s(&b, which ? "<h1>Edit event</h1>\n" : "<h1>Add an event</h1>\n");
  if (msg) {
    att__sb_s(&b, "<p class=\"error\" role=\"alert\" id=\"form-error\">");
    if (field >= 0) att__sb_f(&b, "%s: ", labels[field]);
    att__hb_e(&b, msg);
    att__sb_s(&b, "</p>\n");
  }
  att__sb_s(&b, "<form id=\"event-form\" method=\"post\" action=\"/ui/events");
  if (which) {
    att__sb_s(&b, "/");
    att__hb_q(&b, which);
  }
  att__sb_s(&b, "\">\n<input type=\"hidden\" name=\"csrf\" value=\"");
  att__hb_e(&b, s->csrf);
  att__sb_s(&b, "\">\n");
  if (which) att__sb_f(&b, "<input type=\"hidden\" name=\"rev\" value=\"%lld\">\n", f->rev);
  for (int i = 0; which && i < NF; i++)
    if (f->orig[i]) {
      att__sb_f(&b, "<input type=\"hidden\" name=\"orig-%s\" value=\"", names[i]);
      att__hb_e(&b, f->orig[i]);
      att__sb_s(&b, "\">\n");
    }
  text_field(&b, F_TITLE, f->v[F_TITLE], " required maxlength=\"1000\"", NULL);
  text_field(&b, F_WHEN, f->v[F_WHEN], " required autocomplete=\"off\" spellcheck=\"false\"",
             "As precise as the source: 17 December 2023, 2024-Q1, mid March 2024, 2024-28, next week.");
  att__sb_s(&b, "<output id=\"when-echo\" for=\"f-when\" aria-live=\"polite\"></output>\n");
  open_choice(&b, F_KIND, kinds, f->v[F_KIND], "meeting, visit, talks... or a kind of the store's settings.");
  open_choice(&b, F_STATUS, statuses, f->v[F_STATUS], "planned, held, in-force...; empty for none.");
  text_field(&b, F_ACTORS, f->v[F_ACTORS], "", "Country codes (KHM, JPN) or organisations (CDC, ASEAN), with commas.");
  text_field(&b, F_TAGS, f->v[F_TAGS], "", "With commas: demining, cybersecurity.");
  text_field(&b, F_WHERE, f->v[F_WHERE], "", NULL);
  text_field(&b, F_KEY, f->v[F_KEY], " spellcheck=\"false\"", "An optional handle: cdc-2024-policy-meeting.");
  att__sb_s(&b, "<p><label for=\"f-notes\">Notes</label>\n<textarea id=\"f-notes\" name=\"notes\" rows=\"5\">");
  att__hb_e(&b, f->v[F_NOTES]);
  att__sb_s(&b, "</textarea></p>\n<p><label><input type=\"checkbox\" name=\"new-value\" value=\"1\"> Keep "
                "new kinds, statuses and actors as typed (else a name the store does not know is refused, "
                "with the nearest)</label></p>\n");
  att__sb_s(&b, "<p><button type=\"submit\">Save</button>");
  if (which) {
    att__sb_s(&b, " <a href=\"/ui/events/");
    att__hb_q(&b, which);
    att__sb_s(&b, "\">Cancel</a>");
  }
  att__sb_s(&b, "</p>\n</form>\n");
  att__web_end(&b);
  return att__web_finish(&b, rs, status);
}

static int reader(const att__wsess *s, att_api_res *rs) {
  return att__web_error(s, rs, 403, "You are a reader: reading only (an admin can change the role with "
                                    "attache user role NAME editor).");
}

int att__web_form(att_web *w, const att__wsess *s, const att_web_req *rq, const char *which, att_api_res *rs) {
  form f;
  int rc;
  memset(&f, 0, sizeof f);
  if (!strcmp(s->role, "reader")) return reader(s, rs);
  if (which) {
    char path[160];
    att__wcall c = {"GET", path, NULL, 0, NULL, NULL};
    cJSON *ev = NULL;
    int st;
    if (strlen(which) > 128) return att__web_error(s, rs, 404, "no such event");
    snprintf(path, sizeof path, "/v1/events/%s", which);
    if ((st = att__web_call(w, s, rq, &c, &ev, NULL)) < 0) return ATT_ENOMEM;
    if (st != 200) {
      rc = att__web_error(s, rs, st == 401 ? 403 : st, att__web_errmsg(ev, "the event cannot be read"));
      cJSON_Delete(ev);
      return rc;
    }
    from_event(&f, ev);
    cJSON_Delete(ev);
  }
  rc = render(s, which, &f, 200, NULL, -1, rs);
  form_free(&f);
  return rc;
}

/* "KHM, JPN" as ["KHM", "JPN"]; an empty list as NULL. */
static cJSON *split(const char *v) {
  cJSON *arr = NULL;
  while (v && *v) {
    const char *e = strchr(v, ','), *end = e ? e : v + strlen(v), *a = v;
    while (a < end && (*a == ' ' || *a == '\t')) a++;
    while (end > a && (end[-1] == ' ' || end[-1] == '\t')) end--;
    if (end > a) {
      char *t = strndup(a, (size_t)(end - a));
      if (!arr) arr = cJSON_CreateArray();
      cJSON_AddItemToArray(arr, cJSON_CreateString(t ? t : ""));
      free(t);
    }
    v = e ? e + 1 : "";
  }
  return arr;
}

int att__web_save(att_web *w, const att__wsess *s, const att_web_req *rq, const char *which, att_api_res *rs) {
  form f;
  cJSON *body = cJSON_CreateObject(), *o = NULL, *id;
  char edtf[160] = "", path[160], ifm[40], *text;
  int st, rc;
  memset(&f, 0, sizeof f);
  if (!strcmp(s->role, "reader")) {
    cJSON_Delete(body);
    return reader(s, rs);
  }
  from_post(&f, rq);
  if (which && strlen(which) > 128) {
    rc = att__web_error(s, rs, 404, "no such event");
    goto out;
  }
  if (which && unchanged(&f, F_WHEN)) {
    /* as shown: left as it is */
  } else if (f.v[F_WHEN] && *f.v[F_WHEN]) { /* the date as the CLI reads it */
    att_api_param q = {"q", f.v[F_WHEN]};
    att__wcall c = {"GET", "/v1/dates", &q, 1, NULL, NULL};
    const cJSON *e;
    if ((st = att__web_call(w, s, rq, &c, &o, NULL)) < 0) {
      rc = ATT_ENOMEM;
      goto out;
    }
    if (st != 200 || !cJSON_IsString(e = cJSON_GetObjectItemCaseSensitive(o, "edtf"))) {
      rc = render(s, which, &f, st == 200 ? 400 : st, att__web_errmsg(o, "the date cannot be read"), F_WHEN, rs);
      goto out;
    }
    snprintf(edtf, sizeof edtf, "%s", e->valuestring);
    cJSON_Delete(o);
    o = NULL;
  } else if (!which || f.v[F_WHEN]) {
    rc = render(s, which, &f, 400, "give the date (\"17 December 2023\", \"2024-Q1\", \"next week\")", F_WHEN, rs);
    goto out;
  }
  for (int i = 0; i < NF; i++) {
    const char *v = i == F_WHEN ? edtf : f.v[i];
    if (which && unchanged(&f, i)) continue;
    if (i == F_WHEN && !*edtf) continue;
    if (i == F_ACTORS || i == F_TAGS) {
      cJSON *arr = split(v);
      if (arr) cJSON_AddItemToObject(body, names[i], arr);
      else if (which && f.v[i]) cJSON_AddNullToObject(body, names[i]);
    } else if (v && *v) {
      cJSON_AddStringToObject(body, names[i], v);
    } else if (which && f.v[i] && i != F_TITLE) {
      cJSON_AddNullToObject(body, names[i]); /* emptied: removed (a merge patch) */
    } else if (i == F_TITLE) {
      cJSON_AddStringToObject(body, names[i], v ? v : ""); /* the API says what is wrong */
    }
  }
  if ((text = cJSON_PrintUnformatted(body)) == NULL) {
    rc = ATT_ENOMEM;
    goto out;
  }
  {
    static const att_api_param nv = {"new-value", "1"};
    att__wcall c = {which ? "PATCH" : "POST", "/v1/events", NULL, 0, text, NULL};
    if (att__web_field(rq, "new-value")) c.params = &nv, c.nparams = 1;
    if (which) {
      snprintf(path, sizeof path, "/v1/events/%s", which);
      snprintf(ifm, sizeof ifm, "\"%lld\"", f.rev);
      c.path = path;
      c.if_match = ifm;
    }
    st = att__web_call(w, s, rq, &c, &o, NULL);
    free(text);
  }
  if (st < 0) {
    rc = ATT_ENOMEM;
  } else if ((st == 200 || st == 201) && cJSON_IsNumber(id = cJSON_GetObjectItemCaseSensitive(o, "id"))) {
    snprintf(rs->location, sizeof rs->location, "/ui/events/%lld", (long long)id->valuedouble);
    rc = att__web_finish(&(att__sb){0}, rs, 303);
  } else if (st == 412) {
    const cJSON *cur = cJSON_GetObjectItemCaseSensitive(o, "event");
    form now;
    memset(&now, 0, sizeof now);
    from_event(&now, cur);
    rc = render(s, which, &now, 412,
                "Someone changed this event while you edited it: the form now shows what it holds; make "
                "your change again on it.",
                -1, rs);
    form_free(&now);
  } else {
    rc = render(s, which, &f, st == 401 ? 403 : st, att__web_errmsg(o, "the event was refused"), -1, rs);
  }
out:
  cJSON_Delete(o);
  cJSON_Delete(body);
  form_free(&f);
  return rc;
}
