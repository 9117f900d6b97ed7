#!/bin/sh
# The reports that ship in the program (scripts/reports/, docs/reports.md
# "Reports that ship"): `attache run attache:NAME ARGS` on the example
# store, their arguments and their errors.  (Over HTTP: serve_http.sh.)
. "$(dirname "$0")/lib.sh"

new_store
ok import "$EXAMPLE"

ok run attache:agenda from=2024-03-01 days=61
out_has "Agenda, 01 Mar 2024 to 30 Apr 2024"
out_has "CDC-coordinated meeting"
out_has "week of 2024-02-26"
ok run attache:agenda from=2030-01-01 days=7 title=Desk
out_has "Desk, 01 Jan 2030 to 07 Jan 2030"
out_has "nothing in these 7 days"
ok run attache:agenda from=2023-12-01 days=31 actor=JPN kind=visit
out_lacks "policy"
for bad in days=0 days=367 days=x; do
  expect_rc 1 run attache:agenda $bad
  err_has "$bad: give a whole number of days from 1 to 366"
done
expect_rc 1 run attache:agenda colour=red
err_has "unknown argument colour (it takes days, from"
expect_rc 1 run attache:agenda notanargument
err_has "notanargument: give name=value"

ok run attache:timeline from=2023 lanes=actor title=Cambodia
out_has "<!DOCTYPE html>"
out_has "Cambodia"
expect_rc 1 run attache:timeline lanes=colour
err_has "lanes=colour: give kind or actor"

# Every wrong argument is a message alone, naming it: no traceback, no
# "attempt to index a nil value" from inside the report, and a kind or
# status the store does not know is named with the nearest ones.
for r in agenda timeline; do
  for bad in from=soonish from=2024-02-30 kind=meetng status=helt; do
    expect_rc 1 run attache:$r $bad
    err_has "$bad"
    if grep -q "stack traceback\|attempt to\|attache.lua" "$TMP/err"; then fail "attache:$r $bad: $(cat "$TMP/err")"; fi
  done
  expect_rc 1 run attache:$r kind=meetng
  err_has 'did you mean "meeting"'
done
expect_rc 1 run attache:timeline to=someday
err_has "to=someday"
# An actor by name, as list --actor reads it; a typo is refused with the
# nearest (it found nothing, silently).
ok run attache:agenda from=2023-12-01 days=31 actor=JPN
cp "$TMP/out" "$TMP/by_code"
ok run attache:agenda from=2023-12-01 days=31 actor=Japan
cmp -s "$TMP/out" "$TMP/by_code" || fail "actor=Japan is not actor=JPN: $(cat "$TMP/out")"
out_has "foreign ministers meet"
for r in agenda timeline; do
  expect_rc 1 run attache:$r actor=Japn
  err_has "actor=Japn: "
  err_has "JPN"
done
# An argument of one value given twice is refused, as an option of the
# command line is (the last one was taken).
for r in agenda timeline; do
  expect_rc 1 run attache:$r kind=meeting kind=visit
  err_has "kind given twice (it takes one value)"
  expect_rc 1 run attache:$r from=2024 from=2025
  err_has "from given twice"
done
for bad in days=0 days=x colour=red notanargument; do
  expect_rc 1 run attache:agenda $bad
  if grep -q "stack traceback" "$TMP/err"; then fail "attache:agenda $bad: a traceback"; fi
done
# A script's own error with a position keeps its traceback (it is for the
# script's author); one raised without a position is a message alone.
printf 'local function f() local x = nil; return x.y end\nf()\n' >"$TMP/bug.lua"
expect_rc 1 run "$TMP/bug.lua"
err_has "stack traceback"
printf 'error("no such desk: give desk=NAME", 0)\n' >"$TMP/msg.lua"
expect_rc 1 run "$TMP/msg.lua"
err_has "no such desk: give desk=NAME"
if grep -q "stack traceback" "$TMP/err"; then fail "a message without a position has a traceback"; fi

expect_rc 1 run attache:nothing
err_has "attache ships no report nothing (it ships agenda, timeline; run one as attache:NAME)"
# A report runs in the sandbox like any script: read-only with --as-of.
ok run --as-of 2024-06-01T00:00:00Z attache:agenda from=2024-03-01 days=7
done_ok
