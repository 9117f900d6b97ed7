-- at.batch: the follow-up of the 2024-28 policy, added all together or
-- not at all.
local at = require "attache"

assert(at.batch(function()
  local policy = at.get("jpn-khm-country-assistance-policy-2024-2028")
  at.add{title = "Mid-term review of the country assistance policy", kind = "meeting",
         when = "2026", actors = {"JPN", "KHM"}, links = {{rel = "part-of", id = policy.id}}}
  at.update(policy, {status = "in-force"})
end))
print("after the batch:", at.count{}, at.get(6).status)

-- An error inside rolls everything back and is raised again.
local ok, err = pcall(at.batch, function()
  at.add{title = "Never stored", when = "2030"}
  error("changed our mind", 0)
end)
print(ok, err, "events:", at.count{})
