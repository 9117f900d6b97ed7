-- at.update: the policy meeting took place; record it, and see what a
-- held object shows afterwards.
local at = require "attache"

local ev = at.get("cdc-2024-policy-meeting")
local new = assert(at.update(ev, {status = "held", when = "2024-03", notes = at.null}))
print("now:", new, "rev", new.rev)
print("held object:", ev, "rev", ev.rev, "stale:", ev:stale())

-- The held object is out of date: changing it again is a conflict.
local r, msg = at.update(ev, {status = "cancelled"})
print(r, msg)

-- By key, the change is made to the current revision.
print(at.update("cdc-2024-policy-meeting", {tags = {"economy", "development", "aid"}}).tags[3])
