/*
 * `attache serve`: the daemon's command line.  It reads the daemon's own
 * options (the scripts directory, the clock, the log), hands the sandbox
 * and alert options to the code `attache run` uses (same names, same
 * config file), sets up alerts, and runs the daemon (bindings/daemon/daemon.h).
 * docs/daemon.md is the manual.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "alerts.h"
#include "daemon.h"
#include "remind.h" /* att_lead_parse */
#include "timeq.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

enum {
  O_SCRIPTS = 1, O_NOW, O_UNTIL, O_ONCE, O_GRACE, O_NOSTATE, O_JSON, O_QUIET, O_VERBOSE,
  O_DEPTH, O_LISTEN, O_INSECURE, O_RTIMEOUT, O_MAXCONN, O_RATE, O_PROXY, O_REPORTS, O_SLOW,
  O_PASS /* a sandbox or alert option, passed on */
};

static const cli_opt serve_opts[] = {
    {"scripts", 0, 1, O_SCRIPTS},      {"now", 0, 1, O_NOW},
    {"until", 0, 1, O_UNTIL},          {"once", 0, 0, O_ONCE},
    {"grace", 0, 1, O_GRACE},          {"no-state", 0, 0, O_NOSTATE},
    {"log-json", 0, 0, O_JSON},        {"quiet", 'q', 0, O_QUIET},
    {"verbose", 'v', 0, O_VERBOSE},    {"rule-depth", 0, 1, O_DEPTH},
    {"listen", 0, CLI_MANY, O_LISTEN},        {"insecure", 0, 0, O_INSECURE},
    {"request-timeout", 0, 1, O_RTIMEOUT}, {"max-connections", 0, 1, O_MAXCONN},
    {"rate-limit", 0, 1, O_RATE},      {"behind-proxy", 0, 0, O_PROXY},
    {"reports", 0, 1, O_REPORTS},      {"slow-log", 0, 1, O_SLOW},
    {"max-instructions", 0, 1, O_PASS}, {"max-memory", 0, 1, O_PASS},
    {"max-string", 0, 1, O_PASS},      {"max-time", 0, 1, O_PASS},
    {"allow-debug", 0, 0, O_PASS},     {"read", 0, CLI_MANY, O_PASS},
    {"write", 0, CLI_MANY, O_PASS},           {"out", 0, 1, O_PASS},
    {"config", 0, 1, O_PASS},          {"alert-command", 0, 1, O_PASS},
    {"alert-file", 0, 1, O_PASS},      {"alert-timeout", 0, 1, O_PASS},
    {NULL, 0, 0, 0}};

/* An instant on the command line: RFC 3339, or a date as a person types it
 * (its first instant, or with `last` its last). */
static int read_instant(const char *what, const char *s, int last, att_time *t) {
  char edtf[ATT_DATE_MAX];
  att_bounds b;
  if (att_time_parse(s, t) == 0) return CLI_OK;
  if (cli_date(what, s, att_time_now(), edtf, &b) != CLI_OK) return CLI_FAIL;
  *t = last ? b.latest : b.earliest;
  if (*t == ATT_TIME_MIN || *t == ATT_TIME_MAX)
    return cli_fail("%s %s: an open date has no instant", what, s);
  return CLI_OK;
}

/* --scripts, else $ATTACHE_SCRIPTS, else $XDG_CONFIG_HOME/attache/scripts,
 * else ~/.config/attache/scripts; canonical, and it must be a directory. */
