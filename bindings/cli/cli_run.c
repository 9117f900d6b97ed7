/*
 * The commands that run Lua scripts in the sandbox: `attache run SCRIPT
 * [ARGS]` runs a script once (a report, a bulk edit) and `attache check
 * SCRIPT...` loads scripts to report their errors.
 *
 * Both take their limits and allowed paths from the config file
 * ($XDG_CONFIG_HOME/attache/config, else ~/.config/attache/config, or
 * --config FILE) and from the command line, which wins for single values
 * and adds to the lists.  docs/sandbox.md describes both.
 */
#include "cli.h"
#include "duration.h"
#include "host.h"
#include "alerts.h"
#include "daemon.h" /* check: att_sched_check_mode */
#include "author.h" /* ATT_AUTHOR_MAX */

#include <errno.h>
#include <lauxlib.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
  O_MAXI = 1, O_MAXM, O_MAXS, O_MAXT, O_DEBUG, O_READ, O_WRITE, O_OUT, O_CONFIG,
  O_ACMD, O_AFILE, O_ATIME, O_GIVEN
};

static const cli_opt run_opts[] = {
    {"max-instructions", 0, 1, O_MAXI}, {"max-memory", 0, 1, O_MAXM},
    {"max-string", 0, 1, O_MAXS},       {"max-time", 0, 1, O_MAXT},
    {"allow-debug", 0, 0, O_DEBUG},     {"read", 0, CLI_MANY, O_READ},
    {"write", 0, CLI_MANY, O_WRITE},           {"out", 0, 1, O_OUT},
    {"config", 0, 1, O_CONFIG},         {"alert-command", 0, 1, O_ACMD},
    {"alert-file", 0, 1, O_AFILE},      {"alert-timeout", 0, 1, O_ATIME},
    {"given-only", 0, 0, O_GIVEN},      CLI_AS_OF_OPT,
    {NULL, 0, 0, 0}};

#define RUN_OUT_DEFAULT "out"

/* What the command line says; NULL or 0: not said. */
typedef struct run_cmdline {
  const char *maxi, *maxm, *maxs, *maxt, *out, *config;
  const char *acmd, *afile, *atime; /* alert outputs (alerts.h) */
  int debug;
  int given_only; /* --given-only: nothing implied, as for serve */
  const char **read, **write;
  size_t nread, nwrite;
} run_cmdline;

/* ---- values ---------------------------------------------------------- */

/* 100000, 100k, 100M, 2G (powers of ten): a count of instructions. */
static int parse_count(const char *s, uint64_t *out) {
  char *end;
  unsigned long long v;
  uint64_t mul = 1;
  if (*s < '0' || *s > '9') return -1;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno) return -1;
  if (*end == 'k' || *end == 'K') mul = 1000u, end++;
  else if (*end == 'M' || *end == 'm') mul = 1000000u, end++;
  else if (*end == 'G' || *end == 'g') mul = 1000000000u, end++;
  if (*end != '\0' || (v != 0 && mul > UINT64_MAX / v)) return -1;
  *out = (uint64_t)v * mul;
  return 0;
}

/* 65536, 64K, 64M, 1G, 64MiB, 64MB (powers of two): a size in bytes. */
static int parse_size(const char *s, size_t *out) {
  char *end;
  unsigned long long v;
  size_t mul = 1;
  if (*s < '0' || *s > '9') return -1;
  errno = 0;
  v = strtoull(s, &end, 10);
  if (errno) return -1;
  switch (*end) {
  case 'k': case 'K': mul = (size_t)1 << 10; end++; break;
  case 'm': case 'M': mul = (size_t)1 << 20; end++; break;
  case 'g': case 'G': mul = (size_t)1 << 30; end++; break;
  default: break;
  }
  if (mul > 1 && end[0] == 'i' && end[1] == 'B') end += 2;
  else if (*end == 'B' || *end == 'b') end++;
  if (*end != '\0' || (v != 0 && mul > SIZE_MAX / v)) return -1;
  *out = (size_t)v * mul;
  return 0;
}

