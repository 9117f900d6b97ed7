/*
 * The error table and the per-thread last-error message.
 */
#include "error.h"

#include <stdio.h>
#include <string.h>

#define ATT__ERRMSG_MAX 1024

static _Thread_local char errbuf[ATT__ERRMSG_MAX];

const char *att_strerror(int code) {
  switch (code) {
#define ATT__ERR_TEXT(name, val, text) \
  case val:                            \
    return text;
    ATT_ERRNO_MAP(ATT__ERR_TEXT)
#undef ATT__ERR_TEXT
  default:
    return "unknown error";
  }
}

const char *att_err_name(int code) {
  switch (code) {
#define ATT__ERR_NAME(name, val, text) \
  case val:                            \
    return "ATT_E" #name;
    ATT_ERRNO_MAP(ATT__ERR_NAME)
#undef ATT__ERR_NAME
  default:
    return "ATT_EUNKNOWN";
  }
}

const char *att_errmsg(void) { return errbuf; }

void att__errclear(void) { errbuf[0] = '\0'; }

/* Formatted apart and then copied, so that an argument may be the old
 * message (att_errmsg()) itself. */
int att__verr(int code, const char *fmt, va_list ap) {
  char msg[ATT__ERRMSG_MAX];
  vsnprintf(msg, sizeof msg, fmt, ap);
  memcpy(errbuf, msg, sizeof errbuf);
  return code;
}

int att__err(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  att__verr(code, fmt, ap);
  va_end(ap);
  return code;
}

int att__errctx(int code, const char *fmt, ...) {
  char old[ATT__ERRMSG_MAX];
  size_t n;
  va_list ap;
  memcpy(old, errbuf, sizeof old);
  va_start(ap, fmt);
  att__verr(code, fmt, ap);
  va_end(ap);
  n = strlen(errbuf);
  if (old[0] != '\0' && n + 3 < sizeof errbuf) {
    size_t m = strlen(old), room = sizeof errbuf - n - 3;
    if (m > room) m = room;
    errbuf[n] = ':';
    errbuf[n + 1] = ' ';
    memcpy(errbuf + n + 2, old, m);
    errbuf[n + 2 + m] = '\0';
  }
  return code;
}
