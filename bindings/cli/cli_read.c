/*
 * attache get, list and export: reading the store.  All three open it
 * read-only, so they never wait for a writer and never change it.
 * list and export take the same filters (cli_filter.c).  CSV output guards cells a
 * spreadsheet would take for a formula unless --csv-raw is given.
 */
#include "cli.h"
#include "lua_util.h"
#include "ics.h"    /* export --format ics */
#include "remind.h" /* att_lead_read, for --alarm */
#include "timeq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { O_JSON = 1, O_CSV, O_SORT, O_LIMIT, O_FORMAT, O_OUT, O_ALARM, O_DOMAIN,
       O_CSV_RAW, O_NO_EXPAND, O_COLUMNS, O_EDTF };

/* ---- get ---------------------------------------------------------------- */

/* --tz ZONE|local of get and list: the zone times are shown in. */
enum { O_SHOW_TZ = 90 };

static const cli_opt get_opts[] = {{"json", 0, 0, O_JSON}, {"tz", 0, 1, O_SHOW_TZ}, CLI_AS_OF_OPT,
                                   {NULL, 0, 0, 0}};

int cli_cmd_get(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  att_store *st = NULL;
  att_event ev;
  int o, rc = CLI_OK, json = 0, r;
  cli_parser_init(&p, ctx, get_opts, argc, argv);
  while (rc == CLI_OK && (o = cli_next(&p)) != CLI_END) {
    if (o == CLI_BAD) rc = CLI_USAGE;
    else if (o == CLI_HELP) {
      cli_help(ctx->cmd, stdout); /* get, or show */
      cli_parser_free(&p);
      return CLI_OK;
    } else if (o == O_JSON) json = 1;
    else if (o == O_SHOW_TZ) rc = cli_show_tz(ctx, p.arg);
    else if (o == CLI_O_AS_OF) rc = cli_history_opt(ctx, o, p.arg);
  }
  if (rc == CLI_OK && p.npos != 1)
    rc = cli_usage(ctx, p.npos == 0 ? "which event? give its id or key"
                                    : "one event at a time: give one id or key");
  att_event_init(&ev);
  if (rc == CLI_OK) rc = cli_open(ctx, ATT_OPEN_READ, &st);
  if (rc == CLI_OK && strchr(p.pos[0], '@')) { /* ID@REV: a past revision */
    rc = cli_get_version(ctx, st, p.pos[0], json, &ev);
  } else if (rc == CLI_OK) {
    r = att_store_lookup(st, p.pos[0], &ev);
    if (r == ATT_ENOTFOUND && ctx->has_as_of) {
      char t[40];
      att_time_format(ctx->as_of, t, sizeof t);
      rc = cli_fail("no event with id or key \"%s\" as of %s", p.pos[0], t);
    } else if (r == ATT_ENOTFOUND)
      rc = cli_fail("no event with id or key \"%s\"", p.pos[0]);
    else if (r < 0)
      rc = cli_core_fail(r, "cannot read \"%s\"", p.pos[0]);
  }
  if (rc == CLI_OK) {
    if (json) cli_json_line(stdout, &ev);
    else cli_block(stdout, &ev);
  }
  if (st) att_store_close(st);
  att_event_free(&ev);
  cli_parser_free(&p);
  return rc;
}

/* ---- shared by list and export ------------------------------------------ */

/* Load the events with these ids, in order. */
static int load(att_store *st, const int64_t *ids, size_t n, att_event **out) {
  att_event *evs = calloc(n ? n : 1, sizeof *evs);
  size_t i;
  int r;
  *out = NULL;
  if (evs == NULL) return cli_fail("out of memory");
  for (i = 0; i < n; i++) {
    att_event_init(&evs[i]);
    r = att_store_get(st, ids[i], &evs[i]);
    if (r < 0) {
      size_t k;
      for (k = 0; k <= i; k++) att_event_free(&evs[k]);
      free(evs);
      return cli_core_fail(r, "cannot read event %lld", (long long)ids[i]);
    }
  }
  *out = evs;
  return CLI_OK;
}

static void free_events(att_event *evs, size_t n) {
  size_t i;
  for (i = 0; evs && i < n; i++) att_event_free(&evs[i]);
  free(evs);
}

/* ---- list ---------------------------------------------------------------- */

