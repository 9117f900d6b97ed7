/*
 * attache user: the users of the HTTP API and their tokens (core/users.h).
 *
 *   attache user add NAME [--role reader|editor|admin]
 *   attache user list [--json]
 *   attache user token NAME [--feed]
 *   attache user role NAME ROLE
 *   attache user lock NAME | unlock NAME
 *   attache user rm NAME
 *
 * A new token is printed once, alone on stdout (so that a script can take
 * it: TOKEN=$(attache user add ana)), with what it is on stderr; the store
 * keeps only its hash, and nothing prints it again.  docs/http.md.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "users.h"

enum { O_ROLE = 1, O_FEED, O_JSON };

static const cli_opt user_opts[] = {
    {"role", 0, 1, O_ROLE}, {"feed", 0, 0, O_FEED}, {"json", 0, 0, O_JSON}, {NULL, 0, 0, 0}};

/* The token on stdout, what it is on stderr. */
static void show_token(const char *what, const char *name, const char *token) {
  cli_line(stderr, "%s for %s; it is shown once, here (the store keeps only its hash):", what, name);
  printf("%s\n", token);
  fflush(stdout);
}

/* After a change the file holds although the directory's sync failed:
 * the token must still be shown, or no one could use it. */
static int failed(int e, const char *what, const char *name, const char *token) {
  int rc = cli_core_fail(e, "cannot %s \"%s\"", what, name);
  if (token && token[0]) show_token("the token", name, token);
  return rc;
}

static int change(cli_ctx *ctx, cli_parser *p, const char *sub, const char *role_word, int feed) {
  att_store *st = NULL;
  char token[ATT_TOKEN_MAX] = "";
  const char *name;
  int rc = CLI_OK, e = 0, role = ATT_ROLE_READER;
  int want = strcmp(sub, "role") == 0 ? 3 : 2;
  if (p->npos != want)
    return cli_usage(ctx, p->npos < want ? (want == 3 ? "user role needs a NAME and a ROLE "
                                                        "(reader, editor or admin)"
                                                      : "user %s needs a user's NAME")
                                         : "unexpected operand '%s' (quote a name of several words)",
                     p->npos < want ? sub : p->pos[want]);
  name = p->pos[1];
  if (role_word && strcmp(sub, "add") != 0) return cli_usage(ctx, "--role goes with user add");
  if (feed && strcmp(sub, "token") != 0) return cli_usage(ctx, "--feed goes with user token");
  if (role_word && att_role_parse(role_word, &role) != 0) return cli_usage(ctx, "--role: %s", att_errmsg());
  if (want == 3 && att_role_parse(p->pos[2], &role) != 0) return cli_usage(ctx, "%s", att_errmsg());
  if (strcmp(sub, "add") == 0 && att_user_name_new(name) != 0) return cli_usage(ctx, "%s", att_errmsg());
  if ((rc = cli_open(ctx, ATT_OPEN_WRITE, &st)) != CLI_OK) return rc;
  if (strcmp(sub, "add") == 0) {
    if ((e = att_user_add(st, name, role, token)) < 0) rc = failed(e, "add the user", name, token);
    else {
      cli_line(stderr, "added user %s (%s)", name, att_role_name(role));
      show_token("an API token", name, token);
    }
  } else if (strcmp(sub, "token") == 0) {
    int kind = feed ? ATT_TOKEN_FEED : ATT_TOKEN_API;
    if ((e = att_user_token(st, name, kind, token)) < 0) rc = failed(e, "make a token for", name, token);
    else
      show_token(feed ? "a new feed token (it reads the calendar feed only; the last one no "
                        "longer works)"
                      : "a new API token (the last one no longer works)",
                 name, token);
  } else if (strcmp(sub, "role") == 0) {
    if ((e = att_user_set_role(st, name, role)) < 0) rc = failed(e, "change the role of", name, NULL);
    else
      cli_line(stdout, "%s is now %s %s", name, role == ATT_ROLE_READER ? "a" : "an", att_role_name(role));
  } else if (strcmp(sub, "lock") == 0 || strcmp(sub, "unlock") == 0) {
    int lock = strcmp(sub, "lock") == 0;
    if ((e = att_user_lock(st, name, lock)) < 0) rc = failed(e, sub, name, NULL);
    else
      cli_line(stdout, lock ? "locked %s: their tokens are refused until attache user unlock"
                            : "unlocked %s",
               name);
  } else {
    if ((e = att_user_remove(st, name)) < 0) rc = failed(e, "remove the user", name, NULL);
    else
      cli_line(stdout, "removed user %s: their tokens no longer work (their changes keep their "
                       "name in the history)",
               name);
  }
  memset(token, 0, sizeof token);
  att_store_close(st);
  return rc;
}

