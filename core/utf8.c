/*
 * UTF-8 checking, and quoting of untrusted text for error messages.
 *
 * cJSON copies the bytes of JSON strings as they come, so the event module
 * checks every string here: no overlong forms, no UTF-16 surrogates, nothing
 * above U+10FFFF, no truncated sequences.  att__quote shows a value inside a
 * message without letting it break the message (quotes, control characters,
 * stray bytes are escaped; long values are cut).
 */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "event.h"

/* Length of the valid sequence at s[0..len), or 0 with *why set. */
static size_t utf8_seq(const unsigned char *s, size_t len, const char **why) {
  unsigned c = s[0];
  size_t n, i;
  unsigned lo = 0x80, hi = 0xBF;

  if (c < 0x80) return 1;
  if (c < 0xC0) {
    *why = "continuation byte without a lead byte";
    return 0;
  }
  if (c < 0xC2) {
    *why = "overlong encoding";
    return 0;
  }
  if (c < 0xE0) {
    n = 2;
  } else if (c < 0xF0) {
    n = 3;
    if (c == 0xE0) lo = 0xA0; /* below would be overlong */
    if (c == 0xED) hi = 0x9F; /* above would be a surrogate */
  } else if (c < 0xF5) {
    n = 4;
    if (c == 0xF0) lo = 0x90; /* below would be overlong */
    if (c == 0xF4) hi = 0x8F; /* above would pass U+10FFFF */
  } else {
    *why = c < 0xF8 ? "code point above U+10FFFF" : "byte never used in UTF-8";
    return 0;
  }
  if (len < 2) {
    *why = "truncated sequence";
    return 0;
  }
  if (s[1] < lo || s[1] > hi) {
    if (s[1] < 0x80 || s[1] > 0xBF)
      *why = "truncated sequence";
    else if (c == 0xED)
      *why = "UTF-16 surrogate";
    else if (c == 0xF4)
      *why = "code point above U+10FFFF";
    else
      *why = "overlong encoding";
    return 0;
  }
  for (i = 2; i < n; i++) {
    if (i >= len || s[i] < 0x80 || s[i] > 0xBF) {
      *why = "truncated sequence";
      return 0;
    }
  }
  return n;
}

int att_utf8_check(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, n;
  const char *why = "";

  while (i < len) {
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    n = utf8_seq(p + i, len - i, &why);
    if (n == 0)
      return att__err(ATT_EINVAL, "invalid UTF-8 at byte %zu (0x%02X): %s", i,
                      p[i], why);
    i += n;
  }
  return 0;
}

const char *att__show(char *buf, size_t cap, const char *s, size_t len,
                      size_t max) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, o = 0, n;
  const char *why;
  char esc[8];

  if (cap < 16) {
    if (cap) buf[0] = '\0';
    return buf;
  }
  /* Keep room for the closing quote, "..." and " (N bytes)". */
  if (max > cap - 40) max = cap > 60 ? cap - 40 : 10;
  buf[o++] = '"';
  while (i < len && i < max) {
    unsigned c = p[i];
    esc[0] = '\0';
    n = 1;
    if (c == '"' || c == '\\') {
      snprintf(esc, sizeof esc, "\\%c", (char)c);
    } else if (c == '\n') {
      snprintf(esc, sizeof esc, "\\n");
    } else if (c == '\t') {
      snprintf(esc, sizeof esc, "\\t");
    } else if (c == '\r') {
      snprintf(esc, sizeof esc, "\\r");
    } else if (c < 0x20 || c == 0x7F) {
      snprintf(esc, sizeof esc, "\\u%04X", c);
    } else if (c >= 0x80) {
      n = utf8_seq(p + i, len - i, &why);
      if (n == 0) {
        snprintf(esc, sizeof esc, "\\x%02X", c);
        n = 1;
      }
    }
    if (esc[0]) {
      size_t el = strlen(esc);
      if (o + el + 1 >= cap) break;
      memcpy(buf + o, esc, el);
      o += el;
    } else {
      if (o + n + 1 >= cap) break;
      memcpy(buf + o, p + i, n);
      o += n;
    }
    i += n;
  }
  if (o + 2 < cap) buf[o++] = '"';
  buf[o] = '\0';
  if (i < len) {
    snprintf(buf + o - 1, cap - (o - 1), "...\" (%zu bytes)", len);
  }
  return buf;
}
