/*
 * The event model: life cycle (init, free, copy, compare), the rules of
 * docs/events.md applied to a filled-in att_event, and the actor and
 * tag helpers.  Reading JSON is in event_read.c, writing it in
 * event_write.c, merge patches in event_patch.c; all report
 * errors as `event field "NAME": VALUE ...what is wrong, what is accepted`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "event.h"
#include "event_int.h"
#include "rrule.h"
#include "tz.h"

const char *const att_known_kinds[] = {
    "meeting",     "visit",     "call",     "talks",      "agreement", "policy",
    "anniversary", "statement", "election", "deployment", "other",     NULL};

const char *const att_known_statuses[] = {
    "planned", "confirmed", "held",     "postponed", "cancelled",
    "draft",   "endorsed",  "in-force", "expired",   NULL};

const char *const att_link_rels[] = {"follows", "part-of", "supersedes",
                                     "related", NULL};

/* How much of a bad value an error message shows. */
#define SHOW_MAX 80

/* ---- life cycle ---- */

void att_event_init(att_event *ev) { memset(ev, 0, sizeof *ev); }

static void strv_free(att_strv *sv) {
  size_t i;
  for (i = 0; i < sv->n; i++) free(sv->v[i]);
  free(sv->v);
  sv->v = NULL;
  sv->n = 0;
}

static void source_free(att_source *src) {
  if (!src) return;
  free(src->title);
  free(src->url);
  free(src->publisher);
  free(src->published);
  free(src);
}

void att_event_free(att_event *ev) {
  size_t i;
  if (!ev) return;
  free(ev->key);
  free(ev->title);
  free(ev->kind);
  free(ev->status);
  free(ev->when);
  free(ev->recur);
  free(ev->tz);
  free(ev->where);
  free(ev->notes);
  strv_free(&ev->actors);
  strv_free(&ev->tags);
  for (i = 0; i < ev->npeople; i++) {
    free(ev->people[i].name);
    free(ev->people[i].role);
    free(ev->people[i].actor);
  }
  free(ev->people);
  source_free(ev->source);
  for (i = 0; i < ev->nlinks; i++) {
    free(ev->links[i].rel);
    free(ev->links[i].key);
  }
  free(ev->links);
  free(ev->fields);
  att_event_init(ev);
}

/* strdup that keeps NULL, and reports failure through *bad. */
static char *dup_or_null(const char *s, int *bad) {
  char *d;
  if (!s) return NULL;
  d = strdup(s);
  if (!d) *bad = 1;
  return d;
}

static int strv_copy(att_strv *dst, const att_strv *src) {
  size_t i;
  int bad = 0;
  dst->v = NULL;
  dst->n = 0;
  if (src->n == 0) return 0;
  dst->v = calloc(src->n, sizeof *dst->v);
  if (!dst->v) return -1;
  dst->n = src->n;
  for (i = 0; i < src->n; i++) dst->v[i] = dup_or_null(src->v[i], &bad);
  return bad ? -1 : 0;
}

