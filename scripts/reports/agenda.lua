-- The agenda, as text: what happens from a day on (today by default), for
-- so many days (30), a heading per week, every occurrence of a recurring
-- event.  A report that ships with attache (docs/reports.md, "Reports
-- that ship"): `attache run attache:agenda days=7 actor=KHM`, or over
-- HTTP, GET /v1/reports/agenda?days=7&actor=KHM.
--
-- Arguments, name=value: days (1-366), from (a date as `attache list`
-- reads it), actor, tag, kind, status, title.
local at = require "attache"

local args = at.report.args({...}, {"days", "from", "actor", "tag", "kind", "status", "title"})

local days = math.tointeger(tonumber(args.days or "30"))
if not days or days < 1 or days > 366 then
  error("days=" .. tostring(args.days) .. ": give a whole number of days from 1 to 366", 0)
end
local from = at.date(args.from or "today") -- read by at.report.args
local t0 = from:seconds()
t0 = t0 - t0 % 86400 -- the first day, from its first second (UTC)
local t1 = t0 + days * 86400 - 1

-- The week an event is in: the Monday of its first day in the window.
local function week(ev)
  local e = math.max((at.date(ev.when):seconds()), t0)
  local d = e - e % 86400
  return os.date("!week of %Y-%m-%d", d - ((d // 86400 + 3) % 7) * 86400)
end

local events = at.query{from = at.date(t0), to = at.date(t1), actor = args.actor, tag = args.tag,
                        kind = args.kind, status = args.status, sort = "when"}
io.write(at.report.text(events, {
  title = (args.title or "Agenda") .. ", " .. os.date("!%d %b %Y", t0) .. " to " .. os.date("!%d %b %Y", t1),
  columns = {"when", "kind", "status", "title", "where"},
  max = {title = 50, where = 20},
  group = week,
  empty = "nothing in these " .. days .. " days",
}))
