/*
 * Text a terminal or a spreadsheet can trust (see termsafe.h): the escapes
 * of untrusted text for a terminal, the same characters as \u escapes in
 * JSON text, and the CSV cells a spreadsheet would read as a formula.
 */
#include "termsafe.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s[0..len) and its code point in
 * *cp, or 0 when the first byte does not start one (strict: no overlong
 * forms, no surrogates, nothing above U+10FFFF, no truncation). */
static size_t u8seq(const unsigned char *s, size_t len, uint32_t *cp) {
  unsigned c = s[0], lo = 0x80, hi = 0xBF;
  size_t n, i;
  uint32_t v;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c < 0xC2 || c > 0xF4) return 0;
  if (c < 0xE0) {
    n = 2;
    v = c & 0x1F;
  } else if (c < 0xF0) {
    n = 3;
    v = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else {
    n = 4;
    v = c & 0x07;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  }
  if (len < n || s[1] < lo || s[1] > hi) return 0;
  v = (v << 6) | (s[1] & 0x3F);
  for (i = 2; i < n; i++) {
    if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    v = (v << 6) | (s[i] & 0x3F);
  }
  *cp = v;
  return n;
}

/* A code point at or above U+0080 that a terminal acts on or that
 * reorders or splits what is displayed. */
static int unsafe_cp(uint32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 ||
         c == 0x2029;
}

size_t att_termsafe_char(const char *s, size_t len, unsigned *cp) {
  uint32_t c;
  size_t n = len && (unsigned char)s[0] >= 0x80 ? u8seq((const unsigned char *)s, len, &c) : 0;
  if (n == 0 || !unsafe_cp(c)) return 0;
  *cp = c;
  return n;
}

static const char hex[] = "0123456789abcdef";

/* "\uXXXX" for a code point of the Basic Multilingual Plane, in esc. */
static size_t u_escape(char esc[6], uint32_t cp) {
  esc[0] = '\\';
  esc[1] = 'u';
  esc[2] = hex[(cp >> 12) & 15];
  esc[3] = hex[(cp >> 8) & 15];
  esc[4] = hex[(cp >> 4) & 15];
  esc[5] = hex[cp & 15];
  return 6;
}

/*
 * One step over s[0..len): the number of bytes consumed in *used, and
 * either 0 (copy them as they are) or the length of the escape written
 * into esc (at most 6 characters).
 */
static size_t step(const unsigned char *s, size_t len, unsigned flags, char esc[8], size_t *used) {
  unsigned c = s[0];
  uint32_t cp;
  size_t n;
  *used = 1;
  if (c < 0x20 || c == 0x7F) {
    if ((c == '\n' && (flags & ATT_TS_LF)) || (c == '\t' && (flags & ATT_TS_TAB))) return 0;
    esc[0] = '\\';
    if (c == '\n' || c == '\t' || c == '\r') {
      esc[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
      return 2;
    }
    esc[1] = 'x';
    esc[2] = hex[c >> 4];
    esc[3] = hex[c & 15];
    return 4;
  }
  if (c < 0x80) return 0;
  n = u8seq(s, len, &cp);
  if (n == 0) {
    esc[0] = '\\';
    esc[1] = 'x';
    esc[2] = hex[c >> 4];
    esc[3] = hex[c & 15];
    return 4;
  }
  *used = n;
  if (!unsafe_cp(cp)) return 0;
  return u_escape(esc, cp);
}

int att_termsafe_clean(const char *s, size_t len, unsigned flags) {
  const unsigned char *p = (const unsigned char *)s;
  char esc[8];
  size_t i = 0, used;
  while (i < len) {
    if (step(p + i, len - i, flags, esc, &used)) return 0;
    i += used;
  }
  return 1;
}

/* Append piece[0..n) to buf[cap] at *o, whole or not at all once full. */
static void put(char *buf, size_t cap, size_t *o, int *full, const char *piece, size_t n) {
  if (!*full && *o + n < cap) memcpy(buf + *o, piece, n);
  else *full = 1;
  *o += n;
}

static void finish(char *buf, size_t cap, size_t written) {
  if (cap > 0) buf[written < cap ? written : cap - 1] = '\0';
}

size_t att_termsafe(char *buf, size_t cap, const char *s, size_t len, unsigned flags) {
  const unsigned char *p = (const unsigned char *)s;
  char esc[8];
  size_t i = 0, o = 0, used, e, last = 0;
  int full = cap == 0;
  while (i < len) {
    e = step(p + i, len - i, flags, esc, &used);
    if (e) put(buf, cap, &o, &full, esc, e);
    else put(buf, cap, &o, &full, s + i, used);
    if (!full) last = o;
    i += used;
  }
  finish(buf, cap, full ? last : o);
  return o;
}

char *att_termsafe_dup(const char *s, size_t len, unsigned flags) {
  size_t n = att_termsafe(NULL, 0, s, len, flags);
  char *out = malloc(n + 1);
  if (out) att_termsafe(out, n + 1, s, len, flags);
  return out;
}

int att_termsafe_write(FILE *f, const char *s, size_t len, unsigned flags) {
  const unsigned char *p = (const unsigned char *)s;
  char esc[8];
  size_t i = 0, run = 0, used, e;
  /* Runs of plain text are written in one call. */
  while (i < len) {
    e = step(p + i, len - i, flags, esc, &used);
    if (e) {
      if (run && fwrite(s + i - run, 1, run, f) != run) return EOF;
      run = 0;
      if (fwrite(esc, 1, e, f) != e) return EOF;
    } else {
      run += used;
    }
    i += used;
  }
  if (run && fwrite(s + i - run, 1, run, f) != run) return EOF;
  return 0;
}

size_t att_termsafe_json(char *buf, size_t cap, const char *json, size_t len) {
  const unsigned char *p = (const unsigned char *)json;
  char esc[8];
  size_t i = 0, o = 0, n, last = 0;
  uint32_t cp;
  int full = cap == 0;
  while (i < len) {
    unsigned c = p[i];
    n = 1;
    cp = 0xFFFD;
    /* JSON's own whitespace between tokens stays; a raw control inside a
     * string (which cJSON never writes) is escaped. */
    if (c < 0x80 && (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') && c != 0x7F) {
      put(buf, cap, &o, &full, json + i, 1);
    } else if (c < 0x80 || (n = u8seq(p + i, len - i, &cp)) == 0 || unsafe_cp(cp)) {
      if (c < 0x80) cp = c;
      if (n == 0) n = 1; /* cp stays U+FFFD */
      put(buf, cap, &o, &full, esc, u_escape(esc, cp));
    } else {
      put(buf, cap, &o, &full, json + i, n);
    }
    if (!full) last = o;
    i += n;
  }
  finish(buf, cap, full ? last : o);
  return o;
}

char *att_termsafe_json_dup(const char *json, size_t len) {
  size_t n = att_termsafe_json(NULL, 0, json, len);
  char *out = malloc(n + 1);
  if (out) att_termsafe_json(out, n + 1, json, len);
  return out;
}

int att_csv_guarded(const char *s, size_t len) {
  size_t i = 0;
  while (i < len && s[i] == '\'') i++;
  return i < len && strchr("=+-@\t\r\n", s[i]) != NULL && s[i] != '\0';
}
