/*
 * Tapes and external sorts for the snapshot writer (spill.h).  A tape
 * holds its bytes in memory until they pass its budget; then they go to
 * an unlinked temporary file in the store's directory (O_TMPFILE, so a
 * crash leaves nothing behind; where the file system has no O_TMPFILE, a
 * named file unlinked at once), and the buffer becomes a write buffer.
 * A sort fills a budget's worth of records, sorts them and appends them
 * to its tape as a run; at the end the runs are merged through a heap,
 * each read a slice at a time.  When everything fit, nothing touches the
 * disk: a small store writes its snapshot as before.
 */
#define _GNU_SOURCE /* O_TMPFILE */
#include "spill.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault.h"

size_t att__spill_budget = 4u << 20;

/* ---- tapes ---------------------------------------------------------------- */

void att__tape_init(att__tape *t, const char *dir, size_t budget) {
  memset(t, 0, sizeof *t);
  t->dir = dir;
  t->fd = -1;
  t->budget = budget ? budget : 1;
}

void att__tape_free(att__tape *t) {
  if (t->fd >= 0) close(t->fd);
  free(t->buf);
  t->buf = NULL;
  t->fd = -1;
}

static int tmp_open(const char *dir) {
  int fd;
  if (att__fault(ATT_FAULT_OPEN)) return -1;
  fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
    /* No O_TMPFILE here: a name of our own, gone at once. */
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/spill.XXXXXX", dir);
    if (n < 0 || (size_t)n >= sizeof path) {
      errno = ENAMETOOLONG;
      return -1;
    }
    if ((fd = mkstemp(path)) >= 0) unlink(path);
  }
  return fd;
}

static int write_at(int fd, const unsigned char *p, size_t n, uint64_t off) {
  while (n) {
    ssize_t w;
    if (att__fault(ATT_FAULT_WRITE)) return errno ? errno : EIO;
    w = pwrite(fd, p, n, (off_t)off);
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno ? errno : EIO;
    }
    if (w == 0) return ENOSPC;
    p += w;
    n -= (size_t)w;
    off += (uint64_t)w;
  }
  return 0;
}

/* Write the buffered bytes out (the tape is in its file). */
static int tape_flush(att__tape *t) {
  int e;
  if (t->fd < 0 || t->len == 0) return 0;
  if ((e = write_at(t->fd, t->buf, t->len, t->ondisk)) != 0) return e;
  t->ondisk += t->len;
  t->len = 0;
  return 0;
}

void att__tape_put(att__tape *t, const void *p, size_t n) {
  const unsigned char *c = p;
  if (t->err || n == 0) return;
  if (t->fd < 0 && t->len + n <= t->budget) {
    if (t->len + n > t->cap) {
      size_t cap = t->cap ? t->cap : 4096;
      unsigned char *b;
      while (cap < t->len + n) cap *= 2;
      if (cap > t->budget) cap = t->budget;
      if (att__fault(ATT_FAULT_ALLOC) || !(b = realloc(t->buf, cap))) {
        t->err = ENOMEM;
        return;
      }
      t->buf = b;
      t->cap = cap;
    }
    memcpy(t->buf + t->len, c, n);
    t->len += n;
    t->size += n;
    return;
  }
  if (t->fd < 0) {
    /* Past the budget: everything so far goes to the file. */
    if ((t->fd = tmp_open(t->dir)) < 0) {
      t->err = errno ? errno : EIO;
      return;
    }
    if ((t->err = tape_flush(t)) != 0) return;
  }
  if (t->len + n > t->cap && (t->err = tape_flush(t)) != 0) return;
  if (n > t->cap) {
    if ((t->err = write_at(t->fd, c, n, t->ondisk)) != 0) return;
    t->ondisk += n;
  } else {
    memcpy(t->buf + t->len, c, n);
    t->len += n;
  }
  t->size += n;
}

int att__tape_read(att__tape *t, uint64_t off, void *p, size_t n) {
  unsigned char *c = p;
  if (t->err) return t->err;
  if (off + n > t->size) return EINVAL;
  while (n && off < t->ondisk) {
    size_t want = n < t->ondisk - off ? n : (size_t)(t->ondisk - off);
    ssize_t r = pread(t->fd, c, want, (off_t)off);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return r < 0 ? errno : EIO;
    c += r;
    n -= (size_t)r;
    off += (uint64_t)r;
  }
  if (n) memcpy(c, t->buf + (off - t->ondisk), n);
  return 0;
}

