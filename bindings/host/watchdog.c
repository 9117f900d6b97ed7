/*
 * The watchdog: what stops a script when the instruction hook alone would
 * not be in time.
 *
 * The count hook checks the call's deadline every ATT__HOOK_STEP
 * instructions, and the bounded C functions check it as they charge their
 * work; but a thousand instructions that each call a slow C function, or a
 * signal that arrives while a callback runs, must not wait for that.  So:
 *
 *  - A call with a deadline (max-time) arms a one-shot interval timer for
 *    it.  When it rings, the handler sets the running script's hook to fire
 *    at the next instruction: the hook sees the deadline passed and stops
 *    the call.  Setting a hook from a signal handler is what lua.c does on
 *    SIGINT; Lua documents lua_sethook as safe there.
 *  - If the call is still running ATT__GRACE seconds later, it is stuck in
 *    C code that never returns to Lua (busy, or asleep in a system call
 *    such as io.read on a pipe).  The grace leaves out the time the thread
 *    spent waiting for a CPU (the kernel's run-queue delay, from
 *    /proc/thread-self/schedstat): a call that a busy machine did not let
 *    run is not stuck (one under ASan on two loaded cores lost 0.4 s of
 *    its 0.5 s that way and was ended).  ATT__GRACE_WALL graces on the
 *    wall clock end it whatever the machine.  Nothing can unwind it from outside
 *    (its Lua state cannot be closed under it), so the process ends: a line
 *    on stderr says which script and why, and the exit status is
 *    ATT__STUCK_EXIT.  The store is crash-safe: nothing acknowledged is lost,
 *    and the daemon's state file makes up the missed work after a restart.
 *    The daemon does not end: it registers att_watchdog_on_stuck and
 *    replaces its own image with a fresh one that leaves the stuck script
 *    out (daemon_restart.c), so the other scripts go on.
 *  - In the daemon, SIGINT and SIGTERM set a flag that the hook reads (the
 *    running callback stops at its next instruction with "stopped: the
 *    daemon is shutting down"), wake the loop through `wake` (uv_async_send
 *    is async-signal-safe), and arm the same grace: the daemon is gone
 *    within ATT__GRACE of the signal whatever a script does.
 *
 * One call runs at a time in a process (the host is single-threaded), so
 * one timer and one "running" pointer suffice.
 */
#include "host_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "duration.h"
#include "error.h"

volatile sig_atomic_t att__interrupt;

static att_script *volatile running;
static volatile sig_atomic_t phase; /* 0: before the deadline; 1: in the grace */
static struct timespec grace_wall0; /* the monotonic clock when the grace began */
static double grace_wait0;          /* the thread's run-queue delay then, seconds */
static char schedstat[64];          /* the path of the script thread's schedstat */
static int armed;                   /* the timer is set (saves a system call per call) */
static void (*wake_fn)(void *);
static void *wake_ud;
static void (*stuck_fn)(att_script *, void *);
static void *stuck_ud;
static int installed;
/* Seconds from the deadline (or a stop signal) to "stuck": ATT__GRACE, or
 * ATTACHE_GRACE from the environment (for instrumented runs such as
 * valgrind, where a bounded C function can take seconds between checks);
 * read before any handler can need it. */
static double grace = ATT__GRACE;

static void load_grace(void) {
  const char *s = getenv("ATTACHE_GRACE");
  double v;
  if (s == NULL || *s == '\0') return;
  if (att_seconds_read(s, &v) == 0 && v >= 0.1 && v <= 3600) grace = v;
}

double att_watchdog_grace(void) { return grace; }

static void say(const char *a, const char *b, const char *c) {
  /* write(2) only: this runs in a signal handler. */
  if (write(STDERR_FILENO, a, strlen(a)) < 0 || (b && write(STDERR_FILENO, b, strlen(b)) < 0) ||
      (c && write(STDERR_FILENO, c, strlen(c)) < 0)) {
  }
}

static void arm(double seconds) {
  struct itimerval it;
  memset(&it, 0, sizeof it);
  armed = seconds > 0;
  if (seconds > 0) {
    if (seconds < 1e-6) seconds = 1e-6;
    it.it_value.tv_sec = (time_t)seconds;
    it.it_value.tv_usec = (suseconds_t)((seconds - (double)it.it_value.tv_sec) * 1e6);
    if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0) it.it_value.tv_usec = 1;
  }
  setitimer(ITIMER_REAL, &it, NULL);
}

/* Seconds from a to b. */
static double span(const struct timespec *a, const struct timespec *b) {
  return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Seconds the script's thread has waited for a CPU since it began (the
 * second number of its schedstat, in nanoseconds), or 0 where the kernel
 * does not say.  open, read and close only: this runs in a signal
 * handler. */
