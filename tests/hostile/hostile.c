/*
 * The hostile-script campaign of issue 12 (docs/reliability.md, "Hostile
 * scripts"): runs attache on attack scripts and measures, for each, how
 * long it took to stop and its peak resident size (wait4's ru_maxrss).
 *
 *   hostile campaign ATTACHE DIR [NAME...]   each .lua file of DIR (or NAME.lua)
 *   hostile sigterm ATTACHE DIR ROUNDS       SIGTERM to a busy daemon
 *   hostile fuzz ATTACHE FUZZ.lua CALLS [CHUNK] [SEED]
 *   hostile exec SECONDS ERRFILE CMD...     time and peak RSS of CMD
 *
 * campaign: each attack is a small Lua script whose header says what must
 * stop it:
 *     -- expect: time limit exceeded|instruction budget exhausted
 *     -- mode: run            (default; or serve: one daemon, simulated)
 *     -- calls: N             (serve: calls that may each use max-time)
 * It is run with --max-time 1 --max-instructions 10M --max-memory 64M on a
 * store of HOSTILE_EVENTS (20000) generated events.  It holds when the
 * program is neither killed by a signal nor hung, `run` exits 1 (`serve`
 * exits 0: the daemon outlives its script), stderr has one of the
 * expected texts and no sanitizer report, the CPU time it used is within
 * the deadline plus HOSTILE_SLACK seconds (0.1; the deadline is max-time
 * times calls, plus an empty script's CPU time), its wall time within
 * twice the same (load stretches wall time, not CPU time), and the peak RSS is within max-memory plus a constant: the RSS
 * of an empty script on the same store, plus the store's files (a full
 * scan maps them), plus HOSTILE_RSS_SLACK MiB (16).  Output: a table, then
 * TAP.
 *
 * sigterm: ROUNDS times, starts `attache serve` (real clock) on the
 * scripts of DIR, waits until it logs "started", sleeps a random 0-2.5 s
 * to choose the moment, sends SIGTERM and polls for its exit: it must
 * exit 0 within 1 s plus HOSTILE_SIGTERM_SLACK (0) seconds.
 *
 * fuzz: runs FUZZ.lua (tests/hostile/fuzz.lua) in chunks of CHUNK calls
 * (10000) with seeds SEED, SEED+1, ... until CALLS calls were made; each
 * run must exit 0 and print "fuzz: N calls", with no sanitizer report.
 *
 * Hung children are killed (SIGKILL) after a hard limit and reported.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TIME 1.0
#define MAX_MEMORY_MIB 64
#define KEEP 6000 /* bytes of stderr kept: the head and the tail */

