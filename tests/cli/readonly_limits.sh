#!/bin/sh
# --rule-depth and the burst limit (issue 12: "apply to every way a script
# can cause writes"), one case per way, each on a simulated clock: the run
# must end, the limit must be logged, and the writes it let through must
# stay within it.  The ways: a rule that changes what it watches (one
# script, and two scripts playing ping-pong, with alerts on the way), a
# rule that fans out (plain and in batches), a schedule that writes in a
# loop with a rule answering each write, a reminder's message function
# that writes, and a main chunk that writes.  docs/scheduling.md, section
# "Limits in the daemon", says what each limit counts.
. "$(dirname "$0")/lib.sh"

S=$TMP/scripts
mkdir -p "$S"
export TZ=UTC
ATT_WRAP="timeout -s KILL 300"

# events TITLE: how many events of the store have that title.
events() {
  ok list --json
  grep -c "\"title\":\"$1\"" "$TMP/out" || true
}
# at_most WHAT N LIMIT
at_most() {
  [ "$2" -le "$3" ] || fail "$1: $2, more than $3"
}
use() {
  rm -f "$S"/*.lua
  for f in "$@"; do cp "$TMP/$f" "$S/"; done
}
replay() {
  ok serve --scripts "$S" --now 2024-01-01 --until 2024-01-03 --no-state "$@"
}

# -- 1. a rule that updates the event it watches: depth 1, 3 and default 8
cat >"$TMP/loop.lua" <<'LUA'
local at = require "attache"
at.on("update", function(ev) at.update(ev.id, {notes = "round " .. ev.rev}) end)
at.at("2024-01-02", function()
  local e = at.add{title = "loop", when = "2024-02-01"}
  at.update(e.id, {notes = "start"})
end)
LUA
for depth in 1 3 8; do
  rm -rf "$STORE"
  new_store
  use loop.lua
  if [ $depth = 8 ]; then replay; else replay --rule-depth $depth; fi
  err_has "rules stopped: a chain of $depth changes made by rules"
  ok get 1 --json
  # rev 1 the add, rev 2 the schedule's update (depth 0), then the rule's
  # updates at depths 1 to depth + 1: only the last fires no rule
  grep -q "\"rev\":$((depth + 3))[,}]" "$TMP/out" || fail "depth $depth: $(cat "$TMP/out")"
done

# -- 2. two scripts playing ping-pong, each raising an alert on the way
cat >"$TMP/ping.lua" <<'LUA'
local at = require "attache"
at.on("update", function(ev)
  if ev.key == "pong" then
    at.alert{key = "ping:" .. ev.rev, title = "ping " .. ev.rev}
    at.update(at.get("ping").id, {notes = "from pong " .. ev.rev})
  end
end)
at.at("2024-01-02", function()
  at.add{title = "ping", key = "ping", when = "2024-02-01"}
  local p = at.add{title = "pong", key = "pong", when = "2024-02-01"}
  at.update(p.id, {notes = "serve"})
end)
LUA
cat >"$TMP/pong.lua" <<'LUA'
local at = require "attache"
at.on("update", function(ev)
  if ev.key == "ping" then at.update(at.get("pong").id, {notes = "from ping " .. ev.rev}) end
end)
LUA
rm -rf "$STORE"
new_store
use ping.lua pong.lua
replay --rule-depth 5
err_has "rules stopped: a chain of 5 changes made by rules"
n=$(grep -c "ping [0-9]" "$TMP/out" || true)
at_most "alerts raised by the ping-pong chain" "$n" 3

# -- 3. a rule that fans out: each add makes two more (2^20 without a limit)
cat >"$TMP/fan.lua" <<'LUA'
local at = require "attache"
at.on("add", function(ev)
  for i = 1, 2 do at.add{title = "fan", when = "2024-02-01"} end
end)
at.at("2024-01-02", function() at.add{title = "seed", when = "2024-02-01"} end)
LUA
cat >"$TMP/fanbatch.lua" <<'LUA'
local at = require "attache"
at.on("add", function(ev)
  at.batch(function()
    for i = 1, 4 do at.add{title = "fan", when = "2024-02-01"} end
  end)
end)
at.at("2024-01-02", function() at.add{title = "seed", when = "2024-02-01"} end)
LUA
for f in fan.lua fanbatch.lua; do
  rm -rf "$STORE"
  new_store
  use $f
  replay --rule-depth 20
  err_has "rules stopped: rules made more than 1000 changes"
  at_most "$f: events made by rules" "$(events fan)" 1004
done

# -- 4. a schedule that writes in a loop, a rule answering each write
cat >"$TMP/bulk.lua" <<'LUA'
local at = require "attache"
at.on("add", function(ev)
  if ev.title == "bulk" then at.add{title = "echo", when = "2024-02-01"} end
end)
at.at("2024-01-02", function()
  for i = 1, 3000 do at.add{title = "bulk", when = "2024-02-01"} end
end)
LUA
rm -rf "$STORE"
new_store
use bulk.lua
replay
err_has "rules stopped: rules made more than 1000 changes"
[ "$(events bulk)" = 3000 ] || fail "the schedule's own writes: $(events bulk), expected 3000"
at_most "events made by rules for a schedule's loop" "$(events echo)" 1001

# -- 5. a reminder's message function that writes, a rule that answers
cat >"$TMP/msg.lua" <<'LUA'
local at = require "attache"
at.remind{name = "m", before = "0", match = {kind = "meeting"},
  message = function(ev)
    at.update(ev.id, {notes = "reminded"})
    return "meeting " .. ev.title
  end}
at.on("update", function(ev)
  if ev.kind == "meeting" then at.update(ev.id, {status = "r" .. ev.rev}) end
end)
LUA
rm -rf "$STORE"
new_store
ok add --title "talks" --kind meeting --when 2024-01-02
use msg.lua
replay --rule-depth 4
out_has "meeting talks"
err_has "rules stopped: a chain of 4 changes made by rules"
ok get 1 --json
grep -q '"rev":7[,}]' "$TMP/out" || fail "message chain: $(cat "$TMP/out")"

# -- 6. a main chunk that writes, a rule chain from it
cat >"$TMP/main.lua" <<'LUA'
local at = require "attache"
at.on("add", function(ev)
  if ev.title == "chain" then at.add{title = "chain", when = "2024-02-01"} end
end)
at.add{title = "chain", when = "2024-02-01"}
LUA
rm -rf "$STORE"
new_store
use main.lua
replay --rule-depth 6
err_has "rules stopped: a chain of 6 changes made by rules"
[ "$(events chain)" = 8 ] || fail "main chunk chain: $(events chain) events, expected 8"
done_ok
