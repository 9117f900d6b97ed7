-- Reminders before meetings: a week ahead (time to prepare the brief and
-- the talking points) and the day before (last check of the logistics).
--
-- Only meetings that are still to happen count: "planned" (announced,
-- date not fixed) and "confirmed".  A meeting that is held, postponed or
-- cancelled drops out by itself: the daemon re-plans a reminder whenever
-- its event changes.
--
-- Many meetings are known only roughly ("early 2024", "in the coming
-- year").  Their reminders fall before the earliest day the meeting could
-- take place, so a fuzzy date is a reason to ask for the real one.
local at = require "attache"

local function upcoming(ev)
  return ev.status == "planned" or ev.status == "confirmed"
end

-- "2024-03-12" is a real date; "2024" or "2024-01~/2024-04~" is not yet.
local function exact(ev)
  local lo, hi = ev.when:seconds()
  return lo > math.mininteger and hi < math.maxinteger and hi - lo < 86400
end

local function where(ev)
  return ev.where and (", " .. ev.where) or ""
end

at.remind{
  name = "meeting-reminders",
  match = {kind = "meeting"},
  where = upcoming,
  before = {"7d", "1d"},
  level = "warn",
  message = function(ev, lead)
    local soon = lead == "1d" and "Tomorrow" or "In a week"
    if exact(ev) then
      return ("%s: %s%s (%s)"):format(soon, ev.title, where(ev), ev.status)
    end
    -- Not dated yet: it could be this soon, and a date is wanted.
    return ("%s at the earliest: %s%s (date known only as %s: ask for it)"):format(
      soon, ev.title, where(ev), tostring(ev.when))
  end,
}
