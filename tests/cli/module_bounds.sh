#!/bin/sh
# The attache module's C work and C memory are a script's own (issue 12,
# findings 1 and 4 for the module): cursors count their ids against
# --max-memory and give them back when closed; the readers of long date
# and duration text, JSON encoding of long strings, and cursor loops whose
# `where` is a C function are charged to --max-instructions.  Before,
# 1000 cursors over 20,000 events took 160 MB under --max-memory 8M, and
# each of the loops below ran for minutes under a budget of a million
# instructions.  The limits are those of `attache run`; the daemon shares
# the mechanism.
. "$(dirname "$0")/lib.sh"

new_store
awk 'BEGIN { for (i = 1; i <= 20000; i++)
  printf "{\"title\":\"event %d\",\"when\":\"2024-%02d-%02d\",\"actors\":[\"A\"]}\n",
    i, i % 12 + 1, i % 28 + 1 }' >"$TMP/events.jsonl"
ok import "$TMP/events.jsonl"

# Cursors held in a table: the memory limit stops them, the Lua heap stays
# small, and memory comes back when they are collected.
cat >"$TMP/cursors.lua" <<'LUA'
local at = require "attache"
local keep, n = {}, 0
local ok, err = pcall(function()
  for i = 1, 1000 do keep[i] = select(4, at.each{}); n = i end
end)
print("cursors", n, ok, err)
print("heap", collectgarbage("count") < 1024)
keep = nil
collectgarbage()
local cur <close> = select(4, at.each{})
print("after", cur:count())
-- Closed cursors give their memory back at once.
for _ = 1, 1000 do local c <close> = select(4, at.each{}) end
print("closed", "fine")
LUA
ok run --max-memory 8M "$TMP/cursors.lua"
out_has "not enough memory"
n=$(awk '$1 == "cursors" { print $2 }' "$TMP/out")
[ "$n" -ge 10 ] && [ "$n" -le 60 ] ||
  fail "8 MB should hold about 50 cursors of 20,000 ids, not $n"
out_has "heap	true"
out_has "after	20000"
out_has "closed	fine"

# Parsed events hold C memory too: a script keeping every event parsed
# (ev.actors) is stopped by the limit rather than growing.
cat >"$TMP/parsed.lua" <<'LUA'
local at = require "attache"
local keep = {}
for ev in at.each{} do local _ = ev.actors; keep[#keep + 1] = ev end
print("kept", #keep)
LUA
expect_rc 1 run --max-memory 12M "$TMP/parsed.lua"
err_has "not enough memory"

# C work charged to the budget: each loop makes a few VM instructions per
# call and much C work (a text query reads all 20,000 events; an add turns
# a table of 200,000 numbers into JSON before the core refuses it); each
# must end with the budget error, quickly.
budget() { # name, max-instructions, Lua body
  printf 'local at = require "attache"\n%s\n' "$3" >"$TMP/$1.lua"
  expect_rc 1 run --max-instructions "$2" --max-time 60 "$TMP/$1.lua"
  err_has "instruction budget exhausted"
}
budget duration 1000000 'local s = (" "):rep((16 << 20) - 64) .. "7d"
for _ = 1, 1e6 do at.duration(s) end'
budget date 1000000 'local s = (" "):rep((16 << 20) - 64) .. "2024"
for _ = 1, 1e6 do at.date(s) end'
budget edtf 1000000 'local s = ("2"):rep((16 << 20) - 64)
for _ = 1, 1e6 do at.edtf(s) end'
budget encode 1000000 'local s = ("x"):rep((16 << 20) - 64)
for _ = 1, 1e6 do at.json.encode(s) end'
budget encode_refs 1000000 'local s, t = ("x"):rep(1 << 20), {}
for i = 1, 200 do t[i] = s end
for _ = 1, 1e6 do at.json.encode(t) end'
budget decode 1000000 'local s = "[" .. ("0,"):rep(1 << 20) .. "0]"
for _ = 1, 1e6 do at.json.decode(s) end'
budget find 50000 'print(at.count{where = tonumber})'
budget big_event 5000000 'local big = {s = ("x"):rep(1000000)}
local ev = at.get(assert(at.add{title = "big", when = "2024", fields = big}).id)
for _ = 1, 1e6 do local _ = ev.updated end'
budget text 10000000 'for _ = 1, 1e6 do at.count{text = "event"} end'
budget add 2000000 'local f = {}
for i = 1, 200000 do f[i] = i end
for _ = 1, 1e6 do at.add{title = "x", when = "2024", fields = {list = f}} end'
budget ics 1000000 'local list = at.query{limit = 2000}
for _ = 1, 1e6 do at.report.ics(list) end'

done_ok
