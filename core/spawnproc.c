/*
 * att_spawn: posix_spawn with what every child of attache needs (spawnproc.h
 * says why not fork).
 */
#include "spawnproc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>

#include "error.h"

extern char **environ;

int att_spawn(const char *path, char *const argv[], const int fd[3], int flags, pid_t *pid) {
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  sigset_t all, none;
  int use[3], moved[3] = {-1, -1, -1}, rc;
  *pid = -1;
  /* A descriptor among 0..2 that is to become another one is moved up
   * first, so that the child's dup2 of one cannot overwrite another. */
  for (int i = 0; i < 3; i++) {
    use[i] = fd[i];
    /* One of ours that is closed (a daemon started without a stdout):
     * the child gets /dev/null there, as posix_spawn's dup2 would fail. */
    if (use[i] >= 0 && fcntl(use[i], F_GETFD) < 0) use[i] = -1;
    if (use[i] >= 0 && use[i] < 3 && use[i] != i) {
      if ((moved[i] = fcntl(use[i], F_DUPFD_CLOEXEC, 3)) < 0) {
        rc = att__err(ATT_EIO, "cannot run \"%s\": %s", path, strerror(errno));
        goto out_moved;
      }
      use[i] = moved[i];
    }
  }
  if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
    rc = att__err(ATT_ENOMEM, "cannot run \"%s\": %s", path, strerror(rc));
    goto out_moved;
  }
  if ((rc = posix_spawnattr_init(&at)) != 0) {
    posix_spawn_file_actions_destroy(&fa);
    rc = att__err(ATT_ENOMEM, "cannot run \"%s\": %s", path, strerror(rc));
    goto out_moved;
  }
  rc = 0;
  for (int i = 0; i < 3 && rc == 0; i++)
    /* dup2 onto itself clears close-on-exec (glibc 2.29 and later). */
    rc = use[i] < 0 ? posix_spawn_file_actions_addopen(&fa, i, "/dev/null", O_RDWR, 0)
                    : posix_spawn_file_actions_adddup2(&fa, use[i], i);
  /* The daemon ignores SIGPIPE and catches the stop signals: a child
   * must not inherit an ignored signal, nor a blocked one. */
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  sigemptyset(&none);
  if (rc == 0) rc = posix_spawnattr_setsigdefault(&at, &all);
  if (rc == 0) rc = posix_spawnattr_setsigmask(&at, &none);
  if (rc == 0 && (flags & ATT_SPAWN_PGROUP)) rc = posix_spawnattr_setpgroup(&at, 0);
  if (rc == 0)
    rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
                                           (flags & ATT_SPAWN_PGROUP ? POSIX_SPAWN_SETPGROUP : 0));
  if (rc == 0) rc = posix_spawn(pid, path, &fa, &at, argv, environ);
  posix_spawnattr_destroy(&at);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    *pid = -1;
    rc = att__err(rc == ENOMEM ? ATT_ENOMEM : ATT_EIO, "cannot run \"%s\": %s", path, strerror(rc));
  }
out_moved:
  for (int i = 0; i < 3; i++)
    if (moved[i] >= 0) close(moved[i]);
  return rc;
}
