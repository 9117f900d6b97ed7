# attache fsck: an intact store passes; damage in the middle of the journal
# makes opening refuse, fsck report where, and --salvage copy the intact
# events (with their ids) into a new store, leaving the damaged one as it was.
. "$(dirname "$0")/lib.sh"

ok init
for t in one two three four five; do ok add --title "$t" --when 2024; done
ok fsck
out_has "every record is intact"
out_has "10 intact records in 5 complete writes" # each: its change record and the event

# Damage the third event's record: one byte flipped inside its title.
cp "$STORE/journal" "$TMP/journal.before"
at=$(grep -boa '"title":"three"' "$STORE/journal" | cut -d: -f1)
[ -n "$at" ] || fail "the third event is not in the journal"
printf '\377' | dd of="$STORE/journal" bs=1 seek=$((at + 10)) conv=notrunc 2>/dev/null
cp "$STORE/journal" "$TMP/journal.damaged"
expect_rc 1 list
err_has "is damaged at byte"
err_has "fsck --salvage"
expect_rc 1 fsck
out_has "damaged; intact records resume at byte"
err_has "damaged records found"
cmp -s "$STORE/journal" "$TMP/journal.damaged" || fail "fsck changed the damaged journal"

expect_rc 0 fsck --salvage "$TMP/saved"
out_has "salvaged 4 events"
STORE=$TMP/saved
ok list --json
[ "$(wc -l <"$TMP/out")" -eq 4 ] || fail "the salvaged store should hold 4 events"
out_has '"id":1,'
out_lacks '"title":"three"'  # the damaged record
ok fsck
out_has "every record is intact"
expect_rc 1 fsck --salvage "$TMP/saved"
err_has "already exists"
echo "ok - fsck ($NCHECKS checks)"
