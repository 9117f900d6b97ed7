/*
 * Data too large to hold in memory while a snapshot is written: tapes
 * (bytes appended, kept in memory up to a budget and past it in an
 * unlinked temporary file, read back at any offset) and external sorts
 * (records sorted in runs of a budget's size on a tape, then merged).
 * Internal to the store; the snapshot writer is the user (snapwrite.c).
 */
#ifndef ATT_SPILL_H
#define ATT_SPILL_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of memory each tape or sort may hold (a test makes it small). */
extern size_t att__spill_budget;

typedef struct att__tape {
  const char *dir;    /* where the temporary file goes */
  int fd;             /* -1 while everything is in memory */
  unsigned char *buf; /* everything, or the bytes not yet written out */
  size_t len, cap, budget;
  uint64_t size;  /* bytes put */
  uint64_t ondisk; /* of which in the file */
  int err;        /* the first errno; later puts do nothing */
} att__tape;

void att__tape_init(att__tape *t, const char *dir, size_t budget);
void att__tape_put(att__tape *t, const void *p, size_t n);
/* Read n bytes at off (within what was put): 0, or an errno. */
int att__tape_read(att__tape *t, uint64_t off, void *p, size_t n);
void att__tape_free(att__tape *t);

/* An external sort.  Records of rsize bytes, or of any length up to
 * ATT__XS_MAXREC when rsize is 0.  cmp orders two records (their bytes
 * and lengths); with rsize 8 and no cmp they are uint64_t in numeric
 * order (a radix sort).  Equal records come out in no defined order, so
 * a caller that wants the same output whatever the budget makes cmp a
 * total order. */
#define ATT__XS_MAXREC 4096
typedef int (*att__xs_cmp)(const void *a, size_t na, const void *b, size_t nb);
typedef struct att__xsort att__xsort;

/* NULL on no memory. */
att__xsort *att__xsort_new(const char *dir, size_t rsize, att__xs_cmp cmp);
/* 0, or an errno (ENOMEM, a write's). */
int att__xsort_put(att__xsort *x, const void *rec, size_t n);
/* No more puts: the records come out of next in order.  0 or an errno. */
int att__xsort_done(att__xsort *x);
/* The next record (valid until the next call) and its length: 1; 0 at
 * the end; an errno negated. */
int att__xsort_next(att__xsort *x, const void **rec, size_t *n);
uint64_t att__xsort_count(const att__xsort *x);
/* Runs written to the tape (0: it all fit in memory). */
size_t att__xsort_runs(const att__xsort *x);
void att__xsort_free(att__xsort *x);

/* Sort n uint64_t in place (LSD radix); 0, or -1 on no memory. */
int att__radix64(uint64_t *v, size_t n);
/* Sort v[0..n) by their high 32 bits, all below `below`, stably, through
 * tmp (n entries): 11-bit digits, as many as `below` needs (two under
 * 2^22), for the positions of a query's candidates. */
void att__radix_hi32(uint64_t *v, uint64_t *tmp, size_t n, uint64_t below);

#endif
