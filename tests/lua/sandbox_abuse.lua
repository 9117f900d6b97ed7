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
cases.loop_nested = function()
  coroutine.wrap(function()
    local co = coroutine.create(function() while true do end end)
    while true do coroutine.resume(co) end
  end)()
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


-- C functions whose work grows with their input, each called so that the
-- VM runs few instructions while C runs long (tests/cli/bounds_limits.sh).
-- Each must end within the limits: with the budget or time error, or with
-- its (correct) result at once.
local huge_len = {__len = function() return math.maxinteger end}
cases.rep_empty = function() return string.rep("", math.maxinteger) end
cases.rep_empty_1e9 = function() return string.rep("", 1e9) end
cases.rep_empty_sep = function() return string.rep("", math.maxinteger, "") end
cases.rep_loop = function()
  while true do string.rep("ab", 1 << 22, ",") end
end
cases.remove_len = function() table.remove(setmetatable({}, huge_len), 1) end
cases.insert_len = function()
  table.insert(setmetatable({}, {__len = function() return 1 << 62 end}), 1, "x")
end
cases.move_time = function() table.move({}, 1, math.maxinteger - 1, 1) end
cases.concat_index = function()
  -- values from a C function: no VM instruction per element
  table.concat(setmetatable({}, {__index = type, __len = huge_len.__len}))
end
cases.sort_len = function()
  table.sort(setmetatable({}, {__len = function() return (1 << 31) - 2 end,
    __index = type, __newindex = rawequal}))
end
cases.sort_cmp = function()
  local t = {}
  for i = 1, 1 << 18 do t[i] = -i end
  while true do table.sort(t, math.ult) end -- a comparison in C: no instruction
end
cases.unpack_loop = function()
  local t = setmetatable({}, {__index = type})
  while true do table.unpack(t, 1, 999000) end
end
cases.pack_loop = function()
  local t = {}
  for i = 1, 200000 do t[i] = i end
  while true do table.pack(table.unpack(t)) end
end
cases.pattern_class = function()
  local n = 250000
  return ("a"):rep(n):find("[" .. ("b"):rep(n) .. "]")
end
cases.pattern_frontier = function()
  local n = 250000
  return ("a"):rep(n):find("%f[" .. ("b"):rep(n) .. "]")
end
cases.gsub_repl = function()
  return ("b"):rep(100000):gsub("(a?)", ("%1"):rep(1000000))
end
local function big() return ("x"):rep(1 << 24) end -- 16 MiB, made when used
cases.upper_loop = function() local s = big() while true do s:upper() end end
cases.reverse_loop = function() local s = big() while true do s:reverse() end end
cases.sub_loop = function() local s = big() while true do s:sub(2) end end
cases.byte_loop = function() local s = big() while true do s:byte(1, 999000) end end
cases.format_loop = function() local s = big() while true do string.format("%s", s) end end
cases.pack_str_loop = function() while true do string.pack(("x"):rep(1 << 16)) end end
cases.unpack_str_loop = function()
  local s = ("\0"):rep(1 << 20)
  while true do string.unpack(("b"):rep(1 << 18), s) end
end
cases.tonumber_loop = function()
  local s = ("1"):rep(1 << 24)
  while true do tonumber(s) end
end
cases.arith_loop = function()
  local s = ("1"):rep(1 << 24)
  while true do local _ = s + 0 end
end
cases.rawequal_loop = function()
  local a, b = big() .. "y", big() .. "y"
  while true do rawequal(a, b) end
end
cases.utf8_codes = function()
  local s = ("\x80"):rep(1 << 24)
  local f = utf8.codes(s)
  while true do pcall(f, s, 0) end
end
cases.utf8_len = function()
  local s = ("a"):rep(1 << 24)
  while true do utf8.len(s) end
end
cases.utf8_offset = function()
  local s = ("a"):rep(1 << 24)
  while true do utf8.offset(s, -1) end
end
cases.utf8_char = function()
  local t = {}
  for i = 1, 200000 do t[i] = 0x10FFFF end
  while true do utf8.char(table.unpack(t)) end
end
cases.os_date = function()
  -- (its result, 1.5 MB, stays under max-string: the loop is what is bounded)
  local f = ("%c"):rep(1 << 16)
  while true do os.date(f, 0) end
end
cases.next_scan = function()
  local t = {}
  for i = 1, 1 << 20 do t[i] = true end
  for i = 1, (1 << 20) - 1 do t[i] = nil end
  while true do next(t) end
end
cases.select_loop = function()
  local t = {}
  for i = 1, 200000 do t[i] = i end
  local function f(...) while true do select(2, ...) end end
  f(table.unpack(t))
end
cases.load_loop = function()
  local src = ("local a = 1 "):rep(1 << 18)
  while true do load(src) end
end
cases.load_name_loop = function()
  -- the compiler copies a chunk's name: 4 MiB of it on a one-line chunk
  local name = ("n"):rep(1 << 22)
  while true do load("return 1", name) end
end

local name = arg[1]
assert(cases[name], "no case " .. tostring(name))
cases[name]()
print("not stopped")
return 0
