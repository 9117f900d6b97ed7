/*
 * Tests of core/text.h: the one UTF-8 rule (att_utf8_check for whole
 * strings, att_utf8_len for at.json's reader and writer) against a
 * reference written from the definition in code points, and the two forms
 * of att__show_as, byte for byte, as the messages of events, RRULEs, EDTF
 * dates, friendly dates and leads show a value.
 */
#include <stdint.h>
#include <stdlib.h>

#include "date.h"
#include "error.h"
#include "remind.h"
#include "rrule.h"
#include "tap.h"
#include "text.h"

/* The length of the UTF-8 sequence at s[0..n), from the definition: a
 * lead byte and its continuation bytes decode to a scalar value (not a
 * surrogate, at most U+10FFFF) that needs exactly that many bytes. */
static size_t ref_len(const unsigned char *s, size_t n) {
  size_t len, i;
  unsigned long cp;
  if (s[0] < 0x80) return 1;
  if ((s[0] & 0xE0) == 0xC0) len = 2, cp = s[0] & 0x1Fu;
  else if ((s[0] & 0xF0) == 0xE0) len = 3, cp = s[0] & 0x0Fu;
  else if ((s[0] & 0xF8) == 0xF0) len = 4, cp = s[0] & 0x07u;
  else return 0;
  if (n < len) return 0;
  for (i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (s[i] & 0x3Fu);
  }
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  if (cp < (len == 2 ? 0x80u : len == 3 ? 0x800u : 0x10000u)) return 0; /* overlong */
  return len;
}

static void utf8_table(void) {
  static const struct {
    const char *s;
    size_t n, want;
    const char *what;
  } t[] = {
      {"A", 1, 1, "ASCII"},
      {"\xC2\x80", 2, 2, "U+0080"},
      {"\xDF\xBF", 2, 2, "U+07FF"},
      {"\xC0\x80", 2, 0, "overlong NUL"},
      {"\xC1\xBF", 2, 0, "overlong U+007F"},
      {"\xE0\xA0\x80", 3, 3, "U+0800"},
      {"\xE0\x9F\xBF", 3, 0, "overlong U+07FF"},
      {"\xED\x9F\xBF", 3, 3, "U+D7FF"},
      {"\xED\xA0\x80", 3, 0, "surrogate U+D800"},
      {"\xED\xBF\xBF", 3, 0, "surrogate U+DFFF"},
      {"\xEF\xBF\xBF", 3, 3, "U+FFFF"},
      {"\xF0\x90\x80\x80", 4, 4, "U+10000"},
      {"\xF0\x8F\xBF\xBF", 4, 0, "overlong U+FFFF"},
      {"\xF4\x8F\xBF\xBF", 4, 4, "U+10FFFF"},
      {"\xF4\x90\x80\x80", 4, 0, "U+110000"},
      {"\xF5\x80\x80\x80", 4, 0, "lead F5"},
      {"\xFF", 1, 0, "byte FF"},
      {"\x80", 1, 0, "lone continuation"},
      {"\xC3", 1, 0, "truncated 2"},
      {"\xE2\x82", 2, 0, "truncated 3"},
      {"\xF0\x9F\x98", 3, 0, "truncated 4"},
      {"\xE2\x28\xA1", 3, 0, "bad continuation"},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    is_int(att_utf8_len(t[i].s, t[i].n), t[i].want, "att_utf8_len: %s", t[i].what);
    is_int(att_utf8_check(t[i].s, t[i].n), t[i].want ? 0 : ATT_EINVAL, "att_utf8_check: %s",
           t[i].what);
  }
  ok(att_utf8_check("\xED\xA0\x80", 3) != 0 && strstr(att_errmsg(), "UTF-16 surrogate"),
     "the check says why: %s", att_errmsg());
}

/* Every lead byte and second byte, the later bytes from each class of
 * continuation ranges: the validator, one sequence at a time, is the
 * definition, and a string of one sequence passes the check just when
 * that sequence is whole. */
static void utf8_sweep(void) {
  static const unsigned char reps[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90,
                                       0x9F, 0xA0, 0xBF, 0xC0, 0xF4, 0xFF};
  const size_t nr = sizeof reps;
  unsigned long bad_len = 0, bad_check = 0, seen = 0;
  for (unsigned a = 0; a < 256; a++)
    for (unsigned b = 0; b < 256; b++)
      for (size_t c = 0; c < (a >= 0xE0 ? nr : 1); c++)   /* a third byte matters */
        for (size_t d = 0; d < (a >= 0xF0 ? nr : 1); d++) { /* a fourth byte matters */
          unsigned char s[4] = {(unsigned char)a, (unsigned char)b, reps[c], reps[d]};
          for (size_t n = 1; n <= 4; n++) {
            size_t want = ref_len(s, n), got = att_utf8_len((const char *)s, n);
            seen++;
            if (got != want && bad_len++ < 5)
              printf("# %02X %02X %02X %02X, n %zu: %zu, expected %zu\n", s[0], s[1], s[2], s[3], n,
                     got, want);
            if (want > 0 && att_utf8_check((const char *)s, want) != 0) bad_check++;
            if (want == 0 && a >= 0x80 && att_utf8_check((const char *)s, n) == 0) bad_check++;
          }
        }
  is_int(bad_len, 0, "att_utf8_len is the definition (%lu sequences)", seen);
  is_int(bad_check, 0, "att_utf8_check agrees with att_utf8_len");
}

