/*
 * Fuzz harness for friendly date input (att_date_friendly).
 *
 * Input: an optional "@SECONDS:" prefix giving the reference instant for
 * relative forms (default 2024-06-15T12:00:00Z), then the text.
 * Properties: an accepted input yields strict EDTF that att_edtf_parse
 * accepts, already in canonical form, with exactly the bounds reported;
 * earliest <= latest; a refusal leaves a message; its human reading
 * (att_date_human) and its EDTF in brackets read back to the same EDTF
 * (the print-reread property of docs/dates.md).
 */
#include "fuzz.h"

#include "date.h"
#include "error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  att_time ref = 1718452800; /* 2024-06-15T12:00:00Z */
  char *s, *edtf = malloc(ATT_DATE_MAX), *canon = malloc(ATT_DATE_MAX);
  att_bounds b, b2;
  int rc;
  if (edtf == NULL || canon == NULL) abort();
  fuzz_at_prefix(&data, &size, &ref);
  s = fuzz_str(data, size);

  rc = att_date_friendly(s, ref, edtf, ATT_DATE_MAX, &b);
  if (rc != 0) {
    FUZZ_CHECK(rc == ATT_EINVAL || rc == ATT_ERANGE, "\"%s\": unexpected code %d",
               s, rc);
    FUZZ_CHECK(att_errmsg()[0] != '\0', "\"%s\": refused without a message", s);
    goto out;
  }
  FUZZ_CHECK(strlen(edtf) < ATT_DATE_MAX, "EDTF text too long");
  FUZZ_CHECK(b.earliest <= b.latest, "\"%s\" -> \"%s\": earliest %lld > latest %lld",
             s, edtf, (long long)b.earliest, (long long)b.latest);
  rc = att_edtf_parse(edtf, &b2, canon, ATT_DATE_MAX);
  FUZZ_CHECK(rc == 0, "\"%s\" (ref %lld) -> \"%s\", which strict EDTF refuses: %s",
             s, (long long)ref, edtf, att_errmsg());
  FUZZ_CHECK(strcmp(edtf, canon) == 0, "\"%s\" -> \"%s\", not canonical (\"%s\")",
             s, edtf, canon);
  FUZZ_CHECK(b.earliest == b2.earliest && b.latest == b2.latest,
             "\"%s\" (ref %lld) -> \"%s\": reported [%lld, %lld], EDTF says "
             "[%lld, %lld]",
             s, (long long)ref, edtf, (long long)b.earliest, (long long)b.latest,
             (long long)b2.earliest, (long long)b2.latest);
  {
    char human[ATT_DATE_HUMAN_MAX], back[ATT_DATE_MAX], br[ATT_DATE_MAX + 2];
    att_date_ctx c;
    att_date_ctx_init(&c, ref);
    rc = att_date_human(edtf, human, sizeof human);
    FUZZ_CHECK(rc == 0, "\"%s\" -> \"%s\": no human reading: %s", s, edtf, att_errmsg());
    rc = att_date_read(human, &c, back, sizeof back, NULL);
    FUZZ_CHECK(rc == 0 && strcmp(back, edtf) == 0,
               "\"%s\" -> \"%s\" -> human \"%s\" reads back as \"%s\" (%s)", s, edtf, human,
               rc == 0 ? back : "nothing", rc == 0 ? "" : att_errmsg());
    snprintf(br, sizeof br, "[%s]", edtf);
    rc = att_date_read(br, &c, back, sizeof back, NULL);
    FUZZ_CHECK(rc == 0 && strcmp(back, edtf) == 0, "\"%s\" does not read back", br);
  }
out:
  free(edtf);
  free(canon);
  free(s);
  return 0;
}
