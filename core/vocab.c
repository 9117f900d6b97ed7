/*
 * The vocabulary of a store (vocab.h): the edit distance, ranked
 * suggestions, and the check of a kind or status against the words the
 * store knows.  The values a store holds come from store_values.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "settings.h"
#include "text.h"
#include "vocab.h"

/* Words longer than this (in characters) are never near anything. */
#define WORD_MAX 256

/* s as code points, ASCII letters lowered; the count, or -1 if longer
 * than WORD_MAX.  Bytes that are not UTF-8 count one each. */
static int decode(const char *s, uint32_t *out) {
  size_t len = strlen(s), i = 0;
  int n = 0;
  while (i < len) {
    size_t k = att_utf8_len(s + i, len - i);
    uint32_t c = (unsigned char)s[i];
    if (n == WORD_MAX) return -1;
    if (k <= 1) {
      k = 1;
      if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    } else {
      c &= k == 2 ? 0x1Fu : k == 3 ? 0x0Fu : 0x07u;
      for (size_t j = 1; j < k; j++) c = c << 6 | ((unsigned char)s[i + j] & 0x3Fu);
    }
    out[n++] = c;
    i += k;
  }
  return n;
}

static int min3(int a, int b, int c) { return a < b ? (a < c ? a : c) : (b < c ? b : c); }

int att_edit_distance(const char *a, const char *b, int max) {
  uint32_t x[WORD_MAX], y[WORD_MAX];
  int rows[3][WORD_MAX + 1];
  int la = decode(a, x), lb = decode(b, y);
  int *pp = rows[0], *p = rows[1], *c = rows[2];
  if (max < 0) max = 0;
  if (la < 0 || lb < 0) return max + 1;
  if (la - lb > max || lb - la > max) return max + 1;
  for (int j = 0; j <= lb; j++) p[j] = j;
  for (int i = 1; i <= la; i++) {
    int low;
    c[0] = low = i;
    for (int j = 1; j <= lb; j++) {
      int cost = x[i - 1] != y[j - 1];
      int d = min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + cost);
      if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] && pp[j - 2] + 1 < d)
        d = pp[j - 2] + 1;
      c[j] = d;
      if (d < low) low = d;
    }
    if (low > max) return max + 1;
    {
      int *t = pp;
      pp = p;
      p = c;
      c = t;
    }
  }
  return p[lb] > max ? max + 1 : p[lb];
}

int att_suggest_reach(const char *typed) {
  uint32_t x[WORD_MAX];
  int n = decode(typed, x);
  if (n < 0) return 0;
  return n <= 4 ? 1 : n <= 8 ? 2 : 3;
}

void att_suggest_init(att_suggest *s, const char *typed) {
  memset(s, 0, sizeof *s);
  s->typed = typed;
  s->reach = att_suggest_reach(typed);
}

/* The word a label offers: "JPN" of "JPN (Japan)" and of "JPN". */
static size_t label_word(const char *label) {
  const char *p = strstr(label, " (");
  return p ? (size_t)(p - label) : strlen(label);
}

void att_suggest_offer(att_suggest *s, const char *cand, const char *label) {
  int d = att_edit_distance(s->typed, cand, s->reach);
  size_t i, at, w;
  char keep[sizeof s->best[0].label];
  if (d > s->reach) return;
  if (label == NULL) label = cand;
  w = label_word(label);
  for (i = 0; i < s->n; i++) {
    /* One word once, whatever it is offered as ("did you mean JPN (Japan)
     * or JPN?" offered the country and the actor events hold): at its
     * nearest, with its fullest label. */
    if (label_word(s->best[i].label) != w || strncmp(s->best[i].label, label, w) != 0) continue;
    if (d >= s->best[i].d && strlen(s->best[i].label) >= strlen(label)) return;
    if (strlen(s->best[i].label) > strlen(label)) {
      snprintf(keep, sizeof keep, "%s", s->best[i].label);
      label = keep;
    }
    if (s->best[i].d < d) d = s->best[i].d;
    /* take it out and place it again */
    memmove(&s->best[i], &s->best[i + 1], (s->n - i - 1) * sizeof s->best[0]);
    s->n--;
    break;
  }
  for (at = 0; at < s->n && s->best[at].d <= d; at++) {}
  if (at == ATT_SUGGEST_MAX) return;
  if (s->n == ATT_SUGGEST_MAX) s->n--;
  memmove(&s->best[at + 1], &s->best[at], (s->n - at) * sizeof s->best[0]);
  s->best[at].d = d;
  snprintf(s->best[at].label, sizeof s->best[at].label, "%s", label);
  s->n++;
}

