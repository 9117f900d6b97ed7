#!/bin/sh
# A script stuck inside a C function past its time limit and the grace is
# abandoned, and the daemon goes on serving the others (issue 12): it
# restarts in place (same pid), leaves the stuck version out until its
# file changes, and makes up the work that fell due meanwhile, once.
# The way to get stuck that a script really has under serve: print() to
# a standard output nobody reads (a pipe whose buffer is full).
# (Not under valgrind: the daemon replaces its image, and valgrind would
# follow /proc/self/exe to itself.)
. "$(dirname "$0")/lib.sh"
export TZ=UTC
unset ATTACHE_GRACE # the default grace (valgrind.sh sets a longer one)

new_store
mkdir -p "$TMP/scripts" "$TMP/clean"
# A good script: an alert (no key, so a second firing would show) a day.
cat >"$TMP/scripts/a_good.lua" <<'LUA'
local at = require "attache"
at.cron("0 0 * * *", function(info) at.alert{title = "good " .. tostring(info.due)} end)
LUA
cp "$TMP/scripts/a_good.lua" "$TMP/clean/"
# The stuck one: fine for nine days, then writes more than a pipe holds.
cat >"$TMP/scripts/stuck.lua" <<'LUA'
local at = require "attache"
at.every("1d", function(info) at.alert{title = "stuck " .. tostring(info.due)} end)
at.at("2024-01-10T12:00:00Z", function()
  local s = ("x"):rep(4096)
  for _ = 1, 100 do io.write(s) end
  io.stdout:flush()
end)
LUA

# A simulated run of 20 days, stdout to a FIFO that is drained only once
# the daemon has abandoned the stuck script.
mkfifo "$TMP/fifo"
exec 3<>"$TMP/fifo"
"$ATT" --store "$STORE" serve --scripts "$TMP/scripts" --max-time 0.5 \
  --now 2024-01-01 --until 2024-01-20 >"$TMP/fifo" 2>"$TMP/err" &
pid=$!
wait_for "$TMP/err" "abandoned" "the daemon did not abandon the stuck script"
exec 4<"$TMP/fifo" # a reader from now on (closing 3 first would be a moment without one)
cat <&4 >"$TMP/drained" 3>&- 4<&- &
drain=$!
exec 3>&- 4<&-
wait_exit "$pid" "the daemon's simulated run"
RC=0
wait "$pid" || RC=$?
wait "$drain"
[ "$RC" = 0 ] || fail "the daemon exited with status $RC"
NCHECKS=$((NCHECKS + 1))
err_has "stuck.lua: abandoned: still running inside a C function"
err_has "the daemon restarted in place (pid $pid) without it and goes on from 2024-01-10T11:59:59Z"
err_has "stuck.lua: not loaded: this version was stuck inside a C function"
n=$(grep -c "started on" "$TMP/err")
[ "$n" = 2 ] || fail "the daemon started $n times, expected 2 (once, and once in place)"

# The good script's alerts are those of a run without the stuck script:
# every day, none twice, none missing.
CLEAN=$TMP/clean-store
"$ATT" --store "$CLEAN" init >/dev/null || fail "init of the clean store"
"$ATT" --store "$CLEAN" serve --scripts "$TMP/clean" --now 2024-01-01 --until 2024-01-20 \
  >/dev/null 2>"$TMP/clean.err" || fail "the clean run failed: $(cat "$TMP/clean.err")"
"$ATT" --store "$CLEAN" alerts --json >"$TMP/want.json" || fail "alerts of the clean store"
ok alerts --json
grep '"title":"good' "$TMP/out" | sed 's/"script":"[^"]*",//' >"$TMP/got"
sed 's/"script":"[^"]*",//' "$TMP/want.json" >"$TMP/want"
[ "$(wc -l <"$TMP/want")" -ge 19 ] || fail "the clean run has too few alerts: $(cat "$TMP/want")"
cmp -s "$TMP/got" "$TMP/want" || fail "the good script's alerts differ from a clean run:
$(diff "$TMP/want" "$TMP/got")"
# The stuck script fired up to its stall, and never after.
n=$(grep -c '"title":"stuck' "$TMP/out")
[ "$n" = 9 ] || fail "the stuck script fired $n daily alerts, expected 9 (days 2 to 10)"
grep -q '"title":"stuck 2024-01-10T00:00:00Z"' "$TMP/out" || fail "the stuck script's last alert is missing"
grep -q '\[info\] good 2024-01-20T00:00:00Z' "$TMP/drained" ||
  fail "the alerts after the restart did not reach standard output"

# On the real clock: a script stuck while loading is left out, the daemon
# answers, and the script loads again as soon as its file changes.
rm -f "$TMP/err" "$TMP/drained"
cat >"$TMP/scripts/stuck.lua" <<'LUA'
local s = ("x"):rep(4096)
for _ = 1, 100 do io.write(s) end
io.stdout:flush()
LUA
exec 3<>"$TMP/fifo"
"$ATT" --store "$STORE" serve --scripts "$TMP/scripts" --max-time 0.5 >"$TMP/fifo" 2>"$TMP/err" &
pid=$!
wait_for "$TMP/err" "stuck.lua: not loaded: this version was stuck" "the daemon did not leave the stuck script out"
exec 4<"$TMP/fifo" # a reader from now on (closing 3 first would be a moment without one)
cat <&4 >"$TMP/drained" 3>&- 4<&- &
drain=$!
exec 3>&- 4<&-
err_has "restarted in place (pid $pid)"
printf 'print("fixed")\n' >"$TMP/scripts/stuck.lua"
wait_for "$TMP/drained" fixed "the changed script was not loaded"
wait_for "$TMP/err" "stuck.lua: loaded" "the log does not say the changed script loaded"
kill -TERM "$pid"
wait_exit "$pid" "the daemon, after SIGTERM,"
RC=0
wait "$pid" || RC=$?
wait "$drain"
[ "$RC" = 0 ] || fail "after the restart, SIGTERM ended the daemon with status $RC"
err_has "stopping on a signal"
NCHECKS=$((NCHECKS + 1))
echo "ok $TESTNAME ($NCHECKS checks)"
