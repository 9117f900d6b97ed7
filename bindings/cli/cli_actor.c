/*
 * attache actor: the store's registry of organisations (core/actors.h),
 * which add, update, the filters and at.actor resolve names against.
 *
 *   attache actor add CODE "Full name" [--alias NAME ...]
 *   attache actor list [--json]
 *   attache actor rm CODE
 *
 * Countries need no registering: ISO 3166 (iso-codes) gives them.
 * docs/names.md is the manual.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

enum { O_ALIAS = 1, O_JSON };

static const cli_opt actor_opts[] = {{"alias", 0, CLI_MANY, O_ALIAS}, {"json", 0, 0, O_JSON}, {NULL, 0, 0, 0}};

static int actor_add(cli_ctx *ctx, cli_parser *p, const char **aliases, size_t naliases) {
  att_store *st = NULL;
  int rc, r;
  if (p->npos != 3)
    return cli_usage(ctx, p->npos < 3 ? "actor add needs a CODE and the full name, e.g. "
                                        "attache actor add CDC \"Council for the Development "
                                        "of Cambodia\""
                                      : "unexpected operand '%s' (quote a name of several words)",
                     p->npos > 3 ? p->pos[3] : "");
  if ((rc = cli_open(ctx, ATT_OPEN_WRITE, &st)) != CLI_OK) return rc;
  r = att_org_register(st, p->pos[1], p->pos[2], aliases, naliases);
  if (r < 0) rc = cli_core_fail(r, "cannot register \"%s\"", p->pos[1]);
  else cli_line(stdout, "registered %s \"%s\"", p->pos[1], p->pos[2]);
  att_store_close(st);
  return rc;
}

static int actor_rm(cli_ctx *ctx, cli_parser *p) {
  att_store *st = NULL;
  int rc, r;
  if (p->npos != 2)
    return cli_usage(ctx, p->npos < 2 ? "actor rm needs the CODE of an organisation"
                                      : "actor rm takes one CODE");
  if ((rc = cli_open(ctx, ATT_OPEN_WRITE, &st)) != CLI_OK) return rc;
  r = att_org_unregister(st, p->pos[1]);
  if (r < 0) rc = cli_core_fail(r, "cannot remove \"%s\"", p->pos[1]);
  else cli_line(stdout, "removed %s (events keep it; it stays known while they do)", p->pos[1]);
  att_store_close(st);
  return rc;
}

static int actor_list(cli_ctx *ctx, cli_parser *p, int json) {
  att_store *st = NULL;
  att_orgs r;
  int rc, e;
  if (p->npos != 1) return cli_usage(ctx, "unexpected operand '%s'", p->pos[1]);
  if ((rc = cli_open(ctx, ATT_OPEN_READ, &st)) != CLI_OK) return rc;
  e = att_orgs_read(att_store_dir(st), &r);
  att_store_close(st);
  if (e < 0) return cli_core_fail(e, "cannot read the registry of actors");
  for (size_t i = 0; i < r.n; i++) {
    const att_org *o = &r.v[i];
    if (json) {
      cJSON *obj = cJSON_CreateObject();
      char *text;
      cJSON_AddStringToObject(obj, "code", o->code);
      cJSON_AddStringToObject(obj, "name", o->name);
      cJSON_AddItemToObject(obj, "aliases",
                            cJSON_CreateStringArray((const char *const *)o->aliases, (int)o->naliases));
      text = cJSON_PrintUnformatted(obj);
      if (text) {
        char *safe = att_termsafe_json_dup(text, strlen(text));
        fputs(safe ? safe : text, stdout);
        fputc('\n', stdout);
        free(safe);
      }
      free(text);
      cJSON_Delete(obj);
      continue;
    }
    cli_text(stdout, o->code, 0);
    for (size_t w = cli_u8width(o->code); w < 8; w++) fputc(' ', stdout);
    fputc(' ', stdout);
    cli_text(stdout, o->name, 0);
    for (size_t k = 0; k < o->naliases; k++) {
      fputs(k == 0 ? " (also: " : ", ", stdout);
      cli_text(stdout, o->aliases[k], 0);
    }
    fputs(o->naliases ? ")\n" : "\n", stdout);
  }
  if (!json && r.n == 0 && ctx->out_tty)
    fputs("no organisations registered (attache actor add CODE \"Full name\")\n", stdout);
  att_orgs_free(&r);
  return CLI_OK;
}

int cli_cmd_actor(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  const char **aliases = calloc((size_t)argc + 1, sizeof *aliases);
  size_t naliases = 0;
  int o, rc = CLI_OK, json = 0;
  const char *sub;
  if (aliases == NULL) return cli_fail("out of memory");
  cli_parser_init(&p, ctx, actor_opts, argc, argv);
  while (rc == CLI_OK && (o = cli_next(&p)) != CLI_END) {
    if (o == CLI_BAD) rc = CLI_USAGE;
    else if (o == CLI_HELP) {
      cli_help("actor", stdout);
      rc = -1;
    } else if (o == O_ALIAS) aliases[naliases++] = p.arg;
    else if (o == O_JSON) json = 1;
  }
  sub = p.npos ? p.pos[0] : NULL;
  if (rc == CLI_OK && sub == NULL)
    rc = cli_usage(ctx, "which? actor add, actor list or actor rm");
  else if (rc == CLI_OK && strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0 &&
           strcmp(sub, "rm") != 0)
    rc = cli_usage(ctx, "unknown 'actor %s' (actor add, actor list or actor rm)", sub);
  else if (rc == CLI_OK && naliases && strcmp(sub, "add") != 0)
    rc = cli_usage(ctx, "--alias goes with actor add");
  else if (rc == CLI_OK && json && strcmp(sub, "list") != 0)
    rc = cli_usage(ctx, "--json goes with actor list");
  if (rc == CLI_OK) {
    if (strcmp(sub, "add") == 0) rc = actor_add(ctx, &p, aliases, naliases);
    else if (strcmp(sub, "rm") == 0) rc = actor_rm(ctx, &p);
    else rc = actor_list(ctx, &p, json);
  }
  cli_parser_free(&p);
  free(aliases);
  return rc < 0 ? CLI_OK : rc;
}
