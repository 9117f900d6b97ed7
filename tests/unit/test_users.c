/*
 * Tests of core/users.h: users of the HTTP API and their tokens.  Tokens
 * are of the documented form, differ every time, and are never stored
 * (the file holds only their SHA-256); each token finds its user and
 * kind, and nothing else finds anyone (a wrong token, one of the wrong
 * form, a replaced one, a locked user's, a removed user's); bad names
 * and roles are refused, naming what is accepted, and change nothing; a
 * damaged file is an error naming it, found by fsck; a failure at any
 * write, sync or rename before the file is replaced leaves the users as
 * they were, and one after it (the directory's sync) says so.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fault.h"
#include "store_int.h"
#include "tap.h"
#include "testutil.h"
#include "users.h"

static char dir[4096], file[4200];

/* The user a token names, or "" for none. */
static const char *who_is(att_store *st, const char *token, int *kind) {
  static char name[128];
  att_users u;
  const att_user *w;
  int k = 0;
  name[0] = '\0';
  if (att_users_read(att_store_dir(st), &u) != 0) return "(unreadable)";
  if (att_users_auth(&u, token, &w, &k) == 1) snprintf(name, sizeof name, "%s", w->name);
  att_users_free(&u);
  if (kind) *kind = k;
  return name;
}

static int token_form(const char *t, const char *prefix) {
  size_t p = strlen(prefix);
  if (strncmp(t, prefix, p) != 0 || strlen(t) != p + 64) return 0;
  for (size_t i = p; t[i]; i++)
    if (!isxdigit((unsigned char)t[i]) || isupper((unsigned char)t[i])) return 0;
  return 1;
}

static void names_and_roles(void) {
  int r = 0;
  ok(att_role_parse("editor", &r) == 0 && r == ATT_ROLE_EDITOR, "editor is a role");
  ok(att_role_parse("root", &r) == ATT_EINVAL && strstr(att_errmsg(), "reader") &&
         strstr(att_errmsg(), "admin"),
     "an unknown role is refused, naming the roles: %s", att_errmsg());
  is_str(att_role_name(ATT_ROLE_ADMIN), "admin", "admin's name");
  ok(att_user_name_check("ana") == 0 && att_user_name_check("Sok Chenda") == 0, "names");
  ok(att_user_name_check("") != 0, "an empty name is refused");
  ok(att_user_name_check(" ana") != 0 && strstr(att_errmsg(), "space"), "a leading space: %s",
     att_errmsg());
  ok(att_user_name_check("a\nb") != 0, "a name of two lines is refused");
  ok(att_user_name_check("\xff") != 0, "a name that is not UTF-8 is refused");
}

