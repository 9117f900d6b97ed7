-- The sandbox's own and metered versions of the library functions that
-- loop in C (issue 12): they give stock Lua 5.4's results and errors.
-- That each one stops with the budget or the deadline is shown by
-- tests/cli/bounds_limits.sh (the cases in sandbox_abuse.lua).
local t = require "tap"

local function pack(...) return {n = select("#", ...), ...} end
local function same(a, b)
  if a.n ~= b.n then return false end
  for i = 1, a.n do if a[i] ~= b[i] then return false end end
  return true
end
local function list(tb, n)
  local parts = {}
  for i = 1, n or #tb do parts[i] = tostring(tb[i]) end
  return table.concat(parts, ",")
end

-- string.rep: every length, separator and count against a plain loop
do
  local bad = 0
  for _, s in ipairs{"", "a", "ab", "xyz", ("q"):rep(1000)} do
    for _, sep in ipairs{false, "", ",", ";;", ("-"):rep(70)} do
      for _, n in ipairs{-1, 0, 1, 2, 3, 7, 64, 1000, 5000} do
        local parts = {}
        for i = 1, n do parts[i] = s end
        local want = table.concat(parts, sep or "")
        local got = sep and string.rep(s, n, sep) or string.rep(s, n)
        if got ~= want then bad = bad + 1 end
      end
    end
  end
  t.is(bad, 0, "string.rep gives a plain loop's result for 225 combinations")
  t.is(#("x"):rep(1 << 24), 1 << 24, "a 16 MiB rep is cheap")
  t.is(string.rep("", math.maxinteger), "", "rep of an empty string is empty at once")
  t.is(string.rep("", 1e9, ""), "", "... with an empty separator too")
  t.is(string.rep("ab", 3.0, "-"), "ab-ab-ab", "a float count with an integer value")
  t.raises(function() string.rep("x", 1.5) end, "number has no integer representation",
    "a fractional count is refused as stock does")
  t.raises(function() string.rep("x", math.maxinteger) end, "max%-string",
    "a huge result is refused with the max-string message")
  t.raises(function() string.rep({}, 2) end, "bad argument #1 to 'rep'",
    "a table is refused as stock does")
end

-- table.insert, remove, move, concat
do
  local a = {1, 2, 3}
  table.insert(a, 4)
  table.insert(a, 1, 0)
  table.insert(a, 3, "x")
  t.is(list(a), "0,1,x,2,3,4", "insert at the end, the front and the middle")
  t.raises(function() table.insert(a, 9, 1) end, "position out of bounds", "insert past the end")
  t.raises(function() table.insert(a, 0, 1) end, "position out of bounds", "insert at 0")
  t.raises(function() table.insert(a, 1, 2, 3) end, "wrong number of arguments to 'insert'",
    "insert with too many arguments")
  t.raises(function() table.insert(nil, 1) end, "table expected", "insert into nil")
  t.is(table.remove(a), 4, "remove the last")
  t.is(table.remove(a, 1), 0, "remove the first")
  t.is(list(a), "1,x,2,3", "... and the rest moved down")
  t.is(table.remove({}), nil, "remove from an empty table")
  t.is(table.remove({}, 0), nil, "remove at 0 of an empty table")
  t.is(table.remove({n = 1}, 1), nil, "remove at size + 1")
  t.raises(function() table.remove({1}, 5) end, "position out of bounds", "remove far past the end")
  -- a proxy with __index/__newindex/__len, as stock accepts
  local store, log = {10, 20, 30}, {}
  local proxy = setmetatable({}, {
    __index = function(_, k) log[#log + 1] = "r" .. k return store[k] end,
    __newindex = function(_, k, v) log[#log + 1] = "w" .. k store[k] = v end,
    __len = function() return #store end})
  table.insert(proxy, 1, 5)
  t.is(list(store), "5,10,20,30", "insert through metamethods")
  t.is(table.concat(log, " "), "r3 w4 r2 w3 r1 w2 w1", "... in stock order")
  log = {}
  t.is(table.remove(proxy, 2), 10, "remove through metamethods")
  t.is(table.concat(log, " "), "r2 r3 w2 r4 w3 w4", "... in stock order")
  local u = io.stdout
  t.raises(function() table.insert(u, 1) end, "table expected", "a userdata without the metamethods")

  t.is(list(table.move({1, 2, 3}, 1, 3, 2), 4), "1,1,2,3", "move up, overlapping")
  t.is(list(table.move({1, 2, 3}, 2, 3, 1)), "2,3,3", "move down, overlapping")
  t.is(list(table.move({1, 2}, 1, 2, 1, {9, 9, 9})), "1,2,9", "move into another table")
  t.is(#table.move({1}, 5, 1, 1), 1, "an empty range moves nothing")
  t.raises(function() table.move({}, math.mininteger, 0, 1) end, "too many elements to move",
    "a range too long")
  t.raises(function() table.move({}, 1, 10, math.maxinteger) end, "destination wrap around",
    "a destination that wraps")

  t.is(table.concat({1, "b", 3.5}, "-"), "1-b-3.5", "concat with a separator")
  t.is(table.concat({1, 2, 3}, ",", 2), "2,3", "concat from i")
  t.is(table.concat({1, 2, 3}, ",", 2, 2), "2", "concat from i to j")
  t.is(table.concat({}, ",", 3, 1), "", "an empty range")
  t.raises(function() table.concat({1, {}, 3}) end, "invalid value %(at index 2%) in table for 'concat'",
    "a table value is refused with stock's message")
end

-- table.sort, unpack, pack
do
  local a = {5, 3, 9, 1, 7, 2}
  table.sort(a)
  t.is(list(a), "1,2,3,5,7,9", "sort with <")
  table.sort(a, function(x, y) return x > y end)
  t.is(list(a), "9,7,5,3,2,1", "sort with a function")
  local r = {}
  for i = 1, 2000 do r[i] = (i * 7919) % 2003 end
  table.sort(r)
  local sorted = true
  for i = 2, #r do if r[i - 1] > r[i] then sorted = false end end
  t.ok(sorted, "sort 2000 numbers")
  t.raises(function() table.sort({1, "x", 2}) end, "attempt to compare", "mixed types")
  t.raises(function() table.sort({1, 2}, 5) end, "bad argument #2 to '[%w.]*sort' %(function expected", "a bad comparison")
  t.is(pcall(table.sort, {}, 5), true, "a bad comparison with nothing to sort is ignored, as stock")
  t.raises(function() table.sort({3, 2, 1}, function() error("cmp") end) end, "cmp",
    "an error in the comparison")
  t.ok(same(pack(table.unpack({1, nil, 3}, 1, 3)), pack(1, nil, 3)), "unpack with holes")
  t.ok(same(pack(table.unpack({1, 2, 3}, 2)), pack(2, 3)), "unpack from i")
  t.raises(function() table.unpack({}, 1, 1e8) end, "too many results to unpack", "unpack too many")
  local p = table.pack(1, nil, 3)
  t.is(p.n, 3, "pack counts nils")
end

-- metered string and utf8 functions: unchanged results
do
  local s = "héllo wörld"
  t.is(s:upper(), "HéLLO WöRLD", "upper")
  t.is(s:sub(2, 3), "é", "sub")
  t.ok(same(pack(s:byte(1, 3)), pack(104, 195, 169)), "byte")
  t.is(string.char(65, 66), "AB", "char")
  t.is(string.unpack("<i4", string.pack("<i4", -5)), -5, "pack and unpack")
  t.is(string.packsize("i4i8"), 12, "packsize")
  t.is("10" + 5, 15, "string arithmetic converts")
  t.is(-"2", -2, "string negation")
  t.raises(function() return "x" + 1 end, "attempt to add a 'string' with a 'number'", "... and refuses words")
  t.is(tonumber("0x10"), 16, "tonumber")
  t.is(tonumber("z", 36), 35, "tonumber with a base")
  t.is(utf8.len(s), 11, "utf8.len")
  t.is(utf8.len(s, 4), 9, "utf8.len from a position")
  t.ok(same(pack(utf8.len("a\xffb")), pack(nil, 2)), "utf8.len of bad UTF-8")
  t.is(utf8.offset(s, 3), 4, "utf8.offset")
  t.is(utf8.offset(s, -1), #s, "utf8.offset from the end")
  t.is(utf8.offset(s, 50), nil, "utf8.offset past the end")
  local cps = {}
  for p, c in utf8.codes(s) do cps[#cps + 1] = p .. ":" .. c end
  t.is(cps[2], "2:233", "utf8.codes")
  t.is(#cps, 11, "utf8.codes visits every character")
  t.raises(function() for _ in utf8.codes("a\xff") do end end, "invalid UTF%-8 code",
    "utf8.codes on bad UTF-8")
  t.is(utf8.char(72, 0x10FFFF), "H\u{10FFFF}", "utf8.char")
  t.is(select("#", select(2, 1, 2, 3)), 2, "select")
  t.is(rawequal("a" .. "b", "ab"), true, "rawequal")
end

-- os.date in pieces gives the whole format's result
do
  local f = ("%Y-%m-%d %H:%M:%S %% %Ey %Od|"):rep(300)
  t.ok(#f > 4096, "a long format")
  t.is(os.date("!" .. f, 86400), ("1970-01-02 00:00:00 % 70 02|"):rep(300),
    "a long format gives each piece's result")
  t.raises(function() os.date(("%Y"):rep(1000) .. "%Q") end, "invalid conversion specifier '%%Q'",
    "a bad conversion in a long format")
  t.is(os.date("!*t", 0).year, 1970, "os.date *t")
  t.is(os.date("!%Y", 0), "1970", "a short format")
end

-- load compiles a long chunk in pieces, same result and names
do
  local src = ("a = 1 "):rep(2000) .. "return 42"
  local f = assert(load(src))
  t.is(f(), 42, "a long chunk loads and runs")
  local _, err = load(("a = 1 "):rep(2000) .. "error(")
  t.is(err, '[string "a = 1 a = 1 a = 1 a = 1 a = 1 a = 1 a = 1 a =..."]:1: unexpected symbol near <eof>',
    "... named by its first line, word for word as stock Lua 5.4")
  _, err = load("x = 1\n" .. ("a = 1 "):rep(2000) .. "error(")
  t.is(err, '[string "x = 1..."]:2: unexpected symbol near <eof>', "... a short first line")
  _, err = load(("a = 1 "):rep(9) .. "\n" .. ("a = 1 "):rep(2000) .. "error(")
  t.is(err, '[string "a = 1 a = 1 a = 1 a = 1 a = 1 a = 1 a = 1 a =..."]:2: unexpected symbol near <eof>',
    "... a first line longer than a message shows")
  local g = assert(load(("x = 1 "):rep(2000), "=mine"))
  t.ok(g, "a long chunk with a name")
  local _, berr = load("\27Lua" .. ("x"):rep(5000))
  t.like(berr, "binary chunks cannot be loaded", "a long binary chunk is refused")
end

-- next and pairs
do
  local seen = 0
  for _ in pairs({a = 1, b = 2, 3, 4}) do seen = seen + 1 end
  t.is(seen, 4, "pairs visits everything")
  local mp = setmetatable({}, {__pairs = function(self) return function(_, k)
    if not k then return 1, "one" end end, self, nil end})
  local k, v = nil, nil
  for kk, vv in pairs(mp) do k, v = kk, vv end
  t.is(v, "one", "__pairs is honoured")
  t.is(k, 1, "... with its keys")
  t.is(next({}), nil, "next of an empty table")
  t.raises(function() next({}, "nokey") end, "invalid key to 'next'", "next with a bad key")
  t.raises(function() next(1) end, "table expected", "next of a number")
end

-- patterns with sets still match
do
  t.is(("xxabc"):find("[a-c]+"), 3, "a set")
  t.is(("a]b"):match("[]]"), "]", "a set with ]")
  t.is(("THE (quick) fox"):find("%f[%a]%a+", 5), 6, "a frontier")
  t.is(("abc"):gsub("(b)", "%1%1"), "abbc", "gsub with captures in the replacement")
  t.is(select(2, ("bbb"):gsub("(a?)", "%1")), 4, "gsub with empty captures")
end

-- string.pack: a fixed-size string longer than max-string is refused
-- before a buffer is asked for (refusing a 2 GB buffer costs a full
-- emergency collection that no budget sees)
do
  t.raises(function() string.pack("c2000000000", "") end, "max%-string", "pack of a 2 GB fixed-size string")
  t.raises(function() string.pack("i4c9000000c9000000", 1, "", "") end, "max%-string",
           "the fixed-size strings of a format add up")
  t.is(#string.pack("c10", "ab"), 10, "a short fixed-size string packs as before")
  t.is(string.unpack("z", string.pack("z", "abc")), "abc", "formats without c are untouched")
end

-- os.date: a long format's result is capped at max-string, like rep's
do
  t.raises(function() os.date(("%c"):rep(1000000), 0) end, "max%-string", "os.date of a million %c")
  t.is(os.date("!" .. ("%Y"):rep(600), 0), ("1970"):rep(600), "a long format still works")
end

return t.done()