int att_event_copy(att_event *dst, const att_event *src) {
  att_event tmp;
  size_t i;
  int bad = 0;

  att_event_init(&tmp);
  tmp.id = src->id;
  tmp.rev = src->rev;
  tmp.created = src->created;
  tmp.updated = src->updated;
  tmp.bounds = src->bounds;
  tmp.key = dup_or_null(src->key, &bad);
  tmp.title = dup_or_null(src->title, &bad);
  tmp.kind = dup_or_null(src->kind, &bad);
  tmp.status = dup_or_null(src->status, &bad);
  tmp.when = dup_or_null(src->when, &bad);
  tmp.recur = dup_or_null(src->recur, &bad);
  tmp.tz = dup_or_null(src->tz, &bad);
  tmp.where = dup_or_null(src->where, &bad);
  tmp.notes = dup_or_null(src->notes, &bad);
  tmp.fields = dup_or_null(src->fields, &bad);
  if (strv_copy(&tmp.actors, &src->actors) < 0) bad = 1;
  if (strv_copy(&tmp.tags, &src->tags) < 0) bad = 1;
  if (src->npeople) {
    tmp.people = calloc(src->npeople, sizeof *tmp.people);
    if (tmp.people) {
      tmp.npeople = src->npeople;
      for (i = 0; i < src->npeople; i++) {
        tmp.people[i].name = dup_or_null(src->people[i].name, &bad);
        tmp.people[i].role = dup_or_null(src->people[i].role, &bad);
        tmp.people[i].actor = dup_or_null(src->people[i].actor, &bad);
      }
    } else {
      bad = 1;
    }
  }
  if (src->source) {
    tmp.source = calloc(1, sizeof *tmp.source);
    if (tmp.source) {
      tmp.source->title = dup_or_null(src->source->title, &bad);
      tmp.source->url = dup_or_null(src->source->url, &bad);
      tmp.source->publisher = dup_or_null(src->source->publisher, &bad);
      tmp.source->published = dup_or_null(src->source->published, &bad);
    } else {
      bad = 1;
    }
  }
  if (src->nlinks) {
    tmp.links = calloc(src->nlinks, sizeof *tmp.links);
    if (tmp.links) {
      tmp.nlinks = src->nlinks;
      for (i = 0; i < src->nlinks; i++) {
        tmp.links[i].rel = dup_or_null(src->links[i].rel, &bad);
        tmp.links[i].id = src->links[i].id;
        tmp.links[i].key = dup_or_null(src->links[i].key, &bad);
      }
    } else {
      bad = 1;
    }
  }
  if (bad) {
    att_event_free(&tmp);
    return att__err(ATT_ENOMEM, "out of memory copying an event");
  }
  *dst = tmp;
  return 0;
}

static int str_eq(const char *a, const char *b) {
  if (!a || !b) return a == b;
  return strcmp(a, b) == 0;
}

static int strv_eq(const att_strv *a, const att_strv *b) {
  size_t i;
  if (a->n != b->n) return 0;
  for (i = 0; i < a->n; i++)
    if (!str_eq(a->v[i], b->v[i])) return 0;
  return 1;
}

int att_event_equal(const att_event *a, const att_event *b) {
  size_t i;
  if (a->id != b->id || a->rev != b->rev || a->created != b->created ||
      a->updated != b->updated || a->bounds.earliest != b->bounds.earliest ||
      a->bounds.latest != b->bounds.latest)
    return 0;
  if (!str_eq(a->key, b->key) || !str_eq(a->title, b->title) ||
      !str_eq(a->kind, b->kind) || !str_eq(a->status, b->status) ||
      !str_eq(a->when, b->when) || !str_eq(a->recur, b->recur) || !str_eq(a->tz, b->tz) ||
      !str_eq(a->where, b->where) || !str_eq(a->notes, b->notes) ||
      !str_eq(a->fields, b->fields))
    return 0;
  if (!strv_eq(&a->actors, &b->actors) || !strv_eq(&a->tags, &b->tags))
    return 0;
  if (a->npeople != b->npeople || a->nlinks != b->nlinks) return 0;
  for (i = 0; i < a->npeople; i++)
    if (!str_eq(a->people[i].name, b->people[i].name) ||
        !str_eq(a->people[i].role, b->people[i].role) ||
        !str_eq(a->people[i].actor, b->people[i].actor))
      return 0;
  for (i = 0; i < a->nlinks; i++)
    if (!str_eq(a->links[i].rel, b->links[i].rel) ||
        a->links[i].id != b->links[i].id ||
        !str_eq(a->links[i].key, b->links[i].key))
      return 0;
  if (!a->source || !b->source) return a->source == b->source;
  return str_eq(a->source->title, b->source->title) &&
         str_eq(a->source->url, b->source->url) &&
         str_eq(a->source->publisher, b->source->publisher) &&
         str_eq(a->source->published, b->source->published);
}

/* ---- rules for strings ---- */

/* Decode one code point of valid UTF-8 (checked before). */
static unsigned decode(const unsigned char *s, size_t *n) {
  if (s[0] < 0x80) {
    *n = 1;
    return s[0];
  }
  if (s[0] < 0xE0) {
    *n = 2;
    return ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
  }
  if (s[0] < 0xF0) {
    *n = 3;
    return ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
  }
  *n = 4;
  return ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) |
         ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
}

