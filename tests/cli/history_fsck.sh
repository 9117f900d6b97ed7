# The history across compactions, checked by fsck: a compaction writes the
# versions it replaced into a history segment (history.<gen>) that fsck
# verifies section by section and version by version; damage in it is
# reported (and does not touch the present); a segment the snapshot does
# not list and a segment's stale temporary file are reported, the stale
# file removed by the next write; the history survives a reopening.
. "$(dirname "$0")/lib.sh"

new_store
ok add --title "CDC meeting" --when "2024-01~/2024-04~" --kind meeting --actor KHM --actor JPN
ok add --title "Talks" --when 2023-11 --kind talks --actor KHM
ok update 1 when=2024-03-12 status=planned
ok update 1 title="CDC plenary"
ok rm 2
ok compact
ls "$STORE" | grep -q '^history\.[0-9]*$' || fail "compaction wrote no history segment"
ok fsck
out_has "history: 1 segment, 4 versions intact"
out_has "every record is intact"

# After the compaction the old versions still read (as of a time before
# the changes: the first add's second).
ok update 1 status=confirmed
ok compact
ok fsck
out_has "history: 2 segments, 5 versions intact"

# A segment the snapshot does not list: reported, not damage.
seg=$(ls "$STORE" | grep '^history\.[0-9]*$' | sort -t. -k2 -n | tail -1)
cp "$STORE/$seg" "$STORE/history.999"
ok fsck
out_has "history.999\" is not listed by the snapshot"
rm "$STORE/history.999"

# A stale temporary segment, and a snapshot writer's spill file (named
# only where the file system has no O_TMPFILE, and removed at once):
# reported, and removed by the next write. A name that only looks like
# one is not the store's, and stays.
: >"$STORE/history.77.tmp"
: >"$STORE/spill.a1B2c3"
: >"$STORE/spill.toolongname"
ok fsck
out_has "history.77.tmp\" was left by a compaction that was interrupted"
out_has "spill.a1B2c3\" was left by a compaction that was interrupted"
out_has "spill.toolongname\" is not a file of the store"
ok add --title "Third" --when 2025
[ ! -e "$STORE/history.77.tmp" ] || fail "the next write should remove the stale segment"
[ ! -e "$STORE/spill.a1B2c3" ] || fail "the next write should remove the stale spill file"
[ -e "$STORE/spill.toolongname" ] || fail "a file that is not the store's was removed"
rm "$STORE/spill.toolongname"

# Damage inside a version's record of a segment: fsck names the segment
# and the event; the present still reads.
first=$(ls "$STORE" | grep '^history\.[0-9]*$' | sort -t. -k2 -n | head -1)
at=$(grep -boa '"title":"Talks"' "$STORE/$first" | head -1 | cut -d: -f1)
[ -n "$at" ] || fail "the removed event's version is not in $first"
cp "$STORE/$first" "$TMP/seg.before"
printf '\377' | dd of="$STORE/$first" bs=1 seek=$((at + 10)) conv=notrunc 2>/dev/null
expect_rc 1 fsck
out_has "history: the records section of \"$STORE/$first\""
out_has "(event 2) is damaged"
ok get 1
out_has "CDC plenary"
cp "$TMP/seg.before" "$STORE/$first"
ok fsck

# A damaged block of the versions section.
python3 - "$STORE/$first" <<'EOF'
import struct, sys
p = sys.argv[1]
b = bytearray(open(p, 'rb').read())
# header: sect[] starts at byte 184; each is (off u64, len u64, crc u32, pad u32); VERS is 8
off, ln = struct.unpack_from("<QQ", b, 184 + 8 * 24)
assert ln > 0, "no versions section"
b[off + 3] ^= 0xff
open(p, 'wb').write(b)
EOF
expect_rc 1 fsck
out_has "versions section of \"$STORE/$first\""
done_ok
