#!/bin/sh
# attache history and history prune (issue 15): a prune drops the versions
# replaced and the events removed before a date, shows what it will drop,
# asks on a terminal, and is itself a change that log shows with its
# author and reason.  Reads at or after the bound answer as before; reads
# before it, and changes, revisions and restores it dropped, are refused
# with a message that names the prune.  Bad input changes nothing.
. "$(dirname "$0")/lib.sh"
need script "bsdutils"

export TZ=UTC
ATTACHE_AUTHOR=alice
export ATTACHE_AUTHOR

# same_log FILE: log --json is what FILE holds (nothing was changed).
same_log() {
  ok log --json --all
  cmp -s "$1" "$TMP/out" || fail "the history changed: $(diff "$1" "$TMP/out")"
}
# past_second: wait (polling the clock, with a deadline) until the
# current second is over, with a margin for the coarse clock that
# time(2) reads; then NOW is the new second as a time --before takes.
past_second() {
  t=$(date +%s)
  deadline=$((t + WAIT_S))
  while :; do
    ns=$(date +%s%N)
    [ "$ns" -ge $(((t + 1) * 1000000000 + 100000000)) ] && break
    [ "$(date +%s)" -lt "$deadline" ] || fail "the clock does not move"
  done
  NOW=$(date -u -d "@$((t + 1))" +"%Y-%m-%d %H:%M:%S")
}

new_store
ok history
out_is "history: every change since the store was made (never pruned)"

# -- Usage errors, each changing nothing.
expect_rc 2 history prune
err_has "history prune needs --before WHEN"
expect_rc 2 history trim
err_has "unknown 'history trim'"
expect_rc 2 history --before 2024-01-01
err_has "go with history prune"
expect_rc 2 history prune --before "the day after"
err_has "--before takes a date or time"
expect_rc 2 history prune --before 2024-01-01 extra
err_has "unexpected operand 'extra'"
expect_rc 2 history prune --before 2024-01-01 </dev/null
err_has "not on a terminal"
err_has "give --yes"
expect_rc 2 history prune --before 2024-01-01 --yes --reason "$(printf 'two\nlines')"
expect_rc 1 history prune --before tomorrow --yes
err_has "that is in the future"
err_has "give a date or time up to now"

# -- Changes before the bound: an update of event 1 (rev 1 replaced), and
# event 2 added and removed.
ok add --title "CDC meeting" --when "early 2024" --kind meeting --key cdc
ok update cdc when=2024-03-12 --reason "date confirmed by cable"
ok add --title "Courtesy call" --when 2023-12-18 --kind call
ok rm 2 --reason "duplicate"
ok export
cp "$TMP/out" "$TMP/export-before"
past_second
B=$NOW
# -- After it: rev 2 of event 1 is replaced, event 3 comes and goes.
ok update cdc status=confirmed
ok add --title "Visit" --when 2024-05 --kind visit
ok rm 3
ok export
cp "$TMP/out" "$TMP/export-now"
ok list --as-of "$B" --edtf
cp "$TMP/out" "$TMP/list-at-b"
ok log --json --all
cp "$TMP/out" "$TMP/log-before"
expect_rc 1 history prune --before tomorrow --yes
same_log "$TMP/log-before"

# -- The dry run counts and changes nothing: cdc's rev 1, event 2's
# version and its removal.
ok history prune --before "$B" --dry-run
out_has "to prune: 3 versions of the history before $B UTC"
out_has "can no longer be shown, reverted or restored"
out_has "(a dry run: nothing was changed)"
same_log "$TMP/log-before"

# -- On a terminal: no changes nothing, yes prunes.
printf 'n\n' | script -qec "'$ATT' --store '$STORE' history prune --before '$B'" /dev/null \
  >"$TMP/tty" 2>&1 || true
grep -q "prune? \[y/N\]" "$TMP/tty" || fail "no question on a terminal: $(cat "$TMP/tty")"
grep -q "nothing was changed" "$TMP/tty" || fail "no refusal on 'n': $(cat "$TMP/tty")"
same_log "$TMP/log-before"
printf 'y\n' | script -qec "'$ATT' --store '$STORE' history prune --before '$B' --reason 'retention: two years'" \
  /dev/null >"$TMP/tty" 2>&1 || true
