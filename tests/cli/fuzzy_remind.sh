#!/bin/sh
# Reminders for dates still unknown (issue 14): a reminder before a date
# not known to the day says so and names the earliest day, instead of
# "in 2d"; and a built-in rule, on by default, asks once a month until the
# date is known to the day.  The store setting remind.ask-unknown = no
# turns the asking off.  On the simulated clock.
. "$(dirname "$0")/lib.sh"

new_store
ok add --title "CDC meeting" --kind meeting --status planned --when "early 2024"
ok add --title "Talks" --kind meeting --status planned --when 2024-02-12
ok add --title "Old talks" --kind meeting --status held --when 2023-03
mkdir -p "$TMP/s"
cat >"$TMP/s/r.lua" <<'EOF'
local at = require "attache"
at.remind{name = "meetings", before = {"2d"}, match = {kind = "meeting"}}
EOF

ok serve --scripts "$TMP/s" --now 2023-12-15 --until 2024-05-15T12:00:00Z --no-state
cp "$TMP/out" "$TMP/run1"
# The reminder: at the lead before the earliest day, and honest.
grep -F "CDC meeting" "$TMP/run1" | grep -F "in 2d" && fail "a fuzzy date reminded as 'in 2d'"
grep -q "^2023-12-30T00:00:00Z .*CDC meeting, early 2024 (date not yet known): earliest 2024-01-01" \
  "$TMP/run1" || fail "no honest reminder on 2023-12-30: $(grep CDC "$TMP/run1")"
# A date known to the day keeps its wording.
grep -q "^2024-02-10T00:00:00Z .*Talks: in 2d (2024-02-12)" "$TMP/run1" ||
  fail "the day's reminder changed: $(grep Talks "$TMP/run1")"
# Once a month, on the first, until the date is known (early 2024 runs
# to the end of April): January to April, not December 2023's start
# (the first ask comes on the first first of a month after planning).
n=$(grep -c "CDC meeting, early 2024: the date is still unknown" "$TMP/run1")
[ "$n" = 4 ] || fail "asked $n times, expected 4 (January to April): $(grep unknown "$TMP/run1")"
for m in 01 02 03 04; do
  grep -q "^2024-$m-01T00:00:00Z .*CDC meeting, early 2024: the date is still unknown" \
    "$TMP/run1" || fail "no ask on 2024-$m-01"
done
grep -q "Talks.*still unknown" "$TMP/run1" && fail "asked about a date known to the day"
grep -q "Old talks" "$TMP/run1" && fail "asked about a past event"

# Once known to the day, the asking stops.
rm -rf "$STORE"
new_store
ok add --title "CDC meeting" --kind meeting --status planned --when "early 2024"
mkdir -p "$TMP/s2"
cat >"$TMP/s2/r.lua" <<'EOF'
local at = require "attache"
at.remind{name = "meetings", before = {"2d"}, match = {kind = "meeting"}}
at.at("2024-02-15", function()
  local ev = at.query{kind = "meeting"}[1]
  assert(at.update(ev.id, {when = "2024-04-22"}))
end)
EOF
ok serve --scripts "$TMP/s2" --now 2024-01-15 --until 2024-05-15 --no-state
n=$(grep -c "still unknown" "$TMP/out")
[ "$n" = 1 ] || fail "asked $n times, expected once (February): $(grep unknown "$TMP/out")"
out_has "CDC meeting: in 2d (2024-04-22)"

# The store setting turns it off; the honest wording stays.
rm -rf "$STORE"
new_store
ok add --title "CDC meeting" --kind meeting --status planned --when "early 2024"
ok config remind.ask-unknown no
ok serve --scripts "$TMP/s" --now 2023-12-15 --until 2024-05-15 --no-state
out_lacks "still unknown"
out_has "CDC meeting, early 2024 (date not yet known): earliest 2024-01-01"

done_ok
