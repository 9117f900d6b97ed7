/*
 * attache's core for embedders: one header for a C program that keeps
 * diplomatic events in an attache store without the Lua host, the daemon
 * or the command line (link the attcore library and cJSON).
 *
 *   att_store *st;
 *   att_event ev;
 *   att_store_init(dir);
 *   att_store_open(dir, &(att_store_opts){.flags = ATT_OPEN_WRITE}, &st);
 *   att_event_from_json("{\"title\":\"Talks\",\"when\":\"2024-11\"}", ..., 0, &ev);
 *   att_store_add(st, &ev);   -- durable when it returns 0
 *
 * Each header below is a part of the core with its own comment; the
 * files named *_int.h and fault.h (a test hook) are internal and stay out.
 * docs/architecture.md draws the parts; docs/store.md is the store's manual.
 */
#ifndef ATTACHE_H
#define ATTACHE_H

#include "error.h"    /* error codes, att_errmsg */
#include "date.h"     /* EDTF dates, bounds, instants */
#include "event.h"    /* events, their JSON */
#include "store.h"    /* the store: open, read, write, query, compact, fsck */
#include "tally.h"    /* group counts of a query's events */
#include "alertlog.h" /* the log of fired alerts */
#include "cron.h"     /* cron expressions */
#include "recur.h"    /* recurring events */
#include "rrule.h"    /* iCalendar RRULE */
#include "remind.h"   /* reminder leads and plans */
#include "timeq.h"    /* the queue of due times and the engine's clock */
#include "ics.h"      /* iCalendar export */
#include "csv.h"      /* the CSV reader */
#include "termsafe.h" /* text made safe for a terminal or a spreadsheet */
#include "text.h"     /* UTF-8 checks, values quoted for messages */
#include "duration.h" /* durations and calendar arithmetic */

#endif