static int is_space(unsigned c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 ||
         c == 0xFEFF;
}

static int is_control(unsigned c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

enum {
  TXT_MULTILINE = 1, /* tab, CR and LF allowed (notes) */
  TXT_TRIMMED = 2    /* no white space at either end (actors, tags) */
};

/* A present string: non-empty, UTF-8, at most max bytes, no controls. */
static int check_text(const char *field, const char *s, size_t max, int flags) {
  size_t len = strlen(s), i, n;
  unsigned c, first = 0, last = 0;
  char q[SHOW_MAX + 48];

  if (len == 0)
    return att__err(ATT_EINVAL,
                    "event field \"%s\" is empty; leave the field out (or set "
                    "it to null) when there is no value",
                    field);
  if (att_utf8_check(s, len) < 0)
    return att__errctx(ATT_EINVAL, "event field \"%s\": %s is not valid UTF-8",
                       field, att__show(q, sizeof q, s, len, SHOW_MAX));
  if (len > max)
    return att__err(ATT_EINVAL,
                    "event field \"%s\": %s is too long: %zu bytes, at most "
                    "%zu are accepted",
                    field, att__show(q, sizeof q, s, len, SHOW_MAX), len, max);
  for (i = 0; i < len; i += n) {
    c = decode((const unsigned char *)s + i, &n);
    if (i == 0) first = c;
    last = c;
    if (is_control(c) &&
        !((flags & TXT_MULTILINE) && (c == '\t' || c == '\n' || c == '\r')))
      return att__err(ATT_EINVAL,
                      "event field \"%s\": %s contains the control character "
                      "U+%04X at byte %zu; %s",
                      field, att__show(q, sizeof q, s, len, SHOW_MAX), c, i,
                      (flags & TXT_MULTILINE)
                          ? "only tab and line breaks are accepted"
                          : "this field is one line of text (only notes may "
                            "hold tabs and line breaks)");
  }
  if ((flags & TXT_TRIMMED) && (is_space(first) || is_space(last)))
    return att__err(ATT_EINVAL,
                    "event field \"%s\": %s begins or ends with white space; "
                    "remove it",
                    field, att__show(q, sizeof q, s, len, SHOW_MAX));
  return 0;
}

/* check_text for an element "base[idx]sub" (sub may be ""): the name is
 * only formatted when there is something wrong to report. */
static int check_text_at(const char *base, size_t idx, const char *sub, const char *s,
                         size_t max, int flags) {
  char name[96];
  if (check_text(base, s, max, flags) == 0) return 0;
  snprintf(name, sizeof name, "%s[%zu]%s", base, idx, sub);
  return check_text(name, s, max, flags);
}

static int all_space(const char *s) {
  size_t i, n;
  for (i = 0; s[i]; i += n)
    if (!is_space(decode((const unsigned char *)s + i, &n))) return 0;
  return 1;
}

/* Join a NULL-terminated list as "a, b, c" for messages. */
const char *att__join(char *buf, size_t cap, const char *const *list) {
  size_t o = 0, i;
  buf[0] = '\0';
  for (i = 0; list[i] && o + 1 < cap; i++) {
    int w = snprintf(buf + o, cap - o, "%s%s", i ? ", " : "", list[i]);
    if (w < 0) break;
    o += (size_t)w;
  }
  return buf;
}

static int check_key(const char *name, const char *s) {
  size_t len = strlen(s), i;
  int digits = 1;
  char q[SHOW_MAX + 48], ch[32];

  if (check_text(name, s, ATT_EV_KEY_MAX, 0) < 0) return ATT_EINVAL;
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9');
    if (!(c >= '0' && c <= '9')) digits = 0;
    if (!alnum && c != '.' && c != '_' && c != ':' && c != '-') {
      if (c == ' ')
        snprintf(ch, sizeof ch, "a space");
      else if (c < 0x80)
        snprintf(ch, sizeof ch, "'%c'", (char)c);
      else
        snprintf(ch, sizeof ch, "a non-ASCII character");
      return att__err(ATT_EINVAL,
                      "event field \"%s\": %s has %s at byte %zu; a key is "
                      "1 to %d characters of A-Z, a-z, 0-9, '.', '_', ':' "
                      "and '-', for example \"cdc-2024-policy-meeting\"",
                      name, att__show(q, sizeof q, s, len, SHOW_MAX), ch, i,
                      ATT_EV_KEY_MAX);
    }
    if (i == 0 && !alnum)
      return att__err(ATT_EINVAL,
                      "event field \"%s\": %s begins with '%c'; a key begins "
                      "with a letter or a digit",
                      name, att__show(q, sizeof q, s, len, SHOW_MAX), (char)c);
  }
  if (digits)
    return att__err(ATT_EINVAL,
                    "event field \"%s\": %s is all digits; a key needs at "
                    "least one other character, because a number stands for "
                    "an event id (for example on the command line)",
                    name, att__show(q, sizeof q, s, len, SHOW_MAX));
  return 0;
}

