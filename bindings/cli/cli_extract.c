/*
 * attache extract FILE|- [--published DATE] [--rules FILE] [--json |
 * --review]: the events a press release reports, proposed for review
 * (docs/extract.md).  The work is the shipped script
 * scripts/cli/extract.lua (with at.extract and the rules of
 * scripts/extract/), run in a sandbox as `attache run` runs a script;
 * this command gives it its name, usage and help, and the user's own
 * rules ($XDG_CONFIG_HOME/attache/extract/rules.lua) when --rules names
 * none.
 */
#include "cli.h"
#include "host.h" /* att_shipped_command */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The user's rules file, when there is one: $XDG_CONFIG_HOME/attache/
 * extract/rules.lua, else ~/.config/attache/extract/rules.lua. */
static const char *user_rules(char *buf, size_t cap) {
  const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
  int n;
  if (x && *x) n = snprintf(buf, cap, "%s/attache/extract/rules.lua", x);
  else if (h && *h) n = snprintf(buf, cap, "%s/.config/attache/extract/rules.lua", h);
  else return NULL;
  return n > 0 && (size_t)n < cap && access(buf, F_OK) == 0 ? buf : NULL;
}

int cli_cmd_extract(cli_ctx *ctx, int argc, char **argv) {
  char **v, buf[PATH_MAX];
  const char *src, *mine = NULL;
  size_t len = 0;
  int rc, n = 0, given = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--")) break;
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return cli_help("extract", stdout) < 0 ? CLI_FAIL : CLI_OK;
    if (!strcmp(argv[i], "--rules") || !strncmp(argv[i], "--rules=", 8)) given = 1;
  }
  if (argc < 2) return cli_usage(ctx, "which text? give a FILE, or - for standard input");
  if (!(src = att_shipped_command("extract", &len))) return cli_fail("this program was built without its extract script");
  if (!given) mine = user_rules(buf, sizeof buf);
  if (!(v = malloc(((size_t)argc + 4) * sizeof *v))) return cli_fail("out of memory");
  v[n++] = "run";
  v[n++] = "extract";
  if (mine) { /* (named on the command line, the file may be read) */
    v[n++] = "--user-rules";
    v[n++] = (char *)mine;
  }
  /* --store DIR is the command's, as for every command (the script's
   * own parser does not know it); after "--" everything is the script's. */
  for (int i = 1, opts = 1; i < argc; i++) {
    if (opts && !strcmp(argv[i], "--")) opts = 0;
    if (opts && (!strcmp(argv[i], "--store") || !strncmp(argv[i], "--store=", 8))) {
      const char *dir = argv[i][7] == '=' ? argv[i] + 8 : i + 1 < argc ? argv[++i] : NULL;
      if (ctx->store_given++) rc = cli_usage(ctx, "--store given twice (one store a command)");
      else if (!dir || !*dir) rc = cli_usage(ctx, "--store needs a directory");
      else {
        ctx->store_dir = dir;
        continue;
      }
      free(v);
      return rc;
    }
    v[n++] = argv[i];
  }
  v[n] = NULL;
  rc = cli_run_source(ctx, n, v, src, len);
  free(v);
  return rc;
}
