-- Abuse that ends the whole call, one case per run (tests/cli/run.sh):
--   attache run sandbox_abuse.lua CASE
-- Each must be stopped by a limit with a clear message, quickly.
local cases = {}

cases.loop = function() while true do end end
cases.loop_pcall = function()
  while true do pcall(function() while true do end end) end
end
cases.loop_wrap = function()
  local co = coroutine.wrap(function() while true do end end)
  while true do pcall(co) end
end
cases.loop_resume = function()
  while true do
    local co = coroutine.create(function() while true do end end)
    coroutine.resume(co)
  end
end
cases.loop_xpcall = function()
  while true do xpcall(function() while true do end end, function() while true do end end) end
end
cases.loop_close = function()
  local co = coroutine.wrap(function()
    local x <close> = setmetatable({}, {__close = function() while true do end end})
    while true do end
  end)
  while true do pcall(co) end
end
cases.loop_tostring = function()
  local evil = setmetatable({}, {__tostring = function() while true do end end})
  while true do pcall(error, evil) end
end
cases.loop_gsub = function()
  while true do pcall(string.gsub, "abc", ".", function() while true do end end) end
end
cases.loop_sort = function()
  pcall(table.sort, {3, 2, 1}, function() while true do end end)
  while true do end
end
cases.loop_load = function()
  while true do pcall(load, function() while true do end end) end
end
cases.pattern = function() return string.rep("a", 600):find(".-.-.-b") end
cases.pattern_pcall = function()
  while true do pcall(string.find, string.rep("a", 600), ".-.-.-.-b") end
end
cases.plain_find = function()
  local s, p = ("a"):rep(1 << 23), ("a"):rep(1 << 22) .. "b"
  while true do s:find(p, 1, true) end
end
cases.move = function() table.move({}, 1, math.maxinteger - 1, 1) end
cases.gc = function()
  local keep = {}
  for i = 1, 2e5 do keep[i] = {} end
  while true do collectgarbage() end
end
cases.memory = function() local t = {} for i = 1, math.huge do t[i] = ("x"):rep(64) .. i end end
cases.error_object = function()
  error(setmetatable({}, {__tostring = function() error("tostring fails too") end}))
end
cases.exit = function() os.exit(7) end
cases.exit_pcall = function()
  while true do pcall(os.exit, 5) end
end
cases.exit_bad = function() os.exit(1000) end

local name = arg[1]
assert(cases[name], "no case " .. tostring(name))
cases[name]()
print("not stopped")
return 0
