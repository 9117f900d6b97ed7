/*
 * A store's settings (settings.h): the table of keys and their checks,
 * reading settings.json, and writing it atomically under the store's lock.
 *
 * The settings hold the file's JSON object as it is (so that keys of a
 * later version and values written by hand survive a change of another
 * key) and, beside it, the checked canonical value of each known key.
 */
#include "settings.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "author.h"
#include "error.h"
#include "fault.h"
#include "json.h"
#include "store_int.h"
#include "tz.h"

#define FILE_NAME "settings.json"
#define TMP_NAME "settings.json.tmp"
#define MAX_BYTES (1u << 20)
#define MAX_ITEMS 256
#define VAL_MAX 256
#define LOCK_WAIT_MS 30000

struct att_settings {
  cJSON *root;                   /* the file's object */
  char *val[ATT_SETTING_COUNT];  /* canonical value (a list joined), NULL: unset or bad */
  char **items[ATT_SETTING_COUNT];
  size_t nitems[ATT_SETTING_COUNT];
};

/* ---- the checks ------------------------------------------------------- */

typedef int (*checker)(const char *key, const char *in, char *canon, size_t cap);

static const char *const months[] = {"january", "february", "march",     "april",   "may",      "june",
                                     "july",    "august",   "september", "october", "november", "december"};

static int check_month(const char *key, const char *in, char *canon, size_t cap) {
  char *end;
  long m;
  size_t n = strlen(in);
  if (n >= 3)
    for (int i = 0; i < 12; i++)
      if (n <= strlen(months[i]) && strncasecmp(in, months[i], n) == 0) {
        snprintf(canon, cap, "%d", i + 1);
        return 0;
      }
  errno = 0;
  m = strtol(in, &end, 10);
  if (isdigit((unsigned char)in[0]) && !*end && !errno && m >= 1 && m <= 12) {
    snprintf(canon, cap, "%ld", m);
    return 0;
  }
  return att__err(ATT_EINVAL, "%s: \"%s\" is not a month; give 1 to 12 or a month's name (April, apr)",
                  key, in);
}

static int pick(const char *key, const char *in, char *canon, size_t cap, const char *const *ok,
                const char *accepted) {
  for (size_t i = 0; ok[i]; i++)
    if (strcasecmp(in, ok[i]) == 0) {
      snprintf(canon, cap, "%s", ok[i]);
      return 0;
    }
  return att__err(ATT_EINVAL, "%s: \"%s\" is not accepted; give %s", key, in, accepted);
}

static int check_fyname(const char *key, const char *in, char *canon, size_t cap) {
  static const char *const ok[] = {"start", "end", NULL};
  return pick(key, in, canon, cap, ok,
              "start (FY2024 starts in 2024, as in Japan) or end (FY2024 ends in 2024, as in the US)");
}

static int check_hemisphere(const char *key, const char *in, char *canon, size_t cap) {
  static const char *const ok[] = {"north", "south", NULL};
  return pick(key, in, canon, cap, ok, "north or south (or unset it with --unset)");
}

static int check_yesno(const char *key, const char *in, char *canon, size_t cap) {
  static const char *const ok[] = {"yes", "no", NULL};
  if (strcasecmp(in, "true") == 0 || strcmp(in, "1") == 0) in = "yes";
  if (strcasecmp(in, "false") == 0 || strcmp(in, "0") == 0) in = "no";
  return pick(key, in, canon, cap, ok, "yes or no (or unset it with --unset)");
}

static int check_zone(const char *key, const char *in, char *canon, size_t cap) {
  int rc = att_tz_check(in);
  if (rc != 0) return att__errctx(rc, "%s", key);
  snprintf(canon, cap, "%s", in);
  return 0;
}

/* A word of the vocabulary: what a kind or status may be. */
static int check_word(const char *key, const char *in, char *canon, size_t cap) {
  size_t n = strlen(in);
  int ok = n > 0 && n <= 64 && islower((unsigned char)in[0]);
  for (size_t i = 0; ok && i < n; i++) {
    unsigned char c = (unsigned char)in[i];
    ok = islower(c) || isdigit(c) || c == '-' || c == '_';
  }
  if (!ok)
    return att__err(ATT_EINVAL,
                    "%s: \"%.80s\" is not a word of the vocabulary; give lower-case letters, "
                    "digits, '-' and '_', starting with a letter, at most 64 (e.g. summit)",
                    key, in);
  snprintf(canon, cap, "%s", in);
  return 0;
}

