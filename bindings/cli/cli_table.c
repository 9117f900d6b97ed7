/*
 * The table of events that `list` prints for people: its columns (any
 * field of the table of fields, core/event_fields.h, chosen with
 * --columns), one line per event, each cell escaped for a terminal
 * (att_termsafe) before it is measured, the widest text column cut to the
 * terminal's width, and colour when it is on (cli_color): the status by
 * its meaning, the date of an overdue event (planned or confirmed, its
 * latest bound past) in red, and the date of an event under way today in
 * reverse video.
 */
#include "cli.h"
#include "event_fields.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- columns -------------------------------------------------------------- */

static const char *const default_cols = "id,when,kind,status,title";

/* Names that are not fields: other words for a field. */
static const struct { const char *alias, *name; } aliases[] = {
    {"place", "where"}, {"actor", "actors"}, {"tag", "tags"},
    {"person", "people"}, {"source", "source.title"}, {"url", "source.url"},
    {"publisher", "source.publisher"}, {"published", "source.published"}};

/* One column name into *c (field, source member); 0, or -1 if unknown. */
static int column_of(const char *name, size_t len, cli_column *c) {
  size_t i;
  for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
    if (strlen(aliases[i].alias) == len && strncmp(aliases[i].alias, name, len) == 0) {
      name = aliases[i].name;
      len = strlen(name);
      break;
    }
  c->src = -1;
  if (len > 7 && strncmp(name, "source.", 7) == 0) {
    int k;
    for (k = 0; att_source_keys[k]; k++)
      if (strlen(att_source_keys[k]) == len - 7 && strncmp(att_source_keys[k], name + 7, len - 7) == 0) {
        c->field = ATT_F_SOURCE;
        c->src = k;
        return 0;
      }
    return -1;
  }
  c->field = att_field_find(name, len);
  if (c->field < 0 || c->field == ATT_F_SOURCE) return -1;
  return 0;
}

const char *cli_column_name(size_t i) {
  static char src[ATT_SRC_COUNT][32];
  size_t nf = ATT_F_COUNT, na = sizeof aliases / sizeof aliases[0];
  if (i < nf) {
    if (i != ATT_F_SOURCE) return att_field_names[i];
    i = nf + na; /* source's place: its first member */
  }
  if (i >= nf && i < nf + na) return aliases[i - nf].alias;
  i -= nf + na;
  if (i >= ATT_SRC_COUNT) return NULL;
  snprintf(src[i], sizeof src[i], "source.%s", att_source_keys[i]);
  return src[i];
}

/* "id, key, title, ..., source.title, ..." : what --columns accepts. */
static void column_names(char *buf, size_t cap) {
  size_t o = 0, i;
  int k;
  buf[0] = '\0';
  for (i = 0; att_field_names[i]; i++) {
    if (i == ATT_F_SOURCE) {
      for (k = 0; att_source_keys[k]; k++)
        o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, "%ssource.%s", o ? ", " : "",
                              att_source_keys[k]);
      continue;
    }
    o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, "%s%s", o ? ", " : "",
                          att_field_names[i]);
  }
  for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
    o += (size_t)snprintf(buf + o, o < cap ? cap - o : 0, "%s%s (%s)", i ? ", " : "; also ",
                          aliases[i].alias, aliases[i].name);
}

int cli_columns_parse(cli_ctx *ctx, const char *spec, cli_columns *cols) {
  const char *p = spec ? spec : default_cols, *end;
  cols->n = 0;
  if (*p == '\0') return cli_usage(ctx, "--columns needs a list of fields, e.g. when,status,title");
  for (;; p = end + 1) {
    size_t len;
    end = strchr(p, ',');
    len = end ? (size_t)(end - p) : strlen(p);
    while (len > 0 && *p == ' ') p++, len--;
    while (len > 0 && p[len - 1] == ' ') len--;
    if (cols->n == CLI_COLUMNS_MAX)
      return cli_usage(ctx, "--columns %s: at most %d columns", spec, CLI_COLUMNS_MAX);
    if (len == 0 || column_of(p, len, &cols->c[cols->n]) != 0) {
      char names[1024];
      column_names(names, sizeof names);
      return cli_usage(ctx, "--columns: unknown column '%.*s'; the columns are %s", (int)len, p,
                       names);
    }
    cols->n++;
    if (end == NULL) break;
  }
  return CLI_OK;
}

/* ---- cells ---------------------------------------------------------------- */

static void put(char **s, size_t *n, const char *t) {
  size_t l = strlen(t);
  char *ns = realloc(*s, *n + l + 1);
  if (ns == NULL) return;
  memcpy(ns + *n, t, l + 1);
  *s = ns;
  *n += l;
}

