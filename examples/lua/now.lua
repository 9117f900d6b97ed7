-- at.now: the engine's clock (the daemon's replay may simulate it).
local at = require "attache"

local now = at.now()
print("an instant:", now == now:earliest())
print("after the article:", now > at.date("2023-12-18"))
-- Events not over yet, from the engine's point of view.
local n = at.count{from = now}
print("events not over yet:", n >= 0 and n <= at.count{})