/* ---- radix sort ------------------------------------------------------------- */

/* One pass of a radix sort: a[0..n) into b by the digit of `bits` bits
 * at shift, stably; cnt has 2^bits counters. */
static void radix_pass(const uint64_t *a, uint64_t *b, size_t n, int shift, int bits, size_t *cnt) {
  size_t sum = 0, nd = (size_t)1 << bits, mask = nd - 1;
  memset(cnt, 0, nd * sizeof *cnt);
  for (size_t i = 0; i < n; i++) cnt[(a[i] >> shift) & mask]++;
  for (size_t d = 0; d < nd; d++) {
    size_t c = cnt[d];
    cnt[d] = sum;
    sum += c;
  }
  for (size_t i = 0; i < n; i++) b[cnt[(a[i] >> shift) & mask]++] = a[i];
}

int att__radix64(uint64_t *v, size_t n) {
  uint64_t *tmp;
  size_t *cnt;
  if (n < 2) return 0;
  tmp = att__fault(ATT_FAULT_ALLOC) ? NULL : malloc(n * sizeof *tmp);
  cnt = malloc(65536 * sizeof *cnt);
  if (!tmp || !cnt) {
    free(tmp);
    free(cnt);
    return -1;
  }
  /* Four passes: the sorted keys are back in v. */
  for (int shift = 0; shift < 64; shift += 32) {
    radix_pass(v, tmp, n, shift, 16, cnt);
    radix_pass(tmp, v, n, shift + 16, 16, cnt);
  }
  free(tmp);
  free(cnt);
  return 0;
}

void att__radix_hi32(uint64_t *v, uint64_t *tmp, size_t n, uint64_t below) {
  size_t cnt[1 << 11];
  uint64_t *a = v, *b = tmp;
  int bits = 1;
  while (bits < 32 && (below - 1) >> bits) bits++;
  if (n < 32) { /* insertion sort */
    for (size_t i = 1; i < n; i++) {
      uint64_t x = v[i];
      size_t j = i;
      for (; j > 0 && (v[j - 1] >> 32) > (x >> 32); j--) v[j] = v[j - 1];
      v[j] = x;
    }
    return;
  }
  for (int shift = 32; shift < 32 + bits; shift += 11) {
    uint64_t *t = a;
    radix_pass(a, b, n, shift, 11, cnt);
    a = b;
    b = t;
  }
  if (a != v) memcpy(v, a, n * sizeof *v);
}

/* ---- external sorts ------------------------------------------------------- */

typedef struct cursor {
  uint64_t pos, end; /* the run's bytes on the tape not yet read */
  unsigned char *b;
  size_t bl, bp; /* bytes in b, and the current record's start */
} cursor;

struct att__xsort {
  size_t rsize;
  att__xs_cmp cmp;
  unsigned char *buf; /* records; with rsize 0 each is u32 length, bytes */
  size_t blen, bcap;
  size_t *offs; /* rsize 0: where each record starts in buf */
  size_t n, ncap;
  att__tape tape;
  uint64_t *run_end;
  size_t nruns, crun;
  uint64_t count;
  int done;
  size_t mi;       /* the next record, when everything fit */
  cursor *cur;     /* the runs', when not */
  size_t *heap, nheap;
  size_t popped;   /* the cursor last returned, to advance at the next call */
  size_t cbsize;
};

/* qsort has no context argument in C11. */
static const att__xsort *g_xs;
static int fixed_cmp(const void *a, const void *b) {
  return g_xs->cmp(a, g_xs->rsize, b, g_xs->rsize);
}
static int var_cmp(const void *a, const void *b) {
  const unsigned char *x = g_xs->buf + *(const size_t *)a, *y = g_xs->buf + *(const size_t *)b;
  uint32_t nx, ny;
  memcpy(&nx, x, 4);
  memcpy(&ny, y, 4);
  return g_xs->cmp(x + 4, nx, y + 4, ny);
}

att__xsort *att__xsort_new(const char *dir, size_t rsize, att__xs_cmp cmp) {
  att__xsort *x = att__fault(ATT_FAULT_ALLOC) ? NULL : calloc(1, sizeof *x);
  if (!x) return NULL;
  x->rsize = rsize;
  x->cmp = cmp;
  att__tape_init(&x->tape, dir, 0); /* runs go straight to the file */
  return x;
}

void att__xsort_free(att__xsort *x) {
  if (!x) return;
  free(x->buf);
  free(x->offs);
  free(x->run_end);
  if (x->cur)
    for (size_t i = 0; i < x->nruns; i++) free(x->cur[i].b);
  free(x->cur);
  free(x->heap);
  att__tape_free(&x->tape);
  free(x);
}

