/*
 * attache alerts [--since D] [--key K] [--json]: the store's alert log,
 * oldest first; with --pending or --failed, the deliveries of the outbox
 * instead, and `attache alerts retry` (both in cli_outbox.c).  For people, each alert as the daemon printed it when it
 * fired, with its key at the end of its first line; with --json, the
 * log's own JSON Lines.  The log is only read (a daemon may be appending to it).
 * What a script put in an alert is shown escaped (att_alert_print); the
 * JSON has the same characters as \u escapes.
 */
#include "cli.h"
#include "alerts.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "remind.h"
#include "timeq.h"

enum { O_SINCE = 1, O_KEY, O_JSON, O_PENDING, O_FAILED, O_ALL };

static const cli_opt alerts_opts[] = {{"since", 0, 1, O_SINCE},     {"key", 0, 1, O_KEY},
                                      {"json", 0, 0, O_JSON},       {"pending", 0, 0, O_PENDING},
                                      {"failed", 0, 0, O_FAILED},   {"all", 0, 0, O_ALL},
                                      {NULL, 0, 0, 0}};

typedef struct show {
  const char *key; /* only this key, or NULL */
  int json, oom;
  size_t shown;
} show;

static int show_one(void *ud, const att_alert *a) {
  show *s = ud;
  if (s->key && (!a->key || strcmp(a->key, s->key) != 0)) return 0;
  s->shown++;
  if (s->json) {
    /* The log's JSON with direction controls, C1 and DEL as \u escapes:
     * the same JSON, safe on a terminal. */
    char *j = att_alert_to_json(a), *safe = j ? att_termsafe_json_dup(j, strlen(j)) : NULL;
    free(j);
    if (!safe) return s->oom = 1;
    puts(safe);
    free(safe);
    return 0;
  }
  if (att_alert_print(stdout, a, 1) == ATT_ENOMEM) return s->oom = 1;
  return 0;
}

/* --since: a lead back from now ("7d", "12h") or a date as a person types
 * it ("2024-06", "1 March 2024"), from its earliest instant. */
static int since_arg(const char *in, att_time *out) {
  att_time now = att_time_now();
  char edtf[ATT_DATE_MAX];
  att_bounds b;
  att_duration back;
  /* A lead in months or years counts back on the calendar. */
  if (att_lead_read(in, &back) == 0 && att_lead_back(now, &back, out) == 0) return CLI_OK;
  if (cli_date("--since", in, now, edtf, &b) != CLI_OK) {
    fprintf(stderr, "  or a time back from now: 30m, 12h, 7d, 2w, 3mo, 1y\n");
    return CLI_FAIL;
  }
  *out = b.earliest;
  return CLI_OK;
}

int cli_cmd_alerts(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  att_store *st = NULL;
  att_time since = ATT_TIME_MIN;
  show s;
  int o, rc = CLI_OK, r, pending = 0, failed = 0, all = 0, since_given = 0;
  memset(&s, 0, sizeof s);
  cli_parser_init(&p, ctx, alerts_opts, argc, argv);
  while (rc == CLI_OK && (o = cli_next(&p)) != CLI_END) {
    switch (o) {
    case CLI_BAD: rc = CLI_USAGE; break;
    case CLI_HELP:
      cli_help("alerts", stdout);
      cli_parser_free(&p);
      return CLI_OK;
    case O_SINCE:
      rc = since_arg(p.arg, &since);
      since_given = 1;
      break;
    case O_KEY:
      if (p.arg[0] == '\0') rc = cli_usage(ctx, "--key needs a key, got an empty string");
      s.key = p.arg;
      break;
    case O_JSON: s.json = 1; break;
    case O_PENDING: pending = 1; break;
    case O_FAILED: failed = 1; break;
    case O_ALL: all = 1; break;
    default: break;
    }
  }
  if (rc == CLI_OK && p.npos > 0 && !strcmp(p.pos[0], "retry")) {
    if (pending || failed || since_given || s.key || s.json)
      rc = cli_usage(ctx, "alerts retry takes ids or --all, no other option");
    else rc = cli_alerts_retry(ctx, p.pos + 1, p.npos - 1, all);
    cli_parser_free(&p);
    return rc;
  }
  if (rc == CLI_OK && all)
    rc = cli_usage(ctx, "--all goes with 'attache alerts retry' (every failed delivery)");
  if (rc == CLI_OK && (pending || failed) && since_given)
    rc = cli_usage(ctx, "--since is for the alert log, not with --pending or --failed");
  if (rc == CLI_OK && p.npos == 0 && (pending || failed)) {
    rc = cli_alerts_deliveries(ctx, pending, failed, s.key, s.json);
    cli_parser_free(&p);
    return rc;
  }
  if (rc == CLI_OK && p.npos > 0)
    rc = cli_usage(ctx, "unexpected argument '%s' (alerts takes only options, or 'retry ID...')", p.pos[0]);
  /* The store must exist: an empty answer for a mistyped --store would
   * look like "nothing fired". */
  if (rc == CLI_OK) rc = cli_open(ctx, ATT_OPEN_READ, &st);
  if (rc == CLI_OK && (r = att_alertlog_read(ctx->store_dir, since, show_one, &s)) < 0)
    rc = cli_core_fail(r, "cannot read the alert log");
  if (rc == CLI_OK && s.oom) rc = cli_fail("out of memory while listing the alerts");
  if (rc == CLI_OK && fflush(stdout) != 0) rc = cli_fail("cannot write the alerts: output error");
  if (rc == CLI_OK && s.shown == 0 && ctx->out_tty)
    fprintf(stderr, "attache: no alerts%s\n", since != ATT_TIME_MIN || s.key ? " match" : " yet");
  if (st) att_store_close(st);
  cli_parser_free(&p);
  return rc;
}
