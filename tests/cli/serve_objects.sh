#!/bin/sh
# The objects only the daemon hands out (schedule and rule handles) keep
# their metatable to themselves, as every object of the module does
# (issue 12, finding 2; tests/lua/test_objects.lua covers the others).
. "$(dirname "$0")/lib.sh"

S=$TMP/scripts
mkdir -p "$S"
export TZ=UTC
cat >"$S/jobs.lua" <<'LUA'
local at = require "attache"
local handles = {
  every = at.every("1d", function() end),
  cron = at.cron("0 0 * * *", function() end),
  at = at.at("2024-01-02T00:00:00Z", function() end),
  on = at.on("add", function() end),
}
for _, name in ipairs{"every", "cron", "at", "on"} do
  local h = handles[name]
  local ok = pcall(function() getmetatable(h).__gc = function() while true do end end end)
  print(name, tostring(getmetatable(h)), ok and "changed" or "refused",
        pcall(setmetatable, h, {}) and "reset" or "kept")
end
LUA
new_store
ok serve --scripts "$S" --now 2024-01-01 --until 2024-01-01T00:00:01Z
for name in every cron at on; do
  out_has "$name	false	refused	kept"
done
echo "ok $TESTNAME ($NCHECKS checks)"
