-- at.remove: drop the press release, which only repeats the meeting.
local at = require "attache"

print(at.remove("mfaic-press-release-2023-12-18"))
print(at.get("mfaic-press-release-2023-12-18"))
print(at.remove(2))
print("events left:", at.count{})