/* An author's name (author.h): one line, at most 64 bytes. */
static int check_author(const char *key, const char *in, char *canon, size_t cap) {
  int rc = att_author_check(key, in);
  if (rc != 0) return rc;
  snprintf(canon, cap, "%s", in);
  return 0;
}

/* ---- the table -------------------------------------------------------- */

static const att_setting_info infos[] = {
#define INFO(id, name, list, check, def, help) {name, list, def, help},
    ATT_SETTINGS_MAP(INFO)
#undef INFO
};

static const checker checks[] = {
#define CHECK(id, name, list, check, def, help) check_##check,
    ATT_SETTINGS_MAP(CHECK)
#undef CHECK
};

const att_setting_info *att_settings_key(int i) {
  return i >= 0 && i < ATT_SETTING_COUNT ? &infos[i] : NULL;
}

int att_settings_find(const char *name) {
  for (int i = 0; name && i < ATT_SETTING_COUNT; i++)
    if (strcmp(infos[i].name, name) == 0) return i;
  return -1;
}

/* The index of key, or ATT_EINVAL naming the known keys. */
static int key_index(const char *key) {
  char names[1024] = "";
  int i = att_settings_find(key);
  if (i >= 0) return i;
  for (int k = 0; k < ATT_SETTING_COUNT; k++)
    snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", k ? ", " : "", infos[k].name);
  return att__err(ATT_EINVAL, "\"%.80s\" is not a setting; the settings are %s", key ? key : "", names);
}

/* ---- the checked view ------------------------------------------------- */

static void view_clear(att_settings *s, int i) {
  free(s->val[i]);
  s->val[i] = NULL;
  for (size_t k = 0; k < s->nitems[i]; k++) free(s->items[i][k]);
  free(s->items[i]);
  s->items[i] = NULL;
  s->nitems[i] = 0;
}

/* A JSON scalar as text (strings, and integers written by hand). */
static int scalar_text(const cJSON *j, char *buf, size_t cap) {
  if (cJSON_IsString(j)) {
    snprintf(buf, cap, "%s", j->valuestring);
    return strlen(j->valuestring) < cap;
  }
  if (cJSON_IsNumber(j) && j->valuedouble == (double)(long long)j->valuedouble) {
    snprintf(buf, cap, "%lld", (long long)j->valuedouble);
    return 1;
  }
  return 0;
}

/* Check key i's value in root and fill the view; ATT_EINVAL (the view of
 * i left empty) if it does not pass. */
static int view_fill(att_settings *s, int i) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(s->root, infos[i].name), *e;
  char in[VAL_MAX], canon[VAL_MAX];
  size_t len = 0, n;
  int rc;
  view_clear(s, i);
  if (!j) return 0;
  if (!infos[i].list) {
    if (!scalar_text(j, in, sizeof in))
      return att__err(ATT_EINVAL, "%s: the value is not a string of at most %d bytes", infos[i].name,
                      VAL_MAX - 1);
    if ((rc = checks[i](infos[i].name, in, canon, sizeof canon)) != 0) return rc;
    return (s->val[i] = strdup(canon)) ? 0 : att__err(ATT_ENOMEM, "out of memory");
  }
  if (!cJSON_IsArray(j)) return att__err(ATT_EINVAL, "%s: the value is not a list (a JSON array of strings)", infos[i].name);
  n = (size_t)cJSON_GetArraySize(j);
  if (n > MAX_ITEMS) return att__err(ATT_EINVAL, "%s: %zu items, more than the %d a list may hold", infos[i].name, n, MAX_ITEMS);
  if (n && !(s->items[i] = calloc(n, sizeof *s->items[i]))) return att__err(ATT_ENOMEM, "out of memory");
  cJSON_ArrayForEach(e, j) {
    if (!cJSON_IsString(e) || strlen(e->valuestring) >= sizeof in) {
      size_t at = s->nitems[i] + 1;
      view_clear(s, i);
      return att__err(ATT_EINVAL, "%s: item %zu is not a string of at most %d bytes", infos[i].name,
                      at, VAL_MAX - 1);
    }
    if ((rc = checks[i](infos[i].name, e->valuestring, canon, sizeof canon)) != 0 ||
        !(s->items[i][s->nitems[i]++] = strdup(canon))) {
      view_clear(s, i);
      return rc ? rc : att__err(ATT_ENOMEM, "out of memory");
    }
    len += strlen(canon) + 1;
  }
  if (!(s->val[i] = malloc(len + 1))) {
    view_clear(s, i);
    return att__err(ATT_ENOMEM, "out of memory");
  }
  s->val[i][0] = '\0';
  for (size_t k = 0; k < s->nitems[i]; k++) {
    if (k) strcat(s->val[i], ",");
    strcat(s->val[i], s->items[i][k]);
  }
  return 0;
}

