/*
 * A TEST HOOK, not an API: fault injection in the store's I/O, the way
 * SQLite tests its error paths.  Each write, sync, rename, open, truncate,
 * map and allocation of the store's write paths calls att__fault(site)
 * first; when the hook says so, the call is not made and fails with the
 * errno the test chose (ENOSPC, EIO, EINTR...), so the store's own error
 * path runs.  A write site may instead be made short (half the bytes).
 *
 * Off (the default, and always outside tests) att__fault() is one load of
 * a global and one branch that is always predicted not taken.
 *
 * Tests arm it with att_fault_arm(k, persist, sites, err): the k-th hooked
 * call (counting from 1, among `sites`) fails; with `persist`, every
 * matching call after it fails too.  att_fault_off() disarms it and
 * returns the number of faults injected.  docs/reliability.md describes
 * the campaign (tests/unit/test_faults.c).
 */
#ifndef ATT_FAULT_H
#define ATT_FAULT_H

#include <stddef.h>

enum {
  ATT_FAULT_WRITE = 0, /* write, pwrite, fwrite (via fflush) */
  ATT_FAULT_SYNC,      /* fsync, fdatasync */
  ATT_FAULT_RENAME,
  ATT_FAULT_OPEN,
  ATT_FAULT_TRUNC,     /* ftruncate */
  ATT_FAULT_MMAP,
  ATT_FAULT_ALLOC,     /* malloc, realloc, calloc of the store */
  ATT_FAULT_NSITES
};
#define ATT_FAULT_ALL ((1u << ATT_FAULT_NSITES) - 1)
#define ATT_FAULT_SHORT (-1) /* err for att_fault_arm: short writes, not errors */
#define ATT_FAULT_SHORTFAIL (-2) /* the k-th call short (if a write), ENOSPC after */

extern int att__fault_armed;
int att__fault_hit(int site);
/* Nonzero: fail this call (errno is set). */
#define att__fault(site) (att__fault_armed ? att__fault_hit(site) : 0)
/* At a write site: the byte count to write now (n, or n/2 when a short
 * write is due; att__fault(ATT_FAULT_WRITE) is then 0 for that call). */
size_t att__fault_len_(size_t n);
#define att__fault_len(n) (att__fault_armed ? att__fault_len_(n) : (n))

void att_fault_arm(long k, int persist, unsigned sites, int err);
long att_fault_off(void);
/* Hooked calls seen since armed (to know when k went past the end). */
long att_fault_calls(void);
/* Name of a site ("write", "sync", ...). */
const char *att_fault_site_name(int site);

#endif
