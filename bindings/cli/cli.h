/*
 * The command line of attache: what the cli_*.c files share.
 *
 * Each command is a function cli_cmd_NAME(ctx, argc, argv) that returns the
 * exit status: CLI_OK, CLI_FAIL (the command failed and changed nothing) or
 * CLI_USAGE (the command line itself was wrong).  Messages go to stderr,
 * prefixed "attache: "; results go to stdout.  docs/cli.md is the manual.
 *
 * Text for people (messages, tables, blocks, alerts) goes through
 * att_termsafe (core/termsafe.h): whatever a user, a file or a script put
 * in it, no control character or direction control reaches the terminal
 * raw.  JSON output carries the same characters as \u escapes; CSV
 * output guards the cells a spreadsheet would take for a formula.
 */
#ifndef ATT_CLI_H
#define ATT_CLI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "actors.h"
#include "date.h"
#include "error.h"
#include "event.h"
#include "names.h"
#include "settings.h"
#include "store.h"
#include "termsafe.h"
#include "vocab.h"

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

#define ATT_VERSION "0.1.0"

typedef struct cli_ctx {
  const char *store_dir; /* resolved before the command runs */
  int store_given;       /* --store was given (once: twice is an error) */
  const char *cmd;       /* name of the running command */
  int out_tty, err_tty;  /* stdout / stderr are terminals */
  int color;             /* --color: CLI_COLOR_AUTO, _NEVER or _ALWAYS */
  char **argv;           /* the program's whole argument vector */
  struct att_settings *settings; /* the store's, read by cli_open (NULL: defaults) */
  /* History (cli_history_opt): the reason given with --reason (NULL:
   * none), and --as-of's instant when has_as_of; cli_open applies both. */
  const char *reason;
  int has_as_of;
  att_time as_of;
} cli_ctx;

/* ---- option parsing (cli_common.c) ---------------------------------- */

/* One option a command accepts.  `arg` is 0 for a flag, 1 when it takes a
 * value, CLI_MANY when it takes one each time it is given (--actor A
 * --actor B).  An option of one value given twice is a usage error
 * ("--kind given twice"), never the last one taken without a word. */
typedef struct cli_opt {
  const char *name; /* long name without the dashes */
  char shrt;        /* short letter or 0 */
  int arg;
  int id; /* returned by cli_next */
} cli_opt;
#define CLI_MANY 2
#define CLI_OPTS_MAX 96 /* entries of one command's table, at most */

enum { CLI_END = -1, CLI_BAD = -2, CLI_HELP = -3 };

/* Walks argv; options may come before, between or after operands, and "--"
 * ends them.  Operands are collected in pos[].  --store and --help/-h are
 * understood by every command. */
typedef struct cli_parser {
  cli_ctx *ctx;
  const cli_opt *opts;
  int argc;
  char **argv;
  int i;
  int dashdash;
  const char *arg; /* value of the last option */
  const char *name; /* name of the last option as typed */
  char **pos;
  int npos;
  unsigned char seen[CLI_OPTS_MAX]; /* options of one value given so far */
} cli_parser;

void cli_parser_init(cli_parser *p, cli_ctx *ctx, const cli_opt *opts,
                     int argc, char **argv);
int cli_next(cli_parser *p);
void cli_parser_free(cli_parser *p);

/* ---- messages -------------------------------------------------------- */

