-- A small TAP producer for the Lua tests (tests/lua/test_*.lua).
--
--   local t = require "tap"
--   t.ok(cond, name)            t.is(got, want, name)   t.isnt(got, other, name)
--   t.like(str, pattern, name)  t.raises(fn, pattern, name)   t.diag(msg)
--   return t.done()             -- prints 1..N; the exit status (0: all passed)
--
-- Output on stdout; a failed check prints what was got and wanted as
-- "# " lines.  Patterns are Lua patterns.
local tap = {}
local n, failed = 0, 0

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  local ok, s = pcall(tostring, v)
  return ok and s or ("(a " .. type(v) .. " value)")
end

function tap.diag(msg)
  for line in (tostring(msg) .. "\n"):gmatch("(.-)\n") do print("# " .. line) end
end

function tap.ok(cond, name)
  n = n + 1
  if not cond then failed = failed + 1 end
  print(string.format("%s %d - %s", cond and "ok" or "not ok", n, name or ""))
  return cond and true or false
end

function tap.is(got, want, name)
  local ok = tap.ok(got == want, name)
  if not ok then tap.diag("     got: " .. show(got) .. "\n    want: " .. show(want)) end
  return ok
end

function tap.isnt(got, other, name)
  local ok = tap.ok(got ~= other, name)
  if not ok then tap.diag("     got: " .. show(got) .. "\n  wanted anything else") end
  return ok
end

local function matches(s, pattern)
  local ok, r = pcall(string.find, s, pattern)
  if ok then return r ~= nil end
  return string.find(s, pattern, 1, true) ~= nil -- not a pattern: plain text
end

function tap.like(s, pattern, name)
  local ok = type(s) == "string" and matches(s, pattern)
  tap.ok(ok, name)
  if not ok then tap.diag("     got: " .. show(s) .. "\n    want: a match for " .. show(pattern)) end
  return ok
end

-- fn must raise an error whose message matches pattern (if given).
function tap.raises(fn, pattern, name)
  local ok, err = pcall(fn)
  local msg = err
  if type(msg) ~= "string" then
    local okm, s = pcall(tostring, msg)
    msg = okm and s or ("(a " .. type(err) .. " error)")
  end
  local good = not ok and (pattern == nil or matches(msg, pattern))
  tap.ok(good, name)
  if not good then
    if ok then tap.diag("  no error was raised")
    else tap.diag("   error: " .. show(msg) .. "\n    want: a match for " .. show(pattern)) end
  end
  return good
end

function tap.done()
  print("1.." .. n)
  if failed > 0 then
    tap.diag(string.format("%d of %d checks failed", failed, n))
    return 1
  end
  return 0
end

return tap
