#!/bin/sh
# `attache serve`: schedules, rules and reminders on a simulated clock
# (counts and order over a year, daylight saving, re-planned and dropped
# reminders, yearly anniversaries, errors and runaway callbacks, late
# firing after a restart, byte-identical replays, compaction in a child
# process), then the real clock in
# short runs: a rule sees `attache add` from another process, scripts are
# reloaded on change (a broken version keeps the old one), SIGHUP, SIGTERM
# exits 0, a second daemon is refused.  Fixtures: tests/daemon/.
. "$(dirname "$0")/lib.sh"

FIX=$SRC/tests/daemon
S=$TMP/scripts
mkdir -p "$S"
export TZ=UTC

# use SCRIPT...: the scripts directory holds exactly these fixtures.
use() {
  rm -f "$S"/*.lua
  for f in "$@"; do cp "$FIX/$f" "$S/"; done
}
# replay FROM TO [OPTIONS]: a simulated run without the state file.
replay() {
  from=$1 to=$2
  shift 2
  ok serve --scripts "$S" --now "$from" --until "$to" --no-state "$@"
}
count() { grep -c -- "$1" "$TMP/out" || true; }
expect_count() { # TEXT N
  n=$(count "$1")
  [ "$n" = "$2" ] || fail "'$1' appears $n times on stdout, expected $2"
}

new_store

# -- schedules: counts and order over a simulated year
use schedules.lua
replay 2024-01-01 2024-12-31
out_has "cancel	true	false"
out_has "counts	2024-12-31T23:00:00Z	every	365	cron	53	at	1"
out_lacks "cancelled job ran"
head -n 4 "$TMP/out" >"$TMP/head"
printf 'cancel\ttrue\tfalse\ncron\t2024-01-01T08:00:00Z\nevery\t2024-01-02T00:00:00Z\tfalse\nevery\t2024-01-03T00:00:00Z\tfalse\n' >"$TMP/want"
cmp -s "$TMP/head" "$TMP/want" || fail "schedules out of order: $(cat "$TMP/head")"
out_has "at	2024-03-15T10:30:00Z	2024-03-15T10:30:00Z"
err_has "schedules.lua: loaded (1 every, 1 cron, 2 at)"
err_has "0 errors"

# -- the same replay twice gives the same bytes (stdout and log)
cp "$TMP/out" "$TMP/out1"
cp "$TMP/err" "$TMP/err1"
replay 2024-01-01 2024-12-31
cmp -s "$TMP/out" "$TMP/out1" || fail "two replays differ on stdout"
cmp -s "$TMP/err" "$TMP/err1" || fail "two replays differ in the log"

# -- cron through the daylight-saving changes of Europe/Berlin
use dst.lua
TZ=Europe/Berlin replay 2024-01-01 2024-12-31 -q
printf '%s\n' \
  "fixed	2024-03-30T01:30:00Z" "hourly	2024-03-31T00:00:00Z" "fixed	2024-03-31T01:00:00Z" \
  "hourly	2024-03-31T01:00:00Z" "hourly	2024-03-31T02:00:00Z" "fixed	2024-10-26T00:30:00Z" \
  "hourly	2024-10-27T00:00:00Z" "fixed	2024-10-27T00:30:00Z" "hourly	2024-10-27T01:00:00Z" \
  "hourly	2024-10-27T02:00:00Z" "fixed	2024-10-28T01:30:00Z" >"$TMP/want"
cmp -s "$TMP/want" "$TMP/out" || fail "DST: $(diff "$TMP/want" "$TMP/out")"
[ ! -s "$TMP/err" ] || fail "--quiet logged: $(cat "$TMP/err")"

# -- rules see the changes scripts make; a rule loop is stopped
use rules.lua
replay 2024-01-01 2024-01-10
out_has "add	1	Talks	nil"
out_has "update	1	Talks	->	Senior officials' talks"
out_has "remove	1	Senior officials' talks"
expect_count "update	2	Loop" 9
err_has "rules stopped: a chain of 8 changes made by rules (event 2)"
err_has "1 error"

# -- errors and runaway callbacks are counted; other scripts go on
use errors.lua steady.lua
replay 2024-01-01 2024-01-31 --max-instructions 1M
expect_count "steady" 4
out_has "steady	4	2024-01-29T00:00:00Z"
err_has "errors.lua: errors.lua:4: boom"
err_has "errors.lua:5: instruction budget exhausted"
err_has "5 errors"

# -- reminders: re-planned on update, dropped on remove, yearly events
rm -rf "$STORE"
new_store
ok import "$FIX/events.jsonl"
use remind.lua
replay 2024-01-01 2026-01-31
cat >"$TMP/want" <<'EOF'
2024-01-02T00:00:00Z [warn] 70th anniversary of relations: in 1w (2024-01-09) (event 5)
2024-01-13T00:00:00Z [warn] Kept meeting in 7d (event 1)
2024-01-19T00:00:00Z [warn] Kept meeting in 1d (event 1)
2024-02-23T00:00:00Z [warn] Moved meeting in 7d (event 2)
2024-02-29T00:00:00Z [warn] Moved meeting in 1d (event 2)
2025-01-02T00:00:00Z [warn] 70th anniversary of relations: in 1w (2025-01-09) (event 5)
2026-01-02T00:00:00Z [warn] 70th anniversary of relations: in 1w (2026-01-09) (event 5)
EOF
cmp -s "$TMP/want" "$TMP/out" || fail "reminders: $(diff "$TMP/want" "$TMP/out")"
err_has "7 reminder alerts"
# The keys are in the alert log: a second replay fires nothing again.
replay 2024-01-01 2026-01-31
[ ! -s "$TMP/out" ] || fail "alerts fired twice: $(cat "$TMP/out")"

# -- late firing after a restart, within the grace period
rm -rf "$STORE"
new_store
use steady.lua
ok serve --scripts "$S" --now 2024-01-01 --until 2024-01-10T12:00:00Z
[ -f "$STORE/daemon.state" ] || fail "no daemon.state"
grep -q "processed 2024-01-10T12:00:00Z" "$STORE/daemon.state" || fail "state: $(cat "$STORE/daemon.state")"
# Down until Jan 18: the weekly run due on Jan 15 (its series: Jan 8, 15,
# 22, counted from its origin, Jan 1, which the state file keeps) was
# missed; it fires once, late, at start-up.
ok serve --scripts "$S" --now 2024-01-18T06:00:00Z --until 2024-01-18T07:00:00Z --grace 10d
out_is "steady	1	2024-01-15T00:00:00Z"
err_has "making up what fell due"
# The same stretch again: nothing to do, and a replay that does nothing
# exits 1 (tests/cli/exitcodes.sh).
expect_rc 1 serve --scripts "$S" --now 2024-01-18T06:00:00Z --until 2024-01-18T07:00:00Z
err_has "nothing was replayed"
[ ! -s "$TMP/out" ] || fail "the state file did not record the last run: $(cat "$TMP/out")"
# Missed beyond the grace period: not made up.
ok serve --scripts "$S" --now 2024-03-01 --until 2024-03-01T01:00:00Z --grace 1d
[ ! -s "$TMP/out" ] || fail "made up beyond the grace: $(cat "$TMP/out")"
cat >"$S/late.lua" <<'EOF'
local at = require "attache"
at.every("1d", function(info) print("late?", info.due, info.late) end)
EOF
rm -f "$S/steady.lua"
ok serve --scripts "$S" --now 2024-03-02T12:00:00Z --until 2024-03-02T13:00:00Z --grace 2d
out_is "late?	2024-03-02T01:00:00Z	true"
# --once: what is due now and missed since the last run, then exit.
ok serve --scripts "$S" --once --no-state
[ ! -s "$TMP/out" ] || fail "--once ran something: $(cat "$TMP/out")"

# -- the daemon never compacts on its loop: a long journal goes to a child
rm -rf "$STORE"
new_store
use bulk.lua
replay 2024-01-01 2024-01-02 --max-instructions 0
out_is "bulk	4200"
err_has "the journal is long: compacting in a child process"
err_has "compaction finished in"
[ "$(wc -c <"$STORE/journal")" -le 64 ] || fail "the journal was not folded: $(wc -c <"$STORE/journal") bytes"
ok list --text bulk --limit 0 --json
[ "$(grep -c '"title":"bulk ' "$TMP/out")" = 4200 ] || fail "events lost in the compaction"
ok fsck
ok compact
out_has "compacted 4200 events into a new snapshot"
expect_rc 2 compact now
err_has "unexpected operand 'now'"

# -- check counts registrations without running them; run refuses them
use schedules.lua rules.lua
ok check "$S/rules.lua" "$S/schedules.lua"
out_has "rules.lua (2 schedules, 4 rules)"
out_has "schedules.lua (5 schedules)"
out_lacks "counts"
expect_rc 1 run "$S/schedules.lua"
err_has "schedules.lua:4: at.every works in scripts run by 'attache serve'"
printf 'require("attache").cron("0 0 31 2 *", function() end)\n' >"$S/never.lua"
ok check "$S/never.lua"
err_has "never fires"
printf 'require("attache").cron("0 25 * * *", function() end)\n' >"$S/bad.lua"
expect_rc 1 check "$S/bad.lua"
err_has "bad.lua:1: bad argument #1 to 'cron'"

# -- the real clock, in short runs.  Each wait polls with a deadline.
wait_for() { # FILE TEXT
  i=0
  while ! grep -qF -- "$2" "$1" 2>/dev/null; do
    i=$((i + 1))
    [ $i -le $((WAIT_S * 10)) ] || fail "waited $WAIT_S s for '$2' in $(basename "$1"): $(cat "$1")"
    sleep 0.1
  done
}
rm -f "$S"/*.lua
cat >"$S/watch.lua" <<'EOF'
local at = require "attache"
at.on("add", function(ev) print("v1 saw", ev.title) end)
EOF
${ATT_WRAP:-} "$ATT" --store "$STORE" serve --scripts "$S" >"$TMP/bg.out" 2>"$TMP/bg.err" &
PID=$!
wait_for "$TMP/bg.err" "watch.lua: loaded"
ok add --title "From another shell" --when 2024-05-01
wait_for "$TMP/bg.out" "v1 saw	From another shell"
# A second daemon on the same store is refused.
expect_rc 1 serve --scripts "$S"
err_has "another 'attache serve' is running on the store"
# A good edit takes effect; a broken one keeps the old version.
cat >"$S/watch.lua.new" <<'EOF'
local at = require "attache"
at.on("add", function(ev) print("v2 saw", ev.title) end)
EOF
mv "$S/watch.lua.new" "$S/watch.lua"
wait_for "$TMP/bg.err" "watch.lua: reloaded"
ok add --title "Second" --when 2024-05-02
wait_for "$TMP/bg.out" "v2 saw	Second"
printf 'x = = 1\n' >"$S/watch.lua.new"
mv "$S/watch.lua.new" "$S/watch.lua"
wait_for "$TMP/bg.err" "not reloaded: the previous version keeps running"
ok add --title "Third" --when 2024-05-03
wait_for "$TMP/bg.out" "v2 saw	Third"
# SIGHUP reloads every script (here the fixed version).
cat >"$S/watch.lua" <<'EOF'
local at = require "attache"
at.on("add", function(ev) print("v3 saw", ev.title) end)
EOF
kill -HUP $PID
wait_for "$TMP/bg.err" "SIGHUP: reloading every script"
ok add --title "Fourth" --when 2024-05-04
wait_for "$TMP/bg.out" "v3 saw	Fourth"
# A deleted script's rules are dropped.
rm -f "$S/watch.lua"
wait_for "$TMP/bg.err" "watch.lua: removed"
ok add --title "Fifth" --when 2024-05-05
kill -TERM $PID
RC=0
wait $PID || RC=$?
[ "$RC" = 0 ] || fail "serve exited $RC on SIGTERM: $(cat "$TMP/bg.err")"
grep -q "saw	Fifth" "$TMP/bg.out" && fail "a deleted script's rule ran"
grep -q "stopped: " "$TMP/bg.err" || fail "no summary: $(cat "$TMP/bg.err")"
[ -f "$STORE/daemon.state" ] || fail "no daemon.state after SIGTERM"

# --scripts naming a file, not a directory, says so (it said "Invalid
# argument").
: >"$TMP/afile"
expect_rc 1 serve --scripts "$TMP/afile" --once
err_has "the scripts directory $TMP/afile: not a directory"
# Two reminders of one name (their alerts' key): the second is refused at
# load, naming the first's script (its alerts were dropped as the
# first's); check refuses two in one script.
rm -rf "$STORE"
new_store
ok add --title Talks --when 2024-03-10 --kind talks
mkdir -p "$TMP/rn"
printf 'local at = require "attache"\nat.remind{name = "desk", match = {kind = "talks"}, before = {"1d"}, message = "A"}\n' >"$TMP/rn/a.lua"
printf 'local at = require "attache"\nat.remind{name = "desk", before = {"1d"}, message = "B"}\n' >"$TMP/rn/b.lua"
expect_rc 1 serve --scripts "$TMP/rn" --now 2024-03-01 --until 2024-03-12 --no-state
err_has 'b.lua:2: bad argument #1 to '"'"'remind'"'"' (name "desk" is already a reminder of a.lua'
printf 'local at = require "attache"\nat.remind{name = "r", before = {"1d"}}\nat.remind{name = "r", before = {"2d"}}\n' >"$TMP/rn2.lua"
expect_rc 1 check "$TMP/rn2.lua"
err_has 'name "r" is already a reminder of this script'
done_ok
