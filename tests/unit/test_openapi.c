/*
 * The OpenAPI description (docs/api/openapi.json) against the API
 * (core/api.h): a table of requests drives every route; each answer's
 * status must be declared for its path and method (a 405 by some
 * operation of its path), its body must hold what the declared schema
 * requires, and every status the description declares must be answered
 * by some request.  So neither can gain a route or a status without the
 * other.  The server will be checked against it the same way.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "alertlog.h"
#include "api.h"
#include "error.h"
#include "tap.h"
#include "testutil.h"
#include "users.h"

enum { NONE, EDITOR, READER, FEED_Q };

typedef struct call {
  const char *method, *path, *spec; /* spec: the path's template */
  int who;
  const char *if_match, *if_none_match, *body;
  att_api_param params[3];
  size_t np;
} call;

static char editor[ATT_TOKEN_MAX], reader[ATT_TOKEN_MAX], feedtok[ATT_TOKEN_MAX];
static char etag_cal[48];
static char reports[160];

static const call calls[] = {
    {"GET", "/v1/health", "/v1/health", NONE, NULL, NULL, NULL, {{0}}, 0},
    {"POST", "/v1/health", "/v1/health", NONE, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/events", "/v1/events", READER, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/events", "/v1/events", READER, NULL, NULL, NULL, {{"actor", "KHM"}, {"limit", "5"}}, 2},
    {"GET", "/v1/events", "/v1/events", READER, NULL, NULL, NULL, {{"limit", "x"}}, 1},
    {"GET", "/v1/events", "/v1/events", NONE, NULL, NULL, NULL, {{0}}, 0},
    {"PUT", "/v1/events", "/v1/events", EDITOR, NULL, NULL, "{}", {{0}}, 0},
    {"POST", "/v1/events", "/v1/events", EDITOR, NULL, NULL, "{\"title\":\"Talks\",\"when\":\"2024-11\"}", {{0}}, 0},
    {"POST", "/v1/events", "/v1/events", EDITOR, NULL, NULL, "{\"title\":\"No when\"}", {{0}}, 0},
    {"POST", "/v1/events", "/v1/events", NONE, NULL, NULL, "{\"title\":\"T\",\"when\":\"2024\"}", {{0}}, 0},
    {"POST", "/v1/events", "/v1/events", READER, NULL, NULL, "{\"title\":\"T\",\"when\":\"2024\"}", {{0}}, 0},
    {"POST", "/v1/events", "/v1/events", EDITOR, NULL, NULL, "{\"title\":\"T\",\"when\":\"2024\",\"key\":\"cdc\"}", {{0}}, 0},
    {"GET", "/v1/events/1", "/v1/events/{event}", READER, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/events/cdc", "/v1/events/{event}", NONE, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/events/404", "/v1/events/{event}", READER, NULL, NULL, NULL, {{0}}, 0},
    {"POST", "/v1/events/1", "/v1/events/{event}", EDITOR, NULL, NULL, "{}", {{0}}, 0},
    {"PATCH", "/v1/events/1", "/v1/events/{event}", EDITOR, "\"1\"", NULL, "{\"status\":\"held\"}", {{0}}, 0},
    {"PATCH", "/v1/events/1", "/v1/events/{event}", EDITOR, "\"1\"", NULL, "{\"status\":\"held\"}", {{0}}, 0},
    {"PATCH", "/v1/events/1", "/v1/events/{event}", EDITOR, NULL, NULL, "{\"status\":\"held\"}", {{0}}, 0},
    {"PATCH", "/v1/events/1", "/v1/events/{event}", EDITOR, "\"2\"", NULL, "{\"when\":\"never\"}", {{0}}, 0},
    {"PATCH", "/v1/events/1", "/v1/events/{event}", READER, "\"2\"", NULL, "{}", {{0}}, 0},
    {"PATCH", "/v1/events/1", "/v1/events/{event}", NONE, "\"2\"", NULL, "{}", {{0}}, 0},
    {"PATCH", "/v1/events/404", "/v1/events/{event}", EDITOR, "\"1\"", NULL, "{}", {{0}}, 0},
    {"DELETE", "/v1/events/2", "/v1/events/{event}", EDITOR, NULL, NULL, NULL, {{0}}, 0},
    {"DELETE", "/v1/events/2", "/v1/events/{event}", EDITOR, "\"9\"", NULL, NULL, {{0}}, 0},
    {"DELETE", "/v1/events/2", "/v1/events/{event}", READER, "\"1\"", NULL, NULL, {{0}}, 0},
    {"DELETE", "/v1/events/2", "/v1/events/{event}", NONE, "\"1\"", NULL, NULL, {{0}}, 0},
    {"DELETE", "/v1/events/404", "/v1/events/{event}", EDITOR, "\"1\"", NULL, NULL, {{0}}, 0},
    {"DELETE", "/v1/events/3", "/v1/events/{event}", EDITOR, "\"1\"", NULL, NULL, {{0}}, 0}, /* linked: 409 */
    {"DELETE", "/v1/events/2", "/v1/events/{event}", EDITOR, "\"1\"", NULL, NULL, {{0}}, 0},
    {"GET", "/v1/events/1/history", "/v1/events/{event}/history", READER, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/events/cdc/history", "/v1/events/{event}/history", NONE, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/events/404/history", "/v1/events/{event}/history", READER, NULL, NULL, NULL, {{0}}, 0},
    {"POST", "/v1/events/1/history", "/v1/events/{event}/history", EDITOR, NULL, NULL, "{}", {{0}}, 0},
    {"GET", "/v1/dates", "/v1/dates", READER, NULL, NULL, NULL, {{"q", "mid March 2024"}}, 1},
    {"GET", "/v1/dates", "/v1/dates", READER, NULL, NULL, NULL, {{"q", "the day after never"}}, 1},
    {"GET", "/v1/dates", "/v1/dates", NONE, NULL, NULL, NULL, {{"q", "2024"}}, 1},
    {"PUT", "/v1/dates", "/v1/dates", EDITOR, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/whoami", "/v1/whoami", READER, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/whoami", "/v1/whoami", NONE, NULL, NULL, NULL, {{0}}, 0},
    {"DELETE", "/v1/whoami", "/v1/whoami", EDITOR, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/agenda", "/v1/agenda", READER, NULL, NULL, NULL, {{"from", "2024-03-01"}, {"days", "30"}}, 2},
    {"GET", "/v1/agenda", "/v1/agenda", READER, NULL, NULL, NULL, {{"days", "999"}}, 1},
    {"GET", "/v1/agenda", "/v1/agenda", NONE, NULL, NULL, NULL, {{0}}, 0},
    {"POST", "/v1/agenda", "/v1/agenda", EDITOR, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/alerts", "/v1/alerts", READER, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/alerts", "/v1/alerts", READER, NULL, NULL, NULL, {{"since", "not a date"}}, 1},
    {"GET", "/v1/alerts", "/v1/alerts", NONE, NULL, NULL, NULL, {{0}}, 0},
    {"PUT", "/v1/alerts", "/v1/alerts", EDITOR, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/calendar.ics", "/v1/calendar.ics", FEED_Q, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/calendar.ics", "/v1/calendar.ics", FEED_Q, NULL, etag_cal, NULL, {{0}}, 0},
    {"GET", "/v1/calendar.ics", "/v1/calendar.ics", READER, NULL, NULL, NULL, {{"to", "what"}}, 1},
    {"GET", "/v1/calendar.ics", "/v1/calendar.ics", NONE, NULL, NULL, NULL, {{0}}, 0},
    {"DELETE", "/v1/calendar.ics", "/v1/calendar.ics", EDITOR, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/changes", "/v1/changes", READER, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/changes", "/v1/changes", NONE, NULL, NULL, NULL, {{0}}, 0},
    {"POST", "/v1/changes", "/v1/changes", EDITOR, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/openapi.json", "/v1/openapi.json", NONE, NULL, NULL, NULL, {{0}}, 0},
    {"PUT", "/v1/openapi.json", "/v1/openapi.json", EDITOR, NULL, NULL, "{}", {{0}}, 0},
    {"GET", "/v1/reports", "/v1/reports", READER, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/reports", "/v1/reports", NONE, NULL, NULL, NULL, {{0}}, 0},
    {"POST", "/v1/reports", "/v1/reports", EDITOR, NULL, NULL, "{}", {{0}}, 0},
    {"GET", "/v1/reports/upcoming", "/v1/reports/{name}", READER, NULL, NULL, NULL, {{"from", "2024"}}, 1},
    {"GET", "/v1/reports/nope", "/v1/reports/{name}", READER, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/reports/../x", "/v1/reports/{name}", READER, NULL, NULL, NULL, {{0}}, 0},
    {"GET", "/v1/reports/upcoming", "/v1/reports/{name}", NONE, NULL, NULL, NULL, {{0}}, 0},
    {"DELETE", "/v1/reports/upcoming", "/v1/reports/{name}", EDITOR, NULL, NULL, NULL, {{0}}, 0},
};
#define NCALLS (sizeof calls / sizeof calls[0])

/* The operation of path and method in the description, or NULL. */
static cJSON *operation(cJSON *spec, const char *path, const char *method) {
  char m[16];
  size_t i;
  for (i = 0; method[i] && i < sizeof m - 1; i++) m[i] = (char)(method[i] | 0x20);
  m[i] = '\0';
  return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(spec, "paths"), path), m);
}

/* Follow a "$ref": "#/components/..." */
static cJSON *deref(cJSON *spec, cJSON *x) {
  const cJSON *r = cJSON_GetObjectItemCaseSensitive(x, "$ref");
  char buf[200], *save = NULL, *tok;
  cJSON *at = spec;
  if (!cJSON_IsString(r) || strncmp(r->valuestring, "#/", 2) != 0) return x;
  snprintf(buf, sizeof buf, "%s", r->valuestring + 2);
  for (tok = strtok_r(buf, "/", &save); tok && at; tok = strtok_r(NULL, "/", &save))
    at = cJSON_GetObjectItemCaseSensitive(at, tok);
  return at;
}

/* Does body hold what schema requires (its top level, and the first
 * item of each array property whose items require fields)? */
static int conforms(cJSON *spec, cJSON *schema, cJSON *body, char *why, size_t cap) {
  cJSON *req, *f, *props;
  schema = deref(spec, schema);
  req = cJSON_GetObjectItemCaseSensitive(schema, "required");
  cJSON_ArrayForEach(f, req) {
    if (!cJSON_GetObjectItemCaseSensitive(body, f->valuestring)) {
      snprintf(why, cap, "no \"%s\"", f->valuestring);
      return 0;
    }
  }
  props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
  cJSON_ArrayForEach(f, props) {
    cJSON *items = cJSON_GetObjectItemCaseSensitive(f, "items"), *v = cJSON_GetObjectItemCaseSensitive(body, f->string);
    if (items && cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0 &&
        !conforms(spec, items, cJSON_GetArrayItem(v, 0), why, cap))
      return 0;
  }
  return 1;
}

int main(void) {
  const char *src = getenv("ATT_SOURCE_DIR");
  char path[4096], dir[128], seen[128][48];
  size_t nseen = 0, n;
  char *text;
  cJSON *spec, *paths, *p;
  att_store *st;
  att_api *api;
  int undeclared = 0, bad_body = 0, missing = 0;
  snprintf(path, sizeof path, "%s/docs/api/openapi.json", src ? src : "../..");
  if (!(text = tu_read_file(path, &n))) {
    printf("Bail out! cannot read %s (set ATT_SOURCE_DIR)\n", path);
    return 1;
  }
  spec = cJSON_ParseWithLength(text, n);
  ok(spec != NULL, "the description is JSON");
  if (!spec) return free(text), done_testing();
  ok(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(spec, "openapi")) &&
         !strncmp(cJSON_GetObjectItemCaseSensitive(spec, "openapi")->valuestring, "3.", 2),
     "OpenAPI 3");

  snprintf(dir, sizeof dir, "/tmp/attache-openapi-%d", (int)getpid());
  tu_rmrf(dir);
  if (att_store_init(dir) != 0 || !(st = tu_open_write(dir))) {
    printf("Bail out! %s\n", att_errmsg());
    return 1;
  }
  tu_add(st, "{\"title\":\"CDC meeting\",\"when\":\"2024-03-12\",\"kind\":\"meeting\",\"actors\":[\"KHM\"],\"key\":\"cdc\"}");
  tu_add(st, "{\"title\":\"Visit\",\"when\":\"2024-03-20\",\"kind\":\"visit\",\"actors\":[\"JPN\"]}");
  tu_add(st, "{\"title\":\"Policy\",\"when\":\"2024/2028\",\"kind\":\"policy\"}");
  tu_add(st, "{\"title\":\"Follow-up\",\"when\":\"2024-04\",\"links\":[{\"rel\":\"follows\",\"id\":3}]}");
  att_user_add(st, "ed", ATT_ROLE_EDITOR, editor);
  att_user_add(st, "rea", ATT_ROLE_READER, reader);
  att_user_token(st, "rea", ATT_TOKEN_FEED, feedtok);
  {
    att_alertlog *l;
    att_alert a;
    if (att_alertlog_open(dir, NULL, NULL, &l) == 0) {
      att_alert_init(&a);
      a.key = "k";
      a.title = "An alert";
      a.level = "info";
      a.at = tu_time("2024-03-05T00:00:00Z");
      att_alertlog_append(l, &a);
      att_alertlog_close(l);
    }
  }

  /* The description is served as given: the server gives it the one
   * embedded in the program, which is this file. */
  snprintf(reports, sizeof reports, "%s/reports", dir);
  mkdir(reports, 0700);
  {
    char rp[200];
    FILE *f;
    snprintf(rp, sizeof rp, "%s/upcoming.lua", reports);
    if ((f = fopen(rp, "w")) != NULL) fputs("print('upcoming')\n", f), fclose(f);
  }
  if (att_api_open(st, &(att_api_opts){0, 0, NULL, NULL, text, n, reports, NULL}, &api) != 0) {
    printf("Bail out! %s\n", att_errmsg());
    return 1;
  }
  for (size_t i = 0; i < NCALLS; i++) {
    const call *c = &calls[i];
    att_api_req rq;
    att_api_res rs;
    att_api_param prm[4];
    char auth[ATT_TOKEN_MAX + 16], code[8], why[200] = "";
    cJSON *op, *resp, *schema = NULL, *body;
    size_t np = c->np;
    memset(&rq, 0, sizeof rq);
    memcpy(prm, c->params, sizeof c->params);
    if (c->who == FEED_Q) prm[np].name = "token", prm[np++].value = feedtok;
    rq.method = c->method;
    rq.path = c->path;
    rq.params = prm;
    rq.nparams = np;
    if (c->who == EDITOR || c->who == READER) {
      snprintf(auth, sizeof auth, "Bearer %s", c->who == EDITOR ? editor : reader);
      rq.authorization = auth;
    }
    rq.if_match = c->if_match;
    rq.if_none_match = c->if_none_match && c->if_none_match[0] ? c->if_none_match : NULL;
    rq.body = c->body;
    rq.body_len = c->body ? strlen(c->body) : 0;
    if (att_api_handle(api, &rq, &rs) != 0) {
      ok(0, "%s %s: no answer", c->method, c->path);
      continue;
    }
    if (!strcmp(c->path, "/v1/calendar.ics") && rs.status == 200 && !etag_cal[0])
      snprintf(etag_cal, sizeof etag_cal, "%s", rs.etag);
    snprintf(code, sizeof code, "%d", rs.status);
    op = operation(spec, c->spec, c->method);
    resp = op ? cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(op, "responses"), code) : NULL;
    if (!op && rs.status == 405) { /* a method the path does not take: declared by one that it does */
      cJSON *pi = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(spec, "paths"), c->spec), *o2;
      cJSON_ArrayForEach(o2, pi) {
        if (cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o2, "responses"), "405")) {
          resp = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o2, "responses"), "405");
          if (nseen < 128) snprintf(seen[nseen++], 48, "%s %s 405", c->spec, o2->string);
        }
      }
    }
    if (!resp) {
      undeclared++;
      printf("# %s %s -> %d: not declared\n", c->method, c->path, rs.status);
    } else if (op) {
      char m[16];
      size_t k;
      for (k = 0; c->method[k] && k < sizeof m - 1; k++) m[k] = (char)(c->method[k] | 0x20);
      m[k] = '\0';
      if (nseen < 128) snprintf(seen[nseen++], 48, "%s %s %d", c->spec, m, rs.status);
      resp = deref(spec, resp);
      schema = cJSON_GetObjectItemCaseSensitive(
          cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(resp, "content"), "application/json"),
          "schema");
      if (schema) {
        body = rs.body ? cJSON_Parse(rs.body) : NULL;
        if (!body || !conforms(spec, schema, body, why, sizeof why)) {
          bad_body++;
          printf("# %s %s -> %d: the body does not conform (%s): %s\n", c->method, c->path, rs.status,
                 body ? why : "not JSON", rs.body ? rs.body : "");
        }
        cJSON_Delete(body);
      }
    }
    att_api_res_free(&rs);
  }
  /* 429: a user past the rate (one a second, one at once). */
  for (int r = 0; r < 4; r++) {
    static const char *const routes[][2] = {{"/v1/events", "/v1/events"}, {"/v1/changes", "/v1/changes"},
                                            {"/v1/reports", "/v1/reports"},
                                            {"/v1/reports/upcoming", "/v1/reports/{name}"}};
    const char *route = routes[r][1];
    att_api *tight;
    att_api_opts o = {1, 1, NULL, NULL, NULL, 0, reports, NULL};
    att_api_req rq;
    att_api_res rs;
    char auth[ATT_TOKEN_MAX + 16];
    int st429 = 0;
    memset(&rq, 0, sizeof rq);
    rq.method = "GET";
    rq.path = routes[r][0];
    snprintf(auth, sizeof auth, "Bearer %s", reader);
    rq.authorization = auth;
    if (att_api_open(st, &o, &tight) == 0) {
      for (int k = 0; k < 2; k++) {
        if (att_api_handle(tight, &rq, &rs) == 0) st429 = rs.status;
        att_api_res_free(&rs);
      }
      att_api_close(tight);
    }
    if (st429 == 429 && cJSON_GetObjectItemCaseSensitive(
                            cJSON_GetObjectItemCaseSensitive(operation(spec, route, "GET"), "responses"), "429"))
      snprintf(seen[nseen++], 48, "%s get 429", route);
    else {
      undeclared++;
      printf("# GET %s past the rate -> %d, declared: no\n", route, st429);
    }
  }
  /* 503: a write while another handle (another process, as far as the
   * lock goes) holds the store, with the server's no-wait set. */
  {
    static const char *const held[][3] = {{"POST", "/v1/events", "/v1/events"},
                                          {"PATCH", "/v1/events/1", "/v1/events/{event}"},
                                          {"DELETE", "/v1/events/1", "/v1/events/{event}"}};
    att_store *other = NULL;
    char auth[ATT_TOKEN_MAX + 16];
    snprintf(auth, sizeof auth, "Bearer %s", editor);
    if (att_store_open(dir, &(att_store_opts){.flags = ATT_OPEN_WRITE}, &other) != 0 || att_store_begin(other) != 0) {
      undeclared++;
      printf("# cannot hold the store from a second handle: %s\n", att_errmsg());
    } else {
      att_store_set_nowait(st, 1);
      for (int k = 0; k < 3; k++) {
        att_api_req rq;
        att_api_res rs;
        char m[8];
        memset(&rq, 0, sizeof rq);
        rq.method = held[k][0];
        rq.path = held[k][1];
        rq.authorization = auth;
        rq.if_match = "*";
        rq.body = k == 0 ? "{\"title\":\"T\",\"when\":\"2024\"}" : "{\"status\":\"held\"}";
        rq.body_len = strlen(rq.body);
        if (att_api_handle(api, &rq, &rs) != 0) continue;
        for (size_t j = 0; j < sizeof m - 1 && held[k][0][j]; j++) m[j] = (char)(held[k][0][j] | 0x20), m[j + 1] = '\0';
        if (rs.status == 503 && rs.retry_after == 1 &&
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(operation(spec, held[k][2], held[k][0]),
                                                                              "responses"), "503"))
          snprintf(seen[nseen++], 48, "%s %s 503", held[k][2], m);
        else {
          undeclared++;
          printf("# %s %s while the store is held -> %d (Retry-After %d), declared: no\n", held[k][0], held[k][1],
                 rs.status, rs.retry_after);
        }
        att_api_res_free(&rs);
      }
      att_store_set_nowait(st, 0);
      att_store_rollback(other);
    }
    att_store_close(other);
  }
  ok(undeclared == 0, "%zu requests: every status answered is declared (%d not)", NCALLS + 11, undeclared);
  ok(bad_body == 0, "every JSON body holds what its schema requires (%d not)", bad_body);

  /* Every declared status of every operation was answered. */
  paths = cJSON_GetObjectItemCaseSensitive(spec, "paths");
  cJSON_ArrayForEach(p, paths) {
    cJSON *op;
    cJSON_ArrayForEach(op, p) {
      cJSON *r;
      if (!strcmp(op->string, "parameters")) continue;
      cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(op, "responses")) {
        char want[48];
        int found = 0;
        /* Answered by the server, not the API: tests/cli/http_check.py. */
        if (cJSON_GetObjectItemCaseSensitive(r, "x-answered-by")) continue;
        snprintf(want, sizeof want, "%s %s %s", p->string, op->string, r->string);
        for (size_t k = 0; k < nseen && !found; k++) found = !strcmp(seen[k], want);
        if (!found) {
          missing++;
          printf("# declared but never answered: %s\n", want);
        }
      }
    }
  }
  ok(missing == 0, "every declared status of every route is answered by some request (%d not)", missing);
  cJSON_Delete(spec);
  free(text);
  att_api_close(api);
  att_store_close(st);
  tu_rmrf(dir);
  return done_testing();
}
