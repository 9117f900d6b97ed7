/*
 * Changing an event by a JSON merge patch (RFC 7386) of its user fields:
 * the event is written as a tree without the store's members, the patch
 * merged into it, and the result read back by the reader, so that a
 * patched event passes every check a new one does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "error.h"
#include "event_int.h"

#define SHOW_MAX ATT__EV_SHOW_MAX

/* RFC 7386: apply patch to target in place; target becomes patch's copy
 * when it is not an object.  Returns the result (possibly new) or NULL. */
static cJSON *merge(cJSON *target, const cJSON *patch) {
  const cJSON *c;

  if (!cJSON_IsObject(patch)) {
    cJSON_Delete(target);
    return cJSON_Duplicate(patch, 1);
  }
  if (!cJSON_IsObject(target)) {
    cJSON_Delete(target);
    target = cJSON_CreateObject();
    if (!target) return NULL;
  }
  for (c = patch->child; c; c = c->next) {
    if (cJSON_IsNull(c)) {
      cJSON_DeleteItemFromObjectCaseSensitive(target, c->string);
    } else {
      cJSON *old = cJSON_DetachItemFromObjectCaseSensitive(target, c->string);
      cJSON *nv = merge(old, c);
      if (!nv || !cJSON_AddItemToObject(target, c->string, nv)) {
        cJSON_Delete(nv);
        cJSON_Delete(target);
        return NULL;
      }
    }
  }
  return target;
}

int att_event_patch(att_event *ev, const cJSON *patch) {
  char d[SHOW_MAX + 64], q[SHOW_MAX + 48], list[300];
  const cJSON *c;
  cJSON *doc;
  att_event tmp;
  att__ev_path p;
  int rc;

  if (!cJSON_IsObject(patch))
    return att__err(ATT_EINVAL,
                    "event patch: expected a JSON object of the fields to "
                    "change (null removes one), got %s",
                    att__ev_describe(d, sizeof d, patch));
  p.len = 0;
  p.buf[0] = '\0';
  if ((rc = att__ev_check_tree(patch, &p, 0)) < 0) return rc;
  for (c = patch->child; c; c = c->next) {
    int f = att_field_find(c->string, strlen(c->string));
    if (f < 0)
      return att__err(
          ATT_EINVAL,
          "event field %s is not known; known fields: %s; put "
          "your own data under \"fields\"",
          att__show(q, sizeof q, c->string, strlen(c->string), SHOW_MAX),
          att__join(list, sizeof list, att_field_names));
    if (ATT_FT_STORE_SET(att_fields[f].type))
      return att__err(ATT_EINVAL,
                      "event field \"%s\" is set by the store and cannot be "
                      "changed",
                      c->string);
    if (cJSON_IsNull(c) && att_fields[f].required)
      return att__err(ATT_EINVAL,
                      "event field \"%s\" is required and cannot be removed",
                      c->string);
  }
  doc = att__ev_build(ev, 1, &rc);
  if (!doc) return rc;
  doc = merge(doc, patch);
  if (!doc) return att__err(ATT_ENOMEM, "out of memory patching an event");
  rc = att_event_from_cjson(doc, 0, &tmp);
  cJSON_Delete(doc);
  if (rc < 0) return rc;
  tmp.id = ev->id;
  tmp.rev = ev->rev;
  tmp.created = ev->created;
  tmp.updated = ev->updated;
  if (tmp.id && (rc = att_event_validate(&tmp)) < 0) {
    /* A link may now point at the event itself. */
    att_event_free(&tmp);
    return rc;
  }
  att_event_free(ev);
  *ev = tmp;
  return 0;
}
