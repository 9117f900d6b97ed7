/*
 * attache import: events from a JSON array, JSON Lines or CSV.
 *
 * Import is all or nothing.  Every record is read and validated (each
 * error names file:line or the array index, and the field) and handed to
 * the store's import as it is read; only when all are good does the import
 * commit, with a single sync.  A file is mapped, not copied, and JSON
 * Lines give back the pages they have read as they go.  CSV follows RFC
 * 4180 (quoted cells, doubled quotes, CRLF or LF) with a header row of
 * field names; docs/cli.md gives the conventions for lists and sources.
 */
#include "cli.h"
#include "strset.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum { O_FORMAT = 1 };
static const cli_opt import_opts[] = {{"format", 'f', 1, O_FORMAT},
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
  att_strset keys; /* keys seen in the file */
  int64_t first, last;
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
} recs;

/* Count an error and print it unless too many were shown already. */
static void bad(recs *r, const char *where, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Take one parsed record (consumes obj): check it, and add it while the
 * file has had no bad record. */
static int push(recs *r, cJSON *obj, const char *where) {
  att_event ev, other;
  int v;
  att_event_init(&ev);
  v = att_event_from_cjson(obj, 0, &ev);
  cJSON_Delete(obj);
  r->n++;
  if (v < 0) {
    const char *m = att_errmsg();
    bad(r, where, "%s", (m && *m) ? m : att_strerror(v));
  } else if (ev.key && (v = att_strset_add(&r->keys, ev.key)) <= 0) {
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
    bad(r, where, "key \"%s\" is already used by event %lld in the store (keys are unique)", ev.key,
        (long long)other.id);
    att_event_free(&other);
  } else if (r->errors == 0) {
    if ((v = att_store_import_add(r->st, &ev)) < 0) {
      const char *m = att_errmsg();
      bad(r, where, "%s", (m && *m) ? m : att_strerror(v));
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
    fprintf(stderr, "attache: %s: ", where);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
  }
}

static size_t line_of(const char *text, const char *at) {
  size_t line = 1;
  for (; text < at; text++)
    if (*text == '\n') line++;
  return line;
}

/* ---- JSON ----------------------------------------------------------------- */

static int read_json_array(recs *r, const char *text, size_t len) {
  const char *end = NULL;
  cJSON *arr = cJSON_ParseWithLengthOpts(text, len, &end, 0), *it;
  char where[512];
  size_t i = 0;
  if (arr == NULL) {
    const char *at = cJSON_GetErrorPtr();
    snprintf(where, sizeof where, "%s:%zu", r->file, at ? line_of(text, at) : 1);
    bad(r, where, "not valid JSON here (expected a JSON array of event "
                  "objects)");
    return 0;
  }
  if (!cJSON_IsArray(arr)) {
    snprintf(where, sizeof where, "%s", r->file);
    bad(r, where, "the JSON is not an array (expected [ {event}, ... ] or "
                  "one object a line)");
    cJSON_Delete(arr);
    return 0;
  }
  while ((it = arr->child) != NULL) {
    cJSON_DetachItemViaPointer(arr, it);
    snprintf(where, sizeof where, "%s: [%zu]", r->file, i++);
    if (!cJSON_IsObject(it)) {
      bad(r, where, "not a JSON object (each array item is one event)");
      cJSON_Delete(it);
      continue;
    }
    if (push(r, it, where) != 0) {
      cJSON_Delete(it);
      cJSON_Delete(arr);
      return -1;
    }
  }
  cJSON_Delete(arr);
  return 0;
}

#define RELEASE_STEP ((size_t)16 << 20)

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

static int read_json_lines(recs *r, const char *text, size_t len) {
  const char *p = text, *end = text + len;
  char where[512];
  size_t line = 0;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p)), *q;
    const char *le = nl ? nl : end;
    cJSON *obj;
    line++;
    for (q = p; q < le && (*q == ' ' || *q == '\t' || *q == '\r'); q++) {}
    if (q == le) { /* blank line */
      p = nl ? nl + 1 : end;
      continue;
    }
    snprintf(where, sizeof where, "%s:%zu", r->file, line);
    obj = cJSON_ParseWithLength(p, (size_t)(le - p));
    if (obj == NULL)
      bad(r, where, "not valid JSON (JSON Lines: one event object a line)");
    else if (!cJSON_IsObject(obj)) {
      bad(r, where, "not a JSON object (JSON Lines: one event object a "
                    "line)");
      cJSON_Delete(obj);
    } else if (push(r, obj, where) != 0) {
      cJSON_Delete(obj);
      return -1;
    }
    p = nl ? nl + 1 : end;
    release(r, p);
  }
  return 0;
}

