# A writer that finds the store's lock taken waits a bounded time
# (ATTACHE_LOCK_WAIT seconds, default 30), then fails naming the holder,
# and changes nothing (issue 11, finding 5).  The holder here is flock(1),
# which does not say who it is; tests/unit/test_lock.c has an attache
# holder, named by pid and command.
. "$(dirname "$0")/lib.sh"

command -v flock >/dev/null 2>&1 || fail "flock(1) is needed (Debian util-linux, which every system has)"
ok init
ok add --title a --when 2024
# A writer that is still running but let the lock go leaves its note in
# the lock file (rewriting it for every write was two changes of the file
# per write): the note must not be taken for the holder's.  This one
# waits on a pipe after its add.
mkfifo "$TMP/fifo"
exec 3<>"$TMP/fifo"
cat >"$TMP/stay.lua" <<'LUA'
local at = require "attache"
at.add{title = "left a note", when = "2024"}
print("added") io.stdout:flush()
io.read("l")
LUA
"$ATT" --store "$STORE" run "$TMP/stay.lua" <"$TMP/fifo" >"$TMP/stay.out" 2>&1 &
stay=$!
wait_for "$TMP/stay.out" added "the script did not add its event"
grep -q "^pid $stay" "$STORE/lock" || fail "the script left no note: $(cat "$STORE/lock")"
NCHECKS=$((NCHECKS + 1))
# until_held: poll, with a deadline, until flock(1) holds the lock.
until_held() {
  i=0
  while flock -n "$STORE/lock" true 2>/dev/null; do
    i=$((i + 1))
    [ $i -lt 500 ] || fail "flock(1) did not take the lock within 10 s"
    sleep 0.02
  done
}
flock -o "$STORE/lock" sh -c 'echo $$ >"$1"; exec sleep 60' sh "$TMP/sleeper" >/dev/null 2>&1 &
holder=$!
until_held
ATTACHE_LOCK_WAIT=0.3
export ATTACHE_LOCK_WAIT
expect_rc 1 add --title b --when 2024
err_has "is held by another writer (a process that did not say who it is)"
err_has "not released within 0.3 s; nothing was changed"
expect_rc 1 rm 1
err_has "held by another writer"
ATTACHE_LOCK_WAIT=soon
expect_rc 1 add --title c --when 2024
err_has "ATTACHE_LOCK_WAIT=\"soon\" is not a number of seconds"
unset ATTACHE_LOCK_WAIT
kill "$(cat "$TMP/sleeper")" $holder 2>/dev/null
wait $holder 2>/dev/null
echo >&3
wait $stay || fail "the script that left a note: status $?"
exec 3>&-
# Readers never wait; after the holder is gone, writes go through.
ok list --json
out_lines 2
ok add --title d --when 2024
ok list --json
out_lines 3
# Two updates of one event that wait for the same writer both land, each
# on the revision the other left: an update read the event before it had
# the lock, and the second to get it failed ("changed by someone else
# meanwhile"), however different the fields.
unset ATTACHE_LOCK_WAIT
for round in 1 2 3; do
  flock -o "$STORE/lock" sleep 1 >/dev/null 2>&1 &
  holder=$!
  until_held
  "$ATT" --store "$STORE" update 1 "tags+=r$round" --new-value >"$TMP/u1.out" 2>"$TMP/u1.err" &
  u1=$!
  "$ATT" --store "$STORE" update 1 "status=held$round" --new-value >"$TMP/u2.out" 2>"$TMP/u2.err" &
  u2=$!
  wait $u1 || fail "round $round: the tag's update failed: $(cat "$TMP/u1.err")"
  wait $u2 || fail "round $round: the status's update failed: $(cat "$TMP/u2.err")"
  wait $holder 2>/dev/null
  ok get 1 --json
  out_has "\"r$round\""
  out_has "\"status\":\"held$round\""
done
echo "ok - lockwait ($NCHECKS checks)"
