#!/bin/sh
# undo, revert and restore (issue 15): each reverses recorded changes as a
# new write, shows what it will do and asks on a terminal (--yes without
# one), and refuses, naming the later change, the key's holder or the
# linker, whatever would conflict; a refusal changes nothing.  Recurring
# events get their rule and occurrences back; undo of an undo redoes.
. "$(dirname "$0")/lib.sh"
need script "bsdutils"

export TZ=UTC
ATTACHE_AUTHOR=alice
export ATTACHE_AUTHOR

# as_bob CMD...: run a check with bob as the author.
as_bob() {
  ATTACHE_AUTHOR=bob
  "$@"
  ATTACHE_AUTHOR=alice
}
# newest: the number of the newest change, read from the message of a
# revert of a change that does not exist.
newest() {
  expect_rc 1 revert 999999 --yes
  NEWEST=$(sed -n 's/.*numbered 1 to \([0-9]*\).*/\1/p' "$TMP/err")
  [ -n "$NEWEST" ] || NEWEST=0
}
# same_as FILE: the store's events are those saved in FILE (export).
same_as() {
  ok export
  cmp -s "$1" "$TMP/out" || fail "the store changed: $(diff "$1" "$TMP/out")"
}

new_store

# -- Nothing to undo, and the confirmation.
expect_rc 1 undo --yes
err_has "nothing to undo: alice has made no change to this store"
expect_rc 2 undo </dev/null
err_has "not on a terminal"
err_has "give --yes"
expect_rc 2 revert </dev/null
err_has "which change?"
expect_rc 2 revert abc --yes
err_has "the change \"abc\" is not a number"
expect_rc 2 revert 0 --yes
err_has "the change \"0\" is not one (they start at 1)"
expect_rc 1 revert 42 --yes
err_has "there is no change 42: the store has no changes yet"

# -- A recurring event: the revert of a change to its rule brings the old
# rule and its occurrences back.
ok add --title "Weekly call" --kind meeting --when 2025-01-02T09:00:00Z --recur "FREQ=WEEKLY;COUNT=6"
ok list --from 2025-01-13 --to 2025-01-19 --edtf
out_has "1*  2025-01-16T09:00:00Z"
ok update 1 "recur=FREQ=MONTHLY;COUNT=2"
ok list --from 2025-01-13 --to 2025-01-19 --edtf
out_lacks "Weekly call"
expect_rc 2 revert 2 </dev/null
# --dry-run shows the plan, without a terminal, and changes nothing.
ok export
cp "$TMP/out" "$TMP/before"
ok revert 2 --dry-run </dev/null
out_has "put event 1 \"Weekly call\" back at its revision 1 (undoing change 2):"
out_has "(a dry run: nothing was changed)"
out_lacks "reverted"
same_as "$TMP/before"
ok revert 2 --yes
out_has "to revert this change:"
out_has "change 2, update of event 1 by alice on"
out_has "put event 1 \"Weekly call\" back at its revision 1 (undoing change 2):"
out_has "recur:"
out_has "reverted change 2: event 1 back at its revision 1 (now revision 3), as change 3"
ok get 1 --json
out_has '"recur":"FREQ=WEEKLY;COUNT=6"'
ok list --from 2025-01-13 --to 2025-01-19 --edtf
out_has "1*  2025-01-16T09:00:00Z"

# -- Undo, and undo of the undo (a redo).
ok update 1 "title=Weekly call with Tokyo"
ok undo --yes
out_has "undid change 4: event 1 back at its revision 3 (now revision 5), as change 5"
ok get 1 --json
out_has '"title":"Weekly call"'
ok undo --yes --reason "it was right after all"
out_has "undid change 5: event 1 back at its revision 4 (now revision 6), as change 6"
ok get 1 --json
out_has '"title":"Weekly call with Tokyo"'

# -- Another author's later change: alice's undo conflicts and names it.
as_bob ok update 1 status=confirmed
ok export
cp "$TMP/out" "$TMP/before"
newest
n0=$NEWEST
[ "$n0" = 7 ] || fail "expected 7 changes, got $n0"
expect_rc 1 undo --yes
err_has "change 7 by bob on"
err_has "changed event 1 after change 6"
expect_rc 1 revert 4 --yes
err_has "change 7 by bob"
same_as "$TMP/before"
newest
[ "$NEWEST" = "$n0" ] || fail "a refused undo wrote a change ($n0 -> $NEWEST)"
# bob's undo takes bob's last write.
as_bob ok undo --yes
out_has "undid change 7: event 1 back at its revision 6 (now revision 8), as change 8"

