/*
 * attache extract FILE|- [--published DATE] [--json]: the events a press
 * release reports, proposed for review (docs/extract.md).  The work is
 * the shipped script scripts/cli/extract.lua (with at.extract and the
 * rules of scripts/extract/), run in a sandbox as `attache run` runs a
 * script; this command gives it its name, usage and help.
 */
#include "cli.h"
#include "host.h" /* att_shipped_command */

#include <stdlib.h>
#include <string.h>

int cli_cmd_extract(cli_ctx *ctx, int argc, char **argv) {
  char **v;
  const char *src;
  size_t len = 0;
  int rc;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--")) break;
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return cli_help("extract", stdout) < 0 ? CLI_FAIL : CLI_OK;
  }
  if (argc < 2) return cli_usage(ctx, "which text? give a FILE, or - for standard input");
  if (!(src = att_shipped_command("extract", &len))) return cli_fail("this program was built without its extract script");
  if (!(v = malloc(((size_t)argc + 2) * sizeof *v))) return cli_fail("out of memory");
  v[0] = "run";
  v[1] = "extract";
  for (int i = 1; i < argc; i++) v[i + 1] = argv[i];
  v[argc + 1] = NULL;
  rc = cli_run_source(ctx, argc + 1, v, src, len);
  free(v);
  return rc;
}
