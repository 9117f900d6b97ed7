/*
 * Reading the history (docs/history.md): attache log (the changes, newest
 * first, each with its field diff), get/show ID@REV (an event as it was
 * at a revision; get prints it, this file finds it) and attache changes
 * (the net effect of a window of changes on each event, for a weekly
 * "what's new").  All of them open the store read-only; the diffs come
 * from core/event_diff.c.
 */
#include "cli.h"
#include "event_diff.h"
#include "tz.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A write of more changes than this is shown as one group, its first
 * GROUP_SHOW changes and a count of the rest (log --all shows each). */
#define GROUP_MIN 5
#define GROUP_SHOW 3
/* Changes read at a time while log pages through the newest first: the
 * first page, doubled on each read up to the largest, so that a long
 * listing makes few reads and `log | head` one small one. */
#define PAGE 512
#define PAGE_MAX 65536

static const char *op_name(int op) { return att_change_op_name(op); }

/* A change's time as a person reads it, in the display.tz setting:
 * "2024-03-01 10:12". */
static void tx_text(cli_ctx *ctx, att_time t, char *buf, size_t cap) {
  const char *zone = ctx->settings ? att_settings_tz(ctx->settings) : NULL;
  int64_t y;
  int mo, d, h, mi, s;
  if (att_tz_local(zone ? zone : "UTC", t, &y, &mo, &d, &h, &mi, &s, NULL) != 0 &&
      att_tz_local("UTC", t, &y, &mo, &d, &h, &mi, &s, NULL) != 0) {
    snprintf(buf, cap, "%lld", (long long)t);
    return;
  }
  snprintf(buf, cap, "%04lld-%02d-%02d %02d:%02d", (long long)y, mo, d, h, mi);
}

/* The title of a stored event (malloc'd), or NULL. */
static char *title_of(const char *json, size_t len) {
  const char *s;
  size_t n;
  char *t = NULL;
  int r;
  if (json == NULL) return NULL;
  r = att_event_scan_str(json, len, "title", &s, &n);
  if (r == 1 && (t = malloc(n + 1)) != NULL) {
    memcpy(t, s, n);
    t[n] = '\0';
  } else if (r < 0) { /* escapes: read it properly */
    cJSON *j = cJSON_ParseWithLength(json, len);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "title");
    if (cJSON_IsString(v)) t = strdup(v->valuestring);
    cJSON_Delete(j);
  }
  return t;
}

/* An id with no change in the history: never used, or its changes
 * were all before a prune (then say so, and where the event is now). */
static int never_added(att_store *st, int64_t id) {
  att_time b;
  uint64_t p;
  char bt[40];
  att_event ev;
  if (id > 0 && id < att_store_next_id(st) && att_store_pruned(st, &b, &p) == 1 &&
      att_time_format(b, bt, sizeof bt) >= 0) {
    int live;
    att_event_init(&ev);
    live = att_store_get(st, id, &ev) == 0;
    if (live)
      cli_fail("event %lld has no change in the history kept: change %llu dropped the history "
               "before %s (it is now at revision %lld: attache get shows it)",
               (long long)id, (unsigned long long)p, bt, (long long)ev.rev);
    else /* (a removed event: no revision to name; the %lld used to print a stray 0) */
      cli_fail("event %lld has no change in the history kept: change %llu dropped the history "
               "before %s, and the event is removed",
               (long long)id, (unsigned long long)p, bt);
    att_event_free(&ev);
    return CLI_FAIL;
  }
  return cli_fail("no event with id %lld: none was ever added", (long long)id);
}

/* An operand that names an event: a number is its id (a removed one's
 * too: the history keeps it), anything else a key of a live event. */
static int event_id(att_store *st, const char *spec, int64_t *id) {
  att_event ev;
  long long n = cli_count(spec);
  int r;
  if (n == 0) return never_added(st, 0);
  if (n > 0) {
    *id = n;
    return CLI_OK;
  }
  att_event_init(&ev);
  r = att_store_get_key(st, spec, &ev);
  *id = ev.id;
  att_event_free(&ev);
  if (r == ATT_ENOTFOUND)
    return cli_fail("no event with key \"%s\" now; a removed event's history is found by "
                    "its id (attache log ID)",
                    spec);
  if (r < 0) return cli_core_fail(r, "cannot read \"%s\"", spec);
  return CLI_OK;
}