static void tokens(att_store *st) {
  char ana[ATT_TOKEN_MAX], bob[ATT_TOKEN_MAX], feed[ATT_TOKEN_MAX], old[ATT_TOKEN_MAX];
  char *text;
  size_t n;
  int kind;
  struct stat sb;
  att_users u;

  is_int(att_user_add(st, "ana", ATT_ROLE_EDITOR, ana), 0, "ana is added");
  ok(token_form(ana, "att_"), "her token is att_ and 64 hex digits: %s", ana);
  is_int(att_user_add(st, "bob", ATT_ROLE_READER, bob), 0, "bob is added");
  ok(strcmp(ana, bob) != 0, "two tokens differ");
  is_int(att_user_add(st, "ana", ATT_ROLE_ADMIN, old), ATT_EEXISTS, "a name taken is refused");
  ok(old[0] == '\0', "and no token is given");
  is_int(att_user_add(st, "x\ty", ATT_ROLE_READER, old), ATT_EINVAL, "a bad name is refused");
  is_int(att_user_add(st, "carl", 9, old), ATT_EINVAL, "a bad role is refused");

  text = tu_read_file(file, &n);
  if (text) text[n] = '\0'; /* its spare byte */
  ok(text && !strstr(text, ana + 4) && !strstr(text, bob + 4), "the file holds no token");
  ok(text && strstr(text, "\"token_sha256\""), "but their hashes");
  free(text);
  memset(&sb, 0, sizeof sb);
  {
    int st_rc = stat(file, &sb);
    ok(st_rc == 0 && (sb.st_mode & 077) == 0, "users.json is the owner's alone (%o)",
       (unsigned)(sb.st_mode & 0777));
  }

  is_str(who_is(st, ana, &kind), "ana", "ana's token is ana's");
  is_int(kind, ATT_TOKEN_API, "an API token");
  is_str(who_is(st, bob, NULL), "bob", "bob's is bob's");
  {
    char wrong[ATT_TOKEN_MAX];
    strcpy(wrong, ana);
    wrong[10] = wrong[10] == 'a' ? 'b' : 'a';
    is_str(who_is(st, wrong, NULL), "", "one digit changed: no one");
    wrong[10] = ana[10];
    wrong[10] = (char)toupper((unsigned char)wrong[10]);
    if (wrong[10] != ana[10]) is_str(who_is(st, wrong, NULL), "", "upper case: no one");
    else
      ok(1, "(the digit has no upper case)");
    is_str(who_is(st, "", NULL), "", "an empty token: no one");
    is_str(who_is(st, "att_", NULL), "", "a prefix alone: no one");
    is_str(who_is(st, ana + 4, NULL), "", "without its prefix: no one");
    strcpy(wrong, ana);
    strcat(wrong, "0");
    is_str(who_is(st, wrong, NULL), "", "one digit more: no one");
  }

  /* A feed token reads the feed only, and is told apart. */
  is_int(att_user_token(st, "bob", ATT_TOKEN_FEED, feed), 0, "bob gets a feed token");
  ok(token_form(feed, "attf_"), "attf_ and 64 hex digits: %s", feed);
  is_str(who_is(st, feed, &kind), "bob", "the feed token is bob's");
  is_int(kind, ATT_TOKEN_FEED, "as a feed token");
  is_str(who_is(st, bob, &kind), "bob", "his API token still works");
  is_int(kind, ATT_TOKEN_API, "as an API token");

  /* A new token replaces the old at once. */
  strcpy(old, ana);
  is_int(att_user_token(st, "ana", ATT_TOKEN_API, ana), 0, "ana gets a new token");
  ok(strcmp(old, ana) != 0, "a different one");
  is_str(who_is(st, old, NULL), "", "the old one finds no one");
  is_str(who_is(st, ana, NULL), "ana", "the new one is hers");
  is_int(att_user_token(st, "anna", ATT_TOKEN_API, old), ATT_ENOTFOUND, "an unknown user");
  ok(strstr(att_errmsg(), "ana") != NULL, "with a did-you-mean: %s", att_errmsg());

  /* Locked, unlocked, role, removed. */
  is_int(att_user_lock(st, "ana", 1), 0, "ana is locked");
  is_str(who_is(st, ana, NULL), "", "a locked user's token finds no one");
  is_int(att_user_lock(st, "ana", 0), 0, "and unlocked");
  is_str(who_is(st, ana, NULL), "ana", "it works again");
  is_int(att_user_set_role(st, "bob", ATT_ROLE_ADMIN), 0, "bob becomes an admin");
  is_int(att_user_set_role(st, "bob", 0), ATT_EINVAL, "no role 0");
  is_int(att_users_read(dir, &u), 0, "the users read back");
  ok(u.n == 2 && att_users_find(&u, "bob") && att_users_find(&u, "bob")->role == ATT_ROLE_ADMIN &&
         att_users_find(&u, "bob")->has_feed && !att_users_find(&u, "ana")->has_feed,
     "with their roles and feed tokens");
  att_users_free(&u);
  is_int(att_user_remove(st, "bob"), 0, "bob is removed");
  is_str(who_is(st, bob, NULL), "", "his token finds no one");
  is_str(who_is(st, feed, NULL), "", "nor his feed token");
  is_int(att_user_remove(st, "bob"), ATT_ENOTFOUND, "he is gone");
}

