/*
 * The users of the HTTP API and their tokens (users.h): users.json, read
 * whole and replaced whole under the store's writer lock; tokens from
 * getrandom, kept as SHA-256 hashes, found in constant time.
 */
#include "users.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <cjson/cJSON.h>

#include "author.h"
#include "error.h"
#include "secret.h"
#include "store_int.h"
#include "vocab.h"

#define FILE_NAME "users.json"
#define TMP_NAME "users.json.tmp"

static const char *const roles[] = {NULL, "reader", "editor", "admin"};

const char *att_role_name(int role) {
  return role >= ATT_ROLE_READER && role <= ATT_ROLE_ADMIN ? roles[role] : "?";
}

int att_role_parse(const char *word, int *role) {
  for (int r = ATT_ROLE_READER; r <= ATT_ROLE_ADMIN; r++)
    if (word && strcmp(word, roles[r]) == 0) {
      *role = r;
      return 0;
    }
  return att__err(ATT_EINVAL, "role \"%s\" is not one: give reader (reads only), editor (reads "
                  "and writes events) or admin (also manages users)",
                  word ? word : "");
}

int att_user_name_check(const char *name) {
  size_t n = name ? strlen(name) : 0;
  if (att_author_check("a user name", name) != 0) return ATT_EINVAL;
  if (name[0] == ' ' || name[n - 1] == ' ')
    return att__err(ATT_EINVAL, "a user name \"%s\" begins or ends with a space; give the name "
                    "without them", name);
  return 0;
}

int att_user_name_new(const char *name) {
  if (att_user_name_check(name) != 0) return ATT_EINVAL;
  /* The history names a script's writes "rule:x.lua" and a user's through
   * a script "NAME via x.lua" (history.md): a user so named could not be
   * told from them.  (A users file that has one is still read.) */
  if (strncmp(name, "rule:", 5) == 0 || strstr(name, " via "))
    return att__err(ATT_EINVAL, "a user name \"%s\" looks like a script's in the history (\"rule:NAME\" "
                                "and \"USER via NAME\" are the daemon's); choose another",
                    name);
  return 0;
}

/* ---- hashes and tokens ---------------------------------------------------- */

static int sha256(const char *s, unsigned char out[32]) {
  att_sha256(s, strlen(s), out);
  return 0;
}

static void hex(const unsigned char *b, size_t n, char *out) {
  static const char d[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = d[b[i] >> 4];
    out[2 * i + 1] = d[b[i] & 15];
  }
  out[2 * n] = '\0';
}

static int unhex(const char *s, unsigned char *out, size_t n) {
  if (strlen(s) != 2 * n) return -1;
  for (size_t i = 0; i < 2 * n; i++) {
    int c = s[i], v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) return -1;
    if (i % 2 == 0) out[i / 2] = (unsigned char)(v << 4);
    else
      out[i / 2] |= (unsigned char)v;
  }
  return 0;
}

/* A new token of kind into token[ATT_TOKEN_MAX], and its hash. */
static int new_token(int kind, char *token, unsigned char hash[32]) {
  unsigned char r[32];
  size_t got = 0;
  const char *prefix = kind == ATT_TOKEN_FEED ? "attf_" : "att_";
  while (got < sizeof r) {
    ssize_t k = getrandom(r + got, sizeof r - got, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) return att__err(ATT_EIO, "cannot read random bytes from the system: %s", strerror(errno));
    got += (size_t)k;
  }
  strcpy(token, prefix);
  hex(r, sizeof r, token + strlen(prefix));
  att_wipe(r, sizeof r);
  return sha256(token, hash);
}

int att_users_auth(const att_users *u, const char *token, const att_user **who, int *kind) {
  unsigned char h[32];
  size_t len = token ? strnlen(token, ATT_TOKEN_MAX) : 0;
  int found = 0;
  *who = NULL;
  *kind = 0;
  /* The form is public (a prefix and 64 hex digits): checking it first
   * says nothing about any user's token. */
  if (len != 68 && len != 69) return 0;
  if (sha256(token, h) != 0) return 0;
  for (size_t i = 0; i < u->n; i++) {
    const att_user *x = &u->v[i];
    int api = att_secret_eq(h, x->token, 32);
    int feed = x->has_feed & att_secret_eq(h, x->feed, 32);
    int hit = (api | feed) & !x->locked;
    /* every user is compared, whatever matched */
    if (hit && !found) {
      found = 1;
      *who = x;
      *kind = api ? ATT_TOKEN_API : ATT_TOKEN_FEED;
    }
  }
  att_wipe(h, sizeof h);
  return found;
}

/* ---- the file ------------------------------------------------------------- */

static int bad_file(const char *path, const char *why) {
  return att__err(ATT_ECORRUPT, "the users of the store \"%s\" are damaged: %s; restore the file "
                  "from a backup, or remove it and add the users again ('attache user add')",
                  path, why);
}

static void user_free(att_user *x) {
  free(x->name);
  att_wipe(x, sizeof *x);
}

void att_users_free(att_users *u) {
  for (size_t i = 0; i < u->n; i++) user_free(&u->v[i]);
  free(u->v);
  memset(u, 0, sizeof *u);
}

