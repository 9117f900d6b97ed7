#!/bin/sh
# A batch belongs to the script call that opened it (issue 11, finding 5).
# A script that yields inside at.batch, or whose coroutine dies inside it
# and is never closed, must not keep the store's write lock nor swallow
# later writes: under `attache run` a later at.add is stored, and under
# `attache serve` a command-line `attache add` completes and every at.add
# acknowledged to another script is still in the store after SIGTERM.
# A normal at.batch still commits.  Every wait polls with a deadline.
. "$(dirname "$0")/lib.sh"

W=$TMP/w
S=$TMP/scripts
mkdir -p "$W" "$S"
export TZ=UTC
script() { printf '%s\n' "$2" >"$1"; }

# wait_for TEXT FILE: poll for TEXT in FILE, at most WAIT_S (lib.sh).
wait_for() {
  i=0
  while ! grep -qF -- "$1" "$2" 2>/dev/null; do
    i=$((i + 1))
    [ $i -le $((WAIT_S * 10)) ] || fail "waited $WAIT_S s for '$1' in $(basename "$2"): $(cat "$2")"
    sleep 0.1
  done
}
# has_title TITLE: the store holds one event with this title.
has_title() {
  ok list --json --text "$1"
  grep -qF "\"title\":\"$1\"" "$TMP/out" || fail "the store lacks '$1'"
}
lacks_title() {
  ok list --json --text "$1"
  if grep -qF "\"title\":\"$1\"" "$TMP/out"; then fail "the store has '$1'"; fi
}

new_store

# -- attache run: a yield inside at.batch is an error naming the script
# and line; the batch is rolled back; a later at.add is stored.
script "$W/yield.lua" 'local at = require "attache"
local held = coroutine.wrap(function()
  at.batch(function()
    at.add{title = "inside the held batch", when = "2024"}
    coroutine.yield()
  end)
end)
local ok, err = pcall(held)
print("held", ok, err)
local ev = assert(at.add{title = "after the held batch", when = "2024"})
print("added", ev.id)'
ok run "$W/yield.lua"
out_has "held	false"
out_has "yield.lua:3:"
out_has "yield"
has_title "after the held batch"
lacks_title "inside the held batch"

# The same without pcall: the script fails with script:line, nothing of
# the batch is kept.
script "$W/yield2.lua" 'local at = require "attache"
held = coroutine.wrap(function() at.batch(function() at.add{title = "held two", when = "2024"}; coroutine.yield() end) end)
held()
at.add{title = "never reached", when = "2024"}'
expect_rc 1 run "$W/yield2.lua"
err_has "yield2.lua:2:"
lacks_title "held two"
lacks_title "never reached"

# -- a coroutine that errors inside at.batch and is never closed: its
# batch is rolled back at once, and later writes are not swallowed.
script "$W/dead.lua" 'local at = require "attache"
local co = coroutine.create(function()
  at.batch(function()
    at.add{title = "in the dead coroutine", when = "2024"}
    error("boom")
  end)
end)
print("resume", coroutine.resume(co))
local ev = assert(at.add{title = "after the dead coroutine", when = "2024"})
print("added", ev.id)
-- the coroutine is never closed
collectgarbage()
print("still", at.get(ev.id) ~= nil)'
ok run "$W/dead.lua"
out_has "resume	false"
out_has "boom"
out_has "still	true"
has_title "after the dead coroutine"
lacks_title "in the dead coroutine"

# -- a normal batch still commits, and a batch inside a coroutine that
# does not yield inside it works.
script "$W/normal.lua" 'local at = require "attache"
assert(at.batch(function()
  at.add{title = "normal one", when = "2024"}
  at.add{title = "normal two", when = "2024"}
end))
local co = coroutine.wrap(function()
  assert(at.batch(function() at.add{title = "normal in a coroutine", when = "2024"} end))
  coroutine.yield("between")
  return "done"
end)
print(co(), co())'
ok run "$W/normal.lua"
out_has "between	done"
has_title "normal one"
has_title "normal two"
has_title "normal in a coroutine"