/* The text of one cell, as stored (lists joined with ", "); malloc'd. */
static char *cell_text(const att_event *ev, const cli_column *c) {
  char *s = NULL, num[48];
  size_t n = 0, i;
  const att_field_info *fi = &att_fields[c->field];
  put(&s, &n, "");
  switch (fi->type) {
  case ATT_FT_ID:
    snprintf(num, sizeof num, "%lld", (long long)ATT_FIELD_ID(ev, c->field));
    put(&s, &n, num);
    break;
  case ATT_FT_EDTF: {
    char local[160]; /* a time of day: as the clock shows it where it happens */
    const cli_table_opts *o = cli_table_current();
    if (c->field == ATT_F_WHEN && cli_when_local(ev, local, sizeof local, 0)) {
      put(&s, &n, local);
      break;
    }
    /* in words (Q3 2024, early 2024), which read back to the same value */
    if (c->field == ATT_F_WHEN && ev->when && !(o && o->edtf) &&
        att_date_human(ev->when, local, sizeof local) == 0) {
      put(&s, &n, local);
      break;
    }
  } /* fall through */
  case ATT_FT_STR:
  case ATT_FT_FIELDS:
    if (ATT_FIELD_STR(ev, c->field)) put(&s, &n, ATT_FIELD_STR(ev, c->field));
    break;
  case ATT_FT_STRV: {
    const att_strv *v = ATT_FIELD_STRV(ev, c->field);
    for (i = 0; i < v->n; i++) {
      if (i) put(&s, &n, ", ");
      put(&s, &n, v->v[i]);
    }
    break;
  }
  case ATT_FT_PEOPLE:
    for (i = 0; i < ev->npeople; i++) {
      if (i) put(&s, &n, ", ");
      put(&s, &n, ev->people[i].name);
    }
    break;
  case ATT_FT_LINKS:
    for (i = 0; i < ev->nlinks; i++) {
      snprintf(num, sizeof num, "%s%s %lld", i ? ", " : "", ev->links[i].rel,
               (long long)ev->links[i].id);
      put(&s, &n, num);
    }
    break;
  case ATT_FT_SOURCE:
    if (ev->source) {
      const char *v[] = {ev->source->title, ev->source->url, ev->source->publisher,
                         ev->source->published};
      if (c->src >= 0 && c->src < 4 && v[c->src]) put(&s, &n, v[c->src]);
    }
    break;
  case ATT_FT_TIME:
    if (att_time_format(ATT_FIELD_TIME(ev, c->field), num, sizeof num) != 0) num[0] = '\0';
    put(&s, &n, num);
    break;
  }
  return s;
}

/* Escaped for a terminal, on one line (line feeds too); "-" when empty. */
static char *cell(const att_event *ev, const cli_column *c) {
  char *raw = cell_text(ev, c), *safe;
  const char *t = raw && *raw ? raw : "-";
  safe = att_termsafe_dup(t, strlen(t), 0);
  free(raw);
  return safe;
}

/* ---- colour --------------------------------------------------------------- */

/* SGR parameters for a status, by what it means for the desk; NULL: none. */
static const char *status_sgr(const char *s) {
  static const struct { const char *status, *sgr; } tab[] = {
      {"planned", "36"},   {"confirmed", "32"}, {"held", "2"},      {"postponed", "33"},
      {"cancelled", "31"}, {"draft", "35"},     {"endorsed", "34"}, {"in-force", "32"},
      {"expired", "2"}};
  size_t i;
  if (s == NULL) return NULL;
  for (i = 0; i < sizeof tab / sizeof tab[0]; i++)
    if (strcmp(s, tab[i].status) == 0) return tab[i].sgr;
  return NULL;
}

int cli_overdue(const att_event *ev, att_time now) {
  return ev->status && (strcmp(ev->status, "planned") == 0 || strcmp(ev->status, "confirmed") == 0) &&
         ev->bounds.latest != ATT_TIME_MAX && ev->bounds.latest < now;
}

/* The local day that holds now: [*from, *to]. */
static void today(att_time now, att_time *from, att_time *to) {
  time_t t = (time_t)now;
  struct tm tm;
  localtime_r(&t, &tm);
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_isdst = -1;
  *from = (att_time)mktime(&tm);
  tm.tm_mday++;
  tm.tm_isdst = -1;
  *to = (att_time)mktime(&tm) - 1;
}

/* The SGR of a cell, or NULL. */
static const char *cell_sgr(const att_event *ev, const cli_column *c, att_time now,
                            att_time day0, att_time day1) {
  if (c->field == ATT_F_STATUS) return status_sgr(ev->status);
  if (c->field == ATT_F_WHEN) {
    if (cli_overdue(ev, now)) return "1;31";
    if (ev->bounds.earliest <= day1 && ev->bounds.latest >= day0) return "7";
  }
  return NULL;
}

/* ---- the table ------------------------------------------------------------ */

static void pad(FILE *f, const char *s, size_t width, int right, const char *sgr) {
  size_t w = cli_u8width(s);
  if (right)
    while (w++ < width) fputc(' ', f);
  if (sgr) fprintf(f, "\033[%sm", sgr);
  fputs(s, f);
  if (sgr) fputs("\033[0m", f);
  if (!right)
    while (w++ < width) fputc(' ', f);
}

