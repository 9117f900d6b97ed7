-- expect: may not write
-- mode: serve
-- a reminder's where function that raises alerts and opens a file for
-- writing: read-only contexts cover alerts and files, not only the store.
local at = require "attache"
at.remind{name = "ro", match = {kind = "meeting"}, before = "1m", where = function(ev)
  at.alert{title = "from where " .. ev.id, key = "where-" .. ev.id}
  local f = io.open(arg and arg[1] or "x.txt", "w")
  return true
end}
