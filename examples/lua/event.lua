-- Event objects: read like tables, with helpers; read-only.
local at = require "attache"

local ev = at.get("khm-jpn-fm-meeting-2023-12")
print(ev)
print(ev.id, ev.key, ev.kind, ev.status, ev.rev)
print(ev.when, ev.when:earliest(), ev.when:latest())
print(table.concat(ev.actors, ","), #ev.tags, ev.people[2].name, ev.source.published)
print(ev:has_actor("JPN"), ev:has_tag("demining"), ev:has_tag("trade"))
print(ev:stale(), ev == at.get(1))
print(ev:totable().when, ev:json():sub(1, 40))

-- Events sort by date; writing to one, or a typo, raises.
local list = at.query{actor = "UN", sort = "id"}
table.sort(list)
for _, e in ipairs(list) do print("", e) end
local function try(fn) return (select(2, pcall(fn)):gsub("^.-:%d+: ", "")) end
print(try(function() ev.status = "cancelled" end))
print(try(function() return ev.titel end))