/* kind and status: a lowercase word, open set. */
static int check_word(const char *field, const char *s,
                      const char *const *known) {
  size_t len = strlen(s), i;
  char q[SHOW_MAX + 48], list[400];

  if (check_text(field, s, ATT_EV_WORD_MAX, 0) < 0) return ATT_EINVAL;
  for (i = 0; i < len; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') ||
          (i > 0 && ((c >= '0' && c <= '9') || c == '-'))))
      return att__err(ATT_EINVAL,
                      "event field \"%s\": %s is not accepted; a %s is a "
                      "lowercase word of a-z, 0-9 and '-' starting with a "
                      "letter, at most %d characters (known: %s)",
                      field, att__show(q, sizeof q, s, len, SHOW_MAX), field,
                      ATT_EV_WORD_MAX, att__join(list, sizeof list, known));
  }
  return 0;
}

/* Replace *sp by a copy of canon when they differ. */
static int set_canon(char **sp, const char *canon) {
  char *d;
  if (strcmp(*sp, canon) == 0) return 0;
  d = strdup(canon);
  if (!d) return att__err(ATT_ENOMEM, "out of memory");
  free(*sp);
  *sp = d;
  return 0;
}

static int check_date(const char *field, char **sp, att_bounds *b) {
  char canon[ATT_DATE_MAX], q[SHOW_MAX + 48];
  att_bounds tmp;
  int rc;

  rc = check_text(field, *sp, ATT_DATE_MAX - 1, 0);
  if (rc < 0) return rc;
  if (att_edtf_parse(*sp, b ? b : &tmp, canon, sizeof canon) < 0)
    return att__errctx(ATT_EINVAL,
                       "event field \"%s\": %s is not a valid EDTF date", field,
                       att__show(q, sizeof q, *sp, strlen(*sp), SHOW_MAX));
  return set_canon(sp, canon);
}

static int check_id(const char *field, int64_t id, int zero_ok) {
  if ((zero_ok && id == 0) || (id >= 1 && id <= ATT_EV_ID_MAX)) return 0;
  return att__err(ATT_EINVAL,
                  "event field \"%s\": %lld is out of range; expected an "
                  "integer from 1 to %lld",
                  field, (long long)id, (long long)ATT_EV_ID_MAX);
}

static int check_list(const char *field, const att_strv *sv) {
  size_t i, j;
  char name[64], q[SHOW_MAX + 48];

  if (sv->n > ATT_EV_LIST_MAX)
    return att__err(ATT_EINVAL,
                    "event field \"%s\" has %zu elements; at most %d are "
                    "accepted",
                    field, sv->n, ATT_EV_LIST_MAX);
  for (i = 0; i < sv->n; i++) {
    if (!sv->v[i]) {
      snprintf(name, sizeof name, "%s[%zu]", field, i);
      return att__err(ATT_EINVAL, "event field \"%s\" is missing", name);
    }
    if (check_text_at(field, i, "", sv->v[i], ATT_EV_NAME_MAX, TXT_TRIMMED) < 0)
      return ATT_EINVAL;
  }
  /* Lists are short (capped); quadratic is fine and keeps the first
   * occurrence to name. */
  for (i = 1; i < sv->n; i++)
    for (j = 0; j < i; j++)
      if (strcmp(sv->v[i], sv->v[j]) == 0)
        return att__err(
            ATT_EINVAL,
            "event field \"%s\": %s is listed twice (at %zu and "
            "%zu); each value may appear once",
            field, att__show(q, sizeof q, sv->v[i], strlen(sv->v[i]), SHOW_MAX),
            j, i);
  return 0;
}