static const char *att;   /* the program under test */
static char tmpdir[512];  /* scratch directory, removed at exit */
static char store[600];   /* the store of the campaign */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double env_num(const char *name, double dflt) {
  const char *v = getenv(name);
  if (v == NULL || *v == '\0') return dflt;
  return strtod(v, NULL);
}

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("hostile: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static void sleep_s(double s) {
  struct timespec ts;
  if (s <= 0) return;
  ts.tv_sec = (time_t)s;
  ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

/* ---- running a child ---------------------------------------------------- */

typedef struct result {
  int status;          /* as from wait4 */
  int hung;            /* killed by us after the hard limit */
  double seconds;      /* from exec to exit */
  double cpu;          /* user + system CPU seconds (wait4) */
  long maxrss_kib;     /* ru_maxrss */
  size_t out_bytes, err_bytes;
  char err[2 * KEEP + 64]; /* stderr: head, "...", tail */
} result;

/* Append to the kept stderr: the first KEEP bytes, then a ring of the
 * last KEEP bytes. */
typedef struct keep {
  char head[KEEP];
  size_t nhead;
  char tail[KEEP];
  size_t ntail, pos;
} keep;

static void keep_add(keep *k, const char *b, size_t n) {
  size_t h = n < KEEP - k->nhead ? n : KEEP - k->nhead;
  memcpy(k->head + k->nhead, b, h);
  k->nhead += h;
  b += h;
  n -= h;
  if (n > KEEP) { /* only the last KEEP bytes can stay */
    b += n - KEEP;
    n = KEEP;
  }
  while (n > 0) {
    size_t c = n < KEEP - k->pos ? n : KEEP - k->pos;
    memcpy(k->tail + k->pos, b, c);
    k->pos = (k->pos + c) % KEEP;
    k->ntail = k->ntail + c < KEEP ? k->ntail + c : KEEP;
    b += c;
    n -= c;
  }
}

static void keep_text(const keep *k, char *out) {
  size_t o = 0;
  memcpy(out, k->head, k->nhead);
  o = k->nhead;
  if (k->ntail > 0) {
    size_t start = k->ntail < KEEP ? 0 : k->pos;
    memcpy(out + o, "\n...\n", 5);
    o += 5;
    for (size_t i = 0; i < k->ntail; i++) out[o++] = k->tail[(start + i) % KEEP];
  }
  /* NUL bytes would cut the text short for strstr: show them as '?'. */
  for (size_t i = 0; i < o; i++)
    if (out[i] == '\0') out[i] = '?';
  out[o] = '\0';
}

/* Start argv with stdin and stdout on /dev/null and stderr into errpath;
 * its pid. */
static pid_t spawn_quiet(char *const argv[], const char *errpath) {
  pid_t pid = fork();
  if (pid < 0) die("fork: %s", strerror(errno));
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDWR);
    int e = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (devnull < 0 || e < 0) _exit(127);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(e, 2);
    execv(argv[0], argv);
    _exit(127);
  }
  return pid;
}

/* Run argv; stdout and stderr are read (counted, stderr kept); killed with
 * SIGKILL after hard seconds. */
static void run_child(char *const argv[], double hard, result *r) {
  int po[2], pe[2];
  keep *k = calloc(1, sizeof *k);
  if (k == NULL || pipe(po) != 0 || pipe(pe) != 0) die("pipe: %s", strerror(errno));
  memset(r, 0, sizeof *r);
  double t0 = now_s();
  pid_t pid = fork();
  if (pid < 0) die("fork: %s", strerror(errno));
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(po[1], 1);
    dup2(pe[1], 2);
    close(po[0]);
    close(pe[0]);
    close(po[1]);
    close(pe[1]);
    execv(argv[0], argv);
    _exit(127);
  }
  close(po[1]);
  close(pe[1]);
  int open_o = 1, open_e = 1;
  char buf[65536];
  while (open_o || open_e) {
    struct pollfd fds[2];
    int n = 0;
    if (open_o) fds[n++] = (struct pollfd){.fd = po[0], .events = POLLIN};
    if (open_e) fds[n++] = (struct pollfd){.fd = pe[0], .events = POLLIN};
    double left = t0 + hard - now_s();
    if (left <= 0) {
      if (!r->hung) kill(pid, SIGKILL);
      r->hung = 1;
      left = 5;
    }
    int rc = poll(fds, (nfds_t)n, (int)(left * 1000) + 1);
    if (rc < 0 && errno != EINTR) die("poll: %s", strerror(errno));
    for (int i = 0; i < n && rc > 0; i++) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (fds[i].fd == po[0]) {
        if (got <= 0) open_o = 0;
        else r->out_bytes += (size_t)got;
      } else {
        if (got <= 0) open_e = 0;
        else {
          r->err_bytes += (size_t)got;
          keep_add(k, buf, (size_t)got);
        }
      }
    }
  }
  close(po[0]);
  close(pe[0]);
  struct rusage ru;
  for (;;) {
    pid_t w = wait4(pid, &r->status, WNOHANG, &ru);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) die("wait4: %s", strerror(errno));
    if (!r->hung && now_s() > t0 + hard) {
      kill(pid, SIGKILL);
      r->hung = 1;
    }
    sleep_s(0.002);
  }
  r->seconds = now_s() - t0;
  r->maxrss_kib = ru.ru_maxrss;
  r->cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
  keep_text(k, r->err);
  free(k);
}

