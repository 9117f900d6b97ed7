/*
 * attache config: read and change the store's settings (core/settings.h),
 * as git config does for a repository.  docs/settings.md is the manual.
 *
 *   attache config                  every setting, its value and its help
 *   attache config --list           KEY=VALUE for each setting that is set
 *   attache config KEY              the value (or the default)
 *   attache config KEY VALUE        set it (checked; nothing changes if bad)
 *   attache config --unset KEY      back to the default
 *   attache config --add KEY ITEM   add to a list; --remove takes one out
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "settings.h"

enum { OPT_LIST = 1, OPT_UNSET, OPT_ADD, OPT_REMOVE };

static const cli_opt config_opts[] = {{"list", 'l', 0, OPT_LIST},
                                      {"unset", 0, 0, OPT_UNSET},
                                      {"add", 0, 0, OPT_ADD},
                                      {"remove", 0, 0, OPT_REMOVE},
                                      {NULL, 0, 0, 0}};

typedef struct change {
  int op; /* 0 set, OPT_UNSET, OPT_ADD, OPT_REMOVE */
  const char *key, *value;
} change;

static int apply(att_settings *s, void *ud) {
  const change *c = ud;
  switch (c->op) {
  case OPT_UNSET: return att_settings_unset(s, c->key);
  case OPT_ADD: return att_settings_add(s, c->key, c->value);
  case OPT_REMOVE: return att_settings_remove(s, c->key, c->value);
  default: return att_settings_set(s, c->key, c->value);
  }
}

/* The value of key as the file holds it when it fails its check (the
 * settings are read with att_settings_load_any, so that a bad value can
 * be seen and fixed): its JSON, and the reason on stderr.  1 if bad. */
static int bad_value(const att_settings *s, const char *key, const char **shown, char **raw) {
  *raw = NULL;
  if (att_settings_valid(s, key) == 0) return 0;
  cli_fail("%s: %s", key, att_errmsg());
  *raw = att_settings_raw(s, key);
  *shown = *raw ? *raw : "";
  return 1;
}

/* Every key with its value and help; 1 if a value is bad. */
static int show_all(const att_settings *s) {
  int bad = 0;
  for (int i = 0; i < ATT_SETTING_COUNT; i++) {
    const att_setting_info *k = att_settings_key(i);
    const char *v = att_settings_get(s, k->name);
    char *raw;
    if (bad_value(s, k->name, &v, &raw)) {
      bad = 1;
      cli_line(stdout, "%s = %s  (not valid: set it again or --unset it)", k->name, v);
    } else {
      cli_line(stdout, "%s = %s%s", k->name, v ? v : "", att_settings_is_set(s, k->name) ? "" : v ? "  (default)" : "(unset)");
    }
    free(raw);
    cli_line(stdout, "    %s", k->help);
  }
  return bad;
}

/* The store must exist.  Not through cli_open, which refuses a settings
 * file with a bad value: config is how to fix it. */
static int need_store(cli_ctx *ctx) {
  att_store_opts o;
  att_store *st = NULL;
  int rc;
  if (ctx->store_dir == NULL)
    return cli_fail("no store directory: use --store DIR, or set ATTACHE_STORE or HOME");
  memset(&o, 0, sizeof o);
  o.flags = ATT_OPEN_READ;
  rc = att_store_open(ctx->store_dir, &o, &st);
  if (rc == ATT_ENOSTORE)
    return cli_fail("no store at %s; create one with 'attache init' (or choose another with "
                    "--store DIR or ATTACHE_STORE)",
                    ctx->store_dir);
  if (rc < 0) return cli_core_fail(rc, "cannot open the store %s", ctx->store_dir);
  att_store_close(st);
  return CLI_OK;
}

int cli_cmd_config(cli_ctx *ctx, int argc, char **argv) {
  cli_parser p;
  change c = {0, NULL, NULL};
  int o, list = 0, rc = CLI_OK, r;
  att_settings *s = NULL;
  cli_parser_init(&p, ctx, config_opts, argc, argv);
  while (rc == CLI_OK && (o = cli_next(&p)) != CLI_END) {
    if (o == CLI_BAD) rc = CLI_USAGE;
    else if (o == CLI_HELP) {
      cli_help(ctx->cmd, stdout);
      cli_parser_free(&p);
      return CLI_OK;
    } else if (o == OPT_LIST) list = 1;
    else if (c.op) rc = cli_usage(ctx, "--unset, --add and --remove are one change at a time");
    else c.op = o;
  }
  if (rc == CLI_OK) {
    int want = c.op == OPT_UNSET ? 1 : c.op ? 2 : -1;
    if (list && (c.op || p.npos))
      rc = cli_usage(ctx, "--list takes no key and no other option");
    else if (want > 0 && p.npos != want)
      rc = cli_usage(ctx, "%s takes %s", c.op == OPT_UNSET ? "--unset" : c.op == OPT_ADD ? "--add" : "--remove",
                     want == 1 ? "one key" : "a key and one item");
    else if (want < 0 && p.npos > 2)
      rc = cli_usage(ctx, "unexpected operand '%s' (config KEY VALUE sets one setting; "
                          "a value with spaces is quoted)",
                     p.pos[2]);
  }
  if (rc == CLI_OK) rc = need_store(ctx);
  if (rc == CLI_OK && !list && !c.op && p.npos < 2) {
    /* Read. */
    char *raw = NULL;
    const char *shown = NULL;
    if ((r = att_settings_load_any(ctx->store_dir, &s)) < 0) {
      rc = cli_core_fail(r, "cannot read the settings");
    } else if (p.npos == 0) {
      if (show_all(s)) rc = CLI_FAIL;
    } else if (att_settings_find(p.pos[0]) < 0) {
      att_settings_unset(s, p.pos[0]); /* for its message */
      rc = cli_fail("%s", att_errmsg());
    } else if (bad_value(s, p.pos[0], &shown, &raw)) {
      cli_line(stdout, "%s", shown);
      free(raw);
      rc = CLI_FAIL;
    } else if (!att_settings_get(s, p.pos[0])) {
      rc = cli_fail("%s is not set (%s)", p.pos[0], att_settings_key(att_settings_find(p.pos[0]))->help);
    } else {
      cli_line(stdout, "%s", att_settings_get(s, p.pos[0]));
    }
  } else if (rc == CLI_OK && list) {
    if ((r = att_settings_load_any(ctx->store_dir, &s)) < 0) {
      rc = cli_core_fail(r, "cannot read the settings");
    } else {
      for (int i = 0; i < ATT_SETTING_COUNT; i++) {
        const char *k = att_settings_key(i)->name, *v = att_settings_get(s, k);
        char *raw;
        if (bad_value(s, k, &v, &raw)) rc = CLI_FAIL;
        if (att_settings_is_set(s, k)) cli_line(stdout, "%s=%s", k, v);
        free(raw);
      }
    }
  } else if (rc == CLI_OK) {
    /* Change. */
    c.key = p.pos[0];
    c.value = p.npos > 1 ? p.pos[1] : NULL;
    if ((r = att_settings_edit(ctx->store_dir, apply, &c)) < 0) {
      rc = cli_fail("%s; nothing was changed", att_errmsg());
    } else if ((r = att_settings_load(ctx->store_dir, &s)) == 0) {
      const char *v = att_settings_get(s, c.key);
      cli_line(stdout, "%s = %s%s", c.key, v ? v : "", att_settings_is_set(s, c.key) ? "" : v ? "  (default)" : "(unset)");
    }
  }
  att_settings_free(s);
  cli_parser_free(&p);
  return rc;
}
