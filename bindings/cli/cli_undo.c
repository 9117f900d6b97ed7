/*
 * attache undo, revert and restore: reverse recorded changes
 * (core/revert.h).  Each shows the plan first, with the fields each event
 * gets back as `attache log` shows a diff, asks on a terminal (or takes
 * --yes), then applies it as one write and says what it did.
 * docs/history.md ("Undo, revert, restore") is the manual.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "event_diff.h"
#include "revert.h"

enum { O_YES = 1, O_BATCH, O_DRY_RUN };

static const cli_opt undo_opts[] = {
    {"yes", 'y', 0, O_YES}, {"dry-run", 'n', 0, O_DRY_RUN}, CLI_REASON_OPT, {NULL, 0, 0, 0}};
static const cli_opt revert_opts[] = {{"yes", 'y', 0, O_YES},
                                      {"batch", 0, 0, O_BATCH},
                                      {"dry-run", 'n', 0, O_DRY_RUN},
                                      CLI_REASON_OPT,
                                      {NULL, 0, 0, 0}};

/* Which command runs: its words for the preview, the prompt and the
 * report. */
typedef struct undo_kind {
  const char *done;   /* "undid", "reverted", "restored" */
  const char *prompt; /* "undo" */
} undo_kind;

static const undo_kind K_UNDO = {"undid", "undo"};
static const undo_kind K_REVERT = {"reverted", "revert"};
static const undo_kind K_RESTORE = {"restored", "restore"};

static const char *op_name(int op) {
  switch (op) {
    case ATT_CHANGE_ADD: return "add";
    case ATT_CHANGE_UPDATE: return "update";
    case ATT_CHANGE_REMOVE: return "removal";
    case ATT_CHANGE_RESTORE: return "restore";
    default: return "change";
  }
}

/* "2024-03-02 10:00 UTC" */
static const char *when_text(att_time t, char buf[48]) {
  char iso[40];
  if (att_time_format(t, iso, sizeof iso) < 0 || strlen(iso) < 16) {
    snprintf(buf, 48, "?");
    return buf;
  }
  snprintf(buf, 48, "%.10s %.5s UTC", iso, iso + 11);
  return buf;
}

/* The title of a step's event, from whichever state it has. */
static char *step_title(const att_revert_step *s) {
  const char *j = s->cur_json ? s->cur_json : s->json;
  size_t n = s->cur_json ? s->cur_len : s->len;
  att_event ev;
  char *t = NULL;
  if (j && att_event_from_json(j, n, ATT_EV_STORED, &ev) == 0) {
    t = ev.title;
    ev.title = NULL;
    att_event_free(&ev);
  }
  return t;
}

/* "change 42" or "changes 42 to 44": what a step reverses. */
static const char *step_changes(const att_revert_step *s, char *buf, size_t cap) {
  if (s->first == s->last) snprintf(buf, cap, "change %llu", (unsigned long long)s->first);
  else
    snprintf(buf, cap, "changes %llu to %llu", (unsigned long long)s->first,
             (unsigned long long)s->last);
  return buf;
}

/* The preview of a large write (an import) shows this many changes and
 * events, then how many more. */
#define PREVIEW_MAX 20

