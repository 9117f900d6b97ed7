/*
 * attache import: events from a JSON array, JSON Lines or CSV.
 *
 * Import is all or nothing.  Every record is read and validated (each
 * error names file:line or the array index, and the field) and handed to
 * the store's import as it is read; only when all are good does the import
 * commit, with a single sync.  A file is mapped, not copied, and JSON
 * Lines give back the pages they have read as they go.  CSV is read by
 * core/csv.c (the reader of at.csv too) with a header row of field names;
 * docs/cli.md gives the conventions for lists and sources.  JSON goes
 * through att_json_parse, so a string with NUL or an integer beyond 2^53-1
 * is refused as `add --json` refuses it.
 *
 * Links: the ids in a file are its own.  When the file has links, it is
 * read once first to learn each record's "id" and "key"; record k of the
 * file then gets the id base + k, base being the store's next id (ids are
 * given in sequence during an import, which push() checks), and every
 * link by a file id, or by a key of the file, is given the new id before
 * the event is added, forward links included.  docs/importers.md.
 */
#include "cli.h"
#include "csv.h"
#include "event_fields.h"
#include "termsafe.h"
#include "json.h"
#include "strset.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { O_FORMAT = 1, O_CSV_RAW };
static const cli_opt import_opts[] = {{"format", 'f', 1, O_FORMAT},
                                      {"csv-raw", 0, 0, O_CSV_RAW},
                                      CLI_REASON_OPT,
                                      {NULL, 0, 0, 0}};

#define MAX_SHOWN 10 /* errors printed before "and N more" */

/* The import as it reads: each record is checked and, while no record
 * has been bad, handed to the store at once (att_store_import_add), so a
 * large file is never held as events.  One bad record and nothing is
 * added any more; the import is abandoned at the end and the store is
 * left as it was, but reading goes on to report every bad record. */
typedef struct recs {
  size_t n;        /* records read */
  size_t added;    /* handed to the store */
  size_t errors;
  const char *file;
  att_store *st;
  att_strset keys; /* keys seen in the file, when there is no store */
  /* Finding where the records ranked locate[0] and locate[1] (from 1)
   * are, after a commit found a key given twice: push() only notes it. */
  int locating;
  size_t locate[2];
  char *located[2];
  int64_t first, last;
  /* The store failed (a full disk, a failed sync): not a record's fault;
   * reading stops and the import fails with this. */
  int store_rc;
  char store_msg[600];
  cli_progress *pb;
  /* A file read through a mapping: the pages already read are given
   * back as reading goes (JSON Lines), so a large file is never resident
   * whole.  NULL when the text was read into memory. */
  const char *map;
  size_t released;
  /* Without a store (st NULL: the fuzzing harness) the valid events are
   * kept here instead. */
  att_event *evs;
  size_t nevs, capevs;
  /* The file's ids and keys, when it has links (mapping). */
  int mapping;
  struct src_id *ids;
  size_t nids, capids;
  struct src_key *keys_of;
  size_t nkeys, capkeys;
  size_t nrec;  /* records seen by the first reading */
  int64_t base; /* the new id of record 0 */
  int json_array; /* positions are array indexes, not lines */
  size_t pos;     /* of the record being read */
  int csv_raw;    /* --csv-raw: CSV cells as written (no guard quote to drop) */
} recs;

/* The spreadsheet guard of `export --format csv` (core/termsafe.h): a
 * quote put in front of a cell that begins, after any quotes, with = + -
 * @ TAB CR or LF.  Dropping one leading quote from exactly those cells
 * gives back what was exported. */
static char *unguard(const recs *r, char *val) {
  if (!r->csv_raw && val[0] == '\'' && att_csv_guarded(val + 1, strlen(val + 1))) return val + 1;
  return val;
}

/* A record's id in the file, its rank among the file's records, and where
 * it is (line, or array index). */
struct src_id {
  int64_t id;
  size_t ord, pos;
};
struct src_key {
  char *key;
  size_t ord;
};

