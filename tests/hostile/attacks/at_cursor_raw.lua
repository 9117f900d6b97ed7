-- expect: not enough memory|time limit exceeded|past its time limit|instruction budget exhausted
-- the raw cursors of attache.core, opened in a loop and never closed.
local core = require "attache.core"
local keep = {}
while true do keep[#keep + 1] = core.select({sort = "title"}, "query") end
