/*
 * Compaction for the daemon.  A compaction rewrites the whole snapshot
 * (about 1.6 s for a million events), and the daemon's loop must not stop
 * for it: reminders and rules would fire late.  So the daemon opens its
 * store with ATT_OPEN_NO_AUTOCOMPACT and, when the journal has grown long,
 * runs `attache compact` in a child process.  The loop goes on reading its
 * own view (the old snapshot stays mapped after the rename) and picks up
 * the new generation at its next refresh.  A write by a script while the
 * child runs waits for the store's lock, as any other writer's would.
 * If the child cannot be started, the daemon compacts by itself.
 */
#include "daemon_int.h"

#include <string.h>

#define RETRY_MS 60000 /* after a failed compaction */

static void on_closed(uv_handle_t *h) {
  att_daemon *d = h->data;
  d->nhandles--;
  d->compacting = 0;
}

static void on_exit(att__child *c, int64_t status, int signum) {
  att_daemon *d = c->sig.data;
  uint64_t ms = (uv_hrtime() - d->compact_began) / 1000000u;
  if (status == 0 && signum == 0) {
    att__log(d, ATT_LOG_INFO, NULL, "compaction finished in %llu ms (in a child process)",
             (unsigned long long)ms);
  } else {
    att__log(d, ATT_LOG_ERROR, NULL,
             "the compaction process %s %d after %llu ms; the store is unchanged, and it is "
             "tried again in %d s",
             signum ? "was killed by signal" : "exited with status", signum ? signum : (int)status,
             (unsigned long long)ms, RETRY_MS / 1000);
    d->compact_retry = uv_now(&d->loop) + RETRY_MS;
  }
  uv_close((uv_handle_t *)&c->sig, on_closed); /* the next poll picks up the new snapshot */
}

/* Compact on the loop itself: the fallback when no child can run. */
static void compact_here(att_daemon *d, const char *why) {
  uint64_t t0 = uv_hrtime();
  att__log(d, ATT_LOG_WARN, NULL, "cannot run the compaction in a child process (%s); "
           "compacting here, the loop waits", why);
  if (att_store_compact(d->e->store) != 0) {
    att__log(d, ATT_LOG_ERROR, NULL, "compaction failed (the store is unchanged): %s",
             att_errmsg());
    d->compact_retry = uv_now(&d->loop) + RETRY_MS;
    return;
  }
  att__log(d, ATT_LOG_INFO, NULL, "compaction finished in %llu ms",
           (unsigned long long)((uv_hrtime() - t0) / 1000000u));
}

void att__compact_check(att_daemon *d) {
  char *args[5];
  int fd[3] = {-1, -1, 2}; /* its one line of success is not needed: the log says it; its
                           * errors go where the daemon's log goes */
  int rc;
  if (d->compacting || d->finished || d->e->store == NULL ||
      !att_store_compact_due(d->e->store) || uv_now(&d->loop) < d->compact_retry)
    return;
  args[0] = (char *)"attache";
  args[1] = (char *)"--store";
  args[2] = d->store_dir;
  args[3] = (char *)"compact";
  args[4] = NULL;
  d->compactor.sig.data = d;
  d->compact_began = uv_hrtime();
  if ((rc = att__child_start(&d->loop, &d->compactor, args, fd, on_exit)) != 0) {
    /* the handle is initialised and must still be closed */
    d->compacting = 1;
    d->nhandles++;
    uv_close((uv_handle_t *)&d->compactor.sig, on_closed);
    compact_here(d, att_errmsg());
    return;
  }
  d->compacting = 1;
  d->nhandles++;
  /* What the loop spent here is all the compaction costs it. */
  att__log(d, ATT_LOG_INFO, NULL,
           "the journal is long: compacting in a child process (pid %d, started in %.1f ms)",
           d->compactor.pid, (double)(uv_hrtime() - d->compact_began) / 1e6);
}
