/*
 * The daemon's children (the compaction, the reader, reports): started
 * with att_spawn rather than uv_spawn, whose fork left every page of the
 * daemon's memory copy-on-write, so that the loop took a page fault on
 * its next write to each of them (a write after each compaction held the
 * loop 10-25 ms at 100,000 events; docs/performance.md).  libuv then
 * cannot see their end: a SIGCHLD watcher per child reaps its pid, and no
 * one else's (never waitpid(-1)).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon_int.h"
#include "error.h"
#include "spawnproc.h"

/* Any child's end wakes every watcher; each reaps its own, once. */
static void on_sigchld(uv_signal_t *h, int signum) {
  att__child *c = (att__child *)h;
  int status;
  pid_t r;
  (void)signum;
  if (c->pid <= 0) return;
  while ((r = waitpid(c->pid, &status, WNOHANG)) < 0 && errno == EINTR) {}
  if (r == 0 || (r < 0 && errno != ECHILD)) return;
  c->pid = 0;
  uv_signal_stop(h);
  if (r < 0) c->exit_cb(c, -1, 0); /* reaped by someone else: its status is not known */
  else if (WIFSIGNALED(status)) c->exit_cb(c, 0, WTERMSIG(status));
  else c->exit_cb(c, WEXITSTATUS(status), 0);
}

int att__child_start(uv_loop_t *loop, att__child *c, char *const argv[], const int fd[3],
                     att__child_exit exit_cb) {
  void *data = c->sig.data;
  pid_t pid;
  int rc;
  c->pid = 0;
  c->exit_cb = exit_cb;
  /* Cannot fail on a loop that watches a signal already (the daemon's
   * stop signals): its signal pipe is made. */
  if ((rc = uv_signal_init(loop, &c->sig)) != 0)
    return att__err(ATT_EIO, "cannot start \"%s\": %s", argv[0], uv_strerror(rc));
  c->sig.data = data;
  /* Watching before it starts: a child that ends at once is not missed. */
  if ((rc = uv_signal_start(&c->sig, on_sigchld, SIGCHLD)) != 0)
    return att__err(ATT_EIO, "cannot start \"%s\": %s", argv[0], uv_strerror(rc));
  /* This very program, whatever became of its file: an upgrade that
   * replaced it leaves the name ending in " (deleted)" (the reader failed
   * to start with "No such file"), and a child of a newer program would
   * not speak the daemon's protocol.  The running image is opened once,
   * through /proc/self/exe, and run as /proc/self/fd/N: not /proc/self/exe
   * itself, which under valgrind is valgrind's tool (valgrind gives the
   * program's own file to an open of it). */
  static int self = -1;
  char path[40];
  if (self < 0 && (self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) < 0)
    return att__err(ATT_EIO, "cannot start \"%s\": cannot open the program itself: %s", argv[0],
                    strerror(errno));
  snprintf(path, sizeof path, "/proc/self/fd/%d", self);
  if ((rc = att_spawn(path, argv, fd, 0, &pid)) != 0) {
    uv_signal_stop(&c->sig);
    return rc;
  }
  /* Set before the loop runs again, which is when a SIGCHLD of a child
   * that ended at once is handed to the watcher. */
  c->pid = pid;
  return 0;
}

int att__child_kill(att__child *c, int signum) {
  if (c->pid <= 0) return UV_ESRCH;
  return kill(c->pid, signum) == 0 ? 0 : uv_translate_sys_error(errno);
}

int att__child_pipe(uv_pipe_t *p, int to_child, int *child_fd) {
  int fds[2], rc;
  *child_fd = -1;
  /* A socket pair, as uv_spawn made: its buffer holds a 160 KB answer of
   * the reader whole, where a pipe's 64 KB would take three turns. */
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return uv_translate_sys_error(errno);
  if ((rc = uv_pipe_open(p, fds[to_child ? 1 : 0])) != 0) {
    close(fds[0]);
    close(fds[1]);
    return rc;
  }
  *child_fd = fds[to_child ? 0 : 1];
  return 0;
}
