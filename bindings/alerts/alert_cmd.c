/*
 * The command output of alerts: the operator's command, run as
 * `/bin/sh -c CMD` in a process group of its own, gets the alert as one
 * line of JSON on its standard input (a pipe).  It is started with
 * att_spawn (spawnproc.h), not fork: a fork would leave the daemon's memory
 * copy-on-write, paid for by page faults on its loop.
 *
 * The daemon must never hang on a command.  The pipe is non-blocking and
 * what does not fit is written later; each command has a time limit, after
 * which its whole group is killed; children are reaped one by one by pid
 * (never waitpid(-1), which would steal the children of libuv or of the
 * store).  A command that exits non-zero, dies of a signal or is killed is
 * logged with its status.  With `wait` (simulated clock, `attache run`)
 * each command is finished before the next alert, so output is repeatable.
 */
#define _GNU_SOURCE /* pipe2 */
#include "alert_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "spawnproc.h"

/* Background commands running at once; the next ones wait in a queue,
 * started in order as running ones end (att_alerts_poll), so that the
 * loop never waits for a command. */
#define MAX_KIDS 16

static void start_queued(att_alerts *al);

/* ---- helpers ---------------------------------------------------------- */

static void nap(double seconds) {
  struct timespec ts;
  ts.tv_sec = (time_t)seconds;
  ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static void kid_free(att__alert_kid *k) {
  if (k->wfd >= 0) close(k->wfd);
  free(k->buf);
  free(k->what);
  free(k->script);
  memset(k, 0, sizeof *k);
  k->wfd = -1;
}

/* Write what the pipe takes now.  A command that does not read its input
 * (it exited, or closed stdin) gets no more; SIGPIPE is blocked for the
 * write and a SIGPIPE it raises is taken back, so the process lives on. */
static void feed(att__alert_kid *k) {
  sigset_t pipeset, old, pending;
  int had, broken = 0;
  if (k->wfd < 0) return;
  sigemptyset(&pipeset);
  sigaddset(&pipeset, SIGPIPE);
  sigpending(&pending);
  had = sigismember(&pending, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipeset, &old);
  while (k->off < k->len) {
    ssize_t w = write(k->wfd, k->buf + k->off, k->len - k->off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      broken = errno != EAGAIN && errno != EWOULDBLOCK;
      break;
    }
    k->off += (size_t)w;
  }
  if (broken && errno == EPIPE && !had) {
    struct timespec zero = {0, 0};
    while (sigtimedwait(&pipeset, NULL, &zero) < 0 && errno == EINTR) {}
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (broken || k->off >= k->len) {
    close(k->wfd);
    k->wfd = -1;
  }
}

/* Log how a command ended, if it failed. */
static void report(att_alerts *al, const att__alert_kid *k, int status, int timed_out) {
  const char *cmd = al->o.command;
  if (timed_out)
    att_engine_log(al->e, ATT_LOG_WARN, k->script,
                   "%s: the alert command `%s` did not finish within %gs and was killed", k->what,
                   cmd, al->o.timeout);
  else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    att_engine_log(al->e, ATT_LOG_WARN, k->script,
                   "%s: the alert command `%s` exited with status 127 (command not found?)",
                   k->what, cmd);
  else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    att_engine_log(al->e, ATT_LOG_WARN, k->script, "%s: the alert command `%s` exited with status %d",
                   k->what, cmd, WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    att_engine_log(al->e, ATT_LOG_WARN, k->script, "%s: the alert command `%s` was killed by signal %d (%s)",
                   k->what, cmd, WTERMSIG(status), strsignal(WTERMSIG(status)));
}

/* One step of a running command: 1 if it has ended (reported), 0 if not.
 * Past its deadline it is killed, with everything it started. */
static int step(att_alerts *al, att__alert_kid *k, double now) {
  int status = 0;
  pid_t r;
  feed(k);
  while ((r = waitpid(k->pid, &status, WNOHANG)) < 0 && errno == EINTR) {}
  if (r == k->pid || (r < 0 && errno == ECHILD)) {
    if (r == k->pid) report(al, k, status, 0);
    return 1;
  }
  if (now < k->deadline) return 0;
  kill(-k->pid, SIGKILL);
  kill(k->pid, SIGKILL);
  while (waitpid(k->pid, &status, 0) < 0 && errno == EINTR) {}
  report(al, k, status, 1);
  return 1;
}

/* Run k to its end (or its deadline). */
static void finish(att_alerts *al, att__alert_kid *k) {
  double pause = 0.0002;
  while (!step(al, k, att_monotonic())) {
    if (k->wfd >= 0) {
      struct pollfd p = {k->wfd, POLLOUT, 0};
      poll(&p, 1, 10);
    } else {
      nap(pause);
      if (pause < 0.02) pause *= 2;
    }
  }
  kid_free(k);
}

/* ---- the interface ---------------------------------------------------- */

int att_alerts_poll(att_engine *e) {
  att_alerts *al = e ? e->alerts : NULL;
  double now = att_monotonic();
  size_t i, j;
  if (!al) return 0;
  att__outbox_pump(al);
  for (i = j = 0; i < al->nkids; i++) {
    if (step(al, &al->kids[i], now)) kid_free(&al->kids[i]);
    else al->kids[j++] = al->kids[i];
  }
  al->nkids = j;
  start_queued(al);
  return (int)(al->nkids + al->nqueue - al->qhead);
}

static void finish_oldest(att_alerts *al) {
  finish(al, &al->kids[0]);
  memmove(al->kids, al->kids + 1, --al->nkids * sizeof *al->kids);
}

void att__alert_cmd_finish(att_alerts *al) {
  size_t i;
  while (al->qhead < al->nqueue) { /* fired alerts: their commands still run */
    if (al->nkids >= MAX_KIDS) finish_oldest(al);
    start_queued(al);
  }
  for (i = 0; i < al->nkids; i++) finish(al, &al->kids[i]);
  free(al->kids);
  free(al->queue);
  al->kids = al->queue = NULL;
  al->nkids = al->capkids = al->qhead = al->nqueue = al->capqueue = 0;
}

static char *describe(const att_alert *a) {
  const char *s = a->key ? a->key : a->title;
  size_t n = strlen(s) + 16;
  char *d = malloc(n);
  if (d) snprintf(d, n, "alert \"%s\"", s);
  return d;
}

/* Start k's command and keep it among the running ones (or, with
 * `wait`, run it to its end).  Problems are logged and k freed. */
static void launch(att_alerts *al, att__alert_kid *k) {
  static char sh[] = "sh", dashc[] = "-c";
  char *argv[] = {sh, dashc, al->o.command, NULL};
  int fds[2], cfd[3] = {-1, 1, 2}, rc;
  if (al->nkids == al->capkids) {
    size_t cap = al->capkids ? al->capkids * 2 : 4;
    att__alert_kid *nk = realloc(al->kids, cap * sizeof *nk);
    if (!nk) {
      att_engine_log(al->e, ATT_LOG_WARN, k->script, "%s: alert command: out of memory", k->what);
      kid_free(k);
      return;
    }
    al->kids = nk;
    al->capkids = cap;
  }
  if (pipe2(fds, O_CLOEXEC) != 0) { /* other children must not hold them */
    att_engine_log(al->e, ATT_LOG_WARN, k->script, "%s: cannot run the alert command: pipe: %s",
                   k->what, strerror(errno));
    kid_free(k);
    return;
  }
  /* Its stdin is the pipe; stdout and stderr are the daemon's. */
  cfd[0] = fds[0];
  rc = att_spawn("/bin/sh", argv, cfd, ATT_SPAWN_PGROUP, &k->pid);
  close(fds[0]);
  if (rc != 0) {
    att_engine_log(al->e, ATT_LOG_WARN, k->script, "%s: cannot run the alert command: %s", k->what,
                   att_errmsg());
    close(fds[1]);
    kid_free(k);
    return;
  }
  k->wfd = fds[1];
  fcntl(k->wfd, F_SETFL, fcntl(k->wfd, F_GETFL) | O_NONBLOCK);
  k->deadline = att_monotonic() + al->o.timeout;
  if (al->o.wait) {
    finish(al, k);
    return;
  }
  feed(k);
  al->kids[al->nkids++] = *k;
}

/* Start the queued commands while fewer than MAX_KIDS run. */
static void start_queued(att_alerts *al) {
  while (al->qhead < al->nqueue && al->nkids < MAX_KIDS) {
    att__alert_kid k = al->queue[al->qhead++];
    launch(al, &k);
  }
  if (al->qhead == al->nqueue) al->qhead = al->nqueue = 0;
}

void att__alert_cmd_start(att_alerts *al, const att_alert *a, char *json, size_t len) {
  att__alert_kid k;
  memset(&k, 0, sizeof k);
  k.wfd = -1;
  k.buf = json;
  k.len = len;
  k.what = describe(a);
  k.script = a->script ? strdup(a->script) : NULL;
  if (!k.what || (a->script && !k.script)) {
    att_engine_log(al->e, ATT_LOG_WARN, a->script, "alert command: out of memory");
    kid_free(&k);
    return;
  }
  if (!al->o.wait && (al->nkids >= MAX_KIDS || al->qhead < al->nqueue)) {
    if (al->nqueue == al->capqueue) {
      size_t cap = al->capqueue ? al->capqueue * 2 : 16;
      att__alert_kid *nq;
      if (al->qhead > 0) { /* room at the front first */
        memmove(al->queue, al->queue + al->qhead, (al->nqueue - al->qhead) * sizeof *nq);
        al->nqueue -= al->qhead;
        al->qhead = 0;
      } else if ((nq = realloc(al->queue, cap * sizeof *nq)) != NULL) {
        al->queue = nq;
        al->capqueue = cap;
      } else {
        att_engine_log(al->e, ATT_LOG_WARN, a->script, "%s: alert command: out of memory", k.what);
        kid_free(&k);
        return;
      }
    }
    al->queue[al->nqueue++] = k;
    return;
  }
  launch(al, &k);
}