/* ---- CSV ------------------------------------------------------------------ */

int cli_csv_record(const char **pp, const char *end, char ***cells,
                   size_t *line) {
  const char *p = *pp;
  char **v = NULL;
  size_t n = 0, cap = 0;
  if (p >= end) return 0;
  for (;;) {
    char *cell = malloc((size_t)(end - p) + 1);
    size_t k = 0;
    if (cell == NULL) goto oom;
    if (p < end && *p == '"') {
      p++;
      for (;;) {
        if (p >= end) {
          free(cell);
          cli_free_strs(v, n);
          return -1;
        }
        if (*p == '"') {
          if (p + 1 < end && p[1] == '"') {
            cell[k++] = '"';
            p += 2;
            continue;
          }
          p++;
          break;
        }
        if (*p == '\n') (*line)++;
        cell[k++] = *p++;
      }
      /* Text after the closing quote is kept, as most readers do. */
      while (p < end && *p != ',' && *p != '\n' && *p != '\r') cell[k++] = *p++;
    } else {
      while (p < end && *p != ',' && *p != '\n' && *p != '\r') cell[k++] = *p++;
    }
    cell[k] = '\0';
    if (n == cap) {
      char **nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof *nv);
      if (nv == NULL) {
        free(cell);
        goto oom;
      }
      v = nv;
    }
    v[n++] = cell;
    if (p < end && *p == ',') {
      p++;
      continue;
    }
    if (p < end && *p == '\r') p++;
    if (p < end && *p == '\n') p++;
    (*line)++;
    break;
  }
  *pp = p;
  *cells = v;
  return (int)n;
oom:
  cli_free_strs(v, n);
  return -2;
}

static const char *const ignored_columns[] = {"id", "rev", "created",
                                              "updated", NULL};

static int known_column(const char *c) {
  int i;
  for (i = 0; cli_csv_columns[i]; i++)
    if (strcmp(cli_csv_columns[i], c) == 0) return 1;
  return strncmp(c, "fields.", 7) == 0 && c[7] != '\0';
}