static const cli_opt list_opts[] = {
    {"json", 0, 0, O_JSON},     {"csv", 0, 0, O_CSV},
    CLI_FILTER_OPTS,            {"sort", 0, 1, O_SORT},
    {"limit", 0, 1, O_LIMIT},   {"csv-raw", 0, 0, O_CSV_RAW}, {"tz", 0, 1, O_SHOW_TZ},
    {"no-expand", 0, 0, O_NO_EXPAND}, {"columns", 0, 1, O_COLUMNS},
    {"edtf", 0, 0, O_EDTF},     CLI_AS_OF_OPT,
    {NULL, 0, 0, 0}};

const char *const cli_sort_names[] = {"when", "id", "title", "created",
                                         "updated", "kind", "status", "key",
                                         NULL};

static int sort_code(const char *s) {
  static const int codes[] = {ATT_SORT_WHEN, ATT_SORT_ID, ATT_SORT_TITLE,
                              ATT_SORT_CREATED, ATT_SORT_UPDATED,
                              ATT_SORT_KIND, ATT_SORT_STATUS, ATT_SORT_KEY};
  int i;
  for (i = 0; cli_sort_names[i]; i++)
    if (strcmp(s, cli_sort_names[i]) == 0) return codes[i];
  return -1;
}

int cli_cmd_list(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  cli_filter flt;
  att_query *qp = &flt.q;
  att_store *st = NULL;
  att_event *evs = NULL;
  int64_t *ids = NULL;
  size_t n = 0, i;
  int o, rc, json = 0, csv = 0, csv_raw = 0, expand = 1;
  long long lim;
  const char *columns = NULL;
  int edtf = 0;
  cli_columns cols;
  cli_table_opts topts;

  rc = cli_filter_init(&flt, argc);
  cli_parser_init(&p, ctx, list_opts, argc, argv);
  while (rc == CLI_OK && (o = cli_next(&p)) != CLI_END) {
    switch (o) {
    case CLI_BAD: rc = CLI_USAGE; break;
    case CLI_HELP:
      cli_help("list", stdout);
      rc = -1;
      break;
    case O_JSON: json = 1; break;
    case O_CSV: csv = 1; break;
    case O_CSV_RAW: csv_raw = 1; break;
    case O_SHOW_TZ: rc = cli_show_tz(ctx, p.arg); break;
    case O_NO_EXPAND: expand = 0; break;
    case O_COLUMNS: columns = p.arg; break;
    case O_EDTF: edtf = 1; break;
    case CLI_O_AS_OF: rc = cli_history_opt(ctx, o, p.arg); break;
    case O_SORT: {
      const char *s = p.arg;
      qp->desc = 0;
      if (*s == '-') {
        qp->desc = 1;
        s++;
      }
      if ((qp->sort = sort_code(s)) < 0)
        rc = cli_usage(ctx, "--sort %s: sort by when, id, title, created, "
                            "updated, kind, status or key (a leading '-' "
                            "sorts descending)",
                       p.arg);
      break;
    }
    case O_LIMIT:
      lim = cli_count(p.arg);
      if (lim < 0)
        rc = cli_usage(ctx, "--limit %s: give a whole number (0 = no limit)",
                       p.arg);
      else qp->limit = (size_t)lim;
      break;
    default: rc = cli_filter_opt(ctx, &flt, o, p.arg); break;
    }
  }
  if (rc == CLI_OK && json && csv)
    rc = cli_usage(ctx, "--json and --csv: choose one");
  if (rc == CLI_OK && csv_raw && !csv)
    rc = cli_usage(ctx, "--csv-raw goes with --csv (it writes CSV cells as stored, "
                        "formula-like ones too)");
  if (rc == CLI_OK && p.npos > 0)
    rc = cli_usage(ctx, "unexpected operand '%s'", p.pos[0]);
  if (rc == CLI_OK && columns && (json || csv))
    rc = cli_usage(ctx, "--columns chooses the columns of the table, not of --json or --csv");
  if (rc == CLI_OK) rc = cli_columns_parse(ctx, columns, &cols);
  qp->collate = 1; /* strings sort as the user's locale does */
  memset(&topts, 0, sizeof topts);
  topts.cols = &cols;
  topts.fit = ctx->out_tty;
  topts.color = cli_color_on(ctx);
  topts.now = att_time_now();
  topts.edtf = edtf;
  cli_table_setup(&topts);
  if (rc == CLI_OK) rc = cli_filter_check(ctx, &flt);
  if (rc == CLI_OK) rc = cli_open(ctx, ATT_OPEN_READ, &st);
  /* A window on both sides shows the occurrences of recurring events in
   * it (cli_occur.c); CSV, like export, lists the events as stored. */
  if (rc == CLI_OK && expand && !csv && qp->from != ATT_TIME_MIN && qp->to != ATT_TIME_MAX) {
    rc = cli_list_occurrences(ctx, &flt, st, json);
    expand = -1;
  }
  if (rc == CLI_OK && expand >= 0) rc = cli_filter_query(&flt, st, &ids, &n);
  if (rc == CLI_OK && expand >= 0) rc = load(st, ids, n, &evs);
  if (rc == CLI_OK && expand >= 0) {
    if (json) {
      for (i = 0; i < n; i++) cli_json_line(stdout, &evs[i]);
    } else if (csv) {
      cli_csv_header(stdout);
      for (i = 0; i < n; i++) cli_csv_row(stdout, &evs[i], csv_raw);
    } else if (n == 0) {
      if (ctx->out_tty) fputs("no events\n", stdout);
    } else {
      cli_table_cols(stdout, evs, n, &topts);
    }
  }
  cli_table_setup(NULL);
  free_events(evs, n);
  free(ids);
  if (st) att_store_close(st);
  cli_parser_free(&p);
  cli_filter_free(&flt);
  return rc < 0 ? CLI_OK : rc;
}

