# Damage in the snapshot's indexes (issue 11, finding 6): one changed u32
# in the time index, then one in the postings, must make the read-only
# commands that use them (list, list --from, list --actor, get) fail with a
# clean error naming the snapshot, exit status 1, never a crash; fsck names
# the damaged section.  Both values point far outside the id table.
. "$(dirname "$0")/lib.sh"

ok init
i=1
while [ $i -le 40 ]; do
  m=$(( (i % 12) + 1 )); d=$(( (i % 28) + 1 ))
  printf '{"title":"meeting %d","when":"2024-%02d-%02d","actors":["JPN","A%d"],"tags":["t%d"],"kind":"visit","key":"k%d"}\n' \
    $i $m $d $((i % 5)) $((i % 3)) $i
  i=$((i + 1))
done >"$TMP/ev.jsonl"
ok import "$TMP/ev.jsonl"
ok compact
ok fsck
cp "$STORE/snapshot" "$TMP/snapshot.good"

# u64/u32 fields of the snapshot header (docs/store.md; core/store_int.h):
# count at byte 24, sect[i] = {off u64, len u64, crc u32, pad u32} from 184.
u64() { od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '; }
u32() { od -An -t u4 -j "$2" -N 4 "$1" | tr -d ' '; }
sect_off() { u64 "$STORE/snapshot" $((184 + 24 * $1)); }
# poke BYTE: write 0x7ffffff0 (a position far past the id table) there.
# crashed: a sanitizer report, or death by a signal (status above 128).
no_crash() {
  if grep -q 'Sanitizer\|SEGV' "$TMP/err" || [ "$RC" -gt 128 ]; then fail "attache $*: crashed"; fi
}
poke() { printf '\360\377\377\177' | dd of="$STORE/snapshot" bs=1 seek="$1" conv=notrunc 2>/dev/null; }

count=$(u64 "$STORE/snapshot" 24)
[ "$count" = 40 ] || fail "the snapshot should hold 40 events, has $count"

# The time index: the middle entry, the first one a binary search reads
# (every event is a day: one time class).
poke $(( $(sect_off 2) + 4 * (count / 2) ))
for args in "list" "list --from 2024-03-01 --to 2024-03-31" "list --json" ; do
  # shellcheck disable=SC2086
  expect_rc 1 $args
  no_crash $args
  err_has "snapshot"
  err_has "time index"
done
expect_rc 1 fsck
out_has "the time index section"

# The postings: the first posting of the first actor in the dictionary
# (A0, in 8 events).
cp "$TMP/snapshot.good" "$STORE/snapshot"
dict=$(sect_off 4)
post=$(u32 "$STORE/snapshot" $((dict + 4)))
poke $(( $(sect_off 5) + 4 * post ))
expect_rc 1 list --actor A0
no_crash list --actor A0
err_has "snapshot"
err_has "postings"
expect_rc 1 list --actor A0 --from 2024-01-01 --to 2024-12-31
no_crash list --actor A0 --from
err_has "postings"
expect_rc 1 fsck
out_has "the postings section"

# Intact again: everything reads.
cp "$TMP/snapshot.good" "$STORE/snapshot"
ok list --actor A0 --json
out_lines 8
ok fsck
done_ok
