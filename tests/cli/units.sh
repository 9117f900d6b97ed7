#!/bin/sh
# Units: every entry point that reads a length of time (export --alarm,
# serve --grace, alerts --since, and in Lua at.duration, at.every,
# at.remind's before, at.report.ics's alarms) reads one grammar
# (core/duration.c): the same texts are accepted and refused everywhere,
# and they mean the same length (issue 14, "Units").
. "$(dirname "$0")/lib.sh"

new_store
ok add --title "Summit" --kind meeting --when 2024-04-15
mkdir -p "$TMP/empty" "$TMP/lua"

GOOD='2w
3mo
1y
36h
1 month
2 weeks
3 days
1y6mo
1d12h
1h1d
90m
1W
2H30M
45s
7days
0'
BAD='1.5d
7x
P1D
1dd
-1d
12
d
1 fortnight'

# The command line: --alarm, --grace, --since.
printf '%s\n' "$GOOD" >"$TMP/good"
printf '%s\n' "$BAD" >"$TMP/bad"
while IFS= read -r u; do
  expect_rc 0 export --format ics --alarm "$u"
  expect_rc 0 serve --scripts "$TMP/empty" --once --no-state --grace "$u"
  expect_rc 0 alerts --since "$u"
done <"$TMP/good"
while IFS= read -r u; do
  expect_rc 2 export --format ics --alarm "$u"
  err_has "\"$u\""
  expect_rc 2 serve --scripts "$TMP/empty" --once --no-state --grace "$u"
  [ "$u" = 12 ] || expect_rc 1 alerts --since "$u" # 12: the year 12
done <"$TMP/bad"

# Lua: the same list through each function, one line per text.
{
  echo 'local at = require "attache"'
  echo 'local texts = {'
  while IFS= read -r u; do printf '  "%s",\n' "$u"; done <"$TMP/good"
  while IFS= read -r u; do printf '  "%s",\n' "$u"; done <"$TMP/bad"
  echo '}'
  cat <<'EOF'
local ev = at.query{}[1]
for i, u in ipairs(texts) do
  local d = at.duration(u)
  local r = pcall(at.remind, {name = "r" .. i, before = {u}, match = {kind = "none"}})
  local e = u == "0" or pcall(at.every, u, function() end)
  local c = pcall(at.report.ics, {ev}, {alarms = {u}})
  -- A duration may be negative; a lead or an interval may not.
  local dd = d ~= nil and not tostring(d):find("-", 1, true)
  print(("unit|%s|%s|%s|%s|%s"):format(u, dd, r, e, c))
end
print("same", tostring(at.duration("1 month")), tostring(at.duration("2 weeks")),
  tostring(at.duration("1h1d")), tostring(at.duration("7days")))
EOF
} >"$TMP/lua/units.lua"
ok serve --scripts "$TMP/lua" --once --no-state
while IFS= read -r u; do
  grep -qxF "unit|$u|true|true|true|true" "$TMP/out" ||
    fail "\"$u\" is not accepted by every Lua entry point: $(grep -F "unit|$u|" "$TMP/out")"
done <"$TMP/good"
while IFS= read -r u; do
  grep -qxF "unit|$u|false|false|false|false" "$TMP/out" ||
    fail "\"$u\" is not refused by every Lua entry point: $(grep -F "unit|$u|" "$TMP/out")"
done <"$TMP/bad"
out_has "same	1mo	14d	1d1h	7d"

# The same length: a calendar lead counts back on the calendar, from the
# event's own start.  RFC 5545 has no months in a TRIGGER: an alarm 3mo
# before 15 April is the 91 days back to 15 January, 1 year the 366 back
# to 15 April 2023.
ok export --format ics --alarm 3mo
out_has "TRIGGER:-P91D"
ok export --format ics --alarm "1 year"
out_has "TRIGGER:-P366D"
ok export --format ics --alarm 2w
out_has "TRIGGER:-P14D"
# A reminder 3mo before fires on 15 January, and says so.
cat >"$TMP/lua/units.lua" <<'EOF'
local at = require "attache"
at.remind{name = "q", before = {"3mo", "1 week"}, match = {kind = "meeting"}}
EOF
ok serve --scripts "$TMP/lua" --now 2024-01-01 --until 2024-04-30 --no-state
out_has "Summit: in 3mo"
out_has "Summit: in 1w"
grep "Summit: in 3mo" "$TMP/out" | grep -q "2024-01-15" ||
  fail "the 3mo reminder is not on 2024-01-15: $(grep 'in 3mo' "$TMP/out")"
grep "Summit: in 1w" "$TMP/out" | grep -q "2024-04-08" ||
  fail "the 1w reminder is not on 2024-04-08: $(grep 'in 1w' "$TMP/out")"

# A lead is at most 100 years; a duration may be longer.
expect_rc 2 export --format ics --alarm 36526d
err_has "too long; at most 100 years"
expect_rc 2 export --format ics --alarm 101y
err_has "too long"
ok export --format ics --alarm 100y

# A lead says why it has no sign.
expect_rc 2 export --format ics --alarm -1d
err_has "no sign"

done_ok
