/*
 * Unit tests of core/author.c: what an author's name and a reason may be
 * (one line of UTF-8, no control characters, 1 to 64 and 1 to 500 bytes),
 * the messages that name the input, and the login name of the process.
 */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "author.h"
#include "error.h"
#include "settings.h"
#include "tap.h"

static void authors(void) {
  char big[ATT_AUTHOR_MAX + 2];
  is_int(att_author_check("ATTACHE_AUTHOR", "Sok Dara"), 0, "a name");
  is_int(att_author_check("ATTACHE_AUTHOR", "rule:agenda.lua"), 0, "a rule's name");
  is_int(att_author_check("ATTACHE_AUTHOR", "長谷川 ソック"), 0, "Japanese");
  is_int(att_author_check("ATTACHE_AUTHOR", "ស៊ុក ដារ៉ា"), 0, "Khmer");
  memset(big, 'a', ATT_AUTHOR_MAX);
  big[ATT_AUTHOR_MAX] = '\0';
  is_int(att_author_check("x", big), 0, "64 bytes");
  big[ATT_AUTHOR_MAX] = 'a';
  big[ATT_AUTHOR_MAX + 1] = '\0';
  is_int(att_author_check("ATTACHE_AUTHOR", big), ATT_EINVAL, "65 bytes");
  ok(strstr(att_errmsg(), "ATTACHE_AUTHOR is 65 bytes long") != NULL, "says so: %s", att_errmsg());
  is_int(att_author_check("history.author", ""), ATT_EINVAL, "empty");
  ok(strstr(att_errmsg(), "history.author is empty") != NULL, "names it: %s", att_errmsg());
  is_int(att_author_check("a", NULL), ATT_EINVAL, "NULL");
  is_int(att_author_check("a", "two\nlines"), ATT_EINVAL, "a line feed");
  ok(strstr(att_errmsg(), "\"two\\nlines\"") != NULL, "shown escaped: %s", att_errmsg());
  is_int(att_author_check("a", "tab\there"), ATT_EINVAL, "a tab");
  is_int(att_author_check("a", "esc\033[31m"), ATT_EINVAL, "ESC");
  is_int(att_author_check("a", "del\177"), ATT_EINVAL, "DEL");
  is_int(att_author_check("a", "c1\xc2\x9b"), ATT_EINVAL, "a C1 control (CSI)");
  is_int(att_author_check("a", "nbsp\xc2\xa0ok"), 0, "U+00A0 is not a control");
  is_int(att_author_check("a", "bad\xff"), ATT_EINVAL, "not UTF-8");
  is_int(att_author_check("a", "over\xc0\xaf"), ATT_EINVAL, "an overlong");
}

static void reasons(void) {
  char big[ATT_REASON_MAX + 2];
  memset(big, 'r', ATT_REASON_MAX);
  big[ATT_REASON_MAX] = '\0';
  is_int(att_reason_check("--reason", big), 0, "500 bytes");
  big[ATT_REASON_MAX] = 'r';
  big[ATT_REASON_MAX + 1] = '\0';
  is_int(att_reason_check("--reason", big), ATT_EINVAL, "501 bytes");
  ok(strstr(att_errmsg(), "a reason is at most 500 bytes") != NULL, "says so: %s", att_errmsg());
  is_int(att_reason_check("--reason", "date confirmed by embassy cable"), 0, "a reason");
  is_int(att_reason_check("--reason", "a\rb"), ATT_EINVAL, "a CR");
}

static void login(void) {
  char buf[ATT_AUTHOR_MAX + 32];
  struct passwd *pw = getpwuid(geteuid());
  const char *got = att_author_login(buf, sizeof buf);
  ok(got == buf, "written in buf");
  if (pw && pw->pw_name && *pw->pw_name)
    is_str(got, pw->pw_name, "the account's login name");
  else
    ok(strncmp(got, "uid ", 4) == 0, "uid N without an account: %s", got);
  is_int(att_author_check("login", got), 0, "which is a valid author");
}

static void setting(void) {
  att_settings *s;
  int i = att_settings_find("history.author");
  ok(i >= 0, "history.author is a setting");
  ok(att_settings_new(&s) == 0, "defaults");
  ok(att_settings_get(s, "history.author") == NULL, "unset by default");
  att_settings_free(s);
}

int main(void) {
  authors();
  reasons();
  login();
  setting();
  return done_testing();
}