/* Count an error and print it unless too many were shown already. */
static void bad(recs *r, const char *where, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Take one parsed record (consumes obj): check it, and add it while the
 * file has had no bad record. */
static int map_links(recs *r, att_event *ev, const char *where);
static int note(recs *r, size_t ord, size_t pos, int64_t id, const char *key);
static int64_t id_of(double v);

/* One record: obj (freed here, whatever happens) checked and handed to
 * the store.  0, or -1 to stop reading (out of memory, or the store
 * failed: r->store_rc). */
static int push(recs *r, cJSON *obj, const char *where) {
  att_event ev, other;
  int v;
  if (r->locating) {
    for (int k = 0; k < 2; k++)
      if (r->n + 1 == r->locate[k] && !r->located[k]) r->located[k] = strdup(where); /* NULL: unnamed */
    r->n++;
    cJSON_Delete(obj);
    return 0;
  }
  att_event_init(&ev);
  if (!r->mapping) {
    /* Ids given twice are reported at the end (map_ready), links or not. */
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(obj, "id");
    if (cJSON_IsNumber(id) && note(r, r->n, r->pos, id_of(id->valuedouble), NULL) < 0) {
      cJSON_Delete(obj);
      return -1;
    }
  }
  v = att_event_from_cjson(obj, 0, &ev);
  cJSON_Delete(obj);
  r->n++;
  if (v < 0) {
    const char *m = att_errmsg();
    bad(r, where, "%s", (m && *m) ? m : att_strerror(v));
  } else if (r->mapping && map_links(r, &ev, where) < 0) {
    /* reported */
  } else if (!r->mapping && ev.nlinks) {
    /* The file was not read for its ids: "links" was spelt with escapes. */
    bad(r, where, "links found where the file has no member spelt \"links\"; write the "
                  "name without escapes");
  } else if (!r->st && ev.key && (v = att_strset_add(&r->keys, ev.key)) <= 0) {
    if (v < 0) {
      att_event_free(&ev);
      return -1;
    }
    bad(r, where, "key \"%s\" is used by an earlier record of %s (keys are unique)", ev.key, r->file);
  } else if (!r->st) {
    if (r->nevs == r->capevs) {
      size_t cap = r->capevs ? r->capevs * 2 : 64;
      att_event *v2 = realloc(r->evs, cap * sizeof *v2);
      if (!v2) {
        att_event_free(&ev);
        return -1;
      }
      r->evs = v2;
      r->capevs = cap;
    }
    r->evs[r->nevs++] = ev;
    return 0;
  } else if (ev.key && att_store_get_key(r->st, ev.key, &other) == 0) {
    /* A small import is a batch, and the store sees its events; a large
     * one's are checked against each other when it commits. */
    if (r->added && other.id >= r->first)
      bad(r, where, "key \"%s\" is used by an earlier record of %s (keys are unique)", ev.key, r->file);
    else
      bad(r, where, "key \"%s\" is already used by event %lld in the store (keys are unique)", ev.key,
          (long long)other.id);
    att_event_free(&other);
  } else if (r->errors == 0) {
    int64_t want = r->base + (int64_t)r->added;
    if ((v = att_store_import_add(r->st, &ev)) < 0 && v != ATT_EINVAL && v != ATT_ERANGE &&
        v != ATT_EEXISTS && v != ATT_ENOTFOUND && v != ATT_ELINKED) {
      r->store_rc = v;
      snprintf(r->store_msg, sizeof r->store_msg, "%s", att_errmsg());
      att_event_free(&ev);
      return -1;
    } else if (v < 0) {
      const char *m = att_errmsg();
      bad(r, where, "%s", (m && *m) ? m : att_strerror(v));
    } else if (r->mapping && ev.id != want) {
      /* The links given so far assumed ids in sequence. */
      bad(r, where, "the store gave this event the id %lld where the import expected %lld "
                    "(ids are given in sequence during an import); the links of %s cannot "
                    "be mapped",
          (long long)ev.id, (long long)want, r->file);
    } else {
      if (r->added++ == 0) r->first = ev.id;
      r->last = ev.id;
    }
  }
  att_event_free(&ev);
  if (r->pb && (r->n & 63) == 0) cli_progress_step(r->pb, r->n);
  return 0;
}

static void bad(recs *r, const char *where, const char *fmt, ...) {
  va_list ap;
  if (r->errors++ < MAX_SHOWN) {
    /* Escaped: the text comes from the file. */
    fputs("attache: ", stderr);
    cli_text(stderr, where, 0);
    va_start(ap, fmt);
    cli_vsay(": ", fmt, ap);
    va_end(ap);
  }
}

/* 1 if text[0..len) holds the bytes of s. */
static int holds(const char *text, size_t len, const char *s) {
  size_t n = strlen(s);
  const char *p = text, *end = text + len;
  while ((size_t)(end - p) >= n && (p = memchr(p, s[0], (size_t)(end - p) - n + 1)) != NULL) {
    if (memcmp(p, s, n) == 0) return 1;
    p++;
  }
  return 0;
}

/* ---- the file's ids ----------------------------------------------------- */

static int cmp_src_id(const void *a, const void *b) {
  const struct src_id *x = a, *y = b;
  if (x->id != y->id) return x->id < y->id ? -1 : 1;
  return x->ord < y->ord ? -1 : x->ord > y->ord;
}

static int cmp_src_key(const void *a, const void *b) {
  return strcmp(((const struct src_key *)a)->key, ((const struct src_key *)b)->key);
}

static void pos_str(const recs *r, size_t pos, char *buf, size_t cap) {
  if (r->json_array) snprintf(buf, cap, "%s: [%zu]", r->file, pos);
  else snprintf(buf, cap, "%s:%zu", r->file, pos);
}

/* Note record ord (at pos) with its id (0: none) and key (NULL: none). */
static int note(recs *r, size_t ord, size_t pos, int64_t id, const char *key) {
  if (id > 0) {
    if (r->nids == r->capids) {
      size_t cap = r->capids ? r->capids * 2 : 64;
      struct src_id *v = realloc(r->ids, cap * sizeof *v);
      if (!v) return -1;
      r->ids = v;
      r->capids = cap;
    }
    r->ids[r->nids].id = id;
    r->ids[r->nids].ord = ord;
    r->ids[r->nids++].pos = pos;
  }
  if (key) {
    if (r->nkeys == r->capkeys) {
      size_t cap = r->capkeys ? r->capkeys * 2 : 64;
      struct src_key *v = realloc(r->keys_of, cap * sizeof *v);
      if (!v) return -1;
      r->keys_of = v;
      r->capkeys = cap;
    }
    if (!(r->keys_of[r->nkeys].key = strdup(key))) return -1;
    r->keys_of[r->nkeys++].ord = ord;
  }
  return 0;
}

/* An id member of a record, as the first reading sees it: a whole number
 * of the id range, else 0 (the full reading reports a bad one). */
static int64_t id_of(double v) {
  return v >= 1 && v <= (double)ATT_EV_ID_MAX && v == (double)(int64_t)v ? (int64_t)v : 0;
}

static void note_obj(recs *r, const cJSON *obj, size_t ord, size_t pos, int *oom) {
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(obj, "id");
  const cJSON *key = cJSON_GetObjectItemCaseSensitive(obj, "key");
  if (note(r, ord, pos, cJSON_IsNumber(id) ? id_of(id->valuedouble) : 0,
           cJSON_IsString(key) ? key->valuestring : NULL) < 0)
    *oom = 1;
}

/* After the first reading: sort, and report ids given twice. */
static int map_ready(recs *r) {
  size_t i;
  char w1[512], w2[512];
  if (r->nids > 1) qsort(r->ids, r->nids, sizeof *r->ids, cmp_src_id);
  if (r->nkeys > 1) qsort(r->keys_of, r->nkeys, sizeof *r->keys_of, cmp_src_key);
  for (i = 1; i < r->nids; i++)
    if (r->ids[i].id == r->ids[i - 1].id) {
      pos_str(r, r->ids[i].pos, w1, sizeof w1);
      pos_str(r, r->ids[i - 1].pos, w2, sizeof w2);
      bad(r, w1, "the id %lld is also the id of the event at %s; the ids of a file must be "
                 "unique, since its links name its events by them",
          (long long)r->ids[i].id, w2);
    }
  r->base = r->st ? att_store_next_id(r->st) : 1;
  return 0;
}

/* Give the links of ev their new ids: a file id through the map (an
 * error when the file has no such event), a key of the file likewise;
 * other keys are left to the store, which looks them up among its own. */
static int map_links(recs *r, att_event *ev, const char *where) {
  size_t i;
  for (i = 0; i < ev->nlinks; i++) {
    att_link *l = &ev->links[i];
    int64_t file_id = l->id;
    if (l->key) {
      struct src_key k = {l->key, 0}, *f;
      f = r->nkeys ? bsearch(&k, r->keys_of, r->nkeys, sizeof *f, cmp_src_key) : NULL;
      if (f) {
        free(l->key);
        l->key = NULL;
        l->id = r->base + (int64_t)f->ord;
      }
    } else {
      /* The first entry with this id (a later one is reported as a
       * duplicate). */
      size_t lo = 0, hi = r->nids;
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->ids[mid].id < l->id) lo = mid + 1;
        else hi = mid;
      }
      if (lo == r->nids || r->ids[lo].id != l->id) {
        bad(r, where, "links[%zu]: no event of %s has the id %lld; the ids of an imported "
                      "file's links name events of the same file by their \"id\" (a link "
                      "to an event already in the store names it by \"key\")",
            i, r->file, (long long)l->id);
        return -1;
      }
      l->id = r->base + (int64_t)r->ids[lo].ord;
      /* A link to this very record: named by the file's id (the store
       * would say "event 3 ... would not read back", with the id the
       * record was to get).  (r->n counts this record.) */
      if (r->ids[lo].ord + 1 == r->n) {
        bad(r, where, "links[%zu]: %lld is this event's own id; a link names another event", i,
            (long long)file_id);
        return -1;
      }
    }
  }
  return 0;
}

