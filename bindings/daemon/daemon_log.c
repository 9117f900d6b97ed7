/*
 * The daemon's log: one line per event on stderr, "TIME LEVEL SCRIPT:
 * message", or one JSON object per line with --log-json.  TIME is the
 * engine's clock, so that a simulated run logs simulated instants and two
 * replays log the same bytes.  A traceback is logged only with --verbose
 * (as the debug line that follows the error).
 *
 * Messages carry what scripts say (warn, error) and what they named:
 * they are escaped for a terminal (att_termsafe), line breaks included,
 * so that a script can neither drive the terminal nor forge a line of the
 * log.  Only the traceback, one debug entry, keeps its line breaks and
 * tabs.  With --log-json the escaped text is what the JSON string holds,
 * so a reader that decodes it and prints it is safe too.
 */
#include "daemon_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "termsafe.h"

static const char *const level_names[] = {"error", "warn", "info", "debug"};

/* The file name of a path, for the SCRIPT column. */
static const char *base_name(const char *p) {
  const char *s = p ? strrchr(p, '/') : NULL;
  return s ? s + 1 : p;
}

static void json_string(FILE *f, const char *s, size_t n) {
  fputc('"', f);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c == '\n') fputs("\\n", f);
    else if (c == '\t') fputs("\\t", f);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

static void line(att_daemon *d, int level, const char *script, const char *raw, size_t rawn,
                 unsigned flags) {
  char t[40];
  const char *who = script ? base_name(script) : "attache";
  char *msg = att_termsafe_dup(raw, rawn, flags);
  char *whos = att_termsafe_dup(who, strlen(who), 0);
  size_t n;
  if (!msg || !whos) {
    free(msg);
    free(whos);
    fputs("attache: out of memory for a log line\n", stderr);
    return;
  }
  n = strlen(msg);
  who = whos;
  att_time_format(att__now(d), t, sizeof t);
  if (d->o.log_json) {
    fprintf(stderr, "{\"time\":\"%s\",\"level\":\"%s\",\"script\":", t, level_names[level]);
    json_string(stderr, who, strlen(who));
    fputs(",\"msg\":", stderr);
    json_string(stderr, msg, n);
    fputs("}\n", stderr);
  } else {
    fprintf(stderr, "%s %-5s %s: %s\n", t, level_names[level], who, msg);
  }
  free(msg);
  free(whos);
}

/* The engine's log callback (att_engine.log): errors of scripts come here
 * from att_script_call with their traceback. */
void att__log_cb(void *ud, int level, const char *script, const char *msg) {
  att_daemon *d = ud;
  const char *tb = strstr(msg, "\nstack traceback:");
  if (level < 0) level = ATT_LOG_ERROR;
  if (level > ATT_LOG_DEBUG) level = ATT_LOG_DEBUG;
  if (d->o.verbosity == ATT_VERB_QUIET && level != ATT_LOG_ERROR) return;
  if (d->o.verbosity == ATT_VERB_NORMAL && level == ATT_LOG_DEBUG) return;
  line(d, level, script, msg, tb ? (size_t)(tb - msg) : strlen(msg), 0);
  if (tb && d->o.verbosity == ATT_VERB_DEBUG)
    line(d, ATT_LOG_DEBUG, script, tb + 1, strlen(tb + 1), ATT_TS_MULTILINE);
  fflush(stderr);
}

/* A kB figure of /proc/self/status ("VmHWM:  1234 kB"), or -1. */
static long status_kb(const char *buf, const char *name) {
  const char *p = strstr(buf, name);
  return p ? strtol(p + strlen(name), NULL, 10) : -1;
}

/* With --verbose, what the process holds at the end: its peak RSS, and
 * now its own memory apart from the pages of the store's snapshot it has
 * mapped (shared with every process and the page cache, and counted in
 * RSS once touched; bench/daemon.sh reads this line). */
static void log_memory(att_daemon *d) {
  char buf[4096];
  size_t n;
  FILE *f;
  if (d->o.verbosity != ATT_VERB_DEBUG || (f = fopen("/proc/self/status", "r")) == NULL) return;
  n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  att__log(d, ATT_LOG_DEBUG, NULL, "memory: peak RSS %ld kB; at exit %ld kB of its own, %ld kB of mapped files",
           status_kb(buf, "VmHWM:"), status_kb(buf, "RssAnon:"),
           status_kb(buf, "RssFile:") + status_kb(buf, "RssShmem:"));
}

void att__log_summary(att_daemon *d) {
  log_memory(d);
  att__log(d, ATT_LOG_INFO, NULL,
           "stopped: %llu callback%s run, %llu error%s, %llu reminder alert%s",
           (unsigned long long)d->callbacks, d->callbacks == 1 ? "" : "s",
           (unsigned long long)d->e->errors, d->e->errors == 1 ? "" : "s",
           (unsigned long long)d->alerts, d->alerts == 1 ? "" : "s");
}
