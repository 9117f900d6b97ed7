-- at.date: read dates as the sources write them, and compare them.
local at = require "attache"

local published = at.date("December 18, 2023")
for _, s in ipairs{"early 2024", "2024-28", "Q1 2024", "in November", "the coming year"} do
  local d = at.date(s, published)
  print(("%-16s %-18s %s .. %s"):format(s, d, d:earliest(), d:latest()))
end
print(at.date{year = 1993, month = 5, day = 23})
print(select(2, at.date("soon")):match("^[^;]*"))

-- Dates order by their bounds; overlaps and contains look at both.
local early = at.date("early 2024")
print(early < at.date("2024-06"), early:overlaps("Q1 2024"), at.date("2024"):contains(early))
print(early:seconds())
print(early:edtf(), at.now():edtf() ~= nil)
