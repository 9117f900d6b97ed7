/*
 * attache silence: hide alerts for a while (core/silence.h).
 *
 *   attache silence add --match FIELD=V[,V] ... [--from WHEN] --until WHEN --reason TEXT
 *   attache silence list [--all] [--json]
 *   attache silence expire ID
 *
 * docs/alerts.md ("Silences") is the manual.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "remind.h" /* att_lead_read: --until 2w */
#include "silence.h"
#include "timeq.h"

enum { O_MATCH = 1, O_FROM, O_UNTIL, O_ALL, O_JSON };

static const cli_opt silence_opts[] = {{"match", 'm', CLI_MANY, O_MATCH}, {"from", 0, 1, O_FROM},
                                       {"until", 0, 1, O_UNTIL},
                                       {"all", 'a', 0, O_ALL},     {"json", 0, 0, O_JSON},
                                       CLI_REASON_OPT,             {NULL, 0, 0, 0}};

/* "2024-02-01 00:00:00 UTC" */
static const char *utc(att_time t, char b[48]) {
  char iso[40];
  if (att_time_format(t, iso, sizeof iso) < 0 || strlen(iso) < 19) snprintf(b, 48, "?");
  else
    snprintf(b, 48, "%.10s %.8s UTC", iso, iso + 11);
  return b;
}

/* --from and --until: a time ahead of now (2h, 3d, 2w, 1mo) or a date or
 * time as a person types it, from its start: until 2024-02-01 is until
 * that day begins. */
static int when_arg(cli_ctx *ctx, const char *what, const char *in, att_time *out) {
  att_time now = att_time_now();
  att_duration d;
  char edtf[ATT_DATE_MAX];
  att_bounds b;
  if (att_lead_read(in, &d) == 0 && att_duration_add(now, &d, out) == 0) return CLI_OK;
  att__errclear();
  if (cli_date(what, in, now, edtf, &b) != CLI_OK)
    return cli_usage(ctx, "%s takes a date or time (2024-02-01: when that day begins; "
                          "\"2024-02-01 09:00\") or a time from now (12h, 3d, 2w, 1mo)",
                     what);
  *out = b.earliest;
  return CLI_OK;
}

/* "actor=KHM,THA kind=meeting" */
static void matchers_text(const att_silence *s, char *buf, size_t cap) {
  size_t n = 0;
  buf[0] = '\0';
  for (int f = 0; f < ATT_SM_N; f++) {
    if (!s->vals[f]) continue;
    n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s=", n ? " " : "", att_silence_fields[f]);
    for (char **p = s->vals[f]; *p && n < cap; p++)
      n += (size_t)snprintf(buf + n, cap - n, "%s%s", p == s->vals[f] ? "" : ",", *p);
  }
}

/* The actors and kinds of the matchers read as list --actor and --kind
 * read them (names.md): actor=Japan matches the alerts about JPN (as
 * typed it matched none, without a word), a kind the store does not know
 * is an error with the nearest.  CLI_OK or CLI_FAIL after a message. */
static int matcher_names(att_store *st, att_silence *m) {
  cli_names nm;
  int rc = CLI_OK;
  cli_names_init(&nm, st, 0);
  for (char **p = m->vals[ATT_SM_KIND]; rc == CLI_OK && p && *p; p++) {
    att_query q;
    att_query_init(&q);
    q.kind = *p;
    rc = cli_names_query(&nm, &q);
  }
  for (char **p = m->vals[ATT_SM_ACTOR]; rc == CLI_OK && p && *p; p++) {
    const char *code = cli_names_known_actor(&nm, *p);
    char *dup;
    if (code == NULL) rc = CLI_FAIL;
    else if (code != *p) {
      if ((dup = strdup(code)) == NULL) rc = cli_fail("out of memory");
      else {
        free(*p);
        *p = dup;
      }
    }
  }
  cli_names_free(&nm);
  return rc;
}