/* ---- reading ---------------------------------------------------------- */

int att_settings_new(att_settings **out) {
  att_settings *s = calloc(1, sizeof *s);
  if (!s || !(s->root = cJSON_CreateObject())) {
    free(s);
    return att__err(ATT_ENOMEM, "out of memory");
  }
  *out = s;
  return 0;
}

void att_settings_free(att_settings *s) {
  if (!s) return;
  for (int i = 0; i < ATT_SETTING_COUNT; i++) view_clear(s, i);
  cJSON_Delete(s->root);
  free(s);
}

/* The file's text into *text (NULL when there is no file). */
static int read_file(const char *dir, char **text, size_t *len) {
  char p[4096];
  struct stat sb;
  int rc, fd;
  ssize_t r;
  *text = NULL;
  *len = 0;
  if ((rc = att__path(p, sizeof p, dir, FILE_NAME)) != 0) return rc;
  if ((fd = att__open(p, O_RDONLY, 0)) < 0) return errno == ENOENT ? 0 : att__open_err(p, "open");
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > MAX_BYTES) {
    close(fd);
    return att__err(ATT_EINVAL, "\"%s\" is not a regular file of at most %u bytes", p, MAX_BYTES);
  }
  if (!(*text = malloc((size_t)sb.st_size + 1))) {
    close(fd);
    return att__err(ATT_ENOMEM, "out of memory");
  }
  while (*len < (size_t)sb.st_size) {
    r = read(fd, *text + *len, (size_t)sb.st_size - *len);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    *len += (size_t)r;
  }
  close(fd);
  (*text)[*len] = '\0';
  return 0;
}

/* Load; strict: a bad value of a known key is an error. */
static int load(const char *dir, int strict, att_settings **out) {
  att_settings *s = NULL;
  char *text, p[4096];
  size_t len;
  int rc;
  *out = NULL;
  if ((rc = read_file(dir, &text, &len)) != 0) return rc;
  if ((rc = att_settings_new(&s)) != 0) {
    free(text);
    return rc;
  }
  if (text) {
    cJSON *root = NULL;
    att__path(p, sizeof p, dir, FILE_NAME);
    rc = att_json_parse("settings", NULL, text, len, &root);
    free(text);
    if (rc == 0 && !cJSON_IsObject(root)) {
      rc = att__err(ATT_EINVAL, "the file is not a JSON object");
    }
    if (rc != 0) {
      cJSON_Delete(root);
      att_settings_free(s);
      return att__errctx(rc, "\"%s\" (fix or remove the file; 'attache fsck' checks it)", p);
    }
    cJSON_Delete(s->root);
    s->root = root;
    for (int i = 0; i < ATT_SETTING_COUNT; i++)
      if ((rc = view_fill(s, i)) != 0 && strict) {
        att_settings_free(s);
        return att__errctx(rc, "\"%s\" (set it again with 'attache config %s VALUE' or remove it "
                               "with 'attache config --unset %s')",
                           p, infos[i].name, infos[i].name);
      }
  }
  *out = s;
  return 0;
}

int att_settings_load(const char *dir, att_settings **out) { return load(dir, 1, out); }

int att_settings_load_any(const char *dir, att_settings **out) { return load(dir, 0, out); }