static int is_in(const char *s, const char *const *list) {
  size_t i;
  for (i = 0; list[i]; i++)
    if (strcmp(s, list[i]) == 0) return 1;
  return 0;
}

/* ---- the whole event ---- */

int att_event_validate(att_event *ev) {
  char name[64], q[SHOW_MAX + 48], list[200], canon[ATT_EV_RECUR_MAX + 1];
  size_t i, j;
  att_rrule rr;
  int rc;

  if (check_id("id", ev->id, 1) < 0 || check_id("rev", ev->rev, 1) < 0)
    return ATT_EINVAL;
  if (ev->key && check_key("key", ev->key) < 0) return ATT_EINVAL;

  if (!ev->title)
    return att__err(ATT_EINVAL,
                    "event field \"title\" is required: a non-empty string "
                    "of at most %d bytes",
                    ATT_EV_TITLE_MAX);
  if (check_text("title", ev->title, ATT_EV_TITLE_MAX, 0) < 0)
    return ATT_EINVAL;
  if (all_space(ev->title))
    return att__err(
        ATT_EINVAL,
        "event field \"title\": %s is only white space; a title "
        "needs some text",
        att__show(q, sizeof q, ev->title, strlen(ev->title), SHOW_MAX));

  if (ev->kind && check_word("kind", ev->kind, att_known_kinds) < 0)
    return ATT_EINVAL;
  if (ev->status && check_word("status", ev->status, att_known_statuses) < 0)
    return ATT_EINVAL;

  if (!ev->when)
    return att__err(ATT_EINVAL,
                    "event field \"when\" is required: an EDTF date or period "
                    "such as \"2023-12-17\", \"2024-03~\", \"2024-21\" or "
                    "\"2024/2028\"");
  if ((rc = check_date("when", &ev->when, &ev->bounds)) < 0) return rc;

  if (ev->tz && att_tz_check(ev->tz) < 0) return att__errctx(ATT_EINVAL, "event field \"tz\"");

  if (ev->recur) {
    if (check_text("recur", ev->recur, ATT_EV_RECUR_MAX, 0) < 0)
      return ATT_EINVAL;
    if (att_rrule_parse(ev->recur, &rr, canon, sizeof canon) < 0)
      return att__errctx(ATT_EINVAL, "event field \"recur\"");
    if ((rc = set_canon(&ev->recur, canon)) < 0) return rc;
  }

  if (ev->where && check_text("where", ev->where, ATT_EV_TEXT_MAX, 0) < 0)
    return ATT_EINVAL;
  if (check_list("actors", &ev->actors) < 0) return ATT_EINVAL;

  if (ev->npeople > ATT_EV_LIST_MAX)
    return att__err(ATT_EINVAL,
                    "event field \"people\" has %zu elements; at most %d are "
                    "accepted",
                    ev->npeople, ATT_EV_LIST_MAX);
  for (i = 0; i < ev->npeople; i++) {
    const att_person *p = &ev->people[i];
    if (!p->name) {
      snprintf(name, sizeof name, "people[%zu].name", i);
      return att__err(ATT_EINVAL,
                      "event field \"%s\" is required: every person has a "
                      "name (role and actor are optional)",
                      name);
    }
    if (check_text_at("people", i, ".name", p->name, ATT_EV_NAME_MAX, TXT_TRIMMED) < 0)
      return ATT_EINVAL;
    if (p->role && check_text_at("people", i, ".role", p->role, ATT_EV_NAME_MAX, TXT_TRIMMED) < 0)
      return ATT_EINVAL;
    if (p->actor && check_text_at("people", i, ".actor", p->actor, ATT_EV_NAME_MAX, TXT_TRIMMED) < 0)
      return ATT_EINVAL;
  }

  if (check_list("tags", &ev->tags) < 0) return ATT_EINVAL;

  if (ev->source) {
    att_source *s = ev->source;
    if (s->title &&
        check_text("source.title", s->title, ATT_EV_TEXT_MAX, 0) < 0)
      return ATT_EINVAL;
    if (s->url && check_text("source.url", s->url, ATT_EV_URL_MAX, 0) < 0)
      return ATT_EINVAL;
    if (s->publisher &&
        check_text("source.publisher", s->publisher, ATT_EV_TEXT_MAX, 0) < 0)
      return ATT_EINVAL;
    if (s->published &&
        (rc = check_date("source.published", &s->published, NULL)) < 0)
      return rc;
    if (!s->title && !s->url && !s->publisher && !s->published) {
      /* {} and no source mean the same; keep one form so that JSON
       * round-trips exactly. */
      source_free(s);
      ev->source = NULL;
    }
  }

  if (ev->notes &&
      check_text("notes", ev->notes, ATT_EV_NOTES_MAX, TXT_MULTILINE) < 0)
    return ATT_EINVAL;

  if (ev->nlinks > ATT_EV_LIST_MAX)
    return att__err(ATT_EINVAL,
                    "event field \"links\" has %zu elements; at most %d are "
                    "accepted",
                    ev->nlinks, ATT_EV_LIST_MAX);
  for (i = 0; i < ev->nlinks; i++) {
    const att_link *l = &ev->links[i];
    snprintf(name, sizeof name, "links[%zu].rel", i);
    if (!l->rel)
      return att__err(ATT_EINVAL, "event field \"%s\" is required: one of %s",
                      name, att__join(list, sizeof list, att_link_rels));
    if (check_text(name, l->rel, ATT_EV_TEXT_MAX, 0) < 0) return ATT_EINVAL;
    if (!is_in(l->rel, att_link_rels))
      return att__err(ATT_EINVAL,
                      "event field \"%s\": %s is not a link relation; "
                      "accepted: %s",
                      name,
                      att__show(q, sizeof q, l->rel, strlen(l->rel), SHOW_MAX),
                      att__join(list, sizeof list, att_link_rels));
    if (l->key) {
      snprintf(name, sizeof name, "links[%zu].key", i);
      if (l->id)
        return att__err(ATT_EINVAL,
                        "event field \"links[%zu]\" has both an id and a key; "
                        "a link names its event by one of them",
                        i);
      if (check_key(name, l->key) < 0) return ATT_EINVAL;
      if (ev->key && strcmp(ev->key, l->key) == 0)
        return att__err(ATT_EINVAL,
                        "event field \"%s\": \"%s\" is this event's own key; "
                        "a link points to another event",
                        name, l->key);
      continue;
    }
    snprintf(name, sizeof name, "links[%zu].id", i);
    if (check_id(name, l->id, 0) < 0) return ATT_EINVAL;
    if (ev->id && l->id == ev->id)
      return att__err(ATT_EINVAL,
                      "event field \"%s\": %lld is this event's own id; a "
                      "link points to another event",
                      name, (long long)l->id);
    for (j = 0; j < i; j++)
      if (!ev->links[j].key && ev->links[j].id == l->id && strcmp(ev->links[j].rel, l->rel) == 0)
        return att__err(ATT_EINVAL,
                        "event field \"links\": {\"rel\": \"%s\", \"id\": "
                        "%lld} is listed twice (at %zu and %zu)",
                        l->rel, (long long)l->id, j, i);
  }

  if (ev->fields && (rc = att__ev_fields_canon(&ev->fields)) < 0) return rc;
  return 0;
}

/* ---- helpers for scripts and queries ---- */

static int strv_has(const att_strv *sv, const char *s) {
  size_t i;
  if (!s) return 0;
  for (i = 0; i < sv->n; i++)
    if (sv->v[i] && strcmp(sv->v[i], s) == 0) return 1;
  return 0;
}

int att_event_has_actor(const att_event *ev, const char *actor) {
  return strv_has(&ev->actors, actor);
}

int att_event_has_tag(const att_event *ev, const char *tag) {
  return strv_has(&ev->tags, tag);
}