/* A failure at each write, sync and rename of an add leaves the file as
 * it was and gives no token; with faults off the add succeeds. */
static void faults(void) {
  char *before, *after, tok[ATT_TOKEN_MAX];
  size_t bn, an;
  long tried = 0, bad = 0, placed = 0;
  int done = 0;
  before = tu_read_file(file, &bn);
  for (long k = 1; k < 200 && !done; k++) {
    att_store *st = tu_open_write(dir);
    int rc;
    long hit;
    if (!st) break;
    att_fault_arm(k, 0, ATT_FAULT_ALL, 0);
    rc = att_user_add(st, "dara", ATT_ROLE_READER, tok);
    hit = att_fault_off();
    if (hit == 0) {
      done = rc == 0 && token_form(tok, "att_");
    } else {
      tried++;
      after = tu_read_file(file, &an);
      if (rc == 0) bad++;
      else if (after && an == bn && memcmp(after, before, bn) == 0) {
        if (tok[0]) bad++; /* unchanged: no token to show */
      } else {
        /* only the directory's sync failed: the user is there, the
         * error says so, and the token is given */
        placed++;
        if (!strstr(att_errmsg(), "may not be after a power loss") || !token_form(tok, "att_") ||
            strcmp(who_is(st, tok, NULL), "dara") != 0)
          bad++;
        att_user_remove(st, "dara");
      }
      free(after);
    }
    att_store_close(st);
  }
  ok(tried >= 3 && bad == 0,
     "a fault at each of %ld I/O steps of an add changes nothing, or (%ld: the directory's sync) "
     "says the change was made and gives its token (%ld wrong)",
     tried, placed, bad);
  ok(placed == 2, "two steps come after the rename: the directory's open and sync (%ld)", placed);
  ok(done, "without a fault the add is made");
  free(before);
}

int main(void) {
  att_store *st;
  snprintf(dir, sizeof dir, "/tmp/attache-users-%d", (int)getpid());
  snprintf(file, sizeof file, "%s/users.json", dir);
  tu_rmrf(dir);
  names_and_roles();
  if (att_store_init(dir) != 0 || !(st = tu_open_write(dir))) {
    printf("Bail out! %s\n", att_errmsg());
    return 1;
  }
  {
    att_users u;
    ok(att_users_read(dir, &u) == 0 && u.n == 0, "a new store has no users");
    att_users_free(&u);
  }
  tokens(st);
  att_store_close(st);

  /* Damage: named, and found by fsck. */
  {
    static const char *bad[] = {
        "not json", "{}", "{\"users\":[{\"name\":\"a\"}]}",
        "{\"users\":[{\"name\":\"a\",\"role\":\"boss\",\"token_sha256\":\"00\",\"created\":\"2024-01-01T00:00:00Z\"}]}",
        "{\"users\":[{\"name\":\"a\",\"role\":\"reader\",\"token_sha256\":\"0g\",\"created\":\"2024-01-01T00:00:00Z\"}]}",
    };
    char *keep;
    size_t kn;
    att_users u;
    keep = tu_read_file(file, &kn);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
      FILE *f = fopen(file, "w");
      fputs(bad[i], f);
      fclose(f);
      ok(att_users_read(dir, &u) == ATT_ECORRUPT && strstr(att_errmsg(), "users.json"),
         "damage %zu is named: %s", i, att_errmsg());
      ok(att_users_verify(dir, NULL, NULL) == ATT_ECORRUPT, "and fsck finds it");
    }
    {
      FILE *f = fopen(file, "w");
      fwrite(keep, 1, kn, f);
      fclose(f);
    }
    free(keep);
    ok(att_users_verify(dir, NULL, NULL) == 0, "the file restored verifies");
  }

  faults();
  tu_rmrf(dir);
  return done_testing();
}