static void map_free(recs *r) {
  size_t i;
  for (i = 0; i < r->nkeys; i++) free(r->keys_of[i].key);
  free(r->keys_of);
  free(r->ids);
  r->keys_of = NULL;
  r->ids = NULL;
  r->nkeys = r->nids = 0;
}

/* ---- JSON ----------------------------------------------------------------- */

/* The message of the last core error. */
static const char *core_msg(int rc) {
  const char *m = att_errmsg();
  return (m && *m) ? m : att_strerror(rc);
}

static int read_json_array(recs *r, const char *text, size_t len) {
  cJSON *arr = NULL, *it;
  char where[512];
  size_t i = 0;
  int rc = att_json_parse("event", "", text, len, &arr), oom = 0;
  r->json_array = 1;
  if (rc < 0) {
    bad(r, r->file, "%s (expected a JSON array of event objects)", core_msg(rc));
    return 0;
  }
  if (!cJSON_IsArray(arr)) {
    snprintf(where, sizeof where, "%s", r->file);
    bad(r, where, "the JSON is not an array (expected [ {event}, ... ] or "
                  "one object a line)");
    cJSON_Delete(arr);
    return 0;
  }
  if (r->mapping) {
    for (it = arr->child; it; it = it->next, i++)
      if (cJSON_IsObject(it)) note_obj(r, it, i, i, &oom);
    if (oom) {
      cJSON_Delete(arr);
      return -1;
    }
    map_ready(r);
    i = 0;
  }
  while ((it = arr->child) != NULL) {
    cJSON_DetachItemViaPointer(arr, it);
    r->pos = i;
    snprintf(where, sizeof where, "%s: [%zu]", r->file, i++);
    if (!cJSON_IsObject(it)) {
      bad(r, where, "not a JSON object (each array item is one event)");
      cJSON_Delete(it);
      continue;
    }
    if (push(r, it, where) != 0) { /* (push has freed it) */
      cJSON_Delete(arr);
      return -1;
    }
  }
  cJSON_Delete(arr);
  return 0;
}