# -- finalizers (possible with --allow-debug) that write while at.update
# and at.remove hold the lock for their own change: a change that fails
# must not take the finalizers' acknowledged writes down with it.
script "$W/gc.lua" 'local at = require "attache"
local acked = {}
local mt = {__gc = function()
  local ev = at.add{title = "written by a finalizer", when = "2024"}
  if ev then acked[#acked + 1] = ev.id end
end}
for round = 1, 20 do
  for i = 1, 50 do debug.setmetatable({}, mt) end
  for i = 1, 20 do
    at.update(999999, {title = "no such event"})
    at.remove(999999)
  end
end
collectgarbage()
local lost = 0
for _, id in ipairs(acked) do if at.get(id) == nil then lost = lost + 1 end end
print("acked", #acked > 0, "lost", lost)'
ok run --allow-debug "$W/gc.lua"
out_has "acked	true	lost	0"

# -- attache check opens the store read-only: at.batch there fails, with
# nothing to hold, and the store takes writes afterwards.
run check "$W/yield2.lua"
ok add --title "after check" --when 2024
has_title "after check"

# -- attache serve on the simulated clock: a reminder's message function
# and a schedule try to hold a batch; another script's schedule writes.
# Every write acknowledged to it is in the store when the run is over.
rm -rf "$STORE"
new_store
ok add --title "Meeting" --kind meeting --when 2024-01-20
mkdir -p "$TMP/sim"
script "$TMP/sim/a_hold.lua" 'local at = require "attache"
local function hold() coroutine.wrap(function() at.batch(function() coroutine.yield() end) end)() end
at.remind{name = "m", match = {kind = "meeting"}, before = {"7d"},
  message = function(ev) hold() return "never" end}
at.every("1d", function() hold() end)'
script "$TMP/sim/b_writer.lua" 'local at = require "attache"
at.every("1d", function(info)
  local ev = at.add{title = "daily " .. tostring(info.due), when = "2024"}
  print("acked", ev and ev.title)
end)'
ok serve --scripts "$TMP/sim" --now 2024-01-10 --until 2024-01-15 --no-state
err_has "a_hold.lua:2: at.batch: the function yielded"
n=$(grep -c "^acked	daily" "$TMP/out")
[ "$n" = 5 ] || fail "the writer acknowledged $n adds, expected 5"
cp "$TMP/out" "$TMP/acked"
ok list --json --text daily
[ "$(grep -c '"title":"daily ' "$TMP/out")" = 5 ] || fail "acknowledged adds are missing: $(cat "$TMP/out")"
grep -q "never" "$TMP/acked" && fail "a message function that failed raised an alert"

# -- attache serve: one script holds a batch while it loads, another
# writes (at load and from a rule); a command-line add must complete, and
# every write acknowledged to a script must survive a clean SIGTERM.
rm -rf "$STORE"
new_store
script "$S/a_hold.lua" 'local at = require "attache"
held = coroutine.wrap(function() at.batch(function() coroutine.yield() end) end)
held()'
script "$S/b_every.lua" 'local at = require "attache"
-- the same from a callback: at.at fires at once
at.at(at.now(), function()
  local h = coroutine.wrap(function() at.batch(function() coroutine.yield() end) end)
  h()
end)'
script "$S/c_writer.lua" 'local at = require "attache"
for i = 1, 9 do
  local ev = at.add{title = "acked " .. i, when = "2024"}
  print("acked", ev and ev.title)
end
at.on("add", function(ev)
  if ev.title == "from the command line" then
    local r = at.add{title = "acked by the rule", when = "2024"}
    print("acked", r and r.title)
  end
end)
print("writer ready")'
${ATT_WRAP:-} "$ATT" --store "$STORE" serve --scripts "$S" >"$TMP/bg.out" 2>"$TMP/bg.err" &
PID=$!
wait_for "writer ready" "$TMP/bg.out"
wait_for "a_hold.lua:2:" "$TMP/bg.err"
wait_for "b_every.lua:4:" "$TMP/bg.err"
(${ATT_WRAP:-} "$ATT" --store "$STORE" add --title "from the command line" --when 2024 \
   >"$TMP/add.out" 2>"$TMP/add.err"; echo $? >"$TMP/add.rc") &
APID=$!
wait_exit $APID "attache add (the daemon holds the write lock?)"
[ "$(cat "$TMP/add.rc")" = 0 ] || fail "attache add failed: $(cat "$TMP/add.err")"
wait_for "acked	acked by the rule" "$TMP/bg.out"
kill -TERM $PID
wait_exit $PID "attache serve after SIGTERM"
RC=0
wait $PID || RC=$?
[ "$RC" = 0 ] || fail "serve exited $RC on SIGTERM: $(cat "$TMP/bg.err")"
for i in 1 2 3 4 5 6 7 8 9; do
  grep -qF "acked	acked $i" "$TMP/bg.out" || fail "acked $i was not acknowledged"
  has_title "acked $i"
done
has_title "acked by the rule"
has_title "from the command line"

done_ok