static int parse_seconds(const char *s, double *out) {
  double v;
  if (att_seconds_read(s, &v) != 0 || v > 1e9) return -1;
  *out = v;
  return 0;
}

static int parse_bool(const char *s, int *out) {
  if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on") || !strcmp(s, "1"))
    *out = 1;
  else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off") || !strcmp(s, "0"))
    *out = 0;
  else return -1;
  return 0;
}

/* Check and set one limit; `key` names it in messages. NULL on success,
 * else what is accepted. */
static const char *set_limit(att_limits *l, const char *key, const char *v) {
  if (!strcmp(key, "max-instructions"))
    return parse_count(v, &l->instructions) ? "a count of instructions, e.g. 100000000 or "
                                              "100M (0: no limit)" : NULL;
  if (!strcmp(key, "max-memory"))
    return parse_size(v, &l->memory) ? "a size, e.g. 64M, 512K or 1G (0: no limit)" : NULL;
  if (!strcmp(key, "max-string"))
    return parse_size(v, &l->string_max) ? "a size, e.g. 16M (0: no limit)" : NULL;
  if (!strcmp(key, "max-time"))
    return parse_seconds(v, &l->seconds) ? "seconds, e.g. 30 or 0.5 (0: no limit)" : NULL;
  if (!strcmp(key, "allow-debug"))
    return parse_bool(v, &l->allow_debug) ? "true or false" : NULL;
  return "?";
}

/* ---- the config file ------------------------------------------------- */

static char *trim(char *s) {
  char *e;
  while (*s == ' ' || *s == '\t') s++;
  e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r')) e--;
  *e = '\0';
  return s;
}

/* Paths in the config file: "~/" is the home directory. */
static int conf_path(const char *v, char *buf, size_t cap) {
  const char *home = getenv("HOME");
  if (v[0] == '~' && v[1] == '/' && home)
    return (size_t)snprintf(buf, cap, "%s%s", home, v + 1) < cap ? 0 : -1;
  return (size_t)snprintf(buf, cap, "%s", v) < cap ? 0 : -1;
}

/* Read the config file into limits and paths; `out` gets its out entry
 * (malloc'd).  A missing default file is no error.  CLI_OK or CLI_FAIL
 * with a message naming FILE:LINE. */
static int read_config(const char *path, int named, att_limits *lim, att_paths *paths,
                       char **out, att_alert_outputs *ao) {
  char line[4096], pbuf[PATH_MAX];
  FILE *f = fopen(path, "r");
  int lineno = 0;
  if (f == NULL) {
    if (!named && errno == ENOENT) return CLI_OK;
    return cli_fail("cannot read the config file %s: %s", path, strerror(errno));
  }
  while (fgets(line, sizeof line, f)) {
    char *k, *v, *eq, *c;
    const char *why;
    int ar;
    lineno++;
    if (strchr(line, '\n') == NULL && !feof(f)) {
      fclose(f);
      return cli_fail("%s:%d: line too long", path, lineno);
    }
    k = trim(line);
    if (*k == '\0' || *k == '#') continue;
    eq = strchr(k, '=');
    if (eq == NULL) {
      fclose(f);
      return cli_fail("%s:%d: expected 'key = value', got '%s'", path, lineno, k);
    }
    *eq = '\0';
    v = eq + 1;
    for (c = v; *c; c++) /* " # comment" after a value */
      if (*c == '#' && (c == v || c[-1] == ' ' || c[-1] == '\t')) {
        *c = '\0';
        break;
      }
    k = trim(k);
    v = trim(v);
    for (c = k; *c; c++)
      if (*c == '_') *c = '-';
    if (*v == '\0') {
      fclose(f);
      return cli_fail("%s:%d: %s: no value", path, lineno, k);
    }
    if (!strcmp(k, "read") || !strcmp(k, "write")) {
      if (conf_path(v, pbuf, sizeof pbuf) != 0 || att_paths_add(paths, pbuf, k[0] == 'w') < 0) {
        fclose(f);
        return cli_fail("%s:%d: %s: %s", path, lineno, k, att_errmsg());
      }
    } else if (!strcmp(k, "out")) {
      free(*out);
      *out = conf_path(v, pbuf, sizeof pbuf) == 0 ? strdup(pbuf) : NULL;
    } else if (!strncmp(k, "alert-", 6) &&
               (ar = att_alert_outputs_set(ao, k, conf_path(v, pbuf, sizeof pbuf) ? v : pbuf))) {
      if (ar < 0) {
        fclose(f);
        return cli_fail("%s:%d: %s", path, lineno, att_errmsg());
      }
    } else if ((why = set_limit(lim, k, v)) != NULL) {
      fclose(f);
      if (why[0] == '?')
        return cli_fail("%s:%d: unknown key '%s' (known: max-instructions, max-memory, "
                        "max-string, max-time, allow-debug, read, write, out, alert-command, "
                        "alert-file, alert-timeout, alert-stdout, alert-receiver.NAME.OPTION, "
                        "alert-route, alert-retry-for, alert-retry-first, alert-retry-max)",
                        path, lineno, k);
      return cli_fail("%s:%d: %s: '%s' is not valid; expected %s", path, lineno, k, v, why);
    }
  }
  fclose(f);
  return CLI_OK;
}

