#!/bin/sh
# Colour in list's table (issue 14): on a terminal by default, off when
# piped, off with NO_COLOR, and --color=always|never|auto (a global
# option, before or after the command) wins.  The status is coloured by
# its meaning, the date of an overdue event (planned or confirmed, its
# latest bound past) is bold red, the date of an event under way today is
# in reverse video.  The terminal case runs under a pty (script(1)).
. "$(dirname "$0")/lib.sh"

export TZ=UTC
unset NO_COLOR
ESC=$(printf '\033')
new_store
today=$(date -u +%Y-%m-%d)
ok add --title "Overdue talks" --when 2020-03-01 --status planned --kind talks
ok add --title "Held talks" --when 2020-04-01 --status held --kind talks
ok add --title "Today meeting" --when "$today" --status confirmed --kind meeting
ok add --title "Future visit" --when 2099-01-01 --status cancelled --kind visit

# -- piped (the tests' stdout is a file): no escape at all
ok list
if grep -q "$ESC" "$TMP/out"; then fail "colour in a pipe"; fi
ok list --color=never
if grep -q "$ESC" "$TMP/out"; then fail "colour with --color=never"; fi

# -- --color=always: status, overdue, today
ok --color=always list
grep "Overdue talks" "$TMP/out" | grep -q "${ESC}\[1;31m1 Mar 2020${ESC}\[0m" ||
  fail "overdue date not bold red"
grep "Overdue talks" "$TMP/out" | grep -q "${ESC}\[36mplanned${ESC}\[0m" ||
  fail "planned not cyan"
grep "Held talks" "$TMP/out" | grep -q "${ESC}\[2mheld${ESC}\[0m" || fail "held not dim"
if grep "Held talks" "$TMP/out" | grep -q "31m1 Apr 2020"; then fail "held event shown overdue"; fi
grep "Today meeting" "$TMP/out" | grep -q "${ESC}\[7m$(LC_ALL=C date -u +"%-d %b %Y")${ESC}\[0m" || fail "today not reversed"
grep "Future visit" "$TMP/out" | grep -q "${ESC}\[31mcancelled" || fail "cancelled not red"
if grep "Future visit" "$TMP/out" | grep -q "${ESC}\[[0-9;]*m2099"; then fail "future date coloured"; fi
# the columns stay aligned: the escapes take no room
sed "s/${ESC}\[[0-9;]*m//g" "$TMP/out" >"$TMP/plain"
ok list
cmp -s "$TMP/plain" "$TMP/out" || fail "coloured table differs from the plain one once escapes are removed"
# after the command too, and with --columns
ok list --color=always --columns status,title
grep -q "${ESC}\[36mplanned" "$TMP/out" || fail "--color after the command"
ok list --color --columns status,title
grep -q "${ESC}\[36mplanned" "$TMP/out" || fail "--color alone means always"
# NO_COLOR does not beat an explicit --color=always
NO_COLOR=1 "$ATT" --store "$STORE" --color=always list >"$TMP/out" || fail "NO_COLOR with always"
grep -q "$ESC" "$TMP/out" || fail "--color=always under NO_COLOR"
# -- bad values
expect_rc 2 --color=sometimes list
err_has "always, never or auto"
expect_rc 2 list --color=rainbow
# --json and --csv are never coloured
ok --color=always list --json
if grep -q "$ESC" "$TMP/out"; then fail "colour in --json"; fi
ok --color=always list --csv
if grep -q "$ESC" "$TMP/out"; then fail "colour in --csv"; fi

# -- on a terminal: a pty from script(1)
need script "util-linux"
pty() { # CMD: run it under a pty, its output in $TMP/pty
  script -qec "$1" /dev/null </dev/null >"$TMP/pty" 2>&1 || fail "script: $1: $(cat "$TMP/pty")"
}
pty "'$ATT' --store '$STORE' list"
grep -q "${ESC}\[36mplanned" "$TMP/pty" || fail "no colour on a terminal: $(cat "$TMP/pty")"
pty "NO_COLOR=1 '$ATT' --store '$STORE' list"
grep -q "planned" "$TMP/pty" || fail "NO_COLOR: no table"
if grep -q "${ESC}\[" "$TMP/pty"; then fail "NO_COLOR: colour on a terminal"; fi
pty "'$ATT' --store '$STORE' --color=never list"
if grep -q "${ESC}\[" "$TMP/pty"; then fail "--color=never on a terminal"; fi
pty "'$ATT' --store '$STORE' --color=auto list | cat"
if grep -q "${ESC}\[" "$TMP/pty"; then fail "--color=auto into a pipe on a terminal"; fi
done_ok
