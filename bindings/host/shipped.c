/*
 * The reports that ship in the program (scripts/reports/NAME.lua,
 * embedded as "reports/NAME"): `attache run attache:NAME` runs one, and
 * the daemon's GET /v1/reports lists them beside a desk's own.  And the
 * scripts behind commands written in Lua (scripts/cli/NAME.lua, "cli/NAME":
 * `attache extract`), which are neither reports nor modules.
 */
#include <string.h>

#include "embedded.h"
#include "host.h"

/* The embedded script DIR/NAME (dir with its slash), or NULL. */
static const char *shipped(const char *dir, const char *name, size_t *len) {
  size_t k = strlen(dir);
  for (const att_embedded *m = att_embedded_scripts; m->name; m++)
    if (!strncmp(m->name, dir, k) && !strcmp(m->name + k, name)) {
      if (len) *len = m->len;
      return (const char *)m->src;
    }
  return NULL;
}

const char *att_shipped_report(const char *name, size_t *len) {
  return shipped("reports/", name, len);
}

const char *att_shipped_report_name(size_t i) {
  for (const att_embedded *m = att_embedded_scripts; m->name; m++)
    if (!strncmp(m->name, "reports/", 8) && i-- == 0) return m->name + 8;
  return NULL;
}

const char *att_shipped_command(const char *name, size_t *len) {
  return shipped("cli/", name, len);
}