/* ---- export -------------------------------------------------------------- */

static const cli_opt export_opts[] = {{"format", 'f', 1, O_FORMAT},
                                      {"output", 'o', 1, O_OUT},
                                      {"alarm", 0, CLI_MANY, O_ALARM},
                                      {"uid-domain", 0, 1, O_DOMAIN},
                                      {"csv-raw", 0, 0, O_CSV_RAW},
                                      CLI_FILTER_OPTS,
                                      CLI_AS_OF_OPT,
                                      {NULL, 0, 0, 0}};

/* Is path a regular file, or nothing yet (what export may replace by
 * renaming a finished file over it)? */
static int plain_file_or_none(const char *path) {
  struct stat sb;
  if (stat(path, &sb) != 0) return errno == ENOENT;
  return S_ISREG(sb.st_mode);
}

int cli_cmd_export(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  cli_filter flt;
  att_store *st = NULL;
  att_event *evs = NULL;
  int64_t *ids = NULL;
  size_t n = 0, i;
  const char *fmt = "jsonl", *outpath = NULL;
  char *tmp = NULL;
  int direct = 0; /* -o names a device or a pipe, written in place */
  att_duration alarms[ATT_REMIND_MAX_LEADS];
  att_ics_opts ics;
  FILE *f = stdout;
  int o, rc, csv_raw = 0;

  memset(&ics, 0, sizeof ics);
  ics.alarms = alarms;
  rc = cli_filter_init(&flt, argc);
  cli_parser_init(&p, ctx, export_opts, argc, argv);
  while (rc == CLI_OK && (o = cli_next(&p)) != CLI_END) {
    if (o == CLI_BAD) rc = CLI_USAGE;
    else if (o == O_ALARM) {
      if (ics.nalarms == ATT_REMIND_MAX_LEADS)
        rc = cli_usage(ctx, "--alarm: at most %d alarms", ATT_REMIND_MAX_LEADS);
      else if (att_lead_read(p.arg, &alarms[ics.nalarms]) < 0)
        rc = cli_usage(ctx, "--alarm %s", att_errmsg());
      else ics.nalarms++;
    } else if (o == O_DOMAIN) ics.domain = p.arg;
    else if (o == O_CSV_RAW) csv_raw = 1;
    else if (o == CLI_HELP) {
      cli_help("export", stdout);
      cli_parser_free(&p);
      cli_filter_free(&flt);
      return CLI_OK;
    } else if (o == O_FORMAT) fmt = p.arg;
    else if (o == O_OUT) outpath = p.arg;
    else if (o == CLI_O_AS_OF) rc = cli_history_opt(ctx, o, p.arg);
    else rc = cli_filter_opt(ctx, &flt, o, p.arg);
  }
  if (rc == CLI_OK && p.npos > 0)
    rc = cli_usage(ctx, "unexpected operand '%s' (write to a file with -o FILE)",
                   p.pos[0]);
  if (rc == CLI_OK && strcmp(fmt, "jsonl") != 0 && strcmp(fmt, "json") != 0 &&
      strcmp(fmt, "csv") != 0 && strcmp(fmt, "ics") != 0)
    rc = cli_usage(ctx, "--format %s: formats are jsonl, json, csv and ics", fmt);
  if (rc == CLI_OK && (ics.nalarms || ics.domain) && strcmp(fmt, "ics") != 0)
    rc = cli_usage(ctx, "--alarm and --uid-domain go with --format ics");
  if (rc == CLI_OK && csv_raw && strcmp(fmt, "csv") != 0)
    rc = cli_usage(ctx, "--csv-raw goes with --format csv (it writes CSV cells as stored, "
                        "formula-like ones too)");
  cli_parser_free(&p);
  if (rc == CLI_OK) rc = cli_filter_check(ctx, &flt);
  if (rc != CLI_OK) {
    cli_filter_free(&flt);
    return rc;
  }
  flt.q.sort = ATT_SORT_ID;
  if (outpath && strcmp(outpath, "-") != 0 && att_store_dir_holds(ctx->store_dir, outpath)) {
    cli_filter_free(&flt);
    return cli_fail("-o %s: that is inside the store %s, whose files attache alone writes; "
                    "export to a file outside it",
                    outpath, ctx->store_dir);
  }
  rc = cli_open(ctx, ATT_OPEN_READ, &st);
  if (rc == CLI_OK) rc = cli_filter_query(&flt, st, &ids, &n);
  if (rc == CLI_OK) rc = load(st, ids, n, &evs);
  if (rc == CLI_OK && outpath && strcmp(outpath, "-") != 0 && !plain_file_or_none(outpath)) {
    /* A device, a pipe or a terminal (-o /dev/stdout, /dev/null): written
     * to as it is; renaming over it would replace it with a file. */
    if ((f = fopen(outpath, "w")) == NULL) {
      rc = cli_fail("-o %s: cannot write: %s", outpath, strerror(errno));
      f = stdout;
    } else {
      direct = 1;
    }
  } else if (rc == CLI_OK && outpath && strcmp(outpath, "-") != 0) {
    /* Written beside the target and renamed, so FILE is whole or absent. */
    size_t len = strlen(outpath) + 32;
    int fd;
    tmp = malloc(len);
    snprintf(tmp, len, "%s.tmp.XXXXXX", outpath);
    fd = mkstemp(tmp);
    if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
      rc = cli_fail("-o %s: cannot write: %s", outpath, strerror(errno));
      if (fd >= 0) close(fd);
      free(tmp);
      tmp = NULL;
      f = stdout;
    }
  }
  if (rc == CLI_OK) {
    if (strcmp(fmt, "ics") == 0) {
      size_t len;
      char *text;
      ics.now = att_time_now();
      if ((text = att_ics_calendar(evs, n, &ics, &len)) == NULL)
        rc = cli_fail("out of memory");
      else fwrite(text, 1, len, f);
      free(text);
    } else if (strcmp(fmt, "csv") == 0) {
      cli_csv_header(f);
      for (i = 0; i < n; i++) cli_csv_row(f, &evs[i], csv_raw);
    } else if (strcmp(fmt, "json") == 0) {
      fputs("[\n", f);
      for (i = 0; i < n; i++) {
        char *j = att_event_to_json(&evs[i]);
        char *safe = j ? att_termsafe_json_dup(j, strlen(j)) : NULL;
        fprintf(f, "%s%s\n", safe ? safe : "null", i + 1 < n ? "," : "");
        free(safe);
        free(j);
      }
      fputs("]\n", f);
    } else {
      for (i = 0; i < n; i++) cli_json_line(f, &evs[i]);
    }
    if (rc == CLI_OK && (fflush(f) != 0 || ferror(f)))
      rc = cli_fail("%s: cannot write: %s", tmp || direct ? outpath : "standard output",
                    strerror(errno));
  }
  if (direct && fclose(f) != 0 && rc == CLI_OK)
    rc = cli_fail("-o %s: cannot write: %s", outpath, strerror(errno));
  if (tmp) {
    if (rc == CLI_OK && fsync(fileno(f)) != 0)
      rc = cli_fail("-o %s: cannot write: %s", outpath, strerror(errno));
    if (fclose(f) != 0 && rc == CLI_OK)
      rc = cli_fail("-o %s: cannot write: %s", outpath, strerror(errno));
    if (rc == CLI_OK && rename(tmp, outpath) != 0)
      rc = cli_fail("-o %s: cannot write: %s", outpath, strerror(errno));
    if (rc != CLI_OK) unlink(tmp);
    free(tmp);
  }
  free_events(evs, n);
  free(ids);
  if (st) att_store_close(st);
  cli_filter_free(&flt);
  return rc;
}