static int numeric(const cli_column *c) { return att_fields[c->field].type == ATT_FT_ID; }

void cli_table_cols(FILE *f, const att_event *evs, size_t n, const cli_table_opts *o) {
  const cli_columns *cols = o->cols;
  size_t nc = cols->n, i, k, w[CLI_COLUMNS_MAX], fixed = 0, flex = nc;
  int tw = o->fit ? cli_term_width() : 0;
  att_time day0, day1;
  char **c = calloc(n * nc + 1, sizeof *c), head[64];
  if (c == NULL) return;
  today(o->now, &day0, &day1);
  for (k = 0; k < nc; k++) {
    const cli_column *col = &cols->c[k];
    snprintf(head, sizeof head, "%s%s%s", att_fields[col->field].name, col->src >= 0 ? "." : "",
             col->src >= 0 ? att_source_keys[col->src] : "");
    w[k] = cli_u8width(head);
    /* The column cut to the terminal: the title, else the last text one. */
    if (col->field == ATT_F_TITLE) flex = k;
  }
  if (flex == nc)
    for (k = nc; k-- > 0;)
      if (!numeric(&cols->c[k]) && cols->c[k].field != ATT_F_WHEN) {
        flex = k;
        break;
      }
  for (i = 0; i < n; i++)
    for (k = 0; k < nc; k++) {
      size_t cw;
      if ((c[i * nc + k] = cell(&evs[i], &cols->c[k])) == NULL) goto done;
      if (cols->c[k].field == ATT_F_ID && o->occ && o->occ[i]) {
        /* one occurrence of a recurring event: its id marked "7*" */
        size_t l = strlen(c[i * nc + k]);
        char *m = realloc(c[i * nc + k], l + 2);
        if (m == NULL) goto done;
        memcpy(m + l, "*", 2);
        c[i * nc + k] = m;
      }
      if ((cw = cli_u8width(c[i * nc + k])) > w[k]) w[k] = cw;
    }
  for (k = 0; k < nc; k++)
    if (k != flex) fixed += w[k] + 2;
  /* the header */
  for (k = 0; k < nc; k++) {
    const cli_column *col = &cols->c[k];
    char *u;
    snprintf(head, sizeof head, "%s%s%s", att_fields[col->field].name, col->src >= 0 ? "." : "",
             col->src >= 0 ? att_source_keys[col->src] : "");
    for (u = head; *u; u++)
      if (*u >= 'a' && *u <= 'z') *u = (char)(*u - 'a' + 'A');
    if (k) fputs("  ", f);
    pad(f, head, k + 1 == nc ? 0 : w[k], numeric(col), NULL);
  }
  fputc('\n', f);
  for (i = 0; i < n; i++) {
    for (k = 0; k < nc; k++) {
      const cli_column *col = &cols->c[k];
      const char *sgr = o->color ? cell_sgr(&evs[i], col, o->now, day0, day1) : NULL;
      size_t width = w[k];
      char *text = c[i * nc + k], *cut = NULL;
      if (k == flex && tw > 0) {
        size_t room = (size_t)tw > fixed + 10 ? (size_t)tw - fixed : 10;
        if (width > room) width = room;
        text = cut = cli_u8fit(text, width);
        if (text == NULL) text = "";
      }
      if (k) fputs("  ", f);
      pad(f, text, k + 1 == nc ? 0 : width, numeric(col), sgr);
      free(cut);
    }
    fputc('\n', f);
  }
done:
  for (i = 0; i < n * nc; i++) free(c[i]);
  free(c);
}

/* ---- what list sets ------------------------------------------------------- */

static cli_table_opts current;
static cli_columns current_cols;

void cli_table_setup(const cli_table_opts *o) {
  if (o) {
    current = *o;
    return;
  }
  memset(&current, 0, sizeof current);
}

const cli_table_opts *cli_table_current(void) {
  if (current.cols == NULL) {
    if (current_cols.n == 0) cli_columns_parse(NULL, NULL, &current_cols);
    current.cols = &current_cols;
  }
  return &current;
}

/* ---- --color -------------------------------------------------------------- */

int cli_color_opt(cli_ctx *ctx, const char *when) {
  if (when == NULL || strcmp(when, "always") == 0) ctx->color = CLI_COLOR_ALWAYS;
  else if (strcmp(when, "never") == 0) ctx->color = CLI_COLOR_NEVER;
  else if (strcmp(when, "auto") == 0) ctx->color = CLI_COLOR_AUTO;
  else return cli_usage(ctx, "--color=%s: give always, never or auto", when);
  return CLI_OK;
}

int cli_color_on(const cli_ctx *ctx) {
  const char *nc = getenv("NO_COLOR");
  if (ctx->color == CLI_COLOR_ALWAYS) return 1;
  if (ctx->color == CLI_COLOR_NEVER) return 0;
  if (nc && *nc) return 0;
  return ctx->out_tty;
}
