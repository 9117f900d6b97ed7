/*
 * Fuzz harness for the event's JSON form (att_event_from_json,
 * att_event_to_json).
 *
 * The input is the JSON text itself, read both as user input and as a
 * stored record (ATT_EV_STORED).  Properties: an accepted event writes
 * JSON that reads back (with the same flags) to an equal event and writes
 * the same text again; a copy is equal and validates; a refusal leaves a
 * message and an empty event.  The member scan (att_scan_next,
 * att_event_scan_str) runs on every input, and on written JSON agrees with
 * the parser on each plain string member.  The text is given by length,
 * without a terminating NUL, so a read past its end is caught by ASan.
 */
#include "fuzz.h"

#include "error.h"
#include "event.h"

/* The scan reads any text safely; on the writer's text it finds the
 * parsed strings (or says to ask the parser). */
static void scan(const char *text, size_t len, const att_event *ev) {
  static const char *const names[] = {"key", "title", "kind", "status", "when", "recur", "where", "notes"};
  att_scan it;
  const char *k, *v, *s;
  size_t kl, vl, n;
  att_scan_begin(&it, text, len);
  while (att_scan_next(&it, &k, &kl, &v, &vl) == 1) {
    FUZZ_CHECK(k >= text && k + kl <= text + len && v >= text && v + vl <= text + len,
               "a member outside the text");
    if (att_scan_str(v, vl, &s, &n) == 1) FUZZ_CHECK(s >= v && s + n <= v + vl, "a string outside its value");
  }
  if (ev == NULL) return;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const char *want = i == 0 ? ev->key : i == 1 ? ev->title : i == 2 ? ev->kind : i == 3 ? ev->status
                     : i == 4 ? ev->when : i == 5 ? ev->recur : i == 6 ? ev->where : ev->notes;
    int rc = att_event_scan_str(text, len, names[i], &s, &n);
    if (rc == -1) continue; /* escapes: the parser's job */
    FUZZ_CHECK(rc == (want != NULL), "scan of %s says %d:\n  %.*s", names[i], rc, (int)len, text);
    if (rc == 1)
      FUZZ_CHECK(strlen(want) == n && memcmp(want, s, n) == 0, "scan of %s reads another value:\n  %.*s",
                 names[i], (int)len, text);
  }
}

static void one(const char *text, size_t len, int flags) {
  att_event ev, back, cp;
  char *j1, *j2;
  int rc;

  rc = att_event_from_json(text, len, flags, &ev);
  if (rc != 0) {
    FUZZ_CHECK(rc == ATT_EINVAL || rc == ATT_ERANGE, "unexpected code %d", rc);
    FUZZ_CHECK(att_errmsg()[0] != '\0', "refused without a message");
    FUZZ_CHECK(ev.title == NULL && ev.when == NULL, "a refused event is not empty");
    att_event_free(&ev);
    return;
  }
  j1 = att_event_to_json(&ev);
  FUZZ_CHECK(j1 != NULL, "an accepted event cannot be written: %s", att_errmsg());
  scan(j1, strlen(j1), &ev);
  rc = att_event_from_json(j1, strlen(j1), flags, &back);
  FUZZ_CHECK(rc == 0, "written JSON does not read back: %s\n  %s", att_errmsg(), j1);
  FUZZ_CHECK(att_event_equal(&ev, &back), "read back to another event:\n  %s", j1);
  j2 = att_event_to_json(&back);
  FUZZ_CHECK(j2 != NULL && strcmp(j1, j2) == 0, "JSON changes on a round trip:\n"
             "  %s\n  %s", j1, j2 ? j2 : "(null)");
  att_event_free(&back);
  free(j2);

  rc = att_event_copy(&cp, &ev);
  FUZZ_CHECK(rc == 0, "copy failed: %s", att_errmsg());
  FUZZ_CHECK(att_event_equal(&cp, &ev), "a copy differs:\n  %s", j1);
  rc = att_event_validate(&cp);
  FUZZ_CHECK(rc == 0, "an accepted event does not validate again: %s\n  %s",
             att_errmsg(), j1);
  FUZZ_CHECK(att_event_equal(&cp, &ev), "validating again changed it:\n  %s", j1);

  att_event_free(&cp);
  att_event_free(&ev);
  free(j1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size ? size : 1);
  if (text == NULL) abort();
  memcpy(text, data, size);
  scan(text, size, NULL);
  one(text, size, 0);
  one(text, size, ATT_EV_STORED);
  free(text);
  return 0;
}