#define RELEASE_STEP ((size_t)4 << 20)

/* Give back the mapped pages before `upto` (they are read again from the
 * file if touched). */
static void release(recs *r, const char *upto) {
  long pg = sysconf(_SC_PAGESIZE);
  size_t n;
  if (r->map == NULL || pg <= 0) return;
  n = (size_t)(upto - r->map) / (size_t)pg * (size_t)pg;
  if (n < r->released + RELEASE_STEP) return;
  madvise((void *)(r->map + r->released), n - r->released, MADV_DONTNEED);
  r->released = n;
}

/* The whole of a regular file, mapped read-only; NULL (errno set) for
 * anything else or an empty file, which are then read into memory. */
static char *map_file(const char *path, size_t *len) {
  struct stat sb;
  void *m;
  int fd;
  if (strcmp(path, "-") == 0 || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) return NULL;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0) {
    close(fd);
    return NULL;
  }
  m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (m == MAP_FAILED) return NULL;
  *len = (size_t)sb.st_size;
  return m;
}

/* The first reading of JSON Lines: each record's id and key. */
static int map_json_lines(recs *r, const char *text, size_t len) {
  const char *p = text, *end = text + len;
  size_t line = 0, ord = 0;
  int oom = 0;
  while (p < end && !oom) {
    const char *nl = memchr(p, '\n', (size_t)(end - p)), *q;
    const char *le = nl ? nl : end;
    line++;
    for (q = p; q < le && (*q == ' ' || *q == '\t' || *q == '\r'); q++) {}
    if (q < le) {
      cJSON *obj = cJSON_ParseWithLength(p, (size_t)(le - p));
      if (cJSON_IsObject(obj)) note_obj(r, obj, ord, line, &oom);
      cJSON_Delete(obj);
      ord++;
    }
    p = nl ? nl + 1 : end;
    release(r, p);
  }
  r->released = 0;
  if (oom) return -1;
  return map_ready(r);
}

static int read_json_lines(recs *r, const char *text, size_t len) {
  const char *p = text, *end = text + len;
  char where[512];
  size_t line = 0;
  if (r->mapping && map_json_lines(r, text, len) < 0) return -1;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p)), *q;
    const char *le = nl ? nl : end;
    cJSON *obj = NULL;
    int rc;
    line++;
    for (q = p; q < le && (*q == ' ' || *q == '\t' || *q == '\r'); q++) {}
    if (q == le) { /* blank line */
      p = nl ? nl + 1 : end;
      continue;
    }
    snprintf(where, sizeof where, "%s:%zu", r->file, line);
    r->pos = line;
    rc = att_json_parse("event", "", p, (size_t)(le - p), &obj);
    if (rc < 0)
      bad(r, where, "%s (JSON Lines: one event object a line)", core_msg(rc));
    else if (!cJSON_IsObject(obj)) {
      bad(r, where, "not a JSON object (JSON Lines: one event object a "
                    "line)");
      cJSON_Delete(obj);
    } else if (push(r, obj, where) != 0) { /* (push has freed it) */
      return -1;
    }
    p = nl ? nl + 1 : end;
    release(r, p);
  }
  return 0;
}