/* A quiet helper command (init, import): must exit 0. */
static void must(char *const argv[]) {
  result r;
  run_child(argv, 600, &r);
  if (r.hung || !WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
    die("%s %s failed: %s", argv[0], argv[3], r.err);
}

static void cleanup(void) {
  if (tmpdir[0] && getenv("HOSTILE_KEEP") == NULL) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "hostile: could not remove %s\n", tmpdir);
  }
}

static void make_tmp(void) {
  const char *base = getenv("TMPDIR");
  struct stat st;
  if (base == NULL || !*base) base = stat("/dev/shm", &st) == 0 ? "/dev/shm" : "/tmp";
  snprintf(tmpdir, sizeof tmpdir, "%s/attache-hostile.XXXXXX", base);
  if (mkdtemp(tmpdir) == NULL) die("mkdtemp %s: %s", tmpdir, strerror(errno));
  atexit(cleanup);
}

/* A store of n generated events: meetings every 37 minutes from 2024-05-01
 * (so that some fall in every simulated window), with actors, tags, notes,
 * a few recurring and a few fuzzy dates. */
static void make_store(const char *dir, int n) {
  char path[700], jsonl[700];
  snprintf(jsonl, sizeof jsonl, "%s/events.jsonl", tmpdir);
  FILE *f = fopen(jsonl, "w");
  if (f == NULL) die("%s: %s", jsonl, strerror(errno));
  static const char *kinds[] = {"meeting", "visit", "agreement", "note"};
  static const char *actors[] = {"JPN", "KHM", "CDC", "ADB", "UN"};
  time_t base = 1714521600; /* 2024-05-01T00:00:00Z */
  for (int i = 0; i < n; i++) {
    time_t t = base + (time_t)i * 37 * 60;
    struct tm tm;
    char when[64];
    gmtime_r(&t, &tm);
    if (i % 97 == 0)
      strftime(when, sizeof when, "%Y-%m~", &tm);
    else
      strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(f,
            "{\"title\":\"Event %d of the hostile campaign\",\"key\":\"h-%d\",\"kind\":\"%s\","
            "\"when\":\"%s\",\"actors\":[\"%s\",\"%s\"],\"tags\":[\"t%d\"],"
            "\"notes\":\"notes %d with some words to scan\"%s}\n",
            i, i, kinds[i % 4], when, actors[i % 5], actors[(i + 2) % 5], i % 13, i,
            i % 50 == 1 ? ",\"recur\":\"FREQ=DAILY\"" : "");
  }
  fclose(f);
  char *init[] = {(char *)att, "--store", (char *)dir, "init", NULL};
  must(init);
  snprintf(path, sizeof path, "%s", jsonl);
  char *imp[] = {(char *)att, "--store", (char *)dir, "import", path, NULL};
  must(imp);
}

static long dir_bytes(const char *dir) {
  DIR *d = opendir(dir);
  long total = 0;
  struct dirent *de;
  if (d == NULL) return 0;
  while ((de = readdir(d)) != NULL) {
    char p[1200];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
    if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) total += (long)st.st_size;
  }
  closedir(d);
  return total;
}

static int sanitizer_report(const char *err) {
  return strstr(err, "runtime error") != NULL || strstr(err, "AddressSanitizer") != NULL ||
         strstr(err, "LeakSanitizer") != NULL || strstr(err, "UndefinedBehaviorSanitizer") != NULL;
}

/* ---- campaign ----------------------------------------------------------- */

typedef struct attack {
  char name[128];
  char path[700];
  char expect[512];
  int serve;
  int calls;
} attack;