/* "attache: ..." on stderr; returns CLI_FAIL. */
int cli_fail(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* "attache CMD: ...", the command's usage line and a pointer to its help;
 * returns CLI_USAGE. */
int cli_usage(cli_ctx *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* "attache: CONTEXT: <core message>"; returns CLI_FAIL. */
int cli_core_fail(int rc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* PREFIX, then the formatted message escaped for a terminal (line breaks
 * too: a message is one line), then a line feed, on stderr.  What
 * cli_fail and cli_usage print through. */
void cli_vsay(const char *prefix, const char *fmt, va_list ap);
/* One line on f: the formatted text escaped for a terminal, then a line
 * feed.  For results that quote an event or a path. */
void cli_line(FILE *f, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* s on f through att_termsafe with flags (ATT_TS_*); NULL prints
 * nothing.  For any text of an event, a file or a script that a command
 * prints for people. */
void cli_text(FILE *f, const char *s, unsigned flags);
/* Print the help text of a command (or the overview for NULL) on f. */
int cli_help(const char *cmd, FILE *f);

/* ---- history: who, why and when (cli_common.c) ------------------------ */

/* Option ids of --reason TEXT and --as-of WHEN, above those of any
 * command, and their entries for a command's option table. */
enum { CLI_O_REASON = 130, CLI_O_AS_OF };
#define CLI_REASON_OPT {"reason", 0, 1, CLI_O_REASON}
#define CLI_AS_OF_OPT {"as-of", 0, 1, CLI_O_AS_OF}
/* Take --reason or --as-of with its value into ctx: CLI_OK, CLI_USAGE
 * (said: a reason that is not one line of at most 500 bytes, a time that
 * cannot be read), or -1 when id is neither.  cli_open then records the
 * reason with the command's writes, and reads the store as of the time. */
int cli_history_opt(cli_ctx *ctx, int id, const char *arg);
/* The author of this process's changes: ATTACHE_AUTHOR when set and not
 * empty, else the store's setting history.author, else the login name,
 * else "uid N".  CLI_OK with *out (static), or CLI_USAGE (said) for an
 * ATTACHE_AUTHOR that is not a name (cli_open asks for it on a write). */
int cli_author(cli_ctx *ctx, const char **out);
/* A time as --as-of, --since and the like take it: a time back from now
 * ("3d", "12h", "2w", "1y") or a date or time as a person types it
 * ("2024-01-15", "2024-01-15 10:00", "yesterday"), as its last instant
 * when `end` (what was held by the end of that day), else its first.
 * CLI_OK, or CLI_USAGE after a message naming what (e.g. "--as-of"). */
int cli_time_arg(cli_ctx *ctx, const char *what, const char *in, int end, att_time *out);

/* ---- shared helpers -------------------------------------------------- */

/* Open the context's store; ATT_ENOSTORE becomes a hint to run init. */
int cli_open(cli_ctx *ctx, int flags, att_store **st);
/* ATTACHE_LOCK_WAIT (seconds) as att_store_opts.lock_wait_ms (0: default,
 * -1: not a number of seconds). */
int cli_lock_wait_ms(void);
/* Read a date as a person types it, with the store's settings (fiscal
 * year, hemisphere, day-first, zone) once a store is open, else the
 * defaults; on failure prints a message naming `what` (e.g. "--when") and
 * returns CLI_FAIL. */
int cli_date(const char *what, const char *in, att_time ref,
             char edtf[ATT_DATE_MAX], att_bounds *b);
/* The same with a whole date context (its out fields say whether ref was
 * used and which zone was named); cli_date_ctx_init fills one from ref
 * and the store's settings (CLI_FAIL, said, if they cannot be read). */
int cli_date_ctx_init(att_date_ctx *c, att_time ref);
int cli_date_read(const char *what, const char *in, att_date_ctx *c,
                  char edtf[ATT_DATE_MAX], att_bounds *b);
/* Read the store's settings into ctx->settings once (a store directory
 * without a store, or without settings.json: the defaults); CLI_FAIL,
 * said, when the file is damaged.  cli_open calls it. */
int cli_settings(cli_ctx *ctx);
/* --tz ZONE|local of list and get: show times in ZONE, or in the
 * display.tz setting; CLI_USAGE (said) for a zone tzdata lacks. */
int cli_show_tz(cli_ctx *ctx, const char *arg);
/* An event's time of day as a clock shows it where it happens (its tz),
 * or in the zone of --tz: "2023-12-18 10:00 +07", with_zone adds
 * " (Asia/Phnom_Penh)".  1 when written; 0 when the event has no time of
 * day or no zone applies (show when as it is). */
int cli_when_local(const att_event *ev, char *buf, size_t cap, int with_zone);
/* main: the running command's context, and freeing what it holds. */
void cli_ctx_begin(cli_ctx *ctx);
void cli_ctx_end(cli_ctx *ctx);
/* Parse a decimal count; -1 if not one. */
long long cli_count(const char *s);
/* Read a whole file ("-" for stdin); malloc'd, NUL-terminated. */
char *cli_slurp(const char *path, size_t *len);
/* The earliest instant of the event's source.published, or now. */
att_time cli_event_ref(const att_event *ev);
/* "Name|role|actor" into a cJSON object; NULL with a message on error. */
cJSON *cli_person(const char *what, const char *spec);
/* Split "a;b" cells and "Name|role" parts at sep; "\x" stands for x and
 * never splits.  With keep, escapes are kept for a further split. */
int cli_split(const char *s, char sep, int keep, char ***out, size_t *n);
void cli_free_strs(char **v, size_t n);

/* ---- the filters of list and export (cli_filter.c) -------------------- */

/* Option ids of the filters, above those of any command. */
enum { CLI_F_FROM = 100, CLI_F_TO, CLI_F_ACTOR, CLI_F_TAG, CLI_F_KIND,
       CLI_F_STATUS, CLI_F_TEXT, CLI_F_WHERE };
/* The filters' entries of a command's option table. */
#define CLI_FILTER_OPTS                                                   \
  {"from", 0, 1, CLI_F_FROM}, {"to", 0, 1, CLI_F_TO},                     \
      {"actor", 0, CLI_MANY, CLI_F_ACTOR}, {"tag", 0, CLI_MANY, CLI_F_TAG}, \
      {"kind", 0, 1, CLI_F_KIND}, {"status", 0, 1, CLI_F_STATUS},         \
      {"text", 0, 1, CLI_F_TEXT}, {"where", 0, 1, CLI_F_WHERE}

typedef struct cli_filter {
  att_query q; /* sort and limit are the command's to set */
  const char **actors, **tags;
  const char *from, *to, *where;
} cli_filter;

/* argc bounds the repeatable options. */
int cli_filter_init(cli_filter *f, int argc);
void cli_filter_free(cli_filter *f);
/* Take the filter option id with its value: CLI_OK, CLI_USAGE (said),
 * or -1 when id is not a filter's. */
int cli_filter_opt(cli_ctx *ctx, cli_filter *f, int id, const char *arg);
/* After the options: read the dates; a range that ends before it starts
 * is a usage error. */
int cli_filter_check(cli_ctx *ctx, cli_filter *f);
/* The ids of the events that pass, in the query's order (then --where,
 * which counts against the limit). */
int cli_filter_query(cli_filter *f, att_store *st, int64_t **ids, size_t *n);
/* As cli_filter_query, with the matches' dates in *bounds (malloc'd) when
 * the index gives them (no --where), else NULL. */
int cli_filter_query_bounds(cli_filter *f, att_store *st, int64_t **ids, att_bounds **bounds,
                            size_t *n);

/* ---- names that catch typos (cli_names.c) ----------------------------- */

/* The vocabulary and the actors of one command's store, read once. */
typedef struct cli_names {
  att_names core;      /* the store (NULL: only the documented words and
                        * ISO 3166) and --new-value: unknown kinds,
                        * statuses, actors taken */
  char **owned;        /* codes handed out */
  size_t nowned;
  const char **actors; /* a query's actors, as codes */
} cli_names;

void cli_names_init(cli_names *nm, att_store *st, int new_value);
void cli_names_free(cli_names *nm);
/* An event about to be written (old: the event before an update, or
 * NULL): its kind and status must be known, unless new_value; its
 * actors and people's actors that old lacks become codes.  CLI_OK, or
 * CLI_FAIL after a message with a did-you-mean. */
int cli_names_event(cli_names *nm, att_event *ev, const att_event *old);
/* The code of an actor typed on the command line (owned by nm, or typed
 * itself), or NULL after a message. */
const char *cli_names_actor(cli_names *nm, const char *typed);
/* The same for a command without --new-value (a silence's matcher). */
const char *cli_names_known_actor(cli_names *nm, const char *typed);
/* The filters of a query: a kind or status the store does not know is
 * an error with a did-you-mean (it could match nothing); q->actors is
 * replaced by an array of their codes, owned by nm (keep nm until the
 * query has run). */
int cli_names_query(cli_names *nm, att_query *q);

/* ---- tables and colour (cli_table.c) ---------------------------------- */

enum { CLI_COLOR_AUTO = 0, CLI_COLOR_NEVER, CLI_COLOR_ALWAYS };
/* --color=WHEN (NULL: --color alone, always) into ctx->color: CLI_OK or
 * CLI_USAGE (said). */
int cli_color_opt(cli_ctx *ctx, const char *when);
/* Colour on stdout: --color, else off when NO_COLOR is set (no-color.org)
 * or stdout is not a terminal. */
int cli_color_on(const cli_ctx *ctx);

/* The columns of a table: fields of the table of fields, a source
 * member (src >= 0) for source. */
#define CLI_COLUMNS_MAX 32
typedef struct cli_column {
  int field; /* att_field */
  int src;   /* att_source_field, or -1 */
} cli_column;
typedef struct cli_columns {
  cli_column c[CLI_COLUMNS_MAX];
  size_t n;
} cli_columns;
/* "when,status,title" (NULL: the default id,when,kind,status,title); an
 * unknown name is a usage error that lists the columns. */
int cli_columns_parse(cli_ctx *ctx, const char *spec, cli_columns *cols);
/* The i-th name --columns accepts (fields, their other words, source
 * members), NULL past the last: for completion. */
const char *cli_column_name(size_t i);
/* The fields list --sort takes (cli_read.c), NULL-terminated. */
extern const char *const cli_sort_names[];
/* `attache __complete WORD...`: completion candidates (cli_complete.c). */
int cli_cmd_complete(cli_ctx *ctx, int argc, char **argv);

typedef struct cli_table_opts {
  const cli_columns *cols;
  int fit;                  /* cut the widest text column to the terminal */
  int color;                /* SGR colour: status, overdue, today */
  att_time now;             /* for overdue and today */
  const unsigned char *occ; /* occ[i]: row i is an occurrence (id "7*") */
  int edtf;                 /* dates as EDTF (--edtf), not in words */
} cli_table_opts;
void cli_table_cols(FILE *f, const att_event *evs, size_t n, const cli_table_opts *o);
/* The options list sets for the tables it prints (cli_table and
 * cli_table_occ follow them); NULL: the default columns, no colour. */
void cli_table_setup(const cli_table_opts *o);
const cli_table_opts *cli_table_current(void);
/* A planned or confirmed event whose latest bound is before now. */
int cli_overdue(const att_event *ev, att_time now);

/* ---- output (cli_out.c) ---------------------------------------------- */

size_t cli_u8width(const char *s);
/* Copy s into a malloc'd string that fits in `width` columns ("…" marks a
 * cut). */
char *cli_u8fit(const char *s, size_t width);
int cli_term_width(void);

/* A table of events: id, when, kind, status, title; every cell escaped
 * for a terminal (att_termsafe) before it is measured and cut. */
void cli_table(FILE *f, const att_event *evs, size_t n, int fit);
/* list with a window: the occurrences of recurring events in it
 * (core/occur.h), as a table or JSON lines with an "occurrence" member. */
int cli_list_occurrences(cli_ctx *ctx, cli_filter *flt, att_store *st, int json);
/* The human-readable block of one event, escaped for a terminal; notes
 * keep their line breaks and tabs, further lines indented under the
 * value, so that no line of a note can pass for a field. */
void cli_block(FILE *f, const att_event *ev);
/* One event as a JSON line, direction controls, C1 and DEL as \u
 * escapes (att_termsafe_json: the same JSON once decoded). */
int cli_json_line(FILE *f, const att_event *ev);
/* One line of JSON text j (malloc'd, freed here; NULL fails), escaped
 * for a terminal as cli_json_line escapes an event. */
int cli_json_text(FILE *f, char *j);
/* CSV: the header row and one row per event.  Unless raw, a text cell
 * that a spreadsheet would take for a formula (att_csv_guarded) is
 * written with a single quote in front, and quoted; id and rev, which are
 * numbers, are written as they are. */
void cli_csv_header(FILE *f);
void cli_csv_row(FILE *f, const att_event *ev, int raw);
/* The CSV columns, in export order (NULL-terminated), from the table of
 * fields (core/event_fields.h). */
extern const char *const cli_csv_columns[];
/* The field (att_field) that CSV column col belongs to ("source.url":
 * source), or -1 for none. */
int cli_csv_field(const char *col);

/* A progress bar on stderr, drawn only when stderr is a terminal. */
typedef struct cli_progress {
  int on;
  const char *what;
  uint64_t total, shown;
} cli_progress;
void cli_progress_start(cli_progress *pb, cli_ctx *ctx, const char *what,
                        uint64_t total);
void cli_progress_step(cli_progress *pb, uint64_t done);
void cli_progress_end(cli_progress *pb);

/* ---- commands -------------------------------------------------------- */

int cli_cmd_run(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_extract(cli_ctx *ctx, int argc, char **argv);
/* `run` of a script that ships (src, len bytes), with argv as for run:
 * argv[1] names it (in messages), the rest are its arguments. */
int cli_run_source(cli_ctx *ctx, int argc, char **argv, const char *src, size_t len);
int cli_cmd_check(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_init(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_add(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_get(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_update(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_rm(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_list(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_import(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_export(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_compact(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_fsck(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_config(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_serve(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_alerts(cli_ctx *ctx, int argc, char **argv);
/* The outbox (cli_outbox.c): list the pending and/or failed deliveries
 * (of alerts with key K when key is not NULL); queue failed ones again. */
int cli_alerts_deliveries(cli_ctx *ctx, int pending, int failed, const char *key, int json);
int cli_alerts_retry(cli_ctx *ctx, char **ids, int nids, int all);
int cli_cmd_actor(cli_ctx *ctx, int argc, char **argv);
/* log, changes, and get/show ID@REV (cli_history.c) */
int cli_cmd_log(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_changes(cli_ctx *ctx, int argc, char **argv);
/* get ID@REV: event ID (or KEY) as it was at revision REV, into *ev, after
 * a line (unless json) that says which revision of how many it is and
 * what replaced it.  CLI_OK, or CLI_FAIL after a message (a revision
 * that is not a number or that the history lacks: it lists those it has). */
int cli_get_version(cli_ctx *ctx, att_store *st, const char *spec, int json, att_event *ev);
/* undo, revert, restore (cli_undo.c) */
int cli_cmd_undo(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_revert(cli_ctx *ctx, int argc, char **argv);
int cli_cmd_restore(cli_ctx *ctx, int argc, char **argv);
/* history [prune --before WHEN] (cli_prune.c) */
int cli_cmd_history(cli_ctx *ctx, int argc, char **argv);
/* user add|list|token|role|lock|unlock|rm (cli_user.c) */
int cli_cmd_user(cli_ctx *ctx, int argc, char **argv);
/* silence add|list|expire (cli_silence.c) */
int cli_cmd_silence(cli_ctx *ctx, int argc, char **argv);

/* The sandbox and alert options of run, with the config file, for serve
 * (cli_run.c): argv holds only such options. */
struct att_engine;
struct att_alert_outputs;
int cli_sandbox_setup(cli_ctx *ctx, int argc, char **argv, struct att_engine *e,
                      struct att_alert_outputs *ao);

#endif