/* ---- CSV ------------------------------------------------------------------ */

static int known_column(const char *c) {
  int i;
  for (i = 0; cli_csv_columns[i]; i++)
    if (strcmp(cli_csv_columns[i], c) == 0) return 1;
  return strncmp(c, "fields.", 7) == 0 && c[7] != '\0';
}

/* The columns for a message: export's, with fields.NAME after fields. */
static const char *column_list(char *buf, size_t cap) {
  size_t i, n = 0;
  buf[0] = '\0';
  for (i = 0; cli_csv_columns[i] && n < cap; i++) {
    n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? ", " : "", cli_csv_columns[i]);
    if (n < cap && cli_csv_field(cli_csv_columns[i]) == ATT_F_FIELDS)
      n += (size_t)snprintf(buf + n, cap - n, ", fields.NAME");
  }
  return buf;
}

static cJSON *sub(cJSON *obj, const char *key) {
  cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, key);
  return s ? s : cJSON_AddObjectToObject(obj, key);
}

static char *trimmed(char *s) {
  char *e;
  while (*s == ' ' || *s == '\t') s++;
  e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t')) *--e = '\0';
  return s;
}

/* A fields.NAME cell: JSON if it parses, else the text (as --field reads
 * it); JSON that would be altered is an error.  0 or -1 after reporting. */
static int field_cell(recs *r, const char *where, cJSON *obj, const char *col, const char *val) {
  cJSON *v = NULL;
  cJSON *fl = cJSON_GetObjectItemCaseSensitive(obj, "fields");
  int rc;
  if (fl && cJSON_GetObjectItemCaseSensitive(fl, col + 7)) {
    bad(r, where, "column %s: also set by the fields column", col);
    return -1;
  }
  if ((rc = att_json_loose("event", col, val, strlen(val), &v)) < 0) {
    bad(r, where, "column %s: %s", col, core_msg(rc));
    return -1;
  }
  cJSON_AddItemToObject(sub(obj, "fields"), col + 7, v);
  return 0;
}

/* One CSV cell into the event object; 0 or -1 after reporting. */
static int csv_cell_to_json(recs *r, const char *where, cJSON *obj,
                            const char *col, char *val) {
  char **parts;
  size_t n, i;
  char what[600];
  int f;
  if (*val == '\0') return 0;
  if (strncmp(col, "fields.", 7) == 0) return field_cell(r, where, obj, col, val);
  f = cli_csv_field(col);
  switch (f < 0 ? ATT_FT_STR : att_fields[f].type) {
  case ATT_FT_ID:
  case ATT_FT_TIME: return 0; /* set by the store */
  case ATT_FT_STRV: {
    cJSON *a = cJSON_AddArrayToObject(obj, col);
    if (cli_split(val, ';', 0, &parts, &n) != 0) return -1;
    for (i = 0; i < n; i++)
      if (*trimmed(parts[i]))
        cJSON_AddItemToArray(a, cJSON_CreateString(trimmed(parts[i])));
    cli_free_strs(parts, n);
    return 0;
  }
  case ATT_FT_PEOPLE: {
    cJSON *a = cJSON_AddArrayToObject(obj, col);
    if (cli_split(val, ';', 1, &parts, &n) != 0) return -1;
    snprintf(what, sizeof what, "%s: column people:", where);
    for (i = 0; i < n; i++) {
      cJSON *per;
      if (*trimmed(parts[i]) == '\0') continue;
      per = cli_person(what, parts[i]);
      if (per == NULL) {
        r->errors++;
        cli_free_strs(parts, n);
        return -1;
      }
      cJSON_AddItemToArray(a, per);
    }
    cli_free_strs(parts, n);
    return 0;
  }
  case ATT_FT_LINKS: {
    cJSON *a = cJSON_AddArrayToObject(obj, col);
    if (cli_split(val, ';', 0, &parts, &n) != 0) return -1;
    for (i = 0; i < n; i++) {
      char *s = trimmed(parts[i]), *eq = strchr(s, '='), *v = eq ? trimmed(eq + 1) : NULL;
      int digits = v && *v && strspn(v, "0123456789") == strlen(v);
      long long id = digits ? cli_count(v) : 0;
      cJSON *l;
      if (*s == '\0') continue;
      if (eq == NULL || eq == s || *v == '\0' || (digits && id <= 0)) {
        bad(r, where, "column links: \"%s\" is not REL=ID or REL=KEY (REL one of "
                      "follows, part-of, supersedes, related; links separated by ';')",
            s);
        cli_free_strs(parts, n);
        return -1;
      }
      *eq = '\0';
      l = cJSON_CreateObject();
      cJSON_AddStringToObject(l, "rel", trimmed(s));
      if (digits) cJSON_AddNumberToObject(l, "id", (double)id);
      else cJSON_AddStringToObject(l, "key", v);
      cJSON_AddItemToArray(a, l);
    }
    cli_free_strs(parts, n);
    return 0;
  }
  case ATT_FT_FIELDS: {
    cJSON *fo = NULL;
    int rc = att_json_parse("event", "fields", val, strlen(val), &fo);
    if (rc < 0 || !cJSON_IsObject(fo)) {
      cJSON_Delete(fo);
      bad(r, where, "column fields: %s%s%s", rc < 0 ? core_msg(rc) : "",
          rc < 0 ? "; expected " : "", "a JSON object");
      return -1;
    }
    cJSON_AddItemToObject(obj, "fields", fo);
    return 0;
  }
  case ATT_FT_SOURCE: /* source.title, ... */
    cJSON_AddStringToObject(sub(obj, "source"), col + 7, val);
    return 0;
  case ATT_FT_STR:
  case ATT_FT_EDTF: break;
  }
  cJSON_AddStringToObject(obj, col, val);
  return 0;
}

