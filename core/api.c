/*
 * The JSON API over a store (api.h): routing, tokens and roles, the
 * events' routes, and errors as JSON with the command line's messages.
 */
#include "api.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "error.h"
#include "secret.h"
#include "alertlog.h"
#include "event.h"
#include "event_diff.h"
#include "ics.h"
#include "json.h"
#include "names.h"
#include "actors.h"
#include "vocab.h"
#include "occur.h"
#include "ratelimit.h"
#include "settings.h"
#include "store_int.h"
#include "strbuf.h"
#include "text.h"
#include "users.h"

#define LIST_MAX 10000 /* events in one answer, at most */
/* Events in the calendar feed, at most: a calendar program subscribes
 * once and is not paged, so a store past LIST_MAX broke its feed. */
#define FEED_MAX 100000
#define DIFF_MAX 100    /* an event's newest changes that say what they changed */

struct att_api {
  att_store *st;
  att_api_opts o;
  att_ratelimit *limit;    /* requests, per user */
  att_ratelimit *failures; /* wrong tokens, per client address */
  att_users users;         /* users.json as last read, and what it was */
  struct stat users_st;
  int users_have, users_ok;
};

static int64_t mono_ms(void *ud) {
  struct timespec ts;
  (void)ud;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int att_api_open(att_store *st, const att_api_opts *o, att_api **out) {
  att_api *a = calloc(1, sizeof *a);
  *out = NULL;
  if (!a) return att__err(ATT_ENOMEM, "out of memory");
  if (o) a->o = *o;
  if (a->o.rate <= 0) a->o.rate = 20;
  if (a->o.burst <= 0) a->o.burst = 60;
  if (!a->o.now_ms) a->o.now_ms = mono_ms;
  a->st = st;
  if (!(a->limit = att_ratelimit_new(a->o.rate, a->o.burst, 4096)) ||
      !(a->failures = att_ratelimit_new(1.0 / 6, 10, 4096))) {
    int rc = a->o.burst >= 1 ? ATT_ENOMEM : ATT_EINVAL;
    att_ratelimit_free(a->limit);
    free(a);
    return rc;
  }
  *out = a;
  return 0;
}

void att_api_close(att_api *a) {
  if (!a) return;
  att_ratelimit_free(a->limit);
  att_ratelimit_free(a->failures);
  att_users_free(&a->users);
  free(a);
}

att_time att_api_now(att_api *a) { return att__store_now(a->st); }

void att_api_res_free(att_api_res *rs) {
  free(rs->body);
  free(rs->report);
  memset(rs, 0, sizeof *rs);
}

/* An answer: status and body (taken), JSON. */
static int answer(att_api_res *rs, int status, char *body) {
  free(rs->body);
  rs->status = status;
  rs->body = body;
  rs->body_len = body ? strlen(body) : 0;
  rs->content_type = "application/json";
  return body || status == 204 || status == 304 ? 0 : ATT_ENOMEM;
}

static int fail(att_api_res *rs, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int fail(att_api_res *rs, int status, const char *fmt, ...) {
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return answer(rs, status, att_api_error_body(status, msg));
}

char *att_api_error_body(int status, const char *msg) {
  char mended[4096];
  cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
  char *text = NULL;
  /* A message may quote what a client sent, bytes that are not UTF-8
   * included: the body must stay JSON. */
  att_utf8_mend(mended, sizeof mended, msg);
  if (e && cJSON_AddNumberToObject(e, "status", status) && cJSON_AddStringToObject(e, "message", mended))
    text = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  return text;
}

/* The status of a core error, and its message. */
static int core_fail(att_api_res *rs, int rc) {
  int status = rc == ATT_ENOTFOUND                       ? 404
               : rc == ATT_EINVAL || rc == ATT_ERANGE    ? 400
               : rc == ATT_EEXISTS || rc == ATT_ELINKED || rc == ATT_ECONFLICT ? 409
               : rc == ATT_EBUSY                         ? 503
                                                         : 500;
  if (status == 503) rs->retry_after = 1; /* another writer holds the store: soon free */
  return fail(rs, status, "%s", att_errmsg());
}

static int event_answer(att_api_res *rs, int status, const att_event *ev) {
  snprintf(rs->etag, sizeof rs->etag, "\"%lld\"", (long long)ev->rev);
  return answer(rs, status, att_event_to_json(ev));
}

/* ---- tokens ------------------------------------------------------------- */

/* The user of the request's token (NULL: answered 401 or 500): an API
 * token in Authorization; for the calendar feed, also a feed token, and
 * in the query (token=), since calendar programs cannot send headers. */
/* The store's users, read again only when users.json changed (a process
 * ran `attache user`: the file is replaced, so its inode, size or times
 * differ), so that a token made, locked or removed counts at the next
 * request without parsing the file for each. */
static int users_of(att_api *a, const att_users **out) {
  char path[4096];
  struct stat sb;
  att_users fresh;
  int have, rc;
  snprintf(path, sizeof path, "%s/users.json", att_store_dir(a->st));
  have = stat(path, &sb) == 0;
  if (!have) memset(&sb, 0, sizeof sb);
  if (a->users_ok && have == a->users_have &&
      (!have || (sb.st_ino == a->users_st.st_ino && sb.st_dev == a->users_st.st_dev &&
                 sb.st_size == a->users_st.st_size && sb.st_mtim.tv_sec == a->users_st.st_mtim.tv_sec &&
                 sb.st_mtim.tv_nsec == a->users_st.st_mtim.tv_nsec &&
                 sb.st_ctim.tv_sec == a->users_st.st_ctim.tv_sec &&
                 sb.st_ctim.tv_nsec == a->users_st.st_ctim.tv_nsec))) {
    *out = &a->users;
    return 0;
  }
  if ((rc = att_users_read(att_store_dir(a->st), &fresh)) != 0) return rc;
  att_users_free(&a->users);
  a->users = fresh;
  a->users_st = sb;
  a->users_have = have;
  a->users_ok = 1;
  *out = &a->users;
  return 0;
}

static const att_user *authenticate(att_api *a, const att_api_req *rq, int feed, att_users *unused,
                                    att_api_res *rs) {
  const att_users *users;
  const att_user *who = NULL;
  const char *h = rq->authorization, *qtok = NULL, *bearer = NULL;
  int kind = 0, rc, locked;
  int64_t now = a->o.now_ms(a->o.ud), wait;
  (void)unused;
  if ((rc = users_of(a, &users)) != 0) {
    core_fail(rs, rc);
    rs->status = 500;
    return NULL;
  }
  if (feed)
    for (size_t i = 0; i < rq->nparams; i++)
      if (!strcmp(rq->params[i].name, "token")) qtok = rq->params[i].value;
  /* A locked-out address is answered as a wrong token, after the same
   * work: neither the answer nor its time says whether the token is good. */
  locked = rq->client && !att_ratelimit_has(a->failures, rq->client, now);
  /* The scheme's name is case-insensitive (RFC 7235, 2.1): "bearer" too;
   * refused, a right token locked its client out. */
  if (h && strncasecmp(h, "Bearer", 6) == 0 && h[6] == ' ') {
    bearer = h + 7;
    while (*bearer == ' ') bearer++;
  }
  if (qtok) {
    if (att_users_auth(users, qtok, &who, &kind) == 1 && !locked) return who;
  } else if (bearer && att_users_auth(users, bearer, &who, &kind) == 1 &&
             (kind == ATT_TOKEN_API || feed) && !locked) {
    return who;
  }
  if (rq->client && (qtok || h)) att_ratelimit_take(a->failures, rq->client, now, &wait);
  rs->www_authenticate = 1;
  if (qtok) {
    fail(rs, 401, "%s", "the token is not valid (a feed token is given by 'attache user token NAME --feed')");
    return NULL;
  }
  fail(rs, 401, "%s", bearer ? "the token is not valid (an API token is given by 'attache user add' or "
                               "'attache user token')"
                             : h ? "the Authorization header is not Bearer TOKEN (the only scheme taken)"
                                 : "this needs a token: send Authorization: Bearer TOKEN (attache user add "
                                   "gives one)");
  return NULL;
}

static int may_write(const att_user *u, att_api_res *rs) {
  if (u->role >= ATT_ROLE_EDITOR) return 1;
  fail(rs, 403, "%s is a reader: reading only (an admin can change the role: attache user role %s "
       "editor)", u->name, u->name);
  return 0;
}

/* ---- the events --------------------------------------------------------- */

static int date_param(att_store *st, const char *name, const char *v, int end, att_time *out, att_api_res *rs) {
  att_settings *set = NULL;
  att_date_ctx c;
  char edtf[ATT_DATE_MAX];
  att_bounds b;
  int rc;
  att_date_ctx_init(&c, att__store_now(st));
  if (att_settings_load(att_store_dir(st), &set) == 0) att_settings_date_ctx(set, &c);
  rc = att_date_read(v, &c, edtf, sizeof edtf, &b);
  att_settings_free(set);
  if (rc != 0) {
    fail(rs, 400, "%s=%s: %s", name, v, att_errmsg());
    return -1;
  }
  *out = end ? b.latest : b.earliest;
  return 0;
}

/* The actors of a query, each malloc'd (the codes they resolve to), and
 * the array. */
static void actors_free(const char **a) {
  for (size_t i = 0; a && a[i]; i++) free((char *)a[i]);
  free(a);
}

/* The code to look for of an actor typed in a filter, as the command
 * line resolves it (core/names.h), malloc'd; NULL with the answer (400
 * naming the nearest, as the command line does). */
static char *actor_code(att_names *nm, const char *typed, att_api_res *rs) {
  char code[256], *out;
  int rc = att_names_actor(nm, typed, 0, code, sizeof code);
  if (rc != 0) {
    fail(rs, rc == ATT_ENOTFOUND ? 400 : 500, "actor: %s", att_errmsg());
    return NULL;
  }
  if (!(out = strdup(code))) fail(rs, 500, "out of memory");
  return out;
}

/* A kind or a status in a filter: one the store knows; else 400 naming
 * the nearest, as the command line does.  0 or -1. */
static int word_known(att_names *nm, att_vocab_field f, const char *value, att_api_res *rs) {
  int rc = att_names_word(nm, f, value);
  if (rc == 0) return 0;
  if (rc == ATT_ENOTFOUND) fail(rs, 400, "%s", att_errmsg());
  else core_fail(rs, rc);
  return -1;
}

/* ?new-value=1 on a write: new names are kept as written (the command
 * line's --new-value). */
static int new_value(const att_api_req *rq) {
  for (size_t i = 0; i < rq->nparams; i++)
    if (!strcmp(rq->params[i].name, "new-value"))
      return !strcmp(rq->params[i].value, "1") || !strcmp(rq->params[i].value, "true") ||
             !*rq->params[i].value;
  return 0;
}

/* The actors, kind and status of an event a request writes, resolved and
 * checked as the command line does them (core/names.h); those it already
 * had (old) are left as they are.  0, or -1 with the answer. */
static int event_names(att_store *st, const att_api_req *rq, att_event *ev, const att_event *old,
                       att_api_res *rs) {
  att_names nm;
  int rc;
  att_names_init(&nm, st, new_value(rq));
  rc = att_names_event(&nm, ev, old);
  if (rc == ATT_ENOTFOUND && nm.bad_field &&
      (!strcmp(nm.bad_field, "actors") || !strcmp(nm.bad_field, "people")))
    fail(rs, 400, "%s: %s", nm.bad_field, att_errmsg());
  else if (rc == ATT_ENOTFOUND)
    fail(rs, 400, "%s", att_errmsg());
  else if (rc != 0)
    core_fail(rs, rc);
  att_names_free(&nm);
  return rc == 0 ? 0 : -1;
}

/* The filters of the query into q (actors, malloc'd codes, and tags point
 * into arrays of nparams + 1 the caller frees, the first with
 * actors_free); `extra` is a parameter the route also takes (NULL: none).
 * 0, or -1 with the answer (400). */
static int filters_with(att_store *st, att_names *nm, const att_api_req *rq, const char *extra,
                        att_query *q, const char **actors, const char **tags, att_api_res *rs) {
  for (size_t i = 0; i < rq->nparams; i++) {
    const char *k = rq->params[i].name, *v = rq->params[i].value;
    /* A filter of one value given twice is refused, as on the command
     * line (?limit=1&limit=2 took the last); actor and tag repeat. */
    if (strcmp(k, "actor") && strcmp(k, "tag"))
      for (size_t j = 0; j < i; j++)
        if (!strcmp(rq->params[j].name, k)) {
          fail(rs, 400, "%s given twice (it takes one value; actor and tag may repeat)", k);
          return -1;
        }
    if (!strcmp(k, "actor")) {
      if (!(actors[q->nactors] = actor_code(nm, v, rs))) return -1;
      q->nactors++;
    } else if (!strcmp(k, "tag")) tags[q->ntags++] = v;
    else if (!strcmp(k, "kind")) {
      if (word_known(nm, ATT_VOCAB_KIND, v, rs) != 0) return -1;
      q->kind = v;
    } else if (!strcmp(k, "status")) {
      if (word_known(nm, ATT_VOCAB_STATUS, v, rs) != 0) return -1;
      q->status = v;
    }
    else if (!strcmp(k, "text")) q->text = v;
    else if (!strcmp(k, "from")) {
      if (date_param(st, k, v, 0, &q->from, rs)) return -1;
    } else if (!strcmp(k, "to")) {
      if (date_param(st, k, v, 1, &q->to, rs)) return -1;
    } else if (!strcmp(k, "limit")) {
      char *e;
      long long l = strtoll(v, &e, 10);
      if (*v == '\0' || *e || l < 1 || l > LIST_MAX) {
        fail(rs, 400, "limit=%s: give a whole number from 1 to %d", v, LIST_MAX);
        return -1;
      }
      q->limit = (size_t)l;
    } else if (!extra || strcmp(k, extra) != 0) {
      fail(rs, 400, "unknown parameter \"%s\": this route takes actor, tag, kind, status, from, to, "
           "text and limit%s%s", k, extra ? ", and " : "", extra ? extra : "");
      return -1;
    }
  }
  q->actors = actors;
  q->tags = tags;
  if (!q->limit) q->limit = LIST_MAX + 1;
  return 0;
}

/* filters_with the store's names, read once for the request. */
static int filters(att_store *st, const att_api_req *rq, const char *extra, att_query *q, const char **actors,
                   const char **tags, att_api_res *rs) {
  att_names nm;
  int rc;
  att_names_init(&nm, st, 0);
  rc = filters_with(st, &nm, rq, extra, q, actors, tags, rs);
  att_names_free(&nm);
  return rc;
}

static void events_free(att_event *evs, size_t n) {
  for (size_t i = 0; i < n; i++) att_event_free(&evs[i]);
  free(evs);
}

/* The events the query's filters select, into evs[0..*n) (malloc'd, and
 * each event); 0, or -1 with the answer. */
static int select_events(att_store *st, const att_api_req *rq, const char *extra, att_event **evs, size_t *n,
                         att_api_res *rs) {
  att_query q;
  const char **actors = calloc(rq->nparams + 1, sizeof *actors), **tags = calloc(rq->nparams + 1, sizeof *tags);
  int64_t *ids = NULL;
  size_t k = 0;
  int rc = -1, e;
  *evs = NULL;
  *n = 0;
  att_query_init(&q);
  if (!actors || !tags) {
    fail(rs, 500, "out of memory");
    goto out;
  }
  if (filters(st, rq, extra, &q, actors, tags, rs) != 0) goto out;
  if (q.limit == LIST_MAX + 1) q.limit = FEED_MAX + 1; /* no limit given: the feed's */
  if ((e = att_store_query(st, &q, &ids, &k)) != 0)
    core_fail(rs, e);
  else if (k > FEED_MAX)
    fail(rs, 400, "more than %d events match: a feed that large is no use to a calendar; narrow it "
         "(from, to, actor, ...)", FEED_MAX);
  else if (k && !(*evs = calloc(k, sizeof **evs)))
    fail(rs, 500, "out of memory");
  else {
    rc = 0;
    for (size_t i = 0; i < k && rc == 0; i++)
      if ((e = att_store_get(st, ids[i], &(*evs)[i])) != 0) {
        core_fail(rs, e);
        rc = -1;
      } else {
        *n = i + 1;
      }
    if (rc) {
      events_free(*evs, *n);
      *evs = NULL;
      *n = 0;
    }
  }
out:
  actors_free(actors);
  free(tags);
  free(ids);
  return rc;
}

/* The ids the query's filters select (malloc'd); 0, or -1 with the answer. */
static int select_ids(att_store *st, const att_api_req *rq, const char *extra, int64_t **ids, size_t *n,
                      att_api_res *rs) {
  att_query q;
  const char **actors = calloc(rq->nparams + 1, sizeof *actors), **tags = calloc(rq->nparams + 1, sizeof *tags);
  int rc = -1, e;
  *ids = NULL;
  *n = 0;
  att_query_init(&q);
  if (!actors || !tags) fail(rs, 500, "out of memory");
  else if (filters(st, rq, extra, &q, actors, tags, rs) != 0) {
  } else if ((e = att_store_query(st, &q, ids, n)) != 0)
    core_fail(rs, e);
  else if (*n > LIST_MAX)
    fail(rs, 400, "more than %d events match: narrow the query (from, to, actor, ...) or give a limit",
         LIST_MAX);
  else
    rc = 0;
  if (rc) {
    free(*ids);
    *ids = NULL;
    *n = 0;
  }
  actors_free(actors);
  free(tags);
  return rc;
}

/* GET /v1/events: the events as the store keeps them (compact JSON, as
 * att_event_to_json writes it), put together without parsing any. */
static int list(att_store *st, const att_api_req *rq, att_api_res *rs) {
  int64_t *ids;
  size_t n;
  att__sb b = {NULL, 0, 0, 0};
  char tail[48];
  int rc = 0, e;
  if (select_ids(st, rq, NULL, &ids, &n, rs) != 0) return rs->body ? 0 : ATT_ENOMEM;
  att__sb_put(&b, "{\"events\":[", 11);
  for (size_t i = 0; i < n; i++) {
    const char *j;
    size_t len;
    if (i % 64 == 0) att_store_readahead(st, ids + i, n - i);
    if ((e = att_store_json(st, ids[i], &j, &len)) != 0) {
      rc = core_fail(rs, e);
      break;
    }
    if (i) att__sb_put(&b, ",", 1);
    att__sb_put(&b, j, len);
  }
  free(ids);
  if (rs->body) { /* failed */
    free(b.p);
    return rc;
  }
  snprintf(tail, sizeof tail, "],\"count\":%zu}", n);
  att__sb_put(&b, tail, strlen(tail));
  if (b.oom) {
    free(b.p);
    return fail(rs, 500, "out of memory");
  }
  rc = answer(rs, 200, b.p);
  rs->body_len = b.n;
  return rc;
}

/*
 * Is tag (a strong entity-tag, quotes included) among those of an
 * If-Match or If-None-Match value (RFC 9110, 13.1.1-2): "*", or a list
 * of entity-tags separated by commas, each maybe W/ (weak).  weak: the
 * weak comparison of If-None-Match (W/"x" matches "x"); else the strong
 * one of If-Match (a weak tag matches nothing).  A value that is no such
 * list matches nothing.
 */
static int etag_listed(const char *v, const char *tag, int weak) {
  size_t tl = strlen(tag);
  int found = 0;
  v += strspn(v, " \t");
  if (v[0] == '*' && v[1 + strspn(v + 1, " \t")] == '\0') return 1;
  for (;;) {
    const char *q;
    int is_weak = 0;
    v += strspn(v, " \t");
    if (*v == ',') { /* empty elements are allowed in a list */
      v++;
      continue;
    }
    if (*v == '\0') return found;
    if (v[0] == 'W' && v[1] == '/') is_weak = 1, v += 2;
    if (*v != '"' || (q = strchr(v + 1, '"')) == NULL) return 0;
    for (const char *c = v + 1; c < q; c++)
      if ((unsigned char)*c < 0x21 || *c == 0x7f) return 0; /* etagc */
    if ((size_t)(q + 1 - v) == tl && memcmp(v, tag, tl) == 0 && (weak || !is_weak)) found = 1;
    v = q + 1;
    v += strspn(v, " \t");
    if (*v != ',' && *v != '\0') return 0;
  }
}

/* GET /v1/calendar.ics: the events as iCalendar; the ETag is a hash of
 * the text, so a calendar program's If-None-Match gets 304 while nothing
 * it shows has changed. */
static int calendar(att_store *st, const att_api_req *rq, att_api_res *rs) {
  att_event *evs;
  size_t n, len = 0;
  att_ics_opts o;
  unsigned char h[32];
  char *text;
  if (select_events(st, rq, "token", &evs, &n, rs) != 0) return rs->body ? 0 : ATT_ENOMEM;
  memset(&o, 0, sizeof o);
  o.now = att__store_now(st);
  text = att_ics_calendar(evs, n, &o, &len);
  events_free(evs, n);
  if (!text) return fail(rs, 500, "out of memory");
  att_sha256(text, len, h);
  snprintf(rs->etag, sizeof rs->etag, "\"%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x\"", h[0], h[1], h[2], h[3],
           h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11]);
  if (rq->if_none_match && etag_listed(rq->if_none_match, rs->etag, 1)) {
    free(text);
    return answer(rs, 304, NULL);
  }
  answer(rs, 200, NULL);
  rs->body = text;
  rs->body_len = len;
  rs->content_type = "text/calendar; charset=utf-8";
  return 0;
}

/* GET /v1/agenda?days=&from=&...: what happens in a window (today and
 * the 6 days after, by default), every occurrence of a recurring event,
 * in date order, with the filters of /v1/events. */
static int agenda(att_store *st, const att_api_req *rq, att_api_res *rs) {
  att_query q;
  const char **actors = calloc(rq->nparams + 1, sizeof *actors), **tags = calloc(rq->nparams + 1, sizeof *tags);
  att_occ *occ = NULL;
  size_t n = 0;
  long long days = 7;
  int rc = 0, e;
  att_query_init(&q);
  for (size_t i = 0; i < rq->nparams; i++)
    if (!strcmp(rq->params[i].name, "days")) {
      char *end;
      days = strtoll(rq->params[i].value, &end, 10);
      if (!*rq->params[i].value || *end || days < 1 || days > 366) {
        rc = fail(rs, 400, "days=%s: give a whole number of days from 1 to 366", rq->params[i].value);
        goto out;
      }
    }
  if (!actors || !tags) {
    rc = fail(rs, 500, "out of memory");
    goto out;
  }
  if (filters(st, rq, "days", &q, actors, tags, rs) != 0) goto out;
  if (q.from == ATT_TIME_MIN) { /* today, from its first second (UTC) */
    att_time now = att__store_now(st);
    q.from = now - ((now % 86400) + 86400) % 86400;
  }
  if (q.to == ATT_TIME_MAX) q.to = q.from + (att_time)days * 86400 - 1;
  q.sort = ATT_SORT_WHEN;
  if ((e = att_store_occurrences(st, &q, &occ, &n)) != 0) {
    rc = core_fail(rs, e);
    goto out;
  }
  if (q.limit == LIST_MAX + 1 && n > LIST_MAX) { /* (cut at the limit without a word, before) */
    rc = fail(rs, 400, "more than %d occurrences in the window: narrow it (days, from, actor, ...) or give "
              "a limit", LIST_MAX);
    goto out;
  }
  {
    cJSON *o = cJSON_CreateObject(), *arr;
    char t[40];
    att_time_format(q.from, t, sizeof t);
    cJSON_AddStringToObject(o, "from", t);
    att_time_format(q.to, t, sizeof t);
    cJSON_AddStringToObject(o, "to", t);
    arr = cJSON_AddArrayToObject(o, "occurrences");
    for (size_t i = 0; i < n && rc == 0; i++) {
      /* The stored JSON, parsed but not checked again (the store did at
       * the write): the fields an occurrence shows. */
      const char *j;
      size_t len;
      char d[96];
      cJSON *x, *ev, *f;
      if ((e = att_store_json(st, occ[i].id, &j, &len)) != 0 || !(ev = cJSON_ParseWithLength(j, len))) {
        rc = e ? core_fail(rs, e) : fail(rs, 500, "event %lld: its stored JSON cannot be read", (long long)occ[i].id);
        break;
      }
      x = cJSON_CreateObject();
      cJSON_AddNumberToObject(x, "id", (double)occ[i].id);
      if (att_occ_text(occ[i].start, occ[i].end, occ[i].timed, d, sizeof d) == 0) cJSON_AddStringToObject(x, "date", d);
      for (size_t k = 0; k < 3; k++) {
        static const char *const names[] = {"title", "kind", "status"};
        if (cJSON_IsString(f = cJSON_GetObjectItemCaseSensitive(ev, names[k])))
          cJSON_AddStringToObject(x, names[k], f->valuestring);
      }
      cJSON_AddBoolToObject(x, "recurring", occ[i].recurring);
      cJSON_AddItemToArray(arr, x);
      cJSON_Delete(ev);
    }
    cJSON_AddNumberToObject(o, "count", (double)n);
    if (rc == 0) rc = answer(rs, 200, cJSON_PrintUnformatted(o));
    cJSON_Delete(o);
  }
out:
  free(occ);
  actors_free(actors);
  free(tags);
  return rc;
}

/* GET /v1/alerts?since=&limit=: the newest `limit` alerts of the log
 * (since a time), oldest first.  The log is read whole and the newest
 * kept in a ring: it read the oldest and stopped, so past the limit the
 * newest alerts were the ones missing. */
struct alerts_acc {
  cJSON **ring;
  size_t n, limit; /* seen; most kept */
};

static int alert_one(void *ud, const att_alert *a) {
  struct alerts_acc *acc = ud;
  char *j = att_alert_to_json(a);
  cJSON *o = j ? cJSON_Parse(j) : NULL;
  size_t at = acc->n % acc->limit;
  free(j);
  if (!o) return 0;
  cJSON_Delete(acc->ring[at]); /* the oldest kept goes */
  acc->ring[at] = o;
  acc->n++;
  return 0;
}

static int alerts(att_store *st, const att_api_req *rq, att_api_res *rs) {
  struct alerts_acc acc = {NULL, 0, LIST_MAX};
  att_time since = ATT_TIME_MIN;
  cJSON *o = NULL;
  int rc;
  for (size_t i = 0; i < rq->nparams; i++) {
    const char *k = rq->params[i].name, *v = rq->params[i].value;
    if (!strcmp(k, "since")) {
      if (date_param(st, k, v, 0, &since, rs)) return rs->body ? 0 : ATT_ENOMEM;
    } else if (!strcmp(k, "limit")) {
      char *e;
      long long l = strtoll(v, &e, 10);
      if (*v == '\0' || *e || l < 1 || l > LIST_MAX)
        return fail(rs, 400, "limit=%s: give a whole number from 1 to %d", v, LIST_MAX);
      acc.limit = (size_t)l;
    } else {
      return fail(rs, 400, "unknown parameter \"%s\": the alerts take since and limit", k);
    }
  }
  if (!(acc.ring = calloc(acc.limit, sizeof *acc.ring))) return fail(rs, 500, "out of memory");
  if ((rc = att_alertlog_read(att_store_dir(st), since, alert_one, &acc)) < 0) {
    rc = core_fail(rs, rc);
  } else {
    size_t kept = acc.n < acc.limit ? acc.n : acc.limit, first = acc.n - kept;
    cJSON *arr;
    o = cJSON_CreateObject();
    arr = cJSON_AddArrayToObject(o, "alerts");
    for (size_t i = 0; i < kept; i++) {
      size_t at = (first + i) % acc.limit;
      cJSON_AddItemToArray(arr, acc.ring[at]);
      acc.ring[at] = NULL;
    }
    cJSON_AddNumberToObject(o, "count", (double)kept);
    if (acc.n > kept) cJSON_AddNumberToObject(o, "older", (double)(acc.n - kept)); /* left out */
    rc = answer(rs, 200, cJSON_PrintUnformatted(o));
    cJSON_Delete(o);
  }
  for (size_t i = 0; i < acc.limit; i++) cJSON_Delete(acc.ring[i]);
  free(acc.ring);
  return rc;
}

/* If-Match against the event's current ETag: 1 if it holds, else 0
 * with the answer (412 with the current event, or 428). */
static int precondition(const att_api_req *rq, const att_event *cur, att_api_res *rs) {
  char tag[32];
  snprintf(tag, sizeof tag, "\"%lld\"", (long long)cur->rev);
  if (!rq->if_match) {
    fail(rs, 428, "a change needs If-Match with the event's ETag (%s, from GET /v1/events/%lld), so "
         "that it does not overwrite a change it has not seen", tag, (long long)cur->id);
    return 0;
  }
  if (!etag_listed(rq->if_match, tag, 0)) {
    /* the error, and the event as it is now to redo the change on */
    cJSON *o;
    fail(rs, 412, "event %lld has changed: it is at revision %lld (ETag %s), not %s; read it again "
         "and make the change on what it holds now", (long long)cur->id, (long long)cur->rev, tag,
         rq->if_match);
    if (rs->body && (o = cJSON_Parse(rs->body)) != NULL) {
      cJSON_AddItemToObject(o, "event", att_event_to_cjson(cur));
      answer(rs, 412, cJSON_PrintUnformatted(o));
      cJSON_Delete(o);
    }
    snprintf(rs->etag, sizeof rs->etag, "%s", tag);
    return 0;
  }
  return 1;
}

static int add(att_store *st, const att_api_req *rq, att_api_res *rs) {
  att_event ev;
  int rc;
  if ((rc = att_event_from_json(rq->body ? rq->body : "", rq->body_len, 0, &ev)) != 0)
    return fail(rs, 400, "the body is not an event: %s", att_errmsg());
  if (event_names(st, rq, &ev, NULL, rs) != 0) {
    att_event_free(&ev);
    return 0;
  }
  if ((rc = att_store_add(st, &ev)) != 0) rc = core_fail(rs, rc);
  else {
    snprintf(rs->location, sizeof rs->location, "/v1/events/%lld", (long long)ev.id);
    rc = event_answer(rs, 201, &ev);
  }
  att_event_free(&ev);
  return rc;
}

static int change(att_store *st, const att_api_req *rq, att_event *cur, att_api_res *rs) {
  int rc;
  if (!strcmp(rq->method, "DELETE")) {
    if ((rc = att_store_remove(st, cur->id)) == ATT_ELINKED) {
      /* the core's advice ends "or force the removal": the API has no
       * force (a removal that drops others' links is the command line's) */
      const char *m = att_errmsg(), *cut = strstr(m, "; remove or change");
      return fail(rs, 409, "%.*s; change or remove those links first ('attache rm --force %lld' "
                           "drops them with the removal)",
                  cut ? (int)(cut - m) : (int)strlen(m), m, (long long)cur->id);
    }
    if (rc != 0) return core_fail(rs, rc);
    return answer(rs, 204, NULL);
  }
  {
    /* Read as --json is (att_json_parse), not as cJSON reads: 036 as 36,
     * text after the object ignored, a NUL cutting a string short. */
    cJSON *patch = NULL;
    if (att_json_parse("the body", "", rq->body ? rq->body : "", rq->body_len, &patch) != 0)
      return fail(rs, 400, "%s; the body is a JSON merge patch (an object of the fields to change)",
                  att_errmsg());
    if (!cJSON_IsObject(patch)) {
      cJSON_Delete(patch);
      return fail(rs, 400, "the body is not a JSON merge patch (an object of the fields to change)");
    }
    att_event old;
    if (att_event_copy(&old, cur) != 0) {
      cJSON_Delete(patch);
      return fail(rs, 500, "out of memory");
    }
    rc = att_event_patch(cur, patch);
    cJSON_Delete(patch);
    if (rc != 0) {
      att_event_free(&old);
      return fail(rs, 400, "%s", att_errmsg());
    }
    rc = event_names(st, rq, cur, &old, rs);
    att_event_free(&old);
    if (rc != 0) return 0;
  }
  if ((rc = att_store_update(st, cur)) != 0) return core_fail(rs, rc);
  return event_answer(rs, 200, cur);
}

static int one(att_store *st, const att_api_req *rq, const att_user *u, const char *which, att_api_res *rs) {
  att_event ev;
  int rc;
  if ((rc = att_store_lookup(st, which, &ev)) != 0) {
    if (rc == ATT_ENOTFOUND) return fail(rs, 404, "no event with id or key \"%s\"", which);
    return core_fail(rs, rc);
  }
  if (!strcmp(rq->method, "GET")) rc = event_answer(rs, 200, &ev);
  else if (may_write(u, rs) && precondition(rq, &ev, rs))
    rc = change(st, rq, &ev, rs);
  att_event_free(&ev);
  return rc;
}

/* GET /v1/events/ID/history: the event's changes, newest first. */
static int history(att_store *st, const char *which, att_api_res *rs) {
  att_event ev;
  att_change_filter f;
  att_change *ch = NULL;
  size_t n = 0;
  cJSON *o, *arr;
  int rc;
  char *end;
  long long id = which[0] >= '1' && which[0] <= '9' ? strtoll(which, &end, 10) : 0;
  att_change_filter_init(&f);
  if (id > 0 && *end == '\0') { /* an id: a removed event's history too, as `attache log ID` */
    f.id = id;
  } else if ((rc = att_store_lookup(st, which, &ev)) != 0) {
    if (rc == ATT_ENOTFOUND)
      return fail(rs, 404, "no event with id or key \"%s\"; a removed event's history is found by "
                           "its id (/v1/events/ID/history)", which);
    return core_fail(rs, rc);
  } else {
    f.id = ev.id;
    att_event_free(&ev);
  }
  f.limit = LIST_MAX;
  if ((rc = att_store_changes(st, &f, &ch, &n)) != 0) return core_fail(rs, rc);
  if (n == 0) /* never added (or its history pruned away) */
    return fail(rs, 404, "no event %lld in the history (never added, or its history was pruned)",
                (long long)f.id);
  o = cJSON_CreateObject();
  arr = cJSON_AddArrayToObject(o, "changes");
  for (size_t i = 0; i < n; i++) {
    cJSON *x = cJSON_CreateObject();
    char t[40];
    cJSON_AddNumberToObject(x, "seq", (double)ch[i].seq);
    cJSON_AddStringToObject(x, "op", att_change_op_name(ch[i].op));
    cJSON_AddNumberToObject(x, "rev", (double)ch[i].rev);
    att_time_format(ch[i].tx, t, sizeof t);
    cJSON_AddStringToObject(x, "at", t);
    cJSON_AddStringToObject(x, "author", ch[i].author ? ch[i].author : "");
    if (ch[i].reason && ch[i].reason[0]) cJSON_AddStringToObject(x, "reason", ch[i].reason);
    if (ch[i].op == ATT_CHANGE_UPDATE && i < DIFF_MAX) { /* what it changed, as `attache log` says it */
      char *before = NULL, *after = NULL;
      size_t bl = 0, al = 0;
      att_diff df = {NULL, 0};
      if (att_store_change_states(st, ch[i].seq, &before, &bl, &after, &al) == 0 &&
          att_event_diff(before, bl, after, al, &df) == 0) {
        cJSON *d = cJSON_AddArrayToObject(x, "diff");
        for (size_t k = 0; k < df.n; k++) {
          size_t l = strlen(df.v[k].field) + strlen(df.v[k].text) + 3;
          char *t = malloc(l);
          if (t) {
            snprintf(t, l, "%s: %s", df.v[k].field, df.v[k].text);
            cJSON_AddItemToArray(d, cJSON_CreateString(t));
            free(t);
          }
        }
        att_diff_free(&df);
      } else {
        att__errclear();
      }
      free(before);
      free(after);
    }
    cJSON_AddItemToArray(arr, x);
  }
  cJSON_AddNumberToObject(o, "count", (double)n);
  att_changes_free(ch, n);
  rc = answer(rs, 200, cJSON_PrintUnformatted(o));
  cJSON_Delete(o);
  return rc;
}

/* GET /v1/dates?q=TEXT: how the store reads a date as a person types it
 * (the form's echo): its EDTF, its reading, its bounds; 400 with the
 * message of `attache add --when`. */
static int dates(att_store *st, const att_api_req *rq, att_api_res *rs) {
  const char *q = NULL;
  att_settings *set = NULL;
  att_date_ctx c;
  char edtf[ATT_DATE_MAX], human[ATT_DATE_HUMAN_MAX], t[40];
  att_bounds b;
  cJSON *o;
  int rc;
  for (size_t i = 0; i < rq->nparams; i++) {
    if (strcmp(rq->params[i].name, "q") != 0)
      return fail(rs, 400, "unknown parameter \"%s\": this route takes q (the date as typed)", rq->params[i].name);
    q = rq->params[i].value;
  }
  if (!q || !*q) return fail(rs, 400, "q= is missing: give the date as typed (\"mid March 2024\", \"2024-Q2\")");
  att_date_ctx_init(&c, att__store_now(st));
  if (att_settings_load(att_store_dir(st), &set) == 0) att_settings_date_ctx(set, &c);
  rc = att_date_read(q, &c, edtf, sizeof edtf, &b);
  att_settings_free(set);
  if (rc != 0) return fail(rs, 400, "%s", att_errmsg());
  if (att_date_human(edtf, human, sizeof human) != 0) snprintf(human, sizeof human, "%s", edtf);
  o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "edtf", edtf);
  cJSON_AddStringToObject(o, "human", human);
  att_time_format(b.earliest, t, sizeof t);
  cJSON_AddStringToObject(o, "earliest", t);
  att_time_format(b.latest, t, sizeof t);
  cJSON_AddStringToObject(o, "latest", t);
  if (c.used_ref) cJSON_AddBoolToObject(o, "relative", 1);
  rc = answer(rs, 200, cJSON_PrintUnformatted(o));
  cJSON_Delete(o);
  return rc;
}

