#!/bin/sh
# Reminders ask the store for the events whose anchor can fall within the
# four weeks planned, not every event whose dates overlap them (issue 17:
# at 10M events, a reminder on every event was refused under the default
# max-memory, "244853 events with 2 leads", because periods and whole
# years that merely overlap the window were counted and read).  Here 20,000
# policies span the window: none starts or ends in it, so planning counts
# and holds none, and a small max-memory suffices; the reminders of the
# events that do start (or end) in it still fire, once and on time; and
# an anchor resolved to the latest instant of a start, which may lie
# inside a long event, still finds it.
. "$(dirname "$0")/lib.sh"

export TZ=UTC
new_store
awk 'BEGIN { for (i = 0; i < 20000; i++)
  printf "{\"title\":\"p%d\",\"kind\":\"policy\",\"when\":\"2023-%02d/2026-%02d\"}\n",
         i, i % 12 + 1, i % 12 + 1 }' >"$TMP/p.jsonl"
ok import "$TMP/p.jsonl"
ok add --title m1 --kind meeting --when 2024-01-20
ok add --title m2 --kind meeting --when 2024-03-05
ok add --title y24 --kind visit --when 2024
ok add --title ends --kind agreement --when 2023-01/2024-02-10
ok add --title talks --kind talks --when "2023-12/2024-06"

mkdir -p "$TMP/s"
cat >"$TMP/s/r.lua" <<'LUA'
local at = require "attache"
at.remind{name = "all", before = {"7d", "1d"},
  message = function(ev, lead) return "R " .. ev.title .. " " .. lead end}
at.remind{name = "ends", before = "10d", anchor = "end",
  message = function(ev) return "E " .. ev.title end}
at.remind{name = "late", before = "1d", resolve = "latest", match = {kind = "talks"},
  message = function(ev) return "L " .. ev.title end}
LUA

# 20,000 events at about 275 bytes of plan each would take 5 MB or more
ok serve --scripts "$TMP/s" --now 2023-12-20 --until 2024-04-01 --no-state --verbose \
  --max-memory 3M
! grep -q "not enough memory" "$TMP/err" || fail "refused: $(grep "not enough memory" "$TMP/err")"
grep -E ' [REL] ' "$TMP/out" | sed -E 's/^([0-9T:-]+Z) .* ([REL] .*) \(event [0-9]+\)$/\1 \2/' >"$TMP/got"
cat >"$TMP/want" <<'W'
2023-12-25T00:00:00Z R y24 7d
2023-12-30T23:59:59Z L talks
2023-12-31T00:00:00Z R y24 1d
2024-01-10T23:59:59Z E m1
2024-01-13T00:00:00Z R m1 7d
2024-01-19T00:00:00Z R m1 1d
2024-01-31T23:59:59Z E ends
2024-02-24T23:59:59Z E m2
2024-02-27T00:00:00Z R m2 7d
2024-03-04T00:00:00Z R m2 1d
W
if ! cmp -s "$TMP/want" "$TMP/got"; then
  diff "$TMP/want" "$TMP/got" | head -20 >&2
  fail "the reminders differ from those of the events starting or ending in the period"
fi
# (the talks' start resolved to its latest instant, 2023-12-31T23:59:59,
# lies inside the talks' dates: found by overlap, as before)
# what was planned: the events whose anchors lie in a stretch, never the
# 20,000 policies that only overlap it
max=$(sed -n 's/.*remind all: \([0-9]*\) events\{0,1\} with reminders.*/\1/p' "$TMP/err" | sort -n | tail -1)
[ -n "$max" ] || fail "no planning logged"
[ "$max" -le 3 ] || fail "$max events held reminders at once, expected at most 3"
done_ok