/* Every change of event id, oldest first (*n 0: none was ever made, or
 * its history was pruned). */
static int event_changes(att_store *st, int64_t id, att_change **v, size_t *n) {
  att_change_filter f;
  int r;
  att_change_filter_init(&f);
  f.id = id;
  f.oldest_first = 1;
  if ((r = att_store_changes(st, &f, v, n)) < 0)
    return cli_core_fail(r, "cannot read the history of event %lld", (long long)id);
  return CLI_OK;
}

/* The states a change moved between, for its diff: before and after
 * (malloc'd, NULL when absent), read by the event's id and revisions
 * (the revision a change made, and the one before it), which the store
 * finds from the event's own versions.  A restore is compared with the
 * version that was removed.  lost: the version before an update was
 * pruned, so its diff is unknown. */
typedef struct states {
  char *before, *after;
  size_t blen, alen;
  int lost;
} states;

static int change_states(att_store *st, const att_change *c, states *s) {
  int r = 0;
  memset(s, 0, sizeof *s);
  switch (c->op) {
  case ATT_CHANGE_ADD: r = att_store_version(st, c->id, c->rev, &s->after, &s->alen); break;
  case ATT_CHANGE_REMOVE: r = att_store_version(st, c->id, c->rev, &s->before, &s->blen); break;
  case ATT_CHANGE_UPDATE:
  case ATT_CHANGE_RESTORE:
    r = att_store_version(st, c->id, c->rev, &s->after, &s->alen);
    if (r == 0 && c->rev > 1 &&
        att_store_version(st, c->id, c->rev - 1, &s->before, &s->blen) == ATT_ENOTFOUND)
      s->lost = c->op == ATT_CHANGE_UPDATE; /* pruned */
    break;
  case ATT_CHANGE_PRUNE: /* no event: its JSON is {"before", "dropped"} */
    r = att_store_change_states(st, c->seq, &s->before, &s->blen, &s->after, &s->alen);
    break;
  default: break;
  }
  if (r < 0) {
    free(s->after);
    free(s->before);
    memset(s, 0, sizeof *s);
    return cli_core_fail(r, "cannot read change %llu", (unsigned long long)c->seq);
  }
  return CLI_OK;
}

static void states_free(states *s) {
  free(s->before);
  free(s->after);
}

static int diff_of(const states *s, att_diff *d) {
  int r;
  if (s->lost) { /* unknown: no items rather than the whole event */
    memset(d, 0, sizeof *d);
    return CLI_OK;
  }
  r = att_event_diff(s->before, s->blen, s->after, s->alen, d);
  return r < 0 ? cli_core_fail(r, "cannot compare two versions") : CLI_OK;
}

/* "  field: text" lines of a diff, indented. */
static void diff_lines(const att_diff *d, int indent) {
  size_t i;
  for (i = 0; i < d->n; i++) cli_line(stdout, "%*s%s: %s", indent, "", d->v[i].field, d->v[i].text);
}

/* What a prune's change says: the bound (RFC 3339) and the versions it
 * dropped, into a cJSON object (NULL if its JSON is not one). */
static cJSON *prune_info(const states *s) {
  cJSON *o = s->after ? cJSON_ParseWithLength(s->after, s->alen) : NULL;
  if (o && (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "before")) ||
            !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "dropped")))) {
    cJSON_Delete(o);
    o = NULL;
  }
  return o;
}

/* ---- log ------------------------------------------------------------------ */

enum { O_SINCE = 1, O_UNTIL, O_AUTHOR, O_LIMIT, O_JSON, O_OLDEST, O_ALL };

static const cli_opt log_opts[] = {
    {"since", 0, 1, O_SINCE},         {"until", 0, 1, O_UNTIL}, {"author", 0, 1, O_AUTHOR},
    {"limit", 'n', 1, O_LIMIT},       {"json", 0, 0, O_JSON},   {"oldest-first", 0, 0, O_OLDEST},
    {"all", 0, 0, O_ALL},             {NULL, 0, 0, 0}};