static const char *default_config(char *buf, size_t cap) {
  const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
  if (x && *x) snprintf(buf, cap, "%s/attache/config", x);
  else if (h && *h) snprintf(buf, cap, "%s/.config/attache/config", h);
  else return NULL;
  return buf;
}

/* ---- options --------------------------------------------------------- */

/* Parse the options of run/check.  For run, option parsing stops at the
 * script: what follows is the script's. */
static int parse_opts(cli_ctx *ctx, int argc, char **argv, int for_run, run_cmdline *c,
                      char ***ops, int *nops) {
  cli_parser p;
  int o, rc = CLI_OK, stop = argc, i;
  memset(c, 0, sizeof *c);
  c->read = calloc((size_t)argc + 1, sizeof *c->read);
  c->write = calloc((size_t)argc + 1, sizeof *c->write);
  if (c->read == NULL || c->write == NULL) return cli_fail("out of memory");
  if (for_run) { /* find the script: the first operand */
    for (i = 1; i < argc; i++) {
      const char *a = argv[i];
      const cli_opt *op;
      if (strcmp(a, "--") == 0) {
        stop = i + 1 < argc ? i + 2 : argc;
        break;
      }
      if (a[0] != '-' || a[1] == '\0') {
        stop = i + 1;
        break;
      }
      if (a[1] == '-' && strchr(a, '=') == NULL) {
        if (strcmp(a + 2, "store") == 0) i++;
        for (op = run_opts; op->name; op++)
          if (op->arg && strcmp(a + 2, op->name) == 0) i++;
      }
    }
  }
  cli_parser_init(&p, ctx, run_opts, stop, argv);
  while (rc == CLI_OK && (o = cli_next(&p)) != CLI_END) {
    switch (o) {
    case CLI_BAD: rc = CLI_USAGE; break;
    case CLI_HELP:
      cli_help(ctx->cmd, stdout);
      cli_parser_free(&p);
      return -1;
    case O_MAXI: c->maxi = p.arg; break;
    case O_MAXM: c->maxm = p.arg; break;
    case O_MAXS: c->maxs = p.arg; break;
    case O_MAXT: c->maxt = p.arg; break;
    case O_DEBUG: c->debug = 1; break;
    case O_GIVEN: c->given_only = 1; break;
    case O_READ: c->read[c->nread++] = p.arg; break;
    case O_WRITE: c->write[c->nwrite++] = p.arg; break;
    case O_OUT: c->out = p.arg; break;
    case O_CONFIG: c->config = p.arg; break;
    case O_ACMD: c->acmd = p.arg; break;
    case O_AFILE: c->afile = p.arg; break;
    case O_ATIME: c->atime = p.arg; break;
    case CLI_O_AS_OF:
      if (!for_run)
        rc = cli_usage(ctx, "--as-of goes with 'attache run' (a script that reads the store "
                            "as it was), not with %s", ctx->cmd ? ctx->cmd : "this command");
      else rc = cli_history_opt(ctx, o, p.arg);
      break;
    default: break;
    }
  }
  if (rc == CLI_OK) {
    /* operands, then (run) the script's own arguments */
    *ops = calloc((size_t)argc + 1, sizeof **ops);
    if (*ops == NULL) rc = cli_fail("out of memory");
    else {
      for (i = 0; i < p.npos; i++) (*ops)[i] = p.pos[i];
      *nops = p.npos;
      for (i = stop; i < argc; i++) (*ops)[(*nops)++] = argv[i];
    }
  }
  cli_parser_free(&p);
  return rc;
}

