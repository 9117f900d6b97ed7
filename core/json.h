/*
 * JSON text as the event reader takes it, for the other readers of user
 * JSON (import, the command line's --json and --field, CSV cells).
 *
 * cJSON alters some input without a word: a string holding NUL (\u0000,
 * or a raw NUL byte) is cut short, and an integer beyond 2^53 loses its
 * last digits.  att_json_parse refuses both, naming the field, so that
 * whatever turns JSON text into an event keeps it exactly or says why not.
 */
#ifndef ATT_JSON_H
#define ATT_JSON_H

#include <stddef.h>

struct cJSON;

/* Parse exactly one JSON value from text[0..len) into *out (cJSON_Delete
 * it), with the event reader's checks on the text: no NUL, no raw control
 * characters in strings, numbers as JSON writes them (no leading zero,
 * digits after a point and in an exponent: cJSON reads "036" as 36),
 * integers (no fraction or exponent) from -(2^53-1) to 2^53-1, nothing
 * after the value.  label starts messages
 * ("event"); root is the value's path in an event ("fields.x"; "" or NULL
 * for the event itself), so that a message names "fields.x.y".  0, or
 * ATT_EINVAL with a message. */
int att_json_parse(const char *label, const char *root, const char *text,
                   size_t len, struct cJSON **out);

/* A value typed by a person (--field NAME=VALUE, fields.NAME=VALUE, a CSV
 * cell of fields.NAME) into *out: the JSON value when the text is JSON,
 * else the text as a JSON string ("036", "0x1F", "JICA": a number with a
 * leading zero is not JSON, and stays the code it is); JSON that would
 * not be kept exactly (a string with \u0000, an integer beyond 2^53-1) is
 * an error, as in att_json_parse. */
int att_json_loose(const char *label, const char *root, const char *text,
                   size_t len, struct cJSON **out);

/* The one message for a NUL in a string: "LABEL field FIELD holds a NUL
 * byte (\u0000) at byte N; ..." (field NULL or "": no field; byte
 * (size_t)-1: no offset).  Returns ATT_EINVAL. */
int att_json_nul_err(const char *label, const char *field, size_t byte);

/* The one message for an integer beyond 2^53-1: names the field and the
 * accepted range.  Returns ATT_EINVAL. */
int att_json_big_err(const char *label, const char *field, const char *num,
                     size_t len);

#endif
