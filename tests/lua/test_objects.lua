-- Every object the attache module hands out keeps its metatable to itself
-- (issue 12, finding 2): getmetatable gives false, so no script can read
-- the methods table, replace a method or metamethod, or give an object a
-- finalizer.  Before, `getmetatable(at.days(1)).__gc = function() while
-- true do end end` made every later duration run an endless finalizer
-- outside any budget.  Each kind of object is tried the same ways:
-- getmetatable, setmetatable, rawset through the metatable, assignment of
-- a method, and the __gc trick itself.
local t = require "tap"
local at = require "attache"

local ev = assert(at.add{title = "object test", when = "2024-06-01", actors = {"A"}})
local stored = assert(at.get(ev.id)) -- read from the stored text
local _, _, _, cur = at.each{}      -- the cursor behind at.each
local parsed = assert(at.get(ev.id))
local _ = parsed.actors               -- parsed now: it holds a C event

local objects = {
  {"an event from at.add", ev},
  {"an event read from the store", stored},
  {"an event holding a parsed event", parsed},
  {"a date", at.date("2024-06")},
  {"an instant", at.now()},
  {"a date from an event", ev.when},
  {"a duration", at.days(1)},
  {"a duration from text", at.duration("1y2mo")},
  {"a cursor", cur},
  {"at.null", at.null},
  {"at.json.null", at.json.null},
  {"a date from a created time", stored.created},
}

for _, o in ipairs(objects) do
  local name, x = o[1], o[2]
  t.is(getmetatable(x), false, name .. ": getmetatable gives false")
  t.raises(function() getmetatable(x).__gc = function() end end, "index a boolean",
    name .. ": its metatable cannot be written through getmetatable")
  t.raises(function() rawset(getmetatable(x), "__index", {}) end, "table expected",
    name .. ": rawset on its metatable fails")
  t.raises(function() getmetatable(x).__index.earliest = print end, "index a boolean",
    name .. ": its methods cannot be reached")
end

-- Methods and fields cannot be replaced on the objects themselves.
t.raises(function() ev.title = "changed" end, "read%-only", "an event's field cannot be set")
t.raises(function() ev.has_actor = function() return true end end, "read%-only",
  "an event's method cannot be replaced")
t.is(ev:has_actor("B"), false, "... and the method is the module's")
do
  local d = at.date("2024")
  t.raises(function() d.earliest = function() return 0 end end, "index",
    "a date's method cannot be replaced")
  t.is(tostring(d:earliest()), "2024-01-01T00:00:00Z", "... and works as before")
  local u = at.days(2)
  t.raises(function() u.totable = nil end, "index", "a duration's method cannot be removed")
  t.is(u:totable().days, 2, "... and works as before")
  t.raises(function() cur.next = nil end, "index", "a cursor's method cannot be removed")
  t.raises(function() at.null.x = 1 end, "index", "at.null cannot be written")
end

-- Methods still check what they are given (reached through an object now
-- that the metatable is out of reach).
t.raises(function() ev.has_actor(io.stdout, "A") end, "attache.event expected",
  "event methods check their argument")
t.raises(function() cur.next(ev) end, "attache.cursor expected",
  "cursor methods check their argument")
t.raises(function() at.date("2024").earliest(at.days(1)) end, "attache.date expected",
  "date methods check their argument")
t.raises(function() at.days(1).totable(at.date("2024")) end, "attache.duration expected",
  "duration methods check their argument")

-- The module table's own metatable (lazy loading of at.report).
t.is(getmetatable(at), false, "getmetatable(at) gives false")
t.raises(function() setmetatable(at, {}) end, "protected metatable",
  "the module's metatable cannot be replaced")
t.ok(type(at.report) == "table", "at.report still loads on first use")

-- The hang of issue 12: a finalizer smuggled into the durations'
-- metatable.  Now the first line raises, and creating and collecting
-- many objects runs no code of the script.
local ok = pcall(function()
  getmetatable(at.days(1)).__gc = function() while true do end end
end)
t.is(ok, false, "the __gc of durations cannot be set")
for _ = 1, 1000 do local _ = at.days(2); local _ = at.date("2024"); local _ = at.get(ev.id) end
collectgarbage()
collectgarbage()
t.ok(true, "1000 objects of each kind were made and collected without a script finalizer")

-- The same through every kind of object at once, with pcall swallowing
-- each refusal: nothing got in.
local planted = 0
for _, o in ipairs(objects) do
  pcall(function() getmetatable(o[2]).__gc = function() planted = planted + 1 end end)
  pcall(function() getmetatable(o[2]).__close = function() planted = planted + 1 end end)
  pcall(function() getmetatable(o[2]).__tostring = function() return "pwned" end end)
end
collectgarbage()
t.is(planted, 0, "no finalizer or close handler was planted")
t.is(tostring(at.date("2024")), "2024", "tostring of a date is the module's")
t.like(tostring(ev), "^#%d+ 2024%-06%-01 object test$", "tostring of an event is the module's")

-- Objects behave as before: arithmetic, comparison, equality, pairs.
t.is(tostring(at.date("2024-01-31") + at.months(1)), "2024-02-29T00:00:00Z",
  "date arithmetic works")
t.ok(at.days(1) < at.days(2), "durations compare")
t.ok(at.get(ev.id) == ev, "events compare equal")
local n = 0
for _ in pairs(ev) do n = n + 1 end
t.ok(n > 5, "pairs(ev) walks the fields")
t.is(cur:count(), 1, "the cursor still counts")

return t.done()
