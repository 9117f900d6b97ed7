-- Security cooperation watch: tell the desk as soon as a new item that
-- involves Japan is recorded under defence, demining or cybersecurity, the
-- sectors the two ministers singled out in December 2023.  It runs after
-- every addition, whoever made it: a script, an import, or a colleague's
-- `attache add` while the daemon runs.
local at = require "attache"

local watched = {"defence", "demining", "cybersecurity"}

at.on("add", function(ev)
  if not ev:has_actor("JPN") then return end
  local hits = {}
  for _, tag in ipairs(watched) do
    if ev:has_tag(tag) then hits[#hits + 1] = tag end
  end
  if #hits == 0 then return end
  at.alert{
    key = "new-security-item:" .. ev.id,
    title = ("New Japan item on %s: %s"):format(table.concat(hits, ", "), ev.title),
    body = ("%s, %s%s"):format(tostring(ev.when), ev.kind or "event",
                              ev.status and (", " .. ev.status) or ""),
    level = "warn",
    event = ev,
  }
end)
