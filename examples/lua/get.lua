-- at.get: read one event by id or by key.
local at = require "attache"

local ev = at.get("cdc-2024-policy-meeting")
print(ev)
print("kind:", ev.kind, "status:", ev.status)
print("same event by id:", at.get(ev.id) == ev)
print(at.get("no-such-key"))