static int in_list(const char *const *l, const char *s) {
  for (; *l; l++)
    if (strcmp(*l, s) == 0) return 1;
  return 0;
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

/* One CSV cell into the event object; 0 or -1 after reporting. */
static int csv_cell_to_json(recs *r, const char *where, cJSON *obj,
                            const char *col, char *val) {
  char **parts;
  size_t n, i;
  char what[600];
  if (*val == '\0' || in_list(ignored_columns, col)) return 0;
  if (strcmp(col, "actors") == 0 || strcmp(col, "tags") == 0) {
    cJSON *a = cJSON_AddArrayToObject(obj, col);
    if (cli_split(val, ';', 0, &parts, &n) != 0) return -1;
    for (i = 0; i < n; i++)
      if (*trimmed(parts[i]))
        cJSON_AddItemToArray(a, cJSON_CreateString(trimmed(parts[i])));
    cli_free_strs(parts, n);
    return 0;
  }
  if (strcmp(col, "people") == 0) {
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
  if (strcmp(col, "links") == 0) {
    cJSON *a = cJSON_AddArrayToObject(obj, col);
    if (cli_split(val, ';', 0, &parts, &n) != 0) return -1;
    for (i = 0; i < n; i++) {
      char *s = trimmed(parts[i]), *eq = strchr(s, '=');
      long long id = eq ? cli_count(trimmed(eq + 1)) : -1;
      cJSON *l;
      if (*s == '\0') continue;
      if (eq == NULL || eq == s || id <= 0) {
        bad(r, where, "column links: \"%s\" is not REL=ID (REL one of follows, "
                      "part-of, supersedes, related; links separated by ';')",
            s);
        cli_free_strs(parts, n);
        return -1;
      }
      *eq = '\0';
      l = cJSON_CreateObject();
      cJSON_AddStringToObject(l, "rel", trimmed(s));
      cJSON_AddNumberToObject(l, "id", (double)id);
      cJSON_AddItemToArray(a, l);
    }
    cli_free_strs(parts, n);
    return 0;
  }
  if (strcmp(col, "fields") == 0) {
    cJSON *f = cJSON_Parse(val);
    if (f == NULL || !cJSON_IsObject(f)) {
      cJSON_Delete(f);
      bad(r, where, "column fields: \"%s\" is not a JSON object", val);
      return -1;
    }
    cJSON_AddItemToObject(obj, "fields", f);
    return 0;
  }
  if (strncmp(col, "fields.", 7) == 0) {
    cJSON *v = cJSON_Parse(val);
    cJSON *fl = cJSON_GetObjectItemCaseSensitive(obj, "fields");
    if (fl && cJSON_GetObjectItemCaseSensitive(fl, col + 7)) {
      cJSON_Delete(v);
      bad(r, where, "column %s: also set by the fields column", col);
      return -1;
    }
    cJSON_AddItemToObject(sub(obj, "fields"), col + 7,
                          v ? v : cJSON_CreateString(val));
    return 0;
  }
  if (strncmp(col, "source.", 7) == 0) {
    cJSON_AddStringToObject(sub(obj, "source"), col + 7, val);
    return 0;
  }
  cJSON_AddStringToObject(obj, col, val);
  return 0;
}

static int read_csv(recs *r, const char *text, size_t len) {
  const char *p = text, *end = text + len;
  char **head = NULL, **cells;
  char where[512];
  size_t line = 1, start;
  int nh, nc, i, j;

  nh = cli_csv_record(&p, end, &head, &line);
  if (nh <= 0) {
    snprintf(where, sizeof where, "%s:1", r->file);
    bad(r, where, "%s", nh == 0 ? "empty file: a CSV import needs a header "
                                  "row of field names"
                                : "unterminated quote in the header row");
    return 0;
  }
  for (i = 0; i < nh; i++) {
    char *c = trimmed(head[i]);
    memmove(head[i], c, strlen(c) + 1);
    snprintf(where, sizeof where, "%s:1", r->file);
    if (!known_column(head[i])) {
      bad(r, where, "unknown column \"%s\" (columns: id, key, title, kind, "
                    "status, when, recur, where, actors, tags, people, notes, "
                    "source.title, source.url, source.publisher, "
                    "source.published, links, fields, fields.NAME, created, "
                    "updated, rev)",
          head[i]);
    }
    for (j = 0; j < i; j++)
      if (strcmp(head[i], head[j]) == 0)
        bad(r, where, "column \"%s\" appears twice", head[i]);
  }
  if (r->errors) {
    cli_free_strs(head, (size_t)nh);
    return 0;
  }
  for (;;) {
    cJSON *obj;
    int ok = 1;
    start = line;
    nc = cli_csv_record(&p, end, &cells, &line);
    if (nc == 0) break;
    snprintf(where, sizeof where, "%s:%zu", r->file, start);
    if (nc == -2) {
      cli_free_strs(head, (size_t)nh);
      return -1;
    }
    if (nc < 0) {
      bad(r, where, "a quoted cell is not closed before the end of the "
                    "file");
      break;
    }
    if (nc == 1 && cells[0][0] == '\0') { /* blank line */
      cli_free_strs(cells, 1);
      continue;
    }
    if (nc != nh) {
      bad(r, where, "%d cells, but the header has %d columns", nc, nh);
      cli_free_strs(cells, (size_t)nc);
      continue;
    }
    obj = cJSON_CreateObject();
    for (i = 0; i < nc && ok; i++)
      if (csv_cell_to_json(r, where, obj, head[i], cells[i]) != 0) ok = 0;
    cli_free_strs(cells, (size_t)nc);
    if (!ok) {
      cJSON_Delete(obj);
      continue;
    }
    if (push(r, obj, where) != 0) {
      cJSON_Delete(obj);
      cli_free_strs(head, (size_t)nh);
      return -1;
    }
  }
  cli_free_strs(head, (size_t)nh);
  return 0;
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
   * and for the progress bar. */
  for (i = 0; i < len; i++) hint += body[i] == '\n';
  if (r.map && strcmp(fmt, "jsonl") == 0) { /* counting read it all: give it back */
    release(&r, body + len);
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
  if (e < 0) {
    rc = cli_core_fail(e, "cannot import %s; nothing was imported", r.file);
    goto done;
  }
  if (r.added == 0)
    printf("imported 0 events from %s\n", r.file);
  else if (r.added == 1)
    printf("imported 1 event from %s (id %lld)\n", r.file, (long long)r.first);
  else
    printf("imported %zu events from %s (ids %lld to %lld)\n", r.added, r.file,
           (long long)r.first, (long long)r.last);

done:
  att_strset_free(&r.keys);
  if (r.map) munmap(text, maplen);
  else free(text);
  if (st) att_store_close(st);
  cli_parser_free(&p);
  return rc;
}
