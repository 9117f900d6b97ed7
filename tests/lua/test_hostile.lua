-- Hostile scripts (docs/reliability.md): what a script may throw at the
-- engine from inside, beyond tests/lua/test_sandbox.lua.  Every attack must
-- end in an error the script can catch (or a harmless result), never a
-- crash, and the store and the state must stay usable afterwards.
-- arg[1] is a scratch directory (--out).
local t = require "tap"
local at = require "attache"
local attacks = 0
local function attack(name, fn, pattern)
  attacks = attacks + 1
  local okk, err = pcall(fn)
  if pattern then
    t.ok(not okk and tostring(err):find(pattern) ~= nil, name .. " (" .. tostring(err):sub(1, 80) .. ")")
  else
    t.ok(true, name .. " survived (" .. (okk and "no error" or tostring(err):sub(1, 60)) .. ")")
  end
end

-- Bytecode: every way of handing load a binary chunk.
attack("binary chunk as a string", function() assert(load("\27Lua\x54\0junk")) end, "binary")
attack("binary chunk, mode b", function() assert(load("\27Lua", "x", "b")) end, "mode")
attack("binary chunk in pieces", function()
  local p = {"\27", "Lua", "\x54"}
  assert(load(function() return table.remove(p, 1) end))
end, "binary")
attack("binary chunk after an empty piece (an empty piece ends the chunk)", function()
  local p = {"", "\27Lua\x54"}
  local f = assert(load(function() return table.remove(p, 1) end))
  assert(f() == nil)
end)

-- Stack overflows: Lua recursion, and through metamethods and pcall.
attack("unbounded recursion", function() local function f() return 1 + f() end f() end, "[sm][te][am][co]")
attack("recursion through __index", function()
  local m = {}
  m.__index = function(tb, k) return tb[k .. "x"] end
  local x = setmetatable({}, m)
  return x.a
end)
attack("recursion through pcall", function() local function f() return pcall(f) end f() end)
attack("deep table.concat of nested tostring", function()
  local m = {}
  m.__tostring = function(s) return tostring(setmetatable({}, m)) end
  return tostring(setmetatable({}, m))
end)

-- Errors thrown from metamethods, passed to the engine.
local boom = function() error("boom from a metamethod") end
for _, mm in ipairs{"__index", "__eq", "__lt", "__le", "__tostring", "__concat", "__len", "__call"} do
  attack("error from " .. mm .. " given to at.add", function()
    local v = setmetatable({}, {[mm] = boom})
    at.add{title = v, when = "2024"}
  end)
end
attack("error from __close", function()
  do local x <close> = setmetatable({}, {__close = boom}) end
end, "boom")
attack("error from __index of a spec table", function()
  at.add(setmetatable({}, {__index = boom}))
end)
attack("error from __pairs-like of a query spec", function()
  at.query(setmetatable({}, {__index = boom}))
end)

-- Huge strings and pathological patterns.
attack("a huge string", function() return string.rep("x", 1 << 40) end)
attack("a huge title", function() at.add{title = string.rep("t", 10 * 1024 * 1024), when = "2024"} end)
attack("a pathological pattern", function()
  return string.find(string.rep("a", 5000), string.rep("a?", 5000) .. string.rep("a", 5000))
end)
attack("a backtracking pattern", function()
  -- (big enough to need the budget, it ends the whole call: tests/cli/run.sh)
  return string.match(string.rep("a", 60) .. "b", ".-.-.-c")
end)

-- Event objects after the store changed under them.
local e = at.add{title = "victim", when = "2024-01", key = "victim"}
at.remove(e.id)
attack("a removed event's fields", function() return e.title, e.id end)
attack("updating a removed event", function() assert(at.update(e.id, {title = "back"})) end)
local e2 = at.add{title = "stale", when = "2024-02"}
at.update(e2.id, {title = "newer"})
attack("updating a stale object", function() assert(at.update(e2, {title = "from stale"})) end)
local kept
attack("an object kept across a batch rolled back", function()
  at.batch(function()
    kept = at.add{title = "rolled back", when = "2024-03"}
    error("roll back")
  end)
end)
t.is(at.get(kept and kept.id or -1), nil, "the rolled-back event is not in the store")
attack("using the rolled-back object", function() return kept.title, at.update(kept, {title = "x"}) end)

