/*
 * The checks of an author's name and a reason, and the login name of the
 * process's user (author.h).
 */
#include "author.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "text.h"

/* One line of text: valid UTF-8, no C0 or C1 control character, no DEL,
 * 1 to max bytes. */
static int check_line(const char *what, const char *s, size_t max, const char *noun) {
  char shown[120];
  size_t n = s ? strlen(s) : 0;
  if (n == 0)
    return att__err(ATT_EINVAL, "%s is empty; give %s of 1 to %zu bytes on one line", what, noun,
                    max);
  if (n > max)
    return att__err(ATT_EINVAL, "%s is %zu bytes long; %s is at most %zu bytes on one line",
                    what, n, noun, max);
  if (att_utf8_check(s, n) != 0) return att__errctx(ATT_EINVAL, "%s", what);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    /* U+0080..U+009F are 0xC2 0x80..0x9F in UTF-8. */
    int c1 = c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] <= 0x9F;
    if (c < 0x20 || c == 0x7F || c1)
      return att__err(ATT_EINVAL,
                      "%s %s holds a control character (byte %zu); %s is one line of text "
                      "without control characters",
                      what, att__show(shown, sizeof shown, s, n, 60), i + 1, noun);
  }
  return 0;
}

int att_author_check(const char *what, const char *s) {
  return check_line(what, s, ATT_AUTHOR_MAX, "an author");
}

int att_reason_check(const char *what, const char *s) {
  return check_line(what, s, ATT_REASON_MAX, "a reason");
}

const char *att_author_login(char *buf, size_t cap) {
  uid_t uid = geteuid();
  struct passwd pw, *res = NULL;
  char tmp[4096];
  if (getpwuid_r(uid, &pw, tmp, sizeof tmp, &res) == 0 && res && res->pw_name &&
      res->pw_name[0] && check_line("", res->pw_name, ATT_AUTHOR_MAX, "") == 0) {
    snprintf(buf, cap, "%s", res->pw_name);
    return buf;
  }
  att__errclear();
  snprintf(buf, cap, "uid %lu", (unsigned long)uid);
  return buf;
}
