/*
 * What every command of the command line needs: the option parser, error
 * messages, opening the store, reading dates as people type them, and small
 * text helpers.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "author.h"
#include "duration.h"
#include "remind.h" /* att_lead_read: --as-of 3d */
#include "settings.h"
#include "timeq.h"
#include "tz.h"

/* The running command's context, whose store's settings cli_date reads
 * (cli_ctx_begin). */
static cli_ctx *cur_ctx;

/* ---- option parsing -------------------------------------------------- */

void cli_parser_init(cli_parser *p, cli_ctx *ctx, const cli_opt *opts,
                     int argc, char **argv) {
  memset(p, 0, sizeof *p);
  p->ctx = ctx;
  p->opts = opts;
  p->argc = argc;
  p->argv = argv;
  p->i = 1; /* argv[0] is the command name */
  p->pos = calloc((size_t)argc + 1, sizeof *p->pos);
}

void cli_parser_free(cli_parser *p) {
  free(p->pos);
  p->pos = NULL;
}

static int take_value(cli_parser *p, const char *inl) {
  if (inl) {
    p->arg = inl;
    return 0;
  }
  if (p->i >= p->argc) {
    cli_usage(p->ctx, "option %s needs a value", p->name);
    return -1;
  }
  p->arg = p->argv[p->i++];
  return 0;
}

/* An option of one value given again: a usage error (1), or 0.  Taking
 * the last value silently turned `list --kind meeting --kind visit` into
 * a list of visits. */
static int once_more(cli_parser *p, const cli_opt *o) {
  size_t k = (size_t)(o - p->opts);
  if (o->arg == CLI_MANY || k >= CLI_OPTS_MAX) return 0;
  if (p->seen[k]++) {
    cli_usage(p->ctx, "--%s given twice (it takes one value)", o->name);
    return 1;
  }
  return 0;
}

int cli_next(cli_parser *p) {
  static char namebuf[64];
  const cli_opt *o;
  while (p->i < p->argc) {
    char *a = p->argv[p->i++];
    if (p->dashdash || a[0] != '-' || a[1] == '\0') {
      if (p->pos) p->pos[p->npos++] = a;
      continue;
    }
    if (strcmp(a, "--") == 0) {
      p->dashdash = 1;
      continue;
    }
    p->arg = NULL;
    if (a[1] == '-') {
      const char *name = a + 2, *eq = strchr(name, '=');
      size_t len = eq ? (size_t)(eq - name) : strlen(name);
      snprintf(namebuf, sizeof namebuf, "--%.*s", (int)len, name);
      p->name = namebuf;
      if (len == 4 && strncmp(name, "help", 4) == 0) return CLI_HELP;
      if (len == 5 && strncmp(name, "store", 5) == 0) {
        if (p->ctx->store_given++) {
          cli_usage(p->ctx, "--store given twice (one store a command)");
          return CLI_BAD;
        }
        if (take_value(p, eq ? eq + 1 : NULL) != 0) return CLI_BAD;
        if (*p->arg == '\0') {
          cli_usage(p->ctx, "--store needs a directory, got an empty string");
          return CLI_BAD;
        }
        p->ctx->store_dir = p->arg;
        continue;
      }
      if (len == 5 && strncmp(name, "color", 5) == 0) { /* global, as --store */
        if (cli_color_opt(p->ctx, eq ? eq + 1 : NULL) != CLI_OK) return CLI_BAD;
        continue;
      }
      for (o = p->opts; o && o->name; o++) {
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0) {
          if (o->arg) {
            if (once_more(p, o) || take_value(p, eq ? eq + 1 : NULL) != 0) return CLI_BAD;
          } else if (eq) {
            cli_usage(p->ctx, "option --%s takes no value", o->name);
            return CLI_BAD;
          }
          return o->id;
        }
      }
      cli_usage(p->ctx, "unknown option '%s'", namebuf);
      return CLI_BAD;
    }
    /* A short option, alone ("-o FILE" or "-oFILE"). */
    snprintf(namebuf, sizeof namebuf, "-%c", a[1]);
    p->name = namebuf;
    if (a[1] == 'h' && a[2] == '\0') return CLI_HELP;
    for (o = p->opts; o && o->name; o++) {
      if (o->shrt && o->shrt == a[1]) {
        if (o->arg) {
          if (once_more(p, o) || take_value(p, a[2] ? a + 2 : NULL) != 0) return CLI_BAD;
        } else if (a[2]) {
          cli_usage(p->ctx, "option -%c takes no value", a[1]);
          return CLI_BAD;
        }
        return o->id;
      }
    }
    /* A negative number or "-x" style text is an operand for commands that
     * take values (update FIELD=VALUE never starts with '-'). */
    cli_usage(p->ctx, "unknown option '%s'", a);
    return CLI_BAD;
  }
  return CLI_END;
}

