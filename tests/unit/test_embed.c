/*
 * The core as an embedder sees it: a program that includes only
 * core/attache.h creates a store, adds events, reads them back after
 * reopening, and gets a clear error for a bad one.  It also keeps the
 * umbrella header compiling on its own.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attache.h"
#include "tap.h"

static int add_json(att_store *st, const char *json, int64_t *id) {
  att_event ev;
  int rc = att_event_from_json(json, strlen(json), 0, &ev);
  if (rc == 0) rc = att_store_add(st, &ev);
  if (rc == 0) *id = ev.id;
  att_event_free(&ev);
  return rc;
}

int main(void) {
  char root[] = "/tmp/att-embed-XXXXXX", dir[PATH_MAX], cmd[PATH_MAX + 16];
  att_store_opts o;
  att_store *st = NULL;
  att_event ev;
  int64_t a = 0, b = 0;
  int rc;

  if (mkdtemp(root) == NULL) return 1;
  snprintf(dir, sizeof dir, "%s/store", root);
  is_int(att_store_init(dir), 0, "a new store");
  memset(&o, 0, sizeof o);
  o.flags = ATT_OPEN_WRITE;
  is_int(att_store_open(dir, &o, &st), 0, "opened for writing");
  is_int(add_json(st, "{\"title\":\"CDC meeting\",\"when\":\"2024-03~\",\"kind\":\"meeting\"}", &a), 0,
         "added a meeting");
  is_int(add_json(st, "{\"title\":\"Talks\",\"when\":\"2023-11\",\"links\":[{\"rel\":\"follows\",\"id\":1}]}", &b), 0,
         "added talks linked to it");
  ok(a == 1 && b == 2, "ids 1 and 2 (got %lld, %lld)", (long long)a, (long long)b);
  rc = add_json(st, "{\"title\":\"x\",\"when\":\"in March\"}", &a);
  is_int(rc, ATT_EINVAL, "a date that is not EDTF is refused");
  ok(strstr(att_errmsg(), "in March") != NULL, "the message names the input: %s", att_errmsg());
  att_store_close(st);

  o.flags = ATT_OPEN_READ;
  is_int(att_store_open(dir, &o, &st), 0, "reopened read-only");
  att_event_init(&ev);
  is_int(att_store_get(st, 1, &ev), 0, "event 1 read back");
  is_str(ev.title, "CDC meeting", "its title survived");
  att_event_free(&ev);
  att_event_init(&ev);
  is_int(att_store_get(st, 3, &ev), ATT_ENOTFOUND, "no event 3: the refused one took no id");
  att_event_free(&ev);
  att_store_close(st);

  snprintf(cmd, sizeof cmd, "rm -rf %s", root);
  if (system(cmd) != 0) printf("# could not remove %s\n", root);
  return done_testing();
}
