/*
 * Text a terminal or a spreadsheet can trust.
 *
 * att_termsafe writes untrusted text (titles, keys, notes, messages) for
 * a terminal: every character a terminal acts on is shown as an escape,
 * so that text can neither move the cursor, retitle the window, hide
 * itself, reorder what is displayed nor pass for another line:
 *
 *   C0 controls       \n \t \r by name, the others \xNN (ESC is \x1b)
 *   DEL               \x7f
 *   C1 (U+0080-009F)  \u0080 ... \u009f
 *   direction marks   \u061c \u200e \u200f \u202a-\u202e \u2066-\u2069
 *   line separators   \u2028 \u2029
 *   invalid UTF-8     \xNN per byte (overlong forms, surrogates, stray
 *                     continuation bytes such as a raw 0x9B, truncated
 *                     sequences, anything above U+10FFFF)
 *
 * A field printed over several lines (notes, the body of an alert, a
 * traceback) keeps its line feeds and tabs with ATT_TS_LF and ATT_TS_TAB;
 * everything else is escaped whatever the flags.  A backslash is left as
 * it is: the output is for people, and an escape that text spells out
 * itself is inert.
 *
 * att_termsafe_json rewrites JSON text (as cJSON writes it) so that the
 * same characters appear as \uXXXX escapes: the JSON means exactly the
 * same (an invalid UTF-8 byte, which JSON cannot carry, becomes \ufffd).
 *
 * att_csv_guarded says whether a CSV cell would start a formula in a
 * spreadsheet (OWASP: = + - @, TAB, CR; and LF), or starts with single
 * quotes followed by one of these: such a cell is written with one more
 * single quote in front, and quoted.  Dropping one leading quote from a
 * cell that starts with quotes and then one of these characters gives the
 * text back exactly.
 */
#ifndef ATT_TERMSAFE_H
#define ATT_TERMSAFE_H

#include <stddef.h>
#include <stdio.h>

/* Flags of att_termsafe: the layout characters a multi-line field keeps. */
#define ATT_TS_LF 1u  /* keep line feeds */
#define ATT_TS_TAB 2u /* keep tabs */
#define ATT_TS_MULTILINE (ATT_TS_LF | ATT_TS_TAB)

/* The length of the character at s[0..len) when it is one of those
 * escaped as \uXXXX above U+007F (C1 controls, direction controls, line
 * separators), its code point in *cp; 0 for any other.  For another
 * escaper (the web page's) that shows them the same way. */
size_t att_termsafe_char(const char *s, size_t len, unsigned *cp);

/* 1 if s[0..len) would be written unchanged under flags, else 0. */
int att_termsafe_clean(const char *s, size_t len, unsigned flags);

/* Write s[0..len) escaped into buf[cap] (always NUL-terminated when cap >
 * 0, cut at a character boundary when too small); returns the length the
 * whole result needs, without the NUL, as snprintf does. */
size_t att_termsafe(char *buf, size_t cap, const char *s, size_t len, unsigned flags);

/* The escaped text in a malloc'd string; NULL when out of memory. */
char *att_termsafe_dup(const char *s, size_t len, unsigned flags);

/* Write s[0..len) escaped on f; 0, or EOF on a write error. */
int att_termsafe_write(FILE *f, const char *s, size_t len, unsigned flags);

/* The JSON text json[0..len) with the characters above as \u escapes,
 * into buf[cap]; returns the length needed, as att_termsafe does. */
size_t att_termsafe_json(char *buf, size_t cap, const char *json, size_t len);
/* The same in a malloc'd string; NULL when out of memory. */
char *att_termsafe_json_dup(const char *json, size_t len);

/* 1 if the CSV cell s[0..len) must be guarded (written "'" + s, quoted). */
int att_csv_guarded(const char *s, size_t len);

#endif