/* ---- messages -------------------------------------------------------- */

/* The formatted message in a malloc'd string (NULL when out of memory). */
static char *vformat(const char *fmt, va_list ap) {
  va_list aq;
  char *m;
  int n;
  va_copy(aq, ap);
  n = vsnprintf(NULL, 0, fmt, aq);
  va_end(aq);
  if (n < 0 || (m = malloc((size_t)n + 1)) == NULL) return NULL;
  vsnprintf(m, (size_t)n + 1, fmt, ap);
  return m;
}

void cli_text(FILE *f, const char *s, unsigned flags) {
  if (s) att_termsafe_write(f, s, strlen(s), flags);
}

/* Messages name what the user typed, a file's content or a script's
 * words: all of it is escaped, line breaks too, so that a message is one
 * line that cannot drive the terminal. */
void cli_vsay(const char *prefix, const char *fmt, va_list ap) {
  char *m = vformat(fmt, ap);
  fputs(prefix, stderr);
  cli_text(stderr, m ? m : "(out of memory while formatting a message)", 0);
  fputc('\n', stderr);
  free(m);
}

void cli_line(FILE *f, const char *fmt, ...) {
  va_list ap;
  char *m;
  va_start(ap, fmt);
  m = vformat(fmt, ap);
  va_end(ap);
  cli_text(f, m ? m : "(out of memory while formatting a line)", 0);
  fputc('\n', f);
  free(m);
}

int cli_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cli_vsay("attache: ", fmt, ap);
  va_end(ap);
  return CLI_FAIL;
}

int cli_core_fail(int rc, const char *fmt, ...) {
  const char *m = att_errmsg();
  char *what;
  va_list ap;
  va_start(ap, fmt);
  what = vformat(fmt, ap);
  va_end(ap);
  fputs("attache: ", stderr);
  cli_text(stderr, what ? what : "?", 0);
  fputs(": ", stderr);
  cli_text(stderr, (m && *m) ? m : att_strerror(rc), 0);
  fputc('\n', stderr);
  free(what);
  return CLI_FAIL;
}

/* ---- the store -------------------------------------------------------- */

static void on_notice(void *ud, const char *msg) {
  (void)ud;
  fputs("attache: ", stderr);
  cli_text(stderr, msg, 0);
  fputc('\n', stderr);
}

/* Long store work (compaction) draws a bar on a terminal. */
static void on_progress(void *ud, const char *what, uint64_t done, uint64_t total) {
  static cli_progress pb;
  static const char *current;
  if (current != what) {
    cli_progress_end(&pb);
    cli_progress_start(&pb, ud, what, total);
    current = what;
  }
  cli_progress_step(&pb, done);
  if (done >= total) {
    cli_progress_end(&pb);
    current = NULL;
  }
}

int cli_lock_wait_ms(void) {
  const char *s = getenv("ATTACHE_LOCK_WAIT");
  double v;
  if (!s || !*s) return 0;
  if (att_seconds_read(s, &v) != 0 || v > 86400) return -1;
  return v * 1000 < 1 ? 1 : (int)(v * 1000);
}

int cli_open(cli_ctx *ctx, int flags, att_store **st) {
  att_store_opts o;
  int rc;
  *st = NULL;
  if (ctx->store_dir == NULL)
    return cli_fail("no store directory: use --store DIR, or set "
                    "ATTACHE_STORE or HOME");
  memset(&o, 0, sizeof o);
  o.flags = flags;
  o.notice = on_notice;
  o.progress = on_progress;
  o.ud = ctx;
  if ((o.lock_wait_ms = cli_lock_wait_ms()) < 0)
    return cli_fail("ATTACHE_LOCK_WAIT=\"%s\" is not a number of seconds from 0 to 86400 (how "
                    "long a write waits for another writer; unset, 30)",
                    getenv("ATTACHE_LOCK_WAIT"));
  {
    static char who[64];
    snprintf(who, sizeof who, "attache %s", ctx->cmd ? ctx->cmd : "");
    o.who = who;
  }
  /* Who makes the changes: asked before anything is written, so that a
   * bad ATTACHE_AUTHOR changes nothing. */
  if ((flags & ATT_OPEN_WRITE) && (rc = cli_author(ctx, &o.author)) != CLI_OK) return rc;
  rc = att_store_open(ctx->store_dir, &o, st);
  if (rc == ATT_ENOSTORE)
    return cli_fail("no store at %s; create one with 'attache init' (or "
                    "choose another with --store DIR or ATTACHE_STORE)",
                    ctx->store_dir);
  if (rc < 0) return cli_core_fail(rc, "cannot open the store %s", ctx->store_dir);
  if ((rc = cli_settings(ctx)) == CLI_OK && (flags & ATT_OPEN_WRITE) && ctx->reason &&
      (rc = att_store_set_reason(*st, ctx->reason)) < 0)
    rc = cli_core_fail(rc, "--reason");
  if (rc == CLI_OK && ctx->has_as_of && (rc = att_store_asof(*st, ctx->as_of)) < 0)
    rc = cli_core_fail(rc, "--as-of");
  if (rc != CLI_OK) {
    att_store_close(*st);
    *st = NULL;
  }
  return rc;
}

