/*
 * A store's settings: STORE/settings.json, one JSON object of known keys
 * (docs/settings.md).  The fiscal year, the hemisphere and day-first
 * reading of dates, the user's display time zone, and the kinds and
 * statuses the store adds to the known vocabulary.
 *
 * Every key has a row in one table (ATT_SETTINGS_MAP): its name, whether it
 * holds one value or a list, the check of a value, its default and one
 * line of help.  The file is read without following links and written
 * atomically under the store's write lock (a temporary file, fsync, rename,
 * fsync of the directory), so that a reader sees the old settings or the
 * new, never a mix, and two writers do not lose each other's change.
 */
#ifndef ATT_SETTINGS_H
#define ATT_SETTINGS_H

#include <stddef.h>

#include "date.h"

/* X(id, name, list, check, default, help).  check is a function of
 * settings.c; default "" means unset. */
#define ATT_SETTINGS_MAP(X)                                                                      \
  X(FISCAL_START, "date.fiscal-start", 0, month, "4",                                            \
    "the month a fiscal year starts: 1 to 12 or a month's name (April, as in Japan)")           \
  X(FISCAL_NAME, "date.fiscal-name", 0, fyname, "start",                                         \
    "FY2024 is named by the year it starts in (start: Japan) or ends in (end: the US)")         \
  X(HEMISPHERE, "date.hemisphere", 0, hemisphere, "",                                            \
    "north or south: the half of the world whose seasons 'autumn 2024' means")                 \
  X(DAY_FIRST, "date.day-first", 0, yesno, "",                                                   \
    "yes: 05/04/2024 is 5 April; no: it is May 4; unset: such a date is refused as ambiguous") \
  X(DISPLAY_TZ, "display.tz", 0, zone, "UTC",                                                    \
    "the user's time zone, an IANA name (Asia/Phnom_Penh): times shown with --tz local")       \
  X(KINDS, "vocab.kinds", 1, word, "",                                                           \
    "kinds of event this store adds to the known ones (a list: summit,workshop)")              \
  X(STATUSES, "vocab.statuses", 1, word, "",                                                     \
    "statuses this store adds to the known ones (a list: tentative,rescheduled)")              \
  X(REMIND_ASK, "remind.ask-unknown", 0, yesno, "yes",                                           \
    "yes: the daemon asks once a month about a reminded event whose date is not yet known to the day") \
  X(HISTORY_AUTHOR, "history.author", 0, author, "",                                             \
    "who this store's command-line changes are made by (ATTACHE_AUTHOR overrides it; unset: the login name)")

enum {
#define ATT__SETTING_ID(id, name, list, check, def, help) ATT_SETTING_##id,
  ATT_SETTINGS_MAP(ATT__SETTING_ID)
#undef ATT__SETTING_ID
  ATT_SETTING_COUNT
};

/* What the table says of one key. */
typedef struct att_setting_info {
  const char *name;
  int list;           /* 1: a list of values */
  const char *def;    /* "" when unset by default */
  const char *help;
} att_setting_info;

/* Key i (0 <= i < ATT_SETTING_COUNT) of the table. */
const att_setting_info *att_settings_key(int i);
/* The index of the key named name, or -1. */
int att_settings_find(const char *name);

typedef struct att_settings att_settings;

/* Read dir/settings.json (a missing file gives the defaults).  A file that
 * is not a JSON object, or a known key with a wrong value, is an error
 * naming the key and how to fix it; keys not in the table are kept (for
 * a later version) and ignored. */
int att_settings_load(const char *dir, att_settings **out);
/* As att_settings_load, but a known key with a wrong value is kept as the
 * file holds it, not an error (for `attache config`, which must show the
 * file and fix it): att_settings_valid says which, att_settings_raw shows
 * it. */
int att_settings_load_any(const char *dir, att_settings **out);
/* 0 if key's value passes its check (or it is not set), else ATT_EINVAL
 * with the message. */
int att_settings_valid(const att_settings *s, const char *key);
/* The JSON text of key's value as stored (malloc'd), NULL when not set. */
char *att_settings_raw(const att_settings *s, const char *key);
/* The defaults, without reading anything. */
int att_settings_new(att_settings **out);
void att_settings_free(att_settings *s);

/* The value of key: what was set, else its default; a list as its items
 * joined with ','.  NULL for an unknown key or one unset without default. */
const char *att_settings_get(const att_settings *s, const char *key);
/* 1 if key is set (not only by default), else 0. */
int att_settings_is_set(const att_settings *s, const char *key);
/* The items of a list key (none: *n = 0); ATT_EINVAL for another key. */
int att_settings_list(const att_settings *s, const char *key, const char *const **items,
                      size_t *n);

/* Set key to value, checked and written in its canonical form (a list
 * key takes items separated by ','; "" empties it).  ATT_EINVAL with a
 * message naming the key or value and what is accepted; s is unchanged
 * then. */
int att_settings_set(att_settings *s, const char *key, const char *value);
/* Back to the default; ATT_EINVAL for an unknown key. */
int att_settings_unset(att_settings *s, const char *key);
/* Add one item to a list key (already there: no change), or remove it
 * (ATT_ENOTFOUND if it is not there). */
int att_settings_add(att_settings *s, const char *key, const char *item);
int att_settings_remove(att_settings *s, const char *key, const char *item);

/* Write s to dir/settings.json atomically, under the store's write lock
 * (waiting at most 30 s for another writer). */
int att_settings_save(const char *dir, const att_settings *s);
/* Read, change and write under one hold of the lock, so that concurrent
 * changes are not lost: fn gets the settings as on disk (values that do
 * not pass their check are kept as they are, unless fn changes them) and
 * returns 0 to write them, or an error code to leave the file alone. */
int att_settings_edit(const char *dir, int (*fn)(att_settings *, void *), void *ud);

/* Typed values. */
int att_settings_fiscal_start(const att_settings *s); /* 1..12 */
int att_settings_fiscal_by_end(const att_settings *s); /* 1: named by its end year */
char att_settings_hemisphere(const att_settings *s); /* 'N', 'S' or 0 */
int att_settings_day_first(const att_settings *s);  /* 1 yes, 0 no, -1 unset */
const char *att_settings_tz(const att_settings *s);  /* an IANA zone */

/* Put the settings' conventions into a date context (fiscal year,
 * hemisphere, day-first, the zone of a local time typed without one);
 * leaves ref and the out fields alone.  s NULL: the defaults. */
void att_settings_date_ctx(const att_settings *s, att_date_ctx *c);

/* fsck: say what is wrong with dir/settings.json (not JSON, not an
 * object, unknown keys, values that fail their check); ATT_ECORRUPT if
 * anything, else 0 (also when there is no file). */
int att_settings_verify(const char *dir, void (*say)(void *, const char *), void *ud);

#endif
