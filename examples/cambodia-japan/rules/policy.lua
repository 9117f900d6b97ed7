-- The life of Japan's country assistance policy for Cambodia (2024-28):
-- an alert when its period begins, at its midpoint (time for the mid-term
-- review) and when it ends (the successor policy should be ready).
--
-- Start and end are reminders anchored at the period itself, so that they
-- follow the event if its dates are corrected.  The midpoint has no anchor
-- of its own: it is computed from the period when this script loads.
local at = require "attache"

-- Which policies we follow: Japan's, for Cambodia.
local match = {kind = "policy", actor = {"JPN", "KHM"}}

local function period(ev)
  return tostring(ev.when):gsub("/", " to ")
end

at.remind{
  name = "policy-start",
  match = match,
  before = {"0"},
  anchor = "start",
  level = "warn",
  message = function(ev)
    local note = ev.status == "draft" and " (still recorded as a draft: was it endorsed?)" or ""
    return ("The period of %s begins today%s"):format(ev.title, note)
  end,
}

at.remind{
  name = "policy-end",
  match = match,
  before = {"90d", "0"},
  anchor = "end",
  level = "warn",
  message = function(ev, lead)
    if lead == "0" then
      return ("The period of %s ends today"):format(ev.title)
    end
    return ("The period of %s ends in 90 days: is its successor ready?"):format(ev.title)
  end,
}

-- The midpoint: halfway between the first and the last day of the period,
-- on a day boundary.
for ev in at.each{kind = "policy", actor = {"JPN", "KHM"}} do
  local lo, hi = ev.when:seconds()
  if lo > math.mininteger and hi < math.maxinteger then
    local mid = at.date(((lo + hi) // 2) // 86400 * 86400)
    if mid > at.now() then
      local id, when = ev.id, tostring(ev.when)
      at.at(mid, function()
        -- The event may have changed since this script loaded: check it.
        local cur = at.get(id)
        if not cur or tostring(cur.when) ~= when then return end
        at.alert{
          key = ("policy-midpoint:%d:%s"):format(id, when),
          title = ("Midpoint of %s (%s): time for the mid-term review"):format(cur.title, period(cur)),
          level = "info",
          event = cur,
        }
      end)
    end
  end
end
