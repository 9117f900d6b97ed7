-- at.edtf: strict EDTF, as in the JSON "when" field, where 2024-28 is the
-- northern winter of 2024, not the years 2024 to 2028.
local at = require "attache"

local winter = at.edtf("2024-28")
print(winter, winter:earliest(), winter:latest())
print(at.date("2024-28"))
print(at.edtf("1985-04-12/.."):latest())
print(select(2, at.edtf("early 2024")):match("^[^:]*"))
