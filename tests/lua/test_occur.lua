-- Recurrences in queries (issue 14): at.query and at.each with a window
-- give the occurrences of recurring events in it, as occurrence objects
-- (ev.occurrence, ev:event()); expand = false and a query without a
-- window give the events themselves.  Reports mark occurrences.  Runs in
-- a fresh empty store (tests/lua/run.sh).
local t = require "tap"
local at = require "attache"

local anniv = assert(at.add{title = "Relations anniversary", kind = "anniversary",
                            when = "1953-01-09", recur = "FREQ=YEARLY", actors = {"KHM", "JPN"}})
local meet = assert(at.add{title = "Meeting", kind = "meeting", when = "2025-01-07"})
local call = assert(at.add{title = "Weekly call", kind = "meeting", when = "2025-01-02T09:00:00Z",
                           recur = "FREQ=WEEKLY;COUNT=6"})
assert(at.add{title = "Old talks", kind = "meeting", when = "2020-01-07"})

-- The week of 9 January 2025.
local week = at.query{from = "2025-01-06", to = "2025-01-12"}
t.is(#week, 3, "three lines in the week of 9 January")
t.is(week[1].id, meet.id, "the meeting first")
t.ok(not at.is_occurrence(week[1]), "at.is_occurrence: no")
t.is(week[1].occurrence, nil, "an event's occurrence is nil")
t.ok(week[1]:event() == week[1], "and ev:event() is itself")
local n = 0
for _, ev in ipairs(week) do if ev.occurrence then n = n + 1 end end
t.is(n, 2, "ev.occurrence tells the lines apart without at.is_occurrence")
local o = week[2]
t.ok(at.is_occurrence(o), "then an occurrence")
t.is(o.id, anniv.id, "of the anniversary")
t.is(tostring(o.occurrence), "2025-01-09", "ev.occurrence is its date")
t.is(tostring(o.when), "2025-01-09", "and so is its when")
t.is(o.title, "Relations anniversary", "it reads as its event")
t.ok(o:has_actor("JPN"), "its methods work on it")
t.is(tostring(o:event().when), "1953-01-09", "ev:event() is the event itself")
t.is(o.recur, "FREQ=YEARLY", "with its rule")
local tab = o:totable()
t.is(tab.occurrence, "2025-01-09", "totable: the occurrence")
t.is(tab.when, "1953-01-09", "and the event as stored")
t.raises(function() o.title = "x" end, "read%-only", "an occurrence is read-only")
t.is(tostring(week[3].occurrence), "2025-01-09T09:00:00Z", "the call at nine")
t.is(week[3].id, call.id, "of the call")

-- The anniversary in the week of 9 January of each year.
for _, y in ipairs{1953, 2000, 2024, 2030} do
  local l = at.query{from = y .. "-01-05", to = y .. "-01-11", kind = "anniversary"}
  t.is(#l == 1 and tostring(l[1].occurrence), y .. "-01-09", "the anniversary in " .. y)
end
t.is(#at.query{from = "1952-01-01", to = "1952-12-31", kind = "anniversary"}, 0,
     "not before its first")

-- at.each and at.count agree with at.query; where sees occurrences.
local n = 0
for ev in at.each{from = "2025-01-01", to = "2025-12-31"} do n = n + 1 end
t.is(n, 8, "at.each: the meeting, six calls and the anniversary")
t.is(at.count{from = "2025-01-01", to = "2025-12-31"}, 8, "at.count the same")
t.is(at.count{from = "2025-01-01", to = "2025-12-31",
              where = function(ev) return at.is_occurrence(ev) end}, 7, "where sees occurrences")
local firsts = at.query{from = "2025-01-01", to = "2025-12-31", limit = 2}
t.is(#firsts, 2, "a limit counts lines")
local late = at.query{from = "2025-01-01", to = "2025-12-31", kind = "meeting",
                      where = function(ev) return ev.when:earliest() >= at.date("2025-02-01"):earliest() end}
t.is(#late, 1, "where on the occurrence's when")
t.is(tostring(late[1].occurrence), "2025-02-06T09:00:00Z", "the last call")

-- expand = false, and no window: the events themselves.
local plain = at.query{from = "2025-01-06", to = "2025-01-12", expand = false}
t.is(#plain, 1, "expand = false: the events whose own dates fall in the window")
t.is(plain[1].id, meet.id, "the meeting")
t.is(#at.query{}, 4, "no window: every event once")
t.is(#at.query{from = "2025-01-06"}, 1, "one side: the events, not expanded")
t.raises(function() at.query{from = "2025", to = "2026", expand = "yes"} end,
         "option 'expand' takes a boolean", "expand must be a boolean")

-- Reports mark an occurrence's id.
local text = at.report.text(week, {columns = {"id", "when", "title"}})
t.like(text, anniv.id .. "%*  9 Jan 2025", "report.text marks the anniversary's line")
t.like(text, "\n " .. meet.id .. "  7 Jan 2025", "and not the meeting's")
local md = at.report.markdown(week)
t.like(md, anniv.id .. "\\%*", "report.markdown marks it too (escaped)")
local json = at.report.json(week, {columns = {"id", "title", "when", "occurrence"}})
t.like(json, '"id":' .. anniv.id .. ',"title":"Relations anniversary","when":"2025%-01%-09",'
  .. '"occurrence":"2025%-01%-09"', "report.json: the id and the occurrence column")
t.like(json, '"occurrence":null', "null for an event")

local html = at.report.timeline(at.query{from = "2025-01-01", to = "2025-01-31"})
t.like(html, "Occurrence of event " .. anniv.id .. " %(FREQ=YEARLY%)", "the timeline says which event")
t.like(html, "Date: 2025%-01%-09", "and draws it on its own date")

return t.done()
