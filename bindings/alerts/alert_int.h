/*
 * Inside the alerts: what alerts.c (the log, stdout and the file) and
 * alert_cmd.c (the command) share.  Nothing outside these two files uses
 * it; the public interface is alerts.h.
 */
#ifndef ATT_ALERT_INT_H
#define ATT_ALERT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "alerts.h"

/* A command that is still running: its stdin may not be written yet. */
typedef struct att__alert_kid {
  pid_t pid;
  int wfd;         /* write end of its stdin; -1 once closed */
  char *buf;       /* the alert as JSON, one line */
  size_t len, off; /* written so far */
  double deadline; /* monotonic seconds */
  char *what;      /* "alert \"KEY\"", for messages */
  char *script;    /* the script that fired it, or NULL */
} att__alert_kid;

struct att_alerts {
  att_engine *e;
  att_alertlog *log;    /* shared: att_alertlog_fire_once */
  int filefd;           /* the JSON Lines output, or -1 */
  att_alert_outputs o;  /* owned copy */
  uint64_t fired;
  att__alert_kid *kids; /* background commands */
  size_t nkids, capkids;
};

int att__alert_write_all(int fd, const char *buf, size_t len);
/* Start the command for alert a, fed json (len bytes, malloc'd: taken).
 * Problems are logged. */
void att__alert_cmd_start(att_alerts *al, const att_alert *a, char *json, size_t len);
/* Wait for every background command, each until its time limit. */
void att__alert_cmd_finish(att_alerts *al);

#endif
