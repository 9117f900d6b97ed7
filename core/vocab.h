/*
 * The vocabulary of a store, and a did-you-mean for what is not in it.
 *
 * kind and status are open sets, but a store knows its words: the known
 * lists of docs/events.md (att_known_kinds, att_known_statuses), every
 * value its events already hold, and the extra words of its settings.  A
 * value outside them is most often a typo; att_vocab_check says so, with
 * the nearest known words.  The nearness is an edit distance with
 * transpositions (optimal string alignment), counted in characters and
 * blind to ASCII case.  docs/names.md is the manual.
 */
#ifndef ATT_VOCAB_H
#define ATT_VOCAB_H

#include <stddef.h>

#include "store.h"

/* The fields whose values a store indexes. */
typedef enum att_vocab_field {
  ATT_VOCAB_ACTOR,
  ATT_VOCAB_KIND,
  ATT_VOCAB_STATUS,
  ATT_VOCAB_TAG
} att_vocab_field;

/* The edit distance of a and b (insertion, deletion, substitution, and
 * transposition of two neighbours, each 1), in UTF-8 characters, ASCII
 * letters compared without case.  Past max the count stops: max + 1. */
int att_edit_distance(const char *a, const char *b, int max);

/* The largest distance at which a word of this length (in characters)
 * is offered as a suggestion: 1 up to 4 characters, 2 up to 8, then 3. */
int att_suggest_reach(const char *typed);

/* Ranked suggestions for a typed word: offer every candidate, then take
 * the nearest (fewest edits, then in the order offered), one per label. */
#define ATT_SUGGEST_MAX 3
typedef struct att_suggest {
  const char *typed;
  int reach;
  size_t n;
  struct {
    int d;
    char label[96]; /* what the suggestion shows: the word, or "JPN (Japan)" */
  } best[ATT_SUGGEST_MAX];
} att_suggest;

void att_suggest_init(att_suggest *s, const char *typed);
/* Offer cand (compared with the typed word); label (NULL: cand) is shown. */
void att_suggest_offer(att_suggest *s, const char *cand, const char *label);
/* "did you mean "a"?" / "did you mean "a", "b" or "c"?" into buf, labels
 * in quotes when quote, or "" when nothing is near.  Returns buf. */
const char *att_suggest_text(const att_suggest *s, int quote, char *buf, size_t cap);

/* 1 if an event of st holds value in field f (the snapshot's dictionary,
 * then the journal's events: nothing else is read), 0 if none does, or
 * a negative code. */
int att_store_holds(att_store *st, att_vocab_field f, const char *value);
/* fn(ud, value) for each value of field f that events of st hold (the
 * snapshot's dictionary, then the journal's events; a value may come
 * twice); a nonzero return of fn stops the walk and is returned. */
int att_store_values(att_store *st, att_vocab_field f, int (*fn)(void *ud, const char *value),
                     void *ud);

/* Is value a known kind or status (f: ATT_VOCAB_KIND or _STATUS) of st?
 * Known: the documented list, the values events of st hold (st may be
 * NULL), and extra[0..nextra) (the store's settings, vocab.kinds and
 * vocab.statuses).  0 if so; else ATT_ENOTFOUND with a message that says
 * the store does not know it, names the nearest known words and lists
 * the documented ones. */
int att_vocab_check(att_store *st, att_vocab_field f, const char *value,
                    const char *const *extra, size_t nextra);
/* The setting that adds words to f's: "vocab.kinds" or "vocab.statuses". */
const char *att_vocab_setting(att_vocab_field f);
/* att_vocab_check with the extra words of st's settings, read for this
 * one check (st NULL: the documented words only). */
int att_vocab_check_store(att_store *st, att_vocab_field f, const char *value);

#endif
