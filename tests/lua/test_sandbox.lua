-- The sandbox, attacked from inside a script: each escape or abuse attempt
-- must be stopped with a clear message, and the script must go on (the
-- state stays healthy).  What ends the whole call (infinite loops, the
-- budget, os.exit) is tested from the command line in tests/cli/run.sh.
-- arg[1] is a scratch directory this script may write to (--out).
local t = require "tap"
local out = assert(arg[1], "run me through tests/lua/run.sh")

-- 1-4: no shell, no C modules
t.is(os.execute, nil, "os.execute is absent")
t.raises(function() os.execute("echo pwned") end, "attempt to call a nil value",
  "calling os.execute fails")
t.is(io.popen, nil, "io.popen is absent")
t.is(package.loadlib, nil, "package.loadlib is absent")
t.is(package.searchers, nil, "package.searchers (C searchers) are absent")
t.raises(function() require "lfs" end, "C modules cannot be loaded",
  "require of a C module is refused")
t.raises(function() require "../../etc/passwd" end, "not a valid module name",
  "require with a path is refused")

-- 5-9: no bytecode
t.is(string.dump, nil, "string.dump is absent")
do
  local f, err = load("\27Lua\x54\x00\x19\x93\r\n\x1a\n\x04\x08\x08")
  t.is(f, nil, "a hand-made binary chunk does not load")
  t.like(err, "binary chunks cannot be loaded", "... with a clear message")
  f, err = load("return 1", "x", "b")
  t.is(f, nil, "load with mode 'b' is refused")
  t.like(err, "mode \"b\"", "... saying why")
  local parts = {"\27Lua", "\x54\x00"}
  f, err = load(function() return table.remove(parts, 1) end)
  t.is(f, nil, "a binary chunk from a reader function does not load")
  t.like(err, "binary chunk", "... with a clear message")
  t.is(load("return 1 + 1", "x", "bt")(), 2, "text chunks still load (mode 'bt' means 't')")
  t.is(dofile, nil, "dofile is absent")
  t.is(loadfile, nil, "loadfile is absent")
end

-- 10-11: no debug library, so no debug.sethook to remove the budget
t.is(debug, nil, "debug is absent")
t.raises(function() return require "debug" end, "not found", "require 'debug' fails")

-- 12-14: the string metatable is out of reach
t.is(getmetatable(""), false, "getmetatable('') gives false")
t.raises(function() getmetatable("").__index = {} end, "attempt to index",
  "replacing the string methods fails")
string.upper = function() return "pwned" end
t.is(("abc"):upper(), "ABC", "changing the string table does not change string methods")
string.upper = nil
t.is(("abc"):upper(), "ABC", "removing string.upper leaves the method")