/* ---- routing ------------------------------------------------------------- */

/* Within the user's rate: 1, else 0 with the answer (429). */
static int within_rate(att_api *a, const att_user *u, att_api_res *rs) {
  int64_t wait;
  if (att_ratelimit_take(a->limit, u->name, a->o.now_ms(a->o.ud), &wait)) return 1;
  rs->retry_after = (int)((wait + 999) / 1000);
  fail(rs, 429, "too many requests from %s: at most %g a second (%g at once); try again in %d s", u->name,
       a->o.rate, a->o.burst, rs->retry_after);
  return 0;
}

/* A report's name: letters, digits, '-' and '_', at most 64. */
static int report_name_ok(const char *n) {
  size_t i = 0;
  for (; n[i]; i++)
    if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= 'A' && n[i] <= 'Z') || (n[i] >= '0' && n[i] <= '9') ||
          n[i] == '-' || n[i] == '_'))
      return 0;
  return i > 0 && i <= 64;
}

static int by_str(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }

/* GET /v1/reports: {"reports": ["agenda", ...]}, sorted. */
static int reports(att_api *a, att_api_res *rs) {
  DIR *d = a->o.reports ? opendir(a->o.reports) : NULL;
  struct dirent *de;
  char *names[512];
  size_t n = 0;
  cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "reports");
  while (d && (de = readdir(d)) != NULL && n < 512) {
    size_t l = strlen(de->d_name);
    char stem[80];
    if (l < 5 || l - 4 >= sizeof stem || strcmp(de->d_name + l - 4, ".lua") != 0) continue;
    memcpy(stem, de->d_name, l - 4);
    stem[l - 4] = '\0';
    if (report_name_ok(stem) && (names[n] = strdup(stem)) != NULL) n++;
  }
  if (d) closedir(d);
  for (size_t i = 0; a->o.shipped && a->o.shipped[i] && n < 512; i++) { /* a desk's own shadows it */
    size_t k = 0;
    while (k < n && strcmp(names[k], a->o.shipped[i]) != 0) k++;
    if (k == n && (names[n] = strdup(a->o.shipped[i])) != NULL) n++;
  }
  qsort(names, n, sizeof *names, by_str);
  for (size_t i = 0; i < n; i++) {
    cJSON_AddItemToArray(arr, cJSON_CreateString(names[i]));
    free(names[i]);
  }
  cJSON_AddNumberToObject(o, "count", (double)n);
  {
    char *t = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return answer(rs, 200, t);
  }
}

