-- at.json.decode and at.json.encode: values both ways, at.null for null,
-- sorted keys, messages with line and column for bad input, raises for
-- misuse (values JSON cannot hold).
local t = require "tap"
local at = require "attache"

local dec, enc = at.json.decode, at.json.encode

-- decode
local v = assert(dec('{"a": [1, 2.5, "x", true, false, null], "b": {"c": -0.5e1}}'))
t.is(v.a[1], 1, "an integer")
t.is(math.type(v.a[1]), "integer", "stays an integer")
t.is(v.a[2], 2.5, "a float")
t.is(v.a[3], "x", "a string")
t.is(v.a[4], true, "true")
t.is(v.a[5], false, "false")
t.is(v.a[6], at.null, "null is at.null")
t.is(#v.a, 6, "so the array keeps its length")
t.is(v.b.c, -5.0, "an exponent")
t.is(at.json.null, at.null, "at.json.null is at.null")
t.is(dec("9007199254740993"), 9007199254740993, "a large integer is exact")
t.is(math.type(dec("1e400")), "float", "a huge number is a float")
t.is(dec('"\\u00e9\\ud83d\\ude00\\n\\/"'), "é😀\n/", "escapes and surrogate pairs")
t.is(dec('"日本"'), "日本", "UTF-8 as is")
t.is(dec(" 42 "), 42, "a bare value with spaces")
t.is(dec('\239\187\191{"k":1}').k, 1, "a byte order mark is skipped")
t.is(dec('{"k":1,"k":2}').k, 2, "a repeated key keeps the last value")
t.is(next(dec("{}")), nil, "an empty object")

local function bad(text, want, name)
  local r, msg = dec(text)
  t.ok(r == nil and type(msg) == "string" and msg:find(want, 1, true) ~= nil, name)
  if r ~= nil or not (msg or ""):find(want, 1, true) then t.diag("got " .. tostring(msg)) end
end
bad("", "line 1, column 1: expected a value, got the end", "empty text")
bad('{"a": 1,}', "line 1, column 9: expected a string key", "a trailing comma")
bad('[1,\n 2,\n x]', "line 3, column 2: expected a value", "line and column")
bad('"abc', "a string is not closed", "an open string")
bad('"a\tb"', "a control character", "a raw tab in a string")
bad('"\\x"', "an unknown escape", "a bad escape")
bad('"\\ud800"', "without its low surrogate", "a lone high surrogate")
bad('"\255"', "invalid UTF-8", "invalid UTF-8")
bad("01", "leading zeros", "a leading zero")
bad("1.", "a digit must follow", "a bare point")
bad("[1] 2", "text after the value", "two values")
bad("nul", "expected a value", "a cut literal")
bad(string.rep("[", 300), "nested more than 200 deep", "deep nesting")
t.raises(function() dec() end, "bad argument #1", "decode() raises")
t.raises(function() dec({}) end, "string expected", "decode of a table raises")

-- encode: sorted keys, compact, deterministic
t.is(enc{b = 1, a = {3, 2, 1}, c = {z = true, y = at.null}},
     '{"a":[3,2,1],"b":1,"c":{"y":null,"z":true}}', "keys in byte order")
t.is(enc("a\"b\\c\n\1é"), '"a\\"b\\\\c\\n\\u0001é"', "string escapes")
t.is(enc(1.5), "1.5", "a float")
t.is(enc(2.0), "2.0", "an integral float keeps its point")
t.is(enc(0.1), "0.1", "the shortest text that reads back")
t.is(enc(-7), "-7", "an integer")
t.is(enc(math.maxinteger), "9223372036854775807", "the largest integer")
t.is(enc({}), "[]", "an empty table is an empty array")
t.is(enc(nil), "null", "nil is null")
t.is(enc(at.date("2024-28")), '"2024/2028"', "a date is its EDTF")
t.is(enc(at.days(7)), '"7d"', "a duration is its text")
t.is(enc({a = {b = 1}, c = {1, 2}}, {indent = 2}),
     '{\n  "a": {\n    "b": 1\n  },\n  "c": [\n    1,\n    2\n  ]\n}', "indented")

-- round trips
local text = '{"actors":["KHM","JPN"],"n":3,"nested":{"deep":[[],{"x":null}]},"x":0.25}'
t.is(enc(dec(text)), text, "decode then encode gives the same text")
local iso = '[{"alpha_3":"KHM","name":"Cambodia"}]'
t.is(dec(iso)[1].alpha_3, "KHM", "the iso-codes shape")

-- events encode as their fields
local ev = assert(at.add{title = "Talks", when = "2024-03", kind = "talks", actors = {"JPN"}})
local back = dec(enc(ev))
t.is(back.title, "Talks", "an event encodes as its fields")
t.is(back.when, "2024-03", "with its date as EDTF")
t.is(back.id, ev.id, "and its id")

-- misuse raises
t.raises(function() enc(print) end, "a function is not JSON", "a function")
t.raises(function() enc{1, 2, x = 3} end, "mixes a list with named fields", "a mixed table")
t.raises(function() enc{[1] = 1, [3] = 3} end, "neither 1..n nor strings", "a sparse array")
t.raises(function() enc(0 / 0) end, "NaN", "NaN")
t.raises(function() enc{a = {b = math.huge}} end, "a%.b: NaN and infinities", "the path is named")
t.raises(function() enc("\255") end, "not valid UTF%-8", "invalid UTF-8")
local loop = {}
loop.self = loop
t.raises(function() enc(loop) end, "holds itself", "a table that holds itself")
t.raises(function() enc(1, {pretty = true}) end, "unknown option", "an unknown option")
t.raises(function() enc() end, "bad argument #1", "encode() raises")

-- a bigger value, to see the budget charge does not get in the way
local big = {}
for i = 1, 5000 do big[i] = {id = i, title = "event " .. i, tags = {"a", "b"}} end
local s = enc(big)
t.is(#dec(s), 5000, "5000 objects both ways")

return t.done()
