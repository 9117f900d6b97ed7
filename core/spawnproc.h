/*
 * Starting another program without copying this one.
 *
 * fork(2) copies the page tables of the whole process and marks every
 * page of its memory copy-on-write, even when the child runs exec at
 * once: the parent then takes a page fault on the first write to each
 * page (about 10 us each on a virtual machine), so a daemon holding a
 * large store stalled for tens of milliseconds after each child it
 * started (docs/performance.md).  att_spawn uses posix_spawn(3), which
 * glibc runs as clone(CLONE_VM | CLONE_VFORK): nothing is copied, and the
 * parent's memory stays its own.
 */
#ifndef ATT_SPAWNPROC_H
#define ATT_SPAWNPROC_H

#include <sys/types.h>

enum {
  ATT_SPAWN_PGROUP = 1 /* the child leads a process group of its own */
};

/* Run path with argv (argv[0] included, NULL-terminated) and this
 * process's environment.  fd[i] becomes the child's descriptor i
 * (0, 1, 2); -1, or one that is not open, gives it /dev/null.  The child starts with every signal's
 * default action and none blocked.  Other descriptors are not passed on:
 * those of this program are all opened close-on-exec.  0 and *pid set,
 * or a negative error code with a message naming path (also when the
 * program cannot be executed: posix_spawn reports that failure). */
int att_spawn(const char *path, char *const argv[], const int fd[3], int flags, pid_t *pid);

#endif