/* GET /v1/reports/NAME: 200 with the file to run, or 404. */
static int report(att_api *a, const char *name, att_api_res *rs) {
  char path[4096];
  struct stat sb;
  if (!report_name_ok(name))
    return fail(rs, 404, "no report named \"%.80s\": a report's name is letters, digits, - and _ "
                "(GET /v1/reports lists them)", name);
  snprintf(path, sizeof path, "%s/%s.lua", a->o.reports ? a->o.reports : "", name);
  if (!a->o.reports || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    size_t i = 0;
    while (a->o.shipped && a->o.shipped[i] && strcmp(a->o.shipped[i], name) != 0) i++;
    if (!a->o.shipped || !a->o.shipped[i])
      return fail(rs, 404, "no report named \"%s\" (GET /v1/reports lists them)", name);
    snprintf(path, sizeof path, "attache:%s", name);
  }
  if ((rs->report = strdup(path)) == NULL) return ATT_ENOMEM;
  rs->status = 200;
  rs->content_type = "text/plain; charset=utf-8";
  return 0;
}

/* A read that scans the store, asked with offload_ok, and let through:
 * the server has it answered elsewhere, by att_api_read. */
static int offload(att_api_res *rs) {
  rs->status = 200;
  rs->offload = 1;
  return 0;
}