typedef struct logger {
  cli_ctx *ctx;
  att_store *st;
  int json, all;
  uint64_t batch; /* the run of changes of one write being shown (0: none) */
  size_t total, seen;
  int grouped;
} logger;

/* One change as a JSON line: seq, batch, tx, op, id, rev, author,
 * reason, title, diff. */
static int log_json(logger *lg, const att_change *c, const states *s) {
  cJSON *o = cJSON_CreateObject(), *d = NULL;
  att_diff df;
  char tx[64], *title = c->op == ATT_CHANGE_PRUNE ? NULL
                                                  : title_of(s->after ? s->after : s->before,
                                                             s->after ? s->alen : s->blen);
  cJSON *pi = c->op == ATT_CHANGE_PRUNE ? prune_info(s) : NULL;
  int rc = CLI_OK;
  (void)lg;
  memset(&df, 0, sizeof df);
  if (att_time_format(c->tx, tx, sizeof tx) < 0) tx[0] = '\0';
  if (c->op != ATT_CHANGE_PRUNE && (rc = diff_of(s, &df)) == CLI_OK &&
      (d = att_diff_to_cjson(&df)) == NULL)
    rc = cli_fail("out of memory");
  if (rc == CLI_OK && o && cJSON_AddNumberToObject(o, "seq", (double)c->seq) &&
      cJSON_AddNumberToObject(o, "batch", (double)c->batch) &&
      cJSON_AddStringToObject(o, "tx", tx) && cJSON_AddStringToObject(o, "op", op_name(c->op)) &&
      cJSON_AddNumberToObject(o, "id", (double)c->id) &&
      cJSON_AddNumberToObject(o, "rev", (double)c->rev) &&
      cJSON_AddStringToObject(o, "author", c->author ? c->author : "") &&
      cJSON_AddStringToObject(o, "reason", c->reason ? c->reason : "") &&
      (title ? cJSON_AddStringToObject(o, "title", title) != NULL
             : cJSON_AddNullToObject(o, "title") != NULL) &&
      (d ? cJSON_AddItemToObject(o, "diff", d) : cJSON_AddArrayToObject(o, "diff") != NULL) &&
      (pi == NULL ||
       (cJSON_AddItemReferenceToObject(o, "before", cJSON_GetObjectItemCaseSensitive(pi, "before")) &&
        cJSON_AddItemReferenceToObject(o, "dropped",
                                       cJSON_GetObjectItemCaseSensitive(pi, "dropped"))))) {
    d = NULL;
    if (cli_json_text(stdout, cJSON_PrintUnformatted(o)) < 0) rc = cli_fail("out of memory");
  } else if (rc == CLI_OK) {
    rc = cli_fail("out of memory");
  }
  cJSON_Delete(d);
  cJSON_Delete(o);
  cJSON_Delete(pi);
  att_diff_free(&df);
  free(title);
  return rc;
}

/* The header of a change, its reason and its diff, indented by `indent`
 * (inside a group, where the group's header gave the time and author).
 * A removal has no diff lines (show ID@REV gives what was removed). */
