/*
 * Output of the command line: tables and blocks for people (aligned by
 * display width, so CJK titles and accents line up), JSON Lines and CSV for
 * machines, and the progress bar of long imports.
 *
 * What people read is escaped for a terminal (att_termsafe): a title with
 * ESC or U+202E shows "\x1b" or "\u202e".  The escaped text is what is
 * measured and cut, so the columns still line up.  Notes keep their line
 * breaks and tabs.  JSON carries the same characters as \u escapes; CSV
 * guards formula-like cells unless asked for raw cells.
 */
#include "cli.h"
#include "event_fields.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* ---- display width of UTF-8 text ------------------------------------- */

/* Decode one code point; invalid bytes count as one U+FFFD of one byte. */
static unsigned long u8next(const unsigned char **pp) {
  const unsigned char *p = *pp;
  unsigned long c = p[0];
  int n = 0, i;
  if (c < 0x80) n = 0;
  else if ((c & 0xE0) == 0xC0) { n = 1; c &= 0x1F; }
  else if ((c & 0xF0) == 0xE0) { n = 2; c &= 0x0F; }
  else if ((c & 0xF8) == 0xF0) { n = 3; c &= 0x07; }
  else { *pp = p + 1; return 0xFFFD; }
  for (i = 1; i <= n; i++) {
    if ((p[i] & 0xC0) != 0x80) { *pp = p + 1; return 0xFFFD; }
    c = (c << 6) | (p[i] & 0x3F);
  }
  *pp = p + n + 1;
  return c;
}

