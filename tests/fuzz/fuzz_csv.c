/*
 * Fuzz harness for the CSV reader of `attache import` and at.csv.rows
 * (core/csv.c).
 *
 * Every record of the input, written again with every field quoted, reads
 * back to the same fields; the text given whole and the text given a few
 * bytes at a time give the same records, or the same error, and an error
 * names a line and column inside the text.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "error.h"

/* Fields of the reader's record, every one quoted, into a malloc'd buffer. */
static char *put_record(const att_csv *c, size_t *len) {
  size_t cap = 2, i, k, n;
  char *out, *q;
  for (i = 0; i < c->nf; i++) {
    att_csv_field(c, i, &n);
    cap += 3 + 2 * n;
  }
  if ((out = malloc(cap)) == NULL) abort();
  q = out;
  for (i = 0; i < c->nf; i++) {
    const char *f = att_csv_field(c, i, &n);
    if (i) *q++ = ',';
    *q++ = '"';
    for (k = 0; k < n; k++) {
      if (f[k] == '"') *q++ = '"';
      *q++ = f[k];
    }
    *q++ = '"';
  }
  *q++ = '\n';
  *len = (size_t)(q - out);
  return out;
}

typedef struct drip {
  const char *s;
  size_t n, i, step;
} drip;
static size_t drip_read(void *ud, char *buf, size_t cap) {
  drip *d = ud;
  size_t k = d->n - d->i < d->step ? d->n - d->i : d->step;
  if (k > cap) k = cap;
  memcpy(buf, d->s + d->i, k);
  d->i += k;
  return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  att_csv a, b;
  drip d = {(const char *)data, size, 0, 1 + size % 7};
  int ra, rb;
  att_csv_init_mem(&a, (const char *)data, size);
  att_csv_init_fn(&b, drip_read, &d, NULL, NULL);
  for (;;) {
    char *out, msg[512];
    size_t outlen, i, n1, n2;
    att_csv back;
    ra = att_csv_next(&a);
    snprintf(msg, sizeof msg, "%s", ra < 0 ? att_errmsg() : "");
    rb = att_csv_next(&b);
    FUZZ_CHECK(ra == rb, "whole text gives %d, by pieces %d", ra, rb);
    if (ra < 0) {
      size_t line = 0, col = 0;
      FUZZ_CHECK(strcmp(msg, att_errmsg()) == 0, "errors differ: %s / %s", msg, att_errmsg());
      FUZZ_CHECK(ra == ATT_EINVAL && sscanf(msg, "%zu:%zu:", &line, &col) == 2 && line >= 1 &&
                     col >= 1 && line <= size + 1,
                 "an error without its place: %s", msg);
      break;
    }
    if (ra == 0) break;
    FUZZ_CHECK(a.nf == b.nf && a.start == b.start, "records differ");
    for (i = 0; i < a.nf; i++) {
      const char *f1 = att_csv_field(&a, i, &n1), *f2 = att_csv_field(&b, i, &n2);
      FUZZ_CHECK(n1 == n2 && memcmp(f1, f2, n1) == 0, "field %zu differs", i);
    }
    out = put_record(&a, &outlen);
    att_csv_init_mem(&back, out, outlen);
    FUZZ_CHECK(att_csv_next(&back) == 1 && back.nf == a.nf,
               "a record of %zu fields does not read back:\n  %.*s", a.nf, (int)outlen, out);
    for (i = 0; i < a.nf; i++) {
      const char *f1 = att_csv_field(&a, i, &n1), *f2 = att_csv_field(&back, i, &n2);
      FUZZ_CHECK(n1 == n2 && memcmp(f1, f2, n1) == 0, "field %zu reads back otherwise", i);
    }
    FUZZ_CHECK(att_csv_next(&back) == 0, "the written record is not read whole");
    att_csv_free(&back);
    free(out);
  }
  att_csv_free(&a);
  att_csv_free(&b);
  return 0;
}
