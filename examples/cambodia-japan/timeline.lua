-- The example's timeline: every event of the store on one self-contained
-- HTML page, a lane per kind, fuzzy dates drawn as the ranges they are.
-- Written to out/timeline.html; open it in a browser.
local at = require "attache"
local html = at.report.timeline(at.query{}, {title = "Cambodia and Japan: the events of the article"})
assert(at.report.write(html, "timeline.html"))
