/*
 * The users of a store's HTTP API and their tokens (issue 16; docs/http.md,
 * "Users and tokens").  A user has a name (the author its writes are
 * recorded under), a role (reader, editor, admin), an API token and, if
 * asked for, a feed token that reads only the calendar feed.
 *
 * A token is 256 bits from the operating system (getrandom), shown once
 * when it is made, as "att_" (API) or "attf_" (feed) and 64 hex digits.
 * The store keeps only its SHA-256 (Nettle's, core/secret.h), so that a copy
 * of the store gives no one a token.  Finding the user of a token
 * compares the token's hash with every user's in constant time (no early
 * exit, CRYPTO_memcmp): how long it takes says nothing about which user,
 * or whether any, holds it.
 *
 * The users are the store's users.json, replaced whole and atomically
 * under the store's writer lock, mode 0600, as actors.json is.
 */
#ifndef ATT_USERS_H
#define ATT_USERS_H

#include <stddef.h>

#include "date.h"
#include "store.h"

enum { ATT_ROLE_READER = 1, ATT_ROLE_EDITOR, ATT_ROLE_ADMIN };

/* Which token: the API's, or the read-only feed's. */
enum { ATT_TOKEN_API = 1, ATT_TOKEN_FEED };

/* "att_" or "attf_", 64 hex digits, NUL. */
#define ATT_TOKEN_MAX 70
/* The most users a store holds. */
#define ATT_USERS_MAX 10000

typedef struct att_user {
  char *name;
  int role;
  unsigned char token[32]; /* SHA-256 of the API token */
  unsigned char feed[32];  /* SHA-256 of the feed token, if has_feed */
  int has_feed;
  int locked;              /* refused until unlocked */
  att_time created;
} att_user;

typedef struct att_users {
  att_user *v;
  size_t n;
} att_users;

/* "reader", "editor", "admin". */
const char *att_role_name(int role);
/* The role a word names: 0 and *role, or ATT_EINVAL saying which are. */
int att_role_parse(const char *word, int *role);
/* Is name a user name (as an author's: one line of UTF-8, no control
 * characters, at most 64 bytes; and no space at either end)?  0, or
 * ATT_EINVAL saying what is accepted. */
int att_user_name_check(const char *name);
/* The same, for a user being added: also not a name the history gives the
 * daemon's scripts ("rule:x.lua", "NAME via x.lua"). */
int att_user_name_new(const char *name);

/* Read the users of the store in dir (no file: none).  A damaged file is
 * ATT_ECORRUPT naming it. */
int att_users_read(const char *dir, att_users *out);
void att_users_free(att_users *u);
/* fsck: say what is wrong with dir/users.json through say; ATT_ECORRUPT
 * if anything, else 0 (also when there is no file). */
int att_users_verify(const char *dir, void (*say)(void *, const char *), void *ud);
/* Write u as the users of the store in dir, atomically (for fsck
 * --salvage; others change them with the calls below, under the lock). */
int att_users_write(const char *dir, const att_users *u);
/* The user called name, or NULL. */
const att_user *att_users_find(const att_users *u, const char *name);

/* Who holds token: 1 with *who (in u) and *kind (ATT_TOKEN_API or
 * ATT_TOKEN_FEED), or 0 if no one (a token of the wrong form, an unknown
 * one, and a locked user's are all 0: the caller cannot tell them apart
 * by the answer or its time).  Constant time in the token. */
int att_users_auth(const att_users *u, const char *token, const att_user **who, int *kind);

/* Add a user with a new API token, written into token[ATT_TOKEN_MAX],
 * under st's writer lock.  ATT_EINVAL for a bad name or role,
 * ATT_EEXISTS for a name taken. */
int att_user_add(att_store *st, const char *name, int role, char *token);
/* Remove a user (ATT_ENOTFOUND, with a did-you-mean, if none). */
int att_user_remove(att_store *st, const char *name);
/* Give a user a new token of kind (the old one stops working at once). */
int att_user_token(att_store *st, const char *name, int kind, char *token);
/* Change a user's role. */
int att_user_set_role(att_store *st, const char *name, int role);
/* Lock (1) or unlock (0) a user: a locked user's tokens are refused. */
int att_user_lock(att_store *st, const char *name, int locked);

#endif
