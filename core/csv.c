/*
 * CSV and TSV reading (csv.h): a byte-at-a-time state machine over a
 * window of text, refilled from a callback or given whole.  The record is
 * kept in one buffer with the end of each field, so a row costs two
 * allocations at most, whatever its width.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "error.h"

static void *std_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud;
  (void)osize;
  if (nsize == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, nsize);
}

static void init(att_csv *c) {
  memset(c, 0, sizeof *c);
  c->sep = ',';
  c->quote = 1;
  c->line = c->col = 1;
  c->alloc = std_alloc;
}

void att_csv_init_mem(att_csv *c, const char *text, size_t len) {
  init(c);
  c->p = text;
  c->e = text + len;
}

void att_csv_init_fn(att_csv *c, att_csv_read_fn read, void *rud,
                     att_csv_alloc_fn alloc, void *aud) {
  init(c);
  c->read = read;
  c->rud = rud;
  if (alloc) {
    c->alloc = alloc;
    c->aud = aud;
  }
}

void att_csv_free(att_csv *c) {
  if (c->chunk) c->alloc(c->aud, c->chunk, ATT_CSV_CHUNK, 0);
  if (c->buf) c->alloc(c->aud, c->buf, c->cap, 0);
  if (c->ends) c->alloc(c->aud, c->ends, c->fcap * sizeof *c->ends, 0);
  c->chunk = c->buf = NULL;
  c->ends = NULL;
  c->cap = c->fcap = 0;
  c->eof = 1;
}

/* The next byte, or -1 at the end; the position follows it. */
static int raw(att_csv *c) {
  if (c->p == c->e) {
    size_t n;
    if (c->eof || !c->read) return c->eof = 1, -1;
    if (!c->chunk && !(c->chunk = c->alloc(c->aud, NULL, 0, ATT_CSV_CHUNK)))
      return c->eof = 1, -1;
    n = c->read(c->rud, c->chunk, ATT_CSV_CHUNK);
    if (n == 0) return c->eof = 1, -1;
    c->p = c->chunk;
    c->e = c->chunk + n;
  }
  return (unsigned char)*c->p++;
}

static int nextc(att_csv *c) {
  int ch;
  if (c->nback) {
    ch = c->backs[--c->nback];
  } else {
    ch = raw(c);
  }
  if (ch == '\n') {
    c->line++;
    c->col = 1;
  } else if (ch >= 0) {
    c->col++;
  }
  return ch;
}

/* Put back the byte just read (not a line feed). */
static void unread(att_csv *c, int ch) {
  if (ch < 0) return;
  c->backs[c->nback++] = (unsigned char)ch;
  c->col--;
}

static int add(att_csv *c, int ch) {
  if (c->maxrec && c->len >= c->maxrec)
    return att__err(ATT_EINVAL,
                    "%zu:%zu: a record longer than %zu bytes; records up "
                    "to that size are accepted",
                    c->line, c->col, c->maxrec);
  if (c->len + 1 >= c->cap) {
    size_t ncap = c->cap ? c->cap * 2 : 256;
    char *nb;
    nb = c->alloc(c->aud, c->buf, c->cap, ncap);
    if (!nb) return att__err(ATT_ENOMEM, "out of memory reading CSV");
    c->buf = nb;
    c->cap = ncap;
  }
  c->buf[c->len++] = (char)ch;
  return 0;
}

static int end_field(att_csv *c) {
  int rc;
  if (c->nf == c->fcap) {
    size_t ncap = c->fcap ? c->fcap * 2 : 32;
    size_t *ne = c->alloc(c->aud, c->ends, c->fcap * sizeof *ne,
                          ncap * sizeof *ne);
    if (!ne) return att__err(ATT_ENOMEM, "out of memory reading CSV");
    c->ends = ne;
    c->fcap = ncap;
  }
  if ((rc = add(c, '\0')) < 0) return rc;
  c->ends[c->nf++] = c->len - 1;
  return 0;
}

