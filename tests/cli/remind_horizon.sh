#!/bin/sh
# Reminders are planned four weeks at a time (issue 17, "daemon planning
# 2M reminders": plan lazily).  On the simulated clock, over three years:
# every reminder of 270 events, two leads each, fires once and on time;
# events added later, far ahead, still remind on time; a yearly event
# reminds every year; a lead of months and one after the date work across
# the horizon's steps, and so does one before a policy's end; the where function is asked only of events with a
# reminder within the horizon; and what the daemon holds stays what the
# next four weeks need, not the store's size.
. "$(dirname "$0")/lib.sh"

export TZ=UTC
new_store
# 270 meetings, one every 4 days from 2024-01-10 (to 2026-12-21).
i=0
: >"$TMP/ev.jsonl"
while [ $i -lt 270 ]; do
  d=$(date -u -d "2024-01-10 + $((i * 4)) days" +%F)
  printf '{"title":"m%d","when":"%s","kind":"meeting"}\n' "$i" "$d" >>"$TMP/ev.jsonl"
  echo "$(date -u -d "$d - 7 days" +%F)T00:00:00Z m$i 7d" >>"$TMP/want"
  echo "$(date -u -d "$d - 1 day" +%F)T00:00:00Z m$i 1d" >>"$TMP/want"
  i=$((i + 1))
done
ok import "$TMP/ev.jsonl"
ok add --title "treaty day" --kind anniversary --when 2020-03-15 --recur yearly
ok add --title "policy" --kind policy --when 2024-04-01/2026-09-30
ok add --title "summit" --kind visit --when "late 2025"

mkdir -p "$TMP/s"
cat >"$TMP/s/r.lua" <<'LUA'
local at = require "attache"
local asked = {}
at.remind{name = "m", before = {"7d", "1d"}, match = {kind = "meeting"},
  where = function(ev) asked[ev.title] = (asked[ev.title] or 0) + 1 return true end,
  message = function(ev, lead) return "R " .. ev.title .. " " .. lead end}
at.remind{name = "a", before = "2mo", match = {kind = "anniversary"},
  message = function(ev, lead, info) return "A " .. ev.title .. " " .. tostring(info.occurrence) end}
at.remind{name = "p", before = "10d", anchor = "end", match = {kind = "policy"},
  message = function(ev) return "P " .. ev.title end}
at.remind{name = "s", before = "2mo", match = {kind = "visit"},
  message = function(ev) return "S " .. ev.title end}
-- Later, events far ahead: one added, one moved from near to far.
at.at("2024-01-05", function()
  at.add{title = "late", kind = "meeting", when = "2026-06-15"}
  for _, m in ipairs(at.query{text = "m3"}) do
    if m.title == "m3" then assert(at.update(m.id, {when = "2025-11-20"})) end
  end
end)
at.at("2027-01-30", function()
  local n = 0
  for t, k in pairs(asked) do
    if k > 2 then print("ASKED " .. t .. " " .. k) end
    n = n + 1
  end
  print("ASKED events " .. n)
end)
LUA

ok serve --scripts "$TMP/s" --now 2024-01-01 --until 2027-02-01 --no-state --verbose

# -- every meeting's reminders, once each, at their time (m3 moved, and
# "late" added, are checked below)
grep -E '^[0-9T:-]+Z .* R m[0-9]+ ' "$TMP/out" |
  sed -E 's/^([0-9T:-]+Z) .* R (m[0-9]+) ([0-9a-z]+).*/\1 \2 \3/' | sort >"$TMP/got"
grep -v ' m3 ' "$TMP/want" | sort >"$TMP/want.s"
grep -v ' m3 ' "$TMP/got" >"$TMP/got.s" || true
if ! cmp -s "$TMP/want.s" "$TMP/got.s"; then
  diff "$TMP/want.s" "$TMP/got.s" | head -20 >&2
  fail "the meetings' reminders differ from one per lead at its time"
fi
n=$(wc -l <"$TMP/got.s" | tr -d ' ')
[ "$n" = 538 ] || fail "$n meeting reminders, expected 538 (269 events, 2 leads)"
# m3 moved from 2024-01-22 to 2025-11-20 on 2024-01-05, before its reminders
n=$(grep -c ' m3 ' "$TMP/got" || true)
[ "$n" = 2 ] || fail "m3 reminded $n times, expected 2: $(grep ' m3 ' "$TMP/got")"
grep -q '^2025-11-13T00:00:00Z m3 7d' "$TMP/got" || fail "m3 not reminded on 2025-11-13"
grep -q '^2025-11-19T00:00:00Z m3 1d' "$TMP/got" || fail "m3 not reminded on 2025-11-19"
# an event added two years ahead
out_has "R late 7d"
grep -q '^2026-06-08T00:00:00Z .* R late 7d' "$TMP/out" || fail "late not reminded on 2026-06-08"
grep -q '^2026-06-14T00:00:00Z .* R late 1d' "$TMP/out" || fail "late not reminded on 2026-06-14"

# -- a yearly anniversary, two months ahead, each year once
for y in 2024 2025 2026 2027; do
  n=$(grep -c "^$y-01-15T00:00:00Z .* A treaty day $y-03-15" "$TMP/out" || true)
  [ "$n" = 1 ] || fail "the $y anniversary was reminded $n times on $y-01-15, expected once"
done
n=$(grep -c ' A treaty day' "$TMP/out" || true)
[ "$n" = 4 ] || fail "$n anniversary reminders, expected 4"

# -- ten days before a two-and-a-half-year policy ends
n=$(grep -c ' P policy' "$TMP/out" || true)
[ "$n" = 1 ] || fail "$n policy reminders, expected 1"
grep -q '^2026-09-20T23:59:59Z .* P policy' "$TMP/out" ||
  fail "the policy's end not reminded on 2026-09-20: $(grep ' P policy' "$TMP/out")"

# -- a date not known to the day, two months ahead: the reminder, then the
# monthly question from its first reminder until the date has passed
grep -q '^2025-07-01T00:00:00Z .* S summit' "$TMP/out" || fail "summit not reminded on 2025-07-01"
grep 'summit, late 2025: the date is still unknown' "$TMP/out" | cut -c1-10 >"$TMP/asks"
[ "$(tr '\n' ' ' <"$TMP/asks")" = "2025-07-01 2025-08-01 2025-09-01 2025-10-01 2025-11-01 2025-12-01 " ] ||
  fail "summit asked on $(tr '\n' ' ' <"$TMP/asks"), expected the first of July to December 2025"

# -- where: each event asked at most once per lead (an event is asked
# again only for a lead not yet planned), 271 events (270 meetings, late)
out_lacks "ASKED m"
out_has "ASKED events 271"

# -- what is held: the table of a four-week stretch, never the store's
max=$(sed -n 's/.*remind m: \([0-9]*\) events\{0,1\} with reminders.*/\1/p' "$TMP/err" | sort -n | tail -1)
[ -n "$max" ] || fail "no planning logged"
[ "$max" -le 12 ] || fail "$max events held reminders at once, expected at most 12 (4 weeks + 7 days of meetings 4 days apart)"
n=$(grep -c 'remind m: [0-9]* events* with reminders' "$TMP/err")
[ "$n" -ge 39 ] || fail "the plan was extended $n times in 3 years, expected one per 4 weeks"
done_ok
