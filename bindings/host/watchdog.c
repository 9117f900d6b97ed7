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
 *    C code that never returns to Lua.  Nothing can unwind it from outside
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
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "error.h"

volatile sig_atomic_t att__interrupt;

static att_script *volatile running;
static volatile sig_atomic_t phase; /* 0: before the deadline; 1: in the grace */
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
  char *end;
  double v;
  if (s == NULL || *s == '\0') return;
  v = strtod(s, &end);
  if (*end == '\0' && v >= 0.1 && v <= 3600) grace = v;
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

static void on_alarm(int sig) {
  att_script *s = running;
  int saved = errno;
  (void)sig;
  if (s != NULL) {
    if (phase == 0) {
      /* The deadline (or a stop signal): stop at the next instruction. */
      phase = 1;
      lua_sethook(s->L, att__sandbox_hook, LUA_MASKCOUNT, 1);
      arm(grace);
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
  if (s != NULL) {
    lua_sethook(s->L, att__sandbox_hook, LUA_MASKCOUNT, 1);
    phase = 1;
    arm(grace);
  }
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
    install(SIGALRM, on_alarm);
    installed = 1;
  }
  phase = 0;
  running = s;
  if (att__interrupt) { /* a stop signal came before this call: stop it at once */
    lua_sethook(s->L, att__sandbox_hook, LUA_MASKCOUNT, 1);
    phase = 1;
    arm(grace);
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
