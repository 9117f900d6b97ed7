-- The weekly agenda: every Monday at 08:00, what the next 30 days hold,
-- sent as an alert (so it reaches the terminal, the alert file and the
-- alert command alike, once per week).
--
-- Dated items come first, by date.  Items whose date is still vague but
-- could fall in the period ("early 2024", "2024") follow: a vague date is
-- work for the desk (find out when).  They change little from week to
-- week, so they are listed in full on the first Monday of each month (and
-- in the first agenda after the daemon starts) and only counted on the
-- others.  Periods already under way (a policy in
-- force) are left out: they are no news.
--
-- The same agenda, in full, is written as Markdown to agenda.md in the
-- daemon's output directory (serve --out DIR; at.outdir()), ready to paste into the
-- weekly meeting's notes, rewritten every Monday after the alert.
local at = require "attache"

local DAYS = 30

local function day(d)
  return tostring(d:earliest()):sub(1, 10)
end

-- True when the date is a single day (open-ended periods are not).
local function one_day(when)
  local lo, hi = when:seconds()
  return lo > math.mininteger and hi < math.maxinteger and hi - lo < 86400
end

local function line(when, ev)
  return ("  %s  %s (%s)"):format(when, ev.title, ev.status or ev.kind or "no status")
end

local listed = false -- the vague items, since the daemon started

at.cron("0 8 * * 1", function(t)
  local from, to = t.due, t.due + at.days(DAYS)
  local dated, vague, listed_events = {}, {}, {}
  for _, ev in ipairs(at.query{from = from, to = to}) do
    local starts_here = ev.when:earliest() >= from
    if one_day(ev.when) and starts_here then
      dated[#dated + 1] = line(day(ev.when), ev)
      listed_events[#listed_events + 1] = ev
    elseif starts_here or ev.status == "planned" or ev.status == "confirmed" then
      vague[#vague + 1] = line(tostring(ev.when), ev)
      listed_events[#listed_events + 1] = ev
    end
  end
  local full = tonumber(day(from):sub(9, 10)) <= 7 or not listed
  listed = true
  local summary = ("%s dated, %s to be dated"):format(#dated == 0 and "nothing" or #dated,
                                                     #vague == 0 and "nothing" or #vague)
  if #vague > 0 and not full then
    summary = summary .. " (listed on the first Monday of the month)"
  end
  local lines = {summary}
  for _, l in ipairs(dated) do lines[#lines + 1] = l end
  if full then
    for _, l in ipairs(vague) do lines[#lines + 1] = l end
  end
  local title = ("Agenda for the %d days from %s"):format(DAYS, day(from))
  at.alert{
    key = "agenda:" .. day(from),
    title = title,
    body = table.concat(lines, "\n"),
    level = "info",
  }
  assert(at.report.write(at.report.markdown(listed_events, {
    title = title,
    columns = {"when", "kind", "status", "title", "where"},
    empty = "Nothing on the agenda.",
  }), "agenda.md"))
end)
