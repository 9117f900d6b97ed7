# Two scripts under one daemon cannot see each other: not their globals,
# not their registrations, not a change one makes to a shared library
# table (string, table, _G's metatable), not each other's modules; an
# error or a runaway loop in one leaves the other running.
. "$(dirname "$0")/lib.sh"

S=$TMP/scripts
mkdir -p "$S"
export TZ=UTC

cat >"$S/a.lua" <<'LUA'
local at = require "attache"
secret = "from a"
string.upper = function() return "hijacked" end
table.insert = nil
setmetatable(_G, {__index = function(_, k) return "a sees " .. k end})
package.loaded.shared = {who = "a"}
at.every("1d", function() print("a alive", secret) end)
at.every("1d", function() error("a fails") end)
LUA

cat >"$S/b.lua" <<'LUA'
local at = require "attache"
at.every("1d", function()
  local ok_shared = package.loaded.shared == nil
  print("b sees", tostring(rawget(_G, "secret")), string.upper("x"),
        type(table.insert), getmetatable(_G) == nil, ok_shared)
end)
LUA

ok init
ok serve --scripts "$S" --now 2024-01-01 --until 2024-01-03 --no-state
out_has "a alive	from a"
out_has "b sees	nil	X	function	true	true"
[ "$(grep -c 'b sees' "$TMP/out")" = 2 ] || fail "b should run on each of the 2 days"
err_has "a fails"
done_ok
