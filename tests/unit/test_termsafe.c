/*
 * Unit tests of core/termsafe.c: every class of character a terminal acts
 * on (C0 with and without the multi-line flags, DEL, C1 as code points
 * and as raw bytes, ESC sequences, CR, the direction controls, the line
 * separators), invalid UTF-8 of each kind, text that must pass unchanged
 * (ASCII, accents, CJK, Khmer, emoji), cut buffers, the FILE writer, the
 * JSON rewrite (the same JSON once decoded) and the CSV guard.
 */
#include <stdlib.h>
#include <string.h>

#include "termsafe.h"
#include "tap.h"

static char out[1024];

static const char *esc(const char *s, unsigned flags) {
  att_termsafe(out, sizeof out, s, strlen(s), flags);
  return out;
}

static const char *escn(const char *s, size_t n, unsigned flags) {
  att_termsafe(out, sizeof out, s, n, flags);
  return out;
}

static const char *json(const char *s) {
  att_termsafe_json(out, sizeof out, s, strlen(s));
  return out;
}

int main(void) {
  char small[8], name[64];
  unsigned c;
  size_t n;

  /* Plain text passes as it is. */
  is_str(esc("Meeting in Phnom Penh", 0), "Meeting in Phnom Penh", "ASCII");
  is_str(esc("Caf\xc3\xa9 \xe6\x9d\xb1\xe4\xba\xac \xe1\x9e\x97\xe1\x9f\x92\xe1\x9e\x93", 0),
         "Caf\xc3\xa9 \xe6\x9d\xb1\xe4\xba\xac \xe1\x9e\x97\xe1\x9f\x92\xe1\x9e\x93",
         "accents, Japanese, Khmer");
  is_str(esc("\xf0\x9f\x98\x80 \xe2\x80\x8d \xef\xbb\xbf \xc2\xa0 \\x1b", 0),
         "\xf0\x9f\x98\x80 \xe2\x80\x8d \xef\xbb\xbf \xc2\xa0 \\x1b",
         "emoji, ZWJ, BOM, NBSP, a spelled-out escape");
  ok(att_termsafe_clean("plain \xe6\x9d\xb1", 9, 0), "clean: plain");

  /* Every C0 control, then DEL. */
  for (c = 0; c < 0x20; c++) {
    char in[2] = {(char)c, 0}, want[8];
    if (c == '\n') strcpy(want, "\\n");
    else if (c == '\t') strcpy(want, "\\t");
    else if (c == '\r') strcpy(want, "\\r");
    else snprintf(want, sizeof want, "\\x%02x", c);
    snprintf(name, sizeof name, "C0 0x%02x", c);
    is_str(escn(in, 1, 0), want, "%s", name);
    ok(!att_termsafe_clean(in, 1, 0), "%s is not clean", name);
  }
  is_str(esc("\x7f", 0), "\\x7f", "DEL");
  is_str(esc("a\x1b]0;pwned\x07\x1b[31mred\x1b[0m", 0), "a\\x1b]0;pwned\\x07\\x1b[31mred\\x1b[0m",
         "OSC title and SGR colour");
  is_str(esc("x\r\x1b[2K", 0), "x\\r\\x1b[2K", "CR and erase line");

  /* Multi-line fields keep LF and TAB only. */
  is_str(esc("a\nb\tc\rd\x1b", ATT_TS_MULTILINE), "a\nb\tc\\rd\\x1b", "multi-line: LF TAB kept");
  is_str(esc("a\nb\tc", ATT_TS_LF), "a\nb\\tc", "LF only");
  is_str(esc("a\nb\tc", ATT_TS_TAB), "a\\nb\tc", "TAB only");
  ok(att_termsafe_clean("a\nb\tc", 5, ATT_TS_MULTILINE), "clean: multi-line");

  /* C1 as code points, every one. */
  for (c = 0x80; c <= 0x9F; c++) {
    char in[3] = {(char)(0xC0 | (c >> 6)), (char)(0x80 | (c & 0x3F)), 0}, want[8];
    snprintf(want, sizeof want, "\\u%04x", c);
    snprintf(name, sizeof name, "C1 U+%04X", c);
    is_str(esc(in, 0), want, "%s", name);
  }
  /* C1 as raw bytes (invalid UTF-8), every one. */
  for (c = 0x80; c <= 0x9F; c++) {
    char in[2] = {(char)c, 0}, want[8];
    snprintf(want, sizeof want, "\\x%02x", c);
    snprintf(name, sizeof name, "raw byte 0x%02X", c);
    is_str(esc(in, 0), want, "%s", name);
  }
  is_str(esc("\xc2\xa0\xc2\x9f\xc2\xa1", 0), "\xc2\xa0\\u009f\xc2\xa1", "around C1: U+00A0, U+00A1 kept");

  /* Direction controls and separators. */
  {
    static const unsigned bidi[] = {0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D,
                                    0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x2028, 0x2029};
    size_t i;
    for (i = 0; i < sizeof bidi / sizeof bidi[0]; i++) {
      unsigned cp = bidi[i];
      char in[4], want[16];
      if (cp < 0x800) {
        in[0] = (char)(0xC0 | (cp >> 6));
        in[1] = (char)(0x80 | (cp & 0x3F));
        in[2] = 0;
      } else {
        in[0] = (char)(0xE0 | (cp >> 12));
        in[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        in[2] = (char)(0x80 | (cp & 0x3F));
        in[3] = 0;
      }
      snprintf(want, sizeof want, "\\u%04x", cp);
      snprintf(name, sizeof name, "U+%04X", cp);
      is_str(esc(in, ATT_TS_MULTILINE), want, "%s", name);
    }
  }
  is_str(esc("invoice\xe2\x80\xae" "fdp.exe", 0), "invoice\\u202efdp.exe", "RLO in a file name");
  is_str(esc("\xe2\x80\x8b\xe2\x80\x8d\xe2\x81\xa0\xe2\x81\xaa", 0),
         "\xe2\x80\x8b\xe2\x80\x8d\xe2\x81\xa0\xe2\x81\xaa",
         "neighbours kept: ZWSP, ZWJ, WJ, U+206A");

  /* Invalid UTF-8 of each kind: one \xNN per byte. */
  is_str(esc("\xc0\x80", 0), "\\xc0\\x80", "overlong NUL");
  is_str(esc("\xe0\x80\xaf", 0), "\\xe0\\x80\\xaf", "overlong /");
  is_str(esc("\xed\xa0\x80", 0), "\\xed\\xa0\\x80", "surrogate");
  is_str(esc("\xf4\x90\x80\x80", 0), "\\xf4\\x90\\x80\\x80", "above U+10FFFF");
  is_str(esc("\xf5\xff\xfe", 0), "\\xf5\\xff\\xfe", "bytes never used");
  is_str(esc("a\xe6\x9d", 0), "a\\xe6\\x9d", "truncated at the end");
  is_str(esc("\xe6\x9dz", 0), "\\xe6\\x9dz", "truncated before ASCII");
  is_str(esc("\xc2\x1b[31m", 0), "\\xc2\\x1b[31m", "a lead byte does not swallow ESC");
  is_str(escn("a\0b", 3, 0), "a\\x00b", "NUL inside the length");

  /* Sizes: the result length, cut buffers. */
  n = att_termsafe(NULL, 0, "\x1b[31m", 5, 0);
  is_int(n, 8, "length needed");
  n = att_termsafe(small, sizeof small, "ab\x1b" "cdef", 7, 0);
  is_int(n, 10, "length needed when cut");
  is_str(small, "ab\\x1bc", "cut at an escape boundary, never inside one");
  n = att_termsafe(small, 4, "\xe6\x9d\xb1\xe6\x9d\xb1", 6, 0);
  is_str(small, "\xe6\x9d\xb1", "cut at a character boundary");
  {
    char *d = att_termsafe_dup("x\x1b\xe2\x80\xae", 5, 0);
    is_str(d, "x\\x1b\\u202e", "dup");
    free(d);
  }

  /* The FILE writer: the same bytes. */
  {
    FILE *f = tmpfile();
    char got[64] = {0};
    const char *in = "a\x1b[0m\nb\xe2\x80\xae\xff";
    ok(f && att_termsafe_write(f, in, strlen(in), ATT_TS_LF) == 0, "write");
    rewind(f);
    n = fread(got, 1, sizeof got - 1, f);
    got[n] = '\0';
    is_str(got, esc(in, ATT_TS_LF), "write gives the bytes of att_termsafe");
    fclose(f);
  }

  /* JSON: the same JSON, the unsafe characters as \u escapes. */
  is_str(json("{\"t\":\"a\xe2\x80\xae" "b\\u001b\",\"n\":1}"), "{\"t\":\"a\\u202eb\\u001b\",\"n\":1}",
         "RLO in JSON");
  is_str(json("[\"\xc2\x9b\x7f\xe2\x81\xa6\xe2\x80\xa8\"]"), "[\"\\u009b\\u007f\\u2066\\u2028\"]",
         "C1, DEL, LRI, LS in JSON");
  is_str(json("{\n\t\"a\": \"\xe6\x9d\xb1\"\r\n}"), "{\n\t\"a\": \"\xe6\x9d\xb1\"\r\n}",
         "JSON whitespace and CJK kept");
  is_str(json("[\"\xff\x1b\"]"), "[\"\\ufffd\\u001b\"]", "invalid byte and raw ESC in JSON");

  /* The CSV guard. */
  ok(att_csv_guarded("=1+1", 4), "= guarded");
  ok(att_csv_guarded("+1", 2), "+ guarded");
  ok(att_csv_guarded("-1", 2), "- guarded");
  ok(att_csv_guarded("@SUM(A1)", 8), "@ guarded");
  ok(att_csv_guarded("\t=1", 3), "TAB guarded");
  ok(att_csv_guarded("\r=1", 3), "CR guarded");
  ok(att_csv_guarded("\n=1", 3), "LF guarded");
  ok(att_csv_guarded("'=1", 3), "quote then = guarded");
  ok(att_csv_guarded("'''-", 4), "quotes then - guarded");
  ok(!att_csv_guarded("'Tis", 4), "quote then a letter: as it is");
  ok(!att_csv_guarded("'", 1), "a quote alone: as it is");
  ok(!att_csv_guarded("", 0), "empty");
  ok(!att_csv_guarded("a=1", 3), "= inside");
  ok(!att_csv_guarded(" =1", 3), "a space first");
  ok(!att_csv_guarded("'\0=", 3), "NUL is not a trigger");
  ok(!att_csv_guarded("=", 0), "the length counts");

  return done_testing();
}