static int add(cli_ctx *ctx, att_silence *m, const char *from, const char *until) {
  att_store *st = NULL;
  att_time t, f = ATT_TIME_MIN;
  int64_t id;
  int rc, e;
  char b[48], mt[1024];
  if ((rc = when_arg(ctx, "--until", until, &t)) != CLI_OK) return rc;
  if (from && (rc = when_arg(ctx, "--from", from, &f)) != CLI_OK) return rc;
  if ((rc = cli_open(ctx, ATT_OPEN_WRITE, &st)) != CLI_OK) return rc;
  if ((rc = matcher_names(st, m)) != CLI_OK) {
    att_store_close(st);
    return rc;
  }
  e = att_silence_add(st, m, f, t, ctx->reason, &id);
  if (e == ATT_EINVAL) rc = cli_fail("%s", att_errmsg());
  else if (e < 0)
    rc = cli_core_fail(e, "cannot add the silence; nothing was changed");
  else {
    matchers_text(m, mt, sizeof mt);
    char b2[48];
    if (f == ATT_TIME_MIN)
      cli_line(stdout, "silence %lld: alerts with %s are silenced until %s", (long long)id, mt, utc(t, b));
    else
      cli_line(stdout, "silence %lld: alerts with %s due from %s are silenced until %s", (long long)id, mt,
               utc(f, b2), utc(t, b));
  }
  att_store_close(st);
  return rc;
}

static int expire(cli_ctx *ctx, const char *arg) {
  att_store *st = NULL;
  long long id = cli_count(arg);
  int rc, e;
  if (id <= 0)
    return cli_usage(ctx, "\"%s\" is not a silence's number (attache silence list shows them)", arg);
  if ((rc = cli_open(ctx, ATT_OPEN_WRITE, &st)) != CLI_OK) return rc;
  e = att_silence_expire(st, (int64_t)id);
  if (e == ATT_EINVAL || e == ATT_ENOTFOUND) rc = cli_fail("%s", att_errmsg());
  else if (e < 0)
    rc = cli_core_fail(e, "cannot end silence %lld; nothing was changed", id);
  else
    cli_line(stdout, "silence %lld ended: its alerts are heard again", id);
  att_store_close(st);
  return rc;
}

static int list(cli_ctx *ctx, int all, int json) {
  att_store *st = NULL;
  att_silences s;
  att_time now = att_time_now();
  int rc, e;
  size_t shown = 0;
  if ((rc = cli_open(ctx, ATT_OPEN_READ, &st)) != CLI_OK) return rc;
  e = att_silences_read(att_store_dir(st), &s);
  att_store_close(st);
  if (e < 0) return cli_core_fail(e, "cannot read the silences");
  for (size_t i = 0; i < s.n; i++) {
    const att_silence *x = &s.v[i];
    int active = att_silence_active(x, now), pending = x->expired == ATT_TIME_MAX && now < x->starts;
    char mt[1024], b1[48], b2[48];
    if (!all && !active && !pending) continue;
    shown++;
    matchers_text(x, mt, sizeof mt);
    if (json) {
      cJSON *o = cJSON_CreateObject(), *m;
      char t[40];
      cJSON_AddNumberToObject(o, "id", (double)x->id);
      m = cJSON_AddObjectToObject(o, "match");
      for (int f = 0; f < ATT_SM_N; f++) {
        size_t n = 0;
        while (x->vals[f] && x->vals[f][n]) n++;
        if (n)
          cJSON_AddItemToObject(m, att_silence_fields[f],
                                cJSON_CreateStringArray((const char *const *)x->vals[f], (int)n));
      }
      att_time_format(x->created, t, sizeof t);
      cJSON_AddStringToObject(o, "created", t);
      att_time_format(x->starts, t, sizeof t);
      cJSON_AddStringToObject(o, "starts", t);
      att_time_format(x->until, t, sizeof t);
      cJSON_AddStringToObject(o, "until", t);
      cJSON_AddStringToObject(o, "author", x->author);
      cJSON_AddStringToObject(o, "reason", x->reason);
      cJSON_AddBoolToObject(o, "active", active);
      if (x->expired != ATT_TIME_MAX) {
        att_time_format(x->expired, t, sizeof t);
        cJSON_AddStringToObject(o, "expired", t);
        cJSON_AddStringToObject(o, "expired_by", x->expired_by ? x->expired_by : "");
      }
      if (cli_json_text(stdout, cJSON_PrintUnformatted(o)) < 0) rc = cli_fail("out of memory");
      cJSON_Delete(o);
      continue;
    }
    cli_line(stdout, "silence %lld  %s  %s", (long long)x->id, mt,
             active ? "active" : x->expired != ATT_TIME_MAX ? "ended early" : pending ? "to come" : "ended");
    cli_line(stdout, "  from %s until %s, by %s: %s", utc(x->starts, b1), utc(x->until, b2), x->author,
             x->reason);
    if (x->expired != ATT_TIME_MAX)
      cli_line(stdout, "  ended at %s by %s", utc(x->expired, b1), x->expired_by ? x->expired_by : "(unknown)");
  }
  if (!json && shown == 0 && ctx->out_tty)
    fputs(all ? "no silences\n" : "no silence is active (--all lists the ended ones)\n", stdout);
  att_silences_free(&s);
  return rc;
}

