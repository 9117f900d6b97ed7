/*
 * Tests of core/api.h, the JSON API without HTTP: every route and every
 * status it documents; tokens (none, wrong, a feed token, a locked
 * user's: 401), roles (a reader's write: 403); filters as `attache list`
 * takes them, bad ones named; optimistic concurrency (If-Match: 428
 * without, 412 with a stale ETag and the current event, 200 and a new
 * ETag with the right one; two writers on one ETag: the second gets
 * 412); writes recorded with the token's user as their author; what
 * another process wrote is seen.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "alertlog.h"
#include "api.h"
#include "error.h"
#include "tap.h"
#include "testutil.h"
#include "ratelimit.h"
#include "users.h"

static att_store *st;
static att_api *api;
static int64_t g_ms = 1000000; /* the API's clock, in milliseconds */
static int64_t clock_ms(void *ud) {
  (void)ud;
  return g_ms;
}
static char ana[ATT_TOKEN_MAX], rita[ATT_TOKEN_MAX], feed[ATT_TOKEN_MAX], lock_tok[ATT_TOKEN_MAX];
static char auth[ATT_TOKEN_MAX + 16];
static att_api_res res;

/* One request: METHOD PATH, with token (NULL: none), If-Match and body. */
static int call(const char *method, const char *path, const char *token, const char *if_match,
                const char *body, const att_api_param *params, size_t np) {
  att_api_req rq;
  memset(&rq, 0, sizeof rq);
  rq.method = method;
  rq.path = path;
  rq.params = params;
  rq.nparams = np;
  if (token) snprintf(auth, sizeof auth, "Bearer %s", token);
  rq.authorization = token ? auth : NULL;
  rq.if_match = if_match;
  rq.body = body;
  rq.body_len = body ? strlen(body) : 0;
  att_api_res_free(&res);
  if (att_api_handle(api, &rq, &res) != 0) return -1;
  return res.status;
}

static int body_has(const char *s) { return res.body && strstr(res.body, s) != NULL; }

static double count(void) {
  cJSON *o = res.body ? cJSON_Parse(res.body) : NULL;
  double n = o ? cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "count")) : -1;
  cJSON_Delete(o);
  return n;
}

static const char *last_author(void) {
  static char who[80];
  att_change_filter f;
  att_change *v = NULL;
  size_t n = 0;
  att_change_filter_init(&f);
  f.limit = 1;
  who[0] = '\0';
  if (att_store_changes(st, &f, &v, &n) == 0 && n == 1) snprintf(who, sizeof who, "%s", v[0].author);
  att_changes_free(v, n);
  return who;
}