static int list(cli_ctx *ctx, cli_parser *p, int json) {
  att_store *st = NULL;
  att_users u;
  int rc, e;
  if (p->npos != 1) return cli_usage(ctx, "unexpected operand '%s'", p->pos[1]);
  if ((rc = cli_open(ctx, ATT_OPEN_READ, &st)) != CLI_OK) return rc;
  e = att_users_read(att_store_dir(st), &u);
  att_store_close(st);
  if (e < 0) return cli_core_fail(e, "cannot read the users");
  for (size_t i = 0; i < u.n; i++) {
    const att_user *x = &u.v[i];
    char t[40];
    att_time_format(x->created, t, sizeof t);
    if (json) {
      cJSON *o = cJSON_CreateObject();
      char *text;
      cJSON_AddStringToObject(o, "name", x->name);
      cJSON_AddStringToObject(o, "role", att_role_name(x->role));
      cJSON_AddStringToObject(o, "created", t);
      cJSON_AddBoolToObject(o, "feed", x->has_feed);
      cJSON_AddBoolToObject(o, "locked", x->locked);
      text = cJSON_PrintUnformatted(o);
      if (text && cli_json_text(stdout, text) < 0) rc = cli_fail("out of memory");
      cJSON_Delete(o);
      continue;
    }
    cli_line(stdout, "%-20s %-7s since %.10s%s%s", x->name, att_role_name(x->role), t,
             x->has_feed ? ", with a feed token" : "", x->locked ? ", LOCKED" : "");
  }
  if (!json && u.n == 0 && ctx->out_tty)
    fputs("no users (attache user add NAME --role reader|editor|admin)\n", stdout);
  att_users_free(&u);
  return rc;
}

int cli_cmd_user(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  const char *role = NULL, *sub;
  int o, rc = CLI_OK, json = 0, feed = 0;
  static const char *const subs[] = {"add", "list", "token", "role", "lock", "unlock", "rm", NULL};
  size_t i;
  cli_parser_init(&p, ctx, user_opts, argc, argv);
  while (rc == CLI_OK && (o = cli_next(&p)) != CLI_END) {
    if (o == CLI_BAD) rc = CLI_USAGE;
    else if (o == CLI_HELP) {
      cli_help("user", stdout);
      cli_parser_free(&p);
      return CLI_OK;
    } else if (o == O_ROLE) role = p.arg;
    else if (o == O_FEED) feed = 1;
    else if (o == O_JSON) json = 1;
  }
  sub = p.npos ? p.pos[0] : NULL;
  for (i = 0; sub && subs[i] && strcmp(subs[i], sub) != 0; i++) {}
  if (rc == CLI_OK && sub == NULL)
    rc = cli_usage(ctx, "which? user add, list, token, role, lock, unlock or rm");
  else if (rc == CLI_OK && subs[i] == NULL)
    rc = cli_usage(ctx, "unknown 'user %s' (user add, list, token, role, lock, unlock or rm)", sub);
  else if (rc == CLI_OK && json && strcmp(sub, "list") != 0)
    rc = cli_usage(ctx, "--json goes with user list");
  else if (rc == CLI_OK && strcmp(sub, "list") == 0)
    rc = (role || feed) ? cli_usage(ctx, "user list takes only --json") : list(ctx, &p, json);
  else if (rc == CLI_OK)
    rc = change(ctx, &p, sub, role, feed);
  cli_parser_free(&p);
  return rc;
}
