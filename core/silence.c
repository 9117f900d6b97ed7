/*
 * Silences of alerts (silence.h): matchers, matching, and silences.json,
 * read whole and replaced whole under the store's writer lock.
 */
#include "silence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "author.h"
#include "error.h"
#include "store_int.h"

#define FILE_NAME "silences.json"
#define TMP_NAME "silences.json.tmp"
#define VALS_MAX 100

const char *const att_silence_fields[ATT_SM_N] = {"level", "kind", "actor", "tag", "script"};

static void vals_free(char **v) {
  for (char **p = v; p && *p; p++) free(*p);
  free(v);
}

void att_silence_free(att_silence *s) {
  for (int f = 0; f < ATT_SM_N; f++) vals_free(s->vals[f]);
  free(s->author);
  free(s->reason);
  free(s->expired_by);
  memset(s, 0, sizeof *s);
}

void att_silences_free(att_silences *s) {
  for (size_t i = 0; i < s->n; i++) att_silence_free(&s->v[i]);
  free(s->v);
  memset(s, 0, sizeof *s);
}

/* One value of a matcher: a non-empty line without commas or control
 * characters, of at most 200 bytes; a level is info, warn or urgent. */
static int value_check(const char *spec, int field, const char *v) {
  size_t n = strlen(v);
  if (n == 0 || n > 200 || att_author_check("a value", v) != 0)
    return att__err(ATT_EINVAL, "matcher \"%s\": a value must be one line of 1 to 200 bytes", spec);
  if (field == ATT_SM_LEVEL && strcmp(v, "info") && strcmp(v, "warn") && strcmp(v, "urgent"))
    return att__err(ATT_EINVAL, "matcher \"%s\": level \"%s\" is not one: give info, warn or urgent",
                    spec, v);
  return 0;
}

static int push_val(char ***v, size_t *n, const char *s, size_t len) {
  char **nv = realloc(*v, (*n + 2) * sizeof *nv);
  if (!nv) return att__err(ATT_ENOMEM, "out of memory");
  *v = nv;
  if (!(nv[*n] = strndup(s, len))) return att__err(ATT_ENOMEM, "out of memory");
  nv[++*n] = NULL;
  return 0;
}

int att_silence_matcher(att_silence *s, const char *spec) {
  const char *eq = spec ? strchr(spec, '=') : NULL, *p;
  int f;
  size_t n = 0;
  char **v = NULL;
  for (f = 0; eq && f < ATT_SM_N; f++)
    if (strlen(att_silence_fields[f]) == (size_t)(eq - spec) &&
        strncmp(spec, att_silence_fields[f], (size_t)(eq - spec)) == 0)
      break;
  if (!eq || f == ATT_SM_N)
    return att__err(ATT_EINVAL, "matcher \"%s\" is not FIELD=VALUE: the fields are level, kind, "
                    "actor, tag and script (actor=KHM, level=warn,urgent)",
                    spec ? spec : "");
  if (s->vals[f])
    return att__err(ATT_EINVAL, "matcher \"%s\": %s is given twice; list its values with commas "
                    "(%s=A,B)",
                    spec, att_silence_fields[f], att_silence_fields[f]);
  for (p = eq + 1;; p++) {
    const char *c = strchr(p, ',');
    size_t len = c ? (size_t)(c - p) : strlen(p);
    int rc;
    if (n == VALS_MAX) rc = att__err(ATT_EINVAL, "matcher \"%s\": at most 100 values", spec);
    else
      rc = push_val(&v, &n, p, len);
    if (rc == 0) rc = value_check(spec, f, v[n - 1]);
    if (rc) {
      vals_free(v);
      return rc;
    }
    if (!c) break;
    p = c;
  }
  s->vals[f] = v;
  return 0;
}

/* ---- matching ------------------------------------------------------------- */

static int in(char **vals, const char *x) {
  for (char **p = vals; x && p && *p; p++)
    if (strcmp(*p, x) == 0) return 1;
  return 0;
}

static int any_in(char **vals, const char *const *xs, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (in(vals, xs[i])) return 1;
  return 0;
}

int att_silence_active(const att_silence *s, att_time t) {
  return s->expired == ATT_TIME_MAX && t >= s->starts && t < s->until;
}