static int log_text(logger *lg, const att_change *c, const states *s, int indent) {
  char when[64], what[160], rev[40] = "";
  char *title = NULL;
  att_diff df;
  int rc = CLI_OK;
  if (c->op == ATT_CHANGE_PRUNE) {
    cJSON *pi = prune_info(s);
    att_time b;
    char bt[64];
    if (pi && att_time_parse(cJSON_GetObjectItemCaseSensitive(pi, "before")->valuestring, &b) == 0) {
      tx_text(lg->ctx, b, bt, sizeof bt);
      snprintf(what, sizeof what, "prune of the history before %s (%.0f versions dropped)", bt,
               cJSON_GetObjectItemCaseSensitive(pi, "dropped")->valuedouble);
    } else {
      snprintf(what, sizeof what, "prune (older history dropped)");
    }
    cJSON_Delete(pi);
  } else {
    title = title_of(s->after ? s->after : s->before, s->after ? s->alen : s->blen);
    snprintf(what, sizeof what, "%s %lld", op_name(c->op), (long long)c->id);
    snprintf(rev, sizeof rev, " (rev %lld)", (long long)c->rev);
  }
  if (indent == 0) {
    tx_text(lg->ctx, c->tx, when, sizeof when);
    cli_line(stdout, "change %llu  %s  %s  %s%s%s%s%s", (unsigned long long)c->seq, when,
             c->author && *c->author ? c->author : "(unknown)", what, title ? " \"" : "",
             title ? title : "", title ? "\"" : "", rev);
  } else {
    cli_line(stdout, "%*schange %llu  %s%s%s%s%s", indent, "", (unsigned long long)c->seq, what,
             title ? " \"" : "", title ? title : "", title ? "\"" : "", rev);
  }
  free(title);
  if (indent == 0 && c->reason && *c->reason) cli_line(stdout, "reason: %s", c->reason);
  memset(&df, 0, sizeof df);
  if (c->op != ATT_CHANGE_REMOVE && c->op != ATT_CHANGE_PRUNE) rc = diff_of(s, &df);
  if (rc == CLI_OK) diff_lines(&df, indent + 2);
  att_diff_free(&df);
  return rc;
}

static int log_one(logger *lg, const att_change *c, int indent) {
  states s;
  int rc = change_states(lg->st, c, &s);
  if (rc == CLI_OK) rc = lg->json ? log_json(lg, c, &s) : log_text(lg, c, &s, indent);
  states_free(&s);
  return rc;
}

/* The end of a run: how many of a grouped write were not shown. */
static void run_end(logger *lg) {
  if (lg->grouped && !lg->all && lg->total > GROUP_SHOW)
    cli_line(stdout, "  ... %zu more changes of batch %llu (attache log --all shows each)",
             lg->total - GROUP_SHOW, (unsigned long long)lg->batch);
  lg->batch = 0;
  lg->grouped = 0;
}

/* Show change c, the first of run of `total` changes of its write when its
 * batch differs from the last one's. */
static int log_change(logger *lg, const att_change *c, size_t total) {
  char when[64];
  if (lg->json) return log_one(lg, c, 0);
  if (c->batch != lg->batch || lg->batch == 0) {
    run_end(lg);
    lg->batch = c->batch;
    lg->total = total;
    lg->seen = 0;
    lg->grouped = total > GROUP_MIN;
    if (lg->grouped) {
      tx_text(lg->ctx, c->tx, when, sizeof when);
      cli_line(stdout, "batch %llu  %s  %s  %zu changes", (unsigned long long)c->batch, when,
               c->author && *c->author ? c->author : "(unknown)", total);
      if (c->reason && *c->reason) cli_line(stdout, "reason: %s", c->reason);
    }
  }
  lg->seen++;
  if (!lg->grouped) return log_one(lg, c, 0);
  if (lg->all || lg->seen <= GROUP_SHOW) return log_one(lg, c, 2);
  return CLI_OK;
}

/* The number of changes of the write of v[i] from i on in v[0..n). */
static size_t run_length(const att_change *v, size_t n, size_t i) {
  size_t j = i;
  while (j < n && v[j].batch == v[i].batch) j++;
  return j - i;
}