static int read_header(attack *a) {
  FILE *f = fopen(a->path, "r");
  char line[1024];
  if (f == NULL) return -1;
  a->expect[0] = '\0';
  a->serve = 0;
  a->calls = 1;
  while (fgets(line, sizeof line, f) && strncmp(line, "--", 2) == 0) {
    line[strcspn(line, "\n")] = '\0';
    if (strncmp(line, "-- expect: ", 11) == 0)
      snprintf(a->expect, sizeof a->expect, "%.500s", line + 11);
    else if (strcmp(line, "-- mode: serve") == 0)
      a->serve = 1;
    else if (strncmp(line, "-- calls: ", 10) == 0)
      a->calls = atoi(line + 10);
  }
  fclose(f);
  return a->expect[0] ? 0 : -1;
}

/* Does err hold one of the '|'-separated texts of expect? */
static int expected(const char *err, const char *expect) {
  char buf[512];
  snprintf(buf, sizeof buf, "%s", expect);
  for (char *save = NULL, *p = strtok_r(buf, "|", &save); p; p = strtok_r(NULL, "|", &save))
    if (strstr(err, p)) return 1;
  return 0;
}

/* The first place in err of one of the texts of expect, or NULL. */
static const char *first_of(const char *err, const char *expect) {
  char buf[512];
  const char *best = NULL;
  snprintf(buf, sizeof buf, "%s", expect);
  for (char *save = NULL, *p = strtok_r(buf, "|", &save); p; p = strtok_r(NULL, "|", &save)) {
    const char *q = strstr(err, p);
    if (q && (best == NULL || q < best)) best = q;
  }
  return best;
}

static void run_attack(const attack *a, result *r) {
  char out[700], sdir[700], spath[900];
  snprintf(out, sizeof out, "%s/out", tmpdir);
  if (!a->serve) {
    char *argv[] = {(char *)att, "--store", store, "run", "--out", out, "--max-time", "1",
                    "--max-instructions", "10M", "--max-memory", "64M", (char *)a->path, out,
                    NULL};
    run_child(argv, 6, r);
    return;
  }
  /* serve: the script alone in a directory of its own. */
  snprintf(sdir, sizeof sdir, "%s/scripts-%s", tmpdir, a->name);
  mkdir(sdir, 0700);
  snprintf(spath, sizeof spath, "%s/%s.lua", sdir, a->name);
  FILE *in = fopen(a->path, "r"), *o = fopen(spath, "w");
  if (in == NULL || o == NULL) die("copy %s: %s", a->path, strerror(errno));
  int c;
  while ((c = getc(in)) != EOF) putc(c, o);
  fclose(in);
  fclose(o);
  char *argv[] = {(char *)att, "--store", store, "serve", "--scripts", sdir, "--out", out,
                  "--now", "2024-06-01T00:00:00Z", "--until", "2024-06-01T00:05:00Z",
                  "--no-state", "--max-time", "1", "--max-instructions", "10M",
                  "--max-memory", "64M", NULL};
  run_child(argv, 6 + 2.0 * a->calls, r);
}

static int by_name(const void *x, const void *y) {
  return strcmp(((const attack *)x)->name, ((const attack *)y)->name);
}

