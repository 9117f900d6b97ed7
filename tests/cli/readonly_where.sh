#!/bin/sh
# Read-only contexts (issue 12, finding 3): a reminder's `where` function
# may not write.  Every write a script can cause is tried from inside one,
# both when the reminder is registered (the scan of the store) and when a
# change re-plans an event: the store (add, update, remove, batch), alerts,
# files, and the daemon's own state (schedules, rules, reminders, cancel).
# Each raises "a reminder's where function may not write (ACTION)"; writes
# work again once the where function has returned.  Then the finding's
# sample: a where function that adds an event on every call used to fill
# the store without end (46,927 events in 10 s with --rule-depth 1, the
# clock stuck); now the run ends and the store holds what it held.
. "$(dirname "$0")/lib.sh"

S=$TMP/scripts
W=$TMP/written
mkdir -p "$S" "$W"
export TZ=UTC
# A daemon that never ends is a failure, not a hung test.
ATT_WRAP="timeout -s KILL 120"

new_store
ok add --title "probe one" --when 2024-01-20

cat >"$S/ro.lua" <<LUA
local at = require "attache"
local W = "$W"
local early = at.every("1d", function() end)
local function try(what, f, ...)
  local ok, err = pcall(f, ...)
  print("try", what, ok, tostring(err))
end
at.remind{name = "ro", before = "1d", where = function(ev)
  if ev.title:sub(1, 5) ~= "probe" then return false end
  print("where", ev.title)
  try("add", at.add, {title = "sneaked in", when = "2024-06-01"})
  try("update", at.update, ev.id, {notes = "changed"})
  try("remove", at.remove, ev.id)
  try("batch", at.batch, function() end)
  try("alert", at.alert, {key = "ro:" .. ev.id, title = "from where"})
  try("io.open", io.open, W .. "/f.txt", "w")
  try("every", at.every, "1d", function() end)
  try("cron", at.cron, "0 8 * * *", function() end)
  try("at", at.at, "2024-02-01", function() end)
  try("on", at.on, "add", function() end)
  try("remind", at.remind, {name = "inner", before = "1d"})
  try("cancel", early.cancel, early)
  return true
end}
-- A change re-plans the event: where runs again, read-only again; and
-- the schedule that made the change may still write after it returns.
at.at("2024-01-02", function()
  local e = at.add{title = "probe two", when = "2024-01-22"}
  print("added", e.title)
end)
at.at("2024-01-03", function()
  local e = at.add{title = "after", when = "2024-01-24"}
  print("added", e.title)
  print("cancel", early:cancel())
end)
LUA

ok serve --scripts "$S" --now 2024-01-01 --until 2024-01-05 --no-state --write "$W"
for p in "probe one" "probe two"; do out_has "where	$p"; done
for a in add update remove batch alert io.open every cron at on remind cancel; do
  n=$(grep -c "^try	$a	false	.*a reminder's where function may not write" "$TMP/out" || true)
  [ "$n" = 2 ] || fail "where: '$a' was refused $n times out of 2"
done
out_lacks "try	add	true"
out_has "added	probe two"
out_has "added	after"
out_has "cancel	true"
[ ! -e "$W/f.txt" ] || fail "a where function wrote a file"
ok list --json
n=$(wc -l <"$TMP/out" | tr -d ' ')
[ "$n" = 3 ] || fail "the store holds $n events, expected 3 (probe one, probe two, after)"
out_lacks "sneaked in"
out_lacks "\"notes\":\"changed\""

# -- a reminder registered by a callback: its scan runs inside that call,
# read-only all the same, and the callback may write again afterwards
rm -f "$S"/*.lua
cat >"$S/late.lua" <<'LUA'
local at = require "attache"
at.at("2024-01-02", function()
  at.remind{name = "late", before = "1d", where = function(ev)
    print("late where", pcall(at.add, {title = "sneaked in", when = "2024-06-01"}))
    return true
  end}
  print("late add", at.add{title = "late", when = "2024-01-26"}.title)
end)
LUA
ok serve --scripts "$S" --now 2024-01-01 --until 2024-01-03 --no-state
n=$(grep -c "^late where	false	a reminder's where function may not write (at.add)" "$TMP/out" || true)
# the scan (3 events), then the change the callback made (1)
[ "$n" = 4 ] || fail "a late reminder's where function was refused $n times, expected 4"
out_has "late add	late"
ok list --json
out_lacks "sneaked in"

# -- the finding's sample: it ends, the clock moves, nothing is added
rm -f "$S"/*.lua
cat >"$S/fill.lua" <<'LUA'
local at = require "attache"
at.remind{name = "x", where = function() at.add{title = "s", when = "2024-06-01"} return true end}
at.every("1d", function(info) print("tick", info.due) end)
LUA
ok serve --scripts "$S" --now 2024-01-01 --until 2024-01-04 --no-state --rule-depth 1
out_has "tick	2024-01-04T00:00:00Z"
err_has "a reminder's where function may not write (at.add)"
ok list --json
out_lacks "\"title\":\"s\""
n=$(wc -l <"$TMP/out" | tr -d ' ')
[ "$n" = 4 ] || fail "the store holds $n events after the where function wrote, expected 4"
done_ok
