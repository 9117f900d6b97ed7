-- Differential test of the sandbox's pattern matcher (string.find, match,
-- gmatch, gsub) against the stock Lua 5.4 string library, on random
-- patterns and subjects.  Run by tests/cli/run.sh with --allow-debug: the
-- stock library is reachable only through the debug registry.
--   attache run --allow-debug sandbox_patterns.lua [N] [SEED]
local stock = debug.getregistry()._LOADED.string
local mine = string
local N = tonumber(arg[1]) or 3000
math.randomseed(tonumber(arg[2]) or 42)

local items = {"a", "b", "c", ".", "%a", "%d", "%s", "%w", "%p", "%A", "%S",
  "[ab]", "[^a]", "[a-c]", "[%d.]", "[]]", "[^]a]", "%.", "%%", "1", " ", "(",
  ")", "%b()", "%f[%w]", "%f[%W]", "%1", "()", "$", "^", "[a-]", "%x", "%u",
  "%l", "%c", "%g", "[%a_][%w_]*", "%z", "-", "[", "%"}
local quants = {"", "", "", "*", "+", "-", "?"}
local chars = {"a", "b", "c", "1", "2", " ", ".", "(", ")", "_", "A", "%", "\0", "x"}

local function rnd(t) return t[math.random(#t)] end
local function pattern()
  local p = {}
  if math.random(6) == 1 then p[#p + 1] = "^" end
  for _ = 1, math.random(0, 5) do
    local it = rnd(items)
    if math.random(4) == 1 and #it <= 4 then it = "(" .. it .. rnd(quants) .. ")"
    else it = it .. rnd(quants) end
    p[#p + 1] = it
  end
  if math.random(6) == 1 then p[#p + 1] = "$" end
  return table.concat(p)
end
local function subject()
  local s = {}
  for _ = 1, math.random(0, 14) do s[#s + 1] = rnd(chars) end
  return table.concat(s)
end

local function pack(ok, ...) return {ok = ok, n = select("#", ...), ...} end
local function same(a, b)
  if a.ok ~= b.ok then return false end
  if not a.ok then return tostring(a[1]) == tostring(b[1]) end
  if a.n ~= b.n then return false end
  for i = 1, a.n do
    if a[i] ~= b[i] or math.type(a[i]) ~= math.type(b[i]) then return false end
  end
  return true
end
local function show(r)
  local t = {}
  for i = 1, r.n or #r do t[#t + 1] = string.format("%q", r[i]) end
  return (r.ok and "ok " or "error ") .. table.concat(t, ", ")
end

local function collect(lib, s, p, init)
  local out = {}
  for a, b, c in lib.gmatch(s, p, init) do
    out[#out + 1] = tostring(a) .. "|" .. tostring(b) .. "|" .. tostring(c)
    if #out > 100 then break end
  end
  return table.concat(out, ",")
end

local fails, cases = 0, 0
local function compare(what, f, ...)
  cases = cases + 1
  local a = pack(pcall(f, mine, ...))
  local b = pack(pcall(f, stock, ...))
  if not same(a, b) then
    fails = fails + 1
    if fails <= 20 then
      local args = table.pack(...)
      local t = {}
      for i = 1, args.n do
        local v = args[i]
        t[i] = (type(v) == "string" or type(v) == "number") and string.format("%q", v) or tostring(v)
      end
      print(string.format("# MISMATCH %s(%s)\n#   sandbox: %s\n#   stock:   %s",
        what, table.concat(t, ", "), show(a), show(b)))
    end
  end
end

local repl_t = {a = "A", ["1"] = 1, b = false}
local function repl_f(x, y) if x == "b" then return nil end return "<" .. tostring(x) .. tostring(y) .. ">" end
for _ = 1, N do
  local s, p = subject(), pattern()
  local init = math.random(-16, 17)
  compare("find", function(l, ...) return l.find(...) end, s, p)
  compare("find", function(l, ...) return l.find(...) end, s, p, init)
  compare("find plain", function(l, ...) return l.find(...) end, s, p, init, true)
  compare("match", function(l, ...) return l.match(...) end, s, p, init)
  compare("gmatch", collect, s, p, init)
  compare("gsub", function(l, ...) return l.gsub(...) end, s, p, "[%0]")
  compare("gsub %1", function(l, ...) return l.gsub(...) end, s, p, "%1-%%", math.random(0, 3))
  compare("gsub table", function(l, ...) return l.gsub(...) end, s, p, repl_t)
  compare("gsub function", function(l, ...) return l.gsub(...) end, s, p, repl_f)
end
print(string.format("%d comparisons, %d mismatches", cases, fails))
return fails == 0
