-- at.null: JSON null.  In at.update it removes a field (a JSON merge
-- patch); in the fields of at.add it is kept as null.
local at = require "attache"

local talks = at.update("khm-jpn-senior-officials-talks-2023-11", {where = at.null})
print("where:", talks.where)
local ev = assert(at.add{title = "Second round of senior officials' talks", kind = "talks",
                         when = "2024", actors = {"KHM", "JPN"},
                         fields = {round = 2, venue = at.null}})
print(ev.fields.round, ev.fields.venue == at.null, at.null)
