#!/bin/sh
# Recurrences everywhere (issue 14): `list` with a window shows the
# occurrences of recurring events in it, marked as occurrences of their
# event (the 1953 anniversary in the week of each 9 January); --no-expand
# and a list without a window show the events themselves; and the
# occurrences list shows are the occurrences the daemon's reminders plan
# for.
. "$(dirname "$0")/lib.sh"

new_store
ok add --title "Relations anniversary" --kind anniversary --when 1953-01-09 --recur FREQ=YEARLY
ok add --title "Meeting" --kind meeting --when 2025-01-07
ok add --title "Weekly call" --kind meeting --when 2025-01-02T09:00:00Z --recur "FREQ=WEEKLY;COUNT=6"
ok add --title "Old talks" --kind meeting --when 2020-01-07
ok add --title "Summit" --kind meeting --when 2025-01-20/2025-01-22 --recur "FREQ=MONTHLY;COUNT=3"

# The week of 9 January 2025: the meeting, the anniversary's 73rd
# occurrence, the call's second; ids marked with a star.
ok list --from 2025-01-06 --to 2025-01-12 --edtf
out_lines 4
sed -n 2p "$TMP/out" | grep -q "^ *2  2025-01-07 .*Meeting" || fail "line 1: $(sed -n 2p "$TMP/out")"
sed -n 3p "$TMP/out" | grep -q "^ *1\*  2025-01-09 .*Relations anniversary" ||
  fail "line 2: $(sed -n 3p "$TMP/out")"
sed -n 4p "$TMP/out" | grep -q "^ *3\*  2025-01-09T09:00:00Z .*Weekly call" ||
  fail "line 3: $(sed -n 4p "$TMP/out")"

# JSON: the event as stored, with the occurrence.
ok list --from 2025-01-06 --to 2025-01-12 --json
out_lines 3
out_has '"when":"1953-01-09","recur":"FREQ=YEARLY"'
out_has ',"occurrence":"2025-01-09"}'
out_has ',"occurrence":"2025-01-09T09:00:00Z"}'
[ "$(grep -c occurrence "$TMP/out")" = 2 ] || fail "a plain event got an occurrence"

# The anniversary in the week of 9 January of each year, and no other.
for y in 1953 1999 2024 2026 2100; do
  ok list --from "$y-01-05" --to "$y-01-11" --kind anniversary --json
  out_has "\"occurrence\":\"$y-01-09\""
  ok list --from "$y-01-10" --to "$y-01-16" --kind anniversary
  out_lacks "anniversary"
done
ok list --from 1952-01-01 --to 1952-12-31 --kind anniversary
out_lacks "anniversary"

# An occurrence spanning days shows both ends, and one that began before
# the window still shows.
ok list --from 2025-02-21 --to 2025-02-21 --kind meeting --edtf
out_has "5*  2025-02-20/2025-02-22"
# COUNT ends the call: six occurrences, the last on 6 February.
ok list --from 2025-01-01 --to 2025-12-31 --text call --json
out_lines 6
out_has '"occurrence":"2025-02-06T09:00:00Z"'

# --no-expand, and list without a window: the events themselves.
ok list --from 2025-01-06 --to 2025-01-12 --no-expand
out_lines 2
out_has "Meeting"
out_lacks "anniversary"
out_lacks "*"
ok list
out_lines 6
out_has "9 Jan 1953"
out_lacks "*"
# CSV lists the events as stored, as export does.
ok list --from 2025-01-06 --to 2025-01-12 --csv
out_lacks "anniversary"
# One side of a window is not enough to expand: a recurring event would
# occur without end.
ok list --from 2025-01-06
out_lacks "*"

# Sorting and limits apply to the lines: by title, each event's
# occurrences in date order; a limit counts occurrences.
ok list --from 2025-01-01 --to 2025-03-31 --sort title --json
head -1 "$TMP/out" | grep -q '"title":"Meeting"' || fail "by title: Meeting first"
tail -1 "$TMP/out" | grep -q '"occurrence":"2025-02-06T09:00:00Z"' ||
  fail "by title: the call's last occurrence last"
ok list --from 2025-01-01 --to 2025-12-31 --limit 2 --json
out_lines 2
ok list --from 2025-01-01 --to 2025-12-31 --sort -when --limit 1 --json
out_has '"occurrence":"2025-03-20/2025-03-22"'
# --where sees each candidate event.
ok list --from 2025-01-01 --to 2025-12-31 --where 'ev.recur ~= nil' --kind meeting --json
out_lines 9

