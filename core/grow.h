/*
 * Arrays that grow without a copy (core/grow.c).  The journal's arrays
 * (the overlay's entries, the history's changes) double as a server takes
 * writes; grown by realloc, a doubling past a few hundred kilobytes is a
 * copy into fresh memory, a page fault per 4 KiB: 11 ms for 4.4 MB on
 * this machine, on the daemon's loop (docs/performance.md).  Past
 * ATT__GROW_MAP bytes an array is a mapping of its own, grown by mremap,
 * which moves the pages and copies nothing.
 *
 * The caller keeps the size (capacity times element size) and passes it
 * to each call: the size says which allocator holds the block.
 */
#ifndef ATT_GROW_H
#define ATT_GROW_H

#include <stddef.h>

#define ATT__GROW_MAP ((size_t)256 << 10)

/* p (of old bytes; NULL and 0 at first) made size bytes, size > old: the
 * block, moved or not, or NULL (p unchanged) when memory runs out. */
void *att__grow(void *p, size_t old, size_t size);
/* Free p, of size bytes (NULL: nothing). */
void att__grow_free(void *p, size_t size);

#endif