static void show_quoted(void) {
  char buf[200], big[300];
  static const char mixed[] = "a\"b\\c\n\t\r\x01\x7f \xC3\xA9 \xC3( \xED\xA0\x80";
  is_str(att__show(buf, sizeof buf, mixed, strlen(mixed), 80),
         "\"a\\\"b\\\\c\\n\\t\\r\\u0001\\u007F \xC3\xA9 \\xC3( \\xED\\xA0\\x80\"",
         "quoted: escapes, UTF-8 kept, stray bytes as \\xXX");
  memset(big, 'x', 100);
  is_str(att__show(buf, 120, big, 100, 30),
         "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\" (100 bytes)", "quoted: cut after max");
  is_str(att__show(buf, 60, big, 100, 80), "\"xxxxxxxxxx...\" (100 bytes)",
         "quoted: max shrunk to what the buffer holds");
  is_str(att__show(buf, 200, "", 0, 80), "\"\"", "quoted: empty");
  is_str(att__show(buf, 15, "abc", 3, 80), "", "quoted: a buffer under 16 bytes gets \"\"");
  is_str(att__show_as(buf, sizeof buf, "a\nb", 3, 80, ATT_SHOW_QUOTED), "\"a\\nb\"",
         "att__show is att__show_as ATT_SHOW_QUOTED");
}

static void show_bare(void) {
  char buf[200], big[300], want[300];
  static const char mixed[] = "a\"b\\c\n\t\r\x01\x7f \xC3\xA9 \xC3(";
  is_str(att__show_as(buf, sizeof buf, mixed, strlen(mixed), SIZE_MAX, ATT_SHOW_BARE),
         "a\\\"b\\\\c\\x0a\\x09\\x0d\\x01\\x7f \xC3\xA9 \xC3(",
         "bare: escapes as \\xnn, other bytes as they are");
  /* Cut where the buffer is full: 8 bytes kept, then "...". */
  memset(big, 'x', 250);
  big[250] = '\0';
  memset(want, 'x', 192);
  strcpy(want + 192, "...");
  is_str(att__show_as(buf, 200, big, 250, SIZE_MAX, ATT_SHOW_BARE), want,
         "bare: cut at 192 of 200");
  memset(big, '"', 100);
  memset(want, 0, sizeof want);
  for (size_t i = 0; i < 36; i++) memcpy(want + 2 * i, "\\\"", 2);
  strcpy(want + 72, "...");
  is_str(att__show_as(buf, 80, big, 100, SIZE_MAX, ATT_SHOW_BARE), want,
         "bare: escapes count toward the cut");
  is_str(att__show_as(buf, 80, "abcdef", 6, 3, ATT_SHOW_BARE), "abc...", "bare: cut after max");
}

static int starts(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The messages that show a value, as the callers build them. */
static void messages(void) {
  char canon[64];
  att_rrule r;
  int64_t secs;
  is_int(att_edtf_parse("2024-1\"3\n", NULL, canon, sizeof canon), ATT_EINVAL, "bad EDTF date");
  ok(starts(att_errmsg(), "invalid EDTF date \"2024-1\\\"3\\x0a\": "), "EDTF: %s",
     att_errmsg());
  is_int(att_time_parse("2024\t", NULL), ATT_EINVAL, "bad timestamp");
  ok(starts(att_errmsg(), "invalid timestamp \"2024\\x09\": "), "timestamp: %s",
     att_errmsg());
  is_int(att_date_friendly("next \"blue\" moon", 0, canon, sizeof canon, NULL), ATT_EINVAL,
         "bad friendly date");
  ok(starts(att_errmsg(), "cannot read the date \"next \\\"blue\\\" moon\""),
     "friendly: %.60s", att_errmsg());
  is_int(att_lead_parse("3\"x", &secs), ATT_EINVAL, "bad lead");
  ok(starts(att_errmsg(), "lead \"3\\\"x\": "), "lead: %s", att_errmsg());
  is_int(att_rrule_parse("FREQ=\"X\n", &r, canon, sizeof canon), ATT_EINVAL, "bad RRULE");
  ok(starts(att_errmsg(), "RRULE \"FREQ=\\\"X\\n\": "), "RRULE: %s", att_errmsg());
}

int main(void) {
  utf8_table();
  utf8_sweep();
  show_quoted();
  show_bare();
  messages();
  return done_testing();
}