/* A CSV error of the reader: "FILE:LINE:COL: message". */
static void csv_bad(recs *r, int rc) {
  char where[600];
  const char *m = core_msg(rc), *colon = strchr(m, ':');
  /* The reader's message starts "LINE:COL: "; the file goes before. */
  if (colon && colon[1] && strchr(colon + 1, ':')) {
    const char *c2 = strchr(colon + 1, ':');
    snprintf(where, sizeof where, "%s:%.*s", r->file, (int)(c2 - m), m);
    bad(r, where, "%s", c2[1] == ' ' ? c2 + 2 : c2 + 1);
  } else {
    bad(r, r->file, "%s", m);
  }
}

/* The first reading of CSV: each record's id and key columns. */
static int map_csv(recs *r, const char *text, size_t len, int idcol, int keycol) {
  att_csv c;
  size_t ord = 0;
  int rc, oom = 0;
  att_csv_init_mem(&c, text, len);
  att_csv_next(&c); /* the header */
  while (!oom && (rc = att_csv_next(&c)) == 1) {
    size_t n;
    int64_t id = 0;
    char *key = NULL;
    if (c.nf == 1 && *att_csv_field(&c, 0, &n) == '\0') continue;
    if (idcol >= 0 && (size_t)idcol < c.nf) {
      char *s = trimmed((char *)att_csv_field(&c, (size_t)idcol, &n));
      long long v = *s ? cli_count(s) : 0;
      id = v > 0 && v <= ATT_EV_ID_MAX ? (int64_t)v : 0;
    }
    if (keycol >= 0 && (size_t)keycol < c.nf) {
      key = unguard(r, trimmed((char *)att_csv_field(&c, (size_t)keycol, &n)));
      if (*key == '\0') key = NULL;
    }
    if (note(r, ord++, c.start, id, key) < 0) oom = 1;
  }
  att_csv_free(&c);
  if (oom) return -1;
  return map_ready(r);
}