const att_user *att_users_find(const att_users *u, const char *name) {
  for (size_t i = 0; i < u->n; i++)
    if (strcmp(u->v[i].name, name) == 0) return &u->v[i];
  return NULL;
}

static int push(att_users *u, const att_user *x) {
  att_user *v;
  if (u->n == ATT_USERS_MAX) return att__err(ATT_ERANGE, "a store holds at most 10000 users");
  if (!(v = realloc(u->v, (u->n + 1) * sizeof *v))) return att__err(ATT_ENOMEM, "out of memory");
  u->v = v;
  u->v[u->n] = *x;
  if (!(u->v[u->n].name = strdup(x->name))) return att__err(ATT_ENOMEM, "out of memory");
  u->n++;
  return 0;
}

static int from_json(const char *path, const char *text, size_t len, att_users *out) {
  cJSON *doc = cJSON_ParseWithLength(text, len), *arr, *it;
  int rc = 0;
  char why[300];
  if (doc == NULL) return bad_file(path, "not JSON");
  arr = cJSON_GetObjectItemCaseSensitive(doc, "users");
  if (!cJSON_IsArray(arr)) rc = bad_file(path, "no \"users\" list");
  if (rc) arr = NULL;
  cJSON_ArrayForEach(it, arr) {
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(it, "role");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "token_sha256");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(it, "feed_sha256");
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(it, "locked");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(it, "created");
    att_user x;
    memset(&x, 0, sizeof x);
    if (!cJSON_IsString(n) || att_user_name_check(n->valuestring) != 0) {
      rc = bad_file(path, "an entry without a valid name");
      break;
    }
    snprintf(why, sizeof why, "user %.80s: ", n->valuestring);
    if (!cJSON_IsString(r) || att_role_parse(r->valuestring, &x.role) != 0)
      strcat(why, "no role (reader, editor or admin)");
    else if (!cJSON_IsString(t) || unhex(t->valuestring, x.token, 32) != 0)
      strcat(why, "no token_sha256 of 64 hex digits");
    else if (f && (!cJSON_IsString(f) || unhex(f->valuestring, x.feed, 32) != 0))
      strcat(why, "a feed_sha256 that is not 64 hex digits");
    else if (l && !cJSON_IsBool(l))
      strcat(why, "a \"locked\" that is not true or false");
    else if (!cJSON_IsString(c) || att_time_parse(c->valuestring, &x.created) != 0)
      strcat(why, "no \"created\" time (RFC 3339)");
    else if (att_users_find(out, n->valuestring))
      strcat(why, "listed twice");
    else
      why[0] = '\0';
    if (why[0]) {
      rc = bad_file(path, why);
      break;
    }
    x.has_feed = f != NULL;
    x.locked = cJSON_IsTrue(l);
    x.name = n->valuestring;
    if ((rc = push(out, &x)) != 0) break;
  }
  cJSON_Delete(doc);
  if (rc) att_users_free(out);
  return rc;
}

static int parse(const char *path, const char *text, size_t len, void *out) {
  return from_json(path, text, len, out);
}

int att_users_read(const char *dir, att_users *out) {
  memset(out, 0, sizeof *out);
  return att__file_load(dir, FILE_NAME, bad_file, parse, out);
}

int att_users_verify(const char *dir, void (*say)(void *, const char *), void *ud) {
  att_users u;
  int rc = att_users_read(dir, &u);
  if (rc == 0) att_users_free(&u);
  return att__say_damage(rc, say, ud);
}

static char *to_json(const att_users *u) {
  cJSON *doc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(doc, "users");
  char *text = NULL;
  int ok = doc && arr;
  for (size_t i = 0; ok && i < u->n; i++) {
    const att_user *x = &u->v[i];
    cJSON *o = cJSON_CreateObject();
    char h[65], t[40];
    ok = o && cJSON_AddItemToArray(arr, o);
    if (!ok) {
      cJSON_Delete(o);
      break;
    }
    hex(x->token, 32, h);
    ok = att_time_format(x->created, t, sizeof t) >= 0 && cJSON_AddStringToObject(o, "name", x->name) &&
         cJSON_AddStringToObject(o, "role", att_role_name(x->role)) &&
         cJSON_AddStringToObject(o, "token_sha256", h) && cJSON_AddStringToObject(o, "created", t) &&
         cJSON_AddBoolToObject(o, "locked", x->locked);
    if (ok && x->has_feed) {
      hex(x->feed, 32, h);
      ok = cJSON_AddStringToObject(o, "feed_sha256", h) != NULL;
    }
  }
  if (ok) text = cJSON_Print(doc);
  cJSON_Delete(doc);
  return text;
}

static int write_users(const char *dir, const att_users *u, int *placed) {
  char *text = to_json(u);
  int rc = text ? att__file_replace(dir, FILE_NAME, TMP_NAME, text, placed)
                : att__err(ATT_ENOMEM, "out of memory");
  free(text);
  return rc;
}

int att_users_write(const char *dir, const att_users *u) { return write_users(dir, u, NULL); }

