-- Runs beside errors.lua: it must not be disturbed.
local at = require "attache"
local n = 0
at.every("1w", function(info) n = n + 1; print("steady", n, info.due) end)