static int scripts_dir(const char *given, char out[PATH_MAX]) {
  char buf[PATH_MAX];
  const char *s = given, *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
  struct stat sb;
  if (s == NULL && (s = getenv("ATTACHE_SCRIPTS")) != NULL && *s == '\0') s = NULL;
  if (s == NULL) {
    if (x && *x) snprintf(buf, sizeof buf, "%s/attache/scripts", x);
    else if (h && *h) snprintf(buf, sizeof buf, "%s/.config/attache/scripts", h);
    else return cli_fail("no scripts directory: use --scripts DIR (or set HOME)");
    s = buf;
  }
  errno = 0;
  if (realpath(s, out) == NULL || stat(out, &sb) != 0)
    return cli_fail("the scripts directory %s: %s; give one with --scripts DIR", s,
                    errno == 0 || errno == ENOENT ? "no such directory" : strerror(errno));
  /* (errno is not to be read here: it said "Invalid argument" for a file) */
  if (!S_ISDIR(sb.st_mode))
    return cli_fail("the scripts directory %s: not a directory but a file; give a directory with "
                    "--scripts DIR", s);
  return CLI_OK;
}

/* Is there a store?  Said before alerts open files in it. */
static int store_exists(cli_ctx *ctx) {
  att_store *st = NULL;
  int rc = cli_open(ctx, ATT_OPEN_READ, &st);
  if (st) att_store_close(st);
  return rc;
}

/* A failure of the whole run, after the daemon's summary: "attache: MSG"
 * on stderr, or with --log-json one more JSON line of the log (at the
 * engine's last instant), so that the log stays JSON Lines. */
static int run_fail(const att_daemon_opts *o, const char *fmt, ...) {
  char msg[1024], t[40];
  va_list ap;
  cJSON *j;
  char *line;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (!o->log_json) return cli_fail("%s", msg);
  att_time_format(o->mode == ATT_DAEMON_SIM ? o->until : att_time_now(), t, sizeof t);
  j = cJSON_CreateObject();
  if (j && cJSON_AddStringToObject(j, "time", t) && cJSON_AddStringToObject(j, "level", "error") &&
      cJSON_AddStringToObject(j, "script", "attache") && cJSON_AddStringToObject(j, "msg", msg) &&
      (line = cJSON_PrintUnformatted(j)) != NULL) {
    fprintf(stderr, "%s\n", line);
    cJSON_free(line);
  }
  cJSON_Delete(j);
  return CLI_FAIL;
}

/* The exit status of a run that ended (docs/daemon.md): a cron job
 * (--once) or a replay must see a script that did not load, and a replay
 * that did nothing, without reading the log. */
static int run_status(const att_daemon_report *rep, const att_daemon_opts *o, const char *until) {
  int rc = CLI_OK;
  /* The real daemon ends on a signal, with exit status 0: a version of a
   * script that failed to load was reported when it happened. */
  if (rep->load_errors > 0 && o->mode != ATT_DAEMON_REAL)
    rc = run_fail(o, "%llu script%s failed to load (see the log above)",
                  (unsigned long long)rep->load_errors, rep->load_errors == 1 ? "" : "s");
  if (rep->state_ahead) {
    char t[40];
    att_time_format(rep->state_done, t, sizeof t);
    rc = run_fail(o, "nothing was replayed: daemon.state says the work up to %s was done, "
                     "which is not before --until %s; replay with --no-state, or remove "
                     "STORE/daemon.state",
                  t, until);
  }
  return rc;
}

