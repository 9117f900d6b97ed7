/*
 * attache init, rm, compact and fsck: creating a store, removing an
 * event, folding the journal into a new snapshot, and checking a store's
 * records.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const cli_opt no_opts[] = {{NULL, 0, 0, 0}};

/* Parse a command that takes only the common options; returns -1 after
 * printing help. */
static int simple_args(cli_ctx *ctx, cli_parser *p, const cli_opt *opts,
                       int argc, char **argv) {
  int o;
  cli_parser_init(p, ctx, opts, argc, argv);
  while ((o = cli_next(p)) != CLI_END) {
    if (o == CLI_BAD) return CLI_USAGE;
    if (o == CLI_HELP) {
      cli_help(ctx->cmd, stdout);
      return -1;
    }
  }
  return CLI_OK;
}

static const cli_opt force_opts[] = {{"force", 'f', 0, 'f'}, {NULL, 0, 0, 0}};
static const cli_opt rm_opts[] = {{"force", 'f', 0, 'f'}, CLI_REASON_OPT, {NULL, 0, 0, 0}};

/* A command whose options are --force (and those of opts: --reason). */
static int force_args(cli_ctx *ctx, cli_parser *p, const cli_opt *opts, int argc, char **argv,
                      int *force) {
  int o;
  *force = 0;
  cli_parser_init(p, ctx, opts, argc, argv);
  while ((o = cli_next(p)) != CLI_END) {
    if (o == CLI_BAD) return CLI_USAGE;
    if (o == CLI_HELP) {
      cli_help(ctx->cmd, stdout);
      return -1;
    }
    if (o == 'f') *force = 1;
    else if (o == CLI_O_REASON && cli_history_opt(ctx, o, p->arg) != CLI_OK) return CLI_USAGE;
  }
  return CLI_OK;
}

int cli_cmd_init(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  int force, rc = force_args(ctx, &p, force_opts, argc, argv, &force), r;
  if (rc == CLI_OK && p.npos > 0)
    rc = cli_usage(ctx, "unexpected operand '%s' (the store is chosen with "
                        "--store DIR)",
                   p.pos[0]);
  cli_parser_free(&p);
  if (rc != CLI_OK) return rc < 0 ? CLI_OK : rc;
  if (ctx->store_dir == NULL)
    return cli_fail("no store directory: use --store DIR, or set ATTACHE_STORE "
                    "or HOME");
  r = att_store_init_ex(ctx->store_dir, force ? ATT_INIT_FORCE : 0);
  if (r == ATT_EEXISTS)
    return cli_fail("a store already exists at %s; nothing was changed",
                    ctx->store_dir);
  if (r < 0) return cli_core_fail(r, "cannot create a store at %s", ctx->store_dir);
  cli_line(stdout, "created an empty store at %s", ctx->store_dir);
  return CLI_OK;
}

int cli_cmd_rm(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  att_store *st = NULL;
  att_event ev;
  int force, rc = force_args(ctx, &p, rm_opts, argc, argv, &force), r;
  if (rc == CLI_OK && p.npos != 1)
    rc = cli_usage(ctx, p.npos == 0 ? "which event? give its id or key"
                                    : "one event at a time: give one id or key");
  att_event_init(&ev);
  if (rc == CLI_OK) rc = cli_open(ctx, ATT_OPEN_WRITE, &st);
  if (rc == CLI_OK) {
    r = att_store_lookup(st, p.pos[0], &ev);
    if (r == ATT_ENOTFOUND)
      rc = cli_fail("no event with id or key \"%s\"; nothing was removed",
                    p.pos[0]);
    else if (r < 0)
      rc = cli_core_fail(r, "cannot read \"%s\"", p.pos[0]);
  }
  if (rc == CLI_OK) {
    struct att_linker *l = NULL;
    size_t nl = 0;
    if (force && (r = att_store_linkers(st, ev.id, &l, &nl)) < 0) {
      rc = cli_core_fail(r, "cannot remove \"%s\"", p.pos[0]);
    } else {
      r = force ? att_store_remove_force(st, ev.id) : att_store_remove(st, ev.id);
      if (r == ATT_ELINKED)
        rc = cli_fail("cannot remove \"%s\": %s; nothing was removed (attache rm --force "
                      "removes it and drops those links)",
                      p.pos[0], att_errmsg());
      else if (r < 0)
        rc = cli_core_fail(r, "cannot remove \"%s\"", p.pos[0]);
      else {
        cli_line(stdout, "removed %lld \"%s\"", (long long)ev.id, ev.title);
        for (size_t i = 0; i < nl; i++)
          if (i == 0 || l[i].from != l[i - 1].from)
            cli_line(stdout, "dropped the link of %lld to it (%s)", (long long)l[i].from, l[i].rel);
      }
    }
    free(l);
  }
  if (st) att_store_close(st);
  att_event_free(&ev);
  cli_parser_free(&p);
  return rc < 0 ? CLI_OK : rc;
}