static int campaign(const char *dir, int nnames, char **names) {
  static attack as[256];
  int n = 0;
  DIR *d = opendir(dir);
  struct dirent *de;
  if (d == NULL) die("%s: %s", dir, strerror(errno));
  while ((de = readdir(d)) != NULL && n < 256) {
    size_t l = strlen(de->d_name);
    if (l < 5 || strcmp(de->d_name + l - 4, ".lua") != 0 || de->d_name[0] == '.') continue;
    snprintf(as[n].name, sizeof as[n].name, "%.*s", (int)(l - 4), de->d_name);
    if (nnames > 0) {
      int want = 0;
      for (int i = 0; i < nnames; i++) want |= strcmp(names[i], as[n].name) == 0;
      if (!want) continue;
    }
    snprintf(as[n].path, sizeof as[n].path, "%s/%s", dir, de->d_name);
    if (read_header(&as[n]) != 0) die("%s: no '-- expect: ' line in its header", as[n].path);
    n++;
  }
  closedir(d);
  qsort(as, (size_t)n, sizeof as[0], by_name);

  double slack = env_num("HOSTILE_SLACK", 0.1);
  double rss_slack = env_num("HOSTILE_RSS_SLACK", 16);
  int events = (int)env_num("HOSTILE_EVENTS", 20000);
  make_tmp();
  snprintf(store, sizeof store, "%s/store", tmpdir);
  double t0 = now_s();
  make_store(store, events);
  long store_kib = dir_bytes(store) / 1024;
  printf("# store: %d events, %ld KiB, made in %.1f s\n", events, store_kib, now_s() - t0);

  /* The baseline: an empty script, under run and under serve. */
  char empty[700], out[700];
  snprintf(empty, sizeof empty, "%s/empty.lua", tmpdir);
  snprintf(out, sizeof out, "%s/out", tmpdir);
  FILE *f = fopen(empty, "w");
  if (f == NULL) die("%s: %s", empty, strerror(errno));
  fputs("local at = require \"attache\"\nreturn 0\n", f);
  fclose(f);
  result r;
  char *argv[] = {(char *)att, "--store", store, "run", "--out", out, "--max-time", "1",
                  empty, NULL};
  run_child(argv, 30, &r);
  if (r.hung || !WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
    die("the empty script failed: %s", r.err);
  long base_kib = r.maxrss_kib;
  double base_s = r.seconds, base_cpu = r.cpu;
  /* The same under serve: the empty script alone in a directory. */
  attack ea;
  memset(&ea, 0, sizeof ea);
  snprintf(ea.name, sizeof ea.name, "baseline-empty");
  snprintf(ea.path, sizeof ea.path, "%s", empty);
  ea.serve = 1;
  ea.calls = 1;
  run_attack(&ea, &r);
  if (r.hung || !WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
    die("the empty script failed under serve: %s", r.err);
  double base_serve_s = r.seconds, base_serve_cpu = r.cpu;
  if (r.maxrss_kib > base_kib) base_kib = r.maxrss_kib;
  long limit_kib = MAX_MEMORY_MIB * 1024L + base_kib + store_kib + (long)(rss_slack * 1024);
  printf("# baseline: an empty script takes %.3f s (run), %.3f s (serve, 5 simulated minutes); "
         "peak %ld KiB\n# RSS limit = 64 MiB + %ld KiB (empty script) + %ld KiB (store files) + "
         "%.0f MiB (HOSTILE_RSS_SLACK) = %ld KiB\n",
         base_s, base_serve_s, base_kib, base_kib, store_kib, rss_slack, limit_kib);
  printf("# time limit = calls x 1 s (max-time) + the empty script's time + %.2f s "
         "(HOSTILE_SLACK), in CPU time;\n# wall time may be up to twice that (a loaded "
         "machine stretches it)\n", slack);
  printf("%-28s %-11s %8s %8s %9s  %s\n", "attack", "outcome", "seconds", "cpu", "peak MiB",
         "message");

  int failed = 0;
  static char why[256][600];
  static int bad[256];
  for (int i = 0; i < n; i++) {
    attack *a = &as[i];
    run_attack(a, &r);
    /* CPU time is what an attack that runs past its limit burns, and a
     * loaded machine does not stretch it; wall time gets twice the room,
     * which still catches a limit that is not enforced at all. */
    double deadline = MAX_TIME * a->calls + (a->serve ? base_serve_cpu : base_cpu) + slack;
    double wall_deadline = 2 * (MAX_TIME * a->calls + (a->serve ? base_serve_s : base_s) + slack);
    const char *outcome = "held";
    why[i][0] = '\0';
    if (r.hung) {
      outcome = "HUNG";
      snprintf(why[i], sizeof why[i], "still running after %.1f s: killed", r.seconds);
    } else if (WIFSIGNALED(r.status)) {
      outcome = "CRASHED";
      snprintf(why[i], sizeof why[i], "killed by signal %d", WTERMSIG(r.status));
    } else if (sanitizer_report(r.err)) {
      outcome = "SANITIZER";
      snprintf(why[i], sizeof why[i], "a sanitizer report on stderr");
    } else if (!a->serve && WEXITSTATUS(r.status) == 0) {
      outcome = "NOT-STOPPED";
      snprintf(why[i], sizeof why[i], "exited 0: the attack was not stopped");
    } else if (a->serve && WEXITSTATUS(r.status) != 0 &&
               !(WEXITSTATUS(r.status) == 1 && strstr(r.err, "failed to load (see the log above)"))) {
      /* A replay whose script failed to load runs to its end and then
       * exits 1 (docs/daemon.md): that is the daemon outliving it. */
      outcome = "DAEMON-DIED";
      snprintf(why[i], sizeof why[i], "the daemon exited %d", WEXITSTATUS(r.status));
    } else if (!expected(r.err, a->expect)) {
      outcome = "WRONG-ERROR";
      snprintf(why[i], sizeof why[i], "stderr has none of: %s", a->expect);
    } else if (r.cpu > deadline) {
      outcome = "SLOW";
      snprintf(why[i], sizeof why[i], "used %.3f s of CPU, over %.2f s", r.cpu, deadline);
    } else if (r.seconds > wall_deadline) {
      outcome = "SLOW";
      snprintf(why[i], sizeof why[i], "stopped after %.3f s, over %.2f s", r.seconds,
               wall_deadline);
    } else if (r.maxrss_kib > limit_kib) {
      outcome = "FAT";
      snprintf(why[i], sizeof why[i], "peak RSS %ld KiB, over %ld KiB", r.maxrss_kib, limit_kib);
    }
    bad[i] = strcmp(outcome, "held") != 0;
    failed += bad[i];
    /* The first line of the message that stopped it, for the table. */
    char msg[120] = "";
    const char *m = first_of(r.err, a->expect);
    if (m == NULL) m = strstr(r.err, ".lua:");
    if (m == NULL) m = r.err;
    while (m > r.err && m[-1] != '\n') m--;
    snprintf(msg, sizeof msg, "%.*s", (int)strcspn(m, "\n"), m);
    printf("%-28s %-11s %8.3f %8.3f %9.1f  %s\n", a->name, outcome, r.seconds, r.cpu,
           (double)r.maxrss_kib / 1024.0, msg);
    fflush(stdout);
  }
  printf("1..%d\n", n);
  for (int i = 0; i < n; i++) {
    if (bad[i])
      printf("not ok %d - %s: %s\n", i + 1, as[i].name, why[i]);
    else
      printf("ok %d - %s\n", i + 1, as[i].name);
  }
  printf("# %d attacks: %d held, %d failed\n", n, n - failed, failed);
  return failed ? 1 : 0;
}

/* ---- sigterm ------------------------------------------------------------ */

static int file_has(const char *path, const char *text) {
  FILE *f = fopen(path, "r");
  char line[4096];
  int found = 0;
  if (f == NULL) return 0;
  while (!found && fgets(line, sizeof line, f)) found = strstr(line, text) != NULL;
  fclose(f);
  return found;
}

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

static int sigterm(const char *dir, int rounds) {
  double limit = 1.0 + env_num("HOSTILE_SIGTERM_SLACK", 0);
  unsigned seed = (unsigned)env_num("HOSTILE_SEED", (double)time(NULL));
  double *lat = calloc((size_t)rounds, sizeof *lat);
  int failed = 0;
  if (lat == NULL) die("out of memory");
  srand(seed);
  make_tmp();
  snprintf(store, sizeof store, "%s/store", tmpdir);
  make_store(store, 2000);
  printf("# seed %u; SIGTERM must end the daemon within %.2f s\n1..%d\n", seed, limit, rounds);
  for (int i = 0; i < rounds; i++) {
    char errpath[700], out[700];
    snprintf(errpath, sizeof errpath, "%s/serve-%d.err", tmpdir, i);
    snprintf(out, sizeof out, "%s/out", tmpdir);
    /* No instruction budget: only max-time (30 s) would end a busy
     * callback, so SIGTERM must not wait for it. */
    char *const argv[] = {(char *)att, "--store", store, "serve", "--scripts", (char *)dir, "--out", out,
                          "--no-state", "--max-time", "30", "--max-instructions", "0", "--max-memory", "256M",
                          NULL};
    pid_t pid = spawn_quiet(argv, errpath);
    /* Wait until it is up (its signal handlers are in place). */
    double t0 = now_s();
    int status = 0, gone = 0;
    while (!file_has(errpath, "started on")) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        gone = 1;
        break;
      }
      if (now_s() - t0 > 30) break;
      sleep_s(0.005);
    }
    if (gone) {
      printf("not ok %d - the daemon ended before SIGTERM (status %d)\n", i + 1, status);
      failed++;
      continue;
    }
    double delay = 2.5 * rand() / (double)RAND_MAX;
    sleep_s(delay);
    double ts = now_s();
    kill(pid, SIGTERM);
    double took = -1;
    for (;;) {
      pid_t w = waitpid(pid, &status, WNOHANG);
      if (w == pid) {
        took = now_s() - ts;
        break;
      }
      if (now_s() - ts > limit + 2) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        break;
      }
      sleep_s(0.002);
    }
    lat[i] = took < 0 ? 99 : took;
    int okexit = took >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (took >= 0 && took <= limit && okexit) {
      printf("ok %d - SIGTERM %.2f s after start: exited in %.3f s\n", i + 1, delay, took);
    } else {
      failed++;
      if (took < 0)
        printf("not ok %d - SIGTERM %.2f s after start: still running %.0f s later, killed\n",
               i + 1, delay, limit + 2);
      else
        printf("not ok %d - SIGTERM %.2f s after start: exited in %.3f s, status %d%s\n", i + 1,
               delay, took, WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status),
               took > limit ? " (too slow)" : "");
    }
    fflush(stdout);
  }
  qsort(lat, (size_t)rounds, sizeof *lat, cmp_double);
  printf("# %d SIGTERMs: %d within %.2f s; median %.3f s, max %.3f s (99: never)\n", rounds,
         rounds - failed, limit, lat[rounds / 2], lat[rounds - 1]);
  free(lat);
  return failed ? 1 : 0;
}