-- 15-16: globals are the script's own
local saved_tostring = tostring
rawset(_G, "tostring", function() return "pwned" end)
t.is(("x"):rep(2), "xx", "rawset on _G stays inside this script")
rawset(_G, "tostring", saved_tostring)
local seen = {}
setmetatable(_G, {__index = function(_, k) seen[#seen + 1] = k end})
local at_ok, at = pcall(require, "attache")
t.ok(at_ok or tostring(at):find("attache"), "the attache module loads with _G intercepted")
setmetatable(_G, nil)
t.is(seen[1], nil, "a metatable on _G sees no access from the embedded module")

-- 17-24: files
do
  local f = assert(io.open(out .. "/report.txt", "w"))
  f:write("line 1\nline 2\n")
  f:close()
  local lines = {}
  for l in io.lines(out .. "/report.txt") do lines[#lines + 1] = l end
  t.is(#lines, 2, "the output directory is made on the first write, and readable")
  t.ok(io.open("tap.lua"), "files in the current directory are readable")
  local err
  f, err = io.open("/etc/passwd")
  t.is(f, nil, "io.open('/etc/passwd') is refused")
  t.like(err, "not allowed", "... with a clear message")
  f, err = io.open(("../"):rep(12) .. "etc/passwd")
  t.is(f, nil, "a ../ escape is refused")
  t.like(err, "not allowed", "... with a clear message")
  f, err = io.open(out .. "/../escaped.txt", "w")
  t.is(f, nil, "writing outside the output directory via .. is refused")
  t.like(err, "not allowed", "... with a clear message")
  f, err = io.open("written-into-the-source-tree.txt", "w")
  t.is(f, nil, "the current directory is readable, not writable")
  t.raises(function() for _ in io.lines("/etc/passwd") do end end, "not allowed",
    "io.lines outside the allowed directories raises")
  f, err = io.open(".", "r")
  t.is(f, nil, "a directory is not opened as a file")
  t.like(err, "not a regular file", "... with a clear message")
  t.is(io.input, nil, "io.input (which opens by name) is absent")
  t.is(io.output, nil, "io.output is absent")
  t.is(io.tmpfile, nil, "io.tmpfile is absent")

end

-- 25-27: require tricks
t.is(require("os").execute, nil, "require 'os' gives the limited os")
t.is(require("io").popen, nil, "require 'io' gives the limited io")
t.is(require("string").dump, nil, "require 'string' has no dump")
t.is(os.getenv, nil, "os.getenv is absent")
t.is(os.remove, nil, "os.remove is absent")
t.is(os.setlocale, nil, "os.setlocale (process-wide) is absent")
t.ok(os.time() > 0 and os.date("%Y") and os.clock() >= 0, "os.time/date/clock work")
-- os.time() and os.date() read the clock as the store does (att_time_now);
-- with a table or a time given they are Lua's own.
t.is(math.type(os.time()), "integer", "os.time() is an integer")
do
  local tt = os.time{year = 2024, month = 7, day = 17, hour = 12}
  local back = os.date("*t", tt)
  t.ok(back.year == 2024 and back.month == 7 and back.day == 17 and back.hour == 12,
    "os.time(t) is Lua's: os.date gives the table back")
end
t.is(os.date("!%Y-%m-%d %H:%M:%S", 86400 + 3661), "1970-01-02 01:01:01", "os.date(fmt, t) formats t")
t.is(os.date("!%Y", nil), os.date("!%Y"), "os.date(fmt, nil) is now")
t.is(type(os.date()), "string", "os.date() with no arguments")
t.is(type(os.date("!*t").year), "number", "os.date('!*t') is a table")
do
  local at = require "attache"
  local a, o, b = at.now(), os.time(), at.now()
  t.ok(a <= o and o <= b, "os.time() reads the clock at.now() reads (" .. a .. " " .. o .. " " .. b .. ")")
end

-- 28-31: memory bombs
t.raises(function() return string.rep("x", 1 << 40) end, "max%-string",
  "string.rep of a huge string is refused")
t.raises(function() return ("x"):rep(1e7, ("y"):rep(10)) end, "max%-string",
  "string.rep with a separator is capped too")
t.raises(function() local t2 = {} for i = 1, math.huge do t2[i] = {i} end end,
  "not enough memory", "a table growth loop hits the memory cap")
t.raises(function() local s = "xxxxxxxx" while true do s = s .. s end end,
  "not enough memory", "a concatenation loop hits the memory cap")
collectgarbage()
t.ok(collectgarbage("count") < 8 * 1024, "memory is given back after the bombs")
local big = ("z"):rep(9 << 20)
t.raises(function() return string.format("%s%s", big, big) end, "max%-string",
  "string.format results are capped")
big = nil
t.raises(function() return string.format("%99999d", 1) end, "invalid conversion",
  "string.format('%99999d') is refused")

-- 32-36: deep recursion and C stack overflow end in errors
do -- the Lua stack limit, or the memory cap if it comes first
  local ok, e = pcall(function() local function f(n) return f(n + 1) + 1 end return f(1) end)
  t.ok(not ok and (e:find("stack overflow") or e:find("not enough memory")), "deep Lua recursion")
end
do
  local obj = setmetatable({}, {})
  getmetatable(obj).__index = function(o, k) return o[k .. "x"] end
  t.raises(function() return obj.a end, "stack overflow", "recursion through __index")
  local chain = {}
  for _ = 1, 3000 do chain = setmetatable({}, {__index = chain}) end
  t.raises(function() return chain.missing end, "chain too long",
    "an __index chain 3000 tables long")
end
t.raises(function()
  local function g(s) return (s:gsub(".", g)) end
  return g("ab")
end, "stack overflow", "string.gsub with a callback that recurses")
t.raises(function()
  local function cmp(a, b) table.sort({3, 2, 1}, cmp) return a < b end
  table.sort({3, 2, 1}, cmp)
end, "stack overflow", "table.sort with a comparator that recurses")
t.raises(function()
  local function nest() return coroutine.wrap(nest)() end
  return nest()
end, "stack overflow", "coroutines nested without end")
t.raises(function() local s = ("("):rep(40) .. "a" .. (")"):rep(40) return ("a"):find(s) end,
  "too many captures", "a pattern with too many captures")
t.raises(function() return ("a"):rep(300):find(("a?"):rep(300) .. ("a"):rep(300)) end,
  "pattern too complex", "a pattern whose recursion is too deep")

-- 37-40: collector, finalizers, error objects
t.raises(function() collectgarbage("stop") end, "not allowed", "collectgarbage('stop') is refused")
t.raises(function() collectgarbage("generational") end, "not allowed",
  "collectgarbage('generational') is refused")
t.ok(collectgarbage("count") > 0, "collectgarbage('count') works")
do
  -- The collector is generational (host.c): a step is a whole minor
  -- collection, and says so, so that the idiom below ends.
  local junk = {}
  for i = 1, 1000 do junk[i] = {i} end
  junk = nil
  local steps = 0
  repeat steps = steps + 1 until collectgarbage("step") or steps > 100
  t.ok(steps == 1, "collectgarbage('step') finishes a collection (" .. steps .. " steps)")
  t.ok(collectgarbage("step", 64) == true, "collectgarbage('step', n) too")
end
t.raises(function() setmetatable({}, {__gc = function() while true do end end}) end,
  "__gc metamethods are not allowed", "a __gc finalizer (runs without hooks) is refused")
do
  local evil = setmetatable({}, {__tostring = function() error("gotcha") end})
  local ok, e = pcall(error, evil)
  t.ok(not ok and e == evil, "an error object whose __tostring fails is just a value")
  t.ok(not pcall(tostring, evil), "... tostring of it raises, and the script goes on")
  local ok2, msg = xpcall(function() error(evil) end, function(m) return type(m) end)
  t.is(msg, "table", "xpcall hands the object to its handler")
end

-- the pattern functions are ours: same results as Lua's
t.is(select(2, ("hello world"):gsub("o", "0")), 2, "gsub counts")
t.is(("key = value"):match("^(%w+)%s*=%s*(%w+)$"), "key", "match with captures")
t.is(table.concat({("a,b,,c"):match("^(.-),(.-),(.-),(.-)$")}, "|"), "a|b||c", "lazy repetitions")
local words = {}
for w in ("one two  three"):gmatch("%a+") do words[#words + 1] = w end
t.is(#words, 3, "gmatch iterates")
t.is(("THE (quick) fox"):find("%f[%a]%a+%f[%A]", 5), 6, "frontier patterns")
t.is(("[[x]]"):match("%b[]"), "[[x]]", "balanced matches")
t.is(("abcabc"):find("(abc)%1"), 1, "back references")

return t.done()
