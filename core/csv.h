/*
 * CSV and TSV reading, one record at a time: the one reader behind
 * `attache import` and the Lua at.csv.rows.
 *
 * RFC 4180: a field in double quotes may hold the separator, line breaks
 * and doubled quotes; CRLF and LF end a record; a UTF-8 byte order mark
 * at the start is skipped; blank lines are skipped.  Without quoting (TSV)
 * fields are split on the separator alone and quotes are plain text.  A
 * quote inside an unquoted field is kept as it is.
 *
 * What would have to be altered to be read is an error, with the line and
 * column where it is (the message starts "LINE:COL: "): a quoted field
 * never closed, text after a closing quote ("x"y), a NUL byte, a record
 * longer than the limit.
 */
#ifndef ATT_CSV_H
#define ATT_CSV_H

#include <stddef.h>

/* Reads up to cap bytes into buf; 0 at the end (or on an error). */
typedef size_t (*att_csv_read_fn)(void *ud, char *buf, size_t cap);
/* Allocation as lua_Alloc does it (nsize 0 frees), so that a script's
 * reader counts against its memory. */
typedef void *(*att_csv_alloc_fn)(void *ud, void *ptr, size_t osize,
                                  size_t nsize);

#define ATT_CSV_CHUNK 8192

typedef struct att_csv {
  /* the input: a window [p, e) of the text, refilled through read */
  const char *p, *e;
  att_csv_read_fn read;
  void *rud;
  char *chunk; /* ATT_CSV_CHUNK bytes, for read */
  unsigned char backs[4]; /* bytes put back, the next one last */
  int nback;
  int started, eof;
  att_csv_alloc_fn alloc;
  void *aud;
  /* options */
  int sep;       /* ',' by default */
  int quote;     /* 1: RFC 4180 quoting (default); 0: none */
  size_t maxrec; /* longest record in bytes; 0: no limit */
  /* position */
  size_t line, col; /* of the next byte, from 1 */
  /* the record */
  size_t start;  /* line it starts on */
  char *buf;     /* its fields, one after the other, each NUL-terminated */
  size_t len, cap;
  size_t *ends; /* end of each field in buf (where its NUL is) */
  size_t nf, fcap;
} att_csv;

/* A reader of text[0..len) (not copied: it must outlive the reader). */
void att_csv_init_mem(att_csv *c, const char *text, size_t len);
/* A reader of what read gives; alloc NULL for malloc. */
void att_csv_init_fn(att_csv *c, att_csv_read_fn read, void *rud,
                     att_csv_alloc_fn alloc, void *aud);
void att_csv_free(att_csv *c);

/* The next record: 1 (fields in c->nf, att_csv_field), 0 at the end,
 * ATT_EINVAL with "LINE:COL: what is wrong; what is accepted", or
 * ATT_ENOMEM.  After an error the reader gives 0. */
int att_csv_next(att_csv *c);

/* Field i of the record and its length (NUL-terminated). */
const char *att_csv_field(const att_csv *c, size_t i, size_t *len);

#endif