/* ---- fuzz --------------------------------------------------------------- */

static int fuzz(const char *script, long calls, long chunk, long seed) {
  long done = 0, runs = 0, reports = 0, limited = 0;
  double t0 = now_s();
  make_tmp();
  snprintf(store, sizeof store, "%s/store", tmpdir);
  make_store(store, 300);
  char out[700];
  snprintf(out, sizeof out, "%s/out", tmpdir);
  printf("# fuzz: %ld calls in runs of %ld, seeds from %ld\n", calls, chunk, seed);
  while (done < calls) {
    char sseed[32], scount[32];
    long n = calls - done < chunk ? calls - done : chunk;
    snprintf(sseed, sizeof sseed, "%ld", seed + runs);
    snprintf(scount, sizeof scount, "%ld", n);
    /* The budget and the deadline only end runs that a known unbounded C
     * function caught (counted as "stopped by a limit"). */
    char *argv[] = {(char *)att, "--store", store, "run", "--out", out, "--max-time", "60",
                    "--max-instructions", "2G", "--max-memory", "256M", (char *)script, sseed,
                    scount, out, NULL};
    result r;
    run_child(argv, 300, &r);
    runs++;
    long made = 0;
    const char *p = strstr(r.err, "fuzz: ");
    if (p) {
      made = atol(p + 6);
    } else {
      for (const char *q = r.err; (q = strstr(q, "fuzz-progress ")) != NULL; q++)
        made = atol(q + 14);
    }
    int limit = !r.hung && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 1 &&
                (strstr(r.err, "time limit exceeded") || strstr(r.err, "instruction budget") ||
                 strstr(r.err, "not enough memory"));
    int clean = !r.hung && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0 && made == n;
    if (sanitizer_report(r.err) || (!clean && !limit)) {
      reports++;
      printf("not ok %ld - seed %ld, %ld calls: %s %d after about %ld calls (replay: attache run "
             "fuzz.lua %ld %ld OUT)\n%s\n",
             runs, seed + runs - 1, n, r.hung ? "hung, status" : WIFSIGNALED(r.status) ? "signal" : "exit",
             WIFSIGNALED(r.status) ? WTERMSIG(r.status) : WEXITSTATUS(r.status), made,
             seed + runs - 1, n, r.err);
    } else if (limit) {
      limited++;
      printf("ok %ld - seed %ld: stopped by a limit after about %ld calls (%.1f s): %.200s\n", runs,
             seed + runs - 1, made, r.seconds, first_of(r.err, "time limit exceeded|instruction budget|not enough memory"));
    } else {
      printf("ok %ld - seed %ld: %ld calls in %.1f s\n", runs, seed + runs - 1, made, r.seconds);
    }
    fflush(stdout);
    done += n;
  }
  printf("1..%ld\n# fuzz: %ld calls in %ld runs, %.0f s; %ld stopped by a limit; %ld reports\n",
         runs, done, runs, now_s() - t0, limited, reports);
  return reports ? 1 : 0;
}