static int fail(att_csv *c, int rc) {
  c->eof = 1;
  c->p = c->e;
  c->nback = 0;
  c->nf = 0;
  return rc;
}

static int nul_err(att_csv *c) {
  return att__err(ATT_EINVAL,
                  "%zu:%zu: a field holds a NUL byte (\\u0000); text may "
                  "hold any character but NUL",
                  c->line, c->col - 1);
}

/* A quoted field, after its opening quote; leaves the byte after the
 * closing quote in *ch. */
static int quoted(att_csv *c, int *ch) {
  size_t line = c->line, col = c->col - 1;
  int rc;
  for (;;) {
    int d = nextc(c);
    if (d < 0)
      return att__err(ATT_EINVAL,
                      "%zu:%zu: a quoted field opened here is never closed; "
                      "a quote inside a quoted field is written \"\"",
                      line, col);
    if (d == 0) return nul_err(c);
    if (d == '"') {
      d = nextc(c);
      if (d != '"') {
        *ch = d;
        return 0;
      }
    }
    if ((rc = add(c, d)) < 0) return rc;
  }
}

int att_csv_next(att_csv *c) {
  int ch, rc;
  c->len = c->nf = 0;
  if (c->eof && c->nback == 0 && c->p == c->e) return 0;
  if (!c->started) {
    /* A UTF-8 byte order mark; anything else read is put back. */
    int got[3], i, n = 0;
    c->started = 1;
    while (n < 3 && (got[n] = raw(c)) == (unsigned char)"\xEF\xBB\xBF"[n]) n++;
    if (n < 3) {
      if (got[n] >= 0) c->backs[c->nback++] = (unsigned char)got[n];
      for (i = n - 1; i >= 0; i--) c->backs[c->nback++] = (unsigned char)got[i];
    }
  }
  /* Skip blank lines. */
  for (;;) {
    ch = nextc(c);
    if (ch == '\r') {
      int d = nextc(c);
      if (d == '\n') ch = d;
      else unread(c, d);
    }
    if (ch != '\n') break;
  }
  if (ch < 0) return 0;
  c->start = c->line;
  for (;;) { /* one field; ch is its first byte */
    if (c->quote && ch == '"') {
      if ((rc = quoted(c, &ch)) < 0) return fail(c, rc);
      if (ch == '\r') {
        int d = nextc(c);
        if (d == '\n') ch = d;
        else unread(c, d);
      }
      if (ch != c->sep && ch != '\n' && ch >= 0) {
        char what[32];
        if (ch == 0) return fail(c, nul_err(c));
        if (ch >= 0x20 && ch < 0x7f) snprintf(what, sizeof what, "'%c'", ch);
        else snprintf(what, sizeof what, "the byte 0x%02X", (unsigned)ch);
        return fail(c, att__err(ATT_EINVAL,
                                "%zu:%zu: %s after a closing quote; a quoted "
                                "field ends at the separator or the line's "
                                "end (a quote inside it is written \"\")",
                                c->line, c->col - 1, what));
      }
    } else {
      while (ch != c->sep && ch != '\n' && ch >= 0) {
        if (ch == 0) return fail(c, nul_err(c));
        if (ch == '\r') {
          int d = nextc(c);
          if (d == '\n') {
            ch = d;
            break;
          }
          unread(c, d);
        }
        if ((rc = add(c, ch)) < 0) return fail(c, rc);
        ch = nextc(c);
      }
    }
    if ((rc = end_field(c)) < 0) return fail(c, rc);
    if (ch == c->sep) {
      ch = nextc(c);
      continue;
    }
    break;
  }
  return 1;
}

const char *att_csv_field(const att_csv *c, size_t i, size_t *len) {
  size_t from = i ? c->ends[i - 1] + 1 : 0;
  if (len) *len = c->ends[i] - from;
  return c->buf + from;
}
