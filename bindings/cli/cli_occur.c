/*
 * `attache list --from A --to B`: the occurrences of recurring events in
 * the window (core/occur.h), beside the events that do not recur.  A line
 * that is an occurrence shows the occurrence's date and its event's id
 * marked "7*" in the table, and keeps the event as stored with an
 * "occurrence" member in JSON.  docs/cli.md ("list") says when list
 * expands.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "occur.h"

/* The event of one line as JSON, with its occurrence when it is one. */
static int occ_json(FILE *f, const att_event *ev, const char *occ) {
  char *j = att_event_to_json(ev), *line;
  size_t n;
  if (j == NULL) return -1;
  n = strlen(j);
  if (occ && n >= 2 && j[n - 1] == '}') {
    size_t cap = n + strlen(occ) + 32;
    if ((line = malloc(cap)) == NULL) {
      free(j);
      return -1;
    }
    snprintf(line, cap, "%.*s,\"occurrence\":\"%s\"}", (int)(n - 1), j, occ);
    free(j);
    j = line;
  }
  return cli_json_text(f, j);
}

int cli_list_occurrences(cli_ctx *ctx, cli_filter *flt, att_store *st, int json) {
  att_query q = flt->q;
  int64_t *ids = NULL;
  att_bounds *bounds = NULL;
  att_occ *occ = NULL;
  att_event *evs = NULL;
  unsigned char *mark = NULL;
  size_t n = 0, nocc = 0, i, loaded = 0;
  int rc;

  /* The candidates: the filters' matches from the start of time, since a
   * recurring event never occurs before its own start. */
  att_occur_candidates(&flt->q);
  rc = cli_filter_query_bounds(flt, st, &ids, &bounds, &n);
  flt->q = q;
  if (rc != CLI_OK) return rc;
  rc = att_occur_list(st, ids, bounds, n, &q, &occ, &nocc);
  free(bounds);
  bounds = NULL;
  if (rc < 0) {
    rc = cli_fail("cannot list the occurrences: %s (narrow the window, or list the events "
                  "themselves with --no-expand)",
                  att_errmsg());
    goto out;
  }
  if (nocc == 0) {
    if (ctx->out_tty && !json) fputs("no events\n", stdout);
    goto out;
  }
  evs = calloc(nocc, sizeof *evs);
  mark = calloc(nocc, 1);
  if (!evs || !mark) {
    rc = cli_fail("out of memory");
    goto out;
  }
  /* In order: JSON is written line by line, the table once it is full. */
  for (i = 0; i < nocc; i++) {
    char text[2 * ATT_DATE_MAX + 2], *w;
    att_event_init(&evs[i]);
    loaded++;
    if (att_store_get(st, occ[i].id, &evs[i]) < 0) {
      rc = cli_fail("cannot read event %lld: %s", (long long)occ[i].id, att_errmsg());
      goto out;
    }
    mark[i] = (unsigned char)occ[i].recurring;
    if (mark[i] && att_occ_text(occ[i].start, occ[i].end, occ[i].timed, text,
                                sizeof text) < 0) {
      rc = cli_fail("event %lld: %s", (long long)occ[i].id, att_errmsg());
      goto out;
    }
    if (json) {
      if (occ_json(stdout, &evs[i], mark[i] ? text : NULL) < 0) {
        rc = cli_fail("out of memory");
        goto out;
      }
    } else if (mark[i]) {
      if (!(w = strdup(text))) {
        rc = cli_fail("out of memory");
        goto out;
      }
      free(evs[i].when);
      evs[i].when = w;
    }
  }
  if (!json) {
    /* The table list set up (--columns, colour), ids marked. */
    cli_table_opts o = *cli_table_current();
    o.fit = ctx->out_tty;
    o.occ = mark;
    cli_table_cols(stdout, evs, nocc, &o);
  }
out:
  for (i = 0; evs && i < loaded; i++) att_event_free(&evs[i]);
  free(evs);
  free(mark);
  free(occ);
  free(ids);
  return rc;
}
