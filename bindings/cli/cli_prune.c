/*
 * attache history [prune --before WHEN]: what history the store keeps,
 * and dropping what came before a date (att_store_prune).  A prune shows
 * what it will drop, asks on a terminal (or takes --yes), and is itself
 * recorded as a change.  docs/history.md ("Dropping old history").
 */
#include "cli.h"

#include <string.h>
#include <unistd.h>

enum { O_BEFORE = 1, O_YES, O_DRY_RUN };

static const cli_opt history_opts[] = {{"before", 0, 1, O_BEFORE},
                                       {"yes", 'y', 0, O_YES},
                                       {"dry-run", 'n', 0, O_DRY_RUN},
                                       CLI_REASON_OPT,
                                       {NULL, 0, 0, 0}};

/* "2024-01-01 00:00:00 UTC" */
static const char *utc_text(att_time t, char buf[48]) {
  char iso[40];
  if (att_time_format(t, iso, sizeof iso) < 0 || strlen(iso) < 19) snprintf(buf, 48, "?");
  else
    snprintf(buf, 48, "%.10s %.8s UTC", iso, iso + 11);
  return buf;
}

/* `attache history`: from when the history is kept. */
static int kept(cli_ctx *ctx) {
  att_store *st = NULL;
  att_time before;
  uint64_t seq;
  char b[48];
  int rc = cli_open(ctx, ATT_OPEN_READ, &st), e;
  if (rc != CLI_OK) return rc;
  e = att_store_pruned(st, &before, &seq);
  if (e < 0) rc = cli_core_fail(e, "cannot read the history of the store");
  else if (e == 0)
    printf("history: every change since the store was made (never pruned)\n");
  else
    printf("history: kept from %s; change %llu dropped what came before (attache log "
           "shows it)\n",
           utc_text(before, b), (unsigned long long)seq);
  att_store_close(st);
  return rc;
}

static int confirm(void) {
  char line[64];
  fprintf(stderr, "prune? [y/N] ");
  fflush(stderr);
  if (fgets(line, sizeof line, stdin) == NULL) return 0;
  return line[0] == 'y' || line[0] == 'Y';
}

static int prune(cli_ctx *ctx, const char *when, int yes, int dry) {
  att_store *st = NULL;
  att_time before;
  uint64_t n = 0, seq = 0;
  char b[48];
  int rc, e;
  if ((rc = cli_time_arg(ctx, "--before", when, 0, &before)) != CLI_OK) return rc;
  if (!yes && !dry && !isatty(0))
    return cli_usage(ctx, "not on a terminal, so there is no one to confirm: give --yes to "
                          "prune without asking");
  /* Even a dry run takes the writer's lock: the count is then exact. */
  if ((rc = cli_open(ctx, ATT_OPEN_WRITE, &st)) != CLI_OK) return rc;
  utc_text(before, b);
  e = att_store_prune(st, before, 1, &n, &seq);
  if (e == ATT_EINVAL) rc = cli_fail("%s", att_errmsg());
  else if (e < 0)
    rc = cli_core_fail(e, "cannot prune the history of the store");
  if (rc == CLI_OK) {
    printf("to prune: %llu version%s of the history before %s (the versions replaced and the "
           "events removed before then)\n",
           (unsigned long long)n, n == 1 ? "" : "s", b);
    printf("after it, changes before %s can no longer be shown, reverted or restored, nor the "
           "store read as of a time before it; a prune cannot be undone\n",
           b);
    fflush(stdout);
    if (dry) printf("(a dry run: nothing was changed)\n");
    else if (!yes && !confirm())
      rc = cli_fail("nothing was changed");
    else if ((e = att_store_prune(st, before, 0, &n, &seq)) < 0)
      rc = e == ATT_EINVAL ? cli_fail("%s", att_errmsg())
                           : cli_core_fail(e, "cannot prune the history; nothing was changed");
    else
      printf("pruned the history before %s: %llu version%s dropped, as change %llu\n", b,
             (unsigned long long)n, n == 1 ? "" : "s", (unsigned long long)seq);
  }
  att_store_close(st);
  return rc;
}

int cli_cmd_history(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  const char *before = NULL;
  int o, rc = CLI_OK, yes = 0, dry = 0;
  cli_parser_init(&p, ctx, history_opts, argc, argv);
  while (rc == CLI_OK && (o = cli_next(&p)) != CLI_END) {
    if (o == CLI_BAD) rc = CLI_USAGE;
    else if (o == CLI_HELP) {
      cli_help("history", stdout);
      cli_parser_free(&p);
      return CLI_OK;
    } else if (o == O_BEFORE) before = p.arg;
    else if (o == O_YES) yes = 1;
    else if (o == O_DRY_RUN) dry = 1;
    else if (o == CLI_O_REASON) rc = cli_history_opt(ctx, o, p.arg);
  }
  if (rc == CLI_OK && p.npos == 0) {
    if (before || yes || dry || ctx->reason)
      rc = cli_usage(ctx, "--before, --yes, --dry-run and --reason go with history prune");
    else
      rc = kept(ctx);
  } else if (rc == CLI_OK && strcmp(p.pos[0], "prune") != 0) {
    rc = cli_usage(ctx, "unknown 'history %s' (history alone, or history prune --before WHEN)",
                   p.pos[0]);
  } else if (rc == CLI_OK && p.npos > 1) {
    rc = cli_usage(ctx, "unexpected operand '%s' (history prune takes --before WHEN)", p.pos[1]);
  } else if (rc == CLI_OK && before == NULL) {
    rc = cli_usage(ctx, "history prune needs --before WHEN: the date or time before which "
                        "the history is dropped (2024-01-01, 1y)");
  } else if (rc == CLI_OK) {
    rc = prune(ctx, before, yes, dry);
  }
  cli_parser_free(&p);
  return rc;
}