/* ---- exec --------------------------------------------------------------- */

/* Run argv with stdin and stdout on /dev/null and stderr into errpath; kill
 * it after hard seconds.  Prints the time and the peak RSS; returns the
 * child's exit status (124 when killed on time, 128 + n for signal n). */
static int exec_cmd(double hard, const char *errpath, char **argv) {
  double t0 = now_s();
  pid_t pid = spawn_quiet(argv, errpath);
  int status = 0, hung = 0;
  struct rusage ru;
  for (;;) {
    pid_t w = wait4(pid, &status, WNOHANG, &ru);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) die("wait4: %s", strerror(errno));
    if (!hung && now_s() - t0 > hard) {
      kill(pid, SIGKILL);
      hung = 1;
    }
    sleep_s(0.01);
  }
  printf("seconds %.3f peak_kib %ld status %d%s\n", now_s() - t0, ru.ru_maxrss,
         WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
         hung ? " (killed: over the time allowed)" : "");
  if (hung) return 124;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: hostile campaign ATTACHE DIR [NAME...]\n"
                    "       hostile sigterm ATTACHE DIR ROUNDS\n"
                    "       hostile fuzz ATTACHE FUZZ.lua CALLS [CHUNK] [SEED]\n"
                    "       hostile exec SECONDS ERRFILE CMD...\n");
    return 2;
  }
  if (strcmp(argv[1], "exec") == 0 && argc >= 5) return exec_cmd(atof(argv[2]), argv[3], argv + 4);
  static char attabs[4096];
  if (realpath(argv[2], attabs) == NULL) die("%s: %s", argv[2], strerror(errno));
  att = attabs;
  signal(SIGPIPE, SIG_IGN);
  if (strcmp(argv[1], "campaign") == 0) return campaign(argv[3], argc - 4, argv + 4);
  if (strcmp(argv[1], "sigterm") == 0 && argc >= 5) return sigterm(argv[3], atoi(argv[4]));
  if (strcmp(argv[1], "fuzz") == 0 && argc >= 5)
    return fuzz(argv[3], atol(argv[4]), argc > 5 ? atol(argv[5]) : 10000,
                argc > 6 ? atol(argv[6]) : 1);
  fprintf(stderr, "hostile: unknown command %s\n", argv[1]);
  return 2;
}
