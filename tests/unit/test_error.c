/*
 * Unit tests of the error messages (core/error.c): a message built from
 * the previous one (att__err with att_errmsg() as an argument, which
 * formatting straight into the same buffer garbled), a context prefix
 * (att__errctx), and a message cut at the buffer's size.
 */
#include <string.h>

#include "error.h"
#include "tap.h"

int main(void) {
  char big[2000];
  is_int(att__err(ATT_EINVAL, "the part yearly has no '='"), ATT_EINVAL, "att__err returns its code");
  is_int(att__err(ATT_EINVAL, "event 6 (recur %s): %s", "FREQ=DAILY", att_errmsg()), ATT_EINVAL,
         "a message built from the old one");
  is_str(att_errmsg(), "event 6 (recur FREQ=DAILY): the part yearly has no '='",
         "keeps the old text whole");
  att__err(ATT_EINVAL, "%s; %s", att_errmsg(), att_errmsg());
  ok(strcmp(att_errmsg(), "event 6 (recur FREQ=DAILY): the part yearly has no '='; "
                          "event 6 (recur FREQ=DAILY): the part yearly has no '='") == 0,
     "twice, too: %s", att_errmsg());
  att__err(ATT_EIO, "disk full");
  att__errctx(ATT_EIO, "cannot write %s", "x.jsonl");
  is_str(att_errmsg(), "cannot write x.jsonl: disk full", "errctx prefixes");
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  att__err(ATT_EINVAL, "%s", big);
  ok(strlen(att_errmsg()) > 100 && strlen(att_errmsg()) < sizeof big, "a long message is cut, not overrun");
  att__errclear();
  is_str(att_errmsg(), "", "cleared");
  return done_testing();
}