uint64_t att__xsort_count(const att__xsort *x) { return x->count; }
size_t att__xsort_runs(const att__xsort *x) { return x->nruns; }

static int sort_buf(att__xsort *x) {
  if (x->n < 2) return 0; /* (and buf may be NULL: qsort must not see it) */
  if (x->rsize == 8 && !x->cmp) return att__radix64((uint64_t *)(void *)x->buf, x->n) ? ENOMEM : 0;
  g_xs = x;
  if (x->rsize) qsort(x->buf, x->n, x->rsize, fixed_cmp);
  else qsort(x->offs, x->n, sizeof *x->offs, var_cmp);
  return 0;
}

/* Sort what the buffer holds and append it to the tape as a run. */
static int spill_run(att__xsort *x) {
  int e;
  if (x->n == 0) return 0;
  if ((e = sort_buf(x)) != 0) return e;
  if (x->nruns == x->crun) {
    size_t c = x->crun ? x->crun * 2 : 16;
    uint64_t *v = realloc(x->run_end, c * sizeof *v);
    if (!v) return ENOMEM;
    x->run_end = v;
    x->crun = c;
  }
  if (x->rsize) {
    att__tape_put(&x->tape, x->buf, x->blen);
  } else {
    for (size_t i = 0; i < x->n; i++) {
      uint32_t len;
      memcpy(&len, x->buf + x->offs[i], 4);
      att__tape_put(&x->tape, x->buf + x->offs[i], 4 + (size_t)len);
    }
  }
  if (x->tape.err) return x->tape.err;
  x->run_end[x->nruns++] = x->tape.size;
  x->n = x->blen = 0;
  return 0;
}

int att__xsort_put(att__xsort *x, const void *rec, size_t n) {
  size_t need = x->rsize ? x->rsize : 4 + n;
  /* A radix sort needs as much again while it sorts. */
  size_t budget = x->rsize == 8 && !x->cmp ? att__spill_budget / 2 : att__spill_budget;
  if (x->done || (x->rsize ? n != x->rsize : n > ATT__XS_MAXREC)) return EINVAL;
  if (x->blen + need + (x->rsize ? 0 : (x->n + 1) * sizeof *x->offs) > budget && x->n) {
    int e = spill_run(x);
    if (e) return e;
  }
  if (x->blen + need > x->bcap) {
    size_t cap = x->bcap ? x->bcap * 2 : 4096;
    unsigned char *b;
    while (cap < x->blen + need) cap *= 2;
    if (cap > budget && budget >= x->blen + need) cap = budget;
    if (att__fault(ATT_FAULT_ALLOC) || !(b = realloc(x->buf, cap))) return ENOMEM;
    x->buf = b;
    x->bcap = cap;
  }
  if (!x->rsize) {
    uint32_t len = (uint32_t)n;
    if (x->n == x->ncap) {
      size_t c = x->ncap ? x->ncap * 2 : 512;
      size_t *o = realloc(x->offs, c * sizeof *o);
      if (!o) return ENOMEM;
      x->offs = o;
      x->ncap = c;
    }
    x->offs[x->n] = x->blen;
    memcpy(x->buf + x->blen, &len, 4);
    memcpy(x->buf + x->blen + 4, rec, n);
  } else {
    memcpy(x->buf + x->blen, rec, n);
  }
  x->blen += need;
  x->n++;
  x->count++;
  return 0;
}

/* The current record of cursor c, and its length. */
static const unsigned char *cur_rec(const att__xsort *x, const cursor *c, size_t *n) {
  const unsigned char *p = c->b + c->bp;
  if (x->rsize) {
    *n = x->rsize;
    return p;
  }
  {
    uint32_t len;
    memcpy(&len, p, 4);
    *n = len;
    return p + 4;
  }
}

/* Make the cursor's next record whole in its buffer: 1, 0 at the run's
 * end, or an errno negated. */