/* ---- changes, under the writer lock ------------------------------------- */

typedef struct change {
  const char *name;
  int role, kind, locked;
  char *token;
  att_time now;
} change;

/*
 * Read the users, change them with fn and write them, under the writer
 * lock.  If the file could not be replaced, nothing changed and the new
 * token (never stored) is wiped.  If it was, but the directory's sync
 * failed, the change is made, though it may not survive a power loss:
 * the error says so and the token is left for the caller to show, since
 * the file now holds its hash.
 */
static int with_users(att_store *st, int (*fn)(att_users *, change *), change *c) {
  att_users u;
  int rc, placed = 0;
  if ((rc = att_store_begin(st)) != 0) return rc;
  if ((rc = att_users_read(att_store_dir(st), &u)) == 0) {
    if ((rc = fn(&u, c)) == 0) rc = write_users(att_store_dir(st), &u, &placed);
    att_users_free(&u);
  }
  if (rc == 0) return att_store_commit(st);
  att_store_rollback(st);
  if (placed)
    return att__errctx(rc, "the users were changed, but may not be after a power loss; "
                           "'attache user list' shows them");
  if (c->token) att_wipe(c->token, ATT_TOKEN_MAX);
  return rc;
}

static att_user *find(att_users *u, const char *name) {
  char near[200];
  att_suggest s;
  for (size_t i = 0; i < u->n; i++)
    if (strcmp(u->v[i].name, name) == 0) return &u->v[i];
  att_suggest_init(&s, name);
  for (size_t i = 0; i < u->n; i++) att_suggest_offer(&s, u->v[i].name, NULL);
  att_suggest_text(&s, 0, near, sizeof near);
  att__err(ATT_ENOTFOUND, "no user \"%s\"%s%s ('attache user list' shows them)", name,
           near[0] ? "; " : "", near);
  return NULL;
}

static int do_add(att_users *u, change *c) {
  att_user x;
  int rc;
  if (att_users_find(u, c->name))
    return att__err(ATT_EEXISTS, "there is already a user \"%s\" (attache user token %s gives "
                    "them a new token)",
                    c->name, c->name);
  memset(&x, 0, sizeof x);
  x.name = (char *)c->name;
  x.role = c->role;
  x.created = c->now;
  if ((rc = new_token(ATT_TOKEN_API, c->token, x.token)) != 0) return rc;
  rc = push(u, &x);
  att_wipe(&x, sizeof x);
  return rc;
}

static int do_remove(att_users *u, change *c) {
  att_user *x = find(u, c->name);
  size_t i;
  if (!x) return ATT_ENOTFOUND;
  i = (size_t)(x - u->v);
  user_free(x);
  memmove(&u->v[i], &u->v[i + 1], (u->n - i - 1) * sizeof u->v[0]);
  u->n--;
  return 0;
}

static int do_token(att_users *u, change *c) {
  att_user *x = find(u, c->name);
  if (!x) return ATT_ENOTFOUND;
  if (c->kind == ATT_TOKEN_FEED) {
    x->has_feed = 1;
    return new_token(ATT_TOKEN_FEED, c->token, x->feed);
  }
  return new_token(ATT_TOKEN_API, c->token, x->token);
}

static int do_role(att_users *u, change *c) {
  att_user *x = find(u, c->name);
  if (!x) return ATT_ENOTFOUND;
  x->role = c->role;
  return 0;
}

static int do_lock(att_users *u, change *c) {
  att_user *x = find(u, c->name);
  if (!x) return ATT_ENOTFOUND;
  x->locked = c->locked;
  return 0;
}

int att_user_add(att_store *st, const char *name, int role, char *token) {
  change c = {name, role, ATT_TOKEN_API, 0, token, 0};
  int rc;
  token[0] = '\0';
  if ((rc = att_user_name_new(name)) != 0) return rc;
  if (role < ATT_ROLE_READER || role > ATT_ROLE_ADMIN) return att_role_parse(NULL, &c.role);
  c.now = att__store_now(st);
  return with_users(st, do_add, &c);
}

int att_user_remove(att_store *st, const char *name) {
  change c = {name, 0, 0, 0, NULL, 0};
  return with_users(st, do_remove, &c);
}

int att_user_token(att_store *st, const char *name, int kind, char *token) {
  change c = {name, 0, kind, 0, token, 0};
  token[0] = '\0';
  if (kind != ATT_TOKEN_API && kind != ATT_TOKEN_FEED)
    return att__err(ATT_EINVAL, "att_user_token: kind %d is neither the API's nor the feed's", kind);
  return with_users(st, do_token, &c);
}

int att_user_set_role(att_store *st, const char *name, int role) {
  change c = {name, role, 0, 0, NULL, 0};
  if (role < ATT_ROLE_READER || role > ATT_ROLE_ADMIN) return att_role_parse(NULL, &c.role);
  return with_users(st, do_role, &c);
}

int att_user_lock(att_store *st, const char *name, int locked) {
  change c = {name, 0, 0, locked != 0, NULL, 0};
  return with_users(st, do_lock, &c);
}