static int read_csv(recs *r, const char *text, size_t len) {
  att_csv c;
  char **head = NULL;
  char where[512], cols[400];
  size_t nh = 0, i, j;
  int rc, idcol = -1, keycol = -1, links = 0, out = 0;

  att_csv_init_mem(&c, text, len);
  rc = att_csv_next(&c);
  if (rc <= 0) {
    if (rc == 0) {
      snprintf(where, sizeof where, "%s:1", r->file);
      bad(r, where, "empty file: a CSV import needs a header row of field names");
    } else {
      csv_bad(r, rc);
    }
    att_csv_free(&c);
    return rc == ATT_ENOMEM ? -1 : 0;
  }
  nh = c.nf;
  if (!(head = calloc(nh, sizeof *head))) {
    att_csv_free(&c);
    return -1;
  }
  snprintf(where, sizeof where, "%s:%zu", r->file, c.start);
  for (i = 0; i < nh; i++) {
    char *t = trimmed((char *)att_csv_field(&c, i, NULL));
    if (!(head[i] = strdup(t))) {
      out = -1;
      goto done;
    }
    if (!known_column(head[i])) {
      bad(r, where, "unknown column \"%s\" (columns: %s)", head[i],
          column_list(cols, sizeof cols));
    }
    for (j = 0; j < i; j++)
      if (strcmp(head[i], head[j]) == 0)
        bad(r, where, "column \"%s\" appears twice", head[i]);
    if (strcmp(head[i], "id") == 0) idcol = (int)i;
    if (strcmp(head[i], "key") == 0) keycol = (int)i;
    if (strcmp(head[i], "links") == 0) links = 1;
  }
  if (r->errors) goto done;
  r->mapping = links && !r->locating;
  if (r->mapping && map_csv(r, text, len, idcol, keycol) < 0) {
    out = -1;
    goto done;
  }
  for (;;) {
    cJSON *obj;
    int ok = 1;
    size_t n;
    rc = att_csv_next(&c);
    if (rc == 0) break;
    if (rc < 0) {
      csv_bad(r, rc);
      if (rc == ATT_ENOMEM) out = -1;
      break;
    }
    snprintf(where, sizeof where, "%s:%zu", r->file, c.start);
    r->pos = c.start;
    if (c.nf == 1 && *att_csv_field(&c, 0, &n) == '\0') continue; /* "" alone */
    if (c.nf != nh) {
      bad(r, where, "%zu cells, but the header has %zu columns", c.nf, nh);
      continue;
    }
    obj = cJSON_CreateObject();
    for (i = 0; i < nh && ok; i++)
      if (csv_cell_to_json(r, where, obj, head[i], unguard(r, (char *)att_csv_field(&c, i, NULL))) != 0)
        ok = 0;
    if (!ok) {
      cJSON_Delete(obj);
      continue;
    }
    if (push(r, obj, where) != 0) { /* (push has freed it) */
      out = -1;
      break;
    }
  }
done:
  for (i = 0; i < nh; i++) free(head[i]);
  free(head);
  att_csv_free(&c);
  return out;
}

/* ---- the command ------------------------------------------------------------ */

static const char *ext(const char *path) {
  const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
  return (dot && (!slash || dot > slash)) ? dot + 1 : "";
}

static const char *detect(const char *path, const char *text, size_t len) {
  const char *e = ext(path), *p = text, *end = text + len;
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
  if (strcmp(e, "csv") == 0) return "csv";
  if (strcmp(e, "jsonl") == 0 || strcmp(e, "ndjson") == 0) return "jsonl";
  if (p < end && *p == '[') return "json";
  if (p < end && *p == '{') return "jsonl";
  return "csv";
}

/* The commit found a key given to two records of a large import: read the
 * file again, only to say where those two are, and report it as the
 * reading reports a bad record.  0 if reported. */
static int dup_key(recs *r, const char *fmt, const char *body, size_t len) {
  uint64_t a, b;
  const char *key;
  if (!att_store_import_dup(r->st, &a, &b, &key)) return -1;
  r->locating = 1;
  r->locate[0] = (size_t)a;
  r->locate[1] = (size_t)b;
  r->n = 0;
  r->pb = NULL;
  r->mapping = 0;
  r->released = 0;
  if (strcmp(fmt, "json") == 0) (void)read_json_array(r, body, len);
  else if (strcmp(fmt, "jsonl") == 0) (void)read_json_lines(r, body, len);
  else (void)read_csv(r, body, len);
  r->locating = 0;
  if (!r->located[1]) return -1;
  bad(r, r->located[1], "key \"%s\" is used by an earlier record of %s, at %s (keys are unique)", key, r->file,
      r->located[0] ? r->located[0] : "?");
  return 0;
}

