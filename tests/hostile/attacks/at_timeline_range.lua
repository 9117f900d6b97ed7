-- expect: time limit exceeded|past its time limit|instruction budget exhausted|not enough memory|max-string
-- the HTML timeline of events a hundred million years apart: a drawing
-- per year or month would be unbounded.
local at = require "attache"
local evs = {}
for i, w in ipairs{"Y-170000000", "Y170000000", "-9999", "9999", "../2024", "2024/.."} do
  evs[i] = {id = i, title = "far " .. i, when = at.edtf(w) or w}
end
while true do pcall(at.report.timeline, evs) end