static void free_cmdline(run_cmdline *c) {
  free(c->read);
  free(c->write);
}

/* Limits and paths from defaults, the config file, then the command line.
 * `named` are the files named on the command line (readable).  For the
 * daemon (serve) nothing is implied: not the working directory (a service
 * manager starts it from /), and no ./out; only what is given. */
static int setup_engine(cli_ctx *ctx, run_cmdline *c, char **named, int nnamed,
                        att_engine *e, att_alert_outputs *ao, int serve) {
  static const struct { const char *key; size_t off; } keys[] = {
      {"max-instructions", offsetof(run_cmdline, maxi)},
      {"max-memory", offsetof(run_cmdline, maxm)},
      {"max-string", offsetof(run_cmdline, maxs)},
      {"max-time", offsetof(run_cmdline, maxt)}};
  char cbuf[PATH_MAX];
  const char *cfg = c->config ? c->config : default_config(cbuf, sizeof cbuf);
  char *out = NULL;
  size_t i;
  int rc, k;
  att_limits_default(&e->limits);
  if (cfg && (rc = read_config(cfg, c->config != NULL, &e->limits, &e->paths, &out, ao)) != CLI_OK) {
    free(out);
    return rc;
  }
  for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    const char *v = *(const char *const *)((const char *)c + keys[i].off), *why;
    if (v && (why = set_limit(&e->limits, keys[i].key, v)) != NULL) {
      free(out);
      return cli_usage(ctx, "--%s %s: expected %s", keys[i].key, v, why);
    }
  }
  if (c->debug) e->limits.allow_debug = 1;
  if (c->given_only) serve = 1; /* nothing implied: the working directory, ./out */
  rc = CLI_OK;
  if ((c->acmd && att_alert_outputs_set(ao, "alert-command", c->acmd) < 0) ||
      (c->afile && att_alert_outputs_set(ao, "alert-file", c->afile) < 0) ||
      (c->atime && att_alert_outputs_set(ao, "alert-timeout", c->atime) < 0))
    rc = cli_usage(ctx, "--%s", att_errmsg());
  if (!serve && rc == CLI_OK && att_paths_add(&e->paths, ".", 0) < 0)
    rc = cli_fail("the current directory: %s", att_errmsg());
  for (k = 0; rc == CLI_OK && k < nnamed; k++) {
    struct stat sb;
    if (stat(named[k], &sb) == 0 && S_ISREG(sb.st_mode) && att_paths_add(&e->paths, named[k], 0) < 0)
      rc = cli_fail("%s", att_errmsg());
  }
  for (i = 0; rc == CLI_OK && i < c->nread; i++)
    if (att_paths_add(&e->paths, c->read[i], 0) < 0) rc = cli_fail("--read %s", att_errmsg());
  for (i = 0; rc == CLI_OK && i < c->nwrite; i++)
    if (att_paths_add(&e->paths, c->write[i], 1) < 0) rc = cli_fail("--write %s", att_errmsg());
  if (rc == CLI_OK && (!serve || c->out || out)) {
    const char *o = c->out ? c->out : out ? out : RUN_OUT_DEFAULT;
    if (att_paths_set_out(&e->paths, o) < 0)
      rc = (c->out || out) ? cli_fail("--out %s", att_errmsg())
                           : cli_fail("the default output directory %s; choose another with --out DIR",
                                      att_errmsg());
  }
  free(out);
  return rc;
}