static int matches(const att_silence *s, const att_alert_subject *x) {
  return (!s->vals[ATT_SM_LEVEL] || in(s->vals[ATT_SM_LEVEL], x->level)) &&
         (!s->vals[ATT_SM_KIND] || in(s->vals[ATT_SM_KIND], x->kind)) &&
         (!s->vals[ATT_SM_SCRIPT] || in(s->vals[ATT_SM_SCRIPT], x->script)) &&
         (!s->vals[ATT_SM_ACTOR] || any_in(s->vals[ATT_SM_ACTOR], x->actors, x->nactors)) &&
         (!s->vals[ATT_SM_TAG] || any_in(s->vals[ATT_SM_TAG], x->tags, x->ntags));
}

int64_t att_silences_match(const att_silences *s, const att_alert_subject *x, att_time t) {
  for (size_t i = 0; i < s->n; i++)
    if (att_silence_active(&s->v[i], t) && matches(&s->v[i], x)) return s->v[i].id;
  return 0;
}

/* ---- the file ------------------------------------------------------------- */

static int bad_file(const char *path, const char *why) {
  return att__err(ATT_ECORRUPT, "the silences of the store \"%s\" are damaged: %s; restore the "
                  "file from a backup, or remove it (every silence then ends)",
                  path, why);
}

static char *dup_or_null(const cJSON *j) { return cJSON_IsString(j) ? strdup(j->valuestring) : NULL; }

static int time_of(const cJSON *j, att_time *t) {
  return cJSON_IsString(j) && att_time_parse(j->valuestring, t) == 0 ? 0 : -1;
}

/* One entry of the file into s: 0, or a reason it is wrong in why. */
static int entry(const cJSON *it, att_silence *s, char *why, size_t cap) {
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(it, "match");
  const cJSON *ex = cJSON_GetObjectItemCaseSensitive(it, "expired");
  int any = 0;
  memset(s, 0, sizeof *s);
  s->expired = ATT_TIME_MAX;
  if (!cJSON_IsNumber(id) || id->valuedouble < 1 || id->valuedouble > 1e15)
    return snprintf(why, cap, "an entry without an id"), -1;
  s->id = (int64_t)id->valuedouble;
  if (!cJSON_IsObject(m)) return snprintf(why, cap, "silence %lld: no \"match\"", (long long)s->id), -1;
  for (int f = 0; f < ATT_SM_N; f++) {
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(m, att_silence_fields[f]), *v;
    size_t n = 0;
    if (!l) continue;
    any = 1;
    if (!cJSON_IsArray(l) || cJSON_GetArraySize(l) == 0)
      return snprintf(why, cap, "silence %lld: %s is not a list of values", (long long)s->id,
                      att_silence_fields[f]),
             -1;
    cJSON_ArrayForEach(v, l) {
      if (!cJSON_IsString(v) || push_val(&s->vals[f], &n, v->valuestring, strlen(v->valuestring)) != 0 ||
          value_check("", f, v->valuestring) != 0)
        return snprintf(why, cap, "silence %lld: a bad value of %s", (long long)s->id, att_silence_fields[f]),
               -1;
    }
  }
  if (!any) return snprintf(why, cap, "silence %lld matches nothing", (long long)s->id), -1;
  if (time_of(cJSON_GetObjectItemCaseSensitive(it, "created"), &s->created) != 0 ||
      time_of(cJSON_GetObjectItemCaseSensitive(it, "starts"), &s->starts) != 0 ||
      time_of(cJSON_GetObjectItemCaseSensitive(it, "until"), &s->until) != 0 || s->until <= s->starts)
    return snprintf(why, cap, "silence %lld: no \"created\", \"starts\" and later \"until\" (RFC 3339)",
                    (long long)s->id),
           -1;
  if (ex && time_of(ex, &s->expired) != 0)
    return snprintf(why, cap, "silence %lld: \"expired\" is not a time", (long long)s->id), -1;
  s->author = dup_or_null(cJSON_GetObjectItemCaseSensitive(it, "author"));
  s->reason = dup_or_null(cJSON_GetObjectItemCaseSensitive(it, "reason"));
  s->expired_by = dup_or_null(cJSON_GetObjectItemCaseSensitive(it, "expired_by"));
  if (!s->author || !s->reason)
    return snprintf(why, cap, "silence %lld: no author or reason", (long long)s->id), -1;
  return 0;
}