static int cpwidth(unsigned long c) {
  if (c < 0x20 || (c >= 0x7F && c < 0xA0)) return 1; /* shown as a space */
  if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
      (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
      (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xFE20 && c <= 0xFE2F) ||
      (c >= 0x200B && c <= 0x200F) || c == 0x2060 || c == 0xFEFF ||
      (c >= 0x0E31 && c <= 0x0E3A && c != 0x0E32 && c != 0x0E33) ||
      (c >= 0x17B4 && c <= 0x17D3 && c != 0x17B6 && !(c >= 0x17BE && c <= 0x17C5) &&
       c != 0x17C7 && c != 0x17C8))
    return 0;
  if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
      (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
      (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
      (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
      (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
      (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
      (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD))
    return 2;
  return 1;
}

/* The character at *pp (advanced past it) and its columns in *w; every
 * ASCII byte is one column (a control shows as a space), without the
 * decoding and the ranges. */
static unsigned long u8cell(const unsigned char **pp, int *w) {
  unsigned long c;
  if (**pp < 0x80) {
    *w = 1;
    return *(*pp)++;
  }
  c = u8next(pp);
  *w = cpwidth(c);
  return c;
}

size_t cli_u8width(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  size_t w = 0;
  int cw;
  while (*p) {
    u8cell(&p, &cw);
    w += (size_t)cw;
  }
  return w;
}

char *cli_u8fit(const char *s, size_t width) {
  const unsigned char *p = (const unsigned char *)s, *q;
  size_t total = cli_u8width(s), w = 0, len = strlen(s), k = 0;
  char *out = malloc(len + 4);
  if (out == NULL) return NULL;
  /* Leave room for the ellipsis when the text must be cut. */
  if (total > width) width = width > 0 ? width - 1 : 0;
  while (*p) {
    unsigned long c;
    int cw;
    q = p;
    c = u8cell(&p, &cw);
    if (total > width && w + (size_t)cw > width) break;
    w += (size_t)cw;
    if (c < 0x20 || c == 0x7F) out[k++] = ' ';
    else {
      memcpy(out + k, q, (size_t)(p - q));
      k += (size_t)(p - q);
    }
  }
  if (*p) {
    memcpy(out + k, "\xE2\x80\xA6", 3); /* … */
    k += 3;
  }
  out[k] = '\0';
  return out;
}

int cli_term_width(void) {
  struct winsize ws;
  const char *c;
  if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  c = getenv("COLUMNS");
  if (c && atoi(c) > 0) return atoi(c);
  return 80;
}

/* ---- tables and blocks ----------------------------------------------- */

static const char *or_dash(const char *s) { return (s && *s) ? s : "-"; }

/* The tables list prints: the columns and colour it set up
 * (cli_table_setup), else the default columns. */
void cli_table(FILE *f, const att_event *evs, size_t n, int fit) {
  cli_table_opts o = *cli_table_current();
  o.fit = fit;
  cli_table_cols(f, evs, n, &o);
}

static void day_text(att_time t, char *buf, size_t cap) {
  if (att_time_day(t, buf, cap) != 0) snprintf(buf, cap, "?");
}

static void line(FILE *f, const char *label, const char *value) {
  if (!value || !*value) return;
  fprintf(f, "%-10s ", label);
  cli_text(f, value, 0);
  fputc('\n', f);
}

/* A multi-line value: each line escaped (tabs kept), the lines after the
 * first indented under the value. */
static void lines(FILE *f, const char *label, const char *value) {
  const char *p, *nl;
  if (!value || !*value) return;
  fprintf(f, "%-10s ", label);
  for (p = value;; p = nl + 1) {
    nl = strchr(p, '\n');
    att_termsafe_write(f, p, nl ? (size_t)(nl - p) : strlen(p), ATT_TS_TAB);
    if (!nl) break;
    fprintf(f, "\n%-10s ", "");
  }
  fputc('\n', f);
}

static void joined(FILE *f, const char *label, const att_strv *v) {
  size_t i;
  if (v->n == 0) return;
  fprintf(f, "%-10s ", label);
  for (i = 0; i < v->n; i++) {
    if (i) fputs(", ", f);
    cli_text(f, v->v[i], 0);
  }
  fputc('\n', f);
}

void cli_block(FILE *f, const att_event *ev) {
  char a[32], b[32];
  size_t i;
  fprintf(f, "%-10s %lld\n", "id", (long long)ev->id);
  line(f, "key", ev->key);
  line(f, "title", ev->title);
  line(f, "kind", ev->kind);
  line(f, "status", ev->status);
  day_text(ev->bounds.earliest, a, sizeof a);
  day_text(ev->bounds.latest, b, sizeof b);
  fprintf(f, "%-10s ", "when");
  {
    char human[160]; /* in words, then the EDTF: the add echo's form */
    if (ev->when && att_date_human(ev->when, human, sizeof human) == 0 &&
        strcmp(human, ev->when) != 0) {
      cli_text(f, human, 0);
      fputs(" [", f);
      cli_text(f, ev->when, 0);
      fputc(']', f);
    } else {
      cli_text(f, or_dash(ev->when), 0);
    }
  }
  fprintf(f, "  (%s to %s)\n", a, b);
  {
    char local[160];
    if (cli_when_local(ev, local, sizeof local, 1)) line(f, "local", local);
  }
  line(f, "recur", ev->recur);
  line(f, "tz", ev->tz);
  line(f, "where", ev->where);
  joined(f, "actors", &ev->actors);
  joined(f, "tags", &ev->tags);
  for (i = 0; i < ev->npeople; i++) {
    const att_person *p = &ev->people[i];
    fprintf(f, "%-10s ", i ? "" : "people");
    cli_text(f, p->name, 0);
    if (p->role) {
      fputs(", ", f);
      cli_text(f, p->role, 0);
    }
    if (p->actor) {
      fputs(" (", f);
      cli_text(f, p->actor, 0);
      fputc(')', f);
    }
    fputc('\n', f);
  }
  if (ev->source) {
    line(f, "source", ev->source->title);
    line(f, "publisher", ev->source->publisher);
    line(f, "published", ev->source->published);
    line(f, "url", ev->source->url);
  }
  for (i = 0; i < ev->nlinks; i++)
  {
    fprintf(f, "%-10s ", i ? "" : "links");
    cli_text(f, ev->links[i].rel, 0);
    fprintf(f, " %lld\n", (long long)ev->links[i].id);
  }
  line(f, "fields", ev->fields);
  lines(f, "notes", ev->notes);
  if (att_time_format(ev->created, a, sizeof a) == 0)
    fprintf(f, "%-10s %s\n", "created", a);
  if (att_time_format(ev->updated, a, sizeof a) == 0)
    fprintf(f, "%-10s %s (rev %lld)\n", "updated", a, (long long)ev->rev);
}

int cli_json_text(FILE *f, char *j) {
  char *safe;
  if (j == NULL) return -1;
  safe = att_termsafe_json_dup(j, strlen(j));
  free(j);
  if (safe == NULL) return -1;
  fputs(safe, f);
  fputc('\n', f);
  free(safe);
  return 0;
}

int cli_json_line(FILE *f, const att_event *ev) { return cli_json_text(f, att_event_to_json(ev)); }

/* ---- CSV -------------------------------------------------------------- */

/* The columns, from the table of fields (core/event_fields.h): each
 * field at the place its CSV rank gives, source as its four members. */
#define COL_(name, csv) [ATT_CSV_COL(csv)] = name,
#define COL_ID COL_
#define COL_STR COL_
#define COL_EDTF COL_
#define COL_STRV COL_
#define COL_PEOPLE COL_
#define COL_LINKS COL_
#define COL_FIELDS COL_
#define COL_TIME COL_
#define COL_SRC_(e, name, member, flag) \
  [ATT_CSV_COL(ATT_CSV_RANK_SOURCE) + ATT_SRC_##e] = "source." name,
#define COL_SOURCE(name, csv) ATT_SOURCE_FIELDS(COL_SRC_)
const char *const cli_csv_columns[ATT_CSV_NCOLS + 1] = {
#define X(e, name, type, member, req, csv, flag) COL_##type(name, csv)
    ATT_EVENT_FIELDS(X)
#undef X
    [ATT_CSV_NCOLS] = NULL};

/* The fields in the order of their CSV ranks. */
static const att_field csv_order[ATT_CSV_RANKS] = {
#define X(e, name, type, member, req, csv, flag) [csv] = ATT_F_##e,
    ATT_EVENT_FIELDS(X)
#undef X
};

int cli_csv_field(const char *col) {
  size_t i;
  for (i = 0; i < ATT_CSV_NCOLS; i++)
    if (strcmp(cli_csv_columns[i], col) == 0) break;
  if (i == ATT_CSV_NCOLS) return -1;
  if (i >= (size_t)ATT_CSV_COL(ATT_CSV_RANK_SOURCE) + ATT_SRC_COUNT) i -= ATT_SRC_COUNT - 1;
  else if (i > (size_t)ATT_CSV_COL(ATT_CSV_RANK_SOURCE)) i = ATT_CSV_RANK_SOURCE;
  return (int)csv_order[i];
}

/* A growing text buffer for one cell. */
typedef struct sbuf {
  char *s;
  size_t n, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    char *ns;
    while (cap < b->n + n + 1) cap *= 2;
    ns = realloc(b->s, cap);
    if (ns == NULL) return;
    b->s = ns;
    b->cap = cap;
  }
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
}

static void sb_str(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

/* An element of a list cell: ';', '|' and '\' are escaped with '\'. */
static void sb_elem(sbuf *b, const char *s) {
  for (; *s; s++) {
    if (*s == ';' || *s == '|' || *s == '\\') sb_put(b, "\\", 1);
    sb_put(b, s, 1);
  }
}

/* One cell; unless raw, a formula-like one gets a quote in front and is
 * quoted (OWASP's advice). */
static void csv_cell(FILE *f, const char *s, int first, int raw) {
  const char *p;
  int quote = 0, guard;
  if (!first) fputc(',', f);
  if (s == NULL) return;
  guard = !raw && att_csv_guarded(s, strlen(s));
  for (p = s; *p; p++)
    if (*p == ',' || *p == '"' || *p == '\n' || *p == '\r') quote = 1;
  if (*s == ' ' || (*s && s[strlen(s) - 1] == ' ') || guard) quote = 1;
  if (!quote) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  if (guard) fputc('\'', f);
  for (p = s; *p; p++) {
    if (*p == '"') fputc('"', f);
    fputc(*p, f);
  }
  fputc('"', f);
}

void cli_csv_header(FILE *f) {
  int i;
  for (i = 0; cli_csv_columns[i]; i++) csv_cell(f, cli_csv_columns[i], i == 0, 1);
  fputc('\n', f);
}

static void strv_cell(FILE *f, const att_strv *v, int raw) {
  sbuf b = {0};
  size_t i;
  for (i = 0; i < v->n; i++) {
    if (i) sb_str(&b, ";");
    sb_elem(&b, v->v[i]);
  }
  csv_cell(f, b.s, 0, raw);
  free(b.s);
}

static void people_cell(FILE *f, const att_event *ev, int raw) {
  sbuf b = {0};
  size_t i;
  for (i = 0; i < ev->npeople; i++) {
    const att_person *p = &ev->people[i];
    if (i) sb_str(&b, ";");
    sb_elem(&b, p->name);
    if (p->role || p->actor) {
      sb_str(&b, "|");
      if (p->role) sb_elem(&b, p->role);
    }
    if (p->actor) {
      sb_str(&b, "|");
      sb_elem(&b, p->actor);
    }
  }
  csv_cell(f, b.s, 0, raw);
  free(b.s);
}

static void links_cell(FILE *f, const att_event *ev, int raw) {
  char num[32];
  sbuf b = {0};
  size_t i;
  for (i = 0; i < ev->nlinks; i++) {
    if (i) sb_str(&b, ";");
    sb_elem(&b, ev->links[i].rel);
    snprintf(num, sizeof num, "=%lld", (long long)ev->links[i].id);
    sb_str(&b, num);
  }
  csv_cell(f, b.s, 0, raw);
  free(b.s);
}

void cli_csv_row(FILE *f, const att_event *ev, int raw) {
  const att_source *src = ev->source;
  char num[32], ts[40];
  size_t r;
  for (r = 0; r < ATT_CSV_RANKS; r++) {
    att_field fl = csv_order[r];
    switch (att_fields[fl].type) {
    case ATT_FT_ID: /* a number */
      snprintf(num, sizeof num, "%lld", (long long)ATT_FIELD_ID(ev, fl));
      csv_cell(f, num, r == 0, 1);
      break;
    case ATT_FT_STR:
    case ATT_FT_EDTF: csv_cell(f, ATT_FIELD_STR(ev, fl), r == 0, raw); break;
    case ATT_FT_STRV: strv_cell(f, ATT_FIELD_STRV(ev, fl), raw); break;
    case ATT_FT_PEOPLE: people_cell(f, ev, raw); break;
    case ATT_FT_SOURCE:
#define X(e, name, member, flag) csv_cell(f, src ? src->member : NULL, 0, raw);
      ATT_SOURCE_FIELDS(X)
#undef X
      break;
    case ATT_FT_LINKS: links_cell(f, ev, raw); break;
    case ATT_FT_FIELDS: csv_cell(f, ev->fields, 0, raw); break;
    case ATT_FT_TIME:
      csv_cell(f, att_time_format(ATT_FIELD_TIME(ev, fl), ts, sizeof ts) == 0 ? ts : NULL, 0, raw);
      break;
    }
  }
  fputc('\n', f);
}

/* ---- progress bar ----------------------------------------------------- */

void cli_progress_start(cli_progress *pb, cli_ctx *ctx, const char *what,
                        uint64_t total) {
  memset(pb, 0, sizeof *pb);
  pb->what = what;
  pb->total = total;
  /* Short jobs finish before a bar is worth drawing. */
  pb->on = ctx->err_tty && total >= 1000;
  pb->shown = (uint64_t)-1;
}

void cli_progress_step(cli_progress *pb, uint64_t done) {
  uint64_t pct, fill, i;
  if (!pb->on || pb->total == 0) return;
  pct = done * 100 / pb->total;
  if (pct == pb->shown) return;
  pb->shown = pct;
  fill = pct * 30 / 100;
  fprintf(stderr, "\r%s [", pb->what);
  for (i = 0; i < 30; i++) fputc(i < fill ? '#' : ' ', stderr);
  fprintf(stderr, "] %3llu%% %llu/%llu", (unsigned long long)pct,
          (unsigned long long)done, (unsigned long long)pb->total);
  fflush(stderr);
}

void cli_progress_end(cli_progress *pb) {
  if (pb->on && pb->shown != (uint64_t)-1) fputs("\r\033[K", stderr);
  pb->on = 0;
}
