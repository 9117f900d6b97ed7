/*
 * Internal to the event's code (event.c, event_read.c, event_write.c,
 * event_patch.c): the helpers two of them share.  Not for the rest of the
 * tree, which uses event.h.
 */
#ifndef ATT_EVENT_INT_H
#define ATT_EVENT_INT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "event.h"
#include "event_fields.h"
#include "text.h"

/* Check the JSON text *fields (an object: UTF-8, no duplicate keys,
 * finite numbers, within ATT_EV_FIELDS_MAX) and make it compact; {}
 * becomes NULL (event.c). */
int att__ev_fields_canon(char **fields);

/* How much of a value a message shows; how long a path it names. */
#define ATT__EV_SHOW_MAX 80
#define ATT__EV_PATH_MAX 200

/* The path of a value in an event ("people[2].role"), for messages. */
typedef struct att__ev_path {
  char buf[ATT__EV_PATH_MAX + 8];
  size_t len;
} att__ev_path;

/* "number 3", "string \"x\"", "an array [1,2]" ... into buf; buf. */
const char *att__ev_describe(char *buf, size_t cap, const cJSON *it);

/* Every string and key of the tree UTF-8, keys unique, numbers finite,
 * depth bounded; p is the tree's path (its len 0 for the event). */
int att__ev_check_tree(const cJSON *it, att__ev_path *p, int depth);

/* The bytes that end a plain run inside a JSON string: the ones it cannot
 * hold as they are (cJSON escapes these when it prints). */
extern const unsigned char att__ev_str_stop[256];

/* A number of "fields" in the writers' form: an integer below 2^53 as
 * one, any other with the fewest digits (15 to 17) that read back. */
void att__ev_num_text(double v, char buf[32]);
/* Every number of the list of items (and their children) turned into raw
 * text in that form, so that cJSON prints it as it is.  0, or -1 out of
 * memory. */
int att__ev_exact_numbers(cJSON *it);

/* The event as a cJSON object (user_only: without the members the store
 * sets); NULL with *rc and a message on failure. */
cJSON *att__ev_build(const att_event *ev, int user_only, int *rc);

#endif