static int cur_fill(const att__xsort *x, cursor *c) {
  size_t have = c->bl - c->bp, need = x->rsize ? x->rsize : 4;
  if (have >= need && !x->rsize) {
    uint32_t len;
    memcpy(&len, c->b + c->bp, 4);
    need = 4 + (size_t)len;
  }
  if (have >= need) return 1;
  if (have == 0 && c->pos == c->end) return 0;
  memmove(c->b, c->b + c->bp, have);
  c->bl = have;
  c->bp = 0;
  {
    size_t want = x->cbsize - have;
    int e;
    if (want > c->end - c->pos) want = (size_t)(c->end - c->pos);
    if ((e = att__tape_read((att__tape *)&x->tape, c->pos, c->b + have, want)) != 0) return -e;
    c->pos += want;
    c->bl += want;
  }
  have = c->bl;
  need = x->rsize ? x->rsize : 4;
  if (have >= need && !x->rsize) {
    uint32_t len;
    memcpy(&len, c->b, 4);
    need = 4 + (size_t)len;
  }
  return have >= need ? 1 : -EIO; /* a run cut short: the tape is damaged */
}

static int heap_less(const att__xsort *x, size_t i, size_t j) {
  size_t na, nb;
  const unsigned char *a = cur_rec(x, &x->cur[i], &na), *b = cur_rec(x, &x->cur[j], &nb);
  int c;
  if (x->rsize == 8 && !x->cmp) {
    uint64_t u, v;
    memcpy(&u, a, 8);
    memcpy(&v, b, 8);
    c = u < v ? -1 : u > v;
  } else {
    c = x->cmp(a, na, b, nb);
  }
  return c < 0 || (c == 0 && i < j); /* equal records: the earlier run's first */
}

static void heap_down(att__xsort *x, size_t k) {
  for (;;) {
    size_t l = 2 * k + 1, r = l + 1, m = k;
    if (l < x->nheap && heap_less(x, x->heap[l], x->heap[m])) m = l;
    if (r < x->nheap && heap_less(x, x->heap[r], x->heap[m])) m = r;
    if (m == k) return;
    {
      size_t t = x->heap[k];
      x->heap[k] = x->heap[m];
      x->heap[m] = t;
    }
    k = m;
  }
}

int att__xsort_done(att__xsort *x) {
  int e;
  if (x->done) return 0;
  x->done = 1;
  x->popped = SIZE_MAX;
  if (x->nruns == 0) return sort_buf(x);
  if ((e = spill_run(x)) != 0) return e;
  free(x->buf);
  free(x->offs);
  x->buf = NULL;
  x->offs = NULL;
  x->bcap = x->ncap = 0;
  /* Each run gets a slice of the budget to read through. */
  x->cbsize = att__spill_budget / x->nruns;
  if (x->cbsize < 4 + ATT__XS_MAXREC) x->cbsize = 4 + ATT__XS_MAXREC;
  if (x->rsize && x->cbsize < x->rsize) x->cbsize = x->rsize;
  if (!(x->cur = calloc(x->nruns, sizeof *x->cur)) || !(x->heap = malloc(x->nruns * sizeof *x->heap)))
    return ENOMEM;
  for (size_t i = 0; i < x->nruns; i++) {
    cursor *c = &x->cur[i];
    int r;
    c->pos = i ? x->run_end[i - 1] : 0;
    c->end = x->run_end[i];
    if (!(c->b = malloc(x->cbsize))) return ENOMEM;
    if ((r = cur_fill(x, c)) < 0) return -r;
    if (r) x->heap[x->nheap++] = i;
  }
  for (size_t k = x->nheap / 2; k-- > 0;) heap_down(x, k);
  return 0;
}

int att__xsort_next(att__xsort *x, const void **rec, size_t *n) {
  if (!x->done) return -EINVAL;
  if (x->nruns == 0) {
    const unsigned char *p;
    if (x->mi >= x->n) return 0;
    if (x->rsize) {
      p = x->buf + x->mi * x->rsize;
      *n = x->rsize;
    } else {
      uint32_t len;
      p = x->buf + x->offs[x->mi];
      memcpy(&len, p, 4);
      p += 4;
      *n = len;
    }
    x->mi++;
    *rec = p;
    return 1;
  }
  if (x->popped != SIZE_MAX) {
    /* Move past the record returned last time, which is now at the top. */
    cursor *c = &x->cur[x->popped];
    size_t len;
    int r;
    (void)cur_rec(x, c, &len);
    c->bp += x->rsize ? x->rsize : 4 + len;
    if ((r = cur_fill(x, c)) < 0) return r;
    if (r == 0) x->heap[0] = x->heap[--x->nheap];
    if (x->nheap) heap_down(x, 0);
    x->popped = SIZE_MAX;
  }
  if (x->nheap == 0) return 0;
  x->popped = x->heap[0];
  *rec = cur_rec(x, &x->cur[x->popped], n);
  return 1;
}