int cli_cmd_compact(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  att_store *st = NULL;
  int rc = simple_args(ctx, &p, no_opts, argc, argv), r;
  if (rc == CLI_OK && p.npos > 0)
    rc = cli_usage(ctx, "unexpected operand '%s' (compact takes no operands)", p.pos[0]);
  if (rc == CLI_OK) rc = cli_open(ctx, ATT_OPEN_WRITE, &st);
  if (rc == CLI_OK) {
    r = att_store_compact(st);
    if (r < 0) rc = cli_core_fail(r, "cannot compact the store %s; it is unchanged", ctx->store_dir);
    else
      cli_line(stdout, "compacted %llu events into a new snapshot of %s",
             (unsigned long long)att_store_count(st), ctx->store_dir);
  }
  if (st) att_store_close(st);
  cli_parser_free(&p);
  return rc < 0 ? CLI_OK : rc;
}

enum { O_SALVAGE = 1 };
static const cli_opt fsck_opts[] = {{"salvage", 0, 1, O_SALVAGE},
                                    {NULL, 0, 0, 0}};

/* fsck's findings are its report: they go to stdout. */
static void fsck_notice(void *ud, const char *msg) {
  int *n = ud;
  (*n)++;
  cli_line(stdout, "  %s", msg);
}

int cli_cmd_fsck(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  att_store_opts o;
  const char *salvage = NULL;
  int rc = CLI_OK, opt, r, notices = 0;
  cli_parser_init(&p, ctx, fsck_opts, argc, argv);
  while (rc == CLI_OK && (opt = cli_next(&p)) != CLI_END) {
    if (opt == CLI_BAD) rc = CLI_USAGE;
    else if (opt == CLI_HELP) {
      cli_help("fsck", stdout);
      cli_parser_free(&p);
      return CLI_OK;
    } else if (opt == O_SALVAGE) salvage = p.arg;
  }
  if (rc == CLI_OK && p.npos > 0)
    rc = cli_usage(ctx, "unexpected operand '%s' (the store is chosen with "
                        "--store DIR)",
                   p.pos[0]);
  cli_parser_free(&p);
  if (rc != CLI_OK) return rc;
  if (ctx->store_dir == NULL)
    return cli_fail("no store directory: use --store DIR, or set ATTACHE_STORE "
                    "or HOME");
  memset(&o, 0, sizeof o);
  o.flags = ATT_OPEN_READ;
  o.notice = fsck_notice;
  o.ud = &notices;
  if (salvage) {
    r = att_store_salvage(ctx->store_dir, salvage, &o);
    if (r == ATT_ENOSTORE)
      return cli_fail("no store at %s; nothing to salvage", ctx->store_dir);
    if (r < 0) return cli_core_fail(r, "cannot salvage %s into %s", ctx->store_dir, salvage);
    cli_line(stdout, "salvaged %d event%s from %s into the new store %s", r, r == 1 ? "" : "s",
           ctx->store_dir, salvage);
    return CLI_OK;
  }
  r = att_store_verify(ctx->store_dir, &o);
  if (r == ATT_ENOSTORE)
    return cli_fail("no store at %s; create one with 'attache init'",
                    ctx->store_dir);
  if (r < 0) return cli_core_fail(r, "store %s is not intact", ctx->store_dir);
  cli_line(stdout, "store %s: every record is intact", ctx->store_dir);
  return CLI_OK;
}