const char *att_suggest_text(const att_suggest *s, int quote, char *buf, size_t cap) {
  size_t len = 0;
  const char *q = quote ? "\"" : "";
  if (cap == 0) return buf;
  buf[0] = '\0';
  if (s->n == 0) return buf;
  len += (size_t)snprintf(buf, cap, "did you mean ");
  for (size_t i = 0; i < s->n && len < cap; i++) {
    const char *sep = i == 0 ? "" : i + 1 == s->n ? " or " : ", ";
    len += (size_t)snprintf(buf + len, cap - len, "%s%s%s%s", sep, q, s->best[i].label, q);
  }
  if (len < cap) snprintf(buf + len, cap - len, "?");
  return buf;
}

/* ---- kinds and statuses ------------------------------------------------ */

static int offer_value(void *ud, const char *v) {
  att_suggest_offer(ud, v, NULL);
  return 0;
}

int att_vocab_check(att_store *st, att_vocab_field f, const char *value,
                    const char *const *extra, size_t nextra) {
  const char *const *known = f == ATT_VOCAB_KIND ? att_known_kinds : att_known_statuses;
  const char *what = f == ATT_VOCAB_KIND ? "kind" : "status";
  char show[120], near[400], list[400];
  att_suggest s;
  int rc;
  size_t i;
  if (f != ATT_VOCAB_KIND && f != ATT_VOCAB_STATUS)
    return att__err(ATT_EINVAL, "att_vocab_check: only kinds and statuses have a vocabulary");
  for (i = 0; known[i]; i++)
    if (strcmp(known[i], value) == 0) return 0;
  for (i = 0; i < nextra; i++)
    if (strcmp(extra[i], value) == 0) return 0;
  if (st && (rc = att_store_holds(st, f, value)) != 0) return rc < 0 ? rc : 0;

  att_suggest_init(&s, value);
  for (i = 0; known[i]; i++) att_suggest_offer(&s, known[i], NULL);
  for (i = 0; i < nextra; i++) att_suggest_offer(&s, extra[i], NULL);
  if (st && (rc = att_store_values(st, f, offer_value, &s)) < 0) return rc;
  att_suggest_text(&s, 1, near, sizeof near);
  return att__err(ATT_ENOTFOUND,
                  "%s %s is not one this store knows%s%s (known %s: %s, those of the "
                  "store's settings and every %s an event of the store holds)",
                  what, att__show(show, sizeof show, value, strlen(value), 80),
                  near[0] ? "; " : "", near, f == ATT_VOCAB_KIND ? "kinds" : "statuses",
                  att__join(list, sizeof list, known), what);
}

const char *att_vocab_setting(att_vocab_field f) {
  return f == ATT_VOCAB_KIND ? "vocab.kinds" : "vocab.statuses";
}

int att_vocab_check_store(att_store *st, att_vocab_field f, const char *value) {
  att_settings *set = NULL;
  const char *const *items = NULL;
  size_t n = 0;
  int rc = 0;
  if (st && (rc = att_settings_load(att_store_dir(st), &set)) == 0)
    rc = att_settings_list(set, att_vocab_setting(f), &items, &n);
  if (rc == 0) rc = att_vocab_check(st, f, value, items, n);
  att_settings_free(set);
  return rc;
}