/* ---- history: who, why and when ---------------------------------------- */

int cli_author(cli_ctx *ctx, const char **out) {
  static char buf[ATT_AUTHOR_MAX + 32];
  const char *env = getenv("ATTACHE_AUTHOR"), *set;
  if (env && *env) {
    if (att_author_check("ATTACHE_AUTHOR", env) != 0) {
      cli_fail("%s (unset it to use the setting history.author or the login name); nothing "
               "was changed", att_errmsg());
      return CLI_USAGE;
    }
    *out = env;
    return CLI_OK;
  }
  if (cli_settings(ctx) != CLI_OK) return CLI_FAIL;
  set = att_settings_get(ctx->settings, "history.author");
  *out = set && *set ? set : att_author_login(buf, sizeof buf);
  return CLI_OK;
}

int cli_time_arg(cli_ctx *ctx, const char *what, const char *in, int end, att_time *out) {
  att_time now = att_time_now();
  char edtf[ATT_DATE_MAX];
  att_bounds b;
  att_duration back;
  /* A lead in months or years counts back on the calendar. */
  if (att_lead_read(in, &back) == 0 && att_lead_back(now, &back, out) == 0) return CLI_OK;
  att__errclear();
  if (cli_date(what, in, now, edtf, &b) != CLI_OK) {
    cli_usage(ctx, "%s takes a date or time (2024-01-15, \"2024-01-15 10:00\", yesterday) "
                   "or a time back from now (30m, 12h, 7d, 2w, 3mo, 1y)", what);
    return CLI_USAGE;
  }
  *out = end ? b.latest : b.earliest;
  return CLI_OK;
}

int cli_history_opt(cli_ctx *ctx, int id, const char *arg) {
  if (id == CLI_O_REASON) {
    if (att_reason_check("--reason", arg) != 0) return cli_usage(ctx, "%s", att_errmsg());
    ctx->reason = arg;
    return CLI_OK;
  }
  if (id == CLI_O_AS_OF) {
    /* What the store held at the end of the day (or hour, month) given. */
    if (cli_time_arg(ctx, "--as-of", arg, 1, &ctx->as_of) != CLI_OK) return CLI_USAGE;
    ctx->has_as_of = 1;
    return CLI_OK;
  }
  return -1;
}

int cli_settings(cli_ctx *ctx) {
  att_settings *set;
  int rc;
  if (!ctx || ctx->settings || !ctx->store_dir) return CLI_OK;
  if ((rc = att_settings_load(ctx->store_dir, &set)) < 0)
    return cli_core_fail(rc, "cannot read the settings of the store %s", ctx->store_dir);
  ctx->settings = set;
  return CLI_OK;
}

void cli_ctx_begin(cli_ctx *ctx) { cur_ctx = ctx; }

/* ---- time zones of the output ------------------------------------------ */

/* The zone list and get show times in (--tz), "" for each event's own. */
static char show_zone[ATT_TZ_NAME_MAX];

int cli_show_tz(cli_ctx *ctx, const char *arg) {
  const char *z = arg;
  if (strcmp(arg, "local") == 0) {
    if (cli_settings(ctx) != CLI_OK) return CLI_FAIL;
    z = att_settings_tz(ctx->settings);
  }
  if (att_tz_check(z) < 0)
    return cli_usage(ctx, "--tz %s: %s; or 'local' for display.tz (attache config)", arg, att_errmsg());
  snprintf(show_zone, sizeof show_zone, "%s", z);
  return CLI_OK;
}

int cli_when_local(const att_event *ev, char *buf, size_t cap, int with_zone) {
  const char *z = show_zone[0] ? show_zone : ev->tz;
  char t[64];
  att_bounds b;
  int n;
  /* a time of day, not a span: one instant */
  if (!z || !ev->when || !strchr(ev->when, 'T') || strchr(ev->when, '/') ||
      att_edtf_parse(ev->when, &b, NULL, 0) != 0 || b.earliest == ATT_TIME_MIN ||
      att_tz_format(b.earliest, z, t, sizeof t) != 0)
    return 0;
  n = with_zone ? snprintf(buf, cap, "%s (%s)", t, z) : snprintf(buf, cap, "%s", t);
  return n > 0 && (size_t)n < cap;
}