int cli_cmd_silence(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  att_silence m;
  const char *until = NULL, *from = NULL, *sub;
  int o, rc = CLI_OK, all = 0, json = 0, nmatch = 0;
  memset(&m, 0, sizeof m);
  cli_parser_init(&p, ctx, silence_opts, argc, argv);
  while (rc == CLI_OK && (o = cli_next(&p)) != CLI_END) {
    if (o == CLI_BAD) rc = CLI_USAGE;
    else if (o == CLI_HELP) {
      cli_help("silence", stdout);
      cli_parser_free(&p);
      return CLI_OK;
    } else if (o == O_MATCH) {
      nmatch++;
      if (att_silence_matcher(&m, p.arg) != 0) rc = cli_usage(ctx, "--match: %s", att_errmsg());
    } else if (o == O_UNTIL) until = p.arg;
    else if (o == O_FROM) from = p.arg;
    else if (o == O_ALL) all = 1;
    else if (o == O_JSON) json = 1;
    else if (o == CLI_O_REASON) rc = cli_history_opt(ctx, o, p.arg);
  }
  sub = p.npos ? p.pos[0] : NULL;
  if (rc != CLI_OK) {
  } else if (sub == NULL) {
    rc = cli_usage(ctx, "which? silence add, silence list or silence expire");
  } else if (strcmp(sub, "add") == 0) {
    if (p.npos > 1) rc = cli_usage(ctx, "unexpected operand '%s' (give matchers with --match)", p.pos[1]);
    else if (all || json) rc = cli_usage(ctx, "--all and --json go with silence list");
    else if (!nmatch)
      rc = cli_usage(ctx, "silence add needs --match FIELD=VALUE (actor=KHM, kind=meeting, level=warn, "
                          "tag=..., script=...)");
    else if (!until)
      rc = cli_usage(ctx, "silence add needs --until WHEN (2024-02-01, 3d): a silence ends");
    else if (!ctx->reason)
      rc = cli_usage(ctx, "silence add needs --reason TEXT: it tells the desk why no alert came");
    else
      rc = add(ctx, &m, from, until);
  } else if (strcmp(sub, "list") == 0) {
    if (p.npos > 1) rc = cli_usage(ctx, "unexpected operand '%s'", p.pos[1]);
    else if (nmatch || until || from || ctx->reason) rc = cli_usage(ctx, "silence list takes --all and --json");
    else
      rc = list(ctx, all, json);
  } else if (strcmp(sub, "expire") == 0) {
    if (p.npos != 2) rc = cli_usage(ctx, p.npos < 2 ? "which silence? give its number" : "one at a time");
    else if (nmatch || until || from || all || json) rc = cli_usage(ctx, "silence expire takes a number only");
    else
      rc = expire(ctx, p.pos[1]);
  } else {
    rc = cli_usage(ctx, "unknown 'silence %s' (silence add, silence list or silence expire)", sub);
  }
  att_silence_free(&m);
  cli_parser_free(&p);
  return rc;
}
