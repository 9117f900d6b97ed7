-- at.count: how many events match.
local at = require "attache"

print("events:", at.count{})
print("with the CDC:", at.count{actor = "CDC"})
print("held before 2000:", at.count{to = "1999", status = "held"})
print("with more than two parties:", at.count{where = function(ev) return #ev.actors > 2 end})
