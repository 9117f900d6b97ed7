-- Reminders: re-planned on update, dropped on remove, recurring events
-- remind each year.
local at = require "attache"
at.remind{name = "meetings", match = {kind = "meeting"}, before = {"7d", "1d"},
  message = function(ev, lead, info)
    return ("%s in %s%s"):format(ev.title, lead, info.late and " (late)" or "")
  end}
at.remind{name = "anniv", where = function(ev) return ev.kind == "anniversary" end,
  before = "1w"}
at.at("2024-01-05", function()
  at.update("moved", {when = "2024-03-01"})  -- re-planned: reminders of Feb 2 are gone
  at.remove("dropped")                        -- no reminders any more
  at.update("unmatched", {kind = "visit"})    -- no longer matches
end)