int cli_cmd_log(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  att_store *st = NULL;
  att_change_filter f;
  att_change *v = NULL;
  size_t n = 0, i, shown = 0, page = PAGE;
  long long lim;
  logger lg;
  int o, rc = CLI_OK, r, paged;
  const char *since = NULL, *until = NULL;

  att_change_filter_init(&f);
  memset(&lg, 0, sizeof lg);
  lg.ctx = ctx;
  cli_parser_init(&p, ctx, log_opts, argc, argv);
  while (rc == CLI_OK && (o = cli_next(&p)) != CLI_END) {
    switch (o) {
    case CLI_BAD: rc = CLI_USAGE; break;
    case CLI_HELP:
      cli_help("log", stdout);
      cli_parser_free(&p);
      return CLI_OK;
    case O_SINCE:
      since = p.arg;
      rc = cli_time_arg(ctx, "--since", p.arg, 0, &f.since);
      break;
    case O_UNTIL:
      until = p.arg;
      rc = cli_time_arg(ctx, "--until", p.arg, 1, &f.until);
      break;
    case O_AUTHOR:
      if (*p.arg == '\0') rc = cli_usage(ctx, "--author needs a name, got an empty string");
      f.author = p.arg;
      break;
    case O_LIMIT:
      if ((lim = cli_count(p.arg)) < 0)
        rc = cli_usage(ctx, "--limit %s: give a whole number (0 = no limit)", p.arg);
      else f.limit = (size_t)lim;
      break;
    case O_JSON: lg.json = 1; break;
    case O_OLDEST: f.oldest_first = 1; break;
    case O_ALL: lg.all = 1; break;
    default: break;
    }
  }
  if (rc == CLI_OK && p.npos > 1)
    rc = cli_usage(ctx, "one event at a time: give one id or key (or none for every change)");
  if (rc == CLI_OK && since && until && f.since > f.until)
    rc = cli_usage(ctx, "--since %s --until %s: the range ends before it starts", since, until);
  if (rc == CLI_OK) rc = cli_open(ctx, ATT_OPEN_READ, &st);
  lg.st = st;
  if (rc == CLI_OK && p.npos == 1 && (rc = event_id(st, p.pos[0], &f.id)) == CLI_OK) {
    /* An id the history has never seen is an error, not an empty log. */
    att_change_filter g;
    att_change_filter_init(&g);
    g.id = f.id;
    g.limit = 1;
    if ((r = att_store_changes(st, &g, &v, &n)) < 0)
      rc = cli_core_fail(r, "cannot read the history");
    else if (n == 0)
      rc = never_added(st, f.id);
    att_changes_free(v, n);
    v = NULL;
    n = 0;
  }
  /* The newest first, a page at a time (a store may hold millions of
   * changes); one event's changes, or the oldest first, at once. */
  paged = f.id == 0 && !f.oldest_first;
  while (rc == CLI_OK) {
    att_change_filter g = f;
    if (paged) {
      g.limit = f.limit ? f.limit - shown : 0;
      if (g.limit == 0 || g.limit > page) g.limit = page;
      if (page < PAGE_MAX) page *= 2;
    }
    if ((r = att_store_changes(st, &g, &v, &n)) < 0) {
      rc = cli_core_fail(r, "cannot read the history");
      break;
    }
    for (i = 0; i < n && rc == CLI_OK; i++)
      rc = log_change(&lg, &v[i], paged ? (size_t)(v[i].seq - v[i].batch + 1) : run_length(v, n, i));
    shown += n;
    if (n > 0) f.below = v[n - 1].seq;
    att_changes_free(v, n);
    v = NULL;
    if (!paged || n < g.limit || (f.limit && shown >= f.limit)) break;
  }
  if (rc == CLI_OK) run_end(&lg);
  if (rc == CLI_OK && fflush(stdout) != 0) rc = cli_fail("cannot write the log: output error");
  if (rc == CLI_OK && shown == 0 && ctx->out_tty) fputs("attache: no changes\n", stderr);
  if (st) att_store_close(st);
  cli_parser_free(&p);
  return rc;
}

/* ---- get/show ID@REV ------------------------------------------------------ */

/* The revisions the history holds, from changes v[0..n) oldest first, as
 * "1 to 5" or "1 to 3, 5 to 6" into buf. */
static void rev_ranges(const att_change *v, size_t n, char *buf, size_t cap) {
  size_t i, len = 0;
  int64_t lo = 0, hi = 0;
  buf[0] = '\0';
  for (i = 0; i <= n; i++) {
    int64_t r = i < n && v[i].op != ATT_CHANGE_REMOVE && v[i].op != ATT_CHANGE_PRUNE ? v[i].rev : 0;
    if (i < n && r == 0) continue;
    if (r != 0 && lo != 0 && r == hi + 1) {
      hi = r;
      continue;
    }
    if (lo != 0 && len < cap) {
      len += (size_t)snprintf(buf + len, cap - len, lo == hi ? "%s%lld" : "%s%lld to %lld",
                              len ? ", " : "", (long long)lo, (long long)hi);
    }
    lo = hi = r;
  }
}