int cli_cmd_import(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  recs r;
  att_store *st = NULL;
  const char *fmt = NULL, *path;
  char *text = NULL, *body;
  size_t maplen = 0;
  size_t len = 0, i, hint = 0;
  int o, rc = CLI_OK, e;
  cli_progress pb;

  memset(&r, 0, sizeof r);
  cli_parser_init(&p, ctx, import_opts, argc, argv);
  while (rc == CLI_OK && (o = cli_next(&p)) != CLI_END) {
    if (o == CLI_BAD) rc = CLI_USAGE;
    else if (o == CLI_HELP) {
      cli_help("import", stdout);
      cli_parser_free(&p);
      return CLI_OK;
    } else if (o == O_FORMAT) fmt = p.arg;
    else if (o == O_CSV_RAW) r.csv_raw = 1;
    else if (o == CLI_O_REASON) rc = cli_history_opt(ctx, o, p.arg);
  }
  if (rc == CLI_OK && p.npos != 1)
    rc = cli_usage(ctx, p.npos == 0 ? "which file? give FILE, or '-' for "
                                      "standard input"
                                    : "one file at a time");
  if (rc == CLI_OK && fmt && strcmp(fmt, "json") != 0 &&
      strcmp(fmt, "jsonl") != 0 && strcmp(fmt, "csv") != 0)
    rc = cli_usage(ctx, "--format %s: formats are json (an array), jsonl "
                        "and csv",
                   fmt);
  if (rc != CLI_OK) {
    cli_parser_free(&p);
    return rc;
  }
  path = p.pos[0];
  r.file = strcmp(path, "-") == 0 ? "<stdin>" : path;

  /* The store first: without one there is nothing to check keys against. */
  rc = cli_open(ctx, ATT_OPEN_WRITE, &st);
  if (rc == CLI_OK && (text = map_file(path, &len)) != NULL) {
    r.map = text;
    maplen = len;
    madvise(text, len, MADV_SEQUENTIAL);
  } else if (rc == CLI_OK) {
    text = cli_slurp(path, &len);
    if (text == NULL)
      rc = cli_fail("%s: cannot read: %s", r.file, strerror(errno));
  }
  if (rc != CLI_OK) goto done;

  body = text;
  if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) { /* a BOM */
    body += 3;
    len -= 3;
  }
  if (fmt == NULL) fmt = detect(path, body, len);
  /* About one record a line: enough for the store to choose how to write
   * and for the progress bar.  JSON with links is read twice: first for
   * the ids it names (CSV decides from its header).  A slice at a time,
   * each given back once read, so that a large file is never all in
   * memory at once. */
  {
    const char *links = "\"links\"";
    size_t nl = strlen(links);
    r.mapping = 0;
    for (i = 0; i < len; i += RELEASE_STEP) {
      size_t end = len - i < RELEASE_STEP ? len : i + RELEASE_STEP;
      const char *q = body + i;
      while ((q = memchr(q, '\n', (size_t)(body + end - q))) != NULL) {
        hint++;
        q++;
      }
      if (!r.mapping && strcmp(fmt, "csv") != 0)
        r.mapping = holds(body + i, (end + nl - 1 < len ? end + nl - 1 : len) - i, links);
      release(&r, body + end);
    }
    r.released = 0;
  }
  if ((e = att_store_import_begin(st, hint + 1)) < 0) {
    rc = cli_core_fail(e, "cannot import %s", r.file);
    goto done;
  }
  r.st = st;
  r.pb = &pb;
  cli_progress_start(&pb, ctx, "importing", hint + 1);
  if (strcmp(fmt, "json") == 0) e = read_json_array(&r, body, len);
  else if (strcmp(fmt, "jsonl") == 0) e = read_json_lines(&r, body, len);
  else e = read_csv(&r, body, len);
  if (e == 0 && !r.mapping) {
    /* Without links only ids given twice are checked, after the reading. */
    size_t before = r.errors;
    map_ready(&r);
    if (r.errors > before && r.added) r.added = 0;
  }
  if (r.store_rc) {
    cli_progress_end(&pb);
    att_store_import_abort(st);
    rc = cli_fail("cannot import %s; nothing was imported: %s", r.file, r.store_msg);
    goto done;
  }
  if (e < 0 && !r.errors) r.errors = 1, rc = cli_fail("out of memory while reading %s", r.file);
  if (r.errors) {
    cli_progress_end(&pb);
    att_store_import_abort(st);
    if (rc == CLI_OK) {
      if (r.errors > MAX_SHOWN)
        fprintf(stderr, "attache: ... and %zu more errors\n", r.errors - MAX_SHOWN);
      rc = cli_fail("%s: %zu bad record%s; nothing was imported", r.file, r.errors,
                    r.errors == 1 ? "" : "s");
    }
    goto done;
  }
  e = att_store_import_commit(st);
  cli_progress_end(&pb);
  if (e == ATT_EEXISTS && dup_key(&r, fmt, body, len) == 0) {
    rc = cli_fail("%s: 1 bad record; nothing was imported", r.file);
    goto done;
  }
  if (e < 0) {
    rc = cli_core_fail(e, "cannot import %s; nothing was imported", r.file);
    goto done;
  }
  if (r.added == 0)
    cli_line(stdout, "imported 0 events from %s", r.file);
  else if (r.added == 1)
    cli_line(stdout, "imported 1 event from %s (id %lld)", r.file, (long long)r.first);
  else
    cli_line(stdout, "imported %zu events from %s (ids %lld to %lld)", r.added, r.file, (long long)r.first,
             (long long)r.last);

done:
  att_strset_free(&r.keys);
  free(r.located[0]);
  free(r.located[1]);
  map_free(&r);
  if (r.map) munmap(text, maplen);
  else free(text);
  if (st) att_store_close(st);
  cli_parser_free(&p);
  return rc;
}
