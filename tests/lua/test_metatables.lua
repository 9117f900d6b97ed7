-- Metatables and finalizers in the sandbox (issue 12): getmetatable never
-- gives out a metatable the script did not set itself, and no finalizer
-- can be installed, by any route.  arg[1] is a scratch directory (--out).
local t = require "tap"
local at = require "attache"
local out = assert(arg[1], "run me through tests/lua/run.sh")

-- getmetatable: userdata handles give false, never their metatable
do
  t.is(getmetatable(io.stdout), false, "getmetatable(io.stdout) is false")
  t.is(getmetatable(io.stdin), false, "getmetatable(io.stdin) is false")
  local f = assert(io.open(out .. "/m.txt", "w"))
  t.is(getmetatable(f), false, "getmetatable of an opened file is false")
  t.raises(function() getmetatable(f).__gc = function() end end, "attempt to index a boolean",
    "a file's __gc cannot be replaced")
  t.raises(function() getmetatable(io.stdout).__index.write = print end,
    "attempt to index a boolean", "a file's methods cannot be replaced")
  f:write("still works\n")
  f:close()
  t.is(io.type(f), "closed file", "file methods still work")
  for _, v in ipairs{at.days(1), at.date("2024-06-01"), at.null} do
    t.isnt(type(getmetatable(v)), "table", "the metatable of a " .. type(v) ..
      " from the attache module is not given out")
  end
  t.is(getmetatable(""), false, "strings: false")
  t.is(getmetatable(1), nil, "numbers have none")
  t.is(getmetatable(print), nil, "functions have none")
  t.is(getmetatable(coroutine.create(print)), nil, "threads have none")
  t.raises(function() getmetatable() end, "bad argument #1 to 'getmetatable'",
    "getmetatable() with no value")
end

-- getmetatable on tables: the script's own, or its __metatable field
do
  local mt = {}
  local x = setmetatable({}, mt)
  t.is(getmetatable(x), mt, "a table's own metatable is given back")
  local locked = setmetatable({}, {__metatable = "locked"})
  t.is(getmetatable(locked), "locked", "__metatable answers for a table")
  t.raises(function() setmetatable(locked, {}) end, "cannot change a protected metatable",
    "a protected metatable cannot be replaced")
  local nope = setmetatable({}, {__metatable = false})
  t.is(getmetatable(nope), false, "__metatable = false is honoured")
end

-- no finalizers: __gc refused whatever its value, and later additions inert
do
  t.raises(function() setmetatable({}, {__gc = function() end}) end, "__gc metamethods are not allowed",
    "__gc = function is refused")
  t.raises(function() setmetatable({}, {__gc = true}) end, "__gc metamethods are not allowed",
    "__gc = true is refused")
  t.raises(function() setmetatable({}, {__gc = false}) end, "__gc metamethods are not allowed",
    "__gc = false is refused")
  t.raises(function() setmetatable({}, {__gc = 0}) end, "__gc metamethods are not allowed",
    "__gc = 0 is refused")
  local ran = 0
  local function fin() ran = ran + 1 end
  -- added to the metatable after setmetatable: Lua never marks the object
  local mt1 = {}
  setmetatable({}, mt1)
  mt1.__gc = fin
  local mt2 = {}
  setmetatable({}, mt2)
  rawset(mt2, "__gc", fin)
  -- reachable only through __index of the metatable: not a field of it
  setmetatable({}, setmetatable({}, {__index = {__gc = fin}}))
  -- a metatable shared with an object made later
  local mt3 = {}
  local keep = setmetatable({}, mt3)
  mt3.__gc = fin
  t.raises(function() setmetatable({}, mt3) end, "__gc metamethods are not allowed",
    "a metatable that got a __gc is refused for new objects")
  keep = nil
  collectgarbage()
  collectgarbage()
  t.is(ran, 0, "no finalizer ran (added later, rawset, through __index)")
  t.is(keep, nil, "(the kept object was dropped)")
end

-- to-be-closed variables run inside the call, under the budget
do
  local closed = {}
  do
    local a <close> = setmetatable({}, {__close = function(_, e) closed[#closed + 1] = e or "ok" end})
  end
  t.is(closed[1], "ok", "__close runs at the end of the block")
  local ok, err = pcall(function()
    local b <close> = setmetatable({}, {__close = function(_, e) closed[#closed + 1] = e end})
    error("boom", 0)
  end)
  t.is(ok, false, "an error passes through")
  t.is(closed[2], "boom", "__close sees the error")
  local co = coroutine.create(function()
    local c <close> = setmetatable({}, {__close = function() closed[#closed + 1] = "co" end})
    coroutine.yield()
  end)
  coroutine.resume(co)
  t.is(coroutine.close(co), true, "coroutine.close of a suspended coroutine")
  t.is(closed[3], "co", "... runs its __close")
  t.raises(function() local d <close> = 42 end, "variable 'd' got a non%-closable value",
    "a value without __close is refused")
  do
    local d <close> = io.stdout -- its own __close: standard files stay open
  end
  t.is(io.type(io.stdout), "file", "io.stdout as a to-be-closed variable stays open")
end

return t.done()
