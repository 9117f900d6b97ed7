# The briefing snapshot (issue 15): what a report showed at a moment can
# be produced again later, byte for byte, with `attache run --as-of`.
# A daemon on the simulated clock adds events, writes every shipped
# report format at 2024-01-15 12:00 (what the director was shown), then
# goes on changing, removing and adding events.  Afterwards each report,
# run --as-of that moment, is identical to what was written then, and
# run on the present it is not.
. "$(dirname "$0")/lib.sh"

new_store
S=$TMP/scripts
mkdir -p "$S" "$TMP/then" "$TMP/now"
# Every shipped table format and the calendar, of every event by date,
# each written to NAME.out (the same code in the daemon and in run).
REPORT='local function briefing()
  local events = at.query{sort = "when"}
  local cols = {columns = {"id", "when", "status", "title", "actors"}}
  local r = {
    text = at.report.text(events, cols),
    md = at.report.markdown(events, cols),
    csv = at.report.csv(events, cols),
    json = at.report.json(events, cols),
    ics = at.report.ics(events, {name = "desk"}),
  }
  for name, text in pairs(r) do assert(at.report.write(text, name .. ".out")) end
end'
cat >"$S/desk.lua" <<LUA
local at = require "attache"
$REPORT
at.at("2024-01-10T09:00:00Z", function()
  at.add{title = "CDC meeting", key = "cdc", when = "early 2024", kind = "meeting", status = "planned", actors = {"KHM", "JPN"}}
  at.add{title = "Assistance policy", key = "policy", when = "2024-28", kind = "policy", status = "draft", actors = {"JPN"}}
  at.add{title = "Senior officials' talks", key = "talks", when = "2023-11", kind = "talks", status = "held", actors = {"KHM", "JPN"}}
end)
at.at("2024-01-15T12:00:00Z", function()
  briefing() -- what the director was shown
end)
at.at("2024-01-20T09:00:00Z", function()
  at.update("cdc", {when = "2024-03-12", status = "confirmed"}, {reason = "cable"})
  at.remove("talks")
  at.add{title = "Relations anniversary", key = "anniv", when = "2024-01-09", kind = "anniversary", actors = {"KHM", "JPN"}}
end)
at.at("2024-01-25T09:00:00Z", function()
  at.update("policy", {status = "endorsed"})
end)
LUA
ok serve --scripts "$S" --now 2024-01-01 --until 2024-02-01 --no-state --out "$TMP/then"
for f in text md csv json ics; do
  [ -s "$TMP/then/$f.out" ] || fail "the daemon did not write the $f report"
done

cat >"$TMP/again.lua" <<LUA
local at = require "attache"
$REPORT
briefing()
LUA
ok run --out "$TMP/again" --as-of "2024-01-15 12:00" "$TMP/again.lua"
ok run --out "$TMP/now" "$TMP/again.lua"
for f in text md csv json ics; do
  cmp -s "$TMP/then/$f.out" "$TMP/again/$f.out" ||
    fail "the $f report as of the briefing differs from what was shown then: $(diff "$TMP/then/$f.out" "$TMP/again/$f.out" | head -5)"
  ! cmp -s "$TMP/then/$f.out" "$TMP/now/$f.out" || fail "the $f report of the present should differ"
done
grep -q "Senior officials" "$TMP/again/text.out" || fail "the removed event should be in the briefing"
! grep -q "anniversary" "$TMP/again/text.out" || fail "an event added later should not be in the briefing"
grep -q "confirmed" "$TMP/now/text.out" || fail "the present should show the confirmed meeting"
done_ok