static void preview(const att_reversal *r, const undo_kind *k) {
  size_t i, j;
  char w[48], ch[64];
  printf("%s %s:\n", k == &K_UNDO ? "to undo" : k == &K_RESTORE ? "to restore" : "to revert",
         r->nchanges == 1 ? "this change" : "these changes (one write)");
  for (i = 0; i < r->nchanges; i++) {
    const att_change *c = &r->changes[i];
    if (i == PREVIEW_MAX && r->nchanges > PREVIEW_MAX + 1) {
      printf("  and %zu more changes\n", r->nchanges - i);
      break;
    }
    cli_line(stdout, "  change %llu, %s of event %lld by %s on %s%s%s%s",
             (unsigned long long)c->seq, op_name(c->op), (long long)c->id,
             *c->author ? c->author : "an unknown author", when_text(c->tx, w),
             *c->reason ? " (" : "", c->reason, *c->reason ? ")" : "");
  }
  printf("it will:\n");
  for (i = 0; i < r->nsteps; i++) {
    const att_revert_step *s = &r->steps[i];
    char *title;
    att_diff d = {0};
    if (i == PREVIEW_MAX && r->nsteps > PREVIEW_MAX + 1) {
      printf("  and the same for %zu more events\n", r->nsteps - i);
      break;
    }
    title = step_title(s);
    step_changes(s, ch, sizeof ch);
    if (s->op == ATT_CHANGE_REMOVE)
      cli_line(stdout, "  remove event %lld \"%s\" (%s made it)", (long long)s->id,
               title ? title : "", ch);
    else if (s->op == ATT_CHANGE_RESTORE)
      cli_line(stdout, "  restore event %lld \"%s\" at its revision %lld (%s removed it)",
               (long long)s->id, title ? title : "", (long long)s->to_rev, ch);
    else
      cli_line(stdout, "  put event %lld \"%s\" back at its revision %lld (undoing %s):",
               (long long)s->id, title ? title : "", (long long)s->to_rev, ch);
    if (s->op == ATT_CHANGE_UPDATE &&
        att_event_diff(s->cur_json, s->cur_len, s->json, s->len, &d) == 0) {
      for (j = 0; j < d.n; j++) cli_line(stdout, "    %s: %s", d.v[j].field, d.v[j].text);
      att_diff_free(&d);
    }
    free(title);
  }
  for (i = 0; i < r->nnotes; i++) cli_line(stdout, "note: %s", r->notes[i]);
}

/* On a terminal: the answer to "undo? [y/N]" (1 for yes). */
static int confirm(const undo_kind *k) {
  char line[64];
  fprintf(stderr, "%s? [y/N] ", k->prompt);
  fflush(stderr);
  if (fgets(line, sizeof line, stdin) == NULL) return 0;
  return line[0] == 'y' || line[0] == 'Y';
}

static void report(const att_reversal *r, const undo_kind *k) {
  size_t i;
  char ch[64];
  for (i = 0; i < r->nsteps; i++) {
    const att_revert_step *s = &r->steps[i];
    char *title = step_title(s);
    step_changes(s, ch, sizeof ch);
    if (k == &K_RESTORE)
      cli_line(stdout, "restored event %lld \"%s\" at its revision %lld (now revision %lld), as "
                       "change %llu",
               (long long)s->id, title ? title : "", (long long)s->to_rev, (long long)s->new_rev,
               (unsigned long long)s->new_seq);
    else if (s->op == ATT_CHANGE_REMOVE)
      cli_line(stdout, "%s %s: event %lld \"%s\" removed, as change %llu", k->done, ch,
               (long long)s->id, title ? title : "", (unsigned long long)s->new_seq);
    else
      cli_line(stdout, "%s %s: event %lld %s at its revision %lld (now revision %lld), as "
                       "change %llu",
               k->done, ch, (long long)s->id,
               s->op == ATT_CHANGE_RESTORE ? "restored" : "back", (long long)s->to_rev,
               (long long)s->new_rev, (unsigned long long)s->new_seq);
    free(title);
  }
}

/* An id or a change number: a positive integer. */
static int number(cli_ctx *ctx, const char *what, const char *s, uint64_t *out) {
  long long v = cli_count(s);
  if (v <= 0)
    return cli_usage(ctx, "%s \"%s\" is not %s (give a positive whole number, as "
                          "attache log shows it)",
                     what, s, v == 0 ? "one (they start at 1)" : "a number");
  *out = (uint64_t)v;
  return CLI_OK;
}

