/*
 * UTF-8 checking, and showing untrusted text in error messages (see
 * text.h).
 *
 * cJSON copies the bytes of JSON strings as they come, so the event module
 * checks every string here: no overlong forms, no UTF-16 surrogates, nothing
 * above U+10FFFF, no truncated sequences; at.json's reader and writer use
 * the same rule through att_utf8_len.  att__show_as shows a value inside a
 * message without letting it break the message (quotes, control characters,
 * stray bytes are escaped; long values are cut).
 */
#include "text.h"

#include <stdio.h>
#include <string.h>

#include "error.h"

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

size_t att_utf8_len(const char *s, size_t len) {
  const char *why;
  return utf8_seq((const unsigned char *)s, len, &why);
}

void att_utf8_mend(char *buf, size_t cap, const char *s) {
  size_t len = strlen(s), i = 0, o = 0, n;
  if (cap == 0) return;
  while (i < len) {
    n = att_utf8_len(s + i, len - i);
    if (n == 0) {
      if (o + 5 > cap) break;
      snprintf(buf + o, 5, "\\x%02X", (unsigned char)s[i]);
      o += 4;
      i++;
      continue;
    }
    if (o + n + 1 > cap) break;
    memcpy(buf + o, s + i, n);
    o += n;
    i += n;
  }
  buf[o] = '\0';
}

/* The escape of byte c in the given form, or "" for a byte shown as it is. */
static void escape(char esc[8], unsigned c, int form) {
  esc[0] = '\0';
  if (c == '"' || c == '\\') {
    snprintf(esc, 8, "\\%c", (char)c);
  } else if (form == ATT_SHOW_BARE) {
    if (c < 0x20 || c == 0x7F) snprintf(esc, 8, "\\x%02x", c);
  } else if (c == '\n') {
    snprintf(esc, 8, "\\n");
  } else if (c == '\t') {
    snprintf(esc, 8, "\\t");
  } else if (c == '\r') {
    snprintf(esc, 8, "\\r");
  } else if (c < 0x20 || c == 0x7F) {
    snprintf(esc, 8, "\\u%04X", c);
  }
}

const char *att__show_as(char *buf, size_t cap, const char *s, size_t len, size_t max,
                         int form) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, o = 0, n;
  const char *why;
  char esc[8];

  if (cap < 16) {
    if (cap) buf[0] = '\0';
    return buf;
  }
  if (form == ATT_SHOW_QUOTED) {
    /* Keep room for the closing quote, "..." and " (N bytes)". */
    if (max > cap - 40) max = cap > 60 ? cap - 40 : 10;
    buf[o++] = '"';
  }
  while (i < len && i < max) {
    unsigned c = p[i];
    /* Bare: 8 bytes kept for an escape and "..." */
    if (form == ATT_SHOW_BARE && o + 8 >= cap) break;
    escape(esc, c, form);
    n = 1;
    if (!esc[0] && c >= 0x80 && form == ATT_SHOW_QUOTED) {
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
  if (form == ATT_SHOW_BARE) {
    if (i < len) {
      memcpy(buf + o, "...", 3);
      o += 3;
    }
    buf[o] = '\0';
    return buf;
  }
  if (o + 2 < cap) buf[o++] = '"';
  buf[o] = '\0';
  if (i < len) {
    snprintf(buf + o - 1, cap - (o - 1), "...\" (%zu bytes)", len);
  }
  return buf;
}

const char *att__show(char *buf, size_t cap, const char *s, size_t len, size_t max) {
  return att__show_as(buf, cap, s, len, max, ATT_SHOW_QUOTED);
}