void cli_ctx_end(cli_ctx *ctx) {
  if (cur_ctx == ctx) cur_ctx = NULL;
  att_settings_free(ctx->settings);
  ctx->settings = NULL;
}

/* ---- dates ----------------------------------------------------------- */

int cli_date_ctx_init(att_date_ctx *c, att_time ref) {
  int rc = cli_settings(cur_ctx);
  att_date_ctx_init(c, ref);
  att_settings_date_ctx(cur_ctx ? cur_ctx->settings : NULL, c);
  return rc;
}

int cli_date_read(const char *what, const char *in, att_date_ctx *c,
                  char edtf[ATT_DATE_MAX], att_bounds *b) {
  int rc = att_date_read(in, c, edtf, ATT_DATE_MAX, b);
  if (rc < 0) return cli_core_fail(rc, "%s \"%s\"", what, in);
  return CLI_OK;
}

int cli_date(const char *what, const char *in, att_time ref,
             char edtf[ATT_DATE_MAX], att_bounds *b) {
  att_date_ctx c;
  if (cli_date_ctx_init(&c, ref) != CLI_OK) return CLI_FAIL;
  return cli_date_read(what, in, &c, edtf, b);
}

att_time cli_event_ref(const att_event *ev) {
  att_bounds b;
  if (ev && ev->source && ev->source->published &&
      att_edtf_parse(ev->source->published, &b, NULL, 0) == 0 &&
      b.earliest != ATT_TIME_MIN)
    return b.earliest;
  return att_time_now();
}

/* ---- text helpers ---------------------------------------------------- */

long long cli_count(const char *s) {
  char *end;
  long long v;
  if (s == NULL || *s < '0' || *s > '9') return -1;
  errno = 0;
  v = strtoll(s, &end, 10);
  if (errno != 0 || *end != '\0') return -1;
  return v;
}

char *cli_slurp(const char *path, size_t *len) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  char *buf = NULL, *nb;
  size_t n = 0, cap = 0, r;
  if (f == NULL) return NULL;
  for (;;) {
    if (cap - n < 65536) {
      cap = cap ? cap * 2 : 65536;
      nb = realloc(buf, cap + 1);
      if (nb == NULL) {
        free(buf);
        buf = NULL;
        errno = ENOMEM;
        break;
      }
      buf = nb;
    }
    r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (r == 0) {
      if (ferror(f)) {
        int e = errno;
        free(buf);
        buf = NULL;
        errno = e ? e : EIO;
      }
      break;
    }
  }
  if (f != stdin) fclose(f);
  if (buf) {
    buf[n] = '\0';
    if (len) *len = n;
  }
  return buf;
}

void cli_free_strs(char **v, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) free(v[i]);
  free(v);
}

int cli_split(const char *s, char sep, int keep, char ***out, size_t *n) {
  size_t cap = 4, len = strlen(s), k = 0;
  char **v = malloc(cap * sizeof *v);
  char *cur = malloc(len + 1);
  const char *p;
  *out = NULL;
  *n = 0;
  if (v == NULL || cur == NULL) {
    free(v);
    free(cur);
    return -1;
  }
  for (p = s;; p++) {
    if (*p == '\\' && p[1] != '\0') {
      if (keep) cur[k++] = '\\';
      cur[k++] = *++p;
      continue;
    }
    if (*p == sep || *p == '\0') {
      cur[k] = '\0';
      if (*n == cap) {
        char **nv = realloc(v, (cap *= 2) * sizeof *v);
        if (nv == NULL) break;
        v = nv;
      }
      v[(*n)++] = strdup(cur);
      k = 0;
      if (*p == '\0') break;
      continue;
    }
    cur[k++] = *p;
  }
  free(cur);
  *out = v;
  return 0;
}

static char *trim(char *s) {
  char *e;
  while (*s == ' ' || *s == '\t') s++;
  e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t')) *--e = '\0';
  return s;
}

cJSON *cli_person(const char *what, const char *spec) {
  char **parts;
  size_t n;
  cJSON *o;
  if (cli_split(spec, '|', 0, &parts, &n) != 0) return NULL;
  if (n > 3 || *trim(parts[0]) == '\0') {
    cli_fail("%s \"%s\": a person is written NAME, NAME|ROLE or "
             "NAME|ROLE|ACTOR (a '|' inside a part is written '\\|')",
             what, spec);
    cli_free_strs(parts, n);
    return NULL;
  }
  o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "name", trim(parts[0]));
  if (n > 1 && *trim(parts[1])) cJSON_AddStringToObject(o, "role", trim(parts[1]));
  if (n > 2 && *trim(parts[2])) cJSON_AddStringToObject(o, "actor", trim(parts[2]));
  cli_free_strs(parts, n);
  return o;
}
