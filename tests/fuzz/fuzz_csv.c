/*
 * Fuzz harness for CSV import (bindings/cli_import.c) and export
 * (bindings/cli_out.c).
 *
 * The reader of `attache import` is static in cli_import.c, so this file
 * includes that source to reach it; nothing is moved.  Its messages, meant
 * for stderr, go to /dev/null here.  Two levels are checked:
 * - records (cli_csv_record): every record of the input, written again
 *   with every cell quoted, reads back to the same cells;
 * - events (read_csv, as import runs it): when every record is a valid
 *   event, the export writer (cli_csv_header, cli_csv_row) writes CSV that
 *   import reads back, without error, to the same events.
 */
#include "fuzz.h"

#include <stdio.h>

/* Quiet the reader: its error messages are part of what is fuzzed, their
 * text is not. */
#include "cli.h"
static FILE *fuzz_quiet;
#undef stderr
#define stderr (fuzz_quiet ? fuzz_quiet : (fuzz_quiet = fopen("/dev/null", "w")))
#include "cli_import.c"
#undef stderr
#define stderr stderr

/* cli_import.c refers to these from bindings/main.c, which brings Lua. */
int cli_help(const char *cmd, FILE *f) {
  (void)cmd;
  (void)f;
  return 0;
}
int cli_usage(cli_ctx *ctx, const char *fmt, ...) {
  (void)ctx;
  (void)fmt;
  return CLI_USAGE;
}

/* Cells as one record, every cell quoted, into a malloc'd buffer. */
static char *put_record(char **cells, int n, size_t *len) {
  size_t cap = 2, i;
  int c;
  char *out, *q;
  for (c = 0; c < n; c++) cap += 3 + 2 * strlen(cells[c]);
  if ((out = malloc(cap)) == NULL) abort();
  q = out;
  for (c = 0; c < n; c++) {
    if (c) *q++ = ',';
    *q++ = '"';
    for (i = 0; cells[c][i]; i++) {
      if (cells[c][i] == '"') *q++ = '"';
      *q++ = cells[c][i];
    }
    *q++ = '"';
  }
  *q++ = '\n';
  *len = (size_t)(q - out);
  return out;
}

static void records(const char *text, size_t len) {
  const char *p = text, *end = text + len;
  size_t line = 1;
  for (;;) {
    char **cells, **back;
    char *out = NULL;
    size_t outlen = 0, line2 = 1, before = line;
    const char *q, *was = p;
    int n = cli_csv_record(&p, end, &cells, &line), m, i;
    if (n <= 0) {
      FUZZ_CHECK(n == 0 || n == -1, "cli_csv_record returned %d", n);
      break;
    }
    FUZZ_CHECK(p > was && p <= end, "the reader did not advance");
    FUZZ_CHECK(line > before, "the line count did not advance");
    out = put_record(cells, n, &outlen);
    q = out;
    m = cli_csv_record(&q, out + outlen, &back, &line2);
    FUZZ_CHECK(m == n, "a record of %d cells reads back as %d:\n  %.*s", n, m,
               (int)outlen, out);
    FUZZ_CHECK(q == out + outlen, "the written record is not read whole:\n  %.*s",
               (int)outlen, out);
    for (i = 0; i < n; i++)
      FUZZ_CHECK(strcmp(cells[i], back[i]) == 0, "cell %d \"%s\" reads back as "
                 "\"%s\"", i, cells[i], back[i]);
    cli_free_strs(cells, (size_t)n);
    cli_free_strs(back, (size_t)m);
    free(out);
  }
}

/* The reader without a store keeps the valid events in r->evs. */
static void recs_free(recs *r) {
  size_t i;
  for (i = 0; i < r->nevs; i++) att_event_free(&r->evs[i]);
  free(r->evs);
  att_strset_free(&r->keys);
}

static void events(const char *text, size_t len) {
  recs r, r2;
  char *out = NULL;
  size_t outlen = 0, i;
  FILE *f;
  int e;
  memset(&r, 0, sizeof r);
  r.file = "fuzz.csv";
  e = read_csv(&r, text, len);
  FUZZ_CHECK(e == 0, "read_csv failed (%d)", e);
  FUZZ_CHECK(r.nevs + r.errors >= r.n, "%zu records, %zu events, %zu errors", r.n,
             r.nevs, r.errors);
  if (r.errors == 0 && r.nevs > 0) {
    FUZZ_CHECK(r.nevs == r.n, "%zu records but %zu events, and no error", r.n,
               r.nevs);
    f = open_memstream(&out, &outlen);
    if (f == NULL) abort();
    cli_csv_header(f);
    for (i = 0; i < r.nevs; i++) cli_csv_row(f, &r.evs[i]);
    fclose(f);
    memset(&r2, 0, sizeof r2);
    r2.file = "export.csv";
    e = read_csv(&r2, out, outlen);
    FUZZ_CHECK(e == 0 && r2.errors == 0, "exported CSV does not import (%zu "
               "errors):\n%s", r2.errors, out);
    FUZZ_CHECK(r2.nevs == r.nevs, "%zu events export and import as %zu:\n%s",
               r.nevs, r2.nevs, out);
    for (i = 0; i < r.nevs; i++)
      FUZZ_CHECK(att_event_equal(&r.evs[i], &r2.evs[i]), "event %zu changes "
                 "through export and import:\n%s", i, out);
    recs_free(&r2);
    free(out);
  }
  recs_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size ? size : 1);
  if (text == NULL) abort();
  memcpy(text, data, size);
  records(text, size);
  events(text, size);
  free(text);
  return 0;
}
