-- The randomized API fuzzer of issue 12 (docs/reliability.md): random
-- calls to the attache module and the standard library with random
-- arguments: NaN, infinities, the integer limits, NUL bytes, big strings,
-- tables whose metamethods raise or loop for a while, stale event objects
-- (removed, updated, rolled back), wrong types, nested pcall.  Every call
-- is made under pcall: whatever happens, the process must not crash and
-- no sanitizer may report (tests/hostile/hostile.c checks both).
--   attache run fuzz.lua SEED CALLS OUTDIR
-- Prints "fuzz-progress N" every 1000 calls and "fuzz: N calls" at the
-- end, on stderr.  FUZZ_TRACE is not read: to replay, rerun the seed.
local at = require "attache"
local seed, calls, out = tonumber(arg[1]) or 1, tonumber(arg[2]) or 1000, arg[3] or "out"
math.randomseed(seed)
local R = math.random

-- ---- values ---------------------------------------------------------------

local function loop_a_while() local x = 0 for i = 1, R(1, 3000) do x = x + i end return x end

local function rstring()
  local k = R(1, 14)
  if k == 1 then return "" end
  if k == 2 then return "\0" end
  if k == 3 then return ("a\0b"):rep(R(1, 50)) end
  if k == 4 then return ("x"):rep(R(1, 1 << R(1, 20))) end
  if k == 5 then
    local t = {}
    for i = 1, R(1, 40) do t[i] = string.char(R(0, 255)) end
    return table.concat(t)
  end
  if k == 6 then
    return ({"2024", "2024-02-29", "../2024", "2024/..", "-9999", "Y170000002", "Y-170000000",
      "2024-28", "2024-13", "2024-02-30T25:61:61Z", "early 2024", "in November", "1985-04-12/..",
      "2024-06-01T00:00:00Z", "XXXX-XX", "2024?~%", "{2024,2025}", "[..2024]"})[R(1, 18)]
  end
  if k == 7 then return ({"1d", "-1d2h", "1mo-1d", "99999999999y", "0s", "7", "1y6mo", "x", "2h30m",
      "-9223372036854775808s"})[R(1, 10)] end
  if k == 8 then return ({"%s", "%d", "%q", "%99d", "%.99f", "%c", "%a", "%i", "%x", "%5.2s", "%%",
      "%", "%-99s", "%0100d"})[R(1, 14)] end
  if k == 9 then return ({"[", "%", "(", "%b", "%f", "[^", "%1", "(()", ".-", "a*", "[%a-z]",
      "%g+", "^$", "(.)%1"})[R(1, 14)] end
  if k == 10 then return ({"i8", "s", "z", "j", "n", "c10", "!16", "<>=", "Xi4", "i17", "s1", "x"})[R(1, 12)] end
  if k == 11 then return ({"*t", "!*t", "%c", "%Ez", "%Q", "%", "%Y-%m-%d"})[R(1, 7)] end
  if k == 12 then return ({"{", "[1,2", "{\"a\":}", "[[[[[[[[]]]]]]]]", "1e999", "-0", "\"\\ud800\"",
      "null", "[1,2,3]", "{\"a\":{\"b\":[null,true]}}", "\"\0\""})[R(1, 11)] end
  if k == 13 then return ({"meeting", "visit", "JPN", "title", "when", "id", "key", "h-1", "1", "9e99"})[R(1, 10)] end
  return "\27]0;x\7\27[31m\u{202E}" .. R()
end

local function rnumber()
  local k = R(1, 12)
  if k == 1 then return 0 / 0 end
  if k == 2 then return math.huge end
  if k == 3 then return -math.huge end
  if k == 4 then return math.maxinteger end
  if k == 5 then return math.mininteger end
  if k == 6 then return -0.0 end
  if k == 7 then return 2 ^ 63 end
  if k == 8 then return R(-10, 10) end
  if k == 9 then return R(math.mininteger, math.maxinteger) end
  if k == 10 then return R() * 1e300 end
  if k == 11 then return (1 << R(0, 62)) + R(-1, 1) end
  return R(-1e6, 1e6) + 0.5
end