int att_api_read(att_store *st, const att_api_req *rq, att_api_res *rs) {
  const char *p = rq->path ? rq->path : "";
  int rc;
  memset(rs, 0, sizeof *rs);
  if ((rc = att_store_refresh(st)) < 0) return core_fail(rs, rc);
  if (!strcmp(p, "/v1/agenda")) return agenda(st, rq, rs);
  if (!strcmp(p, "/v1/calendar.ics")) return calendar(st, rq, rs);
  if (!strcmp(p, "/v1/events")) return list(st, rq, rs);
  if (!strcmp(p, "/v1/alerts")) return alerts(st, rq, rs);
  return fail(rs, 404, "no such read: %s", p);
}

int att_api_handle(att_api *a, const att_api_req *rq, att_api_res *rs) {
  att_store *st = a->st;
  const char *p = rq->path ? rq->path : "", *m = rq->method ? rq->method : "";
  att_users users = {0};
  const att_user *u;
  int rc;
  memset(rs, 0, sizeof *rs);
  if (!strcmp(p, "/v1/health")) {
    if (strcmp(m, "GET") && strcmp(m, "HEAD")) return rs->allow = "GET, HEAD", fail(rs, 405, "%s", "use GET");
    return answer(rs, 200, strdup("{\"ok\":true}"));
  }
  if (!strcmp(p, "/v1/openapi.json") && a->o.openapi) {
    char *t;
    if (strcmp(m, "GET")) return rs->allow = "GET", fail(rs, 405, "%s", "use GET");
    if ((t = malloc(a->o.openapi_len + 1)) == NULL) return ATT_ENOMEM;
    memcpy(t, a->o.openapi, a->o.openapi_len);
    t[a->o.openapi_len] = '\0';
    rc = answer(rs, 200, t);
    rs->body_len = a->o.openapi_len;
    return rc;
  }
  if (!strcmp(p, "/v1/changes")) {
    if (strcmp(m, "GET")) return rs->allow = "GET", fail(rs, 405, "%s", "use GET");
    if ((u = authenticate(a, rq, 0, &users, rs)) == NULL || !within_rate(a, u, rs)) {
      rc = rs->body ? 0 : ATT_ENOMEM;
    } else {
      rs->status = 200;
      rs->stream = 1;
      rs->content_type = "text/event-stream";
      rc = 0;
    }
    att_users_free(&users);
    return rc;
  }
  if (!strncmp(p, "/v1/reports", 11) && (p[11] == '\0' || p[11] == '/')) {
    if (strcmp(m, "GET")) return rs->allow = "GET", fail(rs, 405, "%s", "use GET");
    if ((u = authenticate(a, rq, 0, &users, rs)) == NULL || !within_rate(a, u, rs))
      rc = rs->body ? 0 : ATT_ENOMEM;
    else
      rc = p[11] ? report(a, p + 12, rs) : reports(a, rs);
    att_users_free(&users);
    return rc;
  }
  if (!strcmp(p, "/v1/calendar.ics")) {
    if (strcmp(m, "GET")) return rs->allow = "GET", fail(rs, 405, "%s", "use GET");
    if ((u = authenticate(a, rq, 1, &users, rs)) == NULL || !within_rate(a, u, rs))
      rc = rs->body ? 0 : ATT_ENOMEM;
    else if (rq->offload_ok)
      rc = offload(rs);
    else
      rc = (rc = att_store_refresh(st)) < 0 ? core_fail(rs, rc) : calendar(st, rq, rs);
    att_users_free(&users);
    return rc;
  }
  if (!strcmp(p, "/v1/whoami") || !strcmp(p, "/v1/dates")) {
    if (strcmp(m, "GET")) return rs->allow = "GET", fail(rs, 405, "%s", "use GET");
    if ((u = authenticate(a, rq, 0, &users, rs)) == NULL || !within_rate(a, u, rs)) {
      rc = rs->body ? 0 : ATT_ENOMEM;
    } else if (p[4] == 'd') {
      rc = dates(st, rq, rs);
    } else {
      cJSON *o = cJSON_CreateObject();
      cJSON_AddStringToObject(o, "user", u->name);
      cJSON_AddStringToObject(o, "role", att_role_name(u->role));
      rc = answer(rs, 200, cJSON_PrintUnformatted(o));
      cJSON_Delete(o);
    }
    att_users_free(&users);
    return rc;
  }
  if (!strcmp(p, "/v1/alerts") || !strcmp(p, "/v1/agenda")) {
    if (strcmp(m, "GET")) return rs->allow = "GET", fail(rs, 405, "%s", "use GET");
    if ((u = authenticate(a, rq, 0, &users, rs)) == NULL || !within_rate(a, u, rs))
      rc = rs->body ? 0 : ATT_ENOMEM;
    else if (rq->offload_ok) /* both read what grows: the store, the alert log */
      rc = offload(rs);
    else if ((rc = att_store_refresh(st)) < 0)
      rc = core_fail(rs, rc);
    else
      rc = p[4] == 'a' && p[5] == 'l' ? alerts(st, rq, rs) : agenda(st, rq, rs);
    att_users_free(&users);
    return rc;
  }
  if (strncmp(p, "/v1/events", 10) != 0 || (p[10] != '\0' && p[10] != '/') || !strcmp(p, "/v1/events/"))
    return fail(rs, 404, "no such route: %s (the API's routes are under /v1/: health, events, agenda, "
                "alerts, calendar.ics, changes, dates, openapi.json, reports, whoami)", p);
  if (!(u = authenticate(a, rq, 0, &users, rs)) || !within_rate(a, u, rs)) {
    att_users_free(&users);
    return rs->body ? 0 : ATT_ENOMEM;
  }
  /* Refresh first: answer from what other processes wrote too. */
  if (p[10] == '\0' && !strcmp(m, "GET") && rq->offload_ok) {
    rc = offload(rs);
  } else if ((rc = att_store_refresh(st)) < 0) {
    rc = core_fail(rs, rc);
  } else if (p[10] == '\0') {
    if (!strcmp(m, "GET")) rc = list(st, rq, rs);
    else if (!strcmp(m, "POST"))
      rc = may_write(u, rs) && att_store_set_author(st, u->name) == 0 ? add(st, rq, rs) : 0;
    else
      rs->allow = "GET, POST", rc = fail(rs, 405, "%s /v1/events: use GET to list, POST to add", m);
  } else if (strchr(p + 11, '/')) {
    const char *sl = strchr(p + 11, '/');
    char which[128];
    if (strcmp(sl, "/history") != 0 || (size_t)(sl - (p + 11)) >= sizeof which) {
      rc = fail(rs, 404, "no such route: %s (an event's routes are /v1/events/ID and /v1/events/ID/history)", p);
    } else if (strcmp(m, "GET")) {
      rs->allow = "GET";
      rc = fail(rs, 405, "%s %s: use GET", m, p);
    } else {
      memcpy(which, p + 11, (size_t)(sl - (p + 11)));
      which[sl - (p + 11)] = '\0';
      rc = history(st, which, rs);
    }
  } else if (!strcmp(m, "GET") || !strcmp(m, "PATCH") || !strcmp(m, "DELETE")) {
    rc = strcmp(m, "GET") && att_store_set_author(st, u->name) != 0 ? core_fail(rs, ATT_EINVAL)
                                                                     : one(st, rq, u, p + 11, rs);
  } else {
    rs->allow = "GET, PATCH, DELETE";
    rc = fail(rs, 405, "%s %s: use GET to read, PATCH to change, DELETE to remove", m, p);
  }
  att_users_free(&users);
  return rc;
}
