/*
 * Error codes and the last-error message of the core.
 *
 * Every core function returns 0 (or a non-negative count) on success and a
 * negative ATT_E* code on failure.  The failing function leaves a precise,
 * human-readable message (which input, what is wrong, what is accepted) that
 * att_errmsg() returns until the next failure on the same thread.
 */
#ifndef ATT_ERROR_H
#define ATT_ERROR_H

#include <stdarg.h>

/* X(name, value, text) */
#define ATT_ERRNO_MAP(X)                                                   \
  X(INVAL,   -1, "invalid argument")                                       \
  X(NOMEM,   -2, "out of memory")                                          \
  X(IO,      -3, "input/output error")                                     \
  X(NOTFOUND,-4, "not found")                                              \
  X(EXISTS,  -5, "already exists")                                         \
  X(CORRUPT, -6, "store is damaged")                                       \
  X(READONLY,-7, "store is read-only")                                     \
  X(POISONED,-8, "store refuses writes after a failed sync")               \
  X(BUSY,    -9, "store is locked by another process")                     \
  X(RANGE,  -10, "value out of range")                                     \
  X(NOSTORE,-11, "no store here")                                          \
  X(CONFLICT,-12, "conflicting change")                                    \
  X(LINKED, -13, "event is linked from others")                          \
  X(EXIT,   -14, "the script called os.exit")

enum {
#define ATT__ERR_ENUM(name, val, text) ATT_E##name = (val),
  ATT_ERRNO_MAP(ATT__ERR_ENUM)
#undef ATT__ERR_ENUM
};

/* Short text for a code ("not found"); "unknown error" for others. */
const char *att_strerror(int code);
/* Name of a code ("ATT_ENOTFOUND"). */
const char *att_err_name(int code);
/* The message left by the last failing call on this thread ("" if none). */
const char *att_errmsg(void);

/* Set the message and return code: `return att__err(ATT_EINVAL, "...", ...)`. */
int att__err(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int att__verr(int code, const char *fmt, va_list ap);
/* Prefix the current message: "context: <old message>". */
int att__errctx(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void att__errclear(void);

#endif
