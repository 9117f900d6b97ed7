/*
 * att_spawn (core/spawnproc.h): the child gets the descriptors, signals
 * and process group asked for, a failure names the program, and the
 * parent's memory is not left copy-on-write (fork's page faults).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "spawnproc.h"
#include "tap.h"
#include "testutil.h"

static char sh[] = "/bin/sh", dashc[] = "-c";
/* Under valgrind (LD_PRELOAD names its preload, or ATT_WRAP is set),
 * whose vfork is a fork: see test_failure and test_no_copy. */
static int vg;

/* Run `sh -c script` with fd (as att_spawn takes it), its stdout caught
 * when out is given; the wait status, or -1 if it did not start. */
static int run(const char *script, int fd0, int fd2, int flags, char *out, size_t cap) {
  char *argv[] = {sh, dashc, (char *)script, NULL};
  int p[2] = {-1, -1}, fd[3], status = -1;
  pid_t pid;
  if (out && pipe(p) != 0) return -1;
  fd[0] = fd0;
  fd[1] = out ? p[1] : 1;
  fd[2] = fd2;
  if (att_spawn(sh, argv, fd, flags, &pid) != 0) {
    if (out) close(p[0]), close(p[1]);
    return -1;
  }
  if (out) {
    size_t n = 0;
    ssize_t r;
    close(p[1]);
    while (n + 1 < cap && (r = read(p[0], out + n, cap - 1 - n)) > 0) n += (size_t)r;
    out[n] = '\0';
    close(p[0]);
  }
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return status;
}

static void test_descriptors(void) {
  char out[256];
  int st, e[2];
  st = run("echo hello", -1, 2, 0, out, sizeof out);
  ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child runs and exits 0");
  is_str(out, "hello\n", "its stdout is the descriptor given");
  /* -1: /dev/null, read as an empty input. */
  st = run("read x; echo \"[$x] $?\"", -1, 2, 0, out, sizeof out);
  is_str(out, "[] 1\n", "stdin -1 is /dev/null: end of input at once");
  /* A descriptor that is not open (a daemon started without one): the
   * child gets /dev/null there rather than not starting. */
  st = run("echo lost >&2; echo ran", -1, 1000, 0, out, sizeof out);
  ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a closed descriptor given: the child still starts");
  is_str(out, "ran\n", "and writes to /dev/null there without failing");
  /* One of 0..2 that must become another (stderr given as the child's
   * stdout): moved first, not overwritten. */
  if (pipe(e) == 0) {
    char *argv[] = {sh, dashc, (char *)"echo to-out; echo to-err >&2", NULL};
    int fd[3], saved = dup(2), status = -1;
    pid_t pid;
    size_t n = 0;
    ssize_t r;
    dup2(e[1], 2); /* our stderr is now the pipe */
    close(e[1]);
    fd[0] = -1;
    fd[1] = 2; /* the child's stdout: our stderr, the pipe */
    fd[2] = -1;
    ok(att_spawn(sh, argv, fd, 0, &pid) == 0, "our descriptor 2 as the child's 1: started");
    dup2(saved, 2);
    close(saved);
    while ((r = read(e[0], out + n, sizeof out - 1 - n)) > 0) n += (size_t)r;
    out[n] = '\0';
    close(e[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    is_str(out, "to-out\n", "its stdout is our 2, its stderr /dev/null");
  }
}

static void test_signals(void) {
  struct sigaction ign, old_pipe, old_term;
  sigset_t block, old_mask;
  int st;
  /* As the daemon: SIGPIPE ignored, a stop signal blocked. */
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old_pipe);
  sigaction(SIGTERM, &ign, &old_term);
  sigemptyset(&block);
  sigaddset(&block, SIGHUP);
  sigprocmask(SIG_BLOCK, &block, &old_mask);
  st = run("kill -PIPE $$; echo survived", -1, 2, 0, NULL, 0);
  ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "SIGPIPE ignored here: default in the child (status %d)", st);
  st = run("kill -TERM $$; echo survived", -1, 2, 0, NULL, 0);
  ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "SIGTERM ignored here: default in the child");
  st = run("kill -HUP $$; echo survived", -1, 2, 0, NULL, 0);
  ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGHUP, "SIGHUP blocked here: not blocked in the child");
  sigprocmask(SIG_SETMASK, &old_mask, NULL);
  sigaction(SIGPIPE, &old_pipe, NULL);
  sigaction(SIGTERM, &old_term, NULL);
}