int att_settings_valid(const att_settings *s, const char *key) {
  int i = key_index(key), rc;
  att_settings *t;
  const cJSON *j;
  if (i < 0) return i;
  if (!(j = cJSON_GetObjectItemCaseSensitive(s->root, key))) return 0;
  if ((rc = att_settings_new(&t)) != 0) return rc;
  cJSON_AddItemToObject(t->root, key, cJSON_Duplicate(j, 1));
  rc = view_fill(t, i);
  att_settings_free(t);
  return rc;
}

char *att_settings_raw(const att_settings *s, const char *key) {
  const cJSON *j = cJSON_GetObjectItemCaseSensitive(s->root, key);
  return j ? cJSON_PrintUnformatted(j) : NULL;
}

/* ---- values ----------------------------------------------------------- */

const char *att_settings_get(const att_settings *s, const char *key) {
  int i = att_settings_find(key);
  if (i < 0) return NULL;
  if (s && s->val[i]) return s->val[i];
  return infos[i].def[0] ? infos[i].def : NULL;
}

int att_settings_is_set(const att_settings *s, const char *key) {
  int i = att_settings_find(key);
  return i >= 0 && s && cJSON_GetObjectItemCaseSensitive(s->root, key) != NULL;
}

int att_settings_list(const att_settings *s, const char *key, const char *const **items, size_t *n) {
  int i = key_index(key);
  if (i < 0) return i;
  if (!infos[i].list) return att__err(ATT_EINVAL, "%s holds one value, not a list", key);
  *items = (const char *const *)s->items[i];
  *n = s->nitems[i];
  return 0;
}

/* Replace key i's JSON with j (NULL: remove it) and refill its view; on
 * failure s is as before. */
static int replace(att_settings *s, int i, cJSON *j) {
  cJSON *old = cJSON_DetachItemFromObjectCaseSensitive(s->root, infos[i].name);
  int rc;
  if (j) cJSON_AddItemToObject(s->root, infos[i].name, j);
  if ((rc = view_fill(s, i)) != 0) {
    cJSON_DeleteItemFromObjectCaseSensitive(s->root, infos[i].name);
    if (old) cJSON_AddItemToObject(s->root, infos[i].name, old);
    view_fill(s, i);
    return rc;
  }
  cJSON_Delete(old);
  return 0;
}

/* Trimmed copy of s[0..n) into buf. */
static void trim(const char *s, size_t n, char *buf, size_t cap) {
  while (n && isspace((unsigned char)*s)) s++, n--;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  snprintf(buf, cap, "%.*s", (int)(n < cap ? n : cap - 1), s);
}

int att_settings_set(att_settings *s, const char *key, const char *value) {
  int i = key_index(key), rc;
  char canon[VAL_MAX], item[VAL_MAX];
  cJSON *j;
  if (i < 0) return i;
  if (!value) return att__err(ATT_EINVAL, "%s: no value given", key);
  if (strlen(value) >= (infos[i].list ? MAX_BYTES / 4 : VAL_MAX))
    return att__err(ATT_EINVAL, "%s: the value is too long", key);
  if (!infos[i].list) {
    char in[VAL_MAX];
    trim(value, strlen(value), in, sizeof in);
    if ((rc = checks[i](key, in, canon, sizeof canon)) != 0) return rc;
    if (!(j = cJSON_CreateString(canon))) return att__err(ATT_ENOMEM, "out of memory");
    return replace(s, i, j);
  }
  if (!(j = cJSON_CreateArray())) return att__err(ATT_ENOMEM, "out of memory");
  for (const char *p = value; *p || p == value;) {
    const char *c = strchr(p, ',');
    size_t n = c ? (size_t)(c - p) : strlen(p);
    const cJSON *e;
    int dup = 0;
    trim(p, n, item, sizeof item);
    p += n + (c != NULL);
    if (!item[0]) {
      if (!c && !*p) break;
      continue;
    }
    if ((rc = checks[i](key, item, canon, sizeof canon)) != 0) {
      cJSON_Delete(j);
      return rc;
    }
    cJSON_ArrayForEach(e, j) dup |= strcmp(e->valuestring, canon) == 0;
    if (!dup) cJSON_AddItemToArray(j, cJSON_CreateString(canon));
    if (!c) break;
  }
  if (cJSON_GetArraySize(j) == 0) {
    cJSON_Delete(j);
    return replace(s, i, NULL);
  }
  return replace(s, i, j);
}

