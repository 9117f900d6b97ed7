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

# -- a snapshot whose header cannot be read (cut by a byte, a byte of the
# header changed): its records are read one by one, every event is
# saved, and no id is given again (salvage saved none, exit 0, and the
# copy gave id 1 again)
STORE=$TMP/ex
ok init
ok import "$EXAMPLE"
ok compact
cp -a "$STORE" "$TMP/ex-intact"
for damage in cut flip; do
  rm -rf "$STORE" "$TMP/sv-$damage"
  cp -a "$TMP/ex-intact" "$STORE"
  case $damage in
  cut) truncate -s -1 "$STORE/snapshot" ;;
  flip) printf '\377' | dd of="$STORE/snapshot" bs=1 seek=40 conv=notrunc 2>/dev/null ;;
  esac
  expect_rc 1 fsck
  case $damage in cut) out_has "is $(($(wc -c <"$TMP/ex-intact/snapshot") - 1)) bytes, its header says" ;; esac
  ok fsck --salvage "$TMP/sv-$damage"
  out_has "salvaged 10 events"
  out_has "its records were read one by one: 10 events intact"
  STORE=$TMP/sv-$damage
  ok add --title "after the salvage" --when 2024
  out_has "added 11 "
  ok fsck
  STORE=$TMP/ex
done

# -- a journal that continues another snapshot (an older snapshot put
# back): left out of the copy, which is the snapshot as it was (salvage
# applied it: an update kept beside an event removed before it)
STORE=$TMP/gen
ok init
ok add --title A --when 2024
ok add --title B --when 2024
ok compact
cp "$STORE/snapshot" "$TMP/old-snapshot"
ok rm 2
ok compact
ok update 1 title=A2
ok add --title C --when 2024
cp "$TMP/old-snapshot" "$STORE/snapshot"
ok fsck --salvage "$TMP/sv-gen"
out_has "its changes are left out of the copy"
STORE=$TMP/sv-gen
ok list --json
out_has '"title":"A"'
out_has '"title":"B"'
out_lacks '"title":"A2"'
out_lacks '"title":"C"'
ok add --title D --when 2024
out_has "added 4 " # (3 was C's)

# -- a link to an event that could not be saved is dropped, and said (the
# copy kept it: every update of the event holding it failed)
STORE=$TMP/lk
ok init
ok add --title target --when 2024 --key target
ok add --title follower --when 2024 --link follows=target
ok compact
python3 - "$STORE/snapshot" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
i = b.index(b'"title":"target"')
b[i + 10] ^= 0x20
open(p, "wb").write(bytes(b))
PY
ok fsck --salvage "$TMP/sv-lk"
out_has "salvaged 1 event"
out_has "event 2: its link (follows) to event 1 is dropped"
STORE=$TMP/sv-lk
ok update 2 status=held
ok fsck
out_has "every record is intact"
echo "ok - fsck ($NCHECKS checks)"
