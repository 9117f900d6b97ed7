/*
 * The Lua files of scripts/, embedded in the binary at build time
 * (cmake/embed.cmake writes the table).
 */
#ifndef ATT_EMBEDDED_H
#define ATT_EMBEDDED_H

#include <stddef.h>

typedef struct att_embedded {
  const char *name; /* file stem: scripts/attache.lua is "attache" */
  const unsigned char *src;
  size_t len;
} att_embedded;

/* Ends with an entry whose name is NULL. */
extern const att_embedded att_embedded_scripts[];

#endif