static int from_json(const char *path, const char *text, size_t len, att_silences *out) {
  cJSON *doc = cJSON_ParseWithLength(text, len), *arr, *it;
  char why[300];
  int rc = 0;
  if (!doc) return bad_file(path, "not JSON");
  arr = cJSON_GetObjectItemCaseSensitive(doc, "silences");
  if (!cJSON_IsArray(arr)) rc = bad_file(path, "no \"silences\" list");
  if (rc) arr = NULL;
  cJSON_ArrayForEach(it, arr) {
    att_silence s, *nv;
    if (out->n == ATT_SILENCES_MAX) {
      rc = bad_file(path, "more than 100000 silences");
      break;
    }
    if (entry(it, &s, why, sizeof why) != 0) {
      att_silence_free(&s);
      rc = bad_file(path, why);
      break;
    }
    if (out->n && s.id <= out->v[out->n - 1].id) {
      att_silence_free(&s);
      rc = bad_file(path, "the ids do not rise");
      break;
    }
    if (!(nv = realloc(out->v, (out->n + 1) * sizeof *nv))) {
      att_silence_free(&s);
      rc = att__err(ATT_ENOMEM, "out of memory");
      break;
    }
    out->v = nv;
    out->v[out->n++] = s;
  }
  cJSON_Delete(doc);
  if (rc) att_silences_free(out);
  return rc;
}

static int parse(const char *path, const char *text, size_t len, void *out) {
  return from_json(path, text, len, out);
}

int att_silences_read(const char *dir, att_silences *out) {
  memset(out, 0, sizeof *out);
  return att__file_load(dir, FILE_NAME, bad_file, parse, out);
}

int att_silences_verify(const char *dir, void (*say)(void *, const char *), void *ud) {
  att_silences s;
  int rc = att_silences_read(dir, &s);
  if (rc == 0) att_silences_free(&s);
  return att__say_damage(rc, say, ud);
}

static int add_time(cJSON *o, const char *k, att_time t) {
  char b[40];
  return att_time_format(t, b, sizeof b) >= 0 && cJSON_AddStringToObject(o, k, b) != NULL;
}

static char *to_json(const att_silences *s) {
  cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "silences");
  char *text = NULL;
  int ok = doc && arr;
  for (size_t i = 0; ok && i < s->n; i++) {
    const att_silence *x = &s->v[i];
    cJSON *o = cJSON_CreateObject(), *m = NULL;
    ok = o && cJSON_AddItemToArray(arr, o);
    if (!ok) {
      cJSON_Delete(o);
      break;
    }
    ok = cJSON_AddNumberToObject(o, "id", (double)x->id) && (m = cJSON_AddObjectToObject(o, "match"));
    for (int f = 0; ok && f < ATT_SM_N; f++) {
      size_t n = 0;
      while (x->vals[f] && x->vals[f][n]) n++;
      if (n)
        ok = cJSON_AddItemToObject(m, att_silence_fields[f],
                                   cJSON_CreateStringArray((const char *const *)x->vals[f], (int)n));
    }
    ok = ok && add_time(o, "created", x->created) && add_time(o, "starts", x->starts) &&
         add_time(o, "until", x->until) &&
         cJSON_AddStringToObject(o, "author", x->author) && cJSON_AddStringToObject(o, "reason", x->reason);
    if (ok && x->expired != ATT_TIME_MAX)
      ok = add_time(o, "expired", x->expired) &&
           cJSON_AddStringToObject(o, "expired_by", x->expired_by ? x->expired_by : "");
  }
  if (ok) text = cJSON_Print(doc);
  cJSON_Delete(doc);
  return text;
}

int att_silences_write(const char *dir, const att_silences *s) {
  char *text = to_json(s);
  int rc = text ? att__file_replace(dir, FILE_NAME, TMP_NAME, text, NULL) : att__err(ATT_ENOMEM, "out of memory");
  free(text);
  return rc;
}

/* ---- changes, under the writer lock ------------------------------------- */

