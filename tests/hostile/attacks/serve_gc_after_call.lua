-- expect: attempt to index|protected metatable|__gc
-- mode: serve
-- a finalizer planted in a callback: it would run later, outside any call
-- and any budget (and write, if it could).
local at = require "attache"
at.at("2024-06-01T00:01:00Z", function()
  local d = at.days(1)
  getmetatable(d).__gc = function()
    at.add{title = "from gc", when = "2024", kind = "hostile"}
    while true do end
  end
  d = nil
end)
at.at("2024-06-01T00:02:00Z", function() collectgarbage() end)
