-- content-type: text/html; charset=utf-8
-- The timeline, as one self-contained HTML page (at.report.timeline: no
-- script, nothing fetched), of the events that match the arguments.  A
-- report that ships with attache (docs/reports.md, "Reports that ship"):
-- `attache run attache:timeline actor=KHM from=2023 > t.html`, or over
-- HTTP, GET /v1/reports/timeline?actor=KHM&from=2023.
--
-- Arguments, name=value: from, to (dates as `attache list` reads them),
-- actor, tag, kind, status, lanes (kind or actor), title.
local at = require "attache"

local args = at.report.args({...}, {"from", "to", "actor", "tag", "kind", "status", "lanes", "title"})
if args.lanes and args.lanes ~= "kind" and args.lanes ~= "actor" then
  error("lanes=" .. args.lanes .. ": give kind or actor", 0)
end

local events = at.query{from = args.from, to = args.to, actor = args.actor, tag = args.tag, kind = args.kind,
                        status = args.status, sort = "when", expand = false}
io.write(at.report.timeline(events, {title = args.title or "Timeline", lanes = args.lanes}))
