-- Sorting and grouping: events by actor and by status, newest first.
local at = require "attache"
local r = at.report
local all = at.query{}
for _, c in ipairs(r.count(all, "actor")) do print(c.key, c.count) end
for _, g in ipairs(r.group(r.sort(all, "-when"), "status")) do
  local ids = {}
  for i, ev in ipairs(g.events) do ids[i] = ev.id end
  print(g.key, table.concat(ids, " "))
end
print(r.sort(all, "title")[1].title)