local live = {}   -- events, dates, durations, cursors, coroutines seen so far
local function remember(v)
  if type(v) == "userdata" or type(v) == "table" or type(v) == "thread" then
    live[#live + 1] = v
    if #live > 300 then table.remove(live, R(1, #live)) end
  end
end

local value
local function hostile_table()
  local mt = {}
  local names = {"__index", "__newindex", "__len", "__tostring", "__eq", "__lt", "__le",
    "__concat", "__call", "__add", "__unm", "__close", "__name", "__pairs", "__mode"}
  for _ = 1, R(1, 5) do
    local n = names[R(1, #names)]
    local k = R(1, 8)
    if n == "__name" or n == "__mode" then mt[n] = rstring()
    elseif k == 1 then mt[n] = function() error(value(0)) end
    elseif k == 2 then mt[n] = function() return loop_a_while() end
    elseif k == 3 then mt[n] = function(...) return value(1) end
    elseif k == 4 then mt[n] = rawlen
    elseif k == 5 then mt[n] = rawequal
    elseif k == 6 then mt[n] = function() return math.maxinteger end
    elseif k == 7 then mt[n] = {}
    else mt[n] = function(t, k2) return t[k2] end end
  end
  local t = {}
  for i = 1, R(0, 6) do t[i] = value(2) end
  if R(1, 2) == 1 then t.title, t.when = rstring(), rstring() end
  return setmetatable(t, mt)
end

local function event_spec(depth)
  local t = {title = R(1, 8) == 1 and value(depth) or rstring(),
             when = R(1, 8) == 1 and value(depth) or rstring()}
  local fields = {"key", "kind", "status", "recur", "where", "notes", "actors", "tags", "people",
    "source", "links", "fields", "id", "rev", "bogus"}
  for _ = 1, R(0, 4) do
    local f = fields[R(1, #fields)]
    if f == "actors" or f == "tags" then t[f] = {rstring(), rstring()}
    elseif f == "links" then t[f] = {{rel = rstring(), id = value(depth)}}
    elseif f == "people" then t[f] = {{name = rstring(), role = value(depth)}}
    elseif f == "source" then t[f] = {title = rstring(), published = value(depth)}
    elseif f == "fields" then t[f] = {a = value(depth), [R(1, 3)] = value(depth)}
    else t[f] = R(1, 3) == 1 and value(depth) or rstring() end
  end
  return t
end

value = function(depth)
  depth = (depth or 0) + 1
  local k = R(1, depth > 3 and 6 or 16)
  if k == 1 then return nil end
  if k == 2 then return rnumber() end
  if k == 3 then return rstring() end
  if k == 4 then return R(1, 2) == 1 end
  if k == 5 and #live > 0 then return live[R(1, #live)] end
  if k == 6 then return at.null end
  if k == 7 then return hostile_table() end
  if k == 8 then return {value(depth), value(depth), x = value(depth)} end
  if k == 9 then return event_spec(depth) end
  if k == 10 then return function(...) if R(1, 3) == 1 then error(value(depth)) end return value(depth) end end
  if k == 11 then local ok, d = pcall(at.date, rstring()) return ok and d or nil end
  if k == 12 then local ok, d = pcall(at.days, R(-1000, 1000)) return ok and d or nil end
  if k == 13 then local ok, e = pcall(at.get, R(1, 400)) return ok and e or nil end
  if k == 14 then return coroutine.create(function(...) coroutine.yield(value(depth)) return ... end) end
  if k == 15 then local t = {} t[1] = t t.self = t return t end
  return rnumber()
end

local function args(n)
  local a = {}
  for i = 1, n do a[i] = value(0) end
  return a, n
end

-- ---- targets ----------------------------------------------------------------

local targets = {}
local function add(name, f) targets[#targets + 1] = {name, f} end

for _, lib in ipairs{{"string", string}, {"table", table}, {"utf8", utf8}, {"math", math}} do
  for name, f in pairs(lib[2]) do
    if type(f) == "function" then add(lib[1] .. "." .. name, f) end
  end
end
for _, name in ipairs{"date", "time", "clock", "difftime"} do add("os." .. name, os[name]) end
for _, name in ipairs{"tostring", "tonumber", "select", "rawlen", "rawequal", "rawget", "rawset",
  "next", "ipairs", "pairs", "type", "getmetatable", "setmetatable", "assert", "error", "load"} do
  add(name, _G[name])
end
for _, name in ipairs{"create", "resume", "wrap", "status", "close", "isyieldable", "running"} do
  add("coroutine." .. name, coroutine[name])
end
for _, name in ipairs{"add", "get", "update", "remove", "query", "count", "batch", "date", "edtf",
  "duration", "years", "months", "weeks", "days", "hours", "minutes", "seconds", "now", "alert",
  "every", "cron", "at", "on", "remind"} do
  add("at." .. name, at[name])
end
add("at.json.encode", at.json.encode)
add("at.json.decode", at.json.decode)
add("at.csv.rows", function(p, o)
  for _ in at.csv.rows(p, o) do end
end)
for name, f in pairs(at.report or {}) do
  if type(f) == "function" and name ~= "write" then add("at.report." .. name, f) end
end
add("at.report.write", function(s, name)
  return at.report.write(s, out .. "/" .. tostring(name):gsub("[^%w]", "_"):sub(1, 40))
end)
add("at.each", function(spec, n)
  local i = 0
  for ev in at.each(spec) do
    remember(ev)
    i = i + 1
    if i > (tonumber(n) or 3) % 20 then break end
  end
end)
add("cursor", function(spec)
  local _, _, _, cur = at.each(spec)
  remember(cur)
  if cur then cur:next() end
end)
-- Methods and operators of whatever is at hand.
add("method", function(v, ...)
  local names = {"earliest", "latest", "edtf", "seconds", "overlaps", "contains", "totable",
    "has_actor", "has_tag", "json", "stale", "next", "find", "count", "cancel"}
  local ok, m = pcall(function() return v[names[R(1, #names)]] end)
  if ok and type(m) == "function" then return m(v, ...) end
end)
add("field", function(v, k) return v[k] end)
add("setfield", function(v, k, x) v[k] = x end)
local ops = {
  function(a, b) return a + b end, function(a, b) return a - b end,
  function(a, b) return a * b end, function(a, b) return a == b end,
  function(a, b) return a < b end, function(a, b) return a <= b end,
  function(a, b) return a .. b end, function(a) return -a end,
  function(a) return #a end, function(a, b) return a // b end,
  function(a, b) return a % b end, function(a) return tostring(a) end,
}
add("operator", function(a, b) return ops[R(1, #ops)](a, b) end)
add("pairs-walk", function(v)
  local n = 0
  for k, x in pairs(v) do n = n + 1 if n > 50 then break end end
end)
add("close", function(v) local x <close> = v end)
add("stale", function()
  local e = at.add{title = "fuzz stale", when = "2024-03-0" .. R(1, 9), kind = "fuzz"}
  if not e then return end
  remember(e)
  local k = R(1, 3)
  if k == 1 then at.remove(e) elseif k == 2 then remember(at.update(e.id, {notes = rstring()})) end
  return e.title, e:stale(), at.update(e, {title = rstring()}), at.remove(e),
    e == at.get(e.id), tostring(e), e:totable()
end)
add("rolled-back", function()
  local kept
  pcall(at.batch, function()
    kept = at.add(event_spec(0)) or at.add{title = "rb", when = "2024"}
    if R(1, 2) == 1 then error("roll back") end
    coroutine.yield()
  end)
  remember(kept)
end)
add("nested-pcall", function(...)
  local a = table.pack(...)
  local t = targets[R(1, #targets)]
  return pcall(pcall, pcall, t[2], table.unpack(a, 1, a.n))
end)
add("gc", function() if R(1, 50) == 1 then collectgarbage() else collectgarbage("step") end end)
add("yield-from-callback", function()
  local co = coroutine.wrap(function()
    return at.query{where = function(ev) coroutine.yield(ev) return true end, limit = 2}
  end)
  remember(co())
end)

-- ---- the loop ------------------------------------------------------------------

for i = 1, 20 do remember(at.add{title = "fuzz seed event " .. i, when = "2024-0" .. (i % 9 + 1),
  kind = "fuzz", actors = {"JPN"}}) end

local made, raised, seen = 0, 0, {}
for i = 1, calls do
  local t = targets[R(1, #targets)]
  local a, n = args(R(0, 4))
  local res = table.pack(pcall(t[2], table.unpack(a, 1, n)))
  for j = 2, res.n do remember(res[j]) end
  if not res[1] then raised = raised + 1 end
  seen[t[1]] = true
  -- What a call returned is used once more: printed and compared.
  if res.n > 1 then pcall(tostring, res[2]) pcall(function() return res[2] == a[1] end) end
  made = i
  if i % 1000 == 0 then io.stderr:write("fuzz-progress ", i, "\n") end
end
local nseen = 0
for _ in pairs(seen) do nseen = nseen + 1 end
io.stderr:write("fuzz: ", made, " calls (", raised, " raised) to ", nseen, " of ", #targets,
  " functions\n")
return 0