# -- Restore: the event's own links come back; the links others had to it,
# dropped by rm --force, are named, not brought back silently.
ok add --title "Talks" --when 2025-03 --key talks            # 2, change 9
ok add --title "Follow-up" --when 2025-04 --key follow --link follows=talks  # 3
ok add --title "Note" --when 2025-04 --link related=follow   # 4
ok rm --force follow
expect_rc 1 restore 2 --yes
err_has "event 2 is not removed"
expect_rc 1 restore 99 --yes
err_has "no event 99 was ever in the store"
ok restore 3 --yes
out_has "to restore this change:"
out_has "restore event 3 \"Follow-up\" at its revision 1"
out_has "note: event 4 linked to event 3 (related) until change"
out_has "restored event 3 \"Follow-up\" at its revision 1 (now revision 2), as change"
ok get 3 --json
out_has '"key":"follow"'
out_has '"links":[{"rel":"follows","id":2}]'
ok get 4 --json
out_lacks '"links"'

# The key taken since: restore refuses, naming the holder.
ok rm follow
ok add --title "Other" --when 2025-05 --key follow           # 5
ok export
cp "$TMP/out" "$TMP/before"
newest
n0=$NEWEST
expect_rc 1 restore 3 --yes
err_has "has the key \"follow\", which event 5 holds now"
expect_rc 1 restore 3 -n
err_has "which event 5 holds now"
same_as "$TMP/before"
newest
[ "$NEWEST" = "$n0" ] || fail "a refused restore wrote a change"

# Undoing an add others link to: refused, naming the linker.
ok add --title "Base" --when 2025-06 --key base              # 6
as_bob ok add --title "Child" --when 2025-06 --link part-of=base
expect_rc 1 undo --yes
err_has "event 7 links to event 6 (part-of)"
ok get 6

# The whole write of a forced removal, reverted: the links come back too.
ok rm --force base
newest
ok revert "$NEWEST" --batch --yes
out_has "reverted change"
ok get 7 --json
out_has '"links":[{"rel":"part-of","id":6}]'

# -- On a terminal: the preview, then y/N.
printf 'n\n' | script -qec "'$ATT' --store '$STORE' undo" /dev/null >"$TMP/tty" 2>&1 || true
grep -q "undo? \[y/N\]" "$TMP/tty" || fail "no prompt on a terminal: $(cat "$TMP/tty")"
grep -q "nothing was changed" "$TMP/tty" || fail "'n' did not cancel: $(cat "$TMP/tty")"
ok get 6
printf 'y\n' | script -qec "'$ATT' --store '$STORE' undo" /dev/null >"$TMP/tty" 2>&1 || true
grep -q "undid change" "$TMP/tty" || fail "'y' did not undo: $(cat "$TMP/tty")"
expect_rc 1 get 6

# -- An import is one write: undo removes all it added, in one write,
# also after a compaction.
printf '%s\n' '{"title":"Imp 1","when":"2025-07"}' '{"title":"Imp 2","when":"2025-07"}' \
  '{"title":"Imp 3","when":"2025-07"}' >"$TMP/imp.jsonl"
ok import "$TMP/imp.jsonl"
ok compact
ok undo --yes
out_has "to undo these changes (one write):"
[ "$(grep -c '^undid change' "$TMP/out")" = 3 ] || fail "undo of the import: not 3 events removed"
ok list --text Imp
out_lacks "Imp"
ok undo --yes
[ "$(grep -c '^undid change' "$TMP/out")" = 3 ] || fail "redo of the import: not 3 events back"
ok list --text Imp
out_has "Imp 3"
ok undo --yes
# A large write: the preview shows 20 changes and events, then a count;
# the report names every event.
i=0
while [ $i -lt 30 ]; do
  printf '{"title":"Bulk %d","when":"2025-08"}\n' $i
  i=$((i + 1))
done >"$TMP/bulk.jsonl"
ok import "$TMP/bulk.jsonl"
ok undo --dry-run
out_has "and 10 more changes"
out_has "and the same for 10 more events"
[ "$(grep -c '^  remove event' "$TMP/out")" = 20 ] || fail "the preview does not show 20 events"
ok undo --yes
[ "$(grep -c '^undid change' "$TMP/out")" = 30 ] || fail "the report does not name 30 events"
expect_rc 2 restore base --yes
err_has "\"base\" is not an id"

done_ok
