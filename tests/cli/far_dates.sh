#!/bin/sh
# Dates before year 0 and after 9999 everywhere a day is written: `get`'s
# span, the list, the iCalendar export (which can only write 0000-9999),
# the CSV and JSON reports' start and end, a reminder's text.  Days used
# to be made by cutting a date-time's text at ten characters, so
# -0044-03-15 came out as -0044-03-1, and @-63549360000 as @-63549360 (a
# different instant, in a report, without a word); `get` wrote -044.
. "$(dirname "$0")/lib.sh"

new_store
ok add --title "Ides of March" --when "[-0044-03-15]"
ok add --title "Far future" --when "Y170000002"
ok add --title "Late antiquity" --when "-0044-03-15/0410-08-24"

ok get 1
out_has "(-0044-03-15 to -0044-03-15)"
out_lacks " -044-"
ok get 2
out_has "(170000002-01-01 to 170000002-12-31)"
ok get 3
out_has "(-0044-03-15 to 0410-08-24)"

# The iCalendar: a bound it cannot write is treated as an open end, its
# date said in full in the description.
ok export --format ics
# (unfolded: a line continues on the next one that starts with a space)
tr -d '\r' <"$TMP/out" | awk 'NR > 1 && /^ / { l = l substr($0, 2); next } NR > 1 { print l } { l = $0 } END { print l }' >"$TMP/cal.ics"
grep -q 'between -0044-03-15 and -0044-03-15' "$TMP/cal.ics" || fail "ics: the day of -0044-03-15 in full"
grep -q 'between 170000002-01-01 and 170000002-12-31' "$TMP/cal.ics" || fail "ics: the days of Y170000002"
awk '/^BEGIN:VEVENT/ { s = ""; e = "" } /^DTSTART/ { s = $0; sub(/.*:/, "", s) }
     /^DTEND/ { e = $0; sub(/.*:/, "", e) }
     /^END:VEVENT/ { if (s == "" || (e != "" && e <= s) || (e == "" && s != "99991231")) { print "bad " s " " e; exit 1 } }' \
  "$TMP/cal.ics" || fail "ics: an event ends before it starts, or where it starts"
# (an all-day event on 9999-12-31 has no DTEND: there is no next day to
# write, and a DATE alone lasts a day, RFC 5545)
grep -q '^DTSTART;VALUE=DATE:99991231$' "$TMP/cal.ics" || fail "ics: Y170000002 on the last day calendars can write"

# The reports' start and end columns: the day, whatever the year.
cat >"$TMP/r.lua" <<'LUA'
local at = require "attache"
io.write(at.report.csv(at.query{sort = "id"}, {columns = {"id", "start", "end"}}))
io.write(at.report.json(at.query{sort = "id"}, {columns = {"id", "start", "end"}}), "\n")
LUA
ok run "$TMP/r.lua"
out_has "1,\"'-0044-03-15\",\"'-0044-03-15\""
out_has "2,170000002-01-01,170000002-12-31"
out_has "3,\"'-0044-03-15\",0410-08-24"
out_has '"start":"-0044-03-15","end":"-0044-03-15"'
out_has '"start":"170000002-01-01","end":"170000002-12-31"'
out_lacks "@"

# A reminder of an event before year 0 (the daemon writes its day).
mkdir -p "$TMP/s"
cat >"$TMP/s/r.lua" <<'LUA'
local at = require "attache"
at.remind{name = "all", before = {"0"}}
LUA
ok add --title "Foundation day" --when "-0044-03-15" --recur yearly
ok serve --scripts "$TMP/s" --now 2025-03-14 --until 2025-03-16 --no-state
out_has "2025-03-15"
out_lacks "2025-03-1 "
done_ok
