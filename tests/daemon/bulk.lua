-- Writes 4200 events in one batch when it loads: more than the 4096
-- journal records after which the store wants a compaction, which the
-- daemon hands to a child process (bindings/daemon/daemon_compact.c).
local at = require "attache"
assert(at.batch(function()
  for i = 1, 4200 do
    at.add{title = "bulk " .. i, when = "2030-01-01", kind = "meeting"}
  end
end))
print("bulk", at.count{text = "bulk"})