static void on_notice(void *ud, const char *msg) {
  (void)ud;
  fprintf(stderr, "attache: %s\n", msg);
}

/* Open the store if there is one; without it e->nostore says why. */
static void open_store(cli_ctx *ctx, int flags, att_engine *e, char *why, size_t cap) {
  att_store_opts o;
  int r;
  memset(&o, 0, sizeof o);
  o.flags = flags;
  o.notice = on_notice;
  o.cancel = att_watchdog_cancel; /* a script past max-time stops waiting for the lock */
  e->store = NULL;
  /* The user, for what is written outside a script's code (nothing yet);
   * a script writes as "USER via NAME.lua" (cli_cmd_run). */
  if ((flags & ATT_OPEN_WRITE) && e->author) o.author = e->author;
  if (ctx->store_dir == NULL) {
    snprintf(why, cap, "no store directory: use --store DIR, or set ATTACHE_STORE or HOME");
  } else if ((r = att_store_open(ctx->store_dir, &o, &e->store)) == ATT_ENOSTORE) {
    snprintf(why, cap, "no store at %s; create one with 'attache init' (or choose "
                       "another with --store DIR or ATTACHE_STORE)", ctx->store_dir);
  } else if (r < 0) {
    snprintf(why, cap, "cannot open the store %s: %s", ctx->store_dir, att_errmsg());
    e->store = NULL;
  } else if (ctx->has_as_of && (r = att_store_asof(e->store, ctx->as_of)) < 0) {
    snprintf(why, cap, "cannot read the store %s as of that time: %s", ctx->store_dir,
             att_errmsg());
    att_store_close(e->store);
    e->store = NULL;
  }
  e->nostore = e->store ? NULL : why;
}

static void close_engine(att_engine *e) {
  att_alerts_close(e);
  if (e->store) att_store_close(e->store);
  e->store = NULL;
  att_paths_free(&e->paths);
}

/* ---- run ------------------------------------------------------------- */

/* The scripts that ship with attache (the importers) are installed in
 * PREFIX/share/attache/importers, beside PREFIX/bin/attache: a bare name
 * that is not a file ("icews", "icews.lua") is looked up there, relative
 * to the running program, so that an installed tree can be moved. */
#define SHIPPED_DIR "/../share/attache/importers"

/* The shipped script `name` into buf: CLI_OK; name itself when it is a
 * file or a path (CLI_OK, buf empty); else CLI_FAIL with a message. */
