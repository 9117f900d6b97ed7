# export -o FILE writes a regular file whole or not at all (a temporary
# renamed over it), but a target that is not a regular file (a pipe, a
# device, /dev/stdout) is written in place: renaming over /dev/null as
# root replaced the device with a file, and every later `>/dev/null` on
# the machine then wrote into it.  A FIFO shows the class without root.
. "$(dirname "$0")/lib.sh"

example_store
mkfifo "$TMP/pipe"
cat "$TMP/pipe" >"$TMP/got" &
reader=$!
ok export -o "$TMP/pipe"
if [ ! -p "$TMP/pipe" ]; then
  kill "$reader" 2>/dev/null
  fail "export -o replaced the FIFO with a file"
fi
wait_exit "$reader" "the reader of the FIFO"
n=$(wc -l <"$TMP/got" | tr -d ' ')
[ "$n" = 10 ] || fail "the FIFO's reader got $n lines, expected 10"
# A symbolic link to a pipe: written through, the link kept.
ln -s "$TMP/pipe" "$TMP/link"
cat "$TMP/link" >"$TMP/got2" &
reader=$!
ok export --format csv -o "$TMP/link"
[ -L "$TMP/link" ] && [ -p "$TMP/pipe" ] || { kill "$reader" 2>/dev/null; fail "the link or the FIFO was replaced"; }
wait_exit "$reader" "the reader of the link"
grep -q '^id,key,title' "$TMP/got2" || fail "the CSV did not come through the link"
# A regular file is still replaced whole, and a directory is an error.
echo old >"$TMP/file"
ok export -o "$TMP/file"
n=$(wc -l <"$TMP/file" | tr -d ' ')
[ "$n" = 10 ] || fail "the file has $n lines, expected 10"
mkdir "$TMP/dir"
expect_rc 1 export -o "$TMP/dir"
err_has "cannot write"
# Never into the store: -o journal from inside it replaced the journal
# (exit 0) and the store no longer opened.
for target in "$STORE/journal" "$STORE/snapshot" "$STORE/new.jsonl"; do
  expect_rc 1 export -o "$target"
  err_has "inside the store"
done
( cd "$STORE" && expect_rc 1 export -o journal ) || exit 1
ok list
out_has "  1"
ok fsck
out_has "every record is intact"
[ ! -e "$STORE/new.jsonl" ] || fail "export wrote into the store directory"
echo "ok $TESTNAME ($NCHECKS commands)"
