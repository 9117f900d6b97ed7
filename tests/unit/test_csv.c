/*
 * Unit tests of the CSV reader (core/csv.c): RFC 4180 quoting, line
 * endings, blank lines and the byte order mark, TSV without quoting, the
 * errors with their line and column (an unclosed quote, text after a
 * closing quote, NUL bytes, the record limit), and the same records
 * whether the text is given whole or one byte at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "error.h"
#include "tap.h"

/* Records of text as "a|b|c/d|e/" (fields joined by |, records ended by
 * /), or "ERR <message>" at the first error. */
static char out[4096];

static void collect(att_csv *c) {
  size_t n = 0, i, len;
  int rc;
  out[0] = '\0';
  while ((rc = att_csv_next(c)) == 1) {
    for (i = 0; i < c->nf; i++) {
      const char *f = att_csv_field(c, i, &len);
      n += (size_t)snprintf(out + n, sizeof out - n, "%s%.*s", i ? "|" : "",
                            (int)len, f);
    }
    n += (size_t)snprintf(out + n, sizeof out - n, "/");
  }
  if (rc < 0) snprintf(out + n, sizeof out - n, "ERR %s", att_errmsg());
}

static const char *mem(const char *text, size_t len, int sep, int quote) {
  att_csv c;
  att_csv_init_mem(&c, text, len);
  c.sep = sep;
  c.quote = quote;
  collect(&c);
  att_csv_free(&c);
  return out;
}

#define CSV(s) mem(s, sizeof(s) - 1, ',', 1)

/* A source that gives one byte a call. */
typedef struct drip {
  const char *s;
  size_t n, i;
} drip;
static size_t drip_read(void *ud, char *buf, size_t cap) {
  drip *d = ud;
  (void)cap;
  if (d->i == d->n) return 0;
  buf[0] = d->s[d->i++];
  return 1;
}

static const char *byfn(const char *text, size_t len) {
  att_csv c;
  drip d = {text, len, 0};
  att_csv_init_fn(&c, drip_read, &d, NULL, NULL);
  collect(&c);
  att_csv_free(&c);
  return out;
}

static void test_records(void) {
  is_str(CSV("a,b\n1,2\n"), "a|b/1|2/", "plain");
  is_str(CSV("a,b\r\n1,2"), "a|b/1|2/", "CRLF, no final line break");
  is_str(CSV("\"a,b\",\"c\"\"d\"\n"), "a,b|c\"d/", "quoted separator and quote");
  is_str(CSV("\"two\nlines\",x\n"), "two\nlines|x/", "line break in quotes");
  is_str(CSV("\"cr\r\nlf\",x\r\n"), "cr\r\nlf|x/", "CRLF inside quotes is kept");
  is_str(CSV("a,,\n"), "a||/", "empty fields");
  is_str(CSV(",\n"), "|/", "two empty fields");
  is_str(CSV("\"\"\n"), "/", "one empty quoted field");
  is_str(CSV("a\n\n\r\n\nb\n"), "a/b/", "blank lines skipped");
  is_str(CSV("\xEF\xBB\xBFh\n1\n"), "h/1/", "byte order mark skipped");
  is_str(CSV("\xEF\xBBh\n"), "\xEF\xBBh/", "two bytes of a mark are text");
  is_str(CSV("a\"b,c\n"), "a\"b|c/", "a quote inside an unquoted field is kept");
  is_str(CSV("a\rb,c\n"), "a\rb|c/", "a lone CR is text");
  is_str(CSV("\"a\"\r\nb\n"), "a/b/", "CRLF after a closing quote");
  is_str(CSV(""), "", "empty text");
  is_str(mem("a\t\"b\tc\n", 7, '\t', 0), "a|\"b|c/", "TSV: quotes are text");
  is_str(mem("a;\"b;c\"\n", 8, ';', 1), "a|b;c/", "another separator");
}

static void test_errors(void) {
  is_str(CSV("title,when\n\"x\"y,2024\n"),
         "title|when/ERR 2:4: 'y' after a closing quote; a quoted field ends "
         "at the separator or the line's end (a quote inside it is written \"\")",
         "text after a closing quote");
  ok(strstr(CSV("a\n\"open,\nmore\n"), "ERR 2:1: a quoted field opened here "
                                        "is never closed") != NULL,
     "unclosed quote: where it opens (%s)", out);
  ok(strstr(mem("a\nb\0c\n", 6, ',', 1), "ERR 2:2: a field holds a NUL byte") != NULL,
     "NUL in a field (%s)", out);
  ok(strstr(mem("\"a\0\"\n", 5, ',', 1), "ERR 1:3: a field holds a NUL byte") != NULL,
     "NUL in a quoted field (%s)", out);
  ok(strstr(CSV("\"a\"\rb\n"), "ERR 1:4: the byte 0x0D after a closing quote") != NULL,
     "lone CR after a closing quote (%s)", out);
  {
    att_csv c;
    int rc;
    att_csv_init_mem(&c, "abcdefghij,k\n", 13);
    c.maxrec = 4;
    rc = att_csv_next(&c);
    ok(rc == ATT_EINVAL && strstr(att_errmsg(), "longer than 4 bytes"),
       "the record limit (%s)", att_errmsg());
    is_int(att_csv_next(&c), 0, "nothing after an error");
    att_csv_free(&c);
  }
}

/* Random texts over a small alphabet: the same records, or the same
 * error, whether given whole or a byte at a time. */
static void test_chunks(void) {
  static const char alpha[] = "a,\"\n\r\t\xEF\xBB\xBF";
  char text[64], whole[4096];
  unsigned long long x = 88172645463325252ull;
  int i, bad = 0;
  for (i = 0; i < 20000; i++) {
    size_t n, k;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    n = (size_t)(x % sizeof text);
    for (k = 0; k < n; k++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      text[k] = alpha[x % (sizeof alpha - 1)];
    }
    strcpy(whole, mem(text, n, ',', 1));
    if (strcmp(whole, byfn(text, n)) != 0 && bad++ == 0)
      ok(0, "%.*s: whole %s, by byte %s", (int)n, text, whole, out);
  }
  is_int(bad, 0, "20000 random texts read alike whole and by the byte");
}

int main(void) {
  test_records();
  test_errors();
  test_chunks();
  return done_testing();
}
