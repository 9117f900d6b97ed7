/*
 * The reports that ship in the program (scripts/reports/NAME.lua,
 * embedded as "reports/NAME"): `attache run attache:NAME` runs one, and
 * the daemon's GET /v1/reports lists them beside a desk's own.
 */
#include <string.h>

#include "embedded.h"
#include "host.h"

const char *att_shipped_report(const char *name, size_t *len) {
  for (const att_embedded *m = att_embedded_scripts; m->name; m++)
    if (!strncmp(m->name, "reports/", 8) && !strcmp(m->name + 8, name)) {
      if (len) *len = m->len;
      return (const char *)m->src;
    }
  return NULL;
}

const char *att_shipped_report_name(size_t i) {
  for (const att_embedded *m = att_embedded_scripts; m->name; m++)
    if (!strncmp(m->name, "reports/", 8) && i-- == 0) return m->name + 8;
  return NULL;
}
