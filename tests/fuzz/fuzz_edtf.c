/*
 * Fuzz harness for the strict EDTF parser (att_edtf_parse).
 *
 * Properties: an accepted value has earliest <= latest; its canonical text
 * parses again to itself with the same bounds (print is idempotent and
 * parse(print(parse(s))) == parse(s)); asking for the bounds alone or the
 * text alone gives the same answer; a refusal leaves a message; the
 * human reading (att_date_human) reads back to the canonical text; the
 * start of its span (att_span_from_edtf) begins at its earliest instant
 * and its end ends at its latest, as the reminders' window by start or
 * end (att_remind_within) assumes of the store's time index.
 */
#include "fuzz.h"

#include "date.h"
#include "error.h"
#include "remind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = fuzz_str(data, size);
  /* Heap buffers of exactly the size promised, so ASan sees an overflow. */
  char *c1 = malloc(ATT_DATE_MAX), *c2 = malloc(ATT_DATE_MAX);
  att_bounds b1, b2;
  int rc, rc2;
  if (c1 == NULL || c2 == NULL) abort();

  rc = att_edtf_parse(s, &b1, c1, ATT_DATE_MAX);
  rc2 = att_edtf_parse(s, NULL, NULL, 0);
  FUZZ_CHECK(rc == rc2, "\"%s\": %d with outputs, %d without", s, rc, rc2);
  if (rc != 0) {
    FUZZ_CHECK(rc == ATT_EINVAL, "\"%s\": unexpected code %d", s, rc);
    FUZZ_CHECK(att_errmsg()[0] != '\0', "\"%s\": refused without a message", s);
    goto out;
  }
  FUZZ_CHECK(strlen(c1) < ATT_DATE_MAX, "canonical text too long");
  FUZZ_CHECK(b1.earliest <= b1.latest, "\"%s\" -> \"%s\": earliest %lld > latest %lld",
             s, c1, (long long)b1.earliest, (long long)b1.latest);

  rc = att_edtf_parse(c1, &b2, c2, ATT_DATE_MAX);
  FUZZ_CHECK(rc == 0, "\"%s\" -> canonical \"%s\" is refused: %s", s, c1,
             att_errmsg());
  FUZZ_CHECK(strcmp(c1, c2) == 0, "\"%s\": canonical \"%s\" prints as \"%s\"", s,
             c1, c2);
  FUZZ_CHECK(b1.earliest == b2.earliest && b1.latest == b2.latest,
             "\"%s\" -> \"%s\": bounds [%lld, %lld] become [%lld, %lld]", s, c1,
             (long long)b1.earliest, (long long)b1.latest,
             (long long)b2.earliest, (long long)b2.latest);
  {
    att_span sp;
    rc = att_span_from_edtf(c1, &sp);
    FUZZ_CHECK(rc == 0, "\"%s\": no span: %s", c1, att_errmsg());
    FUZZ_CHECK(sp.start.earliest == b1.earliest && sp.end.latest == b1.latest,
               "\"%s\": bounds [%lld, %lld], but its start begins at %lld and its end "
               "ends at %lld", c1, (long long)b1.earliest, (long long)b1.latest,
               (long long)sp.start.earliest, (long long)sp.end.latest);
  }
  {
    char human[ATT_DATE_HUMAN_MAX], back[ATT_DATE_MAX];
    att_date_ctx c;
    att_date_ctx_init(&c, 1718452800);
    rc = att_date_human(c1, human, sizeof human);
    FUZZ_CHECK(rc == 0, "\"%s\": no human reading: %s", c1, att_errmsg());
    rc = att_date_read(human, &c, back, sizeof back, NULL);
    FUZZ_CHECK(rc == 0 && strcmp(back, c1) == 0, "\"%s\" -> human \"%s\" reads back as \"%s\"",
               c1, human, rc == 0 ? back : att_errmsg());
  }
out:
  free(c1);
  free(c2);
  free(s);
  return 0;
}