static int shipped_script(const char *name, char buf[PATH_MAX]) {
  char exe[PATH_MAX], dir[PATH_MAX], cand[PATH_MAX];
  struct stat sb;
  ssize_t n;
  size_t len = strlen(name);
  const char *ext = len > 4 && strcmp(name + len - 4, ".lua") == 0 ? "" : ".lua";
  buf[0] = '\0';
  if (strchr(name, '/') || stat(name, &sb) == 0 || *name == '\0') return CLI_OK;
  if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
    return cli_fail("%s: no such file (and the program's own path is unknown: %s)", name,
                    strerror(errno));
  exe[n] = '\0';
  *strrchr(exe, '/') = '\0';
  if ((size_t)snprintf(dir, sizeof dir, "%s" SHIPPED_DIR, exe) >= sizeof dir ||
      (size_t)snprintf(cand, sizeof cand, "%s/%s%s", dir, name, ext) >= sizeof cand)
    return cli_fail("%s: no such file", name);
  if (realpath(cand, buf) == NULL || stat(buf, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    buf[0] = '\0';
    return cli_fail("cannot open %s: no such file, and attache ships no script %s%s (it "
                    "looked in %s); give the path of a script of your own",
                    name, name, ext, dir);
  }
  return CLI_OK;
}

typedef struct run_args {
  char **v; /* v[0] the script, then its arguments */
  int n;
} run_args;

/* Set `arg` and push the arguments (protected: it allocates). */
static int push_args(lua_State *L) {
  run_args *a = lua_touserdata(L, 1);
  int i;
  lua_settop(L, 0);
  luaL_checkstack(L, a->n + 2, "too many arguments");
  lua_createtable(L, a->n, 1);
  for (i = 0; i < a->n; i++) {
    lua_pushstring(L, a->v[i]);
    lua_rawseti(L, 1, i);
  }
  lua_setglobal(L, "arg");
  for (i = 1; i < a->n; i++) lua_pushstring(L, a->v[i]);
  return a->n - 1;
}

/* The exit status a script's result stands for. */
static int result_status(lua_State *L, const char *script) {
  int isnum;
  lua_Integer n;
  switch (lua_type(L, -1)) {
  case LUA_TNONE:
  case LUA_TNIL: return CLI_OK;
  case LUA_TBOOLEAN: return lua_toboolean(L, -1) ? CLI_OK : CLI_FAIL;
  case LUA_TNUMBER:
    n = lua_tointegerx(L, -1, &isnum);
    if (isnum && n >= 0 && n <= 255) return (int)n;
    break;
  default: break;
  }
  /* (the type named before the number is turned into text: lua_tostring
   * converts it where it stands, and the order in which C evaluates the
   * arguments is not fixed; "returned a string (256)" was the result) */
  {
    const char *type = luaL_typename(L, -1);
    if (lua_type(L, -1) == LUA_TNUMBER) {
      lua_pushvalue(L, -1);
      return cli_fail("%s returned the number %s; a script returns nothing, true, false or an "
                      "exit status, a whole number from 0 to 255",
                      script, lua_tostring(L, -1));
    }
    return cli_fail("%s returned a %s (not a status); a script returns nothing, true, false or an "
                    "exit status 0-255",
                    script, type);
  }
}

static int run_main(cli_ctx *ctx, int argc, char **argv, const char *src, size_t src_len);

int cli_cmd_run(cli_ctx *ctx, int argc, char **argv) {
  return run_main(ctx, argc, argv, NULL, 0);
}

int cli_run_source(cli_ctx *ctx, int argc, char **argv, const char *src, size_t len) {
  return run_main(ctx, argc, argv, src, len);
}

/* `run`, or with src a script that ships (its name in the operand's
 * place, argv[1]). */
static int run_main(cli_ctx *ctx, int argc, char **argv, const char *src, size_t src_len) {
  run_cmdline c;
  att_alert_outputs ao;
  att_engine e;
  att_script *s = NULL;
  char **ops = NULL, why[512], shipped[PATH_MAX];
  const char *report = NULL; /* attache:NAME: the report's source */
  size_t report_len = 0;
  int nops = 0, rc, r;
  run_args a;
  memset(&e, 0, sizeof e);
  att_alert_outputs_init(&ao);
  ao.wait = 1; /* commands finish in order, before the script goes on */
  rc = parse_opts(ctx, argc, argv, 1, &c, &ops, &nops);
  if (rc < 0) rc = CLI_OK, nops = -1; /* --help */
  else if (rc == CLI_OK && nops == 0)
    rc = cli_usage(ctx, "which script? give the path of a .lua file");
  if (rc == CLI_OK && nops > 0 && src) { /* a command's script */
    report = src;
    report_len = src_len;
  } else if (rc == CLI_OK && nops > 0 && !strncmp(ops[0], "attache:", 8)) { /* a report that ships */
    if ((report = att_shipped_report(ops[0] + 8, &report_len)) == NULL) {
      char names[400] = "";
      const char *nm;
      for (size_t i = 0; (nm = att_shipped_report_name(i)) != NULL; i++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "", nm);
      rc = cli_fail("%s: attache ships no report %s (it ships %s; run one as attache:NAME)", ops[0], ops[0] + 8,
                    names);
    }
  } else if (rc == CLI_OK && nops > 0 && (rc = shipped_script(ops[0], shipped)) == CLI_OK && shipped[0]) {
    ops[0] = shipped;
  }
  if (rc == CLI_OK && nops > 0) rc = setup_engine(ctx, &c, ops, nops, &e, &ao, 0);
  if (rc == CLI_OK && nops > 0) rc = cli_author(ctx, &e.author);
  if (rc == CLI_OK && nops > 0) {
    open_store(ctx, ATT_OPEN_WRITE, &e, why, sizeof why);
    if (e.store && att_alerts_open(&e, ctx->store_dir, &ao) < 0)
      rc = cli_fail("%s", att_errmsg());
  }
  if (rc == CLI_OK && nops > 0) {
    s = att_script_new(&e, ops[0]);
    if (s == NULL) rc = cli_fail("%s", att_errmsg()[0] ? att_errmsg() : "out of memory");
  }
  if (rc == CLI_OK && s) { /* its writes: "USER via NAME.lua" */
    const char *slash = strrchr(ops[0], '/');
    char who[ATT_AUTHOR_MAX + 300];
    snprintf(who, sizeof who, "%s via %s", e.author, slash ? slash + 1 : ops[0]);
    if (att_script_set_author(s, who) != 0) rc = cli_fail("out of memory");
  }
  if (rc == CLI_OK && s) {
    lua_State *L = att_script_L(s);
    char chunk[120];
    snprintf(chunk, sizeof chunk, "=%s", ops[0]);
    if ((report ? att_script_load_string(s, report, report_len, chunk) : att_script_load_file(s, ops[0])) < 0) {
      rc = cli_fail("%s", att_errmsg());
    } else {
      a.v = ops;
      a.n = nops;
      lua_pushcfunction(L, push_args);
      lua_pushlightuserdata(L, &a);
      if (lua_pcall(L, 1, LUA_MULTRET, 0) != LUA_OK) {
        rc = cli_fail("%s: cannot pass the arguments: %s", ops[0], lua_tostring(L, -1));
      } else {
        r = att_script_call(s, nops - 1, 1);
        if (r == ATT_SCRIPT_EXIT) rc = att_script_exit_code(s);
        else if (r < 0) rc = CLI_FAIL;
        else rc = result_status(L, ops[0]);
        lua_settop(L, 0);
      }
    }
  }
  fflush(stdout);
  att_script_free(s);
  close_engine(&e);
  att_alert_outputs_free(&ao);
  free(ops);
  free_cmdline(&c);
  return rc;
}

/* ---- check ----------------------------------------------------------- */

/* `check` lists errors as FILE:LINE: message, without the traceback. */
static void check_log(void *ud, int level, const char *script, const char *msg) {
  const char *tb = strstr(msg, "\nstack traceback:");
  (void)ud;
  (void)script;
  if (level == ATT_LOG_DEBUG) return;
  fprintf(stderr, "%s%.*s\n", level == ATT_LOG_WARN ? "warning: " : "",
          tb ? (int)(tb - msg) : (int)strlen(msg), msg);
}

int cli_cmd_check(cli_ctx *ctx, int argc, char **argv) {
  run_cmdline c;
  att_alert_outputs ao; /* read from the config, not used */
  att_engine e;
  char **ops = NULL, why[512];
  int nops = 0, rc, i, failed = 0;
  memset(&e, 0, sizeof e);
  att_alert_outputs_init(&ao);
  rc = parse_opts(ctx, argc, argv, 0, &c, &ops, &nops);
  if (rc < 0) rc = CLI_OK, nops = -1;
  else if (rc == CLI_OK && nops == 0 && !c.config)
    rc = cli_usage(ctx, "which scripts? give the paths of .lua files (or --config FILE "
                        "alone to check the config file)");
  if (rc == CLI_OK && nops >= 0) rc = setup_engine(ctx, &c, ops, nops, &e, &ao, 0);
  if (rc == CLI_OK && nops >= 0 && ao.nconf == 0 && c.config) /* read, and nothing wrong in it */
    cli_line(stdout, "ok %s (no alert receivers)", c.config);
  if (rc == CLI_OK && nops >= 0 && ao.nconf > 0) {
    /* The receivers and routes as a whole: what each line alone cannot
     * say (a receiver without its URL, a route to no receiver). */
    char summary[512];
    char cbuf[PATH_MAX];
    const char *cfg = c.config ? c.config : default_config(cbuf, sizeof cbuf);
    /* With the store, when there is one: a route's actor names are its
     * names, its kinds its vocabulary's. */
    if (!e.store) open_store(ctx, ATT_OPEN_READ, &e, why, sizeof why);
    if (att_alert_outputs_check(&ao, e.store, summary, sizeof summary) < 0) {
      cli_fail("%s: %s", cfg ? cfg : "config", att_errmsg());
      failed++;
    } else {
      cli_line(stdout, "ok %s (%s)", cfg ? cfg : "config", summary);
    }
  }
  if (rc == CLI_OK && nops > 0) {
    if (!e.store) open_store(ctx, ATT_OPEN_READ, &e, why, sizeof why);
    e.log = check_log;
    for (i = 0; i < nops; i++) {
      att_script *s = att_script_new(&e, ops[i]);
      int ok = 0;
      int lr;
      if (s == NULL) {
        fprintf(stderr, "attache: %s\n", att_errmsg());
      } else if ((lr = att_script_load_file(s, ops[i])) < 0) {
        /* FILE:LINE: message; a file that cannot be read, as any error */
        fprintf(stderr, "%s%s\n", lr == ATT_EIO ? "attache: " : "", att_errmsg());
      } else {
        lua_State *L = att_script_L(s);
        run_args a; /* arg: the script alone */
        att_sched_check_mode(L); /* at.every, at.on...: checked, not run */
        int r;
        a.v = &ops[i];
        a.n = 1;
        lua_pushcfunction(L, push_args);
        lua_pushlightuserdata(L, &a);
        r = lua_pcall(L, 1, LUA_MULTRET, 0);
        if (r != LUA_OK) fprintf(stderr, "%s: %s\n", ops[i], lua_tostring(L, -1));
        else r = att_script_call(s, 0, 0);
        /* os.exit while loading: the daemon does not load the script */
        if (r == ATT_SCRIPT_EXIT)
          fprintf(stderr, "%s: the script called os.exit while loading; the daemon would not load it\n",
                  ops[i]);
        ok = r == 0;
      }
      if (ok) {
        char reg[128]; /* what the script registers for the daemon */
        if (att_sched_check_summary(att_script_L(s), reg, sizeof reg))
          printf("ok %s (%s)\n", ops[i], reg);
        else
          printf("ok %s\n", ops[i]);
      }
      else failed++;
      att_script_free(s);
    }
  }
  if (rc == CLI_OK && nops >= 0 && failed) rc = CLI_FAIL;
  close_engine(&e);
  att_alert_outputs_free(&ao);
  free(ops);
  free_cmdline(&c);
  return rc;
}

/* ---- serve ------------------------------------------------------------ */

/* `attache serve` takes the sandbox and alert options of run, and the same
 * config file: argv holds only such options (argv[0] the command). */
int cli_sandbox_setup(cli_ctx *ctx, int argc, char **argv, att_engine *e,
                      att_alert_outputs *ao) {
  run_cmdline c;
  char **ops = NULL;
  int nops = 0, rc = parse_opts(ctx, argc, argv, 0, &c, &ops, &nops);
  if (rc == CLI_OK && nops > 0) rc = cli_usage(ctx, "unexpected argument '%s'", ops[0]);
  if (rc == CLI_OK) rc = setup_engine(ctx, &c, NULL, 0, e, ao, 1);
  free(ops);
  free_cmdline(&c);
  return rc;
}