int cli_get_version(cli_ctx *ctx, att_store *st, const char *spec, int json, att_event *ev) {
  const char *at = strrchr(spec, '@');
  char who[ATT_EV_KEY_MAX + 2], revs[256], when[64];
  long long rev = at ? cli_count(at + 1) : -1;
  int64_t id, last = 0;
  att_change *v = NULL;
  size_t n = 0, i, wl = at ? (size_t)(at - spec) : 0;
  char *text = NULL;
  size_t len = 0;
  int rc, r;
  const att_change *next = NULL;

  if (at == NULL || wl == 0 || wl >= sizeof who)
    return cli_fail("\"%s\": give ID@REV, an event's id or key and a revision (7@2)", spec);
  if (rev <= 0)
    return cli_fail("\"%s\": \"%s\" is not a revision; give a whole number from 1 after the @ "
                    "(attache log %.*s lists the changes)",
                    spec, at + 1, (int)wl, spec);
  memcpy(who, spec, wl);
  who[wl] = '\0';
  if ((rc = event_id(st, who, &id)) != CLI_OK) return rc;
  if ((rc = event_changes(st, id, &v, &n)) != CLI_OK) return rc;
  if (n == 0) {
    /* Every change of it was pruned: its current revision is kept. */
    att_changes_free(v, n);
    if (att_store_get(st, id, ev) == 0 && ev->rev == rev) {
      if (!json) cli_line(stdout, "revision %lld of %lld (current)", rev, rev);
      return CLI_OK;
    }
    att_event_free(ev);
    att_event_init(ev);
    return never_added(st, id);
  }
  rev_ranges(v, n, revs, sizeof revs);
  r = att_store_version(st, id, rev, &text, &len);
  if (r == ATT_ENOTFOUND && strstr(att_errmsg(), "history kept"))
    rc = cli_fail("%s; the revisions kept are %s", att_errmsg(), revs);
  else if (r == ATT_ENOTFOUND)
    rc = cli_fail("event %lld has no revision %lld; its revisions are %s", (long long)id, rev,
                  revs);
  else if (r < 0)
    rc = cli_core_fail(r, "cannot read revision %lld of event %lld", rev, (long long)id);
  else if ((r = att_event_from_json(text, len, ATT_EV_STORED, ev)) < 0)
    rc = cli_core_fail(r, "revision %lld of event %lld", rev, (long long)id);
  free(text);
  /* Which change replaced it: the update that made the next revision,
   * or the removal of this one. */
  for (i = 0; i < n; i++) {
    if (v[i].op != ATT_CHANGE_REMOVE && v[i].op != ATT_CHANGE_PRUNE && v[i].rev > last)
      last = v[i].rev;
    if (!next && ((v[i].op == ATT_CHANGE_UPDATE && v[i].rev == rev + 1) ||
                  (v[i].op == ATT_CHANGE_REMOVE && v[i].rev == rev)))
      next = &v[i];
  }
  if (rc == CLI_OK && !json) {
    if (next) {
      tx_text(ctx, next->tx, when, sizeof when);
      cli_line(stdout, "revision %lld of %lld, %s by change %llu on %s (%s)", rev, (long long)last,
               next->op == ATT_CHANGE_REMOVE ? "removed" : "replaced",
               (unsigned long long)next->seq, when,
               next->author && *next->author ? next->author : "author unknown");
    } else {
      cli_line(stdout, "revision %lld of %lld (current)", rev, (long long)last);
    }
  }
  att_changes_free(v, n);
  return rc;
}

/* ---- changes -------------------------------------------------------------- */

enum { C_SINCE = 1, C_UNTIL, C_JSON };

static const cli_opt changes_opts[] = {
    {"since", 0, 1, C_SINCE}, {"until", 0, 1, C_UNTIL}, {"json", 0, 0, C_JSON}, {NULL, 0, 0, 0}};

/* What the window's changes did to one event, in the order they are
 * listed. */
