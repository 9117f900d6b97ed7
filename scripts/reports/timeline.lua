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

local args = {}
local known = {from = 1, to = 1, actor = 1, tag = 1, kind = 1, status = 1, lanes = 1, title = 1}
for _, a in ipairs({...}) do
  local k, v = a:match("^([%w_]+)=(.*)$")
  if not k or not known[k] then
    error(a .. ": give name=value, with a name of from, to, actor, tag, kind, status, lanes, title", 0)
  end
  args[k] = v
end
if args.lanes and args.lanes ~= "kind" and args.lanes ~= "actor" then
  error("lanes=" .. args.lanes .. ": give kind or actor", 0)
end
-- A value it cannot use is named, as the command line names it.
for _, f in ipairs{"from", "to"} do
  if args[f] then
    local d, why = at.date(args[f])
    if not d then error(f .. "=" .. args[f] .. ": " .. why, 0) end
  end
end
for _, f in ipairs{"kind", "status"} do
  if args[f] then
    local ok, msg = at.known(f, args[f])
    if not ok then error(f .. "=" .. args[f] .. ": " .. msg, 0) end
  end
end

local events = at.query{from = args.from, to = args.to, actor = args.actor, tag = args.tag, kind = args.kind,
                        status = args.status, sort = "when", expand = false}
io.write(at.report.timeline(events, {title = args.title or "Timeline", lanes = args.lanes}))
