#!/bin/sh
# A Lua call that builds its answer from C memory frees that memory when
# building raises (the script's max-memory reached): at.tally's counts of
# 3,000 tags, asked with less than their table needs left, fail with "not
# enough memory" and leak nothing (seen leaking 72,000 bytes under ASan
# and valgrind before); with room enough, the same call answers.  Then
# the class: tally, add (the event object it pushes), get, query and an
# event's JSON, each asked with 0 to 200 KiB of the limit left in 2 KiB
# steps, so that the limit falls at each of their allocations in turn;
# the script ends normally and ASan or valgrind (CI runs this test under
# both) finds no leak.
. "$(dirname "$0")/lib.sh"

new_store
awk 'BEGIN { for (i = 0; i < 3000; i++)
  printf "{\"title\":\"e%d\",\"when\":\"2024-01-01\",\"tags\":[\"t%05d\"]}\n", i, i }' >"$TMP/ev.jsonl"
ok import "$TMP/ev.jsonl"
cat >"$TMP/t.lua" <<'LUA'
local at = require "attache"
-- fill the script's memory until `left` KiB of its limit remain
local limit, left = tonumber(arg[1]) * 1024, tonumber(arg[2]) * 1024
local fill, chunk = {}, string.rep("x", 1000)
collectgarbage("collect")
while collectgarbage("count") * 1024 < limit - left do fill[#fill + 1] = chunk .. #fill end
local ok, err = pcall(at.tally, {}, "tag")
if ok then
  local n = 0
  for _ in pairs(err) do n = n + 1 end
  print("TALLY " .. n)
else
  print("FAILED " .. tostring(err))
end
LUA
for left in 60 100 150; do
  ok run --max-memory 4M "$TMP/t.lua" 4096 "$left"
  out_has "FAILED not enough memory"
done
ok run --max-memory 8M "$TMP/t.lua" 8192 4000
out_has "TALLY 3000"

cat >"$TMP/sweep.lua" <<'LUA'
local at = require "attache"
local limit, step = 4 * 1024 * 1024, tonumber(arg[1]) * 1024
local chunk = string.rep("y", 1000)
local ops = {
  tally = function() return at.tally({}, "tag") end,
  add = function() return at.add{title = "swept", when = "2024-02-02", tags = {"sweep"}} end,
  get = function() return at.get(7) end,
  query = function() return at.query{tag = "t00007"} end,
  json = function() local e = at.get(7) return e and e:json() end,
}
local failed, answered = 0, 0
for _, name in ipairs{"tally", "add", "get", "query", "json"} do
  for left = 0, 200 * 1024, step do
    local fill = {}
    collectgarbage("collect")
    pcall(function() -- (near the limit, filling may reach it first)
      while collectgarbage("count") * 1024 < limit - left do fill[#fill + 1] = chunk .. #fill end
    end)
    local ok = pcall(ops[name])
    if ok then answered = answered + 1 else failed = failed + 1 end
    fill = nil
    collectgarbage("collect")
  end
end
print("SWEEP " .. failed .. " failed, " .. answered .. " answered")
LUA
# 2 KiB steps; 10 under valgrind (ATT_WRAP), where each step takes ~50x
step=2
[ -n "${ATT_WRAP:-}" ] && step=10
ok run --max-memory 4M --max-instructions 0 "$TMP/sweep.lua" "$step"
out_has "SWEEP "
sed -n "s/^SWEEP/# SWEEP/p" "$TMP/out"
n=$(sed -n 's/^SWEEP \([0-9]*\) failed.*/\1/p' "$TMP/out")
[ "${n:-0}" -gt 0 ] || fail "no call of the sweep reached the limit: $(cat "$TMP/out")"
done_ok
