-- at.query: the planned meetings with Japan from 2024 on, as a list.
local at = require "attache"

local list = at.query{actor = "JPN", kind = "meeting", from = "2024",
                      where = function(ev) return ev.status == "planned" end}
print(#list .. " planned meetings with Japan:")
for _, ev in ipairs(list) do print("", ev) end

-- The history, newest first, at most two.
for _, ev in ipairs(at.query{to = "1999", sort = "-when", limit = 2}) do print(ev) end