enum { E_ADDED, E_CHANGED, E_RESTORED, E_REMOVED, E_NONE };
static const char *const effect_names[] = {"added", "changed", "restored", "removed"};

typedef struct net {
  int effect;
  int64_t id;
  size_t first, last; /* its first and last change, indexes into the list */
} net;

static const att_change *sort_base;

static int by_event(const void *a, const void *b) {
  const att_change *x = &sort_base[*(const size_t *)a], *y = &sort_base[*(const size_t *)b];
  if (x->id != y->id) return x->id < y->id ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int by_effect(const void *a, const void *b) {
  const net *x = a, *y = b;
  if (x->effect != y->effect) return x->effect - y->effect;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* One event's line, or its JSON. */
static int changes_one(cli_ctx *ctx, att_store *st, const att_change *v, const net *e, int json,
                       int idw) {
  states a, b, s;
  att_diff df;
  char *title = NULL;
  int rc;
  size_t i;
  memset(&df, 0, sizeof df);
  memset(&s, 0, sizeof s);
  if ((rc = change_states(st, &v[e->first], &a)) != CLI_OK) return rc;
  if ((rc = change_states(st, &v[e->last], &b)) != CLI_OK) {
    states_free(&a);
    return rc;
  }
  /* from the state before the first change to the state after the last */
  s.before = e->effect == E_ADDED ? NULL : a.before;
  s.blen = s.before ? a.blen : 0;
  s.after = e->effect == E_REMOVED ? NULL : b.after;
  s.alen = s.after ? b.alen : 0;
  s.lost = e->effect == E_CHANGED && a.lost;
  title = title_of(s.after ? s.after : s.before, s.after ? s.alen : s.blen);
  rc = diff_of(&s, &df);
  if (rc == CLI_OK && e->effect == E_CHANGED && df.n == 0) {
    /* changed and changed back: nothing to report */
  } else if (rc == CLI_OK && json) {
    cJSON *o = cJSON_CreateObject(), *d = att_diff_to_cjson(&df), *seqs = cJSON_CreateArray();
    size_t k;
    int good = o && d && seqs && cJSON_AddNumberToObject(o, "id", (double)e->id) &&
               cJSON_AddStringToObject(o, "effect", effect_names[e->effect]) &&
               (title ? cJSON_AddStringToObject(o, "title", title) != NULL
                      : cJSON_AddNullToObject(o, "title") != NULL);
    for (k = e->first; good && k <= e->last; k++)
      if (v[k].id == e->id) {
        cJSON *num = cJSON_CreateNumber((double)v[k].seq);
        if (!num || !cJSON_AddItemToArray(seqs, num)) {
          cJSON_Delete(num);
          good = 0;
        }
      }
    if (good && cJSON_AddItemToObject(o, "changes", seqs)) {
      seqs = NULL;
      if (cJSON_AddItemToObject(o, "diff", d)) d = NULL;
      else good = 0;
    } else {
      good = 0;
    }
    if (!good || cli_json_text(stdout, cJSON_PrintUnformatted(o)) < 0) rc = cli_fail("out of memory");
    cJSON_Delete(seqs);
    cJSON_Delete(d);
    cJSON_Delete(o);
  } else if (rc == CLI_OK) {
    /* added: its date; changed, restored: what changed; removed: no more */
    char *line = NULL;
    size_t cap = 0, len = 0;
    FILE *m = open_memstream(&line, &cap);
    if (m == NULL) {
      rc = cli_fail("out of memory");
    } else {
      fprintf(m, "%-8s %*lld  \"%s\"", effect_names[e->effect], idw, (long long)e->id,
              title ? title : "");
      for (i = 0; i < df.n; i++) {
        if (e->effect == E_REMOVED) break;
        if (e->effect == E_ADDED && strcmp(df.v[i].field, "when") != 0) continue;
        fprintf(m, "%s%s: %s", len++ ? "; " : "  ", df.v[i].field, df.v[i].text);
      }
      if (fclose(m) != 0 || line == NULL) rc = cli_fail("out of memory");
      else cli_line(stdout, "%s", line);
      free(line);
    }
  }
  (void)ctx;
  free(title);
  att_diff_free(&df);
  states_free(&a);
  states_free(&b);
  return rc;
}

int cli_cmd_changes(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  att_store *st = NULL;
  att_change_filter f;
  att_change *v = NULL;
  size_t n = 0, i, j, nnet = 0, *idx = NULL;
  net *nets = NULL;
  const char *since = "7d", *until = NULL;
  int o, rc = CLI_OK, r, json = 0, idw = 1;
  int64_t maxid = 0;

  att_change_filter_init(&f);
  f.oldest_first = 1;
  cli_parser_init(&p, ctx, changes_opts, argc, argv);
  while (rc == CLI_OK && (o = cli_next(&p)) != CLI_END) {
    switch (o) {
    case CLI_BAD: rc = CLI_USAGE; break;
    case CLI_HELP:
      cli_help("changes", stdout);
      cli_parser_free(&p);
      return CLI_OK;
    case C_SINCE: since = p.arg; break;
    case C_UNTIL:
      until = p.arg;
      rc = cli_time_arg(ctx, "--until", p.arg, 1, &f.until);
      break;
    case C_JSON: json = 1; break;
    default: break;
    }
  }
  if (rc == CLI_OK) rc = cli_time_arg(ctx, "--since", since, 0, &f.since);
  if (rc == CLI_OK && p.npos > 0)
    rc = cli_usage(ctx, "unexpected operand '%s' (changes takes only options; attache log ID "
                        "gives one event's changes)",
                   p.pos[0]);
  if (rc == CLI_OK && until && f.since > f.until)
    rc = cli_usage(ctx, "--since %s --until %s: the range ends before it starts", since, until);
  if (rc == CLI_OK) rc = cli_open(ctx, ATT_OPEN_READ, &st);
  if (rc == CLI_OK && (r = att_store_changes(st, &f, &v, &n)) < 0)
    rc = cli_core_fail(r, "cannot read the history");
  if (rc == CLI_OK && n > 0 &&
      ((idx = malloc(n * sizeof *idx)) == NULL || (nets = malloc(n * sizeof *nets)) == NULL))
    rc = cli_fail("out of memory");
  if (rc == CLI_OK) {
    for (i = 0; i < n; i++) idx[i] = i;
    sort_base = v;
    if (n > 0) qsort(idx, n, sizeof *idx, by_event);
    for (i = 0; i < n; i = j) {
      const att_change *first = &v[idx[i]], *last;
      for (j = i; j < n && v[idx[j]].id == first->id; j++) {}
      last = &v[idx[j - 1]];
      if (first->id <= 0 || first->op == ATT_CHANGE_PRUNE) continue;
      nets[nnet].id = first->id;
      nets[nnet].first = idx[i];
      nets[nnet].last = idx[j - 1];
      if (first->op == ATT_CHANGE_ADD || first->op == ATT_CHANGE_RESTORE)
        nets[nnet].effect = last->op == ATT_CHANGE_REMOVE ? E_NONE
                            : first->op == ATT_CHANGE_ADD ? E_ADDED : E_RESTORED;
      else
        nets[nnet].effect = last->op == ATT_CHANGE_REMOVE ? E_REMOVED : E_CHANGED;
      if (nets[nnet].effect == E_NONE) continue;
      if (first->id > maxid) maxid = first->id;
      nnet++;
    }
    if (nnet > 0) qsort(nets, nnet, sizeof *nets, by_effect);
    for (; maxid >= 10; maxid /= 10) idw++;
    for (i = 0; i < nnet && rc == CLI_OK; i++) rc = changes_one(ctx, st, v, &nets[i], json, idw);
  }
  if (rc == CLI_OK && fflush(stdout) != 0) rc = cli_fail("cannot write the changes: output error");
  if (rc == CLI_OK && nnet == 0 && ctx->out_tty)
    fprintf(stderr, "attache: no changes since %s\n", since);
  free(nets);
  free(idx);
  att_changes_free(v, n);
  if (st) att_store_close(st);
  cli_parser_free(&p);
  return rc;
}
