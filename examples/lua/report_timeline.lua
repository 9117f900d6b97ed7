-- The HTML timeline of every event, a lane per kind, written into the
-- output directory: open out/timeline.html in a browser.
local at = require "attache"
local html = at.report.timeline(at.query{}, {title = "Cambodia and Japan"})
assert(at.report.write(html, "timeline.html"))
local marks = select(2, html:gsub('data%-event%-id="', ""))
print("wrote out/timeline.html:", marks, "events")