grep -q "pruned the history before $B UTC: 3 versions dropped, as change 8" "$TMP/tty" ||
  fail "no prune on 'y': $(cat "$TMP/tty")"

# -- What is kept, and the prune in the log.
ok history
out_has "history: kept from $B UTC; change 8 dropped what came before"
ok log -n 1
out_has "change 8"
out_has "alice  prune of the history before ${B%:*} (3 versions dropped)"
out_has "reason: retention: two years"
ok log --json -n 1
json_lines
out_has '"op":"prune"'
out_has '"dropped":3'
out_has '"reason":"retention: two years"'
cat >"$TMP/changes.lua" <<'LUA'
local at = require "attache"
local c = at.changes{limit = 1}[1]
print(c.op, c.id, c.seq, c.author, c.reason, c.dropped, tostring(c.bound), c.before, c.after)
for _, x in ipairs(at.changes{}) do assert(x.seq >= 5, "change " .. x.seq .. " listed") end
LUA
ok run "$TMP/changes.lua"
out_is "$(printf 'prune	0	8	alice	retention: two years	3	%s	nil	nil' "$(date -u -d "$B" +%Y-%m-%dT%H:%M:%SZ)")"
ok log --json --all
grep -q '"seq":2,' "$TMP/out" && fail "the update before the bound is still listed"
grep -q '"seq":5,' "$TMP/out" || fail "the update after the bound is gone"

# -- The present and every read at or after the bound answer as before.
ok export
cmp -s "$TMP/export-now" "$TMP/out" || fail "the events changed: $(diff "$TMP/export-now" "$TMP/out")"
ok list --as-of "$B" --edtf
cmp -s "$TMP/list-at-b" "$TMP/out" || fail "as of the bound: $(diff "$TMP/list-at-b" "$TMP/out")"
ok show 1@2
out_has "revision 2 of 3, replaced by change 5"
ok show 3@1
out_has "Visit"
ok restore 3 --dry-run
out_has "restore event 3"

# -- Before the bound: refused, naming the prune.
expect_rc 1 list --as-of 2024-01-01
err_has "change 8 dropped the history before"
expect_rc 1 show 1@1
err_has "not in the history kept"
err_has "the revisions kept are"
expect_rc 1 log 2
err_has "event 2 has no change in the history kept: change 8 dropped the history before"
err_has "Z, and the event is removed"
expect_rc 1 restore 2 --yes
err_has "event 2 cannot be restored"
expect_rc 1 revert 2 --yes
err_has "older than the history kept"
expect_rc 1 undo --yes
err_has "a prune cannot be undone"
expect_rc 1 history prune --before "$B" --yes
err_has "was already pruned (change 8)"
# an earlier bound: the message names the bound to pass, not the one given
expect_rc 1 history prune --before 2000-01-01 --yes
err_has "and 2000-01-01T00:00:00Z is not later: give a later date than 20"
if grep -q "later date than 2000" "$TMP/err"; then fail "the message asks for a date later than the one given: $(cat "$TMP/err")"; fi
expect_rc 1 log 99
err_has "no event with id 99: none was ever added"

# -- It holds across compaction and a check of every record.
ok compact
ok fsck
ok history
out_has "kept from $B UTC"
expect_rc 1 list --as-of 2024-01-01
ok export
cmp -s "$TMP/export-now" "$TMP/out" || fail "compaction changed the events"

# -- A later prune drops more; completion knows the command.
ok update cdc status=held
past_second
ok history prune --before "$NOW" --yes
out_has "5 versions dropped, as change 10"
ok log -n 1
out_has "prune of the history before"
ok log --json --all
grep -q '"seq":8,' "$TMP/out" && fail "the first prune, before the second bound, is still listed"
ok show 1@4
ok fsck
ok __complete history ""
out_has prune
ok __complete history prune --b
out_has --before
done_ok