static void test_group(void) {
  char out[256];
  long pid = 0, pgrp = 0;
  /* Field 5 of /proc/PID/stat is the process group (the name, field 2,
   * is "(sh)": no space in it). */
  run("echo $$ $(cut -d' ' -f5 /proc/$$/stat)", -1, 2, ATT_SPAWN_PGROUP, out, sizeof out);
  ok(sscanf(out, "%ld %ld", &pid, &pgrp) == 2 && pid > 0 && pid == pgrp,
     "ATT_SPAWN_PGROUP: the child leads a group of its own (pid %ld, group %ld)", pid, pgrp);
  run("cut -d' ' -f5 /proc/$$/stat", -1, 2, 0, out, sizeof out);
  is_int(atol(out), (long)getpgrp(), "without it: in our group");
}

static void test_failure(void) {
  char *argv[] = {(char *)"/nonexistent/attache-child", NULL};
  int fd[3] = {-1, -1, -1};
  pid_t pid = 42;
  int rc = att_spawn(argv[0], argv, fd, 0, &pid), status = 0;
  if (vg && rc == 0) {
    /* The child's failed exec cannot tell a forked parent: it exits 127,
     * as a shell's would. */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 127, "under valgrind: the child exits 127");
    return;
  }
  is_int(rc, ATT_EIO, "a program that cannot be run: ATT_EIO");
  ok(pid == -1, "and no pid");
  ok(strstr(att_errmsg(), "/nonexistent/attache-child") && strstr(att_errmsg(), "No such file"),
     "the message names it and says why: %s", att_errmsg());
}

/* Minor faults of writing one byte in each page of m, in this process. */
static long touch_faults(volatile char *m, size_t len) {
  struct rusage a, b;
  getrusage(RUSAGE_SELF, &a);
  for (size_t i = 0; i < len; i += 4096) m[i]++;
  getrusage(RUSAGE_SELF, &b);
  return b.ru_minflt - a.ru_minflt;
}

static void test_no_copy(void) {
  const size_t len = 32u << 20, pages = len / 4096;
  char *argv[] = {(char *)"/bin/true", NULL};
  int fd[3] = {-1, -1, 2}, status;
  pid_t pid;
  long after_spawn, after_fork;
  char *m;
  /* Valgrind runs a vfork as a fork: what is measured here is its. */
  if (vg) {
    printf("# under valgrind: the page faults after a start are valgrind's own (it forks)\n");
    return;
  }
  m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) {
    ok(0, "mmap: %s", strerror(errno));
    return;
  }
  madvise(m, len, MADV_NOHUGEPAGE); /* a fault per 4 KiB page, so they can be counted */
  touch_faults(m, len);             /* all present and ours */
  ok(att_spawn(argv[0], argv, fd, 0, &pid) == 0, "/bin/true started");
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  after_spawn = touch_faults(m, len);
  ok(after_spawn < (long)pages / 20,
     "after att_spawn, writing each of %zu pages faults %ld times: the memory stayed ours", pages,
     after_spawn);
  /* The peer: fork and exec at once, as uv_spawn did. */
  if ((pid = fork()) == 0) {
    execv(argv[0], argv);
    _exit(127);
  }
  while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  after_fork = touch_faults(m, len);
  ok(after_fork >= (long)pages * 9 / 10,
     "after fork and exec, the same writes fault %ld times: each page was left copy-on-write",
     after_fork);
  munmap(m, len);
}

int main(void) {
  vg = tu_light();
  test_descriptors();
  test_signals();
  test_group();
  test_failure();
  test_no_copy();
  return done_testing();
}
