/*
 * Text helpers shared by the core and the bindings: one UTF-8 validator
 * (the event model, the alert log and at.json accept exactly the same
 * bytes) and one way to show untrusted text inside an error message.
 * core/utf8.c holds them.
 */
#ifndef ATT_TEXT_H
#define ATT_TEXT_H

#include <stddef.h>

/* 0 if s[0..len) is valid UTF-8 (no overlongs, surrogates, > U+10FFFF);
 * otherwise ATT_EINVAL with a message giving the byte offset and why. */
int att_utf8_check(const char *s, size_t len);

/* The length (1 to 4) of the valid UTF-8 sequence that starts s[0..len),
 * len >= 1, or 0 if none does: the rule of att_utf8_check, one character
 * at a time, for a reader that copies as it checks. */
size_t att_utf8_len(const char *s, size_t len);

/* s as valid UTF-8 into buf[cap] (cap >= 1): each byte that starts no
 * valid sequence becomes the four characters \xNN; cut, at a character,
 * where buf is full.  For a message that text from outside may have
 * reached, before it goes into JSON. */
void att_utf8_mend(char *buf, size_t cap, const char *s);

/* The two forms of att__show_as. */
enum {
  /*
   * "value": in double quotes; a quote and a backslash escaped with a
   * backslash; \n, \t and \r; other control characters and DEL as \u00XX;
   * bytes that are not UTF-8 as \xXX; cut after about `max` bytes of s,
   * ending ..." (N bytes) with the full length.
   */
  ATT_SHOW_QUOTED = 0,
  /*
   * value, for the caller to put between quotes: a quote and a backslash
   * escaped with a backslash; control characters and DEL as \xnn; every
   * other byte as it is; cut after max bytes of s or where buf is full
   * (SIZE_MAX: only there), ending "...".
   */
  ATT_SHOW_BARE = 1
};

/* Internal to the core: s[0..len) in the given form (ATT_SHOW_*) into
 * buf[cap] (cap >= 16, else ""), for an error message.  Returns buf. */
const char *att__show_as(char *buf, size_t cap, const char *s, size_t len, size_t max,
                         int form);
/* att__show_as in the form ATT_SHOW_QUOTED. */
const char *att__show(char *buf, size_t cap, const char *s, size_t len, size_t max);
/* A NULL-terminated list as "a, b, c" into buf[cap], for messages
 * (event.c).  Returns buf. */
const char *att__join(char *buf, size_t cap, const char *const *list);

#endif
