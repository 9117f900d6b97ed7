-- A desk's extraction rules (docs/extract.md, "Teaching it a phrase"):
-- the Japan-Cambodia Joint Committee is a meeting, named as such, whether
-- it is "co-chaired", "held" or only announced.  The shipped rules come
-- first in their own order; this trigger is tried before them.
local base = require "attache.extract.rules"

local triggers = {
  {kind = "meeting", pat = "%f[%a]joint committee%f[%A]", title = "Japan-Cambodia Joint Committee",
   -- "the Committee endorsed ..." speaks of the same meeting; "no Joint
   -- Committee" is none
   unless_before = {"%f[%a]no%s*$"}},
}
for _, t in ipairs(base.triggers) do triggers[#triggers + 1] = t end

return {triggers = triggers}