-- Issue 11, finding 4: a ghost object (its batch rolled back) must not
-- pass for, nor overwrite, the event that comes next.
do
  local kept
  local okb = pcall(at.batch, function()
    kept = at.add{title = "ghost", when = "2024-04-01", kind = "meeting"}
    error("x")
  end)
  t.ok(not okb and kept ~= nil, "the batch of the ghost rolled back")
  local fresh = assert(at.add{title = "fresh", when = "2024-05-01", kind = "visit"})
  t.ok(fresh.id ~= kept.id, "ids are not reused after a rollback (core)")
  t.ok(not (kept == fresh), "a ghost is not equal to the next event")
  t.ok(kept:stale(), "a ghost is stale")
  local r, msg = at.update(kept, {when = "2030-01-01"})
  t.is(r, nil, "at.update refuses a ghost")
  t.like(tostring(msg), "stale", "with a message that says the object is stale")
  r, msg = at.remove(kept)
  t.is(r, nil, "at.remove refuses a ghost")
  t.like(tostring(msg), "stale", "and says why")
  local now = assert(at.get(fresh.id))
  t.is(tostring(now.when), "2024-05-01", "the next event is unchanged")
  t.is(now.title, "fresh", "and keeps its title")
  t.ok(now == fresh, "objects of the same stored event are equal")

  -- A revision rolled back, then the same revision number made again:
  -- the object of the rolled-back one is stale and writes nothing.
  local base = assert(at.add{title = "rev base", when = "2024-06-01"})
  local ghost2
  pcall(at.batch, function()
    ghost2 = assert(at.update(base, {title = "rolled back title"}))
    error("x")
  end)
  t.is(ghost2.rev, 2, "the rolled-back update showed revision 2")
  local real2 = assert(at.update(base.id, {title = "committed title"}))
  t.is(real2.rev, 2, "the committed update is revision 2 too")
  t.ok(not (ghost2 == real2), "a rolled-back revision is not equal to the committed one")
  t.ok(ghost2:stale(), "and it is stale")
  t.is(at.update(ghost2, {notes = "from the ghost"}), nil, "at.update refuses it")
  t.is(at.remove(ghost2), nil, "at.remove refuses it")
  t.is(at.get(base.id).title, "committed title", "the event is as committed")
  t.is(at.get(base.id).notes, nil, "and the ghost wrote nothing")
  t.ok(not real2:stale(), "the committed object is not stale")
  t.ok(at.update(real2, {notes = "ok"}), "and may be written")

  -- Inside a batch, the objects it makes are live until it ends.
  assert(at.batch(function()
    local x = assert(at.add{title = "inside", when = "2024-07-01"})
    t.ok(not x:stale(), "an object made in an open batch is not stale")
    t.ok(at.update(x, {notes = "changed in the batch"}), "and may be written in it")
  end))
end

-- Re-entrant calls into the store.
attack("at.add inside at.each's where", function()
  local n = 0
  for _ in at.each{where = function(ev) at.add{title = "from where", when = "2024"}; return true end} do
    n = n + 1
    if n > 100 then break end
  end
end)
attack("at.batch inside at.batch", function()
  at.batch(function() at.batch(function() at.add{title = "inner", when = "2024"} end) end)
end)
attack("at.each inside at.each", function()
  for a in at.each{} do for b in at.each{} do local _ = a.id + b.id end break end
end)

-- After all that, the store works and holds no half-changes.
local ok2 = at.add{title = "after the attacks", when = "2024-12"}
t.ok(ok2 and ok2.id, "the store takes an add after the attacks")
local n = 0
for ev in at.each{} do
  t.ok(type(ev.title) == "string" or n > 0, "events read back whole")
  n = n + 1
  if n > 0 then break end
end
t.diag(attacks .. " attacks survived")
return t.done()