int att_settings_unset(att_settings *s, const char *key) {
  int i = key_index(key);
  if (i < 0) return i;
  return replace(s, i, NULL);
}

int att_settings_add(att_settings *s, const char *key, const char *item) {
  int i = key_index(key), rc;
  char canon[VAL_MAX], in[VAL_MAX];
  cJSON *j;
  if (i < 0) return i;
  if (!infos[i].list) return att__err(ATT_EINVAL, "%s holds one value, not a list; set it instead", key);
  trim(item, strlen(item), in, sizeof in);
  if ((rc = checks[i](key, in, canon, sizeof canon)) != 0) return rc;
  for (size_t k = 0; k < s->nitems[i]; k++)
    if (strcmp(s->items[i][k], canon) == 0) return 0;
  if (!(j = cJSON_CreateArray())) return att__err(ATT_ENOMEM, "out of memory");
  for (size_t k = 0; k < s->nitems[i]; k++) cJSON_AddItemToArray(j, cJSON_CreateString(s->items[i][k]));
  cJSON_AddItemToArray(j, cJSON_CreateString(canon));
  return replace(s, i, j);
}

int att_settings_remove(att_settings *s, const char *key, const char *item) {
  int i = key_index(key), found = 0;
  char in[VAL_MAX];
  cJSON *j;
  if (i < 0) return i;
  if (!infos[i].list) return att__err(ATT_EINVAL, "%s holds one value, not a list; unset it instead", key);
  trim(item, strlen(item), in, sizeof in);
  if (!(j = cJSON_CreateArray())) return att__err(ATT_ENOMEM, "out of memory");
  for (size_t k = 0; k < s->nitems[i]; k++) {
    if (strcmp(s->items[i][k], in) == 0) found = 1;
    else cJSON_AddItemToArray(j, cJSON_CreateString(s->items[i][k]));
  }
  if (!found) {
    cJSON_Delete(j);
    return att__err(ATT_ENOTFOUND, "%s: \"%.80s\" is not in the list (%s)", key, in,
                    s->val[i] ? s->val[i] : "it is empty");
  }
  if (cJSON_GetArraySize(j) == 0) {
    cJSON_Delete(j);
    j = NULL;
  }
  return replace(s, i, j);
}

int att_settings_fiscal_start(const att_settings *s) {
  return atoi(att_settings_get(s, infos[ATT_SETTING_FISCAL_START].name));
}

int att_settings_fiscal_by_end(const att_settings *s) {
  return strcmp(att_settings_get(s, infos[ATT_SETTING_FISCAL_NAME].name), "end") == 0;
}

char att_settings_hemisphere(const att_settings *s) {
  const char *v = att_settings_get(s, infos[ATT_SETTING_HEMISPHERE].name);
  return !v ? 0 : v[0] == 'n' ? 'N' : 'S';
}

int att_settings_day_first(const att_settings *s) {
  const char *v = att_settings_get(s, infos[ATT_SETTING_DAY_FIRST].name);
  return !v ? -1 : strcmp(v, "yes") == 0;
}

const char *att_settings_tz(const att_settings *s) {
  return att_settings_get(s, infos[ATT_SETTING_DISPLAY_TZ].name);
}

void att_settings_date_ctx(const att_settings *s, att_date_ctx *c) {
  c->fiscal_start = att_settings_fiscal_start(s);
  c->fiscal_by_end = att_settings_fiscal_by_end(s);
  c->hemisphere = att_settings_hemisphere(s);
  c->day_first = att_settings_day_first(s);
  c->tz = att_settings_tz(s);
}