static double run_wait(void) {
  char buf[96];
  ssize_t n;
  int fd, i = 0;
  unsigned long long ns = 0;
  if (schedstat[0] == '\0' || (fd = open(schedstat, O_RDONLY | O_CLOEXEC)) < 0) return 0;
  n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  while (buf[i] >= '0' && buf[i] <= '9') i++; /* the time on a CPU */
  if (buf[i++] != ' ') return 0;
  while (buf[i] >= '0' && buf[i] <= '9') ns = ns * 10 + (unsigned long long)(buf[i++] - '0');
  return (double)ns / 1e9;
}

/* The grace begins: the call stops at its next instruction, or is
 * declared stuck once the grace has passed with the CPU at its disposal.
 * clock_gettime is async-signal-safe (POSIX.1-2008). */
static void begin_grace(att_script *s) {
  lua_State *cur = s->current;
  phase = 1;
  lua_sethook(s->L, att__sandbox_hook, LUA_MASKCOUNT, 1);
  if (cur && cur != s->L) lua_sethook(cur, att__sandbox_hook, LUA_MASKCOUNT, 1);
  clock_gettime(CLOCK_MONOTONIC, &grace_wall0);
  grace_wait0 = run_wait();
  arm(grace);
}

/* The grace's timer rang: the seconds of it still owed (the time the
 * thread spent waiting for a CPU), or 0 if the call is stuck. */
static double grace_owed(void) {
  struct timespec now;
  double waited, queued, ran;
  if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) return 0;
  waited = span(&grace_wall0, &now);
  queued = run_wait() - grace_wait0;
  ran = waited - (queued > 0 ? queued : 0);
  if (ran >= grace || waited >= grace * ATT__GRACE_WALL) return 0;
  return grace - ran < 0.01 ? 0.01 : grace - ran;
}

static void on_alarm(int sig) {
  att_script *s = running;
  int saved = errno;
  (void)sig;
  if (s != NULL) {
    double owed;
    if (phase == 0) {
      /* The deadline: stop at the next instruction. */
      begin_grace(s);
    } else if ((owed = grace_owed()) > 0) {
      arm(owed); /* the machine was busy: the call has not had its grace yet */
    } else {
      if (!att__interrupt && stuck_fn) stuck_fn(s, stuck_ud); /* returns only if it failed */
      say("attache: ", s->name,
          att__interrupt ? ": still running inside a C function after a stop signal; the process ends now "
                           "(the store is intact)\n"
                         : ": still running inside a C function past its time limit (max-time) and the grace "
                           "period; the process ends now (the store is intact)\n");
      _exit(att__interrupt ? 0 : ATT__STUCK_EXIT);
    }
  }
  errno = saved;
}

static void on_stop(int sig) {
  att_script *s = running;
  int saved = errno;
  (void)sig;
  att__interrupt = 1;
  if (s != NULL && phase == 0) begin_grace(s);
  if (wake_fn) wake_fn(wake_ud);
  errno = saved;
}

static int install(int sig, void (*fn)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGALRM);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  sa.sa_flags = SA_RESTART;
  return sigaction(sig, &sa, NULL);
}

int att_watchdog_signals(void (*wake)(void *), void *ud) {
  load_grace();
  wake_fn = wake;
  wake_ud = ud;
  if (install(SIGINT, on_stop) != 0 || install(SIGTERM, on_stop) != 0)
    return att__err(ATT_EIO, "cannot install the handlers of SIGINT and SIGTERM: %s", strerror(errno));
  return 0;
}

void att_watchdog_release(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  wake_fn = NULL;
  wake_ud = NULL;
  stuck_fn = NULL;
  stuck_ud = NULL;
}

void att_watchdog_on_stuck(void (*fn)(att_script *s, void *ud), void *ud) {
  stuck_fn = fn;
  stuck_ud = ud;
}

int att_interrupted(void) { return att__interrupt != 0; }

int att_watchdog_expired(void) {
  att_script *s = running;
  return s != NULL && (phase != 0 || att__interrupt || (s->deadline > 0 && att_monotonic() > s->deadline));
}

int att_watchdog_cancel(void *ud) {
  (void)ud;
  return att_watchdog_expired();
}

void att__watch_begin(att_script *s) {
  double left;
  if (!installed) {
    load_grace();
    /* The thread that runs scripts is the one that starts the first. */
    snprintf(schedstat, sizeof schedstat, "/proc/self/task/%ld/schedstat", (long)syscall(SYS_gettid));
    install(SIGALRM, on_alarm);
    installed = 1;
  }
  phase = 0;
  running = s;
  if (att__interrupt) { /* a stop signal came before this call: stop it at once */
    begin_grace(s);
    return;
  }
  if (s->deadline <= 0) return;
  left = s->deadline - att_monotonic();
  arm(left > 0 ? left + 0.001 : 0.001);
}

void att__watch_end(att_script *s) {
  (void)s;
  running = NULL;
  if (armed) arm(0);
  phase = 0;
}
