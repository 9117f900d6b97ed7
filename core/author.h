/*
 * Who makes a change to the store and why (docs/history.md): the checks
 * of an author's name and of a reason, and the name of the OS account
 * that runs the process.  The command line, the settings (history.author)
 * and the Lua bindings check with the same rules.
 */
#ifndef ATT_AUTHOR_H
#define ATT_AUTHOR_H

#include <stddef.h>

/* The longest author and reason, in bytes. */
#define ATT_AUTHOR_MAX 64
#define ATT_REASON_MAX 500

/* 0 if s is a non-empty line of valid UTF-8 without control characters
 * of at most ATT_AUTHOR_MAX bytes; else ATT_EINVAL with a message that
 * names `what` (ATTACHE_AUTHOR, history.author) and says what is
 * accepted. */
int att_author_check(const char *what, const char *s);
/* The same for a reason (--reason), at most ATT_REASON_MAX bytes. */
int att_reason_check(const char *what, const char *s);

/* The login name of the process's effective user (its account in the
 * password database), else "uid N", into buf[cap]; returns buf. */
const char *att_author_login(char *buf, size_t cap);

#endif