# Too many occurrences of one event: an error that says what to do, not
# a list cut short.
ok add --title "Daily since 1800" --kind other --when 1800-01-01 --recur FREQ=DAILY
expect_rc 1 list --from 1800-01-01 --to 2100-12-31 --kind other
err_has "more than 100000 occurrences in the window"
err_has "--no-expand"
ok list --from 1800-01-01 --to 2100-12-31 --kind other --no-expand
out_lines 2
ok rm 6

# The same occurrences as the reminders plan: a reminder with lead 0 on
# every event, run on the simulated clock over two months, fires once per
# occurrence that starts in them, on the same dates.
mkdir -p "$TMP/s"
cat >"$TMP/s/r.lua" <<'EOF'
local at = require "attache"
at.remind{name = "all", before = {"0"}, message = function(ev, lead, info)
  return ("fired|%d|%s"):format(ev.id, tostring(info.occurrence):sub(1, 10))
end}
EOF
ok serve --scripts "$TMP/s" --now 2025-01-01 --until 2025-03-31T23:59:59Z --no-state
grep -o 'fired|[0-9]*|[0-9-]*' "$TMP/out" | sort >"$TMP/fired"
ok list --from 2025-01-01 --to 2025-03-31 --json
# Each line: id and the day its occurrence (or the event) starts on.
sed 's/^{"id":\([0-9]*\),.*"when":"\([0-9-]*\)[^"]*".*"occurrence":"\([0-9-]*\).*/fired|\1|\3/; s/^{"id":\([0-9]*\),.*"when":"\([0-9-]*\)[^"]*".*/fired|\1|\2/' \
  "$TMP/out" | sort >"$TMP/listed"
[ -s "$TMP/fired" ] || fail "no reminder fired"
cmp -s "$TMP/fired" "$TMP/listed" ||
  fail "reminders and list disagree: $(diff "$TMP/fired" "$TMP/listed")"

# -- open and unknown ends.  An open or unknown end lasts no time in an
# occurrence: each is its start's day (it used to end in the year
# -292277022655, the open end shifted past the end of time).  An open
# start leaves nothing to count from: the event is listed as itself.
STORE=$TMP/open-ends
new_store
ok add --title "Policy review" --when "since 2024" --recur yearly
ok add --title "Monthly sync" --when "2024-03/" --recur monthly
ok add --title "Weekly call" --when "2024-03-01T09:00:00Z/.." --recur weekly
ok add --title "Old rule" --when "../2024-05" --recur yearly
ok list --from 2026-01-01 --to 2026-01-10
out_lacks "-2922"
out_lacks "2922770"
grep -q '^1\*  1 Jan 2026  .*Policy review$' "$TMP/out" || fail "the yearly open-ended event on its day"
grep -q '^2\*  1 Jan 2026  .*Monthly sync$' "$TMP/out" || fail "the monthly one"
grep -q '^3\*  2 Jan 2026 09:00Z  .*Weekly call$' "$TMP/out" || fail "the weekly timed one"
out_lacks "Old rule"
ok list --from 2026-01-01 --to 2026-01-10 --json
grep -q '"id":1,.*"occurrence":"2026-01-01"' "$TMP/out" || fail "--json: the occurrence is its day"
grep -q '"id":3,.*"occurrence":"2026-01-09T09:00:00Z"' "$TMP/out" || fail "--json: the timed occurrence"
ok list --from 2020-01-01 --to 2020-12-31
grep -q '^4\*  before 1 Jun 2024  .*Old rule$' "$TMP/out" || fail "an open start is listed as itself"
ok list --from 2020-01-01 --to 2020-12-31 --json
grep -q '"id":4,.*"occurrence":"\.\./2024-05-31"' "$TMP/out" || fail "--json: an open start's occurrence"
cat >"$TMP/occ.lua" <<'LUA'
local at = require "attache"
for ev in at.each{from = "2026-01-01", to = "2026-01-03"} do
  print(ev.id, at.is_occurrence(ev), ev.occurrence, ev.when)
end
LUA
ok run "$TMP/occ.lua"
out_has "1	true	2026-01-01	2026-01-01"
out_has "2	true	2026-01-01	2026-01-01"
out_lacks "nil"
done_ok