/* ---- writing ---------------------------------------------------------- */

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The store's write lock, as its writers take it; the fd or an error. */
static int lock_store(const char *dir) {
  char p[4096];
  int fd, rc;
  int64_t deadline = mono_ms() + LOCK_WAIT_MS;
  long nap_us = 1000;
  if ((rc = att__path(p, sizeof p, dir, "lock")) != 0) return rc;
  if ((fd = att__open(p, O_RDWR, 0)) < 0) {
    if (errno == ENOENT) return att__err(ATT_ENOSTORE, "no store at \"%s\"", dir);
    return att__open_err(p, "open");
  }
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EINTR && errno != EWOULDBLOCK) {
      rc = att__err(ATT_EIO, "cannot lock store \"%s\": %s", dir, strerror(errno));
      close(fd);
      return rc;
    }
    if (mono_ms() >= deadline) {
      close(fd);
      return att__err(ATT_EBUSY,
                      "store \"%s\" is held by another writer and was not released within %d s; "
                      "the settings were not changed",
                      dir, LOCK_WAIT_MS / 1000);
    }
    {
      struct timespec ts = {0, nap_us * 1000};
      nanosleep(&ts, NULL);
      if (nap_us < 50000) nap_us *= 2;
    }
  }
  return fd;
}

static void unlock_store(int fd) {
  flock(fd, LOCK_UN);
  close(fd);
}

/* Write the file; the caller holds the lock. */
static int save_locked(const char *dir, const att_settings *s) {
  char *text;
  int rc;
  if (!(text = cJSON_Print(s->root))) return att__err(ATT_ENOMEM, "out of memory");
  rc = att__file_replace(dir, FILE_NAME, TMP_NAME, text, NULL);
  free(text);
  return rc == 0 ? 0 : att__errctx(rc, "the settings were not changed");
}

int att_settings_save(const char *dir, const att_settings *s) {
  int fd = lock_store(dir), rc;
  if (fd < 0) return fd;
  rc = save_locked(dir, s);
  unlock_store(fd);
  return rc;
}

int att_settings_edit(const char *dir, int (*fn)(att_settings *, void *), void *ud) {
  att_settings *s = NULL;
  int fd = lock_store(dir), rc;
  if (fd < 0) return fd;
  if ((rc = load(dir, 0, &s)) == 0 && (rc = fn(s, ud)) == 0) rc = save_locked(dir, s);
  att_settings_free(s);
  unlock_store(fd);
  return rc;
}

/* ---- fsck ------------------------------------------------------------- */

int att_settings_verify(const char *dir, void (*say)(void *, const char *), void *ud) {
  char *text, p[4096], msg[8192];
  size_t len;
  cJSON *root = NULL, *e;
  att_settings *s = NULL;
  int rc, bad = 0;
  {
    struct stat sb;
    att__path(p, sizeof p, dir, FILE_NAME);
    /* A link or another kind of file: the directory's report names it. */
    if (lstat(p, &sb) == 0 && !S_ISREG(sb.st_mode)) return ATT_ECORRUPT;
  }
  if ((rc = read_file(dir, &text, &len)) != 0) {
    snprintf(msg, sizeof msg, "settings: %s", att_errmsg());
    say(ud, msg);
    return ATT_ECORRUPT;
  }
  if (!text) return 0;
  rc = att_json_parse("settings", NULL, text, len, &root);
  free(text);
  if (rc != 0 || !cJSON_IsObject(root)) {
    snprintf(msg, sizeof msg, "settings: \"%s\" is not a JSON object (%s); the defaults apply "
             "until it is fixed or removed", p, rc ? att_errmsg() : "another JSON value");
    say(ud, msg);
    cJSON_Delete(root);
    return ATT_ECORRUPT;
  }
  cJSON_ArrayForEach(e, root) {
    if (att_settings_find(e->string) >= 0) continue;
    snprintf(msg, sizeof msg, "settings: \"%s\" holds \"%.80s\", which is not a setting (ignored)", p,
             e->string);
    say(ud, msg);
    bad = 1;
  }
  if (att_settings_new(&s) == 0) {
    cJSON_Delete(s->root);
    s->root = root;
    root = NULL;
    for (int i = 0; i < ATT_SETTING_COUNT; i++)
      if (view_fill(s, i) != 0) {
        snprintf(msg, sizeof msg, "settings: \"%s\": %s", p, att_errmsg());
        say(ud, msg);
        bad = 1;
      }
    att_settings_free(s);
  }
  cJSON_Delete(root);
  return bad ? ATT_ECORRUPT : 0;
}