int cli_cmd_serve(cli_ctx *ctx, int argc, char **argv) {
  att_daemon_opts o;
  att_daemon_report rep;
  att_alert_outputs ao;
  att_engine e;
  cli_parser p;
  char **pass, dir[PATH_MAX];
  const char *now = NULL, *until = NULL, *scripts = NULL, *reports = NULL;
  char rdir[PATH_MAX] = "";
  int o_, rc = CLI_OK, npass = 1, once = 0;
  att_daemon_opts_init(&o);
  memset(&rep, 0, sizeof rep);
  o.report = &rep;
  att_alert_outputs_init(&ao);
  memset(&e, 0, sizeof e);
  if ((pass = calloc((size_t)argc * 2 + 1, sizeof *pass)) == NULL) return cli_fail("out of memory");
  pass[0] = argv[0];
  cli_parser_init(&p, ctx, serve_opts, argc, argv);
  while (rc == CLI_OK && (o_ = cli_next(&p)) != CLI_END) {
    int64_t secs;
    long long n;
    switch (o_) {
    case CLI_BAD: rc = CLI_USAGE; break;
    case CLI_HELP:
      cli_help(ctx->cmd, stdout);
      cli_parser_free(&p);
      free(pass);
      return CLI_OK;
    case O_SCRIPTS: scripts = p.arg; break;
    case O_NOW: now = p.arg; break;
    case O_UNTIL: until = p.arg; break;
    case O_ONCE: once = 1; break;
    case O_GRACE:
      /* secs is unset when the lead does not read. */
      if (att_lead_parse(p.arg, &secs) != 0)
        rc = cli_usage(ctx, "--grace %s: a time such as 1d, 12h or 2w (0: no making up)",
                       p.arg);
      else o.grace = secs;
      break;
    case O_NOSTATE: o.use_state = 0; break;
    case O_JSON: o.log_json = 1; break;
    case O_QUIET: o.verbosity = ATT_VERB_QUIET; break;
    case O_VERBOSE: o.verbosity = ATT_VERB_DEBUG; break;
    case O_DEPTH:
      if ((n = cli_count(p.arg)) < 0 || n > 1000)
        rc = cli_usage(ctx, "--rule-depth %s: a count from 0 to 1000", p.arg);
      o.rule_depth = (int)n;
      break;
    case O_LISTEN:
      if (o.http.nlisten == ATT_HTTP_LISTEN_MAX)
        rc = cli_usage(ctx, "--listen %s: at most %d addresses", p.arg, ATT_HTTP_LISTEN_MAX);
      else
        o.http.listen[o.http.nlisten++] = p.arg;
      break;
    case O_INSECURE: o.http.insecure = 1; break;
    case O_PROXY: o.http.trust_proxy = 1; break;
    case O_REPORTS: reports = p.arg; break;
    case O_RTIMEOUT:
      if (att_lead_parse(p.arg, &secs) != 0 || secs < 1 || secs > 3600)
        rc = cli_usage(ctx, "--request-timeout %s: a time from 1s to 1h (such as 10s or 1m)", p.arg);
      else o.http.timeout = (int)secs;
      break;
    case O_MAXCONN:
      if ((n = cli_count(p.arg)) < 1 || n > 1000000)
        rc = cli_usage(ctx, "--max-connections %s: a count from 1 to 1000000", p.arg);
      else o.http.max_conn = (int)n;
      break;
    case O_RATE:
      if ((n = cli_count(p.arg)) < 1 || n > 1000000)
        rc = cli_usage(ctx, "--rate-limit %s: requests a second per user, from 1 to 1000000", p.arg);
      else o.http.rate = (double)n;
      break;
    case O_SLOW:
      if ((n = cli_count(p.arg)) < 0 || n > 60000)
        rc = cli_usage(ctx, "--slow-log %s: milliseconds from 0 (every request) to 60000", p.arg);
      else o.http.slow_ms = (int)n;
      break;
    case O_PASS: {
      size_t l = strlen(p.name) + 3;
      char *opt = malloc(l);
      if (opt == NULL) {
        rc = cli_fail("out of memory");
        break;
      }
      snprintf(opt, l, "--%s", p.name[0] == '-' ? p.name + 2 : p.name);
      pass[npass++] = opt;
      if (p.arg) pass[npass++] = (char *)p.arg;
      break;
    }
    default: break;
    }
  }
  if (rc == CLI_OK && p.npos > 0) rc = cli_usage(ctx, "unexpected argument '%s'", p.pos[0]);
  cli_parser_free(&p);
  if (rc == CLI_OK && (now != NULL) != (until != NULL))
    rc = cli_usage(ctx, "--now and --until go together: the simulated run's start and end");
  if (rc == CLI_OK && once && now)
    rc = cli_usage(ctx, "--once runs on the real clock; it does not go with --now/--until");
  if (rc == CLI_OK && now) {
    o.mode = ATT_DAEMON_SIM;
    rc = read_instant("--now", now, 0, &o.start);
    if (rc == CLI_OK) rc = read_instant("--until", until, 1, &o.until);
    if (rc == CLI_OK && o.until < o.start)
      rc = cli_usage(ctx, "--until %s comes before --now %s", until, now);
  }
  if (rc == CLI_OK && o.http.nlisten > 0 && (now || once))
    rc = cli_usage(ctx, "--listen serves on the real clock; it does not go with %s",
                   now ? "--now/--until" : "--once");
  if (rc == CLI_OK && o.http.nlisten == 0 &&
      (o.http.insecure || o.http.timeout || o.http.max_conn || o.http.rate > 0 || o.http.trust_proxy ||
       o.http.slow_ms >= 0))
    rc = cli_usage(ctx, "--insecure, --behind-proxy, --request-timeout, --max-connections, "
                        "--rate-limit and --slow-log go with --listen");
  if (once) o.mode = ATT_DAEMON_ONCE;
  if (rc == CLI_OK) rc = scripts_dir(scripts, dir);
  o.scripts_dir = dir;
  /* The reports of /v1/reports: --reports, else SCRIPTS/reports. */
  if (rc == CLI_OK && o.http.nlisten > 0) {
    struct stat sb;
    if (reports && (realpath(reports, rdir) == NULL || stat(rdir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
      rc = cli_fail("--reports %s: %s", reports, errno == 0 || errno == ENOENT ? "no such directory" : strerror(errno));
    else if (!reports && strlen(dir) + sizeof "/reports" <= sizeof rdir)
      memcpy(rdir, dir, strlen(dir)), memcpy(rdir + strlen(dir), "/reports", sizeof "/reports");
    o.http.reports = rdir[0] ? rdir : NULL;
  } else if (rc == CLI_OK && reports) {
    rc = cli_usage(ctx, "--reports goes with --listen");
  }
  o.argv = ctx->argv;
  if (rc == CLI_OK) rc = cli_sandbox_setup(ctx, npass, pass, &e, &ao);
  if (rc == CLI_OK && att_paths_add(&e.paths, dir, 0) < 0)
    rc = cli_fail("--scripts: %s", att_errmsg());
  if (rc == CLI_OK && ctx->store_dir == NULL)
    rc = cli_fail("no store directory: use --store DIR, or set ATTACHE_STORE or HOME");
  if (rc == CLI_OK) rc = store_exists(ctx);
  /* The user: the author of what the daemon writes outside a script's
   * code; scripts write as "rule:NAME.lua" (daemon.c). */
  if (rc == CLI_OK) rc = cli_author(ctx, &e.author);
  if (rc == CLI_OK) {
    /* Replays print in a fixed order: commands are waited for. */
    ao.wait = o.mode != ATT_DAEMON_REAL;
    if (att_alerts_open(&e, ctx->store_dir, &ao) < 0) rc = cli_fail("%s", att_errmsg());
  }
  if (rc == CLI_OK) {
    setvbuf(stdout, NULL, _IOLBF, 0); /* alerts and print() reach a pipe at once */
    if (att_daemon_run(&e, ctx->store_dir, &o) < 0) rc = cli_fail("%s", att_errmsg());
    else rc = run_status(&rep, &o, until);
  }
  fflush(stdout);
  att_alerts_close(&e);
  att_paths_free(&e.paths);
  att_alert_outputs_free(&ao);
  {
    /* the option names were malloc'd; their values belong to argv */
    int i = 1;
    while (i < npass) {
      const cli_opt *op;
      int takes = 0;
      for (op = serve_opts; op->name; op++)
        if (strcmp(pass[i] + 2, op->name) == 0) takes = op->arg != 0;
      free(pass[i]);
      i += 1 + takes;
    }
  }
  free(pass);
  return rc;
}
