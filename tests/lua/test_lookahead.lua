-- at.each, at.query and at.count in any order but the id's call `where`
-- on chunks of the events ahead, in id order, and hand out those it kept
-- in the order asked (bindings/lua/lua_attache.c, "Look-ahead").  What a
-- script sees must not change: the same events in the same order as a
-- call of `where` on each event in turn would give, a limit and an early
-- break that stop the calls within a bound, writes made by the loop (or
-- by where) seen by the events after them, errors and yields from where
-- passed through.  A store of 6,000 events: more than the first chunk.
local t = require "tap"
local at = require "attache"

local N = 6000
local kinds = {"meeting", "visit", "talks", "statement"}
at.batch(function()
  for i = 1, N do
    -- dates in an order unrelated to the ids, some equal, some vague
    local d = (i * 7919) % 3650
    local y, m, day = 2015 + d // 365, 1 + (d % 365) // 31, 1 + d % 28
    local when = i % 11 == 0 and ("%04d-%02d"):format(y, m) or ("%04d-%02d-%02d"):format(y, m, day)
    assert(at.add{title = ("event %05d"):format((i * 31) % N), when = when, kind = kinds[1 + i % 4],
                  status = i % 3 == 0 and "planned" or "held", actors = {i % 2 == 0 and "JPN" or "KHM"}})
  end
end)

-- The reference: every event in the order asked (no where), filtered here.
local function reference(spec, where)
  local s = {}
  for k, v in pairs(spec) do s[k] = v end
  s.limit = nil
  local out = {}
  for ev in at.each(s) do
    if where(ev) then
      out[#out + 1] = ev.id
      if spec.limit and #out >= spec.limit then break end
    end
  end
  return table.concat(out, ",")
end

local function ids_of(list)
  local out = {}
  for i, ev in ipairs(list) do out[i] = ev.id end
  return table.concat(out, ",")
end

local wheres = {
  visits = function(ev) return ev.kind == "visit" end,
  none = function() return false end,
  all = function() return true end,
  planned_jpn = function(ev) return ev.status == "planned" and ev:has_actor("JPN") end,
  sparse = function(ev) return ev.id % 997 == 0 end,
}
local specs = {
  {sort = "when"}, {sort = "-when"}, {sort = "title"}, {sort = "kind"}, {sort = "when", desc = true},
  {sort = "when", kind = "talks"}, {sort = "when", from = "2017", to = "2019-06"},
  {sort = "when", limit = 10}, {sort = "title", limit = 4500}, {sort = "id"},
}
for _, spec in ipairs(specs) do
  for name, where in pairs(wheres) do
    local label = ("sort %s%s%s, where %s"):format(spec.sort, spec.kind and (", kind " .. spec.kind) or "",
                                                 spec.limit and (", limit " .. spec.limit) or "", name)
    local want = reference(spec, where)
    local s = {where = where}
    for k, v in pairs(spec) do s[k] = v end
    local got = {}
    for ev in at.each(s) do got[#got + 1] = ev.id end
    t.is(table.concat(got, ","), want, "at.each, " .. label)
    t.is(ids_of(at.query(s)), want, "at.query, " .. label)
    local n = 0
    for _ in want:gmatch("%d+") do n = n + 1 end
    t.is(at.count(s), n, "at.count, " .. label)
  end
end

-- where is called once per event it decides, whatever the order.
do
  local calls, seen = 0, {}
  local dup = false
  for _ in at.each{sort = "when", where = function(ev)
    calls = calls + 1
    if seen[ev.id] then dup = true end
    seen[ev.id] = true
    return ev.kind == "talks"
  end} do end
  t.is(calls, N, "a full loop calls where once per event")
  t.ok(not dup, "never twice on one event")
end

-- A loop left early has made a bounded number of calls (the first chunk).
do
  local calls = 0
  for _ in at.each{sort = "when", where = function() calls = calls + 1 return true end} do break end
  t.ok(calls >= 1 and calls <= 4096, "a loop left at its first event called where " .. calls .. " times (<= 4096)")
  calls = 0
  local got = at.query{sort = "when", limit = 3, where = function() calls = calls + 1 return true end}
  t.is(#got, 3, "a limit of 3")
  t.ok(calls <= 4096, "a limit of 3 called where " .. calls .. " times (<= 4096)")
end

-- Writes made by the loop are seen by where for the events after them, as
-- when where is called in order: here each event kept marks the next
-- event in date order "cancelled", which where then refuses.
do
  local order = {}
  for ev in at.each{sort = "when"} do order[#order + 1] = ev.id end
  local nexts = {}
  for i = 1, #order - 1 do nexts[order[i]] = order[i + 1] end
  local function keep(ev) return ev.status ~= "cancelled" and ev.kind == "visit" end
  local got, want, cancelled = {}, {}, {}
  -- the reference, worked out in Lua from the statuses as they are now
  for _, id in ipairs(order) do
    local ev = at.get(id)
    if not cancelled[id] and keep(ev) then
      want[#want + 1] = id
      if nexts[id] then cancelled[nexts[id]] = true end
    end
  end
  at.batch(function()
    for ev in at.each{sort = "when", where = keep} do
      got[#got + 1] = ev.id
      if nexts[ev.id] then assert(at.update(nexts[ev.id], {status = "cancelled"})) end
    end
  end)
  t.ok(#want > 100, "the loop writes " .. #want .. " times")
  t.is(table.concat(got, ","), table.concat(want, ","), "each write is seen by where for the events after it")
  -- and a loop that removes the event after each it gets never gets it
  local removed, bad = {}, 0
  for ev in at.each{sort = "when", where = function(ev) return ev.kind == "meeting" end} do
    if removed[ev.id] then bad = bad + 1 end
    if nexts[ev.id] then
      at.remove(nexts[ev.id])
      removed[nexts[ev.id]] = true
    end
  end
  t.is(bad, 0, "an event removed by the loop is not handed out after")
end

-- where's errors pass through, and where may yield in a coroutine.
do
  local calls = 0
  local ok, err = pcall(at.query, {sort = "when", where = function(ev)
    calls = calls + 1
    if calls == 2500 then error("refused at call 2500") end
    return false
  end})
  t.ok(not ok, "an error raised in where propagates")
  t.like(err, "refused at call 2500$", "with its message")
  local yields = 0
  local co = coroutine.wrap(function()
    local n = 0
    for ev in at.each{sort = "title", where = function(ev)
      coroutine.yield()
      return ev.kind == "statement"
    end} do n = n + 1 end
    return "done", n
  end)
  local r, n = co()
  while r ~= "done" do yields = yields + 1; r, n = co() end
  t.is(n, at.count{kind = "statement"}, "where yielding in a coroutine: every statement")
  t.is(yields, at.count{}, "one yield per event where decided")
end

t.done()
