/*
 * Abandoning a stuck script without stopping the daemon.
 *
 * A callback still inside a C function ATT__GRACE past its deadline (a
 * print() to a pipe nobody reads, a disk that hangs) cannot be unwound:
 * its Lua state cannot be closed under the C frame that runs, and
 * longjmp-ing out of a signal handler could leave malloc's or stdio's lock
 * held.  What can be done from a signal handler is execve(2).  So the
 * daemon restarts in place: the same pid, the same arguments, a fresh
 * image that loads every script but the stuck one.
 *
 * Two environment variables carry what the new image must know:
 *   ATTACHE__RESUME=T       the last instant fully processed: the new image
 *                           starts from there as from the state file, so
 *                           the work that fell due meanwhile is made up;
 *   ATTACHE__QUARANTINE=... the scripts to leave out, each as
 *                           "ino,size,sec,nsec,NAME/": the file as it was.
 * A quarantined script loads again when its file changes (or when the
 * daemon is started anew).  Everything the handler does is
 * async-signal-safe: it reads the daemon's tables (the loop is stopped
 * inside the stuck call, so nothing changes them), formats integers by
 * hand, closes every descriptor above stderr (the store's locks go with
 * them; the store is crash-safe) and calls execve.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "daemon_int.h"

extern char **environ;

#define RESUME_VAR "ATTACHE__RESUME="
#define QUAR_VAR "ATTACHE__QUARANTINE="

static att_daemon *target;
static char **new_env;   /* the environment without our two variables, and room for them */
static size_t nenv;
static char resume_buf[64];
static char quar_buf[65536];

/* ---- async-signal-safe formatting ---------------------------------------- */

typedef struct {
  char *p, *end;
} sbuf;

static int put(sbuf *b, const char *s, size_t n) {
  if ((size_t)(b->end - b->p) <= n) return -1; /* keep room for the NUL */
  memcpy(b->p, s, n);
  b->p += n;
  *b->p = '\0';
  return 0;
}

static int put_int(sbuf *b, int64_t v) {
  char tmp[24];
  size_t n = 0;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do tmp[sizeof tmp - 1 - n++] = (char)('0' + u % 10);
  while ((u /= 10) != 0);
  if (v < 0) tmp[sizeof tmp - 1 - n++] = '-';
  return put(b, tmp + sizeof tmp - n, n);
}

static int put_entry(sbuf *b, const char *name, const int64_t sig[4]) {
  char *mark = b->p;
  for (int i = 0; i < 4; i++)
    if (put_int(b, sig[i]) != 0 || put(b, ",", 1) != 0) goto full;
  if (put(b, name, strlen(name)) != 0 || put(b, "/", 1) != 0) goto full;
  return 0;
full: /* it does not fit: left out (it loads again, at worst) */
  b->p = mark;
  *mark = '\0';
  return -1;
}

static void on_stuck(att_script *s, void *ud) {
  att_daemon *d = ud;
  att__dscript *stuck = NULL;
  sbuf b;
  struct itimerval off;
  if (d == NULL || d != target || new_env == NULL) return;
  if (d->loading && d->loading->s == s) stuck = d->loading;
  for (size_t i = 0; stuck == NULL && i < d->nscripts; i++)
    if (d->scripts[i]->s == s) stuck = d->scripts[i];
  if (stuck == NULL) return;
  b.p = quar_buf;
  b.end = quar_buf + sizeof quar_buf;
  if (put(&b, QUAR_VAR, strlen(QUAR_VAR)) != 0) return;
  put_entry(&b, stuck->name, stuck->sig);
  for (size_t i = 0; i < d->nscripts; i++)
    if (d->scripts[i]->quarantined) put_entry(&b, d->scripts[i]->name, d->scripts[i]->badsig);
  b.p = resume_buf;
  b.end = resume_buf + sizeof resume_buf;
  if (put(&b, RESUME_VAR, strlen(RESUME_VAR)) != 0 || put_int(&b, d->resume) != 0) return;
  new_env[nenv] = resume_buf;
  new_env[nenv + 1] = quar_buf;
  new_env[nenv + 2] = NULL;
  memset(&off, 0, sizeof off); /* an interval timer outlives execve */
  setitimer(ITIMER_REAL, &off, NULL);
#ifdef SYS_close_range
  if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
#endif
    for (int fd = 3; fd < 65536; fd++) close(fd);
  execve("/proc/self/exe", d->o.argv, new_env);
  /* Failed: the watchdog ends the process (its descriptors are gone). */
}

/* ---- set-up in the daemon --------------------------------------------------- */

static int parse_entry(const char **pp, att__quar *q) {
  const char *p = *pp, *slash;
  char *end;
  for (int i = 0; i < 4; i++) {
    errno = 0;
    q->sig[i] = strtoll(p, &end, 10);
    if (errno != 0 || end == p || *end != ',') return -1;
    p = end + 1;
  }
  if ((slash = strchr(p, '/')) == NULL || slash == p) return -1;
  if ((q->name = strndup(p, (size_t)(slash - p))) == NULL) return -1;
  *pp = slash + 1;
  return 0;
}

int att__restart_prepare(att_daemon *d) {
  const char *r = getenv("ATTACHE__RESUME"), *q = getenv("ATTACHE__QUARANTINE");
  size_t n = 0;
  sigset_t set;
  /* Whatever the previous image blocked in its handler stays blocked
   * across execve: take the stop signals back. */
  sigemptyset(&set);
  sigaddset(&set, SIGALRM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  if (r != NULL) {
    char *end;
    long long v;
    errno = 0;
    v = strtoll(r, &end, 10);
    if (errno == 0 && end != r && *end == '\0') {
      d->resumed = 1;
      d->resume_from = (att_time)v;
    }
  }
  while (q != NULL && *q) {
    att__quar e, *nv;
    memset(&e, 0, sizeof e);
    if (parse_entry(&q, &e) != 0) break;
    if ((nv = realloc(d->quar, (d->nquar + 1) * sizeof *nv)) == NULL) {
      free(e.name);
      break;
    }
    d->quar = nv;
    d->quar[d->nquar++] = e;
  }
  /* Not for the children (alert commands, the compactor). */
  unsetenv("ATTACHE__RESUME");
  unsetenv("ATTACHE__QUARANTINE");
  if (d->o.argv == NULL || d->o.argv[0] == NULL) return 0; /* no restart: the process ends */
  for (char **e = environ; e && *e; e++) n++;
  if ((new_env = malloc((n + 3) * sizeof *new_env)) == NULL) return 0;
  nenv = 0;
  for (char **e = environ; e && *e; e++)
    if (strncmp(*e, RESUME_VAR, strlen(RESUME_VAR)) != 0 && strncmp(*e, QUAR_VAR, strlen(QUAR_VAR)) != 0)
      new_env[nenv++] = *e;
  new_env[nenv] = NULL;
  target = d;
  att_watchdog_on_stuck(on_stuck, d);
  return 0;
}

int att__restart_quarantined(att_daemon *d, const char *name, const int64_t sig[4]) {
  for (size_t i = 0; i < d->nquar; i++)
    if (strcmp(d->quar[i].name, name) == 0)
      return memcmp(d->quar[i].sig, sig, sizeof d->quar[i].sig) == 0;
  return 0;
}

void att__restart_free(att_daemon *d) {
  att_watchdog_on_stuck(NULL, NULL);
  target = NULL;
  free(new_env);
  new_env = NULL;
  for (size_t i = 0; i < d->nquar; i++) free(d->quar[i].name);
  free(d->quar);
  d->quar = NULL;
  d->nquar = 0;
}
