/*
 * What a store lets go of when it reads its files again: the mappings and
 * descriptors of the files a compaction replaced, and the journal's events
 * and changes read into memory.  Gathered into one att_garbage, freed at
 * once or, with a release function set, wherever that function frees it
 * (a server: on a worker thread, off its loop; docs/performance.md).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_int.h"

struct att_garbage {
  att__overlay ov;
  att__jh *jh;
  size_t njh, cjh;
  int jfd;
  size_t nmaps;
  att__mapping maps[]; /* the snapshot, then the history segments */
};

void att_store_set_release(att_store *st, att_release_fn fn, void *ud) {
  st->release = fn;
  st->release_ud = ud;
}

void att_garbage_free(att_garbage *g) {
  if (!g) return;
  for (size_t i = 0; i < g->nmaps; i++) att__mapping_release(&g->maps[i]);
  if (g->jfd >= 0) close(g->jfd);
  att__ov_free(&g->ov);
  att__jh_free(g->jh, g->njh, g->cjh);
  free(g);
}

void att__let_go(att_store *st) {
  att_garbage *g = NULL;
  size_t n = 1 + st->nsegs;
  /* Not under fault injection: without it the same is freed here. */
  if (st->release) g = malloc(sizeof *g + n * sizeof g->maps[0]);
  if (!g) {
    att__jh_clear(st);
    att__segs_close(st);
    att__snap_close(&st->snap);
    if (st->jfd >= 0) close(st->jfd);
    st->jfd = -1;
    att__ov_free(&st->ov);
    return;
  }
  g->nmaps = n;
  att__snap_take(&st->snap, &g->maps[0]);
  for (size_t i = 0; i < st->nsegs; i++) att__snap_take(&st->segs[i], &g->maps[1 + i]);
  st->nsegs = 0;
  att__segs_close(st); /* nothing left to close: resets what goes with them */
  g->jh = st->jh;
  g->njh = st->njh;
  g->cjh = st->cjh;
  st->jh = NULL;
  st->njh = st->cjh = 0;
  att__jh_clear(st);
  g->jfd = st->jfd;
  st->jfd = -1;
  g->ov = st->ov;
  memset(&st->ov, 0, sizeof st->ov);
  st->release(st->release_ud, g);
}
