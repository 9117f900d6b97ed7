-- A callback that raises, and one that loops forever: both are stopped,
-- counted, and the loop goes on.
local at = require "attache"
at.every("1w", function() error("boom") end)
at.at("2024-01-10", function() while true do end end)
