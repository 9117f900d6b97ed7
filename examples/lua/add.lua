-- at.add: record the inter-ministerial meeting the article expects "in the
-- coming year", dated relative to the article's publication (2023-12-18).
local at = require "attache"

local ev = assert(at.add{
  title = "Follow-up meeting of the two foreign ministries",
  kind = "meeting", status = "planned",
  when = "the coming year",
  actors = {"KHM", "JPN"}, tags = {"politics"},
  source = {title = "Cambodia and Japan set out closer cooperation (news report)",
            published = "2023-12-18"},
})
print("added", ev)

-- An event that cannot be stored is refused with the core's message.
local bad, msg = at.add{title = "Talks", when = "sometime soonish"}
print(bad, msg:match("^[^;]*"))
