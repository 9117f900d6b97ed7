#!/bin/sh
# The ends of a replay (issue 11, finding 9): `--now T --until T2` runs
# what falls due in [T, T2], both ends included, for reminders, at.at,
# at.every and at.cron.  Work due one second outside is not run.  After a
# restart from the state file, what was due exactly at the instant the
# last run processed is not run again.  Only the simulated clock is used.
. "$(dirname "$0")/lib.sh"

S=$TMP/scripts
mkdir -p "$S"
export TZ=UTC

cat >"$TMP/events.jsonl" <<'EOF'
{"title":"Start meeting","kind":"meeting","when":"2024-01-15"}
{"title":"End meeting","kind":"meeting","when":"2024-02-08"}
EOF
# Due at 2024-01-08T00:00:00Z: the start meeting's 7d reminder, an at.at,
# a daily cron.  Due at 2024-02-01T00:00:00Z: the end meeting's reminder,
# an at.at, the cron, and the 24th run of a daily at.every (which first
# runs one interval after the start).
cat >"$S/bounds.lua" <<'EOF'
local at = require "attache"
at.remind{name = "m", match = {kind = "meeting"}, before = {"7d"},
  message = function(ev, lead, info) return ev.title .. " in " .. lead end}
at.at("2024-01-08T00:00:00Z", function(i) print("at-start", i.due, i.late) end)
at.at("2024-02-01T00:00:00Z", function(i) print("at-end", i.due, i.late) end)
at.cron("0 0 * * *", function(i) print("cron", i.due, i.late) end)
at.every("1d", function(i) print("every", i.due, i.late) end)
EOF

# replay FROM TO [OPTIONS]: a fresh store with the two meetings, then a
# simulated run (alert keys fire once per store, so each run gets its own).
replay() {
  from=$1 to=$2
  shift 2
  rm -rf "$STORE"
  new_store
  ok import "$TMP/events.jsonl"
  ok serve --scripts "$S" --now "$from" --until "$to" "$@"
}
has() { grep -qF -- "$1" "$TMP/out" || fail "stdout lacks '$1'"; }
lacks() { if grep -qF -- "$1" "$TMP/out"; then fail "stdout has '$1'"; fi; }
count() { grep -c -- "$1" "$TMP/out" || true; }

# -- both ends exactly
replay 2024-01-08T00:00:00Z 2024-02-01T00:00:00Z --no-state
has "2024-01-08T00:00:00Z [warn] Start meeting in 7d (event 1)"
has "2024-02-01T00:00:00Z [warn] End meeting in 7d (event 2)"
has "at-start	2024-01-08T00:00:00Z	false"
has "at-end	2024-02-01T00:00:00Z	false"
has "cron	2024-01-08T00:00:00Z	false"
has "cron	2024-02-01T00:00:00Z	false"
has "every	2024-01-09T00:00:00Z	false"
has "every	2024-02-01T00:00:00Z	false"
[ "$(count '^cron')" = 25 ] || fail "cron ran $(count '^cron') times, expected 25 (Jan 8 to Feb 1)"
[ "$(count '^every')" = 24 ] || fail "every ran $(count '^every') times, expected 24"
# What was due at the start runs first (the schedules in the order the
# script registered them, then the reminders, planned once it loaded).
head -n 3 "$TMP/out" >"$TMP/head"
printf 'at-start\t2024-01-08T00:00:00Z\tfalse\ncron\t2024-01-08T00:00:00Z\tfalse\n2024-01-08T00:00:00Z [warn] Start meeting in 7d (event 1)\n' >"$TMP/want"
cmp -s "$TMP/head" "$TMP/want" || fail "the start: $(cat "$TMP/head")"

# -- the issue's sample: --now a date, --until a date (its last second)
replay 2024-01-08 2024-02-01 --no-state
has "Start meeting in 7d"
has "End meeting in 7d"

# -- one second inside on each side: nothing of the ends runs
replay 2024-01-08T00:00:01Z 2024-01-31T23:59:59Z --no-state
lacks "Start meeting"
lacks "End meeting"
lacks "at-start"
lacks "at-end"
lacks "cron	2024-01-08T00:00:00Z"
lacks "cron	2024-02-01T00:00:00Z"
has "cron	2024-01-09T00:00:00Z"
has "cron	2024-01-31T00:00:00Z"

# -- with the state file: a run that ends exactly at an instant runs what
# is due then; the next run, starting there, does not run it again.
replay 2024-01-07T12:00:00Z 2024-01-08T00:00:00Z
has "Start meeting in 7d"
has "at-start	2024-01-08T00:00:00Z	false"
has "cron	2024-01-08T00:00:00Z	false"
grep -q "processed 2024-01-08T00:00:00Z" "$STORE/daemon.state" ||
  fail "state: $(cat "$STORE/daemon.state")"
ok serve --scripts "$S" --now 2024-01-08T00:00:00Z --until 2024-01-09T00:00:00Z
lacks "Start meeting"
lacks "at-start"
lacks "cron	2024-01-08T00:00:00Z"
has "cron	2024-01-09T00:00:00Z	false"

done_ok
