-- The same events as Markdown, CSV and JSON.
local at = require "attache"
local r = at.report
local meetings = at.query{kind = "meeting"}
io.write(r.markdown(meetings, {columns = {"when", "status", "title", "where"}}))
io.write(r.csv(meetings, {columns = {"id", "title", "actors"}, eol = "\n"}))
io.write(r.json(meetings, {columns = {"id", "start", "end", "actors"}}))
