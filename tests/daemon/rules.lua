-- Rules fire for changes made by scripts; a rule's own changes fire rules
-- too, up to the depth limit.
local at = require "attache"
at.on("add", function(ev, old) print("add", ev.id, ev.title, old) end)
at.on("update", function(ev, old) print("update", ev.id, old.title, "->", ev.title) end)
at.on("remove", function(ev, old) print("remove", ev.id, ev.title) end)
at.at("2024-01-02", function()
  local e = at.add{title = "Talks", when = "2024-02-01", kind = "talks"}
  at.update(e.id, {title = "Senior officials' talks"})
  at.remove(e.id)
end)
-- A rule that changes what it watches: stopped by the depth limit.
at.on("update", function(ev)
  if ev.key == "loop" then at.update(ev.id, {notes = "round " .. ev.rev}) end
end)
at.at("2024-01-03", function()
  local e = at.add{title = "Loop", key = "loop", when = "2024-02-01"}
  at.update(e.id, {notes = "start"})
end)