static int run(cli_ctx *ctx, const undo_kind *k, const cli_opt *opts, int argc, char **argv) {
  cli_parser p;
  att_store *st = NULL;
  att_reversal r;
  int o, rc = CLI_OK, yes = 0, batch = 0, dry = 0, e = 0;
  uint64_t num = 0;
  att_reversal_init(&r);
  cli_parser_init(&p, ctx, opts, argc, argv);
  while (rc == CLI_OK && (o = cli_next(&p)) != CLI_END) {
    if (o == CLI_BAD) rc = CLI_USAGE;
    else if (o == CLI_HELP) {
      cli_help(ctx->cmd, stdout);
      cli_parser_free(&p);
      return CLI_OK;
    } else if (o == O_YES) yes = 1;
    else if (o == O_BATCH) batch = 1;
    else if (o == O_DRY_RUN) dry = 1;
    else if (o == CLI_O_REASON) rc = cli_history_opt(ctx, o, p.arg);
  }
  if (rc == CLI_OK && k == &K_UNDO && p.npos > 0)
    rc = cli_usage(ctx, "unexpected operand '%s' (undo reverses your last write; attache revert "
                        "CHANGE reverses another)",
                   p.pos[0]);
  if (rc == CLI_OK && k != &K_UNDO && p.npos != 1)
    rc = cli_usage(ctx, p.npos == 0 ? (k == &K_RESTORE ? "which event? give its id"
                                                       : "which change? give its number, as "
                                                         "attache log shows it")
                                    : "one at a time, please");
  if (rc == CLI_OK && k == &K_RESTORE && cli_count(p.pos[0]) <= 0)
    rc = cli_usage(ctx, "\"%s\" is not an id: restore takes the number of the removed event "
                        "(its key names no event once it is removed; attache log shows the id)",
                   p.pos[0]);
  if (rc == CLI_OK && k != &K_UNDO)
    rc = number(ctx, k == &K_RESTORE ? "the id" : "the change", p.pos[0], &num);
  if (rc == CLI_OK && !yes && !dry && !isatty(0))
    rc = cli_usage(ctx, "not on a terminal, so there is no one to confirm: give --yes to %s "
                        "without asking",
                   k->prompt);
  /* A dry run only reads, as the plan does. */
  if (rc == CLI_OK) rc = cli_open(ctx, dry ? ATT_OPEN_READ : ATT_OPEN_WRITE, &st);
  if (rc == CLI_OK) {
    if (k == &K_UNDO) {
      const char *author = NULL;
      rc = cli_author(ctx, &author);
      if (rc == CLI_OK) e = att_undo_plan(st, author, &r);
    } else if (k == &K_RESTORE) {
      e = att_restore_plan(st, (int64_t)num, &r);
    } else {
      e = batch ? att_revert_plan_batch(st, num, &r) : att_revert_plan(st, &num, 1, &r);
    }
    if (rc == CLI_OK && e < 0) {
      if (e == ATT_ENOTFOUND || e == ATT_ECONFLICT || e == ATT_EEXISTS || e == ATT_EINVAL)
        rc = cli_fail("%s", att_errmsg());
      else
        rc = cli_core_fail(e, "cannot %s", k->prompt);
    }
  }
  if (rc == CLI_OK) {
    preview(&r, k);
    fflush(stdout);
    if (dry) {
      printf("(a dry run: nothing was changed)\n");
      goto out;
    }
    if (!yes && !confirm(k)) rc = cli_fail("nothing was changed");
  }
  if (rc == CLI_OK) {
    e = att_revert_apply(st, &r, ctx->reason);
    if (e < 0) rc = cli_core_fail(e, "cannot %s; nothing was changed", k->prompt);
    else
      report(&r, k);
  }
out:
  att_reversal_free(&r);
  if (st) att_store_close(st);
  cli_parser_free(&p);
  return rc;
}

int cli_cmd_undo(cli_ctx *ctx, int argc, char **argv) {
  return run(ctx, &K_UNDO, undo_opts, argc, argv);
}

int cli_cmd_revert(cli_ctx *ctx, int argc, char **argv) {
  return run(ctx, &K_REVERT, revert_opts, argc, argv);
}

int cli_cmd_restore(cli_ctx *ctx, int argc, char **argv) {
  return run(ctx, &K_RESTORE, undo_opts, argc, argv);
}