int main(void) {
  char dir[128];
  att_store *other;
  snprintf(dir, sizeof dir, "/tmp/attache-api-%d", (int)getpid());
  tu_rmrf(dir);
  if (att_store_init(dir) != 0 || !(st = tu_open_write(dir))) {
    printf("Bail out! %s\n", att_errmsg());
    return 1;
  }
  att_store_set_author(st, "setup");
  tu_add(st, "{\"title\":\"CDC meeting\",\"when\":\"2024-03-12\",\"kind\":\"meeting\",\"actors\":[\"KHM\",\"JPN\"],\"key\":\"cdc\"}");
  tu_add(st, "{\"title\":\"Visit\",\"when\":\"2023-12\",\"kind\":\"visit\",\"actors\":[\"JPN\"]}");
  tu_add(st, "{\"title\":\"Policy\",\"when\":\"2024/2028\",\"kind\":\"policy\",\"actors\":[\"KHM\"],\"tags\":[\"aid\"]}");
  if (att_user_add(st, "ana", ATT_ROLE_EDITOR, ana) || att_user_add(st, "rita", ATT_ROLE_READER, rita) ||
      att_user_token(st, "rita", ATT_TOKEN_FEED, feed) || att_user_add(st, "lou", ATT_ROLE_ADMIN, lock_tok) ||
      att_user_lock(st, "lou", 1)) {
    printf("Bail out! users: %s\n", att_errmsg());
    return 1;
  }

  {
    att_api_opts o = {1000, 1000, clock_ms, NULL, NULL, 0, NULL, NULL};
    if (att_api_open(st, &o, &api) != 0) {
      printf("Bail out! %s\n", att_errmsg());
      return 1;
    }
  }

  /* -- health, routes, methods */
  is_int(call("GET", "/v1/health", NULL, NULL, NULL, NULL, 0), 200, "health needs no token");
  ok(body_has("\"ok\":true"), "and says ok");
  is_int(call("POST", "/v1/health", NULL, NULL, NULL, NULL, 0), 405, "POST health: 405");
  ok(res.allow && strstr(res.allow, "GET"), "with Allow: %s", res.allow ? res.allow : "");
  is_int(call("GET", "/v1/nothing", ana, NULL, NULL, NULL, 0), 404, "an unknown route: 404");
  ok(body_has("\"error\":{\"status\":404"), "errors are JSON: %s", res.body);
  is_int(call("GET", "/v1/eventsX", ana, NULL, NULL, NULL, 0), 404, "a near miss: 404");
  is_int(call("PUT", "/v1/events/1", ana, NULL, "{}", NULL, 0), 405, "PUT an event: 405");
  is_int(call("DELETE", "/v1/events", ana, NULL, NULL, NULL, 0), 405, "DELETE the list: 405");

  /* -- tokens */
  is_int(call("GET", "/v1/events", NULL, NULL, NULL, NULL, 0), 401, "no token: 401");
  ok(res.www_authenticate && body_has("needs a token"), "asking for one: %s", res.body);
  is_int(call("GET", "/v1/events", "att_0000000000000000000000000000000000000000000000000000000000000000", NULL,
              NULL, NULL, 0),
         401, "a wrong token: 401");
  is_int(call("GET", "/v1/events", feed, NULL, NULL, NULL, 0), 401, "a feed token is not an API token: 401");
  is_int(call("GET", "/v1/events", lock_tok, NULL, NULL, NULL, 0), 401, "a locked user's token: 401");

  /* -- list and filters */
  is_int(call("GET", "/v1/events", rita, NULL, NULL, NULL, 0), 200, "a reader lists");
  ok(count() == 3, "3 events");
  {
    att_api_param p[] = {{"actor", "KHM"}};
    call("GET", "/v1/events", rita, NULL, NULL, p, 1);
    ok(count() == 2, "actor=KHM: 2");
  }
  {
    att_api_param p[] = {{"actor", "KHM"}, {"actor", "JPN"}};
    call("GET", "/v1/events", rita, NULL, NULL, p, 2);
    ok(count() == 1 && body_has("CDC meeting"), "actor=KHM&actor=JPN: the one with both");
  }
  {
    att_api_param p[] = {{"from", "2024"}, {"to", "2024"}, {"kind", "meeting"}};
    call("GET", "/v1/events", rita, NULL, NULL, p, 3);
    ok(count() == 1 && body_has("CDC meeting"), "from=2024&to=2024&kind=meeting");
  }
  {
    att_api_param p[] = {{"tag", "aid"}, {"limit", "1"}};
    call("GET", "/v1/events", rita, NULL, NULL, p, 2);
    ok(count() == 1 && body_has("Policy"), "tag=aid&limit=1");
  }
  {
    att_api_param p[] = {{"colour", "red"}};
    is_int(call("GET", "/v1/events", rita, NULL, NULL, p, 1), 400, "an unknown parameter: 400");
    ok(body_has("unknown parameter \\\"colour\\\"") && body_has("actor, tag, kind"), "naming it: %s", res.body);
  }
  {
    att_api_param p[] = {{"from", "the day after"}};
    is_int(call("GET", "/v1/events", rita, NULL, NULL, p, 1), 400, "a date that is not one: 400");
    ok(body_has("from=the day after"), "naming it: %s", res.body);
  }
  {
    att_api_param p[] = {{"limit", "0"}};
    is_int(call("GET", "/v1/events", rita, NULL, NULL, p, 1), 400, "limit=0: 400");
  }

  /* -- one event */
  is_int(call("GET", "/v1/events/1", rita, NULL, NULL, NULL, 0), 200, "GET /v1/events/1");
  ok(!strcmp(res.etag, "\"1\"") && body_has("\"title\":\"CDC meeting\""), "the event and its ETag %s", res.etag);
  is_int(call("GET", "/v1/events/cdc", rita, NULL, NULL, NULL, 0), 200, "by key");
  is_int(call("GET", "/v1/events/99", rita, NULL, NULL, NULL, 0), 404, "an unknown event: 404");
  ok(body_has("no event with id or key \\\"99\\\""), "%s", res.body);

  /* -- roles */
  is_int(call("POST", "/v1/events", rita, NULL, "{\"title\":\"X\",\"when\":\"2024\"}", NULL, 0), 403,
         "a reader's add: 403");
  ok(body_has("rita is a reader"), "%s", res.body);
  is_int(call("PATCH", "/v1/events/1", rita, "\"1\"", "{\"status\":\"held\"}", NULL, 0), 403, "a reader's change: 403");
  is_int(call("DELETE", "/v1/events/1", rita, "\"1\"", NULL, NULL, 0), 403, "a reader's removal: 403");

  /* -- add */
  is_int(call("POST", "/v1/events", ana, NULL, "{\"title\":\"Talks\",\"when\":\"2024-11\",\"kind\":\"talks\"}", NULL, 0),
         201, "an editor adds: 201");
  ok(!strcmp(res.location, "/v1/events/4") && !strcmp(res.etag, "\"1\""), "Location %s, ETag %s", res.location,
     res.etag);
  is_str(last_author(), "ana", "recorded with ana as its author");
  is_int(call("POST", "/v1/events", ana, NULL, "{\"title\":\"No date\"}", NULL, 0), 400, "an event without when: 400");
  ok(body_has("the body is not an event"), "%s", res.body);
  is_int(call("POST", "/v1/events", ana, NULL, "not json", NULL, 0), 400, "a body that is not JSON: 400");
  is_int(call("POST", "/v1/events", ana, NULL, "{\"title\":\"Dup\",\"when\":\"2024\",\"key\":\"cdc\"}", NULL, 0), 409,
         "a key taken: 409");

  /* -- change, with If-Match */
  is_int(call("PATCH", "/v1/events/1", ana, NULL, "{\"status\":\"confirmed\"}", NULL, 0), 428,
         "a change without If-Match: 428");
  ok(body_has("If-Match"), "%s", res.body);
  is_int(call("PATCH", "/v1/events/1", ana, "\"1\"", "{\"status\":\"confirmed\"}", NULL, 0), 200,
         "with the right ETag: 200");
  ok(!strcmp(res.etag, "\"2\"") && body_has("\"status\":\"confirmed\""), "the new revision, ETag %s", res.etag);
  is_str(last_author(), "ana", "recorded with ana as its author");
  is_int(call("PATCH", "/v1/events/1", ana, "\"1\"", "{\"status\":\"held\"}", NULL, 0), 412,
         "a second change on the same ETag: 412");
  ok(body_has("it is at revision 2") && body_has("\"event\":{") && !strcmp(res.etag, "\"2\""),
     "with the event as it is now: %s", res.body);
  is_int(call("PATCH", "/v1/events/cdc", ana, "\"2\"", "{\"when\":\"not a date\"}", NULL, 0), 400,
         "a patch that is not valid: 400");
  is_int(call("PATCH", "/v1/events/cdc", ana, "\"2\"", "[1]", NULL, 0), 400, "a patch that is not an object: 400");
  is_int(call("PATCH", "/v1/events/cdc", ana, "\"2\"", "{\"rev\":5}", NULL, 0), 400, "a patch of rev: 400");

  /* -- another process's write is seen */
  if ((other = tu_open_write(dir)) != NULL) {
    att_store_set_author(other, "cli");
    tu_add(other, "{\"title\":\"From the shell\",\"when\":\"2024-06\"}");
    att_store_close(other);
  }
  call("GET", "/v1/events", rita, NULL, NULL, NULL, 0);
  ok(count() == 5 && body_has("From the shell"), "an event added by another process is listed");

  /* -- remove */
  is_int(call("DELETE", "/v1/events/4", ana, NULL, NULL, NULL, 0), 428, "a removal without If-Match: 428");
  is_int(call("DELETE", "/v1/events/4", ana, "\"1\"", NULL, NULL, 0), 204, "with it: 204");
  ok(res.body == NULL, "no body");
  is_int(call("GET", "/v1/events/4", rita, NULL, NULL, NULL, 0), 404, "gone");

  /* -- the agenda */
  tu_add(st, "{\"title\":\"Weekly call\",\"when\":\"2024-03-04\",\"recur\":\"FREQ=WEEKLY;COUNT=6\",\"kind\":\"call\"}");
  {
    att_api_param p[] = {{"from", "2024-03-10"}, {"days", "14"}};
    is_int(call("GET", "/v1/agenda", rita, NULL, NULL, p, 2), 200, "the agenda of two weeks from 10 March 2024");
    ok(count() == 4 && body_has("\"date\":\"2024-03-11\"") && body_has("\"date\":\"2024-03-18\"") &&
           body_has("\"recurring\":true") && body_has("CDC meeting") && body_has("Policy"),
       "the meeting, the policy in force, and two weekly calls: %s", res.body);
    ok(body_has("\"from\":\"2024-03-10T00:00:00Z\"") && body_has("\"to\":\"2024-03-23T23:59:59Z\""),
       "from and to say the window");
    ok(strstr(res.body, "2024-03-11") < strstr(res.body, "CDC meeting") &&
           strstr(res.body, "CDC meeting") < strstr(res.body, "2024-03-18"),
       "in date order");
  }
  {
    att_api_param p[] = {{"from", "2024-03-10"}, {"days", "14"}, {"kind", "call"}};
    call("GET", "/v1/agenda", rita, NULL, NULL, p, 3);
    ok(count() == 2, "kind=call: the two calls");
  }
  {
    att_api_param p[] = {{"days", "0"}};
    is_int(call("GET", "/v1/agenda", rita, NULL, NULL, p, 1), 400, "days=0: 400");
    ok(body_has("from 1 to 366"), "%s", res.body);
  }
  is_int(call("GET", "/v1/agenda", rita, NULL, NULL, NULL, 0), 200, "the week from today");
  ok(count() >= 1 && body_has("Policy"), "holds the policy in force until 2028");
  is_int(call("GET", "/v1/agenda", NULL, NULL, NULL, NULL, 0), 401, "no token: 401");

  /* -- the alert log */
  is_int(call("GET", "/v1/alerts", rita, NULL, NULL, NULL, 0), 200, "no alerts yet: 200");
  ok(count() == 0, "none");
  {
    att_alertlog *l;
    att_alert a;
    if (att_alertlog_open(dir, NULL, NULL, &l) == 0) {
      for (int i = 0; i < 3; i++) {
        char key[16], title[32];
        att_alert_init(&a);
        snprintf(key, sizeof key, "k%d", i);
        snprintf(title, sizeof title, "Alert %d", i);
        a.key = key;
        a.title = title;
        a.level = "warn";
        a.at = tu_time("2024-01-01T00:00:00Z") + i * 86400;
        att_alertlog_append(l, &a);
      }
      att_alertlog_close(l);
    }
  }
  is_int(call("GET", "/v1/alerts", rita, NULL, NULL, NULL, 0), 200, "the alerts");
  ok(count() == 3 && body_has("\"title\":\"Alert 0\"") && body_has("\"key\":\"k2\""), "all three: %s", res.body);
  {
    att_api_param p[] = {{"since", "2024-01-02"}};
    call("GET", "/v1/alerts", rita, NULL, NULL, p, 1);
    ok(count() == 2 && !body_has("Alert 0"), "since=2024-01-02: two");
  }
  {
    att_api_param p[] = {{"limit", "1"}};
    call("GET", "/v1/alerts", rita, NULL, NULL, p, 1);
    ok(count() == 1, "limit=1: one");
  }
  {
    att_api_param p[] = {{"key", "k1"}};
    is_int(call("GET", "/v1/alerts", rita, NULL, NULL, p, 1), 400, "an unknown parameter: 400");
  }
  is_int(call("GET", "/v1/alerts", NULL, NULL, NULL, NULL, 0), 401, "no token: 401");
  is_int(call("DELETE", "/v1/alerts", ana, NULL, NULL, NULL, 0), 405, "DELETE the alerts: 405");

  /* -- the calendar feed */
  {
    char etag[48];
    att_api_param tok[] = {{"token", feed}}, bad[] = {{"token", "attf_nope"}};
    att_api_param khm[] = {{"token", feed}, {"actor", "KHM"}};
    is_int(call("GET", "/v1/calendar.ics", NULL, NULL, NULL, tok, 1), 200, "the feed with a feed token in the URL");
    ok(res.content_type && !strncmp(res.content_type, "text/calendar", 13) && body_has("BEGIN:VCALENDAR") &&
           body_has("SUMMARY:CDC meeting"),
       "is iCalendar (%s)", res.content_type ? res.content_type : "");
    ok(strlen(res.etag) > 10, "with an ETag %s", res.etag);
    snprintf(etag, sizeof etag, "%s", res.etag);
    {
      att_api_req rq;
      memset(&rq, 0, sizeof rq);
      rq.method = "GET";
      rq.path = "/v1/calendar.ics";
      rq.params = tok;
      rq.nparams = 1;
      rq.if_none_match = etag;
      att_api_res_free(&res);
      att_api_handle(api, &rq, &res);
      ok(res.status == 304 && res.body == NULL, "If-None-Match with it: 304, no body (%d)", res.status);
    }
    is_int(call("GET", "/v1/calendar.ics", NULL, NULL, NULL, khm, 2), 200, "with actor=KHM");
    ok(body_has("SUMMARY:CDC meeting") && !body_has("SUMMARY:Visit"), "only KHM's events");
    is_int(call("PATCH", "/v1/events/cdc", ana, "\"2\"", "{\"title\":\"CDC meeting (moved)\"}", NULL, 0), 200,
           "a change");
    call("GET", "/v1/calendar.ics", NULL, NULL, NULL, tok, 1);
    ok(res.status == 200 && strcmp(res.etag, etag) != 0 && body_has("moved"), "changes the feed and its ETag");
    is_int(call("GET", "/v1/calendar.ics", NULL, NULL, NULL, bad, 1), 401, "a wrong feed token: 401");
    is_int(call("GET", "/v1/calendar.ics", NULL, NULL, NULL, NULL, 0), 401, "no token: 401");
    is_int(call("GET", "/v1/calendar.ics", rita, NULL, NULL, NULL, 0), 200, "an API token in the header will do");
    is_int(call("GET", "/v1/events", NULL, NULL, NULL, tok, 1), 401, "a feed token reads no events");
    is_int(call("POST", "/v1/calendar.ics", ana, NULL, NULL, NULL, 0), 405, "POST the feed: 405");
  }

  /* -- rates: 2 a second, 3 at once, per user */
  att_api_close(api);
  {
    att_api_opts o = {2, 3, clock_ms, NULL, NULL, 0, NULL, NULL};
    int passed = 0;
    att_api_open(st, &o, &api);
    for (int i = 0; i < 3; i++) passed += call("GET", "/v1/events/1", rita, NULL, NULL, NULL, 0) == 200;
    is_int(passed, 3, "3 at once pass");
    is_int(call("GET", "/v1/events/1", rita, NULL, NULL, NULL, 0), 429, "the 4th: 429");
    ok(res.retry_after == 1 && body_has("too many requests from rita") && body_has("try again in 1 s"),
       "with Retry-After %d: %s", res.retry_after, res.body);
    is_int(call("GET", "/v1/events/1", ana, NULL, NULL, NULL, 0), 200, "another user is not held back");
    is_int(call("GET", "/v1/health", NULL, NULL, NULL, NULL, 0), 200, "nor the health check");
    g_ms += 500;
    is_int(call("GET", "/v1/events/1", rita, NULL, NULL, NULL, 0), 200, "half a second later: one more");
    is_int(call("GET", "/v1/events/1", rita, NULL, NULL, NULL, 0), 429, "and no more");
    is_int(call("GET", "/v1/calendar.ics", rita, NULL, NULL, NULL, 0), 429, "the feed counts too");
    g_ms += 10000;
    passed = 0;
    for (int i = 0; i < 4; i++) passed += call("GET", "/v1/events/1", rita, NULL, NULL, NULL, 0) == 200;
    is_int(passed, 3, "ten seconds later: 3 at once again, not more");
  }
  /* -- an address that sends wrong tokens is locked out */
  {
    att_api_req rq;
    char good[ATT_TOKEN_MAX + 16], bad[ATT_TOKEN_MAX + 16];
    int r401 = 0;
    snprintf(good, sizeof good, "Bearer %s", ana);
    snprintf(bad, sizeof bad, "Bearer %s", ana);
    bad[20] = bad[20] == '0' ? '1' : '0';
    memset(&rq, 0, sizeof rq);
    rq.method = "GET";
    rq.path = "/v1/health";
    g_ms += 100000;
    rq.path = "/v1/events/1";
    rq.client = "192.0.2.7";
    for (int i = 0; i < 10; i++) {
      rq.authorization = bad;
      att_api_res_free(&res);
      att_api_handle(api, &rq, &res);
      r401 += res.status == 401;
      g_ms += 10; /* within a burst */
    }
    is_int(r401, 10, "10 wrong tokens from one address: 401 each");
    rq.authorization = good;
    att_api_res_free(&res);
    att_api_handle(api, &rq, &res);
    ok(res.status == 401 && body_has("the token is not valid"), "then even a good token from it: 401, as a wrong one");
    rq.client = "192.0.2.8";
    att_api_res_free(&res);
    att_api_handle(api, &rq, &res);
    is_int(res.status, 200, "the good token from another address: 200");
    rq.client = "192.0.2.7";
    g_ms += 70000;
    att_api_res_free(&res);
    att_api_handle(api, &rq, &res);
    is_int(res.status, 200, "a minute later, from the first address: 200");
  }

  /* -- the limiter alone: bounded in keys */
  {
    att_ratelimit *r = att_ratelimit_new(1, 2, 8);
    int64_t w;
    char k[16];
    int all = 1;
    for (int i = 0; i < 100; i++) {
      snprintf(k, sizeof k, "u%d", i);
      all &= att_ratelimit_take(r, k, i, &w);
    }
    ok(all && att_ratelimit_keys(r) == 8, "100 keys: each new one passes, 8 kept (%zu)", att_ratelimit_keys(r));
    ok(att_ratelimit_take(r, "u99", 100, &w) == 1 && att_ratelimit_take(r, "u99", 100, &w) == 0 && w == 1000,
       "a key's bucket empties, and says how long to wait (%lld ms)", (long long)w);
    ok(att_ratelimit_new(0, 1, 1) == NULL && att_ratelimit_new(1, 0.5, 1) == NULL, "a rate of 0 or a burst below 1 is refused");
    att_ratelimit_free(r);
  }

  att_api_close(api);
  att_api_res_free(&res);
  att_store_close(st);
  tu_rmrf(dir);
  return done_testing();
}