static int with_silences(att_store *st, int (*fn)(att_store *, att_silences *, void *), void *ud) {
  att_silences s;
  int rc;
  if ((rc = att_store_begin(st)) != 0) return rc;
  if ((rc = att_silences_read(att_store_dir(st), &s)) == 0) {
    if ((rc = fn(st, &s, ud)) == 0) rc = att_silences_write(att_store_dir(st), &s);
    att_silences_free(&s);
  }
  if (rc == 0) return att_store_commit(st);
  att_store_rollback(st);
  return rc;
}

struct add_args {
  const att_silence *m;
  att_time starts, until;
  const char *reason;
  int64_t *id;
};

static const char *author_of(const att_store *st) {
  return st->author && *st->author ? st->author : "(unknown)";
}

static int do_add(att_store *st, att_silences *s, void *ud) {
  struct add_args *a = ud;
  att_silence x, *nv;
  att_time now = att__store_now(st), starts = a->starts == ATT_TIME_MIN ? now : a->starts;
  char b[40], n[40];
  if (a->until <= starts) {
    att_time_format(a->until, b, sizeof b);
    att_time_format(starts, n, sizeof n);
    return att__err(ATT_EINVAL, "a silence until %s would end before it begins (at %s); give a "
                    "later end",
                    b, n);
  }
  if (s->n == ATT_SILENCES_MAX) return att__err(ATT_ERANGE, "a store keeps at most 100000 silences");
  memset(&x, 0, sizeof x);
  x.id = s->n ? s->v[s->n - 1].id + 1 : 1;
  x.created = now;
  x.starts = starts;
  x.until = a->until;
  x.expired = ATT_TIME_MAX;
  if (!(nv = realloc(s->v, (s->n + 1) * sizeof *nv))) return att__err(ATT_ENOMEM, "out of memory");
  s->v = nv;
  for (int f = 0; f < ATT_SM_N; f++) {
    size_t k = 0;
    for (char **p = a->m->vals[f]; p && *p; p++)
      if (push_val(&x.vals[f], &k, *p, strlen(*p)) != 0) {
        att_silence_free(&x);
        return att__err(ATT_ENOMEM, "out of memory");
      }
  }
  if (!(x.author = strdup(author_of(st))) || !(x.reason = strdup(a->reason))) {
    att_silence_free(&x);
    return att__err(ATT_ENOMEM, "out of memory");
  }
  s->v[s->n++] = x;
  *a->id = x.id;
  return 0;
}

int att_silence_add(att_store *st, const att_silence *m, att_time starts, att_time until, const char *reason,
                    int64_t *id) {
  struct add_args a = {m, starts, until, reason, id};
  int any = 0, rc;
  *id = 0;
  for (int f = 0; f < ATT_SM_N; f++) any |= m->vals[f] != NULL;
  if (!any)
    return att__err(ATT_EINVAL, "a silence needs at least one matcher (actor=KHM, kind=meeting, "
                    "level=warn, tag=..., script=...): one that matches everything would hide "
                    "every alert");
  if (!reason || !*reason)
    return att__err(ATT_EINVAL, "a silence needs a reason (--reason): it tells the desk why no "
                    "alert came");
  if ((rc = att_reason_check("the reason", reason)) != 0) return rc;
  return with_silences(st, do_add, &a);
}

static int do_expire(att_store *st, att_silences *s, void *ud) {
  int64_t id = *(int64_t *)ud;
  att_time now = att__store_now(st);
  char b[40];
  for (size_t i = 0; i < s->n; i++) {
    att_silence *x = &s->v[i];
    if (x->id != id) continue;
    if (x->expired != ATT_TIME_MAX) {
      att_time_format(x->expired, b, sizeof b);
      return att__err(ATT_EINVAL, "silence %lld was already ended, at %s by %s", (long long)id, b,
                      x->expired_by ? x->expired_by : "(unknown)");
    }
    free(x->expired_by);
    if (!(x->expired_by = strdup(author_of(st)))) return att__err(ATT_ENOMEM, "out of memory");
    x->expired = now;
    return 0;
  }
  return att__err(ATT_ENOTFOUND, "no silence %lld ('attache silence list --all' shows them)", (long long)id);
}

int att_silence_expire(att_store *st, int64_t id) { return with_silences(st, do_expire, &id); }
