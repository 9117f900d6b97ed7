/*
 * The filters that list and export share (--from, --to, --actor, --tag,
 * --kind, --status, --text, --where): their options, one parser, the
 * checks of the command line, and the query that applies them.  A
 * command puts CLI_FILTER_OPTS in its option table and hands every option
 * it does not know itself to cli_filter_opt.
 *
 * --where runs a Lua expression over the events the core's filters let
 * through, in a sandboxed script (host.h), read-only: it may look at the
 * store but not change it or fire alerts.
 */
#include "cli.h"
#include "lua_util.h"
#include "timeq.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int cli_filter_init(cli_filter *f, int argc) {
  memset(f, 0, sizeof *f);
  att_query_init(&f->q);
  f->actors = calloc((size_t)argc + 1, sizeof *f->actors);
  f->tags = calloc((size_t)argc + 1, sizeof *f->tags);
  if (f->actors == NULL || f->tags == NULL) return cli_fail("out of memory");
  f->q.actors = f->actors;
  f->q.tags = f->tags;
  return CLI_OK;
}

void cli_filter_free(cli_filter *f) {
  free(f->actors);
  free(f->tags);
  f->actors = f->tags = NULL;
}

int cli_filter_opt(cli_ctx *ctx, cli_filter *f, int id, const char *arg) {
  switch (id) {
  case CLI_F_FROM: f->from = arg; break;
  case CLI_F_TO: f->to = arg; break;
  case CLI_F_ACTOR: f->actors[f->q.nactors++] = arg; break;
  case CLI_F_TAG: f->tags[f->q.ntags++] = arg; break;
  case CLI_F_KIND: f->q.kind = arg; break;
  case CLI_F_STATUS: f->q.status = arg; break;
  case CLI_F_TEXT: f->q.text = arg; break;
  case CLI_F_WHERE:
    if (*arg == '\0')
      return cli_usage(ctx, "--where needs a Lua expression, e.g. "
                            "--where 'ev:has_actor(\"JPN\")'");
    f->where = arg;
    break;
  default: return -1;
  }
  return CLI_OK;
}

int cli_filter_check(cli_ctx *ctx, cli_filter *f) {
  char e[ATT_DATE_MAX];
  att_bounds from, to;
  int rc;
  if (f->from) {
    if ((rc = cli_date("--from", f->from, att_time_now(), e, &from)) != CLI_OK) return rc;
    f->q.from = from.earliest;
  }
  if (f->to) {
    if ((rc = cli_date("--to", f->to, att_time_now(), e, &to)) != CLI_OK) return rc;
    f->q.to = to.latest;
  }
  /* An empty window is a mistake on the command line, not "no events". */
  if (f->from && f->to && f->q.from > f->q.to)
    return cli_usage(ctx, "--from %s --to %s: the range ends before it starts; --from is "
                          "the earlier date",
                     f->from, f->to);
  return CLI_OK;
}

/* ---- --where ------------------------------------------------------------- */

/* Errors of the --where script are reported once, by the command itself. */
static void where_log(void *ud, int level, const char *script, const char *msg) {
  (void)ud, (void)level, (void)script, (void)msg;
}

/* The message of the last failure without the chunk's "--where:1: ". */
static const char *where_msg(void) {
  const char *m = att_errmsg(), *p = m;
  if (strncmp(p, "--where:", 8) == 0) {
    p += 8;
    while (*p >= '0' && *p <= '9') p++;
    if (*p == ':' && p[1] == ' ') return p + 2;
    if (p == m + 8 && *p == ' ') return p + 1;
  }
  return m;
}

/*
 * Keep the ids whose event makes the Lua expression true, in order, at
 * most limit of them (0: all).  The expression sees the event as `ev` and
 * the module as `at`; it runs in a sandbox with the instruction budget of
 * one call per event.  An error stops the listing and is reported once.
 */
static int where_filter(att_store *st, const char *expr, int64_t *ids, size_t *n,
                        size_t limit) {
  att_engine eng;
  att_script *s;
  lua_State *L;
  size_t i, kept = 0, len;
  int rc = CLI_OK, r, fn;
  char *code;
  memset(&eng, 0, sizeof eng);
  att_limits_default(&eng.limits);
  eng.store = st;
  eng.log = where_log;
  len = strlen(expr) + 96;
  if ((code = malloc(len)) == NULL) return cli_fail("out of memory");
  snprintf(code, len, "local at = require \"attache\" return function(ev) return (%s\n) end",
           expr);
  if ((s = att_script_new(&eng, "--where")) == NULL) {
    free(code);
    return cli_fail("--where: %s", att_errmsg());
  }
  L = att_script_L(s);
  if (att_script_load_string(s, code, strlen(code), "=--where") != 0 ||
      att_script_call(s, 0, 1) != 0 || !lua_isfunction(L, -1)) {
    rc = cli_fail("--where '%s': %s", expr, where_msg());
  } else {
    fn = luaL_ref(L, LUA_REGISTRYINDEX);
    for (i = 0; i < *n && (limit == 0 || kept < limit); i++) {
      lua_rawgeti(L, LUA_REGISTRYINDEX, fn);
      if (!attl_event_pushid(L, st, ids[i], &r)) {
        lua_pop(L, 1);
        if (r == ATT_ENOTFOUND) continue;
        rc = cli_core_fail(r, "cannot read event %lld", (long long)ids[i]);
        break;
      }
      /* Read-only for the call: an expression that writes is refused,
       * and stops the listing like any other error. */
      att_script_readonly_enter(s, "list --where");
      r = att_script_call(s, 1, 1);
      att_script_readonly_leave(s);
      if (r != 0) {
        rc = cli_fail("--where '%s': %s (on event %lld)", expr, where_msg(),
                      (long long)ids[i]);
        break;
      }
      if (lua_toboolean(L, -1)) ids[kept++] = ids[i];
      lua_pop(L, 1);
    }
    *n = kept;
  }
  att_script_free(s);
  free(code);
  return rc;
}

int cli_filter_query(cli_filter *f, att_store *st, int64_t **ids, size_t *n) {
  return cli_filter_query_bounds(f, st, ids, NULL, n);
}

int cli_filter_query_bounds(cli_filter *f, att_store *st, int64_t **ids, att_bounds **bounds,
                            size_t *n) {
  att_query q = f->q;
  cli_names nm;
  int r;
  if (bounds) *bounds = NULL;
  if (f->where) q.limit = 0; /* the limit counts the events the expression keeps */
  cli_names_init(&nm, st, 0); /* names as typed: Japan is JPN, a typo an error (names.md) */
  r = cli_names_query(&nm, &q);
  if (r == CLI_OK &&
      (r = bounds && !f->where ? att_store_query_bounds(st, &q, ids, bounds, n) : att_store_query(st, &q, ids, n)) < 0)
    r = cli_core_fail(r, "cannot list the events");
  cli_names_free(&nm);
  if (r != CLI_OK) return r;
  return f->where ? where_filter(st, f->where, *ids, n, f->q.limit) : CLI_OK;
}
